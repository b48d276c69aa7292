"""test_runtimes.py -- the runtime adapters (harness/runtimes/) and the
import map they use (`cmref imports`).

Without node and jco (the usual case in `make test`) the jco tests are
skipped with the reason; nothing here installs them.  The plan the jco
adapter makes, the value constants, the cmref and command adapters and the
report are tested on their own.  `pytest harness --runtime=NAME` also runs
every spec-tests script through that runtime (test_runtime_script).
"""

import json
import os
import subprocess

import pytest

import cmrun
from conftest import CMREF, ROOT, TIMEOUT, rel, require_binary, wast_files
from runtimes import get, wast
from runtimes import check

SUBTASK = ROOT / "spec-tests" / "async" / "subtask.wast"
STREAMS = ROOT / "spec-tests" / "async" / "streams.wast"


def imports_of(script):
    require_binary(CMREF, "make")
    r = cmrun.run([CMREF, "imports", str(script)], TIMEOUT)
    assert r.rc == 0, r.err
    return [json.loads(ln) for ln in r.out.splitlines()]


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


# ---- cmref imports ----------------------------------------------------------

def test_imports_map_names_each_core_import():
    recs = imports_of(SUBTASK)
    inst = [r for r in recs if "instance" in r]
    # $T twice (lines 82, 84), each with $Callee then $Caller inside
    assert [(r["instance"], r["parent"]) for r in inst] == \
        [(1, 0), (2, 1), (3, 1), (4, 0), (5, 4), (6, 4)]
    cores = [r for r in recs if "core" in r]
    # $Callee's $M, $Caller's $Mem and $M; then the same for instance 4
    assert [(c["core"], c["inst"]) for c in cores] == \
        [(1, 2), (2, 3), (3, 3), (4, 5), (5, 6), (6, 6)]
    callee = {(i["module"], i["name"]): i for i in cores[0]["imports"]}
    assert callee[("", "task.return")]["builtin"] == "task.return"
    assert callee[("", "ws.new")]["builtin"] == "waitable-set.new"
    assert callee[("", "ws.new")]["inst"] == 2
    caller = {i["name"]: i for i in cores[2]["imports"]}
    assert caller["mem"]["kind"] == "memory" and "builtin" not in caller["mem"]
    assert caller["slow"]["builtin"] == "lower" and caller["slow"]["async"]
    assert caller["ws.wait"]["builtin"] == "waitable-set.wait"
    assert caller["join"]["builtin"] == "waitable.join"
    assert caller["subtask.drop"]["builtin"] == "subtask.drop"
    assert all(i["inst"] == 3 for i in caller.values() if "builtin" in i)
    assert cores[2]["exports"] == ["run", "drop-early"]
    lifts = [r for r in recs if "lift" in r]
    assert {"lift": {"core": 1, "export": "slow"}, "inst": 2,
            "callback": {"core": 1, "export": "slow-cb"},
            "post_return": None, "realloc": None} in lifts
    assert {"lift": {"core": 3, "export": "run"}, "inst": 3, "callback": None,
            "post_return": None, "realloc": None} in lifts
    # the same module instantiated again has the same fingerprint
    assert cores[0]["module"] == cores[3]["module"]


def test_imports_fingerprint_is_the_assembled_module(tmp_path):
    """The fingerprint is of the core module's bytes as `cmref assemble`
    embeds them in the component: what another runtime extracts."""
    src = SUBTASK.read_text()
    node = [f for f in wast.read(src) if f.head() == "component"][0]
    _, how, text, _ = wast.module_source(src, node)
    assert how == "text"
    (tmp_path / "t.wat").write_text(text)
    r = cmrun.run([CMREF, "assemble", str(tmp_path / "t.wat"), "-o",
                   str(tmp_path / "t.wasm")], TIMEOUT)
    assert r.rc == 0, r.err
    data = (tmp_path / "t.wasm").read_bytes()
    found = set()
    for rec in imports_of(SUBTASK):
        if "core" not in rec:
            continue
        size, want = rec["module"]["size"], rec["module"]["fnv1a64"]
        at = data.find(b"\0asm\x01\0\0\0")
        while at >= 0:
            if fnv1a64(data[at:at + size]) == want:
                found.add(rec["core"])
            at = data.find(b"\0asm\x01\0\0\0", at + 1)
    assert found == {1, 2, 3, 4, 5, 6}


def test_imports_usage():
    r = cmrun.run([CMREF, "imports"], TIMEOUT)
    assert r.rc == 2 and "usage: cmref imports" in r.err
    r = cmrun.run([CMREF, "imports", str(ROOT / "no-such.wast")], TIMEOUT)
    assert r.rc == 1


def test_imports_of_a_malformed_script_fails(tmp_path):
    """A script that does not parse is an error (exit 1, the reason), not
    an empty map."""
    bad = tmp_path / "bad.wast"
    bad.write_bytes(b"(component (core module $m (func (i32.bogus))))")
    r = cmrun.run([CMREF, "imports", str(bad)], TIMEOUT)
    assert r.rc == 1 and "malformed" in r.err, r.err


# ---- reading scripts ---------------------------------------------------------

def test_value_constants():
    def v(text):
        return wast.value(wast.read(text)[0])
    assert v("(s8.const -1)") == {"t": "s8", "v": -1}
    assert v("(s8.const 255)") == {"t": "s8", "v": -1}
    assert v("(u64.const 18446744073709551615)") == \
        {"t": "u64", "v": "18446744073709551615"}
    assert v("(u32.const 0x10)") == {"t": "u32", "v": 16}
    assert v("(f32.const nan)") == {"t": "f32", "v": "nan"}
    assert v("(f64.const -0)") == {"t": "f64", "v": "-0"}
    assert v("(f64.const 0x1p-1)") == {"t": "f64", "v": 0.5}
    assert v('(str.const "a\\u{e9}")') == {"t": "str", "v": "a\u00e9"}
    assert v('(record.const (field "x-y" (bool.const true)))') == \
        {"t": "record", "v": [["x-y", {"t": "bool", "v": True}]]}
    assert v('(variant.const "none")') == \
        {"t": "variant", "case": "none", "v": None}
    assert v('(list.const (u8.const 1) (u8.const 2))')["v"][1] == \
        {"t": "u8", "v": 2}
    assert v('(flags.const "a" "b")') == {"t": "flags", "v": ["a", "b"]}
    # the standard flat field form, as the reference tests write it
    assert v('(record.const (field "x" u8.const 1) (field "l" list.const))') \
        == {"t": "record", "v": [["x", {"t": "u8", "v": 1}],
                                 ["l", {"t": "list", "v": []}]]}
    assert v("(option.none)") == {"t": "option", "case": "none", "v": None}
    assert v("(option.some (u8.const 1))") == \
        {"t": "option", "case": "some", "v": {"t": "u8", "v": 1}}
    assert v("(result.ok)") == {"t": "result", "case": "ok", "v": None}
    assert v("(result.err (u32.const 5))") == \
        {"t": "result", "case": "err", "v": {"t": "u32", "v": 5}}
    assert v("(either (u32.const 1) (result.ok))") == {"t": "either", "v": [
        {"t": "u32", "v": 1}, {"t": "result", "case": "ok", "v": None}]}
    assert v('(enum.const "a-b")') == {"t": "enum", "v": "a-b"}
    assert v(r'(char.const "\u{1f600}")') == {"t": "char", "v": "\U0001f600"}


def test_rule_comes_from_the_script():
    src = SUBTASK.read_text()
    assert wast.header_comment(src).startswith(
        "Async calls between components: the caller's Subtask")
    # line 85 (assert_trap drop-early) has no comment of its own: the
    # nearest one above is the one on the drop-early function
    assert wast.rule_for(src, 85) == \
        "Subtask.drop: trap_if(not self.resolve_delivered())"
    # a command right under a comment gets that comment
    assert wast.rule_for("(module)\n;; a rule\n(assert_return (invoke \"f\"))",
                         3) == "a rule"


def test_jco_plan(tmp_path):
    """The plan the jco adapter hands to node, without node: one step per
    command, values as JSON, each component assembled by cmref."""
    require_binary(CMREF, "make")
    a = get("jco", cmref=CMREF)
    steps, decided = a.plan(str(SUBTASK), str(tmp_path))
    assert decided == []
    kinds = [(s["kind"], s["line"]) for s in steps]
    assert kinds == [("define", 4), ("instantiate", 82),
                     ("assert_return", 83), ("instantiate", 84),
                     ("assert_trap", 85)]
    assert steps[0]["report"] is True
    assert (tmp_path / "c1.wasm").read_bytes()[:4] == b"\0asm"
    assert steps[2]["name"] == "run" and steps[2]["args"] == []
    assert steps[2]["expected"] == [{"t": "u32", "v": 5}]
    assert steps[4]["message"] == \
        "cannot drop a subtask which has not yet resolved"


def test_jco_plan_skips_core_wasm(tmp_path):
    require_binary(CMREF, "make")
    steps, decided = get("jco", cmref=CMREF).plan(
        str(ROOT / "spec-tests" / "core" / "calls.wast"), str(tmp_path))
    assert steps == []
    assert decided and all(o.status == "skip" for o in decided)


def test_jco_absent_is_reported_not_installed(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CMREF_RUNTIMES_CACHE", str(cache))
    a = get("jco", cmref=CMREF)
    ok, why = a.available()
    assert not ok and "not installed" in why
    r = a.run(str(SUBTASK))
    assert r.problem == why and r.commands == []
    assert not cache.exists()


# ---- the cmref and command adapters, the report --------------------------------

def test_cmref_adapter(tmp_path):
    require_binary(CMREF, "make")
    r = get("cmref", cmref=CMREF).run(str(SUBTASK),
                                      trace=str(tmp_path / "t.jsonl"))
    assert r.problem is None
    assert [(c.line, c.status) for c in r.commands] == \
        [(4, "pass"), (82, "pass"), (83, "pass"), (84, "pass"), (85, "pass")]
    assert (tmp_path / "t.jsonl").read_text().startswith('{"trace":"cmref"')


def test_command_adapter():
    require_binary(CMREF, "make")
    a = get("command", command="%s run" % CMREF)
    r = a.run(str(SUBTASK))
    assert (r.passed, r.failed) == (5, 0)
    bad = str(ROOT / "harness" / "fixtures" / "must_fail.wast")
    r = a.run(bad)
    assert r.failed > 0
    assert all(c.line > 0 for c in r.commands if c.status == "fail")
    assert not get("command").available()[0]


def test_report_keeps_other_sections(tmp_path):
    require_binary(CMREF, "make")
    a = get("cmref", cmref=CMREF)
    out = str(tmp_path / "runtimes.md")
    for target in (SUBTASK, STREAMS):
        res = check.run_suite(a, str(target), log=lambda *x: None)
        head, text = check.section(a, str(target), res)
        check.write_report(out, head, text)
    body = open(out).read()
    assert "| cmref (this tree) | spec-tests/async/subtask.wast | 1 of 1 | 5 of 5 |" in body
    assert "| cmref (this tree) | spec-tests/async/streams.wast | 1 of 1 |" in body
    assert body.count("<!-- END -->") == 2
    assert "/work/" not in body and str(ROOT) not in body
    # running a suite again replaces its section
    res = check.run_suite(a, str(SUBTASK), log=lambda *x: None)
    check.write_report(out, *check.section(a, str(SUBTASK), res))
    assert open(out).read().count("<!-- END -->") == 2


def test_divergence_classes():
    """Each divergence gets a class by its outcome (classify.py)."""
    from runtimes import Outcome
    from runtimes.classify import classify

    def k(kind, status, message, expected=None, actual=None, mm=False,
          cause=None, verdict=None):
        return classify("jco", Outcome(1, kind, status, message, expected,
                                       actual, mm, cause), verdict)
    assert k("assert_return", "error", "adapter: cannot read values",
             cause="adapter") == "adapter"
    assert k("assert_return", "error", "not run: no instance") == "not-run"
    assert k("component", "fail", "jco rejects it: Caused by: "
             "`thread.new-indirect` requires the component model threading "
             "feature") == "not-implemented"
    assert k("assert_trap", "fail", 'returned 1 (expected a trap "x")') == \
        "bug-missing-trap"
    assert k("assert_trap", "fail", "trapped with another message",
             "trap: cannot leave component instance",
             "trap: component instance is not marked as may leave", True) == \
        "wording"
    assert k("assert_trap", "fail", "trapped with another message",
             "trap: cannot leave component instance",
             "trap: ret is not defined", True) == "other-trap"
    assert k("assert_return", "fail", "trapped: x is not a function",
             "(u32.const 1)", "trap: x is not a function") == \
        "bug-spurious-trap"
    assert k("assert_return", "fail", "expected (u32.const 1), got 2",
             "(u32.const 1)", "2") == "bug-value"
    # the guest's own check traps: another value reached the guest
    assert k("assert_return", "fail", "trapped: wasm trap: wasm "
             "`unreachable` instruction executed", "(u32.const 1)",
             "trap: wasm trap: wasm `unreachable` instruction executed") == \
        "bug-value"
    # cmref finds a schedule that gives the runtime's whole trace: the
    # script asserts one outcome of an open choice
    assert k("assert_return", "fail", "expected (u32.const 1), got 2",
             "(u32.const 1)", "2",
             verdict=(True, "allowed: reproduced with --choices 1")) == \
        "open-choice"


def test_report_labels():
    assert check.label(str(SUBTASK)) == "spec-tests/async/subtask.wast"


# ---- jco (skipped without it) -----------------------------------------------------

def jco_or_skip():
    a = get("jco", cmref=CMREF)
    ok, why = a.available()
    if not ok:
        pytest.skip("jco is not available: %s" % why)
    return a


def guest_visible(path):
    keep = {"invoke", "invoke.return", "invoke.trap", "lift.call",
            "lift.return", "callback", "lower.call", "lower.return",
            "builtin", "event"}
    evs = []
    with open(path) as f:
        next(f)
        for ln in f:
            e = json.loads(ln)
            if e["ev"] in keep:
                e.pop("seq")
                evs.append(e)
    return evs


VALUE_FORMS = ROOT / "harness" / "fixtures" / "value_forms.wast"


def test_value_forms_fixture_passes_under_cmref():
    require_binary(CMREF, "make")
    r = cmrun.run([CMREF, "run", str(VALUE_FORMS)], TIMEOUT)
    assert r.rc == 0 and "17 passed, 0 failed" in r.out, r.out + r.err


def test_jco_reads_every_value_form(tmp_path):
    """Each standard component value form goes to jco and comes back
    compared: the fixture passes whole, and a wrong expectation is jco
    failing the assertion, never an error of the adapter."""
    a = jco_or_skip()
    r = a.run(str(VALUE_FORMS))
    assert r.problem is None
    bad = [c.as_dict() for c in r.commands if c.status != "pass"]
    assert r.passed == 17 and not bad, bad
    src = VALUE_FORMS.read_text()
    wrong = tmp_path / "wrong.wast"
    wrong.write_text(src.replace("(option.some (option.none))",
                                 "(option.some (option.some (u8.const 0)))")
                     .replace("(u32.const 611)", "(u32.const 612)")
                     .replace("(either (u32.const 1) (u32.const 2))",
                              "(either (u32.const 1) (u32.const 3))"))
    r = a.run(str(wrong))
    assert [(c.line, c.status, c.cause) for c in r.commands
            if c.status != "pass"] == [(84, "fail", None), (94, "fail", None),
                                       (100, "fail", None)]


def test_jco_adapter_errors_are_its_own(tmp_path):
    """A command the adapter cannot hand to jco is an error with cause
    "adapter", told apart from jco failing it."""
    require_binary(CMREF, "make")
    script = tmp_path / "s.wast"
    script.write_text('(component)\n(assert_return (invoke "f") (bogus.const 1))\n'
                      '(assert_return (invoke $I "f"))\n')
    steps, decided = get("jco", cmref=CMREF).plan(str(script), str(tmp_path))
    assert [(o.line, o.status, o.cause, o.adapter_error) for o in decided] == \
        [(2, "error", "adapter", True), (3, "error", "adapter", True)]
    assert all(o.message.startswith("adapter: ") for o in decided)


def test_jco_trace_of_subtask(tmp_path):
    """A jco trace of spec-tests/async/subtask.wast, checked by cmref: the
    events at the core boundary (lift, lower, built-ins, events) are the
    spec's; `cmref run --check-trace` says where they differ, if at all."""
    a = jco_or_skip()
    trace = tmp_path / "subtask.jco.jsonl"
    r = a.run(str(SUBTASK), trace=str(trace))
    assert r.problem is None
    assert len(r.commands) == 5
    by_line = {c.line: c for c in r.commands}
    # Subtask.drop before the subtask resolved traps (the spec's message)
    assert by_line[85].status == "pass"
    theirs = guest_visible(trace)
    # hand-derived from the script: run() lifts (task 1), calls the
    # callee async (task 2, which YIELDs: code 1), gets STARTED with
    # subtask 1 (1 | 1 << 4 = 17), makes waitable set 2 and joins it
    assert theirs[:6] == [
        {"ev": "invoke", "name": "run"},
        {"ev": "lift.call", "task": 1, "args": []},
        {"ev": "lower.call", "inst": 3, "async": True, "args": [0]},
        {"ev": "lift.call", "task": 2, "args": []},
        {"ev": "lift.return", "task": 2, "results": [1]},
        {"ev": "lower.return", "inst": 3, "results": [17], "subtask": 1,
         "state": 1}]
    # the subtask's resolution is delivered: SUBTASK (1), index 1, RETURNED (2)
    assert {"ev": "event", "code": 1, "p1": 1, "p2": 2} in theirs
    p = subprocess.run([CMREF, "run", "--check-trace", str(trace),
                        str(SUBTASK)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    out = p.stdout.decode()
    if p.returncode == 0:
        assert "allowed: reproduced with" in out
    else:
        # a divergence may only show in the script-level result, never in
        # an event at the core boundary
        assert p.returncode == 1, out
        assert '"ev":"invoke.' in out.split("theirs:")[1], out


def test_jco_streams_trace_matches(tmp_path):
    """streams.wast: every copy's event as cmref writes it, derived by the
    driver from the built-ins' results."""
    a = jco_or_skip()
    trace = tmp_path / "streams.jsonl"
    r = a.run(str(STREAMS), trace=str(trace))
    assert r.problem is None and r.commands
    p = subprocess.run([CMREF, "run", "--check-trace", str(trace),
                        str(STREAMS)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    assert p.returncode in (0, 1), p.stdout
    if all(c.status == "pass" for c in r.commands):
        assert p.returncode == 0, p.stdout.decode()


# ---- pytest harness --runtime=NAME --------------------------------------------------

SCRIPTS = [p for p in wast_files() if "spec-tests" in str(p)]


def pytest_generate_tests(metafunc):
    # one test per script with --runtime, else one skipped test
    if "runtime_script" in metafunc.fixturenames:
        if metafunc.config.getoption("--runtime"):
            metafunc.parametrize("runtime_script", SCRIPTS,
                                 ids=[rel(s) for s in SCRIPTS])
        else:
            metafunc.parametrize("runtime_script", [None], ids=["no-runtime"])


@pytest.fixture(scope="module")
def runtime_report(runtime_name):
    """Collects the --runtime results; at the end writes them as a report
    (build/runtimes/pytest-NAME.md, the format of docs/runtimes.md)."""
    results = []
    yield results
    if runtime_name and results:
        out = ROOT / "build" / "runtimes" / ("pytest-%s.md" % runtime_name)
        by_suite = {}
        for adapter, script, r in results:
            by_suite.setdefault(str(script.parent), (adapter, []))[1].append(
                (str(script), r, None))
        for suite, (adapter, res) in sorted(by_suite.items()):
            check.write_report(str(out), *check.section(adapter, suite, res))


def test_runtime_script(runtime_script, runtime_name, runtime_command,
                        runtime_report):
    if not runtime_name:
        pytest.skip("no --runtime given (pytest harness --runtime=jco)")
    script = runtime_script
    kw = {"command": runtime_command} if runtime_name == "command" else \
        {"cmref": CMREF}
    a = get(runtime_name, **kw)
    ok, why = a.available()
    if not ok:
        pytest.skip("%s is not available: %s" % (runtime_name, why))
    r = a.run(str(script))
    runtime_report.append((a, script, r))
    assert r.problem is None, r.problem
    src = script.read_text()
    bad = ["%d: %s: %s (rule: %s)" % (c.line, c.kind, c.message,
                                      wast.short(wast.rule_for(src, c.line), 100))
           for c in r.commands if c.status in ("fail", "error")]
    assert not bad, "\n".join(bad)
