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
typedef struct canon_Thread canon_Thread;

struct canon_ComponentInstance {
  canon_Store *store;
  uint32_t id; /* store-wide number, for traces */
  canon_ComponentInstance *parent; /* NULL when instantiated by the host */
  canon_Table handles;
  canon_Table threads; /* of canon_Thread (CANON_ENTRY_THREAD) */
  bool may_enter;
  bool may_leave;
  uint32_t backpressure; /* 0 .. 2^16 - 1 */
  uint32_t num_waiting_to_enter;
  canon_Thread *exclusive_thread;
};

/* After a trap.  The spec's store is gone after a trap; cmref's lives on
 * (a script goes on with new instances), so the flags a trap left are
 * kept: the instances the trapping call entered stay entered
 * (canon_lift_call and canon_Store_tick do not leave_to after a trap), and
 * may_leave stays cleared if the trap came out of a realloc or a
 * post-return.  Every entry from the host (Store.invoke, Store.tick)
 * enters the top-level instance of the tree it runs in, and top-level
 * instances share nothing (they have no imports), so no code of a tree
 * that trapped ever runs again: the asserts of canon/ that would fail only
 * on such leftover state are unreachable. */

/* ComponentInstance.__init__ */
void canon_ComponentInstance_init(canon_ComponentInstance *inst, canon_Store *store,
                         canon_ComponentInstance *parent);
/* Frees the tables (not the objects in them). */
void canon_ComponentInstance_free(canon_ComponentInstance *inst);
/* Frees the objects left in the handle table, when the instance goes away
 * (not a spec step: Python's collector does it). */
void canon_ComponentInstance_free_handles(canon_ComponentInstance *inst);

/* ComponentInstance.may_enter_from / enter_from / leave_to (caller NULL:
 * the host) */
bool canon_ComponentInstance_may_enter_from(const canon_ComponentInstance *inst,
                          const canon_ComponentInstance *caller);
void canon_ComponentInstance_enter_from(canon_ComponentInstance *inst,
                                        const canon_ComponentInstance *caller);
void canon_ComponentInstance_leave_to(canon_ComponentInstance *inst,
                                      const canon_ComponentInstance *caller);

#endif
