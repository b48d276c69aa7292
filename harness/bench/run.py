#!/usr/bin/env python3
"""run.py -- `make bench`: time the kernels in harness/bench/*.wat, then the
component scripts in harness/bench/components/*.wast.

Each kernel exports `run: [] -> [i64]` returning a checksum.  Each is run
with `cmref invoke K.wat run` and, when wabt is installed, compiled once with
wat2wasm and run with `wasm-interp --run-all-exports` (run is the only
export).  The time is wall clock, the minimum over --runs runs, whole process
included (for cmref: parsing the text, validating, running; for wabt: reading
the binary, running); the kernels run for a second or more, so start-up is
noise.  Both checksums must equal the kernel's `;; expect: N` line.

The component scripts (Canonical ABI calls, tasks on fibers, streams) have
no wabt counterpart: each is run with `cmref run -q` (its assertions check
the result) and timed; `;; calls: N` gives the time per call or element.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(argv, runs, timeout):
    """(min seconds, stdout, error or None) of running argv `runs` times."""
    best, out = None, ""
    for _ in range(runs):
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, "", "timeout after %ss" % timeout
        dt = time.monotonic() - t0
        if p.returncode != 0:
            msg = (p.stderr.strip() or p.stdout.strip() or "no output")
            return None, p.stdout, "exit %d: %s" % (p.returncode,
                                                    msg.splitlines()[-1])
        out = p.stdout
        best = dt if best is None else min(best, dt)
    return best, out, None


def checksum(text):
    """The integer in '123', '-5', 'i64:123' or 'run() => i64:123', as an
    unsigned 64-bit value (cmref prints signed, wabt unsigned)."""
    m = re.search(r"(-?\d+)\s*$", text.strip())
    return int(m.group(1)) % (1 << 64) if m else None


def expected(wat):
    """The checksum written by hand in the kernel's `;; expect: N` line."""
    with open(wat) as f:
        m = re.search(r"^;; expect: (\d+)", f.read(), re.M)
    return int(m.group(1)) if m else None


def fmt(t):
    return "%8.3f s" % t if t is not None else "       -  "


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("kernels", nargs="*",
                    help="kernel names (default: every harness/bench/*.wat)")
    a = ap.parse_args()
    kernels = a.kernels or sorted(
        os.path.splitext(os.path.basename(p))[0]
        for p in glob.glob(os.path.join(HERE, "*.wat")))
    wat2wasm, interp = shutil.which("wat2wasm"), shutil.which("wasm-interp")
    have_wabt = bool(wat2wasm and interp)
    print("cmref: %s   wabt: %s   (min of %d runs, wall clock)"
          % (a.cmref, interp or "not installed", a.runs))
    print("%-10s %10s %10s %8s  %s" % ("kernel", "cmref", "wabt",
                                         "ratio", "checksum"))
    tmp = tempfile.mkdtemp(prefix="cmref-bench-")
    bad = 0
    ratios = []
    try:
        for k in kernels:
            wat = os.path.join(HERE, k + ".wat")
            tc, out, err = timed([a.cmref, "invoke", wat, "run"], a.runs,
                                 a.timeout)
            cc = checksum(out) if not err else None
            tw = cw = werr = None
            if have_wabt:
                wasm = os.path.join(tmp, k + ".wasm")
                p = subprocess.run([wat2wasm, wat, "-o", wasm],
                                   capture_output=True, text=True)
                if p.returncode:
                    werr = "wat2wasm: " + p.stderr.strip()
                else:
                    tw, wout, werr = timed([interp, wasm, "--run-all-exports"],
                                           a.runs, a.timeout)
                    cw = checksum(wout) if not werr else None
            ratio = "%7.2fx" % (tc / tw) if tc and tw else "      - "
            if tc and tw:
                ratios.append(tc / tw)
            notes = []
            if err:
                notes.append("cmref: " + err)
                bad += 1
            if werr:
                notes.append("wabt: " + werr)
            if cc is not None and cw is not None and cc != cw:
                notes.append("MISMATCH: cmref %d, wabt %d" % (cc, cw))
                bad += 1
            want = expected(wat)
            for who, got in (("cmref", cc), ("wabt", cw)):
                if got is not None and want is not None and got != want:
                    notes.append("%s WRONG: %d, expected %d" % (who, got, want))
                    bad += 1
            shown = cc if cc is not None else cw
            print("%-10s %s %s %s  %s%s"
                  % (k, fmt(tc), fmt(tw), ratio,
                     shown if shown is not None else "-",
                     "  [%s]" % "; ".join(notes) if notes else
                     ("  (same in both)" if cw is not None else "")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    comps = sorted(glob.glob(os.path.join(HERE, "components", "*.wast")))
    if comps and not a.kernels:
        print()
        print("%-10s %10s %12s" % ("component", "cmref", "per call"))
        for w in comps:
            name = os.path.splitext(os.path.basename(w))[0]
            t, out, err = timed([a.cmref, "run", "-q", w], a.runs, a.timeout)
            with open(w) as f:
                m = re.search(r"^;; calls: (\d+)", f.read(), re.M)
            per = ("%9.2f us" % (t / int(m.group(1)) * 1e6)
                   if t and m else "        -  ")
            if err or not out.strip().endswith("0 failed, 0 skipped"):
                bad += 1
                per += "  [%s]" % (err or out.strip().splitlines()[-1])
            print("%-10s %s %s" % (name, fmt(t), per))
    if ratios:
        g = 1.0
        for r in ratios:
            g *= r
        print("geometric mean cmref/wabt: %.2fx (below 1 means cmref is "
              "faster)" % g ** (1 / len(ratios)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
