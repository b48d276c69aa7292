/* imports.c -- `cmref imports SCRIPT.wast`: runs the script as `run` does
 * (default limits, the deterministic schedule, results not reported) and
 * prints, as JSON Lines on standard output, what each core import of each
 * core instance is (component/importmap.h has the format).  Another
 * runtime's adapter reads it to name the calls it traces as cmref's trace
 * does (docs/trace-format.md "Tracing another runtime"). */
#include "imports.h"

#include <stdio.h>
#include <string.h>

#include "../component/importmap.h"
#include "wast.h"
#include "../util/cli.h"

static const char usage[] =
    "usage: cmref imports SCRIPT.wast\n"
    "\n"
    "Runs the script and prints one JSON object per line: each component\n"
    "instance made ({\"instance\":N,\"parent\":P}), each core instance made\n"
    "by `instantiate` (its component instance, its module's fingerprint and\n"
    "what each import is: a canon built-in by name, \"lower\", or nothing),\n"
    "and each `canon lift` (which core exports are its callee, callback,\n"
    "post-return and realloc).  Exit status 0, or 1 if the script cannot\n"
    "be read or parsed or one of its modules or components fails (the map\n"
    "would be incomplete).\n";

int wast_imports_main(int argc, char **argv) {
  if (cm_help(argc, argv, usage)) return 0;
  if (argc != 1 || argv[0][0] == '-') return cm_usage_error(usage);
  comp_imap *m = comp_imap_new(stdout);
  if (!m) {
    fputs("cmref: out of host memory\n", stderr);
    return 1;
  }
  wast_options wo;
  memset(&wo, 0, sizeof wo);
  core_features_named("all", &wo.features);
  wo.comp.imap = m;
  wast_results res = {0};
  wast_file_result *f = wast_results_add_file(&res, argv[0]);
  wast_run_file(argv[0], &wo, f);
  wast_results_close_file(&res, f);
  /* The map is incomplete when the script cannot be read (a failed
   * command at line 0), does not parse (kind "script"), or one of its
   * modules or components failed; failed assertions leave it whole. */
  int rc = 0;
  for (size_t i = 0; i < f->ncmds; i++) {
    const wast_cmd_result *c = &f->cmds[i];
    if (c->status == WAST_FAIL &&
        (c->line == 0 || !strcmp(c->kind, "script") ||
         !strcmp(c->kind, "component") || !strcmp(c->kind, "module"))) {
      fprintf(stderr, "cmref imports: %s:%u: %s\n", argv[0], c->line,
              c->message ? c->message : "error");
      rc = 1;
    }
  }
  wast_results_free(&res);
  comp_imap_free(m);
  return rc;
}
