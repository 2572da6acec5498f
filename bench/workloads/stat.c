/* path_filestat_get: N stat(2) calls on a regular file of known size. argv: N path expected-size */
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *path = bench_arg_text(argc, argv, 2);
    long expected_size = bench_arg_count(argc, argv, 3);
    struct stat info;
    for (long i = 0; i < n; i++) {
        if (stat(path, &info) != 0) bench_fail("stat failed");
        if (!S_ISREG(info.st_mode)) bench_fail("fixture is not reported as a regular file");
        if (info.st_size != expected_size) bench_fail("stat reports the wrong size");
    }
    return 0;
}
