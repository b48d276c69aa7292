"""test_traces.py -- the golden step traces in traces/ (docs/trace-format.md).

Each traced script is run again with `cmref run --trace` and its trace must
equal the golden file byte for byte (same input, same choices, same trace).
A deliberate change of behaviour or of the format is recorded with
`make traces` and reviewed as a diff.  Also: a random-policy trace is the
same for the same seed, and every trace line is a JSON object with a
sequence number.
"""

import json
import os

import pytest

import cmrun
from conftest import CMREF, HARNESS, ROOT, TIMEOUT, rel, require_binary

SCRIPTS = sorted((ROOT / "spec-tests" / "async").glob("*.wast")) + \
    [HARNESS / "demo" / "async.wast"]


def golden_for(script):
    if script.parent == HARNESS / "demo":
        return ROOT / "traces" / "demo" / (script.stem + ".jsonl")
    return ROOT / "traces" / script.parent.name / (script.stem + ".jsonl")


def trace_of(script, tmp_path, *extra):
    require_binary(CMREF, "make")
    out = tmp_path / "trace.jsonl"
    r = cmrun.run([str(CMREF), "run", "-q", *extra, "--trace", str(out),
                   str(script)], TIMEOUT)
    assert r.rc == 0, "%s: %s" % (rel(script), r.out + r.err)
    return out.read_bytes()


@pytest.mark.parametrize("script", SCRIPTS, ids=[rel(s) for s in SCRIPTS])
def test_golden_trace(script, tmp_path):
    golden = golden_for(script)
    assert golden.exists(), "no golden trace %s (make traces)" % rel(golden)
    got = trace_of(script, tmp_path)
    if got != golden.read_bytes():
        a = golden.read_text().splitlines()
        b = got.decode().splitlines()
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                pytest.fail("%s differs from %s at line %d:\n  golden: %s\n"
                            "  now:    %s\n(make traces rewrites it after a "
                            "deliberate change)"
                            % (rel(script), rel(golden), i + 1, x, y),
                            pytrace=False)
        pytest.fail("%s: %d lines, golden %d" % (rel(script), len(b), len(a)),
                    pytrace=False)


@pytest.mark.parametrize("script", SCRIPTS, ids=[rel(s) for s in SCRIPTS])
def test_trace_lines(script):
    lines = golden_for(script).read_text().splitlines()
    head = json.loads(lines[0])
    assert head["trace"] == "cmref" and head["version"] == 1
    for n, line in enumerate(lines[1:], 1):
        ev = json.loads(line)
        assert ev["seq"] == n and isinstance(ev["ev"], str)


def test_same_seed_same_trace(tmp_path):
    script = HARNESS / "demo" / "async.wast"
    a = trace_of(script, tmp_path, "--sched", "random", "--seed", "5")
    b = trace_of(script, tmp_path, "--sched", "random", "--seed", "5")
    assert a == b
    assert b'"sched":"random","seed":5' in a.splitlines()[0]


def test_trace_needs_one_script(tmp_path):
    require_binary(CMREF, "make")
    r = cmrun.run([str(CMREF), "run", "--trace", str(tmp_path / "t"),
                   str(SCRIPTS[0]), str(SCRIPTS[1])], TIMEOUT)
    assert r.rc == 2 and "one script" in r.err


def test_check_trace(tmp_path):
    """--check-trace: a trace equal to cmref's in its guest-visible events
    is allowed; one changed result, or a cut, is not (the demo makes no
    choice: its one schedule is the only one the spec allows); choices
    recorded in the trace are replayed, and a replay that differs says
    where.  The search itself: harness/test_tracecheck.py."""
    require_binary(CMREF, "make")
    script = str(HARNESS / "demo" / "async.wast")
    golden = golden_for(HARNESS / "demo" / "async.wast")
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(golden), script],
                  TIMEOUT)
    assert r.rc == 0 and "allowed: reproduced with --choices (none)" in \
        r.out, r.out + r.err
    lines = golden.read_text().splitlines()
    k = next(i for i, l in enumerate(lines) if '"name":"stream.read"' in l)
    lines[k] = lines[k].replace('"results":[', '"results":[9')
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(bad), script],
                  TIMEOUT)
    assert r.rc == 1 and ("bad.jsonl:%d: not allowed by the spec" % (k + 1)) \
        in r.out, r.out
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(golden.read_text().splitlines()[:20]) + "\n")
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(cut), script],
                  TIMEOUT)
    assert r.rc == 1 and "not allowed by the spec at the end of the trace" \
        in r.out, r.out
    # a trace of a non-default schedule, checked: its choices are replayed
    fix = HARNESS / "fixtures" / "open_choice.wast"
    t = tmp_path / "c1.jsonl"
    cmrun.run([str(CMREF), "run", "--choices", "1", "--trace", str(t),
               str(fix)], TIMEOUT)
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(t), str(fix)],
                  TIMEOUT)
    assert r.rc == 0 and "1 choices replayed" in r.out, r.out
    lines = t.read_text().splitlines()
    k = max(i for i, l in enumerate(lines) if '"ev":"lift.return"' in l)
    lines[k] = lines[k].replace('"results":[', '"results":[9')
    t.write_text("\n".join(lines) + "\n")
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(t), str(fix)],
                  TIMEOUT)
    assert r.rc == 1 and ("c1.jsonl:%d: differs" % (k + 1)) in r.out, r.out


def test_check_trace_any_member_order(tmp_path):
    """The checker compares events member by member: the same trace written
    with other member order and spacing (as a JSON library writes it)
    matches."""
    require_binary(CMREF, "make")
    script = str(HARNESS / "demo" / "async.wast")
    golden = golden_for(HARNESS / "demo" / "async.wast")
    out = []
    for i, line in enumerate(golden.read_text().splitlines()):
        d = json.loads(line)
        out.append(json.dumps(d if i == 0 else dict(reversed(list(d.items())))))
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_text("\n".join(out) + "\n")
    r = cmrun.run([str(CMREF), "run", "--check-trace", str(theirs), script],
                  TIMEOUT)
    assert r.rc == 0 and "allowed" in r.out, r.out + r.err
