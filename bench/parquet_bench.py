#!/usr/bin/env python3
"""Parquet benchmark (docs/BENCHMARKS.md): floe beside pyarrow and DuckDB on the same
clickstream data, in one run. Cases: CSV -> Parquet conversion, full scan, projected scan,
each on one thread and on all cores. Prints medians and ratios (peer time / floe time:
above 1.0 means floe is faster) and writes the figures to bench/out/parquet_bench.json.

    python3 bench/parquet_bench.py            # default: 10 M rows
    python3 bench/parquet_bench.py --rows 1000000 --repeat 3
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb(cmd):
    """Peak RSS of a command, via /usr/bin/time when present."""
    if not shutil.which("/usr/bin/time"):
        return None
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, cmd)], capture_output=True,
                          text=True)
    try:
        return int(proc.stderr.strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--floe", default=os.environ.get("FLOE_BIN", ROOT / "build/release/floe"))
    ap.add_argument("--work", default=ROOT / "bench/out/parquet")
    ap.add_argument("--full", action="store_true", help="full size: 60 M rows")
    ap.add_argument("--cases", default="convert,scan", help="convert, scan or both")
    args = ap.parse_args()
    if args.full:
        args.rows = 60_000_000
    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    floe = str(args.floe)
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"clicks_{args.rows}.csv"
    if not csv_path.exists():
        landing = work / "landing"
        shutil.rmtree(landing, ignore_errors=True)
        sh(floe, "bench", "gen", "clickstream", "--rows", args.rows, "--days", args.days,
           "--seed", 42, "--out", landing)
        files = sorted(landing.rglob("*.csv"))
        with open(csv_path, "wb") as out:
            for i, f in enumerate(files):
                with open(f, "rb") as src:
                    if i > 0:
                        src.readline()  # header
                    shutil.copyfileobj(src, out)
        shutil.rmtree(landing)
    csv_mb = csv_path.stat().st_size / 1e6
    print(f"data: {args.rows:,} clickstream rows, CSV {csv_mb:.0f} MB; median of {args.repeat}")

    results = []
    floe_pq = work / "floe.parquet"
    arrow_pq = work / "pyarrow.parquet"
    duck_pq = work / "duckdb.parquet"

    def record(case, threads, floe_s, peers):
        row = {"case": case, "threads": threads, "floe_s": floe_s, "peers": {}}
        for name, secs in peers.items():
            row["peers"][name] = {"seconds": secs, "ratio": secs / floe_s if floe_s else None}
        results.append(row)
        peer_txt = "  ".join(f"{n} {s:.3f}s (x{s / floe_s:.2f})" for n, s in peers.items())
        print(f"{case:<28} {threads:>2} thr  floe {floe_s:.3f}s  {peer_txt}", flush=True)

    # -- CSV -> Parquet (zstd). floe parses CSV on one thread and encodes Parquet column
    # chunks on `threads`.
    cases = set(args.cases.split(","))
    for threads in ((1, os.cpu_count() or 2) if "convert" in cases else ()):
        floe_s = timed(lambda: sh(floe, "file", "convert", csv_path, floe_pq, "--compression",
                                  "zstd", "--threads", threads), args.repeat)

        def arrow_convert():
            t = pacsv.read_csv(csv_path, read_options=pacsv.ReadOptions(use_threads=threads > 1))
            pq.write_table(t, arrow_pq, compression="zstd")

        pa.set_cpu_count(threads)
        arrow_s = timed(arrow_convert, args.repeat)

        def duck_convert():
            con = duckdb.connect()
            con.execute(f"SET threads={threads}")
            con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{duck_pq}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
            con.close()

        duck_s = timed(duck_convert, args.repeat)
        record("csv->parquet", threads, floe_s,
               {"pyarrow": arrow_s, "duckdb": duck_s})

    sizes = {n: p.stat().st_size / 1e6 for n, p in
             [("floe", floe_pq), ("pyarrow", arrow_pq), ("duckdb", duck_pq)] if p.exists()}
    print("parquet sizes (MB): " + ", ".join(f"{n} {s:.1f}" for n, s in sizes.items()))

    # -- scans of the same file (pyarrow's, a neutral writer) and of floe's own
    cols = [f.name for f in pq.read_schema(arrow_pq)]
    for label, path in ((("pyarrow file", arrow_pq), ("floe file", floe_pq))
                        if "scan" in cases else ()):
        for proj, columns in (("full", None), ("projected", ["ts", "element_id"])):
            for threads in (1, os.cpu_count() or 2):
                floe_args = [floe, "file", "scan", path, "--threads", threads]
                if columns:
                    floe_args += ["--columns", ",".join(columns)]
                floe_s = timed(lambda: sh(*floe_args), args.repeat)
                pa.set_cpu_count(threads)
                arrow_s = timed(lambda: pq.read_table(path, columns=columns,
                                                      use_threads=threads > 1), args.repeat)
                sel = ", ".join(f'"{c}"' for c in (columns or cols))

                # A full scan materialises every value, as pyarrow's read_table and floe's
                # scan do: DuckDB's result is fetched as an Arrow table (count(col) would
                # be answered from the footer's statistics without decoding).
                def duck_scan():
                    con = duckdb.connect()
                    con.execute(f"SET threads={threads}")
                    con.execute(f"SELECT {sel} FROM read_parquet('{path}')").to_arrow_table()
                    con.close()

                duck_s = timed(duck_scan, args.repeat)
                record(f"{proj} scan ({label})", threads, floe_s,
                       {"pyarrow": arrow_s, "duckdb": duck_s})

    rss = peak_rss_mb([floe, "file", "scan", arrow_pq, "--threads", 1])
    out = {"rows": args.rows, "csv_mb": csv_mb, "parquet_mb": sizes, "results": results,
           "floe_scan_peak_rss_mb": rss}
    (ROOT / "bench/out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench/out/parquet_bench.json").write_text(json.dumps(out, indent=2))
    print(f"floe full-scan peak RSS: {rss:.0f} MB" if rss else "floe peak RSS: not measured")
    print("written: bench/out/parquet_bench.json")


if __name__ == "__main__":
    sys.exit(main())
