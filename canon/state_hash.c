/* state_hash.c -- the digest of the Store's abstract state; see
 * state_hash.h. */
#include "state_hash.h"

#include <stdlib.h>
#include <string.h>

#include "asan.h"
#include "buf.h"
#include "builtins.h"
#include "error_context.h"
#include "instance.h"
#include "stream.h"
#include "subtask.h"
#include "task.h"
#include "thread.h"
#include "u64map.h"
#include "waitable.h"

void canon_digest_bytes(canon_digest *d, const void *p, size_t n) {
  const unsigned char *c = p;
  canon_digest_u64(d, n);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, c + i, 8);
    canon_digest_u64(d, v);
  }
  uint64_t v = 0;
  memcpy(&v, c + i, n - i);
  canon_digest_u64(d, v);
}

/* Addresses of the objects the state names, and the labels the digest
 * uses for them.  A label says where a deterministic traversal of the
 * state meets the object, never when the object was made: an instance by
 * its id (instances are made by the script's commands, in its order), a
 * handle-table or thread-table entry by (instance, index) -- indices are
 * guest-visible --, a task by the label of its first thread, whatever is
 * left by its rank in that traversal.  Two states that differ only in the
 * order their tasks, threads and waitables were made get the same labels.
 * Built anew for each digest: addresses are compared only within one run. */
#define NONE 0xffffffffffffffffull /* no label */

typedef struct labels {
  uint64_t *label;
  uint32_t n, cap;
  canon_u64map index; /* address -> position in label */
} labels;

/* The label of p; an object the state does not name hashes as one value
 * (docs/cli.md "Exploration" says what that leaves out). */
static uint64_t label_of(const labels *l, const void *p) {
  uint32_t i;
  if (!p) return 0;
  return canon_u64map_get(&l->index, (uintptr_t)p, &i) ? l->label[i] : NONE;
}

static void relabel(labels *l, const void *p, uint64_t label) {
  uint32_t i;
  if (canon_u64map_get(&l->index, (uintptr_t)p, &i)) l->label[i] = label;
}

/* Gives p a label unless it has one already. */
static void label_add(labels *l, const void *p, uint64_t label) {
  if (!p || label_of(l, p) != NONE) return;
  CANON_GROW(l->label, l->n, l->cap, 64);
  canon_u64map_put(&l->index, (uintptr_t)p, l->n);
  l->label[l->n++] = label;
}

enum {
  L_INST = 1, L_ENTRY, L_THREAD_ENTRY, L_TASK, L_OTHER_THREAD, L_OTHER_TASK,
  L_BORROWS, L_HOOKS
};
#define LOW 0x0fffffffffffffffull /* a label without its kind */
#define LOW56 0x00ffffffffffffffull
static uint64_t lab(int what, uint64_t a, uint64_t b) {
  return ((uint64_t)what << 60) | (a << 30) | b;
}

/* A pointer the state holds, by its label.  Under AddressSanitizer the
 * object is read first: a pointer to an object since freed -- whose
 * address another object may have now, so that the digest would depend
 * on the allocator -- is a heap-use-after-free report, not a silent
 * difference between runs. */
static void hash_label(canon_digest *d, const labels *l, const void *p) {
#ifdef CANON_ASAN
  if (p) (void)*(const volatile unsigned char *)p;
#endif
  canon_digest_u64(d, label_of(l, p));
}

/* The labels of the pointers ps[0..n), sorted: a set whose order the spec
 * leaves to `random` (a waitable set's elements, Store.waiting). */
static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}
static void hash_label_set(canon_digest *d, const labels *l,
                           const void *const *ps, uint32_t n) {
  uint64_t *v = canon_xrealloc(NULL, (n + 1) * sizeof *v);
  for (uint32_t i = 0; i < n; i++) v[i] = label_of(l, ps[i]);
  qsort(v, n, sizeof *v, cmp_u64);
  canon_digest_u64(d, n);
  for (uint32_t i = 0; i < n; i++) canon_digest_u64(d, v[i]);
  free(v);
}

/* join_seq is left out: it only orders the set's elements, and that order
 * is the spec's shuffle (hash_label_set). */
static void hash_waitable(canon_digest *d, const labels *l,
                          const canon_Waitable *w) {
  canon_digest_u64(d, (uint64_t)(uintptr_t)w->pending_event);
  hash_label(d, l, w->wset);
  canon_digest_u64(d, w->has_sync_waiter);
}

static void hash_buffer(canon_digest *d, const canon_BufferGuestImpl *b) {
  canon_digest_u64(d, b->t != NULL);
  canon_digest_u64(d, b->ptr);
  canon_digest_u64(d, b->progress);
  canon_digest_u64(d, b->length);
}

/* A subtask: in a handle table, or in the frame of the `canon lower` a
 * thread is in (canon_Thread.lowering), where a synchronous call's
 * results wait until the thread goes on. */
static void hash_subtask(canon_digest *d, const labels *l,
                         const canon_Subtask *st) {
  hash_waitable(d, l, &st->w);
  canon_digest_u64(d, st->state);
  hash_label(d, l, st->on_cancel);
  canon_digest_u64(d, st->lenders.nlenders);
  canon_digest_u64(d, st->lenders.delivered);
  canon_digest_u64(d, st->cancellation_requested);
  canon_digest_u64(d, st->flat_results.n);
  for (uint32_t i = 0; i < st->flat_results.n; i++)
    canon_digest_u64(d, st->flat_results.v[i]);
  /* a call not started yet (the callee waits to enter, e.g. under
   * backpressure) still holds the arguments on_start will lift */
  if (st->state == CANON_SUBTASK_STARTING) {
    canon_digest_u64(d, st->nflat_args);
    for (uint32_t i = 0; i < st->nflat_args; i++)
      canon_digest_u64(d, st->flat_args[i]);
    canon_digest_u64(d, st->flat_args_iter.i);
  }
  canon_digest_u64(d, st->async_lower);
  canon_digest_u64(d, st->index);
  canon_digest_u64(d, st->in_table);
}

static void hash_entry(canon_digest *d, const labels *l,
                       const canon_table_entry *e) {
  canon_digest_u64(d, e->obj ? (uint64_t)e->kind + 1 : 0);
  if (!e->obj) return;
  switch (e->kind) {
  case CANON_ENTRY_RESOURCE_HANDLE: {
    const canon_ResourceHandle *h = e->obj;
    canon_digest_u64(d, h->rep);
    canon_digest_u64(d, h->own);
    canon_digest_u64(d, h->num_lends);
    hash_label(d, l, h->borrow_scope);
    hash_label(d, l, h->rt ? h->rt->impl : NULL);
    break;
  }
  case CANON_ENTRY_ERROR_CONTEXT: {
    const canon_ErrorContext *ec = e->obj;
    canon_digest_u64(d, ec->debug_message != NULL);
    if (ec->debug_message)
      canon_digest_bytes(d, ec->debug_message->u.str.utf8,
                         ec->debug_message->u.str.len);
    break;
  }
  case CANON_ENTRY_SUBTASK:
    hash_subtask(d, l, e->obj);
    break;
  case CANON_ENTRY_WAITABLE_SET: {
    const canon_WaitableSet *ws = e->obj;
    hash_label_set(d, l, (const void *const *)ws->elems, ws->n);
    canon_digest_u64(d, ws->num_waiting);
    canon_digest_u64(d, ws->npending);
    const void **p = canon_xrealloc(NULL, (ws->npending + 1) * sizeof *p);
    uint32_t k = 0;
    for (const canon_Waitable *w = ws->pending_first; w && k < ws->npending;
         w = w->pending_next)
      p[k++] = w;
    hash_label_set(d, l, p, k);
    free(p);
    break;
  }
  case CANON_ENTRY_STREAM_READABLE:
  case CANON_ENTRY_STREAM_WRITABLE:
  case CANON_ENTRY_FUTURE_READABLE:
  case CANON_ENTRY_FUTURE_WRITABLE: {
    const canon_CopyEnd *ce = e->obj;
    hash_waitable(d, l, &ce->w);
    canon_digest_u64(d, ce->state);
    canon_digest_u64(d, ce->index);
    canon_digest_u64(d, ce->event_code);
    canon_digest_u64(d, ce->result);
    canon_digest_u64(d, ce->reclaim);
    hash_buffer(d, &ce->buffer);
    const canon_SharedBase *sh = ce->shared;
    /* the shared part: by the ends of it this state holds (the label of
     * the pending end), with its own fields */
    canon_digest_u64(d, sh->future);
    canon_digest_u64(d, sh->dropped);
    hash_label(d, l, sh->pending_inst);
    hash_label(d, l, sh->pending_end);
    canon_digest_u64(d, sh->pending_buffer != NULL);
    if (sh->pending_buffer) hash_buffer(d, sh->pending_buffer);
    canon_digest_u64(d, sh->ref.refs);
    break;
  }
  case CANON_ENTRY_THREAD: {
    hash_label(d, l, e->obj);
    break;
  }
  }
}

static void hash_table(canon_digest *d, const labels *l, const canon_Table *t) {
  canon_digest_u64(d, t->len);
  for (uint32_t i = 0; i < t->len; i++) hash_entry(d, l, &t->array[i]);
  canon_digest_u64(d, t->nfree);
  for (uint32_t i = 0; i < t->nfree; i++) canon_digest_u64(d, t->free[i]);
}

/* What t waits for: the ready function (code, the same in every run) and
 * the object it looks at; a wait on a waitable set names the set and the
 * condition it waits for as well (canon_WaitableSet_waited). */
static void hash_wait_target(canon_digest *d, const labels *l,
                             const canon_Thread *t) {
  canon_digest_u64(d, (uint64_t)(uintptr_t)t->ready_func);
  const canon_WaitableSet *ws;
  canon_ready_fn ready;
  void *env;
  if (t->ready_func &&
      canon_WaitableSet_waited(t->ready_func, t->ready_env, &ws, &ready,
                               &env)) {
    hash_label(d, l, ws);
    canon_digest_u64(d, (uint64_t)(uintptr_t)ready);
    hash_label(d, l, env);
  } else {
    hash_label(d, l, t->ready_env);
  }
}

static void hash_thread(canon_digest *d, const labels *l, canon_Thread *t,
                        const canon_state_labeler *lb) {
  hash_label(d, l, t);
  canon_digest_u64(d, t->running);
  canon_digest_u64(d, t->started);
  canon_digest_u64(d, t->done);
  canon_digest_u64(d, t->trapped);
  hash_wait_target(d, l, t);
  /* ready now: what Store.tick and the sync loop offer */
  canon_digest_u64(d, canon_Thread_ready(t));
  hash_label(d, l, t->task);
  canon_digest_u64(d, t->cancellable);
  canon_digest_u64(d, t->index);
  canon_digest_u64(d, t->storage[0]);
  canon_digest_u64(d, t->storage[1]);
  /* what block() returns and where it switches to: set by each resume
   * and block, so meaningful only while the thread runs */
  if (t->running) {
    canon_digest_u64(d, t->block_result);
    hash_label(d, l, t->switch_to);
  }
  /* the body it runs (its position in it is the core stack's); a
   * thread.new-indirect thread not yet run, by the function and argument
   * it will run */
  canon_digest_u64(d, (uint64_t)(uintptr_t)t->func);
  const canon_core_callee *f;
  uint64_t c;
  if (canon_thread_new_indirect_closure(t, &f, &c)) {
    canon_digest_u64(d, lb && lb->callee ? lb->callee(lb->ctx, f) : 0);
    canon_digest_u64(d, c);
  } else {
    hash_label(d, l, t->func_env);
  }
  /* the call it makes (a subtask in a table is hashed there) */
  canon_digest_u64(d, t->lowering != NULL);
  if (t->lowering && !t->lowering->in_table) hash_subtask(d, l, t->lowering);
}

/* Whether a task can still run: it has threads, or is yet to get its
 * implicit thread.  A task a trap left without threads never runs or
 * calls its hooks again, and its lifted function and hooks' env may
 * point into a C frame that is gone (a realloc's, a synchronous
 * lower's), whose address a live call may have now: the digest neither
 * reads nor labels them, or it would depend on how stacks were reused. */
static bool task_live(const canon_Task *t) {
  return t->nthreads > 0 || t->state == CANON_TASK_INITIAL;
}

/* Whether its hooks can still be called: once it resolved, on_resolve
 * was called and its env (the caller's side, e.g. a subtask since
 * dropped) may be gone and its memory reused by another object. */
static bool hooks_live(const canon_Task *t) {
  return task_live(t) && t->state != CANON_TASK_RESOLVED;
}

static void hash_task(canon_digest *d, const labels *l, const canon_Task *t,
                      const canon_state_labeler *lb) {
  hash_label(d, l, t);
  canon_digest_u64(d, t->state);
  canon_digest_u64(d, t->borrows.num_borrows);
  hash_label(d, l, t->inst);
  hash_label(d, l, t->implicit_thread);
  canon_digest_u64(d, t->nthreads);
  for (uint32_t i = 0; i < t->nthreads; i++)
    hash_label(d, l, t->threads[i]);
  canon_digest_u64(d, t->refs);
  /* the lifted function it runs, and whom it reports to */
  canon_digest_u64(d, !t->lifted ? 0
                      : !task_live(t) ? 3
                      : canon_lifted_is_realloc(t->lifted) ? 1
                      : lb && lb->lifted ? lb->lifted(lb->ctx, t->lifted)
                                         : 2);
  canon_digest_u64(d, (uint64_t)(uintptr_t)t->hooks.on_start);
  canon_digest_u64(d, (uint64_t)(uintptr_t)t->hooks.on_resolve);
  if (hooks_live(t)) hash_label(d, l, t->hooks.env);
}

static void hash_instance(canon_digest *d, const labels *l,
                          const canon_ComponentInstance *in) {
  canon_digest_u64(d, in->id);
  hash_label(d, l, in->parent);
  canon_digest_u64(d, in->may_enter);
  canon_digest_u64(d, in->may_leave);
  canon_digest_u64(d, in->backpressure);
  canon_digest_u64(d, in->num_waiting_to_enter);
  hash_label(d, l, in->exclusive_thread);
  hash_table(d, l, &in->handles);
  hash_table(d, l, &in->threads);
}

static uint32_t inst_pos(canon_ComponentInstance *const *insts, uint32_t n,
                         const canon_ComponentInstance *in) {
  uint32_t i = 0;
  while (i < n && insts[i] != in) i++;
  return i; /* n: none of them */
}
static uint64_t inst_id(canon_ComponentInstance *const *insts, uint32_t n,
                        uint32_t k) {
  return k < n ? insts[k]->id : 0;
}

/* The tasks and threads, in the order of the traversal that labels them. */
typedef struct order {
  canon_Thread **threads;
  const canon_Task **tasks;
  uint32_t nthreads, ntasks;
} order;

static void labels_build(labels *l, order *o, const canon_Store *s,
                         canon_ComponentInstance *const *insts,
                         uint32_t ninsts) {
  for (uint32_t i = 0; i < ninsts; i++)
    label_add(l, insts[i], lab(L_INST, insts[i]->id, 0));
  for (uint32_t i = 0; i < ninsts; i++) {
    const canon_ComponentInstance *in = insts[i];
    for (uint32_t k = 0; k < in->handles.len; k++)
      label_add(l, in->handles.array[k].obj, lab(L_ENTRY, in->id, k));
    for (uint32_t k = 0; k < in->threads.len; k++)
      label_add(l, in->threads.array[k].obj, lab(L_THREAD_ENTRY, in->id, k));
  }
  uint32_t nth = 0, nta = 0;
  for (const canon_Thread *t = s->threads; t; t = t->live_next) nth++;
  for (const canon_Task *t = s->tasks; t; t = t->live_next) nta++;
  o->threads = canon_xrealloc(NULL, (nth + 1) * sizeof *o->threads);
  o->tasks = canon_xrealloc(NULL, (nta + 1) * sizeof *o->tasks);
  o->nthreads = o->ntasks = 0;
  /* every label is (kind, the instance it belongs to, a number within
   * it), so that an instance's labels -- and its part of the digest --
   * do not move when another instance changes */
  uint32_t *other = canon_xrealloc(NULL, (ninsts + 1) * sizeof *other);
  memset(other, 0, (ninsts + 1) * sizeof *other);
  /* threads: those in thread tables by (instance, index), then the rest
   * (made but not registered, or unregistered) in the order of
   * Store.waiting and the current thread, then of the store's list,
   * numbered within their task's instance */
  for (uint32_t i = 0; i < ninsts; i++)
    for (uint32_t k = 0; k < insts[i]->threads.len; k++)
      if (insts[i]->threads.array[k].obj)
        o->threads[o->nthreads++] = insts[i]->threads.array[k].obj;
  uint32_t nregistered = o->nthreads;
  for (uint32_t i = 0; i < s->nwaiting; i++)
    if (label_of(l, s->waiting[i]) == NONE) {
      label_add(l, s->waiting[i], 0);
      o->threads[o->nthreads++] = s->waiting[i];
    }
  if (s->current && label_of(l, s->current) == NONE) {
    label_add(l, s->current, 0);
    o->threads[o->nthreads++] = s->current;
  }
  for (canon_Thread *t = s->threads; t; t = t->live_next)
    if (label_of(l, t) == NONE) {
      label_add(l, t, 0);
      o->threads[o->nthreads++] = t;
    }
  for (uint32_t i = nregistered; i < o->nthreads; i++) {
    uint32_t k = inst_pos(insts, ninsts, o->threads[i]->task->inst);
    relabel(l, o->threads[i],
            lab(L_OTHER_THREAD, inst_id(insts, ninsts, k), ++other[k]));
  }
  /* tasks: by their first thread in that order, then the rest (tasks
   * whose threads are gone: they are named by subtasks) in the store's
   * list, which is made in creation order -- so those few are not
   * renumbered */
  for (uint32_t i = 0; i < o->nthreads; i++) {
    const canon_Task *t = o->threads[i]->task;
    if (t && label_of(l, t) == NONE) {
      /* (the thread's kind in bits 56..59: its labels fit in 56) */
      uint64_t th = label_of(l, o->threads[i]);
      label_add(l, t, lab(L_TASK, 0, 0) | (th >> 60) << 56 | (th & LOW56));
      o->tasks[o->ntasks++] = t;
    }
  }
  memset(other, 0, (ninsts + 1) * sizeof *other);
  for (const canon_Task *t = s->tasks; t; t = t->live_next)
    if (label_of(l, t) == NONE) {
      uint32_t k = inst_pos(insts, ninsts, t->inst);
      label_add(l, t, lab(L_OTHER_TASK, inst_id(insts, ninsts, k), ++other[k]));
      o->tasks[o->ntasks++] = t;
    }
  free(other);
  /* what tasks point at that is no table's: their borrow scope, and the
   * caller's side of the call (a synchronous lower's subtask) while the
   * hooks can still be called (hooks_live) */
  for (uint32_t i = 0; i < o->ntasks; i++) {
    uint64_t tl = label_of(l, o->tasks[i]) & LOW;
    label_add(l, &o->tasks[i]->borrows, lab(L_BORROWS, 0, 0) | tl);
    if (hooks_live(o->tasks[i]))
      label_add(l, o->tasks[i]->hooks.env, lab(L_HOOKS, 0, 0) | tl);
  }
}

void canon_state_hash(canon_digest *d, const canon_Store *s,
                      canon_ComponentInstance *const *insts, uint32_t ninsts,
                      const canon_state_labeler *lb) {
  labels l = {0};
  order o;
  labels_build(&l, &o, s, insts, ninsts);
  /* the store's own fields, in g as well as in d */
  canon_digest g = {0, 0};
  for (int k = 0; k < 2; k++) {
    canon_digest *h = k ? &g : d;
    canon_digest_u64(h, s->nesting_depth);
    hash_label(h, &l, s->current);
    canon_digest_u64(h, s->nthreads);
    /* Store.waiting: the order threads started waiting is no part of the
     * spec's state (Store.tick shuffles it) */
    hash_label_set(h, &l, (const void *const *)s->waiting, s->nwaiting);
    /* each instance's part, with its threads and tasks: a digest of its
     * own (lb->inst_digest), from which --explore sees which instances a
     * step changed */
    canon_digest_u64(h, o.nthreads);
    canon_digest_u64(h, o.ntasks);
  }
  for (uint32_t i = 0; i <= ninsts; i++) {
    const canon_ComponentInstance *in = i < ninsts ? insts[i] : NULL;
    canon_digest e = {0, 0};
    /* the last round: threads and tasks of no instance given */
    for (uint32_t k = 0; k < o.nthreads; k++)
      if (in ? o.threads[k]->task->inst == in
             : label_of(&l, o.threads[k]->task->inst) >> 60 != L_INST)
        hash_thread(&e, &l, o.threads[k], lb);
    for (uint32_t k = 0; k < o.ntasks; k++)
      if (in ? o.tasks[k]->inst == in
             : label_of(&l, o.tasks[k]->inst) >> 60 != L_INST)
        hash_task(&e, &l, o.tasks[k], lb);
    if (in) hash_instance(&e, &l, in);
    if (in && lb && lb->inst_extra) lb->inst_extra(lb->ctx, i, &e);
    canon_digest_u64(d, e.a);
    canon_digest_u64(d, e.b);
    if (in && lb && lb->inst_digest) lb->inst_digest(lb->ctx, i, &e);
    if (!in) {
      canon_digest_u64(&g, e.a);
      canon_digest_u64(&g, e.b);
    }
  }
  if (lb && lb->globals) lb->globals(lb->ctx, &g);
  if (lb && lb->thread_label) {
    /* the core stacks are labelled by thread id: tell the caller each
     * thread's canonical label */
    for (uint32_t i = 0; i < o.nthreads; i++)
      lb->thread_label(lb->ctx, o.threads[i]->id, label_of(&l, o.threads[i]));
  }
  free(o.threads);
  free(o.tasks);
  free(l.label);
  canon_u64map_free(&l.index);
}

