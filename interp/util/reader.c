/* reader.c -- see reader.h. */
#include "reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "leb.h"
#include "utf8.h"

void cm_rd_fail(cm_reader *r, size_t at, cm_errkind kind, const char *fmt,
                ...) {
  if (r->bad) return;
  va_list ap;
  va_start(ap, fmt);
  cm_error_vat_offset(r->err, kind, (int64_t)at, fmt, ap);
  va_end(ap);
  r->bad = true;
}

void cm_rd_leb_fail(cm_reader *r, leb_status st, size_t used) {
  if (st == LEB_EOF) cm_rd_eof(r);
  else if (st == LEB_TOO_LONG)
    cm_rd_fail(r, r->pos + used, CM_MALFORMED,
               "integer representation too long");
  else cm_rd_fail(r, r->pos + used, CM_MALFORMED, "integer too large");
}

void cm_rd_eof(cm_reader *r) {
  cm_rd_fail(r, r->eof_at_end ? r->end : r->pos, CM_MALFORMED, "%s",
             r->eof_msg);
}

void *cm_rd_alloc(cm_reader *r, size_t n, size_t size) {
  if (r->bad) return NULL;
  void *p = canon_xcalloc(n ? n : 1, size);
  return p;
}

void *cm_rd_vec(cm_reader *r, uint32_t *n, size_t size) {
  uint32_t c = cm_rd_count(r);
  void *p = cm_rd_alloc(r, c, size);
  *n = p ? c : 0;
  return p;
}

uint32_t cm_rd_count(cm_reader *r) {
  size_t at = r->pos;
  uint32_t n = cm_rd_u32(r);
  if (r->bad) return 0;
  if (r->len_msg && n > r->end - at) {
    cm_rd_fail(r, at, CM_MALFORMED, "%s", r->len_msg);
    return 0;
  }
  if (!r->len_msg && n > r->end - r->pos) {
    r->pos = at;
    cm_rd_eof(r);
    return 0;
  }
  return n;
}

char *cm_rd_name(cm_reader *r, uint32_t *len, bool copy) {
  size_t at = r->pos;
  uint32_t n = cm_rd_count(r);
  *len = n;
  const uint8_t *s = cm_rd_take(r, n);
  if (!s) return NULL;
  if (!utf8_valid(s, n)) {
    cm_rd_fail(r, at, CM_MALFORMED, "malformed UTF-8 encoding");
    return NULL;
  }
  if (!copy) return NULL;
  char *out = cm_rd_alloc(r, (size_t)n + 1, 1);
  memcpy(out, s, n);
  out[n] = 0;
  return out;
}
