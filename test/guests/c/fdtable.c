/*
 * The descriptor table: fd_prestat_get/fd_prestat_dir_name enumeration,
 * fd_fdstat_get (type, flags, rights), fd_fdstat_set_flags,
 * fd_fdstat_set_rights (rights can only shrink, and a dropped right is
 * enforced), fd_renumber (including onto stdout, so that printf lands in a
 * file) and fd_close, last of all on the preopen itself.
 */
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE SANDBOX "/fdtable"

static void preopens(void) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    char label[64];
    snprintf(label, sizeof label, "fd_prestat_get %u", (unsigned)fd);
    __wasi_errno_t err = __wasi_fd_prestat_get(fd, &ps);
    if (err) {
      report_wasi(label, err);
      break;
    }
    say(label, "dir, name length %u", (unsigned)ps.u.dir.pr_name_len);
    char name[256] = {0};
    size_t len = ps.u.dir.pr_name_len < 255 ? ps.u.dir.pr_name_len : 255;
    snprintf(label, sizeof label, "fd_prestat_dir_name %u", (unsigned)fd);
    err = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len);
    if (err)
      report_wasi(label, err);
    else
      say(label, "\"%s\"", name);
  }
}

static int has(__wasi_rights_t rights, __wasi_rights_t right) { return (rights & right) == right; }

static void say_fdstat(const char *what, int fd) {
  __wasi_fdstat_t st;
  char label[96];
  snprintf(label, sizeof label, "fd_fdstat_get %s", what);
  __wasi_errno_t err = __wasi_fd_fdstat_get(fd, &st);
  if (err) {
    report_wasi(label, err);
    return;
  }
  say(label, "%s, fs_flags 0x%x", filetype_name(st.fs_filetype), (unsigned)st.fs_flags);
  snprintf(label, sizeof label, "%s rights fd_read/fd_write/fd_seek", what);
  say(label, "%s/%s/%s", yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_READ)),
      yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_WRITE)),
      yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_SEEK)));
  snprintf(label, sizeof label, "%s rights path_open/fd_readdir", what);
  say(label, "%s/%s", yes_no(has(st.fs_rights_base, __WASI_RIGHTS_PATH_OPEN)),
      yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_READDIR)));
}

static __wasi_fd_t open_raw(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                            __wasi_rights_t base, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_errno_t err = __wasi_path_open(dir, 0, path, oflags, base, 0, fdflags, &fd);
  if (err) {
    char label[96];
    snprintf(label, sizeof label, "path_open %s", path);
    report_wasi(label, err);
  }
  return fd;
}

static void fdstat(void) {
  int ro = open(BASE "/data.txt", O_RDONLY);
  int rw = open(BASE "/data.txt", O_RDWR);
  int dir = open(BASE, O_RDONLY | O_DIRECTORY);
  say_fdstat("read-only file", ro);
  say_fdstat("read-write file", rw);
  say_fdstat("directory", dir);
  close(ro);
  close(dir);

  report_wasi("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_APPEND));
  say_fdstat("read-write file after set_flags append", rw);
  lseek(rw, 0, SEEK_SET);
  write(rw, "+", 1);
  report_wasi("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(rw, 0));
  say_fdstat("read-write file after set_flags 0", rw);
  close(rw);
  report_wasi("fd_fdstat_set_flags on closed fd", __wasi_fd_fdstat_set_flags(rw, 0));
  report_wasi("fd_fdstat_get on closed fd", __wasi_fd_fdstat_get(rw, &(__wasi_fdstat_t){0}));

  /* path_open may hand out fewer rights than asked, never more. */
  __wasi_fd_t limited = open_raw(3, "fdtable/data.txt", 0, __WASI_RIGHTS_FD_READ, 0);
  say_fdstat("file opened with only fd_read", limited);
  __wasi_fd_close(limited);
}

static void rights(void) {
  int fd = open(BASE "/rights.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "abc", 3);
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(fd, &st);
  __wasi_rights_t without_write = st.fs_rights_base & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE;
  report_wasi("fd_fdstat_set_rights drop fd_write",
              __wasi_fd_fdstat_set_rights(fd, without_write, st.fs_rights_inheriting));
  say_fdstat("file after dropping fd_write", fd);

  ssize_t n = write(fd, "d", 1);
  say("write without fd_write", "%s", n < 0 ? errno_name(errno) : "succeeded");
  char buf[8];
  n = pread(fd, buf, sizeof buf, 0);
  if (n < 0)
    say("pread still allowed", "%s", errno_name(errno));
  else
    say_bytes("pread still allowed", buf, (size_t)n);

  report_wasi("fd_fdstat_set_rights add fd_write back",
              __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base, st.fs_rights_inheriting));
  say_fdstat("file after trying to add fd_write", fd);

  __wasi_fd_fdstat_get(fd, &st);
  report_wasi("fd_fdstat_set_rights drop fd_seek and fd_tell",
              __wasi_fd_fdstat_set_rights(
                  fd, st.fs_rights_base & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL),
                  st.fs_rights_inheriting));
  __wasi_filesize_t pos;
  report_wasi("fd_seek without fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  report_wasi("fd_tell without fd_tell", __wasi_fd_tell(fd, &pos));
  close(fd);

  /* A directory whose inheriting rights lack fd_write opens no writable file. */
  int dir = open(BASE, O_RDONLY | O_DIRECTORY);
  __wasi_fd_fdstat_get(dir, &st);
  report_wasi("fd_fdstat_set_rights directory inheriting without fd_write",
              __wasi_fd_fdstat_set_rights(dir, st.fs_rights_base,
                                          st.fs_rights_inheriting & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE));
  __wasi_fd_t child;
  report_wasi("path_open for writing under restricted directory",
              __wasi_path_open(dir, 0, "rights.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &child));
  report_wasi("path_open for reading under restricted directory",
              __wasi_path_open(dir, 0, "rights.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &child));
  __wasi_fd_close(child);
  close(dir);
}

static void renumber(void) {
  /*
   * Park stdout on a spare descriptor, put a file at fd 1, print through
   * stdio, then move stdout back and show what the file received.
   */
  int spare = open(BASE "/spare.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int target = open(BASE "/captured.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  fflush(stdout);
  __wasi_errno_t park = __wasi_fd_renumber(1, spare);
  if (park) {
    /* Without a parked stdout, swapping a file in would lose the output. */
    report_wasi("fd_renumber stdout onto spare", park);
    return;
  }
  __wasi_errno_t swap = __wasi_fd_renumber(target, 1);
  printf("printf after fd_renumber onto stdout\n");
  fflush(stdout);
  __wasi_fdstat_t st;
  __wasi_errno_t old_gone = __wasi_fd_fdstat_get(target, &st);
  __wasi_errno_t restore = __wasi_fd_renumber(spare, 1);
  __wasi_errno_t spare_gone = __wasi_fd_fdstat_get(spare, &st);

  report_wasi("fd_renumber stdout onto spare", park);
  report_wasi("fd_renumber file onto stdout", swap);
  report_wasi("fd_fdstat_get on renumbered-away fd", old_gone);
  report_wasi("fd_renumber spare back onto stdout", restore);
  report_wasi("fd_fdstat_get on spare after restore", spare_gone);

  int fd = open(BASE "/captured.txt", O_RDONLY);
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf);
  say_bytes("captured.txt", buf, n > 0 ? (size_t)n : 0);

  int a = open(BASE "/a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  report_wasi("fd_renumber fd onto itself", __wasi_fd_renumber(a, a));
  say_fdstat("fd after renumber onto itself", a);
  report_wasi("fd_renumber from closed fd", __wasi_fd_renumber(1000, a));
  report_wasi("fd_renumber onto closed fd", __wasi_fd_renumber(a, 1000));
  say_fdstat("fd after failed renumber onto closed fd", a);
  close(a);
  close(fd);
}

static void closing(void) {
  int fd = open(BASE "/close.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  report_wasi("fd_close", __wasi_fd_close(fd));
  report_wasi("fd_close again", __wasi_fd_close(fd));
  report_wasi("fd_close never-opened fd", __wasi_fd_close(999));

  /* Closing the preopen removes it like any other descriptor. */
  report_wasi("fd_close preopen 3", __wasi_fd_close(3));
  __wasi_prestat_t ps;
  report_wasi("fd_prestat_get 3 after close", __wasi_fd_prestat_get(3, &ps));
  __wasi_fd_t out;
  report_wasi("path_open on closed preopen",
              __wasi_path_open(3, 0, "fdtable/data.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out));
}

int main(void) {
  preopens();
  report("mkdir " BASE, mkdir(BASE, 0755));
  int fd = open(BASE "/data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fd, "data", 4);
  close(fd);
  fdstat();
  rights();
  renumber();
  closing();
  return 0;
}
