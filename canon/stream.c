/* stream.c -- buffers, shared stream/future state and their ends
 * (CanonicalABI.md "Buffer State", "Stream State", "Future State";
 * "Loading" lift_stream / lift_future / lift_async_value, "Storing"
 * lower_stream / lower_future); see stream.h. */
#include "rules.h"
#include "stream.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout.h"
#include "load_store.h"
#include "store.h"
#include "trace.h"

/* ---- Buffer State -------------------------------------------------------- */

/* BufferGuestImpl.__init__ */
bool canon_BufferGuestImpl_init(canon_BufferGuestImpl *b, const canon_type *t,
                       const canon_CanonicalOptions *opts, canon_ComponentInstance *inst,
                       uint64_t ptr, uint64_t length, canon_trap *trap) {
  canon_Store *s = inst ? inst->store : NULL;
  CANON_TRAP_IF(s, trap, length > CANON_BUFFER_MAX_LENGTH,
                CANON_R_BUFFER_TOO_LONG, (unsigned long long)length);
  canon_LiftLowerContext_init(&b->cx, opts, inst, (canon_borrow_scope){0});
  if (t && length > 0) {
    canon_flat pt = canon_MemInst_ptr_type(opts);
    uint64_t align = canon_alignment(t, pt);
    CANON_TRAP_IF(s, trap, ptr % align != 0, CANON_R_BUFFER_UNALIGNED);
    uint64_t es = canon_elem_size(t, pt);
    CANON_TRAP_IF(s, trap, canon_out_of_bounds(&b->cx, ptr, length * es),
                  CANON_R_BUFFER_OUT_OF_BOUNDS);
  }
  b->t = t;
  b->ptr = ptr;
  b->progress = 0;
  b->length = (uint32_t)length;
  return true;
}

/* ---- transfer: dst_buffer.write(src_buffer.read(n)) ---------------------
 *
 * The spec lifts all n elements into host values, then lowers them all.
 * A copy may move up to 2^28 - 1 elements, so cmref keeps what it holds on
 * the host bounded (--max-copy-bytes) without changing what the guests
 * see:
 *  - integers (u8 ... s64): load and store are inverse on every bit
 *    pattern, so the bytes go from memory to memory, a chunk at a time;
 *  - bool, f32, f64: the same, each element passed through the spec's
 *    load and store conversions in place in the chunk (a bool becomes 0
 *    or 1, a NaN the canonical NaN);
 *  - other element types whose load is pure (canon_load_is_pure: numbers,
 *    bools, flags and records of them) go through host values, a chunk at
 *    a time: nothing can trap or be seen half-way, so chunks are
 *    equivalent to one pass;
 *  - anything else (strings, lists, variants, handles, ...) may trap part
 *    way, or move handles: it is transferred in one pass, as the spec
 *    does, and traps if the values would take more than --max-copy-bytes.
 * Chunks run last to first when the two ranges overlap in one memory with
 * the destination above the source, so every element is read before it
 * is overwritten, as when everything is read first. */

/* Bytes of host buffer for the memory-to-memory path: big enough to move
 * memory at full speed, small enough to stay in cache. */
#define COPY_CHUNK_BYTES (256u << 10)

static const void *memory_id(const canon_MemInst *m) {
  return m->id ? m->id : (const void *)m;
}

static uint64_t max_copy_bytes(const canon_BufferGuestImpl *b) {
  const canon_Store *s = b->cx.inst ? b->cx.inst->store : NULL;
  return s ? s->limits.max_copy_bytes : CANON_DEFAULT_MAX_COPY_BYTES;
}

/* Is t copied as bytes, through a chunk buffer? */
static bool is_scalar(const canon_type *t) {
  canon_kind k = canon_despecialize(t)->kind;
  return k <= CANON_F64; /* bool, s8 ... u64, f32, f64 */
}

/* One float of w bytes as dst's memory takes it: decode_i{32,64}_as_float
 * (canonicalize_nan), then encode_float_as_i{32,64} (maybe_scramble_nan). */
static void convert_float(canon_LiftLowerContext *dst_cx, uint8_t *p,
                          size_t w) {
  if (w == 4) {
    uint32_t b;
    memcpy(&b, p, 4);
    b = canon_encode_float_as_i32(dst_cx, canon_decode_i32_as_float(b));
    memcpy(p, &b, 4);
  } else {
    uint64_t b;
    memcpy(&b, p, 8);
    b = canon_encode_float_as_i64(dst_cx, canon_decode_i64_as_float(b));
    memcpy(p, &b, 8);
  }
}

/* load then store of each of m scalars of kind k, in place in buf; a NaN
 * stored into dst's memory goes through maybe_scramble_nan (a choice) */
static void convert_scalars(canon_LiftLowerContext *dst_cx, canon_kind k, uint8_t *buf,
                            uint64_t m) {
  if (k == CANON_BOOL) {
    for (uint64_t i = 0; i < m; i++) buf[i] = buf[i] != 0;
  } else if (k == CANON_F32 || k == CANON_F64) {
    size_t w = k == CANON_F32 ? 4 : 8;
    for (uint64_t i = 0; i < m; i++) convert_float(dst_cx, buf + w * i, w);
  }
}

/* Elements [first, first + m) of src to dst, through host values. */
static bool transfer_values(canon_BufferGuestImpl *dst, canon_BufferGuestImpl *src,
                            uint64_t first, uint32_t m, canon_trap *trap) {
  uint64_t es = canon_elem_size(src->t, canon_MemInst_ptr_type(src->cx.opts));
  canon_value *vs = NULL;
  src->cx.host_bytes = 0; /* --max-memory counts one pass of values */
  /* ReadableBufferGuestImpl.read */
  if (!canon_load_list_from_valid_range(&src->cx, src->ptr + first * es, m,
                                        src->t, &vs)) {
    *trap = src->cx.trap;
    return false;
  }
  /* WritableBufferGuestImpl.write */
  bool ok = canon_store_list_into_valid_range(&dst->cx, vs,
                                              dst->ptr + first * es, dst->t);
  canon_value_free(vs);
  if (!ok) *trap = dst->cx.trap;
  return ok;
}

/* Elements [first, first + m) of src to dst, memory to memory. */
static void transfer_bytes(canon_BufferGuestImpl *dst, canon_BufferGuestImpl *src,
                           uint64_t first, uint32_t m, uint8_t *buf) {
  uint64_t es = canon_elem_size(src->t, canon_MemInst_ptr_type(src->cx.opts));
  const canon_MemInst *sm = src->cx.opts->memory, *dm = dst->cx.opts->memory;
  sm->read(sm->env, src->ptr + first * es, buf, m * es);
  convert_scalars(&dst->cx, canon_despecialize(src->t)->kind, buf, m);
  dm->write(dm->env, dst->ptr + first * es, buf, m * es);
}

static bool transfer(canon_BufferGuestImpl *dst, canon_BufferGuestImpl *src, uint32_t n,
                     canon_trap *trap) {
  assert(n <= canon_BufferGuestImpl_remain(dst) && n <= canon_BufferGuestImpl_remain(src));
  if (src->t && n > 0) {
    canon_flat pt = canon_MemInst_ptr_type(src->cx.opts);
    uint64_t es = canon_elem_size(src->t, pt);
    bool bytes = is_scalar(src->t);
    /* host bytes per element */
    uint64_t per = bytes ? es : canon_host_bytes(src->t) + sizeof(void *);
    uint64_t budget = max_copy_bytes(src);
    if (bytes && budget > COPY_CHUNK_BYTES) budget = COPY_CHUNK_BYTES;
    uint64_t chunk = budget / per ? budget / per : 1;
    if (!bytes && !canon_load_is_pure(src->t)) {
      CANON_TRAP_IF(CANON_CX_STORE(&src->cx), trap, chunk < n,
                    CANON_R_MAX_COPY_BYTES, n, (unsigned long long)(n * per),
                    (unsigned long long)max_copy_bytes(src));
      chunk = n;
    }
    if (chunk > n) chunk = n;
    /* last chunk first if dst lies above an overlapping src */
    bool backward =
        memory_id(src->cx.opts->memory) == memory_id(dst->cx.opts->memory) &&
        dst->ptr > src->ptr && dst->ptr < src->ptr + n * es;
    uint8_t *buf = bytes ? canon_xrealloc(NULL, chunk * es) : NULL;
    bool ok = true;
    for (uint64_t done = 0; ok && done < n; done += chunk) {
      uint32_t m = (uint32_t)(n - done < chunk ? n - done : chunk);
      uint64_t first = backward ? n - done - m : done;
      if (bytes)
        transfer_bytes(dst, src, first, m, buf);
      else
        ok = transfer_values(dst, src, first, m, trap);
    }
    free(buf);
    if (!ok) return false;
    src->ptr += n * es;
    dst->ptr += n * canon_elem_size(dst->t, canon_MemInst_ptr_type(dst->cx.opts));
  }
  src->progress += n;
  dst->progress += n;
  return true;
}

/* ---- the ends' closures ------------------------------------------------------ */

static void SharedBase_reset_pending(canon_SharedBase *s) {
  s->pending_inst = NULL;
  s->pending_buffer = NULL;
  s->pending_end = NULL;
}

/* stream_event / future_event, computed when the event is delivered */
static canon_event copy_event(canon_Waitable *w) {
  canon_CopyEnd *e = (canon_CopyEnd *)w;
  assert(canon_CopyEnd_copying(e));
  if (!e->shared->future) {
    if (e->reclaim) SharedBase_reset_pending(e->shared);
    e->state = e->result == CANON_COPY_DROPPED ? CANON_COPY_DONE
                                               : CANON_COPY_IDLE;
    uint32_t packed = (uint32_t)e->result | (e->buffer.progress << 4);
    canon_trace_event(e->buffer.cx.inst->store->trace, e->event_code,
                      e->index, packed);
    return (canon_event){e->event_code, e->index, packed};
  }
  assert((canon_BufferGuestImpl_remain(&e->buffer) == 0) ==
         (e->result == CANON_COPY_COMPLETED));
  e->state = e->result == CANON_COPY_DROPPED ||
                     e->result == CANON_COPY_COMPLETED
                 ? CANON_COPY_DONE
                 : CANON_COPY_IDLE;
  canon_trace_event(e->buffer.cx.inst->store->trace, e->event_code,
                    e->index, (unsigned)e->result);
  return (canon_event){e->event_code, e->index, (uint32_t)e->result};
}

/* on_copy (streams only): reclaim_buffer is the shared reset_pending */
static void on_copy(canon_CopyEnd *e) {
  e->result = CANON_COPY_COMPLETED;
  e->reclaim = true;
  canon_Waitable_set_pending_event(&e->w, copy_event);
}

/* on_copy_done */
static void on_copy_done(canon_CopyEnd *e, canon_CopyResult result) {
  e->result = result;
  e->reclaim = false;
  canon_Waitable_set_pending_event(&e->w, copy_event);
}

/* ---- SharedStreamImpl / SharedFutureImpl -------------------------------- */

static void shared_destroy(canon_refobj *o) { free(o); }

canon_SharedBase *canon_SharedBase_new(bool future, const canon_type *t) {
  canon_SharedBase *s = canon_xcalloc(1, sizeof *s);
  s->ref.destroy = shared_destroy;
  s->future = future;
  s->t = t;
  return s;
}

static void SharedBase_set_pending(canon_SharedBase *s, canon_ComponentInstance *inst,
                        canon_BufferGuestImpl *buffer, canon_CopyEnd *e) {
  s->pending_inst = inst;
  s->pending_buffer = buffer;
  s->pending_end = e;
}

/* reset_and_notify_pending */
static void SharedBase_reset_and_notify_pending(canon_SharedBase *s, canon_CopyResult r) {
  canon_CopyEnd *e = s->pending_end;
  SharedBase_reset_pending(s);
  if (e) on_copy_done(e, r); /* (always set while a buffer is pending) */
}

void canon_SharedBase_cancel(canon_SharedBase *s) {
  SharedBase_reset_and_notify_pending(s, CANON_COPY_CANCELLED);
}

/* SharedStreamImpl.drop / SharedFutureImpl.drop */
static void SharedBase_drop(canon_SharedBase *s) {
  if (!s->dropped) {
    s->dropped = true;
    if (s->pending_buffer) SharedBase_reset_and_notify_pending(s, CANON_COPY_DROPPED);
  }
}

/* none_or_number_type */
static bool none_or_number_type(const canon_type *t) {
  if (!t) return true;
  switch (t->kind) {
  case CANON_U8: case CANON_U16: case CANON_U32: case CANON_U64:
  case CANON_S8: case CANON_S16: case CANON_S32: case CANON_S64:
  case CANON_F32: case CANON_F64: return true;
  default: return false;
  }
}

/* trap_if(inst is self.pending_inst and not none_or_number_type(self.t)),
 * the spec's temporary restriction */
static bool check_intra(canon_SharedBase *s, canon_ComponentInstance *inst,
                        canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap,
                inst == s->pending_inst && !none_or_number_type(s->t),
                CANON_R_COPY_INTRA_COMPONENT, s->future ? "future" : "stream");
  return true;
}

/* SharedStreamImpl.read */
static bool SharedStreamImpl_read(canon_SharedBase *s, canon_ComponentInstance *inst,
                        canon_CopyEnd *e, canon_trap *trap) {
  canon_BufferGuestImpl *dst = &e->buffer;
  if (s->dropped) {
    on_copy_done(e, CANON_COPY_DROPPED);
  } else if (!s->pending_buffer) {
    SharedBase_set_pending(s, inst, dst, e);
  } else {
    if (!check_intra(s, inst, trap)) return false;
    if (canon_BufferGuestImpl_remain(s->pending_buffer) > 0) {
      if (canon_BufferGuestImpl_remain(dst) > 0) {
        uint32_t n = canon_BufferGuestImpl_remain(dst);
        if (canon_BufferGuestImpl_remain(s->pending_buffer) < n)
          n = canon_BufferGuestImpl_remain(s->pending_buffer);
        if (!transfer(dst, s->pending_buffer, n, trap)) return false;
        on_copy(s->pending_end);
      }
      on_copy_done(e, CANON_COPY_COMPLETED);
    } else {
      SharedBase_reset_and_notify_pending(s, CANON_COPY_COMPLETED);
      SharedBase_set_pending(s, inst, dst, e);
    }
  }
  return true;
}

/* SharedStreamImpl.write */
static bool SharedStreamImpl_write(canon_SharedBase *s, canon_ComponentInstance *inst,
                         canon_CopyEnd *e, canon_trap *trap) {
  canon_BufferGuestImpl *src = &e->buffer;
  if (s->dropped) {
    on_copy_done(e, CANON_COPY_DROPPED);
  } else if (!s->pending_buffer) {
    SharedBase_set_pending(s, inst, src, e);
  } else {
    if (!check_intra(s, inst, trap)) return false;
    if (canon_BufferGuestImpl_remain(s->pending_buffer) > 0) {
      if (canon_BufferGuestImpl_remain(src) > 0) {
        uint32_t n = canon_BufferGuestImpl_remain(src);
        if (canon_BufferGuestImpl_remain(s->pending_buffer) < n)
          n = canon_BufferGuestImpl_remain(s->pending_buffer);
        if (!transfer(s->pending_buffer, src, n, trap)) return false;
        on_copy(s->pending_end);
      }
      on_copy_done(e, CANON_COPY_COMPLETED);
    } else if (canon_BufferGuestImpl_is_zero_length(src) &&
               canon_BufferGuestImpl_is_zero_length(s->pending_buffer)) {
      on_copy_done(e, CANON_COPY_COMPLETED);
    } else {
      SharedBase_reset_and_notify_pending(s, CANON_COPY_COMPLETED);
      SharedBase_set_pending(s, inst, src, e);
    }
  }
  return true;
}

/* SharedFutureImpl.read */
static bool SharedFutureImpl_read(canon_SharedBase *s, canon_ComponentInstance *inst,
                        canon_CopyEnd *e, canon_trap *trap) {
  canon_BufferGuestImpl *dst = &e->buffer;
  assert(!s->dropped && canon_BufferGuestImpl_remain(dst) == 1);
  if (!s->pending_buffer) {
    SharedBase_set_pending(s, inst, dst, e);
  } else {
    if (!check_intra(s, inst, trap)) return false;
    if (!transfer(dst, s->pending_buffer, 1, trap)) return false;
    SharedBase_reset_and_notify_pending(s, CANON_COPY_COMPLETED);
    on_copy_done(e, CANON_COPY_COMPLETED);
  }
  return true;
}

/* SharedFutureImpl.write */
static bool SharedFutureImpl_write(canon_SharedBase *s, canon_ComponentInstance *inst,
                         canon_CopyEnd *e, canon_trap *trap) {
  canon_BufferGuestImpl *src = &e->buffer;
  assert(canon_BufferGuestImpl_remain(src) == 1);
  if (s->dropped) {
    on_copy_done(e, CANON_COPY_DROPPED);
  } else if (!s->pending_buffer) {
    SharedBase_set_pending(s, inst, src, e);
  } else {
    if (!check_intra(s, inst, trap)) return false;
    if (!transfer(s->pending_buffer, src, 1, trap)) return false;
    SharedBase_reset_and_notify_pending(s, CANON_COPY_COMPLETED);
    on_copy_done(e, CANON_COPY_COMPLETED);
  }
  return true;
}

/* ---- CopyEnd ------------------------------------------------------------------ */

bool canon_entry_is_copy_end(canon_entry_kind kind) {
  return kind == CANON_ENTRY_STREAM_READABLE ||
         kind == CANON_ENTRY_STREAM_WRITABLE ||
         kind == CANON_ENTRY_FUTURE_READABLE ||
         kind == CANON_ENTRY_FUTURE_WRITABLE;
}

/* CopyEnd.__init__ */
canon_CopyEnd *canon_CopyEnd_new(canon_entry_kind kind, canon_SharedBase *s) {
  assert(canon_entry_is_copy_end(kind));
  canon_CopyEnd *e = canon_xcalloc(1, sizeof *e);
  canon_Waitable_init(&e->w);
  e->kind = kind;
  e->state = CANON_COPY_IDLE;
  e->shared = s;
  canon_ref(&s->ref);
  return e;
}

void canon_CopyEnd_free(canon_CopyEnd *e) {
  if (!e) return;
  if (e->w.wset) canon_Waitable_join(&e->w, NULL);
  /* a store torn down mid-copy: the shared object must not call back */
  if (e->shared->pending_end == e) SharedBase_reset_pending(e->shared);
  canon_unref(&e->shared->ref);
  free(e);
}

/* CopyEnd.copying */
bool canon_CopyEnd_copying(const canon_CopyEnd *e) {
  return e->state == CANON_COPY_COPYING ||
         e->state == CANON_COPY_CANCELLING_COPY;
}

/* ReadableStreamEnd.copy etc. */
bool canon_CopyEnd_copy(canon_CopyEnd *e, canon_ComponentInstance *inst,
                         canon_trap *trap) {
  switch (e->kind) {
  case CANON_ENTRY_STREAM_READABLE: return SharedStreamImpl_read(e->shared, inst, e, trap);
  case CANON_ENTRY_STREAM_WRITABLE: return SharedStreamImpl_write(e->shared, inst, e, trap);
  case CANON_ENTRY_FUTURE_READABLE: return SharedFutureImpl_read(e->shared, inst, e, trap);
  default: return SharedFutureImpl_write(e->shared, inst, e, trap);
  }
}

/* CopyEnd.drop, WritableFutureEnd.drop */
bool canon_CopyEnd_drop(canon_CopyEnd *e, canon_Store *store,
                         canon_trap *trap) {
  bool future = e->shared->future;
  CANON_TRAP_IF(store, trap,
                e->kind == CANON_ENTRY_FUTURE_WRITABLE &&
                    e->state != CANON_COPY_DONE,
                CANON_R_FUTURE_DROP_WRITABLE_NOT_DONE);
  /* (the reference tests' wording: a readable end is "removed") */
  bool readable = e->kind == CANON_ENTRY_STREAM_READABLE ||
                  e->kind == CANON_ENTRY_FUTURE_READABLE;
  CANON_TRAP_IF(store, trap, canon_CopyEnd_copying(e),
                CANON_R_COPY_END_DROP_BUSY, readable ? "remove" : "drop",
                future ? "future" : "stream");
  SharedBase_drop(e->shared);
  canon_Waitable_drop(&e->w);
  return true;
}

/* ---- lifting and lowering ------------------------------------------------- */

/* lift_async_value: the readable end leaves the table; the value keeps the
 * shared object. */
static bool lift_async_value(canon_LiftLowerContext *cx, canon_entry_kind kind,
                             uint32_t i, const canon_type *t,
                             canon_value **out) {
  bool future = kind == CANON_ENTRY_FUTURE_READABLE;
  const char *what = future ? "future" : "stream";
  canon_table_entry en;
  if (!canon_Table_get(&cx->inst->handles, i, &en, &cx->trap)) return false;
  canon_Store *s = CANON_CX_STORE(cx);
  CANON_TRAP_IF(s, &cx->trap, en.kind != kind, CANON_R_LIFT_ASYNC_NOT_READABLE,
                i, what, what);
  canon_CopyEnd *e = en.obj;
  CANON_TRAP_IF(s, &cx->trap, !canon_type_equal(e->shared->t, t->u.payload),
                CANON_R_LIFT_ASYNC_WRONG_TYPE, i, what, what);
  /* trap_if(e.state != CopyState.IDLE), worded by case */
  CANON_TRAP_IF(s, &cx->trap, e->state == CANON_COPY_DONE,
                future ? CANON_R_LIFT_FUTURE_DONE : CANON_R_LIFT_STREAM_DONE);
  CANON_TRAP_IF(s, &cx->trap, e->state != CANON_COPY_IDLE,
                CANON_R_LIFT_ASYNC_BUSY, what);
  CANON_TRAP_IF(s, &cx->trap, canon_Waitable_in_waitable_set(&e->w),
                CANON_R_LIFT_ASYNC_IN_SET, what);
  if (!canon_Table_remove(&cx->inst->handles, i, &en, &cx->trap)) return false;
  *out = canon_value_opaque(future ? CANON_FUTURE : CANON_STREAM,
                            &e->shared->ref);
  canon_CopyEnd_free(e);
  return true;
}

/* Loading: lift_stream */
bool canon_lift_stream(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out) {
  return lift_async_value(cx, CANON_ENTRY_STREAM_READABLE, i, t, out);
}

/* Loading: lift_future */
bool canon_lift_future(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out) {
  return lift_async_value(cx, CANON_ENTRY_FUTURE_READABLE, i, t, out);
}

static bool lower_async_value(canon_LiftLowerContext *cx, canon_entry_kind kind,
                              const canon_value *v, uint32_t *i) {
  canon_CopyEnd *e =
      canon_CopyEnd_new(kind, (canon_SharedBase *)v->u.opaque);
  if (!canon_Table_add(&cx->inst->handles, kind, e, i, &cx->trap)) {
    canon_CopyEnd_free(e);
    return false;
  }
  return true;
}

/* Storing: lower_stream */
bool canon_lower_stream(canon_LiftLowerContext *cx, const canon_value *v,
                        const canon_type *t, uint32_t *i) {
  (void)t;
  return lower_async_value(cx, CANON_ENTRY_STREAM_READABLE, v, i);
}

/* Storing: lower_future */
bool canon_lower_future(canon_LiftLowerContext *cx, const canon_value *v,
                        const canon_type *t, uint32_t *i) {
  (void)t;
  return lower_async_value(cx, CANON_ENTRY_FUTURE_READABLE, v, i);
}
