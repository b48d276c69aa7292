/* diag.c -- see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void cm_error_init(cm_error *e) {
  memset(e, 0, sizeof *e);
  e->offset = -1;
}

/* The first error is kept: true when e takes this one (kind and message
 * set; the caller adds the position). */
static bool set_v(cm_error *e, cm_errkind kind, const char *fmt, va_list ap) {
  if (!e || e->kind != CM_OK) return false;
  e->kind = kind;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  return true;
}

void cm_error_vset(cm_error *e, cm_errkind kind, const char *fmt,
                   va_list ap) {
  set_v(e, kind, fmt, ap);
}

void cm_error_vat_offset(cm_error *e, cm_errkind kind, int64_t offset,
                         const char *fmt, va_list ap) {
  if (set_v(e, kind, fmt, ap)) e->offset = offset;
}

void cm_error_set(cm_error *e, cm_errkind kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cm_error_vset(e, kind, fmt, ap);
  va_end(ap);
}

void cm_error_at_offset(cm_error *e, cm_errkind kind, int64_t offset,
                        const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cm_error_vat_offset(e, kind, offset, fmt, ap);
  va_end(ap);
}

void cm_error_at(cm_error *e, cm_errkind kind, const char *file, uint32_t line,
                 uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bool set = set_v(e, kind, fmt, ap);
  va_end(ap);
  if (!set) return;
  e->file = file;
  e->line = line;
  e->col = col;
}

void cm_error_format(const cm_error *e, char *buf, unsigned n) {
  const char *file = e->file ? e->file : "";
  if (e->line)
    snprintf(buf, n, "%s%s%u:%u: %s", file, *file ? ":" : "", e->line, e->col,
             e->msg);
  else if (e->offset >= 0)
    snprintf(buf, n, "%s%sat byte offset %lld: %s", file, *file ? ": " : "",
             (long long)e->offset, e->msg);
  else
    snprintf(buf, n, "%s%s%s", file, *file ? ": " : "", e->msg);
}

const char *cm_errkind_name(cm_errkind k) {
  switch (k) {
  case CM_OK: return "ok";
  case CM_MALFORMED: return "malformed";
  case CM_INVALID: return "invalid";
  case CM_UNSUPPORTED: return "unsupported";
  case CM_LINK: return "unlinkable";
  case CM_IO: return "error";
  }
  return "error";
}

void cm_error_print(FILE *out, const char *path, const cm_error *e) {
  const char *file = e->file && *e->file ? e->file : path;
  const char *kind = cm_errkind_name(e->kind);
  /* "unsupported feature: NAME" already says what kind it is */
  if (e->kind == CM_UNSUPPORTED &&
      strncmp(e->msg, "unsupported feature:", 20) == 0)
    kind = "refused";
  if (e->line)
    fprintf(out, "%s:%u:%u: %s: %s\n", file, e->line, e->col, kind, e->msg);
  else if (e->offset >= 0)
    fprintf(out, "%s: at byte offset %lld: %s: %s\n", file,
            (long long)e->offset, kind, e->msg);
  else
    fprintf(out, "%s: %s: %s\n", file, kind, e->msg);
}
