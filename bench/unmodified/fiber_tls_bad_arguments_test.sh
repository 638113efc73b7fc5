#!/usr/bin/env bash
# weft_fiber_tls_bench on bad arguments: exits 2 with a message that names
# the problem.
#   bad_arguments_test.sh WEFT_FIBER_TLS_BENCH
set -uo pipefail
bench=$1
# shellcheck source=bench/expect_bad.sh
source "$(dirname "$0")/../expect_bad.sh"

expect_bad 'the repetitions must be a positive integer, got "many"' "$bench" many
expect_bad 'the repetitions must be a positive integer, got "0"' "$bench" 0
expect_bad 'the repetitions must be a positive integer, got "3x"' "$bench" 3x
expect_bad "one argument at most (the repetitions), got 2" "$bench" 3 4
exit $((failures > 0))
