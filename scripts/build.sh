#!/usr/bin/env bash
# Builds floe. Usage: scripts/build.sh [release|asan|fuzz]  (default release)
#   release: optimised floe binary in build/release (what users and benchmarks run)
#   asan:    Debug with AddressSanitizer + UndefinedBehaviorSanitizer, with the unit tests
#   fuzz:    clang + libFuzzer targets in build/fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=${FLOE_JOBS:-$(nproc)}
case "$kind" in
  release) cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLOE_TESTS=OFF >/dev/null ;;
  asan) cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=ON >/dev/null ;;
  fuzz) CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DFLOE_FUZZ=ON -DFLOE_TESTS=OFF >/dev/null ;;
  *) echo "usage: $0 [release|asan|fuzz]" >&2; exit 2 ;;
esac
ninja -C "build/$kind" -j "$jobs" $([ "$kind" = fuzz ] && echo fuzz_targets)
