/* u64map.h -- a hash map from 64-bit keys (ids, addresses, digests) to
 * 32-bit values, the integer twin of nameset.h: each lookup O(1)
 * expected, so that a walk over guest- or trace-controlled counts stays
 * linear.  Open addressing with linear probing; running out of memory
 * ends the run (canon_out_of_memory). */
#ifndef CANON_U64MAP_H
#define CANON_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct canon_u64map_slot {
  uint64_t key;
  uint32_t val;
  bool used;
} canon_u64map_slot;

typedef struct canon_u64map {
  canon_u64map_slot *slots;
  uint32_t cap, count; /* cap: 0 or a power of two, >= 2 * count */
} canon_u64map;

bool canon_u64map_get(const canon_u64map *m, uint64_t key, uint32_t *val);
/* Sets key's value, adding the key if it is new. */
void canon_u64map_put(canon_u64map *m, uint64_t key, uint32_t val);
void canon_u64map_free(canon_u64map *m);

#endif
