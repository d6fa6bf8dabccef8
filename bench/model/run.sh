#!/bin/sh
# Pickle scanning of a 1 GB PyTorch-style checkpoint against reading the file, same run.
# Usage: bench/model/run.sh [build-dir] [size-mb]
# The build must be configured with -DGATE_BENCH=ON (and ideally -DCMAKE_BUILD_TYPE=Release).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-bench}
size_mb=${2:-1024}
bench=$build/bench/model/model_bench
[ -x "$bench" ] || { echo "build $bench first: ninja -C $build model_bench" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen_checkpoint.py" "$work/model.pt" "$size_mb"
echo "peer floor: cat > /dev/null"
start=$(date +%s.%N); cat "$work/model.pt" > /dev/null; end=$(date +%s.%N)
echo "  $(echo "$end - $start" | bc) s"
"$bench" "$work/model.pt" 3
