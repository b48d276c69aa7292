/* text.h -- the component text format parser (Explainer.md, the text
 * productions and their abbreviations).
 *
 * Produces the normalized comp_component of component.h: every $id is
 * resolved and every abbreviation expanded, so the result is what the
 * binary decoder produces for the same component.  Core modules inside are
 * parsed by core_parse_module.  Errors are CM_MALFORMED (or CM_UNSUPPORTED)
 * with file:line:column.  Nothing is validated beyond what parsing needs:
 * numeric indices out of bounds, bad names, duplicate options and the like
 * are left to the validator. */
#ifndef COMP_TEXT_H
#define COMP_TEXT_H

#include "../text/sexpr.h"
#include "component.h"

/* Parses one `(component ...)` form: text fields, `(component binary
 * "...")` (via comp_decode_component) or `(component quote "...")` (the
 * strings are read again as text).  If id_out is not NULL it receives the
 * component's $id node or NULL. */
comp_component *comp_parse_component(const sx_node *form,
                                     const sx_node **id_out, cm_error *err);

#endif
