/* u64map.c -- see u64map.h. */
#include "u64map.h"

#include <stdlib.h>

#include "grow.h"

static uint32_t hash(uint64_t k, uint32_t cap) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return (uint32_t)k & (cap - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static canon_u64map_slot *slot_of(const canon_u64map *m, uint64_t key) {
  uint32_t i = hash(key, m->cap);
  while (m->slots[i].used && m->slots[i].key != key) i = (i + 1) & (m->cap - 1);
  return &m->slots[i];
}

bool canon_u64map_get(const canon_u64map *m, uint64_t key, uint32_t *val) {
  if (!m->cap) return false;
  const canon_u64map_slot *s = slot_of(m, key);
  if (s->used) *val = s->val;
  return s->used;
}

/* Doubles the slots (at least 16), putting every key again. */
static void grow(canon_u64map *m) {
  canon_u64map old = *m;
  if (old.cap >= 1u << 31) canon_out_of_memory();
  m->cap = old.cap ? 2 * old.cap : 16;
  m->slots = canon_xcalloc(m->cap, sizeof *m->slots);
  for (uint32_t i = 0; i < old.cap; i++)
    if (old.slots[i].used) *slot_of(m, old.slots[i].key) = old.slots[i];
  free(old.slots);
}

void canon_u64map_put(canon_u64map *m, uint64_t key, uint32_t val) {
  canon_u64map_slot *s = m->cap ? slot_of(m, key) : NULL;
  if (!s || !s->used) {
    if ((uint64_t)(m->count + 1) * 2 > m->cap) {
      grow(m);
      s = slot_of(m, key);
    }
    *s = (canon_u64map_slot){.key = key, .used = true};
    m->count++;
  }
  s->val = val;
}

void canon_u64map_free(canon_u64map *m) {
  free(m->slots);
  m->slots = NULL;
  m->cap = m->count = 0;
}
