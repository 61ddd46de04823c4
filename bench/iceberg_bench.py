#!/usr/bin/env python3
"""Iceberg table benchmark (docs/BENCHMARKS.md): floe beside PyIceberg (+ pyarrow) on the same
clickstream data, in one run. Cases:

  1. append: the hourly clickstream CSV files into a new table partitioned by day(ts)
     (floe: `table create` + one `table append` process; PyIceberg: pyarrow.csv read, cast to
     floe's schema, `create_table` with the same spec, `table.append`). Both tables are
     checked for the same row count, sum(click_id) and NULL count of referrer.
  2. commit: small appends (100 rows each) to the table of case 1; floe runs one process
     per commit (so its figure includes process start), PyIceberg appends in-process.
  3. planning: tables of 1 000 and 10 000 data files (bucket(N, click_id), built by one floe
     append); a scan filtered on one partition value and a full scan, planned by floe
     (`--explain`'s in-process time, and the whole process) and by PyIceberg
     (`scan(...).plan_files()`) on the very same table through floe's catalog file.

Prints medians and ratios (peer time / floe time: above 1.0 means floe is faster) and writes
the figures to bench/out/iceberg_bench.json.

    python3 bench/iceberg_bench.py               # default: 2 M rows over 2 days
    python3 bench/iceberg_bench.py --full        # 10 M rows over 10 days, up to 100 000 files
    python3 bench/iceberg_bench.py --cases planning --files 1000
"""
import argparse
import json
import logging
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
NS = "bench"


class Mismatch(Exception):
    """floe's table and PyIceberg's differ: the benchmark's figures would mean nothing."""


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def timed_sh(*args):
    t0 = time.perf_counter()
    proc = sh(*args)
    return time.perf_counter() - t0, proc


def median(xs):
    return statistics.median(xs)


def dir_bytes(path):
    return sum(p.stat().st_size for p in pathlib.Path(path).rglob("*") if p.is_file())


def local_path(location):
    return pathlib.Path(location.removeprefix("file://"))


def check(what, floe_value, peer_value):
    if floe_value != peer_value:
        raise Mismatch(f"{what}: floe {floe_value} != PyIceberg {peer_value}")


# ---------------------------------------------------------------------------------------------
# floe's schema -> pyarrow types for the CSV reader and an Iceberg schema with the same field ids

def describe_columns(floe, warehouse, name):
    """[(field id, name, floe type, required)] from `floe table describe`."""
    out = sh(floe, "table", "describe", name, "--warehouse", warehouse).stdout
    cols, in_cols = [], False
    for line in out.splitlines():
        if line.startswith("columns"):
            in_cols = True
            continue
        if in_cols:
            m = re.match(r"\s+(\d+)\s+(\S+)\s+(.+?)\s*$", line)
            if not m:
                break
            ftype = m.group(3)
            required = ftype.endswith(" NOT NULL")
            cols.append((int(m.group(1)), m.group(2), ftype.removesuffix(" NOT NULL"), required))
    if not cols:
        raise RuntimeError(f"no columns in `floe table describe {name}`:\n{out}")
    return cols


def peer_schema(cols):
    import pyarrow as pa
    from pyiceberg import types as it
    from pyiceberg.schema import Schema

    def types_of(ftype):
        base = re.sub(r"\(.*\)$", "", ftype.upper())
        table = {
            "BIGINT": (pa.int64(), it.LongType()),
            "INTEGER": (pa.int32(), it.IntegerType()),
            "INT": (pa.int32(), it.IntegerType()),
            "DOUBLE": (pa.float64(), it.DoubleType()),
            "REAL": (pa.float32(), it.FloatType()),
            "FLOAT": (pa.float32(), it.FloatType()),
            "BOOLEAN": (pa.bool_(), it.BooleanType()),
            "VARCHAR": (pa.string(), it.StringType()),
            "DATE": (pa.date32(), it.DateType()),
            "TIMESTAMP": (pa.timestamp("us"), it.TimestampType()),
            "TIMESTAMPTZ": (pa.timestamp("us", tz="UTC"), it.TimestamptzType()),
        }
        if base not in table:
            raise RuntimeError(f"no PyIceberg type for floe's {ftype}: extend peer_schema()")
        return table[base]

    arrow_types = {name: types_of(ftype)[0] for _, name, ftype, _ in cols}
    schema = Schema(*[it.NestedField(fid, name, types_of(ftype)[1], required=req)
                      for fid, name, ftype, req in cols])
    return arrow_types, schema


# ---------------------------------------------------------------------------------------------

def gen(floe, out, rows, days, seed):
    """Hourly clickstream CSV files, generated once per size and kept (input data)."""
    if not (out / ".done").exists():
        shutil.rmtree(out, ignore_errors=True)
        sh(floe, "bench", "gen", "clickstream", "--rows", rows, "--days", days, "--seed", seed,
           "--out", out)
        (out / ".done").write_text("")
    return sorted(out.rglob("*.csv"))


def floe_count_sum_nulls(floe, warehouse, name):
    count = int(sh(floe, "table", "scan", name, "--warehouse", warehouse, "--count").stdout)
    nulls = int(sh(floe, "table", "scan", name, "--warehouse", warehouse, "--count", "--filter",
                   "referrer IS NULL").stdout)
    ids = sh(floe, "table", "scan", name, "--warehouse", warehouse, "--columns", "click_id",
             "--format", "csv").stdout.split("\n")
    assert ids[0] == "click_id", ids[0]
    total = sum(int(x) for x in ids[1:] if x)
    return count, total, nulls


def peer_count_sum_nulls(table):
    import pyarrow.compute as pc
    t = table.scan(selected_fields=("click_id", "referrer")).to_arrow()
    return t.num_rows, pc.sum(t["click_id"]).as_py() or 0, t["referrer"].null_count


def parse_explain(stderr):
    m = re.search(r"manifests (\d+).*?data files (\d+):.*?(\d+) to read;.*?planned in ([\d.]+) ms",
                  stderr)
    if not m:
        raise RuntimeError(f"no planning report in floe's --explain output:\n{stderr}")
    return {"manifests": int(m.group(1)), "files": int(m.group(2)),
            "planned": int(m.group(3)), "ms": float(m.group(4))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--commits", type=int, default=20, help="small appends per round")
    ap.add_argument("--commit-rows", type=int, default=100)
    ap.add_argument("--files", default="1000,10000", help="data files of the planning tables")
    ap.add_argument("--floe", default=os.environ.get("FLOE_BIN", ROOT / "build/release/floe"))
    ap.add_argument("--work", default=ROOT / "bench/out/iceberg",
                    help="generated CSV is kept here; tables go to a temporary folder inside")
    ap.add_argument("--full", action="store_true",
                    help="full size: 10 M rows over 10 days; 1 000 to 100 000 files")
    ap.add_argument("--cases", default="append,commit,planning",
                    help="comma-separated: append, commit (needs append), planning")
    args = ap.parse_args()
    if args.full:
        args.rows, args.days, args.files = 10_000_000, 10, "1000,10000,100000"
    cases = set(args.cases.split(","))
    if "commit" in cases:
        cases.add("append")

    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyiceberg
    from pyiceberg.catalog import load_catalog
    from pyiceberg.expressions import EqualTo
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import DayTransform

    # floe's catalog has the JDBC catalog's columns (no iceberg_type): PyIceberg says so at
    # every load ("v0 schema") and works with it.
    logging.getLogger("pyiceberg.catalog.sql").setLevel(logging.ERROR)

    floe = str(pathlib.Path(args.floe).resolve())
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tables-", dir=work))
    cores = os.cpu_count() or 2
    print(f"floe {floe}; PyIceberg {pyiceberg.__version__}, pyarrow {pa.__version__}; "
          f"{cores} cores, load {os.getloadavg()[0]:.2f}; median of {args.repeat}", flush=True)

    def catalog(wh):
        return load_catalog("floe", type="sql", uri=f"sqlite:///{wh}/catalog.db",
                            warehouse=f"file://{wh}")

    out = {"rows": args.rows, "days": args.days, "repeat": args.repeat, "cores": cores,
           "pyiceberg": pyiceberg.__version__, "pyarrow": pa.__version__,
           "load_at_start": os.getloadavg()[0]}
    lines = []

    def say(line):
        lines.append(line)
        print(line, flush=True)

    try:
        # -- 1. append: CSV files -> new table partitioned by day(ts) --------------------------
        if "append" in cases:
            files = gen(floe, work / f"landing_{args.rows}_{args.days}", args.rows, args.days, 42)
            csv_bytes = sum(f.stat().st_size for f in files)
            name = f"{NS}.clicks"
            print(f"append: {args.rows:,} rows in {len(files)} CSV files, "
                  f"{csv_bytes / 1e6:.0f} MB", flush=True)
            floe_times, floe_rss, floe_wh = [], [], None
            for r in range(args.repeat):
                if floe_wh:
                    shutil.rmtree(floe_wh)
                floe_wh = tmp / f"floe-{r}"
                rss_file = tmp / "rss.txt"
                t0 = time.perf_counter()
                sh(floe, "table", "create", name, "--like", files[0], "--partition-by", "day(ts)",
                   "--warehouse", floe_wh)
                sh("/usr/bin/time", "-f", "%M", "-o", rss_file, floe, "table", "append", name,
                   *files, "--warehouse", floe_wh)
                floe_times.append(time.perf_counter() - t0)
                floe_rss.append(int(rss_file.read_text().split()[-1]) / 1024)

            cols = describe_columns(floe, floe_wh, name)
            arrow_types, iceberg_schema = peer_schema(cols)
            ts_id = next(fid for fid, n, _, _ in cols if n == "ts")
            spec = PartitionSpec(PartitionField(source_id=ts_id, field_id=1000,
                                                transform=DayTransform(), name="ts_day"))
            # floe reads an empty CSV field as NULL
            convert = pacsv.ConvertOptions(column_types=arrow_types, strings_can_be_null=True)
            props = {"write.parquet.compression-codec": "zstd"}

            def peer_append(wh):
                cat = catalog(wh)
                cat.create_namespace_if_not_exists(NS)
                at = pa.concat_tables([pacsv.read_csv(f, convert_options=convert) for f in files])
                table = cat.create_table(name, schema=iceberg_schema, partition_spec=spec,
                                         properties=props)
                table.append(at)
                return table

            peer_times, peer_wh = [], None
            for r in range(args.repeat):
                if peer_wh:
                    shutil.rmtree(peer_wh)
                peer_wh = tmp / f"pyiceberg-{r}"
                peer_wh.mkdir()
                t0 = time.perf_counter()
                peer_table = peer_append(peer_wh)
                peer_times.append(time.perf_counter() - t0)
            import resource
            peer_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            # the same rows in both tables, each read by its own engine; floe's also by PyIceberg
            f_count, f_sum, f_nulls = floe_count_sum_nulls(floe, floe_wh, name)
            p_count, p_sum, p_nulls = peer_count_sum_nulls(peer_table)
            check("row count", f_count, p_count)
            check("sum(click_id)", f_sum, p_sum)
            check("NULL referrers", f_nulls, p_nulls)
            check("count, sum(click_id), NULL referrers of floe's table read by PyIceberg",
                  peer_count_sum_nulls(catalog(floe_wh).load_table(name)), (p_count, p_sum, p_nulls))
            check("rows generated", args.rows, f_count)

            floe_data = dir_bytes(floe_wh / NS / "clicks" / "data")
            peer_data = dir_bytes(local_path(peer_table.location()) / "data")
            fs, ps = median(floe_times), median(peer_times)
            out["append"] = {
                "csv_files": len(files), "csv_bytes": csv_bytes, "rows": f_count,
                "sum_click_id": f_sum, "null_referrers": f_nulls,
                "floe": {"seconds": fs, "all": floe_times, "rows_per_s": f_count / fs,
                         "mb_per_s": csv_bytes / 1e6 / fs, "data_bytes": floe_data,
                         "data_files": len(list((floe_wh / NS / "clicks" / "data").rglob("*.parquet"))),
                         "peak_rss_mb": max(floe_rss)},
                "pyiceberg": {"seconds": ps, "all": peer_times, "rows_per_s": p_count / ps,
                              "mb_per_s": csv_bytes / 1e6 / ps, "data_bytes": peer_data,
                              "data_files": len(list((local_path(peer_table.location()) / "data")
                                                     .rglob("*.parquet"))),
                              "peak_rss_mb": peer_rss},
                "ratio": ps / fs,
            }
            a = out["append"]
            say(f"{'append (CSV -> day(ts) table)':<34} floe {fs:7.2f} s "
                f"({a['floe']['rows_per_s'] / 1e6:.2f} M rows/s, {a['floe']['mb_per_s']:.0f} MB/s, "
                f"{floe_data / 1e6:.1f} MB in {a['floe']['data_files']} files)  "
                f"PyIceberg {ps:7.2f} s ({a['pyiceberg']['rows_per_s'] / 1e6:.2f} M rows/s, "
                f"{a['pyiceberg']['mb_per_s']:.0f} MB/s, {peer_data / 1e6:.1f} MB in "
                f"{a['pyiceberg']['data_files']} files)  x{ps / fs:.2f}")
            say(f"{'':<34} same rows: {f_count:,}, sum(click_id) {f_sum}, {f_nulls:,} NULL "
                f"referrers; peak RSS floe {max(floe_rss):.0f} MB, PyIceberg process "
                f"{peer_rss:.0f} MB")

        # -- 2. commit latency: small appends to the table of case 1 ---------------------------
        if "commit" in cases:
            n, k = args.commit_rows, args.commits
            src_lines = []  # header, then the first n * k rows of the landed files
            for f in files:
                body = f.read_bytes().rstrip(b"\n").split(b"\n")
                src_lines += body if not src_lines else body[1:]
                if len(src_lines) > n * k:
                    break
            if len(src_lines) <= n * k:
                raise RuntimeError(f"the CSV files have fewer than {n * k} rows")
            small_dir = tmp / "small"
            small_dir.mkdir()
            small = []
            for i in range(k):
                p = small_dir / f"commit_{i:02d}.csv"
                p.write_bytes(b"\n".join([src_lines[0], *src_lines[1 + i * n:1 + (i + 1) * n]])
                              + b"\n")
                small.append(p)
            small_arrow = [pacsv.read_csv(p, convert_options=convert) for p in small]
            if any(t.num_rows != n for t in small_arrow):
                raise RuntimeError("a small CSV file does not hold exactly one row a line")
            start_s = median([timed_sh(floe, "--version")[0] for _ in range(10)])

            floe_rounds, peer_rounds = [], []
            for _ in range(args.repeat):
                floe_rounds.append(median([timed_sh(floe, "table", "append", name, p,
                                                    "--warehouse", floe_wh)[0] for p in small]))
                per = []
                for t in small_arrow:
                    t0 = time.perf_counter()
                    peer_table.append(t)
                    per.append(time.perf_counter() - t0)
                peer_rounds.append(median(per))
            f_count = int(sh(floe, "table", "scan", name, "--warehouse", floe_wh,
                             "--count").stdout)
            check("row count after the small appends", f_count, peer_table.scan().count())
            check("row count after the small appends vs expected",
                  f_count, args.rows + args.repeat * k * n)
            fs, ps = median(floe_rounds), median(peer_rounds)
            out["commit"] = {"commits_per_round": k, "rows_per_commit": n,
                             "floe_ms": fs * 1e3, "floe_rounds_ms": [x * 1e3 for x in floe_rounds],
                             "floe_process_start_ms": start_s * 1e3,
                             "pyiceberg_ms": ps * 1e3,
                             "pyiceberg_rounds_ms": [x * 1e3 for x in peer_rounds],
                             "ratio": ps / fs}
            say(f"{f'commit ({n}-row append, x{k})':<34} floe {fs * 1e3:7.1f} ms per commit "
                f"(one process each, includes process start: `floe --version` takes "
                f"{start_s * 1e3:.1f} ms)  PyIceberg {ps * 1e3:7.1f} ms (in-process)  "
                f"x{ps / fs:.2f}")

        # -- 3. planning over many data files --------------------------------------------------
        if "planning" in cases:
            plan_wh = tmp / "planning"
            out["planning"] = []
            for nfiles in [int(x) for x in args.files.split(",") if x]:
                rows = 20 * nfiles  # 20 rows a bucket on average: no bucket is empty
                pfiles = gen(floe, work / f"landing_{rows}_1", rows, 1, 7)
                pname = f"{NS}.files_{nfiles}"
                sh(floe, "table", "create", pname, "--like", pfiles[0], "--partition-by",
                   f"bucket({nfiles}, click_id)", "--warehouse", plan_wh)
                build_s, _ = timed_sh(floe, "table", "append", pname, *pfiles, "--warehouse",
                                      plan_wh)
                peer = catalog(plan_wh).load_table(pname)
                value = rows // 2 + 1
                say(f"planning table: {nfiles:,} files ({rows:,} rows, bucket({nfiles}, "
                    f"click_id)), built by one floe append in {build_s:.1f} s")
                for label, flt in (("filtered", f"click_id = {value}"), ("full", None)):
                    cmd = [floe, "table", "scan", pname, "--warehouse", plan_wh, "--explain",
                           "--limit", "0", "--format", "csv"]  # plan, read nothing
                    if flt:
                        cmd += ["--filter", flt]
                    walls, reports = [], []
                    for _ in range(args.repeat):
                        wall, proc = timed_sh(*cmd)
                        walls.append(wall)
                        reports.append(parse_explain(proc.stderr))
                    peer_s, peer_n = [], None
                    for _ in range(args.repeat):
                        t0 = time.perf_counter()
                        scan = peer.scan(row_filter=EqualTo("click_id", value)) if flt \
                            else peer.scan()
                        peer_n = len(list(scan.plan_files()))
                        peer_s.append(time.perf_counter() - t0)
                    floe_n = reports[0]["planned"]
                    if not flt:
                        check(f"files planned for a full scan of {nfiles} files", floe_n, peer_n)
                        check("files in the table", nfiles, floe_n)
                    elif floe_n < 1 or peer_n < 1:
                        raise Mismatch(f"filtered scan planned floe {floe_n}, "
                                       f"PyIceberg {peer_n} files")
                    fms = median([r["ms"] for r in reports])
                    pms = median(peer_s) * 1e3
                    row = {"files": nfiles, "scan": label, "filter": flt,
                           "manifests": reports[0]["manifests"],
                           "floe_planned_files": floe_n, "pyiceberg_planned_files": peer_n,
                           "floe_ms": fms, "floe_process_ms": median(walls) * 1e3,
                           "pyiceberg_ms": pms, "ratio": pms / fms if fms else None,
                           "build_s": build_s}
                    out["planning"].append(row)
                    say(f"{f'plan {label} scan, {nfiles:,} files':<34} floe {fms:7.1f} ms "
                        f"(process {row['floe_process_ms']:.0f} ms; {floe_n} planned)  "
                        f"PyIceberg {pms:7.1f} ms ({peer_n} planned)  x{pms / fms:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out["load_at_end"] = os.getloadavg()[0]
    (ROOT / "bench/out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench/out/iceberg_bench.json").write_text(json.dumps(out, indent=2))
    print(f"load at end {out['load_at_end']:.2f}")
    print("written: bench/out/iceberg_bench.json")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Mismatch as e:
        sys.exit(f"iceberg_bench: the tables differ: {e}")
