/* canon_call.c -- unit tests of canon/canon_call.c and canon/resource.c:
 * entering and leaving instances (CanonicalABI.md "Component Instances",
 * the P/C1/C2 example), synchronous lift and lower with scripted core
 * callees ("canon lift", "canon lower"), post-return under may_leave,
 * borrow scopes (Task.return_), and resource.drop's destructor call.
 * Expected values come from the spec text, by hand. */
#include "canon/canon_call.h"
#include "canon/handles.h"
#include "canon/resource.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

/* ---- ComponentInstance.may_enter_from / enter_from / leave_to ---------- */

TEST(entering_sets) {
  canon_Store st;
  canon_Store_init(&st);
  canon_ComponentInstance p, c1, c2, c3;
  canon_ComponentInstance_init(&p, &st, NULL);
  canon_ComponentInstance_init(&c1, &st, &p);
  canon_ComponentInstance_init(&c2, &st, &p);
  canon_ComponentInstance_init(&c3, &st, &p);
  /* host --> M1 (in P): entering_set(None) = {P} */
  CHECK(canon_ComponentInstance_may_enter_from(&p, NULL));
  canon_ComponentInstance_enter_from(&p, NULL);
  CHECK(!p.may_enter);
  /* P --> C1: entering_set(P) = {C1} */
  CHECK(canon_ComponentInstance_may_enter_from(&c1, &p));
  canon_ComponentInstance_enter_from(&c1, &p);
  CHECK(!c1.may_enter && !p.may_enter);
  /* C1 --> C2: {C2} */
  CHECK(canon_ComponentInstance_may_enter_from(&c2, &c1));
  canon_ComponentInstance_enter_from(&c2, &c1);
  /* C2 --> M2 (in P): the entering set is empty, no trap */
  CHECK(canon_ComponentInstance_may_enter_from(&p, &c2));
  /* M2 (in P) --> C1 again: {C1}, already entered: trap */
  CHECK(!canon_ComponentInstance_may_enter_from(&c1, &p));
  /* host --> C3 while P is entered: {C3, P}: trap */
  CHECK(!canon_ComponentInstance_may_enter_from(&c3, NULL));
  canon_ComponentInstance_leave_to(&c2, &c1);
  canon_ComponentInstance_leave_to(&c1, &p);
  canon_ComponentInstance_leave_to(&p, NULL);
  CHECK(p.may_enter && c1.may_enter && c2.may_enter && c3.may_enter);
  canon_ComponentInstance_free(&p);
  canon_ComponentInstance_free(&c1);
  canon_ComponentInstance_free(&c2);
  canon_ComponentInstance_free(&c3);
  canon_Store_free(&st);
}

/* ---- scripted core callees ---------------------------------------------- */

typedef struct script {
  canon_guest *g;     /* the callee's guest (memory, instance) */
  int calls, post_calls;
  uint64_t args[8];
  uint32_t nargs;
  uint64_t post_args[4];
  bool post_saw_may_leave;
  uint64_t ret;       /* the core result to return */
  /* resource.drop the borrow handle args[0] before returning */
  const canon_ResourceType *drop_rt;
} script;

static bool record_call(void *env, const uint64_t *args, uint32_t nargs,
                        uint64_t *results, uint32_t nresults,
                        canon_trap *trap) {
  script *s = env;
  s->calls++;
  s->nargs = nargs;
  for (uint32_t i = 0; i < nargs && i < 8; i++) s->args[i] = args[i];
  if (s->drop_rt &&
      !canon_resource_drop(&s->g->inst, s->drop_rt, (uint32_t)args[0], trap))
    return false;
  if (nresults) results[0] = s->ret;
  return true;
}

static bool record_post(void *env, const uint64_t *args, uint32_t nargs,
                        uint64_t *results, uint32_t nresults,
                        canon_trap *trap) {
  (void)results, (void)nresults, (void)trap;
  script *s = env;
  s->post_calls++;
  for (uint32_t i = 0; i < nargs && i < 4; i++) s->post_args[i] = args[i];
  s->post_saw_may_leave = s->g->inst.may_leave;
  return true;
}

/* (func (param "a" u32) (param "b" s8) (result u64)), host to guest */
TEST(lift_scalars_with_post_return) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 4096);
  canon_field ps[] = {{"a", canon_type_prim(CANON_U32)},
                      {"b", canon_type_prim(CANON_S8)}};
  canon_FuncType ft = {ps, 2, canon_type_prim(CANON_U64), false};
  script s = {.g = &g, .ret = 0x1122334455667788ull};
  canon_lifted l = {&ft, &g.opts, &g.inst, {&s, record_call},
                    {&s, record_post}, {NULL, NULL}};
  canon_funcinst f = canon_Store_lift(&l);
  canon_value *args[] = {canon_value_uint(CANON_U32, 7),
                         canon_value_sint(CANON_S8, -1)};
  canon_value **res = NULL;
  uint32_t nres = 0;
  canon_trap trap = {0};
  CHECK(canon_Store_invoke(&g.store, &f, args, 2, &res, &nres, &trap));
  CHECK_INT(s.calls, 1);
  CHECK_INT(s.nargs, 2);
  CHECK_INT(s.args[0], 7);
  /* lower_flat of s8 -1: the i32 bit pattern 0xffffffff */
  CHECK_INT(s.args[1], 0xffffffffu);
  CHECK_INT(nres, 1);
  if (nres == 1) {
    CHECK_INT(res[0]->kind, CANON_U64);
    CHECK(res[0]->u.u == 0x1122334455667788ull);
  }
  /* post-return gets the core results, with may_leave cleared */
  CHECK_INT(s.post_calls, 1);
  CHECK(s.post_args[0] == 0x1122334455667788ull);
  CHECK(!s.post_saw_may_leave);
  CHECK(g.inst.may_leave && g.inst.may_enter);
  for (uint32_t i = 0; i < nres; i++) canon_value_free(res[i]);
  free(res);
  canon_value_free(args[0]);
  canon_value_free(args[1]);
  guest_free(&g);
}

/* (func (result string)): one flat result is too many for a string, so
 * the core function returns a pointer to (ptr, len) in its memory. */
TEST(lift_string_result_through_memory) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 4096);
  canon_FuncType ft = {NULL, 0, canon_type_prim(CANON_STRING), false};
  memcpy(g.mem + 100, "hi!", 3);
  put32(&g, 200, 100);
  put32(&g, 204, 3);
  script s = {.g = &g, .ret = 200};
  canon_lifted l = {&ft, &g.opts, &g.inst, {&s, record_call}, {NULL, NULL},
                    {NULL, NULL}};
  canon_funcinst f = canon_Store_lift(&l);
  canon_value **res = NULL;
  uint32_t nres = 0;
  canon_trap trap = {0};
  CHECK(canon_Store_invoke(&g.store, &f, NULL, 0, &res, &nres, &trap));
  CHECK_INT(nres, 1);
  if (nres == 1) CHECK_STR(res[0]->u.str.utf8, "hi!");
  for (uint32_t i = 0; i < nres; i++) canon_value_free(res[i]);
  free(res);
  /* a misaligned result pointer traps */
  s.ret = 201;
  CHECK(!canon_Store_invoke(&g.store, &f, NULL, 0, &res, &nres, &trap));
  CHECK_STR(trap.msg, "unaligned pointer");
  guest_free(&g);
}

/* A core call in caller guest C of a lowered (func (param "s" string)
 * (result u32)) lifted in guest G: the string is copied from C's memory
 * into G's through G's realloc. */
TEST(lower_string_param_between_guests) {
  canon_guest c, g;
  guest_init(&c, CANON_FLAT_I32, CANON_UTF8, 4096);
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 4096);
  canon_field ps[] = {{"s", canon_type_prim(CANON_STRING)}};
  canon_FuncType ft = {ps, 1, canon_type_prim(CANON_U32), false};
  script s = {.g = &g, .ret = 3};
  canon_lifted l = {&ft, &g.opts, &g.inst, {&s, record_call}, {NULL, NULL},
                    {NULL, NULL}};
  canon_funcinst f = canon_Store_lift(&l);
  memcpy(c.mem + 16, "abc", 3);
  uint64_t flat_args[] = {16, 3};
  canon_core_vec out = {0};
  canon_trap trap = {0};
  c.inst.may_enter = false; /* C is running (Store.lift entered it) */
  CHECK(canon_lower(&f, &c.opts, &c.inst, flat_args, 2, &out, &trap));
  CHECK_INT(out.n, 1);
  if (out.n == 1) CHECK_INT(out.v[0], 3);
  /* G's realloc(0, 0, 1, 3) gave 1024 (the bump start) */
  CHECK_INT(g.ncalls, 1);
  CHECK_INT(g.calls[0].align, 1);
  CHECK_INT(g.calls[0].new_size, 3);
  CHECK_INT(s.args[0], 1024);
  CHECK_INT(s.args[1], 3);
  CHECK(memcmp(g.mem + 1024, "abc", 3) == 0);
  CHECK(g.inst.may_enter);
  canon_core_vec_free(&out);
  /* canon_lower: trap_if(not inst.may_leave) */
  c.inst.may_leave = false;
  CHECK(!canon_lower(&f, &c.opts, &c.inst, flat_args, 2, &out, &trap));
  CHECK_STR(trap.msg, "cannot leave component instance");
  c.inst.may_leave = true;
  /* Store.lift: trap_if(not inst.may_enter_from(caller)) */
  trap = (canon_trap){0};
  g.inst.may_enter = false;
  CHECK(!canon_lower(&f, &c.opts, &c.inst, flat_args, 2, &out, &trap));
  CHECK_STR(trap.msg, "cannot enter component instance");
  canon_core_vec_free(&out);
  guest_free(&c);
  guest_free(&g);
}

/* A borrow lent by C to G must be dropped by G before G returns
 * (Task.return_: trap_if(self.num_borrows > 0)); the lend count comes back
 * after the call (Subtask.deliver_resolve). */
TEST(borrow_scope) {
  canon_guest c, g, r;
  guest_init(&c, CANON_FLAT_I32, CANON_UTF8, 4096);
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 4096);
  guest_init(&r, CANON_FLAT_I32, CANON_UTF8, 4096);
  canon_ResourceType rt = {&r.inst, NULL, "R"}; /* defined by a third */
  canon_type_arena *a = canon_type_arena_new();
  canon_field ps[] = {{"r", canon_type_borrow(a, &rt)}};
  canon_FuncType ft = {ps, 1, NULL, false};
  uint32_t h = 0;
  canon_trap trap = {0};
  CHECK(canon_Table_resource_new(&c.inst.handles, &rt, 42, &h, &trap));
  CHECK_INT(h, 1);
  script s = {.g = &g};
  canon_lifted l = {&ft, &g.opts, &g.inst, {&s, record_call}, {NULL, NULL},
                    {NULL, NULL}};
  canon_funcinst f = canon_Store_lift(&l);
  uint64_t flat_args[] = {h};
  canon_core_vec out = {0};
  c.inst.may_enter = false;
  /* G keeps the borrow: trap at the end of the call */
  CHECK(!canon_lower(&f, &c.opts, &c.inst, flat_args, 1, &out, &trap));
  CHECK_STR(trap.msg, "borrow handles still remain at the end of the call");
  CHECK_INT(s.args[0], 1); /* G's first handle index */
  /* A fresh G that drops it: fine, and C's handle is no longer lent */
  canon_guest g2;
  guest_init(&g2, CANON_FLAT_I32, CANON_UTF8, 4096);
  script s2 = {.g = &g2, .drop_rt = &rt};
  canon_lifted l2 = {&ft, &g2.opts, &g2.inst, {&s2, record_call},
                     {NULL, NULL}, {NULL, NULL}};
  canon_funcinst f2 = canon_Store_lift(&l2);
  trap = (canon_trap){0};
  canon_guest c2;
  guest_init(&c2, CANON_FLAT_I32, CANON_UTF8, 4096);
  CHECK(canon_Table_resource_new(&c2.inst.handles, &rt, 43, &h, &trap));
  CHECK(canon_lower(&f2, &c2.opts, &c2.inst, flat_args, 1, &out, &trap));
  canon_table_entry e;
  CHECK(canon_Table_get(&c2.inst.handles, h, &e, &trap));
  CHECK_INT(((canon_ResourceHandle *)e.obj)->num_lends, 0);
  /* so C2 may drop it now (no destructor: rt.dtor is None) */
  CHECK(canon_resource_drop(&c2.inst, &rt, h, &trap));
  canon_core_vec_free(&out);
  canon_table_entry left;
  /* the handle C lent stays lent (the call trapped: no deliver_resolve) */
  CHECK(canon_Table_get(&c.inst.handles, 1, &left, &trap));
  free(left.obj);
  /* G still holds the borrow handle it never dropped */
  CHECK(canon_Table_get(&g.inst.handles, 1, &left, &trap));
  free(left.obj);
  guest_free(&c);
  guest_free(&c2);
  guest_free(&g);
  guest_free(&g2);
  guest_free(&r);
  canon_type_arena_free(a);
}

/* resource.drop of an owning handle calls the destructor in rt.impl as a
 * sync cross-instance call (so reentrance traps). */
TEST(resource_drop_calls_dtor) {
  canon_guest c, impl;
  guest_init(&c, CANON_FLAT_I32, CANON_UTF8, 4096);
  guest_init(&impl, CANON_FLAT_I32, CANON_UTF8, 4096);
  script s = {.g = &impl};
  canon_core_callee dtor = {&s, record_call};
  canon_ResourceType rt = {&impl.inst, &dtor, "R"};
  canon_trap trap = {0};
  uint32_t h1 = 0, h2 = 0;
  CHECK(canon_resource_new(&c.inst, &rt, 7, &h1, &trap));
  CHECK(canon_resource_new(&c.inst, &rt, 8, &h2, &trap));
  c.inst.may_enter = false;
  CHECK(canon_resource_drop(&c.inst, &rt, h1, &trap));
  CHECK_INT(s.calls, 1);
  CHECK_INT(s.nargs, 1);
  CHECK_INT(s.args[0], 7);
  /* the destructor's instance cannot be reentered */
  impl.inst.may_enter = false;
  CHECK(!canon_resource_drop(&c.inst, &rt, h2, &trap));
  CHECK_STR(trap.msg, "cannot enter component instance");
  CHECK_INT(s.calls, 1);
  /* resource.new and resource.drop trap when may_leave is clear */
  c.inst.may_leave = false;
  trap = (canon_trap){0};
  CHECK(!canon_resource_new(&c.inst, &rt, 9, &h1, &trap));
  CHECK_STR(trap.msg, "cannot leave component instance");
  guest_free(&c);
  guest_free(&impl);
}

int main(void) {
  UNIT_BEGIN;
  RUN(entering_sets);
  RUN(lift_scalars_with_post_return);
  RUN(lift_string_result_through_memory);
  RUN(lower_string_param_between_guests);
  RUN(borrow_scope);
  RUN(resource_drop_calls_dtor);
  return UNIT_END;
}
