// poll() on stdin: prints what each poll reports (timeout, or the revents bits
// and what a read then gets) until end of input. argv[1] is the poll timeout in
// milliseconds (-1 waits for ever).
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int timeout = argc > 1 ? atoi(argv[1]) : -1;
  char buffer[256];
  for (int round = 0; round < 50; round++) {
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    int ready = poll(&pfd, 1, timeout);
    if (ready < 0) {
      perror("poll");
      return 1;
    }
    if (ready == 0) {
      printf("timeout\n");
      fflush(stdout);
      continue;
    }
    printf("ready%s%s", (pfd.revents & POLLIN) ? " IN" : "", (pfd.revents & POLLHUP) ? " HUP" : "");
    ssize_t got = read(0, buffer, sizeof buffer);
    if (got <= 0) {
      printf(" eof\n");
      return 0;
    }
    printf(" read %zd\n", got);
    fflush(stdout);
  }
  return 2;
}
