/* text.c -- the core text format parser: modules and their fields (core
 * spec "Text Format / Modules"), types and type uses.  Instructions are in
 * text_instr.c, the keyword set in text_keywords.c.
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

static const char *const space_names[TP_NSPACES] = {
    "type",   "function", "table",        "memory",
    "global", "tag",      "elem segment", "data segment"};

/* ---- errors ------------------------------------------------------------ */

bool tp_fail(tp *p, const sx_node *at, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (at)
    cm_error_at(p->err, CM_MALFORMED, at->file, at->line, at->col, "%s", msg);
  else
    cm_error_set(p->err, CM_MALFORMED, "%s", msg);
  return false;
}

bool tp_unsupported(tp *p, const sx_node *at, const char *feature) {
  if (at)
    cm_error_at(p->err, CM_UNSUPPORTED, at->file, at->line, at->col,
                "unsupported feature: %s", feature);
  else
    cm_error_set(p->err, CM_UNSUPPORTED, "unsupported feature: %s", feature);
  return false;
}

bool tp_unexpected(tp *p, const sx_node *n, const sx_node *at) {
  if (n && n->kind == SX_KEYWORD) {
    const char *feature = NULL;
    if (tp_keyword(n->text, n->len, NULL, &feature) == TP_KW_UNKNOWN)
      return tp_fail(p, n, "unknown operator %.*s", (int)n->len, n->text);
  }
  return tp_fail(p, n ? n : at, "unexpected token");
}

void *tp_grow(tp *p, void *arr, uint32_t *cap, uint32_t n, size_t elsize) {
  if (n < *cap) return arr;
  uint32_t c = *cap ? *cap * 2 : 8;
  void *a = realloc(arr, (size_t)c * elsize);
  if (!a) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return NULL;
  }
  memset((char *)a + (size_t)*cap * elsize, 0, (size_t)(c - *cap) * elsize);
  *cap = c;
  return a;
}

/* Appends one zeroed element to a module array; NULL when out of memory. */
#define TP_APPEND(p, arr, n, cap)                                            \
  ((arr = tp_grow(p, arr, &(cap), n, sizeof *(arr))) ? &(arr)[(n)++] : NULL)

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
static uint32_t name_slot(const tp_names *t, const sx_node *id) {
  uint32_t mask = t->cap - 1, i = name_hash(id) & mask;
  while (t->keys[i] && !name_eq(t->keys[i], id)) i = (i + 1) & mask;
  return i;
}

bool tp_lookup(tp *p, tp_names *t, const sx_node *id, const char *what,
               uint32_t *out) {
  if (t->cap) {
    uint32_t i = name_slot(t, id);
    if (t->keys[i]) {
      *out = t->vals[i];
      return true;
    }
  }
  return tp_fail(p, id, "unknown %s %.*s", what, (int)id->len, id->text);
}

bool tp_bind(tp *p, tp_names *t, const sx_node *id, const char *what,
             uint32_t idx) {
  if (t->cap && t->keys[name_slot(t, id)])
    return tp_fail(p, id, "duplicate %s %.*s", what, (int)id->len, id->text);
  if ((t->count + 1) * 2 > t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 16;
    tp_names n = {calloc(cap, sizeof *n.keys), calloc(cap, sizeof *n.vals),
                  cap, 0};
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
    tp_names_free(t);
    *t = n;
  }
  uint32_t s = name_slot(t, id);
  t->keys[s] = id;
  t->vals[s] = idx;
  t->count++;
  return true;
}

void tp_names_free(tp_names *t) {
  free(t->keys);
  free(t->vals);
  memset(t, 0, sizeof *t);
}

/* ---- indices and types ------------------------------------------------- */

/* A nat token: digits, or 0x and hex digits. */
static bool is_nat(const sx_node *n) {
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

bool tp_is_index(const sx_node *n) {
  return n && (n->kind == SX_ID || is_nat(n));
}

bool tp_index(tp *p, int space, const sx_node *n, const sx_node *at,
              uint32_t *out) {
  if (n && n->kind == SX_ID)
    return tp_lookup(p, &p->names[space], n, space_names[space], out);
  if (is_nat(n)) {
    uint64_t v;
    if (!sx_uint(n, 32, &v)) return tp_fail(p, n, "i32 constant out of range");
    *out = (uint32_t)v;
    return true;
  }
  return tp_unexpected(p, n, at);
}

/* Heap types of (ref null? ht) and ref.null ht. */
static bool heaptype(tp *p, const sx_node *n, const sx_node *at, bool null,
                     core_valtype *out) {
  static const char *const gc[] = {"any",    "eq",      "i31",      "struct",
                                   "array",  "none",    "nofunc",   "noextern",
                                   "noexn",  NULL};
  if (n && n->kind == SX_KEYWORD) {
    core_valtype t = 0;
    if (sx_atom_eq(n, "func")) t = CORE_FUNCREF;
    else if (sx_atom_eq(n, "extern")) t = CORE_EXTERNREF;
    else if (sx_atom_eq(n, "exn")) t = CORE_EXNREF;
    if (t) {
      if (!null) return tp_unsupported(p, n, "function-references");
      *out = t;
      return true;
    }
    for (int k = 0; gc[k]; k++)
      if (sx_atom_eq(n, gc[k])) return tp_unsupported(p, n, "gc");
  }
  if (tp_is_index(n)) return tp_unsupported(p, n, "function-references");
  return tp_unexpected(p, n, at);
}

bool tp_reftype(tp *p, const sx_node *n, core_valtype *out) {
  static const char *const gc[] = {
      "anyref",      "nullref",       "eqref",      "i31ref",
      "structref",   "arrayref",      "nullfuncref", "nullexternref",
      "nullexnref",  NULL};
  if (n && n->kind == SX_KEYWORD) {
    if (sx_atom_eq(n, "funcref")) return *out = CORE_FUNCREF, true;
    if (sx_atom_eq(n, "externref")) return *out = CORE_EXTERNREF, true;
    if (sx_atom_eq(n, "exnref")) return *out = CORE_EXNREF, true;
    for (int k = 0; gc[k]; k++)
      if (sx_atom_eq(n, gc[k])) return tp_unsupported(p, n, "gc");
  }
  if (sx_is_form(n, "ref")) {
    size_t i = 1;
    bool null = i < n->n && sx_is_keyword(n->items[i], "null");
    if (null) i++;
    if (i + 1 != n->n) return tp_unexpected(p, i < n->n ? n->items[i + (i + 1 < n->n)] : NULL, n);
    return heaptype(p, n->items[i], n, null, out);
  }
  return tp_unexpected(p, n, NULL);
}

bool tp_valtype(tp *p, const sx_node *n, core_valtype *out) {
  if (n && n->kind == SX_KEYWORD) {
    if (sx_atom_eq(n, "i32")) return *out = CORE_I32, true;
    if (sx_atom_eq(n, "i64")) return *out = CORE_I64, true;
    if (sx_atom_eq(n, "f32")) return *out = CORE_F32, true;
    if (sx_atom_eq(n, "f64")) return *out = CORE_F64, true;
    if (sx_atom_eq(n, "v128")) return tp_unsupported(p, n, "simd");
  }
  return tp_reftype(p, n, out);
}

void tp_functype_free(core_functype *ft) {
  free(ft->params);
  free(ft->results);
  memset(ft, 0, sizeof *ft);
}

static bool push_valtype(tp *p, core_valtype **arr, uint32_t *n,
                         core_valtype t) {
  core_valtype *a = realloc(*arr, (*n + 1) * sizeof *a);
  if (!a) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  a[(*n)++] = t;
  *arr = a;
  return true;
}

bool tp_functype_index(tp *p, const core_functype *ft, uint32_t *out) {
  core_module *m = p->m;
  for (uint32_t i = 0; i < m->ntypes; i++)
    if (core_functype_equal(&m->types[i], ft)) {
      *out = i;
      return true;
    }
  core_functype *t = TP_APPEND(p, m->types, m->ntypes, p->cap_types);
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
static bool bind_local(tp *p, const sx_node *id) {
  if (p->params_unknown)
    return tp_fail(p, id, "unknown type %u", p->params_type);
  return tp_bind(p, &p->locals, id, "local", p->nlocals++);
}

bool tp_functype_lists(tp *p, const sx_node *form, size_t *i,
                       core_functype *ft, bool allow_names,
                       bool bind_locals) {
  while (*i < form->n && sx_is_form(form->items[*i], "param")) {
    const sx_node *l = form->items[*i];
    if (l->n >= 2 && l->items[1]->kind == SX_ID) {
      core_valtype t;
      if (!allow_names) return tp_unexpected(p, l->items[1], l);
      if (l->n != 3)
        return tp_unexpected(p, l->n > 3 ? l->items[3] : NULL, l);
      if (!tp_valtype(p, l->items[2], &t)) return false;
      if (!push_valtype(p, &ft->params, &ft->nparams, t)) return false;
      if (bind_locals && !bind_local(p, l->items[1])) return false;
    } else {
      for (size_t k = 1; k < l->n; k++) {
        core_valtype t;
        if (!tp_valtype(p, l->items[k], &t)) return false;
        if (!push_valtype(p, &ft->params, &ft->nparams, t)) return false;
        if (bind_locals) p->nlocals++;
      }
    }
    (*i)++;
  }
  while (*i < form->n && sx_is_form(form->items[*i], "result")) {
    const sx_node *l = form->items[*i];
    for (size_t k = 1; k < l->n; k++) {
      core_valtype t;
      if (!tp_valtype(p, l->items[k], &t)) return false;
      if (!push_valtype(p, &ft->results, &ft->nresults, t)) return false;
    }
    (*i)++;
  }
  /* params after results: never valid */
  if (*i < form->n && sx_is_form(form->items[*i], "param"))
    return tp_unexpected(p, form->items[*i], form);
  return true;
}

bool tp_typeuse(tp *p, const sx_node *form, size_t *i, bool allow_names,
                bool bind_locals, uint32_t *idx) {
  const sx_node *tnode = NULL;
  uint32_t x = 0;
  if (*i < form->n && sx_is_form(form->items[*i], "type")) {
    tnode = form->items[*i];
    if (tnode->n != 2)
      return tp_unexpected(p, tnode->n > 2 ? tnode->items[2] : NULL, tnode);
    if (!tp_index(p, TP_TYPE, tnode->items[1], tnode, &x)) return false;
    (*i)++;
  }
  core_functype ft = {0, 0, NULL, NULL};
  bool ok = tp_functype_lists(p, form, i, &ft, allow_names, bind_locals);
  if (ok && tnode) {
    if (ft.nparams == 0 && ft.nresults == 0) {
      /* the type's parameters are the function's first locals; it may
       * not exist, which only matters if locals are named */
      if (bind_locals) {
        if (x < p->m->ntypes) p->nlocals = p->m->types[x].nparams;
        else p->params_unknown = true, p->params_type = x;
      }
    } else if (x >= p->m->ntypes) {
      ok = tp_fail(p, tnode->items[1], "unknown type %u", x);
    } else if (!core_functype_equal(&p->m->types[x], &ft)) {
      ok = tp_fail(p, tnode->items[1],
                   "inline function type does not match explicit type");
    }
    *idx = x;
  } else if (ok) {
    ok = tp_functype_index(p, &ft, idx);
  }
  tp_functype_free(&ft);
  return ok;
}

/* ---- pass 1: names and declarations ------------------------------------ */

/* What pass 1 learned of a field. */
typedef struct field {
  size_t rest;           /* first item after $id, exports and import */
  size_t first_export;   /* first inline (export ...) item */
  uint32_t nexports;
  const sx_node *import; /* inline (import "m" "n"), or NULL */
  uint32_t idx;          /* index in its index space */
  uint32_t slot;         /* import index, or index among definitions */
  int space;             /* TP_FUNC...; -1 for other fields */
} field;

typedef struct mp {
  tp p;
  field *fields;
  const char *last_def; /* kind of the last definition seen, for
                           "import after ..." */
  uint32_t ndefs[TP_NSPACES];
  uint32_t nglobal_defs_done;
} mp;

static bool check_name(tp *p, const sx_node *s) {
  if (!s || s->kind != SX_STRING) return tp_unexpected(p, s, NULL);
  const unsigned char *b = (const unsigned char *)s->str;
  size_t n = s->strlen;
  for (size_t i = 0; i < n;) {
    unsigned c = b[i];
    size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!k || i + k > n) return tp_fail(p, s, "malformed UTF-8 encoding");
    uint32_t cp = k == 1 ? c : k == 2 ? (c & 0x1F) : k == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t j = 1; j < k; j++) {
      if ((b[i + j] & 0xC0) != 0x80)
        return tp_fail(p, s, "malformed UTF-8 encoding");
      cp = (cp << 6) | (b[i + j] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000))
      return tp_fail(p, s, "malformed UTF-8 encoding");
    i += k;
  }
  return true;
}

static bool copy_name(tp *p, const sx_node *s, core_name *out) {
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

/* Records the address type of memory or table index idx. */
static bool set_addr64(tp *p, bool **arr, uint32_t *cap, uint32_t idx,
                       bool is64) {
  bool *a = tp_grow(p, *arr, cap, idx, sizeof **arr);
  if (!a) return false;
  *arr = a;
  a[idx] = is64;
  return true;
}

/* Binds the optional $id of a field in `space`, at the next index. */
static bool bind_next(tp *p, int space, const sx_node *id, uint32_t *idx) {
  *idx = p->count[space]++;
  return !id || tp_bind(p, &p->names[space], id, space_names[space], *idx);
}

/* `i32` or `i64` before limits; false if there is none. */
static bool addrtype(tp *p, const sx_node *form, size_t *i, bool *is64) {
  *is64 = false;
  if (*i < form->n && form->items[*i]->kind == SX_KEYWORD) {
    const sx_node *n = form->items[*i];
    if (sx_atom_eq(n, "i64") || sx_atom_eq(n, "i32")) {
      *is64 = sx_atom_eq(n, "i64");
      (*i)++;
    } else if (sx_atom_eq(n, "f32") || sx_atom_eq(n, "f64")) {
      return tp_fail(p, n, "malformed address type");
    }
  }
  return true;
}

static bool limit(tp *p, const sx_node *n, bool is64, uint64_t *out) {
  if (!sx_uint(n, is64 ? 64 : 32, out))
    return tp_fail(p, n, is64 ? "i64 constant out of range"
                              : "i32 constant out of range");
  return true;
}

static bool limits(tp *p, const sx_node *form, size_t *i, core_limits *l) {
  if (!(*i < form->n && is_nat(form->items[*i])))
    return tp_unexpected(p, *i < form->n ? form->items[*i] : NULL, form);
  if (!limit(p, form->items[*i], l->is64, &l->min)) return false;
  (*i)++;
  if (*i < form->n && is_nat(form->items[*i])) {
    if (!limit(p, form->items[*i], l->is64, &l->max)) return false;
    l->has_max = true;
    (*i)++;
  }
  return true;
}

/* memtype: addrtype? limits shared? (the rest must be empty) */
static bool memtype(tp *p, const sx_node *form, size_t i, core_memtype *mt) {
  if (!addrtype(p, form, &i, &mt->limits.is64)) return false;
  if (!limits(p, form, &i, &mt->limits)) return false;
  if (i < form->n && sx_is_keyword(form->items[i], "shared"))
    return tp_unsupported(p, form->items[i], "threads");
  if (i < form->n && sx_is_form(form->items[i], "pagesize"))
    return tp_unsupported(p, form->items[i], "custom-page-sizes");
  if (i < form->n) return tp_unexpected(p, form->items[i], form);
  return true;
}

static bool is_reftype_node(const sx_node *n) {
  return sx_is_form(n, "ref") ||
         (n && n->kind == SX_KEYWORD && n->len > 3 &&
          memcmp(n->text + n->len - 3, "ref", 3) == 0);
}

/* tabletype: addrtype? limits reftype, then (for definitions) an
 * initializer expression, which is of typed function references. */
static bool tabletype(tp *p, const sx_node *form, size_t i,
                      core_tabletype *tt) {
  if (!addrtype(p, form, &i, &tt->limits.is64)) return false;
  if (!limits(p, form, &i, &tt->limits)) return false;
  if (i >= form->n) return tp_unexpected(p, NULL, form);
  if (!tp_reftype(p, form->items[i++], &tt->elem)) return false;
  if (i < form->n) {
    if (sx_is_list(form->items[i]) && !sx_is_form(form->items[i], "elem"))
      return tp_unsupported(p, form->items[i], "function-references");
    return tp_unexpected(p, form->items[i], form);
  }
  return true;
}

static bool globaltype(tp *p, const sx_node *form, size_t *i,
                       core_globaltype *gt) {
  const sx_node *n = *i < form->n ? form->items[*i] : NULL;
  gt->mut = false;
  if (sx_is_form(n, "mut")) {
    if (n->n != 2) return tp_unexpected(p, n->n > 2 ? n->items[2] : NULL, n);
    gt->mut = true;
    if (!tp_valtype(p, n->items[1], &gt->type)) return false;
  } else if (!n) {
    return tp_unexpected(p, NULL, form);
  } else if (!tp_valtype(p, n, &gt->type)) {
    return false;
  }
  (*i)++;
  return true;
}

/* Counts the string bytes of items[i..] (all must be strings). */
static bool data_strings(tp *p, const sx_node *form, size_t i, size_t *len) {
  *len = 0;
  for (; i < form->n; i++) {
    if (form->items[i]->kind != SX_STRING)
      return tp_unexpected(p, form->items[i], form);
    *len += form->items[i]->strlen;
  }
  return true;
}

static core_import *new_import(mp *q, const sx_node *at, const sx_node *mod,
                               const sx_node *name, core_externkind kind,
                               uint32_t *slot) {
  tp *p = &q->p;
  if (q->last_def) {
    tp_fail(p, at, "import after %s definition", q->last_def);
    return NULL;
  }
  if (!check_name(p, mod) || !check_name(p, name)) return NULL;
  *slot = p->m->nimports;
  core_import *im = TP_APPEND(p, p->m->imports, p->m->nimports, p->cap_imports);
  if (!im) return NULL;
  im->kind = kind;
  if (!copy_name(p, mod, &im->module) || !copy_name(p, name, &im->name))
    return NULL;
  return im;
}

static bool pass1_type(mp *q, const sx_node *form) {
  tp *p = &q->p;
  size_t i = 1;
  const sx_node *id = NULL;
  if (i < form->n && form->items[i]->kind == SX_ID) id = form->items[i++];
  const sx_node *def = i < form->n ? form->items[i] : NULL;
  if (sx_is_form(def, "sub") || sx_is_form(def, "struct") ||
      sx_is_form(def, "array"))
    return tp_unsupported(p, def, "gc");
  if (!sx_is_form(def, "func")) return tp_unexpected(p, def, form);
  if (i + 1 != form->n) return tp_unexpected(p, form->items[i + 1], form);
  uint32_t idx;
  if (!bind_next(p, TP_TYPE, id, &idx)) return false;
  core_functype *ft =
      TP_APPEND(p, p->m->types, p->m->ntypes, p->cap_types);
  if (!ft) return false;
  size_t k = 1;
  if (!tp_functype_lists(p, def, &k, ft, true, false)) return false;
  if (k < def->n) return tp_unexpected(p, def->items[k], def);
  return true;
}

/* Reads the head of a func/table/memory/global/tag field: $id?
 * (export "n")* (import "m" "n")? */
static bool field_head(mp *q, const sx_node *form, field *f,
                       const sx_node **id) {
  tp *p = &q->p;
  size_t i = 1;
  *id = NULL;
  if (i < form->n && form->items[i]->kind == SX_ID) *id = form->items[i++];
  f->first_export = i;
  while (i < form->n && sx_is_form(form->items[i], "export")) {
    const sx_node *e = form->items[i];
    if (e->n != 2) return tp_unexpected(p, e->n > 2 ? e->items[2] : NULL, e);
    if (!check_name(p, e->items[1])) return false;
    f->nexports++;
    i++;
  }
  if (i < form->n && sx_is_form(form->items[i], "import")) {
    const sx_node *im = form->items[i];
    if (im->n != 3) return tp_unexpected(p, im->n > 3 ? im->items[3] : NULL, im);
    f->import = im;
    i++;
  }
  f->rest = i;
  return true;
}

static const char *const def_names[TP_NSPACES] = {
    NULL, "function", "table", "memory", "global", "tag", NULL, NULL};

/* func, table, memory, global, tag */
static bool pass1_entity(mp *q, const sx_node *form, field *f, int space) {
  tp *p = &q->p;
  core_module *m = p->m;
  const sx_node *id;
  if (!field_head(q, form, f, &id)) return false;
  f->space = space;
  if (!bind_next(p, space, id, &f->idx)) return false;
  size_t i = f->rest;
  if (f->import) {
    static const core_externkind kinds[TP_NSPACES] = {
        0, CORE_EXTERN_FUNC, CORE_EXTERN_TABLE, CORE_EXTERN_MEMORY,
        CORE_EXTERN_GLOBAL, CORE_EXTERN_TAG, 0, 0};
    core_import *im = new_import(q, f->import, f->import->items[1],
                                 f->import->items[2], kinds[space], &f->slot);
    if (!im) return false;
    switch (space) {
    case TP_TABLE:
      if (!tabletype(p, form, i, &im->desc.table)) return false;
      return set_addr64(p, &p->table64, &p->cap_table64, f->idx,
                        im->desc.table.limits.is64);
    case TP_MEM:
      if (!memtype(p, form, i, &im->desc.memory)) return false;
      return set_addr64(p, &p->mem64, &p->cap_mem64, f->idx,
                        im->desc.memory.limits.is64);
    case TP_GLOBAL:
      if (!globaltype(p, form, &i, &im->desc.global)) return false;
      if (i < form->n) return tp_unexpected(p, form->items[i], form);
      return true;
    default:
      return true; /* type uses are read in pass 2 */
    }
  }
  q->last_def = def_names[space];
  f->slot = q->ndefs[space]++;
  switch (space) {
  case TP_TABLE: {
    core_tabletype *tt = TP_APPEND(p, m->tables, m->ntables, p->cap_tables);
    if (!tt) return false;
    bool is64;
    if (!addrtype(p, form, &i, &is64)) return false;
    if (i < form->n && is_reftype_node(form->items[i])) {
      /* addrtype? reftype (elem ...): the table fits its segment */
      if (!tp_reftype(p, form->items[i], &tt->elem)) return false;
      const sx_node *e = i + 1 < form->n ? form->items[i + 1] : NULL;
      if (!sx_is_form(e, "elem")) return tp_unexpected(p, e, form);
      if (i + 2 < form->n) return tp_unexpected(p, form->items[i + 2], form);
      tt->limits.is64 = is64;
      tt->limits.min = tt->limits.max = e->n - 1;
      tt->limits.has_max = true;
      p->count[TP_ELEM]++;
    } else {
      if (!tabletype(p, form, f->rest, tt)) return false;
    }
    return set_addr64(p, &p->table64, &p->cap_table64, f->idx,
                      tt->limits.is64);
  }
  case TP_MEM: {
    core_memtype *mt = TP_APPEND(p, m->mems, m->nmems, p->cap_mems);
    if (!mt) return false;
    bool is64;
    if (!addrtype(p, form, &i, &is64)) return false;
    if (i < form->n && sx_is_form(form->items[i], "data")) {
      /* addrtype? (data string*): the memory fits its segment */
      size_t len;
      if (i + 1 < form->n) return tp_unexpected(p, form->items[i + 1], form);
      if (!data_strings(p, form->items[i], 1, &len)) return false;
      mt->limits.is64 = is64;
      mt->limits.min = mt->limits.max = (len + 65535) / 65536;
      mt->limits.has_max = true;
      p->count[TP_DATA]++;
    } else {
      if (!memtype(p, form, f->rest, mt)) return false;
    }
    return set_addr64(p, &p->mem64, &p->cap_mem64, f->idx, mt->limits.is64);
  }
  case TP_GLOBAL: {
    core_global *g = TP_APPEND(p, m->globals, m->nglobals, p->cap_globals);
    if (!g) return false;
    if (!globaltype(p, form, &i, &g->type)) return false;
    f->rest = i; /* the initializer */
    return true;
  }
  default:
    return true;
  }
}

static bool pass1_import(mp *q, const sx_node *form, field *f) {
  tp *p = &q->p;
  if (form->n != 4)
    return tp_unexpected(p, form->n > 4 ? form->items[4] : NULL, form);
  const sx_node *d = form->items[3];
  static const struct {
    const char *kw;
    int space;
    core_externkind kind;
  } kinds[] = {{"func", TP_FUNC, CORE_EXTERN_FUNC},
               {"table", TP_TABLE, CORE_EXTERN_TABLE},
               {"memory", TP_MEM, CORE_EXTERN_MEMORY},
               {"global", TP_GLOBAL, CORE_EXTERN_GLOBAL},
               {"tag", TP_TAG, CORE_EXTERN_TAG}};
  int k = 0;
  while (k < 5 && !sx_is_form(d, kinds[k].kw)) k++;
  if (k == 5)
    return tp_unexpected(p, sx_is_list(d) && d->n ? d->items[0] : d, form);
  core_import *im = new_import(q, form, form->items[1], form->items[2],
                               kinds[k].kind, &f->slot);
  if (!im) return false;
  size_t i = 1;
  const sx_node *id = NULL;
  if (i < d->n && d->items[i]->kind == SX_ID) id = d->items[i++];
  f->space = kinds[k].space;
  f->import = form;
  f->rest = i;
  if (!bind_next(p, f->space, id, &f->idx)) return false;
  switch (f->space) {
  case TP_TABLE:
    if (!tabletype(p, d, i, &im->desc.table)) return false;
    return set_addr64(p, &p->table64, &p->cap_table64, f->idx,
                      im->desc.table.limits.is64);
  case TP_MEM:
    if (!memtype(p, d, i, &im->desc.memory)) return false;
    return set_addr64(p, &p->mem64, &p->cap_mem64, f->idx,
                      im->desc.memory.limits.is64);
  case TP_GLOBAL:
    if (!globaltype(p, d, &i, &im->desc.global)) return false;
    if (i < d->n) return tp_unexpected(p, d->items[i], d);
    return true;
  default:
    return true;
  }
}

static bool pass1_segment(mp *q, const sx_node *form, int space) {
  const sx_node *id = NULL;
  uint32_t idx;
  if (form->n > 1 && form->items[1]->kind == SX_ID) id = form->items[1];
  return bind_next(&q->p, space, id, &idx);
}

static bool pass1(mp *q, const sx_node *mod, size_t first) {
  tp *p = &q->p;
  for (size_t k = first; k < mod->n; k++) {
    const sx_node *form = mod->items[k];
    field *f = &q->fields[k];
    f->space = -1;
    if (!sx_is_list(form) || form->n == 0 ||
        form->items[0]->kind != SX_KEYWORD)
      return tp_unexpected(p, sx_is_list(form) && form->n ? form->items[0]
                                                          : form, mod);
    const sx_node *kw = form->items[0];
    bool ok;
    if (sx_atom_eq(kw, "type")) ok = pass1_type(q, form);
    else if (sx_atom_eq(kw, "rec")) ok = tp_unsupported(p, kw, "gc");
    else if (sx_atom_eq(kw, "import")) ok = pass1_import(q, form, f);
    else if (sx_atom_eq(kw, "func")) ok = pass1_entity(q, form, f, TP_FUNC);
    else if (sx_atom_eq(kw, "table")) ok = pass1_entity(q, form, f, TP_TABLE);
    else if (sx_atom_eq(kw, "memory")) ok = pass1_entity(q, form, f, TP_MEM);
    else if (sx_atom_eq(kw, "global")) ok = pass1_entity(q, form, f, TP_GLOBAL);
    else if (sx_atom_eq(kw, "tag")) ok = pass1_entity(q, form, f, TP_TAG);
    else if (sx_atom_eq(kw, "elem")) ok = pass1_segment(q, form, TP_ELEM);
    else if (sx_atom_eq(kw, "data")) ok = pass1_segment(q, form, TP_DATA);
    else if (sx_atom_eq(kw, "export") || sx_atom_eq(kw, "start")) ok = true;
    else ok = tp_unexpected(p, kw, form);
    if (!ok) return false;
  }
  return true;
}

/* ---- pass 2: everything else ------------------------------------------- */

static bool add_export(tp *p, const sx_node *name, core_externkind kind,
                       uint32_t idx) {
  core_module *m = p->m;
  core_export *e = TP_APPEND(p, m->exports, m->nexports, p->cap_exports);
  if (!e) return false;
  e->kind = kind;
  e->idx = idx;
  return copy_name(p, name, &e->name);
}

static bool inline_exports(tp *p, const sx_node *form, const field *f,
                           core_externkind kind) {
  for (uint32_t k = 0; k < f->nexports; k++)
    if (!add_export(p, form->items[f->first_export + k]->items[1], kind,
                    f->idx))
      return false;
  return true;
}

static bool export_field(tp *p, const sx_node *form) {
  static const struct {
    const char *kw;
    int space;
    core_externkind kind;
  } kinds[] = {{"func", TP_FUNC, CORE_EXTERN_FUNC},
               {"table", TP_TABLE, CORE_EXTERN_TABLE},
               {"memory", TP_MEM, CORE_EXTERN_MEMORY},
               {"global", TP_GLOBAL, CORE_EXTERN_GLOBAL},
               {"tag", TP_TAG, CORE_EXTERN_TAG}};
  if (form->n != 3)
    return tp_unexpected(p, form->n > 3 ? form->items[3] : NULL, form);
  if (!check_name(p, form->items[1])) return false;
  const sx_node *d = form->items[2];
  int k = 0;
  while (k < 5 && !sx_is_form(d, kinds[k].kw)) k++;
  if (k == 5)
    return tp_unexpected(p, sx_is_list(d) && d->n ? d->items[0] : d, form);
  if (d->n != 2) return tp_unexpected(p, d->n > 2 ? d->items[2] : NULL, d);
  uint32_t idx;
  if (!tp_index(p, kinds[k].space, d->items[1], d, &idx)) return false;
  return add_export(p, form->items[1], kinds[k].kind, idx);
}

/* A type use that must be all that is left of the form (imports, tags). */
static bool typeuse_only(tp *p, const sx_node *form, size_t i, uint32_t *idx) {
  if (!tp_typeuse(p, form, &i, true, false, idx)) return false;
  if (i < form->n) return tp_unexpected(p, form->items[i], form);
  return true;
}

static void reset_func(tp *p) {
  tp_names_free(&p->locals);
  p->nlocals = 0;
  p->params_unknown = false;
  p->nlabels = 0;
}

static bool push_local(tp *p, core_func *fn, core_valtype t) {
  return push_valtype(p, &fn->locals, &fn->nlocals, t);
}

static bool func_body(tp *p, const sx_node *form, size_t i, core_func *fn) {
  reset_func(p);
  if (!tp_typeuse(p, form, &i, true, true, &fn->type)) return false;
  while (i < form->n && sx_is_form(form->items[i], "local")) {
    const sx_node *l = form->items[i++];
    if (l->n >= 2 && l->items[1]->kind == SX_ID) {
      core_valtype t;
      if (l->n != 3) return tp_unexpected(p, l->n > 3 ? l->items[3] : NULL, l);
      if (!tp_valtype(p, l->items[2], &t)) return false;
      if (!push_local(p, fn, t) || !bind_local(p, l->items[1])) return false;
    } else {
      for (size_t k = 1; k < l->n; k++) {
        core_valtype t;
        if (!tp_valtype(p, l->items[k], &t)) return false;
        if (!push_local(p, fn, t)) return false;
        p->nlocals++;
      }
    }
  }
  /* the function's own label */
  const sx_node **labels =
      tp_grow(p, p->labels, &p->cap_labels, 0, sizeof *p->labels);
  if (!labels) return false;
  p->labels = labels;
  p->labels[0] = NULL;
  p->nlabels = 1;
  tp_reset_expr(p);
  if (!tp_instrs(p, form, &i)) return false;
  bool ok = tp_take_expr(p, &fn->body);
  reset_func(p);
  return ok;
}

/* An `i32.const 0` or `i64.const 0` offset, for inline segments. */
static bool zero_offset(tp *p, bool is64, core_expr *e) {
  tp_reset_expr(p);
  if (!tp_emit(p, is64 ? CORE_OP_I64_CONST : CORE_OP_I32_CONST, 0, 0, 0))
    return false;
  return tp_take_expr(p, e);
}

/* `ref.func x; end` for an element given as a function index. */
static bool funcref_item(tp *p, const sx_node *n, const sx_node *at,
                         core_expr *e) {
  uint32_t x;
  if (!tp_index(p, TP_FUNC, n, at, &x)) return false;
  tp_reset_expr(p);
  if (!tp_emit(p, CORE_OP_REF_FUNC, x, 0, 0)) return false;
  return tp_take_expr(p, e);
}

/* An element expression: (item instr*) or one folded instruction. */
static bool elem_expr(tp *p, const sx_node *n, const sx_node *at,
                      core_expr *e) {
  if (sx_is_form(n, "item")) return tp_const_expr(p, n, 1, e);
  if (sx_is_list(n)) return tp_folded_expr(p, n, e);
  return tp_unexpected(p, n, at);
}

static core_elem *new_elem(tp *p) {
  return TP_APPEND(p, p->m->elems, p->m->nelems, p->cap_elems);
}

/* Element items from items[i..]: function indices or expressions. */
static bool elem_items(tp *p, const sx_node *form, size_t i, bool exprs,
                       core_elem *e) {
  size_t n = form->n - i;
  if (n == 0) return true;
  e->items = calloc(n, sizeof *e->items);
  if (!e->items) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  for (; i < form->n; i++) {
    core_expr *x = &e->items[e->nitems++];
    bool ok = exprs ? elem_expr(p, form->items[i], form, x)
                    : funcref_item(p, form->items[i], form, x);
    if (!ok) return false;
  }
  return true;
}

/* The table field's inline (elem ...). */
static bool table_elem(tp *p, const sx_node *form, const field *f) {
  const sx_node *el = form->items[form->n - 1];
  core_elem *e = new_elem(p);
  if (!e) return false;
  e->mode = CORE_SEG_ACTIVE;
  e->table = f->idx;
  e->type = p->m->tables[f->slot].elem;
  if (!zero_offset(p, p->m->tables[f->slot].limits.is64, &e->offset))
    return false;
  bool exprs = el->n > 1 && sx_is_list(el->items[1]);
  return elem_items(p, el, 1, exprs, e);
}

/* The memory field's inline (data ...). */
static bool memory_data(tp *p, const sx_node *form, const field *f) {
  const sx_node *d = form->items[form->n - 1];
  core_data *seg = TP_APPEND(p, p->m->datas, p->m->ndatas, p->cap_datas);
  if (!seg) return false;
  seg->mode = CORE_SEG_ACTIVE;
  seg->memory = f->idx;
  if (!zero_offset(p, p->m->mems[f->slot].limits.is64, &seg->offset))
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

/* An offset: (offset instr*) or one folded instruction. */
static bool offset_expr(tp *p, const sx_node *n, const sx_node *at,
                        core_expr *e) {
  if (sx_is_form(n, "offset")) return tp_const_expr(p, n, 1, e);
  if (sx_is_list(n) && n->n > 0 && n->items[0]->kind == SX_KEYWORD)
    return tp_folded_expr(p, n, e);
  return tp_unexpected(p, n, at);
}

/* Is n an offset of an active segment, rather than an element type or
 * element expression? */
static bool is_offset(const sx_node *n) {
  return sx_is_list(n) && n->n > 0 && n->items[0]->kind == SX_KEYWORD &&
         !sx_is_form(n, "item") && !sx_is_form(n, "ref");
}

static bool elem_field(tp *p, const sx_node *form) {
  core_elem *e = new_elem(p);
  if (!e) return false;
  size_t i = 1;
  if (i < form->n && form->items[i]->kind == SX_ID) i++;
  const sx_node *n = i < form->n ? form->items[i] : NULL;
  e->type = CORE_FUNCREF;
  bool abbrev = false; /* `(elem offset x*)`: bare function indices */
  if (sx_is_keyword(n, "declare")) {
    e->mode = CORE_SEG_DECLARATIVE;
    i++;
  } else if (sx_is_form(n, "table")) {
    e->mode = CORE_SEG_ACTIVE;
    if (n->n != 2) return tp_unexpected(p, n->n > 2 ? n->items[2] : NULL, n);
    if (!tp_index(p, TP_TABLE, n->items[1], n, &e->table)) return false;
    i++;
    if (!offset_expr(p, i < form->n ? form->items[i] : NULL, form, &e->offset))
      return false;
    i++;
  } else if (is_offset(n)) {
    e->mode = CORE_SEG_ACTIVE;
    if (!offset_expr(p, n, form, &e->offset)) return false;
    i++;
    abbrev = true;
  } else {
    e->mode = CORE_SEG_PASSIVE;
  }
  n = i < form->n ? form->items[i] : NULL;
  if (sx_is_keyword(n, "func")) return elem_items(p, form, i + 1, false, e);
  if (n && is_reftype_node(n)) {
    if (!tp_reftype(p, n, &e->type)) return false;
    return elem_items(p, form, i + 1, true, e);
  }
  if (abbrev) return elem_items(p, form, i, false, e);
  return tp_unexpected(p, n, form);
}

static bool data_field(tp *p, const sx_node *form) {
  core_data *d = TP_APPEND(p, p->m->datas, p->m->ndatas, p->cap_datas);
  if (!d) return false;
  size_t i = 1;
  if (i < form->n && form->items[i]->kind == SX_ID) i++;
  const sx_node *n = i < form->n ? form->items[i] : NULL;
  d->mode = CORE_SEG_PASSIVE;
  if (sx_is_form(n, "memory")) {
    if (n->n != 2) return tp_unexpected(p, n->n > 2 ? n->items[2] : NULL, n);
    if (!tp_index(p, TP_MEM, n->items[1], n, &d->memory)) return false;
    i++;
    if (!offset_expr(p, i < form->n ? form->items[i] : NULL, form, &d->offset))
      return false;
    d->mode = CORE_SEG_ACTIVE;
    i++;
  } else if (sx_is_list(n)) {
    if (!offset_expr(p, n, form, &d->offset)) return false;
    d->mode = CORE_SEG_ACTIVE;
    i++;
  }
  size_t len;
  if (!data_strings(p, form, i, &len)) return false;
  d->bytes = malloc(len ? len : 1);
  if (!d->bytes) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  for (; i < form->n; i++) {
    memcpy(d->bytes + d->len, form->items[i]->str, form->items[i]->strlen);
    d->len += (uint32_t)form->items[i]->strlen;
  }
  return true;
}

static bool start_field(tp *p, const sx_node *form) {
  if (form->n != 2)
    return tp_unexpected(p, form->n > 2 ? form->items[2] : NULL, form);
  uint32_t x;
  if (!tp_index(p, TP_FUNC, form->items[1], form, &x)) return false;
  if (p->m->has_start) return tp_fail(p, form, "multiple start sections");
  p->m->has_start = true;
  p->m->start = x;
  return true;
}

static bool pass2_entity(mp *q, const sx_node *form, const field *f) {
  tp *p = &q->p;
  core_module *m = p->m;
  static const core_externkind kinds[TP_NSPACES] = {
      0, CORE_EXTERN_FUNC, CORE_EXTERN_TABLE, CORE_EXTERN_MEMORY,
      CORE_EXTERN_GLOBAL, CORE_EXTERN_TAG, 0, 0};
  if (!inline_exports(p, form, f, kinds[f->space])) return false;
  if (f->import) {
    core_import *im = &m->imports[f->slot];
    if (f->space == TP_FUNC) return typeuse_only(p, form, f->rest, &im->desc.func);
    if (f->space == TP_TAG) return typeuse_only(p, form, f->rest, &im->desc.tag);
    return true;
  }
  switch (f->space) {
  case TP_FUNC:
    return func_body(p, form, f->rest, &m->funcs[f->slot]);
  case TP_TABLE:
    if (sx_is_form(form->items[form->n - 1], "elem"))
      return table_elem(p, form, f);
    return true;
  case TP_MEM:
    if (sx_is_form(form->items[form->n - 1], "data"))
      return memory_data(p, form, f);
    return true;
  case TP_GLOBAL:
    p->nlabels = 0;
    return tp_const_expr(p, form, f->rest, &m->globals[f->slot].init);
  case TP_TAG:
    return typeuse_only(p, form, f->rest, &m->tags[f->slot]);
  default:
    return true;
  }
}

static bool pass2(mp *q, const sx_node *mod, size_t first) {
  tp *p = &q->p;
  for (size_t k = first; k < mod->n; k++) {
    const sx_node *form = mod->items[k];
    const field *f = &q->fields[k];
    const sx_node *kw = form->items[0];
    bool ok = true;
    p->nlabels = 0;
    if (f->space >= 0 && sx_atom_eq(kw, "import")) {
      const sx_node *d = form->items[3];
      core_import *im = &p->m->imports[f->slot];
      if (f->space == TP_FUNC) ok = typeuse_only(p, d, f->rest, &im->desc.func);
      else if (f->space == TP_TAG) ok = typeuse_only(p, d, f->rest, &im->desc.tag);
    } else if (f->space >= 0) {
      ok = pass2_entity(q, form, f);
    } else if (sx_atom_eq(kw, "export")) {
      ok = export_field(p, form);
    } else if (sx_atom_eq(kw, "start")) {
      ok = start_field(p, form);
    } else if (sx_atom_eq(kw, "elem")) {
      ok = elem_field(p, form);
    } else if (sx_atom_eq(kw, "data")) {
      ok = data_field(p, form);
    }
    if (!ok) return false;
  }
  return true;
}

/* ---- modules ----------------------------------------------------------- */

static void tp_free(tp *p) {
  for (int s = 0; s < TP_NSPACES; s++) tp_names_free(&p->names[s]);
  tp_names_free(&p->locals);
  free(p->mem64);
  free(p->table64);
  free(p->labels);
  free(p->ins);
  free(p->lab);
}

/* Parses the fields mod->items[first..] into a module. */
static core_module *parse_fields(const sx_node *mod, size_t first,
                                 cm_error *err) {
  mp q;
  memset(&q, 0, sizeof q);
  tp *p = &q.p;
  p->err = err;
  p->m = core_module_new();
  q.fields = calloc(mod->n ? mod->n : 1, sizeof *q.fields);
  bool ok = p->m && q.fields;
  if (!ok) cm_error_set(err, CM_IO, "out of memory");
  for (size_t k = first; ok && k < mod->n; k++)
    ok = tp_check_tokens(p, mod->items[k]);
  ok = ok && pass1(&q, mod, first);
  if (ok) {
    core_module *m = p->m;
    m->nfuncs = q.ndefs[TP_FUNC];
    m->ntags = q.ndefs[TP_TAG];
    m->funcs = calloc(m->nfuncs ? m->nfuncs : 1, sizeof *m->funcs);
    m->tags = calloc(m->ntags ? m->ntags : 1, sizeof *m->tags);
    if (!m->funcs || !m->tags) {
      cm_error_set(err, CM_IO, "out of memory");
      ok = false;
    }
  }
  ok = ok && pass2(&q, mod, first);
  tp_free(p);
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
      tp p;
      memset(&p, 0, sizeof p);
      p.err = err;
      tp_unexpected(&p, s, form);
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
  const sx_node *kw = i < form->n ? form->items[i] : NULL;
  if (sx_is_keyword(kw, "binary")) {
    size_t len;
    char *b = concat_strings(form, i + 1, &len, err);
    if (!b) return NULL;
    core_module *m = core_decode((const uint8_t *)b, len, err);
    free(b);
    return m;
  }
  if (sx_is_keyword(kw, "quote")) {
    size_t len;
    char *b = concat_strings(form, i + 1, &len, err);
    if (!b) return NULL;
    sx_node *top = sx_read(b, len, form->file, err);
    core_module *m = top ? parse_tree(top, err) : NULL;
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
