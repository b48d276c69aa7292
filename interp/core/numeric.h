/* numeric.h -- wasm numeric semantics (core spec "Numerics") over value
 * bits, as the interpreter keeps them: i32 zero-extended in a uint64_t,
 * f32/f64 as IEEE bit patterns.  Small operations are inline here (the
 * interpreter's hot loop uses them); the conversions are in numeric.c.
 *
 * Floats: moving a value never goes through a C float (bits stay exact,
 * signalling NaNs included); arithmetic is the host's IEEE arithmetic,
 * whose NaN results are canonical or arithmetic NaNs as the spec allows;
 * abs/neg/copysign are bit operations; min/max/nearest follow the spec's
 * rules for NaN and signed zeros.  Portable C only: no builtins. */
#ifndef CORE_NUMERIC_H
#define CORE_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../../canon/bits.h"

/* value bits (an f32 in the low 32) to a C float and back */
static inline float num_f32(uint64_t b) { return canon_f32_from_bits((uint32_t)b); }
static inline uint64_t num_f32_bits(float f) { return canon_f32_bits(f); }
static inline double num_f64(uint64_t b) { return canon_f64_from_bits(b); }
static inline uint64_t num_f64_bits(double d) { return canon_f64_bits(d); }

/* ---- integers ---------------------------------------------------------- */

static inline uint32_t num_clz32(uint32_t x) {
  uint32_t n = 0;
  if (!x) return 32;
  if (!(x & 0xFFFF0000u)) n += 16, x <<= 16;
  if (!(x & 0xFF000000u)) n += 8, x <<= 8;
  if (!(x & 0xF0000000u)) n += 4, x <<= 4;
  if (!(x & 0xC0000000u)) n += 2, x <<= 2;
  if (!(x & 0x80000000u)) n += 1;
  return n;
}
static inline uint64_t num_clz64(uint64_t x) {
  uint32_t hi = (uint32_t)(x >> 32);
  return hi ? num_clz32(hi) : 32 + num_clz32((uint32_t)x);
}
static inline uint32_t num_ctz32(uint32_t x) {
  return x ? 31 - num_clz32(x & (0u - x)) : 32;
}
static inline uint64_t num_ctz64(uint64_t x) {
  return x ? 63 - num_clz64(x & (0u - x)) : 64;
}
static inline uint64_t num_popcnt64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (x * 0x0101010101010101ull) >> 56;
}
static inline uint32_t num_rotl32(uint32_t x, uint32_t n) {
  n &= 31;
  return (x << n) | (x >> ((32 - n) & 31));
}
/* Rotating right by n is rotating left by -n (mod the width). */
static inline uint32_t num_rotr32(uint32_t x, uint32_t n) {
  return num_rotl32(x, 0u - n);
}
static inline uint64_t num_rotl64(uint64_t x, uint64_t n) {
  n &= 63;
  return (x << n) | (x >> ((64 - n) & 63));
}
static inline uint64_t num_rotr64(uint64_t x, uint64_t n) {
  return num_rotl64(x, 0u - n);
}
/* Arithmetic shifts without relying on signed >> of negative values. */
static inline uint32_t num_shr_s32(uint32_t x, uint32_t n) {
  n &= 31;
  return (x & 0x80000000u) ? ~(~x >> n) : x >> n;
}
static inline uint64_t num_shr_s64(uint64_t x, uint64_t n) {
  n &= 63;
  return (x >> 63) ? ~(~x >> n) : x >> n;
}
/* Sign extension of the low `bits` bits, in unsigned arithmetic. */
static inline uint32_t num_sext32(uint32_t x, unsigned bits) {
  uint32_t m = 1u << (bits - 1);
  x &= (m << 1) - 1;
  return (x ^ m) - m;
}
static inline uint64_t num_sext64(uint64_t x, unsigned bits) {
  uint64_t m = 1ull << (bits - 1);
  if (bits < 64) x &= (m << 1) - 1;
  return (x ^ m) - m;
}

/* ---- floats ------------------------------------------------------------ */

#define NUM_F32_SIGN 0x80000000u
#define NUM_F64_SIGN 0x8000000000000000ull

/* min/max: NaN if either is NaN (propagated through an arithmetic
 * operation, so it is canonical or arithmetic as required); -0 < +0, so
 * of two equal operands min takes the one with the sign bit (a | b of the
 * bits) and max the one without (a & b).  One definition for fN (N = 32
 * or 64, T its C type) and each of min (op <) and max (op >). */
#define NUM_FLOAT_MINMAX(N, T, name, op, equal)                             \
  static inline uint64_t num_f##N##_##name(uint64_t a, uint64_t b) {        \
    T x = num_f##N(a), y = num_f##N(b);                                      \
    if (x != x || y != y) return num_f##N##_bits(x + y);                     \
    if (x == y) return (equal);                                              \
    return x op y ? a : b;                                                   \
  }
NUM_FLOAT_MINMAX(32, float, min, <, (a | b) & 0xFFFFFFFFu)
NUM_FLOAT_MINMAX(32, float, max, >, a & b)
NUM_FLOAT_MINMAX(64, double, min, <, a | b)
NUM_FLOAT_MINMAX(64, double, max, >, a & b)
#undef NUM_FLOAT_MINMAX

/* ---- numeric.c ----------------------------------------------------------- */

/* Rounding to integral values; a NaN operand gives it back quieted. */
uint64_t num_f32_ceil(uint64_t a);
uint64_t num_f32_floor(uint64_t a);
uint64_t num_f32_trunc(uint64_t a);
uint64_t num_f32_nearest(uint64_t a);
uint64_t num_f32_sqrt(uint64_t a);
uint64_t num_f64_ceil(uint64_t a);
uint64_t num_f64_floor(uint64_t a);
uint64_t num_f64_trunc(uint64_t a);
uint64_t num_f64_nearest(uint64_t a);
uint64_t num_f64_sqrt(uint64_t a);

/* Float to integer.  The trapping forms return NULL and set *out, or the
 * trap message ("invalid conversion to integer" / "integer overflow"). */
typedef enum num_trunc_kind {
  NUM_I32_S, NUM_I32_U, NUM_I64_S, NUM_I64_U
} num_trunc_kind;
const char *num_trunc(double x, num_trunc_kind k, uint64_t *out);
uint64_t num_trunc_sat(double x, num_trunc_kind k);

uint64_t num_f32_demote(uint64_t f64bits);
uint64_t num_f64_promote(uint64_t f32bits);

#endif
