#!/usr/bin/env bash
# Builds weft and runs every test, from a fresh clone on Debian 12:
#   1. installs missing Debian packages (ci/setup.sh),
#   2. formatting and clang-tidy (ci/lint.sh): any finding fails the run,
#   3. the regular build (g++, warnings as errors) and its ctest suite, which
#      includes installing weft and building a consumer project against it
#      (tests/install),
#   4. the linearizability verdicts on ../shared/data/porcupine when present,
#   5. a clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
#      the libFuzzer targets: the same suite under the sanitizers, then a
#      short libFuzzer run of every parser.
# Set WEFT_SKIP_SANITIZERS=1 (stage 5) or WEFT_SKIP_FUZZ=1 (the fuzzing only)
# to leave a stage out locally.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ci/setup.sh

jobs=$(nproc)

# Each stage's wall time and the CPU time (user + sys) of the processes it
# ran, summed up at the end. The machine may be shared, so CPU time is the
# figure to compare between runs. cutime + cstime of this shell count every
# waited-for descendant (compilers under ninja, tests under ctest).
ticks_per_second=$(getconf CLK_TCK)
child_cpu_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
timings=()
stage_name=
end_stage() {
  [ -n "$stage_name" ] || return 0
  timings+=("$(printf '%6ds %7ds  %s' $((SECONDS - stage_start)) \
    $((($(child_cpu_ticks) - stage_cpu) / ticks_per_second)) "$stage_name")")
}
stage() {
  end_stage
  stage_name=$*
  stage_start=$SECONDS
  stage_cpu=$(child_cpu_ticks)
  printf '\n=== %s ===\n' "$*"
}
print_timings() {
  end_stage
  stage_name=
  printf '\n  wall      cpu  stage\n'
  printf '%s\n' "${timings[@]}"
  printf '%6ds %7ds  total\n' "$SECONDS" $(($(child_cpu_ticks) / ticks_per_second))
}

stage "formatting (clang-format-14)"
ci/lint.sh format

stage "clang-tidy-14 on lib/ and tools/"
# Line tables only (-g1) instead of full debug information: the suite needs
# file, line and function names (reports, call stacks, the gdb test), not
# variables, and full -g costs about 30% of this build's CPU time
# (docs/performance.md, "CI time").
cmake -S . -B build -G Ninja -DWEFT_WERROR=ON -DWEFT_BUILD_BENCH=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" >/dev/null
ci/lint.sh tidy build

stage "build (g++, -Werror)"
cmake --build build -j"$jobs"

# porcupine's histories are not part of the repository; when the workplace
# has them beside it, the tests check weft's verdicts on them too.
porcupine="$root/../shared/data/porcupine"
[ -d "$porcupine" ] && export WEFT_PORCUPINE_DATA="$porcupine"

stage "tests"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ -d "$porcupine" ] && [ -x ci/check_porcupine.sh ]; then
  stage "linearizability verdicts on $porcupine"
  ci/check_porcupine.sh "$porcupine" build
else
  echo "porcupine data not found at $porcupine: verdict check skipped"
fi

if [ "${WEFT_SKIP_SANITIZERS:-0}" != 1 ]; then
  # One clang build serves both: every weft target carries ASan + UBSan and
  # libFuzzer's coverage hooks (WEFT_ENABLE_FUZZ), so the whole suite runs
  # under the sanitizers and the fuzzers link against the same libraries.
  # It also keeps weft compiling with the second compiler users have.
  stage "build (clang, ASan + UBSan, libFuzzer targets, -Werror)"
  CXX=clang++ cmake -S . -B build-san -G Ninja -DWEFT_WERROR=ON -DWEFT_ENABLE_FUZZ=ON \
    -DWEFT_SANITIZE=address,undefined -DWEFT_BUILD_BENCH=OFF >/dev/null
  cmake --build build-san -j"$jobs"

  stage "tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-san --output-on-failure -j"$jobs"

  if [ "${WEFT_SKIP_FUZZ:-0}" != 1 ]; then
    stage "fuzzing the parsers (libFuzzer)"
    # One libFuzzer process per parser, $jobs at a time. New inputs go to a
    # scratch corpus; the checked-in seeds are read only. (The schedule fuzz
    # targets find planted bugs by design: ctest runs them, seeded, in
    # fuzz.schedule_finds_replays_and_minimizes.)
    fuzz_one() {
      local fuzzer=$1 seconds=$2 corpus
      corpus=$(mktemp -d)
      echo "fuzzing $(basename "$fuzzer") for ${seconds}s"
      if ! "$fuzzer" -max_total_time="$seconds" "$corpus" tests/fuzz/corpus/*/ 2>"$corpus.log"; then
        echo "$(basename "$fuzzer") failed:"
        tail -50 "$corpus.log"
        return 1
      fi
      rm -rf "$corpus" "$corpus.log"
    }
    export -f fuzz_one
    fuzzers=$(find build-san/tests/fuzz -type f -executable -name '*fuzz*' ! -name '*fuzz_schedule*' | sort)
    [ -n "$fuzzers" ] || { echo "no fuzz targets were built" >&2; exit 1; }
    xargs -P "$jobs" -I{} bash -c 'fuzz_one "$1" "$2"' _ {} "${WEFT_FUZZ_SECONDS:-20}" <<<"$fuzzers"
  fi
fi
print_timings
stage "all tests passed"
