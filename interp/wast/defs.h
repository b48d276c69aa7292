/* defs.h -- module and component definitions decoded and validated once
 * for all the runs of a walk (--explore): the runner looks a definition's
 * form up here before decoding it, and keeps here what it validated.  The
 * walk reads and lexes its script once (wast_script), so a form's address
 * is the same in every run and is the key.  A definition is never changed
 * by what is made from it (instantiation takes it const), and each run's
 * stores and instances are gone before the next run starts. */
#ifndef WAST_DEFS_H
#define WAST_DEFS_H

#include <stdint.h>

#include "engine.h"
#include "../../canon/u64map.h"

typedef struct wast_defs_entry {
  void *def;
  wast_def_free_fn free_def;
} wast_defs_entry;

typedef struct wast_defs {
  canon_u64map at; /* form address -> position in v */
  wast_defs_entry *v;
  uint32_t n, cap;
} wast_defs;

/* The definition kept for form; NULL if none. */
void *wast_defs_get(const wast_defs *d, const sx_node *form);
/* Keeps def (which its engine gave up: wast_engine_take_def) for form. */
void wast_defs_put(wast_defs *d, const sx_node *form, void *def,
                   wast_def_free_fn free_def);
void wast_defs_free(wast_defs *d);

#endif
