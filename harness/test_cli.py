"""test_cli.py -- the command-line contract of cmref, checked on small
scripts whose right answers were worked out by hand (and agree with wabt's
spectest-interp):

  cmref run [--json] [-v] FILE.wast...   last line "N passed, M failed,
                                         K skipped"; exit 0 iff none failed
  cmref invoke FILE NAME ARGS...         the results, one per line
  cmref validate FILE                    exit 0 iff the module is valid
Each test runs with the normal and the sanitizer build.
"""

import re

import pytest

import cmrun
from conftest import HARNESS, cm

DEMO_WAT = str(HARNESS / "demo" / "demo.wat")
DEMO_WAST = str(HARNESS / "demo" / "demo.wast")
MUST_FAIL = str(HARNESS / "fixtures" / "must_fail.wast")
UNSUPPORTED = str(HARNESS / "fixtures" / "unsupported.wast")
TALLY = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$")


def lines(text):
    return [l.strip() for l in text.strip().splitlines() if l.strip()]


def last_value(line):
    """'55', 'i32:55' or 'i32.const 55' -> '55'."""
    return re.split(r"[\s:]", line.strip())[-1]


def test_help(exe):
    r = cm(exe, "--help")
    assert r.rc == 0
    text = r.out + r.err
    for word in ("run", "invoke", "validate"):
        assert word in text


def test_help_every_command(exe):
    """`cmref help X` prints X's usage for every command the main usage
    lists, including those with a main of their own (trace, imports) and
    help and version themselves; an unknown one is a usage error."""
    listed = re.findall(r"^  ([a-z]+)\b", cm(exe, "help").out, re.M)
    assert {"run", "trace", "imports", "help", "version"} <= set(listed)
    for c in listed:
        r = cm(exe, "help", c)
        assert r.rc == 0, (c, r.err)
        assert r.out.startswith("usage: cmref " + c), (c, r.out[:80])
    r = cm(exe, "help", "no-such-command")
    assert r.rc == 2 and "unknown command" in r.err
    assert cm(exe, "help", "run", "extra").rc == 2


def test_invoke_results(exe):
    r = cm(exe, "invoke", DEMO_WAT, "fib", "20")
    assert r.rc == 0, r.err
    assert [last_value(l) for l in lines(r.out)] == ["6765"]
    r = cm(exe, "invoke", DEMO_WAT, "fac", "20")
    assert r.rc == 0, r.err
    assert [last_value(l) for l in lines(r.out)] == ["2432902008176640000"]


def test_invoke_multi_value(exe):
    r = cm(exe, "invoke", DEMO_WAT, "divmod", "17", "5")
    assert r.rc == 0, r.err
    assert [last_value(l) for l in lines(r.out)] == ["3", "2"]


def test_invoke_trap_is_reported(exe):
    r = cm(exe, "invoke", DEMO_WAT, "div", "7", "0")
    assert r.rc != 0
    assert "integer divide by zero" in r.out + r.err


def test_run_demo_passes(exe):
    r = cm(exe, "run", DEMO_WAST)
    assert r.rc == 0, r.out + r.err
    m = TALLY.match(lines(r.out)[-1])
    assert m, r.out
    assert m.group(2) == "0" and m.group(3) == "0"
    # 8 assert_return + 3 assert_trap + assert_invalid + assert_malformed,
    # plus the module itself if the runner counts it.
    assert int(m.group(1)) in (13, 14)


def test_run_reports_failures(exe):
    r = cm(exe, "run", MUST_FAIL)
    assert r.rc == 1, r.out + r.err
    m = TALLY.match(lines(r.out)[-1])
    assert m, r.out
    assert int(m.group(1)) >= 1 and m.group(2) == "4" and m.group(3) == "0"
    files, totals = cmrun.parse_json(cm(exe, "run", "--json", MUST_FAIL).out)
    assert totals["failed"] == 4
    assert sorted(c["line"] for c in files[0].by_status("fail")) == \
        [9, 10, 11, 12]


def test_run_skips_unsupported_honestly(exe):
    r = cm(exe, "run", "--json", UNSUPPORTED)
    assert r.rc == 0, r.out + r.err
    files, totals = cmrun.parse_json(r.out)
    assert totals["passed"] == 0 and totals["failed"] == 0
    assert totals["skipped"] >= 1
    for c in files[0].by_status("skip"):
        assert c["message"].startswith("unsupported feature: simd"), c


MESSAGE_RULES = """\
(assert_invalid (component (import "Foo" (func))) "not in kebab case")
(assert_invalid (component (export "f" (func 0))) "index out of bounds")
(assert_invalid (module (func (result i32) (i64.const 0))) "mismatch")
(component
  (core module $m (func (export "f") unreachable))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
(assert_trap (invoke "f") "no such words")
(component
  (core module $m (func (export "f") unreachable))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
(assert_trap (invoke "f") "`unreachable` instruction")
"""


def test_run_message_matching(exe, tmp_path):
    # Components: the expected text may be anywhere in the message
    # (Wasmtime's wast rule); core modules: it must be a prefix (the spec
    # interpreter's), so "mismatch" against "type mismatch: ..." is a
    # counted message mismatch; a trap with other words fails.
    f = tmp_path / "rules.wast"
    f.write_text(MESSAGE_RULES)
    files, totals = cmrun.parse_json(cm(exe, "run", "--json", str(f)).out)
    by_line = {c["line"]: c for c in files[0].commands}
    for line in (1, 2, 13):
        assert by_line[line]["status"] == "pass", by_line[line]
        assert not by_line[line].get("message_mismatch"), by_line[line]
    assert by_line[3]["status"] == "pass"
    assert by_line[3].get("message_mismatch") is True
    assert by_line[8]["status"] == "fail"
    assert totals["failed"] == 1 and totals["message_mismatches"] == 1


def test_run_missing_file(exe, tmp_path):
    r = cm(exe, "run", str(tmp_path / "no-such-file.wast"))
    assert r.rc != 0
    assert "no-such-file.wast" in r.out + r.err


def test_validate(exe, tmp_path):
    assert cm(exe, "validate", DEMO_WAT).rc == 0
    bad = tmp_path / "bad.wat"
    bad.write_text("(module (func (result i32) (i64.const 0)))\n")
    r = cm(exe, "validate", str(bad))
    assert r.rc != 0
    assert "type mismatch" in r.out + r.err


MANY_THREADS = str(HARNESS / "fixtures" / "many_threads.wast")


def test_thread_limit(exe, tmp_path):
    """A guest making threads without end meets --max-threads (default
    10000) as a trap naming the limit, and the store's teardown frees the
    suspended threads (the ASan build checks for leaks)."""
    t = tmp_path / "t.jsonl"
    r = cm(exe, "run", "--max-threads", "7", "--trace", str(t), MANY_THREADS)
    assert r.rc == 0, r.out + r.err
    trace = t.read_text()
    assert "thread limit reached (7 threads; see --max-threads)" in trace
    assert trace.count('"ev":"thread.new"') == 7
    assert cm(exe, "run", "-q", MANY_THREADS).rc == 0


def test_trace_and_sched_options(exe, tmp_path):
    t = tmp_path / "t.jsonl"
    r = cm(exe, "run", "--sched", "random", "--seed", "9", "--trace", str(t),
           str(HARNESS / "demo" / "async.wast"))
    assert r.rc == 0
    head = t.read_text().splitlines()[0]
    assert '"sched":"random","seed":9' in head
    assert cm(exe, "run", "--sched", "fair", DEMO_WAST).rc == 2


COMPONENT_WAT = str(HARNESS / "demo" / "component.wat")


def test_component_validate_and_invoke(exe, tmp_path):
    assert cm(exe, "validate", COMPONENT_WAT).out.strip().endswith(
        "valid component")
    assert lines(cm(exe, "invoke", COMPONENT_WAT, "add", "2", "40").out) == \
        ["(u32.const 42)"]
    # 'hello, world' through the string ABI: realloc, memory, utf8
    assert lines(cm(exe, "invoke", COMPONENT_WAT, "upper", "hello, world")
                 .out) == ['(str.const "HELLO, WORLD")']
    # the constant syntax, and the binary form
    wasm = tmp_path / "c.wasm"
    assert cm(exe, "assemble", COMPONENT_WAT, "-o", str(wasm)).rc == 0
    assert lines(cm(exe, "invoke", str(wasm), "add", "(u32.const 1)",
                    "(u32.const 2)").out) == ["(u32.const 3)"]


def test_component_invoke_errors(exe, tmp_path):
    r = cm(exe, "invoke", COMPONENT_WAT, "add", "1")
    assert r.rc == 2 and "takes 2 arguments" in r.err
    r = cm(exe, "invoke", COMPONENT_WAT, "add", "x", "1")
    assert r.rc == 2 and "argument 1" in r.err
    r = cm(exe, "invoke", COMPONENT_WAT, "add", "(u8.const 1)", "1")
    assert r.rc == 2 and "does not fit" in r.err
    r = cm(exe, "invoke", COMPONENT_WAT, "nope")
    assert r.rc == 1 and 'no export named "nope"' in r.err
    bad = tmp_path / "bad.wat"
    bad.write_text('(component (func (export "f") (canon lift (core func 9))))')
    r = cm(exe, "validate", str(bad))
    assert r.rc == 1 and "bad.wat" in r.err


def test_validation_errors_have_positions(exe, tmp_path):
    """A validation error points at the instruction: line:col in text, the
    byte offset of its opcode in a binary."""
    wat = tmp_path / "bad.wat"
    wat.write_text("(module\n  (func (result i32)\n"
                   "    (i32.add (i32.const 1) (f32.const 2))))\n")
    r = cm(exe, "validate", str(wat))
    assert r.rc == 1
    assert "bad.wat:3:5: invalid: type mismatch" in r.err, r.err
    # the same module in binary: header 8, type section 7, function
    # section 4, code section header 2, body size 1, locals 1, then
    # i32.const 1 (2 bytes) and f32.const 2.0 (5 bytes): i32.add at 31
    wasm = tmp_path / "bad.wasm"
    wasm.write_bytes(bytes.fromhex(
        "0061736d01000000" "010501600001" "7f" "03020100"
        "0a0c010a004101430000004" "06a0b"))
    r = cm(exe, "validate", str(wasm))
    assert r.rc == 1
    assert "at byte offset 31: invalid: type mismatch" in r.err, r.err


def test_memory_grow_is_lazy(exe, tmp_path):
    """Growing a memory to nearly the 4 GiB limit does not touch the new
    pages (they read as zero on first use), so it takes no time and no
    resident memory (the timeout would catch the old eager zero-fill, 18 s
    and 4 GB here); a store near the top reads back, a fresh page reads 0."""
    wat = tmp_path / "grow.wat"
    wat.write_text('(module (memory 1)'
                   ' (func (export "g") (result i32)'
                   '   (memory.grow (i32.const 65000)))'
                   ' (func (export "s") (result i32)'
                   '   (drop (memory.grow (i32.const 65000)))'
                   '   (i32.store (i32.const 0xfde80000) (i32.const 5))'
                   '   (i32.add (i32.load (i32.const 0xfde80000))'
                   '            (i32.load (i32.const 0x10000)))))')
    r = cm(exe, "invoke", str(wat), "g", timeout=20)
    assert lines(r.out) == ["1"]
    r = cm(exe, "invoke", str(wat), "s", timeout=20)
    assert lines(r.out) == ["5"]
