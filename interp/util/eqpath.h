/* eqpath.h -- the bookkeeping of a structural comparison (core/equal.c,
 * component/equal.c): the path to the node being compared, and the first
 * difference found, written as "path.field: detail". */
#ifndef CM_EQPATH_H
#define CM_EQPATH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cm_eq {
  char path[512];
  size_t plen;
  char *why; /* where the first difference goes; may be NULL */
  size_t n;
} cm_eq;

/* Starts a comparison that reports into why[n]. */
void cm_eq_init(cm_eq *e, char *why, size_t n);
/* Appends to the path; returns what cm_eq_pop needs to undo it. */
size_t cm_eq_push(cm_eq *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cm_eq_pop(cm_eq *e, size_t save);
/* Records a difference at path.field and returns false, so callers can
 * `return cm_eq_diff(...)`. */
bool cm_eq_diff(cm_eq *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* For two pointers of which one at least is NULL: true when both are,
 * else the difference "present vs missing" at path.field. */
bool cm_eq_presence(cm_eq *e, const char *field, const void *a,
                    const void *b);

/* Compares two unsigned numbers named `field`. */
#define CM_EQ_U(e, field, x, y)                                              \
  do {                                                                       \
    unsigned long long x_ = (unsigned long long)(x);                         \
    unsigned long long y_ = (unsigned long long)(y);                         \
    if (x_ != y_) return cm_eq_diff((e), field, "%llu vs %llu", x_, y_);     \
  } while (0)

/* Runs a comparison `call` under a path element (cm_eq_push's format and
 * arguments), popping it afterwards; returns false from the caller if it
 * found a difference. */
#define CM_EQ_UNDER(e, call, ...)                                            \
  do {                                                                       \
    size_t s_ = cm_eq_push((e), __VA_ARGS__);                                \
    bool ok_ = (call);                                                       \
    cm_eq_pop((e), s_);                                                      \
    if (!ok_) return false;                                                  \
  } while (0)

#endif
