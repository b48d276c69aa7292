/* canon_call.c -- synchronous calls across component boundaries: Store.lift
 * + canon_lift and Store.lower + canon_lower (CanonicalABI.md "Component
 * Instances", "Embedding", "Tasks", "canon lift", "canon lower").  See
 * canon_call.h. */
#include "canon_call.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "layout.h"

/* ---- ComponentInstance: entering and leaving ---------------------------- */

/* Is a in caller.self_and_ancestors()? */
static bool is_self_or_ancestor(const canon_instance *a,
                                const canon_instance *caller) {
  for (const canon_instance *i = caller; i; i = i->parent)
    if (i == a) return true;
  return false;
}

/* ComponentInstance.may_enter_from: every instance of
 * entering_set(caller) = self_and_ancestors() - caller.self_and_ancestors()
 * must have may_enter set. */
bool canon_may_enter_from(const canon_instance *inst,
                          const canon_instance *caller) {
  for (const canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller) && !i->may_enter) return false;
  return true;
}

/* ComponentInstance.enter_from */
void canon_enter_from(canon_instance *inst, const canon_instance *caller) {
  for (canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(i->may_enter);
      i->may_enter = false;
    }
}

/* ComponentInstance.leave_to */
void canon_leave_to(canon_instance *inst, const canon_instance *caller) {
  for (canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(!i->may_enter);
      i->may_enter = true;
    }
}

/* ---- canon lift ---------------------------------------------------------- */

/* The sync subset of Task: its state and num_borrows (lower_borrow counts
 * into the embedded canon_borrow_task). */
typedef enum task_state { TASK_INITIAL, TASK_STARTED, TASK_RESOLVED } task_state;

typedef struct sync_task {
  canon_borrow_task borrows;
  task_state state;
  const canon_call_hooks *hooks;
} sync_task;

/* Task.start */
static bool task_start(sync_task *t, canon_value ***args, uint32_t *n,
                       canon_trap *trap) {
  assert(t->state == TASK_INITIAL);
  t->state = TASK_STARTED;
  return t->hooks->on_start(t->hooks->env, args, n, trap);
}

/* Task.return_ */
static bool task_return(sync_task *t, canon_value *const *result, uint32_t n,
                        canon_trap *trap) {
  if (t->state == TASK_RESOLVED)
    return canon_trapf(trap, CANON_TRAP_GUEST, "task already resolved");
  if (t->borrows.num_borrows > 0)
    return canon_trapf(trap, CANON_TRAP_GUEST, "%s", CANON_MSG_BORROWS_REMAIN);
  if (!t->hooks->on_resolve(t->hooks->env, result, n, trap)) return false;
  t->state = TASK_RESOLVED;
  return true;
}

static void free_values(canon_value **vs, uint32_t n) {
  if (!vs) return;
  for (uint32_t i = 0; i < n; i++) canon_value_free(vs[i]);
  free(vs);
}

/* canon_lift, the non-async path, run by thread_func on the caller's
 * stack (a synchronous callee never blocks, see "canon lift"). */
static bool canon_lift_sync(canon_lifted *l, const canon_call_hooks *hooks,
                            canon_trap *trap) {
  const canon_functype *ft = l->ft;
  sync_task task = {{0}, TASK_INITIAL, hooks};
  canon_context cx;
  canon_context_init(&cx, l->opts, l->inst,
                     (canon_borrow_scope){&task.borrows, NULL});
  canon_value **args = NULL;
  uint32_t nargs = 0;
  if (!task_start(&task, &args, &nargs, trap)) return false;
  const canon_type **pts = NULL, **rts = NULL;
  uint32_t np = canon_functype_param_types(ft, &pts);
  uint32_t nr = canon_functype_result_type(ft, &rts);
  assert(np == nargs);
  canon_core_functype flat_ft;
  canon_flatten_functype(l->opts, ft, CANON_LIFT, &flat_ft);
  canon_core_vec flat_args = {0};
  uint64_t *flat_results = NULL;
  canon_value **result = NULL;
  bool ok = canon_lower_flat_values(&cx, CANON_MAX_FLAT_PARAMS,
                                    (const canon_value *const *)args,
                                    (const canon_type *const *)pts, np, NULL,
                                    &flat_args);
  free_values(args, nargs);
  args = NULL;
  if (!ok) {
    *trap = cx.trap;
    goto out;
  }
  assert(flat_args.n == flat_ft.params.n);
  uint32_t nflat = flat_ft.results.n;
  flat_results = calloc(nflat + 1, sizeof *flat_results);
  /* call_and_trap_on_throw(callee, flat_args) */
  ok = l->callee.call(l->callee.env, flat_args.v, flat_args.n, flat_results,
                      nflat, trap);
  if (!ok) goto out;
  result = calloc(nr + 1, sizeof *result);
  canon_core_iter vi;
  canon_core_iter_init(&vi, flat_results, nflat);
  ok = canon_lift_flat_values(&cx, CANON_MAX_FLAT_RESULTS, &vi,
                              (const canon_type *const *)rts, nr, result);
  if (!ok) {
    *trap = cx.trap;
    free(result);
    result = NULL;
    goto out;
  }
  ok = task_return(&task, result, nr, trap);
  if (!ok) goto out;
  if (l->post_return.call) {
    assert(cx.inst->may_leave);
    l->inst->may_leave = false;
    ok = l->post_return.call(l->post_return.env, flat_results, nflat, NULL, 0,
                             trap);
    if (!ok) goto out;
    l->inst->may_leave = true;
  }
  /* Task.exit_implicit_thread -> unregister_thread: the last thread of a
   * task that never resolved traps (cannot happen on this path). */
  assert(task.state == TASK_RESOLVED && task.borrows.num_borrows == 0);
out:
  free_values(result, result ? nr : 0);
  free(flat_results);
  canon_core_vec_free(&flat_args);
  canon_core_functype_free(&flat_ft);
  free(pts);
  free(rts);
  return ok;
}

/* Store.lift's func_inst */
bool canon_lift_call(void *env, const canon_call_hooks *hooks,
                     canon_instance *caller, canon_trap *trap) {
  canon_lifted *l = env;
  if (!canon_may_enter_from(l->inst, caller))
    return canon_trapf(trap, CANON_TRAP_GUEST, "%s", CANON_MSG_CANNOT_ENTER);
  if (l->opts->async || l->ft->async)
    return canon_trapf(trap, CANON_TRAP_UNSUPPORTED,
                       "unsupported feature: async");
  canon_enter_from(l->inst, caller);
  bool ok = canon_lift_sync(l, hooks, trap);
  /* After a trap the store is unusable (the spec tears it down); the flags
   * stay as they were, like in a torn-down store. */
  if (ok) canon_leave_to(l->inst, caller);
  return ok;
}

canon_funcinst canon_lifted_funcinst(canon_lifted *l) {
  canon_funcinst f = {l->ft, l, canon_lift_call};
  return f;
}

/* ---- canon lower --------------------------------------------------------- */

/* The caller's side of a call: its Subtask (lenders) and the context its
 * OnStart / OnResolve lift and lower in. */
typedef struct lower_call {
  canon_context cx;
  canon_borrow_subtask subtask;
  const canon_functype *ft;
  canon_core_iter flat_args;
  const canon_type **pts, **rts;
  uint32_t np, nr;
  canon_core_vec *flat_results;
  bool started, resolved;
} lower_call;

/* canon_lower's on_start */
static bool lower_on_start(void *env, canon_value ***args, uint32_t *nargs,
                           canon_trap *trap) {
  lower_call *lc = env;
  assert(!lc->started);
  lc->started = true;
  canon_value **vs = calloc(lc->np + 1, sizeof *vs);
  if (!canon_lift_flat_values(&lc->cx, CANON_MAX_FLAT_PARAMS, &lc->flat_args,
                              (const canon_type *const *)lc->pts, lc->np, vs)) {
    free(vs);
    *trap = lc->cx.trap;
    return false;
  }
  *args = vs;
  *nargs = lc->np;
  return true;
}

/* canon_lower's on_resolve (never called with None in the sync subset) */
static bool lower_on_resolve(void *env, canon_value *const *result,
                             uint32_t n, canon_trap *trap) {
  lower_call *lc = env;
  assert(lc->started && !lc->resolved && result && n == lc->nr);
  if (!canon_lower_flat_values(&lc->cx, CANON_MAX_FLAT_RESULTS,
                               (const canon_value *const *)result,
                               (const canon_type *const *)lc->rts, n,
                               &lc->flat_args, lc->flat_results)) {
    *trap = lc->cx.trap;
    return false;
  }
  lc->resolved = true;
  return true;
}

bool canon_lower_call(const canon_funcinst *callee, const canon_options *opts,
                      canon_instance *inst, const uint64_t *flat_args,
                      uint32_t nargs, canon_core_vec *flat_results,
                      canon_trap *trap) {
  if (!inst->may_leave) return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  if (opts->async)
    return canon_trapf(trap, CANON_TRAP_UNSUPPORTED,
                       "unsupported feature: async");
  lower_call lc;
  memset(&lc, 0, sizeof lc);
  lc.ft = callee->ft;
  canon_context_init(&lc.cx, opts, inst,
                     (canon_borrow_scope){NULL, &lc.subtask});
  canon_core_iter_init(&lc.flat_args, flat_args, nargs);
  lc.np = canon_functype_param_types(callee->ft, &lc.pts);
  lc.nr = canon_functype_result_type(callee->ft, &lc.rts);
  lc.flat_results = flat_results;
  canon_call_hooks hooks = {&lc, lower_on_start, lower_on_resolve};
  bool ok = callee->call(callee->env, &hooks, inst, trap);
  /* A sync callee returns only after resolving. */
  assert(!ok || lc.resolved);
  /* Subtask.deliver_resolve: lent handles come back */
  if (ok) canon_subtask_deliver_resolve(&lc.subtask);
  canon_borrow_subtask_free(&lc.subtask);
  free(lc.pts);
  free(lc.rts);
  return ok;
}

/* ---- Store.invoke ----------------------------------------------------------- */

typedef struct host_call {
  canon_value *const *args;
  uint32_t nargs;
  canon_value **results;
  uint32_t nresults;
  bool resolved;
} host_call;

static bool host_on_start(void *env, canon_value ***args, uint32_t *nargs,
                          canon_trap *trap) {
  (void)trap;
  host_call *hc = env;
  canon_value **vs = calloc(hc->nargs + 1, sizeof *vs);
  for (uint32_t i = 0; i < hc->nargs; i++) vs[i] = canon_value_copy(hc->args[i]);
  *args = vs;
  *nargs = hc->nargs;
  return true;
}

static bool host_on_resolve(void *env, canon_value *const *result, uint32_t n,
                            canon_trap *trap) {
  (void)trap;
  host_call *hc = env;
  hc->results = calloc(n + 1, sizeof *hc->results);
  for (uint32_t i = 0; i < n; i++) hc->results[i] = canon_value_copy(result[i]);
  hc->nresults = n;
  hc->resolved = true;
  return true;
}

bool canon_host_invoke(const canon_funcinst *f, canon_value *const *args,
                       uint32_t nargs, canon_value ***results,
                       uint32_t *nresults, canon_trap *trap) {
  host_call hc = {args, nargs, NULL, 0, false};
  canon_call_hooks hooks = {&hc, host_on_start, host_on_resolve};
  bool ok = f->call(f->env, &hooks, NULL, trap);
  if (!ok) {
    free_values(hc.results, hc.nresults);
    return false;
  }
  *results = hc.results;
  *nresults = hc.nresults;
  return true;
}
