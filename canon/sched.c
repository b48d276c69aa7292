/* sched.c -- resolving the spec's nondeterministic choices; see sched.h. */
#include "sched.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"
#include "grow.h"

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
  s->profile = false;
  s->at_choice = NULL;
  s->at_choice_ctx = NULL;
  s->at_resume = NULL;
  s->at_enter = NULL;
}

void canon_sched_force(canon_sched *s, const uint32_t *choices, uint32_t n) {
  s->policy = CANON_SCHED_FORCED;
  s->forced = choices;
  s->nforced = n;
}

void canon_choice_log_free(canon_choice_log *l) {
  free(l->n);
  free(l->chosen);
  free(l->kind);
  l->n = l->chosen = NULL;
  l->kind = NULL;
  l->len = l->cap = 0;
}

void canon_choice_log_add(canon_choice_log *l, canon_choice_kind kind,
                          uint32_t n, uint32_t c) {
  uint32_t cap_chosen = l->cap, cap_kind = l->cap; /* the three grow alike */
  CANON_GROW(l->n, l->len, l->cap, 64);
  CANON_GROW(l->chosen, l->len, cap_chosen, 64);
  CANON_GROW(l->kind, l->len, cap_kind, 64);
  l->n[l->len] = n;
  l->kind[l->len] = (uint8_t)kind;
  l->chosen[l->len++] = c;
}

bool canon_choice_log_check_forced(const canon_choice_log *l,
                                   const uint32_t *forced, uint32_t nforced,
                                   const canon_choice_log *recorded,
                                   char *msg, size_t msgn) {
  uint32_t n = l->len < nforced ? l->len : nforced;
  for (uint32_t i = 0; i < n; i++) {
    if (recorded && i < recorded->len &&
        (recorded->kind[i] != l->kind[i] || recorded->n[i] != l->n[i])) {
      snprintf(msg, msgn,
               "choice %u was recorded as %s among %u options, but the run's "
               "choice %u is %s among %u: the trace is not of this script "
               "(or not of this cmref)",
               i + 1, canon_choice_kind_name(
                          (canon_choice_kind)recorded->kind[i]),
               recorded->n[i], i + 1,
               canon_choice_kind_name((canon_choice_kind)l->kind[i]), l->n[i]);
      return false;
    }
    if (forced[i] >= l->n[i]) {
      snprintf(msg, msgn,
               "choice %u is %u, but the run's choice %u (%s) has %u options "
               "(0 to %u)",
               i + 1, forced[i], i + 1,
               canon_choice_kind_name((canon_choice_kind)l->kind[i]), l->n[i],
               l->n[i] - 1);
      return false;
    }
  }
  if (nforced > l->len) {
    uint32_t first = l->len + 1;
    if (first == nforced)
      snprintf(msg, msgn, "%u choices given, but the run made only %u: "
               "choice %u was not used", nforced, l->len, first);
    else
      snprintf(msg, msgn, "%u choices given, but the run made only %u: "
               "choices %u to %u were not used", nforced, l->len, first,
               nforced);
    return false;
  }
  return true;
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
  assert(n > 0 && kind < CANON_NCHOICE_KINDS);
  if (n == 1) return 0;
  /* --profile: the profile's answer, which is option 0 of these kinds */
  if (s->profile && canon_choice_kind_in_profile(kind)) return 0;
  uint32_t dflt = s->at_choice ? s->at_choice(s->at_choice_ctx, kind, n) : 0;
  s->nchoices++;
  /* cmref's deterministic policy: option 0 (at the kinds the spec's
   * DETERMINISTIC_PROFILE fixes, option 0 is the profile's answer). */
  uint32_t c = 0;
  if (s->policy == CANON_SCHED_RANDOM) {
    c = (uint32_t)(next_random(s) % n);
  } else if (s->policy == CANON_SCHED_FORCED) {
    /* out of range: option 0, and canon_choice_log_check_forced says so */
    uint64_t i = s->nchoices - 1;
    if (i < s->nforced && s->forced[i] < n) c = s->forced[i];
    else if (i >= s->nforced && dflt < n) c = dflt;
  }
  if (s->log) canon_choice_log_add(s->log, kind, n, c);
  canon_trace_choice(s->trace, canon_choice_kind_name(kind), n, c);
  return c;
}

static const char *const kind_names[CANON_NCHOICE_KINDS] = {
    "tick",          "sync-loop", "wait-early",    "event",
    "cancel-thread", "nan",       "error-message", "host-tick"};

const char *canon_choice_kind_name(canon_choice_kind kind) {
  return kind < CANON_NCHOICE_KINDS ? kind_names[kind] : "?";
}

canon_choice_kind canon_choice_kind_named(const char *name, size_t len) {
  for (int k = 0; k < CANON_NCHOICE_KINDS; k++)
    if (strlen(kind_names[k]) == len && !memcmp(kind_names[k], name, len))
      return (canon_choice_kind)k;
  return CANON_NCHOICE_KINDS;
}

/* definitions.py tests DETERMINISTIC_PROFILE at exactly these `random`
 * sites: Thread.wait_until, maybe_scramble_nan32/64, error-context.new. */
bool canon_choice_kind_in_profile(canon_choice_kind kind) {
  return kind == CANON_CHOICE_WAIT_EARLY || kind == CANON_CHOICE_NAN ||
         kind == CANON_CHOICE_ERROR_MESSAGE;
}

uint32_t canon_sched_choose_among(canon_sched *s, canon_choice_kind kind,
                                  const void *const *objs, uint32_t n) {
  s->options = objs;
  uint32_t k = canon_sched_choose(s, kind, n);
  s->options = NULL;
  return k;
}
