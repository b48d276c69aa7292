;; i32-arith.wast -- i32 add/sub/mul/div_s/div_u/rem_s/rem_u on ordinary and
;; edge values (wrap-around modulo 2^32, truncation toward zero, sign of the
;; remainder).  Traps of div/rem are in int-div-traps.wast.
;; Spec: exec/numerics.rst "Integer Operations" (iadd, isub, imul, idiv_u,
;; idiv_s, irem_u, irem_s); exec/instructions.rst "Numeric Instructions".

(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  ;; constant folding is not the point: a whole expression evaluated at once
  (func (export "poly") (param i32) (result i32)
    ;; 3x^2 - 5x + 7
    (i32.add
      (i32.sub (i32.mul (i32.const 3) (i32.mul (local.get 0) (local.get 0)))
               (i32.mul (i32.const 5) (local.get 0)))
      (i32.const 7)))
)

;; add: modulo 2^32
(assert_return (invoke "add" (i32.const 0) (i32.const 0)) (i32.const 0))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const -1) (i32.const 1)) (i32.const 0))
(assert_return (invoke "add" (i32.const -1) (i32.const -1)) (i32.const -2))
(assert_return (invoke "add" (i32.const 0x7fffffff) (i32.const 1)) (i32.const 0x80000000))
(assert_return (invoke "add" (i32.const 0x80000000) (i32.const 0x80000000)) (i32.const 0))
(assert_return (invoke "add" (i32.const 0xffffffff) (i32.const 0x80000000)) (i32.const 0x7fffffff))
(assert_return (invoke "add" (i32.const 0x12345678) (i32.const 0x9abcdef0)) (i32.const 0xacf13568))

;; sub
(assert_return (invoke "sub" (i32.const 3) (i32.const 5)) (i32.const -2))
(assert_return (invoke "sub" (i32.const 0) (i32.const 1)) (i32.const 0xffffffff))
(assert_return (invoke "sub" (i32.const 0x80000000) (i32.const 1)) (i32.const 0x7fffffff))
(assert_return (invoke "sub" (i32.const 0x7fffffff) (i32.const -1)) (i32.const 0x80000000))
(assert_return (invoke "sub" (i32.const 0) (i32.const 0x80000000)) (i32.const 0x80000000))
(assert_return (invoke "sub" (i32.const 0x9abcdef0) (i32.const 0x12345678)) (i32.const 0x88888878))

;; mul: low 32 bits of the product
(assert_return (invoke "mul" (i32.const 6) (i32.const 7)) (i32.const 42))
(assert_return (invoke "mul" (i32.const -6) (i32.const 7)) (i32.const -42))
(assert_return (invoke "mul" (i32.const -6) (i32.const -7)) (i32.const 42))
(assert_return (invoke "mul" (i32.const 0x10000) (i32.const 0x10000)) (i32.const 0))
(assert_return (invoke "mul" (i32.const 0x10001) (i32.const 0x10001)) (i32.const 0x00020001))
(assert_return (invoke "mul" (i32.const 0x80000000) (i32.const -1)) (i32.const 0x80000000))
(assert_return (invoke "mul" (i32.const 0x7fffffff) (i32.const 0x7fffffff)) (i32.const 1))
(assert_return (invoke "mul" (i32.const 0xffffffff) (i32.const 0xffffffff)) (i32.const 1))
(assert_return (invoke "mul" (i32.const 123456789) (i32.const 987654321)) (i32.const 0xfbff5385))

;; div_s: truncates toward zero
(assert_return (invoke "div_s" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_return (invoke "div_s" (i32.const -7) (i32.const 2)) (i32.const -3))
(assert_return (invoke "div_s" (i32.const 7) (i32.const -2)) (i32.const -3))
(assert_return (invoke "div_s" (i32.const -7) (i32.const -2)) (i32.const 3))
(assert_return (invoke "div_s" (i32.const 0x80000000) (i32.const 2)) (i32.const 0xc0000000))
(assert_return (invoke "div_s" (i32.const 0x80000000) (i32.const 1)) (i32.const 0x80000000))
(assert_return (invoke "div_s" (i32.const 0x7fffffff) (i32.const -1)) (i32.const 0x80000001))
(assert_return (invoke "div_s" (i32.const 1) (i32.const 0x7fffffff)) (i32.const 0))
(assert_return (invoke "div_s" (i32.const -1) (i32.const 2)) (i32.const 0))

;; div_u: operands read as unsigned
(assert_return (invoke "div_u" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_return (invoke "div_u" (i32.const -7) (i32.const 2)) (i32.const 0x7ffffffc))
(assert_return (invoke "div_u" (i32.const 0x80000000) (i32.const -1)) (i32.const 0))
(assert_return (invoke "div_u" (i32.const -1) (i32.const -1)) (i32.const 1))
(assert_return (invoke "div_u" (i32.const -1) (i32.const 1)) (i32.const -1))
(assert_return (invoke "div_u" (i32.const 0x80000000) (i32.const 2)) (i32.const 0x40000000))
(assert_return (invoke "div_u" (i32.const 1000000000) (i32.const 7)) (i32.const 142857142))

;; rem_s: result has the sign of the dividend
(assert_return (invoke "rem_s" (i32.const 7) (i32.const 3)) (i32.const 1))
(assert_return (invoke "rem_s" (i32.const -7) (i32.const 3)) (i32.const -1))
(assert_return (invoke "rem_s" (i32.const 7) (i32.const -3)) (i32.const 1))
(assert_return (invoke "rem_s" (i32.const -7) (i32.const -3)) (i32.const -1))
(assert_return (invoke "rem_s" (i32.const 0x80000000) (i32.const -1)) (i32.const 0))
(assert_return (invoke "rem_s" (i32.const 0x80000000) (i32.const 3)) (i32.const -2))
(assert_return (invoke "rem_s" (i32.const 0x7fffffff) (i32.const -1)) (i32.const 0))
(assert_return (invoke "rem_s" (i32.const 5) (i32.const 0x80000000)) (i32.const 5))

;; rem_u
(assert_return (invoke "rem_u" (i32.const 7) (i32.const 3)) (i32.const 1))
(assert_return (invoke "rem_u" (i32.const -7) (i32.const 3)) (i32.const 0))
(assert_return (invoke "rem_u" (i32.const 0x80000000) (i32.const 3)) (i32.const 2))
(assert_return (invoke "rem_u" (i32.const 0x80000000) (i32.const -1)) (i32.const 0x80000000))
(assert_return (invoke "rem_u" (i32.const -1) (i32.const 10)) (i32.const 5))

(assert_return (invoke "poly" (i32.const 0)) (i32.const 7))
(assert_return (invoke "poly" (i32.const 2)) (i32.const 9))
(assert_return (invoke "poly" (i32.const -3)) (i32.const 49))
(assert_return (invoke "poly" (i32.const 0x10000)) (i32.const 0xfffb0007))
