/* canon_async_calls.c -- scenario tests of async calls between component
 * instances (CanonicalABI.md "canon lift", "canon lower", "Tasks",
 * "Subtask State", "canon waitable-set.wait/poll", "canon backpressure"):
 * async to async, callbacks, async to sync, backpressure, sync callers
 * that ignore it.  The scenarios are those of the spec's run_tests.py
 * (see README.md for the pairs); callees are C scripts (canon_guest.h)
 * and every expected value was derived from the spec by hand. */
#include "harness/unit/canon_guest.h"

/* ---- async caller, three async callees (eager, toggling backpressure,
 * blocking) ----------------------------------------------------------- */

typedef struct a2a {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  uint8_t pmem_b[10], cmem_b[20];
  sg_mem pmem, cmem;
  canon_CanonicalOptions popts, copts;
  canon_FuncType eager_ft, toggle_ft, blocking_ft, ft;
  canon_field u8_param, bool_param;
  canon_lifted eager_l, toggle_l, blocking_l, consumer_l;
  canon_funcinst eager, toggle, blocking, consumer_fi;
  bool fut1_1, fut1_2, fut2, fut3, fut4;
} a2a;

SG_CORE(a2a_eager) {
  SG_BEGIN(a2a, producer);
  CHECK_INT(nargs, 0);
  sg_task_return(&g, SG_U8, &t->popts, 43);
  return SG_END;
}

SG_CORE(a2a_toggle) {
  SG_BEGIN(a2a, producer);
  CHECK_INT(nargs, 0);
  sg_backpressure_inc(&g);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1_1);
  sg_task_return(&g, NULL, &t->popts, 0);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1_2);
  sg_backpressure_dec(&g);
  return SG_END;
}

SG_CORE(a2a_blocking) {
  SG_BEGIN(a2a, producer);
  CHECK_INT(nargs, 1);
  CHECK_INT(args[0], 83);
  sg_wait_until(&g, sg_flag_is_set, &t->fut2);
  sg_task_return(&g, SG_U8, &t->popts, 44);
  sg_wait_until(&g, sg_flag_is_set, &t->fut3);
  t->fut4 = true;
  return SG_END;
}

SG_CORE(a2a_consumer) {
  SG_BEGIN(a2a, consumer);
  uint8_t *mem = t->cmem.b;
  CHECK_INT(nargs, 1);
  CHECK_INT(args[0], 1); /* on_start gave True */
  uint32_t seti = sg_waitable_set_new(&g);
  uint64_t ptr = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 1, 1, &ptr, trap));
  /* eager: resolves during the call, so no subtask */
  uint64_t ret = sg_lower(&g, &t->eager, &t->copts, &ptr, 1);
  CHECK_INT(ret, RETURNED);
  CHECK_INT(mem[ptr], 43);
  /* toggle: started, then blocked with backpressure set */
  uint32_t subi1 = sg_lower_subtask(&g, &t->toggle, &t->copts,
                                    NULL, 0, STARTED);
  CHECK_INT(subi1, 2);
  sg_waitable_join(&g, subi1, seti);
  /* blocking: cannot start while the producer has backpressure */
  uint64_t retp = ptr;
  mem[retp] = 13;
  uint64_t bargs[2] = {83, retp};
  uint32_t subi2 = sg_lower_subtask(&g, &t->blocking, &t->copts,
                                    bargs, 2, STARTING);
  CHECK_INT(subi2, 3);
  CHECK_INT(mem[retp], 13);
  sg_waitable_join(&g, subi2, seti);
  t->fut1_1 = true;

  uint64_t waitretp = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 8, 4, &waitretp, trap));
  CHECK_INT(sg_wait_event(&g, &t->cmem, seti, waitretp, EV_SUBTASK, subi1),
            RETURNED);
  sg_subtask_drop(&g, subi1);
  t->fut1_2 = true;

  CHECK_INT(sg_wait_event(&g, &t->cmem, seti, waitretp, EV_SUBTASK, subi2),
            STARTED);
  CHECK_INT(mem[retp], 13);
  t->fut2 = true;

  CHECK_INT(sg_wait_event(&g, &t->cmem, seti, waitretp, EV_SUBTASK, subi2),
            RETURNED);
  CHECK_INT(mem[retp], 44);
  sg_subtask_drop(&g, subi2);
  t->fut3 = true;
  sg_wait_until(&g, sg_flag_is_set, &t->fut4);

  sg_task_return(&g, SG_U8, &t->copts, 42);
  return SG_END;
}

TEST(async_to_async) {
  SG_SCENARIO_BEGIN(a2a, &t->root, &t->producer, &t->consumer);
  sg_mem_init(&t->pmem, t->pmem_b, sizeof t->pmem_b);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  t->popts = sg_opts(&t->pmem, false, true);
  t->copts = sg_opts(&t->cmem, false, true);
  t->u8_param = (canon_field){"x", SG_U8};
  t->bool_param = (canon_field){"b", canon_type_prim(CANON_BOOL)};
  t->eager_ft = (canon_FuncType){NULL, 0, SG_U8, true};
  t->toggle_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->blocking_ft = (canon_FuncType){&t->u8_param, 1, SG_U8, true};
  t->ft = (canon_FuncType){&t->bool_param, 1, SG_U8, true};
  t->eager = sg_lift(&t->eager_l, &t->eager_ft, &t->popts, &t->producer,
                     a2a_eager, NULL, t);
  t->toggle = sg_lift(&t->toggle_l, &t->toggle_ft, &t->popts, &t->producer,
                      a2a_toggle, NULL, t);
  t->blocking = sg_lift(&t->blocking_l, &t->blocking_ft, &t->popts,
                        &t->producer, a2a_blocking, NULL, t);
  t->consumer_fi = sg_lift(&t->consumer_l, &t->ft, &t->copts, &t->consumer,
                        a2a_consumer, NULL, t);
  sg_scene_run_uint(&t->sc, &t->consumer_fi, canon_value_bool(true), CANON_U8,
                    42);
  SG_SCENARIO_END;
}

/* ---- a callback-lifted caller waiting on two async callees ------------- */

/* The env of producer_waits, a stackful async function of instance inst
 * (options opts) that waits until `go` is set, then returns (no
 * result). */
typedef struct waiter {
  unit_ctx *u;
  canon_ComponentInstance *inst;
  const canon_CanonicalOptions *opts;
  bool go;
} waiter;

typedef struct acb {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  canon_CanonicalOptions popts, opts;
  canon_FuncType producer_ft, consumer_ft;
  canon_lifted p1_l, p2_l, c_l;
  canon_funcinst p1, p2, c;
  waiter w1, w2;
  uint32_t seti;
} acb;

/* Calls p1 and p2 (async, no arguments): subtasks 1 (STARTED) and 2
 * (state2), returned in subi, both joined to a new waitable set, which is
 * returned. */
static uint32_t call_two(sg *g, const canon_funcinst *p1,
                         const canon_funcinst *p2,
                         const canon_CanonicalOptions *opts, uint32_t state2,
                         uint32_t subi[2]) {
  unit_ctx *u = g->u;
  subi[0] = sg_lower_subtask(g, p1, opts, NULL, 0, STARTED);
  CHECK_INT(subi[0], 1);
  subi[1] = sg_lower_subtask(g, p2, opts, NULL, 0, state2);
  CHECK_INT(subi[1], 2);
  uint32_t seti = sg_waitable_set_new(g);
  sg_waitable_join(g, subi[0], seti);
  sg_waitable_join(g, subi[1], seti);
  return seti;
}

SG_CORE(producer_waits) {
  waiter *w = env;
  (void)args, (void)nargs, (void)results, (void)nresults;
  SG_FRAME(w->u, w->inst);
  sg_wait_until(&g, sg_flag_is_set, &w->go);
  sg_task_return(&g, NULL, w->opts, 0);
  return SG_END;
}

SG_CORE(acb_consumer) {
  SG_BEGIN(acb, consumer);
  CHECK_INT(nargs, 0);
  uint32_t subi[2];
  t->seti = call_two(&g, &t->p1, &t->p2, &t->opts, STARTED, subi);
  CHECK_INT(t->seti, 3);
  t->w1.go = true;
  sg_context_set(&g, 0, 42);
  results[0] = CB_WAIT | (t->seti << 4);
  return SG_END;
}

SG_CORE(acb_callback) {
  SG_BEGIN(acb, consumer);
  CHECK_INT(nargs, 3);
  switch (sg_context_get(&g, 0)) {
  case 42:
    CHECK_INT(args[0], EV_SUBTASK);
    CHECK_INT(args[1], 1);
    CHECK_INT(args[2], RETURNED);
    sg_subtask_drop(&g, (uint32_t)args[1]);
    sg_context_set(&g, 0, 52);
    results[0] = CB_YIELD;
    break;
  case 52:
    CHECK_INT(args[0], EV_NONE);
    CHECK_INT(args[1], 0);
    CHECK_INT(args[2], 0);
    t->w2.go = true;
    sg_context_set(&g, 0, 62);
    results[0] = CB_WAIT | (t->seti << 4);
    break;
  case 62:
    CHECK_INT(args[0], EV_SUBTASK);
    CHECK_INT(args[1], 2);
    CHECK_INT(args[2], RETURNED);
    sg_subtask_drop(&g, (uint32_t)args[1]);
    sg_task_return(&g, SG_U32, &t->opts, 83);
    results[0] = CB_EXIT;
    break;
  default:
    CHECK(!"unexpected context value");
    results[0] = CB_EXIT;
  }
  return SG_END;
}

TEST(async_callback) {
  SG_SCENARIO_BEGIN(acb, &t->root, &t->producer);
  sg_scene_add(&t->sc, &t->consumer, NULL);
  t->popts = sg_opts(NULL, false, true);
  t->opts = sg_opts(NULL, false, true);
  t->opts.callback = SG_HAS_CALLBACK;
  t->producer_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->consumer_ft = (canon_FuncType){NULL, 0, SG_U32, true};
  t->w1 = t->w2 = (waiter){u, &t->producer, &t->popts, false};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  producer_waits, NULL, &t->w1);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  producer_waits, NULL, &t->w2);
  t->c = sg_lift(&t->c_l, &t->consumer_ft, &t->opts, &t->consumer,
                 acb_consumer, acb_callback, t);
  sg_scene_run_uint(&t->sc, &t->c, NULL, CANON_U32, 83);
  SG_SCENARIO_END;
}

/* ---- an async caller of two sync-lifted async callees (the second waits
 * for the first to leave the instance), and of two that use backpressure;
 * and a sync-lifted caller that waits on a waitable set ------------------ */

typedef struct a2s {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  uint8_t cmem_b[20];
  sg_mem cmem;
  canon_CanonicalOptions popts, copts, sync_opts;
  canon_FuncType producer_ft, consumer_ft;
  canon_lifted p1_l, p2_l, c_l;
  canon_funcinst p1, p2, c;
  bool fut, producer1_done, producer2_done;
  waiter w1, w2; /* sync_using_wait's producers */
  bool use_backpressure, use_wait;
} a2s;

SG_CORE(a2s_producer1) {
  SG_BEGIN(a2s, producer);
  CHECK_INT(nargs, 0);
  if (t->use_backpressure) sg_backpressure_inc(&g);
  sg_wait_until(&g, sg_flag_is_set, &t->fut);
  if (t->use_backpressure) {
    sg_backpressure_dec(&g);
    sg_task_return(&g, NULL, &t->popts, 0);
  }
  t->producer1_done = true;
  return SG_END;
}

SG_CORE(a2s_producer2) {
  SG_BEGIN(a2s, producer);
  CHECK_INT(nargs, 0);
  CHECK(t->producer1_done);
  if (t->use_backpressure) sg_task_return(&g, NULL, &t->popts, 0);
  t->producer2_done = true;
  return SG_END;
}

SG_CORE(a2s_consumer) {
  SG_BEGIN(a2s, consumer);
  uint8_t *mem = t->cmem.b;
  CHECK_INT(nargs, 0);
  uint32_t subi[2];
  uint32_t seti = call_two(&g, &t->p1, &t->p2, &t->copts, STARTING, subi);
  t->fut = true;
  CHECK(!t->producer1_done);
  CHECK(!t->producer2_done);
  bool remain[3] = {false, true, true};
  int nremain = 2;
  while (nremain > 0 && g.ok) {
    uint64_t retp = 8;
    uint32_t event;
    if (t->use_wait) {
      event = sg_waitable_set_wait(&g, true, &t->cmem, seti, retp);
    } else {
      CHECK_INT(sg_thread_yield(&g, true), 0);
      event = sg_waitable_set_poll(&g, true, &t->cmem, seti, retp);
      if (event == EV_NONE) continue;
    }
    CHECK_INT(event, EV_SUBTASK);
    CHECK_INT(mem[retp + 4], RETURNED);
    uint32_t subi = mem[retp];
    if (!CHECK(subi < 3 && remain[subi])) break;
    remain[subi] = false;
    nremain--;
    sg_subtask_drop(&g, subi);
  }
  CHECK(t->producer1_done);
  CHECK(t->producer2_done);
  sg_waitable_set_drop(&g, seti);
  sg_task_return(&g, SG_U8, &t->copts, t->use_backpressure ? 84 : 83);
  return SG_END;
}

static void a2s_run(unit_ctx *u, bool backpressure) {
  SG_SCENARIO_BEGIN(a2s, &t->root, &t->producer, &t->consumer);
  t->use_backpressure = t->use_wait = backpressure;
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  /* async_to_sync: CanonicalOptions() (sync); backpressure: async */
  t->popts = sg_opts(NULL, false, backpressure);
  t->copts = sg_opts(&t->cmem, false, true);
  t->producer_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->consumer_ft = (canon_FuncType){NULL, 0, SG_U8, true};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  a2s_producer1, NULL, t);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  a2s_producer2, NULL, t);
  t->c = sg_lift(&t->c_l, &t->consumer_ft, &t->copts, &t->consumer,
                 a2s_consumer, NULL, t);
  sg_scene_run_uint(&t->sc, &t->c, NULL, CANON_U8, backpressure ? 84 : 83);
  SG_SCENARIO_END;
}

TEST(async_to_sync) { a2s_run(u, false); }
TEST(async_backpressure) { a2s_run(u, true); }

SG_CORE(suw_consumer) {
  SG_BEGIN(a2s, consumer);
  uint32_t subi[2];
  uint32_t seti = call_two(&g, &t->p1, &t->p2, &t->copts, STARTED, subi);
  t->w1.go = true;
  uint64_t retp = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 8, 4, &retp, trap));
  CHECK_INT(sg_wait_event(&g, &t->cmem, seti, retp, EV_SUBTASK, subi[0]),
            RETURNED);
  t->w2.go = true;
  CHECK_INT(sg_wait_event(&g, &t->cmem, seti, retp, EV_SUBTASK, subi[1]),
            RETURNED);
  sg_subtask_drop(&g, subi[0]);
  sg_subtask_drop(&g, subi[1]);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

TEST(sync_using_wait) {
  SG_SCENARIO_BEGIN(a2s, &t->root, &t->producer, &t->consumer);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  t->popts = sg_opts(NULL, false, true);
  t->copts = sg_opts(&t->cmem, false, true);
  t->sync_opts = sg_opts(NULL, false, false);
  t->producer_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->w1 = t->w2 = (waiter){u, &t->producer, &t->popts, false};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  producer_waits, NULL, &t->w1);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  producer_waits, NULL, &t->w2);
  /* the caller is lifted synchronously (mk_opts()) and still waits */
  t->c = sg_lift(&t->c_l, &t->producer_ft, &t->sync_opts, &t->consumer,
                 suw_consumer, NULL, t);
  sg_scene_run(&t->sc, &t->c, NULL, 0, NULL);
  SG_SCENARIO_END;
}

/* ---- sync-typed calls ignore backpressure and the exclusive thread ---- */

typedef struct sib {
  sg_scene sc;
  canon_ComponentInstance root, callee, caller;
  uint8_t mem_b[24];
  sg_mem mem;
  canon_CanonicalOptions sync_opts, async_opts, caller_opts;
  canon_field async_ps[2], sync_ps[1];
  canon_FuncType async_ft, sync_ft, caller_ft;
  canon_lifted async_l, sync_l, caller_l;
  canon_funcinst async_callee, sync_callee, caller_fi;
} sib;

SG_CORE(sib_callee1) {
  SG_BEGIN(sib, callee);
  CHECK_INT(nargs, 2);
  uint32_t ret = sg_future_read(&g, NULL, &t->sync_opts, (uint32_t)args[1],
                                0xdeadbeef);
  CHECK_INT(ret, CANON_COPY_COMPLETED);
  results[0] = 42 + args[0];
  return SG_END;
}

SG_CORE(sib_callee2) {
  SG_BEGIN(sib, callee);
  CHECK_INT(nargs, 1);
  results[0] = 84 + args[0];
  return SG_END;
}

SG_CORE(sib_caller) {
  SG_BEGIN(sib, caller);
  uint8_t *mem = t->mem.b;
  uint32_t rfut, wfut;
  sg_new_ends(&g, true, NULL, &rfut, &wfut);
  uint64_t a1[3] = {1, rfut, 4};
  uint32_t subi = sg_lower_subtask(&g, &t->async_callee, &t->caller_opts,
                                   a1, 3, STARTED);
  /* the callee instance's exclusive thread is blocked in future.read, yet
   * a sync-typed function of it runs at once */
  uint64_t a2[2] = {2, 8};
  CHECK_INT(sg_lower(&g, &t->sync_callee, &t->caller_opts, a2, 2), RETURNED);
  CHECK_INT(mem[8], 86);
  CHECK_INT(sg_future_write(&g, NULL, &t->sync_opts, wfut, 0xdeadbeef),
            CANON_COPY_COMPLETED);
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, subi, seti);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 12, EV_SUBTASK, subi), RETURNED);
  sg_subtask_drop(&g, subi);
  return SG_END;
}

TEST(sync_ignores_backpressure) {
  SG_SCENARIO_BEGIN(sib, &t->root, &t->callee, &t->caller);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->sync_opts = sg_opts(NULL, false, false);
  t->async_opts = sg_opts(NULL, false, true);
  t->caller_opts = sg_opts(&t->mem, false, true);
  t->async_ps[0] = (canon_field){"i", SG_U32};
  t->async_ps[1] = (canon_field){"f", canon_type_future(t->sc.arena, NULL)};
  t->sync_ps[0] = (canon_field){"i", SG_U32};
  t->async_ft = (canon_FuncType){t->async_ps, 2, SG_U32, true};
  t->sync_ft = (canon_FuncType){t->sync_ps, 1, SG_U32, false};
  t->caller_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->async_callee = sg_lift(&t->async_l, &t->async_ft, &t->sync_opts,
                            &t->callee, sib_callee1, NULL, t);
  t->sync_callee = sg_lift(&t->sync_l, &t->sync_ft, &t->sync_opts, &t->callee,
                           sib_callee2, NULL, t);
  t->caller_fi = sg_lift(&t->caller_l, &t->caller_ft, &t->sync_opts,
                         &t->caller, sib_caller, NULL, t);
  sg_scene_run(&t->sc, &t->caller_fi, NULL, 0, NULL);
  SG_SCENARIO_END;
}

/* ---- two callback-lifted calls interleaving on one instance ------------- */

typedef struct cbi {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  uint8_t mem_b[24];
  sg_mem mem;
  canon_CanonicalOptions sync_opts, async_opts, producer_opts, consumer_opts;
  canon_field producer_ps[4];
  canon_FuncType producer_ft, sync_callee_ft, consumer_ft;
  canon_lifted producer_l, sync_callee_l, consumer_l;
  canon_funcinst producer_fi, sync_callee_fi, consumer_fi;
  uint32_t fut3s[2];
} cbi;

SG_CORE(cbi_producer) {
  SG_BEGIN(cbi, producer);
  CHECK_INT(nargs, 4);
  uint32_t i = (uint32_t)args[0];
  if (!CHECK(i < 2)) return false;
  t->fut3s[i] = (uint32_t)args[3];
  sg_context_set(&g, 0, i);
  CHECK_INT(sg_future_read(&g, NULL, &t->sync_opts, (uint32_t)args[1],
                           0xdeadbeef),
            CANON_COPY_COMPLETED);
  uint32_t seti = sg_waitable_set_new(&g);
  CHECK_INT(sg_future_read(&g, NULL, &t->async_opts, (uint32_t)args[2],
                           0xdeadbeef),
            BLOCKED);
  sg_waitable_join(&g, (uint32_t)args[2], seti);
  results[0] = CB_WAIT | (seti << 4);
  return SG_END;
}

SG_CORE(cbi_producer_callback) {
  SG_BEGIN(cbi, producer);
  CHECK_INT(args[0], EV_FUTURE_READ);
  CHECK_INT(args[2], CANON_COPY_COMPLETED);
  uint64_t i = sg_context_get(&g, 0);
  if (!CHECK(i < 2)) return false;
  sg_task_return(&g, SG_U32, &t->sync_opts, 42 + i);
  CHECK_INT(sg_future_read(&g, NULL, &t->sync_opts, t->fut3s[i], 0xdeadbeef),
            CANON_COPY_COMPLETED);
  results[0] = CB_EXIT;
  return SG_END;
}

SG_CORE(cbi_sync_callee) {
  SG_BEGIN(cbi, producer);
  CHECK_INT(nargs, 0);
  results[0] = 100;
  return SG_END;
}

/* ten rounds of yield + poll that find nothing */
static void cbi_nothing_happens(sg *g, cbi *t, uint32_t seti) {
  unit_ctx *u = t->sc.u;
  for (int i = 0; i < 10 && g->ok; i++) {
    CHECK_INT(sg_thread_yield(g, true), 0);
    CHECK_INT(sg_waitable_set_poll(g, true, &t->mem, seti, 0), EV_NONE);
  }
}

/* writes the future whose writable end is w (its reader is a producer
 * blocked in future.read): the write completes at once */
static void cbi_write(sg *g, cbi *t, uint32_t w) {
  unit_ctx *u = t->sc.u;
  CHECK_INT(sg_future_write(g, NULL, &t->consumer_opts, w, 0xdeadbeef),
            CANON_COPY_COMPLETED);
}

SG_CORE(cbi_consumer) {
  SG_BEGIN(cbi, consumer);
  uint8_t *mem = t->mem.b;
  uint32_t r11, w11, r12, w12, r13, w13, r21, w21, r22, w22, r23, w23;
  sg_new_ends(&g, true, NULL, &r11, &w11);
  sg_new_ends(&g, true, NULL, &r12, &w12);
  sg_new_ends(&g, true, NULL, &r13, &w13);
  sg_new_ends(&g, true, NULL, &r21, &w21);
  sg_new_ends(&g, true, NULL, &r22, &w22);
  sg_new_ends(&g, true, NULL, &r23, &w23);

  t->producer.backpressure = 1;
  uint64_t a[5] = {0, r11, r12, r13, 0xdeadbeef};
  uint32_t subia = sg_lower_subtask(&g, &t->producer_fi, &t->consumer_opts,
                                   a, 5, STARTING);
  CHECK_INT(sg_subtask_cancel(&g, false, subia), CANCELLED_BEFORE_STARTED);
  t->producer.backpressure = 0;

  uint64_t subi1ret = 12;
  a[4] = subi1ret;
  uint32_t subi1 = sg_lower_subtask(&g, &t->producer_fi, &t->consumer_opts,
                                    a, 5, STARTED);

  uint64_t b[5] = {1, r21, r22, r23, 0xdeadbeef};
  uint32_t subib = sg_lower_subtask(&g, &t->producer_fi, &t->consumer_opts,
                                   b, 5, STARTING);
  CHECK_INT(sg_subtask_cancel(&g, false, subib), CANCELLED_BEFORE_STARTED);

  uint64_t subi2ret = 16;
  b[4] = subi2ret;
  uint32_t subi2 = sg_lower_subtask(&g, &t->producer_fi, &t->consumer_opts,
                                    b, 5, STARTING);

  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, subi1, seti);
  sg_waitable_join(&g, subi2, seti);

  cbi_write(&g, t, w11);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 0, EV_SUBTASK, subi2), STARTED);

  cbi_write(&g, t, w12);
  cbi_nothing_happens(&g, t, seti);

  cbi_write(&g, t, w21);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 0, EV_SUBTASK, subi1), RETURNED);
  CHECK_INT(mem[subi1ret], 42);
  sg_subtask_drop(&g, subi1);

  cbi_write(&g, t, w22);
  cbi_nothing_happens(&g, t, seti);

  cbi_write(&g, t, w13);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 0, EV_SUBTASK, subi2), RETURNED);
  CHECK_INT(mem[subi2ret], 43);
  sg_subtask_drop(&g, subi2);

  uint64_t subi3ret = 20;
  uint32_t subi3 = sg_lower_subtask(&g, &t->sync_callee_fi, &t->consumer_opts,
                                    &subi3ret, 1, STARTING);
  sg_waitable_join(&g, subi3, seti);

  cbi_write(&g, t, w23);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 0, EV_SUBTASK, subi3), RETURNED);
  CHECK_INT(mem[subi3ret], 100);
  return SG_END;
}

TEST(callback_interleaving) {
  SG_SCENARIO_BEGIN(cbi, &t->root, &t->producer, &t->consumer);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->sync_opts = sg_opts(NULL, false, false);
  t->async_opts = sg_opts(NULL, false, true);
  t->producer_opts = sg_opts(NULL, false, true);
  t->producer_opts.callback = SG_HAS_CALLBACK;
  t->consumer_opts = sg_opts(&t->mem, false, true);
  const canon_type *fut = canon_type_future(t->sc.arena, NULL);
  t->producer_ps[0] = (canon_field){"i", SG_U32};
  t->producer_ps[1] = (canon_field){"f1", fut};
  t->producer_ps[2] = (canon_field){"f2", fut};
  t->producer_ps[3] = (canon_field){"f3", fut};
  t->producer_ft = (canon_FuncType){t->producer_ps, 4, SG_U32, true};
  t->sync_callee_ft = (canon_FuncType){NULL, 0, SG_U32, true};
  t->consumer_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->producer_fi = sg_lift(&t->producer_l, &t->producer_ft, &t->producer_opts,
                           &t->producer, cbi_producer, cbi_producer_callback,
                           t);
  t->sync_callee_fi = sg_lift(&t->sync_callee_l, &t->sync_callee_ft,
                              &t->sync_opts, &t->producer, cbi_sync_callee,
                              NULL, t);
  t->consumer_fi = sg_lift(&t->consumer_l, &t->consumer_ft, &t->sync_opts,
                           &t->consumer, cbi_consumer, NULL, t);
  sg_scene_run(&t->sc, &t->consumer_fi, NULL, 0, NULL);
  SG_SCENARIO_END;
}

/* ---- cancelling a callback-lifted call that yielded while another call
 * holds the instance's exclusive thread --------------------------------- */

typedef struct tcc {
  sg_scene sc;
  canon_ComponentInstance root, producer, consumer;
  uint8_t mem_b[24];
  sg_mem mem;
  canon_CanonicalOptions opts1, opts2, sync_opts, consumer_opts;
  canon_FuncType producer_ft, consumer_ft;
  canon_lifted p1_l, p2_l, c_l;
  canon_funcinst p1, p2, c;
} tcc;

SG_CORE(tcc_producer1) {
  SG_BEGIN(tcc, producer);
  CHECK_INT(nargs, 0);
  results[0] = CB_YIELD;
  return SG_END;
}

SG_CORE(tcc_callback1) {
  SG_BEGIN(tcc, producer);
  CHECK_INT(args[0], EV_NONE);
  CHECK_INT(args[1], 0);
  CHECK_INT(args[2], 0);
  sg_task_return(&g, SG_U32, &t->opts1, 42);
  results[0] = CB_EXIT;
  return SG_END;
}

SG_CORE(tcc_producer2) {
  SG_BEGIN(tcc, producer);
  CHECK_INT(nargs, 0);
  CHECK_INT(sg_thread_yield(&g, false), 0);
  sg_task_return(&g, SG_U32, &t->opts2, 43);
  results[0] = CB_EXIT;
  return SG_END;
}

SG_CORE(tcc_callback2) {
  SG_BEGIN(tcc, producer);
  CHECK(!"the second producer's callback is never called");
  results[0] = CB_EXIT;
  return SG_END;
}

SG_CORE(tcc_consumer) {
  SG_BEGIN(tcc, consumer);
  uint8_t *mem = t->mem.b;
  uint64_t retp1 = 8, retp2 = 12, retp3 = 16;
  uint32_t subi1 = sg_lower_subtask(&g, &t->p1, &t->consumer_opts,
                                    &retp1, 1, STARTED);
  uint32_t subi2 = sg_lower_subtask(&g, &t->p2, &t->consumer_opts,
                                    &retp2, 1, STARTED);
  /* the first producer's thread waits for the exclusive thread, which the
   * second holds: the request stays pending */
  CHECK_INT(sg_subtask_cancel(&g, true, subi1), BLOCKED);
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, subi1, seti);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, retp3, EV_SUBTASK, subi1),
            RETURNED);
  CHECK_INT(mem[retp1], 42);
  sg_waitable_join(&g, subi2, seti);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, retp3, EV_SUBTASK, subi2),
            RETURNED);
  CHECK_INT(mem[retp2], 43);
  return SG_END;
}

TEST(thread_cancel_callback) {
  SG_SCENARIO_BEGIN(tcc, &t->root, &t->producer, &t->consumer);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->opts1 = sg_opts(NULL, false, true);
  t->opts1.callback = SG_HAS_CALLBACK;
  t->opts2 = t->opts1;
  t->sync_opts = sg_opts(NULL, false, false);
  t->consumer_opts = sg_opts(&t->mem, false, true);
  t->producer_ft = (canon_FuncType){NULL, 0, SG_U32, true};
  t->consumer_ft = (canon_FuncType){NULL, 0, NULL, true};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->opts1, &t->producer,
                  tcc_producer1, tcc_callback1, t);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->opts2, &t->producer,
                  tcc_producer2, tcc_callback2, t);
  t->c = sg_lift(&t->c_l, &t->consumer_ft, &t->sync_opts, &t->consumer,
                 tcc_consumer, NULL, t);
  sg_scene_run(&t->sc, &t->c, NULL, 0, NULL);
  SG_SCENARIO_END;
}

int main(void) {
  UNIT_BEGIN;
  RUN(async_to_async);
  RUN(async_callback);
  RUN(async_to_sync);
  RUN(async_backpressure);
  RUN(sync_using_wait);
  RUN(sync_ignores_backpressure);
  RUN(callback_interleaving);
  RUN(thread_cancel_callback);
  return UNIT_END;
}
