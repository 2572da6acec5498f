#!/usr/bin/env bash
# Rebuilds the escape suite's guest: test/sandbox/guests/*.c -> test/sandbox/bin/<name>.wasm
#
# Needs clang with the wasm32-wasi target and wasi-libc; on Debian/Ubuntu:
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
#
# Usage: test/sandbox/build.sh           build in place
#        test/sandbox/build.sh --check   build into a temporary folder and fail
#                                        unless it matches the committed files
set -euo pipefail

sandbox_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
clang_bin=${CLANG:-clang}
# No -g and sources named relative to this folder, so the output does not
# depend on the machine or the time of the build.
cflags=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror)

build_into() {
  local out=$1 src name
  mkdir -p "$out"
  cd "$sandbox_dir"
  for src in guests/*.c; do
    name=$(basename "$src" .c)
    "$clang_bin" "${cflags[@]}" "$src" -o "$out/$name.wasm"
  done
}

if [[ ${1:-} == --check ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  build_into "$scratch"
  for f in "$scratch"/*.wasm; do
    cmp "$f" "$sandbox_dir/bin/$(basename "$f")"
  done
  echo "the committed guests match a fresh build"
  exit 0
fi

build_into "$sandbox_dir/bin"
echo "built $(ls "$sandbox_dir"/bin/*.wasm | wc -l) guest module(s) in test/sandbox/bin"
