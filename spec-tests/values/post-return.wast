;; post-return: when it runs (after the results are lifted, or after they
;; are lowered into the caller), what it receives (the callee's flat core
;; results), and what happens when it traps.
;;
;; Spec: CanonicalABI.md "canon lift" (sync case: lift_flat_values, then
;; task.return_, then post_return(flat_results) with may_leave cleared),
;; "canon lift" validation (post-return type is
;; (func (param flatten_functype(...,'lift').results))), "canon
;; resource.new"/"canon lower" (trap_if(not may_leave)).

(component definition $Host
  (core module $M
    (memory (export "mem") 1)
    (global $calls (mut i32) (i32.const 0))
    (global $last (mut i64) (i64.const 0))
    (data (i32.const 0x100) "hello")
    ;; returns the string "hello" at 0x100
    (func (export "greet") (result i32)
      (i32.store (i32.const 0x10) (i32.const 0x100))
      (i32.store (i32.const 0x14) (i32.const 5))
      (i32.const 0x10))
    ;; frees it: overwrites both the (ptr, len) pair and the bytes
    (func (export "greet-post") (param $p i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (global.set $last (i64.extend_i32_u (local.get $p)))
      (i64.store (i32.load (local.get $p)) (i64.const 0))
      (i64.store (local.get $p) (i64.const -1)))
    (func (export "big") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2)))
    (func (export "big-post") (param i64)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (global.set $last (local.get 0)))
    (func (export "real") (result f64) (f64.const 0.5))
    (func (export "real-post") (param f64)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (global.set $last (i64.reinterpret_f64 (local.get 0))))
    (func (export "nothing"))
    (func (export "nothing-post")
      (global.set $calls (i32.add (global.get $calls) (i32.const 100))))
    (func (export "calls") (result i32) (global.get $calls))
    (func (export "last") (result i64) (global.get $last))
    (func (export "bad") (result i32) (i32.const 3))
    (func (export "bad-post") (param i32) unreachable)
  )
  (core instance $m (instantiate $M))
  (func (export "greet") (result string)
    (canon lift (core func $m "greet") (memory (core memory $m "mem"))
      (post-return (core func $m "greet-post"))))
  (func (export "big") (param "x" u64) (result u64)
    (canon lift (core func $m "big") (post-return (core func $m "big-post"))))
  (func (export "real") (result f64)
    (canon lift (core func $m "real") (post-return (core func $m "real-post"))))
  (func (export "nothing")
    (canon lift (core func $m "nothing") (post-return (core func $m "nothing-post"))))
  (func (export "calls") (result u32) (canon lift (core func $m "calls")))
  (func (export "last") (result u64) (canon lift (core func $m "last")))
  (func (export "bad") (result u32)
    (canon lift (core func $m "bad") (post-return (core func $m "bad-post"))))
)
(component instance $h $Host)
;; the string was lifted before post-return clobbered it
(assert_return (invoke "greet") (str.const "hello"))
(assert_return (invoke "calls") (u32.const 1))
;; post-return got the core result: the pointer 0x10
(assert_return (invoke "last") (u64.const 0x10))
;; "greet" does not rewrite the bytes: the second call sees what the first
;; post-return left (5 zero bytes; the (ptr, len) pair is rewritten)
(assert_return (invoke "greet") (str.const "\00\00\00\00\00"))
(assert_return (invoke "calls") (u32.const 2))
;; the flat i64 result is passed unchanged
(assert_return (invoke "big" (u64.const 0x4000000000000001)) (u64.const 0x8000000000000002))
(assert_return (invoke "last") (u64.const 0x8000000000000002))
(assert_return (invoke "real") (f64.const 0.5))
(assert_return (invoke "last") (u64.const 0x3fe0000000000000))
;; no results: post-return takes no parameters and still runs
(assert_return (invoke "nothing"))
(assert_return (invoke "calls") (u32.const 104))
;; a trap in post-return is a trap of the call
(assert_trap (invoke "bad") "unreachable")

;; ---- between components: post-return runs after the caller has its copy --
(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $calls (mut i32) (i32.const 0))
      (data (i32.const 0x100) "abc")
      (func (export "get") (result i32)
        (i32.store (i32.const 0x10) (i32.const 0x100))
        (i32.store (i32.const 0x14) (i32.const 3))
        (i32.const 0x10))
      (func (export "get-post") (param $p i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (i32.store (i32.const 0x100) (i32.const 0)))
      (func (export "calls") (result i32) (global.get $calls))
    )
    (core instance $m (instantiate $M))
    (func (export "get") (result string)
      (canon lift (core func $m "get") (memory (core memory $m "mem"))
        (post-return (core func $m "get-post"))))
    (func (export "calls") (result u32) (canon lift (core func $m "calls")))
  )
  (component $D
    (import "get" (func $get (result string)))
    (import "calls" (func $calls (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0x200)))
    (core instance $mem (instantiate $Mem))
    (core func $get' (canon lower (func $get) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core func $calls' (canon lower (func $calls)))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "get" (func $get (param i32)))
      (import "" "calls" (func $calls (result i32)))
      (func (export "run") (result i32)
        (if (i32.ne (call $calls) (i32.const 0)) (then unreachable))
        (call $get (i32.const 0x20))
        ;; post-return has run exactly once, once the call returned
        (if (i32.ne (call $calls) (i32.const 1)) (then unreachable))
        ;; and the bytes copied into our memory are intact
        (if (i32.ne (i32.load (i32.const 0x20)) (i32.const 0x200)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 0x24)) (i32.const 3)) (then unreachable))
        (i32.and (i32.load (i32.const 0x200)) (i32.const 0xffffff)))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "get" (func $get'))
      (export "calls" (func $calls'))))))
    (func (export "run") (result u32) (canon lift (core func $m "run")))
  )
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "get" (func $c "get")) (with "calls" (func $c "calls"))))
  (export "run" (func $d "run"))
)
;; "abc" little-endian
(assert_return (invoke "run") (u32.const 0x636261))

;; ---- post-return may not leave the instance (may_leave is false) ---------
(component definition $Leave
  (component $Callee
    (core module $M (func (export "f")))
    (core instance $m (instantiate $M))
    (func (export "f") (canon lift (core func $m "f")))
  )
  (component $L
    (type $r (resource (rep i32)))
    (import "f" (func $f))
    (core func $f' (canon lower (func $f)))
    (core func $new (canon resource.new $r))
    (core module $M
      (import "" "f" (func $f))
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "one") (result i32) (i32.const 1))
      (func (export "post-call") (param i32) (call $f))
      (func (export "post-new") (param i32) (drop (call $new (i32.const 5))))
      (func (export "post-nop") (param i32))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "f" (func $f')) (export "new" (func $new))))))
    (func (export "call-import") (result u32)
      (canon lift (core func $m "one") (post-return (core func $m "post-call"))))
    (func (export "resource-new") (result u32)
      (canon lift (core func $m "one") (post-return (core func $m "post-new"))))
    (func (export "fine") (result u32)
      (canon lift (core func $m "one") (post-return (core func $m "post-nop"))))
  )
  (instance $callee (instantiate $Callee))
  (instance $l (instantiate $L (with "f" (func $callee "f"))))
  (export "call-import" (func $l "call-import"))
  (export "resource-new" (func $l "resource-new"))
  (export "fine" (func $l "fine"))
)
(component instance $leave $Leave)
(assert_return (invoke "fine") (u32.const 1))
(assert_trap (invoke "call-import") "cannot leave component instance")
(component instance $leave $Leave)
(assert_trap (invoke "resource-new") "cannot leave component instance")
