// Says it started, then computes for ever: only stopping it from outside ends it.
#include <stdio.h>

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long counter = 0;
  for (;;) counter++;
}
