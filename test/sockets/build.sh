#!/usr/bin/env bash
# Rebuilds the socket test guests: test/sockets/guests/*.c -> test/sockets/bin/<name>.wasm
# (clang --target=wasm32-wasi, as test/guests/build.sh). The built files are committed.
# With --native, also builds bin/<name>-native with gcc (the benchmark's comparison; not committed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
mkdir -p bin
for src in guests/*.c; do
  name=$(basename "$src" .c)
  "${CLANG:-clang}" --target=wasm32-wasi -O2 -Wall -Wextra "$src" -o "bin/$name.wasm"
  if [ "${1:-}" = "--native" ]; then "${CC:-gcc}" -O2 -Wall -Wextra "$src" -o "bin/$name-native"; fi
done
echo "built $(ls bin/*.wasm | wc -l) socket test guests"
