/* load_store.h -- reading component values out of linear memory and
 * writing them into it (CanonicalABI.md "Loading" and "Storing"), and the
 * string part of both (strings.c, same sections).
 *
 * Values are assumed to fit their types (canon_value_has_type), as the
 * spec assumes; every guest-controlled condition is a trap recorded in
 * cx->trap, after which the function returns false and *out is untouched.
 */
#ifndef CANON_LOAD_STORE_H
#define CANON_LOAD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "rules.h"
#include "types.h"
#include "values.h"

#define CANON_REALLOC_I32_MAX 0xFFFFFFFFull
#define CANON_MAX_STRING_BYTE_LENGTH ((1ull << 28) - 1)
#define CANON_MAX_LIST_BYTE_LENGTH ((1ull << 28) - 1)
#define CANON_CANONICAL_FLOAT32_NAN 0x7fc00000u
#define CANON_CANONICAL_FLOAT64_NAN 0x7ff8000000000000ull

/* trap_if(ptr != align_to(ptr, alignment)) then
 * trap_if(ptr + byte_length > len(cx.opts.memory)): the two checks the
 * spec makes of a range in guest memory wherever it takes one (a realloc
 * result, a list or string range, spilled values), each site with its own
 * pair of rules. */
bool canon_check_range(canon_LiftLowerContext *cx, uint64_t ptr,
                       uint64_t alignment, uint64_t byte_length,
                       canon_rule unaligned, canon_rule out_of_bounds);

/* ptr = realloc(0, 0, alignment, byte_length), then canon_check_range of
 * the result: the three steps with which the spec's stores allocate. */
bool canon_allocate_range(canon_LiftLowerContext *cx, uint64_t alignment,
                          uint64_t byte_length, canon_rule unaligned,
                          canon_rule out_of_bounds, uint64_t *ptr);

/* ---- Loading ---- */
bool canon_load(canon_LiftLowerContext *cx, uint64_t ptr, const canon_type *t,
                canon_value **out);
uint64_t canon_load_int(canon_LiftLowerContext *cx, uint64_t ptr, uint32_t nbytes);
float canon_decode_i32_as_float(uint32_t i);
double canon_decode_i64_as_float(uint64_t i);
bool canon_convert_i32_to_char(canon_LiftLowerContext *cx, uint32_t i, uint32_t *c);
bool canon_load_list_from_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                uint64_t length, const canon_type *elem_type,
                                canon_value **out);
bool canon_lift_error_context(canon_LiftLowerContext *cx, uint32_t i, canon_value **out);
bool canon_lift_own(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                    canon_value **out);
bool canon_lift_borrow(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out);
bool canon_lift_stream(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out);
bool canon_lift_future(canon_LiftLowerContext *cx, uint32_t i, const canon_type *t,
                       canon_value **out);
/* unpack_flags_from_int: the flags value with the bits of i set */
canon_value *canon_unpack_flags_from_int(uint64_t i, const canon_type *flags);
/* Builds a variant-like value of t's kind for case c of its expansion. */
canon_value *canon_make_case_value(const canon_type *t, uint32_t c,
                                   canon_value *payload);

/* ---- Storing ---- */
bool canon_store(canon_LiftLowerContext *cx, const canon_value *v, const canon_type *t,
                 uint64_t ptr);
void canon_store_int(canon_LiftLowerContext *cx, uint64_t v, uint64_t ptr,
                     uint32_t nbytes);
/* encode_float_as_i32/64: a NaN becomes the NaN the scheduler picks
 * (maybe_scramble_nan32/64, CANON_CHOICE_NAN); other floats keep their
 * bits. */
uint32_t canon_encode_float_as_i32(canon_LiftLowerContext *cx, float f);
uint64_t canon_encode_float_as_i64(canon_LiftLowerContext *cx, double f);
uint32_t canon_char_to_i32(uint32_t c);
bool canon_store_list_into_range(canon_LiftLowerContext *cx, const canon_value *v,
                                 const canon_type *elem_type, uint64_t *ptr,
                                 uint64_t *length);
bool canon_lower_error_context(canon_LiftLowerContext *cx, const canon_value *v,
                               uint32_t *i);
bool canon_lower_own(canon_LiftLowerContext *cx, uint32_t rep, const canon_type *t,
                     uint32_t *i);
bool canon_lower_borrow(canon_LiftLowerContext *cx, uint32_t rep, const canon_type *t,
                        uint32_t *i);
bool canon_lower_stream(canon_LiftLowerContext *cx, const canon_value *v,
                        const canon_type *t, uint32_t *i);
bool canon_lower_future(canon_LiftLowerContext *cx, const canon_value *v,
                        const canon_type *t, uint32_t *i);
/* match_case: the index of v's case among the (despecialized) cases */
uint32_t canon_match_case(const canon_value *v, const canon_type *variant);
/* pack_flags_into_int */
uint32_t canon_pack_flags_into_int(const canon_value *v,
                                   const canon_type *flags);

/* ---- strings (strings.c) ---- */
/* utf16_tag(ptr_type) */
uint64_t canon_utf16_tag(canon_flat ptr_type);
/* strict UTF-8: CANON_R_NONE, CANON_R_UTF8_INCOMPLETE or _INVALID */
canon_rule canon_utf8_check(const uint8_t *s, uint64_t n);
bool canon_load_string(canon_LiftLowerContext *cx, uint64_t ptr, canon_value **out);
bool canon_load_string_from_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                  uint64_t tagged_code_units,
                                  canon_value **out);
bool canon_store_string(canon_LiftLowerContext *cx, const canon_value *v, uint64_t ptr);
bool canon_store_string_into_range(canon_LiftLowerContext *cx, const canon_value *v,
                                   uint64_t *ptr, uint64_t *tagged_code_units);

/* load_list_from_valid_range (a list value) / store_list_into_valid_range
 * (v: a list value) */
bool canon_load_list_from_valid_range(canon_LiftLowerContext *cx, uint64_t ptr,
                                      uint64_t length, const canon_type *elem,
                                      canon_value **out);
bool canon_store_list_into_valid_range(canon_LiftLowerContext *cx, const canon_value *v,
                                       uint64_t ptr, const canon_type *elem);

/* Counts n more bytes of host memory taken by the values this context
 * lifts; traps (CANON_TRAP_HOST_LIMIT) past the store's --max-memory. */
bool canon_charge_host_bytes(canon_LiftLowerContext *cx, uint64_t n);

#endif
