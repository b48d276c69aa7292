/* instantiate.h -- component instances: instantiation and linking
 * (Explainer.md "Instance Definitions", "Alias Definitions", "Canonical
 * Definitions", "Start Definitions", "Import and Export Definitions";
 * CanonicalABI.md "Component Instances", "Embedding").
 *
 * A comp_store holds every runtime object of the component model on top of
 * one core_store: component instances (each with its canon_ComponentInstance: handle
 * table, may_enter, may_leave), the core instances made inside them,
 * lifted functions, lowered core functions and the runtime types.
 *
 * Runtime types are built here, per instance, while its definitions run:
 * resource types are generative (each instantiation makes new ones), so a
 * value type mentioning `own<R>` only means something once R is bound to a
 * runtime canon_ResourceType.  Imported types are the argument's types.
 *
 * Instantiation follows the definitions in order, each adding to its index
 * space; the component must be valid (comp_validate) -- bad indices are
 * still caught (as link errors) rather than crashing.
 */
#ifndef COMP_INSTANTIATE_H
#define COMP_INSTANTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../canon/canon_call.h"
#include "../../canon/values.h"
#include "../core/exec.h"
#include "component.h"

typedef struct comp_store comp_store;
typedef struct comp_inst comp_inst;       /* a component instance */
typedef struct comp_func comp_func;       /* a component function */
typedef struct comp_exports comp_exports; /* an instance's named items */
typedef struct comp_core_inst comp_core_inst;
typedef struct comp_rtype comp_rtype;
typedef struct comp_closure comp_closure; /* a component and its scope */

/* One entry of an index space. */
typedef struct comp_item {
  comp_sort sort;
  union {
    core_extern core; /* core func, table, memory, global, tag */
    const comp_core_type *core_type;
    const core_module *module;
    comp_core_inst *core_inst;
    comp_func *func;
    const canon_value *value; /* NULL: a value cmref does not model */
    comp_rtype *type;
    comp_closure *component;
    comp_exports *instance;
  } u;
} comp_item;

typedef enum comp_outcome {
  COMP_OK = 0,
  COMP_TRAP,        /* a trap (message given) */
  COMP_LINK,        /* missing or ill-typed import */
  COMP_UNSUPPORTED, /* "unsupported feature: NAME ..." */
} comp_outcome;

comp_store *comp_store_new(core_store *core);
/* Reports instantiations to m (importmap.h; NULL: off). */
struct comp_imap;
void comp_store_set_imap(comp_store *s, struct comp_imap *m);
void comp_store_free(comp_store *s);
/* The Store of the Canonical ABI inside (to set its scheduler and limits). */
canon_Store *comp_store_canon(comp_store *s);
/* The store's component instances in the order they were made, in a new
 * array (--explore's digest of a state). */
uint32_t comp_store_instances(comp_store *s, canon_ComponentInstance ***out);
/* A label for a lifted function of s, the same in every run of a script
 * (the position of its `canon lift` definition among s's objects), for
 * --explore's digest of a state. */
uint64_t comp_store_lifted_label(comp_store *s, const canon_lifted *l);
/* The core function callee f calls, if it is one this store made (a
 * thread.new-indirect table's); else NULL. */
const struct core_func_inst *comp_callee_func(const canon_core_callee *f);
/* The core instances a component instance (one of comp_store_instances')
 * made, in order (for the digest of its state: their memories, globals
 * and tables).  *out is the caller's to free. */
uint32_t comp_instance_core_instances(const canon_ComponentInstance *ci,
                                      const core_instance ***out);
/* Ends every suspended thread (unwinding it through core code, so the core
 * store must still be alive); the instances stay until comp_store_free. */
void comp_store_stop(comp_store *s);

/* An import argument of a top-level instantiation. */
typedef struct comp_import_arg {
  const char *name;
  size_t len;
  comp_item item;
} comp_import_arg;

/* Instantiates a component for the host (no parent instance).  The
 * component must outlive the store.  msg receives the trap/link error. */
comp_outcome comp_instantiate(comp_store *s, const comp_component *c,
                              const comp_import_arg *args, uint32_t nargs,
                              comp_inst **out, char *msg, size_t msgn);

/* The instance's exports. */
const comp_exports *comp_inst_exports(const comp_inst *i);
bool comp_exports_find(const comp_exports *e, const char *name, size_t len,
                       comp_item *out);

const canon_FuncType *comp_func_type(const comp_func *f);
/* Store.invoke: calls f from the host with values that fit its parameter
 * types.  On COMP_OK, *results (malloc'd, owned by the caller) holds the
 * result values. */
comp_outcome comp_invoke(comp_store *s, comp_func *f, canon_value *const *args,
                         uint32_t nargs, canon_value ***results,
                         uint32_t *nresults, char *msg, size_t msgn);

#endif
