/* subtask.h -- Subtask (CanonicalABI.md "Subtask State"): the caller's
 * side of one call made through `canon lower`.  It is a waitable; its
 * borrow part (lenders) is canon_borrow_subtask (context.h).
 *
 * The subtask also keeps what canon_lower's OnStart / OnResolve closures
 * capture (the lifting/lowering context, the flat arguments, the callee's
 * function type), since an async call outlives the core call that made it.
 */
#ifndef CANON_SUBTASK_H
#define CANON_SUBTASK_H

#include <stdbool.h>
#include <stdint.h>

#include "flat.h"
#include "task.h"
#include "waitable.h"

typedef enum canon_subtask_state {
  CANON_SUBTASK_STARTING = 0,
  CANON_SUBTASK_STARTED = 1,
  CANON_SUBTASK_RETURNED = 2,
  CANON_SUBTASK_CANCELLED_BEFORE_STARTED = 3,
  CANON_SUBTASK_CANCELLED_BEFORE_RETURNED = 4,
} canon_subtask_state;

typedef struct canon_subtask {
  canon_waitable w; /* first: a Subtask is a Waitable */
  canon_subtask_state state;
  canon_task *on_cancel; /* the callee's task while it is unresolved */
  canon_borrow_subtask lenders;
  bool cancellation_requested;
  canon_core_vec flat_results;
  /* canon_lower's closure */
  canon_context cx;
  const canon_functype *ft;
  const canon_type **pts, **rts;
  uint32_t np, nr;
  uint64_t *flat_args; /* a copy of the core arguments */
  uint32_t nflat_args;
  canon_core_iter flat_args_iter;
  uint32_t max_flat_params, max_flat_results;
  bool async_lower;
  uint32_t index; /* in the handles table once it has one (async) */
  bool in_table;
  canon_Store *store;
} canon_subtask;

canon_subtask *canon_subtask_new(void);
void canon_subtask_free(canon_subtask *s);
/* Subtask.resolved */
bool canon_subtask_resolved(const canon_subtask *s);
/* Subtask.resolve */
void canon_subtask_resolve(canon_subtask *s, canon_subtask_state state,
                           canon_core_vec *flat_results);
/* Subtask.deliver_resolve */
void canon_subtask_deliver_resolved(canon_subtask *s);
/* Subtask.resolve_delivered */
static inline bool canon_subtask_resolve_delivered(const canon_subtask *s) {
  return s->lenders.delivered;
}
/* Subtask.drop: traps if the resolution was not delivered */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_subtask_drop(canon_subtask *s, struct canon_Store *store,
                        canon_trap *trap);


#endif
