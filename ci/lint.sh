#!/usr/bin/env bash
# The checks CI makes on the source itself (ci/test.sh runs both):
#   ci/lint.sh format         every .h and .cc is formatted (.clang-format);
#                             fix with: ci/lint.sh files | xargs clang-format-14 -i
#   ci/lint.sh tidy <build>   clang-tidy-14 (.clang-tidy) finds nothing in
#                             lib/ and tools/; <build> is a configured build
#                             directory (its compile_commands.json)
#   ci/lint.sh files          the files `format` checks
# Exit code 1 on a finding, 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -- '*.h' '*.cc'
  else
    find bench examples lib tests tools -name '*.h' -o -name '*.cc' | sort
  fi
}

case "${1:-}" in
  files) files ;;
  format)
    if ! files | xargs clang-format-14 --dry-run --Werror; then
      echo "ci/lint.sh: the files above are not formatted; run: ci/lint.sh files | xargs clang-format-14 -i" >&2
      exit 1
    fi
    ;;
  tidy)
    [ $# -eq 2 ] || usage
    db="$2/compile_commands.json"
    [ -f "$db" ] || { echo "ci/lint.sh: no $db: configure that build first (cmake -S . -B $2)" >&2; exit 2; }
    # run-clang-tidy fails when a file has a finding (WarningsAsErrors);
    # -quiet keeps the output to the findings.
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! run-clang-tidy-14 -p "$2" -quiet -j "$(nproc)" '/(lib|tools)/weft/.*\.cc$' >"$log" 2>&1; then
      # Without its colour codes: CI logs are plain text.
      sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E -A3 '(warning|error):' >&2 || cat "$log" >&2
      echo "ci/lint.sh: clang-tidy found the problems above (.clang-tidy says how to silence a wrong one)" >&2
      exit 1
    fi
    ;;
  *) usage ;;
esac
