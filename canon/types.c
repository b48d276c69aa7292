/* types.c -- building component value types in an arena, each specialized
 * type together with its expansion (CanonicalABI.md "Despecialization"). */
#include "types.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "layout.h"
#include "grow.h"

struct canon_type_arena {
  canon_arena *blocks;
};

canon_type_arena *canon_type_arena_new(void) {
  canon_type_arena *a = canon_xmalloc(sizeof *a);
  a->blocks = canon_arena_new();
  if (!a->blocks) canon_out_of_memory();
  return a;
}

void canon_type_arena_free(canon_type_arena *a) {
  if (!a) return;
  canon_arena_free(a->blocks);
  free(a);
}

/* n cleared bytes that live as long as the arena. */
static void *arena_alloc(canon_type_arena *a, size_t n) {
  return canon_arena_alloc(a->blocks, n);
}

static const char *arena_str(canon_type_arena *a, const char *s) {
  size_t n = strlen(s);
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n + 1);
  return p;
}

static canon_type *new_type(canon_type_arena *a, canon_kind k) {
  canon_type *t = arena_alloc(a, sizeof *t);
  t->kind = k;
  t->despecialized = t;
  return t;
}

/* Every built type gets its derived properties (types.h) here, once its
 * fields and children are set; NULL if its expansion could not be built. */
static const canon_type *finish(canon_type *t) {
  if (!t->despecialized) return NULL;
  canon_type_derive(t);
  return t;
}

/* Static singletons: their expansion is themselves. */
#define PRIM(k) [k] = {.kind = k, .despecialized = &prims[k]}
static const canon_type prims[] = {
    PRIM(CANON_BOOL), PRIM(CANON_S8),     PRIM(CANON_U8),
    PRIM(CANON_S16),  PRIM(CANON_U16),    PRIM(CANON_S32),
    PRIM(CANON_U32),  PRIM(CANON_S64),    PRIM(CANON_U64),
    PRIM(CANON_F32),  PRIM(CANON_F64),    PRIM(CANON_CHAR),
    PRIM(CANON_STRING), PRIM(CANON_ERROR_CONTEXT),
};
#undef PRIM

const canon_type *canon_type_prim(canon_kind k) {
  if (k > CANON_ERROR_CONTEXT) return NULL;
  return &prims[k];
}

static int cmp_label(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No label twice: sorted, so that 100k labels cost n log n, not n^2. */
static bool labels_unique(const char *const *labels, uint32_t n) {
  if (n < 2) return n == 0 || labels[0];
  const char **sorted = canon_xmalloc(n * sizeof *sorted);
  bool ok = true;
  for (uint32_t i = 0; i < n && ok; i++) ok = (sorted[i] = labels[i]) != NULL;
  if (ok) {
    qsort(sorted, n, sizeof *sorted, cmp_label);
    for (uint32_t i = 1; i < n && ok; i++)
      ok = strcmp(sorted[i - 1], sorted[i]) != 0;
  }
  free(sorted);
  return ok;
}

const canon_type *canon_type_list(canon_type_arena *a, const canon_type *elem) {
  if (!elem) return NULL;
  canon_type *t = new_type(a, CANON_LIST);
  t->u.list.elem = elem;
  return finish(t);
}

const canon_type *canon_type_list_fixed(canon_type_arena *a,
                                        const canon_type *elem,
                                        uint32_t length) {
  if (!elem || length == 0) return NULL;
  canon_type *t = new_type(a, CANON_LIST);
  t->u.list.elem = elem;
  t->u.list.fixed = true;
  t->u.list.length = length;
  return finish(t);
}

const canon_type *canon_type_record(canon_type_arena *a,
                                    const canon_field *fields, uint32_t n) {
  if (n == 0) return NULL;
  const char **labels = arena_alloc(a, n * sizeof *labels);
  canon_field *fs = arena_alloc(a, n * sizeof *fs);
  for (uint32_t i = 0; i < n; i++) {
    if (!fields[i].label || !fields[i].t) return NULL;
    labels[i] = fs[i].label = arena_str(a, fields[i].label);
    fs[i].t = fields[i].t;
  }
  if (!labels_unique(labels, n)) return NULL;
  canon_type *t = new_type(a, CANON_RECORD);
  t->u.record.fields = fs;
  t->u.record.n = n;
  return finish(t);
}

/* despecialize: TupleType(ts) -> RecordType([FieldType(str(i), t) ...]) */
const canon_type *canon_type_tuple(canon_type_arena *a,
                                   const canon_type *const *ts, uint32_t n) {
  if (n == 0) return NULL;
  canon_field *fs = arena_alloc(a, n * sizeof *fs);
  const canon_type **copy = arena_alloc(a, n * sizeof *copy);
  for (uint32_t i = 0; i < n; i++) {
    if (!ts[i]) return NULL;
    char label[16];
    snprintf(label, sizeof label, "%u", i);
    fs[i].label = arena_str(a, label);
    fs[i].t = copy[i] = ts[i];
  }
  canon_type *t = new_type(a, CANON_TUPLE);
  t->u.tuple.ts = copy;
  t->u.tuple.n = n;
  t->despecialized = canon_type_record(a, fs, n);
  return finish(t);
}

const canon_type *canon_type_variant(canon_type_arena *a,
                                     const canon_case *cases, uint32_t n) {
  if (n == 0) return NULL;
  const char **labels = arena_alloc(a, n * sizeof *labels);
  canon_case *cs = arena_alloc(a, n * sizeof *cs);
  for (uint32_t i = 0; i < n; i++) {
    if (!cases[i].label) return NULL;
    labels[i] = cs[i].label = arena_str(a, cases[i].label);
    cs[i].t = cases[i].t;
  }
  if (!labels_unique(labels, n)) return NULL;
  canon_type *t = new_type(a, CANON_VARIANT);
  t->u.variant.cases = cs;
  t->u.variant.n = n;
  return finish(t);
}

static const char *const *copy_labels(canon_type_arena *a,
                                      const char *const *labels, uint32_t n) {
  if (!labels_unique(labels, n)) return NULL;
  const char **ls = arena_alloc(a, n * sizeof *ls);
  for (uint32_t i = 0; i < n; i++) ls[i] = arena_str(a, labels[i]);
  return ls;
}

/* despecialize: EnumType(labels) -> VariantType([CaseType(l, None) ...]) */
const canon_type *canon_type_enum(canon_type_arena *a,
                                  const char *const *labels, uint32_t n) {
  if (n == 0) return NULL;
  const char *const *ls = copy_labels(a, labels, n);
  if (!ls) return NULL;
  canon_case *cs = arena_alloc(a, n * sizeof *cs);
  for (uint32_t i = 0; i < n; i++) cs[i].label = ls[i];
  canon_type *t = new_type(a, CANON_ENUM);
  t->u.labels.labels = ls;
  t->u.labels.n = n;
  t->despecialized = canon_type_variant(a, cs, n);
  return finish(t);
}

/* despecialize: OptionType(t) -> VariantType([none, some(t)]) */
const canon_type *canon_type_option(canon_type_arena *a, const canon_type *p) {
  if (!p) return NULL;
  canon_case cs[2] = {{"none", NULL}, {"some", p}};
  canon_type *t = new_type(a, CANON_OPTION);
  t->u.option = p;
  t->despecialized = canon_type_variant(a, cs, 2);
  return finish(t);
}

/* despecialize: ResultType(ok, err) -> VariantType([ok(ok), error(err)]) */
const canon_type *canon_type_result(canon_type_arena *a, const canon_type *ok,
                                    const canon_type *err) {
  canon_case cs[2] = {{"ok", ok}, {"error", err}};
  canon_type *t = new_type(a, CANON_RESULT);
  t->u.result.ok = ok;
  t->u.result.err = err;
  t->despecialized = canon_type_variant(a, cs, 2);
  return finish(t);
}

/* despecialize: MapType(k, v) -> ListType(despecialize(TupleType([k, v]))).
 * The element is kept as the tuple itself: every definition despecializes
 * it again on use, so the ABI is the same, and lifted entries print as
 * `(tuple.const k v)`. */
const canon_type *canon_type_map(canon_type_arena *a, const canon_type *k,
                                 const canon_type *v) {
  if (!k || !v) return NULL;
  const canon_type *kv[2] = {k, v};
  canon_type *t = new_type(a, CANON_MAP);
  t->u.map.k = k;
  t->u.map.v = v;
  t->despecialized = canon_type_list(a, canon_type_tuple(a, kv, 2));
  return finish(t);
}

/* flags: 1 to 32 labels (CanonicalABI.md "Alignment": assert(0 < n <= 32)) */
const canon_type *canon_type_flags(canon_type_arena *a,
                                   const char *const *labels, uint32_t n) {
  if (n == 0 || n > 32) return NULL;
  const char *const *ls = copy_labels(a, labels, n);
  if (!ls) return NULL;
  canon_type *t = new_type(a, CANON_FLAGS);
  t->u.labels.labels = ls;
  t->u.labels.n = n;
  return finish(t);
}

const canon_type *canon_type_own(canon_type_arena *a,
                                 const canon_ResourceType *rt) {
  if (!rt) return NULL;
  canon_type *t = new_type(a, CANON_OWN);
  t->u.rt = rt;
  return finish(t);
}

const canon_type *canon_type_borrow(canon_type_arena *a,
                                    const canon_ResourceType *rt) {
  if (!rt) return NULL;
  canon_type *t = new_type(a, CANON_BORROW);
  t->u.rt = rt;
  return finish(t);
}

const canon_type *canon_type_stream(canon_type_arena *a, const canon_type *p) {
  canon_type *t = new_type(a, CANON_STREAM);
  t->u.payload = p;
  return finish(t);
}

const canon_type *canon_type_future(canon_type_arena *a, const canon_type *p) {
  canon_type *t = new_type(a, CANON_FUTURE);
  t->u.payload = p;
  return finish(t);
}

const canon_FuncType *canon_FuncType_new(canon_type_arena *a,
                                         const canon_field *params,
                                         uint32_t nparams,
                                         const canon_type *result,
                                         bool async) {
  canon_field *ps = arena_alloc(a, (nparams ? nparams : 1) * sizeof *ps);
  const char **labels = arena_alloc(a, (nparams ? nparams : 1) * sizeof *labels);
  for (uint32_t i = 0; i < nparams; i++) {
    if (!params[i].label || !params[i].t) return NULL;
    labels[i] = ps[i].label = arena_str(a, params[i].label);
    ps[i].t = params[i].t;
  }
  if (!labels_unique(labels, nparams)) return NULL;
  canon_FuncType *ft = arena_alloc(a, sizeof *ft);
  ft->params = ps;
  ft->nparams = nparams;
  ft->result = result;
  ft->async = async;
  return ft;
}

const char *canon_kind_name(canon_kind k) {
  static const char *const names[] = {CANON_KINDS(CANON_NAME_OF)};
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static void print_type(canon_buf *b, const canon_type *t);

static void print_opt(canon_buf *b, const canon_type *t) {
  if (t) {
    canon_buf_byte(b, ' ');
    print_type(b, t);
  }
}

/* ` (field "label" T)`, ` (case "label" T?)` */
static void print_labeled(canon_buf *b, const char *what, const char *label,
                          const canon_type *t) {
  canon_buf_printf(b, " (%s \"%s\"", what, label);
  print_opt(b, t);
  canon_buf_byte(b, ')');
}

/* A primitive type by its name, any other as `(kind` and its parts `)`. */
static void print_type(canon_buf *b, const canon_type *t) {
  if (b->n > CANON_TYPE_STRING_MAX) return; /* cut below */
  if (canon_type_prim(t->kind)) { /* a primitive kind */
    canon_buf_str(b, canon_kind_name(t->kind));
    return;
  }
  canon_buf_printf(b, "(%s", canon_kind_name(t->kind));
  switch (t->kind) {
  case CANON_LIST:
    print_opt(b, t->u.list.elem);
    if (t->u.list.fixed) canon_buf_printf(b, " %u", t->u.list.length);
    break;
  case CANON_RECORD:
    for (uint32_t i = 0; i < t->u.record.n; i++)
      print_labeled(b, "field", t->u.record.fields[i].label,
                    t->u.record.fields[i].t);
    break;
  case CANON_TUPLE:
    for (uint32_t i = 0; i < t->u.tuple.n; i++) print_opt(b, t->u.tuple.ts[i]);
    break;
  case CANON_VARIANT:
    for (uint32_t i = 0; i < t->u.variant.n; i++)
      print_labeled(b, "case", t->u.variant.cases[i].label,
                    t->u.variant.cases[i].t);
    break;
  case CANON_ENUM:
  case CANON_FLAGS:
    for (uint32_t i = 0; i < t->u.labels.n; i++)
      canon_buf_printf(b, " \"%s\"", t->u.labels.labels[i]);
    break;
  case CANON_OPTION:
    print_opt(b, t->u.option);
    break;
  case CANON_RESULT:
    print_opt(b, t->u.result.ok);
    if (t->u.result.err) {
      canon_buf_str(b, " (error ");
      print_type(b, t->u.result.err);
      canon_buf_byte(b, ')');
    }
    break;
  case CANON_MAP:
    print_opt(b, t->u.map.k);
    print_opt(b, t->u.map.v);
    break;
  case CANON_OWN:
  case CANON_BORROW:
    canon_buf_printf(b, " <resource %p>", (const void *)t->u.rt);
    break;
  default: /* stream, future */
    print_opt(b, t->u.payload);
    break;
  }
  canon_buf_byte(b, ')');
}

char *canon_type_to_string(const canon_type *t) {
  canon_buf b = {0};
  print_type(&b, t);
  if (b.n > CANON_TYPE_STRING_MAX) {
    b.n = CANON_TYPE_STRING_MAX - 3;
    canon_buf_str(&b, "...");
  }
  return canon_buf_take(&b);
}

static bool label_eq(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The pairs of types already being compared or found equal: types are
 * DAGs (`tuple<t, t>` nested 30 times has 2^30 paths), and a pair met
 * again needs no second walk.  A pair that turns out unequal ends the
 * whole comparison, so assuming the pair equal while it is compared is
 * sound.  Open addressing over a power-of-two array. */
static size_t pair_hash(const void *a, const void *b, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15u ^
               (uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4Fu;
  return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Open addressing over a power-of-two array, at most half full. */
bool canon_type_pairs_add(canon_type_pairs *ps, const void *a, const void *b) {
  if (2 * (ps->n + 1) > ps->cap) {
    canon_type_pairs g = {NULL, ps->cap ? 2 * ps->cap : 64, 0};
    g.slots = canon_xrealloc(NULL, g.cap * sizeof *g.slots);
    memset(g.slots, 0, g.cap * sizeof *g.slots);
    for (size_t i = 0; i < ps->cap; i++)
      if (ps->slots[i][0])
        canon_type_pairs_add(&g, ps->slots[i][0], ps->slots[i][1]);
    free(ps->slots);
    *ps = g;
  }
  size_t i = pair_hash(a, b, ps->cap);
  for (; ps->slots[i][0]; i = (i + 1) & (ps->cap - 1))
    if (ps->slots[i][0] == a && ps->slots[i][1] == b) return false;
  ps->slots[i][0] = a;
  ps->slots[i][1] = b;
  ps->n++;
  return true;
}

void canon_type_pairs_free(canon_type_pairs *ps) {
  free(ps->slots);
  memset(ps, 0, sizeof *ps);
}

/* The pairs of types already being compared or found equal: types are
 * DAGs (`tuple<t, t>` nested 30 times has 2^30 paths), and a pair met
 * again needs no second walk.  A pair that turns out unequal ends the
 * whole comparison, so assuming the pair equal while it is compared is
 * sound. */
typedef canon_type_pairs pair_set;

static bool pair_add(pair_set *ps, const canon_type *a, const canon_type *b) {
  return canon_type_pairs_add(ps, a, b);
}

static bool type_equal(const canon_type *a, const canon_type *b,
                       pair_set *ps);

bool canon_type_set_add(canon_type_set *s, const void *p) {
  return canon_type_pairs_add(s, p, NULL);
}

void canon_type_set_free(canon_type_set *s) { canon_type_pairs_free(s); }

/* Structural equality of value types, as the spec's `==` on its type
 * objects (resource types by identity).  Linear in the types' DAGs. */
bool canon_type_equal(const canon_type *a, const canon_type *b) {
  pair_set ps = {0};
  bool r = type_equal(a, b, &ps);
  canon_type_pairs_free(&ps);
  return r;
}

/* Equal types have equal derived layouts: a cheap early "no". */
static bool same_info(const canon_type *a, const canon_type *b) {
  const canon_type_info *x = &a->info, *y = &b->info;
  return x->depth == y->depth && x->elem_size[0] == y->elem_size[0] &&
         x->elem_size[1] == y->elem_size[1] &&
         x->alignment[0] == y->alignment[0] &&
         x->contains == y->contains;
}

static bool type_equal(const canon_type *a, const canon_type *b,
                       pair_set *ps) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind) return false;
  if (a->info.derived && b->info.derived) {
    if (!same_info(a, b)) return false;
    if (!pair_add(ps, a, b)) return true;
  }
  switch (a->kind) {
  case CANON_LIST:
    return a->u.list.fixed == b->u.list.fixed &&
           a->u.list.length == b->u.list.length &&
           type_equal(a->u.list.elem, b->u.list.elem, ps);
  case CANON_RECORD:
    if (a->u.record.n != b->u.record.n) return false;
    for (uint32_t i = 0; i < a->u.record.n; i++)
      if (!label_eq(a->u.record.fields[i].label, b->u.record.fields[i].label) ||
          !type_equal(a->u.record.fields[i].t, b->u.record.fields[i].t, ps))
        return false;
    return true;
  case CANON_TUPLE:
    if (a->u.tuple.n != b->u.tuple.n) return false;
    for (uint32_t i = 0; i < a->u.tuple.n; i++)
      if (!type_equal(a->u.tuple.ts[i], b->u.tuple.ts[i], ps)) return false;
    return true;
  case CANON_VARIANT:
    if (a->u.variant.n != b->u.variant.n) return false;
    for (uint32_t i = 0; i < a->u.variant.n; i++)
      if (!label_eq(a->u.variant.cases[i].label, b->u.variant.cases[i].label) ||
          !type_equal(a->u.variant.cases[i].t, b->u.variant.cases[i].t, ps))
        return false;
    return true;
  case CANON_ENUM:
  case CANON_FLAGS:
    if (a->u.labels.n != b->u.labels.n) return false;
    for (uint32_t i = 0; i < a->u.labels.n; i++)
      if (!label_eq(a->u.labels.labels[i], b->u.labels.labels[i])) return false;
    return true;
  case CANON_OPTION: return type_equal(a->u.option, b->u.option, ps);
  case CANON_RESULT:
    return type_equal(a->u.result.ok, b->u.result.ok, ps) &&
           type_equal(a->u.result.err, b->u.result.err, ps);
  case CANON_MAP:
    return type_equal(a->u.map.k, b->u.map.k, ps) &&
           type_equal(a->u.map.v, b->u.map.v, ps);
  case CANON_OWN:
  case CANON_BORROW: return a->u.rt == b->u.rt;
  case CANON_STREAM:
  case CANON_FUTURE: return type_equal(a->u.payload, b->u.payload, ps);
  default: return true; /* primitive: the kind says it all */
  }
}
