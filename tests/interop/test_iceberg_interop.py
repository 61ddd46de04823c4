"""floe's Iceberg tables against peers floe did not write: PyIceberg reads them through floe's
own SQLite catalog file (the JDBC catalog's layout), DuckDB's iceberg extension reads their
metadata files, and PyIceberg writes tables that floe then reads and appends to. Rows are
compared value by value (every type floe stores, NULLs in each), as are snapshots, history,
files and partition values; row-level deletes (merge-on-read and copy-on-write), compaction,
time travel and rollback, concurrent appends, commits killed at each named fault point, and
the errors a user meets."""
import datetime as dt
import decimal
import json
import pathlib
import re
import urllib.parse
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyiceberg import expressions as E
from pyiceberg import transforms as T
from pyiceberg.conversions import from_bytes

import iceberg_peers as P

N = 40  # rows per appended file

U18 = uuid.UUID(int=18 * 0x1234567890ABCDEF)  # the uuid of row 18
UTC = dt.timezone.utc


def _ge(c, v):
    return lambda r: r[c] is not None and r[c] >= v


def _lt(c, v):
    return lambda r: r[c] is not None and r[c] < v


def _eq(c, v):
    return lambda r: r[c] is not None and r[c] == v


# Per layout: floe's --partition-by, and filters on the partition sources, each as the text
# floe and DuckDB take, the PyIceberg expression, and the predicate on source rows.
LAYOUTS = {
    "unpartitioned": ("", [
        ("id >= 50", E.GreaterThanOrEqual("id", 50), _ge("id", 50)),
    ]),
    "identity": ("country", [
        ("country = 'FR'", E.EqualTo("country", "FR"), _eq("country", "FR")),
        ("country IS NULL", E.IsNull("country"), lambda r: r["country"] is None),
    ]),
    "day": ("day(ts)", [
        ("ts >= '2024-01-05 00:00:00' AND ts < '2024-01-07 00:00:00'",
         E.And(E.GreaterThanOrEqual("ts", "2024-01-05T00:00:00"),
               E.LessThan("ts", "2024-01-07T00:00:00")),
         lambda r: r["ts"] is not None
         and dt.datetime(2024, 1, 5) <= r["ts"] < dt.datetime(2024, 1, 7)),
    ]),
    "month": ("month(dt)", [
        ("dt < '2024-01-01'", E.LessThan("dt", "2024-01-01"), _lt("dt", dt.date(2024, 1, 1))),
    ]),
    "year": ("year(tstz)", [
        ("tstz < '1970-01-01 00:00:00+00'", E.LessThan("tstz", "1970-01-01T00:00:00+00:00"),
         _lt("tstz", dt.datetime(1970, 1, 1, tzinfo=UTC))),
    ]),
    "hour": ("hour(tstz)", [
        ("tstz >= '1970-01-02 03:00:00+00'",
         E.GreaterThanOrEqual("tstz", "1970-01-02T03:00:00+00:00"),
         _ge("tstz", dt.datetime(1970, 1, 2, 3, tzinfo=UTC))),
    ]),
    "bucket": ("bucket(8, id), bucket(4, s)", [
        ("id = 17", E.EqualTo("id", 17), _eq("id", 17)),
        ("s = 'beta'", E.EqualTo("s", "beta"), _eq("s", "beta")),
    ]),
    "truncate": ("truncate(3, s), truncate(100, i)", [
        ("s >= 'alp' AND s < 'alq'",
         E.And(E.GreaterThanOrEqual("s", "alp"), E.LessThan("s", "alq")),
         lambda r: r["s"] is not None and "alp" <= r["s"] < "alq"),
        ("i < 0", E.LessThan("i", 0), _lt("i", 0)),
    ]),
    "mixed": ("bucket(4, u), truncate(50, dec), bucket(5, dt), b, bucket(3, dec38), "
              "truncate(2, bin)", [
        (f"u = '{U18}'", E.EqualTo("u", U18), _eq("u", U18)),
        ("dec >= 5 AND dec < 20.5", E.And(E.GreaterThanOrEqual("dec", decimal.Decimal("5.00")),
                                          E.LessThan("dec", decimal.Decimal("20.50"))),
         lambda r: r["dec"] is not None and 5 <= r["dec"] < decimal.Decimal("20.5")),
        ("dt = '2024-01-13'", E.EqualTo("dt", "2024-01-13"), _eq("dt", dt.date(2024, 1, 13))),
        ("b = true", E.EqualTo("b", True), _eq("b", True)),
    ]),
}

# The partition fields PyIceberg reads from floe's spec: (transform, source column).
SPECS = {
    "unpartitioned": [], "identity": [("identity", "country")], "day": [("day", "ts")],
    "month": [("month", "dt")], "year": [("year", "tstz")], "hour": [("hour", "tstz")],
    "bucket": [("bucket[8]", "id"), ("bucket[4]", "s")],
    "truncate": [("truncate[3]", "s"), ("truncate[100]", "i")],
    "mixed": [("bucket[4]", "u"), ("truncate[50]", "dec"), ("bucket[5]", "dt"),
              ("identity", "b"), ("bucket[3]", "dec38"), ("truncate[2]", "bin")],
}

# The Iceberg types floe gives the Parquet columns (as PyIceberg prints them).
ICEBERG_TYPES = {
    "id": "long", "b": "boolean", "i": "int", "l": "long", "f": "float", "d": "double",
    "dec": "decimal(10, 2)", "dec38": "decimal(38, 10)", "country": "string", "s": "string",
    "bin": "binary", "dt": "date", "ts": "timestamp", "tstz": "timestamptz", "tm": "time",
    "u": "uuid", "fx": "fixed[4]", "lst": "list<long>",
    "st": "struct<x: int, y: string>", "mp": "map<string, long>",
}

# DuckDB 1.5.5 prunes every file for `u = '<uuid>'`, on PyIceberg's own tables too, so it gets
# that filter on the uuid's text; floe and PyIceberg get the uuid comparison.
DUCKDB_FILTERS = {f"u = '{U18}'": f"u::VARCHAR = '{U18}'"}


def select(table, pred):
    return table.filter(pa.array([bool(pred(r)) for r in table.to_pylist()]))


@pytest.fixture(scope="module")
def duck():
    con = P.duckdb_connection()
    yield con
    con.close()


def duck_rows(con, location, where="", snapshot=None):
    args = f"'{location}'" + (f", snapshot_from_id => {snapshot}" if snapshot else "")
    sql = f"SELECT * FROM iceberg_scan({args})" + (f" WHERE {where}" if where else "")
    return P.arrow_rows(P.duckdb_arrow(con, sql))


def pyiceberg_rows(tbl, row_filter=None, snapshot_id=None):
    kwargs = {}
    if row_filter is not None:
        kwargs["row_filter"] = row_filter
    if snapshot_id is not None:
        kwargs["snapshot_id"] = snapshot_id
    return P.arrow_rows(tbl.scan(**kwargs).to_arrow())


def internal_values(column):
    """A Parquet column's values in the form PyIceberg's transforms take (days, micros)."""
    t = column.type
    if pa.types.is_date32(t):
        return column.cast(pa.int32()).to_pylist()
    if pa.types.is_timestamp(t) or pa.types.is_time64(t):
        return column.cast(pa.int64()).to_pylist()
    return column.to_pylist()


def check_partition_values(tbl):
    """Every data file's partition tuple in the manifests is what PyIceberg's transforms give
    for each of the file's rows, and its record count is the file's; returns the files."""
    schema = tbl.schema()
    specs = tbl.specs()
    files = []
    for task in tbl.scan().plan_files():
        f = task.file
        spec = specs[f.spec_id]
        data = pq.read_table(f.file_path.removeprefix("file://"))
        assert f.record_count == data.num_rows, f.file_path
        got = tuple(f.partition[i] for i in range(len(spec.fields)))
        for i, pf in enumerate(spec.fields):
            source = schema.find_field(pf.source_id)
            fn = pf.transform.transform(source.field_type)
            want = {fn(v) for v in internal_values(data.column(source.name))}
            assert want == {got[i]}, (f"{f.file_path}: partition {pf.name} is {got[i]!r}, "
                                      f"its rows give {want}")
        files.append((f, spec))
    return files


# ---- 1 and 2: floe writes, PyIceberg and DuckDB read --------------------------------------

class FloeTable:
    """A table floe created and appended to, two files (two snapshots) in one layout."""

    def __init__(self, wh, layout, parts, snapshot_ids):
        self.wh, self.name, self.layout = wh, "db.t", layout
        self.parts, self.snapshot_ids = parts, snapshot_ids
        self.source = pa.concat_tables(parts)


@pytest.fixture(scope="module", params=list(LAYOUTS))
def floe_table(request, tmp_path_factory):
    layout = request.param
    root = tmp_path_factory.mktemp(f"floe-{layout}")
    wh = P.Warehouse(root / "wh")
    parts = [P.all_types_table(N, seed) for seed in (0, N)]
    if layout != "mixed":
        parts = [p.drop_columns(["u"]) for p in parts]
    files = [P.write_parquet(p, root / f"part{k}.parquet") for k, p in enumerate(parts)]
    args = ["table", "create", "db.t", "--like", files[0]]
    if LAYOUTS[layout][0]:
        args += ["--partition-by", LAYOUTS[layout][0]]
    wh.floe(*args)
    for f in files:
        wh.floe("table", "append", "db.t", f)
    ids = [s["snapshot_id"] for s in wh.snapshots("db.t")]
    assert len(ids) == 2
    return FloeTable(wh, layout, parts, ids)


def test_floe_reads_back_what_it_wrote(floe_table):
    ft = floe_table
    P.same_rows(ft.wh.scan(ft.name, ft.source.schema), P.arrow_rows(ft.source), "floe scan")
    for text, _, pred in LAYOUTS[ft.layout][1]:
        P.same_rows(ft.wh.scan(ft.name, ft.source.schema, "--filter", text),
                    P.arrow_rows(select(ft.source, pred)), f"floe scan --filter {text}")


def test_pyiceberg_reads_floe_table(floe_table):
    ft = floe_table
    tbl = ft.wh.pyiceberg_table(ft.name)
    assert tbl.metadata_location == ft.wh.metadata_location(ft.name)
    fields = tbl.schema().fields
    types = {f.name: re.sub(r"\d+: |optional ", "", str(f.field_type)) for f in fields}
    # Java's fresh ids: the top-level columns 1..n in order, nested fields after them.
    assert [f.field_id for f in fields] == list(range(1, len(fields) + 1))
    assert tbl.schema().find_field("st.x").field_id > len(fields)
    assert types == {k: v for k, v in ICEBERG_TYPES.items() if k in types}, types
    assert list(types) == ft.source.column_names
    P.same_rows(pyiceberg_rows(tbl), P.arrow_rows(ft.source), "PyIceberg scan")
    assert tbl.scan().count() == ft.source.num_rows


def test_pyiceberg_row_filter_on_partition_source(floe_table):
    """PyIceberg prunes with floe's partition values and column bounds: a wrong value would
    drop rows."""
    ft = floe_table
    tbl = ft.wh.pyiceberg_table(ft.name)
    for text, expr, pred in LAYOUTS[ft.layout][1]:
        want = P.arrow_rows(select(ft.source, pred))
        assert want, f"filter {text} selects nothing: a useless test"
        P.same_rows(pyiceberg_rows(tbl, row_filter=expr), want, f"PyIceberg row_filter {expr}")


def test_pyiceberg_metadata_tables_of_floe_table(floe_table):
    ft = floe_table
    tbl = ft.wh.pyiceberg_table(ft.name)
    floe_snaps = ft.wh.snapshots(ft.name)
    snaps = tbl.inspect.snapshots().to_pylist()
    assert [s["snapshot_id"] for s in snaps] == ft.snapshot_ids
    assert [s["parent_id"] for s in snaps] == [None, ft.snapshot_ids[0]]
    assert [s["operation"] for s in snaps] == ["append", "append"]
    total = 0
    for s, fs, part in zip(snaps, floe_snaps, ft.parts):
        summary = dict(s["summary"])
        total += part.num_rows
        assert summary["added-records"] == str(part.num_rows)
        assert summary["total-records"] == str(total)
        assert s["manifest_list"] == fs["manifest_list"]
        assert int(s["committed_at"].replace(tzinfo=UTC).timestamp() * 1000) == int(
            dt.datetime.fromisoformat(fs["committed_at"].replace("+00", "+00:00")).timestamp()
            * 1000)
    assert tbl.current_snapshot().snapshot_id == ft.snapshot_ids[-1]

    hist = tbl.inspect.history().to_pylist()
    assert [h["snapshot_id"] for h in hist] == ft.snapshot_ids
    assert all(h["is_current_ancestor"] for h in hist)
    floe_hist = [json.loads(x) for x in
                 ft.wh.floe("table", "history", ft.name, "--format", "json").stdout.splitlines()]
    assert [h["snapshot_id"] for h in floe_hist] == ft.snapshot_ids

    floe_files = {f["file_path"]: f for f in (json.loads(x) for x in ft.wh.floe(
        "table", "files", ft.name, "--format", "json").stdout.splitlines())}
    schema = tbl.schema()
    data_files = [task.file for task in tbl.scan().plan_files()]
    assert {f.file_path for f in data_files} == set(floe_files)
    assert sum(f.record_count for f in data_files) == ft.source.num_rows
    for f in data_files:
        data = pq.read_table(f.file_path.removeprefix("file://"))
        assert f.record_count == data.num_rows == floe_files[f.file_path]["record_count"]
        assert f.file_size_in_bytes == floe_files[f.file_path]["file_size_in_bytes"]
        # Metrics as PyIceberg decodes them, against the file's own values.
        for col in ("id", "i", "l", "dec", "dec38", "s", "dt", "ts", "tstz", "fx"):
            fid = schema.find_field(col).field_id
            vals = [v for v in internal_values(data.column(col)) if v is not None]
            assert f.value_counts[fid] == data.num_rows, (f.file_path, col)
            assert f.null_value_counts[fid] == data.num_rows - len(vals), (f.file_path, col)
            if vals:
                ftype = schema.find_field(col).field_type
                lo = from_bytes(ftype, f.lower_bounds[fid])
                hi = from_bytes(ftype, f.upper_bounds[fid])
                assert (lo, hi) == (min(vals), max(vals)), (f.file_path, col)
    if "u" not in ft.source.column_names:
        # PyIceberg builds its files table in Arrow, which it cannot do for a uuid column
        # (its own tables too): the layouts but one leave that column out for this.
        files = tbl.inspect.files().to_pylist()
        assert all(f["content"] == 0 for f in files)
        assert sorted((f["file_path"], f["record_count"]) for f in files) == sorted(
            (p, f["record_count"]) for p, f in floe_files.items())
        for f in files:
            m = f["readable_metrics"]["s"]
            data = pq.read_table(f["file_path"].removeprefix("file://"), columns=["s"])
            vals = [v for v in data.column("s").to_pylist() if v is not None]
            assert (m["lower_bound"], m["upper_bound"]) == ((min(vals), max(vals)) if vals
                                                            else (None, None))
        manifests = tbl.inspect.manifests().to_pylist()
        assert sum(m["added_data_files_count"] for m in manifests) == len(files)
        floe_manifests = [json.loads(x) for x in ft.wh.floe(
            "table", "manifests", ft.name, "--format", "json").stdout.splitlines()]
        assert sorted(m["path"] for m in manifests) == sorted(m["path"] for m in floe_manifests)


def test_partition_values_agree_with_pyiceberg_transforms(floe_table):
    ft = floe_table
    tbl = ft.wh.pyiceberg_table(ft.name)
    spec = tbl.spec()
    schema = tbl.schema()
    assert [(str(pf.transform), schema.find_field(pf.source_id).name) for pf in spec.fields] \
        == SPECS[ft.layout]
    files = check_partition_values(tbl)
    assert sum(f.record_count for f, _ in files) == ft.source.num_rows
    # floe's files table prints the partition as Java's path text, as PyIceberg makes it.
    floe_files = {f["file_path"]: f["partition"] for f in (json.loads(x) for x in ft.wh.floe(
        "table", "files", ft.name, "--format", "json").stdout.splitlines())}
    for f, s in files:
        path = s.partition_to_path(f.partition, tbl.schema()) if s.fields else ""
        # Data files lie in Java's partition folders (values URL-encoded)...
        assert f.file_path.rsplit("/", 1)[0] == f"file://{ft.wh.path}/db/t/data" + (
            f"/{path}" if path else "")
        # ...and the files table prints the same text, decoded.
        assert floe_files[f.file_path] == urllib.parse.unquote_plus(path), f.file_path
    # floe's partitions table: one row per partition tuple, record counts summed.
    parts = [json.loads(x) for x in
             ft.wh.floe("table", "partitions", ft.name, "--format", "json").stdout.splitlines()]
    assert sum(p["record_count"] for p in parts) == ft.source.num_rows
    pyparts = tbl.inspect.partitions().to_pylist()
    assert len(parts) == len(pyparts)
    assert sorted(p["record_count"] for p in parts) == sorted(p["record_count"] for p in pyparts)


def test_duckdb_reads_floe_table(floe_table, duck):
    ft = floe_table
    loc = ft.wh.metadata_location(ft.name)
    P.same_rows(duck_rows(duck, loc), P.arrow_rows(ft.source), "DuckDB iceberg_scan")
    for text, _, pred in LAYOUTS[ft.layout][1]:
        where = DUCKDB_FILTERS.get(text, text)
        P.same_rows(duck_rows(duck, loc, where), P.arrow_rows(select(ft.source, pred)),
                    f"DuckDB WHERE {where}")
    snaps = duck.execute(f"SELECT sequence_number, snapshot_id, manifest_list "
                         f"FROM iceberg_snapshots('{loc}') ORDER BY sequence_number").fetchall()
    floe_snaps = ft.wh.snapshots(ft.name)
    assert snaps == [(s["sequence_number"], s["snapshot_id"], s["manifest_list"])
                     for s in floe_snaps]
    # Each snapshot as of itself.
    P.same_rows(duck_rows(duck, loc, snapshot=ft.snapshot_ids[0]), P.arrow_rows(ft.parts[0]),
                "DuckDB as of the first snapshot")
    meta = duck.execute(f"SELECT file_path, record_count FROM iceberg_metadata('{loc}')").fetchall()
    assert sum(n for _, n in meta) == ft.source.num_rows
    for path, n in meta:
        assert pq.read_metadata(path.removeprefix("file://")).num_rows == n



def test_nanosecond_parquet_makes_a_v2_table_peers_read(tmp_path, duck):
    """Parquet from pandas holds nanosecond timestamps; format version 2 has none (timestamp_ns
    is v3), so the table stores microseconds and every peer reads it."""
    wh = P.Warehouse(tmp_path / "wh")
    us = [dt.datetime(2024, 1, 1, 10, 0, 0, 123456), None, dt.datetime(1969, 12, 31, 23, 59, 59)]
    src = pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "ts": pa.array(us, pa.timestamp("us")).cast(pa.timestamp("ns")),
        "tstz": pa.array(us, pa.timestamp("us", tz="UTC")).cast(pa.timestamp("ns", tz="UTC")),
        "hist": pa.array([us[:1], [], None], pa.list_(pa.timestamp("ns"))),
    })
    f = P.write_parquet(src, tmp_path / "ns.parquet")
    wh.floe("table", "create", "db.t", "--like", f, "--partition-by", "day(ts)")
    wh.floe("table", "append", "db.t", f)
    meta_file = pathlib.Path(wh.metadata_location("db.t").removeprefix("file://"))
    meta = json.loads(meta_file.read_text())
    assert meta["format-version"] == 2
    types = {fl["name"]: fl["type"] for fl in meta["schemas"][-1]["fields"]}
    assert types["ts"] == "timestamp" and types["tstz"] == "timestamptz", types
    assert types["hist"]["element"] == "timestamp", types
    want = pa.table({
        "id": src["id"], "ts": pa.array(us, pa.timestamp("us")),
        "tstz": pa.array(us, pa.timestamp("us", tz="UTC")),
        "hist": pa.array([us[:1], [], None], pa.list_(pa.timestamp("us")))})
    P.same_rows(wh.scan("db.t", want.schema), P.arrow_rows(want), "floe")
    P.same_rows(pyiceberg_rows(wh.pyiceberg_table("db.t")), P.arrow_rows(want), "PyIceberg")
    P.same_rows(duck_rows(duck, wh.metadata_location("db.t")), P.arrow_rows(want), "DuckDB")

# ---- 3: row-level deletes, compaction, time travel, rollback -------------------------------

def _without_uuid(table):
    # (PyIceberg's inspect tables cannot hold a uuid column; see above)
    return table.drop_columns(["u"])


def _table_with_two_files(tmp_path, partition_by="", properties=()):
    wh = P.Warehouse(tmp_path / "wh")
    parts = [_without_uuid(P.all_types_table(N, seed)) for seed in (0, N)]
    files = [P.write_parquet(p, tmp_path / f"part{k}.parquet") for k, p in enumerate(parts)]
    args = ["table", "create", "db.t", "--like", files[0]]
    if partition_by:
        args += ["--partition-by", partition_by]
    for p in properties:
        args += ["--property", p]
    wh.floe(*args)
    for f in files:
        wh.floe("table", "append", "db.t", f)
    return wh, pa.concat_tables(parts)


def _all_readers_agree(wh, duck, want, what, snapshot=None):
    """floe, PyIceberg and DuckDB read exactly `want` (a pyarrow Table), now or as of a
    snapshot."""
    want_rows = P.arrow_rows(want)
    extra = ["--as-of", str(snapshot)] if snapshot else []
    P.same_rows(wh.scan("db.t", want.schema, *extra), want_rows, f"floe, {what}")
    tbl = wh.pyiceberg_table("db.t")
    P.same_rows(pyiceberg_rows(tbl, snapshot_id=snapshot), want_rows, f"PyIceberg, {what}")
    P.same_rows(duck_rows(duck, wh.metadata_location("db.t"), snapshot=snapshot), want_rows,
                f"DuckDB, {what}")
    count = wh.floe("table", "scan", "db.t", "--count", *extra).stdout.strip()
    assert count == str(want.num_rows), f"floe --count, {what}"


DELETES = [("i < -200", lambda r: r["i"] is not None and r["i"] < -200),
           ("country = 'FR'", lambda r: r["country"] == "FR")]


@pytest.mark.parametrize("partition_by", ["", "bucket(4, id)", "day(ts)"])
def test_merge_on_read_deletes_compaction_time_travel_rollback(tmp_path, duck, partition_by):
    wh, source = _table_with_two_files(tmp_path, partition_by)
    states = [source.slice(0, N), source]  # the rows of each snapshot, in order
    current = source
    for text, pred in DELETES:
        out = wh.floe("table", "delete", "db.t", "--filter", text).stdout
        gone = select(current, pred).num_rows
        assert gone > 0 and f"deleted {gone} rows" in out, out
        current = select(current, lambda r, p=pred: not p(r))
        states.append(current)
        _all_readers_agree(wh, duck, current, f"after DELETE WHERE {text}")
    tbl = wh.pyiceberg_table("db.t")
    deletes = tbl.inspect.delete_files().to_pylist()
    assert deletes and all(f["content"] == 1 for f in deletes)  # position deletes
    if not partition_by:  # no file is deleted whole: every deleted row is one position
        assert sum(f["record_count"] for f in deletes) == source.num_rows - current.num_rows
    assert [s["operation"] for s in tbl.inspect.snapshots().to_pylist()] == [
        "append", "append", "delete", "delete"]

    out = wh.floe("table", "compact", "db.t").stdout
    assert "compacted" in out, out
    states.append(current)
    _all_readers_agree(wh, duck, current, "after compaction")
    tbl = wh.pyiceberg_table("db.t")
    assert tbl.inspect.delete_files().num_rows == 0  # compaction applied the deletes
    assert tbl.current_snapshot().summary.operation.value == "replace"
    assert tbl.scan().count() == current.num_rows

    snaps = wh.snapshots("db.t")
    assert [s["snapshot_id"] for s in snaps] == [
        s["snapshot_id"] for s in tbl.inspect.snapshots().to_pylist()]
    assert len(snaps) == len(states)
    for snap, rows in zip(snaps, states):
        _all_readers_agree(wh, duck, rows, f"as of snapshot {snap['snapshot_id']}",
                           snapshot=snap["snapshot_id"])
    # As of a time: the snapshot current then, for floe and for PyIceberg.
    when = snaps[2]["committed_at"]  # "YYYY-MM-DD HH:MM:SS.mmm+00"
    P.same_rows(wh.scan("db.t", source.schema, "--as-of", when.removesuffix("+00")),
                P.arrow_rows(states[2]), f"floe --as-of '{when}'")
    ms = int(dt.datetime.fromisoformat(when.replace("+00", "+00:00")).timestamp() * 1000)
    assert tbl.snapshot_as_of_timestamp(ms).snapshot_id == snaps[2]["snapshot_id"]

    # Rollback to the first snapshot; every reader sees it; an append then builds on it.
    first = snaps[0]["snapshot_id"]
    wh.floe("table", "rollback", "db.t", first)
    _all_readers_agree(wh, duck, states[0], "after rollback")
    assert wh.pyiceberg_table("db.t").current_snapshot().snapshot_id == first
    extra = _without_uuid(P.all_types_table(5, 1000))
    wh.floe("table", "append", "db.t", P.write_parquet(extra, tmp_path / "extra.parquet"))
    tbl = wh.pyiceberg_table("db.t")
    assert tbl.current_snapshot().parent_snapshot_id == first
    _all_readers_agree(wh, duck, pa.concat_tables([states[0], extra]), "append after rollback")
    # The snapshot log records the rollback as the first snapshot made current again.
    hist = tbl.inspect.history().to_pylist()
    assert [h["snapshot_id"] for h in hist] == [s["snapshot_id"] for s in snaps] + [
        first, tbl.current_snapshot().snapshot_id]
    assert [h["snapshot_id"] for h in hist if h["is_current_ancestor"]] == [
        first, first, tbl.current_snapshot().snapshot_id]


def test_copy_on_write_delete(tmp_path, duck):
    wh, source = _table_with_two_files(tmp_path, "", ["write.delete.mode=copy-on-write"])
    before = {f["file_path"] for f in wh.pyiceberg_table("db.t").inspect.files().to_pylist()}
    current = source
    for text, pred in DELETES:
        out = wh.floe("table", "delete", "db.t", "--filter", text).stdout
        assert "0 position delete files" in out or "position" not in out, out
        current = select(current, lambda r, p=pred: not p(r))
        _all_readers_agree(wh, duck, current, f"after copy-on-write DELETE WHERE {text}")
    tbl = wh.pyiceberg_table("db.t")
    files = tbl.inspect.files().to_pylist()
    assert files and all(f["content"] == 0 for f in files)  # no delete files, rewritten data
    assert not before & {f["file_path"] for f in files}
    assert sum(f["record_count"] for f in files) == current.num_rows
    assert [s["operation"] for s in tbl.inspect.snapshots().to_pylist()][2:] == [
        "overwrite", "overwrite"]
    _all_readers_agree(wh, duck, source, "as of the last append",
                       snapshot=tbl.inspect.snapshots().to_pylist()[1]["snapshot_id"])


# ---- 4: PyIceberg writes, floe reads and appends --------------------------------------------

PYICEBERG_SPECS = {
    "unpartitioned": [],
    "identity": [("country", T.IdentityTransform(), "country")],
    "day-bucket": [("ts", T.DayTransform(), "ts_day"), ("id", T.BucketTransform(4), "id_bucket")],
    "month-truncate": [("dt", T.MonthTransform(), "dt_month"),
                       ("s", T.TruncateTransform(2), "s_trunc")],
    "year-hour": [("tstz", T.YearTransform(), "tstz_year"), ("ts", T.HourTransform(), "ts_hour")],
    "uuid-decimal": [("u", T.BucketTransform(3), "u_bucket"),
                     ("dec", T.TruncateTransform(1000), "dec_trunc"),
                     ("i", T.TruncateTransform(250), "i_trunc")],
}


@pytest.mark.parametrize("layout", list(PYICEBERG_SPECS))
def test_floe_reads_and_appends_to_pyiceberg_table(tmp_path, duck, layout):
    wh = P.Warehouse(tmp_path / "wh")
    cat = wh.catalog()
    cat.create_namespace("db")
    first = P.all_types_table(N, 0)
    if layout != "uuid-decimal":
        first = _without_uuid(first)
    tbl = cat.create_table("db.t", schema=first.schema)
    if PYICEBERG_SPECS[layout]:
        with tbl.update_spec() as u:
            for col, transform, name in PYICEBERG_SPECS[layout]:
                u.add_field(col, transform, name)
    tbl.append(first)
    tbl.delete(E.LessThan("i", -300))  # copy-on-write in PyIceberg 0.12
    second = P.all_types_table(N, N).select(first.column_names)
    tbl.append(second)
    want = pa.concat_tables([select(first, lambda r: not (r["i"] is not None and r["i"] < -300)),
                             second])
    assert want.num_rows < 2 * N
    peer = pyiceberg_rows(tbl)
    P.same_rows(peer, P.arrow_rows(want), "PyIceberg's own scan")
    P.same_rows(wh.scan("db.t", first.schema), peer, "floe scan of PyIceberg's table")
    assert wh.floe("table", "scan", "db.t", "--count").stdout.strip() == str(want.num_rows)

    # Snapshots: floe lists PyIceberg's, and reads each as of itself.
    py_snaps = tbl.inspect.snapshots().to_pylist()
    floe_snaps = wh.snapshots("db.t")
    assert [(s["snapshot_id"], s["parent_id"], s["operation"]) for s in floe_snaps] == [
        (s["snapshot_id"], s["parent_id"], s["operation"]) for s in py_snaps]
    # (PyIceberg's delete commits a "delete" for files it drops whole and an "overwrite" for
    # files it rewrites)
    ops = [s["operation"] for s in floe_snaps]
    assert ops[0] == ops[-1] == "append" and set(ops[1:-1]) <= {"delete", "overwrite"}, ops
    for s in py_snaps:
        P.same_rows(wh.scan("db.t", first.schema, "--as-of", s["snapshot_id"]),
                    pyiceberg_rows(tbl, snapshot_id=s["snapshot_id"]),
                    f"floe --as-of {s['snapshot_id']}")
    floe_files = [json.loads(x) for x in
                  wh.floe("table", "files", "db.t", "--format", "json").stdout.splitlines()]
    py_files = [(t.file.file_path, t.file.record_count) for t in tbl.scan().plan_files()]
    assert sorted((f["file_path"], f["record_count"]) for f in floe_files) == sorted(py_files)

    # floe's filters prune with PyIceberg's partition values and metrics.
    for text, pred in [("id = 57", _eq("id", 57)),
                       ("i >= 0 AND i < 300", lambda r: r["i"] is not None and 0 <= r["i"] < 300),
                       ("country = 'JP'", _eq("country", "JP")),
                       ("ts < '2024-01-03 00:00:00'", _lt("ts", dt.datetime(2024, 1, 3))),
                       ("dt >= '2024-03-01'", _ge("dt", dt.date(2024, 3, 1)))]:
        sel = select(want, pred)
        assert sel.num_rows > 0, text
        P.same_rows(wh.scan("db.t", first.schema, "--filter", text), P.arrow_rows(sel),
                    f"floe --filter {text} on PyIceberg's table")

    # floe appends; PyIceberg (and DuckDB) read both writers' files.
    third = P.all_types_table(N, 3 * N).select(first.column_names)
    wh.floe("table", "append", "db.t", P.write_parquet(third, tmp_path / "third.parquet"))
    tbl = wh.catalog().load_table("db.t")
    assert tbl.current_snapshot().parent_snapshot_id == py_snaps[-1]["snapshot_id"]
    want = pa.concat_tables([want, third])
    P.same_rows(pyiceberg_rows(tbl), P.arrow_rows(want), "PyIceberg after floe's append")
    P.same_rows(duck_rows(duck, tbl.metadata_location), P.arrow_rows(want),
                "DuckDB after floe's append")
    check_partition_values(tbl)  # floe's new files are partitioned as PyIceberg would
    # and PyIceberg appends again on top of floe's commit.
    tbl.append(P.all_types_table(3, 9000).select(first.column_names))
    assert wh.floe("table", "scan", "db.t", "--count").stdout.strip() == str(want.num_rows + 3)


# ---- 5: concurrent appends -------------------------------------------------------------------

def test_concurrent_appends_both_land(tmp_path):
    wh = P.Warehouse(tmp_path / "wh")
    seed_file = P.write_parquet(_without_uuid(P.all_types_table(10, 0)), tmp_path / "seed.parquet")
    wh.floe("table", "create", "db.t", "--like", seed_file, "--partition-by", "bucket(4, id)")
    want = []
    for round_ in range(3):
        # Files large enough that both processes are writing at once and one of them meets
        # the other's commit and retries.
        parts = [_without_uuid(P.all_types_table(1500 + 100 * k, 10_000 * (round_ * 2 + k + 1)))
                 for k in range(2)]
        files = [P.write_parquet(p, tmp_path / f"r{round_}-{k}.parquet")
                 for k, p in enumerate(parts)]
        before = wh.snapshots("db.t")
        procs = [wh.popen("table", "append", "db.t", f, "--threads", "1") for f in files]
        results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
        for out, err, rc in results:
            assert rc == 0, f"concurrent append failed ({rc}): {err}"
        want += parts
        after = wh.snapshots("db.t")
        assert len(after) == len(before) + 2
        new = after[len(before):]
        # One commit after the other: the later one's parent is the earlier one.
        assert new[0]["parent_id"] == (before[-1]["snapshot_id"] if before else None)
        assert new[1]["parent_id"] == new[0]["snapshot_id"]
        assert [s["sequence_number"] for s in new] == [len(before) + 1, len(before) + 2]
        assert sorted(int(s["summary"]["added-records"]) for s in new) == sorted(
            p.num_rows for p in parts)
        total = sum(p.num_rows for p in want)
        assert new[1]["summary"]["total-records"] == str(total)
        assert wh.floe("table", "scan", "db.t", "--count").stdout.strip() == str(total)
    all_rows = P.arrow_rows(pa.concat_tables(want))
    P.same_rows(wh.scan("db.t", want[0].schema), all_rows, "floe after concurrent appends")
    assert wh.orphans("db.t") == set()  # a retried commit leaves no files behind
    P.same_rows(pyiceberg_rows(wh.pyiceberg_table("db.t")), all_rows,
                "PyIceberg after concurrent appends")


# ---- 6: commits killed or failing at each fault point --------------------------------------

FAULT_POINTS = ["metadata.before_close", "manifest.before_close", "manifest_list.before_close",
                "snapshot.after_manifest_list", "commit.after_metadata_write",
                "catalog.before_commit", "commit.after_pointer_swap"]
FAULT_EXIT_CODE = 86


@pytest.mark.parametrize("mode", ["exit", "error"])
@pytest.mark.parametrize("op", ["append", "delete"])
@pytest.mark.parametrize("point", FAULT_POINTS)
def test_fault_point_leaves_table_consistent(tmp_path, point, op, mode):
    wh, source = _table_with_two_files(tmp_path)
    extra = _without_uuid(P.all_types_table(7, 500))
    extra_file = P.write_parquet(extra, tmp_path / "extra.parquet")
    before_snapshot = wh.pyiceberg_table("db.t").current_snapshot().snapshot_id
    before_files = wh.files_on_disk("db.t")
    assert wh.orphans("db.t") == set()

    if op == "append":
        args = ["table", "append", "db.t", extra_file]
        changed = pa.concat_tables([source, extra])
    else:
        args = ["table", "delete", "db.t", "--filter", "i < -200"]
        changed = select(source, lambda r: not (r["i"] is not None and r["i"] < -200))
    proc = wh.floe(*args, check=False, fault=point if mode == "exit" else f"{point}:error")
    if mode == "exit":
        assert proc.returncode == FAULT_EXIT_CODE, (proc.returncode, proc.stderr)
    else:
        assert proc.returncode not in (0, FAULT_EXIT_CODE), (proc.returncode, proc.stderr)
        assert f"injected fault at '{point}'" in proc.stderr, proc.stderr
    committed = point == "commit.after_pointer_swap"
    if committed and mode == "error":
        assert "committed" in proc.stderr, proc.stderr  # the user learns it did land
    want = changed if committed else source

    tbl = wh.pyiceberg_table("db.t")
    if committed:
        assert tbl.current_snapshot().parent_snapshot_id == before_snapshot
    else:
        assert tbl.current_snapshot().snapshot_id == before_snapshot
    P.same_rows(wh.scan("db.t", source.schema), P.arrow_rows(want), f"floe after {point}")
    P.same_rows(pyiceberg_rows(tbl), P.arrow_rows(want), f"PyIceberg after {point}")

    # What the interrupted write left is exactly what remove-orphans would delete; a
    # committed write left nothing of the kind.
    leftovers = wh.files_on_disk("db.t") - before_files
    orphans = wh.orphans("db.t")
    if committed:
        assert orphans == set()
    else:
        assert orphans == leftovers
    assert not orphans & before_files

    # The next write works and builds on what is current.
    more = _without_uuid(P.all_types_table(3, 900))
    wh.floe("table", "append", "db.t", P.write_parquet(more, tmp_path / "more.parquet"))
    want = pa.concat_tables([want, more])
    tbl = wh.pyiceberg_table("db.t")
    P.same_rows(wh.scan("db.t", source.schema), P.arrow_rows(want), "floe, next append")
    P.same_rows(pyiceberg_rows(tbl), P.arrow_rows(want), "PyIceberg, next append")
    assert wh.orphans("db.t") == orphans
    # Removing them for real leaves a table that still reads.
    wh.floe("table", "remove-orphans", "db.t", "--older-than", "0s")
    assert not any(p.exists() for p in orphans)
    P.same_rows(pyiceberg_rows(wh.pyiceberg_table("db.t")), P.arrow_rows(want),
                "PyIceberg after remove-orphans")


# ---- 7: errors a user meets -----------------------------------------------------------------

def test_sorted_table_files_are_sorted_whole_for_peers(tmp_path, duck):
    # Rows in shuffled order, many times the row group buffer per day: every data file must
    # be in the table's sort order from its first row to its last (its sort_order_id says
    # so), as pyarrow reads it, and PyIceberg and DuckDB must see every row.
    wh = P.Warehouse(tmp_path / "wh")
    wh.floe("table", "create", "db.t", "--schema", "id BIGINT, ts TIMESTAMP, k VARCHAR",
            "--partition-by", "day(ts)", "--sort-by", "k DESC NULLS LAST, id",
            "--property", "write.parquet.row-group-size-bytes=4000")
    import random
    rng = random.Random(5)
    ids = list(range(20_000))
    rng.shuffle(ids)
    lines = [f"{i},2024-01-0{1 + i % 3} 12:00:00,"
             f"{'' if i % 11 == 0 else 'k%04d' % rng.randrange(3000)}" for i in ids]
    srcs = []
    for n in range(10):  # ten files: the writer takes their rows batch by batch
        srcs.append(tmp_path / f"rows{n}.csv")
        srcs[-1].write_text("\n".join(["id,ts,k"] + lines[n * 2000:(n + 1) * 2000]) + "\n")
    wh.floe("table", "append", "db.t", *srcs)
    tbl = wh.pyiceberg_table("db.t")
    files = tbl.inspect.files().to_pylist()
    assert len(files) == 3
    order_id = tbl.metadata.default_sort_order_id
    assert order_id == 1
    for f in files:
        assert f["sort_order_id"] == order_id
        path = urllib.parse.urlparse(f["file_path"]).path or f["file_path"]
        pf = pq.ParquetFile(path)
        assert pf.metadata.num_row_groups > 1
        rows = pf.read(columns=["k", "id"]).to_pylist()
        keys = [(r["k"] is None, tuple(-ord(c) for c in r["k"] or ""), r["id"]) for r in rows]
        assert keys == sorted(keys), f"{path} is not sorted whole"
    assert tbl.scan().to_arrow().num_rows == 20_000
    got = duck.execute(f"SELECT count(*), count(DISTINCT id) FROM iceberg_scan("
                       f"'{wh.metadata_location('db.t')}')").fetchone()
    assert got == (20_000, 20_000)


def test_bad_value_in_csv_names_column_and_row_and_commits_nothing(tmp_path):
    wh = P.Warehouse(tmp_path / "wh")
    wh.floe("table", "create", "db.t", "--schema", "id BIGINT NOT NULL, n BIGINT, s VARCHAR")
    good = tmp_path / "good.csv"
    good.write_text("id,n,s\n1,10,x\n2,20,y\n")
    wh.floe("table", "append", "db.t", good)
    snapshot = wh.pyiceberg_table("db.t").current_snapshot().snapshot_id
    files = wh.files_on_disk("db.t")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,n,s\n3,30,z\n4,abc,w\n5,50,v\n")
    proc = wh.floe("table", "append", "db.t", bad, check=False)
    assert proc.returncode != 0
    err = proc.stderr
    assert "bad.csv" in err and "'abc'" in err and "BIGINT" in err, err
    assert "n:" in err or "column n" in err or "'n'" in err, err  # the column
    assert "row 2" in err or "line 3" in err, err  # the second data row, line 3 of the file
    assert wh.pyiceberg_table("db.t").current_snapshot().snapshot_id == snapshot
    assert wh.floe("table", "scan", "db.t", "--format", "csv").stdout.splitlines() == [
        "id,n,s", "1,10,x", "2,20,y"]
    assert len(wh.snapshots("db.t")) == 1
    assert wh.files_on_disk("db.t") - files <= wh.orphans("db.t")


def test_bad_value_deep_in_a_large_file_names_its_row_in_the_file(tmp_path):
    # Past the first batch of a file (65 536 rows), the row is still counted from the file's
    # first data row.
    wh = P.Warehouse(tmp_path / "wh")
    wh.floe("table", "create", "db.t", "--schema", "a INT, s VARCHAR")
    rows = ["a,s"] + [f"{i % 100},x{i}" for i in range(100_000)]
    rows[70_001] = "3000000000,big"  # data row 70 001: too large for INT
    big = tmp_path / "big.csv"
    big.write_text("\n".join(rows) + "\n")
    proc = wh.floe("table", "append", "db.t", big, check=False)
    assert proc.returncode != 0
    assert "big.csv" in proc.stderr and "row 70001" in proc.stderr, proc.stderr
    assert "3000000000" in proc.stderr and "INTEGER" in proc.stderr, proc.stderr
    assert wh.floe("table", "scan", "db.t", "--count").stdout.strip() == "0"


def test_missing_table_and_bad_partition_clause_are_named(tmp_path):
    wh = P.Warehouse(tmp_path / "wh")
    wh.floe("namespace", "create", "db")
    proc = wh.floe("table", "scan", "db.nosuch", check=False)
    assert proc.returncode != 0 and "db.nosuch" in proc.stderr, proc.stderr
    assert proc.stdout == ""
    for clause, term in [("day(ts), frob(id)", "frob(id)"), ("day(nosuch)", "nosuch"),
                         ("bucket(x, id)", "bucket(x, id)"), ("day(id)", "day(id)"),
                         ("truncate(0, s)", "truncate(0, s)")]:
        proc = wh.floe("table", "create", "db.bad", "--schema",
                       "id BIGINT, ts TIMESTAMP, s VARCHAR", "--partition-by", clause,
                       check=False)
        assert proc.returncode != 0, clause
        assert term in proc.stderr, (clause, proc.stderr)
    assert wh.floe("table", "list").stdout.strip() == ""
