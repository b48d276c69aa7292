/* canon_guest.h -- scripted guests for the scenario tests of the async
 * layer (harness/unit/canon_async_*.c): core functions written in C that
 * call canon/'s built-ins directly, the way a component's core code would
 * through interp/, and host functions that run on a thread of their own
 * task (an embedder's import).
 *
 * Pieces:
 *   sg_mem      a linear memory over a byte array, with a bump realloc
 *   sg          the frame of one running core function: its instance, the
 *               trap slot it reports through, and whether it has trapped.
 *               Every sg_* built-in wrapper does nothing once a call
 *               trapped, so a script stops at its first trap and the trap
 *               travels to canon_Store_invoke like a core trap would.
 *   sg_host     a host function (FuncInst) whose body runs on a new thread
 *               of a new task, calls OnStart and OnResolve itself, and
 *               may wait (cancellably) on a flag.
 *   sg_table    a core funcref table for thread.new-indirect
 *   sg_scene    a scenario's fixture: its unit_ctx, Store, type arena and
 *               instances, started and freed together (sg_scene_init,
 *               sg_scene_free; SG_SCENARIO_BEGIN/END with the scenario's
 *               own struct); sg_scene_run runs an export and checks
 *               that nothing is left waiting.
 *   sg_host_caller  the guest of the scenarios with host streams and
 *               futures: an instance, its memory and the hosts', and the
 *               options of each side.
 *   sg_run      Store.invoke then the host's event loop, until nothing can
 *               make progress.
 *
 * Flags the scripts wait on are plain bools (sg_flag_is_set).  No state
 * lives outside the test's own structs.
 */
#ifndef CANON_GUEST_H
#define CANON_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/builtins.h"
#include "canon/canon_call.h"
#include "canon/handles.h"
#include "canon/stream.h"
#include "canon/subtask.h"
#include "canon/task.h"
#include "canon/thread.h"
#include "canon/waitable.h"
#include "harness/unit/unit.h"

/* ---- memory ------------------------------------------------------------- */

typedef struct sg_mem {
  uint8_t *b;
  uint64_t len;
  uint64_t bump; /* next free byte for the realloc */
  canon_MemInst m;
  canon_realloc realloc;
} sg_mem;

static inline uint64_t sg_mem_size(void *env) { return ((sg_mem *)env)->len; }
static inline void sg_mem_read(void *env, uint64_t a, void *dst, uint64_t n) {
  memcpy(dst, ((sg_mem *)env)->b + a, n);
}
static inline void sg_mem_write(void *env, uint64_t a, const void *src,
                                uint64_t n) {
  memcpy(((sg_mem *)env)->b + a, src, n);
}

/* A bump allocator that traps when memory is exhausted; a shrinking
 * realloc keeps the block in place. */
static inline bool sg_mem_realloc(void *env, uint64_t old, uint64_t old_size,
                                  uint64_t align, uint64_t new_size,
                                  uint64_t *out, canon_trap *trap) {
  sg_mem *m = env;
  if (old && new_size <= old_size) {
    *out = old;
    return true;
  }
  uint64_t p = (m->bump + align - 1) / align * align;
  if (p + new_size > m->len)
    return canon_trapf(trap, CANON_TRAP_GUEST, "test heap exhausted");
  if (old_size) memmove(m->b + p, m->b + old, old_size);
  m->bump = p + new_size;
  *out = p;
  return true;
}

static inline void sg_mem_init(sg_mem *m, uint8_t *bytes, uint64_t len) {
  memset(m, 0, sizeof *m);
  m->b = bytes;
  m->len = len;
  m->m = (canon_MemInst){m, NULL, CANON_FLAT_I32, sg_mem_size, sg_mem_read,
                        sg_mem_write};
  m->realloc = (canon_realloc){m, sg_mem_realloc};
}

/* CanonicalOptions: memory (NULL: none), with or without realloc, async. */
static inline canon_CanonicalOptions sg_opts(sg_mem *m, bool with_realloc, bool async_) {
  canon_CanonicalOptions o;
  memset(&o, 0, sizeof o);
  o.string_encoding = CANON_UTF8;
  o.memory = m ? &m->m : NULL;
  o.realloc = m && with_realloc ? &m->realloc : NULL;
  o.async = async_;
  return o;
}

/* The numbers a guest sees (definitions.py): Subtask.State, EventCode,
 * CopyResult, CallbackCode and BLOCKED. */
enum { STARTING = 0, STARTED = 1, RETURNED = 2, CANCELLED_BEFORE_STARTED = 3,
       CANCELLED_BEFORE_RETURNED = 4 };
enum { EV_NONE = 0, EV_SUBTASK = 1, EV_STREAM_READ = 2, EV_STREAM_WRITE = 3,
       EV_FUTURE_READ = 4, EV_FUTURE_WRITE = 5, EV_TASK_CANCELLED = 6 };
enum { COMPLETED = 0, DROPPED = 1, CANCELLED = 2 };
enum { CB_EXIT = 0, CB_YIELD = 1, CB_WAIT = 2 };
#define BLOCKED 0xffffffffu

/* A marker for opts.callback (canon/ only tests it for presence; the
 * function itself is canon_lifted.callback). */
#define SG_HAS_CALLBACK ((void *)1)

static inline uint32_t sg_u32(const sg_mem *m, uint64_t a) {
  return m->b[a] | (uint32_t)m->b[a + 1] << 8 | (uint32_t)m->b[a + 2] << 16 |
         (uint32_t)m->b[a + 3] << 24;
}

/* ---- lifting ------------------------------------------------------------ */

typedef bool (*sg_core_fn)(void *env, const uint64_t *args, uint32_t nargs,
                           uint64_t *results, uint32_t nresults,
                           canon_trap *trap);

/* Store.lift(core, ft, opts, inst): fills *l (which must outlive the
 * returned FuncInst).  callback NULL: none. */
static inline canon_funcinst sg_lift(canon_lifted *l, const canon_FuncType *ft,
                                     const canon_CanonicalOptions *opts,
                                     canon_ComponentInstance *inst, sg_core_fn core,
                                     sg_core_fn callback, void *env) {
  memset(l, 0, sizeof *l);
  l->ft = ft;
  l->opts = opts;
  l->inst = inst;
  l->callee = (canon_core_callee){env, core};
  if (callback) l->callback = (canon_core_callee){env, callback};
  return canon_Store_lift(l);
}

/* ---- the frame of a core function ----------------------------------------- */

typedef struct sg {
  unit_ctx *u;
  canon_ComponentInstance *inst; /* the instance whose core code this is */
  canon_trap *trap;
  bool ok;
} sg;

#define SG_CORE(name)                                                         \
  static bool name(void *env, const uint64_t *args, uint32_t nargs,            \
                   uint64_t *results, uint32_t nresults, canon_trap *trap)

/* The start of a core function whose env is a scenario `type *t` (with
 * its fixture in t->sc): `t`, `sg g` for the scenario's instance t->inst,
 * and `u` for the CHECK macros. */
#define SG_BEGIN(type, inst)                                                  \
  type *t = env;                                                              \
  (void)args, (void)nargs, (void)results, (void)nresults;                     \
  SG_FRAME(t->sc.u, &t->inst)
/* The same in a helper that has a `trap` but no core signature. */
#define SG_FRAME(unit, instp)                                                 \
  sg g = {(unit), (instp), trap, true};                                       \
  unit_ctx *u = g.u;                                                          \
  (void)u
#define SG_END g.ok

/* Records a built-in's outcome: false means it trapped. */
static inline bool sg_done(sg *g, bool ok) {
  if (!ok) g->ok = false;
  return ok;
}

static inline canon_Thread *sg_thread(sg *g) { return g->inst->store->current; }

static inline bool sg_flag_is_set(void *env) { return *(bool *)env; }

/* current_thread().wait_until(ready) (not cancellable) */
static inline void sg_wait_until(sg *g, canon_ready_fn ready, void *env) {
  bool cancelled = false;
  if (g->ok)
    sg_done(g, canon_Thread_wait_until(sg_thread(g), ready, env, false,
                                       &cancelled, g->trap));
}

static inline uint64_t sg_context_get(sg *g, uint32_t i) {
  uint64_t v = 0;
  if (g->ok) sg_done(g, canon_context_get(g->inst, i, &v, g->trap));
  return v;
}
static inline void sg_context_set(sg *g, uint32_t i, uint64_t v) {
  if (g->ok) sg_done(g, canon_context_set(g->inst, i, v, g->trap));
}
static inline void sg_backpressure_inc(sg *g) {
  if (g->ok) sg_done(g, canon_backpressure_inc(g->inst, g->trap));
}
static inline void sg_backpressure_dec(sg *g) {
  if (g->ok) sg_done(g, canon_backpressure_dec(g->inst, g->trap));
}

/* task.return with no value (t NULL) or one flat value. */
static inline void sg_task_return(sg *g, const canon_type *t,
                                  const canon_CanonicalOptions *opts, uint64_t v) {
  if (g->ok)
    sg_done(g, canon_task_return(g->inst, t, opts, &v, t ? 1 : 0,
                                         g->trap));
}
static inline void sg_task_cancel(sg *g) {
  if (g->ok) sg_done(g, canon_task_cancel(g->inst, g->trap));
}

static inline uint32_t sg_waitable_set_new(sg *g) {
  uint32_t i = 0;
  if (g->ok) sg_done(g, canon_waitable_set_new(g->inst, &i, g->trap));
  return i;
}
/* waitable-set.{wait,poll}: f is the built-in */
typedef bool (*sg_wait_fn)(canon_ComponentInstance *, bool,
                           const canon_MemInst *, uint32_t, uint64_t,
                           uint32_t *, canon_trap *);
static inline uint32_t sg_wait_or_poll(sg *g, sg_wait_fn f, bool cancellable,
                                       sg_mem *m, uint32_t si, uint64_t ptr) {
  uint32_t r = 0;
  if (g->ok) sg_done(g, f(g->inst, cancellable, &m->m, si, ptr, &r, g->trap));
  return r;
}
#define sg_waitable_set_wait(g, c, m, si, p) \
  sg_wait_or_poll(g, canon_waitable_set_wait, c, m, si, p)
#define sg_waitable_set_poll(g, c, m, si, p) \
  sg_wait_or_poll(g, canon_waitable_set_poll, c, m, si, p)

/* waitable-set.wait (cancellable) on set si, with the event written at
 * ptr of m: checks that its code is `code` and its waitable `index`, and
 * returns its payload (the u32 at ptr + 4) for the caller to check. */
static inline uint32_t sg_wait_event(sg *g, sg_mem *m, uint32_t si,
                                     uint64_t ptr, uint32_t code,
                                     uint32_t index) {
  unit_ctx *u = g->u;
  CHECK_INT(sg_waitable_set_wait(g, true, m, si, ptr), code);
  CHECK_INT(sg_u32(m, ptr), index);
  return sg_u32(m, ptr + 4);
}

static inline void sg_waitable_set_drop(sg *g, uint32_t si) {
  if (g->ok) sg_done(g, canon_waitable_set_drop(g->inst, si, g->trap));
}
static inline void sg_waitable_join(sg *g, uint32_t wi, uint32_t si) {
  if (g->ok) sg_done(g, canon_waitable_join(g->inst, wi, si, g->trap));
}
static inline uint32_t sg_subtask_cancel(sg *g, bool async_, uint32_t i) {
  uint32_t r = 0;
  if (g->ok)
    sg_done(g, canon_subtask_cancel(g->inst, async_, i, &r, g->trap));
  return r;
}
static inline void sg_subtask_drop(sg *g, uint32_t i) {
  if (g->ok) sg_done(g, canon_subtask_drop(g->inst, i, g->trap));
}

/* Store.lower(f, ft, opts, inst)(args): the first core result (0 if none) */
static inline uint64_t sg_lower(sg *g, const canon_funcinst *f,
                                const canon_CanonicalOptions *opts,
                                const uint64_t *args, uint32_t nargs) {
  canon_core_vec res = {0};
  uint64_t r = 0;
  if (g->ok &&
      sg_done(g, canon_lower(f, opts, g->inst, args, nargs, &res,
                                  g->trap)) &&
      res.n > 0)
    r = res.v[0];
  canon_core_vec_free(&res);
  return r;
}

/* An async Store.lower that made a subtask: checks its state (the low
 * four bits of the result) and returns its index. */
static inline uint32_t sg_lower_subtask(sg *g, const canon_funcinst *f,
                                        const canon_CanonicalOptions *opts,
                                        const uint64_t *args, uint32_t nargs,
                                        uint32_t state) {
  unit_ctx *u = g->u;
  uint64_t ret = sg_lower(g, f, opts, args, nargs);
  CHECK_INT(ret & 0xf, state);
  return (uint32_t)ret >> 4;
}

/* ---- threads ------------------------------------------------------------ */

static inline uint32_t sg_thread_index(sg *g) {
  uint32_t i = 0;
  if (g->ok) sg_done(g, canon_thread_index(g->inst, &i, g->trap));
  return i;
}
static inline uint32_t sg_thread_yield(sg *g, bool cancellable) {
  uint32_t r = 0;
  if (g->ok)
    sg_done(g, canon_thread_yield(g->inst, cancellable, &r, g->trap));
  return r;
}
static inline uint32_t sg_thread_suspend(sg *g, bool cancellable) {
  uint32_t r = 0;
  if (g->ok)
    sg_done(g,
            canon_thread_suspend(g->inst, cancellable, &r, g->trap));
  return r;
}
/* thread.{suspend,yield}-then-{resume,promote}: f is the built-in */
typedef bool (*sg_switch_fn)(canon_ComponentInstance *, bool, uint32_t,
                             uint32_t *, canon_trap *);
static inline uint32_t sg_thread_switch(sg *g, sg_switch_fn f,
                                        bool cancellable, uint32_t i) {
  uint32_t r = 0;
  if (g->ok) sg_done(g, f(g->inst, cancellable, i, &r, g->trap));
  return r;
}
static inline void sg_thread_resume_later(sg *g, uint32_t i) {
  if (g->ok)
    sg_done(g, canon_thread_resume_later(g->inst, i, g->trap));
}

/* A core funcref table of (param i32) functions. */
#define SG_TABLE_MAX 16
typedef struct sg_table {
  canon_core_callee f[SG_TABLE_MAX];
  uint32_t n;
  canon_core_table t;
} sg_table;

static inline bool sg_table_get(void *env, uint32_t i, canon_core_callee *out,
                                canon_trap *trap) {
  sg_table *t = env;
  if (i >= t->n)
    return canon_trapf(trap, CANON_TRAP_GUEST, "undefined table element");
  *out = t->f[i];
  return true;
}
static inline void sg_table_init(sg_table *t) {
  memset(t, 0, sizeof *t);
  t->t = (canon_core_table){t, sg_table_get};
}
static inline uint32_t sg_table_add(sg_table *t, sg_core_fn f, void *env) {
  if (t->n >= SG_TABLE_MAX) abort(); /* a test's own bound */
  t->f[t->n] = (canon_core_callee){env, f};
  return t->n++;
}
static inline uint32_t sg_thread_new_indirect(sg *g, sg_table *t, uint32_t fi,
                                              uint64_t c) {
  uint32_t i = 0;
  if (g->ok)
    sg_done(g, canon_thread_new_indirect(g->inst, &t->t, fi, c, &i, g->trap));
  return i;
}

/* ---- streams and futures ---------------------------------------------------- */

/* {stream,future}.new: *r, *w the readable and writable ends */
static inline void sg_new_ends(sg *g, bool future, const canon_type *t,
                               uint32_t *r, uint32_t *w) {
  uint64_t packed = 0;
  if (g->ok)
    sg_done(g, (future ? canon_future_new : canon_stream_new)(g->inst, t,
                                                              &packed, g->trap));
  *r = (uint32_t)packed;
  *w = (uint32_t)(packed >> 32);
}
/* {stream,future}.{read,write} */
static inline uint32_t sg_copy(sg *g, bool future, bool readable,
                               const canon_type *t, const canon_CanonicalOptions *opts,
                               uint32_t i, uint64_t ptr, uint64_t n) {
  uint32_t r = 0;
  if (g->ok)
    sg_done(g, future ? (readable ? canon_future_read : canon_future_write)(
                            g->inst, t, opts, i, ptr, &r, g->trap)
                      : (readable ? canon_stream_read : canon_stream_write)(
                            g->inst, t, opts, i, ptr, n, &r, g->trap));
  return r;
}
#define sg_future_read(g, t, o, i, p) sg_copy(g, true, true, t, o, i, p, 1)
#define sg_future_write(g, t, o, i, p) sg_copy(g, true, false, t, o, i, p, 1)
#define sg_stream_read(g, t, o, i, p, n) sg_copy(g, false, true, t, o, i, p, n)
#define sg_stream_write(g, t, o, i, p, n) \
  sg_copy(g, false, false, t, o, i, p, n)
/* {stream,future}.cancel-{read,write} */
static inline uint32_t sg_cancel_copy(sg *g, bool future, bool readable,
                                      const canon_type *t, bool async_,
                                      uint32_t i) {
  uint32_t r = 0;
  if (g->ok)
    sg_done(g, (future ? (readable ? canon_future_cancel_read
                                   : canon_future_cancel_write)
                        : (readable ? canon_stream_cancel_read
                                    : canon_stream_cancel_write))(
                   g->inst, t, async_, i, &r, g->trap));
  return r;
}
/* {stream,future}.drop-{readable,writable} */
static inline void sg_drop_end(sg *g, bool future, bool readable,
                               const canon_type *t, uint32_t i) {
  if (g->ok)
    sg_done(g, (future ? (readable ? canon_future_drop_readable
                                   : canon_future_drop_writable)
                        : (readable ? canon_stream_drop_readable
                                    : canon_stream_drop_writable))(
                   g->inst, t, i, g->trap));
}

/* The (result, progress) of a packed stream copy result. */
#define SG_RESULT(packed) ((packed) & 0xfu)
#define SG_PROGRESS(packed) ((packed) >> 4)
/* Checks a packed copy result: n elements copied, then `result`. */
#define CHECK_COPY(ret, n, result)                                           \
  do {                                                                       \
    uint32_t r_ = (ret);                                                     \
    CHECK_INT(SG_PROGRESS(r_), n);                                           \
    CHECK_INT(SG_RESULT(r_), result);                                        \
  } while (0)

/* ---- a scenario's fixture ---------------------------------------------- */

/* What every scenario has besides its own parts: the unit_ctx its scripts
 * check with (SG_BEGIN finds it as t->sc.u), a Store, an arena for its
 * types, and the instances of the store (its own and its hosts'), which
 * sg_scene_free frees with the store. */
#define SG_SCENE_MAX 8
typedef struct sg_scene {
  unit_ctx *u;
  canon_Store s;
  canon_type_arena *arena;
  canon_ComponentInstance *insts[SG_SCENE_MAX];
  uint32_t ninsts;
} sg_scene;

/* Starts inst in the scene's store, below parent (NULL: none). */
static inline void sg_scene_add(sg_scene *sc, canon_ComponentInstance *inst,
                                canon_ComponentInstance *parent) {
  if (sc->ninsts >= SG_SCENE_MAX) abort(); /* a test's own bound */
  canon_ComponentInstance_init(inst, &sc->s, parent);
  sc->insts[sc->ninsts++] = inst;
}

/* Starts a scenario: the store, the arena, and its instances: root,
 * without a parent, then each further one (the list ends with NULL) below
 * root. */
static inline void sg_scene_init(sg_scene *sc, unit_ctx *u,
                                 canon_ComponentInstance *root, ...) {
  memset(sc, 0, sizeof *sc);
  sc->u = u;
  canon_Store_init(&sc->s);
  sc->arena = canon_type_arena_new();
  sg_scene_add(sc, root, NULL);
  va_list ap;
  va_start(ap, root);
  for (canon_ComponentInstance *i; (i = va_arg(ap, canon_ComponentInstance *));)
    sg_scene_add(sc, i, root);
  va_end(ap);
}

/* Frees the store, then what each instance left in its handle table (as
 * interp/ does when a component instance goes) and its tables, then the
 * arena. */
static inline void sg_scene_free(sg_scene *sc) {
  canon_Store_free(&sc->s);
  for (uint32_t i = 0; i < sc->ninsts; i++) {
    canon_ComponentInstance_free_handles(sc->insts[i]);
    canon_ComponentInstance_free(sc->insts[i]);
  }
  canon_type_arena_free(sc->arena);
}

/* The start of a scenario test (`u` in scope), the counterpart of
 * SG_BEGIN: `t`, a new zeroed `type` whose fixture is its member sc,
 * started by sg_scene_init with the instances listed (root first; the
 * NULL that ends the list is added here).  SG_SCENARIO_END frees the
 * fixture and t. */
#define SG_SCENARIO_BEGIN(type, ...)                                          \
  type *t = calloc(1, sizeof *t);                                             \
  if (!t) abort(); /* a test's own bound */                                   \
  sg_scene_init(&t->sc, u, __VA_ARGS__, NULL)
#define SG_SCENARIO_END                                                       \
  sg_scene_free(&t->sc);                                                      \
  free(t)

/* ---- host functions ---------------------------------------------------------- */

typedef struct sg_host sg_host;

/* One call of a host function, as its body sees it. */
typedef struct sg_host_call {
  sg_host *h;
  canon_Task *task;
  canon_Thread *thread;
  canon_call_hooks hooks;
  canon_ComponentInstance *caller;
  bool resolved;
} sg_host_call;

typedef bool (*sg_host_body)(sg_host_call *c, void *env, canon_trap *trap);

#define SG_HOST_MAX_CALLS 4
struct sg_host {
  canon_ComponentInstance inst; /* the host's own instance (the spec makes one per
                          call; one per host function is enough here) */
  canon_CanonicalOptions opts;  /* CanonicalOptions(): all defaults */
  canon_lifted lifted; /* what the host task is made from (no core code) */
  sg_host_body body;
  void *env;
  sg_host_call calls[SG_HOST_MAX_CALLS];
  uint32_t ncalls;
  canon_funcinst fi;
};

/* The start of a host function (c, trap in scope): `u` for the CHECK
 * macros, and the argument values (OnStart) in args[0..n), n checked to be
 * `want`. */
#define SG_HOST_ARGS(unit, want)                                              \
  unit_ctx *u = (unit);                                                       \
  canon_value **args = NULL;                                                  \
  uint32_t n = 0;                                                             \
  if (!sg_host_start(c, &args, &n, trap)) return false;                       \
  CHECK_INT(n, want)

/* OnStart: the argument values (owned by the caller of sg_host_start) */
static inline bool sg_host_start(sg_host_call *c, canon_value ***args,
                                 uint32_t *n, canon_trap *trap) {
  return c->hooks.on_start(c->hooks.env, args, n, trap);
}
/* Frees the argument values sg_host_start gave. */
static inline void sg_host_args_free(canon_value **args, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) canon_value_free(args[i]);
  free(args);
}
/* OnResolve with these values (kept by the caller; n may be 0, but a
 * NULL array would mean "cancelled").  Resolution ends the caller's
 * reference to the task (task.h). */
static inline bool sg_host_resolve(sg_host_call *c, canon_value *const *vs,
                                   uint32_t n, canon_trap *trap) {
  canon_value *none[1] = {NULL};
  if (!c->hooks.on_resolve(c->hooks.env, vs ? vs : none, n, trap))
    return false;
  c->resolved = true;
  canon_Task_unref(c->task);
  return true;
}
/* wait_until(ready, cancellable = True); *cancelled: Cancelled */
static inline bool sg_host_wait_until(sg_host_call *c, canon_ready_fn ready,
                                      void *env, bool *cancelled,
                                      canon_trap *trap) {
  return canon_Thread_wait_until(c->thread, ready, env, true, cancelled, trap);
}

static inline bool sg_host_thread(canon_Thread *self, void *env,
                                  canon_trap *trap) {
  (void)self;
  sg_host_call *c = env;
  return c->h->body(c, c->h->env, trap);
}

/* The FuncInst: a new task (which stays INITIAL: the host does its own
 * OnStart and OnResolve) whose implicit thread runs the body, so that
 * cancelling it (Task.request_cancellation of an INITIAL task) resumes
 * that thread with Cancelled.TRUE, as the spec's host on_cancel does. */
static inline bool sg_host_call_fn(void *env, const canon_call_hooks *hooks,
                                   canon_ComponentInstance *caller,
                                   canon_Task **on_cancel, canon_trap *trap) {
  sg_host *h = env;
  canon_Store *s = h->inst.store;
  *on_cancel = NULL;
  if (h->ncalls >= SG_HOST_MAX_CALLS) abort(); /* a test's own bound */
  sg_host_call *c = &h->calls[h->ncalls++];
  memset(c, 0, sizeof *c);
  c->h = h;
  c->hooks = *hooks;
  c->caller = caller;
  c->task = canon_Task_new(s, &h->lifted, hooks);
  c->thread = canon_Thread_new(s, c->task, sg_host_thread, c, trap);
  if (!c->thread) return false;
  c->task->implicit_thread = c->thread;
  canon_Task *task = c->task;
  canon_Task_ref(task); /* this frame's */
  bool ok = canon_Thread_resume(c->thread, false, trap);
  if (ok && !c->resolved) *on_cancel = task;
  canon_Task_unref(task);
  return ok;
}

static inline void sg_host_init(sg_host *h, sg_scene *sc,
                                const canon_FuncType *ft, sg_host_body body,
                                void *env) {
  memset(h, 0, sizeof *h);
  sg_scene_add(sc, &h->inst, NULL);
  h->opts.string_encoding = CANON_UTF8;
  h->lifted.ft = ft;
  h->lifted.opts = &h->opts;
  h->lifted.inst = &h->inst;
  h->body = body;
  h->env = env;
  h->fi = (canon_funcinst){ft, h, sg_host_call_fn};
}

/* ---- a guest calling host functions ---------------------------------------- */

/* The guest of the scenarios with host streams and futures: one instance
 * whose export, an `async func()` lifted without options (lift_opts),
 * lowers host functions with async options over its memory (lower_opts);
 * the hosts' ends copy to and from a memory of their own (host_opts,
 * async). */
typedef struct sg_host_caller {
  canon_ComponentInstance inst;
  uint8_t mem_b[24], host_b[128];
  sg_mem mem, host_mem;
  canon_CanonicalOptions lower_opts, lift_opts, host_opts;
  canon_FuncType caller_ft;
  canon_lifted l;
  canon_funcinst fi;
} sg_host_caller;

/* Starts c's memories, options and type (c->inst is started with the
 * scene). */
static inline void sg_host_caller_init(sg_host_caller *c) {
  sg_mem_init(&c->mem, c->mem_b, sizeof c->mem_b);
  sg_mem_init(&c->host_mem, c->host_b, sizeof c->host_b);
  c->lower_opts = sg_opts(&c->mem, false, true);
  c->lift_opts = sg_opts(NULL, false, false);
  c->host_opts = sg_opts(&c->host_mem, false, true);
  c->caller_ft = (canon_FuncType){NULL, 0, NULL, true};
}

/* ---- the host acting outside any task ------------------------------------ */

/* The spec's host-implemented streams (run_tests.py's HostSource and
 * HostSink) read and write from host threads that belong to no task.
 * canon/ has no host-implemented stream, so a test plays such a host with
 * ends in the host function's own instance, driven by the same built-ins
 * (async, so they never block) while no thread is current.  Between
 * sg_outside_begin and sg_outside_end the running guest is paused, as the
 * Python guest is while its host thread works. */
static inline canon_Thread *sg_outside_begin(canon_Store *s) {
  canon_Thread *t = s->current;
  s->current = NULL;
  return t;
}
static inline void sg_outside_end(canon_Store *s, canon_Thread *t) {
  s->current = t;
}

/* A copy end in inst's table (NULL if there is none of that kind). */
static inline canon_CopyEnd *sg_end(canon_ComponentInstance *inst, uint32_t i,
                                     canon_entry_kind kind) {
  void *obj = NULL;
  canon_trap trap = {0};
  if (!canon_Table_get_kind(&inst->handles, i, kind, &obj, &trap)) return NULL;
  return obj;
}

/* ---- running -------------------------------------------------------------------- */

/* Store.tick until no thread is ready.  false after a trap. */
static inline bool sg_drain(canon_Store *s, canon_trap *trap) {
  bool progressed = true;
  while (progressed)
    if (!canon_Store_tick(s, &progressed, trap)) return false;
  return true;
}

/* lift_and_run: Store.invoke f with args (borrowed) and then the host's
 * event loop until nothing is left to run.  *got (if given) receives the
 * first result value, freed by the caller; prints the trap if any. */
static inline bool sg_run(canon_Store *s, const canon_funcinst *f,
                          canon_value *const *args, uint32_t nargs,
                          canon_value **got) {
  canon_value **res = NULL;
  uint32_t nres = 0;
  canon_trap trap = {0};
  bool ok = canon_Store_invoke(s, f, args, nargs, &res, &nres, &trap) &&
            sg_drain(s, &trap);
  if (!ok) fprintf(stderr, "    trap: %s\n", trap.msg);
  for (uint32_t i = 0; i < nres; i++) {
    if (i == 0 && got) *got = res[i];
    else canon_value_free(res[i]);
  }
  free(res);
  return ok;
}

/* sg_run in a scenario, checking that it did not trap and that no thread
 * is left waiting. */
static inline bool sg_scene_run(sg_scene *sc, const canon_funcinst *f,
                                canon_value *const *args, uint32_t nargs,
                                canon_value **got) {
  unit_ctx *u = sc->u;
  bool ok = CHECK(sg_run(&sc->s, f, args, nargs, got));
  CHECK_INT(sc->s.nwaiting, 0);
  return ok;
}

/* sg_scene_run of f with one argument (NULL: none; freed here), whose
 * one result must be `want`, an unsigned of kind `kind`. */
static inline void sg_scene_run_uint(sg_scene *sc, const canon_funcinst *f,
                                     canon_value *arg, canon_kind kind,
                                     uint64_t want) {
  unit_ctx *u = sc->u;
  canon_value *got = NULL;
  sg_scene_run(sc, f, &arg, arg ? 1 : 0, &got);
  CHECK(got && got->kind == kind && got->u.u == want);
  canon_value_free(arg);
  canon_value_free(got);
}

/* Lifts core (env: its scenario) as c's export and runs it in sc
 * (sg_scene_run). */
static inline void sg_host_caller_run(sg_scene *sc, sg_host_caller *c,
                                      sg_core_fn core, void *env) {
  c->fi = sg_lift(&c->l, &c->caller_ft, &c->lift_opts, &c->inst, core, NULL,
                  env);
  sg_scene_run(sc, &c->fi, NULL, 0, NULL);
}

/* Store.invoke alone (no event loop) with the host's hooks: *on_cancel
 * receives the task to cancel if the call is left running. */
static inline bool sg_call(canon_Store *s, const canon_funcinst *f,
                           const canon_call_hooks *hooks,
                           canon_Task **on_cancel, canon_trap *trap) {
  s->nesting_depth++;
  bool ok = f->call(f->env, hooks, NULL, on_cancel, trap);
  s->nesting_depth--;
  return ok;
}

/* Store.invoke alone (no event loop): the host's caller side of a call
 * that is left running.  on_start gives no arguments; on_resolve keeps
 * the first result (an unsigned) in *result and sets *resolved. */
typedef struct sg_invocation {
  bool resolved;
  uint64_t result;
  canon_Task *on_cancel;
} sg_invocation;

static inline bool sg_inv_on_start(void *env, canon_value ***args,
                                   uint32_t *n, canon_trap *trap) {
  (void)env, (void)trap;
  *args = calloc(1, sizeof **args);
  if (!*args) abort();
  *n = 0;
  return true;
}
static inline bool sg_inv_on_resolve(void *env, canon_value *const *vs,
                                     uint32_t n, canon_trap *trap) {
  (void)trap;
  sg_invocation *inv = env;
  inv->resolved = true;
  if (vs && n > 0) inv->result = vs[0]->u.u;
  return true;
}
static inline bool sg_invoke(canon_Store *s, const canon_funcinst *f,
                             sg_invocation *inv, canon_trap *trap) {
  canon_call_hooks hooks = {inv, sg_inv_on_start, sg_inv_on_resolve};
  return sg_call(s, f, &hooks, &inv->on_cancel, trap);
}

/* canon_type_prim's names for the element types the scenarios use */
#define SG_U8 canon_type_prim(CANON_U8)
#define SG_U32 canon_type_prim(CANON_U32)

#endif
