#!/usr/bin/env bash
# weft's linearizability checker against porcupine, per file, in one run: on
# porcupine's own logs and on a generated corpus (bench/lin/lin_corpus.cc),
# with per-tier totals, the worst per-file ratio and issue 12's targets.
#
#   bench/lin/compare_porcupine.sh DATA_DIR [PEER_DIR [LOG_DIR...]]
#
# DATA_DIR  porcupine's test data, with jepsen/ and kv/ (../shared/data/porcupine)
# PEER_DIR  porcupine's source with cmd/runner (e.g. ../shared/peers/porcupine).
#           Without it, or when it is absent, only weft is timed.
# LOG_DIR   more folders of etcd logs (*.log) to time, e.g. ../shared/data/lin-blowups
# Environment: BUILD_DIR (default build-rel, configured as a Release build),
# SEED (1) and PER_KIND (40) for the corpus, CORPUS_DIR to keep it (default: a
# temporary directory), PORCUPINE_TIMEOUT and TIME_LIMIT per file (10s each).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data_dir=${1:?usage: bench/lin/compare_porcupine.sh DATA_DIR [PEER_DIR [LOG_DIR...]]}
peer_dir=${2:-}
log_dirs=("${@:3}")
for d in "${log_dirs[@]}"; do
  if ! ls "$d"/*.log >/dev/null 2>&1; then
    echo "compare_porcupine.sh: $d has no etcd logs (*.log)" >&2
    exit 2
  fi
done
if [ ! -d "$data_dir/jepsen" ] || [ ! -d "$data_dir/kv" ]; then
  echo "compare_porcupine.sh: $data_dir has no jepsen/ and kv/ folders (porcupine's test data)" >&2
  exit 2
fi
data_dir=$(cd "$data_dir" && pwd)

build_dir=${BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWEFT_BUILD_BENCH=ON \
  -DWEFT_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" --target weft_lin_compare weft_lin_corpus >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runner=()
if [ -f "$peer_dir/cmd/runner/main.go" ]; then
  "$root/ci/setup.sh" --bench  # Go from Debian, if missing
  # Build from a copy: the peer folder stays untouched.
  cp -r "$peer_dir" "$work/porcupine"
  (cd "$work/porcupine" && GOFLAGS=-mod=mod go build -o "$work/porcupine-runner" ./cmd/runner)
  runner=(--porcupine="$work/porcupine-runner")
  echo "porcupine: built from $peer_dir ($(go version | cut -d' ' -f3))"
else
  echo "porcupine's source not found at $peer_dir: timing weft alone" >&2
fi

corpus=${CORPUS_DIR:-$work/corpus}
"$build_dir/bench/lin/weft_lin_corpus" "$corpus" --seed="${SEED:-1}" --per_kind="${PER_KIND:-40}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build_dir/bench/lin/weft_lin_compare" "${runner[@]}" --porcupine_timeout="${PORCUPINE_TIMEOUT:-10s}" \
  --time_limit="${TIME_LIMIT:-10s}" "$data_dir" "${log_dirs[@]}" "$corpus"
