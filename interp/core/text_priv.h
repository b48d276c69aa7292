/* text_priv.h -- internals shared by the files of the core text parser
 * (text.c: modules and fields; text_instr.c: instructions and expressions;
 * text_keywords.c: the spec's keyword set).  Not a public API. */
#ifndef CORE_TEXT_PRIV_H
#define CORE_TEXT_PRIV_H

#include "../text/sexpr.h"
#include "module.h"
#include "../util/nameset.h"

/* Index spaces with symbolic names (locals and labels are per function). */
enum {
  TP_TYPE,
  TP_FUNC,
  TP_TABLE,
  TP_MEM,
  TP_GLOBAL,
  TP_TAG,
  TP_ELEM,
  TP_DATA,
  TP_NSPACES
};

/* A map from $names (the decoded bytes of SX_ID nodes) to indices. */
/* Deepest nesting of flat block instructions the parser accepts. */
#define TP_MAX_FLAT_NESTING 3000

typedef struct tp_names {
  const sx_node **keys; /* open addressing; NULL = free */
  uint32_t *vals;
  uint32_t cap, count;
} tp_names;

/* The parser state of one module. */
typedef struct tp {
  cm_error *err;
  core_module *m;
  uint32_t cap_types, cap_imports, cap_exports, cap_elems, cap_datas;
  uint32_t cap_tables, cap_mems, cap_globals;
  tp_names names[TP_NSPACES];
  uint32_t count[TP_NSPACES]; /* indices bound so far */
  /* address type of each memory and table index (pass 1) */
  bool *mem64, *table64;
  uint32_t cap_mem64, cap_table64;
  /* the function being parsed */
  tp_names locals;
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
  /* m->types[0..types_indexed) by structure (tp_functype_index): an
   * inline type use finds its index in O(1), not by a scan */
  cm_nameset type_ix;
  uint32_t types_indexed;
  char **type_keys; /* the keys' bytes, owned */
  uint32_t ntype_keys, cap_type_keys;
} tp;

/* Appends one zeroed element to a module array; NULL when out of memory. */
#define TP_APPEND(p, arr, n, cap)                                              \
  ((arr = tp_grow(p, arr, &(cap), n, sizeof *(arr))) ? &(arr)[(n)++] : NULL)

/* items[i] of a list, or NULL past its end (where "unexpected token" is
 * reported at the end of the list). */
static inline const sx_node *tp_item(const sx_node *form, size_t i) {
  return i < form->n ? form->items[i] : NULL;
}

/* ---- text_types.c ---- */
extern const char *const tp_space_names[TP_NSPACES]; /* "function", ... */
bool tp_fail(tp *p, const sx_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool tp_unsupported(tp *p, const sx_node *at, const char *feature);
/* "unknown operator X" for a token that is no token of the grammar,
 * "unexpected token" otherwise (n NULL: missing, reported at `at`). */
bool tp_unexpected(tp *p, const sx_node *n, const sx_node *at);
/* A list of exactly n items; else its first extra item is unexpected, or
 * its end when it is short. */
bool tp_arity(tp *p, const sx_node *form, size_t n);
/* The head of an import or export description d in form: (func ...),
 * (table ...), (memory ...), (global ...) or (tag ...). */
bool tp_extern_desc(tp *p, const sx_node *d, const sx_node *form,
                    int *space, core_externkind *kind);
void *tp_grow(tp *p, void *arr, uint32_t *cap, uint32_t n, size_t elsize);
bool tp_lookup(tp *p, tp_names *names, const sx_node *id, const char *what,
               uint32_t *out);
bool tp_bind(tp *p, tp_names *names, const sx_node *id, const char *what,
             uint32_t idx);
void tp_names_free(tp_names *names);
/* An index: a u32 literal or a $name of index space `space`. */
bool tp_index(tp *p, int space, const sx_node *n, const sx_node *at,
              uint32_t *out);
bool tp_is_index(const sx_node *n);
/* A nat token (digits, or 0x and hex digits), of any size. */
bool tp_is_nat(const sx_node *n);
bool tp_valtype(tp *p, const sx_node *n, core_valtype *out);
bool tp_reftype(tp *p, const sx_node *n, core_valtype *out);
/* The heap type ht of (ref null? ht) and of ref.null ht: only the
 * nullable func, extern and exn of Wasm 2.0 and exceptions. */
bool tp_heaptype(tp *p, const sx_node *n, const sx_node *at, bool null,
                 core_valtype *out);
/* The index of a function type equal to ft, appending one (a copy) if
 * there is none (the spec's rule for inline type uses). */
bool tp_functype_index(tp *p, const core_functype *ft, uint32_t *out);
/* (param t*)* (result t*)* at items[*i...]: accumulates into ft (which
 * owns malloc'ed arrays).  allow_names: (param $x t) is allowed;
 * bind_locals: params become the function's first locals. */
bool tp_functype_lists(tp *p, const sx_node *form, size_t *i, core_functype *ft,
                       bool allow_names, bool bind_locals);
/* A type use: (type x)? (param ...)* (result ...)*.  Sets *idx. */
bool tp_typeuse(tp *p, const sx_node *form, size_t *i, bool allow_names,
                bool bind_locals, uint32_t *idx);
/* The two halves of tp_typeuse, for block types, which have short forms:
 * reading (type x)? (*tnode NULL if absent) and the lists into ft; then
 * checking them against each other, or finding (appending) ft's index. */
bool tp_typeuse_parts(tp *p, const sx_node *form, size_t *i,
                      bool allow_names, bool bind_locals,
                      const sx_node **tnode, uint32_t *x, core_functype *ft);
bool tp_typeuse_resolve(tp *p, const sx_node *tnode, uint32_t x,
                        const core_functype *ft, bool bind_locals,
                        uint32_t *idx);
void tp_functype_free(core_functype *ft);
bool tp_push_valtype(tp *p, core_valtype **arr, uint32_t *n, core_valtype t);
/* Binds a named param or local at the next local index. */
bool tp_bind_local(tp *p, const sx_node *id);
/* A name (string) of an import or export: well-formed UTF-8. */
bool tp_check_name(tp *p, const sx_node *s);
bool tp_copy_name(tp *p, const sx_node *s, core_name *out);
/* funcref, (ref null func), ...: a reference type rather than an
 * offset or element expression. */
bool tp_is_reftype(const sx_node *n);

/* ---- text.c ---- */
/* Counts the bytes of the strings items[i..] (all must be strings). */
bool tp_data_strings(tp *p, const sx_node *form, size_t i, size_t *len);

/* ---- text_fields.c ---- */
bool tp_add_export(tp *p, const sx_node *name, core_externkind kind,
                   uint32_t idx);
bool tp_export_field(tp *p, const sx_node *form);
bool tp_start_field(tp *p, const sx_node *form);
bool tp_elem_field(tp *p, const sx_node *form);
bool tp_data_field(tp *p, const sx_node *form);
/* A type use that must be all that is left of the form (imports, tags). */
bool tp_typeuse_only(tp *p, const sx_node *form, size_t i, uint32_t *idx);
/* Type use, params, locals and body of a function definition. */
bool tp_func_body(tp *p, const sx_node *form, size_t i, core_func *fn);
/* `i32.const 0` or `i64.const 0`: the offset of inline segments. */
bool tp_zero_offset(tp *p, bool is64, core_expr *e);
core_elem *tp_new_elem(tp *p);
/* Element items from form->items[i..]: function indices or expressions. */
bool tp_elem_items(tp *p, const sx_node *form, size_t i, bool exprs,
                   core_elem *e);
/* ---- text_instr.c ---- */
/* Parses instructions form->items[*i..] up to the end of the list. */
bool tp_instrs(tp *p, const sx_node *form, size_t *i);
/* Moves the instructions built so far, plus a final END, into *e. */
bool tp_take_expr(tp *p, core_expr *e);
/* A constant expression: the instructions in form->items[i..]. */
bool tp_const_expr(tp *p, const sx_node *form, size_t i, core_expr *e);
/* A single folded instruction as an expression (offset/item sugar). */
bool tp_folded_expr(tp *p, const sx_node *expr, core_expr *e);
bool tp_emit(tp *p, core_opcode op, uint32_t idx, uint32_t idx2, uint64_t imm);
void tp_reset_expr(tp *p);

/* ---- text_keywords.c ---- */
typedef enum tp_kwclass {
  TP_KW_UNKNOWN,     /* no keyword of the text format */
  TP_KW_INSTR,       /* an instruction cmref supports: *op set */
  TP_KW_UNSUPPORTED, /* valid, but of an unsupported feature: *feature */
  TP_KW_OTHER,       /* any other keyword of the grammar */
} tp_kwclass;
tp_kwclass tp_keyword(const char *s, size_t len, core_opcode *op,
                      const char **feature);
/* Checks every atom of a module form as the spec's lexer would: reserved
 * tokens, malformed numbers and unknown keywords are "unknown operator". */
bool tp_check_tokens(tp *p, const sx_node *n);
/* Is the atom a token of the grammar (the check above, for one atom)? */
bool tp_token_ok(const sx_node *n);

#endif
