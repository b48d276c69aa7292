/* leb.h -- LEB128 integers as the core spec's binary format defines them
 * ("Integers"): readers that enforce the spec's limits (at most
 * ceil(N/7) bytes, unused bits of the last byte must be zero- or
 * sign-extension), and writers producing the shortest encoding.  Shared by
 * the core decoder/encoder and the component binary decoder. */
#ifndef CM_LEB_H
#define CM_LEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../canon/buf.h"

typedef enum leb_status {
  LEB_OK,
  LEB_EOF,       /* input ended inside the number */
  LEB_TOO_LONG,  /* more bytes than an N-bit number may take */
  LEB_TOO_LARGE, /* unused bits of the last byte are not an extension */
} leb_status;

/* Reads an N-bit unsigned (uN) or signed (sN) LEB128 from p[0..avail).
 * On LEB_OK, *used is the number of bytes read; otherwise *used is the
 * offset (from p) the spec interpreter reports the error at: the offending
 * byte for LEB_TOO_LARGE, the byte after the longest allowed encoding for
 * LEB_TOO_LONG, avail for LEB_EOF.  Signed values come sign-extended to
 * 64 bits. */
leb_status leb_read_u(const uint8_t *p, size_t avail, unsigned bits,
                      uint64_t *out, size_t *used);
leb_status leb_read_s(const uint8_t *p, size_t avail, unsigned bits,
                      int64_t *out, size_t *used);
/* Either of the two, chosen by is_signed (the sN value as its two's
 * complement bits). */
leb_status leb_read(const uint8_t *p, size_t avail, unsigned bits,
                    bool is_signed, uint64_t *out, size_t *used);

/* Writes the shortest encoding of v into out (10 bytes are always enough)
 * and returns its length. */
size_t leb_write_u(uint8_t out[10], uint64_t v);
size_t leb_write_s(uint8_t out[10], int64_t v);
/* The same, appended to a byte buffer (the encoders'). */
void leb_put_u(canon_buf *b, uint64_t v);
void leb_put_s(canon_buf *b, int64_t v);

#endif
