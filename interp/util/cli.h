/* cli.h -- what the argument handling of every cmref command shares: the
 * help flags (-h, --help). */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool cm_is_help(const char *arg) {
  return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* When the whole argument list is one help flag: prints usage to
 * standard output and returns true (the command then exits 0). */
static inline bool cm_help(int argc, char **argv, const char *usage) {
  if (argc != 1 || !cm_is_help(argv[0])) return false;
  fputs(usage, stdout);
  return true;
}

#endif
