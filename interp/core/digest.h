/* digest.h -- the core store's state, word by word, for a digest of the
 * whole state (--explore; see digest.c). */
#ifndef CORE_DIGEST_H
#define CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "exec.h"
#include "../../canon/state_hash.h"
#include "../../canon/u64map.h"

typedef void (*core_digest_word)(void *ctx, uint64_t w);
typedef void (*core_digest_bytes)(void *ctx, const void *p, size_t n);

/* What one digest of a state keeps between its parts: each memory's
 * contents, hashed once (a memory shared by instances is in the part of
 * each, and in the store's), and the store's instances and functions by
 * address, so that labelling a table's references stays linear.
 * CORE_DIGEST_MEMO_INIT before the first part; core_digest_memo_free
 * after the last. */
typedef struct core_digest_memo {
  canon_u64map mem_at;     /* memory address -> its position in mem */
  canon_digest *mem;       /* each memory's contents */
  uint32_t nmem, capmem;
  canon_u64map inst_at, func_at; /* address -> position in the store + 1 */
  bool indexed;
  int pagemap; /* core_membytes_touched's file: -1 before it is opened */
} core_digest_memo;
/* A memo before its first part. */
#define CORE_DIGEST_MEMO_INIT {.pagemap = -1}
void core_digest_memo_free(core_digest_memo *memo);

/* The label the digest gives core function f (by its instance and index,
 * or its place among the store's functions). */
uint64_t core_digest_func_label(const core_store *s, core_digest_memo *memo,
                                const core_func_inst *f);

/* One core instance's state: its memories (imported ones too), globals,
 * tables and dropped segments. */
void core_instance_digest(const core_store *s, const core_instance *in,
                          core_digest_memo *memo, core_digest_word word,
                          core_digest_bytes bytes, void *ctx);

/* The label the digest gives the calls of an owner (core_store_set_owner);
 * NULL: the owner number itself. */
typedef uint64_t (*core_digest_owner)(void *ctx, uint64_t owner);

void core_store_digest(const core_store *s, core_digest_memo *memo,
                       core_digest_word word, core_digest_bytes bytes,
                       core_digest_owner owner_label, void *ctx);
/* Its last part: the core calls in progress (their stacks), by owner. */
void core_store_calls_digest(const core_store *s, core_digest_memo *memo,
                             core_digest_word word, core_digest_bytes bytes,
                             core_digest_owner owner_label, void *ctx);
/* The label of the core_calls that start from now on (the embedder's
 * name for the thread they run on). */
void core_store_set_owner(core_store *s, uint64_t owner);

#endif
