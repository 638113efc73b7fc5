#!/usr/bin/env bash
# weft_unmodified_one_body on bad arguments: exits 2 with its usage, before
# exploring anything.
#   one_body_bad_arguments_test.sh WEFT_UNMODIFIED_ONE_BODY
set -uo pipefail
bench=$1
# shellcheck source=bench/expect_bad.sh
source "$(dirname "$0")/../expect_bad.sh"

expect_bad 'usage:' "$bench"
expect_bad 'BODY one of: access' "$bench" nobody 10
expect_bad 'EXECUTIONS > 0' "$bench" lock_std 0
expect_bad 'EXECUTIONS > 0' "$bench" lock_std 12x
expect_bad 'usage:' "$bench" lock_std 10 extra
exit $((failures > 0))
