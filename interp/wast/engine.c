/* engine.c -- the definitions every engine keeps (engine.h): each one
 * decode made, until the runner drops it, a walk takes it over (defs.h) or
 * the engine is freed. */
#include <stdlib.h>

#include "engine.h"

void wast_engine_keep_def(wast_engine *e, void *def) {
  CANON_VEC_PUSH(&e->defs, def);
}

/* Only for a definition nothing was instantiated from: it is the newest,
 * so the search ends at once. */
void wast_engine_free_def(wast_engine *e, void *def) {
  if (CANON_REMOVE(e->defs.v, e->defs.n, def)) e->ops->free_def(def);
}

wast_def_free_fn wast_engine_take_def(wast_engine *e, void *def) {
  CANON_REMOVE(e->defs.v, e->defs.n, def);
  return e->ops->free_def;
}

void wast_engine_free_defs(wast_engine *e) {
  for (uint32_t i = e->defs.n; i-- > 0;) e->ops->free_def(e->defs.v[i]);
  CANON_VEC_FREE(&e->defs);
}
