/* async_dump.c -- prints the .wast script fuzz_async makes of an input
 * file (async_gen.c), so that a finding can be read and rerun with the
 * `cmref run` command line its second line gives:
 *
 *     build-fuzz/async_dump ARTIFACT > finding.wast
 *     build/cmref run --sched random --seed N ... finding.wast
 *
 * FUZZ_ASYNC_REALLOC_BUILTINS applies as in fuzz_async (async_gen.h). */
#include <stdio.h>
#include <stdlib.h>

#include "async_gen.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: async_dump FUZZ-INPUT > SCRIPT.wast\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + len, 1, cap - len, in)) > 0;) {
    len += got;
    if (len == cap) {
      unsigned char *b = realloc(buf, cap *= 2);
      if (!b) free(buf);
      buf = b;
    }
  }
  fclose(in);
  async_gen_options o = async_gen_options_from_env();
  async_gen_script sc;
  if (!buf || !async_gen(buf, len, &o, &sc)) {
    fprintf(stderr, "async_dump: out of memory\n");
    free(buf);
    return 1;
  }
  fwrite(sc.text, 1, sc.len, stdout);
  free(sc.text);
  free(buf);
  return 0;
}
