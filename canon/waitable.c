/* waitable.c -- Waitable and WaitableSet (CanonicalABI.md "Waitable
 * State"); see waitable.h. */
#include "rules.h"
#include "waitable.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "grow.h"

/* Waitable.__init__ */
void canon_Waitable_init(canon_Waitable *w) { memset(w, 0, sizeof *w); }

/* w's set keeps its elements that have a pending event in a list of their
 * own, in join order (see waitable.h); these two keep it up to date. */
static void pending_insert(canon_WaitableSet *s, canon_Waitable *w) {
  canon_Waitable *after = s->pending_last; /* the last joined before w */
  while (after && after->join_seq > w->join_seq) after = after->pending_prev;
  w->pending_prev = after;
  w->pending_next = after ? after->pending_next : s->pending_first;
  if (w->pending_next)
    w->pending_next->pending_prev = w;
  else
    s->pending_last = w;
  if (after)
    after->pending_next = w;
  else
    s->pending_first = w;
  s->npending++;
}

static void pending_remove(canon_WaitableSet *s, canon_Waitable *w) {
  if (w->pending_prev)
    w->pending_prev->pending_next = w->pending_next;
  else
    s->pending_first = w->pending_next;
  if (w->pending_next)
    w->pending_next->pending_prev = w->pending_prev;
  else
    s->pending_last = w->pending_prev;
  w->pending_prev = w->pending_next = NULL;
  s->npending--;
}

void canon_Waitable_set_pending_event(
    canon_Waitable *w, canon_event (*pending)(canon_Waitable *)) {
  if (w->wset && !w->pending_event && pending) pending_insert(w->wset, w);
  if (w->wset && w->pending_event && !pending) pending_remove(w->wset, w);
  w->pending_event = pending;
}

static bool has_pending(void *env) {
  return canon_Waitable_has_pending_event(env);
}

/* Waitable.wait_for_pending_event */
bool canon_Waitable_wait_for_pending_event(canon_Waitable *w, canon_Thread *th,
                                           canon_trap *trap) {
  assert(!canon_Waitable_in_waitable_set(w) && !w->has_sync_waiter);
  w->has_sync_waiter = true;
  bool cancelled;
  bool ok = canon_Thread_wait_until(th, has_pending, w, false, &cancelled,
                                    trap);
  w->has_sync_waiter = false;
  return ok;
}

/* Waitable.get_pending_event */
canon_event canon_Waitable_get_pending_event(canon_Waitable *w) {
  canon_event (*pending)(canon_Waitable *) = w->pending_event;
  assert(pending);
  if (w->wset) pending_remove(w->wset, w);
  w->pending_event = NULL;
  return pending(w);
}

static void set_remove(canon_WaitableSet *s, canon_Waitable *w) {
  bool removed = CANON_REMOVE(s->elems, s->n, w);
  assert(removed && "waitable not in its set");
  (void)removed;
}

/* Waitable.join */
void canon_Waitable_join(canon_Waitable *w, canon_WaitableSet *wset) {
  assert(!w->has_sync_waiter);
  if (w->wset) {
    if (w->pending_event) pending_remove(w->wset, w);
    set_remove(w->wset, w);
  }
  w->wset = wset;
  if (wset) {
    CANON_GROW(wset->elems, wset->n, wset->cap, 4);
    wset->elems[wset->n++] = w;
    w->join_seq = wset->next_join_seq++;
    if (w->pending_event) pending_insert(wset, w);
  }
}

/* Waitable.drop */
void canon_Waitable_drop(canon_Waitable *w) {
  assert(!canon_Waitable_has_pending_event(w));
  assert(!w->has_sync_waiter);
  canon_Waitable_join(w, NULL);
}

/* WaitableSet.__init__ */
canon_WaitableSet *canon_WaitableSet_new(void) {
  canon_WaitableSet *s = canon_xcalloc(1, sizeof *s);
  return s;
}

void canon_WaitableSet_free(canon_WaitableSet *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->n; i++) {
    s->elems[i]->wset = NULL;
    s->elems[i]->pending_prev = s->elems[i]->pending_next = NULL;
  }
  free(s->elems);
  free(s);
}

/* WaitableSet.get_pending_event: the spec shuffles the elements and takes
 * the first with an event, so any waitable with an event may come first;
 * here the scheduler picks among exactly those (CANON_CHOICE_EVENT),
 * offered in join order.  (The shuffled order of elems matters nowhere
 * else: WaitableSet.drop only tests its length.)  The set's pending list
 * holds exactly those, in that order. */
canon_event canon_WaitableSet_get_pending_event(canon_WaitableSet *s,
                                                 canon_sched *sched) {
  assert(canon_WaitableSet_has_pending_event(s));
  canon_Waitable *w = s->pending_first;
  if (s->npending > 1) {
    const canon_Waitable **ws = canon_xmalloc(s->npending * sizeof *ws);
    for (uint32_t i = 0; i < s->npending; i++, w = w->pending_next)
      ws[i] = w;
    uint32_t k = canon_sched_choose_among(sched, CANON_CHOICE_EVENT,
                                          (const void *const *)ws,
                                          s->npending);
    w = (canon_Waitable *)ws[k];
    free(ws);
  }
  return canon_Waitable_get_pending_event(w);
}

/* ready_and_has_event() of wait_for_event_and */
typedef struct wait_env {
  canon_WaitableSet *s;
  canon_ready_fn ready;
  void *env;
} wait_env;

static bool ready_and_has_event(void *env) {
  wait_env *e = env;
  return (!e->ready || e->ready(e->env)) &&
         canon_WaitableSet_has_pending_event(e->s);
}

/* The set a thread blocked in wait_for_event_and waits on, and the
 * condition it waits for with it (for the digest of a state,
 * state_hash.c: they live in that call's frame). */
bool canon_WaitableSet_waited(canon_ready_fn ready_func, void *ready_env,
                              const canon_WaitableSet **s,
                              canon_ready_fn *ready, void **env) {
  if (ready_func != ready_and_has_event) return false;
  const wait_env *e = ready_env;
  *s = e->s;
  *ready = e->ready;
  *env = e->env;
  return true;
}

/* WaitableSet.wait_for_event_and */
bool canon_WaitableSet_wait_for_event_and(canon_WaitableSet *s,
                                           canon_Thread *th,
                                           canon_ready_fn ready, void *env,
                                           bool cancellable, canon_event *out,
                                           canon_trap *trap) {
  wait_env e = {s, ready, env};
  s->num_waiting++;
  bool cancelled = false;
  if (!canon_Thread_wait_until(th, ready_and_has_event, &e, cancellable,
                               &cancelled, trap))
    return false;
  if (cancelled)
    *out = (canon_event){CANON_EVENT_TASK_CANCELLED, 0, 0};
  else
    *out = canon_WaitableSet_get_pending_event(s, &th->store->sched);
  s->num_waiting--;
  return true;
}

/* WaitableSet.poll */
canon_event canon_WaitableSet_poll(canon_WaitableSet *s, canon_Thread *th,
                                    bool cancellable) {
  if (canon_Task_deliver_pending_cancel(th->task, cancellable))
    return (canon_event){CANON_EVENT_TASK_CANCELLED, 0, 0};
  if (!canon_WaitableSet_has_pending_event(s))
    return (canon_event){CANON_EVENT_NONE, 0, 0};
  return canon_WaitableSet_get_pending_event(s, &th->store->sched);
}

/* WaitableSet.drop */
bool canon_WaitableSet_drop(canon_WaitableSet *s, canon_Store *store,
                             canon_trap *trap) {
  CANON_TRAP_IF(store, trap, s->n > 0, CANON_R_WSET_DROP_ELEMS);
  CANON_TRAP_IF(store, trap, s->num_waiting > 0, CANON_R_WSET_DROP_WAITERS);
  return true;
}
