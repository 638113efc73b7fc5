#!/usr/bin/env bash
# libFuzzer on a WEFT_FUZZ_TEST (schedule_fuzz.cc), seeded and with a fixed
# number of runs, so the outcome is deterministic:
#   1. the buggy target finds the lost increment: exit != 0, weft's report
#      with a w1i- token, and a crash file;
#   2. the crash file replays: the target run on it fails the same way, the
#      GoogleTest build of the same body (WEFT_REPLAY=<token>) and the weft
#      tool (weft replay BINARY TEST CRASH_FILE) report the same assertion;
#   3. -minimize_crash shrinks it and the result still fails;
#   4. the fixed target runs the same number of inputs without a report.
# usage: schedule_fuzz_test.sh FUZZ FUZZ_FIXED GTEST_BINARY WEFT_TOOL WORK_DIR
set -uo pipefail
fuzz=$1 fixed=$2 gtest=$3 tool=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
runs=5000

"$fuzz" -seed=1 -runs=$runs -artifact_prefix="$work/" >"$work/buggy.log" 2>&1
status=$?
[ $status -ne 0 ] || fail "the buggy target found nothing in $runs runs: $(tail -5 "$work/buggy.log")"
grep -q "an increment was lost" "$work/buggy.log" || fail "no weft report: $(tail -20 "$work/buggy.log")"
token=$(grep -o 'WEFT_REPLAY=w1i-[A-Za-z0-9_=-]*' "$work/buggy.log" | head -1 | cut -d= -f2-)
[ -n "$token" ] || fail "no w1i- token in the report"
crash=$(ls "$work"/crash-* 2>/dev/null | head -1)
[ -n "$crash" ] || fail "libFuzzer wrote no crash file"
echo "found: $token ($crash)"

"$fuzz" "$crash" >"$work/rerun.log" 2>&1 && fail "the crash file does not fail again"
grep -q "an increment was lost" "$work/rerun.log" || fail "the crash file fails differently: $(tail -20 "$work/rerun.log")"

WEFT_REPLAY=$token "$gtest" >"$work/gtest.log" 2>&1 && fail "WEFT_REPLAY=$token passes in the GoogleTest build"
grep -q "an increment was lost" "$work/gtest.log" || fail "the token replays differently: $(tail -20 "$work/gtest.log")"
"$tool" replay "$gtest" Counter.TwoIncrements "$crash" >"$work/tool.log" 2>&1
[ $? -eq 1 ] || fail "weft replay of the crash file did not report the bug: $(tail -20 "$work/tool.log")"
grep -q "an increment was lost" "$work/tool.log" || fail "weft replay reports something else: $(tail -20 "$work/tool.log")"

"$fuzz" -minimize_crash=1 -runs=200 -seed=1 -exact_artifact_path="$work/minimized" "$crash" >"$work/minimize.log" 2>&1
[ -f "$work/minimized" ] || fail "-minimize_crash wrote nothing: $(tail -20 "$work/minimize.log")"
[ "$(stat -c %s "$work/minimized")" -le "$(stat -c %s "$crash")" ] || fail "the minimized input is larger"
"$fuzz" "$work/minimized" >"$work/minimized.log" 2>&1 && fail "the minimized input does not fail"
grep -q "an increment was lost" "$work/minimized.log" || fail "the minimized input fails differently"
echo "minimized: $(stat -c %s "$crash") -> $(stat -c %s "$work/minimized") bytes"

"$fixed" -seed=1 -runs=$runs >"$work/fixed.log" 2>&1 || fail "the fixed twin failed: $(tail -20 "$work/fixed.log")"
grep -q "Done $runs runs" "$work/fixed.log" || fail "the fixed twin did not run $runs inputs: $(tail -5 "$work/fixed.log")"
echo "PASS"
