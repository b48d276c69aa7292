/* exec.c -- the interpreter (core spec "Execution", "Instructions").
 *
 * A plain loop with one switch over validated code.  Branches use the
 * target/height/arity the validator computed (module.h), so there is no
 * runtime label stack.  Locals and operands of every activation live in one
 * uint64_t array per core_call (core_thread): a callee's parameters are the
 * top of its caller's operand stack, its declared locals follow, then its
 * operands.  Calls between wasm functions push a core_frame and stay in the
 * loop (the C stack does not grow with wasm recursion), so the call depth
 * limit traps cleanly.  Exceptions unwind with the try_pcs the validator
 * listed.  Fuel: one unit per instruction executed. */
#include <stdlib.h>
#include <string.h>

#include "numeric.h"
#include "runtime.h"
#include "../../canon/grow.h"

/* ---- the execution state of one core_call ------------------------------- */

static core_thread *thread_get(core_store *s) {
  core_thread *t = s->spare;
  if (t) {
    s->spare = t->next;
    t->nframes = 0;
    return t;
  }
  return calloc(1, sizeof(core_thread));
}

static void thread_put(core_store *s, core_thread *t) {
  t->next = s->spare;
  s->spare = t;
}

static bool grow_stack(core_thread *t, size_t need) {
  CANON_RESERVE(t->stack, need, t->cap, 1024);
  return true;
}

static bool grow_frames(core_thread *t) {
  CANON_GROW(t->frames, t->nframes, t->fcap, 64);
  return true;
}

/* ---- memory and bulk operations ---------------------------------------- */

/* Little-endian loads and stores written portably; compilers turn them
 * into single moves. */
static inline uint64_t ld(const uint8_t *p, unsigned n) {
  uint64_t lo;
  switch (n) {
  case 1: return p[0];
  case 2: return (uint64_t)p[0] | (uint64_t)p[1] << 8;
  case 4:
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24;
  default:
    lo = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
         (uint64_t)p[3] << 24;
    return lo | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
  }
}
static inline void st(uint8_t *p, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* [off, off+n) within [0, size)?  Without overflow for 64-bit addresses. */
static inline bool in_bounds(uint64_t off, uint64_t n, uint64_t size) {
  return n <= size && off <= size - n;
}

/* What memory.grow and table.grow push: the old size, or -1 as an i32 or
 * i64 (by the address type) when it could not grow. */
static inline uint64_t grow_result(bool grown, uint64_t old, bool is64) {
  return grown ? old : is64 ? UINT64_MAX : 0xFFFFFFFFu;
}

bool core_table_init(core_table_inst *t, const core_ref *seg, uint64_t seglen,
                     uint64_t d, uint64_t s, uint64_t n) {
  if (!in_bounds(s, n, seglen) || !in_bounds(d, n, t->size)) return false;
  if (n) memcpy(t->elems + d, seg + s, n * sizeof(core_ref));
  return true;
}

bool core_memory_init(core_mem_inst *m, const uint8_t *seg, uint64_t seglen,
                      uint64_t d, uint64_t s, uint64_t n) {
  if (!in_bounds(s, n, seglen) || !in_bounds(d, n, m->size)) return false;
  if (n) memcpy(m->data + d, seg + s, n);
  return true;
}

/* ---- the interpreter ----------------------------------------------------- */

#define OOB_MEM "out of bounds memory access"
#define OOB_TABLE "out of bounds table access"

/* Runs `entry` on thread t, whose stack holds the arguments at 0; leaves
 * the results at 0. */
static core_outcome run(core_store *s, core_thread *t, core_func_inst *entry) {
  core_func_inst *fn = entry, *callee;
  core_instance *inst;
  uint64_t *stack = t->stack, *fp = stack, *osb, *sp;
  const core_instr *code, *pc, *last;
  core_exn *exn;
  const char *msg;
  core_outcome outcome = CORE_TRAP;
  uint64_t fuel = s->fuel_left;
  const size_t base = t->nframes;

/* fn and fp are set: the rest of the state follows from them. */
#define SET_FUNC()                                         \
  do {                                                     \
    inst = fn->inst;                                       \
    osb = fp + fn->nlocals_total;                          \
    code = fn->code->body.instrs;                          \
    last = code + fn->code->body.ninstrs - 1;              \
  } while (0)
/* Back to the caller's frame, at its call instruction. */
#define POP_FRAME()                                        \
  do {                                                     \
    const core_frame *fr_ = &t->frames[--t->nframes];      \
    fn = fr_->func;                                        \
    fp = stack + fr_->fp;                                  \
    SET_FUNC();                                            \
    pc = fr_->pc;                                          \
  } while (0)

enter:
  /* fn is a wasm function whose parameters are at fp. */
  {
    size_t fpo = (size_t)(fp - stack);
    if (++s->depth > s->cfg.max_call_depth ||
        (fpo + fn->frame_slots > t->cap &&
         !grow_stack(t, fpo + fn->frame_slots))) {
      outcome = CORE_EXHAUSTED;
      msg = "call stack exhausted";
      goto unwind;
    }
    stack = t->stack;
    fp = stack + fpo;
    uint32_t np = fn->type->ft.nparams;
    if (fn->nlocals_total > np)
      memset(fp + np, 0, (fn->nlocals_total - np) * sizeof *fp);
  }
  SET_FUNC();
  sp = osb;
  pc = code;

dispatch:
  for (;;) {
    if (fuel == 0) {
      s->fuel_left = 0;
      if (!core_store_refuel(s)) {
        outcome = CORE_EXHAUSTED;
        msg = s->exhausted_msg;
        goto unwind;
      }
      fuel = s->fuel_left;
    }
    fuel--;

/* Bulk instructions cost fuel by the bytes they touch (one unit per 64),
 * so fuel bounds the time a guest runs, not only its instruction count.
 * Charged before the work, so an exhausted guest does none of it. */
#define BULK_FUEL(bytes)                                   \
  do {                                                     \
    uint64_t cost_ = (bytes) / 64;                         \
    while (cost_ > fuel) {                                 \
      s->fuel_left = fuel;                                 \
      if (!core_store_refuel(s)) {                         \
        outcome = CORE_EXHAUSTED;                          \
        msg = s->exhausted_msg;                            \
        goto unwind;                                       \
      }                                                    \
      fuel = s->fuel_left;                                 \
    }                                                      \
    fuel -= cost_;                                         \
  } while (0)

    switch ((core_opcode)pc->op) {

#define NEXT \
  pc++;      \
  continue
#define TRAP(m) \
  do {          \
    msg = (m);  \
    goto trap;  \
  } while (0)
/* A trap whose message has operands, formatted straight into the store. */
#define TRAP_F(...)            \
  do {                         \
    core_trap(s, __VA_ARGS__); \
    msg = NULL;                \
    goto trap;                 \
  } while (0)
#define BRANCH(tgt, h, ar)                                 \
  do {                                                     \
    uint32_t ar_ = (ar);                                   \
    uint64_t *dst_ = osb + (h);                            \
    if (dst_ != sp - ar_)                                  \
      for (uint32_t k_ = 0; k_ < ar_; k_++) dst_[k_] = sp[(int64_t)k_ - ar_]; \
    sp = dst_ + ar_;                                       \
    pc = code + (tgt);                                     \
  } while (0)
/* One operator on the top operand(s): get reads a slot as type T, put
 * writes the result back.  i32 values are kept zero-extended in their
 * uint64_t slot; comparisons give 0 or 1. */
#define UNOP(T, get, put, e)                               \
  {                                                        \
    T a = get(sp[-1]);                                     \
    sp[-1] = put(e);                                       \
    NEXT;                                                  \
  }
#define BINOP(T, get, put, e)                              \
  {                                                        \
    T b = get(sp[-1]);                                     \
    T a = get(sp[-2]);                                     \
    sp--;                                                  \
    sp[-1] = put(e);                                       \
    NEXT;                                                  \
  }
#define AS_U32(x) ((uint32_t)(x))
#define AS_U64(x) ((uint64_t)(x))
#define AS_BOOL(x) ((x) ? 1 : 0)
/* Operators on iN (N = 32 or 64) and fN (T = float or double). */
#define INT_UN(N, e) UNOP(uint##N##_t, AS_U##N, AS_U##N, e)
#define INT_BIN(N, e) BINOP(uint##N##_t, AS_U##N, AS_U##N, e)
#define INT_CMP(N, e) BINOP(uint##N##_t, AS_U##N, AS_BOOL, e)
#define FLOAT_BIN(N, T, e) BINOP(T, num_f##N, num_f##N##_bits, e)
#define FLOAT_CMP(N, T, e) BINOP(T, num_f##N, AS_BOOL, e)
/* Integer division and remainder: b == 0 traps, and so does `ovf` (the
 * one signed quotient that does not fit). */
#define DIVOP(T, get, ovf, e)                              \
  {                                                        \
    T b = get(sp[-1]);                                     \
    T a = get(sp[-2]);                                     \
    if (b == 0) TRAP("integer divide by zero");            \
    if (ovf) TRAP("integer overflow");                     \
    sp--;                                                  \
    sp[-1] = (T)(e);                                       \
    NEXT;                                                  \
  }
/* Effective address of a memarg access of n bytes at operand slot `at`. */
#define MEM_ADDR(at, n, mem, ea)                           \
  core_mem_inst *mem = inst->mems[pc->idx];                \
  uint64_t ea;                                             \
  {                                                        \
    uint64_t a_ = sp[at];                                  \
    ea = a_ + pc->imm;                                     \
    if (ea < a_ || !in_bounds(ea, (n), mem->size)) TRAP(OOB_MEM); \
  }
#define LOAD(n, conv)                                      \
  {                                                        \
    MEM_ADDR(-1, n, mem, ea)                               \
    uint64_t v = ld(mem->data + ea, n);                    \
    sp[-1] = (conv);                                       \
    NEXT;                                                  \
  }
#define STORE(n)                                           \
  {                                                        \
    MEM_ADDR(-2, n, mem, ea)                               \
    st(mem->data + ea, sp[-1], n);                         \
    sp -= 2;                                               \
    NEXT;                                                  \
  }
/* Float to integer: get reads the operand, kind is the target. */
#define TRUNC(get, kind)                                   \
  {                                                        \
    uint64_t v;                                            \
    const char *e_ = num_trunc(get(sp[-1]), (kind), &v);   \
    if (e_) TRAP(e_);                                      \
    sp[-1] = v;                                            \
    NEXT;                                                  \
  }
#define TRUNC_SAT(get, kind)                               \
  {                                                        \
    sp[-1] = num_trunc_sat(get(sp[-1]), (kind));           \
    NEXT;                                                  \
  }

    /* ---- control ---- */
    case CORE_OP_UNREACHABLE: TRAP("unreachable executed");
    case CORE_OP_NOP:
    case CORE_OP_BLOCK:
    case CORE_OP_LOOP:
    case CORE_OP_TRY_TABLE: NEXT;
    case CORE_OP_IF:
      if ((uint32_t)*--sp) {
        NEXT;
      }
      pc = code + pc->target;
      continue;
    case CORE_OP_ELSE: pc = code + pc->target; continue;
    case CORE_OP_END:
      if (pc != last) {
        NEXT;
      }
      goto do_return;
    case CORE_OP_BR: BRANCH(pc->target, pc->height, pc->arity); continue;
    case CORE_OP_BR_IF:
      if ((uint32_t)*--sp) {
        BRANCH(pc->target, pc->height, pc->arity);
        continue;
      }
      NEXT;
    case CORE_OP_BR_TABLE: {
      uint32_t i = (uint32_t)*--sp, n = pc->idx2;
      const core_label *l = &fn->code->body.labels[pc->idx + (i < n - 1 ? i : n - 1)];
      BRANCH(l->target, l->height, l->arity);
      continue;
    }
    case CORE_OP_RETURN:
    do_return: {
      uint32_t nr = fn->type->ft.nresults;
      for (uint32_t k = 0; k < nr; k++) fp[k] = sp[(int64_t)k - nr];
      sp = fp + nr;
      s->depth--;
      if (t->nframes == base) goto done;
      POP_FRAME();
      pc++;
      continue;
    }
    case CORE_OP_CALL:
      callee = inst->funcs[pc->idx];
    do_call:
      if (callee->host) {
        const core_functype *ft = &callee->type->ft;
        uint64_t rbuf[16], *res = rbuf;
        if (ft->nresults > 16 &&
            !(res = malloc(ft->nresults * sizeof *res)))
          TRAP("out of memory");
        s->fuel_left = fuel;
        t->host_fn = fn;
        t->host_pc = pc;
        t->host_fp = (size_t)(fp - stack);
        t->host_sp = (size_t)(sp - stack);
        core_outcome o = callee->host(s, callee->env, sp - ft->nparams, res);
        t->host_fn = NULL;
        fuel = s->fuel_left;
        if (o == CORE_OK) {
          sp -= ft->nparams;
          for (uint32_t k = 0; k < ft->nresults; k++) *sp++ = res[k];
        }
        if (res != rbuf) free(res);
        if (o == CORE_OK) {
          NEXT;
        }
        if (o == CORE_THROWN) {
          exn = s->exn;
          goto throw_exn;
        }
        outcome = o;
        msg = NULL;
        goto unwind;
      }
      if (t->nframes == t->fcap && !grow_frames(t)) TRAP("out of memory");
      t->frames[t->nframes].pc = pc;
      t->frames[t->nframes].fp = (size_t)(fp - stack);
      t->frames[t->nframes].func = fn;
      t->nframes++;
      fp = sp - callee->type->ft.nparams;
      fn = callee;
      goto enter;
    case CORE_OP_CALL_INDIRECT: {
      core_table_inst *tab = inst->tables[pc->idx2];
      uint64_t i = *--sp;
      if (i >= tab->size) TRAP_F("undefined element %llu", (unsigned long long)i);
      callee = (core_func_inst *)(uintptr_t)tab->elems[i];
      if (!callee) TRAP_F("uninitialized element %llu", (unsigned long long)i);
      if (callee->type != inst->types[pc->idx])
        TRAP("indirect call type mismatch");
      goto do_call;
    }
    case CORE_OP_THROW: {
      core_tag_inst *tag = inst->tags[pc->idx];
      uint32_t n = tag->type->ft.nparams;
      sp -= n;
      exn = core_exn_new(s, tag, n, sp);
      if (!exn) TRAP("out of memory");
      goto throw_exn;
    }
    case CORE_OP_THROW_REF: {
      uint64_t v = *--sp;
      if (!v) TRAP("null exception reference");
      exn = (core_exn *)(uintptr_t)v;
      goto throw_exn;
    }

    /* ---- parametric ---- */
    case CORE_OP_DROP: sp--; NEXT;
    case CORE_OP_SELECT:
    case CORE_OP_SELECT_T:
      sp -= 2;
      if (!(uint32_t)sp[1]) sp[-1] = sp[0];
      NEXT;

    /* ---- variables ---- */
    case CORE_OP_LOCAL_GET: *sp++ = fp[pc->idx]; NEXT;
    case CORE_OP_LOCAL_SET: fp[pc->idx] = *--sp; NEXT;
    case CORE_OP_LOCAL_TEE: fp[pc->idx] = sp[-1]; NEXT;
    case CORE_OP_GLOBAL_GET: *sp++ = inst->globals[pc->idx]->val; NEXT;
    case CORE_OP_GLOBAL_SET: inst->globals[pc->idx]->val = *--sp; NEXT;

    /* ---- tables ---- */
    case CORE_OP_TABLE_GET: {
      core_table_inst *tab = inst->tables[pc->idx];
      uint64_t i = sp[-1];
      if (i >= tab->size) TRAP(OOB_TABLE);
      sp[-1] = tab->elems[i];
      NEXT;
    }
    case CORE_OP_TABLE_SET: {
      core_table_inst *tab = inst->tables[pc->idx];
      uint64_t i = sp[-2];
      if (i >= tab->size) TRAP(OOB_TABLE);
      tab->elems[i] = sp[-1];
      sp -= 2;
      NEXT;
    }
    case CORE_OP_TABLE_SIZE: *sp++ = inst->tables[pc->idx]->size; NEXT;
    case CORE_OP_TABLE_GROW: {
      core_table_inst *tab = inst->tables[pc->idx];
      uint64_t n = sp[-1], old = tab->size;
      sp--;
      sp[-1] = grow_result(core_table_grow(tab, n, sp[-1]), old,
                           tab->type.limits.is64);
      NEXT;
    }
    case CORE_OP_TABLE_FILL: {
      core_table_inst *tab = inst->tables[pc->idx];
      uint64_t n = sp[-1], v = sp[-2], d = sp[-3];
      sp -= 3;
      if (!in_bounds(d, n, tab->size)) TRAP(OOB_TABLE);
      BULK_FUEL(n * sizeof(core_ref));
      for (uint64_t k = 0; k < n; k++) tab->elems[d + k] = v;
      NEXT;
    }
    case CORE_OP_TABLE_COPY: {
      core_table_inst *dt = inst->tables[pc->idx], *stb = inst->tables[pc->idx2];
      uint64_t n = sp[-1], so = sp[-2], d = sp[-3];
      sp -= 3;
      if (!in_bounds(so, n, stb->size) || !in_bounds(d, n, dt->size))
        TRAP(OOB_TABLE);
      BULK_FUEL(n * sizeof(core_ref));
      if (n) memmove(dt->elems + d, stb->elems + so, n * sizeof(core_ref));
      NEXT;
    }
    case CORE_OP_TABLE_INIT: {
      uint64_t n = sp[-1], so = sp[-2], d = sp[-3];
      sp -= 3;
      BULK_FUEL(n * sizeof(core_ref)); /* n is an i32 operand */
      if (!core_table_init(inst->tables[pc->idx2], inst->elems[pc->idx],
                           inst->elem_len[pc->idx], d, so, n))
        TRAP(OOB_TABLE);
      NEXT;
    }
    case CORE_OP_ELEM_DROP: inst->elem_len[pc->idx] = 0; NEXT;

    /* ---- memory ---- */
    case CORE_OP_I32_LOAD: LOAD(4, v)
    case CORE_OP_I64_LOAD: LOAD(8, v)
    case CORE_OP_F32_LOAD: LOAD(4, v)
    case CORE_OP_F64_LOAD: LOAD(8, v)
    case CORE_OP_I32_LOAD8_S: LOAD(1, num_sext32((uint32_t)v, 8))
    case CORE_OP_I32_LOAD8_U: LOAD(1, v)
    case CORE_OP_I32_LOAD16_S: LOAD(2, num_sext32((uint32_t)v, 16))
    case CORE_OP_I32_LOAD16_U: LOAD(2, v)
    case CORE_OP_I64_LOAD8_S: LOAD(1, num_sext64(v, 8))
    case CORE_OP_I64_LOAD8_U: LOAD(1, v)
    case CORE_OP_I64_LOAD16_S: LOAD(2, num_sext64(v, 16))
    case CORE_OP_I64_LOAD16_U: LOAD(2, v)
    case CORE_OP_I64_LOAD32_S: LOAD(4, num_sext64(v, 32))
    case CORE_OP_I64_LOAD32_U: LOAD(4, v)
    case CORE_OP_I32_STORE: STORE(4)
    case CORE_OP_I64_STORE: STORE(8)
    case CORE_OP_F32_STORE: STORE(4)
    case CORE_OP_F64_STORE: STORE(8)
    case CORE_OP_I32_STORE8: STORE(1)
    case CORE_OP_I32_STORE16: STORE(2)
    case CORE_OP_I64_STORE8: STORE(1)
    case CORE_OP_I64_STORE16: STORE(2)
    case CORE_OP_I64_STORE32: STORE(4)
    case CORE_OP_MEMORY_SIZE: *sp++ = inst->mems[pc->idx]->pages; NEXT;
    case CORE_OP_MEMORY_GROW: {
      core_mem_inst *mem = inst->mems[pc->idx];
      uint64_t old = mem->pages;
      sp[-1] = grow_result(core_memory_grow(mem, sp[-1]), old,
                           mem->type.limits.is64);
      NEXT;
    }
    case CORE_OP_MEMORY_FILL: {
      core_mem_inst *mem = inst->mems[pc->idx];
      uint64_t n = sp[-1], v = sp[-2], d = sp[-3];
      sp -= 3;
      if (!in_bounds(d, n, mem->size)) TRAP(OOB_MEM);
      BULK_FUEL(n);
      if (n) memset(mem->data + d, (int)(v & 0xFF), n);
      NEXT;
    }
    case CORE_OP_MEMORY_COPY: {
      core_mem_inst *dm = inst->mems[pc->idx], *sm = inst->mems[pc->idx2];
      uint64_t n = sp[-1], so = sp[-2], d = sp[-3];
      sp -= 3;
      if (!in_bounds(so, n, sm->size) || !in_bounds(d, n, dm->size))
        TRAP(OOB_MEM);
      BULK_FUEL(n);
      if (n) memmove(dm->data + d, sm->data + so, n);
      NEXT;
    }
    case CORE_OP_MEMORY_INIT: {
      uint64_t n = sp[-1], so = sp[-2], d = sp[-3];
      sp -= 3;
      BULK_FUEL(n);
      if (!core_memory_init(inst->mems[pc->idx2],
                            inst->m->datas[pc->idx].bytes,
                            inst->data_len[pc->idx], d, so, n))
        TRAP(OOB_MEM);
      NEXT;
    }
    case CORE_OP_DATA_DROP: inst->data_len[pc->idx] = 0; NEXT;

    /* ---- constants ---- */
    case CORE_OP_I32_CONST:
    case CORE_OP_I64_CONST:
    case CORE_OP_F32_CONST:
    case CORE_OP_F64_CONST: *sp++ = pc->imm; NEXT;

    /* ---- integers and floats: the same operators at two widths ---- */
#define INT_OPS(N)                                                        \
    case CORE_OP_I##N##_EQZ: INT_UN(N, a == 0)                            \
    case CORE_OP_I##N##_EQ: INT_CMP(N, a == b)                            \
    case CORE_OP_I##N##_NE: INT_CMP(N, a != b)                            \
    case CORE_OP_I##N##_LT_S: INT_CMP(N, (int##N##_t)a < (int##N##_t)b)   \
    case CORE_OP_I##N##_LT_U: INT_CMP(N, a < b)                           \
    case CORE_OP_I##N##_GT_S: INT_CMP(N, (int##N##_t)a > (int##N##_t)b)   \
    case CORE_OP_I##N##_GT_U: INT_CMP(N, a > b)                           \
    case CORE_OP_I##N##_LE_S: INT_CMP(N, (int##N##_t)a <= (int##N##_t)b)  \
    case CORE_OP_I##N##_LE_U: INT_CMP(N, a <= b)                          \
    case CORE_OP_I##N##_GE_S: INT_CMP(N, (int##N##_t)a >= (int##N##_t)b)  \
    case CORE_OP_I##N##_GE_U: INT_CMP(N, a >= b)                          \
    case CORE_OP_I##N##_CLZ: INT_UN(N, num_clz##N(a))                     \
    case CORE_OP_I##N##_CTZ: INT_UN(N, num_ctz##N(a))                     \
    case CORE_OP_I##N##_POPCNT: INT_UN(N, num_popcnt64(a))                \
    case CORE_OP_I##N##_ADD: INT_BIN(N, a + b)                            \
    case CORE_OP_I##N##_SUB: INT_BIN(N, a - b)                            \
    case CORE_OP_I##N##_MUL: INT_BIN(N, a * b)                            \
    case CORE_OP_I##N##_DIV_S:                                            \
      DIVOP(uint##N##_t, AS_U##N,                                         \
            a == (uint##N##_t)1 << (N - 1) && b == UINT##N##_MAX,         \
            (int##N##_t)a / (int##N##_t)b)                                \
    case CORE_OP_I##N##_DIV_U: DIVOP(uint##N##_t, AS_U##N, 0, a / b)      \
    case CORE_OP_I##N##_REM_S:                                            \
      DIVOP(uint##N##_t, AS_U##N, 0,                                      \
            b == UINT##N##_MAX ? 0 : (int##N##_t)a % (int##N##_t)b)       \
    case CORE_OP_I##N##_REM_U: DIVOP(uint##N##_t, AS_U##N, 0, a % b)      \
    case CORE_OP_I##N##_AND: INT_BIN(N, a & b)                            \
    case CORE_OP_I##N##_OR: INT_BIN(N, a | b)                             \
    case CORE_OP_I##N##_XOR: INT_BIN(N, a ^ b)                            \
    case CORE_OP_I##N##_SHL: INT_BIN(N, a << (b & (N - 1)))               \
    case CORE_OP_I##N##_SHR_S: INT_BIN(N, num_shr_s##N(a, b))             \
    case CORE_OP_I##N##_SHR_U: INT_BIN(N, a >> (b & (N - 1)))             \
    case CORE_OP_I##N##_ROTL: INT_BIN(N, num_rotl##N(a, b))               \
    case CORE_OP_I##N##_ROTR: INT_BIN(N, num_rotr##N(a, b))
/* fN values are kept as their bits, zero-extended in the slot. */
#define FLOAT_OPS(N, T)                                                   \
    case CORE_OP_F##N##_EQ: FLOAT_CMP(N, T, a == b)                       \
    case CORE_OP_F##N##_NE: FLOAT_CMP(N, T, a != b)                       \
    case CORE_OP_F##N##_LT: FLOAT_CMP(N, T, a < b)                        \
    case CORE_OP_F##N##_GT: FLOAT_CMP(N, T, a > b)                        \
    case CORE_OP_F##N##_LE: FLOAT_CMP(N, T, a <= b)                       \
    case CORE_OP_F##N##_GE: FLOAT_CMP(N, T, a >= b)                       \
    case CORE_OP_F##N##_ABS: sp[-1] &= ~(uint64_t)NUM_F##N##_SIGN; NEXT;  \
    case CORE_OP_F##N##_NEG: sp[-1] ^= NUM_F##N##_SIGN; NEXT;             \
    case CORE_OP_F##N##_CEIL: sp[-1] = num_f##N##_ceil(sp[-1]); NEXT;     \
    case CORE_OP_F##N##_FLOOR: sp[-1] = num_f##N##_floor(sp[-1]); NEXT;   \
    case CORE_OP_F##N##_TRUNC: sp[-1] = num_f##N##_trunc(sp[-1]); NEXT;   \
    case CORE_OP_F##N##_NEAREST: sp[-1] = num_f##N##_nearest(sp[-1]); NEXT; \
    case CORE_OP_F##N##_SQRT: sp[-1] = num_f##N##_sqrt(sp[-1]); NEXT;     \
    case CORE_OP_F##N##_ADD: FLOAT_BIN(N, T, a + b)                       \
    case CORE_OP_F##N##_SUB: FLOAT_BIN(N, T, a - b)                       \
    case CORE_OP_F##N##_MUL: FLOAT_BIN(N, T, a * b)                       \
    case CORE_OP_F##N##_DIV: FLOAT_BIN(N, T, a / b)                       \
    case CORE_OP_F##N##_MIN:                                              \
      sp--;                                                               \
      sp[-1] = num_f##N##_min(sp[-1], sp[0]);                             \
      NEXT;                                                               \
    case CORE_OP_F##N##_MAX:                                              \
      sp--;                                                               \
      sp[-1] = num_f##N##_max(sp[-1], sp[0]);                             \
      NEXT;                                                               \
    case CORE_OP_F##N##_COPYSIGN:                                         \
      sp--;                                                               \
      sp[-1] = (sp[-1] & ~(uint64_t)NUM_F##N##_SIGN) |                    \
               (sp[0] & NUM_F##N##_SIGN);                                 \
      NEXT;                                                               \
    case CORE_OP_F##N##_CONVERT_I32_S:                                    \
      sp[-1] = num_f##N##_bits((T)(int32_t)(uint32_t)sp[-1]);             \
      NEXT;                                                               \
    case CORE_OP_F##N##_CONVERT_I32_U:                                    \
      sp[-1] = num_f##N##_bits((T)(uint32_t)sp[-1]);                      \
      NEXT;                                                               \
    case CORE_OP_F##N##_CONVERT_I64_S:                                    \
      sp[-1] = num_f##N##_bits((T)(int64_t)sp[-1]);                       \
      NEXT;                                                               \
    case CORE_OP_F##N##_CONVERT_I64_U:                                    \
      sp[-1] = num_f##N##_bits((T)sp[-1]);                                \
      NEXT;
/* Float to integer iM, trapping (TRUNC) or saturating (TRUNC_SAT). */
#define TRUNC_OPS(M)                                                      \
    case CORE_OP_I##M##_TRUNC_F32_S: TRUNC(num_f32, NUM_I##M##_S)         \
    case CORE_OP_I##M##_TRUNC_F32_U: TRUNC(num_f32, NUM_I##M##_U)         \
    case CORE_OP_I##M##_TRUNC_F64_S: TRUNC(num_f64, NUM_I##M##_S)         \
    case CORE_OP_I##M##_TRUNC_F64_U: TRUNC(num_f64, NUM_I##M##_U)         \
    case CORE_OP_I##M##_TRUNC_SAT_F32_S: TRUNC_SAT(num_f32, NUM_I##M##_S) \
    case CORE_OP_I##M##_TRUNC_SAT_F32_U: TRUNC_SAT(num_f32, NUM_I##M##_U) \
    case CORE_OP_I##M##_TRUNC_SAT_F64_S: TRUNC_SAT(num_f64, NUM_I##M##_S) \
    case CORE_OP_I##M##_TRUNC_SAT_F64_U: TRUNC_SAT(num_f64, NUM_I##M##_U)
    INT_OPS(32)
    INT_OPS(64)
    FLOAT_OPS(32, float)
    FLOAT_OPS(64, double)
    TRUNC_OPS(32)
    TRUNC_OPS(64)

    /* ---- conversions ---- */
    case CORE_OP_I32_WRAP_I64: sp[-1] = (uint32_t)sp[-1]; NEXT;
    case CORE_OP_I64_EXTEND_I32_S: sp[-1] = num_sext64(sp[-1], 32); NEXT;
    case CORE_OP_I64_EXTEND_I32_U: NEXT;
    case CORE_OP_F32_DEMOTE_F64: sp[-1] = num_f32_demote(sp[-1]); NEXT;
    case CORE_OP_F64_PROMOTE_F32: sp[-1] = num_f64_promote(sp[-1]); NEXT;
    /* Reinterpretation moves bits: nothing to do. */
    case CORE_OP_I32_REINTERPRET_F32:
    case CORE_OP_I64_REINTERPRET_F64:
    case CORE_OP_F32_REINTERPRET_I32:
    case CORE_OP_F64_REINTERPRET_I64: NEXT;
    case CORE_OP_I32_EXTEND8_S: INT_UN(32, num_sext32(a, 8))
    case CORE_OP_I32_EXTEND16_S: INT_UN(32, num_sext32(a, 16))
    case CORE_OP_I64_EXTEND8_S: INT_UN(64, num_sext64(a, 8))
    case CORE_OP_I64_EXTEND16_S: INT_UN(64, num_sext64(a, 16))
    case CORE_OP_I64_EXTEND32_S: INT_UN(64, num_sext64(a, 32))

    /* ---- references ---- */
    case CORE_OP_REF_NULL: *sp++ = 0; NEXT;
    case CORE_OP_REF_IS_NULL: sp[-1] = sp[-1] == 0; NEXT;
    case CORE_OP_REF_FUNC:
      *sp++ = (uint64_t)(uintptr_t)inst->funcs[pc->idx];
      NEXT;

    case CORE_OP_COUNT: break;
    }
    /* Only an opcode the validator would not pass gets here. */
    TRAP("invalid opcode");
  }

throw_exn:
  /* Find the innermost try_table around pc with a matching catch, in this
   * frame or its callers'. */
  for (;;) {
    const core_expr *body = &fn->code->body;
    uint32_t at = (uint32_t)(pc - code);
    for (uint32_t k = body->ntry; k-- > 0;) {
      const core_instr *tt = &code[body->try_pcs[k]];
      if (body->try_pcs[k] >= at || tt->target <= at) continue;
      for (uint32_t c = 0; c < tt->idx2; c++) {
        const core_label *l = &body->labels[tt->idx + c];
        bool with_vals = l->catch_kind == CORE_CATCH ||
                         l->catch_kind == CORE_CATCH_REF;
        if (with_vals && inst->tags[l->tag] != exn->tag) continue;
        sp = osb + l->height;
        if (with_vals)
          for (uint32_t v = 0; v < exn->n; v++) *sp++ = exn->vals[v];
        if (l->catch_kind == CORE_CATCH_REF ||
            l->catch_kind == CORE_CATCH_ALL_REF)
          *sp++ = (uint64_t)(uintptr_t)exn;
        pc = code + l->target;
        goto dispatch;
      }
    }
    s->depth--;
    if (t->nframes == base) {
      s->exn = exn;
      s->fuel_left = fuel;
      return CORE_THROWN;
    }
    POP_FRAME();
  }
trap:
  outcome = CORE_TRAP;
unwind:
  /* The current frame and every saved one of this run. */
  s->depth -= (uint32_t)(t->nframes - base) + 1;
  t->nframes = base;
  s->fuel_left = fuel;
  if (msg) core_set_message(s, outcome, msg);
  return outcome;

done:
  s->fuel_left = fuel;
  return CORE_OK;
}

/* ---- invocation ------------------------------------------------------------ */

core_outcome core_call(core_store *s, core_func_inst *f, const uint64_t *args,
                       uint64_t *results) {
  const core_functype *ft = &f->type->ft;
  /* Each nested core_call (host -> wasm -> host -> ...) costs C stack. */
  if (s->nest >= s->cfg.max_host_nesting)
    return core_set_message(s, CORE_EXHAUSTED, "call stack exhausted");
  if (f->host) {
    s->nest++;
    core_outcome o = f->host(s, f->env, args, results);
    s->nest--;
    return o;
  }
  core_thread *t = thread_get(s);
  size_t need = f->frame_slots > ft->nresults ? f->frame_slots : ft->nresults;
  if (!t || !grow_stack(t, need)) {
    if (t) thread_put(s, t);
    return core_set_message(s, CORE_EXHAUSTED, "call stack exhausted");
  }
  for (uint32_t i = 0; i < ft->nparams; i++) t->stack[i] = args[i];
  t->host_fn = NULL;
  t->owner = s->owner;
  t->active_prev = NULL;
  t->active_next = s->active;
  if (s->active) s->active->active_prev = t;
  s->active = t;
  s->nest++;
  core_outcome o = run(s, t, f);
  s->nest--;
  if (t->active_prev) t->active_prev->active_next = t->active_next;
  else s->active = t->active_next;
  if (t->active_next) t->active_next->active_prev = t->active_prev;
  if (o == CORE_OK)
    for (uint32_t i = 0; i < ft->nresults; i++) results[i] = t->stack[i];
  thread_put(s, t);
  return o;
}
