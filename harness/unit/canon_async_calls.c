/* canon_async_calls.c -- scenario tests of async calls between component
 * instances (CanonicalABI.md "canon lift", "canon lower", "Tasks",
 * "Subtask State", "canon waitable-set.wait/poll", "canon backpressure"):
 * async to async, callbacks, async to sync, backpressure, sync callers
 * that ignore it.  The scenarios are those of the spec's run_tests.py
 * (see README.md for the pairs); callees are C scripts (canon_guest.h)
 * and every expected value was derived from the spec by hand. */
#include "harness/unit/canon_guest.h"

/* Subtask.State and EventCode, as the guest sees them */
enum { STARTING = 0, STARTED = 1, RETURNED = 2, CANCELLED_BEFORE_STARTED = 3,
       CANCELLED_BEFORE_RETURNED = 4 };
enum { EV_NONE = 0, EV_SUBTASK = 1, EV_FUTURE_READ = 4 };
/* CallbackCode */
enum { CB_EXIT = 0, CB_YIELD = 1, CB_WAIT = 2 };
#define BLOCKED 0xffffffffu

/* ---- async caller, three async callees (eager, toggling backpressure,
 * blocking) ----------------------------------------------------------- */

typedef struct a2a {
  unit_ctx *u;
  canon_Store s;
  canon_instance root, producer, consumer;
  uint8_t pmem_b[10], cmem_b[20];
  sg_mem pmem, cmem;
  canon_options popts, copts;
  canon_functype eager_ft, toggle_ft, blocking_ft, ft;
  canon_field u8_param, bool_param;
  canon_lifted eager_l, toggle_l, blocking_l, consumer_l;
  canon_funcinst eager, toggle, blocking, consumer_fi;
  bool fut1_1, fut1_2, fut2, fut3, fut4;
} a2a;

SG_CORE(a2a_eager) {
  a2a *t = env;
  SG_BEGIN(t->u, &t->producer);
  CHECK_INT(nargs, 0);
  sg_task_return(&g, SG_U8, &t->popts, 43);
  return SG_END;
}

SG_CORE(a2a_toggle) {
  a2a *t = env;
  SG_BEGIN(t->u, &t->producer);
  CHECK_INT(nargs, 0);
  sg_backpressure_inc(&g);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1_1);
  sg_task_return(&g, NULL, &t->popts, 0);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1_2);
  sg_backpressure_dec(&g);
  return SG_END;
}

SG_CORE(a2a_blocking) {
  a2a *t = env;
  SG_BEGIN(t->u, &t->producer);
  CHECK_INT(nargs, 1);
  CHECK_INT(args[0], 83);
  sg_wait_until(&g, sg_flag_is_set, &t->fut2);
  sg_task_return(&g, SG_U8, &t->popts, 44);
  sg_wait_until(&g, sg_flag_is_set, &t->fut3);
  t->fut4 = true;
  return SG_END;
}

SG_CORE(a2a_consumer) {
  a2a *t = env;
  SG_BEGIN(t->u, &t->consumer);
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
  ret = sg_lower(&g, &t->toggle, &t->copts, NULL, 0);
  uint32_t subi1 = (uint32_t)ret >> 4;
  CHECK_INT(subi1, 2);
  CHECK_INT(ret & 0xf, STARTED);
  sg_waitable_join(&g, subi1, seti);
  /* blocking: cannot start while the producer has backpressure */
  uint64_t retp = ptr;
  mem[retp] = 13;
  uint64_t bargs[2] = {83, retp};
  ret = sg_lower(&g, &t->blocking, &t->copts, bargs, 2);
  uint32_t subi2 = (uint32_t)ret >> 4;
  CHECK_INT(subi2, 3);
  CHECK_INT(ret & 0xf, STARTING);
  CHECK_INT(mem[retp], 13);
  sg_waitable_join(&g, subi2, seti);
  t->fut1_1 = true;

  uint64_t waitretp = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 8, 4, &waitretp, trap));
  uint32_t event = sg_waitable_set_wait(&g, true, &t->cmem, seti, waitretp);
  CHECK_INT(event, EV_SUBTASK);
  CHECK_INT(mem[waitretp], subi1);
  CHECK_INT(mem[waitretp + 4], RETURNED);
  sg_subtask_drop(&g, subi1);
  t->fut1_2 = true;

  event = sg_waitable_set_wait(&g, true, &t->cmem, seti, waitretp);
  CHECK_INT(event, EV_SUBTASK);
  CHECK_INT(mem[waitretp], subi2);
  CHECK_INT(mem[waitretp + 4], STARTED);
  CHECK_INT(mem[retp], 13);
  t->fut2 = true;

  event = sg_waitable_set_wait(&g, true, &t->cmem, seti, waitretp);
  CHECK_INT(event, EV_SUBTASK);
  CHECK_INT(mem[waitretp], subi2);
  CHECK_INT(mem[waitretp + 4], RETURNED);
  CHECK_INT(mem[retp], 44);
  sg_subtask_drop(&g, subi2);
  t->fut3 = true;
  sg_wait_until(&g, sg_flag_is_set, &t->fut4);

  sg_task_return(&g, SG_U8, &t->copts, 42);
  return SG_END;
}

TEST(async_to_async) {
  a2a *t = calloc(1, sizeof *t);
  t->u = u;
  canon_store_init(&t->s);
  canon_instance_init(&t->root, &t->s, NULL);
  canon_instance_init(&t->producer, &t->s, &t->root);
  canon_instance_init(&t->consumer, &t->s, &t->root);
  sg_mem_init(&t->pmem, t->pmem_b, sizeof t->pmem_b);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  t->popts = sg_opts(&t->pmem, false, true);
  t->copts = sg_opts(&t->cmem, false, true);
  t->u8_param = (canon_field){"x", SG_U8};
  t->bool_param = (canon_field){"b", canon_type_prim(CANON_BOOL)};
  t->eager_ft = (canon_functype){NULL, 0, SG_U8, true};
  t->toggle_ft = (canon_functype){NULL, 0, NULL, true};
  t->blocking_ft = (canon_functype){&t->u8_param, 1, SG_U8, true};
  t->ft = (canon_functype){&t->bool_param, 1, SG_U8, true};
  t->eager = sg_lift(&t->eager_l, &t->eager_ft, &t->popts, &t->producer,
                     a2a_eager, NULL, t);
  t->toggle = sg_lift(&t->toggle_l, &t->toggle_ft, &t->popts, &t->producer,
                      a2a_toggle, NULL, t);
  t->blocking = sg_lift(&t->blocking_l, &t->blocking_ft, &t->popts,
                        &t->producer, a2a_blocking, NULL, t);
  t->consumer_fi = sg_lift(&t->consumer_l, &t->ft, &t->copts, &t->consumer,
                        a2a_consumer, NULL, t);
  canon_value *arg = canon_value_bool(true);
  canon_value *got = NULL;
  CHECK(sg_run(&t->s, &t->consumer_fi, &arg, 1, &got));
  CHECK(got && got->kind == CANON_U8 && got->u.u == 42);
  CHECK_INT(t->s.nwaiting, 0);
  canon_value_free(arg);
  canon_value_free(got);
  canon_store_free(&t->s);
  sg_instance_free(&t->root);
  sg_instance_free(&t->producer);
  sg_instance_free(&t->consumer);
  free(t);
}

/* ---- a callback-lifted caller waiting on two async callees ------------- */

typedef struct acb {
  unit_ctx *u;
  canon_Store s;
  canon_instance root, producer, consumer;
  canon_options popts, opts;
  canon_functype producer_ft, consumer_ft;
  canon_lifted p1_l, p2_l, c_l;
  canon_funcinst p1, p2, c;
  bool fut1, fut2;
  uint32_t seti;
} acb;

static bool acb_producer(acb *t, bool *fut, canon_trap *trap) {
  SG_FRAME(t->u, &t->producer);
  sg_wait_until(&g, sg_flag_is_set, fut);
  sg_task_return(&g, NULL, &t->popts, 0);
  return SG_END;
}
SG_CORE(acb_producer1) {
  (void)args, (void)nargs, (void)results, (void)nresults;
  return acb_producer(env, &((acb *)env)->fut1, trap);
}
SG_CORE(acb_producer2) {
  (void)args, (void)nargs, (void)results, (void)nresults;
  return acb_producer(env, &((acb *)env)->fut2, trap);
}

SG_CORE(acb_consumer) {
  acb *t = env;
  SG_BEGIN(t->u, &t->consumer);
  CHECK_INT(nargs, 0);
  uint64_t ret = sg_lower(&g, &t->p1, &t->opts, NULL, 0);
  uint32_t subi1 = (uint32_t)ret >> 4;
  CHECK_INT(subi1, 1);
  CHECK_INT(ret & 0xf, STARTED);
  ret = sg_lower(&g, &t->p2, &t->opts, NULL, 0);
  uint32_t subi2 = (uint32_t)ret >> 4;
  CHECK_INT(subi2, 2);
  CHECK_INT(ret & 0xf, STARTED);
  t->seti = sg_waitable_set_new(&g);
  CHECK_INT(t->seti, 3);
  sg_waitable_join(&g, subi1, t->seti);
  sg_waitable_join(&g, subi2, t->seti);
  t->fut1 = true;
  sg_context_set(&g, 0, 42);
  results[0] = CB_WAIT | (t->seti << 4);
  return SG_END;
}

SG_CORE(acb_callback) {
  acb *t = env;
  SG_BEGIN(t->u, &t->consumer);
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
    t->fut2 = true;
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
  acb *t = calloc(1, sizeof *t);
  t->u = u;
  canon_store_init(&t->s);
  canon_instance_init(&t->root, &t->s, NULL);
  canon_instance_init(&t->producer, &t->s, &t->root);
  canon_instance_init(&t->consumer, &t->s, NULL);
  t->popts = sg_opts(NULL, false, true);
  t->opts = sg_opts(NULL, false, true);
  t->opts.callback = SG_HAS_CALLBACK;
  t->producer_ft = (canon_functype){NULL, 0, NULL, true};
  t->consumer_ft = (canon_functype){NULL, 0, SG_U32, true};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  acb_producer1, NULL, t);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  acb_producer2, NULL, t);
  t->c = sg_lift(&t->c_l, &t->consumer_ft, &t->opts, &t->consumer,
                 acb_consumer, acb_callback, t);
  canon_value *got = NULL;
  CHECK(sg_run(&t->s, &t->c, NULL, 0, &got));
  CHECK(got && got->kind == CANON_U32 && got->u.u == 83);
  CHECK_INT(t->s.nwaiting, 0);
  canon_value_free(got);
  canon_store_free(&t->s);
  sg_instance_free(&t->root);
  sg_instance_free(&t->producer);
  sg_instance_free(&t->consumer);
  free(t);
}

/* ---- an async caller of two sync-lifted async callees (the second waits
 * for the first to leave the instance), and of two that use backpressure;
 * and a sync-lifted caller that waits on a waitable set ------------------ */

typedef struct a2s {
  unit_ctx *u;
  canon_Store s;
  canon_instance root, producer, consumer;
  uint8_t cmem_b[20];
  sg_mem cmem;
  canon_options popts, copts, sync_opts;
  canon_functype producer_ft, consumer_ft;
  canon_lifted p1_l, p2_l, c_l;
  canon_funcinst p1, p2, c;
  bool fut, fut2, producer1_done, producer2_done;
  bool use_backpressure, use_wait;
} a2s;

SG_CORE(a2s_producer1) {
  a2s *t = env;
  SG_BEGIN(t->u, &t->producer);
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
  a2s *t = env;
  SG_BEGIN(t->u, &t->producer);
  CHECK_INT(nargs, 0);
  CHECK(t->producer1_done);
  if (t->use_backpressure) sg_task_return(&g, NULL, &t->popts, 0);
  t->producer2_done = true;
  return SG_END;
}

SG_CORE(a2s_consumer) {
  a2s *t = env;
  SG_BEGIN(t->u, &t->consumer);
  uint8_t *mem = t->cmem.b;
  CHECK_INT(nargs, 0);
  uint64_t ret = sg_lower(&g, &t->p1, &t->copts, NULL, 0);
  uint32_t subi1 = (uint32_t)ret >> 4;
  CHECK_INT(subi1, 1);
  CHECK_INT(ret & 0xf, STARTED);
  ret = sg_lower(&g, &t->p2, &t->copts, NULL, 0);
  uint32_t subi2 = (uint32_t)ret >> 4;
  CHECK_INT(subi2, 2);
  CHECK_INT(ret & 0xf, STARTING);
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, subi1, seti);
  sg_waitable_join(&g, subi2, seti);
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
  a2s *t = calloc(1, sizeof *t);
  t->u = u;
  t->use_backpressure = t->use_wait = backpressure;
  canon_store_init(&t->s);
  canon_instance_init(&t->root, &t->s, NULL);
  canon_instance_init(&t->producer, &t->s, &t->root);
  canon_instance_init(&t->consumer, &t->s, &t->root);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  /* async_to_sync: CanonicalOptions() (sync); backpressure: async */
  t->popts = sg_opts(NULL, false, backpressure);
  t->copts = sg_opts(&t->cmem, false, true);
  t->producer_ft = (canon_functype){NULL, 0, NULL, true};
  t->consumer_ft = (canon_functype){NULL, 0, SG_U8, true};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  a2s_producer1, NULL, t);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  a2s_producer2, NULL, t);
  t->c = sg_lift(&t->c_l, &t->consumer_ft, &t->copts, &t->consumer,
                 a2s_consumer, NULL, t);
  canon_value *got = NULL;
  CHECK(sg_run(&t->s, &t->c, NULL, 0, &got));
  CHECK(got && got->kind == CANON_U8 &&
        got->u.u == (backpressure ? 84u : 83u));
  CHECK_INT(t->s.nwaiting, 0);
  canon_value_free(got);
  canon_store_free(&t->s);
  sg_instance_free(&t->root);
  sg_instance_free(&t->producer);
  sg_instance_free(&t->consumer);
  free(t);
}

TEST(async_to_sync) { a2s_run(u, false); }
TEST(async_backpressure) { a2s_run(u, true); }

/* two stackful async producers, each waiting on its own flag */
static bool suw_producer(a2s *t, bool *fut, canon_trap *trap) {
  SG_FRAME(t->u, &t->producer);
  sg_wait_until(&g, sg_flag_is_set, fut);
  sg_task_return(&g, NULL, &t->popts, 0);
  return SG_END;
}
SG_CORE(suw_producer1) {
  (void)args, (void)nargs, (void)results, (void)nresults;
  return suw_producer(env, &((a2s *)env)->fut, trap);
}
SG_CORE(suw_producer2) {
  (void)args, (void)nargs, (void)results, (void)nresults;
  return suw_producer(env, &((a2s *)env)->fut2, trap);
}

SG_CORE(suw_consumer) {
  a2s *t = env;
  SG_BEGIN(t->u, &t->consumer);
  uint8_t *mem = t->cmem.b;
  uint64_t ret = sg_lower(&g, &t->p1, &t->copts, NULL, 0);
  uint32_t subi1 = (uint32_t)ret >> 4;
  CHECK_INT(subi1, 1);
  CHECK_INT(ret & 0xf, STARTED);
  ret = sg_lower(&g, &t->p2, &t->copts, NULL, 0);
  uint32_t subi2 = (uint32_t)ret >> 4;
  CHECK_INT(subi2, 2);
  CHECK_INT(ret & 0xf, STARTED);
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, subi1, seti);
  sg_waitable_join(&g, subi2, seti);
  t->fut = true;
  uint64_t retp = 0;
  CHECK(sg_mem_realloc(&t->cmem, 0, 0, 8, 4, &retp, trap));
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->cmem, seti, retp), EV_SUBTASK);
  CHECK_INT(mem[retp], subi1);
  CHECK_INT(mem[retp + 4], RETURNED);
  t->fut2 = true;
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->cmem, seti, retp), EV_SUBTASK);
  CHECK_INT(mem[retp], subi2);
  CHECK_INT(mem[retp + 4], RETURNED);
  sg_subtask_drop(&g, subi1);
  sg_subtask_drop(&g, subi2);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

TEST(sync_using_wait) {
  a2s *t = calloc(1, sizeof *t);
  t->u = u;
  canon_store_init(&t->s);
  canon_instance_init(&t->root, &t->s, NULL);
  canon_instance_init(&t->producer, &t->s, &t->root);
  canon_instance_init(&t->consumer, &t->s, &t->root);
  sg_mem_init(&t->cmem, t->cmem_b, sizeof t->cmem_b);
  t->popts = sg_opts(NULL, false, true);
  t->copts = sg_opts(&t->cmem, false, true);
  t->sync_opts = sg_opts(NULL, false, false);
  t->producer_ft = (canon_functype){NULL, 0, NULL, true};
  t->p1 = sg_lift(&t->p1_l, &t->producer_ft, &t->popts, &t->producer,
                  suw_producer1, NULL, t);
  t->p2 = sg_lift(&t->p2_l, &t->producer_ft, &t->popts, &t->producer,
                  suw_producer2, NULL, t);
  /* the caller is lifted synchronously (mk_opts()) and still waits */
  t->c = sg_lift(&t->c_l, &t->producer_ft, &t->sync_opts, &t->consumer,
                 suw_consumer, NULL, t);
  CHECK(sg_run(&t->s, &t->c, NULL, 0, NULL));
  CHECK_INT(t->s.nwaiting, 0);
  canon_store_free(&t->s);
  sg_instance_free(&t->root);
  sg_instance_free(&t->producer);
  sg_instance_free(&t->consumer);
  free(t);
}

int main(void) {
  UNIT_BEGIN;
  RUN(async_to_async);
  RUN(async_callback);
  RUN(async_to_sync);
  RUN(async_backpressure);
  RUN(sync_using_wait);
  return UNIT_END;
}
