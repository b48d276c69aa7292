/* validate_types.c -- type definitions and type checking (Explainer.md
 * "Type Definitions", "Declarators", "Type Checking"): builds the
 * canon_type of value types, function/component/instance/resource types,
 * core types; subtyping of externs (instantiation arguments, export
 * ascriptions); resource substitution; external visibility.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_priv.h"

/* The limit on the static byte size of a value type (the Canonical ABI's
 * 2^28 - 1 buffer/list limit), with 64-bit pointers. */
#define V_MAX_TYPE_SIZE ((1u << 28) - 1)

const char *comp_valid_sort_word(comp_sort s) {
  switch (s) {
  case COMP_SORT_CORE_MODULE: return "module";
  case COMP_SORT_FUNC: return "func";
  case COMP_SORT_VALUE: return "value";
  case COMP_SORT_TYPE: return "type";
  case COMP_SORT_COMPONENT: return "component";
  case COMP_SORT_INSTANCE: return "instance";
  default: return comp_sort_name(s);
  }
}

const char *comp_valid_ent_word(const vent *e) {
  return comp_valid_sort_word(e->sort);
}

bool comp_valid_type_is_resource(const vtype *t) {
  return t->kind == VT_RESOURCE;
}

/* A new resource type, pushed on `list`: an imported resource, or one an
 * export ascription hides the identity of. */
vtype *comp_valid_fresh_resource(comp_valid_ctx *v, vres_list *list) {
  vtype *t = comp_valid_alloc(v, sizeof *t);
  t->kind = VT_RESOURCE;
  vres *r = comp_valid_new_res(v, NULL);
  t->res = comp_valid_new_ref(v, r);
  vres_list_push(v, list, r);
  return t;
}

/* ---- value types ---------------------------------------------------------- */

const canon_type *comp_valid_valtype(comp_valid_ctx *v, vscope *s,
                                     const comp_valtype *t,
                                     const comp_pos *pos) {
  if (!t->is_index) return canon_type_prim(t->prim);
  vitem *it = vspace_get(s, COMP_SORT_TYPE, t->idx);
  if (!it) {
    comp_valid_oob(v, pos, COMP_SORT_TYPE, t->idx);
    return NULL;
  }
  if (it->ent.type->kind != VT_VAL) {
    comp_valid_fail(v, pos, "type index %u is not a defined type", t->idx);
    return NULL;
  }
  return it->ent.type->val;
}

static const char *field_words[][2] = {
    /* what, plural-conflict word */
    {"record field name", "field name"},
    {"variant case name", "case name"},
    {"flag name", "flag name"},
    {"enum tag name", "tag name"},
    {"function parameter name", "parameter name"},
};

/* Labels of records, variants, flags, enums, params: kebab case and
 * unique ignoring case. */
static bool check_labels(comp_valid_ctx *v, const comp_field *f, uint32_t n,
                         int which) {
  cm_nameset seen; /* as comp_valid_label_eq: ignoring case */
  comp_valid_nameset_init(v, &seen, true);
  for (uint32_t i = 0; i < n; i++) {
    if (!comp_valid_label(v, &f[i].label, field_words[which][0], &f[i].pos))
      return false;
    uint32_t j = i;
    if (cm_nameset_add(&seen, f[i].label.s, strlen(f[i].label.s), 0, &j) !=
        CM_NAMESET_ADDED)
      return comp_valid_fail(v, &f[i].pos,
                             "%s `%s` conflicts with previous %s `%s`",
                             field_words[which][0], f[i].label.s,
                             field_words[which][1], f[j].label.s);
  }
  return true;
}

static const canon_type *opt_valtype(comp_valid_ctx *v, vscope *s, bool has,
                                     const comp_valtype *t, const comp_pos *pos,
                                     bool *ok) {
  if (!has) return NULL;
  const canon_type *r = comp_valid_valtype(v, s, t, pos);
  if (!r) *ok = false;
  return r;
}

static const vres_ref *resource_at(comp_valid_ctx *v, vscope *s, uint32_t idx,
                                   const comp_pos *pos) {
  vitem *it = vspace_get(s, COMP_SORT_TYPE, idx);
  if (!it) {
    comp_valid_oob(v, pos, COMP_SORT_TYPE, idx);
    return NULL;
  }
  if (it->ent.type->kind != VT_RESOURCE) {
    comp_valid_fail(v, pos, "type index %u is not a resource type", idx);
    return NULL;
  }
  return it->ent.type->res;
}

static const canon_type *defvaltype(comp_valid_ctx *v, vscope *s,
                                    const comp_defvaltype *d,
                                    const comp_pos *pos) {
  canon_type_arena *A = v->arena;
  bool ok = true;
  const canon_type *r = NULL;
  uint32_t n = d->nfields;
  switch (d->kind) {
  case CANON_RECORD: {
    if (n == 0) {
      comp_valid_fail(v, pos, "record type must have at least one field");
      return NULL;
    }
    if (!check_labels(v, d->fields, n, 0)) return NULL;
    canon_field *fs = comp_valid_alloc(v, n * sizeof *fs);
    for (uint32_t i = 0; i < n; i++) {
      fs[i].label = d->fields[i].label.s;
      fs[i].t = comp_valid_valtype(v, s, &d->fields[i].type, &d->fields[i].pos);
      if (!fs[i].t) return NULL;
    }
    r = canon_type_record(A, fs, n);
    break;
  }
  case CANON_VARIANT: {
    if (n == 0) {
      comp_valid_fail(v, pos, "variant type must have at least one case");
      return NULL;
    }
    if (!check_labels(v, d->fields, n, 1)) return NULL;
    canon_case *cs = comp_valid_alloc(v, n * sizeof *cs);
    for (uint32_t i = 0; i < n; i++) {
      cs[i].label = d->fields[i].label.s;
      cs[i].t = opt_valtype(v, s, d->fields[i].has_type, &d->fields[i].type,
                            &d->fields[i].pos, &ok);
    }
    if (!ok) return NULL;
    r = canon_type_variant(A, cs, n);
    break;
  }
  case CANON_TUPLE: {
    if (n == 0) {
      comp_valid_fail(v, pos, "tuple type must have at least one type");
      return NULL;
    }
    const canon_type **ts = comp_valid_alloc(v, n * sizeof *ts);
    for (uint32_t i = 0; i < n; i++) {
      ts[i] = comp_valid_valtype(v, s, &d->fields[i].type, &d->fields[i].pos);
      if (!ts[i]) return NULL;
    }
    r = canon_type_tuple(A, ts, n);
    break;
  }
  case CANON_FLAGS:
  case CANON_ENUM: {
    bool fl = d->kind == CANON_FLAGS;
    if (n == 0) {
      comp_valid_fail(v, pos,
                      fl ? "flags must have at least one entry"
                         : "enum type must have at least one variant");
      return NULL;
    }
    if (fl && n > 32) {
      comp_valid_fail(v, pos, "cannot have more than 32 flags");
      return NULL;
    }
    if (!check_labels(v, d->fields, n, fl ? 2 : 3)) return NULL;
    const char **ls = comp_valid_alloc(v, n * sizeof *ls);
    for (uint32_t i = 0; i < n; i++) ls[i] = d->fields[i].label.s;
    r = fl ? canon_type_flags(A, ls, n) : canon_type_enum(A, ls, n);
    break;
  }
  case CANON_LIST: {
    const canon_type *e = comp_valid_valtype(v, s, &d->a, pos);
    if (!e) return NULL;
    if (d->fixed && d->length == 0) {
      comp_valid_fail(v, pos,
                      "fixed size lists must have more than zero elements");
      return NULL;
    }
    r = d->fixed ? canon_type_list_fixed(A, e, d->length)
                 : canon_type_list(A, e);
    break;
  }
  case CANON_OPTION: {
    const canon_type *e = comp_valid_valtype(v, s, &d->a, pos);
    if (!e) return NULL;
    r = canon_type_option(A, e);
    break;
  }
  case CANON_RESULT: {
    const canon_type *ok_t = opt_valtype(v, s, d->has_a, &d->a, pos, &ok);
    const canon_type *err_t = opt_valtype(v, s, d->has_b, &d->b, pos, &ok);
    if (!ok) return NULL;
    r = canon_type_result(A, ok_t, err_t);
    break;
  }
  case CANON_MAP: {
    const canon_type *k = comp_valid_valtype(v, s, &d->a, pos);
    const canon_type *val = k ? comp_valid_valtype(v, s, &d->b, pos) : NULL;
    if (!val) return NULL;
    r = canon_type_map(A, k, val);
    break;
  }
  case CANON_OWN:
  case CANON_BORROW: {
    const vres_ref *ref = resource_at(v, s, d->idx, pos);
    if (!ref) return NULL;
    r = d->kind == CANON_OWN ? canon_type_own(A, &ref->rt)
                             : canon_type_borrow(A, &ref->rt);
    break;
  }
  case CANON_STREAM:
  case CANON_FUTURE: {
    const canon_type *e = opt_valtype(v, s, d->has_a, &d->a, pos, &ok);
    if (!ok) return NULL;
    if (d->kind == CANON_STREAM && e && e->kind == CANON_CHAR) {
      comp_valid_fail(v, pos, "`stream<char>` is not valid at this time");
      return NULL;
    }
    r = d->kind == CANON_STREAM ? canon_type_stream(A, e)
                                : canon_type_future(A, e);
    break;
  }
  default:
    if (d->kind <= CANON_ERROR_CONTEXT) return canon_type_prim(d->kind);
    comp_valid_fail(v, pos, "invalid value type");
    return NULL;
  }
  if (!r) {
    comp_valid_fail(v, pos, "invalid value type");
    return NULL;
  }
  /* cmref's own bound (types.h): deeper types are refused here, so that
   * no walk of a type or a value can exhaust a fiber's stack */
  if (canon_type_depth(r) > CANON_MAX_TYPE_DEPTH) {
    comp_valid_fail(v, pos,
                    "type nesting depth %u exceeds the limit of %u "
                    "(cmref's CANON_MAX_TYPE_DEPTH)",
                    canon_type_depth(r), CANON_MAX_TYPE_DEPTH);
    return NULL;
  }
  if (canon_elem_size(r, CANON_FLAT_I64) > V_MAX_TYPE_SIZE) {
    comp_valid_fail(v, pos, "type size exceeds maximum byte size of %u",
                    V_MAX_TYPE_SIZE);
    return NULL;
  }
  return r;
}

const canon_FuncType *comp_valid_functype(comp_valid_ctx *v, vscope *s,
                                          const comp_functype *f,
                                          const comp_pos *pos) {
  if (!check_labels(v, f->params, f->nparams, 4)) return NULL;
  canon_field *ps = comp_valid_alloc(v, (f->nparams + 1) * sizeof *ps);
  for (uint32_t i = 0; i < f->nparams; i++) {
    ps[i].label = f->params[i].label.s;
    ps[i].t = comp_valid_valtype(v, s, &f->params[i].type, &f->params[i].pos);
    if (!ps[i].t) return NULL;
  }
  const canon_type *res = NULL;
  if (f->has_result) {
    res = comp_valid_valtype(v, s, &f->result, pos);
    if (!res) return NULL;
    if (canon_contains_borrow(res)) {
      comp_valid_fail(v, pos, "function result cannot contain a `borrow` type");
      return NULL;
    }
  }
  const canon_FuncType *ft =
      canon_FuncType_new(v->arena, ps, f->nparams, res, f->async);
  if (!ft) comp_valid_fail(v, pos, "invalid function type");
  return ft;
}

/* ---- component and instance types ----------------------------------------- */

static bool decl_export(comp_valid_ctx *v, vscope *s, const comp_decl *d) {
  vent e;
  if (!comp_valid_externtype(v, s, &d->ext, &e)) return false;
  if (e.sort == COMP_SORT_TYPE && d->ext.sub_resource) {
    e.type = comp_valid_fresh_resource(v, &s->defined_res);
  }
  return comp_valid_add_export(v, s, &d->name, e, &d->pos);
}

static bool type_scope(comp_valid_ctx *v, vscope *s, const comp_type *t) {
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const comp_decl *d = &t->decls[i];
    switch (d->kind) {
    case COMP_DECL_CORE_TYPE: {
      vitem tmp;
      memset(&tmp, 0, sizeof tmp);
      if (!comp_valid_core_type(v, s, d->core_type, &tmp)) return false;
      *vspace_push(v, s, COMP_SORT_CORE_TYPE) = tmp;
      break;
    }
    case COMP_DECL_TYPE: {
      const vtype *nt = comp_valid_deftype(v, s, d->type);
      if (!nt) return false;
      vspace_push(v, s, COMP_SORT_TYPE)->ent.type = nt;
      break;
    }
    case COMP_DECL_ALIAS:
      if (d->alias.kind == COMP_ALIAS_CORE_EXPORT)
        return comp_valid_fail(v, &d->pos,
                               "core export aliases are not allowed in "
                               "type declarations");
      if (!comp_valid_alias(v, s, &d->alias, &d->pos)) return false;
      break;
    case COMP_DECL_IMPORT:
      if (s->kind != VS_COMPONENT_TYPE)
        return comp_valid_fail(v, &d->pos,
                               "instance types cannot have imports");
      if (!comp_valid_add_import(v, s, &d->name, &d->ext, &d->pos))
        return false;
      break;
    case COMP_DECL_EXPORT:
      if (!decl_export(v, s, d)) return false;
      break;
    }
  }
  return true;
}

const vtype *comp_valid_deftype(comp_valid_ctx *v, vscope *s, comp_type *t) {
  vtype *r = comp_valid_alloc(v, sizeof *r);
  switch (t->kind) {
  case COMP_TYPE_VAL:
    r->kind = VT_VAL;
    r->val = defvaltype(v, s, &t->val, &t->pos);
    if (!r->val) return NULL;
    return r;
  case COMP_TYPE_FUNC:
    r->kind = VT_FUNC;
    r->func = comp_valid_functype(v, s, &t->func, &t->pos);
    return r->func ? r : NULL;
  case COMP_TYPE_RESOURCE: {
    if (s->kind != VS_COMPONENT) {
      comp_valid_fail(
          v, &t->pos,
          "resources can only be defined within a concrete component");
      return NULL;
    }
    if (t->resource.rep != CORE_I32) {
      comp_valid_fail(v, &t->pos, "resources can only be represented by `i32`");
      return NULL;
    }
    if (t->resource.has_dtor) {
      vitem *f = vspace_get(s, COMP_SORT_CORE_FUNC, t->resource.dtor);
      if (!f) {
        comp_valid_oob(v, &t->pos, COMP_SORT_CORE_FUNC, t->resource.dtor);
        return NULL;
      }
      const core_functype *ft = f->core.func;
      if (ft->nparams != 1 || ft->params[0] != CORE_I32 || ft->nresults != 0) {
        comp_valid_fail(v, &t->pos, "wrong signature for a destructor");
        return NULL;
      }
    }
    vres *res = comp_valid_new_res(v, s);
    res->rep = t->resource.rep;
    res->has_dtor = t->resource.has_dtor;
    vres_list_push(v, &s->defined_res, res);
    r->kind = VT_RESOURCE;
    r->res = comp_valid_new_ref(v, res);
    return r;
  }
  case COMP_TYPE_COMPONENT:
  case COMP_TYPE_INSTANCE: {
    vscope *in = comp_valid_alloc(v, sizeof *in);
    in->parent = s;
    in->kind =
        t->kind == COMP_TYPE_COMPONENT ? VS_COMPONENT_TYPE : VS_INSTANCE_TYPE;
    if (!type_scope(v, in, t)) return NULL;
    if (t->kind == COMP_TYPE_COMPONENT) {
      r->kind = VT_COMPONENT;
      r->comp = comp_valid_scope_comp_type(v, in, &in->defined_res);
    } else {
      vinst *i = comp_valid_alloc(v, sizeof *i);
      i->exports = in->exports;
      i->nexports = in->nexports;
      i->defined = in->defined_res;
      r->kind = VT_INSTANCE;
      r->inst = i;
    }
    return r;
  }
  }
  return NULL;
}

bool comp_valid_externtype(comp_valid_ctx *v, vscope *s,
                           const comp_externtype *et, vent *out) {
  memset(out, 0, sizeof *out);
  out->sort = et->sort;
  const comp_pos *pos = &et->pos;
  switch (et->sort) {
  case COMP_SORT_CORE_MODULE: {
    vitem *it = vspace_get(s, COMP_SORT_CORE_TYPE, et->idx);
    if (!it) return comp_valid_oob(v, pos, COMP_SORT_CORE_TYPE, et->idx);
    if (!it->module)
      return comp_valid_fail(v, pos, "core type index %u is not a module type",
                             et->idx);
    out->module = it->module;
    return true;
  }
  case COMP_SORT_FUNC:
  case COMP_SORT_COMPONENT:
  case COMP_SORT_INSTANCE: {
    vitem *it = vspace_get(s, COMP_SORT_TYPE, et->idx);
    if (!it) return comp_valid_oob(v, pos, COMP_SORT_TYPE, et->idx);
    const vtype *t = it->ent.type;
    if (et->sort == COMP_SORT_FUNC) {
      if (t->kind != VT_FUNC)
        return comp_valid_fail(v, pos, "type index %u is not a function type",
                               et->idx);
      out->func = t->func;
    } else if (et->sort == COMP_SORT_COMPONENT) {
      if (t->kind != VT_COMPONENT)
        return comp_valid_fail(v, pos, "type index %u is not a component type",
                               et->idx);
      out->comp = t->comp;
    } else {
      if (t->kind != VT_INSTANCE)
        return comp_valid_fail(v, pos, "type index %u is not an instance type",
                               et->idx);
      out->inst = t->inst;
    }
    return true;
  }
  case COMP_SORT_TYPE: {
    if (et->sub_resource) return true; /* the caller makes the resource */
    vitem *it = vspace_get(s, COMP_SORT_TYPE, et->idx);
    if (!it) return comp_valid_oob(v, pos, COMP_SORT_TYPE, et->idx);
    out->type = it->ent.type;
    return true;
  }
  case COMP_SORT_VALUE: {
    if (et->value_is_type) {
      out->value = comp_valid_valtype(v, s, &et->value_type, pos);
      return out->value != NULL;
    }
    vitem *it = vspace_get(s, COMP_SORT_VALUE, et->idx);
    if (!it) return comp_valid_oob(v, pos, COMP_SORT_VALUE, et->idx);
    out->value = it->ent.value;
    return true;
  }
  default: return comp_valid_fail(v, pos, "invalid extern type sort");
  }
}

/* ---- core types ------------------------------------------------------------ */

bool comp_valid_core_type(comp_valid_ctx *v, vscope *s, const comp_core_type *t,
                          vitem *out) {
  out->core_type_ast = t;
  if (t->kind == COMP_CORE_TYPE_FUNC) {
    out->core_functype = &t->func;
    return true;
  }
  /* a module type: its own core type index space */
  const core_functype **types =
      comp_valid_alloc(v, (t->ndecls + 1) * sizeof *types);
  const vcoremod **mtypes =
      comp_valid_alloc(v, (t->ndecls + 1) * sizeof *mtypes);
  uint32_t ntypes = 0;
  vcoremod *m = comp_valid_alloc(v, sizeof *m);
  m->imports = comp_valid_alloc(v, (t->ndecls + 1) * sizeof *m->imports);
  m->exports = comp_valid_alloc(v, (t->ndecls + 1) * sizeof *m->exports);
  vcorenames imported, exported;
  comp_valid_corenames_init(v, &imported);
  comp_valid_corenames_init(v, &exported);
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const comp_core_decl *d = &t->decls[i];
    switch (d->kind) {
    case COMP_CORE_DECL_TYPE:
      if (d->type->kind != COMP_CORE_TYPE_FUNC)
        return comp_valid_fail(v, &d->pos, "module types cannot be nested");
      types[ntypes++] = &d->type->func;
      break;
    case COMP_CORE_DECL_ALIAS: {
      vscope *o = s;
      for (uint32_t k = 1; k < d->outer_count && o; k++) o = o->parent;
      if (d->outer_count == 0 || !o)
        return comp_valid_fail(v, &d->pos, "invalid outer alias count of %u",
                               d->outer_count);
      vitem *it = vspace_get(o, COMP_SORT_CORE_TYPE, d->outer_idx);
      if (!it)
        return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_TYPE, d->outer_idx);
      types[ntypes] = it->core_functype;
      mtypes[ntypes++] = it->module;
      break;
    }
    case COMP_CORE_DECL_IMPORT:
    case COMP_CORE_DECL_EXPORT: {
      vcore_named nm;
      memset(&nm, 0, sizeof nm);
      nm.module = d->import.module;
      nm.name = d->import.name;
      nm.t.kind = d->import.kind;
      switch (d->import.kind) {
      case CORE_EXTERN_FUNC:
      case CORE_EXTERN_TAG: {
        uint32_t ti = d->import.kind == CORE_EXTERN_FUNC ? d->import.desc.func
                                                         : d->import.desc.tag;
        if (ti >= ntypes)
          return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_TYPE, ti);
        if (!types[ti])
          return comp_valid_fail(v, &d->pos,
                                 "type index %u is not a function type", ti);
        nm.t.func = types[ti];
        break;
      }
      case CORE_EXTERN_TABLE: nm.t.table = d->import.desc.table; break;
      case CORE_EXTERN_MEMORY: {
        const core_limits *l = &d->import.desc.memory.limits;
        uint64_t maxp = l->is64 ? (1ull << 48) : 65536;
        if (l->min > maxp || (l->has_max && l->max > maxp))
          return comp_valid_fail(v, &d->pos,
                                 "memory size must be at most %llu pages",
                                 (unsigned long long)maxp);
        /* threads proposal: as for a core module's own memories */
        if (l->shared && !l->has_max)
          return comp_valid_fail(v, &d->pos, "shared memory must have maximum");
        nm.t.mem = d->import.desc.memory;
        break;
      }
      case CORE_EXTERN_GLOBAL: nm.t.global = d->import.desc.global; break;
      }
      if (d->kind == COMP_CORE_DECL_IMPORT) {
        if (!comp_valid_corenames_add(&imported, &nm.module, &nm.name))
          return comp_valid_fail(v, &d->pos, "duplicate import name `%s:%s`",
                                 nm.module.s, nm.name.s);
        m->imports[m->nimports++] = nm;
      } else {
        if (!comp_valid_corenames_add(&exported, NULL, &nm.name))
          return comp_valid_fail(v, &d->pos, "export name `%s` already defined",
                                 nm.name.s);
        m->exports[m->nexports++] = nm;
      }
      break;
    }
    }
  }
  out->module = m;
  return true;
}

/* ---- substitution ------------------------------------------------------------ */

void vsubst_add(comp_valid_ctx *v, vsubst *m, vres *from, vres *to) {
  uint32_t cap_to = m->cap; /* the two grow alike */
  comp_valid_grow(v, (void **)&m->from, &m->cap, m->n, sizeof *m->from);
  comp_valid_grow(v, (void **)&m->to, &cap_to, m->n, sizeof *m->to);
  m->from[m->n] = from;
  m->to[m->n++] = to;
}

static int subst_find(const vsubst *m, const vres *r) {
  if (!m) return -1;
  for (uint32_t i = 0; i < m->n; i++)
    if (m->from[i] == r) return (int)i;
  return -1;
}

static vres *resolve(const vsubst *m, vres *r) {
  int i = subst_find(m, r);
  return i >= 0 && m->to[i] ? m->to[i] : r;
}

static const void *cache_get(const vsubst *m, const void *old) {
  for (uint32_t i = 0; i < m->nc; i++)
    if (m->cold[i] == old) return m->cnew[i];
  return NULL;
}

static void cache_put(comp_valid_ctx *v, vsubst *m, const void *old,
                      const void *nw) {
  uint32_t cap_new = m->capc; /* the two grow alike */
  comp_valid_grow(v, (void **)&m->cold, &m->capc, m->nc, sizeof *m->cold);
  comp_valid_grow(v, (void **)&m->cnew, &cap_new, m->nc, sizeof *m->cnew);
  m->cold[m->nc] = old;
  m->cnew[m->nc++] = nw;
}

void comp_valid_freshen(comp_valid_ctx *v, vsubst *m, const vres_list *defined,
                        vres_list *out) {
  for (uint32_t i = 0; i < defined->n; i++) {
    vres *r = comp_valid_new_res(v, NULL);
    vsubst_add(v, m, defined->v[i], r);
    if (out) vres_list_push(v, out, r);
  }
}

static const vres_ref *subst_ref(comp_valid_ctx *v, vsubst *m,
                                 const vres_ref *ref) {
  vres *to = resolve(m, ref->res);
  if (to == ref->res) return ref;
  const vres_ref *c = cache_get(m, ref);
  if (c) return c;
  c = comp_valid_new_ref(v, to);
  cache_put(v, m, ref, c);
  return c;
}

static const canon_type *subst_ct(comp_valid_ctx *v, vsubst *m,
                                  const canon_type *t) {
  if (!t || (m->n == 0 && m->nc == 0)) return t;
  const canon_type *c = cache_get(m, t);
  if (c) return c;
  canon_type_arena *A = v->arena;
  const canon_type *r = t;
  switch (t->kind) {
  case CANON_OWN:
  case CANON_BORROW: {
    const vres_ref *o = (const vres_ref *)(const void *)t->u.rt;
    const vres_ref *n = subst_ref(v, m, o);
    if (n != o)
      r = t->kind == CANON_OWN ? canon_type_own(A, &n->rt)
                               : canon_type_borrow(A, &n->rt);
    break;
  }
  case CANON_LIST: {
    const canon_type *e = subst_ct(v, m, t->u.list.elem);
    if (e != t->u.list.elem)
      r = t->u.list.fixed ? canon_type_list_fixed(A, e, t->u.list.length)
                          : canon_type_list(A, e);
    break;
  }
  case CANON_RECORD: {
    uint32_t n = t->u.record.n;
    canon_field *fs = comp_valid_alloc(v, n * sizeof *fs);
    bool ch = false;
    for (uint32_t i = 0; i < n; i++) {
      fs[i] = t->u.record.fields[i];
      fs[i].t = subst_ct(v, m, fs[i].t);
      ch |= fs[i].t != t->u.record.fields[i].t;
    }
    if (ch) r = canon_type_record(A, fs, n);
    break;
  }
  case CANON_VARIANT: {
    uint32_t n = t->u.variant.n;
    canon_case *cs = comp_valid_alloc(v, n * sizeof *cs);
    bool ch = false;
    for (uint32_t i = 0; i < n; i++) {
      cs[i] = t->u.variant.cases[i];
      cs[i].t = subst_ct(v, m, cs[i].t);
      ch |= cs[i].t != t->u.variant.cases[i].t;
    }
    if (ch) r = canon_type_variant(A, cs, n);
    break;
  }
  case CANON_TUPLE: {
    uint32_t n = t->u.tuple.n;
    const canon_type **ts = comp_valid_alloc(v, n * sizeof *ts);
    bool ch = false;
    for (uint32_t i = 0; i < n; i++) {
      ts[i] = subst_ct(v, m, t->u.tuple.ts[i]);
      ch |= ts[i] != t->u.tuple.ts[i];
    }
    if (ch) r = canon_type_tuple(A, ts, n);
    break;
  }
  case CANON_OPTION: {
    const canon_type *e = subst_ct(v, m, t->u.option);
    if (e != t->u.option) r = canon_type_option(A, e);
    break;
  }
  case CANON_RESULT: {
    const canon_type *a = subst_ct(v, m, t->u.result.ok);
    const canon_type *b = subst_ct(v, m, t->u.result.err);
    if (a != t->u.result.ok || b != t->u.result.err)
      r = canon_type_result(A, a, b);
    break;
  }
  case CANON_MAP: {
    const canon_type *a = subst_ct(v, m, t->u.map.k);
    const canon_type *b = subst_ct(v, m, t->u.map.v);
    if (a != t->u.map.k || b != t->u.map.v) r = canon_type_map(A, a, b);
    break;
  }
  case CANON_STREAM:
  case CANON_FUTURE: {
    const canon_type *e = subst_ct(v, m, t->u.payload);
    if (e != t->u.payload)
      r = t->kind == CANON_STREAM ? canon_type_stream(A, e)
                                  : canon_type_future(A, e);
    break;
  }
  default: break;
  }
  /* Never NULL: each constructor above gets the labels, counts and lengths
   * it already accepted for t, and parts that subst_ct made from non-NULL
   * parts (it returns NULL only for NULL); the arena does not return NULL
   * (canon_xrealloc ends cmref when out of memory).  Keep t all the same. */
  if (!r) r = t;
  if (r != t) cache_put(v, m, t, r);
  return r;
}

static const canon_FuncType *subst_ft(comp_valid_ctx *v, vsubst *m,
                                      const canon_FuncType *f) {
  if (m->n == 0 && m->nc == 0) return f;
  canon_field *ps = comp_valid_alloc(v, (f->nparams + 1) * sizeof *ps);
  bool ch = false;
  for (uint32_t i = 0; i < f->nparams; i++) {
    ps[i] = f->params[i];
    ps[i].t = subst_ct(v, m, ps[i].t);
    ch |= ps[i].t != f->params[i].t;
  }
  const canon_type *res = subst_ct(v, m, f->result);
  ch |= res != f->result;
  if (!ch) return f;
  const canon_FuncType *n =
      canon_FuncType_new(v->arena, ps, f->nparams, res, f->async);
  return n ? n : f;
}

static vnamed *subst_named(comp_valid_ctx *v, vsubst *m, const vnamed *a,
                           uint32_t n) {
  vnamed *r = comp_valid_alloc(v, (n + 1) * sizeof *r);
  for (uint32_t i = 0; i < n; i++) {
    r[i].name = a[i].name;
    r[i].t = comp_valid_subst_ent(v, m, &a[i].t);
  }
  return r;
}

static const vtype *subst_type(comp_valid_ctx *v, vsubst *m, const vtype *t) {
  const vtype *c = cache_get(m, t);
  if (c) return c;
  vtype *n = comp_valid_alloc(v, sizeof *n);
  *n = *t;
  switch (t->kind) {
  case VT_VAL: n->val = subst_ct(v, m, t->val); break;
  case VT_FUNC: n->func = subst_ft(v, m, t->func); break;
  case VT_RESOURCE: n->res = subst_ref(v, m, t->res); break;
  case VT_INSTANCE: {
    vent e = {.sort = COMP_SORT_INSTANCE, .inst = t->inst};
    n->inst = comp_valid_subst_ent(v, m, &e).inst;
    break;
  }
  case VT_COMPONENT: {
    vent e = {.sort = COMP_SORT_COMPONENT, .comp = t->comp};
    n->comp = comp_valid_subst_ent(v, m, &e).comp;
    break;
  }
  }
  cache_put(v, m, t, n);
  return n;
}

vent comp_valid_subst_ent(comp_valid_ctx *v, vsubst *m, const vent *e) {
  vent r = *e;
  if (!m || (m->n == 0 && m->nc == 0)) return r;
  switch (e->sort) {
  case COMP_SORT_FUNC: r.func = subst_ft(v, m, e->func); break;
  case COMP_SORT_VALUE: r.value = subst_ct(v, m, e->value); break;
  case COMP_SORT_TYPE: r.type = subst_type(v, m, e->type); break;
  case COMP_SORT_INSTANCE: {
    vinst *i = comp_valid_alloc(v, sizeof *i);
    *i = *e->inst;
    i->exports = subst_named(v, m, e->inst->exports, e->inst->nexports);
    r.inst = i;
    break;
  }
  case COMP_SORT_COMPONENT: {
    vcomp *c = comp_valid_alloc(v, sizeof *c);
    *c = *e->comp;
    c->imports = subst_named(v, m, e->comp->imports, e->comp->nimports);
    c->exports = subst_named(v, m, e->comp->exports, e->comp->nexports);
    r.comp = c;
    break;
  }
  default: break;
  }
  return r;
}

/* ---- subtyping ------------------------------------------------------------ */

typedef struct vmsg {
  char *buf;       /* the innermost reason */
  size_t n;
  char trail[320]; /* where it was met, innermost first: "in ..., in ..." */
  /* pairs of value types already checked (or being checked) in this walk:
   * types are DAGs, and a pair met again holds (a failure ends the walk) */
  canon_type_pairs seen;
} vmsg;

static bool why(vmsg *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool why(vmsg *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->buf, w->n, fmt, ap);
  va_end(ap);
  return false;
}

/* Adds where the mismatch was met.  The final message names the places,
 * innermost first, after "type mismatch" and then the reason, as in
 * "type mismatch in record field `x`, in component instantiation argument
 * `x`: expected option, found u32": the reference tests expect either the
 * innermost place ("type mismatch in record field `x`") or the reason. */
static bool ctx(vmsg *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool ctx(vmsg *w, const char *fmt, ...) {
  char pre[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  size_t k = strlen(w->trail);
  snprintf(w->trail + k, sizeof w->trail - k, "%s%s", k ? ", " : "", pre);
  return false;
}

static bool is_prim(const canon_type *t) { return t->kind <= CANON_ERROR_CONTEXT; }

static bool res_sub(comp_valid_ctx *v, vsubst *m, vres *a, vres *b, vmsg *w) {
  (void)v;
  a = resolve(m, a);
  int i = subst_find(m, b);
  if (i >= 0 && !m->to[i]) {
    m->to[i] = a;
    return true;
  }
  b = resolve(m, b);
  if (a != b) return why(w, "resource types are not the same");
  return true;
}

static bool ct_sub(comp_valid_ctx *v, vsubst *m, const canon_type *a,
                   const canon_type *b, vmsg *w);

static bool opt_sub(comp_valid_ctx *v, vsubst *m, const canon_type *a,
                    const canon_type *b, vmsg *w, const char *what) {
  if (!a && !b) return true;
  if (a && !b) return why(w, "expected %s type to not be present", what);
  if (!a && b) return why(w, "expected %s type, but found none", what);
  if (!ct_sub(v, m, a, b, w))
    return ctx(w, "in %s variant", what);
  return true;
}

static bool labels_eq(const char *const *a, uint32_t na, const char *const *b,
                      uint32_t nb) {
  if (na != nb) return false;
  for (uint32_t i = 0; i < na; i++)
    if (strcmp(a[i], b[i]) != 0) return false;
  return true;
}

static bool ct_sub_top(comp_valid_ctx *v, vsubst *m, const canon_type *a,
                       const canon_type *b, vmsg *w, bool top);
static bool ct_sub(comp_valid_ctx *v, vsubst *m, const canon_type *a,
                   const canon_type *b, vmsg *w) {
  if (a && b && !canon_type_pairs_add(&w->seen, a, b)) return true;
  return ct_sub_top(v, m, a, b, w, false);
}
static bool ct_sub_top(comp_valid_ctx *v, vsubst *m, const canon_type *a,
                       const canon_type *b, vmsg *w, bool top) {
  if (a == b && (!m || m->n == 0)) return true;
  if (is_prim(a) && is_prim(b)) {
    if (a->kind != b->kind)
      return why(w, "expected primitive `%s` found primitive `%s`",
                 canon_kind_name(b->kind), canon_kind_name(a->kind));
    return true;
  }
  if (is_prim(b) && top)
    return why(w, "expected primitive, found %s", canon_kind_name(a->kind));
  if (a->kind != b->kind)
    return why(w, "expected %s, found %s", canon_kind_name(b->kind),
               canon_kind_name(a->kind));
  switch (a->kind) {
  case CANON_RECORD:
    if (a->u.record.n != b->u.record.n)
      return why(w, "expected %u fields, found %u", b->u.record.n,
                 a->u.record.n);
    for (uint32_t i = 0; i < a->u.record.n; i++) {
      const canon_field *fa = &a->u.record.fields[i], *fb = &b->u.record.fields[i];
      if (strcmp(fa->label, fb->label) != 0)
        return why(w, "expected field name `%s`, found `%s`", fb->label,
                   fa->label);
      if (!ct_sub(v, m, fa->t, fb->t, w))
        return ctx(w, "in record field `%s`", fa->label);
    }
    return true;
  case CANON_VARIANT:
    if (a->u.variant.n != b->u.variant.n)
      return why(w, "expected %u cases, found %u", b->u.variant.n,
                 a->u.variant.n);
    for (uint32_t i = 0; i < a->u.variant.n; i++) {
      const canon_case *ca = &a->u.variant.cases[i], *cb = &b->u.variant.cases[i];
      if (strcmp(ca->label, cb->label) != 0)
        return why(w, "expected case named `%s`, found `%s`", cb->label,
                   ca->label);
      if (cb->t && !ca->t)
        return why(w, "expected case `%s` to have a type, found none",
                   cb->label);
      if (!cb->t && ca->t)
        return why(w, "expected case `%s` to have no type", cb->label);
      if (ca->t && !ct_sub(v, m, ca->t, cb->t, w))
        return ctx(w, "in variant case `%s`", ca->label);
    }
    return true;
  case CANON_TUPLE:
    if (a->u.tuple.n != b->u.tuple.n)
      return why(w, "expected %u types, found %u", b->u.tuple.n, a->u.tuple.n);
    for (uint32_t i = 0; i < a->u.tuple.n; i++)
      if (!ct_sub(v, m, a->u.tuple.ts[i], b->u.tuple.ts[i], w))
        return ctx(w, "in tuple field %u", i);
    return true;
  case CANON_FLAGS:
    if (!labels_eq(a->u.labels.labels, a->u.labels.n, b->u.labels.labels,
                   b->u.labels.n))
      return why(w, "mismatch in flags elements");
    return true;
  case CANON_ENUM:
    if (!labels_eq(a->u.labels.labels, a->u.labels.n, b->u.labels.labels,
                   b->u.labels.n))
      return why(w, "mismatch in enum elements");
    return true;
  case CANON_OPTION:
    if (!ct_sub(v, m, a->u.option, b->u.option, w))
      return ctx(w, "in option");
    return true;
  case CANON_RESULT:
    return opt_sub(v, m, a->u.result.ok, b->u.result.ok, w, "ok") &&
           opt_sub(v, m, a->u.result.err, b->u.result.err, w, "err");
  case CANON_LIST:
    if (a->u.list.fixed != b->u.list.fixed ||
        a->u.list.length != b->u.list.length)
      return why(w, "expected list length %u, found %u", b->u.list.length,
                 a->u.list.length);
    if (!ct_sub(v, m, a->u.list.elem, b->u.list.elem, w))
      return ctx(w, "in list element");
    return true;
  case CANON_MAP:
    if (!ct_sub(v, m, a->u.map.k, b->u.map.k, w))
      return ctx(w, "in map key");
    if (!ct_sub(v, m, a->u.map.v, b->u.map.v, w))
      return ctx(w, "in map value");
    return true;
  case CANON_OWN:
  case CANON_BORROW:
    return res_sub(v, m, vres_of(a->u.rt), vres_of(b->u.rt), w);
  case CANON_STREAM:
  case CANON_FUTURE:
    if (!a->u.payload && !b->u.payload) return true;
    if (!a->u.payload || !b->u.payload)
      return why(w, "mismatch in %s payload", canon_kind_name(a->kind));
    if (!ct_sub(v, m, a->u.payload, b->u.payload, w))
      return ctx(w, "in %s payload", canon_kind_name(a->kind));
    return true;
  default: return true;
  }
}

static bool ft_sub(comp_valid_ctx *v, vsubst *m, const canon_FuncType *a,
                   const canon_FuncType *b, vmsg *w) {
  if (a->async != b->async)
    return why(w, "expected %s function, found %s function",
               b->async ? "async" : "sync", a->async ? "async" : "sync");
  if (a->nparams != b->nparams)
    return why(w, "expected %u parameters, found %u", b->nparams, a->nparams);
  for (uint32_t i = 0; i < a->nparams; i++) {
    if (strcmp(a->params[i].label, b->params[i].label) != 0)
      return why(w, "expected parameter named `%s`, found `%s`",
                 b->params[i].label, a->params[i].label);
    /* parameters are contravariant; value types have no proper subtypes */
    if (!ct_sub(v, m, a->params[i].t, b->params[i].t, w))
      return ctx(w, "in function parameter `%s`",
                 a->params[i].label);
  }
  /* worded like the reference validator's */
  if (a->result && !b->result) return why(w, "expected a result, found none");
  if (!a->result && b->result) return why(w, "expected no result, found one");
  if (a->result && !ct_sub(v, m, a->result, b->result, w))
    return ctx(w, "with result type");
  return true;
}

static const char *core_kind_word(core_externkind k) {
  static const char *const w[] = {"func", "table", "memory", "global", "tag"};
  return w[k];
}

static void functype_text(const core_functype *f, char *buf, size_t n) {
  size_t o = (size_t)snprintf(buf, n, "(func");
  if (f->nparams && o < n) {
    o += (size_t)snprintf(buf + o, n - o, " (param");
    for (uint32_t i = 0; i < f->nparams && o < n; i++)
      o += (size_t)snprintf(buf + o, n - o, " %s", core_valtype_name(f->params[i]));
    if (o < n) o += (size_t)snprintf(buf + o, n - o, ")");
  }
  if (f->nresults && o < n) {
    o += (size_t)snprintf(buf + o, n - o, " (result");
    for (uint32_t i = 0; i < f->nresults && o < n; i++)
      o += (size_t)snprintf(buf + o, n - o, " %s", core_valtype_name(f->results[i]));
    if (o < n) o += (size_t)snprintf(buf + o, n - o, ")");
  }
  if (o < n) snprintf(buf + o, n - o, ")");
}

static bool core_ft_eq(const core_functype *a, const core_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams ||
          !memcmp(a->params, b->params, a->nparams * sizeof *a->params)) &&
         (!a->nresults ||
          !memcmp(a->results, b->results, a->nresults * sizeof *a->results));
}

static bool limits_sub(const core_limits *a, const core_limits *b) {
  if (a->min < b->min) return false;
  if (b->has_max && (!a->has_max || a->max > b->max)) return false;
  return true;
}

bool comp_valid_sub_core(comp_valid_ctx *v, const vcore_ext *a,
                         const vcore_ext *b, char *msg, size_t n) {
  (void)v;
  vmsg w = {msg, n, "", {0}};
  if (a->kind != b->kind)
    return why(&w, "expected %s, found %s", core_kind_word(b->kind),
               core_kind_word(a->kind));
  switch (a->kind) {
  case CORE_EXTERN_FUNC:
  case CORE_EXTERN_TAG:
    if (!core_ft_eq(a->func, b->func)) {
      char ta[200], tb[200];
      functype_text(a->func, ta, sizeof ta);
      functype_text(b->func, tb, sizeof tb);
      return why(&w, "expected: %s, found: %s", tb, ta);
    }
    return true;
  case CORE_EXTERN_TABLE:
    if (a->table.elem != b->table.elem)
      return why(&w, "expected table element type %s, found %s",
                 core_valtype_name(b->table.elem),
                 core_valtype_name(a->table.elem));
    if (a->table.limits.is64 != b->table.limits.is64)
      return why(&w, "mismatch in index type used for tables");
    if (!limits_sub(&a->table.limits, &b->table.limits))
      return why(&w, "mismatch in table limits");
    return true;
  case CORE_EXTERN_MEMORY:
    if (a->mem.limits.shared != b->mem.limits.shared)
      return why(&w, "mismatch in the shared flag for memories");
    if (a->mem.limits.is64 != b->mem.limits.is64)
      return why(&w, "mismatch in index type used for memories");
    if (!limits_sub(&a->mem.limits, &b->mem.limits))
      return why(&w, "mismatch in memory limits");
    return true;
  case CORE_EXTERN_GLOBAL:
    if (a->global.mut != b->global.mut)
      return why(&w, "global types differ in mutability");
    if (a->global.type != b->global.type)
      return why(&w, "expected global type %s, found %s",
                 core_valtype_name(b->global.type),
                 core_valtype_name(a->global.type));
    return true;
  }
  return true;
}

static bool module_sub(comp_valid_ctx *v, const vcoremod *a, const vcoremod *b,
                       vmsg *w) {
  /* every import a needs must be one b's users provide (contravariant) */
  for (uint32_t i = 0; i < a->nimports; i++) {
    const vcore_named *ia = &a->imports[i];
    const vcore_named *ib =
        comp_valid_find_core(v, (vnindex **)&b->ix_imports, b->imports,
                             b->nimports, &ia->module, &ia->name);
    if (!ib)
      return why(w, "missing expected import `%s::%s`", ia->module.s,
                 ia->name.s);
    if (!comp_valid_sub_core(v, &ib->t, &ia->t, w->buf, w->n))
      return ctx(w, "in import `%s::%s`", ia->module.s,
                 ia->name.s);
  }
  for (uint32_t i = 0; i < b->nexports; i++) {
    const vcore_named *eb = &b->exports[i];
    const vcore_named *ea =
        comp_valid_find_core(v, (vnindex **)&a->ix_exports, a->exports,
                             a->nexports, NULL, &eb->name);
    if (!ea) return why(w, "missing expected export `%s`", eb->name.s);
    if (!comp_valid_sub_core(v, &ea->t, &eb->t, w->buf, w->n))
      return ctx(w, "in export `%s`", eb->name.s);
  }
  return true;
}

static bool ent_sub(comp_valid_ctx *v, vsubst *m, const vent *a, const vent *b,
                    vmsg *w);

/* The entry named name; ix caches an index (logically part of the const
 * type it belongs to). */
static const vnamed *find_named(comp_valid_ctx *v, vnindex *const *ix,
                                const vnamed *arr, uint32_t n,
                                const char *name) {
  return comp_valid_find_named(v, (vnindex **)ix, arr, n, name, strlen(name));
}

static bool type_sub(comp_valid_ctx *v, vsubst *m, const vtype *a,
                     const vtype *b, vmsg *w) {
  if (a->kind == VT_RESOURCE || b->kind == VT_RESOURCE) {
    if (a->kind != VT_RESOURCE)
      return why(w, "expected resource, found %s",
                 a->kind == VT_VAL ? "defined type" : "type");
    if (b->kind != VT_RESOURCE)
      return why(w, "expected defined type, found resource");
    return res_sub(v, m, a->res->res, b->res->res, w);
  }
  static const char *const kw[] = {"defined type", "func", "component",
                                   "instance", "resource"};
  if (a->kind != b->kind)
    return why(w, "expected %s, found %s", kw[b->kind], kw[a->kind]);
  switch (a->kind) {
  case VT_VAL: return ct_sub_top(v, m, a->val, b->val, w, true);
  case VT_FUNC: return ft_sub(v, m, a->func, b->func, w);
  case VT_INSTANCE: {
    vent ea = {.sort = COMP_SORT_INSTANCE, .inst = a->inst};
    vent eb = {.sort = COMP_SORT_INSTANCE, .inst = b->inst};
    return ent_sub(v, m, &ea, &eb, w);
  }
  case VT_COMPONENT: {
    vent ea = {.sort = COMP_SORT_COMPONENT, .comp = a->comp};
    vent eb = {.sort = COMP_SORT_COMPONENT, .comp = b->comp};
    return ent_sub(v, m, &ea, &eb, w);
  }
  default: return true;
  }
}

/* A named value type (record, variant, enum, flags) that b imports or
 * exports stands, after instantiation, for the type a gives it, like a
 * bound resource: substitution then replaces b's name by a's, so that the
 * types b's exports build on it stay visible through a's name
 * (Explainer.md "Type Checking": imports are substituted by arguments). */
static void bind_named(comp_valid_ctx *v, vsubst *m, const vtype *a,
                       const vtype *b) {
  if (a->kind != VT_VAL || b->kind != VT_VAL || a->val == b->val) return;
  canon_kind k = b->val->kind;
  if (k != CANON_RECORD && k != CANON_VARIANT && k != CANON_ENUM &&
      k != CANON_FLAGS)
    return;
  if (!cache_get(m, b->val)) cache_put(v, m, b->val, a->val);
}

static bool ent_sub(comp_valid_ctx *v, vsubst *m, const vent *a, const vent *b,
                    vmsg *w) {
  if (a->sort != b->sort)
    return why(w, "expected %s, found %s", comp_valid_sort_word(b->sort),
               comp_valid_sort_word(a->sort));
  switch (a->sort) {
  case COMP_SORT_CORE_MODULE: return module_sub(v, a->module, b->module, w);
  case COMP_SORT_FUNC: return ft_sub(v, m, a->func, b->func, w);
  case COMP_SORT_VALUE: return ct_sub(v, m, a->value, b->value, w);
  case COMP_SORT_TYPE:
    if (!type_sub(v, m, a->type, b->type, w)) return false;
    bind_named(v, m, a->type, b->type);
    return true;
  case COMP_SORT_INSTANCE: {
    /* b's own abstract resources are bound by what a exports */
    for (uint32_t i = 0; i < b->inst->defined.n; i++)
      if (subst_find(m, b->inst->defined.v[i]) < 0)
        vsubst_add(v, m, b->inst->defined.v[i], NULL);
    for (uint32_t i = 0; i < b->inst->nexports; i++) {
      const vnamed *eb = &b->inst->exports[i];
      const vnamed *ea =
          find_named(v, &a->inst->ix_exports, a->inst->exports,
                     a->inst->nexports, eb->name);
      if (!ea) return why(w, "missing expected export `%s`", eb->name);
      if (!ent_sub(v, m, &ea->t, &eb->t, w))
        return ctx(w, "in instance export `%s`", eb->name);
    }
    return true;
  }
  case COMP_SORT_COMPONENT: {
    const vcomp *ca = a->comp, *cb = b->comp;
    for (uint32_t i = 0; i < ca->imported.n; i++)
      if (subst_find(m, ca->imported.v[i]) < 0)
        vsubst_add(v, m, ca->imported.v[i], NULL);
    for (uint32_t i = 0; i < ca->nimports; i++) {
      const vnamed *ia = &ca->imports[i];
      const vnamed *ib = find_named(v, &cb->ix_imports, cb->imports,
                                         cb->nimports, ia->name);
      if (!ib) return why(w, "missing expected import `%s`", ia->name);
      if (!ent_sub(v, m, &ib->t, &ia->t, w))
        return ctx(w, "in import `%s`", ia->name);
    }
    for (uint32_t i = 0; i < cb->defined.n; i++)
      if (subst_find(m, cb->defined.v[i]) < 0)
        vsubst_add(v, m, cb->defined.v[i], NULL);
    for (uint32_t i = 0; i < cb->nexports; i++) {
      const vnamed *eb = &cb->exports[i];
      const vnamed *ea = find_named(v, &ca->ix_exports, ca->exports,
                                         ca->nexports, eb->name);
      if (!ea) return why(w, "missing expected export `%s`", eb->name);
      if (!ent_sub(v, m, &ea->t, &eb->t, w))
        return ctx(w, "in export `%s`", eb->name);
    }
    return true;
  }
  default: return true;
  }
}

bool comp_valid_sub_ent_bind(comp_valid_ctx *v, const vent *a, const vent *b,
                             vsubst *m, const comp_pos *pos,
                             const char *context, const char *name) {
  vsubst local = {0};
  if (!m) m = &local;
  char buf[480];
  buf[0] = 0;
  vmsg w = {buf, sizeof buf, "", {0}};
  bool ok = ent_sub(v, m, a, b, &w);
  canon_type_pairs_free(&w.seen);
  if (ok) return true;
  const char *sep = w.trail[0] ? ", " : "";
  if (context && name)
    return comp_valid_fail(v, pos, "type mismatch %s%s%s `%s`: %s", w.trail,
                           sep, context, name, buf);
  if (w.trail[0] && context)
    return comp_valid_fail(v, pos, "%s: type mismatch %s: %s", context, w.trail,
                           buf);
  if (context) return comp_valid_fail(v, pos, "%s: %s", context, buf);
  if (w.trail[0])
    return comp_valid_fail(v, pos, "type mismatch %s: %s", w.trail, buf);
  return comp_valid_fail(v, pos, "%s", buf);
}

/* ---- external visibility ---------------------------------------------- */

typedef struct vis {
  const vptrset *a, *b; /* the named sets that count */
  vptrset local;        /* names introduced inside the type being walked */
} vis;

static bool vis_has(const vis *x, const void *p) {
  return (x->a && vptrset_has(x->a, p)) || (x->b && vptrset_has(x->b, p)) ||
         vptrset_has(&x->local, p);
}

/* A type is a DAG: each node is checked once per walk (seen), since a
 * node already checked passed (a failure ends the walk). */
static bool ct_named_walk(const vis *x, const canon_type *t, bool top,
                          canon_type_set *seen) {
  if (!t) return true;
  if (!top && !canon_type_set_add(seen, t)) return true;
  switch (t->kind) {
  case CANON_RECORD:
  case CANON_VARIANT:
  case CANON_ENUM:
  case CANON_FLAGS:
    if (!top && !vis_has(x, t)) return false;
    break;
  case CANON_OWN:
  case CANON_BORROW: return vis_has(x, t->u.rt);
  default: break;
  }
  switch (t->kind) {
  case CANON_LIST: return ct_named_walk(x, t->u.list.elem, false, seen);
  case CANON_RECORD:
    for (uint32_t i = 0; i < t->u.record.n; i++)
      if (!ct_named_walk(x, t->u.record.fields[i].t, false, seen))
        return false;
    return true;
  case CANON_VARIANT:
    for (uint32_t i = 0; i < t->u.variant.n; i++)
      if (!ct_named_walk(x, t->u.variant.cases[i].t, false, seen))
        return false;
    return true;
  case CANON_TUPLE:
    for (uint32_t i = 0; i < t->u.tuple.n; i++)
      if (!ct_named_walk(x, t->u.tuple.ts[i], false, seen)) return false;
    return true;
  case CANON_OPTION: return ct_named_walk(x, t->u.option, false, seen);
  case CANON_RESULT:
    return ct_named_walk(x, t->u.result.ok, false, seen) &&
           ct_named_walk(x, t->u.result.err, false, seen);
  case CANON_MAP:
    return ct_named_walk(x, t->u.map.k, false, seen) &&
           ct_named_walk(x, t->u.map.v, false, seen);
  case CANON_STREAM:
  case CANON_FUTURE: return ct_named_walk(x, t->u.payload, false, seen);
  default: return true;
  }
}

static bool ct_named(const vis *x, const canon_type *t, bool top) {
  canon_type_set seen = {0};
  bool ok = ct_named_walk(x, t, top, &seen);
  canon_type_set_free(&seen);
  return ok;
}

static bool ent_named(comp_valid_ctx *v, vis *x, const vent *e);

static void vis_name(comp_valid_ctx *v, vis *x, const vent *e) {
  if (e->sort != COMP_SORT_TYPE) return;
  const vtype *t = e->type;
  if (t->kind == VT_RESOURCE) vptrset_add(v, &x->local, t->res);
  else if (t->kind == VT_VAL) vptrset_add(v, &x->local, t->val);
}

static bool named_list(comp_valid_ctx *v, vis *x, const vnamed *l, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (!ent_named(v, x, &l[i].t)) return false;
    vis_name(v, x, &l[i].t);
  }
  return true;
}

static bool ent_named(comp_valid_ctx *v, vis *x, const vent *e) {
  switch (e->sort) {
  case COMP_SORT_FUNC:
    for (uint32_t i = 0; i < e->func->nparams; i++)
      if (!ct_named(x, e->func->params[i].t, false)) return false;
    return ct_named(x, e->func->result, false);
  case COMP_SORT_VALUE: return ct_named(x, e->value, false);
  case COMP_SORT_TYPE:
    switch (e->type->kind) {
    case VT_VAL: return ct_named(x, e->type->val, true);
    case VT_FUNC: {
      vent f = {.sort = COMP_SORT_FUNC, .func = e->type->func};
      return ent_named(v, x, &f);
    }
    case VT_INSTANCE: {
      vent f = {.sort = COMP_SORT_INSTANCE, .inst = e->type->inst};
      return ent_named(v, x, &f);
    }
    case VT_COMPONENT: {
      vent f = {.sort = COMP_SORT_COMPONENT, .comp = e->type->comp};
      return ent_named(v, x, &f);
    }
    default: return true;
    }
  case COMP_SORT_INSTANCE:
    return named_list(v, x, e->inst->exports, e->inst->nexports);
  case COMP_SORT_COMPONENT: {
    /* a component type is closed: what it uses is its own business,
     * except types it gets from outside (checked when it was built) */
    return true;
  }
  default: return true;
  }
}

bool comp_valid_ent_named(comp_valid_ctx *v, vscope *s, const vent *e,
                          bool import) {
  vis x;
  memset(&x, 0, sizeof x);
  x.a = &s->imported_named;
  x.b = import ? NULL : &s->exported_named;
  /* inside an instance's exports, its exported types name themselves */
  return ent_named(v, &x, e);
}
