/* handles.h -- the handle table and resource handles (CanonicalABI.md
 * "Table State" and "Resource State"), and the table side of the resource
 * built-ins.
 *
 * A canon_Table is the spec's Table: a growable array of tagged entries
 * addressed by i32 indices, index 0 reserved, holes reused LIFO from a free
 * list (the indices are guest-visible, so the order matters), at most
 * MAX_LENGTH = 2^28 - 1 entries.  Every component instance has one
 * (`handles`) shared by resource handles, waitables, waitable sets and
 * error contexts; the entry kind plays the role of the spec's isinstance.
 *
 * The table does not own the objects it points to: remove() hands the
 * object back to the caller, and canon_Table_free() leaves them alone.
 */
#ifndef CANON_HANDLES_H
#define CANON_HANDLES_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "names.h"

#define CANON_TABLE_MAX_LENGTH ((1u << 28) - 1)

/* X(CONSTANT, name): the kinds of entries, each with its name for messages
 * (canon_entry_kind_name) */
#define CANON_ENTRY_KINDS(X)                                                   \
  X(CANON_ENTRY_RESOURCE_HANDLE, "resource handle") /* canon_ResourceHandle */ \
  /* the error-context layer's object */                                       \
  X(CANON_ENTRY_ERROR_CONTEXT, "error-context")                                \
  X(CANON_ENTRY_SUBTASK, "subtask") /* the async layer's objects: */           \
  X(CANON_ENTRY_WAITABLE_SET, "waitable set")                                  \
  X(CANON_ENTRY_STREAM_READABLE, "readable stream end")                        \
  X(CANON_ENTRY_STREAM_WRITABLE, "writable stream end")                        \
  X(CANON_ENTRY_FUTURE_READABLE, "readable future end")                        \
  X(CANON_ENTRY_FUTURE_WRITABLE, "writable future end")                        \
  X(CANON_ENTRY_THREAD, "thread") /* in ComponentInstance.threads */

typedef enum canon_entry_kind {
  CANON_ENTRY_KINDS(CANON_NAMED_ENUM)
} canon_entry_kind;

typedef struct canon_table_entry {
  canon_entry_kind kind;
  void *obj; /* NULL marks a free slot */
} canon_table_entry;

/* Table */
typedef struct canon_Table {
  canon_table_entry *array;
  uint32_t len, cap; /* len(array), including the reserved index 0 */
  uint32_t *free;    /* the free list, popped from the end */
  uint32_t nfree, free_cap;
  uint32_t max_length; /* MAX_LENGTH, or a lower limit set by the host */
  uint32_t host_max;   /* the host's --max-handles; 0: none */
  struct canon_Store *store; /* whose rule coverage counts (rules.h); NULL */
} canon_Table;

void canon_Table_init(canon_Table *t);
void canon_Table_free(canon_Table *t);
/* Table.get: traps "unknown handle index I" if out of range or a hole. */
bool canon_Table_get(const canon_Table *t, uint32_t i, canon_table_entry *out,
                     canon_trap *trap);
/* Table.get followed by the spec's `trap_if(not isinstance(e, T))`: the
 * entry at i must be of `kind` ("handle index I is not a waitable set"). */
bool canon_Table_get_kind(const canon_Table *t, uint32_t i,
                          canon_entry_kind kind, void **obj, canon_trap *trap);
/* "resource handle", "waitable set", "readable stream end", ... */
const char *canon_entry_kind_name(canon_entry_kind kind);
/* Table.add: reuses the last freed index, else appends; traps past
 * max_length. */
bool canon_Table_add(canon_Table *t, canon_entry_kind kind, void *obj,
                     uint32_t *i, canon_trap *trap);
/* Table.remove */
bool canon_Table_remove(canon_Table *t, uint32_t i, canon_table_entry *out,
                        canon_trap *trap);

/* ResourceType: identity is the pointer.  impl is the instance that defined
 * it; dtor is an opaque core function (NULL: none) called by the resource
 * built-ins' layer. */
struct canon_ResourceType {
  canon_ComponentInstance *impl;
  void *dtor;
  const char *name; /* for messages only; may be NULL */
};

/* ResourceHandle */
struct canon_ResourceHandle {
  const canon_ResourceType *rt;
  uint32_t rep;
  bool own;
  canon_borrow_task *borrow_scope; /* the Task that lowered a borrow */
  uint32_t num_lends;
};

canon_ResourceHandle *canon_ResourceHandle_new(const canon_ResourceType *rt,
                                                 uint32_t rep, bool own,
                                                 canon_borrow_task *scope);

/* Looks up index i as a resource handle of type rt: traps like the spec's
 * `trap_if(not isinstance(h, ResourceHandle))` and `trap_if(h.rt is not
 * rt)` after Table.get.  (Used by lift_borrow and resource.rep.) */
bool canon_get_resource_handle(canon_Table *t, uint32_t i,
                               const canon_ResourceType *rt,
                               canon_ResourceHandle **out, canon_trap *trap);

/* Subtask.add_lender: h.num_lends += 1, remembered for deliver_resolve. */
void canon_Subtask_add_lender(canon_borrow_subtask *s, canon_ResourceHandle *h);
/* Subtask.deliver_resolve (its lender part): every lent handle is given
 * back (num_lends -= 1) and the list is gone (resolve_delivered). */
void canon_borrow_subtask_deliver(canon_borrow_subtask *s);
void canon_borrow_subtask_free(canon_borrow_subtask *s);

/* canon resource.new, without the may_leave check of the built-in: adds an
 * owning handle and returns its index. */
bool canon_Table_resource_new(canon_Table *t, const canon_ResourceType *rt,
                               uint32_t rep, uint32_t *i, canon_trap *trap);
/* canon resource.drop, the table part: removes handle i (which must be a
 * resource handle of type rt with num_lends == 0).  For an owning handle,
 * *call_dtor is set and *rep is what the destructor must be called with;
 * for a borrowed one, its task's num_borrows is decremented.  The handle
 * object is freed. */
bool canon_Table_resource_drop(canon_Table *t, const canon_ResourceType *rt,
                                uint32_t i, bool *call_dtor, uint32_t *rep,
                                canon_trap *trap);
/* canon resource.rep */
bool canon_Table_resource_rep(canon_Table *t, const canon_ResourceType *rt,
                        uint32_t i, uint32_t *rep, canon_trap *trap);

#endif
