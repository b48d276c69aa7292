/* canon_test.h -- scripted guests for the canon/ unit tests: a linear memory
 * that is a plain byte array, and a realloc that logs every call and either
 * bump-allocates (copying the old contents, as a real realloc does) or
 * returns scripted results, or traps.  All state lives in a canon_guest on
 * the test's stack. */
#ifndef CANON_TEST_H
#define CANON_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon/context.h"
#include "canon/instance.h"
#include "canon/store.h"

#define GUEST_MEM 4096
#define GUEST_MAX_CALLS 16

typedef struct realloc_call {
  uint64_t old_ptr, old_size, align, new_size;
} realloc_call;

typedef struct canon_guest {
  canon_Store store; /* each guest its own Store (enough for sync calls) */
  uint8_t mem[GUEST_MEM];
  uint64_t mem_len; /* len(memory): may be less than GUEST_MEM */
  canon_MemInst memory;
  canon_realloc realloc;
  canon_CanonicalOptions opts;
  canon_ComponentInstance inst;
  canon_LiftLowerContext cx;
  /* realloc log and behaviour */
  realloc_call calls[GUEST_MAX_CALLS];
  int ncalls;
  uint64_t bump;                        /* next free byte for bump allocation */
  uint64_t script[GUEST_MAX_CALLS];     /* results to return, if nscript > 0 */
  int nscript;
  int trap_on_call; /* 1-based call number that traps; 0: never */
  canon_type_arena *arena; /* the test's types */
} canon_guest;

static inline uint64_t guest_size(void *env) { return ((canon_guest *)env)->mem_len; }

static inline void guest_read(void *env, uint64_t addr, void *dst, uint64_t n) {
  canon_guest *g = env;
  if (!(addr <= g->mem_len && n <= g->mem_len - addr)) abort();
  memcpy(dst, g->mem + addr, n);
}

static inline void guest_write(void *env, uint64_t addr, const void *src, uint64_t n) {
  canon_guest *g = env;
  if (!(addr <= g->mem_len && n <= g->mem_len - addr)) abort();
  memcpy(g->mem + addr, src, n);
}

static inline bool guest_realloc(void *env, uint64_t old_ptr, uint64_t old_size,
                          uint64_t align, uint64_t new_size, uint64_t *result,
                          canon_trap *trap) {
  canon_guest *g = env;
  /* The spec calls realloc with may_leave cleared. */
  if (g->inst.may_leave) abort();
  if (g->ncalls < GUEST_MAX_CALLS)
    g->calls[g->ncalls] = (realloc_call){old_ptr, old_size, align, new_size};
  g->ncalls++;
  if (g->trap_on_call == g->ncalls)
    return canon_trapf(trap, CANON_TRAP_GUEST, "unreachable");
  uint64_t p;
  if (g->nscript > 0) {
    p = g->script[g->ncalls - 1];
  } else {
    p = (g->bump + align - 1) / align * align;
    g->bump = p + new_size;
    if (g->bump > g->mem_len) abort();
  }
  /* Copy min(old, new) bytes, as realloc does, when the result is real. */
  uint64_t keep = old_size < new_size ? old_size : new_size;
  if (keep && p != old_ptr && p + keep <= g->mem_len &&
      old_ptr + keep <= g->mem_len)
    memmove(g->mem + p, g->mem + old_ptr, keep);
  *result = p;
  return true;
}

/* A guest with a 32- or 64-bit memory of mem_len bytes, the given string
 * encoding, a realloc, and an instance; returns the arena for the test's
 * types, freed with the guest. */
static inline canon_type_arena *guest_init(canon_guest *g, canon_flat addrtype,
                                           canon_string_encoding enc,
                                           uint64_t mem_len) {
  memset(g, 0, sizeof *g);
  g->mem_len = mem_len;
  g->memory = (canon_MemInst){g, NULL, addrtype, guest_size, guest_read,
                             guest_write};
  g->realloc = (canon_realloc){g, guest_realloc};
  g->opts.string_encoding = enc;
  g->opts.memory = &g->memory;
  g->opts.realloc = &g->realloc;
  canon_Store_init(&g->store);
  canon_ComponentInstance_init(&g->inst, &g->store, NULL);
  canon_LiftLowerContext_init(&g->cx, &g->opts, &g->inst, (canon_borrow_scope){0});
  g->bump = 1024; /* allocations land above the scratch area at 0..1023 */
  g->arena = canon_type_arena_new();
  return g->arena;
}

static inline void guest_free(canon_guest *g) {
  canon_Store_free(&g->store);
  canon_ComponentInstance_free(&g->inst);
  canon_type_arena_free(g->arena);
}

/* A component instance other than the guest's, in a store of its own (the
 * implementation of a resource type, say). */
typedef struct other_instance {
  canon_Store store;
  canon_ComponentInstance inst;
} other_instance;

static inline void other_init(other_instance *o) {
  canon_Store_init(&o->store);
  canon_ComponentInstance_init(&o->inst, &o->store, NULL);
}

static inline void other_free(other_instance *o) {
  canon_ComponentInstance_free(&o->inst);
  canon_Store_free(&o->store);
}

/* Resets the trap and the realloc log between steps of one test. */
static inline void guest_reset(canon_guest *g) {
  g->cx.trap.kind = CANON_TRAP_NONE;
  g->cx.trap.msg[0] = 0;
  g->ncalls = 0;
  g->nscript = 0;
  g->trap_on_call = 0;
  g->inst.may_leave = true;
}

static inline void put32(canon_guest *g, uint64_t addr, uint32_t v) {
  for (int i = 0; i < 4; i++) g->mem[addr + i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t get32(canon_guest *g, uint64_t addr) {
  return g->mem[addr] | (uint32_t)g->mem[addr + 1] << 8 |
         (uint32_t)g->mem[addr + 2] << 16 | (uint32_t)g->mem[addr + 3] << 24;
}

static inline uint64_t get64(canon_guest *g, uint64_t addr) {
  return get32(g, addr) | (uint64_t)get32(g, addr + 4) << 32;
}

#endif
