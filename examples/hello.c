/*
 * The README's first example: greets, then shows the arguments it was given
 * and the value of the GREETING environment variable.
 *
 * Build: clang --target=wasm32-wasi -O2 examples/hello.c -o examples/hello.wasm
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from wasm\n");
  for (int i = 1; i < argc; i++)
    printf("arg %d: %s\n", i, argv[i]);
  const char *greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(not set)");
  return 0;
}
