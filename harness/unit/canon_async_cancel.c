/* canon_async_cancel.c -- scenario tests of cancellation and of calls to
 * host functions (CanonicalABI.md "canon subtask.cancel", "canon
 * task.cancel", Task.request_cancellation, "canon lower" with async flat
 * parameters).  The scenarios are those of the spec's run_tests.py (see
 * README.md for the pairs); callees are C scripts and host functions
 * (canon_guest.h), and every expected value was derived from the spec by
 * hand. */
#include <string.h>

#include "canon/bits.h"
#include "harness/unit/canon_guest.h"

/* ---- subtask.cancel in every state of the callee ------------------------ */

typedef struct cst {
  sg_scene sc;
  canon_ComponentInstance root, callee, caller;
  uint8_t callee_b[10], caller_b[20];
  sg_mem callee_mem, caller_mem;
  canon_CanonicalOptions callee_opts, sync_callee_opts, caller_opts;
  canon_field param;
  canon_FuncType ft;
  canon_lifted ls[7], lc;
  canon_funcinst callees[7], caller_fi; /* callees[1..6]: callee1..callee6 */
  sg_host host4, host5;
  bool host_fut4, host_fut5;
  sg_table ftbl;
  uint32_t cfi, ncfi;
} cst;

SG_CORE(cst_callee1) {
  SG_BEGIN(cst, callee);
  CHECK(!"callee1 never starts");
  return SG_END;
}

/* waits (cancellably) on an empty set until cancelled, then returns or
 * cancels, at once or after a yield, as args[0] says */
SG_CORE(cst_callee2) {
  SG_BEGIN(cst, callee);
  uint64_t x = args[0];
  uint32_t si = sg_waitable_set_new(&g);
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->callee_mem, si, 0),
            EV_TASK_CANCELLED);
  switch (x) {
  case 1: sg_task_return(&g, SG_U8, &t->callee_opts, 42); break;
  case 2: sg_task_cancel(&g); break;
  case 3:
    sg_thread_yield(&g, true);
    sg_task_return(&g, SG_U8, &t->callee_opts, 43);
    break;
  case 4:
    sg_thread_yield(&g, true);
    sg_task_cancel(&g);
    break;
  default: CHECK(!"unexpected argument");
  }
  return SG_END;
}

SG_CORE(cst_callee3) {
  SG_BEGIN(cst, callee);
  if (sg_thread_yield(&g, true))
    sg_task_cancel(&g);
  else
    sg_task_return(&g, SG_U8, &t->callee_opts, 83);
  return SG_END;
}

/* host 4: takes 42, waits for host_fut4 (a cancellation only wakes it
 * early), gives 43; host 5 waits twice */
static bool cst_host(sg_host_call *c, void *env, canon_trap *trap,
                     bool *fut, int waits) {
  cst *t = env;
  SG_HOST_ARGS(t->sc.u, 1);
  CHECK(n == 1 && args[0]->kind == CANON_U8 && args[0]->u.u == 42);
  sg_host_args_free(args, n);
  for (int i = 0; i < waits; i++) {
    bool cancelled;
    if (!sg_host_wait_until(c, sg_flag_is_set, fut, &cancelled, trap))
      return false;
  }
  canon_value *r = canon_value_uint(CANON_U8, 43);
  bool ok = sg_host_resolve(c, &r, 1, trap);
  canon_value_free(r);
  return ok;
}
static bool cst_host4(sg_host_call *c, void *env, canon_trap *trap) {
  return cst_host(c, env, trap, &((cst *)env)->host_fut4, 1);
}
static bool cst_host5(sg_host_call *c, void *env, canon_trap *trap) {
  return cst_host(c, env, trap, &((cst *)env)->host_fut5, 2);
}

SG_CORE(cst_callee4) {
  SG_BEGIN(cst, callee);
  uint64_t a = 42;
  /* a sync call: the cancellation requested meanwhile stays pending */
  CHECK_INT(sg_lower(&g, &t->host4.fi, &t->sync_callee_opts, &a, 1), 43);
  canon_trap expected = {0};
  CHECK(!canon_task_cancel(&t->callee, &expected));
  uint32_t seti = sg_waitable_set_new(&g);
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->callee_mem, seti, 0),
            EV_TASK_CANCELLED);
  CHECK_INT(sg_waitable_set_poll(&g, true, &t->callee_mem, seti, 0), EV_NONE);
  sg_task_cancel(&g);
  return SG_END;
}

SG_CORE(cst_callee5) {
  SG_BEGIN(cst, callee);
  CHECK_INT(args[0], 13);
  uint64_t a[2] = {42, 0};
  uint32_t subi = sg_lower_subtask(&g, &t->host5.fi, &t->callee_opts,
                                   a, 2, STARTED);
  CHECK_INT(sg_subtask_cancel(&g, false, subi), RETURNED);
  sg_task_return(&g, SG_U8, &t->callee_opts, 44);
  return SG_END;
}

static bool cst_thread(cst *t, bool cancellable, uint64_t mainthreadi,
                       canon_trap *trap) {
  SG_FRAME(t->sc.u, &t->callee);
  uint32_t m = (uint32_t)mainthreadi;
  if (cancellable) {
    CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, true, m), 1);
    CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, true, m), 0);
    sg_task_return(&g, SG_U8, &t->callee_opts, 45);
  } else {
    CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, false, m), 0);
  }
  return SG_END;
}
SG_CORE(cst_cthread) {
  (void)nargs, (void)results, (void)nresults;
  return cst_thread(env, true, args[0], trap);
}
SG_CORE(cst_ncthread) {
  (void)nargs, (void)results, (void)nresults;
  return cst_thread(env, false, args[0], trap);
}

SG_CORE(cst_callee6) {
  SG_BEGIN(cst, callee);
  CHECK_INT(args[0], 14);
  uint32_t mainthreadi = sg_thread_index(&g);
  uint32_t t1 = sg_thread_new_indirect(&g, &t->ftbl, t->ncfi, mainthreadi);
  CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, true, t1), 0);
  uint32_t t2 = sg_thread_new_indirect(&g, &t->ftbl, t->cfi, mainthreadi);
  CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, true, t2), 0);
  uint32_t t3 = sg_thread_new_indirect(&g, &t->ftbl, t->ncfi, mainthreadi);
  CHECK_INT(sg_thread_switch(&g, canon_thread_suspend_then_resume, true, t3), 0);
  CHECK_INT(sg_thread_suspend(&g, false), 0);
  sg_thread_resume_later(&g, t1);
  sg_thread_resume_later(&g, t2);
  sg_thread_resume_later(&g, t3);
  return SG_END;
}

static uint32_t cst_lower(sg *g, cst *t, canon_funcinst *f, uint64_t x,
                          uint32_t expect_state) {
  uint64_t a[2] = {x, 0};
  return sg_lower_subtask(g, f, &t->caller_opts, a, 2, expect_state);
}

/* subtask.cancel (async_ or not) of subi, with the callee's result slot
 * (caller memory 0) set to 13 before: checks what it returns, then what the
 * slot holds (13 if nothing was written). */
static void cst_cancel(sg *g, cst *t, bool async_, uint32_t subi,
                       uint32_t expect_ret, uint8_t expect_slot) {
  unit_ctx *u = t->sc.u;
  t->caller_mem.b[0] = 13;
  CHECK_INT(sg_subtask_cancel(g, async_, subi), expect_ret);
  CHECK_INT(t->caller_mem.b[0], expect_slot);
}

/* The end of a cancellation left pending (subtask.cancel of subi returned
 * BLOCKED): waits on seti (the event at caller memory ptr) for subi to
 * resolve in `state`, checks that the callee's result slot (caller memory
 * 0) holds `slot` (unless slot < 0) and drops subi. */
static void cst_resolved(sg *g, cst *t, uint32_t seti, uint32_t subi,
                         uint64_t ptr, uint32_t state, int slot) {
  unit_ctx *u = t->sc.u;
  sg_waitable_join(g, subi, seti);
  CHECK_INT(sg_wait_event(g, &t->caller_mem, seti, ptr, EV_SUBTASK, subi),
            state);
  if (slot >= 0) CHECK_INT(t->caller_mem.b[0], slot);
  sg_subtask_drop(g, subi);
}

static canon_Subtask_State cst_state(cst *t, uint32_t subi) {
  void *obj = NULL;
  canon_trap trap = {0};
  if (!canon_Table_get_kind(&t->caller.handles, subi, CANON_ENTRY_SUBTASK,
                            &obj, &trap))
    return CANON_SUBTASK_RETURNED;
  return ((canon_Subtask *)obj)->state;
}

SG_CORE(cst_caller) {
  SG_BEGIN(cst, caller);
  uint8_t *mem = t->caller_mem.b;
  CHECK_INT(args[0], 1);
  uint32_t seti = sg_waitable_set_new(&g);

  /* cancelled before they could start */
  t->callee.backpressure = 1;
  uint32_t subi1 = cst_lower(&g, t, &t->callees[1], 13, STARTING);
  uint32_t subi2 = cst_lower(&g, t, &t->callees[1], 13, STARTING);
  CHECK_INT(sg_subtask_cancel(&g, false, subi2), CANCELLED_BEFORE_STARTED);
  CHECK_INT(sg_subtask_cancel(&g, true, subi1), CANCELLED_BEFORE_STARTED);
  t->callee.backpressure = 0;

  subi1 = cst_lower(&g, t, &t->callees[2], 1, STARTED);
  subi2 = cst_lower(&g, t, &t->callees[2], 2, STARTED);
  uint32_t subi3 = cst_lower(&g, t, &t->callees[2], 3, STARTED);
  uint32_t subi3_2 = cst_lower(&g, t, &t->callees[2], 3, STARTED);
  uint32_t subi4 = cst_lower(&g, t, &t->callees[2], 4, STARTED);
  uint32_t subi4_2 = cst_lower(&g, t, &t->callees[2], 4, STARTED);

  /* returns anyway */
  cst_cancel(&g, t, false, subi1, RETURNED, 42);
  sg_subtask_drop(&g, subi1);

  /* cancels */
  cst_cancel(&g, t, true, subi2, CANCELLED_BEFORE_RETURNED, 13);
  sg_subtask_drop(&g, subi2);

  /* returns after a yield: async cancel blocks, the event says RETURNED */
  cst_cancel(&g, t, true, subi3, BLOCKED, 13);
  cst_resolved(&g, t, seti, subi3, 8, RETURNED, 43);

  /* the same, waited for synchronously */
  cst_cancel(&g, t, false, subi3_2, RETURNED, 43);
  sg_subtask_drop(&g, subi3_2);

  /* cancels after a yield */
  cst_cancel(&g, t, true, subi4, BLOCKED, 13);
  cst_resolved(&g, t, seti, subi4, 8, CANCELLED_BEFORE_RETURNED, -1);

  cst_cancel(&g, t, false, subi4_2, CANCELLED_BEFORE_RETURNED, 13);
  sg_subtask_drop(&g, subi4_2);

  /* callee3 left alone returns; cancelled at its yield, it cancels */
  mem[0] = 13;
  uint32_t subi = cst_lower(&g, t, &t->callees[3], 0, STARTED);
  while (g.ok && cst_state(t, subi) == CANON_SUBTASK_STARTED)
    sg_thread_yield(&g, true);
  CHECK_INT(sg_subtask_cancel(&g, true, subi), RETURNED);
  CHECK_INT(mem[0], 83);
  sg_subtask_drop(&g, subi);

  mem[0] = 13;
  subi = cst_lower(&g, t, &t->callees[3], 0, STARTED);
  CHECK_INT(sg_subtask_cancel(&g, true, subi), CANCELLED_BEFORE_RETURNED);
  CHECK_INT(mem[0], 13);
  sg_subtask_drop(&g, subi);

  /* callee4 is in a sync call to the host: the cancel stays pending */
  mem[0] = 13;
  subi = cst_lower(&g, t, &t->callees[4], 0, STARTED);
  CHECK_INT(sg_subtask_cancel(&g, true, subi), BLOCKED);
  CHECK_INT(mem[0], 13);
  t->host_fut4 = true;
  cst_resolved(&g, t, seti, subi, 4, CANCELLED_BEFORE_RETURNED, 13);

  /* callee5 is in subtask.cancel (sync) of a host call */
  subi = cst_lower(&g, t, &t->callees[5], 13, STARTED);
  CHECK_INT(sg_subtask_cancel(&g, true, subi), BLOCKED);
  CHECK_INT(mem[0], 13);
  t->host_fut5 = true;
  cst_resolved(&g, t, seti, subi, 4, RETURNED, 44);

  /* callee6: the cancellation goes to its one cancellable thread */
  subi = cst_lower(&g, t, &t->callees[6], 14, STARTED);
  CHECK_INT(sg_subtask_cancel(&g, true, subi), BLOCKED);
  cst_resolved(&g, t, seti, subi, 4, RETURNED, 45);

  sg_waitable_set_drop(&g, seti);
  sg_task_return(&g, SG_U8, &t->caller_opts, 42);
  return SG_END;
}

TEST(cancel_subtask) {
  SG_SCENARIO_BEGIN(cst, &t->root, &t->callee, &t->caller);
  sg_mem_init(&t->callee_mem, t->callee_b, sizeof t->callee_b);
  sg_mem_init(&t->caller_mem, t->caller_b, sizeof t->caller_b);
  t->callee_opts = sg_opts(&t->callee_mem, false, true);
  t->sync_callee_opts = sg_opts(&t->callee_mem, false, false);
  t->caller_opts = sg_opts(&t->caller_mem, false, true);
  t->param = (canon_field){"x", SG_U8};
  t->ft = (canon_FuncType){&t->param, 1, SG_U8, true};
  static const sg_core_fn callees[7] = {
      NULL, cst_callee1, cst_callee2, cst_callee3, cst_callee4, cst_callee5,
      cst_callee6};
  for (int i = 1; i <= 6; i++)
    t->callees[i] = sg_lift(&t->ls[i], &t->ft, &t->callee_opts, &t->callee,
                            callees[i], NULL, t);
  t->caller_fi = sg_lift(&t->lc, &t->ft, &t->caller_opts, &t->caller,
                         cst_caller, NULL, t);
  sg_host_init(&t->host4, &t->sc, &t->ft, cst_host4, t);
  sg_host_init(&t->host5, &t->sc, &t->ft, cst_host5, t);
  sg_table_init(&t->ftbl);
  t->cfi = sg_table_add(&t->ftbl, cst_cthread, t);
  t->ncfi = sg_table_add(&t->ftbl, cst_ncthread, t);
  sg_scene_run_uint(&t->sc, &t->caller_fi, canon_value_uint(CANON_U8, 1),
                    CANON_U8, 42);
  SG_SCENARIO_END;
}

/* ---- async lowering flattens at most 4 parameters ------------------------ */

typedef struct afp {
  sg_scene sc;
  canon_ComponentInstance inst;
  uint8_t heap_b[1000];
  sg_mem heap;
  canon_CanonicalOptions opts;
  canon_field ps1[4], ps2[4], ps3[5];
  canon_FuncType ft1, ft2, ft3, ft;
  sg_host f1, f2, f3;
  canon_lifted l;
  canon_funcinst fi;
} afp;

/* takes the arguments, checks them against want (unsigned ones) or the
 * floats of f1, resolves with nothing */
static bool afp_host(sg_host_call *c, afp *t, const uint64_t *want,
                     uint32_t nwant, canon_trap *trap) {
  SG_HOST_ARGS(t->sc.u, nwant);
  if (!want && n == 4) {
    CHECK(args[0]->kind == CANON_F32 && args[0]->u.f32 == 1.1f);
    CHECK(args[1]->kind == CANON_F64 && args[1]->u.f64 == 2.2);
    CHECK(args[2]->kind == CANON_U32 && args[2]->u.u == 3);
    CHECK(args[3]->kind == CANON_S64 && args[3]->u.s == 4);
  }
  for (uint32_t i = 0; want && i < n && i < nwant; i++)
    CHECK_INT(args[i]->u.u, want[i]);
  sg_host_args_free(args, n);
  return sg_host_resolve(c, NULL, 0, trap);
}
static bool afp_f1(sg_host_call *c, void *env, canon_trap *trap) {
  return afp_host(c, env, NULL, 4, trap);
}
static bool afp_f2(sg_host_call *c, void *env, canon_trap *trap) {
  static const uint64_t want[] = {1, 2, 3, 4};
  return afp_host(c, env, want, 4, trap);
}
static bool afp_f3(sg_host_call *c, void *env, canon_trap *trap) {
  static const uint64_t want[] = {1, 2, 3, 4, 5};
  return afp_host(c, env, want, 5, trap);
}


SG_CORE(afp_core) {
  SG_BEGIN(afp, inst);
  uint64_t a1[4] = {canon_f32_bits(1.1f), canon_f64_bits(2.2), 3, 4};
  CHECK_INT(sg_lower(&g, &t->f1.fi, &t->opts, a1, 4), RETURNED);
  uint64_t a2[4] = {1, 2, 3, 4};
  CHECK_INT(sg_lower(&g, &t->f2.fi, &t->opts, a2, 4), RETURNED);
  /* five parameters: more than MAX_FLAT_ASYNC_PARAMS, so in memory */
  static const uint8_t tuple[8] = {1, 0, 0, 0, 2, 3, 4, 5};
  memcpy(t->heap.b + 12, tuple, sizeof tuple);
  uint64_t a3 = 12;
  CHECK_INT(sg_lower(&g, &t->f3.fi, &t->opts, &a3, 1), RETURNED);
  sg_task_return(&g, NULL, &t->opts, 0);
  return SG_END;
}

TEST(async_flat_params) {
  SG_SCENARIO_BEGIN(afp, &t->inst);
  sg_mem_init(&t->heap, t->heap_b, sizeof t->heap_b);
  t->opts = sg_opts(&t->heap, true, true);
  t->ps1[0] = (canon_field){"a", canon_type_prim(CANON_F32)};
  t->ps1[1] = (canon_field){"b", canon_type_prim(CANON_F64)};
  t->ps1[2] = (canon_field){"c", SG_U32};
  t->ps1[3] = (canon_field){"d", canon_type_prim(CANON_S64)};
  static const char *const names[] = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; i++) {
    const canon_type *ty = i == 0 ? SG_U32 : SG_U8;
    if (i < 4) t->ps2[i] = (canon_field){names[i], ty};
    t->ps3[i] = (canon_field){names[i], ty};
  }
  t->ft1 = (canon_FuncType){t->ps1, 4, NULL, false};
  t->ft2 = (canon_FuncType){t->ps2, 4, NULL, false};
  t->ft3 = (canon_FuncType){t->ps3, 5, NULL, false};
  t->ft = (canon_FuncType){NULL, 0, NULL, false};
  sg_host_init(&t->f1, &t->sc, &t->ft1, afp_f1, t);
  sg_host_init(&t->f2, &t->sc, &t->ft2, afp_f2, t);
  sg_host_init(&t->f3, &t->sc, &t->ft3, afp_f3, t);
  t->fi = sg_lift(&t->l, &t->ft, &t->opts, &t->inst, afp_core, NULL, t);
  sg_scene_run(&t->sc, &t->fi, NULL, 0, NULL);
  CHECK_INT(t->f1.ncalls + t->f2.ncalls + t->f3.ncalls, 3);
  SG_SCENARIO_END;
}

int main(void) {
  UNIT_BEGIN;
  RUN(cancel_subtask);
  RUN(async_flat_params);
  return UNIT_END;
}
