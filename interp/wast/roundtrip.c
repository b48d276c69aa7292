/* roundtrip.c -- text -> binary -> decode round trips of every module and
 * component of a script (see roundtrip.h).  The binary format is the one
 * users exchange, so an encoder or decoder that loses or changes a field
 * would make cmref run something else than what a .wast says; this finds
 * such a loss on the spec's own tests. */
#include "roundtrip.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../component/binary.h"
#include "../component/encode.h"
#include "../component/equal.h"
#include "../component/text.h"
#include "../core/binary.h"
#include "../core/encode.h"
#include "../core/equal.h"
#include "../core/text.h"
#include "../text/sexpr.h"
#include "wast.h"

/* One checked form's outcome. */
typedef struct outcome {
  wast_status st;
  char msg[1024];
} outcome;

/* "malformed: 3:14: msg", "malformed: at byte offset 8: msg" */
static void err_text(const cm_error *err, char *buf, size_t n) {
  const char *kind = cm_errkind_name(err->kind);
  if (err->line)
    snprintf(buf, n, "%s: %u:%u: %s", kind, err->line, err->col, err->msg);
  else if (err->offset >= 0)
    snprintf(buf, n, "%s: at byte offset %lld: %s", kind,
             (long long)err->offset, err->msg);
  else
    snprintf(buf, n, "%s: %s", kind, err->msg);
}

/* The outcome of a form that does not parse.  Unsupported features are
 * skips; so is a module of assert_invalid that the parser rejects as
 * invalid (some validity rules are checked while decoding), since there is
 * nothing to encode.  Anything else must parse. */
static void parse_failed(outcome *o, const cm_error *err, bool in_invalid) {
  char buf[700];
  err_text(err, buf, sizeof buf);
  if (err->kind == CM_UNSUPPORTED)
    WAST_SET(o, WAST_SKIP, "%s", err->msg);
  else if (in_invalid && err->kind == CM_INVALID)
    WAST_SET(o, WAST_SKIP, "rejected while parsing: %s", buf);
  else
    WAST_SET(o, WAST_FAIL, "does not parse: %s", buf);
}

/* The outcome of an encoding its decoder refuses.  An invalid module may
 * have no binary form the decoder accepts: with at most one memory the
 * core decoder reads memory indices the Wasm 2.0 way (a reserved zero
 * byte), so `(i32.load 1 ...)` without a second memory -- invalid in the
 * text -- is malformed once encoded.  Only assert_invalid's modules get
 * that excuse, and the skip says why. */
static void decode_failed(outcome *o, const cm_error *err, bool in_invalid) {
  char buf[700];
  err_text(err, buf, sizeof buf);
  if (in_invalid && err->kind != CM_IO)
    WAST_SET(o, WAST_SKIP, "an invalid module whose encoding does not decode: %s",
        buf);
  else
    WAST_SET(o, WAST_FAIL, "cannot decode its own encoding: %s", buf);
}

/* Both encodings of one AST (the parsed one and the decoded one) must be
 * the same bytes: the encoding is deterministic, so a difference means the
 * two ASTs differ somewhere the structural comparison did not look. */
static void compare_bytes(outcome *o, const uint8_t *a, size_t na,
                          const uint8_t *b, size_t nb) {
  if (na == nb && memcmp(a, b, na) == 0) return;
  size_t k = 0;
  while (k < na && k < nb && a[k] == b[k]) k++;
  WAST_SET(o, WAST_FAIL,
      "re-encoding the decoded AST differs at byte %zu (%zu vs %zu bytes)", k,
      na, nb);
}

/* A parsed or decoded core module or component: the round trip is the
 * same for both, with their own parser, codec, comparison and free. */
typedef struct ast {
  bool comp;
  core_module *m;
  comp_component *c;
} ast;

static bool ast_parse(ast *a, const sx_node *form, cm_error *err) {
  if (a->comp) a->c = comp_parse_component(form, NULL, err);
  else a->m = core_parse_module(form, NULL, err);
  return a->comp ? a->c != NULL : a->m != NULL;
}

static bool ast_encode(const ast *a, uint8_t **bin, size_t *len,
                       cm_error *err) {
  return a->comp ? comp_encode(a->c, bin, len, err)
                 : core_encode(a->m, bin, len, err);
}

static bool ast_decode(ast *a, const uint8_t *bin, size_t len, cm_error *err) {
  if (a->comp) a->c = comp_decode_component(bin, len, err);
  else a->m = core_decode(bin, len, err);
  return a->comp ? a->c != NULL : a->m != NULL;
}

static bool ast_equal(const ast *a, const ast *b, char *why, size_t n) {
  return a->comp ? comp_component_equal(a->c, b->c, why, n)
                 : core_module_equal(a->m, b->m, why, n);
}

static void ast_free(ast *a) {
  comp_component_free(a->c);
  core_module_free(a->m);
}

static void roundtrip(const sx_node *form, bool comp, bool in_invalid,
                      outcome *o) {
  const char *what = comp ? "component" : "module";
  cm_error err;
  cm_error_init(&err);
  ast a = {comp, NULL, NULL}, d = {comp, NULL, NULL};
  uint8_t *bin = NULL, *bin2 = NULL;
  size_t len = 0, len2 = 0;
  char why[512];
  if (!ast_parse(&a, form, &err)) {
    parse_failed(o, &err, in_invalid);
  } else if (!ast_encode(&a, &bin, &len, &err)) {
    err_text(&err, why, sizeof why);
    WAST_SET(o, WAST_FAIL, "cannot encode: %s", why);
  } else if (!ast_decode(&d, bin, len, &err)) {
    decode_failed(o, &err, in_invalid);
  } else if (!ast_equal(&a, &d, why, sizeof why)) {
    WAST_SET(o, WAST_FAIL, "decoded %s differs: %s", what, why);
  } else if (!ast_encode(&d, &bin2, &len2, &err)) {
    err_text(&err, why, sizeof why);
    WAST_SET(o, WAST_FAIL, "cannot encode the decoded %s: %s", what, why);
  } else {
    compare_bytes(o, bin, len, bin2, len2);
  }
  free(bin);
  free(bin2);
  ast_free(&a);
  ast_free(&d);
}

/* Round-trips one (module ...) or (component ...) form and records it. */
static void check_form(const sx_node *form, bool in_invalid,
                       wast_file_result *f) {
  outcome o = {WAST_PASS, ""};
  /* The parsers know nothing of `definition` (a script-level keyword):
   * hand them a view of the form without it. */
  sx_node view = *form;
  sx_node **items = NULL;
  if (form->n > 1 && sx_is_keyword(form->items[1], "definition")) {
    items = malloc((form->n - 1) * sizeof *items);
    if (!items) {
      wast_file_add(f, form->line, "roundtrip", WAST_FAIL, false,
                    "out of memory");
      return;
    }
    items[0] = form->items[0];
    memcpy(items + 1, form->items + 2, (form->n - 2) * sizeof *items);
    view.items = items;
    view.n = form->n - 1;
  }
  roundtrip(&view, sx_is_form(form, "component"), in_invalid, &o);
  free(items);
  wast_file_add(f, form->line, "roundtrip", o.st, false,
                o.st == WAST_PASS ? NULL : o.msg);
}

static bool is_module_form(const sx_node *n) {
  return n && (sx_is_form(n, "module") || sx_is_form(n, "component"));
}

/* The commands whose module must parse (assert_malformed's need not). */
static const char *const asserts_with_module[] = {
    "assert_invalid", "assert_unlinkable", "assert_uninstantiable",
    "assert_trap", NULL};

static void visit(const sx_node *cmd, wast_file_result *f) {
  if (is_module_form(cmd)) {
    /* (module instance $I $M) instantiates a module defined earlier. */
    if (cmd->n > 1 && sx_is_keyword(cmd->items[1], "instance")) return;
    check_form(cmd, false, f);
    return;
  }
  if (!sx_is_list(cmd) || cmd->n < 2 || !is_module_form(cmd->items[1]))
    return;
  for (int k = 0; asserts_with_module[k]; k++)
    if (sx_is_form(cmd, asserts_with_module[k])) {
      check_form(cmd->items[1], k == 0, f);
      return;
    }
}

void wast_roundtrip_source(const char *src, size_t len, const char *name,
                           wast_file_result *f) {
  sx_node *top = wast_read_tree(src, len, name, f, err_text);
  if (!top) return;
  sx_node mod;
  if (wast_bare_module(top, name, &mod)) {
    check_form(&mod, false, f);
    free(mod.items);
  } else {
    for (size_t i = 0; i < top->n; i++) visit(top->items[i], f);
  }
  sx_free(top);
}

void wast_roundtrip_file(const char *path, wast_file_result *f) {
  size_t len = 0;
  char *src = wast_read_script(path, &len, f);
  if (!src) return;
  wast_roundtrip_source(src, len, path, f);
  free(src);
}
