/* canon_scenarios_sync.c -- the spec's run_tests.py scenarios outside the
 * async layer (see README.md for the pairs): a realloc called while
 * lowering a cross-component call's results (LiftLowerContext.reallocate
 * runs it as a task of its own), and handles lowered, lent, dropped and
 * returned across a call (CanonicalABI.md "Handle State", lift_own,
 * lift_borrow, lower_own, lower_borrow, resource.new/drop/rep).  Every
 * expected value was derived from the spec by hand. */
#include "harness/unit/canon_guest.h"
#include "canon/resource.h"

#include <string.h>

/* ---- realloc, called while lowering results, runs as its own task ------ */

typedef struct ccr {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  uint8_t pmem_b[16], cmem_b[24];
  sg_mem pmem, cmem;
  canon_CanonicalOptions popts, copts, lift_opts;
  canon_realloc consumer_realloc;
  canon_FuncType ft, cft;
  canon_lifted pl, cl;
  canon_funcinst producer_fi, consumer_fi;
  canon_Thread *consumer_thread;
  int num_realloc_calls;
} ccr;

SG_CORE(ccr_producer) {
  SG_BEGIN(ccr, producer);
  CHECK_INT(nargs, 0);
  sg_context_set(&g, 0, 0xdead);
  uint64_t buf = 0, retp = 0;
  CHECK(sg_mem_realloc(&t->pmem, 0, 0, 1, 3, &buf, trap));
  t->pmem.b[buf] = 0xa, t->pmem.b[buf + 1] = 0xb, t->pmem.b[buf + 2] = 0xc;
  CHECK(sg_mem_realloc(&t->pmem, 0, 0, 4, 8, &retp, trap));
  t->pmem.b[retp] = (uint8_t)buf;
  t->pmem.b[retp + 4] = 3;
  results[0] = retp;
  return SG_END;
}

/* The consumer's realloc: the spec runs it with canon_lift as a new sync
 * task of the consumer instance (LiftLowerContext.reallocate), so it has
 * its own thread and context, and no thread index. */
static bool ccr_realloc(void *env, uint64_t old, uint64_t old_size,
                        uint64_t align, uint64_t new_size, uint64_t *out,
                        canon_trap *trap) {
  ccr *t = env;
  unit_ctx *u = t->sc.u;
  t->num_realloc_calls++;
  canon_Thread *th = t->sc.s.current;
  CHECK(!t->consumer.may_enter);
  CHECK(!t->consumer.may_leave);
  /* LiftLowerContext.reallocate (definitions.py 673-688): a new sync task
   * of the consumer instance, on a thread of its own */
  CHECK(th && th->task->inst == &t->consumer);
  if (th && th->task->inst == &t->consumer) {
    CHECK(th != t->consumer_thread);
    CHECK(th->task != t->consumer_thread->task);
    /* a fresh thread: context 0, 0; context.set stays in it */
    uint64_t v = 1;
    CHECK(canon_context_get(&t->consumer, 0, &v, trap) && v == 0);
    CHECK(canon_context_get(&t->consumer, 1, &v, trap) && v == 0);
    CHECK(canon_context_set(&t->consumer, 0, 0xfeed, trap));
    CHECK(canon_context_get(&t->consumer, 0, &v, trap) && v == 0xfeed);
    /* thread.index traps (may_leave is cleared) */
    uint32_t i;
    canon_trap expected = {0};
    CHECK(!canon_thread_index(&t->consumer, &i, &expected));
  }
  return sg_mem_realloc(&t->cmem, old, old_size, align, new_size, out, trap);
}

SG_CORE(ccr_consumer) {
  SG_BEGIN(ccr, consumer);
  uint8_t *mem = t->cmem.b;
  CHECK_INT(nargs, 0);
  t->consumer_thread = t->sc.s.current;
  sg_context_set(&g, 0, 42);
  sg_context_set(&g, 1, 43);
  uint64_t retp = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 4, 8, &retp, trap));
  CHECK_INT(t->num_realloc_calls, 0);
  sg_lower(&g, &t->producer_fi, &t->copts, &retp, 1);
  CHECK_INT(t->num_realloc_calls, 1);
  CHECK_INT(sg_context_get(&g, 0), 42);
  CHECK_INT(sg_context_get(&g, 1), 43);
  uint32_t ptr = mem[retp], length = mem[retp + 4];
  CHECK_INT(length, 3);
  CHECK(ptr + 3 <= sizeof t->cmem_b && mem[ptr] == 0xa &&
        mem[ptr + 1] == 0xb && mem[ptr + 2] == 0xc);
  return SG_END;
}

TEST(cross_component_realloc) {
  SG_SCENARIO_BEGIN(ccr, &t->root, &t->producer, &t->consumer);
  sg_mem_init(&t->pmem, t->pmem_b, sizeof t->pmem_b);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  t->popts = sg_opts(&t->pmem, false, false);
  t->consumer_realloc = (canon_realloc){t, ccr_realloc};
  t->copts = sg_opts(&t->cmem, false, false);
  t->copts.realloc = &t->consumer_realloc;
  t->lift_opts = sg_opts(NULL, false, false);
  t->ft = (canon_FuncType){NULL, 0, canon_type_list(t->sc.arena, SG_U8), false};
  t->cft = (canon_FuncType){NULL, 0, NULL, false};
  t->producer_fi = sg_lift(&t->pl, &t->ft, &t->popts, &t->producer,
                           ccr_producer, NULL, t);
  t->consumer_fi = sg_lift(&t->cl, &t->cft, &t->lift_opts, &t->consumer,
                           ccr_consumer, NULL, t);
  CHECK(sg_run(&t->sc.s, &t->consumer_fi, NULL, 0, NULL));
  CHECK_INT(t->num_realloc_calls, 1);
  SG_SCENARIO_END;
}

/* ---- own and borrow handles across a call -------------------------------- */

typedef struct hdl {
  sg_scene sc;
  canon_ComponentInstance root, impl, inst;
  canon_ResourceType rt, rt2;
  canon_core_callee dtor;
  uint8_t mem_b[16];
  sg_mem mem;
  canon_CanonicalOptions opts;
  canon_field host_ps[2], ps[4];
  canon_FuncType host_ft, ft;
  sg_host host;
  canon_lifted l;
  canon_funcinst fi;
  bool dtor_called;
  uint64_t dtor_value;
} hdl;

static bool hdl_dtor(void *env, const uint64_t *args, uint32_t nargs,
                     uint64_t *results, uint32_t nresults, canon_trap *trap) {
  (void)results, (void)nresults, (void)trap;
  hdl *t = env;
  unit_ctx *u = t->sc.u;
  CHECK_INT(nargs, 1);
  t->dtor_called = true;
  t->dtor_value = args[0];
  return true;
}

static bool hdl_host(sg_host_call *c, void *env, canon_trap *trap) {
  hdl *t = env;
  SG_HOST_ARGS(t->sc.u, 2);
  CHECK(n == 2 && args[0]->kind == CANON_BORROW && args[0]->u.handle.rep == 42);
  CHECK(n == 2 && args[1]->kind == CANON_BORROW && args[1]->u.handle.rep == 44);
  sg_host_args_free(args, n);
  canon_value *r = canon_value_handle(CANON_OWN, 45, &t->rt);
  bool ok = sg_host_resolve(c, &r, 1, trap);
  canon_value_free(r);
  return ok;
}

static uint32_t hdl_rep(sg *g, hdl *t, uint32_t h) {
  uint32_t rep = 0;
  if (g->ok)
    sg_done(g, canon_resource_rep(&t->inst, &t->rt, h, &rep, g->trap));
  return rep;
}

SG_CORE(hdl_core) {
  SG_BEGIN(hdl, inst);
  canon_Table *tab = &t->inst.handles;
  CHECK_INT(nargs, 4);
  CHECK_INT(tab->len, 4);
  CHECK(tab->array[0].obj == NULL);
  CHECK_INT(args[0], 1);
  CHECK_INT(args[1], 2);
  CHECK_INT(args[2], 3);
  CHECK_INT(args[3], 13);
  uint32_t h1 = (uint32_t)args[0], h2 = (uint32_t)args[1],
           h3 = (uint32_t)args[2];
  CHECK_INT(hdl_rep(&g, t, h1), 42);
  CHECK_INT(hdl_rep(&g, t, h2), 43);
  CHECK_INT(hdl_rep(&g, t, h3), 44);

  uint64_t a[2] = {h1, h3};
  uint32_t h4 = (uint32_t)sg_lower(&g, &t->host.fi, &t->opts, a, 2);
  CHECK_INT(h4, 4);
  CHECK_INT(hdl_rep(&g, t, h4), 45);

  t->dtor_called = false;
  if (g.ok) sg_done(&g, canon_resource_drop(&t->inst, &t->rt, h1, trap));
  CHECK(t->dtor_called && t->dtor_value == 42);
  CHECK_INT(tab->len, 5);
  CHECK(tab->array[h1].obj == NULL);
  CHECK_INT(tab->nfree, 1);

  uint32_t h = 0;
  if (g.ok) sg_done(&g, canon_resource_new(&t->inst, &t->rt, 46, &h, trap));
  CHECK_INT(h, h1);
  CHECK_INT(tab->len, 5);
  CHECK(tab->array[h].obj != NULL);
  CHECK_INT(tab->nfree, 0);

  /* a borrow handle: no destructor */
  t->dtor_called = false;
  if (g.ok) sg_done(&g, canon_resource_drop(&t->inst, &t->rt, h3, trap));
  CHECK(!t->dtor_called);
  CHECK_INT(tab->len, 5);
  CHECK(tab->array[h3].obj == NULL);
  CHECK_INT(tab->nfree, 1);

  /* [h, h2, h4]: three flat results are more than MAX_FLAT_RESULTS (the
   * spec's test raises it to 16 for this; cmref's is the spec's 1), so
   * they are returned through memory */
  uint8_t *m = t->mem.b;
  uint32_t vs[3] = {h, h2, h4};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 4; k++) m[4 * i + k] = (uint8_t)(vs[i] >> (8 * k));
  results[0] = 0;
  return SG_END;
}

TEST(handles) {
  SG_SCENARIO_BEGIN(hdl, &t->root, &t->impl, &t->inst);
  t->dtor = (canon_core_callee){t, hdl_dtor};
  /* rt is defined by another instance (usable in imports and exports);
   * rt2 by inst itself */
  t->rt = (canon_ResourceType){&t->impl, &t->dtor, "rt"};
  t->rt2 = (canon_ResourceType){&t->inst, &t->dtor, "rt2"};
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->opts = sg_opts(&t->mem, false, false);
  const canon_type *own = canon_type_own(t->sc.arena, &t->rt);
  const canon_type *borrow = canon_type_borrow(t->sc.arena, &t->rt);
  const canon_type *borrow2 = canon_type_borrow(t->sc.arena, &t->rt2);
  t->host_ps[0] = (canon_field){"a", borrow};
  t->host_ps[1] = (canon_field){"b", borrow};
  t->host_ft = (canon_FuncType){t->host_ps, 2, own, false};
  t->ps[0] = (canon_field){"a", own};
  t->ps[1] = (canon_field){"b", own};
  t->ps[2] = (canon_field){"c", borrow};
  t->ps[3] = (canon_field){"d", borrow2};
  const canon_type *three[3] = {own, own, own};
  t->ft = (canon_FuncType){t->ps, 4, canon_type_tuple(t->sc.arena, three, 3),
                           false};
  sg_host_init(&t->host, &t->sc, &t->host_ft, hdl_host, t);
  t->fi = sg_lift(&t->l, &t->ft, &t->opts, &t->inst, hdl_core, NULL, t);
  canon_value *args[4] = {canon_value_handle(CANON_OWN, 42, &t->rt),
                          canon_value_handle(CANON_OWN, 43, &t->rt),
                          canon_value_handle(CANON_BORROW, 44, &t->rt),
                          canon_value_handle(CANON_BORROW, 13, &t->rt2)};
  canon_value *got = NULL;
  CHECK(sg_run(&t->sc.s, &t->fi, args, 4, &got));
  if (CHECK(got && got->kind == CANON_TUPLE && got->u.list.n == 3)) {
    CHECK_INT(got->u.list.items[0]->u.handle.rep, 46);
    CHECK_INT(got->u.list.items[1]->u.handle.rep, 43);
    CHECK_INT(got->u.list.items[2]->u.handle.rep, 45);
  }
  CHECK_INT(t->inst.handles.len, 5);
  for (uint32_t i = 0; i < t->inst.handles.len; i++)
    CHECK(t->inst.handles.array[i].obj == NULL);
  CHECK_INT(t->inst.handles.nfree, 4);
  for (int i = 0; i < 4; i++) canon_value_free(args[i]);
  canon_value_free(got);
  SG_SCENARIO_END;
}

/* ---- a value passed to a callee that returns it comes back equal ------- */

/* The six values of the scenario, each with its type. */
enum { RT_S8, RT_TUPLE, RT_LIST_STRING, RT_LIST_LIST, RT_LIST_OPTION,
       RT_VARIANT, RT_NCASES };

typedef struct rtp {
  sg_scene sc;
  canon_ComponentInstance inst;
  sg_mem heap;
  int which;
} rtp;

static canon_value *str(const char *s) { return canon_value_string(s, strlen(s)); }
static canon_value *tup(uint32_t n, canon_value *const *items) {
  return canon_value_list_of(CANON_TUPLE, n, items);
}
static canon_value *lst(uint32_t n, canon_value *const *items) {
  return canon_value_list_of(CANON_LIST, n, items);
}

static void rt_case(canon_type_arena *a, int which, const canon_type **t,
                    canon_value **v) {
  const canon_type *string = canon_type_prim(CANON_STRING);
  const canon_type *u16 = canon_type_prim(CANON_U16);
  switch (which) {
  case RT_S8:
    *t = canon_type_prim(CANON_S8);
    *v = canon_value_sint(CANON_S8, -1);
    break;
  case RT_TUPLE: {
    const canon_type *ts[2] = {u16, u16};
    *t = canon_type_tuple(a, ts, 2);
    canon_value *vs[2] = {canon_value_uint(CANON_U16, 3),
                          canon_value_uint(CANON_U16, 4)};
    *v = tup(2, vs);
    break;
  }
  case RT_LIST_STRING: {
    *t = canon_type_list(a, string);
    canon_value *vs[1] = {str("hello there")};
    *v = lst(1, vs);
    break;
  }
  case RT_LIST_LIST: {
    *t = canon_type_list(a, canon_type_list(a, string));
    canon_value *v1[2] = {str("one"), str("two")}, *v2[1] = {str("three")};
    canon_value *vs[2] = {lst(2, v1), lst(1, v2)};
    *v = lst(2, vs);
    break;
  }
  case RT_LIST_OPTION: {
    const canon_type *ts[2] = {string, u16};
    *t = canon_type_list(a, canon_type_option(a, canon_type_tuple(a, ts, 2)));
    canon_value *pair[2] = {str("answer"), canon_value_uint(CANON_U16, 42)};
    canon_value *vs[1] = {canon_value_variant(CANON_OPTION, "some",
                                              tup(2, pair))};
    *v = lst(1, vs);
    break;
  }
  default: {
    const canon_type *ts[17];
    canon_value *vs[17];
    for (int i = 0; i < 16; i++) {
      ts[i] = SG_U32;
      vs[i] = canon_value_uint(CANON_U32, (uint64_t)i + 1);
    }
    ts[16] = string;
    vs[16] = str("wat");
    canon_case c = {"x", canon_type_tuple(a, ts, 17)};
    *t = canon_type_variant(a, &c, 1);
    *v = canon_value_variant(CANON_VARIANT, "x", tup(17, vs));
    break;
  }
  }
}

/* `return x`.  The spec's test raises MAX_FLAT_RESULTS to 16 so that the
 * flat parameters are the flat results; with cmref's (the spec's) 1, a
 * result of more than one flat value goes through memory, so the callee
 * stores its flat parameters there: two u16 for the tuple, (ptr, len)
 * for the lists.  The s8 and the variant (whose 19 flat parameters are
 * passed by pointer, and so returned by the same pointer) are returned
 * as they came. */
SG_CORE(rt_callee) {
  SG_BEGIN(rtp, inst);
  CHECK_INT(nresults, 1);
  uint8_t *m = t->heap.b;
  uint32_t ps = t->heap.m.addrtype == CANON_FLAT_I64 ? 8 : 4;
  uint64_t p = 0;
  switch (t->which) {
  case RT_S8:
  case RT_VARIANT:
    CHECK_INT(nargs, 1);
    results[0] = args[0];
    break;
  case RT_TUPLE:
    CHECK_INT(nargs, 2);
    if (!sg_mem_realloc(&t->heap, 0, 0, 2, 4, &p, trap)) return false;
    for (int i = 0; i < 2; i++) {
      m[p + 2 * i] = (uint8_t)args[i];
      m[p + 2 * i + 1] = (uint8_t)(args[i] >> 8);
    }
    results[0] = p;
    break;
  default:
    CHECK_INT(nargs, 2);
    if (!sg_mem_realloc(&t->heap, 0, 0, ps, 2 * ps, &p, trap)) return false;
    for (uint32_t i = 0; i < 2; i++)
      for (uint32_t k = 0; k < ps; k++)
        m[p + i * ps + k] = (uint8_t)(args[i] >> (8 * k));
    results[0] = p;
    break;
  }
  return SG_END;
}

TEST(roundtrips) {
  for (int at = 0; at < 2; at++)
    for (int which = 0; which < RT_NCASES; which++) {
      uint8_t *bytes = calloc(1000, 1);
      rtp t = {.which = which};
      sg_scene_init(&t.sc, u, &t.inst, NULL);
      sg_mem_init(&t.heap, bytes, 1000);
      t.heap.m.addrtype = at ? CANON_FLAT_I64 : CANON_FLAT_I32;
      canon_CanonicalOptions opts = sg_opts(&t.heap, true, false);
      const canon_type *ty = NULL;
      canon_value *v = NULL;
      rt_case(t.sc.arena, which, &ty, &v);
      canon_field param = {"x", ty};
      canon_FuncType ft = {&param, 1, ty, false};
      canon_lifted l;
      canon_funcinst fi = sg_lift(&l, &ft, &opts, &t.inst, rt_callee, NULL, &t);
      canon_value *got = NULL;
      if (!CHECK(sg_run(&t.sc.s, &fi, &v, 1, &got)) ||
          !CHECK(got && canon_value_equal(got, v)))
        fprintf(stderr, "    case %d, %s memory\n", which, at ? "i64" : "i32");
      canon_value_free(v);
      canon_value_free(got);
      sg_scene_free(&t.sc);
      free(bytes);
    }
}

int main(void) {
  UNIT_BEGIN;
  RUN(roundtrips);
  RUN(cross_component_realloc);
  RUN(handles);
  return UNIT_END;
}
