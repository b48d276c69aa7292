/* encode.h -- the component binary format encoder (Binary.md), the inverse
 * of comp_decode_component: used by `cmref assemble` and by the text ->
 * binary -> decode round-trip tests.  Consecutive definitions of one kind
 * share a section; integers get their shortest LEB128 form (type indices
 * in a valtype their shortest s33); names without attributes use the 0x00
 * nameattributes form; no custom sections are written, so $ids are lost. */
#ifndef COMP_ENCODE_H
#define COMP_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"
#include "component.h"

/* On success *out is a malloc'ed buffer of *len bytes (the caller frees
 * it).  Fails when memory runs out, or (CM_INVALID) on a component that has
 * no binary form: a nested core module core_encode refuses, an enum value
 * out of range. */
bool comp_encode(const comp_component *c, uint8_t **out, size_t *len,
                 cm_error *err);

#endif
