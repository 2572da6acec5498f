/*
 * sock_accept, sock_recv, sock_send and sock_shutdown on descriptors that are
 * not sockets (a regular file, a directory, stdout: a regular file in the
 * harness) and on a closed descriptor. No
 * socket is ever handed to the program, so these are the checks a host can
 * be held to without network setup.
 */
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_all(const char *what, __wasi_fd_t fd) {
  char label[96], buf[8];
  __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t out = {(const uint8_t *)"ping", 4};
  __wasi_size_t n = 0;
  __wasi_roflags_t roflags = 0;
  __wasi_fd_t accepted = 0;

  snprintf(label, sizeof label, "sock_accept on %s", what);
  report_wasi(label, __wasi_sock_accept(fd, 0, &accepted));
  snprintf(label, sizeof label, "sock_recv on %s", what);
  report_wasi(label, __wasi_sock_recv(fd, &in, 1, 0, &n, &roflags));
  snprintf(label, sizeof label, "sock_send on %s", what);
  report_wasi(label, __wasi_sock_send(fd, &out, 1, 0, &n));
  snprintf(label, sizeof label, "sock_shutdown on %s", what);
  report_wasi(label, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
}

int main(void) {
  mkdir(SANDBOX "/sockets", 0755);
  int file = open(SANDBOX "/sockets/plain.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(file, "not a socket", 12);
  int dir = open(SANDBOX "/sockets", O_RDONLY | O_DIRECTORY);

  try_all("regular file", (__wasi_fd_t)file);
  try_all("directory", (__wasi_fd_t)dir);
  try_all("stdout", 1);
  close(dir);
  close(file);
  try_all("closed fd", (__wasi_fd_t)file);

  /* The failed sock_send must not have written to the file. */
  file = open(SANDBOX "/sockets/plain.txt", O_RDONLY);
  char buf[32];
  ssize_t n = read(file, buf, sizeof buf);
  say_bytes("plain.txt untouched", buf, n > 0 ? (size_t)n : 0);
  close(file);
  return 0;
}
