/* values.h -- component values on the host side: what the spec's Python
 * definitions represent with ints, floats, strs, lists and dicts.
 *
 * A canon_value is a tree; every node owns its children and strings, and
 * canon_value_free() frees a whole tree.  Its kind is the kind of the type
 * it was made for before despecialization (a tuple value is CANON_TUPLE,
 * an enum value CANON_ENUM, ...), except that a map value is a CANON_LIST
 * of CANON_TUPLE pairs, as the spec's map is a list of tuples.
 *
 *   spec value                     canon_value
 *   bool / int / float / char      u.b / u.s (s8..s64) / u.u (u8..u64) /
 *                                  u.f32, u.f64 / u.ch (a scalar value)
 *   String (str, encoding, tagged  u.str: valid UTF-8 bytes plus the
 *           code units)            encoding and tagged code units hints
 *   list                           u.list (also tuple, fixed-length list)
 *   record dict                    u.record: labels and values in order
 *   variant {label: payload}       u.variant (variant, enum, option,
 *                                  result; option/result labels are
 *                                  "none"/"some", "ok"/"error")
 *   flags dict                     u.flags: the labels that are set
 *   own / borrow (the rep)         u.handle
 *   ErrorContext / ReadableStream  u.opaque: a reference-counted object
 *   / ReadableFuture               (canon_refobj; the value holds a ref)
 *
 * Printing uses the constant syntax of the reference .wast scripts, e.g.
 * `(record.const (field "a" u32.const 1))`, `(variant.const "c" (u8.const
 * 2))`, `(option.none)`, `(result.ok (str.const "x"))`, `(flags.const "a")`.
 */
#ifndef CANON_VALUES_H
#define CANON_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

typedef struct canon_value canon_value;

/* An object that values and handle-table entries share (the spec's Python
 * objects: ErrorContext, SharedStreamImpl, SharedFutureImpl): freed with
 * `destroy` when the last reference goes. */
typedef struct canon_refobj {
  uint32_t refs;
  void (*destroy)(struct canon_refobj *o);
} canon_refobj;

static inline canon_refobj *canon_ref(canon_refobj *o) {
  o->refs++;
  return o;
}
static inline void canon_unref(canon_refobj *o) {
  if (o && --o->refs == 0) o->destroy(o);
}

/* String = tuple[str, str, int] */
typedef struct canon_string {
  char *utf8; /* NUL-terminated, valid UTF-8 (may contain NULs) */
  size_t len; /* bytes */
  canon_string_encoding encoding;
  uint64_t tagged_code_units;
} canon_string;

struct canon_value {
  canon_kind kind;
  union {
    bool b;
    int64_t s;  /* s8, s16, s32, s64 */
    uint64_t u; /* u8, u16, u32, u64 */
    float f32;
    double f64;
    uint32_t ch;
    canon_string str;
    struct {
      canon_value **items;
      uint32_t n;
    } list; /* list, tuple */
    struct {
      char **labels;
      canon_value **items;
      uint32_t n;
    } record;
    struct {
      char *label;
      canon_value *payload; /* NULL: no payload */
    } variant; /* variant, enum, option, result */
    struct {
      char **labels;
      uint32_t n;
    } flags;
    struct {
      uint32_t rep;
      const canon_ResourceType *rt;
    } handle; /* own, borrow */
    canon_refobj *opaque; /* error-context, stream, future */
  } u;
};

/* ---- constructors: each returns a new tree; children passed in are
 * taken over (owned) by the new node. ---- */
canon_value *canon_value_bool(bool b);
/* s8..s64: v must be in range for the kind (checked with assert). */
canon_value *canon_value_sint(canon_kind k, int64_t v);
/* u8..u64 */
canon_value *canon_value_uint(canon_kind k, uint64_t v);
canon_value *canon_value_f32(float f);
canon_value *canon_value_f64(double f);
/* NULL if c is not a Unicode scalar value. */
canon_value *canon_value_char(uint32_t c);
/* A host string (the hints say: UTF-8, len code units).  NULL if the
 * bytes are not valid UTF-8. */
canon_value *canon_value_string(const char *utf8, size_t len);
/* A string with explicit hints, as load_string makes them. */
canon_value *canon_value_string_hinted(const char *utf8, size_t len,
                                       canon_string_encoding encoding,
                                       uint64_t tagged_code_units);
/* The same, taking over utf8: a malloc'd buffer of len + 1 bytes whose
 * first len bytes are valid UTF-8 (not checked again: the loader has just
 * validated them, and a second pass over a 256 MiB string costs). */
canon_value *canon_value_string_take(char *utf8, size_t len,
                                     canon_string_encoding encoding,
                                     uint64_t tagged_code_units);
/* list / tuple with n empty slots, filled with canon_value_set_item. */
canon_value *canon_value_list_new(canon_kind k, uint32_t n);
void canon_value_set_item(canon_value *v, uint32_t i, canon_value *item);
/* record with n empty slots, filled with canon_value_set_field. */
canon_value *canon_value_record_new(uint32_t n);
void canon_value_set_field(canon_value *v, uint32_t i, const char *label,
                           canon_value *item);
/* variant / enum / option / result; payload may be NULL. */
canon_value *canon_value_variant(canon_kind k, const char *label,
                                 canon_value *payload);
canon_value *canon_value_flags(const char *const *labels, uint32_t n);
canon_value *canon_value_handle(canon_kind k, uint32_t rep,
                                const canon_ResourceType *rt);
/* A value holding a new reference to p. */
canon_value *canon_value_opaque(canon_kind k, canon_refobj *p);

/* Convenience for tests: builds a list/tuple from n values. */
canon_value *canon_value_list_of(canon_kind k, uint32_t n,
                                 canon_value *const *items);

void canon_value_free(canon_value *v);
/* Frees n values and the array holding them (NULL: nothing). */
void canon_values_free(canon_value **vs, uint32_t n);
canon_value *canon_value_copy(const canon_value *v);

/* Deep equality: same kind and contents.  Floats compare by bit pattern
 * except that any two NaNs are equal (lifting canonicalizes them); strings
 * compare by content, not by their hints; flags compare as sets. */
bool canon_value_equal(const canon_value *a, const canon_value *b);

/* The value in .wast constant syntax; a malloc'd string. */
char *canon_value_to_string(const canon_value *v);
void canon_value_print(const canon_value *v, FILE *f);

/* Does v fit type t (kinds, ranges, labels, lengths)?  The lowering
 * definitions assume it, as the spec's do; a runner builds values from
 * scripts, so it checks them with this first.  On false, *why (if given)
 * names the first mismatch. */
bool canon_value_has_type(const canon_value *v, const canon_type *t,
                          char *why, size_t why_len);

/* Record/tuple field access by the spec's labels: a tuple's labels are
 * "0", "1", ...  Returns NULL if missing. */
const canon_value *canon_value_field(const canon_value *v, const char *label,
                                     uint32_t index);
/* Is `label` among the set flags of v? */
bool canon_value_flag_set(const canon_value *v, const char *label);

#endif
