"""Canonical Python forms of column values, so that what floe prints (JSON lines from
`floe file cat --format json`) and what pyarrow reads can be compared exactly, type by type.
"""
import decimal
import json
import math
import struct

import pyarrow as pa

UNITS = {"s": 1, "ms": 1000, "us": 1000000, "ns": 1000000000}


def civil_from_days(z):
    z += 719468
    era = z // 146097  # floor division: the C form (z - 146096) / 146097 truncates
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d


def fmt_date(days):
    y, m, d = civil_from_days(days)
    return f"{y:04}-{m:02}-{d:02}" if 0 <= y <= 9999 else f"{y}-{m:02}-{d:02}"


def fmt_frac(frac, ups):
    if frac == 0:
        return ""
    digits = {1000: 3, 1000000: 6}.get(ups, 9)
    return "." + str(frac).rjust(digits, "0")


def fmt_time(units, ups):
    secs, frac = divmod(units, ups)
    return f"{secs // 3600:02}:{secs // 60 % 60:02}:{secs % 60:02}" + fmt_frac(frac, ups)


def fmt_timestamp(units, ups):
    secs, frac = divmod(units, ups)
    days, sod = divmod(secs, 86400)
    return fmt_date(days) + " " + fmt_time(sod * ups + frac, ups)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def arrow_canonical(arr, t=None):
    """Canonical values of a pyarrow Array (list of Python values)."""
    if isinstance(arr, pa.ChunkedArray):
        out = []
        for chunk in arr.chunks:
            out.extend(arrow_canonical(chunk))
        return out
    t = arr.type
    if isinstance(t, pa.ExtensionType):
        arr = arr.storage
        t = arr.type
    nulls = arr.is_null().to_pylist() if arr.null_count else [False] * len(arr)
    if pa.types.is_timestamp(t):
        vals = arr.cast(pa.int64()).to_pylist()
        tz = "+00" if t.tz else ""
        return [None if n else fmt_timestamp(v, UNITS[t.unit]) + tz for v, n in zip(vals, nulls)]
    if pa.types.is_time(t):
        vals = arr.cast(pa.int64() if t.bit_width == 64 else pa.int32()).to_pylist()
        ups = UNITS[t.unit]
        # floe widens TIME(MILLIS) to microseconds
        if ups == 1000:
            vals = [None if v is None else v * 1000 for v in vals]
            ups = 1000000
        return [None if n else fmt_time(v, ups) for v, n in zip(vals, nulls)]
    if pa.types.is_date32(t):
        vals = arr.cast(pa.int32()).to_pylist()
        return [None if n else fmt_date(v) for v, n in zip(vals, nulls)]
    if pa.types.is_date64(t):
        vals = arr.cast(pa.int64()).to_pylist()
        return [None if n else fmt_date(v // 86400000) for v, n in zip(vals, nulls)]
    if pa.types.is_struct(t):
        fields = [arrow_canonical(arr.field(i)) for i in range(t.num_fields)]
        names = [t.field(i).name for i in range(t.num_fields)]
        return [None if n else {names[i]: fields[i][r] for i in range(len(names))}
                for r, n in enumerate(nulls)]
    if pa.types.is_map(t):
        keys = arrow_canonical(arr.keys)
        items = arrow_canonical(arr.items)
        offs = arr.offsets.to_pylist()
        return [None if n else {key_text(keys[j]): items[j] for j in range(offs[r], offs[r + 1])}
                for r, n in enumerate(nulls)]
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        values = arrow_canonical(arr.values)
        offs = arr.offsets.to_pylist()
        return [None if n else values[offs[r]:offs[r + 1]] for r, n in enumerate(nulls)]
    if pa.types.is_dictionary(t):
        return arrow_canonical(arr.dictionary_decode())
    vals = arr.to_pylist()
    out = []
    for v, n in zip(vals, nulls):
        if n or v is None:
            out.append(None)
        elif isinstance(v, bool):
            out.append(v)
        elif isinstance(v, float):
            if math.isnan(v):
                out.append("NaN")
            elif math.isinf(v):
                out.append("Infinity" if v > 0 else "-Infinity")
            elif pa.types.is_float32(t) or pa.types.is_float16(t):
                out.append(("f32", f32(v)))
            else:
                out.append(v)
        elif isinstance(v, (bytes, bytearray)):
            out.append(bytes(v).hex())
        elif isinstance(v, decimal.Decimal):
            out.append(("dec", v))
        else:
            out.append(v)
    return out


def key_text(k):
    if isinstance(k, tuple) and k[0] == "dec":
        return str(k[1])
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


def floe_canonical(value, t):
    """Canonical form of one JSON value floe printed, given the pyarrow type of the column."""
    if value is None:
        return None
    if isinstance(t, pa.ExtensionType):
        t = t.storage_type
    if pa.types.is_struct(t):
        return {t.field(i).name: floe_canonical(value.get(t.field(i).name), t.field(i).type)
                for i in range(t.num_fields)}
    if pa.types.is_map(t):
        return {k: floe_canonical(v, t.item_type) for k, v in value.items()}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [floe_canonical(v, t.value_type) for v in value]
    if pa.types.is_dictionary(t):
        return floe_canonical(value, t.value_type)
    if pa.types.is_floating(t):
        if value in ("NaN", "Infinity", "-Infinity"):
            return value
        if pa.types.is_float32(t) or pa.types.is_float16(t):
            return ("f32", f32(float(value)))
        return float(value)
    if pa.types.is_decimal(t):
        return ("dec", decimal.Decimal(str(value)))
    if pa.types.is_fixed_size_binary(t) and isinstance(value, str):
        return value.replace("-", "")  # UUIDs print with dashes
    return value


def parse_floe_json_lines(text):
    return [json.loads(line, parse_float=str) for line in text.splitlines() if line.strip()]
