/* store.c -- the core store (core spec "Store"): it owns every runtime
 * object (functions, tables, memories, globals, tags, exceptions, instances)
 * and the limits and messages of runs.  Allocation of host-made objects and
 * the host's view of memories, tables and globals live here too. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "membytes.h"
#include "runtime.h"
#include "../../canon/arena.h"
#include "../../canon/grow.h"

#define PAGE_SIZE 65536u

bool core_store_track(core_store *s, core_objlist *l, void *obj) {
  (void)s;
  if (!obj) return false;
  CANON_GROW(l->items, l->n, l->cap, 16);
  l->items[l->n++] = obj;
  return true;
}

void *core_store_alloc(core_store *s, size_t n, size_t size) {
  if (!n) n = 1;
  if (size && n > SIZE_MAX / size) return NULL;
  void *p = canon_arena_try_alloc(s->arena, n * size);
  return p ? memset(p, 0, n * size) : NULL;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

core_store *core_store_new(const core_config *cfg) {
  core_store *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  if (!(s->arena = canon_arena_new())) {
    free(s);
    return NULL;
  }
  if (cfg) s->cfg = *cfg;
  if (!s->cfg.max_call_depth) s->cfg.max_call_depth = 10000;
  if (!s->cfg.max_memory_pages) s->cfg.max_memory_pages = 65536;
  if (!s->cfg.max_table_elems) s->cfg.max_table_elems = 10000000;
  if (!s->cfg.max_host_nesting) s->cfg.max_host_nesting = 1000;
  s->fuel_start = s->fuel_left = s->cfg.fuel ? s->cfg.fuel : UINT64_MAX;
  if (s->cfg.timeout_ms) {
    s->deadline_ns = now_ns() + s->cfg.timeout_ms * 1000000u;
    s->fuel_reserve = s->fuel_left;
    s->fuel_left = 0;
    core_store_refuel(s);
  }
  return s;
}

/* About a millisecond of interpretation: the clock is read that often. */
#define FUEL_SLICE 1000000u

bool core_store_refuel(core_store *s) {
  if (s->deadline_ns && now_ns() >= s->deadline_ns) {
    snprintf(s->exhausted_msg, sizeof s->exhausted_msg,
             "timeout: ran longer than %llu.%03llu s (--timeout)",
             (unsigned long long)(s->cfg.timeout_ms / 1000),
             (unsigned long long)(s->cfg.timeout_ms % 1000));
    return false;
  }
  if (s->fuel_reserve == 0) {
    snprintf(s->exhausted_msg, sizeof s->exhausted_msg, "out of fuel");
    return false;
  }
  uint64_t take = s->deadline_ns && s->fuel_reserve > FUEL_SLICE
                      ? FUEL_SLICE
                      : s->fuel_reserve;
  s->fuel_reserve -= take;
  s->fuel_left += take;
  return true;
}

/* Frees what each object of l holds beyond the arena (fn may be NULL),
 * then the list. */
static void free_list(core_objlist *l, void (*fn)(void *)) {
  if (fn)
    for (size_t i = 0; i < l->n; i++) fn(l->items[i]);
  free(l->items);
}

static void free_table(void *p) {
  core_table_inst *t = p;
  free(t->elems); /* grows (table.grow): not the arena's */
}
static void free_mem(void *p) {
  core_mem_inst *m = p;
  core_membytes_free(m->pool, m->data, m->mapped);
}

void core_store_free(core_store *s) {
  if (!s) return;
  free_list(&s->types, NULL);
  free_list(&s->funcs, NULL);
  free_list(&s->tables, free_table);
  free_list(&s->mems, free_mem);
  free_list(&s->globals, NULL);
  free_list(&s->tags, NULL);
  free_list(&s->insts, NULL);
  canon_arena_free(s->arena);
  while (s->all_exns) {
    core_exn *e = s->all_exns;
    s->all_exns = e->next;
    free(e);
  }
  while (s->spare) {
    core_thread *t = s->spare;
    s->spare = t->next;
    free(t->stack);
    free(t->frames);
    free(t);
  }
  free(s);
}

const char *core_store_message(const core_store *s) { return s->msg; }
core_exn *core_store_exception(const core_store *s) { return s->exn; }
core_tag_inst *core_exn_tag(const core_exn *e) { return e->tag; }
uint64_t core_store_fuel_used(const core_store *s) {
  return s->fuel_start - s->fuel_left - s->fuel_reserve;
}

core_outcome core_set_message(core_store *s, core_outcome o, const char *msg) {
  snprintf(s->msg, sizeof s->msg, "%s", msg);
  return o;
}

core_outcome core_trap(core_store *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->msg, sizeof s->msg, fmt, ap);
  va_end(ap);
  return CORE_TRAP;
}

/* Function types are interned: equal types give the same pointer (wasm
 * 2.0 function types match by structure). */
const core_rtype *core_store_intern_type(core_store *s,
                                         const core_functype *ft) {
  for (size_t i = 0; i < s->types.n; i++) {
    core_rtype *t = s->types.items[i];
    if (core_functype_equal(&t->ft, ft)) return t;
  }
  core_rtype *t = core_store_alloc(s, 1, sizeof *t);
  if (!t) return NULL;
  t->ft.nparams = ft->nparams;
  t->ft.nresults = ft->nresults;
  t->ft.params = core_store_alloc(s, ft->nparams, sizeof *ft->params);
  t->ft.results = core_store_alloc(s, ft->nresults, sizeof *ft->results);
  if (!t->ft.params || !t->ft.results) return NULL;
  if (ft->nparams)
    memcpy(t->ft.params, ft->params, ft->nparams * sizeof *ft->params);
  if (ft->nresults)
    memcpy(t->ft.results, ft->results, ft->nresults * sizeof *ft->results);
  return core_store_track(s, &s->types, t) ? t : NULL;
}

core_exn *core_exn_new(core_store *s, core_tag_inst *tag, uint32_t n,
                       const uint64_t *vals) {
  core_exn *e = malloc(sizeof *e + (size_t)n * sizeof(uint64_t));
  if (!e) return NULL;
  e->tag = tag;
  e->n = n;
  if (n) memcpy(e->vals, vals, (size_t)n * sizeof(uint64_t));
  e->next = s->all_exns;
  s->all_exns = e;
  return e;
}

const core_functype *core_func_type(const core_func_inst *f) {
  return &f->type->ft;
}

core_func_inst *core_host_func_new(core_store *s, const core_functype *type,
                                   core_host_fn fn, void *env) {
  const core_rtype *t = core_store_intern_type(s, type);
  if (!t) return NULL;
  core_func_inst *f = core_store_alloc(s, 1, sizeof *f);
  if (!f) return NULL;
  f->type = t;
  f->host = fn;
  f->env = env;
  return core_store_track(s, &s->funcs, f) ? f : NULL;
}

/* ---- tables ------------------------------------------------------------ */

/* The size a table (elements) or memory (pages) may grow to: the least of
 * its type's maximum, what its address type can index, and our limit. */
static uint64_t size_limit(const core_limits *l, uint64_t addr_max,
                           uint64_t cfg_max) {
  uint64_t max = addr_max;
  if (l->has_max && l->max < max) max = l->max;
  return cfg_max < max ? cfg_max : max;
}

core_table_inst *core_table_new(core_store *s, const core_tabletype *t,
                                core_ref init) {
  uint64_t max = size_limit(&t->limits,
                            t->limits.is64 ? UINT64_MAX : UINT32_MAX,
                            s->cfg.max_table_elems);
  if (t->limits.min > max) return NULL;
  core_table_inst *tb = core_store_alloc(s, 1, sizeof *tb);
  if (!tb) return NULL;
  tb->type = *t;
  tb->max = max;
  tb->size = t->limits.min;
  tb->cap = tb->size ? tb->size : 1;
  tb->elems = malloc(tb->cap * sizeof(core_ref));
  if (!tb->elems || !core_store_track(s, &s->tables, tb)) {
    free(tb->elems);
    return NULL;
  }
  for (uint64_t i = 0; i < tb->size; i++) tb->elems[i] = init;
  return tb;
}

bool core_table_grow(core_table_inst *t, uint64_t delta, core_ref init) {
  if (delta > t->max - t->size) return false;
  uint64_t n = t->size + delta;
  if (delta == 0) return true;
  if (n > SIZE_MAX / sizeof(core_ref)) return false;
  if (n > t->cap) {
    /* doubled (up to the maximum) so that a loop of small grows copies
     * the elements O(1) times each; exactly n if that much is refused */
    uint64_t c = t->cap <= t->max / 2 ? 2 * t->cap : t->max;
    if (c < n || c > SIZE_MAX / sizeof(core_ref)) c = n;
    core_ref *e = realloc(t->elems, c * sizeof(core_ref));
    if (!e && c > n) e = realloc(t->elems, (c = n) * sizeof(core_ref));
    if (!e) return false;
    t->elems = e;
    t->cap = c;
  }
  for (uint64_t i = t->size; i < n; i++) t->elems[i] = init;
  t->size = n;
  t->type.limits.min = n;
  return true;
}

core_ref core_table_get(const core_table_inst *t, uint64_t i, bool *in_bounds) {
  bool ok = i < t->size;
  if (in_bounds) *in_bounds = ok;
  return ok ? t->elems[i] : 0;
}
uint64_t core_table_size(const core_table_inst *t) { return t->size; }

/* ---- memories ------------------------------------------------------------ */

void core_store_share_memories(core_store *s, struct core_membytes_pool *pool) {
  s->mem_pool = pool;
}

core_mem_inst *core_memory_new(core_store *s, const core_memtype *t) {
  uint64_t max = size_limit(&t->limits,
                            t->limits.is64 ? (1ull << 48) : 65536,
                            s->cfg.max_memory_pages);
  if (t->limits.min > max) return NULL;
  core_mem_inst *m = core_store_alloc(s, 1, sizeof *m);
  if (!m) return NULL;
  m->type = *t;
  m->max = max;
  m->pages = t->limits.min;
  if (m->pages > SIZE_MAX / PAGE_SIZE) return NULL;
  m->size = m->pages * PAGE_SIZE;
  m->pool = s->mem_pool;
  m->data = core_membytes_alloc(m->pool, m->size, &m->mapped);
  if (!m->data || !core_store_track(s, &s->mems, m)) {
    core_membytes_free(m->pool, m->data, m->mapped);
    return NULL;
  }
  return m;
}

bool core_memory_grow(core_mem_inst *m, uint64_t delta) {
  if (delta > m->max - m->pages) return false;
  if (delta == 0) return true;
  uint64_t pages = m->pages + delta;
  if (pages > SIZE_MAX / PAGE_SIZE) return false;
  uint64_t size = pages * PAGE_SIZE;
  uint8_t *d = core_membytes_grow(m->data, &m->mapped, m->size, size);
  if (!d) return false;
  m->data = d;
  m->size = size;
  m->pages = pages;
  m->type.limits.min = pages;
  return true;
}

const core_memtype *core_memory_type(const core_mem_inst *m) {
  return &m->type;
}

uint8_t *core_memory_data(core_mem_inst *m, uint64_t *size_bytes) {
  if (size_bytes) *size_bytes = m->size;
  return m->data;
}

/* ---- globals and tags -------------------------------------------------- */

core_global_inst *core_global_new(core_store *s, const core_globaltype *t,
                                  uint64_t value) {
  core_global_inst *g = core_store_alloc(s, 1, sizeof *g);
  if (!g) return NULL;
  g->type = *t;
  g->val = value;
  return core_store_track(s, &s->globals, g) ? g : NULL;
}

uint64_t core_global_get(const core_global_inst *g) { return g->val; }
const core_globaltype *core_global_type(const core_global_inst *g) {
  return &g->type;
}

core_tag_inst *core_tag_new(core_store *s, const core_functype *t) {
  const core_rtype *rt = core_store_intern_type(s, t);
  if (!rt) return NULL;
  core_tag_inst *tag = core_store_alloc(s, 1, sizeof *tag);
  if (!tag) return NULL;
  tag->type = rt;
  return core_store_track(s, &s->tags, tag) ? tag : NULL;
}
