/* comp_values.h -- component value constants in .wast scripts: the
 * arguments of `invoke` on a component instance and the expected results
 * of `assert_return`, e.g. `(u32.const 1)`, `(str.const "x")`,
 * `(list.const (u8.const 1))`, `(record.const (field "a" u32.const 1))`,
 * `(variant.const "c" (u8.const 2))`, `(option.some ...)`, `(option.none)`,
 * `(result.ok ...)`, `(result.err ...)`, `(flags.const "a" "b")`,
 * `(enum.const "a")`, `(tuple.const ...)`, `(bool.const true)`,
 * `(char.const "x")`, `(f32.const nan)`.  The same syntax canon/values.c
 * prints. */
#ifndef WAST_COMP_VALUES_H
#define WAST_COMP_VALUES_H

#include <stdbool.h>

#include "../../canon/values.h"
#include "../text/sexpr.h"
#include "../util/diag.h"

/* Parses one constant (no type is needed: every form names its kind).
 * On failure err is CM_MALFORMED with the node's position. */
bool wast_comp_parse_value(const sx_node *n, canon_value **out, cm_error *err);

/* Does v match the expected-result form n of `assert_return`: a constant,
 * or `(either c+)`, any of the constants (the core suite's form for a
 * result the spec leaves open, extended to component values)?  text gets
 * the form as printed (for a failure message).  false, with err set, if a
 * form is not a constant. */
bool wast_comp_match(const sx_node *n, const canon_value *v, bool *match,
                     char *text, size_t textn, cm_error *err);

#endif
