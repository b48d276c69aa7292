/* choices.c -- the command line's say over the scheduler (docs/cli.md
 * "Scheduling"): which scheduling options go together, and reading the
 * choices of a trace for --replay.  An option cmref cannot honour is an
 * error, never silently ignored (--seed without the random policy, a
 * trace that is not one). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/buf.h"
#include "../../canon/grow.h"
#include "../../canon/sched.h"
#include "wast.h"

bool wast_sched_options_check(const wast_comp_options *o, bool explore,
                              bool check_trace, char *why, size_t whyn) {
  if (o->seed_given && !o->sched_random) {
    snprintf(why, whyn, "--seed is for --sched random (the default policy, "
             "deterministic, takes no seed)");
    return false;
  }
  if (o->sched_random && (o->forced || explore || check_trace)) {
    snprintf(why, whyn, "--sched random cannot be combined with %s, which "
             "takes the choices %s",
             explore       ? "--explore"
             : check_trace ? "--check-trace"
             : o->forced_what ? o->forced_what
                              : "forced choices",
             explore ? "one schedule after another" : "given");
    return false;
  }
  return true;
}

/* The unsigned integer value of "key": in line, or -1 if absent. */
static int64_t int_member(const char *line, const char *key) {
  const char *p = strstr(line, key);
  if (!p) return -1;
  p += strlen(key);
  while (*p == ' ') p++;
  if (*p++ != ':') return -1;
  while (*p == ' ') p++;
  if (*p < '0' || *p > '9') return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno || v > UINT32_MAX) return -1;
  return (int64_t)v;
}

/* The string value of "key": in line, as a pointer and length. */
static bool str_member(const char *line, const char *key, const char **s,
                       size_t *n) {
  const char *p = strstr(line, key);
  if (!p) return false;
  p += strlen(key);
  while (*p == ' ') p++;
  if (*p++ != ':') return false;
  while (*p == ' ') p++;
  if (*p++ != '"') return false;
  const char *e = strchr(p, '"');
  if (!e) return false;
  *s = p;
  *n = (size_t)(e - p);
  return true;
}

/* One line: the header (no == 1) or an event; a choice event is added. */
static bool read_line(const char *line, uint32_t no, canon_choice_log *out,
                      char *why, size_t whyn) {
  const char *p = line;
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '{') {
    snprintf(why, whyn, "line %u is not a JSON object: not a trace "
             "(docs/trace-format.md)", no);
    return false;
  }
  if (no == 1) {
    if (!strstr(line, "\"trace\"")) {
      snprintf(why, whyn, "line 1 is not a trace header (it has no "
               "\"trace\" member): not a trace (docs/trace-format.md)");
      return false;
    }
    return true;
  }
  const char *ev;
  size_t evn;
  if (!str_member(line, "\"ev\"", &ev, &evn)) {
    snprintf(why, whyn, "line %u has no \"ev\": not a trace event", no);
    return false;
  }
  if (evn != 6 || memcmp(ev, "choice", 6)) return true;
  const char *k;
  size_t kn;
  canon_choice_kind kind = CANON_NCHOICE_KINDS;
  if (str_member(line, "\"kind\"", &k, &kn))
    kind = canon_choice_kind_named(k, kn);
  int64_t n = int_member(line, "\"n\"");
  int64_t c = int_member(line, "\"chosen\"");
  if (kind == CANON_NCHOICE_KINDS || n < 2 || c < 0 || c >= n) {
    snprintf(why, whyn, "line %u: a choice event needs a known \"kind\", "
             "\"n\" >= 2 and \"chosen\" below n", no);
    return false;
  }
  canon_choice_log_add(out, kind, (uint32_t)n, (uint32_t)c);
  return true;
}

bool wast_read_replay(const char *path, canon_choice_log *out, char *why,
                      size_t whyn) {
  FILE *f = wast_open_lines(path, why, whyn);
  if (!f) return false;
  char *line = NULL;
  size_t cap = 0;
  uint32_t no = 0;
  bool ok = true;
  while (ok && getline(&line, &cap, f) >= 0) {
    no++;
    ok = read_line(line, no, out, why, whyn);
  }
  if (ok && no == 0) {
    snprintf(why, whyn, "empty: not a trace (docs/trace-format.md)");
    ok = false;
  }
  free(line);
  fclose(f);
  if (!ok) canon_choice_log_free(out);
  return ok;
}

bool wast_next_schedule(const canon_choice_log *log, uint32_t len,
                        uint32_t **prefix, uint32_t *nprefix) {
  int64_t k = (int64_t)len - 1;
  while (k >= 0 && log->chosen[k] + 1 >= log->n[k]) k--;
  if (k < 0) return false;
  free(*prefix);
  *nprefix = (uint32_t)k + 1;
  *prefix = canon_xrealloc(NULL, *nprefix * sizeof **prefix);
  memcpy(*prefix, log->chosen, (size_t)k * sizeof **prefix);
  (*prefix)[k] = log->chosen[k] + 1;
  return true;
}
