/* engine_core.c -- the core wasm engine behind the .wast runner (see
 * engine.h): text/binary/quote modules through core_parse_module, then
 * core_validate, core_instantiate and core_call, all in one store. */
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "../core/text.h"
#include "../core/validate.h"
#include "engine.h"
#include "spectest.h"

/* An instance: a wasm instance, or the spectest host module. */
typedef struct core_inst_ref {
  core_instance *inst;
  const wast_spectest *host;
} core_inst_ref;

typedef struct core_engine {
  wast_engine base; /* first: a wast_engine* is a core_engine* */
  core_store *store;
  core_features features;
  wast_spectest *spectest;
  core_inst_ref spectest_ref;
  CANON_VEC(core_inst_ref *) insts; /* every instance, to free them */
  /* a definition (base.defs) is its core_module * */
} core_engine;

static void *ce_decode(wast_engine *e, const sx_node *form, cm_error *err) {
  core_engine *ce = (core_engine *)e;
  core_module *m = core_parse_module_features(form, NULL, &ce->features, err);
  if (!m) return NULL;
  wast_engine_keep_def(e, m);
  return m;
}

static bool ce_validate(wast_engine *e, void *def, cm_error *err) {
  return core_validate_features(def, &((core_engine *)e)->features, err);
}

/* Maps a core outcome to the script's, taking the message from the store. */
static wast_outcome from_core(core_engine *ce, core_outcome o, char *msg,
                              size_t msgn) {
  switch (o) {
  case CORE_OK: return WAST_OK;
  case CORE_TRAP:
    snprintf(msg, msgn, "%s", core_store_message(ce->store));
    return WAST_TRAP;
  case CORE_EXHAUSTED:
    snprintf(msg, msgn, "%s", core_store_message(ce->store));
    return WAST_EXHAUSTED;
  case CORE_THROWN:
    snprintf(msg, msgn, "uncaught exception");
    return WAST_EXCEPTION;
  case CORE_LINK_ERROR:
    snprintf(msg, msgn, "link error");
    return WAST_LINK;
  }
  snprintf(msg, msgn, "unknown outcome");
  return WAST_ERROR;
}

static wast_outcome ce_instantiate(wast_engine *e, void *def, void **out,
                                   char *msg, size_t msgn) {
  core_engine *ce = (core_engine *)e;
  const core_module *m = def;
  core_extern *imports = canon_xcalloc(m->nimports, sizeof *imports);
  for (uint32_t i = 0; i < m->nimports; i++) {
    const core_import *im = &m->imports[i];
    bool skip = false;
    if (!e->resolve(e->resolve_ctx, im->module.s, im->module.len, im->name.s,
                    im->name.len, &imports[i], &skip, msg, msgn)) {
      free(imports);
      if (skip) return WAST_UNSUPPORTED;
      snprintf(msg, msgn, "unknown import \"%.*s\".\"%.*s\"",
               (int)im->module.len, im->module.s, (int)im->name.len,
               im->name.s);
      return WAST_LINK;
    }
  }
  cm_error err;
  cm_error_init(&err);
  core_instance *inst = NULL;
  core_outcome o =
      core_instantiate(ce->store, m, imports, m->nimports, &inst, &err);
  free(imports);
  if (o == CORE_LINK_ERROR) {
    snprintf(msg, msgn, "%s", err.msg[0] ? err.msg : "link error");
    return err.kind == CM_UNSUPPORTED ? WAST_UNSUPPORTED : WAST_LINK;
  }
  if (o != CORE_OK) return from_core(ce, o, msg, msgn);
  core_inst_ref *r = canon_xcalloc(1, sizeof *r);
  r->inst = inst;
  CANON_VEC_PUSH(&ce->insts, r);
  *out = r;
  return WAST_OK;
}

static bool ce_export(wast_engine *e, void *inst, const char *name,
                      size_t len, core_extern *out) {
  (void)e;
  const core_inst_ref *r = inst;
  if (r->host) return wast_spectest_export(r->host, name, len, out);
  return core_instance_export(r->inst, name, (uint32_t)len, out);
}

/* The export (name, len) of inst, which must be a `kind` (`what`); else
 * WAST_ERROR with msg saying why. */
static wast_outcome ce_export_of(wast_engine *e, void *inst, const char *name,
                                 size_t len, core_externkind kind,
                                 const char *what, core_extern *out, char *msg,
                                 size_t msgn) {
  if (!ce_export(e, inst, name, len, out)) {
    snprintf(msg, msgn, "undefined export \"%.*s\"", (int)len, name);
    return WAST_ERROR;
  }
  if (out->kind != kind) {
    snprintf(msg, msgn, "export \"%.*s\" is not a %s", (int)len, name, what);
    return WAST_ERROR;
  }
  return WAST_OK;
}

static wast_outcome ce_invoke(wast_engine *e, void *inst, const char *name,
                              size_t len, const wast_value *args,
                              size_t nargs, wast_value **results,
                              size_t *nresults, char *msg, size_t msgn) {
  core_engine *ce = (core_engine *)e;
  core_extern ex;
  *results = NULL;
  *nresults = 0;
  wast_outcome found = ce_export_of(e, inst, name, len, CORE_EXTERN_FUNC,
                                    "function", &ex, msg, msgn);
  if (found != WAST_OK) return found;
  const core_functype *ft = core_func_type(ex.u.func);
  if (nargs != ft->nparams) {
    snprintf(msg, msgn, "wrong number of arguments: %zu, expected %u", nargs,
             ft->nparams);
    return WAST_ERROR;
  }
  size_t nres = ft->nresults;
  uint64_t *argbits = canon_xcalloc(nargs + 1, sizeof *argbits);
  uint64_t *resbits = canon_xcalloc(nres + 1, sizeof *resbits);
  wast_value *vals = canon_xcalloc(nres + 1, sizeof *vals);
  for (size_t i = 0; i < nargs; i++) {
    if (args[i].type != ft->params[i]) {
      snprintf(msg, msgn, "wrong type of argument %zu: %s, expected %s", i,
               core_valtype_name(args[i].type),
               core_valtype_name(ft->params[i]));
      free(argbits);
      free(resbits);
      free(vals);
      return WAST_ERROR;
    }
    argbits[i] = args[i].bits;
  }
  core_outcome o = core_call(ce->store, ex.u.func, argbits, resbits);
  free(argbits);
  if (o != CORE_OK) {
    free(resbits);
    free(vals);
    return from_core(ce, o, msg, msgn);
  }
  for (size_t i = 0; i < nres; i++) {
    vals[i].type = ft->results[i];
    vals[i].bits = resbits[i];
    if (ft->results[i] == CORE_I32 || ft->results[i] == CORE_F32)
      vals[i].bits &= 0xffffffffu;
  }
  free(resbits);
  *results = vals;
  *nresults = nres;
  return WAST_OK;
}

static wast_outcome ce_get(wast_engine *e, void *inst, const char *name,
                           size_t len, wast_value *out, char *msg,
                           size_t msgn) {
  core_extern ex;
  wast_outcome found = ce_export_of(e, inst, name, len, CORE_EXTERN_GLOBAL,
                                    "global", &ex, msg, msgn);
  if (found != WAST_OK) return found;
  out->type = core_global_type(ex.u.global)->type;
  out->bits = core_global_get(ex.u.global);
  if (out->type == CORE_I32 || out->type == CORE_F32)
    out->bits &= 0xffffffffu;
  return WAST_OK;
}

static void ce_free(wast_engine *e) {
  core_engine *ce = (core_engine *)e;
  /* The store first: instances refer to spectest's function types. */
  core_store_free(ce->store);
  wast_spectest_free(ce->spectest);
  for (uint32_t i = ce->insts.n; i-- > 0;) free(ce->insts.v[i]);
  CANON_VEC_FREE(&ce->insts);
  wast_engine_free_defs(e);
  free(ce);
}

static void free_module(void *def) { core_module_free(def); }

static const wast_engine_ops core_ops = {
    .name = "core",
    .decode = ce_decode,
    .validate = ce_validate,
    .instantiate = ce_instantiate,
    .invoke = ce_invoke,
    .get = ce_get,
    .export_extern = ce_export,
    .free_def = free_module,
    .free = ce_free,
};

wast_engine *wast_core_engine_new(const core_config *cfg,
                                  const core_features *features,
                                  FILE *print_to,
                                  struct core_membytes_pool *mem_pool) {
  core_engine *ce = calloc(1, sizeof *ce);
  if (!ce) return NULL;
  ce->base.ops = &core_ops;
  ce->features = *features;
  ce->store = core_store_new(cfg);
  if (!ce->store) {
    free(ce);
    return NULL;
  }
  if (mem_pool) core_store_share_memories(ce->store, mem_pool);
  ce->spectest = wast_spectest_new(ce->store, print_to);
  if (!ce->spectest) {
    core_store_free(ce->store);
    free(ce);
    return NULL;
  }
  ce->spectest_ref.host = ce->spectest;
  return &ce->base;
}

void *wast_core_engine_spectest(wast_engine *e) {
  return &((core_engine *)e)->spectest_ref;
}

core_store *wast_core_engine_store(wast_engine *e) {
  return ((core_engine *)e)->store;
}
