/* text_types.c -- shared pieces of the core text parser: error reporting,
 * the $name maps of the identifier contexts (core spec "Text Format /
 * Modules / Indices"), indices, value and reference types, function types
 * and type uses, with the spec's rule that an inline type use without a
 * matching type appends one to the type section.  Names (import, export)
 * are checked for well-formed UTF-8 here too. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "../util/utf8.h"
#include "text_priv.h"

const char *const core_text_space_names[CORE_TEXT_NSPACES] = {
    "type",   "function", "table",        "memory",
    "global", "tag",      "elem segment", "data segment"};

/* ---- errors ------------------------------------------------------------ */

bool core_text_fail(core_text_parser *p, const sx_node *at, const char *fmt,
                    ...) {
  va_list ap;
  va_start(ap, fmt);
  sx_verror(p->err, at, fmt, ap);
  va_end(ap);
  return false;
}

bool core_text_unsupported(core_text_parser *p, const sx_node *at,
                           const char *feature) {
  if (at)
    cm_error_at(p->err, CM_UNSUPPORTED, at->file, at->line, at->col,
                "unsupported feature: %s", feature);
  else
    cm_error_set(p->err, CM_UNSUPPORTED, "unsupported feature: %s", feature);
  return false;
}

bool core_text_unexpected(core_text_parser *p, const sx_node *n,
                          const sx_node *at) {
  if (n && n->kind != SX_LIST && !core_text_token_ok(n))
    return core_text_fail(p, n, "unknown operator %.*s", (int)n->len, n->text);
  return core_text_fail(p, n ? n : at, "unexpected token");
}

bool core_text_extern_desc(core_text_parser *p, const sx_node *d,
                           const sx_node *form, int *space,
                           core_externkind *kind) {
  static const struct {
    const char *kw;
    int space;
    core_externkind kind;
  } kinds[] = {{"func", CORE_TEXT_FUNC, CORE_EXTERN_FUNC},
               {"table", CORE_TEXT_TABLE, CORE_EXTERN_TABLE},
               {"memory", CORE_TEXT_MEM, CORE_EXTERN_MEMORY},
               {"global", CORE_TEXT_GLOBAL, CORE_EXTERN_GLOBAL},
               {"tag", CORE_TEXT_TAG, CORE_EXTERN_TAG}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    if (sx_is_form(d, kinds[k].kw)) {
      *space = kinds[k].space;
      *kind = kinds[k].kind;
      return true;
    }
  return core_text_unexpected(p, sx_is_list(d) && d->n ? d->items[0] : d, form);
}

bool core_text_arity(core_text_parser *p, const sx_node *form, size_t n) {
  if (form->n == n) return true;
  return core_text_unexpected(p, form->n > n ? form->items[n] : NULL, form);
}

/* ---- names ------------------------------------------------------------- */

static uint32_t name_hash(const sx_node *id) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < id->strlen; i++)
    h = (h ^ (unsigned char)id->str[i]) * 16777619u;
  return h;
}

static bool name_eq(const sx_node *a, const sx_node *b) {
  return a->strlen == b->strlen && memcmp(a->str, b->str, a->strlen) == 0;
}

/* The slot of id, or of the free slot where it would go. */
static uint32_t name_slot(const core_text_names *t, const sx_node *id) {
  uint32_t mask = t->cap - 1, i = name_hash(id) & mask;
  while (t->keys[i] && !name_eq(t->keys[i], id)) i = (i + 1) & mask;
  return i;
}

bool core_text_lookup(core_text_parser *p, core_text_names *t,
                      const sx_node *id, const char *what, uint32_t *out) {
  if (t->cap) {
    uint32_t i = name_slot(t, id);
    if (t->keys[i]) {
      *out = t->vals[i];
      return true;
    }
  }
  return core_text_fail(p, id, "unknown %s %.*s", what, (int)id->len, id->text);
}

bool core_text_bind(core_text_parser *p, core_text_names *t, const sx_node *id,
                    const char *what, uint32_t idx) {
  if (t->cap && t->keys[name_slot(t, id)])
    return core_text_fail(p, id, "duplicate %s %.*s", what, (int)id->len,
                          id->text);
  if ((t->count + 1) * 2 > t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 16;
    core_text_names n = {calloc(cap, sizeof *n.keys),
                         calloc(cap, sizeof *n.vals), cap, 0};
    if (!n.keys || !n.vals) {
      free(n.keys);
      free(n.vals);
      cm_error_set(p->err, CM_IO, "out of memory");
      return false;
    }
    for (uint32_t i = 0; i < t->cap; i++)
      if (t->keys[i]) {
        uint32_t s = name_slot(&n, t->keys[i]);
        n.keys[s] = t->keys[i];
        n.vals[s] = t->vals[i];
        n.count++;
      }
    core_text_names_free(t);
    *t = n;
  }
  uint32_t s = name_slot(t, id);
  t->keys[s] = id;
  t->vals[s] = idx;
  t->count++;
  return true;
}

void core_text_names_free(core_text_names *t) {
  free(t->keys);
  free(t->vals);
  memset(t, 0, sizeof *t);
}

/* ---- indices and types ------------------------------------------------- */

/* A nat token: digits, or 0x and hex digits. */
bool core_text_is_nat(const sx_node *n) {
  if (!n || n->kind != SX_NUMBER || !sx_is_number_like(n)) return false;
  bool hex = n->len > 2 && n->text[1] == 'x';
  for (size_t i = hex ? 2 : 0; i < n->len; i++) {
    char c = n->text[i];
    if (!((c >= '0' && c <= '9') || c == '_' ||
          (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))))
      return false;
  }
  return true;
}

bool core_text_is_index(const sx_node *n) {
  return n && (n->kind == SX_ID || core_text_is_nat(n));
}

bool core_text_index(core_text_parser *p, int space, const sx_node *n,
                     const sx_node *at, uint32_t *out) {
  if (n && n->kind == SX_ID)
    return core_text_lookup(p, &p->names[space], n,
                            core_text_space_names[space], out);
  if (core_text_is_nat(n)) {
    uint64_t v;
    if (!sx_uint(n, 32, &v))
      return core_text_fail(p, n, "i32 constant out of range");
    *out = (uint32_t)v;
    return true;
  }
  return core_text_unexpected(p, n, at);
}

bool core_text_heaptype(core_text_parser *p, const sx_node *n,
                        const sx_node *at, bool null, core_valtype *out) {
  static const char *const gc[] = {"any",   "eq",   "i31",    "struct",
                                   "array", "none", "nofunc", "noextern",
                                   "noexn", NULL};
  if (n && n->kind == SX_KEYWORD) {
    core_valtype t = 0;
    if (sx_atom_eq(n, "func"))
      t = CORE_FUNCREF;
    else if (sx_atom_eq(n, "extern"))
      t = CORE_EXTERNREF;
    else if (sx_atom_eq(n, "exn"))
      t = CORE_EXNREF;
    if (t) {
      if (!null) return core_text_unsupported(p, n, "function-references");
      *out = t;
      return true;
    }
    for (int k = 0; gc[k]; k++)
      if (sx_atom_eq(n, gc[k])) return core_text_unsupported(p, n, "gc");
  }
  if (core_text_is_index(n))
    return core_text_unsupported(p, n, "function-references");
  return core_text_unexpected(p, n, at);
}

bool core_text_reftype(core_text_parser *p, const sx_node *n,
                       core_valtype *out) {
  static const char *const gc[] = {
      "anyref",   "nullref",     "eqref",         "i31ref",     "structref",
      "arrayref", "nullfuncref", "nullexternref", "nullexnref", NULL};
  if (n && n->kind == SX_KEYWORD) {
    if (sx_atom_eq(n, "funcref")) return *out = CORE_FUNCREF, true;
    if (sx_atom_eq(n, "externref")) return *out = CORE_EXTERNREF, true;
    if (sx_atom_eq(n, "exnref")) return *out = CORE_EXNREF, true;
    for (int k = 0; gc[k]; k++)
      if (sx_atom_eq(n, gc[k])) return core_text_unsupported(p, n, "gc");
  }
  if (sx_is_form(n, "ref")) {
    size_t i = 1;
    bool null = i < n->n && sx_is_keyword(n->items[i], "null");
    if (null) i++;
    if (i >= n->n) return core_text_unexpected(p, NULL, n);
    if (i + 1 < n->n) return core_text_unexpected(p, n->items[i + 1], n);
    return core_text_heaptype(p, n->items[i], n, null, out);
  }
  return core_text_unexpected(p, n, NULL);
}

bool core_text_valtype(core_text_parser *p, const sx_node *n,
                       core_valtype *out) {
  if (n && n->kind == SX_KEYWORD) {
    if (sx_atom_eq(n, "i32")) return *out = CORE_I32, true;
    if (sx_atom_eq(n, "i64")) return *out = CORE_I64, true;
    if (sx_atom_eq(n, "f32")) return *out = CORE_F32, true;
    if (sx_atom_eq(n, "f64")) return *out = CORE_F64, true;
    if (sx_atom_eq(n, "v128")) return core_text_unsupported(p, n, "simd");
  }
  return core_text_reftype(p, n, out);
}

void core_text_functype_free(core_functype *ft) {
  free(ft->params);
  free(ft->results);
  memset(ft, 0, sizeof *ft);
}

void core_text_push_valtype(core_valtype **arr, uint32_t *n, uint32_t *cap,
                            core_valtype t) {
  CANON_GROW(*arr, *n, *cap, 4);
  (*arr)[(*n)++] = t;
}

/* Adds m->types[types_indexed..] to p->type_ix (the first of equal types
 * keeps its index). */
static bool index_types(core_text_parser *p) {
  core_module *m = p->m;
  for (; p->types_indexed < m->ntypes; p->types_indexed++) {
    size_t len;
    char *k = core_functype_key(&m->types[p->types_indexed], &len);
    if (!k) {
      cm_error_set(p->err, CM_IO, "out of memory");
      return false;
    }
    CANON_GROW_ZERO(p->type_keys, p->ntype_keys, p->cap_type_keys, 8);
    p->type_keys[p->ntype_keys++] = k;
    uint32_t idx = p->types_indexed;
    if (cm_nameset_add(&p->type_ix, k, len, 0, &idx) == CM_NAMESET_OOM) {
      cm_error_set(p->err, CM_IO, "out of memory");
      return false;
    }
  }
  return true;
}

bool core_text_functype_index(core_text_parser *p, const core_functype *ft,
                              uint32_t *out) {
  core_module *m = p->m;
  if (!index_types(p)) return false;
  size_t len;
  char *k = core_functype_key(ft, &len);
  if (!k) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  bool found = cm_nameset_find(&p->type_ix, k, len, 0, out);
  free(k);
  if (found) return true;
  core_functype *t = CORE_TEXT_APPEND(p, m->types, m->ntypes, p->cap_types);
  if (!t) return false;
  size_t np = ft->nparams * sizeof *ft->params;
  size_t nr = ft->nresults * sizeof *ft->results;
  t->params = np ? malloc(np) : NULL;
  t->results = nr ? malloc(nr) : NULL;
  if ((np && !t->params) || (nr && !t->results)) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  if (np) memcpy(t->params, ft->params, np);
  if (nr) memcpy(t->results, ft->results, nr);
  t->nparams = ft->nparams;
  t->nresults = ft->nresults;
  *out = m->ntypes - 1;
  return true;
}

/* Binds a named local (param or local) at the next local index. */
bool core_text_bind_local(core_text_parser *p, const sx_node *id) {
  if (p->params_unknown)
    return core_text_fail(p, id, "unknown type %u", p->params_type);
  return core_text_bind(p, &p->locals, id, "local", p->nlocals++);
}

bool core_text_functype_lists(core_text_parser *p, const sx_node *form,
                              size_t *i, core_functype *ft, bool allow_names,
                              bool bind_locals) {
  uint32_t pcap = ft->nparams, rcap = ft->nresults;
  while (*i < form->n && sx_is_form(form->items[*i], "param")) {
    const sx_node *l = form->items[*i];
    if (l->n >= 2 && l->items[1]->kind == SX_ID) {
      core_valtype t;
      if (!allow_names) return core_text_unexpected(p, l->items[1], l);
      if (!core_text_arity(p, l, 3)) return false;
      if (!core_text_valtype(p, l->items[2], &t)) return false;
      core_text_push_valtype(&ft->params, &ft->nparams, &pcap, t);
      if (bind_locals && !core_text_bind_local(p, l->items[1])) return false;
    } else {
      for (size_t k = 1; k < l->n; k++) {
        core_valtype t;
        if (!core_text_valtype(p, l->items[k], &t)) return false;
        core_text_push_valtype(&ft->params, &ft->nparams, &pcap, t);
        if (bind_locals) p->nlocals++;
      }
    }
    (*i)++;
  }
  while (*i < form->n && sx_is_form(form->items[*i], "result")) {
    const sx_node *l = form->items[*i];
    for (size_t k = 1; k < l->n; k++) {
      core_valtype t;
      if (!core_text_valtype(p, l->items[k], &t)) return false;
      core_text_push_valtype(&ft->results, &ft->nresults, &rcap, t);
    }
    (*i)++;
  }
  /* params after results: never valid */
  if (*i < form->n && sx_is_form(form->items[*i], "param"))
    return core_text_unexpected(p, form->items[*i], form);
  return true;
}

bool core_text_typeuse_parts(core_text_parser *p, const sx_node *form,
                             size_t *i, bool allow_names, bool bind_locals,
                             const sx_node **tnode, uint32_t *x,
                             core_functype *ft) {
  *tnode = NULL;
  *x = 0;
  if (*i < form->n && sx_is_form(form->items[*i], "type")) {
    *tnode = form->items[*i];
    if (!core_text_arity(p, *tnode, 2)) return false;
    if (!core_text_index(p, CORE_TEXT_TYPE, (*tnode)->items[1], *tnode, x))
      return false;
    (*i)++;
  }
  return core_text_functype_lists(p, form, i, ft, allow_names, bind_locals);
}

bool core_text_typeuse_resolve(core_text_parser *p, const sx_node *tnode,
                               uint32_t x, const core_functype *ft,
                               bool bind_locals, uint32_t *idx) {
  if (!tnode) return core_text_functype_index(p, ft, idx);
  *idx = x;
  if (ft->nparams == 0 && ft->nresults == 0) {
    /* the type's parameters are the function's first locals; it may
     * not exist, which only matters if locals are named */
    if (bind_locals) {
      if (x < p->m->ntypes)
        p->nlocals = p->m->types[x].nparams;
      else
        p->params_unknown = true, p->params_type = x;
    }
    return true;
  }
  if (x >= p->m->ntypes)
    return core_text_fail(p, tnode->items[1], "unknown type %u", x);
  if (!core_functype_equal(&p->m->types[x], ft))
    return core_text_fail(p, tnode->items[1],
                          "inline function type does not match explicit type");
  return true;
}

bool core_text_typeuse(core_text_parser *p, const sx_node *form, size_t *i,
                       bool allow_names, bool bind_locals, uint32_t *idx) {
  const sx_node *tnode;
  uint32_t x;
  core_functype ft = {0, 0, NULL, NULL};
  bool ok = core_text_typeuse_parts(p, form, i, allow_names, bind_locals,
                                    &tnode, &x, &ft) &&
            core_text_typeuse_resolve(p, tnode, x, &ft, bind_locals, idx);
  core_text_functype_free(&ft);
  return ok;
}

bool core_text_check_name(core_text_parser *p, const sx_node *s) {
  if (!s || s->kind != SX_STRING) return core_text_unexpected(p, s, NULL);
  if (!utf8_valid((const uint8_t *)s->str, s->strlen))
    return core_text_fail(p, s, "malformed UTF-8 encoding");
  return true;
}

bool core_text_copy_name(core_text_parser *p, const sx_node *s,
                         core_name *out) {
  out->s = malloc(s->strlen + 1);
  if (!out->s) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  memcpy(out->s, s->str, s->strlen);
  out->s[s->strlen] = 0;
  out->len = (uint32_t)s->strlen;
  return true;
}

bool core_text_is_reftype(const sx_node *n) {
  return sx_is_form(n, "ref") || (n && n->kind == SX_KEYWORD && n->len > 3 &&
                                  memcmp(n->text + n->len - 3, "ref", 3) == 0);
}
