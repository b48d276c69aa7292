#!/usr/bin/env python3
"""explore_check.py -- `make explore-check [CM_TESTS=DIR]`: explores every
async script (spec-tests/async and, given, the reference tests' async
folder) with `cmref run --explore`, and prints per script the schedules,
the distinct states, the CPU time (user + system) and the wall time, and
whether the walk was complete, then the totals.  The acceptance of issue
11 reads these figures (docs/performance.md "Exploring the async
scripts"); not part of `make test`.  A script in BOUNDS is explored
within its named host limit and reported "within" it when a run met it.

With --compare, each complete reduced walk is checked against the walks
without the reductions: the plain walk (--explore-plain) and the cut at
explored states alone (--explore-no-memo --explore-no-sleep), where those
finish within --compare-budget schedules: every command must have the
same set of outcomes; the reduced walk is run again under another
glibc malloc layout (ALLOCATOR): the same schedules, states, cuts and
outcomes; and once more with --explore-verify-cuts: every cut it follows
on must hold.  A difference is printed and the exit status is 1.

usage: explore_check.py CMREF [--budget N] [--timeout S] [--markdown]
                        [--max-threads N] [--compare [--compare-budget N]]
                        DIR...
"""
import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

# Scripts whose state space is infinite under the pinned spec, or finite
# but beyond a walk that caches states, explored within a named host
# limit or --explore-depth; each with the reason (docs/performance.md
# "Exploring the async scripts").  A walk that meets the bound is
# reported "within" it, never "complete"; a script here that does not
# meet it is complete.
BOUNDS = {
    "trap-on-reenter.wast": (
        ["--max-threads", "8"],
        "re-entry is not trapped by the pinned definitions "
        "(docs/conformance.md finding 3): each re-entering call adds a "
        "task and a thread, without end"),
    "wasi-backpressure-many.wast": (
        ["--explore-depth", "12"],
        "eight requests that each read and write the server's count: "
        "finite, but each caller multiplies the distinct states by about "
        "10 (six callers: 211517, complete in 20 s CPU; seven: 2146183, "
        "in 6 min; the eight here: 22322876, complete in 53 min and 5.1 GB, "
        "docs/performance.md)"),
}


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def explore(cmref, path, budget, timeout, extra, env=None):
    """The report, the wall time and the CPU time (user + system) of
    `cmref run --explore` on path."""
    t0, c0 = time.monotonic(), cpu_children()
    try:
        r = subprocess.run([cmref, "run", "--json", "--explore", str(budget),
                            *extra, str(path)], capture_output=True,
                           text=True, timeout=timeout,
                           env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        # (the killed process's CPU time is not counted: at most timeout)
        return {"schedules": None, "states": None, "complete": False,
                "stopped": "timeout"}, time.monotonic() - t0, None
    dt, cpu = time.monotonic() - t0, cpu_children() - c0
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        return {"schedules": None, "states": None, "complete": False,
                "stopped": "error: " + r.stderr.strip()[:80]}, dt, cpu
    return rep, dt, cpu


def outcome_sets(rep):
    """Per command (line, kind): the set of its outcomes (status, message)."""
    return {(c["line"], c["kind"]):
            {(o["status"], o.get("message"), o.get("result"))
             for o in c["outcomes"]}
            for c in rep.get("commands", [])}


WALKS = (("plain", ["--explore-plain"]),
         ("cut only", ["--explore-no-memo", "--explore-no-sleep"]))


# glibc malloc settings that move where objects land: the same walk must
# come out (the digest names objects by labels, never by address)
ALLOCATOR = {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0",
             "MALLOC_TOP_PAD_": "10000000"}


def unverified(rep):
    """What an --explore-verify-cuts report says of the cuts that did not
    hold; None when every cut held."""
    if not rep.get("verify_mismatches"):
        return None
    return (f"--explore-verify-cuts: {rep['verify_mismatches']} of "
            f"{rep['verify_cuts']} cuts met another state; first: "
            f"{rep['verify_first']}")


def compare(cmref, path, rep, budget, timeout, extra):
    """The differences between the reduced walk rep and each walk of
    WALKS that is complete within budget, and the same reduced walk under
    another malloc layout, as printable lines; and how many of the WALKS
    were complete."""
    diffs, compared = [], 0
    want = outcome_sets(rep)
    again, _, _ = explore(cmref, path, budget, timeout, extra, ALLOCATOR)
    keys = ("schedules", "states", "cut", "memo_cut")
    if ([again.get(k) for k in keys] != [rep.get(k) for k in keys]
            or outcome_sets(again) != want):
        diffs.append(f"{path.name}: another malloc layout gives "
                     f"{[again.get(k) for k in keys]}, not "
                     f"{[rep.get(k) for k in keys]} ({', '.join(keys)})")
    verified, _, _ = explore(cmref, path, budget, timeout,
                             extra + ["--explore-verify-cuts"])
    if unverified(verified):
        diffs.append(f"{path.name}: {unverified(verified)}")
    for label, opts in WALKS:
        other, _, _ = explore(cmref, path, budget, timeout, extra + opts)
        if not other.get("complete"):
            continue
        compared += 1
        got = outcome_sets(other)
        for k in sorted(set(want) | set(got)):
            if want.get(k) != got.get(k):
                diffs.append(f"{path.name}:{k[0]} {k[1]}: {label} walk "
                             f"{sorted(got.get(k, []))}, reduced "
                             f"{sorted(want.get(k, []))}")
    return diffs, compared


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmref")
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--budget", type=int, default=10_000_000)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--max-threads", type=int, default=0)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--compare-budget", type=int, default=20_000)
    a = ap.parse_args()
    extra = ["--max-threads", str(a.max_threads)] if a.max_threads else []
    files = [f for d in a.dirs for f in sorted(pathlib.Path(d).glob("*.wast"))]
    total, total_cpu, ncomplete, nwithin, rows = 0.0, 0.0, 0, 0, []
    diffs, ncompared, nrerun = [], 0, 0
    for f in files:
        bound = BOUNDS.get(f.name, ([], None))[0]
        rep, dt, cpu = explore(a.cmref, f, a.budget, a.timeout, extra + bound)
        total += dt
        total_cpu += cpu if cpu is not None else dt
        ok = bool(rep.get("complete"))
        within = rep.get("stopped") in ("limit", "depth") and bound
        ncomplete += ok
        nwithin += bool(within)
        if a.compare and ok:
            d, c = compare(a.cmref, f, rep, a.compare_budget, a.timeout,
                           extra + bound)
            diffs += d
            ncompared += bool(c)
            nrerun += 1
        state = ("yes" if ok else
                 (f"within --explore-depth {rep['depth_bound']}"
                  if rep.get("stopped") == "depth" else
                  f"within {rep['within']}") if within else
                 rep.get("stopped", "no"))
        rows.append((f"{f.parent.name}/{f.name}", rep.get("schedules"),
                     rep.get("states"), dt, cpu, state))
    if a.markdown:
        print("| script | schedules | states | CPU (s) | wall (s) | complete |")
        print("|---|---:|---:|---:|---:|---|")
        for r in rows:
            cpu = f"{r[4]:.2f}" if r[4] is not None else "-"
            print(f"| {r[0]} | {r[1] if r[1] is not None else '-'} | "
                  f"{r[2] if r[2] is not None else '-'} | {cpu} | {r[3]:.2f} "
                  f"| {r[5]} |")
    else:
        for r in rows:
            cpu = f"{r[4]:8.2f}s" if r[4] is not None else "       -"
            print(f"{r[0]:60} {str(r[1]):>9} {str(r[2]):>8} {cpu} "
                  f"{r[3]:8.2f}s  {r[5]}")
    print(f"{ncomplete} of {len(files)} scripts complete, {nwithin} within "
          f"a documented bound; {total_cpu:.1f} s CPU (user + system; a "
          f"timeout counted as its wall time), {total:.1f} s wall in all")
    for name, (bound, why) in BOUNDS.items():
        if any(r[0].endswith("/" + name) for r in rows):
            print(f"bound: {name}: {' '.join(bound)}: {why}")
    if a.compare:
        print(f"compare: {ncompared} complete walks checked against the "
              f"plain or the cut-only walk (complete within "
              f"{a.compare_budget} schedules), {nrerun} run again under "
              f"another malloc layout: {len(diffs)} differences")
        for d in diffs:
            print("  " + d)
    if diffs:
        return 1
    return 0 if ncomplete + nwithin == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
