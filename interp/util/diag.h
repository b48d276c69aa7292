/* diag.h -- errors with positions, shared by every front end and the runner.
 *
 * A cm_error records the first failure of an operation: its kind (which the
 * .wast runner maps to assert_malformed / assert_invalid / ...), a message
 * worded like the spec interpreter's (the reference tests match messages by
 * prefix), and where: file:line:column for text, a byte offset for binary.
 */
#ifndef CM_DIAG_H
#define CM_DIAG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

typedef enum cm_errkind {
  CM_OK = 0,
  CM_MALFORMED,   /* text or binary that does not parse/decode */
  CM_INVALID,     /* fails validation */
  CM_UNSUPPORTED, /* uses a feature cmref does not implement: the message is
                     "unsupported feature: NAME" */
  CM_LINK,        /* instantiation: missing or incompatible import */
  CM_IO,          /* cannot read a file, bad command line, ... */
} cm_errkind;

typedef struct cm_error {
  cm_errkind kind;
  char msg[512];
  const char *file; /* not owned; may be NULL */
  uint32_t line, col; /* 1-based; 0 when unknown */
  int64_t offset;     /* byte offset in a binary; -1 when unknown */
} cm_error;

void cm_error_init(cm_error *e);
/* The first call on an error wins; later calls are ignored, so the deepest
 * (first detected) cause is the one reported. */
void cm_error_set(cm_error *e, cm_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cm_error_at(cm_error *e, cm_errkind kind, const char *file, uint32_t line,
                 uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void cm_error_at_offset(cm_error *e, cm_errkind kind, int64_t offset,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a va_list (for the helpers that record errors). */
void cm_error_vset(cm_error *e, cm_errkind kind, const char *fmt, va_list ap);
void cm_error_vat_offset(cm_error *e, cm_errkind kind, int64_t offset,
                         const char *fmt, va_list ap);
/* "file:line:col: msg", "file: at byte offset N: msg" or "msg". */
void cm_error_format(const cm_error *e, char *buf, unsigned n);
const char *cm_errkind_name(cm_errkind k);
/* The one form every command prints an error about a file in:
 *   FILE:LINE:COL: KIND: message            (text)
 *   FILE: at byte offset N: KIND: message   (binary)
 *   FILE: KIND: message                     (no position)
 * e->file (a nested file name) wins over path. */
void cm_error_print(FILE *out, const char *path, const cm_error *e);

#endif
