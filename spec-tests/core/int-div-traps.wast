;; int-div-traps.wast -- the integer traps: division/remainder by zero
;; ("integer divide by zero") and signed division overflow INT_MIN / -1
;; ("integer overflow"); rem_s INT_MIN % -1 does NOT trap.  A trap happens
;; even when the result would be dropped, and effects before the trap stay.
;; Spec: exec/numerics.rst "idiv_u, idiv_s, irem_u, irem_s" (undefined ->
;; trap); exec/instructions.rst "t.binop" (trap if binop is undefined).

(module
  (global $g (mut i32) (i32.const 0))
  (func (export "i32.div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "i32.div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "i32.rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "i32.rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "i64.div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "i64.div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "i64.rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "i64.rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  ;; result dropped: still traps
  (func (export "dropped") (drop (i32.div_u (i32.const 1) (i32.const 0))))
  ;; constant operands: no folding away of the trap
  (func (export "const-overflow") (result i32)
    (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  ;; the global write before the trap is not undone
  (func (export "set-then-trap") (param i32) (result i32)
    (global.set $g (i32.const 99))
    (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "get-g") (result i32) (global.get $g))
)

(assert_trap (invoke "i32.div_s" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.div_s" (i32.const 0) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.div_s" (i32.const 0x80000000) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.div_u" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.div_u" (i32.const -1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.rem_s" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.rem_s" (i32.const 0x80000000) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.rem_u" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "i32.div_s" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_return (invoke "i32.rem_s" (i32.const 0x80000000) (i32.const -1)) (i32.const 0))
(assert_return (invoke "i32.div_u" (i32.const 0x80000000) (i32.const -1)) (i32.const 0))
(assert_return (invoke "i32.div_s" (i32.const 0x80000001) (i32.const -1)) (i32.const 0x7fffffff))

(assert_trap (invoke "i64.div_s" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "i64.div_u" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "i64.rem_s" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "i64.rem_u" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "i64.div_u" (i64.const 0x100000000) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "i64.div_s" (i64.const 0x8000000000000000) (i64.const -1)) "integer overflow")
(assert_return (invoke "i64.rem_s" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0))
;; the 32-bit overflow pattern is an ordinary 64-bit division
(assert_return (invoke "i64.div_s" (i64.const 0xffffffff80000000) (i64.const -1)) (i64.const 0x80000000))
;; a divisor whose low 32 bits are zero is not zero
(assert_return (invoke "i64.div_u" (i64.const 0x200000000) (i64.const 0x100000000)) (i64.const 2))

(assert_trap (invoke "dropped") "integer divide by zero")
(assert_trap (invoke "const-overflow") "integer overflow")
(assert_return (invoke "get-g") (i32.const 0))
(assert_trap (invoke "set-then-trap" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "get-g") (i32.const 99))
(assert_return (invoke "set-then-trap" (i32.const 1)) (i32.const 1))
