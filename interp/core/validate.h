/* validate.h -- core module validation (core spec "Validation").
 * Checks everything the spec requires and fills in the [validator] fields
 * of module.h (branch targets, label heights and arities, try_table pcs,
 * max operand-stack height, declared function references).  Errors are
 * CM_INVALID with messages worded like the spec interpreter's ("type
 * mismatch", "unknown local 3", ...), or CM_UNSUPPORTED. */
#ifndef CORE_VALIDATE_H
#define CORE_VALIDATE_H

#include "../util/diag.h"
#include "module.h"

bool core_validate(core_module *m, cm_error *err);

#endif
