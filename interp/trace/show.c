/* show.c -- the timeline of a trace (`cmref trace show`): one line per
 * step with the component instance, task and thread it happens in, calls
 * nested, and the core values of the built-ins decoded by the spec's names
 * (CanonicalABI.md: BLOCKED, CopyResult, EventCode, Subtask.State,
 * CallbackCode).  diff.c prints the same lines. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/grow.h"
#include "../util/cli.h"

static const char *const event_codes[] = {"NONE", "SUBTASK", "STREAM_READ", "STREAM_WRITE",
                                          "FUTURE_READ", "FUTURE_WRITE", "TASK_CANCELLED"};
static const char *const subtask_states[] = {"STARTING", "STARTED", "RETURNED",
                                             "CANCELLED_BEFORE_STARTED",
                                             "CANCELLED_BEFORE_RETURNED"};
static const char *const copy_results[] = {"COMPLETED", "DROPPED", "CANCELLED"};
static const char *const callback_codes[] = {"EXIT", "YIELD", "WAIT"};
enum { BLOCKED = 0xffffffffu };

static void put_code(canon_buf *b, uint64_t c) {
  if (c < 7) canon_buf_str(b, event_codes[c]);
  else canon_buf_printf(b, "event code %llu", (unsigned long long)c);
}

static void put_subtask_state(canon_buf *b, uint64_t s) {
  if (s < 5) canon_buf_str(b, subtask_states[s]);
  else canon_buf_printf(b, "state %llu", (unsigned long long)s);
}

/* A stream copy's packed result: CopyResult | progress << 4. */
static void put_copy(canon_buf *b, uint64_t r, bool stream) {
  if (r == BLOCKED) { canon_buf_str(b, "BLOCKED"); return; }
  uint64_t st = r & 15;
  if (st < 3) canon_buf_str(b, copy_results[st]);
  else canon_buf_printf(b, "result %llu", (unsigned long long)st);
  if (stream) canon_buf_printf(b, "|%llu", (unsigned long long)(r >> 4));
}

/* An event's payload p2, by its code. */
static void put_payload(canon_buf *b, uint64_t code, uint64_t p2) {
  switch (code) {
  case 1: put_subtask_state(b, p2); break;
  case 2: case 3: put_copy(b, p2, true); break;
  case 4: case 5: put_copy(b, p2, false); break;
  default: canon_buf_printf(b, "%llu", (unsigned long long)p2);
  }
}

static void put_values(canon_buf *b, const tj_member *m) {
  if (!m) { canon_buf_str(b, "(?)"); return; }
  if (m->kind != TJ_ARR || !m->arr_ok) { trace_put_safe(b, m->raw, 200); return; }
  canon_buf_str(b, "(");
  for (uint32_t i = 0; i < m->narr; i++) {
    if (i) canon_buf_str(b, ", ");
    if (i == 16) { canon_buf_printf(b, "... %u values", m->narr); break; }
    canon_buf_printf(b, "%llu", (unsigned long long)m->arr[i]);
  }
  canon_buf_str(b, ")");
}

static void put_str(canon_buf *b, const trace_event *e, const char *key) {
  const tj_member *m = trace_get(e, key);
  if (m && m->kind == TJ_STR) {
    canon_buf_str(b, "\"");
    trace_put_safe(b, m->str, 300);
    canon_buf_str(b, "\"");
  } else {
    trace_put_safe(b, m ? m->raw : "?", 200);
  }
}

static uint64_t num(const trace_event *e, const char *key) {
  uint64_t v = 0;
  trace_u64(e, key, &v);
  return v;
}

static bool flag(const trace_event *e, const char *key) {
  const tj_member *m = trace_get(e, key);
  return m && m->kind == TJ_BOOL && m->num;
}

static bool is_prefix(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* The results of built-in NAME, decoded where the spec packs them. */
static void put_builtin_results(canon_buf *b, const char *name, const tj_member *r) {
  if (!r || r->kind != TJ_ARR || !r->arr_ok || r->narr != 1) {
    put_values(b, r);
    return;
  }
  uint64_t v = r->arr[0];
  bool stream = is_prefix(name, "stream.");
  if ((stream || is_prefix(name, "future.")) &&
      (strstr(name, "read") || strstr(name, "write")) && !strstr(name, "drop")) {
    put_copy(b, v, stream);
  } else if ((stream || is_prefix(name, "future.")) && strstr(name, ".new")) {
    canon_buf_printf(b, "readable %llu, writable %llu", (unsigned long long)(v & 0xffffffffu),
              (unsigned long long)(v >> 32));
  } else if (!strcmp(name, "waitable-set.wait") || !strcmp(name, "waitable-set.poll")) {
    put_code(b, v);
  } else if (!strcmp(name, "subtask.cancel")) {
    if (v == BLOCKED) canon_buf_str(b, "BLOCKED");
    else put_subtask_state(b, v);
  } else {
    put_values(b, r);
  }
}

/* What option c of a choice of this kind means (docs/cli.md "Choice
 * kinds": the options are listed there in this order). */
static void put_choice_meaning(canon_buf *b, const char *kind, uint64_t c) {
  static const struct { const char *kind, *zero, *one, *nth; } m[] = {
      {"wait-early", "block", "return at once", NULL},
      {"error-message", "no message", "the guest's message", NULL},
      {"host-tick", "wait for the next command", "run one tick now", NULL},
      {"nan", "the canonical NaN", NULL, "NaN sample"},
      {"tick", NULL, NULL, "ready thread, in waiting order:"},
      {"sync-loop", NULL, NULL, "ready thread, in waiting order:"},
      {"event", NULL, NULL, "waitable with an event, in join order:"},
      {"cancel-thread", NULL, NULL, "cancellable thread, in creation order:"},
  };
  for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
    if (strcmp(kind, m[i].kind) != 0) continue;
    if (c == 0 && m[i].zero) canon_buf_printf(b, " (%s)", m[i].zero);
    else if (c == 1 && m[i].one) canon_buf_printf(b, " (%s)", m[i].one);
    else if (m[i].nth) canon_buf_printf(b, " (%s %llu)", m[i].nth, (unsigned long long)c);
    return;
  }
}

/* The text of one event (without its columns). */
static char *describe(const trace_event *e, bool callback_task) {
  canon_buf b = {0};
  if (e->error) {
    canon_buf_str(&b, "?? malformed (");
    canon_buf_str(&b, e->error);
    canon_buf_str(&b, "): ");
    trace_put_safe(&b, e->raw, 200);
    return canon_buf_take(&b);
  }
  const char *ev = e->ev;
  if (!strcmp(ev, "instance")) {
    canon_buf_printf(&b, "instance %llu made", (unsigned long long)num(e, "inst"));
    uint64_t p = num(e, "parent");
    if (p) canon_buf_printf(&b, " inside instance %llu", (unsigned long long)p);
    else canon_buf_str(&b, " by the script");
  } else if (!strcmp(ev, "invoke")) {
    canon_buf_str(&b, "invoke ");
    put_str(&b, e, "name");
  } else if (!strcmp(ev, "invoke.return")) {
    uint64_t n = num(e, "results");
    canon_buf_printf(&b, "invoke returned %llu value%s", (unsigned long long)n, n == 1 ? "" : "s");
  } else if (!strcmp(ev, "invoke.trap")) {
    canon_buf_str(&b, "invoke TRAPPED: ");
    put_str(&b, e, "message");
  } else if (!strcmp(ev, "task.new")) {
    canon_buf_printf(&b, "new task %llu in instance %llu (%s type, %s lift%s%s)",
              (unsigned long long)num(e, "task"), (unsigned long long)num(e, "inst"),
              flag(e, "async_type") ? "async" : "sync", flag(e, "async") ? "async" : "sync",
              flag(e, "callback") ? ", callback" : "", flag(e, "realloc") ? ", realloc" : "");
  } else if (!strcmp(ev, "task.state")) {
    canon_buf_printf(&b, "task %llu ", (unsigned long long)num(e, "task"));
    const tj_member *s = trace_get(e, "state");
    trace_put_safe(&b, s && s->kind == TJ_STR ? s->str : "?", 100);
  } else if (!strcmp(ev, "thread.new")) {
    canon_buf_printf(&b, "new thread %llu for task %llu", (unsigned long long)num(e, "thread"),
              (unsigned long long)num(e, "task"));
  } else if (!strcmp(ev, "thread.resume")) {
    canon_buf_printf(&b, "> resume thread %llu%s", (unsigned long long)num(e, "thread"),
              flag(e, "cancelled") ? " (cancelled)" : "");
  } else if (!strcmp(ev, "thread.block")) {
    canon_buf_printf(&b, "| thread %llu blocks%s", (unsigned long long)num(e, "thread"),
              flag(e, "waiting") ? ", waiting" : "");
    uint64_t s = num(e, "switch_to");
    if (s) canon_buf_printf(&b, ", switch to thread %llu", (unsigned long long)s);
  } else if (!strcmp(ev, "thread.end")) {
    canon_buf_printf(&b, "thread %llu ends%s", (unsigned long long)num(e, "thread"),
              flag(e, "trapped") ? " (TRAPPED)" : "");
  } else if (!strcmp(ev, "lift.call")) {
    canon_buf_printf(&b, "-> lift.call task %llu ", (unsigned long long)num(e, "task"));
    put_values(&b, trace_get(e, "args"));
  } else if (!strcmp(ev, "lift.return")) {
    canon_buf_printf(&b, "<- lift.return task %llu ", (unsigned long long)num(e, "task"));
    const tj_member *r = trace_get(e, "results");
    if (callback_task && r && r->kind == TJ_ARR && r->arr_ok && r->narr == 1) {
      uint64_t c = r->arr[0] & 15;
      if (c < 3) canon_buf_str(&b, callback_codes[c]);
      else canon_buf_printf(&b, "code %llu", (unsigned long long)c);
      if (r->arr[0] >> 4) canon_buf_printf(&b, " set %llu", (unsigned long long)(r->arr[0] >> 4));
    } else {
      put_values(&b, r);
    }
  } else if (!strcmp(ev, "callback")) {
    canon_buf_printf(&b, "-> callback task %llu ", (unsigned long long)num(e, "task"));
    const tj_member *m = trace_get(e, "event");
    if (m && m->kind == TJ_ARR && m->arr_ok && m->narr == 3) {
      put_code(&b, m->arr[0]);
      canon_buf_printf(&b, " %llu ", (unsigned long long)m->arr[1]);
      put_payload(&b, m->arr[0], m->arr[2]);
    } else {
      put_values(&b, m);
    }
  } else if (!strcmp(ev, "lower.call")) {
    canon_buf_printf(&b, "-> lower.call%s ", flag(e, "async") ? " async" : "");
    put_values(&b, trace_get(e, "args"));
  } else if (!strcmp(ev, "lower.return")) {
    canon_buf_str(&b, "<- lower.return ");
    const tj_member *st = trace_get(e, "state");
    if (st) {
      canon_buf_printf(&b, "subtask %llu ", (unsigned long long)num(e, "subtask"));
      put_subtask_state(&b, num(e, "state"));
    } else {
      put_values(&b, trace_get(e, "results"));
    }
  } else if (!strcmp(ev, "builtin")) {
    const tj_member *n = trace_get(e, "name");
    const char *name = n && n->kind == TJ_STR ? n->str : "?";
    trace_put_safe(&b, name, 100);
    put_values(&b, trace_get(e, "args"));
    const tj_member *t = trace_get(e, "trap");
    if (t) {
      canon_buf_str(&b, " TRAPPED: ");
      put_str(&b, e, "trap");
    } else {
      const tj_member *r = trace_get(e, "results");
      if (!r || r->kind != TJ_ARR || !r->arr_ok || r->narr) { /* () says nothing */
        canon_buf_str(&b, " = ");
        put_builtin_results(&b, name, r);
      }
    }
  } else if (!strcmp(ev, "event")) {
    uint64_t code = num(e, "code");
    canon_buf_str(&b, "* event ");
    put_code(&b, code);
    canon_buf_printf(&b, " %s %llu: ", code == 1 ? "subtask" : "handle",
              (unsigned long long)num(e, "p1"));
    put_payload(&b, code, num(e, "p2"));
  } else if (!strcmp(ev, "choice")) {
    canon_buf_str(&b, "? choice ");
    const tj_member *k = trace_get(e, "kind");
    trace_put_safe(&b, k && k->kind == TJ_STR ? k->str : "?", 100);
    uint64_t n = num(e, "n"), c = num(e, "chosen");
    canon_buf_printf(&b, ": option %llu of 0..%llu", (unsigned long long)c,
              (unsigned long long)(n ? n - 1 : 0));
    put_choice_meaning(&b, k && k->kind == TJ_STR ? k->str : "", c);
  } else if (!strcmp(ev, "host.trap")) {
    canon_buf_str(&b, "host tick TRAPPED: ");
    put_str(&b, e, "message");
  } else {
    /* A kind this viewer does not know (a newer trace): shown raw. */
    canon_buf_str(&b, "(unknown event) ");
    trace_put_safe(&b, e->raw, 300);
  }
  return canon_buf_take(&b);
}

/* The timeline's state: which thread runs (the resume stack), each
 * thread's task, each task's instance, call nesting per thread. */
static uint64_t map_get(const trace_map *m, uint64_t k) {
  uint64_t v = 0;
  trace_map_get(m, k, &v);
  return v;
}

static uint32_t clamp32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

void trace_timeline(trace_file *t) {
  if (t->text) return;
  t->col_inst = canon_xcalloc(t->n, sizeof *t->col_inst);
  t->col_task = canon_xcalloc(t->n, sizeof *t->col_task);
  t->col_thread = canon_xcalloc(t->n, sizeof *t->col_thread);
  t->depth = canon_xcalloc(t->n, sizeof *t->depth);
  t->text = canon_xcalloc(t->n, sizeof *t->text);
  trace_map thread_task = {0}, task_inst = {0}, depth = {0}, cb = {0};
  uint64_t stack[64];
  uint32_t sp = 0;
  uint64_t cur_task = 0; /* without thread events: the last lifted task */
  for (uint32_t i = 0; i < t->n; i++) {
    trace_event *e = &t->ev[i];
    uint64_t thread = sp ? stack[sp - 1] : 0, task = 0, inst = 0, v;
    const char *ev = e->ev ? e->ev : "";
    if (!strcmp(ev, "thread.resume") && trace_u64(e, "thread", &v)) {
      if (sp < 64) stack[sp++] = v;
      thread = v;
    }
    task = thread ? map_get(&thread_task, thread) : cur_task;
    if (trace_u64(e, "task", &v)) task = v;
    if (!strcmp(ev, "thread.new")) task = num(e, "task");
    inst = map_get(&task_inst, task);
    if (trace_u64(e, "inst", &v) && strcmp(ev, "instance") != 0) inst = v;
    if (!strcmp(ev, "instance") || !strcmp(ev, "invoke") || !strcmp(ev, "invoke.return") ||
        !strcmp(ev, "invoke.trap") || !strcmp(ev, "host.trap"))
      inst = 0, task = 0, thread = 0;
    if (!strcmp(ev, "task.new")) {
      trace_map_set(&task_inst, num(e, "task"), num(e, "inst"));
      if (flag(e, "callback")) trace_map_set(&cb, num(e, "task"), 1);
      thread = 0;
    }
    if (!strcmp(ev, "thread.new")) {
      trace_map_set(&thread_task, num(e, "thread"), num(e, "task"));
      thread = num(e, "thread");
      inst = map_get(&task_inst, task);
    }
    uint64_t key = thread ? thread : 1u << 31;
    uint64_t d = map_get(&depth, key);
    bool opens = !strcmp(ev, "lift.call") || !strcmp(ev, "lower.call") || !strcmp(ev, "callback");
    bool closes = !strcmp(ev, "lift.return") || !strcmp(ev, "lower.return");
    if (closes && d) d--;
    t->depth[i] = clamp32((sp ? sp - 1 : 0) + d);
    if (opens) d++;
    trace_map_set(&depth, key, d);
    if (!strcmp(ev, "lift.call") || !strcmp(ev, "callback")) cur_task = task;
    if ((!strcmp(ev, "thread.block") || !strcmp(ev, "thread.end")) && sp) sp--;
    t->col_inst[i] = clamp32(inst);
    t->col_task[i] = clamp32(task);
    t->col_thread[i] = clamp32(thread);
    t->text[i] = describe(e, map_get(&cb, task) != 0);
  }
  trace_map_free(&thread_task);
  trace_map_free(&task_inst);
  trace_map_free(&depth);
  trace_map_free(&cb);
}

static void col(char *out, size_t n, uint32_t v, const char *zero) {
  if (v) snprintf(out, n, "%u", v);
  else snprintf(out, n, "%s", zero);
}

void trace_print_line(const trace_file *t, uint32_t i, const char *mark) {
  const trace_event *e = &t->ev[i];
  char seq[24], in[16], ta[16], th[16];
  uint64_t s;
  if (trace_u64(e, "seq", &s)) snprintf(seq, sizeof seq, "%llu", (unsigned long long)s);
  else snprintf(seq, sizeof seq, "L%u", e->lineno);
  col(in, sizeof in, t->col_inst[i], e->ev && !e->error ? "host" : "");
  col(ta, sizeof ta, t->col_task[i], "");
  col(th, sizeof th, t->col_thread[i], "");
  uint32_t d = t->depth[i] > 20 ? 20 : t->depth[i];
  /* a seq of 6 or more digits would run into the mark: one more column */
  int w = strlen(seq) >= 6 ? 7 : 6;
  printf("%s%*s  %-4s %-4s %-4s %*s%s\n", mark, w, seq, in, ta, th, (int)(2 * d), "",
         t->text[i]);
}

static void print_header(void) {
  printf("   seq  inst task thr  step\n");
}

static const char show_usage[] =
    "usage: cmref trace show [--only inst=N|task=N|thread=N]... TRACE\n"
    "\n"
    "Prints a trace (docs/trace-format.md) as a timeline: one line per step\n"
    "with its component instance, task and thread, calls nested, built-ins'\n"
    "results decoded (BLOCKED, COMPLETED|n, event codes and subtask states\n"
    "by name) and each scheduling choice with its options.  --only keeps the\n"
    "steps of one instance, task or thread (several --only: any of them).\n"
    "Exit status 0, 2 if TRACE cannot be read or is not a trace.\n";

int trace_show_main(int argc, char **argv) {
  const char *path = NULL;
  enum { MAXF = 16 };
  char fk[MAXF];
  uint64_t fv[MAXF];
  int nf = 0;
  for (int i = 0; i < argc; i++) {
    if (cm_is_help(argv[i])) {
      fputs(show_usage, stdout);
      return 0;
    }
    if (!strcmp(argv[i], "--only") || !strncmp(argv[i], "--only=", 7)) {
      const char *f = argv[i][6] == '=' ? argv[i] + 7 : (i + 1 < argc ? argv[++i] : "");
      char *end = NULL;
      const char *eq = strchr(f, '=');
      unsigned long long v = eq ? strtoull(eq + 1, &end, 10) : 0;
      char k = !strncmp(f, "inst=", 5) ? 'i' : !strncmp(f, "task=", 5) ? 't'
               : !strncmp(f, "thread=", 7) ? 'h' : 0;
      if (!k || !end || end == eq + 1 || *end || nf == MAXF) {
        fprintf(stderr, "cmref trace show: bad --only \"%s\" (inst=N, task=N or thread=N)\n", f);
        return 2;
      }
      fk[nf] = k;
      fv[nf++] = v;
    } else if (!cm_one_positional("cmref trace show", "TRACE", argv[i],
                                  &path, show_usage)) {
      return 2;
    }
  }
  if (!path) return cm_usage_error(show_usage);
  trace_file t;
  if (!trace_read_for("cmref trace show", path, &t)) return 2;
  trace_timeline(&t);
  printf("%s: ", path);
  canon_buf h = {0};
  trace_put_safe(&h, t.header, 300);
  printf("%s\n", h.p);
  free(h.p);
  print_header();
  for (uint32_t i = 0; i < t.n; i++) {
    bool keep = nf == 0;
    for (int k = 0; k < nf && !keep; k++)
      keep = (fk[k] == 'i' && t.col_inst[i] == fv[k]) ||
             (fk[k] == 't' && t.col_task[i] == fv[k]) ||
             (fk[k] == 'h' && t.col_thread[i] == fv[k]);
    if (keep) trace_print_line(&t, i, " ");
  }
  trace_free(&t);
  return 0;
}
