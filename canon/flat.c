/* flat.c -- flat lifting and lowering, and lifting/lowering whole
 * parameter and result lists with the fallback to linear memory
 * (CanonicalABI.md "Flat Lifting", "Flat Lowering", "Lifting and Lowering
 * Values"), in the spec's order. */
#include "flat.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout.h"
#include "load_store.h"
#include "rules.h"
#include "bits.h"
#include "grow.h"

/* Flat Lifting: CoreValueIter.next.  The `match` is only an assertion in
 * the spec; so it is here. */
static uint64_t plain_next(canon_CoreValueIter *vi, canon_flat t) {
  assert(vi->i < vi->n);
  uint64_t v = vi->values[vi->i++];
  assert(t != CANON_FLAT_I32 || v <= 0xFFFFFFFFu);
  assert(t != CANON_FLAT_F32 || v <= 0xFFFFFFFFu);
  (void)t;
  return v;
}

/* CoreValueIter.__init__ */
void canon_CoreValueIter_init(canon_CoreValueIter *vi, const uint64_t *values,
                          uint32_t n) {
  memset(vi, 0, sizeof *vi);
  vi->next = plain_next;
  vi->values = values;
  vi->n = n;
}

bool canon_CoreValueIter_done(const canon_CoreValueIter *vi) { return vi->i == vi->n; }

void canon_core_vec_push(canon_core_vec *cv, uint64_t x) {
  CANON_VEC_PUSH(cv, x);
}

void canon_core_vec_free(canon_core_vec *cv) { CANON_VEC_FREE(cv); }

static canon_flat ptr_type(const canon_LiftLowerContext *cx) {
  return canon_MemInst_ptr_type(cx->opts);
}

static bool lift_flat_list(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                           const canon_type *d, canon_value **out);
static bool lift_flat_record(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                             const canon_type *t, canon_value **out);
static bool lift_flat_variant(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                              const canon_type *t, canon_value **out);

/* Flat Lifting: lift_flat_unsigned */
static uint64_t lift_flat_unsigned(canon_CoreValueIter *vi, int core_width,
                                   int t_width) {
  uint64_t i = vi->next(vi, core_width == 32 ? CANON_FLAT_I32 : CANON_FLAT_I64);
  return t_width == 64 ? i : i % (1ull << t_width);
}

/* Flat Lifting: lift_flat_signed */
static int64_t lift_flat_signed(canon_CoreValueIter *vi, int core_width,
                                int t_width) {
  uint64_t i = vi->next(vi, core_width == 32 ? CANON_FLAT_I32 : CANON_FLAT_I64);
  switch (t_width) {
  case 8:
    return (int8_t)i;
  case 16:
    return (int16_t)i;
  case 32:
    return (int32_t)i;
  default:
    return (int64_t)i;
  }
}

/* Flat Lifting: lift_flat */
bool canon_lift_flat(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                     const canon_type *t, canon_value **out) {
  const canon_type *d = canon_despecialize(t);
  switch (d->kind) {
  case CANON_BOOL:
    *out = canon_value_bool(vi->next(vi, CANON_FLAT_I32) != 0);
    return true;
  case CANON_U8:
    *out = canon_value_uint(CANON_U8, lift_flat_unsigned(vi, 32, 8));
    return true;
  case CANON_U16:
    *out = canon_value_uint(CANON_U16, lift_flat_unsigned(vi, 32, 16));
    return true;
  case CANON_U32:
    *out = canon_value_uint(CANON_U32, lift_flat_unsigned(vi, 32, 32));
    return true;
  case CANON_U64:
    *out = canon_value_uint(CANON_U64, lift_flat_unsigned(vi, 64, 64));
    return true;
  case CANON_S8:
    *out = canon_value_sint(CANON_S8, lift_flat_signed(vi, 32, 8));
    return true;
  case CANON_S16:
    *out = canon_value_sint(CANON_S16, lift_flat_signed(vi, 32, 16));
    return true;
  case CANON_S32:
    *out = canon_value_sint(CANON_S32, lift_flat_signed(vi, 32, 32));
    return true;
  case CANON_S64:
    *out = canon_value_sint(CANON_S64, lift_flat_signed(vi, 64, 64));
    return true;
  case CANON_F32:
    *out = canon_value_f32(
        canon_decode_i32_as_float((uint32_t)vi->next(vi, CANON_FLAT_F32)));
    return true;
  case CANON_F64:
    *out = canon_value_f64(canon_decode_i64_as_float(vi->next(vi, CANON_FLAT_F64)));
    return true;
  case CANON_CHAR: {
    uint32_t c = 0;
    if (!canon_convert_i32_to_char(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32),
                                   &c))
      return false;
    *out = canon_value_char(c);
    return true;
  }
  case CANON_STRING: { /* lift_flat_string */
    uint64_t ptr = vi->next(vi, ptr_type(cx));
    uint64_t packed_length = vi->next(vi, ptr_type(cx));
    return canon_load_string_from_range(cx, ptr, packed_length, out);
  }
  case CANON_ERROR_CONTEXT:
    return canon_lift_error_context(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32),
                                    out);
  case CANON_LIST:
    return lift_flat_list(cx, vi, d, out);
  case CANON_RECORD:
    return lift_flat_record(cx, vi, t, out);
  case CANON_VARIANT:
    return lift_flat_variant(cx, vi, t, out);
  case CANON_FLAGS: /* lift_flat_flags */
    assert(0 < d->u.labels.n && d->u.labels.n <= 32);
    *out = canon_unpack_flags_from_int(vi->next(vi, CANON_FLAT_I32), d);
    return true;
  case CANON_OWN:
    return canon_lift_own(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32), d, out);
  case CANON_BORROW:
    return canon_lift_borrow(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32), d, out);
  case CANON_STREAM:
    return canon_lift_stream(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32), d, out);
  case CANON_FUTURE:
    return canon_lift_future(cx, (uint32_t)vi->next(vi, CANON_FLAT_I32), d, out);
  default:
    assert(!"lift_flat: specialized type left after despecialize");
    return false;
  }
}

/* Flat Lifting: lift_flat_list */
static bool lift_flat_list(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                           const canon_type *d, canon_value **out) {
  if (d->u.list.fixed) {
    canon_value *a = canon_value_list_new(CANON_LIST, d->u.list.length);
    for (uint32_t i = 0; i < d->u.list.length; i++) {
      canon_value *e;
      if (!canon_lift_flat(cx, vi, d->u.list.elem, &e)) {
        canon_value_free(a);
        return false;
      }
      a->u.list.items[i] = e;
    }
    *out = a;
    return true;
  }
  uint64_t ptr = vi->next(vi, ptr_type(cx));
  uint64_t length = vi->next(vi, ptr_type(cx));
  return canon_load_list_from_range(cx, ptr, length, d->u.list.elem, out);
}

/* Flat Lifting: lift_flat_record.  t is the record or the tuple. */
static bool lift_flat_record(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                             const canon_type *t, canon_value **out) {
  const canon_type *d = canon_despecialize(t);
  uint32_t n = d->u.record.n;
  canon_value *r = t->kind == CANON_TUPLE ? canon_value_list_new(CANON_TUPLE, n)
                                          : canon_value_record_new(n);
  for (uint32_t i = 0; i < n; i++) {
    const canon_field *f = &d->u.record.fields[i];
    canon_value *fv;
    if (!canon_lift_flat(cx, vi, f->t, &fv)) {
      canon_value_free(r);
      return false;
    }
    if (t->kind == CANON_TUPLE)
      canon_value_set_item(r, i, fv);
    else
      canon_value_set_field(r, i, f->label, fv);
  }
  *out = r;
  return true;
}

/* Flat Lifting: wrap_i64_to_i32 */
static uint64_t wrap_i64_to_i32(uint64_t i) { return i & 0xFFFFFFFFu; }

/* Flat Lifting: lift_flat_variant's CoerceValueIter.next: reads the joined
 * type `have` and reinterprets it as the case's `want`.  Floats stay bit
 * patterns here; decode_*_as_float only canonicalizes NaNs. */
static uint64_t coerce_next(canon_CoreValueIter *self, canon_flat want) {
  assert(self->fi < self->nflat);
  canon_flat have = self->flat_types[self->fi++];
  uint64_t x = self->inner->next(self->inner, have);
  if (have == CANON_FLAT_I32 && want == CANON_FLAT_F32)
    return canon_f32_bits(canon_decode_i32_as_float((uint32_t)x));
  if (have == CANON_FLAT_I64 && want == CANON_FLAT_I32)
    return wrap_i64_to_i32(x);
  if (have == CANON_FLAT_I64 && want == CANON_FLAT_F32)
    return canon_f32_bits(canon_decode_i32_as_float((uint32_t)wrap_i64_to_i32(x)));
  if (have == CANON_FLAT_I64 && want == CANON_FLAT_F64)
    return canon_f64_bits(canon_decode_i64_as_float(x));
  assert(have == want);
  return x;
}

/* Flat Lifting: lift_flat_variant.  t is the variant or a type that
 * expands to one. */
static bool lift_flat_variant(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                              const canon_type *t, canon_value **out) {
  const canon_type *d = canon_despecialize(t);
  canon_flat_vec flat_types = {0};
  canon_flatten_variant(d->u.variant.cases, d->u.variant.n, cx->opts,
                        &flat_types);
  assert(flat_types.v[0] == CANON_FLAT_I32); /* flat_types.pop(0) */
  uint64_t case_index = vi->next(vi, CANON_FLAT_I32);
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, case_index >= d->u.variant.n,
                CANON_R_FLAT_VARIANT_DISCRIMINANT);
  canon_CoreValueIter coerce = {0};
  coerce.next = coerce_next;
  coerce.inner = vi;
  coerce.flat_types = flat_types.v + 1;
  coerce.nflat = flat_types.n - 1;
  const canon_case *c = &d->u.variant.cases[case_index];
  canon_value *v = NULL;
  if (c->t && !canon_lift_flat(cx, &coerce, c->t, &v)) {
    return false;
  }
  /* for have in flat_types: _ = vi.next(have) */
  for (uint32_t k = coerce.fi; k < coerce.nflat; k++)
    (void)vi->next(vi, coerce.flat_types[k]);
  *out = canon_make_case_value(t, (uint32_t)case_index, v);
  return true;
}

/* ---- Flat Lowering ------------------------------------------------------ */

static bool lower_flat_list(canon_LiftLowerContext *cx, const canon_value *v,
                            const canon_type *d, canon_core_vec *out);
static bool lower_flat_record(canon_LiftLowerContext *cx, const canon_value *v,
                              const canon_type *d, canon_core_vec *out);
static bool lower_flat_variant(canon_LiftLowerContext *cx, const canon_value *v,
                               const canon_type *d, canon_core_vec *out);

/* Flat Lowering: lower_flat_signed (two's complement into core_bits) */
static uint64_t lower_flat_signed(int64_t i, int core_bits) {
  uint64_t u = (uint64_t)i;
  return core_bits == 32 ? (u & 0xFFFFFFFFu) : u;
}

/* Flat Lowering: lower_flat */
bool canon_lower_flat(canon_LiftLowerContext *cx, const canon_value *v,
                      const canon_type *t, canon_core_vec *out) {
  const canon_type *d = canon_despecialize(t);
  uint32_t i;
  switch (d->kind) {
  case CANON_BOOL:
    canon_core_vec_push(out, v->u.b ? 1 : 0);
    return true;
  case CANON_U8:
  case CANON_U16:
  case CANON_U32:
  case CANON_U64:
    canon_core_vec_push(out, v->u.u);
    return true;
  case CANON_S8:
  case CANON_S16:
  case CANON_S32:
    canon_core_vec_push(out, lower_flat_signed(v->u.s, 32));
    return true;
  case CANON_S64:
    canon_core_vec_push(out, lower_flat_signed(v->u.s, 64));
    return true;
  case CANON_F32: /* maybe_scramble_nan32 */
    canon_core_vec_push(out, canon_encode_float_as_i32(cx, v->u.f32));
    return true;
  case CANON_F64: /* maybe_scramble_nan64 */
    canon_core_vec_push(out, canon_encode_float_as_i64(cx, v->u.f64));
    return true;
  case CANON_CHAR:
    canon_core_vec_push(out, canon_char_to_i32(v->u.ch));
    return true;
  case CANON_STRING: { /* lower_flat_string */
    uint64_t ptr, packed_length;
    if (!canon_store_string_into_range(cx, v, &ptr, &packed_length))
      return false;
    canon_core_vec_push(out, ptr);
    canon_core_vec_push(out, packed_length);
    return true;
  }
  case CANON_ERROR_CONTEXT:
    if (!canon_lower_error_context(cx, v, &i)) return false;
    canon_core_vec_push(out, i);
    return true;
  case CANON_LIST:
    return lower_flat_list(cx, v, d, out);
  case CANON_RECORD:
    return lower_flat_record(cx, v, d, out);
  case CANON_VARIANT:
    return lower_flat_variant(cx, v, d, out);
  case CANON_FLAGS: /* lower_flat_flags */
    assert(0 < d->u.labels.n && d->u.labels.n <= 32);
    canon_core_vec_push(out, canon_pack_flags_into_int(v, d));
    return true;
  case CANON_OWN:
    if (!canon_lower_own(cx, v->u.handle.rep, d, &i)) return false;
    canon_core_vec_push(out, i);
    return true;
  case CANON_BORROW:
    if (!canon_lower_borrow(cx, v->u.handle.rep, d, &i)) return false;
    canon_core_vec_push(out, i);
    return true;
  case CANON_STREAM:
    if (!canon_lower_stream(cx, v, d, &i)) return false;
    canon_core_vec_push(out, i);
    return true;
  case CANON_FUTURE:
    if (!canon_lower_future(cx, v, d, &i)) return false;
    canon_core_vec_push(out, i);
    return true;
  default:
    assert(!"lower_flat: specialized type left after despecialize");
    return false;
  }
}

/* Flat Lowering: lower_flat_list */
static bool lower_flat_list(canon_LiftLowerContext *cx, const canon_value *v,
                            const canon_type *d, canon_core_vec *out) {
  if (d->u.list.fixed) {
    assert(d->u.list.length == v->u.list.n);
    for (uint32_t i = 0; i < v->u.list.n; i++)
      if (!canon_lower_flat(cx, v->u.list.items[i], d->u.list.elem, out))
        return false;
    return true;
  }
  uint64_t ptr, length;
  if (!canon_store_list_into_range(cx, v, d->u.list.elem, &ptr, &length))
    return false;
  canon_core_vec_push(out, ptr);
  canon_core_vec_push(out, length);
  return true;
}

/* Flat Lowering: lower_flat_record */
static bool lower_flat_record(canon_LiftLowerContext *cx, const canon_value *v,
                              const canon_type *d, canon_core_vec *out) {
  for (uint32_t i = 0; i < d->u.record.n; i++) {
    const canon_field *f = &d->u.record.fields[i];
    const canon_value *fv = canon_value_field(v, f->label, i);
    assert(fv);
    if (!canon_lower_flat(cx, fv, f->t, out)) return false;
  }
  return true;
}

/* Flat Lowering: lower_flat_variant.  Our flat values are bit patterns
 * already, so a coercion changes bits only by scrambling a NaN. */
static bool lower_flat_variant(canon_LiftLowerContext *cx, const canon_value *v,
                               const canon_type *d, canon_core_vec *out) {
  uint32_t case_index = canon_match_case(v, d);
  canon_flat_vec flat_types = {0};
  canon_flatten_variant(d->u.variant.cases, d->u.variant.n, cx->opts,
                        &flat_types);
  assert(flat_types.v[0] == CANON_FLAT_I32);
  uint32_t next_type = 1; /* flat_types.pop(0) */
  const canon_case *c = &d->u.variant.cases[case_index];
  canon_core_vec payload = {0};
  if (c->t) {
    if (!canon_lower_flat(cx, v->u.variant.payload, c->t, &payload)) {
      canon_core_vec_free(&payload);
      return false;
    }
    canon_flat_vec have_types = {0};
    canon_flatten_type(c->t, cx->opts, &have_types);
    assert(have_types.n == payload.n);
    for (uint32_t i = 0; i < payload.n; i++) {
      canon_flat have = have_types.v[i];
      canon_flat want = flat_types.v[next_type++];
      /* encode_float_as_i32/64 scramble a NaN once more (a second
       * CANON_CHOICE_NAN, as in the spec; its result replaces the first) */
      if (have == CANON_FLAT_F32 &&
          (want == CANON_FLAT_I32 || want == CANON_FLAT_I64)) {
        payload.v[i] = canon_encode_float_as_i32(cx, canon_f32_from_bits((uint32_t)payload.v[i]));
      } else if (have == CANON_FLAT_I32 && want == CANON_FLAT_I64) {
        /* fv, zero-extended */
      } else if (have == CANON_FLAT_F64 && want == CANON_FLAT_I64) {
        payload.v[i] = canon_encode_float_as_i64(cx, canon_f64_from_bits(payload.v[i]));
      } else {
        assert(have == want);
      }
    }
  }
  canon_core_vec_push(out, case_index);
  for (uint32_t i = 0; i < payload.n; i++) canon_core_vec_push(out, payload.v[i]);
  for (; next_type < flat_types.n; next_type++) canon_core_vec_push(out, 0);
  canon_core_vec_free(&payload);
  return true;
}

/* ---- Lifting and Lowering Values ----------------------------------------- */

/* Lifting and Lowering Values: lift_flat_values */
/* lift_flat_values' checks of the pointer to spilled values */
static bool spilled_params_ok(canon_LiftLowerContext *cx, uint64_t ptr,
                              const canon_type *tuple_type) {
  return canon_check_range(cx, ptr, canon_alignment(tuple_type, ptr_type(cx)),
                           canon_elem_size(tuple_type, ptr_type(cx)),
                           CANON_R_LIFT_FLAT_UNALIGNED,
                           CANON_R_LIFT_FLAT_OUT_OF_BOUNDS);
}

bool canon_lift_flat_values(canon_LiftLowerContext *cx, uint32_t max_flat,
                            canon_CoreValueIter *vi, const canon_type *const *ts,
                            uint32_t n, canon_value **out) {
  canon_flat_vec flat_types = {0};
  canon_flatten_types(ts, n, cx->opts, &flat_types);
  uint32_t nflat = flat_types.n;
  if (nflat > max_flat) {
    uint64_t ptr = vi->next(vi, ptr_type(cx));
    canon_type_arena *scratch = canon_type_arena_new();
    const canon_type *tuple_type = canon_type_tuple(scratch, ts, n);
    bool ok = false;
    canon_value *tuple = NULL;
    if (spilled_params_ok(cx, ptr, tuple_type))
      ok = canon_load(cx, ptr, tuple_type, &tuple);
    canon_type_arena_free(scratch);
    if (!ok) return false;
    /* list(load(...).values()) */
    for (uint32_t i = 0; i < n; i++) {
      out[i] = tuple->u.list.items[i];
      tuple->u.list.items[i] = NULL;
    }
    canon_value_free(tuple);
    return true;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!canon_lift_flat(cx, vi, ts[i], &out[i])) {
      for (uint32_t k = 0; k < i; k++) {
        canon_value_free(out[k]);
        out[k] = NULL;
      }
      return false;
    }
  }
  return true;
}

/* Lifting and Lowering Values: lower_flat_values */
/* lower_flat_values' checks of where spilled values go.  After realloc
 * they are on realloc's result; with an out-param on the guest's pointer
 * (the same trap_ifs, worded apart as the reference tests do). */
static bool spilled_results_ok(canon_LiftLowerContext *cx, uint64_t ptr, uint32_t align,
                               uint64_t size, bool out_param) {
  return canon_check_range(cx, ptr, align, size,
                           out_param ? CANON_R_LOWER_FLAT_OUT_UNALIGNED
                                     : CANON_R_LOWER_FLAT_REALLOC_UNALIGNED,
                           out_param ? CANON_R_LOWER_FLAT_OUT_OUT_OF_BOUNDS
                                     : CANON_R_LOWER_FLAT_REALLOC_OUT_OF_BOUNDS);
}

bool canon_lower_flat_values(canon_LiftLowerContext *cx, uint32_t max_flat,
                             const canon_value *const *vs,
                             const canon_type *const *ts, uint32_t n,
                             canon_CoreValueIter *out_param, canon_core_vec *out) {
  canon_flat_vec flat_types = {0};
  canon_flatten_types(ts, n, cx->opts, &flat_types);
  uint32_t nflat = flat_types.n;
  if (nflat <= max_flat) {
    for (uint32_t i = 0; i < n; i++)
      if (!canon_lower_flat(cx, vs[i], ts[i], out)) return false;
    return true;
  }
  canon_type_arena *scratch = canon_type_arena_new();
  const canon_type *tuple_type = canon_type_tuple(scratch, ts, n);
  /* tuple_value = {str(i): v for i,v in enumerate(vs)}: a tuple node that
   * borrows the caller's values (never freed here). */
  canon_value tuple_value = {.kind = CANON_TUPLE};
  tuple_value.u.list.items = (canon_value **)vs;
  tuple_value.u.list.n = n;
  canon_flat pt = ptr_type(cx);
  uint32_t align = canon_alignment(tuple_type, pt);
  uint64_t size = canon_elem_size(tuple_type, pt);
  uint64_t ptr;
  bool ok = true;
  if (out_param == NULL) {
    ok = canon_LiftLowerContext_allocate(cx, align, size, &ptr);
    if (ok) canon_core_vec_push(out, ptr);
  } else {
    ptr = out_param->next(out_param, pt);
  }
  if (ok) ok = spilled_results_ok(cx, ptr, align, size, out_param != NULL);
  if (ok) ok = canon_store(cx, &tuple_value, tuple_type, ptr);
  canon_type_arena_free(scratch);
  return ok;
}
