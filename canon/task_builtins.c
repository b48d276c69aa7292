/* task_builtins.c -- canon context.get/set, backpressure.inc/dec,
 * task.return, task.cancel and the thread built-ins (CanonicalABI.md,
 * the sections of the same names); see builtins.h. */
#include <assert.h>
#include <stdlib.h>

#include "builtins.h"
#include "layout.h"
#include "task.h"
#include "thread.h"

/* current_thread(), for a built-in defined in inst.  Core code run while
 * instantiating (a core start function) has no current thread. */
static bool current_thread(canon_instance *inst, canon_thread **out,
                           canon_trap *trap) {
  canon_thread *t = inst->store ? inst->store->current : NULL;
  if (!t)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "built-in called outside of a task (during "
                       "instantiation)");
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
bool canon_context_get(canon_instance *inst, uint32_t i, uint64_t *v,
                       canon_trap *trap) {
  canon_thread *t = NULL;
  if (!current_thread(inst, &t, trap)) return false;
  assert(i < 2); /* validation: "context slot is out of bounds" */
  *v = t->storage[i];
  return true;
}

/* canon context.set */
bool canon_context_set(canon_instance *inst, uint32_t i, uint64_t v,
                       canon_trap *trap) {
  canon_thread *t = NULL;
  if (!current_thread(inst, &t, trap)) return false;
  assert(i < 2); /* validation: "context slot is out of bounds" */
  t->storage[i] = v;
  return true;
}

/* canon backpressure.inc (current_instance() is the defining instance,
 * with or without a current thread) */
bool canon_backpressure_inc(canon_instance *inst, canon_trap *trap) {
  /* the trap below leaves 2^16, but then inst's code never runs again
   * (instance.h, "After a trap") */
  assert(inst->backpressure < (1u << 16));
  inst->backpressure++;
  if (inst->backpressure == (1u << 16))
    return canon_trapf(trap, CANON_TRAP_GUEST, "backpressure counter overflow");
  return true;
}

/* canon backpressure.dec */
bool canon_backpressure_dec(canon_instance *inst, canon_trap *trap) {
  if (inst->backpressure == 0)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "backpressure counter underflow (backpressure "
                       "counter overflow: it is already 0)");
  inst->backpressure--;
  return true;
}

/* canon task.return */
bool canon_task_return_builtin(canon_instance *inst,
                               const canon_type *result_type,
                               const canon_options *opts,
                               const uint64_t *flat_args, uint32_t nargs,
                               canon_trap *trap) {
  canon_thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_task *task = th->task;
  if (!task->inst->may_leave)
    return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  if (!task->opts->async)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "task.return called by a synchronously lifted "
                       "function");
  if (!canon_type_equal(result_type, task->ft->result))
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "task.return result type does not match the "
                       "function's result type (invalid `task.return` "
                       "signature and/or options for current task)");
  if (!canon_lift_options_equal(opts, task->opts))
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "task.return options do not match the lift's "
                       "(invalid `task.return` signature and/or options for "
                       "current task)");
  canon_context cx;
  canon_context_init(&cx, opts, task->inst,
                     (canon_borrow_scope){&task->borrows, NULL});
  const canon_type **rts = NULL;
  uint32_t nr = canon_functype_result_type(task->ft, &rts);
  canon_value **result = calloc(nr + 1, sizeof *result);
  if (!result) canon_out_of_memory();
  canon_core_iter vi;
  canon_core_iter_init(&vi, flat_args, nargs);
  bool ok = canon_lift_flat_values(&cx, CANON_MAX_FLAT_PARAMS, &vi,
                                   (const canon_type *const *)rts, nr, result);
  free(rts);
  if (!ok) {
    *trap = cx.trap;
    free(result);
    return false;
  }
  ok = canon_task_return(task, result, nr, trap);
  for (uint32_t i = 0; i < nr; i++) canon_value_free(result[i]);
  free(result);
  return ok;
}

/* canon task.cancel */
bool canon_task_cancel_builtin(canon_instance *inst, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_task *task = th->task;
  if (!task->inst->may_leave)
    return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  if (!task->opts->async)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "task.cancel called by a synchronously lifted "
                       "function");
  return canon_task_cancel(task, trap);
}

bool canon_builtin_prologue(canon_instance *inst, canon_thread **out,
                            canon_trap *trap) {
  canon_thread *t = inst->store ? inst->store->current : NULL;
  assert(!t || t->task->inst == inst); /* see current_thread */
  if (!inst->may_leave) return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  *out = t;
  return true;
}

bool canon_cannot_block(canon_trap *trap) {
  return canon_trapf(trap, CANON_TRAP_GUEST, "%s", CANON_MSG_SYNC_BLOCKED);
}

/* The prologue of the thread built-ins: thread = current_thread();
 * trap_if(not thread.task.inst.may_leave) */
static bool thread_prologue(canon_instance *inst, canon_thread **out,
                            canon_trap *trap) {
  if (!current_thread(inst, out, trap)) return false;
  if (!(*out)->task->inst->may_leave)
    return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  return true;
}

/* inst.threads.get(i) */
static bool get_thread(canon_instance *inst, uint32_t i, canon_thread **out,
                       canon_trap *trap) {
  canon_table_entry e;
  if (!canon_table_get(&inst->threads, i, &e, trap)) return false;
  assert(e.kind == CANON_ENTRY_THREAD);
  *out = e.obj;
  return true;
}

/* canon thread.index */
bool canon_thread_index(canon_instance *inst, uint32_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!thread_prologue(inst, &th, trap)) return false;
  /* registered from enter_implicit_thread (or thread.new-indirect) until
   * its last step; core code runs only in between */
  assert(th->index != 0);
  *out = th->index;
  return true;
}

/* canon thread.resume-later */
bool canon_thread_resume_later_builtin(canon_instance *inst, uint32_t i,
                                       canon_trap *trap) {
  canon_thread *th = NULL, *other = NULL;
  if (!thread_prologue(inst, &th, trap)) return false;
  if (!get_thread(inst, i, &other, trap)) return false;
  if (!canon_thread_suspended(other))
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "thread %u is not suspended (cannot resume thread "
                       "which is not suspended)", i);
  canon_thread_resume_later(other);
  return true;
}

/* canon thread.suspend */
bool canon_thread_suspend_builtin(canon_instance *inst, bool cancellable,
                                  uint32_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!thread_prologue(inst, &th, trap)) return false;
  bool cancelled = false;
  if (!canon_thread_suspend(th, cancellable, &cancelled, trap)) return false;
  *out = cancelled;
  return true;
}

/* canon thread.yield */
bool canon_thread_yield_builtin(canon_instance *inst, bool cancellable,
                                uint32_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!thread_prologue(inst, &th, trap)) return false;
  bool cancelled = false;
  if (!canon_thread_yield(th, cancellable, &cancelled, trap)) return false;
  *out = cancelled;
  return true;
}

/* canon thread.{suspend,yield}-then-{resume,promote} */
bool canon_thread_switch_builtin(canon_instance *inst, canon_switch_kind k,
                                 bool cancellable, uint32_t i, uint32_t *out,
                                 canon_trap *trap) {
  canon_thread *th = NULL, *other = NULL;
  if (!thread_prologue(inst, &th, trap)) return false;
  if (!get_thread(th->task->inst, i, &other, trap)) return false;
  bool cancelled = false, ok;
  switch (k) {
  case CANON_SUSPEND_THEN_RESUME:
  case CANON_YIELD_THEN_RESUME:
    if (!canon_thread_suspended(other))
      return canon_trapf(trap, CANON_TRAP_GUEST,
                         "thread %u is not suspended (cannot resume thread "
                         "which is not suspended)", i);
    ok = k == CANON_SUSPEND_THEN_RESUME
             ? canon_thread_suspend_then_resume(th, cancellable, other,
                                                &cancelled, trap)
             : canon_thread_yield_then_resume(th, cancellable, other,
                                              &cancelled, trap);
    break;
  case CANON_SUSPEND_THEN_PROMOTE:
    ok = canon_thread_suspend_then_promote(th, cancellable, other, &cancelled,
                                           trap);
    break;
  default:
    ok = canon_thread_yield_then_promote(th, cancellable, other, &cancelled,
                                         trap);
    break;
  }
  if (!ok) return false;
  *out = cancelled;
  return true;
}

/* thread.new-indirect's thread_func: f(c), then unregister */
typedef struct indirect_thread {
  canon_core_callee f;
  uint64_t c;
} indirect_thread;

static bool indirect_thread_func(canon_thread *self, void *env,
                                 canon_trap *trap) {
  indirect_thread d = *(indirect_thread *)env;
  free(env);
  self->func_env = NULL;
  if (!d.f.call(d.f.env, &d.c, 1, NULL, 0, trap)) return false;
  return canon_task_unregister_thread(self->task, self, trap);
}

/* canon thread.new-indirect */
bool canon_thread_new_indirect(canon_instance *inst,
                               const canon_core_table *ftbl, uint32_t fi,
                               uint64_t c, uint32_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!current_thread(inst, &th, trap)) return false;
  canon_task *task = th->task;
  if (!task->inst->may_leave)
    return canon_trap_set(trap, CANON_TRAP_MAY_NOT_LEAVE);
  indirect_thread *d = malloc(sizeof *d);
  if (!d) canon_out_of_memory();
  d->c = c;
  if (!ftbl->get(ftbl->env, fi, &d->f, trap)) {
    free(d);
    return false;
  }
  canon_thread *nt = canon_thread_new(inst->store, task, indirect_thread_func,
                                      d, trap);
  if (!nt) {
    free(d);
    return false;
  }
  nt->func_env_free = free;
  assert(canon_thread_suspended(nt));
  if (!canon_task_register_thread(task, nt, trap)) return false;
  *out = nt->index;
  return true;
}
