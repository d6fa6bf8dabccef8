#!/usr/bin/env bash
# End-to-end benchmark of `gate check` against its floor, `git diff -M --numstat base...head`, on a
# generated repository: FILES files, a change touching CHANGED files with ADDED_LINES added lines.
# Usage: bench/changeset/run.sh [GATE_BINARY]   (env: FILES, CHANGED, ADDED_LINES, RUNS, WORK, EDIT)
# EDIT=append (default) adds the lines at the end of each changed file; EDIT=insert adds them in
# the middle; EDIT=replace also rewrites two existing lines of each, so every file needs a diff.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gate="${1:-$root/build/release/gate}"
files="${FILES:-100000}"
changed="${CHANGED:-5000}"
added="${ADDED_LINES:-200000}"
runs="${RUNS:-5}"
edit="${EDIT:-append}"
work="${WORK:-$(mktemp -d)}"
repo="$work/repo"
[ "$edit" = append ] || repo="$work/repo-$edit"

if [ ! -d "$repo/.git" ]; then
  echo "generating $files files, $changed changed, $added added lines in $repo" >&2
  python3 "$root/bench/changeset/make_repo.py" "$repo" "$files" "$changed" "$added" "$edit"
  git -C "$repo" gc -q --aggressive --prune=now 2>/dev/null || git -C "$repo" gc -q
fi

measure() { python3 "$root/bench/changeset/measure.py" "$runs" "$@"; }
{ read -r git_ms git_cpu; read -r gate_ms gate_cpu; } < <(measure \
  git -C "$repo" diff -M --numstat main...feature -- \
  "$gate" check --repo "$repo" --base main --head feature \
  --policy "$root/bench/changeset/policy.yaml" --format json --output /dev/null)
lines=$(git -C "$repo" diff --numstat main...feature | awk '{s += $1} END {print s}')
echo "change set: $files files, $changed changed ($edit), $lines added lines (median of $runs runs)"
echo "floor  git diff -M --numstat base...head : ${git_ms} ms wall, ${git_cpu} ms CPU"
echo "gate   check (generic rules, json)      : ${gate_ms} ms wall, ${gate_cpu} ms CPU"
awk -v g="$gate_ms" -v f="$git_ms" -v gc="$gate_cpu" -v fc="$git_cpu" 'BEGIN {
  printf "ratio  gate / git floor                  : %.2fx wall, %.2fx CPU (goal <= 1.2x)\n", g / f, gc / fc }'
