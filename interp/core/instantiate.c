/* instantiate.c -- module instantiation (core spec "Modules",
 * "Instantiation"): import matching by extern subtyping, allocation of the
 * module's functions, tables, memories, globals, tags and segments, then
 * element and data segment initialisation in the spec's order, then the
 * start function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

/* ---- import matching ("Import Subtyping" / limits subtyping) ---------- */

static bool limits_match(const core_limits *actual, const core_limits *want) {
  if (actual->is64 != want->is64) return false;
  if (actual->min < want->min) return false;
  if (!want->has_max) return true;
  return actual->has_max && actual->max <= want->max;
}

static bool import_matches(const core_instance *inst, const core_import *im,
                           const core_extern *ex) {
  if (ex->kind != im->kind) return false;
  switch (im->kind) {
  case CORE_EXTERN_FUNC:
    return ex->u.func && ex->u.func->type == inst->types[im->desc.func];
  case CORE_EXTERN_TABLE: {
    const core_table_inst *t = ex->u.table;
    if (!t || t->type.elem != im->desc.table.elem) return false;
    core_limits cur = t->type.limits;
    cur.min = t->size;
    return limits_match(&cur, &im->desc.table.limits);
  }
  case CORE_EXTERN_MEMORY: {
    const core_mem_inst *m = ex->u.mem;
    if (!m) return false;
    /* Threads proposal, "Shared Linear Memory": a shared memory matches
     * only a shared import and an unshared one only an unshared import. */
    if (m->type.limits.shared != im->desc.memory.limits.shared) return false;
    core_limits cur = m->type.limits;
    cur.min = m->pages;
    return limits_match(&cur, &im->desc.memory.limits);
  }
  case CORE_EXTERN_GLOBAL: {
    const core_global_inst *g = ex->u.global;
    return g && g->type.mut == im->desc.global.mut &&
           g->type.type == im->desc.global.type;
  }
  case CORE_EXTERN_TAG:
    return ex->u.tag && ex->u.tag->type == inst->types[im->desc.tag];
  }
  return false;
}

/* ---- constant expressions ------------------------------------------------ */

/* Evaluates a validated constant expression (wasm 2.0 plus extended-const
 * arithmetic). */
static bool eval_const(core_store *s, const core_instance *inst,
                       const core_expr *e, uint64_t *out) {
  uint64_t small[8], *stk = small;
  if (e->ninstrs > 8 && !(stk = malloc(e->ninstrs * sizeof *stk))) return false;
  uint32_t n = 0;
  bool ok = true;
  for (uint32_t i = 0; i < e->ninstrs && ok; i++) {
    const core_instr *in = &e->instrs[i];
    switch ((core_opcode)in->op) {
    case CORE_OP_I32_CONST:
    case CORE_OP_I64_CONST:
    case CORE_OP_F32_CONST:
    case CORE_OP_F64_CONST: stk[n++] = in->imm; break;
    case CORE_OP_REF_NULL: stk[n++] = 0; break;
    case CORE_OP_REF_FUNC:
      stk[n++] = (uint64_t)(uintptr_t)inst->funcs[in->idx];
      break;
    case CORE_OP_GLOBAL_GET: stk[n++] = inst->globals[in->idx]->val; break;
    case CORE_OP_I32_ADD: n--; stk[n - 1] = (uint32_t)(stk[n - 1] + stk[n]); break;
    case CORE_OP_I32_SUB: n--; stk[n - 1] = (uint32_t)(stk[n - 1] - stk[n]); break;
    case CORE_OP_I32_MUL: n--; stk[n - 1] = (uint32_t)(stk[n - 1] * stk[n]); break;
    case CORE_OP_I64_ADD: n--; stk[n - 1] = stk[n - 1] + stk[n]; break;
    case CORE_OP_I64_SUB: n--; stk[n - 1] = stk[n - 1] - stk[n]; break;
    case CORE_OP_I64_MUL: n--; stk[n - 1] = stk[n - 1] * stk[n]; break;
    case CORE_OP_END: i = e->ninstrs; break;
    default:
      core_trap(s, "unsupported constant instruction %s",
                core_opinfo_table[in->op].name);
      ok = false;
    }
  }
  if (ok) *out = n ? stk[n - 1] : 0;
  if (stk != small) free(stk);
  return ok;
}

/* ---- instantiation ---------------------------------------------------------- */

#define ALLOC(p, n) ((p) = core_store_alloc(s, (n), sizeof *(p)))

static core_outcome oom(core_store *s) {
  return core_set_message(s, CORE_TRAP, "out of memory");
}

core_outcome core_instantiate(core_store *s, const core_module *m,
                              const core_extern *imports, uint32_t nimports,
                              core_instance **out, cm_error *err) {
  if (nimports != m->nimports) {
    cm_error_set(err, CM_LINK,
                 "wrong number of imports provided for initialisation");
    return CORE_LINK_ERROR;
  }
  core_instance *inst = core_store_alloc(s, 1, sizeof *inst);
  if (!inst) return oom(s);
  inst->m = m;
  /* Owned by the store from now on, even if initialisation traps: its
   * functions may already sit in imported tables. */
  if (!core_store_track(s, &s->insts, inst)) return oom(s);
  uint32_t nf = core_module_nfuncs_total(m), nt = core_module_ntables_total(m),
           nm = core_module_nmems_total(m), ng = core_module_nglobals_total(m),
           ntag = core_module_ntags_total(m);
  if (!ALLOC(inst->types, m->ntypes) || !ALLOC(inst->funcs, nf) ||
      !ALLOC(inst->tables, nt) || !ALLOC(inst->mems, nm) ||
      !ALLOC(inst->globals, ng) || !ALLOC(inst->tags, ntag) ||
      !ALLOC(inst->elems, m->nelems) || !ALLOC(inst->elem_len, m->nelems) ||
      !ALLOC(inst->data_len, m->ndatas))
    return oom(s);
  for (uint32_t i = 0; i < m->ntypes; i++)
    if (!(inst->types[i] = core_store_intern_type(s, &m->types[i])))
      return oom(s);

  /* Imports, checked against their declared types. */
  uint32_t fi = 0, ti = 0, mi = 0, gi = 0, tgi = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const core_import *im = &m->imports[i];
    if (!import_matches(inst, im, &imports[i])) {
      cm_error_set(err, CM_LINK, "incompatible import type for \"%s\" \"%s\"",
                   im->module.s, im->name.s);
      return CORE_LINK_ERROR;
    }
    switch (im->kind) {
    case CORE_EXTERN_FUNC: inst->funcs[fi++] = imports[i].u.func; break;
    case CORE_EXTERN_TABLE: inst->tables[ti++] = imports[i].u.table; break;
    case CORE_EXTERN_MEMORY: inst->mems[mi++] = imports[i].u.mem; break;
    case CORE_EXTERN_GLOBAL: inst->globals[gi++] = imports[i].u.global; break;
    case CORE_EXTERN_TAG: inst->tags[tgi++] = imports[i].u.tag; break;
    }
  }

  /* Allocation, in the spec's order: tags, functions, globals, tables,
   * memories, data, elements. */
  for (uint32_t i = 0; i < m->ntags; i++)
    if (!(inst->tags[tgi++] = core_tag_new(s, &m->types[m->tags[i]])))
      return oom(s);
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    const core_func *code = &m->funcs[i];
    core_func_inst *f = core_store_alloc(s, 1, sizeof *f);
    if (!f || !core_store_track(s, &s->funcs, f)) return oom(s);
    f->type = inst->types[code->type];
    f->inst = inst;
    f->code = code;
    f->nlocals_total = f->type->ft.nparams + code->nlocals;
    /* Slack for the values a catch or a branch to the function's label
     * puts back. */
    f->frame_slots = f->nlocals_total + code->body.max_height +
                     f->type->ft.nresults + 1;
    inst->funcs[fi++] = f;
  }
  for (uint32_t i = 0; i < m->nglobals; i++) {
    uint64_t v;
    if (!eval_const(s, inst, &m->globals[i].init, &v)) return CORE_TRAP;
    if (!(inst->globals[gi++] = core_global_new(s, &m->globals[i].type, v)))
      return oom(s);
  }
  for (uint32_t i = 0; i < m->ntables; i++)
    if (!(inst->tables[ti++] = core_table_new(s, &m->tables[i], 0)))
      return core_set_message(s, CORE_TRAP, "table size limit reached");
  for (uint32_t i = 0; i < m->nmems; i++)
    if (!(inst->mems[mi++] = core_memory_new(s, &m->mems[i])))
      return core_set_message(s, CORE_TRAP, "memory size limit reached");
  for (uint32_t i = 0; i < m->ndatas; i++) inst->data_len[i] = m->datas[i].len;
  for (uint32_t i = 0; i < m->nelems; i++) {
    const core_elem *el = &m->elems[i];
    if (!ALLOC(inst->elems[i], el->nitems)) return oom(s);
    for (uint32_t j = 0; j < el->nitems; j++)
      if (!eval_const(s, inst, &el->items[j], &inst->elems[i][j]))
        return CORE_TRAP;
    inst->elem_len[i] = el->nitems;
  }

  /* Element segments: active ones are copied into their table then
   * dropped, declarative ones dropped. */
  for (uint32_t i = 0; i < m->nelems; i++) {
    const core_elem *el = &m->elems[i];
    if (el->mode == CORE_SEG_ACTIVE) {
      uint64_t off;
      if (!eval_const(s, inst, &el->offset, &off)) return CORE_TRAP;
      if (!core_table_init(inst->tables[el->table], inst->elems[i],
                           inst->elem_len[i], off, 0, el->nitems))
        return core_set_message(s, CORE_TRAP, "out of bounds table access");
    }
    if (el->mode != CORE_SEG_PASSIVE) inst->elem_len[i] = 0;
  }
  /* Then data segments likewise. */
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const core_data *d = &m->datas[i];
    if (d->mode != CORE_SEG_ACTIVE) continue;
    uint64_t off;
    if (!eval_const(s, inst, &d->offset, &off)) return CORE_TRAP;
    if (!core_memory_init(inst->mems[d->memory], d->bytes, inst->data_len[i],
                          off, 0, d->len))
      return core_set_message(s, CORE_TRAP, "out of bounds memory access");
    inst->data_len[i] = 0;
  }

  if (m->has_start) {
    core_outcome o = core_call(s, inst->funcs[m->start], NULL, NULL);
    if (o != CORE_OK) return o;
  }
  *out = inst;
  return CORE_OK;
}

bool core_instance_export(const core_instance *inst, const char *name,
                          uint32_t len, core_extern *out) {
  const core_module *m = inst->m;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const core_export *e = &m->exports[i];
    if (e->name.len != len || memcmp(e->name.s, name, len)) continue;
    out->kind = e->kind;
    switch (e->kind) {
    case CORE_EXTERN_FUNC: out->u.func = inst->funcs[e->idx]; break;
    case CORE_EXTERN_TABLE: out->u.table = inst->tables[e->idx]; break;
    case CORE_EXTERN_MEMORY: out->u.mem = inst->mems[e->idx]; break;
    case CORE_EXTERN_GLOBAL: out->u.global = inst->globals[e->idx]; break;
    case CORE_EXTERN_TAG: out->u.tag = inst->tags[e->idx]; break;
    }
    return true;
  }
  return false;
}

const core_module *core_instance_module(const core_instance *inst) {
  return inst->m;
}
