#!/bin/sh
# Builds the benchmark workloads into bench/wasm/ (the .wasm files are committed,
# so running the benchmark needs no compiler). Needs clang with the wasm32-wasi
# target and wasi-libc; on Debian/Ubuntu:
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/wasm"
mkdir -p "$out"
# --strip-debug drops the DWARF that wasi-libc brings along but keeps the name
# section, so CPU profiles show the workload's own function names.
for source in "$here"/workloads/*.c; do
  name=$(basename "$source" .c)
  clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-debug -o "$out/$name.wasm" "$source"
  echo "built $out/$name.wasm"
done
for source in "$here"/workloads/*.wat; do
  name=$(basename "$source" .wat)
  node "$here/wat2wasm.mjs" "$source" "$out/$name.wasm"
  echo "built $out/$name.wasm"
done
