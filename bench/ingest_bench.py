#!/usr/bin/env python3
"""Ingestion benchmark (docs/BENCHMARKS.md): CSV -> table load throughput of floe's COPY INTO
beside DuckDB's COPY .. TO parquet and PyIceberg's append, on the same clickstream CSV files,
in one run.

  floe:      CREATE STAGE on the landing folder; COPY INTO an Iceberg table partitioned by
             day(ts) (load history, rejected-record bookkeeping and the catalog commit
             included), one `floe sql` process.
  DuckDB:    COPY (SELECT * FROM read_csv([...], columns = floe's types)) TO a Parquet folder
             partitioned by day (DuckDB writes files; there is no table or catalog).
  PyIceberg: pyarrow.csv reads the files with floe's types; table.append into a table with
             the same spec in a SQL catalog.

Each is checked for the same row count and sum(click_id). Prints medians, rows/s, MB/s and
ratios (peer time / floe time: above 1.0 means floe is faster); writes
bench/out/ingest_bench.json.

    python3 bench/ingest_bench.py            # default: 2 M rows over 2 days (hourly files)
    python3 bench/ingest_bench.py --full     # 10 M rows over 10 days
"""
import argparse
import json
import logging
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from iceberg_bench import describe_columns, gen, peer_schema  # noqa: E402


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def floe_sql(floe, wh, sql):
    return sh(floe, "sql", "--warehouse", wh, "--format", "csv", "-c", sql).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--floe", default=os.environ.get("FLOE_BIN", ROOT / "build/release/floe"))
    ap.add_argument("--work", default=ROOT / "bench/out/ingest")
    ap.add_argument("--full", action="store_true", help="10 M rows over 10 days")
    args = ap.parse_args()
    if args.full:
        args.rows, args.days = 10_000_000, 10

    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyiceberg
    from pyiceberg.catalog import load_catalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import DayTransform
    logging.getLogger("pyiceberg.catalog.sql").setLevel(logging.ERROR)

    floe = str(pathlib.Path(args.floe).resolve())
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    files = gen(floe, work / f"landing_{args.rows}_{args.days}", args.rows, args.days, 42)
    landing = files[0].parent
    while landing != work and not str(landing).endswith(f"landing_{args.rows}_{args.days}"):
        landing = landing.parent
    csv_bytes = sum(f.stat().st_size for f in files)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tables-", dir=work))
    cores = os.cpu_count() or 2
    print(f"floe {floe}; DuckDB {duckdb.__version__}; PyIceberg {pyiceberg.__version__}; {cores} cores, "
          f"load {os.getloadavg()[0]:.2f}; {args.rows:,} rows in {len(files)} CSV files, "
          f"{csv_bytes / 1e6:.0f} MB; median of {args.repeat}", flush=True)

    # The table's columns, as floe infers them from a file (the same types for every engine).
    probe = tmp / "probe"
    sh(floe, "table", "create", "bench.clicks", "--like", files[0], "--warehouse", probe)
    cols = describe_columns(floe, probe, "bench.clicks")
    arrow_types, iceberg_schema = peer_schema(cols)
    col_sql = ", ".join(f"{n} {t}" for _, n, t, _ in cols)
    duck_types = {n: t for _, n, t, _ in cols}

    results = {}
    try:
        # floe
        times = []
        for r in range(args.repeat):
            wh = tmp / f"floe-{r}"
            floe_sql(floe, wh, f"CREATE SCHEMA bench; CREATE TABLE bench.clicks ({col_sql}) PARTITION BY (day(ts)); "
                               f"CREATE STAGE bench.landing URL = 'file://{landing}'")
            t0 = time.perf_counter()
            out = floe_sql(floe, wh, "COPY INTO bench.clicks FROM @bench.landing PATTERN = '.*[.]csv' "
                                     "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"' "
                                     "NULL_IF = ('') ESCAPE_UNENCLOSED_FIELD = NONE)")
            times.append(time.perf_counter() - t0)
            if "LOAD_FAILED" in out or "PARTIALLY" in out:
                raise RuntimeError(f"floe's COPY did not load every row:\n{out[:2000]}")
            check = floe_sql(floe, wh, "SELECT count(*), sum(click_id) FROM bench.clicks").splitlines()[1].split(",")
            floe_check = (int(check[0]), int(check[1]))
            if r + 1 < args.repeat:
                shutil.rmtree(wh)
        results["floe"] = (statistics.median(times), times, floe_check)

        # DuckDB
        times = []
        con = duckdb.connect()
        con.execute(f"SET threads = {cores}")
        file_list = ", ".join(f"'{f}'" for f in files)
        for r in range(args.repeat):
            out_dir = tmp / f"duck-{r}"
            t0 = time.perf_counter()
            con.execute(f"COPY (SELECT *, CAST(ts AS DATE) AS ts_day FROM read_csv([{file_list}], header = true, "
                        f"columns = {json.dumps(duck_types)})) TO '{out_dir}' "
                        "(FORMAT parquet, PARTITION_BY (ts_day), COMPRESSION zstd)")
            times.append(time.perf_counter() - t0)
            duck_check = tuple(con.execute(f"SELECT count(*), sum(click_id) FROM read_parquet('{out_dir}/*/*.parquet')").fetchone())
            shutil.rmtree(out_dir)
        results["duckdb"] = (statistics.median(times), times, duck_check)

        # PyIceberg
        times = []
        ts_id = next(fid for fid, n, _, _ in cols if n == "ts")
        spec = PartitionSpec(PartitionField(source_id=ts_id, field_id=1000, transform=DayTransform(), name="ts_day"))
        convert = pacsv.ConvertOptions(column_types=arrow_types, strings_can_be_null=True)
        for r in range(args.repeat):
            wh = tmp / f"pyiceberg-{r}"
            wh.mkdir()
            cat = load_catalog("b", type="sql", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
            cat.create_namespace("bench")
            t0 = time.perf_counter()
            at = pa.concat_tables([pacsv.read_csv(f, convert_options=convert) for f in files])
            table = cat.create_table("bench.clicks", schema=iceberg_schema, partition_spec=spec,
                                     properties={"write.parquet.compression-codec": "zstd"})
            table.append(at)
            times.append(time.perf_counter() - t0)
            t = table.scan(selected_fields=("click_id",)).to_arrow()
            import pyarrow.compute as pc
            peer_check = (t.num_rows, pc.sum(t["click_id"]).as_py())
            shutil.rmtree(wh)
        results["pyiceberg"] = (statistics.median(times), times, peer_check)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    want = results["floe"][2]
    for k, v in results.items():
        if v[2] != want:
            raise RuntimeError(f"{k} loaded {v[2]} (count, sum(click_id)); floe loaded {want}")
    fs = results["floe"][0]
    out = {"rows": args.rows, "files": len(files), "csv_bytes": csv_bytes, "cores": cores}
    for k, (sec, alls, chk) in results.items():
        out[k] = {"seconds": sec, "all": alls, "rows_per_s": args.rows / sec, "mb_per_s": csv_bytes / 1e6 / sec,
                  "ratio_peer_over_floe": sec / fs}
        print(f"{k:<10} {sec:7.2f} s  {args.rows / sec / 1e6:5.2f} M rows/s  {csv_bytes / 1e6 / sec:6.0f} MB/s"
              + ("" if k == "floe" else f"  ratio {sec / fs:.2f}"), flush=True)
    (ROOT / "bench/out").mkdir(exist_ok=True)
    (ROOT / "bench/out/ingest_bench.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
