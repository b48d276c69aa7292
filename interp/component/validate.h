/* validate.h -- component validation (Explainer.md, with the validation
 * rules of Binary.md and CanonicalABI.md "canon lift"/"canon lower").
 *
 * comp_validate checks a whole component (nested components, component
 * and instance types included): index spaces and indices, definitions in
 * order, core modules (core_validate) and core instantiations against
 * module types, value/function/component/instance/resource types, type
 * checking of instantiation arguments and export ascriptions (subtyping),
 * import/export names (kebab case, interface names, annotations, strong
 * uniqueness), external visibility of types, resource rules, canonopt
 * rules and value size limits.  Messages are worded like the reference
 * validator's (wasmparser), which the reference tests match; errors are
 * CM_INVALID with the node's position.
 *
 * What it fills in ("[validator]" slots), valid until the component is
 * freed:
 *  - comp_type.resolved: the canon_type of each value-type definition;
 *  - comp_component.vinfo (this and every nested component): the type of
 *    every item of every index space, in index order (comp_vinfo below).
 * own/borrow inside these canon_types point at a validation-time resource
 * placeholder, not a runtime canon_ResourceType: its identity is
 * comp_vinfo_resource_id(); instantiation binds the real ones.
 */
#ifndef COMP_VALIDATE_H
#define COMP_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/diag.h"
#include "component.h"

/* The validator's view of one index-space entry. */
typedef struct comp_vitem {
  /* FUNC: its function type; TYPE of a function type: the same. */
  const canon_FuncType *func;
  /* VALUE: its type; TYPE of a value type: the type defined. */
  const canon_type *value;
  /* TYPE of a resource type: an identity, equal for two entries that name
   * the same resource (aliases, exports), unique within one validation;
   * 0 otherwise.  resource_local: defined by this very component (so
   * resource.new/rep/drop may use it and its rep and dtor are known). */
  uint32_t resource_id;
  bool resource_local;
  /* CORE_FUNC and CORE_TYPE (func): the core function type. */
  const core_functype *core_func;
} comp_vitem;

typedef struct comp_vinfo {
  comp_vitem *items[COMP_NSORTS];
  uint32_t n[COMP_NSORTS];
} comp_vinfo;

bool comp_validate(comp_component *c, cm_error *err);

/* Frees what comp_validate attached to c (called by comp_component_free;
 * harmless on a component never validated). */
void comp_validation_free(comp_component *c);

#endif
