/*
 * Path operations confined beneath a directory descriptor, for the Node host
 * on Linux (src/impl/node/native-beneath.ts loads this; SECURITY.md explains
 * the model).
 *
 * Every walk of a guest path is done by the kernel, in one openat2(2) call
 * with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS from the directory descriptor
 * the guest named: the kernel refuses, atomically and for every component
 * (symlink targets included), any step that would leave that directory
 * (`..` above it, an absolute symlink: EXDEV), whatever is renamed or swapped
 * concurrently. The final component of a non-opening call is then handed to an
 * *at call on the opened parent with no following of a link there
 * (AT_SYMLINK_NOFOLLOW, or calls that never follow: unlinkat, mkdirat,
 * renameat, linkat without AT_SYMLINK_FOLLOW, symlinkat, readlinkat).
 *
 * Calling convention, to keep each call cheap: numbers and strings in, one
 * int32 out: a result >= 0, a negated Linux errno, or one of the two codes
 * below. stat results go into a BigInt64Array the caller reuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The walk tried to leave the directory (EXDEV from RESOLVE_BENEATH). */
#define CODE_ESCAPE (-5001)
/* Not decided here: the caller's own resolver answers (see native-beneath.ts). */
#define CODE_FALLBACK (-5002)

/* PATH_MAX: longer guest paths are left to the caller's resolver. */
#define PATH_BUFFER 4096
#define RESOLVE_CONFINED (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
/* RESOLVE_BENEATH answers EAGAIN when a rename raced a walk through "..": retry, then let the caller decide. */
#define EAGAIN_RETRIES 16

static int open_beneath(int dirfd, const char *path, int flags, unsigned mode) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (unsigned long long)(flags | O_CLOEXEC);
  /* openat2 refuses a mode without a flag that creates. */
  how.mode = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_CONFINED;
  for (int attempt = 0; attempt < EAGAIN_RETRIES; attempt++) {
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0) return (int)fd;
    if (errno == EXDEV) return CODE_ESCAPE;
    if (errno != EAGAIN) return -errno;
  }
  return CODE_FALLBACK;
}

/* A path argument, copied into `buffer`; false when it does not fit or holds a NUL. */
static int get_path(napi_env env, napi_value value, char *buffer, size_t *length) {
  if (napi_get_value_string_utf8(env, value, buffer, PATH_BUFFER, length) != napi_ok) return 0;
  return *length < PATH_BUFFER - 1 && strlen(buffer) == *length;
}

/*
 * The directory the last component of `path` is in, opened beneath `dirfd`
 * (or `dirfd` itself for a single name), and that component in `*name`.
 * Paths whose last component is empty (a trailing "/"), "." or ".." are not
 * handled here: their meaning depends on more than the parent and one name.
 */
static int open_parent(int dirfd, char *path, size_t length, const char **name) {
  if (length == 0 || path[length - 1] == '/') return CODE_FALLBACK;
  char *cut = strrchr(path, '/');
  const char *last = cut == NULL ? path : cut + 1;
  if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) return CODE_FALLBACK;
  *name = last;
  if (cut == NULL) return dirfd;
  if (cut == path) return CODE_ESCAPE;
  *cut = '\0';
  int parent = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0);
  *cut = '/';
  return parent;
}

static void close_parent(int parent, int dirfd) {
  if (parent != dirfd) close(parent);
}

static int result_of(int status) {
  return status < 0 ? -errno : status;
}

static napi_value int_value(napi_env env, int value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

static int get_int(napi_env env, napi_value value) {
  int32_t number = -1;
  napi_get_value_int32(env, value, &number);
  return number;
}

#define ARGS(count)                                                    \
  size_t argc = count;                                                 \
  napi_value argv[count];                                              \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count) \
    return int_value(env, CODE_FALLBACK)

#define PATH_ARG(buffer, length, index)                               \
  char buffer[PATH_BUFFER];                                            \
  size_t length;                                                       \
  if (!get_path(env, argv[index], buffer, &length)) return int_value(env, CODE_FALLBACK)

/* probe(): 0 when openat2 with RESOLVE_BENEATH works here, else the negated errno (ENOSYS on kernels before 5.6). */
static napi_value probe(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = open_beneath(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
  if (fd < 0) return int_value(env, fd == CODE_ESCAPE ? -EXDEV : fd);
  close(fd);
  return int_value(env, 0);
}

/* open(dirfd, path, flags, mode): the new fd. Flags are Linux's (Node's fs.constants); O_NOFOLLOW is the caller's. */
static napi_value open_path(napi_env env, napi_callback_info info) {
  ARGS(4);
  PATH_ARG(path, length, 1);
  return int_value(env, open_beneath(get_int(env, argv[0]), path, get_int(env, argv[2]), (unsigned)get_int(env, argv[3])));
}

static void fill_stat(int64_t *out, const struct stat *st) {
  out[0] = (int64_t)st->st_dev;
  out[1] = (int64_t)st->st_ino;
  out[2] = (int64_t)st->st_mode;
  out[3] = (int64_t)st->st_nlink;
  out[4] = (int64_t)st->st_size;
  out[5] = (int64_t)st->st_atim.tv_sec * 1000000000 + st->st_atim.tv_nsec;
  out[6] = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  out[7] = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

/* stat(dirfd, path, follow, out: BigInt64Array(8)): 0, with dev, ino, mode, nlink, size, atim, mtim, ctim in `out`. */
static napi_value stat_path(napi_env env, napi_callback_info info) {
  ARGS(4);
  PATH_ARG(path, length, 1);
  int dirfd = get_int(env, argv[0]);
  bool follow = false;
  napi_get_value_bool(env, argv[2], &follow);
  napi_typedarray_type type;
  size_t count;
  void *data;
  if (napi_get_typedarray_info(env, argv[3], &type, &count, &data, NULL, NULL) != napi_ok ||
      type != napi_bigint64_array || count < 8) {
    return int_value(env, CODE_FALLBACK);
  }
  struct stat st;
  /* One plain name: one call, unless it is a link to follow. */
  if (strchr(path, '/') == NULL && strcmp(path, ".") != 0 && strcmp(path, "..") != 0) {
    if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0) return int_value(env, -errno);
    if (!follow || !S_ISLNK(st.st_mode)) {
      fill_stat(data, &st);
      return int_value(env, 0);
    }
  }
  int fd = open_beneath(dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
  if (fd < 0) return int_value(env, fd);
  int status = result_of(fstat(fd, &st));
  close(fd);
  if (status == 0) fill_stat(data, &st);
  return int_value(env, status);
}

/* unlink(dirfd, path, directory): unlinkat, with AT_REMOVEDIR when `directory`. */
static napi_value unlink_path(napi_env env, napi_callback_info info) {
  ARGS(3);
  PATH_ARG(path, length, 1);
  int dirfd = get_int(env, argv[0]);
  bool directory = false;
  napi_get_value_bool(env, argv[2], &directory);
  const char *name;
  int parent = open_parent(dirfd, path, length, &name);
  if (parent < 0) return int_value(env, parent);
  int status = result_of(unlinkat(parent, name, directory ? AT_REMOVEDIR : 0));
  close_parent(parent, dirfd);
  return int_value(env, status);
}

/* mkdir(dirfd, path). */
static napi_value mkdir_path(napi_env env, napi_callback_info info) {
  ARGS(2);
  PATH_ARG(path, length, 1);
  int dirfd = get_int(env, argv[0]);
  const char *name;
  int parent = open_parent(dirfd, path, length, &name);
  if (parent < 0) return int_value(env, parent);
  int status = result_of(mkdirat(parent, name, 0777));
  close_parent(parent, dirfd);
  return int_value(env, status);
}

/*
 * rename(dirfd, path, newDirfd, newPath). The source is looked at before the
 * destination's directory is opened, so that a missing source is ENOENT
 * whatever the destination, as the resolver answers.
 */
static napi_value rename_path(napi_env env, napi_callback_info info) {
  ARGS(4);
  PATH_ARG(from, from_length, 1);
  PATH_ARG(to, to_length, 3);
  int from_dirfd = get_int(env, argv[0]);
  int to_dirfd = get_int(env, argv[2]);
  const char *from_name;
  const char *to_name;
  /* Both paths are classified before any system call. */
  char *from_last = strrchr(from, '/');
  char *to_last = strrchr(to, '/');
  const char *from_final = from_last == NULL ? from : from_last + 1;
  const char *to_final = to_last == NULL ? to : to_last + 1;
  if (*from_final == '\0' || *to_final == '\0' || strcmp(from_final, ".") == 0 || strcmp(from_final, "..") == 0 ||
      strcmp(to_final, ".") == 0 || strcmp(to_final, "..") == 0) {
    return int_value(env, CODE_FALLBACK);
  }
  int from_parent = open_parent(from_dirfd, from, from_length, &from_name);
  if (from_parent < 0) return int_value(env, from_parent);
  struct stat st;
  int status = result_of(fstatat(from_parent, from_name, &st, AT_SYMLINK_NOFOLLOW));
  if (status == 0) {
    int to_parent = open_parent(to_dirfd, to, to_length, &to_name);
    if (to_parent < 0) {
      status = to_parent;
    } else {
      status = result_of(renameat(from_parent, from_name, to_parent, to_name));
      close_parent(to_parent, to_dirfd);
    }
  }
  close_parent(from_parent, from_dirfd);
  return int_value(env, status);
}

/*
 * link(dirfd, path, newDirfd, newPath, follow). A source that is a link to
 * follow is left to the caller: linkat can only follow it unconfined.
 */
static napi_value link_path(napi_env env, napi_callback_info info) {
  ARGS(5);
  PATH_ARG(from, from_length, 1);
  PATH_ARG(to, to_length, 3);
  int from_dirfd = get_int(env, argv[0]);
  int to_dirfd = get_int(env, argv[2]);
  bool follow = false;
  napi_get_value_bool(env, argv[4], &follow);
  const char *from_name;
  const char *to_name;
  char *to_last = strrchr(to, '/');
  const char *to_final = to_last == NULL ? to : to_last + 1;
  if (*to_final == '\0' || strcmp(to_final, ".") == 0 || strcmp(to_final, "..") == 0) {
    return int_value(env, CODE_FALLBACK);
  }
  int from_parent = open_parent(from_dirfd, from, from_length, &from_name);
  if (from_parent < 0) return int_value(env, from_parent);
  struct stat st;
  int status = result_of(fstatat(from_parent, from_name, &st, AT_SYMLINK_NOFOLLOW));
  if (status == 0 && follow && S_ISLNK(st.st_mode)) status = CODE_FALLBACK;
  if (status == 0) {
    int to_parent = open_parent(to_dirfd, to, to_length, &to_name);
    if (to_parent < 0) {
      status = to_parent;
    } else {
      status = result_of(linkat(from_parent, from_name, to_parent, to_name, 0));
      close_parent(to_parent, to_dirfd);
    }
  }
  close_parent(from_parent, from_dirfd);
  return int_value(env, status);
}

/* symlink(target, dirfd, path): the caller has checked the target (it cannot lead outside). */
static napi_value symlink_path(napi_env env, napi_callback_info info) {
  ARGS(3);
  PATH_ARG(target, target_length, 0);
  PATH_ARG(path, length, 2);
  (void)target_length;
  int dirfd = get_int(env, argv[1]);
  const char *name;
  int parent = open_parent(dirfd, path, length, &name);
  if (parent < 0) return int_value(env, parent);
  int status = result_of(symlinkat(target, parent, name));
  close_parent(parent, dirfd);
  return int_value(env, status);
}

/* readlink(dirfd, path, out: Buffer): the length of the target copied into `out` (at most its size). */
static napi_value readlink_path(napi_env env, napi_callback_info info) {
  ARGS(3);
  PATH_ARG(path, length, 1);
  int dirfd = get_int(env, argv[0]);
  void *out;
  size_t capacity;
  if (napi_get_buffer_info(env, argv[2], &out, &capacity) != napi_ok) return int_value(env, CODE_FALLBACK);
  const char *name;
  int parent = open_parent(dirfd, path, length, &name);
  if (parent < 0) return int_value(env, parent);
  ssize_t size = readlinkat(parent, name, out, capacity);
  int status = size < 0 ? -errno : (int)size;
  close_parent(parent, dirfd);
  return int_value(env, status);
}

/* close(fd): closes a descriptor the host owns; node:fs's closeSync costs more per call than the system call itself. */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  ARGS(1);
  return int_value(env, result_of(close(get_int(env, argv[0]))));
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"probe", NULL, probe, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, open_path, NULL, NULL, NULL, napi_default, NULL},
      {"stat", NULL, stat_path, NULL, NULL, NULL, napi_default, NULL},
      {"unlink", NULL, unlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"mkdir", NULL, mkdir_path, NULL, NULL, NULL, napi_default, NULL},
      {"rename", NULL, rename_path, NULL, NULL, NULL, napi_default, NULL},
      {"link", NULL, link_path, NULL, NULL, NULL, napi_default, NULL},
      {"symlink", NULL, symlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"readlink", NULL, readlink_path, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
