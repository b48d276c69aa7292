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

static uint64_t rest_key(const canon_digest *rest) {
  return rest->a ^ rest->b * 0x9e3779b97f4a7c15ull;
}

/* The oldest matching entry (a rest lists its entries newest first):
 * the one a scan of all of them in order would find. */
const wast_memo_entry *wast_memo_find(const wast_memo *m,
                                      const wast_state_info *info) {
  uint32_t k = 0;
  if (!usable(info)) return NULL;
  canon_u64map_get(&m->head, rest_key(&info->rest), &k);
  const wast_memo_entry *found = NULL;
  for (; k; k = m->closed[k - 1].next) {
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

/* Puts the newest closed entry at the head of its rest's list. */
static void index_closed(wast_memo *m) {
  wast_memo_entry *e = &m->closed[m->nclosed - 1];
  uint64_t key = rest_key(&e->rest);
  e->next = 0;
  canon_u64map_get(&m->head, key, &e->next);
  canon_u64map_put(&m->head, key, m->nclosed);
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
  canon_u64map_free(&m->head);
  memset(m, 0, sizeof *m);
}
