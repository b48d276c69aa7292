/* values.c -- script constants, result patterns, matching and printing
 * (see values.h).  The matching rules follow the spec interpreter's script
 * runner: numbers compare bit for bit (so -0 != +0 and NaN payloads
 * count), NaN patterns look only at the NaN's payload, a null pattern
 * matches any null whatever its heap type. */
#include "values.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "../core/numeric.h"

static bool unsupported(cm_error *err, const sx_node *n, const char *feature) {
  cm_error_at(err, CM_UNSUPPORTED, n->file, n->line, n->col,
              "unsupported feature: %s", feature);
  return false;
}

/* Heap types of `ref.null T`: the three we run, then those of proposals we
 * refuse (typed function references and GC). */
static bool heaptype(const sx_node *n, core_valtype *out, cm_error *err) {
  if (sx_atom_eq(n, "func")) *out = CORE_FUNCREF;
  else if (sx_atom_eq(n, "extern")) *out = CORE_EXTERNREF;
  else if (sx_atom_eq(n, "exn")) *out = CORE_EXNREF;
  else if (n->kind == SX_ID || n->kind == SX_NUMBER)
    return unsupported(err, n, "function-references");
  else if (sx_atom_eq(n, "any") || sx_atom_eq(n, "none") ||
           sx_atom_eq(n, "eq") || sx_atom_eq(n, "i31") ||
           sx_atom_eq(n, "struct") || sx_atom_eq(n, "array") ||
           sx_atom_eq(n, "nofunc") || sx_atom_eq(n, "noextern") ||
           sx_atom_eq(n, "noexn"))
    return unsupported(err, n, "gc");
  else {
    sx_error(err, n, "unknown heap type");
    return false;
  }
  return true;
}

static bool is_head(const sx_node *n, const char *kw) {
  return n->kind == SX_LIST && n->n >= 1 && sx_is_keyword(n->items[0], kw);
}

static const char *const simd_heads[] = {"v128.const", NULL};

static bool num_const(const sx_node *n, wast_value *out, cm_error *err) {
  const sx_node *arg = n->items[1];
  bool ok = false;
  switch (out->type) {
  case CORE_I32: ok = sx_int(arg, 32, &out->bits); break;
  case CORE_I64: ok = sx_int(arg, 64, &out->bits); break;
  case CORE_F32: {
    uint32_t b = 0;
    ok = sx_f32(arg, &b);
    out->bits = b;
    break;
  }
  case CORE_F64: ok = sx_f64(arg, &out->bits); break;
  default: break;
  }
  if (!ok) sx_error(err, arg, "constant out of range or malformed");
  return ok;
}

static bool numtype_of(const sx_node *head, core_valtype *t) {
  if (sx_atom_eq(head, "i32.const")) *t = CORE_I32;
  else if (sx_atom_eq(head, "i64.const")) *t = CORE_I64;
  else if (sx_atom_eq(head, "f32.const")) *t = CORE_F32;
  else if (sx_atom_eq(head, "f64.const")) *t = CORE_F64;
  else return false;
  return true;
}

/* `(ref.extern N)` / `(ref.host N)`: N is a nat32. */
static bool host_ref(const sx_node *n, wast_value *out, cm_error *err) {
  uint64_t v;
  if (n->n != 2 || !sx_uint(n->items[1], 32, &v)) {
    sx_error(err, n, "malformed reference constant");
    return false;
  }
  out->type = CORE_EXTERNREF;
  out->bits = v + 1;
  return true;
}

/* The head of a constant or result form; NULL (after "expected WHAT")
 * unless n is a non-empty list. */
static const sx_node *form_head(const sx_node *n, const char *what,
                                cm_error *err) {
  if (n->kind != SX_LIST || n->n < 1) {
    sx_error(err, n, "expected %s", what);
    return NULL;
  }
  return n->items[0];
}

/* Whether form n has one operand (else "malformed WHAT"). */
static bool one_operand(const sx_node *n, const char *what, cm_error *err) {
  if (n->n == 2) return true;
  sx_error(err, n, "malformed %s", what);
  return false;
}

bool wast_parse_const(const sx_node *n, wast_value *out, cm_error *err) {
  memset(out, 0, sizeof *out);
  const sx_node *head = form_head(n, "a constant", err);
  if (!head) return false;
  if (numtype_of(head, &out->type))
    return one_operand(n, "constant", err) && num_const(n, out, err);
  for (int i = 0; simd_heads[i]; i++)
    if (sx_atom_eq(head, simd_heads[i])) return unsupported(err, n, "simd");
  if (sx_atom_eq(head, "ref.null")) {
    out->bits = 0;
    return one_operand(n, "constant", err) &&
           heaptype(n->items[1], &out->type, err);
  }
  if (sx_atom_eq(head, "ref.extern") || sx_atom_eq(head, "ref.host"))
    return host_ref(n, out, err);
  sx_error(err, n, "unknown constant");
  return false;
}

bool wast_parse_pattern(const sx_node *n, wast_pattern *out, cm_error *err) {
  memset(out, 0, sizeof *out);
  const sx_node *head = form_head(n, "a result", err);
  if (!head) return false;
  if (numtype_of(head, &out->value.type)) {
    if (!one_operand(n, "result", err)) return false;
    bool isfloat = out->value.type == CORE_F32 || out->value.type == CORE_F64;
    if (isfloat && sx_atom_eq(n->items[1], "nan:canonical")) {
      out->kind = WAST_PAT_NAN_CANONICAL;
      return true;
    }
    if (isfloat && sx_atom_eq(n->items[1], "nan:arithmetic")) {
      out->kind = WAST_PAT_NAN_ARITH;
      return true;
    }
    out->kind = WAST_PAT_VALUE;
    return num_const(n, &out->value, err);
  }
  if (sx_atom_eq(head, "either")) {
    if (n->n < 2) {
      sx_error(err, n, "malformed result");
      return false;
    }
    out->kind = WAST_PAT_EITHER;
    out->alts = canon_xcalloc(n->n - 1, sizeof *out->alts);
    for (size_t i = 1; i < n->n; i++) {
      out->nalts++;
      if (!wast_parse_pattern(n->items[i], &out->alts[i - 1], err))
        return false; /* the caller frees what was built */
    }
    return true;
  }
  if (sx_atom_eq(head, "ref.null")) {
    out->kind = WAST_PAT_NULL;
    if (n->n == 1) return true;
    return one_operand(n, "result", err) &&
           heaptype(n->items[1], &out->value.type, err);
  }
  if (sx_atom_eq(head, "ref.extern") || sx_atom_eq(head, "ref.host")) {
    if (n->n == 1) {
      out->kind = WAST_PAT_REF_EXTERN;
      return true;
    }
    out->kind = WAST_PAT_VALUE;
    return host_ref(n, &out->value, err);
  }
  if (n->n == 1) {
    if (sx_atom_eq(head, "ref.func")) out->kind = WAST_PAT_REF_FUNC;
    else if (sx_atom_eq(head, "ref.exn")) out->kind = WAST_PAT_REF_EXN;
    else if (sx_atom_eq(head, "ref")) out->kind = WAST_PAT_REF_ANY;
    else if (sx_atom_eq(head, "ref.eq") || sx_atom_eq(head, "ref.i31") ||
             sx_atom_eq(head, "ref.struct") || sx_atom_eq(head, "ref.array"))
      return unsupported(err, n, "gc");
    else goto unknown;
    return true;
  }
  if (is_head(n, "v128.const")) return unsupported(err, n, "simd");
unknown:
  sx_error(err, n, "unknown result pattern");
  return false;
}

void wast_pattern_free(wast_pattern *p) {
  for (size_t i = 0; i < p->nalts; i++) wast_pattern_free(&p->alts[i]);
  free(p->alts);
  p->alts = NULL;
  p->nalts = 0;
}

static bool nan_match(const wast_value *v, core_valtype t, bool canonical) {
  if (v->type != t) return false;
  if (t == CORE_F32) {
    uint32_t b = (uint32_t)v->bits & 0x7fffffffu;
    return canonical ? b == 0x7fc00000u : (b & 0x7fc00000u) == 0x7fc00000u;
  }
  uint64_t b = v->bits & 0x7fffffffffffffffull;
  uint64_t q = 0x7ff8000000000000ull;
  return canonical ? b == q : (b & q) == q;
}

bool wast_pattern_match(const wast_pattern *p, const wast_value *v) {
  bool isref = core_is_reftype(v->type);
  switch (p->kind) {
  case WAST_PAT_VALUE:
    if (v->type != p->value.type) return false;
    if (v->type == CORE_I32 || v->type == CORE_F32)
      return (uint32_t)v->bits == (uint32_t)p->value.bits;
    return v->bits == p->value.bits;
  case WAST_PAT_NAN_CANONICAL: return nan_match(v, p->value.type, true);
  case WAST_PAT_NAN_ARITH: return nan_match(v, p->value.type, false);
  case WAST_PAT_NULL: return isref && v->bits == 0;
  case WAST_PAT_REF_FUNC: return v->type == CORE_FUNCREF && v->bits != 0;
  case WAST_PAT_REF_EXN: return v->type == CORE_EXNREF && v->bits != 0;
  case WAST_PAT_REF_EXTERN: return isref;
  case WAST_PAT_REF_ANY: return isref && v->type != CORE_FUNCREF;
  case WAST_PAT_EITHER:
    for (size_t i = 0; i < p->nalts; i++)
      if (wast_pattern_match(&p->alts[i], v)) return true;
    return false;
  }
  return false;
}

/* ---- printing ---------------------------------------------------------- */

/* The shortest decimal that reads back to the same float, so that a
 * message never shows two different values as the same text. */
/* `w` is the float's width, 32 or 64. */
static void fmt_float(uint64_t bits, int w, char *buf, size_t n) {
  int mbits = w == 32 ? 23 : 52; /* the significand's bits */
  uint64_t sign_bit = 1ull << (w - 1);
  uint64_t mag = bits & (sign_bit - 1);
  uint64_t inf = (sign_bit - 1) >> mbits << mbits; /* exponent all ones */
  const char *sign = bits & sign_bit ? "-" : "";
  if (mag > inf) {
    uint64_t payload = mag & ((1ull << mbits) - 1);
    if (payload == 1ull << (mbits - 1)) snprintf(buf, n, "%snan", sign);
    else snprintf(buf, n, "%snan:0x%" PRIx64, sign, payload);
    return;
  }
  if (mag == inf) {
    snprintf(buf, n, "%sinf", sign);
    return;
  }
  double d = w == 32 ? (double)num_f32((uint32_t)bits) : num_f64(bits);
  for (int prec = 1; prec <= (w == 32 ? 9 : 17); prec++) {
    snprintf(buf, n, "%.*g", prec, d);
    double back = w == 32 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    if (back == d) break;
  }
  if (d == 0 && *sign) snprintf(buf, n, "-0");
}

void wast_format_plain(const wast_value *v, char *buf, size_t n) {
  switch (v->type) {
  case CORE_I32:
    snprintf(buf, n, "%" PRId32, (int32_t)(uint32_t)v->bits);
    return;
  case CORE_I64:
    snprintf(buf, n, "%" PRId64, (int64_t)v->bits);
    return;
  case CORE_F32: fmt_float((uint32_t)v->bits, 32, buf, n); return;
  case CORE_F64: fmt_float(v->bits, 64, buf, n); return;
  case CORE_EXTERNREF:
    if (v->bits) snprintf(buf, n, "ref.extern %" PRIu64, v->bits - 1);
    else snprintf(buf, n, "ref.null extern");
    return;
  case CORE_FUNCREF:
    snprintf(buf, n, v->bits ? "ref.func" : "ref.null func");
    return;
  case CORE_EXNREF:
    snprintf(buf, n, v->bits ? "ref.exn" : "ref.null exn");
    return;
  case CORE_V128: snprintf(buf, n, "v128"); return;
  }
  snprintf(buf, n, "?");
}

void wast_format_value(const wast_value *v, char *buf, size_t n) {
  char tmp[64];
  wast_format_plain(v, tmp, sizeof tmp);
  if (core_is_reftype(v->type)) snprintf(buf, n, "(%s)", tmp);
  else snprintf(buf, n, "(%s.const %s)", core_valtype_name(v->type), tmp);
}

void wast_format_pattern(const wast_pattern *p, char *buf, size_t n) {
  const char *t = core_valtype_name(p->value.type);
  switch (p->kind) {
  case WAST_PAT_VALUE: wast_format_value(&p->value, buf, n); return;
  case WAST_PAT_NAN_CANONICAL:
    snprintf(buf, n, "(%s.const nan:canonical)", t);
    return;
  case WAST_PAT_NAN_ARITH:
    snprintf(buf, n, "(%s.const nan:arithmetic)", t);
    return;
  case WAST_PAT_NULL: snprintf(buf, n, "(ref.null)"); return;
  case WAST_PAT_REF_FUNC: snprintf(buf, n, "(ref.func)"); return;
  case WAST_PAT_REF_EXN: snprintf(buf, n, "(ref.exn)"); return;
  case WAST_PAT_REF_EXTERN: snprintf(buf, n, "(ref.extern)"); return;
  case WAST_PAT_REF_ANY: snprintf(buf, n, "(ref)"); return;
  case WAST_PAT_EITHER: {
    size_t used = (size_t)snprintf(buf, n, "(either");
    for (size_t i = 0; i < p->nalts && used + 1 < n; i++) {
      buf[used++] = ' ';
      buf[used] = 0;
      wast_format_pattern(&p->alts[i], buf + used, n - used);
      used += strlen(buf + used);
    }
    if (used + 1 < n) snprintf(buf + used, n - used, ")");
    return;
  }
  }
  snprintf(buf, n, "?");
}

/* ---- command-line arguments -------------------------------------------- */

bool wast_parse_arg(const char *s, core_valtype t, wast_value *out) {
  size_t len = strlen(s);
  out->type = t;
  out->bits = 0;
  switch (t) {
  case CORE_I32: return len && sx_int_text(s, len, 32, &out->bits);
  case CORE_I64: return len && sx_int_text(s, len, 64, &out->bits);
  case CORE_F32: {
    uint32_t b;
    if (!len || !sx_f32_text(s, len, &b)) return false;
    out->bits = b;
    return true;
  }
  case CORE_F64: return len && sx_f64_text(s, len, &out->bits);
  case CORE_FUNCREF:
  case CORE_EXNREF:
    return strcmp(s, "null") == 0 || strcmp(s, "ref.null") == 0;
  case CORE_EXTERNREF: {
    if (strcmp(s, "null") == 0 || strcmp(s, "ref.null") == 0) return true;
    uint64_t v;
    if (!len || !sx_uint_text(s, len, 32, &v)) return false;
    out->bits = v + 1;
    return true;
  }
  case CORE_V128: return false;
  }
  return false;
}
