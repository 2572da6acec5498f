/*
 * Shared helpers for the guest programs in this folder.
 *
 * Every guest prints one line per check, in the form "label: result", so that
 * the test suite can compare the whole stdout with a stored expectation. The
 * result is either "ok", a value that does not depend on the host (sizes,
 * file contents, yes/no properties) or the symbolic name of an errno. Raw
 * times, inode numbers and random bytes are never printed, so the output is
 * identical across runs and hosts.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

/*
 * Line buffering makes each check reach the host as soon as it is printed,
 * so a run that hangs or traps still shows how far it got.
 */
__attribute__((constructor)) static void guest_line_buffered_stdout(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The directory the harness preopens for every run; it starts out empty. */
#define SANDBOX "/sandbox"

/*
 * wasi-libc uses the WASI errno values as its errno values, so one table
 * serves both the libc wrappers and the raw __wasi_* calls. The names follow
 * POSIX spelling; NOTCAPABLE is WASI's own addition.
 */
static const char *const errno_names[] = {
    "SUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL",
    "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY",
    "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET",
    "EDEADLK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG",
    "EHOSTUNREACH", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO",
    "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP",
    "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE",
    "ENOBUFS", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM",
    "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS", "ENOTCONN", "ENOTDIR",
    "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO",
    "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO", "EPROTONOSUPPORT",
    "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT",
    "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

static inline const char *errno_name(int e) {
  static char unknown[32];
  if (e >= 0 && (size_t)e < sizeof errno_names / sizeof errno_names[0])
    return errno_names[e];
  snprintf(unknown, sizeof unknown, "errno %d", e);
  return unknown;
}

/* Prints "label: <formatted result>". */
static inline void say(const char *label, const char *fmt, ...) {
  va_list ap;
  printf("%s: ", label);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

/* For libc calls that return -1 and set errno on failure. */
static inline void report(const char *label, long rc) {
  if (rc < 0)
    say(label, "%s", errno_name(errno));
  else
    say(label, "ok");
}

/* For raw __wasi_* calls, which return the errno directly. */
static inline void report_wasi(const char *label, __wasi_errno_t err) {
  if (err == __WASI_ERRNO_SUCCESS)
    say(label, "ok");
  else
    say(label, "%s", errno_name(err));
}

static inline const char *yes_no(int cond) { return cond ? "yes" : "no"; }

/*
 * Prints bytes so that every byte value is visible: printable ASCII as is,
 * anything else as \xNN. Used for file contents, which may hold NULs.
 */
static inline void say_bytes(const char *label, const void *data, size_t len) {
  const unsigned char *p = data;
  printf("%s: \"", label);
  for (size_t i = 0; i < len; i++) {
    if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '"')
      putchar(p[i]);
    else
      printf("\\x%02x", p[i]);
  }
  printf("\" (%zu bytes)\n", len);
}

static inline const char *filetype_name(__wasi_filetype_t t) {
  switch (t) {
  case __WASI_FILETYPE_UNKNOWN: return "unknown";
  case __WASI_FILETYPE_BLOCK_DEVICE: return "block_device";
  case __WASI_FILETYPE_CHARACTER_DEVICE: return "character_device";
  case __WASI_FILETYPE_DIRECTORY: return "directory";
  case __WASI_FILETYPE_REGULAR_FILE: return "regular_file";
  case __WASI_FILETYPE_SOCKET_DGRAM: return "socket_dgram";
  case __WASI_FILETYPE_SOCKET_STREAM: return "socket_stream";
  case __WASI_FILETYPE_SYMBOLIC_LINK: return "symbolic_link";
  default: return "out-of-range";
  }
}

#endif
