"""AUTO_INGEST pipes inside `floe serve`: a file landing in a local stage folder (a new
subfolder too) is loaded within seconds through filesystem notifications, long before the
next listing; a paused pipe loads nothing until resumed; a server killed with -9 and
restarted loads nothing twice (the pipe's history commits with the data)."""
import csv
import io
import json
import time

from delivery_helpers import FloeServer
from test_sql_cli import floe_sql


def count(wh):
    out = floe_sql("--format", "csv", "-c", "SELECT count(*) FROM s.p", warehouse=wh).stdout
    return int(list(csv.reader(io.StringIO(out)))[1][0])


def wait_for(fn, want, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if fn() == want:
            return True
        time.sleep(0.2)
    return fn() == want


def test_notifications_pause_and_restart(tmp_path):
    wh, stage = tmp_path / "wh", tmp_path / "landing"
    stage.mkdir()
    floe_sql("-c", f"CREATE SCHEMA s; CREATE TABLE s.p (id INTEGER, v VARCHAR); "
             f"CREATE STAGE s.st URL = 'file://{stage}' FILE_FORMAT = (TYPE = CSV); "
             "CREATE PIPE s.pp AUTO_INGEST = TRUE AS COPY INTO s.p FROM @s.st", warehouse=wh)
    server = FloeServer(wh, "--pipe-poll-ms", "600000").start()  # no listing during the test
    try:
        time.sleep(0.5)
        (stage / "2024" / "06").mkdir(parents=True)
        (stage / "2024" / "06" / "a.csv").write_text("1,a\n2,b\n")
        assert wait_for(lambda: count(wh), 2, 8), "a file in a new subfolder was not loaded by notification"
        floe_sql("-c", "ALTER PIPE s.pp SET PIPE_EXECUTION_PAUSED = TRUE", warehouse=wh)
        (stage / "b.csv").write_text("3,c\n")
        time.sleep(3)
        assert count(wh) == 2
        status = floe_sql("--format", "csv", "-c", "SELECT SYSTEM$PIPE_STATUS('s.pp')", warehouse=wh).stdout
        st = json.loads(list(csv.reader(io.StringIO(status)))[1][0])
        assert st["executionState"] == "PAUSED" and st["pendingFileCount"] == 1
        floe_sql("-c", "ALTER PIPE s.pp SET PIPE_EXECUTION_PAUSED = FALSE", warehouse=wh)
        (stage / "c.csv").write_text("4,d\n")  # the next notification refreshes: b and c load
        assert wait_for(lambda: count(wh), 4, 8)
        server.kill()
        server = FloeServer(wh, "--pipe-poll-ms", "300").start()  # lists at once after the restart
        time.sleep(2)
        assert count(wh) == 4  # nothing loads twice
        hist = floe_sql("--format", "csv", "-c", "SELECT count(*), count(DISTINCT file_name) FROM "
                        "information_schema.copy_history WHERE pipe_name = 's.pp'", warehouse=wh).stdout
        assert list(csv.reader(io.StringIO(hist)))[1] == ["3", "3"]
    finally:
        server.kill()
