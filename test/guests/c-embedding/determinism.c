/*
 * Prints what normally differs between runs: clock readings of every clock
 * (before and after a sleep) and random bytes. Run twice in deterministic
 * mode, the two outputs must be identical; run normally, they differ.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static void print_clock(const char *name, __wasi_clockid_t id) {
  __wasi_timestamp_t now = 0;
  __wasi_errno_t error = __wasi_clock_time_get(id, 1, &now);
  printf("%s: %llu (errno %u)\n", name, (unsigned long long)now, (unsigned)error);
}

static void print_random(void) {
  unsigned char bytes[24];
  if (getentropy(bytes, sizeof bytes) != 0) {
    printf("random: failed\n");
    return;
  }
  printf("random:");
  for (size_t i = 0; i < sizeof bytes; i++)
    printf(" %02x", bytes[i]);
  printf("\n");
}

int main(void) {
  for (int i = 0; i < 2; i++) {
    print_clock("realtime", __WASI_CLOCKID_REALTIME);
    print_clock("monotonic", __WASI_CLOCKID_MONOTONIC);
    print_clock("process cputime", __WASI_CLOCKID_PROCESS_CPUTIME_ID);
    print_clock("thread cputime", __WASI_CLOCKID_THREAD_CPUTIME_ID);
  }
  struct timespec pause = {0, 5 * 1000 * 1000};
  nanosleep(&pause, NULL);
  print_clock("monotonic after 5 ms sleep", __WASI_CLOCKID_MONOTONIC);
  printf("time(): %lld\n", (long long)time(NULL));
  print_random();
  print_random();
  return 0;
}
