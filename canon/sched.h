/* sched.h -- the one place where the spec's nondeterminism is resolved
 * (design.md "Nondeterminism is explicit"; Concurrency.md
 * "Nondeterminism"; every `random` of the Python definitions).
 *
 * Each choice names its kind (which spec step it is) and the number of
 * options; the policy picks one.  Options are always offered in a stable
 * order (Store.waiting in the order threads started waiting, tables in
 * index order, waitable sets in join order), so that the deterministic
 * policy -- always the first option, and never the optional early return
 * of Thread.wait_until -- is the Deterministic Profile: same input, same
 * run.  The random policy draws from a seeded generator kept in the store.
 */
#ifndef CANON_SCHED_H
#define CANON_SCHED_H

#include <stdint.h>

typedef enum canon_choice_kind {
  CANON_CHOICE_TICK,           /* Store.tick: which ready thread runs */
  CANON_CHOICE_SYNC_LOOP,      /* canon_lift, sync: which thread of inst */
  CANON_CHOICE_WAIT_EARLY,     /* Thread.wait_until: return without blocking
                                  (2 options: 0 = block, 1 = return) */
  CANON_CHOICE_EVENT,          /* WaitableSet.get_pending_event: which one */
  CANON_CHOICE_CANCEL_THREAD,  /* Task.request_cancellation: which thread */
  CANON_CHOICE_NAN,            /* maybe_scramble_nan: (unused: canonical) */
  CANON_CHOICE_ERROR_MESSAGE,  /* error-context.new: 0 = no message, 1 = keep */
  CANON_NCHOICE_KINDS
} canon_choice_kind;

typedef enum canon_sched_policy {
  CANON_SCHED_DETERMINISTIC = 0,
  CANON_SCHED_RANDOM,
  CANON_SCHED_FORCED, /* the given choices in order, then the first option:
                         replaying a trace, or exploring (cmref run
                         --explore) */
} canon_sched_policy;

/* The choices of one run, in order (only those with n > 1). */
typedef struct canon_choice_log {
  uint32_t *n, *chosen;
  uint32_t len, cap;
} canon_choice_log;

void canon_choice_log_free(canon_choice_log *l);

struct canon_trace;

typedef struct canon_sched {
  struct canon_trace *trace; /* choices are traced when set */
  canon_sched_policy policy;
  uint64_t seed;  /* CANON_SCHED_RANDOM: the seed given */
  uint64_t state; /* xorshift64* state */
  uint64_t nchoices; /* how many choices with more than one option */
  /* CANON_SCHED_FORCED: forced[i] is the i-th choice (clamped to n - 1) */
  const uint32_t *forced;
  uint32_t nforced;
  canon_choice_log *log; /* when set, every choice is appended */
} canon_sched;

void canon_sched_init(canon_sched *s, canon_sched_policy policy, uint64_t seed);
/* CANON_SCHED_FORCED with these choices (kept by the caller). */
void canon_sched_force(canon_sched *s, const uint32_t *choices, uint32_t n);
/* A choice among n > 0 options: an index below n. */
uint32_t canon_sched_choose(canon_sched *s, canon_choice_kind kind, uint32_t n);
const char *canon_choice_kind_name(canon_choice_kind kind);

#endif
