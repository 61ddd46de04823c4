"""Round trips both ways: what pyarrow and DuckDB write, floe reads to the same values;
what floe writes, pyarrow and DuckDB read to the same values. Random tables cover every
type, NULLs, empty strings, extremes and nested values; one case has two million rows."""
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical, floe_canonical, parse_floe_json_lines
from conftest import run_floe
from random_tables import random_table


def assert_same_values(expected: pa.Table, got: pa.Table, what: str):
    assert got.num_rows == expected.num_rows, what
    assert got.column_names == expected.column_names, what
    for name in expected.column_names:
        e, g = expected.column(name), got.column(name)
        if g.type != e.type:
            g = g.cast(e.type)
        assert arrow_canonical(g) == arrow_canonical(e), f"{what}: column {name}"


def floe_values(path, schema):
    proc = run_floe("file", "cat", path, "--limit", "-1", "--format", "json")
    rows = parse_floe_json_lines(proc.stdout)
    return {f.name: [floe_canonical(r.get(f.name), f.type) for r in rows] for f in schema}


WRITER_OPTIONS = [
    dict(compression="snappy"),
    dict(compression="zstd", use_dictionary=False, data_page_version="2.0"),
    dict(compression="gzip", data_page_size=512, write_page_index=True),
    dict(compression="lz4", use_dictionary=False,
         column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
                          "s": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY",
                          "f64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT"}),
    dict(compression="brotli", row_group_size=300),
    dict(compression="none", use_byte_stream_split=["d18", "ts"], use_dictionary=False),
]


@pytest.mark.parametrize("options", WRITER_OPTIONS, ids=lambda o: o["compression"])
def test_floe_reads_what_pyarrow_writes(tmp_path, options):
    table = random_table(2000, seed=hash(options["compression"]) & 0xffff)
    path = tmp_path / "arrow.parquet"
    pq.write_table(table, path, **options)
    got = floe_values(path, table.schema)
    for f in table.schema:
        assert got[f.name] == arrow_canonical(table.column(f.name)), f.name


def test_floe_reads_what_duckdb_writes(tmp_path):
    table = random_table(3000, seed=7, nested=True)
    # DuckDB has no unsigned 64-bit overflow issue, but keeps its own names for nested types
    path = tmp_path / "duck.parquet"
    con = duckdb.connect()
    con.register("t", table)
    con.execute(f"COPY (SELECT * FROM t) TO '{path}' (FORMAT parquet, COMPRESSION zstd, "
                "ROW_GROUP_SIZE 1000)")
    expected = pq.read_table(path)  # DuckDB's own file as pyarrow reads it
    got = floe_values(path, expected.schema)
    for f in expected.schema:
        assert got[f.name] == arrow_canonical(expected.column(f.name)), f.name


@pytest.mark.parametrize("codec,page_version", [("zstd", 1), ("snappy", 2), ("gzip", 1),
                                                ("lz4_raw", 2), ("brotli", 1), ("none", 1)])
def test_peers_read_what_floe_writes(tmp_path, codec, page_version):
    table = random_table(3000, seed=11)
    src = tmp_path / "src.parquet"
    pq.write_table(table, src, compression="none")
    out = tmp_path / "floe.parquet"
    run_floe("file", "convert", src, out, "--compression", codec, "--data-page-version",
             page_version, "--row-group-size", 1000, "--page-size", 4096)
    assert_same_values(table, pq.read_table(out), f"pyarrow reading floe's {codec} file")
    back = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')").to_arrow_table()
    # DuckDB has no TIME/UUID-free equivalents for every Arrow type: compare canonically,
    # column by column, after casting to the original type where DuckDB widened it.
    for name in table.column_names:
        e, g = table.column(name), back.column(name)
        if pa.types.is_map(e.type) or pa.types.is_fixed_size_binary(e.type):
            continue  # DuckDB returns maps and fixed binaries as its own types; pyarrow covers them
        if g.type != e.type:
            g = g.cast(e.type)
        assert arrow_canonical(g) == arrow_canonical(e), f"duckdb reading floe's file: {name}"


def test_bloom_filters_and_statistics_are_readable_by_pyarrow(tmp_path):
    table = random_table(5000, seed=3, nested=False)
    src = tmp_path / "src.parquet"
    pq.write_table(table, src)
    out = tmp_path / "floe.parquet"
    run_floe("file", "convert", src, out, "--bloom-filter", "i64,s", "--row-group-size", 2000)
    md = pq.ParquetFile(out).metadata
    assert md.num_row_groups == 3
    col = md.row_group(0).column(md.schema.names.index("i32"))
    assert col.statistics.has_min_max
    i32 = table.column("i32").slice(0, 2000).drop_null().to_pylist()
    assert col.statistics.min == min(i32) and col.statistics.max == max(i32)
    assert col.statistics.null_count == 2000 - len(i32)
    # every row group's filter finds its own values, by floe's pruning
    v = table.column("i64").drop_null()[5].as_py()
    proc = run_floe("file", "cat", out, "--filter", f"i64 = {v}", "--limit", "-1",
                    "--format", "json")
    assert len(parse_floe_json_lines(proc.stdout)) == table.filter(
        pa.compute.equal(table.column("i64"), v)).num_rows


def test_two_million_rows_round_trip(tmp_path):
    n = 2_000_000
    import numpy as np
    rng = np.random.default_rng(5)
    ids = np.arange(n, dtype=np.int64)
    table = pa.table({
        "id": ids,
        "v": pa.array(rng.normal(size=n)),
        "cat": pa.array(rng.choice(["a", "bb", "ccc", "dddd", ""], size=n)),
        "maybe": pa.array(rng.integers(0, 1000, size=n), mask=rng.random(n) < 0.2),
        "ts": pa.array(ids * 1_000_000 + 1_700_000_000_000_000, pa.timestamp("us")),
        "txt": pa.array([f"row-{i % 10007}-{i % 13}" for i in range(n)]),
    })
    src = tmp_path / "src.parquet"
    pq.write_table(table, src, row_group_size=500_000)
    out = tmp_path / "floe.parquet"
    run_floe("file", "convert", src, out)
    back = pq.read_table(out)
    assert back.schema.equals(table.schema, check_metadata=False)
    assert back.equals(table.replace_schema_metadata(None).cast(back.schema))
