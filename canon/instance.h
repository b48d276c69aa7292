/* instance.h -- ComponentInstance (CanonicalABI.md "Component Instances"),
 * reduced to what the value layer needs: the `handles` table and the
 * may_leave / may_enter flags.  The task layer extends this struct (threads,
 * backpressure, exclusive thread, ...); fields are only ever added. */
#ifndef CANON_INSTANCE_H
#define CANON_INSTANCE_H

#include <stdbool.h>

#include "handles.h"

struct canon_instance {
  canon_instance *parent; /* NULL when instantiated by the host */
  canon_table handles;
  bool may_enter;
  bool may_leave;
};

/* ComponentInstance.__init__ (store not yet modelled) */
static inline void canon_instance_init(canon_instance *inst,
                                       canon_instance *parent) {
  inst->parent = parent;
  canon_table_init(&inst->handles);
  inst->may_enter = true;
  inst->may_leave = true;
}

#endif
