/* task.c -- Task (CanonicalABI.md "Tasks"); see task.h. */
#include "rules.h"
#include "task.h"
#include "grow.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Task.__init__ */
canon_Task *canon_Task_new(canon_Store *s, const canon_lifted *l,
                           const canon_call_hooks *hooks) {
  canon_Task *t = canon_xcalloc(1, sizeof *t);
  t->id = ++s->next_task_id;
  canon_trace_task_new(s->trace, t->id, l->inst->id, l->ft->async,
                       l->opts->async, l->callback.call != NULL,
                       canon_lifted_is_realloc(l));
  t->ft = l->ft;
  t->opts = l->opts;
  t->inst = l->inst;
  t->lifted = l;
  t->hooks = *hooks;
  t->state = CANON_TASK_INITIAL;
  t->refs = 1;
  t->live_next = s->tasks;
  if (s->tasks) s->tasks->live_prev = t;
  s->tasks = t;
  return t;
}

void canon_Task_ref(canon_Task *t) { t->refs++; }

static const char *state_name(canon_Task_State st) {
  static const char *const names[] = {"?", "initial", "started",
                                      "pending-cancel", "cancel-delivered",
                                      "resolved"};
  return names[st];
}

/* Every change of Task.state goes through here (and into the trace). */
static void set_state(canon_Task *t, canon_Task_State st) {
  t->state = st;
  canon_trace_task_state(t->inst->store->trace, t->id, state_name(st));
}

void canon_Task_free_leftover(canon_Task *t) {
  canon_Store *s = t->inst->store;
  if (t->live_prev) t->live_prev->live_next = t->live_next;
  else s->tasks = t->live_next;
  if (t->live_next) t->live_next->live_prev = t->live_prev;
  free(t->threads);
  free(t);
}

void canon_Task_unref(canon_Task *t) {
  assert(t->refs > 0);
  if (--t->refs == 0) canon_Task_free_leftover(t);
}

/* Task.needs_exclusive */
bool canon_Task_needs_exclusive(const canon_Task *t) {
  assert(t->ft->async);
  return !t->opts->async || t->opts->callback;
}

/* has_backpressure() of enter_implicit_thread */
static bool has_backpressure(const canon_Task *t) {
  return t->inst->backpressure > 0 ||
         (canon_Task_needs_exclusive(t) && t->inst->exclusive_thread != NULL);
}

static bool no_backpressure(void *env) { return !has_backpressure(env); }

/* Task.enter_implicit_thread */
bool canon_Task_enter_implicit_thread(canon_Task *t, bool *entered,
                                      canon_trap *trap) {
  assert(t->state == CANON_TASK_INITIAL);
  canon_ComponentInstance *inst = t->inst;
  t->implicit_thread = inst->store->current;
  if (t->ft->async) {
    if (has_backpressure(t) || inst->num_waiting_to_enter > 0) {
      inst->num_waiting_to_enter++;
      bool cancelled = false;
      if (!canon_Thread_wait_until(t->implicit_thread, no_backpressure, t,
                                   true, &cancelled, trap))
        return false;
      inst->num_waiting_to_enter--;
      if (cancelled) {
        *entered = false;
        return canon_Task_cancel(t, trap);
      }
    }
    if (canon_Task_needs_exclusive(t)) {
      assert(inst->exclusive_thread == NULL);
      inst->exclusive_thread = t->implicit_thread;
    }
  }
  *entered = true;
  return canon_Task_register_thread(t, t->implicit_thread, trap);
}

/* Task.register_thread */
bool canon_Task_register_thread(canon_Task *t, canon_Thread *th,
                                canon_trap *trap) {
  assert(th->task == t && th->index == 0);
  CANON_GROW(t->threads, t->nthreads, t->threads_cap, 4);
  t->threads[t->nthreads++] = th;
  return canon_Table_add(&t->inst->threads, CANON_ENTRY_THREAD, th,
                         &th->index, trap);
}

/* Task.unregister_thread */
bool canon_Task_unregister_thread(canon_Task *t, canon_Thread *th,
                                  canon_trap *trap) {
  bool removed = CANON_REMOVE(t->threads, t->nthreads, th);
  assert(removed && th->task == t);
  (void)removed;
  if (t->nthreads == 0) {
    CANON_TRAP_IF(t->inst->store, trap, t->state != CANON_TASK_RESOLVED,
                  CANON_R_TASK_EXIT_UNRESOLVED);
    assert(t->borrows.num_borrows == 0);
  }
  assert(th->index != 0);
  canon_table_entry e;
  bool ok = canon_Table_remove(&t->inst->threads, th->index, &e, trap);
  th->index = 0;
  return ok;
}

/* Task.exit_implicit_thread */
bool canon_Task_exit_implicit_thread(canon_Task *t, canon_trap *trap) {
  canon_ComponentInstance *inst = t->inst;
  assert(inst->store->current == t->implicit_thread);
  if (!canon_Task_unregister_thread(t, t->implicit_thread, trap)) return false;
  if (t->ft->async && canon_Task_needs_exclusive(t)) {
    assert(inst->exclusive_thread == t->implicit_thread);
    inst->exclusive_thread = NULL;
  }
  return true;
}

/* Task.request_cancellation.  (A thread that is running cannot be resumed;
 * the spec's candidates are blocked threads, and cmref says so.) */
bool canon_Task_request_cancellation(canon_Task *t, canon_ComponentInstance *caller,
                                     canon_trap *trap) {
  if (t->state == CANON_TASK_INITIAL) {
    set_state(t, CANON_TASK_CANCEL_DELIVERED);
    return canon_Thread_resume(t->implicit_thread, true, trap);
  }
  assert(t->state == CANON_TASK_STARTED);
  canon_ComponentInstance *inst = t->inst;
  canon_Thread **cands = canon_xmalloc((t->nthreads + 1) * sizeof *cands);
  uint32_t n = 0;
  bool skip_implicit = t->ft->async && canon_Task_needs_exclusive(t) &&
                       inst->exclusive_thread != NULL &&
                       inst->exclusive_thread != t->implicit_thread;
  for (uint32_t i = 0; i < t->nthreads; i++) {
    canon_Thread *th = t->threads[i];
    if (th->cancellable && !th->running &&
        !(skip_implicit && th == t->implicit_thread))
      cands[n++] = th;
  }
  bool ok = true;
  if (n && canon_ComponentInstance_may_enter_from(inst, caller)) {
    set_state(t, CANON_TASK_CANCEL_DELIVERED);
    canon_ComponentInstance_enter_from(inst, caller);
    canon_Thread *th = cands[canon_sched_choose_among(
        &inst->store->sched, CANON_CHOICE_CANCEL_THREAD,
        (const void *const *)cands, n)];
    ok = canon_Thread_resume(th, true, trap);
    if (ok) canon_ComponentInstance_leave_to(inst, caller);
  } else {
    set_state(t, CANON_TASK_PENDING_CANCEL);
  }
  free(cands);
  return ok;
}

/* Task.deliver_pending_cancel */
bool canon_Task_deliver_pending_cancel(canon_Task *t, bool cancellable) {
  if (cancellable && t->state == CANON_TASK_PENDING_CANCEL) {
    set_state(t, CANON_TASK_CANCEL_DELIVERED);
    return true;
  }
  return false;
}

/* Task.start */
bool canon_Task_start(canon_Task *t, canon_value ***args, uint32_t *nargs,
                      canon_trap *trap) {
  assert(t->state == CANON_TASK_INITIAL);
  set_state(t, CANON_TASK_STARTED);
  return t->hooks.on_start(t->hooks.env, args, nargs, trap);
}

/* Resolution ends the caller's reference (task.h). */
static void resolved(canon_Task *t) {
  set_state(t, CANON_TASK_RESOLVED);
  canon_Task_unref(t);
}

/* Task.return_ */
bool canon_Task_return(canon_Task *t, canon_value *const *result, uint32_t n,
                       canon_trap *trap) {
  canon_Store *s = t->inst->store;
  CANON_TRAP_IF(s, trap, t->state == CANON_TASK_RESOLVED,
                CANON_R_TASK_RETURN_RESOLVED);
  CANON_TRAP_IF(s, trap, t->borrows.num_borrows > 0,
                CANON_R_TASK_RETURN_BORROWS);
  assert(result || n == 0);
  if (!t->hooks.on_resolve(t->hooks.env, result ? result : (canon_value *const[]){NULL}, n, trap))
    return false;
  resolved(t);
  return true;
}

/* Task.cancel */
bool canon_Task_cancel(canon_Task *t, canon_trap *trap) {
  canon_Store *s = t->inst->store;
  CANON_TRAP_IF(s, trap, t->state != CANON_TASK_CANCEL_DELIVERED,
                CANON_R_TASK_CANCEL_NOT_REQUESTED);
  CANON_TRAP_IF(s, trap, t->borrows.num_borrows > 0,
                CANON_R_TASK_CANCEL_BORROWS);
  if (!t->hooks.on_resolve(t->hooks.env, NULL, 0, trap)) return false;
  resolved(t);
  return true;
}
