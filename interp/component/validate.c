/* validate.c -- component validation: index spaces and the definitions of
 * a component in order (Explainer.md "Index Spaces", "Instance
 * Definitions", "Alias Definitions", "Start Definitions", "Import and
 * Export Definitions"), core modules and core instantiation.  Types are in
 * validate_types.c, names in validate_names.c, canon in validate_canon.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/validate.h"
#include "validate_priv.h"
#include "../../canon/grow.h"

/* ---- storage ------------------------------------------------------------ */

void *comp_valid_alloc(comp_valid_ctx *v, size_t n) {
  CANON_GROW(v->blocks, v->nblocks, v->capblocks, 64);
  void *p = canon_xcalloc(1, n);
  v->blocks[v->nblocks++] = p;
  return p;
}

char *comp_valid_strdup(comp_valid_ctx *v, const char *s, size_t n) {
  char *p = comp_valid_alloc(v, n + 1);
  memcpy(p, s, n);
  return p;
}

bool comp_valid_fail(comp_valid_ctx *v, const comp_pos *pos, const char *fmt,
                     ...) {
  if (v->failed) return false;
  v->failed = true;
  char buf[sizeof v->err->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (pos && pos->offset >= 0)
    cm_error_at_offset(v->err, CM_INVALID, pos->offset, "%s", buf);
  else if (pos)
    cm_error_at(v->err, CM_INVALID, pos->file, pos->line, pos->col, "%s", buf);
  else
    cm_error_set(v->err, CM_INVALID, "%s", buf);
  return false;
}

void comp_valid_grow(comp_valid_ctx *v, void **p, uint32_t *cap, uint32_t n,
                     size_t elem) {
  if (n < *cap) return;
  uint32_t nc = *cap ? 2 * *cap : 8;
  void *q = comp_valid_alloc(v, nc * elem);
  if (*p) memcpy(q, *p, n * elem);
  *p = q;
  *cap = nc;
}

vitem *vspace_push(comp_valid_ctx *v, vscope *s, comp_sort sort) {
  vspace *sp = &s->spaces[sort];
  comp_valid_grow(v, (void **)&sp->v, &sp->cap, sp->n, sizeof *sp->v);
  vitem *it = &sp->v[sp->n++];
  memset(it, 0, sizeof *it);
  it->ent.sort = sort;
  return it;
}

/* Appends the entity e to its sort's index space. */
static void vspace_push_ent(comp_valid_ctx *v, vscope *s, const vent *e) {
  vitem *it = vspace_push(v, s, e->sort);
  it->ent = *e;
  if (e->sort == COMP_SORT_CORE_MODULE) it->module = e->module;
}

vitem *vspace_get(vscope *s, comp_sort sort, uint32_t idx) {
  return idx < s->spaces[sort].n ? &s->spaces[sort].v[idx] : NULL;
}

void vres_list_push(comp_valid_ctx *v, vres_list *l, vres *r) {
  comp_valid_grow(v, (void **)&l->v, &l->cap, l->n, sizeof *l->v);
  l->v[l->n++] = r;
}

static uint32_t ptr_slot(const void *const *slots, uint32_t cap,
                         const void *p) {
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
  uint32_t i = (uint32_t)(h >> 32) & (cap - 1);
  while (slots[i] && slots[i] != p) i = (i + 1) & (cap - 1);
  return i;
}

void vptrset_add(comp_valid_ctx *v, vptrset *s, const void *p) {
  if (vptrset_has(s, p)) return;
  comp_valid_grow(v, (void **)&s->v, &s->cap, s->n, sizeof *s->v);
  s->v[s->n++] = p;
  if (s->n * 2 >= s->scap) {
    uint32_t cap = s->scap ? 2 * s->scap : 16;
    const void **slots = comp_valid_alloc(v, cap * sizeof *slots);
    for (uint32_t i = 0; i < s->n; i++)
      slots[ptr_slot(slots, cap, s->v[i])] = s->v[i];
    s->slots = slots;
    s->scap = cap;
  } else {
    s->slots[ptr_slot(s->slots, s->scap, p)] = p;
  }
}

bool vptrset_has(const vptrset *s, const void *p) {
  return s->scap && s->slots[ptr_slot(s->slots, s->scap, p)] == p;
}

static void *arena_alloc(void *ctx, size_t n) {
  return comp_valid_alloc(ctx, n);
}

void comp_valid_nameset_init(comp_valid_ctx *v, cm_nameset *s, bool fold_case) {
  memset(s, 0, sizeof *s);
  s->alloc = arena_alloc;
  s->ctx = v;
  s->fold_case = fold_case;
}

struct vnindex {
  const void *arr; /* what was indexed */
  uint32_t n;
  cm_nameset modules; /* core imports: module name -> ordinal (the tag) */
  cm_nameset names;   /* (name, tag) -> index in arr */
};

/* Below this many entries a scan is as fast as an index.  The sets below
 * take their memory from comp_valid_alloc, which never returns NULL, so adding
 * to them cannot fail. */
enum { VNINDEX_MIN = 16 };

static vnindex *nindex_new(comp_valid_ctx *v, const void *arr, uint32_t n) {
  vnindex *x = comp_valid_alloc(v, sizeof *x);
  x->arr = arr;
  x->n = n;
  comp_valid_nameset_init(v, &x->modules, false);
  comp_valid_nameset_init(v, &x->names, false);
  return x;
}

const vnamed *comp_valid_find_named(comp_valid_ctx *v, vnindex **ix,
                                    const vnamed *arr, uint32_t n,
                                    const char *name, size_t len) {
  if (n < VNINDEX_MIN) {
    for (uint32_t i = 0; i < n; i++)
      if (strlen(arr[i].name) == len && memcmp(arr[i].name, name, len) == 0)
        return &arr[i];
    return NULL;
  }
  if (!*ix || (*ix)->arr != arr || (*ix)->n != n) {
    *ix = nindex_new(v, arr, n);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t k = i; /* the first of equal names wins, as in a scan */
      (void)cm_nameset_add(&(*ix)->names, arr[i].name, strlen(arr[i].name),
                           0, &k);
    }
  }
  uint32_t k;
  return cm_nameset_find(&(*ix)->names, name, len, 0, &k) ? &arr[k] : NULL;
}

void comp_valid_corenames_init(comp_valid_ctx *v, vcorenames *c) {
  comp_valid_nameset_init(v, &c->modules, false);
  comp_valid_nameset_init(v, &c->names, false);
}

bool comp_valid_corenames_add(vcorenames *c, const core_name *module,
                              const core_name *name) {
  uint32_t tag = c->modules.count, k = 0;
  if (module)
    (void)cm_nameset_add(&c->modules, module->s, module->len, 0, &tag);
  return cm_nameset_add(&c->names, name->s, name->len, tag, &k) ==
         CM_NAMESET_ADDED;
}

static bool cname_eq(const core_name *a, const core_name *b) {
  return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

const vcore_named *comp_valid_find_core(comp_valid_ctx *v, vnindex **ix,
                                        const vcore_named *arr, uint32_t n,
                                        const core_name *module,
                                        const core_name *name) {
  if (n < VNINDEX_MIN) {
    for (uint32_t i = 0; i < n; i++)
      if ((!module || cname_eq(&arr[i].module, module)) &&
          cname_eq(&arr[i].name, name))
        return &arr[i];
    return NULL;
  }
  if (!*ix || (*ix)->arr != arr || (*ix)->n != n) {
    vnindex *x = *ix = nindex_new(v, arr, n);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t tag = x->modules.count, k = i;
      if (module)
        (void)cm_nameset_add(&x->modules, arr[i].module.s, arr[i].module.len,
                             0, &tag);
      (void)cm_nameset_add(&x->names, arr[i].name.s, arr[i].name.len,
                           module ? tag : 0, &k);
    }
  }
  uint32_t tag = 0, k;
  if (module && !cm_nameset_find(&(*ix)->modules, module->s, module->len, 0,
                                 &tag))
    return NULL;
  return cm_nameset_find(&(*ix)->names, name->s, name->len, tag, &k) ? &arr[k]
                                                                     : NULL;
}

vres *comp_valid_new_res(comp_valid_ctx *v, vscope *owner) {
  vres *r = comp_valid_alloc(v, sizeof *r);
  r->id = ++v->next_res_id;
  r->owner = owner;
  return r;
}

const vres_ref *comp_valid_new_ref(comp_valid_ctx *v, vres *r) {
  vres_ref *ref = comp_valid_alloc(v, sizeof *ref);
  ref->res = r;
  return ref;
}

static const char *const oob_words[COMP_NSORTS] = {
    [COMP_SORT_CORE_FUNC] = "function",     [COMP_SORT_CORE_TABLE] = "table",
    [COMP_SORT_CORE_MEMORY] = "memory",     [COMP_SORT_CORE_GLOBAL] = "global",
    [COMP_SORT_CORE_TAG] = "tag",           [COMP_SORT_CORE_TYPE] = "type",
    [COMP_SORT_CORE_MODULE] = "module",     [COMP_SORT_CORE_INSTANCE] = "instance",
    [COMP_SORT_FUNC] = "function",          [COMP_SORT_VALUE] = "value",
    [COMP_SORT_TYPE] = "type",              [COMP_SORT_COMPONENT] = "component",
    [COMP_SORT_INSTANCE] = "instance",
};

static const char *unknown_word(comp_sort sort) {
  return sort == COMP_SORT_CORE_INSTANCE ? "core instance"
         : sort == COMP_SORT_CORE_TYPE   ? "core type"
         : sort == COMP_SORT_CORE_FUNC || sort == COMP_SORT_FUNC
             ? "function"
             : oob_words[sort];
}

/* Worded like the reference validator's "unknown tag 0: tag index out of
 * bounds": the reference tests expect either half ("unknown module",
 * "type index out of bounds", "index out of bounds"). */
bool comp_valid_oob(comp_valid_ctx *v, const comp_pos *pos, comp_sort sort,
                    uint32_t idx) {
  return comp_valid_fail(v, pos, "unknown %s %u: %s index out of bounds",
                         unknown_word(sort), idx, oob_words[sort]);
}

/* The index of an alias (`alias outer`, the instance of `alias export`)
 * and the sort-index pairs of instantiation arguments and inline instance
 * exports: the same words (the tests expect "index out of bounds", which
 * they contain). */
bool comp_valid_oob_any(comp_valid_ctx *v, const comp_pos *pos, comp_sort sort,
                        uint32_t idx) {
  return comp_valid_oob(v, pos, sort, idx);
}

/* ---- core modules and core instances ---------------------------------- */

static vcore_ext core_ext_of_import(const core_module *m, const core_import *im) {
  vcore_ext e;
  memset(&e, 0, sizeof e);
  e.kind = im->kind;
  switch (im->kind) {
  case CORE_EXTERN_FUNC: e.func = &m->types[im->desc.func]; break;
  case CORE_EXTERN_TAG: e.func = &m->types[im->desc.tag]; break;
  case CORE_EXTERN_TABLE: e.table = im->desc.table; break;
  case CORE_EXTERN_MEMORY: e.mem = im->desc.memory; break;
  case CORE_EXTERN_GLOBAL: e.global = im->desc.global; break;
  }
  return e;
}

static vcore_ext core_ext_of_export(const core_module *m, const core_export *ex) {
  vcore_ext e;
  memset(&e, 0, sizeof e);
  e.kind = ex->kind;
  switch (ex->kind) {
  case CORE_EXTERN_FUNC: e.func = core_module_func_type(m, ex->idx); break;
  case CORE_EXTERN_TAG:
    e.func = &m->types[core_module_tag_typeidx(m, ex->idx)];
    break;
  case CORE_EXTERN_TABLE: e.table = *core_module_table_type(m, ex->idx); break;
  case CORE_EXTERN_MEMORY: e.mem = *core_module_mem_type(m, ex->idx); break;
  case CORE_EXTERN_GLOBAL: e.global = *core_module_global_type(m, ex->idx); break;
  }
  return e;
}

static bool def_core_module(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  core_module *m = d->u.core_module;
  if (!m->validated && !core_validate(m, v->err)) {
    /* The core validator knows positions inside the module: a line in the
     * text (already absolute), an offset from the module's first byte in
     * a binary (made absolute here); an error with neither points at the
     * module itself. */
    cm_error *e = v->err;
    if (e->line == 0 && e->offset >= 0 && d->pos.offset > 0)
      e->offset += d->pos.offset;
    else if (e->line == 0 && e->offset < 0 && d->pos.line) {
      e->file = d->pos.file;
      e->line = d->pos.line;
      e->col = d->pos.col;
    } else if (e->line == 0 && e->offset < 0 && d->pos.offset > 0)
      e->offset = d->pos.offset;
    v->failed = true;
    return false;
  }
  vcorenames seen;
  comp_valid_corenames_init(v, &seen);
  for (uint32_t i = 0; i < m->nimports; i++)
    if (!comp_valid_corenames_add(&seen, &m->imports[i].module,
                                  &m->imports[i].name))
      return comp_valid_fail(v, &d->pos, "duplicate import name `%s:%s`",
                             m->imports[i].module.s, m->imports[i].name.s);
  vcoremod *mt = comp_valid_alloc(v, sizeof *mt);
  mt->imports = comp_valid_alloc(v, m->nimports * sizeof *mt->imports);
  for (uint32_t i = 0; i < m->nimports; i++) {
    mt->imports[i].module = m->imports[i].module;
    mt->imports[i].name = m->imports[i].name;
    mt->imports[i].t = core_ext_of_import(m, &m->imports[i]);
  }
  mt->nimports = m->nimports;
  mt->exports = comp_valid_alloc(v, m->nexports * sizeof *mt->exports);
  for (uint32_t i = 0; i < m->nexports; i++) {
    mt->exports[i].name = m->exports[i].name;
    mt->exports[i].t = core_ext_of_export(m, &m->exports[i]);
  }
  mt->nexports = m->nexports;
  vspace_push(v, s, COMP_SORT_CORE_MODULE)->module = mt;
  return true;
}

static const vcore_named *core_find(comp_valid_ctx *v, const vcoremod *t,
                                    const core_name *n) {
  /* the index is a cache: logically t does not change */
  return comp_valid_find_core(v, &((vcoremod *)t)->ix_exports, t->exports,
                              t->nexports, NULL, n);
}

static comp_sort core_sort_of(core_externkind k) {
  switch (k) {
  case CORE_EXTERN_FUNC: return COMP_SORT_CORE_FUNC;
  case CORE_EXTERN_TABLE: return COMP_SORT_CORE_TABLE;
  case CORE_EXTERN_MEMORY: return COMP_SORT_CORE_MEMORY;
  case CORE_EXTERN_GLOBAL: return COMP_SORT_CORE_GLOBAL;
  case CORE_EXTERN_TAG: return COMP_SORT_CORE_TAG;
  }
  return COMP_SORT_CORE_FUNC;
}

static bool def_core_instance(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  const comp_core_instance *ci = &d->u.core_instance;
  vcoremod *it = comp_valid_alloc(v, sizeof *it);
  if (ci->instantiate) {
    vitem *mi = vspace_get(s, COMP_SORT_CORE_MODULE, ci->module);
    if (!mi)
      return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_MODULE, ci->module);
    const vcoremod *mt = mi->module;
    cm_nameset args; /* argument name -> index in ci->args */
    comp_valid_nameset_init(v, &args, false);
    for (uint32_t i = 0; i < ci->nargs; i++) {
      const comp_core_arg *a = &ci->args[i];
      if (!vspace_get(s, COMP_SORT_CORE_INSTANCE, a->instance))
        return comp_valid_oob(v, &a->pos, COMP_SORT_CORE_INSTANCE, a->instance);
      uint32_t k = i;
      if (cm_nameset_add(&args, a->name.s, a->name.len, 0, &k) !=
          CM_NAMESET_ADDED)
        return comp_valid_fail(
            v, &a->pos, "duplicate module instantiation argument named `%s`",
            a->name.s);
    }
    for (uint32_t i = 0; i < mt->nimports; i++) {
      const vcore_named *im = &mt->imports[i];
      uint32_t k;
      const comp_core_arg *a =
          cm_nameset_find(&args, im->module.s, im->module.len, 0, &k)
              ? &ci->args[k]
              : NULL;
      if (!a)
        return comp_valid_fail(
            v, &d->pos, "missing module instantiation argument named `%s`",
            im->module.s);
      const vcoremod *arg =
          vspace_get(s, COMP_SORT_CORE_INSTANCE, a->instance)->core_inst;
      const vcore_named *ex = core_find(v, arg, &im->name);
      if (!ex)
        return comp_valid_fail(
            v, &a->pos,
            "module instantiation argument `%s` does not export an "
            "item named `%s`",
            im->module.s, im->name.s);
      char msg[400];
      if (!comp_valid_sub_core(v, &ex->t, &im->t, msg, sizeof msg))
        return comp_valid_fail(
            v, &a->pos,
            "type mismatch in export `%s` of module instantiation "
            "argument `%s`: %s",
            im->name.s, im->module.s, msg);
    }
    it->exports = mt->exports;
    it->nexports = mt->nexports;
  } else {
    it->exports = comp_valid_alloc(v, ci->nexports * sizeof *it->exports);
    vcorenames seen;
    comp_valid_corenames_init(v, &seen);
    for (uint32_t i = 0; i < ci->nexports; i++) {
      const comp_core_export *e = &ci->exports[i];
      vitem *x = vspace_get(s, e->item.sort, e->item.idx);
      if (!x) return comp_valid_oob_any(v, &e->pos, e->item.sort, e->item.idx);
      if (!comp_valid_corenames_add(&seen, NULL, &e->name))
        return comp_valid_fail(v, &e->pos, "export name `%s` already defined",
                               e->name.s);
      it->exports[i].name = e->name;
      it->exports[i].t = x->core;
    }
    it->nexports = ci->nexports;
  }
  vspace_push(v, s, COMP_SORT_CORE_INSTANCE)->core_inst = it;
  return true;
}

/* ---- aliases -------------------------------------------------------------- */

static bool ent_to_item(comp_valid_ctx *v, vscope *s, const vent *e,
                        comp_sort sort, const comp_pos *pos, const char *name,
                        uint32_t inst) {
  if (e->sort != sort)
    return comp_valid_fail(v, pos, "export `%s` for instance %u is not a %s",
                           name, inst, comp_valid_sort_word(sort));
  vspace_push_ent(v, s, e);
  return true;
}

/* Does a type refer to resources that are not the scope's own (outer
 * aliases may not smuggle resources into a concrete component)? */
static bool type_has_foreign_res(const vtype *t, vscope *s);

bool comp_valid_alias(comp_valid_ctx *v, vscope *s, const comp_alias *a,
                      const comp_pos *pos) {
  switch (a->kind) {
  case COMP_ALIAS_EXPORT: {
    if (s->kind != VS_COMPONENT && a->sort != COMP_SORT_TYPE &&
        a->sort != COMP_SORT_INSTANCE)
      return comp_valid_fail(v, pos,
                             "export aliases in component and instance types "
                             "may only refer to types or instances");
    vitem *ii = vspace_get(s, COMP_SORT_INSTANCE, a->instance);
    if (!ii) return comp_valid_oob_any(v, pos, COMP_SORT_INSTANCE, a->instance);
    const vinst *in = ii->ent.inst;
    /* the index is a cache: logically the instance type does not change */
    const vnamed *found =
        comp_valid_find_named(v, &((vinst *)in)->ix_exports, in->exports,
                              in->nexports, a->name.s, a->name.len);
    if (found) {
      vent e = found->t;
      if (e.sort == COMP_SORT_TYPE && e.type->kind == VT_RESOURCE) {
        /* a new name of the same resource */
        vtype *t = comp_valid_alloc(v, sizeof *t);
        *t = *e.type;
        e.type = t;
      }
      return ent_to_item(v, s, &e, a->sort, pos, a->name.s, a->instance);
    }
    return comp_valid_fail(v, pos, "instance %u has no export named `%s`",
                           a->instance, a->name.s);
  }
  case COMP_ALIAS_CORE_EXPORT: {
    vitem *ii = vspace_get(s, COMP_SORT_CORE_INSTANCE, a->instance);
    if (!ii)
      return comp_valid_oob_any(v, pos, COMP_SORT_CORE_INSTANCE, a->instance);
    const vcore_named *ex = core_find(v, ii->core_inst, &a->name);
    if (!ex)
      return comp_valid_fail(v, pos,
                             "core instance %u has no export named `%s`",
                             a->instance, a->name.s);
    if (core_sort_of(ex->t.kind) != a->sort)
      return comp_valid_fail(
          v, pos, "export `%s` for core instance %u is not a %s", a->name.s,
          a->instance, comp_sort_name(a->sort) + 5 /* skip "core " */);
    vspace_push(v, s, a->sort)->core = ex->t;
    return true;
  }
  case COMP_ALIAS_OUTER: {
    vscope *o = s;
    for (uint32_t i = 0; i < a->outer_count && o; i++) o = o->parent;
    if (!o)
      return comp_valid_fail(v, pos, "invalid outer alias count of %u",
                             a->outer_count);
    if (s->kind != VS_COMPONENT && a->sort != COMP_SORT_TYPE &&
        a->sort != COMP_SORT_CORE_TYPE)
      return comp_valid_fail(v, pos,
                             "outer aliases in component and instance types "
                             "may only refer to types or instances");
    if (a->sort != COMP_SORT_TYPE && a->sort != COMP_SORT_CORE_TYPE &&
        a->sort != COMP_SORT_COMPONENT && a->sort != COMP_SORT_CORE_MODULE)
      return comp_valid_fail(
          v, pos,
          "outer aliases may only refer to types, components or "
          "core modules");
    vitem *it = vspace_get(o, a->sort, a->outer_idx);
    if (!it) return comp_valid_oob_any(v, pos, a->sort, a->outer_idx);
    if (a->sort == COMP_SORT_TYPE && a->outer_count > 0) {
      /* Explainer.md "Alias Definitions": outer aliases of types that
       * refer to resources are only allowed between type scopes. */
      bool crosses_component = false;
      vscope *q = s;
      for (uint32_t i = 0; i < a->outer_count; i++, q = q->parent)
        if (q->kind == VS_COMPONENT) crosses_component = true;
      if (crosses_component && type_has_foreign_res(it->ent.type, s)) {
        return comp_valid_fail(
            v, pos,
            "cannot alias outer type which transitively refers to "
            "resources not defined in the current component");
      }
    }
    vitem *n = vspace_push(v, s, a->sort);
    *n = *it;
    n->consumed = false;
    return true;
  }
  }
  return false;
}

/* memoised on the type (canon/layout.c): linear in the type's DAG */
static bool ct_has_res(const canon_type *t) { return canon_contains_handle(t); }

static bool ent_has_res(const vent *e);

static bool named_has_res(const vnamed *v, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (ent_has_res(&v[i].t)) return true;
  return false;
}

static bool ent_has_res(const vent *e) {
  switch (e->sort) {
  case COMP_SORT_FUNC: {
    for (uint32_t i = 0; i < e->func->nparams; i++)
      if (ct_has_res(e->func->params[i].t)) return true;
    return ct_has_res(e->func->result);
  }
  case COMP_SORT_VALUE: return ct_has_res(e->value);
  case COMP_SORT_TYPE: return type_has_foreign_res(e->type, NULL);
  case COMP_SORT_INSTANCE:
    return named_has_res(e->inst->exports, e->inst->nexports);
  case COMP_SORT_COMPONENT:
    return named_has_res(e->comp->imports, e->comp->nimports) ||
           named_has_res(e->comp->exports, e->comp->nexports);
  default: return false;
  }
}

/* Does a list of named items mention a resource outside bound1/bound2? */
static bool ct_foreign(const canon_type *t, const vres_list *b1,
                       const vres_list *b2);
static bool in_list(const vres_list *l, const vres *r) {
  for (uint32_t i = 0; l && i < l->n; i++)
    if (l->v[i] == r) return true;
  return false;
}
/* Each node of the type's DAG is visited once (seen): a node seen before
 * had no foreign resource, or the walk would have ended. */
static bool ct_foreign_walk(const canon_type *t, const vres_list *b1,
                            const vres_list *b2, canon_type_set *seen) {
  if (!t || !canon_contains_handle(t) || !canon_type_set_add(seen, t))
    return false;
  switch (t->kind) {
  case CANON_OWN:
  case CANON_BORROW: {
    const vres *r = vres_of(t->u.rt);
    return !in_list(b1, r) && !in_list(b2, r);
  }
  case CANON_LIST: return ct_foreign_walk(t->u.list.elem, b1, b2, seen);
  case CANON_RECORD:
    for (uint32_t i = 0; i < t->u.record.n; i++)
      if (ct_foreign_walk(t->u.record.fields[i].t, b1, b2, seen))
        return true;
    return false;
  case CANON_VARIANT:
    for (uint32_t i = 0; i < t->u.variant.n; i++)
      if (ct_foreign_walk(t->u.variant.cases[i].t, b1, b2, seen))
        return true;
    return false;
  case CANON_STREAM:
  case CANON_FUTURE: return ct_foreign_walk(t->u.payload, b1, b2, seen);
  default:
    return t->despecialized != t &&
           ct_foreign_walk(t->despecialized, b1, b2, seen);
  }
}

static bool ct_foreign(const canon_type *t, const vres_list *b1,
                       const vres_list *b2) {
  canon_type_set seen = {0};
  bool r = ct_foreign_walk(t, b1, b2, &seen);
  canon_type_set_free(&seen);
  return r;
}
static bool foreign_in(const vnamed *l, uint32_t n, const vres_list *b1,
                       const vres_list *b2) {
  for (uint32_t i = 0; i < n; i++) {
    const vent *e = &l[i].t;
    switch (e->sort) {
    case COMP_SORT_FUNC:
      for (uint32_t k = 0; k < e->func->nparams; k++)
        if (ct_foreign(e->func->params[k].t, b1, b2)) return true;
      if (ct_foreign(e->func->result, b1, b2)) return true;
      break;
    case COMP_SORT_VALUE:
      if (ct_foreign(e->value, b1, b2)) return true;
      break;
    case COMP_SORT_TYPE:
      if (e->type->kind == VT_RESOURCE) {
        if (!in_list(b1, e->type->res->res) && !in_list(b2, e->type->res->res))
          return true;
      } else if (e->type->kind == VT_VAL && ct_foreign(e->type->val, b1, b2)) {
        return true;
      }
      break;
    case COMP_SORT_INSTANCE:
      if (foreign_in(e->inst->exports, e->inst->nexports, b1, b2)) return true;
      break;
    default: break;
    }
  }
  return false;
}

/* Conservative: any resource at all (resources are always foreign to a
 * component reached through an outer alias, as a component cannot close
 * over its parent's resources). */
static bool type_has_foreign_res(const vtype *t, vscope *s) {
  (void)s;
  switch (t->kind) {
  case VT_RESOURCE: return true;
  case VT_VAL: return ct_has_res(t->val);
  case VT_FUNC: {
    vent e = {.sort = COMP_SORT_FUNC, .func = t->func};
    return ent_has_res(&e);
  }
  case VT_INSTANCE:
    return foreign_in(t->inst->exports, t->inst->nexports, &t->inst->defined,
                      NULL);
  case VT_COMPONENT:
    /* a component type's own resources are bound inside it */
    return foreign_in(t->comp->imports, t->comp->nimports,
                      &t->comp->imported, &t->comp->defined) ||
           foreign_in(t->comp->exports, t->comp->nexports,
                      &t->comp->imported, &t->comp->defined);
  }
  return false;
}

/* ---- components and instances ------------------------------------------ */

static bool validate_scope(comp_valid_ctx *v, vscope *s, comp_component *c);
static void scope_free(vscope *s) { (void)s; }

/* The component type a scope's imports and exports make. */
vcomp *comp_valid_scope_comp_type(comp_valid_ctx *v, vscope *s,
                                  const vres_list *created) {
  vcomp *ct = comp_valid_alloc(v, sizeof *ct);
  ct->imports = s->imports;
  ct->nimports = s->nimports;
  ct->exports = s->exports;
  ct->nexports = s->nexports;
  ct->imported = s->imported_res;
  ct->defined = *created;
  return ct;
}

static bool def_component(comp_valid_ctx *v, vscope *s, comp_def *d) {
  vscope *inner = comp_valid_alloc(v, sizeof *inner);
  inner->parent = s;
  inner->kind = VS_COMPONENT;
  if (!validate_scope(v, inner, d->u.component)) return false;
  vcomp *ct = comp_valid_scope_comp_type(v, inner, &inner->defined_res);
  vspace_push(v, s, COMP_SORT_COMPONENT)->ent.comp = ct;
  scope_free(inner);
  return true;
}

static vent item_ent(vitem *it, comp_sort sort) {
  vent e = it->ent;
  e.sort = sort;
  return e;
}

/* Instantiates a component type with named arguments: checks each import
 * against its argument (binding the component's imported resources) and
 * returns the instance type of its exports, with fresh resources for the
 * ones it defines. */
const vinst *comp_valid_instantiate(comp_valid_ctx *v, vscope *s,
                                    const vcomp *ct, const char *const *names,
                                    const vent *args,
                                    const comp_pos *const *poss, uint32_t nargs,
                                    const comp_pos *pos) {
  vsubst m = {0};
  for (uint32_t i = 0; i < ct->imported.n; i++)
    vsubst_add(v, &m, ct->imported.v[i], NULL);
  cm_nameset byname; /* argument name -> its first index */
  comp_valid_nameset_init(v, &byname, false);
  for (uint32_t j = 0; j < nargs; j++) {
    uint32_t k = j;
    (void)cm_nameset_add(&byname, names[j], strlen(names[j]), 0, &k);
  }
  for (uint32_t i = 0; i < ct->nimports; i++) {
    const vnamed *im = &ct->imports[i];
    uint32_t j;
    if (!cm_nameset_find(&byname, im->name, strlen(im->name), 0, &j)) {
      comp_valid_fail(v, pos, "missing import named `%s`", im->name);
      return NULL;
    }
    /* the expected type with what is bound so far */
    if (!comp_valid_sub_ent_bind(v, &args[j], &im->t, &m, poss[j],
                                 "in component instantiation argument",
                                 im->name))
      return NULL;
  }
  vinst *it = comp_valid_alloc(v, sizeof *it);
  vres_list fresh = {0};
  comp_valid_freshen(v, &m, &ct->defined, &fresh);
  for (uint32_t i = 0; i < fresh.n; i++) vres_list_push(v, &s->defined_res, fresh.v[i]);
  it->nexports = ct->nexports;
  it->exports = comp_valid_alloc(v, ct->nexports * sizeof *it->exports);
  for (uint32_t i = 0; i < ct->nexports; i++) {
    it->exports[i].name = ct->exports[i].name;
    it->exports[i].t = comp_valid_subst_ent(v, &m, &ct->exports[i].t);
  }
  return it;
}

static bool def_instance(comp_valid_ctx *v, vscope *s, comp_def *d) {
  const comp_instance *ci = &d->u.instance;
  if (ci->instantiate) {
    vitem *ci_it = vspace_get(s, COMP_SORT_COMPONENT, ci->component);
    if (!ci_it)
      return comp_valid_oob(v, &d->pos, COMP_SORT_COMPONENT, ci->component);
    const char **names = comp_valid_alloc(v, (ci->nargs + 1) * sizeof *names);
    vent *args = comp_valid_alloc(v, (ci->nargs + 1) * sizeof *args);
    const comp_pos **poss = comp_valid_alloc(v, (ci->nargs + 1) * sizeof *poss);
    cm_nameset seen; /* names compare ignoring case (comp_valid_label_eq) */
    comp_valid_nameset_init(v, &seen, true);
    for (uint32_t i = 0; i < ci->nargs; i++) {
      const comp_arg *a = &ci->args[i];
      vitem *x = vspace_get(s, a->item.sort, a->item.idx);
      if (!x) return comp_valid_oob_any(v, &a->pos, a->item.sort, a->item.idx);
      if (comp_sort_is_core(a->item.sort) &&
          a->item.sort != COMP_SORT_CORE_MODULE)
        return comp_valid_fail(v, &a->pos,
                               "invalid instantiation argument sort");
      uint32_t j = i;
      if (cm_nameset_add(&seen, a->name.s, strlen(a->name.s), 0, &j) !=
          CM_NAMESET_ADDED)
        return comp_valid_fail(
            v, &a->pos,
            "instantiation argument `%s` conflicts with previous "
            "argument `%s`",
            a->name.s, ci->args[j].name.s);
      names[i] = a->name.s;
      args[i] = item_ent(x, a->item.sort);
      if (a->item.sort == COMP_SORT_CORE_MODULE) {
        args[i].module = x->module;
      }
      if (a->item.sort == COMP_SORT_VALUE) x->consumed = true;
      poss[i] = &a->pos;
    }
    const vinst *it = comp_valid_instantiate(v, s, ci_it->ent.comp, names, args,
                                             poss, ci->nargs, &d->pos);
    if (!it) return false;
    vspace_push(v, s, COMP_SORT_INSTANCE)->ent.inst = it;
    return true;
  }
  vinst *it = comp_valid_alloc(v, sizeof *it);
  it->exports = comp_valid_alloc(v, (ci->nexports + 1) * sizeof *it->exports);
  vscope tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.kind = VS_INSTANCE_TYPE;
  tmp.parent = s;
  for (uint32_t i = 0; i < ci->nexports; i++) {
    const comp_inline_export *e = &ci->exports[i];
    vitem *x = vspace_get(s, e->item.sort, e->item.idx);
    if (!x)
      return comp_valid_oob_any(v, &e->item.pos, e->item.sort, e->item.idx);
    if (comp_sort_is_core(e->item.sort) &&
        e->item.sort != COMP_SORT_CORE_MODULE)
      return comp_valid_fail(v, &e->item.pos, "invalid export sort");
    vent t = item_ent(x, e->item.sort);
    if (e->item.sort == COMP_SORT_CORE_MODULE) t.module = x->module;
    if (e->item.sort == COMP_SORT_VALUE) x->consumed = true;
    if (!comp_valid_externname(v, &tmp, &e->name, &t, false)) return false;
    it->exports[i].name =
        comp_valid_strdup(v, e->name.name.s, e->name.name.len);
    it->exports[i].t = t;
  }
  it->nexports = ci->nexports;
  vspace_push(v, s, COMP_SORT_INSTANCE)->ent.inst = it;
  return true;
}

/* ---- imports and exports ------------------------------------------------- */

static void push_named(comp_valid_ctx *v, vnamed **arr, uint32_t *n,
                       uint32_t *cap, cm_nameset *ix, const char *name,
                       const vent *t) {
  if (!ix->alloc) comp_valid_nameset_init(v, ix, false);
  uint32_t k = *n; /* names are unique in a scope (comp_valid_externname) */
  (void)cm_nameset_add(ix, name, strlen(name), 0, &k); /* cannot fail */
  comp_valid_grow(v, (void **)arr, cap, *n, sizeof **arr);
  (*arr)[*n].name = name;
  (*arr)[*n].t = *t;
  (*n)++;
}

/* A new name for an imported or exported type: resources get a new
 * vres_ref, named value types a copy, so that the visibility sets can tell
 * the exported index from the one passed to the export. */
static const vtype *rename_type(comp_valid_ctx *v, const vtype *t) {
  vtype *n = comp_valid_alloc(v, sizeof *n);
  *n = *t;
  if (t->kind == VT_RESOURCE) {
    n->res = comp_valid_new_ref(v, t->res->res);
  } else if (t->kind == VT_VAL) {
    canon_kind k = t->val->kind;
    if (k == CANON_RECORD || k == CANON_VARIANT || k == CANON_ENUM ||
        k == CANON_FLAGS) {
      canon_type *c = comp_valid_alloc(v, sizeof *c);
      *c = *t->val;
      if (t->val->despecialized == t->val) c->despecialized = c;
      n->val = c;
    }
  }
  return n;
}

static void name_type(comp_valid_ctx *v, vptrset *set, const vtype *t) {
  if (t->kind == VT_RESOURCE) vptrset_add(v, set, t->res);
  else if (t->kind == VT_VAL) vptrset_add(v, set, t->val);
  else vptrset_add(v, set, t);
}

/* An imported or exported instance names the types it exports (aliasing
 * them out of it gives externally visible types).  Approximation: the
 * identities themselves are named, so a use of the same type through
 * another index also counts as named. */
static void name_instance(comp_valid_ctx *v, vptrset *set, const vinst *in) {
  for (uint32_t i = 0; i < in->nexports; i++) {
    const vent *e = &in->exports[i].t;
    if (e->sort == COMP_SORT_TYPE) name_type(v, set, e->type);
    else if (e->sort == COMP_SORT_INSTANCE) name_instance(v, set, e->inst);
  }
}

/* Instance e with fresh resources for those its type defines (each also
 * added to list). */
static vent fresh_instance(comp_valid_ctx *v, const vent *e, vres_list *list) {
  vsubst m = {0};
  comp_valid_freshen(v, &m, &e->inst->defined, list);
  return comp_valid_subst_ent(v, &m, e);
}

/* How adding an import (import) or an export to a scope ends: its name
 * checked, its type required to be named (but in an instance type's
 * exports), then its entry in the imports or exports and the index space. */
static bool add_named(comp_valid_ctx *v, vscope *s,
                      const comp_externname *name, const vent *e,
                      const comp_pos *pos, bool import) {
  if (!comp_valid_externname(v, s, name, e, import)) return false;
  if ((import || s->kind != VS_INSTANCE_TYPE) &&
      !comp_valid_ent_named(v, s, e, import))
    return comp_valid_fail(v, pos, "%s not valid to be used as %s",
                           comp_valid_ent_word(e), import ? "import" : "export");
  const char *copy = comp_valid_strdup(v, name->name.s, name->name.len);
  if (import)
    push_named(v, &s->imports, &s->nimports, &s->cap_imports, &s->import_ix,
               copy, e);
  else
    push_named(v, &s->exports, &s->nexports, &s->cap_exports, &s->export_ix,
               copy, e);
  vspace_push_ent(v, s, e);
  return true;
}

/* Adds an import (or import declaration) to a scope. */
bool comp_valid_add_import(comp_valid_ctx *v, vscope *s,
                           const comp_externname *name,
                           const comp_externtype *et, const comp_pos *pos) {
  vent e;
  if (!comp_valid_externtype(v, s, et, &e)) return false;
  if (e.sort == COMP_SORT_TYPE) {
    if (et->sub_resource) {
      e.type = comp_valid_fresh_resource(v, &s->imported_res);
    } else {
      e.type = rename_type(v, e.type);
    }
    name_type(v, &s->imported_named, e.type);
  } else if (e.sort == COMP_SORT_INSTANCE) {
    e = fresh_instance(v, &e, &s->imported_res);
    name_instance(v, &s->imported_named, e.inst);
  }
  return add_named(v, s, name, &e, pos, true);
}

bool comp_valid_add_export(comp_valid_ctx *v, vscope *s,
                           const comp_externname *name, vent e,
                           const comp_pos *pos) {
  if (e.sort == COMP_SORT_TYPE) {
    e.type = rename_type(v, e.type);
    name_type(v, &s->exported_named, e.type);
  } else if (e.sort == COMP_SORT_INSTANCE && s->kind != VS_COMPONENT) {
    e = fresh_instance(v, &e, &s->defined_res);
  }
  if (e.sort == COMP_SORT_INSTANCE)
    name_instance(v, &s->exported_named, e.inst);
  return add_named(v, s, name, &e, pos, false);
}

static bool def_export(comp_valid_ctx *v, vscope *s, comp_def *d) {
  const comp_export *ex = &d->u.export_;
  vitem *x = vspace_get(s, ex->item.sort, ex->item.idx);
  if (!x) return comp_valid_oob(v, &ex->item.pos, ex->item.sort, ex->item.idx);
  if (comp_sort_is_core(ex->item.sort) && ex->item.sort != COMP_SORT_CORE_MODULE)
    return comp_valid_fail(v, &d->pos, "invalid export sort");
  vent e = item_ent(x, ex->item.sort);
  if (ex->item.sort == COMP_SORT_CORE_MODULE) e.module = x->module;
  if (ex->item.sort == COMP_SORT_VALUE) x->consumed = true;
  if (ex->has_type) {
    vent asc;
    if (!comp_valid_externtype(v, s, &ex->type, &asc)) return false;
    if (asc.sort == COMP_SORT_TYPE && ex->type.sub_resource) {
      if (e.sort != COMP_SORT_TYPE)
        return comp_valid_fail(v, &d->pos,
                               "ascribed type of export is not compatible "
                               "with item's type: expected type, found %s",
                               comp_valid_ent_word(&e));
      if (!comp_valid_type_is_resource(e.type))
        return comp_valid_fail(v, &d->pos,
                               "ascribed type of export is not compatible "
                               "with item's type: expected resource, "
                               "found defined type");
      /* the ascription hides the resource's identity */
      e.type = comp_valid_fresh_resource(v, &s->defined_res);
    } else {
      vsubst m = {0};
      if (asc.sort == COMP_SORT_INSTANCE)
        for (uint32_t i = 0; i < asc.inst->defined.n; i++)
          vsubst_add(v, &m, asc.inst->defined.v[i], NULL);
      if (!comp_valid_sub_ent_bind(
              v, &e, &asc, &m, &d->pos,
              "ascribed type of export is not compatible with "
              "item's type",
              NULL))
        return false;
      e = comp_valid_subst_ent(v, &m, &asc);
    }
  }
  return comp_valid_add_export(v, s, &ex->name, e, &d->pos);
}

static bool def_start(comp_valid_ctx *v, vscope *s, comp_def *d) {
  const comp_start *st = &d->u.start;
  vitem *f = vspace_get(s, COMP_SORT_FUNC, st->func);
  if (!f) return comp_valid_oob(v, &d->pos, COMP_SORT_FUNC, st->func);
  const canon_FuncType *ft = f->ent.func;
  if (ft->nparams != st->nargs)
    return comp_valid_fail(
        v, &d->pos,
        "component start function requires %u arguments but was "
        "given %u",
        ft->nparams, st->nargs);
  for (uint32_t i = 0; i < st->nargs; i++) {
    vitem *a = vspace_get(s, COMP_SORT_VALUE, st->args[i]);
    if (!a) return comp_valid_oob(v, &d->pos, COMP_SORT_VALUE, st->args[i]);
    vent want = {.sort = COMP_SORT_VALUE, .value = ft->params[i].t};
    if (!comp_valid_sub_ent_bind(v, &a->ent, &want, NULL, &d->pos,
                                 "type mismatch in start function argument",
                                 NULL))
      return false;
    a->consumed = true;
  }
  uint32_t nres = ft->result ? 1 : 0;
  if (nres != st->nresults)
    return comp_valid_fail(
        v, &d->pos,
        "component start function has a result count of %u but "
        "the function type has a result count of %u",
        st->nresults, nres);
  for (uint32_t i = 0; i < nres; i++) {
    vitem *it = vspace_push(v, s, COMP_SORT_VALUE);
    it->ent.value = ft->result;
  }
  return true;
}

static bool def_value(comp_valid_ctx *v, vscope *s, comp_def *d) {
  const canon_type *t = comp_valid_valtype(v, s, &d->u.value.type, &d->pos);
  if (!t) return false;
  vspace_push(v, s, COMP_SORT_VALUE)->ent.value = t;
  return true;
}

/* ---- the definitions of a component, in order ---------------------------- */

static bool validate_def(comp_valid_ctx *v, vscope *s, comp_def *d) {
  switch (d->kind) {
  case COMP_DEF_CORE_MODULE: return def_core_module(v, s, d);
  case COMP_DEF_CORE_INSTANCE: return def_core_instance(v, s, d);
  case COMP_DEF_CORE_TYPE: {
    vitem tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!comp_valid_core_type(v, s, d->u.core_type, &tmp)) return false;
    *vspace_push(v, s, COMP_SORT_CORE_TYPE) = tmp;
    return true;
  }
  case COMP_DEF_COMPONENT: return def_component(v, s, d);
  case COMP_DEF_INSTANCE: return def_instance(v, s, d);
  case COMP_DEF_ALIAS: return comp_valid_alias(v, s, &d->u.alias, &d->pos);
  case COMP_DEF_TYPE: {
    const vtype *t = comp_valid_deftype(v, s, d->u.type);
    if (!t) return false;
    if (t->kind == VT_VAL) d->u.type->resolved = t->val;
    vspace_push(v, s, COMP_SORT_TYPE)->ent.type = t;
    return true;
  }
  case COMP_DEF_CANON: return comp_valid_canon(v, s, d);
  case COMP_DEF_START: return def_start(v, s, d);
  case COMP_DEF_IMPORT:
    return comp_valid_add_import(v, s, &d->u.import.name, &d->u.import.type,
                                 &d->pos);
  case COMP_DEF_EXPORT: return def_export(v, s, d);
  case COMP_DEF_VALUE: return def_value(v, s, d);
  }
  return false;
}

/* Records the types of the index spaces in c->vinfo. */
static void fill_vinfo(comp_valid_ctx *v, vscope *s, comp_component *c) {
  comp_vinfo *vi = comp_valid_alloc(v, sizeof *vi);
  for (int k = 0; k < COMP_NSORTS; k++) {
    vspace *sp = &s->spaces[k];
    vi->n[k] = sp->n;
    vi->items[k] = comp_valid_alloc(v, (sp->n + 1) * sizeof *vi->items[k]);
    for (uint32_t i = 0; i < sp->n; i++) {
      comp_vitem *o = &vi->items[k][i];
      const vitem *it = &sp->v[i];
      switch ((comp_sort)k) {
      case COMP_SORT_CORE_FUNC: o->core_func = it->core.func; break;
      case COMP_SORT_CORE_TYPE: o->core_func = it->core_functype; break;
      case COMP_SORT_FUNC: o->func = it->ent.func; break;
      case COMP_SORT_VALUE: o->value = it->ent.value; break;
      case COMP_SORT_TYPE:
        if (it->ent.type->kind == VT_VAL) o->value = it->ent.type->val;
        if (it->ent.type->kind == VT_FUNC) o->func = it->ent.type->func;
        if (it->ent.type->kind == VT_RESOURCE) {
          o->resource_id = it->ent.type->res->res->id;
          o->resource_local = it->ent.type->res->res->owner == s;
        }
        break;
      default: break;
      }
    }
  }
  c->vinfo = vi;
}

static bool validate_scope(comp_valid_ctx *v, vscope *s, comp_component *c) {
  for (uint32_t i = 0; i < c->ndefs; i++)
    if (!validate_def(v, s, &c->defs[i])) {
      if (!v->failed) comp_valid_fail(v, &c->defs[i].pos, "invalid definition");
      return false;
    }
  for (uint32_t i = 0; i < s->spaces[COMP_SORT_VALUE].n; i++)
    if (!s->spaces[COMP_SORT_VALUE].v[i].consumed)
      return comp_valid_fail(v, &c->pos,
                             "value index %u was not used as part of an "
                             "instantiation, start function, or export",
                             i);
  fill_vinfo(v, s, c);
  return true;
}

/* ---- entry points ------------------------------------------------------- */

typedef struct vstate {
  comp_valid_ctx ctx;
} vstate;

bool comp_validate(comp_component *c, cm_error *err) {
  comp_validation_free(c);
  vstate *st = calloc(1, sizeof *st);
  if (!st) {
    cm_error_set(err, CM_IO, "out of memory");
    return false;
  }
  comp_valid_ctx *v = &st->ctx;
  v->arena = canon_type_arena_new();
  v->err = err;
  c->vstate = st;
  vscope *top = comp_valid_alloc(v, sizeof *top);
  top->kind = VS_COMPONENT;
  bool ok = validate_scope(v, top, c);
  if (!ok) {
    comp_validation_free(c);
    if (err->kind == CM_OK) cm_error_set(err, CM_INVALID, "invalid component");
  }
  return ok;
}

static void clear_vinfo(comp_component *c) {
  c->vinfo = NULL;
  for (uint32_t i = 0; i < c->ndefs; i++) {
    if (c->defs[i].kind == COMP_DEF_COMPONENT)
      clear_vinfo(c->defs[i].u.component);
    if (c->defs[i].kind == COMP_DEF_TYPE) c->defs[i].u.type->resolved = NULL;
  }
}

void comp_validation_free(comp_component *c) {
  if (!c || !c->vstate) return;
  vstate *st = c->vstate;
  for (uint32_t i = 0; i < st->ctx.nblocks; i++) free(st->ctx.blocks[i]);
  free(st->ctx.blocks);
  canon_type_arena_free(st->ctx.arena);
  free(st);
  c->vstate = NULL;
  clear_vinfo(c);
}
