#!/usr/bin/env bash
# Secrets scanning benchmark: Gate's `secrets` rule (full built-in catalogue, one core) against
# secretlint with @secretlint/secretlint-rule-preset-recommend on the same generated corpus, in
# the same run. Prints both throughputs in MB/s per core and the ratio.
# Usage: bench/secrets/run.sh            env: SIZE_MB (200), RUNS (3), WORK (outside the repo),
#                                             BUILD (build folder of the release bench build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size_mb="${SIZE_MB:-200}"
runs="${RUNS:-3}"
work="${WORK:-${TMPDIR:-/tmp}/gate-secrets-bench}"
build="${BUILD:-$root/build-bench-secrets}"
corpus="$work/corpus-${size_mb}mb"
mkdir -p "$work"

# 1. The corpus: generated deterministically, never committed.
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"
  echo "generating ${size_mb} MB corpus in $corpus" >&2
  planted=$(python3 "$root/bench/secrets/gen_corpus.py" "$corpus" "$size_mb")
  echo "$planted" > "$corpus/.complete"
fi
planted=$(cat "$corpus/.complete")
corpus_bytes=$(find "$corpus" -type f ! -name .complete -printf '%s\n' | awk '{s+=$1} END {print s}')
corpus_mb=$(awk -v b="$corpus_bytes" 'BEGIN {printf "%.1f", b / 1e6}')

# 2. Gate's bench executable, optimised.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_BENCH=ON \
  -DGATE_TESTS=OFF > "$work/cmake.log"
ninja -C "$build" bench_secrets > "$work/ninja.log"
gate_line=$("$build/bench/secrets/bench_secrets" "$corpus" "$runs")
echo "$gate_line" >&2
gate_mbs=$(sed -n 's/.*gate_mb_per_s=\([0-9.]*\).*/\1/p' <<< "$gate_line")
gate_cpu=$(sed -n 's/.*gate_cpu_seconds=\([0-9.]*\).*/\1/p' <<< "$gate_line")
gate_wall=$(sed -n 's/.*gate_wall_seconds=\([0-9.]*\).*/\1/p' <<< "$gate_line")
gate_findings=$(sed -n 's/.* findings=\([0-9]*\).*/\1/p' <<< "$gate_line")
floor_mbs=$(sed -n 's/.*re2_floor_mb_per_s=\([0-9.]*\).*/\1/p' <<< "$gate_line")
floor_ratio=$(sed -n 's/.*ratio_to_re2_floor=\([0-9.]*\).*/\1/p' <<< "$gate_line")
compile_s=$(sed -n 's/.*compile_seconds=\([0-9.]*\).*/\1/p' <<< "$gate_line")

# 3. secretlint from npm, installed outside the repository.
peer="$work/secretlint"
if [ ! -x "$peer/node_modules/.bin/secretlint" ]; then
  mkdir -p "$peer"
  (cd "$peer" && npm init -y > /dev/null &&
    npm install --no-audit --no-fund --silent secretlint @secretlint/secretlint-rule-preset-recommend > /dev/null)
fi
cat > "$work/.secretlintrc.json" <<'JSON'
{ "rules": [{ "id": "@secretlint/secretlint-rule-preset-recommend" }] }
JSON
peer_version=$("$peer/node_modules/.bin/secretlint" --version)
set +e
# CPU time (user + system) of secretlint, like Gate's thread CPU time: MB/s per core on a shared
# machine; wall time is printed as well.
(cd "$corpus" && /usr/bin/time -f "%e %U %S" -o "$work/secretlint.time" \
  "$peer/node_modules/.bin/secretlint" --secretlintrc "$work/.secretlintrc.json" \
  --format compact "**/*" > "$work/secretlint.out" 2> "$work/secretlint.err")
status=$?
set -e
if [ "$status" -gt 1 ]; then
  echo "secretlint failed ($status):" >&2
  tail -5 "$work/secretlint.err" >&2
  exit 1
fi
read -r peer_wall peer_user peer_sys < <(tail -1 "$work/secretlint.time")
peer_s=$(awk -v u="$peer_user" -v s="$peer_sys" 'BEGIN {printf "%.3f", u + s}')
peer_mbs=$(awk -v mb="$corpus_mb" -v s="$peer_s" 'BEGIN {printf "%.2f", mb / s}')
peer_findings=$(grep -c ': line [0-9]*, col' "$work/secretlint.out" || true)

ratio=$(awk -v g="$gate_mbs" -v p="$peer_mbs" 'BEGIN {printf "%.1f", g / p}')
echo "corpus: ${corpus_mb} MB of added lines, ${planted} planted secrets"
echo "gate secrets:  ${gate_mbs} MB/s per core (goal >= 300; ${gate_cpu} s CPU, ${gate_wall} s wall), ${gate_findings} findings"
echo "floor: one RE2 keyword pass: ${floor_mbs} MB/s per core; gate runs at ${floor_ratio}x of it (rule set-up ${compile_s} s, not in the figure)"
echo "secretlint ${peer_version}: ${peer_mbs} MB/s per core (${peer_s} s CPU, ${peer_wall} s wall), ${peer_findings} findings"
echo "ratio: ${ratio}x secretlint (goal >= 20x)"
