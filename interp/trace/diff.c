/* diff.c -- `cmref trace diff A B`: the first step where two traces
 * differ, guest-visible events first (the part any runtime can write,
 * docs/trace-format.md), then every event, with a few steps of context
 * from both in the timeline form of show.c.  Events are compared in the
 * canonical form --check-trace uses (members sorted, no "seq"), so a
 * foreign trace with other spacing or member order compares equal. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/context.h"
#include "../util/cli.h"

enum { CONTEXT = 3 };

/* Indices of the events kept (all, or the guest-visible ones). */
static uint32_t *select_events(const trace_file *t, bool visible_only, uint32_t *n) {
  uint32_t *ix = canon_xmalloc((t->n + 1) * sizeof *ix);
  *n = 0;
  for (uint32_t i = 0; i < t->n; i++)
    if (!visible_only || t->ev[i].visible || t->ev[i].error) ix[(*n)++] = i;
  return ix;
}

static bool has_model_events(const trace_file *t) {
  for (uint32_t i = 0; i < t->n; i++)
    if (!t->ev[i].error && !t->ev[i].visible) return true;
  return false;
}

/* Prints the steps of t around kept event k (index into ix). */
static void context(const char *label, const trace_file *t, const uint32_t *ix,
                    uint32_t n, uint32_t k) {
  printf("  %s (%s):\n", label, t->path);
  uint32_t from = k > CONTEXT ? k - CONTEXT : 0;
  for (uint32_t j = from; j < n && j <= k + 1; j++)
    trace_print_line(t, ix[j], j == k ? ">" : " ");
  if (k >= n) printf(">   (end of trace)\n");
}

/* 0: the same; 1: a difference (printed). */
static int compare(trace_file *a, trace_file *b, bool visible_only) {
  uint32_t na, nb;
  uint32_t *ia = select_events(a, visible_only, &na);
  uint32_t *ib = select_events(b, visible_only, &nb);
  uint32_t k = 0;
  int rc = 0;
  for (;; k++) {
    if (k >= na || k >= nb) {
      if (na != nb) rc = 1;
      break;
    }
    char *ca = trace_canonical(&a->ev[ia[k]]);
    char *cb = trace_canonical(&b->ev[ib[k]]);
    int d = strcmp(ca, cb);
    free(ca);
    free(cb);
    if (d) { rc = 1; break; }
  }
  if (rc) {
    const char *what = visible_only ? "guest-visible event" : "event";
    if (k < na && k < nb)
      printf("traces differ at %s %u (%s:%u, %s:%u):\n", what, k + 1, a->path,
             a->ev[ia[k]].lineno, b->path, b->ev[ib[k]].lineno);
    else
      printf("traces differ at %s %u: %s ends after %u, %s has more\n", what, k + 1,
             k >= na ? a->path : b->path, k, k >= na ? b->path : a->path);
    context("A", a, ia, na, k);
    context("B", b, ib, nb, k);
  }
  free(ia);
  free(ib);
  return rc;
}

static const char diff_usage[] =
    "usage: cmref trace diff A B\n"
    "\n"
    "Finds the first step where traces A and B differ: first among the\n"
    "guest-visible events (those another runtime writes), then among all\n"
    "events when both traces have cmref's model events (tasks, threads,\n"
    "choices).  Prints it with a few steps of context from both traces.\n"
    "Exit status 0 the same, 1 they differ, 2 a file cannot be read or is\n"
    "not a trace.\n";

int trace_diff_main(int argc, char **argv) {
  if (cm_help(argc, argv, diff_usage)) return 0;
  if (argc != 2 || cm_is_option(argv[0]) || cm_is_option(argv[1]))
    return cm_usage_error(diff_usage);
  trace_file a, b;
  if (!trace_read_for("cmref trace diff", argv[0], &a)) return 2;
  if (!trace_read_for("cmref trace diff", argv[1], &b)) {
    trace_free(&a);
    return 2;
  }
  trace_timeline(&a);
  trace_timeline(&b);
  int rc = compare(&a, &b, true);
  if (rc == 0) {
    bool ma = has_model_events(&a), mb = has_model_events(&b);
    if (ma && mb) {
      rc = compare(&a, &b, false);
      if (rc == 0) printf("same: %u events\n", a.n);
    } else {
      uint32_t nv = 0;
      for (uint32_t i = 0; i < a.n; i++) nv += a.ev[i].visible;
      printf("same guest-visible events (%u); %s has only guest-visible events, "
             "the rest is not compared\n", nv, ma ? b.path : a.path);
    }
  }
  if (a.header && b.header && strcmp(a.header, b.header) != 0) {
    canon_buf h = {0};
    canon_buf_str(&h, "headers differ:\n  A: ");
    trace_put_safe(&h, a.header, 300);
    canon_buf_str(&h, "\n  B: ");
    trace_put_safe(&h, b.header, 300);
    printf("%s\n", h.p);
    free(h.p);
  }
  trace_free(&a);
  trace_free(&b);
  return rc;
}
