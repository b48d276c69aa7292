/* canon_call.h -- calls across a component boundary (CanonicalABI.md
 * "Embedding" (Store.invoke, Store.lift, Store.lower), "canon lift" and
 * "canon lower").
 *
 * The spec's FuncInst is canon_funcinst: a callable taking OnStart and
 * OnResolve callbacks (canon_call_hooks) and the caller's instance (NULL:
 * the host), and giving back its OnCancel (the callee's Task while it is
 * unresolved).  canon_lifted is what Store.lift captures for one
 * `canon lift` definition (lift.c); canon_lower is the body of the
 * core function Store.lower makes (lower.c).  Core wasm is reached only
 * through canon_core_callee, so all of this can be driven from C tests.
 *
 * Every lifted call runs on a new Thread (thread.h) of a new Task
 * (task.h); the current thread is the store's.
 */
#ifndef CANON_CANON_CALL_H
#define CANON_CANON_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "flat.h"
#include "instance.h"
#include "store.h"
#include "types.h"
#include "values.h"

/* A core wasm function as canon/ sees it (CoreFuncInst): called with flat
 * core values; returns false after recording a trap (a core trap or an
 * uncaught exception, which call_and_trap_on_throw turns into a trap). */
typedef struct canon_core_callee {
  void *env;
  bool (*call)(void *env, const uint64_t *args, uint32_t nargs,
               uint64_t *results, uint32_t nresults, canon_trap *trap);
} canon_core_callee;

/* OnStart / OnResolve.  on_start hands over the argument values (the
 * callee takes ownership of the array and the values); on_resolve receives
 * the result values (NULL: cancelled) and keeps nothing (the callee frees
 * them).  Either may trap. */
typedef struct canon_call_hooks {
  void *env;
  bool (*on_start)(void *env, canon_value ***args, uint32_t *nargs,
                   canon_trap *trap);
  bool (*on_resolve)(void *env, canon_value *const *results, uint32_t n,
                     canon_trap *trap);
} canon_call_hooks;

/* FuncInst = Callable[[OnStart, OnResolve, Optional[ComponentInstance]],
 * OnCancel].  *on_cancel receives the task to cancel (Task.
 * request_cancellation), or NULL once the call has resolved. */
typedef struct canon_Task canon_Task;
typedef struct canon_funcinst {
  const canon_FuncType *ft;
  void *env;
  bool (*call)(void *env, const canon_call_hooks *hooks,
               canon_ComponentInstance *caller, canon_Task **on_cancel,
               canon_trap *trap);
} canon_funcinst;

/* What Store.lift captures for a `canon lift`. */
typedef struct canon_lifted {
  const canon_FuncType *ft;
  const canon_CanonicalOptions *opts;
  canon_ComponentInstance *inst;
  canon_core_callee callee;
  canon_core_callee post_return; /* call == NULL: no post-return */
  canon_core_callee callback;    /* call == NULL: no callback */
} canon_lifted;

/* Store.lift(...)'s func_inst followed by canon_lift: env is a
 * canon_lifted.  The signature of canon_funcinst.call. */
bool canon_lift_call(void *env, const canon_call_hooks *hooks,
                     canon_ComponentInstance *caller, canon_Task **on_cancel,
                     canon_trap *trap);
/* LiftLowerContext.reallocate's canon_lift(realloc, ft, opts, inst, ...):
 * calls the realloc with args (old, old_byte_length, alignment,
 * new_byte_length) on a new Task and Thread of inst, synchronously, with
 * the empty CanonicalOptions and ft = (ptrt, ptrt, ptrt, ptrt) -> ptrt
 * (ptrt: u32 or u64 after ptr_type); *ptr receives the lifted result.
 * The caller clears inst.may_leave around it (canon_LiftLowerContext_reallocate). */
bool canon_lift_realloc(canon_ComponentInstance *inst, const canon_realloc *realloc,
                        canon_flat ptr_type, const uint64_t args[4],
                        uint64_t *ptr, canon_trap *trap);
/* Whether l is the lift of a realloc made by canon_lift_realloc (the
 * trace marks its task). */
bool canon_lifted_is_realloc(const canon_lifted *l);
/* A canon_funcinst for a canon_lifted (which must outlive it). */
canon_funcinst canon_Store_lift(canon_lifted *l);

/* Store.lower(...)'s core_func_inst followed by canon_lower: calls callee
 * with the flat arguments of a core call made in instance inst, and
 * appends the flat results to *flat_results. */
bool canon_lower(const canon_funcinst *callee, const canon_CanonicalOptions *opts,
                      canon_ComponentInstance *inst, const uint64_t *flat_args,
                      uint32_t nargs, canon_core_vec *flat_results,
                      canon_trap *trap);

/* Store.invoke for the host: calls f with host values (borrowed, not
 * taken), caller None, then ticks the store until the call resolves (a
 * deadlock if nothing can run); on success *results (malloc'd array,
 * owned by the caller) receives the result values. */
bool canon_Store_invoke(canon_Store *s, const canon_funcinst *f,
                       canon_value *const *args,
                       uint32_t nargs, canon_value ***results,
                       uint32_t *nresults, canon_trap *trap);

/* The messages of this layer's traps are in rules.def (rules.h). */

#endif
