/* store.h -- the Store (CanonicalABI.md "Embedding"): the host's one event
 * loop for every component instance.  It holds the threads waiting to run
 * (Store.waiting), the nesting depth of host calls, the thread that is
 * running now (the spec's thread-local current_thread()), the fibers'
 * stack pool, the scheduler's policy, and the limits on threads.
 *
 * Store.invoke / Store.lift / Store.lower are canon_Store_invoke
 * (canon_call.h), canon_Store_lift and canon_lower.
 *
 * The type is canon_Store, after the spec's class: canon_store is already
 * the spec's store() of "Storing" (load_store.h).
 */
#ifndef CANON_STORE_H
#define CANON_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "rules.h"
#include "fiber.h"
#include "sched.h"
#include "trace.h"

typedef struct canon_Thread canon_Thread;
typedef struct canon_Task canon_Task;

/* The host's limits (docs/cli.md "Limits"): each has its default here and
 * a command-line option, and a guest that reaches one gets a trap that
 * names the option.  The spec's own limits (Table.MAX_LENGTH,
 * MAX_LIST_BYTE_LENGTH, ...) stay as the spec gives them; these are
 * tighter, so that a hostile guest meets a clear message instead of
 * exhausting the machine. */
typedef struct canon_limits {
  uint32_t max_threads;  /* --max-threads: threads alive at once */
  uint32_t max_handles;  /* --max-handles: entries in one handle table */
  uint64_t max_memory;   /* --max-memory: host bytes the values of one
                            lift (a call's arguments or results, one copy
                            of a stream or future) may take */
  uint64_t max_copy_bytes; /* --max-copy-bytes: host bytes one stream or
                              future copy holds at once */
  uint64_t fiber_stack_size; /* --fiber-stack-size: C stack of a thread */
} canon_limits;

#define CANON_DEFAULT_MAX_THREADS 10000
#define CANON_DEFAULT_MAX_HANDLES (1u << 20)
#define CANON_DEFAULT_MAX_MEMORY (512ull << 20)
#define CANON_DEFAULT_MAX_COPY_BYTES (64ull << 20)
#define CANON_DEFAULT_FIBER_STACK_SIZE CANON_FIBER_STACK_SIZE

/* Every limit at its default. */
canon_limits canon_limits_default(void);

/* Something the store frees at teardown (what a trap or an abandoned
 * host call left behind). */
typedef struct canon_orphan {
  void *obj;
  void (*free_fn)(void *);
} canon_orphan;

typedef struct canon_Store {
  /* Store.waiting, in the order the threads started waiting */
  canon_Thread **waiting;
  uint32_t nwaiting, waiting_cap;
  uint32_t nesting_depth;
  canon_Thread *current; /* current_thread(); NULL on the host's side */
  canon_fiber_pool fibers;
  /* where its threads' fibers come from and go back to: &fibers, or a
   * pool the embedder keeps across stores (canon_Store_share_fibers) */
  canon_fiber_pool *fiber_pool;
  canon_sched sched;
  /* every thread and task not yet freed, for teardown */
  canon_Thread *threads;
  canon_Task *tasks;
  uint32_t nthreads;
  /* the most threads alive at once since --explore last set it to
   * nthreads (whether a step came near --max-threads) */
  uint32_t nthreads_peak;
  canon_limits limits;
  /* set while the store is torn down: blocked threads are resumed so that
   * they unwind, and every blocking operation then fails */
  bool aborting;
  canon_orphan *orphans;
  uint32_t norphans, orphans_cap;
  canon_trace *trace; /* NULL: no trace */
  canon_coverage *coverage; /* rules reached and trapped; NULL: not counted */
  /* store-wide numbers for the trace, in creation order */
  uint32_t next_task_id, next_thread_id, next_inst_id;
} canon_Store;

void canon_Store_init(canon_Store *s);
/* Sets the store's limits to `given`, fields that are 0 keeping their
 * default; call before instantiating anything in the store. */
void canon_Store_set_limits(canon_Store *s, const canon_limits *given);
/* The store's threads take their fibers from pool and give them back to
 * it, which outlives the store (--explore runs a script again and again:
 * the stacks are mapped once).  Before any thread is made. */
void canon_Store_share_fibers(canon_Store *s, canon_fiber_pool *pool);

/* Unwinds every blocked thread, then frees threads, tasks and stacks. */
void canon_Store_free(canon_Store *s);

/* Hands obj to the store, to be freed by free_fn at teardown. */
void canon_Store_adopt(canon_Store *s, void *obj, void (*free_fn)(void *));

/* The threads Store.tick may run now, in the order its choice offers them
 * (cands: room for s->nwaiting, or NULL to count them). */
uint32_t canon_Store_tick_candidates(const canon_Store *s, canon_Thread **cands);

/* Store.tick: runs one ready waiting thread (chosen by the scheduler) until
 * it blocks or ends.  *progressed is false when no thread was ready. */
bool canon_Store_tick(canon_Store *s, bool *progressed, canon_trap *trap);

/* Between two calls of the host: runs Store.tick as long as the scheduler
 * chooses to (CANON_CHOICE_HOST_TICK) and a thread is ready.  False after
 * a trap in one of those ticks. */
bool canon_Store_host_ticks(canon_Store *s, canon_trap *trap);


#endif
