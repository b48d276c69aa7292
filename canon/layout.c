/* layout.c -- despecialization, type predicates, alignment, element size and
 * flattening (CanonicalABI.md "Despecialization" through "Flattening"),
 * in the spec's order. */
#include "layout.h"

#include <assert.h>
#include <stdlib.h>

#include "buf.h"
#include "values.h"
#include "grow.h"

/* Despecialization: despecialize */
const canon_type *canon_despecialize(const canon_type *t) {
  return t->despecialized;
}

/* The predicates `contains` is used with, as bits of
 * canon_type_info.contains. */
enum {
  IS_BORROW = 1,          /* contains_borrow */
  IS_ASYNC_VALUE = 2,     /* contains_async_value */
  IS_LIST_OR_STRING = 4,  /* validation: memory is needed */
  IS_HANDLE = 8,          /* own or borrow */
  IS_EFFECTFUL = 16,      /* loading may trap, touch a table or read
                             more memory (see canon_load_is_pure) */
};

/* Which of the predicates hold for t itself (t despecialized) */
static unsigned predicates(const canon_type *t) {
  switch (t->kind) {
  case CANON_BORROW: return IS_BORROW | IS_HANDLE | IS_EFFECTFUL;
  case CANON_OWN: return IS_HANDLE | IS_EFFECTFUL;
  case CANON_STREAM:
  case CANON_FUTURE: return IS_ASYNC_VALUE | IS_EFFECTFUL;
  case CANON_LIST:
    return IS_LIST_OR_STRING | (t->u.list.fixed ? 0 : IS_EFFECTFUL);
  case CANON_STRING: return IS_LIST_OR_STRING | IS_EFFECTFUL;
  case CANON_CHAR:          /* may trap */
  case CANON_VARIANT:       /* may trap on its discriminant */
  case CANON_ERROR_CONTEXT: return IS_EFFECTFUL;
  default: return 0;
  }
}

/* Type Predicates: contains.  A built type carries the answer for every
 * predicate (canon_type_derive), so the recursion stops at the first
 * child: one step per node of the type's DAG, not per path. */
static bool contains(const canon_type *t, unsigned p) {
  if (!t) return false;
  t = canon_despecialize(t);
  if (t->info.derived) return (t->info.contains & p) != 0;
  if (predicates(t) & p) return true;
  switch (t->kind) {
  case CANON_LIST:
    return contains(t->u.list.elem, p);
  case CANON_STREAM:
  case CANON_FUTURE:
    /* a stream's or future's elements are copied by its own built-ins,
     * whose options validation checks apart */
    if (p == IS_LIST_OR_STRING) return false;
    return contains(t->u.payload, p);
  case CANON_RECORD:
    for (uint32_t i = 0; i < t->u.record.n; i++)
      if (contains(t->u.record.fields[i].t, p)) return true;
    return false;
  case CANON_VARIANT:
    for (uint32_t i = 0; i < t->u.variant.n; i++)
      if (contains(t->u.variant.cases[i].t, p)) return true;
    return false;
  default: /* PrimValType, own, borrow, flags, error-context */
    return false;
  }
}

/* Type Predicates: contains_borrow */
bool canon_contains_borrow(const canon_type *t) {
  return contains(t, IS_BORROW);
}

/* Type Predicates: contains_async_value */
bool canon_contains_async_value(const canon_type *t) {
  return contains(t, IS_ASYNC_VALUE);
}

bool canon_contains_list_or_string(const canon_type *t) {
  return contains(t, IS_LIST_OR_STRING);
}

bool canon_contains_handle(const canon_type *t) {
  return contains(t, IS_HANDLE);
}

bool canon_load_is_pure(const canon_type *t) {
  return !contains(t, IS_EFFECTFUL);
}

/* Element Size: align_to.  Saturates (sizes of types no validation has
 * bounded yet are computed with saturating arithmetic). */
uint64_t canon_align_to(uint64_t ptr, uint64_t alignment) {
  if (ptr > UINT64_MAX - (alignment - 1)) return UINT64_MAX;
  return (ptr + alignment - 1) / alignment * alignment;
}

static uint64_t sat_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b) {
  return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* index of a pointer type in canon_type_info's arrays */
static int pi(canon_flat ptr_type) { return ptr_type == CANON_FLAT_I64; }

/* The cases alignment and elem_size both answer with the same number:
 * the types that are one integer or float in memory; 0 for the others. */
static uint32_t scalar_size(canon_kind k) {
  switch (k) {
  case CANON_BOOL:
  case CANON_S8:
  case CANON_U8:
    return 1;
  case CANON_S16:
  case CANON_U16:
    return 2;
  case CANON_S32:
  case CANON_U32:
  case CANON_F32:
  case CANON_CHAR:
  case CANON_ERROR_CONTEXT:
  case CANON_OWN:
  case CANON_BORROW:
  case CANON_STREAM:
  case CANON_FUTURE:
    return 4;
  case CANON_S64:
  case CANON_U64:
  case CANON_F64:
    return 8;
  default:
    return 0;
  }
}

/* Alignment: alignment */
uint32_t canon_alignment(const canon_type *t, canon_flat ptr_type) {
  t = canon_despecialize(t);
  if (t->info.derived) return t->info.alignment[pi(ptr_type)];
  uint32_t s = scalar_size(t->kind);
  if (s) return s;
  switch (t->kind) {
  case CANON_STRING:
    return canon_ptr_size(ptr_type);
  case CANON_LIST:
    return canon_alignment_list(t->u.list.elem, t->u.list.fixed, ptr_type);
  case CANON_RECORD:
    return canon_alignment_record(t->u.record.fields, t->u.record.n, ptr_type);
  case CANON_VARIANT:
    return canon_alignment_variant(t->u.variant.cases, t->u.variant.n,
                                   ptr_type);
  case CANON_FLAGS:
    return canon_alignment_flags(t->u.labels.n);
  default:
    assert(!"alignment: specialized type left after despecialize");
    return 1;
  }
}

/* Alignment: alignment_list */
uint32_t canon_alignment_list(const canon_type *elem, bool fixed,
                              canon_flat ptr_type) {
  if (fixed) return canon_alignment(elem, ptr_type);
  return canon_ptr_size(ptr_type);
}

/* Alignment: alignment_record */
uint32_t canon_alignment_record(const canon_field *fields, uint32_t n,
                                canon_flat ptr_type) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t fa = canon_alignment(fields[i].t, ptr_type);
    if (fa > a) a = fa;
  }
  return a;
}

static uint32_t prim_alignment(canon_kind k) {
  return canon_alignment(canon_type_prim(k), CANON_FLAT_I32);
}

/* Alignment: alignment_variant */
uint32_t canon_alignment_variant(const canon_case *cases, uint32_t n,
                                 canon_flat ptr_type) {
  uint32_t d = prim_alignment(canon_discriminant_type(n));
  uint32_t c = canon_max_case_alignment(cases, n, ptr_type);
  return d > c ? d : c;
}

/* Alignment: discriminant_type.  ceil(log2(n)/8) is 0 or 1 for n <= 256,
 * 2 for n <= 2^16, 3 for n <= 2^24; the spec's match has no arm for larger
 * n (it asserts n < 2^32), where u32 is the only candidate left. */
canon_kind canon_discriminant_type(uint32_t n) {
  assert(n > 0);
  if (n <= 256) return CANON_U8;
  if (n <= 65536) return CANON_U16;
  return CANON_U32;
}

/* Alignment: max_case_alignment */
uint32_t canon_max_case_alignment(const canon_case *cases, uint32_t n,
                                  canon_flat ptr_type) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < n; i++) {
    if (cases[i].t) {
      uint32_t ca = canon_alignment(cases[i].t, ptr_type);
      if (ca > a) a = ca;
    }
  }
  return a;
}

/* Alignment: alignment_flags */
uint32_t canon_alignment_flags(uint32_t n) {
  assert(0 < n && n <= 32);
  if (n <= 8) return 1;
  if (n <= 16) return 2;
  return 4;
}

/* Element Size: elem_size */
uint64_t canon_elem_size(const canon_type *t, canon_flat ptr_type) {
  t = canon_despecialize(t);
  if (t->info.derived) return t->info.elem_size[pi(ptr_type)];
  uint32_t s = scalar_size(t->kind);
  if (s) return s;
  switch (t->kind) {
  case CANON_STRING:
    return 2 * canon_ptr_size(ptr_type);
  case CANON_LIST:
    return canon_elem_size_list(t->u.list.elem, t->u.list.fixed,
                                t->u.list.length, ptr_type);
  case CANON_RECORD:
    return canon_elem_size_record(t->u.record.fields, t->u.record.n, ptr_type);
  case CANON_VARIANT:
    return canon_elem_size_variant(t->u.variant.cases, t->u.variant.n,
                                   ptr_type);
  case CANON_FLAGS:
    return canon_elem_size_flags(t->u.labels.n);
  default:
    assert(!"elem_size: specialized type left after despecialize");
    return 1;
  }
}

/* Element Size: elem_size_list */
uint64_t canon_elem_size_list(const canon_type *elem, bool fixed,
                              uint32_t length, canon_flat ptr_type) {
  if (fixed) return sat_mul(length, canon_elem_size(elem, ptr_type));
  return 2 * canon_ptr_size(ptr_type);
}

/* Element Size: elem_size_record */
uint64_t canon_elem_size_record(const canon_field *fields, uint32_t n,
                                canon_flat ptr_type) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    s = canon_align_to(s, canon_alignment(fields[i].t, ptr_type));
    s = sat_add(s, canon_elem_size(fields[i].t, ptr_type));
  }
  assert(s > 0);
  return canon_align_to(s, canon_alignment_record(fields, n, ptr_type));
}

/* Element Size: elem_size_variant */
uint64_t canon_elem_size_variant(const canon_case *cases, uint32_t n,
                                 canon_flat ptr_type) {
  uint64_t s =
      canon_elem_size(canon_type_prim(canon_discriminant_type(n)), ptr_type);
  s = canon_align_to(s, canon_max_case_alignment(cases, n, ptr_type));
  uint64_t cs = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (cases[i].t) {
      uint64_t e = canon_elem_size(cases[i].t, ptr_type);
      if (e > cs) cs = e;
    }
  }
  s = sat_add(s, cs);
  return canon_align_to(s, canon_alignment_variant(cases, n, ptr_type));
}

/* Element Size: elem_size_flags (the spec's body is alignment_flags') */
uint64_t canon_elem_size_flags(uint32_t n) { return canon_alignment_flags(n); }

void canon_flat_vec_push(canon_flat_vec *fv, canon_flat t) {
  if (fv->n < CANON_FLAT_CAP) fv->v[fv->n] = t;
  if (fv->n < UINT32_MAX) fv->n++;
}

const char *canon_flat_name(canon_flat t) {
  switch (t) {
  case CANON_FLAT_I32:
    return "i32";
  case CANON_FLAT_I64:
    return "i64";
  case CANON_FLAT_F32:
    return "f32";
  case CANON_FLAT_F64:
    return "f64";
  }
  return "?";
}

uint32_t canon_FuncType_param_types(const canon_FuncType *ft,
                                    const canon_type ***ts) {
  *ts = canon_xrealloc(NULL, (ft->nparams ? ft->nparams : 1) * sizeof **ts);
  for (uint32_t i = 0; i < ft->nparams; i++) (*ts)[i] = ft->params[i].t;
  return ft->nparams;
}

uint32_t canon_FuncType_result_type(const canon_FuncType *ft,
                                    const canon_type *const **ts) {
  *ts = &ft->result;
  return ft->result ? 1 : 0;
}

/* Flattening: flatten_functype */
void canon_flatten_functype(const canon_CanonicalOptions *opts, const canon_FuncType *ft,
                            canon_abi_context context,
                            canon_CoreFuncType *out) {
  canon_flat ptr = canon_MemInst_ptr_type(opts);
  const canon_type *const *rs;
  uint32_t nr = canon_FuncType_result_type(ft, &rs);
  canon_flat_vec flat_params = {0}, flat_results = {0};
  /* flatten_types(ft.param_types(), opts), without the list of types */
  for (uint32_t i = 0; i < ft->nparams; i++)
    canon_flatten_type(ft->params[i].t, opts, &flat_params);
  canon_flatten_types(rs, nr, opts, &flat_results);
  if (!opts->async) {
    if (flat_params.n > CANON_MAX_FLAT_PARAMS) {
      flat_params.n = 0;
      canon_flat_vec_push(&flat_params, ptr);
    }
    if (flat_results.n > CANON_MAX_FLAT_RESULTS) {
      if (context == CANON_LIFT) {
        flat_results.n = 0;
        canon_flat_vec_push(&flat_results, ptr);
      } else {
        canon_flat_vec_push(&flat_params, ptr);
        flat_results.n = 0;
      }
    }
  } else if (context == CANON_LIFT) {
    if (flat_params.n > CANON_MAX_FLAT_PARAMS) {
      flat_params.n = 0;
      canon_flat_vec_push(&flat_params, ptr);
    }
    flat_results.n = 0;
    if (opts->callback) canon_flat_vec_push(&flat_results, CANON_FLAT_I32);
  } else {
    if (flat_params.n > CANON_MAX_FLAT_ASYNC_PARAMS) {
      flat_params.n = 0;
      canon_flat_vec_push(&flat_params, ptr);
    }
    if (flat_results.n > 0) canon_flat_vec_push(&flat_params, ptr);
    flat_results.n = 0;
    canon_flat_vec_push(&flat_results, CANON_FLAT_I32);
  }
  out->params = flat_params;
  out->results = flat_results;
}

/* Flattening: flatten_types */
void canon_flatten_types(const canon_type *const *ts, uint32_t n,
                         const canon_CanonicalOptions *opts, canon_flat_vec *out) {
  for (uint32_t i = 0; i < n; i++) canon_flatten_type(ts[i], opts, out);
}

/* Flattening: flatten_list (flatten_type(elem) * length when fixed).
 * Only the first CANON_FLAT_CAP types are ever looked at (types.h), so the
 * repetition stops there: list<u8, 2^27> takes 17 steps, not 2^27. */
static void flatten_list(const canon_type *elem, bool fixed, uint32_t length,
                         const canon_CanonicalOptions *opts, canon_flat_vec *out) {
  if (fixed) {
    uint32_t start = out->n;
    for (uint32_t i = 0; i < length && out->n - start < CANON_FLAT_CAP; i++)
      canon_flatten_type(elem, opts, out);
    return;
  }
  canon_flat ptr = canon_MemInst_ptr_type(opts);
  canon_flat_vec_push(out, ptr);
  canon_flat_vec_push(out, ptr);
}

/* Flattening: flatten_record */
static void flatten_record(const canon_field *fields, uint32_t n,
                           const canon_CanonicalOptions *opts, canon_flat_vec *out) {
  for (uint32_t i = 0; i < n; i++) canon_flatten_type(fields[i].t, opts, out);
}

/* Flattening: flatten_type.  For a built type, the first CANON_FLAT_CAP
 * core types computed by canon_type_derive. */
void canon_flatten_type(const canon_type *t, const canon_CanonicalOptions *opts,
                        canon_flat_vec *out) {
  t = canon_despecialize(t);
  if (t->info.derived) {
    int p = pi(canon_MemInst_ptr_type(opts));
    for (uint32_t i = 0; i < t->info.nflat[p]; i++)
      canon_flat_vec_push(out, (canon_flat)t->info.flat[p][i]);
    return;
  }
  switch (t->kind) {
  case CANON_BOOL:
  case CANON_U8:
  case CANON_U16:
  case CANON_U32:
  case CANON_S8:
  case CANON_S16:
  case CANON_S32:
  case CANON_CHAR:
  case CANON_ERROR_CONTEXT:
  case CANON_FLAGS:
  case CANON_OWN:
  case CANON_BORROW:
  case CANON_STREAM:
  case CANON_FUTURE:
    canon_flat_vec_push(out, CANON_FLAT_I32);
    return;
  case CANON_S64:
  case CANON_U64:
    canon_flat_vec_push(out, CANON_FLAT_I64);
    return;
  case CANON_F32:
    canon_flat_vec_push(out, CANON_FLAT_F32);
    return;
  case CANON_F64:
    canon_flat_vec_push(out, CANON_FLAT_F64);
    return;
  case CANON_STRING:
    canon_flat_vec_push(out, canon_MemInst_ptr_type(opts));
    canon_flat_vec_push(out, canon_MemInst_ptr_type(opts));
    return;
  case CANON_LIST:
    flatten_list(t->u.list.elem, t->u.list.fixed, t->u.list.length, opts, out);
    return;
  case CANON_RECORD:
    flatten_record(t->u.record.fields, t->u.record.n, opts, out);
    return;
  case CANON_VARIANT:
    canon_flatten_variant(t->u.variant.cases, t->u.variant.n, opts, out);
    return;
  default:
    assert(!"flatten_type: specialized type left after despecialize");
  }
}

/* Flattening: flatten_variant */
void canon_flatten_variant(const canon_case *cases, uint32_t n,
                           const canon_CanonicalOptions *opts, canon_flat_vec *out) {
  canon_flat_vec flat = {0}, ct = {0};
  for (uint32_t c = 0; c < n; c++) {
    if (!cases[c].t) continue;
    ct.n = 0;
    canon_flatten_type(cases[c].t, opts, &ct);
    /* (a case longer than CANON_FLAT_CAP makes the variant so too) */
    for (uint32_t i = 0; i < ct.n && i < CANON_FLAT_CAP; i++) {
      if (i < flat.n)
        flat.v[i] = canon_join(flat.v[i], ct.v[i]);
      else
        canon_flat_vec_push(&flat, ct.v[i]);
    }
  }
  canon_flatten_type(canon_type_prim(canon_discriminant_type(n)), opts, out);
  for (uint32_t i = 0; i < flat.n; i++) canon_flat_vec_push(out, flat.v[i]);
}

/* Flattening: join */
canon_flat canon_join(canon_flat a, canon_flat b) {
  if (a == b) return a;
  if ((a == CANON_FLAT_I32 && b == CANON_FLAT_F32) ||
      (a == CANON_FLAT_F32 && b == CANON_FLAT_I32))
    return CANON_FLAT_I32;
  return CANON_FLAT_I64;
}

/* ---- derived properties (types.h, canon_type_info) ---------------------- */

/* Host bytes of one value node: the struct plus what malloc keeps around
 * it, and of a slot in an array of children or labels. */
#define HOST_NODE_BYTES CANON_HOST_NODE_BYTES
#define HOST_SLOT_BYTES 16 /* item pointer + label copy pointer */
#define HOST_LABEL_BYTES CANON_HOST_LABEL_BYTES

uint64_t canon_host_bytes(const canon_type *t) {
  t = canon_despecialize(t);
  if (t->info.derived) return t->info.host_bytes;
  return HOST_NODE_BYTES; /* a primitive */
}

static uint64_t derive_host_bytes(const canon_type *d) {
  uint64_t b = HOST_NODE_BYTES, m = 0;
  switch (d->kind) {
  case CANON_LIST:
    if (!d->u.list.fixed) return b;
    return sat_add(b, sat_mul(d->u.list.length,
                              sat_add(8, canon_host_bytes(d->u.list.elem))));
  case CANON_RECORD:
    for (uint32_t i = 0; i < d->u.record.n; i++)
      b = sat_add(b, sat_add(HOST_SLOT_BYTES + HOST_LABEL_BYTES,
                             canon_host_bytes(d->u.record.fields[i].t)));
    return b;
  case CANON_VARIANT: /* the smallest case */
    m = UINT64_MAX;
    for (uint32_t i = 0; i < d->u.variant.n; i++) {
      uint64_t c = d->u.variant.cases[i].t
                       ? canon_host_bytes(d->u.variant.cases[i].t) : 0;
      if (c < m) m = c;
    }
    return sat_add(b + HOST_LABEL_BYTES, m);
  case CANON_FLAGS:
    return b + (uint64_t)d->u.labels.n * (8 + HOST_LABEL_BYTES);
  default:
    return b;
  }
}

uint32_t canon_type_depth(const canon_type *t) {
  t = canon_despecialize(t);
  return t->info.derived ? t->info.depth : 1;
}

static uint32_t max_depth(uint32_t a, const canon_type *t) {
  uint32_t d = t ? canon_type_depth(t) : 0;
  return d > a ? d : a;
}

void canon_type_derive(canon_type *t) {
  assert(!t->info.derived);
  const canon_type *d = t->despecialized;
  if (d != t) {
    /* every definition despecializes first: the expansion's answers */
    t->info = d->info;
    return;
  }
  canon_type_info *in = &t->info;
  uint32_t depth = 0;
  switch (t->kind) {
  case CANON_LIST: depth = max_depth(0, t->u.list.elem); break;
  case CANON_RECORD:
    for (uint32_t i = 0; i < t->u.record.n; i++)
      depth = max_depth(depth, t->u.record.fields[i].t);
    break;
  case CANON_VARIANT:
    for (uint32_t i = 0; i < t->u.variant.n; i++)
      depth = max_depth(depth, t->u.variant.cases[i].t);
    break;
  case CANON_STREAM:
  case CANON_FUTURE: depth = max_depth(0, t->u.payload); break;
  default: break;
  }
  in->depth = depth == UINT32_MAX ? depth : depth + 1;
  for (unsigned p = 1; p <= IS_EFFECTFUL; p <<= 1)
    if (contains(t, p)) in->contains |= (uint8_t)p;
  canon_CanonicalOptions opts = {0};
  canon_MemInst mem = {0};
  opts.memory = &mem;
  for (int p = 0; p < 2; p++) {
    canon_flat pt = p ? CANON_FLAT_I64 : CANON_FLAT_I32;
    mem.addrtype = pt;
    in->alignment[p] = canon_alignment(t, pt);
    in->elem_size[p] = canon_elem_size(t, pt);
    canon_flat_vec fv = {0};
    canon_flatten_type(t, &opts, &fv);
    in->nflat[p] = (uint8_t)(fv.n < CANON_FLAT_CAP ? fv.n : CANON_FLAT_CAP);
    for (uint32_t i = 0; i < in->nflat[p]; i++)
      in->flat[p][i] = (uint8_t)fv.v[i];
  }
  in->host_bytes = derive_host_bytes(t);
  in->derived = true;
}
