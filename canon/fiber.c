/* fiber.c -- stackful asymmetric coroutines (fiber.h): the spec's
 * cont_new / resume / block (CanonicalABI.md "Stack Switching").
 *
 * A fiber keeps two contexts: its own (where it continues when resumed)
 * and its resumer's (saved by each canon_fiber_resume, so whoever resumes
 * a fiber next is the one it blocks back to).  The entry function never
 * returns: when fn returns it switches to the saved resumer explicitly,
 * because the resumer changes from one resume to the next.
 *
 * How a context is switched is chosen at compile time ("context switch"
 * below): on x86-64 and aarch64 ELF targets, a few instructions that save
 * the callee-saved registers on the current stack and load the other
 * stack pointer -- no system call; elsewhere, or with -DCANON_FIBER_UCONTEXT
 * (which the unit tests build too, so the fallback stays tested), POSIX
 * ucontext, whose swapcontext also saves and restores the signal mask with
 * a system call each time (cmref never changes the mask, so nothing is lost
 * by not saving it).
 *
 * Under AddressSanitizer every switch is announced, following
 * sanitizer/common_interface_defs.h: start_switch_fiber names the stack
 * being switched to, finish_switch_fiber (on arrival) reports the stack
 * switched from -- a fiber learns its current resumer's stack bounds that
 * way, and hands them back when it blocks or ends.
 */
#include "fiber.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asan.h"
#ifdef CANON_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_STACK
#define MAP_STACK 0
#endif

/* Spare stacks a pool keeps; beyond that, freed stacks are unmapped. */
#define FIBER_MAX_SPARE 16

/* ---- context switch: which one ------------------------------------------- */

/* The own switch needs GNU-style top-level assembly on ELF.  It keeps no
 * shadow stack, so where the compiler was asked for one (x86 CET's
 * -fcf-protection=return/full, aarch64's GCS) the ucontext switch, which
 * libc keeps shadow-stack aware, is used instead. */
#if !defined(CANON_FIBER_UCONTEXT) && defined(__ELF__) && \
    (defined(__GNUC__) || defined(__clang__))
#if defined(__x86_64__) && !(defined(__CET__) && (__CET__ & 2))
#define FIBER_SWITCH_X86_64 1
#elif defined(__aarch64__) && !defined(__ARM_FEATURE_GCS_DEFAULT)
#define FIBER_SWITCH_AARCH64 1
#endif
#endif

#if defined(FIBER_SWITCH_X86_64) || defined(FIBER_SWITCH_AARCH64)
/* A suspended context is just its stack pointer: the registers it needs
 * and where to continue were pushed on that stack by fiber_switch_asm. */
typedef struct fiber_ctx {
  void *sp;
} fiber_ctx;
#else
#include <ucontext.h>
#define FIBER_SWITCH_UCONTEXT 1
typedef struct fiber_ctx {
  ucontext_t uc;
} fiber_ctx;
#endif

struct canon_fiber {
  fiber_ctx ctx;     /* where the fiber continues when resumed */
  fiber_ctx resumer; /* where it goes when it blocks or ends */
  canon_fiber_fn fn;
  void *arg;
  void *map;         /* the mapping: one guard page, then the stack */
  size_t map_size;
  void *stack;       /* lowest usable address, just above the guard page */
  size_t stack_size;
  bool started, running, done;
  canon_fiber *next; /* in pool->spare */
#ifdef CANON_ASAN
  const void *resumer_bottom; /* the resumer's stack, from finish_switch */
  size_t resumer_size;
  bool abandon; /* set by canon_fiber_free to end a blocked fiber */
#endif
};

/* ---- AddressSanitizer announcements (no-ops without ASan) --------------- */

#ifdef CANON_ASAN
static void asan_start(void **fake, const void *bottom, size_t size) {
  __sanitizer_start_switch_fiber(fake, bottom, size);
}
static void asan_finish(void *fake, const void **old_bottom, size_t *old_size) {
  __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
}
#endif

/* ---- stacks --------------------------------------------------------------- */

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

/* A fresh fiber with a stack of stack_size bytes (rounded up to pages)
 * above one PROT_NONE guard page, so an overflow faults instead of
 * silently writing over whatever lies below. */
static canon_fiber *fiber_alloc(size_t stack_size) {
  size_t page = page_size();
  if (stack_size == 0 || stack_size > SIZE_MAX / 2) return NULL;
  stack_size = (stack_size + page - 1) / page * page;
  canon_fiber *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  size_t map_size = stack_size + page;
  void *map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
                   0);
  if (map == MAP_FAILED) {
    free(f);
    return NULL;
  }
  if (mprotect(map, page, PROT_NONE) != 0) {
    munmap(map, map_size);
    free(f);
    return NULL;
  }
  f->map = map;
  f->map_size = map_size;
  f->stack = (char *)map + page;
  f->stack_size = stack_size;
  return f;
}

static void fiber_release(canon_fiber *f) {
  munmap(f->map, f->map_size);
  free(f);
}

/* ---- context switch: how ----------------------------------------------- */

static void fiber_run(canon_fiber *f);

#if defined(FIBER_SWITCH_X86_64)
/* cmref_fiber_switch(&save->sp, to->sp) pushes what the SysV x86-64 ABI
 * makes callee-saved -- rbx, rbp, r12-r15, and the control bits of MXCSR
 * and the x87 control word (a switch must not carry one thread's rounding
 * mode into another) -- stores rsp in *save, loads to's stack pointer, pops
 * the same frame from there and returns to wherever that stack switched
 * away.  The caller-saved registers need no saving: to the compiler this
 * is an ordinary external call, which may clobber them.
 *
 * A new fiber's stack holds such a frame too (fiber_prepare), whose return
 * address is cmref_fiber_start: it calls fiber_run(f) with f and fiber_run
 * taken from the frame's rbx and r12, on a 16-byte aligned stack.  rbp = 0
 * and the CFI end frame-pointer and DWARF backtraces there.
 *
 * Top-level assembly in this file rather than a .S file keeps the switch
 * canon/fiber.c's business; the symbols are hidden, visible to nothing
 * outside the program. */
__asm__(".pushsection .text\n"
        ".globl cmref_fiber_switch\n"
        ".hidden cmref_fiber_switch\n"
        ".type cmref_fiber_switch, @function\n"
        ".p2align 4\n"
        "cmref_fiber_switch:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size cmref_fiber_switch, .-cmref_fiber_switch\n"
        ".globl cmref_fiber_start\n"
        ".hidden cmref_fiber_start\n"
        ".type cmref_fiber_start, @function\n"
        ".p2align 4\n"
        "cmref_fiber_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined %rip\n"
        "  movq %rbx, %rdi\n"
        "  callq *%r12\n"
        "  ud2\n" /* fiber_run never returns */
        "  .cfi_endproc\n"
        ".size cmref_fiber_start, .-cmref_fiber_start\n"
        ".popsection\n");

/* The frame cmref_fiber_switch pops, lowest address first. */
enum { X64_CTL, X64_R15, X64_R14, X64_R13, X64_R12, X64_RBX, X64_RBP, X64_RET,
       X64_FRAME };

#elif defined(FIBER_SWITCH_AARCH64)
/* The same for AAPCS64 (written with care but not run on this project's
 * machines; see docs/performance.md): x19-x28, the frame pointer x29, the
 * link register x30 and the low halves d8-d15 of v8-v15 are callee-saved,
 * and FPCR (rounding mode) is kept per fiber like MXCSR above, written only
 * when it differs (writing it can be slow); sp stays 16-byte aligned
 * throughout (a 176-byte frame).  ret branches to the restored x30:
 * where that stack switched away, or cmref_fiber_start the first time,
 * which calls fiber_run(f) from x19 and x20.  hint #34 is BTI's landing
 * pad ("bti c"), a no-op on cores without BTI. */
__asm__(".pushsection .text\n"
        ".globl cmref_fiber_switch\n"
        ".hidden cmref_fiber_switch\n"
        ".type cmref_fiber_switch, %function\n"
        ".p2align 4\n"
        "cmref_fiber_switch:\n"
        "  hint #34\n"
        "  sub sp, sp, #176\n"
        "  stp x19, x20, [sp, #0]\n"
        "  stp x21, x22, [sp, #16]\n"
        "  stp x23, x24, [sp, #32]\n"
        "  stp x25, x26, [sp, #48]\n"
        "  stp x27, x28, [sp, #64]\n"
        "  stp x29, x30, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n"
        "  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n"
        "  stp d14, d15, [sp, #144]\n"
        "  mrs x9, fpcr\n"
        "  str x9, [sp, #160]\n"
        "  mov x9, sp\n"
        "  str x9, [x0]\n"
        "  mov sp, x1\n"
        "  ldr x9, [sp, #160]\n"
        "  mrs x10, fpcr\n"
        "  cmp x9, x10\n"
        "  b.eq 1f\n"
        "  msr fpcr, x9\n"
        "1:\n"
        "  ldp x19, x20, [sp, #0]\n"
        "  ldp x21, x22, [sp, #16]\n"
        "  ldp x23, x24, [sp, #32]\n"
        "  ldp x25, x26, [sp, #48]\n"
        "  ldp x27, x28, [sp, #64]\n"
        "  ldp x29, x30, [sp, #80]\n"
        "  ldp d8, d9, [sp, #96]\n"
        "  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n"
        "  ldp d14, d15, [sp, #144]\n"
        "  add sp, sp, #176\n"
        "  ret\n"
        ".size cmref_fiber_switch, .-cmref_fiber_switch\n"
        ".globl cmref_fiber_start\n"
        ".hidden cmref_fiber_start\n"
        ".type cmref_fiber_start, %function\n"
        ".p2align 4\n"
        "cmref_fiber_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined x30\n"
        "  mov x0, x19\n"
        "  blr x20\n"
        "  brk #0\n" /* fiber_run never returns */
        "  .cfi_endproc\n"
        ".size cmref_fiber_start, .-cmref_fiber_start\n"
        ".popsection\n");

/* The frame cmref_fiber_switch pops, in 8-byte words, lowest first. */
enum { A64_X19, A64_X20, A64_X29 = 10, A64_X30, A64_FPCR = 20, A64_FRAME = 22 };
#endif

#ifndef FIBER_SWITCH_UCONTEXT
void cmref_fiber_switch(void **save, void *to);
void cmref_fiber_start(void);

/* Points f->ctx at fiber_run(f) on f's own stack: a frame for
 * cmref_fiber_switch to pop at the top of the stack. */
static bool fiber_prepare(canon_fiber *f) {
  /* the top of the stack: page-aligned, so 16-byte aligned */
  uint64_t *top = (uint64_t *)((char *)f->stack + f->stack_size);
#if defined(FIBER_SWITCH_X86_64)
  /* two zero words above the frame: after its ret, rsp is 16-byte aligned
   * (the frame is 64 bytes) and cmref_fiber_start's call enters fiber_run
   * as the ABI wants, with rsp + 8 aligned */
  uint64_t *frame = top - 2 - X64_FRAME;
  memset(frame, 0, (X64_FRAME + 2) * sizeof *frame);
  /* the fiber starts with its creator's floating-point control, as a
   * thread made by getcontext/makecontext would */
  uint32_t mxcsr;
  uint16_t fcw;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  __asm__ volatile("fnstcw %0" : "=m"(fcw));
  memcpy((char *)&frame[X64_CTL], &mxcsr, sizeof mxcsr);
  memcpy((char *)&frame[X64_CTL] + 4, &fcw, sizeof fcw);
  frame[X64_RBX] = (uint64_t)(uintptr_t)f;
  frame[X64_R12] = (uint64_t)(uintptr_t)fiber_run;
  frame[X64_RBP] = 0;
  frame[X64_RET] = (uint64_t)(uintptr_t)cmref_fiber_start;
#else
  uint64_t *frame = top - A64_FRAME;
  memset(frame, 0, A64_FRAME * sizeof *frame);
  frame[A64_X19] = (uint64_t)(uintptr_t)f;
  frame[A64_X20] = (uint64_t)(uintptr_t)fiber_run;
  frame[A64_X29] = 0;
  frame[A64_X30] = (uint64_t)(uintptr_t)cmref_fiber_start;
  uint64_t fpcr;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  frame[A64_FPCR] = fpcr;
#endif
  f->ctx.sp = frame;
  return true;
}

/* Saves the running context in *save and continues to's; returns when
 * something switches back to *save. */
static void fiber_switch(fiber_ctx *save, const fiber_ctx *to) {
  cmref_fiber_switch(&save->sp, to->sp);
}

#else /* FIBER_SWITCH_UCONTEXT */

/* makecontext passes only ints, so f arrives split in two 32-bit halves. */
static void fiber_entry(int hi, int lo) {
  uint64_t bits = (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
  fiber_run((canon_fiber *)(uintptr_t)bits);
}

/* Points f->ctx at fiber_entry(f) on f's stack.  Its own function, so
 * that getcontext (which "returns twice" to the compiler, although this
 * context is never resumed here) has no variable of the caller's to
 * worry about. */
static bool fiber_prepare(canon_fiber *f) {
  if (getcontext(&f->ctx.uc) != 0) return false;
  f->ctx.uc.uc_stack.ss_sp = f->stack;
  f->ctx.uc.uc_stack.ss_size = f->stack_size;
  f->ctx.uc.uc_link = NULL; /* fiber_entry never returns */
  uint64_t bits = (uint64_t)(uintptr_t)f;
  makecontext(&f->ctx.uc, (void (*)(void))fiber_entry, 2,
              (int)(uint32_t)(bits >> 32), (int)(uint32_t)bits);
  return true;
}

/* swapcontext fails only when sigprocmask does, i.e. on invalid arguments
 * (never: both contexts are this file's own); the abort says "cannot
 * happen", not a guest error. */
static void fiber_switch(fiber_ctx *save, const fiber_ctx *to) {
  if (swapcontext(&save->uc, &to->uc) != 0) abort();
}
#endif

/* ---- entry ---------------------------------------------------------------- */

/* The first code on a fiber's stack.  It never returns: when fn has
 * returned it switches to the resumer for good (the context it saves then
 * is never resumed; fiber_prepare makes a new one if the stack is reused). */
static void fiber_run(canon_fiber *f) {
#ifdef CANON_ASAN
  asan_finish(NULL, &f->resumer_bottom, &f->resumer_size);
#endif
  f->fn(f->arg);
  f->done = true;
  f->running = false;
#ifdef CANON_ASAN
  /* NULL: this stack is finished for good, ASan may drop its fake stack */
  asan_start(NULL, f->resumer_bottom, f->resumer_size);
#endif
  fiber_switch(&f->ctx, &f->resumer);
  abort(); /* unreachable: nothing switches to a finished fiber */
}

/* fiber_switch between f and its resumer, announced to ASan: in, from
 * the resumer to f's stack until f blocks or ends; out (f blocking), from
 * f to the resumer until f is resumed, noting the stack it is resumed
 * from, since the next resumer may run on another stack than the last. */
static void fiber_switch_announced(canon_fiber *f, bool in) {
#ifdef CANON_ASAN
  void *fake = NULL;
  asan_start(&fake, in ? f->stack : f->resumer_bottom,
             in ? f->stack_size : f->resumer_size);
#endif
  if (in)
    fiber_switch(&f->resumer, &f->ctx);
  else
    fiber_switch(&f->ctx, &f->resumer);
#ifdef CANON_ASAN
  asan_finish(fake, in ? NULL : &f->resumer_bottom,
              in ? NULL : &f->resumer_size);
#endif
}

/* ---- API -------------------------------------------------------------------- */

canon_fiber *canon_fiber_new(canon_fiber_pool *pool, canon_fiber_fn fn,
                             void *arg) {
  size_t want = pool && pool->stack_size ? pool->stack_size
                                         : CANON_FIBER_STACK_SIZE;
  canon_fiber *f = NULL;
  if (pool && pool->spare) {
    f = pool->spare;
    pool->spare = f->next;
    pool->nspare--;
    if (f->stack_size < want) { /* pool->stack_size grew: no use */
      fiber_release(f);
      f = NULL;
    }
  }
  if (!f) f = fiber_alloc(want);
  if (!f) return NULL;
  f->fn = fn;
  f->arg = arg;
  f->started = f->running = f->done = false;
  f->next = NULL;
#ifdef CANON_ASAN
  f->resumer_bottom = NULL;
  f->resumer_size = 0;
  f->abandon = false;
#endif
  if (!fiber_prepare(f)) {
    canon_fiber_free(pool, f);
    return NULL;
  }
  return f;
}

bool canon_fiber_resume(canon_fiber *f) {
  assert(!f->running && !f->done);
  f->started = true;
  f->running = true;
  fiber_switch_announced(f, true);
  f->running = false;
  return f->done;
}

void canon_fiber_block(canon_fiber *f) {
  assert(f->running && !f->done);
  fiber_switch_announced(f, false);
#ifdef CANON_ASAN
  if (f->abandon) {
    /* canon_fiber_free ending a blocked fiber: leave for good, so ASan
     * drops this stack's fake stack; fn's code never runs again */
    asan_start(NULL, f->resumer_bottom, f->resumer_size);
    fiber_switch(&f->ctx, &f->resumer);
    abort(); /* unreachable: an abandoned fiber is never resumed again */
  }
#endif
}

bool canon_fiber_done(const canon_fiber *f) { return f->done; }

bool canon_fiber_running(const canon_fiber *f) { return f->running; }

void canon_fiber_free(canon_fiber_pool *pool, canon_fiber *f) {
  if (!f) return;
  assert(!f->running);
#ifdef CANON_ASAN
  if (f->started && !f->done) {
    /* A blocked fiber: switch in once so it can announce its end (see
     * canon_fiber_block); then its abandoned frames' shadow is cleared so
     * the next fiber on this stack starts clean. */
    f->abandon = true;
    fiber_switch_announced(f, true);
  }
  __asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
  if (pool && pool->nspare < FIBER_MAX_SPARE) {
    f->next = pool->spare;
    pool->spare = f;
    pool->nspare++;
    return;
  }
  fiber_release(f);
}

void canon_fiber_pool_free(canon_fiber_pool *pool) {
  while (pool->spare) {
    canon_fiber *f = pool->spare;
    pool->spare = f->next;
    fiber_release(f);
  }
  pool->nspare = 0;
}
