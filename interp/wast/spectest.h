/* spectest.h -- the `spectest` host module every .wast script may import
 * from (spec interpreter README "Spectest host module"). */
#ifndef WAST_SPECTEST_H
#define WAST_SPECTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/exec.h"

typedef struct wast_spectest wast_spectest;

/* Makes the spectest objects in store s.  The print functions write
 * "VALUE : TYPE" lines to print_to, or nothing when it is NULL. */
wast_spectest *wast_spectest_new(core_store *s, FILE *print_to);
void wast_spectest_free(wast_spectest *sp);
/* The export called name, if spectest has one. */
bool wast_spectest_export(const wast_spectest *sp, const char *name,
                          size_t len, core_extern *out);

#endif
