/*
 * The browser demo's program, also used by the browser tests: a tiny journal.
 * It prints /data/motd.txt when the page mounted one, says how many entries
 * /home/journal.txt holds already, then reads lines: each is appended to the
 * journal and echoed with its number. "exit N" ends it with exit code N; at
 * the end of input it says how many entries it added.
 *
 * Build (stripped: the page downloads it): clang --target=wasm32-wasi -O2 -Wl,--strip-all examples/browser/journal.c -o examples/browser/journal.wasm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *journal = "/home/journal.txt";

static int count_entries(void) {
  FILE *file = fopen(journal, "r");
  if (file == NULL) return 0;
  int count = 0;
  for (int c; (c = fgetc(file)) != EOF;)
    if (c == '\n') count++;
  fclose(file);
  return count;
}

static void print_motd(void) {
  FILE *motd = fopen("/data/motd.txt", "r");
  if (motd == NULL) return;
  char buffer[256];
  size_t count;
  while ((count = fread(buffer, 1, sizeof buffer, motd)) > 0) fwrite(buffer, 1, count, stdout);
  fclose(motd);
}

int main(void) {
  print_motd();
  int existing = count_entries();
  printf("journal: %d entries so far\n", existing);
  char line[512];
  int added = 0;
  for (;;) {
    printf("> ");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL) break;
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "exit ", 5) == 0) {
      printf("exiting with %d\n", atoi(line + 5));
      return atoi(line + 5);
    }
    FILE *file = fopen(journal, "a");
    if (file == NULL) {
      perror(journal);
      return 1;
    }
    fprintf(file, "%s\n", line);
    fclose(file);
    added++;
    printf("#%d %s\n", existing + added, line);
  }
  printf("\nsaved %d new entries\n", added);
  return 0;
}
