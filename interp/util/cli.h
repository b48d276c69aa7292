/* cli.h -- what the argument handling of every cmref command shares: the
 * help flags (-h, --help), options, usage errors. */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool cm_is_help(const char *arg) {
  return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* An option rather than an argument ("-o", "--only"; a lone "-" is an
 * argument: standard input or output). */
static inline bool cm_is_option(const char *arg) {
  return arg[0] == '-' && arg[1];
}

/* A usage error: usage to standard error, and the exit status (2). */
static inline int cm_usage_error(const char *usage) {
  fputs(usage, stderr);
  return 2;
}

/* When the whole argument list is one help flag: prints usage to
 * standard output and returns true (the command then exits 0). */
static inline bool cm_help(int argc, char **argv, const char *usage) {
  if (argc != 1 || !cm_is_help(argv[0])) return false;
  fputs(usage, stdout);
  return true;
}

/* arg of command `cmd` (e.g. "cmref trace show") that is not one of its
 * options: an unknown option, or its one positional argument `what`
 * (stored in *slot, which must still be empty).  False after printing
 * why, with usage, to standard error (the command then exits 2). */
static inline bool cm_one_positional(const char *cmd, const char *what,
                                     const char *arg, const char **slot,
                                     const char *usage) {
  if (cm_is_option(arg)) {
    fprintf(stderr, "%s: unknown option %s\n%s", cmd, arg, usage);
    return false;
  }
  if (*slot) {
    fprintf(stderr, "%s: one %s only\n%s", cmd, what, usage);
    return false;
  }
  *slot = arg;
  return true;
}

#endif
