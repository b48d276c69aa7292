/* subtask.c -- Subtask (CanonicalABI.md "Subtask State"); see subtask.h. */
#include "rules.h"
#include "subtask.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "handles.h"

/* Subtask.__init__ */
canon_Subtask *canon_Subtask_new(void) {
  canon_Subtask *s = canon_xcalloc(1, sizeof *s);
  canon_Waitable_init(&s->w);
  s->state = CANON_SUBTASK_STARTING;
  return s;
}

void canon_Subtask_free(canon_Subtask *s) {
  if (!s) return;
  if (s->w.wset) canon_Waitable_join(&s->w, NULL);
  canon_borrow_subtask_free(&s->lenders);
  canon_core_vec_free(&s->flat_results);
  free(s->flat_args);
  free(s->pts);
  free(s);
}

/* Subtask.resolved */
bool canon_Subtask_resolved(const canon_Subtask *s) {
  switch (s->state) {
  case CANON_SUBTASK_STARTING:
  case CANON_SUBTASK_STARTED: return false;
  case CANON_SUBTASK_RETURNED:
  case CANON_SUBTASK_CANCELLED_BEFORE_STARTED:
  case CANON_SUBTASK_CANCELLED_BEFORE_RETURNED: return true;
  }
  return false;
}

/* Subtask.resolve (takes the flat results; NULL: []) */
void canon_Subtask_resolve(canon_Subtask *s, canon_Subtask_State state,
                           canon_core_vec *flat_results) {
  assert(state == CANON_SUBTASK_RETURNED || !flat_results ||
         flat_results->n == 0);
  assert(!canon_Subtask_resolved(s));
  s->state = state;
  if (flat_results) {
    canon_core_vec_free(&s->flat_results);
    s->flat_results = *flat_results;
    memset(flat_results, 0, sizeof *flat_results);
  }
  s->on_cancel = NULL; /* the callee's task no longer takes cancellation */
  assert(canon_Subtask_resolved(s));
}

/* Subtask.deliver_resolve */
void canon_Subtask_deliver_resolve(canon_Subtask *s) {
  assert(!canon_Subtask_resolve_delivered(s) && canon_Subtask_resolved(s));
  canon_borrow_subtask_deliver(&s->lenders);
}

/* Subtask.drop */
bool canon_Subtask_drop(canon_Subtask *s, canon_Store *store,
                        canon_trap *trap) {
  CANON_TRAP_IF(store, trap, !canon_Subtask_resolve_delivered(s),
                CANON_R_SUBTASK_DROP_UNRESOLVED);
  canon_Waitable_drop(&s->w);
  return true;
}
