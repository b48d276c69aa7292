/* memo.c -- the command memo; see memo.h. */
#include "memo.h"

#include <stdlib.h>
#include <string.h>

#include "../../canon/context.h"
#include "../../canon/grow.h"

static bool same(const canon_digest *a, const canon_digest *b) {
  return a->a == b->a && a->b == b->b;
}

static bool usable(const wast_state_info *info) {
  return info->ninst <= 64 && info->all_in_insts;
}

static uint64_t all_positions(uint32_t n) {
  return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static uint32_t bucket_of(const canon_digest *rest, uint32_t nbuckets) {
  uint64_t h = (rest->a ^ rest->b * 0x9e3779b97f4a7c15ull) >> 17;
  return (uint32_t)h & (nbuckets - 1);
}

/* The oldest matching entry (a bucket lists its entries newest first):
 * the one a scan of all of them in order would find. */
const wast_memo_entry *wast_memo_find(const wast_memo *m,
                                      const wast_state_info *info) {
  if (!usable(info) || !m->nbuckets) return NULL;
  const wast_memo_entry *found = NULL;
  for (uint32_t k = m->head[bucket_of(&info->rest, m->nbuckets)]; k;
       k = m->closed[k - 1].next) {
    const wast_memo_entry *e = &m->closed[k - 1];
    if (e->all || e->ninst != info->ninst || !same(&e->rest, &info->rest))
      continue;
    uint64_t outside = all_positions(e->ninst) & ~e->touched;
    if ((outside & e->inert & info->inert) != outside) continue;
    bool ok = true;
    for (uint32_t i = 0; i < e->ninst && ok; i++)
      ok = e->id[i] == info->id[i] &&
           (!(e->touched >> i & 1) || same(&e->inst[i], &info->inst[i]));
    if (ok) found = e;
  }
  return found;
}

void wast_memo_open(wast_memo *m, const wast_state_info *info, uint32_t index,
                    uint32_t run) {
  m->open = canon_grow_to32(m->open, m->nopen + 1, &m->open_cap,
                            sizeof *m->open, 4, false);
  wast_memo_entry *e = &m->open[m->nopen++];
  memset(e, 0, sizeof *e);
  e->rest = info->rest;
  e->ninst = info->ninst;
  e->inert = info->inert;
  e->index = index;
  e->run = run;
  e->all = !usable(info);
  if (e->all) return;
  e->inst = canon_xrealloc(NULL, (e->ninst + 1) * sizeof *e->inst);
  e->id = canon_xrealloc(NULL, (e->ninst + 1) * sizeof *e->id);
  memcpy(e->inst, info->inst, e->ninst * sizeof *e->inst);
  memcpy(e->id, info->id, e->ninst * sizeof *e->id);
}

/* The open entries a run at choice count len is inside. */
#define EACH_ACTIVE(m, len, e)                                          \
  for (wast_memo_entry *e = (m)->open; e < (m)->open + (m)->nopen; e++) \
    if (e->index < (len) && !e->all)

void wast_memo_touch(wast_memo *m, uint32_t len, uint32_t id) {
  EACH_ACTIVE(m, len, e) {
    for (uint32_t i = 0; i < e->ninst; i++)
      if (e->id[i] == id) e->touched |= 1ull << i;
    /* an instance made since S: not in S, nothing to compare */
  }
}

void wast_memo_seen(wast_memo *m, uint32_t len, const wast_state_info *info) {
  EACH_ACTIVE(m, len, e) {
    for (uint32_t i = 0; i < e->ninst; i++) {
      bool found = false;
      for (uint32_t k = 0; k < info->ninst && !found; k++)
        if (info->id[k] == e->id[i]) {
          found = true;
          if (!same(&info->inst[k], &e->inst[i])) e->touched |= 1ull << i;
        }
      if (!found) e->touched |= 1ull << i; /* gone: touched */
    }
  }
}

void wast_memo_join(wast_memo *m, uint32_t len, const wast_memo_entry *x) {
  EACH_ACTIVE(m, len, e) {
    if (!x) {
      e->all = true;
      continue;
    }
    for (uint32_t j = 0; j < x->ninst; j++)
      if (x->touched >> j & 1)
        for (uint32_t i = 0; i < e->ninst; i++)
          if (e->id[i] == x->id[j]) e->touched |= 1ull << i;
  }
}

void wast_memo_cut_at(wast_memo *m, uint32_t len, uint32_t run,
                      uint32_t index) {
  EACH_ACTIVE(m, len, e) {
    if (run < e->run || index < e->index) e->all = true;
  }
}

static void entry_free(wast_memo_entry *e) {
  free(e->inst);
  free(e->id);
}

/* Puts the newest closed entry in its bucket; the buckets doubled (and
 * every entry put again) when there would be more entries than buckets. */
static void index_closed(wast_memo *m) {
  if (m->nclosed > m->nbuckets) {
    if (m->nbuckets >= 1u << 31) canon_out_of_memory();
    m->nbuckets = m->nbuckets ? 2 * m->nbuckets : 64;
    free(m->head);
    m->head = canon_xcalloc(m->nbuckets, sizeof *m->head);
    for (uint32_t k = 0; k + 1 < m->nclosed; k++) {
      uint32_t *h = &m->head[bucket_of(&m->closed[k].rest, m->nbuckets)];
      m->closed[k].next = *h;
      *h = k + 1;
    }
  }
  wast_memo_entry *e = &m->closed[m->nclosed - 1];
  uint32_t *h = &m->head[bucket_of(&e->rest, m->nbuckets)];
  e->next = *h;
  *h = m->nclosed;
}

void wast_memo_close_after(wast_memo *m, uint32_t k) {
  while (m->nopen && m->open[m->nopen - 1].index > k) {
    wast_memo_entry *e = &m->open[--m->nopen];
    if (e->all) {
      entry_free(e);
      continue;
    }
    m->closed = canon_grow_to32(m->closed, m->nclosed + 1, &m->closed_cap,
                                sizeof *m->closed, 16, false);
    m->closed[m->nclosed++] = *e;
    index_closed(m);
  }
}

void wast_memo_free(wast_memo *m) {
  for (uint32_t k = 0; k < m->nclosed; k++) entry_free(&m->closed[k]);
  for (uint32_t k = 0; k < m->nopen; k++) entry_free(&m->open[k]);
  free(m->closed);
  free(m->open);
  free(m->head);
  memset(m, 0, sizeof *m);
}
