;; Open choice `event` (WaitableSet.get_pending_event: `random.shuffle` of
;; the set's waitables, then the first with a pending event).
;; One component, one thread: two futures (future.new: readable 1, writable
;; 2; readable 3, writable 4).  Each writable end writes asynchronously
;; (BLOCKED: nobody reads yet), then a synchronous read of each takes the
;; value, so both writable ends hold a FUTURE_WRITE event (future_copy /
;; SharedFutureImpl.read: the pending writer's on_copy_done(COMPLETED)).
;; Both join one set; waitable-set.poll (no waiting, so no wait-early)
;; delivers one of the two events: the result is its handle, 2 or 4.
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "future.new" (func $future.new (result i64)))
    (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
    (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "poll" (func $poll (param i32 i32) (result i32)))
    (func $check (param i32 i32) (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
    (func (export "run") (result i32)
      (local $ws i32)
      (call $check (i32.wrap_i64 (call $future.new)) (i32.const 1))
      (call $check (i32.wrap_i64 (call $future.new)) (i32.const 3))
      (call $check (call $future.write (i32.const 2) (i32.const 0)) (i32.const -1 (; BLOCKED ;)))
      (call $check (call $future.write (i32.const 4) (i32.const 0)) (i32.const -1 (; BLOCKED ;)))
      (call $check (call $future.read (i32.const 1) (i32.const 16)) (i32.const 0 (; COMPLETED ;)))
      (call $check (call $future.read (i32.const 3) (i32.const 16)) (i32.const 0 (; COMPLETED ;)))
      (local.set $ws (call $ws.new))
      (call $join (i32.const 2) (local.get $ws))
      (call $join (i32.const 4) (local.get $ws))
      ;; FUTURE_WRITE (5), the handle at 32, COMPLETED (0) at 36
      (call $check (call $poll (local.get $ws) (i32.const 32)) (i32.const 5))
      (call $check (i32.load (i32.const 36)) (i32.const 0))
      (i32.load (i32.const 32))))
  (type $F (future u32))
  (canon future.new $F (core func $future.new))
  (canon future.read $F (memory (core memory $mem "mem")) (core func $future.read))
  (canon future.write $F async (memory (core memory $mem "mem")) (core func $future.write))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable.join (core func $join))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $poll))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "future.new" (func $future.new)) (export "future.read" (func $future.read))
    (export "future.write" (func $future.write))
    (export "ws.new" (func $ws.new)) (export "join" (func $join)) (export "poll" (func $poll))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))
(component instance $t $T)
(assert_return (invoke "run") (either (u32.const 2) (u32.const 4)))
