"""Planning over Iceberg tables: COUNT(*) without a filter is answered from the manifests'
record counts, without opening a data file. Join planning: the share of rows a scan's pushed comparisons keep is
estimated from the files' column bounds (not a fixed fraction), and that decides which side
of a join streams and which is hashed. The answers are checked against DuckDB on the same
data."""
import duckdb

from test_sql_cli import floe_sql


def plan_lines(wh, sql):
    out = floe_sql("--format", "csv", "-c", "EXPLAIN " + sql, warehouse=wh).stdout
    return [line.strip('"') for line in out.strip().splitlines()[1:]]


def first_scan_under_join(lines):
    """The table of the first scan below the first hash join: the side that streams."""
    join = next(i for i, line in enumerate(lines) if "HASH JOIN" in line)
    scan = next(line for line in lines[join + 1:] if line.lstrip().startswith("SCAN"))
    return scan.split()[1]


def test_range_filters_are_estimated_from_column_bounds(tmp_path):
    wh = tmp_path / "wh"
    floe_sql("-c", "CREATE TABLE f AS SELECT i AS k, i % 1000 AS d FROM range(0, 100000) t(i); "
             "CREATE TABLE g AS SELECT i AS k FROM range(0, 30000) t(i)", warehouse=wh)
    # d < 500 keeps half of f's 100 000 rows: more than g's 30 000, so f streams and g is
    # hashed (a fixed fifth for the filter would have put f at 20 000 and hashed it).
    half = "SELECT count(*) FROM f, g WHERE f.k = g.k AND f.d < 500"
    assert first_scan_under_join(plan_lines(wh, half)) == "default.f"
    # d < 50 keeps 5 000 rows: now f is the smaller side and is hashed.
    few = "SELECT count(*) FROM f, g WHERE f.k = g.k AND f.d < 50"
    assert first_scan_under_join(plan_lines(wh, few)) == "default.g"
    # An IN list of constants counts its values.
    listed = "SELECT count(*) FROM f, g WHERE f.k = g.k AND f.d IN (1, 2, 3, 4, 5)"
    assert first_scan_under_join(plan_lines(wh, listed)) == "default.g"

    con = duckdb.connect()
    con.execute("CREATE TABLE f AS SELECT i AS k, i % 1000 AS d FROM range(0, 100000) t(i)")
    con.execute("CREATE TABLE g AS SELECT i AS k FROM range(0, 30000) t(i)")
    for sql in (half, few, listed):
        got = floe_sql("--format", "csv", "-c", sql, warehouse=wh).stdout.strip().splitlines()[1]
        assert int(got) == con.execute(sql).fetchone()[0], sql


def test_count_star_reads_record_counts_not_files(tmp_path):
    wh = tmp_path / "wh"
    floe_sql("-c", "CREATE TABLE t AS SELECT i AS k, i % 7 AS m FROM range(0, 5000) t(i); "
             "INSERT INTO t SELECT i, 1 FROM range(0, 123) t(i); DELETE FROM t WHERE m = 3",
             warehouse=wh)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT i AS k, i % 7 AS m FROM range(0, 5000) t(i)")
    con.execute("INSERT INTO t SELECT i, 1 FROM range(0, 123) t(i)")
    con.execute("DELETE FROM t WHERE m = 3")
    want = con.execute("SELECT count(*) FROM t").fetchone()[0]
    out = floe_sql("--format", "csv", "-c", "SELECT count(*) FROM t", warehouse=wh).stdout
    assert int(out.strip().splitlines()[1]) == want
    analyzed = floe_sql("--format", "csv", "-c", "EXPLAIN ANALYZE SELECT count(*) FROM t",
                        warehouse=wh).stdout
    assert "row groups 0 " in analyzed  # no file was opened
    # with a filter the rows are read
    out = floe_sql("--format", "csv", "-c", "SELECT count(*) FROM t WHERE m = 1",
                   warehouse=wh).stdout
    assert int(out.strip().splitlines()[1]) == con.execute("SELECT count(*) FROM t WHERE m = 1").fetchone()[0]
