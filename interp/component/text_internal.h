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

typedef enum comp_text_scopekind {
  CP_COMPONENT,
  CP_COMPONENT_TYPE,
  CP_INSTANCE_TYPE,
  CP_MODULE_TYPE,
} comp_text_scopekind;

typedef struct comp_text_scope comp_text_scope;
struct comp_text_scope {
  comp_text_scope *parent;
  comp_text_scopekind kind;
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

typedef struct comp_text_parser {
  cm_error *err;
  comp_text_scope *cur;
  unsigned depth; /* nesting of scopes and types, bounded */
} comp_text_parser;

#define CP_MAX_DEPTH 500

static inline bool comp_text_failed(const comp_text_parser *p) {
  return p->err->kind != CM_OK;
}

/* ---- text_scope.c ----------------------------------------------------- */

comp_pos comp_text_pos(const sx_node *n);
/* A definition of `kind` made by the form at `at`, empty otherwise. */
static inline comp_def comp_text_def(comp_defkind kind, const sx_node *at) {
  comp_def d = {0};
  d.kind = kind;
  d.pos = comp_text_pos(at);
  return d;
}
/* Copies a string atom into a name (checks UTF-8). */
bool comp_text_name(comp_text_parser *p, const sx_node *n, core_name *out);
char *comp_text_id_copy(const sx_node *id); /* NULL if id is NULL */
bool comp_text_oom(comp_text_parser *p, const sx_node *n);

void comp_text_scope_init(comp_text_scope *s, comp_text_scopekind kind,
                          const sx_node *id);
void comp_text_scope_fini(comp_text_scope *s);
void comp_text_push(comp_text_parser *p, comp_text_scope *s);
void comp_text_pop(comp_text_parser *p);
/* Enters the nested scope s of `kind` for the form at `at` (a component, a
 * component, instance or module type): past CP_MAX_DEPTH, "nesting too
 * deep" and false.  comp_text_unnest leaves it. */
bool comp_text_nest(comp_text_parser *p, const sx_node *at,
                    comp_text_scope *s, comp_text_scopekind kind,
                    const sx_node *id);
void comp_text_unnest(comp_text_parser *p, comp_text_scope *s);

/* Binds id (may be NULL) to the next index of sort in the current scope and
 * bumps the counter; returns the index, or UINT32_MAX on error
 * ("duplicate identifier"). */
uint32_t comp_text_bind(comp_text_parser *p, comp_sort sort, const sx_node *id);
/* A u32 index given as a number at n ("malformed index" if out of
 * range).  False on error. */
bool comp_text_u32(comp_text_parser *p, const sx_node *n, uint32_t *out);
/* Resolves an index: a u32, or a $id of the current scope, or a $id of an
 * enclosing scope (emitting an implicit outer alias when the sort allows
 * it).  False on error. */
bool comp_text_resolve(comp_text_parser *p, comp_sort sort, const sx_node *n,
                       uint32_t *out);
bool comp_text_is_idx(const sx_node *n); /* a number or a $id */
/* The index $id names in scope s (no outer search). */
bool comp_text_lookup(const comp_text_scope *s, comp_sort sort,
                      const sx_node *id, uint32_t *out);

/* Emitting into the current scope.  Each takes ownership of what it is
 * given (also on failure), binds id and returns the new index or
 * UINT32_MAX. */
uint32_t comp_text_emit_def(comp_text_parser *p, comp_def *d,
                            const sx_node *id);
uint32_t comp_text_emit_decl(comp_text_parser *p, comp_decl *d,
                             const sx_node *id);
/* sort COMP_NSORTS: the declarator adds to no index space. */
uint32_t comp_text_emit_core_decl(comp_text_parser *p, comp_core_decl *d,
                                  comp_sort sort, const sx_node *id);
uint32_t comp_text_emit_type(comp_text_parser *p, comp_type *t,
                             const sx_node *id, const sx_node *at);
uint32_t comp_text_emit_core_type(comp_text_parser *p, comp_core_type *t,
                                  const sx_node *id, const sx_node *at);
uint32_t comp_text_emit_alias(comp_text_parser *p, comp_alias *a,
                              const sx_node *id, const sx_node *at);

/* ---- text.c: indices and shared small forms ----------------------------- */

/* Reads a sort at items[*i] (`core func`, `func`, ...; in core_ctx, core
 * sorts without `core`). */
bool comp_text_sort(comp_text_parser *p, const sx_node *list, size_t *i,
                    bool core_ctx, comp_sort *out);
/* (sort idx name*) -> a sortidx, emitting inline export aliases. */
bool comp_text_sortidx(comp_text_parser *p, const sx_node *n, bool core_ctx,
                       comp_sortidx *out);
/* {X}idx: a bare idx, or the sortidx form of sort X. */
bool comp_text_idx(comp_text_parser *p, const sx_node *n, comp_sort sort,
                   bool core_ctx, uint32_t *out);
/* An import/export name and its attributes at items[*i]. */
bool comp_text_externname(comp_text_parser *p, const sx_node *list, size_t *i,
                          comp_externname *out);
/* `(X $id? (export "n" attrs*)* ...)`: the index after the exports, and
 * emitting the exports of the new definition (sort, idx). */
size_t comp_text_skip_exports(const sx_node *f, size_t i);
bool comp_text_inline_exports(comp_text_parser *p, const sx_node *f,
                              size_t from, size_t to, comp_sort sort,
                              uint32_t idx);
/* Parses component fields items[start..] into the current (component)
 * scope. */
bool comp_text_component_fields(comp_text_parser *p, const sx_node *list,
                                size_t start);
comp_component *comp_text_component(comp_text_parser *p, const sx_node *form,
                                    size_t start, const sx_node *id);

/* ---- text_types.c ------------------------------------------------------- */

bool comp_text_is_typeuse(const sx_node *n); /* (type idx name*) */
bool comp_text_valtype(comp_text_parser *p, const sx_node *n,
                       comp_valtype *out);
/* A deftype (the body of `(type $id? ...)`); NULL on error. */
comp_type *comp_text_deftype(comp_text_parser *p, const sx_node *n,
                             const sx_node *scope_id);
/* The body of a func type (items[start..] of a `func` form). */
comp_type *comp_text_functype(comp_text_parser *p, const sx_node *list,
                              size_t start, size_t end);
/* Component/instance type declarators items[start..] in a new scope. */
comp_type *comp_text_decltype(comp_text_parser *p, comp_typekind kind,
                              const sx_node *list, size_t start,
                              const sx_node *scope_id);
/* An externtype form (sort $id? ...): parses the type (hoisting inline
 * types) and gives back the $id the form binds. */
bool comp_text_externtype(comp_text_parser *p, const sx_node *n,
                          comp_externtype *out, const sx_node **id_out);
/* The same, when the sort and the body start are already known (inline
 * imports: `(func $f (import "x") ...body...)`). */
bool comp_text_externtype_body(comp_text_parser *p, comp_sort sort,
                               const sx_node *list, size_t start, size_t end,
                               comp_externtype *out);
/* Core types: (func ...) or (module ...), the body of `(core type ...)`. */
comp_core_type *comp_text_core_deftype(comp_text_parser *p, const sx_node *n,
                                       const sx_node *id);
comp_core_type *comp_text_moduletype(comp_text_parser *p, const sx_node *list,
                                     size_t start, const sx_node *scope_id);
bool comp_text_core_valtype(comp_text_parser *p, const sx_node *n,
                            core_valtype *out);
/* `(type ...)`, `(core type ...)` (start = index of the $id/body) and
 * `(import ...)`/`(export ...)` declarator forms, in any scope. */
bool comp_text_type_field(comp_text_parser *p, const sx_node *form);
bool comp_text_core_type_field(comp_text_parser *p, const sx_node *form,
                               size_t start);
bool comp_text_import_decl(comp_text_parser *p, const sx_node *form,
                           bool is_export);
/* text.c: `(alias ...)` in any scope. */
bool comp_text_alias_field(comp_text_parser *p, const sx_node *form);

/* ---- text_canon.c ------------------------------------------------------- */

/* (canon ...) at items[0]; inverted: the `(core func $id (canon ...))` or
 * `(func $id (canon lift ...))` form supplies id (and, for lift, the type
 * index) instead of a trailing sort form. */
bool comp_text_canon_field(comp_text_parser *p, const sx_node *canon,
                           bool inverted, const sx_node *inv_id, bool has_type,
                           uint32_t lift_type, uint32_t *idx_out);

#endif
