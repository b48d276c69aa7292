/* values.h -- script constants, result patterns and how values print.
 *
 * The constants of `invoke` arguments, the patterns of `assert_return`
 * (spec interpreter README "Scripts": const, result_pat, num_pat), the
 * matching rules of the spec's script runner (NaN patterns, bitwise float
 * equality, reference patterns, `either`), and the printing shared by
 * failure messages and `cmref invoke`.
 */
#ifndef WAST_VALUES_H
#define WAST_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

/* Parses `(i32.const N)`, `(f64.const X)`, `(ref.null func)`,
 * `(ref.extern N)`, ...  On failure err is CM_MALFORMED, or CM_UNSUPPORTED
 * ("unsupported feature: simd" for v128, "gc" for GC heap types). */
bool wast_parse_const(const sx_node *n, wast_value *out, cm_error *err);

typedef enum wast_patkind {
  WAST_PAT_VALUE,         /* exactly this value (type and bits) */
  WAST_PAT_NAN_CANONICAL, /* f32/f64 canonical NaN, either sign */
  WAST_PAT_NAN_ARITH,     /* f32/f64 NaN with the payload's top bit set */
  WAST_PAT_NULL,          /* (ref.null) / (ref.null T): any null reference */
  WAST_PAT_REF_FUNC,      /* (ref.func): a non-null funcref */
  WAST_PAT_REF_EXN,       /* (ref.exn): a non-null exnref */
  WAST_PAT_REF_EXTERN,    /* (ref.extern): any reference */
  WAST_PAT_REF_ANY,       /* (ref): any reference but a funcref */
  WAST_PAT_EITHER,        /* (either p+) */
} wast_patkind;

typedef struct wast_pattern {
  wast_patkind kind;
  wast_value value;            /* VALUE; type also for the NaN patterns */
  struct wast_pattern *alts;   /* EITHER */
  size_t nalts;
} wast_pattern;

bool wast_parse_pattern(const sx_node *n, wast_pattern *out, cm_error *err);
void wast_pattern_free(wast_pattern *p);
bool wast_pattern_match(const wast_pattern *p, const wast_value *v);

/* Script syntax: "(i32.const 42)", "(f32.const nan:0x200000)",
 * "(ref.extern 3)", "(ref.null)", "(either ...)". */
void wast_format_value(const wast_value *v, char *buf, size_t n);
void wast_format_pattern(const wast_pattern *p, char *buf, size_t n);
/* Bare, for `cmref invoke`: "42", "-0.5", "nan:0x200000", "ref.null". */
void wast_format_plain(const wast_value *v, char *buf, size_t n);

/* Parses a command-line argument of type t: integers decimal or hex,
 * floats with inf/nan/nan:0x..., references "null" or (externref) N. */
bool wast_parse_arg(const char *s, core_valtype t, wast_value *out);

#endif
