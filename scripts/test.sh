#!/usr/bin/env bash
# floe's test command (README, .ci/run): installs what it needs, builds, and runs every
# tier: unit tests under ASan/UBSan (one clang tree holds the sanitized floe, the unit tests
# and the fuzz targets), Parquet conformance and interop against pyarrow and DuckDB (SQL
# results differentially against DuckDB too), the sqllogictest corpus against its baseline
# (floe's own .test files once more under the sanitizers), Spark as an Iceberg peer on
# floe's own catalog, and a bounded fuzzing run of every reader of untrusted bytes.
# FLOE_FUZZ_SECONDS (default 60 per target) bounds the fuzzing; FLOE_SKIP_SPARK=1 skips the
# Spark tier (for developers; the summary then says so).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

# Each step's header says how long the run has taken so far (CI must stay well under its limit).
step() { printf '\n== %s (at %d min %02d s)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }
logs=build/test-logs
mkdir -p "$logs"
rm -f "$logs"/*.log

step "dependencies"
scripts/install-deps.sh
scripts/install-test-peers.sh
if [ "${FLOE_SKIP_SPARK:-0}" != 1 ]; then
  scripts/install-spark-peer.sh
fi

step "build: clang + AddressSanitizer/UndefinedBehaviorSanitizer (floe, unit tests, fuzz targets)"
scripts/build.sh asan
step "build: Release"
scripts/build.sh release

step "unit tests (GoogleTest, sanitized)"
(cd build/asan && ctest --output-on-failure -j "$(nproc)") | tee "$logs/ctest.log"

step "interop tests (pytest: pyarrow, DuckDB; Parquet conformance under ASan)"
FLOE_BIN=build/asan/floe python3 -m pytest -q -p no:cacheprovider \
  tests/interop/test_parquet_conformance.py | tee "$logs/pytest-conformance.log"
# -rsx prints why a test was skipped (a peer that is missing) or is an expected failure (a
# known gap of the SQL engine), so that neither is silent.
FLOE_BIN=build/release/floe python3 -m pytest -q -rsx -p no:cacheprovider tests/interop \
  --ignore=tests/interop/test_parquet_conformance.py | tee "$logs/pytest-interop.log"

step "SQL logic tests (sqllogictest: SQLite's corpus and floe's tests/sql)"
# Every file's passed count must reach its line in the baseline (a file that regresses or is
# missing from it fails the run, as does a crash or an internal error); failing records of
# the corpus are what the engine does not do yet, so they are counted and printed, not fatal.
slt_baseline=tests/sql/sqllogictest_baseline.tsv
slt_args=(--jobs "$(nproc)" --timeout 1800)
if [ -f "$slt_baseline" ]; then
  slt_args+=(--baseline "$slt_baseline")
else
  echo "no baseline at $slt_baseline: the counts below are not checked against one" \
    "(record it with: floe sqllogictest --record-baseline $slt_baseline ...)"
fi
build/release/floe sqllogictest "${slt_args[@]}" \
  "${FLOE_TESTDATA:-../shared/testdata}/sqllogictest/test" tests/sql | tee "$logs/sqllogictest.log"

step "SQL logic tests of floe's dialect under AddressSanitizer/UndefinedBehaviorSanitizer"
# floe's own .test files (not the corpus, which is large) through the sanitized build: a
# memory error or undefined behaviour in an operator stops the run here.
build/asan/floe sqllogictest "${slt_args[@]}" tests/sql | tee "$logs/sqllogictest-asan.log"

step "Spark interop tier (pytest: Spark with the Iceberg runtime on floe's catalog)"
if [ "${FLOE_SKIP_SPARK:-0}" = 1 ]; then
  echo "SKIPPED: FLOE_SKIP_SPARK=1 is set, the Spark tier did not run"
else
  spark_start=$SECONDS
  FLOE_BIN=build/release/floe python3 -m pytest -q -p no:cacheprovider tests/interop_spark \
    | tee "$logs/pytest-spark.log"
  echo "Spark tier: $(grep -oE '^[0-9]+ passed' "$logs/pytest-spark.log") in" \
    "$((SECONDS - spark_start)) s"
fi

step "fuzzing (libFuzzer, ${FLOE_FUZZ_SECONDS:-60}s per target)"
scripts/fuzz.sh "${FLOE_FUZZ_SECONDS:-60}" | tee "$logs/fuzz.log"

# One closing line over every tier (any failure above has already stopped the run).
unit=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$logs/ctest.log" | grep -oE '[0-9]+$')
py=$(cat "$logs"/pytest-*.log | grep -oE '^[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
if [ "${FLOE_SKIP_SPARK:-0}" = 1 ]; then
  spark="SKIPPED (FLOE_SKIP_SPARK=1)"
else
  spark=$(grep -oE '^[0-9]+ passed' "$logs/pytest-spark.log" | awk '{s += $1} END {print s + 0}')
fi
fuzz=$(grep -cE '^Done [0-9]+ runs' "$logs/fuzz.log" || true)
slt=$(grep -oE '^sqllogictest total: [0-9]+ passed' "$logs/sqllogictest.log" | grep -oE '[0-9]+')
printf '\nunit %s, interop %s (of which spark %s), sqllogictest records %s, fuzz targets %s\n' \
  "$unit" "$py" "$spark" "$slt" "$fuzz"
echo "tests: $((unit + py + slt + fuzz)) passed, 0 failed"
echo "test run: $((SECONDS / 60)) min $((SECONDS % 60)) s"
