;; f32-arith.wast -- f32 add/sub/mul/div/sqrt (IEEE 754 binary32, round to
;; nearest ties-to-even, overflow to infinity, gradual underflow, signed
;; zeros, invalid operations giving a canonical NaN, NaN inputs giving an
;; arithmetic NaN) and the bitwise abs/neg/copysign, which must preserve
;; NaN payloads exactly.
;; Spec: exec/numerics.rst "Floating-Point Operations" (fadd, fsub, fmul,
;; fdiv, fsqrt, fabs, fneg, fcopysign) and "NaN Propagation".

(module
  (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func (export "sub") (param f32 f32) (result f32) (f32.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "sqrt") (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func (export "abs") (param f32) (result f32) (f32.abs (local.get 0)))
  (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
)

;; add
(assert_return (invoke "add" (f32.const 1) (f32.const 2)) (f32.const 3))
(assert_return (invoke "add" (f32.const 0.1) (f32.const 0.2)) (f32.const 0x1.333334p-2))
(assert_return (invoke "add" (f32.const 1) (f32.const 0x1p-24)) (f32.const 1))               ;; tie -> even (down)
(assert_return (invoke "add" (f32.const 0x1.000002p+0) (f32.const 0x1p-24)) (f32.const 0x1.000004p+0)) ;; tie -> even (up)
(assert_return (invoke "add" (f32.const 1) (f32.const 0x1.000002p-24)) (f32.const 0x1.000002p+0)) ;; above half
(assert_return (invoke "add" (f32.const 0x1.fffffep+127) (f32.const 0x1.fffffep+127)) (f32.const inf))
(assert_return (invoke "add" (f32.const 0x1.fffffep+127) (f32.const 0x1p+103)) (f32.const inf))
(assert_return (invoke "add" (f32.const 0x1.fffffep+127) (f32.const 0x1.fffffep+102)) (f32.const 0x1.fffffep+127))
(assert_return (invoke "add" (f32.const 0x1.fffffcp-127) (f32.const 0x1p-149)) (f32.const 0x1p-126))
(assert_return (invoke "add" (f32.const -0) (f32.const -0)) (f32.const -0))
(assert_return (invoke "add" (f32.const -0) (f32.const 0)) (f32.const 0))
(assert_return (invoke "add" (f32.const 5) (f32.const -5)) (f32.const 0))
(assert_return (invoke "add" (f32.const inf) (f32.const -inf)) (f32.const nan:canonical))
(assert_return (invoke "add" (f32.const inf) (f32.const 0x1.fffffep+127)) (f32.const inf))
(assert_return (invoke "add" (f32.const nan) (f32.const 1)) (f32.const nan:canonical))
(assert_return (invoke "add" (f32.const 1) (f32.const -nan)) (f32.const nan:canonical))
(assert_return (invoke "add" (f32.const nan:0x200000) (f32.const 1)) (f32.const nan:arithmetic))
(assert_return (invoke "add" (f32.const 1) (f32.const nan:0x1)) (f32.const nan:arithmetic))

;; sub
(assert_return (invoke "sub" (f32.const 1) (f32.const 0.25)) (f32.const 0.75))
(assert_return (invoke "sub" (f32.const 0) (f32.const 0)) (f32.const 0))
(assert_return (invoke "sub" (f32.const -0) (f32.const 0)) (f32.const -0))
(assert_return (invoke "sub" (f32.const 0) (f32.const -0)) (f32.const 0))
(assert_return (invoke "sub" (f32.const 0x1.8p+2) (f32.const 0x1.8p+2)) (f32.const 0))
(assert_return (invoke "sub" (f32.const inf) (f32.const inf)) (f32.const nan:canonical))
(assert_return (invoke "sub" (f32.const -inf) (f32.const inf)) (f32.const -inf))
(assert_return (invoke "sub" (f32.const 0x1p-126) (f32.const 0x1.fffffcp-127)) (f32.const 0x1p-149))
(assert_return (invoke "sub" (f32.const -nan:0x7fffff) (f32.const 1)) (f32.const nan:arithmetic))

;; mul
(assert_return (invoke "mul" (f32.const -2) (f32.const -3)) (f32.const 6))
(assert_return (invoke "mul" (f32.const 0.1) (f32.const 3)) (f32.const 0x1.333334p-2))
(assert_return (invoke "mul" (f32.const 0.1) (f32.const 0.1)) (f32.const 0x1.47ae16p-7))
(assert_return (invoke "mul" (f32.const -0) (f32.const 5)) (f32.const -0))
(assert_return (invoke "mul" (f32.const -0) (f32.const -5)) (f32.const 0))
(assert_return (invoke "mul" (f32.const 0) (f32.const inf)) (f32.const nan:canonical))
(assert_return (invoke "mul" (f32.const -inf) (f32.const -0)) (f32.const nan:canonical))
(assert_return (invoke "mul" (f32.const 0x1.fffffep+127) (f32.const 2)) (f32.const inf))
(assert_return (invoke "mul" (f32.const 0x1.fffffep+127) (f32.const -2)) (f32.const -inf))
(assert_return (invoke "mul" (f32.const 0x1p-149) (f32.const 0.5)) (f32.const 0))       ;; tie -> even 0
(assert_return (invoke "mul" (f32.const -0x1p-149) (f32.const 0.5)) (f32.const -0))
(assert_return (invoke "mul" (f32.const 0x1p-149) (f32.const 1.5)) (f32.const 0x1p-148)) ;; tie -> even 2 units
(assert_return (invoke "mul" (f32.const 0x1p-149) (f32.const 0x1.000002p-1)) (f32.const 0x1p-149)) ;; above half
(assert_return (invoke "mul" (f32.const 0x1p-100) (f32.const 0x1p-100)) (f32.const 0))
(assert_return (invoke "mul" (f32.const nan:0x200000) (f32.const 0)) (f32.const nan:arithmetic))

;; div
(assert_return (invoke "div" (f32.const 1) (f32.const 3)) (f32.const 0x1.555556p-2))
(assert_return (invoke "div" (f32.const 6) (f32.const -3)) (f32.const -2))
(assert_return (invoke "div" (f32.const 1) (f32.const 0)) (f32.const inf))
(assert_return (invoke "div" (f32.const -1) (f32.const 0)) (f32.const -inf))
(assert_return (invoke "div" (f32.const 1) (f32.const -0)) (f32.const -inf))
(assert_return (invoke "div" (f32.const 0) (f32.const 0)) (f32.const nan:canonical))
(assert_return (invoke "div" (f32.const -0) (f32.const 0)) (f32.const nan:canonical))
(assert_return (invoke "div" (f32.const inf) (f32.const -inf)) (f32.const nan:canonical))
(assert_return (invoke "div" (f32.const inf) (f32.const 0)) (f32.const inf))
(assert_return (invoke "div" (f32.const 1) (f32.const -inf)) (f32.const -0))
(assert_return (invoke "div" (f32.const 0x1p-126) (f32.const 2)) (f32.const 0x1p-127))
(assert_return (invoke "div" (f32.const 0x1p+127) (f32.const 0x1p-2)) (f32.const inf))
(assert_return (invoke "div" (f32.const 0) (f32.const nan:0x200000)) (f32.const nan:arithmetic))

;; sqrt
(assert_return (invoke "sqrt" (f32.const 4)) (f32.const 2))
(assert_return (invoke "sqrt" (f32.const 2)) (f32.const 0x1.6a09e6p+0))
(assert_return (invoke "sqrt" (f32.const 0x1p-148)) (f32.const 0x1p-74))
(assert_return (invoke "sqrt" (f32.const 0)) (f32.const 0))
(assert_return (invoke "sqrt" (f32.const -0)) (f32.const -0))
(assert_return (invoke "sqrt" (f32.const inf)) (f32.const inf))
(assert_return (invoke "sqrt" (f32.const -inf)) (f32.const nan:canonical))
(assert_return (invoke "sqrt" (f32.const -1)) (f32.const nan:canonical))
(assert_return (invoke "sqrt" (f32.const -0x1p-149)) (f32.const nan:canonical))
(assert_return (invoke "sqrt" (f32.const nan:0x200000)) (f32.const nan:arithmetic))

;; abs / neg / copysign: pure sign-bit operations, NaN payload kept exactly
(assert_return (invoke "abs" (f32.const -1.5)) (f32.const 1.5))
(assert_return (invoke "abs" (f32.const -0)) (f32.const 0))
(assert_return (invoke "abs" (f32.const -inf)) (f32.const inf))
(assert_return (invoke "abs" (f32.const -nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke "abs" (f32.const nan:0x1)) (f32.const nan:0x1))
(assert_return (invoke "neg" (f32.const 0)) (f32.const -0))
(assert_return (invoke "neg" (f32.const -0x1p-149)) (f32.const 0x1p-149))
(assert_return (invoke "neg" (f32.const nan)) (f32.const -nan))
(assert_return (invoke "neg" (f32.const -nan:0x7fffff)) (f32.const nan:0x7fffff))
(assert_return (invoke "neg" (f32.const nan:0x200000)) (f32.const -nan:0x200000))
(assert_return (invoke "copysign" (f32.const 1) (f32.const -0)) (f32.const -1))
(assert_return (invoke "copysign" (f32.const -2) (f32.const 0)) (f32.const 2))
(assert_return (invoke "copysign" (f32.const -2) (f32.const -3)) (f32.const -2))
(assert_return (invoke "copysign" (f32.const inf) (f32.const -nan)) (f32.const -inf))
(assert_return (invoke "copysign" (f32.const 1) (f32.const nan)) (f32.const 1))
(assert_return (invoke "copysign" (f32.const nan:0x200000) (f32.const -1)) (f32.const -nan:0x200000))
(assert_return (invoke "copysign" (f32.const -nan:0x1) (f32.const 1)) (f32.const nan:0x1))
