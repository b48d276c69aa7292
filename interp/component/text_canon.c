/* text_canon.c -- `canon` definitions of the component text format
 * (Explainer.md "Canonical Definitions" and "Canonical Built-ins"): lift,
 * lower and every built-in with its immediates and canonopts.  Which
 * immediates a built-in takes comes from comp_canon_immediates(), so the
 * table in component.c is the one place that lists them.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"
#include "../../canon/grow.h"

static bool unexpected(comp_text_parser *p, const sx_node *n) {
  sx_error(p->err, n, "unexpected token");
  return false;
}

static bool find_canon(const sx_node *n, comp_canonkind *out) {
  if (!n || n->kind != SX_KEYWORD) return false;
  for (int k = 0; k < COMP_CANON_COUNT; k++)
    if (sx_atom_eq(n, comp_canon_name((comp_canonkind)k))) {
      *out = (comp_canonkind)k;
      return true;
    }
  return false;
}

static comp_canonopt *add_opt(comp_canon *c, uint32_t *cap,
                              comp_canonoptkind k, const sx_node *at) {
  CANON_GROW(c->opts, c->nopts, *cap, 4);
  comp_canonopt *o = &c->opts[c->nopts++];
  memset(o, 0, sizeof *o);
  o->kind = k;
  o->pos = comp_text_pos(at);
  return o;
}

/* <canonopt>* at items[*i]; stops at the first item that is not one. */
static bool canonopts(comp_text_parser *p, const sx_node *l, size_t *i,
                      size_t end, comp_canon *c) {
  static const struct {
    const char *kw;
    comp_canonoptkind k;
  } flags[] = {{"string-encoding=utf8", COMP_OPT_UTF8},
               {"string-encoding=utf16", COMP_OPT_UTF16},
               {"string-encoding=latin1+utf16", COMP_OPT_LATIN1_UTF16},
               {"async", COMP_OPT_ASYNC}};
  static const struct {
    const char *kw;
    comp_canonoptkind k;
    comp_sort sort;
  } refs[] = {{"memory", COMP_OPT_MEMORY, COMP_SORT_CORE_MEMORY},
              {"realloc", COMP_OPT_REALLOC, COMP_SORT_CORE_FUNC},
              {"post-return", COMP_OPT_POST_RETURN, COMP_SORT_CORE_FUNC},
              {"callback", COMP_OPT_CALLBACK, COMP_SORT_CORE_FUNC}};
  uint32_t cap = 0;
  for (; *i < end; (*i)++) {
    const sx_node *o = l->items[*i];
    bool matched = false;
    if (o->kind == SX_KEYWORD) {
      for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
        if (sx_atom_eq(o, flags[k].kw)) {
          add_opt(c, &cap, flags[k].k, o);
          matched = true;
          break;
        }
      if (!matched) return unexpected(p, o);
      continue;
    }
    for (size_t k = 0; !matched && k < sizeof refs / sizeof refs[0]; k++) {
      if (!sx_is_form(o, refs[k].kw)) continue;
      if (o->n != 2) return unexpected(p, o);
      /* resolve first: an inline alias emits definitions, not options */
      uint32_t idx;
      if (!comp_text_idx(p, o->items[1], refs[k].sort, false, &idx))
        return false;
      add_opt(c, &cap, refs[k].k, o)->idx = idx;
      matched = true;
    }
    if (!matched) return true; /* the trailing sort form */
  }
  return true;
}

static bool opt_keyword(const sx_node *l, size_t *i, size_t end,
                        const char *kw) {
  if (*i < end && sx_is_keyword(l->items[*i], kw)) {
    (*i)++;
    return true;
  }
  return false;
}

/* `(core func $id?)` or `(func $id? ...)`: the trailing sort form. */
static bool core_func_form(comp_text_parser *p, const sx_node *n,
                           const sx_node **id) {
  if (!sx_is_form(n, "core") || n->n < 2 || n->n > 3 ||
      !sx_is_keyword(n->items[1], "func") ||
      (n->n == 3 && n->items[2]->kind != SX_ID))
    return unexpected(p, n);
  *id = n->n == 3 ? n->items[2] : NULL;
  return true;
}

/* An index immediate of a built-in, of `sort`, at items[*i] of f (which
 * ends at `end`; there: "expected WHAT"). */
static bool index_imm(comp_text_parser *p, const sx_node *f, size_t *i,
                      size_t end, comp_sort sort, const char *what,
                      uint32_t *out) {
  if (*i >= end) {
    sx_error(p->err, f, "unexpected end of canon: expected %s", what);
    return false;
  }
  return comp_text_idx(p, f->items[(*i)++], sort, false, out);
}

bool comp_text_canon_field(comp_text_parser *p, const sx_node *f, bool inverted,
                           const sx_node *inv_id, bool has_type,
                           uint32_t lift_type, uint32_t *idx_out) {
  comp_def d = comp_text_def(COMP_DEF_CANON, f);
  comp_canon *c = &d.u.canon;
  const sx_node *id = inverted ? inv_id : NULL;
  size_t i = 1, end = f->n;
  if (i >= f->n || !find_canon(f->items[i], &c->kind)) {
    if (i < f->n) unexpected(p, f->items[i]);
    else sx_error(p->err, f, "unexpected end of canon");
    goto fail;
  }
  i++;
  /* the trailing `(core func $id?)` / `(func $id? type)` */
  const sx_node *tail = NULL;
  if (!inverted) {
    if (end <= i) {
      sx_error(p->err, f, "unexpected end of canon: expected (%sfunc)",
               c->kind == COMP_CANON_LIFT ? "" : "core ");
      goto fail;
    }
    tail = f->items[--end];
  }
  if (c->kind == COMP_CANON_LIFT || c->kind == COMP_CANON_LOWER) {
    bool lift = c->kind == COMP_CANON_LIFT;
    if (i >= end) {
      sx_error(p->err, f, "unexpected end of canon: expected a function");
      goto fail;
    }
    if (!comp_text_idx(p, f->items[i++],
                       lift ? COMP_SORT_CORE_FUNC : COMP_SORT_FUNC, false,
                       &c->func) ||
        !canonopts(p, f, &i, end, c))
      goto fail;
    if (i < end) {
      unexpected(p, f->items[i]);
      goto fail;
    }
    if (lift) {
      if (inverted) {
        if (!has_type) {
          sx_error(p->err, f, "unexpected token: canon lift needs a type");
          goto fail;
        }
        c->type = lift_type;
      } else {
        comp_externtype et;
        if (!sx_is_form(tail, "func")) {
          unexpected(p, tail);
          goto fail;
        }
        if (!comp_text_externtype(p, tail, &et, &id)) goto fail;
        c->type = et.idx;
      }
    } else if (!inverted && !core_func_form(p, tail, &id)) {
      goto fail;
    }
  } else {
    unsigned imm = comp_canon_immediates(c->kind);
    if (imm & COMP_CANON_IMM_SHARED) c->shared = opt_keyword(f, &i, end, "shared");
    if ((imm & COMP_CANON_IMM_TYPEIDX) &&
        !index_imm(p, f, &i, end, COMP_SORT_TYPE, "a type", &c->type))
      goto fail;
    if (imm & COMP_CANON_IMM_CONTEXT) {
      uint64_t v;
      if (i + 2 > end) {
        sx_error(p->err, f, "unexpected end of canon");
        goto fail;
      }
      if (!comp_text_core_valtype(p, f->items[i++], &c->ctx_type)) goto fail;
      if (f->items[i]->kind != SX_NUMBER || !sx_uint(f->items[i], 32, &v)) {
        sx_error(p->err, f->items[i], "malformed u32 literal");
        goto fail;
      }
      c->ctx_index = (uint32_t)v;
      i++;
    }
    if ((imm & COMP_CANON_IMM_RESULT) && i < end &&
        sx_is_form(f->items[i], "result")) {
      const sx_node *r = f->items[i++];
      if (r->n != 2) {
        unexpected(p, r);
        goto fail;
      }
      c->has_result = true;
      if (!comp_text_valtype(p, r->items[1], &c->result)) goto fail;
    }
    if (imm & COMP_CANON_IMM_CANCELLABLE)
      c->cancellable = opt_keyword(f, &i, end, "cancellable");
    if (imm & COMP_CANON_IMM_ASYNC) c->async = opt_keyword(f, &i, end, "async");
    if (imm & COMP_CANON_IMM_MEMORY) {
      const sx_node *m = i < end ? f->items[i] : NULL;
      if (!sx_is_form(m, "memory") || m->n != 2) {
        if (m) unexpected(p, m);
        else sx_error(p->err, f, "unexpected end of canon: expected (memory)");
        goto fail;
      }
      if (!comp_text_idx(p, m->items[1], COMP_SORT_CORE_MEMORY, false,
                         &c->memory))
        goto fail;
      i++;
    }
    if ((imm & COMP_CANON_IMM_CORE_TYPE) &&
        !index_imm(p, f, &i, end, COMP_SORT_CORE_TYPE, "a core type",
                   &c->core_type))
      goto fail;
    if ((imm & COMP_CANON_IMM_TABLE) &&
        !index_imm(p, f, &i, end, COMP_SORT_CORE_TABLE, "a table", &c->table))
      goto fail;
    if ((imm & COMP_CANON_IMM_OPTS) && !canonopts(p, f, &i, end, c)) goto fail;
    if (i < end) {
      unexpected(p, f->items[i]);
      goto fail;
    }
    if (!inverted && !core_func_form(p, tail, &id)) goto fail;
  }
  uint32_t idx = comp_text_emit_def(p, &d, id);
  if (idx_out) *idx_out = idx;
  return idx != UINT32_MAX;
fail:
  comp_def_clear(&d);
  return false;
}
