#!/usr/bin/env python3
"""sched_gen.py -- random async programs that make the scheduler choose,
and a check of `cmref run --explore` on them.

harness/fuzz/async_gen.c makes programs that call the async built-ins at
random; most trap or finish before the scheduler has a choice to make
(300 of them have about 300 schedules between them).  The programs here
are built the other way round: N concurrent calls into one server whose
handlers (stackful, or callback-lifted with the step in context slot 0)
race on a shared global around yields, hold backpressure across a yield,
call a leaf component synchronously or asynchronously, start threads of
their own (thread.new-indirect, thread.resume-later), suspend until a
thread of their own wakes them (thread.suspend, or
thread.suspend-then-promote of the waker) or switch to one that
switches back (thread.suspend-then-resume, thread.yield-then-resume), and
end a cancelled yield with task.cancel; the client may cancel one call,
may hand values through a stream or a future to a reader task of the
server (which may cancel a read that blocked, after one yield:
stream.cancel-read) and may cancel a write that is under way (stream.cancel-write,
then drop the end; future.cancel-write, then write again), may read
values back from a stream the server writes after its task returned, and
may lend a resource it made in the server to a server task that yields
(the own handle dropped once every call resolved).  So the
order in which Store.tick resumes threads, whether a yield returns at
once (Thread.wait_until, `wait-early`), which pending event a waitable
set delivers and whether a cancellation comes before or after a call
starts or returns change the values the program returns.  Every program
is valid, ends in every schedule, and returns

    (tuple u32 u32 u32):  the order the client saw the calls resolve in
                          (a hash of subtask indices, + 8 for a cancelled
                          one), the sum of the handlers' results, the
                          server's global at the end

from a bare `(invoke "run")`, whose values --explore reports with each
outcome (`result`).

The check (`check(seed)`; test_explore.py runs a few seeds, `make
explore-gen` more):

  * the reduced walk (state cut, sleep sets, command memo) is complete,
    and every cut it makes holds (--explore-verify-cuts);
  * where the plain depth-first walk (--explore-plain) and the walk cut
    at explored states alone (--explore-no-memo --explore-no-sleep)
    finish within their budget, every command has the same set of
    outcomes -- status, message and values -- in all of them;
  * `run --sched random` with several seeds gives, for every command, an
    outcome the walk found, and its trace without its choice events is
    allowed by `--check-trace` (or undecided within its search budget):
    the trace checker must find a schedule for cmref's own trace.

The random scheduler never reads digests, sleep sets or the memo, and
the plain walk takes every choice: a reduction that cut an outcome away
fails one of these.

usage: sched_gen.py SEED                      print the program of SEED
       sched_gen.py --check CMREF FIRST COUNT check seeds FIRST.. (exit 1
                                              on a difference)
"""
import json
import os
import random
import subprocess
import sys
import tempfile

from explore_check import unverified

# ---- the program -----------------------------------------------------------

# the leaf component: `work` yields and updates its own global
LEAF = """\
  (component $T
    (core module $M
      (import "" "yield" (func $yield (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (global $g (mut i32) (i32.const 0))
      (func (export "work") (param $x i32) (local $t i32)
{body}
        (call $task.return (i32.add (global.get $g) (local.get $x)))))
    (canon thread.yield (core func $yield))
    (canon task.return (result u32) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "yield" (func $yield)) (export "task.return" (func $task.return))))))
    (func (export "work") async (param "x" u32) (result u32)
      (canon lift (core func $m "work") async)))
"""

SERVER = """\
  (component $S
{import_work}
    (core module $Mem (memory (export "mem") 1) (table (export "t") 3 funcref)
      (data (i32.const 0x7f0) "oops")
      ;; the realloc error-context.debug-message calls
      (global $bump (mut i32) (i32.const 0x800))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (i32.sub (global.get $bump) (local.get 3))))
    (core instance $mem (instantiate $Mem))
    (type $r' (resource (rep i32)))
    (export $r "r" (type $r'))
    (core func $r.new (canon resource.new $r'))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "r.new" (func $r.new (param i32) (result i32)))
      (import "" "t" (table 3 funcref))
      (import "" "t.new" (func $t.new (param i32 i32) (result i32)))
      (import "" "t.later" (func $t.later (param i32)))
      (import "" "t.index" (func $t.index (result i32)))
      (import "" "t.suspend" (func $t.suspend (result i32)))
      (import "" "t.sus-res" (func $t.sus-res (param i32) (result i32)))
      (import "" "t.yld-res" (func $t.yld-res (param i32) (result i32)))
      (import "" "t.sus-pro" (func $t.sus-pro (param i32) (result i32)))
      (import "" "bp.inc" (func $bp.inc))
      (import "" "bp.dec" (func $bp.dec))
      (import "" "yield" (func $yield (result i32)))
      (import "" "yield-c" (func $yield-c (result i32)))
      (import "" "task.cancel" (func $task.cancel))
      (import "" "work" (func $work (param i32) (result i32)))
      (import "" "work-async" (func $work-async (param i32 i32) (result i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
      (import "" "s.drop-r" (func $s.drop-r (param i32)))
      (import "" "s.cancel-r" (func $s.cancel-r (param i32) (result i32)))
      (import "" "s.new" (func $s.new (result i64)))
      (import "" "s.write" (func $s.write (param i32 i32 i32) (result i32)))
      (import "" "s.drop-w" (func $s.drop-w (param i32)))
      (import "" "task.return-s" (func $task.return-s (param i32)))
      (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
      (import "" "ec.msg" (func $ec.msg (param i32 i32)))
      (import "" "ec.drop" (func $ec.drop (param i32)))
      (import "" "f.read" (func $f.read (param i32 i32) (result i32)))
      (import "" "f.drop-r" (func $f.drop-r (param i32)))
      (global $g (mut i32) (i32.const 0))
      ;; a thread a handler starts (spawn): updates the counter when it
      ;; runs, and ends
      (func $helper (param $c i32)
        (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 3))
                                (i32.add (local.get $c) (i32.const 11)))))
      ;; a thread that wakes the handler's thread $c, which suspended
      ;; itself (suspend): updates the counter, then thread.resume-later
      (func $waker (param $c i32)
        (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 7))
                                (i32.const 5)))
        (call $t.later (local.get $c)))
      ;; a thread the handler's thread $c switched to with
      ;; thread.suspend-then-resume (switch): updates the counter, then
      ;; switches back with thread.yield-then-resume and ends when it is
      ;; resumed again
      (func $switcher (param $c i32)
        (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 7))
                                (i32.const 9)))
        (drop (call $t.yld-res (local.get $c))))
      (elem (i32.const 0) func $helper $waker $switcher)
{handler}
      ;; feed(s): reads values one at a time until it has {k} (or the
      ;; writer is gone), folding each into the counter, and returns their
      ;; sum; unless $waited starts at 1, the first read that blocks is
      ;; given one yield and then cancelled (stream.cancel-read: the value,
      ;; if the writer came in time, or CANCELLED), then read again
      (func (export "feed") (param $s i32)
        (local $k i32) (local $r i32) (local $ws i32) (local $sum i32)
        (local $waited i32)
        (local.set $waited (i32.const {no_cancel_read}))
        (local.set $ws (call $ws.new))
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $k) (i32.const {k})))
          (local.set $r (call $s.read (local.get $s) (i32.const 0x400) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then
              (if (local.get $waited)
                (then
                  (call $join (local.get $s) (local.get $ws))
                  (drop (call $ws.wait (local.get $ws) (i32.const 0x410)))
                  (local.set $r (i32.load (i32.const 0x414))))
                (else
                  (local.set $waited (i32.const 1))
                  (drop (call $yield))
                  (local.set $r (call $s.cancel-r (local.get $s)))
                  (global.set $g (i32.xor (global.get $g)
                                          (i32.shl (local.get $r) (i32.const 8))))))))
          (if (i32.shr_u (local.get $r) (i32.const 4))
            (then
              (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 5))
                                      (i32.load (i32.const 0x400))))
              (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 0x400))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))))
          (br_if $done (i32.eq (i32.and (local.get $r) (i32.const 15))
                               (i32.const 1 (; DROPPED ;))))
          (br $next)))
        (call $s.drop-r (local.get $s))
        (call $task.return (local.get $sum)))
      ;; await(f): the future's value, folded into the counter
      (func (export "await") (param $f i32) (local $ws i32)
        (if (i32.eq (call $f.read (local.get $f) (i32.const 0x420))
                    (i32.const -1 (; BLOCKED ;)))
          (then
            (local.set $ws (call $ws.new))
            (call $join (local.get $f) (local.get $ws))
            (drop (call $ws.wait (local.get $ws) (i32.const 0x430)))))
        (global.set $g (i32.xor (global.get $g) (i32.load (i32.const 0x420))))
        (call $f.drop-r (local.get $f))
        (call $task.return (i32.load (i32.const 0x420))))
      ;; produce(n): returns a stream at once, then writes n values into
      ;; it, each made from the counter when it is written (the writes
      ;; go on after task.return, in the resolved task's thread)
      (func (export "produce") (param $n i32)
        (local $se i64) (local $sw i32) (local $w i32) (local $ws i32)
        (local $r i32)
        (local.set $se (call $s.new))
        (local.set $sw (i32.wrap_i64 (i64.shr_u (local.get $se) (i64.const 32))))
        (call $task.return-s (i32.wrap_i64 (local.get $se)))
        (local.set $ws (call $ws.new))
        (block $b (loop $l
          (br_if $b (i32.ge_u (local.get $w) (local.get $n)))
          (i32.store (i32.const 0x440)
                     (i32.add (i32.mul (global.get $g) (i32.const 2)) (local.get $w)))
          (local.set $r (call $s.write (local.get $sw) (i32.const 0x440) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then
              (call $join (local.get $sw) (local.get $ws))
              (drop (call $ws.wait (local.get $ws) (i32.const 0x450)))
              (call $join (local.get $sw) (i32.const 0))
              (local.set $r (i32.load (i32.const 0x454)))))
          (br_if $b (i32.eq (i32.and (local.get $r) (i32.const 15))
                            (i32.const 1 (; DROPPED ;))))
          (local.set $w (i32.add (local.get $w) (i32.const 1)))
          (br $l)))
        (call $s.drop-w (local.get $sw)))
      ;; make(x): a resource of rep x; lend(rep): the rep of a borrowed
      ;; one, folded into the counter after a yield
      (func (export "make") (param $x i32) (result i32) (call $r.new (local.get $x)))
      (func (export "lend") (param $rep i32)
        (drop (call $yield))
        (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 7))
                                (local.get $rep)))
        (call $task.return (local.get $rep)))
      (func (export "get") (result i32) (global.get $g)))
    (canon backpressure.inc (core func $bp.inc))
    (canon backpressure.dec (core func $bp.dec))
    (canon thread.yield (core func $yield))
    (canon thread.yield cancellable (core func $yield-c))
    (canon task.cancel (core func $task.cancel))
{lower_work}
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon subtask.drop (core func $subtask.drop))
    (canon context.get i32 0 (core func $ctx.get))
    (canon context.set i32 0 (core func $ctx.set))
    (canon task.return (result u32) (core func $task.return))
    (core type $start (func (param i32)))
    (alias core export $mem "t" (core table $t))
    (core func $t.new (canon thread.new-indirect $start (core table $t)))
    (canon thread.resume-later (core func $t.later))
    (canon thread.index (core func $t.index))
    (canon thread.suspend (core func $t.suspend))
    (canon thread.suspend-then-resume (core func $t.sus-res))
    (canon thread.yield-then-resume (core func $t.yld-res))
    (canon thread.suspend-then-promote (core func $t.sus-pro))
    (type $st (stream u32))
    (canon stream.read $st async (memory (core memory $mem "mem")) (core func $s.read))
    (canon stream.drop-readable $st (core func $s.drop-r))
    (canon stream.cancel-read $st (core func $s.cancel-r))
    (canon stream.new $st (core func $s.new))
    (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
    (canon error-context.debug-message (memory (core memory $mem "mem"))
      (realloc (core func $mem "realloc")) (core func $ec.msg))
    (canon error-context.drop (core func $ec.drop))
    (canon stream.write $st async (memory (core memory $mem "mem")) (core func $s.write))
    (canon stream.drop-writable $st (core func $s.drop-w))
    (canon task.return (result $st) (core func $task.return-s))
    (type $ft (future u32))
    (canon future.read $ft async (memory (core memory $mem "mem")) (core func $f.read))
    (canon future.drop-readable $ft (core func $f.drop-r))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "t" (table $t)) (export "t.new" (func $t.new))
      (export "t.later" (func $t.later)) (export "t.index" (func $t.index))
      (export "t.suspend" (func $t.suspend))
      (export "t.sus-res" (func $t.sus-res))
      (export "t.yld-res" (func $t.yld-res)) (export "t.sus-pro" (func $t.sus-pro))
      (export "s.read" (func $s.read)) (export "s.drop-r" (func $s.drop-r))
      (export "s.new" (func $s.new)) (export "s.write" (func $s.write))
      (export "s.cancel-r" (func $s.cancel-r))
      (export "s.drop-w" (func $s.drop-w))
      (export "task.return-s" (func $task.return-s))
      (export "ec.new" (func $ec.new)) (export "ec.msg" (func $ec.msg))
      (export "ec.drop" (func $ec.drop)) (export "r.new" (func $r.new))
      (export "f.read" (func $f.read)) (export "f.drop-r" (func $f.drop-r))
      (export "bp.inc" (func $bp.inc)) (export "bp.dec" (func $bp.dec))
      (export "yield" (func $yield)) (export "work" (func $work))
      (export "yield-c" (func $yield-c)) (export "task.cancel" (func $task.cancel))
      (export "work-async" (func $work-async))
      (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
      (export "join" (func $join)) (export "subtask.drop" (func $subtask.drop))
      (export "ctx.get" (func $ctx.get)) (export "ctx.set" (func $ctx.set))
      (export "task.return" (func $task.return))))))
    (func (export "handle") async (param "id" u32) (result u32)
      (canon lift (core func $m "handle") async{callback}))
    (func (export "feed") async (param "s" (stream u32)) (result u32)
      (canon lift (core func $m "feed") async))
    (func (export "await") async (param "f" (future u32)) (result u32)
      (canon lift (core func $m "await") async))
    (func (export "produce") async (param "n" u32) (result (stream u32))
      (canon lift (core func $m "produce") async))
    (func (export "make") (param "x" u32) (result (own $r))
      (canon lift (core func $m "make")))
    (func (export "lend") async (param "h" (borrow $r)) (result u32)
      (canon lift (core func $m "lend") async))
    (func (export "get") (result u32) (canon lift (core func $m "get"))))
"""

# a stackful handler: the ops in a row, then task.return
STACKFUL = """\
      (func (export "handle") (param $id i32)
        (local $t i32) (local $r i32) (local $ws i32)
{body}
        (call $task.return (i32.add (i32.mul (global.get $g) (i32.const 16))
                                    (local.get $id))))"""

# a callback-lifted handler: context slot 0 holds id * 16 + the step it is
# at; each step runs one segment of the ops and returns YIELD (1), the
# last one returns after task.return with EXIT (0)
CALLBACK = """\
      (func (export "handle") (param $id i32) (result i32)
        (call $ctx.set (i32.shl (local.get $id) (i32.const 4)))
        (call $step))
      (func (export "handle-cb") (param $ev i32) (param i32 i32) (result i32)
        (local $id i32)
        ;; TASK_CANCELLED (6): give back the backpressure it holds, if any,
        ;; and end with task.cancel
        (if (i32.eq (local.get $ev) (i32.const 6))
          (then
            (local.set $id (i32.shr_u (call $ctx.get) (i32.const 4)))
            (if (i32.load {held})
              (then (call $bp.dec)))
            (call $task.cancel)
            (return (i32.const 0 (; EXIT ;)))))
        (call $step))
      (func $step (result i32) (local $c i32) (local $id i32) (local $k i32)
        (local.set $c (call $ctx.get))
        (local.set $id (i32.shr_u (local.get $c) (i32.const 4)))
        (local.set $k (i32.and (local.get $c) (i32.const 15)))
{body}
        (call $ctx.set (i32.add (local.get $c) (i32.const 1)))
        (i32.const 1 (; YIELD ;)))"""

# without a leaf, `work` and `work-async` are core functions that return
# x (work-async: RETURNED at once, x stored at the result pointer)
NO_WORK_IMPORT = ""
NO_WORK_LOWER = """\
    (core module $W
      (import "" "mem" (memory 1))
      (func (export "work") (param i32) (result i32) (local.get 0))
      (func (export "work-async") (param i32 i32) (result i32)
        (i32.store (local.get 1) (local.get 0)) (i32.const 2 (; RETURNED ;))))
    (core instance $w (instantiate $W (with "" (instance
      (export "mem" (memory $mem "mem"))))))
    (alias core export $w "work" (core func $work))
    (alias core export $w "work-async" (core func $work-async))"""
WORK_IMPORT = """\
    (import "work" (func $work-f async (param "x" u32) (result u32)))"""
WORK_LOWER = """\
    (core func $work (canon lower (func $work-f)))
    (core func $work-async (canon lower (func $work-f) async
      (memory (core memory $mem "mem"))))"""

CLIENT = """\
  (component $C
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "x" u32) (result (own $r))))
    (import "lend" (func $lend async (param "h" (borrow $r)) (result u32)))
    (import "handle" (func $handle async (param "id" u32) (result u32)))
    (import "get" (func $get (result u32)))
    (import "feed" (func $feed async (param "s" (stream u32)) (result u32)))
    (import "await" (func $await async (param "f" (future u32)) (result u32)))
    (import "produce" (func $produce async (param "n" u32) (result (stream u32))))
    (type $cst (stream u32))
    (type $cft (future u32))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "handle" (func $handle (param i32 i32) (result i32)))
      (import "" "get" (func $get (result i32)))
      (import "" "yield" (func $yield (result i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "subtask.cancel" (func $subtask.cancel (param i32) (result i32)))
      (import "" "task.return" (func $task.return (param i32 i32 i32)))
      (import "" "feed" (func $feed (param i32 i32) (result i32)))
      (import "" "s.new" (func $s.new (result i64)))
      (import "" "s.write" (func $s.write (param i32 i32 i32) (result i32)))
      (import "" "await" (func $await (param i32 i32) (result i32)))
      (import "" "f.new" (func $f.new (result i64)))
      (import "" "f.write" (func $f.write (param i32 i32) (result i32)))
      (import "" "s.cancel-w" (func $s.cancel-w (param i32) (result i32)))
      (import "" "s.drop-w" (func $s.drop-w (param i32)))
      (import "" "f.cancel-w" (func $f.cancel-w (param i32) (result i32)))
      (import "" "produce" (func $produce (param i32 i32) (result i32)))
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "lend" (func $lend (param i32 i32) (result i32)))
      (import "" "r.drop" (func $r.drop (param i32)))
      (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
      (import "" "s.drop-r" (func $s.drop-r (param i32)))
      ;; the values read from produce's stream, folded
      (global $acc (mut i32) (i32.const 0))
      ;; a read's result r on the readable end rs: its value folded into
      ;; $acc; 1 if the writer is gone (rs dropped), else 0
      (func $got (param $rs i32) (param $r i32) (result i32)
        (if (i32.shr_u (local.get $r) (i32.const 4))
          (then (global.set $acc (i32.add (i32.mul (global.get $acc) (i32.const 3))
                                          (i32.load (i32.const 0x700))))))
        (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1 (; DROPPED ;)))
          (then (call $s.drop-r (local.get $rs)) (return (i32.const 1))))
        (i32.const 0))
      ;; reads from rs until a read blocks (rs waits in the set ws: 1) or
      ;; the writer is gone (0)
      (func $drain (param $rs i32) (param $ws i32) (result i32) (local $r i32)
        (loop $l
          (local.set $r (call $s.read (local.get $rs) (i32.const 0x700) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then (call $join (local.get $rs) (local.get $ws))
                  (return (i32.const 1))))
          (br_if $l (i32.eqz (call $got (local.get $rs) (local.get $r)))))
        (i32.const 0))
      ;; writes values (w + 1) * 7 one at a time until {k} are written or a
      ;; write blocks (then the writable end waits in the set); how many
      ;; are written
      (func $pump (param $sw i32) (param $ws i32) (param $w i32) (result i32)
        (block $b (loop $l
          (br_if $b (i32.ge_u (local.get $w) (i32.const {k})))
          (i32.store (i32.const 0x600)
                     (i32.mul (i32.add (local.get $w) (i32.const 1)) (i32.const 7)))
          (if (i32.eq (call $s.write (local.get $sw) (i32.const 0x600) (i32.const 1))
                      (i32.const -1 (; BLOCKED ;)))
            (then (call $join (local.get $sw) (local.get $ws)) (br $b)))
          (local.set $w (i32.add (local.get $w) (i32.const 1)))
          (br $l)))
        (local.get $w))
      (func (export "run")
        (local $ws i32) (local $id i32) (local $r i32) (local $done i32)
        (local $order i32) (local $sum i32) (local $h i32)
        (local $se i64) (local $sw i32) (local $w i32) (local $code i32)
        (local $cw i32) (local $rs i32) (local $rd i32) (local $pst i32)
        (local $res i32)
        (local.set $ws (call $ws.new))
        ;; N calls, each result at 0x100 + 4 * id; a call that returned
        ;; at once counts as order 15
        (block $b (loop $call
          (br_if $b (i32.ge_u (local.get $id) (i32.const {n})))
          (local.set $r (call $handle (local.get $id)
            (i32.add (i32.const 0x100) (i32.shl (local.get $id) (i32.const 2)))))
          (if (i32.eq (local.get $r) (i32.const 2 (; RETURNED ;)))
            (then (local.set $done (i32.add (local.get $done) (i32.const 1)))
                  (local.set $order (i32.add (i32.mul (local.get $order) (i32.const 16))
                                             (i32.const 15))))
            (else (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
                  (i32.store (i32.add (i32.const 0x300) (i32.shl (local.get $id) (i32.const 2)))
                             (i32.shr_u (local.get $r) (i32.const 4)))))
{client_yield}
          (local.set $id (i32.add (local.get $id) (i32.const 1)))
          (br $call)))
{cancel}
{feed}
{produce}
{lend}
        ;; SUBTASK events until every call is resolved (RETURNED 2,
        ;; CANCELLED_BEFORE_STARTED 3, CANCELLED_BEFORE_RETURNED 4), in
        ;; the order seen: index + 8 for a cancelled one; STREAM_WRITE
        ;; events until every value is written
        (block $b (loop $wait
          (br_if $b (i32.and (i32.and (i32.ge_u (local.get $done) (i32.const {calls}))
                                      (i32.ge_u (local.get $w) (i32.const {writes})))
                             (i32.eqz (local.get $rd))))
          (local.set $code (call $ws.wait (local.get $ws) (i32.const 0x80)))
          (if (i32.eq (local.get $code) (i32.const 2 (; STREAM_READ ;)))
            (then (local.set $rd (if (result i32)
                    (call $got (local.get $rs) (i32.load (i32.const 0x84)))
                    (then (i32.const 0))
                    (else (call $drain (local.get $rs) (local.get $ws)))))
                  (br $wait)))
          (if (i32.eq (local.get $code) (i32.const 5 (; FUTURE_WRITE ;)))
            (then (local.set $w (i32.const 1)) (br $wait)))
          (if (i32.eq (local.get $code) (i32.const 3 (; STREAM_WRITE ;)))
            (then (local.set $w (call $pump (local.get $sw) (local.get $ws)
                                        (i32.add (local.get $w) (i32.const 1))))
                  (br $wait)))
          (if (i32.ne (local.get $code) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (if (i32.ge_u (i32.load (i32.const 0x84)) (i32.const 2 (; RETURNED ;)))
            (then
              (if (i32.eq (i32.load (i32.const 0x80)) (local.get $pst))
                (then (local.set $rs (i32.load (i32.const 0x508)))
                      (local.set $rd (call $drain (local.get $rs) (local.get $ws)))))
              (local.set $order (i32.add (i32.mul (local.get $order) (i32.const 16))
                (i32.add (i32.load (i32.const 0x80))
                         (i32.mul (i32.ne (i32.load (i32.const 0x84)) (i32.const 2))
                                  (i32.const 8)))))
              (call $subtask.drop (i32.load (i32.const 0x80)))
              (local.set $done (i32.add (local.get $done) (i32.const 1)))))
{cancel_write}
          (br $wait)))
        (local.set $id (i32.const 0))
        (block $b (loop $add
          (br_if $b (i32.ge_u (local.get $id) (i32.const {n})))
          (local.set $sum (i32.add (local.get $sum)
            (i32.load (i32.add (i32.const 0x100) (i32.shl (local.get $id) (i32.const 2))))))
          (local.set $id (i32.add (local.get $id) (i32.const 1)))
          (br $add)))
{lend_end}
        (call $task.return (local.get $order)
                           (i32.add (local.get $sum) (global.get $acc)) (call $get))))
    (core func $handle' (canon lower (func $handle) async (memory (core memory $mem "mem"))))
    (core func $get' (canon lower (func $get)))
    (canon thread.yield (core func $yield))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon subtask.drop (core func $subtask.drop))
    (canon subtask.cancel async (core func $subtask.cancel))
    (canon task.return (result (tuple u32 u32 u32)) (core func $task.return))
    (core func $feed' (canon lower (func $feed) async (memory (core memory $mem "mem"))))
    (core func $await' (canon lower (func $await) async (memory (core memory $mem "mem"))))
    (core func $produce' (canon lower (func $produce) async (memory (core memory $mem "mem"))))
    (core func $make' (canon lower (func $make)))
    (core func $lend' (canon lower (func $lend) async (memory (core memory $mem "mem"))))
    (core func $r.drop (canon resource.drop $r))
    (canon stream.read $cst async (memory (core memory $mem "mem")) (core func $s.read))
    (canon stream.drop-readable $cst (core func $s.drop-r))
    (canon future.new $cft (core func $f.new))
    (canon future.write $cft async (memory (core memory $mem "mem")) (core func $f.write))
    (canon stream.new $cst (core func $s.new))
    (canon stream.write $cst async (memory (core memory $mem "mem")) (core func $s.write))
    (canon stream.cancel-write $cst (core func $s.cancel-w))
    (canon stream.drop-writable $cst (core func $s.drop-w))
    (canon future.cancel-write $cft (core func $f.cancel-w))
    (core instance $m (instantiate $M (with "" (instance
      (export "feed" (func $feed')) (export "s.new" (func $s.new))
      (export "await" (func $await')) (export "f.new" (func $f.new))
      (export "f.write" (func $f.write))
      (export "s.write" (func $s.write)) (export "s.cancel-w" (func $s.cancel-w))
      (export "s.drop-w" (func $s.drop-w)) (export "f.cancel-w" (func $f.cancel-w))
      (export "produce" (func $produce')) (export "s.read" (func $s.read))
      (export "make" (func $make')) (export "lend" (func $lend'))
      (export "r.drop" (func $r.drop))
      (export "s.drop-r" (func $s.drop-r))
      (export "mem" (memory $mem "mem")) (export "handle" (func $handle'))
      (export "get" (func $get')) (export "yield" (func $yield))
      (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
      (export "join" (func $join)) (export "subtask.drop" (func $subtask.drop))
      (export "subtask.cancel" (func $subtask.cancel))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result (tuple u32 u32 u32))
      (canon lift (core func $m "run") async)))
"""

# a call's packed result in $r: it returned at once (one more done), or
# its subtask waits in the set $ws
CALLED = """\
        (if (i32.eq (local.get $r) (i32.const 2 (; RETURNED ;)))
          (then (local.set $done (i32.add (local.get $done) (i32.const 1))))
          (else (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))))"""

# the client makes a stream or future, starts the server's reader task
# with its readable end (the writable end in $sw), then writes
READER = """\
        (local.set $se (call ${new}))
        (local.set $sw (i32.wrap_i64 (i64.shr_u (local.get $se) (i64.const 32))))
        (local.set $r (call ${task} (i32.wrap_i64 (local.get $se)) (i32.const {ret})))
""" + CALLED + "\n"  # (CALLED has no braces to format)
# feed: the values, as far as they go without blocking
FEED = READER.format(new="s.new", task="feed", ret="0x500") + """\
        (local.set $w (call $pump (local.get $sw) (local.get $ws) (i32.const 0)))"""
# await: its value (99)
AWAIT = READER.format(new="f.new", task="await", ret="0x504") + """\
        (i32.store (i32.const 0x604) (i32.const 99))
        (if (i32.eq (call $f.write (local.get $sw) (i32.const 0x604))
                    (i32.const -1 (; BLOCKED ;)))
          (then (call $join (local.get $sw) (local.get $ws)))
          (else (local.set $w (i32.const 1))))"""

# the client calls produce(n) and reads its stream as soon as the call has
# returned it (at once, or at the call's SUBTASK event: $pst); the
# writer is the server's task after it returned
PRODUCE = """\
        (local.set $rd (i32.const 1))
        (local.set $r (call $produce (i32.const {p}) (i32.const 0x508)))
        (if (i32.eq (local.get $r) (i32.const 2 (; RETURNED ;)))
          (then (local.set $done (i32.add (local.get $done) (i32.const 1)))
                (local.set $rs (i32.load (i32.const 0x508)))
                (local.set $rd (call $drain (local.get $rs) (local.get $ws))))
          (else (local.set $pst (i32.shr_u (local.get $r) (i32.const 4)))
                (call $join (local.get $pst) (local.get $ws))))"""

# the client makes a resource in the server and lends it to a server task
# (its rep arrives there, as the implementation's); the own handle is
# dropped once every call has resolved (the lend ended with the lend
# call's SUBTASK event)
LEND = """\
        (local.set $res (call $make (i32.const {rep})))
        (local.set $r (call $lend (local.get $res) (i32.const 0x50c)))
""" + CALLED
LEND_END = """\
        (call $r.drop (local.get $res))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 0x50c))))"""

# on the first SUBTASK event while a write is still under way, the client
# takes the writable end out of the set and cancels the write
# (synchronously: its result is there at once, COMPLETED if the reader
# took the value first, CANCELLED if not; folded into the order); then a
# stream's writable end is dropped (the reader sees DROPPED), a future's
# value is written again (98)
CANCEL_WRITE = """\
          (if (i32.and (i32.eqz (local.get $cw))
                       (i32.lt_u (local.get $w) (i32.const {writes})))
            (then
              (local.set $cw (i32.const 1))
              (call $join (local.get $sw) (i32.const 0))
              (local.set $r (call ${end}.cancel-w (local.get $sw)))
              (local.set $order (i32.xor (i32.mul (local.get $order) (i32.const 31))
                                         (i32.add (local.get $r) (i32.const 0x100))))
{then}))"""
STREAM_WRITE_CANCELLED = """\
              (call $s.drop-w (local.get $sw))
              (local.set $w (i32.const {writes}))"""
FUTURE_WRITE_CANCELLED = """\
              (if (i32.eq (i32.and (local.get $r) (i32.const 15))
                          (i32.const 2 (; CANCELLED ;)))
                (then
                  (i32.store (i32.const 0x604) (i32.const 98))
                  (if (i32.eq (call $f.write (local.get $sw) (i32.const 0x604))
                              (i32.const -1 (; BLOCKED ;)))
                    (then (call $join (local.get $sw) (local.get $ws)))
                    (else (local.set $w (i32.const 1)))))
                (else (local.set $w (i32.const 1))))"""

# the client cancels one call that has not returned at once
# (subtask.cancel async: BLOCKED, -1, and the resolution comes as an
# event; or the state it resolved in, delivered now)
CANCEL = """\
        (local.set $h (i32.load (i32.const {slot})))
        (if (local.get $h)
          (then
            (local.set $r (call $subtask.cancel (local.get $h)))
            (if (i32.ne (local.get $r) (i32.const -1 (; BLOCKED ;)))
              (then
                (local.set $order (i32.add (i32.mul (local.get $order) (i32.const 16))
                  (i32.add (local.get $h)
                           (i32.mul (i32.ne (local.get $r) (i32.const 2)) (i32.const 8)))))
                (call $subtask.drop (local.get $h))
                (local.set $done (i32.add (local.get $done) (i32.const 1)))))))"""

G = "(global.get $g)"
IND = " " * 8


def slot(base, me, shift=2):
    """The address base + (me << shift): the handler's own memory slot."""
    return f"(i32.add (i32.const {base}) (i32.shl {me} (i32.const {shift})))"


def op_segments(op, who, callback=False):
    """One step of a handler (`who` is "id" in the server, "x" in the
    leaf) as core instructions, cut where it yields: a list of segments,
    each a list of lines.  A stackful handler runs them with a
    thread.yield between; a callback-lifted one returns YIELD between."""
    me = f"(local.get ${who})"
    # a value kept across a yield: a local, or the handler's memory slot
    # (a callback's locals do not outlive it)
    keep = (f"(i32.store {slot(0x40, me)} {G})" if callback
            else f"(local.set $t {G})")
    kept = f"(i32.load {slot(0x40, me)})" if callback else "(local.get $t)"
    if op == "rmw":      # read, modify, write: no choice inside
        return [[f"(global.set $g (i32.add (i32.mul {G} (i32.const 3)) "
                 f"(i32.add {me} (i32.const 1))))"]]
    if op == "race":     # read, yield, write: a lost update if another
        return [[keep],  # handler writes in between
                [f"(global.set $g (i32.add {kept} (i32.add {me} "
                 f"(i32.const 1))))"]]
    if op == "yield":
        return [[], []]
    if op == "yieldc":   # a yield that a cancellation ends: task.cancel
        if callback:     # (every YIELD of a callback is one: handle-cb)
            return [[], []]
        return [["(if (call $yield-c)",
                 "  (then (call $task.cancel) (return)))"]]
    if op == "errctx":   # an error context held across a yield; its
        # message is "oops" cut to me + 1 bytes, or empty: the spec's
        # choice in error-context.new
        ec = f"(i32.load {slot(0x4a0, me)})"
        msg = slot(0x4c0, me, 3)
        return [[f"(i32.store {slot(0x4a0, me)} (call $ec.new "
                 f"(i32.const 0x7f0) (i32.add {me} (i32.const 1))))"],
                [f"(call $ec.msg {ec} {msg})",
                 f"(global.set $g (i32.add (i32.mul {G} (i32.const 5)) "
                 f"(i32.load (i32.add {msg} (i32.const 4)))))",
                 f"(call $ec.drop {ec})"]]
    if op == "spawn":    # a thread of the same task, started later
        return [[f"(call $t.later (call $t.new (i32.const 0) {me}))"]]
    if op == "suspend":  # suspended until a new thread ($waker) wakes it;
        # an odd id promotes the waker (thread.suspend-then-promote: it is
        # ready, so it runs now), an even one leaves it to the scheduler
        return [["(local.set $r (call $t.new (i32.const 1) (call $t.index)))",
                 "(call $t.later (local.get $r))",
                 f"(if (i32.and {me} (i32.const 1))",
                 "  (then (drop (call $t.sus-pro (local.get $r))))",
                 "  (else (drop (call $t.suspend))))"]]
    if op == "switch":   # run a new thread ($switcher) now; it switches back
        return [["(drop (call $t.sus-res (call $t.new (i32.const 2) "
                 "(call $t.index))))"]]
    if op == "bp":       # backpressure held across a yield
        if callback:     # (held: what handle-cb gives back on cancel)
            return [["(call $bp.inc)", f"(i32.store {slot(0x80, me)} "
                     "(i32.const 1))"],
                    ["(call $bp.dec)", f"(i32.store {slot(0x80, me)} "
                     "(i32.const 0))"]]
        return [["(call $bp.inc)"], ["(call $bp.dec)"]]
    if op == "work":     # a synchronous call into the leaf: this thread
        return [[f"(global.set $g (i32.xor {G} "  # blocks, others run
                 f"(call $work (i32.add {me} (i32.const 1)))))"]]
    if op == "awork":    # an async call into the leaf, waited for on a
        ret = slot(0x100, me)  # waitable set of its own
        ev = slot(0x200, me, 3)
        return [[f"(local.set $r (call $work-async (i32.add {me} "
                 f"(i32.const 1)) {ret}))",
                 "(if (i32.ne (local.get $r) (i32.const 2 (; RETURNED ;)))",
                 "  (then",
                 "    (local.set $ws (call $ws.new))",
                 "    (call $join (i32.shr_u (local.get $r) (i32.const 4))"
                 " (local.get $ws))",
                 "    (block $d (loop $l",
                 f"      (drop (call $ws.wait (local.get $ws) {ev}))",
                 f"      (br_if $d (i32.eq (i32.load (i32.add {ev} "
                 "(i32.const 4))) (i32.const 2 (; RETURNED ;))))",
                 "      (br $l)))",
                 "    (call $subtask.drop (i32.shr_u (local.get $r) "
                 "(i32.const 4)))))",
                 f"(global.set $g (i32.xor {G} (i32.load {ret})))"]]
    raise ValueError(op)


def stackful_body(ops, who):
    lines = []
    for op in ops:
        segs = op_segments(op, who)
        for k, seg in enumerate(segs):
            if k:
                lines.append("(drop (call $yield))")
            lines += seg
    return "\n".join(IND + l for l in lines)


def callback_body(ops):
    """The steps of a callback-lifted handler: step k runs segment k."""
    segs = [[]]
    for op in ops:
        s = op_segments(op, "id", callback=True)
        segs[-1] += s[0]
        segs += [list(x) for x in s[1:]]
    segs[-1] += ["(call $task.return (i32.add (i32.mul (global.get $g) "
                 "(i32.const 16)) (local.get $id)))",
                 "(return (i32.const 0 (; EXIT ;)))"]
    lines = []
    for k, seg in enumerate(segs):
        lines.append(f"(if (i32.eq (local.get $k) (i32.const {k})) (then")
        lines += ["  " + l for l in seg]
        lines[-1] += "))"
        if not seg:
            lines[-1] = lines[-1][:-2] + " (nop)))"
    return "\n".join(IND + l for l in lines)


def program(seed):
    """The .wast text of seed's program."""
    # every choice first (in the order of the generator's versions, so
    # that a seed keeps the shapes it had), then the text
    rnd = random.Random(seed)
    n = rnd.choice((2, 2, 3))
    leaf = rnd.random() < 0.5
    callback = rnd.random() < 0.4
    k = rnd.choice((0, 0, 1, 2)) if n == 2 else 0  # values through a stream
    fut = n == 2 and not k and rnd.random() < 0.4  # a value through a future
    ops = ["rmw", "race", "yield", "bp", "yieldc", "errctx"]
    if leaf:
        ops += ["work"] + ([] if callback else ["awork"])
    if not callback:
        ops += ["spawn", "suspend", "switch"]
    handler_ops = [rnd.choice(ops)
                   for _ in range(rnd.randint(1, 3 if n == 2 else 2))]
    leaf_ops = ([rnd.choice(("rmw", "race", "yield"))
                 for _ in range(rnd.randint(1, 2))] if leaf else [])
    client_yield = rnd.random() < 0.3
    cancelled = rnd.randrange(n) if rnd.random() < 0.4 else None
    cancel_write = bool(k or fut) and rnd.random() < 0.5
    p = rnd.choice((0, 0, 1, 2)) if n == 2 else 0  # values back
    # a resource lent to a server task (alone: with another task of the
    # client's the walks grow past the budget)
    lend = n == 2 and not (k or fut or p) and rnd.random() < 0.5
    cancel_read = bool(k) and rnd.random() < 0.5  # feed cancels a read

    kind = "callback-lifted" if callback else "stackful"
    parts = [f";; sched_gen.py seed {seed}: {n} calls of a {kind} handler"
             f"{', a leaf component' if leaf else ''}"
             f"{f', {k} value(s) through a stream' if k else ''}"
             f"{', a value through a future' if fut else ''}"
             f"{', a write cancelled' if cancel_write else ''}"
             f"{f', {p} value(s) back through a stream' if p else ''}"
             f"{', a resource lent' if lend else ''}"
             f"{', a read cancelled' if cancel_read else ''}"
             f"; the handler: {' '.join(handler_ops)}"
             " (harness/sched_gen.py)",
             "(component definition $P"]
    if leaf:
        parts.append(LEAF.format(body=stackful_body(leaf_ops, "x")))
    if callback:
        handler = CALLBACK.format(body=callback_body(handler_ops),
                                  held=slot(0x80, "(local.get $id)"))
    else:
        handler = STACKFUL.format(body=stackful_body(handler_ops, "id"))
    parts.append(SERVER.format(
        k=k, no_cancel_read=int(not cancel_read),
        import_work=WORK_IMPORT if leaf else NO_WORK_IMPORT,
        lower_work=WORK_LOWER if leaf else NO_WORK_LOWER,
        handler=handler,
        callback=' (callback (core func $m "handle-cb"))' if callback
        else ""))
    parts.append(CLIENT.format(
        n=n, k=k,
        client_yield="          (drop (call $yield))" if client_yield else "",
        cancel="" if cancelled is None
        else CANCEL.format(slot=0x300 + 4 * cancelled),
        cancel_write="" if not cancel_write
        else CANCEL_WRITE.format(
            end="s" if k else "f", writes=k or 1,
            then=STREAM_WRITE_CANCELLED.format(writes=k) if k
            else FUTURE_WRITE_CANCELLED),
        feed=FEED if k else AWAIT if fut else "",
        produce=PRODUCE.format(p=p) if p else "",
        lend=LEND.format(rep=40 + seed % 7) if lend else "",
        lend_end=LEND_END if lend else "",
        writes=k or int(fut),
        calls=n + (1 if k or fut else 0) + (1 if p else 0) + lend))
    if leaf:
        parts.append("  (instance $t (instantiate $T))")
        parts.append('  (instance $s (instantiate $S (with "work" '
                     '(func $t "work"))))')
    else:
        parts.append("  (instance $s (instantiate $S))")
    parts.append('  (alias export $s "r" (type $r))')
    parts.append('  (instance $c (instantiate $C (with "r" (type $r)) '
                 '(with "make" (func $s "make")) (with "lend" (func $s "lend")) '
                 '(with "handle" (func $s "handle")) (with "get" (func $s "get")) '
                 '(with "feed" (func $s "feed")) '
                 '(with "await" (func $s "await")) '
                 '(with "produce" (func $s "produce"))))')
    parts.append('  (func (export "run") (alias export $c "run")))')
    parts.append("(component instance $p $P)")
    parts.append('(invoke "run")')
    return "\n".join(parts) + "\n"


# ---- the check -------------------------------------------------------------

WALKS = (("plain", ["--explore-plain"]),
         ("cut only", ["--explore-no-memo", "--explore-no-sleep"]))
BUDGET = 20000        # the reduced walk must finish within this
COMPARE_BUDGET = 30000  # the walks without reductions, where they finish
RANDOM_SEEDS = range(1, 6)


def outcome_sets(rep):
    """Per command (line, kind): its outcomes (status, message, result)."""
    return {(c["line"], c["kind"]):
            {(o["status"], o.get("message"), o.get("result"))
             for o in c["outcomes"]}
            for c in rep["commands"]}


def explore(cmref, path, budget, extra=()):
    r = subprocess.run([cmref, "run", "--json", "--explore", str(budget),
                        *extra, path], capture_output=True, text=True,
                       timeout=600)
    return json.loads(r.stdout)


TRACE_BUDGET = 2000  # --search-budget of the trace check


def trace_not_allowed(cmref, path, trace):
    """The trace a run wrote, without its choice events, is another
    runtime's trace to --check-trace: cmref's own must be allowed (the
    search finds a schedule) or, if the search budget runs out, undecided;
    what is wrong with it otherwise (None: nothing)."""
    with open(trace) as f:
        lines = [l for l in f if json.loads(l).get("ev") != "choice"]
    with open(trace, "w") as f:
        f.writelines(lines)
    r = subprocess.run([cmref, "run", "--check-trace", trace,
                        "--search-budget", str(TRACE_BUDGET), path],
                       capture_output=True, text=True, timeout=600)
    if r.returncode in (0, 3):  # allowed; undecided
        return None
    return (f"without its choices, is not allowed by --check-trace (exit "
            f"{r.returncode}): {(r.stdout + r.stderr).strip()[:300]}")


def check(cmref, seed, path=None):
    """The differences found on seed's program (empty: none), and how many
    walks without reductions finished and were compared (None: the
    reduced walk itself did not finish within BUDGET; nothing checked)."""
    own = path is None
    if own:
        fd, path = tempfile.mkstemp(suffix=".wast")
        with os.fdopen(fd, "w") as f:
            f.write(program(seed))
    try:
        problems, compared = [], 0
        rep = explore(cmref, path, BUDGET)
        if not rep["complete"]:
            return [], None
        found = outcome_sets(rep)
        why = unverified(explore(cmref, path, BUDGET,
                                 ["--explore-verify-cuts"]))
        if why:
            problems.append(f"seed {seed}: {why}")
        for name, flags in WALKS:
            other = explore(cmref, path, COMPARE_BUDGET, flags)
            if not other["complete"]:
                continue
            compared += 1
            theirs = outcome_sets(other)
            for key in sorted(set(found) | set(theirs)):
                a, b = found.get(key, set()), theirs.get(key, set())
                if a != b:
                    problems.append(
                        f"seed {seed}: line {key[0]}: the {name} walk found "
                        f"{len(b)} outcomes, the reduced walk {len(a)}; only "
                        f"the {name} walk: {sorted(b - a, key=str)[:3]}; only "
                        f"the reduced walk: {sorted(a - b, key=str)[:3]}")
        for s in RANDOM_SEEDS:
            trace = path + f".{s}.jsonl"
            try:
                r = subprocess.run([cmref, "run", "--json", "--sched",
                                    "random", "--seed", str(s), "--trace",
                                    trace, path], capture_output=True,
                                   text=True, timeout=600)
                for c in json.loads(r.stdout)["files"][0]["commands"]:
                    got = (c["status"],
                           None if c["status"] == "pass" else c.get("message"),
                           c.get("result"))
                    if got not in found.get((c["line"], c["kind"]), ()):
                        problems.append(
                            f"seed {seed}: --sched random --seed {s} gave "
                            f"{got} at line {c['line']}, an outcome the walk "
                            f"did not find")
                why = trace_not_allowed(cmref, path, trace)
                if why:
                    problems.append(f"seed {seed}: the trace of --sched "
                                    f"random --seed {s}, {why}")
            finally:
                if os.path.exists(trace):
                    os.unlink(trace)
        return problems, compared
    finally:
        if own:
            os.unlink(path)


def main(argv):
    if len(argv) == 2 and argv[1].isdigit():
        sys.stdout.write(program(int(argv[1])))
        return 0
    if len(argv) == 5 and argv[1] == "--check":
        cmref, first, count = argv[2], int(argv[3]), int(argv[4])
        bad, compared, big = 0, 0, 0
        for seed in range(first, first + count):
            problems, c = check(cmref, seed)
            if c is None:
                big += 1
                continue
            compared += c
            for p in problems:
                print(p)
            bad += bool(problems)
        print(f"{count} programs ({big} whose reduced walk did not finish "
              f"within {BUDGET} schedules, not checked), {compared} walks "
              f"without reductions compared, {bad} with a difference")
        return 1 if bad else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
