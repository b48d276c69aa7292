/* membytes.h -- allocation of linear-memory bytes (see membytes.c): new
 * bytes are zero; `mapped` is the allocator's own bookkeeping. */
#ifndef CORE_MEMBYTES_H
#define CORE_MEMBYTES_H

#include <stdint.h>

/* Mappings kept for reuse instead of unmapped (--explore: each run of a
 * walk makes its memories anew, and unmapping them -- with its TLB flush
 * -- was half of a run's time): at most CORE_MEMBYTES_POOL_MAX of them,
 * CORE_MEMBYTES_POOL_BYTES in all (the pages a run touched stay resident
 * while kept: the bound on what a walk holds beyond one run).  A mapping
 * handed out again has its touched pages zeroed first
 * (core_membytes_touched), so that it reads as a fresh one and its
 * untouched pages stay untouched. */
#define CORE_MEMBYTES_POOL_MAX 64u
#define CORE_MEMBYTES_POOL_BYTES (64u << 20)
typedef struct core_membytes_pool {
  struct core_membytes_kept {
    uint8_t *p;
    uint64_t mapped;
  } *v;
  uint32_t n, cap;
  uint64_t bytes; /* mapped, over v[0..n) */
  int pagemap; /* core_membytes_touched's file: -1 before it is opened */
} core_membytes_pool;
#define CORE_MEMBYTES_POOL_INIT {.pagemap = -1}
void core_membytes_pool_free(core_membytes_pool *pool);

/* pool: NULL, or where the bytes come from and go back to. */
uint8_t *core_membytes_alloc(core_membytes_pool *pool, uint64_t size,
                             uint64_t *mapped);
/* NULL when the bytes cannot grow (p is then unchanged and still valid). */
uint8_t *core_membytes_grow(uint8_t *p, uint64_t *mapped, uint64_t old_size,
                            uint64_t new_size);
void core_membytes_free(core_membytes_pool *pool, uint8_t *p,
                        uint64_t mapped);

/* The pages (CORE_MEMBYTES_PAGE bytes each) of the first `size` bytes
 * that may hold something other than zero: touched[i] is 0 only if page
 * i is surely all zero (on Linux: never touched, by /proc/self/pagemap);
 * for a digest of a memory's contents that skips what the guest never
 * used.  *pagemap is the file it reads, opened on the first call (-1:
 * not yet); core_membytes_pagemap_close closes it. */
#define CORE_MEMBYTES_PAGE 4096u
void core_membytes_touched(const uint8_t *p, uint64_t size,
                           unsigned char *touched, int *pagemap);
void core_membytes_pagemap_close(int *pagemap);

#endif
