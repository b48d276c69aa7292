"""test_limits.py -- the Canonical ABI's limits and hostile values (issue
8): deep and exponentially shared types, handle floods, big lists,
strings and stream copies, each generated at test time (stress_canon.py
holds the generators; `make stress` runs them at full size).

What each test expects, and why:
  * a value type nests at most 100 levels (CANON_MAX_TYPE_DEPTH): depth 100
    validates and round-trips, 101 (and 10,000) is invalid with a message
    naming the limit;
  * a type's layout is derived once per node of its DAG: 99 variants each
    using the previous one twice (2^99 paths) validate and lift at once;
    tuple<t, t> nested 30 times is rejected by the spec-derived size limit
    (2^30 bytes > 2^28 - 1), not by running out of time;
  * --max-handles: resource.new in a loop traps "handle table is full ...
    (--max-handles)" after exactly that many handles;
  * --max-memory: lifting a value whose host form would exceed it traps
    naming the option (a list<u8> of 2^24 elements: the check is made
    before the list is built; 2^20 tuple leaves: counted as they are made);
  * --max-copy-bytes: stream copies of integers and floats go through in
    chunks and give the spec's result, also when source and destination
    overlap across a chunk boundary; a copy of strings larger than the
    limit traps naming it;
  * --fiber-stack-size: the smallest accepted stack (256K) still holds the
    deepest value type;
  * bad values for these options exit 2.
Each test runs with the normal and the sanitizer build (no sanitizer
report allowed).
"""

import pytest

import cmrun
import stress_canon as gen

SUMMARY_OK = "2 passed, 0 failed, 0 skipped"


def run_script(exe, tmp_path, text, *opts, timeout=120):
    path = tmp_path / "case.wast"
    path.write_text(text)
    r = cmrun.run([exe, "run", *opts, str(path)], timeout=timeout)
    note = r.crash_note()
    assert not note, "%s\n%s" % (note, r.err[-3000:])
    return r


def last_line(r):
    lines = r.out.strip().splitlines()
    return lines[-1] if lines else ""


# ---- type depth --------------------------------------------------------------

def test_type_depth_at_the_limit_works(exe, tmp_path):
    # 99 lists around u8: depth 100; the value (99 nested lists, the
    # innermost empty) is loaded, compared and freed
    r = run_script(exe, tmp_path, gen.deep_list(99))
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


@pytest.mark.parametrize("depth", [100, 10000])
def test_type_depth_beyond_the_limit_is_invalid(exe, tmp_path, depth):
    # (the script's expected value would nest too deep for the script
    # parser at 10000: a plain invoke)
    r = run_script(exe, tmp_path, gen.deep_list(depth, check=depth < 1000))
    assert r.rc == 1
    assert "type nesting depth 101 exceeds the limit of 100" in r.out, r.out


def test_record_option_chain_2000_deep(exe, tmp_path):
    r = run_script(exe, tmp_path, gen.shared_types(2000, "recopt") +
                   '(assert_return (invoke "f") (u8.const 0))\n')
    assert r.rc == 1
    assert "type nesting depth 101 exceeds the limit of 100" in r.out, r.out


# ---- types shared in a DAG --------------------------------------------------

def test_variant_dag_99_levels(exe, tmp_path):
    # zeroed memory: case "a" (discriminant 0) at every level, then u8 0
    text = (gen.shared_types(99, "variant") +
            '(assert_return (invoke "f") %s)\n' % gen.nested_variant_value(99))
    r = run_script(exe, tmp_path, text)
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_variant_dags_compared_at_instantiation(exe, tmp_path):
    # two distinct but equal DAGs of 2^99 paths: subtyping, visibility and
    # resource checks visit each pair of nodes once
    r = run_script(exe, tmp_path, gen.shared_types_linked(99))
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_tuple_dag_30_levels_too_big(exe, tmp_path):
    # 2^30 u8 leaves: elem_size 2^30 > 2^28 - 1
    r = run_script(exe, tmp_path, gen.shared_types(30, "tuple"))
    assert r.rc == 1
    assert "type size exceeds maximum byte size of 268435455" in r.out, r.out


def test_tuple_dag_value_hits_max_memory(exe, tmp_path):
    # 2^20 u8 leaves (1 MiB of memory, 2^21 - 1 value nodes on the host)
    text = (gen.shared_types(20, "tuple", pages=17) +
            '(assert_trap (invoke "f") "--max-memory")\n')
    r = run_script(exe, tmp_path, text, "--max-memory", "1M")
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_small_values_of_a_big_type_fit(exe, tmp_path):
    # 1000 `none`s of option<2^10 u8 leaves>: some 100 KB of values, though
    # a `some` would take 64 KB each: the early check uses a lower bound
    r = run_script(exe, tmp_path, gen.list_of_options(1000, 10),
                   "--max-memory", "1M")
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


# ---- handles ---------------------------------------------------------------

def test_max_handles(exe, tmp_path):
    r = run_script(exe, tmp_path,
                   gen.resource_flood("handle table is full: 1000 entries, "
                                      "the host's limit (--max-handles)"),
                   "--max-handles", "1000")
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_thread_per_function(exe, tmp_path):
    # 300 distinct functions of one table, a thread of each: each is a
    # callee of its own (the table's callee index grows past its first
    # 16 slots, rehashing several times) and every thread runs once
    r = run_script(exe, tmp_path, gen.thread_per_function(300))
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_explore_many_objects(exe, tmp_path):
    # 2000 waitable sets and 2000 references in a table at each of the
    # two choices: the digest labels them all; the walk is the same small
    # one (both yields may return at once or block: 4 schedules)
    r = run_script(exe, tmp_path, gen.explore_many_objects(2000),
                   "--explore", "100")
    assert r.rc == 0, r.out + r.err
    assert r.out.splitlines()[0] == gen.EXPLORE_MANY_SUMMARY, r.out


# ---- host memory of lifted values -------------------------------------------

def test_big_list_hits_max_memory_at_once(exe, tmp_path):
    # 2^24 elements of about 64 host bytes each > 512 MiB (the default)
    r = run_script(exe, tmp_path, gen.big_list(1 << 24, "--max-memory"))
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


# ---- stream copies -----------------------------------------------------------

@pytest.mark.parametrize("elem,size", [("u8", 1), ("u32", 4), ("f32", 4),
                                       ("f64", 8)])
@pytest.mark.parametrize("copy_bytes", [None, "4K"])
def test_stream_copy_in_chunks(exe, tmp_path, elem, size, copy_bytes):
    n = (1 << 20) // size
    opts = ["--max-copy-bytes", copy_bytes] if copy_bytes else []
    r = run_script(exe, tmp_path, gen.stream_copy(n, elem, size), *opts)
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


def test_stream_copy_of_strings_hits_max_copy_bytes(exe, tmp_path):
    # 10 strings: 10 value nodes, more than 100 bytes
    text = gen.stream_copy_two(10, "string", 8, "--max-copy-bytes")
    r = run_script(exe, tmp_path, text, "--max-copy-bytes", "100")
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


# ---- strings -----------------------------------------------------------------

@pytest.mark.parametrize("src,dst", [("utf8", "utf8"), ("utf8", "utf16"),
                                     ("utf16", "utf8"),
                                     ("utf8", "latin1+utf16"),
                                     ("utf16", "latin1+utf16"),
                                     ("latin1+utf16", "utf8")])
def test_string_of_a_million_code_units(exe, tmp_path, src, dst):
    r = run_script(exe, tmp_path, gen.string_pass(1 << 20, src, dst))
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


# ---- fiber stacks ------------------------------------------------------------

def test_smallest_fiber_stack_holds_the_deepest_type(exe, tmp_path):
    r = run_script(exe, tmp_path, gen.deep_list(99),
                   "--fiber-stack-size", "256K")
    assert r.rc == 0 and last_line(r) == SUMMARY_OK, r.out


# ---- option values -----------------------------------------------------------

@pytest.mark.parametrize("opt,value", [
    ("--max-handles", "0"), ("--max-handles", "268435456"),
    ("--max-memory", "0"), ("--max-memory", "1X"), ("--max-memory", "-1"),
    ("--max-copy-bytes", ""), ("--fiber-stack-size", "128K"),
])
def test_bad_limit_values_exit_2(exe, tmp_path, opt, value):
    path = tmp_path / "empty.wast"
    path.write_text("")
    r = cmrun.run([exe, "run", opt, value, str(path)], timeout=30)
    assert r.rc == 2, (r.rc, r.err)
    assert opt in r.err, r.err
