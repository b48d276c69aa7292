/* state.c -- the digest of a run's state at a choice; see state.h. */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include "../component/instantiate.h"
#include "../core/digest.h"
#include "engine.h"
#include "../util/oom.h"

/* The digest being built, and the threads' labels in it (canon side) for
 * the core stacks, which know their thread by id. */
typedef struct digest_ctx {
  canon_digest *d;
  comp_store *cs;
  uint64_t *id, *label;
  uint32_t n, cap;
} digest_ctx;

static void word(void *ctx, uint64_t w) {
  canon_digest_u64(((digest_ctx *)ctx)->d, w);
}
static void bytes(void *ctx, const void *p, size_t n) {
  canon_digest_bytes(((digest_ctx *)ctx)->d, p, n);
}
static void thread_label(void *ctx, uint32_t id, uint64_t label) {
  digest_ctx *c = ctx;
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 16;
    c->id = realloc(c->id, c->cap * sizeof *c->id);
    c->label = realloc(c->label, c->cap * sizeof *c->label);
    if (!c->id || !c->label) cm_out_of_memory();
  }
  c->id[c->n] = id;
  c->label[c->n++] = label;
}
static uint64_t owner_label(void *ctx, uint64_t owner) {
  digest_ctx *c = ctx;
  if (!owner) return 0; /* no thread: the host's own call */
  for (uint32_t i = 0; i < c->n; i++)
    if (c->id[i] == owner) return c->label[i];
  return ~0ull; /* a thread already gone */
}
static uint64_t lifted_label(void *ctx, const struct canon_lifted *l) {
  return comp_store_lifted_label(((digest_ctx *)ctx)->cs, l);
}

void wast_state_digest(const wast_state_point *pt, canon_digest *d) {
  d->a = d->b = 0;
  canon_digest_u64(d, pt->kind);
  canon_digest_u64(d, pt->n);
  const wast_file_result *f = pt->res;
  canon_digest_u64(d, f->ncmds);
  for (size_t i = 0; i < f->ncmds; i++) {
    canon_digest_u64(d, f->cmds[i].status);
    canon_digest_u64(d, f->cmds[i].mismatch);
    const char *m = f->cmds[i].message;
    canon_digest_bytes(d, m ? m : "", m ? strlen(m) + 1 : 0);
  }
  comp_store *cs = wast_component_engine_store(pt->comp);
  digest_ctx c = {d, cs, NULL, NULL, 0, 0};
  canon_state_labeler lb = {&c, lifted_label, thread_label};
  canon_ComponentInstance **insts = NULL;
  uint32_t n = comp_store_instances(cs, &insts);
  canon_state_hash(d, comp_store_canon(cs), insts, n, &lb);
  free(insts);
  core_store_digest(wast_core_engine_store(pt->core), word, bytes, owner_label,
                    &c);
  free(c.id);
  free(c.label);
}

static void at_choice(void *ctx, canon_choice_kind kind, uint32_t n) {
  wast_state_watch *w = ctx;
  w->pt.kind = kind;
  w->pt.n = n;
  w->opt->at_choice(w->opt->at_choice_ctx, &w->pt);
}

void wast_state_watch_start(wast_state_watch *w, const wast_comp_options *opt,
                            const wast_file_result *res,
                            struct wast_engine *core,
                            struct wast_engine *comp) {
  if (!opt->at_choice) return;
  memset(w, 0, sizeof *w);
  w->opt = opt;
  w->pt.res = res;
  w->pt.core = core;
  w->pt.comp = comp;
  canon_sched *s = &comp_store_canon(wast_component_engine_store(comp))->sched;
  s->at_choice = at_choice;
  s->at_choice_ctx = w;
}
