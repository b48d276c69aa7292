/* async_emit.c -- see async_emit.h. */
#include "async_emit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_OP, K_CALL, K_IF, K_THEN, K_ELSE };

static bool grow(emit *e, size_t more) {
  if (e->oom) return false;
  if (e->len + more + 1 <= e->cap) return true;
  size_t cap = e->cap ? e->cap : 1 << 15;
  while (cap < e->len + more + 1) cap *= 2;
  char *s = realloc(e->s, cap);
  if (!s) {
    e->oom = true;
    return false;
  }
  e->s = s;
  e->cap = cap;
  return true;
}

static void vout(emit *e, const char *fmt, va_list ap) {
  if (!grow(e, 256)) return; /* most writes fit: one vsnprintf */
  va_list ap2;
  va_copy(ap2, ap);
  int w = vsnprintf(e->s + e->len, e->cap - e->len, fmt, ap2);
  va_end(ap2);
  if (w >= 0 && (size_t)w >= e->cap - e->len) {
    if (!grow(e, (size_t)w)) return;
    w = vsnprintf(e->s + e->len, e->cap - e->len, fmt, ap);
  }
  if (w < 0) {
    e->oom = true;
    return;
  }
  e->len += (size_t)w;
}

void emit_out(emit *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vout(e, fmt, ap);
  va_end(ap);
}

void emit_txt(emit *e, const char *fmt, ...) {
  if (e->bin) return;
  va_list ap;
  va_start(ap, fmt);
  vout(e, fmt, ap);
  va_end(ap);
}

void emit_bytes(emit *e, const void *p, size_t n) {
  if (n == 0 || !grow(e, n)) return;
  memcpy(e->s + e->len, p, n);
  e->len += n;
  e->s[e->len] = 0;
}

void emit_byte(emit *e, uint8_t b) { emit_bytes(e, &b, 1); }

void emit_uleb(emit *e, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    emit_byte(e, (uint8_t)(b | (v ? 0x80 : 0)));
  } while (v);
}

void emit_sleb(emit *e, int64_t v) {
  for (;;) {
    uint8_t b = (uint8_t)(v & 0x7f);
    v >>= 7; /* arithmetic on every compiler cmref supports */
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    emit_byte(e, (uint8_t)(b | (done ? 0 : 0x80)));
    if (done) return;
  }
}

void emit_save(emit *e, emit *saved) {
  *saved = *e;
  bool bin = e->bin;
  memset(e, 0, sizeof *e);
  e->bin = bin;
  e->oom = saved->oom;
}

emit emit_restore(emit *e, emit *saved) {
  emit body = *e;
  bool oom = e->oom;
  *e = *saved;
  e->oom = e->oom || oom;
  return body;
}

void emit_free(emit *e) {
  free(e->s);
  free(e->fx);
  e->s = NULL;
  e->fx = NULL;
}

/* ---- code ---------------------------------------------------------------- */

static emit_closer *push(emit *e, int kind) {
  if (e->ncl == EMIT_MAX_DEPTH) { /* the generator nests far less */
    e->oom = true;
    return NULL;
  }
  emit_closer *c = &e->cl[e->ncl++];
  memset(c, 0, sizeof *c);
  c->kind = (uint8_t)kind;
  return c;
}

void emit_open(emit *e, const char *text, const uint8_t *bytes, uint8_t n) {
  emit_txt(e, "(%s ", text);
  emit_closer *c = push(e, K_OP);
  if (!c || n > sizeof c->bytes) return;
  memcpy(c->bytes, bytes, n);
  c->n = n;
}

void emit_open_call(emit *e, unsigned sym, const char *name) {
  emit_txt(e, "(call $%s ", name);
  emit_closer *c = push(e, K_CALL);
  if (c) c->sym = sym;
}

void emit_open_if(emit *e, bool result_i32) {
  emit_txt(e, result_i32 ? "(if (result i32) " : "(if ");
  emit_closer *c = push(e, K_IF);
  if (c) c->bytes[0] = result_i32 ? 0x7f : 0x40;
}

void emit_open_then(emit *e) {
  emit_txt(e, "(then ");
  if (e->bin && e->ncl > 0) {
    emit_byte(e, 0x04);
    emit_byte(e, e->cl[e->ncl - 1].bytes[0]);
  }
  push(e, K_THEN);
}

void emit_open_else(emit *e) {
  emit_txt(e, "(else ");
  if (e->bin) emit_byte(e, 0x05);
  push(e, K_ELSE);
}

void emit_close(emit *e) {
  emit_txt(e, ")");
  if (e->ncl == 0) {
    e->oom = true;
    return;
  }
  emit_closer c = e->cl[--e->ncl];
  if (!e->bin) return;
  switch (c.kind) {
  case K_OP: emit_bytes(e, c.bytes, c.n); break;
  case K_CALL:
    emit_byte(e, 0x10);
    if (e->nfx == e->fxcap) {
      size_t cap = e->fxcap ? 2 * e->fxcap : 64;
      emit_fixup *fx = realloc(e->fx, cap * sizeof *fx);
      if (!fx) {
        e->oom = true;
        return;
      }
      e->fx = fx;
      e->fxcap = cap;
    }
    e->fx[e->nfx++] = (emit_fixup){emit_reserve(e), c.sym};
    break;
  case K_IF: emit_byte(e, 0x0b); break;
  default: break; /* then, else: nothing at their end */
  }
}

void emit_i32(emit *e, int64_t v) {
  emit_txt(e, "(i32.const %lld)", (long long)v);
  if (!e->bin) return;
  emit_byte(e, 0x41);
  emit_sleb(e, (int32_t)(uint32_t)v);
}

void emit_i64(emit *e, int64_t v) {
  emit_txt(e, "(i64.const %lld)", (long long)v);
  if (!e->bin) return;
  emit_byte(e, 0x42);
  emit_sleb(e, v);
}

static void named(emit *e, const char *what, unsigned idx, const char *name,
                  bool open) {
  if (name) emit_txt(e, "(%s $%s%s", what, name, open ? " " : ")");
  else emit_txt(e, "(%s %u%s", what, idx, open ? " " : ")");
}

void emit_local_get(emit *e, unsigned idx, const char *name) {
  named(e, "local.get", idx, name, false);
  if (!e->bin) return;
  emit_byte(e, 0x20);
  emit_uleb(e, idx);
}

static void open_indexed(emit *e, const char *what, uint8_t op, unsigned idx,
                         const char *name) {
  named(e, what, idx, name, true);
  emit_closer *c = push(e, K_OP);
  if (!c) return;
  c->bytes[0] = op;
  c->bytes[1] = (uint8_t)idx; /* the generator's indices are < 128 */
  c->n = 2;
}

void emit_open_local_set(emit *e, unsigned idx, const char *name) {
  open_indexed(e, "local.set", 0x21, idx, name);
}

void emit_global_get(emit *e, unsigned idx, const char *name) {
  named(e, "global.get", idx, name, false);
  if (!e->bin) return;
  emit_byte(e, 0x23);
  emit_uleb(e, idx);
}

void emit_open_global_set(emit *e, unsigned idx, const char *name) {
  open_indexed(e, "global.set", 0x24, idx, name);
}

void emit_plain(emit *e, const char *text, uint8_t op) {
  emit_txt(e, "%s", text);
  if (e->bin) emit_byte(e, op);
}

/* ---- binary modules -------------------------------------------------------- */

size_t emit_reserve(emit *e) {
  size_t at = e->len;
  static const uint8_t zero5[5] = {0x80, 0x80, 0x80, 0x80, 0x00};
  emit_bytes(e, zero5, 5);
  return at;
}

void emit_patch5(emit *e, size_t at, uint32_t v) {
  if (e->oom || at + 5 > e->len) return;
  for (int i = 0; i < 5; i++) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    e->s[at + (size_t)i] = (char)(b | (i < 4 ? 0x80 : 0));
  }
}

void emit_resolve(emit *e, uint32_t (*index_of)(unsigned sym, void *env),
                  void *env) {
  for (size_t i = 0; i < e->nfx; i++)
    emit_patch5(e, e->fx[i].at, index_of(e->fx[i].sym, env));
}

size_t emit_functype(const char *text, uint8_t *out) {
  uint8_t params[16], results[4];
  size_t np = 0, nr = 0;
  bool in_result = false;
  for (const char *p = text; *p; p++) {
    if (!strncmp(p, "result", 6)) in_result = true;
    uint8_t t = !strncmp(p, "i32", 3) ? 0x7f : !strncmp(p, "i64", 3) ? 0x7e : 0;
    if (!t) continue;
    if (in_result && nr < sizeof results) results[nr++] = t;
    else if (!in_result && np < sizeof params) params[np++] = t;
    p += 2;
  }
  size_t n = 0;
  out[n++] = 0x60;
  out[n++] = (uint8_t)np;
  memcpy(out + n, params, np);
  n += np;
  out[n++] = (uint8_t)nr;
  memcpy(out + n, results, nr);
  return n + nr;
}

void emit_wast_string(emit *e, const char *data, size_t n) {
  static const char hex[] = "0123456789abcdef";
  if (!grow(e, 3 * n)) return;
  char *d = e->s + e->len;
  for (size_t i = 0; i < n; i++) {
    uint8_t b = (uint8_t)data[i];
    *d++ = '\\';
    *d++ = hex[b >> 4];
    *d++ = hex[b & 15];
  }
  e->len += 3 * n;
  e->s[e->len] = 0;
}
