/* rules.c -- the table of trap rules (rules.def) and their counting; see
 * rules.h and docs/rules.md. */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>

#include "instance.h"
#include "store.h"

static const struct {
  const char *id, *fmt;
  canon_trap_kind kind;
} rules[CANON_RULE_COUNT] = {
    [CANON_R_NONE] = {NULL, "", CANON_TRAP_NONE},
#define CANON_RULE(name, id, kind, fmt) [CANON_R_##name] = {id, fmt, kind},
#include "rules.def"
#undef CANON_RULE
};

const char *canon_rule_id(canon_rule r) {
  return (unsigned)r < CANON_RULE_COUNT ? rules[r].id : NULL;
}

const char *canon_rule_format(canon_rule r) {
  return (unsigned)r < CANON_RULE_COUNT ? rules[r].fmt : NULL;
}

canon_trap_kind canon_rule_kind(canon_rule r) {
  return (unsigned)r < CANON_RULE_COUNT ? rules[r].kind : CANON_TRAP_NONE;
}

canon_Store *canon_cx_store(const canon_LiftLowerContext *cx) {
  return cx->inst ? cx->inst->store : NULL;
}

bool canon_rule_check(canon_Store *s, canon_rule r, bool cond) {
  if (s && s->coverage) {
    s->coverage->reached[r]++;
    if (cond) s->coverage->trapped[r]++;
  }
  return cond;
}

bool canon_trap_rule(canon_trap *t, canon_rule r, ...) {
  if (t->kind == CANON_TRAP_NONE) {
    t->kind = rules[r].kind;
    t->rule = r;
    va_list ap;
    va_start(ap, r);
    /* The formats are the table's own literals, each used with the
     * arguments its sites pass (harness/unit/canon_rules.c checks them). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(t->msg, sizeof t->msg, rules[r].fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
  }
  return false;
}
