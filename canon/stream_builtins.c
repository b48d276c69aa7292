/* stream_builtins.c -- canon stream.new / future.new, stream.read/write and
 * future.read/write (stream_copy, future_copy), the cancel-read/write
 * built-ins (cancel_copy) and drop-readable/writable (CanonicalABI.md, the
 * sections of the same names); see builtins.h. */
#include <assert.h>
#include <stdlib.h>

#include "builtins.h"
#include "stream.h"
#include "task.h"
#include "thread.h"

static const char *noun(bool future) { return future ? "future" : "stream"; }

/* ReadableStreamEnd, WritableStreamEnd, ReadableFutureEnd or
 * WritableFutureEnd */
static canon_entry_kind end_kind(bool future, bool readable) {
  return future ? (readable ? CANON_ENTRY_FUTURE_READABLE
                            : CANON_ENTRY_FUTURE_WRITABLE)
                : (readable ? CANON_ENTRY_STREAM_READABLE
                            : CANON_ENTRY_STREAM_WRITABLE);
}

static bool is_future(canon_entry_kind k) {
  return k == CANON_ENTRY_FUTURE_READABLE || k == CANON_ENTRY_FUTURE_WRITABLE;
}

static bool is_readable(canon_entry_kind k) {
  return k == CANON_ENTRY_FUTURE_READABLE || k == CANON_ENTRY_STREAM_READABLE;
}

/* canon stream.new / future.new: packed ri | (wi << 32) */
static bool new_ends(canon_ComponentInstance *inst, bool future,
                     const canon_type *t, uint64_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  if (!canon_builtin_prologue(inst,
                              future ? CANON_R_FUTURE_NEW_MAY_LEAVE
                                     : CANON_R_STREAM_NEW_MAY_LEAVE,
                              &th, trap))
    return false;
  canon_SharedBase *s = canon_SharedBase_new(future, t);
  canon_CopyEnd *r = canon_CopyEnd_new(end_kind(future, true), s);
  canon_CopyEnd *w = canon_CopyEnd_new(end_kind(future, false), s);
  uint32_t ri = 0, wi = 0;
  if (!canon_Table_add(&inst->handles, r->kind, r, &ri, trap)) {
    canon_CopyEnd_free(r);
    canon_CopyEnd_free(w);
    return false;
  }
  if (!canon_Table_add(&inst->handles, w->kind, w, &wi, trap)) {
    canon_CopyEnd_free(w);
    return false;
  }
  *out = (uint64_t)ri | ((uint64_t)wi << 32);
  return true;
}

/* canon stream.new */
bool canon_stream_new(canon_ComponentInstance *inst, const canon_type *t,
                      uint64_t *out, canon_trap *trap) {
  return new_ends(inst, false, t, out, trap);
}

/* canon future.new */
bool canon_future_new(canon_ComponentInstance *inst, const canon_type *t,
                      uint64_t *out, canon_trap *trap) {
  return new_ends(inst, true, t, out, trap);
}

/* handles.get(i), trap_if(not isinstance(e, EndT)),
 * trap_if(e.shared.t != t) */
static bool get_end(canon_ComponentInstance *inst, uint32_t i, canon_entry_kind kind,
                    const canon_type *t, canon_CopyEnd **out,
                    canon_trap *trap) {
  canon_CopyEnd *e = NULL;
  if (!canon_Table_get_kind(&inst->handles, i, kind, (void **)&e, trap))
    return false;
  CANON_TRAP_IF(inst->store, trap, !canon_type_equal(e->shared->t, t),
                CANON_R_COPY_WRONG_TYPE, i, noun(e->shared->future),
                noun(e->shared->future));
  *out = e;
  return true;
}

/* trap_if(e.state != CopyState.IDLE), worded like the reference tests */
static bool check_idle(canon_ComponentInstance *inst, const canon_CopyEnd *e,
                       canon_trap *trap) {
  bool future = e->shared->future;
  bool readable = is_readable(e->kind);
  static const canon_rule done[2][2] = {
      {CANON_R_STREAM_WRITE_DONE, CANON_R_STREAM_READ_DONE},
      {CANON_R_FUTURE_WRITE_DONE, CANON_R_FUTURE_READ_DONE}};
  CANON_TRAP_IF(inst->store, trap, e->state == CANON_COPY_DONE,
                done[future][readable]);
  CANON_TRAP_IF(inst->store, trap, e->state != CANON_COPY_IDLE,
                future ? CANON_R_FUTURE_COPY_BUSY : CANON_R_STREAM_COPY_BUSY);
  return true;
}


/* The end of stream_copy / future_copy / cancel_copy: if the event is not
 * there yet, wait for it (sync) or return BLOCKED (async). */
static bool finish(canon_ComponentInstance *inst, canon_CopyEnd *e, canon_Thread *th,
                   bool async_, uint32_t *out, canon_trap *trap) {
  if (!canon_Waitable_has_pending_event(&e->w)) {
    if (async_) {
      *out = CANON_BLOCKED;
      return true;
    }
    if (!th) return canon_cannot_block(inst, trap);
    if (!canon_Waitable_wait_for_pending_event(&e->w, th, trap)) return false;
  }
  canon_event ev = canon_Waitable_get_pending_event(&e->w);
  assert(ev.code == e->event_code && ev.p2 != CANON_BLOCKED);
  *out = ev.p2;
  return true;
}

/* The steps stream_copy and future_copy share (n is 1 for futures). */
static bool copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                 canon_EventCode event_code, const canon_type *t,
                 const canon_CanonicalOptions *opts, uint32_t i, uint64_t ptr,
                 uint64_t n, uint32_t *out, canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_CopyEnd *e = NULL;
  bool future = is_future(EndT);
  if (!canon_builtin_prologue(inst,
                              future ? CANON_R_FUTURE_COPY_MAY_LEAVE
                                     : CANON_R_STREAM_COPY_MAY_LEAVE,
                              &th, trap) ||
      !get_end(inst, i, EndT, t, &e, trap) || !check_idle(inst, e, trap))
    return false;
  CANON_TRAP_IF(inst->store, trap, canon_Waitable_in_waitable_set(&e->w) && !opts->async,
                future ? CANON_R_FUTURE_COPY_SYNC_IN_SET
                       : CANON_R_STREAM_COPY_SYNC_IN_SET);
  if (!canon_BufferGuestImpl_init(&e->buffer, t, opts, inst, ptr, n, trap))
    return false;
  e->index = i;
  e->event_code = event_code;
  e->state = CANON_COPY_COPYING;
  if (!canon_CopyEnd_copy(e, inst, trap)) return false;
  return finish(inst, e, th, opts->async, out, trap);
}

/* canon stream.read */
bool canon_stream_read(canon_ComponentInstance *inst, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint64_t n, uint32_t *out,
                       canon_trap *trap) {
  return canon_stream_copy(inst, CANON_ENTRY_STREAM_READABLE,
                           CANON_EVENT_STREAM_READ, t, opts, i, ptr, n, out,
                           trap);
}

/* canon stream.write */
bool canon_stream_write(canon_ComponentInstance *inst, const canon_type *t,
                        const canon_CanonicalOptions *opts, uint32_t i,
                        uint64_t ptr, uint64_t n, uint32_t *out,
                        canon_trap *trap) {
  return canon_stream_copy(inst, CANON_ENTRY_STREAM_WRITABLE,
                           CANON_EVENT_STREAM_WRITE, t, opts, i, ptr, n, out,
                           trap);
}

/* stream_copy */
bool canon_stream_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint64_t n, uint32_t *out,
                       canon_trap *trap) {
  return copy(inst, EndT, event_code, t, opts, i, ptr, n, out, trap);
}

/* canon future.read */
bool canon_future_read(canon_ComponentInstance *inst, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint32_t *out, canon_trap *trap) {
  return canon_future_copy(inst, CANON_ENTRY_FUTURE_READABLE,
                           CANON_EVENT_FUTURE_READ, t, opts, i, ptr, out,
                           trap);
}

/* canon future.write */
bool canon_future_write(canon_ComponentInstance *inst, const canon_type *t,
                        const canon_CanonicalOptions *opts, uint32_t i,
                        uint64_t ptr, uint32_t *out, canon_trap *trap) {
  return canon_future_copy(inst, CANON_ENTRY_FUTURE_WRITABLE,
                           CANON_EVENT_FUTURE_WRITE, t, opts, i, ptr, out,
                           trap);
}

/* future_copy */
bool canon_future_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       const canon_CanonicalOptions *opts, uint32_t i,
                       uint64_t ptr, uint32_t *out, canon_trap *trap) {
  return copy(inst, EndT, event_code, t, opts, i, ptr, 1, out, trap);
}

/* canon stream.cancel-read */
bool canon_stream_cancel_read(canon_ComponentInstance *inst, const canon_type *t,
                             bool async_, uint32_t i, uint32_t *out, canon_trap *trap) {
  return canon_cancel_copy(inst, CANON_ENTRY_STREAM_READABLE, CANON_EVENT_STREAM_READ, t,
                           async_, i, out, trap);
}

/* canon stream.cancel-write */
bool canon_stream_cancel_write(canon_ComponentInstance *inst, const canon_type *t,
                              bool async_, uint32_t i, uint32_t *out, canon_trap *trap) {
  return canon_cancel_copy(inst, CANON_ENTRY_STREAM_WRITABLE, CANON_EVENT_STREAM_WRITE, t,
                           async_, i, out, trap);
}

/* canon future.cancel-read */
bool canon_future_cancel_read(canon_ComponentInstance *inst, const canon_type *t,
                             bool async_, uint32_t i, uint32_t *out, canon_trap *trap) {
  return canon_cancel_copy(inst, CANON_ENTRY_FUTURE_READABLE, CANON_EVENT_FUTURE_READ, t,
                           async_, i, out, trap);
}

/* canon future.cancel-write */
bool canon_future_cancel_write(canon_ComponentInstance *inst, const canon_type *t,
                              bool async_, uint32_t i, uint32_t *out, canon_trap *trap) {
  return canon_cancel_copy(inst, CANON_ENTRY_FUTURE_WRITABLE, CANON_EVENT_FUTURE_WRITE, t,
                           async_, i, out, trap);
}

/* cancel_copy */
bool canon_cancel_copy(canon_ComponentInstance *inst, canon_entry_kind EndT,
                       canon_EventCode event_code, const canon_type *t,
                       bool async_, uint32_t i, uint32_t *out,
                       canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_CopyEnd *e = NULL;
  bool readable = is_readable(EndT);
  if (!canon_builtin_prologue(inst, CANON_R_CANCEL_COPY_MAY_LEAVE, &th,
                              trap) ||
      !get_end(inst, i, EndT, t, &e, trap))
    return false;
  CANON_TRAP_IF(inst->store, trap,
                e->state != CANON_COPY_COPYING || e->w.has_sync_waiter,
                readable ? CANON_R_CANCEL_COPY_NO_READ
                         : CANON_R_CANCEL_COPY_NO_WRITE);
  CANON_TRAP_IF(inst->store, trap, canon_Waitable_in_waitable_set(&e->w) && !async_,
                CANON_R_CANCEL_COPY_SYNC_IN_SET);
  assert(e->event_code == event_code);
  e->state = CANON_COPY_CANCELLING_COPY;
  if (!canon_Waitable_has_pending_event(&e->w)) canon_SharedBase_cancel(e->shared);
  return finish(inst, e, th, async_, out, trap);
}

/* canon stream.drop-readable */
bool canon_stream_drop_readable(canon_ComponentInstance *inst, const canon_type *t,
                               uint32_t i, canon_trap *trap) {
  return canon_drop(inst, CANON_ENTRY_STREAM_READABLE, t, i, trap);
}

/* canon stream.drop-writable */
bool canon_stream_drop_writable(canon_ComponentInstance *inst, const canon_type *t,
                               uint32_t hi, canon_trap *trap) {
  return canon_drop(inst, CANON_ENTRY_STREAM_WRITABLE, t, hi, trap);
}

/* canon future.drop-readable */
bool canon_future_drop_readable(canon_ComponentInstance *inst, const canon_type *t,
                               uint32_t i, canon_trap *trap) {
  return canon_drop(inst, CANON_ENTRY_FUTURE_READABLE, t, i, trap);
}

/* canon future.drop-writable */
bool canon_future_drop_writable(canon_ComponentInstance *inst, const canon_type *t,
                               uint32_t hi, canon_trap *trap) {
  return canon_drop(inst, CANON_ENTRY_FUTURE_WRITABLE, t, hi, trap);
}

/* drop(EndT, stream_or_future_t, hi): the end leaves the table */
bool canon_drop(canon_ComponentInstance *inst, canon_entry_kind EndT,
                const canon_type *t, uint32_t hi, canon_trap *trap) {
  canon_Thread *th = NULL;
  canon_CopyEnd *e = NULL;
  if (!canon_builtin_prologue(inst, CANON_R_DROP_END_MAY_LEAVE, &th, trap) ||
      !get_end(inst, hi, EndT, t, &e, trap))
    return false;
  /* the spec removes first; checking first keeps the table whole when
   * drop traps (the store is unusable after a trap anyway) */
  if (!canon_CopyEnd_drop(e, inst->store, trap)) return false;
  canon_table_entry en;
  if (!canon_Table_remove(&inst->handles, hi, &en, trap)) return false;
  canon_CopyEnd_free(e);
  return true;
}
