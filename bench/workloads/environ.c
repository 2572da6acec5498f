/*
 * environ_sizes_get + environ_get: N rounds of the two host calls, made
 * directly, because wasi-libc reads the environment only once at startup.
 * The runner passes BENCH_ENV_0000=value-0000 ... BENCH_ENV_<count-1>. The
 * first and last rounds check every entry (each index exactly once); the
 * rounds between check the count, the size and one entry chosen by round.
 * It also checks once that libc's own environ saw the same variables.
 * argv: N expected-count
 */
#include <stdint.h>
#include <wasi/api.h>
#include "common.h"

extern char **environ;

/* Returns the index of a well-formed "BENCH_ENV_dddd=value-dddd" entry, or -1. */
static long entry_index(const char *entry) {
    unsigned index = 0;
    unsigned again = 0;
    int used = 0;
    if (sscanf(entry, "BENCH_ENV_%4u=value-%4u%n", &index, &again, &used) != 2) return -1;
    if (index != again || entry[used] != '\0') return -1;
    return (long)index;
}

static void check_all(char **entries, long count) {
    unsigned char *seen = calloc((size_t)count, 1);
    if (seen == NULL) bench_fail("out of memory");
    for (long k = 0; k < count; k++) {
        long index = entry_index(entries[k]);
        if (index < 0 || index >= count) bench_fail("malformed environment entry");
        if (seen[index]) bench_fail("environment entry repeated");
        seen[index] = 1;
    }
    free(seen);
}

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    long expected = bench_arg_count(argc, argv, 2);

    long libc_count = 0;
    while (environ[libc_count] != NULL) libc_count++;
    if (libc_count != expected) bench_fail("libc environ has the wrong number of entries");
    check_all(environ, libc_count);

    __wasi_size_t count = 0;
    __wasi_size_t size = 0;
    if (__wasi_environ_sizes_get(&count, &size) != 0) bench_fail("environ_sizes_get failed");
    if ((long)count != expected) bench_fail("environ_sizes_get reports the wrong count");
    char **entries = malloc(sizeof(char *) * count);
    uint8_t *text = malloc(size);
    if (entries == NULL || text == NULL) bench_fail("out of memory");
    const __wasi_size_t first_size = size;

    for (long i = 0; i < n; i++) {
        if (__wasi_environ_sizes_get(&count, &size) != 0) bench_fail("environ_sizes_get failed");
        if ((long)count != expected || size != first_size) bench_fail("environment sizes changed");
        if (__wasi_environ_get((uint8_t **)entries, text) != 0) bench_fail("environ_get failed");
        if (i == 0 || i == n - 1) {
            check_all(entries, (long)count);
        } else {
            char *probe = entries[i % (long)count];
            if ((uint8_t *)probe < text || (uint8_t *)probe >= text + size) bench_fail("entry points outside the buffer");
            if (entry_index(probe) < 0) bench_fail("malformed environment entry");
        }
    }
    if (text[size - 1] != '\0') bench_fail("environment buffer is not terminated");
    return 0;
}
