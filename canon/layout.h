/* layout.h -- static properties of value types (CanonicalABI.md
 * "Despecialization", "Type Predicates", "Alignment", "Element Size",
 * "Flattening"). */
#ifndef CANON_LAYOUT_H
#define CANON_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "grow.h"
#include "types.h"
#include "values.h"

#define CANON_MAX_FLAT_PARAMS 16
#define CANON_MAX_FLAT_ASYNC_PARAMS 4
#define CANON_MAX_FLAT_RESULTS 1

/* Computes t->info (types.h) from t and its children, which are built:
 * types.c calls it on every type it builds. */
void canon_type_derive(canon_type *t);

/* Host bytes of one lifted value node: the struct and what malloc keeps
 * around it (the unit of --max-memory's accounting). */
#define CANON_HOST_NODE_BYTES ((uint64_t)sizeof(canon_value) + 16)
/* ... and of a copied label (record fields, variant cases) */
#define CANON_HOST_LABEL_BYTES 32

/* canon_type_info.host_bytes of t (types.h) */
uint64_t canon_host_bytes(const canon_type *t);

/* despecialize(t) */
const canon_type *canon_despecialize(const canon_type *t);

/* contains_borrow / contains_async_value (t may be NULL: false) */
bool canon_contains_borrow(const canon_type *t);
bool canon_contains_async_value(const canon_type *t);
/* Not in the spec's definitions, for validation: does t contain a list or
 * string (so the canonopts need a memory), an own or borrow? */
bool canon_contains_list_or_string(const canon_type *t);
bool canon_contains_handle(const canon_type *t);
/* Can load(t) neither trap nor do anything but read t's own bytes (t
 * holds only numbers, bools, flags, records and fixed-length lists of
 * them)?  Then storing it is pure too, and a copy of such elements may
 * be split into chunks. */
bool canon_load_is_pure(const canon_type *t);

/* align_to(ptr, alignment) */
uint64_t canon_align_to(uint64_t ptr, uint64_t alignment);

/* alignment(t, ptr_type) and its pieces */
uint32_t canon_alignment(const canon_type *t, canon_flat ptr_type);
uint32_t canon_alignment_list(const canon_type *elem, bool fixed,
                              canon_flat ptr_type);
uint32_t canon_alignment_record(const canon_field *fields, uint32_t n,
                                canon_flat ptr_type);
uint32_t canon_alignment_variant(const canon_case *cases, uint32_t n,
                                 canon_flat ptr_type);
uint32_t canon_alignment_flags(uint32_t nlabels);
/* discriminant_type(cases): CANON_U8, CANON_U16 or CANON_U32 */
canon_kind canon_discriminant_type(uint32_t ncases);
uint32_t canon_max_case_alignment(const canon_case *cases, uint32_t n,
                                  canon_flat ptr_type);

/* elem_size(t, ptr_type) and its pieces.  64-bit because the types built
 * in unit tests are not bounded by validation's 2^28 limit. */
uint64_t canon_elem_size(const canon_type *t, canon_flat ptr_type);
uint64_t canon_elem_size_list(const canon_type *elem, bool fixed,
                              uint32_t length, canon_flat ptr_type);
uint64_t canon_elem_size_record(const canon_field *fields, uint32_t n,
                                canon_flat ptr_type);
uint64_t canon_elem_size_variant(const canon_case *cases, uint32_t n,
                                 canon_flat ptr_type);
uint64_t canon_elem_size_flags(uint32_t nlabels);

/* A list of core value types (flatten_type's result).  Every use
 * compares its length with MAX_FLAT_PARAMS or less and reads its types
 * only when it is not longer (a longer list is replaced by one pointer),
 * so it keeps the first CANON_FLAT_CAP types in place and only counts
 * the others (types.h): it needs no heap and nothing to free. */
typedef struct canon_flat_vec {
  uint32_t n; /* the length, saturating at UINT32_MAX */
  canon_flat v[CANON_FLAT_CAP];
} canon_flat_vec;
void canon_flat_vec_push(canon_flat_vec *fv, canon_flat t);
const char *canon_flat_name(canon_flat t); /* "i32", ... */

/* flatten_type(t, opts), appended to *out */
void canon_flatten_type(const canon_type *t, const canon_CanonicalOptions *opts,
                        canon_flat_vec *out);
/* flatten_types(ts, opts) */
void canon_flatten_types(const canon_type *const *ts, uint32_t n,
                         const canon_CanonicalOptions *opts, canon_flat_vec *out);
/* flatten_variant(cases, opts) */
void canon_flatten_variant(const canon_case *cases, uint32_t n,
                           const canon_CanonicalOptions *opts, canon_flat_vec *out);
/* join(a, b) */
canon_flat canon_join(canon_flat a, canon_flat b);

/* flatten_functype(opts, ft, context) */
typedef enum canon_abi_context { CANON_LIFT, CANON_LOWER } canon_abi_context;
typedef struct canon_CoreFuncType {
  canon_flat_vec params, results;
} canon_CoreFuncType;
void canon_flatten_functype(const canon_CanonicalOptions *opts, const canon_FuncType *ft,
                            canon_abi_context context,
                            canon_CoreFuncType *out);

/* FuncType.param_types() as an array of types (the caller frees *ts);
 * returns the count. */
uint32_t canon_FuncType_param_types(const canon_FuncType *ft,
                                    const canon_type ***ts);
/* FuncType.result_type(): *ts is the list [ft.result] or [] in place
 * (nothing to free); returns the count. */
uint32_t canon_FuncType_result_type(const canon_FuncType *ft,
                                    const canon_type *const **ts);

#endif
