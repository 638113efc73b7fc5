#!/usr/bin/env bash
# weft_relacy_b, compare_relacy.sh and weft_memory_bench on bad arguments: each exits 2 with a
# message that names the problem (the script before it builds anything).
#   bad_arguments_test.sh WEFT_RELACY_B COMPARE_RELACY_SH WEFT_MEMORY_BENCH
set -uo pipefail
body=$1
compare=$2
memory=$3
# shellcheck source=bench/expect_bad.sh
source "$(dirname "$0")/../expect_bad.sh"

expect_bad "unknown option --strategies" "$body" --strategies=random
expect_bad 'bad value "many" for --executions' "$body" --executions=many
expect_bad 'bad value "maybe" for --detect' "$body" --detect=maybe
expect_bad "--executions must be at least 1" "$body" --executions=0
expect_bad 'unexpected argument "extra"' "$body" extra
expect_bad "unknown strategy" "$body" --strategy=fastest --executions=1

expect_bad "no RELACY_DIR given" "$compare"
expect_bad "Relacy is absent" "$compare" "$work/missing"
mkdir "$work/empty"
expect_bad "Relacy is absent" "$compare" "$work/empty"
expect_bad "one RELACY_DIR expected" "$compare" "$work/empty" "$work/other"
expect_bad '--executions must be a positive integer, got "0"' "$compare" "$work/empty" --executions 0
expect_bad '--rounds must be a positive integer, got "x"' "$compare" "$work/empty" --rounds=x
expect_bad "--rounds needs a value" "$compare" "$work/empty" --rounds
expect_bad "unknown option --fast" "$compare" --fast "$work/empty"

expect_bad "give exactly one of --steps, --threads, --executions" "$memory"
expect_bad "give exactly one of --steps, --threads, --executions" "$memory" --steps=10 --threads=10
expect_bad "unknown strategy" "$memory" --steps=10 --strategy=fastest
expect_bad 'bad value "lots" for --steps' "$memory" --steps=lots
expect_bad "unknown option --bytes" "$memory" --bytes=1

# And a good run of the body: one line, exit 0.
if ! out=$("$body" --strategy=pct:3 --detect=false --executions=100) || ! grep -qF "100 executions" <<<"$out" ||
  ! grep -qF "(ok)" <<<"$out"; then
  echo "FAIL: $body --executions=100: $out"
  failures=$((failures + 1))
fi
exit $((failures > 0))
