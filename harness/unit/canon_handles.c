/* canon_handles.c -- unit tests of canon/handles.c: the Table (index 0
 * reserved, LIFO reuse of freed indices, MAX_LENGTH), resource handles and
 * the table side of resource.new/rep/drop, and the lending rules
 * (CanonicalABI.md "Table State", "Resource State", "Subtask State",
 * `canon resource.*`, lift_own/lift_borrow). */
#include "canon/handles.h"
#include "canon/load_store.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

TEST(table_indices) {
  canon_Table t;
  canon_Table_init(&t);
  canon_trap trap = {0};
  int objs[5];
  uint32_t i = 0;
  canon_table_entry e;
  /* index 0 is reserved: the first add is 1 */
  CHECK(canon_Table_add(&t, CANON_ENTRY_SUBTASK, &objs[0], &i, &trap));
  CHECK_INT(i, 1);
  CHECK(canon_Table_add(&t, CANON_ENTRY_SUBTASK, &objs[1], &i, &trap));
  CHECK_INT(i, 2);
  CHECK(canon_Table_add(&t, CANON_ENTRY_SUBTASK, &objs[2], &i, &trap));
  CHECK_INT(i, 3);
  /* Table.get: trap_if(i >= len(array)), trap_if(array[i] is None) */
  CHECK(!canon_Table_get(&t, 0, &e, &trap));
  CHECK_STR(trap.msg, "unknown handle index 0");
  trap = (canon_trap){0};
  CHECK(!canon_Table_get(&t, 4, &e, &trap));
  CHECK_STR(trap.msg, "unknown handle index 4");
  trap = (canon_trap){0};
  CHECK(!canon_Table_get(&t, 0xFFFFFFFFu, &e, &trap));
  CHECK_STR(trap.msg, "unknown handle index 4294967295");
  trap = (canon_trap){0};
  /* remove 2 then 1: the free list pops the last freed (1) first */
  CHECK(canon_Table_remove(&t, 2, &e, &trap));
  CHECK(e.obj == &objs[1]);
  CHECK(canon_Table_remove(&t, 1, &e, &trap));
  CHECK(!canon_Table_get(&t, 1, &e, &trap)); /* a hole */
  CHECK_INT(trap.kind, CANON_TRAP_UNKNOWN_HANDLE);
  trap = (canon_trap){0};
  CHECK(!canon_Table_remove(&t, 2, &e, &trap)); /* removing twice */
  trap = (canon_trap){0};
  CHECK(canon_Table_add(&t, CANON_ENTRY_WAITABLE_SET, &objs[3], &i, &trap));
  CHECK_INT(i, 1);
  CHECK(canon_Table_add(&t, CANON_ENTRY_WAITABLE_SET, &objs[4], &i, &trap));
  CHECK_INT(i, 2);
  CHECK(canon_Table_get(&t, 2, &e, &trap));
  CHECK(e.kind == CANON_ENTRY_WAITABLE_SET && e.obj == &objs[4]);
  CHECK(canon_Table_add(&t, CANON_ENTRY_SUBTASK, &objs[0], &i, &trap));
  CHECK_INT(i, 4); /* free list empty: append */
  /* trap_if(i > MAX_LENGTH) with a lowered limit: indices 1..4 only */
  t.max_length = 4;
  CHECK(!canon_Table_add(&t, CANON_ENTRY_SUBTASK, &objs[0], &i, &trap));
  CHECK_INT(trap.kind, CANON_TRAP_TABLE_FULL);
  canon_Table_free(&t);
  CHECK_INT(CANON_TABLE_MAX_LENGTH, (1 << 28) - 1);
}

TEST(resource_builtins) {
  canon_Table t;
  canon_Table_init(&t);
  canon_trap trap = {0};
  canon_ResourceType rt = {0}, other = {0};
  uint32_t i = 0, j = 0, rep = 0;
  bool dtor = false;
  /* resource.new: an owning handle */
  CHECK(canon_Table_resource_new(&t, &rt, 42, &i, &trap));
  CHECK_INT(i, 1);
  CHECK(canon_Table_resource_rep(&t, &rt, 1, &rep, &trap));
  CHECK_INT(rep, 42);
  /* resource.rep: trap_if(h.rt is not rt) */
  CHECK(!canon_Table_resource_rep(&t, &other, 1, &rep, &trap));
  CHECK_INT(trap.kind, CANON_TRAP_HANDLE_WRONG_TYPE);
  trap = (canon_trap){0};
  /* trap_if(not isinstance(h, ResourceHandle)) */
  int ws;
  CHECK(canon_Table_add(&t, CANON_ENTRY_WAITABLE_SET, &ws, &j, &trap));
  CHECK(!canon_Table_resource_drop(&t, &rt, j, &dtor, &rep, &trap));
  CHECK_INT(trap.kind, CANON_TRAP_HANDLE_WRONG_TYPE);
  trap = (canon_trap){0};
  /* resource.drop of an own: the destructor gets the rep */
  CHECK(canon_Table_resource_drop(&t, &rt, 1, &dtor, &rep, &trap));
  CHECK(dtor);
  CHECK_INT(rep, 42);
  CHECK(!canon_Table_resource_rep(&t, &rt, 1, &rep, &trap));
  CHECK_STR(trap.msg, "unknown handle index 1");
  canon_Table_free(&t);
}

TEST(lending) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  other_instance impl;
  other_init(&impl);
  canon_ResourceType rt = {.impl = &impl.inst};
  const canon_type *own = canon_type_own(a, &rt);
  const canon_type *bor = canon_type_borrow(a, &rt);
  uint32_t i = 0;
  CHECK(canon_Table_resource_new(&g.inst.handles, &rt, 9, &i, &g.cx.trap));
  /* lift_borrow lends the own handle to the subtask */
  canon_borrow_subtask sub = {0};
  g.cx.borrow_scope.subtask = &sub;
  put32(&g, 0, i);
  canon_value *v = NULL;
  CHECK(canon_load(&g.cx, 0, bor, &v));
  CHECK_INT(v->u.handle.rep, 9);
  canon_value_free(v);
  CHECK(canon_load(&g.cx, 0, bor, &v)); /* lent twice: num_lends 2 */
  canon_value_free(v);
  canon_ResourceHandle *h = NULL;
  CHECK(canon_get_resource_handle(&g.inst.handles, i, &rt, &h, &g.cx.trap));
  CHECK_INT(h->num_lends, 2);
  /* lift_own: trap_if(h.num_lends != 0) */
  CHECK(!canon_load(&g.cx, 0, own, &v));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_HANDLE_LENT);
  CHECK_STR(g.cx.trap.msg, "cannot remove owned resource while borrowed");
  guest_reset(&g);
  /* deliver_resolve gives every lend back */
  canon_borrow_subtask_deliver(&sub);
  CHECK(sub.delivered);
  CHECK_INT(h->num_lends, 0);
  /* a borrow handle (lowered into this instance) cannot be lifted as own */
  canon_borrow_task task = {0};
  g.cx.borrow_scope.task = &task;
  uint32_t bi = 0;
  CHECK(canon_lower_borrow(&g.cx, 11, bor, &bi));
  CHECK_INT(bi, 2);
  CHECK_INT(task.num_borrows, 1);
  put32(&g, 4, bi);
  CHECK(!canon_load(&g.cx, 4, own, &v));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_HANDLE_NOT_OWN);
  guest_reset(&g);
  /* dropping the borrow: no destructor, num_borrows back to 0 */
  bool dtor = true;
  uint32_t rep = 0;
  CHECK(canon_Table_resource_drop(&g.inst.handles, &rt, bi, &dtor, &rep,
                                   &g.cx.trap));
  CHECK(!dtor);
  CHECK_INT(task.num_borrows, 0);
  /* now the own lifts: ownership leaves the table */
  CHECK(canon_load(&g.cx, 0, own, &v));
  CHECK_INT(v->u.handle.rep, 9);
  canon_value_free(v);
  CHECK_INT(g.inst.handles.nfree, 2);
  canon_borrow_subtask_free(&sub);
  other_free(&impl);
  guest_free(&g);
}

int main(void) {
  UNIT_BEGIN;
  RUN(table_indices);
  RUN(resource_builtins);
  RUN(lending);
  return UNIT_END;
}
