/* canon_layout.c -- unit tests of canon/types.c and canon/layout.c: type
 * construction, despecialize, type predicates, alignment, elem_size,
 * discriminant types, flattening and flatten_functype.  Every expected
 * number is worked out by hand from CanonicalABI.md (the rule is named in
 * the comment next to it). */
#include "canon/layout.h"
#include "canon/handles.h"
#include "harness/unit/unit.h"

#include <stdlib.h>

#define P(k) canon_type_prim(CANON_##k)
#define I32 CANON_FLAT_I32
#define I64 CANON_FLAT_I64

static int al(const canon_type *t) { return (int)canon_alignment(t, I32); }
static int sz(const canon_type *t) { return (int)canon_elem_size(t, I32); }
static int al64(const canon_type *t) { return (int)canon_alignment(t, I64); }
static int sz64(const canon_type *t) { return (int)canon_elem_size(t, I64); }

/* Flattens t with the given memory address type and writes "i32 f64 ..." */
static const char *flat_str(const canon_type *t, canon_flat ptr, char *buf) {
  canon_MemInst mem = {.addrtype = ptr};
  canon_CanonicalOptions opts = {.memory = &mem};
  canon_flat_vec fv = {0};
  canon_flatten_type(t, &opts, &fv);
  buf[0] = 0;
  for (uint32_t i = 0; i < fv.n; i++) {
    if (i) strcat(buf, " ");
    strcat(buf, canon_flat_name(fv.v[i]));
  }
  return buf;
}

TEST(primitive_alignment_and_size) {
  /* "Alignment" / "Element Size": the fixed table */
  CHECK_INT(al(P(BOOL)), 1);
  CHECK_INT(sz(P(BOOL)), 1);
  CHECK_INT(al(P(S8)), 1);
  CHECK_INT(sz(P(U8)), 1);
  CHECK_INT(al(P(S16)), 2);
  CHECK_INT(sz(P(U16)), 2);
  CHECK_INT(al(P(S32)), 4);
  CHECK_INT(sz(P(U32)), 4);
  CHECK_INT(al(P(S64)), 8);
  CHECK_INT(sz(P(U64)), 8);
  CHECK_INT(al(P(F32)), 4);
  CHECK_INT(sz(P(F32)), 4);
  CHECK_INT(al(P(F64)), 8);
  CHECK_INT(sz(P(F64)), 8);
  CHECK_INT(al(P(CHAR)), 4);
  CHECK_INT(sz(P(CHAR)), 4);
  CHECK_INT(al(P(ERROR_CONTEXT)), 4);
  CHECK_INT(sz(P(ERROR_CONTEXT)), 4);
  /* string: ptr_size alignment, 2 * ptr_size bytes */
  CHECK_INT(al(P(STRING)), 4);
  CHECK_INT(sz(P(STRING)), 8);
  CHECK_INT(al64(P(STRING)), 8);
  CHECK_INT(sz64(P(STRING)), 16);
}

TEST(lists_and_handles) {
  canon_type_arena *a = canon_type_arena_new();
  canon_ResourceType rt = {0};
  /* alignment_list/elem_size_list: variable length = (ptr, len) */
  const canon_type *lu8 = canon_type_list(a, P(U8));
  CHECK_INT(al(lu8), 4);
  CHECK_INT(sz(lu8), 8);
  CHECK_INT(al64(lu8), 8);
  CHECK_INT(sz64(lu8), 16);
  /* fixed length: alignment of the element, length * elem_size */
  const canon_type *f3 = canon_type_list_fixed(a, P(U16), 3);
  CHECK_INT(al(f3), 2);
  CHECK_INT(sz(f3), 6);
  canon_field rf[] = {{"a", P(U8)}, {"b", P(U32)}};
  const canon_type *f2r =
      canon_type_list_fixed(a, canon_type_record(a, rf, 2), 2);
  CHECK_INT(al(f2r), 4);
  CHECK_INT(sz(f2r), 16); /* 2 * 8 */
  CHECK_INT(al64(f2r), 4); /* no pointers inside */
  /* own/borrow/stream/future: i32 handles */
  CHECK_INT(sz(canon_type_own(a, &rt)), 4);
  CHECK_INT(al(canon_type_borrow(a, &rt)), 4);
  CHECK_INT(sz(canon_type_stream(a, P(U8))), 4);
  CHECK_INT(sz(canon_type_future(a, NULL)), 4);
  /* map<string,u32> = list<tuple<string,u32>> */
  const canon_type *m = canon_type_map(a, P(STRING), P(U32));
  CHECK_INT(al(m), 4);
  CHECK_INT(sz(m), 8);
  CHECK(canon_despecialize(m)->kind == CANON_LIST);
  CHECK(canon_type_list_fixed(a, P(U8), 0) == NULL);
  canon_type_arena_free(a);
}

TEST(records) {
  canon_type_arena *a = canon_type_arena_new();
  /* elem_size_record: a@0, b aligned to 4 -> @4, c@8..10, size
   * align_to(10, 4) = 12 */
  canon_field f1[] = {{"a", P(U8)}, {"b", P(U32)}, {"c", P(U16)}};
  const canon_type *r1 = canon_type_record(a, f1, 3);
  CHECK_INT(al(r1), 4);
  CHECK_INT(sz(r1), 12);
  /* a@0, b@8 -> 16, alignment 8 */
  canon_field f2[] = {{"a", P(U8)}, {"b", P(U64)}};
  CHECK_INT(al(canon_type_record(a, f2, 2)), 8);
  CHECK_INT(sz(canon_type_record(a, f2, 2)), 16);
  /* nested: inner {a:u8, b:u16} is align 2 size 4; outer {x:u8, y:inner}:
   * x@0, y@2, 6 bytes, align 2 */
  canon_field in[] = {{"a", P(U8)}, {"b", P(U16)}};
  canon_field out[] = {{"x", P(U8)}, {"y", canon_type_record(a, in, 2)}};
  const canon_type *nested = canon_type_record(a, out, 2);
  CHECK_INT(al(nested), 2);
  CHECK_INT(sz(nested), 6);
  /* tuple<u8, string>: u8@0, string@4 (i32) or @8 (i64) */
  const canon_type *ts[] = {P(U8), P(STRING)};
  const canon_type *tup = canon_type_tuple(a, ts, 2);
  CHECK_INT(sz(tup), 12);
  CHECK_INT(al(tup), 4);
  CHECK_INT(sz64(tup), 24);
  CHECK_INT(al64(tup), 8);
  /* despecialize(tuple) = record with fields "0", "1" */
  const canon_type *d = canon_despecialize(tup);
  CHECK(d->kind == CANON_RECORD);
  CHECK_STR(d->u.record.fields[0].label, "0");
  CHECK_STR(d->u.record.fields[1].label, "1");
  CHECK(d->u.record.fields[1].t == P(STRING));
  /* Explainer: no empty records, labels unique */
  CHECK(canon_type_record(a, f1, 0) == NULL);
  canon_field dup[] = {{"a", P(U8)}, {"a", P(U8)}};
  CHECK(canon_type_record(a, dup, 2) == NULL);
  canon_type_arena_free(a);
}

TEST(discriminants) {
  /* discriminant_type: ceil(log2(n)/8) -> u8 up to 256 cases, u16 up to
   * 65536, u32 beyond */
  CHECK(canon_discriminant_type(1) == CANON_U8);
  CHECK(canon_discriminant_type(2) == CANON_U8);
  CHECK(canon_discriminant_type(256) == CANON_U8);
  CHECK(canon_discriminant_type(257) == CANON_U16);
  CHECK(canon_discriminant_type(65536) == CANON_U16);
  CHECK(canon_discriminant_type(65537) == CANON_U32);
}

TEST(variants) {
  canon_type_arena *a = canon_type_arena_new();
  /* {a, b(u32)}: disc 1 byte, payload at align 4 -> 4 + 4 = 8, align 4 */
  canon_case c1[] = {{"a", NULL}, {"b", P(U32)}};
  const canon_type *v1 = canon_type_variant(a, c1, 2);
  CHECK_INT(al(v1), 4);
  CHECK_INT(sz(v1), 8);
  /* option<u8>: 1 + 1 = 2, align 1; option<u64>: 8 + 8, align 8 */
  CHECK_INT(sz(canon_type_option(a, P(U8))), 2);
  CHECK_INT(al(canon_type_option(a, P(U8))), 1);
  CHECK_INT(sz(canon_type_option(a, P(U64))), 16);
  CHECK_INT(al(canon_type_option(a, P(U64))), 8);
  /* result (no payloads): just the u8 discriminant */
  CHECK_INT(sz(canon_type_result(a, NULL, NULL)), 1);
  /* result<string, u8>: disc, payload at 4, max(8, 1) -> 12 */
  const canon_type *r = canon_type_result(a, P(STRING), P(U8));
  CHECK_INT(sz(r), 12);
  CHECK_INT(al(r), 4);
  CHECK_INT(sz64(r), 24); /* 8 + 16 */
  /* enum: 3 labels -> u8; 257 labels -> u16 (size 2, align 2) */
  const char *abc[] = {"a", "b", "c"};
  CHECK_INT(sz(canon_type_enum(a, abc, 3)), 1);
  char names[257][16];
  const char *many[257];
  canon_case manyc[257];
  for (int i = 0; i < 257; i++) {
    snprintf(names[i], sizeof names[i], "c%d", i);
    many[i] = names[i];
    manyc[i] = (canon_case){names[i], P(U8)};
  }
  const canon_type *e257 = canon_type_enum(a, many, 257);
  CHECK_INT(sz(e257), 2);
  CHECK_INT(al(e257), 2);
  /* 257 cases with u8 payloads: u16 disc (2), payload align 1 -> 3,
   * aligned to max(2, 1) -> 4 */
  const canon_type *v257 = canon_type_variant(a, manyc, 257);
  CHECK_INT(sz(v257), 4);
  CHECK_INT(al(v257), 2);
  /* variant inside record: {v: variant{a(u8), b(u64)}, z: u8}:
   * the variant is 8 + 8 = 16 (align 8); z@16; 17 -> 24 */
  canon_case c2[] = {{"a", P(U8)}, {"b", P(U64)}};
  canon_field rf[] = {{"v", canon_type_variant(a, c2, 2)}, {"z", P(U8)}};
  const canon_type *rv = canon_type_record(a, rf, 2);
  CHECK_INT(sz(rv), 24);
  CHECK_INT(al(rv), 8);
  /* despecialize(option<T>) = variant { none, some(T) } */
  const canon_type *o = canon_despecialize(canon_type_option(a, P(U8)));
  CHECK_STR(o->u.variant.cases[0].label, "none");
  CHECK(o->u.variant.cases[0].t == NULL);
  CHECK_STR(o->u.variant.cases[1].label, "some");
  const canon_type *rr = canon_despecialize(r);
  CHECK_STR(rr->u.variant.cases[0].label, "ok");
  CHECK_STR(rr->u.variant.cases[1].label, "error");
  CHECK(canon_type_variant(a, c1, 0) == NULL);
  canon_type_arena_free(a);
}

TEST(flags_sizes) {
  canon_type_arena *a = canon_type_arena_new();
  char names[33][16];
  const char *ls[33];
  for (int i = 0; i < 33; i++) {
    snprintf(names[i], sizeof names[i], "f%d", i);
    ls[i] = names[i];
  }
  /* alignment_flags / elem_size_flags: <= 8 -> 1, <= 16 -> 2, <= 32 -> 4 */
  CHECK_INT(sz(canon_type_flags(a, ls, 1)), 1);
  CHECK_INT(al(canon_type_flags(a, ls, 1)), 1);
  CHECK_INT(sz(canon_type_flags(a, ls, 8)), 1);
  CHECK_INT(sz(canon_type_flags(a, ls, 9)), 2);
  CHECK_INT(al(canon_type_flags(a, ls, 16)), 2);
  CHECK_INT(sz(canon_type_flags(a, ls, 17)), 4);
  CHECK_INT(sz(canon_type_flags(a, ls, 32)), 4);
  CHECK_INT(al(canon_type_flags(a, ls, 32)), 4);
  /* assert(0 < n <= 32): 0 and 33 labels are not types */
  CHECK(canon_type_flags(a, ls, 0) == NULL);
  CHECK(canon_type_flags(a, ls, 33) == NULL);
  canon_type_arena_free(a);
}

TEST(predicates) {
  canon_type_arena *a = canon_type_arena_new();
  canon_ResourceType rt = {0};
  const canon_type *b = canon_type_borrow(a, &rt);
  canon_field f[] = {{"x", P(U8)}, {"h", b}};
  /* contains_borrow recurses through records, lists, options */
  CHECK(canon_contains_borrow(canon_type_record(a, f, 2)));
  CHECK(canon_contains_borrow(canon_type_option(a, canon_type_list(a, b))));
  CHECK(!canon_contains_borrow(canon_type_own(a, &rt)));
  CHECK(!canon_contains_borrow(P(STRING)));
  CHECK(!canon_contains_borrow(NULL));
  /* contains_async_value */
  CHECK(canon_contains_async_value(
      canon_type_list(a, canon_type_stream(a, P(U8)))));
  CHECK(canon_contains_async_value(canon_type_future(a, NULL)));
  CHECK(!canon_contains_async_value(canon_type_list(a, P(U8))));
  canon_type_arena_free(a);
}

TEST(flatten) {
  canon_type_arena *a = canon_type_arena_new();
  char buf[256];
  /* flatten_type table */
  CHECK_STR(flat_str(P(U8), I32, buf), "i32");
  CHECK_STR(flat_str(P(BOOL), I32, buf), "i32");
  CHECK_STR(flat_str(P(S64), I32, buf), "i64");
  CHECK_STR(flat_str(P(F32), I32, buf), "f32");
  CHECK_STR(flat_str(P(F64), I32, buf), "f64");
  CHECK_STR(flat_str(P(CHAR), I32, buf), "i32");
  CHECK_STR(flat_str(P(STRING), I32, buf), "i32 i32");
  CHECK_STR(flat_str(P(STRING), I64, buf), "i64 i64");
  CHECK_STR(flat_str(canon_type_list(a, P(U8)), I64, buf), "i64 i64");
  /* flatten_list: fixed length = element flattening repeated */
  CHECK_STR(flat_str(canon_type_list_fixed(a, P(U8), 3), I32, buf),
            "i32 i32 i32");
  CHECK_STR(flat_str(canon_type_list_fixed(a, P(F64), 2), I32, buf),
            "f64 f64");
  /* flatten_record: fields in order */
  canon_field f[] = {{"a", P(U8)}, {"b", P(F64)}, {"c", P(STRING)}};
  CHECK_STR(flat_str(canon_type_record(a, f, 3), I32, buf),
            "i32 f64 i32 i32");
  /* flatten_variant + join */
  canon_case c1[] = {{"a", P(U32)}, {"b", P(F32)}};
  CHECK_STR(flat_str(canon_type_variant(a, c1, 2), I32, buf),
            "i32 i32"); /* join(i32, f32) = i32 */
  canon_case c2[] = {{"a", P(F32)}, {"b", P(F64)}};
  CHECK_STR(flat_str(canon_type_variant(a, c2, 2), I32, buf),
            "i32 i64"); /* join(f32, f64) = i64 */
  canon_case c3[] = {{"a", P(F32)}, {"b", P(F32)}};
  CHECK_STR(flat_str(canon_type_variant(a, c3, 2), I32, buf),
            "i32 f32"); /* join(f32, f32) = f32 */
  canon_case c4[] = {{"a", P(U64)}, {"b", P(F32)}};
  CHECK_STR(flat_str(canon_type_variant(a, c4, 2), I32, buf), "i32 i64");
  const canon_type *fi[] = {P(F32), P(U32)};
  const canon_type *id[] = {P(U32), P(F64)};
  canon_case c5[] = {{"a", canon_type_tuple(a, fi, 2)},
                     {"b", canon_type_tuple(a, id, 2)},
                     {"c", NULL}};
  /* position 0: join(f32, i32) = i32; position 1: join(i32, f64) = i64 */
  CHECK_STR(flat_str(canon_type_variant(a, c5, 3), I32, buf), "i32 i32 i64");
  const canon_type *ddd[] = {P(F64), P(F64), P(F64)};
  canon_case c6[] = {{"a", P(STRING)}, {"b", canon_type_tuple(a, ddd, 3)}};
  /* string's i32 i32 joined with f64 f64, then the third f64 alone */
  CHECK_STR(flat_str(canon_type_variant(a, c6, 2), I32, buf),
            "i32 i64 i64 f64");
  CHECK_STR(flat_str(canon_type_option(a, P(F32)), I32, buf), "i32 f32");
  CHECK_STR(flat_str(canon_type_result(a, P(U32), P(F32)), I32, buf),
            "i32 i32");
  CHECK_STR(flat_str(canon_type_result(a, NULL, NULL), I32, buf), "i32");
  const char *abc[] = {"a", "b", "c"};
  CHECK_STR(flat_str(canon_type_enum(a, abc, 3), I32, buf), "i32");
  CHECK_STR(flat_str(canon_type_flags(a, abc, 3), I32, buf), "i32");
  CHECK(canon_join(I32, CANON_FLAT_F32) == I32);
  CHECK(canon_join(CANON_FLAT_F32, I32) == I32);
  CHECK(canon_join(CANON_FLAT_F64, CANON_FLAT_F32) == I64);
  CHECK(canon_join(I32, I64) == I64);
  canon_type_arena_free(a);
}

static const char *core_sig(const canon_FuncType *ft, canon_CanonicalOptions *opts,
                            canon_abi_context ctx, char *buf) {
  canon_CoreFuncType c;
  canon_flatten_functype(opts, ft, ctx, &c);
  strcpy(buf, "(");
  for (uint32_t i = 0; i < c.params.n; i++) {
    if (i) strcat(buf, " ");
    strcat(buf, canon_flat_name(c.params.v[i]));
  }
  strcat(buf, ") -> (");
  for (uint32_t i = 0; i < c.results.n; i++) {
    if (i) strcat(buf, " ");
    strcat(buf, canon_flat_name(c.results.v[i]));
  }
  strcat(buf, ")");
  return buf;
}

TEST(flatten_functype) {
  canon_type_arena *a = canon_type_arena_new();
  canon_MemInst m32 = {.addrtype = I32}, m64 = {.addrtype = I64};
  canon_CanonicalOptions o = {.memory = &m32};
  char buf[512];
  canon_field p1[] = {{"a", P(U32)}};
  const canon_FuncType *f1 = canon_FuncType_new(a, p1, 1, P(U32), false);
  CHECK_STR(core_sig(f1, &o, CANON_LIFT, buf), "(i32) -> (i32)");
  CHECK_STR(core_sig(f1, &o, CANON_LOWER, buf), "(i32) -> (i32)");
  /* MAX_FLAT_PARAMS = 16: 16 stay flat, 17 go through memory */
  canon_field p17[17];
  char names[17][16];
  for (int i = 0; i < 17; i++) {
    snprintf(names[i], sizeof names[i], "p%d", i);
    p17[i] = (canon_field){names[i], P(U32)};
  }
  const canon_FuncType *f16 = canon_FuncType_new(a, p17, 16, NULL, false);
  CHECK_STR(core_sig(f16, &o, CANON_LIFT, buf),
            "(i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)"
            " -> ()");
  const canon_FuncType *f17 = canon_FuncType_new(a, p17, 17, NULL, false);
  CHECK_STR(core_sig(f17, &o, CANON_LIFT, buf), "(i32) -> ()");
  /* MAX_FLAT_RESULTS = 1: a string result is returned through memory:
   * lift returns a pointer, lower takes an out-pointer parameter */
  const canon_FuncType *fs = canon_FuncType_new(a, p1, 1, P(STRING), false);
  CHECK_STR(core_sig(fs, &o, CANON_LIFT, buf), "(i32) -> (i32)");
  CHECK_STR(core_sig(fs, &o, CANON_LOWER, buf), "(i32 i32) -> ()");
  canon_CanonicalOptions o64 = {.memory = &m64};
  CHECK_STR(core_sig(fs, &o64, CANON_LOWER, buf), "(i32 i64) -> ()");
  CHECK_STR(core_sig(f17, &o64, CANON_LOWER, buf), "(i64) -> ()");
  /* async lift: results are [] without callback, [i32] with one */
  canon_CanonicalOptions oa = {.memory = &m32, .async = true};
  CHECK_STR(core_sig(fs, &oa, CANON_LIFT, buf), "(i32) -> ()");
  int cb;
  oa.callback = &cb;
  CHECK_STR(core_sig(fs, &oa, CANON_LIFT, buf), "(i32) -> (i32)");
  oa.callback = NULL;
  /* async lower: MAX_FLAT_ASYNC_PARAMS = 4, results via an out-pointer,
   * the core result is the i32 status */
  const canon_FuncType *f4 = canon_FuncType_new(a, p17, 4, NULL, false);
  CHECK_STR(core_sig(f4, &oa, CANON_LOWER, buf), "(i32 i32 i32 i32) -> (i32)");
  const canon_FuncType *f5 = canon_FuncType_new(a, p17, 5, P(U32), false);
  CHECK_STR(core_sig(f5, &oa, CANON_LOWER, buf), "(i32 i32) -> (i32)");
  /* duplicate parameter names are not a function type */
  canon_field dup[] = {{"a", P(U8)}, {"a", P(U8)}};
  CHECK(canon_FuncType_new(a, dup, 2, NULL, false) == NULL);
  canon_type_arena_free(a);
}

TEST(type_printing) {
  canon_type_arena *a = canon_type_arena_new();
  canon_field f[] = {{"a", P(U32)}, {"b", canon_type_option(a, P(STRING))}};
  char *s = canon_type_to_string(canon_type_record(a, f, 2));
  CHECK_STR(s, "(record (field \"a\" u32) (field \"b\" (option string)))");
  free(s);
  s = canon_type_to_string(canon_type_list_fixed(a, P(U8), 4));
  CHECK_STR(s, "(list u8 4)");
  free(s);
  canon_type_arena_free(a);
}

int main(void) {
  UNIT_BEGIN;
  RUN(primitive_alignment_and_size);
  RUN(lists_and_handles);
  RUN(records);
  RUN(discriminants);
  RUN(variants);
  RUN(flags_sizes);
  RUN(predicates);
  RUN(flatten);
  RUN(flatten_functype);
  RUN(type_printing);
  return UNIT_END;
}
