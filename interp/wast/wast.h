/* wast.h -- the .wast script runner: runs the commands of a script
 * (spec interpreter README "Scripts") and records how each one went.
 *
 * Modules, instances and the registry are per file; each file gets a fresh
 * engine (store) and a fresh `spectest` module. */
#ifndef WAST_WAST_H
#define WAST_WAST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/exec.h"
#include "../core/validate.h"
#include "../util/diag.h"
#include "report.h"

/* How components run: the scheduler's policy and the thread limit. */
typedef struct wast_comp_options {
  bool sched_random;    /* --sched random (default: deterministic) */
  uint64_t seed;        /* --seed N */
  uint32_t max_threads; /* --max-threads N; 0: the default */
  FILE *trace;          /* --trace FILE: the step trace; NULL: none */
  /* --choices / --replay / --explore: the choices to force (policy
   * FORCED when `forced` is set), and where to log the choices made */
  const uint32_t *forced;
  uint32_t nforced;
  struct canon_choice_log *log;
} wast_comp_options;

typedef struct wast_options {
  core_config config;     /* limits for the code the script runs */
  core_features features; /* what core modules may use (--features) */
  FILE *print_to;     /* spectest print output; NULL = quiet */
  wast_comp_options comp;
} wast_options;

/* Runs the script in file `path`, recording each command in f.  A file that
 * cannot be read or lexed is recorded as one failed command. */
void wast_run_file(const char *path, const wast_options *opt,
                   wast_file_result *f);
/* Same, on a script already in memory (name is used in messages). */
void wast_run_source(const char *src, size_t len, const char *name,
                     const wast_options *opt, wast_file_result *f);

/* cmref run --explore: runs the script under every schedule (depth first
 * over the scheduler's choices, at most `budget` runs) and reports, for
 * each command, the outcomes that different schedules gave, as text on out
 * and as one JSON object on json (either may be NULL).  Returns 0 if every
 * command passed under every schedule explored, 1 otherwise. */
int wast_explore(const char *path, const wast_options *opt, uint32_t budget,
                 FILE *out, FILE *json);

/* cmref run --check-trace: runs the script with the choices of another
 * runtime's trace and compares the guest-visible events (tracecheck.c).
 * Returns 0 if they match, 1 if not, 2 if the trace cannot be read. */
int wast_check_trace(const char *script, const char *theirs,
                     const wast_options *opt, FILE *out);

/* Reads a whole regular file into a NUL-terminated buffer (free() it).
 * NULL with a CM_IO error saying why: missing, a directory, unreadable. */
char *wast_read_file(const char *path, size_t *len, cm_error *err);

#endif
