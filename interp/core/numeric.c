/* numeric.c -- the larger numeric operations (core spec "Numerics"):
 * rounding to integral values, float-to-integer truncation (trapping and
 * saturating), promotion and demotion.  See numeric.h. */
#include "numeric.h"

#include <stdbool.h>

#define F32_QUIET 0x00400000u
#define F64_QUIET 0x0008000000000000ull

/* A NaN operand comes back as itself with the quiet bit set: canonical
 * stays canonical, anything else becomes an arithmetic NaN. */
#define F32_UNARY(name, expr)                            \
  uint64_t name(uint64_t a) {                            \
    float x = num_f32(a);                                \
    if (x != x) return a | F32_QUIET;                    \
    return num_f32_bits(expr);                           \
  }
#define F64_UNARY(name, expr)                            \
  uint64_t name(uint64_t a) {                            \
    double x = num_f64(a);                               \
    if (x != x) return a | F64_QUIET;                    \
    return num_f64_bits(expr);                           \
  }

F32_UNARY(num_f32_ceil, ceilf(x))
F32_UNARY(num_f32_floor, floorf(x))
F32_UNARY(num_f32_trunc, truncf(x))
/* rint rounds in the current rounding mode, round-to-nearest-ties-to-even
 * unless someone changed it (nobody does). */
F32_UNARY(num_f32_nearest, rintf(x))
F32_UNARY(num_f32_sqrt, sqrtf(x))
F64_UNARY(num_f64_ceil, ceil(x))
F64_UNARY(num_f64_floor, floor(x))
F64_UNARY(num_f64_trunc, trunc(x))
F64_UNARY(num_f64_nearest, rint(x))
F64_UNARY(num_f64_sqrt, sqrt(x))

/* Every f32 is exactly a double, so one routine serves both widths.  The
 * bounds are exclusive and exact in double: truncation toward zero of any
 * x strictly inside them fits. */
static bool in_range(double x, num_trunc_kind k) {
  switch (k) {
  case NUM_I32_S: return x > -2147483649.0 && x < 2147483648.0;
  case NUM_I32_U: return x > -1.0 && x < 4294967296.0;
  case NUM_I64_S:
    return x >= -9223372036854775808.0 && x < 9223372036854775808.0;
  case NUM_I64_U: return x > -1.0 && x < 18446744073709551616.0;
  }
  return false;
}

static uint64_t convert(double x, num_trunc_kind k) {
  switch (k) {
  case NUM_I32_S: return (uint32_t)(int32_t)x;
  case NUM_I32_U: return (uint32_t)x;
  case NUM_I64_S: return (uint64_t)(int64_t)x;
  case NUM_I64_U: return (uint64_t)x;
  }
  return 0;
}

const char *num_trunc(double x, num_trunc_kind k, uint64_t *out) {
  if (x != x) return "invalid conversion to integer";
  if (!in_range(x, k)) return "integer overflow";
  *out = convert(x, k);
  return NULL;
}

uint64_t num_trunc_sat(double x, num_trunc_kind k) {
  if (x != x) return 0;
  if (in_range(x, k)) return convert(x, k);
  switch (k) {
  case NUM_I32_S: return x < 0 ? 0x80000000u : 0x7FFFFFFFu;
  case NUM_I32_U: return x < 0 ? 0 : 0xFFFFFFFFu;
  case NUM_I64_S: return x < 0 ? NUM_F64_SIGN : NUM_F64_SIGN - 1;
  case NUM_I64_U: return x < 0 ? 0 : UINT64_MAX;
  }
  return 0;
}

/* NaNs: the spec gives an arithmetic NaN (any payload with the quiet bit)
 * and a canonical one for a canonical operand; we keep the top payload
 * bits, as hardware does. */
uint64_t num_f32_demote(uint64_t a) {
  double x = num_f64(a);
  if (x != x) {
    uint32_t sign = (uint32_t)(a >> 32) & NUM_F32_SIGN;
    uint32_t payload = (uint32_t)((a >> 29) & 0x7FFFFFu);
    return sign | 0x7F800000u | F32_QUIET | payload;
  }
  return num_f32_bits((float)x);
}

uint64_t num_f64_promote(uint64_t a) {
  float x = num_f32(a);
  if (x != x) {
    uint64_t sign = (a & NUM_F32_SIGN) ? NUM_F64_SIGN : 0;
    uint64_t payload = (a & 0x7FFFFFull) << 29;
    return sign | 0x7FF0000000000000ull | F64_QUIET | payload;
  }
  return num_f64_bits((double)x);
}
