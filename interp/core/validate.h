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

/* Language features beyond Wasm 2.0 that depend on the suite's version:
 * the frozen Wasm 2.0 test suite requires them to be invalid (or, for the
 * shared bit of binary limits, malformed), the current spec (3.0) or a
 * proposal the Component Model relies on (threads' shared memories)
 * allows them.  Everything else cmref implements (memory64, exceptions,
 * ...) is on in every set: no 2.0 test depends on it. */
typedef struct core_features {
  bool multi_memory;   /* more than one memory ("multiple memories") */
  bool extended_const; /* i32/i64 add, sub, mul and global.get of earlier
                          immutable globals in constant expressions */
  bool threads;        /* shared memories (the threads proposal's memory
                          type only: atomic instructions stay unsupported) */
} core_features;

/* The named sets: "all" (the default: the current spec plus shared
 * memories) and "wasm-2.0"
 * (the frozen Wasm 2.0 spec).  False for an unknown name. */
bool core_features_named(const char *name, core_features *out);
extern const char core_features_names[]; /* "all, wasm-2.0" for help text */

/* Validates under the "all" feature set. */
bool core_validate(core_module *m, cm_error *err);
bool core_validate_features(core_module *m, const core_features *f,
                            cm_error *err);

#endif
