/* binary.h -- the core binary format (.wasm) decoder (core spec "Binary
 * Format").  Errors are CM_MALFORMED (or CM_UNSUPPORTED) with the byte
 * offset where decoding failed, worded like the spec interpreter
 * ("unexpected end", "integer representation too long", "magic header not
 * detected", ...). */
#ifndef CORE_BINARY_H
#define CORE_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"
#include "../util/reader.h"
#include "module.h"

struct core_features; /* validate.h */

/* Decodes under the "all" feature set. */
core_module *core_decode(const uint8_t *bytes, size_t len, cm_error *err);
/* Decodes with the encodings of `features` (NULL: "all"): where a later
 * feature gives meaning to bits Wasm 2.0 calls malformed (the shared bit
 * of limits), the 2.0 reading keeps 2.0's error. */
core_module *core_decode_features(const uint8_t *bytes, size_t len,
                                  const struct core_features *features,
                                  cm_error *err);

/* limits at `in`: the flags byte (bit 1, shared, only with `shared_bit`:
 * the threads proposal), then min and max as u32 or, with bit 2, u64. */
void core_limits_rd(cm_reader *in, core_limits *l, bool shared_bit);

#endif
