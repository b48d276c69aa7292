/* canon_values.c -- unit tests of canon/values.c: construction, deep
 * equality, printing in the reference tests' constant syntax, and type
 * checking.  Expected texts are written by hand from the syntax the
 * component-model test/values .wast scripts use. */
#include "canon/values.h"
#include "harness/unit/unit.h"

#include <math.h>
#include <stdlib.h>

#define P(k) canon_type_prim(CANON_##k)

static int printed_as(unit_ctx *u, canon_value *v, const char *want) {
  char *s = canon_value_to_string(v);
  int ok = CHECK_STR(s, want);
  free(s);
  canon_value_free(v);
  return ok;
}

TEST(print_scalars) {
  printed_as(u, canon_value_bool(true), "(bool.const true)");
  printed_as(u, canon_value_bool(false), "(bool.const false)");
  printed_as(u, canon_value_sint(CANON_S8, -128), "(s8.const -128)");
  printed_as(u, canon_value_uint(CANON_U64, UINT64_MAX),
             "(u64.const 18446744073709551615)");
  printed_as(u, canon_value_sint(CANON_S64, INT64_MIN),
             "(s64.const -9223372036854775808)");
  /* shortest decimal that reads back to the same float */
  printed_as(u, canon_value_f32(-3.3f), "(f32.const -3.3)");
  printed_as(u, canon_value_f32(5.0f), "(f32.const 5)");
  printed_as(u, canon_value_f64(-16.16), "(f64.const -16.16)");
  printed_as(u, canon_value_f64(0.1), "(f64.const 0.1)");
  printed_as(u, canon_value_f32(NAN), "(f32.const nan)");
  printed_as(u, canon_value_f64(-INFINITY), "(f64.const -inf)");
  printed_as(u, canon_value_f64(-0.0), "(f64.const -0)");
  printed_as(u, canon_value_char('A'), "(char.const \"A\")");
  printed_as(u, canon_value_char(0x1F370), "(char.const \"\xF0\x9F\x8D\xB0\")");
  printed_as(u, canon_value_char('"'), "(char.const \"\\\"\")");
  printed_as(u, canon_value_string("a\nb\\", 4),
             "(str.const \"a\\u{a}b\\\\\")");
  printed_as(u, canon_value_string("", 0), "(str.const \"\")");
  printed_as(u, canon_value_string("a\0b", 3), "(str.const \"a\\u{0}b\")");
}

TEST(print_compounds) {
  canon_value *r = canon_value_record_new(2);
  canon_value_set_field(r, 0, "s", canon_value_string("v=", 2));
  canon_value_set_field(r, 1, "n", canon_value_uint(CANON_U32, 7));
  /* a field's value drops its outer parentheses */
  printed_as(u, r,
             "(record.const (field \"s\" str.const \"v=\") (field \"n\" "
             "u32.const 7))");
  canon_value *items[] = {canon_value_uint(CANON_U32, 10),
                          canon_value_uint(CANON_U32, 20)};
  canon_value *l = canon_value_list_of(CANON_LIST, 2, items);
  canon_value *r2 = canon_value_record_new(1);
  canon_value_set_field(r2, 0, "scores", l);
  printed_as(u, r2,
             "(record.const (field \"scores\" list.const (u32.const 10) "
             "(u32.const 20)))");
  printed_as(u, canon_value_list_new(CANON_LIST, 0), "(list.const)");
  canon_value *t[] = {canon_value_string("n=", 2),
                      canon_value_uint(CANON_U32, 7)};
  printed_as(u,
             canon_value_variant(CANON_OPTION, "some",
                                 canon_value_list_of(CANON_TUPLE, 2, t)),
             "(option.some (tuple.const (str.const \"n=\") (u32.const 7)))");
  printed_as(u, canon_value_variant(CANON_OPTION, "none", NULL),
             "(option.none)");
  printed_as(u,
             canon_value_variant(CANON_RESULT, "ok",
                                 canon_value_string("yo", 2)),
             "(result.ok (str.const \"yo\"))");
  printed_as(u,
             canon_value_variant(CANON_RESULT, "error",
                                 canon_value_uint(CANON_U32, 404)),
             "(result.err (u32.const 404))");
  printed_as(u, canon_value_variant(CANON_RESULT, "ok", NULL), "(result.ok)");
  printed_as(u, canon_value_variant(CANON_ENUM, "red", NULL),
             "(enum.const \"red\")");
  printed_as(u,
             canon_value_variant(CANON_VARIANT, "b", canon_value_f32(5.0f)),
             "(variant.const \"b\" (f32.const 5))");
  printed_as(u, canon_value_variant(CANON_VARIANT, "a", NULL),
             "(variant.const \"a\")");
  const char *fl[] = {"f1", "f5", "f9"};
  printed_as(u, canon_value_flags(fl, 3), "(flags.const \"f1\" \"f5\" \"f9\")");
  printed_as(u, canon_value_flags(fl, 0), "(flags.const)");
}

TEST(equality) {
  canon_value *a = canon_value_f32(NAN), *b = canon_value_f32(-NAN);
  CHECK(canon_value_equal(a, b)); /* all NaNs are one NaN after lifting */
  canon_value_free(a);
  canon_value_free(b);
  a = canon_value_f64(0.0);
  b = canon_value_f64(-0.0);
  CHECK(!canon_value_equal(a, b)); /* bit patterns otherwise */
  canon_value_free(a);
  canon_value_free(b);
  /* strings compare by content, not by their hints */
  a = canon_value_string("hi", 2);
  b = canon_value_string_hinted("hi", 2, CANON_UTF16, 2);
  CHECK(canon_value_equal(a, b));
  canon_value_free(b);
  b = canon_value_string("ho", 2);
  CHECK(!canon_value_equal(a, b));
  canon_value_free(a);
  canon_value_free(b);
  /* flags compare as sets */
  const char *x[] = {"a", "c"}, *y[] = {"c", "a"}, *z[] = {"a"};
  a = canon_value_flags(x, 2);
  b = canon_value_flags(y, 2);
  CHECK(canon_value_equal(a, b));
  canon_value_free(b);
  b = canon_value_flags(z, 1);
  CHECK(!canon_value_equal(a, b));
  canon_value_free(b);
  /* deep: copies are equal; kinds must match (u32 7 != s32 7) */
  b = canon_value_copy(a);
  CHECK(canon_value_equal(a, b));
  canon_value_free(a);
  canon_value_free(b);
  a = canon_value_uint(CANON_U32, 7);
  b = canon_value_sint(CANON_S32, 7);
  CHECK(!canon_value_equal(a, b));
  canon_value_free(a);
  canon_value_free(b);
  canon_value *r = canon_value_record_new(1);
  canon_value_set_field(r, 0, "a",
                        canon_value_variant(CANON_OPTION, "some",
                                            canon_value_string("x", 1)));
  canon_value *r2 = canon_value_copy(r);
  CHECK(canon_value_equal(r, r2));
  canon_value_free(r2->u.record.items[0]->u.variant.payload);
  r2->u.record.items[0]->u.variant.payload = canon_value_string("y", 1);
  CHECK(!canon_value_equal(r, r2));
  canon_value_free(r);
  canon_value_free(r2);
}

TEST(constructors_reject) {
  CHECK(canon_value_char(0xD800) == NULL); /* surrogate */
  CHECK(canon_value_char(0x110000) == NULL);
  CHECK(canon_value_string("\xC3", 1) == NULL);         /* truncated */
  CHECK(canon_value_string("\xED\xA0\x80", 3) == NULL); /* surrogate */
  CHECK(canon_value_string("\xC0\x80", 2) == NULL);     /* overlong */
  canon_value *s = canon_value_string("\xC3\xA9", 2);
  CHECK(s && s->u.str.encoding == CANON_UTF8 && s->u.str.tagged_code_units == 2);
  canon_value_free(s);
}

TEST(has_type) {
  canon_type_arena *a = canon_type_arena_new();
  char why[256];
  canon_value *v = canon_value_uint(CANON_U32, 1);
  CHECK(canon_value_has_type(v, P(U32), why, sizeof why));
  CHECK(!canon_value_has_type(v, P(U64), why, sizeof why));
  canon_value_free(v);
  v = canon_value_uint(CANON_U64, 256);
  v->kind = CANON_U8; /* out of range for u8 */
  CHECK(!canon_value_has_type(v, P(U8), why, sizeof why));
  canon_value_free(v);
  const char *abc[] = {"a", "b", "c"};
  const canon_type *ft = canon_type_flags(a, abc, 3);
  const char *bad[] = {"d"};
  v = canon_value_flags(bad, 1);
  CHECK(!canon_value_has_type(v, ft, why, sizeof why));
  canon_value_free(v);
  v = canon_value_flags(abc, 2);
  CHECK(canon_value_has_type(v, ft, NULL, 0));
  canon_value_free(v);
  const canon_type *opt = canon_type_option(a, P(STRING));
  v = canon_value_variant(CANON_OPTION, "some", canon_value_string("x", 1));
  CHECK(canon_value_has_type(v, opt, NULL, 0));
  canon_value_free(v);
  v = canon_value_variant(CANON_OPTION, "none", canon_value_string("x", 1));
  CHECK(!canon_value_has_type(v, opt, NULL, 0)); /* none has no payload */
  canon_value_free(v);
  const canon_type *fx = canon_type_list_fixed(a, P(U8), 2);
  canon_value *one[] = {canon_value_uint(CANON_U8, 1)};
  v = canon_value_list_of(CANON_LIST, 1, one);
  CHECK(!canon_value_has_type(v, fx, why, sizeof why)); /* wrong length */
  CHECK(canon_value_has_type(v, canon_type_list(a, P(U8)), NULL, 0));
  canon_value_free(v);
  /* a map is a list of (k, v) tuples */
  const canon_type *m = canon_type_map(a, P(STRING), P(U32));
  canon_value *kv[] = {canon_value_string("k", 1),
                       canon_value_uint(CANON_U32, 1)};
  canon_value *e[] = {canon_value_list_of(CANON_TUPLE, 2, kv)};
  v = canon_value_list_of(CANON_LIST, 1, e);
  CHECK(canon_value_has_type(v, m, why, sizeof why));
  canon_value_free(v);
  canon_field f[] = {{"a", P(U8)}};
  const canon_type *rt = canon_type_record(a, f, 1);
  v = canon_value_record_new(1);
  canon_value_set_field(v, 0, "b", canon_value_uint(CANON_U8, 1));
  CHECK(!canon_value_has_type(v, rt, why, sizeof why));
  canon_value_free(v);
  canon_type_arena_free(a);
}

int main(void) {
  UNIT_BEGIN;
  RUN(print_scalars);
  RUN(print_compounds);
  RUN(equality);
  RUN(constructors_reject);
  RUN(has_type);
  return UNIT_END;
}
