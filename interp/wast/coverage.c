/* coverage.c -- which trap rules each command of a script reached and
 * trapped at (CMREF_COVERAGE=FILE; docs/rules.md, make coverage).
 *
 * The Store counts per rule (canon/rules.h); after each command the runner
 * calls wast_coverage_command, which appends one line per rule whose
 * counts moved during that command:
 *
 *     FILE <tab> LINE <tab> COMMAND <tab> STATUS <tab> RULE <tab> REACHED <tab> TRAPPED
 *
 * STATUS is pass/fail/skip of the command; COMMAND its keyword
 * (assert_trap, invoke, ...).  harness/rule_coverage.py turns the lines of a
 * whole spec-tests/ run into docs/coverage.md. */
#include "coverage.h"
#include "../../canon/grow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct wast_coverage {
  FILE *out;
  canon_coverage counts; /* what the store counts into */
  canon_coverage seen;   /* the counts after the previous command */
};

wast_coverage *wast_coverage_open(const char *path, char *why, size_t whyn) {
  FILE *out = fopen(path, "a");
  if (!out) {
    snprintf(why, whyn, "cannot write %s: %s", path, strerror(errno));
    return NULL;
  }
  wast_coverage *c = canon_xcalloc(1, sizeof *c);
  c->out = out;
  return c;
}

canon_coverage *wast_coverage_counts(wast_coverage *c) { return &c->counts; }

void wast_coverage_command(wast_coverage *c, const char *file, uint32_t line,
                           const char *kind, wast_status st) {
  static const char *const status[] = {"pass", "fail", "skip"};
  for (int r = 1; r < CANON_RULE_COUNT; r++) {
    uint64_t reached = c->counts.reached[r] - c->seen.reached[r];
    uint64_t trapped = c->counts.trapped[r] - c->seen.trapped[r];
    if (!reached) continue;
    fprintf(c->out, "%s\t%u\t%s\t%s\t%s\t%llu\t%llu\n", file, line, kind,
            status[st], canon_rule_id((canon_rule)r),
            (unsigned long long)reached, (unsigned long long)trapped);
  }
  c->seen = c->counts;
}

void wast_coverage_close(wast_coverage *c) {
  if (!c) return;
  fclose(c->out);
  free(c);
}
