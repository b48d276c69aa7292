/* canon_flat.c -- unit tests of canon/flat.c: lift_flat/lower_flat incl.
 * the variant coercions of join, and lift_flat_values/lower_flat_values
 * with the fallback to linear memory (CanonicalABI.md "Flat Lifting",
 * "Flat Lowering", "Lifting and Lowering Values"). */
#include "canon/flat.h"
#include "canon/layout.h"
#include "canon/load_store.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

#define P(k) canon_type_prim(CANON_##k)

/* lift_flat of t from n core values; checks that all were consumed */
static canon_value *lift(unit_ctx *u, canon_guest *g, const canon_type *t,
                         const uint64_t *vals, uint32_t n) {
  canon_CoreValueIter vi;
  canon_CoreValueIter_init(&vi, vals, n);
  canon_value *v = NULL;
  if (!canon_lift_flat(&g->cx, &vi, t, &v)) return NULL;
  CHECK(canon_CoreValueIter_done(&vi));
  return v;
}

/* lower_flat of v (freed) and compare with the expected core values */
static void lower_is(unit_ctx *u, canon_guest *g, canon_value *v,
                     const canon_type *t, const uint64_t *want, uint32_t n) {
  canon_core_vec out = {0};
  CHECK(canon_lower_flat(&g->cx, v, t, &out));
  CHECK_INT(out.n, n);
  for (uint32_t i = 0; i < n && i < out.n; i++)
    if (!CHECK(out.v[i] == want[i]))
      fprintf(stderr, "    [%u]: %#llx != %#llx\n", i,
              (unsigned long long)out.v[i], (unsigned long long)want[i]);
  canon_core_vec_free(&out);
  canon_value_free(v);
}

#define V(...) (const uint64_t[]){__VA_ARGS__}
#define N(...) (uint32_t)(sizeof((const uint64_t[]){__VA_ARGS__}) / 8)
#define LIFT(t, ...) lift(u, &g, t, V(__VA_ARGS__), N(__VA_ARGS__))
#define LOWER_IS(v, t, ...) lower_is(u, &g, v, t, V(__VA_ARGS__), N(__VA_ARGS__))

TEST(integers) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  canon_value *v;
  /* lift_flat_unsigned: i % 2^t_width (high bits ignored) */
  v = LIFT(P(U8), 0x1FF);
  CHECK_INT(v->u.u, 0xFF);
  canon_value_free(v);
  v = LIFT(P(U16), 0xFFFF1234);
  CHECK_INT(v->u.u, 0x1234);
  canon_value_free(v);
  /* lift_flat_signed: wrap to t_width, then two's complement */
  v = LIFT(P(S8), 0xFF);
  CHECK_INT(v->u.s, -1);
  canon_value_free(v);
  v = LIFT(P(S16), 0x18000);
  CHECK_INT(v->u.s, -32768);
  canon_value_free(v);
  v = LIFT(P(S32), 0xFFFFFFFF);
  CHECK_INT(v->u.s, -1);
  canon_value_free(v);
  v = LIFT(P(S64), 0x8000000000000000ull);
  CHECK(v->u.s == INT64_MIN);
  canon_value_free(v);
  /* convert_int_to_bool */
  v = LIFT(P(BOOL), 7);
  CHECK(v->u.b);
  canon_value_free(v);
  /* lower_flat_signed: into 32 or 64 core bits */
  LOWER_IS(canon_value_sint(CANON_S8, -1), P(S8), 0xFFFFFFFF);
  LOWER_IS(canon_value_sint(CANON_S32, INT32_MIN), P(S32), 0x80000000);
  LOWER_IS(canon_value_sint(CANON_S64, -1), P(S64), UINT64_MAX);
  LOWER_IS(canon_value_uint(CANON_U64, 5), P(U64), 5);
  LOWER_IS(canon_value_bool(true), P(BOOL), 1);
  LOWER_IS(canon_value_char(0x10FFFF), P(CHAR), 0x10FFFF);
  /* char: trap_if surrogate */
  CHECK(LIFT(P(CHAR), 0xDABC) == NULL);
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_INVALID_CHAR);
  guest_free(&g);
}

TEST(floats) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* canonicalize_nan32 on lift, canonical NaN on lower */
  canon_value *v = LIFT(P(F32), 0x7FA00001);
  uint32_t b;
  memcpy(&b, &v->u.f32, 4);
  CHECK_INT(b, 0x7FC00000);
  LOWER_IS(v, P(F32), 0x7FC00000);
  v = LIFT(P(F64), 0xFFF0000000000001ull);
  LOWER_IS(v, P(F64), 0x7FF8000000000000ull);
  LOWER_IS(canon_value_f32(1.5f), P(F32), 0x3FC00000);
  LOWER_IS(canon_value_f64(-2.0), P(F64), 0xC000000000000000ull);
  guest_free(&g);
}

TEST(variant_coercions) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* {a(u32), b(f32)} flattens to [i32, i32]: f32 travels as its bits */
  canon_case c1[] = {{"a", P(U32)}, {"b", P(F32)}};
  const canon_type *v1 = canon_type_variant(a, c1, 2);
  LOWER_IS(canon_value_variant(CANON_VARIANT, "b", canon_value_f32(1.5f)), v1,
           1, 0x3FC00000);
  canon_value *v = LIFT(v1, 1, 0x3FC00000);
  CHECK(v && strcmp(v->u.variant.label, "b") == 0 &&
        v->u.variant.payload->u.f32 == 1.5f);
  canon_value_free(v);
  /* {a(f32), b(f64)} flattens to [i32, i64]: f32 bits zero-extended;
   * lifting wraps the i64 to i32 before reinterpreting (('i64','f32')) */
  canon_case c2[] = {{"a", P(F32)}, {"b", P(F64)}};
  const canon_type *v2 = canon_type_variant(a, c2, 2);
  LOWER_IS(canon_value_variant(CANON_VARIANT, "a", canon_value_f32(1.5f)), v2,
           0, 0x3FC00000);
  v = LIFT(v2, 0, 0xFFFFFFFF3FC00000ull);
  CHECK(v && v->u.variant.payload->u.f32 == 1.5f);
  canon_value_free(v);
  v = LIFT(v2, 1, 0x4004000000000000ull);
  CHECK(v && v->u.variant.payload->u.f64 == 2.5);
  canon_value_free(v);
  /* {a(u32), b(u64)} -> [i32, i64]: ('i64','i32') wraps */
  canon_case c3[] = {{"a", P(U32)}, {"b", P(U64)}};
  const canon_type *v3 = canon_type_variant(a, c3, 2);
  v = LIFT(v3, 0, 0x1234567800000009ull);
  CHECK(v && v->u.variant.payload->u.u == 9);
  canon_value_free(v);
  LOWER_IS(canon_value_variant(CANON_VARIANT, "a",
                               canon_value_uint(CANON_U32, 0xFFFFFFFF)),
           v3, 0, 0xFFFFFFFF);
  /* padding: {a(u8), b(tuple<u64,u64>)} -> [i32, i64, i64]; case a is
   * padded with 0 and its unused slot is skipped on lift */
  const canon_type *uu[] = {P(U64), P(U64)};
  canon_case c4[] = {{"a", P(U8)}, {"b", canon_type_tuple(a, uu, 2)}};
  const canon_type *v4 = canon_type_variant(a, c4, 2);
  LOWER_IS(canon_value_variant(CANON_VARIANT, "a",
                               canon_value_uint(CANON_U8, 7)),
           v4, 0, 7, 0);
  v = LIFT(v4, 0, 7, 99);
  CHECK(v && v->u.variant.payload->u.u == 7);
  canon_value_free(v);
  /* payload-less case: all padding */
  const canon_type *opt = canon_type_option(a, P(F64));
  LOWER_IS(canon_value_variant(CANON_OPTION, "none", NULL), opt, 0, 0);
  v = LIFT(opt, 0, 123);
  CHECK(v && v->kind == CANON_OPTION && v->u.variant.payload == NULL);
  canon_value_free(v);
  /* trap_if(case_index >= len(cases)) */
  CHECK(LIFT(opt, 2, 0) == NULL);
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_INVALID_DISCRIMINANT);
  guest_free(&g);
}

TEST(compound) {
  canon_guest g;
  canon_type_arena *a = guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  /* lift_flat_string: (ptr, packed_length) */
  memcpy(g.mem + 100, "abc", 3);
  canon_value *v = LIFT(P(STRING), 100, 3);
  CHECK_STR(v->u.str.utf8, "abc");
  canon_value_free(v);
  /* lift_flat_list: fixed length lifts element by element */
  const canon_type *fl = canon_type_list_fixed(a, P(U8), 2);
  v = LIFT(fl, 0x101, 2);
  CHECK(v && v->u.list.n == 2 && v->u.list.items[0]->u.u == 1);
  canon_value_free(v);
  /* variable length: (ptr, length) */
  const canon_type *l = canon_type_list(a, P(U8));
  v = LIFT(l, 100, 3);
  CHECK(v && v->u.list.n == 3 && v->u.list.items[2]->u.u == 'c');
  canon_value_free(v);
  /* lift_flat_flags ignores bits above the labels */
  const char *abc[] = {"a", "b", "c"};
  v = LIFT(canon_type_flags(a, abc, 3), 0xFFFFFFFF);
  CHECK(v && v->u.flags.n == 3);
  canon_value_free(v);
  /* records flatten field by field */
  canon_field f[] = {{"x", P(U8)}, {"y", P(F64)}};
  const canon_type *rt = canon_type_record(a, f, 2);
  v = LIFT(rt, 3, 0x3FF0000000000000ull);
  CHECK(v && v->u.record.items[1]->u.f64 == 1.0);
  LOWER_IS(v, rt, 3, 0x3FF0000000000000ull);
  /* lower_flat_list: store_list_into_range then (ptr, length) */
  canon_value *it[] = {canon_value_uint(CANON_U8, 1),
                       canon_value_uint(CANON_U8, 2)};
  LOWER_IS(canon_value_list_of(CANON_LIST, 2, it), l, 1024, 2);
  CHECK_INT(g.ncalls, 1);
  CHECK_INT(g.calls[0].align, 1);
  CHECK_INT(g.calls[0].new_size, 2);
  guest_free(&g);
}

TEST(flat_values_limits) {
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  const canon_type *ts[17];
  canon_value *vs[17];
  uint64_t flat[17];
  for (int i = 0; i < 17; i++) {
    ts[i] = P(U32);
    vs[i] = canon_value_uint(CANON_U32, 100 + i);
    flat[i] = 100 + i;
  }
  /* 16 flat values <= MAX_FLAT_PARAMS: passed as is */
  canon_core_vec out = {0};
  CHECK(canon_lower_flat_values(&g.cx, 16, (const canon_value *const *)vs, ts,
                                16, NULL, &out));
  CHECK_INT(out.n, 16);
  CHECK_INT(out.v[15], 115);
  CHECK_INT(g.ncalls, 0);
  canon_core_vec_free(&out);
  /* 17 > 16: realloc(0, 0, alignment 4, elem_size 68) and [ptr] */
  CHECK(canon_lower_flat_values(&g.cx, 16, (const canon_value *const *)vs, ts,
                                17, NULL, &out));
  CHECK_INT(out.n, 1);
  CHECK_INT(out.v[0], 1024);
  CHECK_INT(g.ncalls, 1);
  CHECK_INT(g.calls[0].align, 4);
  CHECK_INT(g.calls[0].new_size, 68);
  CHECK_INT(get32(&g, 1024 + 16 * 4), 116);
  canon_core_vec_free(&out);
  /* lift_flat_values reads the tuple back from that pointer */
  canon_value *back[17] = {0};
  canon_CoreValueIter vi;
  uint64_t p = 1024;
  canon_CoreValueIter_init(&vi, &p, 1);
  CHECK(canon_lift_flat_values(&g.cx, 16, &vi, ts, 17, back));
  CHECK(canon_CoreValueIter_done(&vi));
  for (int i = 0; i < 17; i++) {
    CHECK(canon_value_equal(back[i], vs[i]));
    canon_value_free(back[i]);
  }
  /* ... and lifting 16 takes them flat */
  canon_CoreValueIter_init(&vi, flat, 16);
  CHECK(canon_lift_flat_values(&g.cx, 16, &vi, ts, 16, back));
  CHECK_INT(back[3]->u.u, 103);
  for (int i = 0; i < 16; i++) canon_value_free(back[i]);
  /* trap_if(ptr != align_to(ptr, alignment(tuple_type))) */
  p = 1026;
  canon_CoreValueIter_init(&vi, &p, 1);
  CHECK(!canon_lift_flat_values(&g.cx, 16, &vi, ts, 17, back));
  CHECK_STR(g.cx.trap.msg, "unaligned pointer");
  guest_reset(&g);
  /* trap_if(ptr + elem_size(tuple_type) > len(memory)) */
  p = GUEST_MEM - 64;
  canon_CoreValueIter_init(&vi, &p, 1);
  CHECK(!canon_lift_flat_values(&g.cx, 16, &vi, ts, 17, back));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_OUT_OF_BOUNDS);
  guest_reset(&g);
  /* an out-param (canon lower's caller-allocated space): no realloc, no
   * flat values, the checks apply to the caller's pointer */
  p = 2000;
  canon_CoreValueIter_init(&vi, &p, 1);
  CHECK(canon_lower_flat_values(&g.cx, 16, (const canon_value *const *)vs, ts,
                                17, &vi, &out));
  CHECK_INT(out.n, 0);
  CHECK_INT(g.ncalls, 0);
  CHECK_INT(get32(&g, 2000), 100);
  p = 2002;
  canon_CoreValueIter_init(&vi, &p, 1);
  CHECK(!canon_lower_flat_values(&g.cx, 16, (const canon_value *const *)vs, ts,
                                 17, &vi, &out));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_UNALIGNED);
  guest_reset(&g);
  for (int i = 0; i < 17; i++) canon_value_free(vs[i]);
  canon_core_vec_free(&out);
  guest_free(&g);
}

TEST(string_result_through_memory) {
  /* MAX_FLAT_RESULTS = 1: a string result (2 flat values) is lowered into
   * a realloc'd tuple; the tuple is allocated first (align 4, 8 bytes),
   * then the string contents (align 1, 3 bytes) */
  canon_guest g;
  guest_init(&g, CANON_FLAT_I32, CANON_UTF8, GUEST_MEM);
  const canon_type *ts[] = {P(STRING)};
  canon_value *s = canon_value_string("abc", 3);
  canon_core_vec out = {0};
  CHECK(canon_lower_flat_values(&g.cx, 1, (const canon_value *const *)&s, ts,
                                1, NULL, &out));
  CHECK_INT(g.ncalls, 2);
  CHECK(g.calls[0].align == 4 && g.calls[0].new_size == 8);
  CHECK(g.calls[1].align == 1 && g.calls[1].new_size == 3);
  CHECK_INT(out.n, 1);
  CHECK_INT(out.v[0], 1024);
  CHECK_INT(get32(&g, 1024), 1032); /* string at the second allocation */
  CHECK_INT(get32(&g, 1028), 3);
  CHECK(memcmp(g.mem + 1032, "abc", 3) == 0);
  /* realloc returning an unaligned tuple pointer */
  guest_reset(&g);
  g.script[0] = 1025;
  g.nscript = 1;
  canon_core_vec_free(&out);
  CHECK(!canon_lower_flat_values(&g.cx, 1, (const canon_value *const *)&s, ts,
                                 1, NULL, &out));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_REALLOC_UNALIGNED);
  canon_core_vec_free(&out);
  canon_value_free(s);
  guest_free(&g);
}

int main(void) {
  UNIT_BEGIN;
  RUN(integers);
  RUN(floats);
  RUN(variant_coercions);
  RUN(compound);
  RUN(flat_values_limits);
  RUN(string_result_through_memory);
  return UNIT_END;
}
