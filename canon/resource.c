/* resource.c -- canon resource.new / resource.drop / resource.rep
 * (CanonicalABI.md "canon resource.new", "canon resource.drop", "canon
 * resource.rep"); see resource.h. */
#include "rules.h"
#include "resource.h"

#include <stddef.h>

#include "handles.h"

/* canon_resource_new */
bool canon_resource_new(canon_ComponentInstance *inst, const canon_ResourceType *rt,
                        uint32_t rep, uint32_t *i, canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave,
                CANON_R_RESOURCE_NEW_MAY_LEAVE);
  return canon_Table_resource_new(&inst->handles, rt, rep, i, trap);
}

/* dtor = rt.dtor or (lambda rep: []) */
static bool no_dtor(void *env, const uint64_t *args, uint32_t nargs,
                    uint64_t *results, uint32_t nresults, canon_trap *trap) {
  (void)env, (void)args, (void)nargs, (void)results, (void)nresults;
  (void)trap;
  return true;
}

/* canon_resource_drop */
bool canon_resource_drop(canon_ComponentInstance *inst, const canon_ResourceType *rt,
                         uint32_t i, canon_trap *trap) {
  CANON_TRAP_IF(inst->store, trap, !inst->may_leave,
                CANON_R_RESOURCE_DROP_MAY_LEAVE);
  bool call_dtor = false;
  uint32_t rep = 0;
  if (!canon_Table_resource_drop(&inst->handles, rt, i, &call_dtor, &rep,
                                  trap))
    return false;
  if (!call_dtor) return true;
  /* opts = CanonicalOptions(async_ = False);
   * ft = FuncType([U32Type()], [], async_ = False) */
  canon_CanonicalOptions opts = {0};
  canon_field param = {"rep", canon_type_prim(CANON_U32)};
  canon_FuncType ft = {&param, 1, NULL, false};
  const canon_core_callee *dtor = rt->dtor;
  canon_lifted lifted = {&ft, &opts, rt->impl, {NULL, no_dtor}, {NULL, NULL},
                         {NULL, NULL}};
  if (dtor) lifted.callee = *dtor;
  /* callee = inst.store.lift(dtor, ft, opts, rt.impl);
   * caller = inst.store.lower(callee, ft, opts, inst); caller([h.rep]) */
  canon_funcinst callee = canon_Store_lift(&lifted);
  uint64_t arg = rep;
  canon_core_vec results = {0};
  bool ok = canon_lower(&callee, &opts, inst, &arg, 1, &results, trap);
  canon_core_vec_free(&results);
  return ok;
}

/* canon_resource_rep */
bool canon_resource_rep(canon_ComponentInstance *inst,
                                const canon_ResourceType *rt, uint32_t i,
                                uint32_t *rep, canon_trap *trap) {
  return canon_Table_resource_rep(&inst->handles, rt, i, rep, trap);
}
