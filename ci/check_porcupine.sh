#!/usr/bin/env bash
# Checks the linearizability verdicts on porcupine's test data against its
# README: all 102 usable etcd logs and the 6 kv logs (kv also unpartitioned
# where porcupine does that). Exits 0 when every verdict matches.
#
#   ci/check_porcupine.sh ../shared/data/porcupine [BUILD_DIR]
#
# BUILD_DIR (default: build) must hold a build of weft with tests enabled;
# the script builds the check program there if needed.
set -euo pipefail

data_dir=${1:?usage: ci/check_porcupine.sh DATA_DIR [BUILD_DIR]}
build_dir=${2:-build}
if [ ! -d "$data_dir/jepsen" ] || [ ! -d "$data_dir/kv" ]; then
  echo "ci/check_porcupine.sh: $data_dir has no jepsen/ and kv/ folders" >&2
  exit 2
fi
cmake --build "$build_dir" --target weft_lin_porcupine_check >/dev/null
check=$(find "$build_dir" -type f -name weft_lin_porcupine_check -perm -u+x | head -n 1)
if [ -z "$check" ]; then
  echo "ci/check_porcupine.sh: weft_lin_porcupine_check not found under $build_dir" >&2
  exit 2
fi
"$check" "$data_dir"
