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
the result); `;; calls: N` gives the time per call or element.  Their time
is the CPU time (user + system) of the process, the minimum over --runs
runs: on a shared machine it depends far less on the load than wall clock.

Then scripts made at bench time by generate.py, each at two sizes, the cost
per operation being the difference of the two CPU times over the difference
of the sizes (start-up, parsing and set-up cancel out):
- stream chain: bytes through a producer, N relay components and a
  consumer (N = 1, 4, 16, 64), in chunks of 4 KiB: MB/s, and the time per
  chunk per stream hop, which stays flat when the cost is linear in N;
- waitable set: a stream rendezvous waited for in a waitable set of W
  waitables (W = 1 ... 10000) of which only one is ever ready: the time per
  element, which stays flat when a wait does not grow with W;
- explore: schedules per second of `run --explore` on a small chain.
"""

import argparse
import glob
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv, runs, timeout, clock=time.monotonic):
    """(min seconds, stdout, error or None) of running argv `runs` times,
    measured by clock (wall time by default)."""
    best, out = None, ""
    for _ in range(runs):
        t0 = clock()
        try:
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return None, "", "timeout after %ss" % timeout
        dt = clock() - t0
        if p.returncode != 0:
            msg = (p.stderr.strip() or p.stdout.strip() or "no output")
            return None, p.stdout, "exit %d: %s" % (p.returncode,
                                                    msg.splitlines()[-1])
        out = p.stdout
        best = dt if best is None else min(best, dt)
    return best, out, None


def cpu_timed(argv, runs, timeout):
    """Like timed, but the minimum CPU time (user + system) of the child."""
    return timed(argv, runs, timeout, clock=_cpu_seconds)


def passed(out):
    return out.strip().endswith("0 failed, 0 skipped")


def generated(a, tmp, name, text):
    """CPU time of `cmref run -q` on a generated script, or (None, why)."""
    path = os.path.join(tmp, name + ".wast")
    with open(path, "w") as f:
        f.write(text)
    t, out, err = cpu_timed([a.cmref, "run", "-q", path], a.runs, a.timeout)
    if not err and not passed(out):
        err = out.strip().splitlines()[-1] if out.strip() else "no output"
    return t, err


def per_op(a, tmp, name, make, n1, n2):
    """(t(n2) - t(n1)) / (n2 - n1) for the script make(n), or (None, why)."""
    t1, e1 = generated(a, tmp, "%s-%d" % (name, n1), make(n1))
    t2, e2 = generated(a, tmp, "%s-%d" % (name, n2), make(n2))
    if e1 or e2:
        return None, e1 or e2
    return max(t2 - t1, 0.0) / (n2 - n1), None


def generated_benches(a):
    """The benches of generate.py; returns the number of failures."""
    import generate
    bad = 0
    tmp = tempfile.mkdtemp(prefix="cmref-bench-gen-")
    try:
        mib, chunk = 1 << 20, 4096
        print()
        print("stream chain: producer -> N relays -> consumer, stream<u8>, "
              "%d-byte chunks" % chunk)
        print("(CPU time of 9 MiB minus that of 1 MiB, min of %d runs)"
              % a.runs)
        print("%6s %10s %16s" % ("N", "MB/s", "us/chunk/hop"))
        for n in (1, 4, 16, 64):
            per_byte, err = per_op(a, tmp, "chain%d" % n,
                                   lambda b, n=n: generate.chain(n, b, chunk),
                                   1 * mib, 9 * mib)
            if err:
                bad += 1
                print("%6d  [%s]" % (n, err))
                continue
            hop = per_byte * chunk / (n + 1) * 1e6
            print("%6d %10.1f %16.3f" % (n, 1e-6 / per_byte if per_byte else
                                         float("inf"), hop))
        print()
        print("waitable set: W waitables, one ready at each wait "
              "(stream<u32> element rendezvous)")
        print("(CPU time of 22000 elements minus that of 2000, min of %d "
              "runs)" % a.runs)
        print("%6s %14s" % ("W", "us/element"))
        for w in (1, 10, 100, 1000, 10000):
            t, err = per_op(a, tmp, "waitset%d" % w,
                            lambda e, w=w: generate.waitset(w, e),
                            2000, 22000)
            print("%6d %s" % (w, "  [%s]" % err if err else
                               "%14.3f" % (t * 1e6)))
            bad += bool(err)
        print()
        path = os.path.join(tmp, "explore.wast")
        with open(path, "w") as f:
            f.write(generate.chain(2, 4, 1))
        t, out, err = cpu_timed([a.cmref, "run", "--explore", "100000", path],
                                a.runs, a.timeout)
        m = re.search(r"explored (\d+) schedules? \(([^;]*)", out)
        if err or not m:
            bad += 1
            print("explore: [%s]" % (err or "no summary line"))
        else:
            k = int(m.group(1))
            print("explore: chain(2, 4, 1): %d schedules (%s) in %.2f s CPU:"
                  " %.0f schedules/s" % (k, m.group(2), t, k / t if t else 0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return bad


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
    ap.add_argument("--only-components", action="store_true",
                    help="skip the core kernels")
    ap.add_argument("kernels", nargs="*",
                    help="kernel names (default: every harness/bench/*.wat)")
    a = ap.parse_args()
    kernels = [] if a.only_components else a.kernels or sorted(
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
        print("%-10s %10s %12s   (CPU time, whole process)"
              % ("component", "cmref", "per call"))
        for w in comps:
            name = os.path.splitext(os.path.basename(w))[0]
            t, out, err = cpu_timed([a.cmref, "run", "-q", w], a.runs,
                                    a.timeout)
            with open(w) as f:
                m = re.search(r"^;; calls: (\d+)", f.read(), re.M)
            per = ("%9.2f us" % (t / int(m.group(1)) * 1e6)
                   if t and m else "        -  ")
            if err or not passed(out):
                bad += 1
                per += "  [%s]" % (err or out.strip().splitlines()[-1])
            print("%-10s %s %s" % (name, fmt(t), per))
        bad += generated_benches(a)
    if ratios:
        g = 1.0
        for r in ratios:
            g *= r
        print("geometric mean cmref/wabt: %.2fx (below 1 means cmref is "
              "faster)" % g ** (1 / len(ratios)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
