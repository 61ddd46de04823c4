#!/usr/bin/env bash
# floe's main job on the embedded default, from a fresh machine: installs the build
# dependencies, builds floe, converts a sample CSV of click events into Parquet in the
# warehouse folder, and prints the file's schema and first rows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release >/dev/null
floe=build/release/floe
warehouse=${FLOE_WAREHOUSE:-warehouse}
mkdir -p "$warehouse"
$floe file convert examples/clicks.csv "$warehouse/clicks.parquet"
echo "-- schema of $warehouse/clicks.parquet"
$floe file schema "$warehouse/clicks.parquet"
echo "-- first rows"
$floe file cat "$warehouse/clicks.parquet" --limit 5 --columns click_id,ts,element_id,device,country
