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
echo "== the file"
"$bench" "$work/model.pt" 3
# The same checkpoint committed and packed, read as Gate reads a blob (a clone packs objects).
git init -q "$work/repo"
cp "$work/model.pt" "$work/repo/model.pt"
git -C "$work/repo" -c core.compression=1 add model.pt
git -C "$work/repo" -c user.name=bench -c user.email=bench@example.com commit -q -m checkpoint
git -C "$work/repo" -c pack.compression=1 repack -q -a -d
echo "== the blob in a packed git repository"
"$bench" "$work/model.pt" 3 "$work/repo/.git" model.pt
