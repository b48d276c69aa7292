/* map.c -- the small map from ids to values that show.c and html.c keep
 * while they walk a trace (see trace.h). */
#include "trace.h"

#include <stdlib.h>

#include "../../canon/grow.h"

bool trace_map_get(const trace_map *m, uint64_t k, uint64_t *v) {
  for (uint32_t i = m->n; i-- > 0;)
    if (m->k[i] == k) {
      *v = m->v[i];
      return true;
    }
  return false;
}

void trace_map_set(trace_map *m, uint64_t k, uint64_t v) {
  for (uint32_t i = m->n; i-- > 0;)
    if (m->k[i] == k) {
      m->v[i] = v;
      return;
    }
  trace_map_push(m, k, v);
}

void trace_map_push(trace_map *m, uint64_t k, uint64_t v) {
  uint32_t cap_v = m->cap; /* the two grow alike */
  CANON_GROW(m->k, m->n, m->cap, 16);
  CANON_GROW(m->v, m->n, cap_v, 16);
  m->k[m->n] = k;
  m->v[m->n++] = v;
}

void trace_map_free(trace_map *m) {
  free(m->k);
  free(m->v);
}
