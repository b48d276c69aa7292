/* comp_values.c -- parsing component value constants (see comp_values.h). */
#include "comp_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/bits.h"

static bool is_head(const sx_node *n, const char *kw) {
  return n->n > 0 && sx_atom_eq(n->items[0], kw);
}

static const struct {
  const char *name;
  canon_kind kind;
  unsigned bits;
} int_kinds[] = {
    {"u8.const", CANON_U8, 8},    {"s8.const", CANON_S8, 8},
    {"u16.const", CANON_U16, 16}, {"s16.const", CANON_S16, 16},
    {"u32.const", CANON_U32, 32}, {"s32.const", CANON_S32, 32},
    {"u64.const", CANON_U64, 64}, {"s64.const", CANON_S64, 64},
};

static bool bad(cm_error *err, const sx_node *n, const char *what) {
  sx_error(err, n, "%s", what);
  return false;
}

/* The string argument i of form n, or NULL. */
static const sx_node *str_arg(const sx_node *n, size_t i) {
  return i < n->n && n->items[i]->kind == SX_STRING ? n->items[i] : NULL;
}

static bool parse_list(const sx_node *n, size_t from, canon_kind k,
                       canon_value **out, cm_error *err) {
  uint32_t cnt = (uint32_t)(n->n - from);
  canon_value *v = canon_value_list_new(k, cnt);
  for (uint32_t i = 0; i < cnt; i++) {
    canon_value *item = NULL;
    if (!wast_comp_parse_value(n->items[from + i], &item, err)) {
      canon_value_free(v);
      return false;
    }
    canon_value_set_item(v, i, item);
  }
  *out = v;
  return true;
}

/* The value of a `(field "l" ...)`: either one parenthesized constant or
 * the rest of the field read as a constant (`(field "a" u32.const 1)`). */
static bool field_value(const sx_node *f, canon_value **out, cm_error *err) {
  if (f->n == 3 && f->items[2]->kind == SX_LIST)
    return wast_comp_parse_value(f->items[2], out, err);
  if (f->n < 3) return bad(err, f, "field without a value");
  sx_node view = *f;
  view.items = f->items + 2;
  view.n = f->n - 2;
  return wast_comp_parse_value(&view, out, err);
}

/* An optional payload at n->items[i]. */
static bool payload(const sx_node *n, size_t i, canon_value **out,
                    cm_error *err) {
  *out = NULL;
  if (n->n <= i) return true;
  if (n->n > i + 1) return bad(err, n, "too many payloads");
  return wast_comp_parse_value(n->items[i], out, err);
}

bool wast_comp_parse_value(const sx_node *n, canon_value **out,
                           cm_error *err) {
  *out = NULL;
  if (n->kind != SX_LIST || n->n == 0 || n->items[0]->kind != SX_KEYWORD)
    return bad(err, n, "expected a component value constant");
  for (size_t k = 0; k < sizeof int_kinds / sizeof int_kinds[0]; k++) {
    if (!is_head(n, int_kinds[k].name)) continue;
    uint64_t bits;
    if (n->n != 2 || !sx_int(n->items[1], int_kinds[k].bits, &bits))
      return bad(err, n, "bad integer constant");
    unsigned b = int_kinds[k].bits;
    canon_kind kind = int_kinds[k].kind;
    if (kind == CANON_S8 || kind == CANON_S16 || kind == CANON_S32 ||
        kind == CANON_S64) {
      int64_t s = b == 64 ? (int64_t)bits
                          : (int64_t)(bits << (64 - b)) >> (64 - b);
      *out = canon_value_sint(kind, s);
    } else {
      *out = canon_value_uint(kind, bits);
    }
    return true;
  }
  if (is_head(n, "bool.const")) {
    if (n->n != 2) return bad(err, n, "bad bool constant");
    if (sx_atom_eq(n->items[1], "true")) *out = canon_value_bool(true);
    else if (sx_atom_eq(n->items[1], "false")) *out = canon_value_bool(false);
    else return bad(err, n, "bad bool constant");
    return true;
  }
  if (is_head(n, "f32.const")) {
    uint32_t bits;
    if (n->n != 2 || !sx_f32(n->items[1], &bits))
      return bad(err, n, "bad f32 constant");
    *out = canon_value_f32(canon_f32_from_bits(bits));
    return true;
  }
  if (is_head(n, "f64.const")) {
    uint64_t bits;
    if (n->n != 2 || !sx_f64(n->items[1], &bits))
      return bad(err, n, "bad f64 constant");
    *out = canon_value_f64(canon_f64_from_bits(bits));
    return true;
  }
  if (is_head(n, "char.const")) {
    const sx_node *s = str_arg(n, 1);
    if (!s || n->n != 2) return bad(err, n, "bad char constant");
    canon_value *str = canon_value_string(s->str, s->strlen);
    if (!str) return bad(err, n, "char constant is not UTF-8");
    /* exactly one scalar value */
    const unsigned char *p = (const unsigned char *)s->str;
    size_t len = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    canon_value_free(str);
    if (s->strlen == 0 || len != s->strlen)
      return bad(err, n, "char constant must be one character");
    uint32_t c = len == 1 ? p[0]
                 : len == 2 ? ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F)
                 : len == 3 ? ((uint32_t)(p[0] & 0x0F) << 12) |
                                  ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F)
                            : ((uint32_t)(p[0] & 0x07) << 18) |
                                  ((uint32_t)(p[1] & 0x3F) << 12) |
                                  ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    *out = canon_value_char(c);
    return *out != NULL || bad(err, n, "bad char constant");
  }
  if (is_head(n, "str.const")) {
    const sx_node *s = str_arg(n, 1);
    if (!s || n->n != 2) return bad(err, n, "bad string constant");
    *out = canon_value_string(s->str, s->strlen);
    return *out != NULL || bad(err, n, "string constant is not UTF-8");
  }
  if (is_head(n, "list.const")) return parse_list(n, 1, CANON_LIST, out, err);
  if (is_head(n, "tuple.const")) return parse_list(n, 1, CANON_TUPLE, out, err);
  if (is_head(n, "record.const")) {
    uint32_t cnt = (uint32_t)(n->n - 1);
    canon_value *v = canon_value_record_new(cnt);
    for (uint32_t i = 0; i < cnt; i++) {
      const sx_node *f = n->items[1 + i];
      canon_value *item = NULL;
      if (!sx_is_form(f, "field") || !str_arg(f, 1)) {
        canon_value_free(v);
        return bad(err, f, "expected (field \"label\" value)");
      }
      if (!field_value(f, &item, err)) {
        canon_value_free(v);
        return false;
      }
      canon_value_set_field(v, i, f->items[1]->str, item);
    }
    *out = v;
    return true;
  }
  canon_value *p = NULL;
  if (is_head(n, "variant.const") || is_head(n, "enum.const")) {
    bool en = is_head(n, "enum.const");
    const sx_node *l = str_arg(n, 1);
    if (!l || (en && n->n != 2)) return bad(err, n, "bad variant constant");
    if (!payload(n, 2, &p, err)) return false;
    *out = canon_value_variant(en ? CANON_ENUM : CANON_VARIANT, l->str, p);
    return true;
  }
  if (is_head(n, "option.none")) {
    if (n->n != 1) return bad(err, n, "bad option constant");
    *out = canon_value_variant(CANON_OPTION, "none", NULL);
    return true;
  }
  if (is_head(n, "option.some")) {
    if (n->n != 2) return bad(err, n, "bad option constant");
    if (!wast_comp_parse_value(n->items[1], &p, err)) return false;
    *out = canon_value_variant(CANON_OPTION, "some", p);
    return true;
  }
  if (is_head(n, "result.ok") || is_head(n, "result.err") ||
      is_head(n, "result.error")) {
    if (!payload(n, 1, &p, err)) return false;
    *out = canon_value_variant(CANON_RESULT,
                               is_head(n, "result.ok") ? "ok" : "error", p);
    return true;
  }
  if (is_head(n, "flags.const")) {
    uint32_t cnt = (uint32_t)(n->n - 1);
    const char **ls = calloc(cnt + 1, sizeof *ls);
    for (uint32_t i = 0; i < cnt; i++) {
      const sx_node *l = str_arg(n, 1 + i);
      if (!l) {
        free(ls);
        return bad(err, n, "bad flags constant");
      }
      ls[i] = l->str;
    }
    *out = canon_value_flags(ls, cnt);
    free(ls);
    return true;
  }
  sx_error(err, n, "unknown component value constant %.*s",
           (int)n->items[0]->len, n->items[0]->text);
  return false;
}

/* One alternative of an expected result: parse it, compare, print it. */
static bool match_alt(const sx_node *n, const canon_value *v, bool *match,
                      char *text, size_t textn, cm_error *err) {
  canon_value *want = NULL;
  if (!wast_comp_parse_value(n, &want, err)) return false;
  *match = *match || canon_value_equal(want, v);
  char *s = canon_value_to_string(want);
  snprintf(text, textn, "%s", s ? s : "?");
  free(s);
  canon_value_free(want);
  return true;
}

bool wast_comp_match(const sx_node *n, const canon_value *v, bool *match,
                     char *text, size_t textn, cm_error *err) {
  *match = false;
  if (!sx_is_form(n, "either")) return match_alt(n, v, match, text, textn, err);
  if (n->n < 2) return bad(err, n, "either without results");
  size_t used = (size_t)snprintf(text, textn, "(either");
  for (size_t i = 1; i < n->n; i++) {
    if (sx_is_form(n->items[i], "either"))
      return bad(err, n->items[i], "either inside either");
    char alt[600];
    if (!match_alt(n->items[i], v, match, alt, sizeof alt, err)) return false;
    if (used < textn)
      used += (size_t)snprintf(text + used, textn - used, " %s", alt);
  }
  if (used < textn) snprintf(text + used, textn - used, ")");
  return true;
}
