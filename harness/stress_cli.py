#!/usr/bin/env python3
"""stress_cli.py -- the big hostile inputs of the front end (issue 8), with
their figures: 100,000 items of each kind that needs a name lookup (text
and binary), 100,000-deep nesting, a 10 MB string.  For each input and
build it prints the exit status, the wall-clock time, the peak resident
memory and the first line of the message, and fails (exit 1) when an input
gives the wrong exit status, takes more than --max-seconds or uses more
than --max-mb.

Run by `make stress` (which runs every harness/stress_*.py with CMREF and
CMREF_ASAN set); by hand:

    CMREF=build/cmref python3 harness/stress_cli.py [--only build] [-n N]

Inputs are generated into a temporary folder and removed afterwards.
The peak memory is the child's ru_maxrss, which starts from the Python
process it was forked from (about 40 MB here): smaller figures show as that
floor.
"""

import argparse
import itertools
import os
import subprocess
import sys
import tempfile

from measure import run_measured

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# kind: (text around the items, one item from its number)
KINDS = {
    "named components": ("(component %s)", "(component $c%d)"),
    "unnamed components": ("(component %s)", "(component)"),
    "component exports": ("(component (core module $m) %s)",
                          '(export "e%d" (core module $m))'),
    "component imports": ("(component %s)", '(import "i%d" (func))'),
    "component types": ("(component %s)", "(type $t%d (list u8))"),
    "instance type exports": ("(component (type (instance %s)))",
                              '(export "e%d" (func))'),
    "component type imports": ("(component (type (component %s)))",
                               '(import "i%d" (func))'),
    "core module type exports": ("(component (core type (module %s)))",
                                 '(export "e%d" (func))'),
    "core instance exports": (
        '(component (core module $m (func (export "f")))'
        ' (core instance $i (instantiate $m))'
        ' (core func $f (alias core export $i "f"))'
        ' (core instance %s))', '(export "a%d" (func $f))'),
    "core instantiation arguments": (
        "(component (core module $m) (core instance $i (instantiate $m))"
        " (core instance (instantiate $m %s)))", '(with "a%d" (instance $i))'),
    "instantiation arguments": (
        "(component (component $c) (instance (instantiate $c %s)))",
        '(with "a%d" (component $c))'),
    "core named functions": ("(module %s)", "(func $f%d)"),
    "core exports": ("(module (func $f) %s)", '(export "e%d" (func $f))'),
    "core imports": ("(module %s)", '(import "m" "i%d" (func))'),
    "core named types": ("(module %s)", "(type $t%d (func (param i32)))"),
    # 50,000 locals per function is the binary decoder's implementation
    # limit (binary.c MAX_FUNC_LOCALS; the text parser has none)
    "core named locals": ("(module (func %s))", "(local $l%d i32)", 40000),
    "br_table targets": ("(module (func (block (br_table %s (i32.const 0)))))",
                         "0"),
    # Labels of records, variants, enums and parameters: unique ignoring
    # case (validate_types.c check_labels, a name set; canon/types.c
    # sorts them again): n log n at most.
    "record fields": ("(component (type (record %s)))", '(field "f%d" u8)'),
    "enum cases": ("(component (type (enum %s)))", '"c%d"'),
}

DEEP = {
    "nested s-expressions": lambda n: "(module %s)" % ("(" * n + ")" * n),
    "nested blocks": lambda n: "(module (func %s))" % ("(block " * n
                                                       + ")" * n),
    "nested components": lambda n: "(component %s)" % ("(component " * n
                                                       + ")" * n),
    "nested list types": lambda n: "(component (type %s))" % (
        "(list " * n + "u8" + ")" * n),
}


def count(kind, n):
    """The items of a kind: n, or the kind's own cap."""
    return min(n, KINDS[kind][2]) if len(KINDS[kind]) > 2 else n


def item_text(kind, n):
    outer, item = KINDS[kind][:2]
    return outer % " ".join(item % i if "%d" in item else item
                            for i in range(count(kind, n)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100000,
                    help="items per input and nesting depth (default 100000)")
    ap.add_argument("--only", choices=["build", "build-asan"],
                    help="one build only")
    ap.add_argument("--max-seconds", type=float, default=5.0)
    ap.add_argument("--max-mb", type=float, default=1024.0)
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="give up on an input after this long")
    args = ap.parse_args()
    builds = []
    for name, env, default in [("build", "CMREF", "build/cmref"),
                               ("build-asan", "CMREF_ASAN",
                                "build-asan/cmref")]:
        exe = os.environ.get(env, os.path.join(ROOT, default))
        if args.only in (None, name) and os.access(exe, os.X_OK):
            builds.append((name, exe))
    if not builds:
        print("stress_cli: no cmref build found (make, make asan)")
        return 1
    bad = 0
    with tempfile.TemporaryDirectory(prefix="cmref-stress-") as tmp:
        cases = []  # (name, path, expected exit status)
        for kind in KINDS:
            path = os.path.join(tmp, kind.replace(" ", "_") + ".wat")
            with open(path, "w") as f:
                f.write(item_text(kind, args.n))
            n = count(kind, args.n)
            cases.append(("%d %s (text)" % (n, kind), path, 0))
            wasm = path[:-4] + ".wasm"
            r = subprocess.run([builds[0][1], "assemble", path, "-o", wasm],
                               capture_output=True)
            if r.returncode == 0:
                cases.append(("%d %s (binary)" % (n, kind), wasm, 0))
        for what, make in DEEP.items():
            path = os.path.join(tmp, what.replace(" ", "_") + ".wat")
            with open(path, "w") as f:
                f.write(make(args.n))
            cases.append(("%d-deep %s" % (args.n, what), path, 1))
        # distinct inline function types: each type use looks its type up
        ts = os.path.join(tmp, "distinct_inline_types.wat")
        combos = itertools.islice(itertools.product(
            ["i32", "i64", "f32", "f64"], repeat=9), args.n)
        with open(ts, "w") as f:
            f.write("(module %s)" % " ".join(
                "(func (param %s))" % " ".join(c) for c in combos))
        cases.append(("%d distinct inline function types" % args.n, ts, 0))
        big = os.path.join(tmp, "big_string.wat")
        with open(big, "w") as f:
            f.write('(module (data "%s"))' % ("a" * (10 << 20)))
        cases.append(("a 10 MB data string", big, 0))

        print("%-52s %-10s %4s %8s %8s  %s" % ("input", "build", "exit",
                                                "seconds", "peak MB",
                                                "message"))
        for name, path, want in cases:
            for bname, exe in builds:
                m = run_measured([exe, "validate", path], args.timeout)
                rc = m.rc if m.finished else None
                secs, mb = m.wall, m.rss_kib / 1024.0
                text = m.out + m.err if m.finished else "did not finish"
                first = text.strip().splitlines()[0] if text.strip() else ""
                first = first.replace(tmp + "/", "")
                problems = []
                if rc != want:
                    problems.append("exit %s, expected %d" % (rc, want))
                if secs > args.max_seconds:
                    problems.append("slower than %g s" % args.max_seconds)
                if mb > args.max_mb:
                    problems.append("more than %g MB" % args.max_mb)
                if problems:
                    bad += 1
                print("%-52s %-10s %4s %8.2f %8.1f  %s%s" % (
                    name, bname, rc, secs, mb, first[:60],
                    ("  <-- " + "; ".join(problems)) if problems else ""))
                sys.stdout.flush()
    print("stress_cli: %d problem%s" % (bad, "" if bad == 1 else "s"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
