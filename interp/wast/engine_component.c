/* engine_component.c -- the component model engine behind the .wast runner
 * (see engine.h): `(component ...)` forms through comp_parse_component,
 * comp_validate and comp_instantiate, in the core engine's store so core
 * and component instances live side by side.
 *
 * Component functions take and return component values, so this engine
 * implements the optional invoke_forms / results_match operations: it
 * parses the argument constants itself (comp_values.h), checks them
 * against the function's parameter types, and compares lifted results with
 * the expected constants (canon_value_equal). */
#include <stdlib.h>
#include <string.h>

#include "../../canon/buf.h"
#include "../../canon/context.h"
#include "../../canon/grow.h"
#include "../../canon/store.h"
#include "../../canon/trace.h"
#include "../component/instantiate.h"
#include "../component/text.h"
#include "../component/validate.h"
#include "../core/validate.h"
#include "comp_values.h"
#include "engine.h"
#include "wast.h"

typedef struct comp_engine {
  wast_engine base; /* first: a wast_engine* is a comp_engine* */
  comp_store *store;
  /* a definition (base.defs) is its comp_component * */
  /* Instances a call left half-way through an unsupported built-in: their
   * state (may_enter, handles) is not what the spec would have, so later
   * calls on them are skipped, not run. */
  void **broken;
  size_t nbroken, broken_cap;
  canon_trace trace; /* used with --trace or a trace sink */
} comp_engine;

/* Results of an invoke. */
typedef struct comp_results {
  canon_value **v;
  uint32_t n;
} comp_results;

static void *cpe_decode(wast_engine *e, const sx_node *form, cm_error *err) {
  comp_component *c = comp_parse_component(form, NULL, err);
  if (!c) return NULL;
  wast_engine_keep_def(e, c);
  return c;
}

/* Validates the core modules of c and of its nested components. */
static bool validate_core_modules(comp_component *c, cm_error *err) {
  for (uint32_t i = 0; i < c->ndefs; i++) {
    comp_def *d = &c->defs[i];
    if (d->kind == COMP_DEF_CORE_MODULE && !d->u.core_module->validated &&
        !core_validate(d->u.core_module, err))
      return false;
    if (d->kind == COMP_DEF_COMPONENT &&
        !validate_core_modules(d->u.component, err))
      return false;
  }
  return true;
}

/* comp_validate (which validates the core modules inside too; the
 * explicit pass is a safety net: the core interpreter must never run code
 * whose branch targets validation did not resolve). */
static bool cpe_validate(wast_engine *e, void *def, cm_error *err) {
  (void)e;
  comp_component *c = def;
  return comp_validate(c, err) && validate_core_modules(c, err);
}

static void free_component(void *def) { comp_component_free(def); }

static wast_outcome from_comp(comp_outcome o) {
  switch (o) {
  case COMP_OK: return WAST_OK;
  case COMP_TRAP: return WAST_TRAP;
  case COMP_LINK: return WAST_LINK;
  case COMP_UNSUPPORTED: return WAST_UNSUPPORTED;
  }
  return WAST_ERROR;
}

static wast_outcome cpe_instantiate(wast_engine *e, void *def, void **inst,
                                    char *msg, size_t msgn) {
  comp_engine *ce = (comp_engine *)e;
  comp_inst *i = NULL;
  comp_outcome o = comp_instantiate(ce->store, (comp_component *)def, NULL,
                                    0, &i, msg, msgn);
  if (o == COMP_OK) *inst = i;
  return from_comp(o);
}

static wast_outcome cpe_invoke(wast_engine *e, void *inst, const char *name,
                               size_t len, const wast_value *args,
                               size_t nargs, wast_value **results,
                               size_t *nresults, char *msg, size_t msgn) {
  (void)e, (void)inst, (void)args, (void)nargs;
  *results = NULL;
  *nresults = 0;
  snprintf(msg, msgn, "\"%.*s\" is a component function: it takes component "
           "values", (int)len, name);
  return WAST_ERROR;
}

static wast_outcome cpe_get(wast_engine *e, void *inst, const char *name,
                            size_t len, wast_value *out, char *msg,
                            size_t msgn) {
  (void)e, (void)inst, (void)out;
  snprintf(msg, msgn, "cannot get \"%.*s\" of a component instance", (int)len,
           name);
  return WAST_ERROR;
}

static bool cpe_export(wast_engine *e, void *inst, const char *name,
                       size_t len, core_extern *out) {
  (void)e, (void)inst, (void)name, (void)len, (void)out;
  return false;
}

static wast_outcome cpe_invoke_forms(wast_engine *e, void *inst,
                                     const char *name, size_t len,
                                     sx_node *const *argforms, size_t nargs,
                                     void **results, char *msg, size_t msgn) {
  comp_engine *ce = (comp_engine *)e;
  *results = NULL;
  for (size_t i = 0; i < ce->nbroken; i++)
    if (ce->broken[i] == inst) {
      snprintf(msg, msgn, "unsupported feature: shared-everything-threads (an "
               "earlier call on this instance needed it)");
      return WAST_UNSUPPORTED;
    }
  comp_item it;
  if (!comp_exports_find(comp_inst_exports(inst), name, len, &it)) {
    snprintf(msg, msgn, "undefined export \"%.*s\"", (int)len, name);
    return WAST_ERROR;
  }
  if (it.sort != COMP_SORT_FUNC) {
    snprintf(msg, msgn, "export \"%.*s\" is not a function", (int)len, name);
    return WAST_ERROR;
  }
  const canon_FuncType *ft = comp_func_type(it.u.func);
  if (nargs != ft->nparams) {
    snprintf(msg, msgn, "wrong number of arguments: %zu, expected %u", nargs,
             ft->nparams);
    return WAST_ERROR;
  }
  canon_value **args = canon_xcalloc(nargs + 1, sizeof *args);
  for (size_t i = 0; i < nargs; i++) {
    cm_error err;
    cm_error_init(&err);
    char why[256] = "";
    if (!wast_comp_parse_value(argforms[i], &args[i], &err)) {
      snprintf(msg, msgn, "bad argument: %s", err.msg);
      canon_values_free(args, (uint32_t)nargs);
      return WAST_ERROR;
    }
    if (!canon_value_has_type(args[i], ft->params[i].t, why, sizeof why)) {
      snprintf(msg, msgn, "argument %zu does not fit its type: %s", i, why);
      canon_values_free(args, (uint32_t)nargs);
      return WAST_ERROR;
    }
  }
  comp_results *r = canon_xcalloc(1, sizeof *r);
  canon_Store *cs = comp_store_canon(ce->store);
  canon_trace *tr = cs->trace;
  /* The host's event loop may have run ticks since the last command
   * (design.md "Execution model"; CANON_CHOICE_HOST_TICK); a trap there is
   * this command's outcome, and the call is not made. */
  {
    canon_trap trap = {0};
    if (!canon_Store_host_ticks(cs, &trap)) {
      char jmsg[600];
      canon_trace_emit(tr, "host.trap", "\"message\":%s",
                       canon_json_str(jmsg, sizeof jmsg, trap.msg));
      snprintf(msg, msgn, "%s (in a host tick before this call)", trap.msg);
      canon_values_free(args, (uint32_t)nargs);
      free(r);
      return WAST_TRAP;
    }
  }
  char jname[256];
  {
    char nm[200];
    snprintf(nm, sizeof nm, "%.*s", (int)(len < 190 ? len : 190), name);
    canon_trace_emit(tr, "invoke", "\"name\":%s",
                     canon_json_str(jname, sizeof jname, nm));
  }
  comp_outcome o = comp_invoke(ce->store, it.u.func, args, (uint32_t)nargs,
                               &r->v, &r->n, msg, msgn);
  if (o == COMP_OK) {
    canon_trace_emit(tr, "invoke.return", "\"results\":%u", r->n);
  } else {
    char jmsg[600];
    canon_trace_emit(tr, "invoke.trap", "\"message\":%s",
                     canon_json_str(jmsg, sizeof jmsg, msg));
  }
  canon_values_free(args, (uint32_t)nargs);
  if (o == COMP_UNSUPPORTED) {
    CANON_GROW(ce->broken, ce->nbroken, ce->broken_cap, 4);
    ce->broken[ce->nbroken++] = inst;
  }
  if (o != COMP_OK) {
    free(r);
    /* Exhaustion deep inside core wasm reaches us as a trap message. */
    if (o == COMP_TRAP && (strcmp(msg, "call stack exhausted") == 0 ||
                           strcmp(msg, "out of fuel") == 0 ||
                           strncmp(msg, "timeout: ", 9) == 0))
      return WAST_EXHAUSTED;
    return from_comp(o);
  }
  *results = r;
  return WAST_OK;
}

static char *cpe_results_text(wast_engine *e, void *results) {
  (void)e;
  const comp_results *r = results;
  canon_buf b = {0};
  canon_buf_str(&b, r->n != 1 ? "[" : "");
  for (uint32_t i = 0; i < r->n; i++) {
    char *s = canon_value_to_string(r->v[i]);
    if (i) canon_buf_byte(&b, ' ');
    canon_buf_str(&b, s);
    free(s);
  }
  canon_buf_str(&b, r->n != 1 ? "]" : "");
  return b.p;
}

static bool cpe_results_match(wast_engine *e, void *results,
                              sx_node *const *expected, size_t n, char *why,
                              size_t whyn) {
  (void)e;
  const comp_results *r = results;
  bool ok = n == r->n;
  char exp[1200], got[1200];
  size_t used = (size_t)snprintf(exp, sizeof exp, n != 1 ? "[" : "");
  for (size_t i = 0; i < n; i++) {
    cm_error err;
    cm_error_init(&err);
    bool match = false;
    char text[1200];
    if (!wast_comp_match(expected[i], i < r->n ? r->v[i] : NULL, &match, text,
                         sizeof text, &err)) {
      snprintf(why, whyn, "bad result: %s", err.msg);
      return false;
    }
    ok = ok && match;
    if (used < sizeof exp)
      used += (size_t)snprintf(exp + used, sizeof exp - used, "%s%s",
                               i ? " " : "", text);
  }
  if (n != 1 && used < sizeof exp) snprintf(exp + used, sizeof exp - used, "]");
  if (!ok) {
    char *text = cpe_results_text(e, results);
    snprintf(got, sizeof got, "%s", text);
    free(text);
    snprintf(why, whyn, "expected %s, got %s", exp, got);
  }
  return ok;
}

static void cpe_free_results(wast_engine *e, void *results) {
  (void)e;
  comp_results *r = results;
  if (!r) return;
  canon_values_free(r->v, r->n);
  free(r);
}

/* Traps of the Canonical ABI are worded like the reference tests (which
 * come from Wasmtime) where the spec gives no words; where Wasmtime words
 * a condition differently, canon_trap_alias gives the other wording, and
 * core traps get Wasmtime's "wasm trap: " prefix forms.  As in Wasmtime's
 * wast runner, the expected words may occur anywhere in the message. */
static bool starts_with(const char *s, const char *p, size_t n) {
  return strlen(s) >= n && memcmp(s, p, n) == 0;
}

static bool contains(const char *s, const char *p, size_t n) {
  size_t sn = strlen(s);
  for (size_t i = 0; i + n <= sn; i++)
    if (memcmp(s + i, p, n) == 0) return true;
  return false;
}

static bool cpe_trap_matches(wast_engine *e, const char *actual,
                             const char *expected, size_t n) {
  (void)e;
  static const char prefix[] = "wasm trap: ";
  if (n >= sizeof prefix - 1 && memcmp(expected, prefix, sizeof prefix - 1) == 0) {
    expected += sizeof prefix - 1;
    n -= sizeof prefix - 1;
  }
  if (contains(actual, expected, n)) return true;
  /* Wasmtime often appends details to the words of a trap ("handle index
   * 1 used with the wrong type, expected ..."): our whole message followed
   * by such details matches. */
  size_t an = strlen(actual);
  if (an >= 16 && an < n && memcmp(expected, actual, an) == 0 &&
      (expected[an] == ',' || expected[an] == ':' || expected[an] == ' '))
    return true;
  for (int k = CANON_TRAP_GUEST; k <= CANON_TRAP_UNSUPPORTED; k++) {
    const char *m = canon_trap_message((canon_trap_kind)k);
    const char *a = canon_trap_alias((canon_trap_kind)k);
    if (a && strcmp(actual, m) == 0 && contains(a, expected, n)) return true;
  }
  static const struct {
    const char *ours, *theirs;
  } core_words[] = {
      {"unreachable", "wasm `unreachable` instruction executed"},
  };
  for (size_t k = 0; k < sizeof core_words / sizeof core_words[0]; k++)
    if (starts_with(actual, core_words[k].ours, strlen(core_words[k].ours)) &&
        contains(core_words[k].theirs, expected, n))
      return true;
  return false;
}

static void cpe_free(wast_engine *e) {
  comp_engine *ce = (comp_engine *)e;
  comp_store_free(ce->store);
  free(ce->broken);
  wast_engine_free_defs(e);
  free(ce);
}

static void cpe_stop(wast_engine *e) {
  comp_store_stop(((comp_engine *)e)->store);
}

static const wast_engine_ops comp_ops = {
    .stop = cpe_stop,
    .name = "component",
    .decode = cpe_decode,
    .validate = cpe_validate,
    .instantiate = cpe_instantiate,
    .invoke = cpe_invoke,
    .get = cpe_get,
    .export_extern = cpe_export,
    .free_def = free_component,
    .free = cpe_free,
};

static const wast_engine_ext comp_ext = {
    .invoke_forms = cpe_invoke_forms,
    .results_match = cpe_results_match,
    .results_text = cpe_results_text,
    .free_results = cpe_free_results,
    .trap_matches = cpe_trap_matches,
    .substring_messages = true,
};

comp_store *wast_component_engine_store(wast_engine *e) {
  return ((comp_engine *)e)->store;
}

wast_engine *wast_component_engine_new(wast_engine *core,
                                       const wast_comp_options *opt) {
  comp_engine *ce = calloc(1, sizeof *ce);
  if (!ce) return NULL;
  ce->base.ops = &comp_ops;
  ce->base.ext = &comp_ext;
  ce->store = comp_store_new(wast_core_engine_store(core));
  if (opt) {
    canon_Store *cs = comp_store_canon(ce->store);
    canon_sched_init(&cs->sched,
                     opt->sched_random ? CANON_SCHED_RANDOM
                                       : CANON_SCHED_DETERMINISTIC,
                     opt->seed);
    canon_limits limits = opt->limits;
    if (opt->max_threads) limits.max_threads = opt->max_threads;
    canon_Store_set_limits(cs, &limits);
    if (opt->fiber_pool) canon_Store_share_fibers(cs, opt->fiber_pool);
    if (opt->forced) canon_sched_force(&cs->sched, opt->forced, opt->nforced);
    cs->sched.profile = opt->profile;
    cs->coverage = opt->coverage;
    cs->sched.log = opt->log;
    comp_store_set_imap(ce->store, opt->imap);
    if (opt->trace || opt->trace_sink) {
      canon_trace_start(&ce->trace, opt->trace,
                        opt->sched_random
                            ? (opt->profile ? "random+profile" : "random")
                            : (opt->profile ? "deterministic+profile"
                                            : "deterministic"),
                        opt->seed, opt->trace_sink, opt->trace_sink_ctx);
      cs->trace = &ce->trace;
      cs->sched.trace = &ce->trace;
    }
  }
  return &ce->base;
}
