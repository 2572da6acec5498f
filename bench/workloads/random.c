/*
 * random_get: N calls of getentropy for 32 bytes. Two consecutive results
 * must differ, and over the run every bit position must have been set at
 * least once, which catches a host that returns zeros or a constant.
 */
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    unsigned char previous[32] = {0};
    unsigned char current[32];
    unsigned char seen_bits[32] = {0};
    for (long i = 0; i < n; i++) {
        if (getentropy(current, sizeof current) != 0) bench_fail("getentropy returned an error");
        if (memcmp(current, previous, sizeof current) == 0) bench_fail("two consecutive getentropy results are equal");
        for (size_t k = 0; k < sizeof current; k++) seen_bits[k] |= current[k];
        memcpy(previous, current, sizeof current);
    }
    if (n >= 64) {
        for (size_t k = 0; k < sizeof seen_bits; k++) {
            if (seen_bits[k] != 0xff) bench_fail("some bit was never set by getentropy");
        }
    }
    return 0;
}
