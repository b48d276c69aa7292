/* equal.c -- structural equality of components (see equal.h).  Walks both
 * trees in step, keeping the path to the current node so that the first
 * difference can be named. */
#include "equal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/equal.h"
#include "../util/eqpath.h"

#define EQ_U(field, x, y) CM_EQ_U(e, field, x, y)

/* ---- small nodes ------------------------------------------------------------ */

static bool valtype_eq(cm_eq *e, const char *field, const comp_valtype *a,
                       const comp_valtype *b) {
  if (a->is_index != b->is_index)
    return cm_eq_diff(e, field, "%s vs %s", a->is_index ? "index" : "primitive",
                b->is_index ? "index" : "primitive");
  if (a->is_index) EQ_U(field, a->idx, b->idx);
  else if (a->prim != b->prim)
    return cm_eq_diff(e, field, "%s vs %s", canon_kind_name(a->prim),
                canon_kind_name(b->prim));
  return true;
}

static bool sortidx_eq(cm_eq *e, const char *field, const comp_sortidx *a,
                       const comp_sortidx *b) {
  if (a->sort != b->sort)
    return cm_eq_diff(e, field, "sort %s vs %s", comp_sort_name(a->sort),
                comp_sort_name(b->sort));
  EQ_U(field, a->idx, b->idx);
  return true;
}

static bool externname_eq(cm_eq *e, const comp_externname *a,
                          const comp_externname *b) {
  if (!core_name_eq(e, "name", &a->name, &b->name)) return false;
  EQ_U("has_implements", a->has_implements, b->has_implements);
  EQ_U("has_versionsuffix", a->has_versionsuffix, b->has_versionsuffix);
  EQ_U("has_external_id", a->has_external_id, b->has_external_id);
  if (a->has_implements && !core_name_eq(e, "implements", &a->implements,
                                    &b->implements))
    return false;
  if (a->has_versionsuffix && !core_name_eq(e, "versionsuffix", &a->versionsuffix,
                                       &b->versionsuffix))
    return false;
  if (a->has_external_id && !core_name_eq(e, "external_id", &a->external_id,
                                     &b->external_id))
    return false;
  const char *da = a->duplicate_attribute, *db = b->duplicate_attribute;
  if ((da == NULL) != (db == NULL) || (da && strcmp(da, db) != 0))
    return cm_eq_diff(e, "duplicate_attribute", "%s vs %s", da ? da : "none",
                db ? db : "none");
  return true;
}

static bool externtype_eq(cm_eq *e, const char *field, const comp_externtype *a,
                          const comp_externtype *b) {
  size_t s = cm_eq_push(e, "%s%s", *e->path ? "." : "", field);
  bool ok = false;
  if (a->sort != b->sort) {
    cm_eq_diff(e, "sort", "%s vs %s", comp_sort_name(a->sort),
         comp_sort_name(b->sort));
    goto out;
  }
  if (a->sub_resource != b->sub_resource) {
    cm_eq_diff(e, "sub_resource", "%d vs %d", a->sub_resource, b->sub_resource);
    goto out;
  }
  if (a->value_is_type != b->value_is_type) {
    cm_eq_diff(e, "value_is_type", "%d vs %d", a->value_is_type, b->value_is_type);
    goto out;
  }
  if (a->value_is_type) {
    ok = valtype_eq(e, "value_type", &a->value_type, &b->value_type);
    goto out;
  }
  if (!a->sub_resource && a->idx != b->idx) {
    cm_eq_diff(e, "idx", "%u vs %u", a->idx, b->idx);
    goto out;
  }
  ok = true;
out:
  cm_eq_pop(e, s);
  return ok;
}

static bool alias_eq(cm_eq *e, const comp_alias *a, const comp_alias *b) {
  EQ_U("kind", a->kind, b->kind);
  if (a->sort != b->sort)
    return cm_eq_diff(e, "sort", "%s vs %s", comp_sort_name(a->sort),
                comp_sort_name(b->sort));
  if (a->kind == COMP_ALIAS_OUTER) {
    EQ_U("outer_count", a->outer_count, b->outer_count);
    EQ_U("outer_idx", a->outer_idx, b->outer_idx);
    return true;
  }
  EQ_U("instance", a->instance, b->instance);
  return core_name_eq(e, "name", &a->name, &b->name);
}

/* ---- core types ---------------------------------------------------------------- */

static bool limits_eq(cm_eq *e, const core_limits *a, const core_limits *b) {
  EQ_U("min", a->min, b->min);
  EQ_U("has_max", a->has_max, b->has_max);
  if (a->has_max) EQ_U("max", a->max, b->max);
  EQ_U("is64", a->is64, b->is64);
  EQ_U("shared", a->shared, b->shared);
  return true;
}

static bool core_import_eq(cm_eq *e, const core_import *a, const core_import *b) {
  if (!core_name_eq(e, "module", &a->module, &b->module) ||
      !core_name_eq(e, "name", &a->name, &b->name))
    return false;
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case CORE_EXTERN_FUNC: EQ_U("func", a->desc.func, b->desc.func); break;
  case CORE_EXTERN_TAG: EQ_U("tag", a->desc.tag, b->desc.tag); break;
  case CORE_EXTERN_TABLE:
    EQ_U("table.elem", a->desc.table.elem, b->desc.table.elem);
    return limits_eq(e, &a->desc.table.limits, &b->desc.table.limits);
  case CORE_EXTERN_MEMORY:
    return limits_eq(e, &a->desc.memory.limits, &b->desc.memory.limits);
  case CORE_EXTERN_GLOBAL:
    EQ_U("global.type", a->desc.global.type, b->desc.global.type);
    EQ_U("global.mut", a->desc.global.mut, b->desc.global.mut);
    break;
  }
  return true;
}

static bool core_type_eq(cm_eq *e, const comp_core_type *a,
                         const comp_core_type *b);

static bool core_decl_eq(cm_eq *e, const comp_core_decl *a,
                         const comp_core_decl *b) {
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case COMP_CORE_DECL_IMPORT:
  case COMP_CORE_DECL_EXPORT:
    return core_import_eq(e, &a->import, &b->import);
  case COMP_CORE_DECL_TYPE: return core_type_eq(e, a->type, b->type);
  case COMP_CORE_DECL_ALIAS:
    EQ_U("outer_count", a->outer_count, b->outer_count);
    EQ_U("outer_idx", a->outer_idx, b->outer_idx);
    return true;
  }
  return true;
}

static bool valtypes_eq(cm_eq *e, const char *field, const core_valtype *a,
                        uint32_t na, const core_valtype *b, uint32_t nb) {
  EQ_U(field, na, nb);
  for (uint32_t i = 0; i < na; i++)
    if (a[i] != b[i])
      return cm_eq_diff(e, field, "[%u]: %s vs %s", i, core_valtype_name(a[i]),
                  core_valtype_name(b[i]));
  return true;
}

static bool core_type_eq(cm_eq *e, const comp_core_type *a,
                         const comp_core_type *b) {
  if (!a || !b) return cm_eq_presence(e, "type", a, b);
  EQ_U("kind", a->kind, b->kind);
  if (a->kind == COMP_CORE_TYPE_FUNC) {
    EQ_U("nonfinal", a->nonfinal, b->nonfinal);
    return valtypes_eq(e, "params", a->func.params, a->func.nparams,
                       b->func.params, b->func.nparams) &&
           valtypes_eq(e, "results", a->func.results, a->func.nresults,
                       b->func.results, b->func.nresults);
  }
  EQ_U("ndecls", a->ndecls, b->ndecls);
  for (uint32_t i = 0; i < a->ndecls; i++)
    CM_EQ_UNDER(e, core_decl_eq(e, &a->decls[i], &b->decls[i]), "%sdecls[%u]",
                *e->path ? "." : "", i);
  return true;
}

/* ---- component types ------------------------------------------------------------ */

static bool fields_eq(cm_eq *e, const char *field, const comp_field *a,
                      uint32_t na, const comp_field *b, uint32_t nb) {
  EQ_U(field, na, nb);
  for (uint32_t i = 0; i < na; i++) {
    size_t s = cm_eq_push(e, "%s%s[%u]", *e->path ? "." : "", field, i);
    bool ok = core_name_eq(e, "label", &a[i].label, &b[i].label);
    if (ok && a[i].has_type != b[i].has_type)
      ok = cm_eq_diff(e, "has_type", "%d vs %d", a[i].has_type, b[i].has_type);
    if (ok && a[i].has_type) ok = valtype_eq(e, "type", &a[i].type, &b[i].type);
    cm_eq_pop(e, s);
    if (!ok) return false;
  }
  return true;
}

static bool defvaltype_eq(cm_eq *e, const comp_defvaltype *a,
                          const comp_defvaltype *b) {
  if (a->kind != b->kind)
    return cm_eq_diff(e, "kind", "%s vs %s", canon_kind_name(a->kind),
                canon_kind_name(b->kind));
  if (!fields_eq(e, "fields", a->fields, a->nfields, b->fields, b->nfields))
    return false;
  EQ_U("has_a", a->has_a, b->has_a);
  EQ_U("has_b", a->has_b, b->has_b);
  if (a->has_a && !valtype_eq(e, "a", &a->a, &b->a)) return false;
  if (a->has_b && !valtype_eq(e, "b", &a->b, &b->b)) return false;
  EQ_U("fixed", a->fixed, b->fixed);
  if (a->fixed) EQ_U("length", a->length, b->length);
  if (a->kind == CANON_OWN || a->kind == CANON_BORROW)
    EQ_U("idx", a->idx, b->idx);
  return true;
}

static bool type_eq(cm_eq *e, const comp_type *a, const comp_type *b);

static bool decl_eq(cm_eq *e, const comp_decl *a, const comp_decl *b) {
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case COMP_DECL_CORE_TYPE: return core_type_eq(e, a->core_type, b->core_type);
  case COMP_DECL_TYPE: return type_eq(e, a->type, b->type);
  case COMP_DECL_ALIAS: return alias_eq(e, &a->alias, &b->alias);
  case COMP_DECL_IMPORT:
  case COMP_DECL_EXPORT:
    return externname_eq(e, &a->name, &b->name) &&
           externtype_eq(e, "ext", &a->ext, &b->ext);
  }
  return true;
}

static bool type_eq(cm_eq *e, const comp_type *a, const comp_type *b) {
  if (!a || !b) return cm_eq_presence(e, "type", a, b);
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case COMP_TYPE_VAL: return defvaltype_eq(e, &a->val, &b->val);
  case COMP_TYPE_FUNC:
    EQ_U("async", a->func.async, b->func.async);
    if (!fields_eq(e, "params", a->func.params, a->func.nparams,
                   b->func.params, b->func.nparams))
      return false;
    EQ_U("has_result", a->func.has_result, b->func.has_result);
    return !a->func.has_result ||
           valtype_eq(e, "result", &a->func.result, &b->func.result);
  case COMP_TYPE_RESOURCE:
    EQ_U("rep", a->resource.rep, b->resource.rep);
    EQ_U("has_dtor", a->resource.has_dtor, b->resource.has_dtor);
    if (a->resource.has_dtor) EQ_U("dtor", a->resource.dtor, b->resource.dtor);
    return true;
  case COMP_TYPE_COMPONENT:
  case COMP_TYPE_INSTANCE:
    EQ_U("ndecls", a->ndecls, b->ndecls);
    for (uint32_t i = 0; i < a->ndecls; i++)
      CM_EQ_UNDER(e, decl_eq(e, &a->decls[i], &b->decls[i]), "%sdecls[%u]",
                  *e->path ? "." : "", i);
    return true;
  }
  return true;
}

/* ---- definitions ------------------------------------------------------------------ */

static bool canon_eq(cm_eq *e, const comp_canon *a, const comp_canon *b) {
  if (a->kind != b->kind)
    return cm_eq_diff(e, "kind", "%s vs %s", comp_canon_name(a->kind),
                comp_canon_name(b->kind));
  unsigned imm = comp_canon_immediates(a->kind);
  bool lifts = a->kind == COMP_CANON_LIFT || a->kind == COMP_CANON_LOWER;
  if (lifts) EQ_U("func", a->func, b->func);
  if (a->kind == COMP_CANON_LIFT || (imm & COMP_CANON_IMM_TYPEIDX))
    EQ_U("type", a->type, b->type);
  EQ_U("nopts", a->nopts, b->nopts);
  for (uint32_t i = 0; i < a->nopts; i++) {
    if (a->opts[i].kind != b->opts[i].kind)
      return cm_eq_diff(e, "opts", "[%u].kind: %u vs %u", i, a->opts[i].kind,
                  b->opts[i].kind);
    if (a->opts[i].idx != b->opts[i].idx)
      return cm_eq_diff(e, "opts", "[%u].idx: %u vs %u", i, a->opts[i].idx,
                  b->opts[i].idx);
  }
  EQ_U("async", a->async, b->async);
  EQ_U("cancellable", a->cancellable, b->cancellable);
  EQ_U("shared", a->shared, b->shared);
  if (imm & COMP_CANON_IMM_MEMORY) EQ_U("memory", a->memory, b->memory);
  if (imm & COMP_CANON_IMM_CONTEXT) {
    EQ_U("ctx_type", a->ctx_type, b->ctx_type);
    EQ_U("ctx_index", a->ctx_index, b->ctx_index);
  }
  EQ_U("has_result", a->has_result, b->has_result);
  if (a->has_result && !valtype_eq(e, "result", &a->result, &b->result))
    return false;
  if (imm & COMP_CANON_IMM_CORE_TYPE) EQ_U("core_type", a->core_type, b->core_type);
  if (imm & COMP_CANON_IMM_TABLE) EQ_U("table", a->table, b->table);
  return true;
}

/* Field by field (core/equal.h), so that an encoder dropping a field of a
 * nested module is caught: comparing the two encodings would not be. */
static bool core_module_eq(cm_eq *e, const core_module *a, const core_module *b) {
  char why[256];
  if (core_module_equal(a, b, why, sizeof why)) return true;
  return cm_eq_diff(e, "core_module", "%s", why);
}

static bool component_eq(cm_eq *e, const comp_component *a,
                         const comp_component *b);

static bool def_eq(cm_eq *e, const comp_def *a, const comp_def *b) {
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case COMP_DEF_CORE_MODULE:
    return core_module_eq(e, a->u.core_module, b->u.core_module);
  case COMP_DEF_CORE_INSTANCE: {
    const comp_core_instance *x = &a->u.core_instance, *y = &b->u.core_instance;
    EQ_U("instantiate", x->instantiate, y->instantiate);
    if (x->instantiate) EQ_U("module", x->module, y->module);
    EQ_U("nargs", x->nargs, y->nargs);
    for (uint32_t i = 0; i < x->nargs; i++) {
      if (!core_name_eq(e, "args.name", &x->args[i].name, &y->args[i].name))
        return false;
      EQ_U("args.instance", x->args[i].instance, y->args[i].instance);
    }
    EQ_U("nexports", x->nexports, y->nexports);
    for (uint32_t i = 0; i < x->nexports; i++)
      if (!core_name_eq(e, "exports.name", &x->exports[i].name,
                   &y->exports[i].name) ||
          !sortidx_eq(e, "exports.item", &x->exports[i].item,
                      &y->exports[i].item))
        return false;
    return true;
  }
  case COMP_DEF_CORE_TYPE: return core_type_eq(e, a->u.core_type, b->u.core_type);
  case COMP_DEF_COMPONENT: return component_eq(e, a->u.component, b->u.component);
  case COMP_DEF_INSTANCE: {
    const comp_instance *x = &a->u.instance, *y = &b->u.instance;
    EQ_U("instantiate", x->instantiate, y->instantiate);
    if (x->instantiate) EQ_U("component", x->component, y->component);
    EQ_U("nargs", x->nargs, y->nargs);
    for (uint32_t i = 0; i < x->nargs; i++)
      if (!core_name_eq(e, "args.name", &x->args[i].name, &y->args[i].name) ||
          !sortidx_eq(e, "args.item", &x->args[i].item, &y->args[i].item))
        return false;
    EQ_U("nexports", x->nexports, y->nexports);
    for (uint32_t i = 0; i < x->nexports; i++)
      if (!externname_eq(e, &x->exports[i].name, &y->exports[i].name) ||
          !sortidx_eq(e, "exports.item", &x->exports[i].item,
                      &y->exports[i].item))
        return false;
    return true;
  }
  case COMP_DEF_ALIAS: return alias_eq(e, &a->u.alias, &b->u.alias);
  case COMP_DEF_TYPE: return type_eq(e, a->u.type, b->u.type);
  case COMP_DEF_CANON: return canon_eq(e, &a->u.canon, &b->u.canon);
  case COMP_DEF_START: {
    const comp_start *x = &a->u.start, *y = &b->u.start;
    EQ_U("func", x->func, y->func);
    EQ_U("nargs", x->nargs, y->nargs);
    for (uint32_t i = 0; i < x->nargs; i++) EQ_U("args", x->args[i], y->args[i]);
    EQ_U("nresults", x->nresults, y->nresults);
    return true;
  }
  case COMP_DEF_IMPORT:
    return externname_eq(e, &a->u.import.name, &b->u.import.name) &&
           externtype_eq(e, "type", &a->u.import.type, &b->u.import.type);
  case COMP_DEF_EXPORT: {
    const comp_export *x = &a->u.export_, *y = &b->u.export_;
    if (!externname_eq(e, &x->name, &y->name) ||
        !sortidx_eq(e, "item", &x->item, &y->item))
      return false;
    EQ_U("has_type", x->has_type, y->has_type);
    return !x->has_type || externtype_eq(e, "type", &x->type, &y->type);
  }
  case COMP_DEF_VALUE: {
    const comp_value *x = &a->u.value, *y = &b->u.value;
    if (!valtype_eq(e, "type", &x->type, &y->type)) return false;
    EQ_U("len", x->len, y->len);
    if (x->len && memcmp(x->bytes, y->bytes, x->len) != 0)
      return cm_eq_diff(e, "bytes", "differ");
    return true;
  }
  }
  return true;
}

static const char *def_kind_name(comp_defkind k) {
  static const char *const names[] = {
      "core module", "core instance", "core type", "component", "instance",
      "alias", "type", "canon", "start", "import", "export", "value"};
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static bool component_eq(cm_eq *e, const comp_component *a,
                         const comp_component *b) {
  if (!a || !b) return cm_eq_presence(e, "component", a, b);
  EQ_U("ndefs", a->ndefs, b->ndefs);
  for (uint32_t i = 0; i < a->ndefs; i++)
    CM_EQ_UNDER(e, def_eq(e, &a->defs[i], &b->defs[i]), "%sdef %u (%s)",
                *e->path ? "." : "", i, def_kind_name(a->defs[i].kind));
  return true;
}

bool comp_component_equal(const comp_component *a, const comp_component *b,
                          char *why, size_t n) {
  cm_eq e;
  cm_eq_init(&e, why, n);
  return component_eq(&e, a, b);
}
