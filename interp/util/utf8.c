/* utf8.c -- well-formed UTF-8 (see utf8.h).  The byte ranges of the second
 * byte after E0, ED, F0 and F4 are what exclude overlong forms, surrogates
 * and code points above U+10FFFF without decoding. */
#include "utf8.h"

size_t utf8_char_len(const uint8_t *p, size_t n) {
  unsigned c = p[0];
#define CONT(i) (n > (i) && (p[i] & 0xC0) == 0x80)
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return CONT(1) ? 2 : 0;
  if (c == 0xE0)
    return n > 2 && p[1] >= 0xA0 && p[1] <= 0xBF && CONT(2) ? 3 : 0;
  if (c == 0xED)
    return n > 2 && p[1] >= 0x80 && p[1] <= 0x9F && CONT(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return CONT(1) && CONT(2) ? 3 : 0;
  if (c == 0xF0)
    return n > 3 && p[1] >= 0x90 && p[1] <= 0xBF && CONT(2) && CONT(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return CONT(1) && CONT(2) && CONT(3) ? 4 : 0;
  if (c == 0xF4)
    return n > 3 && p[1] >= 0x80 && p[1] <= 0x8F && CONT(2) && CONT(3) ? 4 : 0;
#undef CONT
  return 0;
}

bool utf8_valid(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t k = utf8_char_len(s + i, n - i);
    if (!k) return false;
    i += k;
  }
  return true;
}
