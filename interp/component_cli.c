/* component_cli.c -- `cmref validate` / `cmref invoke` on a component; see
 * component_cli.h. */
#include "component_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../canon/store.h"
#include "component/binary.h"
#include "component/instantiate.h"
#include "component/text.h"
#include "component/validate.h"
#include "text/sexpr.h"
#include "util/diag.h"
#include "wast/comp_values.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

static bool is_component_binary(const char *src, size_t len) {
  return len >= 8 && memcmp(src, "\0asm", 4) == 0 && src[6] == 1 &&
         src[7] == 0;
}

/* The first form of a text file (NULL: none). */
static const sx_node *first_form(const sx_node *top) {
  return top && top->n > 0 ? top->items[0] : NULL;
}

bool cli_is_component(const char *src, size_t len) {
  if (is_component_binary(src, len)) return true;
  if (len >= 4 && memcmp(src, "\0asm", 4) == 0) return false;
  cm_error err;
  cm_error_init(&err);
  sx_node *top = sx_read(src, len, "", &err);
  bool yes = top && sx_is_form(first_form(top), "component");
  sx_free(top);
  return yes;
}

cli_text_kind cli_text_kind_of(const char *src, size_t len) {
  static const char *const commands[] = {
      "register", "invoke", "get", "script", "input", "output", "thread",
      "wait", "assert_return", "assert_trap", "assert_exhaustion",
      "assert_exception", "assert_invalid", "assert_malformed",
      "assert_unlinkable", "assert_uninstantiable", "assert_suspension"};
  if (len >= 4 && memcmp(src, "\0asm", 4) == 0) return CLI_TEXT_ONE;
  cm_error err;
  cm_error_init(&err);
  sx_node *top = sx_read(src, len, "", &err);
  if (!top) return CLI_TEXT_ONE; /* the loader reports the error */
  cli_text_kind k = top->n == 0 ? CLI_TEXT_EMPTY : CLI_TEXT_ONE;
  size_t units = 0;
  for (size_t i = 0; i < top->n && k != CLI_TEXT_SCRIPT; i++) {
    const sx_node *f = top->items[i];
    if (sx_is_form(f, "module") || sx_is_form(f, "component")) units++;
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
      if (sx_is_form(f, commands[c])) k = CLI_TEXT_SCRIPT;
  }
  if (units > 1) k = CLI_TEXT_SCRIPT;
  sx_free(top);
  return k;
}

/* Reads, decodes or parses, and validates; NULL after printing why. */
static comp_component *load(const char *path, const char *src, size_t len) {
  cm_error err;
  cm_error_init(&err);
  comp_component *c = NULL;
  if (is_component_binary(src, len)) {
    c = comp_decode_component((const uint8_t *)src, len, &err);
  } else {
    sx_node *top = sx_read(src, len, path, &err);
    const sx_node *f = first_form(top);
    if (f && top->n > 1)
      sx_error(&err, top->items[1], "one component per file");
    else if (f)
      c = comp_parse_component(f, NULL, &err);
    sx_free(top);
  }
  if (c && !comp_validate(c, &err)) {
    comp_component_free(c);
    c = NULL;
  }
  if (!c) {
    if (err.kind == CM_OK) cm_error_set(&err, CM_MALFORMED, "cannot load");
    cm_error_print(stderr, path, &err);
  }
  return c;
}

int cli_validate_component(const char *path, const char *src, size_t len) {
  comp_component *c = load(path, src, len);
  if (!c) return EXIT_FAIL;
  printf("%s: valid component\n", path);
  comp_component_free(c);
  return 0;
}

/* Every argument error has one form (as for core modules in main.c):
 * cmref invoke: argument K: "TEXT" is not a valid TYPE (WHY) */
static void arg_error(int k, const char *a, const canon_type *t,
                      const char *why) {
  fprintf(stderr, "cmref invoke: argument %d: \"%s\" is not a valid %s%s%s%s\n",
          k, a, canon_kind_name(t->kind), why && *why ? " (" : "",
          why ? why : "", why && *why ? ")" : "");
}

static bool is_unsigned(canon_kind k) {
  return k == CANON_U8 || k == CANON_U16 || k == CANON_U32 || k == CANON_U64;
}

/* An argument: the constant syntax, or a bare scalar for type t. */
static canon_value *parse_arg(const char *a, const canon_type *t, int k) {
  char *text = NULL;
  if (a[0] != '(') {
    size_t n = strlen(a) * 2 + 32;
    const canon_type *d = t->despecialized ? t->despecialized : t;
    if (is_unsigned(d->kind) && a[0] == '-') {
      arg_error(k, a, t, "negative");
      return NULL;
    }
    text = malloc(n);
    if (!text) return NULL;
    if (d->kind == CANON_STRING || d->kind == CANON_CHAR) {
      /* quote it, escaping " and \ */
      size_t j = (size_t)snprintf(text, n, "(%s.const \"",
                                  d->kind == CANON_STRING ? "str" : "char");
      for (const char *p = a; *p; p++) {
        if (*p == '"' || *p == '\\') text[j++] = '\\';
        text[j++] = *p;
      }
      snprintf(text + j, n - j, "\")");
    } else if (d->kind <= CANON_F64) {
      snprintf(text, n, "(%s.const %s)", canon_kind_name(d->kind), a);
    } else {
      char why[128];
      snprintf(why, sizeof why, "write it in the .wast constant syntax, "
               "e.g. '(%s.const ...)'", canon_kind_name(t->kind));
      arg_error(k, a, t, why);
      free(text);
      return NULL;
    }
  }
  cm_error err;
  cm_error_init(&err);
  const char *src = text ? text : a;
  sx_node *top = sx_read(src, strlen(src), "argument", &err);
  canon_value *v = NULL;
  if (top && top->n == 1) wast_comp_parse_value(top->items[0], &v, &err);
  sx_free(top);
  free(text);
  static const char fit[] = "does not fit its type: ";
  char why[300];
  if (!v) {
    arg_error(k, a, t, err.kind != CM_OK ? err.msg : "not a value");
  } else if (!canon_value_has_type(v, t, why + sizeof fit - 1,
                                   sizeof why - sizeof fit + 1)) {
    memcpy(why, fit, sizeof fit - 1);
    arg_error(k, a, t, why);
    canon_value_free(v);
    v = NULL;
  }
  return v;
}

int cli_invoke_component(const char *path, const char *src, size_t len,
                         const char *name, const char *const *args, int nargs,
                         const core_config *cfg,
                         const wast_comp_options *comp) {
  comp_component *c = load(path, src, len);
  if (!c) return EXIT_FAIL;
  core_store *core = core_store_new(cfg);
  comp_store *s = core ? comp_store_new(core) : NULL;
  if (!s) {
    fprintf(stderr, "cmref invoke: out of memory\n");
    core_store_free(core);
    comp_component_free(c);
    return EXIT_FAIL;
  }
  canon_Store *cs = comp_store_canon(s);
  canon_sched_init(&cs->sched,
                   comp->sched_random ? CANON_SCHED_RANDOM
                                      : CANON_SCHED_DETERMINISTIC,
                   comp->seed);
  cs->sched.profile = comp->profile;
  canon_limits limits = comp->limits;
  if (comp->max_threads) limits.max_threads = comp->max_threads;
  canon_Store_set_limits(cs, &limits);
  int rc = EXIT_FAIL;
  char msg[512] = "";
  comp_inst *inst = NULL;
  comp_item it;
  canon_value **argv = NULL, **res = NULL;
  uint32_t nres = 0;
  comp_outcome o = comp_instantiate(s, c, NULL, 0, &inst, msg, sizeof msg);
  if (o != COMP_OK) {
    fprintf(stderr, "%s: %s during instantiation: %s\n", path,
            o == COMP_LINK ? "link error" : "trap", msg);
    goto out;
  }
  if (!comp_exports_find(comp_inst_exports(inst), name, strlen(name), &it)) {
    fprintf(stderr, "%s: no export named \"%s\"\n", path, name);
    goto out;
  }
  if (it.sort != COMP_SORT_FUNC) {
    fprintf(stderr, "%s: export \"%s\" is not a function\n", path, name);
    goto out;
  }
  const canon_FuncType *ft = comp_func_type(it.u.func);
  if ((uint32_t)nargs != ft->nparams) {
    fprintf(stderr, "cmref invoke: \"%s\" takes %u argument%s, got %d\n",
            name, ft->nparams, ft->nparams == 1 ? "" : "s", nargs);
    rc = EXIT_USAGE;
    goto out;
  }
  argv = calloc((size_t)nargs + 1, sizeof *argv);
  if (!argv) goto out;
  for (int k = 0; k < nargs; k++)
    if (!(argv[k] = parse_arg(args[k], ft->params[k].t, k + 1))) {
      rc = EXIT_USAGE;
      goto out;
    }
  o = comp_invoke(s, it.u.func, argv, (uint32_t)nargs, &res, &nres, msg,
                  sizeof msg);
  if (o != COMP_OK) {
    fprintf(stderr, "trap: %s\n", msg);
    goto out;
  }
  for (uint32_t k = 0; k < nres; k++) {
    canon_value_print(res[k], stdout);
    putchar('\n');
  }
  rc = 0;
out:
  for (int k = 0; argv && k < nargs; k++) canon_value_free(argv[k]);
  free(argv);
  for (uint32_t k = 0; k < nres; k++) canon_value_free(res[k]);
  free(res);
  comp_store_stop(s);
  core_store_free(core);
  comp_store_free(s);
  comp_component_free(c);
  return rc;
}
