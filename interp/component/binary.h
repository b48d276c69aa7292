/* binary.h -- the component binary format decoder (Binary.md).  Produces
 * the same comp_component as the text parser; errors are CM_MALFORMED with
 * the byte offset where decoding failed. */
#ifndef COMP_BINARY_H
#define COMP_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"
#include "component.h"

comp_component *comp_decode_component(const uint8_t *bytes, size_t len,
                                      cm_error *err);

#endif
