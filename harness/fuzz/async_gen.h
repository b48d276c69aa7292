/* async_gen.h -- turns fuzzer input bytes into a valid .wast script: one
 * component of 2 or 3 component instances whose core code calls random
 * sequences of the async built-ins, and the invokes that drive it.  Used by
 * fuzz_async.c (the libFuzzer target) and async_dump.c (prints the script
 * of an input, so that findings can be read and rerun with `cmref run`). */
#ifndef FUZZ_ASYNC_GEN_H
#define FUZZ_ASYNC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits the target and the dump share, so that `cmref run` with the flags
 * async_gen_command prints reproduces a fuzz run. */
enum {
  ASYNC_GEN_FUEL = 20000,
  ASYNC_GEN_MAX_THREADS = 32,
  ASYNC_GEN_MEMORY_PAGES = 32,
  /* each thread's C stack: the least `cmref run --fiber-stack-size`
   * takes (1 MiB by default); mapping, poisoning and unmapping a stack per
   * thread costs less */
  ASYNC_GEN_FIBER_STACK_KIB = 256,
};

/* Realloc that calls built-ins: a realloc is a task of its own
 * (CanonicalABI.md "Lifting and Lowering Context", reallocate), whose
 * built-ins see its own task and trap where they would leave the
 * instance.  On by default; FUZZ_ASYNC_REALLOC_BUILTINS=0 in the
 * environment leaves it out. */
#define ASYNC_GEN_REALLOC_BUILTINS_DEFAULT true

/* Wild (unaligned or out-of-bounds) pointers where a built-in stores its
 * results: waitable-set.wait/poll's event, error-context.debug-message's
 * string, an async lower's results.  The spec only asserts some of these
 * (unpack_event: `store` asserts alignment and bounds); cmref traps there
 * (regressions/async-waitable-set-poll-unaligned-event-ptr.wast).  On by
 * default; FUZZ_ASYNC_WILD_RESULT_PTRS=0 leaves them out. */
#define ASYNC_GEN_WILD_RESULT_PTRS_DEFAULT true

typedef struct async_gen_options {
  bool realloc_builtins; /* realloc bodies call built-ins */
  bool wild_result_ptrs; /* see above */
  bool text_modules;     /* the generated core modules ($M, $R) as .wat
                            text instead of `(core module binary ...)`:
                            the same modules, readable, but parsing them
                            is most of a run's cost */
} async_gen_options;

/* The options the environment gives (see above): FUZZ_ASYNC_REALLOC_BUILTINS,
 * FUZZ_ASYNC_WILD_RESULT_PTRS and FUZZ_ASYNC_TEXT, each 0 or 1. */
async_gen_options async_gen_options_from_env(void);

typedef struct async_gen_script {
  char *text;    /* the .wast script, NUL-terminated (free() it) */
  size_t len;
  uint64_t seed; /* the random scheduler's seed this input picks */
} async_gen_script;

/* Builds the script of one input; false only when out of memory. */
bool async_gen(const uint8_t *data, size_t size, const async_gen_options *opt,
               async_gen_script *out);

#endif
