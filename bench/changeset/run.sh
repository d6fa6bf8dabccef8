#!/usr/bin/env bash
# End-to-end benchmark of `gate check` against its floor, `git diff --numstat base...head`, on a
# generated repository: FILES files, a change touching CHANGED files with ADDED_LINES added lines.
# Usage: bench/changeset/run.sh [GATE_BINARY]   (env: FILES, CHANGED, ADDED_LINES, RUNS, WORK)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gate="${1:-$root/build/release/gate}"
files="${FILES:-100000}"
changed="${CHANGED:-5000}"
added="${ADDED_LINES:-200000}"
runs="${RUNS:-5}"
work="${WORK:-$(mktemp -d)}"
repo="$work/repo"

if [ ! -d "$repo/.git" ]; then
  echo "generating $files files, $changed changed, $added added lines in $repo" >&2
  python3 "$root/bench/changeset/make_repo.py" "$repo" "$files" "$changed" "$added"
  git -C "$repo" gc -q --aggressive --prune=now 2>/dev/null || git -C "$repo" gc -q
fi
cat > "$work/policy.yaml" <<'YAML'
version: 1
assets:
  code: { paths: ["src/**"] }
  model: { paths: ["models/**"] }
rules:
  - id: no-private-keys
    type: forbidden-paths
    paths: ["**/*.pem", "**/id_rsa", "**/.env"]
  - id: small-files
    type: max-file-size
    limit: 5MB
  - id: model-updates-metrics
    type: co-change
    if: ["models/**"]
    then: ["models/**/metrics.json"]
YAML

# Median wall time in milliseconds of RUNS runs of a command.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

git_ms=$(median_ms git -C "$repo" diff --numstat main...feature)
gate_ms=$(median_ms "$gate" check --repo "$repo" --base main --head feature \
  --policy "$work/policy.yaml" --format json --output /dev/null)
lines=$(git -C "$repo" diff --numstat main...feature | awk '{s += $1} END {print s}')
echo "change set: $files files, $changed changed, $lines added lines (median of $runs runs)"
echo "floor  git diff --numstat base...head : ${git_ms} ms"
echo "gate   check (generic rules, json)   : ${gate_ms} ms"
awk -v g="$gate_ms" -v f="$git_ms" 'BEGIN { printf "ratio  gate / git floor               : %.2fx (goal <= 1.5x)\n", g / f }'
