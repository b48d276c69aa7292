/* explore.c -- `cmref run --explore N`: which outcomes does the spec allow?
 * (design.md "Nondeterminism is explicit": the explore policy.)
 *
 * Every nondeterministic step goes through canon_sched_choose; a run under
 * the FORCED policy takes a given prefix of choices and then the first
 * option, and logs every choice with its number of options.  Exploring is a
 * depth-first walk of that tree: after a run, the last choice that still
 * has an untried option is advanced and everything after it reset.  The
 * walk is exhaustive when no choice is left, or stops at the budget.
 *
 * Every kind of choice (canon_choice_kind: the spec's `random` sites, NaN
 * scrambling, the host's ticks between commands) is a node of that tree
 * like any other, so the walk reaches each kind a script meets; the
 * summary names the kinds met.
 *
 * For each command the distinct outcomes (status and message) are kept
 * with the first schedule that gave them, written as the choice list that
 * `cmref run --choices LIST` replays, and the kinds of the choices where
 * that schedule leaves the default (option 0): what the outcome depends
 * on. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../canon/sched.h"
#include "memo.h"
#include "rerun.h"
#include "sleep.h"
#include "state.h"
#include "wast.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"
#include "../../canon/instance.h"
#include "../../canon/rules.h"
#include "../../canon/store.h"

typedef struct outcome {
  wast_status status;
  char *message;
  char *result;     /* what a passing action returned (wast_cmd_result) */
  uint32_t run;     /* first run that gave it */
  char *choices;    /* that run's choices, "0,1,0" */
  uint32_t off_default; /* kinds (bits) where that run took an option > 0 */
  uint32_t count;   /* runs that gave it */
} outcome;

typedef struct cmd_outcomes {
  uint32_t line;
  char kind[32];
  outcome *o;
  uint32_t n;
} cmd_outcomes;

static char *choices_str(const canon_choice_log *l) {
  size_t cap = (size_t)l->len * 11 + 1;
  char *s = canon_xmalloc(cap);
  size_t k = 0;
  s[0] = 0;
  for (uint32_t i = 0; i < l->len; i++)
    k += (size_t)snprintf(s + k, cap - k, "%s%u", i ? "," : "", l->chosen[i]);
  return s;
}

static uint32_t off_default_kinds(const canon_choice_log *l) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < l->len; i++)
    if (l->chosen[i]) k |= 1u << l->kind[i];
  return k;
}

static uint32_t kinds_met(const canon_choice_log *l) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < l->len; i++) k |= 1u << l->kind[i];
  return k;
}

/* "tick, nan" */
static void print_kinds(FILE *out, uint32_t kinds) {
  bool first = true;
  for (int k = 0; k < CANON_NCHOICE_KINDS; k++)
    if (kinds & (1u << k)) {
      fprintf(out, "%s%s", first ? "" : ", ",
              canon_choice_kind_name((canon_choice_kind)k));
      first = false;
    }
  if (first) fputs("none", out);
}

static bool same_message(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void record(cmd_outcomes **cs, uint32_t *ncs, const wast_file_result *f,
                   uint32_t run, const canon_choice_log *log) {
  for (size_t i = 0; i < f->ncmds; i++) {
    const wast_cmd_result *c = &f->cmds[i];
    cmd_outcomes *co = NULL;
    for (uint32_t k = 0; k < *ncs && !co; k++)
      if ((*cs)[k].line == c->line && !strcmp((*cs)[k].kind, c->kind))
        co = &(*cs)[k];
    if (!co) {
      *cs = realloc(*cs, (*ncs + 1) * sizeof **cs);
      if (!*cs) canon_out_of_memory();
      co = &(*cs)[(*ncs)++];
      memset(co, 0, sizeof *co);
      co->line = c->line;
      snprintf(co->kind, sizeof co->kind, "%s", c->kind);
    }
    /* a passing command's message only notes a wording difference */
    const char *msg = c->status == WAST_PASS ? NULL : c->message;
    outcome *o = NULL;
    for (uint32_t k = 0; k < co->n && !o; k++)
      if (co->o[k].status == c->status && same_message(co->o[k].message, msg) &&
          same_message(co->o[k].result, c->result))
        o = &co->o[k];
    if (!o) {
      co->o = realloc(co->o, (co->n + 1) * sizeof *co->o);
      if (!co->o) canon_out_of_memory();
      o = &co->o[co->n++];
      o->status = c->status;
      o->message = msg ? canon_xstrdup(msg) : NULL;
      o->result = c->result ? canon_xstrdup(c->result) : NULL;
      o->run = run;
      o->choices = choices_str(log);
      o->off_default = off_default_kinds(log);
      o->count = 0;
    }
    o->count++;
  }
}

static const char *status_name(wast_status s) {
  return s == WAST_PASS ? "pass" : s == WAST_FAIL ? "fail" : "skip";
}

/* The host limits a run may meet (cmref's own traps, canon/rules.def):
 * a walk in which some run met one explored the script only as far as
 * the limit lets it go. */
static const canon_rule host_limits[] = {
    CANON_R_MAX_THREADS,    CANON_R_THREAD_NO_MEMORY, CANON_R_THREAD_NO_STACK,
    CANON_R_MAX_HANDLES,    CANON_R_MAX_HOST_BYTES,   CANON_R_MAX_COPY_BYTES};
#define NHOST_LIMITS (sizeof host_limits / sizeof *host_limits)

/* "--max-threads 8" (the limit the runs met), or the rule's id. */
static void limit_name(char *buf, size_t n, canon_rule r,
                       const wast_options *base) {
  if (r == CANON_R_MAX_THREADS)
    snprintf(buf, n, "--max-threads %u",
             base->comp.max_threads ? base->comp.max_threads
                                    : CANON_DEFAULT_MAX_THREADS);
  else
    snprintf(buf, n, "%s", canon_rule_id(r));
}

/* How the walk ended and what the reduction did. */
typedef struct walk_figures {
  const char *stopped; /* "no" (complete), "budget", "depth", "limit" */
  const char *within;  /* "limit": the limits met, "--max-threads 8" */
  bool reduced, sleep, memo;
  uint64_t states, cut, asleep, memo_cut;
  uint32_t depth; /* --explore-depth; 0: none */
  bool verify;    /* --explore-verify-cuts: the cuts followed on, those */
  uint64_t v_cuts, v_bad; /* that met another state, the first of them */
  const char *v_first;
} walk_figures;

/* The JSON form of the report: every command with all its outcomes. */
static void report_json(FILE *json, const char *path, const cmd_outcomes *cs,
                        uint32_t ncs, uint32_t runs, const walk_figures *wf,
                        uint32_t maxlen, uint32_t varying) {
  fputs("{\"mode\": \"explore\", \"file\": ", json);
  wast_json_str(json, path);
  fprintf(json, ", \"schedules\": %u, \"complete\": %s, \"stopped\": \"%s\", "
          "\"reduced\": %s, \"sleep_sets\": %s, \"memo\": %s, "
          "\"states\": %llu, \"cut\": %llu, \"asleep\": %llu, "
          "\"memo_cut\": %llu, "
          "\"within\": \"%s\", \"depth_bound\": %u, \"longest\": %u, "
          "\"varying\": %u, ", runs,
          strcmp(wf->stopped, "no") ? "false" : "true", wf->stopped,
          wf->reduced ? "true" : "false", wf->sleep ? "true" : "false",
          wf->memo ? "true" : "false", (unsigned long long)wf->states,
          (unsigned long long)wf->cut, (unsigned long long)wf->asleep,
          (unsigned long long)wf->memo_cut, wf->within, wf->depth, maxlen,
          varying);
  if (wf->verify) {
    fprintf(json, "\"verify_cuts\": %llu, \"verify_mismatches\": %llu, "
            "\"verify_first\": ", (unsigned long long)wf->v_cuts,
            (unsigned long long)wf->v_bad);
    wast_json_str(json, wf->v_first);
    fputs(", ", json);
  }
  fputs("\"commands\": [", json);
  for (uint32_t i = 0; i < ncs; i++) {
    const cmd_outcomes *co = &cs[i];
    fprintf(json, "%s\n  {\"line\": %u, \"kind\": ", i ? "," : "",
            co->line);
    wast_json_str(json, co->kind);
    fputs(", \"outcomes\": [", json);
    for (uint32_t k = 0; k < co->n; k++) {
      const outcome *o = &co->o[k];
      fprintf(json, "%s{\"status\": \"%s\", ", k ? ", " : "",
              status_name(o->status));
      if (o->message) {
        fputs("\"message\": ", json);
        wast_json_str(json, o->message);
        fputs(", ", json);
      }
      if (o->result) {
        fputs("\"result\": ", json);
        wast_json_str(json, o->result);
        fputs(", ", json);
      }
      fprintf(json, "\"schedules\": %u, \"choices\": ", o->count);
      wast_json_str(json, o->choices);
      fputc('}', json);
    }
    fputs("]}", json);
  }
  fputs("]}\n", json);
}

/* The states met at choices (state.h), in an open-addressed set that
 * doubles when half full.  Each keeps the sleep set it was explored with
 * (labels in `sl`; the standard condition: a state met again is cut only
 * if its stored sleep set is a subset of the current one, else it is
 * explored again and keeps the intersection), and where it was first met
 * (the step it was inside; see at_choice). */
typedef struct seen_entry {
  canon_digest d;
  uint64_t *sl;
  uint32_t nsl;
  int64_t rec; /* the step record (walk.recs) it was first met in; -1 */
  uint32_t run, index; /* the run and choice it was first met at */
} seen_entry;

typedef struct seen_set {
  seen_entry *e;
  uint64_t cap, n;
} seen_set;

static bool digest_zero(const canon_digest *d) { return !d->a && !d->b; }

static seen_entry *seen_slot(seen_set *s, canon_digest d) {
  uint64_t i = (d.a ^ d.b) & (s->cap - 1);
  while (!digest_zero(&s->e[i].d)) {
    if (s->e[i].d.a == d.a && s->e[i].d.b == d.b) return &s->e[i];
    i = (i + 1) & (s->cap - 1);
  }
  return &s->e[i];
}

/* The entry of d, made (with d set, the rest zero) if new; *fresh says. */
static seen_entry *seen_get(seen_set *s, canon_digest d, bool *fresh) {
  if (digest_zero(&d)) d.a = 1; /* 0 marks a free slot */
  if (2 * (s->n + 1) > s->cap) {
    seen_set g = {NULL, s->cap ? 2 * s->cap : 1024, 0};
    g.e = canon_xcalloc(g.cap, sizeof *g.e);
    for (uint64_t i = 0; i < s->cap; i++)
      if (!digest_zero(&s->e[i].d)) *seen_slot(&g, s->e[i].d) = s->e[i];
    g.n = s->n;
    free(s->e);
    *s = g;
  }
  seen_entry *e = seen_slot(s, d);
  *fresh = digest_zero(&e->d);
  if (*fresh) {
    e->d = d;
    s->n++;
  }
  return e;
}

static void seen_free(seen_set *s) {
  for (uint64_t i = 0; i < s->cap; i++) free(s->e[i].sl);
  free(s->e);
}

/* A choice on the path of the current run, kept across runs while the
 * walk is below it. */
typedef struct node {
  bool tick;
  uint64_t *opt;      /* tick: its options' thread labels */
  uint32_t nopt;
  wast_sleepset z;    /* tick: asleep here */
  wast_sleepset done; /* tick: options explored before the current one */
  uint32_t rec;       /* the current option's step record (walk.recs) */
  wast_state_info from; /* tick: the state here, where its steps start
                           (without instp: one run's addresses) */
} node;

/* A step from a tick node with one option: its footprint, joined over
 * every run through it (every way the step went), and whether runs
 * through it are still to come (its node is on the path with it). */
typedef struct step_rec {
  uint64_t fp;
  bool open;
} step_rec;

static void node_free(node *n) {
  free(n->opt);
  wast_sleep_free(&n->z);
  wast_sleep_free(&n->done);
  wast_state_info_free(&n->from);
  memset(n, 0, sizeof *n);
}

/* --explore-verify-cuts: the digest, number of options and option taken
 * at each fresh choice of a run (its choices from `base` on), and whether
 * the run was cut at its last one. */
typedef struct vrec {
  canon_digest d;
  uint32_t n, chosen;
  uint64_t label; /* a tick: the chosen thread's label */
} vrec;
typedef struct vrun {
  vrec *v;
  uint32_t base, len, cap;
  bool cut;
  char *choices; /* the run's whole --choices, for a report */
} vrun;

/* One run of the walk, as the scheduler's at_choice hook sees it. */
typedef struct walk {
  const wast_explore_options *xo;
  seen_set seen;
  canon_choice_log *log; /* this run's choices so far */
  uint32_t nprefix;      /* this run's forced choices */
  uint32_t cut;          /* no choice from here on is varied */
  bool stop;             /* the runner runs no further command */
  bool bound_hit;        /* some run met --explore-depth */
  uint64_t pruned;       /* runs cut at a state already seen */
  uint64_t asleep;       /* runs cut where every option was asleep */
  step_rec *recs;
  uint32_t nrecs, recs_cap;
  /* sleep sets (not with --explore-plain or --explore-no-sleep) */
  bool sleep;
  node *path;
  uint32_t npath, path_cap;
  /* the step in progress: the tick node it started at (-1: none; the
   * state there is the node's `from`), the sleepers it may carry on, the
   * instances it ran in */
  int64_t step;
  wast_sleepset step_carry;
  const void **ran;
  uint32_t nran, ran_cap;
  /* the command memo (memo.h; with sleep sets, not with
   * --explore-no-memo): the run's number, the commands run at its last
   * choice */
  bool memo_on;
  wast_memo memo;
  uint32_t run;
  size_t ncmds;
  /* --explore-verify-cuts: every run's fresh choices; the run being
   * verified (from choice v_from of run v_run on, since this run's cut) */
  bool verify, verifying;
  vrun *vruns;
  uint32_t nvruns, vruns_cap, v_run, v_from;
  uint64_t v_cuts, v_bad;
  char v_first[700];
} walk;

/* Options are followed by their place, but a choice among objects by
 * the label of the object taken (the digest takes Store.waiting and a
 * waitable set's elements as sets, so the same state may offer them in
 * another order). */
static bool among_objects(canon_choice_kind k) {
  return k == CANON_CHOICE_TICK || k == CANON_CHOICE_SYNC_LOOP ||
         k == CANON_CHOICE_EVENT || k == CANON_CHOICE_CANCEL_THREAD;
}

/* This run's record (--explore-verify-cuts), started at its first fresh
 * choice. */
static vrun *vrun_of(walk *w) {
  if (w->run >= w->nvruns) {
    w->vruns = canon_grow_to32(w->vruns, w->run + 1, &w->vruns_cap,
                               sizeof *w->vruns, 256, true);
    w->nvruns = w->run + 1;
    w->vruns[w->run].base = w->log->len;
  }
  return &w->vruns[w->run];
}

static void verify_note(walk *w, canon_digest d, uint32_t n) {
  vrun *r = vrun_of(w);
  r->v = canon_grow_to32(r->v, r->len + 1, &r->cap, sizeof *r->v, 16, false);
  r->v[r->len++] = (vrec){d, n, 0, 0};
}

/* The verification of this run's cut ends here: the run stops as a cut
 * run does. */
static void verify_end(walk *w) {
  w->verifying = false;
  w->stop = true;
}

/* A cut that does not hold: the state digests agreed at the cut, but the
 * run and the one it was cut against, taking the same options on, do not
 * meet the same states (a part of the state the digest leaves out). */
static void verify_fail(walk *w, uint32_t i, const char *what) {
  w->v_bad++;
  if (!w->v_first[0]) {
    char *ch = choices_str(w->log);
    const char *other = w->vruns[w->v_run].choices;
    snprintf(w->v_first, sizeof w->v_first,
             "run %u, cut at choice %u as run %u at choice %u, %s %u "
             "choices later (this run: --choices %.250s; the other: "
             "--choices %.250s)", w->run, w->cut, w->v_run, w->v_from, what,
             i - w->cut, ch, other ? other : "?");
    free(ch);
  }
  verify_end(w);
}

/* The digest at pt, with the labels of its options if it is a choice
 * among objects (info.cand; wast_state_info_free it). */
static void digest_with_options(const wast_state_point *pt, canon_digest *d,
                                wast_state_info *info) {
  memset(info, 0, sizeof *info);
  info->want_options = true;
  wast_state_digest_info(pt, d, info);
}

/* The label of the object option o of a choice among objects is. */
static uint64_t option_label(const wast_state_point *pt, uint32_t o) {
  canon_digest d;
  wast_state_info info;
  digest_with_options(pt, &d, &info);
  uint64_t l = o < info.ncand ? info.cand[o] : UINT64_MAX;
  wast_state_info_free(&info);
  return l;
}

/* A choice after a verified cut: the option the run cut against took
 * here, once the states are seen to agree. */
static uint32_t verify_choice(walk *w, const wast_state_point *pt, uint32_t i) {
  const vrun *r0 = &w->vruns[w->v_run];
  uint32_t j = w->v_from + (i - w->cut);
  if (j >= r0->base + r0->len) {
    if (!r0->cut) verify_fail(w, i, "a choice the other run did not meet");
    verify_end(w);
    return 0;
  }
  const vrec *x = &r0->v[j - r0->base];
  canon_digest d;
  wast_state_info info;
  digest_with_options(pt, &d, &info);
  bool last = r0->cut && j + 1 == r0->base + r0->len;
  uint32_t o = x->chosen;
  if (among_objects(pt->kind) && !last) /* the same object, by its label */
    for (o = 0; o < info.ncand && info.cand[o] != x->label; o++) {}
  wast_state_info_free(&info);
  if (d.a != x->d.a || d.b != x->d.b || pt->n != x->n) {
    verify_fail(w, i, "a different state");
    return 0;
  }
  if (!last && o >= pt->n) {
    verify_fail(w, i, "the object the other run took not offered");
    return 0;
  }
  if (last) { /* as far as the other run went */
    verify_end(w);
    return 0;
  }
  return o;
}

static void at_enter(void *ctx, const void *inst) {
  walk *w = ctx;
  wast_memo_touch(&w->memo, w->log->len,
                  (uint32_t)((const canon_ComponentInstance *)inst)->id);
}

static void at_resume(void *ctx, const void *inst) {
  walk *w = ctx;
  if (w->memo_on) at_enter(ctx, inst);
  if (w->step < 0) return;
  for (uint32_t i = 0; i < w->nran; i++)
    if (w->ran[i] == inst) return;
  w->ran = canon_grow_to32(w->ran, w->nran + 1, &w->ran_cap, sizeof *w->ran, 8, false);
  w->ran[w->nran++] = inst;
}

static bool is_boundary(canon_choice_kind k) {
  return k == CANON_CHOICE_TICK || k == CANON_CHOICE_SYNC_LOOP ||
         k == CANON_CHOICE_HOST_TICK;
}

/* The sleepers after the step in progress, with footprint fp so far. */
static void carried(const walk *w, uint64_t fp, wast_sleepset *out) {
  wast_sleep_copy(out, &w->step_carry);
  wast_sleep_filter(out, fp);
}

/* Cut this run at choice i: it ends its command with option 0. */
static void cut_here(walk *w, uint32_t i) {
  w->cut = i;
  w->stop = true;
  if (w->verify) vrun_of(w)->cut = true;
}

static uint32_t new_rec(walk *w) {
  w->recs = canon_grow_to32(w->recs, w->nrecs + 1, &w->recs_cap, sizeof *w->recs, 256, false);
  w->recs[w->nrecs] = (step_rec){0, true};
  return w->nrecs++;
}

/* Starts the step from tick node i: the sleepers asleep there and those
 * its earlier options explored carry on. */
static void start_step(walk *w, uint32_t i, const wast_state_point *pt) {
  wast_state_peak_reset(pt);
  w->step = i;
  w->nran = 0;
  wast_sleep_copy(&w->step_carry, &w->path[i].z);
  for (uint32_t k = 0; k < w->path[i].done.n; k++)
    wast_sleep_add(&w->step_carry, w->path[i].done.v[k].label,
                   w->path[i].done.v[k].fp);
}

/* A forced choice at a step's boundary.  The run repeats, up to its
 * first fresh choice, what an earlier run did: the step that ends here
 * ended here then too, and that run joined its footprint into the step's
 * record and met every state on the way (wast_memo_seen); a tick node
 * starts the next step from the state that run digested there
 * (node.from) rather than digesting it again. */
static void replayed_boundary(walk *w, uint32_t i, const wast_state_point *pt) {
  if (w->step >= 0) {
    w->step = -1;
    wast_sleep_free(&w->step_carry);
  }
  if (i < w->npath && w->path[i].tick) start_step(w, i, pt);
}

static uint32_t at_choice(void *ctx, const wast_state_point *pt) {
  walk *w = ctx;
  uint32_t i = w->log->len; /* the index of the choice being made */
  if (w->cut != UINT32_MAX)
    return w->verifying ? verify_choice(w, pt, i) : 0;
  /* the first choice of a command (the memo's places) */
  bool command_first = pt->res->ncmds != w->ncmds;
  w->ncmds = pt->res->ncmds;
  bool fresh_node = i >= w->nprefix;
  if (fresh_node && w->xo->depth && i >= w->xo->depth) {
    /* beyond the bound: option 0 from here on, and the walk is not
     * complete */
    w->cut = i;
    w->bound_hit = true;
    if (w->verify) vrun_of(w)->cut = true;
    return 0;
  }
  if (w->xo->plain) return 0;
  bool boundary = is_boundary(pt->kind);
  if (!fresh_node) {
    /* a forced choice: its node is kept from an earlier run */
    if (w->sleep && boundary) replayed_boundary(w, i, pt);
    return 0;
  }
  canon_digest d;
  wast_state_info info;
  memset(&info, 0, sizeof info);
  wast_state_digest_info(pt, &d, w->sleep ? &info : NULL);
  if (w->verify) verify_note(w, d, pt->n);
  if (w->memo_on) wast_memo_seen(&w->memo, i, &info);
  /* the sleepers here: at a tick, those the step that ends here carries
   * on; inside a step, those it carries so far */
  wast_sleepset here = {0};
  uint64_t fp = 0;
  if (w->sleep && w->step >= 0) {
    fp = wast_step_footprint(&w->path[w->step].from, &info,
                             (const void *const *)w->ran, w->nran);
    if (boundary && pt->kind != CANON_CHOICE_TICK) fp |= WAST_FP_HOST;
    carried(w, fp, &here);
    if (boundary) {
      w->recs[w->path[w->step].rec].fp |= fp;
      w->step = -1;
      wast_sleep_free(&w->step_carry);
    }
  }
  bool fresh;
  seen_entry *e = seen_get(&w->seen, d, &fresh);
  if (!fresh) {
    if (wast_sleep_subset(e->sl, e->nsl, &here)) {
      if (w->memo_on) wast_memo_cut_at(&w->memo, i, e->run, e->index);
      /* Explored from where it was first met (or being explored: it is on
       * the way to this run, a cycle), with no more asleep than now:
       * every outcome from this state on is found there.  This run ends
       * its command with option 0 and runs no further command.  Inside a
       * step, the rest of the step is then not seen here: unless the
       * state was first met inside this same step's subtree (whose runs
       * all join their footprints into this node), the step counts as
       * dependent on every other. */
      if (w->step >= 0) {
        uint32_t r = w->path[w->step].rec;
        if (e->rec < 0 || (e->rec != r && w->recs[e->rec].open))
          w->recs[r].fp |= WAST_FP_HOST;
        else if (e->rec != r)
          /* first met inside a step whose subtree is done: every way on
           * from there is in its footprint */
          w->recs[r].fp |= w->recs[e->rec].fp;
        w->step = -1; /* accounted for */
      }
      cut_here(w, i);
      w->pruned++;
      wast_sleep_free(&here);
      wast_state_info_free(&info);
      if (w->verify) {
        vrun *r0 = &w->vruns[e->run];
        if (e->run == w->run || (r0->cut && e->index + 1 == r0->base + r0->len))
          return 0; /* a cycle, or cut where it was met: nothing to follow */
        /* go on as the run that met the state first did (this is the
         * first of the choices verify_choice follows: the state is
         * known to agree) */
        w->v_cuts++;
        w->verifying = true;
        w->stop = false;
        w->v_run = e->run;
        w->v_from = e->index;
        return verify_choice(w, pt, i);
      }
      return 0;
    }
    /* explored again with fewer asleep: keep the intersection */
    uint32_t k = 0;
    for (uint32_t j = 0; j < e->nsl; j++)
      if (wast_sleep_has(&here, e->sl[j])) e->sl[k++] = e->sl[j];
    e->nsl = k;
  } else {
    e->run = w->run;
    e->index = i;
    e->rec = w->step >= 0 ? (int64_t)w->path[w->step].rec : -1;
    e->nsl = here.n;
    e->sl = here.n ? malloc(here.n * sizeof *e->sl) : NULL;
    if (here.n && !e->sl) canon_out_of_memory();
    for (uint32_t k = 0; k < here.n; k++) e->sl[k] = here.v[k].label;
  }
  if (!w->sleep) return 0;
  if (w->memo_on && command_first && here.n == 0) {
    const wast_memo_entry *hit = wast_memo_find(&w->memo, &info);
    if (hit) {
      /* every outcome from here on is one from hit's state (memo.h);
       * the rest of a step in progress is not seen */
      if (w->step >= 0) {
        w->recs[w->path[w->step].rec].fp |= WAST_FP_HOST;
        w->step = -1;
      }
      wast_memo_join(&w->memo, i, hit);
      w->memo.hits++;
      cut_here(w, i);
      wast_sleep_free(&here);
      wast_state_info_free(&info);
      return 0;
    }
    wast_memo_open(&w->memo, &info, i, w->run);
  }
  /* a new node of the path */
  w->path = canon_grow_to32(w->path, w->npath + 1, &w->path_cap, sizeof *w->path, 64, false);
  node *nd = &w->path[w->npath];
  memset(nd, 0, sizeof *nd);
  nd->rec = new_rec(w);
  uint32_t choice = 0;
  if (pt->kind == CANON_CHOICE_TICK && info.ncand == pt->n) {
    nd->tick = true;
    nd->opt = info.cand;
    nd->nopt = info.ncand;
    info.cand = NULL;
    nd->z = here;
    here = (wast_sleepset){0};
    while (choice < nd->nopt && wast_sleep_has(&nd->z, nd->opt[choice]))
      choice++;
    if (choice == nd->nopt) {
      /* every option asleep: all that follows is explored elsewhere */
      node_free(nd);
      cut_here(w, i);
      w->asleep++;
      wast_state_info_free(&info);
      return 0;
    }
  }
  w->npath++;
  if (nd->tick) {
    free(info.instp);
    info.instp = NULL;
    nd->from = info;
    start_step(w, i, pt);
  } else {
    wast_state_info_free(&info);
  }
  wast_sleep_free(&here);
  if (w->verify) {
    vrec *x = &w->vruns[w->run].v[w->vruns[w->run].len - 1];
    x->chosen = choice;
    if (among_objects(pt->kind)) x->label = option_label(pt, choice);
  }
  return choice;
}

/* The next option at node k of the path after `chosen`: an option > chosen
 * not asleep there; n if none. */
static uint32_t next_option(const walk *w, uint32_t k, uint32_t chosen,
                            uint32_t n) {
  uint32_t o = chosen + 1;
  if (w->sleep && k < w->npath && w->path[k].tick)
    while (o < n && wast_sleep_has(&w->path[k].z, w->path[k].opt[o])) o++;
  return o;
}

/* Wall-clock seconds (--explore-progress). */
static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int wast_explore(const char *path, const wast_options *base,
                 const wast_explore_options *xo, FILE *out, FILE *json) {
  uint32_t *prefix = NULL, nprefix = 0;
  cmd_outcomes *cs = NULL;
  uint32_t ncs = 0, runs = 0, maxlen = 0, kinds = 0;
  bool exhaustive = false;
  walk w;
  memset(&w, 0, sizeof w);
  w.xo = xo;
  w.sleep = !xo->plain && !xo->no_sleep;
  w.memo_on = w.sleep && !xo->no_memo;
  w.verify = xo->verify_cuts && !xo->plain;
  w.step = -1;
  /* one script, run again and again (rerun.h) */
  wast_rerun rerun;
  wast_rerun_init(&rerun, path);
  /* which host limits the runs meet: the Store's trap counts */
  canon_coverage own_cov;
  memset(&own_cov, 0, sizeof own_cov);
  canon_coverage *cov = base->comp.coverage ? base->comp.coverage : &own_cov;
  uint64_t limit_traps0[NHOST_LIMITS];
  for (size_t k = 0; k < NHOST_LIMITS; k++)
    limit_traps0[k] = cov->trapped[host_limits[k]];
  double started = now_s(), next_progress = started + xo->progress;
  while (runs < xo->budget) {
    if (xo->progress && now_s() >= next_progress) {
      fprintf(stderr, "explore: %s: %u schedules, %llu states, %llu cut, "
              "longest %u choices, %.0f s\n", path, runs,
              (unsigned long long)w.seen.n, (unsigned long long)w.pruned,
              maxlen, now_s() - started);
      next_progress += xo->progress;
    }
    canon_choice_log log = {0};
    wast_options opt = *base;
    opt.keep_results = true;
    static const uint32_t none[1] = {0};
    opt.comp.forced = prefix ? prefix : none;
    opt.comp.nforced = nprefix;
    opt.comp.log = &log;
    opt.comp.at_choice = at_choice;
    opt.comp.at_resume = w.sleep ? at_resume : NULL;
    opt.comp.at_enter = w.memo_on ? at_enter : NULL;
    opt.comp.at_choice_ctx = &w;
    opt.comp.coverage = cov;
    opt.comp.stop = &w.stop;
    w.log = &log;
    w.nprefix = nprefix;
    w.cut = UINT32_MAX;
    w.stop = false;
    w.step = -1;
    w.nran = 0;
    w.run = runs;
    w.ncmds = 0;
    wast_file_result f;
    memset(&f, 0, sizeof f);
    wast_rerun_run(&rerun, &opt, &f);
    if (w.verifying) {
      /* the script ended: the run cut against must have ended here too */
      const vrun *r0 = &w.vruns[w.v_run];
      if (w.v_from + (log.len - w.cut) < r0->base + r0->len && !r0->cut)
        verify_fail(&w, log.len, "the end, where the other run went on,");
      w.verifying = false;
    }
    if (w.verify && w.run < w.nvruns)
      w.vruns[w.run].choices = choices_str(&log);
    record(&cs, &ncs, &f, runs, &log);
    runs++;
    if (log.len > maxlen) maxlen = log.len;
    kinds |= kinds_met(&log);
    wast_file_result_free(&f);
    /* a step the run ended in (the script ended, or the run was cut or
     * bounded inside it): the rest of it was not seen */
    if (w.step >= 0) w.recs[w.path[w.step].rec].fp |= WAST_FP_HOST;
    w.step = -1;
    wast_sleep_free(&w.step_carry);
    /* the next schedule: advance the last choice before the cut that has
     * options left (at a tick, one not asleep there) */
    int64_t k = (int64_t)(log.len < w.cut ? log.len : w.cut) - 1;
    while (k >= 0 && next_option(&w, (uint32_t)k, log.chosen[k], log.n[k]) >=
                         log.n[k])
      k--;
    if (k < 0) {
      exhaustive = true;
      canon_choice_log_free(&log);
      break;
    }
    if (w.memo_on) wast_memo_close_after(&w.memo, (uint32_t)k);
    free(prefix);
    nprefix = (uint32_t)k + 1;
    prefix = canon_xrealloc(NULL, nprefix * sizeof *prefix);
    memcpy(prefix, log.chosen, (size_t)k * sizeof *prefix);
    prefix[k] = next_option(&w, (uint32_t)k, log.chosen[k], log.n[k]);
    if (w.sleep) {
      /* node k's option is done: it may sleep in its siblings' subtrees */
      while (w.npath > (uint32_t)k + 1) {
        w.recs[w.path[w.npath - 1].rec].open = false;
        node_free(&w.path[--w.npath]);
      }
      if ((uint32_t)k < w.npath) {
        node *nd = &w.path[k];
        w.recs[nd->rec].open = false;
        if (nd->tick)
          wast_sleep_add(&nd->done, nd->opt[log.chosen[k]],
                         w.recs[nd->rec].fp);
        nd->rec = new_rec(&w);
      }
    }
    canon_choice_log_free(&log);
    if (exhaustive) break;
  }
  free(prefix);
  wast_rerun_free(&rerun);
  seen_free(&w.seen);
  uint64_t memo_cut = w.memo.hits;
  wast_memo_free(&w.memo);
  while (w.npath) node_free(&w.path[--w.npath]);
  free(w.path);
  free(w.ran);
  free(w.recs);
  for (uint32_t k = 0; k < w.nvruns; k++) {
    free(w.vruns[k].v);
    free(w.vruns[k].choices);
  }
  free(w.vruns);
  /* exhausted, but with the depth bound or where a run met a host
   * limit: complete only up to it */
  char within[200] = "";
  for (size_t k = 0; k < NHOST_LIMITS; k++)
    if (cov->trapped[host_limits[k]] > limit_traps0[k]) {
      size_t len = strlen(within);
      if (len) snprintf(within + len, sizeof within - len, ", ");
      len = strlen(within);
      limit_name(within + len, sizeof within - len, host_limits[k], base);
    }
  bool complete = exhaustive && !w.bound_hit && !*within;
  char why_limit[240];
  snprintf(why_limit, sizeof why_limit, "all of them within %s", within);
  const char *why = complete ? "complete"
                    : exhaustive && w.bound_hit ? "depth bound reached"
                    : exhaustive ? why_limit
                                 : "budget reached";
  int rc = w.v_bad ? 1 : 0; /* a cut that does not hold: a fault of ours */
  uint32_t varying = 0;
  for (uint32_t i = 0; i < ncs; i++) {
    if (cs[i].n > 1) varying++;
  }
  if (json) {
    walk_figures wf = {complete               ? "no"
                       : exhaustive && w.bound_hit ? "depth"
                       : exhaustive           ? "limit"
                                              : "budget",
                       within,
                       !xo->plain, w.sleep, w.memo_on, w.seen.n, w.pruned,
                       w.asleep, memo_cut, xo->depth,
                       w.verify, w.v_cuts, w.v_bad, w.v_first};
    report_json(json, path, cs, ncs, runs, &wf, maxlen, varying);
  }
  for (uint32_t i = 0; i < ncs; i++) {
    cmd_outcomes *co = &cs[i];
    /* (a passing action's outcomes differ only in the values returned) */
    bool all_pass = true;
    for (uint32_t k = 0; k < co->n; k++)
      all_pass = all_pass && co->o[k].status == WAST_PASS;
    if (!all_pass) rc = 1;
    if (out && (co->n > 1 || !all_pass)) {
      fprintf(out, "%s:%u: %s: %u outcome%s\n", path, co->line, co->kind,
              co->n, co->n == 1 ? "" : "s");
      for (uint32_t k = 0; k < co->n; k++) {
        outcome *o = &co->o[k];
        fprintf(out, "  %s%s%s%s%s%s in %u of %u schedules; first: --choices %s",
                status_name(o->status), o->message ? " \"" : "",
                o->message ? o->message : "", o->message ? "\"" : "",
                o->result ? ": " : "", o->result ? o->result : "",
                o->count, runs, *o->choices ? o->choices : "(none)");
        if (o->off_default) {
          fputs(" (not option 0 at: ", out);
          print_kinds(out, o->off_default);
          fputs(")", out);
        }
        fputc('\n', out);
      }
    }
    for (uint32_t k = 0; k < co->n; k++) {
      free(co->o[k].message);
      free(co->o[k].result);
      free(co->o[k].choices);
    }
    free(co->o);
  }
  free(cs);
  if (out) {
    fprintf(out,
            "explored %u schedule%s (%s; longest: %u choices): %u of %u "
            "commands vary\n",
            runs, runs == 1 ? "" : "s", complete ? "all of them" : why,
            maxlen, varying, ncs);
    if (!xo->plain)
      fprintf(out, "states: %llu distinct at choices; %llu schedule%s cut "
              "at a state already explored\n",
              (unsigned long long)w.seen.n, (unsigned long long)w.pruned,
              w.pruned == 1 ? "" : "s");
    if (w.sleep)
      fprintf(out, "sleep sets: %llu schedule%s cut where every thread "
              "ready to tick was asleep\n", (unsigned long long)w.asleep,
              w.asleep == 1 ? "" : "s");
    if (w.memo_on)
      fprintf(out, "command memo: %llu schedule%s cut at a command's start "
              "met before except in instances its tree never touched\n",
              (unsigned long long)memo_cut, memo_cut == 1 ? "" : "s");
    if (w.verify)
      fprintf(out, "verify cuts: %llu cut%s followed on, %llu met another "
              "state%s%s\n", (unsigned long long)w.v_cuts,
              w.v_cuts == 1 ? "" : "s", (unsigned long long)w.v_bad,
              w.v_bad ? "; first: " : "", w.v_first);
    if (exhaustive && !w.bound_hit && *within)
      fprintf(out, "host limit met (%s): a run trapped there, so the walk "
              "is complete only within it\n", within);
    if (w.bound_hit)
      fprintf(out, "--explore-depth %u reached: choices beyond it took "
              "option 0 only; the walk is not complete\n", xo->depth);
    fputs("choice kinds met: ", out);
    print_kinds(out, kinds);
    fputc('\n', out);
  }
  return rc;
}
