/* validate_canon.c -- canonical definitions (Explainer.md "Canonical
 * Definitions", "Canonical Built-ins"; CanonicalABI.md "canonopt
 * Validation", "canon lift", "canon lower"): canonopt rules, the core
 * function type of every canon definition (flatten_functype for lift and
 * lower, the fixed signatures of the built-ins) and the resource rules of
 * resource.new/drop/rep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_priv.h"

static const char *const opt_words[] = {
    "utf8", "utf16", "latin1-utf16", "memory", "realloc", "post-return",
    "async", "callback"};

static core_functype *new_ft(comp_valid_ctx *v, uint32_t np,
                             const core_valtype *p, uint32_t nr,
                             const core_valtype *r) {
  core_functype *f = comp_valid_alloc(v, sizeof *f);
  f->nparams = np;
  f->nresults = nr;
  f->params = comp_valid_alloc(v, (np + 1) * sizeof *f->params);
  f->results = comp_valid_alloc(v, (nr + 1) * sizeof *f->results);
  if (np) memcpy(f->params, p, np * sizeof *p);
  if (nr) memcpy(f->results, r, nr * sizeof *r);
  return f;
}

static core_functype *ft_of_flat(comp_valid_ctx *v,
                                 const canon_CoreFuncType *c) {
  core_valtype p[64], r[64];
  uint32_t np = c->params.n < 64 ? c->params.n : 64;
  uint32_t nr = c->results.n < 64 ? c->results.n : 64;
  for (uint32_t i = 0; i < np; i++) p[i] = comp_core_of_flat(c->params.v[i]);
  for (uint32_t i = 0; i < nr; i++) r[i] = comp_core_of_flat(c->results.v[i]);
  return new_ft(v, np, p, nr, r);
}

static void types_text(const core_valtype *t, uint32_t n, char *buf,
                       size_t sz) {
  size_t o = (size_t)snprintf(buf, sz, "[");
  for (uint32_t i = 0; i < n && o < sz; i++) {
    const char *nm = core_valtype_name(t[i]);
    o += (size_t)snprintf(buf + o, sz - o, "%s%c%s", i ? ", " : "",
                          nm[0] - 'a' + 'A', nm + 1);
  }
  if (o < sz) snprintf(buf + o, sz - o, "]");
}

static bool valtypes_eq(const core_valtype *a, uint32_t na,
                        const core_valtype *b, uint32_t nb) {
  return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

/* ---- canonopts ---------------------------------------------------------- */

typedef struct vopts {
  bool has[8];
  uint32_t idx[8];
  bool has_encoding;
  canon_MemInst mem; /* a stand-in: flattening only reads its addrtype */
  canon_CanonicalOptions o;
} vopts;

/* memoised on the type (canon/layout.c): linear in the type's DAG */
static bool contains_list_or_string(const canon_type *t) {
  return canon_contains_list_or_string(t);
}

static bool parse_opts(comp_valid_ctx *v, vscope *s, const comp_canonopt *opts,
                       uint32_t n, vopts *out, const comp_pos *pos) {
  memset(out, 0, sizeof *out);
  out->mem.addrtype = CANON_FLAT_I32;
  for (uint32_t i = 0; i < n; i++) {
    const comp_canonopt *o = &opts[i];
    bool enc = o->kind <= COMP_OPT_LATIN1_UTF16;
    if (enc && out->has_encoding) {
      int prev = 0;
      for (int k = 0; k < 3; k++)
        if (out->has[k]) prev = k;
      if (prev == (int)o->kind)
        return comp_valid_fail(v, &o->pos,
                               "canonical encoding option `%s` is "
                               "specified more than once",
                               opt_words[o->kind]);
      return comp_valid_fail(
          v, &o->pos,
          "canonical encoding option `%s` conflicts with option "
          "`%s`",
          opt_words[prev], opt_words[o->kind]);
    }
    if (!enc && out->has[o->kind])
      return comp_valid_fail(
          v, &o->pos, "canonical option `%s` is specified more than once",
          opt_words[o->kind]);
    out->has[o->kind] = true;
    out->idx[o->kind] = o->idx;
    if (enc) out->has_encoding = true;
    switch (o->kind) {
    case COMP_OPT_UTF16: out->o.string_encoding = CANON_UTF16; break;
    case COMP_OPT_LATIN1_UTF16:
      out->o.string_encoding = CANON_LATIN1_UTF16;
      break;
    case COMP_OPT_MEMORY: {
      vitem *m = vspace_get(s, COMP_SORT_CORE_MEMORY, o->idx);
      if (!m) return comp_valid_oob(v, &o->pos, COMP_SORT_CORE_MEMORY, o->idx);
      if (m->core.mem.limits.is64) out->mem.addrtype = CANON_FLAT_I64;
      out->o.memory = &out->mem;
      break;
    }
    case COMP_OPT_REALLOC:
    case COMP_OPT_POST_RETURN:
    case COMP_OPT_CALLBACK:
      if (!vspace_get(s, COMP_SORT_CORE_FUNC, o->idx))
        return comp_valid_oob(v, &o->pos, COMP_SORT_CORE_FUNC, o->idx);
      break;
    case COMP_OPT_ASYNC: out->o.async = true; break;
    default: break;
    }
  }
  if (out->has[COMP_OPT_REALLOC] && !out->has[COMP_OPT_MEMORY])
    return comp_valid_fail(v, pos,
                           "canonical option `realloc` requires `memory` to "
                           "also be specified");
  if (out->has[COMP_OPT_REALLOC]) {
    const core_functype *f =
        vspace_get(s, COMP_SORT_CORE_FUNC, out->idx[COMP_OPT_REALLOC])->core.func;
    core_valtype a = comp_core_of_flat(out->mem.addrtype);
    core_valtype want[4] = {a, a, a, a};
    if (!valtypes_eq(f->params, f->nparams, want, 4) ||
        !valtypes_eq(f->results, f->nresults, want, 1))
      return comp_valid_fail(v, pos,
                             "canonical option `realloc` uses a core function "
                             "with an incorrect signature");
  }
  if (out->has[COMP_OPT_CALLBACK]) {
    if (!out->has[COMP_OPT_ASYNC])
      return comp_valid_fail(v, pos, "cannot specify callback without async");
    const core_functype *f =
        vspace_get(s, COMP_SORT_CORE_FUNC, out->idx[COMP_OPT_CALLBACK])->core.func;
    core_valtype want[3] = {CORE_I32, CORE_I32, CORE_I32};
    if (!valtypes_eq(f->params, f->nparams, want, 3) ||
        !valtypes_eq(f->results, f->nresults, want, 1))
      return comp_valid_fail(v, pos,
                             "canonical option `callback` uses a core "
                             "function with an incorrect signature");
    out->o.callback = (void *)1;
  }
  if (out->has[COMP_OPT_ASYNC] && out->has[COMP_OPT_POST_RETURN])
    return comp_valid_fail(v, pos,
                           "cannot specify post-return function in async");
  return true;
}

/* Options a type needs (CanonicalABI.md "canonopt Validation"). */
static bool need_memory(comp_valid_ctx *v, const vopts *o,
                        const comp_pos *pos) {
  if (!o->has[COMP_OPT_MEMORY])
    return comp_valid_fail(v, pos, "canonical option `memory` is required");
  return true;
}

static bool need_realloc(comp_valid_ctx *v, const vopts *o,
                         const comp_pos *pos) {
  if (!o->has[COMP_OPT_REALLOC])
    return comp_valid_fail(v, pos, "canonical option `realloc` is required");
  return true;
}

static uint32_t nflat(const canon_type *t, const vopts *o) {
  if (!t) return 0;
  canon_flat_vec fv = {0};
  canon_flatten_type(t, &o->o, &fv);
  uint32_t n = fv.n;
  return n;
}

static uint32_t nflat_params(const canon_FuncType *ft, const vopts *o) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < ft->nparams; i++) n += nflat(ft->params[i].t, o);
  return n;
}

/* What a function type asks of its canonical options: whether its
 * parameters or result hold lists or strings, and their flat counts. */
typedef struct flat_needs {
  bool params_ls, res_ls;
  uint32_t np, nr;
} flat_needs;

/* The checks lift and lower share: `async` needs an async function type;
 * then what the type asks of the options. */
static bool lift_lower_needs(comp_valid_ctx *v, const comp_def *d,
                             const canon_FuncType *ft, const vopts *o,
                             flat_needs *n) {
  if (o->o.async && !ft->async)
    return comp_valid_fail(v, &d->pos,
                           "the `async` canonical option requires an "
                           "async function type");
  n->params_ls = false;
  for (uint32_t i = 0; i < ft->nparams; i++)
    n->params_ls |= contains_list_or_string(ft->params[i].t);
  n->res_ls = contains_list_or_string(ft->result);
  n->np = nflat_params(ft, o);
  n->nr = nflat(ft->result, o);
  return true;
}

/* Lowered types `want` against a core function's `got` (what: "parameter"
 * or "result"). */
static bool core_types_match(comp_valid_ctx *v, const comp_def *d,
                             const char *what, const core_valtype *want,
                             uint32_t nwant, const core_valtype *got,
                             uint32_t ngot) {
  if (valtypes_eq(want, nwant, got, ngot)) return true;
  char a[200], b[200];
  types_text(want, nwant, a, sizeof a);
  types_text(got, ngot, b, sizeof b);
  return comp_valid_fail(v, &d->pos,
                         "lowered %s types `%s` do not match %s types `%s` "
                         "of core function %u",
                         what, a, what, b, d->u.canon.func);
}

/* lift (the callee is core code, the function is a component function) */
static bool canon_lift(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  const comp_canon *c = &d->u.canon;
  vitem *cf = vspace_get(s, COMP_SORT_CORE_FUNC, c->func);
  if (!cf) return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_FUNC, c->func);
  vitem *ti = vspace_get(s, COMP_SORT_TYPE, c->type);
  if (!ti) return comp_valid_oob(v, &d->pos, COMP_SORT_TYPE, c->type);
  if (ti->ent.type->kind != VT_FUNC)
    return comp_valid_fail(v, &d->pos, "type index %u is not a function type",
                           c->type);
  const canon_FuncType *ft = ti->ent.type->func;
  vopts o;
  flat_needs n;
  if (!parse_opts(v, s, c->opts, c->nopts, &o, &d->pos) ||
      !lift_lower_needs(v, d, ft, &o, &n))
    return false;
  if (n.params_ls || n.res_ls || n.np > CANON_MAX_FLAT_PARAMS ||
      n.nr > (o.o.async ? CANON_MAX_FLAT_PARAMS : CANON_MAX_FLAT_RESULTS))
    if (!need_memory(v, &o, &d->pos)) return false;
  if (n.params_ls || n.np > CANON_MAX_FLAT_PARAMS)
    if (!need_realloc(v, &o, &d->pos)) return false;
  canon_CoreFuncType flat;
  memset(&flat, 0, sizeof flat);
  canon_flatten_functype(&o.o, ft, CANON_LIFT, &flat);
  core_functype *want = ft_of_flat(v, &flat);
  const core_functype *got = cf->core.func;
  if (!core_types_match(v, d, "parameter", want->params, want->nparams,
                        got->params, got->nparams) ||
      !core_types_match(v, d, "result", want->results, want->nresults,
                        got->results, got->nresults))
    return false;
  if (o.has[COMP_OPT_POST_RETURN]) {
    const core_functype *pr =
        vspace_get(s, COMP_SORT_CORE_FUNC, o.idx[COMP_OPT_POST_RETURN])->core.func;
    if (!valtypes_eq(pr->params, pr->nparams, want->results, want->nresults) ||
        pr->nresults != 0)
      return comp_valid_fail(v, &d->pos,
                             "canonical option `post-return` uses a core "
                             "function with an incorrect signature");
  }
  vspace_push(v, s, COMP_SORT_FUNC)->ent.func = ft;
  return true;
}

static bool canon_lower(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  const comp_canon *c = &d->u.canon;
  vitem *f = vspace_get(s, COMP_SORT_FUNC, c->func);
  if (!f) return comp_valid_oob(v, &d->pos, COMP_SORT_FUNC, c->func);
  const canon_FuncType *ft = f->ent.func;
  vopts o;
  if (!parse_opts(v, s, c->opts, c->nopts, &o, &d->pos)) return false;
  if (o.has[COMP_OPT_POST_RETURN])
    return comp_valid_fail(v, &d->pos,
                           "canonical option `post-return` cannot be "
                           "specified for lowerings");
  flat_needs n;
  if (!lift_lower_needs(v, d, ft, &o, &n)) return false;
  if (o.has[COMP_OPT_CALLBACK])
    return comp_valid_fail(v, &d->pos,
                           "canonical option `callback` cannot be "
                           "specified for lowerings");
  uint32_t maxp = o.o.async ? CANON_MAX_FLAT_ASYNC_PARAMS : CANON_MAX_FLAT_PARAMS;
  uint32_t maxr = o.o.async ? 0 : CANON_MAX_FLAT_RESULTS;
  if (n.params_ls || n.res_ls || n.np > maxp || n.nr > maxr)
    if (!need_memory(v, &o, &d->pos)) return false;
  if (n.res_ls && !need_realloc(v, &o, &d->pos)) return false;
  canon_CoreFuncType flat;
  memset(&flat, 0, sizeof flat);
  canon_flatten_functype(&o.o, ft, CANON_LOWER, &flat);
  vspace_push(v, s, COMP_SORT_CORE_FUNC)->core.func = ft_of_flat(v, &flat);
  return true;
}

/* ---- built-ins ------------------------------------------------------------ */

#define I32 CORE_I32
#define I64 CORE_I64

/* The type a built-in's type immediate names; NULL if out of bounds. */
static const vtype *type_operand(comp_valid_ctx *v, vscope *s,
                                 const comp_def *d) {
  vitem *t = vspace_get(s, COMP_SORT_TYPE, d->u.canon.type);
  if (!t) {
    comp_valid_oob(v, &d->pos, COMP_SORT_TYPE, d->u.canon.type);
    return NULL;
  }
  return t->ent.type;
}

static const vres_ref *res_operand(comp_valid_ctx *v, vscope *s,
                                   const comp_def *d, bool local) {
  uint32_t idx = d->u.canon.type;
  const vtype *t = type_operand(v, s, d);
  if (!t) return NULL;
  if (t->kind != VT_RESOURCE) {
    comp_valid_fail(v, &d->pos, "type index %u is not a resource type", idx);
    return NULL;
  }
  if (local && t->res->res->owner != s) {
    comp_valid_fail(v, &d->pos, "type index %u is not a local resource", idx);
    return NULL;
  }
  return t->res;
}

/* Whether a stream or future built-in is one of stream's. */
static bool is_stream_builtin(comp_canonkind k) {
  return k == COMP_CANON_STREAM_NEW || k == COMP_CANON_STREAM_READ ||
         k == COMP_CANON_STREAM_WRITE || k == COMP_CANON_STREAM_CANCEL_READ ||
         k == COMP_CANON_STREAM_CANCEL_WRITE ||
         k == COMP_CANON_STREAM_DROP_READABLE ||
         k == COMP_CANON_STREAM_DROP_WRITABLE;
}

/* The stream or future type of a stream or future built-in. */
static const canon_type *async_operand(comp_valid_ctx *v, vscope *s,
                                       const comp_def *d) {
  canon_kind k = is_stream_builtin(d->u.canon.kind) ? CANON_STREAM : CANON_FUTURE;
  const vtype *t = type_operand(v, s, d);
  if (!t) return NULL;
  if (t->kind != VT_VAL || t->val->kind != k) {
    comp_valid_fail(v, &d->pos, "`%s` requires a %s type",
                    comp_canon_name(d->u.canon.kind), canon_kind_name(k));
    return NULL;
  }
  return t->val;
}

static bool push_core(comp_valid_ctx *v, vscope *s, uint32_t np,
                      const core_valtype *p, uint32_t nr,
                      const core_valtype *r) {
  vspace_push(v, s, COMP_SORT_CORE_FUNC)->core.func = new_ft(v, np, p, nr, r);
  return true;
}

static bool builtin(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  const comp_canon *c = &d->u.canon;
  core_valtype p[4] = {I32, I32, I32, I32};
  core_valtype r1[1] = {I32};
  core_valtype r64[1] = {I64};
  vopts o;
  switch (c->kind) {
  case COMP_CANON_RESOURCE_NEW: {
    const vres_ref *ref = res_operand(v, s, d, true);
    if (!ref) return false;
    return push_core(v, s, 1, p, 1, r1);
  }
  case COMP_CANON_RESOURCE_DROP:
    if (!res_operand(v, s, d, false)) return false;
    return push_core(v, s, 1, p, 0, NULL);
  case COMP_CANON_RESOURCE_REP:
    if (!res_operand(v, s, d, true)) return false;
    return push_core(v, s, 1, p, 1, r1);
  case COMP_CANON_CONTEXT_GET:
  case COMP_CANON_CONTEXT_SET:
    if (c->ctx_type != CORE_I32)
      return comp_valid_fail(v, &d->pos,
                             "context.get/set require the i32 type");
    if (c->ctx_index >= 2)
      return comp_valid_fail(v, &d->pos, "context slot %u is out of bounds",
                             c->ctx_index);
    return c->kind == COMP_CANON_CONTEXT_GET ? push_core(v, s, 0, p, 1, r1)
                                             : push_core(v, s, 1, p, 0, NULL);
  case COMP_CANON_BACKPRESSURE_INC:
  case COMP_CANON_BACKPRESSURE_DEC:
  case COMP_CANON_TASK_CANCEL:
    return push_core(v, s, 0, p, 0, NULL);
  case COMP_CANON_TASK_RETURN: {
    if (!parse_opts(v, s, c->opts, c->nopts, &o, &d->pos)) return false;
    if (o.has[COMP_OPT_POST_RETURN] || o.has[COMP_OPT_CALLBACK] ||
        o.has[COMP_OPT_ASYNC])
      return comp_valid_fail(v, &d->pos,
                             "cannot specify `%s` for `task.return`",
                             o.has[COMP_OPT_ASYNC]      ? "async"
                             : o.has[COMP_OPT_CALLBACK] ? "callback"
                                                        : "post-return");
    const canon_type *rt = NULL;
    if (c->has_result) {
      rt = comp_valid_valtype(v, s, &c->result, &d->pos);
      if (!rt) return false;
      if (canon_contains_borrow(rt))
        return comp_valid_fail(v, &d->pos,
                               "function result cannot contain a "
                               "`borrow` type");
    }
    uint32_t n = nflat(rt, &o);
    if ((contains_list_or_string(rt) || n > CANON_MAX_FLAT_PARAMS) &&
        !need_memory(v, &o, &d->pos))
      return false;
    canon_flat_vec fv = {0};
    if (rt) canon_flatten_type(rt, &o.o, &fv);
    core_valtype ps[CANON_MAX_FLAT_PARAMS + 1];
    uint32_t np = 0;
    if (fv.n > CANON_MAX_FLAT_PARAMS) ps[np++] = comp_core_of_flat(o.mem.addrtype);
    else
      for (uint32_t i = 0; i < fv.n; i++) ps[np++] = comp_core_of_flat(fv.v[i]);
    return push_core(v, s, np, ps, 0, NULL);
  }
  case COMP_CANON_WAITABLE_SET_NEW:
  case COMP_CANON_THREAD_INDEX:
  case COMP_CANON_THREAD_SUSPEND:
  case COMP_CANON_THREAD_YIELD:
  case COMP_CANON_THREAD_AVAILABLE_PARALLELISM:
    return push_core(v, s, 0, p, 1, r1);
  case COMP_CANON_WAITABLE_SET_WAIT:
  case COMP_CANON_WAITABLE_SET_POLL: {
    vitem *m = vspace_get(s, COMP_SORT_CORE_MEMORY, c->memory);
    if (!m) return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_MEMORY, c->memory);
    if (m->core.mem.limits.is64) p[1] = I64;
    return push_core(v, s, 2, p, 1, r1);
  }
  case COMP_CANON_WAITABLE_SET_DROP:
  case COMP_CANON_SUBTASK_DROP:
  case COMP_CANON_THREAD_RESUME_LATER:
  case COMP_CANON_ERROR_CONTEXT_DROP:
    return push_core(v, s, 1, p, 0, NULL);
  case COMP_CANON_WAITABLE_JOIN: return push_core(v, s, 2, p, 0, NULL);
  case COMP_CANON_SUBTASK_CANCEL:
  case COMP_CANON_THREAD_SUSPEND_THEN_RESUME:
  case COMP_CANON_THREAD_YIELD_THEN_RESUME:
  case COMP_CANON_THREAD_SUSPEND_THEN_PROMOTE:
  case COMP_CANON_THREAD_YIELD_THEN_PROMOTE:
    return push_core(v, s, 1, p, 1, r1);
  case COMP_CANON_STREAM_NEW:
  case COMP_CANON_FUTURE_NEW:
    if (!async_operand(v, s, d)) return false;
    return push_core(v, s, 0, p, 1, r64);
  case COMP_CANON_STREAM_READ:
  case COMP_CANON_STREAM_WRITE:
  case COMP_CANON_FUTURE_READ:
  case COMP_CANON_FUTURE_WRITE: {
    bool stream = is_stream_builtin(c->kind);
    const canon_type *t = async_operand(v, s, d);
    if (!t) return false;
    if (!parse_opts(v, s, c->opts, c->nopts, &o, &d->pos)) return false;
    if (o.has[COMP_OPT_POST_RETURN] || o.has[COMP_OPT_CALLBACK])
      return comp_valid_fail(v, &d->pos, "invalid canonical option for `%s`",
                             comp_canon_name(c->kind));
    const canon_type *pl = t->u.payload;
    if (pl && !need_memory(v, &o, &d->pos)) return false;
    bool read = c->kind == COMP_CANON_STREAM_READ ||
                c->kind == COMP_CANON_FUTURE_READ;
    if (pl && read && contains_list_or_string(pl) &&
        !need_realloc(v, &o, &d->pos))
      return false;
    core_valtype a = comp_core_of_flat(o.mem.addrtype);
    core_valtype ps[3] = {I32, a, a};
    core_valtype rs[1] = {stream ? a : I32};
    return push_core(v, s, stream ? 3 : 2, ps, 1, rs);
  }
  case COMP_CANON_STREAM_CANCEL_READ:
  case COMP_CANON_STREAM_CANCEL_WRITE:
  case COMP_CANON_FUTURE_CANCEL_READ:
  case COMP_CANON_FUTURE_CANCEL_WRITE:
  case COMP_CANON_STREAM_DROP_READABLE:
  case COMP_CANON_STREAM_DROP_WRITABLE:
  case COMP_CANON_FUTURE_DROP_READABLE:
  case COMP_CANON_FUTURE_DROP_WRITABLE: {
    /* The end's handle; cancel-* return the copy's result, drop-* none. */
    bool cancel = c->kind == COMP_CANON_STREAM_CANCEL_READ ||
                  c->kind == COMP_CANON_STREAM_CANCEL_WRITE ||
                  c->kind == COMP_CANON_FUTURE_CANCEL_READ ||
                  c->kind == COMP_CANON_FUTURE_CANCEL_WRITE;
    if (!async_operand(v, s, d)) return false;
    return push_core(v, s, 1, p, cancel ? 1 : 0, r1);
  }
  case COMP_CANON_ERROR_CONTEXT_NEW:
  case COMP_CANON_ERROR_CONTEXT_DEBUG_MESSAGE: {
    if (!parse_opts(v, s, c->opts, c->nopts, &o, &d->pos)) return false;
    if (!need_memory(v, &o, &d->pos)) return false;
    core_valtype a = comp_core_of_flat(o.mem.addrtype);
    if (c->kind == COMP_CANON_ERROR_CONTEXT_NEW) {
      core_valtype ps[2] = {a, a};
      return push_core(v, s, 2, ps, 1, r1);
    }
    if (!need_realloc(v, &o, &d->pos)) return false;
    core_valtype ps[2] = {I32, a};
    return push_core(v, s, 2, ps, 0, NULL);
  }
  case COMP_CANON_THREAD_NEW_INDIRECT:
  case COMP_CANON_THREAD_SPAWN_INDIRECT: {
    vitem *ct = vspace_get(s, COMP_SORT_CORE_TYPE, c->core_type);
    if (!ct)
      return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_TYPE, c->core_type);
    if (!ct->core_functype)
      return comp_valid_fail(v, &d->pos,
                             "core type index %u is not a function type",
                             c->core_type);
    const core_functype *f = ct->core_functype;
    if (f->nparams != 1 || f->params[0] != I32 || f->nresults != 0)
      return comp_valid_fail(v, &d->pos,
                             "start function must take a single `i32` "
                             "argument and return nothing");
    vitem *tb = vspace_get(s, COMP_SORT_CORE_TABLE, c->table);
    if (!tb) return comp_valid_oob(v, &d->pos, COMP_SORT_CORE_TABLE, c->table);
    if (tb->core.table.limits.is64) p[0] = I64;
    return push_core(v, s, 2, p, 1, r1);
  }
  case COMP_CANON_THREAD_SPAWN_REF: return push_core(v, s, 1, p, 1, r1);
  default: return comp_valid_fail(v, &d->pos, "unknown canonical built-in");
  }
}

bool comp_valid_canon(comp_valid_ctx *v, vscope *s, const comp_def *d) {
  switch (d->u.canon.kind) {
  case COMP_CANON_LIFT: return canon_lift(v, s, d);
  case COMP_CANON_LOWER: return canon_lower(v, s, d);
  default: return builtin(v, s, d);
  }
}
