#!/usr/bin/env bash
# weft_lin_corpus, weft_lin_compare and weft_lin_nodes on bad arguments: each
# exits 2 with a message that names the problem.
#   bad_arguments_test.sh WEFT_LIN_CORPUS WEFT_LIN_COMPARE WEFT_LIN_NODES
set -uo pipefail
corpus=$1
compare=$2
nodes=$3
# shellcheck source=bench/expect_bad.sh
source "$(dirname "$0")/../expect_bad.sh"

expect_bad "expected one output folder" "$corpus"
expect_bad "expected one output folder" "$corpus" "$work/a" "$work/b"
expect_bad "--per_kind must be at least 1" "$corpus" "$work/c" --per_kind=0
expect_bad 'bad value "many" for --per_kind' "$corpus" "$work/c" --per_kind=many
expect_bad 'bad value "-1" for --seed' "$corpus" "$work/c" --seed=-1
expect_bad "unknown option --seeds" "$corpus" "$work/c" --seeds=3
touch "$work/file"
expect_bad "cannot create" "$corpus" "$work/file/sub"

expect_bad "no folder given" "$compare"
expect_bad "is neither porcupine's data" "$compare" "$work/missing"
mkdir "$work/empty"
expect_bad "is neither porcupine's data" "$compare" "$work/empty"
expect_bad "--time_limit must be a positive finite duration" "$compare" --time_limit=0s "$work/empty"
expect_bad "--porcupine_timeout must be a positive finite duration" "$compare" --porcupine_timeout=-1s "$work/empty"
expect_bad 'bad value "soon" for --time_limit' "$compare" --time_limit=soon "$work/empty"
expect_bad "no such program" "$compare" --porcupine="$work/nothing" "$work/empty"

expect_bad "no file given" "$nodes" --model=queue
expect_bad "--model: " "$nodes" --model=heap "$work/file"
expect_bad "--time_limit must be a positive finite duration" "$nodes" --model=queue --time_limit=0s "$work/file"
expect_bad "unknown option --limit" "$nodes" --model=queue --limit=3 "$work/file"
expect_bad "$work/missing" "$nodes" --model=queue "$work/missing"
expect_bad 'unknown search "no_speed"' "$nodes" --model=queue --searches=full,no_speed "$work/file"

# And the corpus they make is read back.
if ! "$corpus" "$work/corpus" --per_kind=1 >/dev/null; then
  echo "FAIL: $corpus $work/corpus --per_kind=1"
  failures=$((failures + 1))
fi
[ "$(wc -l <"$work/corpus/manifest.tsv")" -eq 4 ] || { echo "FAIL: manifest of 3 files"; failures=$((failures + 1)); }
queue_file=$(ls "$work/corpus"/queue-*.jsonl)
if ! "$nodes" --model=queue --time_limit=2s --searches=plain,no_greedy_read_only "$queue_file" |
  grep -q "no_greedy_read_only"; then
  echo "FAIL: $nodes --model=queue $queue_file"
  failures=$((failures + 1))
fi
exit $((failures > 0))
