/* thread.c -- Thread (CanonicalABI.md "Threads") on fibers; see thread.h. */
#include "rules.h"
#include "thread.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "grow.h"

/* The fiber's body: Thread.__init__'s cont_func. */
static void fiber_main(void *arg) {
  canon_Thread *t = arg;
  assert(t->running && !t->block_result);
  if (!t->func(t, t->func_env, &t->trap)) t->trapped = true;
  t->done = true;
  t->switch_to = NULL;
}

/* --max-threads */
static bool thread_limit_ok(canon_Store *s, canon_trap *trap) {
  CANON_TRAP_IF(s, trap, s->nthreads >= s->limits.max_threads,
                CANON_R_MAX_THREADS, s->limits.max_threads);
  return true;
}

/* The host has no memory for a thread or its stack. */
static bool host_trap(canon_Store *s, canon_trap *trap, canon_rule r) {
  CANON_TRAP(s, trap, r);
}

/* Thread.__init__ */
canon_Thread *canon_Thread_new(canon_Store *s, canon_Task *task,
                               canon_thread_fn func, void *env,
                               canon_trap *trap) {
  if (!thread_limit_ok(s, trap)) return NULL;
  canon_Thread *t = calloc(1, sizeof *t);
  if (!t) {
    host_trap(s, trap, CANON_R_THREAD_NO_MEMORY);
    return NULL;
  }
  t->fiber = canon_fiber_new(s->fiber_pool, fiber_main, t);
  if (!t->fiber) {
    free(t);
    host_trap(s, trap, CANON_R_THREAD_NO_STACK);
    return NULL;
  }
  t->store = s;
  t->id = ++s->next_thread_id;
  t->task = task;
  canon_Task_ref(task);
  t->func = func;
  t->func_env = env;
  t->live_next = s->threads;
  if (s->threads) s->threads->live_prev = t;
  s->threads = t;
  s->nthreads++;
  if (s->nthreads > s->nthreads_peak) s->nthreads_peak = s->nthreads;
  assert(canon_Thread_suspended(t));
  canon_trace_thread_new(s->trace, t->id, task->id);
  return t;
}

/* Frees a thread whose body has returned (or that never started, or that
 * was unwound at teardown), with whatever a trap left registered. */
static void thread_free(canon_Thread *t) {
  canon_Store *s = t->store;
  canon_Task *task = t->task;
  canon_Store_forget_waiting(s, t);
  if (t->index) {
    canon_table_entry e;
    canon_trap ignored = {0};
    canon_Table_remove(&task->inst->threads, t->index, &e, &ignored);
  }
  CANON_REMOVE(task->threads, task->nthreads, t);
  if (task->implicit_thread == t) task->implicit_thread = NULL;
  if (task->inst->exclusive_thread == t) task->inst->exclusive_thread = NULL;
  if (s->current == t) s->current = NULL;
  if (t->live_prev) t->live_prev->live_next = t->live_next;
  else s->threads = t->live_next;
  if (t->live_next) t->live_next->live_prev = t->live_prev;
  s->nthreads--;
  canon_fiber_free(s->fiber_pool, t->fiber);
  free(t);
  canon_Task_unref(task);
}

void canon_Thread_free_unstarted(canon_Thread *t) {
  assert(!t->running && !canon_fiber_running(t->fiber));
  if (!t->started && t->func_env_free) t->func_env_free(t->func_env);
  thread_free(t);
}

/* Thread.start_waiting_internal */
static void Thread_start_waiting_internal(canon_Thread *t, canon_ready_fn ready,
                                   void *env) {
  assert(!canon_Thread_waiting(t) && !t->ready_func);
  t->ready_func = ready;
  t->ready_env = env;
  canon_Store *s = t->store;
  CANON_GROW(s->waiting, s->nwaiting, s->waiting_cap, 16);
  s->waiting[s->nwaiting++] = t;
}

void canon_Store_forget_waiting(canon_Store *s, canon_Thread *t) {
  CANON_REMOVE(s->waiting, s->nwaiting, t);
  t->ready_func = NULL;
  t->ready_env = NULL;
}

/* Thread.stop_waiting_internal */
void canon_Thread_stop_waiting_internal(canon_Thread *t, bool cancelled) {
  assert(canon_Thread_waiting(t) && t->ready_func);
  assert(cancelled || canon_Thread_ready(t));
  (void)cancelled;
  canon_Store_forget_waiting(t->store, t);
}

static bool always(void *env) {
  (void)env;
  return true;
}

/* Thread.resume_later */
void canon_Thread_resume_later(canon_Thread *t) {
  assert(canon_Thread_suspended(t));
  Thread_start_waiting_internal(t, always, NULL);
  assert(canon_Thread_ready(t));
}

/* Thread.resume: the resume loop follows the threads that a blocking
 * thread switches to (block's switch_to). */
bool canon_Thread_resume(canon_Thread *t, bool cancelled, canon_trap *trap) {
  assert(!t->running && (t->cancellable || !cancelled));
  if (canon_Thread_waiting(t)) canon_Thread_stop_waiting_internal(t, cancelled);
  canon_Store *s = t->store;
  bool ok = true;
  canon_Thread *th = t;
  while (th) {
    th->running = true;
    th->started = true;
    th->block_result = cancelled;
    th->switch_to = NULL;
    canon_Thread *saved = s->current;
    s->current = th;
    canon_trace_thread_resume(s->trace, th->id, cancelled);
    if (s->sched.at_resume) s->sched.at_resume(s->sched.at_choice_ctx, th);
    canon_fiber_resume(th->fiber);
    s->current = saved;
    canon_Thread *next = th->switch_to;
    if (th->done)
      canon_trace_thread_end(s->trace, th->id, th->trapped);
    else
      canon_trace_thread_block(s->trace, th->id, th->ready_func != NULL,
                               next ? next->id : 0);
    if (th->done) {
      if (th->trapped && ok) {
        *trap = th->trap;
        ok = false;
      }
      thread_free(th);
    } else {
      th->running = false;
    }
    th = next;
    cancelled = false;
  }
  return ok;
}

/* Thread_block_internal(switch_to), on t's own fiber.  At teardown the store resumes
 * blocked threads to unwind them: block then fails. */
static bool Thread_block_internal(canon_Thread *t, bool cancellable, canon_Thread *switch_to,
                  bool *cancelled, canon_trap *trap) {
  assert(t->running && t->store->current == t);
  CANON_TRAP_IF(t->store, trap, t->store->aborting, CANON_R_STORE_ABORTED);
  t->cancellable = cancellable;
  t->switch_to = switch_to;
  canon_fiber_block(t->fiber);
  CANON_TRAP_IF(t->store, trap, t->store->aborting, CANON_R_STORE_ABORTED);
  assert(t->running && (cancellable || !t->block_result));
  *cancelled = t->block_result;
  return true;
}

/* The first step of each blocking operation: if
 * self.task.deliver_pending_cancel(cancellable): return Cancelled.TRUE */
static bool deliver_pending_cancel(canon_Thread *t, bool cancellable,
                                   bool *cancelled) {
  *cancelled = canon_Task_deliver_pending_cancel(t->task, cancellable);
  return *cancelled;
}

/* Thread.suspend */
bool canon_Thread_suspend(canon_Thread *t, bool cancellable, bool *cancelled,
                          canon_trap *trap) {
  assert(t->running);
  if (deliver_pending_cancel(t, cancellable, cancelled)) return true;
  return Thread_block_internal(t, cancellable, NULL, cancelled, trap);
}

/* Thread.wait_until: if ready_func already holds, whether to block anyway
 * is the scheduler's choice (CANON_CHOICE_WAIT_EARLY; the spec's
 * DETERMINISTIC_PROFILE and cmref's default both block). */
bool canon_Thread_wait_until(canon_Thread *t, canon_ready_fn ready, void *env,
                             bool cancellable, bool *cancelled,
                             canon_trap *trap) {
  assert(t->running);
  if (deliver_pending_cancel(t, cancellable, cancelled)) return true;
  if (ready(env) &&
      canon_sched_choose(&t->store->sched, CANON_CHOICE_WAIT_EARLY, 2) == 1) {
    *cancelled = false;
    return true;
  }
  Thread_start_waiting_internal(t, ready, env);
  return Thread_block_internal(t, cancellable, NULL, cancelled, trap);
}

/* Thread.yield_ */
bool canon_Thread_yield(canon_Thread *t, bool cancellable, bool *cancelled,
                        canon_trap *trap) {
  return canon_Thread_wait_until(t, always, NULL, cancellable, cancelled,
                                 trap);
}

/* Thread.suspend_then_resume */
bool canon_Thread_suspend_then_resume(canon_Thread *t, bool cancellable,
                                      canon_Thread *other, bool *cancelled,
                                      canon_trap *trap) {
  assert(t->running && canon_Thread_suspended(other));
  if (deliver_pending_cancel(t, cancellable, cancelled)) return true;
  return Thread_block_internal(t, cancellable, other, cancelled, trap);
}

/* Thread.yield_then_resume */
bool canon_Thread_yield_then_resume(canon_Thread *t, bool cancellable,
                                    canon_Thread *other, bool *cancelled,
                                    canon_trap *trap) {
  assert(t->running && canon_Thread_suspended(other));
  if (deliver_pending_cancel(t, cancellable, cancelled)) return true;
  Thread_start_waiting_internal(t, always, NULL);
  return Thread_block_internal(t, cancellable, other, cancelled, trap);
}

/* Thread.suspend_then_promote and Thread.yield_then_promote, which the
 * spec writes alike but for suspending or yielding */
static bool Thread_then_promote(canon_Thread *t, bool yield, bool cancellable,
                                canon_Thread *other, bool *cancelled,
                                canon_trap *trap) {
  assert(t->running);
  if (deliver_pending_cancel(t, cancellable, cancelled)) return true;
  if (canon_Thread_ready(other)) {
    canon_Thread_stop_waiting_internal(other, false);
    return (yield ? canon_Thread_yield_then_resume
                  : canon_Thread_suspend_then_resume)(t, cancellable, other,
                                                      cancelled, trap);
  }
  return (yield ? canon_Thread_yield : canon_Thread_suspend)(t, cancellable,
                                                            cancelled, trap);
}

/* Thread.suspend_then_promote */
bool canon_Thread_suspend_then_promote(canon_Thread *t, bool cancellable,
                                       canon_Thread *other, bool *cancelled,
                                       canon_trap *trap) {
  return Thread_then_promote(t, false, cancellable, other, cancelled, trap);
}

/* Thread.yield_then_promote */
bool canon_Thread_yield_then_promote(canon_Thread *t, bool cancellable,
                                     canon_Thread *other, bool *cancelled,
                                     canon_trap *trap) {
  return Thread_then_promote(t, true, cancellable, other, cancelled, trap);
}
