;; Open choice `wait-early` (Thread.wait_until: `random.randint(0,1)` when
;; the condition already holds; DETERMINISTIC_PROFILE blocks).
;; The callee (async, callback) returns YIELD (1) from its first call: its
;; thread waits for a condition that already holds, so it may go on at once
;; (the callback runs, task.return, EXIT) or block first.  The caller's
;; async lower sees the subtask's state: STARTED (1) if the callee blocked,
;; RETURNED (2) if it went on (canon_lower async: `subtask.state`).  Both
;; are allowed; the caller returns the state (the low 4 bits).
(component definition $T
  (component $Callee
    (core module $M
      (import "" "task.return" (func $task.return))
      (func (export "f") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "f-cb") (param i32 i32 i32) (result i32)
        (call $task.return) (i32.const 0 (; EXIT ;))))
    (canon task.return (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
    (func (export "f") async (canon lift (core func $m "f") async (callback (core func $m "f-cb")))))
  (component $Caller
    (import "f" (func $f async))
    (core module $M
      (import "" "f" (func $f (result i32)))
      (func (export "run") (result i32) (i32.and (call $f) (i32.const 0xf))))
    (core func $f' (canon lower (func $f) async))
    (core instance $m (instantiate $M (with "" (instance (export "f" (func $f'))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "f" (func $callee "f"))))
  (func (export "run") (alias export $caller "run")))
(component instance $t $T)
(assert_return (invoke "run") (either (u32.const 1) (u32.const 2)))
