/* bits.h -- a float's IEEE bit pattern and back, the bytes reinterpreted
 * (never a conversion of value: a NaN keeps its payload and sign).
 * Header-only plumbing, not a spec concept; canon/ and interp/ alike. */
#ifndef CANON_BITS_H
#define CANON_BITS_H

#include <stdint.h>

typedef union canon_f32_pun { float f; uint32_t u; } canon_f32_pun;
typedef union canon_f64_pun { double f; uint64_t u; } canon_f64_pun;

static inline float canon_f32_from_bits(uint32_t u) { return (canon_f32_pun){.u = u}.f; }
static inline double canon_f64_from_bits(uint64_t u) { return (canon_f64_pun){.u = u}.f; }
static inline uint32_t canon_f32_bits(float f) { return (canon_f32_pun){.f = f}.u; }
static inline uint64_t canon_f64_bits(double f) { return (canon_f64_pun){.f = f}.u; }

#endif
