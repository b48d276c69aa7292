;; calls.wast -- direct calls (arguments in order, multiple results),
;; recursion and mutual recursion, call_indirect (dispatch through a table,
;; structurally equal types declared twice match, "indirect call type
;; mismatch", "undefined element" past the table end, "uninitialized
;; element" for a null entry, a second table), and unbounded recursion
;; exhausting the call stack ("call stack exhausted").
;; Spec: exec/instructions.rst "call", "call_indirect", "Function Calls";
;; exec/runtime.rst "Stack" (implementation limits -> exhaustion);
;; valid/types.rst "Function Types" (type equivalence).

(module
  (type $ii (func (param i32) (result i32)))
  (type $ii-again (func (param i32) (result i32)))  ;; same structure
  (type $v-i (func (result i32)))
  (type $i64 (func (param i64) (result i64)))

  (table $t 6 funcref)
  (elem (table $t) (i32.const 0) func $double $square $const7 $fact)
  ;; slots 4, 5 are null
  (table $t2 2 funcref)
  (elem (table $t2) (i32.const 1) func $square)

  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $ii-again) (i32.mul (local.get 0) (local.get 0)))
  (func $const7 (type $v-i) (i32.const 7))
  (func $fact (type $i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))

  ;; argument order: sub(a, b) = a - b
  (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "call-sub") (result i32) (call $sub (i32.const 10) (i32.const 3)))
  (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "call-swap") (result i64 i32) (call $swap (i32.const 1) (i64.const 2)))
  ;; results of one call feed the next directly
  (func $pair (result i32 i32) (i32.const 9) (i32.const 4))
  (func (export "call-chain") (result i32) (call $sub (call $pair)))

  (func (export "fact") (param i64) (result i64) (call $fact (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))

  (func (export "dispatch") (param i32 i32) (result i32)
    (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
  (func (export "dispatch-again") (param i32 i32) (result i32)
    (call_indirect $t (type $ii-again) (local.get 1) (local.get 0)))
  (func (export "dispatch-v") (param i32) (result i32)
    (call_indirect $t (type $v-i) (local.get 0)))
  (func (export "dispatch-i64") (param i32 i64) (result i64)
    (call_indirect $t (type $i64) (local.get 1) (local.get 0)))
  (func (export "dispatch-t2") (param i32 i32) (result i32)
    (call_indirect $t2 (param i32) (result i32) (local.get 1) (local.get 0)))

  (func $loop-forever (export "runaway") (call $loop-forever))
  (func $mutual-a (export "runaway-mutual") (param i32) (result i32)
    (call $mutual-b (i32.add (local.get 0) (i32.const 1))))
  (func $mutual-b (param i32) (result i32)
    (call $mutual-a (local.get 0)))
  (func $deep (export "deep") (param i32) (result i32)
    ;; recursion depth n, well within any reasonable limit for n = 1000
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
)

(assert_return (invoke "call-sub") (i32.const 7))
(assert_return (invoke "call-swap") (i64.const 2) (i32.const 1))
(assert_return (invoke "call-chain") (i32.const 5))
(assert_return (invoke "fact" (i64.const 0)) (i64.const 1))
(assert_return (invoke "fact" (i64.const 5)) (i64.const 120))
(assert_return (invoke "fact" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "fact" (i64.const 25)) (i64.const 7034535277573963776))
(assert_return (invoke "fib" (i32.const 0)) (i32.const 0))
(assert_return (invoke "fib" (i32.const 1)) (i32.const 1))
(assert_return (invoke "fib" (i32.const 15)) (i32.const 610))
(assert_return (invoke "even" (i32.const 0)) (i32.const 1))
(assert_return (invoke "even" (i32.const 77)) (i32.const 0))
(assert_return (invoke "even" (i32.const 100)) (i32.const 1))
(assert_return (invoke "deep" (i32.const 1000)) (i32.const 1000))

(assert_return (invoke "dispatch" (i32.const 0) (i32.const 21)) (i32.const 42))
(assert_return (invoke "dispatch" (i32.const 1) (i32.const 9)) (i32.const 81))
(assert_return (invoke "dispatch-again" (i32.const 0) (i32.const 4)) (i32.const 8))
(assert_return (invoke "dispatch-again" (i32.const 1) (i32.const 4)) (i32.const 16))
(assert_return (invoke "dispatch-v" (i32.const 2)) (i32.const 7))
(assert_return (invoke "dispatch-i64" (i32.const 3) (i64.const 10)) (i64.const 3628800))
(assert_return (invoke "dispatch-t2" (i32.const 1) (i32.const 5)) (i32.const 25))
(assert_trap (invoke "dispatch" (i32.const 2) (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "dispatch" (i32.const 3) (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "dispatch-v" (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "dispatch-i64" (i32.const 1) (i64.const 0)) "indirect call type mismatch")
(assert_trap (invoke "dispatch" (i32.const 4) (i32.const 0)) "uninitialized element")
(assert_trap (invoke "dispatch" (i32.const 5) (i32.const 0)) "uninitialized element")
(assert_trap (invoke "dispatch-t2" (i32.const 0) (i32.const 0)) "uninitialized element")
(assert_trap (invoke "dispatch" (i32.const 6) (i32.const 0)) "undefined element")
(assert_trap (invoke "dispatch" (i32.const -1) (i32.const 0)) "undefined element")
(assert_trap (invoke "dispatch-t2" (i32.const 2) (i32.const 0)) "undefined element")
(assert_trap (invoke "dispatch-v" (i32.const 0x80000000)) "undefined element")

(assert_exhaustion (invoke "runaway") "call stack exhausted")
(assert_exhaustion (invoke "runaway-mutual" (i32.const 0)) "call stack exhausted")
;; the store is still usable after exhaustion
(assert_return (invoke "fib" (i32.const 10)) (i32.const 55))
