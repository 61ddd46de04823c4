"""Differential SQL tests: the same queries run in floe (`floe sql --format json`) and in DuckDB
on the same data, their results compared as row multisets (floats within a tolerance). The
data is generated deterministically with pyarrow (numbers with NULLs, strings, dates,
timestamps, decimals, booleans) into Parquet files that both engines read with
read_parquet('...'); a share of the queries also runs on Iceberg tables that floe created
from those files with CREATE TABLE .. AS, against DuckDB on the Parquet files. The TPC-H
queries run at scale factor 0.01 on data from DuckDB's tpch extension."""
import datetime as dt
import decimal
import json
import math
import random
import re
import subprocess
import sys

import pytest
import pyarrow as pa
import pyarrow.parquet as pq

from conftest import ROOT, floe_binary

sys.path.insert(0, str(ROOT / "bench"))
import tpch_queries  # noqa: E402  (bench/tpch_queries.py: the 22 query texts)

FACT_ROWS = 3000
REL_TOL = 1e-7
ABS_TOL = 1e-6
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "alphabet", "betamax", "tango"]


# ---- data -----------------------------------------------------------------------------------

def facts_table(rows, seed):
    rnd = random.Random(seed)

    def maybe(v, p):
        return None if rnd.random() < p else v

    base_ts = dt.datetime(2024, 1, 1)
    cols = {
        "id": list(range(1, rows + 1)),
        "k": [maybe(rnd.randint(0, 19), 0.05) for _ in range(rows)],
        "g": [maybe("abcdefgh"[rnd.randint(0, 7)], 0.05) for _ in range(rows)],
        "x": [maybe(round(rnd.uniform(-100, 100), 2), 0.08) for _ in range(rows)],
        "d": [maybe(decimal.Decimal(rnd.randint(-100000, 1000000)).scaleb(-2), 0.05)
              for _ in range(rows)],
        "s": [maybe(rnd.choice(WORDS + [""]) + (str(rnd.randint(0, 99)) if rnd.random() < 0.3
                                                 else ""), 0.05) for _ in range(rows)],
        "dt": [maybe(dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randint(0, 729)), 0.05)
               for _ in range(rows)],
        "ts": [maybe(base_ts + dt.timedelta(seconds=rnd.randint(0, 90 * 86400),
                                            microseconds=rnd.choice([0, 0, 0, 250000, 123])),
                     0.05) for _ in range(rows)],
        "b": [maybe(rnd.random() < 0.4, 0.1) for _ in range(rows)],
        "n": [rnd.randint(-10**12, 10**12) for _ in range(rows)],
    }
    return pa.table({
        "id": pa.array(cols["id"], pa.int64()),
        "k": pa.array(cols["k"], pa.int32()),
        "g": pa.array(cols["g"], pa.string()),
        "x": pa.array(cols["x"], pa.float64()),
        "d": pa.array(cols["d"], pa.decimal128(12, 2)),
        "s": pa.array(cols["s"], pa.string()),
        "dt": pa.array(cols["dt"], pa.date32()),
        "ts": pa.array(cols["ts"], pa.timestamp("us")),
        "b": pa.array(cols["b"], pa.bool_()),
        "n": pa.array(cols["n"], pa.int64()),
    })


def dims_table():
    # k 0..24: facts' k runs 0..19, so dims 20..24 match nothing and NULL k matches nothing
    return pa.table({
        "k": pa.array(list(range(25)), pa.int32()),
        "name": pa.array([f"dim{k:02}" for k in range(25)]),
        "weight": pa.array([round(k * 3.7 - 40, 1) for k in range(25)], pa.float64()),
        "cat": pa.array([["x", "y", "z", None][k % 4] for k in range(25)]),
    })


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("sqldiff")
    paths = {"F": root / "facts.parquet", "M": root / "more.parquet", "D": root / "dims.parquet"}
    # several row groups, so that scans of more than one group are exercised
    pq.write_table(facts_table(FACT_ROWS, 7), paths["F"], row_group_size=1000)
    pq.write_table(facts_table(1000, 8), paths["M"])
    pq.write_table(dims_table(), paths["D"])
    return {"root": root, "paths": paths}


def parquet_sources(data):
    return {name: f"read_parquet('{path}')" for name, path in data["paths"].items()}


# ---- the queries ----------------------------------------------------------------------------

ALL_COLUMNS = "id, k, g, x, d, s, dt, ts, b, n"

FILTERS = [
    "k = 7", "k <> 7", "k < 5", "k <= 5", "k > 15", "k >= 15", "k IS NULL", "k IS NOT NULL",
    "x > 50", "x <= -20.5", "x BETWEEN -10 AND 10", "x NOT BETWEEN -90 AND 90", "x IS NULL",
    "g = 'c'", "g IN ('a', 'e', 'h')", "g NOT IN ('a', 'b')", "g IS NULL", "g < 'd'",
    "s LIKE 'al%'", "s LIKE '%ta%'", "s NOT LIKE '%a%'", "s = ''", "s ILIKE 'BE%'",
    "s LIKE '_eta%'", "d > 5000.50", "d < 0", "d BETWEEN 100 AND 200",
    "dt >= DATE '2024-01-01'", "dt < DATE '2023-03-15'",
    "dt BETWEEN DATE '2023-06-01' AND DATE '2023-06-30'",
    "ts >= TIMESTAMP '2024-02-01 00:00:00'", "ts < TIMESTAMP '2024-01-05 12:00:00'",
    "b", "NOT b", "b IS NULL", "b IS NOT TRUE", "b = false",
    "k % 3 = 1 AND x > 0", "k = 1 OR g = 'b'", "NOT (k > 3 AND g <> 'a')", "(k + 1) * 2 > 20",
    "abs(x) < 5", "x * 2 - k > 10", "coalesce(k, -1) = -1", "n > 0 AND n % 2 = 0",
    "length(s) > 6", "upper(g) = 'D'", "k IN (SELECT k FROM {D} WHERE cat = 'x')",
    "id % 100 = 0", "id BETWEEN 1000 AND 1010", "k = 3 AND g = 'a' AND b",
]

AGGREGATES = [
    "count(*)", "count(k)", "count(DISTINCT g)", "count(DISTINCT k)", "sum(k)", "sum(x)",
    "avg(x)", "min(x)", "max(x)", "sum(d)", "avg(d)", "min(d)", "max(d)", "max(s)", "min(s)",
    "min(dt)", "max(dt)", "min(ts)", "max(ts)", "count(b)", "sum(n)", "avg(k)",
    "max(k) - min(k)", "sum(CASE WHEN b THEN 1 ELSE 0 END)", "count(*) FILTER (WHERE x > 0)",
    "stddev_samp(x)", "var_pop(x)", "median(x)",
]

GROUPINGS = ["g", "k", "g, b", "dt", "extract(year FROM dt)", "k % 4", "s"]

FUNCTIONS = [
    "abs(x)", "round(x, 1)", "round(x)", "floor(x)", "ceil(x)", "sqrt(abs(x))", "power(k, 2)",
    "k % 3", "ln(abs(x) + 1)", "exp(k / 10)", "sign(x)", "x / (k + 1)", "k / 2", "-k",
    "upper(s)", "lower(upper(g))", "length(s)", "substr(s, 2, 3)", "s || '-' || g",
    "trim('  ' || s || ' ')", "replace(s, 'a', 'A')", "lpad(g, 3, '*')", "rpad(g, 3, '.')",
    "reverse(s)", "left(s, 2)", "right(s, 2)", "position('a' IN s)", "starts_with(s, 'al')",
    # greatest/least of a NULL: NULL in floe (as in Snowflake), the other arguments' in DuckDB
    "coalesce(k, 0)", "nullif(k, 5)", "greatest(coalesce(k, 0), 10)",
    "least(coalesce(x, 1), 0)",
    "CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE 'zero' END",
    "CASE g WHEN 'a' THEN 1 WHEN 'b' THEN 2 END", "CAST(k AS VARCHAR)", "CAST(k AS DOUBLE)",
    "CAST(round(x) AS BIGINT)", "CAST(d AS DOUBLE)", "d * 2", "d + 0.5", "d * k",
    "extract(year FROM dt)", "extract(month FROM dt)", "extract(day FROM dt)",
    "extract(hour FROM ts)", "extract(minute FROM ts)", "year(dt)", "month(ts)",
    "date_trunc('month', ts)", "date_trunc('day', ts)", "dt + 7", "dt - 30",
    "datediff('day', dt, DATE '2024-06-01')", "CAST(ts AS DATE)", "CAST(dt AS TIMESTAMP)",
    "b OR k > 10", "NOT b", "b IS NULL", "x IS NOT NULL AND x > 0", "k BETWEEN 5 AND 10",
    "g IN ('a', 'b')", "s LIKE '%a'", "n % 1000",
]

JOINS = [
    "SELECT f.id, f.k, d.name FROM {F} f JOIN {D} d ON f.k = d.k WHERE f.x > 0",
    "SELECT f.id, d.name FROM {F} f LEFT JOIN {D} d ON f.k = d.k WHERE f.id <= 500",
    "SELECT f.id AS fid, d.k AS dk FROM {F} f RIGHT JOIN {D} d ON f.k = d.k AND f.id < 50",
    "SELECT f.id AS fid, d.k AS dk FROM (SELECT * FROM {F} WHERE id < 80) f "
    "FULL OUTER JOIN {D} d ON f.k = d.k",
    "SELECT d.cat, count(*) AS n, sum(f.x) AS sx FROM {F} f JOIN {D} d ON f.k = d.k "
    "GROUP BY d.cat",
    "SELECT f.id, weight FROM {F} f JOIN {D} USING (k) WHERE f.g = 'a'",
    "SELECT f.id, d.k AS dk FROM {F} f JOIN {D} d ON f.k = d.k AND f.x > d.weight",
    "SELECT f.id, d.name FROM {F} f, {D} d WHERE f.k = d.k AND d.cat = 'y' AND f.b",
    "SELECT a.k AS ak, b.k AS bk FROM {D} a JOIN {D} b ON a.cat = b.cat AND a.k < b.k",
    "SELECT f.id, m.id AS mid, d.name FROM {F} f JOIN {M} m ON f.id = m.id "
    "JOIN {D} d ON m.k = d.k WHERE f.g = m.g",
    "SELECT id FROM {F} f WHERE EXISTS (SELECT 1 FROM {D} d WHERE d.k = f.k AND d.cat = 'z')",
    "SELECT id FROM {F} f WHERE NOT EXISTS (SELECT 1 FROM {D} d WHERE d.k = f.k "
    "AND d.cat IS NOT NULL)",
    "SELECT id FROM {F} WHERE k NOT IN (SELECT k FROM {D} WHERE k < 10)",
    "SELECT count(*) AS n FROM {D} a CROSS JOIN {D} b",
    "SELECT f.g, d.cat, count(*) AS n, avg(f.d) AS ad FROM {F} f LEFT JOIN {D} d "
    "ON f.k = d.k GROUP BY f.g, d.cat",
    "SELECT f.id, m.id AS mid FROM {F} f JOIN {M} m ON f.n % 97 = m.n % 97 "
    "WHERE f.id < 40 AND m.id < 40",
    "SELECT f.k, count(m.id) AS n FROM {F} f LEFT JOIN {M} m ON f.id = m.id + 2500 "
    "GROUP BY f.k",
]

SET_OPERATIONS = [
    "SELECT k, g FROM {F} UNION SELECT k, g FROM {M}",
    "SELECT k, g FROM {F} WHERE id < 300 UNION ALL SELECT k, g FROM {M} WHERE id < 300",
    "SELECT k, g FROM {F} INTERSECT SELECT k, g FROM {M} WHERE b",
    "SELECT k, g FROM {F} EXCEPT SELECT k, g FROM {M} WHERE x > 0",
    "SELECT g FROM {F} WHERE k < 5 UNION SELECT g FROM {M} WHERE k > 15",
    "SELECT k FROM {F} WHERE g = 'a' INTERSECT ALL SELECT k FROM {M} WHERE g = 'a'",
    "SELECT k FROM {F} WHERE g = 'b' EXCEPT ALL SELECT k FROM {M} WHERE g = 'b'",
    "SELECT s FROM {F} WHERE id < 100 UNION SELECT name FROM {D}",
    "SELECT k, count(*) AS n FROM (SELECT k FROM {F} UNION ALL SELECT k FROM {M}) t GROUP BY k",
]

WINDOWS = [
    "row_number() OVER (PARTITION BY g ORDER BY id)",
    "rank() OVER (PARTITION BY g ORDER BY k)",
    "dense_rank() OVER (ORDER BY k)",
    "sum(x) OVER (PARTITION BY g)",
    "sum(k) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    "avg(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)",
    "lag(k) OVER (PARTITION BY g ORDER BY id)",
    "lead(x, 2) OVER (ORDER BY id)",
    "first_value(s) OVER (PARTITION BY g ORDER BY id)",
    "last_value(s) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND "
    "UNBOUNDED FOLLOWING)",
    "count(*) OVER (PARTITION BY k)",
    "ntile(4) OVER (ORDER BY id)",
    "min(dt) OVER (PARTITION BY b)",
    "sum(x) OVER (PARTITION BY g ORDER BY id)",
    "percent_rank() OVER (ORDER BY id)",
    "cume_dist() OVER (PARTITION BY g ORDER BY id)",
    "max(d) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
    "count(x) OVER (PARTITION BY g, b)",
    "sum(x) OVER (PARTITION BY g ORDER BY k RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
    "count(*) OVER (ORDER BY k DESC NULLS LAST RANGE BETWEEN 1 PRECEDING AND CURRENT ROW)",
    "max(id) OVER (PARTITION BY b ORDER BY dt RANGE BETWEEN 10 PRECEDING AND 3 FOLLOWING)",
    "avg(k) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING)",
]

SUBQUERIES = [
    "SELECT id, x - (SELECT avg(x) FROM {F}) AS dev FROM {F} WHERE k = 3",
    "SELECT id, (SELECT name FROM {D} d WHERE d.k = f.k) AS name FROM {F} f WHERE id < 200",
    "SELECT id FROM {F} f WHERE EXISTS (SELECT 1 FROM {M} m WHERE m.k = f.k AND m.g = f.g "
    "AND m.b)",
    "SELECT id, k FROM {F} WHERE k IN (SELECT k FROM {F} GROUP BY k HAVING count(*) > 150)",
    "SELECT g, avg(c) AS ac FROM (SELECT g, k, count(*) AS c FROM {F} GROUP BY g, k) t "
    "GROUP BY g",
    "WITH t AS (SELECT g, sum(x) AS sx FROM {F} GROUP BY g) SELECT g, sx FROM t "
    "WHERE sx > (SELECT avg(sx) FROM t)",
    "SELECT id FROM {F} WHERE x > ALL (SELECT x FROM {M} WHERE k = 1 AND x IS NOT NULL)",
    "SELECT id FROM {F} WHERE x < ANY (SELECT weight FROM {D} WHERE cat = 'x') AND id < 300",
    "SELECT id, (SELECT count(*) FROM {M} m WHERE m.k = f.k) AS c FROM {F} f WHERE id < 100",
    "SELECT k, max_x FROM (SELECT k, max(x) AS max_x FROM {F} GROUP BY k) t "
    "WHERE max_x > 99",
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 20) "
    "SELECT i, (SELECT count(*) FROM {F} WHERE k = i) AS c FROM r",
    "SELECT id FROM {F} f WHERE x > (SELECT avg(x) FROM {F} f2 WHERE f2.g = f.g) AND id < 400",
    # correlated subqueries outside WHERE conjuncts (joins in floe), NOT IN with NULLs
    "SELECT id, (SELECT max(x) FROM {M} m WHERE m.k = f.k AND m.g = f.g) AS mx, "
    "(SELECT count(*) FROM {M} m WHERE m.k = f.k) + 1 AS c FROM {F} f WHERE id < 500",
    "SELECT id, CASE WHEN x > 0 THEN (SELECT avg(x) FROM {M} m WHERE m.g = f.g) "
    "ELSE (SELECT min(weight) FROM {D} d WHERE d.k = f.k) END AS v FROM {F} f WHERE id < 400",
    "SELECT g, count(*) AS n, (SELECT count(*) FROM {M} m WHERE m.g = f.g) AS mc FROM {F} f "
    "GROUP BY g",
    "SELECT id FROM {F} f WHERE k NOT IN (SELECT k FROM {M} m WHERE m.g = f.g AND m.b)",
    "SELECT id, k NOT IN (SELECT k FROM {M} WHERE x > 50) AS ni, "
    "k NOT IN (SELECT k FROM {M} WHERE x > 50 AND k IS NOT NULL) AS nn FROM {F} WHERE id < 300",
    "SELECT id, k IN (SELECT k FROM {M} m WHERE m.g = f.g AND m.x > 90) AS i FROM {F} f "
    "WHERE id < 300",
    "SELECT id FROM {F} f WHERE x > 95 OR EXISTS (SELECT 1 FROM {M} m WHERE m.k = f.k "
    "AND m.g = f.g AND m.x < -99)",
]

LIMITS = [  # (query, ordered): the ORDER BY decides every position
    ("SELECT id, x FROM {F} ORDER BY x DESC NULLS LAST, id LIMIT 10", True),
    ("SELECT id, g FROM {F} ORDER BY g NULLS FIRST, id LIMIT 20 OFFSET 10", True),
    ("SELECT DISTINCT g FROM {F} ORDER BY g NULLS LAST", True),
    ("SELECT k, count(*) AS n FROM {F} GROUP BY k ORDER BY n DESC, k NULLS FIRST LIMIT 5", True),
    ("SELECT id, s FROM {F} WHERE s IS NOT NULL ORDER BY length(s), s, id LIMIT 15", True),
    ("SELECT id, dt FROM {F} ORDER BY dt DESC NULLS LAST, id DESC LIMIT 7", True),
    ("SELECT id FROM {F} ORDER BY id LIMIT 0", True),
]


def differential_queries():
    """(id, query text with {F} {M} {D} placeholders, ordered)."""
    out = []
    for i, f in enumerate(FILTERS):
        out.append((f"filter-{i:02}", f"SELECT {ALL_COLUMNS} FROM {{F}} WHERE {f}", False))
    for i, a in enumerate(AGGREGATES):
        out.append((f"agg-{i:02}", f"SELECT {a} AS v FROM {{F}}", False))
        out.append((f"agg-by-g-{i:02}", f"SELECT g, {a} AS v FROM {{F}} GROUP BY g", False))
    bundles = ["count(*) AS n, sum(x) AS sx", "min(s) AS mn, max(dt) AS mx",
               "avg(d) AS ad, count(DISTINCT k) AS ck", "sum(n) AS sn, max(ts) AS mt"]
    for i, g in enumerate(GROUPINGS):
        for j, b in enumerate(bundles):
            out.append((f"group-{i}-{j}", f"SELECT {g}, {b} FROM {{F}} GROUP BY {g}", False))
    having = ["count(*) > 150", "sum(x) < 0", "avg(d) > 4500", "max(g) = 'h'",
              "count(DISTINCT g) = 8"]
    for i, h in enumerate(having):
        out.append((f"having-{i}", f"SELECT k, count(*) AS n FROM {{F}} GROUP BY k HAVING {h}",
                    False))
    out.append(("group-all-rows", "SELECT count(*) AS n, sum(k) AS sk FROM {F} WHERE k > 100",
                False))
    out.append(("group-no-rows", "SELECT g, count(*) AS n FROM {F} WHERE k > 100 GROUP BY g",
                False))
    for i, f in enumerate(FUNCTIONS):
        out.append((f"fn-{i:02}", f"SELECT id, {f} AS v FROM {{F}} WHERE id <= 400", False))
    for i, q in enumerate(JOINS):
        out.append((f"join-{i:02}", q, False))
    for i, q in enumerate(SET_OPERATIONS):
        out.append((f"setop-{i}", q, False))
    for i, w in enumerate(WINDOWS):
        out.append((f"window-{i:02}", f"SELECT id, {w} AS w FROM {{F}}", False))
    for i, q in enumerate(SUBQUERIES):
        out.append((f"subquery-{i:02}", q, False))
    for i, (q, ordered) in enumerate(LIMITS):
        out.append((f"order-{i}", q, ordered))
    return out


# What floe does not do yet, by query id: these run as strict expected failures, so that a
# query that starts to pass fails the run until its line here is removed.
KNOWN_GAPS = {
}


def with_known_gaps(queries):
    return [pytest.param(*q, id=q[0], marks=pytest.mark.xfail(reason=KNOWN_GAPS[q[0]],
                                                              strict=True))
            if q[0] in KNOWN_GAPS else pytest.param(*q, id=q[0]) for q in queries]


QUERIES = differential_queries()


# ---- running and comparing ------------------------------------------------------------------

def duckdb_connection(with_tpch=False):
    import duckdb
    con = duckdb.connect(config={"autoinstall_known_extensions": "false",
                                 "autoload_known_extensions": "false", "threads": "2"})
    if with_tpch:
        from duckdb_extensions import import_extension
        import_extension("tpch")
        con.execute("LOAD tpch")
    return con


def run_floe_query(sql, warehouse):
    """(rows, None) from `floe sql --format json`, or (None, what went wrong)."""
    proc = subprocess.run([floe_binary(), "sql", "--warehouse", str(warehouse), "--format", "json",
                           "-c", sql], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        return None, f"floe failed ({proc.returncode}): {proc.stderr.strip()}"
    rows = [list(json.loads(line).values()) for line in proc.stdout.splitlines() if line.strip()]
    return rows, None


def duck_kind(values):
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, (int, float, decimal.Decimal)):
            return "number"
        return "text"
    return "any"


TIMESTAMP_TEXT = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$")


def normalize_text(s):
    """Timestamps as text without trailing zeros in the fraction ('10:00:00.250000' and
    '10:00:00.25' are the same instant) and with '+00' for UTC."""
    m = TIMESTAMP_TEXT.match(s)
    if not m:
        return s
    frac = (m.group(3) or "").rstrip("0")
    zone = "+00" if m.group(4) in ("+00:00", "+00", "Z") else m.group(4)
    return f"{m.group(1)} {m.group(2)}" + (f".{frac}" if frac else "") + zone


def canon_duck(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, decimal.Decimal)):
        return float(v)
    if isinstance(v, dt.datetime):
        return normalize_text(v.isoformat(sep=" "))
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def canon_floe(v, kind):
    if v is None:
        return None
    if kind == "number" and not isinstance(v, bool):
        if isinstance(v, str):
            return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v)
        return float(v)
    if isinstance(v, (bool, int, float)) or kind == "bool":
        return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return normalize_text(str(v))


def sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif isinstance(v, bool):
            key.append((1, float(v)))
        elif isinstance(v, float):
            key.append((1, float(f"{v:.6g}") if math.isfinite(v) else v))
        elif isinstance(v, int):
            key.append((1, float(v)))
        else:
            key.append((2, str(v)))
    return key


def cell_equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def compare(floe_result, duck_result, ordered):
    """None when equal, else a description of the difference."""
    if duck_result and floe_result and len(floe_result[0]) != len(duck_result[0]):
        return (f"floe returned {len(floe_result[0])} columns, DuckDB {len(duck_result[0])}: "
                f"{floe_result[0]} vs {duck_result[0]}")
    ncols = len(duck_result[0]) if duck_result else 0
    kinds = [duck_kind([r[c] for r in duck_result]) for c in range(ncols)]
    want = [[canon_duck(v) for v in r] for r in duck_result]
    got = [[canon_floe(v, kinds[c] if c < ncols else "any") for c, v in enumerate(r)]
           for r in floe_result]
    if not ordered:
        want.sort(key=sort_key)
        got.sort(key=sort_key)
    diffs = []
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else None
        w = want[i] if i < len(want) else None
        if g is None or w is None or len(g) != len(w) or not all(map(cell_equal, g, w)):
            diffs.append((i, g, w))
    if not diffs and len(got) == len(want):
        return None
    lines = [f"floe {len(got)} rows, DuckDB {len(want)} rows; first differences "
             f"(row: floe | DuckDB):"]
    for i, g, w in diffs[:8]:
        lines.append(f"  {i}: {g} | {w}")
    return "\n".join(lines)


def check_query(sql_template, sources_floe, sources_duck, warehouse, con, ordered=False):
    floe_sql = sql_template.format(**sources_floe)
    duck_sql = sql_template.format(**sources_duck)
    want = con.execute(duck_sql).fetchall()
    got, failure = run_floe_query(floe_sql, warehouse)
    if failure:
        pytest.fail(f"{failure}\n  query: {floe_sql}", pytrace=False)
    diff = compare(got, want, ordered)
    if diff:
        pytest.fail(f"{diff}\n  query: {floe_sql}", pytrace=False)


@pytest.fixture(scope="module")
def duck():
    return duckdb_connection()


@pytest.mark.parametrize("query_id,sql,ordered", with_known_gaps(QUERIES))
def test_same_result_as_duckdb(query_id, sql, ordered, data, duck):
    sources = parquet_sources(data)
    check_query(sql, sources, sources, data["root"] / "warehouse", duck, ordered)


# ---- the same on Iceberg tables floe wrote ---------------------------------------------------

@pytest.fixture(scope="module")
def iceberg_tables(data):
    warehouse = data["root"] / "iceberg-warehouse"
    paths = data["paths"]
    script = "CREATE SCHEMA IF NOT EXISTS diff; " + " ".join(
        f"CREATE TABLE diff.{name} AS SELECT * FROM read_parquet('{paths[key]}');"
        for key, name in (("F", "facts"), ("M", "more"), ("D", "dims")))
    proc = subprocess.run([floe_binary(), "sql", "--warehouse", str(warehouse), "-c", script],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"floe could not create the tables: {proc.stderr.strip()}", pytrace=False)
    return warehouse, {"F": "diff.facts", "M": "diff.more", "D": "diff.dims"}


ICEBERG_QUERIES = QUERIES[::7]


@pytest.mark.parametrize("query_id,sql,ordered", with_known_gaps(ICEBERG_QUERIES))
def test_same_result_on_iceberg_tables(query_id, sql, ordered, data, iceberg_tables, duck):
    warehouse, tables = iceberg_tables
    check_query(sql, tables, parquet_sources(data), warehouse, duck, ordered)


# ---- TPC-H at scale factor 0.01 ---------------------------------------------------------------

@pytest.fixture(scope="module")
def tpch_data(tmp_path_factory):
    try:
        con = duckdb_connection(with_tpch=True)
    except Exception as e:  # the wheel is installed by scripts/install-test-peers.sh
        pytest.skip(f"DuckDB's tpch extension is not installed ({e}); "
                    "run scripts/install-test-peers.sh")
    root = tmp_path_factory.mktemp("tpch")
    con.execute("CALL dbgen(sf = 0.01)")
    sources = {}
    for t in tpch_queries.TABLES:
        path = root / f"{t}.parquet"
        con.execute(f"COPY {t} TO '{path}' (FORMAT parquet)")
        sources[t] = f"read_parquet('{path}')"
    return root, sources, duckdb_connection()


@pytest.mark.parametrize("n", tpch_queries.QUERIES,
                         ids=[f"q{n:02}" for n in tpch_queries.QUERIES])
def test_tpch_same_result_as_duckdb(n, tpch_data):
    root, sources, con = tpch_data
    sql = tpch_queries.with_sources(tpch_queries.query_text(n), sources).strip().rstrip(";")
    want = con.execute(sql).fetchall()
    got, failure = run_floe_query(sql, root / "warehouse")
    if failure:
        pytest.fail(f"TPC-H Q{n}: {failure}", pytrace=False)
    diff = compare(got, want, ordered=False)
    if diff:
        pytest.fail(f"TPC-H Q{n}: {diff}", pytrace=False)


# ---- TPC-H on Iceberg tables floe wrote --------------------------------------------------------
# The scan paths only Iceberg tables take: row groups read in windows page by page, pushed
# comparisons tested on dictionary values, and hash joins handing their build keys to the
# scan of their probe side.

@pytest.fixture(scope="module")
def tpch_iceberg(tpch_data):
    root, sources, con = tpch_data
    warehouse = root / "iceberg-warehouse"
    script = "CREATE SCHEMA IF NOT EXISTS tpch; " + " ".join(
        f"CREATE TABLE tpch.{t} AS SELECT * FROM {sources[t]};" for t in tpch_queries.TABLES)
    proc = subprocess.run([floe_binary(), "sql", "--warehouse", str(warehouse), "-c", script],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"floe could not create the TPC-H tables: {proc.stderr.strip()}", pytrace=False)
    return warehouse, {t: f"tpch.{t}" for t in tpch_queries.TABLES}


@pytest.mark.parametrize("n", tpch_queries.QUERIES,
                         ids=[f"q{n:02}" for n in tpch_queries.QUERIES])
def test_tpch_same_result_on_iceberg_tables(n, tpch_data, tpch_iceberg):
    root, sources, con = tpch_data
    warehouse, tables = tpch_iceberg
    text = tpch_queries.query_text(n)
    want = con.execute(tpch_queries.with_sources(text, sources).strip().rstrip(";")).fetchall()
    got, failure = run_floe_query(tpch_queries.with_sources(text, tables).strip().rstrip(";"),
                                  warehouse)
    if failure:
        pytest.fail(f"TPC-H Q{n} on Iceberg: {failure}", pytrace=False)
    diff = compare(got, want, ordered=False)
    if diff:
        pytest.fail(f"TPC-H Q{n} on Iceberg: {diff}", pytrace=False)
