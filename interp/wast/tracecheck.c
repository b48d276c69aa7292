/* tracecheck.c -- `cmref run --check-trace THEIRS.jsonl SCRIPT.wast`: checks
 * another runtime's trace of a script (docs/trace-format.md "Checking
 * another runtime's trace").
 *
 * Their guest-visible events are read in canonical form; cmref's are
 * compared with them one by one *while cmref runs*, through the trace
 * writer's sink (canon/trace.h), so that a run stops at its first event
 * that is not theirs.  Events are compared member by member (members in
 * any order, without `seq`, spaces outside strings ignored), in exactly
 * their order: where the spec leaves the order open, another schedule
 * gives the other order, and the search (tracesearch.c) looks for it.
 * Values must be written as cmref writes them (integers in decimal,
 * booleans as true/false).
 *
 * A trace that records `choice` events is replayed with those choices; a
 * trace without is searched. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracecheck.h"

#include "rerun.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"

static const char *const visible[] = {
    "invoke",      "invoke.return", "invoke.trap", "lift.call",
    "lift.return", "callback",      "lower.call",  "lower.return",
    "builtin",     "event",
};

static void push(wast_tc_events *l, const char *s, uint32_t line) {
  uint32_t cap_line = l->cap; /* the two grow alike */
  CANON_GROW(l->v, l->n, l->cap, 64);
  CANON_GROW(l->line, l->n, cap_line, 64);
  l->v[l->n] = strdup(s);
  if (!l->v[l->n]) canon_out_of_memory();
  l->line[l->n++] = line;
}

static void push_choice(wast_tc_events *l, uint32_t c) {
  CANON_GROW(l->choices, l->nchoices, l->capchoices, 64);
  l->choices[l->nchoices++] = c;
}

void wast_tc_events_free(wast_tc_events *l) {
  for (uint32_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  free(l->line);
  free(l->choices);
  memset(l, 0, sizeof *l);
}

/* The event name of a line: the value of "ev". */
static bool event_name(const char *line, char *out, size_t n) {
  const char *p = strstr(line, "\"ev\"");
  if (!p) return false;
  p += 4;
  while (*p == ' ') p++;
  if (*p++ != ':') return false;
  while (*p == ' ') p++;
  if (*p++ != '"') return false;
  size_t k = 0;
  while (*p && *p != '"' && k + 1 < n) out[k++] = *p++;
  out[k] = 0;
  return *p == '"';
}

/* One "key":value member of an event, as text. */
typedef struct member {
  const char *key, *val;
  size_t klen, vlen;
} member;

/* The end of the JSON value at p (a number, string, literal or array of
 * those), or NULL. */
static const char *value_end(const char *p) {
  if (*p == '"') {
    for (p++; *p && *p != '"'; p++)
      if (*p == '\\' && p[1]) p++;
    return *p == '"' ? p + 1 : NULL;
  }
  if (*p == '[') {
    int depth = 0;
    for (; *p; p++) {
      if (*p == '"') {
        const char *q = value_end(p);
        if (!q) return NULL;
        p = q - 1;
      } else if (*p == '[') depth++;
      else if (*p == ']' && --depth == 0) return p + 1;
    }
    return NULL;
  }
  while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\n') p++;
  return p;
}

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

static int member_cmp(const void *a, const void *b) {
  const member *x = a, *y = b;
  size_t n = x->klen < y->klen ? x->klen : y->klen;
  int c = memcmp(x->key, y->key, n);
  return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* The event in canonical form: members sorted by key, no "seq", no
 * spaces outside strings; false if the line is not a flat JSON object. */
static bool normalize(const char *line, char *out, size_t n) {
  member m[32];
  size_t nm = 0, k = 0;
  const char *p = skip_ws(line);
  if (*p++ != '{') return false;
  for (;;) {
    p = skip_ws(p);
    if (*p == '}') break;
    if (*p != '"' || nm == 32) return false;
    const char *ke = value_end(p);
    if (!ke) return false;
    const char *v = skip_ws(ke);
    if (*v++ != ':') return false;
    v = skip_ws(v);
    const char *ve = value_end(v);
    if (!ve || ve == v) return false;
    m[nm++] = (member){p + 1, v, (size_t)(ke - p - 2), (size_t)(ve - v)};
    p = skip_ws(ve);
    if (*p == ',') p++;
    else if (*p != '}') return false;
  }
  qsort(m, nm, sizeof *m, member_cmp);
  for (size_t i = 0; i < nm; i++) {
    if (m[i].klen == 3 && !memcmp(m[i].key, "seq", 3)) continue;
    if (k + m[i].klen + m[i].vlen + 8 >= n) return false;
    k += (size_t)snprintf(out + k, n - k, "%s\"%.*s\":", k ? "," : "{",
                          (int)m[i].klen, m[i].key);
    for (size_t j = 0; j < m[i].vlen; j++) {
      char c = m[i].val[j];
      if (c == ' ' && m[i].val[0] != '"') continue; /* [1, 2] = [1,2] */
      out[k++] = c;
    }
  }
  if (k + 2 >= n) return false;
  out[k++] = '}';
  out[k] = 0;
  return true;
}

static bool is_visible(const char *ev) {
  for (size_t k = 0; k < sizeof visible / sizeof visible[0]; k++)
    if (!strcmp(ev, visible[k])) return true;
  return false;
}

bool wast_tc_read(const char *path, wast_tc_events *l, char *why,
                  size_t whyn) {
  FILE *f = wast_open_lines(path, why, whyn);
  if (!f) return false;
  char *line = NULL, *norm = NULL;
  size_t cap = 0, normcap = 0;
  uint32_t no = 0;
  ssize_t len;
  bool ok = true;
  while (ok && (len = getline(&line, &cap, f)) >= 0) {
    no++;
    if (no == 1) {
      if (!strstr(line, "\"trace\":")) {
        snprintf(why, whyn, "line 1 is not a trace header");
        ok = false;
      }
      continue;
    }
    if (line[strspn(line, " \t\r\n")] == 0) continue; /* a blank line */
    char ev[64];
    if (!event_name(line, ev, sizeof ev)) {
      snprintf(why, whyn, "line %u has no \"ev\"", no);
      ok = false;
    } else if (!strcmp(ev, "choice")) {
      const char *c = strstr(line, "\"chosen\"");
      if (c) {
        c += 8;
        while (*c == ' ' || *c == ':') c++;
        push_choice(l, (uint32_t)strtoul(c, NULL, 10));
      }
    } else if (is_visible(ev)) {
      if (normcap < (size_t)len + 64) {
        normcap = (size_t)len + 64;
        free(norm);
        norm = canon_xmalloc(normcap);
      }
      if (!normalize(line, norm, normcap)) {
        snprintf(why, whyn, "line %u is not a flat JSON object", no);
        ok = false;
      } else {
        push(l, norm, no);
      }
    }
  }
  if (ok && no == 0) {
    snprintf(why, whyn, "empty: not a trace (docs/trace-format.md)");
    ok = false;
  }
  free(line);
  free(norm);
  fclose(f);
  if (!ok) wast_tc_events_free(l);
  return ok;
}

/* The sink's state during one run. */
typedef struct matcher {
  const wast_tc_events *theirs;
  wast_tc_run *r;
  bool stop; /* the runner's stop flag: set at the divergence */
  char *norm;
  size_t normcap;
} matcher;

/* canon_trace_sink: compares each guest-visible event of ours with their
 * next one as it is made. */
static void on_event(void *ctx, const char *line, size_t len) {
  matcher *m = ctx;
  if (m->stop) return; /* the rest of this run cannot matter */
  char ev[64];
  if (!event_name(line, ev, sizeof ev) || !is_visible(ev)) return;
  if (m->normcap < len + 64) {
    m->normcap = len + 64;
    free(m->norm);
    m->norm = canon_xmalloc(m->normcap);
  }
  /* cmref writes flat objects only: an event it cannot read back is
   * compared as written (and then cannot equal theirs) */
  if (!normalize(line, m->norm, m->normcap))
    snprintf(m->norm, m->normcap, "%.*s", (int)len, line);
  wast_tc_run *r = m->r;
  if (r->matched < m->theirs->n &&
      !strcmp(m->norm, m->theirs->v[r->matched])) {
    r->matched++;
    return;
  }
  r->diverged = true;
  r->ours = strdup(m->norm);
  if (!r->ours) canon_out_of_memory();
  r->choices_before = r->log.len;
  m->stop = true;
}

void wast_tc_run_once(wast_rerun *script, const wast_options *base,
                      const wast_tc_events *theirs, const uint32_t *forced,
                      uint32_t nforced, wast_tc_run *r) {
  memset(r, 0, sizeof *r);
  matcher m = {theirs, r, false, NULL, 0};
  wast_options opt = *base;
  static const uint32_t none[1] = {0};
  opt.comp.forced = forced ? forced : none;
  opt.comp.nforced = nforced;
  opt.comp.log = &r->log;
  opt.comp.trace = NULL;
  opt.comp.trace_sink = on_event;
  opt.comp.trace_sink_ctx = &m;
  opt.comp.stop = &m.stop;
  wast_file_result f;
  memset(&f, 0, sizeof f);
  wast_rerun_run(script, &opt, &f);
  wast_file_result_free(&f);
  free(m.norm);
  if (!r->diverged) r->choices_before = r->log.len;
}

void wast_tc_run_free(wast_tc_run *r) {
  free(r->ours);
  canon_choice_log_free(&r->log);
  memset(r, 0, sizeof *r);
}

/* A trace with `choice` events: one run with those choices. */
static int replay(wast_rerun *script, const char *theirs_path,
                  const wast_tc_events *theirs, const wast_options *base,
                  FILE *out) {
  wast_tc_run r;
  wast_tc_run_once(script, base, theirs, theirs->choices, theirs->nchoices,
                   &r);
  int rc = WAST_CHECK_NOT_ALLOWED;
  uint32_t i = r.matched;
  if (r.diverged && i < theirs->n) {
    fprintf(out, "%s:%u: differs from cmref's guest-visible event %u:\n"
            "  cmref:  %s\n  theirs: %s\n",
            theirs_path, theirs->line[i], i + 1, r.ours, theirs->v[i]);
  } else if (r.diverged) {
    fprintf(out, "%s: ends early after %u equal guest-visible events; next "
            "in cmref's trace: %s\n", theirs_path, i, r.ours);
  } else if (i < theirs->n) {
    fprintf(out, "%s: goes on after %u equal guest-visible events; next in "
            "cmref's trace: (nothing)\n", theirs_path, i);
  } else {
    fprintf(out, "%s: matches cmref: %u guest-visible events (%u choices "
            "replayed)\n", theirs_path, i, theirs->nchoices);
    rc = WAST_CHECK_ALLOWED;
  }
  wast_tc_run_free(&r);
  return rc;
}

int wast_check_trace(const char *script, const char *theirs_path,
                     const wast_options *base, uint32_t budget, FILE *out) {
  wast_tc_events theirs = {0};
  char why[256];
  if (!wast_tc_read(theirs_path, &theirs, why, sizeof why)) {
    fprintf(out, "%s: %s\n", theirs_path, why);
    return WAST_CHECK_ERROR;
  }
  if (!budget) budget = WAST_CHECK_DEFAULT_BUDGET;
  wast_rerun rerun;
  wast_rerun_init(&rerun, script);
  int rc = theirs.nchoices
               ? replay(&rerun, theirs_path, &theirs, base, out)
               : wast_tc_search(&rerun, theirs_path, &theirs, base, budget,
                                out);
  wast_rerun_free(&rerun);
  wast_tc_events_free(&theirs);
  return rc;
}
