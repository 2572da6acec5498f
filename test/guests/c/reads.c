/*
 * Reads mixed with every other call on the same descriptors. A host may serve
 * plain file reads apart from its other calls (ours lends them to a native
 * fd_read and takes them back on any other use of the fd), so what a program
 * sees must not depend on that: the position after reads, seeks, tells,
 * writes, preads, renumbers and closes; reads of more files in turn than a
 * host might serve at once; reads split over several buffers; reads without
 * the right; and a directory.
 */
#include "guest.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define FILES 12

static void make(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fd, text, strlen(text));
  close(fd);
}

static void show_read(const char *label, int fd, size_t size) {
  char buf[64];
  ssize_t n = read(fd, buf, size < sizeof buf ? size : sizeof buf);
  if (n < 0) report(label, n);
  else say_bytes(label, buf, (size_t)n);
}

int main(void) {
  mkdir(SANDBOX "/reads", 0755);

  /* Twelve files read a few bytes at a time, in turn. */
  int fds[FILES];
  char path[64], text[64];
  for (int i = 0; i < FILES; i++) {
    snprintf(path, sizeof path, SANDBOX "/reads/f%02d.txt", i);
    snprintf(text, sizeof text, "file %02d: abcdefghijklmnop", i);
    make(path, text);
    fds[i] = open(path, O_RDONLY);
  }
  char line[256] = "";
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < FILES; i++) {
      char buf[8];
      ssize_t n = read(fds[i], buf, 7);
      buf[n > 0 ? n : 0] = 0;
      if (i == 0 || i == FILES - 1) {
        strcat(line, buf);
        strcat(line, "|");
      }
    }
  }
  say("first and last file, 4 rounds of 7 bytes", "%s", line);
  for (int i = 0; i < FILES; i++) close(fds[i]);

  /* Position after reads: tell, seek back, read again. */
  make(SANDBOX "/reads/seek.txt", "0123456789ABCDEFGHIJ");
  int fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  show_read("read 5", fd, 5);
  show_read("read 5 more", fd, 5);
  say("tell after 10 bytes", "%ld", (long)lseek(fd, 0, SEEK_CUR));
  lseek(fd, 3, SEEK_SET);
  show_read("read 4 after seek to 3", fd, 4);
  lseek(fd, -2, SEEK_CUR);
  show_read("read 4 after seek back 2", fd, 4);
  lseek(fd, -3, SEEK_END);
  show_read("read 10 after seek to end - 3", fd, 10);
  show_read("read at end of file", fd, 10);

  /* pread between reads leaves the position alone. */
  lseek(fd, 0, SEEK_SET);
  show_read("read 2", fd, 2);
  char buf[16];
  ssize_t n = pread(fd, buf, 6, 12);
  say_bytes("pread 6 at 12", buf, n > 0 ? (size_t)n : 0);
  show_read("read 3 after pread", fd, 3);

  /* Reads split over three buffers. */
  char a[3], b[4], c[5];
  struct iovec iov[3] = {{a, sizeof a}, {b, sizeof b}, {c, sizeof c}};
  lseek(fd, 1, SEEK_SET);
  n = readv(fd, iov, 3);
  say("readv of 3 + 4 + 5 from 1", "%ld: %.3s|%.4s|%.5s", (long)n, a, b, c);
  show_read("read 3 after readv", fd, 3);

  /* Renumbered while reading: the position goes with it. */
  int moved = open(SANDBOX "/reads/f00.txt", O_RDONLY);
  show_read("f00 read 5", moved, 5);
  __wasi_errno_t renumbered = __wasi_fd_renumber(fd, moved);
  report_wasi("fd_renumber seek.txt onto f00's fd", renumbered);
  show_read("read 4 through the new number", moved, 4);
  report("read through the old number", read(fd, buf, 4));
  close(moved);

  /* A file read and written through one fd: writes go where reads stopped. */
  make(SANDBOX "/reads/rw.txt", "aaaaaaaaaa");
  fd = open(SANDBOX "/reads/rw.txt", O_RDWR);
  show_read("rw read 3", fd, 3);
  write(fd, "XY", 2);
  show_read("rw read 2 after writing 2", fd, 2);
  lseek(fd, 0, SEEK_SET);
  show_read("rw whole file", fd, 20);
  close(fd);

  /* Closed and opened again: a new descriptor starts at 0. */
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  show_read("reopened read 4", fd, 4);
  close(fd);
  report("read after close", read(fd, buf, 4));

  /*
   * Opened and not read yet (a host may serve a descriptor's first read apart
   * from its other calls too): whatever comes between the open and the first
   * read counts.
   */
  make(SANDBOX "/reads/other.txt", "other file");
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  close(fd);
  int reused = open(SANDBOX "/reads/other.txt", O_RDONLY);
  say("closed unread, its number reused", "%s", reused == fd ? "same number" : "another number");
  show_read("first read of the file opened in its place", reused, 5);
  close(reused);
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  lseek(fd, 4, SEEK_SET);
  show_read("first read after a seek to 4", fd, 3);
  close(fd);
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  struct stat info;
  fstat(fd, &info);
  say("fstat before the first read", "%ld bytes", (long)info.st_size);
  show_read("first read after fstat", fd, 3);
  close(fd);
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  moved = open(SANDBOX "/reads/other.txt", O_RDONLY);
  report_wasi("fd_renumber an unread fd onto another unread one", __wasi_fd_renumber(fd, moved));
  show_read("first read through the new number", moved, 4);
  report("first read through the old number", read(fd, buf, 4));
  close(moved);
  fd = open(SANDBOX "/reads", O_RDONLY);
  report("first read of a directory opened without O_DIRECTORY", read(fd, buf, 4));
  close(fd);

  /* Without the right to read, and with the right taken away. */
  fd = open(SANDBOX "/reads/seek.txt", O_WRONLY);
  report("read of a write-only fd", read(fd, buf, 4));
  close(fd);
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  show_read("read 2 before dropping fd_read", fd, 2);
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(fd, &st);
  report_wasi("fd_fdstat_set_rights without fd_read",
              __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, st.fs_rights_inheriting));
  report("read after dropping fd_read", read(fd, buf, 4));
  close(fd);
  fd = open(SANDBOX "/reads/seek.txt", O_RDONLY);
  __wasi_fd_fdstat_get(fd, &st);
  __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, st.fs_rights_inheriting);
  report("first read after dropping fd_read unread", read(fd, buf, 4));
  close(fd);

  /* A directory: not a file to read. */
  fd = open(SANDBOX "/reads", O_RDONLY | O_DIRECTORY);
  report("read of a directory", read(fd, buf, 4));
  close(fd);
  return 0;
}
