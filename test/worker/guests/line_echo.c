// Interactive line echo: prompts, reads a line, answers it, until end of input.
// The prompt is flushed before each read, so a driver can wait for it.
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[256];
  for (int count = 1;; count++) {
    printf("> ");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL) break;
    line[strcspn(line, "\n")] = '\0';
    printf("%d: %s\n", count, line);
  }
  printf("bye\n");
  return 0;
}
