/*
 * random_get, through libc's getentropy (which caps requests at 256 bytes)
 * and directly for sizes from zero to 64 KiB. Only properties of the bytes
 * are printed: that calls differ, and that the whole buffer was written.
 */
#include "guest.h"
#include <stdlib.h>
#include <unistd.h>

/*
 * A random buffer has no run of 32 zero bytes in any realistic run (chance
 * about 2^-256 per block), so a zero block means the host left it unwritten.
 */
static int every_block_written(const unsigned char *buf, size_t len) {
  for (size_t start = 0; start < len; start += 32) {
    size_t end = start + 32 < len ? start + 32 : len;
    int nonzero = 0;
    for (size_t i = start; i < end; i++)
      nonzero |= buf[i];
    if (!nonzero && end - start == 32)
      return 0;
  }
  return 1;
}

static void getentropy_sizes(void) {
  unsigned char a[256], b[256];
  report("getentropy 0 bytes", getentropy(a, 0));
  report("getentropy 1 byte", getentropy(a, 1));
  report("getentropy 16 bytes", getentropy(a, 16));

  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  report("getentropy 256 bytes", getentropy(a, 256));
  report("getentropy 256 bytes again", getentropy(b, 256));
  say("getentropy 256 bytes fully written", "%s", yes_no(every_block_written(a, 256)));
  say("two getentropy calls differ", "%s", yes_no(memcmp(a, b, 256) != 0));

  /* libc refuses larger requests itself, before reaching the host. */
  unsigned char big[300];
  report("getentropy 257 bytes", getentropy(big, 257));
}

static void raw_sizes(void) {
  static const size_t sizes[] = {0, 1, 7, 257, 1000, 4096, 65536};
  static unsigned char first[65536], second[65536];

  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t n = sizes[i];
    char label[64];
    memset(first, 0, sizeof first);
    memset(second, 0, sizeof second);
    snprintf(label, sizeof label, "random_get %zu bytes", n);
    report_wasi(label, __wasi_random_get(first, n));
    __wasi_random_get(second, n);
    if (n >= 32) {
      snprintf(label, sizeof label, "random_get %zu bytes fully written", n);
      say(label, "%s", yes_no(every_block_written(first, n)));
    }
    if (n >= 16) {
      snprintf(label, sizeof label, "random_get %zu bytes differs between calls", n);
      say(label, "%s", yes_no(memcmp(first, second, n) != 0));
    }
    /* Bytes past the requested length must stay untouched. */
    snprintf(label, sizeof label, "random_get %zu bytes stays in bounds", n);
    int untouched = 1;
    for (size_t j = n; j < n + 16 && j < sizeof first; j++)
      untouched &= first[j] == 0;
    if (n < sizeof first)
      say(label, "%s", yes_no(untouched));
  }

  /* A zero-length request at the very end of memory touches nothing. */
  unsigned char *end = (unsigned char *)(__builtin_wasm_memory_size(0) * 65536);
  report_wasi("random_get 0 bytes at end of memory", __wasi_random_get(end, 0));

  /* arc4random is libc's other consumer of random_get. */
  uint32_t x = arc4random(), y = arc4random(), z = arc4random();
  say("arc4random values not all equal", "%s", yes_no(!(x == y && y == z)));
}

int main(void) {
  getentropy_sizes();
  raw_sizes();
  return 0;
}
