/* text.h -- the core text format (.wat) parser (core spec "Text Format").
 * Produces the same core_module as the binary decoder; errors are
 * CM_MALFORMED (or CM_UNSUPPORTED) with file:line:column. */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include "../text/sexpr.h"
#include "module.h"

/* Parses one `(module ...)` form: text fields, `(module binary "...")` (via
 * the binary decoder) or `(module quote "...")` (the strings are read again
 * as text).  If id_out is not NULL it receives the module's $id node or
 * NULL. */
core_module *core_parse_module(const sx_node *form, const sx_node **id_out,
                               cm_error *err);
/* The same, decoding `(module binary ...)` with the encodings of
 * `features` (NULL: "all"; see core_decode_features).  Text is read the
 * same under every feature set: the validator refuses what a set lacks. */
struct core_features; /* validate.h */
core_module *core_parse_module_features(const sx_node *form,
                                        const sx_node **id_out,
                                        const struct core_features *features,
                                        cm_error *err);
/* Parses a whole .wat file: one (module ...) form, or bare module fields
 * (the spec's abbreviation for a file holding a single module). */
core_module *core_parse_wat(const char *src, size_t len, const char *file,
                            cm_error *err);

#endif
