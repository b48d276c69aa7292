/* map.c -- the map from ids to values that show.c and html.c keep while
 * they walk a trace (see trace.h): entries in the order pushed, a stack
 * per id, and an index (u64map) from an id to its newest entry.  A
 * foreign trace may name millions of ids: no step scans the entries. */
#include "trace.h"

#include <stdlib.h>

#include "../../canon/grow.h"

/* k's newest entry + 1, or 0. */
static uint32_t top_of(const trace_map *m, uint64_t k) {
  uint32_t top = 0;
  canon_u64map_get(&m->top, k, &top);
  return top;
}

bool trace_map_get(const trace_map *m, uint64_t k, uint64_t *v) {
  uint32_t top = top_of(m, k);
  if (top) *v = m->v[top - 1];
  return top != 0;
}

void trace_map_set(trace_map *m, uint64_t k, uint64_t v) {
  uint32_t top = top_of(m, k);
  if (top)
    m->v[top - 1] = v;
  else
    trace_map_push(m, k, v);
}

void trace_map_push(trace_map *m, uint64_t k, uint64_t v) {
  uint32_t cap_v = m->cap, cap_below = m->cap; /* the three grow alike */
  CANON_GROW(m->k, m->n, m->cap, 16);
  CANON_GROW(m->v, m->n, cap_v, 16);
  CANON_GROW(m->below, m->n, cap_below, 16);
  m->k[m->n] = k;
  m->v[m->n] = v;
  m->below[m->n] = top_of(m, k);
  canon_u64map_put(&m->top, k, ++m->n);
}

bool trace_map_pop(trace_map *m, uint64_t k) {
  uint32_t top = top_of(m, k);
  if (top) canon_u64map_put(&m->top, k, m->below[top - 1]);
  return top != 0;
}

void trace_map_free(trace_map *m) {
  free(m->k);
  free(m->v);
  free(m->below);
  canon_u64map_free(&m->top);
}
