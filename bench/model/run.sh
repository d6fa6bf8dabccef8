#!/bin/sh
# `gate check` on a 500 MB PyTorch-style checkpoint (and an npz of the same size) committed to a
# git repository, as a loose object and packed (git gc), against the floor of reading that blob
# once: `git cat-file blob <id> > /dev/null`, timed in the same run. Time is the best of 5 rounds
# (GATE_BENCH_ROUNDS); peak RSS is the largest summed RSS of the process tree (gate and its git
# children).
# Usage: bench/model/run.sh [build-dir] [size-mb]
# Builds gate and model_bench in build-dir (default build-model-bench) first, configuring it
# (Release, -DGATE_BENCH=ON) when it is not a build tree yet. GATE_COMPARE=<another gate binary> prints its figures beside.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-model-bench}
size_mb=${2:-500}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here/../.." -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
    -DGATE_TESTS=OFF >/dev/null
fi
ninja -C "$build" -j2 gate model_bench >/dev/null
build=$(cd "$build" && pwd)
gate=$build/gate
bench=$build/bench/model/model_bench
measure="python3 $here/peak_rss.py 1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_checkpoint.py" "$work/model.pt" "$size_mb"
python3 "$here/gen_checkpoint.py" --npz "$work/weights.npz" "$size_mb"

# repo <dir> <file>: main holds a policy, feature adds models/<file>.
repo() {
  git init -q -b main "$1"
  mkdir -p "$1/.gate" "$1/models"
  printf '%s\n' 'version: 1' 'owners: ["@acme/ml"]' 'assets:' '  model: { paths: ["models/**"] }' \
    'rules:' '  - id: safe-models' '    type: model-serialization' '    assets: [model]' \
    >"$1/.gate/policy.yaml"
  git -C "$1" add -A
  git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q -m policy
  git -C "$1" checkout -q -b feature
  cp "$2" "$1/models/"
  git -C "$1" add -A
  git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q -m model
}

# figure <label> <seconds> <MB> <floor seconds> <floor MB>
figure() {
  echo "$1: $2 s (floor $4 s, ratio $(echo "scale=2; $2 / $4" | bc)x), peak RSS $3 MB (floor $5 MB)"
}

# The machine is shared: the floor and each binary are measured in turn, round after round, and
# each keeps its best time (and its largest peak), so a burst of load hits them alike.
rounds=${GATE_BENCH_ROUNDS:-5}
min() { echo "$1 $2" | awk '{ print ($1 < $2) ? $1 : $2 }'; }
max() { echo "$1 $2" | awk '{ print ($1 > $2) ? $1 : $2 }'; }

for file in model.pt weights.npz; do
  for layout in loose packed; do
    dir=$work/$layout-$file
    repo "$dir" "$work/$file"
    if [ "$layout" = packed ]; then git -C "$dir" gc -q; fi
    sync
    id=$(git -C "$dir" rev-parse "feature:models/$file")
    echo "== $file, $layout blob ($(git -C "$dir" cat-file -s "$id") bytes); load: $(uptime | sed 's/.*load/load/')"
    floor_s=999 floor_mb=0 gate_s=999 gate_mb=0 other_s=999 other_mb=0
    round=0
    while [ "$round" -lt "$rounds" ]; do
      set -- $($measure git -C "$dir" cat-file blob "$id")
      floor_s=$(min "$floor_s" "$1") floor_mb=$(max "$floor_mb" "$2")
      set -- $($measure "$gate" check --repo "$dir" --base main)
      gate_s=$(min "$gate_s" "$1") gate_mb=$(max "$gate_mb" "$2")
      if [ -n "${GATE_COMPARE:-}" ]; then
        set -- $($measure "$GATE_COMPARE" check --repo "$dir" --base main)
        other_s=$(min "$other_s" "$1") other_mb=$(max "$other_mb" "$2")
      fi
      round=$((round + 1))
    done
    figure "gate check" "$gate_s" "$gate_mb" "$floor_s" "$floor_mb"
    if [ -n "${GATE_COMPARE:-}" ]; then
      figure "gate check ($GATE_COMPARE)" "$other_s" "$other_mb" "$floor_s" "$floor_mb"
    fi
    if [ "$file" = model.pt ]; then
      "$bench" "$work/$file" 3 "$dir/.git" "models/$file" | sed 's/^/  rule alone: /'
    fi
    rm -rf "$dir"
  done
done
echo "load at the end: $(uptime | sed 's/.*load/load/')"
