"""test_explore.py -- `cmref run --explore`: the walk that cuts schedules at
states already explored finds exactly the outcomes the plain depth-first
walk (--explore-plain) finds, and ends on a script with a yield loop,
where the plain walk cannot (docs/cli.md "Exploration")."""

import json

import pytest

import cmrun
from conftest import CMREF, HARNESS, TIMEOUT, require_binary

FIX = HARNESS / "fixtures"
# small scripts whose whole tree the plain walk exhausts
SMALL = ["open_choice.wast", "host_tick.wast", "nan_scramble.wast",
         "interleave.wast", "choice_kinds.wast"]


def explore(path, *extra, budget=100000):
    require_binary(CMREF, "make")
    r = cmrun.run([str(CMREF), "run", "--json", "--explore", str(budget),
                   *extra, str(path)], TIMEOUT)
    return json.loads(r.out)


def outcome_sets(rep):
    return {(c["line"], c["kind"]):
            {(o["status"], o.get("message")) for o in c["outcomes"]}
            for c in rep["commands"]}


@pytest.mark.parametrize("name", SMALL)
def test_reduced_walk_finds_the_plain_walks_outcomes(name):
    plain = explore(FIX / name, "--explore-plain")
    reduced = explore(FIX / name)
    assert plain["complete"] and not plain["reduced"], plain
    assert reduced["complete"] and reduced["reduced"], reduced
    assert reduced["schedules"] <= plain["schedules"]
    assert outcome_sets(reduced) == outcome_sets(plain)


def test_yield_loop_is_explored_to_completion():
    path = FIX / "yield_loop.wast"
    plain = explore(path, "--explore-plain", budget=300)
    assert not plain["complete"] and plain["stopped"] == "budget"
    rep = explore(path)
    assert rep["complete"] and rep["stopped"] == "no", rep
    assert rep["cut"] > 0
    # every schedule that ends returns 42: one outcome, a pass
    sets = outcome_sets(rep)
    assert sets[(max(k[0] for k in sets), "assert_return")] == {("pass", None)}


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
