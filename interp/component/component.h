/* component.h -- the in-memory component (Explainer.md "Component
 * Definitions" ff.; normalized as Binary.md encodes it).
 *
 * This is the contract between the component text parser (text*.c), the
 * component binary decoder, the validator and instantiation.  It is the
 * *normalized* form: every abbreviation of the text format is already
 * expanded and every $id resolved to an index, so that text and binary
 * produce the same structure:
 *  - a component is one ordered list of definitions (Binary.md's sections
 *    flattened), in the order they add to the 13 index spaces;
 *  - inline exports, inline imports, inline aliases (`(func $i "f")`),
 *    inverted aliases/canons (`(core func $f (canon lower ...))`), implicit
 *    outer aliases (a $id of an enclosing scope) and inline type
 *    expressions (`(list u8)` where a valtype goes, `(func (param ...))`
 *    where a type use goes) are separate definitions placed just before the
 *    definition that uses them;
 *  - value types are comp_valtype: a primitive or a type index, exactly as
 *    in the binary format.  They stay syntactic (indices, not canon_type
 *    pointers) because their meaning -- resource types above all -- is
 *    only known to the validator; it builds the canon_type (canon/types.h)
 *    of each defined value type and stores it in the "[validator]" slot.
 * Every node records its source position for the validator's messages.
 * Everything is malloc'ed and owned by the component (comp_component_free).
 */
#ifndef COMP_COMPONENT_H
#define COMP_COMPONENT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../canon/context.h"
#include "../../canon/types.h"
#include "../core/module.h"

/* Where a node came from: file:line:col in text, a byte offset in binary. */
typedef struct comp_pos {
  const char *file; /* not owned; NULL when unknown */
  uint32_t line, col; /* 1-based; 0 when unknown */
  int64_t offset;     /* binary byte offset; -1 when unknown */
} comp_pos;

/* The 13 index spaces (Explainer.md "Index Spaces"), by name. */
typedef enum comp_sort {
  COMP_SORT_CORE_FUNC,
  COMP_SORT_CORE_TABLE,
  COMP_SORT_CORE_MEMORY,
  COMP_SORT_CORE_GLOBAL,
  COMP_SORT_CORE_TAG,
  COMP_SORT_CORE_TYPE,
  COMP_SORT_CORE_MODULE,
  COMP_SORT_CORE_INSTANCE,
  COMP_SORT_FUNC,
  COMP_SORT_VALUE,
  COMP_SORT_TYPE,
  COMP_SORT_COMPONENT,
  COMP_SORT_INSTANCE,
  COMP_NSORTS
} comp_sort;

bool comp_sort_is_core(comp_sort s);
/* "core func", "func", "core module", ... as written in the text format. */
const char *comp_sort_name(comp_sort s);
/* The Binary.md byte of a sort: for a core sort its core:sort byte
 * (0x00..0x04, 0x10..0x12; a `sort` then writes 0x00 before it), else the
 * sort byte (0x01..0x05). */
uint8_t comp_sort_code(comp_sort s);

/* (sort idx) */
typedef struct comp_sortidx {
  comp_sort sort;
  uint32_t idx;
  comp_pos pos;
} comp_sortidx;

/* ---- names -------------------------------------------------------------- */

/* An import/export name with its attributes (Binary.md "nameattributes").
 * Kept as written: checking externname syntax and uniqueness is the
 * validator's job. */
typedef struct comp_externname {
  core_name name;
  bool has_implements, has_versionsuffix, has_external_id;
  core_name implements;    /* (implements "...") */
  core_name versionsuffix; /* (versionsuffix "...") */
  core_name external_id;   /* (external-id "...") */
  /* Binary only: the binary format can give an attribute twice, which is
   * a validation error ("duplicate 'implements' option in name"): the
   * first value is kept and this names the repeated kind ("implements",
   * "versionsuffix", "external-id"; a static string), else NULL. */
  const char *duplicate_attribute;
  comp_pos pos;
} comp_externname;

/* ---- types ---------------------------------------------------------------- */

/* valtype ::= typeidx | primvaltype */
typedef struct comp_valtype {
  bool is_index;
  canon_kind prim; /* !is_index: CANON_BOOL .. CANON_STRING, or
                      CANON_ERROR_CONTEXT */
  uint32_t idx;    /* is_index: a type index */
} comp_valtype;

/* A record field, variant case, tuple element, flag or enum label, or
 * function parameter.  Tuple elements have no label; flags and enum labels
 * have no type. */
typedef struct comp_field {
  core_name label;
  bool has_type;
  comp_valtype type;
  comp_pos pos;
} comp_field;

/* defvaltype: kind is a canon_kind, the same constructors as canon/types.h.
 * Empty records, variants, ... are kept: rejecting them is validation. */
typedef struct comp_defvaltype {
  canon_kind kind;
  comp_field *fields; /* record, variant, tuple, flags, enum */
  uint32_t nfields;
  /* list, option, stream, future: a (stream/future: if has_a);
   * result: ok = a (if has_a), error = b (if has_b); map: key a, value b */
  bool has_a, has_b;
  comp_valtype a, b;
  bool fixed;      /* list<T, N> */
  uint32_t length; /* N */
  uint32_t idx;    /* own, borrow: the resource type index */
} comp_defvaltype;

/* functype: (func async? (param "l" t)* (result t)?) */
typedef struct comp_functype {
  bool async;
  comp_field *params;
  uint32_t nparams;
  bool has_result;
  comp_valtype result;
} comp_functype;

/* resourcetype: (resource (rep i32|i64) (dtor f)?) */
typedef struct comp_resourcetype {
  core_valtype rep;
  bool has_dtor;
  uint32_t dtor; /* core funcidx */
} comp_resourcetype;

/* externtype: what an import/export declares, or an export's ascription. */
typedef struct comp_externtype {
  comp_sort sort;   /* CORE_MODULE, FUNC, VALUE, TYPE, COMPONENT, INSTANCE */
  uint32_t idx;     /* core module: core typeidx; func, component,
                       instance: typeidx; type (eq i): i; value (eq i): i */
  bool sub_resource;  /* type: (sub resource) instead of (eq idx) */
  bool value_is_type; /* value: a valtype bound instead of (eq idx) */
  comp_valtype value_type;
  comp_pos pos;
} comp_externtype;

typedef struct comp_type comp_type;
typedef struct comp_core_type comp_core_type;

typedef enum comp_aliaskind {
  COMP_ALIAS_EXPORT,      /* (alias export i "n" (sort)) */
  COMP_ALIAS_CORE_EXPORT, /* (alias core export i "n" (core sort)) */
  COMP_ALIAS_OUTER,       /* (alias outer ct idx (sort)) */
} comp_aliaskind;

typedef struct comp_alias {
  comp_aliaskind kind;
  comp_sort sort;     /* what the alias adds to */
  uint32_t instance;  /* EXPORT: instanceidx; CORE_EXPORT: core instanceidx */
  core_name name;     /* EXPORT, CORE_EXPORT */
  uint32_t outer_count, outer_idx; /* OUTER */
} comp_alias;

/* Declarators of component and instance types (Explainer.md
 * "Declarators"); IMPORT only in component types. */
typedef enum comp_declkind {
  COMP_DECL_CORE_TYPE,
  COMP_DECL_TYPE,
  COMP_DECL_ALIAS,
  COMP_DECL_IMPORT,
  COMP_DECL_EXPORT,
} comp_declkind;

typedef struct comp_decl {
  comp_declkind kind;
  comp_pos pos;
  char *id;                 /* the $id bound (without $), or NULL */
  comp_core_type *core_type; /* CORE_TYPE */
  comp_type *type;           /* TYPE */
  comp_alias alias;          /* ALIAS */
  comp_externname name;      /* IMPORT, EXPORT */
  comp_externtype ext;       /* IMPORT, EXPORT */
} comp_decl;

typedef enum comp_typekind {
  COMP_TYPE_VAL,       /* a defvaltype */
  COMP_TYPE_FUNC,
  COMP_TYPE_COMPONENT,
  COMP_TYPE_INSTANCE,
  COMP_TYPE_RESOURCE,
} comp_typekind;

struct comp_type {
  comp_typekind kind;
  comp_pos pos;
  comp_defvaltype val;     /* VAL */
  comp_functype func;      /* FUNC */
  comp_resourcetype resource; /* RESOURCE */
  comp_decl *decls;        /* COMPONENT, INSTANCE */
  uint32_t ndecls;
  /* [validator] the value type this defines (VAL only), when built */
  const canon_type *resolved;
};

/* ---- core types (Binary.md core:type) ------------------------------------ */

/* core:moduledecl */
typedef enum comp_core_declkind {
  COMP_CORE_DECL_IMPORT, /* import: module, name, type */
  COMP_CORE_DECL_TYPE,   /* type */
  COMP_CORE_DECL_ALIAS,  /* (alias outer ct idx (type)) */
  COMP_CORE_DECL_EXPORT, /* import.name and type; import.module is empty */
} comp_core_declkind;

typedef struct comp_core_decl {
  comp_core_declkind kind;
  comp_pos pos;
  core_import import;     /* IMPORT, EXPORT (desc.func/desc.tag: typeidx
                             in the module type's own type index space) */
  comp_core_type *type;   /* TYPE */
  uint32_t outer_count, outer_idx; /* ALIAS */
} comp_core_decl;

typedef enum comp_core_typekind {
  COMP_CORE_TYPE_FUNC,
  COMP_CORE_TYPE_MODULE,
} comp_core_typekind;

struct comp_core_type {
  comp_core_typekind kind;
  comp_pos pos;
  core_functype func;     /* FUNC */
  /* FUNC written as a non-final subtype with no supertypes (binary
   * `0x00 0x50 0x00 0x60 ...`, Binary.md core:deftype): GC's subtyping is
   * unsupported, so only the flag is kept. */
  bool nonfinal;
  comp_core_decl *decls;  /* MODULE */
  uint32_t ndecls;
};

/* ---- instances ---------------------------------------------------------- */

/* (with "name" (instance i)) of a core instantiate */
typedef struct comp_core_arg {
  core_name name;
  uint32_t instance; /* core instanceidx */
  comp_pos pos;
} comp_core_arg;

/* (export "name" (core sort idx)) of a core instance made of exports */
typedef struct comp_core_export {
  core_name name;
  comp_sortidx item; /* a core sort */
  comp_pos pos;
} comp_core_export;

typedef struct comp_core_instance {
  bool instantiate;       /* true: (instantiate module args); false: exports */
  uint32_t module;        /* core moduleidx */
  comp_core_arg *args;
  uint32_t nargs;
  comp_core_export *exports;
  uint32_t nexports;
} comp_core_instance;

/* (with "name" sortidx) */
typedef struct comp_arg {
  core_name name;
  comp_sortidx item;
  comp_pos pos;
} comp_arg;

/* (export "name" sortidx) of an instance made of exports */
typedef struct comp_inline_export {
  comp_externname name;
  comp_sortidx item;
} comp_inline_export;

typedef struct comp_instance {
  bool instantiate;       /* true: (instantiate component args) */
  uint32_t component;     /* componentidx */
  comp_arg *args;
  uint32_t nargs;
  comp_inline_export *exports;
  uint32_t nexports;
} comp_instance;

/* ---- canonical definitions ----------------------------------------------- */

/* Explainer.md "Canonical Definitions" and "Canonical Built-ins", in the
 * order the Explainer lists them.  LIFT adds a func; every other one adds a
 * core func. */
typedef enum comp_canonkind {
  COMP_CANON_LIFT,
  COMP_CANON_LOWER,
  COMP_CANON_RESOURCE_NEW,
  COMP_CANON_RESOURCE_DROP,
  COMP_CANON_RESOURCE_REP,
  COMP_CANON_CONTEXT_GET,
  COMP_CANON_CONTEXT_SET,
  COMP_CANON_BACKPRESSURE_INC,
  COMP_CANON_BACKPRESSURE_DEC,
  COMP_CANON_TASK_RETURN,
  COMP_CANON_TASK_CANCEL,
  COMP_CANON_WAITABLE_SET_NEW,
  COMP_CANON_WAITABLE_SET_WAIT,
  COMP_CANON_WAITABLE_SET_POLL,
  COMP_CANON_WAITABLE_SET_DROP,
  COMP_CANON_WAITABLE_JOIN,
  COMP_CANON_SUBTASK_CANCEL,
  COMP_CANON_SUBTASK_DROP,
  COMP_CANON_STREAM_NEW,
  COMP_CANON_STREAM_READ,
  COMP_CANON_STREAM_WRITE,
  COMP_CANON_STREAM_CANCEL_READ,
  COMP_CANON_STREAM_CANCEL_WRITE,
  COMP_CANON_STREAM_DROP_READABLE,
  COMP_CANON_STREAM_DROP_WRITABLE,
  COMP_CANON_FUTURE_NEW,
  COMP_CANON_FUTURE_READ,
  COMP_CANON_FUTURE_WRITE,
  COMP_CANON_FUTURE_CANCEL_READ,
  COMP_CANON_FUTURE_CANCEL_WRITE,
  COMP_CANON_FUTURE_DROP_READABLE,
  COMP_CANON_FUTURE_DROP_WRITABLE,
  COMP_CANON_THREAD_INDEX,
  COMP_CANON_THREAD_NEW_INDIRECT,
  COMP_CANON_THREAD_RESUME_LATER,
  COMP_CANON_THREAD_SUSPEND,
  COMP_CANON_THREAD_YIELD,
  COMP_CANON_THREAD_SUSPEND_THEN_RESUME,
  COMP_CANON_THREAD_YIELD_THEN_RESUME,
  COMP_CANON_THREAD_SUSPEND_THEN_PROMOTE,
  COMP_CANON_THREAD_YIELD_THEN_PROMOTE,
  COMP_CANON_ERROR_CONTEXT_NEW,
  COMP_CANON_ERROR_CONTEXT_DEBUG_MESSAGE,
  COMP_CANON_ERROR_CONTEXT_DROP,
  COMP_CANON_THREAD_SPAWN_REF,
  COMP_CANON_THREAD_SPAWN_INDIRECT,
  COMP_CANON_THREAD_AVAILABLE_PARALLELISM,
  COMP_CANON_COUNT
} comp_canonkind;

/* "lift", "resource.new", "thread.yield", ... (the text-format keyword). */
const char *comp_canon_name(comp_canonkind k);
/* What the text format writes after the keyword (for the parser and for
 * printing): the immediates of each built-in. */
enum {
  COMP_CANON_IMM_TYPEIDX = 1 << 0,     /* <typeidx> */
  COMP_CANON_IMM_OPTS = 1 << 1,        /* <canonopt>* */
  COMP_CANON_IMM_ASYNC = 1 << 2,       /* async? */
  COMP_CANON_IMM_CANCELLABLE = 1 << 3, /* cancellable? */
  COMP_CANON_IMM_MEMORY = 1 << 4,      /* (memory m) */
  COMP_CANON_IMM_CONTEXT = 1 << 5,     /* <core:valtype> <u32> */
  COMP_CANON_IMM_RESULT = 1 << 6,      /* (result <valtype>)? */
  COMP_CANON_IMM_CORE_TYPE = 1 << 7,   /* core-prefix(<core:typeidx>) */
  COMP_CANON_IMM_TABLE = 1 << 8,       /* core-prefix(<core:tableidx>) */
  COMP_CANON_IMM_SHARED = 1 << 9,      /* shared? */
};
unsigned comp_canon_immediates(comp_canonkind k);
/* Binary.md's opcode of a built-in (0xff for no kind), and the kind of an
 * opcode (false for none): one table for the decoder and the encoder.
 * lift and lower are 0x00 and 0x01, each followed by a 0x00 byte. */
uint8_t comp_canon_opcode(comp_canonkind k);
bool comp_canon_of_opcode(uint8_t op, comp_canonkind *out);

typedef enum comp_canonoptkind {
  COMP_OPT_UTF8,         /* string-encoding=utf8 */
  COMP_OPT_UTF16,        /* string-encoding=utf16 */
  COMP_OPT_LATIN1_UTF16, /* string-encoding=latin1+utf16 */
  COMP_OPT_MEMORY,       /* (memory m) */
  COMP_OPT_REALLOC,      /* (realloc f) */
  COMP_OPT_POST_RETURN,  /* (post-return f) */
  COMP_OPT_ASYNC,        /* async */
  COMP_OPT_CALLBACK,     /* (callback f) */
} comp_canonoptkind;

/* Options are kept as written, in order: duplicates and conflicts are
 * validation errors ("canonical option `realloc` is specified more than
 * once"). */
typedef struct comp_canonopt {
  comp_canonoptkind kind;
  uint32_t idx; /* MEMORY: core memidx; REALLOC, POST_RETURN, CALLBACK:
                   core funcidx */
  comp_pos pos;
} comp_canonopt;

typedef struct comp_canon {
  comp_canonkind kind;
  uint32_t func;        /* LIFT: core funcidx; LOWER: funcidx */
  uint32_t type;        /* LIFT: the functype's typeidx; resource.*,
                           stream.*, future.*: the type operand */
  comp_canonopt *opts;  /* LIFT, LOWER, TASK_RETURN, stream/future read and
                           write, error-context new/debug-message */
  uint32_t nopts;
  bool async;           /* subtask.cancel, {stream,future}.cancel-* */
  bool cancellable;     /* waitable-set.wait/poll, thread.suspend/yield... */
  bool shared;          /* thread.spawn-*, thread.available-parallelism */
  uint32_t memory;      /* waitable-set.wait/poll: core memidx */
  core_valtype ctx_type; /* context.get/set */
  uint32_t ctx_index;
  bool has_result;      /* task.return */
  comp_valtype result;
  uint32_t core_type;   /* thread.new-indirect, thread.spawn-*: core typeidx */
  uint32_t table;       /* thread.new-indirect, thread.spawn-indirect */
} comp_canon;

/* ---- start, imports, exports, values ---------------------------------- */

typedef struct comp_start {
  uint32_t func;
  uint32_t *args; /* valueidx */
  uint32_t nargs;
  uint32_t nresults;
} comp_start;

typedef struct comp_import {
  comp_externname name;
  comp_externtype type;
} comp_import;

typedef struct comp_export {
  comp_externname name;
  comp_sortidx item;
  bool has_type; /* an ascribed type */
  comp_externtype type;
} comp_export;

/* 🪙 (value t v): the value in its Binary.md encoding val(t). */
typedef struct comp_value {
  comp_valtype type;
  uint8_t *bytes;
  uint32_t len;
} comp_value;

/* ---- the component --------------------------------------------------------- */

typedef struct comp_component comp_component;

typedef enum comp_defkind {
  COMP_DEF_CORE_MODULE,
  COMP_DEF_CORE_INSTANCE,
  COMP_DEF_CORE_TYPE,
  COMP_DEF_COMPONENT,
  COMP_DEF_INSTANCE,
  COMP_DEF_ALIAS,
  COMP_DEF_TYPE,
  COMP_DEF_CANON,
  COMP_DEF_START,
  COMP_DEF_IMPORT,
  COMP_DEF_EXPORT,
  COMP_DEF_VALUE,
} comp_defkind;

typedef struct comp_def {
  comp_defkind kind;
  comp_pos pos;
  char *id; /* the $id this definition binds (without $), or NULL; kept for
               messages and traces only */
  union {
    core_module *core_module;          /* CORE_MODULE */
    comp_core_instance core_instance;  /* CORE_INSTANCE */
    comp_core_type *core_type;         /* CORE_TYPE */
    comp_component *component;         /* COMPONENT */
    comp_instance instance;            /* INSTANCE */
    comp_alias alias;                  /* ALIAS */
    comp_type *type;                   /* TYPE */
    comp_canon canon;                  /* CANON */
    comp_start start;                  /* START */
    comp_import import;                /* IMPORT */
    comp_export export_;               /* EXPORT */
    comp_value value;                  /* VALUE */
  } u;
} comp_def;

struct comp_component {
  comp_pos pos;
  char *id; /* $id of the component (without $), or NULL */
  comp_def *defs;
  uint32_t ndefs;
  /* [validator] the type of every index-space item (validate.h); NULL
   * until comp_validate succeeds. */
  struct comp_vinfo *vinfo;
  /* [validator] owned by the top-level component: the validation's
   * storage (canon types, ...), freed by comp_component_free. */
  void *vstate;
};

comp_component *comp_component_new(void);
void comp_component_free(comp_component *c);
comp_type *comp_type_new(comp_typekind kind);
void comp_type_free(comp_type *t);
comp_core_type *comp_core_type_new(comp_core_typekind kind);
void comp_core_type_free(comp_core_type *t);
void comp_def_clear(comp_def *d);  /* frees what d owns */
void comp_decl_clear(comp_decl *d);
void comp_core_decl_clear(comp_core_decl *d);
void comp_externname_clear(comp_externname *n);

/* The index space a definition adds to, and how many entries it adds
 * (start adds nresults values; every other definition adds one). */
comp_sort comp_def_sort(const comp_def *d);
uint32_t comp_def_count(const comp_def *d);
/* The same for declarators of component/instance types (core type: core
 * type; type: type; alias: its sort; import/export: the externtype's sort). */
comp_sort comp_decl_sort(const comp_decl *d);

/* The core value type of a flattened type (canon/ flattens to i32, i64,
 * f32 and f64, the core types of the same names). */
static inline core_valtype comp_core_of_flat(canon_flat f) {
  switch (f) {
  case CANON_FLAT_I64: return CORE_I64;
  case CANON_FLAT_F32: return CORE_F32;
  case CANON_FLAT_F64: return CORE_F64;
  default: return CORE_I32;
  }
}

#endif
