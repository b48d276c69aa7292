/* roundtrip.h -- `cmref roundtrip`: checks that every module and component
 * of a script decodes, from its own binary encoding, to what the text
 * described (text -> AST -> encode -> decode -> AST, the two ASTs compared
 * structurally by core_module_equal / comp_component_equal, and the
 * decoded AST encoded again to the same bytes).
 *
 * The forms checked are the top-level `(module ...)` and `(component ...)`
 * (`definition` forms too; `(module instance ...)` has no module) and the
 * module of assert_invalid, assert_unlinkable, assert_uninstantiable and
 * assert_trap; a file of bare module fields is one module.  `quote` and
 * `binary` forms are parsed as the runner parses them.  assert_malformed
 * modules are not checked: they have no AST.  Each form is recorded as one
 * command of kind "roundtrip": passed; failed (it does not parse, encode
 * or decode, or the decoded AST differs); or skipped (it needs an
 * unsupported feature, or -- an assert_invalid module only -- the parser
 * already rejects it as invalid, so there is no AST to encode). */
#ifndef WAST_ROUNDTRIP_H
#define WAST_ROUNDTRIP_H

#include <stddef.h>

#include "report.h"

/* A file that cannot be read or lexed is recorded as one failure. */
void wast_roundtrip_file(const char *path, wast_file_result *f);
void wast_roundtrip_source(const char *src, size_t len, const char *name,
                           wast_file_result *f);

#endif
