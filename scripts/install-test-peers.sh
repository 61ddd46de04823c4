#!/usr/bin/env bash
# Installs the peers floe's interop tests and benchmarks compare against or talk to: pyarrow,
# DuckDB, boto3 and pytest from PyPI, and versitygw (an S3-compatible server that checks
# SigV4 signatures, for tests/interop/test_s3.py) built from the Go module proxy. They are
# test tools, never runtime dependencies of floe. Idempotent: quiet when already satisfied.
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
