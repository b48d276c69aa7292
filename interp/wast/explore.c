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

#include "../../canon/sched.h"
#include "state.h"
#include "wast.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"

typedef struct outcome {
  wast_status status;
  char *message;
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
  char *s = malloc(cap);
  if (!s) canon_out_of_memory();
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
      if (co->o[k].status == c->status && same_message(co->o[k].message, msg))
        o = &co->o[k];
    if (!o) {
      co->o = realloc(co->o, (co->n + 1) * sizeof *co->o);
      if (!co->o) canon_out_of_memory();
      o = &co->o[co->n++];
      o->status = c->status;
      o->message = msg ? strdup(msg) : NULL;
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

/* How the walk ended and what the reduction did. */
typedef struct walk_figures {
  const char *stopped; /* "no" (complete), "budget", "depth" */
  bool reduced;
  uint64_t states, cut;
  uint32_t depth; /* --explore-depth; 0: none */
} walk_figures;

/* The JSON form of the report: every command with all its outcomes. */
static void report_json(FILE *json, const char *path, const cmd_outcomes *cs,
                        uint32_t ncs, uint32_t runs, const walk_figures *wf,
                        uint32_t maxlen, uint32_t varying) {
  fputs("{\"mode\": \"explore\", \"file\": ", json);
  wast_json_str(json, path);
  fprintf(json, ", \"schedules\": %u, \"complete\": %s, \"stopped\": \"%s\", "
          "\"reduced\": %s, \"states\": %llu, \"cut\": %llu, "
          "\"depth_bound\": %u, \"longest\": %u, "
          "\"varying\": %u, \"commands\": [", runs,
          strcmp(wf->stopped, "no") ? "false" : "true", wf->stopped,
          wf->reduced ? "true" : "false", (unsigned long long)wf->states,
          (unsigned long long)wf->cut, wf->depth, maxlen, varying);
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
      fprintf(json, "\"schedules\": %u, \"choices\": ", o->count);
      wast_json_str(json, o->choices);
      fputc('}', json);
    }
    fputs("]}", json);
  }
  fputs("]}\n", json);
}

/* The digests of the states met at choices (state.h), in an open-addressed
 * set that doubles when half full. */
typedef struct seen_set {
  canon_digest *d;
  uint64_t cap, n;
} seen_set;

static bool digest_zero(const canon_digest *d) { return !d->a && !d->b; }

/* Adds d; false if it was there already. */
static bool seen_add(seen_set *s, canon_digest d) {
  if (digest_zero(&d)) d.a = 1; /* 0 marks a free slot */
  if (2 * (s->n + 1) > s->cap) {
    seen_set g = {NULL, s->cap ? 2 * s->cap : 1024, 0};
    g.d = canon_xcalloc(g.cap, sizeof *g.d);
    for (uint64_t i = 0; i < s->cap; i++)
      if (!digest_zero(&s->d[i])) seen_add(&g, s->d[i]);
    free(s->d);
    *s = g;
  }
  uint64_t i = (d.a ^ d.b) & (s->cap - 1);
  while (!digest_zero(&s->d[i])) {
    if (s->d[i].a == d.a && s->d[i].b == d.b) return false;
    i = (i + 1) & (s->cap - 1);
  }
  s->d[i] = d;
  s->n++;
  return true;
}

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
} walk;

static void at_choice(void *ctx, const wast_state_point *pt) {
  walk *w = ctx;
  uint32_t i = w->log->len; /* the index of the choice being made */
  if (i < w->nprefix || w->cut != UINT32_MAX) return;
  if (w->xo->depth && i >= w->xo->depth) {
    /* beyond the bound: option 0 from here on, and the walk is not
     * complete */
    w->cut = i;
    w->bound_hit = true;
    return;
  }
  if (w->xo->plain) return;
  canon_digest d;
  wast_state_digest(pt, &d);
  if (!seen_add(&w->seen, d)) {
    /* Explored from where it was first met (or being explored: it is on
     * the way to this run, a cycle): every outcome from this state on is
     * found there.  This run ends its command with option 0 and runs no
     * further command. */
    w->cut = i;
    w->stop = true;
    w->pruned++;
  }
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
  while (runs < xo->budget) {
    canon_choice_log log = {0};
    wast_options opt = *base;
    static const uint32_t none[1] = {0};
    opt.comp.forced = prefix ? prefix : none;
    opt.comp.nforced = nprefix;
    opt.comp.log = &log;
    opt.comp.at_choice = at_choice;
    opt.comp.at_choice_ctx = &w;
    opt.comp.stop = &w.stop;
    w.log = &log;
    w.nprefix = nprefix;
    w.cut = UINT32_MAX;
    w.stop = false;
    wast_file_result f;
    memset(&f, 0, sizeof f);
    wast_run_file(path, &opt, &f);
    record(&cs, &ncs, &f, runs, &log);
    runs++;
    if (log.len > maxlen) maxlen = log.len;
    kinds |= kinds_met(&log);
    for (size_t i = 0; i < f.ncmds; i++) free(f.cmds[i].message);
    free(f.cmds);
    free(f.file);
    /* the next schedule: advance the last choice before the cut that has
     * options left */
    exhaustive = !wast_next_schedule(&log, log.len < w.cut ? log.len : w.cut,
                                     &prefix, &nprefix);
    canon_choice_log_free(&log);
    if (exhaustive) break;
  }
  free(prefix);
  free(w.seen.d);
  /* exhausted, but with the depth bound: complete only up to it */
  bool complete = exhaustive && !w.bound_hit;
  const char *why = complete ? "complete"
                    : exhaustive ? "depth bound reached"
                                 : "budget reached";
  int rc = 0;
  uint32_t varying = 0;
  for (uint32_t i = 0; i < ncs; i++) {
    if (cs[i].n > 1) varying++;
  }
  if (json) {
    walk_figures wf = {complete ? "no" : exhaustive ? "depth" : "budget",
                       !xo->plain, w.seen.n, w.pruned, xo->depth};
    report_json(json, path, cs, ncs, runs, &wf, maxlen, varying);
  }
  for (uint32_t i = 0; i < ncs; i++) {
    cmd_outcomes *co = &cs[i];
    bool all_pass = co->n == 1 && co->o[0].status == WAST_PASS;
    if (!all_pass) rc = 1;
    if (out && (co->n > 1 || !all_pass)) {
      fprintf(out, "%s:%u: %s: %u outcome%s\n", path, co->line, co->kind,
              co->n, co->n == 1 ? "" : "s");
      for (uint32_t k = 0; k < co->n; k++) {
        outcome *o = &co->o[k];
        fprintf(out, "  %s%s%s%s in %u of %u schedules; first: --choices %s",
                status_name(o->status), o->message ? " \"" : "",
                o->message ? o->message : "", o->message ? "\"" : "",
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
    if (w.bound_hit)
      fprintf(out, "--explore-depth %u reached: choices beyond it took "
              "option 0 only; the walk is not complete\n", xo->depth);
    fputs("choice kinds met: ", out);
    print_kinds(out, kinds);
    fputc('\n', out);
  }
  return rc;
}
