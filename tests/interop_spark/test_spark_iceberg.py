"""Spark (with the Iceberg runtime) as floe's peer, on floe's own catalog file through Iceberg's
JdbcCatalog: Spark reads the tables floe writes (each partition transform, position deletes,
copy-on-write deletes, schema evolution, time travel by id and by time, the metadata tables);
floe reads the tables Spark writes (INSERT, merge-on-read and copy-on-write DELETE, UPDATE and
MERGE) and runs its maintenance on them; floe applies Spark's v3 deletion vectors and
equality deletes, and refuses to write v3 snapshots, saying so; Spark's maintenance procedures run on floe's
tables, which floe then reads and writes on; and a catalog file Spark migrated to the JDBC
catalog's V1 layout, with a view in it, stays usable by both. Values are compared row by row
in the canonical forms of tests/interop/canonical.py."""
import datetime as dt
import decimal
import json
import os
import sqlite3

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical, f32, floe_canonical

UTC = dt.timezone.utc


# --- data ----------------------------------------------------------------------------------

def rich_table(start, n):
    """Rows start..start+n-1 of a table with every type Spark and floe share; row i has NULL
    in every column but id when i % 9 == 4."""
    ids = range(start, start + n)

    def col(f, t=None):
        return pa.array([None if i % 9 == 4 else f(i) for i in ids], t)

    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "i": col(lambda i: i * 7 - 100, pa.int32()),
        "s": col(lambda i: ["alpha", "alpine", "beta", "gamma", "über"][i % 5] + str(i)),
        "country": col(lambda i: ["DE", "FR", "US"][i % 3]),
        "ts": col(lambda i: dt.datetime(2024, 1, 1) + dt.timedelta(hours=7 * i, microseconds=i),
                  pa.timestamp("us")),
        "tstz": col(lambda i: dt.datetime(1969, 12, 31, tzinfo=UTC) + dt.timedelta(hours=3 * i),
                    pa.timestamp("us", tz="UTC")),
        "d": col(lambda i: dt.date(2023, 12, 20) + dt.timedelta(days=i), pa.date32()),
        "dec": col(lambda i: decimal.Decimal(i * 131 - 2000) / 100, pa.decimal128(10, 2)),
        "f": col(lambda i: i / 3, pa.float32()),
        "x": col(lambda i: i * 2.25 - 10, pa.float64()),
        "b": col(lambda i: i % 2 == 0, pa.bool_()),
        "bin": col(lambda i: bytes([i % 256, 255 - i % 256]), pa.binary()),
        # longer than the 16 characters bounds keep: both must truncate them alike
        "note": col(lambda i: f"a note longer than sixteen characters, #{i:04}"),
        "tags": col(lambda i: [f"t{i % 3}", None] if i % 5 == 0 else [f"t{i % 3}"],
                    pa.list_(pa.string())),
        "addr": col(lambda i: {"city": f"c{i % 4}", "zip": i * 10},
                    pa.struct([("city", pa.string()), ("zip", pa.int32())])),
        "m": col(lambda i: [(f"k{i % 2}", i)], pa.map_(pa.string(), pa.int64())),
    })


def rows_of(table: pa.Table):
    """Canonical rows of a pyarrow table (dicts, in its order)."""
    cols = {name: arrow_canonical(table.column(name)) for name in table.column_names}
    return [{name: cols[name][r] for name in table.column_names} for r in range(table.num_rows)]


def by_id(rows):
    return sorted(rows, key=lambda r: r["id"])


def write_parquet(path, table):
    pq.write_table(table, path)
    return path


# --- reading both sides ----------------------------------------------------------------------

def spark_table(spark, sql):
    """(canonical rows, arrow schema) of a Spark query."""
    t = spark.sql(sql).toArrow()
    return rows_of(t), t.schema


def spark_rows(spark, sql):
    return spark_table(spark, sql)[0]


def floe_rows(floe, name, schema, *args):
    """floe's scan of `name` (JSON lines) in canonical form, typed by the arrow `schema`; the
    columns must be the schema's, in its order."""
    out = []
    for row in floe.json("table", "scan", name, *args):
        assert list(row) == schema.names, f"floe's columns {list(row)}, Spark's {schema.names}"
        out.append({f.name: floe_canonical(row[f.name], f.type) for f in schema})
    return out


def assert_same_rows(spark, floe, name, where_spark="", floe_args=(), catalog="floe"):
    """Spark's and floe's reads of table db.<name> are equal, value by value; returns them."""
    sql = f"SELECT * FROM {catalog}.db.{name} {where_spark}"
    srows, schema = spark_table(spark, sql)
    frows = floe_rows(floe, f"db.{name}", schema, *floe_args)
    assert by_id(frows) == by_id(srows)
    return by_id(srows), schema


def snapshot_ids(floe, name):
    return [s["snapshot_id"] for s in floe.json("table", "snapshots", f"db.{name}")]


def millis(text):
    """floe's '2024-01-02 03:04:05.678+00' as epoch milliseconds."""
    return round(dt.datetime.fromisoformat(text.replace("+00", "+00:00")).timestamp() * 1000)


def partition_text(part: dict):
    """Spark's partition struct (canonical) in floe's `k=v/k=v` form."""
    def text(v):
        return "null" if v is None else "true" if v is True else "false" if v is False else str(v)
    return "/".join(f"{k}={text(v)}" for k, v in part.items()) if part else ""


def bound_value(text, t):
    """A bound floe prints (text) in the canonical form of a value of arrow type t."""
    if pa.types.is_integer(t):
        return int(text)
    if pa.types.is_boolean(t):
        return text == "true"
    if pa.types.is_float32(t):
        return ("f32", f32(float(text)))
    if pa.types.is_floating(t):
        return float(text)
    if pa.types.is_decimal(t):
        return ("dec", decimal.Decimal(text))
    return text


# --- floe writes, Spark reads --------------------------------------------------------------------

# Per layout: floe's --partition-by, and filters on the partition sources (Spark SQL, and the
# predicate on canonical rows), so that Spark prunes by the partition values floe wrote.
LAYOUTS = {
    "unpartitioned": ("", [
        ("id >= 50", lambda r: r["id"] >= 50),
    ]),
    "day": ("day(ts)", [
        ("ts >= TIMESTAMP_NTZ '2024-01-05 00:00:00' AND ts < TIMESTAMP_NTZ '2024-01-07 00:00:00'",
         lambda r: r["ts"] is not None and "2024-01-05" <= r["ts"] < "2024-01-07"),
        ("ts IS NULL", lambda r: r["ts"] is None),
    ]),
    "bucket": ("bucket(16, id)", [
        ("id = 17", lambda r: r["id"] == 17),
        ("id IN (3, 42, 61)", lambda r: r["id"] in (3, 42, 61)),
    ]),
    "truncate": ("truncate(3, s), truncate(10, i)", [
        ("s >= 'alp' AND s < 'alq'", lambda r: r["s"] is not None and "alp" <= r["s"] < "alq"),
        ("s >= 'übe'", lambda r: r["s"] is not None and r["s"] >= "übe"),
        ("i >= -25 AND i < 5", lambda r: r["i"] is not None and -25 <= r["i"] < 5),
    ]),
    "identity": ("country", [
        ("country = 'FR'", lambda r: r["country"] == "FR"),
        ("country IS NULL", lambda r: r["country"] is None),
    ]),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_spark_reads_floe_tables(spark, floe, tmp_path, layout):
    partition_by, filters = LAYOUTS[layout]
    name = f"w_{layout}"
    first, second = rich_table(0, 40), rich_table(40, 30)
    src = write_parquet(tmp_path / "a.parquet", first)
    floe.run("table", "create", f"db.{name}", "--like", src,
             *(["--partition-by", partition_by] if partition_by else []))
    floe.run("table", "append", f"db.{name}", src)
    floe.run("table", "append", f"db.{name}", write_parquet(tmp_path / "b.parquet", second))
    expected = rows_of(pa.concat_tables([first, second]))

    rows, schema = assert_same_rows(spark, floe, name)
    assert rows == expected
    for where, pred in filters:
        got = spark_rows(spark, f"SELECT * FROM floe.db.{name} WHERE {where}")
        want = [r for r in expected if pred(r)]
        assert want, where
        assert by_id(got) == want, where

    # the partition values of every file, as Spark reads them from floe's manifests
    sparts = sorted(partition_text(p["partition"]) if "partition" in p else ""
                    for p in spark_rows(spark, f"SELECT {'partition, ' if partition_by else ''}"
                                               f"file_path FROM floe.db.{name}.files"))
    fparts = sorted(f["partition"] for f in floe.json("table", "files", f"db.{name}"))
    assert sparts == fparts


def test_spark_reads_floe_position_and_copy_on_write_deletes(spark, floe, tmp_path):
    src = write_parquet(tmp_path / "a.parquet", rich_table(0, 60))
    floe.run("table", "create", "db.w_del", "--like", src, "--partition-by", "day(ts)")
    floe.run("table", "append", "db.w_del", src)
    expected = rows_of(rich_table(0, 60))

    floe.run("table", "delete", "db.w_del", "--filter", "id >= 10 AND id < 20")
    files = spark_rows(spark, "SELECT content, record_count FROM floe.db.w_del.delete_files")
    assert files and all(f["content"] == 1 for f in files)  # position deletes
    expected = [r for r in expected if not 10 <= r["id"] < 20]
    rows, _ = assert_same_rows(spark, floe, "w_del")
    assert rows == expected

    floe.run("table", "delete", "db.w_del", "--filter", "country = 'FR'")
    expected = [r for r in expected if r["country"] != "FR"]
    assert assert_same_rows(spark, floe, "w_del")[0] == expected

    floe.run("table", "alter", "db.w_del", "--set", "write.delete.mode=copy-on-write")
    before = len(spark_rows(spark, "SELECT * FROM floe.db.w_del.delete_files"))
    floe.run("table", "delete", "db.w_del", "--filter", "i < 0")
    expected = [r for r in expected if r["i"] is None or r["i"] >= 0]
    assert assert_same_rows(spark, floe, "w_del")[0] == expected
    assert len(spark_rows(spark, "SELECT * FROM floe.db.w_del.delete_files")) <= before
    assert spark.sql("SELECT count(*) FROM floe.db.w_del").first()[0] == len(expected)


def test_spark_reads_floe_schema_evolution(spark, floe, tmp_path):
    base = rich_table(0, 30).select(["id", "i", "s", "country", "ts"])
    src = write_parquet(tmp_path / "a.parquet", base)
    floe.run("table", "create", "db.w_evo", "--like", src)
    floe.run("table", "append", "db.w_evo", src)
    expected = rows_of(base)

    floe.run("table", "alter", "db.w_evo", "--add-column", "score DOUBLE AFTER s",
             "--set-type", "i BIGINT")
    expected = [{**r, "score": None} for r in expected]
    more = rich_table(30, 10).select(["id", "i", "s", "country", "ts"]).append_column(
        "score", pa.array([i * 0.5 for i in range(10)]))
    floe.run("table", "append", "db.w_evo", write_parquet(tmp_path / "b.parquet", more))
    expected += rows_of(more)
    rows, schema = assert_same_rows(spark, floe, "w_evo")
    assert schema.names == ["id", "i", "s", "score", "country", "ts"]
    assert schema.field("i").type == pa.int64()
    assert rows == by_id(expected)

    floe.run("table", "alter", "db.w_evo", "--rename-column", "s=name", "--drop-column", "country")
    expected = [{"id": r["id"], "i": r["i"], "name": r["s"], "score": r["score"], "ts": r["ts"]}
                for r in expected]
    rows, schema = assert_same_rows(spark, floe, "w_evo")
    assert schema.names == ["id", "i", "name", "score", "ts"]
    assert rows == by_id(expected)
    # a filter on the renamed column reads old files by field id
    got = spark_rows(spark, "SELECT id FROM floe.db.w_evo WHERE name LIKE 'beta%'")
    assert sorted(r["id"] for r in got) == sorted(
        r["id"] for r in expected if r["name"] and r["name"].startswith("beta"))


def test_spark_time_travel_on_floe_table(spark, floe, tmp_path):
    src = write_parquet(tmp_path / "a.parquet", rich_table(0, 20))
    floe.run("table", "create", "db.w_tt", "--like", src, "--partition-by", "bucket(4, id)")
    floe.run("table", "append", "db.w_tt", src)
    floe.run("table", "append", "db.w_tt", write_parquet(tmp_path / "b.parquet",
                                                          rich_table(20, 20)))
    floe.run("table", "delete", "db.w_tt", "--filter", "id < 25 AND id >= 15")
    floe.run("table", "append", "db.w_tt", write_parquet(tmp_path / "c.parquet",
                                                          rich_table(40, 5)))
    snaps = floe.json("table", "snapshots", "db.w_tt")
    assert len(snaps) == 4
    counts = []
    for snap in snaps:
        sid = snap["snapshot_id"]
        rows, _ = assert_same_rows(spark, floe, "w_tt", f"VERSION AS OF {sid}",
                                   ("--as-of", sid))
        counts.append(len(rows))
        # by time: the snapshot current at its commit time
        at = snap["committed_at"].replace("+00", "")
        rows_t, _ = assert_same_rows(spark, floe, "w_tt", f"TIMESTAMP AS OF '{at}'",
                                     ("--as-of", at))
        assert rows_t == rows
    assert counts == [20, 40, 30, 35]


def test_spark_metadata_tables_agree_with_floe(spark, floe, tmp_path):
    src = write_parquet(tmp_path / "a.parquet", rich_table(0, 40))
    floe.run("table", "create", "db.w_meta", "--like", src, "--partition-by", "day(ts)")
    floe.run("table", "append", "db.w_meta", src)
    floe.run("table", "append", "db.w_meta", write_parquet(tmp_path / "b.parquet",
                                                            rich_table(40, 10)))
    floe.run("table", "delete", "db.w_meta", "--filter", "id >= 5 AND id < 8")

    # snapshots
    fsnaps = floe.json("table", "snapshots", "db.w_meta")
    ssnaps = spark_rows(spark, "SELECT unix_millis(committed_at) AS committed_ms, snapshot_id, "
                               "parent_id, operation, manifest_list, summary "
                               "FROM floe.db.w_meta.snapshots ORDER BY committed_at")
    assert len(fsnaps) == len(ssnaps) == 3
    for f, s in zip(fsnaps, ssnaps):
        assert s["snapshot_id"] == f["snapshot_id"]
        assert s["parent_id"] == f["parent_id"]
        assert s["operation"] == f["operation"]
        assert s["manifest_list"] == f["manifest_list"]
        assert s["committed_ms"] == millis(f["committed_at"])
        summary = json.loads(f["summary"])
        summary.pop("operation", None)  # Java keeps the operation out of the summary map
        assert s["summary"] == summary
    assert [s["operation"] for s in ssnaps] == ["append", "append", "delete"]

    # history
    fhist = floe.json("table", "history", "db.w_meta")
    shist = spark_rows(spark, "SELECT unix_millis(made_current_at) AS ms, snapshot_id, parent_id, "
                              "is_current_ancestor FROM floe.db.w_meta.history")
    assert [(millis(h["made_current_at"]), h["snapshot_id"], h["parent_id"],
             h["is_current_ancestor"]) for h in fhist] == \
        [(h["ms"], h["snapshot_id"], h["parent_id"], h["is_current_ancestor"]) for h in shist]

    # files: data and position delete files, partitions, counts, sizes, metrics and bounds
    content_names = {0: "data", 1: "position_deletes", 2: "equality_deletes"}
    ffiles = {f["file_path"]: f for f in floe.json("table", "files", "db.w_meta")}
    sdf = spark.sql("SELECT * FROM floe.db.w_meta.files")
    stable = sdf.toArrow()
    sfiles = rows_of(stable)
    assert sorted(ffiles) == sorted(s["file_path"] for s in sfiles)
    assert sum(s["content"] == 1 for s in sfiles) == 1
    metric_types = {}
    rm = stable.schema.field("readable_metrics").type
    for i in range(rm.num_fields):
        metric_types[rm.field(i).name] = rm.field(i).type.field("lower_bound").type
    for s in sfiles:
        f = ffiles[s["file_path"]]
        assert content_names[s["content"]] == f["content"]
        for k in ("file_format", "spec_id", "record_count", "file_size_in_bytes"):
            assert s[k] == f[k], k
        assert partition_text(s["partition"]) == f["partition"]
        if s["content"] != 0:
            continue
        nulls = json.loads(f["null_value_counts"])
        lower, upper = json.loads(f["lower_bounds"]), json.loads(f["upper_bounds"])
        metrics = s["readable_metrics"]
        for col in ("id", "i", "s", "country", "ts", "tstz", "d", "dec", "f", "x", "b", "bin",
                    "note", "addr.city", "addr.zip"):
            m, t = metrics[col], metric_types[col]
            assert m["null_value_count"] == nulls[col], col
            assert m["value_count"] == s["record_count"], col
            assert m["lower_bound"] == (bound_value(lower[col], t) if col in lower else None), col
            assert m["upper_bound"] == (bound_value(upper[col], t) if col in upper else None), col

    # manifests
    fman = {m["path"]: m for m in floe.json("table", "manifests", "db.w_meta")}
    sman = spark_rows(spark, "SELECT * FROM floe.db.w_meta.manifests")
    assert sorted(fman) == sorted(m["path"] for m in sman)
    for s in sman:
        f = fman[s["path"]]
        assert f["content"] == ("data" if s["content"] == 0 else "deletes")
        for k in ("length", "partition_spec_id", "added_snapshot_id"):
            assert s[k] == f[k], k
        kind = "data" if s["content"] == 0 else "delete"
        for what in ("added", "existing", "deleted"):
            assert s[f"{what}_{kind}_files_count"] == f[f"{what}_files_count"], what

    # partitions
    fparts = {(p["partition"], p["spec_id"]): p for p in floe.json("table", "partitions",
                                                                    "db.w_meta")}
    sparts = spark_rows(spark, "SELECT * FROM floe.db.w_meta.partitions")
    assert sorted(fparts) == sorted((partition_text(p["partition"]), p["spec_id"])
                                    for p in sparts)
    for s in sparts:
        f = fparts[(partition_text(s["partition"]), s["spec_id"])]
        assert s["record_count"] == f["record_count"]
        assert s["file_count"] == f["file_count"]
        assert s["position_delete_file_count"] == f["position_delete_file_count"]


# --- Spark writes, floe reads --------------------------------------------------------------------

SPARK_COLUMNS = (
    "id BIGINT, i INT, s STRING, ts TIMESTAMP_NTZ, tstz TIMESTAMP, d DATE, dec DECIMAL(10,2), "
    "f FLOAT, x DOUBLE, b BOOLEAN, bin BINARY, tags ARRAY<STRING>, "
    "addr STRUCT<city: STRING, zip: INT>, m MAP<STRING, BIGINT>")


def spark_insert(spark, name, start, stop):
    """Inserts rows start..stop-1 (NULLs in every column but id when id % 9 == 4)."""
    def n(expr):
        return f"CASE WHEN id % 9 = 4 THEN NULL ELSE {expr} END"
    spark.sql(f"""
        INSERT INTO floe.db.{name}
        SELECT id,
          {n("CAST(id * 7 - 100 AS INT)")},
          {n("concat(element_at(array('alpha', 'beta', 'über'), CAST(id % 3 + 1 AS INT)), id)")},
          {n("CAST(timestamp_micros(1704067200000000 + id * 18000000001) AS TIMESTAMP_NTZ)")},
          {n("timestamp_micros(-86400000000 + id * 10800000000)")},
          {n("date_add(DATE '2023-12-20', CAST(id AS INT))")},
          {n("CAST((id * 131 - 2000) / 100 AS DECIMAL(10,2))")},
          {n("CAST(id / 3 AS FLOAT)")},
          {n("id * 2.25D - 10")},
          {n("id % 2 = 0")},
          {n("unhex(lpad(hex(id * 257), 4, '0'))")},
          {n("IF(id % 5 = 0, array(concat('t', id % 3), NULL), array(concat('t', id % 3)))")},
          {n("named_struct('city', concat('c', id % 4), 'zip', CAST(id * 10 AS INT))")},
          {n("map(concat('k', id % 2), id)")}
        FROM range({start}, {stop})""")


def test_floe_reads_spark_merge_on_read_table(spark, floe, tmp_path):
    spark.sql(f"""CREATE TABLE floe.db.s_mor ({SPARK_COLUMNS}) USING iceberg
        PARTITIONED BY (days(ts))
        TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read',
                       'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')""")
    spark_insert(spark, "s_mor", 0, 50)
    spark_insert(spark, "s_mor", 50, 70)
    rows, _ = assert_same_rows(spark, floe, "s_mor")
    assert [r["id"] for r in rows] == list(range(70))
    # floe prunes by Spark's partition values and bounds
    assert_same_rows(spark, floe, "s_mor",
                     "WHERE ts >= TIMESTAMP_NTZ '2024-01-05 00:00:00' AND ts < TIMESTAMP_NTZ "
                     "'2024-01-07 00:00:00'",
                     ("--filter", "ts >= '2024-01-05' AND ts < '2024-01-07'"))

    spark.sql("DELETE FROM floe.db.s_mor WHERE id % 5 = 0")
    deletes = spark_rows(spark, "SELECT content FROM floe.db.s_mor.delete_files")
    assert deletes and {d["content"] for d in deletes} == {1}  # v2 position delete files
    rows, _ = assert_same_rows(spark, floe, "s_mor")
    assert [r["id"] for r in rows] == [i for i in range(70) if i % 5]
    # COUNT(*) answers from manifest record counts only for files without deletes: here the
    # position deletes must still be applied
    counted = floe.run("sql", "--format", "csv", "-c", "SELECT count(*) FROM db.s_mor").stdout
    assert int(counted.strip().splitlines()[1]) == len(rows) == \
        spark.sql("SELECT count(*) FROM floe.db.s_mor").first()[0]

    spark.sql("UPDATE floe.db.s_mor SET s = concat(s, '-u'), x = x + 1 WHERE id % 7 = 1")
    rows, _ = assert_same_rows(spark, floe, "s_mor")
    assert all(r["s"].endswith("-u") for r in rows if r["id"] % 7 == 1 and r["s"] is not None)

    spark.sql("""MERGE INTO floe.db.s_mor t
        USING (SELECT id, concat('merged', id) AS s FROM range(60, 80)) u ON t.id = u.id
        WHEN MATCHED THEN UPDATE SET t.s = u.s
        WHEN NOT MATCHED THEN INSERT (id, s) VALUES (u.id, u.s)""")
    rows, _ = assert_same_rows(spark, floe, "s_mor")
    # ids 60..69 are updated, the deleted 60 and 65 and the new 70..79 inserted
    assert [r["s"] for r in rows if r["id"] >= 60] == [f"merged{i}" for i in range(60, 80)]
    ops = [s["operation"] for s in floe.json("table", "snapshots", "db.s_mor")]
    sops = [s["operation"] for s in
            spark_rows(spark, "SELECT operation FROM floe.db.s_mor.snapshots "
                              "ORDER BY committed_at")]
    assert ops == sops

    # floe appends to Spark's table; Spark reads floe's rows
    srows, schema = spark_table(spark, "SELECT * FROM floe.db.s_mor WHERE id < 10")
    extra = spark.sql("SELECT * FROM floe.db.s_mor WHERE id < 10").toArrow()
    extra = extra.set_column(0, "id", pa.compute.add(extra.column("id"), 1000))
    floe.run("table", "append", "db.s_mor", write_parquet(tmp_path / "extra.parquet", extra))
    rows, _ = assert_same_rows(spark, floe, "s_mor", "WHERE id >= 1000",
                              ("--filter", "id >= 1000"))
    assert rows == [{**r, "id": r["id"] + 1000} for r in by_id(srows)]


def test_floe_reads_spark_copy_on_write_table(spark, floe):
    spark.sql(f"""CREATE TABLE floe.db.s_cow ({SPARK_COLUMNS}) USING iceberg
        PARTITIONED BY (bucket(4, id))
        TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='copy-on-write',
                       'write.update.mode'='copy-on-write')""")
    spark_insert(spark, "s_cow", 0, 60)
    spark.sql("DELETE FROM floe.db.s_cow WHERE id % 4 = 1")
    spark.sql("UPDATE floe.db.s_cow SET i = -1, d = NULL WHERE id % 6 = 0")
    assert spark_rows(spark, "SELECT * FROM floe.db.s_cow.delete_files") == []
    rows, _ = assert_same_rows(spark, floe, "s_cow")
    assert [r["id"] for r in rows] == [i for i in range(60) if i % 4 != 1]
    assert all(r["i"] == -1 and r["d"] is None for r in rows if r["id"] % 6 == 0)
    assert_same_rows(spark, floe, "s_cow", "WHERE id = 42", ("--filter", "id = 42"))


def test_floe_maintains_spark_table(spark, floe):
    """floe's compaction (applying Spark's position deletes), delete and snapshot expiry on a
    table Spark wrote; Spark reads the result."""
    spark.sql(f"""CREATE TABLE floe.db.s_maint ({SPARK_COLUMNS}) USING iceberg
        PARTITIONED BY (bucket(2, id))
        TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')""")
    for start in (0, 20, 40):
        spark_insert(spark, "s_maint", start, start + 20)
    spark.sql("DELETE FROM floe.db.s_maint WHERE id % 6 = 5")
    before, _ = assert_same_rows(spark, floe, "s_maint")
    assert len(before) == 50
    assert spark_rows(spark, "SELECT content FROM floe.db.s_maint.delete_files")

    floe.run("table", "compact", "db.s_maint")
    assert spark_rows(spark, "SELECT operation FROM floe.db.s_maint.snapshots "
                             "ORDER BY committed_at DESC LIMIT 1") == [{"operation": "replace"}]
    assert spark.sql("SELECT count(*) FROM floe.db.s_maint.data_files").first()[0] == 2
    assert assert_same_rows(spark, floe, "s_maint")[0] == before

    floe.run("table", "delete", "db.s_maint", "--filter", "id = 42")
    floe.run("table", "expire", "db.s_maint", "--older-than", "0s", "--retain-last", "1")
    assert spark.sql("SELECT count(*) FROM floe.db.s_maint.snapshots").first()[0] == 1
    rows, _ = assert_same_rows(spark, floe, "s_maint")
    assert rows == [r for r in before if r["id"] != 42]
    spark.sql("DELETE FROM floe.db.s_maint WHERE id = 43")
    assert len(assert_same_rows(spark, floe, "s_maint")[0]) == 48


def test_floe_applies_spark_deletion_vectors(spark, floe, tmp_path):
    spark.sql("""CREATE TABLE floe.db.s_v3 (id BIGINT, s STRING) USING iceberg
        TBLPROPERTIES ('format-version'='3', 'write.delete.mode'='merge-on-read',
                       'write.update.mode'='merge-on-read')""")
    spark.sql("INSERT INTO floe.db.s_v3 SELECT id, concat('v', id) FROM range(0, 20)")
    spark.sql("INSERT INTO floe.db.s_v3 SELECT id, concat('w', id) FROM range(100, 70100)")
    assert len(assert_same_rows(spark, floe, "s_v3")[0]) == 70020  # v3 without deletes
    spark.sql("DELETE FROM floe.db.s_v3 WHERE id = 7 OR id % 3 = 0")
    dvs = spark_rows(spark, "SELECT file_path, file_format FROM floe.db.s_v3.delete_files")
    assert dvs and all(d["file_format"] == "PUFFIN" for d in dvs)
    rows, _ = assert_same_rows(spark, floe, "s_v3")
    assert len(rows) == sum(1 for i in list(range(20)) + list(range(100, 70100))
                            if not (i == 7 or i % 3 == 0))
    # A second delete merges into the existing vectors (Spark writes one per data file).
    spark.sql("UPDATE floe.db.s_v3 SET s = 'changed' WHERE id = 101")
    rows, _ = assert_same_rows(spark, floe, "s_v3")
    assert [r["s"] for r in rows if r["id"] == 101] == ["changed"]
    # floe does not write snapshots to v3 tables yet: it says so and leaves the table alone.
    src = write_parquet(tmp_path / "v3.parquet",
                        pa.table({"id": pa.array([1], pa.int64()), "s": pa.array(["x"])}))
    before = snapshot_ids(floe, "s_v3")
    for args in (("table", "append", "db.s_v3", src),
                 ("table", "delete", "db.s_v3", "--filter", "id = 1")):
        proc = floe.run(*args, check=False)
        assert proc.returncode != 0 and "unsupported" in proc.stderr and "v3" in proc.stderr, \
            proc.stderr
    assert snapshot_ids(floe, "s_v3") == before


def test_floe_applies_equality_deletes(spark, floe, tmp_path):
    spark.sql("""CREATE TABLE floe.db.s_eq (id BIGINT, s STRING) USING iceberg
        TBLPROPERTIES ('format-version'='2')""")
    spark.sql("INSERT INTO floe.db.s_eq SELECT id, IF(id = 5, NULL, concat('e', id)) "
              "FROM range(0, 10)")
    # Equality delete files, committed through the Iceberg runtime's Java API as Flink's
    # writers do (Spark's SQL writes position deletes only): one on id (3 and 8), one on s
    # whose NULL key matches the row whose s is NULL (id 5).
    jvm = spark.sparkContext._jvm
    table = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession,
                                                                     "floe.db.s_eq")
    row_delta = table.newRowDelta()
    for column, values, arrow_type in (("id", [3, 8], pa.int64()), ("s", [None], pa.string())):
        field_id = table.schema().findField(column).fieldId()
        path = tmp_path / f"eq-deletes-{column}.parquet"
        pq.write_table(pa.table({column: pa.array(values, arrow_type)}, schema=pa.schema(
            [pa.field(column, arrow_type, metadata={"PARQUET:field_id": str(field_id)})])), path)
        field_ids = spark.sparkContext._gateway.new_array(jvm.int, 1)
        field_ids[0] = field_id
        row_delta.addDeletes(
            jvm.org.apache.iceberg.FileMetadata.deleteFileBuilder(table.spec())
            .ofEqualityDeletes(field_ids).withPath(f"file://{path}").withFormat("parquet")
            .withFileSizeInBytes(path.stat().st_size).withRecordCount(len(values)).build())
    row_delta.commit()
    assert sorted(r["content"] for r in
                  spark_rows(spark, "SELECT content FROM floe.db.s_eq.delete_files")) == [2, 2]
    rows, _ = assert_same_rows(spark, floe, "s_eq")
    assert sorted(r["id"] for r in rows) == [0, 1, 2, 4, 6, 7, 9]
    # Rows added after the deletes (a newer sequence number) are not deleted by them.
    spark.sql("INSERT INTO floe.db.s_eq VALUES (3, 'again'), (11, NULL)")
    rows, _ = assert_same_rows(spark, floe, "s_eq")
    assert sorted(r["id"] for r in rows) == [0, 1, 2, 3, 4, 6, 7, 9, 11]
    assert floe.run("table", "scan", "db.s_eq", "--count", "--filter", "id = 3").stdout.strip() \
        == "1"


# --- the JDBC catalog's V1 layout ---------------------------------------------------------------

def catalog_columns(warehouse):
    with sqlite3.connect(warehouse / "catalog.db") as con:
        return [r[1] for r in con.execute("PRAGMA table_info(iceberg_tables)")]


def test_floe_on_a_v1_catalog_with_views(spark, floe_v1, warehouse_v1, warehouse, tmp_path):
    src = write_parquet(tmp_path / "a.parquet", rich_table(0, 20))
    floe_v1.run("table", "create", "db.t", "--like", src)
    floe_v1.run("table", "append", "db.t", src)
    assert spark.sql("SELECT count(*) FROM floe_v1.db.t").first()[0] == 20
    assert "iceberg_type" in catalog_columns(warehouse_v1)  # Spark migrated it to V1
    assert "iceberg_type" not in catalog_columns(warehouse)  # V0 left floe's layout alone

    spark.sql("CREATE TABLE floe_v1.db.st (id BIGINT, s STRING) USING iceberg")
    spark.sql("INSERT INTO floe_v1.db.st VALUES (1, 'a'), (2, NULL)")
    spark.sql("CREATE VIEW floe_v1.db.v AS SELECT id, s FROM floe_v1.db.t WHERE id < 5")
    view_rows = spark_rows(spark, "SELECT * FROM floe_v1.db.v")
    assert len(view_rows) == 5

    # floe sees the tables, not the view (a row with iceberg_type = 'VIEW')
    assert floe_v1.run("table", "list", "db").stdout.split() == ["db.st", "db.t"]
    assert assert_same_rows(spark, floe_v1, "st", catalog="floe_v1")[0] == [
        {"id": 1, "s": "a"}, {"id": 2, "s": None}]
    for args in (("table", "scan", "db.v"), ("table", "drop", "db.v")):
        proc = floe_v1.run(*args, check=False)
        assert proc.returncode != 0 and "table db.v does not exist" in proc.stderr, proc.stderr
    proc = floe_v1.run("table", "create", "db.v", "--like", src, check=False)
    assert proc.returncode != 0 and "db.v already exists" in proc.stderr, proc.stderr
    assert spark_rows(spark, "SELECT * FROM floe_v1.db.v") == view_rows

    # tables floe creates and commits to in a V1 catalog are Spark's tables too
    floe_v1.run("table", "create", "db.n", "--like", src, "--partition-by", "day(ts)")
    floe_v1.run("table", "append", "db.n", src)
    floe_v1.run("table", "append", "db.t", src)
    assert assert_same_rows(spark, floe_v1, "n", catalog="floe_v1")[0] == rows_of(
        rich_table(0, 20))
    assert spark.sql("SELECT count(*) FROM floe_v1.db.t").first()[0] == 40
    assert sorted(r["tableName"] for r in spark_rows(spark, "SHOW TABLES IN floe_v1.db")) == [
        "n", "st", "t"]
    assert [r["viewName"] for r in spark_rows(spark, "SHOW VIEWS IN floe_v1.db")] == ["v"]
    spark.sql("INSERT INTO floe_v1.db.n SELECT * FROM floe_v1.db.n WHERE id < 3")
    assert len(assert_same_rows(spark, floe_v1, "n", catalog="floe_v1")[0]) == 23


# --- Spark's maintenance on floe's tables ------------------------------------------------------

def test_spark_rewrites_and_expires_floe_table(spark, floe, tmp_path):
    name = "w_maint"
    floe.run("table", "create", f"db.{name}", "--like",
             write_parquet(tmp_path / "0.parquet", rich_table(0, 1)),
             "--partition-by", "bucket(4, id)")
    for k in range(4):
        floe.run("table", "append", f"db.{name}",
                 write_parquet(tmp_path / f"{k}.parquet", rich_table(k * 15, 15)))
    floe.run("table", "delete", f"db.{name}", "--filter", "id >= 20 AND id < 24")
    before = assert_same_rows(spark, floe, name)[0]
    assert len(before) == 56
    files_before = floe.json("table", "files", f"db.{name}")

    res = spark.sql(f"CALL floe.system.rewrite_data_files(table => 'db.{name}', "
                    "options => map('min-input-files', '2', 'remove-dangling-deletes', 'true'))"
                    ).first().asDict()
    assert res["rewritten_data_files_count"] > res["added_data_files_count"] > 0
    assert spark_rows(spark, f"SELECT operation FROM floe.db.{name}.snapshots "
                             "ORDER BY committed_at DESC LIMIT 1") == [{"operation": "replace"}]
    assert floe.json("table", "snapshots", f"db.{name}")[-1]["operation"] == "replace"
    assert assert_same_rows(spark, floe, name)[0] == before
    files_after = floe.json("table", "files", f"db.{name}")
    assert len(files_after) < len(files_before)

    spark.sql(f"CALL floe.system.rewrite_manifests('db.{name}')")
    assert assert_same_rows(spark, floe, name)[0] == before

    old = snapshot_ids(floe, name)
    now = dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    res = spark.sql(f"CALL floe.system.expire_snapshots(table => 'db.{name}', "
                    f"older_than => TIMESTAMP '{now}', retain_last => 1)").first().asDict()
    assert res["deleted_data_files_count"] > 0
    snaps = snapshot_ids(floe, name)
    assert snaps == [old[-1]]
    assert assert_same_rows(spark, floe, name)[0] == before
    for f in files_before:  # the files only expired snapshots used are gone
        if f["file_path"] not in {g["file_path"] for g in files_after}:
            assert not os.path.exists(f["file_path"].removeprefix("file://"))
    proc = floe.run("table", "scan", f"db.{name}", "--as-of", old[0], check=False)
    assert proc.returncode != 0 and str(old[0]) in proc.stderr, proc.stderr

    # floe writes on after Spark's maintenance, and Spark reads it
    floe.run("table", "append", f"db.{name}",
             write_parquet(tmp_path / "more.parquet", rich_table(100, 10)))
    floe.run("table", "delete", f"db.{name}", "--filter", "id = 105")
    floe.run("table", "delete", f"db.{name}", "--filter", "id = 3")
    rows = assert_same_rows(spark, floe, name)[0]
    assert [r["id"] for r in rows] == sorted(
        [r["id"] for r in before if r["id"] != 3] + [i for i in range(100, 110) if i != 105])
