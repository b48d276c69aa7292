/* fuzz_exec.c -- see fuzz_exec.h. */
#include "fuzz_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp/component/binary.h"
#include "interp/component/encode.h"
#include "interp/component/equal.h"
#include "interp/core/binary.h"
#include "interp/core/encode.h"
#include "interp/core/equal.h"
#include "interp/core/validate.h"

core_config fuzz_config(void) {
  core_config c = {0};
  c.fuel = 20000;
  c.max_call_depth = 1000;
  c.max_memory_pages = 32; /* 2 MiB */
  c.max_table_elems = 10000;
  c.max_host_nesting = 50;
  return c;
}

static core_outcome host_zeros(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  const core_functype *ft = env;
  (void)s;
  (void)args;
  for (uint32_t i = 0; i < ft->nresults; i++) results[i] = 0;
  return CORE_OK;
}

static bool make_import(core_store *s, const core_module *m,
                        const core_import *im, core_extern *out) {
  out->kind = im->kind;
  switch (im->kind) {
  case CORE_EXTERN_FUNC: {
    const core_functype *ft = &m->types[im->desc.func];
    out->u.func = core_host_func_new(s, ft, host_zeros, (void *)ft);
    return out->u.func != NULL;
  }
  case CORE_EXTERN_TABLE:
    out->u.table = core_table_new(s, &im->desc.table, 0);
    return out->u.table != NULL;
  case CORE_EXTERN_MEMORY:
    out->u.mem = core_memory_new(s, &im->desc.memory);
    return out->u.mem != NULL;
  case CORE_EXTERN_GLOBAL:
    out->u.global = core_global_new(s, &im->desc.global, 0);
    return out->u.global != NULL;
  case CORE_EXTERN_TAG:
    out->u.tag = core_tag_new(s, &m->types[im->desc.tag]);
    return out->u.tag != NULL;
  }
  return false;
}

void fuzz_run_module(const core_module *m) {
  core_config cfg = fuzz_config();
  core_store *s = core_store_new(&cfg);
  if (!s) return;
  core_extern *imports = calloc(m->nimports + 1, sizeof *imports);
  bool ok = imports != NULL;
  for (uint32_t i = 0; ok && i < m->nimports; i++)
    ok = make_import(s, m, &m->imports[i], &imports[i]);
  core_instance *inst = NULL;
  cm_error err;
  cm_error_init(&err);
  if (ok && core_instantiate(s, m, imports, m->nimports, &inst, &err) ==
                CORE_OK) {
    for (uint32_t i = 0; i < m->nexports; i++) {
      const core_export *ex = &m->exports[i];
      core_extern e;
      if (ex->kind != CORE_EXTERN_FUNC ||
          !core_instance_export(inst, ex->name.s, ex->name.len, &e) ||
          e.kind != CORE_EXTERN_FUNC)
        continue;
      const core_functype *ft = core_func_type(e.u.func);
      uint64_t *args = calloc(ft->nparams + 1, sizeof *args);
      uint64_t *res = calloc(ft->nresults + 1, sizeof *res);
      if (args && res) (void)core_call(s, e.u.func, args, res);
      free(args);
      free(res);
    }
  }
  free(imports);
  core_store_free(s);
}

char *fuzz_nul_copy(const uint8_t *data, size_t size) {
  char *src = malloc(size + 1);
  if (!src) return NULL;
  memcpy(src, data, size);
  src[size] = 0;
  return src;
}

/* The encode-decode-compare check of both binary formats: m, a core
 * module, or else c, a component.  A re-decoded core module must also
 * validate again. */
static void roundtrip(const core_module *m, const comp_component *c) {
  const char *what = m ? "module" : "component";
  uint8_t *bytes = NULL;
  size_t len = 0;
  cm_error err;
  cm_error_init(&err);
  if (!(m ? core_encode(m, &bytes, &len, &err)
          : comp_encode(c, &bytes, &len, &err)))
    return; /* no binary form */
  cm_error_init(&err);
  core_module *m2 = m ? core_decode(bytes, len, &err) : NULL;
  comp_component *c2 = m ? NULL : comp_decode_component(bytes, len, &err);
  if (!m2 && !c2) {
    char buf[600];
    cm_error_format(&err, buf, sizeof buf);
    fprintf(stderr, "fuzz: re-decoding the encoded %s failed: %s\n", what,
            buf);
    abort();
  }
  char why[512] = "";
  if (!(m2 ? core_module_equal(m, m2, why, sizeof why)
           : comp_component_equal(c, c2, why, sizeof why))) {
    fprintf(stderr, "fuzz: encode+decode changed the %s: %s\n", what, why);
    abort();
  }
  cm_error_init(&err);
  if (m2 && !core_validate(m2, &err)) {
    fprintf(stderr, "fuzz: the re-decoded module no longer validates: %s\n",
            err.msg);
    abort();
  }
  core_module_free(m2);
  comp_component_free(c2);
  free(bytes);
}

void fuzz_roundtrip(const core_module *m) { roundtrip(m, NULL); }

void fuzz_roundtrip_component(const comp_component *c) { roundtrip(NULL, c); }
