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
typedef struct canon_buffer {
  canon_context cx;
  const canon_type *t; /* NULL: a stream/future without payload */
  uint64_t ptr;
  uint32_t progress, length;
} canon_buffer;

/* BufferGuestImpl.__init__ */
bool canon_buffer_init(canon_buffer *b, const canon_type *t,
                       const canon_options *opts, canon_instance *inst,
                       uint64_t ptr, uint64_t length, canon_trap *trap);
static inline uint32_t canon_buffer_remain(const canon_buffer *b) {
  return b->length - b->progress;
}
static inline bool canon_buffer_is_zero_length(const canon_buffer *b) {
  return b->length == 0;
}

/* CopyResult */
typedef enum canon_copy_result {
  CANON_COPY_COMPLETED = 0,
  CANON_COPY_DROPPED = 1,
  CANON_COPY_CANCELLED = 2,
} canon_copy_result;

/* CopyState */
typedef enum canon_copy_state {
  CANON_COPY_IDLE = 1,
  CANON_COPY_COPYING = 2,
  CANON_COPY_CANCELLING_COPY = 3,
  CANON_COPY_DONE = 4,
} canon_copy_state;

typedef struct canon_copy_end canon_copy_end;

/* SharedStreamImpl / SharedFutureImpl */
typedef struct canon_shared {
  canon_refobj ref;
  bool future;
  const canon_type *t; /* the element type; NULL: none */
  bool dropped;
  canon_instance *pending_inst;
  canon_buffer *pending_buffer;
  canon_copy_end *pending_end; /* pending_on_copy(_done) are its */
} canon_shared;

/* CopyEnd */
struct canon_copy_end {
  canon_waitable w; /* first: a CopyEnd is a Waitable */
  canon_entry_kind kind; /* which of the four ends */
  canon_copy_state state;
  canon_shared *shared; /* holds a reference */
  /* the copy in progress: its buffer, and what the event closure needs */
  canon_buffer buffer;
  uint32_t index;
  canon_event_code event_code;
  canon_copy_result result;
  bool reclaim; /* stream_event's reclaim_buffer is shared.reset_pending */
};

/* A new SharedStreamImpl / SharedFutureImpl with no reference yet. */
canon_shared *canon_shared_new(bool future, const canon_type *t);
/* A new end of kind on shared (takes a reference). */
canon_copy_end *canon_copy_end_new(canon_entry_kind kind, canon_shared *s);
/* Frees an end that is no longer in a table (drops its reference). */
void canon_copy_end_free(canon_copy_end *e);

/* CopyEnd.copying */
bool canon_copy_end_copying(const canon_copy_end *e);
/* CopyEnd.copy: the shared object's read or write for this end's kind,
 * with this end's buffer; false after a trap */
bool canon_copy_end_copy(canon_copy_end *e, canon_instance *inst,
                         canon_trap *trap);
/* CopyEnd.drop (WritableFutureEnd.drop too) */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_copy_end_drop(canon_copy_end *e, struct canon_Store *store,
                         canon_trap *trap);
/* SharedStreamImpl.cancel / SharedFutureImpl.cancel */
void canon_shared_cancel(canon_shared *s);

/* Is kind one of the four ends? */
bool canon_entry_is_copy_end(canon_entry_kind kind);

#endif
