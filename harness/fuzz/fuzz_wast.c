/* fuzz_wast.c -- libFuzzer target: whole .wast scripts through the script
 * runner (wast_run_source), core modules and components alike, under the
 * fuzzing limits of fuzz_exec.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_exec.h"
#include "interp/wast/wast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *src = fuzz_nul_copy(data, size);
  if (!src) return 0;
  wast_options opt;
  memset(&opt, 0, sizeof opt);
  opt.config = fuzz_config();
  core_features_named("all", &opt.features);
  opt.print_to = NULL;
  wast_results r;
  memset(&r, 0, sizeof r);
  wast_file_result *f = wast_results_add_file(&r, "fuzz.wast");
  if (f) {
    wast_run_source(src, size, "fuzz.wast", &opt, f);
    wast_results_close_file(&r, f);
  }
  wast_results_free(&r);
  free(src);
  return 0;
}
