/* text.c -- the component text parser: the `(component ...)` form and its
 * definitions (Explainer.md "Component Definitions" through "Import and
 * Export Definitions"), with the abbreviations the Explainer gives for each
 * (inline exports and imports, inverted aliases and canons, inline export
 * aliases `(func $i "name")`, inline instances in `with`).  Types live in
 * text_types.c, canon definitions in text_canon.c, scopes in text_scope.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "binary.h"
#include "text.h"
#include "text_internal.h"
#include "../../canon/grow.h"

/* TEMPORARY: stands in for the component binary decoder until binary.c
 * lands; its real definition overrides this one. */
__attribute__((weak)) comp_component *
comp_decode_component(const uint8_t *bytes, size_t len, cm_error *err) {
  (void)bytes, (void)len;
  cm_error_set(err, CM_UNSUPPORTED,
               "unsupported feature: component binary format (not built)");
  return NULL;
}

static bool unexpected(comp_text_parser *p, const sx_node *n) {
  sx_error(p->err, n, "unexpected token");
  return false;
}

static bool expect_end(comp_text_parser *p, const sx_node *list, size_t i) {
  if (i < list->n) return unexpected(p, list->items[i]);
  return true;
}

static const sx_node *opt_id(const sx_node *list, size_t *i) {
  if (*i < list->n && list->items[*i]->kind == SX_ID) return list->items[(*i)++];
  return NULL;
}

/* ---- sorts and indices --------------------------------------------------- */

static const struct {
  const char *kw;
  comp_sort core, comp; /* COMP_NSORTS: not a sort of that kind */
} sort_kws[] = {
    {"func", COMP_SORT_CORE_FUNC, COMP_SORT_FUNC},
    {"table", COMP_SORT_CORE_TABLE, COMP_NSORTS},
    {"memory", COMP_SORT_CORE_MEMORY, COMP_NSORTS},
    {"global", COMP_SORT_CORE_GLOBAL, COMP_NSORTS},
    {"tag", COMP_SORT_CORE_TAG, COMP_NSORTS},
    {"type", COMP_SORT_CORE_TYPE, COMP_SORT_TYPE},
    {"module", COMP_SORT_CORE_MODULE, COMP_NSORTS},
    {"instance", COMP_SORT_CORE_INSTANCE, COMP_SORT_INSTANCE},
    {"value", COMP_NSORTS, COMP_SORT_VALUE},
    {"component", COMP_NSORTS, COMP_SORT_COMPONENT},
};

bool comp_text_sort(comp_text_parser *p, const sx_node *list, size_t *i,
                    bool core_ctx, comp_sort *out) {
  bool core = core_ctx;
  if (!core && *i < list->n && sx_is_keyword(list->items[*i], "core")) {
    core = true;
    (*i)++;
  }
  if (*i >= list->n) {
    sx_error(p->err, list, "unexpected end of form: expected a sort");
    return false;
  }
  const sx_node *kw = list->items[*i];
  for (size_t k = 0; k < sizeof sort_kws / sizeof sort_kws[0]; k++) {
    if (!sx_is_keyword(kw, sort_kws[k].kw)) continue;
    comp_sort s = core ? sort_kws[k].core : sort_kws[k].comp;
    if (s == COMP_NSORTS) break;
    (*i)++;
    *out = s;
    return true;
  }
  return unexpected(p, kw);
}

/* Inline export aliases: items[i] is an instance index, items[i+1..] names
 * projected one after the other; the last alias has sort `sort`. */
static bool inline_alias(comp_text_parser *p, comp_sort sort,
                         const sx_node *list, size_t i, uint32_t *out) {
  /* core modules are exported by component instances, like component
   * sorts; the other core sorts by core instances */
  bool core = comp_sort_is_core(sort) && sort != COMP_SORT_CORE_MODULE;
  comp_sort inst_sort = core ? COMP_SORT_CORE_INSTANCE : COMP_SORT_INSTANCE;
  uint32_t inst;
  if (!comp_text_resolve(p, inst_sort, list->items[i], &inst)) return false;
  for (size_t k = i + 1; k < list->n; k++) {
    comp_alias a = {0};
    a.kind = core ? COMP_ALIAS_CORE_EXPORT : COMP_ALIAS_EXPORT;
    a.sort = k + 1 == list->n ? sort : inst_sort;
    a.instance = inst;
    if (!comp_text_name(p, list->items[k], &a.name)) return false;
    inst = comp_text_emit_alias(p, &a, NULL, list->items[k]);
    if (inst == UINT32_MAX) return false;
  }
  *out = inst;
  return true;
}

bool comp_text_sortidx(comp_text_parser *p, const sx_node *n, bool core_ctx,
                       comp_sortidx *out) {
  if (!sx_is_list(n) || n->n == 0) {
    sx_error(p->err, n, "unexpected token: expected (sort idx)");
    return false;
  }
  size_t i = 0;
  if (!comp_text_sort(p, n, &i, core_ctx, &out->sort)) return false;
  out->pos = comp_text_pos(n);
  if (i >= n->n) {
    sx_error(p->err, n, "unexpected end of form: expected an index");
    return false;
  }
  if (i + 1 == n->n)
    return comp_text_resolve(p, out->sort, n->items[i], &out->idx);
  return inline_alias(p, out->sort, n, i, &out->idx);
}

bool comp_text_idx(comp_text_parser *p, const sx_node *n, comp_sort sort,
                   bool core_ctx, uint32_t *out) {
  if (comp_text_is_idx(n)) return comp_text_resolve(p, sort, n, out);
  comp_sortidx si;
  if (!comp_text_sortidx(p, n, core_ctx, &si)) return false;
  if (si.sort != sort) {
    sx_error(p->err, n, "unexpected token: expected %s", comp_sort_name(sort));
    return false;
  }
  *out = si.idx;
  return true;
}

/* ---- names ---------------------------------------------------------------- */

bool comp_text_externname(comp_text_parser *p, const sx_node *list, size_t *i,
                          comp_externname *out) {
  if (*i >= list->n) {
    sx_error(p->err, list, "unexpected end of form: expected a name");
    return false;
  }
  out->pos = comp_text_pos(list->items[*i]);
  if (!comp_text_name(p, list->items[(*i)++], &out->name)) return false;
  while (*i < list->n) {
    const sx_node *a = list->items[*i];
    bool *has;
    core_name *dst;
    if (sx_is_form(a, "implements"))
      has = &out->has_implements, dst = &out->implements;
    else if (sx_is_form(a, "versionsuffix"))
      has = &out->has_versionsuffix, dst = &out->versionsuffix;
    else if (sx_is_form(a, "external-id"))
      has = &out->has_external_id, dst = &out->external_id;
    else
      break;
    if (*has || a->n != 2) return unexpected(p, a);
    if (!comp_text_name(p, a->items[1], dst)) return false;
    *has = true;
    (*i)++;
  }
  return true;
}

/* ---- abbreviations shared by several definition kinds ------------------- */

/* `(import "n" attrs*)` / `(export "n" attrs*)` with nothing after: the
 * inline forms, as opposed to import/export fields and instance exports,
 * which carry a type or an index. */
static bool inline_form(const sx_node *n, const char *kw) {
  if (!sx_is_form(n, kw) || n->n < 2 || n->items[1]->kind != SX_STRING)
    return false;
  for (size_t i = 2; i < n->n; i++)
    if (!sx_is_form(n->items[i], "implements") &&
        !sx_is_form(n->items[i], "versionsuffix") &&
        !sx_is_form(n->items[i], "external-id"))
      return false;
  return true;
}

size_t comp_text_skip_exports(const sx_node *f, size_t i) {
  while (i < f->n && inline_form(f->items[i], "export")) i++;
  return i;
}

/* `(X $id (export "n")* ...)`: the exports of the new definition. */
bool comp_text_inline_exports(comp_text_parser *p, const sx_node *f,
                              size_t from, size_t to, comp_sort sort,
                              uint32_t idx) {
  for (size_t k = from; k < to && !comp_text_failed(p); k++) {
    const sx_node *e = f->items[k];
    comp_def d = comp_text_def(COMP_DEF_EXPORT, e);
    size_t j = 1;
    if (!comp_text_externname(p, e, &j, &d.u.export_.name) ||
        !expect_end(p, e, j)) {
      comp_def_clear(&d);
      return false;
    }
    d.u.export_.item = (comp_sortidx){sort, idx, comp_text_pos(e)};
    if (comp_text_emit_def(p, &d, NULL) == UINT32_MAX) return false;
  }
  return !comp_text_failed(p);
}

/* `(X $id (import "n" attrs*) ...type...)` */
static uint32_t inline_import(comp_text_parser *p, const sx_node *f, size_t imp,
                              comp_sort sort, const sx_node *id) {
  const sx_node *im = f->items[imp];
  comp_def d = comp_text_def(COMP_DEF_IMPORT, f);
  size_t j = 1;
  if (!comp_text_externname(p, im, &j, &d.u.import.name) ||
      !expect_end(p, im, j) ||
      !comp_text_externtype_body(p, sort, f, imp + 1, f->n, &d.u.import.type)) {
    comp_def_clear(&d);
    return UINT32_MAX;
  }
  d.u.import.type.pos = comp_text_pos(f);
  return comp_text_emit_def(p, &d, id);
}

/* The target of an alias at items[*i]: `export i "n"`, `core export i "n"`
 * or `outer ct idx` (the idx of outer is resolved once the sort is known,
 * by outer_target). */
static bool alias_target(comp_text_parser *p, const sx_node *f, size_t *i,
                         comp_alias *a, const sx_node **outer_ct,
                         const sx_node **outer_idx) {
  size_t n = f->n;
  if (*i < n && sx_is_keyword(f->items[*i], "export")) {
    a->kind = COMP_ALIAS_EXPORT;
  } else if (*i + 1 < n && sx_is_keyword(f->items[*i], "core") &&
             sx_is_keyword(f->items[*i + 1], "export")) {
    a->kind = COMP_ALIAS_CORE_EXPORT;
    (*i)++;
  } else if (*i < n && sx_is_keyword(f->items[*i], "outer")) {
    a->kind = COMP_ALIAS_OUTER;
  } else {
    return *i < n ? unexpected(p, f->items[*i])
                  : (sx_error(p->err, f, "unexpected end of alias"), false);
  }
  (*i)++;
  if (*i + 2 > n) {
    sx_error(p->err, f, "unexpected end of alias");
    return false;
  }
  if (a->kind == COMP_ALIAS_OUTER) {
    *outer_ct = f->items[(*i)++];
    *outer_idx = f->items[(*i)++];
    return true;
  }
  comp_sort is = a->kind == COMP_ALIAS_EXPORT ? COMP_SORT_INSTANCE
                                              : COMP_SORT_CORE_INSTANCE;
  if (!comp_text_resolve(p, is, f->items[(*i)++], &a->instance)) return false;
  return comp_text_name(p, f->items[(*i)++], &a->name);
}

/* `alias outer ct idx`: ct is a count or the $id of an enclosing scope;
 * idx is resolved in that scope's index space of sort. */
static bool outer_target(comp_text_parser *p, comp_alias *a, const sx_node *ctn,
                         const sx_node *idxn) {
  comp_text_scope *target = NULL;
  if (ctn->kind == SX_NUMBER) {
    if (!comp_text_u32(p, ctn, &a->outer_count)) return false;
    target = p->cur;
    for (uint32_t k = 0; target && k < a->outer_count; k++)
      target = target->parent;
  } else if (ctn->kind == SX_ID) {
    uint32_t d = 0;
    for (comp_text_scope *s = p->cur; s; s = s->parent, d++)
      if (s->id && s->id->strlen == ctn->strlen &&
          memcmp(s->id->str, ctn->str, ctn->strlen) == 0) {
        target = s;
        break;
      }
    if (!target) {
      sx_error(p->err, ctn, "outer component `%s` not found", ctn->str);
      return false;
    }
    a->outer_count = d;
  } else {
    return unexpected(p, ctn);
  }
  if (idxn->kind == SX_NUMBER) return comp_text_u32(p, idxn, &a->outer_idx);
  if (idxn->kind != SX_ID) return unexpected(p, idxn);
  if (!target) {
    sx_error(p->err, ctn, "outer count of `%u` is too large", a->outer_count);
    return false;
  }
  if (!comp_text_lookup(target, a->sort, idxn, &a->outer_idx)) {
    sx_error(p->err, idxn, "unknown %s: failed to find name `$%s`",
             comp_sort_name(a->sort), idxn->str);
    return false;
  }
  return true;
}

static bool outer_sort_ok(comp_text_parser *p, comp_sort s, const sx_node *at) {
  if (s == COMP_SORT_CORE_MODULE || s == COMP_SORT_CORE_TYPE ||
      s == COMP_SORT_TYPE || s == COMP_SORT_COMPONENT)
    return true;
  sx_error(p->err, at,
           "unexpected token: outer aliases are only of core module, core "
           "type, type or component");
  return false;
}

/* `(X $id (alias ...))`: the inverted alias form. */
static uint32_t inverted_alias(comp_text_parser *p, const sx_node *af,
                               comp_sort sort, const sx_node *id) {
  comp_alias a = {0};
  a.sort = sort;
  size_t i = 1;
  const sx_node *ct = NULL, *ix = NULL;
  if (!alias_target(p, af, &i, &a, &ct, &ix) || !expect_end(p, af, i) ||
      (a.kind == COMP_ALIAS_OUTER &&
       (!outer_sort_ok(p, sort, af) || !outer_target(p, &a, ct, ix)))) {
    free(a.name.s);
    return UINT32_MAX;
  }
  return comp_text_emit_alias(p, &a, id, af);
}

bool comp_text_alias_field(comp_text_parser *p, const sx_node *f) {
  comp_alias a = {0};
  size_t i = 1;
  const sx_node *ct = NULL, *ix = NULL, *id = NULL;
  if (!alias_target(p, f, &i, &a, &ct, &ix)) goto fail;
  if (i + 1 != f->n || !sx_is_list(f->items[i])) {
    if (i < f->n) unexpected(p, f->items[i]);
    else sx_error(p->err, f, "unexpected end of alias: expected (sort)");
    goto fail;
  }
  const sx_node *sf = f->items[i];
  size_t j = 0;
  /* in a module type, `(alias outer ct idx (type))` means a core type */
  if (!comp_text_sort(p, sf, &j, p->cur->kind == CP_MODULE_TYPE, &a.sort))
    goto fail;
  if (a.kind == COMP_ALIAS_CORE_EXPORT && !comp_sort_is_core(a.sort)) {
    unexpected(p, sf);
    goto fail;
  }
  id = opt_id(sf, &j);
  if (!expect_end(p, sf, j)) goto fail;
  if (a.kind == COMP_ALIAS_OUTER &&
      (!outer_sort_ok(p, a.sort, sf) || !outer_target(p, &a, ct, ix)))
    goto fail;
  return comp_text_emit_alias(p, &a, id, f) != UINT32_MAX;
fail:
  free(a.name.s);
  return false;
}

/* ---- definitions -------------------------------------------------------- */

/* The end of a field that defines item `idx` of `sort` (UINT32_MAX: it
 * failed): the field's inline exports, (export "n")* at ex. */
static bool field_exports(comp_text_parser *p, const sx_node *f, size_t ex,
                          comp_sort sort, uint32_t idx) {
  if (idx == UINT32_MAX) return false;
  return comp_text_inline_exports(p, f, ex, comp_text_skip_exports(f, ex),
                                  sort, idx);
}

/* The body of a field that defines one item, at i of f (after its $id
 * and inline exports): the item's index, or UINT32_MAX on error. */
typedef uint32_t field_body(comp_text_parser *p, const sx_node *f, size_t i,
                            const sx_node *id);

/* (X $id? (export "n")* ...) from i, a field that defines one item of
 * `sort`: an inline import, an inverted alias (if `alias`), or the body
 * proper; then the item's inline exports. */
static bool item_field(comp_text_parser *p, const sx_node *f, size_t i,
                       comp_sort sort, bool alias, field_body *body) {
  const sx_node *id = opt_id(f, &i);
  size_t ex = i;
  i = comp_text_skip_exports(f, i);
  uint32_t idx;
  if (i < f->n && inline_form(f->items[i], "import"))
    idx = inline_import(p, f, i, sort, id);
  else if (alias && i + 1 == f->n && sx_is_form(f->items[i], "alias"))
    idx = inverted_alias(p, f->items[i], sort, id);
  else
    idx = body(p, f, i, id);
  return field_exports(p, f, ex, sort, idx);
}

/* (core module $id? (export "n")* ...): the module's fields. */
static uint32_t core_module_body(comp_text_parser *p, const sx_node *f,
                                 size_t i, const sx_node *id) {
  /* hand (module <fields>) to the core parser, without $id and exports */
  sx_node syn = *f;
  syn.n = 1 + (f->n - i);
  syn.items = malloc(syn.n * sizeof *syn.items);
  if (!syn.items) {
    comp_text_oom(p, f);
    return UINT32_MAX;
  }
  syn.items[0] = f->items[1];
  for (size_t k = i; k < f->n; k++) syn.items[1 + k - i] = f->items[k];
  core_module *m = core_parse_module(&syn, NULL, p->err);
  free(syn.items);
  if (!m) {
    if (!comp_text_failed(p)) sx_error(p->err, f, "malformed module");
    return UINT32_MAX;
  }
  comp_def d = comp_text_def(COMP_DEF_CORE_MODULE, f);
  d.u.core_module = m;
  return comp_text_emit_def(p, &d, id);
}

/* (export "n" (core-sort idx name*))* of a core instance */
static bool core_exports(comp_text_parser *p, const sx_node *f, size_t i,
                         comp_core_instance *ci) {
  uint32_t cap = 0;
  for (; i < f->n; i++) {
    const sx_node *e = f->items[i];
    if (!sx_is_form(e, "export")) return unexpected(p, e);
    if (e->n != 3) return unexpected(p, e->n > 3 ? e->items[3] : e);
    CANON_GROW_ZERO(ci->exports, ci->nexports, cap, 4);
    comp_core_export *x = &ci->exports[ci->nexports];
    x->pos = comp_text_pos(e);
    if (!comp_text_name(p, e->items[1], &x->name)) return false;
    ci->nexports++;
    if (!comp_text_sortidx(p, e->items[2], true, &x->item)) return false;
  }
  return true;
}

static bool comp_exports(comp_text_parser *p, const sx_node *f, size_t i,
                         comp_instance *in);

/* The head of (instantiate idx (with ...)*), the last item of f, at i: the
 * index of the module (core) or component instantiated. */
static bool instantiate_head(comp_text_parser *p, const sx_node *f, size_t i,
                             bool core, uint32_t *idx) {
  const sx_node *it = f->items[i];
  if (!expect_end(p, f, i + 1)) return false;
  if (it->n < 2) {
    sx_error(p->err, it, "unexpected end of instantiate");
    return false;
  }
  return comp_text_idx(p, it->items[1],
                       core ? COMP_SORT_CORE_MODULE : COMP_SORT_COMPONENT,
                       core, idx);
}

/* An instance argument given inline, (instance (export ...)*) at x (a
 * core instance or an instance): emitted as a definition of its own.
 * Returns its index, or UINT32_MAX. */
static uint32_t inline_instance(comp_text_parser *p, const sx_node *x,
                                bool core) {
  comp_def sub = {0};
  sub.kind = core ? COMP_DEF_CORE_INSTANCE : COMP_DEF_INSTANCE;
  sub.pos = comp_text_pos(x);
  if (core ? !core_exports(p, x, 1, &sub.u.core_instance)
           : !comp_exports(p, x, 1, &sub.u.instance)) {
    comp_def_clear(&sub);
    return UINT32_MAX;
  }
  return comp_text_emit_def(p, &sub, NULL);
}

static bool core_instance_field(comp_text_parser *p, const sx_node *f) {
  size_t i = 2;
  const sx_node *id = opt_id(f, &i);
  comp_def d = comp_text_def(COMP_DEF_CORE_INSTANCE, f);
  comp_core_instance *ci = &d.u.core_instance;
  if (i < f->n && sx_is_form(f->items[i], "instantiate")) {
    const sx_node *in = f->items[i];
    ci->instantiate = true;
    if (!instantiate_head(p, f, i, true, &ci->module)) goto fail;
    uint32_t cap = 0;
    for (size_t k = 2; k < in->n; k++) {
      const sx_node *w = in->items[k];
      if (!sx_is_form(w, "with") || w->n != 3 ||
          !sx_is_form(w->items[2], "instance")) {
        unexpected(p, w);
        goto fail;
      }
      CANON_GROW_ZERO(ci->args, ci->nargs, cap, 4);
      comp_core_arg *a = &ci->args[ci->nargs];
      a->pos = comp_text_pos(w);
      if (!comp_text_name(p, w->items[1], &a->name)) goto fail;
      ci->nargs++;
      const sx_node *x = w->items[2];
      if (x->n >= 2 && comp_text_is_idx(x->items[1])) {
        comp_sortidx si;
        if (!comp_text_sortidx(p, x, true, &si)) goto fail;
        a->instance = si.idx;
      } else {
        uint32_t ix = inline_instance(p, x, true);
        if (ix == UINT32_MAX) goto fail;
        ci->args[ci->nargs - 1].instance = ix;
      }
    }
  } else if (!core_exports(p, f, i, ci)) {
    goto fail;
  }
  return comp_text_emit_def(p, &d, id) != UINT32_MAX;
fail:
  comp_def_clear(&d);
  return false;
}

/* (core func $id? (canon ...) | (alias core export ...)) */
static bool core_func_field(comp_text_parser *p, const sx_node *f) {
  size_t i = 2;
  const sx_node *id = opt_id(f, &i);
  if (i + 1 != f->n) {
    if (i < f->n) return unexpected(p, f->items[i + 1 < f->n ? i + 1 : i]);
    sx_error(p->err, f, "unexpected end of core func");
    return false;
  }
  const sx_node *x = f->items[i];
  if (sx_is_form(x, "canon"))
    return comp_text_canon_field(p, x, true, id, false, 0, NULL);
  if (sx_is_form(x, "alias"))
    return inverted_alias(p, x, COMP_SORT_CORE_FUNC, id) != UINT32_MAX;
  return unexpected(p, x);
}

comp_component *comp_text_component(comp_text_parser *p, const sx_node *form,
                                    size_t start, const sx_node *id) {
  comp_component *c = comp_component_new();
  if (!c) {
    comp_text_oom(p, form);
    return NULL;
  }
  c->pos = comp_text_pos(form);
  c->id = comp_text_id_copy(id);
  comp_text_scope s;
  bool ok = comp_text_nest(p, form, &s, CP_COMPONENT, id);
  if (ok) {
    s.comp = c;
    ok = comp_text_component_fields(p, form, start);
    comp_text_unnest(p, &s);
  }
  if (!ok) {
    comp_component_free(c);
    return NULL;
  }
  return c;
}

/* (component $id? (export "n")* ...) nested: its fields. */
static uint32_t component_body(comp_text_parser *p, const sx_node *f,
                               size_t i, const sx_node *id) {
  comp_component *c = comp_text_component(p, f, i, id);
  if (!c) return UINT32_MAX;
  comp_def d = comp_text_def(COMP_DEF_COMPONENT, f);
  d.u.component = c;
  return comp_text_emit_def(p, &d, id);
}

/* (export "n" attrs* externidx)* of an instance */
static bool comp_exports(comp_text_parser *p, const sx_node *f, size_t i,
                         comp_instance *in) {
  uint32_t cap = 0;
  for (; i < f->n; i++) {
    const sx_node *e = f->items[i];
    if (!sx_is_form(e, "export")) return unexpected(p, e);
    CANON_GROW_ZERO(in->exports, in->nexports, cap, 4);
    comp_inline_export *x = &in->exports[in->nexports];
    in->nexports++;
    size_t j = 1;
    if (!comp_text_externname(p, e, &j, &x->name)) return false;
    if (j + 1 != e->n) {
      if (j < e->n) return unexpected(p, e->items[j + 1 < e->n ? j + 1 : j]);
      sx_error(p->err, e, "unexpected end of export");
      return false;
    }
    if (!comp_text_sortidx(p, e->items[j], false, &x->item)) return false;
  }
  return true;
}

/* (instance $id? (export "n")* ...): (instantiate ...) or exports. */
static uint32_t instance_body(comp_text_parser *p, const sx_node *f, size_t i,
                              const sx_node *id) {
  comp_def d = comp_text_def(COMP_DEF_INSTANCE, f);
  comp_instance *in = &d.u.instance;
  bool ok = true;
  if (i < f->n && sx_is_form(f->items[i], "instantiate")) {
    const sx_node *it = f->items[i];
    in->instantiate = true;
    ok = instantiate_head(p, f, i, false, &in->component);
    uint32_t cap = 0;
    for (size_t k = 2; ok && k < it->n; k++) {
      const sx_node *w = it->items[k];
      if (!sx_is_form(w, "with") || w->n != 3) {
        ok = unexpected(p, w);
        break;
      }
      CANON_GROW_ZERO(in->args, in->nargs, cap, 4);
      comp_arg *a = &in->args[in->nargs];
      a->pos = comp_text_pos(w);
      if (!comp_text_name(p, w->items[1], &a->name)) {
        ok = false;
        break;
      }
      in->nargs++;
      const sx_node *x = w->items[2];
      comp_sortidx si;
      if (sx_is_form(x, "instance") &&
          !(x->n >= 2 && comp_text_is_idx(x->items[1]))) {
        si.sort = COMP_SORT_INSTANCE;
        si.pos = comp_text_pos(x);
        si.idx = inline_instance(p, x, false);
        if (si.idx == UINT32_MAX) {
          ok = false;
          break;
        }
      } else if (!comp_text_sortidx(p, x, false, &si)) {
        ok = false;
        break;
      }
      in->args[in->nargs - 1].item = si;
    }
  } else {
    ok = comp_exports(p, f, i, in);
  }
  if (!ok) {
    comp_def_clear(&d);
    return UINT32_MAX;
  }
  return comp_text_emit_def(p, &d, id);
}

/* (func $id? (export "n")* (import ...)|(alias ...)|type (canon lift ...)) */
static uint32_t func_body(comp_text_parser *p, const sx_node *f, size_t i,
                          const sx_node *id) {
  if (f->n > i && sx_is_form(f->items[f->n - 1], "canon")) {
    const sx_node *cf = f->items[f->n - 1];
    uint32_t idx;
    comp_externtype et;
    if (cf->n < 2 || !sx_is_keyword(cf->items[1], "lift"))
      unexpected(p, cf->n < 2 ? cf : cf->items[1]);
    else if (comp_text_externtype_body(p, COMP_SORT_FUNC, f, i, f->n - 1, &et) &&
             comp_text_canon_field(p, cf, true, id, true, et.idx, &idx))
      return idx;
    return UINT32_MAX;
  }
  if (i < f->n) unexpected(p, f->items[i]);
  else sx_error(p->err, f, "unexpected end of func");
  return UINT32_MAX;
}

/* (start f (value v)* (result (value $id?))*) */
static bool start_field(comp_text_parser *p, const sx_node *f) {
  comp_def d = comp_text_def(COMP_DEF_START, f);
  comp_start *st = &d.u.start;
  size_t i = 1;
  const sx_node *ids[64];
  uint32_t cap = 0;
  if (i >= f->n) {
    sx_error(p->err, f, "unexpected end of start");
    return false;
  }
  if (!comp_text_idx(p, f->items[i++], COMP_SORT_FUNC, false, &st->func))
    goto fail;
  for (; i < f->n && sx_is_form(f->items[i], "value"); i++) {
    const sx_node *v = f->items[i];
    if (v->n != 2) {
      unexpected(p, v);
      goto fail;
    }
    CANON_GROW(st->args, st->nargs, cap, 4);
    if (!comp_text_resolve(p, COMP_SORT_VALUE, v->items[1],
                           &st->args[st->nargs]))
      goto fail;
    st->nargs++;
  }
  for (; i < f->n && sx_is_form(f->items[i], "result"); i++) {
    const sx_node *r = f->items[i];
    if (r->n != 2 || !sx_is_form(r->items[1], "value") ||
        r->items[1]->n > 2 ||
        (r->items[1]->n == 2 && r->items[1]->items[1]->kind != SX_ID) ||
        st->nresults >= 64) {
      unexpected(p, r);
      goto fail;
    }
    ids[st->nresults++] = r->items[1]->n == 2 ? r->items[1]->items[1] : NULL;
  }
  if (!expect_end(p, f, i)) goto fail;
  uint32_t n = st->nresults;
  if (comp_text_emit_def(p, &d, NULL) == UINT32_MAX) return false;
  for (uint32_t k = 0; k < n; k++)
    if (comp_text_bind(p, COMP_SORT_VALUE, ids[k]) == UINT32_MAX) return false;
  return true;
fail:
  comp_def_clear(&d);
  return false;
}

/* (export $id? "n" attrs* externidx externtype?) */
static bool export_field(comp_text_parser *p, const sx_node *f) {
  size_t i = 1;
  const sx_node *id = opt_id(f, &i);
  comp_def d = comp_text_def(COMP_DEF_EXPORT, f);
  comp_export *x = &d.u.export_;
  if (!comp_text_externname(p, f, &i, &x->name)) goto fail;
  if (i >= f->n) {
    sx_error(p->err, f, "unexpected end of export");
    goto fail;
  }
  if (!comp_text_sortidx(p, f->items[i++], false, &x->item)) goto fail;
  if (i < f->n) {
    const sx_node *tid = NULL;
    x->has_type = true;
    if (!comp_text_externtype(p, f->items[i++], &x->type, &tid)) goto fail;
  }
  if (!expect_end(p, f, i)) goto fail;
  return comp_text_emit_def(p, &d, id) != UINT32_MAX;
fail:
  comp_def_clear(&d);
  return false;
}

/* 🪙 (value $id? valtype (binary "..."*)): only the binary form of the
 * value literal is supported so far. */
static bool value_field(comp_text_parser *p, const sx_node *f) {
  size_t i = 1;
  const sx_node *id = opt_id(f, &i);
  comp_def d = comp_text_def(COMP_DEF_VALUE, f);
  if (i + 2 != f->n) {
    if (i + 2 < f->n) return unexpected(p, f->items[i + 2]);
    sx_error(p->err, f, "unexpected end of value");
    return false;
  }
  if (!comp_text_valtype(p, f->items[i], &d.u.value.type)) return false;
  const sx_node *b = f->items[i + 1];
  if (!sx_is_form(b, "binary")) {
    cm_error_at(p->err, CM_UNSUPPORTED, b->file, b->line, b->col,
                "unsupported feature: component value literals");
    return false;
  }
  size_t len = 0;
  for (size_t k = 1; k < b->n; k++) {
    if (b->items[k]->kind != SX_STRING) return unexpected(p, b->items[k]);
    len += b->items[k]->strlen;
  }
  if (len > UINT32_MAX) return comp_text_oom(p, b);
  d.u.value.bytes = malloc(len ? len : 1);
  if (!d.u.value.bytes) return comp_text_oom(p, b);
  len = 0;
  for (size_t k = 1; k < b->n; k++) {
    memcpy(d.u.value.bytes + len, b->items[k]->str, b->items[k]->strlen);
    len += b->items[k]->strlen;
  }
  d.u.value.len = (uint32_t)len;
  return comp_text_emit_def(p, &d, id) != UINT32_MAX;
}

static bool field(comp_text_parser *p, const sx_node *f) {
  if (!sx_is_list(f) || f->n == 0 || f->items[0]->kind != SX_KEYWORD)
    return unexpected(p, f);
  const sx_node *h = f->items[0];
  if (sx_atom_eq(h, "core")) {
    if (f->n < 2) return unexpected(p, f);
    const sx_node *k = f->items[1];
    if (sx_is_keyword(k, "module")) return item_field(p, f, 2, COMP_SORT_CORE_MODULE, false, core_module_body);
    if (sx_is_keyword(k, "instance")) return core_instance_field(p, f);
    if (sx_is_keyword(k, "type")) return comp_text_core_type_field(p, f, 2);
    if (sx_is_keyword(k, "func")) return core_func_field(p, f);
    if (sx_is_keyword(k, "rec")) {
      cm_error_at(p->err, CM_UNSUPPORTED, k->file, k->line, k->col,
                  "unsupported feature: gc");
      return false;
    }
    return unexpected(p, k);
  }
  if (sx_atom_eq(h, "component"))
    return item_field(p, f, 1, COMP_SORT_COMPONENT, false, component_body);
  if (sx_atom_eq(h, "instance"))
    return item_field(p, f, 1, COMP_SORT_INSTANCE, true, instance_body);
  if (sx_atom_eq(h, "alias")) return comp_text_alias_field(p, f);
  if (sx_atom_eq(h, "type")) return comp_text_type_field(p, f);
  if (sx_atom_eq(h, "canon"))
    return comp_text_canon_field(p, f, false, NULL, false, 0, NULL);
  if (sx_atom_eq(h, "start")) return start_field(p, f);
  if (sx_atom_eq(h, "import")) return comp_text_import_decl(p, f, false);
  if (sx_atom_eq(h, "export")) return export_field(p, f);
  if (sx_atom_eq(h, "func"))
    return item_field(p, f, 1, COMP_SORT_FUNC, true, func_body);
  if (sx_atom_eq(h, "value")) return value_field(p, f);
  return unexpected(p, h);
}

bool comp_text_component_fields(comp_text_parser *p, const sx_node *list,
                                size_t start) {
  for (size_t i = start; i < list->n; i++)
    if (!field(p, list->items[i])) {
      if (!comp_text_failed(p))
        sx_error(p->err, list->items[i], "malformed field");
      return false;
    }
  return !comp_text_failed(p);
}

/* ---- entry point ------------------------------------------------------------ */

/* The bytes of "..."* at items[i..] concatenated (NUL-terminated). */
static char *concat_strings(comp_text_parser *p, const sx_node *f, size_t i,
                            size_t *len) {
  size_t n = 0;
  for (size_t k = i; k < f->n; k++) {
    if (f->items[k]->kind != SX_STRING) {
      unexpected(p, f->items[k]);
      return NULL;
    }
    n += f->items[k]->strlen;
  }
  char *s = malloc(n + 1);
  if (!s) {
    comp_text_oom(p, f);
    return NULL;
  }
  n = 0;
  for (size_t k = i; k < f->n; k++) {
    memcpy(s + n, f->items[k]->str, f->items[k]->strlen);
    n += f->items[k]->strlen;
  }
  s[n] = 0;
  *len = n;
  return s;
}

comp_component *comp_parse_component(const sx_node *form,
                                     const sx_node **id_out, cm_error *err) {
  comp_text_parser p = {err, NULL, 0};
  if (id_out) *id_out = NULL;
  if (!sx_is_form(form, "component")) {
    sx_error(err, form, "unexpected token: expected (component ...)");
    return NULL;
  }
  size_t i = 1;
  const sx_node *id = opt_id(form, &i);
  if (id_out) *id_out = id;
  if (i < form->n && sx_is_keyword(form->items[i], "binary")) {
    size_t len;
    char *bytes = concat_strings(&p, form, i + 1, &len);
    if (!bytes) return NULL;
    comp_component *c =
        comp_decode_component((const uint8_t *)bytes, len, err);
    free(bytes);
    if (c && id && !c->id) c->id = comp_text_id_copy(id);
    return c;
  }
  if (i < form->n && sx_is_keyword(form->items[i], "quote")) {
    size_t len;
    char *src = concat_strings(&p, form, i + 1, &len);
    if (!src) return NULL;
    sx_node *top = sx_read(src, len, form->file, err);
    /* the component text format (like wasm-tools) calls a bad escape an
     * "invalid string escape"; the core reader says "illegal escape" */
    if (!top && strncmp(err->msg, "illegal escape", 14) == 0)
      snprintf(err->msg, sizeof err->msg, "invalid string escape");
    comp_component *c = NULL;
    if (top) {
      /* the quoted text is the component's fields */
      c = comp_text_component(&p, top, 0, id);
      if (c) c->pos = comp_text_pos(form);
    }
    sx_free(top);
    free(src);
    return c;
  }
  return comp_text_component(&p, form, i, id);
}
