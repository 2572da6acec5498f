/*
 * path_filestat_get of a name that does not exist, probed in turn across
 * directories that do (how an interpreter searches its load path). One
 * operation is one stat(2). argv: N base-dir dir-count name
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *base = bench_arg_text(argc, argv, 2);
    long dirs = bench_arg_count(argc, argv, 3);
    const char *name = bench_arg_text(argc, argv, 4);
    if (dirs > 64) bench_fail("at most 64 directories");
    char paths[64][256];
    for (long d = 0; d < dirs; d++) {
        if (snprintf(paths[d], sizeof paths[d], "%s/p%ld/%s", base, d, name) >= (int)sizeof paths[d]) bench_fail("path too long");
    }
    struct stat info;
    for (long i = 0; i < n; i++) {
        if (stat(paths[i % dirs], &info) == 0) bench_fail("the missing name exists");
        if (errno != ENOENT) bench_fail("stat of a missing name did not fail with ENOENT");
    }
    return 0;
}
