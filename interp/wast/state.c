/* state.c -- the digest of a run's state at a choice; see state.h. */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include "../component/instantiate.h"
#include "../core/digest.h"
#include "../core/runtime.h"
#include "engine.h"
#include "../../canon/stream.h"
#include "../../canon/subtask.h"
#include "../../canon/task.h"
#include "../../canon/thread.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"

/* The digest being built, and the threads' labels in it (canon side) for
 * the core stacks, which know their thread by id. */
typedef struct digest_ctx {
  canon_digest *d;
  canon_ComponentInstance **insts;
  const core_store *core;
  wast_state_info *info;
  comp_store *cs;
  uint64_t *id, *label;
  uint32_t n, cap;
  core_digest_memo *memo;
} digest_ctx;

static void word(void *ctx, uint64_t w) {
  canon_digest_u64(((digest_ctx *)ctx)->d, w);
}
static void bytes(void *ctx, const void *p, size_t n) {
  canon_digest_bytes(((digest_ctx *)ctx)->d, p, n);
}
static void thread_label(void *ctx, uint32_t id, uint64_t label) {
  digest_ctx *c = ctx;
  uint32_t cap_label = c->cap; /* the two grow alike */
  CANON_GROW(c->id, c->n, c->cap, 16);
  CANON_GROW(c->label, c->n, cap_label, 16);
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
static uint64_t callee_label(void *ctx, const canon_core_callee *f) {
  digest_ctx *c = ctx;
  const core_func_inst *fn = comp_callee_func(f);
  return fn ? core_digest_func_label(c->core, c->memo, fn) : ~0ull;
}
/* insts[i]'s core instances, into its part of the digest: a memory
 * shared by instances is in the part of each that made a core instance
 * importing it, so that a step writing it changes all of theirs */
static void inst_extra(void *ctx, uint32_t i, canon_digest *e) {
  digest_ctx *c = ctx;
  const core_instance **ci = NULL;
  uint32_t n = comp_instance_core_instances(c->insts[i], &ci);
  digest_ctx sub = *c;
  sub.d = e;
  for (uint32_t k = 0; k < n; k++)
    core_instance_digest(c->core, ci[k], c->memo, word, bytes, &sub);
  free(ci);
}

static void inst_digest(void *ctx, uint32_t i, const canon_digest *e) {
  wast_state_info *info = ((digest_ctx *)ctx)->info;
  if (info && i < info->ninst) info->inst[i] = *e;
}

static void globals(void *ctx, const canon_digest *g) {
  wast_state_info *info = ((digest_ctx *)ctx)->info;
  if (!info) return;
  canon_digest_u64(&info->rest, g->a);
  canon_digest_u64(&info->rest, g->b);
}

static void rest_word(void *ctx, uint64_t w) {
  canon_digest_u64(&((digest_ctx *)ctx)->info->rest, w);
}
static void rest_bytes(void *ctx, const void *p, size_t n) {
  canon_digest_bytes(&((digest_ctx *)ctx)->info->rest, p, n);
}

/* Whether instance in holds an unresolved subtask, or a stream or future end that
 * copies or has a copy pending on it (memo.h: what a caller reaches
 * without entering the instance). */
static bool holds_pending(const canon_ComponentInstance *in) {
  for (uint32_t k = 0; k < in->handles.len; k++) {
    const canon_table_entry *e = &in->handles.array[k];
    if (!e->obj) continue;
    if (e->kind == CANON_ENTRY_SUBTASK) {
      /* resolved: only its holder sees it any more */
      if (!canon_Subtask_resolved(e->obj)) return true;
    } else if (canon_entry_is_copy_end(e->kind)) {
      const canon_CopyEnd *ce = e->obj;
      if (canon_CopyEnd_copying(ce) || ce->shared->pending_buffer) return true;
    }
  }
  return false;
}

/* info->inert and info->all_in_insts (state.h). */
static void memo_parts(wast_state_info *info, const canon_Store *s,
                       canon_ComponentInstance *const *insts, uint32_t n,
                       const core_store *core) {
  uint32_t m = n < 64 ? n : 64;
  uint64_t live = 0;
  for (const canon_Thread *t = s->threads; t; t = t->live_next)
    for (uint32_t i = 0; i < m; i++)
      if (t->task && t->task->inst == insts[i]) live |= 1ull << i;
  for (const canon_Task *t = s->tasks; t; t = t->live_next)
    for (uint32_t i = 0; i < m; i++)
      if (t->inst == insts[i]) live |= 1ull << i;
  info->inert = 0;
  for (uint32_t i = 0; i < m; i++) {
    info->id[i] = (uint32_t)insts[i]->id;
    if (!(live & 1ull << i) && !holds_pending(insts[i]))
      info->inert |= 1ull << i;
  }
  for (uint32_t i = m; i < n; i++) info->id[i] = (uint32_t)insts[i]->id;
  /* every core instance one of the component instances' */
  const void **own = NULL;
  size_t nown = 0;
  for (uint32_t i = 0; i < n; i++) {
    const core_instance **ci = NULL;
    uint32_t nc = comp_instance_core_instances(insts[i], &ci);
    own = canon_xrealloc(own, (nown + nc + 1) * sizeof *own);
    for (uint32_t j = 0; j < nc; j++) own[nown++] = ci[j];
    free(ci);
  }
  info->all_in_insts = true;
  for (size_t k = 0; k < core->insts.n && info->all_in_insts; k++) {
    bool found = false;
    for (size_t j = 0; j < nown && !found; j++)
      found = own[j] == core->insts.items[k];
    info->all_in_insts = found;
  }
  free(own);
}

/* An action's outcome (pass or fail, which results) changes nothing the
 * runner keeps for later commands: what it did is in the stores.  Other
 * commands define, register or fail to; an action skipped may mark its
 * instance broken (engine_component.c). */
static bool is_action(const wast_cmd_result *c) {
  static const char *const kinds[] = {"invoke", "assert_return",
                                      "assert_trap", "assert_exhaustion"};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (!strcmp(c->kind, kinds[i])) return c->status != WAST_SKIP;
  return false;
}

/* The script's part of info->rest: like the digest's, but of an action
 * only that it ran (state.h). */
static void script_rest(const wast_state_point *pt, canon_digest *r) {
  canon_digest_u64(r, pt->kind);
  canon_digest_u64(r, pt->n);
  const wast_file_result *f = pt->res;
  canon_digest_u64(r, f->ncmds);
  for (size_t i = 0; i < f->ncmds; i++) {
    const wast_cmd_result *c = &f->cmds[i];
    canon_digest_bytes(r, c->kind, strlen(c->kind));
    if (is_action(c)) continue;
    canon_digest_u64(r, c->status);
    canon_digest_u64(r, c->mismatch);
    canon_digest_bytes(r, c->message ? c->message : "",
                       c->message ? strlen(c->message) + 1 : 0);
  }
}

void wast_state_digest(const wast_state_point *pt, canon_digest *d) {
  wast_state_digest_info(pt, d, NULL);
}

void wast_state_digest_info(const wast_state_point *pt, canon_digest *d,
                            wast_state_info *info) {
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
  canon_Store *s = comp_store_canon(cs);
  canon_ComponentInstance **insts = NULL;
  uint32_t n = comp_store_instances(cs, &insts);
  if (info) {
    bool want_options = info->want_options;
    wast_state_info_free(info);
    info->want_options = want_options;
    info->script = *d;
    info->ninst = n;
    info->inst = calloc(n + 1, sizeof *info->inst);
    info->instp = calloc(n + 1, sizeof *info->instp);
    info->id = calloc(n + 1, sizeof *info->id);
    if (!info->inst || !info->instp || !info->id) canon_out_of_memory();
    script_rest(pt, &info->rest);
    for (uint32_t i = 0; i < n; i++) info->instp[i] = insts[i];
    info->nthreads = s->nthreads;
    info->nthreads_peak = s->nthreads_peak;
    info->max_threads = s->limits.max_threads;
  }
  core_store *core = wast_core_engine_store(pt->core);
  core_digest_memo memo = CORE_DIGEST_MEMO_INIT;
  digest_ctx c = {d, insts, core, info, cs, NULL, NULL, 0, 0, &memo};
  canon_state_labeler lb = {&c, lifted_label, callee_label, thread_label,
                            inst_digest, inst_extra, globals};
  canon_state_hash(d, s, insts, n, &lb);
  core_store_digest(core, &memo, word, bytes, owner_label, &c);
  if (info) {
    core_store_calls_digest(core, &memo, rest_word, rest_bytes, owner_label,
                            &c);
    memo_parts(info, s, insts, n, core);
  }
  free(insts);
  if (info && pt->kind == CANON_CHOICE_TICK) {
    /* the options of Store.tick, by their threads' labels */
    canon_Thread **th = calloc(s->nwaiting + 1, sizeof *th);
    info->cand = calloc(s->nwaiting + 1, sizeof *info->cand);
    if (!th || !info->cand) canon_out_of_memory();
    info->ncand = canon_Store_tick_candidates(s, th);
    for (uint32_t i = 0; i < info->ncand; i++)
      info->cand[i] = owner_label(&c, th[i]->id);
    free(th);
  } else if (info && info->want_options && pt->options) {
    /* threads by their labels; an event's waitables by their place in
     * the handle table of the instance waiting (the set's and theirs) */
    info->cand = canon_xcalloc(pt->n + 1, sizeof *info->cand);
    info->ncand = pt->n;
    const canon_Table *t =
        s->current && s->current->task ? &s->current->task->inst->handles
                                       : NULL;
    for (uint32_t i = 0; i < pt->n; i++) {
      const void *o = pt->options[i];
      uint64_t l = ~0ull;
      if (pt->kind != CANON_CHOICE_EVENT)
        l = owner_label(&c, ((const canon_Thread *)o)->id);
      else
        for (uint32_t k = 0; t && k < t->len; k++)
          if (t->array[k].obj == o) l = k;
      info->cand[i] = l;
    }
  }
  free(c.id);
  free(c.label);
  core_digest_memo_free(&memo);
}

void wast_state_peak_reset(const wast_state_point *pt) {
  canon_Store *s = comp_store_canon(wast_component_engine_store(pt->comp));
  s->nthreads_peak = s->nthreads;
}

void wast_state_info_free(wast_state_info *info) {
  free(info->inst);
  free(info->instp);
  free(info->id);
  free(info->cand);
  memset(info, 0, sizeof *info);
}

static uint32_t at_choice(void *ctx, canon_choice_kind kind, uint32_t n) {
  wast_state_watch *w = ctx;
  w->pt.kind = kind;
  w->pt.n = n;
  w->pt.options = w->sched->options;
  return w->opt->at_choice(w->opt->at_choice_ctx, &w->pt);
}

static void at_resume(void *ctx, const canon_Thread *t) {
  wast_state_watch *w = ctx;
  w->opt->at_resume(w->opt->at_choice_ctx, t->task->inst);
}

static void at_enter(void *ctx, const canon_ComponentInstance *inst) {
  wast_state_watch *w = ctx;
  w->opt->at_enter(w->opt->at_choice_ctx, inst);
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
  w->sched = s;
  s->at_choice = at_choice;
  s->at_choice_ctx = w;
  if (opt->at_resume) s->at_resume = at_resume;
  if (opt->at_enter) s->at_enter = at_enter;
}
