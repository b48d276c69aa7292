/* equal.h -- structural equality of two components (component.h), for the
 * text -> binary -> decode round-trip tests.  Ignores what the binary
 * format does not carry: source positions, $ids, the validator's slots.
 * Nested core modules are compared field by field (core/equal.h). */
#ifndef COMP_EQUAL_H
#define COMP_EQUAL_H

#include <stdbool.h>
#include <stddef.h>

#include "component.h"

/* True when a and b are the same component.  Otherwise, if why is not
 * NULL, it receives (up to n bytes) where they first differ, e.g.
 * "def 3 (canon): opts[1].idx: 2 vs 3". */
bool comp_component_equal(const comp_component *a, const comp_component *b,
                          char *why, size_t n);

#endif
