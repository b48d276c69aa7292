/* encode.c -- comp_component -> component binary (see encode.h), written
 * production by production in Binary.md's order.  Each section (and each
 * nested core module or component) is built in a scratch buffer first,
 * since its size precedes it. */
#include "encode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/encode.h"
#include "../util/leb.h"

typedef struct ectx {
  cm_error *err;
  bool bad;
} ectx;

/* The bytes (canon/buf.h: out of memory ends the run) and the context
 * that records the first error. */
typedef struct wbuf {
  canon_buf b;
  ectx *cx;
} wbuf;

static void efail(ectx *cx, cm_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void efail(ectx *cx, cm_errkind kind, const char *fmt, ...) {
  if (cx->bad) return;
  va_list ap;
  va_start(ap, fmt);
  cm_error_vset(cx->err, kind, fmt, ap);
  va_end(ap);
  cx->bad = true;
}

/* A part an AST lacks (what: "core type") cannot be encoded: false, after
 * the error, when p is NULL. */
static bool present(wbuf *w, const void *p, const char *what) {
  if (!p) efail(w->cx, CM_INVALID, "cannot encode: missing %s", what);
  return p != NULL;
}

static void put(wbuf *w, const void *src, size_t n) {
  canon_buf_add(&w->b, src, n);
}

static void put_byte(wbuf *w, uint8_t b) { canon_buf_byte(&w->b, b); }
static void put_u(wbuf *w, uint64_t v) { leb_put_u(&w->b, v); }
static void put_s(wbuf *w, int64_t v) { leb_put_s(&w->b, v); }

static void put_name(wbuf *w, const core_name *n) {
  put_u(w, n->len);
  if (n->len) put(w, n->s, n->len);
}

/* Appends content to w as a sized entry and frees it. */
static void put_sized(wbuf *w, wbuf *content) {
  put_u(w, content->b.n);
  put(w, content->b.p, content->b.n);
  free(content->b.p);
  content->b = (canon_buf){0};
}

static void bad_value(wbuf *w, const char *what, unsigned v) {
  efail(w->cx, CM_INVALID, "cannot encode: %s %u has no binary form", what,
        v);
}

/* ---- sorts, value types, names -------------------------------------------- */

static void put_sort(wbuf *w, comp_sort s) {
  if ((unsigned)s >= COMP_NSORTS) {
    bad_value(w, "sort", (unsigned)s);
    return;
  }
  if (comp_sort_is_core(s)) put_byte(w, 0x00);
  put_byte(w, comp_sort_code(s));
}

static void put_sortidx(wbuf *w, const comp_sortidx *si) {
  put_sort(w, si->sort);
  put_u(w, si->idx);
}

static void put_prim(wbuf *w, canon_kind k) {
  if (k <= CANON_STRING) put_byte(w, (uint8_t)(0x7f - (k - CANON_BOOL)));
  else if (k == CANON_ERROR_CONTEXT) put_byte(w, 0x64);
  else bad_value(w, "primitive value type", (unsigned)k);
}

static void put_valtype(wbuf *w, const comp_valtype *t) {
  if (t->is_index) put_s(w, (int64_t)t->idx); /* a non-negative s33 */
  else put_prim(w, t->prim);
}

static void put_opt_valtype(wbuf *w, bool has, const comp_valtype *t) {
  put_byte(w, has ? 1 : 0);
  if (has) put_valtype(w, t);
}

/* A decoded name whose attribute was given twice (duplicate_attribute) is
 * written with that attribute repeated, so it stays invalid. */
static void put_externname(wbuf *w, const comp_externname *n) {
  const char *dup = n->duplicate_attribute;
  bool dup_impl = dup && n->has_implements && !strcmp(dup, "implements");
  bool dup_vs = dup && n->has_versionsuffix && !strcmp(dup, "versionsuffix");
  bool dup_eid = dup && n->has_external_id && !strcmp(dup, "external-id");
  unsigned na = n->has_implements + n->has_versionsuffix + n->has_external_id +
                dup_impl + dup_vs + dup_eid;
  put_byte(w, na ? 0x02 : 0x00);
  put_name(w, &n->name);
  if (!na) return;
  put_u(w, na);
  for (unsigned k = 0; k < 1u + dup_impl && n->has_implements; k++) {
    put_byte(w, 0x00);
    put_name(w, &n->implements);
  }
  for (unsigned k = 0; k < 1u + dup_vs && n->has_versionsuffix; k++) {
    put_byte(w, 0x01);
    put_name(w, &n->versionsuffix);
  }
  for (unsigned k = 0; k < 1u + dup_eid && n->has_external_id; k++) {
    put_byte(w, 0x02);
    put_name(w, &n->external_id);
  }
}

/* A value or type bound: 0x00 then the index (eq), or 0x01 (a value's
 * type follows, or sub resource). */
static void put_bound(wbuf *w, bool other, uint32_t idx) {
  put_byte(w, other ? 0x01 : 0x00);
  if (!other) put_u(w, idx);
}

static void put_externtype(wbuf *w, const comp_externtype *e) {
  switch (e->sort) {
  case COMP_SORT_CORE_MODULE:
    put_byte(w, 0x00);
    put_byte(w, 0x11);
    put_u(w, e->idx);
    return;
  case COMP_SORT_FUNC:
  case COMP_SORT_COMPONENT:
  case COMP_SORT_INSTANCE:
    put_byte(w, comp_sort_code(e->sort));
    put_u(w, e->idx);
    return;
  case COMP_SORT_VALUE:
    put_byte(w, 0x02);
    put_bound(w, e->value_is_type, e->idx);
    if (e->value_is_type) put_valtype(w, &e->value_type);
    return;
  case COMP_SORT_TYPE:
    put_byte(w, 0x03);
    put_bound(w, e->sub_resource, e->idx);
    return;
  default:
    efail(w->cx, CM_INVALID, "cannot encode: %s has no externtype",
          comp_sort_name(e->sort));
  }
}

static void put_alias(wbuf *w, const comp_alias *a) {
  put_sort(w, a->sort);
  switch (a->kind) {
  case COMP_ALIAS_EXPORT:
  case COMP_ALIAS_CORE_EXPORT:
    put_byte(w, a->kind == COMP_ALIAS_EXPORT ? 0x00 : 0x01);
    put_u(w, a->instance);
    put_name(w, &a->name);
    return;
  case COMP_ALIAS_OUTER:
    put_byte(w, 0x02);
    put_u(w, a->outer_count);
    put_u(w, a->outer_idx);
    return;
  }
  bad_value(w, "alias kind", (unsigned)a->kind);
}

/* ---- core types -------------------------------------------------------------- */

static void put_core_externtype(wbuf *w, const core_import *im) {
  if (!core_encode_importdesc(&w->b, im))
    bad_value(w, "core extern kind", (unsigned)im->kind);
}

static void put_core_type(wbuf *w, const comp_core_type *t);

static void put_core_decl(wbuf *w, const comp_core_decl *d) {
  switch (d->kind) {
  case COMP_CORE_DECL_IMPORT:
    put_byte(w, 0x00);
    put_name(w, &d->import.module);
    put_name(w, &d->import.name);
    put_core_externtype(w, &d->import);
    return;
  case COMP_CORE_DECL_TYPE:
    put_byte(w, 0x01);
    put_core_type(w, d->type);
    return;
  case COMP_CORE_DECL_ALIAS:
    put_byte(w, 0x02);
    put_byte(w, 0x10);
    put_byte(w, 0x01);
    put_u(w, d->outer_count);
    put_u(w, d->outer_idx);
    return;
  case COMP_CORE_DECL_EXPORT:
    put_byte(w, 0x03);
    put_name(w, &d->import.name);
    put_core_externtype(w, &d->import);
    return;
  }
  bad_value(w, "core module declarator", (unsigned)d->kind);
}

static void put_core_type(wbuf *w, const comp_core_type *t) {
  if (!present(w, t, "core type")) return;
  if (t->kind == COMP_CORE_TYPE_MODULE) {
    put_byte(w, 0x50);
    put_u(w, t->ndecls);
    for (uint32_t i = 0; i < t->ndecls; i++) put_core_decl(w, &t->decls[i]);
    return;
  }
  if (t->nonfinal) {
    put_byte(w, 0x00);
    put_byte(w, 0x50);
    put_byte(w, 0x00); /* no supertypes */
  }
  put_byte(w, 0x60);
  put_u(w, t->func.nparams);
  for (uint32_t i = 0; i < t->func.nparams; i++)
    put_byte(w, (uint8_t)t->func.params[i]);
  put_u(w, t->func.nresults);
  for (uint32_t i = 0; i < t->func.nresults; i++)
    put_byte(w, (uint8_t)t->func.results[i]);
}

/* ---- component types ------------------------------------------------------------ */

static void put_fields(wbuf *w, const comp_field *f, uint32_t n, bool label,
                       bool type, bool is_case) {
  put_u(w, n);
  for (uint32_t i = 0; i < n; i++) {
    if (label) put_name(w, &f[i].label);
    if (is_case) {
      put_opt_valtype(w, f[i].has_type, &f[i].type);
      put_byte(w, 0x00);
    } else if (type) {
      put_valtype(w, &f[i].type);
    }
  }
}

/* resultlist: 0x00 t (a result), or 0x01 0x00 (none). */
static void put_resultlist(wbuf *w, bool has, const comp_valtype *t) {
  if (has) {
    put_byte(w, 0x00);
    put_valtype(w, t);
  } else {
    put_byte(w, 0x01);
    put_byte(w, 0x00);
  }
}

static void put_defvaltype(wbuf *w, const comp_defvaltype *v) {
  switch (v->kind) {
  case CANON_RECORD:
    put_byte(w, 0x72);
    put_fields(w, v->fields, v->nfields, true, true, false);
    return;
  case CANON_VARIANT:
    put_byte(w, 0x71);
    put_fields(w, v->fields, v->nfields, true, false, true);
    return;
  case CANON_LIST:
    put_byte(w, v->fixed ? 0x67 : 0x70);
    put_valtype(w, &v->a);
    if (v->fixed) put_u(w, v->length);
    return;
  case CANON_TUPLE:
    put_byte(w, 0x6f);
    put_fields(w, v->fields, v->nfields, false, true, false);
    return;
  case CANON_FLAGS:
  case CANON_ENUM:
    put_byte(w, v->kind == CANON_FLAGS ? 0x6e : 0x6d);
    put_fields(w, v->fields, v->nfields, true, false, false);
    return;
  case CANON_OPTION:
    put_byte(w, 0x6b);
    put_valtype(w, &v->a);
    return;
  case CANON_RESULT:
    put_byte(w, 0x6a);
    put_opt_valtype(w, v->has_a, &v->a);
    put_opt_valtype(w, v->has_b, &v->b);
    return;
  case CANON_OWN:
  case CANON_BORROW:
    put_byte(w, v->kind == CANON_OWN ? 0x69 : 0x68);
    put_u(w, v->idx);
    return;
  case CANON_STREAM:
  case CANON_FUTURE:
    put_byte(w, v->kind == CANON_STREAM ? 0x66 : 0x65);
    put_opt_valtype(w, v->has_a, &v->a);
    return;
  case CANON_MAP:
    put_byte(w, 0x63);
    put_valtype(w, &v->a);
    put_valtype(w, &v->b);
    return;
  default:
    put_prim(w, v->kind);
    return;
  }
}

static void put_type(wbuf *w, const comp_type *t);

static void put_decl(wbuf *w, const comp_decl *d) {
  switch (d->kind) {
  case COMP_DECL_CORE_TYPE:
    put_byte(w, 0x00);
    put_core_type(w, d->core_type);
    return;
  case COMP_DECL_TYPE:
    put_byte(w, 0x01);
    put_type(w, d->type);
    return;
  case COMP_DECL_ALIAS:
    put_byte(w, 0x02);
    put_alias(w, &d->alias);
    return;
  case COMP_DECL_IMPORT:
  case COMP_DECL_EXPORT:
    put_byte(w, d->kind == COMP_DECL_IMPORT ? 0x03 : 0x04);
    put_externname(w, &d->name);
    put_externtype(w, &d->ext);
    return;
  }
  bad_value(w, "declarator kind", (unsigned)d->kind);
}

static void put_type(wbuf *w, const comp_type *t) {
  if (!present(w, t, "type")) return;
  switch (t->kind) {
  case COMP_TYPE_VAL: put_defvaltype(w, &t->val); return;
  case COMP_TYPE_FUNC:
    put_byte(w, t->func.async ? 0x43 : 0x40);
    put_fields(w, t->func.params, t->func.nparams, true, true, false);
    put_resultlist(w, t->func.has_result, &t->func.result);
    return;
  case COMP_TYPE_COMPONENT:
  case COMP_TYPE_INSTANCE:
    put_byte(w, t->kind == COMP_TYPE_COMPONENT ? 0x41 : 0x42);
    put_u(w, t->ndecls);
    for (uint32_t i = 0; i < t->ndecls; i++) put_decl(w, &t->decls[i]);
    return;
  case COMP_TYPE_RESOURCE:
    put_byte(w, 0x3f);
    put_byte(w, (uint8_t)t->resource.rep);
    put_byte(w, t->resource.has_dtor ? 1 : 0);
    if (t->resource.has_dtor) put_u(w, t->resource.dtor);
    return;
  }
  bad_value(w, "type kind", (unsigned)t->kind);
}

/* ---- canonical definitions ------------------------------------------------------- */

static void put_canonopts(wbuf *w, const comp_canon *c) {
  put_u(w, c->nopts);
  for (uint32_t i = 0; i < c->nopts; i++) {
    const comp_canonopt *o = &c->opts[i];
    if ((unsigned)o->kind > COMP_OPT_CALLBACK) {
      bad_value(w, "canonical option", (unsigned)o->kind);
      return;
    }
    put_byte(w, (uint8_t)o->kind); /* the enum follows the opcodes */
    if (o->kind == COMP_OPT_MEMORY || o->kind == COMP_OPT_REALLOC ||
        o->kind == COMP_OPT_POST_RETURN || o->kind == COMP_OPT_CALLBACK)
      put_u(w, o->idx);
  }
}

static void put_canon(wbuf *w, const comp_canon *c) {
  if ((unsigned)c->kind >= COMP_CANON_COUNT) {
    bad_value(w, "canonical built-in", (unsigned)c->kind);
    return;
  }
  put_byte(w, comp_canon_opcode(c->kind));
  if (c->kind == COMP_CANON_LIFT || c->kind == COMP_CANON_LOWER) {
    put_byte(w, 0x00);
    put_u(w, c->func);
    put_canonopts(w, c);
    if (c->kind == COMP_CANON_LIFT) put_u(w, c->type);
    return;
  }
  unsigned imm = comp_canon_immediates(c->kind);
  if (imm & COMP_CANON_IMM_SHARED) put_byte(w, c->shared ? 1 : 0);
  if (imm & COMP_CANON_IMM_TYPEIDX) put_u(w, c->type);
  if (imm & COMP_CANON_IMM_CORE_TYPE) put_u(w, c->core_type);
  if (imm & COMP_CANON_IMM_TABLE) put_u(w, c->table);
  if (imm & COMP_CANON_IMM_CONTEXT) {
    put_byte(w, (uint8_t)c->ctx_type);
    put_u(w, c->ctx_index);
  }
  if (imm & COMP_CANON_IMM_RESULT) put_resultlist(w, c->has_result, &c->result);
  if (imm & COMP_CANON_IMM_OPTS) put_canonopts(w, c);
  if (imm & COMP_CANON_IMM_ASYNC) put_byte(w, c->async ? 1 : 0);
  if (imm & COMP_CANON_IMM_CANCELLABLE) put_byte(w, c->cancellable ? 1 : 0);
  if (imm & COMP_CANON_IMM_MEMORY) put_u(w, c->memory);
}

/* ---- definitions and sections ----------------------------------------------------- */

static void put_component(wbuf *w, const comp_component *c, unsigned depth);

static uint8_t section_id(comp_defkind k) {
  switch (k) {
  case COMP_DEF_CORE_MODULE: return 1;
  case COMP_DEF_CORE_INSTANCE: return 2;
  case COMP_DEF_CORE_TYPE: return 3;
  case COMP_DEF_COMPONENT: return 4;
  case COMP_DEF_INSTANCE: return 5;
  case COMP_DEF_ALIAS: return 6;
  case COMP_DEF_TYPE: return 7;
  case COMP_DEF_CANON: return 8;
  case COMP_DEF_START: return 9;
  case COMP_DEF_IMPORT: return 10;
  case COMP_DEF_EXPORT: return 11;
  case COMP_DEF_VALUE: return 12;
  }
  return 0;
}

/* One item of a vec section. */
static void put_item(wbuf *w, const comp_def *d) {
  switch (d->kind) {
  case COMP_DEF_CORE_INSTANCE: {
    const comp_core_instance *ci = &d->u.core_instance;
    if (ci->instantiate) {
      put_byte(w, 0x00);
      put_u(w, ci->module);
      put_u(w, ci->nargs);
      for (uint32_t i = 0; i < ci->nargs; i++) {
        put_name(w, &ci->args[i].name);
        put_byte(w, 0x12);
        put_u(w, ci->args[i].instance);
      }
    } else {
      put_byte(w, 0x01);
      put_u(w, ci->nexports);
      for (uint32_t i = 0; i < ci->nexports; i++) {
        put_name(w, &ci->exports[i].name);
        const comp_sortidx *si = &ci->exports[i].item;
        if (!comp_sort_is_core(si->sort)) {
          efail(w->cx, CM_INVALID, "cannot encode: %s in a core instance",
                comp_sort_name(si->sort));
          return;
        }
        put_byte(w, comp_sort_code(si->sort));
        put_u(w, si->idx);
      }
    }
    return;
  }
  case COMP_DEF_CORE_TYPE: put_core_type(w, d->u.core_type); return;
  case COMP_DEF_INSTANCE: {
    const comp_instance *in = &d->u.instance;
    if (in->instantiate) {
      put_byte(w, 0x00);
      put_u(w, in->component);
      put_u(w, in->nargs);
      for (uint32_t i = 0; i < in->nargs; i++) {
        put_name(w, &in->args[i].name);
        put_sortidx(w, &in->args[i].item);
      }
    } else {
      put_byte(w, 0x01);
      put_u(w, in->nexports);
      for (uint32_t i = 0; i < in->nexports; i++) {
        put_externname(w, &in->exports[i].name);
        put_sortidx(w, &in->exports[i].item);
      }
    }
    return;
  }
  case COMP_DEF_ALIAS: put_alias(w, &d->u.alias); return;
  case COMP_DEF_TYPE: put_type(w, d->u.type); return;
  case COMP_DEF_CANON: put_canon(w, &d->u.canon); return;
  case COMP_DEF_IMPORT:
    put_externname(w, &d->u.import.name);
    put_externtype(w, &d->u.import.type);
    return;
  case COMP_DEF_EXPORT:
    put_externname(w, &d->u.export_.name);
    put_sortidx(w, &d->u.export_.item);
    put_byte(w, d->u.export_.has_type ? 1 : 0);
    if (d->u.export_.has_type) put_externtype(w, &d->u.export_.type);
    return;
  case COMP_DEF_VALUE:
    put_valtype(w, &d->u.value.type);
    put_u(w, d->u.value.len);
    put(w, d->u.value.bytes, d->u.value.len);
    return;
  default: return; /* single-item sections: see put_component */
  }
}

static void put_core_module(wbuf *w, const core_module *m) {
  if (!present(w, m, "core module")) return;
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (!core_encode(m, &bytes, &len, w->cx->err)) {
    w->cx->bad = true;
    return;
  }
  put(w, bytes, len);
  free(bytes);
}

static void put_component(wbuf *w, const comp_component *c, unsigned depth) {
  static const uint8_t preamble[8] = {0x00, 0x61, 0x73, 0x6D,
                                      0x0d, 0x00, 0x01, 0x00};
  if (depth > 10000) {
    efail(w->cx, CM_INVALID, "cannot encode: nesting too deep");
    return;
  }
  put(w, preamble, sizeof preamble);
  uint32_t i = 0;
  while (i < c->ndefs && !w->cx->bad) {
    const comp_def *d = &c->defs[i];
    uint8_t id = section_id(d->kind);
    if (!id) {
      bad_value(w, "definition kind", (unsigned)d->kind);
      return;
    }
    wbuf s = {{NULL, 0, 0}, w->cx};
    if (d->kind == COMP_DEF_CORE_MODULE) {
      put_core_module(&s, d->u.core_module);
      i++;
    } else if (d->kind == COMP_DEF_COMPONENT) {
      if (present(w, d->u.component, "component"))
        put_component(&s, d->u.component, depth + 1);
      i++;
    } else if (d->kind == COMP_DEF_START) {
      const comp_start *st = &d->u.start;
      put_u(&s, st->func);
      put_u(&s, st->nargs);
      for (uint32_t k = 0; k < st->nargs; k++) put_u(&s, st->args[k]);
      put_u(&s, st->nresults);
      i++;
    } else {
      uint32_t j = i;
      while (j < c->ndefs && c->defs[j].kind == d->kind) j++;
      put_u(&s, j - i);
      for (; i < j; i++) put_item(&s, &c->defs[i]);
    }
    put_byte(w, id);
    put_sized(w, &s);
    free(s.b.p);
  }
}

bool comp_encode(const comp_component *c, uint8_t **out, size_t *len,
                 cm_error *err) {
  ectx cx = {err, false};
  wbuf w = {{NULL, 0, 0}, &cx};
  put_component(&w, c, 0);
  if (cx.bad) {
    free(w.b.p);
    return false;
  }
  *out = (uint8_t *)w.b.p;
  *len = w.b.n;
  return true;
}
