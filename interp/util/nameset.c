/* nameset.c -- see nameset.h.  Open addressing with linear probing; FNV-1a
 * over the (case-folded) bytes and the tag. */
#include "nameset.h"

#include <stdlib.h>
#include <string.h>

static unsigned char fold(const cm_nameset *s, unsigned char c) {
  return s->fold_case && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint32_t hash(const cm_nameset *s, const char *name, size_t len,
                     uint32_t tag) {
  uint32_t h = 2166136261u ^ tag;
  h *= 16777619u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ fold(s, (unsigned char)name[i])) * 16777619u;
  return h;
}

static bool key_eq(const cm_nameset *s, const cm_nameset_slot *k,
                   const char *name, size_t len, uint32_t tag) {
  if (k->tag != tag || k->len != len) return false;
  if (!s->fold_case) return memcmp(k->name, name, len) == 0;
  for (size_t i = 0; i < len; i++)
    if (fold(s, (unsigned char)k->name[i]) != fold(s, (unsigned char)name[i]))
      return false;
  return true;
}

/* The slot holding the key, or the empty slot where it would go. */
static cm_nameset_slot *slot_of(const cm_nameset *s, const char *name,
                                size_t len, uint32_t tag) {
  uint32_t mask = s->cap - 1, i = hash(s, name, len, tag) & mask;
  while (s->slots[i].name && !key_eq(s, &s->slots[i], name, len, tag))
    i = (i + 1) & mask;
  return &s->slots[i];
}

static bool grow(cm_nameset *s) {
  if (s->cap > UINT32_MAX / 4) return false;
  uint32_t cap = s->cap ? s->cap * 2 : 16;
  cm_nameset_slot *n = s->alloc ? s->alloc(s->ctx, cap * sizeof *n)
                                : calloc(cap, sizeof *n);
  if (!n) return false;
  cm_nameset_slot *old = s->slots;
  uint32_t oldcap = s->cap;
  s->slots = n;
  s->cap = cap;
  for (uint32_t i = 0; i < oldcap; i++)
    if (old[i].name) *slot_of(s, old[i].name, old[i].len, old[i].tag) = old[i];
  if (!s->alloc) free(old);
  return true;
}

cm_nameset_result cm_nameset_add(cm_nameset *s, const char *name, size_t len,
                                 uint32_t tag, uint32_t *val) {
  if (!name) name = "";
  if (s->cap) {
    cm_nameset_slot *k = slot_of(s, name, len, tag);
    if (k->name) {
      *val = k->val;
      return CM_NAMESET_PRESENT;
    }
  }
  if ((s->count + 1) * 2 > s->cap && !grow(s)) return CM_NAMESET_OOM;
  cm_nameset_slot *k = slot_of(s, name, len, tag);
  *k = (cm_nameset_slot){name, len, tag, *val};
  s->count++;
  return CM_NAMESET_ADDED;
}

bool cm_nameset_find(const cm_nameset *s, const char *name, size_t len,
                     uint32_t tag, uint32_t *val) {
  if (!s->cap) return false;
  if (!name) name = "";
  const cm_nameset_slot *k = slot_of(s, name, len, tag);
  if (!k->name) return false;
  *val = k->val;
  return true;
}

void cm_nameset_free(cm_nameset *s) {
  if (!s->alloc) free(s->slots);
  s->slots = NULL;
  s->cap = s->count = 0;
}
