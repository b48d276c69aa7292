/* binary.c -- the core binary format decoder (core spec "Binary Format").
 *
 * Reads a whole .wasm module into a core_module.  The shape follows the
 * spec interpreter's decoder so that malformed input fails with the same
 * words at the same place: reads are bounded by the end of the input, not
 * of the current section, and a section (or function body) whose contents
 * end elsewhere than its declared size says "section size mismatch"; a
 * count or length larger than the bytes left says "length out of bounds"
 * before anything is allocated, so hostile sizes cannot allocate much.
 *
 * Errors are recorded once in a cm_error (the first wins) and a sticky
 * flag makes every later read return zero, so the code reads straight down
 * and checks the flag at loop heads and before using what it read.
 *
 * Where Wasm 2.0 and the proposals we support disagree on an encoding,
 * the decoder keeps both readings apart: a memory index immediate
 * (memory.size/grow/init/copy/fill) or the memarg "memory index follows"
 * bit only has the multi-memory meaning in modules with more than one
 * memory; with at most one memory any index other than 0 is invalid
 * anyway, and reading 2.0's reserved zero byte there keeps 2.0's
 * "zero byte expected" / "malformed memop flags" for non-canonical forms.
 */
#include "binary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "../util/reader.h"
#include "../util/utf8.h"
#include "validate.h"

/* Implementation limits on locals: they are stored expanded, so a few
 * bytes of input could otherwise ask for gigabytes. */
#define MAX_FUNC_LOCALS 50000u
#define MAX_MODULE_LOCALS (1u << 24)

typedef struct rd {
  cm_reader in;       /* reads are bounded by the end of the input */
  core_module *m;
  bool uses_dataidx;  /* memory.init or data.drop seen in a function body */
  uint64_t nlocals;   /* locals of the whole module so far */
  bool threads;       /* limits flag bit 1 means "shared" (threads) */
} rd;

/* ---- errors ------------------------------------------------------------ */

#define fail_kind(r, pos, ...) cm_rd_fail(&(r)->in, pos, __VA_ARGS__)
#define fail(r, pos, ...) fail_kind(r, pos, CM_MALFORMED, __VA_ARGS__)

static void unsupported(rd *r, size_t pos, const char *feature) {
  fail_kind(r, pos, CM_UNSUPPORTED, "unsupported feature: %s", feature);
}

/* ---- bytes and integers (util/reader.h) -------------------------------- */

static uint64_t word(rd *r, unsigned nbytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < nbytes; i++)
    v |= (uint64_t)cm_rd_byte(&r->in) << (8 * i);
  return v;
}

static void zero_byte(rd *r) {
  size_t at = r->in.pos;
  if (cm_rd_byte(&r->in) != 0) fail(r, at, "zero byte expected");
}

/* ---- names ------------------------------------------------------------- */

/* Reads a name; with out == NULL it is only checked (custom sections). */
static void name(rd *r, core_name *out) {
  uint32_t n;
  char *s = cm_rd_name(&r->in, &n, out != NULL);
  if (s) *out = (core_name){s, n};
}

/* ---- types ------------------------------------------------------------- */

/* GC's abbreviated reference types and type constructors. */
static bool is_gc_type_byte(int b) {
  return (b >= 0x6A && b <= 0x6E) || (b >= 0x71 && b <= 0x74) ||
         b == 0x4E || b == 0x4F || b == 0x50 || b == 0x5E || b == 0x5F;
}

/* Refuses the type encodings of unsupported proposals; true if refused. */
static bool refuse_type_byte(rd *r, size_t at, int b) {
  if (b == CORE_V128) unsupported(r, at, "simd");
  else if (b == 0x63 || b == 0x64) unsupported(r, at, "function-references");
  else if (is_gc_type_byte(b)) unsupported(r, at, "gc");
  else return false;
  return true;
}

/* Types are s7 LEBs in the spec: a continuation bit means a 2-byte s7. */
static bool type_byte(rd *r, uint8_t *b) {
  *b = cm_rd_byte(&r->in);
  if (r->in.bad) return false;
  if (*b & 0x80) {
    fail(r, r->in.pos, "integer representation too long");
    return false;
  }
  return true;
}

static core_valtype reftype(rd *r) {
  size_t at = r->in.pos;
  uint8_t b;
  if (!type_byte(r, &b)) return 0;
  if (b == CORE_FUNCREF || b == CORE_EXTERNREF || b == CORE_EXNREF)
    return (core_valtype)b;
  if (!refuse_type_byte(r, at, b)) fail(r, at, "malformed reference type");
  return 0;
}

static core_valtype valtype(rd *r) {
  size_t at = r->in.pos;
  uint8_t b;
  if (!type_byte(r, &b)) return 0;
  switch (b) {
  case CORE_I32: case CORE_I64: case CORE_F32: case CORE_F64:
  case CORE_FUNCREF: case CORE_EXTERNREF: case CORE_EXNREF:
    return (core_valtype)b;
  }
  if (!refuse_type_byte(r, at, b)) fail(r, at, "malformed value type");
  return 0;
}

static void resulttype(rd *r, uint32_t *n, core_valtype **ts) {
  *ts = cm_rd_vec(&r->in, n, sizeof **ts);
  for (uint32_t i = 0; i < *n && !r->in.bad; i++) (*ts)[i] = valtype(r);
}

static void functype(rd *r, core_functype *ft) {
  size_t at = r->in.pos;
  uint8_t b;
  if (!type_byte(r, &b)) return;
  if (b != 0x60) {
    if (!refuse_type_byte(r, at, b)) fail(r, at, "malformed function type");
    return;
  }
  resulttype(r, &ft->nparams, &ft->params);
  resulttype(r, &ft->nresults, &ft->results);
}

/* Limits: the flags byte says whether a maximum follows (bit 0), whether
 * the memory is shared (bit 1, threads; only with that feature) and
 * whether addresses are i64 (bit 2, memory64/table64).  Bounds of i32
 * limits are u32, of i64 limits u64.  Wasm 2.0 read the flags as a u1, and
 * its tests expect that wording for bad flags.  A shared memory without a
 * maximum (0x02, 0x06) is well-formed, as in the memory64 proposal's table
 * of encodings and the threads proposal's interpreter: the validator
 * refuses it ("shared memory must have maximum"). */
void core_limits_rd(cm_reader *in, core_limits *l, bool shared_bit) {
  uint8_t flags = cm_rd_byte(in);
  if (in->bad) return;
  if (flags & 0x80) {
    cm_rd_fail(in, in->pos, CM_MALFORMED, "integer representation too long");
    return;
  }
  if (flags & ~(shared_bit ? 0x07 : 0x05)) {
    cm_rd_fail(in, in->pos - 1, CM_MALFORMED, "integer too large");
    return;
  }
  l->has_max = flags & 1;
  l->shared = flags & 2;
  l->is64 = flags & 4;
  unsigned bits = l->is64 ? 64 : 32;
  l->min = cm_rd_leb(in, bits, false);
  if (l->has_max) l->max = cm_rd_leb(in, bits, false);
}

static void limits(rd *r, core_limits *l) {
  core_limits_rd(&r->in, l, r->threads);
}

/* The threads proposal shares memories only; its interpreter reads a
 * table's limits whole before refusing the shared bit. */
static void tabletype(rd *r, core_tabletype *t) {
  t->elem = reftype(r);
  limits(r, &t->limits);
  if (!r->in.bad && t->limits.shared)
    fail(r, r->in.pos - 1, "tables cannot be shared (yet)");
}

static void globaltype(rd *r, core_globaltype *g) {
  g->type = valtype(r);
  size_t at = r->in.pos;
  uint8_t mut = cm_rd_byte(&r->in);
  if (!r->in.bad && mut > 1) fail(r, at, "malformed mutability");
  g->mut = mut == 1;
}

/* ---- instructions ------------------------------------------------------ */

/* Dense opcode for each encoding, from opcodes.def: index = opcode byte,
 * or 256 + sub-opcode for the 0xFC prefix; 0 = not supported. */
static const uint16_t op_lookup[512] = {
#define OP(e, name, prefix, code, imm, sig) \
  [((prefix) ? 256 : 0) + (code)] = CORE_OP_##e + 1,
#include "opcodes.def"
#undef OP
};

/* Opcodes of proposals cmref does not implement. */
static const char *unsupported_opcode(uint8_t b) {
  switch (b) {
  case 0x06: case 0x07: case 0x09: case 0x18: case 0x19:
    return "legacy-exceptions";
  case 0x12: case 0x13: case 0x15:
    return "tail-call";
  case 0x14: case 0xD4: case 0xD5: case 0xD6:
    return "function-references";
  case 0xD3: case 0xFB:
    return "gc";
  case 0xFD:
    return "simd";
  case 0xFE:
    return "threads";
  }
  return NULL;
}

typedef struct exprbuf {
  core_expr *e;
  uint32_t cap_instrs, cap_labels;
  size_t at; /* offset of the instruction being read */
} exprbuf;

static core_instr *emit(exprbuf *xb, core_opcode op) {
  core_expr *e = xb->e;
  if (e->ninstrs == xb->cap_instrs) {
    uint32_t cap_pos = xb->cap_instrs; /* the two grow alike */
    CANON_GROW(e->instrs, e->ninstrs, xb->cap_instrs, 16);
    CANON_GROW(e->pos, e->ninstrs, cap_pos, 16);
  }
  e->pos[e->ninstrs] = (core_srcpos){0, 0, (int64_t)xb->at};
  core_instr *in = &e->instrs[e->ninstrs++];
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  return in;
}

/* Reserves n labels (n is bounded by the input size) at *first. */
static bool add_labels(exprbuf *xb, uint64_t n, uint32_t *first) {
  core_expr *e = xb->e;
  *first = e->nlabels;
  if (n == 0) return true;
  CANON_RESERVE(e->labels, (uint64_t)e->nlabels + n, xb->cap_labels, 8);
  memset(&e->labels[e->nlabels], 0, (size_t)n * sizeof *e->labels);
  e->nlabels += (uint32_t)n;
  return true;
}

static void blocktype(rd *r, core_instr *in) {
  size_t at = r->in.pos;
  int b = cm_rd_peek(&r->in);
  if (b == 0x40) {
    r->in.pos++;
    in->bt_kind = CORE_BT_EMPTY;
    return;
  }
  switch (b) {
  case CORE_I32: case CORE_I64: case CORE_F32: case CORE_F64:
  case CORE_FUNCREF: case CORE_EXTERNREF: case CORE_EXNREF:
    r->in.pos++;
    in->bt_kind = CORE_BT_VAL;
    in->imm = (uint64_t)b;
    return;
  }
  if (b >= 0 && refuse_type_byte(r, at, b)) return;
  int64_t x = (int64_t)cm_rd_leb(&r->in, 33, true);
  if (r->in.bad) return;
  if (x < 0) {
    fail(r, at, "malformed block type");
    return;
  }
  in->bt_kind = CORE_BT_TYPE;
  in->imm = (uint64_t)x;
}

static uint32_t nmems(const rd *r) { return core_module_nmems_total(r->m); }

/* A memory index immediate: 2.0's reserved zero byte unless the module
 * has several memories (see the top of the file). */
static uint32_t memidx(rd *r) {
  if (nmems(r) <= 1) {
    zero_byte(r);
    return 0;
  }
  return cm_rd_u32(&r->in);
}

/* memarg: flags (log2 alignment in bits 0-5, bit 6 = a memory index
 * follows), [memidx], offset.  The offset is a u64 (memory64; the
 * validator bounds it for i32 memories).  Alignments of 2^32 and more are
 * malformed, as in Wasm 2.0's tests (newer suites call them invalid). */
static void memarg(rd *r, core_instr *in) {
  size_t at = r->in.pos;
  uint32_t flags = cm_rd_u32(&r->in);
  if (r->in.bad) return;
  bool has_idx = flags & 0x40;
  if (flags >= 0x80 || (flags & 0x3f) >= 32 || (has_idx && nmems(r) <= 1)) {
    fail(r, at, "malformed memop flags");
    return;
  }
  in->align = (uint8_t)(flags & 0x3f);
  in->idx = has_idx ? cm_rd_u32(&r->in) : 0;
  in->imm = cm_rd_leb(&r->in, 64, false);
}

static void catch_clause(rd *r, core_label *l) {
  size_t at = r->in.pos;
  uint8_t k = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  if (k > CORE_CATCH_ALL_REF) {
    fail(r, at, "malformed catch clause");
    return;
  }
  l->catch_kind = k;
  if (k == CORE_CATCH || k == CORE_CATCH_REF) l->tag = cm_rd_u32(&r->in);
  l->depth = cm_rd_u32(&r->in);
}

/* The labels of br_table or try_table: a count n, then room for n + extra
 * labels (in->idx the first, in->idx2 how many); false on error. */
static bool label_vec(rd *r, exprbuf *xb, core_instr *in, uint32_t extra) {
  uint32_t n = cm_rd_count(&r->in), first;
  if (r->in.bad || !add_labels(xb, (uint64_t)n + extra, &first)) return false;
  in->idx = first;
  in->idx2 = n + extra;
  return true;
}

/* The immediates of one instruction, by its kind in opcodes.def. */
static void immediates(rd *r, exprbuf *xb, core_instr *in) {
  switch (core_opinfo_table[in->op].imm) {
  case CORE_IMM_NONE:
    break;
  case CORE_IMM_BLOCK:
    blocktype(r, in);
    break;
  case CORE_IMM_LABEL: case CORE_IMM_FUNC: case CORE_IMM_LOCAL:
  case CORE_IMM_GLOBAL: case CORE_IMM_TABLE: case CORE_IMM_ELEM:
  case CORE_IMM_DATA: case CORE_IMM_TAG:
    in->idx = cm_rd_u32(&r->in);
    break;
  case CORE_IMM_BR_TABLE: {
    /* The n targets, then the default: n + 1 labels. */
    if (!label_vec(r, xb, in, 1)) break;
    for (uint32_t i = 0; i < in->idx2 && !r->in.bad; i++)
      xb->e->labels[in->idx + i].depth = cm_rd_u32(&r->in);
    break;
  }
  case CORE_IMM_CALL_INDIRECT: /* type, table */
  case CORE_IMM_TABLE_COPY:    /* destination, source */
  case CORE_IMM_TABLE_INIT:    /* elem, table */
    in->idx = cm_rd_u32(&r->in);
    in->idx2 = cm_rd_u32(&r->in);
    break;
  case CORE_IMM_MEMARG:
    memarg(r, in);
    break;
  case CORE_IMM_MEM:
    in->idx = memidx(r);
    break;
  case CORE_IMM_I32:
    in->imm = (uint32_t)(int64_t)cm_rd_leb(&r->in, 32, true);
    break;
  case CORE_IMM_I64:
    in->imm = (uint64_t)(int64_t)cm_rd_leb(&r->in, 64, true);
    break;
  case CORE_IMM_F32:
    in->imm = word(r, 4);
    break;
  case CORE_IMM_F64:
    in->imm = word(r, 8);
    break;
  case CORE_IMM_SELECT_T: {
    uint32_t n = cm_rd_count(&r->in);
    in->idx = n;
    /* Only one type is valid; the validator rejects other counts. */
    for (uint32_t i = 0; i < n && !r->in.bad; i++) {
      core_valtype t = valtype(r);
      if (i == 0) in->imm = (uint64_t)t;
    }
    break;
  }
  case CORE_IMM_REFNULL: {
    /* A heap type: the abbreviations func/extern/exn; GC's abstract
     * heap types and type indices are refused. */
    size_t hat = r->in.pos;
    int b = cm_rd_peek(&r->in);
    if (b == 0x70 || b == 0x6F || b == 0x69) {
      r->in.pos++;
      in->imm = (uint64_t)b;
    } else if (b >= 0 && is_gc_type_byte(b)) {
      unsupported(r, hat, "gc");
    } else {
      int64_t x = (int64_t)cm_rd_leb(&r->in, 33, true);
      if (r->in.bad) break;
      if (x >= 0) unsupported(r, hat, "function-references");
      else fail(r, hat, "malformed reference type");
    }
    break;
  }
  case CORE_IMM_MEM_INIT:
    in->idx = cm_rd_u32(&r->in); /* data */
    in->idx2 = memidx(r);
    break;
  case CORE_IMM_MEM_COPY:
    in->idx = memidx(r);
    in->idx2 = memidx(r);
    break;
  case CORE_IMM_TRY_TABLE: {
    blocktype(r, in);
    if (!label_vec(r, xb, in, 0)) break;
    for (uint32_t i = 0; i < in->idx2 && !r->in.bad; i++)
      catch_clause(r, &xb->e->labels[in->idx + i]);
    break;
  }
  }
}

/* Block nesting kinds on the decoder's control stack. */
enum { CTL_OUTER, CTL_BLOCK, CTL_IF, CTL_ELSE };

/* Reads instructions up to and including the END that closes the
 * sequence: a function body or a constant expression. */
static void expr(rd *r, core_expr *e) {
  exprbuf xb = {e, 0, 0, r->in.pos};
  size_t nctl = 1, capctl = 16;
  uint8_t *ctl = malloc(capctl);
  if (!ctl) {
    fail_kind(r, r->in.pos, CM_IO, "out of memory");
    return;
  }
  ctl[0] = CTL_OUTER;
  while (!r->in.bad) {
    size_t at = r->in.pos;
    xb.at = at;
    int b = cm_rd_peek(&r->in);
    if (b < 0) {
      cm_rd_eof(&r->in);
      break;
    }
    if (b == 0x0B) { /* end */
      r->in.pos++;
      emit(&xb, CORE_OP_END);
      if (--nctl == 0) break;
      continue;
    }
    if (b == 0x05) { /* else: only in the then-arm of an if */
      if (ctl[nctl - 1] != CTL_IF) {
        fail(r, at, "END opcode expected");
        break;
      }
      r->in.pos++;
      ctl[nctl - 1] = CTL_ELSE;
      emit(&xb, CORE_OP_ELSE);
      continue;
    }
    r->in.pos++;
    unsigned key = (unsigned)b;
    if (b == 0xFC) {
      uint32_t sub = cm_rd_u32(&r->in);
      if (r->in.bad) break;
      if (sub >= 256 || !op_lookup[256 + sub]) {
        fail(r, at, "illegal opcode fc %02x", sub);
        break;
      }
      key = 256 + sub;
    } else if (!op_lookup[key]) {
      const char *feature = unsupported_opcode((uint8_t)b);
      if (feature) unsupported(r, at, feature);
      else fail(r, at, "illegal opcode %02x", (unsigned)b);
      break;
    }
    core_opcode op = (core_opcode)(op_lookup[key] - 1);
    core_instr *in = emit(&xb, op);
    if (!in) break;
    immediates(r, &xb, in);
    if (op == CORE_OP_MEMORY_INIT || op == CORE_OP_DATA_DROP)
      r->uses_dataidx = true;
    if (op == CORE_OP_BLOCK || op == CORE_OP_LOOP || op == CORE_OP_TRY_TABLE ||
        op == CORE_OP_IF) {
      CANON_GROW(ctl, nctl, capctl, 16);
      ctl[nctl++] = op == CORE_OP_IF ? CTL_IF : CTL_BLOCK;
    }
  }
  free(ctl);
}

/* ---- sections ---------------------------------------------------------- */

/* Most sections are a vec of items, each read by an item_reader. */
typedef void item_reader(rd *r, void *item);

/* Reads a vec of items of `size` bytes into a new array (returned);
 * *count counts the items begun, so that a failure part-way leaves the
 * module holding (and later freeing) all it read. */
static void *vec(rd *r, uint32_t *count, size_t size, item_reader *item) {
  uint32_t n;
  char *items = cm_rd_vec(&r->in, &n, size);
  while (*count < n && !r->in.bad) item(r, items + (size_t)(*count)++ * size);
  return items;
}

static void type_item(rd *r, void *ft) { functype(r, ft); }

static void import_item(rd *r, void *item) {
  core_import *im = item;
  name(r, &im->module);
  name(r, &im->name);
  size_t at = r->in.pos;
  uint8_t kind = cm_rd_byte(&r->in);
  if (r->in.bad) return;
  switch (kind) {
  case 0x00: im->desc.func = cm_rd_u32(&r->in); break;
  case 0x01: tabletype(r, &im->desc.table); break;
  case 0x02: limits(r, &im->desc.memory.limits); break;
  case 0x03: globaltype(r, &im->desc.global); break;
  case 0x04: zero_byte(r); im->desc.tag = cm_rd_u32(&r->in); break;
  default: fail(r, at, "malformed import kind"); break;
  }
  im->kind = (core_externkind)kind;
}

static void func_item(rd *r, void *f) {
  ((core_func *)f)->type = cm_rd_u32(&r->in);
}

static void table_item(rd *r, void *t) {
  if (cm_rd_peek(&r->in) == 0x40) { /* table with an initializer expression */
    unsupported(r, r->in.pos, "function-references");
    return;
  }
  tabletype(r, t);
}

static void memory_item(rd *r, void *mem) {
  limits(r, &((core_memtype *)mem)->limits);
}

static void tag_item(rd *r, void *tag) {
  zero_byte(r);
  *(uint32_t *)tag = cm_rd_u32(&r->in);
}

static void global_item(rd *r, void *item) {
  core_global *g = item;
  globaltype(r, &g->type);
  expr(r, &g->init);
}

static void export_item(rd *r, void *item) {
  core_export *ex = item;
  name(r, &ex->name);
  size_t at = r->in.pos;
  uint8_t kind = cm_rd_byte(&r->in);
  if (!r->in.bad && kind > CORE_EXTERN_TAG) fail(r, at, "malformed export kind");
  ex->kind = (core_externkind)kind;
  ex->idx = cm_rd_u32(&r->in);
}

static void start_section(rd *r) {
  r->m->has_start = true;
  r->m->start = cm_rd_u32(&r->in);
}

/* An element given as an expression. */
static void expr_item(rd *r, void *e) { expr(r, e); }

/* An element given as a bare function index: the expression
 * `ref.func x; end`. */
static void func_index_item(rd *r, void *item) {
  uint32_t x = cm_rd_u32(&r->in);
  core_expr *e = item;
  e->instrs = cm_rd_alloc(&r->in, 2, sizeof *e->instrs);
  if (!e->instrs) return;
  e->ninstrs = 2;
  e->instrs[0].op = CORE_OP_REF_FUNC;
  e->instrs[0].idx = x;
  e->instrs[1].op = CORE_OP_END;
}

/* The flags that start an element or data segment: at most max. */
static bool segment_flags(rd *r, uint32_t max, const char *what,
                          uint32_t *flags) {
  size_t at = r->in.pos;
  *flags = cm_rd_u32(&r->in);
  if (r->in.bad) return false;
  if (*flags > max) {
    fail(r, at, "malformed %s segment kind", what);
    return false;
  }
  return true;
}

static void elem_item(rd *r, void *item) {
  core_elem *el = item;
  uint32_t flags;
  if (!segment_flags(r, 7, "elements", &flags)) return;
  /* bit 0: passive or declarative; bit 1: explicit table index (active)
   * or declarative; bit 2: items are expressions with an explicit type. */
  bool exprs = flags & 4;
  if (flags & 1) {
    el->mode = (flags & 2) ? CORE_SEG_DECLARATIVE : CORE_SEG_PASSIVE;
  } else {
    el->mode = CORE_SEG_ACTIVE;
    el->table = (flags & 2) ? cm_rd_u32(&r->in) : 0;
    expr(r, &el->offset);
  }
  el->type = CORE_FUNCREF;
  if (flags & 3) { /* an explicit elemkind or reftype */
    if (exprs) {
      el->type = reftype(r);
    } else {
      size_t kat = r->in.pos;
      if (cm_rd_byte(&r->in) != 0x00 && !r->in.bad) fail(r, kat, "malformed element kind");
    }
  }
  el->items = vec(r, &el->nitems, sizeof *el->items,
                  exprs ? expr_item : func_index_item);
}

static void datacount_section(rd *r) {
  r->m->has_datacount = true;
  r->m->datacount = cm_rd_u32(&r->in);
}

/* Locals are (count, type) groups; their sum must fit in a u32. */
static void locals(rd *r, core_func *f) {
  size_t at = r->in.pos;
  uint32_t ngroups = cm_rd_count(&r->in);
  if (r->in.bad) return;
  size_t groups_pos = r->in.pos;
  uint64_t total = 0;
  for (uint32_t i = 0; i < ngroups && !r->in.bad; i++) {
    total += cm_rd_u32(&r->in);
    valtype(r);
  }
  if (r->in.bad) return;
  if (total >= ((uint64_t)1 << 32)) {
    fail(r, at, "too many locals");
    return;
  }
  if (total > MAX_FUNC_LOCALS ||
      r->nlocals + total > MAX_MODULE_LOCALS) {
    fail_kind(r, at, CM_UNSUPPORTED,
              "unsupported feature: more than %u locals in a function "
              "or %u in a module (implementation limit)",
              MAX_FUNC_LOCALS, MAX_MODULE_LOCALS);
    return;
  }
  r->nlocals += total;
  f->locals = cm_rd_alloc(&r->in, (size_t)total, sizeof *f->locals);
  if (r->in.bad) return;
  /* Second pass over the (already checked) groups to expand them. */
  r->in.pos = groups_pos;
  for (uint32_t i = 0; i < ngroups; i++) {
    uint32_t c = cm_rd_u32(&r->in);
    core_valtype t = valtype(r);
    for (uint32_t j = 0; j < c; j++) f->locals[f->nlocals++] = t;
  }
}

/* An entry of the code section.  Bodies are kept apart from the function
 * section, and matched with it once the whole module has been read. */
static void code_item(rd *r, void *item) {
  core_func *f = item;
  uint32_t size = cm_rd_count(&r->in);
  size_t start = r->in.pos;
  locals(r, f);
  expr(r, &f->body);
  if (!r->in.bad && r->in.pos != start + size) fail(r, start, "section size mismatch");
}

static void data_item(rd *r, void *item) {
  core_data *d = item;
  uint32_t flags;
  if (!segment_flags(r, 2, "data", &flags)) return;
  if (flags == 1) {
    d->mode = CORE_SEG_PASSIVE;
  } else {
    d->mode = CORE_SEG_ACTIVE;
    d->memory = flags == 2 ? cm_rd_u32(&r->in) : 0;
    expr(r, &d->offset);
  }
  uint32_t len = cm_rd_count(&r->in);
  const uint8_t *p = cm_rd_take(&r->in, len);
  d->bytes = cm_rd_alloc(&r->in, len, 1);
  if (r->in.bad) return;
  memcpy(d->bytes, p, len);
  d->len = len;
}

static void custom_section(rd *r, size_t start, uint32_t size) {
  name(r, NULL);
  if (r->in.bad) return;
  if (r->in.pos > start + size) {
    cm_rd_eof(&r->in); /* the name runs past the section */
    return;
  }
  cm_rd_take(&r->in, (uint32_t)(start + size - r->in.pos));
}

/* Section ids in the order they must appear (custom sections aside). */
static int section_rank(uint8_t id) {
  static const uint8_t order[] = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
  for (int i = 0; i < (int)sizeof order; i++)
    if (order[i] == id) return i + 1;
  return -1;
}

static void check_module(rd *r, core_func *codes, uint32_t ncodes) {
  core_module *m = r->m;
  if (m->nfuncs != ncodes) {
    fail(r, r->in.end, "function and code section have inconsistent lengths");
    return;
  }
  if (m->has_datacount && m->datacount != m->ndatas) {
    fail(r, r->in.end, "data count and data section have inconsistent lengths");
    return;
  }
  if (!m->has_datacount && r->uses_dataidx) {
    fail(r, r->in.end, "data count section required");
    return;
  }
  for (uint32_t i = 0; i < ncodes; i++) {
    m->funcs[i].nlocals = codes[i].nlocals;
    m->funcs[i].locals = codes[i].locals;
    m->funcs[i].body = codes[i].body;
    codes[i].locals = NULL;
    memset(&codes[i].body, 0, sizeof codes[i].body);
  }
}

static void free_codes(core_func *codes, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    CANON_FREE_ALL(codes[i].locals, codes[i].body.instrs, codes[i].body.pos,
                   codes[i].body.labels, codes[i].body.try_pcs);
  }
  free(codes);
}

core_module *core_decode(const uint8_t *bytes, size_t len, cm_error *err) {
  return core_decode_features(bytes, len, NULL, err);
}

core_module *core_decode_features(const uint8_t *bytes, size_t len,
                                  const core_features *features,
                                  cm_error *err) {
  core_features all;
  if (!features) {
    core_features_named("all", &all);
    features = &all;
  }
  rd r0 = {{bytes, 0, len, err, false,
            "unexpected end of section or function", true,
            "length out of bounds"},
           NULL, false, 0, features->threads};
  rd *r = &r0;
  core_module *m = r->m = core_module_new();
  if (!m) {
    cm_error_set(err, CM_IO, "out of memory");
    return NULL;
  }
  core_func *codes = NULL;
  uint32_t ncodes = 0;

  uint64_t magic = word(r, 4);
  if (!r->in.bad && magic != 0x6D736100u) fail(r, 0, "magic header not detected");
  uint64_t version = word(r, 4);
  if (!r->in.bad && version != 1) fail(r, 4, "unknown binary version");

  int rank = 0;
  while (!r->in.bad && r->in.pos < r->in.end) {
    size_t at = r->in.pos;
    uint8_t id = r->in.b[r->in.pos];
    if (id > 13) {
      fail(r, at, "malformed section id");
      break;
    }
    int rk = id ? section_rank(id) : 0;
    if (id && rk <= rank) {
      fail(r, at, "unexpected content after last section");
      break;
    }
    r->in.pos++;
    uint32_t size = cm_rd_count(&r->in);
    size_t start = r->in.pos;
    if (r->in.bad) break;
    switch (id) {
    case 0: custom_section(r, start, size); break;
    case 1: m->types = vec(r, &m->ntypes, sizeof *m->types, type_item); break;
    case 2:
      m->imports = vec(r, &m->nimports, sizeof *m->imports, import_item);
      core_module_count_imports(m);
      break;
    case 3: m->funcs = vec(r, &m->nfuncs, sizeof *m->funcs, func_item); break;
    case 4: m->tables = vec(r, &m->ntables, sizeof *m->tables, table_item); break;
    case 5: m->mems = vec(r, &m->nmems, sizeof *m->mems, memory_item); break;
    case 6: m->globals = vec(r, &m->nglobals, sizeof *m->globals, global_item); break;
    case 7: m->exports = vec(r, &m->nexports, sizeof *m->exports, export_item); break;
    case 8: start_section(r); break;
    case 9: m->elems = vec(r, &m->nelems, sizeof *m->elems, elem_item); break;
    case 10: codes = vec(r, &ncodes, sizeof *codes, code_item); break;
    case 11: m->datas = vec(r, &m->ndatas, sizeof *m->datas, data_item); break;
    case 12: datacount_section(r); break;
    case 13: m->tags = vec(r, &m->ntags, sizeof *m->tags, tag_item); break;
    }
    if (!r->in.bad && r->in.pos != start + size)
      fail(r, start, "section size mismatch");
    if (id) rank = rk;
  }
  if (!r->in.bad) check_module(r, codes, ncodes);
  free_codes(codes, ncodes);
  if (r->in.bad) {
    core_module_free(r->m);
    return NULL;
  }
  return r->m;
}
