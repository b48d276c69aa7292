/* instance.h -- ComponentInstance (CanonicalABI.md "Component Instances"):
 * its store, parent, handle table, thread table, the may_enter / may_leave
 * flags, backpressure and the exclusive thread; and entering / leaving
 * (may_enter_from, enter_from, leave_to, implemented in instance.c). */
#ifndef CANON_INSTANCE_H
#define CANON_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "handles.h"

typedef struct canon_Store canon_Store;
typedef struct canon_thread canon_thread;

struct canon_instance {
  canon_Store *store;
  uint32_t id; /* store-wide number, for traces */
  canon_instance *parent; /* NULL when instantiated by the host */
  canon_table handles;
  canon_table threads; /* of canon_thread (CANON_ENTRY_THREAD) */
  bool may_enter;
  bool may_leave;
  uint32_t backpressure; /* 0 .. 2^16 - 1 */
  uint32_t num_waiting_to_enter;
  canon_thread *exclusive_thread;
};

/* After a trap.  The spec's store is gone after a trap; cmref's lives on
 * (a script goes on with new instances), so the flags a trap left are
 * kept: the instances the trapping call entered stay entered
 * (canon_lift_call and canon_store_tick do not leave_to after a trap), and
 * may_leave stays cleared if the trap came out of a realloc or a
 * post-return.  Every entry from the host (Store.invoke, Store.tick)
 * enters the top-level instance of the tree it runs in, and top-level
 * instances share nothing (they have no imports), so no code of a tree
 * that trapped ever runs again: the asserts of canon/ that would fail only
 * on such leftover state are unreachable. */

/* ComponentInstance.__init__ */
void canon_instance_init(canon_instance *inst, canon_Store *store,
                         canon_instance *parent);
/* Frees the tables (not the objects in them). */
void canon_instance_free(canon_instance *inst);

/* ComponentInstance.may_enter_from / enter_from / leave_to (caller NULL:
 * the host) */
bool canon_may_enter_from(const canon_instance *inst,
                          const canon_instance *caller);
void canon_enter_from(canon_instance *inst, const canon_instance *caller);
void canon_leave_to(canon_instance *inst, const canon_instance *caller);

#endif
