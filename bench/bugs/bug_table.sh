#!/usr/bin/env bash
# The bug-finding table, one command: builds weft_bug_table and runs every
# strategy against every buggy program of the corpus (bench/bugs/corpus/)
# and of examples/, 20 seeds x 10,000 executions, then every fixed twin for
# 100,000 executions per strategy, then dfs:1..3 on every fixed twin and
# dfs:3 on every buggy program, on 2 worker processes; writes the tables
# into docs/bug-finding.md (between its generated-section markers) and the
# plot into docs/bug-finding.svg, and prints how long it took.
#
#   bench/bugs/bug_table.sh                          # the full table (about 14 minutes on 2 cores)
#   bench/bugs/bug_table.sh --fixed_executions=10000 # fewer fixed-twin executions while iterating
#   bench/bugs/bug_table.sh --programs=corpus/relay  # any weft_bug_table flag is passed on
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${WEFT_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DWEFT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target weft_bug_table -j2
start=$(date +%s)
"$build"/bench/bugs/weft_bug_table --jobs=2 --markdown=docs/bug-finding.md --svg=docs/bug-finding.svg "$@"
echo "bug_table.sh: $(($(date +%s) - start)) s (commit $(git rev-parse --short HEAD), $(nproc) cores)"
