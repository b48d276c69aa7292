/* leb.c -- LEB128 readers and writers (see leb.h).  The readers follow the
 * spec's recursive definition of uN / sN byte by byte: with n bits still
 * to read, a byte is acceptable only if n > 0, and when n < 7 its payload
 * bits beyond n must be zero (unsigned) or all equal to the sign (signed). */
#include "leb.h"

#include <stdbool.h>

/* With n < 7 bits still to read, the unused payload bits of the last byte
 * must extend the value: zero for uN, copies of the sign bit for sN. */
static bool last_byte_ok(uint8_t b, int n, bool is_signed) {
  if (!is_signed) return (b & 0x7f) < (1u << n);
  uint8_t mask = (uint8_t)((0x7fu << (n - 1)) & 0x7f);
  return (b & mask) == 0 || (b & mask) == mask;
}

leb_status leb_read(const uint8_t *p, size_t avail, unsigned bits,
                    bool is_signed, uint64_t *out, size_t *used) {
  uint64_t v = 0;
  int n = (int)bits;
  for (size_t i = 0;; i++) {
    if (n <= 0) {
      *used = i;
      return LEB_TOO_LONG;
    }
    if (i >= avail) {
      *used = avail;
      return LEB_EOF;
    }
    uint8_t b = p[i];
    if (n < 7 && !last_byte_ok(b, n, is_signed)) {
      *used = i;
      return LEB_TOO_LARGE;
    }
    /* i <= 9 here (n > 0), so the shift is at most 63. */
    unsigned shift = 7 * (unsigned)i;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (is_signed && (b & 0x40) && shift + 7 < 64)
        v |= ~(uint64_t)0 << (shift + 7);
      *out = v;
      *used = i + 1;
      return LEB_OK;
    }
    n -= 7;
  }
}

leb_status leb_read_u(const uint8_t *p, size_t avail, unsigned bits,
                      uint64_t *out, size_t *used) {
  return leb_read(p, avail, bits, false, out, used);
}

leb_status leb_read_s(const uint8_t *p, size_t avail, unsigned bits,
                      int64_t *out, size_t *used) {
  uint64_t v;
  leb_status st = leb_read(p, avail, bits, true, &v, used);
  if (st == LEB_OK) *out = (int64_t)v;
  return st;
}

size_t leb_write_u(uint8_t out[10], uint64_t v) {
  size_t n = 0;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
  } while (v);
  return n;
}

size_t leb_write_s(uint8_t out[10], int64_t sv) {
  /* Arithmetic on the unsigned image: right shifts of negative values are
   * implementation-defined in C. */
  uint64_t v = (uint64_t)sv;
  size_t n = 0;
  for (;;) {
    uint8_t b = v & 0x7f;
    uint64_t sign = (v & ((uint64_t)1 << 63)) ? ~(uint64_t)0 << 57 : 0;
    v = (v >> 7) | sign;
    bool done = (v == 0 && !(b & 0x40)) || (v == ~(uint64_t)0 && (b & 0x40));
    out[n++] = (uint8_t)(b | (done ? 0 : 0x80));
    if (done) return n;
  }
}

void leb_put_u(canon_buf *b, uint64_t v) {
  uint8_t tmp[10];
  canon_buf_add(b, tmp, leb_write_u(tmp, v));
}

void leb_put_s(canon_buf *b, int64_t v) {
  uint8_t tmp[10];
  canon_buf_add(b, tmp, leb_write_s(tmp, v));
}
