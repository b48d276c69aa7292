/* canon_type_dag.c -- unit tests of the derived type properties (types.h,
 * canon_type_info): types are DAGs, and every property is computed once
 * per node.  A chain of N `tuple<t, t>` has 2^N paths: with N = 60 any walk
 * per path would never finish, so finishing at all is part of each test.
 * Expected numbers are worked out by hand from CanonicalABI.md. */
#include "canon/handles.h"
#include "canon/layout.h"
#include "harness/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#define P(k) canon_type_prim(CANON_##k)
#define I32 CANON_FLAT_I32

/* tuple<t, t> nested n times over u8 */
static const canon_type *tuple_chain(canon_type_arena *a, uint32_t n) {
  const canon_type *t = P(U8);
  for (uint32_t i = 0; i < n; i++) {
    const canon_type *ts[2] = {t, t};
    t = canon_type_tuple(a, ts, 2);
  }
  return t;
}

/* variant { a(t), b(t) } nested n times over u8 */
static const canon_type *variant_chain(canon_type_arena *a, uint32_t n) {
  const canon_type *t = P(U8);
  for (uint32_t i = 0; i < n; i++) {
    canon_case cs[2] = {{"a", t}, {"b", t}};
    t = canon_type_variant(a, cs, 2);
  }
  return t;
}

TEST(sizes_of_shared_types) {
  canon_type_arena *a = canon_type_arena_new();
  /* "Element Size": a record of two u8-sized fields of size s, alignment
   * 1, has size 2s: 2^20 for 20 levels */
  CHECK_INT((long long)canon_elem_size(tuple_chain(a, 20), I32), 1 << 20);
  CHECK_INT((long long)canon_alignment(tuple_chain(a, 20), I32), 1);
  /* 2^70 does not fit: elem_size saturates instead of wrapping */
  CHECK(canon_elem_size(tuple_chain(a, 70), I32) == UINT64_MAX);
  /* variant: discriminant u8, payload aligned to 1, size 1 + max case:
   * n + 1 for n levels */
  CHECK_INT((long long)canon_elem_size(variant_chain(a, 60), I32), 61);
  CHECK_INT((long long)canon_type_depth(variant_chain(a, 60)), 61);
  canon_type_arena_free(a);
}

TEST(flattening_is_capped) {
  canon_type_arena *a = canon_type_arena_new();
  canon_MemInst mem = {.addrtype = I32};
  canon_CanonicalOptions opts = {.memory = &mem};
  canon_flat_vec fv = {0};
  /* flatten_type of 2^40 u8 is 2^40 i32: only the first CANON_FLAT_CAP
   * are kept, enough to see that it is more than MAX_FLAT_PARAMS */
  canon_flatten_type(tuple_chain(a, 40), &opts, &fv);
  CHECK_INT(fv.n, CANON_FLAT_CAP);
  CHECK(fv.n > CANON_MAX_FLAT_PARAMS);
  CHECK(fv.v[0] == CANON_FLAT_I32);
  CHECK(fv.v[CANON_FLAT_CAP - 1] == CANON_FLAT_I32);
  fv.n = 0;
  /* list<u8, 1000000>: the same cap */
  canon_flatten_type(canon_type_list_fixed(a, P(U8), 1000000), &opts, &fv);
  CHECK_INT(fv.n, CANON_FLAT_CAP);
  fv.n = 0;
  /* a small type is flattened whole: variant of 3 levels is
   * [i32 (disc), i32 (disc), i32 (disc), i32 (u8)] */
  canon_flatten_type(variant_chain(a, 3), &opts, &fv);
  CHECK_INT(fv.n, 4);
  fv.n = 0;
  canon_type_arena_free(a);
}

TEST(equality_of_distinct_dags) {
  canon_type_arena *a = canon_type_arena_new();
  /* two separately built chains of 60 levels: equal, and decided without
   * walking 2^60 paths */
  CHECK(canon_type_equal(variant_chain(a, 60), variant_chain(a, 60)));
  CHECK(canon_type_equal(tuple_chain(a, 60), tuple_chain(a, 60)));
  CHECK(!canon_type_equal(tuple_chain(a, 60), tuple_chain(a, 59)));
  /* one leaf differs (s8 at the bottom of b) */
  const canon_type *x = P(U8), *y = P(S8);
  for (int i = 0; i < 60; i++) {
    canon_case cx[2] = {{"a", x}, {"b", x}}, cy[2] = {{"a", y}, {"b", y}};
    x = canon_type_variant(a, cx, 2);
    y = canon_type_variant(a, cy, 2);
  }
  CHECK(!canon_type_equal(x, y));
  canon_type_arena_free(a);
}

TEST(predicates_of_shared_types) {
  canon_type_arena *a = canon_type_arena_new();
  canon_ResourceType rt = {0};
  const canon_type *t = canon_type_borrow(a, &rt);
  for (int i = 0; i < 60; i++) {
    const canon_type *ts[2] = {t, t};
    t = canon_type_tuple(a, ts, 2);
  }
  CHECK(canon_contains_borrow(t));
  CHECK(canon_contains_handle(t));
  CHECK(!canon_contains_async_value(t));
  CHECK(!canon_load_is_pure(t));
  CHECK(canon_load_is_pure(tuple_chain(a, 60)));
  CHECK(!canon_load_is_pure(variant_chain(a, 2))); /* a discriminant */
  /* a stream's payload is not the function's list or string */
  CHECK(!canon_contains_list_or_string(canon_type_stream(a, P(STRING))));
  CHECK(canon_contains_list_or_string(
      canon_type_option(a, canon_type_list(a, P(U8)))));
  canon_type_arena_free(a);
}

TEST(printing_is_bounded) {
  canon_type_arena *a = canon_type_arena_new();
  char *s = canon_type_to_string(tuple_chain(a, 60));
  CHECK_INT(strlen(s), CANON_TYPE_STRING_MAX);
  CHECK(strncmp(s, "(tuple (tuple", 13) == 0);
  CHECK(strcmp(s + CANON_TYPE_STRING_MAX - 3, "...") == 0);
  free(s);
  canon_type_arena_free(a);
}

int main(void) {
  UNIT_BEGIN;
  RUN(sizes_of_shared_types);
  RUN(flattening_is_capped);
  RUN(equality_of_distinct_dags);
  RUN(predicates_of_shared_types);
  RUN(printing_is_bounded);
  return UNIT_END;
}
