/* error_context.c -- ErrorContext and its built-ins (CanonicalABI.md "canon
 * error-context.new", "canon error-context.debug-message", "canon
 * error-context.drop"; "Loading" lift_error_context, "Storing"
 * lower_error_context); see error_context.h. */
#include "rules.h"
#include "grow.h"
#include "error_context.h"

#include <assert.h>
#include <stdlib.h>

#include "load_store.h"
#include "store.h"

static void destroy(canon_refobj *o) {
  canon_ErrorContext *e = (canon_ErrorContext *)o;
  canon_value_free(e->debug_message);
  free(e);
}

canon_ErrorContext *canon_ErrorContext_new(const canon_value *msg) {
  canon_ErrorContext *e = canon_xcalloc(1, sizeof *e);
  e->ref.refs = 1;
  e->ref.destroy = destroy;
  e->debug_message = canon_value_copy(msg);
  return e;
}

/* Loading: lift_error_context (the value shares the table's object) */
bool canon_lift_error_context(canon_LiftLowerContext *cx, uint32_t i, canon_value **out) {
  canon_refobj *e = NULL;
  if (!canon_Table_get_kind(&cx->inst->handles, i, CANON_ENTRY_ERROR_CONTEXT,
                            (void **)&e, &cx->trap))
    return false;
  *out = canon_value_opaque(CANON_ERROR_CONTEXT, e);
  return true;
}

/* Storing: lower_error_context (the table entry holds a reference) */
bool canon_lower_error_context(canon_LiftLowerContext *cx, const canon_value *v,
                               uint32_t *i) {
  if (!canon_Table_add(&cx->inst->handles, CANON_ENTRY_ERROR_CONTEXT,
                       v->u.opaque, i, &cx->trap))
    return false;
  canon_ref(v->u.opaque);
  return true;
}

/* canon error-context.new: the spec's DETERMINISTIC_PROFILE (option 0 of
 * CANON_CHOICE_ERROR_MESSAGE, cmref's default) keeps no message; otherwise
 * the string is loaded (the host-defined transformation is the identity
 * here). */
bool canon_error_context_new(canon_ComponentInstance *inst, const canon_CanonicalOptions *opts,
                             uint64_t ptr, uint64_t tagged_code_units,
                             uint32_t *out, canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave,
                CANON_R_ERROR_CONTEXT_NEW_MAY_LEAVE);
  canon_value *s = NULL;
  if (canon_sched_choose(&inst->store->sched, CANON_CHOICE_ERROR_MESSAGE, 2) ==
      0) {
    s = canon_value_string("", 0);
  } else {
    canon_LiftLowerContext cx;
    canon_LiftLowerContext_init(&cx, opts, inst, (canon_borrow_scope){0});
    if (!canon_load_string_from_range(&cx, ptr, tagged_code_units, &s)) {
      *trap = cx.trap;
      return false;
    }
  }
  canon_ErrorContext *e = canon_ErrorContext_new(s);
  canon_value_free(s);
  if (!canon_Table_add(&inst->handles, CANON_ENTRY_ERROR_CONTEXT, e, out,
                       trap)) {
    canon_unref(&e->ref);
    return false;
  }
  return true;
}

static bool get(canon_ComponentInstance *inst, uint32_t i, canon_ErrorContext **out,
                canon_trap *trap) {
  return canon_Table_get_kind(&inst->handles, i, CANON_ENTRY_ERROR_CONTEXT,
                              (void **)out, trap);
}

/* canon error-context.debug-message */
bool canon_error_context_debug_message(canon_ComponentInstance *inst,
                                       const canon_CanonicalOptions *opts, uint32_t i,
                                       uint64_t ptr, canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave,
                CANON_R_ERROR_CONTEXT_DEBUG_MAY_LEAVE);
  canon_ErrorContext *e = NULL;
  if (!get(inst, i, &e, trap)) return false;
  /* The spec's store_string writes the pair at ptr with store_int and no
   * check at all (docs/findings.md, "Where the spec asserts what a guest
   * controls"); cmref traps when the pair is out of bounds, and like the
   * spec does not require alignment. */
  canon_LiftLowerContext cx;
  canon_LiftLowerContext_init(&cx, opts, inst, (canon_borrow_scope){0});
  uint64_t pair = 2 * (uint64_t)canon_ptr_size(canon_MemInst_ptr_type(opts));
  CANON_TRAP_IF(inst->store, trap, canon_out_of_bounds(&cx, ptr, pair),
                CANON_R_DEBUG_MESSAGE_OUT_OF_BOUNDS, (unsigned long long)ptr);
  if (!canon_store_string(&cx, e->debug_message, ptr)) {
    *trap = cx.trap;
    return false;
  }
  return true;
}

/* canon error-context.drop */
bool canon_error_context_drop(canon_ComponentInstance *inst, uint32_t i,
                              canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave,
                CANON_R_ERROR_CONTEXT_DROP_MAY_LEAVE);
  canon_ErrorContext *e = NULL;
  if (!get(inst, i, &e, trap)) return false;
  canon_table_entry removed;
  if (!canon_Table_remove(&inst->handles, i, &removed, trap)) return false;
  canon_unref(&e->ref);
  return true;
}
