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
 * that EXIT every 2^k calls. */
#include "async_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen {
  const uint8_t *p;
  size_t n, i;
  char *s;
  size_t len, cap;
  bool oom;
  int k;          /* the child component being written */
  bool realloc_builtins;
  bool wild_result_ptrs;
  bool used[96];  /* builtins[] the child's code calls (only those are
                     defined and imported: less text to parse per run) */
  bool used_r[96]; /* ... that its realloc module calls */
  bool in_realloc;
  bool used_h[8]; /* helpers[] the child's $M calls */
} gen;

static unsigned byte(gen *g) { return g->i < g->n ? g->p[g->i++] : 0; }
static unsigned pick(gen *g, unsigned n) { return byte(g) % n; }
/* true with probability about num/256 */
static bool chance(gen *g, unsigned num) { return g->i < g->n && byte(g) < num; }

static void out(gen *g, const char *fmt, ...) {
  if (g->oom) return;
  if (!g->s) {
    g->s = malloc(g->cap = 1 << 15);
    if (!g->s) {
      g->oom = true;
      return;
    }
  }
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(g->s + g->len, g->cap - g->len, fmt, ap);
    va_end(ap);
    if (w < 0) {
      g->oom = true;
      return;
    }
    if ((size_t)w < g->cap - g->len) {
      g->len += (size_t)w;
      return;
    }
    size_t cap = (g->cap + (size_t)w + 1) * 2;
    char *s = realloc(g->s, cap);
    if (!s) {
      g->oom = true;
      return;
    }
    g->s = s;
    g->cap = cap;
  }
}

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

static void use(gen *g, const char *name);

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

static void helper_funcs(gen *g) {
  for (size_t i = 0; i < NHELPERS; i++) {
    if (!g->used_h[i]) continue;
    const struct helper *h = &helpers[i];
    out(g, "    (func $%s (param $s i32) (result i32) (local $t i64) (local $b i32)\n"
           "      (if (i32.eqz (i32.load (local.get $s))) (then\n", h->name);
    if (h->fill)
      out(g, "        (local.set $b (i32.and (local.get $s) (i32.const -8)))\n"
             "        (local.set $t (call $%s))\n"
             "        (i32.store (local.get $b) (i32.wrap_i64 (local.get $t)))\n"
             "        (i32.store offset=4 (local.get $b) (i32.wrap_i64 "
             "(i64.shr_u (local.get $t) (i64.const 32))))))\n", h->builtin);
    else
      out(g, "        (i32.store (local.get $s) (call $%s))))\n", h->builtin);
    out(g, "      (i32.load (local.get $s)))\n");
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
      out(g, "(call $%s (i32.const %u))", helpers[h].name, sl);
    } else {
      out(g, "(i32.load (i32.const %u))", sl);
    }
    return (int)sl;
  }
  if (c < 37) out(g, "(i32.load (i32.const %u))", slot(g, P_ANY));
  else if (c < 39) out(g, "(i32.const %u)", 1 + pick(g, 8));
  else out(g, "(i32.const %u)", byte(g) * 0x01010101u);
  return -1;
}

/* A pointer into memory, aligned to 8 unless it is one of the wild ones.
 * The event pointers of waitable-set.wait/poll, debug-message's and async
 * lowers' result pointers are wild only when asked for (see async_gen.h). */
static void ptr(gen *g, unsigned base, unsigned span) {
  unsigned c = pick(g, 20);
  if (!g->wild_result_ptrs && (base == EVENTS || base == RETPTRS)) c = 0;
  if (c < 18) out(g, "(i32.const %u)", base + 8 * pick(g, span));
  else if (c < 19) out(g, "(i32.const %u)", BUFS + pick(g, 64));
  else out(g, "(i32.const %u)", 65536u - 8 * pick(g, 4));
}

static void length(gen *g) {
  unsigned c = pick(g, 20);
  if (c < 18) out(g, "(i32.const %u)", pick(g, 5));
  else if (c < 19) out(g, "(i32.const %u)", byte(g));
  else out(g, "(i32.const 0x10000000)");
}

static void value(gen *g) { out(g, "(i32.const %u)", byte(g)); }

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

static void store_slot_begin(gen *g, pool p) {
  out(g, "(i32.store (i32.const %u) ", slot(g, p));
}

/* stream.new / future.new: the readable end to an even slot of the pool,
 * the writable end to the next one. */
static void new_pair(gen *g, const char *f, pool readable) {
  unsigned r = slot(g, readable);
  out(g, "(local.set $t (call $%s))", f);
  out(g, "(i32.store (i32.const %u) (i32.wrap_i64 (local.get $t)))", r);
  out(g, "(i32.store (i32.const %u) (i32.wrap_i64 (i64.shr_u (local.get $t) "
         "(i64.const 32))))", r + 4);
}

/* A call whose i32 result goes to a slot (shifted right by `shift`: the
 * subtask index of an async lower) or is dropped. */
static void result_begin(gen *g, bool *stored) {
  *stored = chance(g, 24);
  if (*stored) store_slot_begin(g, P_MISC);
  else out(g, "(drop ");
}

/* A call that makes a handle (or a thread index): its result goes to a
 * slot. */
static void handle_result_begin(gen *g, bool *stored, pool p) {
  *stored = !chance(g, 16);
  if (*stored) store_slot_begin(g, p);
  else out(g, "(drop ");
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

/* One call of the built-in `name`, with its operands. */
static void call_op(gen *g, const char *name) {
  const builtin *b = find(name);
  if (!b || !present(g, b)) return;
  bool st;
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
    result_begin(g, &st);
    out(g, "(call $%s ", n);
    handle(g, n[1] == 's' ? P_SSR : n[2] == 'r' ? P_SR : P_SW);
    ptr(g, BUFS, 200);
    length(g);
    out(g, "))");
  } else if (!strncmp(n, "ss.write", 8)) {
    result_begin(g, &st);
    out(g, "(call $%s ", n);
    handle(g, P_SSW);
    ptr(g, STRPAIRS, 8);
    length(g);
    out(g, "))");
  } else if (!strncmp(n, "f.read", 6) || !strncmp(n, "f.write", 7)) {
    result_begin(g, &st);
    out(g, "(call $%s ", n);
    handle(g, n[2] == 'r' ? P_FR : P_FW);
    ptr(g, BUFS, 200);
    out(g, "))");
  } else if (!strcmp(n, "ws.new")) {
    handle_result_begin(g, &st, P_WS);
    out(g, "(call $%s))", n);
  } else if (!strcmp(n, "t.idx")) {
    handle_result_begin(g, &st, P_TH);
    out(g, "(call $%s))", n);
  } else if (!strcmp(n, "cget0") || !strcmp(n, "cget1")) {
    handle_result_begin(g, &st, P_MISC);
    out(g, "(call $%s))", n);
  } else if (!strcmp(n, "t.susp") || !strcmp(n, "t.susp.c") ||
             !strcmp(n, "t.yield") || !strcmp(n, "t.yield.c")) {
    result_begin(g, &st);
    out(g, "(call $%s))", n);
  } else if (!strncmp(n, "ws.wait", 7) || !strncmp(n, "ws.poll", 7)) {
    result_begin(g, &st);
    out(g, "(call $%s ", n);
    handle(g, P_WS);
    ptr(g, EVENTS, 8);
    out(g, "))");
  } else if (!strcmp(n, "join")) {
    out(g, "(call $join ");
    handle(g, P_WAITABLE);
    if (chance(g, 40)) out(g, "(i32.const 0)");
    else handle(g, P_WS);
    out(g, ")");
  } else if (!strcmp(n, "tr")) {
    out(g, "(call $tr ");
    value(g);
    out(g, ")");
  } else if (!strcmp(n, "trs")) {
    out(g, "(call $trs (i32.const %u) ", STRDATA + pick(g, 8));
    length(g);
    out(g, ")");
  } else if (!strcmp(n, "tc") || !strcmp(n, "bp.inc") || !strcmp(n, "bp.dec")) {
    out(g, "(call $%s)", n);
  } else if (!strcmp(n, "cset0") || !strcmp(n, "cset1")) {
    out(g, "(call $%s ", n);
    if (chance(g, 128)) handle(g, P_ANY);
    else value(g);
    out(g, ")");
  } else if (!strcmp(n, "t.new")) {
    handle_result_begin(g, &st, P_TH);
    out(g, "(call $t.new (i32.const %u) ", chance(g, 8) ? 4 + pick(g, 4) : pick(g, 4));
    value(g);
    out(g, "))");
  } else if (!strcmp(n, "ec.new")) {
    handle_result_begin(g, &st, P_EC);
    out(g, "(call $ec.new (i32.const %u) ", STRDATA + pick(g, 8));
    length(g);
    out(g, "))");
  } else if (!strcmp(n, "ec.msg")) {
    out(g, "(call $ec.msg ");
    handle(g, P_EC);
    ptr(g, EVENTS, 8);
    out(g, ")");
  } else if (!strcmp(n, "a.s") || !strcmp(n, "b.s")) {
    result_begin(g, &st);
    out(g, "(call $%s ", n);
    value(g);
    out(g, "))");
  } else if (!strcmp(n, "a.a") || !strcmp(n, "b.a") || !strcmp(n, "d.a")) {
    /* async lower: (state | subtask << 4); keep the subtask index */
    store_slot_begin(g, P_ST);
    out(g, "(i32.shr_u (call $%s ", n);
    value(g);
    ptr(g, RETPTRS, 64);
    out(g, ") (i32.const 4)))");
  } else if (!strcmp(n, "c.s")) {
    result_begin(g, &st);
    out(g, "(call $c.s (i32.const %u) ", STRDATA + pick(g, 8));
    length(g);
    out(g, "))");
  } else if (!strcmp(n, "c.a")) {
    store_slot_begin(g, P_ST);
    out(g, "(i32.shr_u (call $c.a (i32.const %u) ", STRDATA + pick(g, 8));
    length(g);
    ptr(g, RETPTRS, 64);
    out(g, ") (i32.const 4)))");
  } else if (!strcmp(n, "d.s")) {
    out(g, "(call $d.s ");
    value(g);
    ptr(g, RETPTRS, 64);
    out(g, ")");
  } else if (!strcmp(n, "e.s")) {
    result_begin(g, &st);
    out(g, "(call $e.s ");
    handle(g, P_SSR);
    out(g, "))");
  } else if (!strcmp(n, "e.a")) {
    store_slot_begin(g, P_ST);
    out(g, "(i32.shr_u (call $e.a ");
    handle(g, P_SSR);
    ptr(g, RETPTRS, 64);
    out(g, ") (i32.const 4)))");
  } else {
    /* the rest take one handle: drops, cancels, thread switches */
    bool has_result = strstr(b->type, "result") != NULL;
    if (has_result) result_begin(g, &st);
    out(g, "(call $%s ", n);
    int sl = handle(g, pool_of(n));
    out(g, has_result ? "))" : ")");
    /* a dropped handle is gone: mostly forget it, so that the next
     * operand of its kind is a live one */
    if (sl >= 0 && strstr(n, "drop") && !chance(g, 32))
      out(g, "(i32.store (i32.const %u) (i32.const 0))", (unsigned)sl);
  }
  out(g, "\n");
}

/* The realloc-safe subset for realloc bodies, everything for the rest. */
static void ops(gen *g, bool in_realloc, unsigned max) {
  unsigned count = pick(g, max + 1);
  for (unsigned i = 0; i < count && !g->oom; i++) {
    out(g, "      ");
    if (in_realloc) {
      call_op(g, realloc_imports[pick(g, NREALLOC_IMPORTS)]);
    } else {
      const builtin *b = &builtins[pick(g, NBUILTINS)];
      /* task.return, task.cancel and backpressure.dec trap unless the
       * moment is right: mostly leave them to the function's end */
      bool rare = !strcmp(b->name, "tr") || !strcmp(b->name, "trs") ||
                  !strcmp(b->name, "tc") || !strcmp(b->name, "bp.dec");
      if (present(g, b) && (!rare || chance(g, 32))) call_op(g, b->name);
      else out(g, "(nop)\n");
    }
  }
}

/* ---- one child component ---------------------------------------------- */

static void bytes_u32(gen *g, uint32_t v) {
  for (int i = 0; i < 4; i++) out(g, "\\%02x", (v >> (8 * i)) & 0xff);
}

static void realloc_module(gen *g, const char *body) {
  out(g, "  (core module $R\n    (import \"\" \"mem\" (memory 1))\n");
  for (size_t i = 0; i < NBUILTINS; i++)
    if (g->used_r[i])
      out(g, "    (import \"\" \"%s\" (func $%s %s))\n", builtins[i].name,
          builtins[i].name, builtins[i].type);
  out(g, "    (global $bump (mut i32) (i32.const %u))\n", HEAP);
  out(g, "    (func (export \"realloc\") (param $old i32) (param $osize i32) "
         "(param $align i32) (param $nsize i32) (result i32)\n"
         "      (local $p i32) (local $t i64)\n");
  out(g, "%s", body);
  /* a bump allocator over [HEAP, 65536); a request it cannot meet traps */
  out(g, "      (if (i32.gt_u (local.get $nsize) (i32.const %u)) (then unreachable))\n"
         "      (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))\n"
         "      (if (i32.gt_u (i32.add (local.get $p) (local.get $nsize)) (i32.const 65536))\n"
         "        (then (local.set $p (i32.const %u))))\n"
         "      (global.set $bump (i32.add (local.get $p) (local.get $nsize)))\n"
         "      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old)\n"
         "        (select (local.get $osize) (local.get $nsize) (i32.lt_u (local.get $osize) (local.get $nsize))))))\n"
         "      (local.get $p)))\n",
      65536 - HEAP, HEAP);
  out(g, "  (core instance $r (instantiate $R (with \"\" (instance\n"
         "    (export \"mem\" (memory $memory))\n");
  for (size_t i = 0; i < NBUILTINS; i++)
    if (g->used_r[i])
      out(g, "    (export \"%s\" (func $%s))\n", builtins[i].name, builtins[i].name);
  out(g, "  ))))\n  (alias core export $r \"realloc\" (core func $realloc))\n");
}

/* The callback code a callback-lifted function returns: EXIT (after
 * task.return, once per task, remembered in context slot 0) every 2^m
 * calls of this instance, else YIELD or WAIT on a slot's set. */
static void callback_tail(gen *g, bool string_result) {
  unsigned mask = (1u << pick(g, 3)) - 1;
  use(g, "cget0");
  use(g, "cset0");
  use(g, string_result ? "trs" : "tr");
  out(g, "      (global.set $n (i32.add (global.get $n) (i32.const 1)))\n");
  out(g, "      (if (result i32) (i32.eqz (i32.and (global.get $n) (i32.const %u)))\n", mask);
  out(g, "        (then (if (i32.eqz (call $cget0)) (then (call $cset0 (i32.const 1))");
  if (string_result)
    out(g, " (call $trs (i32.const %u) (i32.const %u))", STRDATA + pick(g, 8), pick(g, 6));
  else
    out(g, " (call $tr (i32.const %u))", byte(g));
  out(g, ")) (i32.const 0))\n        (else ");
  unsigned c = pick(g, 32);
  if (c < 14) out(g, "(i32.const 1)");
  else if (c < 30) {
    out(g, "(i32.or (i32.const 2) (i32.shl ");
    handle(g, P_WS);
    out(g, " (i32.const 4)))");
  } else if (c < 31) out(g, "(i32.const 0)");
  else out(g, "(i32.const %u)", 3 + pick(g, 13));
  out(g, ")))\n");
}

/* Text written between capture_begin and capture_end goes to a string of
 * its own (free() it): the code is generated before the definitions and
 * imports it needs. */
typedef struct saved { char *s; size_t len, cap; } saved;

static saved capture_begin(gen *g) {
  saved sv = {g->s, g->len, g->cap};
  g->s = NULL;
  g->len = g->cap = 0;
  return sv;
}

static char *capture_end(gen *g, saved sv) {
  char *body = g->s;
  g->s = sv.s;
  g->len = sv.len;
  g->cap = sv.cap;
  if (!body && !g->oom) body = calloc(1, 1);
  if (!body) g->oom = true;
  return body;
}

static void core_funcs(gen *g) {
  static const char *const cb[] = {"a", "a-cb", "d", "d-cb", "e", "e-cb"};
  for (int i = 0; i < 6; i++) {
    bool entry = (i % 2) == 0;
    out(g, "    (func (export \"%s\") %s (result i32) (local $t i64)\n", cb[i],
        entry ? "(param i32)" : "(param i32 i32 i32)");
    if (i == 4) out(g, "      (i32.store (i32.const %u) (local.get 0))\n", slot(g, P_SSR));
    ops(g, false, 12);
    callback_tail(g, i / 2 == 1);
  }
  use(g, "cget0");
  use(g, "cset0");
  use(g, "tr");
  out(g, "    (func (export \"b\") (param i32) (local $t i64)\n");
  ops(g, false, 12);
  out(g, "      (if (i32.eqz (call $cget0)) (then (call $cset0 (i32.const 1)) "
         "(call $tr (local.get 0)))))\n");
  out(g, "    (func (export \"c\") (param i32 i32) (result i32) (local $t i64)\n");
  ops(g, false, 8);
  out(g, "      (local.get 1))\n");
  for (int i = 0; i < 4; i++) {
    out(g, "    (func $th%d (param i32) (local $t i64)\n", i);
    ops(g, false, 8);
    out(g, "    )\n");
  }
  out(g, "    (elem (i32.const 0) func $th0 $th1 $th2 $th3))\n");
}

static void canon_defs(gen *g, bool needs_realloc) {
  for (size_t i = 0; i < NBUILTINS; i++)
    if ((g->used[i] || g->used_r[i]) &&
        builtins[i].needs_realloc == needs_realloc)
      out(g, "  (canon %s (core func $%s))\n", builtins[i].def, builtins[i].name);
}

static void child(gen *g, int k) {
  g->k = k;
  memset(g->used, 0, sizeof g->used);
  memset(g->used_r, 0, sizeof g->used_r);
  memset(g->used_h, 0, sizeof g->used_h);
  saved sv = capture_begin(g);
  g->in_realloc = true;
  if (g->realloc_builtins) ops(g, true, 4);
  g->in_realloc = false;
  char *realloc_body = capture_end(g, sv);
  sv = capture_begin(g);
  core_funcs(g);
  char *funcs = capture_end(g, sv);
  if (g->oom) {
    free(realloc_body);
    free(funcs);
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
  realloc_module(g, realloc_body);
  canon_defs(g, true);

  out(g, "  (core module $M\n    (import \"\" \"mem\" (memory 1))\n"
         "    (import \"\" \"t\" (table 4 funcref))\n");
  for (size_t i = 0; i < NBUILTINS; i++)
    if (g->used[i])
      out(g, "    (import \"\" \"%s\" (func $%s %s))\n", builtins[i].name,
          builtins[i].name, builtins[i].type);
  out(g, "    (global $n (mut i32) (i32.const 0))\n");
  helper_funcs(g);
  out(g, "%s", funcs);
  out(g, "  (core instance $m (instantiate $M (with \"\" (instance\n"
         "    (export \"mem\" (memory $memory)) (export \"t\" (table $t))\n");
  for (size_t i = 0; i < NBUILTINS; i++)
    if (g->used[i])
      out(g, "    (export \"%s\" (func $%s))\n", builtins[i].name, builtins[i].name);
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
  free(realloc_body);
  free(funcs);
}

/* ---- the script ------------------------------------------------------------ */

async_gen_options async_gen_options_from_env(void) {
  async_gen_options o = {.realloc_builtins = ASYNC_GEN_REALLOC_BUILTINS_DEFAULT};
  const char *e = getenv("FUZZ_ASYNC_REALLOC_BUILTINS");
  if (e && *e) o.realloc_builtins = strcmp(e, "0") != 0;
  o.wild_result_ptrs = ASYNC_GEN_WILD_RESULT_PTRS_DEFAULT;
  e = getenv("FUZZ_ASYNC_WILD_RESULT_PTRS");
  if (e && *e) o.wild_result_ptrs = strcmp(e, "0") != 0;
  return o;
}

bool async_gen(const uint8_t *data, size_t size, const async_gen_options *opt,
               async_gen_script *res) {
  gen g = {.p = data, .n = size, .realloc_builtins = opt->realloc_builtins,
           .wild_result_ptrs = opt->wild_result_ptrs};
  uint64_t seed = 0;
  for (int i = 0; i < 8; i++) seed = seed << 8 | byte(&g);
  int n = 2 + (int)pick(&g, 2);
  out(&g, ";; generated by harness/fuzz/async_gen.c (%d instances%s%s)\n", n,
      g.realloc_builtins ? ", realloc calls built-ins" : "",
      g.wild_result_ptrs ? ", wild result pointers" : "");
  out(&g, ";; run: cmref run --sched random --seed %llu --fuel %d "
          "--max-threads %d --max-memory-pages %d FILE\n",
      (unsigned long long)seed, ASYNC_GEN_FUEL, ASYNC_GEN_MAX_THREADS,
      ASYNC_GEN_MEMORY_PAGES);
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
  if (g.oom) {
    free(g.s);
    return false;
  }
  res->text = g.s;
  res->len = g.len;
  res->seed = seed;
  return true;
}
