/* instantiate.c -- component instantiation and linking (see instantiate.h).
 *
 * A component instance runs its definitions in order; each adds to one of
 * the 13 index spaces (comp_space).  Core modules are instantiated with
 * core_instantiate, their imports taken from core instances (made by
 * instantiation or from exports); `canon lift` makes a comp_func around a
 * canon_lifted (canon/canon_call.h), `canon lower` and the resource
 * built-ins make host core functions that call into canon/.  A nested
 * component is a closure over the instance that defines it, which is where
 * its outer aliases look. */
#include "instantiate.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/arena.h"
#include "../../canon/handles.h"
#include "../../canon/layout.h"
#include "../../canon/resource.h"
#include "../../canon/store.h"
#include "../../canon/stream.h"
#include "../../canon/subtask.h"
#include "../../canon/thread.h"
#include "../../canon/trace.h"
#include "../../canon/waitable.h"
#include "builtins.h"
#include "importmap.h"
#include "../core/digest.h"
#include "../../canon/u64map.h"
#include "../../canon/grow.h"

/* ---- runtime objects --------------------------------------------------- */

typedef struct comp_space {
  comp_item *items;
  uint32_t n, cap;
} comp_space;

struct comp_exports {
  struct {
    char *name;
    size_t len;
    comp_item item;
  } *v;
  uint32_t n, cap;
};

struct comp_core_inst {
  core_instance *real;   /* NULL: made of exports */
  comp_exports exports; /* items of core sorts */
};

struct comp_rtype {
  comp_typekind kind;
  const canon_type *val;          /* VAL */
  const canon_FuncType *func;     /* FUNC */
  canon_ResourceType *resource;  /* RESOURCE */
  const comp_type *ast;           /* COMPONENT, INSTANCE */
};

struct comp_closure {
  const comp_component *c;
  comp_inst *outer; /* the instance the component was defined in */
};

/* The canonopts of a lift or lower, with the adapters canon/ calls. */
typedef struct comp_opts {
  canon_CanonicalOptions o;
  canon_MemInst mem;
  canon_realloc realloc;
  core_store *store;
  core_mem_inst *m;
  core_func_inst *realloc_f;
} comp_opts;

/* A core function as a canon_core_callee. */
typedef struct core_callee {
  core_store *store;
  core_func_inst *f;
  const canon_Store *canon; /* whose current thread the call runs on */
} core_callee;

struct comp_func {
  canon_funcinst fi;
  comp_inst *inst;
  comp_opts opts;
  canon_lifted lifted;
  core_callee callee, post, cb;
};

struct comp_inst {
  canon_ComponentInstance ci;
  comp_store *s;
  comp_inst *outer;
  comp_space sp[COMP_NSORTS];
  comp_exports exports;
  canon_type_arena *arena;
};

/* A lowered function's environment. */
typedef struct lowered {
  comp_func *callee;
  comp_opts opts;
  comp_inst *inst;
  uint32_t nparams, nresults;
} lowered;

/* A resource built-in's environment. */
typedef struct builtin_env {
  comp_inst *inst;
  const canon_ResourceType *rt;
} builtin_env;

/* Something to free with the store. */
typedef struct cleanup {
  void *p;
  void (*fn)(void *);
} cleanup;

struct comp_store {
  core_store *core;
  canon_Store canon; /* the Store of CanonicalABI.md: threads, event loop */
  bool stopped;      /* canon torn down (comp_store_stop) */
  cleanup *objs;
  size_t n, cap;
  canon_arena *arena; /* snew's objects */
  comp_imap *imap; /* `cmref imports`; NULL: off */
};

static void track(comp_store *s, void *p, void (*fn)(void *)) {
  CANON_GROW(s->objs, s->n, s->cap, 64);
  s->objs[s->n++] = (cleanup){p, fn};
}

static void in_arena(void *p) { (void)p; }

/* Cleared, and freed with the store (its arena).  Tracked all the same:
 * an object's place in objs is its label (comp_store_lifted_label). */
static void *snew(comp_store *s, size_t size) {
  void *p = canon_arena_alloc(s->arena, size);
  track(s, p, in_arena);
  return p;
}

void comp_store_set_imap(comp_store *s, comp_imap *m) { s->imap = m; }

comp_store *comp_store_new(core_store *core) {
  comp_store *s = canon_xcalloc(1, sizeof *s);
  s->arena = canon_arena_new();
  if (!s->arena) canon_out_of_memory();
  s->core = core;
  canon_Store_init(&s->canon);
  return s;
}

static void free_exports(comp_exports *e) { free(e->v); }

static void free_core_inst(void *p) {
  comp_core_inst *ci = p;
  free_exports(&ci->exports);
  free(ci);
}

static void free_exports_obj(void *p) {
  free_exports(p);
  free(p);
}

static void free_inst(void *p) {
  comp_inst *I = p;
  canon_ComponentInstance_free_handles(&I->ci);
  canon_ComponentInstance_free(&I->ci);
  for (int k = 0; k < COMP_NSORTS; k++) free(I->sp[k].items);
  free_exports(&I->exports);
  canon_type_arena_free(I->arena);
  free(I);
}

canon_Store *comp_store_canon(comp_store *s) { return &s->canon; }

uint32_t comp_store_instances(comp_store *s, canon_ComponentInstance ***out) {
  uint32_t n = 0;
  *out = canon_xcalloc(s->n + 1, sizeof **out);
  for (size_t i = 0; i < s->n; i++)
    if (s->objs[i].fn == free_inst)
      (*out)[n++] = &((comp_inst *)s->objs[i].p)->ci;
  return n;
}

uint64_t comp_store_lifted_label(comp_store *s, const canon_lifted *l) {
  for (size_t i = 0; i < s->n; i++)
    if ((uintptr_t)s->objs[i].p + offsetof(comp_func, lifted) ==
        (uintptr_t)l)
      return i + 16;
  return 2; /* not a lift definition of this store's */
}

uint32_t comp_instance_core_instances(const canon_ComponentInstance *ci,
                                      const core_instance ***out) {
  const comp_inst *I = (const comp_inst *)((uintptr_t)ci -
                                           offsetof(comp_inst, ci));
  const comp_space *sp = &I->sp[COMP_SORT_CORE_INSTANCE];
  *out = canon_xcalloc(sp->n + 1, sizeof **out);
  uint32_t n = 0;
  for (uint32_t i = 0; i < sp->n; i++)
    if (sp->items[i].u.core_inst->real)
      (*out)[n++] = sp->items[i].u.core_inst->real;
  return n;
}

void comp_store_stop(comp_store *s) {
  if (s->stopped) return;
  s->stopped = true;
  /* unwinds the threads: they still use the instances and the core store */
  canon_Store_free(&s->canon);
}

void comp_store_free(comp_store *s) {
  if (!s) return;
  comp_store_stop(s);
  for (size_t i = s->n; i-- > 0;) s->objs[i].fn(s->objs[i].p);
  free(s->objs);
  canon_arena_free(s->arena);
  free(s);
}

/* ---- small helpers ------------------------------------------------------ */

typedef struct ictx {
  comp_store *s;
  char *msg;
  size_t msgn;
} ictx;

static comp_outcome fail(ictx *x, comp_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static comp_outcome fail(ictx *x, comp_outcome o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->msg, x->msgn, fmt, ap);
  va_end(ap);
  return o;
}

static void push(comp_space *sp, comp_item it) {
  CANON_GROW(sp->items, sp->n, sp->cap, 16);
  sp->items[sp->n++] = it;
}

static void exports_add(comp_exports *e, char *name, size_t len,
                        comp_item it) {
  CANON_GROW(e->v, e->n, e->cap, 8);
  e->v[e->n].name = name;
  e->v[e->n].len = len;
  e->v[e->n++].item = it;
}

bool comp_exports_find(const comp_exports *e, const char *name, size_t len,
                       comp_item *out) {
  for (uint32_t i = 0; i < e->n; i++)
    if (e->v[i].len == len && memcmp(e->v[i].name, name, len) == 0) {
      *out = e->v[i].item;
      return true;
    }
  return false;
}

const comp_exports *comp_inst_exports(const comp_inst *i) {
  return &i->exports;
}

const canon_FuncType *comp_func_type(const comp_func *f) { return f->fi.ft; }

static bool core_inst_find(const comp_core_inst *ci, const char *name,
                           size_t len, core_extern *out) {
  if (ci->real) return core_instance_export(ci->real, name, (uint32_t)len, out);
  comp_item it;
  if (!comp_exports_find(&ci->exports, name, len, &it)) return false;
  *out = it.u.core;
  return true;
}

/* A trap's outcome: a stub built-in's trap (builtins.h) crosses core wasm
 * as a message and means the run needs what cmref lacks. */
static comp_outcome trap_outcome(const char *msg) {
  static const char unsupported[] = "unsupported feature:";
  return strncmp(msg, unsupported, sizeof unsupported - 1) == 0
             ? COMP_UNSUPPORTED
             : COMP_TRAP;
}

/* The item at (sort, idx) of I, or a link error. */
static comp_outcome get(ictx *x, comp_inst *I, comp_sort sort, uint32_t idx,
                        comp_item *out) {
  if (idx >= I->sp[sort].n)
    return fail(x, COMP_LINK, "%s index %u out of bounds",
                comp_sort_name(sort), idx);
  *out = I->sp[sort].items[idx];
  return COMP_OK;
}

/* ---- core wasm adapters -------------------------------------------------- */

static bool callee_call(void *env, const uint64_t *args, uint32_t nargs,
                        uint64_t *results, uint32_t nresults,
                        canon_trap *trap) {
  core_callee *c = env;
  const core_functype *ft = core_func_type(c->f);
  if (ft->nparams != nargs || ft->nresults != nresults)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "core function type mismatch: (%u params, %u "
                       "results), expected (%u, %u)",
                       ft->nparams, ft->nresults, nargs, nresults);
  uint64_t dummy[1];
  /* --explore's digest of a state (core/digest.h) knows the call by its
   * thread */
  core_store_set_owner(c->store, c->canon && c->canon->current
                                     ? c->canon->current->id : 0);
  core_outcome o = core_call(c->store, c->f, args, results ? results : dummy);
  switch (o) {
  case CORE_OK: return true;
  case CORE_THROWN:
    /* call_and_trap_on_throw */
    return canon_trapf(trap, CANON_TRAP_GUEST, "uncaught exception");
  default:
    return canon_trapf(trap, CANON_TRAP_GUEST, "%s",
                       core_store_message(c->store));
  }
}

static uint64_t mem_size(void *env) {
  comp_opts *o = env;
  uint64_t n = 0;
  core_memory_data(o->m, &n);
  return n;
}

static void mem_read(void *env, uint64_t addr, void *dst, uint64_t n) {
  comp_opts *o = env;
  uint64_t size;
  uint8_t *d = core_memory_data(o->m, &size);
  /* canon/ checks every guest range before it reads or writes (a trap
   * otherwise): a range out of bounds here is a bug of ours */
  assert(addr <= size && n <= size - addr);
  memcpy(dst, d + addr, n);
}

static void mem_write(void *env, uint64_t addr, const void *src, uint64_t n) {
  comp_opts *o = env;
  uint64_t size;
  uint8_t *d = core_memory_data(o->m, &size);
  assert(addr <= size && n <= size - addr); /* as in mem_read */
  memcpy(d + addr, src, n);
}

static bool realloc_call(void *env, uint64_t old_ptr, uint64_t old_size,
                         uint64_t alignment, uint64_t new_size,
                         uint64_t *result, canon_trap *trap) {
  comp_opts *o = env;
  core_callee c = {o->store, o->realloc_f, NULL}; /* never blocks */
  uint64_t args[4] = {old_ptr, old_size, alignment, new_size};
  uint64_t res[1] = {0};
  if (!callee_call(&c, args, 4, res, 1, trap)) return false;
  *result = res[0];
  return true;
}

/* Fills o from canonopts (already validated: no duplicates). */
static comp_outcome build_opts(ictx *x, comp_inst *I, const comp_canonopt *opts,
                               uint32_t n, comp_opts *o) {
  memset(o, 0, sizeof *o);
  o->store = x->s->core;
  for (uint32_t i = 0; i < n; i++) {
    comp_item it = {0};
    comp_outcome r;
    switch (opts[i].kind) {
    case COMP_OPT_UTF8: o->o.string_encoding = CANON_UTF8; break;
    case COMP_OPT_UTF16: o->o.string_encoding = CANON_UTF16; break;
    case COMP_OPT_LATIN1_UTF16:
      o->o.string_encoding = CANON_LATIN1_UTF16;
      break;
    case COMP_OPT_MEMORY:
      if ((r = get(x, I, COMP_SORT_CORE_MEMORY, opts[i].idx, &it))) return r;
      o->m = it.u.core.u.mem;
      break;
    case COMP_OPT_REALLOC:
      if ((r = get(x, I, COMP_SORT_CORE_FUNC, opts[i].idx, &it))) return r;
      o->realloc_f = it.u.core.u.func;
      break;
    case COMP_OPT_POST_RETURN:
      if ((r = get(x, I, COMP_SORT_CORE_FUNC, opts[i].idx, &it))) return r;
      o->o.post_return = it.u.core.u.func;
      break;
    case COMP_OPT_ASYNC: o->o.async = true; break;
    case COMP_OPT_CALLBACK:
      if ((r = get(x, I, COMP_SORT_CORE_FUNC, opts[i].idx, &it))) return r;
      o->o.callback = it.u.core.u.func;
      break;
    }
  }
  if (o->m) {
    canon_flat at = core_memory_type(o->m)->limits.is64 ? CANON_FLAT_I64
                                                        : CANON_FLAT_I32;
    o->mem = (canon_MemInst){o, o->m, at, mem_size, mem_read, mem_write};
    o->o.memory = &o->mem;
  }
  if (o->realloc_f) {
    o->realloc = (canon_realloc){o, realloc_call};
    o->o.realloc = &o->realloc;
  }
  return COMP_OK;
}

/* Copies o into dst, fixing the self-pointers. */
static void move_opts(comp_opts *dst, const comp_opts *o) {
  *dst = *o;
  if (dst->o.memory) {
    dst->mem.env = dst;
    dst->o.memory = &dst->mem;
  }
  if (dst->o.realloc) {
    dst->realloc.env = dst;
    dst->o.realloc = &dst->realloc;
  }
}

/* ---- types ------------------------------------------------------------- */

static comp_outcome valtype(ictx *x, comp_inst *I, comp_valtype vt,
                            const canon_type **out) {
  if (!vt.is_index) {
    *out = canon_type_prim(vt.prim);
    return COMP_OK;
  }
  comp_item it = {0};
  comp_outcome r = get(x, I, COMP_SORT_TYPE, vt.idx, &it);
  if (r) return r;
  if (it.u.type->kind != COMP_TYPE_VAL || !it.u.type->val)
    return fail(x, COMP_LINK, "type index %u is not a value type", vt.idx);
  *out = it.u.type->val;
  return COMP_OK;
}

static comp_outcome resource_at(ictx *x, comp_inst *I, uint32_t idx,
                                canon_ResourceType **out) {
  comp_item it = {0};
  comp_outcome r = get(x, I, COMP_SORT_TYPE, idx, &it);
  if (r) return r;
  if (it.u.type->kind != COMP_TYPE_RESOURCE)
    return fail(x, COMP_LINK, "type index %u is not a resource type", idx);
  *out = it.u.type->resource;
  return COMP_OK;
}

static comp_outcome defvaltype(ictx *x, comp_inst *I, const comp_defvaltype *d,
                               const canon_type **out) {
  canon_type_arena *a = I->arena;
  const canon_type *ta = NULL, *tb = NULL;
  comp_outcome r = COMP_OK;
  if (d->has_a && (r = valtype(x, I, d->a, &ta))) return r;
  if (d->has_b && (r = valtype(x, I, d->b, &tb))) return r;
  uint32_t n = d->nfields;
  const canon_type *t = NULL;
  canon_ResourceType *rt;
  switch (d->kind) {
  case CANON_LIST:
    t = d->fixed ? canon_type_list_fixed(a, ta, d->length)
                 : canon_type_list(a, ta);
    break;
  case CANON_RECORD:
  case CANON_VARIANT:
  case CANON_TUPLE: {
    canon_field *fs = canon_xcalloc(n, sizeof *fs);
    const canon_type **ts = canon_xcalloc(n, sizeof *ts);
    for (uint32_t i = 0; i < n && !r; i++) {
      fs[i].label = d->fields[i].label.s;
      if (d->fields[i].has_type)
        r = valtype(x, I, d->fields[i].type, &fs[i].t);
      ts[i] = fs[i].t;
    }
    if (!r) {
      if (d->kind == CANON_RECORD) t = canon_type_record(a, fs, n);
      else if (d->kind == CANON_TUPLE) t = canon_type_tuple(a, ts, n);
      else t = canon_type_variant(a, (const canon_case *)fs, n);
    }
    free(fs);
    free(ts);
    if (r) return r;
    break;
  }
  case CANON_ENUM:
  case CANON_FLAGS: {
    const char **ls = canon_xcalloc(n, sizeof *ls);
    for (uint32_t i = 0; i < n; i++) ls[i] = d->fields[i].label.s;
    t = d->kind == CANON_ENUM ? canon_type_enum(a, ls, n)
                              : canon_type_flags(a, ls, n);
    free(ls);
    break;
  }
  case CANON_OPTION: t = canon_type_option(a, ta); break;
  case CANON_RESULT: t = canon_type_result(a, ta, tb); break;
  case CANON_MAP: t = canon_type_map(a, ta, tb); break;
  case CANON_OWN:
  case CANON_BORROW:
    if ((r = resource_at(x, I, d->idx, &rt))) return r;
    t = d->kind == CANON_OWN ? canon_type_own(a, rt) : canon_type_borrow(a, rt);
    break;
  case CANON_STREAM: t = canon_type_stream(a, ta); break;
  case CANON_FUTURE: t = canon_type_future(a, ta); break;
  default:
    if (d->kind <= CANON_ERROR_CONTEXT) t = canon_type_prim(d->kind);
    break;
  }
  if (!t) return fail(x, COMP_LINK, "ill-formed %s type", canon_kind_name(d->kind));
  *out = t;
  return COMP_OK;
}

static comp_outcome functype(ictx *x, comp_inst *I, const comp_functype *f,
                             const canon_FuncType **out) {
  canon_field *ps = canon_xcalloc(f->nparams, sizeof *ps);
  comp_outcome r = COMP_OK;
  for (uint32_t i = 0; i < f->nparams && !r; i++) {
    ps[i].label = f->params[i].label.s;
    r = valtype(x, I, f->params[i].type, &ps[i].t);
  }
  const canon_type *res = NULL;
  if (!r && f->has_result) r = valtype(x, I, f->result, &res);
  if (!r) {
    *out = canon_FuncType_new(I->arena, ps, f->nparams, res, f->async);
    if (!*out) r = fail(x, COMP_LINK, "ill-formed function type");
  }
  free(ps);
  return r;
}

static comp_outcome def_type(ictx *x, comp_inst *I, const comp_def *d) {
  const comp_type *t = d->u.type;
  comp_rtype *rt = snew(x->s, sizeof *rt);
  rt->kind = t->kind;
  rt->ast = t;
  comp_outcome r = COMP_OK;
  switch (t->kind) {
  case COMP_TYPE_VAL: r = defvaltype(x, I, &t->val, &rt->val); break;
  case COMP_TYPE_FUNC: r = functype(x, I, &t->func, &rt->func); break;
  case COMP_TYPE_RESOURCE: {
    canon_ResourceType *res = snew(x->s, sizeof *res);
    res->impl = &I->ci;
    res->name = d->id;
    if (t->resource.has_dtor) {
      comp_item it = {0};
      if ((r = get(x, I, COMP_SORT_CORE_FUNC, t->resource.dtor, &it))) return r;
      core_callee *cc = snew(x->s, sizeof(core_callee) + sizeof(canon_core_callee));
      cc->store = x->s->core;
      cc->f = it.u.core.u.func;
      cc->canon = &x->s->canon;
      canon_core_callee *callee = (canon_core_callee *)(cc + 1);
      callee->env = cc;
      callee->call = callee_call;
      res->dtor = callee;
    }
    rt->resource = res;
    break;
  }
  case COMP_TYPE_COMPONENT:
  case COMP_TYPE_INSTANCE: break;
  }
  if (r) return r;
  push(&I->sp[COMP_SORT_TYPE], (comp_item){.sort = COMP_SORT_TYPE, .u.type = rt});
  return COMP_OK;
}

/* ---- canonical definitions ----------------------------------------------- */

static core_outcome lowered_fn(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  lowered *lw = env;
  canon_core_vec out = {0};
  canon_trap trap = {0};
  if (!canon_lower(&lw->callee->fi, &lw->opts.o, &lw->inst->ci, args,
                        lw->nparams, &out, &trap)) {
    canon_core_vec_free(&out);
    return core_trap(s, "%s", trap.msg);
  }
  for (uint32_t i = 0; i < lw->nresults && i < out.n; i++) results[i] = out.v[i];
  canon_core_vec_free(&out);
  return CORE_OK;
}

/* The trace event of a resource built-in (docs/trace-format.md "builtin"). */
static void trace_res(builtin_env *b, const char *name, const uint64_t *args,
                      const uint64_t *results, uint32_t nresults,
                      const canon_trap *trap) {
  canon_trace *tr = b->inst->ci.store->trace;
  if (!tr) return;
  char a[64], r[64], m[400];
  canon_trace_emit(tr, "builtin", "\"inst\":%u,\"name\":\"%s\",\"args\":%s,%s%s",
                   b->inst->ci.id, name, canon_json_u64s(a, sizeof a, args, 1),
                   trap ? "\"trap\":" : "\"results\":",
                   trap ? canon_json_str(m, sizeof m, trap->msg)
                        : canon_json_u64s(r, sizeof r, results, nresults));
}

static core_outcome res_new_fn(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  builtin_env *b = env;
  canon_trap trap = {0};
  uint32_t i;
  if (!canon_resource_new(&b->inst->ci, b->rt, (uint32_t)args[0], &i, &trap)) {
    trace_res(b, "resource.new", args, NULL, 0, &trap);
    return core_trap(s, "%s", trap.msg);
  }
  results[0] = i;
  trace_res(b, "resource.new", args, results, 1, NULL);
  return CORE_OK;
}

static core_outcome res_drop_fn(core_store *s, void *env, const uint64_t *args,
                                uint64_t *results) {
  (void)results;
  builtin_env *b = env;
  canon_trap trap = {0};
  if (!canon_resource_drop(&b->inst->ci, b->rt, (uint32_t)args[0], &trap)) {
    trace_res(b, "resource.drop", args, NULL, 0, &trap);
    return core_trap(s, "%s", trap.msg);
  }
  trace_res(b, "resource.drop", args, results, 0, NULL);
  return CORE_OK;
}

static core_outcome res_rep_fn(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  builtin_env *b = env;
  canon_trap trap = {0};
  uint32_t rep;
  if (!canon_resource_rep(&b->inst->ci, b->rt, (uint32_t)args[0], &rep,
                                  &trap)) {
    trace_res(b, "resource.rep", args, NULL, 0, &trap);
    return core_trap(s, "%s", trap.msg);
  }
  results[0] = rep;
  trace_res(b, "resource.rep", args, results, 1, NULL);
  return CORE_OK;
}

static void push_core_func(comp_inst *I, core_func_inst *f) {
  comp_item it = {.sort = COMP_SORT_CORE_FUNC};
  it.u.core.kind = CORE_EXTERN_FUNC;
  it.u.core.u.func = f;
  push(&I->sp[COMP_SORT_CORE_FUNC], it);
}

static comp_outcome canon_lift_def(ictx *x, comp_inst *I, const comp_canon *cd) {
  comp_item fit = {0}, tit = {0};
  comp_outcome r;
  if ((r = get(x, I, COMP_SORT_CORE_FUNC, cd->func, &fit))) return r;
  if ((r = get(x, I, COMP_SORT_TYPE, cd->type, &tit))) return r;
  if (tit.u.type->kind != COMP_TYPE_FUNC)
    return fail(x, COMP_LINK, "type index %u is not a function type", cd->type);
  comp_opts o;
  if ((r = build_opts(x, I, cd->opts, cd->nopts, &o))) return r;
  comp_func *f = snew(x->s, sizeof *f);
  move_opts(&f->opts, &o);
  f->inst = I;
  f->callee = (core_callee){x->s->core, fit.u.core.u.func, &x->s->canon};
  f->lifted.ft = tit.u.type->func;
  f->lifted.opts = &f->opts.o;
  f->lifted.inst = &I->ci;
  f->lifted.callee = (canon_core_callee){&f->callee, callee_call};
  if (f->opts.o.post_return) {
    f->post = (core_callee){x->s->core, f->opts.o.post_return, &x->s->canon};
    f->lifted.post_return = (canon_core_callee){&f->post, callee_call};
  }
  if (f->opts.o.callback) {
    f->cb = (core_callee){x->s->core, f->opts.o.callback, &x->s->canon};
    f->lifted.callback = (canon_core_callee){&f->cb, callee_call};
  }
  f->fi = canon_Store_lift(&f->lifted);
  comp_imap_lift(x->s->imap, I->ci.id, fit.u.core.u.func, f->opts.o.callback,
                 f->opts.o.post_return, f->opts.realloc_f);
  push(&I->sp[COMP_SORT_FUNC], (comp_item){.sort = COMP_SORT_FUNC, .u.func = f});
  return COMP_OK;
}

static comp_outcome canon_lower_def(ictx *x, comp_inst *I,
                                    const comp_canon *cd) {
  comp_item fit = {0};
  comp_outcome r;
  if ((r = get(x, I, COMP_SORT_FUNC, cd->func, &fit))) return r;
  comp_opts o;
  if ((r = build_opts(x, I, cd->opts, cd->nopts, &o))) return r;
  lowered *lw = snew(x->s, sizeof *lw);
  lw->callee = fit.u.func;
  move_opts(&lw->opts, &o);
  lw->inst = I;
  canon_CoreFuncType cft;
  canon_flatten_functype(&lw->opts.o, fit.u.func->fi.ft, CANON_LOWER, &cft);
  core_functype ft;
  ft.nparams = cft.params.n;
  ft.nresults = cft.results.n;
  ft.params = canon_xcalloc(ft.nparams, sizeof *ft.params);
  ft.results = canon_xcalloc(ft.nresults, sizeof *ft.results);
  for (uint32_t i = 0; i < ft.nparams; i++)
    ft.params[i] = comp_core_of_flat(cft.params.v[i]);
  for (uint32_t i = 0; i < ft.nresults; i++)
    ft.results[i] = comp_core_of_flat(cft.results.v[i]);
  lw->nparams = ft.nparams;
  lw->nresults = ft.nresults;
  core_func_inst *cf = core_host_func_new(x->s->core, &ft, lowered_fn, lw);
  free(ft.params);
  free(ft.results);
  if (!cf) return fail(x, COMP_LINK, "cannot make a host function");
  comp_imap_host(x->s->imap, cf, "lower", lw->opts.o.async, I->ci.id);
  push_core_func(I, cf);
  return COMP_OK;
}

static comp_outcome canon_resource_def(ictx *x, comp_inst *I,
                                       const comp_canon *cd) {
  canon_ResourceType *rt;
  comp_outcome r = resource_at(x, I, cd->type, &rt);
  if (r) return r;
  builtin_env *b = snew(x->s, sizeof *b);
  b->inst = I;
  b->rt = rt;
  core_valtype i32 = CORE_I32;
  core_functype ft = {1, 1, &i32, &i32};
  core_host_fn fn = res_new_fn;
  if (cd->kind == COMP_CANON_RESOURCE_DROP) {
    ft.nresults = 0;
    fn = res_drop_fn;
  } else if (cd->kind == COMP_CANON_RESOURCE_REP) {
    fn = res_rep_fn;
  }
  core_func_inst *cf = core_host_func_new(x->s->core, &ft, fn, b);
  if (!cf) return fail(x, COMP_LINK, "cannot make a host function");
  comp_imap_host(x->s->imap, cf, comp_canon_name(cd->kind), false, I->ci.id);
  push_core_func(I, cf);
  return COMP_OK;
}

const core_func_inst *comp_callee_func(const canon_core_callee *f) {
  return f->call == callee_call ? ((const core_callee *)f->env)->f : NULL;
}

/* A core table for thread.new-indirect (canon_core_table), with the
 * callees it has handed out: one per distinct function, found again by
 * the function's address (a guest may start threads of a table's every
 * function in turn: linear work, not a scan per call). */
typedef struct core_table_ref {
  comp_store *s;
  core_table_inst *t;
  core_callee **callees;
  uint32_t n, cap;
  canon_u64map index; /* function address -> its callee's position */
} core_table_ref;

static void free_table_ref_callees(void *p) {
  core_table_ref *tr = p;
  for (uint32_t i = 0; i < tr->n; i++) free(tr->callees[i]);
  free(tr->callees);
  canon_u64map_free(&tr->index);
}

/* ftbl.get(fi) and trap_if(f.t != ft), ft being (func (param i32)) */
static bool core_table_ref_get(void *env, uint32_t i, canon_core_callee *out,
                               canon_trap *trap) {
  core_table_ref *tr = env;
  bool in_bounds = false;
  core_ref ref = core_table_get(tr->t, i, &in_bounds);
  if (!in_bounds)
    return canon_trapf(trap, CANON_TRAP_GUEST, "undefined element %u", i);
  if (!ref)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "uninitialized element %u (the start function index "
                       "points to an uninitialized function)", i);
  core_func_inst *f = (core_func_inst *)(uintptr_t)ref;
  const core_functype *ft = core_func_type(f);
  if (ft->nparams != 1 || ft->params[0] != CORE_I32 || ft->nresults != 0)
    return canon_trapf(trap, CANON_TRAP_GUEST,
                       "indirect call type mismatch (start function does not "
                       "match expected type (currently only `(i32) -> ()` is "
                       "supported))");
  uint32_t k;
  if (!canon_u64map_get(&tr->index, (uintptr_t)f, &k)) {
    if (tr->n == 0) track(tr->s, tr, free_table_ref_callees);
    CANON_GROW(tr->callees, tr->n, tr->cap, 8);
    core_callee *c = canon_xcalloc(1, sizeof *c);
    c->store = tr->s->core;
    c->f = f;
    c->canon = &tr->s->canon;
    k = tr->n;
    tr->callees[tr->n++] = c;
    canon_u64map_put(&tr->index, (uintptr_t)f, k);
  }
  core_callee *c = tr->callees[k];
  *out = (canon_core_callee){c, callee_call};
  return true;
}

/* The other built-ins (builtins.h). */
static comp_outcome canon_builtin_def(ictx *x, comp_inst *I,
                                      const comp_canon *cd) {
  canon_flat_vec flat = {0};
  comp_builtin_stub *b = snew(x->s, sizeof *b);
  b->inst = &I->ci;
  b->kind = cd->kind;
  b->cd = cd;
  comp_outcome r;
  if (cd->nopts || cd->kind == COMP_CANON_TASK_RETURN) {
    comp_opts *o = snew(x->s, sizeof *o);
    comp_opts tmp;
    if ((r = build_opts(x, I, cd->opts, cd->nopts, &tmp))) return r;
    move_opts(o, &tmp);
    b->opts = &o->o;
  }
  if (cd->kind == COMP_CANON_TASK_RETURN && cd->has_result) {
    if ((r = valtype(x, I, cd->result, &b->result))) return r;
    canon_flatten_types(&b->result, 1, b->opts, &flat);
    if (flat.n > CANON_MAX_FLAT_PARAMS) {
      flat.n = 0;
      canon_flat_vec_push(&flat, canon_MemInst_ptr_type(b->opts));
    }
  }
  if (cd->kind >= COMP_CANON_STREAM_NEW &&
      cd->kind <= COMP_CANON_FUTURE_DROP_WRITABLE) {
    /* the stream<T> / future<T> operand: the built-ins need T */
    comp_item it = {0};
    if ((r = get(x, I, COMP_SORT_TYPE, cd->type, &it))) return r;
    const canon_type *t = it.u.type->val;
    if (it.u.type->kind != COMP_TYPE_VAL || !t ||
        (t->kind != CANON_STREAM && t->kind != CANON_FUTURE))
      return fail(x, COMP_LINK, "type index %u is not a stream or future type",
                  cd->type);
    b->elem = t->u.payload;
  }
  if (cd->kind == COMP_CANON_THREAD_NEW_INDIRECT) {
    comp_item it = {0};
    if ((r = get(x, I, COMP_SORT_CORE_TABLE, cd->table, &it))) return r;
    core_table_ref *tr = snew(x->s, sizeof *tr);
    tr->s = x->s;
    tr->t = it.u.core.u.table;
    b->table = (canon_core_table){tr, core_table_ref_get};
  }
  if (cd->kind == COMP_CANON_WAITABLE_SET_WAIT ||
      cd->kind == COMP_CANON_WAITABLE_SET_POLL) {
    comp_canonopt mem = {.kind = COMP_OPT_MEMORY, .idx = cd->memory};
    comp_opts *o = snew(x->s, sizeof *o);
    comp_opts tmp;
    if ((r = build_opts(x, I, &mem, 1, &tmp))) return r;
    move_opts(o, &tmp);
    b->memory = o->o.memory;
  }
  core_functype ft;
  comp_builtin_functype(cd, &flat, &ft);
  core_func_inst *cf = comp_builtin_stub_new(x->s->core, b, &ft);
  free(ft.params);
  free(ft.results);
  if (!cf) return fail(x, COMP_LINK, "cannot make a host function");
  comp_imap_host(x->s->imap, cf, comp_canon_name(cd->kind), false, I->ci.id);
  push_core_func(I, cf);
  return COMP_OK;
}

static comp_outcome def_canon(ictx *x, comp_inst *I, const comp_canon *cd) {
  switch (cd->kind) {
  case COMP_CANON_LIFT: return canon_lift_def(x, I, cd);
  case COMP_CANON_LOWER: return canon_lower_def(x, I, cd);
  case COMP_CANON_RESOURCE_NEW:
  case COMP_CANON_RESOURCE_DROP:
  case COMP_CANON_RESOURCE_REP: return canon_resource_def(x, I, cd);
  default: return canon_builtin_def(x, I, cd);
  }
}

/* ---- instances ------------------------------------------------------------ */

static comp_outcome def_core_instance(ictx *x, comp_inst *I,
                                      const comp_core_instance *ci) {
  comp_core_inst *out = canon_xcalloc(1, sizeof *out);
  track(x->s, out, free_core_inst);
  comp_outcome r;
  comp_item it = {0};
  if (!ci->instantiate) {
    for (uint32_t i = 0; i < ci->nexports; i++) {
      const comp_core_export *e = &ci->exports[i];
      if ((r = get(x, I, e->item.sort, e->item.idx, &it))) return r;
      if (!comp_sort_is_core(e->item.sort) || e->item.sort > COMP_SORT_CORE_TAG)
        return fail(x, COMP_LINK, "bad core export sort");
      exports_add(&out->exports, e->name.s, e->name.len, it);
    }
  } else {
    if ((r = get(x, I, COMP_SORT_CORE_MODULE, ci->module, &it))) return r;
    const core_module *m = it.u.module;
    /* Running unvalidated code would follow unresolved branch targets. */
    if (!m->validated)
      return fail(x, COMP_LINK, "core module %u was not validated",
                  ci->module);
    core_extern *imports = canon_xcalloc(m->nimports, sizeof *imports);
    for (uint32_t i = 0; i < m->nimports; i++) {
      const core_import *im = &m->imports[i];
      const comp_core_arg *arg = NULL;
      for (uint32_t k = 0; k < ci->nargs; k++)
        if (ci->args[k].name.len == im->module.len &&
            memcmp(ci->args[k].name.s, im->module.s, im->module.len) == 0)
          arg = &ci->args[k];
      comp_item ai = {0};
      if (!arg || get(x, I, COMP_SORT_CORE_INSTANCE, arg->instance, &ai) ||
          !core_inst_find(ai.u.core_inst, im->name.s, im->name.len,
                          &imports[i]) ||
          imports[i].kind != im->kind) {
        free(imports);
        return fail(x, COMP_LINK, "unknown import \"%.*s\" \"%.*s\"",
                    (int)im->module.len, im->module.s, (int)im->name.len,
                    im->name.s);
      }
    }
    cm_error err;
    cm_error_init(&err);
    core_outcome o =
        core_instantiate(x->s->core, m, imports, m->nimports, &out->real, &err);
    if (o == CORE_OK)
      comp_imap_core_instance(x->s->imap, I->ci.id, m, imports, out->real);
    free(imports);
    if (o == CORE_LINK_ERROR)
      return fail(x, err.kind == CM_UNSUPPORTED ? COMP_UNSUPPORTED : COMP_LINK,
                  "%s", err.msg);
    if (o == CORE_THROWN) return fail(x, COMP_TRAP, "uncaught exception");
    if (o != CORE_OK)
      return fail(x, trap_outcome(core_store_message(x->s->core)), "%s",
                  core_store_message(x->s->core));
  }
  push(&I->sp[COMP_SORT_CORE_INSTANCE],
       (comp_item){.sort = COMP_SORT_CORE_INSTANCE, .u.core_inst = out});
  return COMP_OK;
}

static comp_outcome run(ictx *x, comp_inst *I, const comp_component *c,
                        const comp_import_arg *args, uint32_t nargs);

static comp_inst *new_inst(comp_store *s, comp_inst *parent,
                           comp_inst *outer) {
  comp_inst *I = canon_xcalloc(1, sizeof *I);
  track(s, I, free_inst);
  canon_ComponentInstance_init(&I->ci, &s->canon, parent ? &parent->ci : NULL);
  comp_imap_instance(s->imap, I->ci.id, parent ? parent->ci.id : 0);
  I->s = s;
  I->outer = outer;
  I->arena = canon_type_arena_new();
  return I;
}

static comp_outcome def_instance(ictx *x, comp_inst *I,
                                 const comp_instance *ci) {
  comp_outcome r;
  comp_item it = {0};
  comp_exports *ex;
  if (ci->instantiate) {
    if ((r = get(x, I, COMP_SORT_COMPONENT, ci->component, &it))) return r;
    comp_closure *cl = it.u.component;
    comp_import_arg *args = canon_xcalloc(ci->nargs, sizeof *args);
    for (uint32_t i = 0; i < ci->nargs; i++) {
      args[i].name = ci->args[i].name.s;
      args[i].len = ci->args[i].name.len;
      if ((r = get(x, I, ci->args[i].item.sort, ci->args[i].item.idx,
                   &args[i].item))) {
        free(args);
        return r;
      }
    }
    comp_inst *child = new_inst(x->s, I, cl->outer);
    r = run(x, child, cl->c, args, ci->nargs);
    free(args);
    if (r) return r;
    ex = &child->exports;
  } else {
    ex = canon_xcalloc(1, sizeof *ex);
    track(x->s, ex, free_exports_obj);
    for (uint32_t i = 0; i < ci->nexports; i++) {
      const comp_inline_export *e = &ci->exports[i];
      if ((r = get(x, I, e->item.sort, e->item.idx, &it))) return r;
      exports_add(ex, e->name.name.s, e->name.name.len, it);
    }
  }
  push(&I->sp[COMP_SORT_INSTANCE],
       (comp_item){.sort = COMP_SORT_INSTANCE, .u.instance = ex});
  return COMP_OK;
}

static comp_outcome def_alias(ictx *x, comp_inst *I, const comp_alias *a) {
  comp_outcome r;
  comp_item it = {0};
  switch (a->kind) {
  case COMP_ALIAS_EXPORT: {
    if ((r = get(x, I, COMP_SORT_INSTANCE, a->instance, &it))) return r;
    comp_item e = {0};
    if (!comp_exports_find(it.u.instance, a->name.s, a->name.len, &e))
      return fail(x, COMP_LINK, "instance %u has no export \"%.*s\"",
                  a->instance, (int)a->name.len, a->name.s);
    if (e.sort != a->sort)
      return fail(x, COMP_LINK, "export \"%.*s\" is a %s, not a %s",
                  (int)a->name.len, a->name.s, comp_sort_name(e.sort),
                  comp_sort_name(a->sort));
    push(&I->sp[a->sort], e);
    return COMP_OK;
  }
  case COMP_ALIAS_CORE_EXPORT: {
    if ((r = get(x, I, COMP_SORT_CORE_INSTANCE, a->instance, &it))) return r;
    comp_item e = {.sort = a->sort};
    if (!core_inst_find(it.u.core_inst, a->name.s, a->name.len, &e.u.core) ||
        (comp_sort)e.u.core.kind != a->sort)
      return fail(x, COMP_LINK, "core instance %u has no %s export \"%.*s\"",
                  a->instance, comp_sort_name(a->sort), (int)a->name.len,
                  a->name.s);
    push(&I->sp[a->sort], e);
    return COMP_OK;
  }
  case COMP_ALIAS_OUTER: {
    comp_inst *o = I;
    for (uint32_t k = 0; k < a->outer_count && o; k++) o = o->outer;
    if (!o) return fail(x, COMP_LINK, "outer alias count out of bounds");
    if ((r = get(x, o, a->sort, a->outer_idx, &it))) return r;
    push(&I->sp[a->sort], it);
    return COMP_OK;
  }
  }
  return fail(x, COMP_LINK, "bad alias");
}

static comp_outcome def_import(ictx *x, comp_inst *I, const comp_import *im,
                               const comp_import_arg *args, uint32_t nargs) {
  const core_name *n = &im->name.name;
  for (uint32_t i = 0; i < nargs; i++)
    if (args[i].len == n->len && memcmp(args[i].name, n->s, n->len) == 0) {
      if (args[i].item.sort != im->type.sort)
        return fail(x, COMP_LINK,
                    "import \"%.*s\": expected a %s, found a %s", (int)n->len,
                    n->s, comp_sort_name(im->type.sort),
                    comp_sort_name(args[i].item.sort));
      push(&I->sp[im->type.sort], args[i].item);
      return COMP_OK;
    }
  return fail(x, COMP_LINK, "missing import \"%.*s\"", (int)n->len, n->s);
}

static comp_outcome def_start(ictx *x, comp_inst *I, const comp_start *st) {
  comp_item it = {0};
  comp_outcome r = get(x, I, COMP_SORT_FUNC, st->func, &it);
  if (r) return r;
  if (st->nargs)
    return fail(x, COMP_UNSUPPORTED, "unsupported feature: value arguments");
  canon_value **res = NULL;
  uint32_t nres = 0;
  canon_trap trap = {0};
  if (!canon_Store_invoke(&x->s->canon, &it.u.func->fi, NULL, 0, &res, &nres,
                         &trap))
    return fail(x, trap_outcome(trap.msg), "%s", trap.msg);
  for (uint32_t i = 0; i < nres; i++) {
    track(x->s, res[i], (void (*)(void *))canon_value_free);
    if (i < st->nresults)
      push(&I->sp[COMP_SORT_VALUE],
           (comp_item){.sort = COMP_SORT_VALUE, .u.value = res[i]});
  }
  for (uint32_t i = nres; i < st->nresults; i++)
    push(&I->sp[COMP_SORT_VALUE], (comp_item){.sort = COMP_SORT_VALUE});
  free(res);
  return COMP_OK;
}

static comp_outcome run(ictx *x, comp_inst *I, const comp_component *c,
                        const comp_import_arg *args, uint32_t nargs) {
  for (uint32_t i = 0; i < c->ndefs; i++) {
    const comp_def *d = &c->defs[i];
    comp_outcome r = COMP_OK;
    comp_item it = {0};
    switch (d->kind) {
    case COMP_DEF_CORE_MODULE:
      push(&I->sp[COMP_SORT_CORE_MODULE],
           (comp_item){.sort = COMP_SORT_CORE_MODULE,
                       .u.module = d->u.core_module});
      break;
    case COMP_DEF_CORE_INSTANCE:
      r = def_core_instance(x, I, &d->u.core_instance);
      break;
    case COMP_DEF_CORE_TYPE:
      push(&I->sp[COMP_SORT_CORE_TYPE],
           (comp_item){.sort = COMP_SORT_CORE_TYPE,
                       .u.core_type = d->u.core_type});
      break;
    case COMP_DEF_COMPONENT: {
      comp_closure *cl = snew(x->s, sizeof *cl);
      cl->c = d->u.component;
      cl->outer = I;
      push(&I->sp[COMP_SORT_COMPONENT],
           (comp_item){.sort = COMP_SORT_COMPONENT, .u.component = cl});
      break;
    }
    case COMP_DEF_INSTANCE: r = def_instance(x, I, &d->u.instance); break;
    case COMP_DEF_ALIAS: r = def_alias(x, I, &d->u.alias); break;
    case COMP_DEF_TYPE: r = def_type(x, I, d); break;
    case COMP_DEF_CANON: r = def_canon(x, I, &d->u.canon); break;
    case COMP_DEF_START: r = def_start(x, I, &d->u.start); break;
    case COMP_DEF_IMPORT: r = def_import(x, I, &d->u.import, args, nargs); break;
    case COMP_DEF_EXPORT: {
      const comp_export *e = &d->u.export_;
      if ((r = get(x, I, e->item.sort, e->item.idx, &it))) break;
      exports_add(&I->exports, e->name.name.s, e->name.name.len, it);
      push(&I->sp[e->item.sort], it);
      break;
    }
    case COMP_DEF_VALUE:
      push(&I->sp[COMP_SORT_VALUE], (comp_item){.sort = COMP_SORT_VALUE});
      break;
    }
    if (r) return r;
  }
  return COMP_OK;
}

comp_outcome comp_instantiate(comp_store *s, const comp_component *c,
                              const comp_import_arg *args, uint32_t nargs,
                              comp_inst **out, char *msg, size_t msgn) {
  ictx x = {s, msg, msgn};
  comp_inst *I = new_inst(s, NULL, NULL);
  comp_outcome r = run(&x, I, c, args, nargs);
  if (r == COMP_OK) *out = I;
  return r;
}

comp_outcome comp_invoke(comp_store *s, comp_func *f, canon_value *const *args,
                         uint32_t nargs, canon_value ***results,
                         uint32_t *nresults, char *msg, size_t msgn) {
  canon_trap trap = {0};
  if (!canon_Store_invoke(&s->canon, &f->fi, args, nargs, results, nresults,
                         &trap)) {
    snprintf(msg, msgn, "%s", trap.msg);
    return trap.kind == CANON_TRAP_UNSUPPORTED ? COMP_UNSUPPORTED
                                               : trap_outcome(trap.msg);
  }
  return COMP_OK;
}
