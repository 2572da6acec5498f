/*
 * fd_write to fd 1: N unbuffered 16-byte write(2) calls. The runner points the
 * child's stdout at /dev/null, so the device costs nothing and what is timed
 * is the host's own path to the write system call.
 */
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char record[16] = "0123456789abcde\n";
    for (long i = 0; i < n; i++) {
        if (write(1, record, sizeof record) != (ssize_t)sizeof record) bench_fail("write to stdout did not write 16 bytes");
    }
    return 0;
}
