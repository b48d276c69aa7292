/* canon_Waitable.c -- unit tests of a WaitableSet's pending events
 * (canon/waitable.c; CanonicalABI.md "Waitable State").
 *
 * The spec: WaitableSet.has_pending_event is "any element has a pending
 * event"; get_pending_event shuffles the elements and delivers the first
 * with a pending event, so any of them may come.  cmref offers exactly the
 * elements with a pending event, in join order (Waitable.join removes from
 * the old set and appends to the new one), to the scheduler's EVENT choice;
 * delivering an event clears it (Waitable.get_pending_event).  The set
 * keeps those elements in a list of its own, which these tests check
 * against that rule through joins, leaves and re-joins. */
#include <stdlib.h>

#include "canon/sched.h"
#include "canon/waitable.h"
#include "harness/unit/unit.h"

/* A waitable whose event names it. */
typedef struct named {
  canon_Waitable w; /* first member, as in every waitable */
  uint32_t id;
} named;

static canon_event named_event(canon_Waitable *w) {
  return (canon_event){CANON_EVENT_STREAM_READ, ((named *)w)->id, 0};
}

/* get_pending_event with the EVENT choice forced to option k */
static uint32_t deliver(canon_WaitableSet *s, uint32_t k) {
  canon_sched sched;
  canon_sched_init(&sched, CANON_SCHED_DETERMINISTIC, 0);
  canon_sched_force(&sched, &k, 1);
  return canon_WaitableSet_get_pending_event(s, &sched).p1;
}

TEST(pending_in_join_order) {
  named a = {.id = 1}, b = {.id = 2}, c = {.id = 3}, d = {.id = 4};
  named *all[] = {&a, &b, &c, &d};
  for (int i = 0; i < 4; i++) canon_Waitable_init(&all[i]->w);
  canon_WaitableSet *s = canon_WaitableSet_new();
  for (int i = 0; i < 4; i++) canon_Waitable_join(&all[i]->w, s);
  CHECK(!canon_WaitableSet_has_pending_event(s));

  /* events arrive out of join order: d, then b; offered as b, d */
  canon_Waitable_set_pending_event(&d.w, named_event);
  canon_Waitable_set_pending_event(&b.w, named_event);
  CHECK(canon_WaitableSet_has_pending_event(s));
  CHECK_INT(deliver(s, 1), 4); /* option 1 of (b, d) */
  CHECK(!canon_Waitable_has_pending_event(&d.w));
  CHECK(canon_WaitableSet_has_pending_event(s)); /* b still */

  /* b leaves with its event: the set has none; b keeps it */
  canon_Waitable_join(&b.w, NULL);
  CHECK(!canon_WaitableSet_has_pending_event(s));
  CHECK(canon_Waitable_has_pending_event(&b.w));

  /* b joins again, now after d: with a's event, offered as a, b */
  canon_Waitable_join(&b.w, s);
  canon_Waitable_set_pending_event(&a.w, named_event);
  CHECK_INT(deliver(s, 1), 2);
  CHECK_INT(deliver(s, 0), 1);
  CHECK(!canon_WaitableSet_has_pending_event(s));

  /* c and d with events, then c's event withdrawn (set to none) */
  canon_Waitable_set_pending_event(&c.w, named_event);
  canon_Waitable_set_pending_event(&d.w, named_event);
  canon_Waitable_set_pending_event(&c.w, NULL);
  CHECK_INT(deliver(s, 0), 4);
  CHECK(!canon_WaitableSet_has_pending_event(s));

  /* a waitable moved with its event from one set to another */
  canon_WaitableSet *t = canon_WaitableSet_new();
  canon_Waitable_set_pending_event(&c.w, named_event);
  canon_Waitable_join(&c.w, t);
  CHECK(!canon_WaitableSet_has_pending_event(s));
  CHECK(canon_WaitableSet_has_pending_event(t));
  CHECK_INT(deliver(t, 0), 3);

  /* freeing a set with a pending element leaves the element in no set */
  canon_Waitable_set_pending_event(&a.w, named_event);
  canon_WaitableSet_free(s);
  CHECK(!canon_Waitable_in_waitable_set(&a.w));
  CHECK(canon_Waitable_has_pending_event(&a.w));
  canon_Waitable_join(&c.w, NULL);
  canon_WaitableSet_free(t);
}

/* Many idle elements and one with an event, as in `make bench`'s waitable
 * set: the one is delivered, whichever its place. */
TEST(one_ready_among_many) {
  enum { W = 1000 };
  named *w = calloc(W, sizeof *w);
  CHECK(w != NULL);
  if (!w) return;
  canon_WaitableSet *s = canon_WaitableSet_new();
  for (uint32_t i = 0; i < W; i++) {
    w[i].id = i;
    canon_Waitable_init(&w[i].w);
    canon_Waitable_join(&w[i].w, s);
  }
  for (uint32_t i = 0; i < W; i += 97) {
    canon_Waitable_set_pending_event(&w[i].w, named_event);
    CHECK(canon_WaitableSet_has_pending_event(s));
    CHECK_INT(deliver(s, 0), i);
    CHECK(!canon_WaitableSet_has_pending_event(s));
  }
  canon_WaitableSet_free(s);
  free(w);
}

int main(void) {
  UNIT_BEGIN;
  RUN(pending_in_join_order);
  RUN(one_ready_among_many);
  return UNIT_END;
}
