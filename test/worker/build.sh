#!/usr/bin/env bash
# Rebuilds the worker runner's test guests: test/worker/guests/*.c -> test/worker/bin/<name>.wasm
# (clang --target=wasm32-wasi, as test/guests/build.sh). The built files are committed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
mkdir -p bin
for src in guests/*.c; do
  name=$(basename "$src" .c)
  "${CLANG:-clang}" --target=wasm32-wasi -O2 -Wall -Wextra -Wno-unused-parameter "$src" -o "bin/$name.wasm"
done
echo "built $(ls bin/*.wasm | wc -l) worker test guests"
