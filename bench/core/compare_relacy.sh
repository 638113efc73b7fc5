#!/usr/bin/env bash
# Body (b) under weft and under Relacy, in the same run: builds Relacy's
# test_b.cc (3 threads: lock, ++var, unlock, seq_cst fetch_add; random
# scheduler; Relacy always checks races) with the compiler and flags of weft's
# Release build, builds weft_relacy_b (the same body under weft::explore),
# runs them alternately for several rounds and prints medians, executions/s
# and the ratios against Relacy for weft random / pct:3 x detection on / off.
#
#   bench/core/compare_relacy.sh RELACY_DIR [--executions N] [--rounds R]
#
# RELACY_DIR  Relacy's source with test_b.cc beside relacy/ (e.g.
#             ../shared/peers/relacy); it is only read.
# --executions  executions per run, each side (default 1000000)
# --rounds      rounds; every round runs each of the five once (default 5)
# Environment: BUILD_DIR (default build-rel), configured as a Release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: bench/core/compare_relacy.sh RELACY_DIR [--executions N] [--rounds R]"
bad() {
  echo "compare_relacy.sh: $*" >&2
  echo "$usage" >&2
  exit 2
}

relacy_dir=
executions=1000000
rounds=5
while [ $# -gt 0 ]; do
  case $1 in
    --executions | --rounds)
      [ $# -ge 2 ] || bad "$1 needs a value"
      [[ $2 =~ ^[1-9][0-9]*$ ]] || bad "$1 must be a positive integer, got \"$2\""
      if [ "$1" = --executions ]; then executions=$2; else rounds=$2; fi
      shift 2
      ;;
    --executions=* | --rounds=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    -*) bad "unknown option $1" ;;
    *)
      [ -z "$relacy_dir" ] || bad "one RELACY_DIR expected, got \"$relacy_dir\" and \"$1\""
      relacy_dir=$1
      shift
      ;;
  esac
done
[ -n "$relacy_dir" ] || bad "no RELACY_DIR given (Relacy's source, e.g. ../shared/peers/relacy)"
if [ ! -f "$relacy_dir/test_b.cc" ] || [ ! -f "$relacy_dir/relacy/relacy_std.hpp" ]; then
  bad "$relacy_dir has no test_b.cc and relacy/relacy_std.hpp: Relacy is absent, nothing to compare with"
fi
relacy_dir=$(cd "$relacy_dir" && pwd)

build_dir=${BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_BENCH=ON >/dev/null
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
[ "$(cache CMAKE_BUILD_TYPE)" = Release ] || bad "$build_dir is not a Release build (set BUILD_DIR)"
cmake --build "$build_dir" --target weft_relacy_b >/dev/null

# Relacy with weft's compiler and Release flags; -w: its warnings are not ours.
cxx=$(cache CMAKE_CXX_COMPILER)
read -r -a flags <<<"$(cache CMAKE_CXX_FLAGS) $(cache CMAKE_CXX_FLAGS_RELEASE)"
relacy_bin=$build_dir/bench/core/relacy_test_b
"$cxx" "${flags[@]}" -std=c++20 -w -I"$relacy_dir" "$relacy_dir/test_b.cc" -o "$relacy_bin"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "compiler: $("$cxx" --version | head -1), flags: ${flags[*]} (weft: $build_dir, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
exec python3 "$root/bench/core/compare_relacy_rounds.py" --executions "$executions" --rounds "$rounds" \
  "$relacy_bin" "$build_dir/bench/core/weft_relacy_b"
