#!/usr/bin/env python3
"""stress_canon.py -- hostile inputs for the Canonical ABI side of cmref
(issue 8): deep and exponentially shared types, handle floods, maximal
lists, strings and stream copies.

As a module it holds the generators that harness/test_limits.py uses at
small sizes; run as a script (`make stress`) it runs the big ones and
prints, for each, the outcome, the wall and CPU time and the peak RSS of
the cmref process:

    python3 harness/stress_canon.py [--cmref build/cmref] [--only NAME]

Every script is generated into a temporary directory, never committed.
Each case states what must happen (its expected summary line or message);
the script exits 1 if any case does not do so.
"""

import argparse
import os
import sys
import tempfile

from measure import run_measured

# ---- generators: each returns the text of a .wast script -----------------

REALLOC_TRAP = '(func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)'


def deep_list(depth, check=True):
    """An export returning list<list<...list<u8>...>> nested `depth` lists
    deep (type depth depth + 1); each level holds one element, the
    innermost list is empty.  Level k's (ptr, len) pair is at 8 * k."""
    types = ["  (type $t0 (list u8))"]
    types += ["  (type $t%d (list $t%d))" % (k, k - 1) for k in range(1, depth)]
    data = b"".join(((8 * (k - 1)) if k else 0).to_bytes(4, "little") +
                    (1 if k else 0).to_bytes(4, "little")
                    for k in range(depth))
    pages = (len(data) + 65535) // 65536 + 1
    esc = "".join("\\%02x" % b for b in data)
    return returning_component(
        "\n".join(types), pages, esc, 8 * (depth - 1), depth - 1) + "%s\n" % (
        '(assert_return (invoke "f") %s)' % nested_list_value(depth)
        if check else '(invoke "f")')


def returning_component(types, pages, data, result_ptr, last):
    """A component with the type definitions `types` and a core module
    whose memory (`pages` pages, the escaped bytes `data` at 0 unless
    None) holds a value at result_ptr; its export "f" lifts that value as
    $t<last>."""
    data = "" if data is None else '\n    (data (i32.const 0) "%s")' % data
    return """(component
%s
  (core module $M
    (memory (export "mem") %d)%s
    (func (export "f") (result i32) (i32.const %d))
    %s)
  (core instance $m (instantiate $M))
  (func (export "f") (result $t%d)
    (canon lift (core func $m "f") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc")))))
""" % (types, pages, data, result_ptr, REALLOC_TRAP, last)


def nested_list_value(depth):
    """The value deep_list(depth)'s export returns."""
    v = "(list.const)"
    for _ in range(depth - 1):
        v = "(list.const %s)" % v
    return v


def shared_types(depth, kind, result_ptr=0, pages=1, max_memory=None):
    """A chain of `depth` type definitions, each using the previous one
    twice (variant: 2 cases; tuple: 2 fields: 2^depth paths in `depth` + 1
    nodes) or once (recopt: a record of an option of it).  Each type is
    exported (named types must be).  The export "f" returns the last one
    from memory at result_ptr (all zeros)."""
    def ty(k):
        p = "$t%d" % (k - 1)
        return {"variant": '(variant (case "a" %s) (case "b" %s))' % (p, p),
                "tuple": "(tuple %s %s)" % (p, p),
                "recopt": '(record (field "a" (option %s)))' % p}[kind]
    lines = ['  (type $d0 u8) (export $t0 "t0" (type $d0))']
    for k in range(1, depth + 1):
        lines.append('  (type $d%d %s) (export $t%d "t%d" (type $d%d))'
                     % (k, ty(k), k, k, k))
    return returning_component("\n".join(lines), pages, None, result_ptr,
                               depth)


def shared_types_linked(depth):
    """Component A exports a function whose result is the last of
    `depth` variant types each using the previous twice; component B
    defines the same types itself and imports such a function:
    instantiating B with A's export compares two distinct type DAGs of
    2^depth paths each.  B's "run" calls it and returns 7."""
    def chain(indent, how):
        lines = ['%s(type $d0 u8) (export $t0 "t0" (type $d0))' % indent
                 if how == "export" else
                 '%s(type $d0 u8) (import "t0" (type $t0 (eq $d0)))' % indent]
        for k in range(1, depth + 1):
            lines.append('%s(type $d%d (variant (case "a" $t%d) (case "b" $t%d)))'
                         ' (import "t%d" (type $t%d (eq $d%d)))'
                         % (indent, k, k - 1, k - 1, k, k, k)
                         if how == "import" else
                         '%s(type $d%d (variant (case "a" $t%d) (case "b" $t%d)))'
                         ' (export $t%d "t%d" (type $d%d))'
                         % (indent, k, k - 1, k - 1, k, k, k))
        return "\n".join(lines)
    withs = " ".join('(with "t%d" (type $a "t%d"))' % (k, k)
                     for k in range(depth + 1))
    return """(component
  (component $A
%s
    (core module $M
      (memory (export "mem") 1)
      (func (export "f") (result i32) (i32.const 0))
      %s)
    (core instance $m (instantiate $M))
    (func (export "f") (result $t%d)
      (canon lift (core func $m "f") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (instance $a (instantiate $A))
  (component $B
%s
    (import "f" (func $f (result $t%d)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $lf (canon lower (func $f) (memory (core memory $mem "mem"))))
    (core module $U
      (import "" "f" (func $f (param i32)))
      (func (export "run") (result i32) (call $f (i32.const 0)) (i32.const 7)))
    (core instance $u (instantiate $U (with "" (instance (export "f" (func $lf))))))
    (func (export "run") (result u32) (canon lift (core func $u "run"))))
  (instance $b (instantiate $B (with "f" (func $a "f")) %s))
  (export "run" (func $b "run")))
(assert_return (invoke "run") (u32.const 7))
""" % (chain("    ", "export"), REALLOC_TRAP, depth, chain("    ", "import"),
       depth, withs)


def list_export(types, pages, n, result, assertion):
    """A component (its type definitions first) exporting "f", which
    returns a list of n zeroed elements of type `result` at offset 16 of a
    memory of `pages` pages; then the assertion on it."""
    return """(component
%s  (core module $M
    (memory (export "mem") %d)
    (func (export "f") (result i32)
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const %d))
      (i32.const 0))
    %s)
  (core instance $m (instantiate $M))
  (func (export "f") (result %s)
    (canon lift (core func $m "f") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc")))))
%s
""" % (types, pages, n, REALLOC_TRAP, result, assertion)


def list_of_options(n, depth):
    """An export returning a list of n option<t> where t is tuple<t', t'>
    nested `depth` times over u8, every element `none` (zeroed memory):
    small values of a type whose biggest values are big."""
    elem = 1 + (1 << depth)
    pages = (16 + n * elem + 65535) // 65536
    lines = ['  (type $d0 u8) (export $t0 "t0" (type $d0))']
    for k in range(1, depth + 1):
        lines.append('  (type $d%d (tuple $t%d $t%d)) (export $t%d "t%d" (type $d%d))'
                     % (k, k - 1, k - 1, k, k, k))
    lines.append('  (type $do (list (option $t%d))) (export $to "to" (type $do))'
                 % depth)
    return list_export("\n".join(lines) + "\n", pages, n, "$to",
                       '(assert_return (invoke "f") (list.const %s))'
                       % " ".join(["(option.none)"] * n))


def resource_flood(expect="--max-handles"):
    """resource.new in an endless loop: the handle table fills up."""
    return """(component
  (type $R (resource (rep i32)))
  (core func $new (canon resource.new $R))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "run") (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (call $new (local.get $i)))
        (br $l))
      (local.get $i)))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))
(assert_trap (invoke "run") "%s")
""" % expect


def thread_per_function(n):
    """A table of n distinct functions; run starts a thread of each in
    turn with thread.new-indirect and switches to it (the thread counts
    itself and makes run's thread ready again), then returns the count: n.
    Each distinct function is a new callee for the table: linear work
    (issue 13 review: the callees were found by scanning them all)."""
    funcs = "\n".join(
        "    (func $w%d (param i32) (global.set $c (i32.add (global.get $c) "
        "(i32.const 1))) (call $later (i32.const 1)))" % i for i in range(n))
    elems = " ".join("$w%d" % i for i in range(n))
    return """(component
  (core module $Table (table (export "t") %(n)d funcref))
  (core instance $table (instantiate $Table))
  (core module $M
    (import "" "t" (table %(n)d funcref))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "switch" (func $switch (param i32) (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (global $c (mut i32) (i32.const 0))
%(funcs)s
    (elem (i32.const 0) func %(elems)s)
    (func (export "run") (local $i i32)
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $i) (i32.const %(n)d)))
        (drop (call $switch (call $new (local.get $i) (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (call $task.return (global.get $c))))
  (core type $start (func (param i32)))
  (alias core export $table "t" (core table $t))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (canon thread.suspend-then-resume (core func $switch))
  (canon thread.resume-later (core func $later))
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance
    (export "t" (table $t)) (export "new" (func $new))
    (export "switch" (func $switch)) (export "later" (func $later))
    (export "task.return" (func $task.return))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run") async)))
(assert_return (invoke "run") (u32.const %(n)d))
""" % {"n": n, "funcs": funcs, "elems": elems}


def explore_many_objects(n):
    """For --explore: an async export that makes n waitable sets, with a
    table of n references to the last of n functions, then yields twice
    (two wait-early choices: 4 schedules) and returns n, the last set's
    index.  Each state digest labels the n sets and the n references:
    linear work (the labels and the functions were found by scanning)."""
    funcs = "\n".join("    (func $f%d)" % i for i in range(n))
    elems = " ".join(["$f%d" % (n - 1)] * n)
    return """(component
  (core module $M
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "yield" (func $yield (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (table %(n)d funcref)
%(funcs)s
    (elem (i32.const 0) func %(elems)s)
    (func (export "run") (local $i i32) (local $w i32)
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $i) (i32.const %(n)d)))
        (local.set $w (call $ws.new))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (drop (call $yield))
      (drop (call $yield))
      (call $task.return (local.get $w))))
  (canon waitable-set.new (core func $ws.new))
  (canon thread.yield (core func $yield))
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance
    (export "ws.new" (func $ws.new)) (export "yield" (func $yield))
    (export "task.return" (func $task.return))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run") async)))
(assert_return (invoke "run") (u32.const %(n)d))
""" % {"n": n, "funcs": funcs, "elems": elems}


EXPLORE_MANY_SUMMARY = ("explored 4 schedules (all of them; longest: 2 "
                        "choices): 0 of 2 commands vary")


def big_list(length, expect):
    """An export returning a list<u8> of `length` zero bytes."""
    pages = (length + 16 + 65535) // 65536
    return list_export("", pages, length, "(list u8)",
                       '(assert_trap (invoke "f") "%s")' % expect)


def string_pass(n, src="utf8", dst="utf8"):
    """Component A returns a string of n 'a's (code units) in encoding
    src; component B lowers it with encoding dst through a bump realloc
    and returns how many code units it got (n: all ASCII)."""
    unit = 2 if src == "utf16" else 1
    nbytes = n * unit
    pages = (nbytes + 16 + 65535) // 65536
    fill = ("(memory.fill (i32.const 16) (i32.const 97) (i32.const %d))"
            % nbytes if unit == 1 else
            """(local.set $i (i32.const 16))
        (loop $l
          (i32.store16 (local.get $i) (i32.const 97))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const %d))))"""
            % (16 + nbytes))
    return """(component
  (component $A
    (core module $M
      (memory (export "mem") %d)
      (func (export "f") (result i32)
        (local $i i32)
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const %d))
        %s
        (i32.const 0))
      %s)
    (core instance $m (instantiate $M))
    (func (export "f") (result string)
      (canon lift (core func $m "f") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) string-encoding=%s)))
  (instance $a (instantiate $A))
  (component $B
    (import "f" (func $f (result string)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $R
      (import "m" "mem" (memory 1))
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7))
                               (i32.const -8)))
        (if (i32.lt_u (i32.sub (i32.mul (memory.size) (i32.const 65536))
                               (local.get $r))
                      (local.get 3))
          (then (drop (memory.grow
            (i32.add (i32.shr_u (local.get 3) (i32.const 16)) (i32.const 1))))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r)))
    (core instance $r (instantiate $R (with "m" (instance $mem))))
    (core func $lf (canon lower (func $f) (memory (core memory $mem "mem"))
      (realloc (core func $r "realloc")) string-encoding=%s))
    (core module $U
      (import "f" "f" (func $f (param i32)))
      (import "m" "mem" (memory 1))
      (func (export "run") (result i32)
        (call $f (i32.const 16))
        (i32.load (i32.const 20))))
    (core instance $u (instantiate $U (with "f" (instance (export "f" (func $lf))))
                                      (with "m" (instance $mem))))
    (func (export "run") (result u32) (canon lift (core func $u "run"))))
  (instance $b (instantiate $B (with "f" (func $a "f"))))
  (export "run" (func $b "run")))
(assert_return (invoke "run") (u32.const %d))
""" % (pages, n, fill, REALLOC_TRAP, src, dst, n)


def stream_copy(n, elem="u8", elem_size=1):
    """One instance writes n elements of stream<elem> from address 0 and
    reads them to address 16 (the ranges overlap, the destination above the
    source).  Before the copy, the words at 262080..262208 (around the
    first 256 KiB chunk boundary) hold their own addresses; afterwards each
    must be found 16 bytes higher, as if every element had been read before
    any was written (the spec's read-then-write).  The read completes with
    COMPLETED | n << 4 (as a u32)."""
    nbytes = n * elem_size
    pages = (nbytes + 16 + 65535) // 65536 + 1
    res = (n << 4) & 0xFFFFFFFF
    return """(component
  (core module $Mem (memory (export "mem") %d))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (func $check (param i32 i32)
      (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
    (func (export "run") (result i32)
      (local $ends i64) (local $r i32) (local $w i32) (local $i i32)
      (local.set $ends (call $stream.new))
      (local.set $r (i32.wrap_i64 (local.get $ends)))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $i (i32.const 262080))
      (loop $l
        (i32.store (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 262208))))
      (call $check (call $stream.write (local.get $w) (i32.const 0) (i32.const %d))
                   (i32.const -1))
      (call $check (call $stream.read (local.get $r) (i32.const 16) (i32.const %d))
                   (i32.const %d))
      (local.set $i (i32.const 262080))
      (loop $l
        (call $check (i32.load (i32.add (local.get $i) (i32.const 16))) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 262192))))
      (i32.const 1)))
  (type $S (stream %s))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $stream.read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $stream.write))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "stream.new" (func $stream.new)) (export "stream.read" (func $stream.read))
    (export "stream.write" (func $stream.write))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))
(assert_return (invoke "run") (u32.const 1))
""" % (pages, n, n, res - (1 << 32) if res >= 1 << 31 else res, elem)


def stream_copy_two(n, elem, elem_size, expect):
    """stream<elem> between two instances (non-numeric types may not have
    both ends in one): A writes n zeroed elements, B reads them.  The
    outcome is checked by `expect`, a trap message."""
    nbytes = n * elem_size
    pages = (nbytes + 16 + 65535) // 65536 + 1
    return """(component
  (type $S (stream %s))
  (component $W
    (type $S (stream %s))
    (core module $Mem (memory (export "mem") %d))
    (core instance $mem (instantiate $Mem))
    (core func $new (canon stream.new $S))
    (core func $write (canon stream.write $S async (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "new" (func $new (result i64)))
      (import "" "write" (func $write (param i32 i32 i32) (result i32)))
      (global $w (mut i32) (i32.const 0))
      (func (export "make") (result i32)
        (local $ends i64)
        (local.set $ends (call $new))
        (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (i32.wrap_i64 (local.get $ends)))
      (func (export "write") (result i32)
        (call $write (global.get $w) (i32.const 0) (i32.const %d))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "write" (func $write))))))
    (func (export "make") (result $S) (canon lift (core func $m "make")))
    (func (export "write") (result s32) (canon lift (core func $m "write"))))
  (instance $w (instantiate $W))
  (component $R
    (type $S (stream %s))
    (import "make" (func $make (result $S)))
    (import "write" (func $write (result s32)))
    (core module $Mem
      (memory (export "mem") %d)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
    (core instance $mem (instantiate $Mem))
    (core func $make (canon lower (func $make)))
    (core func $write (canon lower (func $write)))
    (core func $read (canon stream.read $S async (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "make" (func $make (result i32)))
      (import "" "write" (func $write (result i32)))
      (import "" "read" (func $read (param i32 i32 i32) (result i32)))
      (func (export "run") (result i32)
        (local $r i32)
        (local.set $r (call $make))
        (drop (call $write))
        (call $read (local.get $r) (i32.const 0) (i32.const %d))))
    (core instance $m (instantiate $M (with "" (instance
      (export "make" (func $make)) (export "write" (func $write))
      (export "read" (func $read))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $r (instantiate $R (with "make" (func $w "make"))
                               (with "write" (func $w "write"))))
  (export "run" (func $r "run")))
(assert_trap (invoke "run") "%s")
""" % (elem, elem, pages, n, elem, pages, n, expect)


# ---- running --------------------------------------------------------------

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")

def big_cases():
    """(name, script text, extra options, text the output must contain)"""
    return [
        ("list nested 10000 deep", deep_list(10000, check=False), [],
         "type nesting depth 101 exceeds the limit of 100"),
        ("record/option chain 2000 deep", shared_types(2000, "recopt"), [],
         "type nesting depth 101 exceeds the limit of 100"),
        ("tuple(prev, prev) nested 30 times", shared_types(30, "tuple"), [],
         "type size exceeds maximum byte size"),
        ("variant(prev, prev) nested 99 times (2^99 paths)",
         shared_types(99, "variant") + '(assert_return (invoke "f") %s)\n'
         % nested_variant_value(99), [], "2 passed, 0 failed"),
        ("tuple(prev, prev) nested 27 times, lifted (2^27 leaves)",
         shared_types(27, "tuple", pages=2050) +
         '(assert_trap (invoke "f") "--max-memory")\n', [],
         "2 passed, 0 failed"),
        ("two variant DAGs of 2^99 paths compared at instantiation",
         shared_types_linked(99), [], "2 passed, 0 failed"),
        ("resource.new loop", resource_flood(), [], "2 passed, 0 failed"),
        ("thread.new-indirect of 50,000 distinct functions",
         thread_per_function(50000), [], "2 passed, 0 failed"),
        ("--explore, 100,000 waitable sets and table references",
         explore_many_objects(100000), ["--explore", "100"],
         EXPLORE_MANY_SUMMARY),
        ("list<u8> of 2^28-1 elements lifted", big_list((1 << 28) - 1,
                                                        "--max-memory"), [],
         "2 passed, 0 failed"),
        ("stream<u8> copy of 2^28-1 elements", stream_copy((1 << 28) - 1),
         [], "2 passed, 0 failed"),
        ("stream<f32> copy of 2^26 elements",
         stream_copy(1 << 26, "f32", 4), [], "2 passed, 0 failed"),
        ("stream<string> copy of 2^24 elements",
         stream_copy_two(1 << 24, "string", 8, "--max-copy-bytes"), [],
         "2 passed, 0 failed"),
        ("string of 2^28-1 bytes, utf8 to utf8",
         string_pass((1 << 28) - 1), [], "2 passed, 0 failed"),
        ("string of 2^27-1 code units, utf16 to utf8",
         string_pass((1 << 27) - 1, "utf16", "utf8"), [], "2 passed, 0 failed"),
        ("string of 2^27 bytes, utf8 to latin1+utf16",
         string_pass(1 << 27, "utf8", "latin1+utf16"), [],
         "2 passed, 0 failed"),
    ]


def nested_variant_value(depth):
    v = "(u8.const 0)"
    for _ in range(depth):
        v = '(variant.const "a" %s)' % v
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cmref", action="append", default=None,
                    help="the cmref binary (may be repeated; default: "
                    "$CMREF and $CMREF_ASAN, as make stress sets them, "
                    "else build/cmref)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", default=None, help="run the cases whose name "
                    "contains this")
    args = ap.parse_args()
    binaries = args.cmref or [b for b in (os.environ.get("CMREF"),
                                          os.environ.get("CMREF_ASAN")) if b] \
        or ["build/cmref"]
    return 1 if any(run_all(b, args) for b in binaries) else 0


def run_all(cmref, args):
    """Every big case through one binary: the number that went wrong."""
    args.cmref = cmref
    bad = 0
    print("%-58s %7s %7s %9s  %s" % ("case (cmref %s)" % args.cmref, "wall s",
                                     "cpu s", "max RSS", "outcome"))
    with tempfile.TemporaryDirectory() as d:
        for i, (name, text, opts, want) in enumerate(big_cases()):
            if args.only and args.only not in name:
                continue
            path = os.path.join(d, "case%d.wast" % i)
            with open(path, "w") as f:
                f.write(text)
            rc, out, err, wall, cpu, rss, _ = run_measured(
                [args.cmref, "run", *opts, path], args.timeout)
            report = next((m for m in SANITIZER_MARKERS if m in err), None)
            ok = want in out + err and rc >= 0 and not report
            if report:
                want = "no sanitizer report, got: " + report
            bad += not ok
            last = (out + err).strip().splitlines()
            print("%-58s %7.2f %7.2f %6d MiB  %s" % (
                name[:58], wall, cpu, rss // 1024,
                "ok" if ok else "UNEXPECTED (rc %d, wanted %s): %s" % (
                    rc, want, last[-1][:200] if last else "")), flush=True)
    return bad


if __name__ == "__main__":
    sys.exit(main())
