/* validate.c -- core module validation, module level (core spec
 * "Validation > Types" and "> Modules"): the context C, limits, imports,
 * definitions, constant expressions, segments, start, exports.  Function
 * bodies and constant expressions are type-checked by validate_code.c.
 * The order of the checks follows the spec interpreter (valid.ml), so a
 * module with several faults reports the one the reference tests expect.
 *
 * Where the wg-2.0 suite and the current spec differ in what is valid,
 * core_features says which one applies (validate.h).  The immutable-global
 * message is wg-2.0's "global is immutable" (main says "immutable global";
 * both suites match it by prefix, so main reports a message mismatch). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_priv.h"
#include "../../canon/grow.h"

bool vfail(core_valid_ctx *v, const char *fmt, ...) {
  char buf[480];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  cm_error_set(v->err, CM_INVALID, "%s", buf);
  return false;
}

bool voom(core_valid_ctx *v) {
  cm_error_set(v->err, CM_IO, "out of memory");
  return false;
}

static bool unsupported(core_valid_ctx *v, const char *feature) {
  cm_error_set(v->err, CM_UNSUPPORTED, "unsupported feature: %s", feature);
  return false;
}

bool vcheck_valtype(core_valid_ctx *v, core_valtype t) {
  switch (t) {
  case CORE_I32: case CORE_I64: case CORE_F32: case CORE_F64:
  case CORE_FUNCREF: case CORE_EXTERNREF: case CORE_EXNREF:
    return true;
  case CORE_V128:
    return unsupported(v, "simd");
  }
  return vfail(v, "invalid value type 0x%02x", (unsigned)t);
}

static bool check_reftype(core_valid_ctx *v, core_valtype t) {
  if (!vcheck_valtype(v, t)) return false;
  if (!core_is_reftype(t)) return vfail(v, "malformed reference type");
  return true;
}

/* ---- the context ----------------------------------------------------------- */

static bool build_context(core_valid_ctx *v) {
  core_module *m = v->m;
  core_module_count_imports(m);
  v->nfuncs = core_module_nfuncs_total(m);
  v->ntables = core_module_ntables_total(m);
  v->nmems = core_module_nmems_total(m);
  v->nglobals = core_module_nglobals_total(m);
  v->ntags = core_module_ntags_total(m);
  v->nconst_globals = m->nglobal_imports;
  /* +1: never a zero-sized allocation */
  v->func_type = malloc((v->nfuncs + 1) * sizeof *v->func_type);
  v->tables = malloc((v->ntables + 1) * sizeof *v->tables);
  v->mems = malloc((v->nmems + 1) * sizeof *v->mems);
  v->globals = malloc((v->nglobals + 1) * sizeof *v->globals);
  v->tag_type = malloc((v->ntags + 1) * sizeof *v->tag_type);
  if (!v->func_type || !v->tables || !v->mems || !v->globals || !v->tag_type)
    return voom(v);
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0, ntag = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const core_import *im = &m->imports[i];
    switch (im->kind) {
    case CORE_EXTERN_FUNC: v->func_type[nf++] = im->desc.func; break;
    case CORE_EXTERN_TABLE: v->tables[nt++] = &im->desc.table; break;
    case CORE_EXTERN_MEMORY: v->mems[nm++] = &im->desc.memory; break;
    case CORE_EXTERN_GLOBAL: v->globals[ng++] = &im->desc.global; break;
    case CORE_EXTERN_TAG: v->tag_type[ntag++] = im->desc.tag; break;
    }
  }
  for (uint32_t i = 0; i < m->nfuncs; i++) v->func_type[nf++] = m->funcs[i].type;
  for (uint32_t i = 0; i < m->ntables; i++) v->tables[nt++] = &m->tables[i];
  for (uint32_t i = 0; i < m->nmems; i++) v->mems[nm++] = &m->mems[i];
  for (uint32_t i = 0; i < m->nglobals; i++) v->globals[ng++] = &m->globals[i].type;
  for (uint32_t i = 0; i < m->ntags; i++) v->tag_type[ntag++] = m->tags[i];
  return true;
}

static void free_context(core_valid_ctx *v) {
  CANON_FREE_ALL(v->func_type, v->tables, v->mems, v->globals, v->tag_type);
  vcode_free(v);
}

/* ---- types ----------------------------------------------------------------- */

static bool check_functype(core_valid_ctx *v, const core_functype *ft) {
  for (uint32_t i = 0; i < ft->nparams; i++)
    if (!vcheck_valtype(v, ft->params[i])) return false;
  for (uint32_t i = 0; i < ft->nresults; i++)
    if (!vcheck_valtype(v, ft->results[i])) return false;
  return true;
}

static bool check_limits(core_valid_ctx *v, const core_limits *l,
                         uint64_t range, const char *msg) {
  if (l->min > range) return vfail(v, "%s", msg);
  if (l->has_max && l->max > range) return vfail(v, "%s", msg);
  if (l->has_max && l->min > l->max)
    return vfail(v, "size minimum must not be greater than maximum");
  return true;
}

/* Threads proposal, "Shared Linear Memory > Resizing": a shared memory
 * must have a maximum; checked after the limits, as its interpreter does. */
static bool check_memtype(core_valid_ctx *v, const core_memtype *mt) {
  if (mt->limits.shared && !v->features->threads)
    return unsupported(v, "threads");
  if (!(mt->limits.is64
            ? check_limits(v, &mt->limits, 1ull << 48,
                           "memory size must be at most 2^48 pages (256 TiB)")
            : check_limits(v, &mt->limits, 1u << 16,
                           "memory size must be at most 65536 pages (4GiB)")))
    return false;
  if (mt->limits.shared && !mt->limits.has_max)
    return vfail(v, "shared memory must have maximum");
  return true;
}

/* Only memories can be shared (shared tables belong to a later proposal,
 * shared-everything threads): neither parser makes a shared table, this
 * guards modules built otherwise, in the decoder's words. */
static bool check_tabletype(core_valid_ctx *v, const core_tabletype *tt) {
  if (tt->limits.shared) return vfail(v, "tables cannot be shared (yet)");
  if (!check_reftype(v, tt->elem)) return false;
  if (tt->limits.is64)
    return check_limits(v, &tt->limits, UINT64_MAX,
                        "table size must be at most 2^64-1");
  return check_limits(v, &tt->limits, UINT32_MAX,
                      "table size must be at most 2^32-1");
}

static bool check_typeidx(core_valid_ctx *v, uint32_t x) {
  if (x >= v->m->ntypes) return vfail(v, "unknown type %u", x);
  return true;
}

static bool check_tagtype(core_valid_ctx *v, uint32_t x) {
  if (!check_typeidx(v, x)) return false;
  if (v->m->types[x].nresults != 0)
    return vfail(v, "non-empty tag result type");
  return true;
}

/* ---- declared function references ------------------------------------------ */

static void declare_in(core_module *m, uint32_t nfuncs, const core_expr *e) {
  for (uint32_t i = 0; i < e->ninstrs; i++)
    if (e->instrs[i].op == CORE_OP_REF_FUNC && e->instrs[i].idx < nfuncs)
      m->func_declared[e->instrs[i].idx] = true;
}

/* C.refs: the functions referenced anywhere outside function bodies and
 * the start section; only those may appear in ref.func inside a body. */
static bool declare_refs(core_valid_ctx *v) {
  core_module *m = v->m;
  free(m->func_declared);
  m->func_declared = calloc(v->nfuncs + 1, sizeof *m->func_declared);
  if (!m->func_declared) return voom(v);
  for (uint32_t i = 0; i < m->nglobals; i++)
    declare_in(m, v->nfuncs, &m->globals[i].init);
  for (uint32_t i = 0; i < m->nelems; i++) {
    const core_elem *el = &m->elems[i];
    if (el->mode == CORE_SEG_ACTIVE) declare_in(m, v->nfuncs, &el->offset);
    for (uint32_t j = 0; j < el->nitems; j++)
      declare_in(m, v->nfuncs, &el->items[j]);
  }
  for (uint32_t i = 0; i < m->ndatas; i++)
    if (m->datas[i].mode == CORE_SEG_ACTIVE)
      declare_in(m, v->nfuncs, &m->datas[i].offset);
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == CORE_EXTERN_FUNC &&
        m->exports[i].idx < v->nfuncs)
      m->func_declared[m->exports[i].idx] = true;
  return true;
}

/* ---- module fields ----------------------------------------------------------- */

static bool check_import(core_valid_ctx *v, const core_import *im) {
  switch (im->kind) {
  case CORE_EXTERN_FUNC: return check_typeidx(v, im->desc.func);
  case CORE_EXTERN_TABLE: return check_tabletype(v, &im->desc.table);
  case CORE_EXTERN_MEMORY: return check_memtype(v, &im->desc.memory);
  case CORE_EXTERN_GLOBAL: return vcheck_valtype(v, im->desc.global.type);
  case CORE_EXTERN_TAG: return check_tagtype(v, im->desc.tag);
  }
  return vfail(v, "invalid import kind");
}

static bool check_data(core_valid_ctx *v, core_data *d) {
  if (d->mode == CORE_SEG_PASSIVE) return true;
  if (d->mode != CORE_SEG_ACTIVE) return vfail(v, "invalid data segment mode");
  if (d->memory >= v->nmems) return vfail(v, "unknown memory %u", d->memory);
  return vcode_const(v, &d->offset,
                     v->mems[d->memory]->limits.is64 ? CORE_I64 : CORE_I32);
}

static const char *refname(core_valtype t) {
  switch (t) {
  case CORE_FUNCREF: return "(ref null func)";
  case CORE_EXTERNREF: return "(ref null extern)";
  default: return "(ref null exn)";
  }
}

static bool check_elem(core_valid_ctx *v, core_elem *el) {
  if (!check_reftype(v, el->type)) return false;
  for (uint32_t j = 0; j < el->nitems; j++)
    if (!vcode_const(v, &el->items[j], el->type)) return false;
  if (el->mode != CORE_SEG_ACTIVE) return true;
  if (el->table >= v->ntables) return vfail(v, "unknown table %u", el->table);
  const core_tabletype *tt = v->tables[el->table];
  if (tt->elem != el->type)
    return vfail(v, "type mismatch: element segment's type %s does not match "
                 "table's element type %s", refname(el->type),
                 refname(tt->elem));
  return vcode_const(v, &el->offset, tt->limits.is64 ? CORE_I64 : CORE_I32);
}

static bool check_export(core_valid_ctx *v, const core_export *ex) {
  static const char *const what[] = {"function", "table", "memory", "global",
                                     "tag"};
  uint32_t n;
  switch (ex->kind) {
  case CORE_EXTERN_FUNC: n = v->nfuncs; break;
  case CORE_EXTERN_TABLE: n = v->ntables; break;
  case CORE_EXTERN_MEMORY: n = v->nmems; break;
  case CORE_EXTERN_GLOBAL: n = v->nglobals; break;
  case CORE_EXTERN_TAG: n = v->ntags; break;
  default: return vfail(v, "invalid export kind");
  }
  if (ex->idx >= n) return vfail(v, "unknown %s %u", what[ex->kind], ex->idx);
  return true;
}

static int cmp_export(const void *a, const void *b) {
  const core_export *x = *(const core_export *const *)a;
  const core_export *y = *(const core_export *const *)b;
  uint32_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
  int c = n ? memcmp(x->name.s, y->name.s, n) : 0;
  if (c) return c;
  if (x->name.len != y->name.len) return x->name.len < y->name.len ? -1 : 1;
  return x < y ? -1 : x > y; /* ties in export order */
}

static bool same_name(const core_export *x, const core_export *y) {
  return x->name.len == y->name.len &&
         (x->name.len == 0 || !memcmp(x->name.s, y->name.s, x->name.len));
}

/* Export names are unique; like the spec interpreter, report the first
 * export (in order) whose name was already used. */
static bool check_export_names(core_valid_ctx *v) {
  core_module *m = v->m;
  if (m->nexports < 2) return true;
  const core_export **ps = malloc(m->nexports * sizeof *ps);
  if (!ps) return voom(v);
  for (uint32_t i = 0; i < m->nexports; i++) ps[i] = &m->exports[i];
  qsort(ps, m->nexports, sizeof *ps, cmp_export);
  const core_export *dup = NULL;
  for (uint32_t i = 1; i < m->nexports; i++)
    if (same_name(ps[i - 1], ps[i]) && (i < 2 || !same_name(ps[i - 2], ps[i])))
      if (!dup || ps[i] < dup) dup = ps[i];
  free(ps);
  if (!dup) return true;
  char buf[200];
  size_t k = 0;
  for (uint32_t i = 0; i < dup->name.len && k + 8 < sizeof buf; i++) {
    unsigned char c = (unsigned char)dup->name.s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') buf[k++] = (char)c;
    else k += (size_t)snprintf(buf + k, sizeof buf - k, "\\%02x", c);
  }
  buf[k] = 0;
  return vfail(v, "duplicate export name \"%s\"", buf);
}

static bool check_module(core_valid_ctx *v) {
  core_module *m = v->m;
  for (uint32_t i = 0; i < m->ntypes; i++)
    if (!check_functype(v, &m->types[i])) return false;
  for (uint32_t i = 0; i < m->nimports; i++)
    if (!check_import(v, &m->imports[i])) return false;
  for (uint32_t i = 0; i < m->ntags; i++)
    if (!check_tagtype(v, m->tags[i])) return false;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (!check_typeidx(v, m->funcs[i].type)) return false;
  for (uint32_t i = 0; i < m->nmems; i++)
    if (!check_memtype(v, &m->mems[i])) return false;
  for (uint32_t i = 0; i < m->ntables; i++)
    if (!check_tabletype(v, &m->tables[i])) return false;
  if (!v->features->multi_memory && v->nmems > 1)
    return vfail(v, "multiple memories");
  for (uint32_t i = 0; i < m->nglobals; i++) {
    core_global *g = &m->globals[i];
    if (v->features->extended_const) v->nconst_globals = m->nglobal_imports + i;
    if (!vcheck_valtype(v, g->type.type) ||
        !vcode_const(v, &g->init, g->type.type))
      return false;
  }
  if (v->features->extended_const) v->nconst_globals = v->nglobals;
  for (uint32_t i = 0; i < m->ndatas; i++)
    if (!check_data(v, &m->datas[i])) return false;
  for (uint32_t i = 0; i < m->nelems; i++)
    if (!check_elem(v, &m->elems[i])) return false;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (!vcode_func(v, &m->funcs[i])) return false;
  if (m->has_start) {
    if (m->start >= v->nfuncs)
      return vfail(v, "unknown function %u", m->start);
    const core_functype *ft = &m->types[v->func_type[m->start]];
    if (ft->nparams || ft->nresults)
      return vfail(v, "start function must not have parameters or results");
  }
  for (uint32_t i = 0; i < m->nexports; i++)
    if (!check_export(v, &m->exports[i])) return false;
  return check_export_names(v);
}

const char core_features_names[] = "all, wasm-2.0";

bool core_features_named(const char *name, core_features *out) {
  if (!strcmp(name, "all")) {
    *out = (core_features){
        .multi_memory = true, .extended_const = true, .threads = true};
    return true;
  }
  if (!strcmp(name, "wasm-2.0")) {
    *out = (core_features){
        .multi_memory = false, .extended_const = false, .threads = false};
    return true;
  }
  return false;
}

bool core_validate(core_module *m, cm_error *err) {
  core_features all;
  core_features_named("all", &all);
  return core_validate_features(m, &all, err);
}

bool core_validate_features(core_module *m, const core_features *f,
                            cm_error *err) {
  core_valid_ctx v;
  memset(&v, 0, sizeof v);
  v.features = f;
  v.m = m;
  v.err = err;
  m->validated = false;
  bool ok = build_context(&v) && declare_refs(&v) && check_module(&v);
  free_context(&v);
  m->validated = ok;
  return ok;
}
