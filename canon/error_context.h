/* error_context.h -- ErrorContext (CanonicalABI.md "canon error-context.new"
 * and the sections after it): an immutable debug message shared by
 * reference between handle tables and values (canon_refobj), and the
 * error-context built-ins.  lift_error_context / lower_error_context are
 * declared with the rest of loading and storing (load_store.h). */
#ifndef CANON_ERROR_CONTEXT_H
#define CANON_ERROR_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "instance.h"
#include "values.h"

typedef struct canon_ErrorContext {
  canon_refobj ref;
  canon_value *debug_message; /* a string value */
} canon_ErrorContext;

/* A new ErrorContext with one reference (the caller's); msg is copied. */
canon_ErrorContext *canon_ErrorContext_new(const canon_value *msg);

/* canon error-context.new (opts: the built-in's memory and encoding) */
bool canon_error_context_new(canon_ComponentInstance *inst, const canon_CanonicalOptions *opts,
                             uint64_t ptr, uint64_t tagged_code_units,
                             uint32_t *out, canon_trap *trap);
/* canon error-context.debug-message */
bool canon_error_context_debug_message(canon_ComponentInstance *inst,
                                       const canon_CanonicalOptions *opts, uint32_t i,
                                       uint64_t ptr, canon_trap *trap);
/* canon error-context.drop */
bool canon_error_context_drop(canon_ComponentInstance *inst, uint32_t i,
                              canon_trap *trap);

#endif
