/* main.c -- the cmref command line: `run` .wast scripts, `validate` a
 * module, `invoke` an export, `assemble` text to binary, `roundtrip`
 * (check the binary encoder and decoders).  Usage errors exit 2, failures
 * (a failed test, a trap, an invalid module, an unreadable file) exit 1.  docs/cli.md
 * describes it for users. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "../canon/sched.h"

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
    "\n"
    "Run `cmref COMMAND --help` for a command's options.\n"
    "Exit status: 0 success, 1 failure (test failed, trap, invalid module,\n"
    "unreadable file), 2 usage error.\n";

#define FEATURES_HELP                                                        \
  "features:\n"                                                              \
  "  --features SET          what core modules may use: all (default, the\n" \
  "                          current spec) or wasm-2.0 (the frozen Wasm 2.0\n"\
  "                          spec: one memory, no extended constants)\n"

/* ---- the Canonical ABI's host limits (canon/store.h canon_limits) ----
 * One block, kept apart for the option parser being rewritten: help text,
 * and parse_canon_limit() below.  SIZE takes a K, M or G suffix (KiB,
 * MiB, GiB). */
#define CANON_LIMIT_HELP                                                     \
  "  --max-handles N         entries in one handle table (default 1048576)\n"\
  "  --max-memory SIZE       host memory the values of one lift or copy may\n"\
  "                          take (default 512M)\n"                            \
  "  --max-copy-bytes SIZE   host memory one stream/future copy holds at\n" \
  "                          once (default 64M)\n"                           \
  "  --fiber-stack-size SIZE C stack of each Component Model thread\n"      \
  "                          (default 1M, at least 256K)\n"

#define LIMIT_HELP                                                           \
  "limits (for code that runs):\n"                                           \
  "  --fuel N                stop after N instructions (default: no limit)\n" \
  "  --max-call-depth N      frames before \"call stack exhausted\"\n"        \
  "                          (default 10000)\n"                              \
  "  --max-memory-pages N    largest memory, in 64 KiB pages (default 65536)\n"\
  "  --max-threads N         Component Model threads alive at once\n"        \
  "                          (default 10000)\n"                              \
  CANON_LIMIT_HELP                                                           \
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
  "  --check-trace THEIRS    is another runtime's trace allowed by the spec?\n"\
  "                          replays its choices, or without any searches\n"\
  "                          for a schedule giving its guest-visible events;\n"\
  "                          exit 0 allowed, 1 not, 3 undecided\n"        \
  "                          (docs/trace-format.md)\n"                    \
  "  --search-budget N       --check-trace: at most N runs (default 10000)\n"\
  "  --trace FILE            write the step trace of the components' run to\n"\
  "                          FILE (JSON Lines, docs/trace-format.md; one\n"   \
  "                          script only; - for standard output)\n"

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
    "  --json=FILE             also write the results as JSON to FILE\n" LIMIT_HELP SCHED_HELP RUN_SCHED_HELP;

static const char usage_validate[] =
    "usage: cmref validate [OPTIONS] FILE\n"
    "\n"
    "Decodes (.wasm, recognised by its \\0asm header) or parses (.wat) one\n"
    "module or component and validates it.  Prints \"FILE: valid\" (or\n"
    "\"FILE: valid component\"), or the first error with its position and\n"
    "exits 1.\n";

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

typedef struct opts {
  core_config cfg;
  core_features features;
  wast_comp_options comp;
  bool quiet, verbose, json_stdout, help;
  const char *json_file;
  const char *output; /* assemble: -o FILE */
  const char *trace_file; /* run: --trace FILE */
  uint32_t *forced;        /* run: --choices / --replay */
  uint32_t nforced;
  bool have_forced;
  const char *forced_what; /* "--choices" or "--replay" */
  canon_choice_log replay; /* --replay: the trace's choices */
  uint32_t explore;        /* run: --explore N (0: no) */
  const char *check_trace; /* run: --check-trace FILE */
  uint32_t search_budget;  /* run: --search-budget N (0: not given) */
  const char **args; /* positional arguments */
  int nargs;
} opts;

static bool parse_u64(const char *s, uint64_t max, uint64_t *out);
static int parse_canon_limit(opts *o, const char *a, const char *v);

/* Appends choice c to o->forced. */
static void add_forced(opts *o, uint32_t c) {
  uint32_t *a = realloc(o->forced, (o->nforced + 1) * sizeof *a);
  if (!a) {
    fputs("cmref: out of memory\n", stderr);
    exit(EXIT_FAIL);
  }
  o->forced = a;
  o->forced[o->nforced++] = c;
  o->have_forced = true;
}

/* --choices 0,1,0 */
static bool parse_choices(opts *o, const char *v) {
  o->have_forced = true;
  o->forced_what = "--choices";
  while (*v) {
    char num[16];
    size_t n = strcspn(v, ",");
    uint64_t c;
    if (n == 0 || n >= sizeof num) return false;
    memcpy(num, v, n);
    num[n] = 0;
    if (!parse_u64(num, UINT32_MAX, &c)) return false;
    add_forced(o, (uint32_t)c);
    v += n;
    if (*v == ',') v++;
  }
  return true;
}

/* --replay TRACE: the choices recorded in a trace (choices.c). */
static bool parse_replay(opts *o, const char *path, char *why, size_t whyn) {
  canon_choice_log_free(&o->replay);
  if (!wast_read_replay(path, &o->replay, why, whyn)) return false;
  for (uint32_t i = 0; i < o->replay.len; i++) add_forced(o, o->replay.chosen[i]);
  o->have_forced = true;
  o->forced_what = "--replay";
  return true;
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

/* Takes an option's value from "--opt=V" or the next argument. */
static const char *opt_value(const char *arg, const char *name, int *i,
                             int argc, char **argv) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) return NULL;
  if (arg[n] == '=') return arg + n + 1;
  if (arg[n] != 0) return NULL;
  if (*i + 1 >= argc) return "";
  return argv[++*i];
}

/* Options are "--name" words (and -h/-q/-v) anywhere before "--"; a single
 * dash followed by anything else is an argument, so negative numbers pass
 * through to `invoke`. */
static int parse_opts(const char *cmd, int argc, char **argv, opts *o) {
  memset(o, 0, sizeof *o);
  core_features_named("all", &o->features);
  o->args = calloc((size_t)argc + 1, sizeof *o->args);
  if (!o->args) return EXIT_FAIL;
  bool more = true;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!more || a[0] != '-' || (a[1] != '-' && strlen(a) != 2) ||
        (a[1] != '-' && !strchr("hqvo", a[1]))) {
      o->args[o->nargs++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      more = false;
      continue;
    }
    const char *v;
    uint64_t n;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) o->help = true;
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) o->quiet = true;
    else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) o->verbose = true;
    else if (!strcmp(a, "--json")) o->json_stdout = true;
    else if (!strcmp(a, "--profile")) o->comp.profile = true;
    else if (!strncmp(a, "--json=", 7)) {
      o->json_file = a + 7;
      if (!*o->json_file) {
        fprintf(stderr, "cmref %s: --json= needs a file name\n", cmd);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(a, "-o", &i, argc, argv)) ||
               (v = opt_value(a, "--output", &i, argc, argv))) {
      if (!*v) {
        fprintf(stderr, "cmref %s: %s needs a file name\n", cmd, a);
        return EXIT_USAGE;
      }
      o->output = v;
    } else if ((v = opt_value(a, "--fuel", &i, argc, argv))) {
      if (!parse_u64(v, UINT64_MAX, &n) || n == 0) goto bad_number;
      o->cfg.fuel = n;
    } else if ((v = opt_value(a, "--max-call-depth", &i, argc, argv))) {
      if (!parse_u64(v, UINT32_MAX, &n) || n == 0) goto bad_number;
      o->cfg.max_call_depth = (uint32_t)n;
    } else if ((v = opt_value(a, "--features", &i, argc, argv))) {
      if (!core_features_named(v, &o->features)) {
        fprintf(stderr, "cmref %s: unknown feature set \"%s\" (known: %s)\n",
                cmd, v, core_features_names);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(a, "--sched", &i, argc, argv))) {
      if (!strcmp(v, "random")) o->comp.sched_random = true;
      else if (!strcmp(v, "deterministic")) o->comp.sched_random = false;
      else {
        fprintf(stderr, "cmref %s: unknown --sched policy \"%s\" (known: "
                "deterministic, random)\n", cmd, v);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(a, "--trace", &i, argc, argv))) {
      if (!*v) {
        fprintf(stderr, "cmref %s: --trace needs a file name\n", cmd);
        return EXIT_USAGE;
      }
      o->trace_file = v;
    } else if ((v = opt_value(a, "--choices", &i, argc, argv))) {
      if (o->have_forced) goto forced_twice;
      if (!parse_choices(o, v)) {
        fprintf(stderr, "cmref %s: --choices needs a list like 0,1,0, got "
                "\"%s\"\n", cmd, v);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(a, "--replay", &i, argc, argv))) {
      char why[300];
      if (o->have_forced) goto forced_twice;
      if (!parse_replay(o, v, why, sizeof why)) {
        fprintf(stderr, "cmref %s: --replay %s: %s\n", cmd, v, why);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(a, "--check-trace", &i, argc, argv))) {
      if (!*v) {
        fprintf(stderr, "cmref %s: --check-trace needs a file name\n", cmd);
        return EXIT_USAGE;
      }
      o->check_trace = v;
    } else if ((v = opt_value(a, "--search-budget", &i, argc, argv))) {
      if (!parse_u64(v, UINT32_MAX, &n) || n == 0) goto bad_number;
      o->search_budget = (uint32_t)n;
    } else if ((v = opt_value(a, "--explore", &i, argc, argv))) {
      if (!parse_u64(v, UINT32_MAX, &n) || n == 0) goto bad_number;
      o->explore = (uint32_t)n;
    } else if ((v = opt_value(a, "--seed", &i, argc, argv))) {
      if (!parse_u64(v, UINT64_MAX, &n)) goto bad_number;
      o->comp.seed = n;
      o->comp.seed_given = true;
    } else if ((v = opt_value(a, "--max-threads", &i, argc, argv))) {
      if (!parse_u64(v, UINT32_MAX, &n) || n == 0) goto bad_number;
      o->comp.max_threads = (uint32_t)n;
    } else if ((v = opt_value(a, "--max-memory-pages", &i, argc, argv))) {
      if (!parse_u64(v, UINT64_MAX, &n)) goto bad_number;
      o->cfg.max_memory_pages = n;
    } else if ((v = opt_value(a, "--max-handles", &i, argc, argv)) ||
               (v = opt_value(a, "--max-memory", &i, argc, argv)) ||
               (v = opt_value(a, "--max-copy-bytes", &i, argc, argv)) ||
               (v = opt_value(a, "--fiber-stack-size", &i, argc, argv))) {
      /* the Canonical ABI's host limits (parse_canon_limit) */
      char name[32];
      size_t k = strcspn(a, "=");
      snprintf(name, sizeof name, "%.*s", (int)k, a);
      if (parse_canon_limit(o, name, v) < 0) {
        fprintf(stderr, "cmref %s: %s needs %s, got \"%s\"\n", cmd, name,
                strcmp(name, "--max-handles") ? "a size in bytes (with an "
                "optional K, M or G; --fiber-stack-size at least 256K)"
                : "a positive integer below 2^28", v);
        return EXIT_USAGE;
      }
    } else {
      fprintf(stderr, "cmref %s: unknown option %s (see cmref %s --help)\n",
              cmd, a, cmd);
      return EXIT_USAGE;
    }
    continue;
  forced_twice:
    fprintf(stderr, "cmref %s: %s after %s: give the choices once\n", cmd,
            a, o->forced_what);
    return EXIT_USAGE;
  bad_number:
    fprintf(stderr, "cmref %s: %s needs a positive integer, got \"%s\"\n",
            cmd, a, v);
    return EXIT_USAGE;
  }
  char why[300];
  if (!wast_sched_options_check(&o->comp, false, false, why, sizeof why)) {
    fprintf(stderr, "cmref %s: %s\n", cmd, why);
    return EXIT_USAGE;
  }
  return 0;
}

/* ---- the Canonical ABI's host limits (see CANON_LIMIT_HELP) -------------- */

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

/* Parses option a (value v) if it is one of the limits: 1 if taken, 0 if
 * not a limit option, -1 if its value is bad (the caller reports it). */
static int parse_canon_limit(opts *o, const char *a, const char *v) {
  canon_limits *l = &o->comp.limits;
  uint64_t n;
  if (!strcmp(a, "--max-handles")) {
    if (!parse_u64(v, (1u << 28) - 1, &n) || n == 0) return -1;
    l->max_handles = (uint32_t)n;
  } else if (!strcmp(a, "--max-memory")) {
    if (!parse_size(v, &n) || n == 0) return -1;
    l->max_memory = n;
  } else if (!strcmp(a, "--max-copy-bytes")) {
    if (!parse_size(v, &n) || n == 0) return -1;
    l->max_copy_bytes = n;
  } else if (!strcmp(a, "--fiber-stack-size")) {
    if (!parse_size(v, &n) || n < (256u << 10) || n > (1ull << 32)) return -1;
    l->fiber_stack_size = n;
  } else {
    return 0;
  }
  return 1;
}

/* ---- run ------------------------------------------------------------------ */

static int cmd_run(opts *o) {
  if (o->help) {
    fputs(usage_run, stdout);
    return 0;
  }
  if (o->nargs == 0) {
    fprintf(stderr, "cmref run: no script given\n%s", usage_run);
    return EXIT_USAGE;
  }
  FILE *json = NULL;
  if (o->json_file) {
    json = fopen(o->json_file, "w");
    if (!json) {
      fprintf(stderr, "cmref run: cannot write %s: %s\n", o->json_file,
              strerror(errno));
      return EXIT_FAIL;
    }
  }
  wast_verbosity v = o->quiet     ? WAST_QUIET
                     : o->verbose ? WAST_VERBOSE
                                  : WAST_NORMAL;
  bool text = !o->json_stdout;
  wast_options wo = {o->cfg, o->features, o->verbose && text ? stdout : NULL,
                     o->comp};
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
  if (o->check_trace) {
    if (o->nargs != 1 || o->trace_file || o->have_forced || o->explore) {
      fprintf(stderr, "cmref run: --check-trace takes one script, without "
              "--trace, --choices, --replay or --explore\n");
      if (json) fclose(json);
      return EXIT_USAGE;
    }
    /* the exit status is the result: 0 allowed, 1 not, 2 unreadable,
     * 3 undecided (wast.h) */
    int rc = wast_check_trace(o->args[0], o->check_trace, &wo,
                              o->search_budget, stdout);
    if (json) fclose(json);
    return rc;
  }
  if (o->search_budget) {
    fprintf(stderr, "cmref run: --search-budget is for --check-trace\n");
    if (json) fclose(json);
    return EXIT_USAGE;
  }
  if (o->explore) {
    if (o->nargs != 1 || o->trace_file || o->have_forced) {
      fprintf(stderr, "cmref run: --explore takes one script, without "
              "--trace, --choices or --replay\n");
      if (json) fclose(json);
      return EXIT_USAGE;
    }
    int rc = wast_explore(o->args[0], &wo, o->explore, stdout);
    if (json) fclose(json);
    return rc ? EXIT_FAIL : 0;
  }
  FILE *trace = NULL;
  if (o->trace_file) {
    if (o->nargs != 1) {
      fprintf(stderr, "cmref run: --trace takes one script (got %d)\n",
              o->nargs);
      if (json) fclose(json);
      return EXIT_USAGE;
    }
    trace = strcmp(o->trace_file, "-") ? fopen(o->trace_file, "w") : stdout;
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
  for (int i = 0; i < o->nargs; i++) {
    wast_file_result *f = wast_results_add_file(&res, o->args[i]);
    if (!f) {
      fprintf(stderr, "cmref run: out of memory\n");
      wast_results_free(&res);
      if (json) fclose(json);
      return EXIT_FAIL;
    }
    wast_run_file(o->args[i], &wo, f);
    if (*forced_error) { /* a choice it could not honour: no results */
      fprintf(stderr, "cmref run: %s\n", forced_error);
      wast_results_free(&res);
      if (json) fclose(json);
      if (trace && trace != stdout) fclose(trace);
      return EXIT_USAGE;
    }
    wast_results_close_file(&res, f);
    if (text) {
      wast_report_file_text(stdout, f, v);
      fflush(stdout);
    }
  }
  if (text) wast_report_summary_text(stdout, &res, v);
  else wast_report_json(stdout, &res);
  if (json) {
    wast_report_json(json, &res);
    if (fclose(json) != 0)
      fprintf(stderr, "cmref run: error writing %s\n", o->json_file);
  }
  int rc = res.failed ? EXIT_FAIL : 0;
  if (trace && trace != stdout) fclose(trace);
  wast_results_free(&res);
  return rc;
}

/* ---- loading one module (validate, invoke) ---------------------------------- */

static void print_error(const char *path, const cm_error *err) {
  const char *file = err->file ? err->file : path;
  const char *kind = cm_errkind_name(err->kind);
  /* "unsupported feature: NAME" already says what kind it is */
  if (err->kind == CM_UNSUPPORTED &&
      strncmp(err->msg, "unsupported feature:", 20) == 0)
    kind = "refused";
  if (err->line)
    fprintf(stderr, "%s:%u:%u: %s: %s\n", file, err->line, err->col, kind,
            err->msg);
  else if (err->offset >= 0)
    fprintf(stderr, "%s: at byte offset %lld: %s: %s\n", file,
            (long long)err->offset, kind, err->msg);
  else
    fprintf(stderr, "%s: %s: %s\n", file, kind, err->msg);
}

/* Reads, decodes or parses, and validates; NULL after printing why. */
static core_module *load_module(const char *path, const core_features *features) {
  cm_error err;
  cm_error_init(&err);
  size_t len = 0;
  char *src = wast_read_file(path, &len, &err);
  if (!src) {
    fprintf(stderr, "cmref: %s\n", err.msg);
    return NULL;
  }
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
static bool component_file(const char *path, int *rc, opts *o, bool invoke) {
  cm_error err;
  cm_error_init(&err);
  size_t len = 0;
  char *src = wast_read_file(path, &len, &err);
  if (!src) return false; /* load_module reports it */
  bool yes = cli_is_component(src, len);
  if (yes)
    *rc = invoke ? cli_invoke_component(path, src, len, o->args[1],
                                        o->args + 2, o->nargs - 2, &o->cfg,
                                        &o->comp)
                 : cli_validate_component(path, src, len);
  free(src);
  return yes;
}

static int cmd_validate(opts *o) {
  if (o->help) {
    fputs(usage_validate, stdout);
    return 0;
  }
  if (o->nargs != 1) {
    fprintf(stderr, "cmref validate: expected one FILE\n%s", usage_validate);
    return EXIT_USAGE;
  }
  int crc;
  if (component_file(o->args[0], &crc, o, false)) return crc;
  core_module *m = load_module(o->args[0], &o->features);
  if (!m) return EXIT_FAIL;
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
  if (o->help) {
    fputs(usage_invoke, stdout);
    return 0;
  }
  if (o->nargs < 2) {
    fprintf(stderr, "cmref invoke: expected FILE and NAME\n%s", usage_invoke);
    return EXIT_USAGE;
  }
  int crc;
  if (component_file(o->args[0], &crc, o, true)) return crc;
  core_module *m = load_module(o->args[0], &o->features);
  if (!m) return EXIT_FAIL;
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
  if (o->help) {
    fputs(usage_assemble, stdout);
    return 0;
  }
  if (o->nargs != 1 || !o->output) {
    fprintf(stderr, "cmref assemble: expected IN.wat and -o OUT.wasm\n%s",
            usage_assemble);
    return EXIT_USAGE;
  }
  const char *path = o->args[0];
  cm_error err;
  cm_error_init(&err);
  size_t len = 0;
  char *src = wast_read_file(path, &len, &err);
  if (!src) {
    fprintf(stderr, "cmref: %s\n", err.msg);
    return EXIT_FAIL;
  }
  if (len >= 4 && memcmp(src, "\0asm", 4) == 0) {
    fprintf(stderr, "%s: already in the binary format\n", path);
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
  if (o->help) {
    fputs(usage_roundtrip, stdout);
    return 0;
  }
  if (o->nargs == 0) {
    fprintf(stderr, "cmref roundtrip: no file given\n%s", usage_roundtrip);
    return EXIT_USAGE;
  }
  if (o->json_file) {
    fprintf(stderr, "cmref roundtrip: unknown option --json=FILE (see cmref "
            "roundtrip --help)\n");
    return EXIT_USAGE;
  }
  wast_verbosity v = o->quiet     ? WAST_QUIET
                     : o->verbose ? WAST_VERBOSE
                                  : WAST_NORMAL;
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
    wast_results_close_file(&res, f);
    if (text) {
      wast_report_file_text(stdout, f, v);
      fflush(stdout);
    }
  }
  if (text) wast_report_summary_text(stdout, &res, v);
  else wast_report_json(stdout, &res);
  int rc = res.failed ? EXIT_FAIL : 0;
  wast_results_free(&res);
  return rc;
}

/* ---- main ------------------------------------------------------------------- */

static const struct {
  const char *name;
  int (*fn)(opts *o);
  const char *usage;
} commands[] = {
    {"run", cmd_run, usage_run},
    {"validate", cmd_validate, usage_validate},
    {"invoke", cmd_invoke, usage_invoke},
    {"assemble", cmd_assemble, usage_assemble},
    {"roundtrip", cmd_roundtrip, usage_roundtrip},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EXIT_USAGE;
  }
  const char *c = argv[1];
  if (!strcmp(c, "-h") || !strcmp(c, "--help")) {
    fputs(usage_main, stdout);
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
    for (int k = 0; k < NCOMMANDS; k++)
      if (!strcmp(argv[2], commands[k].name)) {
        fputs(commands[k].usage, stdout);
        return 0;
      }
    fprintf(stderr, "cmref help: unknown command \"%s\"\n", argv[2]);
    return EXIT_USAGE;
  }
  for (int k = 0; k < NCOMMANDS; k++) {
    if (strcmp(c, commands[k].name) != 0) continue;
    opts o;
    int rc = parse_opts(c, argc - 2, argv + 2, &o);
    if (rc == 0 && o.output && commands[k].fn != cmd_assemble) {
      fprintf(stderr, "cmref %s: unknown option -o (see cmref %s --help)\n",
              c, c);
      rc = EXIT_USAGE;
    } else if (rc == 0) {
      rc = commands[k].fn(&o);
    }
    free(o.args);
    free(o.forced);
    canon_choice_log_free(&o.replay);
    return rc;
  }
  fprintf(stderr, "cmref: unknown command \"%s\"\n\n%s", c, usage_main);
  return EXIT_USAGE;
}
