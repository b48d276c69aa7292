"""python3 -m runtimes.check (from harness/; `make check-runtime` runs it):
runs .wast scripts through a runtime and writes its section of
docs/runtimes.md.

    PYTHONPATH=harness python3 -m runtimes.check --runtime jco [--install]
        [--out docs/runtimes.md] [--traces DIR] DIR|FILE...

Each folder given is one suite (its .wast files, recursively).  The
report keeps the sections of the other runtimes and suites it holds, so
runs of different suites (spec-tests here, the component-model reference
tests from a local checkout) add up in one file.  Paths under a
component-model checkout are written as <cm>/..., paths in this
repository relative to it: no machine paths in the report.

For a runtime that writes traces (jco), each script's trace is kept in
--traces (default build/runtimes/RUNTIME/) and, for a script with a
divergence, `cmref run --check-trace` gives the first guest-visible event
where it differs from cmref's run.
"""

import argparse
import json
import os
import re
import subprocess
import sys

from . import get, NAMES
from . import wast
from .classify import CLASSES, classify

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEGIN = "<!-- BEGIN "
END = "<!-- END -->"


def label(path):
    """A path as the report writes it."""
    p = os.path.abspath(path)
    d = p if os.path.isdir(p) else os.path.dirname(p)
    while d != os.path.dirname(d):
        if os.path.exists(os.path.join(d, "design", "mvp", "CanonicalABI.md")):
            return "<cm>/" + os.path.relpath(p, d)
        d = os.path.dirname(d)
    if p.startswith(ROOT + os.sep):
        return os.path.relpath(p, ROOT)
    return os.path.basename(p)


def scripts(target):
    if os.path.isfile(target):
        return [target]
    out = []
    for d, _, files in os.walk(target):
        out += [os.path.join(d, f) for f in files if f.endswith(".wast")]
    return sorted(out)


def check_trace(cmref, trace, script):
    """cmref's verdict on a trace: (matches?, first lines of its output)."""
    try:
        p = subprocess.run([cmref, "run", "--check-trace", trace, script],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
    except subprocess.TimeoutExpired:
        return False, "check-trace timed out"
    text = p.stdout.decode("utf-8", "replace").strip()
    text = text.replace(os.path.dirname(trace) + "/", "")
    return p.returncode == 0, text


def run_suite(adapter, target, traces=None, cmref=None, log=print):
    files = scripts(target)
    results = []
    for i, path in enumerate(files):
        trace = None
        if traces and adapter.name == "jco":
            rel = label(path).replace("<cm>/", "cm/").replace("/", "__")
            os.makedirs(traces, exist_ok=True)
            trace = os.path.join(traces, rel[:-5] + ".jsonl")
        r = adapter.run(path, trace=trace)
        verdict = None
        if r.trace and cmref and os.path.getsize(r.trace) > 0:
            with open(r.trace) as f:
                n_events = sum(1 for _ in f) - 1
            if n_events > 0:
                verdict = check_trace(cmref, r.trace, path)
        results.append((path, r, verdict))
        log("[%d/%d] %s: %d passed, %d failed, %d skipped%s" % (
            i + 1, len(files), label(path), r.passed, r.failed, r.skipped,
            " (%s)" % r.problem if r.problem else ""))
    return results


def _trace_excerpt(text):
    """The first lines of a trace difference, as a fenced block of a list
    item."""
    return (["", "  ```"] + ["  " + ln[:300] for ln in text.splitlines()[:6]]
            + ["  ```"])


def _cell(text, n=200):
    return wast.short(str(text or ""), n).replace("|", "\\|")


def save(path, adapter, target, results):
    """The results as JSON, to render the section again (--render)."""
    data = {"runtime": adapter.name, "version": adapter.version(),
            "target": target,
            "results": [{"path": p, "problem": r.problem, "trace": r.trace,
                         "verdict": v, "commands": [c.as_dict()
                                                    for c in r.commands]}
                        for p, r, v in results]}
    with open(path, "w") as f:
        json.dump(data, f)


class _Saved:
    def __init__(self, name, version):
        self.name, self._version = name, version

    def version(self):
        return self._version


def load(path):
    from . import Outcome, ScriptResult
    with open(path) as f:
        d = json.load(f)
    results = [(x["path"], ScriptResult(x["path"], [Outcome(**c) for c in
                                                    x["commands"]],
                                        x["trace"], x["problem"]),
                x["verdict"]) for x in d["results"]]
    return _Saved(d["runtime"], d["version"]), d["target"], results


def section(adapter, target, results):
    """The markdown section of one (runtime, suite) run."""
    suite = label(target)
    applicable = [(p, r, v) for p, r, v in results
                  if r.problem or r.passed + r.failed > 0]
    full = sum(1 for _, r, _ in applicable if r.ok)
    cp = sum(r.passed for _, r, _ in results)
    cf = sum(r.count("fail") for _, r, _ in results)
    ce = sum(r.count("error") for _, r, _ in results)
    ca = sum(1 for _, r, _ in results for c in r.commands if c.adapter_error)
    cs = sum(r.skipped for _, r, _ in results)
    mm = sum(1 for _, r, _ in results for c in r.commands
             if c.status == "fail" and c.message_mismatch)
    # the class of each divergence (classify.py), with its first example
    classes, examples = {}, {}
    for path, r, v in results:
        for c in r.commands:
            if c.status not in ("fail", "error"):
                continue
            k = classify(adapter.name, c, v)
            c.cls = k
            classes[k] = classes.get(k, 0) + 1
            examples.setdefault(k, "%s:%d `%s`: %s%s" % (
                label(path), c.line, c.kind, wast.short(c.message or "", 150),
                "" if not c.message_mismatch else " (expected %s; actual %s)"
                % (wast.short(c.expected or "", 80),
                   wast.short(c.actual or "", 100))))
    head = {"runtime": adapter.name, "version": adapter.version(),
            "suite": suite, "files": len(results), "files_applicable":
            len(applicable), "files_passed": full, "passed": cp,
            "failed": cf, "errors": ce, "adapter_errors": ca, "skipped": cs,
            "message_mismatches": mm, "classes": classes,
            "examples": examples}
    L = [BEGIN + json.dumps(head, sort_keys=True) + " -->", "",
         "## %s: %s" % (adapter.version(), suite), ""]
    L.append("%d of %d scripts pass every command that applies (%d scripts "
             "have none: core wasm only); commands: %d passed, %d failed, "
             "%d errors (could not be run: %d of them the adapter's, a form "
             "it cannot hand to the runtime; the others the runtime's, "
             "mostly commands after a component it refused), %d "
             "skipped.  %d of the failures are traps with another message than "
             "the script's." % (full, len(applicable),
                                               len(results) - len(applicable),
                                               cp, cf, ce, ca, cs, mm))
    if classes:
        L += ["", "Divergences by class (harness/runtimes/classify.py):", "",
              "| class | commands | first example |", "|---|---|---|"]
        for k in sorted(classes, key=lambda k: (-classes[k], k)):
            L.append("| %s | %d | %s |" % (CLASSES[k][0], classes[k],
                                           _cell(examples[k], 220)))
    L += ["", "| script | passed | failed | errors | skipped | trace vs cmref |",
          "|---|---|---|---|---|---|"]
    for path, r, v in results:
        if not (r.problem or r.passed + r.failed > 0):
            continue
        tv = "" if v is None else ("matches" if v[0] else "differs")
        L.append("| %s | %d | %d | %d | %d | %s |" % (
            label(path), r.passed, r.count("fail"), r.count("error"),
            r.skipped, tv if r.trace else "none" if adapter.name == "jco" else ""))
    L += ["", "### Divergences", ""]
    any_div = False
    for path, r, v in results:
        bad = [c for c in r.commands if c.status in ("fail", "error")]
        if not bad and not r.problem:
            continue
        any_div = True
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        L.append("#### %s" % label(path))
        L.append("")
        if r.problem:
            L.append("- the script did not run: %s" % _cell(r.problem, 300))
        notrun = [c for c in bad if (c.message or "").startswith("not run")]
        ours = [c for c in bad if c.adapter_error]
        bad = [c for c in bad if c not in notrun and c not in ours]
        if notrun:
            L.append("- %d command%s not run (lines %s): %s" % (
                len(notrun), "s" if len(notrun) > 1 else "",
                ", ".join(str(c.line) for c in notrun),
                _cell(notrun[0].message, 160)))
        for c in ours:
            L.append("- line %d, `%s` (adapter error, not the runtime's): %s"
                     % (c.line, c.kind, _cell(c.message, 240)))
        for c in bad:
            L.append("- line %d, `%s` (%s; %s): %s" % (
                c.line, c.kind, c.status, CLASSES[c.cls][0],
                _cell(c.message, 240)))
            L.append("  - rule: %s" % _cell(wast.rule_for(src, c.line), 240))
            if c.expected or c.actual:
                L.append("  - expected: %s; actual: %s" % (
                    _cell(c.expected, 120), _cell(c.actual, 160)))
        if v is not None:
            L.append("- trace: " + ("cmref's run has the same guest-visible "
                                    "events" if v[0] else
                                    "first difference from cmref's run "
                                    "(`cmref run --check-trace`):"))
            if not v[0]:
                L += _trace_excerpt(v[1])
        L.append("")
    if not any_div:
        L.append("None.")
        L.append("")
    quiet = [(path, v) for path, r, v in results if v is not None and not v[0]
             and not r.problem and not any(
                 c.status in ("fail", "error") for c in r.commands)]
    if quiet:
        L += ["### Traces that differ in scripts that pass", "",
              "Every command passed, yet the guest-visible events differ "
              "from cmref's run (`cmref run --check-trace`; see "
              "docs/trace-format.md on task numbers and on what a runtime "
              "cannot see):", ""]
        for path, v in quiet:
            L.append("- %s:" % label(path))
            L += _trace_excerpt(v[1])
        L.append("")
    L.append(END)
    return head, "\n".join(L)


INTRO = """# Other runtimes against the suite

Written by `make check-runtime RUNTIME=NAME [TESTS="DIR..."]`
(harness/runtimes/check.py): each section is one runtime over one suite.
A run replaces its own section and keeps the others, so the sections for
the component-model reference tests (`<cm>/test/...`, run from a local
checkout: those files are not in this repository) stay until someone runs
them again.  For each divergence: the script line, the spec rule the
script says it checks (the comment above the command, else the script's
header), what the script expects and what the runtime did, and, where
the runtime's trace exists, the first guest-visible event where it
differs from cmref's run (`cmref run --check-trace`; docs/trace-format.md).

Counting: one outcome per script command, as `cmref run` counts them (a
`component definition` is a command: it passes when the runtime accepts
the component).  `assert_trap` passes only when the expected text occurs
in the runtime's message (Wasmtime's rule, for which the component-model
scripts were written); a trap with another message fails and is listed
apart.  An *error* is a command that could not be run at all: the
runtime refused a component that cmref accepts, or the instance it
needs was never made; or, counted apart as *the adapter's*, the adapter
could not hand the command to the runtime or read its answer (messages
starting `adapter:`) -- a limit of ours, never a verdict on the runtime.
Core wasm commands are skipped for a runtime that runs components only.
Each divergence has a class (harness/runtimes/classify.py: runtime bug,
feature not implemented, adapter limitation, the same trap in other
words, or an outcome the spec allows too -- then the script is wrong and
must list the outcomes with `either`).
"""


def classes_table(sections):
    """Per runtime, its divergences on this repository's suites by class."""
    L = []
    for rt in sorted({h["runtime"] for h, _ in sections}):
        mine = [h for h, _ in sections if h["runtime"] == rt and
                h.get("classes") and not h["suite"].startswith("<cm>")]
        if not mine:
            continue
        tot, ex = {}, {}
        for h in mine:
            for k, n in h["classes"].items():
                tot[k] = tot.get(k, 0) + n
                ex.setdefault(k, h["examples"][k])
        L += ["### %s on spec-tests/: divergences by class" % mine[0]["version"],
              "", "| class | commands | what it means | first example |",
              "|---|---|---|---|"]
        for k in sorted(tot, key=lambda k: (-tot[k], k)):
            t = CLASSES.get(k, (k, ""))
            L.append("| %s | %d | %s | %s |" % (t[0], tot[k], t[1],
                                                _cell(ex[k], 220)))
        L.append("")
    return L


def write_report(out, head, text):
    sections = []
    if os.path.exists(out):
        with open(out) as f:
            cur = f.read()
        for m in re.finditer(re.escape(BEGIN) + r"(\{.*?\}) -->.*?" +
                             re.escape(END), cur, re.S):
            h = json.loads(m.group(1))
            if (h["runtime"], h["suite"]) != (head["runtime"], head["suite"]):
                sections.append((h, m.group(0)))
    sections.append((head, text))
    sections.sort(key=lambda s: (s[0]["runtime"], s[0]["suite"]))
    L = [INTRO, "## Summary", "",
         "| runtime | suite | scripts fully passed | commands passed | failed | errors | of them the adapter's | skipped |",
         "|---|---|---|---|---|---|---|---|"]
    for h, _ in sections:
        L.append("| %s | %s | %d of %d | %d of %d | %d | %d | %s | %d |" % (
            h["version"], h["suite"], h["files_passed"], h["files_applicable"],
            h["passed"], h["passed"] + h["failed"] + h["errors"], h["failed"],
            h["errors"], h.get("adapter_errors", "?"), h["skipped"]))
    L.append("")
    L += classes_table(sections)
    body = "\n".join(L) + "\n" + "\n\n".join(t for _, t in sections) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(body)


def rewrite(out):
    """Writes the report again with this version's text around the
    sections it holds."""
    with open(out) as f:
        cur = f.read()
    m = re.search(re.escape(BEGIN) + r"(\{.*?\}) -->.*?" + re.escape(END),
                  cur, re.S)
    if m:
        write_report(out, json.loads(m.group(1)), m.group(0))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runtime", required=True, choices=NAMES)
    ap.add_argument("--command", help="the command adapter's command line")
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--install", action="store_true",
                    help="install the runtime's tools if missing (jco)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "runtimes.md"))
    ap.add_argument("--traces", default=None)
    ap.add_argument("--render", action="store_true",
                    help="write the sections again from the results saved "
                         "in --traces, without running anything")
    ap.add_argument("targets", nargs="*")
    a = ap.parse_args(argv)
    traces = a.traces or os.path.join(ROOT, "build", "runtimes", a.runtime)
    if a.render:
        for t in a.targets or [os.path.join(ROOT, "spec-tests")]:
            saved = os.path.join(traces, label(t).replace("/", "__") + ".json")
            ad, target, results = load(saved)
            write_report(a.out, *section(ad, target, results))
        return 0
    kw = {"command": a.command} if a.runtime == "command" else {"cmref": a.cmref}
    adapter = get(a.runtime, **kw)
    if a.install and hasattr(adapter, "install"):
        adapter.install()
    ok, why = adapter.available()
    if not ok:
        print("check-runtime: %s is not available: %s" % (a.runtime, why),
              file=sys.stderr)
        return 2
    rc = 0
    for t in a.targets or [os.path.join(ROOT, "spec-tests")]:
        results = run_suite(adapter, t, traces=traces, cmref=a.cmref)
        os.makedirs(traces, exist_ok=True)
        save(os.path.join(traces, label(t).replace("/", "__") + ".json"),
             adapter, t, results)
        head, text = section(adapter, t, results)
        write_report(a.out, head, text)
        print("%s %s: %d of %d scripts fully passed; %d commands passed, "
              "%d failed, %d errors, %d skipped -> %s" % (
                  adapter.version(), head["suite"], head["files_passed"],
                  head["files_applicable"], head["passed"], head["failed"],
                  head["errors"], head["skipped"], label(a.out)))
        rc = rc or (1 if head["failed"] or head["errors"] else 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
