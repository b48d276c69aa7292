/* fiber.h -- stackful coroutines: the C spelling of the
 * spec's continuations (CanonicalABI.md "Stack Switching": cont_new,
 * resume, block).
 *
 * Every Component Model thread runs on its own fiber (design.md "Execution
 * model"), so canon/ is written in direct style like the Python definitions:
 * a built-in that blocks calls canon_fiber_block() and continues in place
 * when resumed.  The coroutines are asymmetric, exactly like the spec's:
 * canon_fiber_resume(f) runs f until f blocks or its function returns, and
 * then returns to the code that resumed it (on whatever stack that code
 * runs: the main stack or another fiber's).  Resumes nest.
 *
 * A switch is a few instructions on x86-64 and aarch64 (no system call),
 * POSIX ucontext elsewhere or with -DCANON_FIBER_UCONTEXT (fiber.c); each
 * fiber keeps its own callee-saved registers and floating-point control.
 * Stacks are mmap'd with a guard page below them, and recycled through a
 * canon_fiber_pool owned by the Store (no global state).  Under
 * AddressSanitizer every switch is announced to it
 * (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber).
 */
#ifndef CANON_FIBER_H
#define CANON_FIBER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct canon_fiber canon_fiber;
typedef void (*canon_fiber_fn)(void *arg);

/* Spare stacks for reuse; zero-initialise, then canon_fiber_pool_free. */
typedef struct canon_fiber_pool {
  canon_fiber *spare; /* finished fibers whose stacks can be reused */
  size_t nspare;
  size_t stack_size; /* 0: CANON_FIBER_STACK_SIZE */
} canon_fiber_pool;

/* Big enough for the C frames one thread needs (the core interpreter keeps
 * wasm frames on the heap; a stack holds one component crossing and the
 * canon layer's frames).  Pages are only touched when used. */
#define CANON_FIBER_STACK_SIZE (1u << 20)

/* cont_new: a fiber that will run fn(arg) when first resumed.  Returns
 * NULL if no stack could be had (the caller reports a named limit). */
canon_fiber *canon_fiber_new(canon_fiber_pool *pool, canon_fiber_fn fn,
                             void *arg);

/* resume: run f (not running, not done) from where it blocked, or from the
 * start; returns when f calls canon_fiber_block or fn returns.  Returns
 * true iff fn has returned (f is then done and may only be freed). */
bool canon_fiber_resume(canon_fiber *f);

/* block: called on f's own stack while f runs; switches back to the code
 * that resumed f, and returns when f is resumed again. */
void canon_fiber_block(canon_fiber *f);

bool canon_fiber_done(const canon_fiber *f);
bool canon_fiber_running(const canon_fiber *f);

/* Frees f (not running).  A fiber that is blocked, not done, is freed
 * without being resumed: whatever its stack holds is lost, so callers first
 * resume a blocked fiber in a way that makes it unwind (see thread.h). */
void canon_fiber_free(canon_fiber_pool *pool, canon_fiber *f);

void canon_fiber_pool_free(canon_fiber_pool *pool);

#endif
