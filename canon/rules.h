/* rules.h -- the spec's trap rules, by stable ID (docs/rules.md).
 *
 * Every trap_if / trap() of the Canonical ABI's definitions.py that cmref
 * implements is one line of canon/ in one idiom:
 *
 *     CANON_TRAP_IF(store, trap, cond, CANON_R_STREAM_COPY_BUSY, details...);
 *
 * naming its rule.  The words of each rule (the reference tests' and
 * Wasmtime's, so that their expected messages match) live in one table,
 * rules.def; a rule whose message carries details (a handle index) has a
 * printf format there and the site passes the arguments.  The table also
 * gives each rule its trap kind (context.h), which the wast runner uses for
 * other engines' wordings of the same condition.
 *
 * Coverage: when the Store has a canon_coverage (cmref run with
 * CMREF_COVERAGE=FILE), each check counts that it was reached and whether
 * it trapped there; docs/coverage.md is made from those counts.
 */
#ifndef CANON_RULES_H
#define CANON_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"

typedef enum canon_rule {
  CANON_R_NONE = 0,
#define CANON_RULE(name, id, kind, fmt) CANON_R_##name,
#include "rules.def"
#undef CANON_RULE
  CANON_RULE_COUNT
} canon_rule;

/* Per rule: how often a run reached its check and how often it trapped
 * there.  Owned by a Store (store.h); NULL there: nothing is counted. */
typedef struct canon_coverage {
  uint64_t reached[CANON_RULE_COUNT];
  uint64_t trapped[CANON_RULE_COUNT];
} canon_coverage;

typedef struct canon_Store canon_Store; /* store.h */

/* "stream.read/busy"; NULL for CANON_R_NONE or out of range. */
const char *canon_rule_id(canon_rule r);
/* The rule's message (a printf format if the rule has details). */
const char *canon_rule_format(canon_rule r);
canon_trap_kind canon_rule_kind(canon_rule r);

/* Counts that rule r's check was reached in store s (NULL: no store) and,
 * if cond holds, that it trapped; returns cond. */
bool canon_rule_check(canon_Store *s, canon_rule r, bool cond);

/* Records the trap of rule r (its kind and its message, formatted with the
 * arguments), unless a trap is already recorded; returns false. */
bool canon_trap_rule(canon_trap *t, canon_rule r, ...);

/* trap_if(cond), naming the rule; the optional arguments fill the rule's
 * message format.  `store` may be NULL (no coverage counted). */
#define CANON_TRAP_IF(store, trap, cond, rule, ...)                            \
  do {                                                                         \
    if (canon_rule_check((store), (rule), (cond)))                             \
      return canon_trap_rule((trap), (rule), ##__VA_ARGS__);                   \
  } while (0)

/* trap(): the spec's unconditional trap, naming the rule. */
#define CANON_TRAP(store, trap, rule, ...)                                     \
  do {                                                                         \
    canon_rule_check((store), (rule), true);                                   \
    return canon_trap_rule((trap), (rule), ##__VA_ARGS__);                     \
  } while (0)

/* The store of a lifting/lowering context (NULL in unit tests without one). */
canon_Store *canon_cx_store(const canon_LiftLowerContext *cx);
#define CANON_CX_STORE(cx) canon_cx_store(cx)

#endif
