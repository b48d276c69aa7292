/* canon_async_streams.c -- scenario tests of streams and futures
 * (CanonicalABI.md "Stream State", "Future State", "canon stream.new",
 * "canon {stream,future}.{read,write}", "canon
 * {stream,future}.cancel-{read,write}", "canon
 * {stream,future}.drop-{readable,writable}", lift_stream / lower_stream):
 * wasm to wasm streams with and without payload, copies within one
 * instance, a stream passed to the host and back, and futures read and
 * written by a host function.  The scenarios are those of the spec's
 * run_tests.py (see README.md for the pairs); every expected value was
 * derived from the spec by hand.
 *
 * The spec's tests implement some host streams and futures in Python
 * (HostSource, HostFutureSource, ...).  canon/ has no host-implemented
 * stream, so a host function here keeps its ends in its own instance's
 * table and drives them with the same built-ins, on its own thread. */
#include "harness/unit/canon_guest.h"
#include "canon/error_context.h"
#include "canon/load_store.h"

/* ---- a stream from one instance to another, with payload (u8) or
 * without -------------------------------------------------------------- */

typedef struct w2w {
  sg_scene sc;
  canon_ComponentInstance root, inst1, inst2;
  uint8_t mem1_b[24], mem2_b[24];
  sg_mem mem1, mem2;
  canon_CanonicalOptions opts1, opts2;
  const canon_type *elem; /* NULL: stream without payload */
  canon_FuncType ft1, ft2;
  canon_lifted l1, l2;
  canon_funcinst func1, func2;
  bool fut1, fut2, fut3, fut4;
} w2w;

static void w2w_error_context_new_and_drop(sg *g, w2w *t, uint32_t wsi) {
  uint32_t errctxi = 0;
  if (g->ok)
    sg_done(g, canon_error_context_new(&t->inst1, &t->opts1, 0, 0, &errctxi,
                                       g->trap));
  sg_drop_end(g, false, false, t->elem, wsi);
  if (g->ok) sg_done(g, canon_error_context_drop(&t->inst1, errctxi, g->trap));
}

SG_CORE(w2w_func1) {
  SG_BEGIN(w2w, inst1);
  const canon_type *e = t->elem;
  uint8_t *mem1 = t->mem1.b;
  CHECK_INT(nargs, 0);
  uint32_t rsi, wsi;
  sg_new_ends(&g, false, e, &rsi, &wsi);
  sg_task_return(&g, t->ft1.result, &t->opts1, rsi);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1);
  static const uint8_t b1234[4] = {1, 2, 3, 4};
  memcpy(mem1, b1234, 4);
  CHECK_COPY(sg_stream_write(&g, e, &t->opts1, wsi, 0, 4), 4, COMPLETED);
  CHECK_COPY(sg_stream_write(&g, e, &t->opts1, wsi, 0, 4), 4, COMPLETED);
  /* the reader's buffer is full now: a zero-length write waits */
  CHECK_INT(sg_stream_write(&g, e, &t->opts1, wsi, 0, 0), BLOCKED);
  CHECK_COPY(sg_cancel_copy(&g, false, false, e, true, wsi), 0, CANCELLED);
  sg_wait_until(&g, sg_flag_is_set, &t->fut2);
  for (int i = 0; i < 8; i++) mem1[i] = (uint8_t)(5 + i);
  CHECK_INT(sg_stream_write(&g, e, &t->opts1, wsi, 0, 8), BLOCKED);
  t->fut3 = true;
  uint64_t retp = 16;
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, wsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem1, seti, retp, EV_STREAM_WRITE, wsi),
             4, COMPLETED);
  CHECK_INT(sg_stream_write(&g, e, &t->opts1, wsi, 12345, 0), BLOCKED);
  t->fut4 = true;
  CHECK_INT(sg_wait_event(&g, &t->mem1, seti, retp, EV_STREAM_WRITE, wsi), 0);
  CHECK_INT(sg_stream_write(&g, e, &t->opts1, wsi, 12345, 0), 0);
  w2w_error_context_new_and_drop(&g, t, wsi);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

SG_CORE(w2w_func2) {
  SG_BEGIN(w2w, inst2);
  const canon_type *e = t->elem;
  uint8_t *mem2 = t->mem2.b;
  CHECK_INT(nargs, 0);
  sg_task_return(&g, NULL, &t->opts2, 0);
  uint64_t retp = 16;
  CHECK_INT(sg_lower(&g, &t->func1, &t->opts2, &retp, 1), RETURNED);
  uint32_t rsi = mem2[retp];
  CHECK_INT(rsi, 1);
  CHECK_INT(sg_stream_read(&g, e, &t->opts2, rsi, 0, 8), BLOCKED);
  t->fut1 = true;
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, rsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem2, seti, retp, EV_STREAM_READ, rsi),
             8, COMPLETED);
  static const uint8_t twice[8] = {1, 2, 3, 4, 1, 2, 3, 4};
  CHECK(memcmp(mem2, twice, 8) == 0);
  t->fut2 = true;
  sg_wait_until(&g, sg_flag_is_set, &t->fut3);
  CHECK_INT(sg_stream_read(&g, e, &t->opts2, rsi, 12345, 0), 0);
  memset(mem2, 0, 8);
  CHECK_COPY(sg_stream_read(&g, e, &t->opts2, rsi, 0, 2), 2, COMPLETED);
  static const uint8_t b56[6] = {5, 6, 0, 0, 0, 0}, b5678[6] = {5, 6, 7, 8};
  CHECK(memcmp(mem2, b56, 6) == 0);
  CHECK_COPY(sg_stream_read(&g, e, &t->opts2, rsi, 2, 2), 2, COMPLETED);
  CHECK(memcmp(mem2, b5678, 6) == 0);
  sg_wait_until(&g, sg_flag_is_set, &t->fut4);
  CHECK_INT(sg_stream_read(&g, e, &t->opts2, rsi, 12345, 0), BLOCKED);
  CHECK_INT(sg_wait_event(&g, &t->mem2, seti, retp, EV_STREAM_READ, rsi),
            DROPPED | 1);
  sg_drop_end(&g, false, true, e, rsi);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

/* the payload-less variant: the writer's pointers are never used */
SG_CORE(w2we_func1) {
  SG_BEGIN(w2w, inst1);
  CHECK_INT(nargs, 0);
  uint32_t rsi, wsi;
  sg_new_ends(&g, false, NULL, &rsi, &wsi);
  sg_task_return(&g, t->ft1.result, &t->opts1, rsi);
  sg_wait_until(&g, sg_flag_is_set, &t->fut1);
  for (int i = 0; i < 2; i++) {
    CHECK_COPY(sg_stream_write(&g, NULL, &t->opts1, wsi, 10000, 2),
               2, COMPLETED);
  }
  sg_wait_until(&g, sg_flag_is_set, &t->fut2);
  CHECK_INT(sg_stream_write(&g, NULL, &t->opts1, wsi, 0, 8), BLOCKED);
  t->fut3 = true;
  uint64_t retp = 16;
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, wsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem1, seti, retp, EV_STREAM_WRITE, wsi),
             4, COMPLETED);
  t->fut4 = true;
  w2w_error_context_new_and_drop(&g, t, wsi);
  return SG_END;
}

SG_CORE(w2we_func2) {
  SG_BEGIN(w2w, inst2);
  uint8_t *mem2 = t->mem2.b;
  CHECK_INT(nargs, 0);
  sg_task_return(&g, NULL, &t->opts2, 0);
  uint64_t retp = 0;
  CHECK_INT(sg_lower(&g, &t->func1, &t->opts2, &retp, 1), RETURNED);
  uint32_t rsi = mem2[0];
  CHECK_INT(rsi, 1);
  CHECK_INT(sg_stream_read(&g, NULL, &t->opts2, rsi, 0, 8), BLOCKED);
  t->fut1 = true;
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, rsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem2, seti, retp, EV_STREAM_READ, rsi),
             4, COMPLETED);
  t->fut2 = true;
  sg_wait_until(&g, sg_flag_is_set, &t->fut3);
  for (int i = 0; i < 2; i++) {
    CHECK_COPY(sg_stream_read(&g, NULL, &t->opts2, rsi, 1000000, 2),
               2, COMPLETED);
  }
  sg_wait_until(&g, sg_flag_is_set, &t->fut4);
  CHECK_COPY(sg_stream_read(&g, NULL, &t->opts2, rsi, 1000000, 2), 0, DROPPED);
  sg_drop_end(&g, false, true, NULL, rsi);
  /* (the set stays in the table, as in the spec's scenario) */
  return SG_END;
}

static void w2w_run(unit_ctx *u, bool payload) {
  SG_SCENARIO_BEGIN(w2w, &t->root, &t->inst1, &t->inst2);
  sg_mem_init(&t->mem1, t->mem1_b, sizeof t->mem1_b);
  sg_mem_init(&t->mem2, t->mem2_b, payload ? 24 : 10);
  t->opts1 = sg_opts(&t->mem1, false, true);
  t->opts2 = sg_opts(&t->mem2, true, true);
  t->elem = payload ? SG_U8 : NULL;
  t->ft1 = (canon_FuncType){NULL, 0, canon_type_stream(t->sc.arena, t->elem),
                            false};
  t->ft2 = (canon_FuncType){NULL, 0, NULL, false};
  t->func1 = sg_lift(&t->l1, &t->ft1, &t->opts1, &t->inst1,
                     payload ? w2w_func1 : w2we_func1, NULL, t);
  t->func2 = sg_lift(&t->l2, &t->ft2, &t->opts2, &t->inst2,
                     payload ? w2w_func2 : w2we_func2, NULL, t);
  sg_scene_run(&t->sc, &t->func2, NULL, 0, NULL);
  CHECK(t->fut4);
  SG_SCENARIO_END;
}

TEST(wasm_to_wasm_stream) { w2w_run(u, true); }
TEST(wasm_to_wasm_stream_empty) { w2w_run(u, false); }

/* ---- copies between both ends of a future and a stream in one
 * instance (allowed for number and payload-less element types) --------- */

typedef struct slf {
  sg_scene sc;
  canon_ComponentInstance inst;
  uint8_t mem_b[40];
  sg_mem mem;
  canon_CanonicalOptions sync_opts, async_opts;
  const canon_type *elem;
  canon_FuncType ft;
  canon_lifted l;
  canon_funcinst fi;
} slf;

SG_CORE(slf_core) {
  SG_BEGIN(slf, inst);
  const canon_type *e = t->elem;
  const canon_CanonicalOptions *ao = &t->async_opts;
  uint32_t seti = sg_waitable_set_new(&g);
  uint32_t rfi, wfi;
  sg_new_ends(&g, true, e, &rfi, &wfi);
  CHECK_INT(sg_future_write(&g, e, ao, wfi, 0), BLOCKED);
  CHECK_INT(sg_future_read(&g, e, ao, rfi, 0), COMPLETED);
  sg_drop_end(&g, true, true, e, rfi);
  sg_waitable_join(&g, wfi, seti);
  CHECK_INT(sg_wait_event(&g, &t->mem, seti, 0, EV_FUTURE_WRITE, wfi),
            COMPLETED);
  sg_drop_end(&g, true, false, e, wfi);

  uint32_t rsi, wsi;
  sg_new_ends(&g, false, e, &rsi, &wsi);
  CHECK_INT(sg_stream_write(&g, e, ao, wsi, 0, 3), BLOCKED);
  CHECK_COPY(sg_stream_read(&g, e, ao, rsi, 0, 1), 1, COMPLETED);
  CHECK_COPY(sg_stream_read(&g, e, ao, rsi, 0, 4), 2, COMPLETED);
  sg_drop_end(&g, false, true, e, rsi);
  sg_waitable_join(&g, wsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem, seti, 0, EV_STREAM_WRITE, wsi),
             3, DROPPED);
  sg_drop_end(&g, false, false, e, wsi);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

static void self_copy(unit_ctx *u, const canon_type *elem) {
  SG_SCENARIO_BEGIN(slf, &t->inst);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->sync_opts = sg_opts(&t->mem, false, false);
  t->async_opts = sg_opts(&t->mem, false, true);
  t->elem = elem;
  t->ft = (canon_FuncType){NULL, 0, NULL, true};
  t->fi = sg_lift(&t->l, &t->ft, &t->sync_opts, &t->inst, slf_core, NULL, t);
  sg_scene_run(&t->sc, &t->fi, NULL, 0, NULL);
  SG_SCENARIO_END;
}

TEST(self_copy_none) { self_copy(u, NULL); }
TEST(self_copy_u8) { self_copy(u, SG_U8); }
TEST(self_copy_f64) { self_copy(u, canon_type_prim(CANON_F64)); }

/* ---- a stream given to the host comes back as the same index ----------- */

typedef struct ros {
  sg_scene sc;
  canon_ComponentInstance inst;
  uint8_t mem_b[20];
  sg_mem mem;
  canon_CanonicalOptions opts, sync_opts;
  canon_field param;
  canon_FuncType host_ft, ft;
  sg_host host;
  canon_lifted l;
  canon_funcinst fi;
} ros;

/* returns its argument (the stream value) */
static bool ros_host(sg_host_call *c, void *env, canon_trap *trap) {
  ros *t = env;
  SG_HOST_ARGS(t->sc.u, 1);
  CHECK(n == 1 && args[0]->kind == CANON_STREAM);
  bool ok = sg_host_resolve(c, args, n, trap);
  sg_host_args_free(args, n);
  return ok;
}

SG_CORE(ros_core) {
  SG_BEGIN(ros, inst);
  CHECK_INT(nargs, 0);
  uint32_t rsi, wsi;
  sg_new_ends(&g, false, SG_U8, &rsi, &wsi);
  CHECK_INT(rsi, 1);
  CHECK_INT(wsi, 2);
  CHECK_INT(sg_stream_write(&g, SG_U8, &t->opts, wsi, 0, 4), BLOCKED);
  uint64_t a[2] = {rsi, 8};
  CHECK_INT(sg_lower(&g, &t->host.fi, &t->opts, a, 2), RETURNED);
  CHECK_INT(sg_u32(&t->mem, 8), 1);
  CHECK_COPY(sg_cancel_copy(&g, false, false, SG_U8, false, wsi), 0, CANCELLED);
  sg_drop_end(&g, false, false, SG_U8, wsi);
  return SG_END;
}

TEST(receive_own_stream) {
  SG_SCENARIO_BEGIN(ros, &t->inst);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  t->opts = sg_opts(&t->mem, false, true);
  t->sync_opts = sg_opts(NULL, false, false);
  const canon_type *st = canon_type_stream(t->sc.arena, SG_U8);
  t->param = (canon_field){"s", st};
  t->host_ft = (canon_FuncType){&t->param, 1, st, false};
  t->ft = (canon_FuncType){NULL, 0, NULL, true};
  sg_host_init(&t->host, &t->sc, &t->host_ft, ros_host, t);
  t->fi = sg_lift(&t->l, &t->ft, &t->sync_opts, &t->inst, ros_core, NULL, t);
  sg_scene_run(&t->sc, &t->fi, NULL, 0, NULL);
  SG_SCENARIO_END;
}

/* ---- a stream passed in and returned is the same stream -------------- */

typedef struct sfw {
  sg_scene sc;
  canon_ComponentInstance inst;
} sfw;

SG_CORE(sfw_core) {
  SG_BEGIN(sfw, inst);
  CHECK_INT(nargs, 1);
  CHECK_INT(args[0], 1);
  results[0] = args[0];
  return SG_END;
}

TEST(stream_forward) {
  sfw t;
  sg_scene_init(&t.sc, u, &t.inst, NULL);
  canon_CanonicalOptions opts = sg_opts(NULL, false, false);
  const canon_type *st = canon_type_stream(t.sc.arena, SG_U8);
  canon_field param = {"s", st};
  canon_FuncType ft = {&param, 1, st, false};
  canon_lifted l;
  canon_funcinst fi = sg_lift(&l, &ft, &opts, &t.inst, sfw_core, NULL, &t);
  /* the host's source: a stream whose other end the host keeps */
  canon_SharedBase *src = canon_SharedBase_new(false, SG_U8);
  canon_value *arg = canon_value_opaque(CANON_STREAM, &src->ref);
  canon_value *got = NULL;
  CHECK(sg_run(&t.sc.s, &fi, &arg, 1, &got));
  CHECK(got && got->kind == CANON_STREAM && got->u.opaque == &src->ref);
  canon_value_free(arg);
  canon_value_free(got);
  sg_scene_free(&t.sc);
}

/* ---- futures read and written by a host function ------------------------- */

typedef struct fut {
  sg_scene sc;
  sg_host_caller hc;
  const canon_type *ft_u8;
  canon_field param;
  canon_FuncType host_ft;
  sg_host host;
} fut;

static bool fut_has_event(void *env) {
  return canon_Waitable_has_pending_event(env);
}

/* The host's end at index i of its own table. */
static canon_CopyEnd *fut_end(fut *t, uint32_t i, canon_entry_kind kind) {
  void *obj = NULL;
  canon_trap trap = {0};
  canon_Table_get_kind(&t->host.inst.handles, i, kind, &obj, &trap);
  return obj;
}

/* Takes a future, resolves with a new future, reads 42 from the one it
 * got and then writes 43 into the one it gave. */
static bool fut_host(sg_host_call *c, void *env, canon_trap *trap) {
  fut *t = env;
  canon_ComponentInstance *hi = &t->host.inst;
  sg g = {t->sc.u, hi, trap, true};
  SG_HOST_ARGS(t->sc.u, 1);
  /* outgoing: a new future, the readable end given to the caller */
  uint32_t ro, wo;
  sg_new_ends(&g, true, SG_U8, &ro, &wo);
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->hc.host_opts, hi,
                              (canon_borrow_scope){0});
  canon_value *outgoing = NULL;
  bool ok = g.ok && canon_lift_future(&cx, ro, t->ft_u8, &outgoing);
  /* incoming: the future given, in the host's table */
  uint32_t ri = 0;
  ok = ok && canon_lower_future(&cx, args[0], t->ft_u8, &ri);
  sg_host_args_free(args, n);
  if (!ok) {
    *trap = cx.trap;
    return false;
  }
  ok = sg_host_resolve(c, &outgoing, 1, trap);
  canon_value_free(outgoing);
  if (!ok) return false;
  CHECK_INT(sg_future_read(&g, SG_U8, &t->hc.host_opts, ri, 0), BLOCKED);
  canon_CopyEnd *in = fut_end(t, ri, CANON_ENTRY_FUTURE_READABLE);
  bool cancelled;
  if (!g.ok || !sg_host_wait_until(c, fut_has_event, in, &cancelled, trap))
    return false;
  canon_event ev = canon_Waitable_get_pending_event(&in->w);
  CHECK_INT(ev.code, EV_FUTURE_READ);
  CHECK_INT(ev.p2, COMPLETED);
  CHECK_INT(t->hc.host_mem.b[0], 42);
  t->hc.host_mem.b[1] = 43;
  uint32_t ret = sg_future_write(&g, SG_U8, &t->hc.host_opts, wo, 1);
  if (ret == BLOCKED) { /* the caller has not read yet */
    canon_CopyEnd *out = fut_end(t, wo, CANON_ENTRY_FUTURE_WRITABLE);
    if (!sg_host_wait_until(c, fut_has_event, out, &cancelled, trap))
      return false;
    ret = canon_Waitable_get_pending_event(&out->w).p2;
  }
  CHECK_INT(ret, COMPLETED);
  sg_drop_end(&g, true, true, SG_U8, ri);
  sg_drop_end(&g, true, false, SG_U8, wo);
  return g.ok;
}

static bool fut_rfi_has_event(fut *t, uint32_t rfi) {
  void *obj = NULL;
  canon_trap trap = {0};
  if (!canon_Table_get_kind(&t->hc.inst.handles, rfi,
                            CANON_ENTRY_FUTURE_READABLE, &obj, &trap))
    return true;
  return canon_Waitable_has_pending_event(obj);
}

SG_CORE(fut_core) {
  SG_BEGIN(fut, hc.inst);
  uint8_t *mem = t->hc.mem.b;
  const canon_CanonicalOptions *lo = &t->hc.lower_opts;
  CHECK_INT(nargs, 0);
  for (int round = 0; round < 2 && g.ok; round++) {
    uint32_t rfi, wfi;
    sg_new_ends(&g, true, SG_U8, &rfi, &wfi);
    uint64_t retp = 16;
    uint64_t a[2] = {rfi, retp};
    CHECK_INT(sg_lower(&g, &t->host.fi, lo, a, 2), RETURNED);
    rfi = mem[retp];
    uint64_t readp = 0, writep = 8;
    CHECK_INT(sg_future_read(&g, SG_U8, lo, rfi, readp), BLOCKED);
    mem[writep] = 42;
    CHECK_INT(sg_future_write(&g, SG_U8, lo, wfi, writep), COMPLETED);
    uint32_t seti = 0;
    if (round == 0) {
      seti = sg_waitable_set_new(&g);
      sg_waitable_join(&g, rfi, seti);
      CHECK_INT(sg_wait_event(&g, &t->hc.mem, seti, retp, EV_FUTURE_READ, rfi),
                COMPLETED);
      CHECK_INT(mem[readp], 43);
    } else {
      while (g.ok && !fut_rfi_has_event(t, rfi)) sg_thread_yield(&g, true);
      /* the read finished meanwhile: cancelling it gives its result */
      CHECK_INT(sg_cancel_copy(&g, true, true, SG_U8, false, rfi), COMPLETED);
      CHECK_INT(mem[readp], 43);
    }
    sg_drop_end(&g, true, false, SG_U8, wfi);
    sg_drop_end(&g, true, true, SG_U8, rfi);
    if (round == 0) sg_waitable_set_drop(&g, seti);
  }
  /* a writable end dropped before a value was written traps */
  uint32_t rfi, wfi;
  sg_new_ends(&g, true, SG_U8, &rfi, &wfi);
  canon_trap expected = {0};
  CHECK(!canon_future_drop_writable(&t->hc.inst, SG_U8, wfi, &expected));
  return SG_END;
}

TEST(futures) {
  SG_SCENARIO_BEGIN(fut, &t->hc.inst);
  sg_host_caller_init(&t->hc);
  t->ft_u8 = canon_type_future(t->sc.arena, SG_U8);
  t->param = (canon_field){"f", t->ft_u8};
  t->host_ft = (canon_FuncType){&t->param, 1, t->ft_u8, true};
  sg_host_init(&t->host, &t->sc, &t->host_ft, fut_host, t);
  sg_host_caller_run(&t->sc, &t->hc, fut_core, t);
  CHECK_INT(t->host.ncalls, 2);
  SG_SCENARIO_END;
}

int main(void) {
  UNIT_BEGIN;
  RUN(wasm_to_wasm_stream);
  RUN(wasm_to_wasm_stream_empty);
  RUN(self_copy_none);
  RUN(self_copy_u8);
  RUN(self_copy_f64);
  RUN(receive_own_stream);
  RUN(stream_forward);
  RUN(futures);
  return UNIT_END;
}
