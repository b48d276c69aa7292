/* importmap.h -- what each core import of each core instance is, for
 * runtimes that trace a script without knowing cmref's names
 * (`cmref imports`, docs/trace-format.md "Tracing another runtime").
 *
 * Instantiation reports to a comp_imap (when the store has one): the
 * component instances it makes, the host functions the canon definitions
 * make (a built-in by its name, `canon lower`, `resource.*`), the lifts
 * (which core functions are a lift's callee, callback, post-return and
 * realloc) and every core instance made by `instantiate`, with its
 * module's binary fingerprint (so another runtime that extracted the same
 * module bytes can recognise it).  Each core instance and each lift is
 * written as one JSON line when it is made.  A NULL comp_imap is off: every
 * call is then a no-op. */
#ifndef COMP_IMPORTMAP_H
#define COMP_IMPORTMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/exec.h"
#include "../core/module.h"

typedef struct comp_imap comp_imap;

comp_imap *comp_imap_new(FILE *out);
void comp_imap_free(comp_imap *m);

/* A component instance (id) is made inside parent (0: the host). */
void comp_imap_instance(comp_imap *m, uint32_t id, uint32_t parent);
/* A host core function made by a canon definition of instance inst:
 * what is the built-in's name ("task.return"), or "lower" (is_async: an
 * async lower). */
void comp_imap_host(comp_imap *m, const core_func_inst *f, const char *what,
                    bool is_async, uint32_t inst);
/* A core instance of module mod made in component instance inst. */
void comp_imap_core_instance(comp_imap *m, uint32_t inst,
                             const core_module *mod,
                             const core_extern *imports,
                             const core_instance *ci);
/* `canon lift` in instance inst; any of the functions may be NULL. */
void comp_imap_lift(comp_imap *m, uint32_t inst, const core_func_inst *callee,
                    const core_func_inst *callback,
                    const core_func_inst *post_return,
                    const core_func_inst *realloc);

#endif
