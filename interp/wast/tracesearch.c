/* tracesearch.c -- `cmref run --check-trace THEIRS SCRIPT` when THEIRS
 * records no choices (another runtime cannot know cmref's choice indices):
 * is there a schedule the spec allows that gives exactly their
 * guest-visible events?  (docs/trace-format.md "Checking another runtime's
 * trace"; design.md "Other runtimes".)
 *
 * The schedules form a tree: every choice the spec leaves open
 * (canon_choice_kind) is a node, its options the branches.  The search
 * walks it depth first, like --explore (explore.c), by runs with a forced
 * prefix of choices: after a run, the last choice that still has an
 * untried option is advanced and everything after it reset.  Their events
 * guide the walk: each run is compared with theirs as it goes
 * (tracecheck.c) and stops at its first event that is not their next one,
 * and only the choices made *before* that event are advanced -- whatever
 * comes after cannot undo the divergence, so that subtree is pruned
 * whole.
 *
 * The answer is "allowed" with the first schedule that gives all their
 * events and nothing more; "not allowed" when the whole tree is pruned,
 * with the deepest point any run reached (their event there, and every
 * event a run made there instead: what the spec allows at that point);
 * "undecided" when the budget of runs is spent first. */
#include <stdlib.h>
#include <string.h>

#include "tracecheck.h"

#include "rerun.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"

/* The deepest point of the search so far: how many of their events some
 * run reproduced, and what the runs that got that far did next. */
typedef struct frontier {
  uint32_t depth;
  bool any;
  char **next; /* distinct events made there; NULL: the run ended there */
  uint32_t nnext, cap_next;
  char *choices; /* the choices of the first run that got there */
} frontier;

/* "0,1,0" of the first n choices of a log; "(none)" if n is 0. */
static char *choices_str(const canon_choice_log *l, uint32_t n) {
  size_t cap = (size_t)n * 11 + 8;
  char *s = canon_xmalloc(cap);
  size_t k = 0;
  s[0] = 0;
  for (uint32_t i = 0; i < n; i++)
    k += (size_t)snprintf(s + k, cap - k, "%s%u", i ? "," : "", l->chosen[i]);
  if (!n) snprintf(s, cap, "(none)");
  return s;
}

static bool same_event(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static void frontier_clear(frontier *f) {
  for (uint32_t i = 0; i < f->nnext; i++) free(f->next[i]);
  free(f->next);
  free(f->choices);
  memset(f, 0, sizeof *f);
}

/* Notes where a run stopped: their events it matched, and its next one. */
static void frontier_note(frontier *f, const wast_tc_run *r) {
  if (f->any && r->matched < f->depth) return;
  if (!f->any || r->matched > f->depth) {
    frontier_clear(f);
    f->any = true;
    f->depth = r->matched;
    f->choices = choices_str(&r->log, r->choices_before);
  }
  for (uint32_t i = 0; i < f->nnext; i++)
    if (same_event(f->next[i], r->ours)) return;
  CANON_GROW(f->next, f->nnext, f->cap_next, 4);
  f->next[f->nnext] = r->ours ? strdup(r->ours) : NULL;
  if (r->ours && !f->next[f->nnext]) canon_out_of_memory();
  f->nnext++;
}

/* The longest prefix, their event after it, and what runs did there. */
static void print_frontier(FILE *out, const frontier *f,
                           const wast_tc_events *theirs, bool complete) {
  fprintf(out, "  longest prefix a schedule reproduces%s: %u guest-visible "
          "event%s (--choices %s)\n", complete ? "" : " so far", f->depth,
          f->depth == 1 ? "" : "s", f->choices);
  fprintf(out, "  theirs:  %s\n",
          f->depth < theirs->n ? theirs->v[f->depth] : "(end of trace)");
  fprintf(out, "  %s:\n", complete ? "the spec allows there"
                                   : "seen there so far");
  for (uint32_t i = 0; i < f->nnext; i++)
    fprintf(out, "    %s\n", f->next[i] ? f->next[i] : "(end of run)");
}

int wast_tc_search(wast_rerun *script, const char *theirs_path,
                   const wast_tc_events *theirs, const wast_options *base,
                   uint32_t budget, FILE *out) {
  uint32_t *prefix = NULL, nprefix = 0, runs = 0;
  frontier f = {0};
  bool exhausted = false, found = false;
  while (runs < budget) {
    wast_tc_run r;
    wast_tc_run_once(script, base, theirs, prefix, nprefix, &r);
    runs++;
    if (!r.diverged && r.matched == theirs->n) {
      char *c = choices_str(&r.log, r.log.len);
      fprintf(out, "%s: allowed: reproduced with --choices %s (%u "
              "guest-visible events; schedule %u of the search)\n",
              theirs_path, c, theirs->n, runs);
      free(c);
      found = true;
      wast_tc_run_free(&r);
      break;
    }
    frontier_note(&f, &r);
    /* the next schedule: only the choices made before the divergence */
    exhausted =
        !wast_next_schedule(&r.log, r.choices_before, &prefix, &nprefix);
    wast_tc_run_free(&r);
    if (exhausted) break;
  }
  free(prefix);
  int rc = WAST_CHECK_ALLOWED;
  if (!found && exhausted) {
    if (f.depth < theirs->n)
      fprintf(out, "%s:%u: not allowed by the spec at guest-visible event "
              "%u: no schedule reproduces it\n", theirs_path,
              theirs->line[f.depth], f.depth + 1);
    else
      fprintf(out, "%s: not allowed by the spec at the end of the trace: "
              "every schedule goes on after its %u guest-visible events\n",
              theirs_path, f.depth);
    print_frontier(out, &f, theirs, true);
    fprintf(out, "  searched %u schedule%s: all of them\n", runs,
            runs == 1 ? "" : "s");
    rc = WAST_CHECK_NOT_ALLOWED;
  } else if (!found) {
    fprintf(out, "%s: undecided: no schedule reproduced it within the "
            "search budget (--search-budget %u runs)\n", theirs_path,
            budget);
    print_frontier(out, &f, theirs, false);
    rc = WAST_CHECK_UNDECIDED;
  }
  frontier_clear(&f);
  return rc;
}
