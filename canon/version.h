/* version.h -- cmref's version, in one place: `cmref --version` prints it
 * and every step trace's header carries it (docs/trace-format.md), since
 * the same input gives the same trace only with the same cmref version.
 * Bump it when a release changes behaviour. */
#ifndef CMREF_VERSION_H
#define CMREF_VERSION_H

#define CMREF_VERSION "0.1.0"

#endif
