/*
 * fd_readdir: N complete listings of a directory (opendir, readdir to the
 * end, closedir). Each listing must hold exactly the expected number of
 * entries besides "." and "..".
 * argv: N path expected-entries
 */
#include <dirent.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *path = bench_arg_text(argc, argv, 2);
    long expected = bench_arg_count(argc, argv, 3);
    for (long i = 0; i < n; i++) {
        DIR *dir = opendir(path);
        if (dir == NULL) bench_fail("opendir failed");
        long count = 0;
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
            count++;
        }
        if (closedir(dir) != 0) bench_fail("closedir failed");
        if (count != expected) bench_fail("listing has the wrong number of entries");
    }
    return 0;
}
