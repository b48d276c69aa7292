;; realloc runs as its own task, also while a component is instantiated: a
;; core start function that makes a sync lowered call whose string result
;; is lowered with the caller's realloc.
;;
;; Spec: CanonicalABI.md "Lifting and Lowering Context" (reallocate: a new
;; Task and Thread of the instance that owns the memory, synchronous,
;; Thread.storage starting as [0, 0]), "canon lower" (on_resolve lowers the
;; result into the caller's memory on the callee's thread).  The spec has
;; no current thread for core code run during instantiation; cmref runs
;; such a start function with none (canon/builtins.h), and this script
;; pins down that its realloc still gets a thread of its own: context.get
;; gives 0 there, and the call completes (no assertion failure, as before
;; realloc became a task).
(component definition $T
  (component $Callee
    (core module $M
      (memory (export "mem") 1)
      (data (i32.const 0x10) "hey")
      (data (i32.const 0x20) "\10\00\00\00\03\00\00\00")
      (func (export "f") (result i32) (i32.const 0x20)))
    (core instance $m (instantiate $M))
    (func (export "f") (result string) (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  (component $Caller
    (import "f" (func $f (result string)))
    (canon context.get i32 0 (core func $ctx.get))
    (canon context.set i32 0 (core func $ctx.set))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $R
      (import "" "mem" (memory 1))
      (import "" "ctx.get" (func $ctx.get (result i32)))
      (import "" "ctx.set" (func $ctx.set (param i32)))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (if (call $ctx.get) (then unreachable))
        (call $ctx.set (i32.const 9))
        (i32.const 0x100)))
    (core instance $r (instantiate $R (with "" (instance (export "mem" (memory $mem "mem"))
       (export "ctx.get" (func $ctx.get)) (export "ctx.set" (func $ctx.set))))))
    (core func $f' (canon lower (func $f) (memory (core memory $mem "mem")) (realloc (core func $r "realloc"))))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32)))
      (func $start (call $f (i32.const 0x40)))
      (start $start)
      (func (export "len") (result i32) (i32.load (i32.const 0x44))))
    (core instance $m (instantiate $M (with "" (instance (export "mem" (memory $mem "mem")) (export "f" (func $f'))))))
    (func (export "len") (result u32) (canon lift (core func $m "len"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "f" (func $callee "f"))))
  (func (export "len") (alias export $caller "len")))
(component instance $t $T)
(assert_return (invoke "len") (u32.const 3))
