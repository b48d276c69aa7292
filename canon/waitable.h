/* waitable.h -- Waitable and WaitableSet (CanonicalABI.md "Waitable
 * State"), and EventCode.
 *
 * A waitable (a subtask, later stream and future ends) embeds a
 * canon_Waitable as its first member.  Its pending event is the spec's
 * closure: a function computing the event when it is delivered, given the
 * waitable it belongs to.
 */
#ifndef CANON_WAITABLE_H
#define CANON_WAITABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "thread.h"

/* EventCode */
typedef enum canon_EventCode {
  CANON_EVENT_NONE = 0,
  CANON_EVENT_SUBTASK = 1,
  CANON_EVENT_STREAM_READ = 2,
  CANON_EVENT_STREAM_WRITE = 3,
  CANON_EVENT_FUTURE_READ = 4,
  CANON_EVENT_FUTURE_WRITE = 5,
  CANON_EVENT_TASK_CANCELLED = 6,
} canon_EventCode;

/* EventTuple */
typedef struct canon_event {
  canon_EventCode code;
  uint32_t p1, p2;
} canon_event;

typedef struct canon_Waitable canon_Waitable;
typedef struct canon_WaitableSet canon_WaitableSet;

struct canon_Waitable {
  canon_event (*pending_event)(canon_Waitable *w); /* NULL: none */
  canon_WaitableSet *wset;
  bool has_sync_waiter;
  /* while in wset: when it joined (wset->elems order), and its links in
   * wset's list of elements with a pending event */
  uint64_t join_seq;
  canon_Waitable *pending_prev, *pending_next;
};

struct canon_WaitableSet {
  canon_Waitable **elems; /* in join order (the scheduler picks among them) */
  uint32_t n, cap;
  uint32_t num_waiting;
  uint64_t next_join_seq;
  /* The elements with a pending event, in join order: has_pending_event
   * and get_pending_event look only at these, so a wait costs the same
   * however many idle waitables the set holds. */
  canon_Waitable *pending_first, *pending_last;
  uint32_t npending;
};

void canon_Waitable_init(canon_Waitable *w);
/* Waitable.set_pending_event / has_pending_event / in_waitable_set */
void canon_Waitable_set_pending_event(canon_Waitable *w,
                                      canon_event (*pending)(canon_Waitable *));
static inline bool canon_Waitable_has_pending_event(const canon_Waitable *w) {
  return w->pending_event != NULL;
}
static inline bool canon_Waitable_in_waitable_set(const canon_Waitable *w) {
  return w->wset != NULL;
}
/* Waitable.wait_for_pending_event (by the current thread th) */
bool canon_Waitable_wait_for_pending_event(canon_Waitable *w, canon_Thread *th,
                                           canon_trap *trap);
/* Waitable.get_pending_event */
canon_event canon_Waitable_get_pending_event(canon_Waitable *w);
/* Waitable.join (wset NULL: leave the set) */
void canon_Waitable_join(canon_Waitable *w, canon_WaitableSet *wset);
/* Waitable.drop */
void canon_Waitable_drop(canon_Waitable *w);

canon_WaitableSet *canon_WaitableSet_new(void);
void canon_WaitableSet_free(canon_WaitableSet *s);
/* WaitableSet.has_pending_event */
static inline bool canon_WaitableSet_has_pending_event(
    const canon_WaitableSet *s) {
  return s->npending > 0;
}
/* WaitableSet.get_pending_event */
canon_event canon_WaitableSet_get_pending_event(canon_WaitableSet *s,
                                                 canon_sched *sched);
/* WaitableSet.wait_for_event_and (ready NULL: wait_for_event) */
bool canon_WaitableSet_wait_for_event_and(canon_WaitableSet *s,
                                           canon_Thread *th,
                                           canon_ready_fn ready, void *env,
                                           bool cancellable, canon_event *out,
                                           canon_trap *trap);
/* WaitableSet.poll */
canon_event canon_WaitableSet_poll(canon_WaitableSet *s, canon_Thread *th,
                                    bool cancellable);
/* WaitableSet.drop: traps if it still has elements or waiters */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_WaitableSet_drop(canon_WaitableSet *s, struct canon_Store *store,
                             canon_trap *trap);


/* If a thread waits with (ready_func, ready_env) inside
 * WaitableSet.wait_for_event_and: the set and the extra condition. */
bool canon_WaitableSet_waited(canon_ready_fn ready_func, void *ready_env,
                              const canon_WaitableSet **s,
                              canon_ready_fn *ready, void **env);

#endif
