/* stream.h -- streams and futures (CanonicalABI.md "Buffer State", "Stream
 * State", "Future State"): the guest buffers of a copy, the shared state of
 * a stream or future (SharedStreamImpl / SharedFutureImpl, one object
 * shared by the two ends and by values in flight), and the ends
 * (CopyEnd: ReadableStreamEnd, WritableStreamEnd, ReadableFutureEnd,
 * WritableFutureEnd), which are waitables in a handle table.
 *
 * The spec's OnCopy / OnCopyDone closures belong to the end whose copy is
 * pending, so the shared object keeps that end (pending_end) and calls
 * canon_end_on_copy / canon_end_on_copy_done on it.  A copy's buffer lives
 * in its end (an end has at most one copy at a time).
 *
 * The built-ins are in stream_builtins.c (builtins.h).
 */
#ifndef CANON_STREAM_H
#define CANON_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "handles.h"
#include "instance.h"
#include "values.h"
#include "waitable.h"

/* Buffer.MAX_LENGTH */
#define CANON_BUFFER_MAX_LENGTH ((1u << 28) - 1)

/* BufferGuestImpl (readable or writable by use) */
typedef struct canon_BufferGuestImpl {
  canon_LiftLowerContext cx;
  const canon_type *t; /* NULL: a stream/future without payload */
  uint64_t ptr;
  uint32_t progress, length;
} canon_BufferGuestImpl;

/* BufferGuestImpl.__init__ */
bool canon_BufferGuestImpl_init(canon_BufferGuestImpl *b, const canon_type *t,
                       const canon_CanonicalOptions *opts, canon_ComponentInstance *inst,
                       uint64_t ptr, uint64_t length, canon_trap *trap);
static inline uint32_t canon_BufferGuestImpl_remain(const canon_BufferGuestImpl *b) {
  return b->length - b->progress;
}
static inline bool canon_BufferGuestImpl_is_zero_length(const canon_BufferGuestImpl *b) {
  return b->length == 0;
}

/* CopyResult */
typedef enum canon_CopyResult {
  CANON_COPY_COMPLETED = 0,
  CANON_COPY_DROPPED = 1,
  CANON_COPY_CANCELLED = 2,
} canon_CopyResult;

/* CopyState */
typedef enum canon_CopyState {
  CANON_COPY_IDLE = 1,
  CANON_COPY_COPYING = 2,
  CANON_COPY_CANCELLING_COPY = 3,
  CANON_COPY_DONE = 4,
} canon_CopyState;

typedef struct canon_CopyEnd canon_CopyEnd;

/* SharedStreamImpl / SharedFutureImpl */
typedef struct canon_SharedBase {
  canon_refobj ref;
  bool future;
  const canon_type *t; /* the element type; NULL: none */
  bool dropped;
  canon_ComponentInstance *pending_inst;
  canon_BufferGuestImpl *pending_buffer;
  canon_CopyEnd *pending_end; /* pending_on_copy(_done) are its */
} canon_SharedBase;

/* CopyEnd */
struct canon_CopyEnd {
  canon_Waitable w; /* first: a CopyEnd is a Waitable */
  canon_entry_kind kind; /* which of the four ends */
  canon_CopyState state;
  canon_SharedBase *shared; /* holds a reference */
  /* the copy in progress: its buffer, and what the event closure needs */
  canon_BufferGuestImpl buffer;
  uint32_t index;
  canon_EventCode event_code;
  canon_CopyResult result;
  bool reclaim; /* stream_event's reclaim_buffer is shared.reset_pending */
};

/* A new SharedStreamImpl / SharedFutureImpl with no reference yet. */
canon_SharedBase *canon_SharedBase_new(bool future, const canon_type *t);
/* A new end of kind on shared (takes a reference). */
canon_CopyEnd *canon_CopyEnd_new(canon_entry_kind kind, canon_SharedBase *s);
/* Frees an end that is no longer in a table (drops its reference). */
void canon_CopyEnd_free(canon_CopyEnd *e);

/* CopyEnd.copying */
bool canon_CopyEnd_copying(const canon_CopyEnd *e);
/* CopyEnd.copy: the shared object's read or write for this end's kind,
 * with this end's buffer; false after a trap */
bool canon_CopyEnd_copy(canon_CopyEnd *e, canon_ComponentInstance *inst,
                         canon_trap *trap);
/* CopyEnd.drop (WritableFutureEnd.drop too) */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_CopyEnd_drop(canon_CopyEnd *e, struct canon_Store *store,
                         canon_trap *trap);
/* SharedStreamImpl.cancel / SharedFutureImpl.cancel */
void canon_SharedBase_cancel(canon_SharedBase *s);

/* Is kind one of the four ends? */
bool canon_entry_is_copy_end(canon_entry_kind kind);

#endif
