/* builtins.h -- the concurrency built-ins as the core functions a component
 * instance calls (CanonicalABI.md "canon context.get" ... "canon
 * subtask.drop", and the thread built-ins): each takes the instance that
 * defined it (whose thread is current: built-ins cannot leave their
 * component) and the core arguments, and gives the core results.  False
 * after recording a trap.
 *
 * Implemented in task_builtins.c (context, backpressure, task.*,
 * thread.*) and waitable_builtins.c (waitable-set.*, waitable.join,
 * subtask.*).
 */
#ifndef CANON_BUILTINS_H
#define CANON_BUILTINS_H

#include <stdbool.h>
#include <stdint.h>

#include "canon_call.h"
#include "handles.h"
#include "instance.h"
#include "rules.h"
#include "waitable.h"

/* The common start of the built-ins: thread = current_thread();
 * trap_if(not thread.task.inst.may_leave).  Core code run while
 * instantiating (a core start function) has no current thread: *out is
 * then NULL, and whatever would block traps with canon_cannot_block (the
 * start function is implicitly synchronous).  may_leave names the
 * built-in's own may_leave rule (rules.h). */
bool canon_builtin_prologue(canon_ComponentInstance *inst, canon_rule may_leave,
                            canon_Thread **out, canon_trap *trap);
bool canon_cannot_block(canon_ComponentInstance *inst, canon_trap *trap);

/* canon context.get / context.set (i: the slot, 0 or 1) */
bool canon_context_get(canon_ComponentInstance *inst, uint32_t i, uint64_t *v,
                       canon_trap *trap);
bool canon_context_set(canon_ComponentInstance *inst, uint32_t i, uint64_t v,
                       canon_trap *trap);
/* canon backpressure.inc / backpressure.dec */
bool canon_backpressure_inc(canon_ComponentInstance *inst, canon_trap *trap);
bool canon_backpressure_dec(canon_ComponentInstance *inst, canon_trap *trap);
/* canon task.return: result_type NULL for none; opts are the built-in's
 * (memory, string-encoding) */
bool canon_task_return(canon_ComponentInstance *inst,
                               const canon_type *result_type,
                               const canon_CanonicalOptions *opts,
                               const uint64_t *flat_args, uint32_t nargs,
                               canon_trap *trap);
/* canon task.cancel */
bool canon_task_cancel(canon_ComponentInstance *inst, canon_trap *trap);
/* canon thread.index */
bool canon_thread_index(canon_ComponentInstance *inst, uint32_t *out, canon_trap *trap);
/* canon thread.resume-later */
bool canon_thread_resume_later(canon_ComponentInstance *inst, uint32_t i,
                                       canon_trap *trap);
/* canon thread.suspend / thread.yield (result: Cancelled) */
bool canon_thread_suspend(canon_ComponentInstance *inst, bool cancellable,
                                  uint32_t *out, canon_trap *trap);
bool canon_thread_yield(canon_ComponentInstance *inst, bool cancellable,
                                uint32_t *out, canon_trap *trap);
/* canon thread.{suspend,yield}-then-{resume,promote} (result: Cancelled):
 * one signature */
typedef bool canon_thread_switch_builtin(canon_ComponentInstance *inst,
                                         bool cancellable, uint32_t i,
                                         uint32_t *out, canon_trap *trap);
canon_thread_switch_builtin canon_thread_suspend_then_resume;
canon_thread_switch_builtin canon_thread_yield_then_resume;
canon_thread_switch_builtin canon_thread_suspend_then_promote;
canon_thread_switch_builtin canon_thread_yield_then_promote;

/* canon waitable-set.new / wait / poll / drop, waitable.join */
bool canon_waitable_set_new(canon_ComponentInstance *inst, uint32_t *out,
                                    canon_trap *trap);
bool canon_waitable_set_wait(canon_ComponentInstance *inst, bool cancellable,
                                     const canon_MemInst *mem, uint32_t si,
                                     uint64_t ptr, uint32_t *out,
                                     canon_trap *trap);
bool canon_waitable_set_poll(canon_ComponentInstance *inst, bool cancellable,
                                     const canon_MemInst *mem, uint32_t si,
                                     uint64_t ptr, uint32_t *out,
                                     canon_trap *trap);
bool canon_waitable_set_drop(canon_ComponentInstance *inst, uint32_t i,
                                     canon_trap *trap);
bool canon_waitable_join(canon_ComponentInstance *inst, uint32_t wi,
                                 uint32_t si, canon_trap *trap);
/* canon subtask.cancel / subtask.drop */
bool canon_subtask_cancel(canon_ComponentInstance *inst, bool async_,
                                  uint32_t i, uint32_t *out, canon_trap *trap);
bool canon_subtask_drop(canon_ComponentInstance *inst, uint32_t i,
                                canon_trap *trap);

/* canon stream.new / future.new (t: the element type, NULL for none):
 * *out = readable index | (writable index << 32) */
bool canon_stream_new(canon_ComponentInstance *inst, const canon_type *t,
                      uint64_t *out, canon_trap *trap);
bool canon_future_new(canon_ComponentInstance *inst, const canon_type *t,
                      uint64_t *out, canon_trap *trap);
/* canon stream.read / stream.write, by stream_copy; EndT is the kind of
 * end (CANON_ENTRY_STREAM_READABLE: a ReadableStreamEnd, whose buffer is
 * a WritableBufferGuestImpl) */
bool canon_stream_read(canon_ComponentInstance *inst, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint64_t n, uint32_t *out,
                       canon_trap *trap);
bool canon_stream_write(canon_ComponentInstance *inst, const canon_type *t,
                        const canon_CanonicalOptions *opts, uint32_t i,
                        uint64_t ptr, uint64_t n, uint32_t *out,
                        canon_trap *trap);
bool canon_stream_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint64_t n, uint32_t *out,
                       canon_trap *trap);
/* canon future.read / future.write, by future_copy */
bool canon_future_read(canon_ComponentInstance *inst, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint32_t *out, canon_trap *trap);
bool canon_future_write(canon_ComponentInstance *inst, const canon_type *t,
                        const canon_CanonicalOptions *opts, uint32_t i,
                        uint64_t ptr, uint32_t *out, canon_trap *trap);
bool canon_future_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint32_t *out, canon_trap *trap);
/* canon {stream,future}.cancel-{read,write}, by cancel_copy: one signature */
typedef bool canon_cancel_copy_builtin(canon_ComponentInstance *inst,
                                       const canon_type *t, bool async_,
                                       uint32_t i, uint32_t *out,
                                       canon_trap *trap);
canon_cancel_copy_builtin canon_stream_cancel_read;
canon_cancel_copy_builtin canon_stream_cancel_write;
canon_cancel_copy_builtin canon_future_cancel_read;
canon_cancel_copy_builtin canon_future_cancel_write;
bool canon_cancel_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       bool async_, uint32_t i, uint32_t *out,
                       canon_trap *trap);
/* canon {stream,future}.drop-{readable,writable}, by drop: one signature */
typedef bool canon_drop_end_builtin(canon_ComponentInstance *inst,
                                    const canon_type *t, uint32_t i,
                                    canon_trap *trap);
canon_drop_end_builtin canon_stream_drop_readable;
canon_drop_end_builtin canon_stream_drop_writable;
canon_drop_end_builtin canon_future_drop_readable;
canon_drop_end_builtin canon_future_drop_writable;
bool canon_drop(canon_ComponentInstance *inst, canon_entry_kind EndT,
                const canon_type *t, uint32_t hi, canon_trap *trap);

/* A core table as canon/ sees it, for thread.new-indirect: get(i) gives
 * the function at i, checked to have the core type (param i32), or traps
 * like the spec's `ftbl.get(fi)` and `trap_if(f.t != ft)`. */
typedef struct canon_core_table {
  void *env;
  bool (*get)(void *env, uint32_t i, canon_core_callee *out, canon_trap *trap);
} canon_core_table;
/* The function and argument a thread made by thread.new-indirect will run
 * when it first runs (its closure; the spec keeps them in thread_func):
 * false if t is not such a thread or has started. */
bool canon_thread_new_indirect_closure(const canon_Thread *t,
                                       const canon_core_callee **f,
                                       uint64_t *c);
/* canon thread.new-indirect */
bool canon_thread_new_indirect(canon_ComponentInstance *inst,
                               const canon_core_table *ftbl, uint32_t fi,
                               uint64_t c, uint32_t *out, canon_trap *trap);

/* subtask.cancel's result when the cancellation has not finished */
#define CANON_BLOCKED 0xffffffffu


#endif
