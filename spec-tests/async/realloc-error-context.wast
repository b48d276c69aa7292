;; realloc runs as its own task: error-context.debug-message, which stores
;; the message string with the caller's realloc, on the caller's behalf.
;;
;; Spec: CanonicalABI.md "canon error-context.debug-message" (store_string
;; with a LiftLowerContext of the current instance: store_string_copy
;; allocates even for an empty message, so realloc is called exactly once,
;; whatever message error-context.new kept), "Lifting and Lowering
;; Context": reallocate clears inst.may_leave and calls
;; canon_lift(realloc, ...) synchronously: a new Task and a new Thread of
;; the instance (Thread.storage starts as [0, 0]).
;; Built-ins called from inside that realloc:
;;   canon context.get / context.set: the realloc's own thread: get gives
;;     0, set does not touch the caller's thread;
;;   canon waitable-set.new: trap_if(not inst.may_leave);
;;   canon task.return: trap_if(not task.inst.may_leave) (the first check);
;;   canon lower (a lowered call): trap_if(not thread.task.inst.may_leave);
;; each of these traps says "cannot leave component instance".
(component definition $T
  (component $Other
    (core module $N (func (export "nop")))
    (core instance $n (instantiate $N))
    (func (export "nop") (canon lift (core func $n "nop"))))
  (component $C
    (import "nop" (func $nop))
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
    (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
    (canon error-context.debug-message (memory (core memory $mem "mem"))
      (realloc (core func $r "realloc")) (core func $ec.msg))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
      (import "" "ec.msg" (func $ec.msg (param i32 i32)))
      (data (i32.const 0x10) "hello")
      (func (export "set-mode") (param i32) (i32.store (i32.const 0) (local.get 0)))
      ;; 1000 per realloc call; this thread's context slot is still 5
      (func (export "msg") (result i32)
        (call $ctx.set (i32.const 5))
        (call $ec.msg (call $ec.new (i32.const 0x10) (i32.const 5)) (i32.const 0x40))
        (if (i32.ne (call $ctx.get) (i32.const 5)) (then unreachable))
        (i32.mul (i32.load (i32.const 4)) (i32.const 1000))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "ctx.get" (func $ctx.get))
      (export "ctx.set" (func $ctx.set)) (export "ec.new" (func $ec.new))
      (export "ec.msg" (func $ec.msg))))))
    (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
    (func (export "msg") (result u32) (canon lift (core func $m "msg"))))
  (instance $other (instantiate $Other))
  (instance $c (instantiate $C (with "nop" (func $other "nop"))))
  (func (export "set-mode") (alias export $c "set-mode"))
  (func (export "msg") (alias export $c "msg")))

(component instance $t $T)
(assert_return (invoke "msg") (u32.const 1000))
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_return (invoke "msg") (u32.const 1000))
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "msg") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "msg") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "msg") "cannot leave component instance")
