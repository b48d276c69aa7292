/* lift.c -- Store.lift and canon_lift (CanonicalABI.md "Embedding",
 * "canon lift"): a call into a component runs on a new thread of a new
 * task; see canon_call.h. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "canon_call.h"
#include "grow.h"
#include "handles.h"
#include "layout.h"
#include "task.h"
#include "thread.h"
#include "trace.h"
#include "waitable.h"

/* CallbackCode */
enum { CALLBACK_EXIT = 0, CALLBACK_YIELD = 1, CALLBACK_WAIT = 2,
       CALLBACK_MAX = 2 };

/* unpack_callback_result */
static bool unpack_callback_result(canon_Store *s, uint64_t packed,
                                   uint32_t *code, uint32_t *si,
                                   canon_trap *trap) {
  *code = (uint32_t)(packed & 0xf);
  CANON_TRAP_IF(s, trap, *code > CALLBACK_MAX, CANON_R_CALLBACK_CODE);
  *si = (uint32_t)((packed & 0xffffffffu) >> 4);
  return true;
}

/* lambda: not inst.exclusive_thread */
static bool no_exclusive_thread(void *env) {
  const canon_ComponentInstance *inst = env;
  return inst->exclusive_thread == NULL;
}

/* The callback loop of canon_lift: the callee returned `packed`. */
static bool callback_loop(canon_Task *task, canon_Thread *thread,
                          uint64_t packed, canon_trap *trap) {
  const canon_lifted *l = task->lifted;
  canon_ComponentInstance *inst = task->inst;
  uint32_t code = 0, si = 0;
  if (!unpack_callback_result(inst->store, packed, &code, &si, trap))
    return false;
  while (code != CALLBACK_EXIT) {
    assert(canon_Task_needs_exclusive(task) &&
           inst->exclusive_thread == task->implicit_thread);
    inst->exclusive_thread = NULL;
    canon_event event;
    bool cancelled = false;
    if (code == CALLBACK_YIELD) {
      if (!canon_Thread_wait_until(thread, no_exclusive_thread, inst, true,
                                   &cancelled, trap))
        return false;
      event = (canon_event){cancelled ? CANON_EVENT_TASK_CANCELLED
                                      : CANON_EVENT_NONE, 0, 0};
    } else {
      canon_WaitableSet *wset = NULL;
      if (!canon_Table_get_kind(&inst->handles, si, CANON_ENTRY_WAITABLE_SET,
                                (void **)&wset, trap))
        return false;
      if (!canon_WaitableSet_wait_for_event_and(
              wset, thread, no_exclusive_thread, inst, true, &event, trap))
        return false;
    }
    assert(inst->exclusive_thread == NULL);
    inst->exclusive_thread = task->implicit_thread;
    uint64_t args[3] = {(uint64_t)event.code, event.p1, event.p2};
    uint64_t res[1] = {0};
    canon_trace_callback(inst->store->trace, task->id, (unsigned)event.code,
                         event.p1, event.p2);
    if (!l->callback.call(l->callback.env, args, 3, res, 1, trap)) return false;
    if (!unpack_callback_result(inst->store, res[0], &code, &si, trap)) return false;
  }
  return canon_Task_exit_implicit_thread(task, trap);
}

/* canon_lift's thread_func */
static bool lift_thread_func(canon_Thread *thread, void *env,
                             canon_trap *trap) {
  canon_Task *task = env;
  const canon_lifted *l = task->lifted;
  const canon_FuncType *ft = l->ft;
  bool entered = false;
  if (!canon_Task_enter_implicit_thread(task, &entered, trap)) return false;
  if (!entered) return true;

  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, l->opts, l->inst,
                     (canon_borrow_scope){&task->borrows, NULL});
  canon_value **args = NULL;
  uint32_t nargs = 0;
  if (!canon_Task_start(task, &args, &nargs, trap)) return false;
  const canon_type **pts = NULL;
  const canon_type *const *rts;
  uint32_t np = canon_FuncType_param_types(ft, &pts);
  uint32_t nr = canon_FuncType_result_type(ft, &rts);
  /* on_start gives one value per parameter of this ft: canon_lower
   * lifts callee->ft's parameters (the funcinst's ft is l->ft), the host
   * call's arguments were checked against ft by the runner */
  assert(np == nargs);
  canon_CoreFuncType flat_ft;
  canon_flatten_functype(l->opts, ft, CANON_LIFT, &flat_ft);
  canon_core_vec flat_args = {0};
  /* flatten_functype's results are at most MAX_FLAT_RESULTS (or one
   * pointer, or the callback code): this frame holds them and the one
   * result value */
  uint64_t flat_results[CANON_MAX_FLAT_RESULTS] = {0};
  canon_value *result[1] = {NULL};
  bool ok = canon_lower_flat_values(&cx, CANON_MAX_FLAT_PARAMS,
                                    (const canon_value *const *)args,
                                    (const canon_type *const *)pts, np, NULL,
                                    &flat_args);
  canon_values_free(args, nargs);
  if (!ok) {
    *trap = cx.trap;
    goto out;
  }
  assert(flat_args.n == flat_ft.params.n);
  uint32_t nflat = flat_ft.results.n;
  assert(nflat <= CANON_MAX_FLAT_RESULTS && nr <= 1);
  /* call_and_trap_on_throw(callee, flat_args) */
  canon_trace *tr = l->inst->store->trace;
  canon_trace_lift_call(tr, task->id, flat_args.v, flat_args.n);
  ok = l->callee.call(l->callee.env, flat_args.v, flat_args.n, flat_results,
                      nflat, trap);
  if (!ok) goto out;
  canon_trace_lift_return(tr, task->id, flat_results, nflat);

  if (!l->opts->async) {
    canon_CoreValueIter vi;
    canon_CoreValueIter_init(&vi, flat_results, nflat);
    ok = canon_lift_flat_values(&cx, CANON_MAX_FLAT_RESULTS, &vi,
                                rts, nr, result);
    if (!ok) {
      *trap = cx.trap;
      goto out;
    }
    if (!(ok = canon_Task_return(task, result, nr, trap))) goto out;
    if (l->post_return.call) {
      /* cleared only inside a realloc or post-return of inst, or after a
       * trap out of one (instance.h, "After a trap") */
      assert(cx.inst->may_leave);
      l->inst->may_leave = false;
      ok = l->post_return.call(l->post_return.env, flat_results, nflat, NULL,
                               0, trap);
      if (!ok) goto out;
      l->inst->may_leave = true;
    }
    ok = canon_Task_exit_implicit_thread(task, trap);
  } else if (!l->callback.call) {
    assert(nflat == 0);
    ok = canon_Task_exit_implicit_thread(task, trap);
  } else {
    assert(nflat == 1);
    ok = callback_loop(task, thread, flat_results[0], trap);
  }
out:
  canon_value_free(result[0]);
  canon_core_vec_free(&flat_args);
  free(pts);
  return ok;
}

/* The candidates of canon_lift's loop for a synchronous function type:
 * the ready threads of inst other than its exclusive thread.  A ready
 * thread is waiting, so it is in Store.waiting; taking them in that order
 * (the order they started waiting) makes cmref's default, "the first
 * option", fair: a thread that yields goes behind the others, so a yield
 * ping-pong that ends under the spec's random.choice also ends here. */
static uint32_t sync_candidates(canon_ComponentInstance *inst, canon_Thread ***out) {
  canon_Store *s = inst->store;
  canon_Thread **c = canon_xmalloc((s->nwaiting + 1) * sizeof *c);
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->nwaiting; i++) {
    canon_Thread *t = s->waiting[i];
    if (t->task->inst == inst && canon_Thread_ready(t) &&
        t != inst->exclusive_thread)
      c[n++] = t;
  }
  *out = c;
  return n;
}

/* trap_if(not candidates), inside the sync loop of canon_lift */
static bool sync_candidates_ok(canon_Store *s, canon_trap *trap, uint32_t n) {
  CANON_TRAP_IF(s, trap, n == 0, CANON_R_LIFT_SYNC_DEADLOCK);
  return true;
}

/* canon_lift */
static bool canon_lift(canon_lifted *l, const canon_call_hooks *hooks,
                       canon_Task **on_cancel, canon_trap *trap) {
  canon_Store *s = l->inst->store;
  canon_Task *task = canon_Task_new(s, l, hooks);
  canon_Task_ref(task); /* this frame's */
  canon_Thread *thread = canon_Thread_new(s, task, lift_thread_func, task, trap);
  bool ok = thread && canon_Thread_resume(thread, false, trap);
  if (ok && !l->ft->async) {
    while (task->state != CANON_TASK_RESOLVED) {
      canon_Thread **cands;
      uint32_t n = sync_candidates(l->inst, &cands);
      /* nothing can ever resolve this task.  (Wasmtime words this case
       * either way, depending on whether the instance has other threads;
       * the rule's message has both words.) */
      if (!(ok = sync_candidates_ok(s, trap, n))) {
        free(cands);
        break;
      }
      canon_Thread *t = cands[canon_sched_choose_among(
          &s->sched, CANON_CHOICE_SYNC_LOOP, (const void *const *)cands, n)];
      free(cands);
      if (!(ok = canon_Thread_resume(t, false, trap))) break;
    }
  }
  *on_cancel = ok && task->state != CANON_TASK_RESOLVED ? task : NULL;
  canon_Task_unref(task);
  return ok;
}

/* ---- LiftLowerContext.reallocate -------------------------------------- */

/* What one realloc call needs for canon_lift: its function type
 * (ptr, ptr, ptr, ptr) -> ptr, the empty CanonicalOptions(async_ = False),
 * and the result handed over by on_resolve.  It lives in this frame: the
 * realloc's only thread ends (or traps) within canon_lift below, since
 * every built-in that could block or leave traps first on
 * `not inst.may_leave`, so nothing reads it afterwards (a trapped task is
 * only freed, at teardown). */
typedef struct realloc_frame {
  canon_field params[4];
  canon_FuncType ft;
  canon_CanonicalOptions opts;
  canon_lifted lifted;
  const canon_realloc *realloc;
  const uint64_t *args; /* old, old_byte_length, alignment, new_byte_length */
  const canon_type *ptrt;
  uint64_t ptr;
  bool resolved;
} realloc_frame;

/* The realloc core function as canon_lift's callee. */
static bool realloc_callee(void *env, const uint64_t *args, uint32_t nargs,
                           uint64_t *results, uint32_t nresults,
                           canon_trap *trap) {
  const realloc_frame *f = env;
  assert(nargs == 4 && nresults == 1);
  return f->realloc->call(f->realloc->env, args[0], args[1], args[2], args[3],
                          &results[0], trap);
}

/* reallocate's on_start: [old, old_byte_length, alignment, new_byte_length] */
static bool realloc_on_start(void *env, canon_value ***args, uint32_t *nargs,
                             canon_trap *trap) {
  (void)trap;
  realloc_frame *f = env;
  canon_value **vs = canon_xcalloc(4, sizeof *vs);
  for (int i = 0; i < 4; i++)
    vs[i] = canon_value_uint(f->ptrt->kind, f->args[i]);
  *args = vs;
  *nargs = 4;
  return true;
}

/* reallocate's on_resolve: [ptr] = result */
static bool realloc_on_resolve(void *env, canon_value *const *result,
                               uint32_t n, canon_trap *trap) {
  (void)trap;
  realloc_frame *f = env;
  /* a sync task with a result type resolves only through Task.return_
   * with one value (it is never cancelled: nothing holds its OnCancel) */
  assert(result && n == 1);
  f->ptr = result[0]->u.u;
  f->resolved = true;
  return true;
}

bool canon_lifted_is_realloc(const canon_lifted *l) {
  return l->callee.call == realloc_callee;
}

bool canon_lift_realloc(canon_ComponentInstance *inst, const canon_realloc *realloc,
                        canon_flat ptr_type, const uint64_t args[4],
                        uint64_t *ptr, canon_trap *trap) {
  realloc_frame f;
  memset(&f, 0, sizeof f);
  f.realloc = realloc;
  f.args = args;
  /* ptrt = U32Type() if ptr_type() == 'i32' else U64Type() */
  f.ptrt = canon_type_prim(ptr_type == CANON_FLAT_I32 ? CANON_U32 : CANON_U64);
  for (int i = 0; i < 4; i++) f.params[i] = (canon_field){"", f.ptrt};
  f.ft = (canon_FuncType){f.params, 4, f.ptrt, false};
  f.lifted = (canon_lifted){.ft = &f.ft, .opts = &f.opts, .inst = inst,
                            .callee = {&f, realloc_callee}};
  canon_call_hooks hooks = {&f, realloc_on_start, realloc_on_resolve};
  canon_Task *on_cancel = NULL;
  if (!canon_lift(&f.lifted, &hooks, &on_cancel, trap)) return false;
  /* a sync function type: canon_lift returns only once the task resolved */
  assert(f.resolved && !on_cancel);
  *ptr = f.ptr;
  return true;
}

/* Store.lift's func_inst */
bool canon_lift_call(void *env, const canon_call_hooks *hooks,
                     canon_ComponentInstance *caller, canon_Task **on_cancel,
                     canon_trap *trap) {
  canon_lifted *l = env;
  *on_cancel = NULL;
  CANON_TRAP_IF(l->inst->store, trap, !canon_ComponentInstance_may_enter_from(l->inst, caller),
                CANON_R_LIFT_MAY_ENTER);
  canon_ComponentInstance_enter_from(l->inst, caller);
  bool ok = canon_lift(l, hooks, on_cancel, trap);
  /* After a trap the store is unusable (the spec tears it down); the flags
   * stay as they were, like in a torn-down store. */
  if (ok) canon_ComponentInstance_leave_to(l->inst, caller);
  return ok;
}

canon_funcinst canon_Store_lift(canon_lifted *l) {
  canon_funcinst f = {l->ft, l, canon_lift_call};
  return f;
}
