;; WASI 0.3 backpressure under many concurrent callers (../shared/seeds: a
;; server that takes at most K requests at a time and makes the rest wait
;; with backpressure.inc/dec).  Server S: `handle: async func(id) -> u32`
;; (lifted `async`, no callback) counts the requests in progress; the one
;; that makes K of them sets backpressure (inc), yields once, and the one
;; that leaves K sets it back (dec); it traps (unreachable) if more than K
;; are ever in progress, and returns id + 100.  Client C calls S.handle 8
;; times with `async` lowers, without waiting in between, then waits on a
;; waitable set until all 8 subtasks have RETURNED, sums the results and
;; asks S for the most requests it ever had in progress.  K = 3.
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - Task.enter_implicit_thread (async function type): if backpressure > 0
;;   (or another task is already waiting to enter), the task waits, as
;;   STARTING, until backpressure is 0, and only then counts itself in;
;;   so S never has more than K requests in progress (bp = 1 exactly while
;;   K are in progress);
;; - canon_backpressure_inc/dec: += 1 / -= 1 (no trap here: 0 <= bp <= 1);
;; - canon_lower (async): a callee that returned before blocking gives
;;   RETURNED (2) and no handle; otherwise state | (index << 4), and the
;;   subtask's progress (STARTED, RETURNED) comes as SUBTASK (1) events;
;;   a RETURNED subtask may be dropped;
;; - Store.tick (`tick`: which waiting thread runs, which held-back task
;;   starts first) and Thread.wait_until (`wait-early`: a yield may return
;;   at once) are open choices: the order the requests are served in is
;;   not asserted.  The sum is order-free: sum(id + 100, id = 0..7) = 828.
;;   The most in progress at once depends on the choices: 3 when the
;;   handlers' yields block (the default), 1 when every yield returns at
;;   once (each request then finishes inside its caller's call), 2 when
;;   e.g. the 1st yield blocks and the 2nd returns at once, the 3rd blocks,
;;   and the rest return at once; never more than K = 3.
;; Rules met: backpressure.inc/dec, subtask.drop, waitable-set.wait (none
;;   traps here).
(component definition $T
  (component $S
    (core module $M
      (import "" "bp.inc" (func $bp.inc))
      (import "" "bp.dec" (func $bp.dec))
      (import "" "yield" (func $yield (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (global $active (mut i32) (i32.const 0))
      (global $max (mut i32) (i32.const 0))
      (func (export "handle") (param $id i32)
        (global.set $active (i32.add (global.get $active) (i32.const 1)))
        (if (i32.gt_u (global.get $active) (i32.const 3)) (then unreachable))
        (if (i32.gt_u (global.get $active) (global.get $max))
          (then (global.set $max (global.get $active))))
        (if (i32.eq (global.get $active) (i32.const 3)) (then (call $bp.inc)))
        (drop (call $yield))
        (if (i32.eq (global.get $active) (i32.const 3)) (then (call $bp.dec)))
        (global.set $active (i32.sub (global.get $active) (i32.const 1)))
        (call $task.return (i32.add (local.get $id) (i32.const 100))))
      (func (export "max-active") (result i32) (global.get $max)))
    (canon backpressure.inc (core func $bp.inc))
    (canon backpressure.dec (core func $bp.dec))
    (canon thread.yield (core func $yield))
    (canon task.return (result u32) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "bp.inc" (func $bp.inc)) (export "bp.dec" (func $bp.dec))
      (export "yield" (func $yield)) (export "task.return" (func $task.return))))))
    (func (export "handle") async (param "id" u32) (result u32)
      (canon lift (core func $m "handle") async))
    (func (export "max-active") (result u32) (canon lift (core func $m "max-active"))))
  (component $C
    (import "handle" (func $handle async (param "id" u32) (result u32)))
    (import "max-active" (func $max-active (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "handle" (func $handle (param i32 i32) (result i32)))
      (import "" "max-active" (func $max-active (result i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (func (export "run")
        (local $ws i32) (local $id i32) (local $r i32) (local $done i32) (local $sum i32)
        (local.set $ws (call $ws.new))
        ;; 8 calls, each result at 0x100 + 4 * id
        (block $b (loop $call
          (br_if $b (i32.ge_u (local.get $id) (i32.const 8)))
          (local.set $r (call $handle (local.get $id)
                                      (i32.add (i32.const 0x100) (i32.shl (local.get $id) (i32.const 2)))))
          (if (i32.eq (local.get $r) (i32.const 2 (; RETURNED ;)))
            (then (local.set $done (i32.add (local.get $done) (i32.const 1))))
            (else (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))))
          (local.set $id (i32.add (local.get $id) (i32.const 1)))
          (br $call)))
        ;; SUBTASK events until every call has RETURNED
        (block $b (loop $wait
          (br_if $b (i32.ge_u (local.get $done) (i32.const 8)))
          (if (i32.ne (call $ws.wait (local.get $ws) (i32.const 0x80)) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (if (i32.eq (i32.load (i32.const 0x84)) (i32.const 2 (; RETURNED ;)))
            (then
              (call $subtask.drop (i32.load (i32.const 0x80)))
              (local.set $done (i32.add (local.get $done) (i32.const 1)))))
          (br $wait)))
        (local.set $id (i32.const 0))
        (block $b (loop $add
          (br_if $b (i32.ge_u (local.get $id) (i32.const 8)))
          (local.set $sum (i32.add (local.get $sum)
                                   (i32.load (i32.add (i32.const 0x100) (i32.shl (local.get $id) (i32.const 2))))))
          (local.set $id (i32.add (local.get $id) (i32.const 1)))
          (br $add)))
        (call $task.return (local.get $sum) (call $max-active))))
    (core func $handle' (canon lower (func $handle) async (memory (core memory $mem "mem"))))
    (core func $max-active' (canon lower (func $max-active)))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon subtask.drop (core func $subtask.drop))
    (canon task.return (result (tuple u32 u32)) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "handle" (func $handle'))
      (export "max-active" (func $max-active'))
      (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
      (export "join" (func $join)) (export "subtask.drop" (func $subtask.drop))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result (tuple u32 u32)) (canon lift (core func $m "run") async)))
  (instance $s (instantiate $S))
  (instance $c (instantiate $C (with "handle" (func $s "handle")) (with "max-active" (func $s "max-active"))))
  (func (export "run") (alias export $c "run")))
(component instance $t $T)
;; all 8 served (sum 828), never more than 3 at once
(assert_return (invoke "run")
  (either (tuple.const (u32.const 828) (u32.const 3)) (tuple.const (u32.const 828) (u32.const 2))
          (tuple.const (u32.const 828) (u32.const 1))))
