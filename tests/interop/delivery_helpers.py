"""Shared helpers for the delivery stream and agent interop tests: a `floe serve` process
on a free port, a boto3 Firehose client pointed at it, and polling."""
import json
import os
import signal
import subprocess
import time
import urllib.request

from conftest import floe_binary


class FloeServer:
    """`floe serve` on a warehouse, listening on a free port (127.0.0.1:0)."""

    def __init__(self, warehouse, *extra, env=None):
        self.warehouse = warehouse
        self.extra = extra
        self.env = env
        self.proc = None
        self.port = None

    def start(self):
        self.proc = subprocess.Popen(
            [floe_binary(), "serve", "--warehouse", str(self.warehouse), "--listen",
             "127.0.0.1:0", *map(str, self.extra)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(self.env or {})})
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise AssertionError(f"floe serve did not start: {line}{self.proc.stderr.read()}")
        self.port = int(line.split("http://127.0.0.1:")[1].split()[0])
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        """SIGTERM: flush every buffer, then exit."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=120)
        return self.proc.returncode

    def kill(self):
        """kill -9: no flush, no clean-up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def flush(self, stream):
        status, _, body = self.request("POST", f"/v1/delivery-streams/{stream}/flush")
        assert status == 200, body
        return json.loads(body)

    def streams(self):
        status, _, body = self.request("GET", "/v1/delivery-streams")
        assert status == 200, body
        return {s["name"]: s for s in json.loads(body)["delivery_streams"]}


def firehose_client(server):
    import boto3
    from botocore.config import Config
    return boto3.client("firehose", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 10, "mode": "standard"}))


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
