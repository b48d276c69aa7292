;; float-rounding.wast -- f32/f64 nearest (ties to even), ceil, floor,
;; trunc: halfway cases, signed zero results (ceil(-0.5) = -0), tiny
;; subnormals, values at and above 2^23 / 2^52 (already integral), infinities
;; and NaN propagation.
;; Spec: exec/numerics.rst "fnearest", "fceil", "ffloor", "ftrunc".

(module
  (func (export "f32.nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
  (func (export "f32.ceil") (param f32) (result f32) (f32.ceil (local.get 0)))
  (func (export "f32.floor") (param f32) (result f32) (f32.floor (local.get 0)))
  (func (export "f32.trunc") (param f32) (result f32) (f32.trunc (local.get 0)))
  (func (export "f64.nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "f64.ceil") (param f64) (result f64) (f64.ceil (local.get 0)))
  (func (export "f64.floor") (param f64) (result f64) (f64.floor (local.get 0)))
  (func (export "f64.trunc") (param f64) (result f64) (f64.trunc (local.get 0)))
)

(assert_return (invoke "f32.nearest" (f32.const 0.5)) (f32.const 0))
(assert_return (invoke "f32.nearest" (f32.const 1.5)) (f32.const 2))
(assert_return (invoke "f32.nearest" (f32.const 2.5)) (f32.const 2))
(assert_return (invoke "f32.nearest" (f32.const 3.5)) (f32.const 4))
(assert_return (invoke "f32.nearest" (f32.const -0.5)) (f32.const -0))
(assert_return (invoke "f32.nearest" (f32.const -1.5)) (f32.const -2))
(assert_return (invoke "f32.nearest" (f32.const -2.5)) (f32.const -2))
(assert_return (invoke "f32.nearest" (f32.const 0x1.fffffep-2)) (f32.const 0))   ;; just below 0.5
(assert_return (invoke "f32.nearest" (f32.const 0x1.000002p-1)) (f32.const 1))   ;; just above 0.5
(assert_return (invoke "f32.nearest" (f32.const -0.3)) (f32.const -0))
(assert_return (invoke "f32.nearest" (f32.const 0x1.fffffep+22)) (f32.const 0x1p+23)) ;; 8388607.5
(assert_return (invoke "f32.nearest" (f32.const 0x1.fffffcp+22)) (f32.const 0x1.fffffcp+22)) ;; 8388607
(assert_return (invoke "f32.nearest" (f32.const 0x1.000002p+23)) (f32.const 0x1.000002p+23))
(assert_return (invoke "f32.nearest" (f32.const -0)) (f32.const -0))
(assert_return (invoke "f32.nearest" (f32.const -inf)) (f32.const -inf))
(assert_return (invoke "f32.nearest" (f32.const nan)) (f32.const nan:canonical))
(assert_return (invoke "f32.nearest" (f32.const -nan:0x200000)) (f32.const nan:arithmetic))

(assert_return (invoke "f32.ceil" (f32.const 0.1)) (f32.const 1))
(assert_return (invoke "f32.ceil" (f32.const -0.5)) (f32.const -0))
(assert_return (invoke "f32.ceil" (f32.const -1.5)) (f32.const -1))
(assert_return (invoke "f32.ceil" (f32.const 0x1p-149)) (f32.const 1))
(assert_return (invoke "f32.ceil" (f32.const -0x1p-149)) (f32.const -0))
(assert_return (invoke "f32.ceil" (f32.const 0x1.fffffep+22)) (f32.const 0x1p+23))
(assert_return (invoke "f32.ceil" (f32.const 5)) (f32.const 5))
(assert_return (invoke "f32.ceil" (f32.const inf)) (f32.const inf))
(assert_return (invoke "f32.ceil" (f32.const nan:0x200000)) (f32.const nan:arithmetic))

(assert_return (invoke "f32.floor" (f32.const 0.5)) (f32.const 0))
(assert_return (invoke "f32.floor" (f32.const -0.5)) (f32.const -1))
(assert_return (invoke "f32.floor" (f32.const -0)) (f32.const -0))
(assert_return (invoke "f32.floor" (f32.const 0x1p-149)) (f32.const 0))
(assert_return (invoke "f32.floor" (f32.const -0x1p-149)) (f32.const -1))
(assert_return (invoke "f32.floor" (f32.const 0x1.fffffep+22)) (f32.const 0x1.fffffcp+22))
(assert_return (invoke "f32.floor" (f32.const -0x1.fffffep+22)) (f32.const -0x1p+23))
(assert_return (invoke "f32.floor" (f32.const -inf)) (f32.const -inf))
(assert_return (invoke "f32.floor" (f32.const -nan)) (f32.const nan:canonical))

(assert_return (invoke "f32.trunc" (f32.const 1.9)) (f32.const 1))
(assert_return (invoke "f32.trunc" (f32.const -1.9)) (f32.const -1))
(assert_return (invoke "f32.trunc" (f32.const -0.7)) (f32.const -0))
(assert_return (invoke "f32.trunc" (f32.const 0x1p+60)) (f32.const 0x1p+60))
(assert_return (invoke "f32.trunc" (f32.const -0x1.fffffep+22)) (f32.const -0x1.fffffcp+22))
(assert_return (invoke "f32.trunc" (f32.const inf)) (f32.const inf))
(assert_return (invoke "f32.trunc" (f32.const nan:0x1)) (f32.const nan:arithmetic))

(assert_return (invoke "f64.nearest" (f64.const 0.5)) (f64.const 0))
(assert_return (invoke "f64.nearest" (f64.const 2.5)) (f64.const 2))
(assert_return (invoke "f64.nearest" (f64.const -2.5)) (f64.const -2))
(assert_return (invoke "f64.nearest" (f64.const -3.5)) (f64.const -4))
(assert_return (invoke "f64.nearest" (f64.const -0.25)) (f64.const -0))
(assert_return (invoke "f64.nearest" (f64.const 0x1.fffffffffffffp-2)) (f64.const 0))
(assert_return (invoke "f64.nearest" (f64.const 0x1.fffffffffffffp+51)) (f64.const 0x1p+52)) ;; 2^52 - 0.5
(assert_return (invoke "f64.nearest" (f64.const 0x1.ffffffffffffep+51)) (f64.const 0x1.ffffffffffffep+51))
(assert_return (invoke "f64.nearest" (f64.const 0x1.0000000000001p+52)) (f64.const 0x1.0000000000001p+52))
(assert_return (invoke "f64.nearest" (f64.const inf)) (f64.const inf))
(assert_return (invoke "f64.nearest" (f64.const nan:0x4000000000000)) (f64.const nan:arithmetic))

(assert_return (invoke "f64.ceil" (f64.const 0x1.0000000000001p+0)) (f64.const 2))
(assert_return (invoke "f64.ceil" (f64.const -0.9)) (f64.const -0))
(assert_return (invoke "f64.ceil" (f64.const 0x1p-1074)) (f64.const 1))
(assert_return (invoke "f64.ceil" (f64.const -0x1.fffffffffffffp+51)) (f64.const -0x1.ffffffffffffep+51))
(assert_return (invoke "f64.ceil" (f64.const nan)) (f64.const nan:canonical))

(assert_return (invoke "f64.floor" (f64.const 0x1.fffffffffffffp-1)) (f64.const 0))
(assert_return (invoke "f64.floor" (f64.const -0x1p-1074)) (f64.const -1))
(assert_return (invoke "f64.floor" (f64.const -0)) (f64.const -0))
(assert_return (invoke "f64.floor" (f64.const 0x1.fffffffffffffp+51)) (f64.const 0x1.ffffffffffffep+51))
(assert_return (invoke "f64.floor" (f64.const -inf)) (f64.const -inf))

(assert_return (invoke "f64.trunc" (f64.const -0.999)) (f64.const -0))
(assert_return (invoke "f64.trunc" (f64.const 123.75)) (f64.const 123))
(assert_return (invoke "f64.trunc" (f64.const -123.75)) (f64.const -123))
(assert_return (invoke "f64.trunc" (f64.const 0x1p+100)) (f64.const 0x1p+100))
(assert_return (invoke "f64.trunc" (f64.const -nan:0x1)) (f64.const nan:arithmetic))
