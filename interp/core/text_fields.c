/* text_fields.c -- the core text format's module fields that refer to
 * everything else, read in the parser's second pass (core spec "Text
 * Format / Modules"): exports, start, function bodies with their locals,
 * and element and data segments in all their forms (active with a table
 * or memory use and an offset, passive, declarative; function index lists
 * or element expressions). */
#include <stdlib.h>
#include <string.h>

#include "text_priv.h"

bool core_text_add_export(core_text_parser *p, const sx_node *name,
                          core_externkind kind, uint32_t idx) {
  core_module *m = p->m;
  core_export *e = CORE_TEXT_APPEND(p, m->exports, m->nexports, p->cap_exports);
  if (!e) return false;
  e->kind = kind;
  e->idx = idx;
  return core_text_copy_name(p, name, &e->name);
}

bool core_text_export_field(core_text_parser *p, const sx_node *form) {
  if (!core_text_arity(p, form, 3)) return false;
  if (!core_text_check_name(p, form->items[1])) return false;
  const sx_node *d = form->items[2];
  int space;
  core_externkind kind;
  if (!core_text_extern_desc(p, d, form, &space, &kind)) return false;
  if (!core_text_arity(p, d, 2)) return false;
  uint32_t idx;
  if (!core_text_index(p, space, d->items[1], d, &idx)) return false;
  return core_text_add_export(p, form->items[1], kind, idx);
}

/* A type use that must be all that is left of the form (imports, tags). */
bool core_text_typeuse_only(core_text_parser *p, const sx_node *form, size_t i,
                            uint32_t *idx) {
  if (!core_text_typeuse(p, form, &i, true, false, idx)) return false;
  if (i < form->n) return core_text_unexpected(p, form->items[i], form);
  return true;
}

static void reset_func(core_text_parser *p) {
  core_text_names_free(&p->locals);
  p->nlocals = 0;
  p->params_unknown = false;
  p->nlabels = 0;
}

bool core_text_func_body(core_text_parser *p, const sx_node *form, size_t i,
                         core_func *fn) {
  reset_func(p);
  if (!core_text_typeuse(p, form, &i, true, true, &fn->type)) return false;
  uint32_t cap = fn->nlocals;
  while (i < form->n && sx_is_form(form->items[i], "local")) {
    const sx_node *l = form->items[i++];
    if (l->n >= 2 && l->items[1]->kind == SX_ID) {
      core_valtype t;
      if (!core_text_arity(p, l, 3)) return false;
      if (!core_text_valtype(p, l->items[2], &t)) return false;
      core_text_push_valtype(&fn->locals, &fn->nlocals, &cap, t);
      if (!core_text_bind_local(p, l->items[1])) return false;
    } else {
      for (size_t k = 1; k < l->n; k++) {
        core_valtype t;
        if (!core_text_valtype(p, l->items[k], &t)) return false;
        core_text_push_valtype(&fn->locals, &fn->nlocals, &cap, t);
        p->nlocals++;
      }
    }
  }
  /* the function's own label */
  CANON_GROW_ZERO(p->labels, 0, p->cap_labels, 8);
  p->labels[0] = NULL;
  p->nlabels = 1;
  core_text_reset_expr(p);
  if (!core_text_instrs(p, form, &i)) return false;
  bool ok = core_text_take_expr(p, &fn->body);
  reset_func(p);
  return ok;
}

/* An `i32.const 0` or `i64.const 0` offset, for inline segments. */
bool core_text_zero_offset(core_text_parser *p, bool is64, core_expr *e) {
  core_text_reset_expr(p);
  if (!core_text_emit(p, is64 ? CORE_OP_I64_CONST : CORE_OP_I32_CONST, 0, 0, 0))
    return false;
  return core_text_take_expr(p, e);
}

/* `ref.func x; end` for an element given as a function index. */
static bool funcref_item(core_text_parser *p, const sx_node *n,
                         const sx_node *at, core_expr *e) {
  uint32_t x;
  if (!core_text_index(p, CORE_TEXT_FUNC, n, at, &x)) return false;
  core_text_reset_expr(p);
  if (!core_text_emit(p, CORE_OP_REF_FUNC, x, 0, 0)) return false;
  return core_text_take_expr(p, e);
}

/* An element expression: (item instr*) or one folded instruction. */
static bool elem_expr(core_text_parser *p, const sx_node *n, const sx_node *at,
                      core_expr *e) {
  if (sx_is_form(n, "item")) return core_text_const_expr(p, n, 1, e);
  if (sx_is_list(n)) return core_text_folded_expr(p, n, e);
  return core_text_unexpected(p, n, at);
}

core_elem *core_text_new_elem(core_text_parser *p) {
  return CORE_TEXT_APPEND(p, p->m->elems, p->m->nelems, p->cap_elems);
}

/* Element items from items[i..]: function indices or expressions. */
bool core_text_elem_items(core_text_parser *p, const sx_node *form, size_t i,
                          bool exprs, core_elem *e) {
  size_t n = form->n - i;
  if (n == 0) return true;
  e->items = calloc(n, sizeof *e->items);
  if (!e->items) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  for (; i < form->n; i++) {
    core_expr *x = &e->items[e->nitems++];
    bool ok = exprs ? elem_expr(p, form->items[i], form, x)
                    : funcref_item(p, form->items[i], form, x);
    if (!ok) return false;
  }
  return true;
}

/* An offset: (offset instr*) or one folded instruction. */
static bool offset_expr(core_text_parser *p, const sx_node *n,
                        const sx_node *at, core_expr *e) {
  if (sx_is_form(n, "offset")) return core_text_const_expr(p, n, 1, e);
  if (sx_is_list(n) && n->n > 0 && n->items[0]->kind == SX_KEYWORD)
    return core_text_folded_expr(p, n, e);
  return core_text_unexpected(p, n, at);
}

/* An active segment's (table x) or (memory x), at items[*i] of form, then
 * its offset; *i moves past both. */
static bool target_offset(core_text_parser *p, const sx_node *form, size_t *i,
                          int space, uint32_t *idx, core_expr *offset) {
  const sx_node *n = form->items[*i];
  if (!core_text_arity(p, n, 2)) return false;
  if (!core_text_index(p, space, n->items[1], n, idx)) return false;
  (*i)++;
  if (!offset_expr(p, core_text_item(form, *i), form, offset)) return false;
  (*i)++;
  return true;
}

/* Is n an offset of an active segment, rather than an element type or
 * element expression? */
static bool is_offset(const sx_node *n) {
  return sx_is_list(n) && n->n > 0 && n->items[0]->kind == SX_KEYWORD &&
         !sx_is_form(n, "item") && !sx_is_form(n, "ref");
}

bool core_text_elem_field(core_text_parser *p, const sx_node *form) {
  core_elem *e = core_text_new_elem(p);
  if (!e) return false;
  size_t i = 1;
  if (i < form->n && form->items[i]->kind == SX_ID) i++;
  const sx_node *n = core_text_item(form, i);
  e->type = CORE_FUNCREF;
  bool abbrev = false; /* `(elem offset x*)`: bare function indices */
  if (sx_is_keyword(n, "declare")) {
    e->mode = CORE_SEG_DECLARATIVE;
    i++;
  } else if (sx_is_form(n, "table")) {
    e->mode = CORE_SEG_ACTIVE;
    if (!target_offset(p, form, &i, CORE_TEXT_TABLE, &e->table, &e->offset))
      return false;
  } else if (is_offset(n)) {
    e->mode = CORE_SEG_ACTIVE;
    if (!offset_expr(p, n, form, &e->offset)) return false;
    i++;
    abbrev = true;
  } else {
    e->mode = CORE_SEG_PASSIVE;
  }
  n = core_text_item(form, i);
  if (sx_is_keyword(n, "func"))
    return core_text_elem_items(p, form, i + 1, false, e);
  if (n && core_text_is_reftype(n)) {
    if (!core_text_reftype(p, n, &e->type)) return false;
    return core_text_elem_items(p, form, i + 1, true, e);
  }
  if (abbrev) return core_text_elem_items(p, form, i, false, e);
  return core_text_unexpected(p, n, form);
}

bool core_text_data_field(core_text_parser *p, const sx_node *form) {
  core_data *d = CORE_TEXT_APPEND(p, p->m->datas, p->m->ndatas, p->cap_datas);
  if (!d) return false;
  size_t i = 1;
  if (i < form->n && form->items[i]->kind == SX_ID) i++;
  const sx_node *n = core_text_item(form, i);
  d->mode = CORE_SEG_PASSIVE;
  if (sx_is_form(n, "memory")) {
    if (!target_offset(p, form, &i, CORE_TEXT_MEM, &d->memory, &d->offset))
      return false;
    d->mode = CORE_SEG_ACTIVE;
  } else if (sx_is_list(n)) {
    if (!offset_expr(p, n, form, &d->offset)) return false;
    d->mode = CORE_SEG_ACTIVE;
    i++;
  }
  size_t len;
  if (!core_text_data_strings(p, form, i, &len)) return false;
  d->bytes = malloc(len ? len : 1);
  if (!d->bytes) {
    cm_error_set(p->err, CM_IO, "out of memory");
    return false;
  }
  for (; i < form->n; i++) {
    memcpy(d->bytes + d->len, form->items[i]->str, form->items[i]->strlen);
    d->len += (uint32_t)form->items[i]->strlen;
  }
  return true;
}

bool core_text_start_field(core_text_parser *p, const sx_node *form) {
  if (!core_text_arity(p, form, 2)) return false;
  uint32_t x;
  if (!core_text_index(p, CORE_TEXT_FUNC, form->items[1], form, &x))
    return false;
  if (p->m->has_start)
    return core_text_fail(p, form, "multiple start sections");
  p->m->has_start = true;
  p->m->start = x;
  return true;
}
