/*
 * poll_oneoff: relative and absolute clock subscriptions on both wall and
 * monotonic clocks, several clocks where only the earliest fires, fd_read and
 * fd_write readiness on a regular file, a closed descriptor, and zero
 * subscriptions. Also nanosleep, clock_nanosleep and poll() from libc, which
 * are built on poll_oneoff.
 *
 * Timing checks only assert lower bounds that the spec guarantees (a clock
 * event means the deadline was reached) and generous upper bounds.
 */
#include "guest.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MS UINT64_C(1000000)

static uint64_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(id, 1, &t);
  return t;
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout,
                                       int absolute) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, int fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ)
    s.u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  else
    s.u.u.fd_write.file_descriptor = (__wasi_fd_t)fd;
  return s;
}

static const char *type_name(__wasi_eventtype_t t) {
  switch (t) {
  case __WASI_EVENTTYPE_CLOCK: return "clock";
  case __WASI_EVENTTYPE_FD_READ: return "fd_read";
  case __WASI_EVENTTYPE_FD_WRITE: return "fd_write";
  default: return "out-of-range";
  }
}

/* Runs one poll and prints the events sorted by userdata. */
static size_t run(const char *label, __wasi_subscription_t *subs, size_t n, __wasi_event_t *events) {
  __wasi_size_t got = 0;
  __wasi_errno_t err = __wasi_poll_oneoff(subs, events, n, &got);
  char line[128];
  snprintf(line, sizeof line, "%s poll_oneoff", label);
  report_wasi(line, err);
  if (err)
    return 0;
  snprintf(line, sizeof line, "%s events", label);
  say(line, "%u", (unsigned)got);
  for (size_t i = 1; i < got; i++)
    for (size_t j = i; j > 0 && events[j - 1].userdata > events[j].userdata; j--) {
      __wasi_event_t tmp = events[j];
      events[j] = events[j - 1];
      events[j - 1] = tmp;
    }
  for (size_t i = 0; i < got; i++) {
    snprintf(line, sizeof line, "%s event %zu", label, i);
    say(line, "userdata %llu, type %s, error %s", (unsigned long long)events[i].userdata,
        type_name(events[i].type), events[i].error ? errno_name(events[i].error) : "none");
  }
  return got;
}

static void clocks(void) {
  __wasi_event_t ev[4];
  __wasi_size_t got = 0;
  report_wasi("poll_oneoff with 0 subscriptions", __wasi_poll_oneoff(NULL, ev, 0, &got));

  uint64_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  __wasi_subscription_t s = clock_sub(0x1234, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
  run("relative monotonic 20ms", &s, 1, ev);
  say("relative monotonic 20ms waited at least 20ms", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20 * MS));

  uint64_t r0 = now(__WASI_CLOCKID_REALTIME);
  s = clock_sub(7, __WASI_CLOCKID_REALTIME, 20 * MS, 0);
  run("relative realtime 20ms", &s, 1, ev);
  say("relative realtime 20ms waited at least 20ms", "%s", yes_no(now(__WASI_CLOCKID_REALTIME) - r0 >= 20 * MS));

  /*
   * Each absolute deadline is paired with a relative 3s watchdog, so a host
   * that misreads the deadline reports the watchdog instead of hanging.
   */
  uint64_t deadline = now(__WASI_CLOCKID_MONOTONIC) + 30 * MS;
  __wasi_subscription_t guarded[2] = {
      clock_sub(8, __WASI_CLOCKID_MONOTONIC, deadline, 1),
      clock_sub(99, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0),
  };
  run("absolute monotonic +30ms", guarded, 2, ev);
  say("absolute monotonic deadline reached", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) >= deadline));

  deadline = now(__WASI_CLOCKID_REALTIME) + 30 * MS;
  guarded[0] = clock_sub(9, __WASI_CLOCKID_REALTIME, deadline, 1);
  run("absolute realtime +30ms", guarded, 2, ev);
  say("absolute realtime deadline reached", "%s", yes_no(now(__WASI_CLOCKID_REALTIME) >= deadline));

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  guarded[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, t0 - 1000 * MS, 1);
  run("absolute monotonic deadline in the past", guarded, 2, ev);
  say("absolute monotonic deadline in the past returns within 500ms", "%s",
      yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 < 500 * MS));

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  guarded[0] = clock_sub(12, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) - 1000 * MS, 1);
  run("absolute realtime deadline in the past", guarded, 2, ev);
  say("absolute realtime deadline in the past returns within 500ms", "%s",
      yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 < 500 * MS));

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  s = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 0, 0);
  run("relative timeout 0", &s, 1, ev);
  say("relative timeout 0 returns within 500ms", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 < 500 * MS));

  __wasi_subscription_t three[3] = {
      clock_sub(1, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0),
      clock_sub(2, __WASI_CLOCKID_MONOTONIC, 15 * MS, 0),
      clock_sub(3, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0),
  };
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  run("three clocks 3000/15/2000ms", three, 3, ev);
  uint64_t waited = now(__WASI_CLOCKID_MONOTONIC) - t0;
  say("three clocks waited 15ms to under 2000ms", "%s", yes_no(waited >= 15 * MS && waited < 2000 * MS));
}

static void descriptors(void) {
  mkdir(SANDBOX "/poll", 0755);
  int fd = open(SANDBOX "/poll/data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "12345", 5);
  lseek(fd, 0, SEEK_SET);
  __wasi_event_t ev[4];

  __wasi_subscription_t s = fd_sub(20, __WASI_EVENTTYPE_FD_READ, fd);
  if (run("fd_read on regular file", &s, 1, ev) == 1)
    say("fd_read on regular file nbytes", "%llu", (unsigned long long)ev[0].fd_readwrite.nbytes);
  char two[2];
  read(fd, two, 2);
  if (run("fd_read on regular file at offset 2", &s, 1, ev) == 1)
    say("fd_read on regular file at offset 2 nbytes", "%llu", (unsigned long long)ev[0].fd_readwrite.nbytes);

  s = fd_sub(21, __WASI_EVENTTYPE_FD_WRITE, fd);
  run("fd_write on regular file", &s, 1, ev);

  uint64_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  __wasi_subscription_t mixed[3] = {
      clock_sub(30, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0),
      fd_sub(31, __WASI_EVENTTYPE_FD_READ, fd),
      fd_sub(32, __WASI_EVENTTYPE_FD_WRITE, fd),
  };
  run("file read+write with 5s clock", mixed, 3, ev);
  say("file readiness does not wait for the clock", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 < 2500 * MS));
  close(fd);

  /*
   * The spec's channel for a bad subscription is the event's error field;
   * some hosts fail the whole call instead. Either way EBADF must come back.
   */
  s = fd_sub(40, __WASI_EVENTTYPE_FD_READ, fd);
  __wasi_size_t got = 0;
  memset(ev, 0, sizeof ev);
  __wasi_errno_t err = __wasi_poll_oneoff(&s, ev, 1, &got);
  int as_event = err == 0 && got == 1 && ev[0].userdata == 40 &&
                 ev[0].type == __WASI_EVENTTYPE_FD_READ && ev[0].error == __WASI_ERRNO_BADF;
  say("fd_read on closed fd reports EBADF", "%s", yes_no(err == __WASI_ERRNO_BADF || as_event));
}

static void libc_sleeps(void) {
  uint64_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  struct timespec d = {0, 30 * 1000 * 1000};
  report("nanosleep 30ms", nanosleep(&d, NULL));
  say("nanosleep 30ms waited at least 30ms", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 30 * MS));

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  report("usleep 10ms", usleep(10000));
  say("usleep 10ms waited at least 10ms", "%s", yes_no(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 10 * MS));

  int fd = open(SANDBOX "/poll/data.txt", O_RDWR);
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  int n = poll(&p, 1, 1000);
  say("poll() on regular file", "%d", n);
  say("poll() revents POLLIN and POLLOUT", "%s", yes_no((p.revents & POLLIN) && (p.revents & POLLOUT)));
  close(fd);
}

/*
 * Last, because it has no watchdog: a host that misreads absolute monotonic
 * deadlines never returns from this call.
 */
static void absolute_sleep(void) {
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_nsec += 25 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
  say("clock_nanosleep TIMER_ABSTIME", "%s", rc == 0 ? "ok" : errno_name(rc));
  struct timespec after;
  clock_gettime(CLOCK_MONOTONIC, &after);
  say("clock_nanosleep deadline reached", "%s",
      yes_no(after.tv_sec > deadline.tv_sec || (after.tv_sec == deadline.tv_sec && after.tv_nsec >= deadline.tv_nsec)));
}

int main(void) {
  clocks();
  descriptors();
  libc_sleeps();
  absolute_sleep();
  return 0;
}
