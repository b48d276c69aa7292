/* waitable_builtins.c -- canon waitable-set.new/wait/poll/drop,
 * waitable.join, subtask.cancel and subtask.drop (CanonicalABI.md, the
 * sections of the same names); see builtins.h. */
#include <assert.h>
#include <stdlib.h>

#include "builtins.h"
#include "load_store.h"
#include "stream.h"
#include "subtask.h"
#include "task.h"
#include "thread.h"
#include "waitable.h"


/* trap_if(not isinstance(x, WaitableSet)) after handles.get(i) */
static bool get_wset(canon_ComponentInstance *inst, uint32_t i,
                     canon_WaitableSet **out, canon_trap *trap) {
  return canon_Table_get_kind(&inst->handles, i, CANON_ENTRY_WAITABLE_SET,
                              (void **)out, trap);
}

/* The first steps of waitable-set.wait, .poll and .drop:
 * trap_if(not inst.may_leave), wset = inst.handles.get(si),
 * trap_if(not isinstance(wset, WaitableSet)) */
static bool wset_prologue(canon_ComponentInstance *inst, canon_rule may_leave,
                          uint32_t si, canon_Thread **th,
                          canon_WaitableSet **s, canon_trap *trap) {
  return canon_builtin_prologue(inst, may_leave, th, trap) &&
         get_wset(inst, si, s, trap);
}

/* The waitables of the handle table (subtasks, stream and future ends),
 * as their embedded canon_Waitable. */
static bool get_waitable(canon_ComponentInstance *inst, uint32_t i,
                         canon_Waitable **out, canon_trap *trap) {
  canon_table_entry e;
  if (!canon_Table_get(&inst->handles, i, &e, trap)) return false;
  switch (e.kind) {
  case CANON_ENTRY_SUBTASK: *out = &((canon_Subtask *)e.obj)->w; return true;
  case CANON_ENTRY_STREAM_READABLE:
  case CANON_ENTRY_STREAM_WRITABLE:
  case CANON_ENTRY_FUTURE_READABLE:
  case CANON_ENTRY_FUTURE_WRITABLE:
    *out = &((canon_CopyEnd *)e.obj)->w;
    return true;
  default:
    CANON_TRAP(inst->store, trap, CANON_R_JOIN_NOT_WAITABLE, i);
  }
}

bool canon_waitable_set_new(canon_ComponentInstance *inst, uint32_t *out,
                                    canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!canon_builtin_prologue(inst, CANON_R_WSET_NEW_MAY_LEAVE, &th, trap))
    return false;
  canon_WaitableSet *s = canon_WaitableSet_new();
  if (!canon_Table_add(&inst->handles, CANON_ENTRY_WAITABLE_SET, s, out,
                       trap)) {
    canon_WaitableSet_free(s);
    return false;
  }
  return true;
}

/* unpack_event: stores p1, p2 as u32 at ptr, ptr + 4 */
static bool unpack_event(canon_ComponentInstance *inst, const canon_MemInst *mem,
                         uint64_t ptr, canon_event e, uint32_t *out,
                         canon_trap *trap) {
  /* The spec's store() only asserts that ptr is aligned and in bounds
   * (definitions.py: store; unpack_event passes the guest's pointer
   * unchecked), so any guest could reach that assert.  cmref traps
   * instead, in the words of the value layer and of Wasmtime
   * (docs/findings.md, "unpack_event"). */
  canon_CanonicalOptions opts = {0};
  opts.memory = mem;
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &opts, inst, (canon_borrow_scope){0});
  CANON_TRAP_IF(inst->store, trap, ptr % 4, CANON_R_EVENT_UNALIGNED,
                (unsigned long long)ptr);
  CANON_TRAP_IF(inst->store, trap, canon_out_of_bounds(&cx, ptr, 8),
                CANON_R_EVENT_OUT_OF_BOUNDS, (unsigned long long)ptr);
  const canon_type *u32 = canon_type_prim(CANON_U32);
  canon_value *p1 = canon_value_uint(CANON_U32, e.p1);
  canon_value *p2 = canon_value_uint(CANON_U32, e.p2);
  bool ok = canon_store(&cx, p1, u32, ptr) &&
            canon_store(&cx, p2, u32, ptr + 4);
  canon_value_free(p1);
  canon_value_free(p2);
  if (!ok) {
    *trap = cx.trap;
    return false;
  }
  *out = (uint32_t)e.code;
  return true;
}

bool canon_waitable_set_wait(canon_ComponentInstance *inst, bool cancellable,
                                     const canon_MemInst *mem, uint32_t si,
                                     uint64_t ptr, uint32_t *out,
                                     canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_WaitableSet *s = NULL;
  if (!wset_prologue(inst, CANON_R_WSET_WAIT_MAY_LEAVE, si, &th, &s, trap))
    return false;
  canon_event e;
  if (!th) {
    if (!canon_WaitableSet_has_pending_event(s))
      return canon_cannot_block(inst, trap);
    e = canon_WaitableSet_get_pending_event(s, &inst->store->sched);
    return unpack_event(inst, mem, ptr, e, out, trap);
  }
  if (!canon_WaitableSet_wait_for_event_and(s, th, NULL, NULL, cancellable,
                                             &e, trap))
    return false;
  return unpack_event(inst, mem, ptr, e, out, trap);
}

bool canon_waitable_set_poll(canon_ComponentInstance *inst, bool cancellable,
                                     const canon_MemInst *mem, uint32_t si,
                                     uint64_t ptr, uint32_t *out,
                                     canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_WaitableSet *s = NULL;
  if (!wset_prologue(inst, CANON_R_WSET_POLL_MAY_LEAVE, si, &th, &s, trap))
    return false;
  canon_event e;
  if (th)
    e = canon_WaitableSet_poll(s, th, cancellable);
  else if (!canon_WaitableSet_has_pending_event(s))
    e = (canon_event){CANON_EVENT_NONE, 0, 0};
  else
    e = canon_WaitableSet_get_pending_event(s, &inst->store->sched);
  return unpack_event(inst, mem, ptr, e, out, trap);
}

bool canon_waitable_set_drop(canon_ComponentInstance *inst, uint32_t i,
                                     canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_WaitableSet *s = NULL;
  canon_table_entry e;
  if (!wset_prologue(inst, CANON_R_WSET_DROP_MAY_LEAVE, i, &th, &s, trap))
    return false;
  /* the spec removes first, then traps in drop(); a trap ends the store
   * anyway, so checking first keeps the table consistent */
  if (!canon_WaitableSet_drop(s, inst->store, trap)) return false;
  if (!canon_Table_remove(&inst->handles, i, &e, trap)) return false;
  canon_WaitableSet_free(s);
  return true;
}

bool canon_waitable_join(canon_ComponentInstance *inst, uint32_t wi,
                                 uint32_t si, canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_Waitable *w = NULL;
  if (!canon_builtin_prologue(inst, CANON_R_JOIN_MAY_LEAVE, &th, trap) ||
      !get_waitable(inst, wi, &w, trap))
    return false;
  CANON_TRAP_IF(inst->store, trap, w->has_sync_waiter,
                CANON_R_JOIN_SYNC_WAITER);
  if (si == 0) {
    canon_Waitable_join(w, NULL);
    return true;
  }
  canon_WaitableSet *s = NULL;
  if (!get_wset(inst, si, &s, trap)) return false;
  canon_Waitable_join(w, s);
  return true;
}

/* canon subtask.cancel */
bool canon_subtask_cancel(canon_ComponentInstance *inst, bool async_,
                                  uint32_t i, uint32_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_Subtask *st = NULL;
  canon_Store *s = inst->store;
  if (!canon_builtin_prologue(inst, CANON_R_SUBTASK_CANCEL_MAY_LEAVE, &th,
                              trap) ||
      !canon_Table_get_kind(&inst->handles, i, CANON_ENTRY_SUBTASK,
                            (void **)&st, trap))
    return false;
  CANON_TRAP_IF(s, trap, canon_Subtask_resolve_delivered(st),
                CANON_R_SUBTASK_CANCEL_DELIVERED);
  CANON_TRAP_IF(s, trap, st->cancellation_requested,
                CANON_R_SUBTASK_CANCEL_REQUESTED);
  CANON_TRAP_IF(s, trap, canon_Waitable_in_waitable_set(&st->w) && !async_,
                CANON_R_SUBTASK_CANCEL_SYNC_IN_SET);
  if (canon_Subtask_resolved(st)) {
    assert(canon_Waitable_has_pending_event(&st->w));
  } else {
    st->cancellation_requested = true;
    if (st->on_cancel &&
        !canon_Task_request_cancellation(st->on_cancel, inst, trap))
      return false;
    if (!canon_Subtask_resolved(st)) {
      if (async_) {
        *out = CANON_BLOCKED;
        return true;
      }
      if (!th) return canon_cannot_block(inst, trap);
      if (!canon_Waitable_wait_for_pending_event(&st->w, th, trap))
        return false;
    }
  }
  canon_event ev = canon_Waitable_get_pending_event(&st->w);
  assert(ev.code == CANON_EVENT_SUBTASK && ev.p1 == i && ev.p2 == st->state);
  (void)ev;
  assert(canon_Subtask_resolve_delivered(st));
  *out = st->state;
  return true;
}

/* canon subtask.drop */
bool canon_subtask_drop(canon_ComponentInstance *inst, uint32_t i,
                                canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_Subtask *st = NULL;
  canon_table_entry e;
  if (!canon_builtin_prologue(inst, CANON_R_SUBTASK_DROP_MAY_LEAVE, &th,
                              trap) ||
      !canon_Table_get_kind(&inst->handles, i, CANON_ENTRY_SUBTASK,
                            (void **)&st, trap))
    return false;
  if (!canon_Subtask_drop(st, inst->store, trap)) return false;
  if (!canon_Table_remove(&inst->handles, i, &e, trap)) return false;
  canon_Subtask_free(st);
  return true;
}
