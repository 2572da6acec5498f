/*
 * Reports the errno of each socket operation a C program meets, on the
 * listener at fd 3 and the connections it accepts, while the test drives the
 * other end (test/sockets.test.ts). Where the order matters the probe prints
 * "wait" and reads a line from stdin before going on. One line per result:
 * "<what>: <result>".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LISTENER 3

static void wait_for_test(void) {
  char line[16];
  printf("wait\n");
  fflush(stdout);
  if (fgets(line, sizeof line, stdin) == NULL) printf("stdin ended\n");
}

static const char *name(long result) {
  if (result >= 0) return "ok";
  switch (errno) {
    case EAGAIN: return "EAGAIN";
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ENOTCONN: return "ENOTCONN";
    case ENOTSOCK: return "ENOTSOCK";
    case EBADF: return "EBADF";
    default: return strerror(errno);
  }
}

static void report(const char *what, long result) {
  if (result >= 0) printf("%s: %ld\n", what, result);
  else printf("%s: %s\n", what, name(result));
  fflush(stdout);
}

static void sleep_ms(int ms) {
  struct timespec pause = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&pause, NULL);
}

int main(void) {
  char buffer[64];
  struct pollfd p = {.fd = LISTENER, .events = POLLIN};

  /* Nothing waiting: a non-blocking accept, a zero-timeout poll. */
  report("poll listener, nobody waiting", poll(&p, 1, 0));
  int flags = fcntl(LISTENER, F_GETFL);
  fcntl(LISTENER, F_SETFL, flags | O_NONBLOCK);
  report("accept nonblocking, nobody waiting", accept(LISTENER, NULL, NULL));
  fcntl(LISTENER, F_SETFL, flags);
  report("read on the listener", read(LISTENER, buffer, sizeof buffer));
  report("shutdown on the listener", shutdown(LISTENER, SHUT_RDWR));
  report("shutdown on stdout", shutdown(1, SHUT_WR));
  wait_for_test();

  /* Client A: connects and sends "hello", then "x" and a FIN. */
  report("poll listener, a client waiting", poll(&p, 1, 5000));
  printf("poll revents POLLIN: %d\n", (p.revents & POLLIN) != 0);
  int a = accept(LISTENER, NULL, NULL);
  report("accept", a >= 0 ? 0 : -1);
  memset(buffer, 0, sizeof buffer);
  long peeked = recv(a, buffer, 5, MSG_PEEK);
  printf("recv peek: %ld %s\n", peeked, buffer);
  memset(buffer, 0, sizeof buffer);
  long got = recv(a, buffer, 8, MSG_WAITALL);
  printf("recv waitall 8: %ld %s\n", got, buffer);
  report("read at the peer's FIN", read(a, buffer, sizeof buffer));
  struct pollfd pa = {.fd = a, .events = POLLIN};
  poll(&pa, 1, 0);
  printf("poll after FIN: POLLIN %d POLLHUP %d\n", (pa.revents & POLLIN) != 0, (pa.revents & POLLHUP) != 0);
  report("send after the peer's FIN", send(a, "still here", 10, 0));
  report("shutdown write", shutdown(a, SHUT_WR));
  report("send after shutdown write", send(a, "late", 4, 0));
  report("close", close(a));
  report("read after close", read(a, buffer, sizeof buffer));
  wait_for_test();

  /* Client B: connects, sends "ab", then resets. */
  int b = accept(LISTENER, NULL, NULL);
  wait_for_test();
  report("read buffered before the reset", read(b, buffer, sizeof buffer));
  report("read after the peer's reset", read(b, buffer, sizeof buffer));
  report("read again after the reset", read(b, buffer, sizeof buffer));
  report("send after the peer's reset", send(b, "x", 1, 0));
  close(b);

  /* Client C: connects and closes at once; the probe keeps writing. */
  int c = accept(LISTENER, NULL, NULL);
  report("read at the peer's close", read(c, buffer, sizeof buffer));
  long sent = 0;
  for (int i = 0; i < 100 && sent >= 0; i++) {
    sent = send(c, "data", 4, 0);
    if (sent >= 0) sleep_ms(20);
  }
  report("send to a closed peer, in the end", sent);
  close(c);
  printf("done\n");
  return 0;
}
