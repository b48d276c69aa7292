/* coverage.h -- per-command trap-rule coverage of a script run
 * (CMREF_COVERAGE=FILE); see coverage.c. */
#ifndef WAST_COVERAGE_H
#define WAST_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../../canon/rules.h"
#include "report.h"

typedef struct wast_coverage wast_coverage;

/* Appends to path; NULL with why if it cannot be written. */
wast_coverage *wast_coverage_open(const char *path, char *why, size_t whyn);
/* The counters the component engine's Store counts into. */
canon_coverage *wast_coverage_counts(wast_coverage *c);
/* After a command: one line per rule it reached. */
void wast_coverage_command(wast_coverage *c, const char *file, uint32_t line,
                           const char *kind, wast_status st);
void wast_coverage_close(wast_coverage *c);

#endif
