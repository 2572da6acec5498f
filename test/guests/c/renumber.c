/*
 * fd_renumber onto stdout: a file takes over fd 1, so printf writes into the
 * file. Renumbering needs an open target and leaves no copy of the old
 * stdout, so afterwards stderr is moved onto fd 1 to carry the report.
 *
 * The harness runs this program with stdout and stderr going to the same
 * sink (cases.json: "stderr": "stdout"), so every line lands in one stream.
 */
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  mkdir(SANDBOX "/renumber", 0755);
  int file = open(SANDBOX "/renumber/captured.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(file, &st);
  say("file before renumber", "%s", filetype_name(st.fs_filetype));
  fflush(stdout);

  __wasi_errno_t onto_stdout = __wasi_fd_renumber(file, 1);
  printf("printf after fd_renumber onto stdout\n");
  fflush(stdout);
  __wasi_errno_t old_number = __wasi_fd_fdstat_get(file, &st);
  __wasi_errno_t stdout_type = __wasi_fd_fdstat_get(1, &st);
  __wasi_filetype_t type_at_1 = st.fs_filetype;

  /* Hand fd 1 to stderr; this closes the file that sat there. */
  __wasi_errno_t stderr_onto_stdout = __wasi_fd_renumber(2, 1);
  __wasi_errno_t old_stderr = __wasi_fd_fdstat_get(2, &st);

  report_wasi("fd_renumber file onto stdout", onto_stdout);
  report_wasi("fd_fdstat_get on the file's old number", old_number);
  report_wasi("fd_fdstat_get on fd 1 while it held the file", stdout_type);
  say("fd 1 while it held the file", "%s", filetype_name(type_at_1));
  report_wasi("fd_renumber stderr onto stdout", stderr_onto_stdout);
  report_wasi("fd_fdstat_get on fd 2 after it moved", old_stderr);

  int fd = open(SANDBOX "/renumber/captured.txt", O_RDONLY);
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf);
  say_bytes("captured.txt", buf, n > 0 ? (size_t)n : 0);
  close(fd);
  return 0;
}
