/*
 * clock_res_get and clock_time_get for all four clock ids, through the raw
 * calls and through libc. Only properties are printed (non-zero resolution,
 * plausibility of the realtime value, monotonic ordering, CPU time growing
 * with work), never the raw timestamps.
 */
#include "guest.h"
#include <time.h>

static const struct {
  __wasi_clockid_t id;
  const char *name;
} clocks[] = {
    {__WASI_CLOCKID_REALTIME, "realtime"},
    {__WASI_CLOCKID_MONOTONIC, "monotonic"},
    {__WASI_CLOCKID_PROCESS_CPUTIME_ID, "process_cputime"},
    {__WASI_CLOCKID_THREAD_CPUTIME_ID, "thread_cputime"},
};

/* 2020-01-01T00:00:00Z in nanoseconds since the epoch. */
#define YEAR_2020_NS (UINT64_C(1577836800) * 1000000000u)
/* 2100-01-01T00:00:00Z, an upper bound that a real clock stays below. */
#define YEAR_2100_NS (UINT64_C(4102444800) * 1000000000u)

static uint64_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(id, 1, &t);
  return t;
}

/* Burns CPU until the clock moves or about two seconds of wall time pass. */
static volatile uint64_t sink;
static int cpu_clock_grows_with_work(__wasi_clockid_t id) {
  uint64_t start = now(id);
  uint64_t wall_start = now(__WASI_CLOCKID_MONOTONIC);
  while (now(__WASI_CLOCKID_MONOTONIC) - wall_start < UINT64_C(2000000000)) {
    for (int i = 0; i < 100000; i++)
      sink += (uint64_t)i * 2654435761u;
    if (now(id) > start)
      return 1;
  }
  return 0;
}

static void raw_calls(void) {
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    char label[64];
    __wasi_timestamp_t res = 0, t = 0;

    snprintf(label, sizeof label, "clock_res_get %s", clocks[i].name);
    __wasi_errno_t err = __wasi_clock_res_get(clocks[i].id, &res);
    report_wasi(label, err);
    snprintf(label, sizeof label, "clock_res_get %s non-zero", clocks[i].name);
    say(label, "%s", yes_no(err == 0 && res > 0));

    snprintf(label, sizeof label, "clock_time_get %s", clocks[i].name);
    err = __wasi_clock_time_get(clocks[i].id, 0, &t);
    report_wasi(label, err);
    snprintf(label, sizeof label, "clock_time_get %s with large precision", clocks[i].name);
    report_wasi(label, __wasi_clock_time_get(clocks[i].id, UINT64_C(1000000000), &t));
  }

  uint64_t real = now(__WASI_CLOCKID_REALTIME);
  say("realtime between 2020 and 2100", "%s", yes_no(real > YEAR_2020_NS && real < YEAR_2100_NS));
  time_t libc_seconds = time(NULL);
  uint64_t real_seconds = now(__WASI_CLOCKID_REALTIME) / 1000000000u;
  say("realtime agrees with time()", "%s",
      yes_no(real_seconds + 5 > (uint64_t)libc_seconds && real_seconds < (uint64_t)libc_seconds + 5));

  int ordered = 1;
  uint64_t prev = now(__WASI_CLOCKID_MONOTONIC);
  for (int i = 0; i < 1000; i++) {
    uint64_t t = now(__WASI_CLOCKID_MONOTONIC);
    if (t < prev)
      ordered = 0;
    prev = t;
  }
  say("monotonic never goes back over 1000 reads", "%s", yes_no(ordered));

  uint64_t before = now(__WASI_CLOCKID_MONOTONIC);
  struct timespec ten_ms = {0, 10 * 1000 * 1000};
  nanosleep(&ten_ms, NULL);
  uint64_t after = now(__WASI_CLOCKID_MONOTONIC);
  say("monotonic advances by at least a 10ms sleep", "%s", yes_no(after - before >= 10000000u));

  say("process_cputime grows with work", "%s",
      yes_no(cpu_clock_grows_with_work(__WASI_CLOCKID_PROCESS_CPUTIME_ID)));
  say("thread_cputime grows with work", "%s",
      yes_no(cpu_clock_grows_with_work(__WASI_CLOCKID_THREAD_CPUTIME_ID)));

  /* Clock ids past the four defined ones are not clocks. */
  __wasi_timestamp_t ignored;
  report_wasi("clock_res_get id 4", __wasi_clock_res_get(4, &ignored));
  report_wasi("clock_time_get id 4", __wasi_clock_time_get(4, 0, &ignored));
  report_wasi("clock_time_get id 0xffffffff", __wasi_clock_time_get(0xffffffffu, 0, &ignored));
}

static void libc_calls(void) {
  struct timespec ts;
  report("libc clock_getres CLOCK_REALTIME", clock_getres(CLOCK_REALTIME, &ts));
  report("libc clock_getres CLOCK_MONOTONIC", clock_getres(CLOCK_MONOTONIC, &ts));
  say("libc CLOCK_MONOTONIC resolution non-zero", "%s",
      yes_no(ts.tv_sec > 0 || ts.tv_nsec > 0));
  report("libc clock_gettime CLOCK_REALTIME", clock_gettime(CLOCK_REALTIME, &ts));
  say("libc CLOCK_REALTIME nanoseconds in range", "%s", yes_no(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000));
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_MONOTONIC, &b);
  say("libc CLOCK_MONOTONIC ordered", "%s",
      yes_no(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)));
}

int main(void) {
  raw_calls();
  libc_calls();
  return 0;
}
