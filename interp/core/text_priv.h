/* text_priv.h -- internals shared by the files of the core text parser
 * (text.c: modules and fields; text_instr.c: instructions and expressions;
 * text_keywords.c: the spec's keyword set).  Not a public API. */
#ifndef CORE_TEXT_PRIV_H
#define CORE_TEXT_PRIV_H

#include "../text/sexpr.h"
#include "module.h"
#include "../util/nameset.h"
#include "../../canon/grow.h"

/* Index spaces with symbolic names (locals and labels are per function). */
enum {
  CORE_TEXT_TYPE,
  CORE_TEXT_FUNC,
  CORE_TEXT_TABLE,
  CORE_TEXT_MEM,
  CORE_TEXT_GLOBAL,
  CORE_TEXT_TAG,
  CORE_TEXT_ELEM,
  CORE_TEXT_DATA,
  CORE_TEXT_NSPACES
};

/* A map from $names (the decoded bytes of SX_ID nodes) to indices. */
/* Deepest nesting of flat block instructions the parser accepts. */
#define CORE_TEXT_MAX_FLAT_NESTING 3000

typedef struct core_text_names {
  const sx_node **keys; /* open addressing; NULL = free */
  uint32_t *vals;
  uint32_t cap, count;
} core_text_names;

/* The parser state of one module. */
typedef struct core_text_parser {
  cm_error *err;
  core_module *m;
  uint32_t cap_types, cap_imports, cap_exports, cap_elems, cap_datas;
  uint32_t cap_tables, cap_mems, cap_globals;
  core_text_names names[CORE_TEXT_NSPACES];
  uint32_t count[CORE_TEXT_NSPACES]; /* indices bound so far */
  /* address type of each memory and table index (pass 1) */
  bool *mem64, *table64;
  uint32_t cap_mem64, cap_table64;
  /* the function being parsed */
  core_text_names locals;
  uint32_t nlocals; /* params + locals bound so far */
  /* (type x) of a function without inline params, x unknown: its params
   * cannot be counted, so no local may be named */
  bool params_unknown;
  uint32_t params_type;
  const sx_node **labels; /* label names (NULL if none), innermost last */
  uint32_t nlabels, cap_labels;
  /* the expression being built */
  core_instr *ins;
  uint32_t nins, cap_ins;
  core_srcpos *pos;      /* where each of ins came from */
  uint32_t cap_pos;
  const sx_node *at;     /* the instruction being emitted */
  core_label *lab;
  uint32_t nlab, cap_lab;
  /* m->types[0..types_indexed) by structure (core_text_functype_index): an
   * inline type use finds its index in O(1), not by a scan */
  cm_nameset type_ix;
  uint32_t types_indexed;
  char **type_keys; /* the keys' bytes, owned */
  uint32_t ntype_keys, cap_type_keys;
} core_text_parser;

/* Appends one zeroed element to a module array and returns it. */
#define CORE_TEXT_APPEND(p, arr, n, cap)                                       \
  ((void)(p), CANON_GROW_ZERO(arr, n, cap, 8), &(arr)[(n)++])

/* items[i] of a list, or NULL past its end (where "unexpected token" is
 * reported at the end of the list). */
static inline const sx_node *core_text_item(const sx_node *form, size_t i) {
  return i < form->n ? form->items[i] : NULL;
}

/* ---- text_types.c ---- */
extern const char
    *const core_text_space_names[CORE_TEXT_NSPACES]; /* "function", ... */
bool core_text_fail(core_text_parser *p, const sx_node *at, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));
bool core_text_unsupported(core_text_parser *p, const sx_node *at,
                           const char *feature);
/* "unknown operator X" for a token that is no token of the grammar,
 * "unexpected token" otherwise (n NULL: missing, reported at `at`). */
bool core_text_unexpected(core_text_parser *p, const sx_node *n,
                          const sx_node *at);
/* A list of exactly n items; else its first extra item is unexpected, or
 * its end when it is short. */
bool core_text_arity(core_text_parser *p, const sx_node *form, size_t n);
/* The head of an import or export description d in form: (func ...),
 * (table ...), (memory ...), (global ...) or (tag ...). */
bool core_text_extern_desc(core_text_parser *p, const sx_node *d,
                           const sx_node *form, int *space,
                           core_externkind *kind);
bool core_text_lookup(core_text_parser *p, core_text_names *names,
                      const sx_node *id, const char *what, uint32_t *out);
bool core_text_bind(core_text_parser *p, core_text_names *names,
                    const sx_node *id, const char *what, uint32_t idx);
void core_text_names_free(core_text_names *names);
/* An index: a u32 literal or a $name of index space `space`. */
bool core_text_index(core_text_parser *p, int space, const sx_node *n,
                     const sx_node *at, uint32_t *out);
bool core_text_is_index(const sx_node *n);
/* A nat token (digits, or 0x and hex digits), of any size. */
bool core_text_is_nat(const sx_node *n);
bool core_text_valtype(core_text_parser *p, const sx_node *n,
                       core_valtype *out);
bool core_text_reftype(core_text_parser *p, const sx_node *n,
                       core_valtype *out);
/* The heap type ht of (ref null? ht) and of ref.null ht: only the
 * nullable func, extern and exn of Wasm 2.0 and exceptions. */
bool core_text_heaptype(core_text_parser *p, const sx_node *n,
                        const sx_node *at, bool null, core_valtype *out);
/* The index of a function type equal to ft, appending one (a copy) if
 * there is none (the spec's rule for inline type uses). */
bool core_text_functype_index(core_text_parser *p, const core_functype *ft,
                              uint32_t *out);
/* (param t*)* (result t*)* at items[*i...]: accumulates into ft (which
 * owns malloc'ed arrays).  allow_names: (param $x t) is allowed;
 * bind_locals: params become the function's first locals. */
bool core_text_functype_lists(core_text_parser *p, const sx_node *form,
                              size_t *i, core_functype *ft, bool allow_names,
                              bool bind_locals);
/* A type use: (type x)? (param ...)* (result ...)*.  Sets *idx. */
bool core_text_typeuse(core_text_parser *p, const sx_node *form, size_t *i,
                       bool allow_names, bool bind_locals, uint32_t *idx);
/* The two halves of core_text_typeuse, for block types, which have short forms:
 * reading (type x)? (*tnode NULL if absent) and the lists into ft; then
 * checking them against each other, or finding (appending) ft's index. */
bool core_text_typeuse_parts(core_text_parser *p, const sx_node *form,
                             size_t *i, bool allow_names, bool bind_locals,
                             const sx_node **tnode, uint32_t *x,
                             core_functype *ft);
bool core_text_typeuse_resolve(core_text_parser *p, const sx_node *tnode,
                               uint32_t x, const core_functype *ft,
                               bool bind_locals, uint32_t *idx);
void core_text_functype_free(core_functype *ft);
/* Appends t to arr (n in use, room for *cap: a count that may understate
 * the room, never overstate it). */
void core_text_push_valtype(core_valtype **arr, uint32_t *n, uint32_t *cap,
                            core_valtype t);
/* Binds a named param or local at the next local index. */
bool core_text_bind_local(core_text_parser *p, const sx_node *id);
/* A name (string) of an import or export: well-formed UTF-8. */
bool core_text_check_name(core_text_parser *p, const sx_node *s);
bool core_text_copy_name(core_text_parser *p, const sx_node *s, core_name *out);
/* funcref, (ref null func), ...: a reference type rather than an
 * offset or element expression. */
bool core_text_is_reftype(const sx_node *n);

/* ---- text.c ---- */
/* Counts the bytes of the strings items[i..] (all must be strings). */
bool core_text_data_strings(core_text_parser *p, const sx_node *form, size_t i,
                            size_t *len);

/* ---- text_fields.c ---- */
bool core_text_add_export(core_text_parser *p, const sx_node *name,
                          core_externkind kind, uint32_t idx);
bool core_text_export_field(core_text_parser *p, const sx_node *form);
bool core_text_start_field(core_text_parser *p, const sx_node *form);
bool core_text_elem_field(core_text_parser *p, const sx_node *form);
bool core_text_data_field(core_text_parser *p, const sx_node *form);
/* A type use that must be all that is left of the form (imports, tags). */
bool core_text_typeuse_only(core_text_parser *p, const sx_node *form, size_t i,
                            uint32_t *idx);
/* Type use, params, locals and body of a function definition. */
bool core_text_func_body(core_text_parser *p, const sx_node *form, size_t i,
                         core_func *fn);
/* `i32.const 0` or `i64.const 0`: the offset of inline segments. */
bool core_text_zero_offset(core_text_parser *p, bool is64, core_expr *e);
core_elem *core_text_new_elem(core_text_parser *p);
/* Element items from form->items[i..]: function indices or expressions. */
bool core_text_elem_items(core_text_parser *p, const sx_node *form, size_t i,
                          bool exprs, core_elem *e);
/* ---- text_instr.c ---- */
/* Parses instructions form->items[*i..] up to the end of the list. */
bool core_text_instrs(core_text_parser *p, const sx_node *form, size_t *i);
/* Moves the instructions built so far, plus a final END, into *e. */
bool core_text_take_expr(core_text_parser *p, core_expr *e);
/* A constant expression: the instructions in form->items[i..]. */
bool core_text_const_expr(core_text_parser *p, const sx_node *form, size_t i,
                          core_expr *e);
/* A single folded instruction as an expression (offset/item sugar). */
bool core_text_folded_expr(core_text_parser *p, const sx_node *expr,
                           core_expr *e);
bool core_text_emit(core_text_parser *p, core_opcode op, uint32_t idx,
                    uint32_t idx2, uint64_t imm);
void core_text_reset_expr(core_text_parser *p);

/* ---- text_keywords.c ---- */
typedef enum core_text_kwclass {
  CORE_TEXT_KW_UNKNOWN,     /* no keyword of the text format */
  CORE_TEXT_KW_INSTR,       /* an instruction cmref supports: *op set */
  CORE_TEXT_KW_UNSUPPORTED, /* valid, but of an unsupported feature: *feature */
  CORE_TEXT_KW_OTHER,       /* any other keyword of the grammar */
} core_text_kwclass;
core_text_kwclass core_text_keyword(const char *s, size_t len, core_opcode *op,
                                    const char **feature);
/* Checks every atom of a module form as the spec's lexer would: reserved
 * tokens, malformed numbers and unknown keywords are "unknown operator". */
bool core_text_check_tokens(core_text_parser *p, const sx_node *n);
/* Is the atom a token of the grammar (the check above, for one atom)? */
bool core_text_token_ok(const sx_node *n);

#endif
