#!/usr/bin/env bash
# floe's main job on the embedded default, from a fresh machine: installs the build
# dependencies, builds floe, and loads a sample CSV of click events into an Apache Iceberg
# table in the warehouse folder (./warehouse, with its SQLite catalog inside), then queries
# it: a filtered scan, its snapshots, and a time-travel read after a delete.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release >/dev/null
floe=build/release/floe
export FLOE_WAREHOUSE=${FLOE_WAREHOUSE:-warehouse}
$floe catalog info
$floe table create demo.clicks --like examples/clicks.csv --partition-by "day(ts)" \
  --sort-by element_id --if-not-exists
$floe table append demo.clicks examples/clicks.csv
echo "-- mobile clicks"
$floe table scan demo.clicks --filter "device = 'mobile'" --columns click_id,ts,element_id,country \
  --limit 5 --explain
echo "-- delete the clicks from DE, then read the table as it was before"
before=$($floe table snapshots demo.clicks --format csv | tail -1 | cut -d, -f2)
$floe table delete demo.clicks --filter "country = 'DE'"
echo "rows now: $($floe table scan demo.clicks --count); rows at snapshot $before:" \
  "$($floe table scan demo.clicks --count --as-of "$before")"
$floe table snapshots demo.clicks --format csv | cut -d, -f1-5
echo "-- the table is standard Iceberg: its metadata is at"
$floe table describe demo.clicks | grep '^metadata:'
