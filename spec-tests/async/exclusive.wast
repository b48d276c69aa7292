;; A callback-lifted task holds its instance's exclusive_thread lock for the
;; whole core invocation, even while that core code is blocked in a
;; synchronous built-in; another callback-lifted call to the instance then
;; waits before starting (CanonicalABI.md Task.needs_exclusive,
;; Task.enter_implicit_thread (implicit backpressure), "canon lift" and the
;; prose after it: "the exclusive_thread lock is held throughout each core
;; wasm invocation").
(component definition $T
  (component $Callee
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "task.return" (func $task.return))
      ;; blocks inside its core code (a sync wait on an empty set)
      (func (export "hold") (result i32)
        (drop (call $ws.wait (call $ws.new) (i32.const 0)))
        unreachable)
      (func (export "quick") (result i32) (call $task.return) (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon task.return (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
      (export "task.return" (func $task.return))))))
    (func (export "hold") async (canon lift (core func $m "hold") async (callback (core func $m "cb"))))
    (func (export "quick") async (canon lift (core func $m "quick") async (callback (core func $m "cb")))))
  (component $Caller
    (import "hold" (func $hold async))
    (import "quick" (func $quick async))
    (core module $M
      (import "" "hold" (func $hold (result i32)))
      (import "" "quick" (func $quick (result i32)))
      ;; hold: STARTED (1), subtask 1 -> 0x11; quick: STARTING (0),
      ;; subtask 2 -> 0x20
      (func (export "run") (result i32)
        (i32.or (i32.shl (call $hold) (i32.const 8)) (call $quick))))
    (core func $hold' (canon lower (func $hold) async))
    (core func $quick' (canon lower (func $quick) async))
    (core instance $m (instantiate $M (with "" (instance
      (export "hold" (func $hold')) (export "quick" (func $quick'))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "hold" (func $callee "hold"))
                                         (with "quick" (func $callee "quick"))))
  (func (export "run") (alias export $caller "run")))
(component instance $t $T)
(assert_return (invoke "run") (u32.const 0x1120))
