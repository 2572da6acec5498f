/*
 * fd_read: N sequential 4 KiB reads of a large file, starting over at the end.
 * The runner writes the fixture so that block b starts with b as a 32-bit
 * little-endian number and byte k of the block (k >= 4) is (b + k) & 0xff;
 * every block read is checked at its start, middle and end.
 * argv: N path
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include "common.h"

#define BLOCK 4096

static unsigned char block[BLOCK];

static void check_block(uint32_t index) {
    uint32_t stored;
    memcpy(&stored, block, sizeof stored);
    if (stored != index) bench_fail("block header does not match its position");
    if (block[BLOCK / 2] != (unsigned char)(index + BLOCK / 2)) bench_fail("block middle byte is wrong");
    if (block[BLOCK - 1] != (unsigned char)(index + BLOCK - 1)) bench_fail("block last byte is wrong");
}

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    const char *path = bench_arg_text(argc, argv, 2);
    int fd = open(path, O_RDONLY);
    if (fd < 0) bench_fail("cannot open the fixture");
    uint32_t index = 0;
    for (long i = 0; i < n; i++) {
        ssize_t got = read(fd, block, BLOCK);
        if (got == 0) {
            if (index == 0) bench_fail("fixture is empty");
            if (lseek(fd, 0, SEEK_SET) != 0) bench_fail("rewind failed");
            index = 0;
            got = read(fd, block, BLOCK);
        }
        if (got != BLOCK) bench_fail("read did not return a whole 4 KiB block");
        check_block(index);
        index++;
    }
    if (close(fd) != 0) bench_fail("close failed");
    return 0;
}
