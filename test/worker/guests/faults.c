// One way to end per argv[1]: "trap" (unreachable in a named function), "exit"
// (exit(7)), "badptr" (fd_write with an iovec array outside memory), "random"
// (getentropy: prints the bytes, or the errno when the host fails it).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

__attribute__((noinline)) static void crash_here(void) { __builtin_trap(); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  printf("mode %s\n", mode);
  fflush(stdout);
  if (strcmp(mode, "trap") == 0) crash_here();
  if (strcmp(mode, "exit") == 0) exit(7);
  if (strcmp(mode, "badptr") == 0) {
    __wasi_size_t written;
    __wasi_errno_t error = __wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffff0u, 1, &written);
    printf("fd_write returned %d\n", error);
    return 3;
  }
  if (strcmp(mode, "random") == 0) {
    unsigned char bytes[4];
    if (getentropy(bytes, sizeof bytes) != 0) {
      printf("getentropy failed: errno %d\n", errno);
      return 4;
    }
    printf("bytes %02x %02x %02x %02x\n", bytes[0], bytes[1], bytes[2], bytes[3]);
    return 0;
  }
  return 5;
}
