/* eqpath.c -- see eqpath.h. */
#include "eqpath.h"

#include <stdarg.h>
#include <stdio.h>

void cm_eq_init(cm_eq *e, char *why, size_t n) {
  e->path[0] = 0;
  e->plen = 0;
  e->why = why;
  e->n = n;
  if (why && n) why[0] = 0;
}

size_t cm_eq_push(cm_eq *e, const char *fmt, ...) {
  size_t save = e->plen;
  if (e->plen < sizeof e->path) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(e->path + e->plen, sizeof e->path - e->plen, fmt, ap);
    va_end(ap);
    if (k > 0) e->plen += (size_t)k;
    if (e->plen >= sizeof e->path) e->plen = sizeof e->path - 1;
  }
  return save;
}

void cm_eq_pop(cm_eq *e, size_t save) {
  e->plen = save;
  e->path[save] = 0;
}

bool cm_eq_presence(cm_eq *e, const char *field, const void *a,
                    const void *b) {
  if (a == b) return true;
  return cm_eq_diff(e, field, "%s vs %s", a ? "present" : "missing",
                    b ? "present" : "missing");
}

bool cm_eq_diff(cm_eq *e, const char *field, const char *fmt, ...) {
  if (!e->why || !e->n) return false;
  char detail[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  snprintf(e->why, e->n, "%s%s%s: %s", e->path, *e->path && *field ? "." : "",
           field, detail);
  return false;
}
