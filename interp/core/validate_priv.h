/* validate_priv.h -- what validate.c (module-level rules) and
 * validate_code.c (the instruction type checker) share: the validation
 * context C of the core spec ("Validation > Conventions > Contexts"),
 * flattened into arrays indexed like the module's index spaces, plus the
 * scratch stacks of the type checker, reused from one expression to the
 * next. */
#ifndef CORE_VALIDATE_PRIV_H
#define CORE_VALIDATE_PRIV_H

#include "validate.h"

/* A control frame of the algorithm in the spec's appendix ("Validation
 * Algorithm").  Result types point into the module's types or into a
 * constant table, never into this frame, so they survive reallocation. */
typedef struct vframe {
  uint16_t op;        /* BLOCK, LOOP, IF, TRY_TABLE, or END for the outermost */
  bool unreachable;   /* the rest of the frame is stack-polymorphic */
  bool has_else;      /* IF only: its ELSE has been seen */
  uint32_t pc;        /* the opening instruction (0 for the outermost) */
  uint32_t else_pc;
  const core_valtype *params, *results;
  uint32_t nparams, nresults;
  uint32_t height;      /* operand-stack height at entry, params excluded */
  uint32_t fixup_base;  /* first pending fixup made inside this frame */
} vframe;

/* A forward branch whose target (an END not seen yet) is filled in when
 * the frame ends. */
typedef struct vfixup {
  uint32_t frame;   /* index of the target frame in the control stack */
  uint32_t *target; /* the core_instr or core_label field to fill */
} vfixup;

typedef struct core_valid_ctx {
  core_module *m;
  cm_error *err;
  /* The context C, imports first in each index space. */
  uint32_t nfuncs, ntables, nmems, nglobals, ntags;
  uint32_t *func_type; /* type index of each function */
  const core_tabletype **tables;
  const core_memtype **mems;
  const core_globaltype **globals;
  uint32_t *tag_type;  /* type index of each tag */
  const core_features *features;
  /* Globals a constant expression may read: Wasm 2.0 lets it read imported
   * globals only; with extended_const, also the globals defined before. */
  uint32_t nconst_globals;
  /* Scratch of the type checker. */
  uint8_t *vals;  uint32_t nvals, capvals;   /* operand types, 0 = unknown */
  vframe *ctrls;  uint32_t nctrls, capctrls;
  vfixup *fixups; uint32_t nfixups, capfixups;
  uint32_t *tries; uint32_t ntries, captries;
  core_valtype *locals; uint32_t nlocals, caplocals;
  uint32_t max_height;
} core_valid_ctx;

/* Records a CM_INVALID error (the first one wins) and returns false. */
bool vfail(core_valid_ctx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool voom(core_valid_ctx *v);
/* Checks that t is a value type cmref supports. */
bool vcheck_valtype(core_valid_ctx *v, core_valtype t);

/* validate_code.c */
bool vcode_func(core_valid_ctx *v, core_func *f);
bool vcode_const(core_valid_ctx *v, core_expr *e, core_valtype t);
void vcode_free(core_valid_ctx *v);

#endif
