/* fuzz_binary.c -- libFuzzer target: arbitrary bytes through the binary
 * decoder and the validator; modules that validate are round-tripped
 * through the encoder, instantiated and have their exports called (see
 * fuzz_exec.h).  Anything but a clean error or an outcome is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_exec.h"
#include "interp/core/binary.h"
#include "interp/core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cm_error err;
  cm_error_init(&err);
  core_module *m = core_decode(data, size, &err);
  if (!m) return 0;
  cm_error_init(&err);
  if (core_validate(m, &err)) {
    fuzz_roundtrip(m);
    fuzz_run_module(m);
  }
  core_module_free(m);
  return 0;
}
