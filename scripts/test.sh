#!/usr/bin/env bash
# floe's test command (README, .ci/run): installs what it needs, builds, and runs every
# tier: unit tests under ASan/UBSan, Parquet conformance and interop against pyarrow and
# DuckDB, and a bounded fuzzing run of every reader of untrusted bytes.
# FLOE_FUZZ_SECONDS (default 60 per target) bounds the fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh
scripts/install-test-peers.sh

step "build: Debug + AddressSanitizer/UndefinedBehaviorSanitizer"
scripts/build.sh asan
step "build: Release"
scripts/build.sh release

step "unit tests (GoogleTest, sanitized)"
(cd build/asan && ctest --output-on-failure -j "$(nproc)")

step "interop tests (pytest: pyarrow, DuckDB; Parquet conformance under ASan)"
FLOE_BIN=build/asan/floe python3 -m pytest -q -p no:cacheprovider tests/interop/test_parquet_conformance.py
FLOE_BIN=build/release/floe python3 -m pytest -q -p no:cacheprovider tests/interop \
  --ignore=tests/interop/test_parquet_conformance.py

step "fuzzing (libFuzzer, ${FLOE_FUZZ_SECONDS:-60}s per target)"
scripts/build.sh fuzz
scripts/fuzz.sh "${FLOE_FUZZ_SECONDS:-60}"
