"""Iceberg tables on S3: a warehouse at s3:// on a real S3-compatible server (versitygw on
loopback, which checks every signature), its SQLite catalog file local. floe creates, appends,
deletes, compacts and expires; PyIceberg reads the same tables through the same catalog file
and the server; a server that dies mid-append leaves the table at its last snapshot."""
import json
import subprocess

import pyarrow.csv as pacsv
import pytest

from conftest import ROOT, floe_binary
from test_s3 import ACCESS_KEY, SECRET_KEY, S3Server

SAMPLE = ROOT / "examples" / "clicks.csv"
BUCKET = "floe-tables"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = S3Server(tmp_path_factory.mktemp("s3tables")).start()
    s.client().create_bucket(Bucket=BUCKET)
    yield s
    s.stop()


def run(server, cat, *args, check=True, **extra):
    env = server.env(FLOE_CATALOG=str(cat), FLOE_WAREHOUSE=f"s3://{BUCKET}/wh", **extra)
    p = subprocess.run([floe_binary(), *map(str, args)], capture_output=True, text=True, env=env,
                       timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} failed:\n{p.stderr}")
    return p


def rows(server, cat, table, *extra):
    out = run(server, cat, "table", "scan", table, "--format", "json", *extra).stdout
    return sorted((json.loads(l) for l in out.splitlines() if l.strip()),
                  key=lambda r: r["click_id"])


def pyiceberg_catalog(server, cat):
    from pyiceberg.catalog import load_catalog
    return load_catalog("floe", type="sql", uri=f"sqlite:///{cat}",
                        warehouse=f"s3://{BUCKET}/wh",
                        **{"s3.endpoint": server.endpoint, "s3.access-key-id": ACCESS_KEY,
                           "s3.secret-access-key": SECRET_KEY, "s3.region": "us-east-1"})


def test_table_lifecycle_on_s3(server, tmp_path):
    cat = tmp_path / "catalog.db"
    run(server, cat, "table", "create", "db.clicks", "--like", SAMPLE, "--partition-by", "day(ts)")
    run(server, cat, "table", "append", "db.clicks", SAMPLE)
    source = pacsv.read_csv(SAMPLE).to_pylist()
    got = rows(server, cat, "db.clicks")
    assert [r["click_id"] for r in got] == sorted(r["click_id"] for r in source)
    assert {r["country"] for r in got} == {r["country"] for r in source}
    # Every file the table references is an object in the bucket.
    keys = {o["Key"] for o in server.client().list_objects_v2(Bucket=BUCKET,
                                                             Prefix="wh/db/clicks/")["Contents"]}
    assert any(k.endswith(".metadata.json") for k in keys)
    assert any(k.startswith("wh/db/clicks/data/ts_day=2024-01-01/") for k in keys)

    run(server, cat, "table", "delete", "db.clicks", "--filter", "country = 'US'")
    left = rows(server, cat, "db.clicks")
    assert [r["click_id"] for r in left] == sorted(r["click_id"] for r in source
                                                   if r["country"] != "US")
    # PyIceberg reads the same table, deletes applied, through the same catalog and server.
    table = pyiceberg_catalog(server, cat).load_table("db.clicks")
    assert sorted(table.scan().to_arrow().column("click_id").to_pylist()) == \
        [r["click_id"] for r in left]

    run(server, cat, "table", "compact", "db.clicks")
    assert rows(server, cat, "db.clicks") == left
    run(server, cat, "table", "expire", "db.clicks", "--older-than", "0s")
    assert rows(server, cat, "db.clicks") == left
    snaps = json.loads("[" + ",".join(run(server, cat, "table", "snapshots", "db.clicks",
                                          "--format", "json").stdout.split()) + "]")
    assert len(snaps) == 1
    orphans = run(server, cat, "table", "remove-orphans", "db.clicks", "--older-than", "0s",
                  "--dry-run").stdout
    assert orphans.strip().endswith("0 orphan file(s) found"), orphans


def test_server_down_mid_append_keeps_last_snapshot(tmp_path):
    server = S3Server(tmp_path / "dying").start()
    try:
        server.client().create_bucket(Bucket=BUCKET)
        cat = tmp_path / "catalog.db"
        run(server, cat, "table", "create", "db.t", "--like", SAMPLE)
        run(server, cat, "table", "append", "db.t", SAMPLE)
        before = rows(server, cat, "db.t")
        # The commit dies after writing its manifest list, as if the server went away.
        p = run(server, cat, "table", "append", "db.t", SAMPLE, check=False,
                FLOE_FAULT="snapshot.after_manifest_list:error")
        assert p.returncode != 0 and "injected fault" in p.stderr
        assert rows(server, cat, "db.t") == before
        server.stop()
        p = run(server, cat, "table", "append", "db.t", SAMPLE, check=False, AWS_MAX_ATTEMPTS=1)
        assert p.returncode != 0
        assert "s3://" in p.stderr, p.stderr
        server.start()
        assert rows(server, cat, "db.t") == before
        run(server, cat, "table", "append", "db.t", SAMPLE)
        assert len(rows(server, cat, "db.t")) == 2 * len(before)
    finally:
        server.stop()
