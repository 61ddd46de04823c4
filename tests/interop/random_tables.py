"""Seeded random Arrow tables over every type floe maps, with NULLs, empty strings,
extremes and nested values, for round trips between floe and its peers."""
import decimal
import random

import pyarrow as pa


def _maybe_null(rng, p, f):
    return None if rng.random() < p else f()


def random_table(rows, seed=0, null_p=0.1, nested=True):
    rng = random.Random(seed)

    def ints(bits, signed=True):
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        extremes = [lo, hi, 0, 1, -1 if signed else 2]
        return [_maybe_null(rng, null_p, lambda: rng.choice(extremes) if rng.random() < 0.05
                            else rng.randint(lo, hi)) for _ in range(rows)]

    def text():
        alphabet = "abcXYZ019 ,\"'\n\té€😀"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

    def dec(p, s):
        return decimal.Decimal(rng.randint(-(10 ** p) + 1, 10 ** p - 1)).scaleb(-s)

    cols = {
        "b": pa.array([_maybe_null(rng, null_p, lambda: rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "i8": pa.array(ints(8), pa.int8()),
        "i16": pa.array(ints(16), pa.int16()),
        "i32": pa.array(ints(32), pa.int32()),
        "i64": pa.array(ints(64), pa.int64()),
        "u8": pa.array(ints(8, False), pa.uint8()),
        "u16": pa.array(ints(16, False), pa.uint16()),
        "u32": pa.array(ints(32, False), pa.uint32()),
        "u64": pa.array(ints(64, False), pa.uint64()),
        "f32": pa.array([_maybe_null(rng, null_p, lambda: rng.choice([0.0, -0.0, 1.5, -3.25e10, float("inf"), rng.uniform(-1e6, 1e6)])) for _ in range(rows)], pa.float32()),
        "f64": pa.array([_maybe_null(rng, null_p, lambda: rng.choice([0.0, 1e308, -1e-308, float("-inf"), float("nan"), rng.uniform(-1e9, 1e9)])) for _ in range(rows)], pa.float64()),
        "d9": pa.array([_maybe_null(rng, null_p, lambda: dec(9, 2)) for _ in range(rows)], pa.decimal128(9, 2)),
        "d18": pa.array([_maybe_null(rng, null_p, lambda: dec(18, 4)) for _ in range(rows)], pa.decimal128(18, 4)),
        "d38": pa.array([_maybe_null(rng, null_p, lambda: dec(38, 10)) for _ in range(rows)], pa.decimal128(38, 10)),
        "s": pa.array([_maybe_null(rng, null_p, text) for _ in range(rows)], pa.string()),
        "low_card": pa.array([_maybe_null(rng, null_p, lambda: rng.choice(["desktop", "mobile", "tablet", ""])) for _ in range(rows)], pa.string()),
        "bin": pa.array([_maybe_null(rng, null_p, lambda: bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))) for _ in range(rows)], pa.binary()),
        "fixed": pa.array([_maybe_null(rng, null_p, lambda: bytes(rng.randrange(256) for _ in range(16))) for _ in range(rows)], pa.binary(16)),
        "date": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(-719162, 2932896)) for _ in range(rows)], pa.int32()).cast(pa.date32()),
        "time": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(0, 86400 * 10**6 - 1)) for _ in range(rows)], pa.int64()).cast(pa.time64("us")),
        "ts": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(-(10**17), 10**17)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("us")),
        "ts_utc": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(-(10**17), 10**17)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "ts_ms": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(-(10**14), 10**14)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("ms")),
        "ts_ns": pa.array([_maybe_null(rng, null_p, lambda: rng.randint(-(10**18), 10**18)) for _ in range(rows)], pa.int64()).cast(pa.timestamp("ns")),
    }
    if nested:
        def small_list(f):
            return [f() for _ in range(rng.randint(0, 4))]
        cols["l_i32"] = pa.array([_maybe_null(rng, null_p, lambda: small_list(lambda: _maybe_null(rng, null_p, lambda: rng.randint(-5, 5)))) for _ in range(rows)], pa.list_(pa.int32()))
        cols["l_l_s"] = pa.array([_maybe_null(rng, null_p, lambda: small_list(lambda: _maybe_null(rng, null_p, lambda: small_list(lambda: _maybe_null(rng, null_p, text))))) for _ in range(rows)], pa.list_(pa.list_(pa.string())))
        st = pa.struct([("a", pa.int64()), ("b", pa.list_(pa.string())), ("c", pa.struct([("x", pa.float64())]))])
        cols["st"] = pa.array([_maybe_null(rng, null_p, lambda: {"a": _maybe_null(rng, null_p, lambda: rng.randint(0, 100)), "b": _maybe_null(rng, null_p, lambda: small_list(text)), "c": _maybe_null(rng, null_p, lambda: {"x": _maybe_null(rng, null_p, rng.random)})}) for _ in range(rows)], st)
        cols["l_st"] = pa.array([_maybe_null(rng, null_p, lambda: small_list(lambda: _maybe_null(rng, null_p, lambda: {"k": text(), "v": _maybe_null(rng, null_p, lambda: rng.randint(0, 9))}))) for _ in range(rows)], pa.list_(pa.struct([("k", pa.string()), ("v", pa.int32())])))
        cols["m"] = pa.array([_maybe_null(rng, null_p, lambda: [(f"k{j}", _maybe_null(rng, null_p, lambda: rng.randint(0, 1000))) for j in range(rng.randint(0, 3))]) for _ in range(rows)], pa.map_(pa.string(), pa.int64()))
    return pa.table(cols)
