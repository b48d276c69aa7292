/* imports.h -- `cmref imports SCRIPT.wast`: the core import map of every
 * component instantiation of a script (component/importmap.h). */
#ifndef WAST_IMPORTS_H
#define WAST_IMPORTS_H

/* argv: the command's arguments (after "imports").  Exit status. */
int wast_imports_main(int argc, char **argv);

#endif
