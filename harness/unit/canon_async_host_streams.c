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

enum { RETURNED = 2 };
enum { EV_STREAM_READ = 2, EV_STREAM_WRITE = 3 };
enum { COMPLETED = 0, DROPPED = 1, CANCELLED = 2 };
#define BLOCKED 0xffffffffu

/* The host's half of a scenario: its function's instance, its memory
 * (where the host's buffers live) and the ends it keeps. */
typedef struct hs {
  unit_ctx *u;
  canon_Store s;
  canon_type_arena *arena;
  canon_instance inst;
  uint8_t mem_b[24], host_b[128];
  sg_mem mem, host_mem;
  canon_options lower_opts, lift_opts, host_opts;
  const canon_type *st; /* stream<u8> */
  canon_field param;
  canon_functype sink_ft, source_ft, caller_ft;
  sg_host sink, source;
  canon_lifted l;
  canon_funcinst fi;
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
    canon_thread *saved_ = sg_outside_begin(&(t)->s);                        \
    canon_trap trap_ = {0};                                                  \
    sg hg_ = {(t)->u, &(t)->sink.inst, &trap_, true};                        \
    sg *hg = &hg_;                                                           \
    call;                                                                    \
    sg_outside_end(&(t)->s, saved_);                                         \
    unit_ctx *u_ = (t)->u;                                                   \
    unit_check_(u_, hg_.ok, "host built-in did not trap", __FILE__,          \
                __LINE__);                                                   \
    if (!hg_.ok) fprintf(stderr, "    host trap: %s\n", trap_.msg);          \
  } while (0)

/* The sink asks for n more elements: a read of n into its memory; what
 * arrives is appended to t->received.  Returns the copy's result. */
static uint32_t hs_sink_read(hs *t, uint32_t n) {
  uint32_t ret = 0;
  uint32_t ri = t->host_r;
  canon_instance *hi = &t->sink.inst;
  /* collect what the previous read brought */
  canon_copy_end *e = sg_end(hi, ri, CANON_ENTRY_STREAM_READABLE);
  if (e && canon_waitable_has_pending_event(&e->w)) {
    canon_event ev = canon_waitable_get_pending_event(&e->w);
    memcpy(t->received + t->nreceived, t->host_mem.b, SG_PROGRESS(ev.p2));
    t->nreceived += SG_PROGRESS(ev.p2);
  }
  HOST(t, ret = sg_stream_read(hg, SG_U8, &t->host_opts, ri, 0, n));
  if (ret != BLOCKED) {
    memcpy(t->received + t->nreceived, t->host_mem.b, SG_PROGRESS(ret));
    t->nreceived += SG_PROGRESS(ret);
  }
  return ret;
}

/* The source offers n elements: a write of them from its memory (after
 * collecting the result of its previous write). */
static uint32_t hs_source_write(hs *t, const uint8_t *vs, uint32_t n) {
  uint32_t ret = 0;
  canon_copy_end *e =
      sg_end(&t->source.inst, t->host_w, CANON_ENTRY_STREAM_WRITABLE);
  if (e && canon_waitable_has_pending_event(&e->w))
    canon_waitable_get_pending_event(&e->w);
  memcpy(t->host_mem.b + 64, vs, n);
  canon_thread *saved = sg_outside_begin(&t->s);
  canon_trap trap = {0};
  sg hg = {t->u, &t->source.inst, &trap, true};
  ret = sg_stream_write(&hg, SG_U8, &t->host_opts, t->host_w, 64, n);
  sg_outside_end(&t->s, saved);
  unit_ctx *u = t->u;
  CHECK(hg.ok);
  return ret;
}

/* host function (stream<u8>) -> (): keeps the stream as a sink and, if
 * sink_remain > 0, asks for that many elements at once */
static bool hs_sink_func(sg_host_call *c, void *env, canon_trap *trap) {
  hs *t = env;
  unit_ctx *u = t->u;
  canon_value **args = NULL;
  uint32_t n = 0;
  if (!sg_host_start(c, &args, &n, trap)) return false;
  CHECK_INT(n, 1);
  canon_context cx;
  canon_context_init(&cx, &t->host_opts, &t->sink.inst,
                     (canon_borrow_scope){0});
  bool ok = canon_lower_stream(&cx, args[0], t->st, &t->host_r);
  for (uint32_t i = 0; i < n; i++) canon_value_free(args[i]);
  free(args);
  if (!ok) {
    *trap = cx.trap;
    return false;
  }
  t->nreceived = 0;
  if (t->sink_remain) {
    sg g = {u, &t->sink.inst, trap, true};
    CHECK_INT(sg_stream_read(&g, SG_U8, &t->host_opts, t->host_r, 0,
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
  unit_ctx *u = t->u;
  canon_value **args = NULL;
  uint32_t n = 0;
  if (!sg_host_start(c, &args, &n, trap)) return false;
  CHECK_INT(n, 0);
  free(args);
  sg g = {u, &t->source.inst, trap, true};
  uint32_t r;
  sg_new_ends(&g, false, SG_U8, &r, &t->host_w);
  if (!g.ok) return false;
  canon_context cx;
  canon_context_init(&cx, &t->host_opts, &t->source.inst,
                     (canon_borrow_scope){0});
  canon_value *v = NULL;
  if (!canon_lift_stream(&cx, r, t->st, &v)) {
    *trap = cx.trap;
    return false;
  }
  bool ok = sg_host_resolve(c, &v, 1, trap);
  canon_value_free(v);
  if (ok && t->source_first_n) {
    memcpy(t->host_mem.b + 64, t->source_first, t->source_first_n);
    CHECK_INT(sg_stream_write(&g, SG_U8, &t->host_opts, t->host_w, 64,
                              t->source_first_n),
              BLOCKED);
  }
  return ok && g.ok;
}

static hs *hs_new(unit_ctx *u, canon_functype caller_ft, sg_core_fn core,
                  bool lift_async) {
  hs *t = calloc(1, sizeof *t);
  t->u = u;
  t->arena = canon_type_arena_new();
  canon_store_init(&t->s);
  canon_instance_init(&t->inst, &t->s, NULL);
  sg_mem_init(&t->mem, t->mem_b, sizeof t->mem_b);
  sg_mem_init(&t->host_mem, t->host_b, sizeof t->host_b);
  t->lower_opts = sg_opts(&t->mem, false, true);
  t->lift_opts = sg_opts(NULL, false, lift_async);
  t->host_opts = sg_opts(&t->host_mem, false, true);
  t->st = canon_type_stream(t->arena, SG_U8);
  t->param = (canon_field){"s", t->st};
  t->sink_ft = (canon_functype){&t->param, 1, NULL, false};
  t->source_ft = (canon_functype){NULL, 0, t->st, false};
  t->caller_ft = caller_ft;
  sg_host_init(&t->sink, &t->s, &t->sink_ft, hs_sink_func, t);
  sg_host_init(&t->source, &t->s, &t->source_ft, hs_source_func, t);
  t->fi = sg_lift(&t->l, &t->caller_ft, &t->lift_opts, &t->inst, core, NULL,
                  t);
  return t;
}

static void hs_free(hs *t) {
  canon_store_free(&t->s);
  sg_instance_free(&t->inst);
  sg_instance_free(&t->sink.inst);
  sg_instance_free(&t->source.inst);
  canon_type_arena_free(t->arena);
  free(t);
}

/* ---- cancelling a write the host has partly taken, and reads ------------ */

SG_CORE(cc_core) {
  hs *t = env;
  SG_BEGIN(t->u, &t->inst);
  uint8_t *mem = t->mem.b;
  const canon_options *lo = &t->lower_opts;
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
    ret = sg_cancel_copy(&g, false, false, SG_U8, k == 1, wsi);
    CHECK_INT(SG_PROGRESS(ret), 2);
    CHECK_INT(SG_RESULT(ret), COMPLETED);
    sg_drop_end(&g, false, false, SG_U8, wsi);
    /* host_sink.set_remain(100); consume(100) is None: dropped */
    ret = hs_sink_read(t, 100);
    CHECK_INT(SG_RESULT(ret), DROPPED);
    CHECK_INT(SG_PROGRESS(ret), 0);
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
  CHECK(!canon_cancel_copy_builtin(&t->inst, false, true, SG_U8, true, rsi,
                                   &ignored, &expected));
  sg_drop_end(&g, false, true, SG_U8, rsi);
  return SG_END;
}

TEST(cancel_copy) {
  hs *t = hs_new(u, (canon_functype){NULL, 0, NULL, true}, cc_core, false);
  CHECK(sg_run(&t->s, &t->fi, NULL, 0, NULL));
  CHECK_INT(t->s.nwaiting, 0);
  hs_free(t);
}

/* ---- a host source that gives 2 at a time, a host sink that takes 2,
 * then 4 -------------------------------------------------------------- */

SG_CORE(hprw_core) {
  hs *t = env;
  SG_BEGIN(t->u, &t->inst);
  uint8_t *mem = t->mem.b;
  const canon_options *lo = &t->lower_opts;
  CHECK_INT(nargs, 0);
  /* HostSource([1,2,3,4], chunk=2, destroy_if_empty=False) */
  static const uint8_t b12[2] = {1, 2}, b34[2] = {3, 4}, b56[2] = {5, 6};
  t->source_first = b12;
  t->source_first_n = 2;
  uint64_t retp = 4;
  CHECK_INT(sg_lower(&g, &t->source.fi, lo, &retp, 1), RETURNED);
  uint32_t rsi = mem[retp];
  CHECK_INT(rsi, 1);
  uint32_t ret = sg_stream_read(&g, SG_U8, lo, rsi, 0, 4);
  CHECK_INT(SG_PROGRESS(ret), 2);
  CHECK_INT(SG_RESULT(ret), COMPLETED);
  CHECK(memcmp(mem, b12, 2) == 0);
  /* the source still has [3,4]: it offers the next chunk */
  CHECK_INT(hs_source_write(t, b34, 2), BLOCKED);
  ret = sg_stream_read(&g, SG_U8, lo, rsi, 0, 4);
  CHECK_INT(SG_PROGRESS(ret), 2);
  CHECK_INT(SG_RESULT(ret), COMPLETED);
  CHECK(memcmp(mem, b34, 2) == 0);
  CHECK_INT(sg_stream_read(&g, SG_U8, lo, rsi, 0, 4), BLOCKED);
  /* src.write([5,6]): the pending read takes them */
  CHECK_INT(hs_source_write(t, b56, 2), COMPLETED | (2 << 4));
  uint32_t seti = sg_waitable_set_new(&g);
  sg_waitable_join(&g, rsi, seti);
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->mem, seti, retp),
            EV_STREAM_READ);
  CHECK_INT(mem[retp], rsi);
  CHECK_INT(SG_PROGRESS(mem[retp + 4]), 2);
  CHECK_INT(SG_RESULT(mem[retp + 4]), COMPLETED);
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
  ret = sg_stream_write(&g, SG_U8, lo, wsi, 0, 6);
  CHECK_INT(SG_PROGRESS(ret), 2);
  CHECK_INT(SG_RESULT(ret), COMPLETED);
  CHECK_INT(sg_stream_write(&g, SG_U8, lo, wsi, 2, 4), BLOCKED);
  /* dst.set_remain(4) */
  CHECK_INT(hs_sink_read(t, 4), COMPLETED | (4 << 4));
  sg_waitable_join(&g, wsi, seti);
  CHECK_INT(sg_waitable_set_wait(&g, true, &t->mem, seti, retp),
            EV_STREAM_WRITE);
  CHECK_INT(mem[retp], wsi);
  CHECK_INT(SG_PROGRESS(mem[retp + 4]), 4);
  CHECK_INT(SG_RESULT(mem[retp + 4]), COMPLETED);
  CHECK_INT(t->nreceived, 6);
  CHECK(memcmp(t->received, b1_6, 6) == 0);
  sg_drop_end(&g, false, false, SG_U8, wsi);
  sg_waitable_set_drop(&g, seti);
  /* dst.set_remain(100); dst.consume(100) is None */
  ret = hs_sink_read(t, 100);
  CHECK_INT(SG_RESULT(ret), DROPPED);
  CHECK_INT(SG_PROGRESS(ret), 0);
  CHECK_INT(t->nreceived, 6);
  return SG_END;
}

TEST(host_partial_reads_writes) {
  hs *t = hs_new(u, (canon_functype){NULL, 0, NULL, true}, hprw_core, false);
  CHECK(sg_run(&t->s, &t->fi, NULL, 0, NULL));
  CHECK_INT(t->s.nwaiting, 0);
  hs_free(t);
}

int main(void) {
  UNIT_BEGIN;
  RUN(cancel_copy);
  RUN(host_partial_reads_writes);
  return UNIT_END;
}
