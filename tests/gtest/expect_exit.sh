#!/bin/sh
# expect_exit.sh CODE PATTERN COMMAND...: runs COMMAND, passes when it exits
# with CODE and its output contains PATTERN (a fixed string).
want=$1 pattern=$2
shift 2
out=$("$@" 2>&1)
got=$?
if [ "$got" -ne "$want" ]; then
  printf 'expected exit %s, got %s from: %s\n%s\n' "$want" "$got" "$*" "$out"
  exit 1
fi
case $out in
  *"$pattern"*) exit 0 ;;
esac
printf 'exit %s as expected, but the output lacks "%s":\n%s\n' "$got" "$pattern" "$out"
exit 1
