"""test_spec_tests.py -- each .wast under spec-tests/ (and the demo script)
is one test case, run with `cmref run --json` and with the ASan+UBSan build.

A case passes when cmref ran to the end, reported every command and failed
none.  It is skipped only when cmref skipped *every* command because of an
unsupported feature ("unsupported feature: NAME", NAME one of
cmrun.UNSUPPORTED_FEATURES), and the skip says so.  A skip with any other
reason, a crash, a timeout or a sanitizer report fails.
"""

import pytest

import cmrun
from conftest import TIMEOUT, rel, require_binary, wast_files

FILES = wast_files()
IDS = [rel(f) for f in FILES]


def check(binary, how, path, timeout):
    require_binary(binary, how)
    r, fr, note = cmrun.run_wast(binary, str(path), timeout)
    if note:
        pytest.fail("%s: %s\n%s" % (rel(path), note, tail(r)), pytrace=False)
    problems = fr.failures(rel(path))
    skips = fr.by_status("skip")
    for c in skips:
        if not cmrun.honest_skip(c["message"]):
            problems.append("%s:%s: %s: skipped, but not for a feature cmref "
                            "leaves out (harness/cmrun.py "
                            "UNSUPPORTED_FEATURES): %s"
                            % (rel(path), c["line"], c["kind"], c["message"]))
    if problems:
        pytest.fail(fr.report(problems), pytrace=False)
    if not fr.commands and fr.passed == 0:
        pytest.fail("%s: cmref reported no commands at all" % rel(path),
                    pytrace=False)
    if skips and fr.passed == 0:
        pytest.skip("all %d commands skipped: %s"
                    % (fr.skipped, "; ".join(fr.skip_reasons())))


def tail(r, n=3000):
    out = ("--- stdout ---\n" + r.out[-n:]) if r.out.strip() else ""
    err = ("--- stderr ---\n" + r.err[-n:]) if r.err.strip() else ""
    return (out + "\n" + err).strip()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_wast(path, build):
    binary, how, slowdown = build
    check(binary, how, path, TIMEOUT * slowdown)
