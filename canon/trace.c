/* trace.c -- the step trace writer; see trace.h and docs/trace-format.md. */
#include "trace.h"

#include <stdarg.h>
#include <string.h>

#include "version.h"

void canon_trace_start(canon_trace *t, FILE *f, const char *sched,
                       uint64_t seed) {
  t->f = f;
  t->seq = 0;
  fprintf(f,
          "{\"trace\":\"cmref\",\"version\":%d,\"cmref\":\"%s\","
          "\"spec\":\"component-model@6d28164\",\"sched\":\"%s\","
          "\"seed\":%llu}\n",
          CANON_TRACE_VERSION, CMREF_VERSION, sched, (unsigned long long)seed);
}

void canon_trace_emit(canon_trace *t, const char *ev, const char *fmt, ...) {
  if (!t || !t->f) return;
  fprintf(t->f, "{\"seq\":%llu,\"ev\":\"%s\"", (unsigned long long)++t->seq,
          ev);
  if (fmt && *fmt) {
    fputc(',', t->f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
  }
  fputs("}\n", t->f);
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
