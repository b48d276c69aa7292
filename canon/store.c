/* store.c -- the Store and its event loop (CanonicalABI.md "Embedding":
 * Store.tick); see store.h. */
#include "store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "task.h"
#include "thread.h"
#include "grow.h"

canon_limits canon_limits_default(void) {
  canon_limits l = {
      .max_threads = CANON_DEFAULT_MAX_THREADS,
      .max_handles = CANON_DEFAULT_MAX_HANDLES,
      .max_memory = CANON_DEFAULT_MAX_MEMORY,
      .max_copy_bytes = CANON_DEFAULT_MAX_COPY_BYTES,
      .fiber_stack_size = CANON_DEFAULT_FIBER_STACK_SIZE,
  };
  return l;
}

void canon_Store_set_limits(canon_Store *s, const canon_limits *given) {
  canon_limits l = canon_limits_default();
  if (given->max_threads) l.max_threads = given->max_threads;
  if (given->max_handles) l.max_handles = given->max_handles;
  if (given->max_memory) l.max_memory = given->max_memory;
  if (given->max_copy_bytes) l.max_copy_bytes = given->max_copy_bytes;
  if (given->fiber_stack_size) l.fiber_stack_size = given->fiber_stack_size;
  s->limits = l;
  s->fibers.stack_size = (size_t)l.fiber_stack_size;
  s->fiber_pool->stack_size = (size_t)l.fiber_stack_size;
}

void canon_Store_share_fibers(canon_Store *s, canon_fiber_pool *pool) {
  assert(!s->threads);
  pool->stack_size = s->fibers.stack_size;
  s->fiber_pool = pool;
}

/* Store.__init__ */
void canon_Store_init(canon_Store *s) {
  memset(s, 0, sizeof *s);
  s->limits = canon_limits_default();
  s->fiber_pool = &s->fibers;
  canon_sched_init(&s->sched, CANON_SCHED_DETERMINISTIC, 0);
}

void canon_Store_adopt(canon_Store *s, void *obj, void (*free_fn)(void *)) {
  CANON_GROW(s->orphans, s->norphans, s->orphans_cap, 8);
  s->orphans[s->norphans++] = (canon_orphan){obj, free_fn};
}

/* A started, blocked thread (to unwind), or NULL. */
static canon_Thread *blocked_thread(canon_Store *s) {
  for (canon_Thread *t = s->threads; t; t = t->live_next)
    if (t->started && !t->running && !t->done) return t;
  return NULL;
}

void canon_Store_free(canon_Store *s) {
  assert(!s->current);
  s->aborting = true;
  canon_Thread *t;
  while ((t = blocked_thread(s))) {
    canon_Store_forget_waiting(s, t);
    canon_trap ignored = {0};
    canon_Thread_resume(t, false, &ignored);
  }
  while (s->threads) canon_Thread_free_unstarted(s->threads);
  for (uint32_t i = 0; i < s->norphans; i++)
    s->orphans[i].free_fn(s->orphans[i].obj);
  free(s->orphans);
  while (s->tasks) canon_Task_free_leftover(s->tasks);
  free(s->waiting);
  canon_fiber_pool_free(&s->fibers);
  memset(s, 0, sizeof *s);
}

/* Store.tick's candidates: the ready waiting threads.  Threads of an
 * instance that a trap left entered cannot be resumed from the host (the
 * spec's store would be gone); they are not candidates.  cands may be
 * NULL (only counting). */
uint32_t canon_Store_tick_candidates(const canon_Store *s, canon_Thread **cands) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->nwaiting; i++) {
    canon_Thread *t = s->waiting[i];
    if (canon_Thread_ready(t) && canon_ComponentInstance_may_enter_from(t->task->inst, NULL)) {
      if (cands) cands[n] = t;
      n++;
    }
  }
  return n;
}

/* Store.tick */
bool canon_Store_tick(canon_Store *s, bool *progressed, canon_trap *trap) {
  assert(s->nesting_depth == 0 && !s->current);
  s->nesting_depth++;
  canon_Thread **cands = NULL;
  if (s->nwaiting) {
    cands = canon_xmalloc(s->nwaiting * sizeof *cands);
  }
  uint32_t n = canon_Store_tick_candidates(s, cands);
  bool ok = true;
  *progressed = n > 0;
  if (n) {
    canon_Thread *t = cands[canon_sched_choose(&s->sched, CANON_CHOICE_TICK, n)];
    canon_ComponentInstance *inst = t->task->inst;
    canon_ComponentInstance_enter_from(inst, NULL);
    ok = canon_Thread_resume(t, false, trap);
    if (ok) canon_ComponentInstance_leave_to(inst, NULL);
  }
  free(cands);
  s->nesting_depth--;
  return ok;
}

/* The embedder's event loop between two of its calls: Store.tick is the
 * host's to call whenever none of its calls is in progress, so whether it
 * runs one more tick is a choice (CANON_CHOICE_HOST_TICK), offered while a
 * thread is ready; option 0, the default, is to wait for the next call. */
bool canon_Store_host_ticks(canon_Store *s, canon_trap *trap) {
  while (canon_Store_tick_candidates(s, NULL) > 0 &&
         canon_sched_choose(&s->sched, CANON_CHOICE_HOST_TICK, 2) == 1) {
    bool progressed;
    if (!canon_Store_tick(s, &progressed, trap)) return false;
    assert(progressed); /* a candidate existed, and nothing ran since */
  }
  return true;
}
