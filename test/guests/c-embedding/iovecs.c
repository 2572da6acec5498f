/*
 * One vectored write (or read) whose iovecs all name the same guest buffer,
 * so that the list's total is many times the guest's memory:
 *
 *   iovecs <call> <target> <count> <length> [<tail>]
 *
 * call:   write (fd_write), pwrite (fd_pwrite at offset 0), read (fd_read)
 * target: "stdout" for fd 1, "stdin" for fd 0, otherwise a name opened under
 *         the first preopen (fd 3) for writing and reading
 * count iovecs of <length> bytes over one buffer of 8 MiB, then one more of
 * <tail> bytes when given. Prints on stderr, so that stdout can be the target:
 *
 *   <call>: errno <n> count <bytes moved>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define BUFFER_BYTES (8u << 20)
#define MAX_IOVECS 1025

static uint8_t buffer[BUFFER_BYTES];
static __wasi_ciovec_t list[MAX_IOVECS];

static __wasi_fd_t open_target(const char *name) {
  if (strcmp(name, "stdout") == 0) return 1;
  if (strcmp(name, "stdin") == 0) return 0;
  __wasi_fd_t fd = 0;
  __wasi_rights_t rights = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK;
  __wasi_errno_t error = __wasi_path_open(3, 0, name, 0, rights, 0, 0, &fd);
  if (error != 0) {
    fprintf(stderr, "open %s: errno %u\n", name, (unsigned)error);
    exit(2);
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: iovecs write|pwrite|read <target> <count> <length> [<tail>]\n");
    return 2;
  }
  const char *call = argv[1];
  unsigned long count = strtoul(argv[3], NULL, 10);
  unsigned long length = strtoul(argv[4], NULL, 10);
  unsigned long tail = argc > 5 ? strtoul(argv[5], NULL, 10) : 0;
  if (count + (tail > 0) > MAX_IOVECS || length > BUFFER_BYTES || tail > BUFFER_BYTES) {
    fprintf(stderr, "at most %u iovecs of at most %u bytes\n", MAX_IOVECS, BUFFER_BYTES);
    return 2;
  }
  memset(buffer, 'x', sizeof buffer);
  size_t used = 0;
  for (unsigned long i = 0; i < count; i++) list[used++] = (__wasi_ciovec_t){buffer, length};
  if (tail > 0) list[used++] = (__wasi_ciovec_t){buffer, tail};

  __wasi_fd_t fd = open_target(argv[2]);
  __wasi_size_t moved = 0;
  __wasi_errno_t error;
  if (strcmp(call, "write") == 0) {
    error = __wasi_fd_write(fd, list, used, &moved);
  } else if (strcmp(call, "pwrite") == 0) {
    error = __wasi_fd_pwrite(fd, list, used, 0, &moved);
  } else if (strcmp(call, "read") == 0) {
    /* The same records serve as the read's iovecs: both are (pointer, length). */
    error = __wasi_fd_read(fd, (const __wasi_iovec_t *)list, used, &moved);
  } else {
    fprintf(stderr, "unknown call %s\n", call);
    return 2;
  }
  fprintf(stderr, "%s: errno %u count %lu\n", call, (unsigned)error, (unsigned long)moved);
  return 0;
}
