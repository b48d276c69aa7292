;; i64-arith.wast -- i64 add/sub/mul/div_s/div_u/rem_s/rem_u: wrap-around
;; modulo 2^64, values above 2^32 (no accidental 32-bit truncation),
;; truncation toward zero and remainder sign.
;; Spec: exec/numerics.rst "Integer Operations"; exec/instructions.rst
;; "Numeric Instructions".

(module
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
)

(assert_return (invoke "add" (i64.const 1) (i64.const 2)) (i64.const 3))
(assert_return (invoke "add" (i64.const 0xffffffff) (i64.const 1)) (i64.const 0x100000000))
(assert_return (invoke "add" (i64.const -1) (i64.const 1)) (i64.const 0))
(assert_return (invoke "add" (i64.const 0x7fffffffffffffff) (i64.const 1)) (i64.const 0x8000000000000000))
(assert_return (invoke "add" (i64.const 0x8000000000000000) (i64.const 0x8000000000000000)) (i64.const 0))
(assert_return (invoke "add" (i64.const 0x0123456789abcdef) (i64.const 0xfedcba9876543210)) (i64.const -1))

(assert_return (invoke "sub" (i64.const 0) (i64.const 1)) (i64.const -1))
(assert_return (invoke "sub" (i64.const 0x100000000) (i64.const 1)) (i64.const 0xffffffff))
(assert_return (invoke "sub" (i64.const 0x8000000000000000) (i64.const 1)) (i64.const 0x7fffffffffffffff))
(assert_return (invoke "sub" (i64.const 0x0123456789abcdef) (i64.const 0xfedcba9876543210)) (i64.const 0x02468acf13579bdf))

(assert_return (invoke "mul" (i64.const 6) (i64.const -7)) (i64.const -42))
(assert_return (invoke "mul" (i64.const 0x100000000) (i64.const 0x100000000)) (i64.const 0))
(assert_return (invoke "mul" (i64.const 0x100000001) (i64.const 0x100000001)) (i64.const 0x200000001))
(assert_return (invoke "mul" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0x8000000000000000))
(assert_return (invoke "mul" (i64.const -1) (i64.const -1)) (i64.const 1))
(assert_return (invoke "mul" (i64.const 0x123456789abcdef0) (i64.const 0x0fedcba987654321)) (i64.const 0x2236d88fe5618cf0))
(assert_return (invoke "mul" (i64.const 0xffffffff) (i64.const 0xffffffff)) (i64.const 0xfffffffe00000001))

(assert_return (invoke "div_s" (i64.const -7) (i64.const 2)) (i64.const -3))
(assert_return (invoke "div_s" (i64.const 7) (i64.const -2)) (i64.const -3))
(assert_return (invoke "div_s" (i64.const 0x8000000000000000) (i64.const 3)) (i64.const -0x2aaaaaaaaaaaaaaa))
(assert_return (invoke "div_s" (i64.const 0x8000000000000000) (i64.const 1)) (i64.const 0x8000000000000000))
(assert_return (invoke "div_s" (i64.const 1000000000000000000) (i64.const 7)) (i64.const 142857142857142857))
(assert_return (invoke "div_s" (i64.const 0x100000000) (i64.const -0x100000000)) (i64.const -1))

(assert_return (invoke "div_u" (i64.const -1) (i64.const 10)) (i64.const 0x1999999999999999))
(assert_return (invoke "div_u" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0))
(assert_return (invoke "div_u" (i64.const -7) (i64.const 2)) (i64.const 0x7ffffffffffffffc))
(assert_return (invoke "div_u" (i64.const 0x100000000) (i64.const 2)) (i64.const 0x80000000))

(assert_return (invoke "rem_s" (i64.const -7) (i64.const 3)) (i64.const -1))
(assert_return (invoke "rem_s" (i64.const 7) (i64.const -3)) (i64.const 1))
(assert_return (invoke "rem_s" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0))
(assert_return (invoke "rem_s" (i64.const 0x8000000000000000) (i64.const 3)) (i64.const -2))
(assert_return (invoke "rem_s" (i64.const 1000000000000000000) (i64.const 7)) (i64.const 1))

(assert_return (invoke "rem_u" (i64.const -1) (i64.const 10)) (i64.const 5))
(assert_return (invoke "rem_u" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0x8000000000000000))
(assert_return (invoke "rem_u" (i64.const 0x100000005) (i64.const 0x100000000)) (i64.const 5))
