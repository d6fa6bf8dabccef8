#!/usr/bin/env bash
# Installs the dependencies; builds the Release configuration with GCC and -Werror (the binary,
# its libraries and the tests: what ships must compile warning-free with the compiler it ships
# with); then builds Gate and its fuzz targets with Clang under AddressSanitizer +
# UndefinedBehaviorSanitizer (libFuzzer for the fuzz targets) and runs the whole test suite, the
# fuzz targets included, there. The GCC build runs no tests: the sanitizer build runs them all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"
build="$root/build/sanitize"

bash "$root/scripts/install-deps.sh"

# The npm linters and gitlab-ci-local the CI-integration tests use, GitHub's OpenAPI examples for
# the forge-client tests and playwright-core for the browser tests install (niced) while Gate
# builds, quickest first; a test that finds them still installing waits, bounded, or skips with
# a message.
(for group in lint github-api browser gitlab; do bash "$root/scripts/ci-lint-tools.sh" "$group"; done) \
  >/dev/null 2>&1 &

# ccache (installed by install-deps.sh) keys on paths relative to the checkout, so a later run
# from another clone reuses the objects.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true

echo "== build: gcc, Release, -Werror"
cmake -S "$root" -B "$root/build/gcc-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_FLAGS="-Werror" \
  -DGATE_TESTS=ON >/dev/null
ninja -C "$root/build/gcc-release" -j "$jobs"

echo "== build: clang, AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer targets"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DGATE_SANITIZE=ON -DGATE_FUZZ=ON -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" >/dev/null
ninja -C "$build" -j "$jobs"

echo "== test"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Tests labelled `slow` (the .deb installed into a fresh Debian 12 root by debootstrap, about
# 7 minutes) run with `ctest -L slow` in build/sanitize; CI leaves them out to stay in budget.
(cd "$build" && ctest -j "$jobs" -LE slow --output-on-failure --timeout 900)
