/*
 * The escape suite's guest: a hostile program that tries, one case at a
 * time, to read, create, change or list something outside the directory it
 * was given (preopen fd 3, "/sandbox").
 *
 *   escape.wasm <case> [<absolute host path of the outside canary>]
 *   escape.wasm --list          prints every case name, one per line
 *
 * Output, one item per line:
 *   step <label>: <ERRNO>     an intermediate call (setup done by the guest)
 *   data: "<bytes>"           what was read from a file the guest got open
 *   entries: a/b/c            the sorted names a directory it got open lists
 *   link: "<bytes>"           the text of a symlink it read
 *   stat: <filetype> <size>   what a filestat returned
 *   result: <ERRNO>           the errno of the call the case is about
 *
 * Whenever a call hands the guest a descriptor, the guest reads or lists it
 * and prints what it saw: if the host let an escape through, the outside
 * canary's content or names show up in stdout, where the harness looks.
 * The tree the cases rely on is built by the harness
 * (test/sandbox/fixture.ts) before every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_raw.h"

#define PREOPEN 3
/* A string literal as (pointer, length); the length counts embedded NULs. */
#define LIT(s) (s), (sizeof(s) - 1)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define NOFOLLOW 0
/* Every right preview1 defines (bits 0-29); the host refuses undefined bits with inval. */
#define ALL_RIGHTS (((uint64_t)1 << 30) - 1)
#define CANARY "../outside/outside-canary.txt"

static const char *const errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

/* Names as the witx spells them, lower case, so the harness compares directly. */
static void print_errno(raw_errno e) {
  if (e < sizeof errno_names / sizeof errno_names[0]) {
    for (const char *p = errno_names[e]; *p; p++) putchar(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  } else {
    printf("errno-%u", (unsigned)e);
  }
}

static void step(const char *label, raw_errno e) {
  printf("step %s: ", label);
  print_errno(e);
  putchar('\n');
}

static void print_bytes(const char *label, const char *data, size_t len) {
  printf("%s: \"", label);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
      putchar(c);
    else
      printf("\\x%02x", c);
  }
  printf("\"\n");
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Closes a descriptor the guest opened; a failure is worth a line of its own. */
static void close_fd(uint32_t fd) {
  raw_errno e = __wasi_fd_close(fd);
  if (e != 0) step("fd_close", e);
}

/* Lists a directory descriptor: every name it yields, sorted, "/"-separated. */
static void list_directory(uint32_t fd) {
  static char buf[16384];
  static char names_storage[16384];
  const char *names[512];
  size_t count = 0, storage_used = 0;
  __wasi_dircookie_t cookie = 0;
  for (int round = 0; round < 64 && count < 512; round++) {
    __wasi_size_t used = 0;
    raw_errno e = __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, cookie, &used);
    if (e != 0) {
      step("fd_readdir", e);
      return;
    }
    size_t at = 0;
    while (at + sizeof(__wasi_dirent_t) <= used && count < 512) {
      __wasi_dirent_t entry;
      memcpy(&entry, buf + at, sizeof entry);
      at += sizeof entry;
      size_t len = entry.d_namlen;
      if (at + len > used) break; /* name cut off by the buffer; re-read from cookie */
      if (storage_used + len + 1 > sizeof names_storage) break;
      memcpy(names_storage + storage_used, buf + at, len);
      names_storage[storage_used + len] = '\0';
      names[count++] = names_storage + storage_used;
      storage_used += len + 1;
      at += len;
      cookie = entry.d_next;
    }
    if (used < sizeof buf) break;
  }
  qsort(names, count, sizeof names[0], compare_names);
  printf("entries: ");
  for (size_t i = 0; i < count; i++) printf("%s%s", i ? "/" : "", names[i]);
  putchar('\n');
}

/* Prints what an open descriptor gives away: a directory's names or a file's bytes. */
static void show_descriptor(uint32_t fd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_DIRECTORY) {
    list_directory(fd);
    return;
  }
  static char buf[4096];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t got = 0;
  raw_errno e = __wasi_fd_read(fd, &iov, 1, &got);
  if (e != 0)
    step("fd_read", e);
  else
    print_bytes("data", buf, got);
}

/* The inheriting rights of `dirfd`, or all rights if it has none to report. */
static uint64_t inheriting_of(uint32_t dirfd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(dirfd, &st) != 0) return ALL_RIGHTS;
  return st.fs_rights_inheriting;
}

/*
 * path_open asking for `wanted` rights, cut down to what `dirfd` may hand
 * out, as wasi-libc's open() does: the cases test paths, not rights, unless
 * they say so.
 */
static raw_errno open_at(uint32_t dirfd, uint32_t lookup, const char *path, size_t len,
                         uint32_t oflags, uint64_t wanted, uint32_t fdflags, uint32_t *fd) {
  uint64_t inheriting = inheriting_of(dirfd);
  return raw_path_open(dirfd, lookup, path, len, oflags, wanted & inheriting, inheriting, fdflags,
                       fd);
}

/*
 * The rights wasi-libc's open() asks for: everything but writing for a
 * read-only open, everything when the open creates or truncates. (Asking a
 * directory for write rights is refused by some hosts with isdir.)
 */
static uint64_t rights_for(uint32_t oflags) {
  if (oflags & (__WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC)) return ALL_RIGHTS;
  return ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE |
           __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
}

/* Opens, shows what the descriptor reveals, closes; returns path_open's errno. */
static raw_errno open_show(uint32_t dirfd, uint32_t lookup, const char *path, size_t len,
                           uint32_t oflags) {
  uint32_t fd = 0;
  raw_errno e = open_at(dirfd, lookup, path, len, oflags, rights_for(oflags), 0, &fd);
  if (e == 0) {
    show_descriptor(fd);
    close_fd(fd);
  }
  return e;
}

static raw_errno open_preopen(uint32_t lookup, const char *path, size_t len, uint32_t oflags) {
  return open_show(PREOPEN, lookup, path, len, oflags);
}

static raw_errno stat_show(uint32_t lookup, const char *path, size_t len) {
  __wasi_filestat_t st;
  raw_errno e = raw_path_filestat_get(PREOPEN, lookup, path, len, &st);
  if (e == 0) printf("stat: %u %llu\n", (unsigned)st.filetype, (unsigned long long)st.size);
  return e;
}

static raw_errno readlink_show(const char *path, size_t len) {
  static char buf[4096];
  size_t used = 0;
  raw_errno e = raw_path_readlink(PREOPEN, path, len, buf, sizeof buf, &used);
  if (e == 0) print_bytes("link", buf, used);
  return e;
}

static const char *outside_host_path = "";
static char big[12000];

/* ---- the cases ---------------------------------------------------------- */

/* Lexical escapes: "..", absolute paths, odd components. */
static raw_errno dotdot(void) { return open_preopen(FOLLOW, LIT(CANARY), 0); }
static raw_errno dotdot_chain(void) {
  return open_preopen(FOLLOW, LIT("../../../../../../../../../../etc/passwd"), 0);
}
static raw_errno descend_then_climb(void) {
  return open_preopen(FOLLOW, LIT("dir/../../outside/outside-canary.txt"), 0);
}
static raw_errno missing_then_climb(void) {
  return open_preopen(FOLLOW, LIT("a/../../outside/outside-canary.txt"), 0);
}
static raw_errno deep_climb(void) {
  return open_preopen(FOLLOW, LIT("dir/sub/../../../outside/outside-canary.txt"), 0);
}
static raw_errno dotdot_directory(void) {
  return open_preopen(FOLLOW, LIT(".."), __WASI_OFLAGS_DIRECTORY);
}
static raw_errno absolute_system_path(void) { return open_preopen(FOLLOW, LIT("/etc/passwd"), 0); }
static raw_errno absolute_preopen_name(void) {
  return open_preopen(FOLLOW, LIT("/sandbox/file.txt"), 0);
}
static raw_errno absolute_host_path(void) {
  return open_preopen(FOLLOW, outside_host_path, strlen(outside_host_path), 0);
}
static raw_errno dot_components(void) {
  return open_preopen(FOLLOW, LIT("./././../outside/outside-canary.txt"), 0);
}
static raw_errno double_slashes(void) {
  return open_preopen(FOLLOW, LIT("dir//..//..//outside/outside-canary.txt"), 0);
}
static raw_errno double_slash_inside(void) { return open_preopen(FOLLOW, LIT("dir//nested.txt"), 0); }
static raw_errno dot_inside(void) { return open_preopen(FOLLOW, LIT("./dir/./nested.txt"), 0); }
static raw_errno backslash_dotdot(void) {
  return open_preopen(FOLLOW, LIT("..\\outside\\outside-canary.txt"), 0);
}
static raw_errno nul_in_path(void) {
  return open_preopen(FOLLOW, LIT("file.txt\0/../../outside/outside-canary.txt"), 0);
}
static raw_errno nul_after_link(void) { return open_preopen(FOLLOW, LIT("link_up_canary\0"), 0); }
static raw_errno invalid_utf8(void) { return open_preopen(FOLLOW, LIT("\xff\xfe.txt"), 0); }
static raw_errno empty_path(void) { return open_preopen(FOLLOW, "", 0, 0); }
static raw_errno trailing_slash_file(void) { return open_preopen(FOLLOW, LIT("file.txt/"), 0); }

static raw_errno long_path(void) {
  size_t n = 0;
  while (n < 8000) {
    memcpy(big + n, "./", 2);
    n += 2;
  }
  memcpy(big + n, "file.txt", 8);
  return open_preopen(FOLLOW, big, n + 8, 0);
}
static raw_errno long_name(void) {
  memset(big, 'n', 300);
  return open_preopen(FOLLOW, big, 300, 0);
}
/* Long but under PATH_MAX: a limit on length is no substitute for confinement. */
static raw_errno long_climb(void) {
  size_t n = 0;
  for (int i = 0; i < 500; i++) {
    memcpy(big + n, "dir/../", 7);
    n += 7;
  }
  memcpy(big + n, CANARY, sizeof CANARY - 1);
  return open_preopen(FOLLOW, big, n + sizeof CANARY - 1, 0);
}

/* Symlinks the harness planted inside the sandbox. */
static raw_errno link_abs_dir(void) { return open_preopen(FOLLOW, LIT("link_etc/passwd"), 0); }
static raw_errno link_abs_file(void) { return open_preopen(FOLLOW, LIT("link_etc_passwd"), 0); }
static raw_errno link_abs_canary(void) { return open_preopen(FOLLOW, LIT("link_abs_canary"), 0); }
static raw_errno link_to_dotdot(void) {
  return open_preopen(FOLLOW, LIT("link_up/outside/outside-canary.txt"), 0);
}
static raw_errno link_to_outside_dir(void) {
  return open_preopen(FOLLOW, LIT("link_up_outside/outside-canary.txt"), 0);
}
static raw_errno link_final_outside(void) { return open_preopen(FOLLOW, LIT("link_up_canary"), 0); }
static raw_errno link_chain(void) { return open_preopen(FOLLOW, LIT("chain1"), 0); }
static raw_errno link_loop(void) { return open_preopen(FOLLOW, LIT("loop_a"), 0); }
static raw_errno link_self(void) { return open_preopen(FOLLOW, LIT("self"), 0); }
static raw_errno link_in_middle(void) { return open_preopen(FOLLOW, LIT("link_dir/nested.txt"), 0); }
static raw_errno link_dir_then_climb(void) {
  return open_preopen(FOLLOW, LIT("link_dir/../../outside/outside-canary.txt"), 0);
}
static raw_errno link_dir_parent_listing(void) {
  return open_preopen(FOLLOW, LIT("link_dir/../.."), __WASI_OFLAGS_DIRECTORY);
}
static raw_errno nested_link_upup(void) {
  return open_preopen(FOLLOW, LIT("dir/link_upup/outside/outside-canary.txt"), 0);
}
static raw_errno nested_link_up_inside(void) {
  return open_preopen(FOLLOW, LIT("dir/link_up_inside/file.txt"), 0);
}
static raw_errno link_out_and_back(void) { return open_preopen(FOLLOW, LIT("dir/link_out_and_back"), 0); }
static raw_errno dangling_outside(void) { return open_preopen(FOLLOW, LIT("dangling_out"), 0); }
static raw_errno dangling_inside(void) { return open_preopen(FOLLOW, LIT("dangling_in"), 0); }
static raw_errno create_through_dangling_outside(void) {
  return open_preopen(FOLLOW, LIT("dangling_out"), __WASI_OFLAGS_CREAT);
}
static raw_errno create_through_dangling_inside(void) {
  return open_preopen(FOLLOW, LIT("dangling_in"), __WASI_OFLAGS_CREAT);
}
static raw_errno create_through_linked_dir(void) {
  return open_preopen(FOLLOW, LIT("link_abs_outside/created.txt"), __WASI_OFLAGS_CREAT);
}
static raw_errno truncate_through_link(void) {
  return open_preopen(FOLLOW, LIT("link_up_canary"), __WASI_OFLAGS_TRUNC);
}
static raw_errno nofollow_final_link(void) { return open_preopen(NOFOLLOW, LIT("link_file"), 0); }
static raw_errno directory_nofollow_link(void) {
  return open_preopen(NOFOLLOW, LIT("link_dir"), __WASI_OFLAGS_DIRECTORY);
}
static raw_errno trailing_slash_link_to_file(void) { return open_preopen(FOLLOW, LIT("link_file/"), 0); }
static raw_errno listing_through_link_up(void) {
  return open_preopen(FOLLOW, LIT("link_up"), __WASI_OFLAGS_DIRECTORY);
}

/* readlink and filestat: reading a link's text is fine, following it is not. */
static raw_errno readlink_outside_target(void) { return readlink_show(LIT("link_abs_canary")); }
static raw_errno readlink_through_link_dir(void) {
  return readlink_show(LIT("link_up_outside/outside-link"));
}
static raw_errno readlink_dotdot(void) { return readlink_show(LIT("../outside/outside-link")); }
static raw_errno filestat_follow_outside(void) { return stat_show(FOLLOW, LIT("link_abs_canary")); }
static raw_errno filestat_nofollow_link(void) { return stat_show(NOFOLLOW, LIT("link_abs_canary")); }
static raw_errno filestat_dotdot(void) { return stat_show(FOLLOW, LIT(CANARY)); }
static raw_errno filestat_through_link_dir(void) {
  return stat_show(NOFOLLOW, LIT("link_up_outside/outside-canary.txt"));
}
static raw_errno set_times_through_link(void) {
  return raw_path_filestat_set_times(PREOPEN, FOLLOW, LIT("link_up_canary"), 0, 1000000000ull,
                                     __WASI_FSTFLAGS_MTIM);
}
static raw_errno set_times_dotdot(void) {
  return raw_path_filestat_set_times(PREOPEN, NOFOLLOW, LIT(CANARY), 0, 1000000000ull,
                                     __WASI_FSTFLAGS_MTIM);
}

/* Removing things. */
static raw_errno rmdir_dotdot(void) { return raw_path_remove_directory(PREOPEN, LIT("..")); }
static raw_errno rmdir_outside(void) {
  return raw_path_remove_directory(PREOPEN, LIT("../outside/outside-empty"));
}
static raw_errno rmdir_through_link_dir(void) {
  return raw_path_remove_directory(PREOPEN, LIT("link_up_outside/outside-empty"));
}
static raw_errno unlink_dotdot(void) { return raw_path_unlink_file(PREOPEN, LIT("..")); }
static raw_errno unlink_outside(void) { return raw_path_unlink_file(PREOPEN, LIT(CANARY)); }
static raw_errno unlink_through_link_dir(void) {
  return raw_path_unlink_file(PREOPEN, LIT("link_abs_outside/outside-canary.txt"));
}
static raw_errno unlink_link_itself(void) { return raw_path_unlink_file(PREOPEN, LIT("link_abs_canary")); }

/* Renames, hard links and symlinks that would move a name across the boundary. */
static raw_errno rename_out(void) {
  return raw_path_rename(PREOPEN, LIT("file.txt"), PREOPEN, LIT("../outside/stolen.txt"));
}
static raw_errno rename_in(void) {
  return raw_path_rename(PREOPEN, LIT(CANARY), PREOPEN, LIT("stolen.txt"));
}
static raw_errno rename_through_link_dir(void) {
  return raw_path_rename(PREOPEN, LIT("file.txt"), PREOPEN, LIT("link_abs_outside/stolen.txt"));
}
static raw_errno rename_link_then_follow(void) {
  step("path_rename", raw_path_rename(PREOPEN, LIT("link_abs_canary"), PREOPEN, LIT("renamed")));
  return open_preopen(FOLLOW, LIT("renamed"), 0);
}
static raw_errno hardlink_from_outside(void) {
  return raw_path_link(PREOPEN, 0, LIT(CANARY), PREOPEN, LIT("hard.txt"));
}
static raw_errno hardlink_following_link(void) {
  raw_errno e = raw_path_link(PREOPEN, FOLLOW, LIT("link_up_canary"), PREOPEN, LIT("hard.txt"));
  if (e == 0) open_preopen(NOFOLLOW, LIT("hard.txt"), 0);
  return e;
}
static raw_errno hardlink_of_link_then_follow(void) {
  step("path_link", raw_path_link(PREOPEN, 0, LIT("link_up_canary"), PREOPEN, LIT("hard.txt")));
  return open_preopen(FOLLOW, LIT("hard.txt"), 0);
}
static raw_errno hardlink_out(void) {
  return raw_path_link(PREOPEN, 0, LIT("file.txt"), PREOPEN, LIT("../outside/hard.txt"));
}
/* A link that cannot be made is the answer; one that was made is then followed. */
static raw_errno symlink_relative_escape(void) {
  raw_errno e = raw_path_symlink(LIT(CANARY), PREOPEN, LIT("mine"));
  step("path_symlink", e);
  return e != 0 ? e : open_preopen(FOLLOW, LIT("mine"), 0);
}
static raw_errno symlink_absolute_escape(void) {
  raw_errno e = raw_path_symlink(LIT("/etc/passwd"), PREOPEN, LIT("mine"));
  step("path_symlink", e);
  return e != 0 ? e : open_preopen(FOLLOW, LIT("mine"), 0);
}
static raw_errno symlink_dotdot_traverse(void) {
  raw_errno e = raw_path_symlink(LIT(".."), PREOPEN, LIT("up2"));
  step("path_symlink", e);
  return e != 0 ? e : open_preopen(FOLLOW, LIT("up2/outside/outside-canary.txt"), 0);
}
static raw_errno symlink_absolute_root(void) {
  return raw_path_symlink(LIT("/"), PREOPEN, LIT("root"));
}
static raw_errno symlink_nested_climb(void) {
  return raw_path_symlink(LIT("../../outside"), PREOPEN, LIT("dir/up3"));
}
static raw_errno symlink_nested_inside(void) {
  raw_errno e = raw_path_symlink(LIT("../file.txt"), PREOPEN, LIT("dir/back"));
  step("path_symlink", e);
  return e != 0 ? e : open_preopen(FOLLOW, LIT("dir/back"), 0);
}
static raw_errno symlink_above_dir_fd(void) {
  uint32_t dir;
  raw_errno e = open_at(PREOPEN, FOLLOW, LIT("dir"), __WASI_OFLAGS_DIRECTORY, rights_for(0), 0, &dir);
  step("open dir", e);
  if (e != 0) return e;
  e = raw_path_symlink(LIT("../file.txt"), dir, LIT("up_from_dir"));
  close_fd(dir);
  return e;
}
static raw_errno symlink_placed_outside(void) {
  return raw_path_symlink(LIT("file.txt"), PREOPEN, LIT("../outside/planted"));
}
static raw_errno mkdir_outside(void) {
  return raw_path_create_directory(PREOPEN, LIT("../outside/made"));
}
static raw_errno mkdir_through_link_dir(void) {
  return raw_path_create_directory(PREOPEN, LIT("link_abs_outside/made"));
}
static raw_errno mkdir_on_dangling_link(void) {
  return raw_path_create_directory(PREOPEN, LIT("dangling_out_dir"));
}

/* Descriptors: confinement per directory fd, rights, fds of the wrong kind. */
static raw_errno subdir_fd_climb(void) {
  uint32_t dir;
  raw_errno e = open_at(PREOPEN, FOLLOW, LIT("dir"), __WASI_OFLAGS_DIRECTORY, rights_for(0), 0, &dir);
  step("open dir", e);
  if (e != 0) return e;
  e = open_show(dir, FOLLOW, LIT("../file.txt"), 0);
  close_fd(dir);
  return e;
}
static raw_errno dotdot_trick_dir_fd(void) {
  uint32_t dir;
  raw_errno e = open_at(PREOPEN, FOLLOW, LIT("dir/.."), __WASI_OFLAGS_DIRECTORY, rights_for(0), 0,
                        &dir);
  step("open dir/..", e);
  if (e != 0) return e;
  show_descriptor(dir);
  e = open_show(dir, FOLLOW, LIT(CANARY), 0);
  close_fd(dir);
  return e;
}
static raw_errno file_fd_as_dir(void) {
  uint32_t file;
  raw_errno e = open_at(PREOPEN, FOLLOW, LIT("file.txt"), 0, ALL_RIGHTS, 0, &file);
  step("open file.txt", e);
  if (e != 0) return e;
  e = open_show(file, FOLLOW, LIT("x"), 0);
  close_fd(file);
  return e;
}
static raw_errno stdout_as_dir(void) { return open_show(1, FOLLOW, LIT("file.txt"), 0); }
static raw_errno closed_fd_as_dir(void) { return open_show(77, FOLLOW, LIT("file.txt"), 0); }
static raw_errno readdir_on_file(void) {
  uint32_t file;
  raw_errno e = open_at(PREOPEN, FOLLOW, LIT("file.txt"), 0, ALL_RIGHTS, 0, &file);
  step("open file.txt", e);
  if (e != 0) return e;
  static char buf[256];
  __wasi_size_t used = 0;
  e = __wasi_fd_readdir(file, (uint8_t *)buf, sizeof buf, 0, &used);
  close_fd(file);
  return e;
}
static raw_errno write_on_read_only_fd(void) {
  uint32_t fd;
  raw_errno e = raw_path_open(PREOPEN, FOLLOW, LIT("file.txt"), 0,
                              __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &fd);
  step("open read-only", e);
  if (e != 0) return e;
  __wasi_ciovec_t iov = {(const uint8_t *)"overwritten", 11};
  __wasi_size_t wrote = 0;
  e = __wasi_fd_write(fd, &iov, 1, &wrote);
  close_fd(fd);
  open_preopen(FOLLOW, LIT("file.txt"), 0);
  return e;
}
static raw_errno read_on_write_only_fd(void) {
  uint32_t fd;
  raw_errno e = raw_path_open(PREOPEN, FOLLOW, LIT("file.txt"), 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  step("open write-only", e);
  if (e != 0) return e;
  static char buf[64];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t got = 0;
  e = __wasi_fd_read(fd, &iov, 1, &got);
  if (e == 0) print_bytes("data", buf, got);
  close_fd(fd);
  return e;
}
/*
 * Asking for more rights than the directory may hand down: the host may
 * refuse the open, or open with the rights it may give; either way the
 * guest must not end up able to write. The result is fd_write's errno when
 * the open succeeded.
 */
static raw_errno rights_escalation(void) {
  uint32_t dir;
  uint64_t dir_rights = __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR;
  uint64_t handed_down = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK;
  raw_errno e = raw_path_open(PREOPEN, FOLLOW, LIT("dir"), __WASI_OFLAGS_DIRECTORY, dir_rights,
                              handed_down, 0, &dir);
  step("open dir with read-only inheriting rights", e);
  if (e != 0) return e;
  uint32_t fd;
  e = raw_path_open(dir, FOLLOW, LIT("nested.txt"), 0,
                    __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  step("open nested.txt asking for fd_write", e);
  close_fd(dir);
  if (e == 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)"overwritten", 11};
    __wasi_size_t wrote = 0;
    e = __wasi_fd_write(fd, &iov, 1, &wrote);
    close_fd(fd);
  }
  /* Whichever call refused, the file must be unchanged. */
  open_preopen(FOLLOW, LIT("dir/nested.txt"), 0);
  return e;
}
static raw_errno undefined_rights_bits(void) {
  uint32_t fd;
  raw_errno e = raw_path_open(PREOPEN, FOLLOW, LIT("file.txt"), 0, ~(uint64_t)0, ~(uint64_t)0, 0, &fd);
  if (e == 0) close_fd(fd);
  return e;
}
static raw_errno prestat_name(void) {
  __wasi_prestat_t pre;
  raw_errno e = __wasi_fd_prestat_get(PREOPEN, &pre);
  if (e != 0) return e;
  static char name[4096];
  size_t len = pre.u.dir.pr_name_len < sizeof name ? pre.u.dir.pr_name_len : sizeof name;
  e = __wasi_fd_prestat_dir_name(PREOPEN, (uint8_t *)name, len);
  if (e == 0) print_bytes("preopen", name, len);
  return e;
}

struct escape_case {
  const char *name;
  raw_errno (*run)(void);
};

#define CASE(name) {#name, name}
static const struct escape_case cases[] = {
    CASE(dotdot), CASE(dotdot_chain), CASE(descend_then_climb), CASE(missing_then_climb),
    CASE(deep_climb), CASE(dotdot_directory), CASE(absolute_system_path),
    CASE(absolute_preopen_name), CASE(absolute_host_path), CASE(dot_components),
    CASE(double_slashes), CASE(double_slash_inside), CASE(dot_inside), CASE(backslash_dotdot),
    CASE(nul_in_path), CASE(nul_after_link), CASE(invalid_utf8), CASE(empty_path),
    CASE(trailing_slash_file), CASE(long_path), CASE(long_name), CASE(long_climb),
    CASE(link_abs_dir), CASE(link_abs_file), CASE(link_abs_canary), CASE(link_to_dotdot),
    CASE(link_to_outside_dir), CASE(link_final_outside), CASE(link_chain), CASE(link_loop),
    CASE(link_self), CASE(link_in_middle), CASE(link_dir_then_climb),
    CASE(link_dir_parent_listing), CASE(nested_link_upup), CASE(nested_link_up_inside),
    CASE(link_out_and_back), CASE(dangling_outside), CASE(dangling_inside),
    CASE(create_through_dangling_outside), CASE(create_through_dangling_inside),
    CASE(create_through_linked_dir), CASE(truncate_through_link), CASE(nofollow_final_link),
    CASE(directory_nofollow_link), CASE(trailing_slash_link_to_file),
    CASE(listing_through_link_up), CASE(readlink_outside_target),
    CASE(readlink_through_link_dir), CASE(readlink_dotdot), CASE(filestat_follow_outside),
    CASE(filestat_nofollow_link), CASE(filestat_dotdot), CASE(filestat_through_link_dir),
    CASE(set_times_through_link), CASE(set_times_dotdot), CASE(rmdir_dotdot),
    CASE(rmdir_outside), CASE(rmdir_through_link_dir), CASE(unlink_dotdot),
    CASE(unlink_outside), CASE(unlink_through_link_dir), CASE(unlink_link_itself),
    CASE(rename_out), CASE(rename_in), CASE(rename_through_link_dir),
    CASE(rename_link_then_follow), CASE(hardlink_from_outside), CASE(hardlink_following_link),
    CASE(hardlink_of_link_then_follow), CASE(hardlink_out), CASE(symlink_relative_escape),
    CASE(symlink_absolute_escape), CASE(symlink_dotdot_traverse), CASE(symlink_absolute_root),
    CASE(symlink_nested_climb), CASE(symlink_nested_inside), CASE(symlink_above_dir_fd),
    CASE(symlink_placed_outside),
    CASE(mkdir_outside), CASE(mkdir_through_link_dir), CASE(mkdir_on_dangling_link),
    CASE(subdir_fd_climb), CASE(dotdot_trick_dir_fd), CASE(file_fd_as_dir),
    CASE(stdout_as_dir), CASE(closed_fd_as_dir), CASE(readdir_on_file),
    CASE(write_on_read_only_fd), CASE(read_on_write_only_fd), CASE(rights_escalation),
    CASE(undefined_rights_bits), CASE(prestat_name),
};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: escape.wasm <case> [outside-canary-host-path] | --list\n");
    return 2;
  }
  if (strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) printf("%s\n", cases[i].name);
    return 0;
  }
  if (argc > 2) outside_host_path = argv[2];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (strcmp(cases[i].name, argv[1]) == 0) {
      raw_errno e = cases[i].run();
      printf("result: ");
      print_errno(e);
      putchar('\n');
      return 0;
    }
  }
  fprintf(stderr, "unknown case %s\n", argv[1]);
  return 2;
}
