/* leb.c -- LEB128 readers and writers (see leb.h).  The readers follow the
 * spec's recursive definition of uN / sN byte by byte: with n bits still
 * to read, a byte is acceptable only if n > 0, and when n < 7 its payload
 * bits beyond n must be zero (unsigned) or all equal to the sign (signed). */
#include "leb.h"

#include <stdbool.h>

leb_status leb_read_u(const uint8_t *p, size_t avail, unsigned bits,
                      uint64_t *out, size_t *used) {
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
    if (n < 7 && (b & 0x7f) >= (1u << n)) {
      *used = i;
      return LEB_TOO_LARGE;
    }
    /* i <= 9 here (n > 0), so the shift is at most 63. */
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *out = v;
      *used = i + 1;
      return LEB_OK;
    }
    n -= 7;
  }
}

leb_status leb_read_s(const uint8_t *p, size_t avail, unsigned bits,
                      int64_t *out, size_t *used) {
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
    if (n < 7) {
      uint8_t mask = (uint8_t)((0x7fu << (n - 1)) & 0x7f);
      if ((b & mask) != 0 && (b & mask) != mask) {
        *used = i;
        return LEB_TOO_LARGE;
      }
    }
    unsigned shift = 7 * (unsigned)i;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if ((b & 0x40) && shift + 7 < 64) v |= ~(uint64_t)0 << (shift + 7);
      *out = (int64_t)v;
      *used = i + 1;
      return LEB_OK;
    }
    n -= 7;
  }
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
