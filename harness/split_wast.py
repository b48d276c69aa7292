#!/usr/bin/env python3
"""split_wast.py -- run every command of a .wast script on a fresh instance.

    split_wast.py [--cmref build/cmref] [--out DIR] [--jobs 2] [--json]
                  [--line N ...] FILE.wast|DIR ... [-- CMREF-RUN-OPTIONS]

A script's commands share state: an `assert_return` runs on the instance the
earlier commands left behind, so one trap that poisons an instance (or a
test that relies on an earlier command) makes every later command on it
fail or pass for reasons that are not its own.  This tool runs each
command alone, on a *fresh* instance, and compares with the whole-file run.

What "fresh" means here: for the command at line N, a cut-down copy of the
script keeps

  - every definition before N (`component definition`, `module
    definition`): they carry no state;
  - the one instantiation the command runs on (the latest `component
    instance $i ...` binding the name the action uses, or for an action
    without a name the latest instantiation of any kind, including a
    `(component ...)` that defines and instantiates at once);
  - what that instantiation needs to link: every `register` before it and
    the instantiation each register names (recursively);
  - the command itself;

and nothing else: no earlier action (`invoke`, `assert_return`,
`assert_trap`, ...), so no earlier command can have changed or poisoned the
instance.  A command that needs no instance (`assert_invalid`,
`assert_malformed`, an `assert_trap`/`assert_unlinkable` of a component
form) keeps only the definitions and registered instances.

Where the fresh outcome differs from the whole-file one, the earlier
commands on the same instance (except those that trapped unexpectedly in
the whole-file run) are put
back, then dropped one by one while the outcome stays the same: what is
left is the state the command needs (a handle made by a `setup` call, a
trap that poisons the instance on purpose).  An earlier command that
trapped where it should not have is never put back (it left the instance
unusable): a whole-file failure that goes away on a fresh instance after
such a trap is a cascade, reported as "after line N".

The copy keeps the script's line layout (dropped forms become blank
lines), so its line numbers and cmref's messages are the original ones.
Copies are written under --out (default: a folder in the system's temporary
directory), never next to the script.

Options after `--` go to every `cmref run` (whole-file and per-command),
e.g. `-- --choices 0,1` or `-- --explore 50`; with --line only those
commands are split out.  The report lists every command that fails in
either mode; --json prints it as JSON (used by conformance.py).

Exit status: 0 when every command passes on a fresh instance, 1 otherwise,
2 on usage errors.
"""

import argparse
import concurrent.futures
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cmrun  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- reading a script: top-level forms with their spans -------------------


class Form:
    """One top-level form: text span [start, end), 1-based line, head words."""

    def __init__(self, start, end, line, words):
        self.start, self.end, self.line, self.words = start, end, line, words
        self.kind = "other"      # definition | instance | register | command
        self.binds = None        # name an instantiation binds ($i), if any
        self.uses = None         # instance name an action names, if any
        self.needs_instance = False
        self.register_of = None  # register: the instance name it registers


def _skip_block_comment(s, i):
    """s[i:] starts with '(;'; returns the index after the matching ';)'."""
    depth, i = 0, i
    while i < len(s):
        if s.startswith("(;", i):
            depth, i = depth + 1, i + 2
        elif s.startswith(";)", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise ValueError("unterminated block comment")


def _skip_string(s, i):
    """s[i] is '"'; returns the index after the closing quote."""
    i += 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        else:
            i += 1
    raise ValueError("unterminated string")


def _skip_comment(s, i):
    """The index after a comment at s[i] (a line comment up to its newline,
    or a block comment), or i when there is none."""
    if s.startswith(";;", i):
        j = s.find("\n", i)
        return len(s) if j < 0 else j
    if s.startswith("(;", i):
        return _skip_block_comment(s, i)
    return i


def _words(s, i, n=6):
    """The first n atoms and '(' markers of the form starting at s[i]."""
    out = []
    i += 1
    while i < len(s) and len(out) < n:
        c = s[i]
        if c.isspace():
            i += 1
        elif _skip_comment(s, i) != i:
            i = _skip_comment(s, i)
        elif c == "(":
            j = i + 1
            m = re.compile(r"[^\s()\";]+").match(s, j)
            out.append("(" + (m.group(0) if m else ""))
            i = m.end() if m else j
        elif c == ")":
            break
        elif c == '"':
            j = _skip_string(s, i)
            out.append(s[i:j])
            i = j
        else:
            m = re.compile(r"[^\s()\";]+").match(s, i)
            out.append(m.group(0))
            i = m.end()
    return out


def parse_forms(s):
    """Top-level forms of a script, in order."""
    forms, i, depth, start, line, start_line = [], 0, 0, 0, 1, 1
    while i < len(s):
        c = s[i]
        if c == "\n":
            line += 1
            i += 1
        elif _skip_comment(s, i) != i:
            j = _skip_comment(s, i)
            line += s.count("\n", i, j)
            i = j
        elif c == '"':
            j = _skip_string(s, i)
            line += s.count("\n", i, j)
            i = j
        elif c == "(":
            if depth == 0:
                start, start_line = i, line
            depth += 1
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
            if depth == 0:
                forms.append(Form(start, i, start_line, _words(s, start)))
            elif depth < 0:
                raise ValueError("line %d: unbalanced ')'" % line)
        else:
            i += 1
    if depth:
        raise ValueError("unbalanced '(' at end of script")
    for f in forms:
        classify(f)
    return forms


ACTIONS = ("(invoke", "(get")


def classify(f):
    w = f.words
    head = w[0] if w else ""
    name = w[1] if len(w) > 1 and w[1].startswith("$") else None
    if head in ("module", "component"):
        if len(w) > 1 and w[1] == "definition":
            f.kind = "definition"
        elif len(w) > 1 and w[1] == "instance":
            f.kind = "instance"
            f.binds = w[2] if len(w) > 2 and w[2].startswith("$") else None
        else:  # defines and instantiates at once
            f.kind = "instance"
            f.binds = name
    elif head == "register":
        f.kind = "register"
        f.register_of = w[2] if len(w) > 2 and w[2].startswith("$") else None
    elif head in ("invoke", "get"):
        f.kind = "command"
        f.needs_instance = True
        f.uses = name
    elif head.startswith("assert_") or head in ("thread", "wait", "either"):
        f.kind = "command"
        inner = w[1] if len(w) > 1 else ""
        if inner in ACTIONS:
            f.needs_instance = True
            f.uses = w[2] if len(w) > 2 and w[2].startswith("$") else None
    else:
        f.kind = "command"


def _target(forms, k, name):
    """Index of the instantiation the command at forms[k] runs on."""
    for j in range(k - 1, -1, -1):
        f = forms[j]
        if f.kind == "instance" and (name is None or f.binds == name):
            return j
    return None


def _links(forms, upto, keep):
    """Adds to keep the registers before forms[upto] and what they name."""
    for j in range(upto):
        f = forms[j]
        if f.kind != "register" or j in keep:
            continue
        keep.add(j)
        t = _target(forms, j, f.register_of)
        if t is not None and t not in keep:
            keep.add(t)
            _links(forms, t, keep)


def fresh_copy(s, forms, k, state=()):
    """The script text with only what forms[k] needs on a fresh instance,
    plus the earlier commands whose indices are in state."""
    keep = {k, *state}
    keep.update(j for j in range(k) if forms[j].kind == "definition")
    if forms[k].needs_instance:
        t = _target(forms, k, forms[k].uses)
        if t is not None:
            keep.add(t)
            _links(forms, t, keep)
    else:
        _links(forms, k, keep)
    out, pos = [], 0
    for j, f in enumerate(forms):
        if j > k:
            break
        if j not in keep:
            out.append(s[pos:f.start])
            out.append(re.sub(r"[^\n]", "", s[f.start:f.end]))
            pos = f.end
    out.append(s[pos:forms[k].end])
    return "".join(out) + "\n"


def same_instance_before(forms, k):
    """Indices of the earlier commands that run on forms[k]'s instance."""
    if not forms[k].needs_instance:
        return []
    t = _target(forms, k, forms[k].uses)
    if t is None:
        return []
    return [j for j in range(t + 1, k) if forms[j].kind == "command"
            and forms[j].needs_instance
            and _target(forms, j, forms[j].uses) == t]


# ---- running ---------------------------------------------------------------


def outcome(c):
    """'pass', 'fail: MESSAGE', 'skip: MESSAGE' or 'missing'."""
    if c is None:
        return "missing"
    if c["status"] == "pass":
        return "pass"
    return "%s: %s" % (c["status"], c.get("message") or "")


def by_line(fr):
    return {c["line"]: c for c in fr.commands} if fr else {}


EXPLORE_HEAD = re.compile(r"^(.*):(\d+): (\S+): (\d+) outcomes?$")
EXPLORE_OUTCOME = re.compile(
    r"^  (pass|fail|skip)(?: \"(.*)\")? in (\d+) of (\d+) schedules?; "
    r"first: --choices ([0-9,]+|\(none\))(?: \(not option 0 at: [^)]*\))?$")
EXPLORE_SUMMARY = re.compile(r"^explored (\d+) schedules? \(([^;)]*)")


def parse_explore(text):
    """`cmref run --explore N` output -> ({line: [outcome dicts]}, summary)
    where an outcome is {"status", "message", "count", "of", "choices"} and
    summary is {"schedules": N, "complete": bool}."""
    per, cur, summary = {}, None, {"schedules": 0, "complete": False}
    for ln in text.splitlines():
        m = EXPLORE_HEAD.match(ln)
        if m:
            cur = per.setdefault(int(m.group(2)), [])
            continue
        m = EXPLORE_OUTCOME.match(ln)
        if m and cur is not None:
            ch = m.group(5).strip()
            cur.append({"status": m.group(1), "message": m.group(2) or "",
                        "count": int(m.group(3)), "of": int(m.group(4)),
                        "choices": [] if ch == "(none)"
                        else [int(x) for x in ch.split(",")]})
            continue
        m = EXPLORE_SUMMARY.match(ln)
        if m:
            summary = {"schedules": int(m.group(1)),
                       "complete": m.group(2).startswith("all")}
    return per, summary


def choice_kinds(cmref, copy, choices, extra, timeout):
    """The kinds of the choices (with several options) a run with these
    --choices takes, in order, read from its trace."""
    fd, trace = tempfile.mkstemp(prefix="cmref-split-", suffix=".jsonl")
    os.close(fd)
    try:
        cmrun.run([cmref, "run", "-q", *extra, "--choices",
                   ",".join(map(str, choices)) or "0", "--trace", trace,
                   copy], timeout=timeout)
        kinds = []
        with open(trace, encoding="utf-8") as fh:
            for ln in fh:
                if '"choice"' not in ln:
                    continue
                ev = json.loads(ln)
                if ev.get("ev") == "choice" and ev.get("n", 0) > 1:
                    kinds.append(ev.get("kind", "?"))
        return kinds
    except (OSError, ValueError):
        return []
    finally:
        os.unlink(trace)


def explore(cmref, copy, line, budget, extra, timeout):
    """Every outcome of the command at line over the schedules of copy:
    {"outcomes": [...], "schedules": N, "complete": bool, "kinds": [...]},
    kinds naming the choice at which each other outcome departs from the
    first one."""
    r = cmrun.run([cmref, "run", "--explore", str(budget), *extra, copy],
                  timeout=timeout)
    per, summary = parse_explore(r.out)
    outs = per.get(line) or [{"status": "pass", "message": "", "count":
                              summary["schedules"], "of":
                              summary["schedules"], "choices": []}]
    kinds = []
    if len(outs) > 1:
        first = outs[0]["choices"]
        for o in outs[1:]:
            c = o["choices"]
            d = next((i for i in range(max(len(c), len(first)))
                      if (c[i] if i < len(c) else 0)
                      != (first[i] if i < len(first) else 0)), None)
            taken = choice_kinds(cmref, copy, c, extra, timeout)
            if d is not None and d < len(taken) and taken[d] not in kinds:
                kinds.append(taken[d])
    return dict(summary, outcomes=outs, kinds=kinds)


def run_traced(cmref, path, args, timeout):
    """A JSON run with a trace: ({line: outcome}, [(kind, n, chosen)])."""
    fd, trace = tempfile.mkstemp(prefix="cmref-split-", suffix=".jsonl")
    os.close(fd)
    try:
        _, fr, _ = cmrun.run_wast(cmref, path, timeout,
                                  [*args, "--trace", trace])
        choices = []
        with open(trace, encoding="utf-8") as fh:
            for ln in fh:
                if '"choice"' in ln:
                    ev = json.loads(ln)
                    if ev.get("ev") == "choice" and ev.get("n", 0) > 1:
                        choices.append((ev.get("kind", "?"), ev["n"],
                                        ev["chosen"]))
        return {ln: outcome(c) for ln, c in by_line(fr).items()}, choices
    except (OSError, ValueError):
        return {}, []
    finally:
        os.unlink(trace)


def random_probe(cmref, path, seeds, extra, timeout, default):
    """Runs path under --sched random with each seed; for every command
    whose outcome differs from default ({line: outcome}), the first seed
    that shows it and a shortest-found --choices that still gives it: every
    choice that can be put back to the first option without changing the
    outcome is, so the non-zero ones left are what the outcome depends on.
    Returns {line: [{"outcome", "seed", "choices", "kinds"}]}."""
    found = {}
    for seed in seeds:
        outs, ch = run_traced(cmref, path, [*extra, "--sched", "random",
                                            "--seed", str(seed)], timeout)
        for ln, o in outs.items():
            if o == default.get(ln) or any(
                    x["outcome"] == o for x in found.get(ln, [])):
                continue
            choices = [c for _, _, c in ch]

            def gives(cs):
                forced = cs[:max((i + 1 for i, c in enumerate(cs) if c),
                                 default=0)]
                got, _ = run_traced(cmref, path, [*extra, "--choices",
                                                  ",".join(map(str, forced))
                                                  or "0"], timeout)
                return got.get(ln) == o
            if not gives(choices):
                continue  # not reproducible by choices alone
            for i in range(len(choices)):
                if choices[i]:
                    trial = choices[:i] + [0] + choices[i + 1:]
                    if gives(trial):
                        choices = trial
            forced = choices[:max((i + 1 for i, c in enumerate(choices)
                                   if c), default=0)]
            _, taken = run_traced(cmref, path, [*extra, "--choices", ",".join(
                map(str, forced)) or "0"], timeout)
            kinds = []
            for i, c in enumerate(forced):
                if c and i < len(taken) and taken[i][0] not in kinds:
                    kinds.append(taken[i][0])
            found.setdefault(ln, []).append(
                {"outcome": o, "seed": seed, "choices": forced,
                 "kinds": kinds})
    return found


def split_file(cmref, path, outdir, extra, jobs, timeout, lines=None,
               explore_budget=0, seeds=()):
    """Runs path whole and each command fresh; returns a dict report.

    Per command: "whole" (its outcome in the whole-file run), "fresh" (on a
    fresh instance), "state" (the earlier commands on its instance it needs,
    by line: tried only when the fresh outcome differs from the whole-file
    one, kept when they change it, and then as few as give that outcome), "final" (the outcome with
    that state: the command's own result), "after" (for a whole-file
    failure that is not the command's own: the earlier failing command on
    the same instance it follows), and with explore_budget, "explore"."""
    with open(path, encoding="utf-8") as fh:
        s = fh.read()
    forms = parse_forms(s)
    _, whole, note = cmrun.run_wast(cmref, path, timeout, extra)
    whole_c = by_line(whole)
    stem = os.path.splitext(os.path.basename(path))[0]
    d = os.path.join(outdir, stem)
    os.makedirs(d, exist_ok=True)
    todo = [k for k, f in enumerate(forms) if f.kind == "command"
            and (not lines or f.line in lines)]

    def run_copy(k, state, tag):
        f = forms[k]
        copy = os.path.join(d, "%s.%d%s.wast" % (stem, f.line, tag))
        with open(copy, "w", encoding="utf-8") as fh:
            fh.write(fresh_copy(s, forms, k, state))
        _, fr, n = cmrun.run_wast(cmref, copy, timeout, extra)
        cs = by_line(fr)
        res = ("error: " + n) if n and f.line not in cs \
            else outcome(cs.get(f.line))
        # the kept setup (instantiations, earlier commands) must have
        # worked, or the outcome says nothing about the command
        setup = [forms_line for forms_line, c in cs.items()
                 if forms_line != f.line and c["status"] != "pass"]
        return res, setup, copy

    def poisoned(line):
        """True when the command at line trapped where it should not have
        (in the whole-file run): that leaves the instance unusable, so it
        is never state a later command needs, and what follows it on the
        same instance may be a cascade.  A command that failed without a
        trap (a wrong value) still changed the state and may be needed."""
        c = whole_c.get(line)
        return bool(c) and c["status"] == "fail" and \
            "got trap" in (c.get("message") or "")

    def one(k):
        f = forms[k]
        fresh, setup, copy = run_copy(k, (), "")
        final, state, final_copy = fresh, [], copy
        before = same_instance_before(forms, k)
        w = outcome(whole_c.get(f.line))
        if fresh != w and before:
            # Earlier commands on the same instance that passed in the
            # whole-file run may be state the command needs (a handle made
            # by "setup", a trap that poisoned the instance on purpose).
            cand = [j for j in before if not poisoned(forms[j].line)]
            if cand:
                got, _, c2 = run_copy(k, cand, ".state")
                if got != fresh:
                    keep = list(cand)
                    for j in list(cand):
                        trial = [x for x in keep if x != j]
                        res, bad, _ = run_copy(k, trial, ".try")
                        if res == got and not bad:
                            keep = trial
                    final, _, final_copy = run_copy(k, keep, ".state")
                    state = [forms[j].line for j in keep]
        after = None
        if w != "pass" and w != final:
            for j in reversed(before):  # the first one since instantiation
                if poisoned(forms[j].line):
                    after = forms[j].line
        row = {"line": f.line, "kind": f.words[0] if f.words else "?",
               "whole": w, "fresh": fresh, "state": state, "final": final,
               "after": after, "setup_failed": setup, "copy": final_copy}
        if explore_budget:
            row["explore"] = explore(cmref, final_copy, f.line,
                                     explore_budget, extra, timeout)
        return row
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        rows = list(ex.map(one, todo))

    def counts(key):
        return {"passed": sum(r[key] == "pass" for r in rows),
                "failed": sum(r[key] != "pass" and not r[key].startswith(
                    "skip") for r in rows)}
    rep = {"file": path, "whole_note": note, "whole": counts("whole"),
           "fresh": counts("fresh"), "final": counts("final"),
           "commands": rows}
    if explore_budget:
        r = cmrun.run([cmref, "run", "--explore", str(explore_budget),
                       *extra, path], timeout=timeout)
        per, summary = parse_explore(r.out)
        rep["whole_explore"] = dict(summary, commands={
            ln: o for ln, o in per.items() if len(o) > 1})
    if seeds:
        rep["random"] = random_probe(
            cmref, path, seeds, extra, timeout,
            {ln: outcome(c) for ln, c in whole_c.items()})
    return rep


def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, n) for n in os.listdir(p)
                          if n.endswith(".wast"))
        else:
            out.append(p)
    return out


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Options after -- go to cmref run.")
    ap.add_argument("paths", nargs="+", metavar="FILE.wast|DIR")
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(),
                                                  "cmref-split"),
                    help="folder for the cut-down copies")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--line", type=int, action="append", default=[],
                    help="split out only the command at this line")
    ap.add_argument("--all", action="store_true",
                    help="list every command, not only failing ones")
    ap.add_argument("--explore", type=int, default=0, metavar="N",
                    help="also run each command's copy (and the whole "
                    "file) under up to N schedules: its outcomes and the "
                    "kind of choice they depend on")
    ap.add_argument("--seeds", type=int, default=0, metavar="K",
                    help="also run the whole file under --sched random "
                    "--seed 1..K and report each command whose outcome "
                    "changes, with the choices it depends on")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if not os.access(a.cmref, os.X_OK):
        sys.exit("split_wast: %s is not built (run make)" % a.cmref)
    out = os.path.abspath(a.out)
    for base in (ROOT, os.path.realpath(ROOT)):
        if (out + "/").startswith(base + "/"):
            ap.error("--out must be outside the repository")
    reports = [split_file(a.cmref, p, out, extra, a.jobs, a.timeout,
                          set(a.line), a.explore,
                          range(1, a.seeds + 1))
               for p in collect(a.paths)]
    bad = 0
    if a.json:
        print(json.dumps(reports, indent=1))
    for r in reports:
        bad += r["final"]["failed"]
        if a.json:
            continue
        print("%s: whole file %d passed, %d failed%s; each command on a "
              "fresh instance %d passed, %d failed; with the state it needs "
              "%d passed, %d failed"
              % (r["file"], r["whole"]["passed"], r["whole"]["failed"],
                 " [%s]" % r["whole_note"] if r["whole_note"] else "",
                 r["fresh"]["passed"], r["fresh"]["failed"],
                 r["final"]["passed"], r["final"]["failed"]))
        for c in r["commands"]:
            if not a.all and c["whole"] == c["fresh"] == "pass" and \
                    len(c.get("explore", {}).get("outcomes", [])) < 2:
                continue
            print("  %d %s" % (c["line"], c["kind"]))
            print("    whole: %s%s" % (c["whole"], " (after line %d)"
                                       % c["after"] if c["after"] else ""))
            print("    fresh: %s" % c["fresh"])
            if c["state"]:
                print("    with lines %s: %s"
                      % (",".join(map(str, c["state"])), c["final"]))
            for x in c["setup_failed"]:
                print("    setup line %s failed" % x)
            e = c.get("explore")
            if e:
                print("    explore: %d schedules%s, kinds %s"
                      % (e["schedules"], " (all)" if e["complete"] else "",
                         ",".join(e["kinds"]) or "-"))
                for o in e["outcomes"]:
                    print("      %s%s in %d of %d; --choices %s"
                          % (o["status"], " \"%s\"" % o["message"]
                             if o["message"] else "", o["count"], o["of"],
                             ",".join(map(str, o["choices"])) or "(none)"))
            print("    copy:  %s" % c["copy"])
        we = r.get("whole_explore")
        if we and we["commands"]:
            print("  whole file under %d schedules%s: outcomes vary at "
                  "lines %s" % (we["schedules"], " (all)" if we["complete"]
                                else "", ",".join(map(str, sorted(
                                    we["commands"])))))
        for ln, outs in sorted(r.get("random", {}).items()):
            for o in outs:
                print("  %d under --sched random --seed %d: %s; "
                      "--choices %s (kinds %s)"
                      % (ln, o["seed"], o["outcome"],
                         ",".join(map(str, o["choices"])),
                         ",".join(o["kinds"]) or "-"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
