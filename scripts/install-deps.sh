#!/usr/bin/env bash
# Installs every Debian 12 package Gate needs to build, test, fuzz and benchmark.
# Safe to run again: apt-get skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang libclang-rt-14-dev
  libgit2-dev libssl-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev libre2-dev libvectorscan-dev libzip-dev libtomlplusplus-dev
  libjemalloc-dev
  libcpp-httplib-dev libpq-dev postgresql libcurl4-openssl-dev
  libarchive-dev zlib1g-dev libphonenumber-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-jsonschema ccache
  debootstrap rsync
  chromium chromium-driver
)

# --release: only what a Release build of the `gate` binary needs (the container image's build
# stage, the release workflows): no clang, test, benchmark or fuzz packages.
if [ "${1:-}" = "--release" ]; then
  packages=(
    build-essential cmake ninja-build pkg-config git ca-certificates
    libgit2-dev libssl-dev libsqlite3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
    libcli11-dev nlohmann-json3-dev libre2-dev libvectorscan-dev libzip-dev libtomlplusplus-dev
    libjemalloc-dev libcpp-httplib-dev libpq-dev libarchive-dev zlib1g-dev libphonenumber-dev
    libcurl4-openssl-dev
  )
fi

# The CI-integration tests' npm tools (scripts/ci-lint-tools.sh) need Node.js 18 or later with
# npm: Debian's, unless the machine already has a Node.js of its own.
if [ "${1:-}" != "--release" ] && ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
