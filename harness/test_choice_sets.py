"""test_choice_sets.py -- each spec-tests/async/choice-*.wast asserts, with
`(either ...)`, the set of outcomes the spec allows for one kind of open
choice (docs/cli.md "Choice kinds").  `cmref run --explore N --json` must
explore exactly that set: every value listed is reached by some schedule,
and no schedule gives another.

How: each `(either A B ...)` is replaced by its first value A (on the same
line, so line numbers hold); under --explore that command then passes where
the result is A and fails with "expected A, got V" where it is V.  The
values seen are compared with the alternatives.  The sets themselves were
derived from the spec by hand (each script's header says how).
"""

import json
import re

import pytest

import cmrun
from conftest import CMREF, ROOT, TIMEOUT, rel, require_binary

ASYNC = ROOT / "spec-tests" / "async"
# script -> (explore budget, kind that must be met); every walk is complete
# within its budget (the `complete` flag is asserted).
SCRIPTS = {
    "choice-wait-early.wast": (50, "wait-early"),
    "choice-event.wast": (50, "event"),
    "choice-sync-loop.wast": (50, "sync-loop"),
    "choice-tick.wast": (50, "tick"),
    "choice-cancel-thread.wast": (50, "cancel-thread"),
    "choice-nan.wast": (100, "nan"),
    "choice-host-tick.wast": (50, "host-tick"),
    "choice-error-message.wast": (50, "error-message"),
    "choice-pending-start.wast": (500, "tick"),
}

EITHER = re.compile(r"\(either((?:\s*\([a-z0-9.]+ [^()]*\))+)\s*\)")
VALUE = re.compile(r"\([a-z0-9.]+ [^()]*\)")
GOT = re.compile(r"expected (\(.*?\)), got (\(.*\))$")


def norm(v):
    """'(u32.const 0x10)' and '(u32.const 16)' alike."""
    kw, arg = v.strip("()").split(None, 1)
    try:
        arg = str(int(arg, 0))
    except ValueError:
        pass
    return "(%s %s)" % (kw, arg)


def test_every_script_is_listed():
    assert sorted(p.name for p in ASYNC.glob("choice-*.wast")) == \
        sorted(SCRIPTS)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_explored_outcomes_are_the_listed_set(name, tmp_path):
    require_binary(CMREF, "make")
    budget, kind = SCRIPTS[name]
    src = (ASYNC / name).read_text().splitlines(keepends=True)
    allowed, first = {}, {}  # line -> the values listed, the first of them
    for i, line in enumerate(src):
        m = EITHER.search(line)
        if m:
            alts = VALUE.findall(m.group(1))
            allowed[i + 1] = {norm(v) for v in alts}
            first[i + 1] = norm(alts[0])
            src[i] = line[:m.start()] + alts[0] + line[m.end():]
    assert allowed, "%s has no (either ...)" % name
    f = tmp_path / name
    f.write_text("".join(src))
    r = cmrun.run([str(CMREF), "run", "--explore", str(budget), "--json",
                   str(f)], TIMEOUT)
    out = json.loads(r.out)
    assert out["complete"], "%s: not exhausted in %d runs" % (name, budget)
    seen = {}
    for c in out["commands"]:
        for o in c["outcomes"]:
            if o["status"] == "pass":
                if c["line"] in allowed:
                    seen.setdefault(c["line"], set()).add(first[c["line"]])
                continue
            m = GOT.search(o.get("message", ""))
            assert c["line"] in allowed and m, \
                "%s:%d: %s" % (name, c["line"], o)
            seen.setdefault(c["line"], set()).add(norm(m.group(2)))
    for line, alts in allowed.items():
        got = seen.get(line, set())
        assert got == alts, "%s:%d: explored %s, the script allows %s" % (
            name, line, sorted(got), sorted(alts))
    # the outcome depends on the kind the script is about
    t = cmrun.run([str(CMREF), "run", "--explore", str(budget), str(f)],
                  TIMEOUT)
    [met] = [x for x in t.out.splitlines() if x.startswith("choice kinds met")]
    assert kind in met.split(": ")[1].split(", "), met
    assert "(not option 0 at: %s" % kind in t.out or \
        ", %s)" % kind in t.out, t.out
