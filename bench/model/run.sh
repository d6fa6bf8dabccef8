#!/bin/sh
# Pickle scanning of a 500 MB PyTorch-style checkpoint against reading the file, same run.
# Usage: bench/model/run.sh [build-dir] [size-mb]
# Configures (Release, -DGATE_BENCH=ON) and builds model_bench in build-dir (default
# build-model-bench) first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-model-bench}
size_mb=${2:-500}
bench=$build/bench/model/model_bench
cmake -S "$here/../.." -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
  -DGATE_TESTS=OFF >/dev/null
ninja -C "$build" -j2 model_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_checkpoint.py" "$work/model.pt" "$size_mb"
echo "peer floor: cat > /dev/null"
start=$(date +%s.%N); cat "$work/model.pt" > /dev/null; end=$(date +%s.%N)
echo "  $(echo "$end - $start" | bc) s"
"$bench" "$work/model.pt" 3
