"""floe's S3 storage against a real S3-compatible server on loopback: versitygw (installed by
scripts/install-test-peers.sh), which checks every request's SigV4 signature. Objects are
written and read through the `floe` binary and checked with boto3 and pyarrow; the fault
cases (wrong credentials, missing bucket or key, a server that dies or stalls mid-write)
must fail with a clear error naming the location and leave no object behind."""
import io
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

import boto3
import botocore
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical
from conftest import ROOT, floe_binary

SAMPLE = ROOT / "examples" / "clicks.csv"
ACCESS_KEY = "floetestaccess"
SECRET_KEY = "floe-test-secret-0123456789"
BUCKET = "floe-test"
PART = 5 << 20  # the smallest part S3 allows; FLOE_S3_PART_SIZE below


def versitygw_binary():
    peers = os.environ.get("FLOE_PEERS_DIR", str(pathlib.Path.home() / ".cache/floe/test-peers"))
    for candidate in (os.environ.get("FLOE_VERSITYGW"), f"{peers}/bin/versitygw",
                      shutil.which("versitygw")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("versitygw not found: run scripts/install-test-peers.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Server:
    """A versitygw process serving a folder on 127.0.0.1; can be stopped, paused, restarted."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        log = open(self.root / "server.log", "ab")
        self.proc = subprocess.Popen(
            [versitygw_binary(), "--port", f"127.0.0.1:{self.port}", "--access", ACCESS_KEY,
             "--secret", SECRET_KEY, "--region", "us-east-1", "--quiet", "posix",
             str(self.data)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"versitygw exited: {(self.root / 'server.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("versitygw did not start listening in 30 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=30)

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                          read_timeout=30))

    def env(self, **extra):
        """The environment a floe process talks to this server with (and nothing else)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLOE_S3_"))}
        env.update({
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": self.endpoint,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })
        env.update({k: str(v) for k, v in extra.items()})
        return env


def floe(*args, env, check=True, timeout=300):
    proc = subprocess.run([floe_binary(), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stderr}")
    return proc


def object_exists(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key)
        return True
    except botocore.exceptions.ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    saved = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"  # boto3 too
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def big_rows(n, seed_offset=0):
    """CSV lines (no header) of random, incompressible values: id, hex text, double, hex text."""
    out = []
    for i in range(seed_offset, seed_offset + n):
        out.append(f"{i},{secrets.token_hex(24)},{i * 0.25},{secrets.token_hex(24)}\n")
    return "".join(out)


BIG_HEADER = "id,a,b,c\n"


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory):
    """About 17 MB of CSV: more than three 5 MiB parts whether as CSV or uncompressed Parquet."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with open(path, "w") as f:
        f.write(BIG_HEADER)
        f.write(big_rows(160_000))
    return path


@pytest.fixture(scope="session")
def big_parquet(s3, big_csv):
    """big_csv as uncompressed Parquet in four row groups, written to S3 with multipart."""
    target = f"s3://{BUCKET}/big/big.parquet"
    proc = floe("file", "convert", big_csv, target, "--compression", "none",
                "--row-group-size", 40_000,
                env=s3.env(FLOE_S3_PART_SIZE=PART, FLOE_S3_TRACE=1))
    return target, proc


def test_csv_to_s3_parquet_and_back(s3, tmp_path):
    target = f"s3://{BUCKET}/clicks/x.parquet"
    floe("file", "convert", SAMPLE, target, env=s3.env())
    # Read back with boto3 + pyarrow: the same values pyarrow reads from the CSV.
    body = s3.client().get_object(Bucket=BUCKET, Key="clicks/x.parquet")["Body"].read()
    got = pq.read_table(pa.BufferReader(body))
    want = pacsv.read_csv(SAMPLE, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    assert got.column_names == want.column_names
    for name in want.column_names:
        g, w = got.column(name), want.column(name)
        if g.type != w.type:
            g = g.cast(w.type)
        assert arrow_canonical(g) == arrow_canonical(w), name
    # Read back with floe: the same as from a local copy of the same bytes.
    local = tmp_path / "x.parquet"
    local.write_bytes(body)
    for args in (["cat", "--format", "json", "-n", "-1"], ["schema"], ["stats"]):
        remote_out = floe("file", args[0], target, *args[1:], env=s3.env()).stdout
        local_out = floe("file", args[0], local, *args[1:], env=s3.env()).stdout
        assert remote_out.replace(target, str(local)) == local_out, args
    # s3a:// names the same object.
    assert floe("file", "schema", target.replace("s3://", "s3a://"), env=s3.env()).stdout == \
        floe("file", "schema", local, env=s3.env()).stdout


def test_s3_csv_to_local_parquet(s3, tmp_path):
    s3.client().put_object(Bucket=BUCKET, Key="in/clicks.csv", Body=SAMPLE.read_bytes())
    out = tmp_path / "out.parquet"
    floe("file", "convert", f"s3://{BUCKET}/in/clicks.csv", out, env=s3.env())
    local = tmp_path / "local.parquet"
    floe("file", "convert", SAMPLE, local, env=s3.env())
    assert pq.read_table(out).equals(pq.read_table(local))
    # CSV straight from S3 with floe file cat, also gzip-compressed.
    cat = floe("file", "cat", f"s3://{BUCKET}/in/clicks.csv", "--format", "csv", "-n", "-1",
               env=s3.env()).stdout
    assert cat == floe("file", "cat", SAMPLE, "--format", "csv", "-n", "-1", env=s3.env()).stdout
    floe("file", "convert", SAMPLE, f"s3://{BUCKET}/in/clicks.csv.gz", env=s3.env())
    gz = s3.client().get_object(Bucket=BUCKET, Key="in/clicks.csv.gz")["Body"].read()
    assert gz[:2] == b"\x1f\x8b"
    assert floe("file", "cat", f"s3://{BUCKET}/in/clicks.csv.gz", "--format", "csv", "-n", "-1",
                env=s3.env()).stdout == cat


def test_multipart_round_trip(s3, big_csv, big_parquet, tmp_path):
    target, proc = big_parquet
    key = target.split("/", 3)[3]
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    size = head["ContentLength"]
    assert size > 3 * PART
    # It went up in parts: the trace shows them, and a multipart ETag ends in "-<parts>".
    assert "UploadPart 3" in proc.stderr and "CompleteMultipartUpload" in proc.stderr, proc.stderr
    assert head["ETag"].strip('"').endswith(f"-{-(-size // PART)}"), head["ETag"]
    body = s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    got = pq.read_table(pa.BufferReader(body))
    want = pacsv.read_csv(big_csv)
    assert got.num_rows == want.num_rows == 160_000
    for name in want.column_names:
        assert arrow_canonical(got.column(name)) == arrow_canonical(want.column(name)), name
    # And a big CSV object, written by the text writer in parts, reads back byte for byte.
    csv_target = f"s3://{BUCKET}/big/copy.csv"
    proc = floe("file", "convert", big_csv, csv_target,
                env=s3.env(FLOE_S3_PART_SIZE=PART, FLOE_S3_TRACE=1))
    assert "UploadPart 3" in proc.stderr, proc.stderr
    copy = s3.client().get_object(Bucket=BUCKET, Key="big/copy.csv")["Body"].read()
    assert pacsv.read_csv(pa.BufferReader(copy)).equals(want)
    assert floe("file", "cat", csv_target, "-n", 3, "--format", "csv", env=s3.env()).stdout == \
        floe("file", "cat", big_csv, "-n", 3, "--format", "csv", env=s3.env()).stdout


def test_projected_read_fetches_ranges(s3, big_csv, big_parquet):
    target, _ = big_parquet
    size = s3.client().head_object(Bucket=BUCKET, Key="big/big.parquet")["ContentLength"]
    proc = floe("file", "cat", target, "--columns", "id,b", "--format", "csv", "-n", "-1",
                env=s3.env(FLOE_S3_TRACE=1))
    gets = [line for line in proc.stderr.splitlines() if line.startswith("s3: GET ")]
    assert gets and all(" bytes=" in line for line in gets), proc.stderr
    fetched = sum(int(line.split(" -> ")[1].split()[1].rstrip("B")) for line in gets)
    # Two narrow columns of four: far less than the object is fetched.
    assert fetched < size * 0.4, (fetched, size)
    lines = proc.stdout.splitlines()
    want = pacsv.read_csv(big_csv).select(["id", "b"])
    assert len(lines) == want.num_rows + 1
    ids = [int(line.split(",")[0]) for line in lines[1:]]
    bs = [float(line.split(",")[1]) for line in lines[1:]]
    assert ids == want.column("id").to_pylist()
    assert bs == want.column("b").to_pylist()


def test_wrong_credentials_fail_clearly(s3, tmp_path):
    floe("file", "convert", SAMPLE, f"s3://{BUCKET}/creds/x.parquet", env=s3.env())
    target = f"s3://{BUCKET}/creds/x.parquet"
    bad_secret = s3.env(AWS_SECRET_ACCESS_KEY="not-the-secret")
    proc = floe("file", "cat", target, env=bad_secret, check=False)
    assert proc.returncode == 1
    assert f"{target}: HEAD failed: 403 SignatureDoesNotMatch" in proc.stderr, proc.stderr
    # Writing with them publishes nothing.
    out = f"s3://{BUCKET}/creds/never.parquet"
    proc = floe("file", "convert", SAMPLE, out, env=bad_secret, check=False)
    assert proc.returncode == 1
    assert f"{out}: PUT failed: 403 SignatureDoesNotMatch" in proc.stderr, proc.stderr
    assert not object_exists(s3.client(), BUCKET, "creds/never.parquet")
    # An access key the server does not know.
    proc = floe("file", "schema", target, env=s3.env(AWS_ACCESS_KEY_ID="AKIANOSUCHKEY0000000"),
                check=False)
    assert proc.returncode == 1
    assert f"{target}: HEAD failed: 404 XAdminUserNotFound" in proc.stderr, proc.stderr
    # A session token is sent (and signed): this server knows none, so it refuses it.
    proc = floe("file", "schema", target, env=s3.env(AWS_SESSION_TOKEN="not-a-token"),
                check=False)
    assert proc.returncode == 1
    assert f"{target}: HEAD failed: 400 InvalidToken" in proc.stderr, proc.stderr
    # No credentials at all: unsigned requests, refused.
    anonymous = s3.env()
    del anonymous["AWS_ACCESS_KEY_ID"], anonymous["AWS_SECRET_ACCESS_KEY"]
    proc = floe("file", "schema", target, env=anonymous, check=False)
    assert proc.returncode == 1
    assert f"{target}: HEAD failed: 403 AccessDenied" in proc.stderr, proc.stderr


def test_missing_bucket_and_key(s3, tmp_path):
    proc = floe("file", "cat", "s3://no-such-bucket/x.parquet", env=s3.env(), check=False)
    assert proc.returncode == 1
    assert "s3://no-such-bucket/x.parquet: HEAD failed: 404 NoSuchBucket" in proc.stderr, \
        proc.stderr
    proc = floe("file", "convert", SAMPLE, "s3://no-such-bucket/y.parquet", env=s3.env(),
                check=False)
    assert proc.returncode == 1
    assert "s3://no-such-bucket/y.parquet: PUT failed: 404 NoSuchBucket" in proc.stderr, \
        proc.stderr
    target = f"s3://{BUCKET}/missing/nope.parquet"
    proc = floe("file", "schema", target, env=s3.env(), check=False)
    assert proc.returncode == 1
    assert f"{target}: HEAD failed: 404 NoSuchKey" in proc.stderr, proc.stderr
    proc = floe("file", "convert", f"s3://{BUCKET}/missing/nope.csv", tmp_path / "o.parquet",
                env=s3.env(), check=False)
    assert proc.returncode == 1 and "404 NoSuchKey" in proc.stderr, proc.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_failed_convert_aborts_its_upload(s3, tmp_path):
    # Valid rows for three parts, then a ragged row: the conversion fails after parts went up.
    bad = tmp_path / "bad.csv"
    with open(bad, "w") as f:
        f.write(BIG_HEADER)
        f.write(big_rows(120_000))
        f.write("120000,only-two-fields\n")
    target = f"s3://{BUCKET}/aborted/out.parquet"
    proc = floe("file", "convert", bad, target, "--compression", "none", "--row-group-size",
                20_000, env=s3.env(FLOE_S3_PART_SIZE=PART, FLOE_S3_TRACE=1), check=False)
    assert proc.returncode == 1, proc.stderr
    assert "bad.csv:120002" in proc.stderr, proc.stderr
    assert "s3: UploadPart 1 " in proc.stderr, proc.stderr  # it was mid-upload
    assert "s3: AbortMultipartUpload " in proc.stderr and "CompleteMultipart" not in proc.stderr
    client = s3.client()
    assert not object_exists(client, BUCKET, "aborted/out.parquet")
    uploads = client.list_multipart_uploads(Bucket=BUCKET, Prefix="aborted/").get("Uploads", [])
    assert uploads == [], uploads


class FedConvert:
    """`floe file convert FIFO target`, fed by the test through a named pipe, so that the test
    decides when the input ends: the write is reliably still going when the server goes."""

    def __init__(self, tmp_path, target, env):
        self.fifo = tmp_path / "feed.csv"
        os.mkfifo(self.fifo)
        self.proc = subprocess.Popen([floe_binary(), "file", "convert", str(self.fifo), target],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env)
        self.stderr = []
        self.part_done = threading.Event()
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()
        self.pipe = open(self.fifo, "w")  # floe opens the other end
        self.pipe.write(BIG_HEADER)
        self.rows = 0

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            if line.startswith("s3: UploadPart 1 ") and " -> 200" in line:
                self.part_done.set()

    def feed(self, mib):
        """Writes about `mib` MiB of rows; False once floe has stopped reading."""
        try:
            for _ in range(mib):
                self.pipe.write(big_rows(10_000, self.rows))  # about 1 MiB
                self.rows += 10_000
            self.pipe.flush()
            return True
        except BrokenPipeError:
            return False

    def feed_until_first_part(self, limit_mib=200):
        fed = 0
        while not self.part_done.is_set() and fed < limit_mib and self.proc.poll() is None:
            self.feed(1)
            fed += 1
        assert self.part_done.wait(30), "".join(self.stderr)

    def finish(self, timeout=120):
        try:
            self.pipe.close()
        except BrokenPipeError:
            pass
        self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return self.proc.returncode, "".join(self.stderr)


@pytest.fixture
def second_server(tmp_path):
    server = S3Server(tmp_path / "s3b").start()
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


def test_server_killed_mid_write_leaves_no_object(second_server, tmp_path):
    target = f"s3://{BUCKET}/killed/out.csv"
    job = FedConvert(tmp_path, target,
                     second_server.env(FLOE_S3_PART_SIZE=PART, FLOE_S3_TRACE=1,
                                       AWS_MAX_ATTEMPTS=2))
    job.feed_until_first_part()
    second_server.stop()
    job.feed(12)  # two more parts' worth: the next upload finds no server
    t0 = time.monotonic()
    code, stderr = job.finish()
    assert code == 1, stderr
    assert time.monotonic() - t0 < 60
    error = stderr.splitlines()[-1]
    assert error.startswith(f"floe: I/O error: {target}: UploadPart "), stderr
    assert "Couldn't connect" in error or "Recv failure" in error or "Send failure" in error, \
        stderr
    # Restarted on the same folder: the object never appeared.
    second_server.start()
    client = second_server.client()
    assert not object_exists(client, BUCKET, "killed/out.csv")
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert "killed/out.csv" not in keys


def test_server_paused_mid_write_times_out_and_leaves_no_object(second_server, tmp_path):
    target = f"s3://{BUCKET}/paused/out.csv"
    job = FedConvert(tmp_path, target,
                     second_server.env(FLOE_S3_PART_SIZE=PART, FLOE_S3_TRACE=1,
                                       AWS_MAX_ATTEMPTS=2, FLOE_S3_STALL_SECONDS=2))
    job.feed_until_first_part()
    second_server.pause()
    try:
        job.feed(12)
        t0 = time.monotonic()
        code, stderr = job.finish(timeout=90)
        assert code == 1, stderr
        assert time.monotonic() - t0 < 45  # bounded: attempts x stall time, not a hang
        error = stderr.splitlines()[-1]
        assert error.startswith(f"floe: I/O error: {target}: UploadPart "), stderr
        assert "Timeout was reached" in error, stderr
    finally:
        second_server.resume()
    # Whatever the server does with the requests it had queued, nothing completes the upload.
    client = second_server.client()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert not object_exists(client, BUCKET, "paused/out.csv")
        time.sleep(0.5)


def test_ls_lists_every_page(s3):
    client = s3.client()
    keys = [f"list/p/{i:02}.csv" for i in range(7)] + ["list/p/sub/deep.csv"]
    for key in keys:
        client.put_object(Bucket=BUCKET, Key=key, Body=SAMPLE.read_bytes())
    client.put_object(Bucket=BUCKET, Key="list/p/folder/", Body=b"")  # a folder marker
    client.put_object(Bucket=BUCKET, Key="list/other.csv", Body=b"x")
    # Pages of two keys: the listing must follow its continuation tokens to the end.
    proc = floe("file", "ls", f"s3a://{BUCKET}/list/p/",
                env=s3.env(FLOE_S3_LIST_PAGE_SIZE=2, FLOE_S3_TRACE=1))
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert [r[2] for r in rows] == sorted(f"s3a://{BUCKET}/{k}" for k in keys)
    assert all(int(r[0]) == SAMPLE.stat().st_size for r in rows)
    assert all(r[1].startswith("20") for r in rows)  # a modification time
    assert proc.stderr.count("ListObjectsV2") >= 5, proc.stderr
    assert floe("file", "ls", f"s3://{BUCKET}/list/nothing-here/", env=s3.env()).stdout == ""
    proc = floe("file", "ls", "s3://no-such-bucket/", env=s3.env(), check=False)
    assert proc.returncode == 1
    assert "s3://no-such-bucket/: ListObjectsV2 failed: 404 NoSuchBucket" in proc.stderr, \
        proc.stderr
