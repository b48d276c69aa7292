/* trace.c -- the step trace writer; see trace.h and docs/trace-format.md. */
#include "trace.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "grow.h"
#include "version.h"

void canon_trace_start(canon_trace *t, FILE *f, const char *sched,
                       uint64_t seed, canon_trace_sink sink, void *sink_ctx) {
  t->f = f;
  t->seq = 0;
  t->sink = sink;
  t->sink_ctx = sink_ctx;
  if (f)
    fprintf(f,
            "{\"trace\":\"cmref\",\"version\":%d,\"cmref\":\"%s\","
            "\"spec\":\"component-model@6d28164\",\"sched\":\"%s\","
            "\"seed\":%llu}\n",
            CANON_TRACE_VERSION, CMREF_VERSION, sched,
            (unsigned long long)seed);
}

void canon_trace_emit(canon_trace *t, const char *ev, const char *fmt, ...) {
  if (!t || (!t->f && !t->sink)) return;
  /* the line is made once, for the file and the sink alike; an event
   * longer than the buffer (a long message) gets a buffer of its own */
  char small[1024];
  char *line = small;
  size_t cap = sizeof small;
  for (;;) {
    int k = snprintf(line, cap, "{\"seq\":%llu,\"ev\":\"%s\"",
                     (unsigned long long)(t->seq + 1), ev);
    if (k >= 0 && (size_t)k < cap && fmt && *fmt) {
      line[k++] = ',';
      va_list ap;
      va_start(ap, fmt);
      int m = vsnprintf(line + k, cap - (size_t)k, fmt, ap);
      va_end(ap);
      k = m < 0 ? m : k + m;
    }
    if (k >= 0 && (size_t)k + 1 < cap) {
      line[k++] = '}';
      line[k] = 0;
      t->seq++;
      if (t->f) {
        fwrite(line, 1, (size_t)k, t->f);
        fputc('\n', t->f);
      }
      if (t->sink) t->sink(t->sink_ctx, line, (size_t)k);
      break;
    }
    if (k < 0) break; /* an encoding error: nothing sensible to write */
    if (line != small) free(line);
    cap = (size_t)k + 2;
    line = canon_xmalloc(cap);
  }
  if (line != small) free(line);
}

const char *canon_json_str(char *buf, size_t n, const char *s) {
  size_t k = 0;
  if (n < 3) return "\"\"";
  buf[k++] = '"';
  for (; s && *s && k + 8 < n; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      buf[k++] = '\\';
      buf[k++] = (char)c;
    } else if (c < 0x20) {
      k += (size_t)snprintf(buf + k, n - k, "\\u%04x", c);
    } else {
      buf[k++] = (char)c;
    }
  }
  buf[k++] = '"';
  buf[k] = 0;
  return buf;
}

const char *canon_json_u64s(char *buf, size_t n, const uint64_t *v,
                            uint32_t count) {
  size_t k = 0;
  if (n < 3) return "[]";
  buf[k++] = '[';
  for (uint32_t i = 0; i < count && k + 24 < n; i++)
    k += (size_t)snprintf(buf + k, n - k, "%s%llu", i ? "," : "",
                          (unsigned long long)v[i]);
  buf[k++] = ']';
  buf[k] = 0;
  return buf;
}

/* ---- the events of the spec's steps ------------------------------------- */

static bool on(const canon_trace *t) { return t && (t->f || t->sink); }

static const char *tf(bool b) { return b ? "true" : "false"; }

void canon_trace_instance(canon_trace *t, uint32_t inst, uint32_t parent) {
  canon_trace_emit(t, "instance", "\"inst\":%u,\"parent\":%u", inst, parent);
}

void canon_trace_task_new(canon_trace *t, uint32_t task, uint32_t inst,
                          bool async_type, bool async_, bool callback,
                          bool realloc) {
  canon_trace_emit(t, "task.new",
                   "\"task\":%u,\"inst\":%u,\"async_type\":%s,"
                   "\"async\":%s,\"callback\":%s%s",
                   task, inst, tf(async_type), tf(async_), tf(callback),
                   realloc ? ",\"realloc\":true" : "");
}

void canon_trace_task_state(canon_trace *t, uint32_t task, const char *state) {
  canon_trace_emit(t, "task.state", "\"task\":%u,\"state\":\"%s\"", task,
                   state);
}

void canon_trace_thread_new(canon_trace *t, uint32_t thread, uint32_t task) {
  canon_trace_emit(t, "thread.new", "\"thread\":%u,\"task\":%u", thread,
                   task);
}

void canon_trace_thread_resume(canon_trace *t, uint32_t thread,
                               bool cancelled) {
  canon_trace_emit(t, "thread.resume", "\"thread\":%u,\"cancelled\":%s",
                   thread, tf(cancelled));
}

void canon_trace_thread_end(canon_trace *t, uint32_t thread, bool trapped) {
  canon_trace_emit(t, "thread.end", "\"thread\":%u,\"trapped\":%s", thread,
                   tf(trapped));
}

void canon_trace_thread_block(canon_trace *t, uint32_t thread, bool waiting,
                              uint32_t switch_to) {
  canon_trace_emit(t, "thread.block",
                   "\"thread\":%u,\"waiting\":%s,\"switch_to\":%u", thread,
                   tf(waiting), switch_to);
}

void canon_trace_event(canon_trace *t, uint32_t code, uint32_t p1,
                       uint32_t p2) {
  canon_trace_emit(t, "event", "\"code\":%u,\"p1\":%u,\"p2\":%u", code, p1,
                   p2);
}

void canon_trace_choice(canon_trace *t, const char *kind, uint32_t n,
                        uint32_t chosen) {
  canon_trace_emit(t, "choice", "\"kind\":\"%s\",\"n\":%u,\"chosen\":%u",
                   kind, n, chosen);
}

/* (a list of core values is written into 512 bytes, as it always was) */
#define VALUES_BUF 512

/* {"<id_key>":id,"<key>":[v...]} */
static void values_event(canon_trace *t, const char *ev, const char *id_key,
                         uint32_t id, const char *key, const uint64_t *v,
                         uint32_t n) {
  char buf[VALUES_BUF];
  if (!on(t)) return;
  canon_trace_emit(t, ev, "\"%s\":%u,\"%s\":%s", id_key, id, key,
                   canon_json_u64s(buf, sizeof buf, v, n));
}

void canon_trace_lift_call(canon_trace *t, uint32_t task, const uint64_t *args,
                           uint32_t nargs) {
  values_event(t, "lift.call", "task", task, "args", args, nargs);
}

void canon_trace_lift_return(canon_trace *t, uint32_t task,
                             const uint64_t *results, uint32_t nresults) {
  values_event(t, "lift.return", "task", task, "results", results, nresults);
}

void canon_trace_callback(canon_trace *t, uint32_t task, uint32_t code,
                          uint32_t p1, uint32_t p2) {
  canon_trace_emit(t, "callback", "\"task\":%u,\"event\":[%u,%u,%u]", task,
                   code, p1, p2);
}

void canon_trace_lower_call(canon_trace *t, uint32_t inst, bool async_,
                            const uint64_t *args, uint32_t nargs) {
  char buf[VALUES_BUF];
  if (!on(t)) return;
  canon_trace_emit(t, "lower.call", "\"inst\":%u,\"async\":%s,\"args\":%s",
                   inst, tf(async_),
                   canon_json_u64s(buf, sizeof buf, args, nargs));
}

void canon_trace_lower_return(canon_trace *t, uint32_t inst,
                              const uint64_t *results, uint32_t nresults) {
  values_event(t, "lower.return", "inst", inst, "results", results, nresults);
}

void canon_trace_lower_return_subtask(canon_trace *t, uint32_t inst,
                                      uint32_t subtask, uint32_t state) {
  canon_trace_emit(t, "lower.return",
                   "\"inst\":%u,\"results\":[%u],\"subtask\":%u,\"state\":%u",
                   inst, state | (subtask << 4), subtask, state);
}
