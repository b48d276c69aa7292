"""cmrun.py -- run cmref and read what it reports; shared by the pytest files,
conformance.py and the bench scripts.

`cmref run --json FILE...` prints one JSON object:

    {"files": [{"file": F, "totals": {...},
                "commands": [{"line": N, "kind": "assert_return",
                              "status": "pass"|"fail"|"skip",
                              "message": "...", "message_mismatch": true}]}],
     "totals": {"passed": P, "failed": F, "skipped": S,
                "message_mismatches": M}}

The reader below is deliberately tolerant (files as a list or as a dict keyed
by file name; totals recomputed from the commands when absent), so a small
change in the runner's output does not silently turn into "0 failed".
"""

import json
import os
import signal
import subprocess
import time

# Exit statuses we ask the sanitizers to use, so that a sanitizer report is
# never confused with "some assertions failed" (exit status 1).
ASAN_EXITCODE = 86
SANITIZER_ENV = {
    "ASAN_OPTIONS": "exitcode=%d:abort_on_error=0:detect_leaks=1"
                    ":strict_string_checks=1" % ASAN_EXITCODE,
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=%d"
                     % ASAN_EXITCODE,
}
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")

UNSUPPORTED_PREFIX = "unsupported feature:"
# The features cmref deliberately leaves out (see README.md).  A skip is
# honest only when its message is exactly "unsupported feature: NAME" with
# NAME from this list; anything else ("unsupported feature: validation (not
# built)") means a part is missing, and the test fails.  Adding a name here
# is a decision about cmref's scope, not a way to make a test pass.
UNSUPPORTED_FEATURES = {
    "simd", "relaxed-simd", "tail-call", "function-references", "gc",
    "threads", "legacy-exceptions", "custom-page-sizes",
    "custom-annotations", "extended-const", "wide-arithmetic",
    "stack-switching", "shared-everything-threads",
}


def honest_skip(message):
    """True when a skip message names a deliberately unsupported feature."""
    m = (message or "").strip()
    if not m.startswith(UNSUPPORTED_PREFIX):
        return False
    # "unsupported feature: NAME" or "unsupported feature: NAME (detail)"
    return m[len(UNSUPPORTED_PREFIX):].strip().split(" (")[0] in \
        UNSUPPORTED_FEATURES


class Run:
    """The outcome of one cmref process."""

    def __init__(self, argv, rc, out, err, seconds, timed_out):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.seconds, self.timed_out = seconds, timed_out

    @property
    def signal(self):
        """The signal that killed the process, or None."""
        return -self.rc if self.rc is not None and self.rc < 0 else None

    @property
    def sanitizer_report(self):
        """The sanitizer's report in stderr, or None."""
        for m in SANITIZER_MARKERS:
            i = self.err.find(m)
            if i >= 0:
                return self.err[max(0, i - 200):i + 3000]
        return None

    def crash_note(self):
        """'timeout after Ns', 'killed by SIGSEGV', 'sanitizer: ...' or None."""
        if self.timed_out:
            return "timeout after %.0fs" % self.seconds
        if self.signal:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = "signal %d" % self.signal
            return "killed by %s" % name
        if self.sanitizer_report or self.rc == ASAN_EXITCODE:
            first = (self.sanitizer_report or self.err).strip().splitlines()
            return "sanitizer: " + (first[0] if first else "report")
        return None


def run(argv, timeout=None, env_extra=None, cwd=None):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    if env_extra:
        env.update(env_extra)
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=timeout, env=env,
                           cwd=cwd)
        return Run(argv, p.returncode,
                   p.stdout.decode("utf-8", "replace"),
                   p.stderr.decode("utf-8", "replace"),
                   time.monotonic() - t0, False)
    except subprocess.TimeoutExpired as e:
        def text(b):
            return (b or b"").decode("utf-8", "replace")
        return Run(argv, None, text(e.stdout), text(e.stderr),
                   time.monotonic() - t0, True)


class FileResult:
    """One .wast file's results as cmref reported them."""

    def __init__(self, file, commands, totals=None):
        self.file = file
        self.commands = commands
        t = totals or {}

        def count(key, pred):
            v = t.get(key)
            return int(v) if isinstance(v, int) else sum(
                1 for c in commands if pred(c))
        self.passed = count("passed", lambda c: c["status"] == "pass")
        self.failed = count("failed", lambda c: c["status"] == "fail")
        self.skipped = count("skipped", lambda c: c["status"] == "skip")
        self.mismatches = count("message_mismatches",
                                lambda c: c.get("message_mismatch"))

    def by_status(self, status):
        return [c for c in self.commands if c["status"] == status]

    def failures(self, name):
        """One line per failed command: "name:line: kind: message"."""
        return ["%s:%s: %s: %s" % (name, c["line"], c["kind"],
                                   c["message"] or "failed")
                for c in self.by_status("fail")]

    def report(self, problems, most=40):
        """The counts, then the first `most` problems: a test's failure
        message."""
        more = len(problems) - most
        return "%d passed, %d failed, %d skipped\n%s%s" % (
            self.passed, self.failed, self.skipped,
            "\n".join(problems[:most]),
            "\n... and %d more" % more if more > 0 else "")

    def skip_reasons(self):
        """Distinct messages of the skipped commands."""
        seen = []
        for c in self.by_status("skip"):
            m = c.get("message") or "(no reason given)"
            if m not in seen:
                seen.append(m)
        return seen


def _command(c):
    st = str(c.get("status", "")).lower()
    st = {"passed": "pass", "ok": "pass", "failed": "fail",
          "skipped": "skip"}.get(st, st)
    return {"line": c.get("line"), "kind": c.get("kind", "?"), "status": st,
            "message": c.get("message"),
            "message_mismatch": bool(c.get("message_mismatch")
                                     or c.get("mismatch"))}


def parse_json(text):
    """The report of `cmref run --json` -> (list of FileResult, totals dict).
    Raises ValueError when the output is not such a report."""
    # The object is the last thing printed; anything before it (a stray
    # debug line) is ignored rather than failing the parse.
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in cmref's output")
    doc = json.loads(text[start:])
    files = doc.get("files")
    if isinstance(files, dict):
        files = [dict(v, file=k) for k, v in files.items()]
    if not isinstance(files, list):
        raise ValueError("JSON report has no 'files'")
    results = [FileResult(f.get("file", "?"),
                          [_command(c) for c in f.get("commands", [])],
                          f.get("totals") or {k: f[k] for k in
                                              ("passed", "failed", "skipped",
                                               "message_mismatches")
                                              if k in f})
               for f in files]
    totals = doc.get("totals") or {}
    for key, attr in (("passed", "passed"), ("failed", "failed"),
                      ("skipped", "skipped"),
                      ("message_mismatches", "mismatches")):
        totals.setdefault(key, sum(getattr(r, attr) for r in results))
    return results, totals


def run_wast(cmref, path, timeout, extra_args=()):
    """Runs one .wast; returns (Run, FileResult or None, problem or None).
    The problem is a one-line description when there is no usable report
    (crash, timeout, sanitizer report, unreadable output, or an exit status
    that contradicts the report)."""
    r = run([cmref, "run", "--json", *extra_args, path], timeout=timeout)
    note = r.crash_note()
    fr = None
    try:
        files, _ = parse_json(r.out)
        fr = files[0] if files else None
    except ValueError as e:
        if not note:
            note = "unreadable report (%s), exit status %s" % (e, r.rc)
    if fr is None and not note:
        note = "no result for the file, exit status %s" % r.rc
    if fr is not None and not note:
        # exit 0 only when nothing failed (the CLI contract).
        if (r.rc == 0) != (fr.failed == 0):
            note = "exit status %s but %d failed" % (r.rc, fr.failed)
    return r, fr, note
