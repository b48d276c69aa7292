/* validate_names.c -- import and export names (Explainer.md "Import and
 * Export Definitions", "Name Uniqueness", "Canonical Interface Name"):
 * kebab-case labels, interface names with semver versions, the
 * [constructor]/[method]/[static] annotations and their type rules, the
 * name attributes (implements, versionsuffix, external-id), and strong
 * uniqueness.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_priv.h"

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* label ::= fragment ('-' fragment)*, each fragment all-lowercase or
 * all-uppercase (digits anywhere), the first starting with a letter. */
static bool is_kebab(const char *s, size_t n) {
  if (n == 0) return false;
  size_t i = 0;
  bool first = true;
  while (i <= n) {
    size_t st = i;
    bool lower = false, upper = false;
    while (i < n && s[i] != '-') {
      if (is_lower(s[i])) lower = true;
      else if (is_upper(s[i])) upper = true;
      else if (!is_digit(s[i])) return false;
      i++;
    }
    if (i == st) return false; /* empty fragment */
    if (lower && upper) return false;
    if (first && !is_lower(s[st]) && !is_upper(s[st])) return false;
    first = false;
    i++; /* past '-' (or the end) */
  }
  return true;
}

bool comp_valid_label(comp_valid_ctx *v, const core_name *n, const char *what,
                      const comp_pos *pos) {
  if (n->len == 0) return comp_valid_fail(v, pos, "%s cannot be empty", what);
  if (!is_kebab(n->s, n->len))
    return comp_valid_fail(v, pos, "%s `%s` is not in kebab case", what, n->s);
  return true;
}

bool comp_valid_label_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
  return *a == *b;
}

/* ---- semver (Semantic Versioning 2.0; messages like the semver crate's,
 * which the reference validator uses) -------------------------------- */

static bool semver_num(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                       size_t n, size_t *i, const char *what) {
  if (*i >= n)
    return comp_valid_fail(v, pos,
                           "unexpected end of input while parsing %s version "
                           "number",
                           what);
  if (!is_digit(s[*i]))
    return comp_valid_fail(v, pos,
                           "unexpected character '%c' while parsing %s "
                           "version number",
                           s[*i], what);
  if (s[*i] == '0' && *i + 1 < n && is_digit(s[*i + 1]))
    return comp_valid_fail(v, pos, "invalid leading zero in %s version number",
                           what);
  while (*i < n && is_digit(s[*i])) (*i)++;
  return true;
}

static bool semver_idents(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                          size_t n, size_t *i, const char *what,
                          bool numeric_rules) {
  for (;;) {
    size_t st = *i;
    bool all_digits = true;
    while (*i < n && (isalnum((unsigned char)s[*i]) || s[*i] == '-')) {
      if (!is_digit(s[*i])) all_digits = false;
      (*i)++;
    }
    if (*i == st)
      return comp_valid_fail(v, pos, "empty identifier segment in %s", what);
    if (numeric_rules && all_digits && *i - st > 1 && s[st] == '0')
      return comp_valid_fail(v, pos, "invalid leading zero in %s", what);
    if (*i < n && s[*i] == '.') {
      (*i)++;
      continue;
    }
    return true;
  }
}

static bool semver(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                   size_t n) {
  if (n == 0)
    return comp_valid_fail(v, pos, "empty string, expected a semver version");
  size_t i = 0;
  static const char *const parts[] = {"major", "minor", "patch"};
  for (int k = 0; k < 3; k++) {
    if (!semver_num(v, pos, s, n, &i, parts[k])) return false;
    if (k < 2) {
      if (i >= n)
        return comp_valid_fail(v, pos,
                               "unexpected end of input while parsing %s "
                               "version number",
                               parts[k + 1]);
      if (s[i] != '.')
        return comp_valid_fail(v, pos,
                               "unexpected character '%c' after %s version "
                               "number, expected '.'",
                               s[i], parts[k]);
      i++;
    }
  }
  if (i < n && s[i] == '-') {
    i++;
    if (!semver_idents(v, pos, s, n, &i, "pre-release identifier", true))
      return false;
  }
  if (i < n && s[i] == '+') {
    i++;
    if (!semver_idents(v, pos, s, n, &i, "build metadata", false))
      return false;
  }
  if (i < n)
    return comp_valid_fail(v, pos, "unexpected character '%c' after %s", s[i],
                           "version");
  return true;
}

/* ---- names ----------------------------------------------------------- */

typedef enum name_kind {
  NAME_PLAIN,
  NAME_CONSTRUCTOR,
  NAME_METHOD,
  NAME_STATIC,
  NAME_INTERFACE,
} name_kind;

typedef struct parsed_name {
  name_kind kind;
  char res[256];  /* constructor/method/static: the resource label */
  char item[256]; /* method/static: the function label */
  bool has_version;
  bool canon_version;
} parsed_name;

static bool words_ok(const char *s, size_t n) {
  /* words ::= first-word ('-' word)*: lowercase only */
  if (!is_kebab(s, n)) return false;
  for (size_t i = 0; i < n; i++)
    if (is_upper(s[i])) return false;
  return true;
}

static bool kebab_err(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                      size_t n) {
  return comp_valid_fail(v, pos, "`%.*s` is not in kebab case", (int)n, s);
}

/* Namespace and package words are lowercase: the reference validator
 * reports an uppercase one as an invalid name, not as bad kebab case. */
static bool words_err(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                      size_t n, const char *full, size_t fn) {
  if (is_kebab(s, n))
    return comp_valid_fail(v, pos,
                           "`%.*s` is not a valid extern name: `%.*s` is not "
                           "in kebab case",
                           (int)fn, full, (int)n, s);
  return comp_valid_fail(v, pos,
                         "`%.*s` is not in kebab case: `%.*s` is not a valid "
                         "extern name",
                         (int)n, s, (int)fn, full);
}

static bool is_canonversion(const char *s, size_t n) {
  /* [1-9][0-9]* | 0.[1-9][0-9]* | 0.0.[1-9][0-9]* | 0.0.0 */
  size_t i = 0;
  for (int part = 0; part < 3; part++) {
    size_t st = i;
    while (i < n && is_digit(s[i])) i++;
    if (i == st) return false;
    bool zero = i - st == 1 && s[st] == '0';
    if (!zero && s[st] == '0') return false;
    if (i == n) return !zero || part == 2;
    if (!zero || s[i] != '.') return false;
    i++;
  }
  return false;
}

static bool parse_interface(comp_valid_ctx *v, const comp_pos *pos,
                            const char *s, size_t n, parsed_name *out) {
  out->kind = NAME_INTERFACE;
  const char *colon = memchr(s, ':', n);
  if (!colon)
    return comp_valid_fail(v, pos, "`%.*s` is not a valid extern name", (int)n,
                           s);
  size_t ns = (size_t)(colon - s);
  if (!words_ok(s, ns)) return words_err(v, pos, s, ns, s, n);
  size_t i = ns + 1;
  size_t st = i;
  while (i < n && s[i] != '/' && s[i] != '@' && s[i] != ':') i++;
  if (!words_ok(s + st, i - st))
    return words_err(v, pos, s + st, i - st, s, n);
  if (i >= n || s[i] != '/')
    return comp_valid_fail(v, pos, "expected `/` after package name");
  i++;
  st = i;
  while (i < n && s[i] != '/' && s[i] != '@') i++;
  if (!is_kebab(s + st, i - st)) return kebab_err(v, pos, s + st, i - st);
  if (i < n && s[i] == '@') {
    out->has_version = true;
    if (!semver(v, pos, s + i + 1, n - i - 1)) return false;
    out->canon_version = is_canonversion(s + i + 1, n - i - 1);
    i = n;
  }
  if (i < n)
    return comp_valid_fail(v, pos, "trailing characters found: `%.*s`",
                           (int)(n - i), s + i);
  return true;
}

static bool parse_name(comp_valid_ctx *v, const comp_pos *pos, const char *s,
                       size_t n, parsed_name *out) {
  memset(out, 0, sizeof *out);
  if (memchr(s, 0, n))
    return comp_valid_fail(v, pos, "not a valid extern name");
  if (memchr(s, ':', n)) return parse_interface(v, pos, s, n, out);
  static const struct {
    const char *pre;
    name_kind k;
  } ann[] = {{"[constructor]", NAME_CONSTRUCTOR},
             {"[method]", NAME_METHOD},
             {"[static]", NAME_STATIC}};
  for (unsigned a = 0; a < 3; a++) {
    size_t pl = strlen(ann[a].pre);
    if (n < pl || memcmp(s, ann[a].pre, pl) != 0) continue;
    const char *r = s + pl;
    size_t rn = n - pl;
    out->kind = ann[a].k;
    if (ann[a].k == NAME_CONSTRUCTOR) {
      if (!is_kebab(r, rn)) return kebab_err(v, pos, r, rn);
      snprintf(out->res, sizeof out->res, "%.*s", (int)rn, r);
      return true;
    }
    const char *dot = memchr(r, '.', rn);
    if (!dot) return comp_valid_fail(v, pos, "failed to find `.` character");
    size_t a1 = (size_t)(dot - r);
    if (!is_kebab(r, a1)) return kebab_err(v, pos, r, a1);
    if (!is_kebab(dot + 1, rn - a1 - 1))
      return kebab_err(v, pos, dot + 1, rn - a1 - 1);
    snprintf(out->res, sizeof out->res, "%.*s", (int)a1, r);
    snprintf(out->item, sizeof out->item, "%.*s", (int)(rn - a1 - 1), dot + 1);
    return true;
  }
  if (n && s[0] == '[')
    return comp_valid_fail(v, pos, "`%.*s` is not a valid extern name", (int)n,
                           s);
  if (!is_kebab(s, n))
    return comp_valid_fail(v, pos,
                           "`%.*s` is not in kebab case: `%.*s` is not a valid "
                           "extern name",
                           (int)n, s, (int)n, s);
  return true;
}

/* Strong uniqueness: the canonical form of a name (Explainer.md "Name
 * Uniqueness"). */
static char *canonical(comp_valid_ctx *v, const char *s, size_t n,
                       const parsed_name *p) {
  char *c = comp_valid_strdup(v, s, n);
  for (size_t i = 0; i < n; i++) c[i] = (char)tolower((unsigned char)c[i]);
  if (p->kind == NAME_METHOD || p->kind == NAME_STATIC) {
    char *body = strchr(c, ']') + 1;
    char *dot = strchr(body, '.');
    if (dot && strlen(dot + 1) == (size_t)(dot - body) &&
        memcmp(body, dot + 1, (size_t)(dot - body)) == 0)
      *dot = 0;
    return body;
  }
  return c;
}

/* The resource an import/export of the scope named `name` is, if any. */
static vres *resource_named(vscope *s, const char *name, bool import) {
  const vnamed *l = import ? s->imports : s->exports;
  uint32_t i;
  if (!cm_nameset_find(import ? &s->import_ix : &s->export_ix, name,
                       strlen(name), 0, &i))
    return NULL;
  if (l[i].t.sort == COMP_SORT_TYPE && l[i].t.type->kind == VT_RESOURCE)
    return l[i].t.type->res->res;
  return NULL;
}

static const char *name_of_res(vscope *s, vres *r, bool import) {
  const vnamed *l = import ? s->imports : s->exports;
  uint32_t n = import ? s->nimports : s->nexports;
  for (uint32_t i = 0; i < n; i++)
    if (l[i].t.sort == COMP_SORT_TYPE && l[i].t.type->kind == VT_RESOURCE &&
        l[i].t.type->res->res == r)
      return l[i].name;
  return NULL;
}

static bool res_name_check(comp_valid_ctx *v, vscope *s, vres *got, vres *want,
                           bool import, const comp_pos *pos) {
  if (got == want) return true;
  const char *nm = name_of_res(s, got, import);
  if (!nm)
    return comp_valid_fail(v, pos,
                           "resource used in function does not have a name "
                           "in this context");
  return comp_valid_fail(
      v, pos, "function does not match expected resource name `%s`", nm);
}

static bool check_annotation(comp_valid_ctx *v, vscope *s, const parsed_name *p,
                             const vent *t, bool import, const comp_pos *pos) {
  if (p->kind != NAME_CONSTRUCTOR && p->kind != NAME_METHOD &&
      p->kind != NAME_STATIC)
    return true;
  if (t->sort != COMP_SORT_FUNC)
    return comp_valid_fail(v, pos, "item is not a func");
  const canon_FuncType *ft = t->func;
  vres *want = resource_named(s, p->res, import);
  if (p->kind == NAME_CONSTRUCTOR) {
    const canon_type *r = ft->result;
    if (!r) return comp_valid_fail(v, pos, "function should return one value");
    if (r->kind == CANON_RESULT && r->u.result.ok) r = r->u.result.ok;
    if (r->kind != CANON_OWN)
      return comp_valid_fail(v, pos,
                             "function should return `(own $T)` or "
                             "`(result (own $T))`");
    return res_name_check(v, s, vres_of(r->u.rt), want, import, pos);
  }
  if (p->kind == NAME_METHOD) {
    if (ft->nparams == 0)
      return comp_valid_fail(v, pos,
                             "function should have at least one argument");
    if (strcmp(ft->params[0].label, "self") != 0)
      return comp_valid_fail(v, pos,
                             "function should have a first argument called "
                             "`self`");
    const canon_type *a = ft->params[0].t;
    if (a->kind != CANON_BORROW)
      return comp_valid_fail(v, pos,
                             "function should take a first argument of "
                             "`(borrow $T)`");
    return res_name_check(v, s, vres_of(a->u.rt), want, import, pos);
  }
  if (!want)
    return comp_valid_fail(v, pos,
                           "static resource name is not known in this context");
  return true;
}

static void names_push(comp_valid_ctx *v, vnames *ns, char *canon, char *orig) {
  uint32_t cap_orig = ns->cap; /* the two grow alike */
  comp_valid_grow(v, (void **)&ns->v, &ns->cap, ns->n, sizeof *ns->v);
  comp_valid_grow(v, (void **)&ns->orig, &cap_orig, ns->n, sizeof *ns->orig);
  ns->v[ns->n] = canon;
  ns->orig[ns->n++] = orig;
}

/* The index of the name whose canonical form is c, or -1. */
static int64_t names_find(vnames *ns, const char *c) {
  uint32_t k;
  return cm_nameset_find(&ns->set, c, strlen(c), 0, &k) ? (int64_t)k : -1;
}

bool comp_valid_externname(comp_valid_ctx *v, vscope *s,
                           const comp_externname *n, const vent *t,
                           bool import) {
  const comp_pos *pos = &n->pos;
  const char *what = import ? "import" : "export";
  if (n->duplicate_attribute)
    return comp_valid_fail(v, pos, "duplicate '%s' option in name",
                           n->duplicate_attribute);
  parsed_name p;
  if (!parse_name(v, pos, n->name.s, n->name.len, &p)) return false;
  if (n->has_implements) {
    if (t->sort != COMP_SORT_INSTANCE)
      return comp_valid_fail(v, pos, "only instances can have an `implements`");
    if (p.kind != NAME_PLAIN)
      return comp_valid_fail(v, pos, "name `%s` is not valid with `implements`",
                             n->name.s);
    parsed_name ip;
    if (n->implements.len == 0)
      return comp_valid_fail(v, pos, "`` is not a valid name");
    if (!memchr(n->implements.s, ':', n->implements.len))
      return comp_valid_fail(v, pos, "`%s` must be an interface name",
                             n->implements.s);
    if (!parse_name(v, pos, n->implements.s, n->implements.len, &ip))
      return false;
    if (ip.kind != NAME_INTERFACE)
      return comp_valid_fail(v, pos, "`%s` must be an interface name",
                             n->implements.s);
  }
  if (n->has_versionsuffix) {
    if (p.kind != NAME_INTERFACE || !p.has_version || !p.canon_version)
      return comp_valid_fail(v, pos,
                             "`versionsuffix` requires an interface name with "
                             "a canonical version");
  }
  if (!check_annotation(v, s, &p, t, import, pos)) return false;
  vnames *ns = import ? &s->import_names : &s->export_names;
  char *c = canonical(v, n->name.s, n->name.len, &p);
  int64_t i = names_find(ns, c);
  if (i >= 0)
    return comp_valid_fail(v, pos,
                           "%s name `%s` conflicts with previous name `%s`",
                           what, n->name.s, ns->orig[i]);
  if (!ns->set.alloc) comp_valid_nameset_init(v, &ns->set, false);
  uint32_t k = ns->n;
  (void)cm_nameset_add(&ns->set, c, strlen(c), 0, &k); /* cannot fail */
  names_push(v, ns, c, comp_valid_strdup(v, n->name.s, n->name.len));
  return true;
}
