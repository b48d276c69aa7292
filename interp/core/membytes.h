/* membytes.h -- allocation of linear-memory bytes (see membytes.c): new
 * bytes are zero; `mapped` is the allocator's own bookkeeping. */
#ifndef CORE_MEMBYTES_H
#define CORE_MEMBYTES_H

#include <stdint.h>

uint8_t *core_membytes_alloc(uint64_t size, uint64_t *mapped);
/* NULL when the bytes cannot grow (p is then unchanged and still valid). */
uint8_t *core_membytes_grow(uint8_t *p, uint64_t *mapped, uint64_t old_size,
                            uint64_t new_size);
void core_membytes_free(uint8_t *p, uint64_t mapped);

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
