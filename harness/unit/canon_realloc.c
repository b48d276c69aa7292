/* canon_realloc.c -- unit tests of LiftLowerContext.reallocate
 * (canon/context.c canon_LiftLowerContext_reallocate, canon/lift.c canon_lift_realloc):
 * the realloc is lifted like an export, so it runs on a new Task and a new
 * Thread of the context's instance, synchronously, with may_leave cleared
 * around it (CanonicalABI.md "Lifting and Lowering Context": reallocate
 * calls canon_lift(realloc, ft, CanonicalOptions(async_ = False), inst,
 * ...) with ft = (u32, u32, u32, u32) -> u32, or u64 for memory64).
 * Expected values come from the spec text, by hand. */
#include "canon/canon_call.h"
#include "canon/task.h"
#include "canon/thread.h"
#include "harness/unit/canon_test.h"
#include "harness/unit/unit.h"

/* What the scripted realloc saw of the thread it ran on. */
typedef struct seen {
  canon_guest *g;
  int calls;
  canon_Thread *thread[4];
  uint32_t thread_id[4];
  uint64_t storage0[4];
  bool may_leave[4], async_type[4], async_opts[4], has_memory[4];
  canon_ComponentInstance *task_inst[4];
  uint64_t args[4][4];
  uint64_t result;   /* what to return */
  bool trap;         /* trap instead */
  canon_realloc r;   /* the realloc of the guest's options */
} seen;

static bool looking_realloc(void *env, uint64_t old_ptr, uint64_t old_size,
                            uint64_t align, uint64_t new_size,
                            uint64_t *result, canon_trap *trap) {
  seen *s = env;
  int k = s->calls++;
  if (k < 4) {
    canon_Thread *t = s->g->store.current;
    s->thread[k] = t;
    s->thread_id[k] = t ? t->id : 0;
    s->storage0[k] = t ? t->storage[0] : 99;
    s->may_leave[k] = s->g->inst.may_leave;
    s->task_inst[k] = t ? t->task->inst : NULL;
    s->async_type[k] = t && t->task->ft->async;
    s->async_opts[k] = t && t->task->opts->async;
    s->has_memory[k] = t && t->task->opts->memory;
    uint64_t a[4] = {old_ptr, old_size, align, new_size};
    memcpy(s->args[k], a, sizeof a);
    /* context.set 0 on this thread: must not be seen by the next call */
    if (t) t->storage[0] = 7;
  }
  if (s->trap) return canon_trapf(trap, CANON_TRAP_GUEST, "unreachable");
  *result = s->result;
  return true;
}

/* A guest whose options' realloc is looking_realloc, recording into *s. */
static void looking_guest(canon_guest *g, seen *s) {
  guest_init(g, CANON_FLAT_I32, CANON_UTF8, 4096);
  memset(s, 0, sizeof *s);
  s->g = g;
  s->r = (canon_realloc){s, looking_realloc};
  g->opts.realloc = &s->r;
}

TEST(realloc_is_its_own_task) {
  canon_guest g;
  seen s;
  looking_guest(&g, &s);
  s.result = 64;
  uint64_t p = 0;
  /* reallocate(8, 4, 4, 16) then allocate(2, 6) = reallocate(0, 0, 2, 6) */
  CHECK(canon_LiftLowerContext_reallocate(&g.cx, 8, 4, 4, 16, &p));
  CHECK_INT(p, 64);
  CHECK(canon_LiftLowerContext_allocate(&g.cx, 2, 6, &p));
  CHECK_INT(s.calls, 2);
  for (int k = 0; k < 2; k++) {
    /* a thread of a task of the context's instance, synchronous, with
     * CanonicalOptions(async_ = False): no memory, no async */
    CHECK(s.thread[k] != NULL);
    CHECK(s.task_inst[k] == &g.inst);
    CHECK(!s.async_type[k] && !s.async_opts[k] && !s.has_memory[k]);
    /* inst.may_leave is False during the call */
    CHECK(!s.may_leave[k]);
    /* Thread.storage starts as [0, 0]: the first call's context.set does
     * not reach the second, which runs on a thread of its own */
    CHECK_INT(s.storage0[k], 0);
  }
  CHECK(s.thread_id[0] != s.thread_id[1]);
  CHECK_INT(s.args[0][0], 8);
  CHECK_INT(s.args[0][1], 4);
  CHECK_INT(s.args[0][2], 4);
  CHECK_INT(s.args[0][3], 16);
  CHECK_INT(s.args[1][0], 0);
  CHECK_INT(s.args[1][1], 0);
  CHECK_INT(s.args[1][2], 2);
  CHECK_INT(s.args[1][3], 6);
  /* afterwards: may_leave is True again, the host's side is current, and
   * the realloc's task and thread are gone (its thread ended, the task
   * resolved) */
  CHECK(g.inst.may_leave);
  CHECK(g.store.current == NULL);
  CHECK(g.store.threads == NULL);
  CHECK(g.store.tasks == NULL);
  /* Task.unregister_thread took it out of inst.threads again */
  for (uint32_t i = 1; i < g.inst.threads.len; i++)
    CHECK(g.inst.threads.array[i].obj == NULL);
  guest_free(&g);
}

TEST(realloc_result_is_lifted_as_u32) {
  /* the result is lifted as a u32 (lift_flat_unsigned): an i32 result is
   * its unsigned value */
  canon_guest g;
  seen s;
  looking_guest(&g, &s);
  s.result = 0xFFFFFFF0u;
  uint64_t p = 0;
  CHECK(canon_LiftLowerContext_allocate(&g.cx, 8, 8, &p));
  CHECK_INT(p, 0xFFFFFFF0u);
  guest_free(&g);
}

TEST(realloc_trap_is_the_calls_trap) {
  canon_guest g;
  seen s;
  looking_guest(&g, &s);
  s.trap = true;
  uint64_t p = 0;
  CHECK(!canon_LiftLowerContext_allocate(&g.cx, 1, 3, &p));
  CHECK_INT(g.cx.trap.kind, CANON_TRAP_GUEST);
  CHECK_STR(g.cx.trap.msg, "unreachable");
  CHECK(g.store.current == NULL);
  guest_free(&g);
}

int main(void) {
  UNIT_BEGIN;
  RUN(realloc_is_its_own_task);
  RUN(realloc_result_is_lifted_as_u32);
  RUN(realloc_trap_is_the_calls_trap);
  return UNIT_END;
}
