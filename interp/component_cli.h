/* component_cli.h -- `cmref validate` and `cmref invoke` on components
 * (text or binary), next to the core-module paths of main.c. */
#ifndef CMREF_COMPONENT_CLI_H
#define CMREF_COMPONENT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/exec.h"
#include "wast/wast.h"

/* A component binary (layer 1) or a text file whose first form is
 * `(component ...)`. */
bool cli_is_component(const char *src, size_t len);
/* What a text file holds, judged by its top-level forms: a .wast script
 * (a script command such as assert_return or register, or several modules
 * and components), nothing at all, or one module or component. */
typedef enum cli_text_kind {
  CLI_TEXT_ONE,    /* one module or component (or bare module fields) */
  CLI_TEXT_EMPTY,  /* no forms: only white space and comments */
  CLI_TEXT_SCRIPT, /* a .wast script */
} cli_text_kind;
cli_text_kind cli_text_kind_of(const char *src, size_t len);
/* Exit status: 0 valid; 1 after printing why not. */
int cli_validate_component(const char *path, const char *src, size_t len);
/* Instantiates (no imports) and calls export `name`.  Each argument is a
 * value in the .wast constant syntax, e.g. '(record.const (field "a" u8.const
 * 1))'; a bare number, true/false, or text is read as the parameter's
 * scalar type (5 -> (u32.const 5), hi -> (str.const "hi")).  Prints each
 * result in the same syntax, one per line.  Exit status: 0 ok, 1 trap or
 * error, 2 bad arguments. */
int cli_invoke_component(const char *path, const char *src, size_t len,
                         const char *name, const char *const *args, int nargs,
                         const core_config *cfg, const wast_comp_options *comp);

#endif
