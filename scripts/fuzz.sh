#!/usr/bin/env bash
# Runs every libFuzzer target in build/asan (scripts/build.sh asan) for a bounded time, seeded with real files.
# Usage: scripts/fuzz.sh [seconds-per-target]. A crash fails the run and leaves the
# reproducer in build/asan/crashes/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
testdata=${FLOE_TESTDATA:-../shared/testdata}
mkdir -p build/asan/crashes
status=0
for target in build/asan/*_fuzz; do
  name=$(basename "$target")
  corpus=build/asan/corpus/$name
  mkdir -p "$corpus"
  seeds=tests/fuzz/seeds/${name%_fuzz}
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  regressions=tests/fuzz/regressions/${name%_fuzz}
  [ -d "$regressions" ] && cp -n "$regressions"/* "$corpus"/ 2>/dev/null || true
  case "$name" in
    parquet_reader_fuzz)
      find "$testdata/parquet-testing" -name '*.parquet' -size -64k -exec cp -n {} "$corpus"/ \; ;;
    parquet_metadata_fuzz)
      # footers of real files: the bytes before the last 8
      for f in $(find "$testdata/parquet-testing/data" -maxdepth 1 -name '*.parquet' -size -64k); do
        python3 -c "import sys,struct;d=open(sys.argv[1],'rb').read();n=struct.unpack('<I',d[-8:-4])[0];open(sys.argv[2],'wb').write(d[-8-n:-8])" \
          "$f" "$corpus/$(basename "$f").footer" 2>/dev/null || true
      done ;;
  esac
  echo "-- $name (${seconds}s)"
  if ! "$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=build/asan/crashes/ -print_final_stats=0 2>build/asan/$name.log; then
    echo "FAILED: $name found a crash; see build/asan/$name.log and build/asan/crashes/"
    tail -40 "build/asan/$name.log"
    status=1
  else
    grep -E '^Done|#[0-9]+ *DONE' "build/asan/$name.log" | tail -1 || true
  fi
done
if [ $status -eq 0 ]; then echo "fuzz: 0 crashes"; fi
exit $status
