/* trace.h -- a step trace (docs/trace-format.md) read for people: a small
 * JSON Lines reader that never trusts its input, the timeline text of each
 * event, and the three `cmref trace` commands (show, diff, html).
 *
 * Each line is read as a flat JSON object; a line that is not one (bad
 * JSON, nested objects, longer than TRACE_MAX_LINE) is kept as a malformed
 * event with the reason, and shown raw, never dropped or trusted. */
#ifndef CMREF_TRACE_H
#define CMREF_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../canon/buf.h"
#include "../../canon/u64map.h"

enum { TRACE_MAX_LINE = 1 << 20, TRACE_MAX_ARRAY = 4096 };

typedef enum { TJ_NUM, TJ_STR, TJ_BOOL, TJ_NULL, TJ_ARR, TJ_OTHER } tj_kind;

typedef struct tj_member {
  char *key;
  tj_kind kind;
  char *raw;        /* the value's text, whitespace outside strings removed */
  uint64_t num;     /* TJ_NUM with is_u64; TJ_BOOL: 0/1 */
  bool is_u64;      /* a non-negative integer that fits in 64 bits */
  char *str;        /* TJ_STR: the decoded string (UTF-8, may hold any byte) */
  uint64_t *arr;    /* TJ_ARR of unsigned integers only (arr_ok) */
  uint32_t narr;
  bool arr_ok;
} tj_member;

typedef struct trace_event {
  uint32_t lineno;   /* 1-based line in the file */
  char *raw;         /* the line (truncated to 200 bytes when malformed) */
  char *error;       /* non-NULL: malformed, why */
  tj_member *m;
  uint32_t nm;
  const char *ev;    /* "ev" member or NULL */
  bool visible;      /* a guest-visible kind (docs/trace-format.md) */
} trace_event;

typedef struct trace_file {
  const char *path;
  char *header;       /* line 1 as written */
  char *name;         /* the header's "trace" member ("cmref", "jco", ...) */
  struct canon_arena *arena; /* the events' lines and members */
  trace_event *ev;    /* lines 2.. */
  uint32_t n, cap;
  /* Timeline: per event, its inst/task/thread columns (0: none, or the
   * host for inst), nesting depth and description (trace_timeline). */
  uint32_t *col_inst, *col_task, *col_thread, *depth;
  char **text;
} trace_file;

/* Reads PATH ("-" for stdin).  false with why[] when the file cannot be
 * read or its first line is not a JSON object with a "trace" member. */
bool trace_read(const char *path, trace_file *t, char *why, size_t n);
/* The same for command `cmd` ("cmref trace show"): false after printing
 * "CMD: WHY" to standard error. */
bool trace_read_for(const char *cmd, const char *path, trace_file *t);
void trace_free(trace_file *t);

const tj_member *trace_get(const trace_event *e, const char *key);
/* The member's unsigned value, or false when absent / not one. */
bool trace_u64(const trace_event *e, const char *key, uint64_t *out);
/* The canonical form compared by diff: members sorted by key, no "seq",
 * compact; a malformed line is its raw text.  Caller frees. */
char *trace_canonical(const trace_event *e);

/* A map from ids (tasks, threads, instances) to values, with a stack per
 * id (map.c).  The entries are kept in the order pushed (k[i], v[i] for
 * i < n; html.c numbers its lanes by them); an index finds an id's newest
 * entry, so a trace of any length is read in linear time. */
typedef struct trace_map {
  uint64_t *k, *v;
  uint32_t *below; /* per entry: the same key's entry before it + 1, or 0 */
  uint32_t n, cap;
  canon_u64map top;   /* id -> its newest entry + 1 (0: all popped) */
} trace_map;
bool trace_map_get(const trace_map *m, uint64_t k, uint64_t *v);
/* Replaces the newest entry of k, or appends one. */
void trace_map_set(trace_map *m, uint64_t k, uint64_t v);
/* Appends an entry: a stack per key, trace_map_get finds the latest. */
void trace_map_push(trace_map *m, uint64_t k, uint64_t v);
/* Drops k's newest entry (the one before it is found again); false when
 * k has none. */
bool trace_map_pop(trace_map *m, uint64_t k);
void trace_map_free(trace_map *m);

/* Fills the timeline columns and text of every event (show.c). */
void trace_timeline(trace_file *t);
/* Prints event i as a timeline line on stdout, prefixed by mark. */
void trace_print_line(const trace_file *t, uint32_t i, const char *mark);

/* Strings are built in a canon_buf (canon/buf.h).  Appends s with control
 * bytes and non-ASCII escaped (\xNN), at most max bytes of it (then
 * "..."). */
void trace_put_safe(canon_buf *b, const char *s, size_t max);

int trace_show_main(int argc, char **argv);
int trace_diff_main(int argc, char **argv);
int trace_html_main(int argc, char **argv);
/* `cmref trace SUBCOMMAND ...` (argv past "trace"). */
int trace_main(int argc, char **argv);

#endif
