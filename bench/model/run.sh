#!/bin/sh
# `gate check` on a 500 MB PyTorch-style checkpoint (and an npz of the same size) committed to a
# git repository, as a loose object and packed (git gc), against the floor of reading that blob
# once: `git cat-file blob <id> > /dev/null`, timed in the same run. Time is the best of 3 runs;
# peak RSS is the largest summed RSS of the process tree (gate and its git children).
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
gate=$build/gate
bench=$build/bench/model/model_bench
measure="python3 $here/peak_rss.py 3"
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

for file in model.pt weights.npz; do
  for layout in loose packed; do
    dir=$work/$layout-$file
    repo "$dir" "$work/$file"
    if [ "$layout" = packed ]; then git -C "$dir" gc -q; fi
    id=$(git -C "$dir" rev-parse "feature:models/$file")
    set -- $($measure git -C "$dir" cat-file blob "$id")
    floor_s=$1 floor_mb=$2
    echo "== $file, $layout blob ($(git -C "$dir" cat-file -s "$id") bytes); load: $(uptime | sed 's/.*load/load/')"
    set -- $($measure "$gate" check --repo "$dir" --base main)
    figure "gate check" "$1" "$2" "$floor_s" "$floor_mb"
    if [ -n "${GATE_COMPARE:-}" ]; then
      set -- $($measure "$GATE_COMPARE" check --repo "$dir" --base main)
      figure "gate check ($GATE_COMPARE)" "$1" "$2" "$floor_s" "$floor_mb"
    fi
    if [ "$file" = model.pt ]; then
      "$bench" "$work/$file" 3 "$dir/.git" "models/$file" | sed 's/^/  rule alone: /'
    fi
    rm -rf "$dir"
  done
done
