/* canon_strings.c -- unit tests of canon/strings.c: load_string in the three
 * encodings with every trap, and store_string for every (source, destination)
 * encoding pair with the exact realloc calls CanonicalABI.md prescribes.
 *
 * The scripted realloc bump-allocates from 1024 (aligning up, copying the
 * old contents as realloc does), so each expected pointer below follows
 * from the spec's sequence of realloc(old, old_size, align, new_size)
 * calls: e.g. allocate(2, 6) -> 1024, then reallocate(1024, 6, 2, 4) ->
 * 1030. */
#include "canon/load_store.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

#define TAG32 (1ull << 31)
#define TAG64 (1ull << 63)

/* Stores src with destination encoding dst and checks the realloc calls
 * (ncalls of them, flattened as old,old_size,align,new_size), the
 * resulting (ptr, tagged code units) and the bytes at ptr. */
static void store_case(unit_ctx *u, canon_flat addr, canon_value *src,
                       canon_string_encoding dst, int ncalls,
                       const uint64_t *calls, uint64_t want_ptr,
                       uint64_t want_units, const char *bytes, size_t nbytes) {
  canon_guest g;
  guest_init(&g, addr, dst, GUEST_MEM);
  uint64_t ptr = 0, units = 0;
  CHECK(canon_store_string_into_range(&g.cx, src, &ptr, &units));
  CHECK_INT(g.ncalls, ncalls);
  for (int i = 0; i < ncalls && i < g.ncalls; i++) {
    CHECK_INT(g.calls[i].old_ptr, calls[4 * i]);
    CHECK_INT(g.calls[i].old_size, calls[4 * i + 1]);
    CHECK_INT(g.calls[i].align, calls[4 * i + 2]);
    CHECK_INT(g.calls[i].new_size, calls[4 * i + 3]);
  }
  CHECK_INT(ptr, want_ptr);
  CHECK(units == want_units);
  CHECK(memcmp(g.mem + want_ptr, bytes, nbytes) == 0);
  /* and load_string_from_range reads back the same text */
  canon_value *back = NULL;
  CHECK(canon_load_string_from_range(&g.cx, ptr, units, &back));
  CHECK(back && canon_value_equal(src, back));
  if (back) CHECK(back->u.str.encoding == dst && back->u.str.tagged_code_units == units);
  canon_value_free(back);
  canon_value_free(src);
  guest_free(&g);
}

static canon_value *str(const char *s, canon_string_encoding enc,
                        uint64_t units) {
  return canon_value_string_hinted(s, strlen(s), enc, units);
}

#define CALLS(...) (const uint64_t[]){__VA_ARGS__}

TEST(store_copies) {
  /* store_string_copy utf8 -> utf8: allocate(1, 3) */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_UTF8, 3), CANON_UTF8, 1,
             CALLS(0, 0, 1, 3), 1024, 3, "h\xC3\xA9", 3);
  /* utf16 -> utf16: allocate(2, 2 * 2) */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_UTF16, 2), CANON_UTF16,
             1, CALLS(0, 0, 2, 4), 1024, 2, "h\0\xE9\0", 4);
  /* latin1 -> utf16: copy with inflation, allocate(2, 2 * 1) */
  store_case(u, CANON_FLAT_I32, str("\xC3\xA9", CANON_LATIN1_UTF16, 1),
             CANON_UTF16, 1, CALLS(0, 0, 2, 2), 1024, 1, "\xE9\0", 2);
  /* latin1 -> latin1+utf16: allocate(2, 1) (alignment 2, 1 byte) */
  store_case(u, CANON_FLAT_I32, str("\xC3\xA9", CANON_LATIN1_UTF16, 1),
             CANON_LATIN1_UTF16, 1, CALLS(0, 0, 2, 1), 1024, 1, "\xE9", 1);
}

TEST(store_to_utf8) {
  /* store_utf16_to_utf8, all ASCII: allocate(1, 2) and no realloc */
  store_case(u, CANON_FLAT_I32, str("ab", CANON_UTF16, 2), CANON_UTF8, 1,
             CALLS(0, 0, 1, 2), 1024, 2, "ab", 2);
  /* store_utf16_to_utf8 "hé": allocate(1, 2) -> 1024, 'h' written; é:
   * reallocate(1024, 2, 1, worst 6) -> 1026; encoded is 3 bytes < 6:
   * reallocate(1026, 6, 1, 3) -> 1032 */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_UTF16, 2), CANON_UTF8, 3,
             CALLS(0, 0, 1, 2, 1024, 2, 1, 6, 1026, 6, 1, 3), 1032, 3,
             "h\xC3\xA9", 3);
  /* store_latin1_to_utf8 "é": allocate(1, 1); reallocate(1024, 1, 1, 2)
   * -> 1025; worst 2 == len 2: no shrink */
  store_case(u, CANON_FLAT_I32, str("\xC3\xA9", CANON_LATIN1_UTF16, 1),
             CANON_UTF8, 2, CALLS(0, 0, 1, 1, 1024, 1, 1, 2), 1025, 2,
             "\xC3\xA9", 2);
  /* latin1+utf16 tagged as UTF-16 -> utf8 takes the utf16 path:
   * worst = 3 * 1 */
  store_case(u, CANON_FLAT_I32, str("\xC4\x80", CANON_LATIN1_UTF16, 1 | TAG32),
             CANON_UTF8, 3, CALLS(0, 0, 1, 1, 1024, 1, 1, 3, 1025, 3, 1, 2),
             1028, 2, "\xC4\x80", 2);
}

TEST(store_utf8_to_utf16) {
  /* worst case 2 * 3: allocate(2, 6) -> 1024; 4 bytes encoded < 6:
   * reallocate(1024, 6, 2, 4) -> 1030 */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_UTF8, 3), CANON_UTF16, 2,
             CALLS(0, 0, 2, 6, 1024, 6, 2, 4), 1030, 2, "h\0\xE9\0", 4);
  /* a supplementary character: 4 UTF-8 bytes -> a surrogate pair (4 bytes)
   * in a worst case of 8 */
  store_case(u, CANON_FLAT_I32, str("\xF0\x9F\x98\x80", CANON_UTF8, 4),
             CANON_UTF16, 2, CALLS(0, 0, 2, 8, 1024, 8, 2, 4), 1032, 2,
             "\x3D\xD8\x00\xDE", 4);
  /* ASCII only: 2 * n bytes exactly, no shrinking realloc */
  store_case(u, CANON_FLAT_I32, str("ab", CANON_UTF8, 2), CANON_UTF16, 1,
             CALLS(0, 0, 2, 4), 1024, 2, "a\0b\0", 4);
}

TEST(store_to_latin1_or_utf16) {
  /* utf8 "hé" fits Latin-1: allocate(2, 3) -> 1024, 2 bytes written,
   * shrink reallocate(1024, 3, 2, 2) -> 1028 */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_UTF8, 3),
             CANON_LATIN1_UTF16, 2, CALLS(0, 0, 2, 3, 1024, 3, 2, 2), 1028, 2,
             "h\xE9", 2);
  /* utf8 "hĀ": allocate(2, 3); 'h'; Ā >= 256: reallocate(1024, 3, 2, 6)
   * -> 1028, inflate 'h' in place, copy the rest; 4 < 6:
   * reallocate(1028, 6, 2, 4) -> 1034; tagged 2 | 2^31 */
  store_case(u, CANON_FLAT_I32, str("h\xC4\x80", CANON_UTF8, 3),
             CANON_LATIN1_UTF16, 3,
             CALLS(0, 0, 2, 3, 1024, 3, 2, 6, 1028, 6, 2, 4), 1034, 2 | TAG32,
             "h\0\0\x01", 4);
  /* utf16 "hĀ" (2 code units): worst case 4 equals the encoding: no
   * shrink */
  store_case(u, CANON_FLAT_I32, str("h\xC4\x80", CANON_UTF16, 2),
             CANON_LATIN1_UTF16, 2, CALLS(0, 0, 2, 2, 1024, 2, 2, 4), 1026,
             2 | TAG32, "h\0\0\x01", 4);
  /* all Latin-1 and exactly sized: no realloc after the first */
  store_case(u, CANON_FLAT_I32, str("ab", CANON_UTF16, 2), CANON_LATIN1_UTF16,
             1, CALLS(0, 0, 2, 2), 1024, 2, "ab", 2);
  /* memory64: the UTF-16 tag is bit 63 */
  store_case(u, CANON_FLAT_I64, str("h\xC4\x80", CANON_UTF8, 3),
             CANON_LATIN1_UTF16, 3,
             CALLS(0, 0, 2, 3, 1024, 3, 2, 6, 1028, 6, 2, 4), 1034, 2 | TAG64,
             "h\0\0\x01", 4);
}

TEST(store_probably_utf16) {
  /* latin1+utf16 source tagged UTF-16 but all Latin-1: allocate(2, 4),
   * deflate in place, reallocate(1024, 4, 1, 2) -> 1028 */
  store_case(u, CANON_FLAT_I32, str("h\xC3\xA9", CANON_LATIN1_UTF16, 2 | TAG32),
             CANON_LATIN1_UTF16, 2, CALLS(0, 0, 2, 4, 1024, 4, 1, 2), 1028, 2,
             "h\xE9", 2);
  /* really UTF-16: one allocation, stays tagged */
  store_case(u, CANON_FLAT_I32, str("h\xC4\x80", CANON_LATIN1_UTF16, 2 | TAG32),
             CANON_LATIN1_UTF16, 1, CALLS(0, 0, 2, 4), 1024, 2 | TAG32,
             "h\0\0\x01", 4);
  /* the empty string still makes the final (shrinking) realloc call */
  store_case(u, CANON_FLAT_I32, str("", CANON_LATIN1_UTF16, 0 | TAG32),
             CANON_LATIN1_UTF16, 2, CALLS(0, 0, 2, 0, 1024, 0, 1, 0), 1024, 0,
             "", 0);
}

TEST(store_traps) {
  canon_guest g;
  canon_value *s = str("h\xC3\xA9", CANON_UTF8, 3);
  uint64_t p, n;
  /* store_utf8_to_utf16: trap_if(ptr != align_to(ptr, 2)) */
  guest_init(&g, CANON_FLAT_I32, CANON_UTF16, GUEST_MEM);
  g.script[0] = 1025;
  g.nscript = 1;
  CHECK(!canon_store_string_into_range(&g.cx, s, &p, &n));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_REALLOC_UNALIGNED);
  guest_free(&g);
  /* store_string_copy: trap_if(ptr + dst_byte_length > len(memory)) */
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  g.script[0] = GUEST_MEM - 2;
  g.nscript = 1;
  CHECK(!canon_store_string_into_range(&g.cx, s, &p, &n));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_REALLOC_OUT_OF_BOUNDS);
  CHECK_STR(g.cx.trap.msg, "realloc return: beyond end of memory (list content out-of-bounds)");
  guest_free(&g);
  /* store_string_to_utf8: the growing realloc's result is checked too */
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  canon_value *s16 = str("h\xC3\xA9", CANON_UTF16, 2);
  g.script[0] = 1024;
  g.script[1] = GUEST_MEM - 3; /* 6 bytes do not fit */
  g.nscript = 2;
  CHECK(!canon_store_string_into_range(&g.cx, s16, &p, &n));
  CHECK_INT(g.ncalls, 2);
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_REALLOC_OUT_OF_BOUNDS);
  canon_value_free(s16);
  guest_free(&g);
  canon_value_free(s);
}

TEST(store_string_header) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I64, CANON_UTF8, GUEST_MEM);
  canon_value *s = str("hey", CANON_UTF8, 3);
  /* store_string: (begin, tagged_code_units) as two ptr-sized ints */
  CHECK(canon_store_string(&g.cx, s, 16));
  CHECK(get64(&g, 16) == 1024);
  CHECK(get64(&g, 24) == 3);
  canon_value *back = NULL;
  CHECK(canon_load_string(&g.cx, 16, &back));
  CHECK(canon_value_equal(s, back));
  canon_value_free(back);
  canon_value_free(s);
  guest_free(&g);
}

static void load_traps(unit_ctx *u, canon_string_encoding enc, uint64_t ptr,
                       uint64_t units, const uint8_t *bytes, size_t n,
                       canon_trap_kind kind, const char *msg) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, enc, GUEST_MEM);
  if (n) memcpy(g.mem + ptr, bytes, n);
  canon_value *v = NULL;
  CHECK(!canon_load_string_from_range(&g.cx, ptr, units, &v));
  CHECK(v == NULL);
  CHECK_INT(g.cx.trap.kind, kind);
  CHECK_STR(g.cx.trap.msg, msg);
  guest_free(&g);
}

#define OUT_OF_BOUNDS                                                         \
  "string pointer/length out of bounds of memory (string content "             \
  "out-of-bounds)"

/* The two size traps of load_string_from_range for an encoding of
 * `unit`-byte code units: trap_if(ptr + byte_length > len(memory)) for two
 * code units that end past memory, and trap_if(byte_length >
 * MAX_STRING_BYTE_LENGTH) for 2^28 bytes. */
static void bounds_traps(unit_ctx *u, canon_string_encoding enc,
                         uint64_t unit) {
  load_traps(u, enc, GUEST_MEM - unit, 2, NULL, 0,
             CANON_TRAP_STRING_OUT_OF_BOUNDS, OUT_OF_BOUNDS);
  load_traps(u, enc, 0, (1u << 28) / unit, NULL, 0,
             CANON_TRAP_STRING_TOO_LONG,
             "string byte length exceeds the maximum");
}

/* An ill-formed string: its n bytes (put at 8), its code units, and the
 * trap loading it makes. */
typedef struct ill_formed {
  const uint8_t *bytes;
  size_t n;
  uint64_t units;
  canon_trap_kind kind;
  const char *msg;
} ill_formed;

#define INVALID_UTF8 "invalid utf-8 (invalid utf8 encoding)"
#define INCOMPLETE_UTF8                                                       \
  "incomplete utf-8 byte sequence (invalid utf-8; invalid utf8 encoding)"
#define UNPAIRED "invalid utf-16: unpaired surrogate (invalid utf16 encoding)"

static void ill_formed_traps(unit_ctx *u, canon_string_encoding enc,
                             const ill_formed *cases, size_t n) {
  for (size_t i = 0; i < n; i++)
    load_traps(u, enc, 8, cases[i].units, cases[i].bytes, cases[i].n,
               cases[i].kind, cases[i].msg);
}

/* Loads the string of `units` (tagged) code units whose n bytes are put
 * at 100 and checks that its text is `want` (UTF-8); the value, or NULL. */
static canon_value *loads_as(unit_ctx *u, canon_guest *g, const char *bytes,
                             size_t n, uint64_t units, const char *want) {
  memcpy(g->mem + 100, bytes, n);
  canon_value *v = NULL;
  if (!CHECK(canon_load_string_from_range(&g->cx, 100, units, &v)))
    return NULL;
  CHECK_STR(v->u.str.utf8, want);
  return v;
}

TEST(load_utf8) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  canon_value *v = loads_as(u, &g, "h\xC3\xA9", 3, 3, "h\xC3\xA9");
  /* the value remembers (encoding, tagged code units) */
  CHECK(v && v->u.str.encoding == CANON_UTF8 &&
        v->u.str.tagged_code_units == 3);
  canon_value_free(v);
  /* a string may end exactly at the end of memory */
  memcpy(g.mem + GUEST_MEM - 2, "ok", 2);
  CHECK(canon_load_string_from_range(&g.cx, GUEST_MEM - 2, 2, &v));
  canon_value_free(v);
  guest_free(&g);
  const uint8_t ff[] = {0xFF}, c3[] = {0xC3}, c3a[] = {0xC3, 'A'};
  const uint8_t sur[] = {0xED, 0xA0, 0x80}, over[] = {0xE0, 0x80, 0x80};
  const uint8_t f4[] = {0xF4, 0x90, 0x80, 0x80}, e2[] = {0xE2, 0x82};
  const ill_formed utf8[] = {
      {ff, 1, 1, CANON_TRAP_INVALID_UTF8, INVALID_UTF8},
      {c3, 1, 1, CANON_TRAP_INCOMPLETE_UTF8, INCOMPLETE_UTF8},
      {e2, 2, 2, CANON_TRAP_INCOMPLETE_UTF8, INCOMPLETE_UTF8},
      {c3a, 2, 2, CANON_TRAP_INVALID_UTF8, INVALID_UTF8},
      /* an encoded surrogate, an overlong form, above U+10FFFF */
      {sur, 3, 3, CANON_TRAP_INVALID_UTF8, INVALID_UTF8},
      {over, 3, 3, CANON_TRAP_INVALID_UTF8, INVALID_UTF8},
      {f4, 4, 4, CANON_TRAP_INVALID_UTF8, INVALID_UTF8},
  };
  ill_formed_traps(u, CANON_UTF8, utf8, sizeof utf8 / sizeof *utf8);
  /* trap_if(ptr + byte_length > len(memory)), even with length 0 */
  load_traps(u, CANON_UTF8, 0xDEADBEEF, 0, NULL, 0,
             CANON_TRAP_STRING_OUT_OF_BOUNDS, OUT_OF_BOUNDS);
  bounds_traps(u, CANON_UTF8, 1);
}

TEST(load_utf16_and_latin1) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF16, GUEST_MEM);
  /* a surrogate pair decodes to one scalar value */
  canon_value *v =
      loads_as(u, &g, "h\0\x3D\xD8\x00\xDE", 6, 3, "h\xF0\x9F\x98\x80");
  CHECK(v && v->u.str.tagged_code_units == 3);
  canon_value_free(v);
  guest_free(&g);
  /* utf16: alignment 2, byte_length = 2 * code units */
  load_traps(u, CANON_UTF16, 101, 1, NULL, 0, CANON_TRAP_UNALIGNED,
             "unaligned pointer");
  bounds_traps(u, CANON_UTF16, 2);
  const uint8_t lone[] = {0x00, 0xD8, 'a', 0}, lo[] = {0x00, 0xDC};
  const uint8_t end[] = {'a', 0, 0x00, 0xD8};
  const ill_formed utf16[] = {
      {lone, 4, 2, CANON_TRAP_INVALID_UTF16, UNPAIRED},
      {lo, 2, 1, CANON_TRAP_INVALID_UTF16, UNPAIRED},
      {end, 4, 2, CANON_TRAP_INVALID_UTF16, UNPAIRED},
  };
  ill_formed_traps(u, CANON_UTF16, utf16, sizeof utf16 / sizeof *utf16);
  /* latin1+utf16: without the tag, bytes are Latin-1 */
  guest_init(&g, CANON_FLAT_I32, CANON_LATIN1_UTF16, GUEST_MEM);
  v = loads_as(u, &g, "\xE9\xFF", 2, 2, "\xC3\xA9\xC3\xBF");
  CHECK(v && v->u.str.encoding == CANON_LATIN1_UTF16);
  canon_value_free(v);
  /* with the tag, 2 * (n ^ tag) bytes of UTF-16 */
  v = loads_as(u, &g, "\x00\x01", 2, 1 | TAG32, "\xC4\x80");
  CHECK(v && v->u.str.tagged_code_units == (1 | TAG32));
  canon_value_free(v);
  guest_free(&g);
  /* alignment is 2 even for the Latin-1 case */
  load_traps(u, CANON_LATIN1_UTF16, 101, 1, NULL, 0, CANON_TRAP_UNALIGNED,
             "unaligned pointer");
}

int main(void) {
  UNIT_BEGIN;
  RUN(store_copies);
  RUN(store_to_utf8);
  RUN(store_utf8_to_utf16);
  RUN(store_to_latin1_or_utf16);
  RUN(store_probably_utf16);
  RUN(store_traps);
  RUN(store_string_header);
  RUN(load_utf8);
  RUN(load_utf16_and_latin1);
  return UNIT_END;
}
