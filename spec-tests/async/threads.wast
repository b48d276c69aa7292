;; Threads of one task (CanonicalABI.md "Threads", "canon thread.index",
;; "canon thread.new-indirect", "canon thread.suspend-then-resume",
;; "canon thread.resume-later", Task.register_thread /
;; unregister_thread).
(component definition $T
  (core module $Table (table (export "t") 1 funcref))
  (core instance $table (instantiate $Table))
  (core module $M
    (import "" "t" (table 1 funcref))
    (import "" "index" (func $index (result i32)))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "switch" (func $switch (param i32) (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (global $seen (mut i32) (i32.const 0))
    (global $seen-index (mut i32) (i32.const 0))
    ;; the new thread: records its argument and its own index, makes the
    ;; implicit thread (index 1) ready again, and ends
    (func $worker (param $c i32)
      (global.set $seen (local.get $c))
      (global.set $seen-index (call $index))
      (call $later (i32.const 1)))
    (elem (i32.const 0) func $worker)
    (func (export "run")
      (local $t i32)
      ;; the implicit thread is the first thread of the instance: index 1
      (if (i32.ne (call $index) (i32.const 1)) (then unreachable))
      ;; a new thread, suspended, index 2
      (local.set $t (call $new (i32.const 0) (i32.const 7)))
      (if (i32.ne (local.get $t) (i32.const 2)) (then unreachable))
      (if (global.get $seen) (then unreachable))
      ;; switch to it; it runs now, and resume-later brings us back
      ;; (not cancelled: 0)
      (if (call $switch (local.get $t)) (then unreachable))
      (call $task.return (i32.add (i32.mul (global.get $seen) (i32.const 10))
                                  (global.get $seen-index))))
    ;; switching to a thread that is not suspended (the running one) traps
    (func (export "bad-switch")
      (drop (call $switch (call $index)))))
  (core type $start (func (param i32)))
  (alias core export $table "t" (core table $t))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (canon thread.index (core func $index))
  (canon thread.suspend-then-resume (core func $switch))
  (canon thread.resume-later (core func $later))
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance
    (export "t" (table $t)) (export "index" (func $index)) (export "new" (func $new))
    (export "switch" (func $switch)) (export "later" (func $later))
    (export "task.return" (func $task.return))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run") async))
  (func (export "bad-switch") async (canon lift (core func $m "bad-switch") async)))
(component instance $t $T)
;; 7 from the worker's argument, 2 its index
(assert_return (invoke "run") (u32.const 72))
(component instance $t $T)
(assert_trap (invoke "bad-switch") "thread 1 is not suspended")
