/* state.h -- the state of a script's run at a choice, for --explore's
 * detection of states already explored (explore.c; docs/cli.md
 * "Exploration"). */
#ifndef WAST_STATE_H
#define WAST_STATE_H

#include "../../canon/state_hash.h"
#include "wast.h"

/* A choice about to be made in a run of a script. */
typedef struct wast_state_point {
  canon_choice_kind kind;
  uint32_t n;                   /* its number of options */
  const wast_file_result *res;  /* the commands run before this one */
  struct wast_engine *core, *comp;
  /* a choice among objects: them, in option order (canon_sched.options);
   * else NULL */
  const void *const *options;
} wast_state_point;

/* The digest of everything that decides the rest of the run from pt on:
 * the script position (the number of commands run and their outcomes,
 * which decide the runner's bindings), the choice's kind and number of
 * options, the component Store (canon_state_hash) and the core store
 * (core_store_digest: memories, globals, tables, the wasm stacks of the
 * calls in progress). */
void wast_state_digest(const wast_state_point *pt, canon_digest *d);

/* The same, with its parts for --explore's sleep sets: the script
 * position's digest, each component instance's (canon_state_hash's
 * inst_digest; core memories are not attributed, see explore.c), the
 * number of live threads, and at a `tick` the labels of the threads it
 * offers, in option order.  Owned; wast_state_info_free. */
typedef struct wast_state_info {
  canon_digest script;
  canon_digest *inst;
  const void **instp; /* the instances, in the same order */
  uint32_t ninst;
  uint32_t nthreads;
  uint32_t nthreads_peak; /* since the last wast_state_peak_reset */
  uint32_t max_threads;   /* --max-threads */
  uint64_t *cand;
  uint32_t ncand;
  /* set by the caller: at a choice among other objects than a tick's
   * (sync loop, event, cancel-thread), their labels into cand too
   * (--explore-verify-cuts) */
  bool want_options;
  /* for --explore's command memo (memo.h): the digest of all that is no
   * instance's part (the script position -- of an action command, an
   * invoke or assertion on one, only that it ran: its outcome changes
   * nothing the runner keeps --, the store's own fields, the core calls
   * in progress); each instance's id; the instances (by
   * position, the first 64) that are inert -- no thread or task of
   * theirs is alive, and their handle tables hold no unresolved subtask and no
   * stream or future end that copies or has a copy pending on it --;
   * and whether the core store holds nothing but the instances' core
   * instances (else a part of the state is in no instance's part) */
  canon_digest rest;
  uint32_t *id;
  uint64_t inert;
  bool all_in_insts;
} wast_state_info;
void wast_state_digest_info(const wast_state_point *pt, canon_digest *d,
                            wast_state_info *info);
void wast_state_info_free(wast_state_info *info);
/* Starts counting the most threads alive at once anew (from now on). */
void wast_state_peak_reset(const wast_state_point *pt);

/* Makes the component engine's scheduler call opt->at_choice at each
 * choice (a no-op without opt->at_choice); w must live as long as the run. */
typedef struct wast_state_watch {
  wast_state_point pt;
  const wast_comp_options *opt;
  struct canon_sched *sched;
} wast_state_watch;
void wast_state_watch_start(wast_state_watch *w, const wast_comp_options *opt,
                            const wast_file_result *res,
                            struct wast_engine *core, struct wast_engine *comp);

#endif
