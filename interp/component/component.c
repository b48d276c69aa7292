/* component.c -- constructors, destructors and tables of the component AST
 * (see component.h). */
#include "component.h"
#include "validate.h"

#include <stdlib.h>

bool comp_sort_is_core(comp_sort s) { return s <= COMP_SORT_CORE_INSTANCE; }

const char *comp_sort_name(comp_sort s) {
  switch (s) {
  case COMP_SORT_CORE_FUNC: return "core func";
  case COMP_SORT_CORE_TABLE: return "core table";
  case COMP_SORT_CORE_MEMORY: return "core memory";
  case COMP_SORT_CORE_GLOBAL: return "core global";
  case COMP_SORT_CORE_TAG: return "core tag";
  case COMP_SORT_CORE_TYPE: return "core type";
  case COMP_SORT_CORE_MODULE: return "core module";
  case COMP_SORT_CORE_INSTANCE: return "core instance";
  case COMP_SORT_FUNC: return "func";
  case COMP_SORT_VALUE: return "value";
  case COMP_SORT_TYPE: return "type";
  case COMP_SORT_COMPONENT: return "component";
  case COMP_SORT_INSTANCE: return "instance";
  case COMP_NSORTS: break;
  }
  return "?";
}

uint8_t comp_sort_code(comp_sort s) {
  switch (s) {
  case COMP_SORT_CORE_FUNC: return 0x00;
  case COMP_SORT_CORE_TABLE: return 0x01;
  case COMP_SORT_CORE_MEMORY: return 0x02;
  case COMP_SORT_CORE_GLOBAL: return 0x03;
  case COMP_SORT_CORE_TAG: return 0x04;
  case COMP_SORT_CORE_TYPE: return 0x10;
  case COMP_SORT_CORE_MODULE: return 0x11;
  case COMP_SORT_CORE_INSTANCE: return 0x12;
  case COMP_SORT_FUNC: return 0x01;
  case COMP_SORT_VALUE: return 0x02;
  case COMP_SORT_TYPE: return 0x03;
  case COMP_SORT_COMPONENT: return 0x04;
  case COMP_SORT_INSTANCE: return 0x05;
  case COMP_NSORTS: break;
  }
  return 0xff;
}

/* ---- canonical built-ins ------------------------------------------------ */

enum {
  T = COMP_CANON_IMM_TYPEIDX,
  O = COMP_CANON_IMM_OPTS,
  A = COMP_CANON_IMM_ASYNC,
  C = COMP_CANON_IMM_CANCELLABLE,
  M = COMP_CANON_IMM_MEMORY,
  X = COMP_CANON_IMM_CONTEXT,
  R = COMP_CANON_IMM_RESULT,
  CT = COMP_CANON_IMM_CORE_TYPE,
  TB = COMP_CANON_IMM_TABLE,
  SH = COMP_CANON_IMM_SHARED,
};

static const struct {
  const char *name;
  unsigned imm;
  uint8_t opcode; /* Binary.md; lift and lower then read a 0x00 */
} canon_Table[COMP_CANON_COUNT] = {
    [COMP_CANON_LIFT] = {"lift", O, 0x00},
    [COMP_CANON_LOWER] = {"lower", O, 0x01},
    [COMP_CANON_RESOURCE_NEW] = {"resource.new", T, 0x02},
    [COMP_CANON_RESOURCE_DROP] = {"resource.drop", T, 0x03},
    [COMP_CANON_RESOURCE_REP] = {"resource.rep", T, 0x04},
    [COMP_CANON_CONTEXT_GET] = {"context.get", X, 0x0a},
    [COMP_CANON_CONTEXT_SET] = {"context.set", X, 0x0b},
    [COMP_CANON_BACKPRESSURE_INC] = {"backpressure.inc", 0, 0x24},
    [COMP_CANON_BACKPRESSURE_DEC] = {"backpressure.dec", 0, 0x25},
    [COMP_CANON_TASK_RETURN] = {"task.return", R | O, 0x09},
    [COMP_CANON_TASK_CANCEL] = {"task.cancel", 0, 0x05},
    [COMP_CANON_WAITABLE_SET_NEW] = {"waitable-set.new", 0, 0x1f},
    [COMP_CANON_WAITABLE_SET_WAIT] = {"waitable-set.wait", C | M, 0x20},
    [COMP_CANON_WAITABLE_SET_POLL] = {"waitable-set.poll", C | M, 0x21},
    [COMP_CANON_WAITABLE_SET_DROP] = {"waitable-set.drop", 0, 0x22},
    [COMP_CANON_WAITABLE_JOIN] = {"waitable.join", 0, 0x23},
    [COMP_CANON_SUBTASK_CANCEL] = {"subtask.cancel", A, 0x06},
    [COMP_CANON_SUBTASK_DROP] = {"subtask.drop", 0, 0x0d},
    [COMP_CANON_STREAM_NEW] = {"stream.new", T, 0x0e},
    [COMP_CANON_STREAM_READ] = {"stream.read", T | O, 0x0f},
    [COMP_CANON_STREAM_WRITE] = {"stream.write", T | O, 0x10},
    [COMP_CANON_STREAM_CANCEL_READ] = {"stream.cancel-read", T | A, 0x11},
    [COMP_CANON_STREAM_CANCEL_WRITE] = {"stream.cancel-write", T | A, 0x12},
    [COMP_CANON_STREAM_DROP_READABLE] = {"stream.drop-readable", T, 0x13},
    [COMP_CANON_STREAM_DROP_WRITABLE] = {"stream.drop-writable", T, 0x14},
    [COMP_CANON_FUTURE_NEW] = {"future.new", T, 0x15},
    [COMP_CANON_FUTURE_READ] = {"future.read", T | O, 0x16},
    [COMP_CANON_FUTURE_WRITE] = {"future.write", T | O, 0x17},
    [COMP_CANON_FUTURE_CANCEL_READ] = {"future.cancel-read", T | A, 0x18},
    [COMP_CANON_FUTURE_CANCEL_WRITE] = {"future.cancel-write", T | A, 0x19},
    [COMP_CANON_FUTURE_DROP_READABLE] = {"future.drop-readable", T, 0x1a},
    [COMP_CANON_FUTURE_DROP_WRITABLE] = {"future.drop-writable", T, 0x1b},
    [COMP_CANON_THREAD_INDEX] = {"thread.index", 0, 0x26},
    [COMP_CANON_THREAD_NEW_INDIRECT] = {"thread.new-indirect", CT | TB, 0x27},
    [COMP_CANON_THREAD_RESUME_LATER] = {"thread.resume-later", 0, 0x28},
    [COMP_CANON_THREAD_SUSPEND] = {"thread.suspend", C, 0x29},
    [COMP_CANON_THREAD_YIELD] = {"thread.yield", C, 0x0c},
    [COMP_CANON_THREAD_SUSPEND_THEN_RESUME] = {
        "thread.suspend-then-resume", C, 0x2a},
    [COMP_CANON_THREAD_YIELD_THEN_RESUME] = {
        "thread.yield-then-resume", C, 0x2b},
    [COMP_CANON_THREAD_SUSPEND_THEN_PROMOTE] = {
        "thread.suspend-then-promote", C, 0x2c},
    [COMP_CANON_THREAD_YIELD_THEN_PROMOTE] = {
        "thread.yield-then-promote", C, 0x2d},
    [COMP_CANON_ERROR_CONTEXT_NEW] = {"error-context.new", O, 0x1c},
    [COMP_CANON_ERROR_CONTEXT_DEBUG_MESSAGE] = {
        "error-context.debug-message", O, 0x1d},
    [COMP_CANON_ERROR_CONTEXT_DROP] = {"error-context.drop", 0, 0x1e},
    [COMP_CANON_THREAD_SPAWN_REF] = {"thread.spawn-ref", SH | CT, 0x40},
    [COMP_CANON_THREAD_SPAWN_INDIRECT] = {
        "thread.spawn-indirect", SH | CT | TB, 0x41},
    [COMP_CANON_THREAD_AVAILABLE_PARALLELISM] = {
        "thread.available-parallelism", SH, 0x42},
};

const char *comp_canon_name(comp_canonkind k) {
  return (unsigned)k < COMP_CANON_COUNT ? canon_Table[k].name : "?";
}

unsigned comp_canon_immediates(comp_canonkind k) {
  return (unsigned)k < COMP_CANON_COUNT ? canon_Table[k].imm : 0;
}

uint8_t comp_canon_opcode(comp_canonkind k) {
  return (unsigned)k < COMP_CANON_COUNT ? canon_Table[k].opcode : 0xff;
}

bool comp_canon_of_opcode(uint8_t op, comp_canonkind *out) {
  for (int k = 0; k < COMP_CANON_COUNT; k++)
    if (canon_Table[k].opcode == op) {
      *out = (comp_canonkind)k;
      return true;
    }
  return false;
}

/* ---- construction and destruction -------------------------------------- */

comp_component *comp_component_new(void) {
  comp_component *c = calloc(1, sizeof *c);
  if (c) c->pos.offset = -1;
  return c;
}

comp_type *comp_type_new(comp_typekind kind) {
  comp_type *t = calloc(1, sizeof *t);
  if (t) {
    t->kind = kind;
    t->pos.offset = -1;
  }
  return t;
}

comp_core_type *comp_core_type_new(comp_core_typekind kind) {
  comp_core_type *t = calloc(1, sizeof *t);
  if (t) {
    t->kind = kind;
    t->pos.offset = -1;
  }
  return t;
}

static void free_fields(comp_field *f, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) free(f[i].label.s);
  free(f);
}

void comp_externname_clear(comp_externname *n) {
  free(n->name.s);
  free(n->implements.s);
  free(n->versionsuffix.s);
  free(n->external_id.s);
}

void comp_decl_clear(comp_decl *d) {
  free(d->id);
  comp_core_type_free(d->core_type);
  comp_type_free(d->type);
  free(d->alias.name.s);
  comp_externname_clear(&d->name);
}

void comp_type_free(comp_type *t) {
  if (!t) return;
  free_fields(t->val.fields, t->val.nfields);
  free_fields(t->func.params, t->func.nparams);
  for (uint32_t i = 0; i < t->ndecls; i++) comp_decl_clear(&t->decls[i]);
  free(t->decls);
  free(t);
}

void comp_core_decl_clear(comp_core_decl *d) {
  free(d->import.module.s);
  free(d->import.name.s);
  comp_core_type_free(d->type);
}

void comp_core_type_free(comp_core_type *t) {
  if (!t) return;
  free(t->func.params);
  free(t->func.results);
  for (uint32_t i = 0; i < t->ndecls; i++) comp_core_decl_clear(&t->decls[i]);
  free(t->decls);
  free(t);
}

void comp_def_clear(comp_def *d) {
  free(d->id);
  switch (d->kind) {
  case COMP_DEF_CORE_MODULE:
    core_module_free(d->u.core_module);
    break;
  case COMP_DEF_CORE_INSTANCE: {
    comp_core_instance *ci = &d->u.core_instance;
    for (uint32_t i = 0; i < ci->nargs; i++) free(ci->args[i].name.s);
    free(ci->args);
    for (uint32_t i = 0; i < ci->nexports; i++) free(ci->exports[i].name.s);
    free(ci->exports);
    break;
  }
  case COMP_DEF_CORE_TYPE:
    comp_core_type_free(d->u.core_type);
    break;
  case COMP_DEF_COMPONENT:
    comp_component_free(d->u.component);
    break;
  case COMP_DEF_INSTANCE: {
    comp_instance *in = &d->u.instance;
    for (uint32_t i = 0; i < in->nargs; i++) free(in->args[i].name.s);
    free(in->args);
    for (uint32_t i = 0; i < in->nexports; i++)
      comp_externname_clear(&in->exports[i].name);
    free(in->exports);
    break;
  }
  case COMP_DEF_ALIAS:
    free(d->u.alias.name.s);
    break;
  case COMP_DEF_TYPE:
    comp_type_free(d->u.type);
    break;
  case COMP_DEF_CANON:
    free(d->u.canon.opts);
    break;
  case COMP_DEF_START:
    free(d->u.start.args);
    break;
  case COMP_DEF_IMPORT:
    comp_externname_clear(&d->u.import.name);
    break;
  case COMP_DEF_EXPORT:
    comp_externname_clear(&d->u.export_.name);
    break;
  case COMP_DEF_VALUE:
    free(d->u.value.bytes);
    break;
  }
}

void comp_component_free(comp_component *c) {
  if (!c) return;
  comp_validation_free(c);
  for (uint32_t i = 0; i < c->ndefs; i++) comp_def_clear(&c->defs[i]);
  free(c->defs);
  free(c->id);
  free(c);
}

/* ---- index spaces --------------------------------------------------------- */

comp_sort comp_def_sort(const comp_def *d) {
  switch (d->kind) {
  case COMP_DEF_CORE_MODULE: return COMP_SORT_CORE_MODULE;
  case COMP_DEF_CORE_INSTANCE: return COMP_SORT_CORE_INSTANCE;
  case COMP_DEF_CORE_TYPE: return COMP_SORT_CORE_TYPE;
  case COMP_DEF_COMPONENT: return COMP_SORT_COMPONENT;
  case COMP_DEF_INSTANCE: return COMP_SORT_INSTANCE;
  case COMP_DEF_ALIAS: return d->u.alias.sort;
  case COMP_DEF_TYPE: return COMP_SORT_TYPE;
  case COMP_DEF_CANON:
    return d->u.canon.kind == COMP_CANON_LIFT ? COMP_SORT_FUNC
                                              : COMP_SORT_CORE_FUNC;
  case COMP_DEF_START: return COMP_SORT_VALUE;
  case COMP_DEF_IMPORT: return d->u.import.type.sort;
  case COMP_DEF_EXPORT: return d->u.export_.item.sort;
  case COMP_DEF_VALUE: return COMP_SORT_VALUE;
  }
  return COMP_NSORTS;
}

uint32_t comp_def_count(const comp_def *d) {
  return d->kind == COMP_DEF_START ? d->u.start.nresults : 1;
}

comp_sort comp_decl_sort(const comp_decl *d) {
  switch (d->kind) {
  case COMP_DECL_CORE_TYPE: return COMP_SORT_CORE_TYPE;
  case COMP_DECL_TYPE: return COMP_SORT_TYPE;
  case COMP_DECL_ALIAS: return d->alias.sort;
  case COMP_DECL_IMPORT:
  case COMP_DECL_EXPORT: return d->ext.sort;
  }
  return COMP_NSORTS;
}
