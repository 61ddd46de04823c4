#!/usr/bin/env python3
"""SQL benchmark (docs/BENCHMARKS.md): floe beside DuckDB on the same data, in one run.

  tpch:        the 22 TPC-H queries. Data from DuckDB's tpch extension, written once as
               Parquet under bench/data/tpch-sf<SF>/ and loaded into a floe warehouse as
               Iceberg tables (CREATE TABLE .. AS SELECT * FROM read_parquet(..)). floe runs
               `floe sql -f bench/tpch/qNN.sql` on the tables; DuckDB runs the same text in
               this process on views over the same Parquet files.
  clickstream: the six queries of BENCHMARKS.md on `floe bench gen clickstream` data, in a
               floe table partitioned by day(ts), sorted by element_id, with a bloom filter
               on element_id; DuckDB reads the same rows as hive-partitioned Parquet by day.

Every query is run hot: once to warm, then the median of --repeat runs. Both engines use
--threads (default 2). floe's time is the whole `floe sql` process (start-up included, a
few ms). The row counts of both engines are compared; a query floe cannot run shows its
error instead of a time. Prints a table (ratio = DuckDB time / floe time: above 1.0 means
floe is faster) and writes bench/out/sql_bench.json.

    python3 bench/sql_bench.py                 # TPC-H SF 1 and 10 M clickstream rows
    python3 bench/sql_bench.py --quick         # TPC-H SF 0.1 and 1 M clickstream rows
    python3 bench/sql_bench.py --sf 10 --cases tpch --queries 1,6,9
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
sys.path.insert(0, str(ROOT / "bench"))
import tpch_queries  # noqa: E402

DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def first_line(text, limit=70):
    line = next((x for x in text.strip().splitlines() if x.strip()), "")
    line = line.removeprefix("error: ")
    return line if len(line) <= limit else line[:limit - 3] + "..."


def duckdb_connection(threads, tpch=False):
    import duckdb
    con = duckdb.connect(config={"autoinstall_known_extensions": "false",
                                 "autoload_known_extensions": "false",
                                 "threads": str(threads)})
    if tpch:
        from duckdb_extensions import import_extension
        import_extension("tpch")
        con.execute("LOAD tpch")
    return con


class Floe:
    def __init__(self, binary, warehouse, threads, query_timeout=300):
        self.binary, self.warehouse, self.threads = str(binary), pathlib.Path(warehouse), threads
        self.query_timeout = query_timeout

    def sql(self, *args, timeout=3600):
        return sh(self.binary, "sql", "--warehouse", self.warehouse, "--threads", self.threads,
                  *args, timeout=timeout)

    def run(self, *args):
        """(seconds, result rows, error): one run of `floe sql ... --format csv`."""
        t0 = time.perf_counter()
        try:
            proc = self.sql("--format", "csv", *args, timeout=self.query_timeout)
        except subprocess.TimeoutExpired:
            return None, None, f"timed out after {self.query_timeout} s"
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            return None, None, first_line(proc.stderr) or f"exit status {proc.returncode}"
        lines = [x for x in proc.stdout.splitlines() if x]
        return seconds, max(0, len(lines) - 1), None


def time_floe(floe, repeat, *args):
    """Warm once, then the median of `repeat` runs: {"s", "rows"} or {"error"}."""
    _, rows, error = floe.run(*args)
    if error:
        return {"error": error}
    times = []
    for _ in range(repeat):
        s, rows, error = floe.run(*args)
        if error:
            return {"error": error}
        times.append(s)
    return {"s": statistics.median(times), "rows": rows, "runs": times}


def time_duckdb(con, sql, repeat):
    try:
        rows = len(con.execute(sql).fetchall())
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = len(con.execute(sql).fetchall())
            times.append(time.perf_counter() - t0)
    except Exception as e:  # a peer failure is reported, not fatal
        return {"error": first_line(str(e))}
    return {"s": statistics.median(times), "rows": rows, "runs": times}


def row_for(name, f, d):
    out = {"query": name, "floe": f, "duckdb": d}
    if "s" in f and "s" in d:
        out["ratio"] = d["s"] / f["s"] if f["s"] > 0 else None
        out["rows_match"] = f["rows"] == d["rows"]
    return out


def print_table(title, rows):
    print(f"\n{title}")
    print(f"{'query':<28} {'floe s':>9} {'duckdb s':>9} {'ratio':>7}  rows")
    for r in rows:
        f, d = r["floe"], r["duckdb"]
        fs = f"{f['s']:9.3f}" if "s" in f else f"{'-':>9}"
        ds = f"{d['s']:9.3f}" if "s" in d else f"{'-':>9}"
        ratio = f"{r['ratio']:7.2f}" if r.get("ratio") else f"{'-':>7}"
        note = ""
        if "error" in f:
            note = f"floe error: {f['error']}"
        elif "error" in d:
            note = f"duckdb error: {d['error']}"
        elif not r.get("rows_match", True):
            note = f"ROWS DIFFER: floe {f['rows']}, duckdb {d['rows']}"
        else:
            note = str(f["rows"])
        print(f"{r['query']:<28} {fs} {ds} {ratio}  {note}", flush=True)
    both = [r["ratio"] for r in rows if r.get("ratio")]
    if both:
        geo = statistics.geometric_mean(both)
        print(f"{'geometric mean ratio':<28} {'':>9} {'':>9} {geo:7.2f}  "
              f"({len(both)} of {len(rows)} queries ran in both)")


# ---- TPC-H ------------------------------------------------------------------------------------

def tpch_parquet(sf):
    """The TPC-H tables as Parquet files, generated once per scale factor."""
    folder = DATA / f"tpch-sf{sf:g}"
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"generating TPC-H SF {sf:g} with DuckDB's tpch extension into {folder}",
              flush=True)
        con = duckdb_connection(2, tpch=True)
        con.execute(f"CALL dbgen(sf = {sf})")
        for t in tpch_queries.TABLES:
            con.execute(f"COPY {t} TO '{folder / (t + '.parquet')}' (FORMAT parquet)")
        con.close()
        done.write_text("")
    return {t: folder / f"{t}.parquet" for t in tpch_queries.TABLES}


def load_tpch_into_floe(floe, files):
    """Creates one Iceberg table per TPC-H table (once per warehouse); returns the load times."""
    marker = floe.warehouse / ".tpch-loaded.json"
    if marker.exists():
        return json.loads(marker.read_text())
    shutil.rmtree(floe.warehouse, ignore_errors=True)
    floe.warehouse.mkdir(parents=True)
    times = {}
    for t, path in files.items():
        t0 = time.perf_counter()
        proc = floe.sql("-c", f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{path}')")
        if proc.returncode != 0:
            raise RuntimeError(f"floe could not load {t}: {first_line(proc.stderr, 200)}")
        times[t] = time.perf_counter() - t0
        print(f"  loaded {t} into floe in {times[t]:.1f} s", flush=True)
    marker.write_text(json.dumps(times))
    return times


def bench_tpch(args, floe_bin, results):
    files = tpch_parquet(args.sf)
    floe = Floe(floe_bin, DATA / f"tpch-sf{args.sf:g}" / "warehouse", args.threads,
                args.query_timeout)
    try:
        results["tpch_load_s"] = load_tpch_into_floe(floe, files)
        loaded = True
    except RuntimeError as e:
        print(f"TPC-H: {e}; floe's figures cannot be measured yet", flush=True)
        results["tpch_load_error"] = str(e)
        loaded = False
    con = duckdb_connection(args.threads)
    for t, path in files.items():
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{path}')")
    rows = []
    for n in args.queries:
        text = tpch_queries.query_text(n)
        f = (time_floe(floe, args.repeat, "-f", tpch_queries.query_path(n)) if loaded
             else {"error": "tables not loaded"})
        d = time_duckdb(con, text, args.repeat)
        rows.append(row_for(f"Q{n:02}", f, d))
        if args.verbose:
            print_table(f"TPC-H SF {args.sf:g}", rows[-1:])
    results["tpch"] = rows
    print_table(f"TPC-H SF {args.sf:g} (hot, median of {args.repeat}; floe: Iceberg tables, "
                f"DuckDB: Parquet files)", rows)


# ---- clickstream -----------------------------------------------------------------------------

def clickstream_csv(floe_bin, rows, days):
    folder = DATA / f"clickstream_{rows}_{days}"
    if not (folder / ".done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {rows:,} clickstream rows over {days} days into {folder}", flush=True)
        proc = sh(floe_bin, "bench", "gen", "clickstream", "--rows", rows, "--days", days,
                  "--seed", 42, "--out", folder / "landing")
        if proc.returncode != 0:
            raise RuntimeError(f"floe bench gen failed: {proc.stderr}")
        (folder / ".done").write_text("")
    return folder, sorted((folder / "landing").rglob("*.csv"))


def load_clickstream(floe_bin, folder, files, threads, query_timeout):
    """The floe table (day(ts), sorted by element_id, bloom filter on element_id, zstd) and
    DuckDB's hive-partitioned Parquet by day, each made once."""
    floe = Floe(floe_bin, folder / "warehouse", threads, query_timeout)
    marker = folder / ".loaded"
    hive = folder / "hive"
    if not marker.exists():
        shutil.rmtree(floe.warehouse, ignore_errors=True)
        shutil.rmtree(hive, ignore_errors=True)
        for cmd in (["table", "create", "bench.clicks", "--like", files[0], "--partition-by",
                     "day(ts)", "--sort-by", "element_id", "--property",
                     "write.parquet.bloom-filter-enabled.column.element_id=true", "--property",
                     "write.parquet.compression-codec=zstd"],
                    ["table", "append", "bench.clicks", *files, "--threads", threads]):
            proc = sh(floe_bin, *cmd, "--warehouse", floe.warehouse)
            if proc.returncode != 0:
                raise RuntimeError(f"floe {' '.join(map(str, cmd[:2]))}: {proc.stderr}")
        con = duckdb_connection(threads)
        glob = str(folder / "landing" / "**" / "*.csv")
        con.execute(f"COPY (SELECT *, CAST(ts AS DATE) AS day FROM read_csv('{glob}', "
                    f"header = true, types = {{'ts': 'TIMESTAMP'}}) ORDER BY day, element_id) "
                    f"TO '{hive}' (FORMAT parquet, PARTITION_BY (day), COMPRESSION zstd)")
        con.close()
        marker.write_text("")
    return floe, hive


def clickstream_queries(con):
    """The six queries of BENCHMARKS.md as (name, SQL with {clicks}, to Parquet). An element
    with many clicks and an existing click_id are picked from the data; time ranges are
    literal bounds (the access pattern is measured, not interval arithmetic)."""
    import datetime as dt
    element = con.execute("SELECT element_id FROM clicks GROUP BY element_id "
                          "ORDER BY count(*) DESC, element_id LIMIT 1 OFFSET 9").fetchone()[0]
    first, rows = con.execute("SELECT min(CAST(ts AS DATE)), count(*) FROM clicks").fetchone()
    click = rows // 2

    def ts(days):
        return f"TIMESTAMP '{(first + dt.timedelta(days=days)).isoformat()} 00:00:00'"

    one_day = f"ts >= {ts(0)} AND ts < {ts(1)}"
    return [
        ("1 one day, all columns", f"SELECT * FROM {{clicks}} WHERE {one_day}", True),
        ("2 element over 90 days",
         f"SELECT CAST(ts AS DATE) AS day, count(*) AS clicks, count(DISTINCT user_id) AS users "
         f"FROM {{clicks}} WHERE element_id = {element} AND ts >= {ts(0)} AND ts < {ts(90)} "
         f"GROUP BY 1 ORDER BY 1", False),
        ("3 top 20 elements per day",
         f"SELECT day, element_id, clicks FROM (SELECT day, element_id, clicks, row_number() "
         f"OVER (PARTITION BY day ORDER BY clicks DESC, element_id) AS rn FROM (SELECT "
         f"CAST(ts AS DATE) AS day, element_id, count(*) AS clicks FROM {{clicks}} "
         f"WHERE ts >= {ts(0)} AND ts < {ts(7)} GROUP BY 1, 2) AS daily) AS ranked "
         f"WHERE rn <= 20 ORDER BY day, clicks DESC, element_id", False),
        ("4 device x country (scan)",
         "SELECT device, country, count(*) AS clicks FROM {clicks} GROUP BY device, country "
         "ORDER BY clicks DESC, device, country", False),
        ("5 one click by click_id",
         f"SELECT * FROM {{clicks}} WHERE click_id = {click}", False),
        ("6 sessions of one day",
         f"SELECT count(*) AS sessions, avg(clicks) AS avg_clicks, max(duration) AS longest "
         f"FROM (SELECT session_id, count(*) AS clicks, sum(duration_ms) AS duration "
         f"FROM {{clicks}} WHERE {one_day} GROUP BY session_id) AS sessions", False),
    ]


def bench_clickstream(args, floe_bin, results):
    import pyarrow.parquet as pq
    folder, files = clickstream_csv(floe_bin, args.rows, args.days)
    floe, hive = load_clickstream(floe_bin, folder, files, args.threads, args.query_timeout)
    con = duckdb_connection(args.threads)
    con.execute(f"CREATE VIEW clicks AS SELECT * EXCLUDE (day) FROM read_parquet("
                f"'{hive}/**/*.parquet', hive_partitioning = true)")
    out = folder / "result.parquet"
    rows = []
    for name, sql, to_parquet in clickstream_queries(con):
        floe_sql = sql.format(clicks="bench.clicks")
        duck_sql = sql.format(clicks="clicks")
        if to_parquet:
            # all columns of a day: both engines write them to a Parquet file (the ML pattern
            # reads them into memory; printing a million rows would time the printing)
            f = time_floe(floe, args.repeat, "-c", floe_sql, "-o", out)
            if "s" in f:
                f["rows"] = pq.read_metadata(out).num_rows
            duck_out = folder / "duck.parquet"
            d = time_duckdb(con, f"COPY ({duck_sql}) TO '{duck_out}' (FORMAT parquet)",
                            args.repeat)
            if "s" in d:
                d["rows"] = pq.read_metadata(duck_out).num_rows
        else:
            f = time_floe(floe, args.repeat, "-c", floe_sql)
            d = time_duckdb(con, duck_sql, args.repeat)
        rows.append(row_for(name, f, d))
    results["clickstream"] = rows
    print_table(f"clickstream, {args.rows:,} rows over {args.days} days (hot, median of "
                f"{args.repeat}; floe: Iceberg table, DuckDB: hive-partitioned Parquet)", rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (default 1)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes: TPC-H SF 0.1, 1 M clickstream rows over 2 days")
    ap.add_argument("--rows", type=int, default=10_000_000, help="clickstream rows")
    ap.add_argument("--days", type=int, default=10, help="clickstream days")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--query-timeout", type=float, default=300,
                    help="seconds one floe run may take before it is stopped and reported")
    ap.add_argument("--queries", default="1-22", help="TPC-H queries: 1-22, or 1,6,9")
    ap.add_argument("--cases", default="tpch,clickstream")
    ap.add_argument("--floe", default=os.environ.get("FLOE_BIN", ROOT / "build/release/floe"))
    ap.add_argument("--verbose", action="store_true", help="print each TPC-H query as it ends")
    args = ap.parse_args()
    if args.quick:
        args.sf, args.rows, args.days = 0.1, 1_000_000, 2
    if "-" in args.queries:
        a, b = args.queries.split("-")
        args.queries = list(range(int(a), int(b) + 1))
    else:
        args.queries = [int(q) for q in args.queries.split(",")]
    floe_bin = pathlib.Path(args.floe).resolve()
    import duckdb
    cases = set(args.cases.split(","))
    print(f"floe {floe_bin}; DuckDB {duckdb.__version__}; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; {args.threads} threads each; median of "
          f"{args.repeat} hot runs", flush=True)
    results = {"sf": args.sf, "rows": args.rows, "days": args.days, "repeat": args.repeat,
               "threads": args.threads, "duckdb": duckdb.__version__,
               "cores": os.cpu_count(), "load_at_start": os.getloadavg()[0]}
    if "tpch" in cases:
        bench_tpch(args, floe_bin, results)
    if "clickstream" in cases:
        try:
            bench_clickstream(args, floe_bin, results)
        except RuntimeError as e:
            print(f"clickstream: {e}", flush=True)
            results["clickstream_error"] = str(e)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sql_bench.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwrote {OUT / 'sql_bench.json'}")


if __name__ == "__main__":
    main()
