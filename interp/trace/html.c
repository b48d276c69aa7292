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

#include "../util/oom.h"

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
static void put_esc(tstr *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': ts_puts(b, "&amp;"); break;
    case '<': ts_puts(b, "&lt;"); break;
    case '>': ts_puts(b, "&gt;"); break;
    case '"': ts_puts(b, "&quot;"); break;
    case '\'': ts_puts(b, "&#39;"); break;
    default: ts_putn(b, s, 1);
    }
  }
}

static void put_esc_safe(tstr *b, const char *s, size_t max) {
  tstr t = {0};
  ts_put_safe(&t, s, max);
  put_esc(b, t.s ? t.s : "");
  free(t.s);
}

/* Lifelines: index 0 the host, then the instances as they appear. */
typedef struct lanes { uint64_t *inst, *parent; uint32_t n; } lanes;

/* A hostile trace may name millions of instances: past MAX_LANES they
 * are drawn on the host's lifeline (their steps still show their JSON). */
enum { MAX_LANES = 256 };

static uint32_t lane(lanes *l, uint64_t inst) {
  if (!inst) return 0;
  for (uint32_t i = 1; i < l->n; i++)
    if (l->inst[i] == inst) return i;
  if (l->n >= MAX_LANES) return 0;
  uint64_t *a = realloc(l->inst, (l->n + 1) * sizeof *a);
  if (!a) cm_out_of_memory();
  l->inst = a;
  uint64_t *p = realloc(l->parent, (l->n + 1) * sizeof *p);
  if (!p) cm_out_of_memory();
  l->parent = p;
  l->inst[l->n] = inst;
  l->parent[l->n] = 0;
  return l->n++;
}

static int lane_x(uint32_t k) { return GUTTER + 50 + (int)k * LW; }

static uint64_t num(const trace_event *e, const char *k) {
  uint64_t v = 0;
  trace_u64(e, k, &v);
  return v;
}

static bool is(const trace_event *e, const char *ev) { return e->ev && !strcmp(e->ev, ev); }

/* A small map task -> value. */
typedef struct kv { uint64_t *k, *v; uint32_t n; } kv;
static bool kv_get(const kv *m, uint64_t k, uint64_t *v) {
  for (uint32_t i = m->n; i-- > 0;)
    if (m->k[i] == k) { *v = m->v[i]; return true; }
  return false;
}
static void kv_push(kv *m, uint64_t k, uint64_t v);
static void kv_set(kv *m, uint64_t k, uint64_t v) {
  for (uint32_t i = m->n; i-- > 0;)
    if (m->k[i] == k) { m->v[i] = v; return; }
  kv_push(m, k, v);
}
/* Appends (a stack per key: kv_get finds the latest). */
static void kv_push(kv *m, uint64_t k, uint64_t v) {
  uint64_t *a = realloc(m->k, (m->n + 1) * sizeof *a);
  if (!a) cm_out_of_memory();
  m->k = a;
  uint64_t *b = realloc(m->v, (m->n + 1) * sizeof *b);
  if (!b) cm_out_of_memory();
  m->v = b;
  m->k[m->n] = k;
  m->v[m->n++] = v;
}
static void kv_free(kv *m) { free(m->k); free(m->v); }

/* The instance of task: from its task.new, else (a foreign trace) the
 * first step after its lift.call that names an instance. */
static uint64_t task_inst(const trace_file *t, const kv *ti, uint64_t task, uint32_t from) {
  uint64_t v;
  if (kv_get(ti, task, &v)) return v;
  for (uint32_t j = from; j < t->n && j < from + 64; j++)
    if (!t->ev[j].error && !is(&t->ev[j], "instance") && trace_u64(&t->ev[j], "inst", &v))
      return v;
  return 0;
}

/* A stream or future copy that completed at once (a rendezvous): the
 * other end is the latest copy of the other direction still blocked. */
typedef struct pend { uint64_t inst; bool write, stream; uint32_t row; } pend;

static void arrow(tstr *b, int x1, int x2, bool ret, const char *label) {
  int y = RH / 2;
  if (x1 == x2) {
    ts_printf(b, "<path class=\"arrow%s\" d=\"M%d %d h24 v6 h-22\" marker-end=\"url(#ah)\"/>",
              ret ? " ret" : "", x1, y - 3);
    ts_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", x1 + 30, y + 4);
  } else {
    ts_printf(b, "<line class=\"arrow%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#ah)\"/>",
              ret ? " ret" : "", x1, y, x2 + (x2 > x1 ? -2 : 2), y);
    int lx = (x1 < x2 ? x1 : x2) + 6;
    ts_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", lx, y - 2);
  }
  put_esc(b, label);
  ts_puts(b, "</text>");
}

static void marker(tstr *b, int x, const char *shape, const char *label) {
  int y = RH / 2;
  if (!strcmp(shape, "diamond"))
    ts_printf(b, "<path class=\"mk\" d=\"M%d %d l5 5 l-5 5 l-5 -5 z\"/>", x, y - 5);
  else if (!strcmp(shape, "square"))
    ts_printf(b, "<rect class=\"mk\" x=\"%d\" y=\"%d\" width=\"8\" height=\"8\"/>", x - 4, y - 4);
  else
    ts_printf(b, "<circle class=\"mk\" cx=\"%d\" cy=\"%d\" r=\"4\"/>", x, y);
  ts_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", x + 9, y + 4);
  put_esc(b, label);
  ts_puts(b, "</text>");
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
  L.inst = calloc(1, sizeof *L.inst);
  L.parent = calloc(1, sizeof *L.parent);
  if (!L.inst || !L.parent) cm_out_of_memory();
  L.n = 1;
  for (uint32_t i = 0; i < t->n; i++) {
    const trace_event *e = &t->ev[i];
    if (e->error) continue;
    uint64_t v;
    if (is(e, "instance")) {
      uint32_t k = lane(&L, num(e, "inst"));
      L.parent[k] = num(e, "parent");
    } else if (trace_u64(e, "inst", &v)) {
      lane(&L, v);
    }
  }
  kv ti = {0}, caller = {0}, callee_of_lower = {0};
  uint64_t pending_caller = 0, invoke_target = 0;
  bool have_pending = false;
  pend *pd = NULL;
  uint32_t npd = 0;
  tstr rows = {0}, bars = {0};
  /* thread running segments: thread -> start row */
  kv run_from = {0};
  bool any_thread = false;
  for (uint32_t i = 0; i < t->n; i++)
    if (is(&t->ev[i], "thread.resume")) any_thread = true;
  kv lift_from = {0};
  for (uint32_t i = 0; i < t->n; i++) {
    trace_event *e = &t->ev[i];
    const char *text = t->text[i];
    char label[LABEL + 8];
    short_label(label, sizeof label, text);
    const char *kind = e->error ? "raw" : e->ev;
    bool known = true;
    tstr cls = {0};
    ts_puts(&cls, "ev k-");
    for (const char *p = kind; *p && p - kind < 40; p++) {
      char c = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '-';
      ts_putn(&cls, &c, 1);
    }
    if (!e->error && !e->visible) ts_puts(&cls, " model");
    if (is(e, "invoke")) ts_puts(&cls, " inv");
    if (is(e, "choice")) ts_puts(&cls, " choice");
    if (is(e, "invoke.trap") || is(e, "host.trap") || trace_get(e, "trap")) ts_puts(&cls, " trap");
    bool copy = false;
    tstr body = {0};
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
      kv_set(&ti, task, num(e, "inst"));
      kv_set(&caller, task, have_pending ? pending_caller : num(e, "inst"));
      have_pending = false;
      marker(&body, lane_x(lane(&L, num(e, "inst"))), "square", label);
    } else if (is(e, "lift.call")) {
      uint64_t c;
      if (!kv_get(&caller, task, &c)) {
        c = have_pending ? pending_caller : 0;
        kv_set(&caller, task, c);
        have_pending = false;
      }
      uint64_t in = task_inst(t, &ti, task, i + 1);
      if (!kv_get(&ti, task, &v)) kv_set(&ti, task, in);
      arrow(&body, lane_x(lane(&L, c)), lane_x(lane(&L, in)), false, label);
      if (!any_thread) kv_set(&lift_from, task, i);
    } else if (is(e, "lift.return")) {
      uint64_t c = 0, in = task_inst(t, &ti, task, i + 1);
      kv_get(&caller, task, &c);
      arrow(&body, lane_x(lane(&L, in)), lane_x(lane(&L, c)), true, label);
      uint64_t r0;
      if (!any_thread && kv_get(&lift_from, task, &r0))
        ts_printf(&bars, "<rect class=\"act\" x=\"%d\" y=\"%u\" width=\"8\" height=\"%u\" data-r0=\"%u\" data-r1=\"%u\"/>",
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
      kv_push(&callee_of_lower, in, target ? target : in);
      arrow(&body, lane_x(lane(&L, in)), lane_x(lane(&L, target ? target : in)), false, label);
    } else if (is(e, "lower.return")) {
      uint64_t in = num(e, "inst"), from = in;
      if (kv_get(&callee_of_lower, in, &from)) {
        /* pop: the latest lower.call of this instance is answered */
        for (uint32_t k = callee_of_lower.n; k-- > 0;)
          if (callee_of_lower.k[k] == in) {
            memmove(&callee_of_lower.k[k], &callee_of_lower.k[k + 1],
                    (callee_of_lower.n - k - 1) * sizeof *callee_of_lower.k);
            memmove(&callee_of_lower.v[k], &callee_of_lower.v[k + 1],
                    (callee_of_lower.n - k - 1) * sizeof *callee_of_lower.v);
            callee_of_lower.n--;
            break;
          }
      }
      arrow(&body, lane_x(lane(&L, from)), lane_x(lane(&L, in)), true, label);
    } else if (is(e, "builtin")) {
      const tj_member *n = trace_get(e, "name"), *r = trace_get(e, "results");
      bool write, stream;
      uint64_t in = num(e, "inst");
      if (n && n->kind == TJ_STR && copy_name(n->str, &write, &stream) && r &&
          r->kind == TJ_ARR && r->arr_ok && r->narr == 1) {
        uint64_t res = r->arr[0];
        if (res == 0xffffffffu) {
          pd = realloc(pd, (npd + 1) * sizeof *pd);
          if (!pd) cm_out_of_memory();
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
      ts_printf(&body, "<text class=\"lbl\" x=\"44\" y=\"%d\">", RH / 2 + 4);
      const tj_member *k = trace_get(e, "kind");
      put_esc_safe(&body, k && k->kind == TJ_STR ? k->str : "?", 20);
      ts_printf(&body, " %llu/%llu</text>", (unsigned long long)num(e, "chosen"),
                (unsigned long long)num(e, "n"));
    } else if (is(e, "thread.new")) {
      marker(&body, xi, "circle", label);
    } else if (is(e, "thread.resume")) {
      kv_set(&run_from, num(e, "thread"), i);
      marker(&body, xi, "circle", label);
    } else if (is(e, "thread.block") || is(e, "thread.end")) {
      uint64_t r0;
      if (kv_get(&run_from, num(e, "thread"), &r0) && r0 != UINT64_MAX) {
        ts_printf(&bars, "<rect class=\"act\" x=\"%d\" y=\"%u\" width=\"8\" height=\"%u\" data-r0=\"%u\" data-r1=\"%u\"/>",
                  xi - 4, TOP + (unsigned)r0 * RH + RH / 2, (unsigned)(i - r0) * RH,
                  (unsigned)r0, i);
        kv_set(&run_from, num(e, "thread"), UINT64_MAX);
      }
      marker(&body, xi, "circle", label);
    } else if (is(e, "task.state") || is(e, "callback") || is(e, "host.trap")) {
      marker(&body, xi, "circle", label);
    } else {
      known = false;
      marker(&body, lane_x(0), "square", label);
    }
    if (!known) ts_puts(&cls, " raw");
    if (copy) ts_puts(&cls, " copy");
    ts_printf(&rows, "<g class=\"%s\" data-row=\"%u\" transform=\"translate(0,%u)\">", cls.s, i,
              TOP + i * RH);
    ts_puts(&rows, "<title>");
    put_esc_safe(&rows, e->raw, 2000);
    ts_puts(&rows, "\n");
    put_esc(&rows, text);
    ts_puts(&rows, "</title>");
    ts_printf(&rows, "<rect class=\"hit\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
              lane_x(L.n) + 200, RH);
    uint64_t s;
    if (trace_u64(e, "seq", &s)) ts_printf(&rows, "<text class=\"seq\" x=\"4\" y=\"13\">%llu</text>", (unsigned long long)s);
    else ts_printf(&rows, "<text class=\"seq\" x=\"4\" y=\"13\">L%u</text>", e->lineno);
    ts_puts(&rows, body.s ? body.s : "");
    ts_puts(&rows, "</g>\n");
    free(body.s);
    free(cls.s);
  }
  unsigned width = (unsigned)lane_x(L.n) + 260, height = TOP + (t->n + 2) * RH;
  tstr out = {0};
  ts_puts(&out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cmref trace ");
  put_esc_safe(&out, t->path, 200);
  ts_puts(&out, "</title>\n<style>");
  ts_puts(&out, css);
  ts_puts(&out, "</style></head><body>\n<div id=\"bar\"><div class=\"ctl\"><b>");
  put_esc_safe(&out, t->path, 200);
  ts_printf(&out, "</b> &mdash; %u steps &mdash; <label><input type=\"checkbox\" id=\"model\" checked> "
            "cmref's model steps (instances, tasks, threads, choices)</label> &mdash; click an "
            "invoke to fold it; hover a step for its event</div>\n<div id=\"info\">", t->n);
  put_esc_safe(&out, t->header ? t->header : "", 300);
  ts_printf(&out, "</div>\n<svg id=\"names\" width=\"%u\" height=\"22\">", width);
  for (uint32_t k = 0; k < L.n; k++) {
    ts_printf(&out, "<text class=\"lname\" x=\"%d\" y=\"15\" text-anchor=\"middle\">", lane_x(k));
    if (k == 0) ts_puts(&out, "host");
    else if (L.parent[k]) ts_printf(&out, "instance %llu (in %llu)", (unsigned long long)L.inst[k], (unsigned long long)L.parent[k]);
    else ts_printf(&out, "instance %llu", (unsigned long long)L.inst[k]);
    ts_puts(&out, "</text>");
  }
  ts_printf(&out, "<text class=\"lname\" x=\"%d\" y=\"15\" text-anchor=\"end\">choices</text>", GUTTER);
  ts_printf(&out, "</svg></div>\n<svg id=\"sd\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\">\n",
            width, height);
  ts_puts(&out, "<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" "
                "markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#2a4d9b\"/></marker></defs>\n");
  for (uint32_t k = 0; k < L.n; k++)
    ts_printf(&out, "<g class=\"lifeline\" data-lane=\"%u\"><line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%u\"/></g>\n",
              k, lane_x(k), lane_x(k), height);
  ts_puts(&out, bars.s ? bars.s : "");
  ts_puts(&out, "\n");
  ts_puts(&out, rows.s ? rows.s : "");
  ts_puts(&out, "</svg>\n<script>");
  ts_puts(&out, js);
  ts_puts(&out, "</script>\n</body></html>\n");
  free(rows.s);
  free(bars.s);
  free(pd);
  free(L.inst);
  free(L.parent);
  kv_free(&ti);
  kv_free(&caller);
  kv_free(&callee_of_lower);
  kv_free(&run_from);
  kv_free(&lift_from);
  return ts_take(&out);
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
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(html_usage, stdout);
      return 0;
    }
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (i + 1 >= argc) { fputs(html_usage, stderr); return 2; }
      out = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "cmref trace html: unknown option %s\n%s", argv[i], html_usage);
      return 2;
    } else if (in) {
      fprintf(stderr, "cmref trace html: one TRACE only\n%s", html_usage);
      return 2;
    } else {
      in = argv[i];
    }
  }
  if (!in || !out) {
    fputs(html_usage, stderr);
    return 2;
  }
  trace_file t;
  char why[512];
  if (!trace_read(in, &t, why, sizeof why)) {
    fprintf(stderr, "cmref trace html: %s\n", why);
    return 2;
  }
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
