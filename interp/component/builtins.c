/* builtins.c -- the concurrency built-ins as host functions, and stubs for
 * the built-ins of later issues (see builtins.h). */
#include "builtins.h"

#include "../../canon/builtins.h"
#include "../../canon/error_context.h"
#include "../../canon/store.h"
#include "../../canon/trace.h"

#include <stdlib.h>
#include <string.h>

/* Core types as "params>results" over i (i32) and l (i64); T (the memory's
 * pointer type) and U (the table's index type) are i32 here. */
static const char *signature(comp_canonkind k) {
  switch (k) {
  case COMP_CANON_BACKPRESSURE_INC:
  case COMP_CANON_BACKPRESSURE_DEC:
  case COMP_CANON_TASK_CANCEL: return ">";
  case COMP_CANON_WAITABLE_SET_NEW:
  case COMP_CANON_THREAD_INDEX:
  case COMP_CANON_THREAD_SUSPEND:
  case COMP_CANON_THREAD_YIELD:
  case COMP_CANON_THREAD_AVAILABLE_PARALLELISM: return ">i";
  case COMP_CANON_WAITABLE_SET_WAIT:
  case COMP_CANON_WAITABLE_SET_POLL:
  case COMP_CANON_FUTURE_READ:
  case COMP_CANON_FUTURE_WRITE:
  case COMP_CANON_THREAD_NEW_INDIRECT:
  case COMP_CANON_THREAD_SPAWN_INDIRECT:
  case COMP_CANON_ERROR_CONTEXT_NEW: return "ii>i";
  case COMP_CANON_WAITABLE_SET_DROP:
  case COMP_CANON_SUBTASK_DROP:
  case COMP_CANON_STREAM_DROP_READABLE:
  case COMP_CANON_STREAM_DROP_WRITABLE:
  case COMP_CANON_FUTURE_DROP_READABLE:
  case COMP_CANON_FUTURE_DROP_WRITABLE:
  case COMP_CANON_THREAD_RESUME_LATER:
  case COMP_CANON_ERROR_CONTEXT_DROP: return "i>";
  case COMP_CANON_WAITABLE_JOIN:
  case COMP_CANON_ERROR_CONTEXT_DEBUG_MESSAGE: return "ii>";
  case COMP_CANON_SUBTASK_CANCEL:
  case COMP_CANON_STREAM_CANCEL_READ:
  case COMP_CANON_STREAM_CANCEL_WRITE:
  case COMP_CANON_FUTURE_CANCEL_READ:
  case COMP_CANON_FUTURE_CANCEL_WRITE:
  case COMP_CANON_THREAD_SUSPEND_THEN_RESUME:
  case COMP_CANON_THREAD_YIELD_THEN_RESUME:
  case COMP_CANON_THREAD_SUSPEND_THEN_PROMOTE:
  case COMP_CANON_THREAD_YIELD_THEN_PROMOTE: return "i>i";
  case COMP_CANON_STREAM_NEW:
  case COMP_CANON_FUTURE_NEW: return ">l";
  case COMP_CANON_STREAM_READ:
  case COMP_CANON_STREAM_WRITE: return "iii>i";
  default: return ">";
  }
}

void comp_builtin_functype(const comp_canon *cd, const canon_flat_vec *flat,
                           core_functype *ft) {
  memset(ft, 0, sizeof *ft);
  if (cd->kind == COMP_CANON_TASK_RETURN) {
    ft->nparams = flat ? flat->n : 0;
    ft->params = calloc(ft->nparams + 1, sizeof *ft->params);
    ft->results = calloc(1, sizeof *ft->results);
    for (uint32_t i = 0; i < ft->nparams; i++)
      ft->params[i] = comp_core_of_flat(flat->v[i]);
    return;
  }
  if (cd->kind == COMP_CANON_CONTEXT_GET || cd->kind == COMP_CANON_CONTEXT_SET) {
    ft->params = calloc(1, sizeof *ft->params);
    ft->results = calloc(1, sizeof *ft->results);
    if (cd->kind == COMP_CANON_CONTEXT_GET) {
      ft->nresults = 1;
      ft->results[0] = cd->ctx_type;
    } else {
      ft->nparams = 1;
      ft->params[0] = cd->ctx_type;
    }
    return;
  }
  const char *sig = signature(cd->kind);
  const char *gt = strchr(sig, '>');
  ft->nparams = (uint32_t)(gt - sig);
  ft->nresults = (uint32_t)strlen(gt + 1);
  ft->params = calloc(ft->nparams + 1, sizeof *ft->params);
  ft->results = calloc(ft->nresults + 1, sizeof *ft->results);
  for (uint32_t i = 0; i < ft->nparams; i++)
    ft->params[i] = sig[i] == 'l' ? CORE_I64 : CORE_I32;
  for (uint32_t i = 0; i < ft->nresults; i++)
    ft->results[i] = gt[1 + i] == 'l' ? CORE_I64 : CORE_I32;
}

/* Built-ins whose definition starts with trap_if(not inst.may_leave). */
static bool checks_may_leave(comp_canonkind k) {
  switch (k) {
  case COMP_CANON_CONTEXT_GET:
  case COMP_CANON_CONTEXT_SET:
  case COMP_CANON_BACKPRESSURE_INC:
  case COMP_CANON_BACKPRESSURE_DEC:
  case COMP_CANON_THREAD_AVAILABLE_PARALLELISM: return false;
  default: return true;
  }
}

static core_outcome stub_fn(core_store *s, void *env, const uint64_t *args,
                            uint64_t *results) {
  (void)args, (void)results;
  comp_builtin_stub *b = env;
  if (checks_may_leave(b->kind) && !b->inst->may_leave)
    return core_trap(s, "cannot leave component instance");
  return core_trap(s, "unsupported feature: shared-everything-threads (canon %s)",
                   comp_canon_name(b->kind));
}

/* Calls the canon/ built-in of b->kind; false: not implemented yet. */
static bool call_builtin(comp_builtin_stub *b, const uint64_t *args,
                         uint64_t *results, bool *ok, canon_trap *trap) {
  canon_ComponentInstance *inst = b->inst;
  const comp_canon *cd = b->cd;
  uint32_t r = 0;
  uint64_t v = 0;
  switch (b->kind) {
  case COMP_CANON_CONTEXT_GET:
    *ok = canon_context_get(inst, cd->ctx_index, &v, trap);
    results[0] = v;
    return true;
  case COMP_CANON_CONTEXT_SET:
    *ok = canon_context_set(inst, cd->ctx_index, args[0], trap);
    return true;
  case COMP_CANON_BACKPRESSURE_INC:
    *ok = canon_backpressure_inc(inst, trap);
    return true;
  case COMP_CANON_BACKPRESSURE_DEC:
    *ok = canon_backpressure_dec(inst, trap);
    return true;
  case COMP_CANON_TASK_RETURN: {
    *ok = canon_task_return(inst, b->result, b->opts, args,
                                    b->nparams, trap);
    return true;
  }
  case COMP_CANON_TASK_CANCEL:
    *ok = canon_task_cancel(inst, trap);
    return true;
  case COMP_CANON_THREAD_INDEX:
    *ok = canon_thread_index(inst, &r, trap);
    break;
  case COMP_CANON_THREAD_RESUME_LATER:
    *ok = canon_thread_resume_later(inst, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_THREAD_SUSPEND:
    *ok = canon_thread_suspend(inst, cd->cancellable, &r, trap);
    break;
  case COMP_CANON_THREAD_YIELD:
    *ok = canon_thread_yield(inst, cd->cancellable, &r, trap);
    break;
  case COMP_CANON_THREAD_SUSPEND_THEN_RESUME:
    *ok = canon_thread_suspend_then_resume(inst, cd->cancellable, (uint32_t)args[0], &r,
                                       trap);
    break;
  case COMP_CANON_THREAD_YIELD_THEN_RESUME:
    *ok = canon_thread_yield_then_resume(inst, cd->cancellable, (uint32_t)args[0], &r,
                                     trap);
    break;
  case COMP_CANON_THREAD_SUSPEND_THEN_PROMOTE:
    *ok = canon_thread_suspend_then_promote(inst, cd->cancellable, (uint32_t)args[0], &r,
                                        trap);
    break;
  case COMP_CANON_THREAD_YIELD_THEN_PROMOTE:
    *ok = canon_thread_yield_then_promote(inst, cd->cancellable, (uint32_t)args[0], &r,
                                      trap);
    break;
  case COMP_CANON_WAITABLE_SET_NEW:
    *ok = canon_waitable_set_new(inst, &r, trap);
    break;
  case COMP_CANON_WAITABLE_SET_WAIT:
    *ok = canon_waitable_set_wait(inst, cd->cancellable, b->memory,
                                          (uint32_t)args[0], args[1], &r, trap);
    break;
  case COMP_CANON_WAITABLE_SET_POLL:
    *ok = canon_waitable_set_poll(inst, cd->cancellable, b->memory,
                                          (uint32_t)args[0], args[1], &r, trap);
    break;
  case COMP_CANON_WAITABLE_SET_DROP:
    *ok = canon_waitable_set_drop(inst, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_WAITABLE_JOIN:
    *ok = canon_waitable_join(inst, (uint32_t)args[0],
                                      (uint32_t)args[1], trap);
    return true;
  case COMP_CANON_SUBTASK_CANCEL:
    *ok = canon_subtask_cancel(inst, cd->async, (uint32_t)args[0], &r,
                                       trap);
    break;
  case COMP_CANON_SUBTASK_DROP:
    *ok = canon_subtask_drop(inst, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_STREAM_NEW:
    *ok = canon_stream_new(inst, b->elem, &v, trap);
    results[0] = v;
    return true;
  case COMP_CANON_FUTURE_NEW:
    *ok = canon_future_new(inst, b->elem, &v, trap);
    results[0] = v;
    return true;
  case COMP_CANON_STREAM_READ:
    *ok = canon_stream_read(inst, b->elem, b->opts, (uint32_t)args[0], args[1],
                            args[2], &r, trap);
    break;
  case COMP_CANON_STREAM_WRITE:
    *ok = canon_stream_write(inst, b->elem, b->opts, (uint32_t)args[0],
                             args[1], args[2], &r, trap);
    break;
  case COMP_CANON_FUTURE_READ:
    *ok = canon_future_read(inst, b->elem, b->opts, (uint32_t)args[0], args[1],
                            &r, trap);
    break;
  case COMP_CANON_FUTURE_WRITE:
    *ok = canon_future_write(inst, b->elem, b->opts, (uint32_t)args[0],
                             args[1], &r, trap);
    break;
  case COMP_CANON_STREAM_CANCEL_READ:
    *ok = canon_stream_cancel_read(inst, b->elem, cd->async, (uint32_t)args[0],
                                   &r, trap);
    break;
  case COMP_CANON_STREAM_CANCEL_WRITE:
    *ok = canon_stream_cancel_write(inst, b->elem, cd->async,
                                    (uint32_t)args[0], &r, trap);
    break;
  case COMP_CANON_FUTURE_CANCEL_READ:
    *ok = canon_future_cancel_read(inst, b->elem, cd->async, (uint32_t)args[0],
                                   &r, trap);
    break;
  case COMP_CANON_FUTURE_CANCEL_WRITE:
    *ok = canon_future_cancel_write(inst, b->elem, cd->async,
                                    (uint32_t)args[0], &r, trap);
    break;
  case COMP_CANON_STREAM_DROP_READABLE:
    *ok = canon_stream_drop_readable(inst, b->elem, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_STREAM_DROP_WRITABLE:
    *ok = canon_stream_drop_writable(inst, b->elem, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_FUTURE_DROP_READABLE:
    *ok = canon_future_drop_readable(inst, b->elem, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_FUTURE_DROP_WRITABLE:
    *ok = canon_future_drop_writable(inst, b->elem, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_ERROR_CONTEXT_NEW:
    *ok = canon_error_context_new(inst, b->opts, args[0], args[1], &r, trap);
    break;
  case COMP_CANON_ERROR_CONTEXT_DEBUG_MESSAGE:
    *ok = canon_error_context_debug_message(inst, b->opts, (uint32_t)args[0],
                                            args[1], trap);
    return true;
  case COMP_CANON_ERROR_CONTEXT_DROP:
    *ok = canon_error_context_drop(inst, (uint32_t)args[0], trap);
    return true;
  case COMP_CANON_THREAD_NEW_INDIRECT:
    *ok = canon_thread_new_indirect(inst, &b->table, (uint32_t)args[0], args[1],
                                    &r, trap);
    break;
  default: return false;
  }
  results[0] = r;
  return true;
}

static core_outcome builtin_fn(core_store *s, void *env, const uint64_t *args,
                               uint64_t *results) {
  comp_builtin_stub *b = env;
  canon_trap trap = {0};
  bool ok = true;
  if (!call_builtin(b, args, results, &ok, &trap)) return stub_fn(s, env, args, results);
  canon_trace *tr = b->inst->store ? b->inst->store->trace : NULL;
  if (tr) {
    char a[256], r[256], m[400];
    canon_trace_emit(tr, "builtin", "\"inst\":%u,\"name\":\"%s\",\"args\":%s,%s%s",
                     b->inst->id, comp_canon_name(b->kind),
                     canon_json_u64s(a, sizeof a, args, b->nparams),
                     ok ? "\"results\":" : "\"trap\":",
                     ok ? canon_json_u64s(r, sizeof r, results, b->nresults)
                        : canon_json_str(m, sizeof m, trap.msg));
  }
  if (!ok) return core_trap(s, "%s", trap.msg);
  return CORE_OK;
}

core_func_inst *comp_builtin_stub_new(core_store *s, comp_builtin_stub *env,
                                      const core_functype *ft) {
  env->nparams = ft->nparams;
  env->nresults = ft->nresults;
  return core_host_func_new(s, ft, builtin_fn, env);
}
