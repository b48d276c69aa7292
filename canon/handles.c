/* handles.c -- Table and ResourceHandle (CanonicalABI.md "Table State",
 * "Resource State"), Subtask lenders, and the table side of
 * resource.new/drop/rep. */
#include "handles.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules.h"
#include "grow.h"

/* Table.__init__ */
void canon_Table_init(canon_Table *t) {
  memset(t, 0, sizeof *t);
  /* Table.__init__: array = [None], reserving index 0. */
  t->cap = 8;
  t->array = canon_xrealloc(NULL, t->cap * sizeof *t->array);
  t->array[0].kind = CANON_ENTRY_RESOURCE_HANDLE;
  t->array[0].obj = NULL;
  t->len = 1;
  t->max_length = CANON_TABLE_MAX_LENGTH;
}

void canon_Table_free(canon_Table *t) {
  free(t->array);
  free(t->free);
  memset(t, 0, sizeof *t);
}

/* Table.get */
bool canon_Table_get(const canon_Table *t, uint32_t i, canon_table_entry *out,
                     canon_trap *trap) {
  CANON_TRAP_IF(t->store, trap, i >= t->len, CANON_R_TABLE_GET_RANGE, i);
  CANON_TRAP_IF(t->store, trap, t->array[i].obj == NULL,
                CANON_R_TABLE_GET_HOLE, i);
  *out = t->array[i];
  return true;
}

/* Table.add */
bool canon_Table_add(canon_Table *t, canon_entry_kind kind, void *obj,
                     uint32_t *out, canon_trap *trap) {
  assert(obj != NULL);
  uint32_t i;
  if (t->nfree > 0) {
    i = t->free[--t->nfree];
    assert(t->array[i].obj == NULL);
  } else {
    i = t->len;
    CANON_TRAP_IF(t->store, trap, i > t->max_length, CANON_R_TABLE_ADD_FULL);
    CANON_TRAP_IF(t->store, trap, t->host_max && i > t->host_max,
                  CANON_R_MAX_HANDLES, t->host_max);
    CANON_GROW(t->array, t->len, t->cap, 1);
    t->len++;
  }
  t->array[i].kind = kind;
  t->array[i].obj = obj;
  *out = i;
  return true;
}

/* Table.remove */
bool canon_Table_remove(canon_Table *t, uint32_t i, canon_table_entry *out,
                        canon_trap *trap) {
  if (!canon_Table_get(t, i, out, trap)) return false;
  t->array[i].obj = NULL;
  CANON_GROW(t->free, t->nfree, t->free_cap, 8);
  t->free[t->nfree++] = i;
  return true;
}

/* ResourceHandle.__init__ */
canon_ResourceHandle *canon_ResourceHandle_new(const canon_ResourceType *rt,
                                                 uint32_t rep, bool own,
                                                 canon_borrow_task *scope) {
  canon_ResourceHandle *h = canon_xrealloc(NULL, sizeof *h);
  h->rt = rt;
  h->rep = rep;
  h->own = own;
  h->borrow_scope = scope;
  h->num_lends = 0;
  return h;
}

bool canon_get_resource_handle(canon_Table *t, uint32_t i,
                               const canon_ResourceType *rt,
                               canon_ResourceHandle **out, canon_trap *trap) {
  canon_table_entry e = {0};
  if (!canon_Table_get(t, i, &e, trap)) return false;
  CANON_TRAP_IF(t->store, trap, e.kind != CANON_ENTRY_RESOURCE_HANDLE,
                CANON_R_RESOURCE_NOT_RESOURCE, i);
  canon_ResourceHandle *h = e.obj;
  /* (in the reference tests' words: every resource type of a component
   * is guest-defined) */
  CANON_TRAP_IF(t->store, trap, h->rt != rt, CANON_R_RESOURCE_WRONG_TYPE, i);
  *out = h;
  return true;
}

/* Subtask.add_lender */
void canon_Subtask_add_lender(canon_borrow_subtask *s,
                              canon_ResourceHandle *h) {
  assert(!s->delivered);
  h->num_lends += 1;
  CANON_GROW(s->lenders, s->nlenders, s->cap, 4);
  s->lenders[s->nlenders++] = h;
}

/* Subtask.deliver_resolve */
void canon_borrow_subtask_deliver(canon_borrow_subtask *s) {
  assert(!s->delivered);
  for (uint32_t k = 0; k < s->nlenders; k++) s->lenders[k]->num_lends -= 1;
  free(s->lenders);
  s->lenders = NULL;
  s->nlenders = s->cap = 0;
  s->delivered = true;
}

void canon_borrow_subtask_free(canon_borrow_subtask *s) {
  free(s->lenders);
  memset(s, 0, sizeof *s);
}

/* canon resource.new */
bool canon_Table_resource_new(canon_Table *t, const canon_ResourceType *rt,
                               uint32_t rep, uint32_t *i, canon_trap *trap) {
  canon_ResourceHandle *h = canon_ResourceHandle_new(rt, rep, true, NULL);
  if (!canon_Table_add(t, CANON_ENTRY_RESOURCE_HANDLE, h, i, trap)) {
    free(h);
    return false;
  }
  return true;
}

/* canon resource.drop.  The spec removes the entry and then checks it; we
 * check first and remove after.  The difference is only visible after a
 * trap, which ends the instance, and it keeps a lent handle alive for the
 * subtask that still points at it. */
bool canon_Table_resource_drop(canon_Table *t, const canon_ResourceType *rt,
                                uint32_t i, bool *call_dtor, uint32_t *rep,
                                canon_trap *trap) {
  canon_ResourceHandle *h = NULL;
  if (!canon_get_resource_handle(t, i, rt, &h, trap)) return false;
  CANON_TRAP_IF(t->store, trap, h->num_lends != 0, CANON_R_RESOURCE_DROP_LENT);
  canon_table_entry e = {0};
  canon_Table_remove(t, i, &e, trap);
  *call_dtor = h->own;
  *rep = h->rep;
  if (h->own) {
    assert(h->borrow_scope == NULL);
  } else {
    h->borrow_scope->num_borrows -= 1;
  }
  free(h);
  return true;
}

/* canon resource.rep */
bool canon_Table_resource_rep(canon_Table *t, const canon_ResourceType *rt,
                        uint32_t i, uint32_t *rep, canon_trap *trap) {
  canon_ResourceHandle *h = NULL;
  if (!canon_get_resource_handle(t, i, rt, &h, trap)) return false;
  *rep = h->rep;
  return true;
}

const char *canon_entry_kind_name(canon_entry_kind kind) {
  static const char *const names[] = {CANON_ENTRY_KINDS(CANON_NAME_OF)};
  return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* Wasmtime's words for the same trap_if(not isinstance(e, T)), where it
 * has some: scripts written for it match them by substring. */
static const char *other_words(canon_entry_kind kind) {
  switch (kind) {
  case CANON_ENTRY_ERROR_CONTEXT: return "handle is not an error-context";
  case CANON_ENTRY_SUBTASK: return "handle is not a subtask";
  case CANON_ENTRY_WAITABLE_SET: return "handle is not a waitable-set";
  case CANON_ENTRY_STREAM_READABLE:
    return "handle is not a readable end of a stream";
  case CANON_ENTRY_FUTURE_READABLE:
    return "handle is not a readable end of a future";
  case CANON_ENTRY_THREAD: return "handle is not a guest thread";
  default: return NULL;
  }
}

/* trap_if(not isinstance(x, K)): the rule of the kind asked for */
static canon_rule not_kind_rule(canon_entry_kind kind) {
  switch (kind) {
  case CANON_ENTRY_WAITABLE_SET: return CANON_R_WSET_NOT_WSET;
  case CANON_ENTRY_SUBTASK: return CANON_R_SUBTASK_NOT_SUBTASK;
  case CANON_ENTRY_ERROR_CONTEXT: return CANON_R_ERROR_CONTEXT_NOT;
  case CANON_ENTRY_STREAM_READABLE: return CANON_R_STREAM_READABLE_NOT_END;
  case CANON_ENTRY_STREAM_WRITABLE: return CANON_R_STREAM_WRITABLE_NOT_END;
  case CANON_ENTRY_FUTURE_READABLE: return CANON_R_FUTURE_READABLE_NOT_END;
  case CANON_ENTRY_FUTURE_WRITABLE: return CANON_R_FUTURE_WRITABLE_NOT_END;
  default: return CANON_R_TABLE_WRONG_KIND;
  }
}

bool canon_Table_get_kind(const canon_Table *t, uint32_t i,
                          canon_entry_kind kind, void **obj, canon_trap *trap) {
  canon_table_entry e = {0};
  if (!canon_Table_get(t, i, &e, trap)) return false;
  const char *name = canon_entry_kind_name(kind);
  const char *other = other_words(kind);
  CANON_TRAP_IF(t->store, trap, e.kind != kind, not_kind_rule(kind), i,
                name[0] == 'e' ? "n" : "", name, other ? " (" : "",
                other ? other : "", other ? ")" : "");
  *obj = e.obj;
  return true;
}
