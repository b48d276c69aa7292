/* runtime.h -- internal to the core runtime (store.c, instantiate.c,
 * exec.c): the layout of runtime objects (core spec "Runtime Structure").
 * Users of the runtime see only exec.h. */
#ifndef CORE_RUNTIME_H
#define CORE_RUNTIME_H

#include <stddef.h>

#include "exec.h"

/* A function type interned in the store, so that the type check of
 * call_indirect and of function imports is one pointer comparison. */
typedef struct core_rtype {
  core_functype ft; /* owned copies of the value type arrays */
} core_rtype;

struct core_func_inst {
  const core_rtype *type;
  core_instance *inst;     /* NULL for host functions */
  const core_func *code;   /* wasm functions */
  uint32_t nlocals_total;  /* params + declared locals */
  uint32_t frame_slots;    /* nlocals_total + max operand height */
  core_host_fn host;       /* host functions */
  void *env;
};

struct core_table_inst {
  core_tabletype type; /* limits.min is the current size */
  core_ref *elems;
  uint64_t size;
  uint64_t cap; /* elements allocated: table.grow doubles it (linear work) */
  uint64_t max; /* effective maximum: the type's and the store's limit */
};

struct core_mem_inst {
  core_memtype type; /* limits.min is the current size in pages */
  uint8_t *data;
  uint64_t size;  /* bytes */
  uint64_t pages;
  uint64_t max;   /* effective maximum in pages */
  uint64_t mapped; /* membytes.c's bookkeeping */
  struct core_membytes_pool *pool; /* the store's (core_store_share_memories) */
};

struct core_global_inst {
  core_globaltype type;
  uint64_t val;
};

struct core_tag_inst {
  const core_rtype *type;
};

struct core_exn {
  core_exn *next; /* every exception of the store, to free them */
  core_tag_inst *tag;
  uint32_t n;
  uint64_t vals[];
};

struct core_instance {
  const core_module *m;
  const core_rtype **types;
  core_func_inst **funcs;
  core_table_inst **tables;
  core_mem_inst **mems;
  core_global_inst **globals;
  core_tag_inst **tags;
  core_ref **elems;      /* element segment instances: their references */
  uint64_t *elem_len;    /* 0 once dropped */
  uint64_t *data_len;    /* 0 once dropped; bytes are the module's */
};

/* A value stack with its call frames: the state of one core_call. */
typedef struct core_frame {
  const core_instr *pc; /* the call instruction of the caller */
  size_t fp;            /* caller's locals, as an offset in the stack */
  core_func_inst *func; /* caller */
} core_frame;

typedef struct core_thread {
  struct core_thread *next; /* in the store's pool of spare stacks */
  uint64_t *stack;
  size_t cap;
  core_frame *frames;
  size_t nframes, fcap;
  /* While a host function called from wasm runs (digest.c): the calling
   * function, its frame and operand top (the host function's arguments
   * included) and the call instruction; host_fn NULL otherwise. */
  core_func_inst *host_fn;
  const core_instr *host_pc;
  size_t host_fp, host_sp;
  uint64_t owner; /* core_store.owner when the core_call began */
  struct core_thread *active_prev, *active_next; /* core_store.active */
} core_thread;

/* Every object the store owns, by kind, to free them with it. */
typedef struct core_objlist {
  void **items;
  size_t n, cap;
} core_objlist;

struct core_store {
  core_config cfg;
  char msg[256];
  core_exn *exn;      /* the exception of the last CORE_THROWN */
  core_exn *all_exns; /* every exception made, freed with the store */
  uint64_t fuel_left; /* UINT64_MAX when unlimited */
  uint64_t fuel_start;
  /* With a timeout, fuel_left is a slice; the rest waits here, and the
   * clock is read when a slice runs out (core_store_refuel). */
  uint64_t fuel_reserve;
  uint64_t deadline_ns; /* CLOCK_MONOTONIC; 0: no timeout */
  char exhausted_msg[96]; /* why the last core_store_refuel said no */
  uint32_t depth; /* wasm frames live in the store, all core_calls together */
  uint32_t nest;  /* core_calls running (nested through host functions) */
  core_objlist types, funcs, tables, mems, globals, tags, insts;
  /* where the objects of those lists and their fixed-size arrays are
   * carved from (core_store_alloc): they all die with the store, and a
   * walk (--explore) makes a store per run */
  struct canon_arena *arena;
  core_thread *spare;
  /* the core_calls in progress (blocked ones included), newest first, and
   * the label the embedder gives the next ones (digest.c) */
  core_thread *active;
  uint64_t owner;
  /* NULL, or where memories' bytes come from and go back to
   * (core_store_share_memories) */
  struct core_membytes_pool *mem_pool;
};

/* store.c */
bool core_store_track(core_store *s, core_objlist *l, void *obj);
/* n objects of size bytes, cleared, owned by the store (its arena); NULL
 * when memory runs out. */
void *core_store_alloc(core_store *s, size_t n, size_t size);
const core_rtype *core_store_intern_type(core_store *s, const core_functype *ft);
core_outcome core_set_message(core_store *s, core_outcome o, const char *msg);
/* fuel_left ran out (or is below a bulk instruction's cost): moves the next
 * slice from the reserve unless the fuel is all used or the deadline has
 * passed; then false, with the reason in s->exhausted_msg. */
bool core_store_refuel(core_store *s);
core_exn *core_exn_new(core_store *s, core_tag_inst *tag, uint32_t n,
                       const uint64_t *vals);
bool core_table_grow(core_table_inst *t, uint64_t delta, core_ref init);
bool core_memory_grow(core_mem_inst *m, uint64_t delta);

/* exec.c: table.init/memory.init as instantiation uses them. */
bool core_table_init(core_table_inst *t, const core_ref *seg, uint64_t seglen,
                     uint64_t d, uint64_t s, uint64_t n);
bool core_memory_init(core_mem_inst *m, const uint8_t *seg, uint64_t seglen,
                      uint64_t d, uint64_t s, uint64_t n);

#endif
