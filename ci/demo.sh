#!/usr/bin/env bash
# README's first command: builds the bank example and lets weft find the
# lost update in its buggy variant, printing the report and the replay line.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
cmake -S . -B build -G Ninja -DWEFT_BUILD_BENCH=OFF >/dev/null
cmake --build build --target bank_test -j"$(nproc)"
set +e
./build/examples/bank_test --gtest_also_run_disabled_tests --gtest_filter=Bank.DISABLED_LostUpdate
status=$?
set -e
if [ "$status" -eq 1 ]; then
  echo
  echo "weft found the bug above, as this demo intends. Paste the WEFT_REPLAY line to replay it."
  exit 0
fi
echo "demo: expected weft to find the bug (test exit 1), got exit $status" >&2
exit 1
