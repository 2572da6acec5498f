/* clock_time_get: N reads of the monotonic clock, which must never go backwards. */
#include <time.h>
#include "common.h"

int main(int argc, char **argv) {
    long n = bench_arg_count(argc, argv, 1);
    struct timespec previous = {0, 0};
    struct timespec now;
    for (long i = 0; i < n; i++) {
        if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) bench_fail("clock_gettime returned an error");
        if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000L) bench_fail("tv_nsec out of range");
        if (now.tv_sec < previous.tv_sec || (now.tv_sec == previous.tv_sec && now.tv_nsec < previous.tv_nsec)) {
            bench_fail("monotonic clock went backwards");
        }
        previous = now;
    }
    if (previous.tv_sec == 0 && previous.tv_nsec == 0) bench_fail("monotonic clock reads zero");
    return 0;
}
