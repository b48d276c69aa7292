/* arena.h -- the one bump allocator of cmref (canon/ and interp/ alike):
 * many small objects that die together (a text's tree, a trace's strings,
 * a store's value types) are carved out of blocks and freed at once.
 * Plumbing, not a spec concept.  Under AddressSanitizer each allocation is
 * followed by a poisoned gap, so that reading past one is still reported
 * as it would be with a malloc of its own. */
#ifndef CANON_ARENA_H
#define CANON_ARENA_H

#include <stddef.h>

typedef struct canon_arena canon_arena;

/* An empty arena; NULL when out of memory. */
canon_arena *canon_arena_new(void);
/* size bytes aligned for any type (not cleared); NULL when the size
 * overflows or memory runs out: for callers that report that themselves. */
void *canon_arena_try_alloc(canon_arena *a, size_t size);
/* The same, cleared; running out of memory ends the run
 * (canon_out_of_memory), as everywhere else. */
void *canon_arena_alloc(canon_arena *a, size_t size);
/* A NUL-terminated copy of s[0..n) (canon_arena_alloc). */
char *canon_arena_strndup(canon_arena *a, const char *s, size_t n);
/* Frees every block and the arena; NULL does nothing. */
void canon_arena_free(canon_arena *a);

#endif
