"""TPC-H's 22 query texts (bench/tpch/qNN.sql) and how to point them at other sources: shared
by bench/sql_bench.py and tests/interop/test_sql_differential.py."""
import pathlib
import re

TPCH_DIR = pathlib.Path(__file__).resolve().parent / "tpch"
TABLES = ["part", "supplier", "partsupp", "customer", "orders", "lineitem", "nation", "region"]
QUERIES = range(1, 23)

# A table reference: a TPC-H table name after FROM, JOIN or a comma of a FROM list (not a
# column alias such as `n_name AS nation`, nor a qualified name or a function call).
_TABLE_REF = re.compile(r"(\b(?:FROM|JOIN)\s+|,\s*)(" + "|".join(TABLES) + r")\b(?!\s*[.(])")


def query_path(n):
    return TPCH_DIR / f"q{n:02}.sql"


def query_text(n):
    return query_path(n).read_text()


def with_sources(sql, sources):
    """`sql` with each table reference replaced by sources[table] (e.g. "read_parquet('..')"
    or "tpch.lineitem"); tables missing from `sources` stay as they are."""
    return _TABLE_REF.sub(lambda m: m.group(1) + sources.get(m.group(2), m.group(2)), sql)
