"""Delivery stream throughput and latency of `floe serve`: records/s through Firehose's
PutRecordBatch (boto3) into a stage-location stream and into a table stream, and the
end-to-end latency from a record sent to it being counted by `floe sql`, with a 1 s buffer
interval. Prints floe's numbers (there is no peer service to compare with here).

Usage: FLOE_BIN=build/release/floe python3 bench/delivery_bench.py [--records N]"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "interop"))
from conftest import floe_binary, run_floe  # noqa: E402
from delivery_helpers import FloeServer, firehose_client  # noqa: E402


def sql_count(wh, table):
    out = subprocess.run([floe_binary(), "sql", "--warehouse", str(wh), "--format", "csv", "-c",
                          f"SELECT count(*) FROM {table}"], capture_output=True, text=True,
                         check=True).stdout
    return int(out.strip().splitlines()[1])


def throughput(server, fh, stream, n, batch=500):
    records = [{"Data": json.dumps({"id": i, "item": f"item-{i % 1000}", "qty": i % 7}).encode()
                + b"\n"} for i in range(batch)]
    t0 = time.perf_counter()
    sent = 0
    while sent < n:
        r = fh.put_record_batch(DeliveryStreamName=stream, Records=records)
        assert r["FailedPutCount"] == 0
        sent += batch
    accepted = time.perf_counter() - t0
    server.flush(stream)
    delivered = time.perf_counter() - t0
    return sent, accepted, delivered, sum(len(r["Data"]) for r in records) * (sent // batch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--latency-samples", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        wh = tmp / "wh"
        subprocess.run([floe_binary(), "sql", "--warehouse", str(wh), "-c",
                        "CREATE SCHEMA db; CREATE TABLE db.orders (id BIGINT, item VARCHAR, "
                        "qty INTEGER); CREATE TABLE db.latency (id BIGINT, item VARCHAR, qty INTEGER)"],
                       check=True, capture_output=True)
        run_floe("delivery-stream", "create", "db.stage", "--to-location", tmp / "landing",
                 "--buffer-mb", "64", "--warehouse", wh)
        run_floe("delivery-stream", "create", "db.orders_stream", "--to-table", "db.orders",
                 "--buffer-mb", "64", "--warehouse", wh)
        run_floe("delivery-stream", "create", "db.latency_stream", "--to-table", "db.latency",
                 "--buffer-seconds", "1", "--warehouse", wh)
        server = FloeServer(wh).start()
        try:
            fh = firehose_client(server)
            for stream in ("db.stage", "db.orders_stream"):
                sent, accepted, delivered, nbytes = throughput(server, fh, stream, args.records)
                print(f"{stream:18s} {sent} records ({nbytes / 1e6:.1f} MB) via PutRecordBatch: "
                      f"{sent / accepted:,.0f} records/s acknowledged (WAL fsynced), "
                      f"{sent / delivered:,.0f} records/s delivered incl. the final flush")
            assert sql_count(wh, "db.orders") == sent
            latencies = []
            for i in range(args.latency_samples):
                before = sql_count(wh, "db.latency")
                t0 = time.perf_counter()
                fh.put_record(DeliveryStreamName="db.latency_stream",
                              Record={"Data": json.dumps({"id": i, "item": "x", "qty": 1}).encode()})
                while sql_count(wh, "db.latency") == before:
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - t0)
            latencies.sort()
            print(f"end-to-end latency (buffer interval 1 s, record sent -> counted by floe sql): "
                  f"median {latencies[len(latencies) // 2]:.2f} s, max {latencies[-1]:.2f} s "
                  f"over {len(latencies)} samples")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
