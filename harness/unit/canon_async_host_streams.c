/* canon_async_host_streams.c -- scenario tests of streams whose other end
 * the host holds (CanonicalABI.md "canon stream.{read,write}", "canon
 * stream.cancel-{read,write}", SharedStreamImpl): partial reads and
 * writes against a host that offers or takes a few elements at a time,
 * and cancelling copies.  The scenarios are those of the spec's
 * run_tests.py (see README.md for the pairs); every expected value was
 * derived from the spec by hand.
 *
 * The spec's tests implement the host's side in Python (HostSource,
 * HostSink: ReadableStream / WritableBuffer objects of the host).  canon/
 * has no host-implemented stream: here the host keeps its ends in its own
 * instance's table and acts with the built-ins, outside any task
 * (sg_outside_begin), at the points where the Python host's threads act.
 * A HostSource that "has" elements is a host write pending with as many
 * of them as its chunk allows; a HostSink that wants n elements is a host
 * read of n pending.  What cannot be played that way is marked KNOWN. */
#include "harness/unit/canon_guest.h"
#include "canon/load_store.h"

/* The host's half of a scenario: its function's instance, its memory
 * (where the host's buffers live) and the ends it keeps. */
typedef struct hs {
  sg_scene sc;
  sg_host_caller hc;
  const canon_type *st; /* stream<u8> */
  canon_field param;
  canon_FuncType sink_ft, source_ft;
  sg_host sink, source;
  uint32_t host_r;       /* the host's readable end (a sink) */
  uint32_t host_w;       /* the host's writable end (a source) */
  uint32_t sink_remain;  /* what a new sink asks for first */
  const uint8_t *source_first; /* what a new source offers first */
  uint32_t source_first_n;
  uint8_t received[16];  /* what the sink got, in order */
  uint32_t nreceived;
} hs;

/* A built-in of the host's instance, outside any task; false (and a
 * failed check) if it traps. */
#define HOST(t, call)                                                        \
  do {                                                                       \
    canon_Thread *saved_ = sg_outside_begin(&(t)->sc.s);                     \
    canon_trap trap_ = {0};                                                  \
    sg hg_ = {(t)->sc.u, &(t)->sink.inst, &trap_, true};                     \
    sg *hg = &hg_;                                                           \
    call;                                                                    \
    sg_outside_end(&(t)->sc.s, saved_);                                      \
    unit_ctx *u_ = (t)->sc.u;                                                \
    unit_check_(u_, hg_.ok, "host built-in did not trap", __FILE__,          \
                __LINE__);                                                   \
    if (!hg_.ok) fprintf(stderr, "    host trap: %s\n", trap_.msg);          \
  } while (0)

/* The sink asks for n more elements: a read of n into its memory; what
 * arrives is appended to t->received.  Returns the copy's result. */
static uint32_t hs_sink_read(hs *t, uint32_t n) {
  uint32_t ret = 0;
  uint32_t ri = t->host_r;
  canon_ComponentInstance *hi = &t->sink.inst;
  /* collect what the previous read brought */
  canon_CopyEnd *e = sg_end(hi, ri, CANON_ENTRY_STREAM_READABLE);
  if (e && canon_Waitable_has_pending_event(&e->w)) {
    canon_event ev = canon_Waitable_get_pending_event(&e->w);
    memcpy(t->received + t->nreceived, t->hc.host_mem.b, SG_PROGRESS(ev.p2));
    t->nreceived += SG_PROGRESS(ev.p2);
  }
  HOST(t, ret = sg_stream_read(hg, SG_U8, &t->hc.host_opts, ri, 0, n));
  if (ret != BLOCKED) {
    memcpy(t->received + t->nreceived, t->hc.host_mem.b, SG_PROGRESS(ret));
    t->nreceived += SG_PROGRESS(ret);
  }
  return ret;
}

/* The source offers n elements: a write of them from its memory (after
 * collecting the result of its previous write). */
static uint32_t hs_source_write(hs *t, const uint8_t *vs, uint32_t n) {
  uint32_t ret = 0;
  canon_CopyEnd *e =
      sg_end(&t->source.inst, t->host_w, CANON_ENTRY_STREAM_WRITABLE);
  if (e && canon_Waitable_has_pending_event(&e->w))
    canon_Waitable_get_pending_event(&e->w);
  memcpy(t->hc.host_mem.b + 64, vs, n);
  canon_Thread *saved = sg_outside_begin(&t->sc.s);
  canon_trap trap = {0};
  sg hg = {t->sc.u, &t->source.inst, &trap, true};
  ret = sg_stream_write(&hg, SG_U8, &t->hc.host_opts, t->host_w, 64, n);
  sg_outside_end(&t->sc.s, saved);
  unit_ctx *u = t->sc.u;
  CHECK(hg.ok);
  return ret;
}

/* host function (stream<u8>) -> (): keeps the stream as a sink and, if
 * sink_remain > 0, asks for that many elements at once */
static bool hs_sink_func(sg_host_call *c, void *env, canon_trap *trap) {
  hs *t = env;
  SG_HOST_ARGS(t->sc.u, 1);
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->hc.host_opts, &t->sink.inst,
                     (canon_borrow_scope){0});
  bool ok = canon_lower_stream(&cx, args[0], t->st, &t->host_r);
  sg_host_args_free(args, n);
  if (!ok) {
    *trap = cx.trap;
    return false;
  }
  t->nreceived = 0;
  if (t->sink_remain) {
    sg g = {u, &t->sink.inst, trap, true};
    CHECK_INT(sg_stream_read(&g, SG_U8, &t->hc.host_opts, t->host_r, 0,
                             t->sink_remain),
              BLOCKED);
    if (!g.ok) return false;
  }
  return sg_host_resolve(c, NULL, 0, trap);
}

/* host function () -> stream<u8>: a new stream whose writable end the
 * host keeps, offering source_first at once if set */
static bool hs_source_func(sg_host_call *c, void *env, canon_trap *trap) {
  hs *t = env;
  SG_HOST_ARGS(t->sc.u, 0);
  free(args);
  sg g = {u, &t->source.inst, trap, true};
  uint32_t r;
  sg_new_ends(&g, false, SG_U8, &r, &t->host_w);
  if (!g.ok) return false;
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->hc.host_opts, &t->source.inst,
                     (canon_borrow_scope){0});
  canon_value *v = NULL;
  if (!canon_lift_stream(&cx, r, t->st, &v)) {
    *trap = cx.trap;
    return false;
  }
  bool ok = sg_host_resolve(c, &v, 1, trap);
  canon_value_free(v);
  if (ok && t->source_first_n) {
    memcpy(t->hc.host_mem.b + 64, t->source_first, t->source_first_n);
    CHECK_INT(sg_stream_write(&g, SG_U8, &t->hc.host_opts, t->host_w, 64,
                              t->source_first_n),
              BLOCKED);
  }
  return ok && g.ok;
}

/* Runs core, lifted without the async option as an `async func()`, beside
 * a host sink and a host source until nothing is left to run, and checks
 * that nothing is left waiting. */
static void hs_run(unit_ctx *u, sg_core_fn core) {
  SG_SCENARIO_BEGIN(hs, &t->hc.inst);
  sg_host_caller_init(&t->hc);
  t->st = canon_type_stream(t->sc.arena, SG_U8);
  t->param = (canon_field){"s", t->st};
  t->sink_ft = (canon_FuncType){&t->param, 1, NULL, false};
  t->source_ft = (canon_FuncType){NULL, 0, t->st, false};
  sg_host_init(&t->sink, &t->sc, &t->sink_ft, hs_sink_func, t);
  sg_host_init(&t->source, &t->sc, &t->source_ft, hs_source_func, t);
  sg_host_caller_run(&t->sc, &t->hc, core, t);
  SG_SCENARIO_END;
}

/* ---- cancelling a write the host has partly taken, and reads ------------ */

SG_CORE(cc_core) {
  SG_BEGIN(hs, hc.inst);
  uint8_t *mem = t->hc.mem.b;
  const canon_CanonicalOptions *lo = &t->hc.lower_opts;
  CHECK_INT(nargs, 0);
  static const uint8_t first[2][4] = {{0xa, 0xb, 0xc, 0xd}, {1, 2, 3, 4}};
  for (int k = 0; k < 2 && g.ok; k++) {
    uint32_t rsi, wsi;
    sg_new_ends(&g, false, SG_U8, &rsi, &wsi);
    uint64_t a = rsi;
    t->sink_remain = 0; /* HostSink(stream, 2, remain = 0) */
    CHECK_INT(sg_lower(&g, &t->sink.fi, lo, &a, 1), RETURNED);
    memcpy(mem, first[k], 4);
    CHECK_INT(sg_stream_write(&g, SG_U8, lo, wsi, 0, 4), BLOCKED);
    /* host_sink.set_remain(2); consume(2) */
    uint32_t ret = hs_sink_read(t, 2);
    CHECK_INT(SG_RESULT(ret), COMPLETED);
    CHECK_INT(SG_PROGRESS(ret), 2);
    CHECK_INT(t->nreceived, 2);
    CHECK(memcmp(t->received, first[k], 2) == 0);
    /* sync (k = 0) or async (k = 1): the write's result is already there */
    CHECK_COPY(sg_cancel_copy(&g, false, false, SG_U8, k == 1, wsi),
               2, COMPLETED);
    sg_drop_end(&g, false, false, SG_U8, wsi);
    /* host_sink.set_remain(100); consume(100) is None: dropped */
    CHECK_COPY(hs_sink_read(t, 100), 0, DROPPED);
    HOST(t, sg_drop_end(hg, false, true, SG_U8, t->host_r));
  }

  /* a read from a host source with nothing to give, cancelled */
  uint64_t retp = 16;
  t->source_first_n = 0;
  CHECK_INT(sg_lower(&g, &t->source.fi, lo, &retp, 1), RETURNED);
  uint32_t rsi = mem[retp];
  CHECK_INT(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), BLOCKED);
  uint32_t ret = sg_cancel_copy(&g, false, true, SG_U8, false, rsi);
  CHECK_INT(SG_PROGRESS(ret), 0);
  CHECK_INT(SG_RESULT(ret), CANCELLED);
  sg_drop_end(&g, false, true, SG_U8, rsi);

  /* again, with a host whose cancellation finishes later */
  CHECK_INT(sg_lower(&g, &t->source.fi, lo, &retp, 1), RETURNED);
  rsi = mem[retp];
  CHECK_INT(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), BLOCKED);
  ret = sg_cancel_copy(&g, false, true, SG_U8, true, rsi);
  if (ret != BLOCKED) {
    /* host_source.block_cancel(): the spec's host stream may finish a
     * cancellation later, so cancel-read returns BLOCKED and the event
     * comes after host_source.write([7,8]) with n=2 CANCELLED.  canon/'s
     * only stream is the spec's SharedStreamImpl, whose cancel finishes
     * at once: cmref returns n=0 CANCELLED here, as the spec does for a
     * stream between two instances.  The rest cannot be played. */
    KNOWN("cancel_copy: a host stream whose cancellation finishes later "
          "(HostSource.block_cancel) cannot be made with canon/");
    CHECK_INT(ret, CANCELLED);
  }
  /* a second cancellation traps: the copy is no longer in progress */
  canon_trap expected = {0};
  uint32_t ignored;
  CHECK(!canon_stream_cancel_read(&t->hc.inst, SG_U8, true, rsi, &ignored,
                                  &expected));
  sg_drop_end(&g, false, true, SG_U8, rsi);
  return SG_END;
}

TEST(cancel_copy) {
  hs_run(u, cc_core);
}

/* ---- a host source that gives 2 at a time, a host sink that takes 2,
 * then 4 -------------------------------------------------------------- */

SG_CORE(hprw_core) {
  SG_BEGIN(hs, hc.inst);
  uint8_t *mem = t->hc.mem.b;
  const canon_CanonicalOptions *lo = &t->hc.lower_opts;
  CHECK_INT(nargs, 0);
  /* HostSource([1,2,3,4], chunk=2, destroy_if_empty=False) */
  static const uint8_t b12[2] = {1, 2}, b34[2] = {3, 4}, b56[2] = {5, 6};
  t->source_first = b12;
  t->source_first_n = 2;
  uint64_t retp = 4;
  CHECK_INT(sg_lower(&g, &t->source.fi, lo, &retp, 1), RETURNED);
  uint32_t rsi = mem[retp];
  CHECK_INT(rsi, 1);
  CHECK_COPY(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), 2, COMPLETED);
  CHECK(memcmp(mem, b12, 2) == 0);
  /* the source still has [3,4]: it offers the next chunk */
  CHECK_INT(hs_source_write(t, b34, 2), BLOCKED);
  CHECK_COPY(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), 2, COMPLETED);
  CHECK(memcmp(mem, b34, 2) == 0);
  CHECK_INT(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), BLOCKED);
  /* src.write([5,6]): the pending read takes them */
  CHECK_INT(hs_source_write(t, b56, 2), COMPLETED | (2 << 4));
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, rsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->hc.mem, seti, retp, EV_STREAM_READ, rsi),
             2, COMPLETED);
  sg_drop_end(&g, false, true, SG_U8, rsi);

  uint32_t wsi;
  sg_new_ends(&g, false, SG_U8, &rsi, &wsi);
  CHECK_INT(rsi, 1);
  CHECK_INT(wsi, 3);
  /* HostSink(s, chunk=1, remain=2) */
  t->sink_remain = 2;
  uint64_t a = rsi;
  CHECK_INT(sg_lower(&g, &t->sink.fi, lo, &a, 1), RETURNED);
  static const uint8_t b1_6[6] = {1, 2, 3, 4, 5, 6};
  memcpy(mem, b1_6, 6);
  CHECK_COPY(sg_stream_write(&g, SG_U8, lo, wsi, 0, 6), 2, COMPLETED);
  CHECK_INT(sg_stream_write(&g, SG_U8, lo, wsi, 2, 4), BLOCKED);
  /* dst.set_remain(4) */
  CHECK_INT(hs_sink_read(t, 4), COMPLETED | (4 << 4));
  sg_waitable_join(&g, wsi, seti);
  CHECK_COPY(sg_wait_event(&g, &t->hc.mem, seti, retp, EV_STREAM_WRITE, wsi),
             4, COMPLETED);
  CHECK_INT(t->nreceived, 6);
  CHECK(memcmp(t->received, b1_6, 6) == 0);
  sg_drop_end(&g, false, false, SG_U8, wsi);
  sg_waitable_set_drop(&g, seti);
  /* dst.set_remain(100); dst.consume(100) is None */
  CHECK_COPY(hs_sink_read(t, 100), 0, DROPPED);
  CHECK_INT(t->nreceived, 6);
  return SG_END;
}

TEST(host_partial_reads_writes) {
  hs_run(u, hprw_core);
}

/* ---- streams through a host function that adds 10 ---------------------- */

/* The embedder's side (env: its own instance and memory) holds the source
 * given as the argument and the sink of the result; the host function
 * (fh, on its own thread) is a sink of the stream it is given and a
 * source of the stream it returns, and writes each element it reads + 10,
 * four at a time (consume(4)). */
typedef struct esc {
  sg_scene sc;
  canon_ComponentInstance inst, env;
  uint8_t mem_b[24], env_b[64], fh_b[128];
  sg_mem mem, env_mem, fh_mem;
  canon_CanonicalOptions opts, sync_opts, env_opts, fh_opts;
  const canon_type *st;
  canon_field param;
  canon_FuncType ft;
  sg_host fh;
  canon_lifted l;
  canon_funcinst fi;
  bool async_ft;         /* async_stream_ops; else eager_stream_completion */
  uint32_t env_w, env_r; /* the source's writable end, the sink's readable */
  uint8_t env_got[16];   /* what the embedder's sink got */
  uint32_t env_ngot;
  uint32_t fh_r, fh_w;   /* the host function's incoming and outgoing */
  bool fh_wants;         /* its sink wants elements (remain > 0) */
  bool fh_dropped;       /* its incoming stream ended */
  uint8_t fh_got[16];    /* what its sink got and has not used yet */
  uint32_t fh_ngot;
} esc;

/* Runs op(g, t) as the host acting outside any task, on instance inst. */
static uint32_t esc_outside(esc *t, canon_ComponentInstance *inst,
                            uint32_t (*op)(sg *g, esc *t, const void *arg),
                            const void *arg) {
  canon_Thread *saved = sg_outside_begin(&t->sc.s);
  canon_trap trap = {0};
  sg g = {t->sc.u, inst, &trap, true};
  uint32_t ret = op(&g, t, arg);
  sg_outside_end(&t->sc.s, saved);
  unit_ctx *u = t->sc.u;
  if (!CHECK(g.ok)) fprintf(stderr, "    host trap: %s\n", trap.msg);
  return ret;
}

typedef struct esc_bytes { const uint8_t *b; uint32_t n; } esc_bytes;

/* the embedder's source offers bytes (after collecting its previous
 * write's result) */
static uint32_t esc_source_write(sg *g, esc *t, const void *arg) {
  const esc_bytes *bs = arg;
  canon_CopyEnd *e = sg_end(&t->env, t->env_w, CANON_ENTRY_STREAM_WRITABLE);
  if (e && canon_Waitable_has_pending_event(&e->w))
    canon_Waitable_get_pending_event(&e->w);
  memcpy(t->env_mem.b, bs->b, bs->n);
  return sg_stream_write(g, SG_U8, &t->env_opts, t->env_w, 0, bs->n);
}
/* the source ends (after collecting its last write's result) */
static uint32_t esc_source_drop(sg *g, esc *t, const void *arg) {
  (void)arg;
  canon_CopyEnd *e = sg_end(&t->env, t->env_w, CANON_ENTRY_STREAM_WRITABLE);
  if (e && canon_Waitable_has_pending_event(&e->w))
    canon_Waitable_get_pending_event(&e->w);
  sg_drop_end(g, false, false, SG_U8, t->env_w);
  return 0;
}

/* A HostSink's read loop, once: reads (16 at a time, into memory at
 * `at`) until a read stays pending or the stream ends; what reads return
 * at once is appended to got.  Returns the last result. */
static uint32_t esc_pull(sg *g, const canon_CanonicalOptions *o, uint32_t ri,
                         sg_mem *m, uint64_t at, uint8_t *got,
                         uint32_t *ngot, bool *dropped) {
  uint32_t ret = BLOCKED;
  while (g->ok && !*dropped) {
    canon_CopyEnd *e = sg_end(g->inst, ri, CANON_ENTRY_STREAM_READABLE);
    if (!e || e->state != CANON_COPY_IDLE) break; /* a read is pending */
    ret = sg_stream_read(g, SG_U8, o, ri, at, 16);
    if (ret == BLOCKED) break;
    memcpy(got + *ngot, m->b + at, SG_PROGRESS(ret));
    *ngot += SG_PROGRESS(ret);
    if (SG_RESULT(ret) == DROPPED) *dropped = true;
  }
  return ret;
}

static uint32_t esc_env_pull(sg *g, esc *t, const void *arg) {
  (void)arg;
  bool dropped = false;
  return esc_pull(g, &t->env_opts, t->env_r, &t->env_mem, 32, t->env_got,
                  &t->env_ngot, &dropped);
}
static uint32_t esc_fh_pull(sg *g, esc *t, const void *arg) {
  (void)arg;
  t->fh_wants = true;
  return esc_pull(g, &t->fh_opts, t->fh_r, &t->fh_mem, 0, t->fh_got,
                  &t->fh_ngot, &t->fh_dropped);
}

/* on_start: the embedder's source, as the argument */
static bool esc_on_start(void *env, canon_value ***args, uint32_t *n,
                         canon_trap *trap) {
  esc *t = env;
  canon_Thread *saved = sg_outside_begin(&t->sc.s);
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->env_opts, &t->env, (canon_borrow_scope){0});
  canon_value **vs = calloc(1, sizeof *vs);
  if (!vs) abort();
  uint32_t r = 0;
  sg g = {t->sc.u, &t->env, trap, true};
  sg_new_ends(&g, false, SG_U8, &r, &t->env_w);
  bool ok = g.ok && canon_lift_stream(&cx, r, t->st, &vs[0]);
  sg_outside_end(&t->sc.s, saved);
  if (!ok) {
    free(vs);
    if (g.ok) *trap = cx.trap;
    return false;
  }
  *args = vs;
  *n = 1;
  if (!t->async_ft) {
    /* HostSource([1..8], chunk=4): it has its first chunk at once */
    static const uint8_t b1234[4] = {1, 2, 3, 4};
    esc_bytes first = {b1234, 4};
    unit_ctx *u = t->sc.u;
    CHECK_INT(esc_outside(t, &t->env, esc_source_write, &first), BLOCKED);
  }
  return true;
}

/* on_resolve: dst_stream = HostSink(results[0], chunk=4, remain): it reads
 * at once unless remain is 0 (async_stream_ops) */
static bool esc_on_resolve(void *env, canon_value *const *vs, uint32_t n,
                           canon_trap *trap) {
  esc *t = env;
  unit_ctx *u = t->sc.u;
  if (!CHECK(vs && n == 1)) return true;
  canon_Thread *saved = sg_outside_begin(&t->sc.s);
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->env_opts, &t->env, (canon_borrow_scope){0});
  bool ok = canon_lower_stream(&cx, vs[0], t->st, &t->env_r);
  sg_outside_end(&t->sc.s, saved);
  if (!ok) {
    *trap = cx.trap;
    return false;
  }
  if (!t->async_ft) esc_outside(t, &t->env, esc_env_pull, NULL);
  return true;
}

static bool esc_has_event(void *env) {
  return canon_Waitable_has_pending_event(env);
}

/* the host function has something to do */
static bool esc_fh_ready(void *env) {
  esc *t = env;
  canon_CopyEnd *in = sg_end(&t->fh.inst, t->fh_r, CANON_ENTRY_STREAM_READABLE);
  return (in && canon_Waitable_has_pending_event(&in->w)) ||
         t->fh_ngot >= 4 || t->fh_dropped;
}

/* the reader of its outgoing stream has taken the event of its last
 * copy (a drop before that would turn that event into DROPPED, which a
 * HostSource that is already empty does not do) */
static bool esc_fh_out_idle(void *env) {
  esc *t = env;
  canon_CopyEnd *o = sg_end(&t->fh.inst, t->fh_w, CANON_ENTRY_STREAM_WRITABLE);
  if (!o || !o->shared->pending_buffer) return true;
  return !canon_Waitable_has_pending_event(&o->shared->pending_end->w);
}

static bool esc_fh(sg_host_call *c, void *env, canon_trap *trap) {
  esc *t = env;
  SG_HOST_ARGS(t->sc.u, 1);
  canon_ComponentInstance *hi = &t->fh.inst;
  sg g = {u, hi, trap, true};
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, &t->fh_opts, hi, (canon_borrow_scope){0});
  bool ok = canon_lower_stream(&cx, args[0], t->st, &t->fh_r);
  sg_host_args_free(args, n);
  uint32_t r = 0;
  sg_new_ends(&g, false, SG_U8, &r, &t->fh_w);
  canon_value *out = NULL;
  ok = ok && g.ok && canon_lift_stream(&cx, r, t->st, &out);
  if (!ok) {
    if (g.ok) *trap = cx.trap;
    return false;
  }
  ok = sg_host_resolve(c, &out, 1, trap);
  canon_value_free(out);
  if (!ok) return false;
  /* HostSink(args[0], chunk=4): reads at once, unless remain = 0 */
  if (!t->async_ft) esc_fh_pull(&g, t, NULL);
  bool cancelled;
  while (g.ok) {
    if (!sg_host_wait_until(c, esc_fh_ready, t, &cancelled, trap))
      return false;
    canon_CopyEnd *in = sg_end(hi, t->fh_r, CANON_ENTRY_STREAM_READABLE);
    if (in && canon_Waitable_has_pending_event(&in->w)) {
      canon_event ev = canon_Waitable_get_pending_event(&in->w);
      memcpy(t->fh_got + t->fh_ngot, t->fh_mem.b, SG_PROGRESS(ev.p2));
      t->fh_ngot += SG_PROGRESS(ev.p2);
      if (SG_RESULT(ev.p2) == DROPPED) t->fh_dropped = true;
    }
    while (t->fh_ngot >= 4 && g.ok) {
      for (int i = 0; i < 4; i++) t->fh_mem.b[64 + i] = t->fh_got[i] + 10;
      memmove(t->fh_got, t->fh_got + 4, t->fh_ngot - 4);
      t->fh_ngot -= 4;
      /* outgoing.write(vs): the HostSource keeps them until read */
      uint32_t ret = sg_stream_write(&g, SG_U8, &t->fh_opts, t->fh_w, 64, 4);
      if (ret == BLOCKED) {
        canon_CopyEnd *o = sg_end(hi, t->fh_w, CANON_ENTRY_STREAM_WRITABLE);
        if (!sg_host_wait_until(c, esc_has_event, o, &cancelled, trap))
          return false;
        ret = canon_Waitable_get_pending_event(&o->w).p2;
      }
      CHECK_INT(ret, COMPLETED | (4 << 4));
    }
    if (t->fh_dropped) break;
    if (t->fh_wants) esc_fh_pull(&g, t, NULL);
  }
  /* destroy_once_empty: the reader saw its last elements; then drop */
  if (!sg_host_wait_until(c, esc_fh_out_idle, t, &cancelled, trap))
    return false;
  sg_drop_end(&g, false, true, SG_U8, t->fh_r);
  sg_drop_end(&g, false, false, SG_U8, t->fh_w);
  return g.ok;
}

/* HostSource.read takes a source's last elements: with destroy_if_empty
 * the read completes with DROPPED at once (the "eager completion" of the
 * scenario's name).  canon/'s only stream is the spec's SharedStreamImpl,
 * which tells a reader that the writer dropped only on a later copy, so
 * the played host cannot do it: the read completes with COMPLETED. */
static void esc_last_read(sg *g, esc *t, uint32_t ret) {
  unit_ctx *u = t->sc.u;
  CHECK_INT(SG_PROGRESS(ret), 4);
  if (g->ok && SG_RESULT(ret) != DROPPED) {
    KNOWN("a host source that ends with its last elements (HostSource "
          "destroy_if_empty) cannot be made with canon/");
    CHECK_INT(SG_RESULT(ret), COMPLETED);
  }
  CHECK_INT(esc_outside(t, &t->env, esc_source_drop, NULL), 0);
}

static const uint8_t b1234[4] = {1, 2, 3, 4}, b5678[4] = {5, 6, 7, 8};

SG_CORE(esc_core) {
  SG_BEGIN(esc, inst);
  uint8_t *mem = t->mem.b;
  const canon_CanonicalOptions *o = &t->opts, *so = &t->sync_opts;
  CHECK_INT(nargs, 1);
  uint32_t rsi1 = (uint32_t)args[0];
  CHECK_INT(rsi1, 1);
  uint32_t rsi2, wsi2;
  sg_new_ends(&g, false, SG_U8, &rsi2, &wsi2);
  sg_task_return(&g, t->st, o, rsi2);
  CHECK_COPY(sg_stream_read(&g, SG_U8, o, rsi1, 0, 4), 4, COMPLETED);
  CHECK(memcmp(mem, b1234, 4) == 0);
  uint32_t rsi3, wsi3;
  sg_new_ends(&g, false, SG_U8, &rsi3, &wsi3);
  uint64_t retp = 12;
  uint64_t a[2] = {rsi3, retp};
  CHECK_INT(sg_lower(&g, &t->fh.fi, o, a, 2), RETURNED);
  uint32_t rsi4 = mem[retp];
  CHECK_COPY(sg_stream_write(&g, SG_U8, o, wsi3, 0, 4), 4, COMPLETED);
  CHECK_COPY(sg_stream_read(&g, SG_U8, so, rsi4, 0, 4), 4, COMPLETED);
  CHECK_COPY(sg_stream_write(&g, SG_U8, o, wsi2, 0, 4), 4, COMPLETED);
  /* the source still has 5..8 */
  esc_bytes rest = {b5678, 4};
  CHECK_INT(esc_outside(t, &t->env, esc_source_write, &rest), BLOCKED);
  esc_last_read(&g, t, sg_stream_read(&g, SG_U8, o, rsi1, 0, 4));
  CHECK(memcmp(mem, b5678, 4) == 0);
  CHECK_COPY(sg_stream_write(&g, SG_U8, so, wsi3, 0, 4), 4, COMPLETED);
  CHECK_COPY(sg_stream_read(&g, SG_U8, so, rsi4, 0, 4), 4, COMPLETED);
  CHECK_COPY(sg_stream_write(&g, SG_U8, so, wsi2, 0, 4), 4, COMPLETED);
  sg_drop_end(&g, false, true, SG_U8, rsi1);
  sg_drop_end(&g, false, true, SG_U8, rsi4);
  sg_drop_end(&g, false, false, SG_U8, wsi2);
  sg_drop_end(&g, false, false, SG_U8, wsi3);
  return SG_END;
}

SG_CORE(aso_core) {
  SG_BEGIN(esc, inst);
  uint8_t *mem = t->mem.b;
  const canon_CanonicalOptions *o = &t->opts, *so = &t->sync_opts;
  uint32_t rsi1 = (uint32_t)args[0];
  CHECK_INT(rsi1, 1);
  uint32_t rsi2, wsi2;
  sg_new_ends(&g, false, SG_U8, &rsi2, &wsi2);
  sg_task_return(&g, t->st, o, rsi2);
  CHECK_INT(sg_stream_read(&g, SG_U8, o, rsi1, 0, 4), BLOCKED);
  /* src_stream.write([1,2,3,4]) */
  esc_bytes first = {b1234, 4};
  CHECK_INT(esc_outside(t, &t->env, esc_source_write, &first),
            COMPLETED | (4 << 4));
  uint64_t retp = 16;
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, rsi1, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem, seti, retp, EV_STREAM_READ, rsi1),
             4, COMPLETED);
  CHECK(memcmp(mem, b1234, 4) == 0);
  uint32_t rsi3, wsi3;
  sg_new_ends(&g, false, SG_U8, &rsi3, &wsi3);
  uint64_t a[2] = {rsi3, retp};
  CHECK_INT(sg_lower(&g, &t->fh.fi, o, a, 2), RETURNED);
  uint32_t rsi4 = mem[16];
  CHECK_INT(rsi4, 4);
  CHECK_INT(sg_stream_write(&g, SG_U8, o, wsi3, 0, 4), BLOCKED);
  /* host_import_incoming.set_remain(100) */
  esc_outside(t, &t->fh.inst, esc_fh_pull, NULL);
  sg_waitable_join(&g, wsi3, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem, seti, retp, EV_STREAM_WRITE, wsi3),
             4, COMPLETED);
  CHECK_COPY(sg_stream_read(&g, SG_U8, so, rsi4, 0, 4), 4, COMPLETED);
  CHECK_INT(sg_stream_write(&g, SG_U8, o, wsi2, 0, 4), BLOCKED);
  /* dst_stream.set_remain(100) */
  esc_outside(t, &t->env, esc_env_pull, NULL);
  sg_waitable_join(&g, wsi2, seti);
  CHECK_COPY(sg_wait_event(&g, &t->mem, seti, retp, EV_STREAM_WRITE, wsi2),
             4, COMPLETED);
  /* src_stream.write([5,6,7,8]); src_stream.destroy_once_empty() */
  esc_bytes rest = {b5678, 4};
  CHECK_INT(esc_outside(t, &t->env, esc_source_write, &rest), BLOCKED);
  esc_last_read(&g, t, sg_stream_read(&g, SG_U8, o, rsi1, 0, 4));
  sg_drop_end(&g, false, true, SG_U8, rsi1);
  CHECK(memcmp(mem, b5678, 4) == 0);
  CHECK_COPY(sg_stream_write(&g, SG_U8, o, wsi3, 0, 4), 4, COMPLETED);
  sg_drop_end(&g, false, false, SG_U8, wsi3);
  CHECK_INT(sg_stream_read(&g, SG_U8, o, rsi4, 0, 4), BLOCKED);
  sg_waitable_join(&g, rsi4, seti);
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->mem, seti, retp),
            EV_STREAM_READ);
  CHECK_INT(mem[retp], rsi4);
  sg_waitable_join(&g, rsi4, 0);
  CHECK_COPY(mem[retp + 4], 4, COMPLETED);
  CHECK_INT(sg_stream_read(&g, SG_U8, so, rsi4, 0, 4), DROPPED);
  sg_drop_end(&g, false, true, SG_U8, rsi4);
  CHECK_COPY(sg_stream_write(&g, SG_U8, o, wsi2, 0, 4), 4, COMPLETED);
  sg_drop_end(&g, false, false, SG_U8, wsi2);
  sg_waitable_set_drop(&g, seti);
  return SG_END;
}

static void esc_run(unit_ctx *u, bool async_ft, sg_core_fn core) {
  SG_SCENARIO_BEGIN(esc, &t->inst);
  t->async_ft = async_ft;
  sg_scene_add(&t->sc, &t->env, NULL);
  sg_mem_init(&t->mem, t->mem_b, async_ft ? 24 : 20);
  sg_mem_init(&t->env_mem, t->env_b, sizeof t->env_b);
  sg_mem_init(&t->fh_mem, t->fh_b, sizeof t->fh_b);
  t->opts = sg_opts(&t->mem, false, true);
  t->sync_opts = sg_opts(&t->mem, false, false);
  t->env_opts = sg_opts(&t->env_mem, false, true);
  t->fh_opts = sg_opts(&t->fh_mem, false, true);
  t->st = canon_type_stream(t->sc.arena, SG_U8);
  t->param = (canon_field){"s", t->st};
  t->ft = (canon_FuncType){&t->param, 1, t->st, async_ft};
  sg_host_init(&t->fh, &t->sc, &t->ft, esc_fh, t);
  t->fi = sg_lift(&t->l, &t->ft, &t->opts, &t->inst, core, NULL, t);

  /* lift_and_run with on_start / on_resolve of the embedder */
  canon_trap trap = {0};
  canon_call_hooks hooks = {t, esc_on_start, esc_on_resolve};
  canon_Task *on_cancel = NULL;
  bool ok = sg_call(&t->sc.s, &t->fi, &hooks, &on_cancel, &trap);
  ok = ok && sg_drain(&t->sc.s, &trap);
  if (!ok) fprintf(stderr, "    trap: %s\n", trap.msg);
  CHECK(ok);
  CHECK_INT(t->sc.s.nwaiting, 0);
  /* dst_stream.received == [11..18]: what its reads returned at once,
   * then what its last read got (the writer has dropped) */
  canon_CopyEnd *e = sg_end(&t->env, t->env_r, CANON_ENTRY_STREAM_READABLE);
  if (CHECK(e && canon_Waitable_has_pending_event(&e->w))) {
    canon_event ev = canon_Waitable_get_pending_event(&e->w);
    CHECK_INT(SG_RESULT(ev.p2), DROPPED);
    memcpy(t->env_got + t->env_ngot, t->env_mem.b + 32, SG_PROGRESS(ev.p2));
    t->env_ngot += SG_PROGRESS(ev.p2);
  }
  static const uint8_t want[8] = {11, 12, 13, 14, 15, 16, 17, 18};
  CHECK_INT(t->env_ngot, 8);
  CHECK(memcmp(t->env_got, want, 8) == 0);
  SG_SCENARIO_END;
}

TEST(eager_stream_completion) { esc_run(u, false, esc_core); }
TEST(async_stream_ops) { esc_run(u, true, aso_core); }

int main(void) {
  UNIT_BEGIN;
  RUN(cancel_copy);
  RUN(host_partial_reads_writes);
  RUN(eager_stream_completion);
  RUN(async_stream_ops);
  return UNIT_END;
}
