;; realloc runs as its own task: parameter lowering (canon lift).
;;
;; Spec: CanonicalABI.md "Lifting and Lowering Context": reallocate
;; asserts inst.may_leave, clears it, and calls canon_lift(realloc, ft,
;; CanonicalOptions(async_ = False), inst, ...) with the synchronous
;; ft = (u32, u32, u32, u32) -> u32: a new Task and a new Thread of the
;; realloc's own instance, whose Thread.storage starts as [0, 0].
;; "canon lift": the callee's arguments are lowered (lower_flat_values,
;; here a list of strings: store_list_into_range, then store_string for
;; each element) on the callee's implicit thread, before the callee's core
;; function runs.
;; Built-ins called from inside that realloc:
;;   canon context.get / context.set: current_thread() is the realloc's
;;     own thread (no may_leave check): get gives 0, set stays there;
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
    (core module $M
      (import "" "nop" (func $nop))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "task.return" (func $task.return))
      (memory (export "mem") 1)
      ;; what realloc does besides allocating: 1 context.get/set,
      ;; 2 waitable-set.new, 3 task.return, 4 the lowered call
      (global $mode (mut i32) (i32.const 0))
      (global $calls (mut i32) (i32.const 0))
      (global $next (mut i32) (i32.const 0x100))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (if (i32.eq (global.get $mode) (i32.const 1))
          (then
            ;; a new thread each time: 0, also after an earlier realloc set 99
            (if (call $ctx.get) (then unreachable))
            (call $ctx.set (i32.const 99))
            (if (i32.ne (call $ctx.get) (i32.const 99)) (then unreachable))))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (drop (call $ws.new))))
        (if (i32.eq (global.get $mode) (i32.const 3)) (then (call $task.return)))
        (if (i32.eq (global.get $mode) (i32.const 4)) (then (call $nop)))
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
      ;; runs after the arguments were lowered: 1000 per realloc call, plus
      ;; this thread's context slot 0 (untouched by the reallocs: 0)
      (func (export "take") (param i32 i32) (result i32)
        (i32.add (i32.mul (global.get $calls) (i32.const 1000)) (call $ctx.get))))
    (core instance $m (instantiate $M (with "" (instance
      (export "nop" (func $nop')) (export "ctx.get" (func $ctx.get))
      (export "ctx.set" (func $ctx.set)) (export "ws.new" (func $ws.new))
      (export "task.return" (func $task.return))))))
    (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
    (func (export "take") (param "l" (list string)) (result u32)
      (canon lift (core func $m "take") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (instance $other (instantiate $Other))
  (instance $c (instantiate $C (with "nop" (func $other "nop"))))
  (func (export "set-mode") (alias export $c "set-mode"))
  (func (export "take") (alias export $c "take")))

;; Mode 0: a plain allocator.  A list of two strings: one allocation for
;; the list, one per string (store_list_into_range, store_string_copy).
(component instance $t $T)
(assert_return (invoke "take" (list.const (str.const "ab") (str.const "c"))) (u32.const 3000))

;; Mode 1: each of the three reallocs sees 0 in context slot 0 (its own new
;; thread) and sets 99 there; the callee's thread still has 0.
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_return (invoke "take" (list.const (str.const "ab") (str.const "c"))) (u32.const 3000))

;; Modes 2, 3, 4: may_leave is false during realloc.
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "take" (list.const (str.const "ab"))) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "take" (list.const (str.const "ab"))) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "take" (list.const (str.const "ab"))) "cannot leave component instance")

;; A 64-bit memory: reallocate's ft is (u64, u64, u64, u64) -> u64
;; (ptrt = U64Type() when memory.ptr_type() is 'i64'); the realloc runs on
;; its own thread all the same.  "hello" is copied with one allocation of
;; 5 bytes at alignment 1 (store_string_copy); the callee returns the
;; length it was given.
(component definition $T64
  (component $C
    (canon context.get i32 0 (core func $ctx.get))
    (core module $M
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (memory (export "mem") i64 1)
      (global $next (mut i64) (i64.const 0x100))
      (func (export "realloc") (param i64 i64 i64 i64) (result i64)
        (local $r i64)
        (if (call $ctx.get) (then unreachable))
        (if (i64.ne (local.get 2) (i64.const 1)) (then unreachable))
        (if (i64.ne (local.get 3) (i64.const 5)) (then unreachable))
        (local.set $r (global.get $next))
        (global.set $next (i64.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "take") (param i64 i64) (result i32) (i32.wrap_i64 (local.get 1))))
    (core instance $m (instantiate $M (with "" (instance (export "ctx.get" (func $ctx.get))))))
    (func (export "take") (param "s" string) (result u32)
      (canon lift (core func $m "take") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (instance $c (instantiate $C))
  (func (export "take") (alias export $c "take")))
(component instance $t64 $T64)
(assert_return (invoke "take" (str.const "hello")) (u32.const 5))
