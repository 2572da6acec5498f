/*
 * Shared by every benchmark workload: reading the operation count and the
 * other arguments, and failing loudly. A workload that finds a wrong result
 * exits with status 1, which the runner treats as a failed measurement, so a
 * host that is fast because it is wrong never produces a number.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void bench_fail(const char *what) {
    fprintf(stderr, "workload check failed: %s\n", what);
    exit(1);
}

/* argv[index] as a positive count; the runner always passes it. */
static inline long bench_arg_count(int argc, char **argv, int index) {
    if (argc <= index) bench_fail("missing numeric argument");
    char *end = NULL;
    long value = strtol(argv[index], &end, 10);
    if (end == argv[index] || *end != '\0' || value <= 0) bench_fail("numeric argument is not a positive integer");
    return value;
}

static inline const char *bench_arg_text(int argc, char **argv, int index) {
    if (argc <= index) bench_fail("missing path argument");
    return argv[index];
}

#endif
