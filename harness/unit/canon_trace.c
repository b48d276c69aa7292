/* canon_trace.c -- unit tests of canon/trace.c: the line format of
 * trace.h's contract (header, then {"seq":N,"ev":"EV",<fields>}), the sink
 * that sees each event line exactly as the file gets it (NUL-terminated,
 * without the newline), an event longer than the writer's own buffer, and
 * a trace with a sink and no file.  Expected lines are written by hand
 * from trace.h and docs/trace-format.md. */
#include <stdlib.h>

#include "canon/trace.h"
#include "canon/version.h"
#include "harness/unit/unit.h"

/* What a sink saw: the lines, joined with newlines. */
typedef struct seen {
  char buf[8192];
  size_t len;
  int calls;
  int bad_len; /* calls whose len was not strlen(line) */
} seen;

static void sink(void *ctx, const char *line, size_t len) {
  seen *s = ctx;
  s->calls++;
  if (strlen(line) != len) s->bad_len++;
  if (s->len + len + 2 < sizeof s->buf) {
    memcpy(s->buf + s->len, line, len);
    s->len += len;
    s->buf[s->len++] = '\n';
    s->buf[s->len] = 0;
  }
}

/* The file's text, after the header line. */
static char *events_of(FILE *f, char *out, size_t n) {
  rewind(f);
  char header[256];
  if (!fgets(header, sizeof header, f)) return NULL;
  size_t k = fread(out, 1, n - 1, f);
  out[k] = 0;
  return out;
}

/* Starts t writing to a temporary file (returned; NULL if there is none)
 * and to sink s. */
static FILE *start(canon_trace *t, seen *s, const char *sched, uint64_t seed) {
  FILE *f = tmpfile();
  if (f) canon_trace_start(t, f, sched, seed, sink, s);
  return f;
}

/* The sink saw `want` in `calls` calls, and the file has the same text. */
static void check_both(unit_ctx *u, const seen *s, FILE *f, const char *want,
                       int calls) {
  CHECK_STR(s->buf, want);
  CHECK_INT(s->calls, calls);
  CHECK_INT(s->bad_len, 0);
  char text[8192];
  CHECK_STR(events_of(f, text, sizeof text), want);
}

TEST(file_and_sink_see_the_same_lines) {
  seen s = {0};
  canon_trace t;
  FILE *f = start(&t, &s, "deterministic", 0);
  CHECK(f != NULL);
  if (!f) return;
  canon_trace_emit(&t, "invoke", "\"name\":\"%s\"", "run");
  canon_trace_emit(&t, "invoke.return", "\"results\":%u", 0u);
  canon_trace_emit(&t, "lift.call", "\"task\":%u,\"args\":[%u,%u]", 1u, 2u,
                   3u);
  const char *want = "{\"seq\":1,\"ev\":\"invoke\",\"name\":\"run\"}\n"
                     "{\"seq\":2,\"ev\":\"invoke.return\",\"results\":0}\n"
                     "{\"seq\":3,\"ev\":\"lift.call\",\"task\":1,"
                     "\"args\":[2,3]}\n";
  check_both(u, &s, f, want, 3);
  rewind(f);
  char header[256];
  CHECK(fgets(header, sizeof header, f) != NULL);
  CHECK_STR(header, "{\"trace\":\"cmref\",\"version\":1,\"cmref\":\""
                    CMREF_VERSION "\",\"spec\":"
                    "\"component-model@6d28164\",\"sched\":\"deterministic\","
                    "\"seed\":0}\n");
  fclose(f);
}

TEST(long_event) {
  /* longer than the writer's 1024-byte buffer: written whole, once */
  char big[3001];
  memset(big, 'x', 3000);
  big[3000] = 0;
  seen s = {0};
  canon_trace t;
  FILE *f = start(&t, &s, "random", 7);
  CHECK(f != NULL);
  if (!f) return;
  canon_trace_emit(&t, "invoke.trap", "\"message\":\"%s\"", big);
  canon_trace_emit(&t, "invoke", "\"name\":\"a\"");
  char *want = malloc(4000);
  CHECK(want != NULL);
  if (!want) return;
  snprintf(want, 4000,
           "{\"seq\":1,\"ev\":\"invoke.trap\",\"message\":\"%s\"}\n"
           "{\"seq\":2,\"ev\":\"invoke\",\"name\":\"a\"}\n", big);
  check_both(u, &s, f, want, 2);
  free(want);
  fclose(f);
}

TEST(sink_without_file) {
  seen s = {0};
  canon_trace t;
  canon_trace_start(&t, NULL, "deterministic", 0, sink, &s);
  canon_trace_emit(&t, "event", "\"code\":%u,\"p1\":%u,\"p2\":%u", 1u, 2u,
                   2u);
  CHECK_STR(s.buf, "{\"seq\":1,\"ev\":\"event\",\"code\":1,\"p1\":2,"
                   "\"p2\":2}\n");
  /* off: no file and no sink, or no trace at all, write nothing */
  canon_trace off;
  canon_trace_start(&off, NULL, "deterministic", 0, NULL, NULL);
  canon_trace_emit(&off, "invoke", "\"name\":\"%s\"", "a");
  canon_trace_emit(NULL, "invoke", "\"name\":\"%s\"", "a");
  CHECK_INT(off.seq, 0);
  CHECK_INT(s.calls, 1);
}

int main(void) {
  UNIT_BEGIN;
  RUN(file_and_sink_see_the_same_lines);
  RUN(long_event);
  RUN(sink_without_file);
  return UNIT_END;
}
