/* async_gen.c -- see async_gen.h.
 *
 * The script has one component definition with 2 or 3 child components
 * C0, C1[, C2], instantiated in a chain: Ck imports C(k-1)'s exports
 *   a: async (param u32) (result u32)        callback lift
 *   b: async (param u32) (result u32)        stackful lift
 *   c: (param string) (result u32)           sync lift, realloc
 *   d: async (param u32) (result string)     callback lift, task.return
 *                                            (result string)
 *   e: async (param (stream string)) (result u32)  callback lift
 * and lowers each both sync and async.  Every core function of a child is
 * a random sequence of calls to built-ins (and to those lowered imports)
 * whose operands are read from 16 "handle slots" at the start of linear
 * memory, where earlier calls stored the handles they made: so most calls
 * name handles that exist, and runs go deep instead of trapping at once.
 * Pointers point into buffers of the one page of memory, lengths are
 * small; a few operands are deliberately wild.
 *
 * Every decision takes one input byte (0 once the input is used up, which
 * always picks the shortest form), so libFuzzer's mutations map onto
 * program changes.  Termination: fuel, the thread limit, and callbacks
 * that EXIT every 2^k calls.
 *
 * The core modules with the generated code ($M, $R) are written as text
 * or, for the fuzzer, as `(core module binary ...)` (async_emit.h): the
 * same code either way, but decoding the binary costs a fraction of
 * parsing its text. */
#include "async_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "async_emit.h"

typedef struct gen {
  const uint8_t *p;
  size_t n, i;
  emit e;         /* the script; code as text or binary */
  int k;          /* the child component being written */
  bool realloc_builtins;
  bool wild_result_ptrs;
  bool used[96];  /* builtins[] the child's code calls (only those are
                     defined and imported: less text to parse per run) */
  bool used_r[96]; /* ... that its realloc module calls */
  bool in_realloc;
  bool used_h[8]; /* helpers[] the child's $M calls */
  unsigned t;     /* the local $t (i64) of the function being written */
} gen;

static unsigned byte(gen *g) { return g->i < g->n ? g->p[g->i++] : 0; }
static unsigned pick(gen *g, unsigned n) { return byte(g) % n; }
/* true with probability about num/256 */
static bool chance(gen *g, unsigned num) { return g->i < g->n && byte(g) < num; }

#define out(g, ...) emit_out(&(g)->e, __VA_ARGS__)
#define txt(g, ...) emit_txt(&(g)->e, __VA_ARGS__)
#define E(g) (&(g)->e)

/* Binary calls name a symbol: a builtins[] index, SYM_HELPER + a
 * helpers[] index, or SYM_FUNC + a function of $M in core_funcs' order. */
enum { SYM_HELPER = 128, SYM_FUNC = 192 };

/* ---- memory layout of every child --------------------------------------- */

enum {
  SLOTS = 0,        /* 24 i32 handle slots, in pools (enum pool) */
  NSLOTS = 24,
  EVENTS = 128,     /* waitable-set.wait/poll and debug-message results */
  STRDATA = 512,    /* bytes of the strings */
  STRPAIRS = 1024,  /* 8 (ptr, len) string pairs: a buffer of stream<string> */
  BUFS = 2048,      /* buffers for reads and writes */
  RETPTRS = 4096,   /* async lowers' result pointers */
  HEAP = 32768,     /* realloc's bump area, up to the end of the page */
};

static const char strdata[] = "hello, world! abcdefghij\xc3\xa9\xe2\x82\xac xyz";
static const uint32_t strpairs[8][2] = {
    {STRDATA, 5}, {STRDATA + 7, 6}, {STRDATA, 0}, {STRDATA + 14, 12},
    {STRDATA + 24, 5}, {STRDATA, 30}, {STRDATA + 3, 1}, {STRDATA + 29, 3}};

/* The slots hold handles by kind, so that an operand is mostly a handle
 * of the kind the built-in wants: stream<u32> ends in slots 0-3 (readable
 * even, writable odd), stream<string> ends 4-7, future<u32> ends 8-11,
 * waitable sets 12-13, subtasks 14-17, thread indices 18-19,
 * error-contexts 20-21, anything else (context values, codes) 22-23. */
typedef enum pool {
  P_SR, P_SW, P_SSR, P_SSW, P_FR, P_FW, P_WS, P_ST, P_TH, P_EC, P_MISC,
  P_ANY, P_WAITABLE
} pool;

static unsigned slot_in(gen *g, pool p) {
  switch (p) {
  case P_SR: case P_SW: case P_SSR: case P_SSW: case P_FR: case P_FW:
    /* pairs: (0,1) (2,3) for S, (4,5) (6,7) for SS, (8,9) (10,11) for F */
    return ((unsigned)p / 2) * 4 + 2 * pick(g, 2) + (unsigned)p % 2;
  case P_WS: return 12 + pick(g, 2);
  case P_ST: return 14 + pick(g, 4);
  case P_TH: return 18 + pick(g, 2);
  case P_EC: return 20 + pick(g, 2);
  case P_MISC: return 22 + pick(g, 2);
  case P_WAITABLE: {
    static const pool w[] = {P_SR, P_SW, P_SSR, P_SSW, P_FR, P_FW, P_ST, P_ST};
    return slot_in(g, w[pick(g, 8)]);
  }
  case P_ANY: break;
  }
  return pick(g, NSLOTS);
}

static unsigned slot(gen *g, pool p) { return SLOTS + 4 * slot_in(g, p); }


/* Helpers of $M that read a slot and, when it is still empty (0), first
 * fill it with a new handle of its kind: so that an operand names a handle
 * that exists even before any call made one.  Stream and future slots come
 * in (readable, writable) pairs at 8-byte boundaries. */
static const struct helper {
  pool p;
  const char *name, *builtin, *fill;
} helpers[] = {
    {P_SR, "h.s", "s.new", "pair"}, {P_SSR, "h.ss", "ss.new", "pair"},
    {P_FR, "h.f", "f.new", "pair"}, {P_WS, "h.ws", "ws.new", NULL},
    {P_TH, "h.th", "t.idx", NULL},
};
#define NHELPERS (sizeof helpers / sizeof helpers[0])

static int helper_of(pool p) {
  for (size_t i = 0; i < NHELPERS; i++)
    if (helpers[i].p == p || (helpers[i].fill && helpers[i].p + 1 == p))
      return (int)i;
  return -1;
}

/* ---- code ------------------------------------------------------------------ */

/* i32.load / i32.store with the natural alignment, offset 0 or 4 */
#define LOAD(g) EMIT_OP(E(g), "i32.load", 0x28, 2, 0)
#define STORE(g) EMIT_OP(E(g), "i32.store", 0x36, 2, 0)
#define STORE4(g) EMIT_OP(E(g), "i32.store offset=4", 0x36, 2, 4)
#define WRAP(g) EMIT_OP(E(g), "i32.wrap_i64", 0xa7)
#define CLOSE(g) emit_close(E(g))

/* A function of the module being written: text "    (func HEAD\n"; binary
 * its code entry (size, locals, body, end).  locals: the types of the
 * locals after the parameters, 'i' i32, 'I' i64. */
static size_t func_begin(gen *g, const char *head, const char *locals) {
  txt(g, "    (func %s\n", head);
  if (!E(g)->bin) return 0;
  size_t at = emit_reserve(E(g));
  unsigned groups = 0;
  for (const char *l = locals; *l; l++) groups += l == locals || *l != l[-1];
  emit_uleb(E(g), groups);
  for (const char *l = locals; *l;) {
    unsigned n = 0;
    char c = *l;
    while (*l == c) l++, n++;
    emit_uleb(E(g), n);
    emit_byte(E(g), c == 'I' ? 0x7e : 0x7f);
  }
  return at;
}

static void func_end(gen *g, size_t at) {
  txt(g, ")\n");
  if (!E(g)->bin) return;
  emit_byte(E(g), 0x0b);
  emit_patch5(E(g), at, (uint32_t)(E(g)->len - at - 5));
}

static void use(gen *g, const char *name);
static unsigned sym_of(const char *bname);

static void call(gen *g, const char *name) {
  emit_open_call(E(g), sym_of(name), name);
}

/* (i32.load (i32.const a)) */
static void load_at(gen *g, unsigned a) {
  LOAD(g);
  emit_i32(E(g), a);
  CLOSE(g);
}

static void helper_funcs(gen *g) {
  for (size_t i = 0; i < NHELPERS; i++) {
    if (!g->used_h[i]) continue;
    const struct helper *h = &helpers[i];
    char head[128];
    snprintf(head, sizeof head, "$%s (param $s i32) (result i32) "
             "(local $t i64) (local $b i32)", h->name);
    size_t at = func_begin(g, head, "Ii");
    txt(g, "      ");
    emit_open_if(E(g), false);
    EMIT_OP(E(g), "i32.eqz", 0x45);
    LOAD(g);
    emit_local_get(E(g), 0, "s");
    CLOSE(g);
    CLOSE(g);
    emit_open_then(E(g));
    txt(g, "\n        ");
    if (h->fill) {
      emit_open_local_set(E(g), 2, "b");
      EMIT_OP(E(g), "i32.and", 0x71);
      emit_local_get(E(g), 0, "s");
      emit_i32(E(g), -8);
      CLOSE(g);
      CLOSE(g);
      txt(g, "\n        ");
      emit_open_local_set(E(g), 1, "t");
      call(g, h->builtin);
      CLOSE(g);
      CLOSE(g);
      txt(g, "\n        ");
      STORE(g);
      emit_local_get(E(g), 2, "b");
      WRAP(g);
      emit_local_get(E(g), 1, "t");
      CLOSE(g);
      CLOSE(g);
      txt(g, "\n        ");
      STORE4(g);
      emit_local_get(E(g), 2, "b");
      WRAP(g);
      EMIT_OP(E(g), "i64.shr_u", 0x88);
      emit_local_get(E(g), 1, "t");
      emit_i64(E(g), 32);
      CLOSE(g);
      CLOSE(g);
      CLOSE(g);
    } else {
      STORE(g);
      emit_local_get(E(g), 0, "s");
      call(g, h->builtin);
      CLOSE(g);
      CLOSE(g);
    }
    CLOSE(g); /* then */
    CLOSE(g); /* if */
    txt(g, "\n      ");
    LOAD(g);
    emit_local_get(E(g), 0, "s");
    CLOSE(g);
    func_end(g, at);
  }
}

/* A handle operand: mostly one of the kind wanted, from its slot;
 * sometimes any slot, a small index, or a wild one.  Returns the slot's
 * address, or -1 when the operand is not a slot of pool p. */
static int handle(gen *g, pool p) {
  unsigned c = pick(g, 40);
  if (c < 34) {
    unsigned sl = slot(g, p);
    int h = g->in_realloc ? -1 : helper_of(p);
    if (h >= 0) {
      g->used_h[h] = true;
      use(g, helpers[h].builtin);
      emit_open_call(E(g), SYM_HELPER + (unsigned)h, helpers[h].name);
      emit_i32(E(g), sl);
      CLOSE(g);
    } else {
      load_at(g, sl);
    }
    return (int)sl;
  }
  if (c < 37) load_at(g, slot(g, P_ANY));
  else if (c < 39) emit_i32(E(g), 1 + pick(g, 8));
  else emit_i32(E(g), byte(g) * 0x01010101u);
  return -1;
}

/* A pointer into memory, aligned to 8 unless it is one of the wild ones.
 * The event pointers of waitable-set.wait/poll, debug-message's and async
 * lowers' result pointers are wild only when asked for (see async_gen.h). */
static void ptr(gen *g, unsigned base, unsigned span) {
  unsigned c = pick(g, 20);
  if (!g->wild_result_ptrs && (base == EVENTS || base == RETPTRS)) c = 0;
  if (c < 18) emit_i32(E(g), base + 8 * pick(g, span));
  else if (c < 19) emit_i32(E(g), BUFS + pick(g, 64));
  else emit_i32(E(g), 65536u - 8 * pick(g, 4));
}

static void length(gen *g) {
  unsigned c = pick(g, 20);
  if (c < 18) emit_i32(E(g), pick(g, 5));
  else if (c < 19) emit_i32(E(g), byte(g));
  else emit_i32(E(g), 0x10000000);
}

static void value(gen *g) { emit_i32(E(g), byte(g)); }

/* A string argument: a pointer into the string data, then a length. */
static void string_arg(gen *g) {
  emit_i32(E(g), STRDATA + pick(g, 8));
  length(g);
}

/* ---- the built-ins ---------------------------------------------------- */

/* Each built-in a child defines: its name in $M's imports, the canon
 * definition, its core type, and whether it needs $realloc (then it is
 * defined after the realloc module's instance). */
typedef struct builtin {
  const char *name, *def, *type;
  bool needs_realloc;
  bool lowered; /* a lowered import: only in children that import */
} builtin;

#define MEM "(memory $memory)"
#define REALLOC "(realloc $realloc)"
static const builtin builtins[] = {
    {"s.new", "stream.new $S", "(result i64)", false, false},
    {"s.read", "stream.read $S async " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"s.read.sync", "stream.read $S " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"s.write", "stream.write $S async " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"s.write.sync", "stream.write $S " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"s.cr", "stream.cancel-read $S async", "(param i32) (result i32)", false, false},
    {"s.cr.sync", "stream.cancel-read $S", "(param i32) (result i32)", false, false},
    {"s.cw", "stream.cancel-write $S async", "(param i32) (result i32)", false, false},
    {"s.cw.sync", "stream.cancel-write $S", "(param i32) (result i32)", false, false},
    {"s.dr", "stream.drop-readable $S", "(param i32)", false, false},
    {"s.dw", "stream.drop-writable $S", "(param i32)", false, false},
    {"ss.new", "stream.new $SS", "(result i64)", false, false},
    {"ss.read", "stream.read $SS async " MEM " " REALLOC, "(param i32 i32 i32) (result i32)", true, false},
    {"ss.read.sync", "stream.read $SS " MEM " " REALLOC, "(param i32 i32 i32) (result i32)", true, false},
    {"ss.write", "stream.write $SS async " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"ss.write.sync", "stream.write $SS " MEM, "(param i32 i32 i32) (result i32)", false, false},
    {"ss.cr", "stream.cancel-read $SS async", "(param i32) (result i32)", false, false},
    {"ss.cw", "stream.cancel-write $SS", "(param i32) (result i32)", false, false},
    {"ss.dr", "stream.drop-readable $SS", "(param i32)", false, false},
    {"ss.dw", "stream.drop-writable $SS", "(param i32)", false, false},
    {"f.new", "future.new $F", "(result i64)", false, false},
    {"f.read", "future.read $F async " MEM, "(param i32 i32) (result i32)", false, false},
    {"f.read.sync", "future.read $F " MEM, "(param i32 i32) (result i32)", false, false},
    {"f.write", "future.write $F async " MEM, "(param i32 i32) (result i32)", false, false},
    {"f.write.sync", "future.write $F " MEM, "(param i32 i32) (result i32)", false, false},
    {"f.cr", "future.cancel-read $F async", "(param i32) (result i32)", false, false},
    {"f.cr.sync", "future.cancel-read $F", "(param i32) (result i32)", false, false},
    {"f.cw", "future.cancel-write $F async", "(param i32) (result i32)", false, false},
    {"f.cw.sync", "future.cancel-write $F", "(param i32) (result i32)", false, false},
    {"f.dr", "future.drop-readable $F", "(param i32)", false, false},
    {"f.dw", "future.drop-writable $F", "(param i32)", false, false},
    {"st.cancel", "subtask.cancel async", "(param i32) (result i32)", false, false},
    {"st.cancel.sync", "subtask.cancel", "(param i32) (result i32)", false, false},
    {"st.drop", "subtask.drop", "(param i32)", false, false},
    {"ws.new", "waitable-set.new", "(result i32)", false, false},
    {"ws.wait", "waitable-set.wait " MEM, "(param i32 i32) (result i32)", false, false},
    {"ws.wait.c", "waitable-set.wait cancellable " MEM, "(param i32 i32) (result i32)", false, false},
    {"ws.poll", "waitable-set.poll " MEM, "(param i32 i32) (result i32)", false, false},
    {"ws.poll.c", "waitable-set.poll cancellable " MEM, "(param i32 i32) (result i32)", false, false},
    {"ws.drop", "waitable-set.drop", "(param i32)", false, false},
    {"join", "waitable.join", "(param i32 i32)", false, false},
    {"tr", "task.return (result u32)", "(param i32)", false, false},
    {"trs", "task.return (result string) " MEM, "(param i32 i32)", false, false},
    {"tc", "task.cancel", "", false, false},
    {"cget0", "context.get i32 0", "(result i32)", false, false},
    {"cset0", "context.set i32 0", "(param i32)", false, false},
    {"cget1", "context.get i32 1", "(result i32)", false, false},
    {"cset1", "context.set i32 1", "(param i32)", false, false},
    {"bp.inc", "backpressure.inc", "", false, false},
    {"bp.dec", "backpressure.dec", "", false, false},
    {"t.idx", "thread.index", "(result i32)", false, false},
    {"t.new", "thread.new-indirect $start (core table $t)", "(param i32 i32) (result i32)", false, false},
    {"t.susp", "thread.suspend", "(result i32)", false, false},
    {"t.susp.c", "thread.suspend cancellable", "(result i32)", false, false},
    {"t.yield", "thread.yield", "(result i32)", false, false},
    {"t.yield.c", "thread.yield cancellable", "(result i32)", false, false},
    {"t.later", "thread.resume-later", "(param i32)", false, false},
    {"t.str", "thread.suspend-then-resume", "(param i32) (result i32)", false, false},
    {"t.str.c", "thread.suspend-then-resume cancellable", "(param i32) (result i32)", false, false},
    {"t.ytr", "thread.yield-then-resume", "(param i32) (result i32)", false, false},
    {"t.stp", "thread.suspend-then-promote", "(param i32) (result i32)", false, false},
    {"t.ytp", "thread.yield-then-promote", "(param i32) (result i32)", false, false},
    {"ec.new", "error-context.new " MEM, "(param i32 i32) (result i32)", false, false},
    {"ec.msg", "error-context.debug-message " MEM " " REALLOC, "(param i32 i32)", true, false},
    {"ec.drop", "error-context.drop", "(param i32)", false, false},
    {"a.s", "lower (func $ia)", "(param i32) (result i32)", false, true},
    {"a.a", "lower (func $ia) async " MEM, "(param i32 i32) (result i32)", false, true},
    {"b.s", "lower (func $ib)", "(param i32) (result i32)", false, true},
    {"b.a", "lower (func $ib) async " MEM, "(param i32 i32) (result i32)", false, true},
    {"c.s", "lower (func $ic) " MEM, "(param i32 i32) (result i32)", false, true},
    {"c.a", "lower (func $ic) async " MEM, "(param i32 i32 i32) (result i32)", false, true},
    {"d.s", "lower (func $id) " MEM " " REALLOC, "(param i32 i32)", true, true},
    {"d.a", "lower (func $id) async " MEM " " REALLOC, "(param i32 i32) (result i32)", true, true},
    {"e.s", "lower (func $ie)", "(param i32) (result i32)", false, true},
    {"e.a", "lower (func $ie) async " MEM, "(param i32 i32) (result i32)", false, true},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])
_Static_assert(NBUILTINS <= 96, "gen.used is too small");

/* What the realloc module imports (names of builtins[] entries); the
 * lowered call only where there is an import. */
static const char *const realloc_imports[] = {
    "cget0", "cset0", "cget1", "cset1", "ws.new", "ws.drop", "bp.inc",
    "bp.dec", "t.idx", "t.yield", "ec.drop", "s.new", "tr", "a.s"};
#define NREALLOC_IMPORTS (sizeof realloc_imports / sizeof realloc_imports[0])

static const builtin *find(const char *name) {
  for (size_t i = 0; i < NBUILTINS; i++)
    if (!strcmp(builtins[i].name, name)) return &builtins[i];
  return NULL;
}

static unsigned sym_of(const char *bname) {
  const builtin *b = find(bname);
  return b ? (unsigned)(b - builtins) : 0;
}

/* Marks a built-in as called by the code being written. */
static void use(gen *g, const char *name) {
  /* (declared above handle) */
  const builtin *b = find(name);
  if (!b) return;
  size_t i = (size_t)(b - builtins);
  if (g->in_realloc) g->used_r[i] = true;
  else g->used[i] = true;
}

static bool present(const gen *g, const builtin *b) {
  return !b->lowered || g->k > 0;
}

/* ---- operations ---------------------------------------------------------- */

/* (i32.store (i32.const SLOT) ... */
static void store_slot_begin(gen *g, pool p) {
  STORE(g);
  emit_i32(E(g), slot(g, p));
}

/* stream.new / future.new: the readable end to an even slot of the pool,
 * the writable end to the next one. */
static void new_pair(gen *g, const char *f, pool readable) {
  unsigned r = slot(g, readable);
  emit_open_local_set(E(g), g->t, "t");
  call(g, f);
  CLOSE(g);
  CLOSE(g);
  STORE(g);
  emit_i32(E(g), r);
  WRAP(g);
  emit_local_get(E(g), g->t, "t");
  CLOSE(g);
  CLOSE(g);
  STORE(g);
  emit_i32(E(g), r + 4);
  WRAP(g);
  EMIT_OP(E(g), "i64.shr_u", 0x88);
  emit_local_get(E(g), g->t, "t");
  emit_i64(E(g), 32);
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
}

/* A call whose i32 result goes to a slot or is dropped: opens the store
 * or the drop (closed after the call). */
static void result_begin(gen *g) {
  if (chance(g, 24)) store_slot_begin(g, P_MISC);
  else EMIT_OP(E(g), "drop", 0x1a);
}

/* A call that makes a handle (or a thread index): its result goes to a
 * slot. */
static void handle_result_begin(gen *g, pool p) {
  if (!chance(g, 16)) store_slot_begin(g, p);
  else EMIT_OP(E(g), "drop", 0x1a);
}

/* The pool of the handle a one-handle built-in takes. */
static pool pool_of(const char *n) {
  static const struct { const char *prefix; pool p; } t[] = {
      {"s.cr", P_SR}, {"s.dr", P_SR}, {"s.cw", P_SW}, {"s.dw", P_SW},
      {"ss.cr", P_SSR}, {"ss.dr", P_SSR}, {"ss.cw", P_SSW}, {"ss.dw", P_SSW},
      {"f.cr", P_FR}, {"f.dr", P_FR}, {"f.cw", P_FW}, {"f.dw", P_FW},
      {"st.", P_ST}, {"ws.drop", P_WS}, {"t.", P_TH}, {"ec.", P_EC}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (!strncmp(n, t[i].prefix, strlen(t[i].prefix))) return t[i].p;
  return P_ANY;
}

/* (i32.shr_u (call $n ...) (i32.const 4)) into a subtask slot: an async
 * lower's (state | subtask << 4), keeping the subtask index; the operands
 * are written between async_lower_begin and async_lower_end. */
static void async_lower_begin(gen *g, const char *n) {
  store_slot_begin(g, P_ST);
  EMIT_OP(E(g), "i32.shr_u", 0x76);
  call(g, n);
}

static void async_lower_end(gen *g) {
  CLOSE(g);
  emit_i32(E(g), 4);
  CLOSE(g);
  CLOSE(g);
}

/* The argument of a call to the import $i<which> (a..e), lowered sync or
 * async: a u32, but a string for $ic and a stream for $ie. */
static void import_arg(gen *g, char which) {
  if (which == 'c') string_arg(g);
  else if (which == 'e') handle(g, P_SSR);
  else value(g);
}

/* One call of the built-in `name`, with its operands. */
static void call_op(gen *g, const char *name) {
  const builtin *b = find(name);
  if (!b || !present(g, b)) return;
  const char *n = b->name;
  use(g, n);
  if (!strcmp(n, "s.new")) {
    new_pair(g, n, P_SR);
  } else if (!strcmp(n, "ss.new")) {
    new_pair(g, n, P_SSR);
  } else if (!strcmp(n, "f.new")) {
    new_pair(g, n, P_FR);
  } else if (!strncmp(n, "s.read", 6) || !strncmp(n, "s.write", 7) ||
             !strncmp(n, "ss.read", 7)) {
    result_begin(g);
    call(g, n);
    handle(g, n[1] == 's' ? P_SSR : n[2] == 'r' ? P_SR : P_SW);
    ptr(g, BUFS, 200);
    length(g);
    CLOSE(g);
    CLOSE(g);
  } else if (!strncmp(n, "ss.write", 8)) {
    result_begin(g);
    call(g, n);
    handle(g, P_SSW);
    ptr(g, STRPAIRS, 8);
    length(g);
    CLOSE(g);
    CLOSE(g);
  } else if (!strncmp(n, "f.read", 6) || !strncmp(n, "f.write", 7)) {
    result_begin(g);
    call(g, n);
    handle(g, n[2] == 'r' ? P_FR : P_FW);
    ptr(g, BUFS, 200);
    CLOSE(g);
    CLOSE(g);
  } else if (!strcmp(n, "ws.new") || !strcmp(n, "t.idx") ||
             !strcmp(n, "cget0") || !strcmp(n, "cget1")) {
    handle_result_begin(g, n[0] == 'w' ? P_WS : n[0] == 't' ? P_TH : P_MISC);
    call(g, n);
    CLOSE(g);
    CLOSE(g);
  } else if (!strcmp(n, "t.susp") || !strcmp(n, "t.susp.c") ||
             !strcmp(n, "t.yield") || !strcmp(n, "t.yield.c")) {
    result_begin(g);
    call(g, n);
    CLOSE(g);
    CLOSE(g);
  } else if (!strncmp(n, "ws.wait", 7) || !strncmp(n, "ws.poll", 7)) {
    result_begin(g);
    call(g, n);
    handle(g, P_WS);
    ptr(g, EVENTS, 8);
    CLOSE(g);
    CLOSE(g);
  } else if (!strcmp(n, "join")) {
    call(g, n);
    handle(g, P_WAITABLE);
    if (chance(g, 40)) emit_i32(E(g), 0);
    else handle(g, P_WS);
    CLOSE(g);
  } else if (!strcmp(n, "tr")) {
    call(g, n);
    value(g);
    CLOSE(g);
  } else if (!strcmp(n, "trs")) {
    call(g, n);
    string_arg(g);
    CLOSE(g);
  } else if (!strcmp(n, "tc") || !strcmp(n, "bp.inc") || !strcmp(n, "bp.dec")) {
    call(g, n);
    CLOSE(g);
  } else if (!strcmp(n, "cset0") || !strcmp(n, "cset1")) {
    call(g, n);
    if (chance(g, 128)) handle(g, P_ANY);
    else value(g);
    CLOSE(g);
  } else if (!strcmp(n, "t.new")) {
    handle_result_begin(g, P_TH);
    call(g, n);
    unsigned fn = chance(g, 8) ? 4 + pick(g, 4) : pick(g, 4);
    emit_i32(E(g), fn);
    value(g);
    CLOSE(g);
    CLOSE(g);
  } else if (!strcmp(n, "ec.new")) {
    handle_result_begin(g, P_EC);
    call(g, n);
    string_arg(g);
    CLOSE(g);
    CLOSE(g);
  } else if (!strcmp(n, "ec.msg")) {
    call(g, n);
    handle(g, P_EC);
    ptr(g, EVENTS, 8);
    CLOSE(g);
  } else if (b->lowered && !strcmp(n + 1, ".a")) {
    async_lower_begin(g, n);
    import_arg(g, n[0]);
    ptr(g, RETPTRS, 64);
    async_lower_end(g);
  } else if (!strcmp(n, "d.s")) { /* its result goes to memory */
    call(g, n);
    value(g);
    ptr(g, RETPTRS, 64);
    CLOSE(g);
  } else if (b->lowered) {
    result_begin(g);
    call(g, n);
    import_arg(g, n[0]);
    CLOSE(g);
    CLOSE(g);
  } else {
    /* the rest take one handle: drops, cancels, thread switches */
    bool has_result = strstr(b->type, "result") != NULL;
    if (has_result) result_begin(g);
    call(g, n);
    int sl = handle(g, pool_of(n));
    CLOSE(g);
    if (has_result) CLOSE(g);
    /* a dropped handle is gone: mostly forget it, so that the next
     * operand of its kind is a live one */
    if (sl >= 0 && strstr(n, "drop") && !chance(g, 32)) {
      STORE(g);
      emit_i32(E(g), sl);
      emit_i32(E(g), 0);
      CLOSE(g);
    }
  }
  txt(g, "\n");
}

/* The realloc-safe subset for realloc bodies, everything for the rest. */
static void ops(gen *g, bool in_realloc, unsigned max) {
  unsigned count = pick(g, max + 1);
  for (unsigned i = 0; i < count && !E(g)->oom; i++) {
    txt(g, "      ");
    if (in_realloc) {
      call_op(g, realloc_imports[pick(g, NREALLOC_IMPORTS)]);
    } else {
      const builtin *b = &builtins[pick(g, NBUILTINS)];
      /* task.return, task.cancel and backpressure.dec trap unless the
       * moment is right: mostly leave them to the function's end */
      bool rare = !strcmp(b->name, "tr") || !strcmp(b->name, "trs") ||
                  !strcmp(b->name, "tc") || !strcmp(b->name, "bp.dec");
      if (present(g, b) && (!rare || chance(g, 32))) {
        call_op(g, b->name);
      } else {
        emit_plain(E(g), "(nop)", 0x01);
        txt(g, "\n");
      }
    }
  }
}

/* ---- one child component ---------------------------------------------- */

static void bytes_u32(gen *g, uint32_t v) {
  for (int i = 0; i < 4; i++) out(g, "\\%02x", (v >> (8 * i)) & 0xff);
}

/* The bump allocator over [HEAP, 65536) that ends realloc; a request it
 * cannot meet traps.  Locals: $old $osize $align $nsize $p $t. */
static void realloc_tail(gen *g) {
  txt(g, "      ");
  emit_open_if(E(g), false);
  EMIT_OP(E(g), "i32.gt_u", 0x4b);
  emit_local_get(E(g), 3, "nsize");
  emit_i32(E(g), 65536 - HEAP);
  CLOSE(g);
  emit_open_then(E(g));
  emit_plain(E(g), "unreachable", 0x00);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_open_local_set(E(g), 4, "p");
  EMIT_OP(E(g), "i32.and", 0x71);
  EMIT_OP(E(g), "i32.add", 0x6a);
  emit_global_get(E(g), 0, "bump");
  emit_i32(E(g), 7);
  CLOSE(g);
  emit_i32(E(g), -8);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_open_if(E(g), false);
  EMIT_OP(E(g), "i32.gt_u", 0x4b);
  EMIT_OP(E(g), "i32.add", 0x6a);
  emit_local_get(E(g), 4, "p");
  emit_local_get(E(g), 3, "nsize");
  CLOSE(g);
  emit_i32(E(g), 65536);
  CLOSE(g);
  emit_open_then(E(g));
  emit_open_local_set(E(g), 4, "p");
  emit_i32(E(g), HEAP);
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_open_global_set(E(g), 0, "bump");
  EMIT_OP(E(g), "i32.add", 0x6a);
  emit_local_get(E(g), 4, "p");
  emit_local_get(E(g), 3, "nsize");
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_open_if(E(g), false);
  emit_local_get(E(g), 0, "old");
  emit_open_then(E(g));
  EMIT_OP(E(g), "memory.copy", 0xfc, 0x0a, 0x00, 0x00);
  emit_local_get(E(g), 4, "p");
  emit_local_get(E(g), 0, "old");
  EMIT_OP(E(g), "select", 0x1b);
  emit_local_get(E(g), 1, "osize");
  emit_local_get(E(g), 3, "nsize");
  EMIT_OP(E(g), "i32.lt_u", 0x49);
  emit_local_get(E(g), 1, "osize");
  emit_local_get(E(g), 3, "nsize");
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_local_get(E(g), 4, "p");
}

/* (if (i32.eqz (call $cget0)) (then (call $cset0 (i32.const 1)) ...)):
 * what follows, up to two CLOSEs, runs once per task (context slot 0) */
static void once_begin(gen *g) {
  emit_open_if(E(g), false);
  EMIT_OP(E(g), "i32.eqz", 0x45);
  call(g, "cget0");
  CLOSE(g);
  CLOSE(g);
  emit_open_then(E(g));
  call(g, "cset0");
  emit_i32(E(g), 1);
  CLOSE(g);
}

/* The callback code a callback-lifted function returns: EXIT (after
 * task.return, once per task, remembered in context slot 0) every 2^m
 * calls of this instance, else YIELD or WAIT on a slot's set. */
static void callback_tail(gen *g, bool string_result) {
  unsigned mask = (1u << pick(g, 3)) - 1;
  use(g, "cget0");
  use(g, "cset0");
  use(g, string_result ? "trs" : "tr");
  txt(g, "      ");
  emit_open_global_set(E(g), 0, "n");
  EMIT_OP(E(g), "i32.add", 0x6a);
  emit_global_get(E(g), 0, "n");
  emit_i32(E(g), 1);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n      ");
  emit_open_if(E(g), true);
  EMIT_OP(E(g), "i32.eqz", 0x45);
  EMIT_OP(E(g), "i32.and", 0x71);
  emit_global_get(E(g), 0, "n");
  emit_i32(E(g), mask);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n        ");
  emit_open_then(E(g));
  once_begin(g);
  if (string_result) {
    call(g, "trs");
    emit_i32(E(g), STRDATA + pick(g, 8));
    emit_i32(E(g), pick(g, 6));
  } else {
    call(g, "tr");
    emit_i32(E(g), byte(g));
  }
  CLOSE(g); /* the call */
  CLOSE(g); /* then */
  CLOSE(g); /* if */
  emit_i32(E(g), 0);
  CLOSE(g); /* then */
  txt(g, "\n        ");
  emit_open_else(E(g));
  unsigned c = pick(g, 32);
  if (c < 14) {
    emit_i32(E(g), 1);
  } else if (c < 30) {
    EMIT_OP(E(g), "i32.or", 0x72);
    emit_i32(E(g), 2);
    EMIT_OP(E(g), "i32.shl", 0x74);
    handle(g, P_WS);
    emit_i32(E(g), 4);
    CLOSE(g);
    CLOSE(g);
  } else if (c < 31) {
    emit_i32(E(g), 0);
  } else {
    emit_i32(E(g), 3 + pick(g, 13));
  }
  CLOSE(g); /* else */
  CLOSE(g); /* if */
  txt(g, "\n");
}

/* $M's functions after the helpers, in this order (SYM_FUNC + i): the
 * exported ones, then the four thread entry points of its table. */
static const struct mfunc {
  const char *name, *type;
} mfuncs[] = {
    {"a", "(param i32) (result i32)"}, {"a-cb", "(param i32 i32 i32) (result i32)"},
    {"d", "(param i32) (result i32)"}, {"d-cb", "(param i32 i32 i32) (result i32)"},
    {"e", "(param i32) (result i32)"}, {"e-cb", "(param i32 i32 i32) (result i32)"},
    {"b", "(param i32)"}, {"c", "(param i32 i32) (result i32)"},
    {NULL, "(param i32)"}, {NULL, "(param i32)"}, {NULL, "(param i32)"},
    {NULL, "(param i32)"},
};
enum { NMFUNCS = sizeof mfuncs / sizeof mfuncs[0], NMEXPORTS = 8 };

/* Begins mfuncs[i]: its $t is local nparams. */
static size_t mfunc_begin(gen *g, unsigned i) {
  const struct mfunc *f = &mfuncs[i];
  char head[128];
  if (f->name) snprintf(head, sizeof head, "(export \"%s\") %s (local $t i64)",
                        f->name, f->type);
  else snprintf(head, sizeof head, "$th%u %s (local $t i64)", i - NMEXPORTS,
                f->type);
  uint8_t enc[40];
  size_t n = emit_functype(f->type, enc);
  g->t = enc[1]; /* the number of parameters */
  (void)n;
  return func_begin(g, head, "I");
}

static void core_funcs(gen *g) {
  for (unsigned i = 0; i < 6; i++) {
    size_t at = mfunc_begin(g, i);
    if (i == 4) {
      txt(g, "      ");
      store_slot_begin(g, P_SSR);
      emit_local_get(E(g), 0, NULL);
      CLOSE(g);
      txt(g, "\n");
    }
    ops(g, false, 12);
    callback_tail(g, i / 2 == 1);
    func_end(g, at);
  }
  use(g, "cget0");
  use(g, "cset0");
  use(g, "tr");
  size_t at = mfunc_begin(g, 6); /* b */
  ops(g, false, 12);
  txt(g, "      ");
  once_begin(g);
  call(g, "tr");
  emit_local_get(E(g), 0, NULL);
  CLOSE(g);
  CLOSE(g);
  CLOSE(g);
  txt(g, "\n");
  func_end(g, at);
  at = mfunc_begin(g, 7); /* c */
  ops(g, false, 8);
  txt(g, "      ");
  emit_local_get(E(g), 1, NULL);
  txt(g, "\n");
  func_end(g, at);
  for (unsigned i = 8; i < NMFUNCS; i++) {
    at = mfunc_begin(g, i);
    ops(g, false, 8);
    func_end(g, at);
  }
}

static void canon_defs(gen *g, bool needs_realloc) {
  for (size_t i = 0; i < NBUILTINS; i++)
    if ((g->used[i] || g->used_r[i]) &&
        builtins[i].needs_realloc == needs_realloc)
      out(g, "  (canon %s (core func $%s))\n", builtins[i].def, builtins[i].name);
}

/* ---- $M and $R ------------------------------------------------------------ */

/* What the binary form of $M or $R needs to know. */
typedef struct module_spec {
  const bool *imports;     /* builtins[] it imports */
  bool table;              /* imports the table (and fills it) */
  const char *ftypes[24];  /* its functions' types */
  unsigned nfuncs;
  unsigned first_export;   /* ftypes[first_export..] are exported ... */
  const char *const *exports; /* ... with these names */
  unsigned nexports;
  uint32_t global_init;    /* its one global, a mut i32 */
  const emit *code;        /* the code entries, calls resolved */
} module_spec;

typedef struct resolve_env {
  const bool *imports;
  const bool *helpers;
} resolve_env;

static unsigned count_true(const bool *b, size_t n) {
  unsigned k = 0;
  for (size_t i = 0; i < n; i++) k += b[i];
  return k;
}

static uint32_t index_of(unsigned sym, void *env) {
  const resolve_env *r = env;
  unsigned nimp = count_true(r->imports, NBUILTINS);
  if (sym < SYM_HELPER) return count_true(r->imports, sym);
  if (sym < SYM_FUNC) return nimp + count_true(r->helpers, sym - SYM_HELPER);
  return nimp + (r->helpers ? count_true(r->helpers, NHELPERS) : 0) +
         (sym - SYM_FUNC);
}

typedef struct types {
  uint8_t enc[24][40];
  size_t len[24];
  unsigned n;
} types;

static unsigned type_index(types *t, const char *text) {
  uint8_t enc[40];
  size_t n = emit_functype(text, enc);
  for (unsigned i = 0; i < t->n; i++)
    if (t->len[i] == n && !memcmp(t->enc[i], enc, n)) return i;
  if (t->n == 24) return 0; /* the generator uses fewer */
  memcpy(t->enc[t->n], enc, n);
  t->len[t->n] = n;
  return t->n++;
}

static void name(emit *m, const char *s) {
  size_t n = strlen(s);
  emit_uleb(m, n);
  emit_bytes(m, s, n);
}

static size_t section(emit *m, uint8_t id) {
  emit_byte(m, id);
  return emit_reserve(m);
}

static void section_end(emit *m, size_t at) {
  emit_patch5(m, at, (uint32_t)(m->len - at - 5));
}

/* Writes the module as `(core module $ID binary "...")`. */
static void binary_module(gen *g, const char *id, const module_spec *ms) {
  types t = {.n = 0};
  unsigned imp_type[NBUILTINS], fn_type[24];
  for (size_t i = 0; i < NBUILTINS; i++)
    if (ms->imports[i]) imp_type[i] = type_index(&t, builtins[i].type);
  for (unsigned i = 0; i < ms->nfuncs; i++)
    fn_type[i] = type_index(&t, ms->ftypes[i]);
  unsigned nimp = count_true(ms->imports, NBUILTINS);

  emit m = {.bin = true};
  emit_bytes(&m, "\0asm\1\0\0\0", 8);
  size_t at = section(&m, 1);
  emit_uleb(&m, t.n);
  for (unsigned i = 0; i < t.n; i++) emit_bytes(&m, t.enc[i], t.len[i]);
  section_end(&m, at);

  at = section(&m, 2);
  emit_uleb(&m, 1 + ms->table + nimp);
  name(&m, "");
  name(&m, "mem");
  emit_bytes(&m, "\x02\x00\x01", 3);
  if (ms->table) {
    name(&m, "");
    name(&m, "t");
    emit_bytes(&m, "\x01\x70\x00\x04", 4);
  }
  for (size_t i = 0; i < NBUILTINS; i++)
    if (ms->imports[i]) {
      name(&m, "");
      name(&m, builtins[i].name);
      emit_byte(&m, 0x00);
      emit_uleb(&m, imp_type[i]);
    }
  section_end(&m, at);

  at = section(&m, 3);
  emit_uleb(&m, ms->nfuncs);
  for (unsigned i = 0; i < ms->nfuncs; i++) emit_uleb(&m, fn_type[i]);
  section_end(&m, at);

  at = section(&m, 6);
  emit_bytes(&m, "\x01\x7f\x01\x41", 4);
  emit_sleb(&m, (int32_t)ms->global_init);
  emit_byte(&m, 0x0b);
  section_end(&m, at);

  at = section(&m, 7);
  emit_uleb(&m, ms->nexports);
  for (unsigned i = 0; i < ms->nexports; i++) {
    name(&m, ms->exports[i]);
    emit_byte(&m, 0x00);
    emit_uleb(&m, nimp + ms->first_export + i);
  }
  section_end(&m, at);

  if (ms->table) { /* (elem (i32.const 0) func $th0 $th1 $th2 $th3) */
    at = section(&m, 9);
    emit_bytes(&m, "\x01\x00\x41\x00\x0b\x04", 6);
    for (unsigned i = 0; i < 4; i++)
      emit_uleb(&m, nimp + ms->nfuncs - 4 + i);
    section_end(&m, at);
  }

  at = section(&m, 10);
  emit_uleb(&m, ms->nfuncs);
  emit_bytes(&m, ms->code->s, ms->code->len);
  section_end(&m, at);

  out(g, "  (core module $%s binary \"", id);
  if (m.oom) E(g)->oom = true;
  else emit_wast_string(E(g), m.s, m.len);
  out(g, "\")\n");
  emit_free(&m);
}

/* The imports of $M or $R in text. */
static void text_imports(gen *g, const bool *used) {
  for (size_t i = 0; i < NBUILTINS; i++)
    if (used[i])
      out(g, "    (import \"\" \"%s\" (func $%s %s))\n", builtins[i].name,
          builtins[i].name, builtins[i].type);
}

static void instance_exports(gen *g, const bool *used) {
  for (size_t i = 0; i < NBUILTINS; i++)
    if (used[i])
      out(g, "    (export \"%s\" (func $%s))\n", builtins[i].name, builtins[i].name);
}

static void realloc_module(gen *g, emit *body) {
  static const char head[] =
      "(export \"realloc\") (param $old i32) (param $osize i32) "
      "(param $align i32) (param $nsize i32) (result i32)\n"
      "      (local $p i32) (local $t i64)";
  resolve_env env = {g->used_r, NULL};
  emit_resolve(body, index_of, &env);
  emit saved;
  if (E(g)->bin) emit_save(E(g), &saved);
  else
    out(g, "  (core module $R\n    (import \"\" \"mem\" (memory 1))\n");
  if (!E(g)->bin) {
    text_imports(g, g->used_r);
    out(g, "    (global $bump (mut i32) (i32.const %u))\n", HEAP);
  }
  size_t at = func_begin(g, head, "iI");
  emit_bytes(E(g), body->s, body->len);
  realloc_tail(g);
  func_end(g, at);
  if (E(g)->bin) {
    emit code = emit_restore(E(g), &saved);
    static const char *const exports[] = {"realloc"};
    module_spec ms = {.imports = g->used_r, .ftypes = {"(param i32 i32 i32 i32) (result i32)"},
                      .nfuncs = 1, .exports = exports, .nexports = 1,
                      .global_init = HEAP, .code = &code};
    if (code.oom) E(g)->oom = true;
    else binary_module(g, "R", &ms);
    emit_free(&code);
  } else {
    out(g, "  )\n");
  }
  out(g, "  (core instance $r (instantiate $R (with \"\" (instance\n"
         "    (export \"mem\" (memory $memory))\n");
  instance_exports(g, g->used_r);
  out(g, "  ))))\n  (alias core export $r \"realloc\" (core func $realloc))\n");
}

static void m_module(gen *g, emit *funcs) {
  resolve_env env = {g->used, g->used_h};
  emit_resolve(funcs, index_of, &env);
  if (!E(g)->bin) {
    out(g, "  (core module $M\n    (import \"\" \"mem\" (memory 1))\n"
           "    (import \"\" \"t\" (table 4 funcref))\n");
    text_imports(g, g->used);
    out(g, "    (global $n (mut i32) (i32.const 0))\n");
    helper_funcs(g);
    emit_bytes(E(g), funcs->s, funcs->len);
    out(g, "    (elem (i32.const 0) func $th0 $th1 $th2 $th3))\n");
    return;
  }
  emit saved;
  emit_save(E(g), &saved);
  helper_funcs(g);
  emit_resolve(E(g), index_of, &env);
  emit_bytes(E(g), funcs->s, funcs->len);
  emit code = emit_restore(E(g), &saved);
  static const char *const exports[NMEXPORTS] = {"a", "a-cb", "d", "d-cb",
                                                 "e", "e-cb", "b", "c"};
  module_spec ms = {.imports = g->used, .table = true,
                    .exports = exports, .nexports = NMEXPORTS,
                    .global_init = 0, .code = &code};
  unsigned nh = count_true(g->used_h, NHELPERS);
  for (unsigned i = 0; i < nh; i++) ms.ftypes[ms.nfuncs++] = "(param i32) (result i32)";
  ms.first_export = ms.nfuncs;
  for (unsigned i = 0; i < NMFUNCS; i++) ms.ftypes[ms.nfuncs++] = mfuncs[i].type;
  if (code.oom) E(g)->oom = true;
  else binary_module(g, "M", &ms);
  emit_free(&code);
}

static void child(gen *g, int k) {
  g->k = k;
  memset(g->used, 0, sizeof g->used);
  memset(g->used_r, 0, sizeof g->used_r);
  memset(g->used_h, 0, sizeof g->used_h);
  emit sv;
  emit_save(E(g), &sv);
  g->in_realloc = true;
  g->t = 5; /* realloc's $t */
  if (g->realloc_builtins) ops(g, true, 4);
  g->in_realloc = false;
  emit realloc_body = emit_restore(E(g), &sv);
  emit_save(E(g), &sv);
  core_funcs(g);
  emit funcs = emit_restore(E(g), &sv);
  if (E(g)->oom || realloc_body.oom || funcs.oom) {
    E(g)->oom = true;
    emit_free(&realloc_body);
    emit_free(&funcs);
    return;
  }

  out(g, "(component $C%d\n", k);
  if (k > 0)
    out(g, "  (import \"a\" (func $ia async (param \"x\" u32) (result u32)))\n"
           "  (import \"b\" (func $ib async (param \"x\" u32) (result u32)))\n"
           "  (import \"c\" (func $ic async (param \"s\" string) (result u32)))\n"
           "  (import \"d\" (func $id async (param \"x\" u32) (result string)))\n"
           "  (import \"e\" (func $ie async (param \"r\" (stream string)) (result u32)))\n");
  out(g, "  (type $S (stream u32))\n  (type $SS (stream string))\n  (type $F (future u32))\n"
         "  (core type $start (func (param i32)))\n");
  out(g, "  (core module $Mem (memory (export \"mem\") 1) (table (export \"t\") 4 funcref)\n"
         "    (data (i32.const %u) \"%s\")\n    (data (i32.const %u) \"",
      STRDATA, strdata, STRPAIRS);
  for (int i = 0; i < 8; i++) {
    bytes_u32(g, strpairs[i][0]);
    bytes_u32(g, strpairs[i][1]);
  }
  out(g, "\"))\n  (core instance $mem (instantiate $Mem))\n"
         "  (alias core export $mem \"mem\" (core memory $memory))\n"
         "  (alias core export $mem \"t\" (core table $t))\n");
  canon_defs(g, false);
  realloc_module(g, &realloc_body);
  canon_defs(g, true);

  m_module(g, &funcs);
  out(g, "  (core instance $m (instantiate $M (with \"\" (instance\n"
         "    (export \"mem\" (memory $memory)) (export \"t\" (table $t))\n");
  instance_exports(g, g->used);
  out(g, "  ))))\n");
  out(g, "  (func (export \"a\") async (param \"x\" u32) (result u32)\n"
         "    (canon lift (core func $m \"a\") async (callback (core func $m \"a-cb\"))))\n"
         "  (func (export \"b\") async (param \"x\" u32) (result u32)\n"
         "    (canon lift (core func $m \"b\") async))\n"
         "  (func (export \"c\") async (param \"s\" string) (result u32)\n"
         "    (canon lift (core func $m \"c\") (memory $memory) (realloc $realloc)))\n"
         "  (func (export \"d\") async (param \"x\" u32) (result string)\n"
         "    (canon lift (core func $m \"d\") async (memory $memory) (callback (core func $m \"d-cb\"))))\n"
         "  (func (export \"e\") async (param \"r\" (stream string)) (result u32)\n"
         "    (canon lift (core func $m \"e\") async (callback (core func $m \"e-cb\"))))\n"
         ")\n");
  emit_free(&realloc_body);
  emit_free(&funcs);
}

/* ---- the script ------------------------------------------------------------ */

async_gen_options async_gen_options_from_env(void) {
  async_gen_options o = {.realloc_builtins = ASYNC_GEN_REALLOC_BUILTINS_DEFAULT};
  const char *e = getenv("FUZZ_ASYNC_REALLOC_BUILTINS");
  if (e && *e) o.realloc_builtins = strcmp(e, "0") != 0;
  o.wild_result_ptrs = ASYNC_GEN_WILD_RESULT_PTRS_DEFAULT;
  e = getenv("FUZZ_ASYNC_WILD_RESULT_PTRS");
  if (e && *e) o.wild_result_ptrs = strcmp(e, "0") != 0;
  e = getenv("FUZZ_ASYNC_TEXT");
  if (e && *e) o.text_modules = strcmp(e, "0") != 0;
  return o;
}

bool async_gen(const uint8_t *data, size_t size, const async_gen_options *opt,
               async_gen_script *res) {
  gen g = {.p = data, .n = size, .realloc_builtins = opt->realloc_builtins,
           .wild_result_ptrs = opt->wild_result_ptrs};
  g.e.bin = !opt->text_modules;
  uint64_t seed = 0;
  for (int i = 0; i < 8; i++) seed = seed << 8 | byte(&g);
  int n = 2 + (int)pick(&g, 2);
  out(&g, ";; generated by harness/fuzz/async_gen.c (%d instances%s%s%s)\n",
      n, g.realloc_builtins ? ", realloc calls built-ins" : "",
      g.wild_result_ptrs ? ", wild result pointers" : "",
      g.e.bin ? ", binary core modules" : "");
  out(&g, ";; run: cmref run --sched random --seed %llu --fuel %d "
          "--max-threads %d --max-memory-pages %d --fiber-stack-size %dK "
          "FILE\n",
      (unsigned long long)seed, ASYNC_GEN_FUEL, ASYNC_GEN_MAX_THREADS,
      ASYNC_GEN_MEMORY_PAGES, ASYNC_GEN_FIBER_STACK_KIB);
  out(&g, "(component definition $T\n");
  for (int k = 0; k < n; k++) child(&g, k);
  out(&g, "(instance $i0 (instantiate $C0))\n");
  for (int k = 1; k < n; k++) {
    out(&g, "(instance $i%d (instantiate $C%d", k, k);
    for (const char *f = "abcde"; *f; f++)
      out(&g, " (with \"%c\" (func $i%d \"%c\"))", *f, k - 1, *f);
    out(&g, "))\n");
  }
  for (const char *f = "abcd"; *f; f++) {
    out(&g, "(func (export \"%c\") (alias export $i%d \"%c\"))\n", *f, n - 1, *f);
    out(&g, "(func (export \"%c0\") (alias export $i0 \"%c\"))\n", *f, *f);
  }
  out(&g, ")\n(component instance $t $T)\n");
  unsigned calls = 1 + pick(&g, 4);
  for (unsigned i = 0; i < calls; i++) {
    /* a fresh instance for each: a trap poisons the instance it was in */
    if (i > 0) out(&g, "(component instance $t $T)\n");
    unsigned f = pick(&g, 8);
    char name = "abcd"[f % 4];
    out(&g, "(invoke \"%c%s\" ", name, f >= 4 ? "0" : "");
    if (name == 'c') out(&g, "(str.const \"%.*s\")", (int)pick(&g, 6), "hello!");
    else out(&g, "(u32.const %u)", byte(&g));
    out(&g, ")\n");
  }
  if (g.e.oom) {
    emit_free(&g.e);
    return false;
  }
  free(g.e.fx);
  res->text = g.e.s;
  res->len = g.e.len;
  res->seed = seed;
  return true;
}
