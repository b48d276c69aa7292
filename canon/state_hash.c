/* state_hash.c -- the digest of the Store's abstract state; see
 * state_hash.h. */
#include "state_hash.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error_context.h"
#include "instance.h"
#include "stream.h"
#include "subtask.h"
#include "task.h"
#include "thread.h"
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

/* Addresses of the objects the state names, and the stable labels the
 * digest uses for them (an instance's id and a table index, a task's id,
 * a thread's id).  Built anew for each digest: addresses are compared
 * only within one run. */
typedef struct labels {
  const void **ptr;
  uint64_t *label;
  uint32_t n, cap;
} labels;

static void label_add(labels *l, const void *p, uint64_t label) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->ptr = canon_xrealloc(l->ptr, l->cap * sizeof *l->ptr);
    l->label = canon_xrealloc(l->label, l->cap * sizeof *l->label);
  }
  l->ptr[l->n] = p;
  l->label[l->n++] = label;
}

/* The label of p; an object the state does not name hashes as one value
 * (docs/cli.md "Exploration" says what that leaves out). */
static uint64_t label_of(const labels *l, const void *p) {
  if (!p) return 0;
  for (uint32_t i = 0; i < l->n; i++)
    if (l->ptr[i] == p) return l->label[i];
  return 0xffffffffffffffffull;
}

enum { L_INST = 1, L_ENTRY, L_TASK, L_THREAD };
static uint64_t lab(int what, uint64_t a, uint64_t b) {
  return ((uint64_t)what << 60) | (a << 30) | b;
}

static void hash_waitable(canon_digest *d, const labels *l,
                          const canon_Waitable *w) {
  canon_digest_u64(d, (uint64_t)(uintptr_t)w->pending_event);
  canon_digest_u64(d, label_of(l, w->wset));
  canon_digest_u64(d, w->has_sync_waiter);
  canon_digest_u64(d, w->join_seq);
}

static void hash_buffer(canon_digest *d, const canon_BufferGuestImpl *b) {
  canon_digest_u64(d, b->t != NULL);
  canon_digest_u64(d, b->ptr);
  canon_digest_u64(d, b->progress);
  canon_digest_u64(d, b->length);
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
    canon_digest_u64(d, label_of(l, h->borrow_scope));
    canon_digest_u64(d, label_of(l, h->rt ? h->rt->impl : NULL));
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
  case CANON_ENTRY_SUBTASK: {
    const canon_Subtask *st = e->obj;
    hash_waitable(d, l, &st->w);
    canon_digest_u64(d, st->state);
    canon_digest_u64(d, label_of(l, st->on_cancel));
    canon_digest_u64(d, st->lenders.nlenders);
    canon_digest_u64(d, st->lenders.delivered);
    canon_digest_u64(d, st->cancellation_requested);
    canon_digest_u64(d, st->flat_results.n);
    for (uint32_t i = 0; i < st->flat_results.n; i++)
      canon_digest_u64(d, st->flat_results.v[i]);
    canon_digest_u64(d, st->async_lower);
    canon_digest_u64(d, st->index);
    canon_digest_u64(d, st->in_table);
    break;
  }
  case CANON_ENTRY_WAITABLE_SET: {
    const canon_WaitableSet *ws = e->obj;
    canon_digest_u64(d, ws->n);
    for (uint32_t i = 0; i < ws->n; i++)
      canon_digest_u64(d, label_of(l, ws->elems[i]));
    canon_digest_u64(d, ws->num_waiting);
    canon_digest_u64(d, ws->next_join_seq);
    canon_digest_u64(d, ws->npending);
    for (const canon_Waitable *w = ws->pending_first; w; w = w->pending_next)
      canon_digest_u64(d, label_of(l, w));
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
    canon_digest_u64(d, label_of(l, sh->pending_inst));
    canon_digest_u64(d, label_of(l, sh->pending_end));
    canon_digest_u64(d, sh->pending_buffer != NULL);
    if (sh->pending_buffer) hash_buffer(d, sh->pending_buffer);
    canon_digest_u64(d, sh->ref.refs);
    break;
  }
  case CANON_ENTRY_THREAD: {
    canon_digest_u64(d, label_of(l, e->obj));
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

static void hash_thread(canon_digest *d, const labels *l, canon_Thread *t) {
  canon_digest_u64(d, t->id);
  canon_digest_u64(d, t->running);
  canon_digest_u64(d, t->started);
  canon_digest_u64(d, t->done);
  canon_digest_u64(d, t->trapped);
  canon_digest_u64(d, (uint64_t)(uintptr_t)t->ready_func);
  canon_digest_u64(d, label_of(l, t->ready_env));
  /* ready now: what Store.tick and the sync loop offer */
  canon_digest_u64(d, canon_Thread_waiting(t) && t->ready_func(t->ready_env));
  canon_digest_u64(d, label_of(l, t->task));
  canon_digest_u64(d, t->cancellable);
  canon_digest_u64(d, t->index);
  canon_digest_u64(d, t->storage[0]);
  canon_digest_u64(d, t->storage[1]);
  canon_digest_u64(d, t->block_result);
  canon_digest_u64(d, label_of(l, t->switch_to));
}

void canon_state_hash(canon_digest *d, const canon_Store *s,
                      canon_ComponentInstance *const *insts, uint32_t ninsts) {
  labels l = {0};
  for (uint32_t i = 0; i < ninsts; i++) {
    const canon_ComponentInstance *in = insts[i];
    label_add(&l, in, lab(L_INST, in->id, 0));
    for (uint32_t k = 0; k < in->handles.len; k++)
      if (in->handles.array[k].obj)
        label_add(&l, in->handles.array[k].obj, lab(L_ENTRY, in->id, k));
  }
  for (const canon_Task *t = s->tasks; t; t = t->live_next) {
    label_add(&l, t, lab(L_TASK, t->id, 0));
    label_add(&l, &t->borrows, lab(L_TASK, t->id, 1));
  }
  for (const canon_Thread *t = s->threads; t; t = t->live_next)
    label_add(&l, t, lab(L_THREAD, t->id, 0));

  canon_digest_u64(d, s->nesting_depth);
  canon_digest_u64(d, label_of(&l, s->current));
  canon_digest_u64(d, s->nthreads);
  canon_digest_u64(d, s->next_task_id);
  canon_digest_u64(d, s->next_thread_id);
  canon_digest_u64(d, s->next_inst_id);
  canon_digest_u64(d, s->nwaiting);
  for (uint32_t i = 0; i < s->nwaiting; i++)
    canon_digest_u64(d, label_of(&l, s->waiting[i]));
  for (canon_Thread *t = s->threads; t; t = t->live_next)
    hash_thread(d, &l, t);
  for (const canon_Task *t = s->tasks; t; t = t->live_next) {
    canon_digest_u64(d, t->id);
    canon_digest_u64(d, t->state);
    canon_digest_u64(d, t->borrows.num_borrows);
    canon_digest_u64(d, label_of(&l, t->inst));
    canon_digest_u64(d, label_of(&l, t->implicit_thread));
    canon_digest_u64(d, t->nthreads);
    for (uint32_t i = 0; i < t->nthreads; i++)
      canon_digest_u64(d, label_of(&l, t->threads[i]));
    canon_digest_u64(d, t->refs);
  }
  for (uint32_t i = 0; i < ninsts; i++) {
    const canon_ComponentInstance *in = insts[i];
    canon_digest_u64(d, in->id);
    canon_digest_u64(d, label_of(&l, in->parent));
    canon_digest_u64(d, in->may_enter);
    canon_digest_u64(d, in->may_leave);
    canon_digest_u64(d, in->backpressure);
    canon_digest_u64(d, in->num_waiting_to_enter);
    canon_digest_u64(d, label_of(&l, in->exclusive_thread));
    hash_table(d, &l, &in->handles);
    hash_table(d, &l, &in->threads);
  }
  free(l.ptr);
  free(l.label);
}
