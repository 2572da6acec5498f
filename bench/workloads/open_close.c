/* path_open + fd_close: N opens of an existing file, read-only, each closed again. argv: N path */
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *path = bench_arg_text(argc, argv, 2);
    for (long i = 0; i < n; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) bench_fail("open failed");
        if (fd <= 2) bench_fail("open returned a stdio descriptor");
        if (close(fd) != 0) bench_fail("close failed");
    }
    return 0;
}
