#!/usr/bin/env bash
# CSV schema validation throughput against the floor `wc -l`, on the same 1 GB generated file,
# measured in the same run. Usage: bench/data/run.sh [SIZE_BYTES]   (default 1000000000)
# Builds bench_data in build-bench-data (Release, -DGATE_BENCH=ON); the data goes to a temp
# folder that is removed afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
size="${1:-1000000000}"
build="$root/build-bench-data"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
  -DGATE_TESTS=OFF >/dev/null
ninja -C "$build" -j2 bench_data >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/data/gen_csv.py" "$work/data.csv" "$work/schema.json" "$size"
bytes=$(stat -c %s "$work/data.csv")
cat "$work/data.csv" >/dev/null  # warm the page cache for both measurements

# Both figures are bytes over CPU time (user + sys) of the one process: MB/s per core, fair on a
# shared machine; wall-clock figures are printed alongside.
/usr/bin/time -f "%U %S %e" -o "$work/wc.txt" wc -l "$work/data.csv" >/dev/null
read -r wc_user wc_sys wc_wall <"$work/wc.txt"
wc_mbs=$(python3 -c "print('%.1f' % ($bytes / 1e6 / max($wc_user + $wc_sys, 0.01)))")
wc_wall_mbs=$(python3 -c "print('%.1f' % ($bytes / 1e6 / max($wc_wall, 0.01)))")

/usr/bin/time -v "$build/bench/data/bench_data" "$work/data.csv" "$work/schema.json" \
  >"$work/out.txt" 2>"$work/time.txt"
gate_line=$(cat "$work/out.txt")
gate_mbs=$(sed -n 's/.*mb_per_s=\([0-9.]*\).*/\1/p' "$work/out.txt")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$work/time.txt")

echo "file: $bytes bytes of CSV (8 typed fields, every constraint kind but unique)"
echo "floor wc -l:        $wc_mbs MB/s per core ($wc_wall_mbs MB/s wall)"
echo "gate data-schema:   $gate_mbs MB/s on one core ($gate_line)"
python3 -c "print('ratio gate / wc -l: %.2f' % ($gate_mbs / $wc_mbs))"
echo "max RSS:            $((rss_kb / 1024)) MB (goal < 64 MB)"
