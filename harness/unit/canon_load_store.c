/* canon_load_store.c -- unit tests of canon/load_store.c against a scripted
 * memory and realloc (harness/unit/canon_test.h): byte layouts written by
 * hand from CanonicalABI.md "Loading"/"Storing", round trips, and every
 * trap of the two sections. */
#include "canon/error_context.h"
#include "canon/load_store.h"
#include "canon/layout.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

#include <math.h>

#define P(k) canon_type_prim(CANON_##k)

/* store v at ptr, load it back, and compare; frees v */
static int round_trip(unit_ctx *u, canon_guest *g, canon_value *v,
                      const canon_type *t, uint64_t ptr) {
  int ok = CHECK(canon_value_has_type(v, t, NULL, 0));
  ok = ok && CHECK(canon_store(&g->cx, v, t, ptr));
  canon_value *back = NULL;
  ok = ok && CHECK(canon_load(&g->cx, ptr, t, &back));
  if (ok && !CHECK(canon_value_equal(v, back))) {
    char *a = canon_value_to_string(v), *b = canon_value_to_string(back);
    fprintf(stderr, "    stored %s\n    loaded %s\n", a, b);
    free(a);
    free(b);
  }
  canon_value_free(v);
  canon_value_free(back);
  return ok;
}

/* store v at 8, realloc returning `result`, expecting a trap of `kind`
 * with message `msg` */
static void store_traps_with_realloc(unit_ctx *u, canon_guest *g,
                                     const canon_value *v, const canon_type *t,
                                     uint64_t result, canon_trap_kind kind,
                                     const char *msg) {
  guest_reset(g);
  g->script[0] = result;
  g->nscript = 1;
  CHECK(!canon_store(&g->cx, v, t, 8));
  CHECK_INT(g->cx.trap.kind, kind);
  CHECK_STR(g->cx.trap.msg, msg);
}

/* load t at ptr expecting a trap of `kind` with message `msg` */
static void load_traps(unit_ctx *u, canon_guest *g, const canon_type *t,
                       uint64_t ptr, canon_trap_kind kind, const char *msg) {
  guest_reset(g);
  canon_value *v = NULL;
  CHECK(!canon_load(&g->cx, ptr, t, &v));
  CHECK(v == NULL);
  CHECK_INT(g->cx.trap.kind, kind);
  CHECK_STR(g->cx.trap.msg, msg);
  guest_reset(g);
}

TEST(integers) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* store_int: little-endian two's complement */
  canon_value *v = canon_value_sint(CANON_S16, -2);
  CHECK(canon_store(&g.cx, v, P(S16), 2));
  CHECK_INT(g.mem[2], 0xFE);
  CHECK_INT(g.mem[3], 0xFF);
  canon_value_free(v);
  v = canon_value_uint(CANON_U32, 0xDEADBEEF);
  CHECK(canon_store(&g.cx, v, P(U32), 8));
  CHECK_INT(g.mem[8], 0xEF);
  CHECK_INT(g.mem[11], 0xDE);
  canon_value_free(v);
  /* load_int with signed=True: high bit is the sign */
  g.mem[16] = 0x80;
  canon_value *l = NULL;
  CHECK(canon_load(&g.cx, 16, P(S8), &l));
  CHECK_INT(l->u.s, -128);
  canon_value_free(l);
  CHECK(canon_load(&g.cx, 16, P(U8), &l));
  CHECK_INT(l->u.u, 128);
  canon_value_free(l);
  round_trip(u, &g, canon_value_uint(CANON_U64, UINT64_MAX), P(U64), 24);
  round_trip(u, &g, canon_value_sint(CANON_S64, INT64_MIN), P(S64), 32);
  round_trip(u, &g, canon_value_sint(CANON_S32, -7), P(S32), 40);
  round_trip(u, &g, canon_value_uint(CANON_U16, 65535), P(U16), 44);
  guest_free(&g);
}

TEST(bool_and_floats) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  canon_value *v = NULL;
  /* convert_int_to_bool: any non-zero byte is true */
  g.mem[0] = 2;
  CHECK(canon_load(&g.cx, 0, P(BOOL), &v));
  CHECK(v->u.b == true);
  /* store: int(bool(v)) = 1 */
  CHECK(canon_store(&g.cx, v, P(BOOL), 1));
  CHECK_INT(g.mem[1], 1);
  canon_value_free(v);
  /* decode_i32_as_float: a signalling NaN with payload is canonicalized */
  put32(&g, 4, 0xFF800001u);
  CHECK(canon_load(&g.cx, 4, P(F32), &v));
  CHECK(isnan(v->u.f32));
  uint32_t bits;
  memcpy(&bits, &v->u.f32, 4);
  CHECK_INT(bits, 0x7fc00000);
  /* maybe_scramble_nan32 in the deterministic profile: canonical NaN */
  CHECK(canon_store(&g.cx, v, P(F32), 8));
  CHECK_INT(get32(&g, 8), 0x7fc00000);
  canon_value_free(v);
  v = canon_value_f64(NAN);
  CHECK(canon_store(&g.cx, v, P(F64), 16));
  CHECK(get64(&g, 16) == 0x7ff8000000000000ull);
  canon_value_free(v);
  /* non-NaN bits pass unchanged, incl. -0 */
  v = canon_value_f64(-0.0);
  CHECK(canon_store(&g.cx, v, P(F64), 24));
  CHECK(get64(&g, 24) == 0x8000000000000000ull);
  canon_value_free(v);
  round_trip(u, &g, canon_value_f32(-3.25f), P(F32), 32);
  round_trip(u, &g, canon_value_f64(1e300), P(F64), 40);
  guest_free(&g);
}

TEST(chars) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* convert_i32_to_char: trap_if(i >= 0x110000), trap_if surrogate */
  put32(&g, 0, 0xD800);
  load_traps(u, &g, P(CHAR), 0, CANON_TRAP_INVALID_CHAR,
             "invalid `char` bit pattern");
  put32(&g, 0, 0xDFFF);
  load_traps(u, &g, P(CHAR), 0, CANON_TRAP_INVALID_CHAR,
             "invalid `char` bit pattern");
  put32(&g, 0, 0x110000);
  load_traps(u, &g, P(CHAR), 0, CANON_TRAP_INVALID_CHAR,
             "invalid `char` bit pattern");
  put32(&g, 0, 0xFFFFFFFFu);
  load_traps(u, &g, P(CHAR), 0, CANON_TRAP_INVALID_CHAR,
             "invalid `char` bit pattern");
  /* the edges that are scalar values */
  uint32_t ok[] = {0, 0xD7FF, 0xE000, 0x10FFFF};
  for (int i = 0; i < 4; i++) {
    put32(&g, 0, ok[i]);
    canon_value *v = NULL;
    CHECK(canon_load(&g.cx, 0, P(CHAR), &v));
    CHECK(v && v->u.ch == ok[i]);
    canon_value_free(v);
  }
  round_trip(u, &g, canon_value_char(0x1F370), P(CHAR), 8);
  guest_free(&g);
}

TEST(records_layout) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  memset(g.mem, 0xAA, 64);
  /* store_record: a@16, b aligned to 4 -> @20, c@24; padding untouched */
  canon_field f[] = {{"a", P(U8)}, {"b", P(U32)}, {"c", P(U16)}};
  const canon_type *rt = canon_type_record(a, f, 3);
  canon_value *r = canon_value_record_new(3);
  canon_value_set_field(r, 0, "a", canon_value_uint(CANON_U8, 1));
  canon_value_set_field(r, 1, "b", canon_value_uint(CANON_U32, 0x05040302));
  canon_value_set_field(r, 2, "c", canon_value_uint(CANON_U16, 0x0706));
  CHECK(canon_store(&g.cx, r, rt, 16));
  const uint8_t want[12] = {1, 0xAA, 0xAA, 0xAA, 2, 3, 4, 5, 6, 7, 0xAA, 0xAA};
  CHECK(memcmp(g.mem + 16, want, 12) == 0);
  canon_value *back = NULL;
  CHECK(canon_load(&g.cx, 16, rt, &back));
  CHECK(canon_value_equal(r, back));
  canon_value_free(back);
  canon_value_free(r);
  /* a tuple loads as a tuple value (positional) */
  const canon_type *ts[] = {P(U8), P(U64)};
  const canon_type *tt = canon_type_tuple(a, ts, 2);
  canon_value *tv[] = {canon_value_uint(CANON_U8, 9),
                       canon_value_uint(CANON_U64, 1ull << 40)};
  canon_value *tup = canon_value_list_of(CANON_TUPLE, 2, tv);
  CHECK(canon_store(&g.cx, tup, tt, 32));
  CHECK_INT(g.mem[32], 9);
  CHECK(get64(&g, 40) == 1ull << 40); /* u64 at offset 8 */
  canon_value_free(tup);
  tv[0] = canon_value_uint(CANON_U8, 9);
  tv[1] = canon_value_uint(CANON_U64, 3);
  round_trip(u, &g, canon_value_list_of(CANON_TUPLE, 2, tv), tt, 48);
  guest_free(&g);
}

TEST(variants_layout_and_traps) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* store_variant: {a, b(u32)}: disc byte 1 at 0, payload at 4 */
  canon_case c[] = {{"a", NULL}, {"b", P(U32)}};
  const canon_type *vt = canon_type_variant(a, c, 2);
  canon_value *v = canon_value_variant(CANON_VARIANT, "b",
                                       canon_value_uint(CANON_U32, 42));
  CHECK(canon_store(&g.cx, v, vt, 0));
  CHECK_INT(g.mem[0], 1);
  CHECK_INT(get32(&g, 4), 42);
  canon_value_free(v);
  /* load_variant: trap_if(case_index >= len(cases)) */
  g.mem[0] = 2;
  load_traps(u, &g, vt, 0, CANON_TRAP_INVALID_DISCRIMINANT,
             "invalid variant discriminant");
  const char *rgb[] = {"red", "green", "blue"};
  const canon_type *et = canon_type_enum(a, rgb, 3);
  g.mem[8] = 3;
  load_traps(u, &g, et, 8, CANON_TRAP_INVALID_DISCRIMINANT,
             "invalid variant discriminant");
  g.mem[8] = 2;
  canon_value *e = NULL;
  CHECK(canon_load(&g.cx, 8, et, &e));
  CHECK(e->kind == CANON_ENUM && strcmp(e->u.variant.label, "blue") == 0);
  canon_value_free(e);
  const canon_type *ot = canon_type_option(a, P(U8));
  g.mem[12] = 2;
  load_traps(u, &g, ot, 12, CANON_TRAP_INVALID_DISCRIMINANT,
             "invalid variant discriminant");
  /* 257 cases: the discriminant is a u16 */
  char names[257][16];
  canon_case many[257];
  for (int i = 0; i < 257; i++) {
    snprintf(names[i], sizeof names[i], "c%d", i);
    many[i] = (canon_case){names[i], NULL};
  }
  const canon_type *v257 = canon_type_variant(a, many, 257);
  g.mem[16] = 0x01, g.mem[17] = 0x01; /* 257 */
  load_traps(u, &g, v257, 16, CANON_TRAP_INVALID_DISCRIMINANT,
             "invalid variant discriminant");
  g.mem[16] = 0x00, g.mem[17] = 0x01; /* 256: the last case */
  CHECK(canon_load(&g.cx, 16, v257, &e));
  CHECK_STR(e->u.variant.label, "c256");
  canon_value_free(e);
  /* option/result round trips keep their kind */
  round_trip(u, &g, canon_value_variant(CANON_OPTION, "some",
                                        canon_value_uint(CANON_U8, 5)),
             ot, 20);
  round_trip(u, &g, canon_value_variant(CANON_OPTION, "none", NULL), ot, 20);
  const canon_type *rt = canon_type_result(a, P(STRING), P(U8));
  round_trip(u, &g, canon_value_variant(CANON_RESULT, "error",
                                        canon_value_uint(CANON_U8, 4)),
             rt, 24);
  round_trip(u, &g, canon_value_variant(CANON_RESULT, "ok",
                                        canon_value_string("fine", 4)),
             rt, 24);
  guest_free(&g);
}

TEST(flags) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  char names[32][16];
  const char *ls[32];
  for (int i = 0; i < 32; i++) {
    snprintf(names[i], sizeof names[i], "f%d", i);
    ls[i] = names[i];
  }
  /* 1 label: one byte; unpack_flags_from_int ignores the unused bits */
  const canon_type *f1 = canon_type_flags(a, ls, 1);
  g.mem[0] = 0xFE;
  canon_value *v = NULL;
  CHECK(canon_load(&g.cx, 0, f1, &v));
  CHECK_INT(v->u.flags.n, 0);
  canon_value_free(v);
  g.mem[0] = 0xFF;
  CHECK(canon_load(&g.cx, 0, f1, &v));
  CHECK_INT(v->u.flags.n, 1);
  canon_value_free(v);
  /* 9 labels: a u16; bit 8 is f8 */
  const canon_type *f9 = canon_type_flags(a, ls, 9);
  g.mem[2] = 0x01, g.mem[3] = 0xFF; /* f0 and f8 (bits 9-15 unused) */
  CHECK(canon_load(&g.cx, 2, f9, &v));
  CHECK_INT(v->u.flags.n, 2);
  CHECK(canon_value_flag_set(v, "f0") && canon_value_flag_set(v, "f8"));
  /* pack_flags_into_int writes only the label bits */
  CHECK(canon_store(&g.cx, v, f9, 4));
  CHECK_INT(g.mem[4], 0x01);
  CHECK_INT(g.mem[5], 0x01);
  canon_value_free(v);
  /* 32 labels: a u32, bit 31 is f31 */
  const canon_type *f32 = canon_type_flags(a, ls, 32);
  const char *hi[] = {"f31", "f1"};
  v = canon_value_flags(hi, 2);
  CHECK(canon_store(&g.cx, v, f32, 8));
  CHECK_INT(get32(&g, 8), 0x80000002u);
  canon_value_free(v);
  guest_free(&g);
}

TEST(lists) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, 2048);
  const canon_type *lt = canon_type_list(a, P(U16));
  /* load_list: (ptr, length) header; elements 2 bytes apart */
  put32(&g, 0, 100);
  put32(&g, 4, 3);
  g.mem[100] = 1, g.mem[102] = 2, g.mem[104] = 3;
  canon_value *v = NULL;
  CHECK(canon_load(&g.cx, 0, lt, &v));
  CHECK_INT(v->u.list.n, 3);
  CHECK_INT(v->u.list.items[2]->u.u, 3);
  canon_value_free(v);
  /* load_list_from_range: unaligned pointer */
  put32(&g, 0, 101);
  load_traps(u, &g, lt, 0, CANON_TRAP_UNALIGNED, "unaligned pointer");
  /* out of bounds: 2046 + 3*2 > 2048 */
  put32(&g, 0, 2046);
  load_traps(u, &g, lt, 0, CANON_TRAP_LIST_OUT_OF_BOUNDS,
             "list pointer/length out of bounds of memory (list content out-of-bounds)");
  /* an empty list may start at len(memory) but not beyond */
  put32(&g, 0, 2048);
  put32(&g, 4, 0);
  CHECK(canon_load(&g.cx, 0, lt, &v));
  CHECK_INT(v->u.list.n, 0);
  canon_value_free(v);
  put32(&g, 0, 2050);
  load_traps(u, &g, lt, 0, CANON_TRAP_LIST_OUT_OF_BOUNDS,
             "list pointer/length out of bounds of memory (list content out-of-bounds)");
  /* length * elem_size > MAX_LIST_BYTE_LENGTH is checked first (even
   * before alignment): 2^27 u16s are 2^28 bytes */
  put32(&g, 0, 101);
  put32(&g, 4, 1u << 27);
  load_traps(u, &g, lt, 0, CANON_TRAP_LIST_TOO_LONG,
             "list byte length exceeds the maximum");
  /* store_list_into_range: realloc(0, 0, alignment, byte_length) */
  canon_field f[] = {{"a", P(U8)}, {"b", P(U32)}};
  const canon_type *lr = canon_type_list(a, canon_type_record(a, f, 2));
  canon_value *recs = canon_value_list_new(CANON_LIST, 2);
  for (uint32_t i = 0; i < 2; i++) {
    canon_value *r = canon_value_record_new(2);
    canon_value_set_field(r, 0, "a", canon_value_uint(CANON_U8, 10 + i));
    canon_value_set_field(r, 1, "b", canon_value_uint(CANON_U32, 20 + i));
    canon_value_set_item(recs, i, r);
  }
  guest_reset(&g);
  CHECK(canon_store(&g.cx, recs, lr, 8));
  CHECK_INT(g.ncalls, 1);
  CHECK(g.calls[0].old_ptr == 0 && g.calls[0].old_size == 0);
  CHECK_INT(g.calls[0].align, 4);
  CHECK_INT(g.calls[0].new_size, 16); /* 2 records of 8 bytes */
  CHECK_INT(get32(&g, 8), 1024);      /* the bump allocator's first block */
  CHECK_INT(get32(&g, 12), 2);
  CHECK_INT(g.mem[1024], 10);
  CHECK_INT(get32(&g, 1028), 20);
  CHECK_INT(g.mem[1032], 11);
  CHECK_INT(get32(&g, 1036), 21);
  canon_value *back = NULL;
  CHECK(canon_load(&g.cx, 8, lr, &back));
  CHECK(canon_value_equal(recs, back));
  canon_value_free(back);
  /* realloc results are checked: misaligned, then out of bounds */
  store_traps_with_realloc(u, &g, recs, lr, 1026, CANON_TRAP_REALLOC_UNALIGNED,
                           "realloc return: result not aligned (unaligned pointer)");
  store_traps_with_realloc(u, &g, recs, lr, 2040, CANON_TRAP_REALLOC_OUT_OF_BOUNDS,
                           "realloc return: beyond end of memory (list content out-of-bounds)");
  /* a trap inside realloc is the call's trap */
  guest_reset(&g);
  g.trap_on_call = 1;
  CHECK(!canon_store(&g.cx, recs, lr, 8));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_GUEST);
  CHECK_STR(g.cx.trap.msg, "unreachable");
  canon_value_free(recs);
  /* an empty list still calls realloc(0, 0, align, 0) */
  guest_reset(&g);
  g.bump = 1200;
  v = canon_value_list_new(CANON_LIST, 0);
  CHECK(canon_store(&g.cx, v, lt, 0));
  CHECK_INT(g.ncalls, 1);
  CHECK_INT(g.calls[0].align, 2);
  CHECK_INT(g.calls[0].new_size, 0);
  CHECK_INT(get32(&g, 4), 0);
  canon_value_free(v);
  guest_free(&g);
}

TEST(fixed_lists_and_maps) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* list<u8, 3> inside a record is inline: {x: u8, l: list<u8,3>, y: u32}
   * x@0, l@1..4, y@4 -- no realloc */
  canon_field f[] = {{"x", P(U8)},
                     {"l", canon_type_list_fixed(a, P(U8), 3)},
                     {"y", P(U32)}};
  const canon_type *rt = canon_type_record(a, f, 3);
  CHECK_INT(canon_elem_size(rt, CANON_FLAT_I32), 8);
  canon_value *items[] = {canon_value_uint(CANON_U8, 7),
                          canon_value_uint(CANON_U8, 8),
                          canon_value_uint(CANON_U8, 9)};
  canon_value *r = canon_value_record_new(3);
  canon_value_set_field(r, 0, "x", canon_value_uint(CANON_U8, 1));
  canon_value_set_field(r, 1, "l", canon_value_list_of(CANON_LIST, 3, items));
  canon_value_set_field(r, 2, "y", canon_value_uint(CANON_U32, 0x11223344));
  CHECK(canon_store(&g.cx, r, rt, 0));
  CHECK_INT(g.ncalls, 0);
  const uint8_t want[8] = {1, 7, 8, 9, 0x44, 0x33, 0x22, 0x11};
  CHECK(memcmp(g.mem, want, 8) == 0);
  round_trip(u, &g, r, rt, 16);
  /* map<string, u32> = list<tuple<string, u32>> */
  const canon_type *mt = canon_type_map(a, P(STRING), P(U32));
  canon_value *kv[] = {canon_value_string("k", 1),
                       canon_value_uint(CANON_U32, 5)};
  canon_value *e[] = {canon_value_list_of(CANON_TUPLE, 2, kv)};
  round_trip(u, &g, canon_value_list_of(CANON_LIST, 1, e), mt, 32);
  guest_free(&g);
}

TEST(memory64) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I64, CANON_UTF8, GUEST_MEM);
  /* list header: ptr and length are 8 bytes each */
  const canon_type *lt = canon_type_list(a, P(U32));
  canon_value *items[] = {canon_value_uint(CANON_U32, 1),
                          canon_value_uint(CANON_U32, 2)};
  canon_value *v = canon_value_list_of(CANON_LIST, 2, items);
  CHECK(canon_store(&g.cx, v, lt, 0));
  CHECK(get64(&g, 0) == 1024);
  CHECK(get64(&g, 8) == 2);
  canon_value *back = NULL;
  CHECK(canon_load(&g.cx, 0, lt, &back));
  CHECK(canon_value_equal(v, back));
  canon_value_free(back);
  canon_value_free(v);
  /* a pointer beyond 2^32 is just out of bounds, no wrap-around */
  g.mem[16] = 0, g.mem[17] = 4;
  memset(g.mem + 16, 0, 16);
  g.mem[20] = 1; /* ptr = 2^32 */
  load_traps(u, &g, lt, 16, CANON_TRAP_LIST_OUT_OF_BOUNDS,
             "list pointer/length out of bounds of memory (list content out-of-bounds)");
  guest_free(&g);
}

TEST(handles) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  other_instance other;
  other_init(&other);
  canon_ResourceType rt = {.impl = &other.inst}, rt2 = {.impl = &other.inst};
  const canon_type *own = canon_type_own(a, &rt);
  const canon_type *bor = canon_type_borrow(a, &rt);
  /* lower_own: a new owning handle in the table; index 1 is the first */
  canon_value *v = canon_value_handle(CANON_OWN, 77, &rt);
  CHECK(canon_store(&g.cx, v, own, 0));
  CHECK_INT(get32(&g, 0), 1);
  canon_value_free(v);
  /* lift_own with the wrong resource type traps */
  canon_value *l = NULL;
  CHECK(!canon_load(&g.cx, 0, canon_type_own(a, &rt2), &l));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_HANDLE_WRONG_TYPE);
  CHECK_STR(g.cx.trap.msg,
            "handle index 1 used with the wrong type, expected guest-defined "
            "resource but found a different guest-defined resource");
  guest_reset(&g);
  /* lift_own: the rep comes back and the slot is freed */
  CHECK(canon_load(&g.cx, 0, own, &l));
  CHECK(l->kind == CANON_OWN && l->u.handle.rep == 77);
  canon_value_free(l);
  /* lifting it again: Table.get traps on the hole */
  CHECK(!canon_load(&g.cx, 0, own, &l));
  CHECK_STR(g.cx.trap.msg, "unknown handle index 1");
  guest_reset(&g);
  /* lower_borrow: a borrow handle counted in the task's num_borrows */
  canon_borrow_task task = {0};
  g.cx.borrow_scope.task = &task;
  v = canon_value_handle(CANON_BORROW, 5, &rt);
  CHECK(canon_store(&g.cx, v, bor, 4));
  CHECK_INT(get32(&g, 4), 1);
  CHECK_INT(task.num_borrows, 1);
  /* ... but not when lowering into the resource's own instance */
  canon_LiftLowerContext cx2;
  canon_CanonicalOptions o2 = g.opts;
  canon_LiftLowerContext_init(&cx2, &o2, &other.inst,
                              (canon_borrow_scope){&task, NULL});
  uint32_t idx = 0;
  CHECK(canon_lower_borrow(&cx2, 5, bor, &idx));
  CHECK_INT(idx, 5); /* the rep itself */
  CHECK_INT(task.num_borrows, 1);
  canon_value_free(v);
  /* lift_borrow: the handle stays and is lent to the subtask */
  canon_borrow_subtask sub = {0};
  g.cx.borrow_scope.subtask = &sub;
  CHECK(canon_load(&g.cx, 4, bor, &l));
  CHECK(l->kind == CANON_BORROW && l->u.handle.rep == 5);
  canon_value_free(l);
  canon_ResourceHandle *h = NULL;
  CHECK(canon_get_resource_handle(&g.inst.handles, 1, &rt, &h, &g.cx.trap));
  CHECK_INT(h->num_lends, 1);
  /* a lent handle cannot be dropped until the subtask delivers resolve */
  bool dtor = false;
  uint32_t rep = 0;
  CHECK(!canon_Table_resource_drop(&g.inst.handles, &rt, 1, &dtor, &rep,
                                    &g.cx.trap));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_HANDLE_LENT);
  guest_reset(&g);
  canon_borrow_subtask_deliver(&sub);
  CHECK_INT(h->num_lends, 0);
  /* dropping the borrow handle: no destructor, num_borrows -= 1 */
  CHECK(canon_Table_resource_drop(&g.inst.handles, &rt, 1, &dtor, &rep,
                                   &g.cx.trap));
  CHECK(!dtor);
  CHECK_INT(rep, 5);
  CHECK_INT(task.num_borrows, 0);
  canon_borrow_subtask_free(&sub);
  guest_free(&g);
  other_free(&other);
}

TEST(error_context_and_async_placeholders) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* lower_error_context adds to handles (a reference); lift gets the same
   * object back (another reference) */
  canon_value *msg = canon_value_string("m", 1);
  canon_ErrorContext *ec = canon_ErrorContext_new(msg);
  canon_value_free(msg);
  canon_value *v = canon_value_opaque(CANON_ERROR_CONTEXT, &ec->ref);
  canon_unref(&ec->ref); /* v holds it now */
  CHECK_INT(ec->ref.refs, 1);
  CHECK(canon_store(&g.cx, v, P(ERROR_CONTEXT), 0));
  CHECK_INT(get32(&g, 0), 1);
  CHECK_INT(ec->ref.refs, 2);
  canon_value *l = NULL;
  CHECK(canon_load(&g.cx, 0, P(ERROR_CONTEXT), &l));
  CHECK(l->u.opaque == &ec->ref);
  CHECK_INT(ec->ref.refs, 3);
  canon_value_free(l);
  canon_value_free(v);
  CHECK_INT(ec->ref.refs, 1);
  /* an index that is a resource handle is not an error-context */
  canon_ResourceType rt = {0};
  uint32_t i = 0;
  CHECK(canon_Table_resource_new(&g.inst.handles, &rt, 1, &i, &g.cx.trap));
  put32(&g, 0, i);
  load_traps(u, &g, P(ERROR_CONTEXT), 0, CANON_TRAP_HANDLE_WRONG_TYPE,
             "handle index 2 is not an error-context (handle is not an "
             "error-context)");
  free(g.inst.handles.array[2].obj);
  /* a handle that is not a readable stream end */
  load_traps(u, &g, canon_type_stream(a, P(U8)), 0,
             CANON_TRAP_HANDLE_WRONG_TYPE,
             "handle index 2 is not a readable stream end (handle is not a "
             "readable end of a stream)");
  canon_table_entry ecent;
  CHECK(canon_Table_remove(&g.inst.handles, 1, &ecent, &g.cx.trap));
  canon_unref(ecent.obj);
  guest_free(&g);
}

int main(void) {
  UNIT_BEGIN;
  RUN(integers);
  RUN(bool_and_floats);
  RUN(chars);
  RUN(records_layout);
  RUN(variants_layout_and_traps);
  RUN(flags);
  RUN(lists);
  RUN(fixed_lists_and_maps);
  RUN(memory64);
  RUN(handles);
  RUN(error_context_and_async_placeholders);
  return UNIT_END;
}
