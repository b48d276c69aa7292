"""test_choices.py -- every choice the spec leaves open goes through the
scheduler, with its own kind (docs/cli.md "Choice kinds"), and the command
line rejects scheduling options it cannot honour.

Expected values are derived from the spec by hand:
- NaN scrambling (CanonicalABI.md "Storing", maybe_scramble_nan32/64 and
  random_nan_bits): outside DETERMINISTIC_PROFILE a lowered NaN may be any
  NaN with the exponent all ones and, per random_nan_bits, a non-zero
  fraction below the quiet bit; under the profile it is the canonical NaN
  0x7fc00000 / 0x7ff8000000000000.
- host ticks (design.md "Execution model"): harness/fixtures/host_tick.wast
  says why `get` sees 0 without a tick between the commands and 1 with one.
"""

import json
import re

import pytest

import cmrun
from conftest import CMREF, HARNESS, ROOT, TIMEOUT, require_binary

FIX = HARNESS / "fixtures"
NAN = FIX / "nan_scramble.wast"
NAN_STREAM = FIX / "nan_stream.wast"
NAN_HOST = FIX / "nan_host.wast"
HOST_TICK = FIX / "host_tick.wast"
OPEN = FIX / "open_choice.wast"

CANONICAL_F32 = 0x7fc00000
CANONICAL_F64 = 0x7ff8000000000000


def cmref(*args):
    require_binary(CMREF, "make")
    return cmrun.run([str(CMREF), *map(str, args)], TIMEOUT)


def got_values(text):
    return [int(v) for v in re.findall(r"got \(u(?:32|64)\.const (\d+)\)",
                                       text)]


def is_random_nan32(v):
    """A value random_nan_bits(32, 8) can return: exponent all ones, and
    one of the 22 fraction bits below the quiet bit set."""
    return (v >> 23) & 0xff == 0xff and v & ((1 << 22) - 1) != 0


def is_random_nan64(v):
    return (v >> 52) & 0x7ff == 0x7ff and v & ((1 << 51) - 1) != 0


# ---- NaN scrambling ---------------------------------------------------------

def test_nan_default_is_canonical():
    """cmref's default policy takes option 0 of `nan`: the canonical NaN,
    as the profile prescribes; the fixture's assertions expect it."""
    r = cmref("run", NAN)
    assert r.rc == 0, r.out + r.err


def other_nans(out, path, line, check):
    """The values of the four failing outcomes --explore reports for the
    command at path:line, each a NaN by check (the choice's options but
    the canonical one); the report block is asserted to have 5 outcomes."""
    [b] = [b for b in re.split(r"\n(?=\S)", out)
           if b.startswith("%s:%d:" % (path, line))]
    vals = got_values(b)
    assert "5 outcomes" in b and len(vals) == 4, b
    assert all(check(v) for v in vals), b
    return b, vals


def test_nan_explore_finds_non_canonical_nans():
    # without the command memo every combination of the three commands'
    # five NaN options is a schedule (5 * 5 * 5); the memo walks each
    # command's options once per state it starts in (the NaNs go back to
    # the host, so the states differ only in the commands' outcomes) and
    # must find the same outcomes
    r = cmref("run", "--explore", "500", "--explore-no-memo", NAN)
    memo = cmref("run", "--explore", "500", NAN)
    assert r.rc == 1 and memo.rc == 1
    assert "explored 125 schedules (all of them" in r.out, r.out
    assert "(all of them" in memo.out, memo.out

    def outcomes(out):
        return sorted(re.sub(r" in \d+ of \d+ schedules; first: .*", "", x)
                      for x in out.splitlines() if x.startswith("  "))
    assert outcomes(memo.out) == outcomes(r.out)
    assert "choice kinds met: nan\n" in r.out
    # line 36: host -> component, f32; line 37: f64; line 39: component ->
    # component (a signalling NaN lifted, canonicalized, lowered again)
    for line, check in ((36, is_random_nan32), (37, is_random_nan64),
                        (39, is_random_nan32)):
        b, vals = other_nans(r.out, NAN, line, check)
        bits = 32 if check is is_random_nan32 else 64
        # both signs and both quiet-bit states occur among the NaNs offered
        assert {v >> (bits - 1) for v in vals} == {0, 1}
        quiet = 1 << (22 if bits == 32 else 51)
        assert {bool(v & quiet) for v in vals} == {True, False}
        assert "(not option 0 at: nan)" in b
    # not a NaN: no choice, the same bits under every schedule
    assert "%s:41:" % NAN not in r.out


def test_nan_random_policy_gives_non_canonical_nans():
    seen = []
    for seed in range(1, 6):
        r = cmref("run", "--sched", "random", "--seed", seed, NAN)
        seen += got_values(r.out)
    assert seen and all(is_random_nan32(v) or is_random_nan64(v)
                        for v in seen)


def test_profile_fixes_nans():
    """--profile: the spec's DETERMINISTIC_PROFILE; `nan` is no choice."""
    for seed in range(1, 6):
        r = cmref("run", "--profile", "--sched", "random", "--seed", seed,
                  NAN)
        assert r.rc == 0, r.out
    r = cmref("run", "--profile", "--explore", "50", NAN)
    assert r.rc == 0 and "explored 1 schedule (all of them" in r.out


def test_nan_through_a_stream_copy():
    """A stream copy loads each f32/f64 (canonicalize_nan) and stores it
    (maybe_scramble_nan): the default run and --profile give the
    canonical NaN for a signalling one, the walk finds the other NaNs of
    the choice, and a number passes unchanged (lines 63, 64: no choice
    changes them).  A copy that moved the bits as they are would fail
    the default run."""
    assert cmref("run", NAN_STREAM).rc == 0
    r = cmref("run", "--profile", "--explore", "50", NAN_STREAM)
    assert r.rc == 0 and "explored 1 schedule (all of them" in r.out, r.out
    r = cmref("run", "--explore", "500", NAN_STREAM)
    assert r.rc == 1 and "choice kinds met: nan\n" in r.out, r.out
    for line, check in ((61, is_random_nan32), (62, is_random_nan64)):
        other_nans(r.out, NAN_STREAM, line, check)
    assert "%s:63:" % NAN_STREAM not in r.out
    assert "%s:64:" % NAN_STREAM not in r.out


def test_nans_lifted_to_the_host_are_canonical():
    """Lifting is no choice: decode_i{32,64}_as_float canonicalize a NaN,
    so the host's values are the canonical NaN (printed "nan"; any other
    NaN would print its sign and payload).  The bare invokes' values come
    from `run --json`."""
    r = cmref("run", "--json", NAN_HOST)
    assert r.rc == 0, r.out
    got = [c.get("result") for c in json.loads(r.out)["files"][0]["commands"]
           if c["kind"] == "invoke"]
    assert got == ["(f64.const nan)", "(f32.const nan)",
                   "(f32.const -1e-45)"], got


def test_nan_choice_in_trace(tmp_path):
    t = tmp_path / "t.jsonl"
    r = cmref("run", "--choices", "3,0,0", "--trace", t, NAN)
    assert r.rc == 1
    assert "got (u32.const %d)" % 0x7f800001 in r.out
    choices = [json.loads(x) for x in t.read_text().splitlines()
               if '"ev":"choice"' in x]
    assert [(c["kind"], c["n"]) for c in choices] == [("nan", 5)] * 3
    assert [c["chosen"] for c in choices] == [3, 0, 0]


# ---- host ticks between commands ------------------------------------------

def test_host_tick_default_runs_no_tick():
    assert cmref("run", HOST_TICK).rc == 0


def test_host_tick_changes_outcome():
    r = cmref("run", "--choices", "0,1", HOST_TICK)
    assert r.rc == 1 and "expected (u32.const 0), got (u32.const 1)" in r.out
    r = cmref("run", "--explore", "20", HOST_TICK)
    assert r.rc == 1
    assert ("first: --choices 0,1 (not option 0 at: host-tick)" in r.out), \
        r.out
    assert "choice kinds met: wait-early, host-tick" in r.out


def test_host_tick_traced_between_commands(tmp_path):
    t = tmp_path / "t.jsonl"
    cmref("run", "--choices", "0,1", "--trace", t, HOST_TICK)
    evs = [json.loads(x) for x in t.read_text().splitlines()[1:]]
    names = [(e["ev"], e.get("kind"), e.get("name")) for e in evs]
    i = names.index(("choice", "host-tick", None))
    assert names.index(("invoke.return", None, None)) < i
    assert i < names.index(("invoke", None, "get"))
    assert evs[i]["n"] == 2 and evs[i]["chosen"] == 1


def test_host_tick_trap_fails_the_next_invoke(tmp_path):
    """A tick the host runs between commands can trap: the next invoke
    fails with that trap and is not made."""
    src = HOST_TICK.read_text()
    assert "(global.set $flag (i32.const 1))" in src
    f = tmp_path / "trapping_tick.wast"
    f.write_text(src.replace("(global.set $flag (i32.const 1))",
                             "unreachable"))
    assert cmref("run", f).rc == 0  # no tick by default: nothing traps
    t = tmp_path / "t.jsonl"
    r = cmref("run", "--choices", "0,1", "--trace", t, f)
    assert r.rc == 1
    assert "in a host tick before this call" in r.out, r.out
    evs = [json.loads(x)["ev"] for x in t.read_text().splitlines()[1:]]
    assert "host.trap" in evs
    assert evs[evs.index("host.trap"):].count("invoke") == 0


# ---- explore reaches every kind ---------------------------------------------

KINDS = ["tick", "sync-loop", "wait-early", "event", "cancel-thread", "nan",
         "error-message", "host-tick"]


def test_explore_reaches_every_kind():
    """choice_kinds.wast meets tick, sync-loop, event and cancel-thread
    (and wait-early, host-tick); nan_scramble.wast nan; cancel.wast
    error-message.  --explore walks them all and says which kind each
    outcome leaves the default at."""
    # the plain walk, whose schedule counts these are (test_explore.py: the
    # walk that cuts at states already explored finds the same outcomes)
    r = cmref("run", "--explore", "200", "--explore-plain",
              FIX / "choice_kinds.wast")
    assert "explored 40 schedules (all of them" in r.out, r.out
    # each component returns its option-1 value in some schedule
    assert "got (u32.const 2)\" in 20 of 40 schedules; first: --choices " \
        "1,0,0,0,0,0,0 (not option 0 at: cancel-thread)" in r.out, r.out
    assert "got (u32.const 21)" in r.out and \
        "(not option 0 at: sync-loop)" in r.out
    assert "(not option 0 at: event)" in r.out
    met = set()
    for f in (FIX / "choice_kinds.wast", NAN,
              ROOT / "spec-tests" / "async" / "cancel.wast"):
        out = cmref("run", "--explore", "200", f).out
        line = [x for x in out.splitlines()
                if x.startswith("choice kinds met: ")][0]
        met |= set(line[len("choice kinds met: "):].split(", "))
    assert met == set(KINDS)


# ---- the command line never ignores what it is told -----------------------

def usage_error(r, *words):
    assert r.rc == 2, (r.rc, r.out, r.err)
    for w in words:
        assert w in r.err, r.err
    assert "passed" not in r.out  # no results of a run that was not honoured


def test_choice_out_of_range():
    r = cmref("run", "--choices", "7", OPEN)
    usage_error(r, "--choices", "choice 1 is 7",
                "choice 1 (wait-early) has 2 options")


def test_surplus_choices():
    r = cmref("run", "--choices", "0,0,1", OPEN)
    usage_error(r, "3 choices given", "made only 1",
                "choices 2 to 3 were not used")
    r = cmref("run", "--choices", "0,0", OPEN)
    usage_error(r, "choice 2 was not used")


def test_seed_needs_random():
    usage_error(cmref("run", "--seed", "3", OPEN), "--seed",
                "--sched random")
    usage_error(cmref("run", "--sched", "deterministic", "--seed", "0", OPEN),
                "--seed")
    assert cmref("run", "--sched", "random", "--seed", "0", OPEN).rc in (0, 1)


def test_choices_given_twice_rejected(tmp_path):
    t = tmp_path / "t.jsonl"
    cmref("run", "--choices", "1", "--trace", t, OPEN)
    usage_error(cmref("run", "--choices", "0", "--replay", t, OPEN),
                "--replay after --choices")
    usage_error(cmref("run", "--choices", "0", "--choices", "1", OPEN),
                "give the choices once")


def test_random_with_forced_choices_rejected():
    usage_error(cmref("run", "--sched", "random", "--choices", "1", OPEN),
                "--sched random", "--choices")
    usage_error(cmref("run", "--sched", "random", "--explore", "3", OPEN),
                "--explore")


@pytest.mark.parametrize("content", [
    b"",
    b"(component)\n",
    b"\x00asm\x0d\x00\x01\x00garbage",
    b'{"seq":1,"ev":"invoke","name":"run"}\n',
    b'{"trace":"cmref","version":1}\n{"seq":1,"ev":"choice","kind":"nope",'
    b'"n":2,"chosen":1}\n',
], ids=["empty", "wast", "binary", "no-header", "unknown-kind"])
def test_replay_of_a_non_trace(tmp_path, content):
    f = tmp_path / "x.jsonl"
    f.write_bytes(content)
    usage_error(cmref("run", "--replay", f, OPEN), "--replay", str(f))


def test_replay_of_another_scripts_trace(tmp_path):
    t = tmp_path / "t.jsonl"
    cmref("run", "--choices", "1", "--trace", t, OPEN)
    r = cmref("run", "--replay", t, NAN)
    usage_error(r, "recorded as wait-early among 2 options",
                "nan among 5")
    # and of its own script it replays the run
    r = cmref("run", "--replay", t, OPEN)
    assert r.rc == 1 and "got (u32.const 2)" in r.out


# ---- no choice outside the scheduler ---------------------------------------

RANDOM_LIKE = re.compile(
    r"\b(s?rand(om)?|rand_r|[del]rand48|[ejn]rand48|arc4random\w*|"
    r"getrandom|shuffle\w*|time|clock)\s*\(")


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"//[^\n]*", " ", src)
    return re.sub(r'"(\\.|[^"\\])*"', '""', src)


def test_no_random_like_decision_in_canon_outside_sched():
    bad = []
    for f in sorted((ROOT / "canon").glob("*.[ch]")):
        if f.name in ("sched.c", "sched.h"):
            continue
        for m in RANDOM_LIKE.finditer(strip_comments(f.read_text())):
            bad.append("%s: %s" % (f.name, m.group(0)))
    assert not bad


def test_every_choice_kind_has_a_site_and_a_doc_row():
    sched = (ROOT / "canon" / "sched.c").read_text()
    names = re.search(r"kind_names\[CANON_NCHOICE_KINDS\] = \{(.*?)\};",
                      sched, re.S).group(1)
    names = re.findall(r'"([a-z-]+)"', names)
    enum = re.search(r"typedef enum canon_choice_kind \{(.*?)\}",
                     (ROOT / "canon" / "sched.h").read_text(), re.S).group(1)
    kinds = re.findall(r"\b(CANON_CHOICE_\w+)", enum)
    assert len(names) == len(kinds) == 8
    code = "".join(strip_comments(f.read_text())
                   for d in ("canon", "interp")
                   for f in sorted((ROOT / d).rglob("*.c"))
                   if f.name != "sched.c")
    for k in kinds:
        # (canon_sched_choose_among: a choice among objects, by kind too)
        assert re.search(r"canon_sched_choose(?:_among)?\([^;]*\b%s\b" % k,
                         code), k
    # every call of canon_sched_choose names its kind
    assert not re.search(r"canon_sched_choose\([^;]*\b\d+\s*,\s*\d",
                         code)
    cli = (ROOT / "docs" / "cli.md").read_text()
    for n in names:
        assert re.search(r"^\| `%s` \|" % re.escape(n), cli, re.M), n
