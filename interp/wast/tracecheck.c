/* tracecheck.c -- `cmref run --check-trace THEIRS.jsonl SCRIPT.wast`: checks
 * another runtime's trace of a script against cmref's (docs/trace-format.md
 * "Checking another runtime's trace").
 *
 * cmref runs the script taking the choices recorded in their trace (their
 * `choice` events, if any; else the Deterministic Profile), writing its own
 * trace, and compares the guest-visible events of both in order.  Events
 * are compared member by member (in any order, without `seq`, spaces
 * outside strings ignored); values must be written as cmref writes them
 * (integers in decimal, booleans as true/false). */
#include <stdlib.h>
#include <string.h>

#include "wast.h"
#include "../util/oom.h"

static const char *const visible[] = {
    "invoke",      "invoke.return", "invoke.trap", "lift.call",
    "lift.return", "callback",      "lower.call",  "lower.return",
    "builtin",     "event",
};

typedef struct evlist {
  char **v;
  uint32_t *line; /* line in the file, for messages */
  uint32_t n, cap;
  uint32_t *choices;
  uint32_t nchoices, capchoices;
} evlist;

static void push(evlist *l, const char *s, uint32_t line) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    l->line = realloc(l->line, l->cap * sizeof *l->line);
    if (!l->v || !l->line) cm_out_of_memory();
  }
  l->v[l->n] = strdup(s);
  if (!l->v[l->n]) cm_out_of_memory();
  l->line[l->n++] = line;
}

static void push_choice(evlist *l, uint32_t c) {
  if (l->nchoices == l->capchoices) {
    l->capchoices = l->capchoices ? 2 * l->capchoices : 64;
    l->choices = realloc(l->choices, l->capchoices * sizeof *l->choices);
    if (!l->choices) cm_out_of_memory();
  }
  l->choices[l->nchoices++] = c;
}

static void free_list(evlist *l) {
  for (uint32_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  free(l->line);
  free(l->choices);
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

/* Reads a trace: its guest-visible events and its choices. */
static bool read_trace(FILE *f, evlist *l, char *why, size_t whyn) {
  char *line = NULL;
  size_t cap = 0;
  uint32_t no = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    no++;
    if (no == 1) {
      if (!strstr(line, "\"trace\":")) {
        snprintf(why, whyn, "line 1 is not a trace header");
        free(line);
        return false;
      }
      continue;
    }
    char ev[64];
    if (!event_name(line, ev, sizeof ev)) {
      snprintf(why, whyn, "line %u has no \"ev\"", no);
      free(line);
      return false;
    }
    if (!strcmp(ev, "choice")) {
      const char *c = strstr(line, "\"chosen\"");
      if (c) {
        c += 8;
        while (*c == ' ' || *c == ':') c++;
        push_choice(l, (uint32_t)strtoul(c, NULL, 10));
      }
      continue;
    }
    for (size_t k = 0; k < sizeof visible / sizeof visible[0]; k++)
      if (!strcmp(ev, visible[k])) {
        char *norm = malloc((size_t)len + 64);
        if (!norm) cm_out_of_memory();
        if (!normalize(line, norm, (size_t)len + 64)) {
          snprintf(why, whyn, "line %u is not a flat JSON object", no);
          free(norm);
          free(line);
          return false;
        }
        push(l, norm, no);
        free(norm);
        break;
      }
  }
  free(line);
  return true;
}

int wast_check_trace(const char *script, const char *theirs_path,
                     const wast_options *base, FILE *out) {
  evlist theirs = {0}, ours = {0};
  char why[256];
  FILE *tf = fopen(theirs_path, "r");
  if (!tf) {
    fprintf(out, "cannot read %s\n", theirs_path);
    return 2;
  }
  bool ok = read_trace(tf, &theirs, why, sizeof why);
  fclose(tf);
  if (!ok) {
    fprintf(out, "%s: %s\n", theirs_path, why);
    free_list(&theirs);
    return 2;
  }
  FILE *mine = tmpfile();
  if (!mine) {
    fprintf(out, "cannot make a temporary file\n");
    free_list(&theirs);
    return 2;
  }
  wast_options opt = *base;
  static const uint32_t none[1] = {0};
  opt.comp.forced = theirs.nchoices ? theirs.choices : none;
  opt.comp.nforced = theirs.nchoices;
  opt.comp.trace = mine;
  wast_file_result f;
  memset(&f, 0, sizeof f);
  wast_run_file(script, &opt, &f);
  for (size_t i = 0; i < f.ncmds; i++) free(f.cmds[i].message);
  free(f.cmds);
  free(f.file);
  rewind(mine);
  read_trace(mine, &ours, why, sizeof why);
  fclose(mine);
  int rc = 0;
  uint32_t n = ours.n < theirs.n ? ours.n : theirs.n;
  uint32_t i = 0;
  while (i < n && !strcmp(ours.v[i], theirs.v[i])) i++;
  if (i < n) {
    fprintf(out, "%s:%u: differs from cmref's guest-visible event %u:\n"
            "  cmref:  %s\n  theirs: %s\n",
            theirs_path, theirs.line[i], i + 1, ours.v[i], theirs.v[i]);
    rc = 1;
  } else if (ours.n != theirs.n) {
    fprintf(out, "%s: %s after %u equal guest-visible events; next in "
            "cmref's trace: %s\n", theirs_path,
            ours.n > theirs.n ? "ends early" : "goes on", n,
            ours.n > theirs.n ? ours.v[n] : "(nothing)");
    rc = 1;
  } else {
    fprintf(out, "%s: matches cmref: %u guest-visible events (%u choices "
            "replayed)\n", theirs_path, n, theirs.nchoices);
  }
  free_list(&theirs);
  free_list(&ours);
  return rc;
}
