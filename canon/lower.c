/* lower.c -- Store.lower and canon_lower (CanonicalABI.md "Embedding",
 * "canon lower"), and Store.invoke for the host; see canon_call.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "canon_call.h"
#include "grow.h"
#include "handles.h"
#include "layout.h"
#include "subtask.h"
#include "task.h"
#include "thread.h"
#include "trace.h"

/* on_progress's subtask_event */
static canon_event subtask_event(canon_Waitable *w) {
  canon_Subtask *st = (canon_Subtask *)w;
  if (canon_Subtask_resolved(st)) canon_Subtask_deliver_resolve(st);
  canon_trace_event(st->store->trace, CANON_EVENT_SUBTASK, st->index,
                    (unsigned)st->state);
  return (canon_event){CANON_EVENT_SUBTASK, st->index, st->state};
}

/* maybe_on_progress: a no-op until an async call gets its subtask index */
static void maybe_on_progress(canon_Subtask *st) {
  if (st->in_table) canon_Waitable_set_pending_event(&st->w, subtask_event);
}

/* canon_lower's on_start */
static bool lower_on_start(void *env, canon_value ***args, uint32_t *nargs,
                           canon_trap *trap) {
  canon_Subtask *st = env;
  maybe_on_progress(st);
  assert(st->state == CANON_SUBTASK_STARTING);
  st->state = CANON_SUBTASK_STARTED;
  canon_value **vs = canon_xcalloc(st->np + 1, sizeof *vs);
  if (!canon_lift_flat_values(&st->cx, st->max_flat_params, &st->flat_args_iter,
                              (const canon_type *const *)st->pts, st->np, vs)) {
    free(vs);
    *trap = st->cx.trap;
    return false;
  }
  *args = vs;
  *nargs = st->np;
  return true;
}

/* canon_lower's on_resolve */
static bool lower_on_resolve(void *env, canon_value *const *result,
                             uint32_t n, canon_trap *trap) {
  canon_Subtask *st = env;
  maybe_on_progress(st);
  if (!result) {
    assert(st->cancellation_requested);
    if (st->state == CANON_SUBTASK_STARTING)
      canon_Subtask_resolve(st, CANON_SUBTASK_CANCELLED_BEFORE_STARTED, NULL);
    else {
      assert(st->state == CANON_SUBTASK_STARTED);
      canon_Subtask_resolve(st, CANON_SUBTASK_CANCELLED_BEFORE_RETURNED, NULL);
    }
    return true;
  }
  assert(st->state == CANON_SUBTASK_STARTED && n == st->nr);
  canon_core_vec flat_results = {0};
  if (!canon_lower_flat_values(&st->cx, st->max_flat_results,
                               (const canon_value *const *)result,
                               st->rts, n,
                               &st->flat_args_iter, &flat_results)) {
    canon_core_vec_free(&flat_results);
    *trap = st->cx.trap;
    return false;
  }
  canon_Subtask_resolve(st, CANON_SUBTASK_RETURNED, &flat_results);
  return true;
}

static bool subtask_is_resolved(void *env) {
  return canon_Subtask_resolved(env);
}

/* A subtask that a trap left with an unresolved callee may still be
 * reached by that callee (its task's hooks.env): the store keeps it until
 * teardown.  Unresolved, not on_cancel: canon_lift reports no task for
 * cancellation when it trapped, though the task may live on with a
 * blocked thread (e.g. a synchronous call that would block traps in the
 * callee's sync loop); freed, its address was reused and the state
 * digest, which labels a live task's hooks.env, depended on the
 * allocator (--explore's schedule counts changed with glibc's tunables). */
static void discard_subtask(canon_Store *s, canon_Subtask *st) {
  if (!canon_Subtask_resolved(st))
    canon_Store_adopt(s, st, (void (*)(void *))canon_Subtask_free);
  else
    canon_Subtask_free(st);
}

/* canon_lower returns: the thread's frame no longer holds the subtask. */
static bool left_lower(canon_Thread *thread, canon_Subtask *outer, bool r) {
  if (thread) thread->lowering = outer;
  return r;
}

bool canon_lower(const canon_funcinst *callee, const canon_CanonicalOptions *opts,
                      canon_ComponentInstance *inst, const uint64_t *flat_args,
                      uint32_t nargs, canon_core_vec *flat_results,
                      canon_trap *trap) {
  canon_Store *s = inst->store;
  canon_Thread *thread = s->current; /* NULL: core code run at instantiation */
  CANON_TRAP_IF(s, trap, !inst->may_leave, CANON_R_LOWER_MAY_LEAVE);

  canon_Subtask *st = canon_Subtask_new();
  st->store = s;
  st->ft = callee->ft;
  st->async_lower = opts->async;
  st->max_flat_params =
      opts->async ? CANON_MAX_FLAT_ASYNC_PARAMS : CANON_MAX_FLAT_PARAMS;
  st->max_flat_results = opts->async ? 0 : CANON_MAX_FLAT_RESULTS;
  canon_LiftLowerContext_init(&st->cx, opts, inst,
                     (canon_borrow_scope){NULL, &st->lenders});
  st->flat_args = canon_xmalloc((nargs + 1) * sizeof *st->flat_args);
  if (nargs) memcpy(st->flat_args, flat_args, nargs * sizeof *flat_args);
  st->nflat_args = nargs;
  canon_CoreValueIter_init(&st->flat_args_iter, st->flat_args, nargs);
  st->np = canon_FuncType_param_types(callee->ft, &st->pts);
  st->nr = canon_FuncType_result_type(callee->ft, &st->rts);

  canon_call_hooks hooks = {st, lower_on_start, lower_on_resolve};
  /* (the thread's frame holds st until it is freed or in the table) */
  canon_Subtask *outer = thread ? thread->lowering : NULL;
  if (thread) thread->lowering = st;
  canon_trace_lower_call(s->trace, inst->id, opts->async, flat_args, nargs);
  if (!callee->call(callee->env, &hooks, inst, &st->on_cancel, trap)) {
    discard_subtask(s, st);
    return left_lower(thread, outer, false);
  }
  /* canon_lift of a sync function type returns only once its task
   * resolved (or traps), and nothing can cancel it before: it returned */
  assert(callee->ft->async || st->state == CANON_SUBTASK_RETURNED);

  if (!opts->async) {
    if (!canon_Subtask_resolved(st)) {
      bool cancelled;
      if (!thread) {
        discard_subtask(s, st);
        CANON_TRAP(s, trap, CANON_R_BLOCK_WITHOUT_THREAD);
      }
      if (!canon_Thread_wait_until(thread, subtask_is_resolved, st, false,
                                   &cancelled, trap)) {
        discard_subtask(s, st);
        return left_lower(thread, outer, false);
      }
    }
    canon_Subtask_deliver_resolve(st);
    for (uint32_t i = 0; i < st->flat_results.n; i++)
      canon_core_vec_push(flat_results, st->flat_results.v[i]);
    canon_trace_lower_return(s->trace, inst->id, st->flat_results.v,
                             st->flat_results.n);
    canon_Subtask_free(st);
    return left_lower(thread, outer, true);
  }
  if (canon_Subtask_resolved(st)) {
    canon_Subtask_deliver_resolve(st);
    assert(st->flat_results.n == 0);
    canon_Subtask_free(st);
    canon_core_vec_push(flat_results, CANON_SUBTASK_RETURNED);
    canon_trace_lower_return(s->trace, inst->id,
                             &(uint64_t){CANON_SUBTASK_RETURNED}, 1);
    return left_lower(thread, outer, true);
  }
  uint32_t i;
  if (!canon_Table_add(&inst->handles, CANON_ENTRY_SUBTASK, st, &i, trap)) {
    discard_subtask(s, st);
    return left_lower(thread, outer, false);
  }
  st->index = i;
  st->in_table = true;
  assert(0 < i && i <= CANON_TABLE_MAX_LENGTH);
  canon_core_vec_push(flat_results, (uint64_t)st->state | ((uint64_t)i << 4));
  canon_trace_lower_return_subtask(s->trace, inst->id, i, (unsigned)st->state);
  return left_lower(thread, outer, true);
}

/* ---- Store.invoke ----------------------------------------------------------- */

typedef struct host_call {
  canon_value *const *args;
  uint32_t nargs;
  canon_value **results;
  uint32_t nresults;
  bool resolved, abandoned;
} host_call;

/* The host's side of a call into a component (Store.invoke and the
 * embedder's loop): trap_if(cond) with rule r; false after the trap. */
static bool host_call_check(canon_Store *s, canon_trap *trap, bool cond,
                            canon_rule r) {
  CANON_TRAP_IF(s, trap, cond, r);
  return true;
}

static void host_call_free(void *p) {
  host_call *hc = p;
  canon_values_free(hc->results, hc->nresults);
  free(hc);
}

static bool host_on_start(void *env, canon_value ***args, uint32_t *nargs,
                          canon_trap *trap) {
  (void)trap;
  host_call *hc = env;
  canon_value **vs = canon_xcalloc(hc->nargs + 1, sizeof *vs);
  for (uint32_t i = 0; i < hc->nargs; i++) vs[i] = canon_value_copy(hc->args[i]);
  hc->args = NULL; /* the caller's; not to be read later */
  *args = vs;
  *nargs = hc->nargs;
  return true;
}

static bool host_on_resolve(void *env, canon_value *const *result, uint32_t n,
                            canon_trap *trap) {
  (void)trap;
  host_call *hc = env;
  hc->resolved = true;
  if (!result || hc->abandoned) return true;
  hc->results = calloc(n + 1, sizeof *hc->results);
  if (!hc->results) canon_out_of_memory();
  for (uint32_t i = 0; i < n; i++) hc->results[i] = canon_value_copy(result[i]);
  hc->nresults = n;
  return true;
}

bool canon_Store_invoke(canon_Store *s, const canon_funcinst *f,
                       canon_value *const *args, uint32_t nargs,
                       canon_value ***results, uint32_t *nresults,
                       canon_trap *trap) {
  host_call *hc = canon_xcalloc(1, sizeof *hc);
  hc->args = args;
  hc->nargs = nargs;
  canon_call_hooks hooks = {hc, host_on_start, host_on_resolve};
  canon_Task *on_cancel = NULL;
  /* Store.invoke */
  s->nesting_depth++;
  bool ok = f->call(f->env, &hooks, NULL, &on_cancel, trap);
  s->nesting_depth--;
  /* the embedder's event loop: tick until the call resolves */
  while (ok && !hc->resolved) {
    bool progressed = false;
    ok = canon_Store_tick(s, &progressed, trap);
    if (ok) ok = host_call_check(s, trap, !progressed,
                                 CANON_R_HOST_CALL_DEADLOCK);
  }
  if (!ok || !hc->results) {
    /* a trap, or a cancelled call (not requested by the host: cannot
     * happen): the callee may still hold hc */
    if (ok) host_call_check(s, trap, true, CANON_R_HOST_CALL_CANCELLED);
    if (hc->resolved) {
      host_call_free(hc);
    } else {
      hc->abandoned = true;
      canon_Store_adopt(s, hc, host_call_free);
    }
    return false;
  }
  *results = hc->results;
  *nresults = hc->nresults;
  free(hc);
  return true;
}
