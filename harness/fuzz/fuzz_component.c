/* fuzz_component.c -- libFuzzer target: arbitrary bytes through the
 * component binary decoder (Binary.md) and the component validator;
 * components that decode are re-encoded and must decode to the same
 * component.  (Instantiation is reached through fuzz_wast.) */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "interp/component/binary.h"
#include "interp/component/encode.h"
#include "interp/component/equal.h"
#include "interp/component/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const comp_component *c) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  cm_error err;
  cm_error_init(&err);
  if (!comp_encode(c, &bytes, &len, &err)) return; /* no binary form */
  cm_error_init(&err);
  comp_component *c2 = comp_decode_component(bytes, len, &err);
  if (!c2) {
    char buf[600];
    cm_error_format(&err, buf, sizeof buf);
    fprintf(stderr, "fuzz: re-decoding the encoded component failed: %s\n",
            buf);
    abort();
  }
  char why[512] = "";
  if (!comp_component_equal(c, c2, why, sizeof why)) {
    fprintf(stderr, "fuzz: encode+decode changed the component: %s\n", why);
    abort();
  }
  comp_component_free(c2);
  free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cm_error err;
  cm_error_init(&err);
  comp_component *c = comp_decode_component(data, size, &err);
  if (!c) return 0;
  roundtrip(c);
  cm_error_init(&err);
  (void)comp_validate(c, &err);
  comp_component_free(c);
  return 0;
}
