/* async_dump.c -- prints the .wast script fuzz_async makes of an input
 * file (async_gen.c), so that a finding can be read and rerun with the
 * `cmref run` command line its second line gives:
 *
 *     build-fuzz/async_dump [--text] ARTIFACT > finding.wast
 *     build/cmref run --sched random --seed N ... finding.wast
 *
 * --text writes the generated core modules as .wat text (readable, to cut
 * down by hand) instead of the binary form fuzz_async runs; the modules
 * are the same.  FUZZ_ASYNC_* apply as in fuzz_async (async_gen.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "async_gen.h"

int main(int argc, char **argv) {
  bool text = argc == 3 && !strcmp(argv[1], "--text");
  if (argc != 2 + text) {
    fprintf(stderr, "usage: async_dump [--text] FUZZ-INPUT > SCRIPT.wast\n");
    return 2;
  }
  const char *path = argv[1 + text];
  FILE *in = fopen(path, "rb");
  if (!in) {
    perror(path);
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
  if (text) o.text_modules = true;
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
