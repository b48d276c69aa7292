/* context.c -- traps, options and the LiftLowerContext's realloc calls
 * (CanonicalABI.md "Canonical ABI Options", "Lifting and Lowering
 * Context"). */
#include "context.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon_call.h"
#include "instance.h"

#define CANON_TRAP_WORDS(constant, msg, alias) [constant] = {msg, alias},
static const struct {
  const char *msg, *alias;
} trap_words[] = {CANON_TRAP_KINDS(CANON_TRAP_WORDS)};

const char *canon_trap_message(canon_trap_kind kind) {
  return trap_words[kind].msg;
}

const char *canon_trap_alias(canon_trap_kind kind) {
  return trap_words[kind].alias;
}

bool canon_trap_set(canon_trap *t, canon_trap_kind kind) {
  if (t->kind == CANON_TRAP_NONE) {
    t->kind = kind;
    snprintf(t->msg, sizeof t->msg, "%s", trap_words[kind].msg);
  }
  return false;
}

bool canon_trapf(canon_trap *t, canon_trap_kind kind, const char *fmt, ...) {
  if (t->kind == CANON_TRAP_NONE) {
    t->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
  }
  return false;
}

void canon_out_of_memory(void) {
  fputs("cmref: out of host memory\n", stderr);
  exit(CANON_EXIT_OUT_OF_MEMORY);
}

/* LiftOptions.equal */
bool canon_LiftOptions_equal(const canon_CanonicalOptions *a, const canon_CanonicalOptions *b) {
  const void *ma = a->memory ? (a->memory->id ? a->memory->id : a->memory) : NULL;
  const void *mb = b->memory ? (b->memory->id ? b->memory->id : b->memory) : NULL;
  return a->string_encoding == b->string_encoding && ma == mb;
}

/* MemInst.ptr_type */
canon_flat canon_MemInst_ptr_type(const canon_CanonicalOptions *opts) {
  return opts->memory ? opts->memory->addrtype : CANON_FLAT_I32;
}

/* ptr_size */
uint32_t canon_ptr_size(canon_flat ptr_type) {
  assert(ptr_type == CANON_FLAT_I32 || ptr_type == CANON_FLAT_I64);
  return ptr_type == CANON_FLAT_I32 ? 4 : 8;
}

/* LiftLowerContext.__init__ */
void canon_LiftLowerContext_init(canon_LiftLowerContext *cx, const canon_CanonicalOptions *opts,
                        canon_ComponentInstance *inst, canon_borrow_scope scope) {
  memset(cx, 0, sizeof *cx);
  cx->opts = opts;
  cx->inst = inst;
  cx->borrow_scope = scope;
}

/* LiftLowerContext.reallocate: the realloc is lifted like any export
 * (canon_lift_realloc: its own Task and Thread of cx->inst, synchronous,
 * empty options), with inst.may_leave cleared around it, so that the
 * built-ins it calls see its own task and every one that would leave the
 * instance traps. */
bool canon_LiftLowerContext_reallocate(canon_LiftLowerContext *cx,
                                       uint64_t old, uint64_t old_byte_length,
                                       uint64_t alignment,
                                       uint64_t new_byte_length,
                                       uint64_t *ptr) {
  /* The spec's assert(self.inst.may_leave).  may_leave is cleared only
   * while a realloc or a post-return runs in inst, and everything that
   * lowers into inst's memory first traps on `not inst.may_leave` when
   * called from there (canon_lower, task.return, stream/future copies,
   * error-context.debug-message), or happens in a call into inst, which
   * cannot be made from inside inst's realloc or post-return either.  A
   * trap out of those leaves the flag cleared, but then no code of that
   * instance's tree runs again (instance.h, "After a trap"). */
  assert(cx->inst->may_leave);
  /* canonopt validation requires realloc (and memory with it) wherever a
   * string or list is lowered into memory or parameters spill. */
  assert(cx->opts->realloc && cx->opts->memory);
  cx->inst->may_leave = false;
  uint64_t args[4] = {old, old_byte_length, alignment, new_byte_length};
  uint64_t result = 0;
  if (!canon_lift_realloc(cx->inst, cx->opts->realloc,
                          canon_MemInst_ptr_type(cx->opts), args, &result,
                          &cx->trap)) {
    /* A trap in realloc is a trap of the whole call (and may_leave stays
     * cleared: the spec's store is gone after a trap). */
    if (cx->trap.kind == CANON_TRAP_NONE) canon_trap_set(&cx->trap,
                                                         CANON_TRAP_GUEST);
    return false;
  }
  cx->inst->may_leave = true;
  *ptr = result;
  return true;
}

/* LiftLowerContext.allocate */
bool canon_LiftLowerContext_allocate(canon_LiftLowerContext *cx,
                                     uint64_t alignment, uint64_t byte_length,
                                     uint64_t *ptr) {
  return canon_LiftLowerContext_reallocate(cx, 0, 0, alignment, byte_length, ptr);
}
