#!/usr/bin/env bash
# Installs the dependencies, builds Gate twice (optimised with GCC; AddressSanitizer +
# UndefinedBehaviorSanitizer + libFuzzer with Clang) and runs the whole test suite on both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"

bash "$root/scripts/install-deps.sh"

echo "== build: release (gcc)"
cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ >/dev/null
ninja -C "$root/build/release" -j "$jobs"
echo "== test: release"
(cd "$root/build/release" && ctest -j "$jobs" --output-on-failure --timeout 600)

echo "== build: sanitizers (clang, ASan + UBSan, libFuzzer targets)"
cmake -S "$root" -B "$root/build/sanitize" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DGATE_SANITIZE=ON -DGATE_FUZZ=ON -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
ninja -C "$root/build/sanitize" -j "$jobs"
echo "== test: sanitizers"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
(cd "$root/build/sanitize" && ctest -j "$jobs" --output-on-failure --timeout 900)
