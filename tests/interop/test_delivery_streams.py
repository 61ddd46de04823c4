"""Delivery streams in `floe serve` (Firehose's role): boto3's firehose client and the plain
endpoint put records; stage-location streams write Firehose-named objects with exactly the
bytes sent, table streams append rows that DuckDB, PyIceberg and `floe sql` read, failed
conversions land in the error prefix with their reasons, and records acknowledged before a
kill -9 are delivered exactly once after the restart (also when the crash falls between the
delivery and the WAL clean-up)."""
import base64
import json
import os
import re
import subprocess

import pytest

import iceberg_peers as P
from conftest import floe_binary, run_floe
from delivery_helpers import FloeServer, firehose_client, wait_for
from test_sql_cli import floe_sql

KEY = re.compile(r"^(\d{4})/(\d{2})/(\d{2})/(\d{2})/(\w+)-(\d+)-(\d{4})-(\d{2})-(\d{2})-(\d{2})-"
                 r"(\d{2})-(\d{2})-([a-z0-9]{11})$")


def objects(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def create_stream(wh, *args):
    run_floe("delivery-stream", "create", *args, "--warehouse", wh)


@pytest.fixture
def wh(tmp_path):
    return tmp_path / "wh"


@pytest.fixture
def servers():
    started = []

    def start(warehouse, *extra, env=None):
        s = FloeServer(warehouse, *extra, env=env).start()
        started.append(s)
        return s
    yield start
    for s in started:
        s.kill()


def test_stage_stream_objects_hold_exactly_the_bytes(wh, tmp_path, servers):
    landing = tmp_path / "landing"
    create_stream(wh, "raw.clicks", "--to-location", landing, "--buffer-seconds", "1")
    server = servers(wh)
    fh = firehose_client(server)
    sent = []
    for i in range(3):
        data = f'{{"i":{i},"kind":"single"}}\n'.encode()
        r = fh.put_record(DeliveryStreamName="raw.clicks", Record={"Data": data})
        assert r["RecordId"] and r["Encrypted"] is False
        sent.append(data)
    batch = [f"batch-{i}|".encode() + bytes(range(256)) for i in range(20)]  # binary too
    r = fh.put_record_batch(DeliveryStreamName="raw.clicks", Records=[{"Data": d} for d in batch])
    assert r["FailedPutCount"] == 0
    assert len(r["RequestResponses"]) == 20 and all("RecordId" in x for x in r["RequestResponses"])
    sent += batch
    server.flush("raw.clicks")
    files = objects(landing)
    assert files
    content = b""
    for f in files:
        rel = f.relative_to(landing).as_posix()
        m = KEY.match(rel)
        assert m, rel
        y, mo, d, h, stream, version = m.groups()[:6]
        assert stream == "clicks" and version == "1"
        assert (y, mo, d, h) == m.groups()[6:10]  # the prefix is the oldest record's hour
        content += f.read_bytes()
    # Concatenated with no delimiter, in the order they were accepted.
    assert content == b"".join(sent)

    assert "raw.clicks" in fh.list_delivery_streams()["DeliveryStreamNames"]
    desc = fh.describe_delivery_stream(DeliveryStreamName="raw.clicks")["DeliveryStreamDescription"]
    assert desc["DeliveryStreamStatus"] == "ACTIVE"
    with pytest.raises(fh.exceptions.ResourceNotFoundException):
        fh.put_record(DeliveryStreamName="raw.nope", Record={"Data": b"x"})
    status = server.streams()["raw.clicks"]
    assert status["delivered_records"] == 23 and status["buffered_records"] == 0
    assert status["last_delivery"]


def test_plain_endpoint_and_record_limits(wh, tmp_path, servers):
    landing = tmp_path / "landing"
    create_stream(wh, "lines", "--to-location", f"file://{landing}", "--prefix", "in/",
                  "--buffer-seconds", "60")
    server = servers(wh, "--api-token", "tok")
    body = b"a,1\nb,2\n\nc,3"
    status, _, answer = server.request("POST", "/v1/delivery-streams/lines/records", body)
    assert status == 401
    auth = {"Authorization": "Bearer tok"}
    status, _, answer = server.request("POST", "/v1/delivery-streams/lines/records", body, auth)
    assert status == 200 and json.loads(answer) == {"accepted": 3}
    status, _, _ = server.request("POST", "/v1/delivery-streams/nope/records", body, auth)
    assert status == 404
    fh = firehose_client(server)
    big = b"x" * (1000 * 1024 + 1)
    r = fh.put_record_batch(DeliveryStreamName="default.lines",
                            Records=[{"Data": b"ok\n"}, {"Data": big}])
    assert r["FailedPutCount"] == 1
    assert "RecordId" in r["RequestResponses"][0]
    assert r["RequestResponses"][1]["ErrorCode"] == "InvalidArgumentException"
    with pytest.raises(fh.exceptions.InvalidArgumentException):
        fh.put_record_batch(DeliveryStreamName="lines", Records=[{"Data": b"x"}] * 501)
    server.request("POST", "/v1/delivery-streams/lines/flush", b"", auth)
    files = objects(landing)
    assert files and all(f.relative_to(landing).as_posix().startswith("in/") for f in files)
    # Each line a record with its newline (a last line without one gets it).
    assert b"".join(f.read_bytes() for f in files) == b"a,1\nb,2\nc,3\nok\n"


def setup_orders(wh):
    floe_sql("-c", "CREATE SCHEMA IF NOT EXISTS db; "
             "CREATE TABLE db.orders (id BIGINT, item VARCHAR, qty INTEGER)", warehouse=wh)


def table_rows(wh, sql):
    out = floe_sql("--format", "csv", "-c", sql, warehouse=wh).stdout.strip().splitlines()
    return out[1:]


def test_table_stream_rows_and_error_prefix(wh, servers):
    setup_orders(wh)
    create_stream(wh, "db.orders_stream", "--to-table", "db.orders", "--buffer-seconds", "1")
    server = servers(wh)
    fh = firehose_client(server)
    good = [{"id": i, "Item": f"item-{i}", "QTY": i % 7} for i in range(200)]
    bad = [b"{not json", json.dumps({"id": "seven", "item": "x", "qty": 1}).encode()]
    records = [{"Data": json.dumps(g).encode() + b"\n"} for g in good[:100]]
    records.insert(10, {"Data": bad[0]})
    records.insert(50, {"Data": bad[1]})
    assert fh.put_record_batch(DeliveryStreamName="db.orders_stream",
                               Records=records)["FailedPutCount"] == 0
    assert fh.put_record_batch(DeliveryStreamName="db.orders_stream",
                               Records=[{"Data": json.dumps(g).encode()} for g in good[100:]]
                               )["FailedPutCount"] == 0
    server.flush("db.orders_stream")

    assert table_rows(wh, "SELECT count(*), count(DISTINCT id), sum(qty) FROM db.orders") == \
        [f"200,200,{sum(g['QTY'] for g in good)}"]
    con = P.duckdb_connection()
    loc = P.Warehouse(wh).metadata_location("db.orders")
    assert con.execute(f"SELECT count(*), min(item) FROM iceberg_scan('{loc}')").fetchone() == \
        (200, "item-0")
    assert len(P.Warehouse(wh).pyiceberg_table("db.orders").scan().to_arrow()) == 200

    errors = objects(wh / "db" / "orders" / "delivery_errors")
    assert errors
    rel = errors[0].relative_to(wh / "db" / "orders" / "delivery_errors").as_posix()
    assert re.match(r"^format-conversion-failed/\d{4}/\d{2}/\d{2}/\d{2}/orders_stream-1-", rel), rel
    lines = [json.loads(l) for f in errors for l in f.read_text().splitlines()]
    raw = sorted(base64.b64decode(l["rawData"]) for l in lines)
    assert raw == sorted(bad)
    for l in lines:
        assert l["attemptsMade"] == 1 and l["arrivalTimestamp"] > 0
        assert l["errorCode"].startswith("DataFormatConversion.")
        assert l["errorMessage"]
    reasons = {base64.b64decode(l["rawData"]): l["errorMessage"] for l in lines}
    assert "invalid JSON" in reasons[bad[0]]
    assert "id" in reasons[bad[1]]


@pytest.mark.parametrize("kind", ["table", "stage"])
def test_kill9_after_ack_delivers_exactly_once(wh, tmp_path, servers, kind):
    setup_orders(wh)
    landing = tmp_path / "landing"
    if kind == "table":
        stream, fault = "db.orders_stream", "delivery.after_table_commit"
        create_stream(wh, stream, "--to-table", "db.orders", "--buffer-seconds", "300")
    else:
        stream, fault = "db.raw", "delivery.after_object_write"
        create_stream(wh, stream, "--to-location", landing, "--buffer-seconds", "300")
    server = servers(wh)
    fh = firehose_client(server)
    n = 1500
    for start in range(0, n, 500):
        recs = [{"Data": json.dumps({"id": i, "item": "k", "qty": 1}).encode()}
                for i in range(start, start + 500)]
        assert fh.put_record_batch(DeliveryStreamName=stream, Records=recs)["FailedPutCount"] == 0
    server.kill()  # acknowledged, not flushed
    assert table_rows(wh, "SELECT count(*) FROM db.orders") == ["0"]
    assert not objects(landing)

    # The restarted server delivers from its WAL, then dies right after the table commit (or
    # the object write), before removing the WAL segment.
    crashing = subprocess.run([floe_binary(), "serve", "--warehouse", str(wh), "--listen",
                               "127.0.0.1:0"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "FLOE_FAULT": fault})
    assert crashing.returncode == 86, crashing.stderr
    server = servers(wh)
    server.flush(stream)
    if kind == "table":
        assert table_rows(wh, "SELECT count(*), count(DISTINCT id) FROM db.orders") == \
            [f"{n},{n}"]
    else:
        files = objects(landing)
        assert len(files) == 1  # the re-delivery wrote the same object again
        content = files[0].read_bytes()
        ids = [json.loads(x)["id"] for x in content.replace(b"}{", b"}\n{").splitlines()]
        assert ids == list(range(n))
    assert server.stop() == 0


def test_sigterm_flushes_and_backpressure(wh, servers):
    setup_orders(wh)
    create_stream(wh, "db.orders_stream", "--to-table", "db.orders", "--buffer-seconds", "900",
                  "--buffer-mb", "1")
    server = servers(wh)
    line = (json.dumps({"id": 1, "item": "y" * 1000, "qty": 1}) + "\n").encode()
    status, _, _ = server.request("POST", "/v1/delivery-streams/db.orders_stream/records", line * 10)
    assert status == 200
    assert server.stop() == 0  # SIGTERM flushes
    assert table_rows(wh, "SELECT count(*) FROM db.orders") == ["10"]

    # With the table gone, deliveries fail and records pile up until the stream refuses
    # more (4 x its 1 MiB size hint) with 503 and Retry-After.
    floe_sql("-c", "DROP TABLE db.orders", warehouse=wh)
    server = servers(wh)
    chunk = line * 500  # ~0.5 MiB
    codes = []
    for _ in range(14):
        status, headers, _ = server.request("POST", "/v1/delivery-streams/db.orders_stream/records",
                                            chunk)
        codes.append(status)
        if status == 503:
            assert headers.get("Retry-After") == "1"
            break
    assert codes[-1] == 503 and codes.count(200) >= 7, codes
    from botocore.config import Config
    import boto3
    no_retry = boto3.client("firehose", endpoint_url=server.url, region_name="us-east-1",
                            aws_access_key_id="x", aws_secret_access_key="x",
                            config=Config(retries={"max_attempts": 1}))
    with pytest.raises(no_retry.exceptions.ServiceUnavailableException):
        no_retry.put_record(DeliveryStreamName="db.orders_stream", Record={"Data": chunk})
    assert server.streams()["db.orders_stream"]["last_error"]
