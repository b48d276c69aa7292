/* buf.h -- a growable byte buffer for canon/ (printing types and values,
 * encoding strings).  Header-only; allocation failure ends the run with a
 * message (canon_out_of_memory): a reference interpreter has nothing
 * useful to do without memory. */
#ifndef CANON_BUF_H
#define CANON_BUF_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

typedef struct canon_buf {
  char *p;
  size_t n, cap;
} canon_buf;

static inline void canon_buf_reserve(canon_buf *b, size_t extra) {
  if (extra >= SIZE_MAX - b->n) canon_out_of_memory();
  CANON_RESERVE(b->p, b->n + extra + 1, b->cap, 64);
}

static inline void canon_buf_add(canon_buf *b, const void *s, size_t n) {
  canon_buf_reserve(b, n);
  if (n) memcpy(b->p + b->n, s, n); /* s may be NULL when n is 0 */
  b->n += n;
  b->p[b->n] = 0;
}

static inline void canon_buf_byte(canon_buf *b, uint8_t c) {
  canon_buf_add(b, &c, 1);
}

static inline void canon_buf_str(canon_buf *b, const char *s) {
  canon_buf_add(b, s, strlen(s));
}

static inline void canon_buf_printf(canon_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void canon_buf_printf(canon_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  canon_buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)n;
}

/* Returns the (NUL-terminated, possibly empty) contents, trimmed to
 * their size (a buffer starts at 64 bytes: a reader that keeps many short
 * strings, such as a trace's members, would hold 64 for each); the buffer
 * is left empty. */
static inline char *canon_buf_take(canon_buf *b) {
  if (!b->p) {
    b->p = (char *)canon_xrealloc(NULL, 1);
    b->p[0] = 0;
  } else if (b->cap > b->n + 1) {
    b->p = (char *)canon_xrealloc(b->p, b->n + 1);
  }
  char *p = b->p;
  b->p = NULL;
  b->n = b->cap = 0;
  return p;
}

/* Appends code point c (a Unicode scalar value) as UTF-8. */
static inline void canon_buf_utf8(canon_buf *b, uint32_t c) {
  uint8_t s[4];
  size_t n;
  if (c < 0x80) {
    s[0] = (uint8_t)c;
    n = 1;
  } else if (c < 0x800) {
    s[0] = (uint8_t)(0xC0 | (c >> 6));
    s[1] = (uint8_t)(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    s[0] = (uint8_t)(0xE0 | (c >> 12));
    s[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    s[2] = (uint8_t)(0x80 | (c & 0x3F));
    n = 3;
  } else {
    s[0] = (uint8_t)(0xF0 | (c >> 18));
    s[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    s[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    s[3] = (uint8_t)(0x80 | (c & 0x3F));
    n = 4;
  }
  canon_buf_add(b, s, n);
}

/* Decodes the code point at s[*i] of a string already known to be valid
 * UTF-8 and advances *i. */
static inline uint32_t canon_utf8_next(const char *s, size_t *i) {
  const uint8_t *p = (const uint8_t *)s + *i;
  if (p[0] < 0x80) {
    *i += 1;
    return p[0];
  }
  if (p[0] < 0xE0) {
    *i += 2;
    return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (p[0] < 0xF0) {
    *i += 3;
    return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
           (p[2] & 0x3F);
  }
  *i += 4;
  return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
         ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

#endif
