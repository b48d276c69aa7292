"""test_hostile.py -- what the command line does with hostile or mistaken
input (issue 8): options given to a command that does not take them,
files of the wrong kind, empty files, errors inside nested modules, many
items, deep nesting, out-of-range arguments, runaway code under --timeout.

Every input is generated here at test time (nothing large is committed).
Each case asserts the exit status and the message; the subprocess timeout
only guards against a hang (it is not a performance test: the big inputs,
with their figures, are in harness/stress_cli.py, `make stress`).
Each test runs with the normal and the sanitizer build.
"""

import json
import re

import pytest

from conftest import HARNESS, cm
import stress_cli

DEMO_WAT = str(HARNESS / "demo" / "demo.wat")
DEMO_WAST = str(HARNESS / "demo" / "demo.wast")
ASYNC_WAST = str(HARNESS / "demo" / "async.wast")
COMPONENT_WAT = str(HARNESS / "demo" / "component.wat")
OPEN_CHOICE = str(HARNESS / "fixtures" / "open_choice.wast")


# ---- one option parser ------------------------------------------------------

COMMANDS = ["run", "validate", "invoke", "assemble", "roundtrip"]

# Which commands take which option, decided from what each command does
# (docs/cli.md): the code-running limits and scheduling go with the commands
# that run code (run, invoke); the script-only modes with run; -o with
# assemble; --features with the commands that validate core modules.
RUNS_CODE = {"run", "invoke"}
OPTIONS = {
    # option (as given): (value or None, commands that take it)
    "--quiet": (None, {"run", "roundtrip"}),
    "-q": (None, {"run", "roundtrip"}),
    "--verbose": (None, {"run", "roundtrip", "invoke"}),
    "-v": (None, {"run", "roundtrip", "invoke"}),
    "--json": (None, {"run", "roundtrip"}),
    "--json=out.json": (None, {"run"}),
    "--output": ("out.wasm", {"assemble"}),
    "-o": ("out.wasm", {"assemble"}),
    "--features": ("all", {"run", "validate", "invoke"}),
    "--fuel": ("1000", RUNS_CODE),
    "--max-call-depth": ("100", RUNS_CODE),
    "--max-memory-pages": ("10", RUNS_CODE),
    "--max-threads": ("10", RUNS_CODE),
    "--timeout": ("10", RUNS_CODE),
    "--sched": ("random", RUNS_CODE),
    "--seed": ("3", RUNS_CODE),
    "--choices": ("0,1", {"run"}),
    "--replay": ("trace.jsonl", {"run"}),
    "--explore": ("3", {"run"}),
    "--check-trace": ("trace.jsonl", {"run"}),
    "--trace": ("trace.jsonl", {"run"}),
}
PAIRS = [(c, o) for c in COMMANDS for o in OPTIONS if c not in OPTIONS[o][1]]


@pytest.mark.parametrize("command,option", PAIRS,
                         ids=["%s %s" % p for p in PAIRS])
def test_option_of_another_command_exits_2(exe, tmp_path, command, option):
    """An option given to a command that does not take it is a usage error
    (exit 2) naming the commands that do, and nothing is done: no trace,
    JSON or output file appears."""
    value, takers = OPTIONS[option]
    args = [command, option] + ([value] if value else []) + [DEMO_WAT]
    if command == "invoke":
        args += ["fib", "3"]
    r = cm(exe, *args, timeout=60)
    assert r.rc == 2, (args, r.out, r.err)
    assert "is not an option of %s" % command in r.err, r.err
    said = r.err.split("it is taken by:")[-1]
    for c in takers:
        assert c in said, r.err
    assert list(tmp_path.iterdir()) == []


def test_each_command_takes_its_options(exe, tmp_path):
    """The other side of the table: an option a command does take is not
    rejected (a few values per command, on files where they do something)."""
    t = tmp_path / "t.jsonl"
    r = cm(exe, "run", "-q", "--fuel", "100000000", "--timeout", "60",
           "--max-threads", "50", "--sched", "random", "--seed", "2",
           "--trace", str(t), ASYNC_WAST)
    assert r.rc == 0, r.err
    assert t.read_text().startswith('{"trace":"cmref"')
    r = cm(exe, "invoke", "-v", "--fuel", "100000", "--timeout", "60",
           "--features", "wasm-2.0", DEMO_WAT, "fib", "10")
    assert r.rc == 0 and r.out.split() == ["55"], r.err
    r = cm(exe, "validate", "--features", "wasm-2.0", DEMO_WAT)
    assert r.rc == 0, r.err
    r = cm(exe, "roundtrip", "-q", "--json", DEMO_WAST)
    assert r.rc == 0 and json.loads(r.out)["totals"]["failed"] == 0


def test_unknown_option_and_bad_values(exe):
    r = cm(exe, "run", "--no-such-option", DEMO_WAST)
    assert r.rc == 2 and "unknown option --no-such-option" in r.err
    for opt, val in [("--fuel", "0"), ("--fuel", "-3"), ("--explore", "x"),
                     ("--max-call-depth", "99999999999"),
                     ("--timeout", "0"), ("--timeout", "abc"),
                     ("--timeout", "-1"), ("--sched", "fair")]:
        r = cm(exe, "run", opt, val, DEMO_WAST)
        assert r.rc == 2, (opt, val, r.err)
        assert opt in r.err, r.err
    r = cm(exe, "run", "--fuel")
    assert r.rc == 2 and "--fuel needs a value" in r.err


# ---- --version ---------------------------------------------------------------

def test_version_and_trace_header(exe, tmp_path):
    r = cm(exe, "--version")
    assert r.rc == 0
    m = re.match(r"^cmref (\d+\.\d+\.\d+) ", r.out)
    assert m, r.out
    assert cm(exe, "version").out == r.out
    assert cm(exe, "version", "x").rc == 2
    t = tmp_path / "t.jsonl"
    assert cm(exe, "run", "-q", "--trace", str(t), ASYNC_WAST).rc == 0
    head = json.loads(t.read_text().splitlines()[0])
    assert head["cmref"] == m.group(1)


# ---- --json in every mode of run; --trace - ---------------------------------

def test_json_covers_explore_and_check_trace(exe, tmp_path):
    j = tmp_path / "e.json"
    r = cm(exe, "run", "--json=%s" % j, "--explore", "3", OPEN_CHOICE)
    assert r.rc == 1  # one schedule fails the assertion
    assert "2 outcomes" in r.out  # the text stays on stdout
    rep = json.loads(j.read_text())
    assert rep["mode"] == "explore" and rep["complete"] is True
    assert rep["schedules"] == 2 and rep["varying"] == 1
    line28 = [c for c in rep["commands"] if c["line"] == 28][0]
    assert sorted(o["status"] for o in line28["outcomes"]) == ["fail", "pass"]
    r = cm(exe, "run", "--json", "--explore", "3", OPEN_CHOICE)
    assert json.loads(r.out)["schedules"] == 2  # JSON only on stdout
    # check-trace: cmref's own trace matches itself
    t = tmp_path / "t.jsonl"
    assert cm(exe, "run", "-q", "--trace", str(t), ASYNC_WAST).rc == 0
    r = cm(exe, "run", "--json", "--check-trace", str(t), ASYNC_WAST)
    assert r.rc == 0, r.err
    rep = json.loads(r.out)
    assert rep["mode"] == "check-trace" and rep["status"] == "allowed"


def test_trace_to_stdout_is_the_trace_alone(exe):
    for extra in ([], ["--json"], ["-v"]):
        r = cm(exe, "run", *extra, "--trace", "-", ASYNC_WAST)
        assert r.rc == 0, r.err
        lines = r.out.splitlines()
        assert lines and all(json.loads(l) for l in lines)
        assert json.loads(lines[0])["trace"] == "cmref"
        # (the sanitizer build may warn on stderr, on lines starting "==")
        err = "\n".join(l for l in r.err.splitlines() if not
                        l.startswith("=="))
        if extra == ["--json"]:
            assert json.loads(err)["totals"]["failed"] == 0
        else:
            assert "3 passed, 0 failed, 0 skipped" in err


# ---- --timeout -------------------------------------------------------------------

LOOP_WAST = """\
(module (func (export "loop") (loop (br 0))))
(assert_exhaustion (invoke "loop") "timeout")
(assert_exhaustion (invoke "loop") "timeout")
"""

LOOP_COMPONENT = """\
(component
  (core module $m (func (export "f") (loop (br 0))))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
(assert_exhaustion (invoke "f") "timeout")
"""


def test_timeout_stops_runaway_code(exe, tmp_path):
    """--timeout bounds the wall-clock time a script's code runs; the
    message names the option.  (The subprocess timeout is only a guard.)"""
    f = tmp_path / "loop.wast"
    f.write_text(LOOP_WAST)
    r = cm(exe, "run", "--timeout", "0.5", str(f), timeout=60)
    assert r.rc == 0, r.out + r.err
    # the module and both assertions
    assert r.out.strip().endswith("3 passed, 0 failed, 0 skipped")
    f.write_text(LOOP_WAST.replace('"timeout"', '"out of fuel"'))
    r = cm(exe, "run", "--timeout", "0.5", str(f), timeout=60)
    assert r.rc == 1
    assert "ran longer than 0.500 s (--timeout)" in r.out
    c = tmp_path / "loopc.wast"
    c.write_text(LOOP_COMPONENT)
    r = cm(exe, "run", "--timeout", "0.5", str(c), timeout=60)
    assert r.rc == 0, r.out + r.err
    w = tmp_path / "loop.wat"
    w.write_text('(module (func (export "loop") (loop (br 0))))')
    r = cm(exe, "invoke", "--timeout", "0.3", str(w), "loop", timeout=60)
    assert r.rc == 1
    assert "exhaustion: timeout: ran longer than 0.300 s (--timeout)" in r.err


GROW_LOOP_WAST = """(module
  (table $t 0 funcref)
  (memory $m 0)
  (func (export "grow") (param $n i32) (result i32)
    (local $i i32)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (drop (table.grow $t (ref.null func) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (table.size $t))
  (func (export "grow-memory") (param $n i32) (result i32)
    (local $i i32)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (drop (memory.grow (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (memory.size)))
(assert_return (invoke "grow" (i32.const 200000)) (i32.const 200000))
(assert_return (invoke "grow-memory" (i32.const 1024)) (i32.const 1024))
"""


def test_grow_loops(exe, tmp_path):
    """A guest that grows a table by one element 200,000 times (and a
    memory by one page 1,024 times) ends with the sizes it asked for.
    (Each table.grow reallocated the table to its exact size: every
    element copied again each time, which the sanitizer build's realloc
    always does: minutes.  The subprocess timeout is only a guard.)"""
    f = tmp_path / "grow.wast"
    f.write_text(GROW_LOOP_WAST)
    r = cm(exe, "run", str(f), timeout=60)
    assert r.rc == 0, r.out + r.err
    assert r.out.strip().endswith("3 passed, 0 failed, 0 skipped"), r.out


# ---- files of the wrong kind, empty files -----------------------------------

def test_wrong_kind_of_file(exe, tmp_path):
    comp = tmp_path / "c.wasm"
    assert cm(exe, "assemble", COMPONENT_WAT, "-o", str(comp)).rc == 0
    mod = tmp_path / "m.wasm"
    assert cm(exe, "assemble", DEMO_WAT, "-o", str(mod)).rc == 0
    r = cm(exe, "run", str(comp), str(mod))
    assert r.rc == 1
    assert "%s: this is a binary component; run takes .wast scripts" % comp \
        in r.out
    assert "%s: this is a binary module; run takes .wast scripts" % mod \
        in r.out
    for command, extra in [("validate", []), ("invoke", ["f"]),
                           ("assemble", ["-o", str(tmp_path / "x.wasm")])]:
        r = cm(exe, command, DEMO_WAST, *extra)
        assert r.rc == 1, (command, r.err)
        assert "%s: this is a .wast script; %s takes one module or " \
            "component" % (DEMO_WAST, command) in r.err
    assert not (tmp_path / "x.wasm").exists()
    r = cm(exe, "assemble", str(comp), "-o", str(tmp_path / "x.wasm"))
    assert r.rc == 1 and "already a binary component" in r.err


def test_empty_files(exe, tmp_path):
    """The text format reads no module fields as the empty module (valid);
    a script with no commands is not a pass."""
    e = tmp_path / "empty.wat"
    e.write_text(";; nothing\n")
    r = cm(exe, "validate", str(e))
    assert r.rc == 0 and "empty module" in r.out
    r = cm(exe, "invoke", str(e), "f")
    assert r.rc == 1 and "empty" in r.err
    w = tmp_path / "empty.wasm"  # named as a binary: the magic is required
    w.write_bytes(b"")
    r = cm(exe, "validate", str(w))
    assert r.rc == 1
    assert r.err.startswith("%s: at byte offset 0: malformed: " % w), r.err
    s = tmp_path / "empty.wast"
    s.write_text("")
    r = cm(exe, "run", str(s))
    assert r.rc == 1
    assert "%s: no commands" % s in r.out
    assert r.out.strip().endswith("0 passed, 1 failed, 0 skipped")


# ---- one error form -------------------------------------------------------------

def test_errors_inside_components_have_position_and_kind(exe, tmp_path):
    """A core module nested in a component: the error carries the kind and
    the position in the file (line:col in text; in a binary, the offset
    from the start of the file, not of the nested module)."""
    wat = tmp_path / "c.wat"
    wat.write_text("(component\n  (core module\n    (func (result i32)\n"
                   "      (i32.add (i32.const 0) (i64.const 0)))))\n")
    r = cm(exe, "validate", str(wat))
    assert r.rc == 1
    assert r.err.startswith("%s:4:7: invalid: type mismatch" % wat), r.err
    wasm = tmp_path / "c.wasm"
    assert cm(exe, "assemble", str(wat), "-o", str(wasm)).rc == 0
    # component preamble 8, section id and size 2: the core module starts
    # at 10; i32.add is at 28 within it (see test_cli's core example)
    r = cm(exe, "validate", str(wasm))
    assert r.rc == 1
    assert r.err.startswith("%s: at byte offset 38: invalid: type mismatch"
                            % wasm), r.err
    dup = tmp_path / "d.wat"
    dup.write_text('(component\n  (core module (func $f)\n'
                   '    (export "a" (func $f)) (export "a" (func $f))))\n')
    r = cm(exe, "validate", str(dup))
    assert r.rc == 1
    assert r.err.startswith("%s:2:3: invalid: duplicate export name" % dup)
    trunc = tmp_path / "t.wasm"
    trunc.write_bytes(wasm.read_bytes()[:20])
    r = cm(exe, "validate", str(trunc))
    assert r.rc == 1
    assert re.match(r"^%s: at byte offset \d+: malformed: " % re.escape(
        str(trunc)), r.err), r.err


def test_unreadable_file_form(exe, tmp_path):
    missing = tmp_path / "missing.wat"
    for command in ("validate", "invoke"):
        args = [command, str(missing)] + (["f"] if command == "invoke" else [])
        r = cm(exe, *args)
        assert r.rc == 1
        assert r.err.startswith("%s: error: cannot open" % missing), r.err
        assert not r.err.startswith("cmref:")


def test_invoke_arguments_one_form_and_range(exe):
    for args, why in [(["-1", "3"], "negative"),
                      (["4294967296", "1"], ""),
                      (["x", "1"], ""),
                      (["(u8.const 1)", "1"], "does not fit its type")]:
        r = cm(exe, "invoke", COMPONENT_WAT, "add", *args)
        assert r.rc == 2, (args, r.out)
        assert r.err.startswith('cmref invoke: argument 1: "%s" is not a '
                                'valid u32' % args[0]), r.err
        assert why in r.err
    r = cm(exe, "invoke", DEMO_WAT, "fib", "x")
    assert r.rc == 2
    assert r.err.startswith('cmref invoke: argument 1: "x" is not a valid '
                            'i32'), r.err


# ---- many items, deep nesting (small enough for every test run) ----------------

N = 20000

# kind: (text around the items, one item from its number): the kinds of
# stress_cli.py (`make stress`), at a size every test run can afford
MANY = {kind: stress_cli.KINDS[kind][:2] for kind in [
    "named components", "component exports", "component imports",
    "instance type exports", "core instance exports",
    "instantiation arguments", "record fields", "core named functions"]}
MANY["core module exports"] = stress_cli.KINDS["core exports"][:2]


def many(kind, n, dup=False):
    """A text with n items of one kind, each needing a name lookup; with
    dup, the first item once more at the end."""
    outer, item = MANY[kind]
    items = [item % i for i in range(n)] + ([item % 0] if dup else [])
    return outer % " ".join(items)


@pytest.mark.parametrize("kind", sorted(MANY))
def test_many_items_validate(exe, tmp_path, kind):
    """N items that each need a name lookup validate (and, as binaries,
    decode and validate); a duplicate of the first, at the end, is found."""
    n = N
    f = tmp_path / "many.wat"
    f.write_text(many(kind, n))
    r = cm(exe, "validate", str(f))
    assert r.rc == 0, r.err[-500:]
    b = tmp_path / "many.wasm"
    assert cm(exe, "assemble", str(f), "-o", str(b)).rc == 0
    assert cm(exe, "validate", str(b)).rc == 0
    f.write_text(many(kind, n, dup=True))
    r = cm(exe, "validate", str(f))
    assert r.rc == 1, kind
    assert re.search(r"duplicate|conflicts|already defined", r.err), r.err


DEEP = 100000
NESTED = {
    "s-expressions": lambda: "(module %s)" % ("(" * DEEP + ")" * DEEP),
    "blocks": lambda: "(module (func %s))" % ("(block " * DEEP + ")" * DEEP),
    "components": lambda: "(component %s)" % ("(component " * DEEP
                                              + ")" * DEEP),
    "types": lambda: "(component (type %s))" % ("(list " * DEEP + "u8"
                                                 + ")" * DEEP),
}


@pytest.mark.parametrize("what", sorted(NESTED))
def test_deep_nesting_is_an_error(exe, tmp_path, what):
    """100,000-deep nesting: a malformed error at the point where the
    nesting limit is passed, not a stack overflow."""
    f = tmp_path / "deep.wat"
    f.write_text(NESTED[what]())
    r = cm(exe, "validate", str(f))
    assert r.rc == 1
    assert re.match(r"^%s:1:\d+: malformed: nesting too deep" %
                    re.escape(str(f)), r.err), r.err
