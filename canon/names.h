/* names.h -- an enum and its table of names made from one list of
 * X(CONSTANT, "name", ...) (CANON_KINDS in types.h, CANON_ENTRY_KINDS in
 * handles.h, CANON_TRAP_KINDS in context.h): CANON_NAMED_ENUM gives the
 * enum's constants, CANON_NAME_OF the entries of a names[] table indexed
 * by them.  Header-only plumbing, not a spec concept. */
#ifndef CANON_NAMES_H
#define CANON_NAMES_H

#define CANON_NAMED_ENUM(constant, ...) constant,
#define CANON_NAME_OF(constant, name) [constant] = name,

#endif
