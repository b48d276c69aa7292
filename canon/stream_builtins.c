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

/* canon stream.new / future.new: packed ri | (wi << 32) */
bool canon_stream_new(canon_instance *inst, bool future, const canon_type *t,
                      uint64_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  if (!canon_builtin_prologue(inst, &th, trap)) return false;
  canon_shared *s = canon_shared_new(future, t);
  canon_copy_end *r = canon_copy_end_new(end_kind(future, true), s);
  canon_copy_end *w = canon_copy_end_new(end_kind(future, false), s);
  uint32_t ri = 0, wi = 0;
  if (!canon_table_add(&inst->handles, r->kind, r, &ri, trap)) {
    canon_copy_end_free(r);
    canon_copy_end_free(w);
    return false;
  }
  if (!canon_table_add(&inst->handles, w->kind, w, &wi, trap)) {
    canon_copy_end_free(w);
    return false;
  }
  *out = (uint64_t)ri | ((uint64_t)wi << 32);
  return true;
}

/* handles.get(i), trap_if(not isinstance(e, EndT)),
 * trap_if(e.shared.t != t) */
static bool get_end(canon_instance *inst, uint32_t i, canon_entry_kind kind,
                    const canon_type *t, canon_copy_end **out,
                    canon_trap *trap) {
  canon_copy_end *e = NULL;
  if (!canon_table_get_kind(&inst->handles, i, kind, (void **)&e, trap))
    return false;
  if (!canon_type_equal(e->shared->t, t))
    return canon_trapf(trap, CANON_TRAP_HANDLE_WRONG_TYPE,
                       "handle index %u is a %s of another type (handle is "
                       "a %s of a different type)", i, noun(e->shared->future),
                       noun(e->shared->future));
  *out = e;
  return true;
}

/* trap_if(e.state != CopyState.IDLE), worded like the reference tests */
static bool check_idle(const canon_copy_end *e, canon_trap *trap) {
  bool future = e->shared->future;
  bool readable = e->kind == CANON_ENTRY_FUTURE_READABLE ||
                  e->kind == CANON_ENTRY_STREAM_READABLE;
  if (e->state == CANON_COPY_IDLE) return true;
  if (e->state == CANON_COPY_DONE) {
    if (future)
      return canon_trapf(trap, CANON_TRAP_GUEST,
                         readable ? "cannot read from future after previous "
                                    "read succeeded"
                                  : "cannot write to future after previous "
                                    "write succeeded or readable end "
                                    "dropped");
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       readable ? "cannot read from stream after being "
                                  "notified that the writable end dropped"
                                : "cannot write to stream after being "
                                  "notified that the readable end dropped");
  }
  return canon_trapf(trap, CANON_TRAP_GUEST,
                     "cannot have concurrent operations active on a "
                     "future/stream");
}


/* The end of stream_copy / future_copy / cancel_copy: if the event is not
 * there yet, wait for it (sync) or return BLOCKED (async). */
static bool finish(canon_copy_end *e, canon_thread *th, bool async_,
                   uint32_t *out, canon_trap *trap) {
  if (!canon_waitable_has_pending_event(&e->w)) {
    if (async_) {
      *out = CANON_BLOCKED;
      return true;
    }
    if (!th) return canon_cannot_block(trap);
    if (!canon_waitable_wait_for_pending_event(&e->w, th, trap)) return false;
  }
  canon_event ev = canon_waitable_get_pending_event(&e->w);
  assert(ev.code == e->event_code && ev.p2 != CANON_BLOCKED);
  *out = ev.p2;
  return true;
}

/* stream_copy / future_copy: readable = ReadableStreamEnd /
 * ReadableFutureEnd (with a WritableBufferGuestImpl), else the writable
 * end; n is 1 for futures */
bool canon_copy_builtin(canon_instance *inst, bool future, bool readable,
                        const canon_type *t, const canon_options *opts,
                        uint32_t i, uint64_t ptr, uint64_t n, uint32_t *out,
                        canon_trap *trap) {
  canon_thread *th = NULL;
  canon_copy_end *e = NULL;
  canon_entry_kind kind = end_kind(future, readable);
  if (!canon_builtin_prologue(inst, &th, trap) || !get_end(inst, i, kind, t, &e, trap) ||
      !check_idle(e, trap))
    return false;
  if (canon_waitable_in_set(&e->w) && !opts->async)
    return canon_trapf(trap, CANON_TRAP_GUEST, CANON_MSG_WAITABLE_SYNC);
  if (!canon_buffer_init(&e->buffer, t, opts, inst, ptr, future ? 1 : n, trap))
    return false;
  e->index = i;
  e->event_code = future ? (readable ? CANON_EVENT_FUTURE_READ
                                     : CANON_EVENT_FUTURE_WRITE)
                         : (readable ? CANON_EVENT_STREAM_READ
                                     : CANON_EVENT_STREAM_WRITE);
  e->state = CANON_COPY_COPYING;
  if (!canon_copy_end_copy(e, inst, trap)) return false;
  return finish(e, th, opts->async, out, trap);
}

/* cancel_copy */
bool canon_cancel_copy_builtin(canon_instance *inst, bool future,
                               bool readable, const canon_type *t, bool async_,
                               uint32_t i, uint32_t *out, canon_trap *trap) {
  canon_thread *th = NULL;
  canon_copy_end *e = NULL;
  canon_entry_kind kind = end_kind(future, readable);
  if (!canon_builtin_prologue(inst, &th, trap) || !get_end(inst, i, kind, t, &e, trap))
    return false;
  if (e->state != CANON_COPY_COPYING || e->w.has_sync_waiter)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       readable ? "there is no read in progress to cancel "
                                  "(stream or future read cancelled when no "
                                  "read is pending)"
                                : "there is no write in progress to cancel "
                                  "(stream or future write cancelled when no "
                                  "write is pending)");
  if (canon_waitable_in_set(&e->w) && !async_)
    return canon_trapf(trap, CANON_TRAP_GUEST, CANON_MSG_WAITABLE_SYNC);
  e->state = CANON_COPY_CANCELLING_COPY;
  if (!canon_waitable_has_pending_event(&e->w)) canon_shared_cancel(e->shared);
  return finish(e, th, async_, out, trap);
}

/* drop(EndT, t, hi): the end leaves the table */
bool canon_copy_end_drop_builtin(canon_instance *inst, bool future,
                                 bool readable, const canon_type *t,
                                 uint32_t i, canon_trap *trap) {
  canon_thread *th = NULL;
  canon_copy_end *e = NULL;
  canon_entry_kind kind = end_kind(future, readable);
  if (!canon_builtin_prologue(inst, &th, trap) || !get_end(inst, i, kind, t, &e, trap))
    return false;
  /* the spec removes first; checking first keeps the table whole when
   * drop traps (the store is unusable after a trap anyway) */
  if (!canon_copy_end_drop(e, trap)) return false;
  canon_table_entry en;
  if (!canon_table_remove(&inst->handles, i, &en, trap)) return false;
  canon_copy_end_free(e);
  return true;
}
