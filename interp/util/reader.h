/* reader.h -- the byte reader of both binary decoders (core/binary.c and
 * component/binary.c): bytes, LEB128 integers (util/leb.h) and names over
 * [b, end), with the first error recorded in a cm_error and a sticky flag
 * that makes every later read return zero, so that a decoder reads
 * straight down and checks the flag at loop heads.
 *
 * The two formats word running out of input differently (the core spec
 * interpreter: "unexpected end of section or function", at the end of the
 * input; wasm-tools: "unexpected end-of-file", at the read), so each
 * decoder says which in eof_msg and eof_at_end. */
#ifndef CM_READER_H
#define CM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "leb.h"

typedef struct cm_reader {
  const uint8_t *b;
  size_t pos;
  size_t end; /* reads stop here */
  cm_error *err;
  bool bad; /* an error has been recorded */
  const char *eof_msg;
  bool eof_at_end; /* the end of input is reported at `end`, else at `pos` */
  /* A count larger than the bytes left: the core spec interpreter counts
   * them from the start of the count and says len_msg there; with len_msg
   * NULL (wasm-tools) they are counted after it and the count is the end
   * of input. */
  const char *len_msg;
} cm_reader;

/* Records the first error, at byte offset `at`. */
void cm_rd_fail(cm_reader *r, size_t at, cm_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The input ended inside a read. */
void cm_rd_eof(cm_reader *r);

/* An LEB128 that did not read (leb_read's status and *used). */
void cm_rd_leb_fail(cm_reader *r, leb_status st, size_t used);

/* The reads of every byte are inline: the decoders spend their time here. */

/* The next byte without reading it, or -1 (at the end, or after an
 * error). */
static inline int cm_rd_peek(const cm_reader *r) {
  return (!r->bad && r->pos < r->end) ? r->b[r->pos] : -1;
}

static inline uint8_t cm_rd_byte(cm_reader *r) {
  if (r->bad) return 0;
  if (r->pos >= r->end) {
    cm_rd_eof(r);
    return 0;
  }
  return r->b[r->pos++];
}

/* uN or sN (as its two's complement bits). */
static inline uint64_t cm_rd_leb(cm_reader *r, unsigned bits, bool is_signed) {
  if (r->bad) return 0;
  uint64_t v = 0;
  size_t used;
  leb_status st =
      leb_read(r->b + r->pos, r->end - r->pos, bits, is_signed, &v, &used);
  if (st != LEB_OK) {
    cm_rd_leb_fail(r, st, used);
    return 0;
  }
  r->pos += used;
  return v;
}

static inline uint32_t cm_rd_u32(cm_reader *r) {
  return (uint32_t)cm_rd_leb(r, 32, false);
}

/* Skips n bytes and returns where they start (NULL past the end). */
static inline const uint8_t *cm_rd_take(cm_reader *r, size_t n) {
  if (r->bad) return NULL;
  if (n > r->end - r->pos) {
    cm_rd_eof(r);
    return NULL;
  }
  const uint8_t *p = r->b + r->pos;
  r->pos += n;
  return p;
}

/* A vec count or a length: never more than the bytes left, since every
 * item takes at least one byte (so a hostile count allocates nothing). */
uint32_t cm_rd_count(cm_reader *r);
/* calloc of n items, n already bounded by the input size; out of memory
 * ends the run. */
void *cm_rd_alloc(cm_reader *r, size_t n, size_t size);
/* A vec's count, then a zeroed array for that many items of `size` bytes:
 * *n is the count, or 0 when the count could not be read (then NULL). */
void *cm_rd_vec(cm_reader *r, uint32_t *n, size_t size);
/* A name: a count, then that many bytes of UTF-8.  Returns a
 * NUL-terminated copy (its length in *len) if `copy`, else the name is only
 * checked (custom sections) and NULL returned; NULL on error. */
char *cm_rd_name(cm_reader *r, uint32_t *len, bool copy);

#endif
