#!/usr/bin/env bash
# Installs the dependencies, builds Gate, makes the demo repository and runs `gate check` on its
# two feature branches: one passes, one is blocked.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" "$root/build/release" -DGATE_TESTS=OFF
gate="$root/build/release/gate"
demo="${GATE_DEMO_DIR:-$(mktemp -d)/churn-service}"
bash "$root/demo/make-demo-repo.sh" "$demo" >/dev/null

status=0
echo
echo "=== gate check: feature/retrain (expected: pass)"
"$gate" check --repo "$demo" --base main --head feature/retrain || status=$?
[ "$status" -eq 0 ] || { echo "demo: feature/retrain should pass (exit $status)" >&2; exit 1; }
echo
echo "=== gate check: feature/quick-fix (expected: blocked, exit 1)"
status=0
"$gate" check --repo "$demo" --base main --head feature/quick-fix || status=$?
[ "$status" -eq 1 ] || { echo "demo: feature/quick-fix should be blocked (exit $status)" >&2; exit 1; }
echo
echo "The demo repository is in $demo; try: $gate check --repo $demo --head feature/quick-fix --format json"
