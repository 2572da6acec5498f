/*
 * proc_exit with the code given as the first argument. Output written before
 * the call must reach stdout, and nothing after it may run.
 */
#include "guest.h"
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    say("usage", "exit <code>");
    return 2;
  }
  unsigned long code = strtoul(argv[1], NULL, 10);
  say("exiting with", "%lu", code);
  fflush(stdout);
  __wasi_proc_exit((__wasi_exitcode_t)code);
  say("after proc_exit", "still running");
  return 0;
}
