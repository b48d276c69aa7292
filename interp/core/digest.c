/* digest.c -- the core store's state as a sequence of words, for
 * --explore's digest of a state (canon/state_hash.h,
 * interp/wast/state.c): every memory's size and bytes, every global,
 * every table, the element and data segments dropped, and every
 * core_call in progress (its frames, locals and operands, and where it
 * called a host function), in the order the store made them.
 *
 * Addresses of functions are given as labels that are the same in every
 * run of a script: (instance number, function index) for wasm functions,
 * the position in the store's list for host functions. */
#include "digest.h"

#include <stdlib.h>
#include <string.h>

#include "membytes.h"
#include "runtime.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"

/* The position + 1 of the store's instances and functions (0: not the
 * store's), indexed once per digest. */
static void index_store(const core_store *s, core_digest_memo *memo) {
  if (memo->indexed) return;
  memo->indexed = true;
  for (size_t i = 0; i < s->insts.n; i++)
    canon_u64map_put(&memo->inst_at, (uintptr_t)s->insts.items[i], (uint32_t)i + 1);
  for (size_t i = 0; i < s->funcs.n; i++)
    canon_u64map_put(&memo->func_at, (uintptr_t)s->funcs.items[i], (uint32_t)i + 1);
}

static uint64_t index_in(const canon_u64map *at, const void *p) {
  uint32_t k;
  return canon_u64map_get(at, (uintptr_t)p, &k) ? k : 0;
}

static uint64_t func_label(const core_digest_memo *memo, const core_func_inst *f) {
  if (!f) return 0;
  if (f->code && f->inst)
    return (index_in(&memo->inst_at, f->inst) << 32) |
           (uint64_t)(f->code - f->inst->m->funcs);
  return (1ull << 63) | index_in(&memo->func_at, f);
}

uint64_t core_digest_func_label(const core_store *s, core_digest_memo *memo,
                                const core_func_inst *f) {
  index_store(s, memo);
  return func_label(memo, f);
}

/* A reference: a function's label if it is one of the store's functions,
 * else its value (externrefs are the host's numbers). */
static uint64_t ref_label(const core_digest_memo *memo, core_ref r) {
  if (!r) return 0;
  uint64_t k = index_in(&memo->func_at, (const void *)(uintptr_t)r);
  return k ? (1ull << 62) | k : r;
}

static uint64_t instr_index(const core_func_inst *f, const core_instr *pc) {
  return f && f->code && pc ? (uint64_t)(pc - f->code->body.instrs) : 0;
}

/* What an untouched page reads as: comparing with it is memcmp's fast
 * loop, where testing byte by byte was a sixth of a walk. */
static const uint8_t zero_page[CORE_MEMBYTES_PAGE];

/* A memory's contents as its pages that are not all zero, each with its
 * number: the same words whatever pages were touched on the way, and the
 * pages the guest never touched are not read at all.  Hashed once per
 * digest (memo), then given as the two words of that hash. */
static void hash_memory(const core_mem_inst *m, core_digest_memo *memo,
                        core_digest_word word, void *ctx) {
  uint32_t at;
  if (!canon_u64map_get(&memo->mem_at, (uintptr_t)m, &at)) {
    canon_digest d = {0, 0};
    uint64_t n = (m->size + CORE_MEMBYTES_PAGE - 1) / CORE_MEMBYTES_PAGE;
    unsigned char *touched = canon_xmalloc((size_t)n + 1);
    core_membytes_touched(m->data, m->size, touched, &memo->pagemap);
    for (uint64_t i = 0; i < n; i++) {
      if (!touched[i]) continue;
      uint64_t off = i * CORE_MEMBYTES_PAGE;
      size_t len = (size_t)(m->size - off < CORE_MEMBYTES_PAGE
                                ? m->size - off : CORE_MEMBYTES_PAGE);
      if (!memcmp(m->data + off, zero_page, len)) continue;
      canon_digest_u64(&d, i);
      canon_digest_bytes(&d, m->data + off, len);
    }
    free(touched);
    CANON_GROW(memo->mem, memo->nmem, memo->capmem, 8);
    at = memo->nmem++;
    memo->mem[at] = d;
    canon_u64map_put(&memo->mem_at, (uintptr_t)m, at);
  }
  word(ctx, memo->mem[at].a);
  word(ctx, memo->mem[at].b);
}

void core_digest_memo_free(core_digest_memo *memo) {
  canon_u64map_free(&memo->mem_at);
  canon_u64map_free(&memo->inst_at);
  canon_u64map_free(&memo->func_at);
  free(memo->mem);
  core_membytes_pagemap_close(&memo->pagemap);
  *memo = (core_digest_memo)CORE_DIGEST_MEMO_INIT;
}

void core_instance_digest(const core_store *s, const core_instance *in,
                          core_digest_memo *memo, core_digest_word word,
                          core_digest_bytes bytes, void *ctx) {
  (void)bytes; /* memories go in as their hash's words (hash_memory) */
  index_store(s, memo);
  const core_module *m = in->m;
  uint32_t nm = core_module_nmems_total(m), ng = core_module_nglobals_total(m),
           nt = core_module_ntables_total(m);
  word(ctx, nm);
  for (uint32_t i = 0; i < nm; i++) {
    word(ctx, in->mems[i]->size);
    hash_memory(in->mems[i], memo, word, ctx);
  }
  word(ctx, ng);
  for (uint32_t i = 0; i < ng; i++) word(ctx, in->globals[i]->val);
  word(ctx, nt);
  for (uint32_t i = 0; i < nt; i++) {
    const core_table_inst *t = in->tables[i];
    word(ctx, t->size);
    for (uint64_t k = 0; k < t->size; k++) word(ctx, ref_label(memo, t->elems[k]));
  }
  for (uint32_t k = 0; k < m->nelems; k++) word(ctx, in->elem_len[k]);
  for (uint32_t k = 0; k < m->ndatas; k++) word(ctx, in->data_len[k]);
}

void core_store_digest(const core_store *s, core_digest_memo *memo,
                       core_digest_word word, core_digest_bytes bytes,
                       core_digest_owner owner_label, void *ctx) {
  index_store(s, memo);
  word(ctx, s->mems.n);
  for (size_t i = 0; i < s->mems.n; i++) {
    const core_mem_inst *m = s->mems.items[i];
    word(ctx, m->size);
    hash_memory(m, memo, word, ctx);
  }
  word(ctx, s->globals.n);
  for (size_t i = 0; i < s->globals.n; i++)
    word(ctx, ((const core_global_inst *)s->globals.items[i])->val);
  word(ctx, s->tables.n);
  for (size_t i = 0; i < s->tables.n; i++) {
    const core_table_inst *t = s->tables.items[i];
    word(ctx, t->size);
    for (uint64_t k = 0; k < t->size; k++) word(ctx, ref_label(memo, t->elems[k]));
  }
  word(ctx, s->insts.n);
  for (size_t i = 0; i < s->insts.n; i++) {
    const core_instance *in = s->insts.items[i];
    for (uint32_t k = 0; k < in->m->nelems; k++) word(ctx, in->elem_len[k]);
    for (uint32_t k = 0; k < in->m->ndatas; k++) word(ctx, in->data_len[k]);
  }
  core_store_calls_digest(s, memo, word, bytes, owner_label, ctx);
}

void core_store_calls_digest(const core_store *s, core_digest_memo *memo,
                             core_digest_word word, core_digest_bytes bytes,
                             core_digest_owner owner_label, void *ctx) {
  index_store(s, memo);
  /* the calls in progress, by their owner's label (the order they were
   * made in is the schedule's, not the state's); one owner's calls in
   * the order of the list, which is their nesting */
  size_t n = 0;
  for (const core_thread *t = s->active; t; t = t->active_next) n++;
  word(ctx, n);
  const core_thread **a = calloc(n + 1, sizeof *a);
  uint64_t *key = calloc(n + 1, sizeof *key);
  if (!a || !key) canon_out_of_memory();
  n = 0;
  for (const core_thread *t = s->active; t; t = t->active_next) {
    uint64_t k = owner_label ? owner_label(ctx, t->owner) : t->owner;
    size_t j = n++;
    /* insertion sort, stable: a handful of calls */
    while (j > 0 && key[j - 1] > k) {
      a[j] = a[j - 1];
      key[j] = key[j - 1];
      j--;
    }
    a[j] = t;
    key[j] = k;
  }
  for (size_t i = 0; i < n; i++) {
    const core_thread *t = a[i];
    word(ctx, key[i]);
    word(ctx, t->nframes);
    for (size_t k = 0; k < t->nframes; k++) {
      word(ctx, func_label(memo, t->frames[k].func));
      word(ctx, instr_index(t->frames[k].func, t->frames[k].pc));
      word(ctx, t->frames[k].fp);
    }
    word(ctx, func_label(memo, t->host_fn));
    if (!t->host_fn) continue;
    word(ctx, instr_index(t->host_fn, t->host_pc));
    word(ctx, t->host_fp);
    word(ctx, t->host_sp);
    bytes(ctx, t->stack, t->host_sp * sizeof *t->stack);
  }
  free(a);
  free(key);
}

void core_store_set_owner(core_store *s, uint64_t owner) { s->owner = owner; }
