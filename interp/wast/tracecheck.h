/* tracecheck.h -- the parts of `cmref run --check-trace` shared by the
 * direct replay (tracecheck.c) and the search (tracesearch.c): another
 * runtime's guest-visible events, and one run of cmref whose events are
 * compared with theirs as they are made (docs/trace-format.md "Checking
 * another runtime's trace").  Internal to interp/wast. */
#ifndef WAST_TRACECHECK_H
#define WAST_TRACECHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../../canon/sched.h"
#include "wast.h"

/* A trace's guest-visible events, in order, each in canonical form
 * (members sorted by key, without `seq`, no spaces outside strings), and
 * the choices its `choice` events record. */
typedef struct wast_tc_events {
  char **v;
  uint32_t *line; /* line of v[i] in the file, for messages */
  uint32_t n, cap;
  uint32_t *choices;
  uint32_t nchoices, capchoices;
} wast_tc_events;

/* One run compared with theirs.  Their events are matched in order as
 * cmref makes its own; the first of ours that is not their next one (or
 * that comes after their last) is the divergence, and the run stops
 * there. */
typedef struct wast_tc_run {
  uint32_t matched; /* their events reproduced, in order */
  bool diverged;    /* cmref made an event other than their next one */
  char *ours;       /* that event (canonical form), or NULL if the run
                       ended after `matched` events */
  uint32_t choices_before; /* choices the run had made when it diverged
                              (all of them if it did not) */
  canon_choice_log log;    /* the run's choices */
} wast_tc_run;

/* Reads a trace; false with why if it cannot be read or is not one. */
bool wast_tc_read(const char *path, wast_tc_events *out, char *why,
                  size_t whyn);
void wast_tc_events_free(wast_tc_events *l);

/* Runs the script with these choices first (then option 0), comparing its
 * guest-visible events with theirs as they are made.  Free r with
 * wast_tc_run_free. */
struct wast_rerun;
void wast_tc_run_once(struct wast_rerun *script, const wast_options *base,
                      const wast_tc_events *theirs, const uint32_t *forced,
                      uint32_t nforced, wast_tc_run *r);
void wast_tc_run_free(wast_tc_run *r);

/* The search for a schedule that reproduces their events (tracesearch.c);
 * returns a WAST_CHECK_* result. */
int wast_tc_search(struct wast_rerun *script, const char *theirs_path,
                   const wast_tc_events *theirs, const wast_options *base,
                   uint32_t budget, FILE *out);

#endif
