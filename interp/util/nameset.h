/* nameset.h -- a hash map from names (bytes + a small tag) to indices.
 *
 * The parsers and validators look names up once per item (duplicate
 * definitions, exports, imports, labels, instantiation arguments); with a
 * linear scan that is quadratic in guest-controlled counts, so 100,000
 * exports took minutes.  A nameset makes each lookup O(1) expected.
 *
 * Keys are not copied: the caller keeps them alive as long as the set.
 * Memory comes from malloc, or, when `alloc` is set, from that arena
 * function (nothing is then freed by the set; the arena owns it).
 */
#ifndef CM_NAMESET_H
#define CM_NAMESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cm_nameset_slot {
  const char *name; /* NULL: empty slot */
  size_t len;
  uint32_t tag, val;
} cm_nameset_slot;

typedef struct cm_nameset {
  cm_nameset_slot *slots;
  uint32_t cap, count; /* cap: 0 or a power of two, > 2 * count */
  bool fold_case;      /* ASCII letters compare case-insensitively */
  void *(*alloc)(void *ctx, size_t n); /* zeroed memory; NULL: calloc */
  void *ctx;
} cm_nameset;

typedef enum cm_nameset_result {
  CM_NAMESET_ADDED,
  CM_NAMESET_PRESENT, /* *val is the existing entry's value */
  CM_NAMESET_OOM,
} cm_nameset_result;

/* Adds (name, tag) -> val unless present; on PRESENT, *val becomes the
 * value already there. */
cm_nameset_result cm_nameset_add(cm_nameset *s, const char *name, size_t len,
                                 uint32_t tag, uint32_t *val);
bool cm_nameset_find(const cm_nameset *s, const char *name, size_t len,
                     uint32_t tag, uint32_t *val);
void cm_nameset_free(cm_nameset *s); /* a no-op for arena sets */

#endif
