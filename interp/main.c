/* main.c -- the cmref command line: `run` .wast scripts, `validate` a
 * module, `invoke` an export, `assemble` text to binary, `roundtrip`
 * (check the binary encoder and decoders).  Usage errors exit 2, failures
 * (a failed test, a trap, an invalid module, an unreadable file) exit 1.  docs/cli.md
 * describes it for users. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../canon/grow.h"
#include "../canon/sched.h"
#include "../canon/trace.h"
#include "../canon/version.h"
#include "component/encode.h"
#include "component_cli.h"
#include "component/text.h"
#include "core/binary.h"
#include "core/encode.h"
#include "core/exec.h"
#include "core/text.h"
#include "core/validate.h"
#include "wast/imports.h"
#include "trace/trace.h"
#include "wast/roundtrip.h"
#include "wast/spectest.h"
#include "wast/values.h"
#include "wast/wast.h"
#include "util/cli.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage_main[] =
    "usage: cmref COMMAND [OPTIONS] ARGS...\n"
    "\n"
    "A reference interpreter for WebAssembly: core wasm and the Component\n"
    "Model with the Canonical ABI, async included (tasks, threads, streams,\n"
    "futures, waitable sets), run step by step on one deterministic event\n"
    "loop.\n"
    "\n"
    "commands:\n"
    "  run FILE.wast...          run .wast test scripts\n"
    "  validate FILE             check a .wat or .wasm module\n"
    "  invoke FILE NAME [ARG...] call an exported function and print results\n"
    "  assemble IN -o OUT.wasm   write a .wat module or component as binary\n"
    "  roundtrip FILE...         check that every module and component of\n"
    "                            .wast/.wat files survives encode + decode\n"
    "  trace show|diff|html ...  read a step trace: a timeline, the first\n"
    "                            difference of two, a sequence diagram\n"
    "  help [COMMAND]            show help for a command\n"
    "  imports FILE.wast         the core import map of a script (JSON lines:\n"
    "                            which built-in or lowered import each core\n"
    "                            import is), for tracing other runtimes\n"
    "  version, --version        print cmref's version\n"
    "\n"
    "Run `cmref COMMAND --help` for a command's options; a command given an\n"
    "option that is not its own exits 2 and names the commands that take it.\n"
    "Exit status: 0 success, 1 failure (test failed, trap, invalid module,\n"
    "unreadable file), 2 usage error.\n";

#define FEATURES_HELP                                                        \
  "features:\n"                                                              \
  "  --features SET          what core modules may use: all (default, the\n" \
  "                          current spec) or wasm-2.0 (the frozen Wasm 2.0\n"\
  "                          spec: one memory, no extended constants)\n"

#define LIMIT_HELP                                                           \
  "limits (for code that runs):\n"                                           \
  "  --fuel N                stop after N instructions (default: no limit)\n" \
  "  --max-call-depth N      frames before \"call stack exhausted\"\n"        \
  "                          (default 10000)\n"                              \
  "  --max-memory-pages N    largest memory, in 64 KiB pages (default 65536)\n"\
  "  --max-threads N         Component Model threads alive at once\n"        \
  "                          (default 10000)\n"                              \
  "  --timeout SECONDS       stop code running longer than this wall-clock\n"\
  "                          time per script (e.g. 10 or 0.5; default: none)\n"\
  "  --max-handles N         entries in one handle table (default 1048576)\n"\
  "  --max-memory SIZE       host memory the values of one lift or copy may\n"\
  "                          take (default 512M; SIZE takes K, M or G)\n"    \
  "  --max-copy-bytes SIZE   host memory one stream/future copy holds at\n" \
  "                          once (default 64M)\n"                           \
  "  --fiber-stack-size SIZE C stack of each Component Model thread\n"      \
  "                          (default 1M, at least 256K)\n"                  \
  FEATURES_HELP

#define SCHED_HELP                                                           \
  "scheduling (the choices the spec leaves open):\n"                         \
  "  --sched POLICY          deterministic (default: cmref's own policy,\n" \
  "                          always the first option) or random\n"          \
  "  --seed N                seed of the random policy (default 0; only with\n"\
  "                          --sched random); the same seed, the same run\n" \
  "  --profile               the spec's DETERMINISTIC_PROFILE on top of the\n"\
  "                          policy: no early return from a wait, canonical\n"\
  "                          NaNs, no error-context message; the other\n"  \
  "                          choices stay the policy's (docs/cli.md)\n"

#define RUN_SCHED_HELP                                                       \
  "  --choices LIST          take these choices first (e.g. 0,1,0: the index\n"\
  "                          of the option at each choice with several),\n"  \
  "                          then the first option\n"                        \
  "  --replay TRACE          take the choices recorded in a trace\n"         \
  "  --explore N             run the script under every schedule (at most N\n"\
  "                          runs, depth first over the choices) and list\n" \
  "                          each command whose outcome varies or fails\n"   \
  "  --explore-depth D       --explore: vary only the first D choices of a run\n"\
  "  --explore-plain         --explore: without cutting at states already\n" \
  "                          explored (the plain depth-first walk)\n"       \
  "  --explore-no-sleep      --explore: cut at states already explored, but\n"\
  "                          walk every order of independent ticks\n"      \
  "  --explore-no-memo       --explore: without the command memo (a command's\n"\
  "                          tree walked again for each state it starts in)\n"\
  "  --explore-progress S    --explore: a line on stderr every S seconds\n"  \
  "                          (schedules, states, cuts so far)\n"            \
  "  --explore-verify-cuts   --explore: a check of the walk itself: a run cut\n"\
  "                          at a state met before goes on as the run that\n"\
  "                          met it did and must meet the same states\n"   \
  "  --check-trace THEIRS    is another runtime's trace allowed by the spec?\n"\
  "                          replays its choices, or without any searches\n"\
  "                          for a schedule giving its guest-visible events;\n"\
  "                          exit 0 allowed, 1 not, 3 undecided\n"        \
  "                          (docs/trace-format.md)\n"                    \
  "  --search-budget N       --check-trace: at most N runs (default 10000)\n"\
  "  --trace FILE            write the step trace of the components' run to\n"\
  "                          FILE (JSON Lines, docs/trace-format.md; one\n"   \
  "                          script only; - for standard output, the report\n"\
  "                          then goes to standard error)\n"

static const char usage_run[] =
    "usage: cmref run [OPTIONS] FILE.wast...\n"
    "\n"
    "Runs each script's commands (module, register, invoke, get, assert_*).\n"
    "Each failing command prints as FILE:LINE: COMMAND: MESSAGE; the last\n"
    "line is \"N passed, M failed, K skipped\".  Commands that need an\n"
    "unsupported feature are skipped.  Exit status 0 only if none failed.\n"
    "\n"
    "options:\n"
    "  -q, --quiet             print only the summary line\n"
    "  -v, --verbose           also print skips, per-file totals and what\n"
    "                          spectest's print functions print\n"
    "  --json                  print the results as JSON instead of text\n"
    "  --json=FILE             also write the results as JSON to FILE\n"
    "                          (both also for --explore and --check-trace)\n"
    LIMIT_HELP SCHED_HELP RUN_SCHED_HELP;

static const char usage_validate[] =
    "usage: cmref validate [OPTIONS] FILE\n"
    "\n"
    "Decodes (.wasm, recognised by its \\0asm header) or parses (.wat) one\n"
    "module or component and validates it.  Prints \"FILE: valid\" (or\n"
    "\"FILE: valid component\"), or the first error with its position and\n"
    "exits 1.\n"
    "\n" FEATURES_HELP;

static const char usage_invoke[] =
    "usage: cmref invoke [OPTIONS] FILE NAME [ARG...]\n"
    "\n"
    "Loads a module (.wat or .wasm), instantiates it (imports may come from\n"
    "the `spectest` module) and calls its exported function NAME.  Each ARG\n"
    "is read according to the function's parameter type: integers in\n"
    "decimal or 0x hex, floats like 1.5, -0x1p-3, inf, nan, nan:0x200000;\n"
    "references as null, or N for an externref.  Results print one per line:\n"
    "integers as signed decimal, floats as the shortest decimal that reads\n"
    "back exactly.  A trap prints \"trap: MESSAGE\" on stderr and exits 1.\n"
    "\n"
    "A component (no imports) is instantiated and its export NAME called the\n"
    "same way, the event loop running until the call resolves.  Each ARG is\n"
    "a value in the .wast constant syntax, e.g. '(list.const (u8.const 1))';\n"
    "a bare number, true/false or text is read as the parameter's scalar\n"
    "type (5 -> (u32.const 5), hi -> (str.const \"hi\")).  Results print in\n"
    "the same syntax.\n"
    "\n"
    "options:\n"
    "  -v, --verbose           print what spectest's print functions print\n"
    LIMIT_HELP SCHED_HELP;

static const char usage_assemble[] =
    "usage: cmref assemble IN.wat -o OUT.wasm\n"
    "\n"
    "Parses a core module (a (module ...) form, or bare module fields) or a\n"
    "component (a (component ...) form) in the text format and writes it in\n"
    "the binary format.  Nothing is validated (use `cmref validate`); $ids\n"
    "and comments are not kept.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE       where to write the binary (required)\n";

static const char usage_roundtrip[] =
    "usage: cmref roundtrip [OPTIONS] FILE.wast|FILE.wat...\n"
    "\n"
    "For every module and component of each file (top-level forms and the\n"
    "modules of assert_invalid, assert_unlinkable, assert_uninstantiable and\n"
    "assert_trap; not assert_malformed's), parses it, encodes it in the\n"
    "binary format, decodes those bytes and checks that the decoded module\n"
    "or component is the same as the parsed one, field by field, and that\n"
    "it encodes to the same bytes again.  Nothing is validated or run.\n"
    "Each mismatch prints as FILE:LINE: roundtrip: WHY; the last line is\n"
    "\"N passed, M failed, K skipped\".  Skipped: a form that needs an\n"
    "unsupported feature, and an assert_invalid module that has no AST to\n"
    "encode (the parser rejects it as invalid) or whose encoding the decoder\n"
    "rejects (-v says which).\n"
    "Exit status 0 only if none failed.\n"
    "\n"
    "options:\n"
    "  -q, --quiet             print only the summary line\n"
    "  -v, --verbose           also print skips and per-file totals\n"
    "  --json                  print the results as JSON instead of text\n";

/* ---- option parsing ------------------------------------------------------ */

/* The commands, as bits: each option lists the commands that take it. */
enum {
  CMD_RUN = 1u << 0,
  CMD_VALIDATE = 1u << 1,
  CMD_INVOKE = 1u << 2,
  CMD_ASSEMBLE = 1u << 3,
  CMD_ROUNDTRIP = 1u << 4,
  CMD_ALL = (1u << 5) - 1,
  CMD_EXEC = CMD_RUN | CMD_INVOKE, /* the commands that run code */
};
static const char *const command_names[] = {"run", "validate", "invoke",
                                            "assemble", "roundtrip"};
enum { NCMDBITS = sizeof command_names / sizeof command_names[0] };

/* The name of the command whose bit is cmd. */
static const char *cmd_name(unsigned cmd) {
  for (unsigned c = 0; c < NCMDBITS; c++)
    if (cmd == 1u << c) return command_names[c];
  return "cmref";
}

typedef struct opts {
  unsigned cmd; /* the CMD_ bit of the command being parsed */
  core_config cfg;
  core_features features;
  wast_comp_options comp;
  bool quiet, verbose, json_stdout, help;
  const char *json_file;
  const char *output; /* assemble: -o FILE */
  const char *trace_file; /* run: --trace FILE */
  uint32_t *forced;        /* run: --choices / --replay */
  uint32_t nforced, forced_cap;
  bool have_forced;
  const char *forced_what; /* "--choices" or "--replay" */
  canon_choice_log replay; /* --replay: the trace's choices */
  uint32_t explore;        /* run: --explore N (0: no) */
  uint32_t explore_depth;  /* run: --explore-depth D (0: none) */
  uint32_t explore_progress; /* run: --explore-progress S (0: none) */
  bool explore_plain;      /* run: --explore-plain */
  bool explore_no_sleep;   /* run: --explore-no-sleep */
  bool explore_no_memo;    /* run: --explore-no-memo */
  bool explore_verify_cuts; /* run: --explore-verify-cuts */
  const char *check_trace; /* run: --check-trace FILE */
  uint32_t search_budget;  /* run: --search-budget N (0: not given) */
  const char **args; /* positional arguments */
  int nargs;
} opts;

static bool parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Appends choice c to o->forced. */
static void add_forced(opts *o, uint32_t c) {
  CANON_GROW(o->forced, o->nforced, o->forced_cap, 16);
  o->forced[o->nforced++] = c;
  o->have_forced = true;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+') return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v > max) return false;
  *out = v;
  return true;
}

/* Options whose value needs more than a number or a file name: each
 * returns 0, or the exit status after printing why not. */

/* --choices 0,1,0 */
static int forced_twice(opts *o, const char *opt) {
  fprintf(stderr, "cmref run: %s after %s: give the choices once\n", opt,
          o->forced_what);
  return EXIT_USAGE;
}

static int set_choices(opts *o, const char *opt, const char *v) {
  if (o->have_forced) return forced_twice(o, opt);
  o->have_forced = true;
  o->forced_what = "--choices";
  const char *p = v;
  while (*p) {
    char num[16];
    size_t n = strcspn(p, ",");
    uint64_t c;
    if (n == 0 || n >= sizeof num) goto bad;
    memcpy(num, p, n);
    num[n] = 0;
    if (!parse_u64(num, UINT32_MAX, &c)) goto bad;
    add_forced(o, (uint32_t)c);
    p += n;
    if (*p == ',') p++;
  }
  return 0;
bad:
  fprintf(stderr, "cmref run: %s needs a list like 0,1,0, got \"%s\"\n", opt,
          v);
  return EXIT_USAGE;
}

/* --replay TRACE: the choices recorded in a trace (choices.c). */
static int set_replay(opts *o, const char *opt, const char *path) {
  if (o->have_forced) return forced_twice(o, opt);
  char why[300];
  if (!wast_read_replay(path, &o->replay, why, sizeof why)) {
    fprintf(stderr, "cmref run: --replay %s: %s\n", path, why);
    return EXIT_USAGE;
  }
  for (uint32_t i = 0; i < o->replay.len; i++)
    add_forced(o, o->replay.chosen[i]);
  o->have_forced = true;
  o->forced_what = "--replay";
  return 0;
}

/* --seed N (only --sched random takes it: checked after parsing) */
static int set_seed(opts *o, const char *opt, const char *v) {
  uint64_t n;
  if (!parse_u64(v, UINT64_MAX, &n)) {
    fprintf(stderr, "cmref %s: %s needs an integer, got \"%s\"\n",
            cmd_name(o->cmd), opt, v);
    return EXIT_USAGE;
  }
  o->comp.seed = n;
  o->comp.seed_given = true;
  return 0;
}

/* A byte count: digits, then an optional K, M or G (binary units). */
static bool parse_size(const char *s, uint64_t *out) {
  char num[32];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof num) return false;
  memcpy(num, s, n + 1);
  unsigned shift = 0;
  switch (num[n - 1]) {
  case 'K': case 'k': shift = 10; break;
  case 'M': case 'm': shift = 20; break;
  case 'G': case 'g': shift = 30; break;
  default: break;
  }
  if (shift) num[n - 1] = 0;
  uint64_t v;
  if (!parse_u64(num, UINT64_MAX >> shift, &v)) return false;
  *out = v << shift;
  return true;
}

/* The Canonical ABI's host limits (canon/store.h canon_limits). */
static int set_canon_limit(opts *o, const char *opt, const char *v) {
  canon_limits *l = &o->comp.limits;
  uint64_t n;
  bool ok;
  if (!strcmp(opt, "--max-handles")) {
    ok = parse_u64(v, (1u << 28) - 1, &n) && n > 0;
    if (ok) l->max_handles = (uint32_t)n;
  } else if (!strcmp(opt, "--max-memory")) {
    ok = parse_size(v, &n) && n > 0;
    if (ok) l->max_memory = n;
  } else if (!strcmp(opt, "--max-copy-bytes")) {
    ok = parse_size(v, &n) && n > 0;
    if (ok) l->max_copy_bytes = n;
  } else { /* --fiber-stack-size */
    ok = parse_size(v, &n) && n >= (256u << 10) && n <= (1ull << 32);
    if (ok) l->fiber_stack_size = n;
  }
  if (ok) return 0;
  fprintf(stderr, "cmref %s: %s needs %s, got \"%s\"\n", cmd_name(o->cmd),
          opt, strcmp(opt, "--max-handles") ? "a size in bytes (with an "
          "optional K, M or G; --fiber-stack-size at least 256K)"
          : "a positive integer below 2^28", v);
  return EXIT_USAGE;
}

static int set_features(opts *o, const char *opt, const char *v) {
  (void)opt;
  if (core_features_named(v, &o->features)) return 0;
  fprintf(stderr, "cmref %s: unknown feature set \"%s\" (known: %s)\n",
          cmd_name(o->cmd), v, core_features_names);
  return EXIT_USAGE;
}

static int set_sched(opts *o, const char *opt, const char *v) {
  if (!strcmp(v, "random")) o->comp.sched_random = true;
  else if (!strcmp(v, "deterministic")) o->comp.sched_random = false;
  else {
    fprintf(stderr, "cmref %s: unknown %s policy \"%s\" (known: "
            "deterministic, random)\n", cmd_name(o->cmd),
            opt, v);
    return EXIT_USAGE;
  }
  return 0;
}

/* --timeout SECONDS: a decimal number, at most millisecond precision. */
static int set_timeout(opts *o, const char *opt, const char *v) {
  uint64_t ms = 0;
  const char *p = v;
  int frac = -1;
  for (; *p; p++) {
    if (*p == '.' && frac < 0) {
      frac = 0;
    } else if (*p >= '0' && *p <= '9' && frac < 3 && ms < UINT64_MAX / 100) {
      ms = ms * 10 + (uint64_t)(*p - '0');
      if (frac >= 0) frac++;
    } else {
      break;
    }
  }
  for (int k = frac < 0 ? 0 : frac; k < 3; k++) ms *= 10;
  if (*p || p == v || ms == 0 || ms > 1000ull * 1000 * 1000 * 1000) {
    fprintf(stderr, "cmref %s: %s needs a positive number of seconds "
            "(e.g. 10 or 0.5), got \"%s\"\n",
            cmd_name(o->cmd), opt, v);
    return EXIT_USAGE;
  }
  o->cfg.timeout_ms = ms;
  return 0;
}

typedef enum optkind {
  OPT_FLAG,   /* no value: sets the bool at `field` */
  OPT_FILE,   /* a file name (not empty): the const char * at `field` */
  OPT_UINT,   /* an integer in [min, max]: the uint32_t or uint64_t at
                 `field` (size `size`) */
  OPT_CUSTOM, /* a value handed to `set` */
} optkind;

typedef struct optdef {
  const char *name;  /* "--fuel"; one ending in '=' takes only "--json=V" */
  const char *alias; /* "-q", or NULL */
  unsigned cmds;     /* CMD_ bits of the commands that take it */
  optkind kind;
  size_t field, size; /* offsetof / sizeof in opts */
  uint64_t min, max;
  int (*set)(opts *o, const char *opt, const char *v);
} optdef;

#define FIELD(f) offsetof(opts, f), sizeof(((opts *)0)->f)
#define FLAG(name, alias, cmds, f) {name, alias, cmds, OPT_FLAG, FIELD(f), 0, 0, NULL}
#define FILEOPT(name, alias, cmds, f) {name, alias, cmds, OPT_FILE, FIELD(f), 0, 0, NULL}
#define UINT(name, cmds, f, min, max) {name, NULL, cmds, OPT_UINT, FIELD(f), min, max, NULL}
#define CUSTOM(name, cmds, fn) {name, NULL, cmds, OPT_CUSTOM, 0, 0, 0, 0, fn}

/* Every option of every command: one line each.  A command given an option
 * that is not its own exits 2, naming the commands that take it. */
static const optdef options[] = {
    FLAG("--help", "-h", CMD_ALL, help),
    FLAG("--quiet", "-q", CMD_RUN | CMD_ROUNDTRIP, quiet),
    FLAG("--verbose", "-v", CMD_RUN | CMD_ROUNDTRIP | CMD_INVOKE, verbose),
    FLAG("--json", NULL, CMD_RUN | CMD_ROUNDTRIP, json_stdout),
    FILEOPT("--json=", NULL, CMD_RUN, json_file),
    FILEOPT("--output", "-o", CMD_ASSEMBLE, output),
    CUSTOM("--features", CMD_RUN | CMD_VALIDATE | CMD_INVOKE, set_features),
    /* limits */
    UINT("--fuel", CMD_EXEC, cfg.fuel, 1, UINT64_MAX),
    UINT("--max-call-depth", CMD_EXEC, cfg.max_call_depth, 1, UINT32_MAX),
    UINT("--max-memory-pages", CMD_EXEC, cfg.max_memory_pages, 0, UINT64_MAX),
    UINT("--max-threads", CMD_EXEC, comp.max_threads, 1, UINT32_MAX),
    CUSTOM("--timeout", CMD_EXEC, set_timeout),
    CUSTOM("--max-handles", CMD_EXEC, set_canon_limit),
    CUSTOM("--max-memory", CMD_EXEC, set_canon_limit),
    CUSTOM("--max-copy-bytes", CMD_EXEC, set_canon_limit),
    CUSTOM("--fiber-stack-size", CMD_EXEC, set_canon_limit),
    /* scheduling */
    CUSTOM("--sched", CMD_EXEC, set_sched),
    CUSTOM("--seed", CMD_EXEC, set_seed),
    FLAG("--profile", NULL, CMD_EXEC, comp.profile),
    CUSTOM("--choices", CMD_RUN, set_choices),
    CUSTOM("--replay", CMD_RUN, set_replay),
    UINT("--explore", CMD_RUN, explore, 1, UINT32_MAX),
    UINT("--explore-depth", CMD_RUN, explore_depth, 1, UINT32_MAX),
    FLAG("--explore-plain", NULL, CMD_RUN, explore_plain),
    FLAG("--explore-no-sleep", NULL, CMD_RUN, explore_no_sleep),
    FLAG("--explore-no-memo", NULL, CMD_RUN, explore_no_memo),
    FLAG("--explore-verify-cuts", NULL, CMD_RUN, explore_verify_cuts),
    UINT("--explore-progress", CMD_RUN, explore_progress, 1, 86400),
    FILEOPT("--check-trace", NULL, CMD_RUN, check_trace),
    UINT("--search-budget", CMD_RUN, search_budget, 1, UINT32_MAX),
    FILEOPT("--trace", NULL, CMD_RUN, trace_file),
};
enum { NOPTIONS = sizeof options / sizeof options[0] };

/* "run, invoke": the commands that take d. */
static void commands_of(const optdef *d, char *buf, size_t n) {
  size_t k = 0;
  buf[0] = 0;
  for (unsigned c = 0; c < NCMDBITS; c++)
    if (d->cmds & (1u << c))
      k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", k ? ", " : "",
                            command_names[c]);
}

/* The option a names (and where its "=V" value starts, else NULL). */
static const optdef *find_option(const char *a, const char **inline_value) {
  *inline_value = NULL;
  for (int k = 0; k < NOPTIONS; k++) {
    const optdef *d = &options[k];
    size_t n = strlen(d->name);
    if (d->alias && !strcmp(a, d->alias)) return d;
    if (d->name[n - 1] == '=') {
      if (!strncmp(a, d->name, n)) {
        *inline_value = a + n;
        return d;
      }
      continue;
    }
    if (strncmp(a, d->name, n) != 0) continue;
    if (a[n] == 0) return d;
    if (a[n] == '=' && d->kind != OPT_FLAG) {
      *inline_value = a + n + 1;
      return d;
    }
  }
  return NULL;
}

/* Options are "--name" words (and the short aliases) anywhere before "--";
 * a single dash followed by anything else is an argument, so negative
 * numbers pass through to `invoke`. */
static wast_verbosity verbosity(const opts *o) {
  return o->quiet ? WAST_QUIET : o->verbose ? WAST_VERBOSE : WAST_NORMAL;
}

/* Closes file f's results; in text mode reports them at once. */
static void report_file(FILE *out, wast_results *res, wast_file_result *f,
                        bool text, wast_verbosity v) {
  wast_results_close_file(res, f);
  if (text) {
    wast_report_file_text(out, f, v);
    fflush(out);
  }
}

/* The end of a report: the summary (text) or the whole report (JSON). */
static void report_all(FILE *out, const wast_results *res, bool text,
                       wast_verbosity v) {
  if (text) wast_report_summary_text(out, res, v);
  else wast_report_json(out, res);
}

static int parse_opts(unsigned cmd, int argc, char **argv, opts *o) {
  const char *cname = cmd_name(cmd);
  memset(o, 0, sizeof *o);
  o->cmd = cmd;
  core_features_named("all", &o->features);
  o->args = calloc((size_t)argc + 1, sizeof *o->args);
  if (!o->args) return EXIT_FAIL;
  bool more = true;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    bool dashdash = a[0] == '-' && a[1] == '-';
    bool short_opt = a[0] == '-' && a[1] && !a[2] &&
                     !(a[1] >= '0' && a[1] <= '9');
    if (!more || !(dashdash || short_opt)) {
      o->args[o->nargs++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      more = false;
      continue;
    }
    const char *v;
    const optdef *d = find_option(a, &v);
    if (!d) {
      fprintf(stderr, "cmref %s: unknown option %s (see cmref %s --help)\n",
              cname, a, cname);
      return EXIT_USAGE;
    }
    char *field = (char *)o + d->field;
    if (!(d->cmds & cmd)) {
      char who[80];
      commands_of(d, who, sizeof who);
      fprintf(stderr, "cmref %s: %s is not an option of %s; it is taken by: "
              "%s\n", cname, d->name[strlen(d->name) - 1] == '=' ? a : d->name,
              cname, who);
      return EXIT_USAGE;
    }
    if (d->kind == OPT_FLAG) {
      *(bool *)field = true;
      continue;
    }
    if (!v) {
      if (i + 1 >= argc) {
        fprintf(stderr, "cmref %s: %s needs a value\n", cname, a);
        return EXIT_USAGE;
      }
      v = argv[++i];
    }
    uint64_t n;
    switch (d->kind) {
    case OPT_FLAG: break;
    case OPT_FILE:
      if (!*v) {
        fprintf(stderr, "cmref %s: %s needs a file name\n", cname, d->name);
        return EXIT_USAGE;
      }
      *(const char **)field = v;
      break;
    case OPT_UINT:
      if (!parse_u64(v, d->max, &n) || n < d->min) {
        fprintf(stderr, "cmref %s: %s needs an integer from %llu to %llu, "
                "got \"%s\"\n", cname, d->name, (unsigned long long)d->min,
                (unsigned long long)d->max, v);
        return EXIT_USAGE;
      }
      if (d->size == sizeof(uint32_t)) *(uint32_t *)field = (uint32_t)n;
      else *(uint64_t *)field = n;
      break;
    case OPT_CUSTOM: {
      int rc = d->set(o, d->name, v);
      if (rc) return rc;
      break;
    }
    }
  }
  char why[300];
  if (!wast_sched_options_check(&o->comp, false, false, why, sizeof why)) {
    fprintf(stderr, "cmref %s: %s\n", cname, why);
    return EXIT_USAGE;
  }
  return 0;
}

/* ---- run ------------------------------------------------------------------ */

/* Writes a JSON string (report.c's escaping). */
static void json_text(FILE *out, const char *s) { wast_json_str(out, s); }

/* The JSON of `run --check-trace`: the verdict and the text report. */
static void check_trace_json(FILE *out, const char *script, const char *theirs,
                             int rc, const char *text) {
  fputs("{\"mode\": \"check-trace\", \"file\": ", out);
  json_text(out, script);
  fputs(", \"trace\": ", out);
  json_text(out, theirs);
  fprintf(out, ", \"status\": \"%s\", \"report\": ",
          rc == 0 ? "allowed" : rc == 1 ? "not allowed" : rc == 3 ? "undecided"
                                                                : "error");
  json_text(out, text);
  fputs("}\n", out);
}

/* Writes the JSON in buf to stdout-or-report and to the --json= file. */
static void emit_json(const opts *o, FILE *report, FILE *json,
                      const char *buf, size_t len) {
  if (o->json_stdout) fwrite(buf, 1, len, report);
  if (json) fwrite(buf, 1, len, json);
}

static int cmd_run(opts *o) {
  if (o->nargs == 0) {
    fprintf(stderr, "cmref run: no script given\n%s", usage_run);
    return EXIT_USAGE;
  }
  if (o->check_trace &&
      (o->nargs != 1 || o->trace_file || o->have_forced || o->explore)) {
    fprintf(stderr, "cmref run: --check-trace takes one script, without "
            "--trace, --choices, --replay or --explore\n");
    return EXIT_USAGE;
  }
  if (o->explore && (o->nargs != 1 || o->trace_file || o->have_forced)) {
    fprintf(stderr, "cmref run: --explore takes one script, without "
            "--trace, --choices or --replay\n");
    return EXIT_USAGE;
  }
  if ((o->explore_depth || o->explore_plain || o->explore_no_sleep ||
       o->explore_no_memo || o->explore_progress || o->explore_verify_cuts) &&
      !o->explore) {
    fprintf(stderr, "cmref run: --explore-depth, --explore-plain, "
            "--explore-no-sleep, --explore-no-memo, --explore-progress and "
            "--explore-verify-cuts are for --explore\n");
    return EXIT_USAGE;
  }
  if (o->search_budget && !o->check_trace) {
    fprintf(stderr, "cmref run: --search-budget is for --check-trace\n");
    return EXIT_USAGE;
  }
  if (o->trace_file && o->nargs != 1) {
    fprintf(stderr, "cmref run: --trace takes one script (got %d)\n",
            o->nargs);
    return EXIT_USAGE;
  }
  /* With --trace -, standard output carries the trace alone: the report
   * (text, or --json's) goes to standard error. */
  bool trace_stdout = o->trace_file && !strcmp(o->trace_file, "-");
  FILE *report = trace_stdout ? stderr : stdout;
  FILE *json = NULL;
  if (o->json_file) {
    json = fopen(o->json_file, "w");
    if (!json) {
      fprintf(stderr, "cmref run: cannot write %s: %s\n", o->json_file,
              strerror(errno));
      return EXIT_FAIL;
    }
  }
  wast_verbosity v = verbosity(o);
  bool text = !o->json_stdout;
  wast_options wo = {o->cfg, o->features, o->verbose && text ? report : NULL,
                     o->comp, NULL, NULL, o->json_stdout};
  /* CMREF_COVERAGE=FILE: append the trap rules each command reached and
   * trapped at (docs/rules.md; `make coverage`) */
  wo.comp.coverage_file = getenv("CMREF_COVERAGE");
  char forced_error[600] = "";
  if (o->have_forced) {
    static const uint32_t none[1] = {0};
    wo.comp.forced = o->forced ? o->forced : none;
    wo.comp.nforced = o->nforced;
    wo.comp.forced_what = o->forced_what;
    wo.comp.recorded = o->replay.len ? &o->replay : NULL;
    wo.comp.forced_error = forced_error;
    wo.comp.forced_error_n = sizeof forced_error;
  }
  if (!wast_sched_options_check(&wo.comp, o->explore != 0,
                                o->check_trace != NULL, forced_error,
                                sizeof forced_error)) {
    fprintf(stderr, "cmref run: %s\n", forced_error);
    if (json) fclose(json);
    return EXIT_USAGE;
  }
  int rc;
  if (o->check_trace || o->explore) {
    /* these modes write text; the JSON goes through a buffer so that it
     * can go to both --json and --json=FILE */
    char *buf = NULL, *jbuf = NULL;
    size_t len = 0, jlen = 0;
    bool want_json = o->json_stdout || json;
    FILE *mem = open_memstream(&buf, &len);
    FILE *jmem = want_json ? open_memstream(&jbuf, &jlen) : NULL;
    if (!mem || (want_json && !jmem)) {
      fprintf(stderr, "cmref run: out of memory\n");
      if (mem) fclose(mem);
      if (jmem) fclose(jmem);
      free(buf);
      free(jbuf);
      if (json) fclose(json);
      return EXIT_FAIL;
    }
    if (o->check_trace) {
      /* the exit status is the result: 0 allowed, 1 not, 2 unreadable,
       * 3 undecided (wast.h) */
      rc = wast_check_trace(o->args[0], o->check_trace, &wo,
                            o->search_budget, mem);
      fflush(mem);
      if (jmem) check_trace_json(jmem, o->args[0], o->check_trace, rc, buf);
    } else {
      wast_explore_options xo = {o->explore, o->explore_depth,
                                 o->explore_plain, o->explore_no_sleep,
                                 o->explore_no_memo, o->explore_progress,
                                 o->explore_verify_cuts};
      rc = wast_explore(o->args[0], &wo, &xo, mem, jmem) ? EXIT_FAIL
                                                                 : 0;
    }
    fclose(mem);
    if (jmem) fclose(jmem);
    if (text) fwrite(buf, 1, len, report);
    if (want_json) emit_json(o, report, json, jbuf, jlen);
    free(buf);
    free(jbuf);
  } else {
    FILE *trace = NULL;
    if (o->trace_file) {
      trace = trace_stdout ? stdout : fopen(o->trace_file, "w");
      if (!trace) {
        fprintf(stderr, "cmref run: cannot write %s: %s\n", o->trace_file,
                strerror(errno));
        if (json) fclose(json);
        return EXIT_FAIL;
      }
      wo.comp.trace = trace;
    }
    wast_results res;
    memset(&res, 0, sizeof res);
    rc = 0;
    for (int i = 0; i < o->nargs; i++) {
      wast_file_result *f = wast_results_add_file(&res, o->args[i]);
      if (!f) {
        fprintf(stderr, "cmref run: out of memory\n");
        rc = EXIT_FAIL;
        break;
      }
      wast_run_file(o->args[i], &wo, f);
      if (*forced_error) { /* a choice it could not honour: no results */
        fprintf(stderr, "cmref run: %s\n", forced_error);
        wast_results_free(&res);
        if (json) fclose(json);
        if (trace && trace != stdout) fclose(trace);
        return EXIT_USAGE;
      }
      report_file(report, &res, f, text, v);
    }
    report_all(report, &res, text, v);
    if (json) wast_report_json(json, &res);
    if (res.failed) rc = EXIT_FAIL;
    if (trace && trace != stdout && fclose(trace) != 0) {
      fprintf(stderr, "cmref run: error writing %s\n", o->trace_file);
      rc = EXIT_FAIL;
    }
    wast_results_free(&res);
  }
  if (json && fclose(json) != 0) {
    fprintf(stderr, "cmref run: error writing %s\n", o->json_file);
    rc = EXIT_FAIL;
  }
  return rc;
}

/* ---- loading one module (validate, invoke) ---------------------------------- */

static void print_error(const char *path, const cm_error *err) {
  cm_error_print(stderr, path, err);
}

/* Reads FILE; NULL after printing why it cannot be read: "FILE: error:
 * cannot open: WHY". */
static char *read_source(const char *path, size_t *len) {
  cm_error err;
  cm_error_init(&err);
  char *src = wast_read_file(path, len, &err);
  if (src) return src;
  size_t n = strlen(path);
  if (strncmp(err.msg, path, n) == 0 && err.msg[n] == ':')
    memmove(err.msg, err.msg + n + 2, strlen(err.msg + n + 2) + 1);
  print_error(path, &err);
  return NULL;
}

/* Reads, decodes or parses, and validates; NULL after printing why. */
static core_module *load_module(const char *path, const core_features *features) {
  size_t len = 0;
  char *src = read_source(path, &len);
  if (!src) return NULL;
  cm_error err;
  cm_error_init(&err);
  core_module *m;
  if (len >= 4 && memcmp(src, "\0asm", 4) == 0)
    m = core_decode_features((const uint8_t *)src, len, features, &err);
  else
    m = core_parse_wat(src, len, path, &err);
  if (m && !core_validate_features(m, features, &err)) {
    core_module_free(m);
    m = NULL;
  }
  if (!m) {
    if (err.kind == CM_OK) cm_error_set(&err, CM_MALFORMED, "cannot load");
    print_error(path, &err);
  }
  free(src);
  return m;
}

/* validate / invoke on a component: true (and *rc) if path is one. */
static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool component_file(const char *path, int *rc, opts *o, bool invoke) {
  cm_error err;
  cm_error_init(&err);
  size_t len = 0;
  char *src = wast_read_file(path, &len, &err);
  if (!src) return false; /* load_module reports it */
  bool yes = true;
  switch (cli_text_kind_of(src, len)) {
  case CLI_TEXT_SCRIPT:
    fprintf(stderr, "%s: this is a .wast script; %s takes one module or "
            "component (use cmref run)\n", path,
            invoke ? "invoke" : "validate");
    *rc = EXIT_FAIL;
    break;
  case CLI_TEXT_EMPTY:
    if (ends_with(path, ".wasm")) {
      /* named as a binary, where the magic number is required */
      fprintf(stderr, "%s: at byte offset 0: malformed: unexpected end (an "
              "empty file is not a binary module)\n", path);
      *rc = EXIT_FAIL;
    } else if (invoke) {
      fprintf(stderr, "%s: the file is empty (an empty module exports "
              "nothing)\n", path);
      *rc = EXIT_FAIL;
    } else {
      /* the text format reads a sequence of no module fields as the
       * empty module, which is valid */
      printf("%s: valid (empty: the empty module)\n", path);
      *rc = 0;
    }
    break;
  case CLI_TEXT_ONE:
    yes = cli_is_component(src, len);
    if (yes)
      *rc = invoke ? cli_invoke_component(path, src, len, o->args[1],
                                          o->args + 2, o->nargs - 2, &o->cfg,
                                          &o->comp)
                   : cli_validate_component(path, src, len);
    break;
  }
  free(src);
  return yes;
}

/* The module that validate / invoke (invoke) works on, from its first
 * argument; NULL with the command's exit status in *rc when that is a
 * component (done with here) or no module. */
static core_module *core_module_arg(opts *o, bool invoke, int *rc) {
  if (component_file(o->args[0], rc, o, invoke)) return NULL;
  core_module *m = load_module(o->args[0], &o->features);
  if (!m) *rc = EXIT_FAIL;
  return m;
}

static int cmd_validate(opts *o) {
  if (o->nargs != 1) {
    fprintf(stderr, "cmref validate: expected one FILE\n%s", usage_validate);
    return EXIT_USAGE;
  }
  int rc;
  core_module *m = core_module_arg(o, false, &rc);
  if (!m) return rc;
  printf("%s: valid\n", o->args[0]);
  core_module_free(m);
  return 0;
}

/* ---- invoke ----------------------------------------------------------------- */

static int invoke_in(core_store *s, const core_module *m, opts *o,
                     wast_spectest *sp) {
  const char *fname = o->args[1];
  core_extern *imports = calloc(m->nimports + 1, sizeof *imports);
  if (!imports) return EXIT_FAIL;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const core_import *im = &m->imports[i];
    bool found = im->module.len == 8 && !memcmp(im->module.s, "spectest", 8) &&
                 wast_spectest_export(sp, im->name.s, im->name.len,
                                      &imports[i]);
    if (!found) {
      fprintf(stderr, "%s: unknown import \"%.*s\".\"%.*s\" (only spectest "
              "is available)\n", o->args[0], (int)im->module.len,
              im->module.s, (int)im->name.len, im->name.s);
      free(imports);
      return EXIT_FAIL;
    }
  }
  cm_error err;
  cm_error_init(&err);
  core_instance *inst = NULL;
  core_outcome out = core_instantiate(s, m, imports, m->nimports, &inst, &err);
  free(imports);
  if (out == CORE_LINK_ERROR) {
    fprintf(stderr, "%s: link error: %s\n", o->args[0], err.msg);
    return EXIT_FAIL;
  }
  if (out != CORE_OK) {
    fprintf(stderr, "%s: %s during instantiation: %s\n", o->args[0],
            out == CORE_THROWN ? "uncaught exception" : "trap",
            out == CORE_THROWN ? "" : core_store_message(s));
    return EXIT_FAIL;
  }
  core_extern ex;
  if (!core_instance_export(inst, fname, (uint32_t)strlen(fname), &ex)) {
    fprintf(stderr, "%s: no export named \"%s\"\n", o->args[0], fname);
    return EXIT_FAIL;
  }
  if (ex.kind != CORE_EXTERN_FUNC) {
    fprintf(stderr, "%s: export \"%s\" is not a function\n", o->args[0],
            fname);
    return EXIT_FAIL;
  }
  const core_functype *ft = core_func_type(ex.u.func);
  int nargs = o->nargs - 2;
  if ((uint32_t)nargs != ft->nparams) {
    fprintf(stderr, "cmref invoke: \"%s\" takes %u argument%s, got %d\n",
            fname, ft->nparams, ft->nparams == 1 ? "" : "s", nargs);
    return EXIT_USAGE;
  }
  uint64_t *args = calloc(ft->nparams + 1, sizeof *args);
  uint64_t *res = calloc(ft->nresults + 1, sizeof *res);
  int rc = 0;
  if (!args || !res) {
    rc = EXIT_FAIL;
    goto out;
  }
  for (uint32_t i = 0; i < ft->nparams; i++) {
    wast_value v;
    if (!wast_parse_arg(o->args[2 + i], ft->params[i], &v)) {
      fprintf(stderr, "cmref invoke: argument %u: \"%s\" is not a valid %s\n",
              i + 1, o->args[2 + i], core_valtype_name(ft->params[i]));
      rc = EXIT_USAGE;
      goto out;
    }
    args[i] = v.bits;
  }
  out = core_call(s, ex.u.func, args, res);
  if (out == CORE_OK) {
    for (uint32_t i = 0; i < ft->nresults; i++) {
      wast_value v = {ft->results[i], res[i]};
      if (v.type == CORE_I32 || v.type == CORE_F32) v.bits &= 0xffffffffu;
      char buf[128];
      wast_format_plain(&v, buf, sizeof buf);
      printf("%s\n", buf);
    }
  } else if (out == CORE_THROWN) {
    fprintf(stderr, "uncaught exception\n");
    rc = EXIT_FAIL;
  } else if (out == CORE_EXHAUSTED) {
    fprintf(stderr, "exhaustion: %s\n", core_store_message(s));
    rc = EXIT_FAIL;
  } else {
    fprintf(stderr, "trap: %s\n", core_store_message(s));
    rc = EXIT_FAIL;
  }
  if (o->verbose && o->cfg.fuel)
    fprintf(stderr, "fuel used: %llu\n",
            (unsigned long long)core_store_fuel_used(s));
out:
  free(args);
  free(res);
  return rc;
}

static int cmd_invoke(opts *o) {
  if (o->nargs < 2) {
    fprintf(stderr, "cmref invoke: expected FILE and NAME\n%s", usage_invoke);
    return EXIT_USAGE;
  }
  int crc;
  core_module *m = core_module_arg(o, true, &crc);
  if (!m) return crc;
  core_store *s = core_store_new(&o->cfg);
  wast_spectest *sp = s ? wast_spectest_new(s, o->verbose ? stdout : NULL)
                        : NULL;
  int rc = EXIT_FAIL;
  if (sp) rc = invoke_in(s, m, o, sp);
  else fprintf(stderr, "cmref invoke: out of memory\n");
  core_store_free(s);
  wast_spectest_free(sp);
  core_module_free(m);
  return rc;
}

/* ---- assemble --------------------------------------------------------------- */

/* Parses src (a component form, else a core module) and encodes it. */
static bool assemble(const char *src, size_t len, const char *path,
                     uint8_t **out, size_t *outlen, cm_error *err) {
  sx_node *top = sx_read(src, len, path, err);
  if (!top) return false;
  bool ok = false;
  if (top->n > 0 && sx_is_form(top->items[0], "component")) {
    if (top->n > 1) {
      sx_error(err, top->items[1], "unexpected token: expected one component");
    } else {
      comp_component *c = comp_parse_component(top->items[0], NULL, err);
      ok = c && comp_encode(c, out, outlen, err);
      comp_component_free(c);
    }
  } else {
    core_module *m = core_parse_wat(src, len, path, err);
    ok = m && core_encode(m, out, outlen, err);
    core_module_free(m);
  }
  sx_free(top);
  return ok;
}

static int cmd_assemble(opts *o) {
  if (o->nargs != 1 || !o->output) {
    fprintf(stderr, "cmref assemble: expected IN.wat and -o OUT.wasm\n%s",
            usage_assemble);
    return EXIT_USAGE;
  }
  const char *path = o->args[0];
  size_t len = 0;
  char *src = read_source(path, &len);
  if (!src) return EXIT_FAIL;
  cm_error err;
  cm_error_init(&err);
  if (len >= 4 && memcmp(src, "\0asm", 4) == 0) {
    fprintf(stderr, "%s: this is already a binary %s; assemble takes the "
            "text format\n", path,
            len >= 8 && src[6] == 1 ? "component" : "module");
    free(src);
    return EXIT_FAIL;
  }
  if (cli_text_kind_of(src, len) == CLI_TEXT_SCRIPT) {
    fprintf(stderr, "%s: this is a .wast script; assemble takes one module "
            "or component (use cmref roundtrip or run)\n", path);
    free(src);
    return EXIT_FAIL;
  }
  uint8_t *bin = NULL;
  size_t binlen = 0;
  bool ok = assemble(src, len, path, &bin, &binlen, &err);
  free(src);
  if (!ok) {
    if (err.kind == CM_OK) cm_error_set(&err, CM_MALFORMED, "cannot assemble");
    print_error(path, &err);
    return EXIT_FAIL;
  }
  FILE *f = fopen(o->output, "wb");
  if (!f) {
    fprintf(stderr, "cmref assemble: cannot write %s: %s\n", o->output,
            strerror(errno));
    free(bin);
    return EXIT_FAIL;
  }
  bool wrote = fwrite(bin, 1, binlen, f) == binlen;
  if (fclose(f) != 0) wrote = false;
  free(bin);
  if (!wrote) {
    fprintf(stderr, "cmref assemble: error writing %s\n", o->output);
    return EXIT_FAIL;
  }
  return 0;
}

/* ---- roundtrip -------------------------------------------------------------- */

static int cmd_roundtrip(opts *o) {
  if (o->nargs == 0) {
    fprintf(stderr, "cmref roundtrip: no file given\n%s", usage_roundtrip);
    return EXIT_USAGE;
  }
  wast_verbosity v = verbosity(o);
  bool text = !o->json_stdout;
  wast_results res;
  memset(&res, 0, sizeof res);
  for (int i = 0; i < o->nargs; i++) {
    wast_file_result *f = wast_results_add_file(&res, o->args[i]);
    if (!f) {
      fprintf(stderr, "cmref roundtrip: out of memory\n");
      wast_results_free(&res);
      return EXIT_FAIL;
    }
    wast_roundtrip_file(o->args[i], f);
    report_file(stdout, &res, f, text, v);
  }
  report_all(stdout, &res, text, v);
  int rc = res.failed ? EXIT_FAIL : 0;
  wast_results_free(&res);
  return rc;
}

/* ---- main ------------------------------------------------------------------- */

static const struct {
  const char *name;
  unsigned bit;
  int (*fn)(opts *o);
  const char *usage;
} commands[] = {
    {"run", CMD_RUN, cmd_run, usage_run},
    {"validate", CMD_VALIDATE, cmd_validate, usage_validate},
    {"invoke", CMD_INVOKE, cmd_invoke, usage_invoke},
    {"assemble", CMD_ASSEMBLE, cmd_assemble, usage_assemble},
    {"roundtrip", CMD_ROUNDTRIP, cmd_roundtrip, usage_roundtrip},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EXIT_USAGE;
  }
  const char *c = argv[1];
  if (cm_is_help(c)) {
    fputs(usage_main, stdout);
    return 0;
  }
  if (!strcmp(c, "--version") || !strcmp(c, "version")) {
    if (argc > 2) {
      fprintf(stderr, "cmref %s: takes no arguments\n", c);
      return EXIT_USAGE;
    }
    printf("cmref %s (component-model@6d28164, trace format %d)\n",
           CMREF_VERSION, CANON_TRACE_VERSION);
    return 0;
  }
  if (!strcmp(c, "imports")) return wast_imports_main(argc - 2, argv + 2);
  /* `cmref trace ...` reads traces: its own options (interp/trace/). */
  if (!strcmp(c, "trace")) return trace_main(argc - 2, argv + 2);
  if (!strcmp(c, "help")) {
    if (argc == 2) {
      fputs(usage_main, stdout);
      return 0;
    }
    if (argc > 3) {
      fprintf(stderr, "cmref help: takes at most one command\n");
      return EXIT_USAGE;
    }
    const char *h = argv[2];
    for (int k = 0; k < NCOMMANDS; k++)
      if (!strcmp(h, commands[k].name)) {
        fputs(commands[k].usage, stdout);
        return 0;
      }
    /* the commands with a main of their own print their help themselves */
    char *help_arg[] = {"--help", NULL};
    if (!strcmp(h, "trace")) return trace_main(1, help_arg);
    if (!strcmp(h, "imports")) return wast_imports_main(1, help_arg);
    if (!strcmp(h, "help")) {
      fputs("usage: cmref help [COMMAND]\n\nWithout COMMAND, lists the "
            "commands; with one, prints its usage and options\n(the same "
            "as `cmref COMMAND --help`).\n", stdout);
      return 0;
    }
    if (!strcmp(h, "version") || !strcmp(h, "--version")) {
      fputs("usage: cmref version   (or cmref --version)\n\nPrints cmref's "
            "version, the component-model commit it follows and the\ntrace "
            "format version.\n", stdout);
      return 0;
    }
    fprintf(stderr, "cmref help: unknown command \"%s\"\n", h);
    return EXIT_USAGE;
  }
  for (int k = 0; k < NCOMMANDS; k++) {
    if (strcmp(c, commands[k].name) != 0) continue;
    opts o;
    int rc = parse_opts(commands[k].bit, argc - 2, argv + 2, &o);
    if (rc == 0 && o.help) fputs(commands[k].usage, stdout);
    else if (rc == 0) rc = commands[k].fn(&o);
    free(o.args);
    free(o.forced);
    canon_choice_log_free(&o.replay);
    return rc;
  }
  fprintf(stderr, "cmref: unknown command \"%s\"\n\n%s", c, usage_main);
  return EXIT_USAGE;
}
