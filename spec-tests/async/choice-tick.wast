;; Open choice `tick` (Store.tick: `random.choice` among the ready threads
;; of every instance).
;; The same workers as choice-sync-loop.wast, but the function is lifted
;; async (stackful), so it is the store's event loop, not canon_lift's sync
;; loop, that picks which ready worker runs first: the function
;; task.returns 12 or 21.
(component definition $T
  (core module $Table (table (export "t") 1 funcref))
  (core instance $table (instantiate $Table))
  (core module $M
    (import "" "t" (table 1 funcref))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "suspend" (func $suspend (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (global $order (mut i32) (i32.const 0))
    ;; append digit $c; the second worker makes the implicit thread (1) ready
    (func $worker (param $c i32)
      (global.set $order (i32.add (i32.mul (global.get $order) (i32.const 10))
                                  (local.get $c)))
      (if (i32.ge_u (global.get $order) (i32.const 10))
        (then (call $later (i32.const 1)))))
    (elem (i32.const 0) func $worker)
    (func (export "run-sync") (result i32)
      (call $later (call $new (i32.const 0) (i32.const 1)))
      (call $later (call $new (i32.const 0) (i32.const 2)))
      (drop (call $suspend))
      (global.get $order))
    (func (export "run-async")
      (call $later (call $new (i32.const 0) (i32.const 1)))
      (call $later (call $new (i32.const 0) (i32.const 2)))
      (drop (call $suspend))
      (call $task.return (global.get $order))))
  (core type $start (func (param i32)))
  (alias core export $table "t" (core table $t))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (canon thread.resume-later (core func $later))
  (canon thread.suspend (core func $suspend))
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance
    (export "t" (table $t)) (export "new" (func $new))
    (export "later" (func $later)) (export "suspend" (func $suspend))
    (export "task.return" (func $task.return))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run-async") async)))
(component instance $t $T)
(assert_return (invoke "run") (either (u32.const 12) (u32.const 21)))
