"""test_explore.py -- `cmref run --explore`: the walk that cuts schedules at
states already explored and puts independent ticks to sleep finds exactly
the outcomes the plain depth-first walk (--explore-plain) finds, with
fewer schedules, and ends on a script with a yield loop, where the plain
walk cannot (docs/cli.md "Exploration")."""

import json

import pytest

import cmrun
from conftest import CMREF, HARNESS, TIMEOUT, cm, require_binary

FIX = HARNESS / "fixtures"
# small scripts whose whole tree the plain walk exhausts
SMALL = ["open_choice.wast", "host_tick.wast", "nan_scramble.wast",
         "interleave.wast", "choice_kinds.wast", "independent_yields.wast",
         "two_groups.wast", "two_groups_peek.wast"]


def explore(path, *extra, budget=100000, env=None):
    require_binary(CMREF, "make")
    r = cmrun.run([str(CMREF), "run", "--json", "--explore", str(budget),
                   *extra, str(path)], TIMEOUT, env_extra=env)
    return json.loads(r.out)


# glibc malloc settings that move where objects land (the plain build
# uses glibc's malloc; ASan has its own)
ALLOCATORS = [{}, {"GLIBC_TUNABLES": "glibc.malloc.mxfast=0"},
              {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"},
              {"MALLOC_TOP_PAD_": "10000000"}]


@pytest.mark.parametrize("name", ["blocked_sync_callee.wast",
                                  "two_groups.wast", "independent_yields.wast"])
def test_walk_does_not_depend_on_the_allocator(name):
    # The state digest names objects by labels, never by address: the
    # same walk (schedules, states, cuts, outcomes) under every allocator
    # setting.  blocked_sync_callee: a subtask freed while the trapped
    # callee's task still named it gave 5 schedules or 8 depending on
    # what reused its address.
    reps = [explore(FIX / name, env=e) for e in ALLOCATORS]
    keys = ("schedules", "states", "cut", "memo_cut", "complete")
    first = {k: reps[0][k] for k in keys}
    assert first["complete"], reps[0]
    for e, r in zip(ALLOCATORS, reps):
        assert {k: r[k] for k in keys} == first, (e, r)
        assert outcome_sets(r) == outcome_sets(reps[0]), e


def outcome_sets(rep):
    # an outcome: the status, the message of a failure, and what a passing
    # `invoke` returned
    return {(c["line"], c["kind"]):
            {(o["status"], o.get("message"), o.get("result"))
             for o in c["outcomes"]}
            for c in rep["commands"]}


def asserted(pairs):
    """The outcomes of an assertion, (status, message): no values."""
    return {(status, message, None) for status, message in pairs}


def assert_reduction_keeps_outcomes(name, off_flag, key):
    # the walk of fixture `name` with a reduction (report field `key`) on,
    # and with it off (`off_flag`): both complete, the reduced walk walks
    # no more schedules, and both find the same outcomes
    off = explore(FIX / name, off_flag)
    on = explore(FIX / name)
    assert off["complete"] and not off[key], off
    assert on["complete"] and on[key], on
    assert on["schedules"] <= off["schedules"]
    assert outcome_sets(on) == outcome_sets(off)


@pytest.mark.parametrize("name", SMALL)
def test_reduced_walk_finds_the_plain_walks_outcomes(name):
    assert_reduction_keeps_outcomes(name, "--explore-plain", "reduced")


def test_yield_loop_is_explored_to_completion():
    path = FIX / "yield_loop.wast"
    plain = explore(path, "--explore-plain", budget=300)
    assert not plain["complete"] and plain["stopped"] == "budget"
    rep = explore(path)
    assert rep["complete"] and rep["stopped"] == "no", rep
    assert rep["cut"] > 0
    # every schedule that ends returns 42: one outcome, a pass
    sets = outcome_sets(rep)
    assert sets[(max(k[0] for k in sets), "assert_return")] == {
        ("pass", None, None)}


def test_depth_bound_is_reported():
    rep = explore(FIX / "yield_loop.wast", "--explore-depth", "2")
    assert not rep["complete"] and rep["stopped"] == "depth", rep
    assert rep["depth_bound"] == 2


def test_choices_of_each_outcome_reproduce_it():
    path = FIX / "open_choice.wast"
    rep = explore(path)
    for c in rep["commands"]:
        for o in c["outcomes"]:
            r = cmrun.run([str(CMREF), "run", "--json", "--choices",
                           o["choices"] or "0", str(path)], TIMEOUT) \
                if o["choices"] else \
                cmrun.run([str(CMREF), "run", "--json", str(path)], TIMEOUT)
            got = [x for x in json.loads(r.out)["files"][0]["commands"]
                   if x["line"] == c["line"]][0]
            assert got["status"] == o["status"], (c, o, got)


@pytest.mark.parametrize("name", SMALL)
def test_sleep_sets_keep_every_outcome(name):
    # the same walk with and without sleep sets: the same outcomes, and
    # sleep sets never walk more schedules
    assert_reduction_keeps_outcomes(name, "--explore-no-sleep", "sleep_sets")


def test_independent_instances_ticking():
    # two instances of one worker yield side by side (disjoint state); which
    # returns first is open, so the caller's result is 1 or 2.  Worked out
    # by hand from the fixture: the first RETURNED event names worker a (1)
    # or b (2), both are possible (Store.tick picks either worker's steps
    # in any order); and a worker whose YIELDs return at once
    # every time (wait-early) has returned before its async lower returns,
    # so the caller sees RETURNED, not STARTED, and returns 90 (a) or 91
    # (b).  No other value can come out.
    path = FIX / "independent_yields.wast"
    plain = explore(path, "--explore-plain")
    rep = explore(path)
    assert plain["complete"] and rep["complete"]
    want = asserted({("pass", None),
                     ("fail", "expected (u32.const 1), got (u32.const 2)"),
                     ("fail", "expected (u32.const 1), got (u32.const 90)"),
                     ("fail", "expected (u32.const 1), got (u32.const 91)")})
    last = max(c["line"] for c in rep["commands"])
    assert outcome_sets(plain)[(last, "assert_return")] == want
    assert outcome_sets(rep)[(last, "assert_return")] == want
    # every interleaving of the two workers' yields is a schedule of the
    # plain walk; the reduced walk takes each state once
    assert rep["schedules"] * 10 < plain["schedules"], (rep, plain)


@pytest.mark.parametrize("name", SMALL)
def test_command_memo_keeps_every_outcome(name):
    # the same walk with and without the command memo (memo.h)
    nomemo = explore(FIX / name, "--explore-no-memo")
    memo = explore(FIX / name)
    assert nomemo["complete"] and not nomemo["memo"], nomemo
    assert memo["complete"] and memo["memo"], memo
    assert memo["schedules"] <= nomemo["schedules"]
    assert outcome_sets(memo) == outcome_sets(nomemo)


RUN_OUTCOMES = asserted({("pass", None),
                         ("fail", "expected (u32.const 1), got (u32.const 2)"),
                         ("fail", "expected (u32.const 1), got (u32.const 90)"),
                         ("fail", "expected (u32.const 1), got (u32.const 91)")})


def test_command_memo_walks_a_later_command_once():
    # run1 and run2 use disjoint groups of instances; run1's end states
    # differ in the first group only (left inert), so run2's start is cut
    # by the memo, and each run still has independent_yields.wast's four
    # outcomes (worked out there by hand)
    path = FIX / "two_groups.wast"
    plain = explore(path, "--explore-plain")
    rep = explore(path)
    assert rep["complete"] and rep["memo_cut"] > 0, rep
    runs = sorted(k for k in outcome_sets(rep) if k[1] == "assert_return")
    assert len(runs) == 2
    for k in runs:
        assert outcome_sets(rep)[k] == RUN_OUTCOMES
        assert outcome_sets(plain)[k] == RUN_OUTCOMES


def test_command_memo_sees_a_later_command_reading_the_first_group():
    # last1 reads what run1 left in the first group: 1 or 2 (the worker
    # that returned first), or 0 when run1 returned 90 or 91 before
    # storing it.  A memo that took run2's starts for one regardless of
    # the first group would lose all but one of these.
    path = FIX / "two_groups_peek.wast"
    plain = explore(path, "--explore-plain")
    rep = explore(path)
    assert rep["complete"], rep
    last = max(c["line"] for c in rep["commands"])
    want = asserted({("pass", None),
                     ("fail", "expected (u32.const 1), got (u32.const 2)"),
                     ("fail", "expected (u32.const 1), got (u32.const 0)")})
    assert outcome_sets(rep)[(last, "assert_return")] == want
    assert outcome_sets(plain)[(last, "assert_return")] == want


def test_a_walk_that_meets_a_host_limit_is_not_complete():
    # many_threads.wast makes threads until --max-threads stops it: every
    # schedule is walked, but only as far as the limit lets the script go,
    # so the report names the limit and never says complete
    path = FIX / "many_threads.wast"
    rep = explore(path, "--max-threads", "4")
    assert not rep["complete"] and rep["stopped"] == "limit", rep
    assert rep["within"] == "--max-threads 4"
    r = cmrun.run([str(CMREF), "run", "--explore", "100", "--max-threads",
                   "4", str(path)], TIMEOUT)
    assert "all of them within --max-threads 4" in r.out, r.out
    # a script whose runs never meet a limit is complete
    rep = explore(FIX / "open_choice.wast")
    assert rep["complete"] and rep["stopped"] == "no" and rep["within"] == ""


ASYNC_SCRIPTS = sorted((HARNESS.parent / "spec-tests" / "async").glob("*.wast"))
FIXTURES = sorted(FIX.glob("*.wast"))
# a walk too big to finish (harness/explore_check.py BOUNDS)
BOUNDED = {"wasi-backpressure-many.wast"}


@pytest.mark.parametrize("path", ASYNC_SCRIPTS + FIXTURES,
                         ids=lambda p: p.name)
def test_digest_labels_no_freed_object(path, cmref_asan):
    # Under AddressSanitizer the state digest reads every object a pointer
    # it labels points to (canon/state_hash.c hash_label): a pointer to a
    # freed object -- whose address another object may have, which made
    # the walk depend on the allocator (blocked_sync_callee.wast, before
    # discard_subtask kept the subtask) -- is a heap-use-after-free
    # report, which fails the run.  The first 200 schedules of each walk.
    r = cm(cmref_asan, "run", "--json", "--explore", "200", str(path),
           timeout=TIMEOUT * 3)
    assert json.loads(r.out)["schedules"] >= 1, r.out


def test_every_run_starts_from_fresh_memories():
    # the walk keeps memories' mappings from run to run and zeroes what a
    # run touched before handing them out again: each of the 4 runs reads
    # 0 where the run before it wrote 7 (harness/fixtures/fresh_memory.wast)
    r = explore(FIX / "fresh_memory.wast")
    assert r["complete"] and r["schedules"] == 4, r
    assert [o["status"] for c in r["commands"] for o in c["outcomes"]] == \
        ["pass", "pass"], r


RANDOM_SEEDS = range(1, 11)


@pytest.mark.parametrize("path", [p for p in ASYNC_SCRIPTS + FIXTURES
                                  if p.name not in BOUNDED],
                         ids=lambda p: p.name)
def test_random_schedules_give_explored_outcomes(path):
    # The walk is complete (or complete within a host limit a run met,
    # which the random runs meet alike), so every outcome any schedule
    # gives is among its outcomes; the random scheduler (--sched random,
    # which the walk's digest, sleep sets and memo never see) picks ten
    # schedules of its own: each command's outcome in each must be one the
    # walk found.
    walk = explore(path)
    assert walk["complete"] or walk["within"], walk
    found = outcome_sets(walk)
    for seed in RANDOM_SEEDS:
        r = cmrun.run([str(CMREF), "run", "--json", "--sched", "random",
                       "--seed", str(seed), str(path)], TIMEOUT)
        for c in json.loads(r.out)["files"][0]["commands"]:
            o = (c["status"], None if c["status"] == "pass" else c.get("message"),
                 c.get("result"))
            assert o in found[(c["line"], c["kind"])], (seed, c, found)


def test_progress_option():
    # --explore-progress only adds lines on stderr (how many depends on
    # the clock, so none are counted here); without --explore it is a
    # usage error
    path = FIX / "interleave.wast"
    plain = cmrun.run([str(CMREF), "run", "--json", "--explore", "1000",
                       str(path)], TIMEOUT)
    with_progress = cmrun.run([str(CMREF), "run", "--json", "--explore",
                               "1000", "--explore-progress", "1", str(path)],
                              TIMEOUT)
    assert with_progress.rc == plain.rc and with_progress.out == plain.out
    assert all(l.startswith("explore: ") for l in
               with_progress.err.splitlines()), with_progress.err
    r = cmrun.run([str(CMREF), "run", "--explore-progress", "1", str(path)],
                  TIMEOUT)
    assert r.rc == 2 and "are for --explore" in r.err, r.err


def test_invoke_values_are_outcomes():
    # harness/fixtures/lost_update.wast: two calls that each read a counter,
    # yield and write back what they read plus one; the `invoke` that
    # returns the counter passes in every schedule, with 2 when one call
    # finishes before the other reads and 1 when both read 0 first (a lost
    # update).  --explore reports the values as two outcomes of the same
    # command (both walks), `run --json` the value of its one run, and the
    # exit status stays 0: nothing failed.
    path = FIX / "lost_update.wast"
    for extra in ([], ["--explore-plain"]):
        rep = explore(path, *extra)
        assert rep["complete"]
        (inv,) = [c for c in rep["commands"] if c["kind"] == "invoke"]
        assert {(o["status"], o.get("result")) for o in inv["outcomes"]} == {
            ("pass", "(u32.const 1)"), ("pass", "(u32.const 2)")}, inv
        assert rep["varying"] == 1
    r = cmrun.run([str(CMREF), "run", "--explore", "1000", str(path)], TIMEOUT)
    assert r.rc == 0 and "invoke: 2 outcomes" in r.out, r.out
    assert "pass: (u32.const 2) in" in r.out, r.out
    r = cmrun.run([str(CMREF), "run", "--json", str(path)], TIMEOUT)
    (inv,) = [c for c in json.loads(r.out)["files"][0]["commands"]
              if c["kind"] == "invoke"]
    assert inv["result"] == "(u32.const 1)", inv  # option 0 everywhere


# Programs harness/sched_gen.py makes: N calls racing in a server, around
# yields, backpressure and calls into a leaf component; chosen so that each
# shape is in one and both walks without reductions finish on all: values
# back through a stream (8, 36, 51), a cancelled stream write (12, 36) and
# future write (14, 166), an error context across a yield (16), a switch
# to a new thread (26, 51), a suspended thread woken by another (166), a
# resource lent to a task that yields (9, 31), a read cancelled after a
# yield (4).
GENERATED = [4, 6, 8, 9, 12, 14, 16, 26, 31, 36, 51, 166]


def test_results_waiting_in_a_sync_lower_are_state():
    # harness/fixtures/sync_results_wait.wast (sched_gen.py's seed 260 of
    # this session): before the digest read the subtask of the synchronous
    # `canon lower` a thread waits in (canon_Thread.lowering), two states
    # that differed only in the results waiting there were one, and the
    # reduced and the cut-only walks found 65 of the 76 outcomes the plain
    # walk (21373 schedules) finds.
    import sched_gen
    require_binary(CMREF, "make")
    problems, compared = sched_gen.check(
        str(CMREF), 260, path=str(FIX / "sync_results_wait.wast"))
    assert compared == 2, compared  # the plain and the cut-only walk ran
    assert not problems, problems
    rep = explore(FIX / "sync_results_wait.wast")
    (inv,) = [c for c in rep["commands"] if c["kind"] == "invoke"]
    assert len(inv["outcomes"]) == 76


@pytest.mark.parametrize("seed", GENERATED)
def test_generated_programs_keep_every_outcome(seed):
    import sched_gen
    require_binary(CMREF, "make")
    problems, compared = sched_gen.check(str(CMREF), seed)
    assert compared is not None, "the reduced walk did not finish"
    assert not problems, problems


@pytest.mark.parametrize("path", [p for p in ASYNC_SCRIPTS + FIXTURES
                                  if p.name not in BOUNDED],
                         ids=lambda p: p.name)
def test_every_cut_holds(path):
    # --explore-verify-cuts: a run cut at a state met before goes on as
    # the run that met it did (the same options; a tick's thread by its
    # label) and must meet the same states there.  A part of the state the
    # digest left out shows as a state that differs (with the results
    # waiting in a sync lower's subtask left out, 33 of the 495 cuts of
    # sync_results_wait.wast did); a walk that verifies is not otherwise
    # changed: it finds the same outcomes.
    walk = explore(path)
    verified = explore(path, "--explore-verify-cuts")
    assert verified["verify_mismatches"] == 0, verified["verify_first"]
    # (a cut at a state met earlier in the same run, a cycle, or where the
    # run that met it was itself cut, has nothing to follow)
    assert verified["verify_cuts"] <= walk["cut"]
    assert outcome_sets(verified) == outcome_sets(walk)


def test_verify_cuts_is_for_explore():
    r = cmrun.run([str(CMREF), "run", "--explore-verify-cuts",
                   str(FIX / "lost_update.wast")], TIMEOUT)
    assert r.rc == 2 and "are for --explore" in r.err, r.err
