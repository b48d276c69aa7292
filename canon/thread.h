/* thread.h -- Thread (CanonicalABI.md "Threads"): a Component Model thread
 * runs thread_func on its own fiber (fiber.h: the spec's continuation).
 * Its states follow the spec: running (its fiber is executing, somewhere in
 * the chain of resumes), suspended (blocked with no ready_func) or waiting
 * (blocked with a ready_func, and in Store.waiting).
 *
 * The operations that block (suspend, wait_until, yield_, *_then_*) return
 * false only when the store is torn down while they are blocked (the code
 * then unwinds like after a trap); otherwise *cancelled says whether the
 * thread was resumed with Cancelled.TRUE.
 *
 * A thread is freed when its thread_func has returned (by the resume that
 * saw it end).  If thread_func fails (a trap), the trap travels to the
 * code that resumed the thread.
 */
#ifndef CANON_THREAD_H
#define CANON_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "fiber.h"
#include "store.h"

typedef bool (*canon_ready_fn)(void *env);
/* A thread's body; false after recording a trap. */
typedef bool (*canon_thread_fn)(canon_Thread *self, void *env,
                                canon_trap *trap);

struct canon_Thread {
  canon_Store *store;
  uint32_t id; /* store-wide number, for traces */
  canon_fiber *fiber;
  bool running;              /* Thread.running(): cont is None */
  canon_ready_fn ready_func; /* NULL: not waiting */
  void *ready_env;
  canon_Task *task;
  bool cancellable;
  uint32_t index; /* in task.inst.threads; 0: None */
  uint64_t storage[2];
  /* the body */
  canon_thread_fn func;
  void *func_env;
  void (*func_env_free)(void *); /* for func_env if func never ran */
  /* resume/block: the value block() returns (Cancelled), and block's
   * switch_to argument; set when thread_func has returned */
  bool block_result;
  canon_Thread *switch_to;
  bool started, done, trapped;
  canon_trap trap;
  canon_Thread *live_prev, *live_next; /* in store->threads */
  /* Not the spec's: the subtask of the synchronous `canon lower` this
   * thread is in (NULL: none), which the spec keeps in canon_lower's
   * frame.  Its callee may resolve it -- the results wait in it -- before
   * the thread goes on, so the digest of a state (state_hash.c) reads it
   * here. */
  struct canon_Subtask *lowering;
};

/* Thread.__init__: a suspended thread of task that will run func(env).
 * NULL (and a trap) when the store's thread limit is reached or no stack
 * could be had. */
canon_Thread *canon_Thread_new(canon_Store *s, canon_Task *task,
                               canon_thread_fn func, void *env,
                               canon_trap *trap);

static inline bool canon_Thread_running(const canon_Thread *t) {
  return t->running;
}
static inline bool canon_Thread_suspended(const canon_Thread *t) {
  return !t->running && !t->ready_func;
}
static inline bool canon_Thread_waiting(const canon_Thread *t) {
  return !t->running && t->ready_func;
}
static inline bool canon_Thread_ready(const canon_Thread *t) {
  return canon_Thread_waiting(t) && t->ready_func(t->ready_env);
}

/* Thread.resume_later */
void canon_Thread_resume_later(canon_Thread *t);
/* Thread.resume: runs t (and the threads it switches to) until they block
 * or end; false with the trap if one of them trapped. */
bool canon_Thread_resume(canon_Thread *t, bool cancelled, canon_trap *trap);
/* Thread.stop_waiting_internal, for the *_then_promote built-ins */
void canon_Thread_stop_waiting_internal(canon_Thread *t, bool cancelled);

/* The blocking operations, called by t itself (t running).
 * Thread.suspend and Thread.yield_: one signature */
typedef bool canon_Thread_block_fn(canon_Thread *t, bool cancellable,
                                   bool *cancelled, canon_trap *trap);
canon_Thread_block_fn canon_Thread_suspend;
bool canon_Thread_wait_until(canon_Thread *t, canon_ready_fn ready, void *env,
                             bool cancellable, bool *cancelled,
                             canon_trap *trap);
canon_Thread_block_fn canon_Thread_yield;
/* Thread.{suspend,yield}_then_{resume,promote}: one signature */
typedef bool canon_Thread_switch_fn(canon_Thread *t, bool cancellable,
                                    canon_Thread *other, bool *cancelled,
                                    canon_trap *trap);
canon_Thread_switch_fn canon_Thread_suspend_then_resume;
canon_Thread_switch_fn canon_Thread_yield_then_resume;
canon_Thread_switch_fn canon_Thread_suspend_then_promote;
canon_Thread_switch_fn canon_Thread_yield_then_promote;

/* Frees a thread that was never resumed (teardown). */
void canon_Thread_free_unstarted(canon_Thread *t);

/* Removes t from Store.waiting if it is there (teardown, traps). */
void canon_Store_forget_waiting(canon_Store *s, canon_Thread *t);

#endif
