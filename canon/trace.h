/* trace.h -- the step trace (design.md "Traces"; docs/trace-format.md):
 * JSON Lines, a versioned header line and then one event per line, each
 * with a sequence number.  Same input and same choices give a
 * byte-identical trace: no pointers, no times; tasks, threads and
 * instances are named by store-wide numbers given in creation order.
 *
 * A canon_trace belongs to one Store; a NULL trace is "off" and every
 * call is then a no-op, so hooks cost one test when tracing is off. */
#ifndef CANON_TRACE_H
#define CANON_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CANON_TRACE_VERSION 1

/* A reader of the events as they are made (`cmref run --check-trace`
 * compares each with another runtime's while the run goes on): one event
 * line exactly as it is written to the file, NUL-terminated, without its
 * newline. */
typedef void (*canon_trace_sink)(void *ctx, const char *line, size_t len);

typedef struct canon_trace {
  FILE *f; /* NULL: events go to the sink only */
  uint64_t seq;
  canon_trace_sink sink; /* NULL: none */
  void *sink_ctx;
} canon_trace;

/* Starts a trace on f (may be NULL) with its header line, and with sink
 * (may be NULL) called on every event. */
void canon_trace_start(canon_trace *t, FILE *f, const char *sched,
                       uint64_t seed, canon_trace_sink sink, void *sink_ctx);
/* One event: {"seq":N,"ev":"EV",<fields>} where fields is printf(fmt, ...)
 * (a JSON fragment, e.g. "\"task\":%u", or "" for none). */
void canon_trace_emit(canon_trace *t, const char *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The events of the spec's steps, one call each (docs/trace-format.md
 * names their fields); the formatting is trace.c's. */
void canon_trace_instance(canon_trace *t, uint32_t inst, uint32_t parent);
void canon_trace_task_new(canon_trace *t, uint32_t task, uint32_t inst,
                          bool async_type, bool async_, bool callback,
                          bool realloc);
void canon_trace_task_state(canon_trace *t, uint32_t task, const char *state);
void canon_trace_thread_new(canon_trace *t, uint32_t thread, uint32_t task);
void canon_trace_thread_resume(canon_trace *t, uint32_t thread,
                               bool cancelled);
void canon_trace_thread_end(canon_trace *t, uint32_t thread, bool trapped);
void canon_trace_thread_block(canon_trace *t, uint32_t thread, bool waiting,
                              uint32_t switch_to);
/* an event delivered to a waiter: (code, p1, p2) */
void canon_trace_event(canon_trace *t, uint32_t code, uint32_t p1,
                       uint32_t p2);
void canon_trace_choice(canon_trace *t, const char *kind, uint32_t n,
                        uint32_t chosen);
void canon_trace_lift_call(canon_trace *t, uint32_t task, const uint64_t *args,
                           uint32_t nargs);
void canon_trace_lift_return(canon_trace *t, uint32_t task,
                             const uint64_t *results, uint32_t nresults);
void canon_trace_callback(canon_trace *t, uint32_t task, uint32_t code,
                          uint32_t p1, uint32_t p2);
void canon_trace_lower_call(canon_trace *t, uint32_t inst, bool async_,
                            const uint64_t *args, uint32_t nargs);
void canon_trace_lower_return(canon_trace *t, uint32_t inst,
                              const uint64_t *results, uint32_t nresults);
/* an async lower's return: [state | (subtask << 4)] */
void canon_trace_lower_return_subtask(canon_trace *t, uint32_t inst,
                                      uint32_t subtask, uint32_t state);
/* Writes s as a JSON string literal into buf (quotes included, truncated
 * to fit); returns buf. */
const char *canon_json_str(char *buf, size_t n, const char *s);
/* Writes "[a,b,...]" of n unsigned values into buf; returns buf. */
const char *canon_json_u64s(char *buf, size_t n, const uint64_t *v,
                            uint32_t count);

#endif
