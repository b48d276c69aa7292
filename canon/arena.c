/* arena.c -- the bump allocator; see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asan.h"
#include "context.h"

typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  _Alignas(max_align_t) unsigned char data[];
} arena_block;

struct canon_arena {
  arena_block *blocks; /* the newest first: the one allocations come from */
};

/* Blocks grow from 4 KiB and stay below 64 KiB: allocators (ASan's too)
 * recycle blocks that size from their free lists, where bigger ones are
 * fresh mappings each time (page faults, and unmapping when freed).  A
 * larger allocation gets a block of its own. */
enum { ARENA_ALIGN = _Alignof(max_align_t), ARENA_BLOCK_MIN = 4096 - 64,
       ARENA_BLOCK_MAX = 65536 - 64 };
#ifdef CANON_ASAN
enum { ARENA_REDZONE = 16 };
#else
enum { ARENA_REDZONE = 0 };
#endif

canon_arena *canon_arena_new(void) { return calloc(1, sizeof(canon_arena)); }

void *canon_arena_try_alloc(canon_arena *a, size_t size) {
  size_t need = (size + ARENA_REDZONE + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
  if (need < size) return NULL; /* overflow */
  arena_block *b = a->blocks;
  if (!b || b->cap - b->used < need) {
    size_t cap = b ? b->cap * 2 : ARENA_BLOCK_MIN;
    if (cap > ARENA_BLOCK_MAX) cap = ARENA_BLOCK_MAX;
    if (cap < need) cap = need;
    if (cap > SIZE_MAX - sizeof *b) return NULL;
    arena_block *nb = malloc(sizeof *nb + cap);
    if (!nb) return NULL;
    nb->next = b;
    nb->used = 0;
    nb->cap = cap;
#ifdef CANON_ASAN
    ASAN_POISON_MEMORY_REGION(nb->data, cap);
#endif
    a->blocks = b = nb;
  }
  void *p = b->data + b->used;
  b->used += need;
#ifdef CANON_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, size);
#endif
  return p;
}

void *canon_arena_alloc(canon_arena *a, size_t size) {
  void *p = canon_arena_try_alloc(a, size);
  if (!p) canon_out_of_memory();
  return memset(p, 0, size);
}

char *canon_arena_strndup(canon_arena *a, const char *s, size_t n) {
  if (n == SIZE_MAX) canon_out_of_memory();
  char *d = canon_arena_try_alloc(a, n + 1);
  if (!d) canon_out_of_memory();
  if (n) memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void canon_arena_free(canon_arena *a) {
  if (!a) return;
  while (a->blocks) {
    arena_block *b = a->blocks;
    a->blocks = b->next;
#ifdef CANON_ASAN
    ASAN_UNPOISON_MEMORY_REGION(b->data, b->cap);
#endif
    free(b);
  }
  free(a);
}
