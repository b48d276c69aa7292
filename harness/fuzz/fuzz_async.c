/* fuzz_async.c -- libFuzzer target: the input is turned into a valid
 * async component and a few invokes (async_gen.c), run by the script
 * runner under the random scheduling policy with a seed the input picks
 * (what `cmref run --sched random --seed N` does).
 *
 * A trap, a deadlock or running out of fuel is an expected outcome; a
 * crash, an assert, a sanitizer report or a leak is a cmref bug.  A
 * generated component that cmref rejects is a generator bug: they are
 * counted, and with FUZZ_ASYNC_STATS=N in the environment every N runs
 * print the counts and the commonest failure messages to stderr
 * (FUZZ_ASYNC_STATS=1 also prints each rejection with its script).
 * FUZZ_ASYNC_REALLOC_BUILTINS: see async_gen.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "async_gen.h"
#include "fuzz_exec.h"
#include "interp/wast/wast.h"

/* Statistics only: a libFuzzer process runs one input at a time. */
enum { NMSG = 48 };
static struct {
  unsigned long runs, invalid, invokes, invoke_ok;
  unsigned long every;
  bool init;
  struct { char text[64]; unsigned long n; } msg[NMSG];
  unsigned nmsg;
} stats;

static void count_message(const char *m) {
  char key[64];
  size_t k = 0;
  /* numbers as N, so that messages that differ only in them count as one */
  for (const char *p = m ? m : "(none)"; *p && k + 1 < sizeof key; p++) {
    if (*p >= '0' && *p <= '9') {
      if (k == 0 || key[k - 1] != 'N') key[k++] = 'N';
    } else {
      key[k++] = *p;
    }
  }
  memset(key + k, 0, sizeof key - k);
  for (unsigned i = 0; i < stats.nmsg; i++)
    if (!strcmp(stats.msg[i].text, key)) {
      stats.msg[i].n++;
      return;
    }
  if (stats.nmsg < NMSG) {
    memcpy(stats.msg[stats.nmsg].text, key, sizeof key);
    stats.msg[stats.nmsg++].n = 1;
  }
}

static void print_stats(void) {
  fprintf(stderr, "fuzz_async: %lu runs, %lu invalid (%.2f%%), %lu invokes, "
          "%lu returned\n", stats.runs, stats.invalid,
          stats.runs ? 100.0 * (double)stats.invalid / (double)stats.runs : 0.0,
          stats.invokes, stats.invoke_ok);
  for (unsigned i = 0; i < stats.nmsg; i++)
    fprintf(stderr, "  %8lu  %s\n", stats.msg[i].n, stats.msg[i].text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!stats.init) {
    const char *e = getenv("FUZZ_ASYNC_STATS");
    stats.every = e ? strtoul(e, NULL, 10) : 0;
    stats.init = true;
    if (stats.every) atexit(print_stats);
  }
  async_gen_options go = async_gen_options_from_env();
  async_gen_script sc;
  if (!async_gen(data, size, &go, &sc)) return 0;

  wast_options opt;
  memset(&opt, 0, sizeof opt);
  opt.config = fuzz_config();
  opt.config.fuel = ASYNC_GEN_FUEL;
  opt.config.max_memory_pages = ASYNC_GEN_MEMORY_PAGES;
  core_features_named("all", &opt.features);
  opt.comp.sched_random = true;
  opt.comp.seed = sc.seed;
  opt.comp.max_threads = ASYNC_GEN_MAX_THREADS;
  opt.comp.limits.fiber_stack_size = ASYNC_GEN_FIBER_STACK_KIB * 1024u;
  wast_results r;
  memset(&r, 0, sizeof r);
  wast_file_result *f = wast_results_add_file(&r, "fuzz-async.wast");
  if (f) {
    wast_run_source(sc.text, sc.len, "fuzz-async.wast", &opt, f);
    bool invalid = false;
    for (size_t i = 0; i < f->ncmds; i++) {
      const wast_cmd_result *c = &f->cmds[i];
      if (!strcmp(c->kind, "invoke")) {
        stats.invokes++;
        if (c->status == WAST_PASS) stats.invoke_ok++;
        else if (stats.every) count_message(c->message);
      } else if (c->status != WAST_PASS && !invalid) {
        /* the definition, an instantiation or the script itself */
        invalid = true;
        if (stats.every) count_message(c->message);
        if (stats.every == 1)
          fprintf(stderr, "fuzz_async: rejected: %s\n%s\n",
                  c->message ? c->message : "", sc.text);
      }
    }
    stats.invalid += invalid;
    wast_results_close_file(&r, f);
  }
  wast_results_free(&r);
  free(sc.text);
  if (++stats.runs % (stats.every ? stats.every : 1) == 0 && stats.every)
    print_stats();
  return 0;
}
