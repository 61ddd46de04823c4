"""`floe sqllogictest`: the records of SQLite's format counted as SQLite's runner counts them
(type letters I/R/T, NULL and (empty), rowsort and valuesort, MD5 hashing above the
hash-threshold, labels, skipif/onlyif for the engine named floe, halt), the dialect line
of floe's own tests, and baselines that fail a run when a file passes fewer records."""
import hashlib
import re
import subprocess

from conftest import floe_binary


def slt(*args, cwd):
    return subprocess.run([floe_binary(), "sqllogictest", *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def counts(stdout, name):
    m = re.search(rf"^{re.escape(name)}: (\d+) passed, (\d+) failed, (\d+) skipped \(other "
                  rf"engine\)(?:, (\d+) statement errors)?", stdout, re.M)
    assert m, stdout
    return tuple(int(g or 0) for g in m.groups())


def md5_of(values):
    return hashlib.md5("".join(v + "\n" for v in values).encode()).hexdigest()


BASICS = """\
statement ok
CREATE TABLE t(a INTEGER, b VARCHAR, c DOUBLE)

statement ok
INSERT INTO t VALUES (1, 'x', 1.25), (2, '', NULL), (3, NULL, -2.5)

query ITR rowsort
SELECT a, b, c FROM t
----
1
x
1.250
2
(empty)
NULL
3
NULL
-2.500

# the same rows, one per line with tab-separated values (floe's own tests write them so)
query ITR rowsort
SELECT a, b, c FROM t
----
1\tx\t1.250
2\t(empty)\tNULL
3\tNULL\t-2.500

# a REAL printed as I is truncated, as SQLite's runner does
query I nosort
SELECT c FROM t WHERE a <> 2 ORDER BY a
----
1
-2

query I valuesort
SELECT a * 10 FROM t
----
10
20
30

query I rowsort
SELECT a FROM t
----
1
2
4

statement error
SELECT * FROM no_such_table

statement error
SELECT 1

statement ok
SELECT * FROM no_such_table

skipif floe
query I
SELECT 'never run'

onlyif mysql
query I
SELECT 'never run'

onlyif floe
query T
SELECT 'only floe'
----
only floe
"""


def test_records_are_counted(tmp_path):
    (tmp_path / "basics.test").write_text(BASICS)
    proc = slt("basics.test", cwd=tmp_path)
    # no baseline: failures are reported and counted, the run still succeeds
    assert proc.returncode == 0, proc.stdout + proc.stderr
    passed, failed, skipped, statement_errors = counts(proc.stdout, "basics.test")
    assert (passed, failed, skipped, statement_errors) == (8, 2, 2, 1), proc.stdout
    assert re.search(r"^sqllogictest total: 8 passed, 2 failed, 2 skipped \(other engine\), "
                     r"1 statement errors in 1 files", proc.stdout, re.M), proc.stdout


def test_verbose_shows_the_sql_expected_and_actual(tmp_path):
    (tmp_path / "basics.test").write_text(BASICS)
    proc = slt("--verbose", "basics.test", cwd=tmp_path)
    report = proc.stderr
    assert "basics.test:42: wrong result" in report, report
    assert "SELECT a FROM t" in report and "expected (3 values): 1 2 4" in report, report
    assert "actual (3 values): 1 2 3" in report, report
    assert "statement succeeded, an error was expected" in report, report
    assert "statement failed" in report and "no_such_table" in report, report


def test_results_over_the_hash_threshold_compare_md5(tmp_path):
    values = [str(i) for i in range(1, 21)]
    right = md5_of(sorted(values))  # valuesort: sorted as text
    (tmp_path / "hash.test").write_text(f"""\
hash-threshold 8

statement ok
CREATE TABLE n(i INTEGER)

statement ok
INSERT INTO n VALUES {", ".join(f"({v})" for v in values)}

query I valuesort label-all
SELECT i FROM n
----
20 values hashing to {right}

query I valuesort label-all
SELECT i FROM n WHERE i > 0
----
20 values hashing to {right}

query I valuesort
SELECT i FROM n
----
20 values hashing to {"0" * 32}

query I valuesort label-all
SELECT i FROM n WHERE i > 1
----
19 values hashing to {md5_of(sorted(values[1:]))}
""")
    proc = slt("hash.test", cwd=tmp_path)
    # the third is wrong; the fourth matches its own hash but not its label's result
    assert counts(proc.stdout, "hash.test")[:2] == (4, 2), proc.stdout + proc.stderr


def test_halt_and_conditional_halt(tmp_path):
    (tmp_path / "halt.test").write_text("""\
query I
SELECT 1
----
1

onlyif mysql
halt

query I
SELECT 2
----
2

halt

query I
SELECT 3
----
4
""")
    proc = slt("halt.test", cwd=tmp_path)
    assert counts(proc.stdout, "halt.test")[:2] == (2, 0), proc.stdout
    assert "halted at line 14" in proc.stdout, proc.stdout


def test_dialect_line(tmp_path):
    (tmp_path / "sqlite.test").write_text("# dialect: sqlite\n\nquery I\nSELECT 7 / 2\n----\n3\n")
    (tmp_path / "floe.test").write_text("# dialect: floe\n\nquery R\nSELECT 7 / 2\n----\n3.500\n")
    proc = slt("sqlite.test", "floe.test", cwd=tmp_path)
    assert counts(proc.stdout, "sqlite.test")[:2] == (1, 0), proc.stdout + proc.stderr
    assert counts(proc.stdout, "floe.test")[:2] == (1, 0), proc.stdout + proc.stderr


def test_baseline_records_and_checks(tmp_path):
    tests = tmp_path / "suite"
    tests.mkdir()
    (tests / "a.test").write_text("query I\nSELECT 1\n----\n1\n\nquery I\nSELECT 2\n----\n2\n")
    (tests / "b.test").write_text("query I\nSELECT 3\n----\n3\n")
    baseline = tmp_path / "baseline.tsv"
    proc = slt("--record-baseline", baseline, "--jobs", "2", "suite", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [x for x in baseline.read_text().splitlines() if not x.startswith("#")]
    assert lines == ["suite/a.test\t2", "suite/b.test\t1"]

    proc = slt("--baseline", baseline, "suite", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no file regressed" in proc.stdout

    # a file passing fewer records than its baseline fails the run
    (tests / "a.test").write_text("query I\nSELECT 1\n----\n1\n\nquery I\nSELECT 2\n----\n5\n")
    proc = slt("--baseline", baseline, "suite", cwd=tmp_path)
    assert proc.returncode != 0
    assert "suite/a.test: 1 passed, 1 failed" in proc.stdout and "REGRESSED: 1 < 2" in proc.stdout

    # and so does a file the baseline does not know
    (tests / "a.test").write_text("query I\nSELECT 1\n----\n1\n\nquery I\nSELECT 2\n----\n2\n")
    (tests / "c.test").write_text("query I\nSELECT 4\n----\n4\n")
    proc = slt("--baseline", baseline, "suite", cwd=tmp_path)
    assert proc.returncode != 0 and "MISSING from the baseline" in proc.stdout, proc.stdout

    # progress says so and asks for the baseline to be updated
    (tests / "c.test").unlink()
    baseline.write_text("suite/a.test\t1\nsuite/b.test\t1\n")
    proc = slt("--baseline", baseline, "suite", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "improved: 2 > 1 (update the baseline)" in proc.stdout


def test_unreadable_path_is_an_error(tmp_path):
    proc = slt("no_such_dir", cwd=tmp_path)
    assert proc.returncode != 0
    assert "no_such_dir" in proc.stderr
