/* sched.c -- resolving the spec's nondeterministic choices; see sched.h. */
#include "sched.h"

#include <assert.h>
#include <stdlib.h>

#include "trace.h"

void canon_sched_init(canon_sched *s, canon_sched_policy policy,
                      uint64_t seed) {
  s->trace = NULL;
  s->forced = NULL;
  s->nforced = 0;
  s->log = NULL;
  s->policy = policy;
  s->seed = seed;
  /* xorshift needs a non-zero state */
  s->state = seed ? seed : 0x9e3779b97f4a7c15ull;
  s->nchoices = 0;
}

void canon_sched_force(canon_sched *s, const uint32_t *choices, uint32_t n) {
  s->policy = CANON_SCHED_FORCED;
  s->forced = choices;
  s->nforced = n;
}

void canon_choice_log_free(canon_choice_log *l) {
  free(l->n);
  free(l->chosen);
  l->n = l->chosen = NULL;
  l->len = l->cap = 0;
}

static void log_choice(canon_choice_log *l, uint32_t n, uint32_t c) {
  if (l->len == l->cap) {
    uint32_t cap = l->cap ? 2 * l->cap : 64;
    uint32_t *a = realloc(l->n, cap * sizeof *a);
    uint32_t *b = a ? realloc(l->chosen, cap * sizeof *b) : NULL;
    if (!a || !b) abort();
    l->n = a;
    l->chosen = b;
    l->cap = cap;
  }
  l->n[l->len] = n;
  l->chosen[l->len++] = c;
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
  if (s->policy == CANON_SCHED_RANDOM) {
    c = (uint32_t)(next_random(s) % n);
  } else if (s->policy == CANON_SCHED_FORCED) {
    uint64_t i = s->nchoices - 1;
    if (i < s->nforced) c = s->forced[i] < n ? s->forced[i] : n - 1;
  }
  if (s->log) log_choice(s->log, n, c);
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
