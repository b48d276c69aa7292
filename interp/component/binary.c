/* binary.c -- the component binary format decoder (Binary.md, pinned at
 * component-model 6d28164): bytes -> the comp_component of component.h,
 * the same structure the text parser builds.
 *
 * Decoding is purely syntactic, as Binary.md draws the line: index bounds,
 * empty records, duplicate options or attributes and the like are left to
 * the validator.  Nested core modules go to core_decode; nested components
 * and component/instance/module types recurse (depth-limited, so hostile
 * input cannot overflow the C stack).
 *
 * Errors are CM_MALFORMED with the byte offset (from the start of the
 * outermost component) and are worded like the reference tests'
 * assert_malformed expectations, which come from wasm-tools: "unexpected
 * end-of-file", "invalid leading byte (0x2) for instance", ...  Reads are
 * bounded by the end of the current section, so a section whose contents
 * run past its declared size says "unexpected end-of-file".  Every count is
 * checked against the bytes left before anything is allocated (each item
 * takes at least one byte), so a few bytes cannot ask for gigabytes.
 *
 * Like core/binary.c, the first error is recorded and a sticky flag makes
 * every later read return zero; the code reads straight down and checks
 * the flag at loop heads.  A definition is appended to its component as
 * soon as it starts, with arrays calloc'ed at their full count, so that
 * comp_component_free cleans up whatever a failure leaves half-read.
 */
#include "binary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/binary.h"
#include "../util/reader.h"
#include "../../canon/grow.h"

/* Nesting of components, component/instance types and module types; the
 * text parser's limit, so whatever it accepts also decodes. */
#define MAX_DEPTH 500

typedef struct rd {
  cm_reader in; /* in.end: the end of the current section */
  unsigned depth;
} rd;

/* ---- errors ------------------------------------------------------------ */

#define fail_kind(r, at, ...) cm_rd_fail(&(r)->in, at, __VA_ARGS__)
#define fail(r, at, ...) fail_kind(r, at, CM_MALFORMED, __VA_ARGS__)

static void bad_byte(rd *r, size_t at, unsigned b, const char *what) {
  fail(r, at, "invalid leading byte (0x%x) for %s", b, what);
}

static void oom(rd *r) { fail_kind(r, r->in.pos, CM_IO, "out of memory"); }

/* ---- bytes, integers, names (util/reader.h) ---------------------------- */

/* core:name; with out == NULL it is only checked (custom sections). */
static void name(rd *r, core_name *out) {
  uint32_t n;
  char *s = cm_rd_name(&r->in, &n, out != NULL);
  if (s) *out = (core_name){s, n};
}

static comp_pos at_pos(size_t off) {
  comp_pos p = {NULL, 0, 0, (int64_t)off};
  return p;
}

/* The 0x00/0x01 of async?, cancel? and sh?. */
static bool flag(rd *r) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (!r->in.bad && b > 1) fail(r, at, "invalid boolean value");
  return b == 1;
}

/* A leading byte that must be 0x00 or 0x01: it, or -1 on error. */
static int byte01(rd *r, const char *what) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return -1;
  if (b > 1) {
    bad_byte(r, at, b, what);
    return -1;
  }
  return b;
}

/* The 0x00/0x01 of <T>? */
static bool optional(rd *r, const char *what) { return byte01(r, what) == 1; }

static bool enter(rd *r) {
  if (++r->depth > MAX_DEPTH) {
    fail(r, r->in.pos, "nesting too deep");
    return false;
  }
  return true;
}

/* ---- sorts ------------------------------------------------------------- */

/* The sort whose Binary.md byte is b, among the core sorts (a core:sort
 * byte) or the others: the inverse of comp_sort_code. */
static bool sort_of(bool core, uint8_t b, comp_sort *out) {
  for (comp_sort s = 0; s < COMP_NSORTS; s++) {
    if (comp_sort_is_core(s) == core && comp_sort_code(s) == b) {
      *out = s;
      return true;
    }
  }
  return false;
}

/* core:sort */
static comp_sort core_sort(rd *r) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  comp_sort s = COMP_SORT_CORE_FUNC;
  if (!r->in.bad && !sort_of(true, b, &s)) bad_byte(r, at, b, "core external kind");
  return s;
}

/* sort: 0x00 core:sort | 0x01..0x05 */
static comp_sort sort(rd *r) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return COMP_SORT_FUNC;
  if (b == 0x00) return core_sort(r);
  comp_sort s = COMP_SORT_FUNC;
  if (!sort_of(false, b, &s)) bad_byte(r, at, b, "component external kind");
  return s;
}

static void sortidx(rd *r, comp_sortidx *out) {
  out->pos = at_pos(r->in.pos);
  out->sort = sort(r);
  out->idx = cm_rd_u32(&r->in);
}

/* ---- value types ------------------------------------------------------- */

static bool prim_of(int b, canon_kind *out) {
  if (b >= 0x73 && b <= 0x7f) {
    *out = (canon_kind)(CANON_BOOL + (0x7f - b));
    return true;
  }
  if (b == 0x64) {
    *out = CANON_ERROR_CONTEXT;
    return true;
  }
  return false;
}

/* valtype ::= typeidx | primvaltype, in the negative-SLEB128 scheme:
 * a primitive is one byte, a type index a non-negative s33. */
static void valtype(rd *r, comp_valtype *out) {
  memset(out, 0, sizeof *out);
  if (prim_of(cm_rd_peek(&r->in), &out->prim)) {
    r->in.pos++;
    return;
  }
  size_t at = r->in.pos;
  int64_t v = (int64_t)cm_rd_leb(&r->in, 33, true);
  if (r->in.bad) return;
  if (v < 0) {
    bad_byte(r, at, r->in.b[at], "component value type");
    return;
  }
  out->is_index = true;
  out->idx = (uint32_t)v;
}

/* core:valtype (resource rep, context.get/set, core types) */
static core_valtype core_valtype_rd(rd *r) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return 0;
  switch (b) {
  case CORE_I32: case CORE_I64: case CORE_F32: case CORE_F64:
  case CORE_FUNCREF: case CORE_EXTERNREF: case CORE_EXNREF:
    return (core_valtype)b;
  case CORE_V128:
    fail_kind(r, at, CM_UNSUPPORTED, "unsupported feature: simd");
    return 0;
  }
  if (b & 0x80) fail(r, r->in.pos, "integer representation too long");
  else fail(r, at, "malformed value type");
  return 0;
}

/* vec(<labelvaltype>) (record fields, parameters), vec(<valtype>) (tuple),
 * vec(<labellit>) (flags, enum) and vec(<case>) (variant). */
enum { F_LABEL = 1, F_TYPE = 2, F_CASE = 4 };

static void fields(rd *r, unsigned shape, comp_field **out, uint32_t *nout) {
  comp_field *f = *out = cm_rd_vec(&r->in, nout, sizeof *f);
  for (uint32_t i = 0; i < *nout && !r->in.bad; i++) {
    f[i].pos = at_pos(r->in.pos);
    if (shape & F_LABEL) name(r, &f[i].label);
    if (shape & F_CASE) {
      f[i].has_type = optional(r, "optional case type");
      if (f[i].has_type) valtype(r, &f[i].type);
      size_t at = r->in.pos;
      uint8_t z = cm_rd_byte(&r->in);
      if (!r->in.bad && z != 0) bad_byte(r, at, z, "zero byte required");
    } else if (shape & F_TYPE) {
      f[i].has_type = true;
      valtype(r, &f[i].type);
    }
  }
}

/* resultlist ::= 0x00 valtype | 0x01 0x00 */
static void resultlist(rd *r, bool *has, comp_valtype *t) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  if (b == 0x00) {
    *has = true;
    valtype(r, t);
  } else if (b == 0x01) {
    at = r->in.pos;
    uint8_t z = cm_rd_byte(&r->in);
    if (!r->in.bad && z != 0) bad_byte(r, at, z, "number of results");
  } else {
    bad_byte(r, at, b, "component function results");
  }
}

static void defvaltype(rd *r, uint8_t b, comp_defvaltype *v) {
  switch (b) {
  case 0x72: v->kind = CANON_RECORD; fields(r, F_LABEL | F_TYPE, &v->fields, &v->nfields); break;
  case 0x71: v->kind = CANON_VARIANT; fields(r, F_LABEL | F_CASE, &v->fields, &v->nfields); break;
  case 0x70: v->kind = CANON_LIST; v->has_a = true; valtype(r, &v->a); break;
  case 0x67:
    v->kind = CANON_LIST;
    v->has_a = v->fixed = true;
    valtype(r, &v->a);
    v->length = cm_rd_u32(&r->in);
    break;
  case 0x6f: v->kind = CANON_TUPLE; fields(r, F_TYPE, &v->fields, &v->nfields); break;
  case 0x6e: v->kind = CANON_FLAGS; fields(r, F_LABEL, &v->fields, &v->nfields); break;
  case 0x6d: v->kind = CANON_ENUM; fields(r, F_LABEL, &v->fields, &v->nfields); break;
  case 0x6b: v->kind = CANON_OPTION; v->has_a = true; valtype(r, &v->a); break;
  case 0x6a:
    v->kind = CANON_RESULT;
    if ((v->has_a = optional(r, "optional result type"))) valtype(r, &v->a);
    if ((v->has_b = optional(r, "optional error type"))) valtype(r, &v->b);
    break;
  case 0x69: v->kind = CANON_OWN; v->idx = cm_rd_u32(&r->in); break;
  case 0x68: v->kind = CANON_BORROW; v->idx = cm_rd_u32(&r->in); break;
  case 0x66:
  case 0x65:
    v->kind = b == 0x66 ? CANON_STREAM : CANON_FUTURE;
    if ((v->has_a = optional(r, "optional element type"))) valtype(r, &v->a);
    break;
  case 0x63:
    v->kind = CANON_MAP;
    v->has_a = v->has_b = true;
    valtype(r, &v->a);
    valtype(r, &v->b);
    break;
  }
}

/* ---- names and extern types -------------------------------------------- */

static void name_attr(rd *r, comp_externname *n, bool *has, core_name *slot,
                      const char *kind) {
  if (!*has) {
    *has = true;
    name(r, slot);
    return;
  }
  core_name extra = {0};
  name(r, &extra);
  free(extra.s);
  if (!n->duplicate_attribute) n->duplicate_attribute = kind;
}

/* nameattributes */
static void externname(rd *r, comp_externname *n) {
  n->pos = at_pos(r->in.pos);
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  if (b > 2) {
    bad_byte(r, at, b, "component name");
    return;
  }
  name(r, &n->name);
  if (b != 2) return;
  uint32_t na = cm_rd_count(&r->in);
  for (uint32_t i = 0; i < na && !r->in.bad; i++) {
    at = r->in.pos;
    uint8_t k = cm_rd_byte(&r->in);
    if (r->in.bad) return;
    switch (k) {
    case 0x00: name_attr(r, n, &n->has_implements, &n->implements, "implements"); break;
    case 0x01: name_attr(r, n, &n->has_versionsuffix, &n->versionsuffix, "versionsuffix"); break;
    case 0x02: name_attr(r, n, &n->has_external_id, &n->external_id, "external-id"); break;
    default: bad_byte(r, at, k, "name option"); return;
    }
  }
}

/* A value or type bound: 0x00 then an index (eq), or 0x01 (a value's
 * type or sub resource); true for 0x01. */
static bool bound(rd *r, comp_externtype *e, const char *what) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return false;
  if (b == 0x00) e->idx = cm_rd_u32(&r->in);
  else if (b != 0x01) bad_byte(r, at, b, what);
  return b == 0x01;
}

static void externtype(rd *r, comp_externtype *e) {
  e->pos = at_pos(r->in.pos);
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  switch (b) {
  case 0x00:
    if (cm_rd_byte(&r->in) != 0x11) {
      if (!r->in.bad) bad_byte(r, at, b, "component external kind");
      return;
    }
    e->sort = COMP_SORT_CORE_MODULE;
    e->idx = cm_rd_u32(&r->in);
    return;
  case 0x01: e->sort = COMP_SORT_FUNC; e->idx = cm_rd_u32(&r->in); return;
  case 0x04: e->sort = COMP_SORT_COMPONENT; e->idx = cm_rd_u32(&r->in); return;
  case 0x05: e->sort = COMP_SORT_INSTANCE; e->idx = cm_rd_u32(&r->in); return;
  case 0x02:
    e->sort = COMP_SORT_VALUE;
    if (bound(r, e, "value bound")) {
      e->value_is_type = true;
      valtype(r, &e->value_type);
    }
    return;
  case 0x03:
    e->sort = COMP_SORT_TYPE;
    e->sub_resource = bound(r, e, "type bound");
    return;
  }
  bad_byte(r, at, b, "component external kind");
}

/* ---- aliases ------------------------------------------------------------- */

static void alias(rd *r, comp_alias *a) {
  size_t sat = r->in.pos;
  uint8_t s1 = cm_rd_byte(&r->in), s2 = 0;
  if (!r->in.bad && s1 == 0x00) s2 = cm_rd_byte(&r->in);
  size_t tat = r->in.pos;
  uint8_t target = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  uint8_t sb = s1 == 0x00 ? s2 : s1; /* the byte naming the sort */
  bool ok = s1 == 0x00 ? sort_of(true, s2, &a->sort) : sort_of(false, s1, &a->sort);
  switch (target) {
  case 0x00:
  case 0x01:
    if (!ok) {
      bad_byte(r, s1 == 0x00 ? sat + 1 : sat, sb,
               s1 == 0x00 ? "core external kind" : "component external kind");
      return;
    }
    a->kind = target == 0x00 ? COMP_ALIAS_EXPORT : COMP_ALIAS_CORE_EXPORT;
    a->instance = cm_rd_u32(&r->in);
    name(r, &a->name);
    return;
  case 0x02:
    if (!ok || !(a->sort == COMP_SORT_CORE_MODULE ||
                 a->sort == COMP_SORT_CORE_TYPE || a->sort == COMP_SORT_TYPE ||
                 a->sort == COMP_SORT_COMPONENT)) {
      bad_byte(r, s1 == 0x00 ? sat + 1 : sat, sb,
               "component outer alias kind");
      return;
    }
    a->kind = COMP_ALIAS_OUTER;
    a->outer_count = cm_rd_u32(&r->in);
    a->outer_idx = cm_rd_u32(&r->in);
    return;
  }
  bad_byte(r, tat, target, "alias");
}

/* ---- core types ------------------------------------------------------------- */

/* the shared bit (threads) is read here and refused by validation */
static void limits(rd *r, core_limits *l) { core_limits_rd(&r->in, l, true); }

/* core:externtype of a module type's import or export. */
static void core_externtype(rd *r, core_import *im) {
  size_t at = r->in.pos;
  uint8_t kind = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  switch (kind) {
  case 0x00: im->desc.func = cm_rd_u32(&r->in); break;
  case 0x01: {
    size_t rat = r->in.pos;
    core_valtype t = core_valtype_rd(r);
    if (!r->in.bad && !core_is_reftype(t)) {
      fail(r, rat, "malformed reference type");
      return;
    }
    im->desc.table.elem = t;
    limits(r, &im->desc.table.limits);
    break;
  }
  case 0x02: limits(r, &im->desc.memory.limits); break;
  case 0x03: {
    im->desc.global.type = core_valtype_rd(r);
    size_t mat = r->in.pos;
    uint8_t mut = cm_rd_byte(&r->in);
    if (!r->in.bad && mut > 1) fail(r, mat, "malformed mutability");
    im->desc.global.mut = mut == 1;
    break;
  }
  case 0x04: {
    size_t zat = r->in.pos;
    if (cm_rd_byte(&r->in) != 0 && !r->in.bad) fail(r, zat, "zero byte expected");
    im->desc.tag = cm_rd_u32(&r->in);
    break;
  }
  default: fail(r, at, "malformed import kind"); return;
  }
  im->kind = (core_externkind)kind;
}

static void core_resulttype(rd *r, uint32_t *n, core_valtype **ts) {
  *ts = cm_rd_vec(&r->in, n, sizeof **ts);
  for (uint32_t i = 0; i < *n && !r->in.bad; i++) (*ts)[i] = core_valtype_rd(r);
}

static void unsupported_gc(rd *r, size_t at) {
  fail_kind(r, at, CM_UNSUPPORTED, "unsupported feature: gc");
}

static comp_core_type *core_type(rd *r);

static void moduledecl(rd *r, comp_core_decl *d) {
  d->pos = at_pos(r->in.pos);
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  switch (b) {
  case 0x00:
    d->kind = COMP_CORE_DECL_IMPORT;
    name(r, &d->import.module);
    name(r, &d->import.name);
    core_externtype(r, &d->import);
    return;
  case 0x01:
    d->kind = COMP_CORE_DECL_TYPE;
    /* Binary.md: validation rejects a core:moduletype among a module
     * type's declarations.  0x50 here can only start one (a non-final sub
     * is 0x00 0x50), so it is refused right away, as an invalid (not a
     * malformed) component, in the reference validator's words. */
    if (cm_rd_peek(&r->in) == 0x50) {
      fail_kind(r, r->in.pos, CM_INVALID,
                "invalid leading byte (0x50) for core type in a module type: "
                "module types cannot be nested");
      return;
    }
    d->type = core_type(r);
    return;
  case 0x02: {
    d->kind = COMP_CORE_DECL_ALIAS;
    at = r->in.pos;
    uint8_t s = cm_rd_byte(&r->in);
    if (!r->in.bad && s != 0x10) {
      bad_byte(r, at, s, "outer alias kind");
      return;
    }
    at = r->in.pos;
    uint8_t t = cm_rd_byte(&r->in);
    if (!r->in.bad && t != 0x01) {
      bad_byte(r, at, t, "outer alias target");
      return;
    }
    d->outer_count = cm_rd_u32(&r->in);
    d->outer_idx = cm_rd_u32(&r->in);
    return;
  }
  case 0x03:
    d->kind = COMP_CORE_DECL_EXPORT;
    /* the module name of an export is empty, as the text parser has it */
    d->import.module.s = cm_rd_alloc(&r->in, 1, 1);
    name(r, &d->import.name);
    core_externtype(r, &d->import);
    return;
  }
  bad_byte(r, at, b, "type definition");
}

/* core:type ::= core:deftype.  Of Wasm 3.0's rectypes only a (possibly
 * `sub`-wrapped) function type without supertypes is supported. */
static comp_core_type *core_type(rd *r) {
  size_t at = r->in.pos;
  int b = cm_rd_peek(&r->in);
  if (b < 0) {
    cm_rd_eof(&r->in);
    return NULL;
  }
  if (b == 0x50) {
    r->in.pos++;
    if (!enter(r)) return NULL;
    comp_core_type *t = comp_core_type_new(COMP_CORE_TYPE_MODULE);
    if (!t) {
      oom(r);
      r->depth--;
      return NULL;
    }
    t->pos = at_pos(at);
    t->decls = cm_rd_vec(&r->in, &t->ndecls, sizeof *t->decls);
    for (uint32_t i = 0; i < t->ndecls && !r->in.bad; i++)
      moduledecl(r, &t->decls[i]);
    r->depth--;
    return t;
  }
  bool nonfinal = false;
  if (b == 0x00 || b == 0x4f) { /* 0x00 0x50 (non-final) or 0x4f (final) */
    r->in.pos++;
    if (b == 0x00) {
      size_t sat = r->in.pos;
      uint8_t s = cm_rd_byte(&r->in);
      if (r->in.bad) return NULL;
      if (s != 0x50) {
        bad_byte(r, sat, s, "core type");
        return NULL;
      }
      nonfinal = true;
    }
    size_t cat = r->in.pos;
    uint32_t nsup = cm_rd_count(&r->in);
    if (r->in.bad) return NULL;
    if (nsup != 0) {
      unsupported_gc(r, cat);
      return NULL;
    }
    at = r->in.pos;
    b = cm_rd_peek(&r->in);
    if (b < 0) {
      cm_rd_eof(&r->in);
      return NULL;
    }
  }
  if (b == 0x60) {
    r->in.pos++;
    comp_core_type *t = comp_core_type_new(COMP_CORE_TYPE_FUNC);
    if (!t) {
      oom(r);
      return NULL;
    }
    t->pos = at_pos(at);
    t->nonfinal = nonfinal;
    core_resulttype(r, &t->func.nparams, &t->func.params);
    core_resulttype(r, &t->func.nresults, &t->func.results);
    return t;
  }
  if (b == 0x4e || b == 0x4f || b == 0x50 || b == 0x5e || b == 0x5f) {
    unsupported_gc(r, at);
    return NULL;
  }
  bad_byte(r, at, (unsigned)b, "core type");
  return NULL;
}

/* ---- component types ---------------------------------------------------------- */

static comp_type *deftype(rd *r);

static void decl(rd *r, comp_decl *d, bool component) {
  d->pos = at_pos(r->in.pos);
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  switch (b) {
  case 0x00: d->kind = COMP_DECL_CORE_TYPE; d->core_type = core_type(r); return;
  case 0x01: d->kind = COMP_DECL_TYPE; d->type = deftype(r); return;
  case 0x02: d->kind = COMP_DECL_ALIAS; alias(r, &d->alias); return;
  case 0x03:
    if (!component) break;
    d->kind = COMP_DECL_IMPORT;
    externname(r, &d->name);
    externtype(r, &d->ext);
    return;
  case 0x04:
    d->kind = COMP_DECL_EXPORT;
    externname(r, &d->name);
    externtype(r, &d->ext);
    return;
  }
  bad_byte(r, at, b, "component or instance type declaration");
}

/* The kind of type a deftype's leading byte starts, or -1. */
static int deftype_kind(int b) {
  canon_kind k;
  if (prim_of(b, &k)) return COMP_TYPE_VAL;
  switch (b) {
  case 0x72: case 0x71: case 0x70: case 0x67: case 0x6f: case 0x6e:
  case 0x6d: case 0x6b: case 0x6a: case 0x69: case 0x68: case 0x66:
  case 0x65: case 0x63:
    return COMP_TYPE_VAL;
  case 0x40: case 0x43: return COMP_TYPE_FUNC;
  case 0x41: return COMP_TYPE_COMPONENT;
  case 0x42: return COMP_TYPE_INSTANCE;
  case 0x3f: return COMP_TYPE_RESOURCE;
  }
  return -1;
}

static comp_type *deftype(rd *r) {
  size_t at = r->in.pos;
  uint8_t b = cm_rd_byte(&r->in);
  if (r->in.bad) return NULL;
  int k = deftype_kind(b);
  if (k < 0) {
    bad_byte(r, at, b, "component defined type");
    return NULL;
  }
  comp_typekind kind = (comp_typekind)k;
  comp_type *t = comp_type_new(kind);
  if (!t) {
    oom(r);
    return NULL;
  }
  t->pos = at_pos(at);
  switch (kind) {
  case COMP_TYPE_VAL:
    if (!prim_of(b, &t->val.kind)) defvaltype(r, b, &t->val);
    break;
  case COMP_TYPE_FUNC:
    t->func.async = b == 0x43;
    fields(r, F_LABEL | F_TYPE, &t->func.params, &t->func.nparams);
    resultlist(r, &t->func.has_result, &t->func.result);
    break;
  case COMP_TYPE_COMPONENT:
  case COMP_TYPE_INSTANCE: {
    if (!enter(r)) break;
    t->decls = cm_rd_vec(&r->in, &t->ndecls, sizeof *t->decls);
    for (uint32_t i = 0; i < t->ndecls && !r->in.bad; i++)
      decl(r, &t->decls[i], kind == COMP_TYPE_COMPONENT);
    r->depth--;
    break;
  }
  case COMP_TYPE_RESOURCE:
    t->resource.rep = core_valtype_rd(r);
    if ((t->resource.has_dtor = optional(r, "optional destructor")))
      t->resource.dtor = cm_rd_u32(&r->in);
    break;
  }
  return t;
}

/* ---- canonical definitions ------------------------------------------------------ */

static void canonopts(rd *r, comp_canon *c) {
  c->opts = cm_rd_vec(&r->in, &c->nopts, sizeof *c->opts);
  for (uint32_t i = 0; i < c->nopts && !r->in.bad; i++) {
    comp_canonopt *o = &c->opts[i];
    o->pos = at_pos(r->in.pos);
    size_t at = r->in.pos;
    uint8_t b = cm_rd_byte(&r->in);
    if (r->in.bad) return;
    switch (b) {
    case 0x00: o->kind = COMP_OPT_UTF8; break;
    case 0x01: o->kind = COMP_OPT_UTF16; break;
    case 0x02: o->kind = COMP_OPT_LATIN1_UTF16; break;
    case 0x03: o->kind = COMP_OPT_MEMORY; o->idx = cm_rd_u32(&r->in); break;
    case 0x04: o->kind = COMP_OPT_REALLOC; o->idx = cm_rd_u32(&r->in); break;
    case 0x05: o->kind = COMP_OPT_POST_RETURN; o->idx = cm_rd_u32(&r->in); break;
    case 0x06: o->kind = COMP_OPT_ASYNC; break;
    case 0x07: o->kind = COMP_OPT_CALLBACK; o->idx = cm_rd_u32(&r->in); break;
    default: bad_byte(r, at, b, "canonical option"); return;
    }
  }
}

static void canon(rd *r, comp_canon *c) {
  size_t at = r->in.pos;
  uint8_t op = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  if (!comp_canon_of_opcode(op, &c->kind)) {
    bad_byte(r, at, op, "canonical function");
    return;
  }
  if (c->kind == COMP_CANON_LIFT || c->kind == COMP_CANON_LOWER) {
    size_t sat = r->in.pos;
    uint8_t s = cm_rd_byte(&r->in);
    if (!r->in.bad && s != 0x00) {
      bad_byte(r, sat, s, c->kind == COMP_CANON_LIFT
                              ? "canonical function lift"
                              : "canonical function lower");
      return;
    }
    c->func = cm_rd_u32(&r->in);
    canonopts(r, c);
    if (c->kind == COMP_CANON_LIFT) c->type = cm_rd_u32(&r->in);
    return;
  }
  /* The immediates in the order Binary.md writes them. */
  unsigned imm = comp_canon_immediates(c->kind);
  if (imm & COMP_CANON_IMM_SHARED) c->shared = flag(r);
  if (imm & COMP_CANON_IMM_TYPEIDX) c->type = cm_rd_u32(&r->in);
  if (imm & COMP_CANON_IMM_CORE_TYPE) c->core_type = cm_rd_u32(&r->in);
  if (imm & COMP_CANON_IMM_TABLE) c->table = cm_rd_u32(&r->in);
  if (imm & COMP_CANON_IMM_CONTEXT) {
    c->ctx_type = core_valtype_rd(r);
    c->ctx_index = cm_rd_u32(&r->in);
  }
  if (imm & COMP_CANON_IMM_RESULT) resultlist(r, &c->has_result, &c->result);
  if (imm & COMP_CANON_IMM_OPTS) canonopts(r, c);
  if (imm & COMP_CANON_IMM_ASYNC) c->async = flag(r);
  if (imm & COMP_CANON_IMM_CANCELLABLE) c->cancellable = flag(r);
  if (imm & COMP_CANON_IMM_MEMORY) c->memory = cm_rd_u32(&r->in);
}

/* ---- instances ----------------------------------------------------------------- */

static void core_instance(rd *r, comp_core_instance *ci) {
  int b = byte01(r, "core instance");
  if (b == 0x00) {
    ci->instantiate = true;
    ci->module = cm_rd_u32(&r->in);
    ci->args = cm_rd_vec(&r->in, &ci->nargs, sizeof *ci->args);
    for (uint32_t i = 0; i < ci->nargs && !r->in.bad; i++) {
      comp_core_arg *a = &ci->args[i];
      a->pos = at_pos(r->in.pos);
      name(r, &a->name);
      size_t kat = r->in.pos;
      uint8_t k = cm_rd_byte(&r->in);
      if (!r->in.bad && k != 0x12) {
        bad_byte(r, kat, k, "instantiation arg kind");
        return;
      }
      a->instance = cm_rd_u32(&r->in);
    }
  } else if (b == 0x01) {
    ci->exports = cm_rd_vec(&r->in, &ci->nexports, sizeof *ci->exports);
    for (uint32_t i = 0; i < ci->nexports && !r->in.bad; i++) {
      comp_core_export *e = &ci->exports[i];
      e->pos = at_pos(r->in.pos);
      name(r, &e->name);
      e->item.pos = at_pos(r->in.pos);
      e->item.sort = core_sort(r);
      e->item.idx = cm_rd_u32(&r->in);
    }
  }
}

static void instance(rd *r, comp_instance *in) {
  int b = byte01(r, "instance");
  if (b == 0x00) {
    in->instantiate = true;
    in->component = cm_rd_u32(&r->in);
    in->args = cm_rd_vec(&r->in, &in->nargs, sizeof *in->args);
    for (uint32_t i = 0; i < in->nargs && !r->in.bad; i++) {
      in->args[i].pos = at_pos(r->in.pos);
      name(r, &in->args[i].name);
      sortidx(r, &in->args[i].item);
    }
  } else if (b == 0x01) {
    in->exports = cm_rd_vec(&r->in, &in->nexports, sizeof *in->exports);
    for (uint32_t i = 0; i < in->nexports && !r->in.bad; i++) {
      externname(r, &in->exports[i].name);
      sortidx(r, &in->exports[i].item);
    }
  }
}

/* ---- sections --------------------------------------------------------------------- */

static comp_def *new_def(rd *r, comp_component *c, uint32_t *cap,
                         comp_defkind kind) {
  if (r->in.bad) return NULL;
  CANON_GROW(c->defs, c->ndefs, *cap, 16);
  comp_def *d = &c->defs[c->ndefs++];
  memset(d, 0, sizeof *d);
  d->kind = kind;
  d->pos = at_pos(r->in.pos);
  return d;
}

static bool decode_component(rd *r, comp_component *c);

/* "\0asm" version layer; layer 1 is a component, 0 a core module. */
static void preamble(rd *r, bool component) {
  size_t at = r->in.pos;
  const uint8_t *p = cm_rd_take(&r->in, 4);
  if (!p) return;
  if (memcmp(p, "\0asm", 4) != 0) {
    fail(r, at, "magic header not detected");
    return;
  }
  const uint8_t *v = cm_rd_take(&r->in, 4);
  if (!v) return;
  unsigned version = v[0] | (unsigned)v[1] << 8;
  unsigned layer = v[2] | (unsigned)v[3] << 8;
  if (layer == (component ? 0u : 1u))
    fail(r, at + 4, "expected a version header for a %s",
         component ? "component" : "module");
  else if (layer != (component ? 1u : 0u) ||
           version != (component ? 0x0du : 1u))
    fail(r, at + 4, "unknown binary version");
}

static void core_module_section(rd *r, comp_def *d) {
  size_t start = r->in.pos, len = r->in.end - r->in.pos;
  preamble(r, false); /* for the component-specific messages */
  if (r->in.bad) return;
  r->in.pos = start;
  d->pos = at_pos(start); /* the validator's offsets are relative to it */
  d->u.core_module = core_decode(r->in.b + start, len, r->in.err);
  if (!d->u.core_module) {
    if (r->in.err->kind == CM_OK)
      cm_error_at_offset(r->in.err, CM_MALFORMED, (int64_t)start,
                         "malformed core module");
    else if (r->in.err->offset >= 0)
      r->in.err->offset += (int64_t)start;
    /* The component tests (wasm-tools' words) call what the core spec
     * interpreter calls "unexpected content after last section" a
     * "section out of order". */
    if (r->in.err->kind == CM_MALFORMED &&
        strcmp(r->in.err->msg, "unexpected content after last section") == 0)
      snprintf(r->in.err->msg, sizeof r->in.err->msg, "section out of order");
    r->in.bad = true;
    return;
  }
  r->in.pos = r->in.end;
}

static void component_section(rd *r, comp_def *d) {
  if (!enter(r)) return;
  d->u.component = comp_component_new();
  if (!d->u.component) {
    oom(r);
  } else {
    d->u.component->pos = at_pos(r->in.pos);
    decode_component(r, d->u.component);
  }
  r->depth--;
}

static void vec_section(rd *r, comp_component *c, uint32_t *cap, uint8_t id) {
  static const comp_defkind kinds[13] = {
      [2] = COMP_DEF_CORE_INSTANCE, [3] = COMP_DEF_CORE_TYPE,
      [5] = COMP_DEF_INSTANCE,      [6] = COMP_DEF_ALIAS,
      [7] = COMP_DEF_TYPE,          [8] = COMP_DEF_CANON,
      [10] = COMP_DEF_IMPORT,       [11] = COMP_DEF_EXPORT,
      [12] = COMP_DEF_VALUE,
  };
  uint32_t n = cm_rd_count(&r->in);
  for (uint32_t i = 0; i < n && !r->in.bad; i++) {
    comp_def *d = new_def(r, c, cap, kinds[id]);
    if (!d) return;
    switch (id) {
    case 2: core_instance(r, &d->u.core_instance); break;
    case 3: d->u.core_type = core_type(r); break;
    case 5: instance(r, &d->u.instance); break;
    case 6: alias(r, &d->u.alias); break;
    case 7: d->u.type = deftype(r); break;
    case 8: canon(r, &d->u.canon); break;
    case 10:
      externname(r, &d->u.import.name);
      externtype(r, &d->u.import.type);
      break;
    case 11: {
      comp_export *e = &d->u.export_;
      externname(r, &e->name);
      sortidx(r, &e->item);
      if ((e->has_type = optional(r, "optional component export type")))
        externtype(r, &e->type);
      break;
    }
    case 12: {
      comp_value *v = &d->u.value;
      valtype(r, &v->type);
      uint32_t len = cm_rd_count(&r->in);
      const uint8_t *p = cm_rd_take(&r->in, len);
      if (!p) break;
      v->bytes = cm_rd_alloc(&r->in, len, 1);
      if (!v->bytes) break;
      memcpy(v->bytes, p, len);
      v->len = len;
      break;
    }
    }
  }
}

static void start_section(rd *r, comp_def *d) {
  comp_start *s = &d->u.start;
  s->func = cm_rd_u32(&r->in);
  s->args = cm_rd_vec(&r->in, &s->nargs, sizeof *s->args);
  for (uint32_t i = 0; i < s->nargs && !r->in.bad; i++) s->args[i] = cm_rd_u32(&r->in);
  s->nresults = cm_rd_u32(&r->in);
}

/* The preamble and sections of one component, up to r->in.end. */
static bool decode_component(rd *r, comp_component *c) {
  uint32_t cap = 0;
  preamble(r, true);
  while (!r->in.bad && r->in.pos < r->in.end) {
    size_t at = r->in.pos;
    uint8_t id = cm_rd_byte(&r->in);
    if (id > 12) {
      fail(r, at, "malformed section id");
      break;
    }
    uint32_t size = cm_rd_u32(&r->in);
    if (r->in.bad) break;
    if (size > r->in.end - r->in.pos) {
      cm_rd_eof(&r->in);
      break;
    }
    size_t outer_end = r->in.end, start = r->in.pos;
    r->in.end = start + size;
    comp_def *d;
    switch (id) {
    case 0: name(r, NULL); r->in.pos = r->in.bad ? r->in.pos : r->in.end; break;
    case 1:
      if ((d = new_def(r, c, &cap, COMP_DEF_CORE_MODULE)))
        core_module_section(r, d);
      break;
    case 4:
      if ((d = new_def(r, c, &cap, COMP_DEF_COMPONENT)))
        component_section(r, d);
      break;
    case 9:
      if ((d = new_def(r, c, &cap, COMP_DEF_START))) start_section(r, d);
      break;
    default: vec_section(r, c, &cap, id); break;
    }
    if (!r->in.bad && r->in.pos != r->in.end)
      fail(r, r->in.pos, "section size mismatch: unexpected data at the end of "
                      "the section");
    r->in.end = outer_end;
  }
  return !r->in.bad;
}

comp_component *comp_decode_component(const uint8_t *bytes, size_t len,
                                      cm_error *err) {
  rd r = {{bytes, 0, len, err, false, "unexpected end-of-file", false, NULL}, 0};
  comp_component *c = comp_component_new();
  if (!c) {
    cm_error_set(err, CM_IO, "out of memory");
    return NULL;
  }
  c->pos = at_pos(0);
  if (!decode_component(&r, c)) {
    comp_component_free(c);
    return NULL;
  }
  return c;
}
