/* task_builtins.c -- canon context.get/set, backpressure.inc/dec,
 * task.return, task.cancel and the thread built-ins (CanonicalABI.md,
 * the sections of the same names); see builtins.h. */
#include <assert.h>
#include <stdlib.h>

#include "builtins.h"
#include "grow.h"
#include "layout.h"
#include "task.h"
#include "thread.h"

/* current_thread(), for a built-in defined in inst.  Core code run while
 * instantiating (a core start function) has no current thread. */
static bool current_thread(canon_ComponentInstance *inst, canon_Thread **out,
                           canon_trap *trap) {
  canon_Thread *t = inst->store ? inst->store->current : NULL;
  CANON_TRAP_IF(inst->store, trap, !t, CANON_R_NO_CURRENT_TASK);
  /* Core code of an instance runs only on threads of its own tasks: a
   * built-in's core function is reachable only from the core instances of
   * the component that defined it (core functions cannot be passed to
   * other components), and every call into an instance's core code (an
   * export, a callback, a post-return, a resource destructor, a realloc)
   * is on a task of that instance (canon_lift, canon_lift_realloc). */
  assert(t->task->inst == inst);
  *out = t;
  return true;
}

/* canon context.get */
bool canon_context_get(canon_ComponentInstance *inst, uint32_t i, uint64_t *v,
                       canon_trap *trap) {
  canon_Thread *t = NULL;
  if (!current_thread(inst, &t, trap)) return false;
  assert(i < 2); /* validation: "context slot is out of bounds" */
  *v = t->storage[i];
  return true;
}

/* canon context.set */
bool canon_context_set(canon_ComponentInstance *inst, uint32_t i, uint64_t v,
                       canon_trap *trap) {
  canon_Thread *t = NULL;
  if (!current_thread(inst, &t, trap)) return false;
  assert(i < 2); /* validation: "context slot is out of bounds" */
  t->storage[i] = v;
  return true;
}

/* canon backpressure.inc (current_instance() is the defining instance,
 * with or without a current thread) */
bool canon_backpressure_inc(canon_ComponentInstance *inst, canon_trap *trap) {
  /* the trap below leaves 2^16, but then inst's code never runs again
   * (instance.h, "After a trap") */
  assert(inst->backpressure < (1u << 16));
  inst->backpressure++;
  CANON_TRAP_IF(inst->store, trap, inst->backpressure == (1u << 16),
                CANON_R_BACKPRESSURE_OVERFLOW);
  return true;
}

/* canon backpressure.dec */
bool canon_backpressure_dec(canon_ComponentInstance *inst, canon_trap *trap) {
  /* (the spec decrements, then traps on < 0) */
  CANON_TRAP_IF(inst->store, trap, inst->backpressure == 0,
                CANON_R_BACKPRESSURE_UNDERFLOW);
  inst->backpressure--;
  return true;
}

/* canon task.return */
bool canon_task_return(canon_ComponentInstance *inst,
                               const canon_type *result_type,
                               const canon_CanonicalOptions *opts,
                               const uint64_t *flat_args, uint32_t nargs,
                               canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_Task *task = th->task;
  canon_Store *s = inst->store;
  CANON_TRAP_IF(s, trap, !task->inst->may_leave, CANON_R_TASK_RETURN_MAY_LEAVE);
  CANON_TRAP_IF(s, trap, !task->opts->async, CANON_R_TASK_RETURN_SYNC);
  CANON_TRAP_IF(s, trap, !canon_type_equal(result_type, task->ft->result),
                CANON_R_TASK_RETURN_RESULT_TYPE);
  CANON_TRAP_IF(s, trap, !canon_LiftOptions_equal(opts, task->opts),
                CANON_R_TASK_RETURN_OPTIONS_EQUAL);
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, opts, task->inst,
                     (canon_borrow_scope){&task->borrows, NULL});
  const canon_type *const *rts;
  uint32_t nr = canon_FuncType_result_type(task->ft, &rts);
  canon_value **result = canon_xcalloc(nr + 1, sizeof *result);
  canon_CoreValueIter vi;
  canon_CoreValueIter_init(&vi, flat_args, nargs);
  bool ok = canon_lift_flat_values(&cx, CANON_MAX_FLAT_PARAMS, &vi,
                                   rts, nr, result);
  if (!ok) {
    *trap = cx.trap;
    free(result);
    return false;
  }
  ok = canon_Task_return(task, result, nr, trap);
  for (uint32_t i = 0; i < nr; i++) canon_value_free(result[i]);
  free(result);
  return ok;
}

/* canon task.cancel */
bool canon_task_cancel(canon_ComponentInstance *inst, canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_Task *task = th->task;
  CANON_TRAP_IF(inst->store, trap, !task->inst->may_leave,
                CANON_R_TASK_CANCEL_MAY_LEAVE);
  CANON_TRAP_IF(inst->store, trap, !task->opts->async, CANON_R_TASK_CANCEL_SYNC);
  return canon_Task_cancel(task, trap);
}

bool canon_builtin_prologue(canon_ComponentInstance *inst, canon_rule may_leave,
                            canon_Thread **out, canon_trap *trap) {
  canon_Thread *t = inst->store ? inst->store->current : NULL;
  assert(!t || t->task->inst == inst); /* see current_thread */
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave, may_leave);
  *out = t;
  return true;
}

bool canon_cannot_block(canon_ComponentInstance *inst, canon_trap *trap) {
  CANON_TRAP(inst->store, trap, CANON_R_BLOCK_WITHOUT_THREAD);
}

/* The prologue of the thread built-ins: thread = current_thread();
 * trap_if(not thread.task.inst.may_leave) */
static bool thread_prologue(canon_ComponentInstance *inst, canon_rule may_leave,
                            canon_Thread **out, canon_trap *trap) {
  if (!current_thread(inst, out, trap)) return false;
  CANON_TRAP_IF(inst->store, trap, !(*out)->task->inst->may_leave, may_leave);
  return true;
}

/* inst.threads.get(i) */
static bool get_thread(canon_ComponentInstance *inst, uint32_t i, canon_Thread **out,
                       canon_trap *trap) {
  canon_table_entry e;
  if (!canon_Table_get(&inst->threads, i, &e, trap)) return false;
  assert(e.kind == CANON_ENTRY_THREAD);
  *out = e.obj;
  return true;
}

/* canon thread.index */
bool canon_thread_index(canon_ComponentInstance *inst, uint32_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!thread_prologue(inst, CANON_R_THREAD_INDEX_MAY_LEAVE, &th, trap))
    return false;
  /* registered from enter_implicit_thread (or thread.new-indirect) until
   * its last step; core code runs only in between */
  assert(th->index != 0);
  *out = th->index;
  return true;
}

/* canon thread.resume-later */
bool canon_thread_resume_later(canon_ComponentInstance *inst, uint32_t i,
                                       canon_trap *trap) {
  canon_Thread *th = NULL, *other = NULL;
  if (!thread_prologue(inst, CANON_R_THREAD_RESUME_LATER_MAY_LEAVE, &th, trap))
    return false;
  if (!get_thread(inst, i, &other, trap)) return false;
  CANON_TRAP_IF(inst->store, trap, !canon_Thread_suspended(other),
                CANON_R_THREAD_RESUME_LATER_NOT_SUSPENDED, i);
  canon_Thread_resume_later(other);
  return true;
}

/* canon thread.suspend and canon thread.yield, which the spec writes alike
 * but for the Thread operation: may_leave, then the operation's Cancelled */
static bool thread_block(canon_ComponentInstance *inst, canon_rule may_leave,
                         canon_Thread_block_fn *op, bool cancellable,
                         uint32_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  bool cancelled = false;
  if (!thread_prologue(inst, may_leave, &th, trap) ||
      !op(th, cancellable, &cancelled, trap))
    return false;
  *out = cancelled;
  return true;
}

/* canon thread.suspend */
bool canon_thread_suspend(canon_ComponentInstance *inst, bool cancellable,
                          uint32_t *out, canon_trap *trap) {
  return thread_block(inst, CANON_R_THREAD_SUSPEND_MAY_LEAVE,
                      canon_Thread_suspend, cancellable, out, trap);
}

/* canon thread.yield */
bool canon_thread_yield(canon_ComponentInstance *inst, bool cancellable,
                        uint32_t *out, canon_trap *trap) {
  return thread_block(inst, CANON_R_THREAD_YIELD_MAY_LEAVE, canon_Thread_yield,
                      cancellable, out, trap);
}

/* The four switching built-ins, which the spec writes alike: may_leave,
 * other_thread = thread.task.inst.threads.get(i), for the -then-resume
 * ones trap_if(not other_thread.suspended()) (the rule not_suspended;
 * CANON_R_NONE for the -then-promote ones, which have no such step), then
 * the Thread operation's Cancelled */
static bool thread_switch(canon_ComponentInstance *inst, canon_rule may_leave,
                          canon_rule not_suspended, canon_Thread_switch_fn *op,
                          bool cancellable, uint32_t i, uint32_t *out,
                          canon_trap *trap) {
  canon_Thread *th = NULL, *other = NULL;
  bool cancelled = false;
  if (!thread_prologue(inst, may_leave, &th, trap) ||
      !get_thread(th->task->inst, i, &other, trap))
    return false;
  if (not_suspended != CANON_R_NONE)
    CANON_TRAP_IF(inst->store, trap, !canon_Thread_suspended(other),
                  not_suspended, i);
  if (!op(th, cancellable, other, &cancelled, trap)) return false;
  *out = cancelled;
  return true;
}

/* canon thread.suspend-then-resume */
bool canon_thread_suspend_then_resume(canon_ComponentInstance *inst,
                                      bool cancellable, uint32_t i,
                                      uint32_t *out, canon_trap *trap) {
  return thread_switch(inst, CANON_R_THREAD_SUSPEND_THEN_RESUME_MAY_LEAVE,
                       CANON_R_THREAD_SUSPEND_THEN_RESUME_NOT_SUSPENDED,
                       canon_Thread_suspend_then_resume, cancellable, i, out,
                       trap);
}

/* canon thread.yield-then-resume */
bool canon_thread_yield_then_resume(canon_ComponentInstance *inst,
                                    bool cancellable, uint32_t i,
                                    uint32_t *out, canon_trap *trap) {
  return thread_switch(inst, CANON_R_THREAD_YIELD_THEN_RESUME_MAY_LEAVE,
                       CANON_R_THREAD_YIELD_THEN_RESUME_NOT_SUSPENDED,
                       canon_Thread_yield_then_resume, cancellable, i, out,
                       trap);
}

/* canon thread.suspend-then-promote */
bool canon_thread_suspend_then_promote(canon_ComponentInstance *inst,
                                       bool cancellable, uint32_t i,
                                       uint32_t *out, canon_trap *trap) {
  return thread_switch(inst, CANON_R_THREAD_SUSPEND_THEN_PROMOTE_MAY_LEAVE,
                       CANON_R_NONE, canon_Thread_suspend_then_promote,
                       cancellable, i, out, trap);
}

/* canon thread.yield-then-promote */
bool canon_thread_yield_then_promote(canon_ComponentInstance *inst,
                                     bool cancellable, uint32_t i,
                                     uint32_t *out, canon_trap *trap) {
  return thread_switch(inst, CANON_R_THREAD_YIELD_THEN_PROMOTE_MAY_LEAVE,
                       CANON_R_NONE, canon_Thread_yield_then_promote,
                       cancellable, i, out, trap);
}

/* thread.new-indirect's thread_func: f(c), then unregister */
typedef struct indirect_thread {
  canon_core_callee f;
  uint64_t c;
} indirect_thread;

static bool indirect_thread_func(canon_Thread *self, void *env,
                                 canon_trap *trap) {
  indirect_thread d = *(indirect_thread *)env;
  free(env);
  self->func_env = NULL;
  if (!d.f.call(d.f.env, &d.c, 1, NULL, 0, trap)) return false;
  return canon_Task_unregister_thread(self->task, self, trap);
}

bool canon_thread_new_indirect_closure(const canon_Thread *t,
                                       const canon_core_callee **f,
                                       uint64_t *c) {
  if (t->func != indirect_thread_func || !t->func_env) return false;
  const indirect_thread *d = t->func_env;
  *f = &d->f;
  *c = d->c;
  return true;
}

/* canon thread.new-indirect */
bool canon_thread_new_indirect(canon_ComponentInstance *inst,
                               const canon_core_table *ftbl, uint32_t fi,
                               uint64_t c, uint32_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_Task *task = th->task;
  CANON_TRAP_IF(inst->store, trap, !task->inst->may_leave,
                CANON_R_THREAD_NEW_MAY_LEAVE);
  indirect_thread *d = canon_xmalloc(sizeof *d);
  d->c = c;
  if (!ftbl->get(ftbl->env, fi, &d->f, trap)) {
    free(d);
    return false;
  }
  canon_Thread *nt = canon_Thread_new(inst->store, task, indirect_thread_func,
                                      d, trap);
  if (!nt) {
    free(d);
    return false;
  }
  nt->func_env_free = free;
  assert(canon_Thread_suspended(nt));
  if (!canon_Task_register_thread(task, nt, trap)) return false;
  *out = nt->index;
  return true;
}
