"""Conformance: floe reads every Parquet file in parquet-testing's data/ folder (files
written by parquet-mr, Arrow C++, parquet-rs, Impala, Spark, ...) to the same values pyarrow
reads, and errs clearly on every file of bad_data/. Prints a table of the outcomes."""
import csv
import decimal
import pathlib

import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical, floe_canonical, fmt_timestamp, parse_floe_json_lines
from conftest import TESTDATA, run_floe

DATA = TESTDATA / "parquet-testing" / "data"
BAD = TESTDATA / "parquet-testing" / "bad_data"

# Files floe declines with an `unsupported` error, and why. Each is also listed in the
# Parquet issue's note; the test checks that floe really says "unsupported" for them.
UNSUPPORTED = {}

# Where pyarrow itself is wrong, the values the file's own README documents stand in.
# int96_from_spark.md: pyarrow converts INT96 through 64-bit nanoseconds even when asked
# for microseconds, so its year-290000 value wraps; the README lists the microseconds.
DOCUMENTED = {
    "int96_from_spark.parquet": {
        "a": [1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000, None,
              9089380393200000000],
    },
}

RESULTS = {}


def data_files():
    return sorted(p for p in DATA.rglob("*.parquet"))


def arrow_read(path):
    return pq.read_table(path, coerce_int96_timestamp_unit="us")


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.name)
def test_reads_like_pyarrow(path):
    name = path.name
    try:
        table = arrow_read(path)
    except Exception as e:  # pyarrow refuses the file: floe must refuse it clearly too
        proc = run_floe("file", "cat", path, "--limit", "-1", "--format", "json", check=False)
        assert proc.returncode == 1, f"pyarrow fails ({e}) but floe exited {proc.returncode}"
        assert name in proc.stderr, proc.stderr
        RESULTS[name] = "error (as pyarrow)"
        return
    proc = run_floe("file", "cat", path, "--limit", "-1", "--format", "json", check=False)
    if name in UNSUPPORTED:
        assert proc.returncode == 1 and "unsupported" in proc.stderr, proc.stderr
        RESULTS[name] = "unsupported"
        return
    assert proc.returncode == 0, proc.stderr
    rows = parse_floe_json_lines(proc.stdout)
    assert len(rows) == table.num_rows
    for i, field in enumerate(table.schema):
        expected = arrow_canonical(table.column(i))
        if name in DOCUMENTED:
            expected = [None if v is None else fmt_timestamp(v, 1000000)
                        for v in DOCUMENTED[name][field.name]]
        got = [floe_canonical(r.get(field.name), field.type) for r in rows]
        for r, (g, e) in enumerate(zip(got, expected)):
            assert g == e, f"{name}: column {field.name} row {r}: floe {g!r} != pyarrow {e!r}"
    RESULTS[name] = "pass"


EXPECT_CSV = sorted(DATA.glob("*_expect.csv"))


@pytest.mark.parametrize("csv_path", EXPECT_CSV, ids=lambda p: p.name)
def test_matches_expect_csv(csv_path):
    parquet = csv_path.with_name(csv_path.name.replace("_expect.csv", ".parquet"))
    proc = run_floe("file", "cat", parquet, "--limit", "-1", "--format", "json")
    rows = parse_floe_json_lines(proc.stdout)
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        expected = list(csv.reader(f))[1:]
    assert len(rows) == len(expected)
    # By position: the CSV headers are tidier than some Parquet column names ("c_x:").
    for r, (got, exp) in enumerate(zip(rows, expected)):
        values = list(got.values())
        assert len(values) == len(exp)
        for col, (value, text) in enumerate(zip(values, exp)):
            if text == "":
                assert value is None or value == "", f"row {r} column {col}: {value!r}"
            else:
                assert str(value) == text, f"row {r} column {col}: {value!r} != {text!r}"


@pytest.mark.parametrize("path", sorted(BAD.glob("*.parquet")), ids=lambda p: p.name)
def test_bad_data_errs_clearly(path):
    proc = run_floe("file", "cat", path, "--limit", "-1", "--format", "json", check=False,
                    timeout=60)
    if proc.returncode == 0:
        # Some "bad" files are readable (the bug they record was in one reader); then the
        # values must match pyarrow's where pyarrow reads the file too.
        try:
            table = arrow_read(path)
        except Exception:
            pytest.fail(f"floe read {path.name} but pyarrow refuses it")
        rows = parse_floe_json_lines(proc.stdout)
        assert len(rows) == table.num_rows
        RESULTS["bad_data/" + path.name] = "read (as pyarrow)"
        return
    assert proc.returncode == 1, f"exit {proc.returncode}: {proc.stderr}"
    assert path.name in proc.stderr and "floe:" in proc.stderr, proc.stderr
    RESULTS["bad_data/" + path.name] = "clear error"


ENCRYPTED = sorted(DATA.rglob("*.parquet.encrypted"))


@pytest.mark.parametrize("path", ENCRYPTED, ids=lambda p: p.name)
def test_encrypted_files_are_refused_as_unsupported(path):
    """Parquet modular encryption is not supported: floe must say so, naming the file."""
    proc = run_floe("file", "cat", path, check=False)
    assert proc.returncode == 1, proc.stdout
    assert "unsupported" in proc.stderr and path.name in proc.stderr, proc.stderr
    RESULTS["encrypted/" + path.name] = "unsupported"


def teardown_module(module):
    if not RESULTS:
        return
    counts = {}
    for outcome in RESULTS.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    print("\nParquet conformance (parquet-testing):")
    for name in sorted(RESULTS):
        print(f"  {RESULTS[name]:<20} {name}")
    print("  totals: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
