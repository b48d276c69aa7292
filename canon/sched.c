/* sched.c -- resolving the spec's nondeterministic choices; see sched.h. */
#include "sched.h"

#include <assert.h>

#include "trace.h"

void canon_sched_init(canon_sched *s, canon_sched_policy policy,
                      uint64_t seed) {
  s->trace = NULL;
  s->policy = policy;
  s->seed = seed;
  /* xorshift needs a non-zero state */
  s->state = seed ? seed : 0x9e3779b97f4a7c15ull;
  s->nchoices = 0;
}

static uint64_t next_random(canon_sched *s) {
  uint64_t x = s->state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  s->state = x;
  return x * 0x2545f4914f6cdd1dull;
}

uint32_t canon_sched_choose(canon_sched *s, canon_choice_kind kind,
                            uint32_t n) {
  assert(n > 0);
  (void)kind;
  if (n == 1) return 0;
  s->nchoices++;
  /* The Deterministic Profile: the first option; for WAIT_EARLY that is
   * "block" (DETERMINISTIC_PROFILE in Thread.wait_until). */
  uint32_t c = 0;
  if (s->policy == CANON_SCHED_RANDOM) c = (uint32_t)(next_random(s) % n);
  canon_trace_emit(s->trace, "choice", "\"kind\":\"%s\",\"n\":%u,\"chosen\":%u",
                   canon_choice_kind_name(kind), n, c);
  return c;
}

const char *canon_choice_kind_name(canon_choice_kind kind) {
  static const char *const names[CANON_NCHOICE_KINDS] = {
      "tick",          "sync-loop", "wait-early",   "event",
      "cancel-thread", "nan",       "error-message"};
  return kind < CANON_NCHOICE_KINDS ? names[kind] : "?";
}
