/* sleep.h -- sleep sets for --explore's `tick` choices (explore.c;
 * docs/cli.md "Exploration").
 *
 * A step is what one thread does from the `tick` that resumes it to the
 * next scheduling choice (`tick`, `sync-loop`, `host-tick`), with every
 * choice made inside it.  Its footprint is the set of component instances
 * it ran in (a thread of theirs was resumed) or changed (their part of the
 * state digest, canon_state_hash's inst_digest, differs before and after),
 * plus two marks: HOST (it changed the script's position -- a command
 * ended -- or made an instance, or ended at a choice other than `tick`)
 * and THREADS (more than half of --max-threads were alive at once during
 * it, or it added more than half: then another step's threads could meet
 * the limit after it and not before).  Two steps are independent when
 * their instance sets are disjoint and neither is HOST or THREADS: then
 * neither can see the other's effect, so both orders give one state.
 *
 * A sleeping thread is one whose step from here is known to lead only to
 * states explored from a sibling branch: after exploring option u at a
 * node, the later options t of that node carry u asleep into their
 * subtree as long as the steps taken there are independent of u's
 * footprint (the union over every way u's step went). */
#ifndef WAST_SLEEP_H
#define WAST_SLEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

#define WAST_FP_HOST (1ull << 63)
#define WAST_FP_THREADS (1ull << 62)
#define WAST_FP_NINSTS 62 /* instances beyond: HOST */

typedef struct wast_sleeper {
  uint64_t label; /* the thread (canon_state_hash's label) */
  uint64_t fp;    /* its step's footprint */
} wast_sleeper;

/* sorted by label, labels distinct */
typedef struct wast_sleepset {
  wast_sleeper *v;
  uint32_t n, cap;
} wast_sleepset;

void wast_sleep_free(wast_sleepset *s);
void wast_sleep_copy(wast_sleepset *dst, const wast_sleepset *src);
/* Adds (label, fp), or joins fp to label's. */
void wast_sleep_add(wast_sleepset *s, uint64_t label, uint64_t fp);
bool wast_sleep_has(const wast_sleepset *s, uint64_t label);
/* Keeps the sleepers independent of a step with footprint fp. */
void wast_sleep_filter(wast_sleepset *s, uint64_t fp);
/* Whether every label of a is one of b's. */
bool wast_sleep_subset(const uint64_t *a, uint32_t na, const wast_sleepset *b);
bool wast_fp_independent(uint64_t a, uint64_t b);

/* The footprint of a step from state `from` to state `to`; ran: the
 * instances (canon_ComponentInstance pointers) whose threads it resumed. */
uint64_t wast_step_footprint(const wast_state_info *from,
                             const wast_state_info *to,
                             const void *const *ran, uint32_t nran);

#endif
