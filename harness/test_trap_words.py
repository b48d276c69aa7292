"""Trap messages carry the other runtimes' words for the same spec condition.

Scripts written for Wasmtime match trap messages by substring, so where
Wasmtime (or the component-model reference tests) words a Canonical ABI
trap differently, cmref's message contains that wording next to its own
(docs/cli.md, "Trap messages").  Each case below takes an assert_trap of
our spec-tests, replaces its expected text by one that cannot match, runs
the copy and reads the actual message from the failure report: it must
contain both cmref's wording and the other one, as plain substrings (not
through the runner's alias rules).
"""

import os
import re

import pytest

import cmrun

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (script, line, cmref's words, the other wording for the same condition)
CASES = [
    ("async/task-return.wast", 52, "task already returned a value",
     "`task.return` or `task.cancel` called more than once for current task"),
    ("async/task-return.wast", 54, "task exited without returning a value",
     "async-lifted export failed to produce a result"),
    ("async/threads.wast", 57, "thread 1 is not suspended",
     "cannot resume thread which is not suspended"),
    ("async/builtins.wast", 79, "backpressure counter underflow",
     "backpressure counter overflow"),
    ("values/strings.wast", 350, "incomplete utf-8 byte sequence",
     "invalid utf8 encoding"),
    ("values/strings.wast", 359, "invalid utf-16", "invalid utf16 encoding"),
    ("values/strings.wast", 376, "string pointer/length out of bounds",
     "string content out-of-bounds"),
    ("values/lists.wast", 244, "list pointer/length out of bounds",
     "list content out-of-bounds"),
    ("values/realloc.wast", 233, "realloc return: result not aligned",
     "unaligned pointer"),
    ("resources/own-borrow.wast", 318,
     "cannot lift an own from a borrow handle",
     "cannot lift own resource from a borrow"),
    ("resources/own-borrow.wast", 332,
     "handle index 1 used with the wrong type",
     "handle index 1 used with the wrong type, expected guest-defined "
     "resource but found a different guest-defined resource"),
]

NOMATCH = "@@ no runtime says this @@"


@pytest.mark.parametrize("script,line,ours,theirs", CASES,
                         ids=["%s:%d" % (c[0], c[1]) for c in CASES])
def test_trap_message_has_both_wordings(cmref, tmp_path, script, line, ours,
                                        theirs):
    src = os.path.join(ROOT, "spec-tests", script)
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    old = lines[line - 1]
    assert old.startswith("(assert_trap") and (ours in old or
                                               theirs in old), \
        "%s:%d is no longer the assert_trap this test expects" % (script,
                                                                  line)
    lines[line - 1] = re.sub(r'"[^"]*"\)\s*$', '"%s")' % NOMATCH, old)
    copy = tmp_path / os.path.basename(script)
    copy.write_text("\n".join(lines), encoding="utf-8")
    _, fr, note = cmrun.run_wast(cmref, str(copy), 60)
    assert fr is not None, note
    c = next(c for c in fr.commands if c["line"] == line)
    assert c["status"] == "fail", c
    m = re.search(r'got trap "(.*)"$', c["message"] or "")
    assert m, c["message"]
    assert ours in m.group(1) and theirs in m.group(1), m.group(1)
