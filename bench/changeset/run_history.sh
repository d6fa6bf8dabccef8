#!/usr/bin/env bash
# End-to-end benchmark of `gate check` against its floor, `git diff -M --numstat base...head`, on
# a long real-looking history: many commits, renames (exact and edited, same and new names),
# copies, directory moves. Both run in turns in the same run; medians of RUNS runs.
# Usage: bench/changeset/run_history.sh [GATE_BINARY]
#   env MIRROR=/path/to/a/local/clone-or-mirror  use a real project's history (cloned --shared
#                                                 into WORK, the original is not touched)
#       RANGE=BASE..HEAD   the range to judge (default HEAD~1000..HEAD with MIRROR, else base..main)
#       FILES, COMMITS     size of the generated history (default 8000 files, 1000 commits)
#       RUNS (default 5), WORK (default a new temp folder; reuse it to skip generating)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gate="${1:-$root/build/release/gate}"
runs="${RUNS:-5}"
work="${WORK:-$(mktemp -d)}"

if [ -n "${MIRROR:-}" ]; then
  repo="$work/mirror.git"
  [ -d "$repo" ] || git clone -q --bare --shared "$MIRROR" "$repo"
  range="${RANGE:-HEAD~1000..HEAD}"
  what="$(basename "$MIRROR")"
else
  files="${FILES:-8000}"
  commits="${COMMITS:-1000}"
  repo="$work/history-$files-$commits"
  if [ ! -d "$repo/.git" ]; then
    echo "generating $files files and $commits commits in $repo" >&2
    python3 "$root/bench/changeset/make_history.py" "$repo" "$files" "$commits"
  fi
  range="${RANGE:-base..main}"
  what="generated history"
fi
base="${range%%..*}"
head="${range##*..}"

measure() { python3 "$root/bench/changeset/measure.py" "$runs" "$@"; }
{ read -r git_ms git_cpu; read -r gate_ms gate_cpu; } < <(measure \
  git -C "$repo" diff -M --numstat "$base...$head" -- \
  "$gate" check --repo "$repo" --base "$base" --head "$head" \
  --policy "$root/bench/changeset/policy.yaml" --format json --output /dev/null)

status="$(git -C "$repo" diff -M --name-status "$base...$head" 2>/dev/null)"
changed=$(printf '%s\n' "$status" | grep -c . || true)
renamed=$(printf '%s\n' "$status" | grep -c '^R' || true)
exact=$(printf '%s\n' "$status" | grep -c '^R100' || true)
lines=$(git -C "$repo" diff -M --numstat "$base...$head" 2>/dev/null | awk '{s += $1} END {print s + 0}')
count=$(git -C "$repo" rev-list --count "$base..$head")
echo "change set: $what $range: $changed files, $count commits, $renamed renames ($exact exact), $lines added lines (median of $runs runs)"
if git -C "$repo" diff -M --numstat "$base...$head" 2>&1 >/dev/null | grep -q renameLimit; then
  echo "  (git and gate both skip the search for edited renames: over diff.renameLimit)"
fi
echo "floor  git diff -M --numstat base...head : ${git_ms} ms wall, ${git_cpu} ms CPU"
echo "gate   check (generic rules, json)      : ${gate_ms} ms wall, ${gate_cpu} ms CPU"
awk -v g="$gate_ms" -v f="$git_ms" -v gc="$gate_cpu" -v fc="$git_cpu" 'BEGIN {
  printf "ratio  gate / git floor                  : %.2fx wall, %.2fx CPU (goal <= 1.2x)\n", g / f, gc / fc }'
