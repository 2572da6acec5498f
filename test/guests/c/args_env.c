/*
 * args_get, args_sizes_get, environ_get, environ_sizes_get.
 *
 * The harness passes non-ASCII arguments and environment values, an empty
 * argument and a value containing '='. The program prints what libc's startup
 * code received, then calls the raw functions itself and checks that the
 * sizes they report agree with the strings they deliver, byte for byte.
 */
#include "guest.h"
#include <stdlib.h>

extern char **environ;

/* Counts the strings and their bytes including each terminating NUL. */
static size_t total_bytes(char **list, size_t *count) {
  size_t bytes = 0, n = 0;
  for (; list[n] != NULL; n++)
    bytes += strlen(list[n]) + 1;
  *count = n;
  return bytes;
}

/*
 * Checks that the pointer table returned by args_get/environ_get points into
 * the buffer, back to back, each string NUL-terminated, and that the buffer
 * is used exactly up to the reported size.
 */
static int layout_is_packed(char **ptrs, size_t count, char *buf, size_t size) {
  char *expect = buf;
  for (size_t i = 0; i < count; i++) {
    if (ptrs[i] != expect)
      return 0;
    size_t len = strnlen(expect, (size_t)(buf + size - expect));
    if (expect + len >= buf + size)
      return 0;
    expect += len + 1;
  }
  return expect == buf + size;
}

/* Compares the raw list with the one libc built at startup. */
static int same_strings(char **a, char **b, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (strcmp(a[i], b[i]) != 0)
      return 0;
  return 1;
}

static void check_args(int argc, char **argv) {
  say("argc", "%d", argc);
  for (int i = 0; i < argc; i++) {
    char label[32];
    snprintf(label, sizeof label, "argv[%d]", i);
    say(label, "\"%s\" (%zu bytes)", argv[i], strlen(argv[i]));
  }

  __wasi_size_t count = 0, size = 0;
  report_wasi("args_sizes_get", __wasi_args_sizes_get(&count, &size));
  size_t libc_count;
  size_t libc_bytes = total_bytes(argv, &libc_count);
  say("args_sizes_get count", "%u", (unsigned)count);
  say("args_sizes_get bytes", "%u", (unsigned)size);
  say("args count matches argc", "%s", yes_no(count == libc_count));
  say("args bytes match strings", "%s", yes_no(size == libc_bytes));

  char **ptrs = calloc(count + 1, sizeof *ptrs);
  char *buf = malloc(size + 1);
  report_wasi("args_get", __wasi_args_get((uint8_t **)ptrs, (uint8_t *)buf));
  say("args_get layout packed", "%s", yes_no(layout_is_packed(ptrs, count, buf, size)));
  say("args_get matches argv", "%s", yes_no(count == libc_count && same_strings(ptrs, argv, count)));
  free(ptrs);
  free(buf);
}

static void check_environ(void) {
  size_t libc_count;
  size_t libc_bytes = total_bytes(environ, &libc_count);
  say("environ count", "%zu", libc_count);
  for (size_t i = 0; i < libc_count; i++) {
    char label[32];
    snprintf(label, sizeof label, "environ[%zu]", i);
    say(label, "\"%s\" (%zu bytes)", environ[i], strlen(environ[i]));
  }

  __wasi_size_t count = 0, size = 0;
  report_wasi("environ_sizes_get", __wasi_environ_sizes_get(&count, &size));
  say("environ_sizes_get count", "%u", (unsigned)count);
  say("environ_sizes_get bytes", "%u", (unsigned)size);
  say("environ count matches", "%s", yes_no(count == libc_count));
  say("environ bytes match strings", "%s", yes_no(size == libc_bytes));

  char **ptrs = calloc(count + 1, sizeof *ptrs);
  char *buf = malloc(size + 1);
  report_wasi("environ_get", __wasi_environ_get((uint8_t **)ptrs, (uint8_t *)buf));
  say("environ_get layout packed", "%s", yes_no(layout_is_packed(ptrs, count, buf, size)));
  say("environ_get matches environ",
      "%s", yes_no(count == libc_count && same_strings(ptrs, environ, count)));
  free(ptrs);
  free(buf);

  /* getenv splits at the first '=', so a value may itself contain '='. */
  const char *names[] = {"GREETING", "JAPANESE", "EMPTY", "EQUATION", "MISSING"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char label[48];
    snprintf(label, sizeof label, "getenv %s", names[i]);
    const char *value = getenv(names[i]);
    if (value == NULL)
      say(label, "(not set)");
    else
      say(label, "\"%s\" (%zu bytes)", value, strlen(value));
  }
}

int main(int argc, char **argv) {
  check_args(argc, argv);
  check_environ();
  return 0;
}
