# shellcheck shell=bash
# Sourced by the benchmarks' bad-argument tests: a scratch folder ($work,
# removed on exit), a failure count ($failures) and
#   expect_bad "what it should say" command...
# which counts a failure unless the command exits 2 and says that.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

expect_bad() {
  local want=$1
  shift
  local out code
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" -ne 2 ] || ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: $* exited $code (want 2) with: $out (want: $want)"
    failures=$((failures + 1))
  fi
}
