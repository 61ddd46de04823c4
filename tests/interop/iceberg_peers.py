"""What the Iceberg interop tests share: a floe warehouse in a temporary folder, the peers that
read and write it (PyIceberg through the same SQLite catalog file, DuckDB's iceberg extension
loaded from its PyPI wheel), and canonical rows so that what each of them returns can be
compared value by value with the data the test started from."""
import collections
import datetime as dt
import decimal
import json
import os
import pathlib
import sqlite3
import subprocess
import uuid
import warnings

import pyarrow as pa
import pyarrow.parquet as pq

from canonical import arrow_canonical, floe_canonical
from conftest import floe_binary, run_floe

# PyIceberg warns that floe's catalog has no iceberg_type column (the JDBC catalog's v0
# layout, which it reads in full) and that it downcasts nanoseconds; neither is a finding.
warnings.filterwarnings("ignore", message=".*v0 schema.*")
warnings.filterwarnings("ignore", message=".*iceberg_type.*")


# ---- canonical rows -----------------------------------------------------------------------

def _freeze(v):
    if isinstance(v, uuid.UUID):
        return str(v)  # pyarrow's uuid type gives UUIDs; floe prints them with dashes
    if isinstance(v, dict):
        return ("{", tuple(sorted((k, _freeze(x)) for k, x in v.items())))
    if isinstance(v, list):
        return ("[", tuple(_freeze(x) for x in v))
    if isinstance(v, tuple):
        return tuple(_freeze(x) for x in v)
    return v


def arrow_rows(table, columns=None):
    """Canonical rows (dicts) of a pyarrow Table or RecordBatchReader."""
    if isinstance(table, pa.RecordBatchReader):
        table = table.read_all()
    columns = columns or table.column_names
    cols = {c: arrow_canonical(table.column(c)) for c in columns}
    return [{c: cols[c][i] for c in columns} for i in range(table.num_rows)]


def floe_rows(text, schema, columns=None):
    """Canonical rows of `floe table scan --format json` output, typed by a pyarrow schema."""
    columns = columns or schema.names
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line, parse_float=str)
        assert set(obj) == set(columns), f"floe printed columns {sorted(obj)}, want {columns}"
        out.append({c: floe_canonical(obj[c], schema.field(c).type) for c in columns})
    return out


def same_rows(got, want, what=""):
    """Asserts two lists of canonical rows are equal as multisets, showing the difference."""
    g = collections.Counter(_freeze(r) for r in got)
    w = collections.Counter(_freeze(r) for r in want)
    if g != w:
        missing = list((w - g).elements())[:5]
        extra = list((g - w).elements())[:5]
        raise AssertionError(f"{what}: {len(got)} rows, want {len(want)}\n"
                             f"  missing (first 5): {missing}\n  unexpected (first 5): {extra}")


# ---- source data ---------------------------------------------------------------------------

STRUCT_T = pa.struct([("x", pa.int32()), ("y", pa.string())])
MAP_T = pa.map_(pa.string(), pa.int64())
COUNTRIES = ["DE", "FR", "US", "JP", None]
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "", None, "alphabet", "bet"]


def all_types_table(n, seed=0):
    """n rows of every type floe stores, NULLs in every column, deterministic in seed."""
    rows = range(seed, seed + n)

    def nul(i, v, every=7):
        return None if i % every == 3 else v

    base_ts = dt.datetime(2024, 1, 1)
    cols = {
        "id": pa.array(list(rows), pa.int64()),  # never null: the key of the tests
        "b": pa.array([nul(i, i % 2 == 0) for i in rows]),
        "i": pa.array([nul(i, (i * 37) % 1000 - 500) for i in rows], pa.int32()),
        "l": pa.array([nul(i, i * 1_000_003 - 7_000_000_000, 5) for i in rows], pa.int64()),
        "f": pa.array([nul(i, i * 0.25 - 3.5) for i in rows], pa.float32()),
        "d": pa.array([nul(i, i / 3.0 - 10.0) for i in rows], pa.float64()),
        "dec": pa.array([nul(i, decimal.Decimal(i * 1234 - 50000).scaleb(-2)) for i in rows],
                        pa.decimal128(10, 2)),
        "dec38": pa.array([nul(i, decimal.Decimal(f"{i * 98765432109876543210}.{i:010d}")
                               * (-1 if i % 3 == 0 else 1)) for i in rows],
                          pa.decimal128(38, 10)),
        "country": pa.array([COUNTRIES[i % 5] for i in rows]),
        "s": pa.array([nul(i, (WORDS[i % 10] or "") + ("" if i % 4 else str(i)), 11)
                       for i in rows]),
        "bin": pa.array([nul(i, bytes([i % 256, (i * 7) % 256]) * (i % 3)) for i in rows]),
        "dt": pa.array([nul(i, dt.date(2023, 11, 20) + dt.timedelta(days=i * 9)) for i in rows]),
        "ts": pa.array([nul(i, base_ts + dt.timedelta(hours=i * 7, microseconds=i)) for i in rows],
                       pa.timestamp("us")),
        "tstz": pa.array([nul(i, dt.datetime(1969, 12, 31, 22, tzinfo=dt.timezone.utc)
                              + dt.timedelta(minutes=i * 97)) for i in rows],
                         pa.timestamp("us", tz="UTC")),
        "tm": pa.array([nul(i, (i * 3_600_000_123) % 86_400_000_000) for i in rows],
                       pa.time64("us")),
        "u": pa.ExtensionArray.from_storage(
            pa.uuid(), pa.array([nul(i, uuid.UUID(int=i * 0x1234567890ABCDEF).bytes)
                                 for i in rows], pa.binary(16))),
        "fx": pa.array([nul(i, i.to_bytes(4, "big")) for i in rows], pa.binary(4)),
        "lst": pa.array([nul(i, [None if (i + k) % 5 == 0 else i * 10 + k
                                 for k in range(i % 4)]) for i in rows], pa.list_(pa.int64())),
        "st": pa.array([nul(i, {"x": None if i % 6 == 1 else i, "y": WORDS[i % 10]})
                        for i in rows], STRUCT_T),
        "mp": pa.array([nul(i, [(f"k{k}", None if k == 2 else i + k) for k in range(i % 3)])
                        for i in rows], MAP_T),
    }
    return pa.table(cols)


def write_parquet(table, path):
    pq.write_table(table, path)
    return path


# ---- floe warehouse ------------------------------------------------------------------------

class Warehouse:
    """A floe warehouse in a folder: floe's commands on it and peers reading the same tables."""

    def __init__(self, path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._pyiceberg = None

    def floe(self, *args, check=True, fault=None):
        """Runs a floe command on this warehouse; `fault` sets FLOE_FAULT for it."""
        if fault is None:
            return run_floe(*args, "--warehouse", self.path, check=check)
        proc = subprocess.run([floe_binary(), *map(str, args), "--warehouse", str(self.path)],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "FLOE_FAULT": fault})
        if check and proc.returncode != 0:
            raise AssertionError(f"floe {' '.join(map(str, args))} failed ({proc.returncode}):"
                                 f"\n{proc.stderr}")
        return proc

    def popen(self, *args):
        return subprocess.Popen([floe_binary(), *map(str, args), "--warehouse", str(self.path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def scan(self, name, schema, *args):
        """floe's rows of a table, canonical."""
        out = self.floe("table", "scan", name, "--format", "json", *args).stdout
        return floe_rows(out, schema)

    def snapshots(self, name):
        out = self.floe("table", "snapshots", name, "--format", "json").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        for r in rows:
            r["summary"] = json.loads(r["summary"]) if r["summary"] else {}
        return rows

    def metadata_location(self, name):
        ns, table = name.rsplit(".", 1)
        with sqlite3.connect(self.path / "catalog.db") as db:
            row = db.execute("SELECT metadata_location FROM iceberg_tables WHERE catalog_name = "
                             "'floe' AND table_namespace = ? AND table_name = ?",
                             (ns, table)).fetchone()
        assert row, f"{name} is not in {self.path / 'catalog.db'}"
        return row[0]

    def catalog(self):
        """PyIceberg's SQL catalog over floe's catalog file."""
        if self._pyiceberg is None:
            from pyiceberg.catalog import load_catalog
            self._pyiceberg = load_catalog("floe", type="sql",
                                           uri=f"sqlite:///{self.path}/catalog.db",
                                           warehouse=f"file://{self.path}")
        return self._pyiceberg

    def pyiceberg_table(self, name):
        return self.catalog().load_table(name)

    def files_on_disk(self, name):
        root = self.path / name.replace(".", "/")
        return {p for p in root.rglob("*") if p.is_file()}

    def orphans(self, name):
        """What `floe table remove-orphans --dry-run` would delete, as local paths."""
        out = self.floe("table", "remove-orphans", name, "--older-than", "0s",
                        "--dry-run").stdout
        found = set()
        for line in out.splitlines():
            line = line.strip()
            if line.startswith("file://"):
                found.add(pathlib.Path(line[len("file://"):]))
        return found


# ---- DuckDB --------------------------------------------------------------------------------

def duckdb_connection():
    """A DuckDB connection with the avro and iceberg extensions installed from their PyPI
    wheels (DuckDB cannot download extensions here) and loaded."""
    import duckdb
    from duckdb_extensions import import_extension
    import_extension("avro")
    import_extension("iceberg")
    con = duckdb.connect(config={"autoinstall_known_extensions": "false",
                                 "autoload_known_extensions": "false"})
    con.execute("LOAD avro")
    con.execute("LOAD iceberg")
    con.execute("SET TimeZone = 'UTC'")
    return con


def duckdb_arrow(con, sql, params=None):
    res = con.execute(sql, params or [])
    tbl = res.arrow()
    if isinstance(tbl, pa.RecordBatchReader):
        tbl = tbl.read_all()
    return tbl
