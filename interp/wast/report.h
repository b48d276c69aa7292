/* report.h -- the outcome of every script command, and how it is shown:
 * text (failures as FILE:LINE: COMMAND: MESSAGE, then the tally line
 * "N passed, M failed, K skipped") or one JSON object. */
#ifndef WAST_REPORT_H
#define WAST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum wast_status { WAST_PASS, WAST_FAIL, WAST_SKIP } wast_status;

/* Sets the status `st` and the printf-formatted message `msg` (a char
 * array) of an outcome being built (runner.c's command, roundtrip.c's
 * form). */
#define WAST_SET(o, status, ...) \
  ((o)->st = (status), (void)snprintf((o)->msg, sizeof (o)->msg, __VA_ARGS__))

typedef struct wast_cmd_result {
  uint32_t line;
  char kind[32];      /* the command's keyword: "assert_return", "module" */
  wast_status status;
  bool mismatch;      /* passed on kind, but the message differs */
  char *message;      /* why it failed / was skipped, or the mismatch */
  /* what a passing `invoke` or `get` returned, as constants
   * ("(u32.const 3)"), when wast_options.keep_results (--explore, where
   * the values are part of the outcome); else NULL */
  char *result;
} wast_cmd_result;

typedef struct wast_file_result {
  char *file;
  wast_cmd_result *cmds;
  size_t ncmds, cap;
  size_t passed, failed, skipped, mismatches;
} wast_file_result;

typedef struct wast_results {
  wast_file_result *files;
  size_t nfiles, cap;
  size_t passed, failed, skipped, mismatches;
} wast_results;

/* Starts a new file's results; the pointer is valid until the next call. */
wast_file_result *wast_results_add_file(wast_results *r, const char *file);
/* Records one command of the current file (message is copied). */
void wast_file_add(wast_file_result *f, uint32_t line, const char *kind,
                   wast_status st, bool mismatch, const char *message);
/* Adds a file's counts to the totals. */
void wast_results_close_file(wast_results *r, wast_file_result *f);
/* Frees a file's records (not f itself) and zeroes it. */
void wast_file_result_free(wast_file_result *f);
void wast_results_free(wast_results *r);

typedef enum wast_verbosity {
  WAST_QUIET,   /* only the tally line */
  WAST_NORMAL,  /* failures and message mismatches, then the tally */
  WAST_VERBOSE, /* also skips and one line per file */
} wast_verbosity;

/* The lines of one file (failures, notes, skips as the verbosity says). */
void wast_report_file_text(FILE *out, const wast_file_result *f,
                           wast_verbosity v);
/* The closing lines; the last is exactly "N passed, M failed, K skipped". */
void wast_report_summary_text(FILE *out, const wast_results *r,
                              wast_verbosity v);
void wast_report_json(FILE *out, const wast_results *r);

/* A JSON string literal of s (control bytes and bytes >= 0x7f escaped). */
void wast_json_str(FILE *out, const char *s);

#endif
