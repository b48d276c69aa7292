/* fiber.c -- stackful asymmetric coroutines on POSIX ucontext (fiber.h):
 * the spec's cont_new / resume / block (CanonicalABI.md "Stack Switching").
 *
 * A fiber keeps two contexts: its own (where it continues when resumed)
 * and its resumer's (saved by each canon_fiber_resume, so whoever resumes
 * a fiber next is the one it blocks back to).  The entry function never
 * returns through uc_link: when fn returns it jumps to the saved resumer
 * explicitly, because the resumer changes from one resume to the next.
 *
 * Under AddressSanitizer every switch is announced, following
 * sanitizer/common_interface_defs.h: start_switch_fiber names the stack
 * being switched to, finish_switch_fiber (on arrival) reports the stack
 * switched from -- a fiber learns its current resumer's stack bounds that
 * way, and hands them back when it blocks or ends.
 */
#include "fiber.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_STACK
#define MAP_STACK 0
#endif

/* Spare stacks a pool keeps; beyond that, freed stacks are unmapped. */
#define FIBER_MAX_SPARE 16

struct canon_fiber {
  ucontext_t ctx;     /* where the fiber continues when resumed */
  ucontext_t resumer; /* where it goes when it blocks or ends */
  canon_fiber_fn fn;
  void *arg;
  void *map;         /* the mapping: one guard page, then the stack */
  size_t map_size;
  void *stack;       /* lowest usable address, just above the guard page */
  size_t stack_size;
  bool started, running, done;
  canon_fiber *next; /* in pool->spare */
#ifdef FIBER_ASAN
  const void *resumer_bottom; /* the resumer's stack, from finish_switch */
  size_t resumer_size;
  bool abandon; /* set by canon_fiber_free to end a blocked fiber */
#endif
};

/* ---- AddressSanitizer announcements (no-ops without ASan) --------------- */

#ifdef FIBER_ASAN
static void asan_start(void **fake, const void *bottom, size_t size) {
  __sanitizer_start_switch_fiber(fake, bottom, size);
}
static void asan_finish(void *fake, const void **old_bottom, size_t *old_size) {
  __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
}
#endif

/* ---- stacks --------------------------------------------------------------- */

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

/* A fresh fiber with a stack of stack_size bytes (rounded up to pages)
 * above one PROT_NONE guard page, so an overflow faults instead of
 * silently writing over whatever lies below. */
static canon_fiber *fiber_alloc(size_t stack_size) {
  size_t page = page_size();
  if (stack_size == 0 || stack_size > SIZE_MAX / 2) return NULL;
  stack_size = (stack_size + page - 1) / page * page;
  canon_fiber *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  size_t map_size = stack_size + page;
  void *map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
                   0);
  if (map == MAP_FAILED) {
    free(f);
    return NULL;
  }
  if (mprotect(map, page, PROT_NONE) != 0) {
    munmap(map, map_size);
    free(f);
    return NULL;
  }
  f->map = map;
  f->map_size = map_size;
  f->stack = (char *)map + page;
  f->stack_size = stack_size;
  return f;
}

static void fiber_release(canon_fiber *f) {
  munmap(f->map, f->map_size);
  free(f);
}

/* ---- entry ---------------------------------------------------------------- */

/* makecontext passes only ints, so f arrives split in two 32-bit halves. */
static void fiber_entry(int hi, int lo) {
  uint64_t bits = (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
  canon_fiber *f = (canon_fiber *)(uintptr_t)bits;
#ifdef FIBER_ASAN
  asan_finish(NULL, &f->resumer_bottom, &f->resumer_size);
#endif
  f->fn(f->arg);
  f->done = true;
  f->running = false;
#ifdef FIBER_ASAN
  /* NULL: this stack is finished for good, ASan may drop its fake stack */
  asan_start(NULL, f->resumer_bottom, f->resumer_size);
#endif
  setcontext(&f->resumer);
  /* setcontext returns only on failure, and fails only on a context not
   * made by getcontext/swapcontext (f->resumer always is) */
  abort();
}

/* Points f->ctx at fiber_entry(f) on f's stack.  Its own function, so
 * that getcontext (which "returns twice" to the compiler, although this
 * context is never resumed here) has no variable of the caller's to
 * worry about. */
static bool fiber_prepare(canon_fiber *f) {
  if (getcontext(&f->ctx) != 0) return false;
  f->ctx.uc_stack.ss_sp = f->stack;
  f->ctx.uc_stack.ss_size = f->stack_size;
  f->ctx.uc_link = NULL; /* fiber_entry never returns */
  uint64_t bits = (uint64_t)(uintptr_t)f;
  makecontext(&f->ctx, (void (*)(void))fiber_entry, 2,
              (int)(uint32_t)(bits >> 32), (int)(uint32_t)bits);
  return true;
}

/* ---- API -------------------------------------------------------------------- */

canon_fiber *canon_fiber_new(canon_fiber_pool *pool, canon_fiber_fn fn,
                             void *arg) {
  size_t want = pool && pool->stack_size ? pool->stack_size
                                         : CANON_FIBER_STACK_SIZE;
  canon_fiber *f = NULL;
  if (pool && pool->spare) {
    f = pool->spare;
    pool->spare = f->next;
    pool->nspare--;
    if (f->stack_size < want) { /* pool->stack_size grew: no use */
      fiber_release(f);
      f = NULL;
    }
  }
  if (!f) f = fiber_alloc(want);
  if (!f) return NULL;
  f->fn = fn;
  f->arg = arg;
  f->started = f->running = f->done = false;
  f->next = NULL;
#ifdef FIBER_ASAN
  f->resumer_bottom = NULL;
  f->resumer_size = 0;
  f->abandon = false;
#endif
  if (!fiber_prepare(f)) {
    canon_fiber_free(pool, f);
    return NULL;
  }
  return f;
}

/* swapcontext below fails only when sigprocmask does, i.e. on invalid
 * arguments (never: both contexts are this file's own); the aborts say
 * "cannot happen", not a guest error. */
bool canon_fiber_resume(canon_fiber *f) {
  assert(!f->running && !f->done);
  f->started = true;
  f->running = true;
#ifdef FIBER_ASAN
  void *fake = NULL;
  asan_start(&fake, f->stack, f->stack_size);
#endif
  if (swapcontext(&f->resumer, &f->ctx) != 0) abort();
#ifdef FIBER_ASAN
  asan_finish(fake, NULL, NULL);
#endif
  f->running = false;
  return f->done;
}

void canon_fiber_block(canon_fiber *f) {
  assert(f->running && !f->done);
#ifdef FIBER_ASAN
  void *fake = NULL;
  asan_start(&fake, f->resumer_bottom, f->resumer_size);
#endif
  if (swapcontext(&f->ctx, &f->resumer) != 0) abort();
#ifdef FIBER_ASAN
  /* the next resumer may run on another stack than the last one */
  asan_finish(fake, &f->resumer_bottom, &f->resumer_size);
  if (f->abandon) {
    /* canon_fiber_free ending a blocked fiber: leave for good, so ASan
     * drops this stack's fake stack; fn's code never runs again */
    asan_start(NULL, f->resumer_bottom, f->resumer_size);
    setcontext(&f->resumer);
    abort();
  }
#endif
}

bool canon_fiber_done(const canon_fiber *f) { return f->done; }

bool canon_fiber_running(const canon_fiber *f) { return f->running; }

void canon_fiber_free(canon_fiber_pool *pool, canon_fiber *f) {
  if (!f) return;
  assert(!f->running);
#ifdef FIBER_ASAN
  if (f->started && !f->done) {
    /* A blocked fiber: switch in once so it can announce its end (see
     * canon_fiber_block); then its abandoned frames' shadow is cleared so
     * the next fiber on this stack starts clean. */
    f->abandon = true;
    void *fake = NULL;
    asan_start(&fake, f->stack, f->stack_size);
    if (swapcontext(&f->resumer, &f->ctx) != 0) abort();
    asan_finish(fake, NULL, NULL);
  }
  __asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
  if (pool && pool->nspare < FIBER_MAX_SPARE) {
    f->next = pool->spare;
    pool->spare = f;
    pool->nspare++;
    return;
  }
  fiber_release(f);
}

void canon_fiber_pool_free(canon_fiber_pool *pool) {
  while (pool->spare) {
    canon_fiber *f = pool->spare;
    pool->spare = f->next;
    fiber_release(f);
  }
  pool->nspare = 0;
}
