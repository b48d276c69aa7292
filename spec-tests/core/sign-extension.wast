;; sign-extension.wast -- i32.extend8_s/extend16_s and i64.extend8_s/
;; extend16_s/extend32_s: only the low N bits of the operand matter, the
;; rest is replaced by copies of bit N-1.
;; Spec: exec/numerics.rst "iextendN_s"; syntax/instructions.rst
;; "Numeric Instructions" (sign-extension operators).

(module
  (func (export "i32.extend8_s") (param i32) (result i32) (i32.extend8_s (local.get 0)))
  (func (export "i32.extend16_s") (param i32) (result i32) (i32.extend16_s (local.get 0)))
  (func (export "i64.extend8_s") (param i64) (result i64) (i64.extend8_s (local.get 0)))
  (func (export "i64.extend16_s") (param i64) (result i64) (i64.extend16_s (local.get 0)))
  (func (export "i64.extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))
)

(assert_return (invoke "i32.extend8_s" (i32.const 0x7f)) (i32.const 0x7f))
(assert_return (invoke "i32.extend8_s" (i32.const 0x80)) (i32.const -128))
(assert_return (invoke "i32.extend8_s" (i32.const 0xff)) (i32.const -1))
(assert_return (invoke "i32.extend8_s" (i32.const 0x12345601)) (i32.const 1))
(assert_return (invoke "i32.extend8_s" (i32.const 0xfedcba80)) (i32.const -128))
(assert_return (invoke "i32.extend8_s" (i32.const 0xffffff00)) (i32.const 0))
(assert_return (invoke "i32.extend16_s" (i32.const 0x7fff)) (i32.const 0x7fff))
(assert_return (invoke "i32.extend16_s" (i32.const 0x8000)) (i32.const -32768))
(assert_return (invoke "i32.extend16_s" (i32.const 0xffff)) (i32.const -1))
(assert_return (invoke "i32.extend16_s" (i32.const 0x12348765)) (i32.const 0xffff8765))
(assert_return (invoke "i32.extend16_s" (i32.const 0xabcd0123)) (i32.const 0x0123))

(assert_return (invoke "i64.extend8_s" (i64.const 0x7f)) (i64.const 0x7f))
(assert_return (invoke "i64.extend8_s" (i64.const 0x80)) (i64.const -128))
(assert_return (invoke "i64.extend8_s" (i64.const 0x0123456789abcdef)) (i64.const 0xffffffffffffffef))
(assert_return (invoke "i64.extend8_s" (i64.const 0xffffffffffffff00)) (i64.const 0))
(assert_return (invoke "i64.extend16_s" (i64.const 0x8000)) (i64.const -32768))
(assert_return (invoke "i64.extend16_s" (i64.const 0x0123456789ab7fff)) (i64.const 0x7fff))
(assert_return (invoke "i64.extend16_s" (i64.const 0x0123456789abcdef)) (i64.const 0xffffffffffffcdef))
(assert_return (invoke "i64.extend32_s" (i64.const 0x7fffffff)) (i64.const 0x7fffffff))
(assert_return (invoke "i64.extend32_s" (i64.const 0x80000000)) (i64.const 0xffffffff80000000))
(assert_return (invoke "i64.extend32_s" (i64.const 0x0123456789abcdef)) (i64.const 0xffffffff89abcdef))
(assert_return (invoke "i64.extend32_s" (i64.const 0xffffffff00000001)) (i64.const 1))
(assert_return (invoke "i64.extend32_s" (i64.const -1)) (i64.const -1))
