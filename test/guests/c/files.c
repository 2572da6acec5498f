/*
 * Regular files: path_open with creat/trunc/excl, fd_read/fd_write with
 * several iovecs, fd_pread/fd_pwrite, fd_seek with every whence, fd_tell,
 * append mode, fd_filestat_set_size, fd_allocate, fd_advise, fd_sync,
 * fd_datasync, fd_filestat_get, fd_filestat_set_times (libc futimens and
 * raw) and fd_fdstat_get/fd_fdstat_set_flags as seen through fcntl.
 *
 * Every file lives in /sandbox/files; contents and sizes are printed in full
 * so that a host that writes the wrong bytes fails the comparison.
 */
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BASE SANDBOX "/files"

/* Reads the whole file at path and prints its bytes. */
static void show_file(const char *label, const char *path) {
  char buf[512];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    say(label, "open failed: %s", errno_name(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0)
    say(label, "read failed: %s", errno_name(errno));
  else
    say_bytes(label, buf, (size_t)n);
  close(fd);
}

static long long size_of(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return -1;
  return (long long)st.st_size;
}

static void say_offset(const char *label, off_t off) {
  if (off < 0)
    say(label, "%s", errno_name(errno));
  else
    say(label, "%lld", (long long)off);
}

static void say_count(const char *label, ssize_t n) {
  if (n < 0)
    say(label, "%s", errno_name(errno));
  else
    say(label, "%zd bytes", n);
}

static void open_flags(void) {
  int fd = open(BASE "/a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  report("open creat|trunc new file", fd);
  say_count("write hello", write(fd, "hello world\n", 12));
  close(fd);
  show_file("a.txt after write", BASE "/a.txt");

  report("open creat|excl existing file", open(BASE "/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
  report("open missing file without creat", open(BASE "/missing.txt", O_RDONLY));
  fd = open(BASE "/b.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
  report("open creat|excl new file", fd);
  close(fd);

  fd = open(BASE "/a.txt", O_RDWR);
  report("open existing file read-write", fd);
  say("size without trunc", "%lld", size_of(fd));
  close(fd);
  fd = open(BASE "/a.txt", O_RDWR | O_TRUNC);
  report("open existing file with trunc", fd);
  say("size after trunc", "%lld", size_of(fd));
  close(fd);

  report("open directory for writing", open(BASE, O_WRONLY));
  report("open file with O_DIRECTORY", open(BASE "/a.txt", O_RDONLY | O_DIRECTORY));
  report("open path through a file", open(BASE "/a.txt/x", O_RDONLY));
}

static void vectored_io(void) {
  int fd = open(BASE "/v.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct iovec out[4] = {
      {"abc", 3}, {"", 0}, {"defgh", 5}, {"ij\n", 3},
  };
  say_count("writev 4 iovecs", writev(fd, out, 4));
  say_offset("offset after writev", lseek(fd, 0, SEEK_CUR));

  lseek(fd, 0, SEEK_SET);
  char a[4], b[1], c[3], d[100];
  struct iovec in[4] = {{a, 4}, {b, 0}, {c, 3}, {d, sizeof d}};
  ssize_t n = readv(fd, in, 4);
  say_count("readv 4 iovecs", n);
  say_bytes("readv iovec 0", a, 4);
  say_bytes("readv iovec 2", c, 3);
  say_bytes("readv iovec 3", d, n > 7 ? (size_t)(n - 7) : 0);
  say_count("read at end of file", read(fd, d, sizeof d));

  /* pwrite/pread neither use nor move the offset. */
  lseek(fd, 1, SEEK_SET);
  say_count("pwrite XYZ at 2", pwrite(fd, "XYZ", 3, 2));
  say_offset("offset after pwrite", lseek(fd, 0, SEEK_CUR));
  say_count("pread 6 at 0", pread(fd, d, 6, 0));
  say_bytes("pread data", d, 6);
  say_offset("offset after pread", lseek(fd, 0, SEEK_CUR));
  say_count("pread past end", pread(fd, d, 10, 1000));

  struct iovec pout[3] = {{"12", 2}, {"", 0}, {"345", 3}};
  say_count("pwritev 3 iovecs at 6", pwritev(fd, pout, 3, 6));
  char p1[3], p2[4];
  struct iovec pin[2] = {{p1, 3}, {p2, 4}};
  say_count("preadv 2 iovecs at 4", preadv(fd, pin, 2, 4));
  say_bytes("preadv iovec 0", p1, 3);
  say_bytes("preadv iovec 1", p2, 4);
  close(fd);
  show_file("v.txt after vectored io", BASE "/v.txt");

  /* writev to stdout reaches the host's stdout in order. */
  fflush(stdout);
  struct iovec line[3] = {{"stdout writev: ", 15}, {"one ", 4}, {"two\n", 4}};
  writev(STDOUT_FILENO, line, 3);
}

static void seeking(void) {
  int fd = open(BASE "/s.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789", 10);
  say_offset("lseek SEEK_SET 3", lseek(fd, 3, SEEK_SET));
  say_offset("lseek SEEK_CUR +2", lseek(fd, 2, SEEK_CUR));
  say_offset("lseek SEEK_CUR -1", lseek(fd, -1, SEEK_CUR));
  char c;
  read(fd, &c, 1);
  say("byte read at offset 4", "%c", c);
  say_offset("lseek SEEK_END 0", lseek(fd, 0, SEEK_END));
  say_offset("lseek SEEK_END -3", lseek(fd, -3, SEEK_END));
  read(fd, &c, 1);
  say("byte read at END-3", "%c", c);
  say_offset("lseek to negative offset", lseek(fd, -100, SEEK_CUR));
  say_offset("offset after failed lseek", lseek(fd, 0, SEEK_CUR));

  __wasi_filesize_t pos = 0;
  report_wasi("fd_tell", __wasi_fd_tell(fd, &pos));
  say("fd_tell value", "%llu", (unsigned long long)pos);
  __wasi_fd_seek(fd, 7, __WASI_WHENCE_SET, &pos);
  __wasi_fd_tell(fd, &pos);
  say("fd_tell after fd_seek SET 7", "%llu", (unsigned long long)pos);
  report_wasi("fd_seek invalid whence 3", __wasi_fd_seek(fd, 0, 3, &pos));

  /* Writing past the end leaves a hole that reads back as zeros. */
  say_offset("lseek SEEK_END +2", lseek(fd, 2, SEEK_END));
  write(fd, "!", 1);
  close(fd);
  show_file("s.txt after write past end", BASE "/s.txt");
}

static void append_mode(void) {
  int fd = open(BASE "/ap.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fd, "first\n", 6);
  close(fd);

  fd = open(BASE "/ap.txt", O_WRONLY | O_APPEND);
  report("open O_APPEND", fd);
  lseek(fd, 0, SEEK_SET);
  say_count("write after seeking to 0", write(fd, "second\n", 7));
  say_offset("offset after append write", lseek(fd, 0, SEEK_CUR));
  close(fd);
  show_file("ap.txt after append", BASE "/ap.txt");
}

static void sizes(void) {
  int fd = open(BASE "/t.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "abcdefgh", 8);
  report("ftruncate to 4", ftruncate(fd, 4));
  say("size after shrink", "%lld", size_of(fd));
  report("ftruncate to 6", ftruncate(fd, 6));
  say("size after grow", "%lld", size_of(fd));
  close(fd);
  show_file("t.txt after truncates", BASE "/t.txt");

  fd = open(BASE "/t.txt", O_RDWR);
  /* posix_fallocate returns the error number instead of setting errno. */
  int rc = posix_fallocate(fd, 0, 100);
  say("posix_fallocate 0+100", "%s", rc == 0 ? "ok" : errno_name(rc));
  say("size after fallocate grow", "%lld", size_of(fd));
  rc = posix_fallocate(fd, 10, 20);
  say("posix_fallocate 10+20 inside file", "%s", rc == 0 ? "ok" : errno_name(rc));
  say("size after fallocate inside", "%lld", size_of(fd));
  report_wasi("fd_allocate 90+20", __wasi_fd_allocate(fd, 90, 20));
  say("size after fd_allocate past end", "%lld", size_of(fd));
  char buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  pread(fd, buf, 8, 100);
  say_bytes("bytes 100..107 after allocate", buf, 8);

  rc = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  say("posix_fadvise SEQUENTIAL", "%s", rc == 0 ? "ok" : errno_name(rc));
  rc = posix_fadvise(fd, 0, 50, POSIX_FADV_DONTNEED);
  say("posix_fadvise DONTNEED", "%s", rc == 0 ? "ok" : errno_name(rc));
  report_wasi("fd_advise WILLNEED", __wasi_fd_advise(fd, 10, 10, __WASI_ADVICE_WILLNEED));
  report_wasi("fd_advise invalid advice 99", __wasi_fd_advise(fd, 0, 0, 99));

  report("fsync", fsync(fd));
  report("fdatasync", fdatasync(fd));
  close(fd);
  report("ftruncate closed fd", ftruncate(fd, 0));
  report("fsync closed fd", fsync(fd));
}

static void file_stat(void) {
  int fd = open(BASE "/st.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789abc", 13);
  struct stat st;
  report("fstat", fstat(fd, &st));
  say("fstat size", "%lld", (long long)st.st_size);
  say("fstat is regular file", "%s", yes_no(S_ISREG(st.st_mode)));
  say("fstat nlink", "%llu", (unsigned long long)st.st_nlink);

  __wasi_filestat_t fs;
  report_wasi("fd_filestat_get", __wasi_fd_filestat_get(fd, &fs));
  say("fd_filestat_get filetype", "%s", filetype_name(fs.filetype));
  say("fd_filestat_get size", "%llu", (unsigned long long)fs.size);
  say("fd_filestat_get nlink", "%llu", (unsigned long long)fs.nlink);
  say("fd_filestat_get matches fstat dev/ino", "%s",
      yes_no(fs.dev == (uint64_t)st.st_dev && fs.ino == (uint64_t)st.st_ino));

  /* Fractions that binary floating point holds exactly survive any host. */
  struct timespec times[2] = {{1000, 500000000}, {2000, 250000000}};
  report("futimens atime=1000.5 mtime=2000.25", futimens(fd, times));
  fstat(fd, &st);
  say("atime", "%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  say("mtime", "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  struct timespec omit_atime[2] = {{0, UTIME_OMIT}, {3000, 0}};
  report("futimens atime=OMIT mtime=3000", futimens(fd, omit_atime));
  fstat(fd, &st);
  say("atime after OMIT", "%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  say("mtime after set", "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  struct timespec now_atime[2] = {{0, UTIME_NOW}, {3000, 0}};
  report("futimens atime=NOW mtime=3000", futimens(fd, now_atime));
  fstat(fd, &st);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  long long age = (long long)wall.tv_sec - (long long)st.st_atim.tv_sec;
  say("atime after UTIME_NOW is within a minute of realtime", "%s", yes_no(age >= -60 && age <= 60));
  say("mtime next to UTIME_NOW", "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  /*
   * UTIME_NOW and UTIME_OMIT for mtime go through the raw call: the wasi-libc
   * build used here turns them into EINVAL (and times == NULL into the
   * epoch) before the host is reached.
   */
  report_wasi("fd_filestat_set_times ATIM_NOW only",
              __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW));
  fstat(fd, &st);
  clock_gettime(CLOCK_REALTIME, &wall);
  age = (long long)wall.tv_sec - (long long)st.st_atim.tv_sec;
  say("atime after ATIM_NOW is within a minute of realtime", "%s", yes_no(age >= -60 && age <= 60));
  say("mtime after ATIM_NOW only", "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  report_wasi("fd_filestat_set_times ATIM=1500s only",
              __wasi_fd_filestat_set_times(fd, UINT64_C(1500000000000), 0, __WASI_FSTFLAGS_ATIM));
  report_wasi("fd_filestat_set_times MTIM_NOW only",
              __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  fstat(fd, &st);
  clock_gettime(CLOCK_REALTIME, &wall);
  age = (long long)wall.tv_sec - (long long)st.st_mtim.tv_sec;
  say("mtime after MTIM_NOW is within a minute of realtime", "%s", yes_no(age >= -60 && age <= 60));
  say("atime after MTIM_NOW only", "%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  report_wasi("fd_filestat_set_times no flags", __wasi_fd_filestat_set_times(fd, 0, 0, 0));
  fstat(fd, &st);
  say("atime after no flags", "%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);

  report_wasi("fd_filestat_set_times mtim=4000s",
              __wasi_fd_filestat_set_times(fd, 0, UINT64_C(4000000000000), __WASI_FSTFLAGS_MTIM));
  __wasi_fd_filestat_get(fd, &fs);
  say("fd_filestat_get mtim seconds", "%llu", (unsigned long long)(fs.mtim / 1000000000u));
  report_wasi("fd_filestat_set_times ATIM together with ATIM_NOW",
              __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  report_wasi("fd_filestat_set_times MTIM together with MTIM_NOW",
              __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  report_wasi("fd_filestat_set_size 3", __wasi_fd_filestat_set_size(fd, 3));
  __wasi_fd_filestat_get(fd, &fs);
  say("fd_filestat_get size after set_size", "%llu", (unsigned long long)fs.size);
  close(fd);
}

static const char *accmode_name(int flags) {
  switch (flags & O_ACCMODE) {
  case O_RDONLY: return "O_RDONLY";
  case O_WRONLY: return "O_WRONLY";
  case O_RDWR: return "O_RDWR";
  default: return "other";
  }
}

static void say_getfl(const char *label, int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) {
    say(label, "%s", errno_name(errno));
    return;
  }
  say(label, "%s append=%s nonblock=%s", accmode_name(flags),
      yes_no(flags & O_APPEND), yes_no(flags & O_NONBLOCK));
}

static void fs_flags_of(const char *label, int fd) {
  __wasi_fdstat_t st;
  __wasi_errno_t err = __wasi_fd_fdstat_get(fd, &st);
  if (err)
    say(label, "%s", errno_name(err));
  else
    say(label, "0x%x", (unsigned)st.fs_flags);
}

static void fcntl_flags(void) {
  int fd = open(BASE "/fl.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  say_getfl("F_GETFL read-write file", fd);
  fs_flags_of("fs_flags of read-write file", fd);
  report("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
  say_getfl("F_GETFL after F_SETFL", fd);
  fs_flags_of("fs_flags after F_SETFL", fd);
  write(fd, "one", 3);
  lseek(fd, 0, SEEK_SET);
  write(fd, "two", 3);
  report("F_SETFL 0", fcntl(fd, F_SETFL, 0));
  say_getfl("F_GETFL after clearing", fd);
  fs_flags_of("fs_flags after clearing", fd);
  lseek(fd, 0, SEEK_SET);
  write(fd, "X", 1);
  close(fd);
  show_file("fl.txt after append toggling", BASE "/fl.txt");

  fd = open(BASE "/fl.txt", O_RDONLY);
  say_getfl("F_GETFL read-only file", fd);
  fs_flags_of("fs_flags of read-only file", fd);
  say_count("write to read-only fd", write(fd, "z", 1));
  /* libc's write() reports a missing right as EBADF; the raw call shows the host's answer. */
  __wasi_ciovec_t z = {(const uint8_t *)"z", 1};
  __wasi_size_t n = 0;
  report_wasi("fd_write to read-only fd", __wasi_fd_write(fd, &z, 1, &n));
  close(fd);
  fd = open(BASE "/fl.txt", O_WRONLY);
  say_getfl("F_GETFL write-only file", fd);
  char c;
  say_count("read from write-only fd", read(fd, &c, 1));
  __wasi_iovec_t in = {(uint8_t *)&c, 1};
  report_wasi("fd_read from write-only fd", __wasi_fd_read(fd, &in, 1, &n));
  close(fd);
  fd = open(BASE "/fl.txt", O_WRONLY | O_APPEND);
  say_getfl("F_GETFL opened with O_APPEND", fd);
  fs_flags_of("fs_flags opened with O_APPEND", fd);
  close(fd);

  report("F_GETFL closed fd", fcntl(fd, F_GETFL));
  say_count("write to closed fd", write(fd, "z", 1));
  report("close closed fd", close(fd));
}

int main(void) {
  report("mkdir " BASE, mkdir(BASE, 0755));
  open_flags();
  vectored_io();
  seeking();
  append_mode();
  sizes();
  file_stat();
  fcntl_flags();
  return 0;
}
