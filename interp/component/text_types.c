/* text_types.c -- the type productions of the component text format
 * (Explainer.md "Type Definitions", "Declarators"; core module types), and
 * the import/export declarators.
 *
 * Wherever the binary format holds a type index (valtype, typeuse of an
 * externtype, the type of `canon lift`), the text may write the type
 * inline; the inline type is emitted as a separate type definition (or
 * declarator) of the current scope just before its user.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"
#include "../../canon/grow.h"

static bool unexpected(comp_text_parser *p, const sx_node *n) {
  sx_error(p->err, n, "unexpected token");
  return false;
}

/* Items i up to end of l must not be there: false, at the first, if they
 * are. */
static bool expect_end(comp_text_parser *p, const sx_node *l, size_t i,
                       size_t end) {
  if (i < end) return unexpected(p, l->items[i]);
  return true;
}

static bool early_end(comp_text_parser *p, const sx_node *n, const char *what) {
  sx_error(p->err, n, "unexpected end of %s", what);
  return false;
}

/* A new type (component or core) of `kind` at n; NULL, out of memory
 * reported, on failure. */
static comp_type *new_type(comp_text_parser *p, comp_typekind kind,
                           const sx_node *n) {
  comp_type *t = comp_type_new(kind);
  if (t) t->pos = comp_text_pos(n);
  else comp_text_oom(p, n);
  return t;
}

static comp_core_type *new_core_type(comp_text_parser *p,
                                     comp_core_typekind kind,
                                     const sx_node *n) {
  comp_core_type *t = comp_core_type_new(kind);
  if (t) t->pos = comp_text_pos(n);
  else comp_text_oom(p, n);
  return t;
}

static const sx_node *opt_id(const sx_node *list, size_t *i) {
  if (*i < list->n && list->items[*i]->kind == SX_ID) return list->items[(*i)++];
  return NULL;
}

static bool enter(comp_text_parser *p, const sx_node *n) {
  if (++p->depth > CP_MAX_DEPTH) {
    sx_error(p->err, n, "nesting too deep");
    return false;
  }
  return true;
}

/* ---- value types ------------------------------------------------------- */

static const struct {
  const char *kw;
  canon_kind k;
} prims[] = {
    {"bool", CANON_BOOL}, {"s8", CANON_S8},     {"u8", CANON_U8},
    {"s16", CANON_S16},   {"u16", CANON_U16},   {"s32", CANON_S32},
    {"u32", CANON_U32},   {"s64", CANON_S64},   {"u64", CANON_U64},
    {"f32", CANON_F32},   {"f64", CANON_F64},   {"char", CANON_CHAR},
    {"string", CANON_STRING}, {"error-context", CANON_ERROR_CONTEXT},
};

static bool prim(const sx_node *n, canon_kind *out) {
  if (!n || n->kind != SX_KEYWORD) return false;
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (sx_atom_eq(n, prims[i].kw)) {
      *out = prims[i].k;
      return true;
    }
  return false;
}

bool comp_text_is_typeuse(const sx_node *n) {
  if (!sx_is_form(n, "type") || n->n < 2 || !comp_text_is_idx(n->items[1]))
    return false;
  for (size_t i = 2; i < n->n; i++)
    if (n->items[i]->kind != SX_STRING) return false;
  return true;
}

static bool defvaltype(comp_text_parser *p, const sx_node *n,
                       comp_defvaltype *out);

bool comp_text_valtype(comp_text_parser *p, const sx_node *n,
                       comp_valtype *out) {
  memset(out, 0, sizeof *out);
  if (prim(n, &out->prim)) return true;
  if (comp_text_is_idx(n)) {
    out->is_index = true;
    return comp_text_resolve(p, COMP_SORT_TYPE, n, &out->idx);
  }
  if (!sx_is_list(n)) return unexpected(p, n);
  comp_type *t = new_type(p, COMP_TYPE_VAL, n);
  if (!t) return false;
  if (!defvaltype(p, n, &t->val)) {
    comp_type_free(t);
    return false;
  }
  out->is_index = true;
  out->idx = comp_text_emit_type(p, t, NULL, n);
  return out->idx != UINT32_MAX;
}

/* Appends a field to *arr. */
static comp_field *add_field(comp_field **arr, uint32_t *n,
                             uint32_t *cap, const sx_node *at) {
  CANON_GROW(*arr, *n, *cap, 4);
  comp_field *f = &(*arr)[(*n)++];
  memset(f, 0, sizeof *f);
  f->pos = comp_text_pos(at);
  return f;
}

static bool u32_lit(comp_text_parser *p, const sx_node *n, uint32_t *out) {
  uint64_t v;
  if (!n || n->kind != SX_NUMBER || !sx_uint(n, 32, &v)) {
    sx_error(p->err, n, "malformed u32 literal");
    return false;
  }
  *out = (uint32_t)v;
  return true;
}

static bool defvaltype_body(comp_text_parser *p, const sx_node *n,
                            comp_defvaltype *out) {
  const sx_node *h = n->items[0];
  size_t m = n->n;
  uint32_t cap = 0;
  if (sx_atom_eq(h, "record") || sx_atom_eq(h, "variant")) {
    bool rec = sx_atom_eq(h, "record");
    out->kind = rec ? CANON_RECORD : CANON_VARIANT;
    for (size_t i = 1; i < m; i++) {
      const sx_node *c = n->items[i];
      if (!sx_is_form(c, rec ? "field" : "case")) return unexpected(p, c);
      if (c->n < 2 || (rec ? c->n != 3 : c->n > 3))
        return c->n < 2 ? early_end(p, c, rec ? "field" : "case")
                        : unexpected(p, c->items[c->n - 1]);
      comp_field *f = add_field(&out->fields, &out->nfields, &cap, c);
      if (!f || !comp_text_name(p, c->items[1], &f->label)) return false;
      if (c->n == 3) {
        f->has_type = true;
        if (!comp_text_valtype(p, c->items[2], &f->type)) return false;
      }
    }
    return true;
  }
  if (sx_atom_eq(h, "tuple")) {
    out->kind = CANON_TUPLE;
    for (size_t i = 1; i < m; i++) {
      comp_field *f = add_field(&out->fields, &out->nfields, &cap,
                                n->items[i]);
      if (!f) return false;
      f->has_type = true;
      if (!comp_text_valtype(p, n->items[i], &f->type)) return false;
    }
    return true;
  }
  if (sx_atom_eq(h, "flags") || sx_atom_eq(h, "enum")) {
    out->kind = sx_atom_eq(h, "flags") ? CANON_FLAGS : CANON_ENUM;
    for (size_t i = 1; i < m; i++) {
      comp_field *f = add_field(&out->fields, &out->nfields, &cap,
                                n->items[i]);
      if (!f || !comp_text_name(p, n->items[i], &f->label)) return false;
    }
    return true;
  }
  if (sx_atom_eq(h, "list")) {
    out->kind = CANON_LIST;
    if (m < 2) return early_end(p, n, "list");
    if (m > 3) return unexpected(p, n->items[3]);
    out->has_a = true;
    if (!comp_text_valtype(p, n->items[1], &out->a)) return false;
    if (m == 3) {
      out->fixed = true;
      return u32_lit(p, n->items[2], &out->length);
    }
    return true;
  }
  if (sx_atom_eq(h, "option")) {
    out->kind = CANON_OPTION;
    if (m != 2) return m < 2 ? early_end(p, n, "option")
                             : unexpected(p, n->items[2]);
    out->has_a = true;
    return comp_text_valtype(p, n->items[1], &out->a);
  }
  if (sx_atom_eq(h, "result")) {
    out->kind = CANON_RESULT;
    size_t i = 1;
    if (i < m && !sx_is_form(n->items[i], "error")) {
      out->has_a = true;
      if (!comp_text_valtype(p, n->items[i++], &out->a)) return false;
    }
    if (i < m && sx_is_form(n->items[i], "error")) {
      const sx_node *e = n->items[i++];
      if (e->n != 2) return e->n < 2 ? early_end(p, e, "error")
                                     : unexpected(p, e->items[2]);
      out->has_b = true;
      if (!comp_text_valtype(p, e->items[1], &out->b)) return false;
    }
    if (i < m) return unexpected(p, n->items[i]);
    return true;
  }
  if (sx_atom_eq(h, "map")) {
    out->kind = CANON_MAP;
    if (m != 3) return m < 3 ? early_end(p, n, "map")
                             : unexpected(p, n->items[3]);
    out->has_a = out->has_b = true;
    return comp_text_valtype(p, n->items[1], &out->a) &&
           comp_text_valtype(p, n->items[2], &out->b);
  }
  if (sx_atom_eq(h, "own") || sx_atom_eq(h, "borrow")) {
    out->kind = sx_atom_eq(h, "own") ? CANON_OWN : CANON_BORROW;
    if (m != 2) return m < 2 ? early_end(p, n, "handle type")
                             : unexpected(p, n->items[2]);
    return comp_text_resolve(p, COMP_SORT_TYPE, n->items[1], &out->idx);
  }
  if (sx_atom_eq(h, "stream") || sx_atom_eq(h, "future")) {
    out->kind = sx_atom_eq(h, "stream") ? CANON_STREAM : CANON_FUTURE;
    if (m > 2) return unexpected(p, n->items[2]);
    if (m == 2) {
      out->has_a = true;
      return comp_text_valtype(p, n->items[1], &out->a);
    }
    return true;
  }
  return unexpected(p, h);
}

static bool defvaltype(comp_text_parser *p, const sx_node *n,
                       comp_defvaltype *out) {
  if (prim(n, &out->kind)) return true;
  if (!sx_is_list(n) || n->n == 0 || n->items[0]->kind != SX_KEYWORD)
    return unexpected(p, n);
  if (!enter(p, n)) {
    p->depth--;
    return false;
  }
  bool ok = defvaltype_body(p, n, out);
  p->depth--;
  return ok;
}

/* ---- function, resource, component and instance types --------------------- */

comp_type *comp_text_functype(comp_text_parser *p, const sx_node *l, size_t i,
                              size_t end) {
  comp_type *t = new_type(p, COMP_TYPE_FUNC, l);
  if (!t) return NULL;
  comp_functype *ft = &t->func;
  uint32_t cap = 0;
  if (i < end && sx_is_keyword(l->items[i], "async")) {
    ft->async = true;
    i++;
  }
  for (; i < end && sx_is_form(l->items[i], "param"); i++) {
    const sx_node *pa = l->items[i];
    if (pa->n != 3) {
      if (pa->n < 3) early_end(p, pa, "param");
      else unexpected(p, pa->items[3]);
      goto fail;
    }
    comp_field *f = add_field(&ft->params, &ft->nparams, &cap, pa);
    if (!f || !comp_text_name(p, pa->items[1], &f->label)) goto fail;
    f->has_type = true;
    if (!comp_text_valtype(p, pa->items[2], &f->type)) goto fail;
  }
  if (i < end && sx_is_form(l->items[i], "result")) {
    const sx_node *r = l->items[i++];
    if (r->n != 2) {
      if (r->n < 2) early_end(p, r, "result");
      else unexpected(p, r->items[2]);
      goto fail;
    }
    ft->has_result = true;
    if (!comp_text_valtype(p, r->items[1], &ft->result)) goto fail;
  }
  if (!expect_end(p, l, i, end)) goto fail;
  return t;
fail:
  comp_type_free(t);
  return NULL;
}

/* core-prefix(<core:funcidx>) */
static bool core_funcidx(comp_text_parser *p, const sx_node *n, uint32_t *out) {
  return comp_text_idx(p, n, COMP_SORT_CORE_FUNC, false, out);
}

static comp_type *resourcetype(comp_text_parser *p, const sx_node *n) {
  comp_type *t = new_type(p, COMP_TYPE_RESOURCE, n);
  if (!t) return NULL;
  size_t i = 1;
  if (i >= n->n || !sx_is_form(n->items[i], "rep") || n->items[i]->n != 2) {
    if (i < n->n) unexpected(p, n->items[i]);
    else early_end(p, n, "resource: expected (rep ...)");
    goto fail;
  }
  if (!comp_text_core_valtype(p, n->items[i]->items[1], &t->resource.rep))
    goto fail;
  i++;
  if (i < n->n && sx_is_form(n->items[i], "dtor")) {
    const sx_node *d = n->items[i++];
    if (d->n != 2) {
      unexpected(p, d);
      goto fail;
    }
    t->resource.has_dtor = true;
    if (!core_funcidx(p, d->items[1], &t->resource.dtor)) goto fail;
  }
  if (!expect_end(p, n, i, n->n)) goto fail;
  return t;
fail:
  comp_type_free(t);
  return NULL;
}

comp_type *comp_text_decltype(comp_text_parser *p, comp_typekind kind,
                              const sx_node *l, size_t start,
                              const sx_node *scope_id) {
  comp_type *t = new_type(p, kind, l);
  if (!t) return NULL;
  comp_text_scope s;
  bool nested = comp_text_nest(
      p, l, &s,
      kind == COMP_TYPE_COMPONENT ? CP_COMPONENT_TYPE : CP_INSTANCE_TYPE,
      scope_id);
  bool ok = nested;
  if (nested) s.type = t;
  for (size_t i = start; ok && i < l->n; i++) {
    const sx_node *d = l->items[i];
    if (sx_is_form(d, "core") && d->n >= 2 && sx_is_keyword(d->items[1], "type"))
      ok = comp_text_core_type_field(p, d, 2);
    else if (sx_is_form(d, "type")) ok = comp_text_type_field(p, d);
    else if (sx_is_form(d, "alias")) ok = comp_text_alias_field(p, d);
    else if (sx_is_form(d, "import") && kind == COMP_TYPE_COMPONENT)
      ok = comp_text_import_decl(p, d, false);
    else if (sx_is_form(d, "export")) ok = comp_text_import_decl(p, d, true);
    else
      ok = unexpected(p, sx_is_list(d) && d->n ? d->items[0] : d);
    if (!ok && !comp_text_failed(p))
      sx_error(p->err, d, "malformed declarator");
  }
  if (nested) comp_text_unnest(p, &s);
  if (!ok) {
    comp_type_free(t);
    return NULL;
  }
  return t;
}

comp_type *comp_text_deftype(comp_text_parser *p, const sx_node *n,
                             const sx_node *scope_id) {
  if (sx_is_form(n, "func")) return comp_text_functype(p, n, 1, n->n);
  if (sx_is_form(n, "component"))
    return comp_text_decltype(p, COMP_TYPE_COMPONENT, n, 1, scope_id);
  if (sx_is_form(n, "instance"))
    return comp_text_decltype(p, COMP_TYPE_INSTANCE, n, 1, scope_id);
  if (sx_is_form(n, "resource")) return resourcetype(p, n);
  comp_type *t = new_type(p, COMP_TYPE_VAL, n);
  if (!t) return NULL;
  if (!defvaltype(p, n, &t->val)) {
    comp_type_free(t);
    return NULL;
  }
  return t;
}

/* (type $id? (export "n")* deftype) */
bool comp_text_type_field(comp_text_parser *p, const sx_node *f) {
  size_t i = 1;
  const sx_node *id = opt_id(f, &i);
  size_t ex = i;
  if (p->cur->kind == CP_COMPONENT) i = comp_text_skip_exports(f, i);
  if (i + 1 != f->n)
    return i < f->n ? unexpected(p, f->items[i + 1]) : early_end(p, f, "type");
  comp_type *t = comp_text_deftype(p, f->items[i], id);
  if (!t) return false;
  uint32_t idx = comp_text_emit_type(p, t, id, f);
  if (idx == UINT32_MAX) return false;
  return comp_text_inline_exports(p, f, ex, i, COMP_SORT_TYPE, idx);
}

/* ---- externtypes ----------------------------------------------------------- */

bool comp_text_externtype_body(comp_text_parser *p, comp_sort sort,
                               const sx_node *l, size_t i, size_t end,
                               comp_externtype *out) {
  memset(out, 0, sizeof *out);
  out->sort = sort;
  out->pos = comp_text_pos(l);
  bool use = i + 1 == end && comp_text_is_typeuse(l->items[i]);
  switch (sort) {
  case COMP_SORT_CORE_MODULE: {
    if (use)
      return comp_text_idx(p, l->items[i], COMP_SORT_CORE_TYPE, true,
                           &out->idx);
    comp_core_type *ct = comp_text_moduletype(p, l, i, NULL);
    if (!ct) return false;
    out->idx = comp_text_emit_core_type(p, ct, NULL, l);
    return out->idx != UINT32_MAX;
  }
  case COMP_SORT_FUNC:
  case COMP_SORT_COMPONENT:
  case COMP_SORT_INSTANCE: {
    if (use)
      return comp_text_idx(p, l->items[i], COMP_SORT_TYPE, false, &out->idx);
    comp_type *t;
    if (sort == COMP_SORT_FUNC) {
      t = comp_text_functype(p, l, i, end);
    } else {
      if (!expect_end(p, l, end, l->n)) return false;
      t = comp_text_decltype(p,
                             sort == COMP_SORT_COMPONENT ? COMP_TYPE_COMPONENT
                                                         : COMP_TYPE_INSTANCE,
                             l, i, NULL);
    }
    if (!t) return false;
    out->idx = comp_text_emit_type(p, t, NULL, l);
    return out->idx != UINT32_MAX;
  }
  case COMP_SORT_TYPE:
  case COMP_SORT_VALUE: {
    /* one bound: (eq idx), else (sub resource) or a value's type */
    if (i + 1 != end)
      return i < end ? unexpected(p, l->items[i + 1])
                     : early_end(p, l, sort == COMP_SORT_TYPE
                                           ? "type: expected a bound"
                                           : "value: expected a bound");
    const sx_node *b = l->items[i];
    if (sx_is_form(b, "eq") && b->n == 2)
      return comp_text_resolve(p, sort, b->items[1], &out->idx);
    if (sort == COMP_SORT_VALUE) {
      out->value_is_type = true;
      return comp_text_valtype(p, b, &out->value_type);
    }
    if (sx_is_form(b, "sub") && b->n == 2 &&
        sx_is_keyword(b->items[1], "resource")) {
      out->sub_resource = true;
      return true;
    }
    return unexpected(p, b);
  }
  default:
    sx_error(p->err, l, "unexpected token: %s cannot be imported or exported",
             comp_sort_name(sort));
    return false;
  }
}

bool comp_text_externtype(comp_text_parser *p, const sx_node *n,
                          comp_externtype *out, const sx_node **id_out) {
  *id_out = NULL;
  if (!sx_is_list(n) || n->n == 0) return unexpected(p, n);
  size_t i = 0;
  comp_sort sort;
  if (!comp_text_sort(p, n, &i, false, &sort)) return false;
  *id_out = opt_id(n, &i);
  return comp_text_externtype_body(p, sort, n, i, n->n, out);
}

/* (import "n" attrs* externtype) / (export "n" attrs* externtype) in a
 * component (imports only) or a component/instance type. */
bool comp_text_import_decl(comp_text_parser *p, const sx_node *f,
                           bool is_export) {
  size_t i = 1;
  comp_externname name = {0};
  comp_externtype et;
  const sx_node *id = NULL;
  if (!comp_text_externname(p, f, &i, &name)) goto fail;
  if (i + 1 != f->n) {
    if (i < f->n) unexpected(p, f->items[i + 1]);
    else early_end(p, f, is_export ? "export" : "import");
    goto fail;
  }
  if (!comp_text_externtype(p, f->items[i], &et, &id)) goto fail;
  if (p->cur->kind == CP_COMPONENT) {
    comp_def d = comp_text_def(COMP_DEF_IMPORT, f);
    d.u.import.name = name;
    d.u.import.type = et;
    return comp_text_emit_def(p, &d, id) != UINT32_MAX;
  }
  comp_decl d = {0};
  d.kind = is_export ? COMP_DECL_EXPORT : COMP_DECL_IMPORT;
  d.pos = comp_text_pos(f);
  d.name = name;
  d.ext = et;
  return comp_text_emit_decl(p, &d, id) != UINT32_MAX;
fail:
  comp_externname_clear(&name);
  return false;
}

/* ---- core types -------------------------------------------------------- */

bool comp_text_core_valtype(comp_text_parser *p, const sx_node *n,
                            core_valtype *out) {
  static const struct {
    const char *kw;
    core_valtype t;
  } kws[] = {{"i32", CORE_I32},         {"i64", CORE_I64},
             {"f32", CORE_F32},         {"f64", CORE_F64},
             {"funcref", CORE_FUNCREF}, {"externref", CORE_EXTERNREF},
             {"exnref", CORE_EXNREF}};
  if (n && n->kind == SX_KEYWORD) {
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
      if (sx_atom_eq(n, kws[i].kw)) {
        *out = kws[i].t;
        return true;
      }
    if (sx_atom_eq(n, "v128")) {
      cm_error_at(p->err, CM_UNSUPPORTED, n->file, n->line, n->col,
                  "unsupported feature: simd");
      return false;
    }
  }
  if (sx_is_form(n, "ref")) {
    if (n->n == 3 && sx_is_keyword(n->items[1], "null")) {
      const sx_node *h = n->items[2];
      if (sx_is_keyword(h, "func")) return *out = CORE_FUNCREF, true;
      if (sx_is_keyword(h, "extern")) return *out = CORE_EXTERNREF, true;
      if (sx_is_keyword(h, "exn")) return *out = CORE_EXNREF, true;
    }
    cm_error_at(p->err, CM_UNSUPPORTED, n->file, n->line, n->col,
                "unsupported feature: function-references");
    return false;
  }
  return unexpected(p, n);
}

/* Appends t to arr (n in use, room for *cap or more). */
static void add_valtype(core_valtype **arr, uint32_t *n, uint32_t *cap,
                        core_valtype t) {
  CANON_GROW(*arr, *n, *cap, 4);
  (*arr)[(*n)++] = t;
}

/* (param $id? t*)* (result t*)* at items[*i] */
static bool core_params_results(comp_text_parser *p, const sx_node *l,
                                size_t *i, core_functype *ft) {
  uint32_t pcap = ft->nparams, rcap = ft->nresults;
  for (; *i < l->n && sx_is_form(l->items[*i], "param"); (*i)++) {
    const sx_node *pa = l->items[*i];
    size_t j = 1;
    if (j < pa->n && pa->items[j]->kind == SX_ID) {
      if (pa->n != 3) return unexpected(p, pa);
      j++;
    }
    for (; j < pa->n; j++) {
      core_valtype t;
      if (!comp_text_core_valtype(p, pa->items[j], &t)) return false;
      add_valtype(&ft->params, &ft->nparams, &pcap, t);
    }
  }
  for (; *i < l->n && sx_is_form(l->items[*i], "result"); (*i)++) {
    const sx_node *r = l->items[*i];
    for (size_t j = 1; j < r->n; j++) {
      core_valtype t;
      if (!comp_text_core_valtype(p, r->items[j], &t)) return false;
      add_valtype(&ft->results, &ft->nresults, &rcap, t);
    }
  }
  return true;
}

static comp_core_type *core_functype_form(comp_text_parser *p,
                                          const sx_node *n) {
  comp_core_type *t = new_core_type(p, COMP_CORE_TYPE_FUNC, n);
  if (!t) return NULL;
  size_t i = 1;
  if (!core_params_results(p, n, &i, &t->func) ||
      (i < n->n && !unexpected(p, n->items[i]))) {
    comp_core_type_free(t);
    return NULL;
  }
  return t;
}

comp_core_type *comp_text_core_deftype(comp_text_parser *p, const sx_node *n,
                                       const sx_node *id) {
  if (sx_is_form(n, "func")) return core_functype_form(p, n);
  if (sx_is_form(n, "module")) return comp_text_moduletype(p, n, 1, id);
  if (sx_is_form(n, "struct") || sx_is_form(n, "array") ||
      sx_is_form(n, "sub") || sx_is_form(n, "rec")) {
    cm_error_at(p->err, CM_UNSUPPORTED, n->file, n->line, n->col,
                "unsupported feature: gc");
    return NULL;
  }
  unexpected(p, n);
  return NULL;
}

/* (core type $id? coredeftype) at items[start] = $id or the type; in a
 * module type also `(type $id? ...)`. */
bool comp_text_core_type_field(comp_text_parser *p, const sx_node *f,
                               size_t start) {
  size_t i = start;
  const sx_node *id = opt_id(f, &i);
  if (i + 1 != f->n)
    return i < f->n ? unexpected(p, f->items[i + 1])
                    : early_end(p, f, "core type");
  comp_core_type *t = comp_text_core_deftype(p, f->items[i], id);
  if (!t) return false;
  return comp_text_emit_core_type(p, t, id, f) != UINT32_MAX;
}

/* The core type index of the first function type of the current module
 * type equal to ft: 1 (and *out), 0 if none, -1 when out of memory.  The
 * declarations are indexed as they come, so each lookup is O(1) (a scan
 * per inline type use was quadratic in the number of types). */
static int find_functype(comp_text_parser *p, const core_functype *ft,
                         uint32_t *out) {
  comp_text_scope *s = p->cur;
  const comp_core_type *mt = s->mtype;
  for (; s->decls_indexed < mt->ndecls; s->decls_indexed++) {
    const comp_core_decl *d = &mt->decls[s->decls_indexed];
    if (d->kind == COMP_CORE_DECL_ALIAS) s->next_typeidx++;
    if (d->kind != COMP_CORE_DECL_TYPE) continue;
    uint32_t idx = s->next_typeidx++;
    if (d->type->kind != COMP_CORE_TYPE_FUNC) continue;
    size_t len;
    char *k = core_functype_key(&d->type->func, &len);
    if (!k) return -1;
    CANON_GROW(s->fkeys, s->nfkeys, s->capfkeys, 4);
    s->fkeys[s->nfkeys++] = k;
    if (cm_nameset_add(&s->ftypes, k, len, 0, &idx) == CM_NAMESET_OOM)
      return -1;
  }
  size_t len;
  char *k = core_functype_key(ft, &len);
  if (!k) return -1;
  bool found = cm_nameset_find(&s->ftypes, k, len, 0, out);
  free(k);
  return found;
}

/* A core typeuse in a module type: (type i)? (param ...)* (result ...)*.
 * An inline signature reuses the first identical func type declared so far
 * in this module type, else declares a new one just before its user (as
 * the core text format's rule, applied in declaration order). */
static bool core_typeuse(comp_text_parser *p, const sx_node *l, size_t i,
                         uint32_t *out) {
  if (i < l->n && sx_is_form(l->items[i], "type")) {
    const sx_node *tu = l->items[i];
    if (tu->n != 2) return unexpected(p, tu);
    if (!comp_text_resolve(p, COMP_SORT_CORE_TYPE, tu->items[1], out))
      return false;
    /* an inline signature next to (type i) only restates it */
    i++;
    core_functype ft = {0};
    bool ok = core_params_results(p, l, &i, &ft);
    free(ft.params);
    free(ft.results);
    if (!ok) return false;
    return i < l->n ? unexpected(p, l->items[i]) : true;
  }
  comp_core_type *t = new_core_type(p, COMP_CORE_TYPE_FUNC, l);
  if (!t) return false;
  if (!core_params_results(p, l, &i, &t->func) ||
      (i < l->n && !unexpected(p, l->items[i]))) {
    comp_core_type_free(t);
    return false;
  }
  int found = find_functype(p, &t->func, out);
  if (found < 0) {
    comp_core_type_free(t);
    return comp_text_oom(p, l);
  }
  if (found) {
    comp_core_type_free(t);
    return true;
  }
  *out = comp_text_emit_core_type(p, t, NULL, l);
  return *out != UINT32_MAX;
}

static bool limits(comp_text_parser *p, const sx_node *l, size_t *i,
                   core_limits *lim) {
  if (*i < l->n && sx_is_keyword(l->items[*i], "i64")) {
    lim->is64 = true;
    (*i)++;
  } else if (*i < l->n && sx_is_keyword(l->items[*i], "i32")) {
    (*i)++;
  }
  unsigned bits = lim->is64 ? 64 : 32;
  if (*i >= l->n || l->items[*i]->kind != SX_NUMBER ||
      !sx_uint(l->items[*i], bits, &lim->min)) {
    sx_error(p->err, *i < l->n ? l->items[*i] : l, "malformed limits");
    return false;
  }
  (*i)++;
  if (*i < l->n && l->items[*i]->kind == SX_NUMBER) {
    if (!sx_uint(l->items[*i], bits, &lim->max)) {
      sx_error(p->err, l->items[*i], "malformed limits");
      return false;
    }
    lim->has_max = true;
    (*i)++;
  }
  return true;
}

/* A core externtype (func|table|memory|global|tag $id? ...) of a module
 * type import or export. */
static bool core_externtype(comp_text_parser *p, const sx_node *n,
                            core_import *out) {
  if (!sx_is_list(n) || n->n == 0) return unexpected(p, n);
  const sx_node *h = n->items[0];
  size_t i = 1;
  opt_id(n, &i); /* nothing in a module type can refer to it */
  if (sx_atom_eq(h, "func") || sx_atom_eq(h, "tag")) {
    out->kind = sx_atom_eq(h, "func") ? CORE_EXTERN_FUNC : CORE_EXTERN_TAG;
    return core_typeuse(p, n, i, out->kind == CORE_EXTERN_FUNC
                                     ? &out->desc.func
                                     : &out->desc.tag);
  }
  if (sx_atom_eq(h, "table")) {
    out->kind = CORE_EXTERN_TABLE;
    if (!limits(p, n, &i, &out->desc.table.limits)) return false;
    if (i + 1 != n->n)
      return i < n->n ? unexpected(p, n->items[i + 1])
                      : early_end(p, n, "table type");
    return comp_text_core_valtype(p, n->items[i], &out->desc.table.elem);
  }
  if (sx_atom_eq(h, "memory")) {
    out->kind = CORE_EXTERN_MEMORY;
    if (!limits(p, n, &i, &out->desc.memory.limits)) return false;
    if (i < n->n && sx_is_keyword(n->items[i], "shared")) {
      out->desc.memory.limits.shared = true;
      i++;
    }
    return i < n->n ? unexpected(p, n->items[i]) : true;
  }
  if (sx_atom_eq(h, "global")) {
    out->kind = CORE_EXTERN_GLOBAL;
    if (i + 1 != n->n)
      return i < n->n ? unexpected(p, n->items[i + 1])
                      : early_end(p, n, "global type");
    const sx_node *g = n->items[i];
    if (sx_is_form(g, "mut")) {
      if (g->n != 2) return unexpected(p, g);
      out->desc.global.mut = true;
      g = g->items[1];
    }
    return comp_text_core_valtype(p, g, &out->desc.global.type);
  }
  return unexpected(p, h);
}

static bool module_decl(comp_text_parser *p, const sx_node *d) {
  if (sx_is_form(d, "type")) return comp_text_core_type_field(p, d, 1);
  if (sx_is_form(d, "alias")) return comp_text_alias_field(p, d);
  bool imp = sx_is_form(d, "import");
  if (!imp && !sx_is_form(d, "export"))
    return unexpected(p, sx_is_list(d) && d->n ? d->items[0] : d);
  comp_core_decl cd = {0};
  cd.kind = imp ? COMP_CORE_DECL_IMPORT : COMP_CORE_DECL_EXPORT;
  cd.pos = comp_text_pos(d);
  size_t need = imp ? 4 : 3;
  bool ok = d->n == need;
  if (!ok) {
    if (d->n < need) early_end(p, d, imp ? "import" : "export");
    else unexpected(p, d->items[need]);
  }
  if (ok && imp) ok = comp_text_name(p, d->items[1], &cd.import.module);
  if (ok && !imp) {
    cd.import.module.s = calloc(1, 1);
    ok = cd.import.module.s || comp_text_oom(p, d);
  }
  ok = ok && comp_text_name(p, d->items[need - 2], &cd.import.name) &&
       core_externtype(p, d->items[need - 1], &cd.import);
  if (!ok) {
    comp_core_decl_clear(&cd);
    return false;
  }
  /* imports and exports add to no index space a module type can use */
  return comp_text_emit_core_decl(p, &cd, COMP_NSORTS, NULL) != UINT32_MAX;
}

comp_core_type *comp_text_moduletype(comp_text_parser *p, const sx_node *l,
                                     size_t start, const sx_node *scope_id) {
  comp_core_type *t = new_core_type(p, COMP_CORE_TYPE_MODULE, l);
  if (!t) return NULL;
  comp_text_scope s;
  bool ok = comp_text_nest(p, l, &s, CP_MODULE_TYPE, scope_id);
  if (ok) {
    s.mtype = t;
    for (size_t i = start; ok && i < l->n; i++)
      ok = module_decl(p, l->items[i]);
    comp_text_unnest(p, &s);
  }
  if (!ok) {
    comp_core_type_free(t);
    return NULL;
  }
  return t;
}
