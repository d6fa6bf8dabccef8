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

work="$(dirname "$demo")"
status=0
step() { echo; echo "=== $*"; }

step "keys: one signs decisions (ECDSA P-256), one signs the audit log's checkpoints (Ed25519)"
"$gate" keygen --type ecdsa-p256 --out "$work/decision" --force
"$gate" keygen --type ed25519 --out "$work/log" --force
log="$work/audit.db"
rm -f "$log"
"$gate" log init --log "$log" --origin demo.gate.local/churn-service --log-key "$work/log.key"

step "gate check: feature/retrain (expected: pass), signed and logged"
"$gate" check --repo "$demo" --base main --head feature/retrain \
  --sign-key "$work/decision.key" --log "$log" --log-key "$work/log.key" || status=$?
[ "$status" -eq 0 ] || { echo "demo: feature/retrain should pass (exit $status)" >&2; exit 1; }

step "gate check: feature/quick-fix (expected: blocked, exit 1), signed and logged"
status=0
"$gate" check --repo "$demo" --base main --head feature/quick-fix \
  --sign-key "$work/decision.key" --log "$log" --log-key "$work/log.key" || status=$?
[ "$status" -eq 1 ] || { echo "demo: feature/quick-fix should be blocked (exit $status)" >&2; exit 1; }

step "the auditor: what was decided, and does the log still hold?"
"$gate" log --log "$log" query
"$gate" log --log "$log" verify --log-pub "$work/log.pub" --trust "$work/decision.pub"

step "deploy time: gate verify against the log (retrain: verified; quick-fix: denied, exit 1)"
"$gate" verify --repo "$demo" --commit feature/retrain --trust "$work/decision.pub" \
  --log "$log" --log-pub "$work/log.pub"
status=0
"$gate" verify --repo "$demo" --commit feature/quick-fix --trust "$work/decision.pub" \
  --log "$log" --log-pub "$work/log.pub" || status=$?
[ "$status" -eq 1 ] || { echo "demo: feature/quick-fix should not verify (exit $status)" >&2; exit 1; }

echo
echo "The demo repository is in $demo and its audit log in $log; try:"
echo "  $gate check --repo $demo --head feature/quick-fix --format json"
echo "  $gate log --log $log show 0"
