/* strings.c -- loading and storing strings in the three string encodings,
 * with the spec's realloc protocol for transcoding (CanonicalABI.md
 * "Loading": load_string..., "Storing": store_string...).
 *
 * A string value keeps its text as UTF-8 plus the spec's two hints (source
 * encoding, tagged code units).  The store functions follow the spec step
 * by step, including the order of memory writes relative to realloc calls,
 * since a guest realloc can observe memory: e.g. store_string_to_utf8
 * writes the ASCII prefix before reallocating, and the Latin-1 inflation is
 * done in place in guest memory after the realloc.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "buf.h"
#include "layout.h"
#include "load_store.h"

static canon_flat ptr_type(const canon_LiftLowerContext *cx) {
  return cx->opts->memory->addrtype;
}

static void mem_write(canon_LiftLowerContext *cx, uint64_t addr, const void *src,
                      uint64_t n) {
  if (n) cx->opts->memory->write(cx->opts->memory->env, addr, src, n);
}

/* Loading: load_string */
bool canon_load_string(canon_LiftLowerContext *cx, uint64_t ptr, canon_value **out) {
  uint32_t ps = canon_ptr_size(ptr_type(cx));
  uint64_t begin = canon_load_int(cx, ptr, ps);
  uint64_t tagged_code_units = canon_load_int(cx, ptr + ps, ps);
  return canon_load_string_from_range(cx, begin, tagged_code_units, out);
}

/* Loading: utf16_tag */
uint64_t canon_utf16_tag(canon_flat pt) {
  return 1ull << (canon_ptr_size(pt) * 8 - 1);
}

typedef enum { ENC_UTF8, ENC_UTF16LE, ENC_LATIN1 } simple_encoding;

/* The check of bytes.decode('utf-8'), strict (no surrogates, no overlong
 * forms, nothing above U+10FFFF), eight ASCII bytes at a time where it
 * can: CANON_R_NONE if s[0..n) is well-formed; CANON_R_UTF8_INCOMPLETE if
 * a sequence is cut short by the end of the input; else
 * CANON_R_UTF8_INVALID.  Shared with canon_value_string_hinted. */
canon_rule canon_utf8_check(const uint8_t *s, uint64_t n) {
  uint64_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!(w & 0x8080808080808080u)) {
        i += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    uint64_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0; /* no overlongs */
      if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90; /* no overlongs */
      if (c == 0xF4) hi = 0x8F; /* <= U+10FFFF */
    } else {
      return CANON_R_UTF8_INVALID;
    }
    for (uint64_t k = 1; k < len; k++) {
      if (i + k >= n) return CANON_R_UTF8_INCOMPLETE;
      uint8_t b = s[i + k];
      if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
        return CANON_R_UTF8_INVALID;
    }
    i += len;
  }
  return CANON_R_NONE;
}

/* bytes.decode('utf-8'): the text stays as it is, so this only checks it. */
static bool check_utf8(canon_LiftLowerContext *cx, const uint8_t *s, uint64_t n) {
  canon_rule r = canon_utf8_check(s, n);
  if (r != CANON_R_NONE) CANON_TRAP(CANON_CX_STORE(cx), &cx->trap, r);
  return true;
}

/* bytes.decode('utf-16-le'): unpaired surrogates are errors. */
static bool decode_utf16le(canon_LiftLowerContext *cx, const uint8_t *s, uint64_t n,
                           canon_buf *out) {
  canon_buf_reserve(out, n / 2 * 3); /* at most 3 bytes per code unit */
  for (uint64_t i = 0; i < n; i += 2) {
    uint32_t u = s[i] | (uint32_t)s[i + 1] << 8;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 2 >= n) CANON_TRAP(CANON_CX_STORE(cx), &cx->trap, CANON_R_UTF16_INVALID);
      uint32_t l = s[i + 2] | (uint32_t)s[i + 3] << 8;
      if (l < 0xDC00 || l > 0xDFFF)
        CANON_TRAP(CANON_CX_STORE(cx), &cx->trap, CANON_R_UTF16_INVALID);
      u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      CANON_TRAP(CANON_CX_STORE(cx), &cx->trap, CANON_R_UTF16_INVALID);
    }
    canon_buf_utf8(out, u);
  }
  return true;
}

/* bytes.decode('latin-1'): every byte is the code point U+00XX. */
static void decode_latin1(const uint8_t *s, uint64_t n, canon_buf *out) {
  canon_buf_reserve(out, 2 * n);
  for (uint64_t i = 0; i < n; i++) canon_buf_utf8(out, s[i]);
}

/* Loading: load_string_from_range */
bool canon_load_string_from_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                  uint64_t tagged_code_units,
                                  canon_value **out) {
  uint64_t tag = canon_utf16_tag(ptr_type(cx));
  uint64_t alignment, byte_length;
  simple_encoding encoding;
  /* 2 * n, saturating: Python integers do not wrap. */
#define TWICE(n) ((n) > UINT64_MAX / 2 ? UINT64_MAX : 2 * (n))
  switch (cx->opts->string_encoding) {
  case CANON_UTF8:
    alignment = 1;
    byte_length = tagged_code_units;
    encoding = ENC_UTF8;
    break;
  case CANON_UTF16:
    alignment = 2;
    byte_length = TWICE(tagged_code_units);
    encoding = ENC_UTF16LE;
    break;
  default: /* latin1+utf16 */
    alignment = 2;
    if (tagged_code_units & tag) {
      byte_length = TWICE(tagged_code_units ^ tag);
      encoding = ENC_UTF16LE;
    } else {
      byte_length = tagged_code_units;
      encoding = ENC_LATIN1;
    }
    break;
  }
#undef TWICE
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                byte_length > CANON_MAX_STRING_BYTE_LENGTH,
                CANON_R_STRING_TOO_LONG);
  if (!canon_check_range(cx, ptr, alignment, byte_length,
                         CANON_R_STRING_UNALIGNED,
                         CANON_R_STRING_OUT_OF_BOUNDS))
    return false;
  if (!canon_charge_host_bytes(cx, byte_length + 1)) return false;
  uint8_t *bytes = canon_xrealloc(NULL, byte_length + 1);
  if (byte_length)
    cx->opts->memory->read(cx->opts->memory->env, ptr, bytes, byte_length);
  if (encoding == ENC_UTF8) {
    /* UTF-8 stays UTF-8: the bytes read become the value's text */
    if (!check_utf8(cx, bytes, byte_length)) {
      free(bytes);
      return false;
    }
    *out = canon_value_string_take((char *)bytes, byte_length,
                                   cx->opts->string_encoding,
                                   tagged_code_units);
    return true;
  }
  canon_buf s = {0};
  bool ok = true;
  switch (encoding) {
  case ENC_UTF8:
    break;
  case ENC_UTF16LE:
    ok = decode_utf16le(cx, bytes, byte_length, &s);
    break;
  case ENC_LATIN1:
    decode_latin1(bytes, byte_length, &s);
    break;
  }
  free(bytes);
  if (ok && !canon_charge_host_bytes(cx, s.n)) ok = false;
  if (ok) {
    size_t n = s.n;
    canon_buf_reserve(&s, 1);
    *out = canon_value_string_take(canon_buf_take(&s), n,
                                   cx->opts->string_encoding,
                                   tagged_code_units);
  }
  free(s.p);
  return ok;
}

/* ---- Storing ---- */

/* src.encode(encoding) of a string value's text */
static void encode(const canon_value *v, simple_encoding enc, canon_buf *out) {
  const char *s = v->u.str.utf8;
  size_t n = v->u.str.len, i = 0;
  if (enc == ENC_UTF8) {
    canon_buf_add(out, s, n);
    return;
  }
  canon_buf_reserve(out, enc == ENC_LATIN1 ? n : 2 * n);
  while (i < n) {
    uint32_t c = canon_utf8_next(s, &i);
    if (enc == ENC_LATIN1) {
      assert(c < 256);
      canon_buf_byte(out, (uint8_t)c);
    } else if (c < 0x10000) {
      canon_buf_byte(out, (uint8_t)c);
      canon_buf_byte(out, (uint8_t)(c >> 8));
    } else {
      uint32_t hi = 0xD800 + ((c - 0x10000) >> 10);
      uint32_t lo = 0xDC00 + ((c - 0x10000) & 0x3FF);
      canon_buf_byte(out, (uint8_t)hi);
      canon_buf_byte(out, (uint8_t)(hi >> 8));
      canon_buf_byte(out, (uint8_t)lo);
      canon_buf_byte(out, (uint8_t)(lo >> 8));
    }
  }
}

static bool store_string_copy(canon_LiftLowerContext *cx, const canon_value *src,
                              uint64_t src_code_units,
                              uint32_t dst_code_unit_size,
                              uint32_t dst_alignment,
                              simple_encoding dst_encoding, uint64_t *out_ptr,
                              uint64_t *out_units);
static bool store_utf16_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                uint64_t src_code_units, uint64_t *out_ptr,
                                uint64_t *out_units);
static bool store_latin1_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                 uint64_t src_code_units, uint64_t *out_ptr,
                                 uint64_t *out_units);
static bool store_utf8_to_utf16(canon_LiftLowerContext *cx, const canon_value *src,
                                uint64_t src_code_units, uint64_t *out_ptr,
                                uint64_t *out_units);
static bool store_string_to_latin1_or_utf16(canon_LiftLowerContext *cx,
                                            const canon_value *src,
                                            uint64_t src_code_units,
                                            uint64_t *out_ptr,
                                            uint64_t *out_units);
static bool store_probably_utf16_to_latin1_or_utf16(canon_LiftLowerContext *cx,
                                                    const canon_value *src,
                                                    uint64_t src_code_units,
                                                    uint64_t *out_ptr,
                                                    uint64_t *out_units);

/* Storing: store_string */
bool canon_store_string(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr) {
  uint64_t begin, tagged_code_units;
  if (!canon_store_string_into_range(cx, v, &begin, &tagged_code_units))
    return false;
  uint32_t ps = canon_ptr_size(ptr_type(cx));
  canon_store_int(cx, begin, ptr, ps);
  canon_store_int(cx, tagged_code_units, ptr + ps, ps);
  return true;
}

/* Storing: store_string_into_range */
bool canon_store_string_into_range(canon_LiftLowerContext *cx, const canon_value *v,
                                   uint64_t *p, uint64_t *u) {
  canon_string_encoding src_encoding = v->u.str.encoding;
  uint64_t src_tagged_code_units = v->u.str.tagged_code_units;
  /* The spec takes the tag of the destination memory's pointer size. */
  uint64_t tag = canon_utf16_tag(ptr_type(cx));
  simple_encoding src_simple_encoding;
  uint64_t src_code_units;
  if (src_encoding == CANON_LATIN1_UTF16) {
    if (src_tagged_code_units & tag) {
      src_simple_encoding = ENC_UTF16LE;
      src_code_units = src_tagged_code_units ^ tag;
    } else {
      src_simple_encoding = ENC_LATIN1;
      src_code_units = src_tagged_code_units;
    }
  } else {
    src_simple_encoding = src_encoding == CANON_UTF8 ? ENC_UTF8 : ENC_UTF16LE;
    src_code_units = src_tagged_code_units;
  }

  switch (cx->opts->string_encoding) {
  case CANON_UTF8:
    switch (src_simple_encoding) {
    case ENC_UTF8:
      return store_string_copy(cx, v, src_code_units, 1, 1, ENC_UTF8, p, u);
    case ENC_UTF16LE:
      return store_utf16_to_utf8(cx, v, src_code_units, p, u);
    case ENC_LATIN1:
      return store_latin1_to_utf8(cx, v, src_code_units, p, u);
    }
    break;
  case CANON_UTF16:
    switch (src_simple_encoding) {
    case ENC_UTF8:
      return store_utf8_to_utf16(cx, v, src_code_units, p, u);
    case ENC_UTF16LE:
    case ENC_LATIN1:
      return store_string_copy(cx, v, src_code_units, 2, 2, ENC_UTF16LE, p, u);
    }
    break;
  case CANON_LATIN1_UTF16:
    switch (src_encoding) {
    case CANON_UTF8:
    case CANON_UTF16:
      return store_string_to_latin1_or_utf16(cx, v, src_code_units, p, u);
    case CANON_LATIN1_UTF16:
      if (src_simple_encoding == ENC_LATIN1)
        return store_string_copy(cx, v, src_code_units, 1, 2, ENC_LATIN1, p, u);
      return store_probably_utf16_to_latin1_or_utf16(cx, v, src_code_units, p,
                                                      u);
    }
    break;
  }
  assert(!"store_string_into_range: bad encoding");
  return false;
}

/* Storing: store_string_copy */
static bool store_string_copy(canon_LiftLowerContext *cx, const canon_value *src,
                              uint64_t src_code_units,
                              uint32_t dst_code_unit_size,
                              uint32_t dst_alignment,
                              simple_encoding dst_encoding, uint64_t *out_ptr,
                              uint64_t *out_units) {
  uint64_t dst_byte_length = dst_code_unit_size * src_code_units;
  assert(dst_byte_length <= CANON_REALLOC_I32_MAX);
  uint64_t ptr;
  if (!canon_allocate_range(cx, dst_alignment, dst_byte_length, CANON_R_STRING_COPY_UNALIGNED,
                            CANON_R_STRING_COPY_OUT_OF_BOUNDS, &ptr))
    return false;
  if (dst_encoding == ENC_UTF8) { /* the text is UTF-8 already */
    assert(dst_byte_length == src->u.str.len);
    mem_write(cx, ptr, src->u.str.utf8, src->u.str.len);
  } else {
    canon_buf encoded = {0};
    encode(src, dst_encoding, &encoded);
    assert(dst_byte_length == encoded.n);
    mem_write(cx, ptr, encoded.p, encoded.n);
    free(encoded.p);
  }
  *out_ptr = ptr;
  *out_units = src_code_units;
  return true;
}

static bool store_string_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                 uint64_t src_code_units,
                                 uint64_t worst_case_size, uint64_t *out_ptr,
                                 uint64_t *out_units);

/* Storing: store_utf16_to_utf8 */
static bool store_utf16_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                uint64_t src_code_units, uint64_t *out_ptr,
                                uint64_t *out_units) {
  uint64_t worst_case_size = src_code_units * 3;
  return store_string_to_utf8(cx, src, src_code_units, worst_case_size,
                              out_ptr, out_units);
}

/* Storing: store_latin1_to_utf8 */
static bool store_latin1_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                 uint64_t src_code_units, uint64_t *out_ptr,
                                 uint64_t *out_units) {
  uint64_t worst_case_size = src_code_units * 2;
  return store_string_to_utf8(cx, src, src_code_units, worst_case_size,
                              out_ptr, out_units);
}

/* Storing: store_string_to_utf8 */
static bool store_string_to_utf8(canon_LiftLowerContext *cx, const canon_value *src,
                                 uint64_t src_code_units,
                                 uint64_t worst_case_size, uint64_t *out_ptr,
                                 uint64_t *out_units) {
  assert(src_code_units <= CANON_REALLOC_I32_MAX);
  uint64_t ptr;
  if (!canon_LiftLowerContext_allocate(cx, 1, src_code_units, &ptr)) return false;
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                canon_out_of_bounds(cx, ptr, src_code_units),
                CANON_R_STORE_UTF8_INITIAL_OUT_OF_BOUNDS);
  const char *s = src->u.str.utf8;
  /* The ASCII prefix, in one write: the spec stores it code point by code
   * point, but no guest code runs before the realloc below. */
  uint64_t i = 0;
  while (i < src->u.str.len && (uint8_t)s[i] < 0x80) i++;
  mem_write(cx, ptr, s, i);
  if (i < src->u.str.len) {
    assert(worst_case_size <= CANON_REALLOC_I32_MAX);
    if (!canon_LiftLowerContext_reallocate(cx, ptr, src_code_units, 1, worst_case_size, &ptr))
      return false;
    CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                  canon_out_of_bounds(cx, ptr, worst_case_size),
                CANON_R_STORE_UTF8_WORST_OUT_OF_BOUNDS);
    /* encoded = src.encode('utf-8'); the first i bytes are the ASCII
     * prefix already written. */
    uint64_t encoded_len = src->u.str.len;
    mem_write(cx, ptr + i, s + i, encoded_len - i);
    if (worst_case_size > encoded_len) {
      if (!canon_LiftLowerContext_reallocate(cx, ptr, worst_case_size, 1, encoded_len, &ptr))
        return false;
      CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                    canon_out_of_bounds(cx, ptr, encoded_len),
                CANON_R_STORE_UTF8_SHRINK_OUT_OF_BOUNDS);
    }
    *out_ptr = ptr;
    *out_units = encoded_len;
    return true;
  }
  *out_ptr = ptr;
  *out_units = src_code_units;
  return true;
}

/* Storing: store_utf8_to_utf16 */
static bool store_utf8_to_utf16(canon_LiftLowerContext *cx, const canon_value *src,
                                uint64_t src_code_units, uint64_t *out_ptr,
                                uint64_t *out_units) {
  uint64_t worst_case_size = 2 * src_code_units;
  assert(worst_case_size <= CANON_REALLOC_I32_MAX);
  uint64_t ptr;
  if (!canon_allocate_range(cx, 2, worst_case_size, CANON_R_STORE_UTF16_INITIAL_UNALIGNED,
                            CANON_R_STORE_UTF16_INITIAL_OUT_OF_BOUNDS, &ptr))
    return false;
  canon_buf encoded = {0};
  encode(src, ENC_UTF16LE, &encoded);
  mem_write(cx, ptr, encoded.p, encoded.n);
  uint64_t len = encoded.n;
  free(encoded.p);
  if (len < worst_case_size) {
    if (!canon_LiftLowerContext_reallocate(cx, ptr, worst_case_size, 2, len, &ptr)) return false;
    if (!canon_check_range(cx, ptr, 2, len,
                           CANON_R_STORE_UTF16_SHRINK_UNALIGNED,
                           CANON_R_STORE_UTF16_SHRINK_OUT_OF_BOUNDS))
      return false;
  }
  *out_ptr = ptr;
  *out_units = len / 2;
  return true;
}

/* Storing: store_string_to_latin1_or_utf16 */
static bool store_string_to_latin1_or_utf16(canon_LiftLowerContext *cx,
                                            const canon_value *src,
                                            uint64_t src_code_units,
                                            uint64_t *out_ptr,
                                            uint64_t *out_units) {
  assert(src_code_units <= CANON_REALLOC_I32_MAX);
  uint64_t ptr;
  if (!canon_allocate_range(cx, 2, src_code_units, CANON_R_STORE_L1U16_INITIAL_UNALIGNED,
                            CANON_R_STORE_L1U16_INITIAL_OUT_OF_BOUNDS, &ptr))
    return false;
  /* The Latin-1 prefix is collected on the host and written in one go
   * (the spec stores it code point by code point; no guest code runs
   * before the realloc), and inflated on the host from what the guest's
   * memory holds after the realloc, as the spec's in-place loop reads it. */
  uint64_t dst_byte_length = 0;
  const char *s = src->u.str.utf8;
  uint8_t *latin1 = canon_xrealloc(NULL, src->u.str.len + 1);
  size_t at = 0;
  while (at < src->u.str.len) {
    uint32_t usv = canon_utf8_next(s, &at);
    if (usv < (1u << 8)) {
      latin1[dst_byte_length++] = (uint8_t)usv;
      continue;
    }
    mem_write(cx, ptr, latin1, dst_byte_length);
    uint64_t worst_case_size = 2 * src_code_units;
    assert(worst_case_size <= CANON_REALLOC_I32_MAX);
    if (!canon_LiftLowerContext_reallocate(cx, ptr, src_code_units, 2, worst_case_size, &ptr) ||
        !canon_check_range(cx, ptr, 2, worst_case_size,
                           CANON_R_STORE_L1U16_INFLATE_UNALIGNED,
                           CANON_R_STORE_L1U16_INFLATE_OUT_OF_BOUNDS)) {
      free(latin1);
      return false;
    }
    /* Inflate the Latin-1 prefix (in place in the spec, last byte first:
     * every byte it reads is one not yet overwritten). */
    uint8_t *wide = canon_xrealloc(NULL, 2 * dst_byte_length + 1);
    if (dst_byte_length)
      cx->opts->memory->read(cx->opts->memory->env, ptr, latin1,
                             dst_byte_length);
    for (uint64_t j = 0; j < dst_byte_length; j++) {
      wide[2 * j] = latin1[j];
      wide[2 * j + 1] = 0;
    }
    mem_write(cx, ptr, wide, 2 * dst_byte_length);
    free(wide);
    free(latin1);
    canon_buf encoded = {0};
    encode(src, ENC_UTF16LE, &encoded);
    mem_write(cx, ptr + 2 * dst_byte_length, encoded.p + 2 * dst_byte_length,
              encoded.n - 2 * dst_byte_length);
    uint64_t len = encoded.n;
    free(encoded.p);
    if (worst_case_size > len) {
      if (!canon_LiftLowerContext_reallocate(cx, ptr, worst_case_size, 2, len, &ptr))
        return false;
      if (!canon_check_range(cx, ptr, 2, len,
                             CANON_R_STORE_L1U16_UTF16_SHRINK_UNALIGNED,
                             CANON_R_STORE_L1U16_UTF16_SHRINK_OUT_OF_BOUNDS))
        return false;
    }
    *out_ptr = ptr;
    *out_units = (len / 2) | canon_utf16_tag(ptr_type(cx));
    return true;
  }
  mem_write(cx, ptr, latin1, dst_byte_length);
  free(latin1);
  if (dst_byte_length < src_code_units) {
    if (!canon_LiftLowerContext_reallocate(cx, ptr, src_code_units, 2, dst_byte_length, &ptr))
      return false;
    if (!canon_check_range(cx, ptr, 2, dst_byte_length,
                           CANON_R_STORE_L1U16_LATIN1_SHRINK_UNALIGNED,
                           CANON_R_STORE_L1U16_LATIN1_SHRINK_OUT_OF_BOUNDS))
      return false;
  }
  *out_ptr = ptr;
  *out_units = dst_byte_length;
  return true;
}

/* Storing: store_probably_utf16_to_latin1_or_utf16 */
static bool store_probably_utf16_to_latin1_or_utf16(canon_LiftLowerContext *cx,
                                                    const canon_value *src,
                                                    uint64_t src_code_units,
                                                    uint64_t *out_ptr,
                                                    uint64_t *out_units) {
  uint64_t src_byte_length = 2 * src_code_units;
  assert(src_byte_length <= CANON_REALLOC_I32_MAX);
  uint64_t ptr;
  if (!canon_allocate_range(cx, 2, src_byte_length, CANON_R_STORE_PU16_INITIAL_UNALIGNED,
                            CANON_R_STORE_PU16_INITIAL_OUT_OF_BOUNDS, &ptr))
    return false;
  canon_buf encoded = {0};
  encode(src, ENC_UTF16LE, &encoded);
  mem_write(cx, ptr, encoded.p, encoded.n);
  uint64_t len = encoded.n;
  free(encoded.p);
  bool any_wide = false;
  size_t at = 0;
  while (at < src->u.str.len)
    if (canon_utf8_next(src->u.str.utf8, &at) >= (1u << 8)) any_wide = true;
  if (any_wide) {
    *out_ptr = ptr;
    *out_units = (len / 2) | canon_utf16_tag(ptr_type(cx));
    return true;
  }
  /* Compact to Latin-1 (in place in the spec, first byte first: every
   * byte it reads is one not yet overwritten), on the host. */
  uint64_t latin1_size = len / 2;
  uint8_t *buf = canon_xrealloc(NULL, 2 * latin1_size + 1);
  if (latin1_size)
    cx->opts->memory->read(cx->opts->memory->env, ptr, buf, 2 * latin1_size);
  for (uint64_t i = 0; i < latin1_size; i++) buf[i] = buf[2 * i];
  mem_write(cx, ptr, buf, latin1_size);
  free(buf);
  if (!canon_LiftLowerContext_reallocate(cx, ptr, src_byte_length, 1, latin1_size, &ptr))
    return false;
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                canon_out_of_bounds(cx, ptr, latin1_size),
                CANON_R_STORE_PU16_LATIN1_OUT_OF_BOUNDS);
  *out_ptr = ptr;
  *out_units = latin1_size;
  return true;
}
