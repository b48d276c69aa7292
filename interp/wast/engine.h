/* engine.h -- the abstract engine the .wast runner drives.
 *
 * Like the spec interpreter's script runner (a functor over an Engine), the
 * runner never touches core_module or core_instance itself: it hands module
 * forms to an engine and gets back opaque definitions and instances, which
 * it names, registers and invokes.  The core wasm engine (engine_core.c) is
 * the first implementation; the component model adds its own engine for the
 * `component` commands, and both kinds live in the same script.
 */
#ifndef WAST_ENGINE_H
#define WAST_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../canon/grow.h"
#include "../core/exec.h"
#include "../core/validate.h"
#include "../text/sexpr.h"
#include "../util/diag.h"

/* A value crossing the script boundary: a core value with its type, bits as
 * in exec.h (an externref `ref.extern N` is N+1, null is 0). */
typedef struct wast_value {
  core_valtype type;
  uint64_t bits;
} wast_value;

/* What running something gave.  Every non-OK outcome comes with a message. */
typedef enum wast_outcome {
  WAST_OK = 0,
  WAST_TRAP,        /* a trap: "integer divide by zero" */
  WAST_EXHAUSTED,   /* "call stack exhausted", "out of fuel" */
  WAST_EXCEPTION,   /* an uncaught wasm exception */
  WAST_LINK,        /* instantiation: "unknown import", "incompatible ..." */
  WAST_UNSUPPORTED, /* needs a feature cmref lacks: "unsupported feature: X" */
  WAST_ERROR,       /* a script error: "undefined export", wrong arguments */
} wast_outcome;

/* How an engine finds an import: the runner's registry (and spectest).
 * Returns false when nothing is registered under module.name; sets *skip
 * (with a reason in msg) when the provider was itself skipped. */
typedef bool (*wast_resolve_fn)(void *ctx, const char *module, size_t mlen,
                                const char *name, size_t nlen,
                                core_extern *out, bool *skip, char *msg,
                                size_t msgn);

typedef struct wast_engine wast_engine;

/* Frees a definition of an engine's (decode's result). */
typedef void (*wast_def_free_fn)(void *def);

typedef struct wast_engine_ops {
  const char *name; /* "core" */
  /* Reads a module form (`definition` already dropped), text, binary or
   * quote, without validating it: NULL with CM_MALFORMED or CM_UNSUPPORTED. */
  void *(*decode)(wast_engine *e, const sx_node *form, cm_error *err);
  /* CM_INVALID or CM_UNSUPPORTED on failure. */
  bool (*validate)(wast_engine *e, void *def, cm_error *err);
  /* Links imports through e->resolve and runs initialisation. */
  wast_outcome (*instantiate)(wast_engine *e, void *def, void **inst,
                              char *msg, size_t msgn);
  /* Calls an exported function.  *results is malloc'ed (caller frees). */
  wast_outcome (*invoke)(wast_engine *e, void *inst, const char *name,
                         size_t len, const wast_value *args, size_t nargs,
                         wast_value **results, size_t *nresults, char *msg,
                         size_t msgn);
  /* Reads an exported global. */
  wast_outcome (*get)(wast_engine *e, void *inst, const char *name,
                      size_t len, wast_value *out, char *msg, size_t msgn);
  /* An export as a core extern, for linking other modules against it. */
  bool (*export_extern)(wast_engine *e, void *inst, const char *name,
                        size_t len, core_extern *out);
  wast_def_free_fn free_def;
  void (*free)(wast_engine *e); /* the engine, its store and instances */
  /* Optional, called on every engine before any is freed: ends whatever
   * is still running (suspended component threads). */
  void (*stop)(wast_engine *e);
} wast_engine_ops;

/* Optional operations of an engine with values of its own (the component
 * model's); wast_engine.ext is NULL in the core engine. */
typedef struct wast_engine_ext {
  /* An engine whose values are not core
   * values (the component model's) parses the argument constants of
   * `invoke` itself and returns its results as an opaque object, which
   * results_match compares with the expected-result forms of assert_return
   * (on false, why says how they differ) and free_results frees. */
  wast_outcome (*invoke_forms)(wast_engine *e, void *inst, const char *name,
                               size_t len, sx_node *const *args, size_t nargs,
                               void **results, char *msg, size_t msgn);
  bool (*results_match)(wast_engine *e, void *results,
                        sx_node *const *expected, size_t n, char *why,
                        size_t whyn);
  void (*free_results)(wast_engine *e, void *results);
  /* The results as the constants that would match them ("(u32.const
   * 3)", several in [...]), whole, malloc'ed. */
  char *(*results_text)(wast_engine *e, void *results);
  /* Does a trap message match the expected one (n bytes)?  NULL:
   * the engine's rule below. */
  bool (*trap_matches)(wast_engine *e, const char *actual,
                       const char *expected, size_t n);
  /* The expected message of an assertion about this engine's modules may
   * occur anywhere in the actual one (the rule of Wasmtime's wast runner,
   * for which the component-model tests were written) rather than only at
   * its start (the spec interpreter's rule, for core scripts). */
  bool substring_messages;
} wast_engine_ext;

struct wast_engine {
  const wast_engine_ops *ops;
  const wast_engine_ext *ext; /* NULL: core values only */
  wast_resolve_fn resolve;
  void *resolve_ctx;
  /* The definitions decode made (wast_engine_keep_def), kept until the
   * engine is freed, because instances must not outlive their module. */
  CANON_VEC(void *) defs;
};

/* The definitions an engine keeps (engine.c). */
void wast_engine_keep_def(wast_engine *e, void *def);
/* Frees def at once (the runner drops the modules of assert_invalid and
 * assert_malformed, from which nothing was instantiated). */
void wast_engine_free_def(wast_engine *e, void *def);
/* The engine gives def up (it no longer frees it with itself), and says
 * how to free it (defs.h: a walk keeps definitions across runs). */
wast_def_free_fn wast_engine_take_def(wast_engine *e, void *def);
/* Frees the definitions still kept, newest first (in the engine's free). */
void wast_engine_free_defs(wast_engine *e);

/* The core wasm engine: one store (with the given limits) per engine.
 * print_to receives the output of spectest's print functions (NULL: quiet);
 * mem_pool (NULL: none) is where the store's memories are mapped from
 * (core_store_share_memories). */
struct core_membytes_pool;
wast_engine *wast_core_engine_new(const core_config *cfg,
                                  const core_features *features,
                                  FILE *print_to,
                                  struct core_membytes_pool *mem_pool);
/* The predefined `spectest` instance of that engine. */
void *wast_core_engine_spectest(wast_engine *e);
/* The store of the core engine (for the CLI's fuel report etc.). */
core_store *wast_core_engine_store(wast_engine *e);

/* The component model engine (engine_component.c), sharing the core
 * engine's store; free it after the core engine (its modules must
 * outlive the core instances made from them). */
struct wast_comp_options;
wast_engine *wast_component_engine_new(wast_engine *core,
                                       const struct wast_comp_options *opt);
/* Its store (--explore's digest of a state, state.c). */
struct comp_store;
struct comp_store *wast_component_engine_store(wast_engine *e);

#endif
