"""Fixtures for the Spark tier: one SparkSession (local[2], 1 GB driver) whose catalog `floe` is
Iceberg's JdbcCatalog opened on floe's own catalog file, a warehouse shared by the session, and
helpers that run floe on it. scripts/install-spark-peer.sh installs pyspark and the jars."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "interop"))  # canonical.py

ICEBERG_RUNTIME = "iceberg-spark-runtime-4.1_2.13-1.11.0.jar"
SQLITE_JDBC = "sqlite-jdbc-3.54.1.0.jar"


def jar_dir() -> pathlib.Path:
    peers = os.environ.get("FLOE_PEERS_DIR", str(pathlib.Path.home() / ".cache/floe/test-peers"))
    return pathlib.Path(peers) / "jars"


def floe_binary() -> str:
    path = os.environ.get("FLOE_BIN", str(ROOT / "build" / "release" / "floe"))
    if not os.path.exists(path):
        raise RuntimeError(f"floe binary not found at {path}; build it or set FLOE_BIN")
    return path


class Floe:
    """Runs floe against the session's warehouse."""

    def __init__(self, warehouse: pathlib.Path, catalog_name="floe"):
        self.warehouse = warehouse
        self.env = {**os.environ, "FLOE_WAREHOUSE": str(warehouse),
                    "FLOE_CATALOG_NAME": catalog_name}

    def run(self, *args, check=True, timeout=120):
        proc = subprocess.run([floe_binary(), *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError(f"floe {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                                 f"{proc.stderr}")
        return proc

    def json(self, *args):
        """The JSON lines floe prints for `args + --format json`, parsed (floats as text)."""
        out = self.run(*args, "--format", "json").stdout
        return [json.loads(line, parse_float=str) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory):
    return tmp_path_factory.mktemp("spark-warehouse")


@pytest.fixture(scope="session")
def floe(warehouse):
    f = Floe(warehouse)
    f.run("namespace", "create", "db")  # creates catalog.db in floe's layout before Spark opens it
    return f


@pytest.fixture(scope="session")
def warehouse_v1(tmp_path_factory):
    return tmp_path_factory.mktemp("spark-warehouse-v1")


@pytest.fixture(scope="session")
def floe_v1(warehouse_v1):
    """floe on a second catalog file, which Spark's catalog `floe_v1` migrates to the JDBC
    catalog's V1 layout (an iceberg_type column; views next to tables)."""
    f = Floe(warehouse_v1, catalog_name="floe_v1")
    f.run("namespace", "create", "db")
    return f


def catalog_options(name, warehouse, schema_version):
    cat = f"spark.sql.catalog.{name}"
    return {
        cat: "org.apache.iceberg.spark.SparkCatalog",
        f"{cat}.type": "jdbc",
        f"{cat}.uri": f"jdbc:sqlite:{warehouse}/catalog.db",
        f"{cat}.warehouse": f"file://{warehouse}",
        f"{cat}.jdbc.schema-version": schema_version,
        # floe commits behind Spark's back: load every table afresh.
        f"{cat}.cache-enabled": "false",
    }


@pytest.fixture(scope="session")
def spark(floe, warehouse, floe_v1, warehouse_v1):
    jars = [jar_dir() / ICEBERG_RUNTIME, jar_dir() / SQLITE_JDBC]
    missing = [str(j) for j in jars if not j.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run scripts/install-spark-peer.sh")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession
    builder = (SparkSession.builder.master("local[2]").appName("floe-interop"))
    # floe's catalog.db has the JDBC catalog's V0 layout (no iceberg_type column); V0 opens it
    # as it is, where V1 migrates the file (done on purpose to floe_v1's).
    for k, v in {**catalog_options("floe", warehouse, "V0"),
                 **catalog_options("floe_v1", warehouse_v1, "V1")}.items():
        builder = builder.config(k, v)
    session = (
        builder
        .config("spark.driver.memory", "1g")
        .config("spark.jars", ",".join(map(str, jars)))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
