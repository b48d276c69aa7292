/* text_scope.c -- scopes, $id resolution and emission for the component text
 * parser (see text_internal.h).
 *
 * Resolution follows Explainer.md "Alias Definitions": a $id is looked up
 * in the current scope, then outward; a hit in an enclosing scope becomes an
 * `alias outer` definition in the current scope (only for the sorts outer
 * aliases allow), which later uses of the same $id then reuse.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"
#include "../../canon/grow.h"

comp_pos comp_text_pos(const sx_node *n) {
  comp_pos p = {NULL, 0, 0, -1};
  if (n) {
    p.file = n->file;
    p.line = n->line;
    p.col = n->col;
  }
  return p;
}

bool comp_text_oom(comp_text_parser *p, const sx_node *n) {
  sx_error(p->err, n, "out of memory");
  return false;
}

static bool utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    uint32_t min;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      k = 1, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      k = 2, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      k = 3, min = 0x10000, c &= 0x07;
    } else {
      return false;
    }
    if (i + k >= n) return false;
    uint32_t v = c;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return false;
      v = v << 6 | (s[i + j] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
    i += k + 1;
  }
  return true;
}

bool comp_text_name(comp_text_parser *p, const sx_node *n, core_name *out) {
  if (!n || n->kind != SX_STRING) {
    sx_error(p->err, n, "expected a string");
    return false;
  }
  if (!utf8_ok((const unsigned char *)n->str, n->strlen)) {
    sx_error(p->err, n, "malformed UTF-8 encoding");
    return false;
  }
  if (n->strlen > UINT32_MAX) return comp_text_oom(p, n);
  char *s = malloc(n->strlen + 1);
  if (!s) return comp_text_oom(p, n);
  memcpy(s, n->str, n->strlen);
  s[n->strlen] = 0;
  out->s = s;
  out->len = (uint32_t)n->strlen;
  return true;
}

char *comp_text_id_copy(const sx_node *id) {
  if (!id) return NULL;
  char *s = malloc(id->strlen + 1);
  if (!s) return NULL;
  memcpy(s, id->str, id->strlen);
  s[id->strlen] = 0;
  return s;
}

void comp_text_scope_init(comp_text_scope *s, comp_text_scopekind kind,
                          const sx_node *id) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->id = id;
}

void comp_text_scope_fini(comp_text_scope *s) {
  cm_nameset_free(&s->names);
  cm_nameset_free(&s->ftypes);
  for (uint32_t i = 0; i < s->nfkeys; i++) free(s->fkeys[i]);
  free(s->fkeys);
}

void comp_text_push(comp_text_parser *p, comp_text_scope *s) {
  s->parent = p->cur;
  p->cur = s;
}

void comp_text_pop(comp_text_parser *p) { p->cur = p->cur->parent; }

bool comp_text_nest(comp_text_parser *p, const sx_node *at,
                    comp_text_scope *s, comp_text_scopekind kind,
                    const sx_node *id) {
  if (++p->depth > CP_MAX_DEPTH) {
    sx_error(p->err, at, "nesting too deep");
    p->depth--;
    return false;
  }
  comp_text_scope_init(s, kind, id);
  comp_text_push(p, s);
  return true;
}

void comp_text_unnest(comp_text_parser *p, comp_text_scope *s) {
  comp_text_pop(p);
  comp_text_scope_fini(s);
  p->depth--;
}

/* Keys of a scope's name table: a definition's $id, or an implicit outer
 * alias made for a $id of an enclosing scope. */
static uint32_t sym_tag(comp_sort sort, bool implicit) {
  return (uint32_t)sort * 2 + implicit;
}

/* The index $id names in scope s for sort; explicit names win over
 * implicit aliases. */
bool comp_text_lookup(const comp_text_scope *s, comp_sort sort,
                      const sx_node *id, uint32_t *out) {
  return cm_nameset_find(&s->names, id->str, id->strlen, sym_tag(sort, false),
                         out) ||
         cm_nameset_find(&s->names, id->str, id->strlen, sym_tag(sort, true),
                         out);
}

/* Binds $id; false after reporting a duplicate explicit name (an implicit
 * alias of the same name keeps the first). */
static bool add_sym(comp_text_parser *p, comp_text_scope *s, comp_sort sort,
                    const sx_node *id, uint32_t idx, bool implicit) {
  uint32_t v = idx;
  switch (cm_nameset_add(&s->names, id->str, id->strlen,
                         sym_tag(sort, implicit), &v)) {
  case CM_NAMESET_ADDED: return true;
  case CM_NAMESET_OOM: return comp_text_oom(p, id);
  case CM_NAMESET_PRESENT: break;
  }
  if (implicit) return true;
  sx_error(p->err, id, "duplicate %s identifier `$%s`", comp_sort_name(sort),
           id->str);
  return false;
}

uint32_t comp_text_bind(comp_text_parser *p, comp_sort sort,
                        const sx_node *id) {
  comp_text_scope *s = p->cur;
  uint32_t idx = s->count[sort];
  if (idx == UINT32_MAX) {
    sx_error(p->err, id, "too many definitions");
    return UINT32_MAX;
  }
  if (id && !add_sym(p, s, sort, id, idx, false)) return UINT32_MAX;
  s->count[sort]++;
  return idx;
}

bool comp_text_is_idx(const sx_node *n) {
  return n && (n->kind == SX_ID || n->kind == SX_NUMBER);
}

static bool outer_aliasable(comp_sort s) {
  return s == COMP_SORT_CORE_MODULE || s == COMP_SORT_CORE_TYPE ||
         s == COMP_SORT_TYPE || s == COMP_SORT_COMPONENT;
}

bool comp_text_u32(comp_text_parser *p, const sx_node *n, uint32_t *out) {
  uint64_t v;
  if (!sx_uint(n, 32, &v)) {
    sx_error(p->err, n, "malformed index");
    return false;
  }
  *out = (uint32_t)v;
  return true;
}

bool comp_text_resolve(comp_text_parser *p, comp_sort sort, const sx_node *n,
                       uint32_t *out) {
  if (comp_text_failed(p)) return false;
  if (n && n->kind == SX_NUMBER) return comp_text_u32(p, n, out);
  if (!n || n->kind != SX_ID) {
    sx_error(p->err, n, "unexpected token: expected an index");
    return false;
  }
  if (comp_text_lookup(p->cur, sort, n, out)) return true;
  uint32_t depth = 1;
  for (comp_text_scope *s = p->cur->parent; s; s = s->parent, depth++) {
    uint32_t idx;
    if (!comp_text_lookup(s, sort, n, &idx)) continue;
    if (!outer_aliasable(sort)) {
      sx_error(p->err, n, "outer item `%s` is not a module, type, or component",
               n->str);
      return false;
    }
    comp_alias a = {0};
    a.kind = COMP_ALIAS_OUTER;
    a.sort = sort;
    a.outer_count = depth;
    a.outer_idx = idx;
    uint32_t mine = comp_text_emit_alias(p, &a, NULL, n);
    if (mine == UINT32_MAX) return false;
    if (!add_sym(p, p->cur, sort, n, mine, true)) return false;
    *out = mine;
    return true;
  }
  sx_error(p->err, n, "unknown %s: failed to find name `$%s`",
           comp_sort_name(sort), n->str);
  return false;
}

/* ---- emission --------------------------------------------------------------- */

uint32_t comp_text_emit_def(comp_text_parser *p, comp_def *d,
                            const sx_node *id) {
  comp_text_scope *s = p->cur;
  comp_component *c = s->comp;
  if (comp_text_failed(p) || s->kind != CP_COMPONENT) {
    if (!comp_text_failed(p)) sx_error(p->err, id, "internal: not a component");
    comp_def_clear(d);
    return UINT32_MAX;
  }
  CANON_GROW_UNCOUNTED(c->defs, c->ndefs, 4);
  comp_sort sort = comp_def_sort(d);
  uint32_t idx = s->count[sort];
  if (d->kind != COMP_DEF_START) { /* start: the caller binds results */
    idx = comp_text_bind(p, sort, id);
    if (idx == UINT32_MAX) {
      comp_def_clear(d);
      return UINT32_MAX;
    }
  }
  if (!d->id && id) d->id = comp_text_id_copy(id);
  c->defs[c->ndefs++] = *d;
  memset(d, 0, sizeof *d);
  return idx;
}

uint32_t comp_text_emit_decl(comp_text_parser *p, comp_decl *d,
                             const sx_node *id) {
  comp_text_scope *s = p->cur;
  comp_type *t = s->type;
  if (comp_text_failed(p) || !t) {
    if (!comp_text_failed(p))
      sx_error(p->err, id, "internal: not a type scope");
    comp_decl_clear(d);
    return UINT32_MAX;
  }
  CANON_GROW_UNCOUNTED(t->decls, t->ndecls, 4);
  uint32_t idx = comp_text_bind(p, comp_decl_sort(d), id);
  if (idx == UINT32_MAX) {
    comp_decl_clear(d);
    return UINT32_MAX;
  }
  if (!d->id && id) d->id = comp_text_id_copy(id);
  t->decls[t->ndecls++] = *d;
  memset(d, 0, sizeof *d);
  return idx;
}

uint32_t comp_text_emit_core_decl(comp_text_parser *p, comp_core_decl *d,
                                  comp_sort sort, const sx_node *id) {
  comp_core_type *t = p->cur->mtype;
  CANON_GROW_UNCOUNTED(t->decls, t->ndecls, 4);
  uint32_t idx = sort == COMP_NSORTS ? 0 : comp_text_bind(p, sort, id);
  if (idx == UINT32_MAX) {
    comp_core_decl_clear(d);
    return UINT32_MAX;
  }
  t->decls[t->ndecls++] = *d;
  memset(d, 0, sizeof *d);
  return idx;
}

uint32_t comp_text_emit_type(comp_text_parser *p, comp_type *t,
                             const sx_node *id, const sx_node *at) {
  if (p->cur->kind == CP_COMPONENT) {
    comp_def d = comp_text_def(COMP_DEF_TYPE, at);
    d.u.type = t;
    return comp_text_emit_def(p, &d, id);
  }
  if (p->cur->kind == CP_MODULE_TYPE) {
    comp_type_free(t);
    sx_error(p->err, at, "unexpected token: component type in a module type");
    return UINT32_MAX;
  }
  comp_decl d = {0};
  d.kind = COMP_DECL_TYPE;
  d.pos = comp_text_pos(at);
  d.type = t;
  return comp_text_emit_decl(p, &d, id);
}

uint32_t comp_text_emit_core_type(comp_text_parser *p, comp_core_type *t,
                                  const sx_node *id, const sx_node *at) {
  switch (p->cur->kind) {
  case CP_COMPONENT: {
    comp_def d = comp_text_def(COMP_DEF_CORE_TYPE, at);
    d.u.core_type = t;
    return comp_text_emit_def(p, &d, id);
  }
  case CP_COMPONENT_TYPE:
  case CP_INSTANCE_TYPE: {
    comp_decl d = {0};
    d.kind = COMP_DECL_CORE_TYPE;
    d.pos = comp_text_pos(at);
    d.core_type = t;
    return comp_text_emit_decl(p, &d, id);
  }
  case CP_MODULE_TYPE: {
    comp_core_decl d = {0};
    d.kind = COMP_CORE_DECL_TYPE;
    d.pos = comp_text_pos(at);
    d.type = t;
    return comp_text_emit_core_decl(p, &d, COMP_SORT_CORE_TYPE, id);
  }
  }
  comp_core_type_free(t);
  return UINT32_MAX;
}

uint32_t comp_text_emit_alias(comp_text_parser *p, comp_alias *a,
                              const sx_node *id, const sx_node *at) {
  switch (p->cur->kind) {
  case CP_COMPONENT: {
    comp_def d = comp_text_def(COMP_DEF_ALIAS, at);
    d.u.alias = *a;
    memset(a, 0, sizeof *a);
    return comp_text_emit_def(p, &d, id);
  }
  case CP_COMPONENT_TYPE:
  case CP_INSTANCE_TYPE: {
    comp_decl d = {0};
    d.kind = COMP_DECL_ALIAS;
    d.pos = comp_text_pos(at);
    d.alias = *a;
    memset(a, 0, sizeof *a);
    return comp_text_emit_decl(p, &d, id);
  }
  case CP_MODULE_TYPE: {
    /* core:alias ::= (alias outer ct idx (type)) only */
    if (a->kind != COMP_ALIAS_OUTER || a->sort != COMP_SORT_CORE_TYPE) {
      free(a->name.s);
      memset(a, 0, sizeof *a);
      sx_error(p->err, at, "unexpected token: only outer type aliases are "
                           "allowed in module types");
      return UINT32_MAX;
    }
    comp_core_decl d = {0};
    d.kind = COMP_CORE_DECL_ALIAS;
    d.pos = comp_text_pos(at);
    d.outer_count = a->outer_count;
    d.outer_idx = a->outer_idx;
    memset(a, 0, sizeof *a);
    return comp_text_emit_core_decl(p, &d, COMP_SORT_CORE_TYPE, id);
  }
  }
  return UINT32_MAX;
}
