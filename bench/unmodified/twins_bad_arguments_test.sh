#!/usr/bin/env bash
# weft_unmodified_twins_bench on bad arguments: exits 2 with a message that
# names the problem, before measuring anything.
#   bad_arguments_test.sh WEFT_UNMODIFIED_TWINS_BENCH
set -uo pipefail
bench=$1
# shellcheck source=bench/expect_bad.sh
source "$(dirname "$0")/../expect_bad.sh"

expect_bad 'unexpected argument "--fast"' "$bench" --fast
expect_bad 'unexpected argument "extra"' "$bench" --tsan_program=/bin/true extra
expect_bad 'unexpected argument "--only=d"' "$bench" --only=d
expect_bad 'unexpected argument "--only="' "$bench" --only=
expect_bad "--tsan_program: no program at \"$work/missing\"" "$bench" --tsan_program="$work/missing"
exit $((failures > 0))
