/* trace.c -- the step trace writer; see trace.h and docs/trace-format.md. */
#include "trace.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
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
    line = malloc(cap);
    if (!line) canon_out_of_memory();
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
