/* stubs_weak.c -- TEMPORARY: weak stand-ins for the functions the runner
 * and the CLI use from parts still being written (S-expression reader,
 * text parser, decoder, validator, executor), so `make` links while they
 * land.  Each real definition overrides its stub; the whole file goes away
 * once every part is in. */
#include <stdlib.h>

#include "../core/binary.h"
#include "../core/exec.h"
#include "../core/text.h"
#include "../core/validate.h"
#include "../text/sexpr.h"

#define WEAK __attribute__((weak))

WEAK sx_node *sx_read(const char *src, size_t len, const char *file,
                      cm_error *err) {
  (void)src, (void)len, (void)file;
  cm_error_set(err, CM_UNSUPPORTED, "unsupported feature: sexpr (not built)");
  return NULL;
}
WEAK void sx_free(sx_node *n) { (void)n; }
WEAK bool sx_is_form(const sx_node *n, const char *kw) {
  (void)n, (void)kw;
  return false;
}
WEAK bool sx_is_keyword(const sx_node *n, const char *kw) {
  (void)n, (void)kw;
  return false;
}
WEAK bool sx_atom_eq(const sx_node *n, const char *s) {
  (void)n, (void)s;
  return false;
}
WEAK void sx_error(cm_error *err, const sx_node *n, const char *fmt, ...) {
  (void)n, (void)fmt;
  cm_error_set(err, CM_MALFORMED, "error");
}
WEAK bool sx_uint(const sx_node *n, unsigned bits, uint64_t *out) {
  (void)n, (void)bits, (void)out;
  return false;
}
WEAK bool sx_int(const sx_node *n, unsigned bits, uint64_t *out) {
  (void)n, (void)bits, (void)out;
  return false;
}
WEAK bool sx_f32(const sx_node *n, uint32_t *bits) {
  (void)n, (void)bits;
  return false;
}
WEAK bool sx_f64(const sx_node *n, uint64_t *bits) {
  (void)n, (void)bits;
  return false;
}
WEAK bool sx_uint_text(const char *s, size_t len, unsigned bits,
                       uint64_t *out) {
  (void)s, (void)len, (void)bits, (void)out;
  return false;
}
WEAK bool sx_int_text(const char *s, size_t len, unsigned bits,
                      uint64_t *out) {
  (void)s, (void)len, (void)bits, (void)out;
  return false;
}
WEAK bool sx_f32_text(const char *s, size_t len, uint32_t *bits) {
  (void)s, (void)len, (void)bits;
  return false;
}
WEAK bool sx_f64_text(const char *s, size_t len, uint64_t *bits) {
  (void)s, (void)len, (void)bits;
  return false;
}

WEAK core_module *core_parse_module(const sx_node *form,
                                    const sx_node **id_out, cm_error *err) {
  (void)form, (void)id_out;
  cm_error_set(err, CM_UNSUPPORTED, "unsupported feature: text (not built)");
  return NULL;
}
WEAK core_module *core_parse_wat(const char *src, size_t len,
                                 const char *file, cm_error *err) {
  (void)src, (void)len, (void)file;
  cm_error_set(err, CM_UNSUPPORTED, "unsupported feature: text (not built)");
  return NULL;
}
WEAK core_module *core_decode(const uint8_t *bytes, size_t len,
                              cm_error *err) {
  (void)bytes, (void)len;
  cm_error_set(err, CM_UNSUPPORTED,
               "unsupported feature: binary (not built)");
  return NULL;
}
WEAK bool core_validate(core_module *m, cm_error *err) {
  (void)m;
  cm_error_set(err, CM_UNSUPPORTED,
               "unsupported feature: validation (not built)");
  return false;
}

/* The executor: a store that can make nothing. */
WEAK core_store *core_store_new(const core_config *cfg) {
  (void)cfg;
  return malloc(1);
}
WEAK void core_store_free(core_store *s) { free(s); }
WEAK const char *core_store_message(const core_store *s) {
  (void)s;
  return "executor not built";
}
WEAK uint64_t core_store_fuel_used(const core_store *s) {
  (void)s;
  return 0;
}
WEAK core_outcome core_instantiate(core_store *s, const core_module *m,
                                   const core_extern *imports,
                                   uint32_t nimports, core_instance **out,
                                   cm_error *err) {
  (void)s, (void)m, (void)imports, (void)nimports, (void)out;
  cm_error_set(err, CM_UNSUPPORTED,
               "unsupported feature: execution (not built)");
  return CORE_LINK_ERROR;
}
WEAK bool core_instance_export(const core_instance *inst, const char *name,
                               uint32_t len, core_extern *out) {
  (void)inst, (void)name, (void)len, (void)out;
  return false;
}
WEAK core_outcome core_call(core_store *s, core_func_inst *f,
                            const uint64_t *args, uint64_t *results) {
  (void)s, (void)f, (void)args, (void)results;
  return CORE_TRAP;
}
WEAK const core_functype *core_func_type(const core_func_inst *f) {
  (void)f;
  return NULL;
}
WEAK core_func_inst *core_host_func_new(core_store *s,
                                        const core_functype *type,
                                        core_host_fn fn, void *env) {
  (void)s, (void)type, (void)fn, (void)env;
  return NULL;
}
WEAK core_table_inst *core_table_new(core_store *s, const core_tabletype *t,
                                     core_ref init) {
  (void)s, (void)t, (void)init;
  return NULL;
}
WEAK core_mem_inst *core_memory_new(core_store *s, const core_memtype *t) {
  (void)s, (void)t;
  return NULL;
}
WEAK core_global_inst *core_global_new(core_store *s,
                                       const core_globaltype *t,
                                       uint64_t value) {
  (void)s, (void)t, (void)value;
  return NULL;
}
WEAK uint64_t core_global_get(const core_global_inst *g) {
  (void)g;
  return 0;
}
WEAK const core_globaltype *core_global_type(const core_global_inst *g) {
  (void)g;
  return NULL;
}
