;; Open choice `cancel-thread` (Task.request_cancellation: `random.choice`
;; among the task's cancellable threads).
;; The callee's implicit thread (index 1) makes a second thread (2) and
;; switches to it (thread.suspend-then-resume, cancellable); the new thread
;; suspends (thread.suspend, cancellable).  Both are now suspended
;; cancellably.  The caller's synchronous subtask.cancel delivers the
;; cancellation to one of them; that thread records its thread.index and
;; calls task.cancel, so subtask.cancel returns CANCELLED_BEFORE_RETURNED
;; (4).  `who` then tells which thread got it: 1 or 2.
(component definition $T
  (component $Callee
    (core module $Table (table (export "t") 1 funcref))
    (core instance $table (instantiate $Table))
    (core module $M
      (import "" "t" (table 1 funcref))
      (import "" "index" (func $index (result i32)))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "suspend" (func $suspend (result i32)))
      (import "" "switch" (func $switch (param i32) (result i32)))
      (import "" "task.cancel" (func $task.cancel))
      (global $who (mut i32) (i32.const 0))
      ;; run by the thread that receives the cancellation
      (func $got-it
        (global.set $who (call $index))
        (call $task.cancel))
      (func $worker (param i32)
        (if (call $suspend) (then (call $got-it))))
      (elem (i32.const 0) func $worker)
      (func (export "two")
        (if (call $switch (call $new (i32.const 0) (i32.const 0)))
          (then (call $got-it))))
      (func (export "who") (result i32) (global.get $who)))
    (core type $start (func (param i32)))
    (alias core export $table "t" (core table $t))
    (core func $new (canon thread.new-indirect $start (core table $t)))
    (canon thread.index (core func $index))
    (canon thread.suspend cancellable (core func $suspend))
    (canon thread.suspend-then-resume cancellable (core func $switch))
    (canon task.cancel (core func $task.cancel))
    (core instance $m (instantiate $M (with "" (instance
      (export "t" (table $t)) (export "index" (func $index)) (export "new" (func $new))
      (export "suspend" (func $suspend)) (export "switch" (func $switch))
      (export "task.cancel" (func $task.cancel))))))
    (func (export "two") async (canon lift (core func $m "two") async))
    (func (export "who") (result u32) (canon lift (core func $m "who"))))
  (component $Caller
    (import "two" (func $two async))
    (import "who" (func $who (result u32)))
    (core module $M
      (import "" "two" (func $two (result i32)))
      (import "" "who" (func $who (result i32)))
      (import "" "cancel" (func $cancel (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") (result i32)
        (if (i32.ne (call $two) (i32.const 0x11)) (then unreachable))
        (if (i32.ne (call $cancel (i32.const 1)) (i32.const 4)) (then unreachable))
        (call $drop (i32.const 1))
        (call $who)))
    (core func $two' (canon lower (func $two) async))
    (core func $who' (canon lower (func $who)))
    (canon subtask.cancel (core func $cancel))
    (canon subtask.drop (core func $drop))
    (core instance $m (instantiate $M (with "" (instance
      (export "two" (func $two')) (export "who" (func $who'))
      (export "cancel" (func $cancel)) (export "drop" (func $drop))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "two" (func $callee "two"))
                                         (with "who" (func $callee "who"))))
  (func (export "run") (alias export $caller "run")))
(component instance $t $T)
(assert_return (invoke "run") (either (u32.const 1) (u32.const 2)))
