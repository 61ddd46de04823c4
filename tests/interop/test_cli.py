"""The `floe` command as a user meets it: help and version, CSV/NDJSON/Parquet conversion
checked against pyarrow's readers, and clear errors naming file, line and column."""
import json

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from canonical import arrow_canonical
from conftest import ROOT, run_floe

SAMPLE = ROOT / "examples" / "clicks.csv"


def test_version_and_help():
    assert run_floe("--version").stdout.startswith("floe ")
    out = run_floe("--help").stdout
    assert "file" in out and "bench" in out
    out = run_floe("file", "convert", "--help").stdout
    assert "--compression" in out and "--row-group-size" in out
    proc = run_floe("nosuchcommand", check=False)
    assert proc.returncode != 0


def test_csv_to_parquet_matches_pyarrow_csv(tmp_path):
    out = tmp_path / "clicks.parquet"
    run_floe("file", "convert", SAMPLE, out)
    got = pq.read_table(out)
    # floe reads an empty unquoted field as NULL (Snowflake's EMPTY_FIELD_AS_NULL, DuckDB's
    # default); pyarrow does so for strings only when asked.
    want = pacsv.read_csv(SAMPLE, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    assert got.column_names == want.column_names
    for name in want.column_names:
        g, w = got.column(name), want.column(name)
        if g.type != w.type:
            g = g.cast(w.type)
        assert arrow_canonical(g) == arrow_canonical(w), name


def test_parquet_to_csv_and_ndjson_round_trip(tmp_path):
    pq_path = tmp_path / "c.parquet"
    run_floe("file", "convert", SAMPLE, pq_path)
    for ext in ("csv", "json", "csv.gz"):
        text_path = tmp_path / f"back.{ext}"
        run_floe("file", "convert", pq_path, text_path)
        again = tmp_path / f"again_{ext.replace('.', '_')}.parquet"
        run_floe("file", "convert", text_path, again)
        a, b = pq.read_table(pq_path), pq.read_table(again)
        assert a.num_rows == b.num_rows
        for name in a.column_names:
            ca, cb = a.column(name), b.column(name)
            if ca.type != cb.type:  # NDJSON reads timestamps back as text
                ca = ca.cast(cb.type) if name != "ts" else ca
                cb = cb if name != "ts" else cb.cast(ca.type)
            assert arrow_canonical(ca) == arrow_canonical(cb), (ext, name)


def test_cat_csv_with_projection_and_filter():
    proc = run_floe("file", "cat", SAMPLE, "--columns", "click_id,country", "--filter",
                    "device = 'mobile' AND duration_ms > 1000", "--format", "json", "-n", "-1")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows == [{"click_id": 1, "country": "US"}, {"click_id": 3, "country": "US"}]


def test_ragged_csv_row_names_file_line_and_count(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3\n4,5\n")
    proc = run_floe("file", "convert", bad, tmp_path / "out.parquet", check=False)
    assert proc.returncode == 1
    assert "bad.csv" in proc.stderr and ":3" in proc.stderr, proc.stderr
    assert not (tmp_path / "out.parquet").exists()  # nothing half-written is published


def test_bad_value_for_declared_type_names_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,n\n1,10\n2,x\n")
    # the sample infers VARCHAR for n from all rows; a file longer than the sample is needed
    # to hit a conversion error, so build one
    lines = ["id,n"] + [f"{i},{i}" for i in range(30000)] + ["30000,notanumber"]
    bad.write_text("\n".join(lines) + "\n")
    proc = run_floe("file", "convert", bad, tmp_path / "out.parquet", check=False)
    assert proc.returncode == 1
    assert "bad.csv:30002" in proc.stderr and "'n'" in proc.stderr, proc.stderr


def test_missing_file_is_an_io_error():
    proc = run_floe("file", "schema", "/nonexistent/x.parquet", check=False)
    assert proc.returncode == 1 and "/nonexistent/x.parquet" in proc.stderr
