/* oom.h -- what interp/ does when the host has no memory left: print
 * "cmref: out of host memory" and exit with status 1, the status of any
 * other failure (docs/cli.md).  Never abort(): design.md wants no input to
 * reach an abort, and running out of memory is a clean exit with a
 * message. */
#ifndef CM_OOM_H
#define CM_OOM_H

_Noreturn void cm_out_of_memory(void);

#endif
