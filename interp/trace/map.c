/* map.c -- the map from ids to values that show.c and html.c keep while
 * they walk a trace (see trace.h): entries in the order pushed, a stack
 * per id, and an open-addressing hash index from an id to its newest
 * entry.  A foreign trace may name millions of ids: each step is O(1)
 * expected, never a scan of the entries. */
#include "trace.h"

#include <stdlib.h>

#include "../../canon/grow.h"

enum { MAP_FIRST_SLOTS = 16, MAP_MAX_SLOTS = 1u << 31 };

static uint32_t map_hash(uint64_t k, uint32_t nslots) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return (uint32_t)k & (nslots - 1);
}

/* The slot of k, or the empty slot where k would go (nslots > 0, and at
 * least one slot empty). */
static trace_map_slot *map_slot(const trace_map *m, uint64_t k) {
  uint32_t i = map_hash(k, m->nslots);
  while (m->slots[i].used && m->slots[i].key != k) i = (i + 1) & (m->nslots - 1);
  return &m->slots[i];
}

/* Doubles the index, keeping the keys that still have entries. */
static void map_rehash(trace_map *m) {
  trace_map_slot *old = m->slots;
  uint32_t nold = m->nslots;
  if (m->nslots >= MAP_MAX_SLOTS) canon_out_of_memory();
  m->nslots = m->nslots ? m->nslots * 2 : MAP_FIRST_SLOTS;
  m->slots = canon_xcalloc(m->nslots, sizeof *m->slots);
  m->nused = 0;
  for (uint32_t i = 0; i < nold; i++)
    if (old[i].used && old[i].top) {
      *map_slot(m, old[i].key) = old[i];
      m->nused++;
    }
  free(old);
}

static const trace_map_slot *map_find(const trace_map *m, uint64_t k) {
  if (!m->nslots) return NULL;
  const trace_map_slot *s = map_slot(m, k);
  return s->used && s->top ? s : NULL;
}

bool trace_map_get(const trace_map *m, uint64_t k, uint64_t *v) {
  const trace_map_slot *s = map_find(m, k);
  if (s) *v = m->v[s->top - 1];
  return s != NULL;
}

void trace_map_set(trace_map *m, uint64_t k, uint64_t v) {
  const trace_map_slot *s = map_find(m, k);
  if (s)
    m->v[s->top - 1] = v;
  else
    trace_map_push(m, k, v);
}

void trace_map_push(trace_map *m, uint64_t k, uint64_t v) {
  if ((uint64_t)(m->nused + 1) * 2 > m->nslots) map_rehash(m);
  uint32_t cap_v = m->cap, cap_below = m->cap; /* the three grow alike */
  CANON_GROW(m->k, m->n, m->cap, 16);
  CANON_GROW(m->v, m->n, cap_v, 16);
  CANON_GROW(m->below, m->n, cap_below, 16);
  trace_map_slot *s = map_slot(m, k);
  if (!s->used) {
    *s = (trace_map_slot){.key = k, .used = true};
    m->nused++;
  }
  m->k[m->n] = k;
  m->v[m->n] = v;
  m->below[m->n] = s->top;
  s->top = ++m->n;
}

bool trace_map_pop(trace_map *m, uint64_t k) {
  if (!m->nslots) return false;
  trace_map_slot *s = map_slot(m, k);
  if (!s->used || !s->top) return false;
  s->top = m->below[s->top - 1];
  return true;
}

void trace_map_free(trace_map *m) {
  free(m->k);
  free(m->v);
  free(m->below);
  free(m->slots);
}
