#!/usr/bin/env bash
# Rebuilds every guest program the tests run:
#   test/guests/c/*.c     -> test/guests/bin/<name>.wasm   (clang, wasm32-wasi)
#   test/guests/c-embedding/*.c -> test/guests/bin/embedding/<name>.wasm
#   test/guests/wat/*.wat -> test/guests/bin/<name>.wasm   (wabt, build-wat.mjs)
#   examples/hello.c      -> examples/hello.wasm
# and records sources, binaries and toolchain in test/guests/manifest.json
# (test/guests-manifest.test.ts checks it). Built with Debian 12's clang 14,
# lld and wasi-libc (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32);
# the manifest names the exact versions.
#
# Usage: test/guests/build.sh           build in place
#        test/guests/build.sh --check   build twice into temporary folders and
#                                       fail unless both builds are identical
#                                       to each other and to the files in place
set -euo pipefail

guests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$guests_dir/../.." && pwd)
clang_bin=${CLANG:-clang}
# No -g and relative source paths, so the output holds nothing that depends
# on the machine or the time of the build.
# Setup calls whose result a later check observes are left unchecked on purpose.
cflags=(--target=wasm32-wasi -O2 -Wall -Wextra -Wno-unused-parameter -Wno-unused-result)

# Builds everything into <guests-out> and <examples-out>.
build_into() {
  local guests_out=$1 examples_out=$2
  mkdir -p "$guests_out" "$examples_out"
  cd "$root"
  local src name
  for src in test/guests/c/*.c; do
    name=$(basename "$src" .c)
    "$clang_bin" "${cflags[@]}" "$src" -o "$guests_out/$name.wasm"
  done
  # Programs for embedding tests (not the differential harness, which runs
  # every module directly in bin/): their output is not fixed by design.
  mkdir -p "$guests_out/embedding"
  for src in test/guests/c-embedding/*.c; do
    name=$(basename "$src" .c)
    "$clang_bin" "${cflags[@]}" "$src" -o "$guests_out/embedding/$name.wasm"
  done
  "$clang_bin" "${cflags[@]}" examples/hello.c -o "$examples_out/hello.wasm"
  node test/guests/build-wat.mjs "$guests_out"
}

if [[ ${1:-} == --check ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  build_into "$scratch/one/bin" "$scratch/one/examples"
  build_into "$scratch/two/bin" "$scratch/two/examples"
  diff -r "$scratch/one" "$scratch/two"
  echo "two builds are byte-identical"
  for f in "$scratch"/one/bin/*.wasm; do
    cmp "$f" "$guests_dir/bin/$(basename "$f")"
  done
  for f in "$scratch"/one/bin/embedding/*.wasm; do
    cmp "$f" "$guests_dir/bin/embedding/$(basename "$f")"
  done
  cmp "$scratch/one/examples/hello.wasm" "$root/examples/hello.wasm"
  echo "the files in place match a fresh build"
  exit 0
fi

build_into "$guests_dir/bin" "$root/examples"
toolchain=("$("$clang_bin" --version | head -n 1)")
if command -v dpkg-query >/dev/null; then
  while read -r line; do toolchain+=("$line"); done < <(dpkg-query -W -f '${Package} ${Version}\n' clang lld wasi-libc libclang-rt-dev-wasm32 2>/dev/null)
fi
node test/guests/manifest.mjs write "${toolchain[@]}"
echo "built $(ls "$guests_dir"/bin/*.wasm | wc -l) guest modules and examples/hello.wasm"
