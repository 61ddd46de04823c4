#!/usr/bin/env bash
# Builds floe. Usage: scripts/build.sh [release|asan]  (default release)
#   release: optimised floe binary in build/release (g++; what users and benchmarks run)
#   asan:    the test tree in build/asan: clang with AddressSanitizer + UndefinedBehaviorSanitizer
#            at -O1 with line tables, holding floe, the unit tests and the libFuzzer targets
#            (libFuzzer needs clang; one sanitized tree instead of two keeps CI's build short)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=${FLOE_JOBS:-$(nproc)}
case "$kind" in
  release) cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLOE_TESTS=OFF >/dev/null ;;
  asan) CC=clang CXX=clang++ cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Sanitized \
          -DCMAKE_C_FLAGS_SANITIZED="-O1 -gline-tables-only" \
          -DCMAKE_CXX_FLAGS_SANITIZED="-O1 -gline-tables-only" \
          -DFLOE_SANITIZE=ON -DFLOE_FUZZ=ON >/dev/null ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
ninja -C "build/$kind" -j "$jobs"
