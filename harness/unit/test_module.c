/* test_module.c -- unit tests of the helpers in interp/core/module.c:
 * index spaces (imports first, then definitions, per kind), function type
 * equality, value type names, the opcode table, and freeing a fully
 * populated module (the ASan build checks that nothing leaks). */
#include <stdlib.h>

#include "harness/unit/unit.h"
#include "interp/core/module.h"

static core_name name(const char *s) {
  core_name n = {strdup(s), (uint32_t)strlen(s)};
  return n;
}

static core_functype functype(uint32_t np, const core_valtype *p, uint32_t nr,
                              const core_valtype *r) {
  core_functype t = {np, nr, NULL, NULL};
  if (np) {
    t.params = malloc(np * sizeof *p);
    memcpy(t.params, p, np * sizeof *p);
  }
  if (nr) {
    t.results = malloc(nr * sizeof *r);
    memcpy(t.results, r, nr * sizeof *r);
  }
  return t;
}

static core_expr end_only(void) {
  core_expr e = {0};
  e.ninstrs = 1;
  e.instrs = calloc(1, sizeof *e.instrs);
  e.instrs[0].op = CORE_OP_END;
  return e;
}

/* A module whose imports interleave every kind, so a lookup that forgets to
 * count per kind gets a wrong answer:
 *   types:   0 = [i32 i32] -> [i32], 1 = [] -> [], 2 = same as 0
 *   imports: func(type 1), global i64 mut, func(type 0), memory 1..2,
 *            table funcref 10, tag(type 1)
 *   defined: func(type 2), global f32, memory64 3, table externref, tag(0)
 */
static core_module *sample(void) {
  static const core_valtype ii[] = {CORE_I32, CORE_I32}, i[] = {CORE_I32};
  core_module *m = core_module_new();
  m->ntypes = 3;
  m->types = calloc(3, sizeof *m->types);
  m->types[0] = functype(2, ii, 1, i);
  m->types[1] = functype(0, NULL, 0, NULL);
  m->types[2] = functype(2, ii, 1, i);

  m->nimports = 6;
  m->imports = calloc(6, sizeof *m->imports);
  core_import *im = m->imports;
  im[0] = (core_import){name("env"), name("f0"), CORE_EXTERN_FUNC, {.func = 1}};
  im[1] = (core_import){name("env"), name("g"), CORE_EXTERN_GLOBAL,
                        {.global = {CORE_I64, true}}};
  im[2] = (core_import){name("env"), name("f1"), CORE_EXTERN_FUNC, {.func = 0}};
  im[3] = (core_import){name("env"), name("mem"), CORE_EXTERN_MEMORY,
                        {.memory = {{1, 2, true, false, false}}}};
  im[4] = (core_import){name("env"), name("tab"), CORE_EXTERN_TABLE,
                        {.table = {CORE_FUNCREF, {10, 0, false, false, false}}}};
  im[5] = (core_import){name("env"), name("tag"), CORE_EXTERN_TAG, {.tag = 1}};
  core_module_count_imports(m);

  m->nfuncs = 1;
  m->funcs = calloc(1, sizeof *m->funcs);
  m->funcs[0].type = 2;
  m->funcs[0].nlocals = 2;
  m->funcs[0].locals = calloc(2, sizeof(core_valtype));
  m->funcs[0].body = end_only();
  m->nglobals = 1;
  m->globals = calloc(1, sizeof *m->globals);
  m->globals[0].type = (core_globaltype){CORE_F32, false};
  m->globals[0].init = end_only();
  m->nmems = 1;
  m->mems = calloc(1, sizeof *m->mems);
  m->mems[0].limits = (core_limits){3, 0, false, true, false};
  m->ntables = 1;
  m->tables = calloc(1, sizeof *m->tables);
  m->tables[0] = (core_tabletype){CORE_EXTERNREF, {0, 5, true, false, false}};
  m->ntags = 1;
  m->tags = calloc(1, sizeof *m->tags);
  m->tags[0] = 0;

  m->nexports = 1;
  m->exports = calloc(1, sizeof *m->exports);
  m->exports[0] = (core_export){name("add"), CORE_EXTERN_FUNC, 2};
  m->nelems = 1;
  m->elems = calloc(1, sizeof *m->elems);
  m->elems[0].mode = CORE_SEG_ACTIVE;
  m->elems[0].offset = end_only();
  m->elems[0].type = CORE_FUNCREF;
  m->elems[0].nitems = 2;
  m->elems[0].items = calloc(2, sizeof(core_expr));
  m->elems[0].items[0] = end_only();
  m->elems[0].items[1] = end_only();
  m->ndatas = 1;
  m->datas = calloc(1, sizeof *m->datas);
  m->datas[0].mode = CORE_SEG_PASSIVE;
  m->datas[0].len = 3;
  m->datas[0].bytes = (uint8_t *)strdup("abc");
  m->func_declared = calloc(3, sizeof(bool));
  return m;
}

TEST(import_counts) {
  core_module *m = sample();
  CHECK_INT(m->nfunc_imports, 2);
  CHECK_INT(m->nglobal_imports, 1);
  CHECK_INT(m->nmem_imports, 1);
  CHECK_INT(m->ntable_imports, 1);
  CHECK_INT(m->ntag_imports, 1);
  CHECK_INT(core_module_nfuncs_total(m), 3);
  CHECK_INT(core_module_nglobals_total(m), 2);
  CHECK_INT(core_module_nmems_total(m), 2);
  CHECK_INT(core_module_ntables_total(m), 2);
  CHECK_INT(core_module_ntags_total(m), 2);
  /* Counting again (a producer may call it twice) must not accumulate. */
  core_module_count_imports(m);
  CHECK_INT(m->nfunc_imports, 2);
  core_module_free(m);
}

TEST(index_spaces_imports_first) {
  core_module *m = sample();
  CHECK(core_module_func_type(m, 0) == &m->types[1]); /* import f0 */
  CHECK(core_module_func_type(m, 1) == &m->types[0]); /* import f1 */
  CHECK(core_module_func_type(m, 2) == &m->types[2]); /* funcs[0] */
  CHECK_INT(core_module_global_type(m, 0)->type, CORE_I64);
  CHECK(core_module_global_type(m, 0)->mut);
  CHECK_INT(core_module_global_type(m, 1)->type, CORE_F32);
  CHECK(!core_module_global_type(m, 1)->mut);
  CHECK_INT(core_module_mem_type(m, 0)->limits.max, 2);
  CHECK(!core_module_mem_type(m, 0)->limits.is64);
  CHECK(core_module_mem_type(m, 1)->limits.is64);
  CHECK_INT(core_module_mem_type(m, 1)->limits.min, 3);
  CHECK_INT(core_module_table_type(m, 0)->elem, CORE_FUNCREF);
  CHECK_INT(core_module_table_type(m, 0)->limits.min, 10);
  CHECK_INT(core_module_table_type(m, 1)->elem, CORE_EXTERNREF);
  CHECK_INT(core_module_tag_typeidx(m, 0), 1);
  CHECK_INT(core_module_tag_typeidx(m, 1), 0);
  core_module_free(m);
}

TEST(functype_equality) {
  static const core_valtype ii[] = {CORE_I32, CORE_I32}, i[] = {CORE_I32},
                            il[] = {CORE_I32, CORE_I64}, l[] = {CORE_I64};
  core_functype a = functype(2, ii, 1, i), b = functype(2, ii, 1, i);
  core_functype c = functype(2, il, 1, i), d = functype(2, ii, 1, l);
  core_functype e = functype(1, i, 1, i), none1 = functype(0, NULL, 0, NULL),
                none2 = functype(0, NULL, 0, NULL);
  CHECK(core_functype_equal(&a, &b)); /* equal by structure, not pointer */
  CHECK(!core_functype_equal(&a, &c)); /* a param differs */
  CHECK(!core_functype_equal(&a, &d)); /* a result differs */
  CHECK(!core_functype_equal(&a, &e)); /* arity differs */
  CHECK(core_functype_equal(&none1, &none2));
  CHECK(!core_functype_equal(&none1, &a));
  core_functype *all[] = {&a, &b, &c, &d, &e, &none1, &none2};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
    free(all[k]->params);
    free(all[k]->results);
  }
}

TEST(valtypes) {
  static const unit_name names[] = {
      {CORE_I32, "i32"},       {CORE_I64, "i64"},
      {CORE_F32, "f32"},       {CORE_F64, "f64"},
      {CORE_V128, "v128"},     {CORE_FUNCREF, "funcref"},
      {CORE_EXTERNREF, "externref"}, {CORE_EXNREF, "exnref"}};
  CHECK_NAMES(core_valtype_name, names);
  CHECK(core_is_reftype(CORE_FUNCREF));
  CHECK(core_is_reftype(CORE_EXTERNREF));
  CHECK(core_is_reftype(CORE_EXNREF));
  CHECK(!core_is_reftype(CORE_I32));
  CHECK(!core_is_reftype(CORE_F64));
  CHECK(!core_is_reftype(CORE_V128));
  /* Binary encodings (core spec 5.3.3/5.3.4): i32 0x7F ... externref 0x6F. */
  CHECK_INT(CORE_I32, 0x7F);
  CHECK_INT(CORE_F64, 0x7C);
  CHECK_INT(CORE_FUNCREF, 0x70);
  CHECK_INT(CORE_EXTERNREF, 0x6F);
}

TEST(opcode_table) {
  /* A few entries checked against the spec's binary instruction index. */
  const core_opinfo *add = &core_opinfo_table[CORE_OP_I32_ADD];
  CHECK_STR(add->name, "i32.add");
  CHECK_INT(add->prefix, 0);
  CHECK_INT(add->code, 0x6A);
  CHECK_STR(add->sig, "ii:i");
  CHECK_INT(add->imm, CORE_IMM_NONE);
  const core_opinfo *fill = &core_opinfo_table[CORE_OP_MEMORY_FILL];
  CHECK_STR(fill->name, "memory.fill");
  CHECK_INT(fill->prefix, 0xFC);
  CHECK_INT(fill->code, 11);
  CHECK_INT(fill->imm, CORE_IMM_MEM);
  CHECK_STR(core_opinfo_table[CORE_OP_END].name, "end");
  CHECK_INT(core_opinfo_table[CORE_OP_END].code, 0x0B);
  CHECK_INT(core_opinfo_table[CORE_OP_UNREACHABLE].code, 0x00);
  CHECK_INT(core_opinfo_table[CORE_OP_I64_TRUNC_SAT_F64_U].prefix, 0xFC);
  CHECK_INT(core_opinfo_table[CORE_OP_I64_TRUNC_SAT_F64_U].code, 7);

  /* Every entry is named, and names and (prefix, code) pairs are unique:
   * the text parser and the binary decoder look instructions up by them.
   * The one shared name is `select`: 0x1B, and 0x1C with a (result t)
   * annotation, which the parser tells apart by the annotation. */
  for (int a = 0; a < CORE_OP_COUNT; a++) {
    const core_opinfo *x = &core_opinfo_table[a];
    if (!CHECK(x->name && x->name[0] && x->sig)) continue;
    CHECK(x->prefix == 0 || x->prefix == 0xFC);
    for (int b = a + 1; b < CORE_OP_COUNT; b++) {
      const core_opinfo *y = &core_opinfo_table[b];
      if (!y->name) continue;
      if (strcmp(x->name, y->name) == 0 && x->imm != CORE_IMM_SELECT_T &&
          y->imm != CORE_IMM_SELECT_T) {
        CHECK(!"duplicate name");
        fprintf(stderr, "    name %s at %d and %d\n", x->name, a, b);
      }
      if (x->prefix == y->prefix && x->code == y->code) {
        CHECK(!"duplicate opcode");
        fprintf(stderr, "    %s and %s share 0x%x 0x%x\n", x->name, y->name,
                x->prefix, x->code);
      }
    }
  }
}

TEST(free_tolerates_null_and_empty) {
  core_module_free(NULL);
  core_module *m = core_module_new();
  CHECK(m != NULL);
  CHECK_INT(m->ntypes, 0);
  CHECK(!m->validated);
  core_module_free(m);
}

int main(void) {
  UNIT_BEGIN;
  RUN(import_counts);
  RUN(index_spaces_imports_first);
  RUN(functype_equality);
  RUN(valtypes);
  RUN(opcode_table);
  RUN(free_tolerates_null_and_empty);
  return UNIT_END;
}
