#!/usr/bin/env bash
# data-pii's line scanner without and with seven national phone regions, against the floor
# `wc -l`, on the same file, measured in the same run. The file: the shared corpus's pii-fp
# data (public data without personal data) repeated to SIZE_BYTES (default 200000000).
# Usage: bench/data/run_pii.sh [SIZE_BYTES]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
size="${1:-200000000}"
corpus="$root/../shared/corpora/data/pii-fp/head"
[ -d "$corpus" ] || { echo "run_pii.sh: no corpus at $corpus" >&2; exit 2; }
build="$root/build-bench-data"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
  -DGATE_TESTS=OFF >/dev/null
ninja -C "$build" -j2 bench_pii >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
find "$corpus" -type f -print0 | sort -z | xargs -0 cat >"$work/one.txt"
while [ "$(stat -c %s "$work/data.txt" 2>/dev/null || echo 0)" -lt "$size" ]; do
  cat "$work/one.txt" >>"$work/data.txt"
done
bytes=$(stat -c %s "$work/data.txt")
cat "$work/data.txt" >/dev/null  # warm the page cache
/usr/bin/time -f "%U %S" -o "$work/wc.txt" wc -l "$work/data.txt" >/dev/null
read -r wc_user wc_sys <"$work/wc.txt"
wc_mbs=$(python3 -c "print('%.1f' % ($bytes / 1e6 / max($wc_user + $wc_sys, 0.01)))")
"$build/bench/data/bench_pii" "$work/data.txt" >"$work/out.txt"
cat "$work/out.txt"
plain=$(sed -n 's/^regions=none .*mb_per_s=\([0-9.]*\).*/\1/p' "$work/out.txt")
regions=$(sed -n 's/^regions=7 .*mb_per_s=\([0-9.]*\).*/\1/p' "$work/out.txt")
echo "floor wc -l: $wc_mbs MB/s per core"
python3 -c "print('data-pii (no regions) / wc -l: %.3f' % ($plain / $wc_mbs))"
python3 -c "print('data-pii (7 regions) / wc -l: %.3f' % ($regions / $wc_mbs))"
python3 -c "print('7 regions / no regions: %.2f' % ($regions / $plain))"
