/* instance.c -- ComponentInstance: initialisation, entering and leaving
 * (CanonicalABI.md "Component Instances"); see instance.h. */
#include "instance.h"

#include <assert.h>
#include <stddef.h>

#include "store.h"

void canon_instance_init(canon_instance *inst, canon_Store *store,
                         canon_instance *parent) {
  assert(!parent || parent->store == store);
  inst->store = store;
  inst->id = store ? ++store->next_inst_id : 0;
  if (store)
    canon_trace_emit(store->trace, "instance", "\"inst\":%u,\"parent\":%u",
                     inst->id, parent ? parent->id : 0);
  inst->parent = parent;
  canon_table_init(&inst->handles);
  canon_table_init(&inst->threads);
  inst->handles.store = inst->threads.store = store;
  if (store) inst->handles.host_max = inst->threads.host_max =
      store->limits.max_handles;
  inst->may_enter = true;
  inst->may_leave = true;
  inst->backpressure = 0;
  inst->num_waiting_to_enter = 0;
  inst->exclusive_thread = NULL;
}

void canon_instance_free(canon_instance *inst) {
  canon_table_free(&inst->handles);
  canon_table_free(&inst->threads);
}

/* Is a in caller.self_and_ancestors()? */
static bool is_self_or_ancestor(const canon_instance *a,
                                const canon_instance *caller) {
  for (const canon_instance *i = caller; i; i = i->parent)
    if (i == a) return true;
  return false;
}

/* ComponentInstance.may_enter_from: every instance of
 * entering_set(caller) = self_and_ancestors() - caller.self_and_ancestors()
 * must have may_enter set. */
bool canon_may_enter_from(const canon_instance *inst,
                          const canon_instance *caller) {
  for (const canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller) && !i->may_enter) return false;
  return true;
}

/* ComponentInstance.enter_from */
void canon_enter_from(canon_instance *inst, const canon_instance *caller) {
  for (canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(i->may_enter);
      i->may_enter = false;
    }
}

/* ComponentInstance.leave_to */
void canon_leave_to(canon_instance *inst, const canon_instance *caller) {
  for (canon_instance *i = inst; i; i = i->parent)
    if (!is_self_or_ancestor(i, caller)) {
      assert(!i->may_enter);
      i->may_enter = true;
    }
}
