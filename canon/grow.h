/* grow.h -- the one growable array of cmref (canon/ and interp/ alike):
 * an array `arr` of `n` elements with room for `cap`, doubled when it is
 * full.  Header-only plumbing, not a spec concept.  The sizes are checked
 * for overflow (of the element count's type and of size_t), and running
 * out of memory ends the run with a message (canon_out_of_memory), as
 * everywhere else: a reference interpreter has nothing useful to do
 * without memory, and no input may reach an abort. */
#ifndef CANON_GROW_H
#define CANON_GROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"

/* realloc that never returns NULL (and never frees on size 0). */
static inline void *canon_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) canon_out_of_memory();
  return q;
}

/* malloc that never returns NULL. */
static inline void *canon_xmalloc(size_t n) { return canon_xrealloc(NULL, n); }

/* strdup that never returns NULL. */
static inline char *canon_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(canon_xmalloc(n), s, n);
}

/* calloc that never returns NULL. */
static inline void *canon_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) canon_out_of_memory();
  return p;
}

/* Returns arr reallocated to hold at least `need` elements of `elsize`
 * bytes: *cap (or `first` when the array has none yet) doubled until it is
 * enough.  `maxcap` is the largest count the caller's cap type holds; a
 * larger need is out of memory too.  With `zero`, the new elements are
 * cleared. */
static inline void *canon_grow_to(void *arr, size_t need, size_t *cap,
                                  size_t elsize, size_t first, size_t maxcap,
                                  bool zero) {
  size_t c = *cap ? *cap : first;
  while (c < need && c <= maxcap / 2) c *= 2;
  if (c < need) c = need;
  if (c > maxcap || c > SIZE_MAX / elsize) canon_out_of_memory();
  arr = canon_xrealloc(arr, c * elsize);
  if (zero) memset((char *)arr + *cap * elsize, 0, (c - *cap) * elsize);
  *cap = c;
  return arr;
}

/* The same for a uint32_t cap. */
static inline void *canon_grow_to32(void *arr, size_t need, uint32_t *cap,
                                    size_t elsize, size_t first, bool zero) {
  size_t c = *cap;
  arr = canon_grow_to(arr, need, &c, elsize, first, UINT32_MAX, zero);
  *cap = (uint32_t)c;
  return arr;
}

static inline void *canon_grow_to_size(void *arr, size_t need, size_t *cap,
                                       size_t elsize, size_t first,
                                       bool zero) {
  return canon_grow_to(arr, need, cap, elsize, first, SIZE_MAX, zero);
}

/* Expressions of type void.  `cap` is an lvalue of type uint32_t or
 * size_t, `n` and `need` element counts; the first array is `first`
 * elements long. */
#define CANON_GROW_FN_(cap) \
  _Generic(&(cap), uint32_t *: canon_grow_to32, default: canon_grow_to_size)
#define CANON_RESERVE_(arr, need, cap, first, zero)                          \
  ((void)((size_t)(need) > (size_t)(cap) &&                                  \
          ((arr) = CANON_GROW_FN_(cap)((arr), (size_t)(need), &(cap),        \
                                       sizeof *(arr), (first), (zero)),      \
           1)))

/* Makes arr hold at least `need` elements. */
#define CANON_RESERVE(arr, need, cap, first) \
  CANON_RESERVE_(arr, need, cap, first, false)
/* Makes room for arr[n], one element after the n in use. */
#define CANON_GROW(arr, n, cap, first) \
  CANON_RESERVE_(arr, (size_t)(n) + 1, cap, first, false)
/* The same, the new elements cleared. */
#define CANON_RESERVE_ZERO(arr, need, cap, first) \
  CANON_RESERVE_(arr, need, cap, first, true)
#define CANON_GROW_ZERO(arr, n, cap, first) \
  CANON_RESERVE_(arr, (size_t)(n) + 1, cap, first, true)


/* The room CANON_GROW(arr, n, cap, first) leaves an array of n elements
 * that started empty: n rounded up to first times a power of two. */
static inline size_t canon_room_(size_t n, size_t first) {
  size_t c = n ? first : 0;
  while (c < n) c *= 2;
  return c;
}
/* CANON_GROW for an array that keeps no capacity, only its count n; it
 * must only ever grow this way (with the same `first`). */
#define CANON_GROW_UNCOUNTED(arr, n, first)       \
  do {                                            \
    size_t room_ = canon_room_((n), (first));     \
    CANON_GROW(arr, n, room_, first);             \
  } while (0)

/* A growable array type: v[0..n) with room for cap. */
#define CANON_VEC(T) \
  struct {           \
    T *v;            \
    uint32_t n, cap; \
  }
/* Appends x to the CANON_VEC *vec. */
#define CANON_VEC_PUSH(vec, x) \
  (CANON_GROW((vec)->v, (vec)->n, (vec)->cap, 8), (vec)->v[(vec)->n++] = (x))
/* Frees the CANON_VEC *vec's elements and empties it. */
#define CANON_VEC_FREE(vec) \
  (free((vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)

/* Removes the first element equal to *x from arr[0..*n), keeping the
 * order of the rest; false if there was none. */
static inline bool canon_remove_(void *arr, uint32_t *n, size_t elsize,
                                 const void *x) {
  char *a = arr;
  for (uint32_t i = 0; i < *n; i++)
    if (!memcmp(a + i * elsize, x, elsize)) {
      memmove(a + i * elsize, a + (i + 1) * elsize, (*n - i - 1) * elsize);
      (*n)--;
      return true;
    }
  return false;
}
/* The same for an array `arr` of `n` (a uint32_t lvalue) elements and an
 * lvalue x of the element type. */
#define CANON_REMOVE(arr, n, x) \
  canon_remove_((arr), &(n), sizeof *(arr), &(x))

/* Frees each pointer of a list of owned blocks. */
static inline void canon_free_all_(void *const *p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i]);
}
#define CANON_FREE_ALL(...)                                 \
  canon_free_all_((void *const[]){__VA_ARGS__},             \
                  sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
