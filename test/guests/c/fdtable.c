/*
 * The descriptor table: fd_prestat_get/fd_prestat_dir_name enumeration,
 * fd_fdstat_get (type, flags, rights), fd_fdstat_set_flags,
 * fd_fdstat_set_rights (rights can only shrink, and a dropped right is
 * enforced), fd_renumber between files and fd_close, last of all on the
 * preopen itself.
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

/*
 * path_open may drop rights that do not apply to the file type, so only the
 * rights that do apply are printed: read/write/seek for regular files,
 * path_open/fd_readdir for directories.
 */
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
  if (st.fs_filetype == __WASI_FILETYPE_DIRECTORY) {
    snprintf(label, sizeof label, "%s rights path_open/fd_readdir", what);
    say(label, "%s/%s", yes_no(has(st.fs_rights_base, __WASI_RIGHTS_PATH_OPEN)),
        yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_READDIR)));
  } else {
    snprintf(label, sizeof label, "%s rights fd_read/fd_write/fd_seek", what);
    say(label, "%s/%s/%s", yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_READ)),
        yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_WRITE)),
        yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_SEEK)));
  }
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

  /* Raw call: libc's write() reports a missing right as EBADF. */
  __wasi_ciovec_t d = {(const uint8_t *)"d", 1};
  __wasi_size_t written = 0;
  report_wasi("fd_write without fd_write", __wasi_fd_write(fd, &d, 1, &written));
  char buf[8];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
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
  report_wasi("fd_fdstat_set_rights add fd_write back to inheriting",
              __wasi_fd_fdstat_set_rights(dir, st.fs_rights_base, st.fs_rights_inheriting));
  __wasi_fd_t child;
  report_wasi("path_open for writing under restricted directory",
              __wasi_path_open(dir, 0, "rights.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &child));
  report_wasi("path_open for reading under restricted directory",
              __wasi_path_open(dir, 0, "rights.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &child));
  __wasi_fd_close(child);
  close(dir);
}

/*
 * The preopen opened again through itself, as wasmtime's path_open_preopen
 * test does: with its own rights (which hold fd_datasync, one of the rights
 * that make an open a writing one), with none, with oflags.directory; and a
 * directory asked for with rights only files have (read, seek, allocate,
 * set_size), which it opens without, unlike fd_write (EISDIR, as open(2)).
 */
static void reopen_directories(void) {
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(3, &st);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  report_wasi("path_open . with the preopen's own rights",
              __wasi_path_open(3, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &fd));
  say_fdstat(". with the preopen's own rights", fd);
  __wasi_fd_close(fd);
  report_wasi("path_open . with no rights", __wasi_path_open(3, 0, ".", 0, 0, 0, 0, &fd));
  __wasi_fd_close(fd);
  report_wasi("path_open . directory, no rights", __wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
  __wasi_fd_close(fd);
  report_wasi("path_open . directory, fd_read",
              __wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  __wasi_fd_close(fd);
  __wasi_rights_t file_only = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_ALLOCATE |
                              __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
  report_wasi("path_open fdtable with file-only rights",
              __wasi_path_open(3, 0, "fdtable", 0, file_only, 0, 0, &fd));
  if (__wasi_fd_fdstat_get(fd, &st) == 0) {
    say("fdtable with file-only rights: filetype, fd_allocate granted", "%s, %s", filetype_name(st.fs_filetype),
        yes_no(has(st.fs_rights_base, __WASI_RIGHTS_FD_ALLOCATE)));
    __wasi_fd_close(fd);
  }
  report_wasi("path_open fdtable with fd_read and fd_write",
              __wasi_path_open(3, 0, "fdtable", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  report_wasi("path_open fdtable with fd_allocate and trunc",
              __wasi_path_open(3, 0, "fdtable", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_ALLOCATE, 0, 0, &fd));
}

/* Reads a whole file and prints its bytes. */
static void show_file(const char *label, const char *path) {
  int fd = open(path, O_RDONLY);
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf);
  say_bytes(label, buf, n > 0 ? (size_t)n : 0);
  close(fd);
}

/* Renumbering between files; stdout is renumber.c's concern. */
static void renumber(void) {
  int a = open(BASE "/ren-a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  int b = open(BASE "/ren-b.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(a, "A", 1);
  write(b, "B", 1);
  report_wasi("fd_renumber a onto b", __wasi_fd_renumber(a, b));
  report_wasi("fd_fdstat_get on a after renumber", __wasi_fd_fdstat_get(a, &(__wasi_fdstat_t){0}));
  /* b now is a's open file description, offset included. */
  write(b, "+", 1);
  show_file("ren-a.txt after writing through b", BASE "/ren-a.txt");
  show_file("ren-b.txt after its fd was replaced", BASE "/ren-b.txt");

  report_wasi("fd_renumber fd onto itself", __wasi_fd_renumber(b, b));
  say_fdstat("fd after renumber onto itself", b);
  report_wasi("fd_renumber from closed fd", __wasi_fd_renumber(a, b));
  report_wasi("fd_renumber onto closed fd", __wasi_fd_renumber(b, a));
  say_fdstat("fd after failed renumber onto closed fd", b);
  close(b);
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
  reopen_directories();
  renumber();
  closing();
  return 0;
}
