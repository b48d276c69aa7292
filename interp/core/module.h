/* module.h -- the in-memory core wasm module (core spec, "Structure").
 *
 * This is the contract between the text parser (text.c), the binary decoder
 * (binary.c), the validator (validate.c) and the executor (exec.c): both front
 * ends produce exactly this, the validator checks it and fills in the
 * "[validator]" fields, and the executor runs it.  Everything a module owns is
 * malloc'ed and freed by core_module_free().
 */
#ifndef CORE_MODULE_H
#define CORE_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, by their binary encoding. */
typedef enum core_valtype {
  CORE_I32 = 0x7F,
  CORE_I64 = 0x7E,
  CORE_F32 = 0x7D,
  CORE_F64 = 0x7C,
  CORE_V128 = 0x7B, /* decoded only to be refused: SIMD is unsupported */
  CORE_FUNCREF = 0x70,
  CORE_EXTERNREF = 0x6F,
  CORE_EXNREF = 0x69,
} core_valtype;

bool core_is_reftype(core_valtype t);
const char *core_valtype_name(core_valtype t); /* "i32", "funcref", ... */

/* A name or byte string: may hold any bytes, NUL included. */
typedef struct core_name {
  char *s; /* NUL-terminated copy for convenience; len is authoritative */
  uint32_t len;
} core_name;

typedef struct core_functype {
  uint32_t nparams, nresults;
  core_valtype *params;  /* nparams */
  core_valtype *results; /* nresults */
} core_functype;

typedef struct core_limits {
  uint64_t min, max;
  bool has_max;
  bool is64;   /* memory64 / table64: addresses are i64 */
  bool shared; /* threads: refused by the validator as unsupported */
} core_limits;

typedef struct core_tabletype {
  core_valtype elem; /* a reference type */
  core_limits limits;
} core_tabletype;

typedef struct core_memtype {
  core_limits limits; /* in 64 KiB pages */
} core_memtype;

typedef struct core_globaltype {
  core_valtype type;
  bool mut;
} core_globaltype;

typedef enum core_externkind {
  CORE_EXTERN_FUNC = 0,
  CORE_EXTERN_TABLE = 1,
  CORE_EXTERN_MEMORY = 2,
  CORE_EXTERN_GLOBAL = 3,
  CORE_EXTERN_TAG = 4,
} core_externkind;

/* ---- instructions ------------------------------------------------------ */

typedef enum core_opcode {
#define OP(e, name, prefix, code, imm, sig) CORE_OP_##e,
#include "opcodes.def"
#undef OP
  CORE_OP_COUNT
} core_opcode;

typedef enum core_immkind {
  CORE_IMM_NONE,
  CORE_IMM_BLOCK,         /* bt_kind + imm */
  CORE_IMM_LABEL,         /* idx = label depth */
  CORE_IMM_BR_TABLE,      /* idx = first entry in expr.labels, idx2 = count
                             (the default label is the last entry) */
  CORE_IMM_FUNC,          /* idx = funcidx */
  CORE_IMM_CALL_INDIRECT, /* idx = typeidx, idx2 = tableidx */
  CORE_IMM_LOCAL,         /* idx = localidx */
  CORE_IMM_GLOBAL,        /* idx = globalidx */
  CORE_IMM_TABLE,         /* idx = tableidx */
  CORE_IMM_MEMARG,        /* idx = memidx, align = log2(alignment), imm = offset */
  CORE_IMM_MEM,           /* idx = memidx */
  CORE_IMM_I32,           /* imm = the 32 bits (zero-extended) */
  CORE_IMM_I64,           /* imm = the 64 bits */
  CORE_IMM_F32,           /* imm = the 32 bits of the float (zero-extended) */
  CORE_IMM_F64,           /* imm = the 64 bits of the float */
  CORE_IMM_SELECT_T,      /* idx = number of types (must be 1), imm = valtype */
  CORE_IMM_REFNULL,       /* imm = the reference type (CORE_FUNCREF, ...) */
  CORE_IMM_TABLE_COPY,    /* idx = destination table, idx2 = source table */
  CORE_IMM_TABLE_INIT,    /* idx = elemidx, idx2 = tableidx */
  CORE_IMM_ELEM,          /* idx = elemidx */
  CORE_IMM_MEM_INIT,      /* idx = dataidx, idx2 = memidx */
  CORE_IMM_DATA,          /* idx = dataidx */
  CORE_IMM_MEM_COPY,      /* idx = destination memory, idx2 = source memory */
  CORE_IMM_TAG,           /* idx = tagidx */
  CORE_IMM_TRY_TABLE,     /* bt_kind + imm; idx = first catch in expr.labels,
                             idx2 = number of catches */
} core_immkind;

/* Block types (bt_kind) */
enum {
  CORE_BT_EMPTY = 0, /* [] -> [] */
  CORE_BT_VAL = 1,   /* [] -> [imm as core_valtype] */
  CORE_BT_TYPE = 2,  /* imm = a type index */
};

/* One instruction.  Parser/decoder fill op, bt_kind, align, idx, idx2, imm
 * as the table above says.  The validator fills target/height/arity:
 *
 *  BLOCK, LOOP   target = pc of the matching END
 *  IF            target = pc to go to when the condition is false: the pc
 *                just after the matching ELSE, or the pc of the END
 *                when there is no ELSE
 *  ELSE          target = pc of the matching END (reached at the end of
 *                the then-arm: jump there)
 *  TRY_TABLE     target = pc of the matching END
 *  BR, BR_IF     target = pc to continue at (a LOOP's own pc + 1 for a
 *                loop label, the END's pc + 1 for other blocks; for the
 *                function's outermost label, the final END's pc, which
 *                returns), height = operand-stack height of the label,
 *                arity = number of values the branch carries
 *  CALL etc.     nothing.
 *
 * "Operand-stack height" counts the operand values of the current function
 * activation only (not its locals), as the validator sees them: the height
 * at the label is the height at block entry minus the block's params.  A
 * branch keeps its top `arity` values, drops down to `height`, and puts the
 * kept values back on top.  Code after unreachable/br/return is validated
 * but its heights are meaningless; it never runs.
 */
typedef struct core_instr {
  uint16_t op;     /* core_opcode */
  uint8_t bt_kind; /* CORE_BT_* for BLOCK/LOOP/IF/TRY_TABLE */
  uint8_t align;   /* log2 of the memarg alignment */
  uint32_t idx;
  uint32_t idx2;
  uint32_t target; /* [validator] */
  uint32_t height; /* [validator] */
  uint32_t arity;  /* [validator] */
  uint64_t imm;
} core_instr;

/* Catch clause kinds of try_table, by binary encoding. */
enum {
  CORE_CATCH = 0,         /* catch tag label */
  CORE_CATCH_REF = 1,     /* catch_ref tag label */
  CORE_CATCH_ALL = 2,     /* catch_all label */
  CORE_CATCH_ALL_REF = 3, /* catch_all_ref label */
};

/* An entry of a br_table or a catch clause of a try_table. */
typedef struct core_label {
  uint32_t depth;      /* label index as written */
  uint8_t catch_kind;  /* CORE_CATCH_* (catch clauses only) */
  uint32_t tag;        /* tag index (CORE_CATCH, CORE_CATCH_REF only) */
  uint32_t target;     /* [validator] as for BR */
  uint32_t height;     /* [validator] */
  uint32_t arity;      /* [validator] */
} core_label;

/* An instruction sequence: a function body (ends with its final END) or a
 * constant expression (also ends with END). */
/* Where an instruction came from, for messages: line and column in text
 * (0 when unknown), else a byte offset in a binary (-1 when unknown). */
typedef struct core_srcpos {
  uint32_t line, col;
  int64_t offset;
} core_srcpos;

typedef struct core_expr {
  core_instr *instrs;
  uint32_t ninstrs;
  core_srcpos *pos; /* ninstrs entries, or NULL */
  core_label *labels; /* br_table entries and catch clauses */
  uint32_t nlabels;
  /* [validator] */
  uint32_t max_height; /* largest operand-stack height reached */
  uint32_t *try_pcs;   /* pcs of the TRY_TABLE instructions, in order */
  uint32_t ntry;
} core_expr;

/* ---- module fields ----------------------------------------------------- */

typedef struct core_import {
  core_name module, name;
  core_externkind kind;
  union {
    uint32_t func;          /* type index */
    core_tabletype table;
    core_memtype memory;
    core_globaltype global;
    uint32_t tag;           /* type index */
  } desc;
} core_import;

typedef struct core_export {
  core_name name;
  core_externkind kind;
  uint32_t idx;
} core_export;

typedef struct core_func {
  uint32_t type;        /* type index */
  uint32_t nlocals;     /* declared locals, params excluded */
  core_valtype *locals; /* nlocals, already expanded from (count, type) */
  core_expr body;
} core_func;

typedef struct core_global {
  core_globaltype type;
  core_expr init;
} core_global;

typedef enum core_segmode {
  CORE_SEG_ACTIVE,
  CORE_SEG_PASSIVE,
  CORE_SEG_DECLARATIVE, /* element segments only */
} core_segmode;

typedef struct core_elem {
  core_segmode mode;
  uint32_t table;     /* active only */
  core_expr offset;   /* active only */
  core_valtype type;  /* reference type of the items */
  uint32_t nitems;
  core_expr *items;   /* each a constant expression; a bare function index
                         (binary flags 0..3, text `func $f ...`) is stored as
                         the expression `ref.func idx; end` */
} core_elem;

typedef struct core_data {
  core_segmode mode;
  uint32_t memory;    /* active only */
  core_expr offset;   /* active only */
  uint8_t *bytes;
  uint32_t len;
} core_data;

/* Index spaces list imports first: function index i < nfunc_imports is the
 * i-th function import, otherwise funcs[i - nfunc_imports]; likewise for
 * tables, memories, globals and tags.  The counters below are derived by the
 * producer of the module from `imports` (core_module_count_imports). */
typedef struct core_module {
  core_functype *types;   uint32_t ntypes;
  core_import *imports;   uint32_t nimports;
  core_func *funcs;       uint32_t nfuncs;
  core_tabletype *tables; uint32_t ntables;
  core_memtype *mems;     uint32_t nmems;
  core_global *globals;   uint32_t nglobals;
  uint32_t *tags;         uint32_t ntags;   /* type index of each tag */
  core_export *exports;   uint32_t nexports;
  bool has_start;         uint32_t start;
  core_elem *elems;       uint32_t nelems;
  core_data *datas;       uint32_t ndatas;
  bool has_datacount;     uint32_t datacount;
  /* derived from imports */
  uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports,
      ntag_imports;
  /* [validator] set by core_validate: funcidx that may appear in ref.func
   * in function bodies ("declared" references), one flag per function. */
  bool *func_declared;
  bool validated;
} core_module;

core_module *core_module_new(void);
void core_module_free(core_module *m);
void core_module_count_imports(core_module *m);

/* Index-space lookups over imports and definitions (indices must be valid). */
const core_functype *core_module_func_type(const core_module *m, uint32_t funcidx);
const core_tabletype *core_module_table_type(const core_module *m, uint32_t tableidx);
const core_memtype *core_module_mem_type(const core_module *m, uint32_t memidx);
const core_globaltype *core_module_global_type(const core_module *m, uint32_t globalidx);
uint32_t core_module_tag_typeidx(const core_module *m, uint32_t tagidx);
uint32_t core_module_nfuncs_total(const core_module *m);
uint32_t core_module_ntables_total(const core_module *m);
uint32_t core_module_nmems_total(const core_module *m);
uint32_t core_module_nglobals_total(const core_module *m);
uint32_t core_module_ntags_total(const core_module *m);
/* Whether a function body uses a data index (memory.init, data.drop): the
 * binary form then needs a data count section. */
bool core_module_uses_dataidx(const core_module *m);

/* Static information about an opcode, from opcodes.def. */
typedef struct core_opinfo {
  const char *name;
  uint8_t prefix; /* 0 or 0xFC */
  uint32_t code;
  core_immkind imm;
  const char *sig; /* "" when typed by hand */
} core_opinfo;
extern const core_opinfo core_opinfo_table[CORE_OP_COUNT];

bool core_functype_equal(const core_functype *a, const core_functype *b);
/* ft as bytes, the two counts then the value types: equal types give equal
 * keys (a hash key for the text parsers' type indexes).  malloc'd; NULL
 * when out of memory. */
char *core_functype_key(const core_functype *ft, size_t *len);

#endif
