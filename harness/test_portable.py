"""test_portable.py -- every script of spec-tests/ uses only the standard
.wast forms (harness/portable.py), so other runtimes can run it unchanged
(issue 10, item 4).  The grammar itself is checked against the Component
Model's reference tests when a checkout is at hand (CM_TESTS, default
/work/cm/test): each form they use must be admitted, and each component
value form admitted must be one they use (or `either`)."""

import os
from pathlib import Path

import pytest

from conftest import ROOT, rel
import portable
from runtimes import wast

CM_TESTS = Path(os.environ.get("CM_TESTS", "/work/cm/test"))
SPEC_TESTS = sorted((ROOT / "spec-tests").rglob("*.wast"))


def problems(src):
    return [(p.line, p.form) for p in portable.check_script(src)]


@pytest.mark.parametrize("path", SPEC_TESTS, ids=lambda p: rel(p))
def test_spec_test_uses_standard_forms(path):
    found = portable.check_script(path.read_text(encoding="utf-8"))
    assert not found, "\n".join("%s:%s" % (rel(path), p) for p in found)


def _reference_scripts():
    if not CM_TESTS.is_dir():
        pytest.skip("no component-model reference tests at %s (set CM_TESTS)"
                    % CM_TESTS)
    files = sorted(CM_TESTS.rglob("*.wast"))
    assert files
    return files


def test_reference_tests_are_standard():
    """The grammar admits everything the reference tests write."""
    bad = []
    for path in _reference_scripts():
        bad += ["%s:%s" % (path, p) for p in
                portable.check_script(path.read_text(encoding="utf-8"))]
    assert not bad, "\n".join(bad[:20])


def _value_heads(node, out):
    if isinstance(node, wast.List):
        h = node.head()
        if h in portable.COMPONENT_VALUE_HEADS:
            out.add(h)
        if h == "field" and len(node.items) > 2 and \
                isinstance(node.items[2], wast.Atom):
            out.add(node.items[2].text)
        for x in node.items:
            _value_heads(x, out)


def test_component_value_forms_are_the_reference_tests():
    """No component value form is admitted that the reference tests never
    use, except `either`."""
    used = set()
    for path in _reference_scripts():
        for node in wast.read(path.read_text(encoding="utf-8")):
            h = node.head() if isinstance(node, wast.List) else None
            if h in ("assert_return", "invoke"):
                _value_heads(node, used)
    used &= portable.COMPONENT_VALUE_HEADS
    assert portable.COMPONENT_VALUE_HEADS - used == {"either"}


COMPONENT = '(component definition $C)\n(component instance $I $C)\n'


@pytest.mark.parametrize("text", [
    '(assert_return (invoke "f" (u8.const 255) (s8.const -128) (s8.const 0xff)))',
    '(assert_return (invoke "f") (record.const (field "a" u8.const 1) '
    '(field "b" list.const (u32.const 2))))',
    '(assert_return (invoke "f") (variant.const "a" (u32.const 1)) '
    '(variant.const "b") (enum.const "c") (flags.const) (flags.const "x" "y"))',
    '(assert_return (invoke "f") (option.none) (option.some (str.const "s")) '
    '(result.ok) (result.err (char.const "\u00e9")) (tuple.const))',
    '(assert_return (invoke "f") (either (u32.const 1) (tuple.const (u8.const 2))))',
    '(assert_return (invoke "f") (f32.const nan) (f64.const -0x1p-3) (f64.const inf))',
    '(assert_trap (invoke "f") "unreachable")',
    '(invoke "f" (list.const (bool.const true)))',
])
def test_standard_component_forms_pass(text):
    assert problems(COMPONENT + text) == []


@pytest.mark.parametrize("text, form", [
    # a record field's value in parentheses: cmref reads it, Wasmtime does not
    ('(assert_return (invoke "f") (record.const (field "a" (u8.const 1))))',
     "record.const"),
    ('(assert_return (invoke "f") (string.const "s"))', "string.const"),
    ('(assert_return (invoke "f") (u8.const 256))', "u8.const"),
    ('(assert_return (invoke "f") (u32.const -1))', "u32.const"),
    ('(assert_return (invoke "f") (char.const "ab"))', "char.const"),
    ('(assert_return (invoke "f") (f32.const nan:canonical))', "f32.const"),
    ('(assert_return (invoke "f") (option.some))', "option.some"),
    ('(assert_return (invoke "f") (i32.const 1))', "i32.const"),
    # either is a result form, not an argument
    ('(invoke "f" (either (u32.const 1)))', "either"),
    ('(assert_return (invoke "f") (either))', "either"),
    ('(assert_exhaustion (invoke "f") "stack")', "assert_exhaustion"),
    ('(get "g")', "get"),
    ('(assert_return_canonical_nan (invoke "f"))', "assert_return_canonical_nan"),
    ('(register "r" $I $J)', "register"),
])
def test_nonstandard_component_forms_are_named(text, form):
    assert [f for _, f in problems(COMPONENT + text)] == [form]


def test_core_scripts_use_core_constants():
    src = ('(module $M (func (export "f") (param i32) (result f32) '
           'f32.const 0))\n'
           '(assert_return (invoke "f" (i32.const -1)) (f32.const nan:canonical))\n'
           '(assert_return (invoke $M "f" (i32.const 0)) '
           '(either (f32.const 0) (f32.const nan:arithmetic)))\n'
           '(assert_return (get $M "g") (ref.extern) (ref.null))\n'
           '(register "m" $M)\n')
    assert problems(src) == []
    assert problems('(module)\n(invoke "f" (u32.const 1))') == [(2, "u32.const")]
    assert problems('(module)\n(invoke "f" (f32.const nan:canonical))') == \
        [(2, "f32.const")]
