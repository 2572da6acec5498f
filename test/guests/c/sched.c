/*
 * sched_yield and proc_raise.
 *
 * Only signals whose default action is "ignored" are raised: the program must
 * keep running afterwards. Terminating signals are left out because a host
 * that forwards them to its own process would end the test runner with it.
 */
#include "guest.h"
#include <sched.h>

/*
 * proc_raise is in the preview1 witx, but current wasi-libc headers no longer
 * declare it. An errno result and a u8 signal is the C shape of the import.
 */
__wasi_errno_t raw_proc_raise(uint8_t sig)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")));

/* Signal numbers of the witx `signal` enum. */
enum { SIG_NONE = 0, SIG_PIPE = 13, SIG_CHLD = 16, SIG_URG = 22, SIG_WINCH = 27 };

int main(void) {
  report("sched_yield", sched_yield());
  int failures = 0;
  for (int i = 0; i < 100; i++)
    failures += __wasi_sched_yield() != 0;
  say("sched_yield 100 times, failures", "%d", failures);

  report_wasi("proc_raise chld", raw_proc_raise(SIG_CHLD));
  say("running after chld", "yes");
  report_wasi("proc_raise urg", raw_proc_raise(SIG_URG));
  say("running after urg", "yes");
  report_wasi("proc_raise winch", raw_proc_raise(SIG_WINCH));
  say("running after winch", "yes");
  report_wasi("proc_raise out-of-range signal 200", raw_proc_raise(200));
  say("running at end", "yes");
  return 0;
}
