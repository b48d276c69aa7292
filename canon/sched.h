/* sched.h -- the one place where the spec's nondeterminism is resolved
 * (design.md "Nondeterminism is explicit"; Concurrency.md
 * "Nondeterminism"; every `random` of the Python definitions, plus the
 * embedder's choice of when to run Store.tick).
 *
 * Each choice names its kind (which spec step it is) and the number of
 * options; the policy picks one.  Options are always offered in a stable
 * order (Store.waiting in the order threads started waiting, tables in
 * index order, waitable sets in join order), so that cmref's default
 * policy -- "deterministic": always the first option -- gives the same run
 * for the same input.
 *
 * Two things are kept apart here and in docs/cli.md:
 * - the spec's DETERMINISTIC_PROFILE (definitions.py) fixes only three of
 *   the choices: Thread.wait_until never returns early, maybe_scramble_nan
 *   gives the canonical NaN, error-context.new keeps no message.  Its other
 *   `random` sites (Store.tick, the sync loop of canon_lift,
 *   get_pending_event's shuffle, request_cancellation) stay random under
 *   the profile.  canon_choice_kind_in_profile() says which kinds it fixes;
 *   at those kinds option 0 is always the profile's.
 * - cmref's "deterministic" policy takes option 0 at *every* kind: the
 *   profile's answer where the profile has one, and an arbitrary but stable
 *   answer (the first candidate in the order above) where it has none.
 *   That answer is ours, not the spec's.
 * The random policy draws from a seeded generator kept in the store; the
 * forced policy takes given choices (--choices, --replay, --explore). */
#ifndef CANON_SCHED_H
#define CANON_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds of choice; docs/cli.md "Choice kinds" lists them with their
 * trace names (canon_choice_kind_name) and spec sites. */
typedef enum canon_choice_kind {
  CANON_CHOICE_TICK,           /* Store.tick: which ready thread runs */
  CANON_CHOICE_SYNC_LOOP,      /* canon_lift, sync: which thread of inst */
  CANON_CHOICE_WAIT_EARLY,     /* Thread.wait_until: return without blocking
                                  (2 options: 0 = block, 1 = return) */
  CANON_CHOICE_EVENT,          /* WaitableSet.get_pending_event: which one */
  CANON_CHOICE_CANCEL_THREAD,  /* Task.request_cancellation: which thread */
  CANON_CHOICE_NAN,            /* maybe_scramble_nan32/64: which NaN
                                  (CANON_NAN_OPTIONS; 0 = canonical) */
  CANON_CHOICE_ERROR_MESSAGE,  /* error-context.new: 0 = no message, 1 = keep */
  CANON_CHOICE_HOST_TICK,      /* the embedder's event loop between two
                                  script commands: 0 = wait for the next
                                  command, 1 = run Store.tick once more */
  CANON_NCHOICE_KINDS
} canon_choice_kind;
/* sets of kinds are bit masks in a uint32_t (explore.c) */
_Static_assert(CANON_NCHOICE_KINDS <= 32, "choice kinds fit a uint32_t mask");

/* maybe_scramble_nan: how many NaNs a choice offers (see load_store.c). */
#define CANON_NAN_OPTIONS 5

typedef enum canon_sched_policy {
  CANON_SCHED_DETERMINISTIC = 0, /* cmref's: always option 0 */
  CANON_SCHED_RANDOM,
  CANON_SCHED_FORCED, /* the given choices in order, then option 0:
                         --choices, --replay, --explore */
} canon_sched_policy;

/* The choices of one run, in order (only those with n > 1). */
typedef struct canon_choice_log {
  uint32_t *n, *chosen;
  uint8_t *kind; /* canon_choice_kind */
  uint32_t len, cap;
} canon_choice_log;

void canon_choice_log_free(canon_choice_log *l);
/* Appends a choice of option c among n of the given kind. */
void canon_choice_log_add(canon_choice_log *l, canon_choice_kind kind,
                          uint32_t n, uint32_t c);

/* After a run with forced choices: true if every forced choice was within
 * its number of options, every one was used, and (when `recorded` is given:
 * the choices of a trace being replayed, forced[i] = recorded->chosen[i])
 * each was of the recorded kind and number of options.  Otherwise false
 * with a message naming the first bad position, its kind and its number
 * of options, or how many were left over.  `run` holds the run's choices. */
bool canon_choice_log_check_forced(const canon_choice_log *run,
                                   const uint32_t *forced, uint32_t nforced,
                                   const canon_choice_log *recorded,
                                   char *msg, size_t msgn);

struct canon_trace;
struct canon_Thread;
struct canon_ComponentInstance;

typedef struct canon_sched {
  struct canon_trace *trace; /* choices are traced when set */
  canon_sched_policy policy;
  uint64_t seed;  /* CANON_SCHED_RANDOM: the seed given */
  uint64_t state; /* xorshift64* state */
  uint64_t nchoices; /* how many choices with more than one option */
  /* CANON_SCHED_FORCED: forced[i] is the i-th choice; one out of range
   * takes option 0 (canon_choice_log_check_forced reports it) */
  const uint32_t *forced;
  uint32_t nforced;
  canon_choice_log *log; /* when set, every choice is appended */
  /* the spec's DETERMINISTIC_PROFILE on top of the policy: the kinds it
   * fixes (canon_choice_kind_in_profile) are not choices at all */
  bool profile;
  /* when set, called at each choice with more than one option before it
   * is made (--explore's digests of states, interp/wast/state.c); under
   * CANON_SCHED_FORCED, beyond the forced choices, the option it returns
   * is taken instead of option 0 (--explore's sleep sets: the first option
   * not asleep) */
  uint32_t (*at_choice)(void *ctx, canon_choice_kind kind, uint32_t n);
  void *at_choice_ctx;
  /* when set, called each time a thread is resumed (--explore: which
   * component instances a step ran in) */
  void (*at_resume)(void *ctx, const struct canon_Thread *t);
  /* when set, called with each instance whose may_enter flag is looked at
   * (ComponentInstance.may_enter_from: a call, a tick or a cancellation
   * entering it; --explore: which instances a command's runs consult) */
  void (*at_enter)(void *ctx, const struct canon_ComponentInstance *inst);
  /* while a choice among objects is made (canon_sched_choose_among), the
   * objects in option order, for at_choice to read; else NULL */
  const void *const *options;
} canon_sched;

void canon_sched_init(canon_sched *s, canon_sched_policy policy, uint64_t seed);
/* CANON_SCHED_FORCED with these choices (kept by the caller). */
void canon_sched_force(canon_sched *s, const uint32_t *choices, uint32_t n);
/* canon_sched_choose among the n objects objs (threads, waitables), which
 * at_choice may read as s->options (--explore-verify-cuts follows a
 * choice by the object it took, not its place). */
uint32_t canon_sched_choose_among(canon_sched *s, canon_choice_kind kind,
                                  const void *const *objs, uint32_t n);
/* A choice among n > 0 options: an index below n.  The only place in
 * canon/ where an open choice of the spec is made. */
uint32_t canon_sched_choose(canon_sched *s, canon_choice_kind kind, uint32_t n);
/* Its name in traces ("tick", "nan", ...); NULL-free: "?" if unknown. */
const char *canon_choice_kind_name(canon_choice_kind kind);
/* The kind of a trace name, or CANON_NCHOICE_KINDS if none. */
canon_choice_kind canon_choice_kind_named(const char *name, size_t len);
/* Whether the spec's DETERMINISTIC_PROFILE fixes this kind (to option 0). */
bool canon_choice_kind_in_profile(canon_choice_kind kind);

#endif
