;; Tasks of async-lifted functions return through `task.return`
;; (CanonicalABI.md "canon lift", "Tasks" (Task.return_,
;; Task.exit_implicit_thread / unregister_thread), "canon task.return",
;; "CallbackCode").  Every expected value below follows from those steps.
(component definition $T
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (global $n (mut i32) (i32.const 0))
    ;; stackful (async, no callback): return 7 and end
    (func (export "stackful") (call $task.return (i32.const 7)))
    ;; callback: return 8 at once, then EXIT (0)
    (func (export "cb-exit") (result i32) (call $task.return (i32.const 8)) (i32.const 0))
    ;; callback: YIELD (1) twice; the callback gets EventCode NONE (0, 0, 0)
    ;; each time and returns on the second one
    (func (export "cb-yield") (result i32) (i32.const 1))
    (func (export "cb") (param i32 i32 i32) (result i32)
      (if (i32.or (local.get 0) (i32.or (local.get 1) (local.get 2))) (then unreachable))
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (if (i32.lt_u (global.get $n) (i32.const 2)) (then (return (i32.const 1))))
      (call $task.return (global.get $n))
      (i32.const 0))
    ;; Task.return_: trap_if(self.state == RESOLVED)
    (func (export "twice") (call $task.return (i32.const 1)) (call $task.return (i32.const 2)))
    ;; unregister_thread: the last thread ends and the task is not resolved
    (func (export "never") )
    ;; unpack_callback_result: trap_if(code > CallbackCode.MAX)
    (func (export "bad-code") (result i32) (i32.const 3))
    (func (export "unreachable-cb") (param i32 i32 i32) (result i32) unreachable)
    ;; canon_task_return: trap_if(not task.opts.async_)
    (func (export "sync") (result i32) (call $task.return (i32.const 5)) (i32.const 5))
  )
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "stackful") async (result u32) (canon lift (core func $m "stackful") async))
  (func (export "cb-exit") async (result u32)
    (canon lift (core func $m "cb-exit") async (callback (core func $m "unreachable-cb"))))
  (func (export "cb-yield") async (result u32)
    (canon lift (core func $m "cb-yield") async (callback (core func $m "cb"))))
  (func (export "twice") async (result u32) (canon lift (core func $m "twice") async))
  (func (export "never") async (result u32) (canon lift (core func $m "never") async))
  (func (export "bad-code") async (result u32)
    (canon lift (core func $m "bad-code") async (callback (core func $m "unreachable-cb"))))
  (func (export "sync") (result u32) (canon lift (core func $m "sync")))
)
(component instance $t $T)
(assert_return (invoke "stackful") (u32.const 7))
(assert_return (invoke "cb-exit") (u32.const 8))
(assert_return (invoke "cb-yield") (u32.const 2))

;; each trap leaves its instance unusable: a fresh one for each
(component instance $t $T)
(assert_trap (invoke "twice") "task already returned a value")
(component instance $t $T)
(assert_trap (invoke "never") "task exited without returning a value")
(component instance $t $T)
(assert_trap (invoke "bad-code") "unsupported callback code")
(component instance $t $T)
(assert_trap (invoke "sync") "task.return called by a synchronously lifted function")
