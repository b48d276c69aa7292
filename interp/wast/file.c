/* file.c -- reading input files whole, with a clear error for each way it
 * can go wrong (the CLI and the runner must never crash on odd paths). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wast.h"
#include "../../canon/grow.h"
#include "../text/sexpr.h"

FILE *wast_open_lines(const char *path, char *why, size_t whyn) {
  FILE *f = fopen(path, "r");
  if (!f) snprintf(why, whyn, "cannot read: %s", strerror(errno));
  return f;
}

char *wast_read_file(const char *path, size_t *len, cm_error *err) {
  struct stat st;
  if (stat(path, &st) != 0) {
    cm_error_set(err, CM_IO, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  if (S_ISDIR(st.st_mode)) {
    cm_error_set(err, CM_IO, "%s: is a directory", path);
    return NULL;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    cm_error_set(err, CM_IO, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  /* Read in chunks rather than trusting st_size: pipes and /dev files
   * report 0. */
  size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1
                                                      : 4096;
  size_t n = 0;
  char *buf = malloc(cap);
  while (buf) {
    CANON_RESERVE(buf, n + 2, cap, 4096);
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) break;
  }
  if (!buf) {
    fclose(fp);
    cm_error_set(err, CM_IO, "%s: out of memory", path);
    return NULL;
  }
  if (ferror(fp)) {
    int e = errno;
    fclose(fp);
    free(buf);
    cm_error_set(err, CM_IO, "%s: read error: %s", path, strerror(e));
    return NULL;
  }
  fclose(fp);
  buf[n] = 0;
  *len = n;
  return buf;
}

char *wast_read_script(const char *path, size_t *len, wast_file_result *f) {
  cm_error err;
  cm_error_init(&err);
  char *src = wast_read_file(path, len, &err);
  if (!src) {
    /* The report names the file already: drop the "path: " prefix. */
    const char *msg = err.msg;
    size_t n = strlen(path);
    if (strncmp(msg, path, n) == 0 && msg[n] == ':') msg += n + 2;
    wast_file_add(f, 0, "script", WAST_FAIL, false, msg);
  }
  return src;
}

sx_node *wast_read_tree(const char *src, size_t len, const char *name,
                        wast_file_result *f, wast_describe_fn describe) {
  cm_error err;
  cm_error_init(&err);
  sx_node *top = sx_read(src, len, name, &err);
  if (!top) {
    char buf[700];
    describe(&err, buf, sizeof buf);
    wast_file_add(f, err.line, "script", WAST_FAIL, false, buf);
  }
  return top;
}
