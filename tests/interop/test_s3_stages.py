"""Stages on S3: an external stage at s3:// on a real S3-compatible server (versitygw on
loopback, which checks every signature). boto3 lands files; LIST sees them with their MD5
(S3's ETag for a single-part upload); COPY loads them into a local warehouse's table, skips
them the second time, and PURGE removes them from the bucket; PUT uploads into the stage and
COPY INTO the stage unloads there, read back by boto3."""
import csv
import gzip
import hashlib
import io
import subprocess

import pytest

from conftest import floe_binary
from test_s3 import S3Server

BUCKET = "floe-stages"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = S3Server(tmp_path_factory.mktemp("s3stages")).start()
    s.client().create_bucket(Bucket=BUCKET)
    yield s
    s.stop()


def sql(server, wh, text, check=True):
    p = subprocess.run([floe_binary(), "sql", "--warehouse", str(wh), "--format", "csv", "-c", text],
                       capture_output=True, text=True, env=server.env(), timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"floe sql failed ({p.returncode}):\n{p.stderr}")
    return p


def rows(server, wh, text):
    return list(csv.reader(io.StringIO(sql(server, wh, text).stdout)))


def test_copy_from_and_unload_to_an_s3_stage(server, tmp_path):
    client = server.client()
    a = b"1,alice,2024-01-01\n2,bob,2024-01-02\n"
    b = gzip.compress(b"3,carol,2024-01-03\n")
    client.put_object(Bucket=BUCKET, Key="landing/orders/a.csv", Body=a)
    client.put_object(Bucket=BUCKET, Key="landing/orders/b.csv.gz", Body=b)
    client.put_object(Bucket=BUCKET, Key="landing/other/x.csv", Body=b"9,x,2024-09-09\n")
    wh = tmp_path / "wh"
    sql(server, wh, f"CREATE SCHEMA raw; CREATE TABLE raw.o (id BIGINT, who VARCHAR, day DATE); "
                    f"CREATE STAGE raw.s3land URL = 's3://{BUCKET}/landing/' FILE_FORMAT = (TYPE = CSV)")
    listed = rows(server, wh, "LIST @raw.s3land/orders/")
    assert [r[0] for r in listed[1:]] == [f"s3://{BUCKET}/landing/orders/a.csv", f"s3://{BUCKET}/landing/orders/b.csv.gz"]
    assert listed[1][2] == hashlib.md5(a).hexdigest()
    res = rows(server, wh, "COPY INTO raw.o FROM @raw.s3land/orders/")
    assert sorted((r[1], r[3]) for r in res[1:]) == [("LOADED", "1"), ("LOADED", "2")]
    assert rows(server, wh, "COPY INTO raw.o FROM @raw.s3land/orders/") == [["status"], ["Copy executed with 0 files processed."]]
    assert rows(server, wh, "SELECT id, who, day FROM raw.o ORDER BY id")[1:] == [
        ["1", "alice", "2024-01-01"], ["2", "bob", "2024-01-02"], ["3", "carol", "2024-01-03"]]
    # PURGE removes what it loaded from the bucket.
    res = rows(server, wh, "COPY INTO raw.o FROM @raw.s3land/other/ PURGE = TRUE")
    assert res[1][1] == "LOADED"
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix="landing/").get("Contents", []))
    assert keys == ["landing/orders/a.csv", "landing/orders/b.csv.gz"]
    # PUT into the S3 stage, and unloading there.
    local = tmp_path / "up.csv"
    local.write_text("4,dan,2024-01-04\n")
    sql(server, wh, f"PUT file://{local} @raw.s3land/put/")
    got = gzip.decompress(client.get_object(Bucket=BUCKET, Key="landing/put/up.csv.gz")["Body"].read())
    assert got == b"4,dan,2024-01-04\n"
    res = rows(server, wh, "COPY INTO @raw.s3land/export/ FROM (SELECT id, who FROM raw.o ORDER BY id) "
                           "FILE_FORMAT = (TYPE = CSV COMPRESSION = NONE) HEADER = TRUE")
    assert res[1][0] == "4"
    exported = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix="landing/export/")["Contents"]]
    assert len(exported) == 1 and exported[0].endswith(".csv")
    body = client.get_object(Bucket=BUCKET, Key=exported[0])["Body"].read().decode()
    assert body.splitlines() == ["id,who", "1,alice", "2,bob", "3,carol", "9,x"]


def test_a_missing_bucket_is_a_clear_error(server, tmp_path):
    wh = tmp_path / "wh"
    sql(server, wh, "CREATE SCHEMA raw; CREATE TABLE raw.o (id BIGINT); "
                    "CREATE STAGE raw.nowhere URL = 's3://no-such-bucket/x/'")
    p = sql(server, wh, "COPY INTO raw.o FROM @raw.nowhere", check=False)
    assert p.returncode != 0 and "no-such-bucket" in p.stderr
