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


def test_a_dimension_is_reduced_by_the_filtered_relations_hanging_off_it(tmp_path):
    """f streams; o is joined to it through c and n, and only n is filtered: o is first joined
    to c and n (o streams into their hash tables), so that the hash table f probes holds only
    the o rows that can match, instead of all of o (the shape of TPC-H Q7's orders)."""
    wh = tmp_path / "wh"
    setup = [
        "CREATE TABLE f AS SELECT i AS k, i % 20000 AS ok, i % 1000 AS sk, i % 97 AS v "
        "FROM range(0, 100000) t(i)",
        "CREATE TABLE o AS SELECT i AS k, i % 2000 AS ck FROM range(0, 20000) t(i)",
        "CREATE TABLE c AS SELECT i AS k, i % 25 AS nk FROM range(0, 2000) t(i)",
        "CREATE TABLE s AS SELECT i AS k, (i * 7) % 25 AS nk FROM range(0, 1000) t(i)",
        "CREATE TABLE n AS SELECT i AS k, 'nation' || CAST(i AS VARCHAR) AS name "
        "FROM range(0, 25) t(i)",
    ]
    floe_sql("-c", "; ".join(setup), warehouse=wh)
    reduced = ("SELECT n.name, count(*), sum(f.v) FROM f, o, c, n WHERE f.ok = o.k AND "
               "o.ck = c.k AND c.nk = n.k AND n.name IN ('nation3', 'nation7') GROUP BY n.name "
               "ORDER BY n.name")
    lines = plan_lines(wh, reduced)
    assert any("HASH JOIN" in a and b.lstrip().startswith("SCAN default.o")
               for a, b in zip(lines, lines[1:])), "\n".join(lines)
    # Both sides of the chain filtered, with a condition that reads both (Q7's pair of
    # nations), and one equality across them.
    paired = ("SELECT n1.name, n2.name, count(*), sum(f.v) FROM f, o, c, n AS n2, s, n AS n1 "
              "WHERE f.ok = o.k AND o.ck = c.k AND c.nk = n2.k AND f.sk = s.k AND s.nk = n1.k "
              "AND ((n1.name = 'nation3' AND n2.name = 'nation7') OR "
              "(n1.name = 'nation7' AND n2.name = 'nation3')) GROUP BY 1, 2 ORDER BY 1, 2")
    across = ("SELECT count(*), sum(f.v) FROM f, o, c, n, s WHERE f.ok = o.k AND o.ck = c.k "
              "AND c.nk = n.k AND n.name < 'nation2' AND f.sk = s.k AND s.nk = c.nk")
    unfiltered = ("SELECT count(*), sum(f.v + c.nk) FROM f, o, c WHERE f.ok = o.k AND "
                  "o.ck = c.k")
    con = duckdb.connect()
    for stmt in setup:
        con.execute(stmt)
    for sql in (reduced, paired, across, unfiltered):
        got = floe_sql("--format", "csv", "-c", sql, warehouse=wh).stdout.strip().splitlines()[1:]
        want = [",".join(str(v) for v in row) for row in con.execute(sql).fetchall()]
        assert got == want, sql
