/* resource.h -- the resource built-ins as the core functions a component
 * instance calls (CanonicalABI.md "canon resource.new", "canon
 * resource.drop", "canon resource.rep"): the may_leave checks and the
 * destructor call around the table operations of handles.h.
 *
 * A resource type's `dtor` (handles.h: an opaque core function) is, for
 * these built-ins, a `const canon_core_callee *` (canon_call.h) or NULL. */
#ifndef CANON_RESOURCE_H
#define CANON_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "canon_call.h"
#include "instance.h"

/* canon_resource_new(rt, rep) in current instance inst */
bool canon_resource_new(canon_ComponentInstance *inst, const canon_ResourceType *rt,
                        uint32_t rep, uint32_t *i, canon_trap *trap);
/* canon_resource_drop(rt, i): an owning handle's destructor is called like
 * a sync cross-component call (Store.lift in rt.impl, Store.lower in
 * inst), so reentrance is checked. */
bool canon_resource_drop(canon_ComponentInstance *inst, const canon_ResourceType *rt,
                         uint32_t i, canon_trap *trap);
/* canon_resource_rep(rt, i) */
bool canon_resource_rep(canon_ComponentInstance *inst,
                                const canon_ResourceType *rt, uint32_t i,
                                uint32_t *rep, canon_trap *trap);

#endif
