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

typedef enum canon_Subtask_State {
  CANON_SUBTASK_STARTING = 0,
  CANON_SUBTASK_STARTED = 1,
  CANON_SUBTASK_RETURNED = 2,
  CANON_SUBTASK_CANCELLED_BEFORE_STARTED = 3,
  CANON_SUBTASK_CANCELLED_BEFORE_RETURNED = 4,
} canon_Subtask_State;

typedef struct canon_Subtask {
  canon_Waitable w; /* first: a Subtask is a Waitable */
  canon_Subtask_State state;
  canon_Task *on_cancel; /* the callee's task while it is unresolved */
  canon_borrow_subtask lenders;
  bool cancellation_requested;
  canon_core_vec flat_results;
  /* canon_lower's closure */
  canon_LiftLowerContext cx;
  const canon_FuncType *ft;
  const canon_type **pts;
  const canon_type *const *rts; /* in ft (canon_FuncType_result_type) */
  uint32_t np, nr;
  uint64_t *flat_args; /* a copy of the core arguments */
  uint32_t nflat_args;
  canon_CoreValueIter flat_args_iter;
  uint32_t max_flat_params, max_flat_results;
  bool async_lower;
  uint32_t index; /* in the handles table once it has one (async) */
  bool in_table;
  canon_Store *store;
} canon_Subtask;

canon_Subtask *canon_Subtask_new(void);
void canon_Subtask_free(canon_Subtask *s);
/* Subtask.resolved */
bool canon_Subtask_resolved(const canon_Subtask *s);
/* Subtask.resolve */
void canon_Subtask_resolve(canon_Subtask *s, canon_Subtask_State state,
                           canon_core_vec *flat_results);
/* Subtask.deliver_resolve */
void canon_Subtask_deliver_resolve(canon_Subtask *s);
/* Subtask.resolve_delivered */
static inline bool canon_Subtask_resolve_delivered(const canon_Subtask *s) {
  return s->lenders.delivered;
}
/* Subtask.drop: traps if the resolution was not delivered */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_Subtask_drop(canon_Subtask *s, struct canon_Store *store,
                        canon_trap *trap);


#endif
