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

#include "../../canon/store.h"
#include "../../canon/trace.h"
#include "../core/exec.h"
#include "../core/validate.h"
#include "../util/diag.h"
#include "report.h"

/* How components run: the scheduler's policy and the thread limit. */
struct wast_state_point; /* state.h */

typedef struct wast_comp_options {
  bool sched_random;    /* --sched random (default: deterministic) */
  uint64_t seed;        /* --seed N */
  uint32_t max_threads; /* --max-threads N; 0: the default */
  canon_limits limits;  /* --max-handles etc.; a 0 field: the default */
  FILE *trace;          /* --trace FILE: the step trace; NULL: none */
  /* --choices / --replay / --explore: the choices to force (policy
   * FORCED when `forced` is set), and where to log the choices made */
  const uint32_t *forced;
  uint32_t nforced;
  struct canon_choice_log *log;
  bool seed_given; /* --seed was given (only --sched random takes it) */
  bool profile;    /* --profile: the spec's DETERMINISTIC_PROFILE on top */
  /* --replay: the kind and number of options of each recorded choice
   * (its `chosen` are `forced`), checked against the run's */
  const struct canon_choice_log *recorded;
  /* When set (with `forced`), wast_run_file checks after the run that every
   * forced choice was in range (and, with `recorded`, of the recorded kind
   * and number of options) and that all were used, and writes why not
   * here ("" if they were), prefixed by forced_what ("--choices"). */
  char *forced_error;
  size_t forced_error_n;
  const char *forced_what;
  /* --check-trace (tracecheck.c): every event of the step trace is also
   * given to trace_sink as it is made (trace.h), and the runner runs no
   * further command once *stop is true (the rest of the run cannot
   * matter any more). */
  canon_trace_sink trace_sink;
  void *trace_sink_ctx;
  const bool *stop;
  struct comp_imap *imap; /* `cmref imports` (component/importmap.h) */
  /* CMREF_COVERAGE=FILE: the runner appends the trap rules each command
   * reached (coverage.c), counted into `coverage` by the Store */
  const char *coverage_file;
  canon_coverage *coverage;
  /* when set, the Store's fibers come from this pool and go back to it
   * (canon_Store_share_fibers; --explore) */
  struct canon_fiber_pool *fiber_pool;
  /* --explore (explore.c): called at every choice with more than one
   * option, before it is made; wast_state_digest(pt) gives the digest of
   * the state there.  Beyond the forced choices, the option it returns is
   * taken.  at_resume (may be NULL) is called with the component instance
   * of every thread resumed. */
  uint32_t (*at_choice)(void *ctx, const struct wast_state_point *pt);
  void (*at_resume)(void *ctx, const void *inst);
  /* called with each component instance whose may_enter is looked at
   * (canon_sched.at_enter); may be NULL */
  void (*at_enter)(void *ctx, const void *inst);
  void *at_choice_ctx;
} wast_comp_options;

/* The scheduling options taken together (choices.c): --seed only with
 * --sched random, and --sched random not with forced choices (--choices,
 * --replay) or with --explore / --check-trace, which take the choices
 * themselves.  False with why. */
bool wast_sched_options_check(const wast_comp_options *o, bool explore,
                              bool check_trace, char *why, size_t whyn);

/* The next schedule of a depth-first walk over the scheduler's choices
 * (--explore, the --check-trace search): the first `len` choices of log,
 * the last of them that has options left advanced by one, into *prefix
 * (malloc'ed, replacing the old one) for the next run to force.  False
 * when no choice has options left: the walk is complete. */
bool wast_next_schedule(const struct canon_choice_log *log, uint32_t len,
                        uint32_t **prefix, uint32_t *nprefix);

/* --replay TRACE: the choices a cmref trace records (its `choice` events),
 * into *out (kind, n, chosen).  False with why if the file cannot be read or
 * is not a trace (docs/trace-format.md: a header line, then events). */
bool wast_read_replay(const char *path, struct canon_choice_log *out,
                      char *why, size_t whyn);

typedef struct wast_options {
  core_config config;     /* limits for the code the script runs */
  core_features features; /* what core modules may use (--features) */
  FILE *print_to;     /* spectest print output; NULL = quiet */
  wast_comp_options comp;
  /* when set (--explore), the definitions validated in one run are kept
   * for the next (defs.h; the script's tree must be the same one) */
  struct wast_defs *defs;
  /* when set (--explore), the core store's memories are mapped from this
   * pool and go back to it (core_store_share_memories) */
  struct core_membytes_pool *mem_pool;
  /* keep what each passing `invoke`/`get` returned (wast_cmd_result
   * .result): --explore, whose outcomes include the values */
  bool keep_results;
} wast_options;

/* Runs the script in file `path`, recording each command in f.  A file that
 * cannot be read or lexed is recorded as one failed command. */
void wast_run_file(const char *path, const wast_options *opt,
                   wast_file_result *f);
/* Same, on a script already in memory (name is used in messages). */
void wast_run_source(const char *src, size_t len, const char *name,
                     const wast_options *opt, wast_file_result *f);

/* A script file read and lexed once, to run many times (--explore): a
 * run leaves the tree as it is. */
typedef struct wast_script {
  const char *path;
  char *src;
  size_t len;
  struct sx_node *top;
} wast_script;
/* false: the file cannot be read, is a binary or does not lex, which is
 * recorded in f as wast_run_file records it. */
bool wast_script_load(const char *path, wast_script *sc, wast_file_result *f);
/* What wast_run_file does with the file. */
void wast_run_script(const wast_script *sc, const wast_options *opt,
                     wast_file_result *f);
void wast_script_free(wast_script *sc);

/* cmref run --explore: runs the script under every schedule (depth first
 * over the scheduler's choices, at most `budget` runs) and reports, for
 * each command, the outcomes that different schedules gave, as text on out
 * and as one JSON object on json (either may be NULL).  Returns 0 if every
 * command passed under every schedule explored, 1 otherwise. */
typedef struct wast_explore_options {
  uint32_t budget; /* --explore N: at most N runs */
  uint32_t depth;  /* --explore-depth D: no choice from the D+1-th on is
                      varied (0: no bound) */
  bool plain;      /* --explore-plain: no state digests, the plain walk */
  bool no_sleep;   /* --explore-no-sleep: states cut, but no sleep sets */
  bool no_memo;    /* --explore-no-memo: no command memo (memo.h) */
  uint32_t progress; /* --explore-progress S: a line on stderr every S
                        seconds of the walk (0: none) */
  bool verify_cuts;  /* --explore-verify-cuts: a run cut at a state met
                        before goes on as the run that met it did, and
                        must meet the same states (a check of the digest) */
} wast_explore_options;
int wast_explore(const char *path, const wast_options *opt,
                 const wast_explore_options *xo, FILE *out, FILE *json);

/* cmref run --check-trace THEIRS (tracecheck.c, docs/trace-format.md
 * "Checking another runtime's trace").  A trace with `choice` events is
 * replayed: one run with those choices, whose guest-visible events must be
 * theirs.  A trace without is searched: depth first over the choices the
 * spec leaves open, each run stopped at its first guest-visible event that
 * is not theirs, at most `budget` runs, for a schedule that gives exactly
 * their events.  The result is the exit status of `cmref run`. */
enum {
  WAST_CHECK_ALLOWED = 0,     /* reproduced (replay: matches) */
  WAST_CHECK_NOT_ALLOWED = 1, /* no schedule does (replay: differs) */
  WAST_CHECK_ERROR = 2,       /* their trace cannot be read */
  WAST_CHECK_UNDECIDED = 3,   /* the budget ran out first */
};
/* --search-budget: the default number of runs */
#define WAST_CHECK_DEFAULT_BUDGET 10000u
int wast_check_trace(const char *script, const char *theirs,
                     const wast_options *opt, uint32_t budget, FILE *out);

/* Reads a whole regular file into a NUL-terminated buffer (free() it).
 * NULL with a CM_IO error saying why: missing, a directory, unreadable. */
char *wast_read_file(const char *path, size_t *len, cm_error *err);
/* The same for a script whose results go to f: a file that cannot be read
 * is recorded there as the script's failure, and NULL returned. */
char *wast_read_script(const char *path, size_t *len, wast_file_result *f);
/* fopen(path, "r") for reading line by line; NULL with "cannot read: WHY"
 * in why. */
FILE *wast_open_lines(const char *path, char *why, size_t whyn);

struct sx_node;
/* Words a script's read error for its report (each command its own way). */
typedef void (*wast_describe_fn)(const cm_error *err, char *buf, size_t n);
/* The s-expressions of a script's source (sx_free() them), or NULL when
 * they do not read: recorded in f as the script's failure, in the words
 * of describe. */
struct sx_node *wast_read_tree(const char *src, size_t len, const char *name,
                               wast_file_result *f, wast_describe_fn describe);

/* A script made only of module fields is one module (spec "script" sugar:
 * inline_module); the runner and `cmref roundtrip` read it so: then *mod
 * is that module's form (free(mod->items) after use) and true returned. */
bool wast_bare_module(const struct sx_node *top, const char *name,
                      struct sx_node *mod);

#endif
