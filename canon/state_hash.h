/* state_hash.h -- a digest of the Store's abstract state, for --explore's
 * detection of states already explored (interp/wast/explore.c).
 *
 * Two states with the same digest are treated as the same state: the
 * digest must take in everything that can influence what happens next.
 * It is built from ids and contents, never from addresses of heap
 * objects (each run of a script allocates anew, so the same state reached
 * by two schedules has other addresses); addresses of code (the ready
 * functions threads wait on) are the same in every run of one process.
 * What it cannot see -- the C locals of a blocked canon built-in beyond
 * the objects named here -- is listed in docs/cli.md ("Exploration"). */
#ifndef CANON_STATE_HASH_H
#define CANON_STATE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* 128 bits, so that a collision (two states taken for one) is as unlikely
 * as it can reasonably be made. */
typedef struct canon_digest {
  uint64_t a, b;
} canon_digest;

static inline void canon_digest_u64(canon_digest *d, uint64_t v) {
  d->a = ((d->a ^ v) * 0x9e3779b97f4a7c15ull);
  d->a ^= d->a >> 31;
  d->b = (d->b + v + 0x632be59bd9b4e019ull) * 0xd6e8feb86659fd93ull;
  d->b ^= d->b >> 29;
}
void canon_digest_bytes(canon_digest *d, const void *p, size_t n);

/* What the digest needs from the embedder: a label, the same in every run
 * of a script, for the lifted function a task runs (the canon_lifted is
 * made at instantiation, its address differs between runs); and, told
 * each live thread's id with its label in the digest, so that the
 * embedder can label what it keeps by thread id (the core stacks).
 * Each may be NULL. */
struct canon_lifted;
struct canon_core_callee;
typedef struct canon_state_labeler {
  void *ctx;
  uint64_t (*lifted)(void *ctx, const struct canon_lifted *l);
  /* the label of the core function a callee calls (a thread.new-indirect
   * thread's, before it runs) */
  uint64_t (*callee)(void *ctx, const struct canon_core_callee *f);
  void (*thread_label)(void *ctx, uint32_t id, uint64_t label);
  /* the part of the digest of insts[i]: its flags and tables, its tasks
   * and their threads */
  void (*inst_digest)(void *ctx, uint32_t i, const struct canon_digest *e);
  /* adds the embedder's state of insts[i] (its core instances) to its
   * part, before inst_digest */
  void (*inst_extra)(void *ctx, uint32_t i, struct canon_digest *e);
  /* the rest of the digest, which is no instance's part: the store's
   * own fields (nesting depth, current thread, thread count,
   * Store.waiting) and the threads and tasks of no instance given */
  void (*globals)(void *ctx, const struct canon_digest *g);
} canon_state_labeler;

/* The Store's threads (state, what they wait on), Store.waiting, its
 * tasks (state, function, caller), and the given component instances'
 * flags, handle tables and the objects in them (subtasks, waitable sets
 * and their elements, pending events, copy ends and their buffers'
 * progress, resource handles, error contexts).  Canonical: objects are
 * named by where a traversal meets them, not by creation numbers, and
 * what the spec shuffles (Store.waiting, a set's elements) is hashed as a
 * set -- see state_hash.c. */
void canon_state_hash(canon_digest *d, const canon_Store *s,
                      canon_ComponentInstance *const *insts, uint32_t ninsts,
                      const canon_state_labeler *lb);

#endif
