#!/usr/bin/env bash
# Installs the peers floe's interop tests and benchmarks compare against or talk to: pyarrow,
# DuckDB (with its iceberg and tpch extensions), PyIceberg, boto3 and pytest from PyPI, and
# versitygw (an S3-compatible server that checks SigV4 signatures, for tests/interop/test_s3.py)
# built from the Go module proxy. They are test tools, never runtime dependencies of floe.
# Idempotent: quiet when already satisfied.
set -euo pipefail
PY=${PYTHON:-python3}
if ! $PY - <<'PYEOF' 2>/dev/null; then
import boto3, duckdb, numpy, pyarrow, pytest
assert duckdb.__version__ == "1.5.5"
PYEOF
  echo "installing Python test peers (pyarrow, duckdb, boto3, pytest)"
  $PY -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    "duckdb==1.5.5" "pyarrow>=17" "numpy" "boto3" "pytest>=7"
fi

# The Iceberg peers (tests/interop/test_iceberg_interop.py): PyIceberg with its SQL catalog
# (SQLAlchemy on SQLite), pyarrow I/O and its Rust transforms (bucket, truncate), fastavro to
# read manifests, and DuckDB's iceberg and avro extensions as PyPI wheels, because DuckDB
# cannot download extensions here; the wheels are keyed to DuckDB's exact version.
if ! $PY - <<'PYEOF' 2>/dev/null; then
from importlib.metadata import version
import duckdb, duckdb_extensions, fastavro, pyiceberg, pyiceberg_core, sqlalchemy
assert version("pyiceberg") == "0.12.0" and duckdb.__version__ == "1.5.5"
assert version("duckdb-extension-iceberg") == version("duckdb-extension-avro") == "1.5.5"
PYEOF
  echo "installing Iceberg test peers (pyiceberg, DuckDB's iceberg and avro extensions)"
  $PY -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    "pyiceberg[sql-sqlite,pyarrow,pyiceberg-core]==0.12.0" "fastavro" "duckdb==1.5.5" \
    "duckdb-extensions==1.5.5" "duckdb-extension-iceberg==1.5.5" "duckdb-extension-avro==1.5.5"
fi

# DuckDB's tpch extension as a PyPI wheel keyed to DuckDB's version: TPC-H data and query
# texts for the SQL differential tests (tests/interop/test_sql_differential.py) and the SQL
# benchmark (bench/sql_bench.py).
if ! $PY - <<'PYEOF' 2>/dev/null; then
from importlib.metadata import version
import duckdb, duckdb_extensions
assert duckdb.__version__ == "1.5.5" and version("duckdb-extension-tpch") == "1.5.5"
PYEOF
  echo "installing DuckDB's tpch extension"
  $PY -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    "duckdb==1.5.5" "duckdb-extensions==1.5.5" "duckdb-extension-tpch==1.5.5"
fi

# versitygw into FLOE_PEERS_DIR/bin (tests/interop/test_s3.py looks there); a cold build
# takes about 80 s on two cores.
VERSITYGW_VERSION=v1.8.0
PEERS_BIN=${FLOE_PEERS_DIR:-$HOME/.cache/floe/test-peers}/bin
if ! command -v go >/dev/null; then
  echo "install-test-peers: Go is needed to build versitygw (the S3 test server)" >&2
  exit 1
fi
if ! go version -m "$PEERS_BIN/versitygw" 2>/dev/null |
    grep -qE "^\s+mod\s+github.com/versity/versitygw\s+$VERSITYGW_VERSION\s"; then
  echo "installing versitygw $VERSITYGW_VERSION (S3 test server)"
  mkdir -p "$PEERS_BIN"
  log=$(mktemp)
  if ! GOBIN="$PEERS_BIN" GOFLAGS=-buildvcs=false \
      go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
fi
