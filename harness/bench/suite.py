#!/usr/bin/env python3
"""suite.py -- `make bench-suite CORE_TESTS=DIR`: time a whole .wast suite
in cmref against wabt.

cmref runs every DIR/*.wast in one process (`cmref run FILES...`); wabt
needs two steps per file, `wast2json` (text to binary modules plus a JSON
command list) then `spectest-interp`, timed separately and together.  Both
tallies are shown: the suites are wabt's and cmref's acceptance targets to
different degrees, so the counts need not match; the times are what this
compares.  Wall clock, one run each.
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--features", default="wasm-2.0",
                    help="core feature set (see cmref run --help)")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for the whole cmref run / per wabt file")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    files = []
    for d in a.dirs:
        files += sorted(glob.glob(os.path.join(d, "*.wast")))
    if not files:
        sys.exit("bench-suite: no .wast files in %s" % " ".join(a.dirs))
    print("%d files from %s" % (len(files), " ".join(a.dirs)))

    t0 = time.monotonic()
    try:
        p = subprocess.run([a.cmref, "run", "--features", a.features, *files], capture_output=True,
                           text=True, timeout=a.timeout,
                           stdin=subprocess.DEVNULL)
        tally = (p.stdout.strip().splitlines() or ["(no output)"])[-1]
    except subprocess.TimeoutExpired:
        tally = "timeout after %ss" % a.timeout
    tc = time.monotonic() - t0
    print("cmref run              %8.2f s   %s" % (tc, tally))

    w2j, sti = shutil.which("wast2json"), shutil.which("spectest-interp")
    if not (w2j and sti):
        print("wabt (wast2json, spectest-interp) not installed: no comparison")
        return 0
    tmp = tempfile.mkdtemp(prefix="cmref-suite-")
    t_conv = t_run = 0.0
    passed = total = conv_failed = 0
    try:
        for i, f in enumerate(files):
            j = os.path.join(tmp, "f%d.json" % i)
            t0 = time.monotonic()
            p = subprocess.run([w2j, f, "-o", j], capture_output=True,
                               text=True, timeout=a.timeout)
            t_conv += time.monotonic() - t0
            if p.returncode:
                conv_failed += 1
                continue
            t0 = time.monotonic()
            try:
                p = subprocess.run([sti, j], capture_output=True, text=True,
                                   timeout=a.timeout, cwd=tmp)
            except subprocess.TimeoutExpired:
                p = None
            t_run += time.monotonic() - t0
            m = re.search(r"(\d+)/(\d+) tests passed", p.stdout if p else "")
            if m:
                passed += int(m.group(1))
                total += int(m.group(2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tw = t_conv + t_run
    print("wabt wast2json         %8.2f s   (%d files wabt could not convert)"
          % (t_conv, conv_failed))
    print("wabt spectest-interp   %8.2f s   %d/%d passed" % (t_run, passed,
                                                            total))
    print("wabt total             %8.2f s" % tw)
    if tw > 0:
        print("ratio cmref/wabt: %.2fx (total), %.2fx (vs spectest-interp "
              "alone)" % (tc / tw, tc / t_run if t_run else float("nan")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
