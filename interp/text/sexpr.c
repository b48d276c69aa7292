/* sexpr.c -- the lexer and S-expression reader of the text formats (core
 * spec "Text Format / Lexical Format"), and the numeric literals of "Text
 * Format / Values".
 *
 * The reader turns the whole source into a tree of lists and atoms.  It
 * follows the spec's lexer: a token is a maximal run of idchars and string
 * literals; comments ((; ;) nested, ;; to end of line) and annotations
 * ((@id ...)) are white space; the source must be UTF-8, and non-ASCII text
 * may only appear in strings and comments.  Lexical errors get the spec
 * interpreter's wording ("unclosed string literal", "malformed UTF-8
 * encoding", ...).  Tokens that are well-formed runs of idchars but no
 * token of the grammar (`0x`, `1__0`, `a"b"`) become atoms all the same:
 * the parsers report them as "unknown operator" when they meet them.
 */
#include "sexpr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../../canon/arena.h"
#include "../../canon/bits.h"
#include "../../canon/grow.h"


/* Lists nested deeper than this are refused, so that the recursive walkers
 * cannot run out of C stack. */
#define SX_MAX_DEPTH 3000

/* ---- characters -------------------------------------------------------- */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static bool is_hexdigit(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(int c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

static bool is_idchar(int c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
    return true;
  return c > 0 && c < 0x80 && strchr("_+-*/\\^~=<>!?@#$%&|:`.'", c);
}

/* ---- the lexer --------------------------------------------------------- */

typedef struct lexer {
  const char *src;
  size_t len, pos;
  uint32_t line;
  size_t line_start; /* offset of the first byte of the current line */
  const char *file;
  cm_error *err;
  char *buf; /* the last decoded string */
  size_t blen, bcap;
  bool oom;
  canon_arena *arena; /* where the tree goes */
} lexer;

static uint32_t col_of(const lexer *L, size_t pos) {
  return (uint32_t)(pos - L->line_start + 1);
}

static void lex_error_at(lexer *L, uint32_t line, uint32_t col, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));
static void lex_error_at(lexer *L, uint32_t line, uint32_t col, const char *fmt,
                         ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cm_error_at(L->err, CM_MALFORMED, L->file, line, col, "%s", msg);
}

/* An error at byte offset pos of the current line. */
static void lex_error(lexer *L, size_t pos, const char *msg) {
  lex_error_at(L, L->line, col_of(L, pos), "%s", msg);
}

/* Consumes a newline (\n, \r, or \r\n) at L->pos. */
static void eat_newline(lexer *L) {
  if (L->src[L->pos] == '\r' && L->pos + 1 < L->len &&
      L->src[L->pos + 1] == '\n')
    L->pos++;
  L->pos++;
  L->line++;
  L->line_start = L->pos;
}

static bool buf_put(lexer *L, const char *p, size_t n) {
  if (n >= SIZE_MAX - L->blen) canon_out_of_memory();
  CANON_RESERVE(L->buf, L->blen + n + 1, L->bcap, 64);
  memcpy(L->buf + L->blen, p, n);
  L->blen += n;
  L->buf[L->blen] = 0;
  return true;
}

/* Lexes a string literal at L->pos (which holds '"') into L->buf.
 * Returns NULL, or the spec's error message with *errpos set. */
static const char *lex_string(lexer *L, size_t *errpos) {
  size_t start = L->pos;
  L->blen = 0;
  if (!buf_put(L, "", 0)) return "out of memory";
  L->pos++;
  for (;;) {
    if (L->pos >= L->len) {
      *errpos = start;
      return "unclosed string literal";
    }
    unsigned char c = (unsigned char)L->src[L->pos];
    if (c == '"') {
      L->pos++;
      return NULL;
    }
    if (c == '\n' || c == '\r') {
      *errpos = start;
      return "unclosed string literal";
    }
    if (c < 0x20 || c == 0x7F) {
      *errpos = L->pos;
      return "illegal control character in string literal";
    }
    if (c == '\\') {
      size_t esc = L->pos;
      if (L->pos + 1 >= L->len) {
        *errpos = start;
        return "unclosed string literal";
      }
      char e = L->src[L->pos + 1], b = 0;
      L->pos += 2;
      switch (e) {
      case 'n': b = '\n'; break;
      case 'r': b = '\r'; break;
      case 't': b = '\t'; break;
      case '\\': b = '\\'; break;
      case '\'': b = '\''; break;
      case '"': b = '"'; break;
      case 'u': {
        /* \u{hexnum}: a Unicode scalar value, stored as UTF-8 */
        uint32_t cp = 0;
        bool digit = false, big = false;
        if (L->pos >= L->len || L->src[L->pos] != '{') goto bad_escape;
        L->pos++;
        while (L->pos < L->len) {
          char d = L->src[L->pos];
          if (is_hexdigit(d)) {
            cp = cp * 16 + (uint32_t)hexval(d);
            if (cp > 0x10FFFF) big = true, cp = 0x110000;
            digit = true;
          } else if (d == '_' && digit && L->pos + 1 < L->len &&
                     is_hexdigit(L->src[L->pos + 1])) {
            /* separator between digits */
          } else {
            break;
          }
          L->pos++;
        }
        if (!digit || L->pos >= L->len || L->src[L->pos] != '}')
          goto bad_escape;
        L->pos++;
        if (big || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
          *errpos = esc;
          return "illegal escape";
        }
        char u[4];
        size_t n;
        if (cp < 0x80) {
          u[0] = (char)cp, n = 1;
        } else if (cp < 0x800) {
          u[0] = (char)(0xC0 | (cp >> 6));
          u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
        } else if (cp < 0x10000) {
          u[0] = (char)(0xE0 | (cp >> 12));
          u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
          u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
        } else {
          u[0] = (char)(0xF0 | (cp >> 18));
          u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
          u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
          u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
        }
        if (!buf_put(L, u, n)) return "out of memory";
        continue;
      }
      default:
        if (is_hexdigit(e) && L->pos < L->len && is_hexdigit(L->src[L->pos])) {
          b = (char)(hexval(e) * 16 + hexval(L->src[L->pos]));
          L->pos++;
          break;
        }
        goto bad_escape;
      }
      if (!buf_put(L, &b, 1)) return "out of memory";
      continue;
    bad_escape:
      *errpos = esc;
      return "illegal escape";
    }
    size_t n = 1;
    if (c >= 0x80) {
      n = utf8_char_len((const uint8_t *)L->src + L->pos, L->len - L->pos);
      if (!n) {
        *errpos = L->pos;
        return "malformed UTF-8 encoding";
      }
    }
    if (!buf_put(L, L->src + L->pos, n)) return "out of memory";
    L->pos += n;
  }
}

/* Steps over one character of a comment: any well-formed UTF-8. */
static bool skip_comment_char(lexer *L) {
  size_t n = utf8_char_len((const uint8_t *)L->src + L->pos, L->len - L->pos);
  if (!n) {
    lex_error(L, L->pos, "malformed UTF-8 encoding");
    return false;
  }
  L->pos += n;
  return true;
}

/* Skips a block comment "(; ... ;)" at L->pos, nested ones included. */
static bool skip_block_comment(lexer *L) {
  uint32_t line = L->line, col = col_of(L, L->pos);
  int depth = 1;
  L->pos += 2;
  while (depth > 0) {
    if (L->pos >= L->len) {
      lex_error_at(L, line, col, "unclosed comment");
      return false;
    }
    unsigned char c = (unsigned char)L->src[L->pos];
    if (c == '(' && L->pos + 1 < L->len && L->src[L->pos + 1] == ';') {
      depth++;
      L->pos += 2;
    } else if (c == ';' && L->pos + 1 < L->len && L->src[L->pos + 1] == ')') {
      depth--;
      L->pos += 2;
    } else if (c == '\n' || c == '\r') {
      eat_newline(L);
    } else if (!skip_comment_char(L)) {
      return false;
    }
  }
  return true;
}

/* Skips a line comment ";;..." up to (not including) the newline. */
static bool skip_line_comment(lexer *L) {
  L->pos += 2;
  while (L->pos < L->len) {
    unsigned char c = (unsigned char)L->src[L->pos];
    if (c == '\n' || c == '\r') break;
    if (!skip_comment_char(L)) return false;
  }
  return true;
}

/* What a run of idchars and strings turned out to be. */
typedef struct run {
  size_t start, end;
  sx_kind kind;
} run;

/* Lexes the maximal run of idchars and string literals at L->pos.  A
 * lone string is SX_STRING and $name / $"name" an SX_ID, with the decoded
 * bytes in L->buf; other runs are classified by their first character. */
static bool lex_run(lexer *L, run *r) {
  size_t start = L->pos, nstrings = 0;
  bool ident = L->src[start] == '$';
  for (;;) {
    if (L->pos < L->len && is_idchar((unsigned char)L->src[L->pos])) {
      L->pos++;
    } else if (L->pos < L->len && L->src[L->pos] == '"') {
      size_t at = L->pos, errpos;
      const char *msg = lex_string(L, &errpos);
      if (msg) {
        /* `$` not followed by a proper string is a bare `$` */
        if (ident && at == start + 1) msg = "empty identifier", errpos = start;
        lex_error(L, errpos, msg);
        return false;
      }
      nstrings++;
    } else {
      break;
    }
  }
  r->start = start;
  r->end = L->pos;
  size_t n = r->end - start;
  const char *s = L->src + start;
  if (nstrings == 1 && (s[0] == '"' || (ident && s[1] == '"'))) {
    /* a lone string or $"...": relex it to see whether it is the whole
     * run, leaving its decoded bytes in L->buf */
    size_t save = L->pos, errpos;
    L->pos = start + (ident ? 1 : 0);
    lex_string(L, &errpos);
    bool whole = L->pos == save;
    L->pos = save;
    r->kind = !whole ? SX_RESERVED : ident ? SX_ID : SX_STRING;
  } else if (ident && n == 1) {
    lex_error(L, start, "empty identifier");
    return false;
  } else if (ident && nstrings == 0) {
    L->blen = 0;
    if (!buf_put(L, s + 1, n - 1)) return false;
    r->kind = SX_ID;
  } else if (nstrings > 0 || ident) {
    r->kind = SX_RESERVED;
  } else if (s[0] >= 'a' && s[0] <= 'z') {
    r->kind = SX_KEYWORD;
  } else if (is_digit(s[0]) || s[0] == '+' || s[0] == '-') {
    r->kind = SX_NUMBER;
  } else {
    r->kind = SX_RESERVED;
  }
  if (r->kind == SX_ID) {
    if (L->blen == 0) {
      lex_error(L, start, "empty identifier");
      return false;
    }
    if (!utf8_valid((const uint8_t *)L->buf, L->blen)) {
      lex_error(L, start, "malformed UTF-8 encoding");
      return false;
    }
  }
  return true;
}

static bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips an annotation "(@id ...)" at L->pos; it is white space to us. */
static bool skip_annotation(lexer *L) {
  uint32_t line = L->line, col = col_of(L, L->pos);
  size_t start = L->pos;
  L->pos += 2;
  if (L->pos < L->len && is_idchar((unsigned char)L->src[L->pos])) {
    while (L->pos < L->len && is_idchar((unsigned char)L->src[L->pos]))
      L->pos++;
  } else if (L->pos < L->len && L->src[L->pos] == '"') {
    size_t errpos;
    if (lex_string(L, &errpos) || L->blen == 0) {
      if (L->oom) return false;
      lex_error(L, start, "empty annotation id");
      return false;
    }
    if (!utf8_valid((const uint8_t *)L->buf, L->blen)) {
      lex_error(L, start, "malformed UTF-8 encoding");
      return false;
    }
  } else {
    lex_error(L, start, "empty annotation id");
    return false;
  }
  int depth = 1;
  while (depth > 0) {
    if (L->pos >= L->len) {
      lex_error_at(L, line, col, "unclosed annotation");
      return false;
    }
    unsigned char c = (unsigned char)L->src[L->pos];
    char next = L->pos + 1 < L->len ? L->src[L->pos + 1] : 0;
    if (c == '(' && next == ';') {
      if (!skip_block_comment(L)) return false;
    } else if (c == '(') {
      depth++;
      L->pos++;
    } else if (c == ')') {
      depth--;
      L->pos++;
    } else if (c == ';' && next == ';') {
      if (!skip_line_comment(L)) return false;
    } else if (c == '\n' || c == '\r') {
      eat_newline(L);
    } else if (is_space(c) || c == ',' || c == ';' || c == '[' || c == ']' ||
               c == '{' || c == '}') {
      L->pos++;
    } else if (is_idchar(c) || c == '"') {
      run r;
      if (!lex_run(L, &r)) return false;
    } else if (c < 0x80) {
      lex_error(L, L->pos, "illegal character");
      return false;
    } else {
      size_t n =
          utf8_char_len((const uint8_t *)L->src + L->pos, L->len - L->pos);
      lex_error(L, L->pos,
                n ? "illegal character" : "malformed UTF-8 encoding");
      return false;
    }
  }
  return true;
}

/* Skips white space, comments and annotations. */
static bool skip_space(lexer *L) {
  while (L->pos < L->len) {
    char c = L->src[L->pos];
    char next = L->pos + 1 < L->len ? L->src[L->pos + 1] : 0;
    if (c == ' ' || c == '\t') {
      L->pos++;
    } else if (c == '\n' || c == '\r') {
      eat_newline(L);
    } else if (c == ';' && next == ';') {
      if (!skip_line_comment(L)) return false;
    } else if (c == '(' && next == ';') {
      if (!skip_block_comment(L)) return false;
    } else if (c == '(' && next == '@') {
      if (!skip_annotation(L)) return false;
    } else {
      break;
    }
  }
  return true;
}

/* ---- the tree ---------------------------------------------------------- */

/* The tree lives in one arena (canon/arena.h), freed whole by
 * sx_free(root); running out of memory is the reader's own error. */
static void *arena_alloc(lexer *L, size_t size) {
  void *p = canon_arena_try_alloc(L->arena, size);
  if (!p) L->oom = true;
  return p;
}

static sx_node *new_node(lexer *L, sx_kind kind, size_t pos) {
  sx_node *n = arena_alloc(L, sizeof *n);
  if (!n) return NULL;
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->line = L->line;
  n->col = col_of(L, pos);
  n->file = L->file;
  n->text = L->src + pos;
  return n;
}

/* The children of the lists being read wait on one stack, L's `pending`;
 * a list that closes takes its own, exactly sized, into the arena. */
typedef struct pending {
  sx_node **items;
  size_t n, cap;
} pending;

static void push(pending *p, sx_node *item) {
  CANON_GROW(p->items, p->n, p->cap, 256);
  p->items[p->n++] = item;
}

/* Closes list, whose children are p's items from `first` on. */
static bool close_list(lexer *L, pending *p, sx_node *list, size_t first) {
  size_t n = p->n - first;
  if (n) {
    list->items = arena_alloc(L, n * sizeof *list->items);
    if (!list->items) return false;
    memcpy(list->items, p->items + first, n * sizeof *list->items);
  }
  list->n = n;
  p->n = first;
  return true;
}

void sx_free(sx_node *root) {
  if (root) canon_arena_free(root->arena);
}

/* Copies the decoded string in L->buf into n->str. */
static bool take_string(lexer *L, sx_node *n) {
  n->str = arena_alloc(L, L->blen + 1);
  if (!n->str) return false;
  memcpy(n->str, L->buf, L->blen);
  n->str[L->blen] = 0;
  n->strlen = L->blen;
  return true;
}

typedef struct frame {
  sx_node *list;
  size_t first; /* where its children start on the pending stack */
} frame;

sx_node *sx_read(const char *src, size_t len, const char *file, cm_error *err) {
  lexer L = {src, len, 0, 1, 0, file, err, NULL, 0, 0, false, NULL};
  frame *stack = malloc(16 * sizeof *stack);
  size_t depth = 0, stack_cap = 16;
  pending pend = {NULL, 0, 0};
  sx_node *root = NULL;
  L.arena = canon_arena_new();
  if (!stack || !L.arena) goto oom;
  root = new_node(&L, SX_LIST, 0);
  if (!root) goto oom;
  root->len = len;
  stack[depth++] = (frame){root, 0};
  for (;;) {
    if (!skip_space(&L)) goto fail;
    if (L.pos >= len) break;
    unsigned char c = (unsigned char)src[L.pos];
    if (c == '(') {
      if (depth > SX_MAX_DEPTH) {
        lex_error(&L, L.pos, "nesting too deep");
        goto fail;
      }
      sx_node *n = new_node(&L, SX_LIST, L.pos);
      if (!n) goto oom;
      push(&pend, n);
      L.pos++;
      CANON_GROW(stack, depth, stack_cap, 64);
      stack[depth++] = (frame){n, pend.n};
      continue;
    }
    if (c == ')') {
      if (depth == 1) {
        lex_error(&L, L.pos, "unexpected token");
        goto fail;
      }
      frame f = stack[--depth];
      f.list->len = (size_t)(src + L.pos + 1 - f.list->text);
      if (!close_list(&L, &pend, f.list, f.first)) goto oom;
      L.pos++;
      continue;
    }
    sx_node *n = NULL;
    if (c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}') {
      n = new_node(&L, SX_RESERVED, L.pos);
      if (!n) goto oom;
      n->len = 1;
      L.pos++;
    } else if (is_idchar(c) || c == '"') {
      size_t pos = L.pos;
      run r;
      if (!lex_run(&L, &r)) goto fail;
      n = new_node(&L, r.kind, pos);
      if (!n) goto oom;
      n->len = r.end - r.start;
      if ((r.kind == SX_STRING || r.kind == SX_ID) && !take_string(&L, n))
        goto oom;
    } else if (c < 0x80) {
      lex_error(&L, L.pos,
                c == 0x7F ? "malformed UTF-8 encoding"
                          : "misplaced control character");
      goto fail;
    } else {
      size_t k = utf8_char_len((const uint8_t *)src + L.pos, len - L.pos);
      lex_error(&L, L.pos,
                k ? "misplaced unicode character" : "malformed UTF-8 encoding");
      goto fail;
    }
    push(&pend, n);
  }
  if (depth > 1) {
    sx_node *open = stack[depth - 1].list;
    cm_error_at(err, CM_MALFORMED, file, open->line, open->col,
                "unexpected token: unclosed parenthesis");
    goto fail;
  }
  if (!close_list(&L, &pend, root, 0)) goto oom;
  root->arena = L.arena;
  free(stack);
  free(pend.items);
  free(L.buf);
  return root;
oom:
  cm_error_set(err, CM_IO, "out of memory");
fail:
  if (L.oom) cm_error_set(err, CM_IO, "out of memory");
  free(stack);
  free(pend.items);
  free(L.buf);
  canon_arena_free(L.arena);
  return NULL;
}

/* ---- helpers for walkers ----------------------------------------------- */

bool sx_is_list(const sx_node *n) { return n && n->kind == SX_LIST; }

bool sx_atom_eq(const sx_node *n, const char *s) {
  if (!n || n->kind == SX_LIST) return false;
  size_t k = strlen(s);
  return n->len == k && memcmp(n->text, s, k) == 0;
}

bool sx_is_keyword(const sx_node *n, const char *kw) {
  return n && n->kind == SX_KEYWORD && sx_atom_eq(n, kw);
}

bool sx_is_form(const sx_node *n, const char *kw) {
  return sx_is_list(n) && n->n > 0 && sx_is_keyword(n->items[0], kw);
}

void sx_error(cm_error *err, const sx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sx_verror(err, n, fmt, ap);
  va_end(ap);
}

void sx_verror(cm_error *err, const sx_node *n, const char *fmt, va_list ap) {
  char msg[400];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (n)
    cm_error_at(err, CM_MALFORMED, n->file, n->line, n->col, "%s", msg);
  else
    cm_error_set(err, CM_MALFORMED, "%s", msg);
}

/* ---- numeric literals -------------------------------------------------- */

typedef enum numkind {
  NUM_BAD,
  NUM_INT,   /* nat or int: decimal or 0x hex digits */
  NUM_FLOAT, /* with a fraction or an exponent */
  NUM_INF,
  NUM_NAN,
  NUM_NAN_PAYLOAD,
} numkind;

typedef struct numinfo {
  numkind kind;
  bool sign, neg, hex;
  size_t body; /* offset of the first character after the sign */
} numinfo;

/* Scans digits (hex or decimal) with single '_' between them; needs one. */
static bool scan_digits(const char *s, size_t len, size_t *i, bool hex) {
  size_t k = *i;
  if (k >= len || !(hex ? is_hexdigit(s[k]) : is_digit(s[k]))) return false;
  k++;
  for (;;) {
    if (k < len && (hex ? is_hexdigit(s[k]) : is_digit(s[k]))) {
      k++;
    } else if (k + 1 < len && s[k] == '_' &&
               (hex ? is_hexdigit(s[k + 1]) : is_digit(s[k + 1]))) {
      k += 2;
    } else {
      break;
    }
  }
  *i = k;
  return true;
}

/* Classifies s against the spec's nat/int/float token grammar. */
static numinfo scan_number(const char *s, size_t len) {
  numinfo ni = {NUM_BAD, false, false, false, 0};
  size_t i = 0;
  if (len > 0 && (s[0] == '+' || s[0] == '-')) {
    ni.sign = true;
    ni.neg = s[0] == '-';
    i = 1;
  }
  ni.body = i;
  const char *b = s + i;
  size_t n = len - i;
  if (n == 3 && memcmp(b, "inf", 3) == 0) {
    ni.kind = NUM_INF;
    return ni;
  }
  if (n == 3 && memcmp(b, "nan", 3) == 0) {
    ni.kind = NUM_NAN;
    return ni;
  }
  if (n > 6 && memcmp(b, "nan:0x", 6) == 0) {
    size_t k = i + 6;
    if (scan_digits(s, len, &k, true) && k == len) ni.kind = NUM_NAN_PAYLOAD;
    return ni;
  }
  bool hex = n >= 2 && b[0] == '0' && b[1] == 'x';
  size_t k = hex ? i + 2 : i;
  bool is_float = false;
  if (!scan_digits(s, len, &k, hex)) return ni;
  if (k < len && s[k] == '.') {
    is_float = true;
    k++;
    size_t k2 = k;
    if (scan_digits(s, len, &k2, hex)) k = k2;
  }
  if (k < len &&
      (hex ? (s[k] == 'p' || s[k] == 'P') : (s[k] == 'e' || s[k] == 'E'))) {
    is_float = true;
    k++;
    if (k < len && (s[k] == '+' || s[k] == '-')) k++;
    if (!scan_digits(s, len, &k, false)) return ni;
  }
  if (k != len) return ni;
  ni.hex = hex;
  ni.kind = is_float ? NUM_FLOAT : NUM_INT;
  return ni;
}

bool sx_is_number_like(const sx_node *n) {
  if (!n || (n->kind != SX_NUMBER && n->kind != SX_KEYWORD)) return false;
  return scan_number(n->text, n->len).kind != NUM_BAD;
}

/* The magnitude of a well-formed nat (after any sign); false on overflow
 * of 64 bits. */
static bool nat_value(const char *s, size_t len, bool hex, uint64_t *out) {
  uint64_t v = 0;
  for (size_t i = hex ? 2 : 0; i < len; i++) {
    if (s[i] == '_') continue;
    uint64_t d = (uint64_t)hexval(s[i]);
    uint64_t base = hex ? 16 : 10;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  *out = v;
  return true;
}

static uint64_t mask_bits(unsigned bits) {
  return bits >= 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
}

bool sx_uint_text(const char *s, size_t len, unsigned bits, uint64_t *out) {
  numinfo ni = scan_number(s, len);
  uint64_t v;
  if (ni.kind != NUM_INT || ni.sign) return false;
  if (!nat_value(s, len, ni.hex, &v) || v > mask_bits(bits)) return false;
  *out = v;
  return true;
}

bool sx_int_text(const char *s, size_t len, unsigned bits, uint64_t *out) {
  numinfo ni = scan_number(s, len);
  uint64_t v;
  if (ni.kind != NUM_INT) return false;
  if (!nat_value(s + ni.body, len - ni.body, ni.hex, &v)) return false;
  if (ni.neg) {
    if (v > ((uint64_t)1 << (bits - 1))) return false;
    *out = (0 - v) & mask_bits(bits);
  } else {
    if (v > mask_bits(bits)) return false;
    *out = v;
  }
  return true;
}

/* Float formats: precision p (bits of significand, hidden bit included)
 * and the largest exponent (also the bias). */
typedef struct ffmt {
  unsigned p;
  int emax;
} ffmt;

/* Rounds the hex float literal at s ("0x..." with digits, optional '.'
 * and fraction, optional p exponent) to the nearest value of fmt, ties to
 * even.  Returns false if it overflows to infinity. */
static bool hex_float(const char *s, size_t len, ffmt fmt, uint64_t *out) {
  uint64_t m = 0;
  int64_t exp2 = 0;
  bool sticky = false, point = false;
  size_t i = 2;
  for (; i < len && s[i] != 'p' && s[i] != 'P'; i++) {
    char c = s[i];
    if (c == '_') continue;
    if (c == '.') {
      point = true;
      continue;
    }
    uint64_t d = (uint64_t)hexval(c);
    if (m == 0 && d == 0) {
      if (point) exp2 -= 4;
    } else if ((m >> 60) == 0) {
      m = m * 16 + d;
      if (point) exp2 -= 4;
    } else {
      sticky = sticky || d != 0;
      if (!point) exp2 += 4;
    }
  }
  if (i < len) {
    /* decimal exponent, clamped: beyond this everything over/underflows */
    bool neg = false;
    int64_t e = 0;
    i++;
    if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
    for (; i < len; i++) {
      if (s[i] == '_') continue;
      if (e < 100000000) e = e * 10 + (s[i] - '0');
    }
    exp2 += neg ? -e : e;
  }
  if (m == 0) {
    *out = 0;
    return true;
  }
  while (!(m & ((uint64_t)1 << 63))) {
    m <<= 1;
    exp2--;
  }
  /* value = m * 2^exp2, with the leading bit of m at 2^63 */
  int64_t E = exp2 + 63;
  int64_t emin = 1 - fmt.emax;
  int64_t shift = 64 - (int64_t)fmt.p;
  bool subnormal = E < emin;
  if (subnormal) shift += emin - E;
  uint64_t kept;
  if (shift >= 64) {
    /* below half of the smallest subnormal, or exactly on a tie */
    bool above_half = shift == 64 && ((m << 1) != 0 || sticky);
    kept = above_half ? 1 : 0;
  } else {
    kept = m >> shift;
    uint64_t rem = m & (((uint64_t)1 << shift) - 1);
    uint64_t half = (uint64_t)1 << (shift - 1);
    if (rem > half || (rem == half && (sticky || (kept & 1)))) kept++;
  }
  uint64_t frac_mask = ((uint64_t)1 << (fmt.p - 1)) - 1;
  if (subnormal) {
    /* kept may have rounded up to the smallest normal: same encoding */
    *out = kept;
    return true;
  }
  if (kept == (uint64_t)1 << fmt.p) {
    kept >>= 1;
    E++;
  }
  if (E > fmt.emax) return false;
  *out = ((uint64_t)(E + fmt.emax) << (fmt.p - 1)) | (kept & frac_mask);
  return true;
}

/* Decimal literals: the C library's strtod/strtof round correctly to
 * nearest (glibc does, exactly); the '_' separators are dropped first. */
static bool dec_float(const char *s, size_t len, bool f32, uint64_t *out) {
  char small[128];
  char *b = len < sizeof small ? small : malloc(len + 1);
  if (!b) return false;
  size_t k = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != '_') b[k++] = s[i];
  b[k] = 0;
  errno = 0;
  bool ok;
  if (f32) {
    uint32_t u = canon_f32_bits(strtof(b, NULL));
    ok = (u & 0x7F800000u) != 0x7F800000u;
    *out = u;
  } else {
    uint64_t u = canon_f64_bits(strtod(b, NULL));
    ok = (u & 0x7FF0000000000000ull) != 0x7FF0000000000000ull;
    *out = u;
  }
  if (b != small) free(b);
  return ok;
}

static bool float_text(const char *s, size_t len, ffmt fmt, uint64_t *out) {
  numinfo ni = scan_number(s, len);
  const char *b = s + ni.body;
  size_t n = len - ni.body;
  unsigned expbits = (fmt.p == 24) ? 8 : 11;
  uint64_t sign = (uint64_t)1 << (fmt.p - 1 + expbits);
  uint64_t expmask = (((uint64_t)1 << expbits) - 1) << (fmt.p - 1);
  uint64_t frac_mask = ((uint64_t)1 << (fmt.p - 1)) - 1;
  uint64_t v = 0;
  switch (ni.kind) {
  case NUM_BAD: return false;
  case NUM_INF: v = expmask; break;
  case NUM_NAN: v = expmask | ((uint64_t)1 << (fmt.p - 2)); break;
  case NUM_NAN_PAYLOAD: {
    uint64_t pl;
    if (!nat_value(b + 4, n - 4, true, &pl)) return false;
    if (pl == 0 || pl > frac_mask) return false;
    v = expmask | pl;
    break;
  }
  case NUM_INT:
  case NUM_FLOAT:
    if (ni.hex) {
      if (!hex_float(b, n, fmt, &v)) return false;
    } else {
      if (!dec_float(b, n, fmt.p == 24, &v)) return false;
    }
    break;
  }
  *out = ni.neg ? v | sign : v;
  return true;
}

bool sx_f32_text(const char *s, size_t len, uint32_t *bits) {
  uint64_t v;
  ffmt f = {24, 127};
  if (!float_text(s, len, f, &v)) return false;
  *bits = (uint32_t)v;
  return true;
}

bool sx_f64_text(const char *s, size_t len, uint64_t *bits) {
  ffmt f = {53, 1023};
  return float_text(s, len, f, bits);
}

static bool num_atom(const sx_node *n) {
  return n && (n->kind == SX_NUMBER || n->kind == SX_KEYWORD);
}

bool sx_uint(const sx_node *n, unsigned bits, uint64_t *out) {
  return num_atom(n) && sx_uint_text(n->text, n->len, bits, out);
}

bool sx_int(const sx_node *n, unsigned bits, uint64_t *out) {
  return num_atom(n) && sx_int_text(n->text, n->len, bits, out);
}

bool sx_f32(const sx_node *n, uint32_t *bits) {
  return num_atom(n) && sx_f32_text(n->text, n->len, bits);
}

bool sx_f64(const sx_node *n, uint64_t *bits) {
  return num_atom(n) && sx_f64_text(n->text, n->len, bits);
}
