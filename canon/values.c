/* values.c -- host-side component values: construction, copying, deep
 * equality, printing in .wast constant syntax, and type checking. */
#include "values.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "buf.h"
#include "load_store.h"

static canon_value *new_value(canon_kind k) {
  canon_value *v = canon_xrealloc(NULL, sizeof *v);
  memset(v, 0, sizeof *v);
  v->kind = k;
  return v;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s);
  char *p = canon_xrealloc(NULL, n + 1);
  memcpy(p, s, n + 1);
  return p;
}

canon_value *canon_value_bool(bool b) {
  canon_value *v = new_value(CANON_BOOL);
  v->u.b = b;
  return v;
}

canon_value *canon_value_sint(canon_kind k, int64_t x) {
  assert(k == CANON_S8 || k == CANON_S16 || k == CANON_S32 || k == CANON_S64);
  assert(k != CANON_S8 || (x >= INT8_MIN && x <= INT8_MAX));
  assert(k != CANON_S16 || (x >= INT16_MIN && x <= INT16_MAX));
  assert(k != CANON_S32 || (x >= INT32_MIN && x <= INT32_MAX));
  canon_value *v = new_value(k);
  v->u.s = x;
  return v;
}

canon_value *canon_value_uint(canon_kind k, uint64_t x) {
  assert(k == CANON_U8 || k == CANON_U16 || k == CANON_U32 || k == CANON_U64);
  assert(k != CANON_U8 || x <= UINT8_MAX);
  assert(k != CANON_U16 || x <= UINT16_MAX);
  assert(k != CANON_U32 || x <= UINT32_MAX);
  canon_value *v = new_value(k);
  v->u.u = x;
  return v;
}

canon_value *canon_value_f32(float f) {
  canon_value *v = new_value(CANON_F32);
  v->u.f32 = f;
  return v;
}

canon_value *canon_value_f64(double f) {
  canon_value *v = new_value(CANON_F64);
  v->u.f64 = f;
  return v;
}

static bool is_usv(uint32_t c) {
  return c < 0xD800 || (c > 0xDFFF && c < 0x110000);
}

canon_value *canon_value_char(uint32_t c) {
  if (!is_usv(c)) return NULL;
  canon_value *v = new_value(CANON_CHAR);
  v->u.ch = c;
  return v;
}

canon_value *canon_value_string(const char *utf8, size_t len) {
  return canon_value_string_hinted(utf8, len, CANON_UTF8, len);
}

canon_value *canon_value_string_hinted(const char *utf8, size_t len,
                                       canon_string_encoding encoding,
                                       uint64_t tagged_code_units) {
  if (canon_utf8_check((const uint8_t *)utf8, len) != CANON_R_NONE)
    return NULL;
  canon_value *v = new_value(CANON_STRING);
  v->u.str.utf8 = canon_xrealloc(NULL, len + 1);
  if (len) memcpy(v->u.str.utf8, utf8, len);
  v->u.str.utf8[len] = 0;
  v->u.str.len = len;
  v->u.str.encoding = encoding;
  v->u.str.tagged_code_units = tagged_code_units;
  return v;
}

canon_value *canon_value_string_take(char *utf8, size_t len,
                                     canon_string_encoding encoding,
                                     uint64_t tagged_code_units) {
  canon_value *v = new_value(CANON_STRING);
  utf8[len] = 0;
  v->u.str.utf8 = utf8;
  v->u.str.len = len;
  v->u.str.encoding = encoding;
  v->u.str.tagged_code_units = tagged_code_units;
  return v;
}

canon_value *canon_value_list_new(canon_kind k, uint32_t n) {
  assert(k == CANON_LIST || k == CANON_TUPLE);
  canon_value *v = new_value(k);
  v->u.list.items = canon_xrealloc(NULL, (n ? n : 1) * sizeof(canon_value *));
  memset(v->u.list.items, 0, (n ? n : 1) * sizeof(canon_value *));
  v->u.list.n = n;
  return v;
}

void canon_value_set_item(canon_value *v, uint32_t i, canon_value *item) {
  assert(i < v->u.list.n && !v->u.list.items[i]);
  v->u.list.items[i] = item;
}

canon_value *canon_value_list_of(canon_kind k, uint32_t n,
                                 canon_value *const *items) {
  canon_value *v = canon_value_list_new(k, n);
  for (uint32_t i = 0; i < n; i++) canon_value_set_item(v, i, items[i]);
  return v;
}

canon_value *canon_value_record_new(uint32_t n) {
  canon_value *v = new_value(CANON_RECORD);
  size_t m = n ? n : 1;
  v->u.record.labels = canon_xrealloc(NULL, m * sizeof(char *));
  v->u.record.items = canon_xrealloc(NULL, m * sizeof(canon_value *));
  memset(v->u.record.labels, 0, m * sizeof(char *));
  memset(v->u.record.items, 0, m * sizeof(canon_value *));
  v->u.record.n = n;
  return v;
}

void canon_value_set_field(canon_value *v, uint32_t i, const char *label,
                           canon_value *item) {
  assert(i < v->u.record.n && !v->u.record.labels[i]);
  v->u.record.labels[i] = xstrdup(label);
  v->u.record.items[i] = item;
}

canon_value *canon_value_variant(canon_kind k, const char *label,
                                 canon_value *payload) {
  assert(k == CANON_VARIANT || k == CANON_ENUM || k == CANON_OPTION ||
         k == CANON_RESULT);
  canon_value *v = new_value(k);
  v->u.variant.label = xstrdup(label);
  v->u.variant.payload = payload;
  return v;
}

canon_value *canon_value_flags(const char *const *labels, uint32_t n) {
  canon_value *v = new_value(CANON_FLAGS);
  v->u.flags.labels = canon_xrealloc(NULL, (n ? n : 1) * sizeof(char *));
  for (uint32_t i = 0; i < n; i++) v->u.flags.labels[i] = xstrdup(labels[i]);
  v->u.flags.n = n;
  return v;
}

canon_value *canon_value_handle(canon_kind k, uint32_t rep,
                                const canon_ResourceType *rt) {
  assert(k == CANON_OWN || k == CANON_BORROW);
  canon_value *v = new_value(k);
  v->u.handle.rep = rep;
  v->u.handle.rt = rt;
  return v;
}

canon_value *canon_value_opaque(canon_kind k, canon_refobj *p) {
  assert(k == CANON_ERROR_CONTEXT || k == CANON_STREAM || k == CANON_FUTURE);
  canon_value *v = new_value(k);
  v->u.opaque = canon_ref(p);
  return v;
}

void canon_values_free(canon_value **vs, uint32_t n) {
  if (!vs) return;
  for (uint32_t i = 0; i < n; i++) canon_value_free(vs[i]);
  free(vs);
}

void canon_value_free(canon_value *v) {
  if (!v) return;
  switch (v->kind) {
  case CANON_STRING:
    free(v->u.str.utf8);
    break;
  case CANON_LIST:
  case CANON_TUPLE:
    for (uint32_t i = 0; i < v->u.list.n; i++)
      canon_value_free(v->u.list.items[i]);
    free(v->u.list.items);
    break;
  case CANON_RECORD:
    for (uint32_t i = 0; i < v->u.record.n; i++) {
      free(v->u.record.labels[i]);
      canon_value_free(v->u.record.items[i]);
    }
    free(v->u.record.labels);
    free(v->u.record.items);
    break;
  case CANON_VARIANT:
  case CANON_ENUM:
  case CANON_OPTION:
  case CANON_RESULT:
    free(v->u.variant.label);
    canon_value_free(v->u.variant.payload);
    break;
  case CANON_FLAGS:
    for (uint32_t i = 0; i < v->u.flags.n; i++) free(v->u.flags.labels[i]);
    free(v->u.flags.labels);
    break;
  case CANON_ERROR_CONTEXT:
  case CANON_STREAM:
  case CANON_FUTURE:
    canon_unref(v->u.opaque);
    break;
  default:
    break;
  }
  free(v);
}

canon_value *canon_value_copy(const canon_value *v) {
  if (!v) return NULL;
  switch (v->kind) {
  case CANON_STRING:
    return canon_value_string_hinted(v->u.str.utf8, v->u.str.len,
                                     v->u.str.encoding,
                                     v->u.str.tagged_code_units);
  case CANON_LIST:
  case CANON_TUPLE: {
    canon_value *c = canon_value_list_new(v->kind, v->u.list.n);
    for (uint32_t i = 0; i < v->u.list.n; i++)
      c->u.list.items[i] = canon_value_copy(v->u.list.items[i]);
    return c;
  }
  case CANON_RECORD: {
    canon_value *c = canon_value_record_new(v->u.record.n);
    for (uint32_t i = 0; i < v->u.record.n; i++)
      canon_value_set_field(c, i, v->u.record.labels[i],
                            canon_value_copy(v->u.record.items[i]));
    return c;
  }
  case CANON_VARIANT:
  case CANON_ENUM:
  case CANON_OPTION:
  case CANON_RESULT:
    return canon_value_variant(v->kind, v->u.variant.label,
                               canon_value_copy(v->u.variant.payload));
  case CANON_FLAGS:
    return canon_value_flags((const char *const *)v->u.flags.labels,
                             v->u.flags.n);
  case CANON_ERROR_CONTEXT:
  case CANON_STREAM:
  case CANON_FUTURE:
    return canon_value_opaque(v->kind, v->u.opaque);
  default: {
    canon_value *c = new_value(v->kind);
    c->u = v->u;
    return c;
  }
  }
}

bool canon_value_flag_set(const canon_value *v, const char *label) {
  for (uint32_t i = 0; i < v->u.flags.n; i++)
    if (strcmp(v->u.flags.labels[i], label) == 0) return true;
  return false;
}

const canon_value *canon_value_field(const canon_value *v, const char *label,
                                     uint32_t index) {
  if (v->kind == CANON_TUPLE)
    return index < v->u.list.n ? v->u.list.items[index] : NULL;
  for (uint32_t i = 0; i < v->u.record.n; i++)
    if (strcmp(v->u.record.labels[i], label) == 0) return v->u.record.items[i];
  return NULL;
}

bool canon_value_equal(const canon_value *a, const canon_value *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case CANON_BOOL:
    return a->u.b == b->u.b;
  case CANON_S8:
  case CANON_S16:
  case CANON_S32:
  case CANON_S64:
    return a->u.s == b->u.s;
  case CANON_U8:
  case CANON_U16:
  case CANON_U32:
  case CANON_U64:
    return a->u.u == b->u.u;
  case CANON_F32: {
    if (isnan(a->u.f32) && isnan(b->u.f32)) return true;
    return canon_f32_bits(a->u.f32) == canon_f32_bits(b->u.f32);
  }
  case CANON_F64: {
    if (isnan(a->u.f64) && isnan(b->u.f64)) return true;
    return canon_f64_bits(a->u.f64) == canon_f64_bits(b->u.f64);
  }
  case CANON_CHAR:
    return a->u.ch == b->u.ch;
  case CANON_STRING:
    return a->u.str.len == b->u.str.len &&
           memcmp(a->u.str.utf8, b->u.str.utf8, a->u.str.len) == 0;
  case CANON_LIST:
  case CANON_TUPLE:
    if (a->u.list.n != b->u.list.n) return false;
    for (uint32_t i = 0; i < a->u.list.n; i++)
      if (!canon_value_equal(a->u.list.items[i], b->u.list.items[i]))
        return false;
    return true;
  case CANON_RECORD:
    if (a->u.record.n != b->u.record.n) return false;
    for (uint32_t i = 0; i < a->u.record.n; i++)
      if (strcmp(a->u.record.labels[i], b->u.record.labels[i]) != 0 ||
          !canon_value_equal(a->u.record.items[i], b->u.record.items[i]))
        return false;
    return true;
  case CANON_VARIANT:
  case CANON_ENUM:
  case CANON_OPTION:
  case CANON_RESULT:
    return strcmp(a->u.variant.label, b->u.variant.label) == 0 &&
           canon_value_equal(a->u.variant.payload, b->u.variant.payload);
  case CANON_FLAGS:
    if (a->u.flags.n != b->u.flags.n) return false;
    for (uint32_t i = 0; i < a->u.flags.n; i++)
      if (!canon_value_flag_set(b, a->u.flags.labels[i])) return false;
    return true;
  case CANON_OWN:
  case CANON_BORROW:
    return a->u.handle.rep == b->u.handle.rep && a->u.handle.rt == b->u.handle.rt;
  default:
    return a->u.opaque == b->u.opaque;
  }
}

/* ---- printing ----------------------------------------------------------- */

/* A .wast string literal: printable ASCII and non-ASCII UTF-8 as is,
 * quotes/backslashes/controls escaped. */
static void print_quoted(canon_buf *b, const char *s, size_t n) {
  canon_buf_byte(b, '"');
  size_t i = 0;
  while (i < n) {
    uint8_t c = (uint8_t)s[i];
    if (c == '"' || c == '\\') {
      canon_buf_byte(b, '\\');
      canon_buf_byte(b, c);
      i++;
    } else if (c < 0x20 || c == 0x7F) {
      canon_buf_printf(b, "\\u{%x}", c);
      i++;
    } else if (c < 0x80) {
      canon_buf_byte(b, c);
      i++;
    } else {
      size_t j = i;
      canon_utf8_next(s, &j);
      canon_buf_add(b, s + i, j - i);
      i = j;
    }
  }
  canon_buf_byte(b, '"');
}

/* A NaN as the text format writes it: "nan" for the canonical NaN (what
 * lifting gives: canonicalize_nan32/64), else its sign and payload, so
 * that a NaN that was not canonicalized shows. */
static void print_nan(canon_buf *b, uint64_t bits, bool single) {
  unsigned fraction_bits = single ? 23 : 52;
  uint64_t payload = bits & ((1ull << fraction_bits) - 1);
  bool negative = bits >> (single ? 31 : 63);
  canon_buf_str(b, negative ? "-nan" : "nan");
  if (payload != 1ull << (fraction_bits - 1))
    canon_buf_printf(b, ":0x%llx", (unsigned long long)payload);
}

/* Shortest decimal that reads back to the same float (not a NaN). */
static void print_float(canon_buf *b, double d, bool single) {
  if (isinf(d)) {
    canon_buf_str(b, d < 0 ? "-inf" : "inf");
    return;
  }
  char tmp[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(tmp, sizeof tmp, "%.*g", p, d);
    if (single ? strtof(tmp, NULL) == (float)d : strtod(tmp, NULL) == d) break;
  }
  if (d == 0 && signbit(d)) snprintf(tmp, sizeof tmp, "-0");
  canon_buf_str(b, tmp);
}

static void print_value(canon_buf *b, const canon_value *v, bool parens);

/* what, then a label as a string literal */
static void print_label(canon_buf *b, const char *what, const char *label) {
  canon_buf_str(b, what);
  print_quoted(b, label, strlen(label));
}

static void print_payload(canon_buf *b, const canon_value *p) {
  if (p) {
    canon_buf_byte(b, ' ');
    print_value(b, p, true);
  }
}

/* parens=false drops the outer parentheses, as a record field's value is
 * written: `(field "a" u32.const 1)`. */
static void print_value(canon_buf *b, const canon_value *v, bool parens) {
  if (parens) canon_buf_byte(b, '(');
  switch (v->kind) {
  case CANON_BOOL:
    canon_buf_printf(b, "bool.const %s", v->u.b ? "true" : "false");
    break;
  case CANON_S8:
  case CANON_S16:
  case CANON_S32:
  case CANON_S64:
    canon_buf_printf(b, "%s.const %lld", canon_kind_name(v->kind),
                     (long long)v->u.s);
    break;
  case CANON_U8:
  case CANON_U16:
  case CANON_U32:
  case CANON_U64:
    canon_buf_printf(b, "%s.const %llu", canon_kind_name(v->kind),
                     (unsigned long long)v->u.u);
    break;
  case CANON_F32:
    canon_buf_str(b, "f32.const ");
    if (isnan(v->u.f32))
      print_nan(b, canon_f32_bits(v->u.f32), true);
    else
      print_float(b, v->u.f32, true);
    break;
  case CANON_F64:
    canon_buf_str(b, "f64.const ");
    if (isnan(v->u.f64))
      print_nan(b, canon_f64_bits(v->u.f64), false);
    else
      print_float(b, v->u.f64, false);
    break;
  case CANON_CHAR: {
    canon_buf tmp = {0};
    canon_buf_utf8(&tmp, v->u.ch);
    canon_buf_str(b, "char.const ");
    print_quoted(b, tmp.p, tmp.n);
    free(tmp.p);
    break;
  }
  case CANON_STRING:
    canon_buf_str(b, "str.const ");
    print_quoted(b, v->u.str.utf8, v->u.str.len);
    break;
  case CANON_LIST:
  case CANON_TUPLE:
    canon_buf_str(b, v->kind == CANON_LIST ? "list.const" : "tuple.const");
    for (uint32_t i = 0; i < v->u.list.n; i++) print_payload(b, v->u.list.items[i]);
    break;
  case CANON_RECORD:
    canon_buf_str(b, "record.const");
    for (uint32_t i = 0; i < v->u.record.n; i++) {
      print_label(b, " (field ", v->u.record.labels[i]);
      canon_buf_byte(b, ' ');
      print_value(b, v->u.record.items[i], false);
      canon_buf_byte(b, ')');
    }
    break;
  case CANON_VARIANT:
  case CANON_ENUM:
    print_label(b, v->kind == CANON_VARIANT ? "variant.const " : "enum.const ",
                v->u.variant.label);
    print_payload(b, v->u.variant.payload);
    break;
  case CANON_OPTION:
    canon_buf_str(b, v->u.variant.payload ? "option.some" : "option.none");
    print_payload(b, v->u.variant.payload);
    break;
  case CANON_RESULT:
    canon_buf_str(b, strcmp(v->u.variant.label, "ok") == 0 ? "result.ok"
                                                           : "result.err");
    print_payload(b, v->u.variant.payload);
    break;
  case CANON_FLAGS:
    canon_buf_str(b, "flags.const");
    for (uint32_t i = 0; i < v->u.flags.n; i++)
      print_label(b, " ", v->u.flags.labels[i]);
    break;
  case CANON_OWN:
  case CANON_BORROW:
    /* No .wast syntax exists for handles; this form is for messages. */
    canon_buf_printf(b, "%s %u", canon_kind_name(v->kind), v->u.handle.rep);
    break;
  default:
    canon_buf_str(b, canon_kind_name(v->kind));
    break;
  }
  if (parens) canon_buf_byte(b, ')');
}

char *canon_value_to_string(const canon_value *v) {
  canon_buf b = {0};
  print_value(&b, v, true);
  return canon_buf_take(&b);
}

void canon_value_print(const canon_value *v, FILE *f) {
  char *s = canon_value_to_string(v);
  fputs(s, f);
  free(s);
}

/* ---- type checking ------------------------------------------------------- */

static bool mismatch(char *why, size_t n, const char *what,
                     const canon_type *t) {
  if (why && n) {
    char *ts = canon_type_to_string(t);
    snprintf(why, n, "%s (expected %s)", what, ts);
    free(ts);
  }
  return false;
}

bool canon_value_has_type(const canon_value *v, const canon_type *t, char *why,
                          size_t n) {
  if (!v) return mismatch(why, n, "missing value", t);
  canon_kind want = t->kind == CANON_MAP ? CANON_LIST : t->kind;
  if (v->kind != want) return mismatch(why, n, "value of another kind", t);
  switch (t->kind) {
  case CANON_S8:
    return (v->u.s >= INT8_MIN && v->u.s <= INT8_MAX) ||
           mismatch(why, n, "out of range", t);
  case CANON_S16:
    return (v->u.s >= INT16_MIN && v->u.s <= INT16_MAX) ||
           mismatch(why, n, "out of range", t);
  case CANON_S32:
    return (v->u.s >= INT32_MIN && v->u.s <= INT32_MAX) ||
           mismatch(why, n, "out of range", t);
  case CANON_U8:
    return v->u.u <= UINT8_MAX || mismatch(why, n, "out of range", t);
  case CANON_U16:
    return v->u.u <= UINT16_MAX || mismatch(why, n, "out of range", t);
  case CANON_U32:
    return v->u.u <= UINT32_MAX || mismatch(why, n, "out of range", t);
  case CANON_CHAR:
    return is_usv(v->u.ch) || mismatch(why, n, "not a scalar value", t);
  case CANON_LIST:
    if (t->u.list.fixed && v->u.list.n != t->u.list.length)
      return mismatch(why, n, "wrong length", t);
    for (uint32_t i = 0; i < v->u.list.n; i++)
      if (!canon_value_has_type(v->u.list.items[i], t->u.list.elem, why, n))
        return false;
    return true;
  case CANON_MAP:
    for (uint32_t i = 0; i < v->u.list.n; i++) {
      const canon_value *e = v->u.list.items[i];
      if (!e || e->kind != CANON_TUPLE || e->u.list.n != 2)
        return mismatch(why, n, "map entry is not a pair", t);
      if (!canon_value_has_type(e->u.list.items[0], t->u.map.k, why, n) ||
          !canon_value_has_type(e->u.list.items[1], t->u.map.v, why, n))
        return false;
    }
    return true;
  case CANON_TUPLE:
    if (v->u.list.n != t->u.tuple.n) return mismatch(why, n, "wrong arity", t);
    for (uint32_t i = 0; i < v->u.list.n; i++)
      if (!canon_value_has_type(v->u.list.items[i], t->u.tuple.ts[i], why, n))
        return false;
    return true;
  case CANON_RECORD:
    if (v->u.record.n != t->u.record.n)
      return mismatch(why, n, "wrong number of fields", t);
    for (uint32_t i = 0; i < t->u.record.n; i++) {
      if (strcmp(v->u.record.labels[i], t->u.record.fields[i].label) != 0)
        return mismatch(why, n, "wrong field label", t);
      if (!canon_value_has_type(v->u.record.items[i], t->u.record.fields[i].t,
                                why, n))
        return false;
    }
    return true;
  case CANON_VARIANT:
  case CANON_ENUM:
  case CANON_OPTION:
  case CANON_RESULT: {
    const canon_type *d = t->despecialized;
    for (uint32_t i = 0; i < d->u.variant.n; i++) {
      const canon_case *c = &d->u.variant.cases[i];
      if (strcmp(c->label, v->u.variant.label) != 0) continue;
      if (!c->t)
        return !v->u.variant.payload ||
               mismatch(why, n, "payload for a case without one", t);
      return canon_value_has_type(v->u.variant.payload, c->t, why, n);
    }
    return mismatch(why, n, "unknown case label", t);
  }
  case CANON_FLAGS:
    for (uint32_t i = 0; i < v->u.flags.n; i++) {
      bool found = false;
      for (uint32_t j = 0; j < t->u.labels.n; j++)
        if (strcmp(v->u.flags.labels[i], t->u.labels.labels[j]) == 0)
          found = true;
      if (!found) return mismatch(why, n, "unknown flag label", t);
    }
    return true;
  case CANON_OWN:
  case CANON_BORROW:
    return v->u.handle.rt == t->u.rt ||
           mismatch(why, n, "handle of another resource type", t);
  default:
    return true;
  }
}
