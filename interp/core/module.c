/* module.c -- helpers over the in-memory module (see module.h). */
#include "module.h"

#include <stdlib.h>
#include <string.h>

const core_opinfo core_opinfo_table[CORE_OP_COUNT] = {
#define OP(e, name, prefix, code, imm, sig) \
  {name, prefix, code, CORE_IMM_##imm, sig},
#include "opcodes.def"
#undef OP
};

bool core_is_reftype(core_valtype t) {
  return t == CORE_FUNCREF || t == CORE_EXTERNREF || t == CORE_EXNREF;
}

const char *core_valtype_name(core_valtype t) {
  switch (t) {
  case CORE_I32: return "i32";
  case CORE_I64: return "i64";
  case CORE_F32: return "f32";
  case CORE_F64: return "f64";
  case CORE_V128: return "v128";
  case CORE_FUNCREF: return "funcref";
  case CORE_EXTERNREF: return "externref";
  case CORE_EXNREF: return "exnref";
  }
  return "?";
}

core_module *core_module_new(void) { return calloc(1, sizeof(core_module)); }

static void free_name(core_name *n) { free(n->s); }

static void free_expr(core_expr *e) {
  free(e->instrs);
  free(e->pos);
  free(e->labels);
  free(e->try_pcs);
}

void core_module_free(core_module *m) {
  if (!m) return;
  for (uint32_t i = 0; i < m->ntypes; i++) {
    free(m->types[i].params);
    free(m->types[i].results);
  }
  free(m->types);
  for (uint32_t i = 0; i < m->nimports; i++) {
    free_name(&m->imports[i].module);
    free_name(&m->imports[i].name);
  }
  free(m->imports);
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    free(m->funcs[i].locals);
    free_expr(&m->funcs[i].body);
  }
  free(m->funcs);
  free(m->tables);
  free(m->mems);
  for (uint32_t i = 0; i < m->nglobals; i++) free_expr(&m->globals[i].init);
  free(m->globals);
  free(m->tags);
  for (uint32_t i = 0; i < m->nexports; i++) free_name(&m->exports[i].name);
  free(m->exports);
  for (uint32_t i = 0; i < m->nelems; i++) {
    free_expr(&m->elems[i].offset);
    for (uint32_t j = 0; j < m->elems[i].nitems; j++)
      free_expr(&m->elems[i].items[j]);
    free(m->elems[i].items);
  }
  free(m->elems);
  for (uint32_t i = 0; i < m->ndatas; i++) {
    free_expr(&m->datas[i].offset);
    free(m->datas[i].bytes);
  }
  free(m->datas);
  free(m->func_declared);
  free(m);
}

void core_module_count_imports(core_module *m) {
  m->nfunc_imports = m->ntable_imports = m->nmem_imports = 0;
  m->nglobal_imports = m->ntag_imports = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    switch (m->imports[i].kind) {
    case CORE_EXTERN_FUNC: m->nfunc_imports++; break;
    case CORE_EXTERN_TABLE: m->ntable_imports++; break;
    case CORE_EXTERN_MEMORY: m->nmem_imports++; break;
    case CORE_EXTERN_GLOBAL: m->nglobal_imports++; break;
    case CORE_EXTERN_TAG: m->ntag_imports++; break;
    }
  }
}

/* The n-th import of the given kind. */
static const core_import *nth_import(const core_module *m, core_externkind k,
                                     uint32_t n) {
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == k && n-- == 0) return &m->imports[i];
  return NULL;
}

const core_functype *core_module_func_type(const core_module *m, uint32_t idx) {
  uint32_t t = idx < m->nfunc_imports
                   ? nth_import(m, CORE_EXTERN_FUNC, idx)->desc.func
                   : m->funcs[idx - m->nfunc_imports].type;
  return &m->types[t];
}

const core_tabletype *core_module_table_type(const core_module *m, uint32_t idx) {
  return idx < m->ntable_imports
             ? &nth_import(m, CORE_EXTERN_TABLE, idx)->desc.table
             : &m->tables[idx - m->ntable_imports];
}

const core_memtype *core_module_mem_type(const core_module *m, uint32_t idx) {
  return idx < m->nmem_imports
             ? &nth_import(m, CORE_EXTERN_MEMORY, idx)->desc.memory
             : &m->mems[idx - m->nmem_imports];
}

const core_globaltype *core_module_global_type(const core_module *m, uint32_t idx) {
  return idx < m->nglobal_imports
             ? &nth_import(m, CORE_EXTERN_GLOBAL, idx)->desc.global
             : &m->globals[idx - m->nglobal_imports].type;
}

uint32_t core_module_tag_typeidx(const core_module *m, uint32_t idx) {
  return idx < m->ntag_imports ? nth_import(m, CORE_EXTERN_TAG, idx)->desc.tag
                               : m->tags[idx - m->ntag_imports];
}

uint32_t core_module_nfuncs_total(const core_module *m) {
  return m->nfunc_imports + m->nfuncs;
}
uint32_t core_module_ntables_total(const core_module *m) {
  return m->ntable_imports + m->ntables;
}
uint32_t core_module_nmems_total(const core_module *m) {
  return m->nmem_imports + m->nmems;
}
uint32_t core_module_nglobals_total(const core_module *m) {
  return m->nglobal_imports + m->nglobals;
}
uint32_t core_module_ntags_total(const core_module *m) {
  return m->ntag_imports + m->ntags;
}

bool core_module_uses_dataidx(const core_module *m) {
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    const core_expr *e = &m->funcs[i].body;
    for (uint32_t k = 0; k < e->ninstrs; k++)
      if (e->instrs[k].op == CORE_OP_MEMORY_INIT ||
          e->instrs[k].op == CORE_OP_DATA_DROP)
        return true;
  }
  return false;
}

char *core_functype_key(const core_functype *ft, size_t *len) {
  uint32_t head[2] = {ft->nparams, ft->nresults};
  size_t np = ft->nparams * sizeof *ft->params;
  size_t nr = ft->nresults * sizeof *ft->results;
  *len = sizeof head + np + nr;
  char *k = malloc(*len);
  if (!k) return NULL;
  memcpy(k, head, sizeof head);
  if (np) memcpy(k + sizeof head, ft->params, np);
  if (nr) memcpy(k + sizeof head + np, ft->results, nr);
  return k;
}

bool core_functype_equal(const core_functype *a, const core_functype *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (a->nparams == 0 ||
          !memcmp(a->params, b->params, a->nparams * sizeof *a->params)) &&
         (a->nresults == 0 ||
          !memcmp(a->results, b->results, a->nresults * sizeof *a->results));
}
