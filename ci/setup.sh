#!/usr/bin/env bash
# Installs every build and test dependency of weft from Debian 12 packages.
# Safe to run again: it installs only what is missing.
#   ci/setup.sh           what the build and the tests need
#   ci/setup.sh --bench   also what the benchmarks against peers need (Go, to
#                         build porcupine for bench/lin/compare_porcupine.sh)
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev clang-format-14 clang-tidy-14 ccache
  libboost-context1.81-dev libboost-json1.81-dev
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3-jsonschema libxml2-utils gdb
  libconcurrentqueue-dev libreaderwriterqueue-dev
)
[ "${1:-}" = --bench ] && packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ci/setup.sh: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
