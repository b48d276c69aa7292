/* flat.h -- converting between component values and lists of core values
 * (CanonicalABI.md "Flat Lifting", "Flat Lowering", "Lifting and Lowering
 * Values").
 *
 * Core values are uint64_t bits as in interp/core/exec.h: i32 zero-
 * extended, i64 as is, f32/f64 as their IEEE bit patterns.
 */
#ifndef CANON_FLAT_H
#define CANON_FLAT_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "grow.h"
#include "types.h"
#include "values.h"

/* CoreValueIter.  A plain iterator walks `values`; lift_flat_variant's
 * CoerceValueIter is the same struct with `next` replaced (see flat.c). */
typedef struct canon_CoreValueIter canon_CoreValueIter;
struct canon_CoreValueIter {
  uint64_t (*next)(canon_CoreValueIter *vi, canon_flat t);
  const uint64_t *values;
  uint32_t n, i;
  /* CoerceValueIter state */
  canon_CoreValueIter *inner;
  const canon_flat *flat_types;
  uint32_t nflat, fi;
};

/* CoreValueIter(vs) */
void canon_CoreValueIter_init(canon_CoreValueIter *vi, const uint64_t *values,
                          uint32_t n);
/* CoreValueIter.done */
bool canon_CoreValueIter_done(const canon_CoreValueIter *vi);

/* A growable list of core values (lower_flat's result). */
typedef CANON_VEC(uint64_t) canon_core_vec;
void canon_core_vec_push(canon_core_vec *cv, uint64_t x);
void canon_core_vec_free(canon_core_vec *cv);

/* lift_flat(cx, vi, t) */
bool canon_lift_flat(canon_LiftLowerContext *cx, canon_CoreValueIter *vi,
                     const canon_type *t, canon_value **out);
/* lower_flat(cx, v, t), appended to *out */
bool canon_lower_flat(canon_LiftLowerContext *cx, const canon_value *v,
                      const canon_type *t, canon_core_vec *out);

/* lift_flat_values(cx, max_flat, vi, ts): out[i] receives the n values
 * (on failure nothing is left allocated). */
bool canon_lift_flat_values(canon_LiftLowerContext *cx, uint32_t max_flat,
                            canon_CoreValueIter *vi, const canon_type *const *ts,
                            uint32_t n, canon_value **out);
/* lower_flat_values(cx, max_flat, vs, ts, out_param): out_param may be
 * NULL (then the tuple is allocated with realloc). */
bool canon_lower_flat_values(canon_LiftLowerContext *cx, uint32_t max_flat,
                             const canon_value *const *vs,
                             const canon_type *const *ts, uint32_t n,
                             canon_CoreValueIter *out_param, canon_core_vec *out);

#endif
