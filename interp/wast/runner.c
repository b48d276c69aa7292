/* runner.c -- the .wast script runner (see wast.h).
 *
 * One handler per command keyword, in a table, so later command families
 * (the component model's `component ...`) slot in beside the core ones.
 * Handlers never stop the script: each records pass, fail or skip for its
 * command and the runner moves on, like a test harness rather than the
 * spec interpreter (which aborts at the first failure).
 *
 * Semantics follow the spec interpreter's script runner:
 *  - `(module $M? ...)` defines, validates and instantiates; `$M` (and "the
 *    latest") then names both the module and the instance.  `(module
 *    definition ...)` only defines; `(module instance $I? $M?)`
 *    instantiates.
 *  - assertions on a module (assert_trap/assert_unlinkable on a module form)
 *    define it as the latest module but bind no instance.
 *  - expected messages match when the actual message starts with them.
 * Our own policy on top:
 *  - for assertions about components (and invokes on component instances)
 *    the expected message may occur anywhere in the actual one, the rule of
 *    Wasmtime's wast runner, for which the component-model tests were
 *    written (the engine says so: wast_engine_ext.substring_messages);
 *  - a command needing an unsupported feature is skipped (never passed), and
 *    so is every command that depends on a skipped module;
 *  - a module that failed makes the commands that use it fail, saying so;
 *  - for assert_invalid/malformed/unlinkable/uninstantiable only the kind of
 *    error decides; a different message is a counted "message mismatch".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/sched.h"
#include "state.h"
#include "coverage.h"
#include "defs.h"
#include "engine.h"
#include "values.h"
#include "wast.h"
#include "../../canon/buf.h"
#include "../../canon/grow.h"

/* ---- names: modules, instances, the registry --------------------------- */

typedef enum ent_state { ENT_OK, ENT_FAILED, ENT_SKIPPED } ent_state;

/* A module definition or an instance, or the memory that making it failed
 * (so later commands can say why they cannot run). */
typedef struct entry {
  ent_state state;
  wast_engine *eng;
  void *ptr; /* definition or instance, owned by eng */
  uint32_t line;
  char *reason;
  struct entry *next;
} entry;

typedef struct binding {
  char *name; /* $id or registered name; bytes, may hold NUL */
  size_t len;
  entry *e;
} binding;

typedef struct bindmap {
  binding *items;
  size_t n, cap;
  entry *latest;
} bindmap;

typedef struct runner {
  const char *file;
  wast_engine *core;
  wast_engine *comp; /* the component model's engine, same store */
  bindmap modules, instances, registry;
  entry *entries;
  wast_file_result *res;
  wast_coverage *cov; /* CMREF_COVERAGE; NULL */
  wast_defs *defs;    /* wast_options.defs */
  bool keep_results;  /* wast_options.keep_results */
} runner;

/* The outcome of one command as its handler builds it. */
typedef struct cmd {
  wast_status st;
  bool mismatch;
  char msg[4096];
  char *result; /* a passing action's values (keep_results), or NULL */
} cmd;

static char *dup_bytes(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = 0;
  }
  return d;
}

static entry *new_entry(runner *r, ent_state st, wast_engine *eng, void *ptr,
                        uint32_t line, const char *reason) {
  entry *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->state = st;
  e->eng = eng;
  e->ptr = ptr;
  e->line = line;
  e->reason = reason ? dup_bytes(reason, strlen(reason)) : NULL;
  e->next = r->entries;
  r->entries = e;
  return e;
}

/* Binds name (NULL: only "the latest") to e.  A later binding of the same
 * name hides the earlier one. */
static void bind(bindmap *m, const char *name, size_t len, entry *e) {
  if (!e) return;
  m->latest = e;
  if (!name) return;
  for (size_t i = 0; i < m->n; i++)
    if (m->items[i].len == len && memcmp(m->items[i].name, name, len) == 0) {
      m->items[i].e = e;
      return;
    }
  CANON_GROW(m->items, m->n, m->cap, 16);
  char *copy = dup_bytes(name, len);
  if (!copy) return;
  m->items[m->n++] = (binding){copy, len, e};
}

static entry *lookup(const bindmap *m, const char *name, size_t len) {
  if (!name) return m->latest;
  for (size_t i = 0; i < m->n; i++)
    if (m->items[i].len == len && memcmp(m->items[i].name, name, len) == 0)
      return m->items[i].e;
  return NULL;
}

static void free_bindmap(bindmap *m) {
  for (size_t i = 0; i < m->n; i++) free(m->items[i].name);
  free(m->items);
}

/* The registry, seen by engines when they link imports. */
static bool resolve(void *ctx, const char *module, size_t mlen,
                    const char *name, size_t nlen, core_extern *out,
                    bool *skipped, char *msg, size_t msgn) {
  runner *r = ctx;
  entry *e = lookup(&r->registry, module ? module : "", mlen);
  if (!e) return false;
  if (e->state == ENT_SKIPPED) {
    *skipped = true;
    snprintf(msg, msgn, "%s", e->reason ? e->reason : "skipped");
    return false;
  }
  if (e->state != ENT_OK) return false;
  return e->eng->ops->export_extern(e->eng, e->ptr, name, nlen, out);
}

/* Says why a command cannot use entry e (which is not ENT_OK). */
static void blocked(cmd *c, const entry *e, const char *what) {
  if (e->state == ENT_SKIPPED)
    WAST_SET(c, WAST_SKIP, "%s", e->reason ? e->reason : "depends on a skipped module");
  else
    WAST_SET(c, WAST_FAIL, "%s at line %u failed: %s", what, e->line,
         e->reason ? e->reason : "?");
}

/* ---- small helpers over forms ------------------------------------------ */

static const sx_node *item(const sx_node *form, size_t i) {
  return i < form->n ? form->items[i] : NULL;
}

static bool is_id(const sx_node *n) { return n && n->kind == SX_ID; }

static bool is_string(const sx_node *n) { return n && n->kind == SX_STRING; }

/* Does `actual` start with `expected` (the spec's message matching)? */
/* Does actual match the expected message of an assertion about a module
 * (or instance) of eng?  A prefix, or anywhere for an engine that says so. */
static bool msg_matches(const wast_engine *eng, const char *actual,
                        const sx_node *expected) {
  size_t n = expected->strlen, an = strlen(actual);
  if (an < n) return false;
  if (!(eng && eng->ext && eng->ext->substring_messages))
    return memcmp(actual, expected->str, n) == 0;
  for (size_t i = 0; i + n <= an; i++)
    if (memcmp(actual + i, expected->str, n) == 0) return true;
  return false;
}

static const char *outcome_name(wast_outcome o) {
  switch (o) {
  case WAST_OK: return "success";
  case WAST_TRAP: return "trap";
  case WAST_EXHAUSTED: return "exhaustion";
  case WAST_EXCEPTION: return "exception";
  case WAST_LINK: return "link error";
  case WAST_UNSUPPORTED: return "unsupported";
  case WAST_ERROR: return "script error";
  }
  return "?";
}

static const char *err_kind_word(cm_errkind k) {
  switch (k) {
  case CM_MALFORMED: return "malformed";
  case CM_INVALID: return "invalid";
  case CM_LINK: return "unlinkable";
  case CM_UNSUPPORTED: return "unsupported";
  default: return "error";
  }
}

/* The error with its position, for messages: "invalid: f.wast:3:5: ...". */
static void err_text(const cm_error *err, char *buf, size_t n) {
  char pos[700];
  cm_error_format(err, pos, sizeof pos);
  snprintf(buf, n, "%s: %s", err_kind_word(err->kind), pos);
}

/* ---- modules ------------------------------------------------------------ */

/* A module form split into its parts. */
typedef struct modform {
  bool definition, instance;
  const sx_node *id;   /* $M, or NULL */
  const sx_node *id2;  /* `module instance $I $M`: $M */
} modform;

static bool split_module(const sx_node *form, modform *mf) {
  memset(mf, 0, sizeof *mf);
  if (!sx_is_form(form, "module") && !sx_is_form(form, "component"))
    return false;
  size_t i = 1;
  if (sx_is_keyword(item(form, 1), "definition")) {
    mf->definition = true;
    i = 2;
  } else if (sx_is_keyword(item(form, 1), "instance")) {
    mf->instance = true;
    i = 2;
  }
  if (is_id(item(form, i))) mf->id = form->items[i++];
  if (mf->instance && is_id(item(form, i))) mf->id2 = form->items[i++];
  return true;
}

/* The engine of a module form: `(component ...)` forms go to the
 * component engine, `(module ...)` forms to the core one. */
static wast_engine *engine_for(runner *r, const sx_node *form) {
  return sx_is_form(form, "component") ? r->comp : r->core;
}

/* Decodes (and validates) a module form with the engine.  Returns the
 * definition, or NULL with err set. */
static void *load_def(runner *r, const sx_node *form, bool validate,
                      cm_error *err) {
  wast_engine *eng = engine_for(r, form);
  wast_defs *kept = validate ? r->defs : NULL;
  void *def = kept ? wast_defs_get(kept, form) : NULL;
  if (def) return def;
  const sx_node **items = NULL;
  sx_node view = *form;
  if (sx_is_keyword(item(form, 1), "definition")) {
    /* The module parser knows nothing of `definition`: hand it a view of
     * the form without that keyword, sharing the other items. */
    items = canon_xrealloc(NULL, (form->n - 1) * sizeof *items);
    items[0] = form->items[0];
    memcpy(items + 1, form->items + 2, (form->n - 2) * sizeof *items);
    view.items = (sx_node **)items;
    view.n = form->n - 1;
  }
  def = eng->ops->decode(eng, &view, err);
  free(items);
  if (!def) {
    if (err->kind == CM_OK) cm_error_set(err, CM_MALFORMED, "cannot decode");
    return NULL;
  }
  if (validate && !eng->ops->validate(eng, def, err)) {
    if (err->kind == CM_OK) cm_error_set(err, CM_INVALID, "invalid module");
    wast_engine_free_def(eng, def);
    return NULL;
  }
  if (kept) wast_defs_put(kept, form, def, wast_engine_take_def(eng, def));
  return def;
}

/* load_def, validated; NULL after setting c: a skip for an unsupported
 * feature (its message), else a failure with the error ("expected WHAT,
 * got ERROR" when what is given). */
static void *load_or_fail(runner *r, const sx_node *form, const char *what,
                          cmd *c) {
  cm_error err;
  cm_error_init(&err);
  void *def = load_def(r, form, true, &err);
  if (def) return def;
  char buf[1024];
  err_text(&err, buf, sizeof buf);
  if (err.kind == CM_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", err.msg);
  else if (what) WAST_SET(c, WAST_FAIL, "expected %s, got %s", what, buf);
  else WAST_SET(c, WAST_FAIL, "%s", buf);
  return NULL;
}

/* An $id as a binding key (not NUL-terminated: use with id_len). */
static const char *id_text(const sx_node *id) { return id ? id->text : NULL; }
static size_t id_len(const sx_node *id) { return id ? id->len : 0; }

/* The entry of m named id (NULL: the latest), a `what` a command names;
 * if there is none, fails the command and returns NULL. */
static entry *lookup_named(cmd *c, const bindmap *m, const sx_node *id,
                           const char *what) {
  entry *e = lookup(m, id_text(id), id_len(id));
  if (!e) {
    if (id) WAST_SET(c, WAST_FAIL, "unknown %s %.*s", what, (int)id->len, id->text);
    else WAST_SET(c, WAST_FAIL, "no %s defined", what);
  }
  return e;
}

/* The same, and the entry must have succeeded: else NULL, c set to why
 * (blocked). */
static entry *lookup_ready(cmd *c, const bindmap *m, const sx_node *id,
                           const char *what) {
  entry *e = lookup_named(c, m, id, what);
  if (e && e->state != ENT_OK) {
    blocked(c, e, "module");
    return NULL;
  }
  return e;
}

/* Instantiates the module of entry m; on success binds nothing and returns
 * the instance. */
static wast_outcome instantiate(runner *r, entry *m, void **inst, char *msg,
                                size_t msgn) {
  (void)r;
  return m->eng->ops->instantiate(m->eng, m->ptr, inst, msg, msgn);
}

/* `(module instance $I? $M?)` */
static void do_instance(runner *r, const sx_node *form, const modform *mf,
                        cmd *c) {
  /* With one name, it names the module (spec README "Scripts"). */
  const sx_node *iname = mf->id2 ? mf->id : NULL;
  const sx_node *mname = mf->id2 ? mf->id2 : mf->id;
  entry *m = lookup_named(c, &r->modules, mname, "module");
  if (!m) {
    bind(&r->instances, id_text(iname), id_len(iname),
         new_entry(r, ENT_FAILED, NULL, NULL, form->line, c->msg));
    return;
  }
  if (m->state != ENT_OK) {
    blocked(c, m, "module");
    bind(&r->instances, id_text(iname), id_len(iname),
         new_entry(r, m->state, NULL, NULL, form->line, c->msg));
    return;
  }
  char msg[1024] = "";
  void *inst = NULL;
  wast_outcome o = instantiate(r, m, &inst, msg, sizeof msg);
  if (o == WAST_OK) {
    c->st = WAST_PASS;
    bind(&r->instances, id_text(iname), id_len(iname),
         new_entry(r, ENT_OK, m->eng, inst, form->line, NULL));
    return;
  }
  if (o == WAST_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", msg);
  else WAST_SET(c, WAST_FAIL, "instantiation: %s: %s", outcome_name(o), msg);
  bind(&r->instances, id_text(iname), id_len(iname),
       new_entry(r, o == WAST_UNSUPPORTED ? ENT_SKIPPED : ENT_FAILED, NULL,
                 NULL, form->line, c->msg));
}

static void do_module(runner *r, const sx_node *form, cmd *c) {
  modform mf;
  split_module(form, &mf);
  if (mf.instance) {
    do_instance(r, form, &mf, c);
    return;
  }
  const char *name = id_text(mf.id);
  size_t len = id_len(mf.id);
  void *def = load_or_fail(r, form, NULL, c);
  if (!def) {
    ent_state st = c->st == WAST_SKIP ? ENT_SKIPPED : ENT_FAILED;
    entry *e = new_entry(r, st, NULL, NULL, form->line, c->msg);
    bind(&r->modules, name, len, e);
    if (!mf.definition) bind(&r->instances, name, len, e);
    return;
  }
  entry *m = new_entry(r, ENT_OK, engine_for(r, form), def, form->line, NULL);
  bind(&r->modules, name, len, m);
  c->st = WAST_PASS;
  if (mf.definition) return;
  char msg[1024] = "";
  void *inst = NULL;
  wast_outcome o = instantiate(r, m, &inst, msg, sizeof msg);
  if (o == WAST_OK) {
    bind(&r->instances, name, len,
         new_entry(r, ENT_OK, m->eng, inst, form->line, NULL));
    return;
  }
  if (o == WAST_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", msg);
  else WAST_SET(c, WAST_FAIL, "instantiation: %s: %s", outcome_name(o), msg);
  bind(&r->instances, name, len,
       new_entry(r, o == WAST_UNSUPPORTED ? ENT_SKIPPED : ENT_FAILED, NULL,
                 NULL, form->line, c->msg));
}

/* `(register "name" $I?)` */
static void do_register(runner *r, const sx_node *form, cmd *c) {
  const sx_node *name = item(form, 1);
  const sx_node *id = item(form, 2);
  if (!is_string(name) || (id && !is_id(id)) || form->n > 3) {
    WAST_SET(c, WAST_FAIL, "malformed register command");
    return;
  }
  entry *e = lookup_named(c, &r->instances, id, "module instance");
  if (!e) {
    return;
  }
  /* Registered even when it failed or was skipped, so importers learn why. */
  bind(&r->registry, name->str, name->strlen, e);
  if (e->state != ENT_OK) {
    blocked(c, e, "module");
    return;
  }
  c->st = WAST_PASS;
}

/* ---- actions ------------------------------------------------------------ */

/* The results of an action on an engine with values of its own
 * (wast_engine_ext): opaque, compared and freed by that engine. */
typedef struct ext_results {
  wast_engine *eng; /* NULL: the action gave core values */
  void *res;
} ext_results;

static void ext_results_free(ext_results *x) {
  if (x->eng && x->res) x->eng->ext->free_results(x->eng, x->res);
  x->eng = NULL;
  x->res = NULL;
}

/* Runs `(invoke $I? "name" const*)` or `(get $I? "name")`.  Returns false
 * when the command's fate is already decided in c (bad syntax, missing or
 * broken instance, unsupported constant); otherwise the outcome.  An
 * action on an engine with its own values fills *xr instead of *vals. */
static bool run_action(runner *r, const sx_node *act, wast_outcome *o,
                       wast_value **vals, size_t *nvals, ext_results *xr,
                       char *msg, size_t msgn, cmd *c) {
  *vals = NULL;
  *nvals = 0;
  xr->eng = NULL;
  xr->res = NULL;
  bool invoke = sx_is_form(act, "invoke");
  if (!invoke && !sx_is_form(act, "get")) {
    WAST_SET(c, WAST_FAIL, "expected an action (invoke or get)");
    return false;
  }
  size_t i = 1;
  const sx_node *id = is_id(item(act, 1)) ? act->items[i++] : NULL;
  const sx_node *name = item(act, i++);
  if (!is_string(name) || (!invoke && act->n != i)) {
    WAST_SET(c, WAST_FAIL, "malformed action");
    return false;
  }
  entry *e = lookup_ready(c, &r->instances, id, "module instance");
  if (!e) return false;
  wast_engine *eng = e->eng;
  if (eng->ext && invoke) {
    xr->eng = eng;
    *o = eng->ext->invoke_forms(eng, e->ptr, name->str, name->strlen,
                                act->items + i, act->n - i, &xr->res, msg,
                                msgn);
    return true;
  }
  if (!invoke) {
    wast_value *v = canon_xcalloc(1, sizeof *v);
    *o = eng->ops->get(eng, e->ptr, name->str, name->strlen, v, msg, msgn);
    if (*o == WAST_OK) {
      *vals = v;
      *nvals = 1;
    } else {
      free(v);
    }
    return true;
  }
  size_t nargs = act->n - i;
  wast_value *args = canon_xcalloc(nargs + 1, sizeof *args);
  for (size_t k = 0; k < nargs; k++) {
    cm_error err;
    cm_error_init(&err);
    if (!wast_parse_const(act->items[i + k], &args[k], &err)) {
      if (err.kind == CM_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", err.msg);
      else WAST_SET(c, WAST_FAIL, "bad argument: %s", err.msg);
      free(args);
      return false;
    }
  }
  *o = eng->ops->invoke(eng, e->ptr, name->str, name->strlen, args, nargs,
                        vals, nvals, msg, msgn);
  free(args);
  return true;
}

/* What an action gave: its outcome, and its values (*vals, or xr on an
 * engine with values of its own) or message. */
typedef struct action_result {
  wast_outcome o;
  wast_value *vals;
  size_t n;
  char msg[1024];
  ext_results xr;
} action_result;

/* run_action into *a. */
static bool run(runner *r, const sx_node *act, action_result *a, cmd *c) {
  a->msg[0] = 0;
  return run_action(r, act, &a->o, &a->vals, &a->n, &a->xr, a->msg,
                    sizeof a->msg, c);
}

static void format_value(const void *v, char *buf, size_t cap) {
  wast_format_value(v, buf, cap);
}

static void format_pattern(const void *p, char *buf, size_t cap) {
  wast_format_pattern(p, buf, cap);
}

/* "(i32.const 1)" for one item, "[(i32.const 1) (f32.const 2)]" else: the
 * n items of `size` bytes at items, each written by fmt (malloc'ed). */
static char *list_text(const void *items, size_t size, size_t n,
                       void (*fmt)(const void *, char *, size_t)) {
  canon_buf b = {0};
  canon_buf_str(&b, n != 1 ? "[" : "");
  for (size_t i = 0; i < n; i++) {
    char one[1200];
    fmt((const char *)items + i * size, one, sizeof one);
    if (i) canon_buf_byte(&b, ' ');
    canon_buf_str(&b, one);
  }
  canon_buf_str(&b, n != 1 ? "]" : "");
  return b.p;
}

/* list_text, cut to cap bytes (for messages) */
static void format_list(const void *items, size_t size, size_t n,
                        void (*fmt)(const void *, char *, size_t), char *buf,
                        size_t cap) {
  char *text = list_text(items, size, n, fmt);
  snprintf(buf, cap, "%s", text);
  free(text);
}

/* What an action gave instead of what was expected, for messages. */
static void describe(wast_outcome o, const wast_value *v, size_t n,
                     const char *msg, char *buf, size_t cap) {
  if (o == WAST_OK) format_list(v, sizeof *v, n, format_value, buf, cap);
  else snprintf(buf, cap, "%s \"%s\"", outcome_name(o), msg);
}

/* A bare action as a command: it must not trap. */
static void do_action(runner *r, const sx_node *form, cmd *c) {
  action_result a;
  if (!run(r, form, &a, c)) return;
  if (r->keep_results && a.o == WAST_OK)
    c->result = a.xr.eng ? a.xr.eng->ext->results_text(a.xr.eng, a.xr.res)
                         : list_text(a.vals, sizeof *a.vals, a.n,
                                     format_value);
  free(a.vals);
  ext_results_free(&a.xr);
  if (a.o == WAST_OK) c->st = WAST_PASS;
  else if (a.o == WAST_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", a.msg);
  else WAST_SET(c, WAST_FAIL, "%s: %s", outcome_name(a.o), a.msg);
}

/* assert_return on an engine with values of its own: the engine compares
 * its results with the expected forms. */
static bool ext_assert_return(runner *r, const sx_node *form, cmd *c) {
  const sx_node *act = form->items[1];
  if (!sx_is_form(act, "invoke")) return false;
  size_t i = 1;
  const sx_node *id = is_id(item(act, 1)) ? act->items[i++] : NULL;
  entry *e = lookup(&r->instances, id_text(id), id_len(id));
  if (!e) return false;
  /* A failed or skipped component instance: its results cannot be
   * parsed as core patterns, so say why here. */
  if (e->state != ENT_OK) {
    bool core_pats = true;
    for (size_t k = 2; k < form->n; k++) {
      wast_pattern p;
      memset(&p, 0, sizeof p);
      cm_error err;
      cm_error_init(&err);
      bool ok = wast_parse_pattern(form->items[k], &p, &err);
      wast_pattern_free(&p);
      core_pats = core_pats && ok;
    }
    if (core_pats) return false;
    blocked(c, e, "module");
    return true;
  }
  if (!e->eng->ext) return false;
  action_result a;
  if (!run(r, act, &a, c)) return true;
  free(a.vals);
  if (a.o == WAST_OK) {
    char why[3000] = "";
    if (a.xr.eng->ext->results_match(a.xr.eng, a.xr.res, form->items + 2,
                                   form->n - 2, why, sizeof why))
      c->st = WAST_PASS;
    else
      WAST_SET(c, WAST_FAIL, "%s", why);
  } else if (a.o == WAST_UNSUPPORTED) {
    WAST_SET(c, WAST_SKIP, "%s", a.msg);
  } else {
    WAST_SET(c, WAST_FAIL, "expected a return, got %s \"%s\"", outcome_name(a.o), a.msg);
  }
  ext_results_free(&a.xr);
  return true;
}

static void do_assert_return(runner *r, const sx_node *form, cmd *c) {
  if (form->n < 2) {
    WAST_SET(c, WAST_FAIL, "malformed assert_return");
    return;
  }
  if (ext_assert_return(r, form, c)) return;
  size_t npat = form->n - 2;
  wast_pattern *pats = canon_xcalloc(npat + 1, sizeof *pats);
  size_t built = 0;
  for (; built < npat; built++) {
    cm_error err;
    cm_error_init(&err);
    if (!wast_parse_pattern(form->items[2 + built], &pats[built], &err)) {
      built++; /* a partly built pattern is freed too */
      if (err.kind == CM_UNSUPPORTED) WAST_SET(c, WAST_SKIP, "%s", err.msg);
      else WAST_SET(c, WAST_FAIL, "bad result: %s", err.msg);
      goto out;
    }
  }
  action_result a;
  if (!run(r, form->items[1], &a, c))
    goto out;
  ext_results_free(&a.xr);
  bool ok = a.o == WAST_OK && a.n == npat;
  for (size_t i = 0; ok && i < a.n; i++)
    ok = wast_pattern_match(&pats[i], &a.vals[i]);
  if (ok) {
    c->st = WAST_PASS;
  } else if (a.o == WAST_UNSUPPORTED) {
    WAST_SET(c, WAST_SKIP, "%s", a.msg);
  } else {
    char want[1200], got[1200];
    format_list(pats, sizeof *pats, npat, format_pattern, want, sizeof want);
    describe(a.o, a.vals, a.n, a.msg, got, sizeof got);
    WAST_SET(c, WAST_FAIL, "expected %s, got %s", want, got);
  }
  free(a.vals);
out:
  for (size_t i = 0; i < built; i++) wast_pattern_free(&pats[i]);
  free(pats);
}

/* assert_trap / assert_exhaustion / assert_exception on an action. */
static void assert_action_fails(runner *r, const sx_node *act,
                                const sx_node *expect, wast_outcome want,
                                cmd *c) {
  action_result a;
  if (!run(r, act, &a, c)) return;
  char got[1200];
  describe(a.o, a.vals, a.n, a.msg, got, sizeof got);
  free(a.vals);
  wast_engine *xeng = a.xr.eng;
  ext_results_free(&a.xr);
  if (xeng && a.o == WAST_OK) snprintf(got, sizeof got, "a return");
  if (a.o == WAST_UNSUPPORTED) {
    WAST_SET(c, WAST_SKIP, "%s", a.msg);
  } else if (a.o != want) {
    if (expect)
      WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got %s", outcome_name(want),
           (int)expect->strlen, expect->str, got);
    else
      WAST_SET(c, WAST_FAIL, "expected %s, got %s", outcome_name(want), got);
  } else if (expect && !(xeng && xeng->ext->trap_matches
                             ? xeng->ext->trap_matches(xeng, a.msg, expect->str,
                                                       expect->strlen)
                             : msg_matches(xeng, a.msg, expect))) {
    WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got %s", outcome_name(want),
         (int)expect->strlen, expect->str, got);
  } else {
    c->st = WAST_PASS;
  }
}

/* ---- assertions on modules --------------------------------------------- */

/* Gets the module an assert_unlinkable / assert_trap-on-a-module is about:
 * a fresh module form (defined as the latest module, spec-wise) or
 * `(module instance $I? $M?)`.  NULL when the command is already decided. */
static entry *module_for_instantiation(runner *r, const sx_node *form,
                                       const char *what, cmd *c) {
  modform mf;
  split_module(form, &mf);
  if (mf.definition) {
    WAST_SET(c, WAST_FAIL, "misplaced module definition");
    return NULL;
  }
  if (mf.instance) {
    const sx_node *mname = mf.id2 ? mf.id2 : mf.id;
    return lookup_ready(c, &r->modules, mname, "module");
  }
  void *def = load_or_fail(r, form, what, c);
  if (!def) return NULL;
  entry *m = new_entry(r, ENT_OK, engine_for(r, form), def, form->line, NULL);
  bind(&r->modules, NULL, 0, m);
  return m;
}

/* assert_unlinkable, assert_uninstantiable, assert_trap on a module.
 * strict: a message mismatch fails (assert_trap) rather than being noted. */
static void assert_instantiation_fails(runner *r, const sx_node *form,
                                       wast_outcome want, bool strict,
                                       cmd *c) {
  const sx_node *mod = item(form, 1), *expect = item(form, 2);
  if (!is_string(expect) || form->n != 3) {
    WAST_SET(c, WAST_FAIL, "malformed assertion");
    return;
  }
  const char *what = want == WAST_LINK ? "link error" : "instantiation trap";
  entry *m = module_for_instantiation(r, mod, what, c);
  if (!m) return;
  char msg[1024] = "";
  void *inst = NULL;
  wast_outcome o = instantiate(r, m, &inst, msg, sizeof msg);
  /* An exception escaping the start function counts as a trap here, as in
   * the spec's AssertUninstantiable. */
  if (want == WAST_TRAP && o == WAST_EXCEPTION) o = WAST_TRAP;
  if (o == WAST_UNSUPPORTED) {
    WAST_SET(c, WAST_SKIP, "%s", msg);
  } else if (o != want) {
    WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got %s%s%s%s", what, (int)expect->strlen,
         expect->str, o == WAST_OK ? "a new instance" : outcome_name(o),
         o == WAST_OK ? "" : " \"", o == WAST_OK ? "" : msg,
         o == WAST_OK ? "" : "\"");
  } else if (!(want == WAST_TRAP && m->eng->ext && m->eng->ext->trap_matches
                   ? m->eng->ext->trap_matches(m->eng, msg, expect->str,
                                               expect->strlen)
                   : msg_matches(m->eng, msg, expect))) {
    if (strict) {
      WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got \"%s\"", what, (int)expect->strlen,
           expect->str, msg);
    } else {
      c->st = WAST_PASS;
      c->mismatch = true;
      snprintf(c->msg, sizeof c->msg, "expected \"%.*s\", got \"%s\"",
               (int)expect->strlen, expect->str, msg);
    }
  } else {
    c->st = WAST_PASS;
  }
}

/* assert_malformed (want CM_MALFORMED, decode only) and assert_invalid
 * (want CM_INVALID, decode and validate). */
static void assert_module_error(runner *r, const sx_node *form,
                                cm_errkind want, cmd *c) {
  const sx_node *mod = item(form, 1), *expect = item(form, 2);
  if (!(sx_is_form(mod, "module") || sx_is_form(mod, "component")) ||
      !is_string(expect) || form->n != 3) {
    WAST_SET(c, WAST_FAIL, "malformed assertion");
    return;
  }
  cm_error err;
  cm_error_init(&err);
  void *def = load_def(r, mod, want != CM_MALFORMED, &err);
  if (def) {
    wast_engine_free_def(engine_for(r, mod), def);
    WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got a %s module", err_kind_word(want),
         (int)expect->strlen, expect->str,
         want == CM_MALFORMED ? "well-formed" : "valid");
    return;
  }
  if (err.kind == CM_UNSUPPORTED) {
    WAST_SET(c, WAST_SKIP, "%s", err.msg);
    return;
  }
  if (err.kind != want) {
    char buf[1024];
    err_text(&err, buf, sizeof buf);
    WAST_SET(c, WAST_FAIL, "expected %s \"%.*s\", got %s", err_kind_word(want),
         (int)expect->strlen, expect->str, buf);
    return;
  }
  c->st = WAST_PASS;
  if (!msg_matches(engine_for(r, mod), err.msg, expect)) {
    c->mismatch = true;
    snprintf(c->msg, sizeof c->msg, "expected \"%.*s\", got \"%s\"",
             (int)expect->strlen, expect->str, err.msg);
  }
}

static void do_assert_malformed(runner *r, const sx_node *form, cmd *c) {
  assert_module_error(r, form, CM_MALFORMED, c);
}

static void do_assert_invalid(runner *r, const sx_node *form, cmd *c) {
  assert_module_error(r, form, CM_INVALID, c);
}

static void do_assert_unlinkable(runner *r, const sx_node *form, cmd *c) {
  assert_instantiation_fails(r, form, WAST_LINK, false, c);
}

static void do_assert_uninstantiable(runner *r, const sx_node *form, cmd *c) {
  assert_instantiation_fails(r, form, WAST_TRAP, false, c);
}

static void do_assert_trap(runner *r, const sx_node *form, cmd *c) {
  const sx_node *what = item(form, 1), *expect = item(form, 2);
  if (!what || !is_string(expect) || form->n != 3) {
    WAST_SET(c, WAST_FAIL, "malformed assert_trap");
    return;
  }
  if (sx_is_form(what, "module") || sx_is_form(what, "component"))
    assert_instantiation_fails(r, form, WAST_TRAP, true, c);
  else
    assert_action_fails(r, what, expect, WAST_TRAP, c);
}

static void do_assert_exhaustion(runner *r, const sx_node *form, cmd *c) {
  const sx_node *expect = item(form, 2);
  if (form->n != 3 || !is_string(expect)) {
    WAST_SET(c, WAST_FAIL, "malformed assert_exhaustion");
    return;
  }
  assert_action_fails(r, form->items[1], expect, WAST_EXHAUSTED, c);
}

static void do_assert_exception(runner *r, const sx_node *form, cmd *c) {
  if (form->n != 2) {
    WAST_SET(c, WAST_FAIL, "malformed assert_exception");
    return;
  }
  assert_action_fails(r, form->items[1], NULL, WAST_EXCEPTION, c);
}

/* Custom-section annotations (@custom) are not implemented. */
static void do_custom_annotation(runner *r, const sx_node *form, cmd *c) {
  (void)r;
  (void)form;
  WAST_SET(c, WAST_SKIP, "unsupported feature: custom-annotations");
}

/* ---- the script --------------------------------------------------------- */

typedef void (*cmd_fn)(runner *r, const sx_node *form, cmd *c);

static const struct {
  const char *keyword;
  cmd_fn fn;
} commands[] = {
    {"module", do_module},
  {"component", do_module},
    {"register", do_register},
    {"invoke", do_action},
    {"get", do_action},
    {"assert_return", do_assert_return},
    {"assert_trap", do_assert_trap},
    {"assert_exhaustion", do_assert_exhaustion},
    {"assert_exception", do_assert_exception},
    {"assert_invalid", do_assert_invalid},
    {"assert_malformed", do_assert_malformed},
    {"assert_unlinkable", do_assert_unlinkable},
    {"assert_uninstantiable", do_assert_uninstantiable},
    {"assert_malformed_custom", do_custom_annotation},
    {"assert_invalid_custom", do_custom_annotation},
};

static void run_command(runner *r, const sx_node *form) {
  cmd c;
  c.st = WAST_FAIL;
  c.mismatch = false;
  c.msg[0] = 0;
  c.result = NULL;
  char kind[32] = "command";
  if (form->kind == SX_LIST && form->n > 0 &&
      form->items[0]->kind == SX_KEYWORD) {
    const sx_node *head = form->items[0];
    snprintf(kind, sizeof kind, "%.*s", (int)head->len, head->text);
    size_t k = 0, nk = sizeof commands / sizeof commands[0];
    while (k < nk && !sx_atom_eq(head, commands[k].keyword)) k++;
    if (k < nk) commands[k].fn(r, form, &c);
    else WAST_SET(&c, WAST_FAIL, "unknown command");
  } else {
    WAST_SET(&c, WAST_FAIL, "expected a command, got %s",
         form->kind == SX_LIST ? "a list without a keyword" : "an atom");
  }
  wast_file_add(r->res, form->line, kind, c.st, c.mismatch, c.msg);
  if (c.st == WAST_PASS) {
    r->res->cmds[r->res->ncmds - 1].result = c.result; /* (now the record's) */
    c.result = NULL;
  }
  free(c.result);
  if (r->cov) wast_coverage_command(r->cov, r->file, form->line, kind, c.st);
}

/* A script made only of module fields is one module (spec "script" sugar:
 * inline_module). */
static bool is_bare_module(const sx_node *top) {
  static const char *const fields[] = {
      "type", "import", "func", "table", "memory", "global",
      "export", "start", "elem", "data", "tag", NULL};
  if (top->n == 0) return false;
  for (size_t i = 0; i < top->n; i++) {
    bool field = false;
    for (int k = 0; fields[k]; k++)
      field = field || sx_is_form(top->items[i], fields[k]);
    if (!field) return false;
  }
  return true;
}

bool wast_bare_module(const sx_node *top, const char *name, sx_node *mod) {
  if (!is_bare_module(top)) return false;
  /* the items, then the synthetic `module` keyword they start with */
  sx_node **items = canon_xrealloc(
      NULL, (top->n + 1) * sizeof *items + sizeof(sx_node));
  sx_node *head = (sx_node *)(items + top->n + 1);
  *head = (sx_node){.kind = SX_KEYWORD, .line = 1, .col = 1, .text = "module",
                    .len = 6, .file = name};
  items[0] = head;
  memcpy(items + 1, top->items, top->n * sizeof *items);
  *mod = (sx_node){.kind = SX_LIST, .line = top->items[0]->line,
                   .col = top->items[0]->col, .items = items, .n = top->n + 1,
                   .file = name};
  return true;
}

static void run_tree(const sx_node *top, const char *name,
                     const wast_options *opt, wast_file_result *f);

/* Why a script does not read, for its report (which records the line
 * apart, and says when there is none). */
static void read_error_text(const cm_error *err, char *buf, size_t n) {
  snprintf(buf, n, "%s: %s%s", err_kind_word(err->kind), err->msg,
           err->line ? "" : " (position unknown)");
}

void wast_run_source(const char *src, size_t len, const char *name,
                     const wast_options *opt, wast_file_result *f) {
  sx_node *top = wast_read_tree(src, len, name, f, read_error_text);
  if (!top) return;
  run_tree(top, name, opt, f);
  sx_free(top);
}

/* Runs the commands of a script's tree (which it leaves as it is). */
static void run_tree(const sx_node *top, const char *name,
                     const wast_options *opt, wast_file_result *f) {
  runner r;
  memset(&r, 0, sizeof r);
  r.file = name;
  r.defs = opt->defs;
  r.keep_results = opt->keep_results;
  r.res = f;
  r.core = wast_core_engine_new(&opt->config, &opt->features, opt->print_to,
                                opt->mem_pool);
  if (!r.core) {
    wast_file_add(f, 0, "script", WAST_FAIL, false, "cannot create a store");
    return;
  }
  r.core->resolve = resolve;
  r.core->resolve_ctx = &r;
  /* Forced choices are checked against the run's own (choices.c) */
  wast_comp_options copt = opt->comp;
  canon_choice_log run_log = {0};
  bool check_forced = copt.forced && copt.forced_error;
  if (check_forced) {
    copt.forced_error[0] = 0;
    if (!copt.log) copt.log = &run_log;
  }
  if (copt.coverage_file) {
    char why[300];
    if (!(r.cov = wast_coverage_open(copt.coverage_file, why, sizeof why))) {
      wast_file_add(f, 0, "script", WAST_FAIL, false, why);
      r.core->ops->free(r.core);
      return;
    }
    copt.coverage = wast_coverage_counts(r.cov);
  }
  r.comp = wast_component_engine_new(r.core, &copt);
  if (!r.comp) {
    wast_file_add(f, 0, "script", WAST_FAIL, false, "cannot create a store");
    wast_coverage_close(r.cov);
    r.core->ops->free(r.core);
    canon_choice_log_free(&run_log);
    return;
  }
  r.comp->resolve = resolve;
  r.comp->resolve_ctx = &r;
  wast_state_watch watch;
  wast_state_watch_start(&watch, &copt, f, r.core, r.comp);
  entry *spectest = new_entry(&r, ENT_OK, r.core,
                              wast_core_engine_spectest(r.core), 0, NULL);
  bind(&r.registry, "spectest", 8, spectest);
  r.registry.latest = NULL;

  sx_node mod;
  if (wast_bare_module(top, name, &mod)) {
    run_command(&r, &mod);
    free(mod.items);
  } else {
    for (size_t i = 0; i < top->n && !(copt.stop && *copt.stop); i++)
      run_command(&r, top->items[i]);
  }

  /* The core engine first: core instances made inside components point
   * into modules the component engine owns, and freeing the component
   * engine touches nothing of the core store. */
  /* Stop first: tearing down the components' Store unwinds threads that
   * are still in core code of the core engine's store. */
  if (r.comp->ops->stop) r.comp->ops->stop(r.comp);
  r.core->ops->free(r.core);
  r.comp->ops->free(r.comp);
  while (r.entries) {
    entry *next = r.entries->next;
    free(r.entries->reason);
    free(r.entries);
    r.entries = next;
  }
  wast_coverage_close(r.cov);
  free_bindmap(&r.modules);
  free_bindmap(&r.instances);
  free_bindmap(&r.registry);
  char why[400];
  if (check_forced &&
      !canon_choice_log_check_forced(copt.log, copt.forced, copt.nforced,
                                     copt.recorded, why, sizeof why))
    snprintf(copt.forced_error, copt.forced_error_n, "%s: %s: %s", name,
             copt.forced_what ? copt.forced_what : "forced choices", why);
  canon_choice_log_free(&run_log);
}

bool wast_script_load(const char *path, wast_script *sc,
                      wast_file_result *f) {
  memset(sc, 0, sizeof *sc);
  sc->path = path;
  sc->src = wast_read_script(path, &sc->len, f);
  if (!sc->src) return false;
  if (sc->len >= 8 && memcmp(sc->src, "\0asm", 4) == 0) {
    /* a binary: say what it is rather than how it fails to lex */
    wast_file_add(f, 0, "script", WAST_FAIL, false,
                  sc->src[6] == 1
                      ? "this is a binary component; run takes .wast "
                        "scripts (validate and invoke take binaries)"
                      : "this is a binary module; run takes .wast "
                        "scripts (validate and invoke take binaries)");
    wast_script_free(sc);
    return false;
  }
  sc->top = wast_read_tree(sc->src, sc->len, path, f, read_error_text);
  if (!sc->top) {
    wast_script_free(sc);
    return false;
  }
  return true;
}

void wast_run_script(const wast_script *sc, const wast_options *opt,
                     wast_file_result *f) {
  run_tree(sc->top, sc->path, opt, f);
  /* The script grammar allows no commands, but an empty file given to run
   * is a mistake more often than a test: it must not read as a pass. */
  if (f->ncmds == 0)
    wast_file_add(f, 0, "script", WAST_FAIL, false,
                  "no commands: the script is empty");
}

void wast_script_free(wast_script *sc) {
  sx_free(sc->top);
  free(sc->src);
  memset(sc, 0, sizeof *sc);
}

void wast_run_file(const char *path, const wast_options *opt,
                   wast_file_result *f) {
  wast_script sc;
  if (!wast_script_load(path, &sc, f)) return;
  wast_run_script(&sc, opt, f);
  wast_script_free(&sc);
}
