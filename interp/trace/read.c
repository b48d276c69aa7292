/* read.c -- the JSON Lines reader of `cmref trace`: each line one flat
 * JSON object (docs/trace-format.md).  The input may be anyone's (another
 * runtime's trace, a hand-edited file), so nothing in it is trusted: every
 * length is bounded, nesting is refused, and a line that does not parse is
 * kept as a malformed event with the reason instead of stopping the read. */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/arena.h"
#include "../../canon/grow.h"

static char *xstrndup(const char *s, size_t n) {
  char *d = canon_xrealloc(NULL, n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

/* ---- strings (canon_buf) ---------------------------------------------------- */

void trace_put_safe(canon_buf *b, const char *s, size_t max) {
  size_t i = 0;
  for (; i < max && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c >= 0x7f)
      canon_buf_printf(b, "\\x%02x", c);
    else
      canon_buf_add(b, (const char *)&s[i], 1);
  }
  if (s[i]) canon_buf_str(b, "...");
}

/* ---- one flat JSON object -------------------------------------------------- */

/* The members live in the trace's arena; strings are decoded into one
 * scratch buffer first (their length is known only at the end). */
typedef struct parser {
  const char *p, *end;
  const char *err;
  canon_arena *a;
  canon_buf buf;
} parser;

/* The scratch buffer's contents, copied into the arena; the buffer is
 * emptied for the next string. */
static char *keep(parser *ps) {
  char *s = canon_arena_strndup(ps->a, ps->buf.p ? ps->buf.p : "", ps->buf.n);
  ps->buf.n = 0;
  return s;
}

static void skip_ws(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
    ps->p++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A string at ps->p (the opening quote); decoded into out if non-NULL. */
static bool parse_string(parser *ps, canon_buf *out) {
  ps->p++;
  while (ps->p < ps->end && *ps->p != '"') {
    unsigned char c = (unsigned char)*ps->p;
    if (c < 0x20) { ps->err = "control character in a string"; return false; }
    if (c != '\\') {
      if (out) canon_buf_add(out, ps->p, 1);
      ps->p++;
      continue;
    }
    if (ps->end - ps->p < 2) break;
    char e = ps->p[1];
    ps->p += 2;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char map[] = "\"\\/\b\f\n\r\t";
      if (out) canon_buf_add(out, &map[simple - "\"\\/bfnrt"], 1);
      continue;
    }
    if (e != 'u' || ps->end - ps->p < 4) { ps->err = "bad escape in a string"; return false; }
    uint32_t cp = 0;
    for (int k = 0; k < 4; k++) {
      int h = hexval(ps->p[k]);
      if (h < 0) { ps->err = "bad \\u escape"; return false; }
      cp = cp << 4 | (uint32_t)h;
    }
    ps->p += 4;
    if (out) canon_buf_utf8(out, cp);
  }
  if (ps->p >= ps->end) { ps->err = "unterminated string"; return false; }
  ps->p++;
  return true;
}

/* A number; *u64 set when it is a non-negative integer that fits. */
static bool parse_number(parser *ps, uint64_t *v, bool *u64) {
  const char *s = ps->p;
  bool neg = false, frac = false, over = false;
  uint64_t x = 0;
  if (ps->p < ps->end && *ps->p == '-') { neg = true; ps->p++; }
  if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') { ps->err = "bad number"; return false; }
  while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
    unsigned d = (unsigned)(*ps->p - '0');
    if (x > (UINT64_MAX - d) / 10) over = true;
    else x = x * 10 + d;
    ps->p++;
  }
  while (ps->p < ps->end && strchr(".eE+-0123456789", *ps->p)) { frac = true; ps->p++; }
  *v = x;
  *u64 = !neg && !frac && !over;
  return ps->p > s;
}

/* Any value (for arrays' elements and members), depth-limited. */
static bool parse_value(parser *ps, tj_member *m, int depth);

static bool parse_array(parser *ps, tj_member *m, int depth) {
  ps->p++;
  m->kind = TJ_ARR;
  m->arr_ok = true;
  uint64_t *arr = NULL; /* the elements, while their count grows */
  uint32_t cap = 0;
  bool ok = false;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
    return true;
  }
  for (;;) {
    tj_member el = {0};
    skip_ws(ps);
    if (!parse_value(ps, &el, depth + 1)) break;
    if (el.kind == TJ_NUM && el.is_u64 && m->narr < TRACE_MAX_ARRAY) {
      if (m->arr_ok) {
        CANON_GROW(arr, m->narr, cap, 8);
        arr[m->narr++] = el.num;
      }
    } else {
      m->arr_ok = false;
    }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == ']') { ps->p++; ok = true; break; }
    ps->err = "bad array";
    break;
  }
  if (m->narr) {
    m->arr = canon_arena_alloc(ps->a, m->narr * sizeof *arr);
    memcpy(m->arr, arr, m->narr * sizeof *arr);
  }
  free(arr);
  return ok;
}

static bool parse_value(parser *ps, tj_member *m, int depth) {
  if (depth > 8) { ps->err = "nested too deeply"; return false; }
  skip_ws(ps);
  if (ps->p >= ps->end) { ps->err = "missing value"; return false; }
  char c = *ps->p;
  if (c == '"') {
    bool ok = parse_string(ps, &ps->buf);
    m->kind = TJ_STR;
    m->str = keep(ps);
    return ok;
  }
  if (c == '[') return parse_array(ps, m, depth);
  if (c == '{') {
    /* An object inside an event: no event has one; kept as text. */
    m->kind = TJ_OTHER;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') { ps->p++; return true; }
    for (;;) {
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != '"' || !parse_string(ps, NULL)) {
        if (!ps->err) ps->err = "bad object";
        return false;
      }
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') { ps->err = "missing ':'"; return false; }
      ps->p++;
      tj_member in = {0};
      if (!parse_value(ps, &in, depth + 1)) return false;
      skip_ws(ps);
      if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
      if (ps->p < ps->end && *ps->p == '}') { ps->p++; return true; }
      ps->err = "bad object";
      return false;
    }
  }
  static const struct { const char *w; tj_kind k; uint64_t v; } words[] = {
      {"true", TJ_BOOL, 1}, {"false", TJ_BOOL, 0}, {"null", TJ_NULL, 0}};
  for (size_t k = 0; k < 3; k++) {
    size_t n = strlen(words[k].w);
    if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, words[k].w, n)) {
      ps->p += n;
      m->kind = words[k].k;
      m->num = words[k].v;
      return true;
    }
  }
  m->kind = TJ_NUM;
  return parse_number(ps, &m->num, &m->is_u64);
}

/* The value text s..e without whitespace outside strings. */
static char *compact(parser *ps, const char *s, const char *e) {
  bool in = false;
  for (const char *p = s; p < e; p++) {
    if (in) {
      canon_buf_add(&ps->buf, p, 1);
      if (*p == '\\' && p + 1 < e) canon_buf_add(&ps->buf, ++p, 1);
      else if (*p == '"') in = false;
    } else if (*p == '"') {
      in = true;
      canon_buf_add(&ps->buf, p, 1);
    } else if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      canon_buf_add(&ps->buf, p, 1);
    }
  }
  return keep(ps);
}

/* Parses line into e's members, kept in the arena a; false with
 * e->error set (and no members). */
static bool parse_object(const char *line, size_t len, trace_event *e,
                         canon_arena *a) {
  parser ps = {line, line + len, NULL, a, {0}};
  tj_member *m = NULL; /* the members, while their count grows */
  uint32_t n = 0, cap = 0;
  bool ok = false;
  skip_ws(&ps);
  if (ps.p >= ps.end || *ps.p != '{') {
    ps.err = "not a JSON object";
    goto done;
  }
  ps.p++;
  skip_ws(&ps);
  if (ps.p < ps.end && *ps.p == '}') ps.p++;
  else
    for (;;) {
      skip_ws(&ps);
      if (ps.p >= ps.end || *ps.p != '"' || !parse_string(&ps, &ps.buf)) {
        if (!ps.err) ps.err = "expected a member name";
        goto done;
      }
      skip_ws(&ps);
      if (ps.p >= ps.end || *ps.p != ':') { ps.err = "missing ':'"; goto done; }
      ps.p++;
      skip_ws(&ps);
      CANON_GROW(m, n, cap, 8);
      tj_member *mm = &m[n++];
      *mm = (tj_member){.key = keep(&ps)};
      const char *vs = ps.p;
      bool vok = parse_value(&ps, mm, 0);
      mm->raw = compact(&ps, vs, ps.p);
      if (!vok) goto done;
      skip_ws(&ps);
      if (ps.p < ps.end && *ps.p == ',') { ps.p++; continue; }
      if (ps.p < ps.end && *ps.p == '}') { ps.p++; break; }
      ps.err = "expected ',' or '}'";
      goto done;
    }
  skip_ws(&ps);
  if (ps.p != ps.end) ps.err = "text after the object";
  else ok = true;
done:
  if (ok) {
    e->m = canon_arena_alloc(a, n * sizeof *m);
    if (n) memcpy(e->m, m, n * sizeof *m);
    e->nm = n;
  } else {
    e->error = xstrndup(ps.err, strlen(ps.err));
  }
  free(m);
  free(ps.buf.p);
  return ok;
}

const tj_member *trace_get(const trace_event *e, const char *key) {
  for (uint32_t i = 0; i < e->nm; i++)
    if (!strcmp(e->m[i].key, key)) return &e->m[i];
  return NULL;
}

bool trace_u64(const trace_event *e, const char *key, uint64_t *out) {
  const tj_member *m = trace_get(e, key);
  if (!m || m->kind != TJ_NUM || !m->is_u64) return false;
  *out = m->num;
  return true;
}

static const char *const visible_kinds[] = {
    "invoke", "invoke.return", "invoke.trap", "lift.call", "lift.return",
    "callback", "lower.call", "lower.return", "builtin", "event"};

static int member_cmp(const void *a, const void *b) {
  const tj_member *x = *(const tj_member *const *)a, *y = *(const tj_member *const *)b;
  return strcmp(x->key, y->key);
}

char *trace_canonical(const trace_event *e) {
  canon_buf b = {0};
  if (e->error) {
    canon_buf_str(&b, e->raw);
    return canon_buf_take(&b);
  }
  const tj_member **s = canon_xrealloc(NULL, (e->nm + 1) * sizeof *s);
  uint32_t n = 0;
  for (uint32_t i = 0; i < e->nm; i++)
    if (strcmp(e->m[i].key, "seq") != 0) s[n++] = &e->m[i];
  qsort(s, n, sizeof *s, member_cmp);
  canon_buf_str(&b, "{");
  for (uint32_t i = 0; i < n; i++) {
    if (i) canon_buf_str(&b, ",");
    canon_buf_str(&b, "\"");
    canon_buf_str(&b, s[i]->key); /* decoded: fine for comparing */
    canon_buf_str(&b, "\":");
    canon_buf_str(&b, s[i]->raw);
  }
  canon_buf_str(&b, "}");
  free(s);
  return canon_buf_take(&b);
}

/* Reads one line of at most TRACE_MAX_LINE bytes; a longer one is
 * consumed and *too_long set.  false at end of file. */
static bool read_line(FILE *f, canon_buf *b, bool *too_long) {
  b->n = 0;
  if (b->p) b->p[0] = 0;
  *too_long = false;
  int c;
  bool any = false;
  while ((c = getc(f)) != EOF) {
    any = true;
    if (c == '\n') break;
    if (b->n < TRACE_MAX_LINE) {
      char ch = (char)c;
      canon_buf_add(b, &ch, 1);
    } else {
      *too_long = true;
    }
  }
  if (!b->p) canon_buf_add(b, "", 0);
  return any;
}

bool trace_read_for(const char *cmd, const char *path, trace_file *t) {
  char why[512];
  if (trace_read(path, t, why, sizeof why)) return true;
  fprintf(stderr, "%s: %s\n", cmd, why);
  return false;
}

bool trace_read(const char *path, trace_file *t, char *why, size_t n) {
  memset(t, 0, sizeof *t);
  t->path = path;
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    snprintf(why, n, "%s: cannot open", path);
    return false;
  }
  t->arena = canon_arena_new();
  if (!t->arena) canon_out_of_memory();
  canon_buf line = {0};
  bool too_long, ok = true;
  uint32_t lineno = 0;
  while (read_line(f, &line, &too_long)) {
    lineno++;
    if (lineno == UINT32_MAX) break;
    if (lineno == 1) {
      trace_event h = {0};
      if (too_long || !parse_object(line.p, line.n, &h, t->arena) ||
          !trace_get(&h, "trace")) {
        snprintf(why, n, "%s:1: not a trace: the first line must be a JSON object with a \"trace\" member%s%s",
                 path, h.error ? ": " : "", h.error ? h.error : "");
        free(h.error);
        ok = false;
        break;
      }
      const tj_member *nm = trace_get(&h, "trace");
      t->name = xstrndup(nm->kind == TJ_STR ? nm->str : nm->raw,
                         strlen(nm->kind == TJ_STR ? nm->str : nm->raw));
      t->header = xstrndup(line.p, line.n);
      continue;
    }
    trace_event e = {0};
    e.lineno = lineno;
    if (too_long) {
      char msg[64];
      snprintf(msg, sizeof msg, "line longer than %d bytes", TRACE_MAX_LINE);
      e.error = xstrndup(msg, strlen(msg));
    } else if (parse_object(line.p, line.n, &e, t->arena)) {
      const tj_member *ev = trace_get(&e, "ev");
      if (!ev || ev->kind != TJ_STR) {
        e.m = NULL; /* (in the arena) */
        e.nm = 0;
        e.error = xstrndup("no \"ev\" string member", 21);
      } else {
        e.ev = ev->str;
        for (size_t k = 0; k < sizeof visible_kinds / sizeof *visible_kinds; k++)
          if (!strcmp(e.ev, visible_kinds[k])) e.visible = true;
      }
    }
    e.raw = canon_arena_strndup(t->arena, line.p,
                                e.error && line.n > 200 ? 200 : line.n);
    CANON_GROW(t->ev, t->n, t->cap, 64);
    t->ev[t->n++] = e;
  }
  if (ok && lineno == 0) {
    snprintf(why, n, "%s: empty file, not a trace", path);
    ok = false;
  }
  if (ok && ferror(f)) {
    snprintf(why, n, "%s: read error", path);
    ok = false;
  }
  free(line.p);
  if (f != stdin) fclose(f);
  if (!ok) trace_free(t);
  return ok;
}

void trace_free(trace_file *t) {
  for (uint32_t i = 0; i < t->n; i++) {
    free(t->ev[i].error);
    if (t->text) free(t->text[i]);
  }
  canon_arena_free(t->arena); /* the events' members and lines */
  CANON_FREE_ALL(t->ev, t->header, t->name, t->col_inst, t->col_task,
                 t->col_thread, t->depth, t->text);
  memset(t, 0, sizeof *t);
}
