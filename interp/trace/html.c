/* html.c -- `cmref trace html TRACE -o run.html`: the trace as a sequence
 * diagram in one self-contained HTML file (inline SVG, CSS and a little
 * JavaScript; nothing is fetched).  The host and each component instance
 * are lifelines; each step is one row (`<g class="ev">`, its JSON in a
 * <title> shown on hover): calls and returns across the boundary and
 * stream/future copies are arrows between lifelines, the rest markers on
 * the lifeline of the instance they happen in, choices diamonds in the
 * left gutter.  Threads running are bars.  The layout is computed here, so
 * the page reads without JavaScript; the script only re-lays rows out when
 * an invoke is collapsed or the model steps are hidden (long traces). */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../canon/context.h"
#include "../../canon/grow.h"
#include "../util/cli.h"

enum { RH = 18, TOP = 10, GUTTER = 110, LW = 170, LABEL = 52 };

static const char css[] =
    "body{font:12px/1.3 system-ui,sans-serif;margin:0;background:#fff;color:#222}"
    "#bar{position:sticky;top:0;z-index:2;background:#f4f4f8;border-bottom:1px solid #ccc}"
    "#bar .ctl{padding:4px 8px}#info{font:11px monospace;padding:2px 8px;min-height:14px;"
    "white-space:pre;overflow:hidden;color:#333}"
    "svg text{font:11px system-ui,sans-serif}.seq{fill:#999;font:10px monospace}"
    ".lifeline line{stroke:#bbb;stroke-dasharray:4 3}.lname{font-weight:bold;fill:#223}"
    ".act{fill:#cfe0ff;stroke:#5b7fc7;stroke-width:.8}"
    ".arrow{stroke:#2a4d9b;stroke-width:1.3;fill:none}.ret{stroke-dasharray:5 3}"
    ".copy .arrow{stroke:#0a8a4a;stroke-width:2}.copy text{fill:#0a6a3a}"
    ".mk{fill:#777}.k-builtin .mk{fill:#8a5cc2}.k-event .mk{fill:#e08a00}"
    ".k-thread-block .mk{fill:#c33}.k-thread-resume .mk{fill:#393}"
    ".choice .mk{fill:#d4a000;stroke:#7a5c00}.trap text.lbl{fill:#c00;font-weight:bold}"
    ".raw text.lbl{fill:#c00}.ev:hover{outline:1px solid #88a}.ev:hover rect.hit{fill:#eef}"
    "rect.hit{fill:transparent}.inv{cursor:pointer}.inv.closed text.lbl{fill:#a00}";

static const char js[] =
    "(function(){var svg=document.getElementById('sd'),"
    "evs=[].slice.call(svg.querySelectorAll('g.ev')),"
    "acts=[].slice.call(svg.querySelectorAll('rect.act')),"
    "lls=[].slice.call(document.querySelectorAll('g.lifeline line')),"
    "info=document.getElementById('info'),model=document.getElementById('model'),"
    "closed={};"
    "function layout(){var y=[],cur=" "10" ",grp=-1;"
    "evs.forEach(function(g,i){var hide=false;"
    "if(g.classList.contains('inv'))grp=i;else if(grp>=0&&closed[grp])hide=true;"
    "if(!model.checked&&g.classList.contains('model'))hide=true;"
    "y[i]=cur;g.style.display=hide?'none':'';"
    "if(!hide){g.setAttribute('transform','translate(0,'+cur+')');cur+=18;}});"
    "y[evs.length]=cur;"
    "acts.forEach(function(r){var a=y[+r.getAttribute('data-r0')]+9,"
    "b=y[+r.getAttribute('data-r1')]+9;r.setAttribute('y',a);"
    "r.setAttribute('height',Math.max(b-a,3));});"
    "lls.forEach(function(l){l.setAttribute('y2',cur+18);});"
    "svg.setAttribute('height',cur+36);}"
    "evs.forEach(function(g,i){g.addEventListener('mouseenter',function(){"
    "info.textContent=g.querySelector('title').textContent;});"
    "if(g.classList.contains('inv'))g.addEventListener('click',function(){"
    "closed[i]=!closed[i];g.classList.toggle('closed');layout();});});"
    "model.addEventListener('change',layout);layout();})();";

/* Appends s HTML-escaped (s is ASCII: ts_put_safe made it so). */
static void put_esc(canon_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': canon_buf_str(b, "&amp;"); break;
    case '<': canon_buf_str(b, "&lt;"); break;
    case '>': canon_buf_str(b, "&gt;"); break;
    case '"': canon_buf_str(b, "&quot;"); break;
    case '\'': canon_buf_str(b, "&#39;"); break;
    default: canon_buf_add(b, s, 1);
    }
  }
}

static void put_esc_safe(canon_buf *b, const char *s, size_t max) {
  canon_buf t = {0};
  trace_put_safe(&t, s, max);
  put_esc(b, t.p ? t.p : "");
  free(t.p);
}

/* Lifelines: index 0 the host, then the instances as they appear. */
/* The lifelines: instance (k) -> its parent instance (v); lane 0 is the
 * host. */
typedef trace_map lanes;

/* A hostile trace may name millions of instances: past MAX_LANES they
 * are drawn on the host's lifeline (their steps still show their JSON). */
enum { MAX_LANES = 256 };

static uint32_t lane(lanes *l, uint64_t inst) {
  if (!inst) return 0;
  for (uint32_t i = 1; i < l->n; i++)
    if (l->k[i] == inst) return i;
  if (l->n >= MAX_LANES) return 0;
  trace_map_push(l, inst, 0);
  return l->n - 1;
}

static int lane_x(uint32_t k) { return GUTTER + 50 + (int)k * LW; }

static uint64_t num(const trace_event *e, const char *k) {
  uint64_t v = 0;
  trace_u64(e, k, &v);
  return v;
}

static bool is(const trace_event *e, const char *ev) { return e->ev && !strcmp(e->ev, ev); }

/* The instance of task: from its task.new, else (a foreign trace) the
 * first step after its lift.call that names an instance. */
static uint64_t task_inst(const trace_file *t, const trace_map *ti, uint64_t task, uint32_t from) {
  uint64_t v;
  if (trace_map_get(ti, task, &v)) return v;
  for (uint32_t j = from; j < t->n && j < from + 64; j++)
    if (!t->ev[j].error && !is(&t->ev[j], "instance") && trace_u64(&t->ev[j], "inst", &v))
      return v;
  return 0;
}

/* A stream or future copy that completed at once (a rendezvous): the
 * other end is the latest copy of the other direction still blocked. */
typedef struct pend { uint64_t inst; bool write, stream; uint32_t row; } pend;

static void arrow(canon_buf *b, int x1, int x2, bool ret, const char *label) {
  int y = RH / 2;
  if (x1 == x2) {
    canon_buf_printf(b, "<path class=\"arrow%s\" d=\"M%d %d h24 v6 h-22\" marker-end=\"url(#ah)\"/>",
              ret ? " ret" : "", x1, y - 3);
    canon_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", x1 + 30, y + 4);
  } else {
    canon_buf_printf(b, "<line class=\"arrow%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#ah)\"/>",
              ret ? " ret" : "", x1, y, x2 + (x2 > x1 ? -2 : 2), y);
    int lx = (x1 < x2 ? x1 : x2) + 6;
    canon_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", lx, y - 2);
  }
  put_esc(b, label);
  canon_buf_str(b, "</text>");
}

static void marker(canon_buf *b, int x, const char *shape, const char *label) {
  int y = RH / 2;
  if (!strcmp(shape, "diamond"))
    canon_buf_printf(b, "<path class=\"mk\" d=\"M%d %d l5 5 l-5 5 l-5 -5 z\"/>", x, y - 5);
  else if (!strcmp(shape, "square"))
    canon_buf_printf(b, "<rect class=\"mk\" x=\"%d\" y=\"%d\" width=\"8\" height=\"8\"/>", x - 4, y - 4);
  else
    canon_buf_printf(b, "<circle class=\"mk\" cx=\"%d\" cy=\"%d\" r=\"4\"/>", x, y);
  canon_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", x + 9, y + 4);
  put_esc(b, label);
  canon_buf_str(b, "</text>");
}

/* A short label: the timeline text without its leading glyphs. */
static void short_label(char *out, size_t n, const char *text) {
  while (*text == '-' || *text == '>' || *text == '<' || *text == '*' || *text == '|' ||
         *text == '?' || *text == ' ')
    text++;
  size_t len = strlen(text);
  if (len > LABEL) {
    snprintf(out, n, "%.*s...", LABEL, text);
  } else {
    snprintf(out, n, "%s", text);
  }
}

static bool copy_name(const char *name, bool *write, bool *stream) {
  *stream = !strncmp(name, "stream.", 7);
  if (!*stream && strncmp(name, "future.", 7)) return false;
  if (!strcmp(name + 7, "read")) { *write = false; return true; }
  if (!strcmp(name + 7, "write")) { *write = true; return true; }
  return false;
}

static char *render(trace_file *t) {
  trace_timeline(t);
  lanes L = {0};
  /* lane 0: the host (lane() never looks at its inst) */
  trace_map_push(&L, 0, 0);
  for (uint32_t i = 0; i < t->n; i++) {
    const trace_event *e = &t->ev[i];
    if (e->error) continue;
    uint64_t v;
    if (is(e, "instance")) {
      uint32_t k = lane(&L, num(e, "inst"));
      L.v[k] = num(e, "parent");
    } else if (trace_u64(e, "inst", &v)) {
      lane(&L, v);
    }
  }
  trace_map ti = {0}, caller = {0}, callee_of_lower = {0};
  uint64_t pending_caller = 0, invoke_target = 0;
  bool have_pending = false;
  pend *pd = NULL;
  uint32_t npd = 0, cappd = 0;
  canon_buf rows = {0}, bars = {0};
  /* thread running segments: thread -> start row */
  trace_map run_from = {0};
  bool any_thread = false;
  for (uint32_t i = 0; i < t->n; i++)
    if (is(&t->ev[i], "thread.resume")) any_thread = true;
  trace_map lift_from = {0};
  for (uint32_t i = 0; i < t->n; i++) {
    trace_event *e = &t->ev[i];
    const char *text = t->text[i];
    char label[LABEL + 8];
    short_label(label, sizeof label, text);
    const char *kind = e->error ? "raw" : e->ev;
    bool known = true;
    canon_buf cls = {0};
    canon_buf_str(&cls, "ev k-");
    for (const char *p = kind; *p && p - kind < 40; p++) {
      char c = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '-';
      canon_buf_add(&cls, &c, 1);
    }
    if (!e->error && !e->visible) canon_buf_str(&cls, " model");
    if (is(e, "invoke")) canon_buf_str(&cls, " inv");
    if (is(e, "choice")) canon_buf_str(&cls, " choice");
    if (is(e, "invoke.trap") || is(e, "host.trap") || trace_get(e, "trap")) canon_buf_str(&cls, " trap");
    bool copy = false;
    canon_buf body = {0};
    uint64_t task = 0, v;
    trace_u64(e, "task", &task);
    int xi = lane_x(lane(&L, t->col_inst[i]));
    if (e->error) {
      marker(&body, lane_x(0), "square", label);
    } else if (is(e, "instance")) {
      marker(&body, lane_x(lane(&L, num(e, "inst"))), "square", label);
    } else if (is(e, "invoke")) {
      /* the target: the instance of the next task made or lifted */
      uint64_t target = 0;
      for (uint32_t j = i + 1; j < t->n && j < i + 64 && !target; j++) {
        const trace_event *f = &t->ev[j];
        if (f->error) continue;
        if (is(f, "task.new")) target = num(f, "inst");
        else if (is(f, "lift.call")) target = task_inst(t, &ti, num(f, "task"), j + 1);
        else if (is(f, "invoke")) break;
      }
      invoke_target = target;
      pending_caller = 0;
      have_pending = true;
      arrow(&body, lane_x(0), lane_x(lane(&L, target)), false, label);
    } else if (is(e, "invoke.return") || is(e, "invoke.trap")) {
      arrow(&body, lane_x(lane(&L, invoke_target)), lane_x(0), true, label);
    } else if (is(e, "task.new")) {
      trace_map_set(&ti, task, num(e, "inst"));
      trace_map_set(&caller, task, have_pending ? pending_caller : num(e, "inst"));
      have_pending = false;
      marker(&body, lane_x(lane(&L, num(e, "inst"))), "square", label);
    } else if (is(e, "lift.call")) {
      uint64_t c;
      if (!trace_map_get(&caller, task, &c)) {
        c = have_pending ? pending_caller : 0;
        trace_map_set(&caller, task, c);
        have_pending = false;
      }
      uint64_t in = task_inst(t, &ti, task, i + 1);
      if (!trace_map_get(&ti, task, &v)) trace_map_set(&ti, task, in);
      arrow(&body, lane_x(lane(&L, c)), lane_x(lane(&L, in)), false, label);
      if (!any_thread) trace_map_set(&lift_from, task, i);
    } else if (is(e, "lift.return")) {
      uint64_t c = 0, in = task_inst(t, &ti, task, i + 1);
      trace_map_get(&caller, task, &c);
      arrow(&body, lane_x(lane(&L, in)), lane_x(lane(&L, c)), true, label);
      uint64_t r0;
      if (!any_thread && trace_map_get(&lift_from, task, &r0))
        canon_buf_printf(&bars, "<rect class=\"act\" x=\"%d\" y=\"%u\" width=\"8\" height=\"%u\" data-r0=\"%u\" data-r1=\"%u\"/>",
                  lane_x(lane(&L, in)) - 4, TOP + (unsigned)r0 * RH + RH / 2,
                  (unsigned)(i - r0) * RH, (unsigned)r0, i);
    } else if (is(e, "lower.call")) {
      uint64_t in = num(e, "inst"), target = 0;
      for (uint32_t j = i + 1; j < t->n && j < i + 16 && !target; j++) {
        const trace_event *f = &t->ev[j];
        if (f->error) continue;
        if (is(f, "task.new") && !trace_get(f, "realloc")) target = num(f, "inst");
        else if (is(f, "lift.call")) target = task_inst(t, &ti, num(f, "task"), j + 1);
        else if (is(f, "lower.return") || is(f, "lower.call")) break;
      }
      pending_caller = in;
      have_pending = true;
      trace_map_push(&callee_of_lower, in, target ? target : in);
      arrow(&body, lane_x(lane(&L, in)), lane_x(lane(&L, target ? target : in)), false, label);
    } else if (is(e, "lower.return")) {
      uint64_t in = num(e, "inst"), from = in;
      /* the latest lower.call of this instance is answered */
      if (trace_map_get(&callee_of_lower, in, &from)) trace_map_pop(&callee_of_lower, in);
      arrow(&body, lane_x(lane(&L, from)), lane_x(lane(&L, in)), true, label);
    } else if (is(e, "builtin")) {
      const tj_member *n = trace_get(e, "name"), *r = trace_get(e, "results");
      bool write, stream;
      uint64_t in = num(e, "inst");
      if (n && n->kind == TJ_STR && copy_name(n->str, &write, &stream) && r &&
          r->kind == TJ_ARR && r->arr_ok && r->narr == 1) {
        uint64_t res = r->arr[0];
        if (res == 0xffffffffu) {
          CANON_GROW(pd, npd, cappd, 8);
          pd[npd++] = (pend){in, write, stream, i};
        } else if (!stream || res >> 4) {
          /* completed at once: the other end is the latest blocked copy
           * of the other direction (another instance first) */
          int best = -1;
          for (uint32_t k = npd; k-- > 0;)
            if (pd[k].write != write && pd[k].stream == stream &&
                (best < 0 || (pd[best].inst == in && pd[k].inst != in)))
              best = (int)k;
          if (best >= 0) {
            uint64_t other = pd[best].inst;
            memmove(&pd[best], &pd[best + 1], (npd - (uint32_t)best - 1) * sizeof *pd);
            npd--;
            copy = true;
            uint64_t from = write ? in : other, to = write ? other : in;
            char cl[LABEL + 40];
            if (stream)
              snprintf(cl, sizeof cl, "%s: %llu element%s copied", n->str,
                       (unsigned long long)(res >> 4), res >> 4 == 1 ? "" : "s");
            else
              snprintf(cl, sizeof cl, "%s: value copied", n->str);
            arrow(&body, lane_x(lane(&L, from)), lane_x(lane(&L, to)), false, cl);
          }
        }
      }
      if (!copy) marker(&body, lane_x(lane(&L, in)), "square", label);
    } else if (is(e, "event")) {
      marker(&body, xi, "diamond", label);
    } else if (is(e, "choice")) {
      marker(&body, GUTTER - 14, "diamond", "");
      canon_buf_printf(&body, "<text class=\"lbl\" x=\"44\" y=\"%d\">", RH / 2 + 4);
      const tj_member *k = trace_get(e, "kind");
      put_esc_safe(&body, k && k->kind == TJ_STR ? k->str : "?", 20);
      canon_buf_printf(&body, " %llu/%llu</text>", (unsigned long long)num(e, "chosen"),
                (unsigned long long)num(e, "n"));
    } else if (is(e, "thread.new")) {
      marker(&body, xi, "circle", label);
    } else if (is(e, "thread.resume")) {
      trace_map_set(&run_from, num(e, "thread"), i);
      marker(&body, xi, "circle", label);
    } else if (is(e, "thread.block") || is(e, "thread.end")) {
      uint64_t r0;
      if (trace_map_get(&run_from, num(e, "thread"), &r0) && r0 != UINT64_MAX) {
        canon_buf_printf(&bars, "<rect class=\"act\" x=\"%d\" y=\"%u\" width=\"8\" height=\"%u\" data-r0=\"%u\" data-r1=\"%u\"/>",
                  xi - 4, TOP + (unsigned)r0 * RH + RH / 2, (unsigned)(i - r0) * RH,
                  (unsigned)r0, i);
        trace_map_set(&run_from, num(e, "thread"), UINT64_MAX);
      }
      marker(&body, xi, "circle", label);
    } else if (is(e, "task.state") || is(e, "callback") || is(e, "host.trap")) {
      marker(&body, xi, "circle", label);
    } else {
      known = false;
      marker(&body, lane_x(0), "square", label);
    }
    if (!known) canon_buf_str(&cls, " raw");
    if (copy) canon_buf_str(&cls, " copy");
    canon_buf_printf(&rows, "<g class=\"%s\" data-row=\"%u\" transform=\"translate(0,%u)\">", cls.p, i,
              TOP + i * RH);
    canon_buf_str(&rows, "<title>");
    put_esc_safe(&rows, e->raw, 2000);
    canon_buf_str(&rows, "\n");
    put_esc(&rows, text);
    canon_buf_str(&rows, "</title>");
    canon_buf_printf(&rows, "<rect class=\"hit\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
              lane_x(L.n) + 200, RH);
    uint64_t s;
    if (trace_u64(e, "seq", &s)) canon_buf_printf(&rows, "<text class=\"seq\" x=\"4\" y=\"13\">%llu</text>", (unsigned long long)s);
    else canon_buf_printf(&rows, "<text class=\"seq\" x=\"4\" y=\"13\">L%u</text>", e->lineno);
    canon_buf_str(&rows, body.p ? body.p : "");
    canon_buf_str(&rows, "</g>\n");
    free(body.p);
    free(cls.p);
  }
  unsigned width = (unsigned)lane_x(L.n) + 260, height = TOP + (t->n + 2) * RH;
  canon_buf out = {0};
  canon_buf_str(&out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cmref trace ");
  put_esc_safe(&out, t->path, 200);
  canon_buf_str(&out, "</title>\n<style>");
  canon_buf_str(&out, css);
  canon_buf_str(&out, "</style></head><body>\n<div id=\"bar\"><div class=\"ctl\"><b>");
  put_esc_safe(&out, t->path, 200);
  canon_buf_printf(&out, "</b> &mdash; %u steps &mdash; <label><input type=\"checkbox\" id=\"model\" checked> "
            "cmref's model steps (instances, tasks, threads, choices)</label> &mdash; click an "
            "invoke to fold it; hover a step for its event</div>\n<div id=\"info\">", t->n);
  put_esc_safe(&out, t->header ? t->header : "", 300);
  canon_buf_printf(&out, "</div>\n<svg id=\"names\" width=\"%u\" height=\"22\">", width);
  for (uint32_t k = 0; k < L.n; k++) {
    canon_buf_printf(&out, "<text class=\"lname\" x=\"%d\" y=\"15\" text-anchor=\"middle\">", lane_x(k));
    if (k == 0) canon_buf_str(&out, "host");
    else if (L.v[k]) canon_buf_printf(&out, "instance %llu (in %llu)", (unsigned long long)L.k[k], (unsigned long long)L.v[k]);
    else canon_buf_printf(&out, "instance %llu", (unsigned long long)L.k[k]);
    canon_buf_str(&out, "</text>");
  }
  canon_buf_printf(&out, "<text class=\"lname\" x=\"%d\" y=\"15\" text-anchor=\"end\">choices</text>", GUTTER);
  canon_buf_printf(&out, "</svg></div>\n<svg id=\"sd\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\">\n",
            width, height);
  canon_buf_str(&out, "<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" "
                "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#2a4d9b\"/></marker></defs>\n");
  for (uint32_t k = 0; k < L.n; k++)
    canon_buf_printf(&out, "<g class=\"lifeline\" data-lane=\"%u\"><line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%u\"/></g>\n",
              k, lane_x(k), lane_x(k), height);
  canon_buf_str(&out, bars.p ? bars.p : "");
  canon_buf_str(&out, "\n");
  canon_buf_str(&out, rows.p ? rows.p : "");
  canon_buf_str(&out, "</svg>\n<script>");
  canon_buf_str(&out, js);
  canon_buf_str(&out, "</script>\n</body></html>\n");
  free(rows.p);
  free(bars.p);
  free(pd);
  trace_map_free(&L);
  trace_map_free(&ti);
  trace_map_free(&caller);
  trace_map_free(&callee_of_lower);
  trace_map_free(&run_from);
  trace_map_free(&lift_from);
  return canon_buf_take(&out);
}

static const char html_usage[] =
    "usage: cmref trace html TRACE -o OUT.html\n"
    "\n"
    "Writes the trace as a sequence diagram in one self-contained HTML file\n"
    "(inline SVG, CSS and a little JavaScript; nothing is fetched): the host\n"
    "and each component instance are lifelines, calls and returns arrows,\n"
    "threads running bars, built-ins, events delivered and choices markers;\n"
    "hovering a step shows its event.  -o - writes to standard output.\n"
    "Exit status 0, 1 if OUT cannot be written, 2 if TRACE cannot be read\n"
    "or is not a trace.\n";

int trace_html_main(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 0; i < argc; i++) {
    if (cm_is_help(argv[i])) {
      fputs(html_usage, stdout);
      return 0;
    }
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (i + 1 >= argc) return cm_usage_error(html_usage);
      out = argv[++i];
    } else if (!cm_one_positional("cmref trace html", "TRACE", argv[i],
                                  &in, html_usage)) {
      return 2;
    }
  }
  if (!in || !out) return cm_usage_error(html_usage);
  trace_file t;
  if (!trace_read_for("cmref trace html", in, &t)) return 2;
  char *html = render(&t);
  trace_free(&t);
  FILE *f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
  bool ok = f && fputs(html, f) >= 0;
  if (f && f != stdout) ok = (fclose(f) == 0) && ok;
  free(html);
  if (!ok) {
    fprintf(stderr, "cmref trace html: %s: cannot write\n", out);
    return 1;
  }
  return 0;
}
