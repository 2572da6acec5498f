/*
 * fd_write to a regular file: N unbuffered 16-byte write(2) calls, each record
 * carrying its own index. Afterwards the size must be 16*N and the first and
 * last records must read back as written; the file is then removed.
 * argv: N path
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

#define RECORD 16

static void fill_record(unsigned char *record, long index) {
    memcpy(record, "rec:", 4);
    uint64_t value = (uint64_t)index;
    memcpy(record + 4, &value, sizeof value);
    memcpy(record + 12, "end\n", 4);
}

static void expect_record(int fd, long index) {
    unsigned char expected[RECORD];
    unsigned char actual[RECORD];
    fill_record(expected, index);
    if (pread(fd, actual, RECORD, (off_t)index * RECORD) != RECORD) bench_fail("short read-back");
    if (memcmp(expected, actual, RECORD) != 0) bench_fail("record read back differs from the one written");
}

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *path = bench_arg_text(argc, argv, 2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) bench_fail("cannot create the output file");
    unsigned char record[RECORD];
    for (long i = 0; i < n; i++) {
        fill_record(record, i);
        if (write(fd, record, RECORD) != RECORD) bench_fail("write did not write 16 bytes");
    }
    struct stat info;
    if (fstat(fd, &info) != 0) bench_fail("fstat failed");
    if (info.st_size != (off_t)n * RECORD) bench_fail("file size is not 16*N");
    if (close(fd) != 0) bench_fail("close failed");

    int check = open(path, O_RDONLY);
    if (check < 0) bench_fail("cannot reopen the output file");
    expect_record(check, 0);
    expect_record(check, n - 1);
    close(check);
    if (unlink(path) != 0) bench_fail("unlink failed");
    return 0;
}
