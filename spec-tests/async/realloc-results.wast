;; realloc runs as its own task: result lowering of a lowered call, sync
;; and async, from a sync callee (after its core function returned) and
;; from an async callee (inside its task.return).
;;
;; Spec: CanonicalABI.md "canon lower": on_resolve lowers the callee's
;; result into the caller's memory (lower_flat_values with the caller's
;; LiftLowerContext, whose inst is the caller's instance); on_resolve is
;; called by Task.return_, i.e. on the callee's thread: from canon_lift
;; after a sync callee's core function returned, or from
;; canon_task_return inside an async callee.  "Lifting and Lowering
;; Context": reallocate clears the caller's inst.may_leave and calls
;; canon_lift(realloc, ...) synchronously: a new Task and a new Thread of
;; the caller's instance (Thread.storage starts as [0, 0]).
;; Built-ins called from inside that realloc:
;;   canon context.get / context.set: the realloc's own thread: get gives
;;     0, set touches neither the caller's thread nor the callee's;
;;   canon waitable-set.new: trap_if(not inst.may_leave);
;;   canon task.return: trap_if(not task.inst.may_leave) (the first check);
;;   canon lower (a lowered call): trap_if(not thread.task.inst.may_leave);
;; each of these traps says "cannot leave component instance".
;; "canon lift": a sync callee's post-return runs on its own thread after
;; the result was lowered; an async callee continues after task.return on
;; its own thread: both still see their own context slot.
(component definition $T
  (component $Other
    (core module $N (func (export "nop")))
    (core instance $n (instantiate $N))
    (func (export "nop") (canon lift (core func $n "nop"))))
  (component $Callee
    (canon context.get i32 0 (core func $ctx.get))
    (canon context.set i32 0 (core func $ctx.set))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (canon task.return (result string) (memory (core memory $mem "mem")) (core func $task.return))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (data (i32.const 0x10) "hey")
      ;; the string "hey" at 0x10, its (ptr, len) at 0x20
      (func (export "sync-str") (result i32)
        (call $ctx.set (i32.const 3))
        (i32.store (i32.const 0x20) (i32.const 0x10))
        (i32.store (i32.const 0x24) (i32.const 3))
        (i32.const 0x20))
      (func (export "post") (param i32)
        (if (i32.ne (call $ctx.get) (i32.const 3)) (then unreachable)))
      (func (export "async-str")
        (call $ctx.set (i32.const 3))
        (call $task.return (i32.const 0x10) (i32.const 3))
        (if (i32.ne (call $ctx.get) (i32.const 3)) (then unreachable))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "ctx.get" (func $ctx.get))
      (export "ctx.set" (func $ctx.set)) (export "task.return" (func $task.return))))))
    (func (export "sync-str") (result string)
      (canon lift (core func $m "sync-str") (memory (core memory $mem "mem"))
        (post-return (core func $m "post"))))
    (func (export "async-str") async (result string)
      (canon lift (core func $m "async-str") async (memory (core memory $mem "mem")))))
  (component $Caller
    (import "nop" (func $nop))
    (import "sync-str" (func $sync-str (result string)))
    (import "async-str" (func $async-str async (result string)))
    (core func $nop' (canon lower (func $nop)))
    (canon context.get i32 0 (core func $ctx.get))
    (canon context.set i32 0 (core func $ctx.set))
    (canon waitable-set.new (core func $ws.new))
    (canon task.return (core func $task.return))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    ;; realloc: a bump allocator from 0x100.  Memory word 0 is the mode
    ;; (what it does besides allocating: 1 context.get/set,
    ;; 2 waitable-set.new, 3 task.return, 4 the lowered call); word 4
    ;; counts its calls.
    (core module $R
      (import "" "mem" (memory 1))
      (import "" "nop" (func $nop))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "task.return" (func $task.return))
      (global $next (mut i32) (i32.const 0x100))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 1))
          (then
            (if (call $ctx.get) (then unreachable))
            (call $ctx.set (i32.const 99))
            (if (i32.ne (call $ctx.get) (i32.const 99)) (then unreachable))))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 2)) (then (drop (call $ws.new))))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 3)) (then (call $task.return)))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 4)) (then (call $nop)))
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r)))
    (core instance $r (instantiate $R (with "" (instance
      (export "mem" (memory $mem "mem")) (export "nop" (func $nop'))
      (export "ctx.get" (func $ctx.get)) (export "ctx.set" (func $ctx.set))
      (export "ws.new" (func $ws.new)) (export "task.return" (func $task.return))))))
    (core func $sync-str' (canon lower (func $sync-str)
      (memory (core memory $mem "mem")) (realloc (core func $r "realloc"))))
    (core func $sync-async-str' (canon lower (func $async-str)
      (memory (core memory $mem "mem")) (realloc (core func $r "realloc"))))
    (core func $async-str' (canon lower (func $async-str) async
      (memory (core memory $mem "mem")) (realloc (core func $r "realloc"))))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "sync-str" (func $sync-str (param i32)))
      (import "" "sync-async-str" (func $sync-async-str (param i32)))
      (import "" "async-str" (func $async-str (param i32) (result i32)))
      (func (export "set-mode") (param i32) (i32.store (i32.const 0) (local.get 0)))
      ;; 1000 per realloc call + the string's length; the caller's context
      ;; slot is still 5 after the call
      (func $result (result i32)
        (if (i32.ne (call $ctx.get) (i32.const 5)) (then unreachable))
        (i32.add (i32.mul (i32.load (i32.const 4)) (i32.const 1000)) (i32.load (i32.const 0x24))))
      (func (export "call-sync") (result i32)
        (call $ctx.set (i32.const 5))
        (call $sync-str (i32.const 0x20))
        (call $result))
      (func (export "call-sync-async") (result i32)
        (call $ctx.set (i32.const 5))
        (call $sync-async-str (i32.const 0x20))
        (call $result))
      ;; the callee returns before it blocks: RETURNED (2), no subtask
      (func (export "call-async") (result i32)
        (call $ctx.set (i32.const 5))
        (if (i32.ne (call $async-str (i32.const 0x20)) (i32.const 2)) (then unreachable))
        (call $result)))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "ctx.get" (func $ctx.get))
      (export "ctx.set" (func $ctx.set)) (export "sync-str" (func $sync-str'))
      (export "sync-async-str" (func $sync-async-str'))
      (export "async-str" (func $async-str'))))))
    (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
    (func (export "call-sync") (result u32) (canon lift (core func $m "call-sync")))
    (func (export "call-sync-async") (result u32) (canon lift (core func $m "call-sync-async")))
    (func (export "call-async") (result u32) (canon lift (core func $m "call-async"))))
  (instance $other (instantiate $Other))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "nop" (func $other "nop"))
    (with "sync-str" (func $callee "sync-str")) (with "async-str" (func $callee "async-str"))))
  (func (export "set-mode") (alias export $caller "set-mode"))
  (func (export "call-sync") (alias export $caller "call-sync"))
  (func (export "call-sync-async") (alias export $caller "call-sync-async"))
  (func (export "call-async") (alias export $caller "call-async")))

;; Mode 0: one allocation for "hey" (store_string_copy), length 3.
(component instance $t $T)
(assert_return (invoke "call-sync") (u32.const 1003))
(component instance $t $T)
(assert_return (invoke "call-sync-async") (u32.const 1003))
(component instance $t $T)
(assert_return (invoke "call-async") (u32.const 1003))

;; Mode 1: the realloc sees 0 and sets 99 on its own thread; the caller
;; (5) and the callee (3) keep theirs.
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_return (invoke "call-sync") (u32.const 1003))
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_return (invoke "call-sync-async") (u32.const 1003))
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_return (invoke "call-async") (u32.const 1003))

;; Modes 2, 3, 4: the caller's may_leave is false during its realloc.
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "call-sync") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "call-sync") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "call-sync") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "call-sync-async") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "call-sync-async") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "call-sync-async") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "call-async") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "call-async") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "call-async") "cannot leave component instance")
