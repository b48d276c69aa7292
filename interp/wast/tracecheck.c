/* tracecheck.c -- `cmref run --check-trace THEIRS.jsonl SCRIPT.wast`: checks
 * another runtime's trace of a script against cmref's (docs/trace-format.md
 * "Checking another runtime's trace").
 *
 * cmref runs the script taking the choices recorded in their trace (their
 * `choice` events, if any; else the Deterministic Profile), writing its own
 * trace, and compares the guest-visible events of both in order.  Events
 * are compared as their JSON text without the `seq` field, so a runtime
 * writes them in the canonical form of trace-format.md (fields in the
 * documented order, no spaces). */
#include <stdlib.h>
#include <string.h>

#include "wast.h"

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
    if (!l->v || !l->line) abort();
  }
  l->v[l->n] = strdup(s);
  if (!l->v[l->n]) abort();
  l->line[l->n++] = line;
}

static void push_choice(evlist *l, uint32_t c) {
  if (l->nchoices == l->capchoices) {
    l->capchoices = l->capchoices ? 2 * l->capchoices : 64;
    l->choices = realloc(l->choices, l->capchoices * sizeof *l->choices);
    if (!l->choices) abort();
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
  const char *p = strstr(line, "\"ev\":\"");
  if (!p) return false;
  p += 6;
  size_t k = 0;
  while (*p && *p != '"' && k + 1 < n) out[k++] = *p++;
  out[k] = 0;
  return *p == '"';
}

/* The line without its "seq":N field and trailing newline. */
static void normalize(const char *line, char *out, size_t n) {
  const char *p = strstr(line, "\"seq\":");
  size_t k = 0;
  for (const char *q = line; *q && *q != '\n' && k + 1 < n; q++) {
    if (q == p) {
      q += 6;
      while (*q >= '0' && *q <= '9') q++;
      if (*q == ',') continue; /* skip the comma too */
      q--;
      continue;
    }
    out[k++] = *q;
  }
  out[k] = 0;
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
      const char *c = strstr(line, "\"chosen\":");
      if (c) push_choice(l, (uint32_t)strtoul(c + 9, NULL, 10));
      continue;
    }
    for (size_t k = 0; k < sizeof visible / sizeof visible[0]; k++)
      if (!strcmp(ev, visible[k])) {
        char *norm = malloc((size_t)len + 1);
        if (!norm) abort();
        normalize(line, norm, (size_t)len + 1);
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
