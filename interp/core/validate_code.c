/* validate_code.c -- the instruction type checker (core spec "Validation >
 * Instructions", run as the algorithm of the appendix "Validation
 * Algorithm": an operand stack of value types, 0 standing for the unknown
 * type of a stack-polymorphic frame, and a control stack of frames).
 *
 * Besides checking, it fills in what the executor needs (module.h): branch
 * targets, label heights and arities, the pcs of try_tables and the largest
 * operand-stack height.  Instructions with a fixed signature in opcodes.def
 * are typed from that string; the others have a case each below.  Messages
 * follow the spec interpreter (interpreter/valid/valid.ml), whose expected
 * texts the reference tests match as prefixes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_priv.h"
#include "../../canon/grow.h"

/* Result types of one value, for block types written as a single value
 * type: frames point here so nothing points into a frame. */
static const core_valtype single_types[] = {
    CORE_I32,     CORE_I64,       CORE_F32,   CORE_F64,
    CORE_FUNCREF, CORE_EXTERNREF, CORE_EXNREF,
};

static const core_valtype *single(core_valtype t) {
  for (size_t i = 0; i < sizeof single_types / sizeof *single_types; i++)
    if (single_types[i] == t) return &single_types[i];
  return NULL;
}

/* ---- scratch stacks ------------------------------------------------------ */

/* true: out of memory ends the run (canon/grow.h) */
#define GROW(v, arr, cap, need) \
  ((void)(v), CANON_RESERVE(arr, need, cap, 16), true)

void vcode_free(core_valid_ctx *v) {
  CANON_FREE_ALL(v->vals, v->ctrls, v->fixups, v->tries, v->locals);
}

/* ---- messages ------------------------------------------------------------ */

/* Value types as the spec interpreter prints them; 0 is its "bot". */
static const char *tname(int t) {
  switch (t) {
  case 0: return "bot";
  case CORE_FUNCREF: return "(ref null func)";
  case CORE_EXTERNREF: return "(ref null extern)";
  case CORE_EXNREF: return "(ref null exn)";
  default: return core_valtype_name((core_valtype)t);
  }
}

typedef struct sbuf {
  char s[200];
  size_t n;
} sbuf;

static void sb_add(sbuf *b, const char *str) {
  size_t l = strlen(str);
  if (b->n + l + 4 >= sizeof b->s) {
    if (b->n + 4 < sizeof b->s) memcpy(b->s + b->n, "...", 4), b->n += 3;
    return;
  }
  memcpy(b->s + b->n, str, l + 1);
  b->n += l;
}

/* "[t1 t2 ...]" of nbots unknowns, then ts (n), then extra (if nonzero). */
static void sb_types(sbuf *b, uint32_t nbots, const core_valtype *ts,
                     uint32_t n, core_valtype extra) {
  bool first = true;
  sb_add(b, "[");
  for (uint32_t i = 0; i < nbots + n + (extra != 0); i++) {
    int t = i < nbots ? 0 : i < nbots + n ? (int)ts[i - nbots] : (int)extra;
    if (!first) sb_add(b, " ");
    sb_add(b, tname(t));
    first = false;
  }
  sb_add(b, "]");
}

static void sb_vals(sbuf *b, uint32_t nbots, const uint8_t *vals, uint32_t n) {
  sb_add(b, "[");
  for (uint32_t i = 0; i < nbots + n; i++) {
    if (i) sb_add(b, " ");
    sb_add(b, tname(i < nbots ? 0 : vals[i - nbots]));
  }
  sb_add(b, "]");
}

/* ---- the operand stack --------------------------------------------------- */

static vframe *top(core_valid_ctx *v) { return &v->ctrls[v->nctrls - 1]; }

static bool push(core_valid_ctx *v, core_valtype t) {
  if (!GROW(v, v->vals, v->capvals, v->nvals + 1)) return false;
  v->vals[v->nvals++] = (uint8_t)t;
  if (v->nvals > v->max_height) v->max_height = v->nvals;
  return true;
}

static bool push_n(core_valid_ctx *v, const core_valtype *ts, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (!push(v, ts[i])) return false;
  return true;
}

/* Checks that the top of the current frame holds the types ts then extra
 * (extra = 0: none), as the spec interpreter's "pop" does: in a
 * stack-polymorphic frame missing values are unknown and match anything.
 * With `pop`, removes them. */
static bool match_top(core_valid_ctx *v, const core_valtype *ts, uint32_t n,
                      core_valtype extra, bool pop) {
  vframe *f = top(v);
  uint32_t want = n + (extra != 0);
  uint32_t avail = v->nvals - f->height;
  uint32_t k = want < avail ? want : avail;
  bool ok = k == want || f->unreachable;
  for (uint32_t i = 0; ok && i < k; i++) {
    uint32_t j = want - k + i; /* position in the wanted list */
    int expect = j < n ? (int)ts[j] : (int)extra;
    int actual = v->vals[v->nvals - k + i];
    if (actual && expect && actual != expect) ok = false;
  }
  if (!ok) {
    sbuf want_s = {{0}, 0}, have_s = {{0}, 0};
    sb_types(&want_s, 0, ts, n, extra);
    sb_vals(&have_s, f->unreachable ? want - k : 0, v->vals + v->nvals - k, k);
    return vfail(v, "type mismatch: instruction requires %s but stack has %s",
                 want_s.s, have_s.s);
  }
  if (pop) v->nvals -= k;
  return true;
}

static bool pop_vals(core_valid_ctx *v, const core_valtype *ts, uint32_t n,
                     core_valtype extra) {
  return match_top(v, ts, n, extra, true);
}

static bool pop1(core_valid_ctx *v, core_valtype t) {
  return pop_vals(v, &t, 1, 0);
}

/* The type of the i-th value from the top of the frame, 0 if unknown. */
static int peek(core_valid_ctx *v, uint32_t i) {
  uint32_t avail = v->nvals - top(v)->height;
  return i < avail ? v->vals[v->nvals - 1 - i] : 0;
}

static void set_unreachable(core_valid_ctx *v) {
  vframe *f = top(v);
  v->nvals = f->height;
  f->unreachable = true;
}

/* ---- the control stack ---------------------------------------------------- */

static bool push_ctrl(core_valid_ctx *v, uint16_t op, uint32_t pc,
                      const core_valtype *params, uint32_t np,
                      const core_valtype *results, uint32_t nr) {
  if (!GROW(v, v->ctrls, v->capctrls, v->nctrls + 1)) return false;
  vframe *f = &v->ctrls[v->nctrls++];
  *f = (vframe){.op = op, .pc = pc, .params = params, .nparams = np,
                .results = results, .nresults = nr, .height = v->nvals,
                .fixup_base = v->nfixups};
  return push_n(v, params, np);
}

/* At the end of a frame (or of an if's then-arm): exactly its results. */
static bool check_frame_end(core_valid_ctx *v) {
  vframe *f = top(v);
  uint32_t avail = v->nvals - f->height;
  bool ok = avail == f->nresults || (f->unreachable && avail < f->nresults);
  for (uint32_t i = 0; ok && i < avail; i++) {
    int actual = v->vals[f->height + i];
    int expect = f->results[f->nresults - avail + i];
    if (actual && actual != expect) ok = false;
  }
  if (!ok) {
    sbuf want_s = {{0}, 0}, have_s = {{0}, 0};
    sb_types(&want_s, 0, f->results, f->nresults, 0);
    sb_vals(&have_s, 0, v->vals + f->height, avail);
    return vfail(v, "type mismatch: block requires %s but stack has %s",
                 want_s.s, have_s.s);
  }
  return true;
}

static bool block_type(core_valid_ctx *v, const core_instr *in,
                       const core_valtype **p, uint32_t *np,
                       const core_valtype **r, uint32_t *nr) {
  *p = *r = NULL;
  *np = *nr = 0;
  switch (in->bt_kind) {
  case CORE_BT_EMPTY: return true;
  case CORE_BT_VAL:
    if (!vcheck_valtype(v, (core_valtype)in->imm)) return false;
    *r = single((core_valtype)in->imm);
    *nr = 1;
    return true;
  case CORE_BT_TYPE: {
    if (in->imm >= v->m->ntypes)
      return vfail(v, "unknown type %llu", (unsigned long long)in->imm);
    const core_functype *ft = &v->m->types[in->imm];
    *p = ft->params, *np = ft->nparams;
    *r = ft->results, *nr = ft->nresults;
    return true;
  }
  }
  return vfail(v, "invalid block type");
}

/* The frame a label index refers to, or NULL ("unknown label"). */
static vframe *label(core_valid_ctx *v, uint32_t depth) {
  if (depth >= v->nctrls) {
    vfail(v, "unknown label %u", depth);
    return NULL;
  }
  return &v->ctrls[v->nctrls - 1 - depth];
}

/* A branch to a loop carries the loop's parameters; to any other block,
 * its results. */
static void label_types(const vframe *f, const core_valtype **ts,
                        uint32_t *n) {
  if (f->op == CORE_OP_LOOP) *ts = f->params, *n = f->nparams;
  else *ts = f->results, *n = f->nresults;
}

/* Fills in target/height/arity of a branch to the frame f (module.h). */
static bool set_branch(core_valid_ctx *v, vframe *f, uint32_t *target,
                       uint32_t *height, uint32_t *arity) {
  const core_valtype *ts;
  label_types(f, &ts, arity);
  *height = f->height;
  if (f->op == CORE_OP_LOOP) {
    *target = f->pc + 1;
    return true;
  }
  if (!GROW(v, v->fixups, v->capfixups, v->nfixups + 1)) return false;
  v->fixups[v->nfixups++] = (vfixup){(uint32_t)(f - v->ctrls), target};
  return true;
}

/* ---- immediates ------------------------------------------------------------ */

static bool mem_addr(core_valid_ctx *v, uint32_t idx, core_valtype *at) {
  *at = CORE_I32;
  if (idx >= v->nmems) return vfail(v, "unknown memory %u", idx);
  *at = v->mems[idx]->limits.is64 ? CORE_I64 : CORE_I32;
  return true;
}

static bool table_type(core_valid_ctx *v, uint32_t idx, core_valtype *at,
                       core_valtype *elem) {
  *at = CORE_I32;
  *elem = CORE_FUNCREF;
  if (idx >= v->ntables) return vfail(v, "unknown table %u", idx);
  *at = v->tables[idx]->limits.is64 ? CORE_I64 : CORE_I32;
  *elem = v->tables[idx]->elem;
  return true;
}

static const core_functype *tag_type(core_valid_ctx *v, uint32_t idx) {
  if (idx >= v->ntags) {
    vfail(v, "unknown tag %u", idx);
    return NULL;
  }
  return &v->m->types[v->tag_type[idx]];
}

/* Bytes a load or store accesses: the N of "load8_s"/"store16", else the
 * width of the type its name starts with. */
static unsigned access_size(const char *name) {
  const char *p = strstr(name, "load");
  if (p) p += 4;
  else if ((p = strstr(name, "store"))) p += 5;
  if (p && *p >= '0' && *p <= '9') return (unsigned)atoi(p) / 8;
  return name[1] == '3' ? 4 : 8;
}

static bool memarg(core_valid_ctx *v, const core_instr *in) {
  unsigned size = access_size(core_opinfo_table[in->op].name), lg = 0;
  while ((1u << lg) < size) lg++;
  if (in->align > lg)
    return vfail(v, "alignment must not be larger than natural");
  if (!v->mems[in->idx]->limits.is64 && in->imm > UINT32_MAX)
    return vfail(v, "offset out of range");
  return true;
}

static core_valtype sig_type(char c, core_valtype at) {
  switch (c) {
  case 'i': return CORE_I32;
  case 'l': return CORE_I64;
  case 'f': return CORE_F32;
  case 'd': return CORE_F64;
  case 'a': return at;
  }
  return 0;
}

/* An instruction with a fixed "params:results" signature in opcodes.def:
 * check its immediates, then pop and push. */
static bool check_sig(core_valid_ctx *v, const core_instr *in) {
  const core_opinfo *oi = &core_opinfo_table[in->op];
  core_valtype at = CORE_I32;
  switch (oi->imm) {
  case CORE_IMM_MEMARG:
    if (!mem_addr(v, in->idx, &at) || !memarg(v, in)) return false;
    break;
  case CORE_IMM_MEM:
    if (!mem_addr(v, in->idx, &at)) return false;
    break;
  case CORE_IMM_MEM_INIT:
    if (!mem_addr(v, in->idx2, &at)) return false;
    /* fallthrough */
  case CORE_IMM_DATA:
    if (in->idx >= v->m->ndatas)
      return vfail(v, "unknown data segment %u", in->idx);
    break;
  case CORE_IMM_ELEM:
    if (in->idx >= v->m->nelems)
      return vfail(v, "unknown elem segment %u", in->idx);
    break;
  default: break;
  }
  core_valtype ps[8];
  uint32_t np = 0;
  const char *s = oi->sig;
  for (; *s && *s != ':' && np < 8; s++) ps[np++] = sig_type(*s, at);
  if (!pop_vals(v, ps, np, 0)) return false;
  if (*s == ':') s++;
  for (; *s; s++)
    if (!push(v, sig_type(*s, at))) return false;
  return true;
}

/* ---- instructions --------------------------------------------------------- */

static core_valtype min_addr(core_valtype a, core_valtype b) {
  return a == CORE_I32 || b == CORE_I32 ? CORE_I32 : CORE_I64;
}

/* The catch clauses of a try_table, against the labels around it. */
static bool check_catches(core_valid_ctx *v, core_expr *e,
                          const core_instr *in) {
  if (in->idx2 > e->nlabels || in->idx > e->nlabels - in->idx2)
    return vfail(v, "invalid catch clause list");
  for (uint32_t c = 0; c < in->idx2; c++) {
    core_label *l = &e->labels[in->idx + c];
    const core_valtype *ts = NULL;
    uint32_t n = 0;
    core_valtype extra = 0;
    if (l->catch_kind == CORE_CATCH || l->catch_kind == CORE_CATCH_REF) {
      const core_functype *ft = tag_type(v, l->tag);
      if (!ft) return false;
      ts = ft->params, n = ft->nparams;
    }
    if (l->catch_kind == CORE_CATCH_REF || l->catch_kind == CORE_CATCH_ALL_REF)
      extra = CORE_EXNREF;
    vframe *f = label(v, l->depth);
    if (!f) return false;
    const core_valtype *lts;
    uint32_t ln;
    label_types(f, &lts, &ln);
    bool ok = ln == n + (extra != 0);
    for (uint32_t i = 0; ok && i < n; i++) ok = lts[i] == ts[i];
    if (ok && extra) ok = lts[n] == extra;
    if (!ok) {
      sbuf want_s = {{0}, 0}, have_s = {{0}, 0};
      sb_types(&want_s, 0, lts, ln, 0);
      sb_types(&have_s, 0, ts, n, extra);
      return vfail(v, "type mismatch: catch handler requires %s but label "
                   "has %s", want_s.s, have_s.s);
    }
    if (!set_branch(v, f, &l->target, &l->height, &l->arity)) return false;
  }
  return true;
}

static bool check_br_table(core_valid_ctx *v, core_expr *e,
                           const core_instr *in) {
  if (in->idx2 == 0 || in->idx2 > e->nlabels ||
      in->idx > e->nlabels - in->idx2)
    return vfail(v, "invalid br_table label list");
  core_label *ls = &e->labels[in->idx];
  uint32_t n = in->idx2;
  for (uint32_t i = 0; i < n; i++) {
    vframe *f = label(v, ls[i].depth);
    if (!f || !set_branch(v, f, &ls[i].target, &ls[i].height, &ls[i].arity))
      return false;
  }
  if (!pop1(v, CORE_I32)) return false;
  const core_valtype *dts;
  uint32_t dn;
  label_types(label(v, ls[n - 1].depth), &dts, &dn);
  for (uint32_t i = 0; i + 1 < n; i++) {
    const core_valtype *ts;
    uint32_t tn;
    label_types(label(v, ls[i].depth), &ts, &tn);
    if (tn != dn) {
      sbuf a = {{0}, 0}, b = {{0}, 0};
      sb_types(&a, 0, ts, tn, 0);
      sb_types(&b, 0, dts, dn, 0);
      return vfail(v, "type mismatch: br_table label has %s but default "
                   "label has %s", a.s, b.s);
    }
    if (!match_top(v, ts, tn, 0, false)) return false;
  }
  if (!pop_vals(v, dts, dn, 0)) return false;
  set_unreachable(v);
  return true;
}

/* Instructions allowed in a constant expression: Wasm 2.0's, plus the
 * extended-const arithmetic when that feature is on. */
static bool const_ok(core_valid_ctx *v, const core_instr *in) {
  switch (in->op) {
  case CORE_OP_I32_CONST: case CORE_OP_I64_CONST:
  case CORE_OP_F32_CONST: case CORE_OP_F64_CONST:
  case CORE_OP_REF_NULL: case CORE_OP_REF_FUNC:
  case CORE_OP_END:
    return true;
  case CORE_OP_I32_ADD: case CORE_OP_I32_SUB: case CORE_OP_I32_MUL:
  case CORE_OP_I64_ADD: case CORE_OP_I64_SUB: case CORE_OP_I64_MUL:
    if (!v->features->extended_const)
      return vfail(v, "constant expression required");
    return true;
  case CORE_OP_GLOBAL_GET:
    if (in->idx >= v->nconst_globals)
      return vfail(v, "unknown global %u", in->idx);
    if (v->globals[in->idx]->mut)
      return vfail(v, "constant expression required");
    return true;
  default:
    return vfail(v, "constant expression required");
  }
}

static bool check_instr(core_valid_ctx *v, core_expr *e, uint32_t pc,
                        bool is_const) {
  core_instr *in = &e->instrs[pc];
  const core_module *m = v->m;
  if (in->op >= CORE_OP_COUNT) return vfail(v, "invalid opcode");
  switch ((core_opcode)in->op) {
  case CORE_OP_UNREACHABLE:
    set_unreachable(v);
    return true;

  case CORE_OP_BLOCK: case CORE_OP_LOOP: case CORE_OP_IF:
  case CORE_OP_TRY_TABLE: {
    const core_valtype *p, *r;
    uint32_t np, nr;
    if (!block_type(v, in, &p, &np, &r, &nr)) return false;
    if (in->op == CORE_OP_TRY_TABLE && !check_catches(v, e, in)) return false;
    if (!pop_vals(v, p, np, in->op == CORE_OP_IF ? CORE_I32 : 0))
      return false;
    if (in->op == CORE_OP_TRY_TABLE) {
      if (!GROW(v, v->tries, v->captries, v->ntries + 1)) return false;
      v->tries[v->ntries++] = pc;
    }
    return push_ctrl(v, in->op, pc, p, np, r, nr);
  }

  case CORE_OP_ELSE: {
    vframe *f = top(v);
    if (f->op != CORE_OP_IF || f->has_else)
      return vfail(v, "else without if");
    if (!check_frame_end(v)) return false;
    e->instrs[f->pc].target = pc + 1;
    f->has_else = true;
    f->else_pc = pc;
    f->unreachable = false;
    v->nvals = f->height;
    return push_n(v, f->params, f->nparams);
  }

  case CORE_OP_END: {
    vframe *f = top(v);
    if (!check_frame_end(v)) return false;
    if (f->op == CORE_OP_IF && !f->has_else) {
      /* The missing else-arm passes the params through as results. */
      f->unreachable = false;
      v->nvals = f->height;
      if (!push_n(v, f->params, f->nparams) || !check_frame_end(v))
        return false;
    }
    if (f->op == CORE_OP_IF && f->has_else) e->instrs[f->else_pc].target = pc;
    else if (f->op != CORE_OP_END) e->instrs[f->pc].target = pc;
    /* Forward branches to this frame continue after its END; branches to
     * the function's own label go to the final END, which returns. */
    uint32_t fi = v->nctrls - 1, kept = f->fixup_base;
    for (uint32_t i = f->fixup_base; i < v->nfixups; i++) {
      if (v->fixups[i].frame == fi)
        *v->fixups[i].target = f->op == CORE_OP_END ? pc : pc + 1;
      else v->fixups[kept++] = v->fixups[i];
    }
    v->nfixups = kept;
    const core_valtype *r = f->results;
    uint32_t nr = f->nresults;
    bool outer = f->op == CORE_OP_END;
    v->nvals = f->height;
    v->nctrls--;
    if (!push_n(v, r, nr)) return false;
    if (outer && pc + 1 != e->ninstrs)
      return vfail(v, "instructions after the final end");
    return true;
  }

  case CORE_OP_BR:
  case CORE_OP_BR_IF: {
    vframe *f = label(v, in->idx);
    if (!f || !set_branch(v, f, &in->target, &in->height, &in->arity))
      return false;
    const core_valtype *ts;
    uint32_t n;
    label_types(f, &ts, &n);
    /* br_if's condition is on top of the label's values, which it leaves
     * when it falls through */
    if (in->op == CORE_OP_BR_IF)
      return pop_vals(v, ts, n, CORE_I32) && push_n(v, ts, n);
    if (!pop_vals(v, ts, n, 0)) return false;
    set_unreachable(v);
    return true;
  }

  case CORE_OP_BR_TABLE: return check_br_table(v, e, in);

  case CORE_OP_RETURN: {
    const vframe *f = &v->ctrls[0];
    if (!pop_vals(v, f->results, f->nresults, 0)) return false;
    set_unreachable(v);
    return true;
  }

  case CORE_OP_CALL: {
    if (in->idx >= v->nfuncs) return vfail(v, "unknown function %u", in->idx);
    const core_functype *ft = &m->types[v->func_type[in->idx]];
    return pop_vals(v, ft->params, ft->nparams, 0) &&
           push_n(v, ft->results, ft->nresults);
  }

  case CORE_OP_CALL_INDIRECT: {
    core_valtype at, elem;
    if (!table_type(v, in->idx2, &at, &elem)) return false;
    if (in->idx >= m->ntypes) return vfail(v, "unknown type %u", in->idx);
    if (elem != CORE_FUNCREF)
      return vfail(v, "type mismatch: instruction requires table of function "
                   "type but table has element type %s", tname(elem));
    const core_functype *ft = &m->types[in->idx];
    return pop_vals(v, ft->params, ft->nparams, at) &&
           push_n(v, ft->results, ft->nresults);
  }

  case CORE_OP_THROW: {
    const core_functype *ft = tag_type(v, in->idx);
    if (!ft || !pop_vals(v, ft->params, ft->nparams, 0)) return false;
    set_unreachable(v);
    return true;
  }

  case CORE_OP_THROW_REF:
    if (!pop1(v, CORE_EXNREF)) return false;
    set_unreachable(v);
    return true;

  case CORE_OP_DROP: {
    core_valtype t = (core_valtype)peek(v, 0);
    return pop_vals(v, &t, 1, 0);
  }

  case CORE_OP_SELECT: {
    int t = peek(v, 1);
    if (core_is_reftype((core_valtype)t))
      return vfail(v, "type mismatch: instruction requires numeric or vector "
                   "type but stack has %s", tname(t));
    core_valtype ts[2] = {(core_valtype)t, (core_valtype)t};
    if (!pop_vals(v, ts, 2, CORE_I32)) return false;
    /* t is unknown only when both operands are. */
    return push(v, (core_valtype)t);
  }

  case CORE_OP_SELECT_T: {
    if (in->idx != 1)
      return vfail(v, "invalid result arity other than 1 is not (yet) "
                   "allowed");
    core_valtype t = (core_valtype)in->imm;
    if (!vcheck_valtype(v, t)) return false;
    core_valtype ts[2] = {t, t};
    return pop_vals(v, ts, 2, CORE_I32) && push(v, t);
  }

  case CORE_OP_LOCAL_GET: case CORE_OP_LOCAL_SET: case CORE_OP_LOCAL_TEE: {
    if (in->idx >= v->nlocals) return vfail(v, "unknown local %u", in->idx);
    core_valtype t = v->locals[in->idx];
    if (in->op != CORE_OP_LOCAL_GET && !pop1(v, t)) return false;
    return in->op == CORE_OP_LOCAL_SET || push(v, t);
  }

  case CORE_OP_GLOBAL_GET:
    if (in->idx >= v->nglobals) return vfail(v, "unknown global %u", in->idx);
    return push(v, v->globals[in->idx]->type);

  case CORE_OP_GLOBAL_SET:
    if (in->idx >= v->nglobals) return vfail(v, "unknown global %u", in->idx);
    /* wg-2.0's wording (the newer interpreter says "immutable global") */
    if (!v->globals[in->idx]->mut) return vfail(v, "global is immutable");
    return pop1(v, v->globals[in->idx]->type);

  case CORE_OP_TABLE_GET: case CORE_OP_TABLE_SET: case CORE_OP_TABLE_SIZE:
  case CORE_OP_TABLE_GROW: case CORE_OP_TABLE_FILL: {
    core_valtype at, t;
    if (!table_type(v, in->idx, &at, &t)) return false;
    switch (in->op) {
    case CORE_OP_TABLE_GET: return pop1(v, at) && push(v, t);
    case CORE_OP_TABLE_SET: return pop_vals(v, &at, 1, t);
    case CORE_OP_TABLE_SIZE: return push(v, at);
    case CORE_OP_TABLE_GROW: return pop_vals(v, &t, 1, at) && push(v, at);
    default: {
      core_valtype ts[2] = {at, t};
      return pop_vals(v, ts, 2, at);
    }
    }
  }

  case CORE_OP_TABLE_COPY: {
    core_valtype at1, t1, at2, t2;
    if (!table_type(v, in->idx, &at1, &t1) ||
        !table_type(v, in->idx2, &at2, &t2))
      return false;
    if (t1 != t2)
      return vfail(v, "type mismatch: source element type %s does not match "
                   "destination element type %s", tname(t2), tname(t1));
    core_valtype ts[2] = {at1, at2};
    return pop_vals(v, ts, 2, min_addr(at1, at2));
  }

  case CORE_OP_TABLE_INIT: {
    core_valtype at, t;
    if (!table_type(v, in->idx2, &at, &t)) return false;
    if (in->idx >= m->nelems)
      return vfail(v, "unknown elem segment %u", in->idx);
    if (m->elems[in->idx].type != t)
      return vfail(v, "type mismatch: element segment's type %s does not "
                   "match table's element type %s",
                   tname(m->elems[in->idx].type), tname(t));
    core_valtype ts[2] = {at, CORE_I32};
    return pop_vals(v, ts, 2, CORE_I32);
  }

  case CORE_OP_MEMORY_COPY: {
    core_valtype a1, a2;
    if (!mem_addr(v, in->idx, &a1) || !mem_addr(v, in->idx2, &a2))
      return false;
    core_valtype ts[2] = {a1, a2};
    return pop_vals(v, ts, 2, min_addr(a1, a2));
  }

  case CORE_OP_REF_NULL:
    if (!core_is_reftype((core_valtype)in->imm))
      return vfail(v, "malformed reference type");
    return push(v, (core_valtype)in->imm);

  case CORE_OP_REF_IS_NULL: {
    int t = peek(v, 0);
    if (t && !core_is_reftype((core_valtype)t))
      return vfail(v, "type mismatch: instruction requires reference type "
                   "but stack has %s", tname(t));
    core_valtype tt = (core_valtype)t;
    return pop_vals(v, &tt, 1, 0) && push(v, CORE_I32);
  }

  case CORE_OP_REF_FUNC:
    if (in->idx >= v->nfuncs) return vfail(v, "unknown function %u", in->idx);
    /* A constant expression is where references are declared. */
    if (!is_const && !m->func_declared[in->idx])
      return vfail(v, "undeclared function reference %u", in->idx);
    return push(v, CORE_FUNCREF);

  default:
    if (!core_opinfo_table[in->op].sig[0])
      return vfail(v, "invalid opcode %s", core_opinfo_table[in->op].name);
    return check_sig(v, in);
  }
}

/* ---- expressions ----------------------------------------------------------- */

/* Checks e as the body of a block of type [] -> results and fills in its
 * [validator] fields. */
/* Gives the error the position of instruction pc, when the parser or the
 * decoder recorded one and the error has none yet; returns false. */
static bool at_instr(core_valid_ctx *v, const core_expr *e, uint32_t pc) {
  cm_error *err = v->err;
  if (err && e->pos && pc < e->ninstrs && err->line == 0 && err->offset < 0) {
    err->line = e->pos[pc].line;
    err->col = e->pos[pc].col;
    err->offset = e->pos[pc].offset;
  }
  return false;
}

static bool check_expr(core_valid_ctx *v, core_expr *e,
                       const core_valtype *results, uint32_t nresults,
                       bool is_const) {
  v->nvals = v->nctrls = v->nfixups = v->ntries = 0;
  v->max_height = 0;
  /* vals is never NULL, so vals + 0 is always a valid pointer. */
  if (!GROW(v, v->vals, v->capvals, 1)) return false;
  if (is_const)
    for (uint32_t pc = 0; pc < e->ninstrs; pc++)
      if (!const_ok(v, &e->instrs[pc])) return at_instr(v, e, pc);
  if (!push_ctrl(v, CORE_OP_END, 0, NULL, 0, results, nresults)) return false;
  for (uint32_t pc = 0; pc < e->ninstrs; pc++) {
    if (v->nctrls == 0) {
      vfail(v, "instructions after the final end");
      return at_instr(v, e, pc);
    }
    if (!check_instr(v, e, pc, is_const)) return at_instr(v, e, pc);
  }
  if (v->nctrls != 0) return vfail(v, "missing end of expression");
  free(e->try_pcs);
  e->try_pcs = NULL;
  e->ntry = v->ntries;
  if (v->ntries) {
    e->try_pcs = malloc(v->ntries * sizeof *e->try_pcs);
    if (!e->try_pcs) {
      e->ntry = 0;
      return voom(v);
    }
    memcpy(e->try_pcs, v->tries, v->ntries * sizeof *e->try_pcs);
  }
  e->max_height = v->max_height;
  return true;
}

bool vcode_func(core_valid_ctx *v, core_func *f) {
  const core_functype *ft = &v->m->types[f->type];
  uint64_t n = (uint64_t)ft->nparams + f->nlocals;
  if (n > UINT32_MAX / 2) return vfail(v, "too many locals");
  if (!GROW(v, v->locals, v->caplocals, (uint32_t)n)) return false;
  v->nlocals = (uint32_t)n;
  for (uint32_t i = 0; i < ft->nparams; i++) v->locals[i] = ft->params[i];
  for (uint32_t i = 0; i < f->nlocals; i++) {
    if (!vcheck_valtype(v, f->locals[i])) return false;
    v->locals[ft->nparams + i] = f->locals[i];
  }
  return check_expr(v, &f->body, ft->results, ft->nresults, false);
}

bool vcode_const(core_valid_ctx *v, core_expr *e, core_valtype t) {
  const core_valtype *r = single(t);
  if (!r) return vfail(v, "invalid value type");
  v->nlocals = 0;
  return check_expr(v, e, r, 1, true);
}
