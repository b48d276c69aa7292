/* sleep.c -- sleep sets and step footprints; see sleep.h. */
#include "sleep.h"

#include <stdlib.h>
#include <string.h>

#include "../../canon/context.h"
#include "../../canon/grow.h"

void wast_sleep_free(wast_sleepset *s) {
  free(s->v);
  memset(s, 0, sizeof *s);
}

void wast_sleep_copy(wast_sleepset *dst, const wast_sleepset *src) {
  wast_sleep_free(dst);
  if (!src->n) return;
  dst->v = canon_xmalloc(src->n * sizeof *dst->v);
  memcpy(dst->v, src->v, src->n * sizeof *dst->v);
  dst->n = dst->cap = src->n;
}

void wast_sleep_add(wast_sleepset *s, uint64_t label, uint64_t fp) {
  uint32_t i = 0;
  while (i < s->n && s->v[i].label < label) i++;
  if (i < s->n && s->v[i].label == label) {
    s->v[i].fp |= fp;
    return;
  }
  s->v = canon_grow_to32(s->v, s->n + 1, &s->cap, sizeof *s->v, 4, false);
  memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
  s->v[i] = (wast_sleeper){label, fp};
  s->n++;
}

bool wast_sleep_has(const wast_sleepset *s, uint64_t label) {
  for (uint32_t i = 0; i < s->n; i++)
    if (s->v[i].label == label) return true;
  return false;
}

bool wast_fp_independent(uint64_t a, uint64_t b) {
  if ((a | b) & (WAST_FP_HOST | WAST_FP_THREADS)) return false;
  return !(a & b & (WAST_FP_THREADS - 1));
}

void wast_sleep_filter(wast_sleepset *s, uint64_t fp) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->n; i++)
    if (wast_fp_independent(s->v[i].fp, fp)) s->v[k++] = s->v[i];
  s->n = k;
}

bool wast_sleep_subset(const uint64_t *a, uint32_t na, const wast_sleepset *b) {
  for (uint32_t i = 0; i < na; i++)
    if (!wast_sleep_has(b, a[i])) return false;
  return true;
}

static bool same(const canon_digest *a, const canon_digest *b) {
  return a->a == b->a && a->b == b->b;
}

uint64_t wast_step_footprint(const wast_state_info *from,
                             const wast_state_info *to,
                             const void *const *ran, uint32_t nran) {
  uint64_t fp = 0;
  if (!same(&from->script, &to->script) || from->ninst != to->ninst)
    fp |= WAST_FP_HOST;
  /* --max-threads: a step that never had more than half the limit alive,
   * and added at most half, cannot make another such step reach it */
  uint32_t half = to->max_threads / 2;
  if (to->nthreads_peak > half ||
      (to->nthreads > from->nthreads && to->nthreads - from->nthreads > half))
    fp |= WAST_FP_THREADS;
  for (uint32_t i = 0; i < to->ninst; i++) {
    bool touched = i >= from->ninst || !same(&from->inst[i], &to->inst[i]);
    for (uint32_t k = 0; k < nran && !touched; k++)
      touched = ran[k] == to->instp[i];
    if (touched)
      fp |= i < WAST_FP_NINSTS ? 1ull << i : WAST_FP_HOST;
  }
  /* a thread of an instance not listed (cannot happen: every instance
   * is in the list) */
  for (uint32_t k = 0; k < nran; k++) {
    bool known = false;
    for (uint32_t i = 0; i < to->ninst && !known; i++)
      known = ran[k] == to->instp[i];
    if (!known) fp |= WAST_FP_HOST;
  }
  return fp;
}
