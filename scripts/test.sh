#!/usr/bin/env bash
# floe's test command (README, .ci/run): installs what it needs, builds, and runs every
# tier: unit tests under ASan/UBSan, Parquet conformance and interop against pyarrow and
# DuckDB, and a bounded fuzzing run of every reader of untrusted bytes.
# FLOE_FUZZ_SECONDS (default 60 per target) bounds the fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

step() { printf '\n== %s\n' "$*"; }
logs=build/test-logs
mkdir -p "$logs"
rm -f "$logs"/*.log

step "dependencies"
scripts/install-deps.sh
scripts/install-test-peers.sh

step "build: Debug + AddressSanitizer/UndefinedBehaviorSanitizer"
scripts/build.sh asan
step "build: Release"
scripts/build.sh release

step "unit tests (GoogleTest, sanitized)"
(cd build/asan && ctest --output-on-failure -j "$(nproc)") | tee "$logs/ctest.log"

step "interop tests (pytest: pyarrow, DuckDB; Parquet conformance under ASan)"
FLOE_BIN=build/asan/floe python3 -m pytest -q -p no:cacheprovider \
  tests/interop/test_parquet_conformance.py | tee "$logs/pytest-conformance.log"
FLOE_BIN=build/release/floe python3 -m pytest -q -p no:cacheprovider tests/interop \
  --ignore=tests/interop/test_parquet_conformance.py | tee "$logs/pytest-interop.log"

step "fuzzing (libFuzzer, ${FLOE_FUZZ_SECONDS:-60}s per target)"
scripts/build.sh fuzz
scripts/fuzz.sh "${FLOE_FUZZ_SECONDS:-60}" | tee "$logs/fuzz.log"

# One closing line over every tier (any failure above has already stopped the run).
unit=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$logs/ctest.log" | grep -oE '[0-9]+$')
py=$(cat "$logs"/pytest-*.log | grep -oE '^[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
fuzz=$(grep -cE '^Done [0-9]+ runs' "$logs/fuzz.log" || true)
printf '\nunit %s, interop %s, fuzz targets %s\n' "$unit" "$py" "$fuzz"
echo "tests: $((unit + py + fuzz)) passed, 0 failed"
