#!/usr/bin/env bash
# Entrypoint of the Gate container action (action.yml): turns the action's inputs (INPUT_*
# variables set by the runner) into one `gate check` command. GitHub passes inputs with a dash
# in their name as INPUT_SIGN-KEY, which bash cannot name, hence `printenv`.
set -euo pipefail

input() { printenv "INPUT_$1" || true; }

workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace"
# The workspace belongs to the runner's user, not to the container's root.
git config --global --add safe.directory "$workspace"
git config --global user.name >/dev/null || git config --global user.name "Gate"
git config --global user.email >/dev/null || git config --global user.email "gate@users.noreply.github.com"

args=(check)
[ -n "$(input POLICY)" ] && args+=(--policy "$(input POLICY)")
[ -n "$(input BASE)" ] && args+=(--base "$(input BASE)")
[ -n "$(input HEAD)" ] && args+=(--head "$(input HEAD)")
mode="$(input MODE)"
args+=(--mode "${mode:-enforce}")
formats="$(input FORMATS)"
for format in ${formats:-text}; do args+=(--format "$format"); done
[ "$(input GITHUB-FEEDBACK)" = "false" ] && args+=(--no-github)
[ -n "$(input APPROVALS)" ] && args+=(--approvals "$(input APPROVALS)")
# Reviews are read from the GitHub API with this token (a container action gets no token of
# its own); like the keys, it travels in the environment, never on a command line.
github_token="$(input GITHUB-TOKEN)"
[ -n "$github_token" ] && export GITHUB_TOKEN="$github_token"

sign_key="$(input SIGN-KEY)"
if [ -n "$sign_key" ]; then
  # The key's PEM travels in the environment, never on a command line or in a file.
  export GATE_SIGNING_KEY="$sign_key"
  attestation="$(input ATTESTATION)"
  args+=(--attestation "${attestation:-gate-attestation.json}" --notes)
fi
log_key="$(input LOG-KEY)"
[ -n "$log_key" ] && export GATE_LOG_KEY="$log_key"
[ -n "$(input LOG)" ] && args+=(--log "$(input LOG)")
log_pub="$(input LOG-PUB)"
[ -n "$log_pub" ] && export GATE_LOG_PUB="$log_pub"

status=0
"${GATE_BINARY:-gate}" "${args[@]}" || status=$?

# The note is the evidence that travels with the repository: push it (fetch, merge keeping both
# sides, retry), so runners attesting at the same time lose nothing. A blocked change (exit 1)
# is evidence too; a run that failed to judge (exit 2) wrote no note.
push_notes="$(input PUSH-NOTES)"
if [ -n "$sign_key" ] && [ "${push_notes:-true}" != "false" ] && [ "$status" -le 1 ]; then
  if ! "${GATE_BINARY:-gate}" notes push --remote "${GATE_NOTES_REMOTE:-origin}"; then
    if [ "$push_notes" = "best-effort" ]; then
      echo "::warning::the attestation note was not pushed (push-notes: best-effort)"
    else
      exit 2
    fi
  fi
fi
exit "$status"
