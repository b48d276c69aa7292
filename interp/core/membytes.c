/* membytes.c -- the bytes of linear memories.  On Linux they are anonymous
 * mappings grown with mremap: the kernel hands out zero pages on first
 * touch, so memory.grow costs no time or resident memory for pages the
 * guest never uses (a guest growing to the 4 GiB limit does not take 4 GiB).
 * Elsewhere, calloc / realloc + memset, and every page counts as touched. */
#if defined(__linux__)
#define _GNU_SOURCE /* mremap */
#endif

#include "membytes.h"

#include "../../canon/grow.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t round_up(uint64_t n) {
  const uint64_t page = 4096;
  if (n == 0) return page;
  return (n + page - 1) / page * page;
}

/* A kept mapping of exactly len bytes, its touched pages zeroed; NULL if
 * none. */
static uint8_t *from_pool(core_membytes_pool *pool, uint64_t len) {
  for (uint32_t i = pool->n; i-- > 0;) {
    if (pool->v[i].mapped != len) continue;
    uint8_t *p = pool->v[i].p;
    pool->bytes -= len;
    pool->v[i] = pool->v[--pool->n];
    uint64_t n = len / CORE_MEMBYTES_PAGE;
    unsigned char *touched = canon_xmalloc((size_t)n);
    core_membytes_touched(p, len, touched, &pool->pagemap);
    for (uint64_t k = 0; k < n; k++)
      if (touched[k]) memset(p + k * CORE_MEMBYTES_PAGE, 0, CORE_MEMBYTES_PAGE);
    free(touched);
    return p;
  }
  return NULL;
}

uint8_t *core_membytes_alloc(core_membytes_pool *pool, uint64_t size,
                             uint64_t *mapped) {
  uint64_t len = round_up(size);
  if (len < size || len > (uint64_t)SIZE_MAX) return NULL;
  void *p = pool ? from_pool(pool, len) : NULL;
  if (!p) {
    p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NULL;
  }
  *mapped = len;
  return p;
}

uint8_t *core_membytes_grow(uint8_t *p, uint64_t *mapped, uint64_t old_size,
                            uint64_t new_size) {
  (void)old_size;
  uint64_t len = round_up(new_size);
  if (len < new_size || len > (uint64_t)SIZE_MAX) return NULL;
  if (len <= *mapped) return p;
  void *q = mremap(p, (size_t)*mapped, (size_t)len, MREMAP_MAYMOVE);
  if (q == MAP_FAILED) return NULL;
  *mapped = len;
  return q;
}

void core_membytes_free(core_membytes_pool *pool, uint8_t *p,
                        uint64_t mapped) {
  if (!p) return;
  if (pool && pool->n < CORE_MEMBYTES_POOL_MAX &&
      mapped <= CORE_MEMBYTES_POOL_BYTES - pool->bytes) {
    CANON_GROW(pool->v, pool->n, pool->cap, 8);
    pool->v[pool->n++] = (struct core_membytes_kept){p, mapped};
    pool->bytes += mapped;
    return;
  }
  munmap(p, (size_t)mapped);
}

void core_membytes_pool_free(core_membytes_pool *pool) {
  for (uint32_t i = 0; i < pool->n; i++)
    munmap(pool->v[i].p, (size_t)pool->v[i].mapped);
  free(pool->v);
  core_membytes_pagemap_close(&pool->pagemap);
  *pool = (core_membytes_pool)CORE_MEMBYTES_POOL_INIT;
}

/* A page is surely all zero if it was never touched: /proc/self/pagemap
 * gives neither "present" (bit 63) nor "swapped" (bit 62) for it.  Not
 * mincore, which says only whether a page is in RAM: a page written and
 * then swapped out would read as zero. */
void core_membytes_touched(const uint8_t *p, uint64_t size,
                           unsigned char *touched, int *pagemap) {
  uint64_t n = (size + CORE_MEMBYTES_PAGE - 1) / CORE_MEMBYTES_PAGE;
  memset(touched, 1, (size_t)n);
  if (!size || sysconf(_SC_PAGESIZE) != CORE_MEMBYTES_PAGE) return;
  if (*pagemap == -1) {
    *pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (*pagemap < 0) *pagemap = -2; /* none: every page counts */
  }
  if (*pagemap < 0) return;
  uint64_t first = (uint64_t)(uintptr_t)p / CORE_MEMBYTES_PAGE;
  uint64_t e[512];
  for (uint64_t i = 0; i < n;) {
    uint64_t k = n - i < 512 ? n - i : 512;
    ssize_t got = pread(*pagemap, e, (size_t)k * sizeof *e,
                        (off_t)((first + i) * sizeof *e));
    if (got != (ssize_t)(k * sizeof *e)) return; /* unread: all count */
    for (uint64_t j = 0; j < k; j++)
      touched[i + j] = (e[j] >> 62) != 0;
    i += k;
  }
}

void core_membytes_pagemap_close(int *pagemap) {
  if (*pagemap >= 0) close(*pagemap);
  *pagemap = -1;
}

#else

uint8_t *core_membytes_alloc(core_membytes_pool *pool, uint64_t size,
                             uint64_t *mapped) {
  (void)pool;
  if (size > (uint64_t)SIZE_MAX) return NULL;
  *mapped = size;
  return calloc(size ? (size_t)size : 1, 1);
}

uint8_t *core_membytes_grow(uint8_t *p, uint64_t *mapped, uint64_t old_size,
                            uint64_t new_size) {
  if (new_size > (uint64_t)SIZE_MAX) return NULL;
  uint8_t *q = realloc(p, new_size ? (size_t)new_size : 1);
  if (!q) return NULL;
  memset(q + old_size, 0, (size_t)(new_size - old_size));
  *mapped = new_size;
  return q;
}

void core_membytes_free(core_membytes_pool *pool, uint8_t *p,
                        uint64_t mapped) {
  (void)pool, (void)mapped;
  free(p);
}

void core_membytes_pool_free(core_membytes_pool *pool) {
  free(pool->v);
  *pool = (core_membytes_pool)CORE_MEMBYTES_POOL_INIT;
}

void core_membytes_touched(const uint8_t *p, uint64_t size,
                           unsigned char *touched, int *pagemap) {
  (void)p, (void)pagemap;
  memset(touched, 1, (size_t)((size + CORE_MEMBYTES_PAGE - 1) /
                              CORE_MEMBYTES_PAGE));
}

void core_membytes_pagemap_close(int *pagemap) { *pagemap = -1; }

#endif
