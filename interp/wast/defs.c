/* defs.c -- see defs.h. */
#include "defs.h"

#include <stdlib.h>

#include "../../canon/grow.h"

void *wast_defs_get(const wast_defs *d, const sx_node *form) {
  uint32_t i;
  return canon_u64map_get(&d->at, (uintptr_t)form, &i) ? d->v[i].def : NULL;
}

void wast_defs_put(wast_defs *d, const sx_node *form, void *def,
                   wast_def_free_fn free_def) {
  CANON_GROW(d->v, d->n, d->cap, 16);
  d->v[d->n] = (wast_defs_entry){def, free_def};
  canon_u64map_put(&d->at, (uintptr_t)form, d->n++);
}

void wast_defs_free(wast_defs *d) {
  for (uint32_t i = d->n; i-- > 0;) d->v[i].free_def(d->v[i].def);
  free(d->v);
  canon_u64map_free(&d->at);
  *d = (wast_defs){0};
}
