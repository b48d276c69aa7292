/* builtins.h -- the core functions of the Canonical ABI built-ins other
 * than lift, lower and resource.* (which live in instantiate.c): each is a
 * host function calling canon/builtins.h.  Built-ins cmref does not
 * implement yet (streams, futures, error-context, thread.new-indirect and
 * the shared-everything ones) have their spec core types, so components
 * using them link, and when called they perform the built-in's initial
 * `trap_if(not inst.may_leave)` (so post-return and realloc checks work)
 * and then trap "unsupported feature: shared-everything-threads (canon
 * NAME)". */
#ifndef COMP_BUILTINS_H
#define COMP_BUILTINS_H

#include "../../canon/builtins.h"
#include "../../canon/instance.h"
#include "../../canon/layout.h"
#include "../core/exec.h"
#include "component.h"

/* The core function type of built-in cd (flat_result: task.return's
 * flattened parameters, NULL otherwise); *ft's arrays are malloc'd. */
void comp_builtin_functype(const comp_canon *cd, const canon_flat_vec *flat,
                           core_functype *ft);
/* A stub core function for cd in instance inst; env is kept by the
 * caller's store (it must outlive the function). */
typedef struct comp_builtin_stub {
  canon_ComponentInstance *inst;
  comp_canonkind kind;
  const comp_canon *cd;        /* the definition's immediates */
  const canon_CanonicalOptions *opts;   /* task.return: its canonopts */
  const canon_MemInst *memory;  /* waitable-set.wait/poll: (memory m) */
  const canon_type *result;    /* task.return: its result type, or NULL */
  uint32_t nparams, nresults;  /* the core function's (set by _new) */
  const canon_type *elem;      /* stream.* / future.*: T of stream<T>, or NULL */
  canon_core_table table;      /* thread.new-indirect */
} comp_builtin_stub;
core_func_inst *comp_builtin_stub_new(core_store *s, comp_builtin_stub *env,
                                      const core_functype *ft);

#endif
