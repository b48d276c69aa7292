/* types.h -- component value types as the Canonical ABI sees them
 * (Explainer.md "Value types"; CanonicalABI.md "Despecialization").
 *
 * A canon_type is immutable once built and lives in a canon_type_arena,
 * which owns every type (and label string) built in it; types may point at
 * types of other arenas that outlive them.  The primitive types are static
 * singletons (canon_type_prim) that need no arena.
 *
 * Specialized types (tuple, enum, option, result, map) are built together
 * with their expansion, so canon_despecialize() is a field read: the
 * definitions in layout.c, load_store.c and flat.c then switch on the
 * despecialized kind exactly like the spec's `match despecialize(t)`, while
 * the original kind still tells the value layer what to build (a lifted
 * enum prints as `(enum.const ...)`, not as a variant).
 */
#ifndef CANON_TYPES_H
#define CANON_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

/* X(CONSTANT, name): the kinds, each with its name in the text format
 * (canon_kind_name) */
#define CANON_KINDS(X)                                                         \
  X(CANON_BOOL, "bool")                                                        \
  X(CANON_S8, "s8")                                                            \
  X(CANON_U8, "u8")                                                            \
  X(CANON_S16, "s16")                                                          \
  X(CANON_U16, "u16")                                                          \
  X(CANON_S32, "s32")                                                          \
  X(CANON_U32, "u32")                                                          \
  X(CANON_S64, "s64")                                                          \
  X(CANON_U64, "u64")                                                          \
  X(CANON_F32, "f32")                                                          \
  X(CANON_F64, "f64")                                                          \
  X(CANON_CHAR, "char")                                                        \
  X(CANON_STRING, "string")                                                    \
  X(CANON_ERROR_CONTEXT, "error-context")                                      \
  X(CANON_LIST, "list") /* list<T> and fixed-length list<T, N> */              \
  X(CANON_RECORD, "record")                                                    \
  X(CANON_TUPLE, "tuple") /* specialized: record with fields "0", "1", ... */  \
  X(CANON_VARIANT, "variant")                                                  \
  X(CANON_ENUM, "enum") /* specialized: variant of payload-less cases */       \
  X(CANON_OPTION, "option") /* specialized: variant { none, some(T) } */       \
  X(CANON_RESULT, "result") /* specialized: variant { ok(T?), error(E?) } */   \
  X(CANON_MAP, "map") /* specialized: list<tuple<K, V>> */                     \
  X(CANON_FLAGS, "flags")                                                      \
  X(CANON_OWN, "own")                                                          \
  X(CANON_BORROW, "borrow")                                                    \
  X(CANON_STREAM, "stream")                                                    \
  X(CANON_FUTURE, "future")

typedef enum canon_kind { CANON_KINDS(CANON_NAMED_ENUM) } canon_kind;

/* The `string-encoding` canonopt (CanonicalABI.md "Canonical ABI Options"). */
typedef enum canon_string_encoding {
  CANON_UTF8,
  CANON_UTF16,
  CANON_LATIN1_UTF16,
} canon_string_encoding;

typedef struct canon_type canon_type;
/* ResourceType (CanonicalABI.md "Resource State"), defined in handles.h:
 * compared by identity, never structurally. */
typedef struct canon_ResourceType canon_ResourceType;

/* FieldType */
typedef struct canon_field {
  const char *label;
  const canon_type *t;
} canon_field;

/* CaseType: t is NULL for a case without payload. */
typedef struct canon_case {
  const char *label;
  const canon_type *t;
} canon_case;

/* At most this many core types of flatten_type(t) are kept (layout.h,
 * canon_flatten_type): every use compares the length with
 * MAX_FLAT_PARAMS or less and replaces a longer list by one pointer. */
#define CANON_FLAT_CAP 17

/* The deepest value type cmref accepts: a type nests at most this many
 * list/record/variant/... levels (a primitive has depth 1).  The spec
 * sets no bound; this one keeps every walk of a type or of a value (load,
 * store, lift, lower, free, print) within a fiber's stack.  Validation
 * rejects deeper types ("type nesting depth exceeds the limit"). */
#define CANON_MAX_TYPE_DEPTH 100

/* Properties derived once, when the type is built (types.c calls
 * canon_type_derive, layout.c), so that alignment, elem_size, flattening
 * and the predicates cost O(1) per use and building a type costs O(1) per
 * node of its DAG: `tuple<t, t>` nested 30 times has 2^30 paths but 31
 * nodes.  Indices [0]/[1] are the pointer types i32/i64. */
typedef struct canon_type_info {
  bool derived; /* false only for the static primitive singletons */
  uint8_t contains; /* the predicates that hold somewhere in t (layout.c) */
  uint32_t depth;          /* nesting depth of the despecialized type */
  uint32_t alignment[2];
  uint64_t elem_size[2];   /* saturates at UINT64_MAX */
  uint8_t nflat[2];        /* min(len(flatten_type(t)), CANON_FLAT_CAP) */
  uint8_t flat[2][CANON_FLAT_CAP]; /* canon_flat values */
  /* A lower bound of the host bytes a value of this type takes when it
   * is lifted (its smallest variant cases, its lists and strings empty),
   * so that a lift certain to pass --max-memory traps before it starts;
   * saturates at UINT64_MAX. */
  uint64_t host_bytes;
} canon_type_info;

struct canon_type {
  canon_kind kind;
  /* despecialize(t): the expansion of a specialized type, else t itself. */
  const canon_type *despecialized;
  canon_type_info info;
  union {
    struct {
      const canon_type *elem;
      bool fixed;      /* list<T, N> */
      uint32_t length; /* N when fixed */
    } list;
    struct {
      const canon_field *fields;
      uint32_t n;
    } record;
    struct {
      const canon_type *const *ts;
      uint32_t n;
    } tuple;
    struct {
      const canon_case *cases;
      uint32_t n;
    } variant;
    struct {
      const char *const *labels;
      uint32_t n;
    } labels; /* enum, flags */
    const canon_type *option;
    struct {
      const canon_type *ok, *err; /* each may be NULL */
    } result;
    struct {
      const canon_type *k, *v;
    } map;
    const canon_ResourceType *rt; /* own, borrow */
    const canon_type *payload;     /* stream, future: NULL if none */
  } u;
};

/* FuncType: named parameters and at most one result. */
typedef struct canon_FuncType {
  const canon_field *params;
  uint32_t nparams;
  const canon_type *result; /* NULL: no result */
  bool async;
} canon_FuncType;

typedef struct canon_type_arena canon_type_arena;

canon_type_arena *canon_type_arena_new(void);
void canon_type_arena_free(canon_type_arena *a);

/* bool, s8..u64, f32, f64, char, string, error-context: static singletons. */
const canon_type *canon_type_prim(canon_kind k);

/* Constructors.  They copy labels and arrays into the arena and return NULL
 * for types the Explainer rules out (so a caller can reject them with its
 * own message): no fields/cases/labels, fixed length 0, more than 32 flags,
 * duplicate labels, a NULL component type. */
const canon_type *canon_type_list(canon_type_arena *a, const canon_type *elem);
const canon_type *canon_type_list_fixed(canon_type_arena *a,
                                        const canon_type *elem,
                                        uint32_t length);
const canon_type *canon_type_record(canon_type_arena *a,
                                    const canon_field *fields, uint32_t n);
const canon_type *canon_type_tuple(canon_type_arena *a,
                                   const canon_type *const *ts, uint32_t n);
const canon_type *canon_type_variant(canon_type_arena *a,
                                     const canon_case *cases, uint32_t n);
const canon_type *canon_type_enum(canon_type_arena *a,
                                  const char *const *labels, uint32_t n);
const canon_type *canon_type_option(canon_type_arena *a, const canon_type *t);
const canon_type *canon_type_result(canon_type_arena *a, const canon_type *ok,
                                    const canon_type *err);
const canon_type *canon_type_map(canon_type_arena *a, const canon_type *k,
                                 const canon_type *v);
const canon_type *canon_type_flags(canon_type_arena *a,
                                   const char *const *labels, uint32_t n);
const canon_type *canon_type_own(canon_type_arena *a,
                                 const canon_ResourceType *rt);
const canon_type *canon_type_borrow(canon_type_arena *a,
                                    const canon_ResourceType *rt);
const canon_type *canon_type_stream(canon_type_arena *a, const canon_type *t);
const canon_type *canon_type_future(canon_type_arena *a, const canon_type *t);
/* A copy of a function type in the arena (NULL if a parameter type is NULL
 * or two parameters share a name). */
const canon_FuncType *canon_FuncType_new(canon_type_arena *a,
                                         const canon_field *params,
                                         uint32_t nparams,
                                         const canon_type *result, bool async);

/* A set of types (or other pointers), hashed: for walks over a type that
 * must visit each node of its DAG once (types can share children, and a
 * type tree can have exponentially many paths).  Zero-initialise. */
typedef struct canon_type_pairs {
  const void *(*slots)[2];
  size_t cap, n;
} canon_type_pairs;
/* Adds (a, b) (a not NULL); false if it was there already. */
bool canon_type_pairs_add(canon_type_pairs *s, const void *a, const void *b);
void canon_type_pairs_free(canon_type_pairs *s);
/* A set of single pointers: pairs (p, NULL). */
typedef canon_type_pairs canon_type_set;
bool canon_type_set_add(canon_type_set *s, const void *p);
void canon_type_set_free(canon_type_set *s);

/* nesting depth of t (1 for a primitive) */
uint32_t canon_type_depth(const canon_type *t);

/* "bool", "u32", "list", ... as written in the text format. */
const char *canon_kind_name(canon_kind k);
/* t1 == t2 of the spec: structural, resource types by identity (NULL: no
 * type) */
bool canon_type_equal(const canon_type *a, const canon_type *b);
/* The type in text-format syntax, e.g. `(record (field "a" u32))`, as a
 * malloc'd string.  A type is a DAG and may print exponentially long, so
 * the text stops at CANON_TYPE_STRING_MAX bytes, ending in "...". */
#define CANON_TYPE_STRING_MAX 4096
char *canon_type_to_string(const canon_type *t);

/* Convenience for C tests and the front end: array literal + length. */
#define CANON_COUNT(arr) ((uint32_t)(sizeof(arr) / sizeof((arr)[0])))

#endif
