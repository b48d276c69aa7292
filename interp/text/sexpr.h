/* sexpr.h -- the lexer and S-expression reader of the text formats.
 *
 * Core .wat, component .wat and .wast scripts are all S-expressions.  The
 * whole source is read into a tree first; the module parser (core/text.c),
 * the component parser and the script runner then walk the tree.  Lexical
 * errors (bad tokens, unbalanced parentheses, bad string escapes, invalid
 * UTF-8 in strings) are CM_MALFORMED errors with file:line:column.
 */
#ifndef SX_SEXPR_H
#define SX_SEXPR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"

typedef enum sx_kind {
  SX_LIST,     /* ( ... ) */
  SX_KEYWORD,  /* starts with a-z: module, i32.add, offset=4, nan:0x1 ... */
  SX_ID,       /* $name or $"name" (text includes the $; str/strlen hold
                  the name without the $, quotes and escapes decoded) */
  SX_STRING,   /* "..."; str/strlen hold the decoded bytes */
  SX_NUMBER,   /* starts with a digit or +/-: 12, -0x1p3, inf, nan:0x4 ...
                  (a signed inf/nan counts as a number; a bare `inf`/`nan`
                  is a keyword: use sx_is_number_like to test) */
  SX_RESERVED, /* any other run of idchars and strings, or one of , ; [ ]
                  { }: a lexical error ("unknown operator") if used */
} sx_kind;

typedef struct sx_node {
  sx_kind kind;
  uint32_t line, col;       /* position of the first character */
  const char *text;         /* atoms: the token as written (not owned) */
  size_t len;               /* length of text */
  char *str;                /* SX_STRING: decoded bytes, NUL-terminated */
  size_t strlen;            /* SX_STRING: number of decoded bytes */
  struct sx_node **items;   /* SX_LIST: children */
  size_t n;                 /* SX_LIST: number of children */
  const char *file;         /* not owned */
  struct canon_arena *arena; /* the root of a tree sx_read made: the
                                arena its nodes, lists and strings live in */
} sx_node;

/* Reads all of src into one synthetic SX_LIST whose items are the
 * top-level forms.  src must outlive the tree (atoms point into it).
 * Returns NULL and fills err on a lexical error.  The whole tree lives in
 * one arena: sx_free(root) frees it at once (a node per token made the
 * allocator the reader's main cost). */
sx_node *sx_read(const char *src, size_t len, const char *file, cm_error *err);
/* Frees a tree sx_read returned (its root; NULL does nothing). */
void sx_free(sx_node *root);

/* Helpers for walkers. */
bool sx_is_list(const sx_node *n);
/* A list whose first item is the keyword kw, e.g. sx_is_form(n, "module"). */
bool sx_is_form(const sx_node *n, const char *kw);
bool sx_is_keyword(const sx_node *n, const char *kw);
bool sx_atom_eq(const sx_node *n, const char *s);
/* Is the atom lexically a number of the spec's grammar (nat, int or float,
 * signed or not, inf, nan, nan:0x...)?  Tokens that start like a number
 * but are not one (`0x`, `1__0`, `0drop`) are "unknown operator"s. */
bool sx_is_number_like(const sx_node *n);
/* Reports a CM_MALFORMED error at the node's position. */
void sx_error(cm_error *err, const sx_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sx_verror(cm_error *err, const sx_node *n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Numeric literals (core spec "Text format / Values").  Each returns false
 * when the token is not a well-formed literal of that kind or is out of
 * range; the caller reports "unknown operator"/"constant out of range"...
 *  - integers: decimal or 0x hex, optional sign, `_` between digits;
 *    sx_int accepts the range of both signed and unsigned N-bit values
 *    (-2^(N-1) .. 2^N-1) and returns the N-bit two's complement pattern;
 *    sx_uint accepts only unsigned (no sign) values that fit in N bits.
 *  - floats: decimal or hex mantissa with optional exponent, inf, nan,
 *    nan:0xN (payload must be non-zero and fit), rounded to nearest-even
 *    exactly as the spec requires (no reliance on strtod rounding of hex
 *    floats with more digits than fit). */
bool sx_uint(const sx_node *n, unsigned bits, uint64_t *out);
bool sx_int(const sx_node *n, unsigned bits, uint64_t *out);
bool sx_f32(const sx_node *n, uint32_t *bits);
bool sx_f64(const sx_node *n, uint64_t *bits);
/* Same, on raw token text (for `offset=N`, `align=N` and nan:0x payloads). */
bool sx_uint_text(const char *s, size_t len, unsigned bits, uint64_t *out);
bool sx_int_text(const char *s, size_t len, unsigned bits, uint64_t *out);
bool sx_f32_text(const char *s, size_t len, uint32_t *bits);
bool sx_f64_text(const char *s, size_t len, uint64_t *bits);

#endif
