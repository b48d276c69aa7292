/* waitable.h -- Waitable and WaitableSet (CanonicalABI.md "Waitable
 * State"), and EventCode.
 *
 * A waitable (a subtask, later stream and future ends) embeds a
 * canon_waitable as its first member.  Its pending event is the spec's
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
typedef enum canon_event_code {
  CANON_EVENT_NONE = 0,
  CANON_EVENT_SUBTASK = 1,
  CANON_EVENT_STREAM_READ = 2,
  CANON_EVENT_STREAM_WRITE = 3,
  CANON_EVENT_FUTURE_READ = 4,
  CANON_EVENT_FUTURE_WRITE = 5,
  CANON_EVENT_TASK_CANCELLED = 6,
} canon_event_code;

/* EventTuple */
typedef struct canon_event {
  canon_event_code code;
  uint32_t p1, p2;
} canon_event;

typedef struct canon_waitable canon_waitable;
typedef struct canon_waitable_set canon_waitable_set;

struct canon_waitable {
  canon_event (*pending_event)(canon_waitable *w); /* NULL: none */
  canon_waitable_set *wset;
  bool has_sync_waiter;
  /* while in wset: when it joined (wset->elems order), and its links in
   * wset's list of elements with a pending event */
  uint64_t join_seq;
  canon_waitable *pending_prev, *pending_next;
};

struct canon_waitable_set {
  canon_waitable **elems; /* in join order (the scheduler picks among them) */
  uint32_t n, cap;
  uint32_t num_waiting;
  uint64_t next_join_seq;
  /* The elements with a pending event, in join order: has_pending_event
   * and get_pending_event look only at these, so a wait costs the same
   * however many idle waitables the set holds. */
  canon_waitable *pending_first, *pending_last;
  uint32_t npending;
};

void canon_waitable_init(canon_waitable *w);
/* Waitable.set_pending_event / has_pending_event / in_waitable_set */
void canon_waitable_set_pending_event(canon_waitable *w,
                                      canon_event (*pending)(canon_waitable *));
static inline bool canon_waitable_has_pending_event(const canon_waitable *w) {
  return w->pending_event != NULL;
}
static inline bool canon_waitable_in_set(const canon_waitable *w) {
  return w->wset != NULL;
}
/* Waitable.wait_for_pending_event (by the current thread th) */
bool canon_waitable_wait_for_pending_event(canon_waitable *w, canon_thread *th,
                                           canon_trap *trap);
/* Waitable.get_pending_event */
canon_event canon_waitable_get_pending_event(canon_waitable *w);
/* Waitable.join (wset NULL: leave the set) */
void canon_waitable_join(canon_waitable *w, canon_waitable_set *wset);
/* Waitable.drop */
void canon_waitable_drop(canon_waitable *w);

canon_waitable_set *canon_waitable_set_new(void);
void canon_waitable_set_free(canon_waitable_set *s);
/* WaitableSet.has_pending_event */
static inline bool canon_waitable_set_has_pending_event(
    const canon_waitable_set *s) {
  return s->npending > 0;
}
/* WaitableSet.get_pending_event */
canon_event canon_waitable_set_get_pending_event(canon_waitable_set *s,
                                                 canon_sched *sched);
/* WaitableSet.wait_for_event_and (ready NULL: wait_for_event) */
bool canon_waitable_set_wait_for_event_and(canon_waitable_set *s,
                                           canon_thread *th,
                                           canon_ready_fn ready, void *env,
                                           bool cancellable, canon_event *out,
                                           canon_trap *trap);
/* WaitableSet.poll */
canon_event canon_waitable_set_poll(canon_waitable_set *s, canon_thread *th,
                                    bool cancellable);
/* WaitableSet.drop: traps if it still has elements or waiters */
struct canon_Store; /* (whose rule coverage counts, rules.h) */
bool canon_waitable_set_drop(canon_waitable_set *s, struct canon_Store *store,
                             canon_trap *trap);


#endif
