/* rerun.c -- see rerun.h. */
#include "rerun.h"

#include <stdlib.h>
#include <string.h>

void wast_rerun_init(wast_rerun *w, const char *path) {
  memset(w, 0, sizeof *w);
  w->path = path;
  w->mems = (core_membytes_pool)CORE_MEMBYTES_POOL_INIT;
  wast_file_result unread;
  memset(&unread, 0, sizeof unread);
  w->loaded = wast_script_load(path, &w->script, &unread);
  wast_file_result_free(&unread);
}

void wast_rerun_run(wast_rerun *w, const wast_options *opt,
                    wast_file_result *f) {
  if (!w->loaded) {
    wast_run_file(w->path, opt, f); /* records why it cannot be run */
    return;
  }
  wast_options o = *opt;
  o.defs = &w->defs;
  o.mem_pool = &w->mems;
  o.comp.fiber_pool = &w->fibers;
  wast_run_script(&w->script, &o, f);
}

void wast_rerun_free(wast_rerun *w) {
  /* the definitions before the pools: nothing made from them is left */
  wast_defs_free(&w->defs);
  core_membytes_pool_free(&w->mems);
  canon_fiber_pool_free(&w->fibers);
  if (w->loaded) wast_script_free(&w->script);
  memset(w, 0, sizeof *w);
}
