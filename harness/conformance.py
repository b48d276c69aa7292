#!/usr/bin/env python3
"""conformance.py -- run test suites the user has through cmref and write the
conformance matrix, docs/conformance.md (what `make conformance` runs).

    conformance.py --core DIR [--core DIR/sub ...] [--cm DIR ...]
                   [--cmref build/cmref] [--timeout 120] [--jobs 2]
                   [--out docs/conformance.md]

Every *.wast directly inside each DIR is run on its own with
`cmref run --json FILE` (subfolders only when named explicitly, e.g.
--core spec/test/core --core spec/test/core/exceptions), under a per-file
timeout so a hang is reported as one, not waited on.  The table has, per
file, the passed / failed / skipped counts, message mismatches (commands that
failed or trapped as expected but with different wording) and notes: crash,
timeout, sanitizer report, everything skipped and why, or the first failure.

For the component-model folders every command is also run on a fresh
instance (harness/split_wast.py; --per-command 0 skips it), under --explore
and random seeds, and each command that fails, alone or in the whole file,
or whose outcome depends on a choice, is listed with the finding of
docs/findings.md it belongs to (a `name.wast:LINE` written in a numbered
finding), or as a cascade of an earlier failure, or as not attributed.
Without --core the core section of the existing report is kept.
"""

import argparse
import concurrent.futures
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cmrun  # noqa: E402
import split_wast  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CM_PIN = "WebAssembly/component-model at 6d28164 (2026-08-21)"


def git(args, cwd):
    try:
        p = subprocess.run(["git", *args], cwd=cwd, capture_output=True,
                           text=True, timeout=20)
        return p.stdout.strip() if p.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def cmref_version():
    head = git(["rev-parse", "--short", "HEAD"], ROOT)
    if not head:
        return "unknown (not a git checkout)"
    dirty = git(["status", "--porcelain", "--untracked-files=no"], ROOT)
    return head + (" + uncommitted changes" if dirty else "")


def suite_version(d):
    """'commit abc1234 of <remote>' when the suite folder is in a git repo."""
    top = git(["rev-parse", "--show-toplevel"], d)
    if not top:
        return None
    head = git(["rev-parse", "--short", "HEAD"], d)
    url = git(["config", "--get", "remote.origin.url"], d)
    return "commit %s%s" % (head, " of " + url if url else "")


def collect(dirs):
    """[(display name, path)] for the *.wast directly inside each dir, named
    relative to the common parent so DIR/x.wast and DIR/sub/y.wast read as
    x.wast and sub/y.wast."""
    dirs = [os.path.abspath(d) for d in dirs]
    for d in dirs:
        if not os.path.isdir(d):
            sys.exit("conformance: %s is not a folder" % d)
    base = os.path.commonpath(dirs) if len(dirs) > 1 else dirs[0]
    out = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if name.endswith(".wast") and os.path.isfile(p):
                out.append((os.path.relpath(p, base), p))
    return out


def md(s):
    return str(s).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def short(s, n=90):
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[:n - 3] + "..."


class Row:
    def __init__(self, name, path, run, fr, note):
        self.name, self.path, self.run, self.fr, self.note = (
            name, path, run, fr, note)
        self.passed = fr.passed if fr else 0
        self.failed = fr.failed if fr else 0
        self.skipped = fr.skipped if fr else 0
        self.mismatches = fr.mismatches if fr else 0

    @property
    def ok(self):
        return not self.note and self.failed == 0

    def notes(self):
        if self.note:
            return "**%s**" % self.note
        fr = self.fr
        if fr.skipped and not fr.passed and not fr.failed:
            return "all skipped: " + "; ".join(fr.skip_reasons())
        parts = []
        fails = fr.by_status("fail")
        if fails:
            c = fails[0]
            parts.append("first failure line %s (%s): %s"
                         % (c["line"], c["kind"], short(c["message"] or "")))
        if fr.skipped:
            parts.append("skipped: " + "; ".join(fr.skip_reasons()))
        return "; ".join(parts)


def run_suite(cmref, files, timeout, jobs, extra_args=()):
    def one(item):
        name, path = item
        r, fr, note = cmrun.run_wast(cmref, path, timeout, extra_args)
        row = Row(name, path, r, fr, note)
        sys.stderr.write("  %-40s %5d passed %5d failed %5d skipped%s\n"
                         % (name, row.passed, row.failed, row.skipped,
                            "  [%s]" % note if note else ""))
        return row
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(one, files))


def shown(path, core):
    """A suite path as the docs show it: `<cm>/test/async/x.wast` or
    `<spec>/test/core`, never this machine's folders."""
    path = str(path)
    i = path.rfind("/test/")
    if i < 0:
        return "<%s>/%s" % ("spec" if core else "cm", os.path.basename(path))
    return "<%s>%s" % ("spec" if core else "cm", path[i:])


def section(title, dirs, rows, out):
    w = out.append
    w("## %s\n" % title)
    for d in dirs:
        v = suite_version(d)
        w("- folder: `%s`%s" % (shown(d, title.startswith("Core")),
                                " (%s)" % v if v else ""))
    if not rows:
        w("\nNo .wast files found.\n")
        return
    tp = sum(r.passed for r in rows)
    tf = sum(r.failed for r in rows)
    ts = sum(r.skipped for r in rows)
    tm = sum(r.mismatches for r in rows)
    crashed = sum(1 for r in rows if r.note)
    clean = sum(1 for r in rows if r.ok)
    w("- files: %d, of which %d with no failure%s"
      % (len(rows), clean,
         ", %d crashed or timed out" % crashed if crashed else ""))
    w("- commands: %d passed, %d failed, %d skipped, %d message mismatches\n"
      % (tp, tf, ts, tm))
    w("| File | Passed | Failed | Skipped | Msg mismatches | Notes |")
    w("|---|---:|---:|---:|---:|---|")
    for r in rows:
        w("| %s | %d | %d | %d | %d | %s |"
          % (md(r.name), r.passed, r.failed, r.skipped, r.mismatches,
             md(r.notes())))
    w("| **total** | **%d** | **%d** | **%d** | **%d** | %d/%d files clean |"
      % (tp, tf, ts, tm, clean, len(rows)))
    w("")
    bad = [r for r in rows if r.fr and (r.failed or r.mismatches)]
    if bad:
        w("### Failures and message mismatches\n")
        for r in bad:
            items = [c for c in r.fr.commands
                     if c["status"] == "fail" or c["message_mismatch"]]
            w("<details><summary>%s: %d failed, %d mismatches</summary>\n"
              % (md(r.name), r.failed, r.mismatches))
            for c in items[:25]:
                w("- line %s `%s`%s: %s"
                  % (c["line"], c["kind"],
                     " (message mismatch)" if c["message_mismatch"] else "",
                     md(short(c["message"] or "", 200))))
            if len(items) > 25:
                w("- ... and %d more" % (len(items) - 25))
            w("\n</details>\n")


FINDING_HEAD = re.compile(r"^(\d+)\. \*\*", re.M)
FINDING_CMD = re.compile(r"([A-Za-z0-9_.-]+\.wast):(\d+(?:,\d+)*)")


def findings_map(text):
    """{(file name, line): finding number} from docs/findings.md: every
    `name.wast:L1,L2` written inside a numbered finding."""
    out = {}
    heads = list(FINDING_HEAD.finditer(text))
    for k, h in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        body = text[h.start():end]
        body = body.split("\n#", 1)[0]
        for m in FINDING_CMD.finditer(body):
            for ln in m.group(2).split(","):
                out.setdefault((m.group(1), int(ln)), int(h.group(1)))
    return out


def schedules(c, rep):
    """What the command does under other schedules, in a few words."""
    parts = []
    e = c.get("explore")
    if e:
        outs = e["outcomes"]
        fails = sum(o["count"] for o in outs if o["status"] != "pass")
        # schedules cut at a state already explored never reach the
        # command: its outcomes there are those of the first visit
        cut = e["schedules"] - sum(o["count"] for o in outs)
        cut_note = ("; %d more cut at a state already explored" % cut
                    if cut > 0 else "")
        if len(outs) > 1:
            first = {o["status"]: o for o in outs}
            parts.append("%d outcomes in %d%s schedules (%s)%s" % (
                len(outs), e["schedules"], "" if e["complete"] else "+",
                ", ".join("%s %d" % (o["status"], o["count"]) for o in outs)
                + cut_note,
                "; choice kind: " + ", ".join(e["kinds"]) if e["kinds"]
                else ""))
            if "pass" in first:
                parts.append("passes with `--choices %s`" % ",".join(
                    map(str, first["pass"]["choices"])))
        elif e["schedules"] > 1:
            if cut > 0:
                parts.append("same outcome in all %d schedules that reach it "
                             "(of %d%s; %d cut at a state already explored)"
                             % (e["schedules"] - cut, e["schedules"],
                                "" if e["complete"] else "+", cut))
            else:
                parts.append("same outcome in all %d%s schedules" % (
                    e["schedules"], "" if e["complete"] else "+ (budget)"))
        elif fails:
            parts.append("no choice")
    for o in rep.get("random", {}).get(c["line"], []):
        ch = ",".join(map(str, o["choices"]))
        parts.append("whole file, `--sched random --seed %d`%s: %s; choice "
                     "kind: %s" % (o["seed"], " (`--choices %s`)" % ch
                                   if len(o["choices"]) <= 12 else "",
                                   short(o["outcome"], 60),
                                   ", ".join(o["kinds"]) or "?"))
    we = rep.get("whole_explore") or {}
    wo = we.get("commands", {}).get(c["line"])
    if wo:
        parts.append("whole file: %d outcomes under --explore" % len(wo))
    return "; ".join(parts)


def per_command(title, reps, fmap, out):
    """The table of every command that fails in the whole-file run or on a
    fresh instance, or whose outcome depends on a choice, attributed."""
    w = out.append
    tw = sum(r["whole"]["failed"] for r in reps)
    tf = sum(r["fresh"]["failed"] for r in reps)
    tn = sum(r["final"]["failed"] for r in reps)
    n = sum(len(r["commands"]) for r in reps)
    w("## %s, command by command\n" % title)
    w("Generated by harness/split_wast.py (via `make conformance`): every "
      "assertion and action of each script runs again on a *fresh* "
      "instance, in a cut-down copy of the script that keeps the "
      "definitions, the one instantiation the command runs on and the "
      "command itself, and nothing else; where the outcome then differs "
      "from the whole-file run, the earlier commands on that instance that "
      "passed are put back, as few as give the whole-file outcome (the "
      "state the command needs, e.g. a handle made by a setup call, or a "
      "trap that poisons the instance on purpose). Failures caused only by "
      "an earlier failure on the same instance are listed *after* that "
      "command. Each command's copy is also run under `--explore` and each "
      "whole file under `--sched random` with several seeds; the choice "
      "kinds are those of canon/sched.h (docs/cli.md).\n")
    w("- commands: %d; failing in the whole-file runs: %d; failing on a "
      "fresh instance: %d; failing with the state they need (their own "
      "failures): %d\n" % (n, tw, tf, tn))
    rows, unattributed = [], 0
    for r in reps:
        name = os.path.basename(r["file"])
        for c in r["commands"]:
            varies = (len(c.get("explore", {}).get("outcomes", [])) > 1
                      or c["line"] in r.get("random", {})
                      or c["line"] in (r.get("whole_explore") or {}).get(
                          "commands", {}))
            if c["whole"] == "pass" and c["final"] == "pass" and not varies:
                continue
            f = fmap.get((name, c["line"]))
            if f:
                attr = "finding %d" % f
            elif c["final"] == "pass" and c["after"]:
                attr = "after line %d" % c["after"]
                fa = fmap.get((name, c["after"]))
                if fa:
                    attr += " (finding %d)" % fa
            elif c["final"] == "pass" and c["whole"] == "pass":
                attr = "**not attributed** (passes, outcome varies)"
                unattributed += 1
            else:
                attr = "**not attributed**"
                unattributed += 1
            own = c["final"]
            if c["state"]:
                own += " (with lines %s)" % ",".join(map(str, c["state"]))
            rows.append("| `%s:%d` | %s | %s | %s | %s |" % (
                shown(r["file"], False), c["line"],
                md(short(c["whole"], 80)), md(short(own, 80)),
                md(schedules(c, r)), attr))
    w("| Command | Whole file | On its own instance | Other schedules | "
      "Attributed to |")
    w("|---|---|---|---|---|")
    out.extend(rows)
    w("")
    w("%d of these commands are not attributed to a finding.\n"
      % unattributed)
    needs = ["`%s:%d` (lines %s)" % (shown(r["file"], False), c["line"],
                                     ",".join(map(str, c["state"])))
             for r in reps for c in r["commands"]
             if c["fresh"] != "pass" and c["final"] == "pass"]
    if needs:
        w("<details><summary>%d commands fail on a fresh instance only "
          "because they need earlier commands' state, and pass with it"
          "</summary>\n" % len(needs))
        w("; ".join(needs))
        w("\n</details>\n")
    return unattributed


# How expected messages are matched (docs/cli.md says the same).
MESSAGE_MATCHING = [
    "## Message matching\n",
    "- Core modules, and actions on core instances: the actual message must "
    "*start with* the expected text, the rule of the spec interpreter's "
    "script runner (WebAssembly/spec `interpreter/script/runner.ml`).",
    "- Components (a `component` form in `assert_invalid`, "
    "`assert_malformed`, `assert_unlinkable`, `assert_trap` or "
    "`assert_uninstantiable`, and actions on component instances): the "
    "expected text may occur *anywhere* in the actual message, the rule of "
    "Wasmtime's wast runner (`crates/wast/src/wast.rs`: "
    "`actual.contains(expected)` for `assert_trap`, `assert_invalid` and "
    "`assert_unlinkable`), for which the component-model reference tests "
    "were written.",
    "- Traps of components also match where Wasmtime words the same "
    "condition differently: a leading `wasm trap: ` of the expected text is "
    "ignored, Wasmtime's words for core traps (\"wasm `unreachable` "
    "instruction executed\") and the other wording of a Canonical ABI trap "
    "(`canon_trap_alias`) count, and so does our whole message followed by "
    "details Wasmtime adds.\n",
]


def per_command_reports(a, rows):
    """split_wast's report of every file of a section (copies in /tmp)."""
    outdir = tempfile.mkdtemp(prefix="cmref-split-")
    reps = []
    try:
        for r in rows:
            sys.stderr.write("  per command: %s\n" % r.name)
            reps.append(split_wast.split_file(
                a.cmref, r.path, outdir, ["--features", a.features], a.jobs,
                a.timeout, None, a.explore, range(1, a.seeds + 1)))
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return reps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--core", action="append", default=[],
                    help="folder of core .wast files (repeatable)")
    ap.add_argument("--cm", action="append", default=[],
                    help="folder of component-model .wast files (repeatable)")
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds per file (default 120)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs",
                                                  "conformance.md"))
    ap.add_argument("--features", default="all",
                    help="core feature set for the core suites: all (the "
                    "current spec) or wasm-2.0 (the frozen wg-2.0 suite)")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 when any file failed")
    ap.add_argument("--per-command", type=int, default=1,
                    help="1 (default): also run each component-model command "
                    "on a fresh instance (harness/split_wast.py); 0: skip")
    ap.add_argument("--explore", type=int, default=200, metavar="N",
                    help="schedules per command copy (default 200)")
    ap.add_argument("--seeds", type=int, default=10, metavar="K",
                    help="random seeds per whole file (default 10)")
    a = ap.parse_args()
    if not a.core and not a.cm:
        ap.error("give at least one --core or --cm folder")
    # Without --core, the core section of the current report is kept (the
    # core suites are large and not everyone has them).
    kept_core = None
    if not a.core and os.path.exists(a.out):
        with open(a.out, encoding="utf-8") as f:
            old = f.read()
        m = re.search(r"^## Core WebAssembly\n.*?(?=^## )", old, re.M | re.S)
        if m and "Not run this time" not in m.group(0):
            kept_core = re.sub(r"`/[^`]*(/test/core[^`]*)`", r"`<spec>\1`",
                               m.group(0))
            kept_core = re.sub(r"\s*\(Kept from the previous report[^)]*"
                               r"\)\s*$", "\n", kept_core)
    if not os.access(a.cmref, os.X_OK):
        sys.exit("conformance: %s is not built (run make)" % a.cmref)

    sections = []
    for title, dirs in (("Core WebAssembly", a.core),
                        ("Component Model", a.cm)):
        if not dirs:
            sections.append((title, dirs, None))
            continue
        files = collect(dirs)
        sys.stderr.write("%s: %d files from %s\n"
                         % (title, len(files), " ".join(dirs)))
        sections.append((title, [os.path.abspath(d) for d in dirs],
                         run_suite(a.cmref, files, a.timeout, a.jobs,
                                   ("--features", a.features))))

    now = datetime.datetime.now(datetime.timezone.utc)
    out = ["# cmref conformance\n",
           "Generated by `make conformance` (harness/conformance.py); do not "
           "edit by hand.\n",
           "- date: %s" % now.strftime("%Y-%m-%d %H:%M UTC"),
           "- cmref: commit %s" % cmref_version(),
           "- spec pin: %s; core spec: WebAssembly/spec (the core suite "
           "folder is listed per section below; the frozen wg-2.0 suite is "
           "the acceptance target)" % CM_PIN,
           "- each file runs alone: `cmref run --json --features %s FILE`, "
           "timeout %gs" % (a.features, a.timeout),
           "- feature set `%s`: %s" % (a.features, {
               "wasm-2.0": "the frozen Wasm 2.0 spec (one memory, no "
                           "extended constant expressions), as its test "
                           "suite requires",
               "all": "the current spec (multi-memory and extended "
                      "constant expressions allowed)"}.get(a.features, "")),
           "- *message mismatch*: the command failed, trapped or was rejected "
           "as expected, but with a message that does not match the "
           "expected text; counted as passed.",
           "- a command is *skipped* only when it needs a feature cmref does "
           "not implement (the note gives the feature).\n"] + MESSAGE_MATCHING
    any_fail = False
    for title, dirs, rows in sections:
        if rows is None and title.startswith("Core") and kept_core:
            out.append(kept_core.rstrip() + "\n\n(Kept from the previous "
                       "report: this run had no CORE_TESTS.)\n")
            continue
        if rows is None:
            out.append("## %s\n\nNot run this time (give %s=DIR).\n"
                       % (title, "CORE_TESTS" if title.startswith("Core")
                          else "CM_TESTS"))
            continue
        section(title, dirs, rows, out)
        if not title.startswith("Core") and a.per_command:
            reps = per_command_reports(a, rows)
            with open(os.path.join(ROOT, "docs", "findings.md"),
                      encoding="utf-8") as f:
                fmap = findings_map(f.read())
            per_command(title, reps, fmap, out)
        any_fail |= any(not r.ok for r in rows)
        tp = sum(r.passed for r in rows)
        tf = sum(r.failed for r in rows)
        ts = sum(r.skipped for r in rows)
        print("%s: %d files, %d clean; %d passed, %d failed, %d skipped"
              % (title, len(rows), sum(1 for r in rows if r.ok), tp, tf, ts))
    # The hand-written analysis of the failures (each one checked against
    # the pinned spec) is kept in docs/findings.md and copied in here.
    findings = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "docs", "findings.md")
    if os.path.exists(findings):
        with open(findings) as f:
            out.append("\n" + f.read().strip() + "\n")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")
    print("wrote %s" % a.out)
    return 1 if a.strict and any_fail else 0


if __name__ == "__main__":
    sys.exit(main())
