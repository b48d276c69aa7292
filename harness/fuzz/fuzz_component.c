/* fuzz_component.c -- libFuzzer target: arbitrary bytes through the
 * component binary decoder (Binary.md) and the component validator;
 * components that decode are re-encoded and must decode to the same
 * component.  (Instantiation is reached through fuzz_wast.) */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_exec.h"
#include "interp/component/binary.h"
#include "interp/component/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cm_error err;
  cm_error_init(&err);
  comp_component *c = comp_decode_component(data, size, &err);
  if (!c) return 0;
  fuzz_roundtrip_component(c);
  cm_error_init(&err);
  (void)comp_validate(c, &err);
  comp_component_free(c);
  return 0;
}
