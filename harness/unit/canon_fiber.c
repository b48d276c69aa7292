/* canon_fiber.c -- unit tests of canon/fiber.c against fiber.h's contract:
 * resume runs a fiber until it blocks or ends and returns to whoever
 * resumed it (main or another fiber), stacks come back through the pool,
 * a blocked fiber can be freed without being resumed, and a switch keeps
 * every value the C ABI says survives a call: callee-saved registers and
 * the floating-point control (rounding mode), per fiber.
 *
 * The same file is built twice: on the switch canon/fiber.c picks for this
 * machine, and as canon_fiber_ucontext on the portable ucontext one.
 *
 * Each fiber appends numbers to a log in the order things happen; the
 * expected logs are written out by hand from the control flow each test
 * sets up. */
#include <fenv.h>
#include <stdint.h>
#include <stdlib.h>

#include "canon/fiber.h"
#include "harness/unit/unit.h"

typedef struct fiber_log {
  int ev[64];
  int n;
} fiber_log;

static void note(fiber_log *l, int e) {
  if (l->n < 64) l->ev[l->n++] = e;
}

static void check_log(unit_ctx *u, const fiber_log *l, const int *want,
                      int n) {
  CHECK_INT(l->n, n);
  for (int i = 0; i < n && i < l->n; i++) CHECK_INT(l->ev[i], want[i]);
}

#define LOG(...) (const int[]){__VA_ARGS__}, (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int))

/* What a fiber function sees: its own fiber, the log, the test context and
 * (for the nested test) another fiber. */
typedef struct fiber_env {
  unit_ctx *u;
  canon_fiber *self, *other;
  fiber_log *log;
  uintptr_t local_addr; /* address of a local, to compare stacks */
  int result;
} fiber_env;

/* e->self = a new fiber of pool running fn(e); false (a failed check) if
 * there was none. */
static bool new_fiber(unit_ctx *u, canon_fiber_pool *pool, fiber_env *e,
                      canon_fiber_fn fn) {
  e->self = canon_fiber_new(pool, fn, e);
  return CHECK(e->self != NULL);
}

/* The set-up of a test of one fiber that notes in a log: its pool, the
 * log, and its env (e.self the fiber). */
typedef struct one_fiber {
  canon_fiber_pool pool;
  fiber_log log;
  fiber_env e;
} one_fiber;

/* Starts fx: an empty pool and log, and fx->e.self a new fiber of the
 * pool running fn(&fx->e); false (a failed check) if there was none. */
static bool one_fiber_new(unit_ctx *u, one_fiber *fx, canon_fiber_fn fn) {
  *fx = (one_fiber){.e = {.u = u, .log = &fx->log}};
  return new_fiber(u, &fx->pool, &fx->e, fn);
}

/* ---- run to completion ------------------------------------------------------ */

static void straight(void *arg) {
  fiber_env *e = arg;
  unit_ctx *u = e->u;
  CHECK(canon_fiber_running(e->self));
  CHECK(!canon_fiber_done(e->self));
  note(e->log, 1);
  e->result = 42;
}

TEST(runs_to_completion) {
  one_fiber fx;
  if (!one_fiber_new(u, &fx, straight)) return;
  CHECK(!canon_fiber_running(fx.e.self));
  CHECK(!canon_fiber_done(fx.e.self));
  note(&fx.log, 0);
  CHECK(canon_fiber_resume(fx.e.self)); /* fn returned: done */
  note(&fx.log, 2);
  CHECK(canon_fiber_done(fx.e.self));
  CHECK(!canon_fiber_running(fx.e.self));
  CHECK_INT(fx.e.result, 42);
  check_log(u, &fx.log, LOG(0, 1, 2));
  canon_fiber_free(&fx.pool, fx.e.self);
  CHECK_INT(fx.pool.nspare, 1);
  canon_fiber_pool_free(&fx.pool);
  CHECK_INT(fx.pool.nspare, 0);
  CHECK(fx.pool.spare == NULL);
}

/* ---- block three times ------------------------------------------------------- */

static void three_blocks(void *arg) {
  fiber_env *e = arg;
  for (int i = 0; i < 3; i++) {
    note(e->log, 10 + i);
    canon_fiber_block(e->self);
    note(e->log, 20 + i); /* continues in place, after the block */
  }
}

TEST(blocks_three_times) {
  one_fiber fx;
  if (!one_fiber_new(u, &fx, three_blocks)) return;
  note(&fx.log, 0);
  CHECK(!canon_fiber_resume(fx.e.self)); /* runs to the first block */
  note(&fx.log, 1);
  CHECK(!canon_fiber_resume(fx.e.self));
  note(&fx.log, 2);
  CHECK(!canon_fiber_resume(fx.e.self));
  note(&fx.log, 3);
  CHECK(!canon_fiber_done(fx.e.self));
  CHECK(canon_fiber_resume(fx.e.self)); /* the loop ends, fn returns */
  note(&fx.log, 4);
  CHECK(canon_fiber_done(fx.e.self));
  check_log(u, &fx.log, LOG(0, 10, 1, 20, 11, 2, 21, 12, 3, 22, 4));
  canon_fiber_free(&fx.pool, fx.e.self);
  canon_fiber_pool_free(&fx.pool);
}

/* ---- nested resumes -------------------------------------------------------------- */

/* B: blocks once to whoever resumed it, then ends. */
static void nested_b(void *arg) {
  fiber_env *e = arg;
  unit_ctx *u = e->u;
  note(e->log, 2);
  /* A resumed B and is still running: it waits in canon_fiber_resume */
  CHECK(canon_fiber_running(e->other));
  canon_fiber_block(e->self); /* back to A */
  note(e->log, 6);
  /* this time main resumed B, while A was blocked */
  CHECK(!canon_fiber_running(e->other));
}

/* A: resumes B, which blocks back to A; then A blocks back to main. */
static void nested_a(void *arg) {
  fiber_env *e = arg;
  unit_ctx *u = e->u;
  note(e->log, 1);
  CHECK(!canon_fiber_resume(e->other)); /* B blocked: returns here, in A */
  note(e->log, 3);
  CHECK(canon_fiber_running(e->self));
  canon_fiber_block(e->self); /* back to main */
  note(e->log, 8);
}

TEST(nested_resumes) {
  canon_fiber_pool pool = {0};
  fiber_log log = {0};
  fiber_env a = {.u = u, .log = &log}, b = {.u = u, .log = &log};
  a.self = canon_fiber_new(&pool, nested_a, &a);
  b.self = canon_fiber_new(&pool, nested_b, &b);
  CHECK(a.self && b.self);
  if (!a.self || !b.self) return;
  a.other = b.self;
  b.other = a.self;
  note(&log, 0);
  CHECK(!canon_fiber_resume(a.self)); /* A runs B; B blocks to A; A blocks */
  note(&log, 4);
  CHECK(!canon_fiber_running(a.self));
  CHECK(!canon_fiber_running(b.self));
  /* B's resumer is now main: when B ends it must come back here, not to A */
  note(&log, 5);
  CHECK(canon_fiber_resume(b.self));
  note(&log, 7);
  CHECK(canon_fiber_done(b.self));
  CHECK(!canon_fiber_done(a.self));
  CHECK(canon_fiber_resume(a.self));
  note(&log, 9);
  check_log(u, &log, LOG(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  canon_fiber_free(&pool, a.self);
  canon_fiber_free(&pool, b.self);
  CHECK_INT(pool.nspare, 2);
  canon_fiber_pool_free(&pool);
}

/* A fiber that resumes another fiber which runs to completion inside it,
 * three levels deep: each resume returns to the fiber that made it. */
static void chain(void *arg) {
  fiber_env *e = arg;
  note(e->log, e->result);
  if (e->other) {
    unit_ctx *u = e->u;
    CHECK(canon_fiber_resume(e->other));
  }
  note(e->log, 10 + e->result);
}

TEST(nested_to_completion) {
  canon_fiber_pool pool = {0};
  fiber_log log = {0};
  fiber_env env[3];
  for (int i = 2; i >= 0; i--) {
    env[i] = (fiber_env){.u = u, .log = &log, .result = i + 1,
                         .other = i < 2 ? env[i + 1].self : NULL};
    env[i].self = canon_fiber_new(&pool, chain, &env[i]);
    CHECK(env[i].self != NULL);
    if (!env[i].self) return;
  }
  CHECK(canon_fiber_resume(env[0].self));
  check_log(u, &log, LOG(1, 2, 3, 13, 12, 11));
  for (int i = 0; i < 3; i++) canon_fiber_free(&pool, env[i].self);
  canon_fiber_pool_free(&pool);
}

/* ---- stacks and the pool ---------------------------------------------------- */

/* Stack addresses are taken of variable-length arrays: ASan's
 * detect_stack_use_after_return moves fixed-size locals to a "fake stack"
 * on the heap, but a VLA always lives on the real stack. */
static void where(void *arg) {
  fiber_env *e = arg;
  volatile size_t n = 16;
  volatile char local[n];
  local[0] = 0;
  e->local_addr = (uintptr_t)local;
}

TEST(pool_reuses_stack) {
  canon_fiber_pool pool = {0};
  fiber_env e1 = {.u = u}, e2 = {.u = u};
  canon_fiber *f1 = canon_fiber_new(&pool, where, &e1);
  CHECK(f1 != NULL);
  if (!f1) return;
  CHECK(canon_fiber_resume(f1));
  canon_fiber_free(&pool, f1);
  CHECK_INT(pool.nspare, 1);
  canon_fiber *f2 = canon_fiber_new(&pool, where, &e2);
  CHECK(f2 != NULL);
  if (!f2) return;
  CHECK_INT(pool.nspare, 0);
  CHECK(f2 == f1);
  CHECK(canon_fiber_resume(f2));
  /* the same function at the same depth of the same stack */
  CHECK(e1.local_addr != 0);
  CHECK(e1.local_addr == e2.local_addr);
  canon_fiber_free(&pool, f2);
  canon_fiber_pool_free(&pool);
}

/* A stack is not main's: two fibers alive at once have different ones. */
TEST(distinct_stacks) {
  canon_fiber_pool pool = {0};
  fiber_env e1 = {.u = u}, e2 = {.u = u};
  canon_fiber *f1 = canon_fiber_new(&pool, where, &e1);
  canon_fiber *f2 = canon_fiber_new(&pool, where, &e2);
  CHECK(f1 && f2);
  if (!f1 || !f2) return;
  CHECK(canon_fiber_resume(f1));
  CHECK(canon_fiber_resume(f2));
  volatile size_t n = 16;
  volatile char here[n];
  here[0] = 0;
  uintptr_t a = e1.local_addr, b = e2.local_addr;
  uintptr_t d = a > b ? a - b : b - a;
  CHECK(d >= CANON_FIBER_STACK_SIZE); /* at least a whole stack apart */
  uintptr_t m = (uintptr_t)here;
  CHECK((m > a ? m - a : a - m) >= 4096);
  canon_fiber_free(&pool, f1);
  canon_fiber_free(&pool, f2);
  canon_fiber_pool_free(&pool);
}

static void count(void *arg) { ((fiber_env *)arg)->result++; }

TEST(thousand_fibers) {
  canon_fiber_pool pool = {0};
  enum { N = 1000 };
  canon_fiber **live = calloc(N, sizeof *live);
  fiber_env e = {.u = u};
  CHECK(live != NULL);
  if (!live) return;
  /* one at a time: the same stack goes round and round */
  for (int i = 0; i < N; i++) {
    canon_fiber *f = canon_fiber_new(&pool, count, &e);
    CHECK(f != NULL);
    if (!f) return;
    CHECK(canon_fiber_resume(f));
    canon_fiber_free(&pool, f);
    CHECK(pool.nspare == 1);
  }
  CHECK_INT(e.result, N);
  /* all alive at once: freeing them keeps at most 16 spare stacks */
  pool.stack_size = 64 * 1024;
  for (int i = 0; i < N; i++) {
    live[i] = canon_fiber_new(&pool, count, &e);
    CHECK(live[i] != NULL);
    if (!live[i]) return; /* (leaks: the test has failed anyway) */
  }
  CHECK_INT(pool.nspare, 0);
  for (int i = 0; i < N; i++) CHECK(canon_fiber_resume(live[i]));
  CHECK_INT(e.result, 2 * N);
  for (int i = 0; i < N; i++) {
    canon_fiber_free(&pool, live[i]);
    live[i] = NULL;
  }
  free(live);
  CHECK(pool.nspare >= 1 && pool.nspare <= 16);
  canon_fiber_pool_free(&pool);
  CHECK_INT(pool.nspare, 0);
  CHECK(pool.spare == NULL);
}

/* A custom stack size: a small one is enough for a small function. */
TEST(custom_stack_size) {
  canon_fiber_pool pool = {.stack_size = 16 * 1024};
  fiber_env e = {.u = u};
  canon_fiber *f = canon_fiber_new(&pool, count, &e);
  CHECK(f != NULL);
  if (!f) return;
  CHECK(canon_fiber_resume(f));
  CHECK_INT(e.result, 1);
  canon_fiber_free(&pool, f);
  canon_fiber_pool_free(&pool);
}

/* ---- a deep stack ------------------------------------------------------------ */

/* Each level holds a 1 KiB buffer (a VLA, so on the real stack even with
 * ASan's fake stacks, see where()); returns the address of the deepest
 * buffer through *deepest so the test can measure how much stack it used. */
static int recurse(int depth, uintptr_t *deepest) {
  volatile size_t n = 1024;
  volatile char buf[n];
  for (size_t i = 0; i < n; i += 64) buf[i] = (char)(depth % 100);
  if (depth == 0) {
    *deepest = (uintptr_t)buf;
    return buf[0];
  }
  int r = recurse(depth - 1, deepest);
  return r + buf[64]; /* use buf after the call: no tail call */
}

static void deep(void *arg) {
  fiber_env *e = arg;
  volatile size_t n = 16;
  volatile char top[n];
  top[0] = 0;
  uintptr_t deepest = 0;
  e->result = recurse(200, &deepest);
  uintptr_t t = (uintptr_t)top;
  e->local_addr = t > deepest ? t - deepest : 0;
}

TEST(deep_recursion) {
  canon_fiber_pool pool = {0};
  fiber_env e = {.u = u};
  canon_fiber *f = canon_fiber_new(&pool, deep, &e);
  CHECK(f != NULL);
  if (!f) return;
  CHECK(canon_fiber_resume(f));
  /* 201 levels of 1 KiB buffers, so at least 200 KiB of this stack */
  CHECK(e.local_addr >= 200 * 1024);
  CHECK(e.local_addr < CANON_FIBER_STACK_SIZE);
  /* depth 0 gives 0; each level d adds d % 100: 2 * (0 + 1 + ... + 99) */
  CHECK_INT(e.result, 9900);
  canon_fiber_free(&pool, f);
  canon_fiber_pool_free(&pool);
}

/* ---- freeing a blocked fiber ---------------------------------------------------- */

static void blocks_forever(void *arg) {
  fiber_env *e = arg;
  volatile char buf[4096]; /* frames left behind on the stack */
  buf[0] = 1;
  note(e->log, 1);
  canon_fiber_block(e->self);
  note(e->log, 99); /* never: the fiber is freed while blocked */
  e->result = buf[0];
}

TEST(free_blocked) {
  one_fiber fx;
  if (!one_fiber_new(u, &fx, blocks_forever)) return;
  CHECK(!canon_fiber_resume(fx.e.self));
  CHECK(!canon_fiber_done(fx.e.self));
  canon_fiber_free(&fx.pool, fx.e.self);
  check_log(u, &fx.log, LOG(1));
  CHECK_INT(fx.e.result, 0);
  CHECK_INT(fx.pool.nspare, 1);
  /* the stack it left behind serves the next fiber */
  fiber_env e2 = {.u = u, .log = &fx.log};
  e2.self = canon_fiber_new(&fx.pool, three_blocks, &e2);
  CHECK(e2.self == fx.e.self);
  if (!e2.self) return;
  while (!canon_fiber_resume(e2.self)) {
  }
  check_log(u, &fx.log, LOG(1, 10, 20, 11, 21, 12, 22));
  canon_fiber_free(&fx.pool, e2.self);
  /* a fiber never started is freed just the same */
  canon_fiber *f = canon_fiber_new(&fx.pool, blocks_forever, &fx.e);
  CHECK(f != NULL);
  canon_fiber_free(&fx.pool, f);
  CHECK_INT(fx.pool.nspare, 1);
  canon_fiber_pool_free(&fx.pool);
}

/* ---- values live across switches ------------------------------------------------ */

/* Integers and doubles live across every switch, on both sides: the
 * compiler keeps them in callee-saved registers where it can (rbx, rbp,
 * r12-r15 on x86-64; x19-x28, d8-d15 on aarch64), so a switch that lost or
 * swapped one shows here. */
static void live_values(void *arg) {
  fiber_env *e = arg;
  int64_t a = 1, b = 2, c = 3, d = 4, g = 5, h = 6, k = 7, m = 8;
  double x = 0.5, y = 1.5, z = 2.5, w = 3.5;
  for (int i = 0; i < 10; i++) {
    canon_fiber_block(e->self);
    a += 1, b += 2, c += 3, d += 4, g += 5, h += 6, k += 7, m += 8;
    x += 1, y += 2, z += 3, w += 4;
  }
  /* 1+...+8 = 36, plus 10 * 36; 0.5+1.5+2.5+3.5 = 8, plus 10 * 10 */
  e->result = (int)(a + b + c + d + g + h + k + m) * 1000 + (int)(x + y + z + w);
}

TEST(live_values_across_switches) {
  canon_fiber_pool pool = {0};
  fiber_env e = {.u = u};
  if (!new_fiber(u, &pool, &e, live_values)) return;
  int64_t p = 100, q = 200, r = 300, s = 400;
  double v = 0.25, t = 0.75;
  int blocks = 0;
  while (!canon_fiber_resume(e.self)) {
    p -= 1, q -= 2, r -= 3, s -= 4;
    v += 1, t += 2;
    blocks++;
  }
  CHECK_INT(blocks, 10);
  CHECK_INT(p, 90);
  CHECK_INT(q, 180);
  CHECK_INT(r, 270);
  CHECK_INT(s, 360);
  CHECK(v == 10.25);
  CHECK(t == 20.75);
  CHECK_INT(e.result, 396 * 1000 + 108);
  canon_fiber_free(&pool, e.self);
  canon_fiber_pool_free(&pool);
}

/* ---- rounding mode per fiber -------------------------------------------------------- */

#ifdef FE_UPWARD
typedef struct rounding_env {
  unit_ctx *u;
  canon_fiber *self;
  double nearest; /* 1/3 rounded to nearest */
} rounding_env;

/* A fiber that rounds upward: it keeps doing so after a switch, while its
 * resumer keeps rounding to nearest (the C ABI makes the FP control
 * callee-saved: MXCSR and the x87 control word, FPCR). */
static void rounds_upward(void *arg) {
  rounding_env *e = arg;
  unit_ctx *u = e->u;
  volatile double one = 1.0, three = 3.0;
  CHECK_INT(fegetround(), FE_TONEAREST); /* inherited from its creator */
  CHECK_INT(fesetround(FE_UPWARD), 0);
  CHECK(one / three > e->nearest);
  canon_fiber_block(e->self);
  CHECK_INT(fegetround(), FE_UPWARD);
  CHECK(one / three > e->nearest);
}

TEST(rounding_mode_per_fiber) {
  canon_fiber_pool pool = {0};
  volatile double one = 1.0, three = 3.0;
  CHECK_INT(fegetround(), FE_TONEAREST);
  rounding_env e = {.u = u, .nearest = one / three};
  e.self = canon_fiber_new(&pool, rounds_upward, &e);
  CHECK(e.self != NULL);
  if (!e.self) return;
  CHECK(!canon_fiber_resume(e.self)); /* it blocked, rounding upward */
  CHECK_INT(fegetround(), FE_TONEAREST);
  CHECK(one / three == e.nearest);
  CHECK(canon_fiber_resume(e.self)); /* it ended, rounding upward */
  CHECK_INT(fegetround(), FE_TONEAREST);
  CHECK(one / three == e.nearest);
  canon_fiber_free(&pool, e.self);
  canon_fiber_pool_free(&pool);
}
#endif

int main(void) {
  UNIT_BEGIN;
  RUN(runs_to_completion);
  RUN(blocks_three_times);
  RUN(nested_resumes);
  RUN(nested_to_completion);
  RUN(pool_reuses_stack);
  RUN(distinct_stacks);
  RUN(thousand_fibers);
  RUN(custom_stack_size);
  RUN(deep_recursion);
  RUN(free_blocked);
  RUN(live_values_across_switches);
#ifdef FE_UPWARD
  RUN(rounding_mode_per_fiber);
#endif
  return UNIT_END;
}
