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

typedef enum canon_task_state {
  CANON_TASK_INITIAL = 1,
  CANON_TASK_STARTED,
  CANON_TASK_PENDING_CANCEL,
  CANON_TASK_CANCEL_DELIVERED,
  CANON_TASK_RESOLVED,
} canon_task_state;

struct canon_task {
  uint32_t id; /* store-wide number, for traces */
  canon_borrow_task borrows; /* num_borrows (lower_borrow counts here) */
  const canon_functype *ft;
  const canon_options *opts;
  canon_instance *inst;
  const canon_lifted *lifted; /* the callee, for canon_lift's thread_func */
  canon_call_hooks hooks;     /* on_start / on_resolve */
  canon_task_state state;
  canon_thread *implicit_thread;
  canon_thread **threads;
  uint32_t nthreads, threads_cap;
  uint32_t refs;
  canon_task *live_prev, *live_next; /* in store->tasks */
};

/* Task.__init__, with one reference (the caller's, see above). */
canon_task *canon_task_new(canon_Store *s, const canon_lifted *l,
                           const canon_call_hooks *hooks);
void canon_task_ref(canon_task *t);
void canon_task_unref(canon_task *t);
/* Frees a task that a trap left referenced (store teardown). */
void canon_task_free_leftover(canon_task *t);

/* Task.needs_exclusive (ft.async_ only) */
bool canon_task_needs_exclusive(const canon_task *t);
/* Task.enter_implicit_thread, run by the implicit thread: false after a
 * trap; *entered false when the task was cancelled while waiting for
 * backpressure (it then resolved as cancelled). */
bool canon_task_enter_implicit_thread(canon_task *t, bool *entered,
                                      canon_trap *trap);
/* Task.register_thread / unregister_thread / exit_implicit_thread */
bool canon_task_register_thread(canon_task *t, canon_thread *th,
                                canon_trap *trap);
bool canon_task_unregister_thread(canon_task *t, canon_thread *th,
                                  canon_trap *trap);
bool canon_task_exit_implicit_thread(canon_task *t, canon_trap *trap);
/* Task.request_cancellation (the OnCancel of canon_lift) */
bool canon_task_request_cancellation(canon_task *t, canon_instance *caller,
                                     canon_trap *trap);
/* Task.deliver_pending_cancel */
bool canon_task_deliver_pending_cancel(canon_task *t, bool cancellable);
/* Task.start: hands over the argument values */
bool canon_task_start(canon_task *t, canon_value ***args, uint32_t *nargs,
                      canon_trap *trap);
/* Task.return_ (result: the values of ft's result type) */
bool canon_task_return(canon_task *t, canon_value *const *result, uint32_t n,
                       canon_trap *trap);
/* Task.cancel */
bool canon_task_cancel(canon_task *t, canon_trap *trap);


#endif
