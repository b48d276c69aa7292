;; Waitable sets and waitable.join: the handle checks, dropping a set with
;; elements or with a waiter, joining while a thread waits synchronously.
;;
;; Rules: waitable-set.drop/elements, waitable-set.drop/waiters,
;;   waitable-set/not-waitable-set (wait, poll, drop, join, the callback's
;;   WAIT code), waitable.join/not-waitable, waitable.join/sync-waiter.
;;
;; Spec (definitions.py):
;;   canon_waitable_set_wait / canon_waitable_set_poll: wset =
;;     inst.handles.get(si); trap_if(not isinstance(wset, WaitableSet)).
;;   canon_waitable_set_drop: wset = inst.handles.remove(i);
;;     trap_if(not isinstance(wset, WaitableSet)); wset.drop().
;;   WaitableSet.drop: trap_if(len(self.elems) > 0);
;;     trap_if(self.num_waiting > 0).
;;   WaitableSet.wait_for_event_and: num_waiting += 1 while the thread
;;     waits (wait_until(ready_and_has_event, ...)).
;;   canon_waitable_join: w = inst.handles.get(wi);
;;     trap_if(not isinstance(w, Waitable)); trap_if(w.has_sync_waiter);
;;     si == 0 leaves the set, else trap_if(not isinstance(wset,
;;     WaitableSet)) and w.join(wset).
;;   canon_lift, callback loop, case CallbackCode.WAIT: wset =
;;     inst.handles.get(si); trap_if(not isinstance(wset, WaitableSet)).
;;   stream_copy, synchronous and nothing to copy yet:
;;     e.wait_for_pending_event(), which sets has_sync_waiter while the
;;     thread waits.
;;   Handle indices: Table.add hands out 1, 2, 3, ... in a fresh instance
;;   (array starts as [None]); canon_stream_new adds the readable end, then
;;   the writable end, and returns ri | (wi << 32).
;;   Thread scheduling: a thread made by thread.new-indirect and marked
;;   with thread.resume-later runs only when the running thread blocks
;;   (Thread.resume_later makes it ready; nothing preempts).  Every wait
;;   below is on something not ready, so Thread.wait_until blocks (no
;;   early return is possible: ready_func() is false) and the outcome
;;   depends on no choice.
(component definition $T
  (type $S (stream u8))
  (core module $Tbl (table (export "t") 1 funcref))
  (core instance $tbl (instantiate $Tbl))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core type $start (func (param i32)))
  (alias core export $tbl "t" (core table $t))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $ws.poll))
  (canon waitable-set.drop (core func $ws.drop))
  (canon waitable.join (core func $join))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S (memory (core memory $mem "mem")) (core func $stream.read))
  (core func $thread.new (canon thread.new-indirect $start (core table $t)))
  (canon thread.resume-later (core func $resume-later))
  (canon task.return (result u32) (core func $task.return))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "t" (table 1 funcref))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
    (import "" "ws.poll" (func $ws.poll (param i32 i32) (result i32)))
    (import "" "ws.drop" (func $ws.drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "thread.new" (func $thread.new (param i32 i32) (result i32)))
    (import "" "resume-later" (func $resume-later (param i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (global $arg (mut i32) (i32.const 0))
    ;; a second thread of the task: what it does depends on $arg
    ;;   1: drop the set $arg2 (another thread waits on it)
    ;;   2: join the readable end $arg2 to a new set (another thread
    ;;      reads it synchronously)
    (global $arg2 (mut i32) (i32.const 0))
    (func $worker (param $what i32)
      (if (i32.eq (local.get $what) (i32.const 1))
        (then (call $ws.drop (global.get $arg2))))
      (if (i32.eq (local.get $what) (i32.const 2))
        (then (call $join (global.get $arg2) (call $ws.new)))))
    (elem (i32.const 0) func $worker)
    (func $spawn (param $what i32)
      (call $resume-later (call $thread.new (i32.const 0) (local.get $what))))
    ;; the rules' other side: a set with an element polls NONE (0), the
    ;; element leaves with join(w, 0), and the empty set drops; the set
    ;; was handle 1 and the ends 2 and 3: 1 + 2*10 + 3*100 = 321
    (func (export "ok") (result i32)
      (local $s i32) (local $ends i64)
      (local.set $s (call $ws.new))
      (local.set $ends (call $stream.new))
      (call $join (i32.wrap_i64 (local.get $ends)) (local.get $s))
      (if (call $ws.poll (local.get $s) (i32.const 0)) (then unreachable))
      (call $join (i32.wrap_i64 (local.get $ends)) (i32.const 0))
      (call $ws.drop (local.get $s))
      (i32.add (local.get $s)
        (i32.add (i32.mul (i32.wrap_i64 (local.get $ends)) (i32.const 10))
                 (i32.mul (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
                          (i32.const 100)))))
    ;; WaitableSet.drop: trap_if(len(self.elems) > 0)
    (func (export "drop-elements")
      (local $s i32)
      (local.set $s (call $ws.new))
      (call $join (i32.wrap_i64 (call $stream.new)) (local.get $s))
      (call $ws.drop (local.get $s)))
    ;; WaitableSet.drop: trap_if(self.num_waiting > 0): this thread waits
    ;; on the empty set 1, the worker drops it
    (func (export "drop-waiters")
      (global.set $arg2 (call $ws.new))
      (call $spawn (i32.const 1))
      (drop (call $ws.wait (global.get $arg2) (i32.const 0)))
      unreachable)
    ;; canon_waitable_join: a waitable set (2) is not a Waitable
    (func (export "join-set")
      (local $s i32)
      (local.set $s (call $ws.new))
      (call $join (call $ws.new) (local.get $s)))
    ;; canon_waitable_join: si = 2 is the writable end, not a set
    (func (export "join-into-end")
      (local $ends i64)
      (local.set $ends (call $stream.new))
      (call $join (i32.wrap_i64 (local.get $ends))
                  (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))))
    ;; wait, poll and drop on the readable end 1
    (func (export "wait-end")
      (drop (call $ws.wait (i32.wrap_i64 (call $stream.new)) (i32.const 0))))
    (func (export "poll-end")
      (drop (call $ws.poll (i32.wrap_i64 (call $stream.new)) (i32.const 0))))
    (func (export "drop-end")
      (call $ws.drop (i32.wrap_i64 (call $stream.new))))
    ;; the callback's WAIT code with the readable end 1 as its set
    (func (export "cb-wait-end") (result i32)
      (i32.or (i32.const 2) (i32.shl (i32.wrap_i64 (call $stream.new)) (i32.const 4))))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable)
    ;; canon_waitable_join: trap_if(w.has_sync_waiter): this thread reads
    ;; the readable end 1 synchronously (nothing written: it waits), the
    ;; worker joins that end to a set
    (func (export "join-sync-waiter")
      (global.set $arg2 (i32.wrap_i64 (call $stream.new)))
      (call $spawn (i32.const 2))
      (drop (call $stream.read (global.get $arg2) (i32.const 0) (i32.const 1)))
      unreachable)
    ;; the same worker when nobody waits synchronously: join succeeds,
    ;; and the task returns
    (func (export "join-async")
      (global.set $arg2 (i32.wrap_i64 (call $stream.new)))
      (call $worker (i32.const 2))
      (call $task.return (i32.const 1))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem")) (export "t" (table $t))
    (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
    (export "ws.poll" (func $ws.poll)) (export "ws.drop" (func $ws.drop))
    (export "join" (func $join)) (export "stream.new" (func $stream.new))
    (export "stream.read" (func $stream.read))
    (export "thread.new" (func $thread.new))
    (export "resume-later" (func $resume-later))
    (export "task.return" (func $task.return))))))
  (func (export "ok") (result u32) (canon lift (core func $m "ok")))
  (func (export "drop-elements") (canon lift (core func $m "drop-elements")))
  (func (export "drop-waiters") async (canon lift (core func $m "drop-waiters") async))
  (func (export "join-set") (canon lift (core func $m "join-set")))
  (func (export "join-into-end") (canon lift (core func $m "join-into-end")))
  (func (export "wait-end") (canon lift (core func $m "wait-end")))
  (func (export "poll-end") (canon lift (core func $m "poll-end")))
  (func (export "drop-end") (canon lift (core func $m "drop-end")))
  (func (export "cb-wait-end") async
    (canon lift (core func $m "cb-wait-end") async (callback (core func $m "cb"))))
  (func (export "join-sync-waiter") async
    (canon lift (core func $m "join-sync-waiter") async))
  (func (export "join-async") async (result u32)
    (canon lift (core func $m "join-async") async)))

(component instance $t $T)
(assert_return (invoke "ok") (u32.const 321))
(assert_return (invoke "join-async") (u32.const 1))
(component instance $t $T)
(assert_trap (invoke "drop-elements") "cannot drop waitable set with elements")
(component instance $t $T)
(assert_trap (invoke "drop-waiters") "cannot drop waitable set with waiters")
(component instance $t $T)
(assert_trap (invoke "join-set") "handle index 2 is not a waitable")
(component instance $t $T)
(assert_trap (invoke "join-into-end") "handle index 2 is not a waitable set")
(component instance $t $T)
(assert_trap (invoke "wait-end") "handle index 1 is not a waitable set")
(component instance $t $T)
(assert_trap (invoke "poll-end") "handle index 1 is not a waitable set")
(component instance $t $T)
(assert_trap (invoke "drop-end") "handle index 1 is not a waitable set")
(component instance $t $T)
(assert_trap (invoke "cb-wait-end") "handle index 1 is not a waitable set")
(component instance $t $T)
(assert_trap (invoke "join-sync-waiter") "waitable cannot be used synchronously while added to a waitable set")
