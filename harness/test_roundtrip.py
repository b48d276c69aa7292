"""test_roundtrip.py -- every module and component of every script under
spec-tests/ (and of the demo) decodes, from its own binary encoding, to the
same thing its text describes: `cmref roundtrip --json FILE` (one test case
per file, with the normal and the sanitizer build).

A case passes when cmref exits 0, reports no failure and checked at least
one form.  A skip is accepted only for a deliberately unsupported feature
(cmrun.UNSUPPORTED_FEATURES) or for an assert_invalid module that has no
binary form to check (the two reasons `cmref roundtrip` gives for those;
see docs/cli.md); any other skip fails the case.
"""

import pytest

import cmrun
from conftest import HARNESS, ROOT, TIMEOUT, rel, require_binary

FILES = (sorted((ROOT / "spec-tests").rglob("*.wast"))
         + sorted((HARNESS / "demo").glob("*.wat"))
         + sorted((HARNESS / "demo").glob("*.wast")))
IDS = [rel(f) for f in FILES]

# Skip reasons of assert_invalid modules (interp/wast/roundtrip.c).
INVALID_SKIPS = ("rejected while parsing: invalid:",
                 "an invalid module whose encoding does not decode:")


def honest(message):
    m = (message or "").strip()
    return cmrun.honest_skip(m) or m.startswith(INVALID_SKIPS)


def check(binary, how, path, timeout):
    require_binary(binary, how)
    r = cmrun.run([binary, "roundtrip", "--json", str(path)], timeout=timeout)
    note = r.crash_note()
    if note:
        pytest.fail("%s: %s\n%s" % (rel(path), note, r.err[-3000:]),
                    pytrace=False)
    try:
        files, totals = cmrun.parse_json(r.out)
    except ValueError as e:
        pytest.fail("%s: unreadable report (%s), exit status %s\n%s"
                    % (rel(path), e, r.rc, r.err[-3000:]), pytrace=False)
    assert len(files) == 1, "expected one file in the report"
    fr = files[0]
    problems = fr.failures(rel(path))
    problems += ["%s:%s: skipped, but not for an unsupported feature or an "
                 "invalid module: %s" % (rel(path), c["line"], c["message"])
                 for c in fr.by_status("skip") if not honest(c["message"])]
    if problems:
        pytest.fail(fr.report(problems), pytrace=False)
    assert r.rc == 0, ("exit status %s with no failure reported\n%s"
                       % (r.rc, r.err[-3000:]))
    assert totals["failed"] == 0
    assert fr.passed > 0, "%s: no module or component checked" % rel(path)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_roundtrip(path, build):
    binary, how, slowdown = build
    check(binary, how, path, TIMEOUT * slowdown)


# ---- the command's own contract, on small scripts -------------------------

SCRIPT = """\
(module (func (export "f") (result i32) (i32.const 1)))
(module definition $D (memory 1) (data "ab"))
(module instance $I $D)
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_invalid (module (func (result i32))) "type mismatch")
(module quote "(func (drop (i64.const 7)))")
(component (core module (func (export "g"))))
(module (func (v128.const i32x4 0 0 0 0) drop))
(module (func (drop (i32.bogus))))
"""


def test_roundtrip_counts_and_exit_status(exe, tmp_path):
    # Forms 1, 2, 5, 6 and 7 round-trip; `module instance` defines nothing
    # and assert_malformed's module is not checked; the SIMD module is
    # skipped; the last one does not parse, so it fails and the exit
    # status is 1.
    script = tmp_path / "s.wast"
    script.write_text(SCRIPT)
    r = cmrun.run([exe, "roundtrip", str(script)], timeout=TIMEOUT)
    assert not r.crash_note(), r.err
    out = r.out.strip().splitlines()
    assert out[-1] == "5 passed, 1 failed, 1 skipped"
    assert out[0].startswith("%s:9: roundtrip: does not parse: malformed:"
                             % script)
    assert r.rc == 1
    ok = tmp_path / "ok.wast"
    ok.write_text("\n".join(SCRIPT.splitlines()[:7]) + "\n")
    r = cmrun.run([exe, "roundtrip", "-q", str(ok)], timeout=TIMEOUT)
    assert (r.rc, r.out) == (0, "5 passed, 0 failed, 0 skipped\n")
