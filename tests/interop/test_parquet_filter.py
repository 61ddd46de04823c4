"""Filtered reads: `floe file cat --filter` returns exactly the rows pyarrow's filter keeps,
whatever statistics, page indexes and bloom filters let floe skip on the way."""
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical, floe_canonical, parse_floe_json_lines
from conftest import TESTDATA, run_floe

DATA = TESTDATA / "parquet-testing" / "data"

CASES = [
    ("alltypes_tiny_pages.parquet", "id >= 100 AND id < 120", lambda t: (pc.field("id") >= 100) & (pc.field("id") < 120)),
    ("alltypes_tiny_pages.parquet", "id = 7299", lambda t: pc.field("id") == 7299),
    ("alltypes_tiny_pages.parquet", "int_col IN (3, 5) AND bool_col = true",
     lambda t: pc.field("int_col").isin([3, 5]) & (pc.field("bool_col") == True)),  # noqa: E712
    ("alltypes_tiny_pages.parquet", "string_col != '1' AND id < 50",
     lambda t: (pc.field("string_col") != "1") & (pc.field("id") < 50)),
    ("data_index_bloom_encoding_stats.parquet", "String = 'Hello'", lambda t: pc.field("String") == "Hello"),
    ("data_index_bloom_encoding_stats.parquet", "String = 'absent'", lambda t: pc.field("String") == "absent"),
    ("int32_with_null_pages.parquet", "int32_field IS NULL", lambda t: pc.field("int32_field").is_null()),
    ("int32_with_null_pages.parquet", "int32_field > 1000000 AND int32_field IS NOT NULL",
     lambda t: pc.field("int32_field") > 1000000),
    ("alltypes_plain.parquet", "timestamp_col >= '2009-04-01 00:00:00'",
     lambda t: pc.field("timestamp_col") >= pq.read_table(DATA / "alltypes_plain.parquet", coerce_int96_timestamp_unit="us").column("timestamp_col")[2]),
]


@pytest.mark.parametrize("name,floe_filter,arrow_filter", CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_filter_matches_pyarrow(name, floe_filter, arrow_filter):
    path = DATA / name
    table = pq.read_table(path, coerce_int96_timestamp_unit="us")
    expected = table.filter(arrow_filter(table))
    proc = run_floe("file", "cat", path, "--limit", "-1", "--format", "json", "--filter",
                    floe_filter)
    rows = parse_floe_json_lines(proc.stdout)
    assert len(rows) == expected.num_rows
    for i, field in enumerate(expected.schema):
        want = arrow_canonical(expected.column(i))
        got = [floe_canonical(r.get(field.name), field.type) for r in rows]
        assert got == want, field.name


def test_bad_filter_names_the_problem():
    proc = run_floe("file", "cat", DATA / "alltypes_plain.parquet", "--filter", "nope = 1",
                    check=False)
    assert proc.returncode == 1 and "no column named 'nope'" in proc.stderr
    proc = run_floe("file", "cat", DATA / "alltypes_plain.parquet", "--filter", "id = abc",
                    check=False)
    assert proc.returncode == 1 and "'abc' is not a INTEGER value" in proc.stderr


def test_pruning_is_reported_and_skips_pages():
    proc = run_floe("file", "scan", DATA / "alltypes_tiny_pages.parquet", "--filter",
                    "id >= 100 AND id < 120")
    assert "20 rows" in proc.stdout
    line = [l for l in proc.stdout.splitlines() if l.startswith("pruning:")][0]
    skipped = int(line.split("; ")[1].split(" of ")[0])
    assert skipped > 0, line
    proc = run_floe("file", "scan", DATA / "data_index_bloom_encoding_stats.parquet", "--filter",
                    "String = 'absent'")
    assert "1 by bloom filters" in proc.stdout
