"""Schema and partition evolution, and refs, read by peers: floe evolves a table (adds,
renames, drops, reorders and widens columns; changes its partitioning) between appends, and
PyIceberg and DuckDB read every row of old and new files exactly as floe does; a tag that
PyIceberg adds is readable by name in floe."""
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import iceberg_peers as P


@pytest.fixture(scope="module")
def duck():
    con = P.duckdb_connection()
    yield con
    con.close()


def part(n, seed):
    rows = range(seed, seed + n)
    return pa.table({
        "id": pa.array(list(rows), pa.int64()),
        "qty": pa.array([None if i % 7 == 3 else i % 50 for i in rows], pa.int32()),
        "price": pa.array([None if i % 5 == 1 else i * 0.5 for i in rows], pa.float32()),
        "name": pa.array([None if i % 9 == 4 else f"n{i}" for i in rows]),
        "ts": pa.array([pa.scalar(1704067200_000000 + i * 3_600_000_000, pa.timestamp("us"))
                        .as_py() for i in rows], pa.timestamp("us")),
    })


def readers_agree(wh, duck, want, what):
    schema = want.schema
    want_rows = P.arrow_rows(want)
    P.same_rows(wh.scan("db.t", schema), want_rows, f"floe, {what}")
    tbl = wh.pyiceberg_table("db.t")
    got = tbl.scan().to_arrow()
    assert got.column_names == schema.names, f"PyIceberg columns, {what}: {got.column_names}"
    P.same_rows(P.arrow_rows(got), want_rows, f"PyIceberg, {what}")
    duck_tbl = P.duckdb_arrow(duck, f"SELECT * FROM iceberg_scan('{wh.metadata_location('db.t')}')")
    assert duck_tbl.column_names == schema.names, f"DuckDB columns, {what}"
    P.same_rows(P.arrow_rows(duck_tbl), want_rows, f"DuckDB, {what}")


def test_evolved_table_reads_the_same_everywhere(tmp_path, duck):
    wh = P.Warehouse(tmp_path / "wh")
    first = part(40, 0)
    f0 = P.write_parquet(first, tmp_path / "p0.parquet")
    wh.floe("table", "create", "db.t", "--like", f0, "--partition-by", "day(ts)")
    wh.floe("table", "append", "db.t", f0)
    readers_agree(wh, duck, first, "before evolution")

    # Widen qty and price, rename name, add a column after id, drop nothing yet.
    wh.floe("table", "alter", "db.t", "--set-type", "qty BIGINT", "--set-type", "price DOUBLE",
            "--rename-column", "name=label", "--add-column", "score DOUBLE AFTER id")
    old = pa.table({
        "id": first["id"],
        "score": pa.nulls(first.num_rows, pa.float64()),
        "qty": first["qty"].cast(pa.int64()),
        "price": first["price"].cast(pa.float64()),
        "label": first["name"],
        "ts": first["ts"],
    })
    readers_agree(wh, duck, old, "after widening, renaming and adding")

    second = part(30, 100)
    new = pa.table({
        "id": second["id"],
        "score": pa.array([i / 4 for i in range(30)], pa.float64()),
        "qty": second["qty"].cast(pa.int64()),
        "price": second["price"].cast(pa.float64()),
        "label": second["name"],
        "ts": second["ts"],
    })
    f1 = P.write_parquet(new, tmp_path / "p1.parquet")
    # New partitioning for new data: the old files keep day(ts).
    wh.floe("table", "alter", "db.t", "--partition-by", "day(ts), bucket(4, id)")
    wh.floe("table", "append", "db.t", f1)
    both = pa.concat_tables([old, new])
    readers_agree(wh, duck, both, "after partition evolution and a second append")
    specs = {f["spec_id"] for f in wh.pyiceberg_table("db.t").inspect.files().to_pylist()}
    assert specs == {0, 1}

    # Drop a column and move another; old and new files still read by id.
    wh.floe("table", "alter", "db.t", "--drop-column", "price", "--move", "label FIRST")
    final = both.drop_columns(["price"]).select(["label", "id", "score", "qty", "ts"])
    readers_agree(wh, duck, final, "after dropping and moving columns")
    # Filters on evolved columns prune and filter correctly.
    got = wh.scan("db.t", final.schema, "--filter", "qty >= 40")
    want = final.filter(pc.greater_equal(final["qty"], 40))
    P.same_rows(got, P.arrow_rows(want), "floe filter on a widened column")
    # Time travel to the first snapshot reads it with the schema it was written with.
    first_snap = wh.snapshots("db.t")[0]["snapshot_id"]
    P.same_rows(wh.scan("db.t", first.schema, "--as-of", first_snap), P.arrow_rows(first),
                "floe time travel to the first snapshot")


def test_tag_added_by_pyiceberg_is_readable_in_floe(tmp_path):
    wh = P.Warehouse(tmp_path / "wh")
    a, b = part(10, 0), part(10, 10)
    fa, fb = P.write_parquet(a, tmp_path / "a.parquet"), P.write_parquet(b, tmp_path / "b.parquet")
    wh.floe("table", "create", "db.t", "--like", fa)
    wh.floe("table", "append", "db.t", fa)
    tbl = wh.pyiceberg_table("db.t")
    tbl.manage_snapshots().create_tag(tbl.current_snapshot().snapshot_id, "release-1").commit()
    wh.floe("table", "append", "db.t", fb)
    refs = wh.floe("table", "refs", "db.t", "--format", "csv").stdout
    assert "release-1,TAG," in refs, refs
    P.same_rows(wh.scan("db.t", a.schema, "--as-of", "release-1"), P.arrow_rows(a),
                "floe reading a tag")
    P.same_rows(wh.scan("db.t", a.schema), P.arrow_rows(pa.concat_tables([a, b])),
                "floe reading main")
