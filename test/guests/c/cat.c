/*
 * Copies stdin to stdout with read(0) until end of file. The small buffer
 * makes the host serve many reads, including one that ends mid-buffer.
 */
#include <unistd.h>

int main(void) {
  char buf[100];
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0)
      return 0;
    if (n < 0)
      return 1;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(STDOUT_FILENO, buf + done, (size_t)(n - done));
      if (w <= 0)
        return 1;
      done += w;
    }
  }
}
