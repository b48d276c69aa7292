/* exec.h -- the core wasm runtime: store, instantiation, invocation
 * (core spec "Execution").
 *
 * This is also the narrow interface through which canon/ and the component
 * front end see core wasm: call a core function with core values, read and
 * write a linear memory, call realloc, define host functions.
 *
 * All runtime objects belong to a core_store and die with it; there is no
 * global mutable state, so two stores can live side by side.  A module must
 * outlive the instances made from it.
 *
 * Values cross this interface as uint64_t "bits": i32 zero-extended, i64 as
 * is, f32/f64 as their IEEE bit patterns (NaN payloads preserved), and
 * references as core_ref: 0 is null; a funcref is the core_func_inst
 * pointer; an externref is an opaque non-zero host value (the .wast runner
 * uses N+1 for `ref.extern N`); an exnref is the core_exn pointer.
 */
#ifndef CORE_EXEC_H
#define CORE_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/diag.h"
#include "module.h"

typedef struct core_store core_store;
typedef struct core_instance core_instance;
typedef struct core_func_inst core_func_inst;
typedef struct core_table_inst core_table_inst;
typedef struct core_mem_inst core_mem_inst;
typedef struct core_global_inst core_global_inst;
typedef struct core_tag_inst core_tag_inst;
typedef struct core_exn core_exn;
typedef uint64_t core_ref;

/* The limits a runaway guest meets (each has a CLI flag). 0 = default. */
typedef struct core_config {
  uint64_t fuel;             /* instructions; 0 = unlimited */
  uint32_t max_call_depth;   /* default 10000 frames: "call stack exhausted" */
  uint64_t max_memory_pages; /* per memory; default 65536 (4 GiB) */
  uint64_t max_table_elems;  /* per table; default 10,000,000 */
  /* core_calls nested through host functions (each nesting uses C stack);
   * default 1000, beyond: "call stack exhausted" */
  uint32_t max_host_nesting;
  /* wall clock a store may run code, in milliseconds (--timeout); 0: no
   * limit.  Checked where fuel is: the store hands fuel out in slices and
   * looks at the clock between them, so no signal is involved. */
  uint64_t timeout_ms;
} core_config;

typedef enum core_outcome {
  CORE_OK = 0,
  CORE_TRAP,      /* message in core_store_message() */
  CORE_EXHAUSTED, /* call depth or fuel: "call stack exhausted" / "out of fuel" */
  CORE_THROWN,    /* uncaught wasm exception: core_store_exception() */
  CORE_LINK_ERROR /* instantiation only: message in the cm_error */
} core_outcome;

core_store *core_store_new(const core_config *cfg);
void core_store_free(core_store *s);
/* The store's memories take their bytes from pool and give them back to
 * it (membytes.h), which outlives the store: --explore keeps one for all
 * the runs of a walk. */
struct core_membytes_pool;
void core_store_share_memories(core_store *s, struct core_membytes_pool *pool);
/* The message of the last trap/exhaustion, e.g. "integer divide by zero". */
const char *core_store_message(const core_store *s);
/* The exception of the last CORE_THROWN outcome. */
core_exn *core_store_exception(const core_store *s);
core_tag_inst *core_exn_tag(const core_exn *e);
uint64_t core_store_fuel_used(const core_store *s);

typedef struct core_extern {
  core_externkind kind;
  union {
    core_func_inst *func;
    core_table_inst *table;
    core_mem_inst *mem;
    core_global_inst *global;
    core_tag_inst *tag;
  } u;
} core_extern;

/* Instantiates a validated module with imports in the module's import
 * order.  Checks import types (CORE_LINK_ERROR, err: "incompatible import
 * type"), then allocates, runs element/data segment initialisation and the
 * start function.  A trap during initialisation returns CORE_TRAP (effects
 * on imported memories and tables stay, as the spec says); *out is set
 * only on CORE_OK. */
core_outcome core_instantiate(core_store *s, const core_module *m,
                              const core_extern *imports, uint32_t nimports,
                              core_instance **out, cm_error *err);
bool core_instance_export(const core_instance *inst, const char *name,
                          uint32_t len, core_extern *out);
const core_module *core_instance_module(const core_instance *inst);

/* Calls a function: args has ntype->nparams values, results receives
 * nresults.  Re-entrant: a host function may call back into wasm. */
core_outcome core_call(core_store *s, core_func_inst *f, const uint64_t *args,
                       uint64_t *results);
const core_functype *core_func_type(const core_func_inst *f);

/* Host functions.  The callback returns CORE_OK, or CORE_TRAP after
 * core_trap() set the message. */
typedef core_outcome (*core_host_fn)(core_store *s, void *env,
                                     const uint64_t *args, uint64_t *results);
core_func_inst *core_host_func_new(core_store *s, const core_functype *type,
                                   core_host_fn fn, void *env);
core_outcome core_trap(core_store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Host-made objects (the spectest module, the component runtime). */
core_table_inst *core_table_new(core_store *s, const core_tabletype *t,
                                core_ref init);
core_mem_inst *core_memory_new(core_store *s, const core_memtype *t);
core_global_inst *core_global_new(core_store *s, const core_globaltype *t,
                                  uint64_t value);
core_tag_inst *core_tag_new(core_store *s, const core_functype *t);

/* Memory access for the host (canon/ load and store). */
uint8_t *core_memory_data(core_mem_inst *m, uint64_t *size_bytes);
/* The memory's type (limits.min is its current size in pages). */
const core_memtype *core_memory_type(const core_mem_inst *m);
uint64_t core_global_get(const core_global_inst *g);
const core_globaltype *core_global_type(const core_global_inst *g);
core_ref core_table_get(const core_table_inst *t, uint64_t i, bool *in_bounds);
uint64_t core_table_size(const core_table_inst *t);

#endif
