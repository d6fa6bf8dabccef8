#!/usr/bin/env bash
# data-drift against data-schema on the same generated CSV, measured in the same run: a drift
# check profiles the merge base and the head (two passes), validation reads the head once.
# Usage: bench/data/run_drift.sh [SIZE_BYTES]   (default 1000000000; goal: ratio <= 2)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
size="${1:-1000000000}"
build="$root/build-bench-data"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
  -DGATE_TESTS=OFF >/dev/null
ninja -C "$build" -j2 bench_drift >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/data/gen_csv.py" "$work/data.csv" "$work/schema.json" "$size"
cat "$work/data.csv" >/dev/null  # warm the page cache for every pass
/usr/bin/time -f "max RSS: %M kB" "$build/bench/data/bench_drift" "$work/data.csv" "$work/schema.json"
