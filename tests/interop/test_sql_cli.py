"""`floe sql` as a user meets it: several statements in -c, scripts from -f and stdin, exact
CSV and JSON output, -o to Parquet read back with pyarrow, errors on stderr with their line
and column and a non-zero exit, the warehouse from $FLOE_WAREHOUSE, and tables created by
SQL that PyIceberg and DuckDB's iceberg reader open as they are."""
import datetime as dt
import json
import os
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import floe_binary
from iceberg_peers import Warehouse, arrow_rows, duckdb_arrow, duckdb_connection, same_rows


def floe_sql(*args, warehouse=None, check=True, input=None, env=None):
    cmd = [floe_binary(), "sql", *map(str, args)]
    if warehouse is not None:
        cmd += ["--warehouse", str(warehouse)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, input=input,
                          env=env if env is not None else os.environ.copy())
    if check and proc.returncode != 0:
        raise AssertionError(f"floe sql {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stderr}")
    return proc


SETUP = ("CREATE SCHEMA IF NOT EXISTS db; "
         "CREATE TABLE db.t (id INTEGER, name VARCHAR); "
         "INSERT INTO db.t VALUES (1, 'a'), (2, NULL), (3, 'c,d'), (4, '');")


def test_several_statements_in_one_command_print_csv(tmp_path):
    proc = floe_sql("--format", "csv", "-c", SETUP + " SELECT id, name FROM db.t ORDER BY id",
                    warehouse=tmp_path)
    # CSV: a header row, NULL as an empty field, quoting where a value needs it; the
    # statements' status lines go to stderr so that stdout is data only.
    assert proc.stdout == 'id,name\n1,a\n2,\n3,"c,d"\n4,\n'
    assert proc.stderr.strip(), "statements print their status lines (on stderr with CSV)"


def test_each_query_prints_its_own_result_in_order(tmp_path):
    floe_sql("-c", SETUP, warehouse=tmp_path)
    proc = floe_sql("--format", "csv", "-c",
                    "SELECT count(*) AS n FROM db.t; SELECT max(id) AS m FROM db.t",
                    warehouse=tmp_path)
    assert proc.stdout == "n\n4\nm\n4\n"


def test_table_format_shows_rows_and_status_lines(tmp_path):
    proc = floe_sql("-c", SETUP + " SELECT id, name FROM db.t WHERE id <= 2 ORDER BY id",
                    warehouse=tmp_path)
    out = proc.stdout
    assert "| id" in out and "| name" in out, out
    assert "| 1 " in out and "| a " in out and "NULL" in out, out
    assert "2 rows" in out, out
    # the CREATE and INSERT statements print a status line each before the table
    before_table = out[:out.index("+")]
    assert len([line for line in before_table.splitlines() if line.strip()]) >= 3, out


def test_explain_analyze_prints_whole_plan_lines_in_the_table_format(tmp_path):
    floe_sql("-c", SETUP, warehouse=tmp_path)
    proc = floe_sql("-c", "EXPLAIN ANALYZE SELECT a.name, count(*) FROM db.t a JOIN db.t b "
                    "USING (id) WHERE a.id > 1 GROUP BY a.name", warehouse=tmp_path)
    lines = proc.stdout.splitlines()
    # Plan lines as they are, not cut to a table cell: every operator with its measured rows.
    assert not any(line.startswith(("+", "|")) for line in lines), proc.stdout
    join = next(line for line in lines if "HASH JOIN" in line)
    assert "rows" in join and join.rstrip().endswith("s]"), proc.stdout
    scans = [line for line in lines if line.lstrip().startswith("SCAN db.t")]
    assert len(scans) == 2 and all("[" in line for line in scans), proc.stdout
    assert lines[-1].startswith("total: "), proc.stdout
    # CSV keeps the one-column result
    csv = floe_sql("--format", "csv", "-c", "EXPLAIN SELECT * FROM db.t", warehouse=tmp_path)
    assert csv.stdout.splitlines()[0] == "plan", csv.stdout


def test_table_header_names_variant_object_and_array_types(tmp_path):
    # They are stored as VARCHAR (JSON text); the header says the type the query has.
    proc = floe_sql("-c",
                    "CREATE SCHEMA IF NOT EXISTS db; CREATE TABLE db.j (v VARIANT, s VARCHAR); "
                    "INSERT INTO db.j SELECT parse_json('{\"a\": 1}'), 'x'; "
                    "SELECT v, v:a AS p, object_construct('k', s) AS o, [s] AS a, s FROM db.j",
                    warehouse=tmp_path)
    header = [line for line in proc.stdout.splitlines() if line.startswith("| v ")]
    types = proc.stdout.splitlines()[proc.stdout.splitlines().index(header[0]) + 1]
    assert [c.strip() for c in types.strip("|").split("|")] == \
        ["VARIANT", "VARIANT", "OBJECT", "ARRAY", "VARCHAR"], proc.stdout


def test_json_format_is_exact(tmp_path):
    proc = floe_sql("--format", "json", "-c",
                    "SELECT 1 AS i, 'x' AS s, NULL AS n, CAST(2.5 AS DOUBLE) AS d, true AS b, "
                    "DATE '2024-02-29' AS day",
                    warehouse=tmp_path)
    assert proc.stdout == ('{"i":1,"s":"x","n":null,"d":2.5,"b":true,"day":"2024-02-29"}\n')


def test_script_file_with_comments_and_multiline_statements(tmp_path):
    script = tmp_path / "script.sql"
    script.write_text(
        "-- set up\n"
        "CREATE SCHEMA IF NOT EXISTS db;\n"
        "CREATE TABLE db.nums (n INTEGER);\n"
        "INSERT INTO db.nums\n"
        "  VALUES (1), (2), (3); /* three rows */\n"
        "SELECT sum(n) AS total\n"
        "  FROM db.nums;\n"
        "SELECT n FROM db.nums WHERE n > 1 ORDER BY n DESC\n")  # no ';' after the last
    proc = floe_sql("-f", script, "--format", "csv", warehouse=tmp_path)
    assert proc.stdout == "total\n6\nn\n3\n2\n"


def test_script_on_stdin(tmp_path):
    proc = floe_sql("--format", "csv", warehouse=tmp_path,
                    input="SELECT 40 + 2 AS answer;\nSELECT 'two' AS word;\n")
    assert proc.stdout == "answer\n42\nword\ntwo\n"


def test_output_file_parquet_holds_the_last_query(tmp_path):
    out = tmp_path / "result.parquet"
    proc = floe_sql("--format", "csv", "-c",
                    SETUP + " SELECT count(*) AS n FROM db.t;"
                    " SELECT id, name, id * 10 AS tens FROM db.t ORDER BY id",
                    "-o", out, warehouse=tmp_path)
    # the earlier query still prints; the last one goes to the file instead
    assert proc.stdout == "n\n4\n"
    table = pq.read_table(out)
    assert table.column_names == ["id", "name", "tens"]
    assert table.column("id").to_pylist() == [1, 2, 3, 4]
    assert table.column("name").to_pylist() == ["a", None, "c,d", ""]
    assert table.column("tens").to_pylist() == [10, 20, 30, 40]


def test_output_file_csv(tmp_path):
    out = tmp_path / "result.csv"
    floe_sql("-c", SETUP + " SELECT id, name FROM db.t WHERE id < 3 ORDER BY id", "-o", out,
             warehouse=tmp_path)
    assert out.read_text() == "id,name\n1,a\n2,\n"


def test_syntax_error_names_line_and_column_and_exits_non_zero(tmp_path):
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1 AS one;\n\nSELECT a, FROM t;\nSELECT 2;\n")
    proc = floe_sql("-f", script, "--format", "csv", warehouse=tmp_path, check=False)
    assert proc.returncode != 0
    assert proc.stderr.startswith("error: "), proc.stderr
    # the position is the script's (line 3), not the statement's own (line 1)
    assert "line 3" in proc.stderr and "column" in proc.stderr, proc.stderr
    assert "SELECT a, FROM t" in proc.stderr and "^" in proc.stderr, proc.stderr
    # what ran before the error printed; what follows it did not run
    assert proc.stdout == "one\n1\n"


def test_syntax_error_in_command_after_another_statement(tmp_path):
    proc = floe_sql("--format", "csv", "-c", "SELECT 1 AS one; SELECT 2 AS x, , 3",
                    warehouse=tmp_path, check=False)
    assert proc.returncode != 0
    # the column counts from the start of the -c text: the second "," is its 33rd character
    assert proc.stderr.startswith("error: ") and "line 1, column 33" in proc.stderr, proc.stderr
    # the excerpt is the line as written, the caret under the second ","
    lines = proc.stderr.splitlines()
    assert lines[1].strip() == "SELECT 1 AS one; SELECT 2 AS x, , 3", proc.stderr
    assert lines[2].index("^") == lines[1].index(", ,") + 2, proc.stderr
    assert proc.stdout == "one\n1\n"


def test_unknown_table_is_an_error_on_stderr(tmp_path):
    proc = floe_sql("-c", "SELECT * FROM db.no_such_table", warehouse=tmp_path, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "no_such_table" in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_warehouse_from_environment(tmp_path):
    wh = tmp_path / "envwh"
    env = {**os.environ, "FLOE_WAREHOUSE": str(wh)}
    env.pop("FLOE_CATALOG", None)
    floe_sql("-c", SETUP, env=env)
    assert (wh / "catalog.db").exists(), list(wh.iterdir()) if wh.exists() else "no warehouse"
    proc = floe_sql("--format", "csv", "-c", "SELECT count(*) AS n FROM db.t", warehouse=wh)
    assert proc.stdout == "n\n4\n"
    # and the table is in the catalog the table commands use
    wh_cmds = Warehouse(wh)
    assert "db.t" in wh_cmds.floe("table", "list").stdout


def people_table():
    return pa.table({
        "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
        "name": pa.array(["ann", "bob", None, "dee", "eve"]),
        "score": pa.array([9.5, None, 7.25, 8.0, 6.5], pa.float64()),
        "born": pa.array([dt.date(1990, 1, 2), dt.date(1985, 6, 30), None,
                          dt.date(2000, 2, 29), dt.date(1970, 12, 31)]),
    })


def test_tables_created_by_sql_read_in_pyiceberg_and_duckdb(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    src = tmp_path / "people.parquet"
    pq.write_table(people_table(), src)
    floe_sql("-c",
             "CREATE SCHEMA IF NOT EXISTS db; "
             "CREATE TABLE db.people (id BIGINT, name VARCHAR, score DOUBLE, born DATE); "
             "INSERT INTO db.people VALUES (1, 'ann', 9.5, DATE '1990-01-02'), "
             "(2, 'bob', NULL, DATE '1985-06-30'), (3, NULL, 7.25, NULL); "
             "INSERT INTO db.people VALUES (4, 'dee', 8.0, DATE '2000-02-29'), "
             "(5, 'eve', 6.5, DATE '1970-12-31'); "
             f"CREATE TABLE db.people_copy AS SELECT * FROM read_parquet('{src}')",
             warehouse=wh.path)
    want = arrow_rows(people_table())
    for name in ("db.people", "db.people_copy"):
        got = wh.pyiceberg_table(name).scan().to_arrow()
        same_rows(arrow_rows(got, ["id", "name", "score", "born"]), want, f"PyIceberg {name}")
        con = duckdb_connection()
        got = duckdb_arrow(con, "SELECT * FROM iceberg_scan(?)", [wh.metadata_location(name)])
        same_rows(arrow_rows(got, ["id", "name", "score", "born"]), want, f"DuckDB {name}")


def test_delete_and_update_by_sql_are_seen_by_pyiceberg(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    floe_sql("-c", SETUP + " DELETE FROM db.t WHERE id = 2; UPDATE db.t SET name = 'z' "
             "WHERE id = 4", warehouse=wh.path)
    got = wh.pyiceberg_table("db.t").scan().to_arrow()
    rows = sorted(zip(got.column("id").to_pylist(), got.column("name").to_pylist()))
    assert rows == [(1, "a"), (3, "c,d"), (4, "z")]
    out = floe_sql("--format", "json", "-c", "SELECT id, name FROM db.t ORDER BY id",
                   warehouse=wh.path).stdout
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": 1, "name": "a"}, {"id": 3, "name": "c,d"}, {"id": 4, "name": "z"}]


def test_help_names_the_options():
    proc = subprocess.run([floe_binary(), "sql", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for option in ("--warehouse", "--catalog", "-c", "-f", "--format", "-o", "--threads",
                   "--timing"):
        assert option in proc.stdout, option


def test_ctrl_c_cancels_the_running_statement_and_the_shell_stays(tmp_path):
    import pty
    import select
    import time
    wh = tmp_path / "wh"
    values = ",".join(f"({i})" for i in range(1000))
    floe_sql("-c", f"CREATE TABLE big AS SELECT a.column1 * 1000 + b.column1 AS x FROM (VALUES {values}) a, "
             f"(VALUES {values}) b", warehouse=wh)
    before = sorted(p.name for p in (wh / "default" / "big" / "metadata").iterdir())
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(floe_binary(), [floe_binary(), "sql", "--warehouse", str(wh)])

    def read_until(needle, seconds):
        buf = b""
        end = time.time() + seconds
        while time.time() < end and needle not in buf:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    buf += os.read(fd, 4096)
                except OSError:
                    break
        return buf

    try:
        assert b"floe> " in read_until(b"floe> ", 30)
        # Minutes of work, stopped after a second.
        os.write(fd, b"INSERT INTO big SELECT x FROM big WHERE sha2(x::varchar || repeat('y', 50000)) LIKE 'ab%';\n")
        time.sleep(1.0)
        os.write(fd, b"\x03")
        out = read_until(b"floe> ", 60)
        assert b"statement cancelled" in out, out
        os.write(fd, b"SELECT count(*) FROM big;\n")
        assert b"1000000" in read_until(b"1000000", 30)  # the table is as it was, the shell still here
        os.write(fd, b".quit\n")
    finally:
        os.waitpid(pid, 0)
    assert sorted(p.name for p in (wh / "default" / "big" / "metadata").iterdir()) == before
