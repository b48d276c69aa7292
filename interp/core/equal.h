/* equal.h -- structural equality of two core modules (module.h), for the
 * text -> binary -> decode round-trip checks (`cmref roundtrip`) and the
 * component comparison (component/equal.c).  Compares field by field, so
 * an encoder that drops a field is caught even though re-encoding both
 * sides would agree.  Ignores what the binary format does not carry and
 * what is not part of the module's meaning: the validator's slots
 * (target/height/arity, max_height, try_pcs, func_declared, validated),
 * immediates an instruction does not have, and where br_table entries and
 * catch clauses sit in expr.labels (their contents are compared).  The
 * data count is compared as the binary format sees it: a module without
 * one that uses memory.init/data.drop gets ndatas (the encoder adds the
 * section the text format leaves implicit). */
#ifndef CORE_EQUAL_H
#define CORE_EQUAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/eqpath.h"
#include "module.h"

/* True when a and b are the same module.  Otherwise, if why is not NULL,
 * it receives (up to n bytes) where they first differ, e.g.
 * "funcs[2].body.instrs[5].idx: 1 vs 0". */
bool core_module_equal(const core_module *a, const core_module *b, char *why,
                       size_t n);
/* Compares two names (of a module or a component) named `field`. */
bool core_name_eq(cm_eq *e, const char *field, const core_name *a,
                  const core_name *b);

#endif
