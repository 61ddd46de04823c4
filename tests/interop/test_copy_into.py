"""Stages, file formats and COPY INTO, checked against engines floe did not write: the rows a
COPY loads must be exactly what DuckDB reads from the same files, the Iceberg table must read
the same in PyIceberg and DuckDB's iceberg reader, every ON_ERROR mode must have Snowflake's
outcome, and the load history must keep a file from loading twice (and commit with the data,
so a failed commit leaves neither)."""
import csv
import gzip
import json
import os
import sqlite3

import pytest

from iceberg_peers import Warehouse, duckdb_arrow, duckdb_connection
from test_sql_cli import floe_sql


def csv_rows(wh, sql):
    out = floe_sql("--format", "csv", "-c", sql, warehouse=wh.path).stdout
    return list(csv.reader(out.strip().splitlines()))


def copy_status(wh, sql):
    """The COPY's per-file result rows as dicts."""
    rows = csv_rows(wh, sql)
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def iceberg_rows(wh, name):
    tbl = wh.pyiceberg_table(name).scan().to_arrow()
    return sorted(tuple(r.values()) for r in tbl.to_pylist())


def duck_iceberg_rows(wh, name):
    con = duckdb_connection()
    loc = wh.metadata_location(name)
    tbl = duckdb_arrow(con, f"SELECT * FROM iceberg_scan('{loc}')")
    return sorted(tuple(r.values()) for r in tbl.to_pylist())


@pytest.fixture
def land(tmp_path):
    d = tmp_path / "land"
    d.mkdir()
    return d


@pytest.fixture
def wh(tmp_path, land):
    w = Warehouse(tmp_path / "wh")
    floe_sql("-c", "CREATE SCHEMA raw; "
             "CREATE TABLE raw.orders (id BIGINT, customer VARCHAR, amount DOUBLE, day DATE); "
             f"CREATE STAGE raw.land URL = 'file://{land}' "
             "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"')",
             warehouse=w.path)
    return w


GOOD = "id,customer,amount,day\n1,alice,10.5,2024-01-02\n2,\"bob, jr\",3,2024-01-03\n3,carol,\\N,2024-01-04\n"
BAD = "id,customer,amount,day\n10,x,1,2024-01-01\n11,y,notanumber,2024-01-02\n12,z,2,2024-02-31\n13,w,4,2024-01-04\n"


def test_copy_loads_what_duckdb_reads_from_the_same_file(wh, land):
    (land / "good.csv").write_text(GOOD)
    res = copy_status(wh, "COPY INTO raw.orders FROM @raw.land FILES = ('good.csv')")
    assert [(r["status"], r["rows_parsed"], r["rows_loaded"]) for r in res] == [("LOADED", "3", "3")]
    con = duckdb_connection()
    want = sorted(tuple(r.values()) for r in duckdb_arrow(
        con, f"SELECT * FROM read_csv('{land / 'good.csv'}', header=true, nullstr='\\N', "
             "columns={'id':'BIGINT','customer':'VARCHAR','amount':'DOUBLE','day':'DATE'})").to_pylist())
    assert iceberg_rows(wh, "raw.orders") == want
    assert duck_iceberg_rows(wh, "raw.orders") == want


def test_a_loaded_file_is_skipped_until_it_changes_or_force(wh, land):
    (land / "good.csv").write_text(GOOD)
    copy_status(wh, "COPY INTO raw.orders FROM @raw.land")
    again = csv_rows(wh, "COPY INTO raw.orders FROM @raw.land")
    assert again == [["status"], ["Copy executed with 0 files processed."]]
    forced = copy_status(wh, "COPY INTO raw.orders FROM @raw.land FORCE = TRUE")
    assert forced[0]["rows_loaded"] == "3"
    # Same name, new content: loads again.
    (land / "good.csv").write_text(GOOD + "4,dan,1,2024-01-05\n")
    changed = copy_status(wh, "COPY INTO raw.orders FROM @raw.land")
    assert changed[0]["rows_loaded"] == "4"
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["10"]]
    hist = csv_rows(wh, "SELECT status, row_count FROM information_schema.load_history ORDER BY last_load_time")
    assert hist[1:] == [["LOADED", "3"], ["LOADED", "3"], ["LOADED", "4"]]


def test_abort_statement_loads_nothing_and_names_file_line_and_column(wh, land):
    (land / "a_good.csv").write_text(GOOD)
    (land / "b_bad.csv").write_text(BAD)
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land", warehouse=wh.path, check=False)
    assert proc.returncode != 0
    assert "b_bad.csv:3" in proc.stderr and "amount" in proc.stderr
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["0"]]
    assert csv_rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["0"]]
    # Nothing half-written is left in the table's data folder.
    data = os.path.join(wh.path, "raw", "orders", "data")
    assert not os.path.exists(data) or not any(files for _, _, files in os.walk(data))


def test_on_error_continue_keeps_good_rows_and_records_rejected_ones(wh, land):
    (land / "bad.csv").write_text(BAD)
    res = copy_status(wh, "COPY INTO raw.orders FROM @raw.land ON_ERROR = CONTINUE")
    r = res[0]
    assert (r["status"], r["rows_parsed"], r["rows_loaded"], r["errors_seen"]) == ("PARTIALLY_LOADED", "4", "2", "2")
    assert r["first_error_line"] == "3" and r["first_error_column_name"] == "amount"
    assert sorted(x[0] for x in csv_rows(wh, "SELECT id FROM raw.orders")[1:]) == ["10", "13"]
    rej = csv_rows(wh, "SELECT line, column_name, rejected_record FROM information_schema.rejected_records ORDER BY line")
    assert [x[:2] for x in rej[1:]] == [["3", "amount"], ["4", "day"]]
    assert "notanumber" in rej[1][2]


@pytest.mark.parametrize("mode,loaded,status", [
    ("SKIP_FILE", "0", "LOAD_FAILED"),
    ("SKIP_FILE_2", "0", "LOAD_FAILED"),      # 2 errors reach the limit
    ("SKIP_FILE_3", "2", "PARTIALLY_LOADED"),  # they do not reach 3
    ("'SKIP_FILE_50%'", "0", "LOAD_FAILED"),   # 2 of 4 rows is 50 %
    ("'SKIP_FILE_60%'", "2", "PARTIALLY_LOADED"),
])
def test_skip_file_modes(wh, land, mode, loaded, status):
    (land / "bad.csv").write_text(BAD)
    (land / "good.csv").write_text(GOOD)
    res = {os.path.basename(r["file"]): r for r in copy_status(wh, f"COPY INTO raw.orders FROM @raw.land ON_ERROR = {mode}")}
    assert (res["bad.csv"]["status"], res["bad.csv"]["rows_loaded"]) == (status, loaded)
    assert res["good.csv"]["status"] == "LOADED"
    total = 3 + int(loaded)
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], [str(total)]]
    # A failed file stays eligible: loading it again (fixed) works without FORCE.
    if status == "LOAD_FAILED":
        (land / "bad.csv").write_text(BAD.replace("notanumber", "5").replace("2024-02-31", "2024-02-28"))
        again = copy_status(wh, "COPY INTO raw.orders FROM @raw.land ON_ERROR = ABORT_STATEMENT")
        assert [r["rows_loaded"] for r in again] == ["4"]


def test_validation_mode_loads_nothing(wh, land):
    (land / "bad.csv").write_text(BAD)
    errs = csv_rows(wh, "COPY INTO raw.orders FROM @raw.land VALIDATION_MODE = RETURN_ERRORS")
    assert errs[0][:3] == ["error", "file", "line"] and [e[2] for e in errs[1:]] == ["3", "4"]
    rows = csv_rows(wh, "COPY INTO raw.orders FROM @raw.land VALIDATION_MODE = RETURN_1_ROWS")
    assert rows == [["id", "customer", "amount", "day"], ["10", "x", "1", "2024-01-01"]]
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land VALIDATION_MODE = RETURN_3_ROWS",
                    warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "notanumber" in proc.stderr
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["0"]]
    assert csv_rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["0"]]


def test_transformation_with_metadata_columns(wh, land):
    (land / "p.txt").write_text("a|b|c\n7|2024-05-01|x\n8|2024-05-02|y\n")
    floe_sql("-c", "CREATE TABLE raw.t (n BIGINT, d DATE, label VARCHAR, src VARCHAR, rn BIGINT); "
             "COPY INTO raw.t FROM (SELECT $1::bigint * 10, $2, upper($3), metadata$filename, metadata$file_row_number "
             "FROM @raw.land) FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1) PATTERN = '.*[.]txt'",
             warehouse=wh.path)
    got = csv_rows(wh, "SELECT n, d, label, rn FROM raw.t ORDER BY n")
    assert got[1:] == [["70", "2024-05-01", "X", "1"], ["80", "2024-05-02", "Y", "2"]]
    srcs = csv_rows(wh, "SELECT DISTINCT src FROM raw.t")
    assert srcs[1][0].endswith("/land/p.txt")


def test_column_list_and_named_file_format(wh, land):
    (land / "two.tsv").write_text("5\tedna\n6\tfred\n")
    floe_sql("-c", "CREATE FILE FORMAT raw.tsv TYPE = CSV FIELD_DELIMITER = '\\t'; "
             "COPY INTO raw.orders (id, customer) FROM @raw.land FILE_FORMAT = (FORMAT_NAME = 'raw.tsv') "
             "PATTERN = '.*tsv'", warehouse=wh.path)
    assert csv_rows(wh, "SELECT id, customer, amount FROM raw.orders ORDER BY id")[1:] == [["5", "edna", ""], ["6", "fred", ""]]
    shown = csv_rows(wh, "SHOW FILE FORMATS IN raw")
    assert shown[1][1] == "tsv" and shown[1][3] == "CSV"


def test_json_documents_into_variant_and_by_column_name(wh, land):
    docs = [{"ID": 1, "customer": "ann", "amount": 2.5, "day": "2024-03-01", "extra": [1, 2]},
            {"id": 2, "customer": "ben", "amount": None, "day": "2024-03-02"}]
    with gzip.open(land / "docs.json.gz", "wt") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    floe_sql("-c", "CREATE TABLE raw.events (v VARIANT); "
             "COPY INTO raw.events FROM @raw.land FILE_FORMAT = (TYPE = JSON) PATTERN = '.*json.gz'; "
             "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = JSON) PATTERN = '.*json.gz' "
             "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE", warehouse=wh.path)
    assert csv_rows(wh, "SELECT v:customer::varchar, v:extra[1]::int FROM raw.events ORDER BY 1")[1:] == [
        ["ann", "2"], ["ben", ""]]
    assert csv_rows(wh, "SELECT id, customer, amount, day FROM raw.orders ORDER BY id")[1:] == [
        ["1", "ann", "2.5", "2024-03-01"], ["2", "ben", "", "2024-03-02"]]


def test_json_with_bad_documents_under_continue(wh, land):
    (land / "e.json").write_text('{"v": 1}\n{"v": oops}\n[1, 2]\n{"v": 3}\n')
    floe_sql("-c", "CREATE TABLE raw.j (v BIGINT)", warehouse=wh.path)
    res = copy_status(wh, "COPY INTO raw.j FROM @raw.land FILE_FORMAT = (TYPE = JSON) PATTERN = '.*e.json' "
                          "MATCH_BY_COLUMN_NAME = CASE_SENSITIVE ON_ERROR = CONTINUE")
    assert res[0]["status"] == "PARTIALLY_LOADED" and res[0]["first_error_line"] == "2"
    assert csv_rows(wh, "SELECT coalesce(v::varchar, 'null') FROM raw.j ORDER BY v")[1:] == [["1"], ["3"], ["null"]]


def test_parquet_by_column_name_from_pyarrow(wh, land):
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"DAY": pa.array([None], pa.date32()), "id": [41], "customer": ["pq"], "amount": [1.25]}),
                   land / "x.parquet")
    floe_sql("-c", "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = PARQUET) PATTERN = '.*parquet' "
             "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE", warehouse=wh.path)
    assert csv_rows(wh, "SELECT id, customer, amount, day FROM raw.orders")[1:] == [["41", "pq", "1.25", ""]]
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = PARQUET) PATTERN = '.*parquet' FORCE = TRUE",
                    warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "MATCH_BY_COLUMN_NAME" in proc.stderr
    # Each row is $1, an object: into a VARIANT column, or through a transformation.
    floe_sql("-c", "CREATE TABLE raw.pv (v VARIANT); CREATE TABLE raw.pt (id BIGINT, who VARCHAR); "
             "COPY INTO raw.pv FROM @raw.land FILE_FORMAT = (TYPE = PARQUET) PATTERN = '.*parquet'; "
             "COPY INTO raw.pt FROM (SELECT $1:id, $1:customer FROM @raw.land) FILE_FORMAT = (TYPE = PARQUET) PATTERN = '.*parquet'",
             warehouse=wh.path)
    assert csv_rows(wh, "SELECT v:id::int, v:customer::varchar, v:amount::double, v:DAY FROM raw.pv")[1:] == [["41", "pq", "1.25", "null"]]  # a JSON null is VARIANT null
    assert csv_rows(wh, "SELECT id, who FROM raw.pt")[1:] == [["41", "pq"]]


def test_internal_stage_put_list_get_remove_and_purge(wh, tmp_path):
    src = tmp_path / "up"
    src.mkdir()
    (src / "a.csv").write_text("1,x,1,2024-01-01\n")
    (src / "b.csv").write_text("2,y,2,2024-01-02\n")
    put = csv_rows(wh, f"CREATE STAGE raw.intake; PUT file://{src}/*.csv @raw.intake/in/")
    assert [r[-2] for r in put[1:]] == ["UPLOADED", "UPLOADED"] and put[1][1] == "a.csv.gz"
    again = csv_rows(wh, f"PUT file://{src}/a.csv @raw.intake/in/")
    assert again[1][-2] == "SKIPPED"
    listed = csv_rows(wh, "LIST @raw.intake")
    assert [os.path.basename(r[0]) for r in listed[1:]] == ["a.csv.gz", "b.csv.gz"]
    res = copy_status(wh, "COPY INTO raw.orders FROM @raw.intake/in/ FILE_FORMAT = (TYPE = CSV) PURGE = TRUE")
    assert sorted(r["rows_loaded"] for r in res) == ["1", "1"]
    assert csv_rows(wh, "LIST @raw.intake") == [["name", "size", "md5", "last_modified"]]
    out = tmp_path / "down"
    floe_sql("-c", f"PUT file://{src}/b.csv @raw.intake AUTO_COMPRESS = FALSE; GET @raw.intake file://{out}",
             warehouse=wh.path)
    assert (out / "b.csv").read_text() == "2,y,2,2024-01-02\n"
    removed = csv_rows(wh, "REMOVE @raw.intake PATTERN = '.*b.csv'")
    assert len(removed) == 2


def test_table_stage(wh, tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("9,tab,9,2024-09-09\n")
    floe_sql("-c", f"PUT file://{src} @%raw.orders; COPY INTO raw.orders FROM @%raw.orders FILE_FORMAT = (TYPE = CSV)",
             warehouse=wh.path)
    assert csv_rows(wh, "SELECT id, customer FROM raw.orders")[1:] == [["9", "tab"]]


def test_unload_to_a_stage_reads_back_in_duckdb(wh, land, tmp_path):
    (land / "good.csv").write_text(GOOD)
    out = tmp_path / "out"
    floe_sql("-c", f"COPY INTO raw.orders FROM @raw.land; CREATE STAGE raw.outs URL = 'file://{out}'; "
             "COPY INTO @raw.outs/csv/ FROM raw.orders FILE_FORMAT = (TYPE = CSV) HEADER = TRUE; "
             "COPY INTO @raw.outs/pq/ FROM (SELECT id, customer, day FROM raw.orders) "
             "PARTITION BY ('day=' || day::varchar) FILE_FORMAT = (TYPE = PARQUET); "
             "COPY INTO @raw.outs/js/ FROM raw.orders FILE_FORMAT = (TYPE = JSON)", warehouse=wh.path)
    con = duckdb_connection()
    csvs = sorted(str(p) for p in (out / "csv").iterdir())
    assert len(csvs) == 1 and csvs[0].endswith(".csv.gz")
    got = duckdb_arrow(con, f"SELECT id, customer FROM read_csv('{csvs[0]}', header=true) ORDER BY id").to_pylist()
    assert [(r["id"], r["customer"]) for r in got] == [(1, "alice"), (2, "bob, jr"), (3, "carol")]
    parts = sorted(p.name for p in (out / "pq").iterdir())
    assert parts == ["day=2024-01-02", "day=2024-01-03", "day=2024-01-04"]
    pq_rows = duckdb_arrow(con, f"SELECT count(*) AS n FROM read_parquet('{out}/pq/*/*.parquet')").to_pylist()
    assert pq_rows == [{"n": 3}]
    js = duckdb_arrow(con, f"SELECT count(*) AS n FROM read_json('{out}/js/*')").to_pylist()
    assert js == [{"n": 3}]


def test_copy_inside_a_transaction_commits_history_with_data(wh, land):
    (land / "good.csv").write_text(GOOD)
    floe_sql("-c", "BEGIN; COPY INTO raw.orders FROM @raw.land; ROLLBACK", warehouse=wh.path)
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["0"]]
    assert csv_rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["0"]]
    floe_sql("-c", "BEGIN; COPY INTO raw.orders FROM @raw.land; COMMIT", warehouse=wh.path)
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["3"]]
    hist = csv_rows(wh, "SELECT status, snapshot_id FROM information_schema.load_history")
    assert hist[1][0] == "LOADED" and hist[1][1] != ""


def test_a_failed_catalog_commit_records_nothing_and_the_retry_loads_once(wh, land):
    (land / "good.csv").write_text(GOOD)
    env = dict(os.environ, FLOE_FAULT="catalog.before_commit")
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land", warehouse=wh.path, check=False, env=env)
    assert proc.returncode != 0
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["0"]]
    assert csv_rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["0"]]
    copy_status(wh, "COPY INTO raw.orders FROM @raw.land")
    copy_status(wh, "COPY INTO raw.orders FROM @raw.land")
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["3"]]
    # The history lives in the catalog file beside the JDBC tables.
    con = sqlite3.connect(os.path.join(wh.path, "catalog.db"))
    assert con.execute("SELECT count(*) FROM floe_load_history").fetchone() == (1,)


@pytest.mark.parametrize("content,mode,loaded,errors", [
    ("1,a,1,2024-01-01\n2,b\n3,c,3,2024-01-03\n", "CONTINUE", 2, 1),               # ragged row
    ("1,\"a,1,2024-01-01\n", "CONTINUE", 0, 1),                                       # quote never closed
    ("1,a,1,2024-01-01\n2,b\xff,2,2024-01-02\n", "CONTINUE", 1, 1),                  # invalid UTF-8
    ("", "ABORT_STATEMENT", 0, 0),                                                    # empty file
])
def test_malformed_csv(wh, land, content, mode, loaded, errors):
    (land / "m.csv").write_bytes(content.encode("latin-1"))
    res = copy_status(wh, f"COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"') "
                          f"ON_ERROR = {mode}")
    assert (int(res[0]["rows_loaded"]), int(res[0]["errors_seen"])) == (loaded, errors)


def test_truncated_gzip_is_an_error_of_the_file(wh, land):
    data = gzip.compress(("".join(f"{i},n{i},1,2024-01-01\n" for i in range(5000))).encode())
    (land / "cut.csv.gz").write_bytes(data[: len(data) // 2])
    res = copy_status(wh, "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = CSV) ON_ERROR = SKIP_FILE")
    assert res[0]["status"] == "LOAD_FAILED" and "cut.csv.gz" in res[0]["first_error"]
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], ["0"]]
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = CSV)", warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "cut.csv.gz" in proc.stderr


def test_option_errors_are_clear(wh):
    for sql, needle in [
        ("COPY INTO raw.orders FROM @raw.land ON_ERROR = SOMETIMES", "ON_ERROR"),
        ("COPY INTO raw.orders FROM @raw.land SKIP_HEADER = 1", "FILE_FORMAT"),
        ("COPY INTO raw.orders FROM @raw.nope", "stage @raw.nope does not exist"),
        ("COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = XML)", "XML"),
        ("CREATE STAGE raw.s2 URL = 'ftp://x/'", "ftp"),
        ("COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = CSV BOGUS = 1)", "BOGUS"),
    ]:
        proc = floe_sql("-c", sql, warehouse=wh.path, check=False)
        assert proc.returncode != 0 and needle in proc.stderr, (sql, proc.stderr)


def test_stages_show_and_drop(wh):
    shown = csv_rows(wh, "SHOW STAGES IN raw")
    assert shown[1][1] == "land" and shown[1][4] == "EXTERNAL"
    floe_sql("-c", "DROP STAGE raw.land; DROP STAGE IF EXISTS raw.land", warehouse=wh.path)
    assert len(csv_rows(wh, "SHOW STAGES IN raw")) == 1



@pytest.mark.parametrize("point,loaded_by_killed_run", [
    ("manifest.before_close", False),     # while the snapshot is written
    ("catalog.before_commit", False),     # inside the catalog transaction, before it commits
    ("catalog.after_commit", True),       # after the commit, before COPY returns
])
def test_a_killed_copy_loads_every_file_exactly_once(wh, land, point, loaded_by_killed_run):
    lines = "".join(f"{i},c{i % 97},{i % 13}.5,2024-01-{1 + i % 28:02d}\n" for i in range(50_000))
    for k in range(3):
        (land / f"big{k}.csv").write_text("id,customer,amount,day\n" + lines)
    before = wh.metadata_location("raw.orders")
    proc = floe_sql("-c", "COPY INTO raw.orders FROM @raw.land", warehouse=wh.path, check=False,
                    env=dict(os.environ, FLOE_FAULT=point))
    assert proc.returncode == 86, proc.stderr  # died at the fault point, as if killed
    expected = 150_000 if loaded_by_killed_run else 0
    assert (wh.metadata_location("raw.orders") != before) == loaded_by_killed_run
    assert csv_rows(wh, "SELECT count(*) FROM raw.orders") == [["count"], [str(expected)]]
    assert csv_rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["3" if loaded_by_killed_run else "0"]]
    again = csv_rows(wh, "COPY INTO raw.orders FROM @raw.land")
    if loaded_by_killed_run:
        assert again == [["status"], ["Copy executed with 0 files processed."]]
    assert csv_rows(wh, "SELECT count(*), count(DISTINCT id) FROM raw.orders") == [["count", "count"], ["150000", "50000"]]
    assert len(iceberg_rows(wh, "raw.orders")) == 150_000


def test_date_and_timestamp_formats(wh, land):
    (land / "d.csv").write_text("1|02/01/2024|13.05.2024 10:30:00\n2|31/12/2023|01.01.2024 00:00:01\n"
                                "3|99/99/2024|01.01.2024 00:00:01\n4|01/01/2024\n")
    floe_sql("-c", "CREATE TABLE raw.dt (id INTEGER, d DATE, ts TIMESTAMP)", warehouse=wh.path)
    res = copy_status(wh, "COPY INTO raw.dt FROM @raw.land PATTERN = 'd.csv' FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' "
                          "DATE_FORMAT = 'DD/MM/YYYY' TIMESTAMP_FORMAT = 'DD.MM.YYYY HH24:MI:SS') ON_ERROR = CONTINUE")
    # row 3: a bad date; row 4: too few fields (ERROR_ON_COLUMN_COUNT_MISMATCH still applies)
    assert (res[0]["rows_loaded"], res[0]["errors_seen"]) == ("2", "2")
    assert csv_rows(wh, "SELECT id, d, ts FROM raw.dt ORDER BY id")[1:] == [
        ["1", "2024-01-02", "2024-05-13 10:30:00"], ["2", "2023-12-31", "2024-01-01 00:00:01"]]


def test_a_huge_record_is_one_bad_row(wh, land):
    huge = "x" * (17 << 20)  # past the 16 MiB record limit
    (land / "h.csv").write_text(f"1,a,1,2024-01-01\n2,{huge},2,2024-01-02\n3,c,3,2024-01-03\n")
    res = copy_status(wh, "COPY INTO raw.orders FROM @raw.land FILE_FORMAT = (TYPE = CSV) ON_ERROR = CONTINUE")
    assert (res[0]["rows_loaded"], res[0]["errors_seen"], res[0]["first_error_line"]) == ("2", "1", "2")
    assert "longer than" in res[0]["first_error"]
    assert csv_rows(wh, "SELECT id FROM raw.orders ORDER BY id")[1:] == [["1"], ["3"]]


def test_columns_the_copy_leaves_out_take_their_default(wh, land):
    (land / "two.csv").write_text("1,ann\n2,bob\n")
    floe_sql("-c", "CREATE TABLE raw.dd (id BIGINT, who VARCHAR, status VARCHAR NOT NULL DEFAULT 'landed', n BIGINT DEFAULT 7)",
             warehouse=wh.path)
    copy_status(wh, "COPY INTO raw.dd (id, who) FROM @raw.land PATTERN = 'two.csv' FILE_FORMAT = (TYPE = CSV)")
    assert csv_rows(wh, "SELECT id, who, status, n FROM raw.dd ORDER BY id")[1:] == [["1", "ann", "landed", "7"], ["2", "bob", "landed", "7"]]


def test_json_strip_outer_array(wh, land):
    (land / "arr.json").write_text('[{"id": 1, "customer": "a"}, {"id": 2, "customer": "b"},\n {"id": 3}]')
    floe_sql("-c", "CREATE TABLE raw.ja (v VARIANT); CREATE TABLE raw.jb (v VARIANT)", warehouse=wh.path)
    copy_status(wh, "COPY INTO raw.ja FROM @raw.land PATTERN = 'arr.json' FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE)")
    copy_status(wh, "COPY INTO raw.jb FROM @raw.land PATTERN = 'arr.json' FILE_FORMAT = (TYPE = JSON)")
    assert csv_rows(wh, "SELECT v:id::int FROM raw.ja ORDER BY 1")[1:] == [["1"], ["2"], ["3"]]
    assert csv_rows(wh, "SELECT array_size(v), v[1]:customer::varchar FROM raw.jb")[1:] == [["3", "b"]]
