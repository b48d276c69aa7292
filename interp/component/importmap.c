/* importmap.c -- the core import map of a script's instantiations (see
 * importmap.h).  Output, one JSON object per line:
 *
 *   {"instance":N,"parent":P}
 *   {"core":K,"inst":N,"module":{"fnv1a64":"HEX","size":BYTES},
 *    "imports":[{"module":"","name":"task.return","kind":"func",
 *                "builtin":"task.return","inst":N}, ...],
 *    "exports":["run", ...]}
 *   {"lift":{"core":K,"export":"run"},"inst":N,
 *    "callback":{"core":K,"export":"run-cb"}|null,"post_return":...,
 *    "realloc":...}
 *
 * K numbers the core instances made by `instantiate` from 1, in creation
 * order.  An import's "builtin" is the canon built-in's name as the trace
 * writes it, or "lower" for a lowered import (with "async":true for an
 * async lower); absent for anything else (a
 * core export of another core instance, a memory, a table).  "inst" of an
 * import is the component instance whose canon definition made it: the
 * `inst` of the trace events it causes. */
#include "importmap.h"

#include <stdlib.h>
#include <string.h>

#include "../../canon/trace.h"
#include "../core/encode.h"
#include "../../canon/grow.h"

typedef struct host_fn {
  const core_func_inst *f;
  const char *what;
  bool is_async;
  uint32_t inst;
} host_fn;

struct comp_imap {
  FILE *out;
  host_fn *hosts;
  size_t nhosts, caphosts;
  const core_instance **cores; /* cores[k-1]: core instance k */
  size_t ncores, capcores;
};

comp_imap *comp_imap_new(FILE *out) {
  comp_imap *m = calloc(1, sizeof *m);
  if (m) m->out = out;
  return m;
}

void comp_imap_free(comp_imap *m) {
  if (!m) return;
  free(m->hosts);
  free(m->cores);
  free(m);
}

void comp_imap_instance(comp_imap *m, uint32_t id, uint32_t parent) {
  if (m) fprintf(m->out, "{\"instance\":%u,\"parent\":%u}\n", id, parent);
}

void comp_imap_host(comp_imap *m, const core_func_inst *f, const char *what,
                    bool is_async, uint32_t inst) {
  if (!m || !f) return;
  CANON_GROW(m->hosts, m->nhosts, m->caphosts, 32);
  m->hosts[m->nhosts++] = (host_fn){f, what, is_async, inst};
}

static const host_fn *find_host(const comp_imap *m, const core_func_inst *f) {
  for (size_t i = 0; i < m->nhosts; i++)
    if (m->hosts[i].f == f) return &m->hosts[i];
  return NULL;
}

static const char *const kind_names[] = {"func", "table", "memory", "global",
                                         "tag"};

static void put_str(FILE *o, const char *s) {
  char buf[600];
  fputs(canon_json_str(buf, sizeof buf, s), o);
}

void comp_imap_core_instance(comp_imap *m, uint32_t inst,
                             const core_module *mod,
                             const core_extern *imports,
                             const core_instance *ci) {
  if (!m || !ci) return;
  CANON_GROW(m->cores, m->ncores, m->capcores, 32);
  m->cores[m->ncores++] = ci;
  FILE *o = m->out;
  /* The fingerprint of the module's binary encoding: the bytes another
   * runtime extracts from the component that `cmref assemble` wrote. */
  uint8_t *bin = NULL;
  size_t len = 0;
  uint64_t h = 0xcbf29ce484222325u;
  cm_error err;
  cm_error_init(&err);
  if (core_encode(mod, &bin, &len, &err))
    for (size_t i = 0; i < len; i++) h = (h ^ bin[i]) * 0x100000001b3u;
  free(bin);
  fprintf(o, "{\"core\":%zu,\"inst\":%u,\"module\":{\"fnv1a64\":\"%016llx\","
             "\"size\":%zu},\"imports\":[",
          m->ncores, inst, (unsigned long long)h, len);
  for (uint32_t i = 0; i < mod->nimports; i++) {
    const core_import *im = &mod->imports[i];
    fputs(i ? ",{\"module\":" : "{\"module\":", o);
    put_str(o, im->module.s);
    fputs(",\"name\":", o);
    put_str(o, im->name.s);
    fprintf(o, ",\"kind\":\"%s\"",
            im->kind <= CORE_EXTERN_TAG ? kind_names[im->kind] : "?");
    const host_fn *hf = imports[i].kind == CORE_EXTERN_FUNC
                            ? find_host(m, imports[i].u.func) : NULL;
    if (hf)
      fprintf(o, ",\"builtin\":\"%s\",%s\"inst\":%u", hf->what,
              hf->is_async ? "\"async\":true," : "", hf->inst);
    fputc('}', o);
  }
  fputs("],\"exports\":[", o);
  for (uint32_t i = 0; i < mod->nexports; i++) {
    if (i) fputc(',', o);
    put_str(o, mod->exports[i].name.s);
  }
  fputs("]}\n", o);
}

/* {"core":K,"export":"name"} of the first export that is f, or null. */
static void put_func(const comp_imap *m, const core_func_inst *f) {
  FILE *o = m->out;
  for (size_t k = 0; f && k < m->ncores; k++) {
    const core_module *mod = core_instance_module(m->cores[k]);
    for (uint32_t i = 0; i < mod->nexports; i++) {
      core_extern e;
      if (mod->exports[i].kind != CORE_EXTERN_FUNC ||
          !core_instance_export(m->cores[k], mod->exports[i].name.s,
                                mod->exports[i].name.len, &e) ||
          e.u.func != f)
        continue;
      fprintf(o, "{\"core\":%zu,\"export\":", k + 1);
      put_str(o, mod->exports[i].name.s);
      fputc('}', o);
      return;
    }
  }
  fputs("null", o);
}

void comp_imap_lift(comp_imap *m, uint32_t inst, const core_func_inst *callee,
                    const core_func_inst *callback,
                    const core_func_inst *post_return,
                    const core_func_inst *realloc) {
  if (!m) return;
  FILE *o = m->out;
  fputs("{\"lift\":", o);
  put_func(m, callee);
  fprintf(o, ",\"inst\":%u,\"callback\":", inst);
  put_func(m, callback);
  fputs(",\"post_return\":", o);
  put_func(m, post_return);
  fputs(",\"realloc\":", o);
  put_func(m, realloc);
  fputs("}\n", o);
}
