/* utf8.h -- well-formed UTF-8 (Unicode's Table 3-7): shortest forms only,
 * no surrogates, nothing above U+10FFFF.  This is what the core spec asks
 * of names (binary and text) and of the text format's source and strings.
 * Shared by the s-expression lexer, the core text parser and the core
 * binary decoder. */
#ifndef CM_UTF8_H
#define CM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the character at p (n >= 1 bytes available): 1 for ASCII, 2
 * to 4 for a well-formed multi-byte sequence, 0 if malformed. */
size_t utf8_char_len(const uint8_t *p, size_t n);

/* Is s[0..n) entirely well-formed UTF-8? */
bool utf8_valid(const uint8_t *s, size_t n);

#endif
