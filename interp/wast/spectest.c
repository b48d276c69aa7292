/* spectest.c -- the `spectest` host module (see spectest.h).
 *
 * Its exports, as the spec interpreter defines them: seven print functions,
 * four constant globals holding 666 / 666.6, a funcref table 10..20 (and a
 * table64 twin), and a memory 1..2.  One set of objects per store, made
 * up front, so every importer shares the same table and memory. */
#include "spectest.h"

#include <stdlib.h>
#include <string.h>

#include "values.h"
#include "../../canon/bits.h"

enum { N_PRINT = 7 };

typedef struct print_fn {
  const char *name;
  core_valtype params[2];
  uint32_t nparams;
} print_fn;

static const print_fn print_fns[N_PRINT] = {
    {"print", {CORE_I32, CORE_I32}, 0},
    {"print_i32", {CORE_I32, CORE_I32}, 1},
    {"print_i64", {CORE_I64, CORE_I64}, 1},
    {"print_f32", {CORE_F32, CORE_F32}, 1},
    {"print_f64", {CORE_F64, CORE_F64}, 1},
    {"print_i32_f32", {CORE_I32, CORE_F32}, 2},
    {"print_f64_f64", {CORE_F64, CORE_F64}, 2},
};

typedef struct print_env {
  wast_spectest *sp;
  core_functype type;
  core_valtype params[2];
} print_env;

struct wast_spectest {
  FILE *out;
  print_env envs[N_PRINT];
  core_func_inst *funcs[N_PRINT];
  core_global_inst *global_i32, *global_i64, *global_f32, *global_f64;
  core_table_inst *table, *table64;
  core_mem_inst *memory;
};

static core_outcome print_host(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  (void)s;
  (void)results;
  const print_env *pe = env;
  if (!pe->sp->out) return CORE_OK;
  for (uint32_t i = 0; i < pe->type.nparams; i++) {
    char buf[64];
    wast_value v = {pe->type.params[i], args[i]};
    wast_format_plain(&v, buf, sizeof buf);
    fprintf(pe->sp->out, "%s : %s\n", buf, core_valtype_name(v.type));
  }
  fflush(pe->sp->out);
  return CORE_OK;
}

static core_global_inst *const_global(core_store *s, core_valtype t,
                                      uint64_t bits) {
  core_globaltype gt = {t, false};
  return core_global_new(s, &gt, bits);
}

wast_spectest *wast_spectest_new(core_store *s, FILE *print_to) {
  wast_spectest *sp = calloc(1, sizeof *sp);
  if (!sp) return NULL;
  sp->out = print_to;
  for (int i = 0; i < N_PRINT; i++) {
    print_env *pe = &sp->envs[i];
    pe->sp = sp;
    memcpy(pe->params, print_fns[i].params, sizeof pe->params);
    pe->type.nparams = print_fns[i].nparams;
    pe->type.params = pe->params;
    pe->type.nresults = 0;
    pe->type.results = NULL;
    sp->funcs[i] = core_host_func_new(s, &pe->type, print_host, pe);
  }
  sp->global_i32 = const_global(s, CORE_I32, 666);
  sp->global_i64 = const_global(s, CORE_I64, 666);
  sp->global_f32 = const_global(s, CORE_F32, canon_f32_bits(666.6f));
  sp->global_f64 = const_global(s, CORE_F64, canon_f64_bits(666.6));
  core_tabletype tt = {CORE_FUNCREF, {10, 20, true, false, false}};
  sp->table = core_table_new(s, &tt, 0);
  tt.limits.is64 = true;
  sp->table64 = core_table_new(s, &tt, 0);
  core_memtype mt = {{1, 2, true, false, false}};
  sp->memory = core_memory_new(s, &mt);
  return sp;
}

void wast_spectest_free(wast_spectest *sp) { free(sp); }

static bool name_is(const char *name, size_t len, const char *s) {
  return strlen(s) == len && memcmp(name, s, len) == 0;
}

bool wast_spectest_export(const wast_spectest *sp, const char *name,
                          size_t len, core_extern *out) {
  for (int i = 0; i < N_PRINT; i++)
    if (name_is(name, len, print_fns[i].name)) {
      out->kind = CORE_EXTERN_FUNC;
      out->u.func = sp->funcs[i];
      return true;
    }
  static const char *const globals[] = {"global_i32", "global_i64",
                                        "global_f32", "global_f64"};
  core_global_inst *const gs[] = {sp->global_i32, sp->global_i64,
                                  sp->global_f32, sp->global_f64};
  for (int i = 0; i < 4; i++)
    if (name_is(name, len, globals[i])) {
      out->kind = CORE_EXTERN_GLOBAL;
      out->u.global = gs[i];
      return true;
    }
  if (name_is(name, len, "table") || name_is(name, len, "table64")) {
    out->kind = CORE_EXTERN_TABLE;
    out->u.table = len == 5 ? sp->table : sp->table64;
    return true;
  }
  if (name_is(name, len, "memory")) {
    out->kind = CORE_EXTERN_MEMORY;
    out->u.mem = sp->memory;
    return true;
  }
  return false;
}
