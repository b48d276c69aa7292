/* report.c -- recording command outcomes and printing them (see report.h). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"


wast_file_result *wast_results_add_file(wast_results *r, const char *file) {
  CANON_GROW(r->files, r->nfiles, r->cap, 16);
  wast_file_result *f = &r->files[r->nfiles++];
  memset(f, 0, sizeof *f);
  f->file = canon_xstrdup(file);
  return f;
}

void wast_file_add(wast_file_result *f, uint32_t line, const char *kind,
                   wast_status st, bool mismatch, const char *message) {
  CANON_GROW(f->cmds, f->ncmds, f->cap, 64);
  wast_cmd_result *c = &f->cmds[f->ncmds++];
  c->line = line;
  snprintf(c->kind, sizeof c->kind, "%s", kind);
  c->status = st;
  c->mismatch = mismatch && st == WAST_PASS;
  c->message = message && *message ? canon_xstrdup(message) : NULL;
  c->result = NULL;
  switch (st) {
  case WAST_PASS: f->passed++; break;
  case WAST_FAIL: f->failed++; break;
  case WAST_SKIP: f->skipped++; break;
  }
  if (c->mismatch) f->mismatches++;
}

void wast_results_close_file(wast_results *r, wast_file_result *f) {
  r->passed += f->passed;
  r->failed += f->failed;
  r->skipped += f->skipped;
  r->mismatches += f->mismatches;
}

void wast_file_result_free(wast_file_result *f) {
  for (size_t j = 0; j < f->ncmds; j++) {
    free(f->cmds[j].message);
    free(f->cmds[j].result);
  }
  free(f->cmds);
  free(f->file);
  memset(f, 0, sizeof *f);
}

void wast_results_free(wast_results *r) {
  for (size_t i = 0; i < r->nfiles; i++) wast_file_result_free(&r->files[i]);
  free(r->files);
  memset(r, 0, sizeof *r);
}

/* ---- text -------------------------------------------------------------- */

static void cmd_line(FILE *out, const wast_file_result *f,
                     const wast_cmd_result *c, const char *prefix) {
  if (c->line)
    fprintf(out, "%s:%u: %s: %s%s\n", f->file, c->line, c->kind, prefix,
            c->message ? c->message : "");
  else /* about the whole file */
    fprintf(out, "%s: %s%s\n", f->file, prefix, c->message ? c->message : "");
}

void wast_report_file_text(FILE *out, const wast_file_result *f,
                           wast_verbosity v) {
  if (v == WAST_QUIET) return;
  for (size_t i = 0; i < f->ncmds; i++) {
    const wast_cmd_result *c = &f->cmds[i];
    if (c->status == WAST_FAIL) cmd_line(out, f, c, "");
    else if (c->mismatch) cmd_line(out, f, c, "message mismatch: ");
    else if (c->status == WAST_SKIP && v == WAST_VERBOSE)
      cmd_line(out, f, c, "skipped: ");
  }
  if (v == WAST_VERBOSE) {
    fprintf(out, "%s: %zu passed, %zu failed, %zu skipped", f->file,
            f->passed, f->failed, f->skipped);
    if (f->mismatches)
      fprintf(out, " (%zu message mismatches)", f->mismatches);
    fputc('\n', out);
  }
}

void wast_report_summary_text(FILE *out, const wast_results *r,
                              wast_verbosity v) {
  if (v != WAST_QUIET && r->mismatches)
    fprintf(out, "%zu message mismatches (counted as passed)\n",
            r->mismatches);
  fprintf(out, "%zu passed, %zu failed, %zu skipped\n", r->passed, r->failed,
          r->skipped);
}

/* ---- JSON -------------------------------------------------------------- */

void wast_json_str(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\t': fputs("\\t", out); break;
    case '\r': fputs("\\r", out); break;
    default:
      /* Control bytes and any byte >= 0x80 are escaped one by one, so the
       * output is valid JSON even when a message quotes invalid UTF-8. */
      if (*p < 0x20 || *p >= 0x7f) fprintf(out, "\\u%04x", *p);
      else fputc(*p, out);
    }
  }
  fputc('"', out);
}

static const char *status_name(wast_status s) {
  switch (s) {
  case WAST_PASS: return "pass";
  case WAST_FAIL: return "fail";
  case WAST_SKIP: return "skip";
  }
  return "?";
}

static void json_counts(FILE *out, size_t p, size_t f, size_t s, size_t m) {
  fprintf(out,
          "{\"passed\": %zu, \"failed\": %zu, \"skipped\": %zu, "
          "\"message_mismatches\": %zu}",
          p, f, s, m);
}

void wast_report_json(FILE *out, const wast_results *r) {
  fputs("{\"files\": [", out);
  for (size_t i = 0; i < r->nfiles; i++) {
    const wast_file_result *f = &r->files[i];
    fputs(i ? ",\n  {\"file\": " : "\n  {\"file\": ", out);
    wast_json_str(out, f->file);
    fputs(", \"totals\": ", out);
    json_counts(out, f->passed, f->failed, f->skipped, f->mismatches);
    fputs(", \"commands\": [", out);
    for (size_t j = 0; j < f->ncmds; j++) {
      const wast_cmd_result *c = &f->cmds[j];
      fprintf(out, "%s\n    {\"line\": %u, \"kind\": ", j ? "," : "",
              c->line);
      wast_json_str(out, c->kind);
      fprintf(out, ", \"status\": \"%s\"", status_name(c->status));
      if (c->mismatch) fputs(", \"message_mismatch\": true", out);
      if (c->message) {
        fputs(", \"message\": ", out);
        wast_json_str(out, c->message);
      }
      if (c->result) {
        fputs(", \"result\": ", out);
        wast_json_str(out, c->result);
      }
      fputc('}', out);
    }
    fputs("]}", out);
  }
  fputs("],\n \"totals\": ", out);
  json_counts(out, r->passed, r->failed, r->skipped, r->mismatches);
  fputs("}\n", out);
}
