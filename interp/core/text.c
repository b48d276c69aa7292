/* text.c -- the core text format parser: modules (core spec "Text Format /
 * Modules"), the passes over their fields, and the declarations of pass 1.
 * Shared helpers (names, types, type uses) are in text_types.c, the fields
 * of pass 2 in text_fields.c, instructions in text_instr.c and the keyword
 * set in text_keywords.c.
 *
 * A module is parsed in two passes over its fields, as the spec's
 * identifier contexts require (any field may name any other):
 *  1. bind the $names of every index space in order, and read the types,
 *     and the table/memory/global types (the address type of a memory
 *     decides how large a memarg offset may be);
 *  2. read everything else in order: imports' type uses, functions,
 *     initializers, exports, start, element and data segments.  Inline
 *     type uses without a matching type append one to the type section
 *     when they are met, in text order, after all explicit types.
 * Since imports must precede every definition (else "import after ..."),
 * text order is index order in every index space.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "text_priv.h"
#include "validate.h"
#include "../../canon/grow.h"

/* ---- pass 1: names and declarations ------------------------------------ */

/* What pass 1 learned of a field. */
typedef struct field {
  size_t rest;         /* first item after $id, exports and import */
  size_t first_export; /* first inline (export ...) item */
  uint32_t nexports;
  const sx_node *import; /* inline (import "m" "n"), or NULL */
  uint32_t idx;          /* index in its index space */
  uint32_t slot;         /* import index, or index among definitions */
  int space;             /* CORE_TEXT_FUNC...; -1 for other fields */
} field;

typedef struct mp {
  core_text_parser p;
  field *fields;
  const char *last_def; /* kind of the last definition seen, for
                           "import after ..." */
  uint32_t ndefs[CORE_TEXT_NSPACES];
} mp;

/* The limits of a table or memory given inline with its segment: exactly
 * the n elements or pages it holds. */
static core_limits fitted_limits(bool is64, uint64_t n) {
  core_limits l = {n, n, true, is64, false};
  return l;
}

/* Records the address type of table or memory index idx (space CORE_TEXT_TABLE
 * or CORE_TEXT_MEM): pass 2 needs it before the definition is read. */
static bool set_addr64(core_text_parser *p, int space, uint32_t idx,
                       bool is64) {
  bool **arr = space == CORE_TEXT_TABLE ? &p->table64 : &p->mem64;
  uint32_t *cap = space == CORE_TEXT_TABLE ? &p->cap_table64 : &p->cap_mem64;
  CANON_GROW_ZERO(*arr, idx, *cap, 8);
  (*arr)[idx] = is64;
  return true;
}

/* Binds the optional $id of a field in `space`, at the next index. */
static bool bind_next(core_text_parser *p, int space, const sx_node *id,
                      uint32_t *idx) {
  *idx = p->count[space]++;
  return !id || core_text_bind(p, &p->names[space], id,
                               core_text_space_names[space], *idx);
}

/* `i32` or `i64` before limits; false if there is none. */
static bool addrtype(core_text_parser *p, const sx_node *form, size_t *i,
                     bool *is64) {
  *is64 = false;
  if (*i < form->n && form->items[*i]->kind == SX_KEYWORD) {
    const sx_node *n = form->items[*i];
    if (sx_atom_eq(n, "i64") || sx_atom_eq(n, "i32")) {
      *is64 = sx_atom_eq(n, "i64");
      (*i)++;
    } else if (sx_atom_eq(n, "f32") || sx_atom_eq(n, "f64")) {
      return core_text_fail(p, n, "malformed address type");
    }
  }
  return true;
}

static bool limit(core_text_parser *p, const sx_node *n, bool is64,
                  uint64_t *out) {
  if (!sx_uint(n, is64 ? 64 : 32, out))
    return core_text_fail(
        p, n, is64 ? "i64 constant out of range" : "i32 constant out of range");
  return true;
}

static bool limits(core_text_parser *p, const sx_node *form, size_t *i,
                   core_limits *l) {
  if (!(*i < form->n && core_text_is_nat(form->items[*i])))
    return core_text_unexpected(p, core_text_item(form, *i), form);
  if (!limit(p, form->items[*i], l->is64, &l->min)) return false;
  (*i)++;
  if (*i < form->n && core_text_is_nat(form->items[*i])) {
    if (!limit(p, form->items[*i], l->is64, &l->max)) return false;
    l->has_max = true;
    (*i)++;
  }
  return true;
}

/* memtype: addrtype? limits shared? (the rest must be empty) */
static bool memtype(core_text_parser *p, const sx_node *form, size_t i,
                    core_memtype *mt) {
  if (!addrtype(p, form, &i, &mt->limits.is64)) return false;
  if (!limits(p, form, &i, &mt->limits)) return false;
  if (i < form->n && sx_is_keyword(form->items[i], "shared")) {
    mt->limits.shared = true; /* without a maximum: invalid, not malformed */
    i++;
  }
  if (i < form->n && sx_is_form(form->items[i], "pagesize"))
    return core_text_unsupported(p, form->items[i], "custom-page-sizes");
  if (i < form->n) return core_text_unexpected(p, form->items[i], form);
  return true;
}

/* tabletype: addrtype? limits reftype, then (for definitions) an
 * initializer expression, which is of typed function references. */
static bool tabletype(core_text_parser *p, const sx_node *form, size_t i,
                      core_tabletype *tt) {
  if (!addrtype(p, form, &i, &tt->limits.is64)) return false;
  if (!limits(p, form, &i, &tt->limits)) return false;
  if (i >= form->n) return core_text_unexpected(p, NULL, form);
  if (!core_text_reftype(p, form->items[i++], &tt->elem)) return false;
  if (i < form->n) {
    if (sx_is_list(form->items[i]) && !sx_is_form(form->items[i], "elem"))
      return core_text_unsupported(p, form->items[i], "function-references");
    return core_text_unexpected(p, form->items[i], form);
  }
  return true;
}

static bool globaltype(core_text_parser *p, const sx_node *form, size_t *i,
                       core_globaltype *gt) {
  const sx_node *n = core_text_item(form, *i);
  gt->mut = false;
  if (sx_is_form(n, "mut")) {
    if (!core_text_arity(p, n, 2)) return false;
    gt->mut = true;
    if (!core_text_valtype(p, n->items[1], &gt->type)) return false;
  } else if (!n) {
    return core_text_unexpected(p, NULL, form);
  } else if (!core_text_valtype(p, n, &gt->type)) {
    return false;
  }
  (*i)++;
  return true;
}

/* Counts the string bytes of items[i..] (all must be strings). */
bool core_text_data_strings(core_text_parser *p, const sx_node *form, size_t i,
                            size_t *len) {
  *len = 0;
  for (; i < form->n; i++) {
    if (form->items[i]->kind != SX_STRING)
      return core_text_unexpected(p, form->items[i], form);
    *len += form->items[i]->strlen;
  }
  return true;
}

static core_import *new_import(mp *q, const sx_node *at, const sx_node *mod,
                               const sx_node *name, core_externkind kind,
                               uint32_t *slot) {
  core_text_parser *p = &q->p;
  if (q->last_def) {
    core_text_fail(p, at, "import after %s definition", q->last_def);
    return NULL;
  }
  if (!core_text_check_name(p, mod) || !core_text_check_name(p, name))
    return NULL;
  *slot = p->m->nimports;
  core_import *im =
      CORE_TEXT_APPEND(p, p->m->imports, p->m->nimports, p->cap_imports);
  if (!im) return NULL;
  im->kind = kind;
  if (!core_text_copy_name(p, mod, &im->module) ||
      !core_text_copy_name(p, name, &im->name))
    return NULL;
  return im;
}

/* The table, memory or global type of an import (inline or not) from
 * form->items[i..]; a func or tag type use is read in pass 2. */
static bool import_desc(core_text_parser *p, const sx_node *form, size_t i,
                        int space, uint32_t idx, core_import *im) {
  switch (space) {
  case CORE_TEXT_TABLE:
    return tabletype(p, form, i, &im->desc.table) &&
           set_addr64(p, space, idx, im->desc.table.limits.is64);
  case CORE_TEXT_MEM:
    return memtype(p, form, i, &im->desc.memory) &&
           set_addr64(p, space, idx, im->desc.memory.limits.is64);
  case CORE_TEXT_GLOBAL:
    if (!globaltype(p, form, &i, &im->desc.global)) return false;
    if (i < form->n) return core_text_unexpected(p, form->items[i], form);
    return true;
  default: return true;
  }
}

static bool pass1_type(mp *q, const sx_node *form) {
  core_text_parser *p = &q->p;
  size_t i = 1;
  const sx_node *id = NULL;
  if (i < form->n && form->items[i]->kind == SX_ID) id = form->items[i++];
  const sx_node *def = core_text_item(form, i);
  if (sx_is_form(def, "sub") || sx_is_form(def, "struct") ||
      sx_is_form(def, "array"))
    return core_text_unsupported(p, def, "gc");
  if (!sx_is_form(def, "func")) return core_text_unexpected(p, def, form);
  if (i + 1 != form->n)
    return core_text_unexpected(p, form->items[i + 1], form);
  uint32_t idx;
  if (!bind_next(p, CORE_TEXT_TYPE, id, &idx)) return false;
  core_functype *ft =
      CORE_TEXT_APPEND(p, p->m->types, p->m->ntypes, p->cap_types);
  if (!ft) return false;
  size_t k = 1;
  if (!core_text_functype_lists(p, def, &k, ft, true, false)) return false;
  if (k < def->n) return core_text_unexpected(p, def->items[k], def);
  return true;
}

/* Reads the head of a func/table/memory/global/tag field: $id?
 * (export "n")* (import "m" "n")? */
static bool field_head(mp *q, const sx_node *form, field *f,
                       const sx_node **id) {
  core_text_parser *p = &q->p;
  size_t i = 1;
  *id = NULL;
  if (i < form->n && form->items[i]->kind == SX_ID) *id = form->items[i++];
  f->first_export = i;
  while (i < form->n && sx_is_form(form->items[i], "export")) {
    const sx_node *e = form->items[i];
    if (!core_text_arity(p, e, 2)) return false;
    if (!core_text_check_name(p, e->items[1])) return false;
    f->nexports++;
    i++;
  }
  if (i < form->n && sx_is_form(form->items[i], "import")) {
    const sx_node *im = form->items[i];
    if (!core_text_arity(p, im, 3)) return false;
    f->import = im;
    i++;
  }
  f->rest = i;
  return true;
}

static const char *const def_names[CORE_TEXT_NSPACES] = {
    NULL, "function", "table", "memory", "global", "tag", NULL, NULL};

/* func, table, memory, global, tag */
/* The extern kind of each index space (0: none). */
static const core_externkind space_kinds[CORE_TEXT_NSPACES] = {
    0, CORE_EXTERN_FUNC, CORE_EXTERN_TABLE, CORE_EXTERN_MEMORY,
    CORE_EXTERN_GLOBAL, CORE_EXTERN_TAG, 0, 0};

static bool pass1_entity(mp *q, const sx_node *form, field *f, int space) {
  core_text_parser *p = &q->p;
  core_module *m = p->m;
  const sx_node *id;
  if (!field_head(q, form, f, &id)) return false;
  f->space = space;
  if (!bind_next(p, space, id, &f->idx)) return false;
  size_t i = f->rest;
  if (f->import) {
    core_import *im =
        new_import(q, f->import, f->import->items[1], f->import->items[2],
                   space_kinds[space], &f->slot);
    return im && import_desc(p, form, i, space, f->idx, im);
  }
  q->last_def = def_names[space];
  f->slot = q->ndefs[space]++;
  switch (space) {
  case CORE_TEXT_TABLE: {
    core_tabletype *tt =
        CORE_TEXT_APPEND(p, m->tables, m->ntables, p->cap_tables);
    if (!tt) return false;
    bool is64;
    if (!addrtype(p, form, &i, &is64)) return false;
    if (i < form->n && core_text_is_reftype(form->items[i])) {
      /* addrtype? reftype (elem ...): the table fits its segment */
      if (!core_text_reftype(p, form->items[i], &tt->elem)) return false;
      const sx_node *e = core_text_item(form, i + 1);
      if (!sx_is_form(e, "elem")) return core_text_unexpected(p, e, form);
      if (i + 2 < form->n)
        return core_text_unexpected(p, form->items[i + 2], form);
      tt->limits = fitted_limits(is64, e->n - 1);
      p->count[CORE_TEXT_ELEM]++;
    } else {
      if (!tabletype(p, form, f->rest, tt)) return false;
    }
    return set_addr64(p, CORE_TEXT_TABLE, f->idx, tt->limits.is64);
  }
  case CORE_TEXT_MEM: {
    core_memtype *mt = CORE_TEXT_APPEND(p, m->mems, m->nmems, p->cap_mems);
    if (!mt) return false;
    bool is64;
    if (!addrtype(p, form, &i, &is64)) return false;
    if (i < form->n && sx_is_form(form->items[i], "data")) {
      /* addrtype? (data string*): the memory fits its segment */
      size_t len;
      if (i + 1 < form->n)
        return core_text_unexpected(p, form->items[i + 1], form);
      if (!core_text_data_strings(p, form->items[i], 1, &len)) return false;
      mt->limits = fitted_limits(is64, (len + 65535) / 65536);
      p->count[CORE_TEXT_DATA]++;
    } else {
      if (!memtype(p, form, f->rest, mt)) return false;
    }
    return set_addr64(p, CORE_TEXT_MEM, f->idx, mt->limits.is64);
  }
  case CORE_TEXT_GLOBAL: {
    core_global *g =
        CORE_TEXT_APPEND(p, m->globals, m->nglobals, p->cap_globals);
    if (!g) return false;
    if (!globaltype(p, form, &i, &g->type)) return false;
    f->rest = i; /* the initializer */
    return true;
  }
  default: return true;
  }
}

static bool pass1_import(mp *q, const sx_node *form, field *f) {
  core_text_parser *p = &q->p;
  if (!core_text_arity(p, form, 4)) return false;
  const sx_node *d = form->items[3];
  int space;
  core_externkind kind;
  if (!core_text_extern_desc(p, d, form, &space, &kind)) return false;
  core_import *im = new_import(q, form, form->items[1], form->items[2], kind,
                               &f->slot);
  if (!im) return false;
  size_t i = 1;
  const sx_node *id = NULL;
  if (i < d->n && d->items[i]->kind == SX_ID) id = d->items[i++];
  f->space = space;
  f->import = form;
  f->rest = i;
  return bind_next(p, f->space, id, &f->idx) &&
         import_desc(p, d, i, f->space, f->idx, im);
}

static bool pass1_segment(mp *q, const sx_node *form, int space) {
  const sx_node *id = NULL;
  uint32_t idx;
  if (form->n > 1 && form->items[1]->kind == SX_ID) id = form->items[1];
  return bind_next(&q->p, space, id, &idx);
}

static bool pass1(mp *q, const sx_node *mod, size_t first) {
  core_text_parser *p = &q->p;
  for (size_t k = first; k < mod->n; k++) {
    const sx_node *form = mod->items[k];
    field *f = &q->fields[k];
    f->space = -1;
    if (!sx_is_list(form) || form->n == 0 || form->items[0]->kind != SX_KEYWORD)
      return core_text_unexpected(
          p, sx_is_list(form) && form->n ? form->items[0] : form, mod);
    const sx_node *kw = form->items[0];
    bool ok;
    if (sx_atom_eq(kw, "type"))
      ok = pass1_type(q, form);
    else if (sx_atom_eq(kw, "rec")) ok = core_text_unsupported(p, kw, "gc");
    else if (sx_atom_eq(kw, "import"))
      ok = pass1_import(q, form, f);
    else if (sx_atom_eq(kw, "func"))
      ok = pass1_entity(q, form, f, CORE_TEXT_FUNC);
    else if (sx_atom_eq(kw, "table"))
      ok = pass1_entity(q, form, f, CORE_TEXT_TABLE);
    else if (sx_atom_eq(kw, "memory"))
      ok = pass1_entity(q, form, f, CORE_TEXT_MEM);
    else if (sx_atom_eq(kw, "global"))
      ok = pass1_entity(q, form, f, CORE_TEXT_GLOBAL);
    else if (sx_atom_eq(kw, "tag"))
      ok = pass1_entity(q, form, f, CORE_TEXT_TAG);
    else if (sx_atom_eq(kw, "elem"))
      ok = pass1_segment(q, form, CORE_TEXT_ELEM);
    else if (sx_atom_eq(kw, "data"))
      ok = pass1_segment(q, form, CORE_TEXT_DATA);
    else if (sx_atom_eq(kw, "export") || sx_atom_eq(kw, "start"))
      ok = true;
    else ok = core_text_unexpected(p, kw, form);
    if (!ok) return false;
  }
  return true;
}

/* ---- pass 2: everything else ------------------------------------------- */

static bool inline_exports(core_text_parser *p, const sx_node *form,
                           const field *f, core_externkind kind) {
  for (uint32_t k = 0; k < f->nexports; k++)
    if (!core_text_add_export(p, form->items[f->first_export + k]->items[1],
                              kind, f->idx))
      return false;
  return true;
}

/* The table field's inline (elem ...). */
static bool table_elem(core_text_parser *p, const sx_node *form,
                       const field *f) {
  const sx_node *el = form->items[form->n - 1];
  core_elem *e = core_text_new_elem(p);
  if (!e) return false;
  e->mode = CORE_SEG_ACTIVE;
  e->table = f->idx;
  e->type = p->m->tables[f->slot].elem;
  if (!core_text_zero_offset(p, p->m->tables[f->slot].limits.is64, &e->offset))
    return false;
  bool exprs = el->n > 1 && sx_is_list(el->items[1]);
  return core_text_elem_items(p, el, 1, exprs, e);
}

/* The memory field's inline (data ...). */
static bool memory_data(core_text_parser *p, const sx_node *form,
                        const field *f) {
  const sx_node *d = form->items[form->n - 1];
  core_data *seg = CORE_TEXT_APPEND(p, p->m->datas, p->m->ndatas, p->cap_datas);
  if (!seg) return false;
  seg->mode = CORE_SEG_ACTIVE;
  seg->memory = f->idx;
  if (!core_text_zero_offset(p, p->m->mems[f->slot].limits.is64, &seg->offset))
    return false;
  size_t len = 0;
  for (size_t k = 1; k < d->n; k++) len += d->items[k]->strlen;
  seg->bytes = malloc(len ? len : 1);
  if (!seg->bytes) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  for (size_t k = 1; k < d->n; k++) {
    memcpy(seg->bytes + seg->len, d->items[k]->str, d->items[k]->strlen);
    seg->len += (uint32_t)d->items[k]->strlen;
  }
  return true;
}

static bool pass2_entity(mp *q, const sx_node *form, const field *f) {
  core_text_parser *p = &q->p;
  core_module *m = p->m;
  if (!inline_exports(p, form, f, space_kinds[f->space])) return false;
  if (f->import) {
    core_import *im = &m->imports[f->slot];
    if (f->space == CORE_TEXT_FUNC)
      return core_text_typeuse_only(p, form, f->rest, &im->desc.func);
    if (f->space == CORE_TEXT_TAG)
      return core_text_typeuse_only(p, form, f->rest, &im->desc.tag);
    return true;
  }
  switch (f->space) {
  case CORE_TEXT_FUNC:
    return core_text_func_body(p, form, f->rest, &m->funcs[f->slot]);
  case CORE_TEXT_TABLE:
    if (sx_is_form(form->items[form->n - 1], "elem"))
      return table_elem(p, form, f);
    return true;
  case CORE_TEXT_MEM:
    if (sx_is_form(form->items[form->n - 1], "data"))
      return memory_data(p, form, f);
    return true;
  case CORE_TEXT_GLOBAL:
    p->nlabels = 0;
    return core_text_const_expr(p, form, f->rest, &m->globals[f->slot].init);
  case CORE_TEXT_TAG:
    return core_text_typeuse_only(p, form, f->rest, &m->tags[f->slot]);
  default: return true;
  }
}

static bool pass2(mp *q, const sx_node *mod, size_t first) {
  core_text_parser *p = &q->p;
  for (size_t k = first; k < mod->n; k++) {
    const sx_node *form = mod->items[k];
    const field *f = &q->fields[k];
    const sx_node *kw = form->items[0];
    bool ok = true;
    p->nlabels = 0;
    if (f->space >= 0 && sx_atom_eq(kw, "import")) {
      const sx_node *d = form->items[3];
      core_import *im = &p->m->imports[f->slot];
      if (f->space == CORE_TEXT_FUNC)
        ok = core_text_typeuse_only(p, d, f->rest, &im->desc.func);
      else if (f->space == CORE_TEXT_TAG)
        ok = core_text_typeuse_only(p, d, f->rest, &im->desc.tag);
    } else if (f->space >= 0) {
      ok = pass2_entity(q, form, f);
    } else if (sx_atom_eq(kw, "export")) {
      ok = core_text_export_field(p, form);
    } else if (sx_atom_eq(kw, "start")) {
      ok = core_text_start_field(p, form);
    } else if (sx_atom_eq(kw, "elem")) {
      ok = core_text_elem_field(p, form);
    } else if (sx_atom_eq(kw, "data")) {
      ok = core_text_data_field(p, form);
    }
    if (!ok) return false;
  }
  return true;
}

/* ---- modules ----------------------------------------------------------- */

static void core_text_free(core_text_parser *p) {
  for (int s = 0; s < CORE_TEXT_NSPACES; s++)
    core_text_names_free(&p->names[s]);
  core_text_names_free(&p->locals);
  CANON_FREE_ALL(p->mem64, p->table64, p->labels, p->ins, p->pos, p->lab);
  cm_nameset_free(&p->type_ix);
  for (uint32_t i = 0; i < p->ntype_keys; i++) free(p->type_keys[i]);
  free(p->type_keys);
}

/* Parses the fields mod->items[first..] into a module. */
static core_module *parse_fields(const sx_node *mod, size_t first,
                                 cm_error *err) {
  mp q;
  memset(&q, 0, sizeof q);
  core_text_parser *p = &q.p;
  p->err = err;
  p->m = core_module_new();
  q.fields = calloc(mod->n ? mod->n : 1, sizeof *q.fields);
  bool ok = p->m && q.fields;
  if (!ok) cm_error_set(err, CM_IO, "out of memory");
  for (size_t k = first; ok && k < mod->n; k++)
    ok = core_text_check_tokens(p, mod->items[k]);
  ok = ok && pass1(&q, mod, first);
  if (ok) {
    core_module *m = p->m;
    m->nfuncs = q.ndefs[CORE_TEXT_FUNC];
    m->ntags = q.ndefs[CORE_TEXT_TAG];
    m->funcs = calloc(m->nfuncs ? m->nfuncs : 1, sizeof *m->funcs);
    m->tags = calloc(m->ntags ? m->ntags : 1, sizeof *m->tags);
    if (!m->funcs || !m->tags) {
      cm_error_set(err, CM_IO, "out of memory");
      ok = false;
    }
  }
  ok = ok && pass2(&q, mod, first);
  core_text_free(p);
  free(q.fields);
  if (!ok) {
    if (err->kind == CM_OK) cm_error_set(err, CM_MALFORMED, "malformed module");
    core_module_free(p->m);
    return NULL;
  }
  core_module_count_imports(p->m);
  return p->m;
}

/* Concatenates the strings items[i..] of a binary or quote module. */
static char *concat_strings(const sx_node *form, size_t i, size_t *len,
                            cm_error *err) {
  size_t n = 0;
  for (size_t k = i; k < form->n; k++) {
    const sx_node *s = form->items[k];
    if (s->kind != SX_STRING) {
      core_text_parser p;
      memset(&p, 0, sizeof p);
      p.err = err;
      core_text_unexpected(&p, s, form);
      return NULL;
    }
    n += s->strlen;
  }
  char *b = malloc(n + 1);
  if (!b) {
    cm_error_set(err, CM_IO, "out of memory");
    return NULL;
  }
  *len = 0;
  for (size_t k = i; k < form->n; k++) {
    memcpy(b + *len, form->items[k]->str, form->items[k]->strlen);
    *len += form->items[k]->strlen;
  }
  b[*len] = 0;
  return b;
}

/* Errors inside a quoted module carry positions in the concatenated
 * text; points them back at the string literal (and the character in it)
 * they come from. */
static void remap_quote(const sx_node *form, size_t first, const char *b,
                        size_t len, cm_error *err) {
  if (err->line == 0 || first >= form->n) return;
  size_t off = 0;
  for (uint32_t line = 1; off < len && line < err->line;) {
    char c = b[off++];
    if (c == '\r' && off < len && b[off] == '\n') off++;
    if (c == '\n' || c == '\r') line++;
  }
  off += err->col - 1;
  if (off > len) off = len;
  size_t k = first, acc = 0;
  while (k + 1 < form->n && off >= acc + form->items[k]->strlen)
    acc += form->items[k++]->strlen;
  const sx_node *s = form->items[k];
  size_t d = off - acc, r = 1, c = 0;
  while (c < d && r + 1 < s->len) {
    if (s->text[r] != '\\') {
      r++, c++;
    } else if (s->text[r + 1] == 'u') {
      uint32_t cp = 0;
      for (r += 3; r < s->len && s->text[r] != '}'; r++)
        if (s->text[r] != '_')
          cp = cp * 16 + (uint32_t)(s->text[r] <= '9'
                                        ? s->text[r] - '0'
                                        : (s->text[r] | 32) - 'a' + 10);
      r++;
      c += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    } else {
      r += strchr("nrt\\'\"", s->text[r + 1]) ? 2 : 3;
      c++;
    }
  }
  err->file = s->file;
  err->line = s->line;
  err->col = s->col + (uint32_t)r;
}

/* A tree read from a file or a quote: one (module ...) or bare fields. */
static core_module *parse_tree(const sx_node *top, cm_error *err) {
  if (top->n == 1 && sx_is_form(top->items[0], "module")) {
    const sx_node *mod = top->items[0];
    size_t i = 1;
    if (i < mod->n && mod->items[i]->kind == SX_ID) i++;
    return parse_fields(mod, i, err);
  }
  return parse_fields(top, 0, err);
}

core_module *core_parse_module(const sx_node *form, const sx_node **id_out,
                               cm_error *err) {
  return core_parse_module_features(form, id_out, NULL, err);
}

core_module *core_parse_module_features(const sx_node *form,
                                        const sx_node **id_out,
                                        const core_features *features,
                                        cm_error *err) {
  if (id_out) *id_out = NULL;
  if (!sx_is_form(form, "module")) {
    sx_error(err, form, "unexpected token: expected (module ...)");
    return NULL;
  }
  size_t i = 1;
  if (i < form->n && sx_is_keyword(form->items[i], "definition")) i++;
  if (i < form->n && form->items[i]->kind == SX_ID) {
    if (id_out) *id_out = form->items[i];
    i++;
  }
  const sx_node *kw = core_text_item(form, i);
  if (sx_is_keyword(kw, "binary")) {
    size_t len;
    char *b = concat_strings(form, i + 1, &len, err);
    if (!b) return NULL;
    core_module *m =
        core_decode_features((const uint8_t *)b, len, features, err);
    free(b);
    return m;
  }
  if (sx_is_keyword(kw, "quote")) {
    size_t len;
    char *b = concat_strings(form, i + 1, &len, err);
    if (!b) return NULL;
    sx_node *top = sx_read(b, len, form->file, err);
    core_module *m = top ? parse_tree(top, err) : NULL;
    if (!m) remap_quote(form, i + 1, b, len, err);
    sx_free(top);
    free(b);
    return m;
  }
  return parse_fields(form, i, err);
}

core_module *core_parse_wat(const char *src, size_t len, const char *file,
                            cm_error *err) {
  sx_node *top = sx_read(src, len, file, err);
  if (!top) return NULL;
  core_module *m;
  if (top->n == 1 && sx_is_form(top->items[0], "module"))
    m = core_parse_module(top->items[0], NULL, err);
  else
    m = parse_fields(top, 0, err);
  sx_free(top);
  return m;
}
