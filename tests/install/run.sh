#!/usr/bin/env bash
# weft as its users get it (README's "Link your GoogleTest binary ..."):
#  1. configure weft with tests, examples, benchmarks and tools off, build
#     it and install it into a temporary prefix;
#  2. build tests/install/consumer against it with find_package(weft): every
#     installed header compiles on its own, and ctest runs the WEFT_TESTs that
#     gtest_discover_tests found: one passes, the buggy one fails with a
#     WEFT_REPLAY line, and replaying that token fails the same way;
#  3. the same consumer with weft's source tree under add_subdirectory.
#
#   tests/install/run.sh      # ctest runs it as install.consumer (label install)
#
# Compiler: $CXX, or CMake's default. Both weft builds are debug-info-free
# -O1, to keep this quick; with CMAKE_CXX_COMPILER_LAUNCHER=ccache in the
# environment (ctest sets it when ccache is installed) the second build of
# weft's library is a cache hit of the first.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)
quick=(-G Ninja -DCMAKE_BUILD_TYPE=Quick -DCMAKE_CXX_FLAGS_QUICK=-O1)
fail() {
  echo "tests/install/run.sh: $*" >&2
  exit 1
}

echo "-- installing weft into $work/prefix"
cmake -S "$src" -B "$work/weft" "${quick[@]}" -DCMAKE_INSTALL_PREFIX="$work/prefix" -DWEFT_BUILD_TESTS=OFF \
  -DWEFT_BUILD_EXAMPLES=OFF -DWEFT_BUILD_BENCH=OFF -DWEFT_BUILD_TOOLS=OFF >/dev/null
cmake --build "$work/weft" -j"$jobs"
cmake --install "$work/weft" >/dev/null

# What the package must hold, and what it must not: the README's targets
# (and weft::asio, the Asio adapter);
# public headers, not the internals only weft's .cc files include; none of
# weft's own warning flags.
targets=$(find "$work/prefix" -path '*/cmake/weft/weftTargets*.cmake' -exec cat {} +)
for target in weft::weft weft::lin weft::asio weft::gtest weft::gtest_main; do
  grep -q "add_library($target " <<<"$targets" || fail "the package does not define $target"
done
! grep -Eq 'weft_build_flags|weft::weft_|-Wall|-Werror' <<<"$targets" ||
  fail "the package exports weft's internal targets or warning flags"
[ -f "$work/prefix/include/weft/weft.h" ] || fail "weft/weft.h is not installed"
[ ! -e "$work/prefix/include/weft/runtime/failure_signals.h" ] ||
  fail "an internal header (weft/runtime/failure_signals.h) is installed"

# Runs the consumer's ctest in build dir $1 and checks what it must show.
check_consumer() {
  local build=$1 out status
  set +e
  out=$(ctest --test-dir "$build" --output-on-failure 2>&1)
  status=$?
  set -e
  printf '%s\n' "$out"
  [ "$status" -ne 0 ] || fail "$build: ctest passed, but Consumer.UnlockedIncrementsLoseOne must fail"
  grep -Eq 'Consumer\.LockedIncrementsAddUp \.+ +Passed' <<<"$out" ||
    fail "$build: Consumer.LockedIncrementsAddUp did not pass"
  grep -Eq 'Consumer\.UnlockedIncrementsLoseOne \.+\*+Failed' <<<"$out" ||
    fail "$build: Consumer.UnlockedIncrementsLoseOne did not fail"
  grep -q '1 tests failed out of 2' <<<"$out" || fail "$build: ctest did not discover exactly 2 tests"
  local token
  token=$(grep -o 'WEFT_REPLAY=w1[^ ]*' <<<"$out" | head -n 1 | cut -d= -f2)
  [ -n "$token" ] || fail "$build: the failing test printed no WEFT_REPLAY line"
  set +e
  out=$(WEFT_REPLAY=$token "$build/consumer_test" --gtest_filter=Consumer.UnlockedIncrementsLoseOne 2>&1)
  status=$?
  set -e
  [ "$status" -eq 1 ] && grep -q "weft found a bug" <<<"$out" ||
    fail "$build: replaying $token did not fail again (exit $status):"$'\n'"$out"
  echo "-- $build: as expected (one pass, one failure that replays with WEFT_REPLAY=$token)"
}

echo "-- consumer with find_package(weft)"
cmake -S "$src/tests/install/consumer" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/installed" -j"$jobs"
check_consumer "$work/installed"

echo "-- consumer with add_subdirectory(weft)"
cmake -S "$src/tests/install/consumer" -B "$work/subdirectory" "${quick[@]}" -DWEFT_TREE="$src" >/dev/null
cmake --build "$work/subdirectory" -j"$jobs"
check_consumer "$work/subdirectory"
