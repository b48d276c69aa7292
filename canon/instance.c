/* instance.c -- ComponentInstance: initialisation, entering and leaving
 * (CanonicalABI.md "Component Instances"); see instance.h. */
#include "instance.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include "store.h"
#include "stream.h"
#include "subtask.h"
#include "values.h"
#include "waitable.h"

/* ComponentInstance.__init__ */
void canon_ComponentInstance_init(canon_ComponentInstance *inst, canon_Store *store,
                         canon_ComponentInstance *parent) {
  assert(!parent || parent->store == store);
  inst->store = store;
  inst->id = store ? ++store->next_inst_id : 0;
  if (store)
    canon_trace_instance(store->trace, inst->id, parent ? parent->id : 0);
  inst->parent = parent;
  canon_Table_init(&inst->handles);
  canon_Table_init(&inst->threads);
  inst->handles.store = inst->threads.store = store;
  if (store) inst->handles.host_max = inst->threads.host_max =
      store->limits.max_handles;
  inst->may_enter = true;
  inst->may_leave = true;
  inst->backpressure = 0;
  inst->num_waiting_to_enter = 0;
  inst->exclusive_thread = NULL;
}

void canon_ComponentInstance_free(canon_ComponentInstance *inst) {
  canon_Table_free(&inst->handles);
  canon_Table_free(&inst->threads);
}

void canon_ComponentInstance_free_handles(canon_ComponentInstance *inst) {
  canon_Table *t = &inst->handles;
  for (uint32_t i = 0; i < t->len; i++) {
    void *obj = t->array[i].obj;
    if (!obj) continue;
    switch (t->array[i].kind) {
    case CANON_ENTRY_RESOURCE_HANDLE: free(obj); break;
    case CANON_ENTRY_SUBTASK: canon_Subtask_free(obj); break;
    case CANON_ENTRY_WAITABLE_SET: canon_WaitableSet_free(obj); break;
    case CANON_ENTRY_ERROR_CONTEXT: canon_unref(obj); break;
    case CANON_ENTRY_STREAM_READABLE:
    case CANON_ENTRY_STREAM_WRITABLE:
    case CANON_ENTRY_FUTURE_READABLE:
    case CANON_ENTRY_FUTURE_WRITABLE: canon_CopyEnd_free(obj); break;
    default: break;
    }
  }
}

/* Is a in caller.self_and_ancestors()? */
static bool is_self_or_ancestor(const canon_ComponentInstance *a,
                                const canon_ComponentInstance *caller) {
  for (const canon_ComponentInstance *i = caller; i; i = i->parent)
    if (i == a) return true;
  return false;
}

/* ComponentInstance.may_enter_from: every instance of
 * entering_set(caller) = self_and_ancestors() - caller.self_and_ancestors()
 * must have may_enter set. */
bool canon_ComponentInstance_may_enter_from(const canon_ComponentInstance *inst,
                          const canon_ComponentInstance *caller) {
  const canon_sched *sc = &inst->store->sched;
  for (const canon_ComponentInstance *i = inst; i; i = i->parent) {
    if (sc->at_enter) sc->at_enter(sc->at_choice_ctx, i);
    if (!is_self_or_ancestor(i, caller) && !i->may_enter) return false;
  }
  return true;
}

/* ComponentInstance.enter_from */
void canon_ComponentInstance_enter_from(canon_ComponentInstance *inst,
                                        const canon_ComponentInstance *caller) {
  for (canon_ComponentInstance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(i->may_enter);
      i->may_enter = false;
    }
}

/* ComponentInstance.leave_to */
void canon_ComponentInstance_leave_to(canon_ComponentInstance *inst,
                                      const canon_ComponentInstance *caller) {
  for (canon_ComponentInstance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(!i->may_enter);
      i->may_enter = true;
    }
}
