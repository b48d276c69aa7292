/* validate_priv.h -- the component validator's internal model, shared by
 * validate*.c (not a public API: see validate.h).
 *
 * Validation gives every item of every index space a *semantic* type:
 *  - value types are canon_types (canon/types.h) built in the validation's
 *    arena; own/borrow point at a vres_ref (below) disguised as a
 *    canon_ResourceType;
 *  - resource types are vres objects compared by identity: a definition
 *    `(resource ...)` or an abstract `(sub resource)` makes a new one;
 *    instantiating a component type or importing an instance type makes
 *    fresh ones for what it defines (Explainer.md "Type Checking");
 *  - every mention of a resource in the type index space is a vres_ref
 *    (a "name" of it) and every record/variant/enum/flags definition is its
 *    own canon_type: these pointers are what "external visibility" (the
 *    avoidance check of imports and exports) tracks.
 */
#ifndef COMP_VALIDATE_PRIV_H
#define COMP_VALIDATE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "../../canon/handles.h"
#include "../../canon/layout.h"
#include "../util/diag.h"
#include "../util/nameset.h"
#include "component.h"
#include "validate.h"

/* ---- resources ------------------------------------------------------ */

typedef struct vscope vscope;
/* An index of a name array, built on first lookup (validate.c
 * comp_valid_find_named / comp_valid_find_core): lookups by name stay O(1)
 * however many imports and exports a guest declares. */
typedef struct vnindex vnindex;

typedef struct vres {
  uint32_t id;          /* unique within one comp_validate, for messages */
  vscope *owner;        /* the concrete component that defined it, or NULL
                           for an abstract (imported / declared) one */
  core_valtype rep;     /* defined: the representation */
  bool has_dtor;
} vres;

/* A name of a resource: own/borrow carry &ref->rt. */
typedef struct vres_ref {
  canon_ResourceType rt; /* first: the canon_type's own.rt points here */
  vres *res;
} vres_ref;

static inline vres *vres_of(const canon_ResourceType *rt) {
  return ((const vres_ref *)(const void *)rt)->res;
}

/* ---- entity types ------------------------------------------------------ */

typedef struct vcore_ext {
  core_externkind kind;
  const core_functype *func; /* func, tag */
  core_tabletype table;
  core_memtype mem;
  core_globaltype global;
} vcore_ext;

typedef struct vcore_named {
  core_name module; /* imports of module types only */
  core_name name;
  vcore_ext t;
} vcore_named;

/* A core module type, or the type of a core instance (exports only). */
typedef struct vcoremod {
  vcore_named *imports;
  uint32_t nimports;
  vcore_named *exports;
  uint32_t nexports;
  vnindex *ix_imports, *ix_exports; /* caches, see vnindex */
} vcoremod;

typedef struct vtype vtype;
typedef struct vcomp vcomp;
typedef struct vinst vinst;

/* ComponentEntityType: what an import/export/argument is. */
typedef struct vent {
  comp_sort sort; /* CORE_MODULE, FUNC, VALUE, TYPE, COMPONENT, INSTANCE */
  const vcoremod *module;
  const canon_FuncType *func;
  const canon_type *value;
  const vtype *type;
  const vcomp *comp;
  const vinst *inst;
} vent;

typedef struct vnamed {
  const char *name; /* NUL-terminated (names with NUL are rejected) */
  vent t;
} vnamed;

typedef enum vtkind {
  VT_VAL,
  VT_FUNC,
  VT_COMPONENT,
  VT_INSTANCE,
  VT_RESOURCE,
} vtkind;

/* An entry of the type index space. */
struct vtype {
  vtkind kind;
  const canon_type *val;       /* VAL */
  const canon_FuncType *func;  /* FUNC */
  const vcomp *comp;           /* COMPONENT */
  const vinst *inst;           /* INSTANCE */
  const vres_ref *res;         /* RESOURCE */
};

typedef struct vres_list {
  vres **v;
  uint32_t n, cap;
} vres_list;

struct vcomp {
  vnamed *imports;
  uint32_t nimports;
  vnamed *exports;
  uint32_t nexports;
  vnindex *ix_imports, *ix_exports; /* caches, see vnindex */
  vres_list imported; /* abstract resources its imports introduce */
  vres_list defined;  /* abstract resources its exports introduce */
};

struct vinst {
  vnamed *exports;
  uint32_t nexports;
  vnindex *ix_exports; /* cache, see vnindex */
  vres_list defined; /* abstract resources its exports introduce */
};

/* ---- scopes and index spaces ---------------------------------------- */

/* One entry of an index space. */
typedef struct vitem {
  vcore_ext core;            /* core func .. core tag */
  const comp_core_type *core_type_ast;
  const core_functype *core_functype; /* core type: func */
  const vcoremod *module;    /* core type: module; core module */
  const vcoremod *core_inst; /* core instance: its exports */
  vent ent;                  /* func, value, type, component, instance */
  bool consumed;             /* values: used exactly once */
} vitem;

typedef struct vspace {
  vitem *v;
  uint32_t n, cap;
} vspace;

typedef enum vscope_kind {
  VS_COMPONENT,
  VS_COMPONENT_TYPE,
  VS_INSTANCE_TYPE,
} vscope_kind;

/* A set of pointers (names of types that are externally visible). */
typedef struct vptrset {
  const void **v;
  uint32_t n, cap;
  const void **slots; /* open addressing over v's pointers; scap > 2n */
  uint32_t scap;
} vptrset;

typedef struct vnames {
  char **v; /* canonicalized, for strong uniqueness */
  char **orig;
  uint32_t n, cap;
  cm_nameset set; /* canonical name -> index in v */
} vnames;

struct vscope {
  vscope *parent;
  vscope_kind kind;
  vspace spaces[COMP_NSORTS];
  vnames import_names, export_names;
  vnamed *imports; uint32_t nimports, cap_imports;
  vnamed *exports; uint32_t nexports, cap_exports;
  cm_nameset import_ix, export_ix; /* name -> index in imports/exports */
  vres_list imported_res, defined_res;
  vptrset imported_named, exported_named; /* externally visible types */
};

/* The validation of one top-level component. */
typedef struct comp_valid_ctx {
  canon_type_arena *arena;
  void **blocks;       /* everything else malloc'ed, freed together */
  uint32_t nblocks, capblocks;
  uint32_t next_res_id;
  cm_error *err;
  bool failed;
} comp_valid_ctx;

/* ---- helpers (validate.c) ---------------------------------------------- */

/* Zeroed memory owned by v (freed with it). */
void *comp_valid_alloc(comp_valid_ctx *v, size_t n);
/* Makes room for (*p)[n] in an array of v's memory: a full one is copied
 * into a block twice its size. */
void comp_valid_grow(comp_valid_ctx *v, void **p, uint32_t *cap, uint32_t n,
                     size_t elem);
char *comp_valid_strdup(comp_valid_ctx *v, const char *s, size_t n);
/* Reports a CM_INVALID error at pos (first one wins) and returns false. */
bool comp_valid_fail(comp_valid_ctx *v, const comp_pos *pos, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
vitem *vspace_push(comp_valid_ctx *v, vscope *s, comp_sort sort);
/* Distinct (module, name) pairs of core imports, or names (module NULL). */
typedef struct vcorenames {
  cm_nameset modules, names;
} vcorenames;
void comp_valid_corenames_init(comp_valid_ctx *v, vcorenames *c);
/* False if the pair was already there. */
bool comp_valid_corenames_add(vcorenames *c, const core_name *module,
                              const core_name *name);
/* A nameset whose memory lives as long as v. */
void comp_valid_nameset_init(comp_valid_ctx *v, cm_nameset *s, bool fold_case);
/* The entry of arr[0..n) named (name, len), or NULL; *ix caches an index
 * of arr (rebuilt when arr or n changed). */
const vnamed *comp_valid_find_named(comp_valid_ctx *v, vnindex **ix,
                                    const vnamed *arr, uint32_t n,
                                    const char *name, size_t len);
/* The same for core names; with module, by (module, name) (imports). */
const vcore_named *comp_valid_find_core(comp_valid_ctx *v, vnindex **ix,
                                        const vcore_named *arr, uint32_t n,
                                        const core_name *module,
                                        const core_name *name);
vitem *vspace_get(vscope *s, comp_sort sort, uint32_t idx);
void vres_list_push(comp_valid_ctx *v, vres_list *l, vres *r);
void vptrset_add(comp_valid_ctx *v, vptrset *s, const void *p);
bool vptrset_has(const vptrset *s, const void *p);
vres *comp_valid_new_res(comp_valid_ctx *v, vscope *owner);
const vres_ref *comp_valid_new_ref(comp_valid_ctx *v, vres *r);
/* "unknown <sort> N: <sort> index out of bounds". */
bool comp_valid_oob(comp_valid_ctx *v, const comp_pos *pos, comp_sort sort,
                    uint32_t idx);
/* The same, for aliases, arguments, inline instance exports. */
bool comp_valid_oob_any(comp_valid_ctx *v, const comp_pos *pos, comp_sort sort,
                        uint32_t idx);

bool comp_valid_alias(comp_valid_ctx *v, vscope *s, const comp_alias *a,
                      const comp_pos *pos);
bool comp_valid_add_import(comp_valid_ctx *v, vscope *s,
                           const comp_externname *name,
                           const comp_externtype *et, const comp_pos *pos);
bool comp_valid_add_export(comp_valid_ctx *v, vscope *s,
                           const comp_externname *name, vent e,
                           const comp_pos *pos);
const vinst *comp_valid_instantiate(comp_valid_ctx *v, vscope *s,
                                    const vcomp *ct, const char *const *names,
                                    const vent *args,
                                    const comp_pos *const *poss, uint32_t nargs,
                                    const comp_pos *pos);

/* ---- types (validate_types.c) ----------------------------------------- */

/* The canon_type of a valtype (NULL after an error). */
const canon_type *comp_valid_valtype(comp_valid_ctx *v, vscope *s,
                                     const comp_valtype *t,
                                     const comp_pos *pos);
/* Validates a type definition and returns its type-space entry. */
/* The component type a scope's imports and exports make, with `created`
 * the resources it defines. */
vcomp *comp_valid_scope_comp_type(comp_valid_ctx *v, vscope *s,
                                  const vres_list *created);
/* A new resource type (sub resource), pushed on `list`. */
vtype *comp_valid_fresh_resource(comp_valid_ctx *v, vres_list *list);
const vtype *comp_valid_deftype(comp_valid_ctx *v, vscope *s, comp_type *t);
const canon_FuncType *comp_valid_functype(comp_valid_ctx *v, vscope *s,
                                          const comp_functype *f,
                                          const comp_pos *pos);
/* The vent of an externtype (import declarations, ascriptions). */
bool comp_valid_externtype(comp_valid_ctx *v, vscope *s,
                           const comp_externtype *et, vent *out);
/* Validates a core type definition and fills the core type entry. */
bool comp_valid_core_type(comp_valid_ctx *v, vscope *s, const comp_core_type *t,
                          vitem *out);
/* Substitution of resources (instantiation): from[i] -> to[i]; to[i] is
 * NULL while from[i] is still bindable (subtyping binds it to the actual
 * resource it meets first).  cache maps old refs/canon types to the new
 * ones, so one name stays one name. */
typedef struct vsubst {
  vres **from, **to;
  uint32_t n, cap;
  const void **cold, **cnew;
  uint32_t nc, capc;
} vsubst;
void vsubst_add(comp_valid_ctx *v, vsubst *m, vres *from, vres *to);
vent comp_valid_subst_ent(comp_valid_ctx *v, vsubst *m, const vent *e);
/* Subtyping: is a (actual) a subtype of b (expected)?  m (may be NULL)
 * binds b's bindable resources.  On failure, reports "ctx `name`: why"
 * (or "ctx: why", or just why) at pos. */
bool comp_valid_sub_ent_bind(comp_valid_ctx *v, const vent *a, const vent *b,
                             vsubst *m, const comp_pos *pos, const char *ctx,
                             const char *name);
/* Core extern subtyping (a actual <: b expected); msg gets why not. */
bool comp_valid_sub_core(comp_valid_ctx *v, const vcore_ext *a,
                         const vcore_ext *b, char *msg, size_t n);
/* Fresh copies of the resources `defined` lists, added to m. */
void comp_valid_freshen(comp_valid_ctx *v, vsubst *m, const vres_list *defined,
                        vres_list *out);
/* Does a type refer to resources/types not named in the scope's visible
 * sets?  (External visibility: Explainer.md "External Visibility of
 * Types".) */
bool comp_valid_ent_named(comp_valid_ctx *v, vscope *s, const vent *e,
                          bool import);
const char *comp_valid_sort_word(comp_sort s); /* "func", "instance", ... */
const char *comp_valid_ent_word(const vent *e);
bool comp_valid_type_is_resource(const vtype *t);

/* ---- names (validate_names.c) ------------------------------------------ */

bool comp_valid_label(comp_valid_ctx *v, const core_name *n, const char *what,
                      const comp_pos *pos);
/* Checks an import/export name and its attributes and adds it to the
 * scope's import or export names (strong uniqueness), and the
 * [constructor]/[method]/[static] rules against its type. */
bool comp_valid_externname(comp_valid_ctx *v, vscope *s,
                           const comp_externname *n, const vent *t,
                           bool import);
/* Label uniqueness within records/variants/...: lowercase compare. */
bool comp_valid_label_eq(const char *a, const char *b);

/* ---- canon (validate_canon.c) ---------------------------------------- */

bool comp_valid_canon(comp_valid_ctx *v, vscope *s, const comp_def *d);

#endif
