;; Async calls between components: the caller's Subtask (CanonicalABI.md
;; "canon lower" (async: state | (index << 4)), "Subtask State",
;; "canon subtask.drop", "canon waitable.join", "canon waitable-set.wait").
(component definition $T
  (component $Callee
    (core module $M
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      ;; YIELD first; the callback then returns 5 and EXITs
      (func (export "slow") (result i32) (i32.const 1))
      (func (export "slow-cb") (param i32 i32 i32) (result i32)
        (call $task.return (i32.const 5)) (i32.const 0))
      ;; WAIT on an empty set: blocked for good
      (func (export "stuck") (result i32)
        (i32.or (i32.const 2) (i32.shl (call $ws.new) (i32.const 4))))
      (func (export "stuck-cb") (param i32 i32 i32) (result i32) unreachable))
    (canon task.return (result u32) (core func $task.return))
    (canon waitable-set.new (core func $ws.new))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $task.return)) (export "ws.new" (func $ws.new))))))
    (func (export "slow") async (result u32)
      (canon lift (core func $m "slow") async (callback (core func $m "slow-cb"))))
    (func (export "stuck") async (result u32)
      (canon lift (core func $m "stuck") async (callback (core func $m "stuck-cb")))))
  (component $Caller
    (import "slow" (func $slow async (result u32)))
    (import "stuck" (func $stuck async (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "slow" (func $slow (param i32) (result i32)))
      (import "" "stuck" (func $stuck (param i32) (result i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (func (export "run")
        (local $ws i32) (local $r i32)
        ;; The callee yields.  Thread.wait_until may continue at once (the
        ;; callee then returns before the call does: RETURNED (2), no
        ;; subtask) or block (STARTED (1) with the subtask at index 1, the
        ;; first handle of this instance: 0x11); the spec allows both.
        (local.set $r (call $slow (i32.const 0)))
        (if (i32.eq (local.get $r) (i32.const 2))
          (then (call $task.return (i32.load (i32.const 0))) (return)))
        (if (i32.ne (local.get $r) (i32.const 0x11)) (then unreachable))
        (local.set $ws (call $ws.new))
        (call $join (i32.const 1) (local.get $ws))
        ;; SUBTASK (1) with index 1 and state RETURNED (2); 5 at the retptr
        (if (i32.ne (call $ws.wait (local.get $ws) (i32.const 8)) (i32.const 1)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 8)) (i32.const 1)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 12)) (i32.const 2)) (then unreachable))
        (call $subtask.drop (i32.const 1))
        (call $task.return (i32.load (i32.const 0))))
      ;; Subtask.drop: trap_if(not self.resolve_delivered())
      (func (export "drop-early")
        (if (i32.ne (call $stuck (i32.const 0)) (i32.const 0x11)) (then unreachable))
        (call $subtask.drop (i32.const 1))))
    (core func $slow' (canon lower (func $slow) async (memory (core memory $mem "mem"))))
    (core func $stuck' (canon lower (func $stuck) async (memory (core memory $mem "mem"))))
    (canon subtask.drop (core func $subtask.drop))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon task.return (result u32) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "slow" (func $slow'))
      (export "stuck" (func $stuck'))
      (export "subtask.drop" (func $subtask.drop)) (export "ws.new" (func $ws.new))
      (export "ws.wait" (func $ws.wait)) (export "join" (func $join))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async))
    (func (export "drop-early") async (canon lift (core func $m "drop-early") async)))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "slow" (func $callee "slow"))
                                          (with "stuck" (func $callee "stuck"))))
  (func (export "run") (alias export $caller "run"))
  (func (export "drop-early") (alias export $caller "drop-early"))
)
(component instance $t $T)
(assert_return (invoke "run") (u32.const 5))
(component instance $t $T)
(assert_trap (invoke "drop-early") "cannot drop a subtask which has not yet resolved")
