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
#include "module.h"

core_module *core_decode(const uint8_t *bytes, size_t len, cm_error *err);

#endif
