/* u64map.h -- a hash map from 64-bit keys (ids, addresses, digests) to
 * 32-bit values, the integer twin of nameset.h: each lookup O(1)
 * expected, so that a walk over guest- or trace-controlled counts stays
 * linear.  Open addressing with linear probing; running out of memory
 * ends the run (canon_out_of_memory). */
#ifndef CM_U64MAP_H
#define CM_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct cm_u64map_slot {
  uint64_t key;
  uint32_t val;
  bool used;
} cm_u64map_slot;

typedef struct cm_u64map {
  cm_u64map_slot *slots;
  uint32_t cap, count; /* cap: 0 or a power of two, >= 2 * count */
} cm_u64map;

bool cm_u64map_get(const cm_u64map *m, uint64_t key, uint32_t *val);
/* Sets key's value, adding the key if it is new. */
void cm_u64map_put(cm_u64map *m, uint64_t key, uint32_t val);
void cm_u64map_free(cm_u64map *m);

#endif
