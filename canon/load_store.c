/* load_store.c -- load and store of every value type (CanonicalABI.md
 * "Loading" and "Storing", in the spec's order; strings are in
 * strings.c). */
#include "load_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "handles.h"
#include "instance.h"
#include "layout.h"
#include "bits.h"
#include "sched.h"
#include "store.h"

static canon_flat ptr_type(const canon_LiftLowerContext *cx) {
  return cx->opts->memory->addrtype;
}

static uint32_t ptr_size(const canon_LiftLowerContext *cx) {
  return canon_ptr_size(ptr_type(cx));
}

static bool load_list(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *elem,
                      bool fixed, uint32_t length, canon_value **out);
static bool load_list_from_valid_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                       uint64_t length, const canon_type *elem,
                                       canon_value **out);
static bool load_record(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                        canon_value **out);
static bool load_variant(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                         canon_value **out);
static canon_value *load_flags(canon_LiftLowerContext *cx, uint64_t ptr,
                               const canon_type *t);

/* ---- host memory (--max-memory) ------------------------------------------ */

static uint64_t max_memory(const canon_LiftLowerContext *cx) {
  return cx->inst && cx->inst->store ? cx->inst->store->limits.max_memory
                                     : UINT64_MAX;
}

static bool host_limit_trap(canon_LiftLowerContext *cx, uint64_t want) {
  CANON_TRAP(CANON_CX_STORE(cx), &cx->trap, CANON_R_MAX_HOST_BYTES,
             (unsigned long long)max_memory(cx), (unsigned long long)want);
}

bool canon_charge_host_bytes(canon_LiftLowerContext *cx, uint64_t n) {
  cx->host_bytes = cx->host_bytes > UINT64_MAX - n ? UINT64_MAX
                                                   : cx->host_bytes + n;
  if (cx->host_bytes > max_memory(cx))
    return host_limit_trap(cx, cx->host_bytes);
  return true;
}

/* Would n more values of type elem fit?  Checked before a list or record
 * is built (canon_host_bytes is a lower bound), so that a list<u8> of
 * 2^28 elements (some 15 GB of values) traps at once instead of after
 * exhausting the limit one element at a time. */
static bool list_fits(canon_LiftLowerContext *cx, uint64_t n, const canon_type *elem) {
  uint64_t per = canon_host_bytes(elem) + sizeof(canon_value *);
  uint64_t want = n && per > UINT64_MAX / n ? UINT64_MAX : n * per;
  uint64_t total = want > UINT64_MAX - cx->host_bytes ? UINT64_MAX
                                                      : cx->host_bytes + want;
  if (total > max_memory(cx)) return host_limit_trap(cx, total);
  return true;
}

/* Loading: load.  Each value made is counted against --max-memory (its
 * node here; a list's array and a string's text where they are made). */
bool canon_load(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                canon_value **out) {
  assert(ptr == canon_align_to(ptr, canon_alignment(t, ptr_type(cx))));
  assert(!canon_out_of_bounds(cx, ptr, canon_elem_size(t, ptr_type(cx))));
  if (!canon_charge_host_bytes(cx, CANON_HOST_NODE_BYTES)) return false;
  if (canon_host_bytes(t) > CANON_HOST_NODE_BYTES && !list_fits(cx, 1, t))
    return false;
  const canon_type *d = canon_despecialize(t);
  switch (d->kind) {
  case CANON_BOOL:
    *out = canon_value_bool(canon_load_int(cx, ptr, 1) != 0);
    return true;
  case CANON_U8:
    *out = canon_value_uint(CANON_U8, canon_load_int(cx, ptr, 1));
    return true;
  case CANON_U16:
    *out = canon_value_uint(CANON_U16, canon_load_int(cx, ptr, 2));
    return true;
  case CANON_U32:
    *out = canon_value_uint(CANON_U32, canon_load_int(cx, ptr, 4));
    return true;
  case CANON_U64:
    *out = canon_value_uint(CANON_U64, canon_load_int(cx, ptr, 8));
    return true;
  case CANON_S8:
    *out = canon_value_sint(CANON_S8, (int8_t)canon_load_int(cx, ptr, 1));
    return true;
  case CANON_S16:
    *out = canon_value_sint(CANON_S16, (int16_t)canon_load_int(cx, ptr, 2));
    return true;
  case CANON_S32:
    *out = canon_value_sint(CANON_S32, (int32_t)canon_load_int(cx, ptr, 4));
    return true;
  case CANON_S64:
    *out = canon_value_sint(CANON_S64, (int64_t)canon_load_int(cx, ptr, 8));
    return true;
  case CANON_F32:
    *out = canon_value_f32(
        canon_decode_i32_as_float((uint32_t)canon_load_int(cx, ptr, 4)));
    return true;
  case CANON_F64:
    *out = canon_value_f64(canon_decode_i64_as_float(canon_load_int(cx, ptr, 8)));
    return true;
  case CANON_CHAR: {
    uint32_t c = 0;
    if (!canon_convert_i32_to_char(cx, (uint32_t)canon_load_int(cx, ptr, 4), &c))
      return false;
    *out = canon_value_char(c);
    return true;
  }
  case CANON_STRING:
    return canon_load_string(cx, ptr, out);
  case CANON_ERROR_CONTEXT:
    return canon_lift_error_context(cx, (uint32_t)canon_load_int(cx, ptr, 4),
                                    out);
  case CANON_LIST:
    return load_list(cx, ptr, d->u.list.elem, d->u.list.fixed,
                     d->u.list.length, out);
  case CANON_RECORD:
    return load_record(cx, ptr, t, out);
  case CANON_VARIANT:
    return load_variant(cx, ptr, t, out);
  case CANON_FLAGS:
    *out = load_flags(cx, ptr, d);
    return true;
  case CANON_OWN:
    return canon_lift_own(cx, (uint32_t)canon_load_int(cx, ptr, 4), d, out);
  case CANON_BORROW:
    return canon_lift_borrow(cx, (uint32_t)canon_load_int(cx, ptr, 4), d, out);
  case CANON_STREAM:
    return canon_lift_stream(cx, (uint32_t)canon_load_int(cx, ptr, 4), d, out);
  case CANON_FUTURE:
    return canon_lift_future(cx, (uint32_t)canon_load_int(cx, ptr, 4), d, out);
  default:
    assert(!"load: specialized type left after despecialize");
    return false;
  }
}

bool canon_check_range(canon_LiftLowerContext *cx, uint64_t ptr,
                       uint64_t alignment, uint64_t byte_length,
                       canon_rule unaligned, canon_rule out_of_bounds) {
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                ptr != canon_align_to(ptr, alignment), unaligned);
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                canon_out_of_bounds(cx, ptr, byte_length), out_of_bounds);
  return true;
}

bool canon_allocate_range(canon_LiftLowerContext *cx, uint64_t alignment,
                          uint64_t byte_length, canon_rule unaligned,
                          canon_rule out_of_bounds, uint64_t *ptr) {
  return canon_LiftLowerContext_allocate(cx, alignment, byte_length, ptr) &&
         canon_check_range(cx, *ptr, alignment, byte_length, unaligned,
                           out_of_bounds);
}

/* Loading: load_int (unsigned; callers reinterpret for signed types) */
uint64_t canon_load_int(canon_LiftLowerContext *cx, uint64_t ptr, uint32_t nbytes) {
  uint8_t b[8];
  assert(nbytes <= 8);
  cx->opts->memory->read(cx->opts->memory->env, ptr, b, nbytes);
  uint64_t v = 0;
  for (uint32_t i = nbytes; i-- > 0;) v = (v << 8) | b[i];
  return v;
}

/* Loading: canonicalize_nan32 + decode_i32_as_float */
float canon_decode_i32_as_float(uint32_t i) {
  float f = canon_f32_from_bits(i);
  if (f != f) f = canon_f32_from_bits(CANON_CANONICAL_FLOAT32_NAN);
  return f;
}

/* Loading: canonicalize_nan64 + decode_i64_as_float */
double canon_decode_i64_as_float(uint64_t i) {
  double f = canon_f64_from_bits(i);
  if (f != f) f = canon_f64_from_bits(CANON_CANONICAL_FLOAT64_NAN);
  return f;
}

/* Loading: convert_i32_to_char */
bool canon_convert_i32_to_char(canon_LiftLowerContext *cx, uint32_t i, uint32_t *c) {
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, i >= 0x110000,
                CANON_R_CHAR_RANGE);
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, 0xD800 <= i && i <= 0xDFFF,
                CANON_R_CHAR_SURROGATE);
  *c = i;
  return true;
}

/* Loading: load_list */
static bool load_list(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *elem,
                      bool fixed, uint32_t length, canon_value **out) {
  if (fixed) return load_list_from_valid_range(cx, ptr, length, elem, out);
  uint64_t begin = canon_load_int(cx, ptr, ptr_size(cx));
  uint64_t n = canon_load_int(cx, ptr + ptr_size(cx), ptr_size(cx));
  return canon_load_list_from_range(cx, begin, n, elem, out);
}

/* Loading: load_list_from_range */
bool canon_load_list_from_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                uint64_t length, const canon_type *elem_type,
                                canon_value **out) {
  uint64_t es = canon_elem_size(elem_type, ptr_type(cx));
  /* length * es > MAX_LIST_BYTE_LENGTH, without overflow */
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap,
                length > CANON_MAX_LIST_BYTE_LENGTH / es,
                CANON_R_LIST_TOO_LONG);
  if (!canon_check_range(cx, ptr, canon_alignment(elem_type, ptr_type(cx)),
                         length * es, CANON_R_LIST_UNALIGNED,
                         CANON_R_LIST_OUT_OF_BOUNDS))
    return false;
  return load_list_from_valid_range(cx, ptr, length, elem_type, out);
}

/* Loading: load_list_from_valid_range */
static bool load_list_from_valid_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                       uint64_t length, const canon_type *elem,
                                       canon_value **out) {
  uint64_t es = canon_elem_size(elem, ptr_type(cx));
  if (!list_fits(cx, length, elem) ||
      !canon_charge_host_bytes(cx, length * sizeof(canon_value *)))
    return false;
  canon_value *a = canon_value_list_new(CANON_LIST, (uint32_t)length);
  for (uint64_t i = 0; i < length; i++) {
    canon_value *e;
    if (!canon_load(cx, ptr + i * es, elem, &e)) {
      canon_value_free(a);
      return false;
    }
    a->u.list.items[i] = e;
  }
  *out = a;
  return true;
}

/* Loading: load_record.  t is the record or the tuple it expands. */
static bool load_record(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                        canon_value **out) {
  const canon_type *d = canon_despecialize(t);
  uint32_t n = d->u.record.n;
  /* the arrays of items (and of copied labels) */
  if (!canon_charge_host_bytes(
          cx, (uint64_t)n * (t->kind == CANON_TUPLE
                                 ? sizeof(canon_value *)
                                 : sizeof(canon_value *) + sizeof(char *) +
                                       CANON_HOST_LABEL_BYTES)))
    return false;
  canon_value *r = t->kind == CANON_TUPLE ? canon_value_list_new(CANON_TUPLE, n)
                                          : canon_value_record_new(n);
  for (uint32_t i = 0; i < n; i++) {
    const canon_field *f = &d->u.record.fields[i];
    ptr = canon_align_to(ptr, canon_alignment(f->t, ptr_type(cx)));
    canon_value *fv;
    if (!canon_load(cx, ptr, f->t, &fv)) {
      canon_value_free(r);
      return false;
    }
    if (t->kind == CANON_TUPLE)
      canon_value_set_item(r, i, fv);
    else
      canon_value_set_field(r, i, f->label, fv);
    ptr += canon_elem_size(f->t, ptr_type(cx));
  }
  *out = r;
  return true;
}

canon_value *canon_make_case_value(const canon_type *t, uint32_t c,
                                   canon_value *payload) {
  const canon_type *d = canon_despecialize(t);
  return canon_value_variant(t->kind, d->u.variant.cases[c].label, payload);
}

/* Loading: load_variant.  t is the variant or a type that expands to one. */
static bool load_variant(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                         canon_value **out) {
  const canon_type *d = canon_despecialize(t);
  const canon_case *cases = d->u.variant.cases;
  uint32_t n = d->u.variant.n;
  uint32_t disc_size = (uint32_t)canon_elem_size(
      canon_type_prim(canon_discriminant_type(n)), ptr_type(cx));
  uint64_t case_index = canon_load_int(cx, ptr, disc_size);
  ptr += disc_size;
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, case_index >= n,
                CANON_R_VARIANT_DISCRIMINANT);
  const canon_case *c = &cases[case_index];
  ptr = canon_align_to(ptr, canon_max_case_alignment(cases, n, ptr_type(cx)));
  canon_value *payload = NULL;
  if (!canon_charge_host_bytes(cx, CANON_HOST_LABEL_BYTES)) return false;
  if (c->t && !canon_load(cx, ptr, c->t, &payload)) return false;
  *out = canon_make_case_value(t, (uint32_t)case_index, payload);
  return true;
}

/* Loading: load_flags */
static canon_value *load_flags(canon_LiftLowerContext *cx, uint64_t ptr,
                               const canon_type *t) {
  uint64_t i =
      canon_load_int(cx, ptr, (uint32_t)canon_elem_size_flags(t->u.labels.n));
  return canon_unpack_flags_from_int(i, t);
}

/* Loading: unpack_flags_from_int.  Bits beyond the labels are ignored. */
canon_value *canon_unpack_flags_from_int(uint64_t i, const canon_type *t) {
  const char *set[32];
  uint32_t n = 0;
  for (uint32_t l = 0; l < t->u.labels.n; l++) {
    if (i & 1) set[n++] = t->u.labels.labels[l];
    i >>= 1;
  }
  return canon_value_flags(set, n);
}

/* Loading: lift_own.  Checked before removal (the spec removes first);
 * see canon_Table_resource_drop for why that is equivalent. */
bool canon_lift_own(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                    canon_value **out) {
  canon_table_entry e = {0};
  if (!canon_Table_get(&cx->inst->handles, i, &e, &cx->trap)) return false;
  canon_Store *s = CANON_CX_STORE(cx);
  CANON_TRAP_IF(s, &cx->trap, e.kind != CANON_ENTRY_RESOURCE_HANDLE,
                CANON_R_LIFT_OWN_NOT_RESOURCE, i);
  canon_ResourceHandle *h = e.obj;
  CANON_TRAP_IF(s, &cx->trap, h->rt != t->u.rt, CANON_R_LIFT_OWN_WRONG_TYPE, i);
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, h->num_lends != 0,
                CANON_R_LIFT_OWN_LENT);
  CANON_TRAP_IF(CANON_CX_STORE(cx), &cx->trap, !h->own,
                CANON_R_LIFT_OWN_NOT_OWN);
  canon_Table_remove(&cx->inst->handles, i, &e, &cx->trap);
  *out = canon_value_handle(CANON_OWN, h->rep, t->u.rt);
  free(h);
  return true;
}

/* Loading: lift_borrow */
bool canon_lift_borrow(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out) {
  assert(cx->borrow_scope.subtask != NULL);
  canon_ResourceHandle *h = NULL;
  if (!canon_get_resource_handle(&cx->inst->handles, i, t->u.rt, &h, &cx->trap))
    return false;
  canon_Subtask_add_lender(cx->borrow_scope.subtask, h);
  *out = canon_value_handle(CANON_BORROW, h->rep, t->u.rt);
  return true;
}

/* ---- Storing ------------------------------------------------------------ */

static bool store_list(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr,
                       const canon_type *elem, bool fixed);
static bool store_list_into_valid_range(canon_LiftLowerContext *cx, const canon_value *v,
                                        uint64_t ptr, const canon_type *elem);
static bool store_record(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr,
                         const canon_type *d);
static bool store_variant(canon_LiftLowerContext *cx, const canon_value *v,
                          uint64_t ptr, const canon_type *d);

/* Storing: store */
bool canon_store(canon_LiftLowerContext *cx, const canon_value *v, const canon_type *t,
                 uint64_t ptr) {
  assert(ptr == canon_align_to(ptr, canon_alignment(t, ptr_type(cx))));
  assert(!canon_out_of_bounds(cx, ptr, canon_elem_size(t, ptr_type(cx))));
  const canon_type *d = canon_despecialize(t);
  uint32_t i;
  switch (d->kind) {
  case CANON_BOOL:
    canon_store_int(cx, v->u.b ? 1 : 0, ptr, 1);
    return true;
  case CANON_U8: /* store_int(cx, v, ptr, 1), 2, 4, 8: the type's size */
  case CANON_U16:
  case CANON_U32:
  case CANON_U64:
    canon_store_int(cx, v->u.u, ptr, (uint32_t)canon_elem_size(d, ptr_type(cx)));
    return true;
  case CANON_S8: /* store_int(cx, v, ptr, 1, signed = True), ... */
  case CANON_S16:
  case CANON_S32:
  case CANON_S64:
    canon_store_int(cx, (uint64_t)v->u.s, ptr,
                    (uint32_t)canon_elem_size(d, ptr_type(cx)));
    return true;
  case CANON_F32:
    canon_store_int(cx, canon_encode_float_as_i32(cx, v->u.f32), ptr, 4);
    return true;
  case CANON_F64:
    canon_store_int(cx, canon_encode_float_as_i64(cx, v->u.f64), ptr, 8);
    return true;
  case CANON_CHAR:
    canon_store_int(cx, canon_char_to_i32(v->u.ch), ptr, 4);
    return true;
  case CANON_STRING:
    return canon_store_string(cx, v, ptr);
  case CANON_ERROR_CONTEXT:
    if (!canon_lower_error_context(cx, v, &i)) return false;
    canon_store_int(cx, i, ptr, 4);
    return true;
  case CANON_LIST:
    return store_list(cx, v, ptr, d->u.list.elem, d->u.list.fixed);
  case CANON_RECORD:
    return store_record(cx, v, ptr, d);
  case CANON_VARIANT:
    return store_variant(cx, v, ptr, d);
  case CANON_FLAGS:
    canon_store_int(cx, canon_pack_flags_into_int(v, d), ptr,
                    (uint32_t)canon_elem_size_flags(d->u.labels.n));
    return true;
  case CANON_OWN:
    if (!canon_lower_own(cx, v->u.handle.rep, d, &i)) return false;
    canon_store_int(cx, i, ptr, 4);
    return true;
  case CANON_BORROW:
    if (!canon_lower_borrow(cx, v->u.handle.rep, d, &i)) return false;
    canon_store_int(cx, i, ptr, 4);
    return true;
  case CANON_STREAM:
    if (!canon_lower_stream(cx, v, d, &i)) return false;
    canon_store_int(cx, i, ptr, 4);
    return true;
  case CANON_FUTURE:
    if (!canon_lower_future(cx, v, d, &i)) return false;
    canon_store_int(cx, i, ptr, 4);
    return true;
  default:
    assert(!"store: specialized type left after despecialize");
    return false;
  }
}

/* Storing: store_int (two's complement for signed values) */
void canon_store_int(canon_LiftLowerContext *cx, uint64_t v, uint64_t ptr,
                     uint32_t nbytes) {
  uint8_t b[8];
  assert(nbytes <= 8);
  for (uint32_t i = 0; i < nbytes; i++) b[i] = (uint8_t)(v >> (8 * i));
  cx->opts->memory->write(cx->opts->memory->env, ptr, b, nbytes);
}

/* Storing: maybe_scramble_nan32 / maybe_scramble_nan64.  Outside the
 * DETERMINISTIC_PROFILE the spec replaces every NaN by random_nan_bits():
 * random sign, all-ones exponent, random fraction with the quiet bit (the
 * top one) random and at least one of the other fraction bits set; the
 * prose (CanonicalABI.md "Storing") also lets a host keep one fixed NaN.
 * That is 2^31 (f32) or 2^62 (f64) patterns, so the choice (CANON_CHOICE_NAN)
 * offers a finite sample that varies each part random_nan_bits varies:
 *   0  the canonical NaN (the profile's; also "one fixed NaN")
 *   1  + quiet, the lowest fraction bit set (randrange's lowest)
 *   2  - quiet, the highest bit randrange may set
 *   3  + signalling (quiet bit clear), the lowest fraction bit set
 *   4  - signalling, every fraction bit below the quiet bit set
 * Options 1..4 are values random_nan_bits can return; a guest that handles
 * NaNs by their sign, their quiet bit or a non-zero payload sees each
 * case. */
static const uint32_t nan32_options[CANON_NAN_OPTIONS] = {
    CANON_CANONICAL_FLOAT32_NAN, 0x7fc00001u, 0xffe00000u, 0x7f800001u,
    0xffbfffffu};
static const uint64_t nan64_options[CANON_NAN_OPTIONS] = {
    CANON_CANONICAL_FLOAT64_NAN, 0x7ff8000000000001ull, 0xfffc000000000000ull,
    0x7ff0000000000001ull, 0xfff7ffffffffffffull};

static canon_sched *sched_of(const canon_LiftLowerContext *cx) {
  assert(cx->inst); /* every context is made for an instance */
  return &cx->inst->store->sched;
}

/* Storing: encode_float_as_i32 (= maybe_scramble_nan32, reinterpreted) */
uint32_t canon_encode_float_as_i32(canon_LiftLowerContext *cx, float f) {
  if (f != f)
    return nan32_options[canon_sched_choose(sched_of(cx), CANON_CHOICE_NAN,
                                            CANON_NAN_OPTIONS)];
  return canon_f32_bits(f);
}

/* Storing: encode_float_as_i64 (= maybe_scramble_nan64, reinterpreted) */
uint64_t canon_encode_float_as_i64(canon_LiftLowerContext *cx, double f) {
  if (f != f)
    return nan64_options[canon_sched_choose(sched_of(cx), CANON_CHOICE_NAN,
                                            CANON_NAN_OPTIONS)];
  return canon_f64_bits(f);
}

/* Storing: char_to_i32 */
uint32_t canon_char_to_i32(uint32_t c) {
  assert(c <= 0xD7FF || (0xE000 <= c && c <= 0x10FFFF));
  return c;
}

/* Storing: store_list */
static bool store_list(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr,
                       const canon_type *elem, bool fixed) {
  if (fixed) return store_list_into_valid_range(cx, v, ptr, elem);
  uint64_t begin, length;
  if (!canon_store_list_into_range(cx, v, elem, &begin, &length)) return false;
  canon_store_int(cx, begin, ptr, ptr_size(cx));
  canon_store_int(cx, length, ptr + ptr_size(cx), ptr_size(cx));
  return true;
}

/* Storing: store_list_into_range */
bool canon_store_list_into_range(canon_LiftLowerContext *cx, const canon_value *v,
                                 const canon_type *elem_type, uint64_t *out_ptr,
                                 uint64_t *out_length) {
  uint64_t byte_length =
      (uint64_t)v->u.list.n * canon_elem_size(elem_type, ptr_type(cx));
  assert(byte_length <= CANON_REALLOC_I32_MAX);
  uint32_t align = canon_alignment(elem_type, ptr_type(cx));
  uint64_t ptr;
  if (!canon_allocate_range(cx, align, byte_length, CANON_R_STORE_LIST_UNALIGNED,
                            CANON_R_STORE_LIST_OUT_OF_BOUNDS, &ptr))
    return false;
  if (!store_list_into_valid_range(cx, v, ptr, elem_type)) return false;
  *out_ptr = ptr;
  *out_length = v->u.list.n;
  return true;
}

/* Storing: store_list_into_valid_range */
static bool store_list_into_valid_range(canon_LiftLowerContext *cx, const canon_value *v,
                                        uint64_t ptr, const canon_type *elem) {
  uint64_t es = canon_elem_size(elem, ptr_type(cx));
  for (uint32_t i = 0; i < v->u.list.n; i++)
    if (!canon_store(cx, v->u.list.items[i], elem, ptr + i * es)) return false;
  return true;
}

/* Storing: store_record (d is the despecialized record) */
static bool store_record(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr,
                         const canon_type *d) {
  for (uint32_t i = 0; i < d->u.record.n; i++) {
    const canon_field *f = &d->u.record.fields[i];
    ptr = canon_align_to(ptr, canon_alignment(f->t, ptr_type(cx)));
    const canon_value *fv = canon_value_field(v, f->label, i);
    assert(fv);
    if (!canon_store(cx, fv, f->t, ptr)) return false;
    ptr += canon_elem_size(f->t, ptr_type(cx));
  }
  return true;
}

/* Storing: store_variant (d is the despecialized variant) */
static bool store_variant(canon_LiftLowerContext *cx, const canon_value *v,
                          uint64_t ptr, const canon_type *d) {
  uint32_t case_index = canon_match_case(v, d);
  uint32_t n = d->u.variant.n;
  uint32_t disc_size = (uint32_t)canon_elem_size(
      canon_type_prim(canon_discriminant_type(n)), ptr_type(cx));
  canon_store_int(cx, case_index, ptr, disc_size);
  ptr += disc_size;
  ptr = canon_align_to(
      ptr, canon_max_case_alignment(d->u.variant.cases, n, ptr_type(cx)));
  const canon_case *c = &d->u.variant.cases[case_index];
  if (c->t) return canon_store(cx, v->u.variant.payload, c->t, ptr);
  return true;
}

/* Storing: match_case */
uint32_t canon_match_case(const canon_value *v, const canon_type *t) {
  const canon_type *d = canon_despecialize(t);
  for (uint32_t i = 0; i < d->u.variant.n; i++)
    if (strcmp(d->u.variant.cases[i].label, v->u.variant.label) == 0) return i;
  assert(!"match_case: value label not among the cases");
  return 0;
}

/* Storing: pack_flags_into_int */
uint32_t canon_pack_flags_into_int(const canon_value *v, const canon_type *t) {
  uint32_t i = 0;
  uint32_t shift = 0;
  for (uint32_t l = 0; l < t->u.labels.n; l++) {
    i |= (uint32_t)canon_value_flag_set(v, t->u.labels.labels[l]) << shift;
    shift += 1;
  }
  return i;
}

/* Storing: lower_own */
bool canon_lower_own(canon_LiftLowerContext *cx, uint32_t rep, const canon_type *t,
                     uint32_t *i) {
  canon_ResourceHandle *h = canon_ResourceHandle_new(t->u.rt, rep, true, NULL);
  if (!canon_Table_add(&cx->inst->handles, CANON_ENTRY_RESOURCE_HANDLE, h, i,
                       &cx->trap)) {
    free(h);
    return false;
  }
  return true;
}

/* Storing: lower_borrow */
bool canon_lower_borrow(canon_LiftLowerContext *cx, uint32_t rep, const canon_type *t,
                        uint32_t *i) {
  assert(cx->borrow_scope.task != NULL);
  if (cx->inst == t->u.rt->impl) {
    *i = rep;
    return true;
  }
  canon_ResourceHandle *h =
      canon_ResourceHandle_new(t->u.rt, rep, false, cx->borrow_scope.task);
  h->borrow_scope->num_borrows += 1;
  if (!canon_Table_add(&cx->inst->handles, CANON_ENTRY_RESOURCE_HANDLE, h, i,
                       &cx->trap)) {
    free(h);
    return false;
  }
  return true;
}


/* load_list_from_valid_range / store_list_into_valid_range, for the
 * buffers of stream and future copies (buffer.c): *out is a list value. */
bool canon_load_list_from_valid_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                      uint64_t length, const canon_type *elem,
                                      canon_value **out) {
  return load_list_from_valid_range(cx, ptr, length, elem, out);
}

bool canon_store_list_into_valid_range(canon_LiftLowerContext *cx, const canon_value *v,
                                       uint64_t ptr, const canon_type *elem) {
  return store_list_into_valid_range(cx, v, ptr, elem);
}
