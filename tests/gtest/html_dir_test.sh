#!/bin/sh
# html_dir_test.sh BINARY: a failing WEFT_TEST run with --weft_html_dir
# exits 1, names the page it wrote in its output, and the page is there.
bin=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
page="$dir/FlagsMain.DISABLED_LostUpdate.html"
"$(dirname "$0")/expect_exit.sh" 1 "HTML view: $page" "$bin" --gtest_also_run_disabled_tests \
  --gtest_filter=FlagsMain.DISABLED_LostUpdate --weft_html_dir="$dir" || exit 1
grep -q '<!DOCTYPE html>' "$page" || { echo "no HTML page at $page"; exit 1; }
grep -q 'weft found a bug: ' "$page" || { echo "the page at $page lacks the failure"; exit 1; }
