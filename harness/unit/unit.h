/* unit.h -- a tiny framework for the C unit tests in harness/unit/.
 *
 * Each harness/unit/NAME.c is its own program (built by `make unit` as
 * build/unit/NAME and, with ASan+UBSan, build-asan/unit/NAME) and run by
 * harness/test_unit.py.  A test is a function; CHECK* record a failure with
 * file:line and carry on, so one run shows every broken expectation.  The
 * program exits 0 only when every check passed.
 *
 *   #include "harness/unit/unit.h"
 *   TEST(adds) { CHECK_INT(1 + 1, 2); }
 *   int main(void) { UNIT_BEGIN; RUN(adds); return UNIT_END; }
 *
 * State lives in a unit_ctx on main's stack (no globals), passed to each
 * test as `u`.  Expected values are written by hand from the spec or the
 * header's contract, never pasted from a run of the code under test.
 */
#ifndef CM_UNIT_H
#define CM_UNIT_H

#include <stdio.h>
#include <string.h>

typedef struct unit_ctx {
  const char *test; /* the running test */
  int checks, failures, tests, failed_tests;
  int known; /* KNOWN(...): expectations this build cannot meet, printed */
} unit_ctx;

static inline int unit_fail_(unit_ctx *u, const char *file, int line) {
  u->failures++;
  fprintf(stderr, "%s:%d: in %s: ", file, line, u->test);
  return 0;
}

static inline int unit_check_(unit_ctx *u, int ok, const char *expr,
                              const char *file, int line) {
  u->checks++;
  if (ok) return 1;
  unit_fail_(u, file, line);
  fprintf(stderr, "CHECK(%s) failed\n", expr);
  return 0;
}

static inline int unit_check_int_(unit_ctx *u, long long a, long long b,
                                  const char *ea, const char *eb,
                                  const char *file, int line) {
  u->checks++;
  if (a == b) return 1;
  unit_fail_(u, file, line);
  fprintf(stderr, "%s == %s failed: %lld != %lld\n", ea, eb, a, b);
  return 0;
}

static inline int unit_check_str_(unit_ctx *u, const char *a, const char *b,
                                  const char *ea, const char *eb,
                                  const char *file, int line) {
  u->checks++;
  if (a && b && strcmp(a, b) == 0) return 1;
  unit_fail_(u, file, line);
  fprintf(stderr, "%s == %s failed:\n    got:      \"%s\"\n    expected: \"%s\"\n",
          ea, eb, a ? a : "(null)", b ? b : "(null)");
  return 0;
}

#define CHECK(cond) unit_check_(u, !!(cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(a, b) \
  unit_check_int_(u, (long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) unit_check_str_(u, (a), (b), #a, #b, __FILE__, __LINE__)

/* A code (an enumerator) and the name a naming function gives it. */
typedef struct unit_name {
  int code;
  const char *name;
} unit_name;
/* CHECK_STR(name_of(code), name) for each entry of the unit_name array
 * table: one check an entry. */
#define CHECK_NAMES(name_of, table)                                           \
  for (size_t n_ = 0; n_ < sizeof(table) / sizeof *(table); n_++)            \
  CHECK_STR(name_of((table)[n_].code), (table)[n_].name)

/* An expectation of a scenario that cannot be met here, for a reason
 * given in words (a known divergence, or a step the test cannot set up):
 * printed and counted, not failed.  Use it only with the reason in the
 * test's comment and in the report that introduced it. */
#define KNOWN(why)                                                            \
  (u->known++, printf("KNOWN %s:%d: in %s: %s\n", __FILE__, __LINE__,        \
                      u->test, (why)))

#define TEST(name) static void name(unit_ctx *u)

static inline void unit_run_(unit_ctx *u, const char *name,
                             void (*fn)(unit_ctx *)) {
  int before = u->failures;
  u->test = name;
  u->tests++;
  fn(u);
  if (u->failures != before) u->failed_tests++;
  printf("%-4s %s\n", u->failures == before ? "ok" : "FAIL", name);
}

static inline int unit_end_(unit_ctx *u, const char *file) {
  printf("%s: %d tests, %d checks, %d failed checks in %d tests", file,
         u->tests, u->checks, u->failures, u->failed_tests);
  if (u->known) printf(", %d known (see KNOWN lines)", u->known);
  printf("\n");
  return u->failures ? 1 : 0;
}

#define UNIT_BEGIN  \
  unit_ctx unit_ctx_ = {0}; \
  unit_ctx *u = &unit_ctx_
#define RUN(name) unit_run_(u, #name, name)
#define UNIT_END unit_end_(u, __FILE__)

#endif
