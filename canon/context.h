/* context.h -- what every lifting and lowering definition is given
 * (CanonicalABI.md "Canonical ABI Options" and "Lifting and Lowering
 * Context"): the options, the component instance, the borrow scope, and
 * where a trap is recorded.
 *
 * canon/ sees core wasm only through two abstract interfaces defined here,
 * so it can be unit-tested with scripted memories and reallocs in plain C:
 *   canon_MemInst   a linear memory (MemInst): its size, byte-range read/write
 *   canon_realloc  the `realloc` canonopt: a call that may trap
 * The component runtime plugs core_memory_data()/core_call() into them.
 *
 * Traps: every function that can trap returns bool; false means a trap was
 * recorded in the context's canon_trap (first one wins).  CANON_TRAP_IF (rules.h) is
 * the C spelling of the spec's `trap_if(...)`; plain assert() is kept for
 * our own invariants, like the spec's `assert`s.  No input reaches a
 * failing assert: each is one of the spec's own asserts (which hold on
 * every path the spec's trap_ifs let through), a property of how canon/
 * builds its objects, or is explained where it stands (instance.h, "After
 * a trap", covers the state a trap leaves behind).  Running out of host
 * memory ends the run cleanly with canon_out_of_memory.
 */
#ifndef CANON_CONTEXT_H
#define CANON_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "names.h"
#include "types.h"

/* Core value types ('i32', 'i64', 'f32', 'f64'); also a memory's
 * address type (ptr_type). */
typedef enum canon_flat {
  CANON_FLAT_I32,
  CANON_FLAT_I64,
  CANON_FLAT_F32,
  CANON_FLAT_F64,
} canon_flat;

/* ---- traps ---------------------------------------------------------- */

/* One kind per distinct spec trap condition of the value layer, so that a
 * runner can match a reference test's expected message even where
 * different engines word the same condition differently (see
 * canon_trap_alias).  X(CONSTANT, message, alias): the message a trap of
 * the kind gives and the other engines' shorter wording, NULL if none. */
#define CANON_TRAP_KINDS(X)                                                    \
  X(CANON_TRAP_NONE, "", NULL)                                                 \
  X(CANON_TRAP_GUEST, /* a trap inside core wasm (realloc) */                  \
    "wasm trap",                                                               \
    NULL)                                                                      \
  X(CANON_TRAP_UNALIGNED, /* ptr != align_to(ptr, alignment) */                \
    "unaligned pointer",                                                       \
    NULL)                                                                      \
  X(CANON_TRAP_OUT_OF_BOUNDS, /* ptr + size > len(memory) (flat heap) */       \
    "pointer out of bounds of memory",                                         \
    NULL)                                                                      \
  X(CANON_TRAP_STRING_OUT_OF_BOUNDS,                                           \
    "string pointer/length out of bounds of memory (string content "           \
    "out-of-bounds)",                                                          \
    "string content out-of-bounds")                                            \
  X(CANON_TRAP_STRING_TOO_LONG, /* byte_length > MAX_STRING_BYTE_LENGTH */     \
    "string byte length exceeds the maximum",                                  \
    NULL)                                                                      \
  X(CANON_TRAP_INVALID_UTF8, "invalid utf-8 (invalid utf8 encoding)", NULL)    \
  X(CANON_TRAP_INCOMPLETE_UTF8,                                                \
    "incomplete utf-8 byte sequence (invalid utf-8; invalid utf8 "             \
    "encoding)",                                                               \
    "invalid utf-8")                                                           \
  X(CANON_TRAP_INVALID_UTF16,                                                  \
    "invalid utf-16: unpaired surrogate (invalid utf16 encoding)",             \
    NULL)                                                                      \
  X(CANON_TRAP_LIST_OUT_OF_BOUNDS,                                             \
    "list pointer/length out of bounds of memory (list content "               \
    "out-of-bounds)",                                                          \
    "list content out-of-bounds")                                              \
  X(CANON_TRAP_LIST_TOO_LONG, /* > MAX_LIST_BYTE_LENGTH */                     \
    "list byte length exceeds the maximum",                                    \
    NULL)                                                                      \
  X(CANON_TRAP_REALLOC_UNALIGNED, /* realloc result not aligned */             \
    "realloc return: result not aligned (unaligned pointer)",                  \
    "unaligned pointer")                                                       \
  X(CANON_TRAP_REALLOC_OUT_OF_BOUNDS,                                          \
    "realloc return: beyond end of memory (list content out-of-bounds)",       \
    "list content out-of-bounds")                                              \
  X(CANON_TRAP_INVALID_CHAR, "invalid `char` bit pattern", NULL)               \
  X(CANON_TRAP_INVALID_DISCRIMINANT, "invalid variant discriminant", NULL)     \
  X(CANON_TRAP_UNKNOWN_HANDLE, /* Table.get: out of range or hole */           \
    "unknown handle index",                                                    \
    NULL)                                                                      \
  X(CANON_TRAP_HANDLE_WRONG_TYPE, /* not a ResourceHandle / rt mismatch */     \
    "handle index used with the wrong type",                                   \
    NULL)                                                                      \
  X(CANON_TRAP_HANDLE_LENT, /* num_lends != 0 */                               \
    "cannot remove owned resource while borrowed",                             \
    NULL)                                                                      \
  X(CANON_TRAP_HANDLE_NOT_OWN, /* lifting own from a borrow handle */          \
    "cannot lift an own from a borrow handle (cannot lift own resource "       \
    "from a borrow)",                                                          \
    NULL)                                                                      \
  X(CANON_TRAP_TABLE_FULL, /* Table.MAX_LENGTH */                              \
    "handle table is full (cannot allocate another handle: index "             \
    "overflow)",                                                               \
    NULL)                                                                      \
  X(CANON_TRAP_MAY_NOT_LEAVE, /* not inst.may_leave */                         \
    "cannot leave component instance",                                         \
    NULL)                                                                      \
  X(CANON_TRAP_UNSUPPORTED, /* not implemented yet in this layer */            \
    "unsupported",                                                             \
    NULL)                                                                      \
  X(CANON_TRAP_HOST_LIMIT, /* a limit of the host (store.h) */                 \
    "host limit reached",                                                      \
    NULL)                                                                      \
  /* a rule of tasks, threads, waitables, streams, futures (rules.h) */        \
  X(CANON_TRAP_ASYNC,                                                          \
    "async rule broken",                                                       \
    NULL)

typedef enum canon_trap_kind {
  CANON_TRAP_KINDS(CANON_NAMED_ENUM)
} canon_trap_kind;

typedef struct canon_trap {
  canon_trap_kind kind;
  uint32_t rule; /* the canon_rule (rules.h) it breaks; 0: none named */
  char msg[256];
} canon_trap;

/* Records a trap of `kind` with its standard message (see
 * canon_trap_message) unless one is already recorded; returns false so
 * callers can `return canon_trap_set(...)`. */
bool canon_trap_set(canon_trap *t, canon_trap_kind kind);
/* The same with a formatted message ("unknown handle index 5"). */
bool canon_trapf(canon_trap *t, canon_trap_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The standard message of a kind, e.g. "unaligned pointer". */
const char *canon_trap_message(canon_trap_kind kind);
/* Another wording of the same condition used by the reference tests (which
 * come from Wasmtime, which words the same spec trap differently depending
 * on the side of the call), or NULL. */
const char *canon_trap_alias(canon_trap_kind kind);

/* The host ran out of memory: there is nothing useful left to do, and
 * no spec rule to name.  Prints "cmref: out of host memory" and exits
 * with CANON_EXIT_OUT_OF_MEMORY (no abort: it is not a bug of cmref). */
#define CANON_EXIT_OUT_OF_MEMORY 1
_Noreturn void canon_out_of_memory(void);

/* ---- core wasm, abstractly ---------------------------------------------- */

/* MemInst.  read/write are only called on ranges already checked to be
 * in bounds (the spec checks them first with trap_if). */
typedef struct canon_MemInst {
  void *env;
  /* the memory instance's identity (the spec's `is`): two adapters of the
   * same memory have the same id; NULL: the adapter itself */
  const void *id;
  canon_flat addrtype; /* CANON_FLAT_I32 or CANON_FLAT_I64 (memory64) */
  uint64_t (*size)(void *env); /* len(memory) in bytes; may grow */
  void (*read)(void *env, uint64_t addr, void *dst, uint64_t n);
  void (*write)(void *env, uint64_t addr, const void *src, uint64_t n);
} canon_MemInst;

/* The `realloc` canonopt: calls the guest's
 * realloc(old_ptr, old_size, alignment, new_size).  Returns false if the
 * guest trapped, after recording the trap (CANON_TRAP_GUEST, the core
 * message) in *trap. */
typedef struct canon_realloc {
  void *env;
  bool (*call)(void *env, uint64_t old_ptr, uint64_t old_size,
               uint64_t alignment, uint64_t new_size, uint64_t *result,
               canon_trap *trap);
} canon_realloc;

/* CanonicalOptions (which contains LiftLowerOptions and LiftOptions). */
typedef struct canon_CanonicalOptions {
  canon_string_encoding string_encoding; /* default utf8 */
  const canon_MemInst *memory;            /* NULL: absent */
  const canon_realloc *realloc;          /* NULL: absent */
  void *post_return;                     /* opaque core function; NULL */
  bool async;
  void *callback; /* opaque core function; NULL */
} canon_CanonicalOptions;

/* LiftOptions.equal: same string encoding and the same memory. */
bool canon_LiftOptions_equal(const canon_CanonicalOptions *a, const canon_CanonicalOptions *b);
/* MemInst.ptr_type() (i32 when there is no memory: only types without
 * strings or lists can then be flattened, as canonopt validation ensures). */
canon_flat canon_MemInst_ptr_type(const canon_CanonicalOptions *opts);
/* ptr_size(ptr_type): 4 or 8. */
uint32_t canon_ptr_size(canon_flat ptr_type);

/* ---- borrow scopes ------------------------------------------------------ */

typedef struct canon_ResourceHandle canon_ResourceHandle;

/* The part of a Task that lowering a `borrow` touches (num_borrows); the
 * task layer embeds it in its Task. */
typedef struct canon_borrow_task {
  uint32_t num_borrows;
} canon_borrow_task;

/* The part of a Subtask that lifting a `borrow` touches (lenders); the
 * task layer embeds it in its Subtask.  resolve_delivered() is
 * `lenders is None`, here the flag `delivered`. */
typedef struct canon_borrow_subtask {
  canon_ResourceHandle **lenders;
  uint32_t nlenders, cap;
  bool delivered;
} canon_borrow_subtask;

/* LiftLowerContext.borrow_scope: Optional[Task|Subtask]. */
typedef struct canon_borrow_scope {
  canon_borrow_task *task;       /* set when lowering (callee side) */
  canon_borrow_subtask *subtask; /* set when lifting (caller side) */
} canon_borrow_scope;

/* ---- the context --------------------------------------------------------- */

typedef struct canon_ComponentInstance canon_ComponentInstance; /* instance.h */

/* LiftLowerContext */
typedef struct canon_LiftLowerContext {
  const canon_CanonicalOptions *opts;
  canon_ComponentInstance *inst;
  canon_borrow_scope borrow_scope;
  canon_trap trap; /* the first trap, kind NONE if none */
  uint64_t host_bytes; /* taken by the values lifted so far (--max-memory) */
} canon_LiftLowerContext;

void canon_LiftLowerContext_init(canon_LiftLowerContext *cx, const canon_CanonicalOptions *opts,
                        canon_ComponentInstance *inst, canon_borrow_scope scope);

/* LiftLowerContext.reallocate: calls realloc with inst.may_leave cleared. */
bool canon_LiftLowerContext_reallocate(canon_LiftLowerContext *cx,
                                       uint64_t old, uint64_t old_byte_length,
                                       uint64_t alignment,
                                       uint64_t new_byte_length,
                                       uint64_t *ptr);
/* LiftLowerContext.allocate = reallocate(0, 0, alignment, byte_length) */
bool canon_LiftLowerContext_allocate(canon_LiftLowerContext *cx,
                                     uint64_t alignment, uint64_t byte_length,
                                     uint64_t *ptr);


/* len(cx.opts.memory) */
static inline uint64_t canon_mem_len(const canon_LiftLowerContext *cx) {
  return cx->opts->memory->size(cx->opts->memory->env);
}

/* ptr + n > len(memory), without overflowing uint64_t. */
static inline bool canon_out_of_bounds(const canon_LiftLowerContext *cx, uint64_t ptr,
                                       uint64_t n) {
  uint64_t len = canon_mem_len(cx);
  return ptr > len || n > len - ptr;
}

#endif
