/* task.h -- Task (CanonicalABI.md "Tasks"): one call of a lifted function,
 * with its implicit thread and any threads it made, its state, its
 * borrow count, and the caller's OnStart / OnResolve (canon_call_hooks).
 *
 * Lifetime: a task is referenced by its canon_lift (until that returns),
 * by its caller until it resolves (the caller only ever cancels an
 * unresolved task), and by each of its threads; it is freed when the last
 * reference goes.  The store frees what a trap left behind.
 */
#ifndef CANON_TASK_H
#define CANON_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "canon_call.h"
#include "instance.h"
#include "store.h"
#include "thread.h"

typedef enum canon_Task_State {
  CANON_TASK_INITIAL = 1,
  CANON_TASK_STARTED,
  CANON_TASK_PENDING_CANCEL,
  CANON_TASK_CANCEL_DELIVERED,
  CANON_TASK_RESOLVED,
} canon_Task_State;

struct canon_Task {
  uint32_t id; /* store-wide number, for traces */
  canon_borrow_task borrows; /* num_borrows (lower_borrow counts here) */
  const canon_FuncType *ft;
  const canon_CanonicalOptions *opts;
  canon_ComponentInstance *inst;
  const canon_lifted *lifted; /* the callee, for canon_lift's thread_func */
  canon_call_hooks hooks;     /* on_start / on_resolve */
  canon_Task_State state;
  canon_Thread *implicit_thread;
  canon_Thread **threads;
  uint32_t nthreads, threads_cap;
  uint32_t refs;
  canon_Task *live_prev, *live_next; /* in store->tasks */
};

/* Task.__init__, with one reference (the caller's, see above). */
canon_Task *canon_Task_new(canon_Store *s, const canon_lifted *l,
                           const canon_call_hooks *hooks);
void canon_Task_ref(canon_Task *t);
void canon_Task_unref(canon_Task *t);
/* Frees a task that a trap left referenced (store teardown). */
void canon_Task_free_leftover(canon_Task *t);

/* Task.needs_exclusive (ft.async_ only) */
bool canon_Task_needs_exclusive(const canon_Task *t);
/* Task.enter_implicit_thread, run by the implicit thread: false after a
 * trap; *entered false when the task was cancelled while waiting for
 * backpressure (it then resolved as cancelled). */
bool canon_Task_enter_implicit_thread(canon_Task *t, bool *entered,
                                      canon_trap *trap);
/* Task.register_thread / unregister_thread / exit_implicit_thread */
bool canon_Task_register_thread(canon_Task *t, canon_Thread *th,
                                canon_trap *trap);
bool canon_Task_unregister_thread(canon_Task *t, canon_Thread *th,
                                  canon_trap *trap);
bool canon_Task_exit_implicit_thread(canon_Task *t, canon_trap *trap);
/* Task.request_cancellation (the OnCancel of canon_lift) */
bool canon_Task_request_cancellation(canon_Task *t, canon_ComponentInstance *caller,
                                     canon_trap *trap);
/* Task.deliver_pending_cancel */
bool canon_Task_deliver_pending_cancel(canon_Task *t, bool cancellable);
/* Task.start: hands over the argument values */
bool canon_Task_start(canon_Task *t, canon_value ***args, uint32_t *nargs,
                      canon_trap *trap);
/* Task.return_ (result: the values of ft's result type) */
bool canon_Task_return(canon_Task *t, canon_value *const *result, uint32_t n,
                       canon_trap *trap);
/* Task.cancel */
bool canon_Task_cancel(canon_Task *t, canon_trap *trap);


#endif
