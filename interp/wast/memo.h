/* memo.h -- --explore's command memo (explore.c; docs/cli.md
 * "Exploration"): a state at the first choice of a command whose
 * subtree is explored is not explored again when met with other contents
 * in instances that subtree never touched.
 *
 * The state-digest cut (explore.c) needs the whole state to repeat.  A
 * script whose commands use disjoint groups of instances (run1 on one
 * group, run2 on another) ends its first command in many states that
 * differ only in the first group, and the second command's tree would be
 * walked once for each.  The memo keeps, for such a state S met at the
 * first choice of a command with no thread asleep, its instances' parts
 * of the digest and the set T of instances its subtree touched: every
 * instance a thread of it resumed in, whose may_enter was looked at
 * (canon_sched.at_enter: every call, tick and cancellation into it, and
 * into its children), or whose part differed from S's at any digest
 * taken in the subtree.  Once the subtree is explored (the walk
 * backtracked above S), a state S' is cut -- every outcome from it on is
 * one from S -- when it has the same rest (state.h: the script position,
 * the store's own fields, the core calls in progress), the same parts of
 * the instances in T, and every instance not in T inert in S and in S'
 * (no live thread or task, no unresolved subtask, no copy going on or
 * pending in
 * its handle table).
 *
 * Why that is sound: an inert instance does nothing by itself, and the
 * runs from S reach it only by entering it (which puts it in T) or
 * through the shared state of a stream or future one of whose ends it
 * holds idle -- which is also in the part of the instance holding the
 * other end, in T, so equal.  So every run from S' does what the run
 * from S with the same choices does, step for step.
 *
 * Conservative where the subtree leaves itself: a run cut at a state
 * first met outside the subtree (a cycle through an ancestor, or a
 * sibling subtree), or at a memo entry (then T takes that entry's T),
 * and any state met with more than 64 instances or core instances of no
 * component instance (state.h all_in_insts): the entry touches
 * everything and is never used. */
#ifndef WAST_MEMO_H
#define WAST_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"
#include "../../canon/u64map.h"

typedef struct wast_memo_entry {
  canon_digest rest;
  canon_digest *inst; /* by position */
  uint32_t *id;       /* by position */
  uint32_t ninst;
  uint64_t inert;   /* positions inert in S */
  uint64_t touched; /* T, by position */
  bool all;         /* T is everything: never used */
  uint32_t index;   /* the choice it is at */
  uint32_t run;     /* the run that met it first */
  uint32_t next;    /* closed: the next entry of its rest + 1, or 0 */
} wast_memo_entry;

typedef struct wast_memo {
  wast_memo_entry *closed, *open;
  uint32_t nclosed, closed_cap, nopen, open_cap;
  /* The closed entries by their rest, which a match must equal: the
   * newest of a rest's entries + 1, from which `next` goes on; a lookup
   * does not scan them all. */
  canon_u64map head;
  uint64_t hits;
} wast_memo;

/* A closed entry S' is cut by (see above); NULL if none. */
const wast_memo_entry *wast_memo_find(const wast_memo *m,
                                      const wast_state_info *info);
/* Opens an entry for the state at choice `index` of run `run`. */
void wast_memo_open(wast_memo *m, const wast_state_info *info, uint32_t index,
                    uint32_t run);
/* The open entries met before the current choice (the run's choice
 * count `len`) see the instance with this id touched. */
void wast_memo_touch(wast_memo *m, uint32_t len, uint32_t id);
/* ... see every instance whose part differs in info from theirs. */
void wast_memo_seen(wast_memo *m, uint32_t len, const wast_state_info *info);
/* ... take the T of entry e (a memo cut), or everything (e NULL). */
void wast_memo_join(wast_memo *m, uint32_t len, const wast_memo_entry *e);
/* ... take everything unless the state at which the run is cut was first
 * met in their subtree: in run `run`, at choice `index`. */
void wast_memo_cut_at(wast_memo *m, uint32_t len, uint32_t run,
                      uint32_t index);
/* The walk backtracked to choice k: the entries at later choices are
 * explored. */
void wast_memo_close_after(wast_memo *m, uint32_t k);
void wast_memo_free(wast_memo *m);

#endif
