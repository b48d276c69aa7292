/* fuzz_text.c -- libFuzzer target: arbitrary text through the S-expression
 * reader, the core text parser (core_parse_wat, the path `cmref validate
 * x.wat` takes) and the validator; valid modules are round-tripped through
 * the binary encoder and run as in fuzz_binary.c. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_exec.h"
#include "interp/core/text.h"
#include "interp/core/validate.h"
#include "interp/text/sexpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *src = fuzz_nul_copy(data, size);
  if (!src) return 0;
  cm_error err;
  cm_error_init(&err);
  /* The reader alone first: it is also what the .wast runner uses. */
  sx_node *tree = sx_read(src, size, "fuzz.wat", &err);
  sx_free(tree);
  cm_error_init(&err);
  core_module *m = core_parse_wat(src, size, "fuzz.wat", &err);
  if (m) {
    cm_error_init(&err);
    if (core_validate(m, &err)) {
      fuzz_roundtrip(m);
      fuzz_run_module(m);
    }
    core_module_free(m);
  }
  free(src);
  return 0;
}
