/* cli.c -- `cmref trace show|diff|html`: reading traces (trace.h). */
#include <stdio.h>
#include <string.h>

#include "trace.h"
#include "../util/cli.h"

static const char usage[] =
    "usage: cmref trace COMMAND ...\n"
    "\n"
    "Reads a step trace (docs/trace-format.md; cmref's or another runtime's):\n"
    "  show [--only inst=N|task=N|thread=N] TRACE   a text timeline\n"
    "  diff A B                  the first step where two traces differ\n"
    "  html TRACE -o OUT.html    a sequence diagram in one HTML file\n"
    "Run `cmref trace COMMAND --help` for details.\n";

int trace_main(int argc, char **argv) {
  if (argc >= 1 && !strcmp(argv[0], "show")) return trace_show_main(argc - 1, argv + 1);
  if (argc >= 1 && !strcmp(argv[0], "diff")) return trace_diff_main(argc - 1, argv + 1);
  if (argc >= 1 && !strcmp(argv[0], "html")) return trace_html_main(argc - 1, argv + 1);
  if (cm_help(argc, argv, usage)) return 0;
  return cm_usage_error(usage);
}
