"""`floe agent` (the Kinesis Agent's role) against `floe serve`: a file being appended to and
rotated (rename) while the agent is killed with -9 and restarted delivers every line at
least once; into a table stream each line is there once, except for duplicates the design
allows: a kill between the server's acknowledgement of a buffer and the checkpoint write
resends that one buffer, so duplicates are at most kills x maxBufferSizeRecords (the test
counts them and asserts the bound)."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from conftest import floe_binary, run_floe
from delivery_helpers import FloeServer
from test_sql_cli import floe_sql


@pytest.fixture
def server(tmp_path):
    wh = tmp_path / "wh"
    floe_sql("-c", "CREATE SCHEMA db; CREATE TABLE db.lines (id VARCHAR, msg VARCHAR)",
             warehouse=wh)
    run_floe("delivery-stream", "create", "db.lines_stream", "--to-table", "db.lines",
             "--buffer-seconds", "1", "--warehouse", wh)
    run_floe("delivery-stream", "create", "raw.access", "--to-location", tmp_path / "landing",
             "--buffer-seconds", "1", "--warehouse", wh)
    s = FloeServer(wh).start()
    yield s
    s.kill()


def write_config(path, server, flow):
    path.write_text(json.dumps({"checkpointFile": str(path.parent / "ckpt" / "checkpoints"),
                                "firehose.endpoint": server.url, "flows": [flow]}))
    return path


def agent(config, *extra):
    return subprocess.Popen([floe_binary(), "agent", "--config", str(config), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_rotation_and_kills_deliver_every_line(tmp_path, server):
    logs = tmp_path / "logs"
    logs.mkdir()
    max_records = 50
    config = write_config(tmp_path / "agent.json", server, {
        "filePattern": str(logs / "app.log*"), "deliveryStream": "db.lines_stream",
        "initialPosition": "START_OF_FILE", "maxBufferAgeMillis": 1000,
        "maxBufferSizeRecords": max_records,
        "dataProcessingOptions": [{"optionName": "CSVTOJSON", "customFieldNames": ["id", "msg"]}]})
    total = 3000
    (logs / "app.log").write_text("")

    def writer():
        rotation = 0
        f = open(logs / "app.log", "a")
        for i in range(total):
            f.write(f'{i},"message {i}, quoted"\n')
            f.flush()
            if i % 700 == 699:  # logrotate's rename: app.log -> app.log.N, a new app.log
                f.close()
                rotation += 1
                os.rename(logs / "app.log", logs / f"app.log.{rotation}")
                f = open(logs / "app.log", "a")
            if i % 50 == 0:
                time.sleep(0.02)
        f.close()

    w = threading.Thread(target=writer)
    w.start()
    kills = 0
    for pause in (0.7, 1.3):
        a = agent(config)
        time.sleep(pause)
        a.send_signal(signal.SIGKILL)
        a.wait()
        kills += 1
    w.join()
    a = agent(config, "--once")
    out, err = a.communicate(timeout=120)
    assert a.returncode == 0, err
    server.flush("db.lines_stream")
    rows = floe_sql("--format", "csv", "-c",
                    "SELECT count(*), count(DISTINCT id), min(id::BIGINT), max(id::BIGINT), "
                    "count_if(msg <> 'message ' || id || ', quoted') FROM db.lines",
                    warehouse=server.warehouse).stdout.strip().splitlines()[1]
    count, distinct, lo, hi, wrong = map(int, rows.split(","))
    assert (distinct, lo, hi, wrong) == (total, 0, total - 1, 0)  # every line, intact
    duplicates = count - distinct
    print(f"agent: {total} lines, {kills} kills, {duplicates} duplicates")
    assert duplicates <= kills * max_records


def test_once_with_logtojson_and_checkpoint(tmp_path, server):
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "access.log"
    lines = [f'10.0.0.{i} - - [10/Oct/2000:13:55:{i:02d} -0700] "GET /p{i} HTTP/1.1" 200 {i}'
             for i in range(5)]
    log.write_text("\n".join(lines[:3]) + "\n")
    config = write_config(tmp_path / "agent.json", server, {
        "filePattern": str(logs / "*.log"), "deliveryStream": "raw.access",
        "initialPosition": "START_OF_FILE", "maxBufferAgeMillis": 1000,
        "dataProcessingOptions": [{"optionName": "LOGTOJSON", "logFormat": "COMMONAPACHELOG"}]})
    a = agent(config, "--once")
    out, err = a.communicate(timeout=60)
    assert a.returncode == 0, err
    assert "3 records sent" in out
    with open(log, "a") as f:
        f.write("\n".join(lines[3:]) + "\n")
    a = agent(config, "--once")  # resumes from its checkpoint: only the new lines
    out, err = a.communicate(timeout=60)
    assert a.returncode == 0, err
    assert "2 records sent" in out
    server.flush("raw.access")
    landing = server.warehouse.parent / "landing"
    data = b"".join(p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file())
    got = sorted(json.loads(l)["request"] for l in data.decode().splitlines())
    assert got == sorted(f"GET /p{i} HTTP/1.1" for i in range(5))
    assert all(json.loads(l)["ident"] is None for l in data.decode().splitlines())
