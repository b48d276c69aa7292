/* equal.c -- structural equality of core modules (see equal.h).  Walks both
 * modules in step, keeping the path to the current node so that the first
 * difference can be named. */
#include "equal.h"

#include "../util/eqpath.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EQ_U(field, x, y) CM_EQ_U(e, field, x, y)

/* Value types print by name: "i32 vs i64" reads better than numbers. */
#define EQ_VT(field, x, y)                                                  \
  do {                                                                      \
    core_valtype x_ = (x), y_ = (y);                                        \
    if (x_ != y_)                                                           \
      return cm_eq_diff(e, field, "%s vs %s", core_valtype_name(x_),              \
                  core_valtype_name(y_));                                   \
  } while (0)

#define UNDER(call, ...) CM_EQ_UNDER(e, call, __VA_ARGS__)

bool core_name_eq(cm_eq *e, const char *field, const core_name *a,
                  const core_name *b) {
  if (a->len != b->len || (a->len && memcmp(a->s, b->s, a->len) != 0))
    return cm_eq_diff(e, field, "\"%.*s\" vs \"%.*s\"", (int)a->len,
                      a->s ? a->s : "", (int)b->len, b->s ? b->s : "");
  return true;
}

/* ---- types ------------------------------------------------------------ */

/* The n value types of a and b (a field such as "params"), in step. */
static bool valtypes_eq(cm_eq *e, const char *field, const core_valtype *a,
                        const core_valtype *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) EQ_VT(field, a[i], b[i]);
  return true;
}

static bool functype_eq(cm_eq *e, const core_functype *a, const core_functype *b) {
  EQ_U("nparams", a->nparams, b->nparams);
  EQ_U("nresults", a->nresults, b->nresults);
  return valtypes_eq(e, "params", a->params, b->params, a->nparams) &&
         valtypes_eq(e, "results", a->results, b->results, a->nresults);
}

static bool limits_eq(cm_eq *e, const core_limits *a, const core_limits *b) {
  EQ_U("limits.is64", a->is64, b->is64);
  EQ_U("limits.shared", a->shared, b->shared);
  EQ_U("limits.min", a->min, b->min);
  EQ_U("limits.has_max", a->has_max, b->has_max);
  if (a->has_max) EQ_U("limits.max", a->max, b->max);
  return true;
}

static bool tabletype_eq(cm_eq *e, const core_tabletype *a,
                         const core_tabletype *b) {
  EQ_VT("elem", a->elem, b->elem);
  return limits_eq(e, &a->limits, &b->limits);
}

static bool globaltype_eq(cm_eq *e, const core_globaltype *a,
                          const core_globaltype *b) {
  EQ_VT("type", a->type, b->type);
  EQ_U("mut", a->mut, b->mut);
  return true;
}

/* ---- instructions ----------------------------------------------------- */

/* The br_table entries or catch clauses [idx, idx + count) of an
 * instruction; an out-of-range run is a difference of its own (the
 * encoder refuses such a module). */
static bool labels_eq(cm_eq *e, const core_expr *ea, const core_instr *a,
                      const core_expr *eb, const core_instr *b, bool catches) {
  EQ_U(catches ? "ncatches" : "nlabels", a->idx2, b->idx2);
  if ((uint64_t)a->idx + a->idx2 > ea->nlabels ||
      (uint64_t)b->idx + b->idx2 > eb->nlabels)
    return cm_eq_diff(e, "labels", "entries out of range");
  for (uint32_t i = 0; i < a->idx2; i++) {
    const core_label *x = &ea->labels[a->idx + i], *y = &eb->labels[b->idx + i];
    size_t s = cm_eq_push(e, ".%s[%u]", catches ? "catches" : "labels", i);
    bool ok = false;
    if (x->depth != y->depth) {
      cm_eq_diff(e, "depth", "%u vs %u", x->depth, y->depth);
    } else if (catches && x->catch_kind != y->catch_kind) {
      cm_eq_diff(e, "catch_kind", "%u vs %u", x->catch_kind, y->catch_kind);
    } else if (catches &&
               (x->catch_kind == CORE_CATCH ||
                x->catch_kind == CORE_CATCH_REF) && x->tag != y->tag) {
      cm_eq_diff(e, "tag", "%u vs %u", x->tag, y->tag);
    } else {
      ok = true;
    }
    cm_eq_pop(e, s);
    if (!ok) return false;
  }
  return true;
}

static bool blocktype_eq(cm_eq *e, const core_instr *a, const core_instr *b) {
  EQ_U("bt_kind", a->bt_kind, b->bt_kind);
  if (a->bt_kind != CORE_BT_EMPTY) EQ_U("blocktype", a->imm, b->imm);
  return true;
}

/* Compares what the opcode's immediate kind says the instruction has;
 * the other fields are whatever the producer left there. */
static bool instr_eq(cm_eq *e, const core_expr *ea, const core_instr *a,
                     const core_expr *eb, const core_instr *b) {
  if (a->op != b->op) {
    const char *na =
        a->op < CORE_OP_COUNT ? core_opinfo_table[a->op].name : "?";
    const char *nb =
        b->op < CORE_OP_COUNT ? core_opinfo_table[b->op].name : "?";
    return cm_eq_diff(e, "op", "%s vs %s", na, nb);
  }
  if (a->op >= CORE_OP_COUNT) return cm_eq_diff(e, "op", "unknown opcode %u", a->op);
  switch (core_opinfo_table[a->op].imm) {
  case CORE_IMM_NONE:
    return true;
  case CORE_IMM_BLOCK:
    return blocktype_eq(e, a, b);
  case CORE_IMM_LABEL: case CORE_IMM_FUNC: case CORE_IMM_LOCAL:
  case CORE_IMM_GLOBAL: case CORE_IMM_TABLE: case CORE_IMM_ELEM:
  case CORE_IMM_DATA: case CORE_IMM_TAG: case CORE_IMM_MEM:
    EQ_U("idx", a->idx, b->idx);
    return true;
  case CORE_IMM_BR_TABLE:
    return labels_eq(e, ea, a, eb, b, false);
  case CORE_IMM_CALL_INDIRECT: case CORE_IMM_TABLE_COPY:
  case CORE_IMM_TABLE_INIT: case CORE_IMM_MEM_INIT: case CORE_IMM_MEM_COPY:
    EQ_U("idx", a->idx, b->idx);
    EQ_U("idx2", a->idx2, b->idx2);
    return true;
  case CORE_IMM_MEMARG:
    EQ_U("memidx", a->idx, b->idx);
    EQ_U("align", a->align, b->align);
    EQ_U("offset", a->imm, b->imm);
    return true;
  case CORE_IMM_I32: case CORE_IMM_I64: case CORE_IMM_F32: case CORE_IMM_F64:
    if (a->imm != b->imm)
      return cm_eq_diff(e, "imm", "0x%llx vs 0x%llx", (unsigned long long)a->imm,
                  (unsigned long long)b->imm);
    return true;
  case CORE_IMM_SELECT_T:
    /* Only the first type is kept; a count of 0 has none. */
    EQ_U("ntypes", a->idx, b->idx);
    if (a->idx) EQ_VT("type", (core_valtype)a->imm, (core_valtype)b->imm);
    return true;
  case CORE_IMM_REFNULL:
    EQ_VT("type", (core_valtype)a->imm, (core_valtype)b->imm);
    return true;
  case CORE_IMM_TRY_TABLE:
    if (!blocktype_eq(e, a, b)) return false;
    return labels_eq(e, ea, a, eb, b, true);
  }
  return cm_eq_diff(e, "imm", "unknown immediate kind");
}

static bool expr_eq(cm_eq *e, const core_expr *a, const core_expr *b) {
  EQ_U("ninstrs", a->ninstrs, b->ninstrs);
  for (uint32_t i = 0; i < a->ninstrs; i++)
    UNDER(instr_eq(e, a, &a->instrs[i], b, &b->instrs[i]), "[%u]", i);
  return true;
}

/* ---- module fields ---------------------------------------------------- */

static bool import_eq(cm_eq *e, const core_import *a, const core_import *b) {
  if (!core_name_eq(e, "module", &a->module, &b->module)) return false;
  if (!core_name_eq(e, "name", &a->name, &b->name)) return false;
  EQ_U("kind", a->kind, b->kind);
  switch (a->kind) {
  case CORE_EXTERN_FUNC: EQ_U("type", a->desc.func, b->desc.func); break;
  case CORE_EXTERN_TABLE:
    return tabletype_eq(e, &a->desc.table, &b->desc.table);
  case CORE_EXTERN_MEMORY:
    return limits_eq(e, &a->desc.memory.limits, &b->desc.memory.limits);
  case CORE_EXTERN_GLOBAL:
    return globaltype_eq(e, &a->desc.global, &b->desc.global);
  case CORE_EXTERN_TAG: EQ_U("type", a->desc.tag, b->desc.tag); break;
  }
  return true;
}

static bool func_eq(cm_eq *e, const core_func *a, const core_func *b) {
  EQ_U("type", a->type, b->type);
  EQ_U("nlocals", a->nlocals, b->nlocals);
  if (!valtypes_eq(e, "locals", a->locals, b->locals, a->nlocals))
    return false;
  UNDER(expr_eq(e, &a->body, &b->body), ".body");
  return true;
}

static bool global_eq(cm_eq *e, const core_global *a, const core_global *b) {
  if (!globaltype_eq(e, &a->type, &b->type)) return false;
  UNDER(expr_eq(e, &a->init, &b->init), ".init");
  return true;
}

static bool elem_eq(cm_eq *e, const core_elem *a, const core_elem *b) {
  EQ_U("mode", a->mode, b->mode);
  if (a->mode == CORE_SEG_ACTIVE) {
    EQ_U("table", a->table, b->table);
    UNDER(expr_eq(e, &a->offset, &b->offset), ".offset");
  }
  EQ_VT("type", a->type, b->type);
  EQ_U("nitems", a->nitems, b->nitems);
  for (uint32_t i = 0; i < a->nitems; i++)
    UNDER(expr_eq(e, &a->items[i], &b->items[i]), ".items[%u]", i);
  return true;
}

static bool data_eq(cm_eq *e, const core_data *a, const core_data *b) {
  EQ_U("mode", a->mode, b->mode);
  if (a->mode == CORE_SEG_ACTIVE) {
    EQ_U("memory", a->memory, b->memory);
    UNDER(expr_eq(e, &a->offset, &b->offset), ".offset");
  }
  EQ_U("len", a->len, b->len);
  if (a->len && memcmp(a->bytes, b->bytes, a->len) != 0) {
    uint32_t k = 0;
    while (a->bytes[k] == b->bytes[k]) k++;
    return cm_eq_diff(e, "bytes", "differ at byte %u", k);
  }
  return true;
}


/* The data count the binary form has: -1 for none. */
static long long datacount_of(const core_module *m) {
  if (m->has_datacount) return m->datacount;
  return core_module_uses_dataidx(m) ? (long long)m->ndatas : -1;
}

/* Compares two arrays element by element under "NAME[i]". */
#define EACH(name, na, nb, xs, ys, fn)                                      \
  do {                                                                      \
    EQ_U("n" name, na, nb);                                                 \
    for (uint32_t i_ = 0; i_ < (na); i_++)                                  \
      UNDER(fn(e, &(xs)[i_], &(ys)[i_]), name "[%u]", i_);                  \
  } while (0)

static bool module_eq(cm_eq *e, const core_module *a, const core_module *b) {
  EACH("types", a->ntypes, b->ntypes, a->types, b->types, functype_eq);
  EACH("imports", a->nimports, b->nimports, a->imports, b->imports, import_eq);
  EACH("funcs", a->nfuncs, b->nfuncs, a->funcs, b->funcs, func_eq);
  EACH("tables", a->ntables, b->ntables, a->tables, b->tables, tabletype_eq);
  EQ_U("nmems", a->nmems, b->nmems);
  for (uint32_t i = 0; i < a->nmems; i++)
    UNDER(limits_eq(e, &a->mems[i].limits, &b->mems[i].limits), "mems[%u]", i);
  EACH("globals", a->nglobals, b->nglobals, a->globals, b->globals, global_eq);
  EQ_U("ntags", a->ntags, b->ntags);
  for (uint32_t i = 0; i < a->ntags; i++) EQ_U("tags", a->tags[i], b->tags[i]);
  EQ_U("nexports", a->nexports, b->nexports);
  for (uint32_t i = 0; i < a->nexports; i++) {
    const core_export *x = &a->exports[i], *y = &b->exports[i];
    size_t s = cm_eq_push(e, "exports[%u]", i);
    bool ok = core_name_eq(e, "name", &x->name, &y->name);
    if (ok && x->kind != y->kind)
      ok = cm_eq_diff(e, "kind", "%u vs %u", x->kind, y->kind);
    if (ok && x->idx != y->idx) ok = cm_eq_diff(e, "idx", "%u vs %u", x->idx, y->idx);
    cm_eq_pop(e, s);
    if (!ok) return false;
  }
  EQ_U("has_start", a->has_start, b->has_start);
  if (a->has_start) EQ_U("start", a->start, b->start);
  EACH("elems", a->nelems, b->nelems, a->elems, b->elems, elem_eq);
  EACH("datas", a->ndatas, b->ndatas, a->datas, b->datas, data_eq);
  long long da = datacount_of(a), db = datacount_of(b);
  if (da != db)
    return cm_eq_diff(e, "datacount", "%lld vs %lld (-1: none)", da, db);
  EQ_U("nfunc_imports", a->nfunc_imports, b->nfunc_imports);
  EQ_U("ntable_imports", a->ntable_imports, b->ntable_imports);
  EQ_U("nmem_imports", a->nmem_imports, b->nmem_imports);
  EQ_U("nglobal_imports", a->nglobal_imports, b->nglobal_imports);
  EQ_U("ntag_imports", a->ntag_imports, b->ntag_imports);
  return true;
}

bool core_module_equal(const core_module *a, const core_module *b, char *why,
                       size_t n) {
  cm_eq e;
  cm_eq_init(&e, why, n);
  if (!a || !b) return cm_eq_presence(&e, "module", a, b);
  return module_eq(&e, a, b);
}
