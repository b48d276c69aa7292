/* encode.h -- the core binary format (.wasm) encoder (core spec "Binary
 * Format"), the inverse of core_decode: used by `cmref assemble` and by the
 * text -> binary -> decode round-trip tests.  Integers get their shortest
 * LEB128 form; no custom sections are written. */
#ifndef CORE_ENCODE_H
#define CORE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../canon/buf.h"
#include "../util/diag.h"
#include "module.h"

/* On success *out is a malloc'ed buffer of *len bytes (the caller frees
 * it).  Fails only when memory runs out, or on a module that has no
 * binary form (CM_INVALID, e.g. a br_table without its default label). */
bool core_encode(const core_module *m, uint8_t **out, size_t *len,
                 cm_error *err);

/* Appends an import's kind byte and descriptor (importdesc; the component
 * binary's core:externtype is the same bytes); false for an unknown
 * kind, after its byte. */
bool core_encode_importdesc(canon_buf *b, const core_import *im);

#endif
