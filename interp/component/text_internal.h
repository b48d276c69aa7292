/* text_internal.h -- shared internals of the component text parser
 * (text.c, text_scope.c, text_types.c, text_canon.c).  Not a public API.
 *
 * The parser walks the S-expression tree once.  Each component, component
 * type, instance type and core module type is a *scope* with its own 13
 * index spaces (counters) and its own $id tables.  Everything a definition
 * needs that the text writes inline (hoisted types, inline aliases, implicit
 * outer aliases, inline instances) is emitted into the current scope while
 * the definition is parsed, so it lands before the definition itself, which
 * is emitted last.
 */
#ifndef COMP_TEXT_INTERNAL_H
#define COMP_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/sexpr.h"
#include "component.h"
#include "../util/nameset.h"

typedef enum cp_scopekind {
  CP_COMPONENT,
  CP_COMPONENT_TYPE,
  CP_INSTANCE_TYPE,
  CP_MODULE_TYPE,
} cp_scopekind;

typedef struct cp_scope cp_scope;
struct cp_scope {
  cp_scope *parent;
  cp_scopekind kind;
  const sx_node *id;         /* names the scope for `alias outer $id` */
  uint32_t count[COMP_NSORTS];
  cm_nameset names;           /* $ids: see text_scope.c sym_tag */
  comp_component *comp;      /* CP_COMPONENT: where definitions go */
  comp_type *type;           /* CP_*_TYPE: where declarators go */
  comp_core_type *mtype;     /* CP_MODULE_TYPE */
  /* CP_MODULE_TYPE: its function types by structure, for inline type uses
   * (text_types.c core_typeuse): mtype->decls[0..decls_indexed) indexed,
   * next_typeidx the core type index after them; the keys' bytes owned */
  cm_nameset ftypes;
  uint32_t decls_indexed, next_typeidx;
  char **fkeys;
  uint32_t nfkeys, capfkeys;
};

typedef struct cp {
  cm_error *err;
  cp_scope *cur;
  unsigned depth; /* nesting of scopes and types, bounded */
} cp;

#define CP_MAX_DEPTH 500

static inline bool cp_failed(const cp *p) { return p->err->kind != CM_OK; }

/* ---- text_scope.c ----------------------------------------------------- */

comp_pos cp_pos(const sx_node *n);
/* Copies a string atom into a name (checks UTF-8). */
bool cp_name(cp *p, const sx_node *n, core_name *out);
char *cp_id_copy(const sx_node *id); /* NULL if id is NULL */
bool cp_oom(cp *p, const sx_node *n);
/* Grows *arr (element size sz) to hold at least n+1 elements. */
bool cp_grow(cp *p, void **arr, uint32_t n, uint32_t *cap, size_t sz);

void cp_scope_init(cp_scope *s, cp_scopekind kind, const sx_node *id);
void cp_scope_fini(cp_scope *s);
void cp_push(cp *p, cp_scope *s);
void cp_pop(cp *p);

/* Binds id (may be NULL) to the next index of sort in the current scope and
 * bumps the counter; returns the index, or UINT32_MAX on error
 * ("duplicate identifier"). */
uint32_t cp_bind(cp *p, comp_sort sort, const sx_node *id);
/* Resolves an index: a u32, or a $id of the current scope, or a $id of an
 * enclosing scope (emitting an implicit outer alias when the sort allows
 * it).  False on error. */
bool cp_resolve(cp *p, comp_sort sort, const sx_node *n, uint32_t *out);
bool cp_is_idx(const sx_node *n); /* a number or a $id */
/* The index $id names in scope s (no outer search). */
bool cp_lookup(const cp_scope *s, comp_sort sort, const sx_node *id,
               uint32_t *out);

/* Emitting into the current scope.  Each takes ownership of what it is
 * given (also on failure), binds id and returns the new index or
 * UINT32_MAX. */
uint32_t cp_emit_def(cp *p, comp_def *d, const sx_node *id);
uint32_t cp_emit_decl(cp *p, comp_decl *d, const sx_node *id);
/* sort COMP_NSORTS: the declarator adds to no index space. */
uint32_t cp_emit_core_decl(cp *p, comp_core_decl *d, comp_sort sort,
                           const sx_node *id);
uint32_t cp_emit_type(cp *p, comp_type *t, const sx_node *id,
                      const sx_node *at);
uint32_t cp_emit_core_type(cp *p, comp_core_type *t, const sx_node *id,
                           const sx_node *at);
uint32_t cp_emit_alias(cp *p, comp_alias *a, const sx_node *id,
                       const sx_node *at);

/* ---- text.c: indices and shared small forms ----------------------------- */

/* Reads a sort at items[*i] (`core func`, `func`, ...; in core_ctx, core
 * sorts without `core`). */
bool cp_sort(cp *p, const sx_node *list, size_t *i, bool core_ctx,
             comp_sort *out);
/* (sort idx name*) -> a sortidx, emitting inline export aliases. */
bool cp_sortidx(cp *p, const sx_node *n, bool core_ctx, comp_sortidx *out);
/* {X}idx: a bare idx, or the sortidx form of sort X. */
bool cp_idx(cp *p, const sx_node *n, comp_sort sort, bool core_ctx,
            uint32_t *out);
/* An import/export name and its attributes at items[*i]. */
bool cp_externname(cp *p, const sx_node *list, size_t *i,
                   comp_externname *out);
/* `(X $id? (export "n" attrs*)* ...)`: the index after the exports, and
 * emitting the exports of the new definition (sort, idx). */
size_t cp_skip_exports(const sx_node *f, size_t i);
bool cp_inline_exports(cp *p, const sx_node *f, size_t from, size_t to,
                       comp_sort sort, uint32_t idx);
/* Parses component fields items[start..] into the current (component)
 * scope. */
bool cp_component_fields(cp *p, const sx_node *list, size_t start);
comp_component *cp_component(cp *p, const sx_node *form, size_t start,
                             const sx_node *id);

/* ---- text_types.c ------------------------------------------------------- */

bool cp_is_typeuse(const sx_node *n); /* (type idx name*) */
bool cp_valtype(cp *p, const sx_node *n, comp_valtype *out);
/* A deftype (the body of `(type $id? ...)`); NULL on error. */
comp_type *cp_deftype(cp *p, const sx_node *n, const sx_node *scope_id);
/* The body of a func type (items[start..] of a `func` form). */
comp_type *cp_functype(cp *p, const sx_node *list, size_t start,
                       size_t end);
/* Component/instance type declarators items[start..] in a new scope. */
comp_type *cp_decltype(cp *p, comp_typekind kind, const sx_node *list,
                       size_t start, const sx_node *scope_id);
/* An externtype form (sort $id? ...): parses the type (hoisting inline
 * types) and gives back the $id the form binds. */
bool cp_externtype(cp *p, const sx_node *n, comp_externtype *out,
                   const sx_node **id_out);
/* The same, when the sort and the body start are already known (inline
 * imports: `(func $f (import "x") ...body...)`). */
bool cp_externtype_body(cp *p, comp_sort sort, const sx_node *list,
                        size_t start, size_t end, comp_externtype *out);
/* Core types: (func ...) or (module ...), the body of `(core type ...)`. */
comp_core_type *cp_core_deftype(cp *p, const sx_node *n, const sx_node *id);
comp_core_type *cp_moduletype(cp *p, const sx_node *list, size_t start,
                              const sx_node *scope_id);
bool cp_core_valtype(cp *p, const sx_node *n, core_valtype *out);
/* `(type ...)`, `(core type ...)` (start = index of the $id/body) and
 * `(import ...)`/`(export ...)` declarator forms, in any scope. */
bool cp_type_field(cp *p, const sx_node *form);
bool cp_core_type_field(cp *p, const sx_node *form, size_t start);
bool cp_import_decl(cp *p, const sx_node *form, bool is_export);
/* text.c: `(alias ...)` in any scope. */
bool cp_alias_field(cp *p, const sx_node *form);

/* ---- text_canon.c ------------------------------------------------------- */

/* (canon ...) at items[0]; inverted: the `(core func $id (canon ...))` or
 * `(func $id (canon lift ...))` form supplies id (and, for lift, the type
 * index) instead of a trailing sort form. */
bool cp_canon_field(cp *p, const sx_node *canon, bool inverted,
                    const sx_node *inv_id, bool has_type, uint32_t lift_type,
                    uint32_t *idx_out);

#endif
