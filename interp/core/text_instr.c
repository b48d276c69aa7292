/* text_instr.c -- instructions and expressions of the core text format
 * (core spec "Text Format / Instructions"): plain instructions with their
 * immediates, structured instructions in flat (`block ... end`) and folded
 * (`(block ...)`, `(if (cond) (then ...) (else ...))`) form, labels and
 * their scopes, block types, and the constant expressions of globals and
 * segments.  Everything is emitted into the flat instruction array of
 * module.h, folded operands before their operator.
 */
#include <stdlib.h>
#include <string.h>

#include "text_priv.h"

/* ---- the expression being built ---------------------------------------- */

void core_text_reset_expr(core_text_parser *p) {
  p->nins = 0;
  p->at = NULL;
  p->nlab = 0;
}

static bool emit_instr(core_text_parser *p, const core_instr *in) {
  CANON_GROW_ZERO(p->ins, p->nins, p->cap_ins, 8);
  CANON_GROW_ZERO(p->pos, p->nins, p->cap_pos, 8);
  p->pos[p->nins] = p->at ? (core_srcpos){p->at->line, p->at->col, -1}
                          : (core_srcpos){0, 0, -1};
  p->ins[p->nins++] = *in;
  return true;
}

bool core_text_emit(core_text_parser *p, core_opcode op, uint32_t idx,
                    uint32_t idx2, uint64_t imm) {
  core_instr in;
  memset(&in, 0, sizeof in);
  in.op = (uint16_t)op;
  in.idx = idx;
  in.idx2 = idx2;
  in.imm = imm;
  return emit_instr(p, &in);
}

static core_label *new_label(core_text_parser *p) {
  CANON_GROW(p->lab, p->nlab, p->cap_lab, 8);
  memset(&p->lab[p->nlab], 0, sizeof *p->lab);
  return &p->lab[p->nlab++];
}

bool core_text_take_expr(core_text_parser *p, core_expr *e) {
  if (!core_text_emit(p, CORE_OP_END, 0, 0, 0)) return false;
  memset(e, 0, sizeof *e);
  /* hand the buffers over, trimmed */
  core_instr *ins = realloc(p->ins, p->nins * sizeof *ins);
  e->instrs = ins ? ins : p->ins;
  e->ninstrs = p->nins;
  core_srcpos *pos = realloc(p->pos, p->nins * sizeof *pos);
  e->pos = pos ? pos : p->pos;
  p->pos = NULL;
  p->cap_pos = 0;
  if (p->nlab) {
    core_label *lab = realloc(p->lab, p->nlab * sizeof *lab);
    e->labels = lab ? lab : p->lab;
    e->nlabels = p->nlab;
    p->lab = NULL;
    p->cap_lab = 0;
  }
  p->ins = NULL;
  p->cap_ins = 0;
  core_text_reset_expr(p);
  return true;
}

/* ---- labels ------------------------------------------------------------ */

static bool push_label(core_text_parser *p, const sx_node *id) {
  CANON_GROW_ZERO(p->labels, p->nlabels, p->cap_labels, 8);
  p->labels[p->nlabels++] = id;
  return true;
}

static bool same_name(const sx_node *a, const sx_node *b) {
  return a->strlen == b->strlen && memcmp(a->str, b->str, a->strlen) == 0;
}

/* A label or local given by number at n (else "unexpected" at `at`). */
static bool numeric_index(core_text_parser *p, const sx_node *n,
                          const sx_node *at, uint32_t *out) {
  if (n && n->kind == SX_NUMBER && core_text_is_index(n)) {
    uint64_t v;
    if (!sx_uint(n, 32, &v))
      return core_text_fail(p, n, "i32 constant out of range");
    *out = (uint32_t)v;
    return true;
  }
  return core_text_unexpected(p, n, at);
}

static bool label_index(core_text_parser *p, const sx_node *n,
                        const sx_node *at, uint32_t *out) {
  if (n && n->kind == SX_ID) {
    for (uint32_t k = p->nlabels; k-- > 0;)
      if (p->labels[k] && same_name(p->labels[k], n)) {
        *out = p->nlabels - 1 - k;
        return true;
      }
    return core_text_fail(p, n, "unknown label %.*s", (int)n->len, n->text);
  }
  return numeric_index(p, n, at, out);
}

/* `end $l` / `else $l`: the label must repeat the block's own. */
static bool end_label(core_text_parser *p, const sx_node *form, size_t *i,
                      const sx_node *label) {
  if (*i < form->n && form->items[*i]->kind == SX_ID) {
    const sx_node *n = form->items[(*i)++];
    if (!label || !same_name(label, n))
      return core_text_fail(p, n, "mismatching label");
  }
  return true;
}

/* ---- immediates -------------------------------------------------------- */

static bool local_index(core_text_parser *p, const sx_node *n,
                        const sx_node *at, uint32_t *out) {
  if (n && n->kind == SX_ID)
    return core_text_lookup(p, &p->locals, n, "local", out);
  return numeric_index(p, n, at, out);
}

/* An optional index of `space`, 0 if absent. */
static bool opt_index(core_text_parser *p, int space, const sx_node *form,
                      size_t *i, uint32_t *out) {
  *out = 0;
  if (!core_text_is_index(core_text_item(form, *i))) return true;
  return core_text_index(p, space, form->items[(*i)++], form, out);
}

/* Two optional indices: both or neither. */
static bool opt_index2(core_text_parser *p, int space, const sx_node *form,
                       size_t *i, uint32_t *a, uint32_t *b) {
  *a = *b = 0;
  if (!core_text_is_index(core_text_item(form, *i))) return true;
  if (!core_text_index(p, space, form->items[(*i)++], form, a)) return false;
  return core_text_index(p, space, core_text_item(form, *i), form, b) && ++*i;
}

/* log2 of the natural alignment of a load or store. */
static unsigned natural_align(core_opcode op) {
  switch (op) {
  case CORE_OP_I32_LOAD8_S:
  case CORE_OP_I32_LOAD8_U:
  case CORE_OP_I64_LOAD8_S:
  case CORE_OP_I64_LOAD8_U:
  case CORE_OP_I32_STORE8:
  case CORE_OP_I64_STORE8: return 0;
  case CORE_OP_I32_LOAD16_S:
  case CORE_OP_I32_LOAD16_U:
  case CORE_OP_I64_LOAD16_S:
  case CORE_OP_I64_LOAD16_U:
  case CORE_OP_I32_STORE16:
  case CORE_OP_I64_STORE16: return 1;
  case CORE_OP_I32_LOAD:
  case CORE_OP_F32_LOAD:
  case CORE_OP_I64_LOAD32_S:
  case CORE_OP_I64_LOAD32_U:
  case CORE_OP_I32_STORE:
  case CORE_OP_F32_STORE:
  case CORE_OP_I64_STORE32: return 2;
  default: return 3;
  }
}

static bool has_prefix(const sx_node *n, const char *pre) {
  size_t k = strlen(pre);
  return n && n->kind == SX_KEYWORD && n->len > k &&
         memcmp(n->text, pre, k) == 0;
}

/* memidx? offset=N? align=N? */
static bool memarg(core_text_parser *p, core_opcode op, const sx_node *form,
                   size_t *i, core_instr *in) {
  if (!opt_index(p, CORE_TEXT_MEM, form, i, &in->idx)) return false;
  bool is64 = in->idx < p->count[CORE_TEXT_MEM] && in->idx < p->cap_mem64 &&
              p->mem64[in->idx];
  in->align = (uint8_t)natural_align(op);
  const sx_node *n = core_text_item(form, *i);
  if (has_prefix(n, "offset=")) {
    if (!sx_uint_text(n->text + 7, n->len - 7, is64 ? 64 : 32, &in->imm))
      return core_text_fail(p, n,
                            is64 ? "i64 constant out of range"
                                 : "i32 constant out of range");
    n = core_text_item(form, ++*i);
  }
  if (has_prefix(n, "align=")) {
    uint64_t a;
    if (!sx_uint_text(n->text + 6, n->len - 6, 64, &a))
      return core_text_fail(p, n, "i64 constant out of range");
    if (a == 0 || (a & (a - 1)))
      return core_text_fail(p, n, "alignment must be a power of two");
    unsigned k = 0;
    while (a >>= 1) k++;
    in->align = (uint8_t)k;
    ++*i;
  }
  return true;
}

/* The literal of a *.const instruction. */
static bool literal(core_text_parser *p, core_opcode op, const sx_node *n,
                    const sx_node *at, uint64_t *out) {
  if (!n || !sx_is_number_like(n)) return core_text_unexpected(p, n, at);
  bool ok;
  uint32_t f;
  switch (op) {
  case CORE_OP_I32_CONST: ok = sx_int(n, 32, out); break;
  case CORE_OP_I64_CONST: ok = sx_int(n, 64, out); break;
  case CORE_OP_F32_CONST:
    ok = sx_f32(n, &f);
    *out = f;
    break;
  default: ok = sx_f64(n, out); break;
  }
  return ok || core_text_fail(p, n, "constant out of range");
}

/* Reads the immediates of plain instruction `op` (named by kw) from
 * form->items[*i..] into *in. */
static bool plain(core_text_parser *p, const sx_node *kw, core_opcode op,
                  const sx_node *form, size_t *i, core_instr *in) {
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  const sx_node *n = core_text_item(form, *i);
  switch (core_opinfo_table[op].imm) {
  case CORE_IMM_NONE:
    if (op == CORE_OP_SELECT) {
      bool typed = false;
      while (sx_is_form(core_text_item(form, *i), "result")) {
        const sx_node *r = form->items[(*i)++];
        typed = true;
        for (size_t k = 1; k < r->n; k++) {
          core_valtype t;
          if (!core_text_valtype(p, r->items[k], &t)) return false;
          if (in->idx++ == 0) in->imm = t;
        }
      }
      if (typed) in->op = CORE_OP_SELECT_T;
    }
    return true;
  case CORE_IMM_LABEL: (*i)++; return label_index(p, n, kw, &in->idx);
  case CORE_IMM_BR_TABLE: {
    if (!core_text_is_index(n)) return core_text_unexpected(p, n, kw);
    in->idx = p->nlab;
    while (core_text_is_index(core_text_item(form, *i))) {
      core_label *l = new_label(p);
      if (!l || !label_index(p, form->items[(*i)++], kw, &l->depth))
        return false;
      in->idx2++;
    }
    return true;
  }
  case CORE_IMM_FUNC:
    (*i)++;
    return core_text_index(p, CORE_TEXT_FUNC, n, kw, &in->idx);
  case CORE_IMM_CALL_INDIRECT:
    if (!opt_index(p, CORE_TEXT_TABLE, form, i, &in->idx2)) return false;
    return core_text_typeuse(p, form, i, false, false, &in->idx);
  case CORE_IMM_LOCAL: (*i)++; return local_index(p, n, kw, &in->idx);
  case CORE_IMM_GLOBAL:
    (*i)++;
    return core_text_index(p, CORE_TEXT_GLOBAL, n, kw, &in->idx);
  case CORE_IMM_TABLE: return opt_index(p, CORE_TEXT_TABLE, form, i, &in->idx);
  case CORE_IMM_MEMARG: return memarg(p, op, form, i, in);
  case CORE_IMM_MEM: return opt_index(p, CORE_TEXT_MEM, form, i, &in->idx);
  case CORE_IMM_I32:
  case CORE_IMM_I64:
  case CORE_IMM_F32:
  case CORE_IMM_F64: (*i)++; return literal(p, op, n, kw, &in->imm);
  case CORE_IMM_REFNULL: {
    /* ref.null ht pushes a (ref null ht) */
    core_valtype t;
    (*i)++;
    if (!core_text_heaptype(p, n, kw, true, &t)) return false;
    in->imm = t;
    return true;
  }
  case CORE_IMM_TABLE_COPY:
    return opt_index2(p, CORE_TEXT_TABLE, form, i, &in->idx, &in->idx2);
  case CORE_IMM_TABLE_INIT:
  case CORE_IMM_MEM_INIT: {
    /* x y: table/memory x, segment y; a lone x is the segment */
    int space = op == CORE_OP_TABLE_INIT ? CORE_TEXT_TABLE : CORE_TEXT_MEM;
    int seg = op == CORE_OP_TABLE_INIT ? CORE_TEXT_ELEM : CORE_TEXT_DATA;
    if (core_text_is_index(n) &&
        core_text_is_index(core_text_item(form, *i + 1))) {
      if (!core_text_index(p, space, n, kw, &in->idx2)) return false;
      (*i)++;
      n = core_text_item(form, *i);
    }
    (*i)++;
    return core_text_index(p, seg, n, kw, &in->idx);
  }
  case CORE_IMM_ELEM:
    (*i)++;
    return core_text_index(p, CORE_TEXT_ELEM, n, kw, &in->idx);
  case CORE_IMM_DATA:
    (*i)++;
    return core_text_index(p, CORE_TEXT_DATA, n, kw, &in->idx);
  case CORE_IMM_MEM_COPY:
    return opt_index2(p, CORE_TEXT_MEM, form, i, &in->idx, &in->idx2);
  case CORE_IMM_TAG:
    (*i)++;
    return core_text_index(p, CORE_TEXT_TAG, n, kw, &in->idx);
  default: return core_text_unexpected(p, kw, form);
  }
}

/* ---- block types and structured instructions --------------------------- */

/* (type x)? (param t*)* (result t*)* of a block, loop, if or try_table. */
static bool blocktype(core_text_parser *p, const sx_node *form, size_t *i,
                      core_instr *in) {
  const sx_node *tnode;
  uint32_t x;
  core_functype ft = {0, 0, NULL, NULL};
  bool ok = core_text_typeuse_parts(p, form, i, false, false, &tnode, &x, &ft);
  if (ok && !tnode && ft.nparams == 0 && ft.nresults == 0) {
    in->bt_kind = CORE_BT_EMPTY;
  } else if (ok && !tnode && ft.nparams == 0 && ft.nresults == 1) {
    in->bt_kind = CORE_BT_VAL;
    in->imm = ft.results[0];
  } else if (ok) {
    in->bt_kind = CORE_BT_TYPE;
    ok = core_text_typeuse_resolve(p, tnode, x, &ft, false, &x);
    in->imm = x;
  }
  core_text_functype_free(&ft);
  return ok;
}

/* The catch clauses of a try_table, in the context outside it. */
static bool catches(core_text_parser *p, const sx_node *form, size_t *i,
                    core_instr *in) {
  in->idx = p->nlab;
  for (;;) {
    const sx_node *c = core_text_item(form, *i);
    uint8_t kind;
    if (sx_is_form(c, "catch"))
      kind = CORE_CATCH;
    else if (sx_is_form(c, "catch_ref"))
      kind = CORE_CATCH_REF;
    else if (sx_is_form(c, "catch_all"))
      kind = CORE_CATCH_ALL;
    else if (sx_is_form(c, "catch_all_ref"))
      kind = CORE_CATCH_ALL_REF;
    else
      return true;
    bool tagged = kind == CORE_CATCH || kind == CORE_CATCH_REF;
    size_t want = tagged ? 3 : 2;
    if (!core_text_arity(p, c, want)) return false;
    core_label *l = new_label(p);
    if (!l) return false;
    l->catch_kind = kind;
    if (tagged && !core_text_index(p, CORE_TEXT_TAG, c->items[1], c, &l->tag))
      return false;
    if (!label_index(p, c->items[want - 1], c, &l->depth)) return false;
    in->idx2++;
    (*i)++;
  }
}

/* The label and block type after block/loop/if/try_table, emitting the
 * instruction (an `if` of folded form is emitted later, after its
 * condition). */
static bool block_head(core_text_parser *p, core_opcode op, const sx_node *form,
                       size_t *i, const sx_node **label, core_instr *in) {
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  *label = NULL;
  if (core_text_item(form, *i) && form->items[*i]->kind == SX_ID)
    *label = form->items[(*i)++];
  if (!blocktype(p, form, i, in)) return false;
  if (op == CORE_OP_TRY_TABLE && !catches(p, form, i, in)) return false;
  return true;
}

typedef enum stop { STOP_EOL, STOP_END, STOP_ELSE } stop;

static bool instrs(core_text_parser *p, const sx_node *form, size_t *i,
                   stop *why);
static bool folded(core_text_parser *p, const sx_node *n);

/* Classifies the keyword of an instruction. */
static bool opcode_of(core_text_parser *p, const sx_node *kw, const sx_node *at,
                      core_opcode *op) {
  const char *feature = NULL;
  if (!kw || kw->kind != SX_KEYWORD) return core_text_unexpected(p, kw, at);
  switch (core_text_keyword(kw->text, kw->len, op, &feature)) {
  case CORE_TEXT_KW_INSTR:
    if (*op == CORE_OP_END || *op == CORE_OP_ELSE)
      return core_text_unexpected(p, kw, at);
    return true;
  case CORE_TEXT_KW_UNSUPPORTED: return core_text_unsupported(p, kw, feature);
  default: return core_text_unexpected(p, kw, at);
  }
}

static bool is_block_op(core_opcode op) {
  return op == CORE_OP_BLOCK || op == CORE_OP_LOOP || op == CORE_OP_IF ||
         op == CORE_OP_TRY_TABLE;
}

/* block/loop/if/try_table label? blocktype instr* (else label?
 * instr*)? end label? -- the keyword was at items[*i - 1]. */
static bool flat_block(core_text_parser *p, core_opcode op, const sx_node *kw,
                       const sx_node *form, size_t *i) {
  const sx_node *label;
  core_instr in;
  stop why;
  /* Flat blocks recurse here on the C stack: bound them like the reader
   * bounds nested lists, so a deep input is refused, never a crash. */
  if (p->nlabels >= CORE_TEXT_MAX_FLAT_NESTING)
    return core_text_fail(p, kw, "nesting too deep");
  if (!block_head(p, op, form, i, &label, &in)) return false;
  if (!emit_instr(p, &in) || !push_label(p, label)) return false;
  if (!instrs(p, form, i, &why)) return false;
  if (why == STOP_ELSE && op == CORE_OP_IF) {
    (*i)++;
    if (!end_label(p, form, i, label)) return false;
    if (!core_text_emit(p, CORE_OP_ELSE, 0, 0, 0)) return false;
    if (!instrs(p, form, i, &why)) return false;
  }
  if (why != STOP_END)
    return core_text_fail(p, why == STOP_ELSE ? form->items[*i] : kw,
                          why == STOP_ELSE ? "unexpected token"
                                           : "unexpected token: missing end");
  (*i)++;
  if (!end_label(p, form, i, label)) return false;
  p->nlabels--;
  return core_text_emit(p, CORE_OP_END, 0, 0, 0);
}

/* Parses instructions up to the end of the list or a flat `end`/`else`
 * (left at items[*i]). */
static bool instrs(core_text_parser *p, const sx_node *form, size_t *i,
                   stop *why) {
  *why = STOP_EOL;
  while (*i < form->n) {
    const sx_node *n = form->items[*i];
    if (n->kind == SX_LIST) {
      if (!folded(p, n)) return false;
      (*i)++;
      continue;
    }
    if (sx_is_keyword(n, "end")) {
      *why = STOP_END;
      return true;
    }
    if (sx_is_keyword(n, "else")) {
      *why = STOP_ELSE;
      return true;
    }
    core_opcode op;
    if (!opcode_of(p, n, form, &op)) return false;
    (*i)++;
    p->at = n;
    if (is_block_op(op)) {
      if (!flat_block(p, op, n, form, i)) return false;
    } else {
      core_instr in;
      if (!plain(p, n, op, form, i, &in) || !emit_instr(p, &in)) return false;
    }
  }
  return true;
}

/* Instructions filling the rest of a list: a stray `end`/`else` is an
 * error. */
static bool instrs_to_end(core_text_parser *p, const sx_node *form, size_t i) {
  stop why;
  if (!instrs(p, form, &i, &why)) return false;
  if (why != STOP_EOL) return core_text_unexpected(p, form->items[i], form);
  return true;
}

bool core_text_instrs(core_text_parser *p, const sx_node *form, size_t *i) {
  bool ok = instrs_to_end(p, form, *i);
  *i = form->n;
  return ok;
}

/* (if label? blocktype (cond)* (then instr*) (else instr*)?) */
static bool folded_if(core_text_parser *p, const sx_node *n) {
  const sx_node *label;
  core_instr in;
  size_t i = 1;
  if (!block_head(p, CORE_OP_IF, n, &i, &label, &in)) return false;
  /* the condition is evaluated outside the if's label */
  while (i < n->n && sx_is_list(n->items[i]) &&
         !sx_is_form(n->items[i], "then") && !sx_is_form(n->items[i], "else")) {
    if (!folded(p, n->items[i])) return false;
    i++;
  }
  const sx_node *then = core_text_item(n, i);
  if (!sx_is_form(then, "then")) return core_text_unexpected(p, then, n);
  i++;
  p->at = n;
  if (!emit_instr(p, &in) || !push_label(p, label)) return false;
  if (!instrs_to_end(p, then, 1)) return false;
  const sx_node *els = core_text_item(n, i);
  if (sx_is_form(els, "else")) {
    i++;
    if (!core_text_emit(p, CORE_OP_ELSE, 0, 0, 0)) return false;
    if (!instrs_to_end(p, els, 1)) return false;
  }
  if (i < n->n) return core_text_unexpected(p, n->items[i], n);
  p->nlabels--;
  p->at = n;
  return core_text_emit(p, CORE_OP_END, 0, 0, 0);
}

/* One folded instruction: (op immediates (operand)*) or a structured one. */
static bool folded(core_text_parser *p, const sx_node *n) {
  const sx_node *kw = n->n ? n->items[0] : NULL;
  core_opcode op;
  if (!opcode_of(p, kw, n, &op)) return false;
  if (op == CORE_OP_IF) return folded_if(p, n);
  size_t i = 1;
  core_instr in;
  if (is_block_op(op)) {
    const sx_node *label;
    if (!block_head(p, op, n, &i, &label, &in)) return false;
    p->at = n;
    if (!emit_instr(p, &in) || !push_label(p, label)) return false;
    if (!instrs_to_end(p, n, i)) return false;
    p->nlabels--;
    p->at = n;
    return core_text_emit(p, CORE_OP_END, 0, 0, 0);
  }
  if (core_opinfo_table[op].imm == CORE_IMM_BR_TABLE) {
    /* operands first, so that the label entries of the expression are in
     * instruction order, as in the binary format */
    size_t j = 1;
    while (j < n->n && !sx_is_list(n->items[j])) j++;
    for (size_t k = j; k < n->n; k++) {
      if (!sx_is_list(n->items[k]))
        return core_text_unexpected(p, n->items[k], n);
      if (!folded(p, n->items[k])) return false;
    }
    if (!plain(p, kw, op, n, &i, &in)) return false;
    if (i != j) return core_text_unexpected(p, n->items[i], n);
    p->at = n;
    return emit_instr(p, &in);
  }
  if (!plain(p, kw, op, n, &i, &in)) return false;
  for (; i < n->n; i++) {
    if (!sx_is_list(n->items[i]))
      return core_text_unexpected(p, n->items[i], n);
    if (!folded(p, n->items[i])) return false;
  }
  p->at = n;
  return emit_instr(p, &in);
}

/* ---- expressions ------------------------------------------------------- */

bool core_text_const_expr(core_text_parser *p, const sx_node *form, size_t i,
                          core_expr *e) {
  core_text_reset_expr(p);
  if (!instrs_to_end(p, form, i)) return false;
  return core_text_take_expr(p, e);
}

bool core_text_folded_expr(core_text_parser *p, const sx_node *expr,
                           core_expr *e) {
  core_text_reset_expr(p);
  if (!folded(p, expr)) return false;
  return core_text_take_expr(p, e);
}
