"""test_tracecheck.py -- `cmref run --check-trace` of a trace that records
no choices (docs/trace-format.md "Checking another runtime's trace"): the
search for a schedule that gives exactly the trace's guest-visible events.

Foreign traces are played here by cmref's own traces with their `choice`
events stripped (what a runtime that cannot know cmref's choice indices
writes), and by mutated copies of them:

* every trace cmref writes under `--sched random --seed N` is `allowed`,
  and the `--choices` the search reports give exactly those events again;
* a trace with a changed value, two events swapped across a real ordering
  constraint, an event dropped or an event added is `not allowed`, at the
  right event.  Where that event follows from the spec by hand (a changed
  value; a task's return before its call; a subtask's RETURNED event before
  the callee returned) the test says so directly.  For a dropped or an
  added event the first event no schedule reproduces depends on which
  orders the script allows, so the test enumerates every schedule of the
  script (cmref run --choices, depth first, like --explore) and computes
  in Python the longest prefix any of them shares with the mutated trace
  and the events they have there: the search, which prunes, must give the
  same answer as this exhaustive walk;
* where the spec leaves the order of two independent instances open
  (harness/fixtures/interleave.wast) both orders are allowed, found by the
  search, and a search that prunes needs only a few runs of the 1248
  schedules the script has.
"""

import json
import re

import pytest

import cmrun
from conftest import CMREF, CMREF_ASAN, HARNESS, ROOT, TIMEOUT, rel, \
    require_binary

ASYNC = sorted((ROOT / "spec-tests" / "async").glob("*.wast"))
INTERLEAVE = HARNESS / "fixtures" / "interleave.wast"
VISIBLE = {"invoke", "invoke.return", "invoke.trap", "lift.call",
           "lift.return", "callback", "lower.call", "lower.return",
           "builtin", "event"}
# Seeds: all 20 for the scripts that make choices under them and for the
# interleaving fixture, the first 5 for the others (their traces are the
# same for every seed: see test_seeds_cover_the_choices).
ALL_SEEDS = range(1, 21)
FEW_SEEDS = range(1, 6)

def cmref(*args, binary=CMREF):
    require_binary(binary, "make")
    return cmrun.run([str(binary), *map(str, args)], TIMEOUT)


def trace_lines(script, tmp_path, *opts):
    """cmref's trace of the script under these options, as lines."""
    out = tmp_path / "ours.jsonl"
    r = cmref("run", "-q", *opts, "--trace", out, script)
    assert r.rc in (0, 1), r.out + r.err
    return out.read_text().splitlines()


def strip_choices(lines):
    return [l for l in lines if json.loads(l).get("ev") != "choice"]


def visible_events(lines):
    """The guest-visible events as dicts without seq, in order."""
    out = []
    for l in lines[1:]:
        d = json.loads(l)
        if d["ev"] in VISIBLE:
            d.pop("seq", None)
            out.append(d)
    return out


def visible_indices(lines):
    """Line index (0-based) of each guest-visible event."""
    return [i for i, l in enumerate(lines)
            if i > 0 and json.loads(l)["ev"] in VISIBLE]


def check(lines, script, tmp_path, *extra, binary=CMREF, name="theirs"):
    path = tmp_path / (name + ".jsonl")
    path.write_text("\n".join(lines) + "\n")
    r = cmref("run", "--check-trace", path, *extra, script, binary=binary)
    assert r.crash_note() is None, r.crash_note()
    return r, path


ALLOWED = re.compile(r": allowed: reproduced with --choices (\S+)")
NOT_ALLOWED = re.compile(r":(\d+): not allowed by the spec at guest-visible "
                         r"event (\d+): no schedule reproduces it")
NOT_ALLOWED_END = re.compile(r": not allowed by the spec at the end of the "
                             r"trace: every schedule goes on after its "
                             r"(\d+) guest-visible events")


def allowed_choices(r):
    assert r.rc == 0, r.out + r.err
    m = ALLOWED.search(r.out)
    assert m, r.out
    return "" if m.group(1) == "(none)" else m.group(1)


def allowed_there(out):
    """The events listed under 'the spec allows there:' (None: end)."""
    lines = out.splitlines()
    k = next(i for i, l in enumerate(lines)
             if l.strip() in ("the spec allows there:", "seen there so far:"))
    got = []
    for l in lines[k + 1:]:
        if not l.startswith("    "):
            break
        l = l.strip()
        got.append(None if l == "(end of run)" else json.loads(l))
    return got


def reproduces(script, choices, lines, tmp_path):
    """cmref run --choices CHOICES gives exactly these guest-visible
    events."""
    opts = ("--choices", choices) if choices else ()
    again = trace_lines(script, tmp_path, *opts)
    return visible_events(again) == visible_events(lines)


# -- every schedule of a script, for the oracle ---------------------------


def all_schedules(script, tmp_path, *opts, limit=200):
    """The guest-visible events of every schedule of the script: a depth
    first walk over its choices (the index and number of options of each
    are in the trace's `choice` events), independent of the search; None
    when there are more than `limit`."""
    out, prefix = [], []
    while True:
        args = list(opts) + (["--choices", ",".join(map(str, prefix))]
                             if prefix else [])
        lines = trace_lines(script, tmp_path, *args)
        out.append(visible_events(lines))
        if len(out) > limit:
            return None  # too many for an oracle
        ch = [json.loads(l) for l in lines[1:]]
        ch = [(c["chosen"], c["n"]) for c in ch if c["ev"] == "choice"]
        k = len(ch) - 1
        while k >= 0 and ch[k][0] + 1 >= ch[k][1]:
            k -= 1
        if k < 0:
            return out
        prefix = [c for c, _ in ch[:k]] + [ch[k][0] + 1]


def oracle(theirs, schedules):
    """(depth, next events there) of the longest prefix of theirs that any
    schedule gives; next events are dicts, None for the end of a run."""
    def lcp(a, b):
        n = 0
        while n < len(a) and n < len(b) and a[n] == b[n]:
            n += 1
        return n
    depth = max(lcp(theirs, s) for s in schedules)
    nxt = []
    for s in schedules:
        if lcp(theirs, s) == depth:
            e = s[depth] if depth < len(s) else None
            if e not in nxt:
                nxt.append(e)
    return depth, nxt


def assert_not_allowed_at(r, theirs_lines, depth, nxt=None):
    """Not allowed, diverging after `depth` guest-visible events of theirs
    (their event depth+1, at its line), allowing exactly nxt there."""
    assert r.rc == 1, r.out + r.err
    vis = visible_indices(theirs_lines)
    if depth < len(vis):
        m = NOT_ALLOWED.search(r.out)
        assert m, r.out
        assert (int(m.group(1)), int(m.group(2))) == \
            (vis[depth] + 1, depth + 1), r.out
    else:
        m = NOT_ALLOWED_END.search(r.out)
        assert m and int(m.group(1)) == depth, r.out
    if nxt is not None:
        got = allowed_there(r.out)
        def key(e):
            return json.dumps(e, sort_keys=True)
        assert sorted(map(key, got)) == sorted(map(key, nxt)), r.out


# -- allowed ---------------------------------------------------------------


def makes_choices(script, tmp_path):
    """Whether the script meets a choice at all: if seed 1's run makes
    none, there is no choice point and every seed gives the same run."""
    lines = trace_lines(script, tmp_path, "--sched", "random", "--seed", "1")
    return any('"ev":"choice"' in l for l in lines)


def seeds_for(script, tmp_path):
    return ALL_SEEDS if script == INTERLEAVE or \
        makes_choices(script, tmp_path) else FEW_SEEDS


@pytest.mark.parametrize("script", ASYNC + [INTERLEAVE],
                         ids=[rel(s) for s in ASYNC + [INTERLEAVE]])
def test_random_traces_allowed(script, tmp_path):
    """Every trace of a random schedule, without its choices, is allowed,
    and the schedule the search reports gives the same events.  Pruning at
    the first divergent event finds it in a few dozen runs at most (interleave.wast
    has 1248 schedules; its seeds give several orders of the callbacks)."""
    seen, orders = set(), set()
    for seed in seeds_for(script, tmp_path):
        lines = strip_choices(trace_lines(script, tmp_path, "--sched",
                                          "random", "--seed", str(seed)))
        evs = visible_events(lines)
        orders.add(tuple(e["task"] for e in evs if e["ev"] == "callback"))
        key = json.dumps(evs)
        if key in seen:
            continue  # the same events as an earlier seed: the same answer
        seen.add(key)
        r, _ = check(lines, script, tmp_path)
        choices = allowed_choices(r)
        assert reproduces(script, choices, lines, tmp_path), (seed, r.out)
        runs = int(re.search(r"schedule (\d+) of the search", r.out).group(1))
        # wasi-backpressure-many.wast (8 callers, thousands of schedules)
        # needs up to 61 runs for some seeds
        assert runs <= 100, r.out
    if script == INTERLEAVE:
        assert len(orders) >= 3, orders


def test_other_order_of_independent_callbacks_allowed(tmp_path):
    """Swapping the first callbacks of the two callees (tasks 2 and 3,
    in different instances, both ready) is another schedule's order: it is
    allowed, not by a loose comparison but by the schedule found."""
    lines = strip_choices(trace_lines(INTERLEAVE, tmp_path))
    vis = visible_indices(lines)
    cbs = [i for i in vis if json.loads(lines[i])["ev"] == "callback"]
    a, b = cbs[0], cbs[1]
    assert json.loads(lines[a])["task"] != json.loads(lines[b])["task"]
    assert vis.index(b) == vis.index(a) + 1
    lines[a], lines[b] = lines[b], lines[a]
    r, _ = check(lines, INTERLEAVE, tmp_path)
    choices = allowed_choices(r)
    assert choices and reproduces(INTERLEAVE, choices, lines, tmp_path)


# -- not allowed -------------------------------------------------------------


@pytest.mark.parametrize("script", ASYNC, ids=[rel(s) for s in ASYNC])
def test_mutations_not_allowed(script, tmp_path):
    """A changed value, a task's return swapped with its call, an event
    dropped or an event added: not allowed, at the right event."""
    base = strip_choices(trace_lines(script, tmp_path, "--sched", "random",
                                     "--seed", "1"))
    vis = visible_indices(base)
    schedules = all_schedules(script, tmp_path)
    if schedules is None:
        pytest.skip("more than 200 schedules: the oracle, a plain walk over "
                    "every schedule, would not finish; the search on this "
                    "script is checked by test_random_traces_allowed")
    assert visible_events(base) in schedules

    # a value no schedule gives: the result of the middle event that has
    # results; by hand, divergence exactly there
    with_results = [j for j, i in enumerate(vis)
                    if isinstance(json.loads(base[i]).get("results"), list)
                    and json.loads(base[i])["results"]]
    k = with_results[len(with_results) // 2]
    lines = list(base)
    d = json.loads(lines[vis[k]])
    d["results"] = [123456789] + d["results"][1:]
    lines[vis[k]] = json.dumps(d)
    r, _ = check(lines, script, tmp_path, name="value")
    assert_not_allowed_at(r, lines, k,
                          oracle(visible_events(lines), schedules)[1])

    # a task returns before it is called: their lift.return comes where the
    # lift.call of the same task was; by hand, divergence exactly there
    evs = [json.loads(base[i]) for i in vis]
    # the first call whose task returns (a script may open with a trap; in
    # copy-ends.wast every call traps, so no task returns and there is no
    # return to swap)
    pair = next(((j, k) for j, e in enumerate(evs) if e["ev"] == "lift.call"
                 for k, f in enumerate(evs)
                 if f["ev"] == "lift.return" and f["task"] == e["task"]),
                None)
    if pair is not None:
        c, t = pair
        lines = list(base)
        lines[vis[c]], lines[vis[t]] = lines[vis[t]], lines[vis[c]]
        r, _ = check(lines, script, tmp_path, name="swap")
        assert_not_allowed_at(r, lines, c,
                              oracle(visible_events(lines), schedules)[1])

    # an event dropped / added (a copy of the one before it): where no
    # schedule follows depends on the orders the script allows
    for what, k in (("drop", len(vis) // 2), ("drop", len(vis) - 1),
                    ("add", len(vis) // 3), ("add", len(vis))):
        if what == "drop":
            lines = base[:vis[k]] + base[vis[k] + 1:]
        else:
            i = vis[k - 1]
            lines = base[:i + 1] + [base[i]] + base[i + 1:]
        r, _ = check(lines, script, tmp_path, name=what)
        depth, nxt = oracle(visible_events(lines), schedules)
        assert depth >= k - 1, (what, k, depth)
        assert_not_allowed_at(r, lines, depth, nxt)


def test_subtask_event_before_return_not_allowed(tmp_path):
    """interleave.wast: a subtask's RETURNED event (code 1, state 2)
    delivered before the callee's task.return is in no schedule: not
    allowed at the event.  The callee's callback runs from its start to
    task.return without any choice in between, so there the spec allows
    exactly that task.return."""
    lines = strip_choices(trace_lines(INTERLEAVE, tmp_path))
    vis = visible_indices(lines)
    evs = [json.loads(lines[i]) for i in vis]
    e = next(j for j, x in enumerate(evs) if x["ev"] == "event")
    assert evs[e]["code"] == 1 and evs[e]["p2"] == 2
    ret = evs[e - 1]
    assert ret["ev"] == "builtin" and ret["name"] == "task.return"
    lines[vis[e - 1]], lines[vis[e]] = lines[vis[e]], lines[vis[e - 1]]
    r, _ = check(lines, INTERLEAVE, tmp_path)
    ret.pop("seq", None)
    assert_not_allowed_at(r, lines, e - 1, [ret])


def test_budget_undecided(tmp_path):
    """A budget too small to decide: `undecided`, exit status 3; the same
    trace with the default budget is decided."""
    lines = strip_choices(trace_lines(INTERLEAVE, tmp_path))
    vis = visible_indices(lines)
    # the last waitable-set.wait: its result (the event code) made 7
    k = max(j for j, i in enumerate(vis)
            if '"waitable-set.wait"' in lines[i])
    d = json.loads(lines[vis[k]])
    assert d["results"] == [1]
    d["results"] = [7]
    lines[vis[k]] = json.dumps(d)
    r, _ = check(lines, INTERLEAVE, tmp_path, "--search-budget", "2")
    assert r.rc == 3 and "undecided" in r.out and \
        "--search-budget 2 runs" in r.out, r.out
    assert "seen there so far:" in r.out
    r, _ = check(lines, INTERLEAVE, tmp_path)
    assert_not_allowed_at(r, lines, k)


def test_search_budget_usage():
    require_binary(CMREF, "make")
    r = cmref("run", "--search-budget", "10", INTERLEAVE)
    assert r.rc == 2 and "--search-budget is for --check-trace" in r.err
    r = cmref("run", "--check-trace", INTERLEAVE, "--search-budget", "0",
              INTERLEAVE)
    assert r.rc == 2


def test_recorded_choices_still_replayed(tmp_path):
    """A trace with its `choice` events is replayed with them, not
    searched."""
    lines = trace_lines(INTERLEAVE, tmp_path, "--sched", "random", "--seed",
                        "4")
    n = sum('"ev":"choice"' in l for l in lines)
    r, _ = check(lines, INTERLEAVE, tmp_path)
    assert r.rc == 0 and "matches cmref" in r.out and \
        ("(%d choices replayed)" % n) in r.out, r.out


def test_search_under_asan(tmp_path):
    """The search and its early stops, under the sanitizers: allowed and
    not allowed."""
    require_binary(CMREF_ASAN, "make asan")
    lines = strip_choices(trace_lines(INTERLEAVE, tmp_path, "--sched",
                                      "random", "--seed", "8"))
    r, _ = check(lines, INTERLEAVE, tmp_path, binary=CMREF_ASAN)
    assert r.rc == 0 and r.sanitizer_report is None, r.out + r.err
    vis = visible_indices(lines)
    lines = lines[:vis[10]] + lines[vis[10] + 1:]
    r, _ = check(lines, INTERLEAVE, tmp_path, binary=CMREF_ASAN)
    assert r.rc == 1 and r.sanitizer_report is None, r.out + r.err
