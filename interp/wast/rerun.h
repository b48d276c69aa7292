/* rerun.h -- one script run many times: --explore's walk, --check-trace's
 * search for a schedule.  The file is read and lexed once (wast_script),
 * its definitions are decoded and validated once (defs.h), and the
 * memories' mappings and the fibers' stacks are kept from run to run
 * (core_membytes_pool, canon_fiber_pool).  Each run is otherwise a run of
 * its own, with fresh stores and instances: what wast_run_file does. */
#ifndef WAST_RERUN_H
#define WAST_RERUN_H

#include <stdbool.h>

#include "defs.h"
#include "wast.h"
#include "../core/membytes.h"
#include "../../canon/fiber.h"

typedef struct wast_rerun {
  const char *path;
  bool loaded; /* false: the file cannot be run; each run says why */
  wast_script script;
  wast_defs defs;
  core_membytes_pool mems;
  canon_fiber_pool fibers;
} wast_rerun;

void wast_rerun_init(wast_rerun *w, const char *path);
/* One run of the script with opt, recorded in f as wast_run_file does. */
void wast_rerun_run(wast_rerun *w, const wast_options *opt,
                    wast_file_result *f);
void wast_rerun_free(wast_rerun *w);

#endif
