/* text_keywords.c -- the keywords of the core text format, as the spec
 * interpreter's lexer knows them.
 *
 * The spec's lexer refuses any keyword it does not know ("unknown
 * operator"), wherever it appears; a known keyword in the wrong place is an
 * "unexpected token" of the parser.  cmref reads the tokens first
 * (sexpr.c), so the module parser makes the same distinction here: the
 * instructions of opcodes.def, the instructions of features cmref does not
 * implement (refused as "unsupported feature: NAME"), and every other
 * keyword of the grammar.
 */
#include <limits.h>
#include <string.h>

#include "text_priv.h"

/* The instructions of opcodes.def, by name (the first entry wins for
 * `select`, which has two encodings). */
static const struct {
  const char *name;
  unsigned len;
  core_opcode op;
} instrs[] = {
#define OP(e, name, prefix, code, imm, sig)                                    \
  {name, sizeof(name) - 1, CORE_OP_##e},
#include "opcodes.def"
#undef OP
};
/* Their lengths, in the same order: the few names of a token's length
 * are found at memchr's speed (find_len). */
static const unsigned char instr_lens[] = {
#define OP(e, name, prefix, code, imm, sig) sizeof(name) - 1,
#include "opcodes.def"
#undef OP
};

/* Keywords of the grammar that are not instructions. */
static const struct {
  const char *name;
  unsigned len;
} others[] = {
#define K(s) {s, sizeof(s) - 1}
    K("i8"), K("i16"), K("i32"), K("i64"), K("f32"), K("f64"), K("v128"),
    K("i8x16"), K("i16x8"), K("i32x4"), K("i64x2"), K("f32x4"), K("f64x2"),
    K("any"), K("anyref"), K("none"), K("nullref"), K("eq"), K("eqref"),
    K("i31"), K("i31ref"), K("structref"), K("arrayref"), K("nofunc"),
    K("funcref"), K("nullfuncref"), K("exn"), K("noexn"), K("exnref"),
    K("nullexnref"), K("extern"), K("noextern"), K("externref"),
    K("nullexternref"), K("ref"), K("null"), K("array"), K("struct"),
    K("field"), K("mut"), K("sub"), K("final"), K("rec"), K("then"),
    K("catch"), K("catch_ref"), K("catch_all"), K("catch_all_ref"), K("type"),
    K("tag"), K("global"), K("memory"), K("table"), K("func"), K("param"),
    K("result"), K("local"), K("data"), K("elem"), K("declare"), K("offset"),
    K("item"), K("start"), K("import"), K("export"), K("module"), K("binary"),
    K("quote"), K("definition"), K("instance"), K("script"), K("register"),
    K("invoke"), K("get"), K("assert_malformed"), K("assert_invalid"),
    K("assert_malformed_custom"), K("assert_invalid_custom"),
    K("assert_unlinkable"), K("assert_return"), K("assert_trap"),
    K("assert_exception"), K("assert_exhaustion"), K("nan:canonical"),
    K("nan:arithmetic"), K("either"), K("input"), K("output"), K("ref.host"),
    K("ref.extern"), K("ref.struct"), K("ref.array"), K("ref.exn"),
    K("shared"), K("unshared"), K("pagesize"),
#undef K
};

/* Instructions of features cmref does not implement. */
static const struct {
  const char *name;
  unsigned len;
  const char *feature;
} unsupported[] = {
#define U(s, f)                                                                \
  { s, sizeof(s) - 1, f }
    U("return_call", "tail-call"),
    U("return_call_indirect", "tail-call"),
    U("return_call_ref", "tail-call"),
    U("call_ref", "function-references"),
    U("ref.as_non_null", "function-references"),
    U("br_on_null", "function-references"),
    U("br_on_non_null", "function-references"),
    U("ref.eq", "gc"),
    U("ref.test", "gc"),
    U("ref.cast", "gc"),
    U("br_on_cast", "gc"),
    U("br_on_cast_fail", "gc"),
    U("ref.i31", "gc"),
    U("i31.get_s", "gc"),
    U("i31.get_u", "gc"),
    U("any.convert_extern", "gc"),
    U("extern.convert_any", "gc"),
    U("struct.new", "gc"),
    U("struct.new_default", "gc"),
    U("struct.get", "gc"),
    U("struct.get_s", "gc"),
    U("struct.get_u", "gc"),
    U("struct.set", "gc"),
    U("array.new", "gc"),
    U("array.new_default", "gc"),
    U("array.new_fixed", "gc"),
    U("array.new_data", "gc"),
    U("array.new_elem", "gc"),
    U("array.get", "gc"),
    U("array.get_s", "gc"),
    U("array.get_u", "gc"),
    U("array.set", "gc"),
    U("array.len", "gc"),
    U("array.fill", "gc"),
    U("array.copy", "gc"),
    U("array.init_data", "gc"),
    U("array.init_elem", "gc"),
    U("try", "legacy-exceptions"),
    U("delegate", "legacy-exceptions"),
    U("rethrow", "legacy-exceptions"),
    U("atomic.fence", "threads"),
#undef U
};

static bool has_prefix(const char *s, size_t len, const char *pre) {
  size_t k = strlen(pre);
  return len > k && memcmp(s, pre, k) == 0;
}

/* SIMD instructions: v128.* and the lane-shape prefixes, spelled with
 * [a-z0-9_.] only (obsolete spellings like `f32x4.convert_s/i32x4` are
 * unknown operators). */
static bool is_simd(const char *s, size_t len) {
  static const char *const pre[] = {"v128.",  "i8x16.", "i16x8.", "i32x4.",
                                    "i64x2.", "f32x4.", "f64x2."};
  bool p = false;
  for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++)
    p = p || has_prefix(s, len, pre[k]);
  if (!p) return false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.'))
      return false;
  }
  return true;
}

/* Atomic memory instructions (threads): i32.atomic.*, memory.atomic.*... */
static bool is_atomic(const char *s, size_t len) {
  for (size_t i = 0; i + 8 <= len; i++)
    if (memcmp(s + i, ".atomic.", 8) == 0) return true;
  return false;
}

/* Is the table entry (name, name_len) the token s?  The length and the
 * first byte are compared before memcmp: most entries differ there, and
 * each keyword token of a module is looked up against the whole table
 * (under ASan, every memcmp call goes through its interceptor). */
static bool same(const char *name, size_t name_len, const char *s,
                 size_t len) {
  return name_len == len && len > 0 && name[0] == s[0] &&
         memcmp(name, s, len) == 0;
}

/* The first i >= from of lens[0..n) with lens[i] == len; n if none. */
static size_t find_len(const unsigned char *lens, size_t from, size_t n,
                       size_t len) {
  const unsigned char *p =
      from < n && len <= UCHAR_MAX ? memchr(lens + from, (int)len, n - from)
                                   : NULL;
  return p ? (size_t)(p - lens) : n;
}

core_text_kwclass core_text_keyword(const char *s, size_t len, core_opcode *op,
                                    const char **feature) {
  const size_t ninstrs = sizeof instrs / sizeof instrs[0];
  for (size_t i = find_len(instr_lens, 0, ninstrs, len); i < ninstrs;
       i = find_len(instr_lens, i + 1, ninstrs, len))
    if (same(instrs[i].name, instrs[i].len, s, len)) {
      if (op) *op = instrs[i].op;
      return CORE_TEXT_KW_INSTR;
    }
  for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
    if (same(unsupported[i].name, unsupported[i].len, s, len)) {
      if (feature) *feature = unsupported[i].feature;
      return CORE_TEXT_KW_UNSUPPORTED;
    }
  /* before the SIMD and atomic patterns, which no word of others[]
   * matches: those are dearer to test */
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    if (same(others[i].name, others[i].len, s, len)) return CORE_TEXT_KW_OTHER;
  if (is_simd(s, len)) {
    if (feature) *feature = "simd";
    return CORE_TEXT_KW_UNSUPPORTED;
  }
  if (is_atomic(s, len)) {
    if (feature) *feature = "threads";
    return CORE_TEXT_KW_UNSUPPORTED;
  }
  return CORE_TEXT_KW_UNKNOWN;
}

/* Is s a nat token (digits, or 0x and hex digits, '_' between digits)? */
static bool is_nat_text(const char *s, size_t len) {
  bool hex = len > 2 && s[0] == '0' && s[1] == 'x';
  for (size_t i = hex ? 2 : 0; i < len; i++) {
    char c = s[i];
    bool d = (c >= '0' && c <= '9') ||
             (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!d && c != '_') return false;
  }
  sx_node tok = {.kind = SX_NUMBER, .text = s, .len = len};
  return len > 0 && sx_is_number_like(&tok);
}

/* Is the keyword token well-formed and known, as the spec's lexer sees
 * it? */
static bool keyword_ok(const sx_node *n) {
  const char *s = n->text;
  size_t len = n->len;
  if (sx_is_number_like(n)) return true; /* inf, nan, nan:0x... */
  if (has_prefix(s, len, "offset=")) return is_nat_text(s + 7, len - 7);
  if (has_prefix(s, len, "align=")) return is_nat_text(s + 6, len - 6);
  if (len < 2) return false;
  for (size_t i = 1; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':'))
      return false;
  }
  return core_text_keyword(s, len, NULL, NULL) != CORE_TEXT_KW_UNKNOWN;
}

bool core_text_token_ok(const sx_node *n) {
  switch (n->kind) {
  case SX_RESERVED: return false;
  case SX_NUMBER: return sx_is_number_like(n);
  case SX_KEYWORD: return keyword_ok(n);
  default: return true;
  }
}

bool core_text_check_tokens(core_text_parser *p, const sx_node *n) {
  if (n->kind == SX_LIST) {
    for (size_t i = 0; i < n->n; i++)
      if (!core_text_check_tokens(p, n->items[i])) return false;
    return true;
  }
  if (!core_text_token_ok(n))
    return core_text_fail(p, n, "unknown operator %.*s", (int)n->len, n->text);
  return true;
}
