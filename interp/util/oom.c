/* oom.c -- see oom.h. */
#include "oom.h"

#include <stdio.h>
#include <stdlib.h>

void cm_out_of_memory(void) {
  fputs("cmref: out of host memory\n", stderr);
  exit(EXIT_FAILURE);
}
