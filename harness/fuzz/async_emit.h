/* async_emit.h -- the output of async_gen.c: a growing text, into which
 * the generator writes the script, and core code written either as folded
 * .wat text or as its binary encoding, from the same calls.
 *
 * Code is written in the order of the folded text: an operator is opened
 * (text: "(i32.store "), its operands follow, then it is closed (text:
 * ")"; binary: the opcode and immediates go out only now, after the
 * operands).  Binary calls name a symbol, not an index: the callee's index
 * is known only once the module's imports are (emit_patch).  Binary
 * modules are embedded in the script as `(core module $X binary "...")`,
 * which cmref decodes instead of parsing a few thousand tokens. */
#ifndef FUZZ_ASYNC_EMIT_H
#define FUZZ_ASYNC_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct emit_fixup {
  size_t at;    /* offset of a 5-byte function index in the buffer */
  unsigned sym; /* what it calls (the generator's numbering) */
} emit_fixup;

typedef struct emit_closer {
  uint8_t bytes[4]; /* opcode and immediates, written at close */
  uint8_t n;
  uint8_t kind;     /* enum in async_emit.c */
  unsigned sym;     /* calls */
} emit_closer;

enum { EMIT_MAX_DEPTH = 32 };

typedef struct emit {
  bool bin;         /* code as binary (else folded text) */
  bool oom;
  char *s;          /* the buffer; NUL-terminated in text */
  size_t len, cap;
  emit_fixup *fx;   /* binary calls in s */
  size_t nfx, fxcap;
  emit_closer cl[EMIT_MAX_DEPTH];
  int ncl;
} emit;

/* Appends printf-formatted text (in both modes). */
void emit_out(emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, only when writing text (layout and names of code). */
void emit_txt(emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raw bytes (binary mode). */
void emit_bytes(emit *e, const void *p, size_t n);
void emit_byte(emit *e, uint8_t b);
void emit_uleb(emit *e, uint64_t v);
void emit_sleb(emit *e, int64_t v);

/* Moves what was written so far out of e (into *saved) and starts e empty,
 * so that code can be generated before what must precede it;
 * emit_restore puts *saved back and returns what was written since
 * (owned by the caller: free its s and fx). */
void emit_save(emit *e, emit *saved);
emit emit_restore(emit *e, emit *saved);
void emit_free(emit *e);

/* ---- code ---- */
/* text "(TEXT ", binary: nbytes bytes at close */
void emit_open(emit *e, const char *text, const uint8_t *bytes, uint8_t nbytes);
void emit_open_call(emit *e, unsigned sym, const char *name);
/* (if (result i32)? COND (then ...) (else ...)?) */
void emit_open_if(emit *e, bool result_i32);
void emit_open_then(emit *e);
void emit_open_else(emit *e);
void emit_close(emit *e);
void emit_i32(emit *e, int64_t v); /* "(i32.const V)": V as written */
void emit_i64(emit *e, int64_t v);
/* local.get / local.set take an index; text names it `$name` if given */
void emit_local_get(emit *e, unsigned idx, const char *name);
void emit_open_local_set(emit *e, unsigned idx, const char *name);
void emit_global_get(emit *e, unsigned idx, const char *name);
void emit_open_global_set(emit *e, unsigned idx, const char *name);
/* one-byte instructions without operands: nop, unreachable */
void emit_plain(emit *e, const char *text, uint8_t op);

/* Common operators' (text, bytes) */
#define EMIT_OP(e, text, ...)                                                  \
  emit_open((e), (text), (const uint8_t[]){__VA_ARGS__},                       \
            (uint8_t)sizeof((const uint8_t[]){__VA_ARGS__}))

/* ---- binary modules ---- */
/* A padded 5-byte LEB placeholder; returns its offset. */
size_t emit_reserve(emit *e);
/* Writes v at a placeholder. */
void emit_patch5(emit *e, size_t at, uint32_t v);
/* Resolves e's calls: index_of(sym, env) for each fixup. */
void emit_resolve(emit *e, uint32_t (*index_of)(unsigned sym, void *env),
                  void *env);
/* A function type given as "(param i32 i64) (result i32)": its
 * encoding (0x60 vec vec) into out (at least 40 bytes); returns its
 * length. */
size_t emit_functype(const char *text, uint8_t *out);
/* Writes data as the bytes of a .wast string: "\00\61...". */
void emit_wast_string(emit *e, const char *data, size_t n);

#endif
