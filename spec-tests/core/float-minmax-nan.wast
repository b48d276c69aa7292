;; float-minmax-nan.wast -- f32/f64 min and max (NaN wins over numbers,
;; -0 < +0 for min/max), and the comparisons eq/ne/lt/gt/le/ge (NaN is
;; unordered: every comparison but ne is 0; -0 equals +0).
;; Spec: exec/numerics.rst "fmin", "fmax", "feq", "fne", "flt", "fgt",
;; "fle", "fge", "NaN Propagation".

(module
  (func (export "f32.min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "f32.max") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
  (func (export "f64.min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
  (func (export "f64.max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "f32.eq") (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
  (func (export "f32.ne") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))
  (func (export "f32.lt") (param f32 f32) (result i32) (f32.lt (local.get 0) (local.get 1)))
  (func (export "f32.gt") (param f32 f32) (result i32) (f32.gt (local.get 0) (local.get 1)))
  (func (export "f32.le") (param f32 f32) (result i32) (f32.le (local.get 0) (local.get 1)))
  (func (export "f32.ge") (param f32 f32) (result i32) (f32.ge (local.get 0) (local.get 1)))
  (func (export "f64.eq") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))
  (func (export "f64.ne") (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
  (func (export "f64.lt") (param f64 f64) (result i32) (f64.lt (local.get 0) (local.get 1)))
  (func (export "f64.gt") (param f64 f64) (result i32) (f64.gt (local.get 0) (local.get 1)))
  (func (export "f64.le") (param f64 f64) (result i32) (f64.le (local.get 0) (local.get 1)))
  (func (export "f64.ge") (param f64 f64) (result i32) (f64.ge (local.get 0) (local.get 1)))
)

;; signed zeros: min prefers -0, max prefers +0, in both argument orders
(assert_return (invoke "f32.min" (f32.const 0) (f32.const -0)) (f32.const -0))
(assert_return (invoke "f32.min" (f32.const -0) (f32.const 0)) (f32.const -0))
(assert_return (invoke "f32.max" (f32.const 0) (f32.const -0)) (f32.const 0))
(assert_return (invoke "f32.max" (f32.const -0) (f32.const 0)) (f32.const 0))
(assert_return (invoke "f64.min" (f64.const 0) (f64.const -0)) (f64.const -0))
(assert_return (invoke "f64.min" (f64.const -0) (f64.const 0)) (f64.const -0))
(assert_return (invoke "f64.max" (f64.const 0) (f64.const -0)) (f64.const 0))
(assert_return (invoke "f64.max" (f64.const -0) (f64.const 0)) (f64.const 0))

;; ordinary values and infinities
(assert_return (invoke "f32.min" (f32.const 1) (f32.const 2)) (f32.const 1))
(assert_return (invoke "f32.max" (f32.const 1) (f32.const 2)) (f32.const 2))
(assert_return (invoke "f32.min" (f32.const -inf) (f32.const 0x1.fffffep+127)) (f32.const -inf))
(assert_return (invoke "f32.max" (f32.const inf) (f32.const -inf)) (f32.const inf))
(assert_return (invoke "f32.min" (f32.const 0x1p-149) (f32.const -0x1p-149)) (f32.const -0x1p-149))
(assert_return (invoke "f64.min" (f64.const -1) (f64.const -2)) (f64.const -2))
(assert_return (invoke "f64.max" (f64.const -1) (f64.const -2)) (f64.const -1))
(assert_return (invoke "f64.max" (f64.const 0x1p-1074) (f64.const 0)) (f64.const 0x1p-1074))
(assert_return (invoke "f64.min" (f64.const inf) (f64.const 0x1.fffffffffffffp+1023)) (f64.const 0x1.fffffffffffffp+1023))

;; NaN propagates, whichever side it is on, even against infinities
(assert_return (invoke "f32.min" (f32.const nan) (f32.const 1)) (f32.const nan:canonical))
(assert_return (invoke "f32.min" (f32.const 1) (f32.const nan)) (f32.const nan:canonical))
(assert_return (invoke "f32.max" (f32.const -nan) (f32.const inf)) (f32.const nan:canonical))
(assert_return (invoke "f32.max" (f32.const -inf) (f32.const nan)) (f32.const nan:canonical))
(assert_return (invoke "f32.min" (f32.const nan:0x200000) (f32.const 0)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.max" (f32.const 0) (f32.const -nan:0x1)) (f32.const nan:arithmetic))
(assert_return (invoke "f32.max" (f32.const nan) (f32.const nan:0x1)) (f32.const nan:arithmetic))
(assert_return (invoke "f64.min" (f64.const nan) (f64.const -inf)) (f64.const nan:canonical))
(assert_return (invoke "f64.max" (f64.const 0) (f64.const nan)) (f64.const nan:canonical))
(assert_return (invoke "f64.min" (f64.const -nan:0x4000000000000) (f64.const 0)) (f64.const nan:arithmetic))
(assert_return (invoke "f64.max" (f64.const 1) (f64.const nan:0x1)) (f64.const nan:arithmetic))

;; comparisons
(assert_return (invoke "f32.eq" (f32.const 0) (f32.const -0)) (i32.const 1))
(assert_return (invoke "f32.ne" (f32.const 0) (f32.const -0)) (i32.const 0))
(assert_return (invoke "f32.lt" (f32.const -0) (f32.const 0)) (i32.const 0))
(assert_return (invoke "f32.le" (f32.const -0) (f32.const 0)) (i32.const 1))
(assert_return (invoke "f32.eq" (f32.const nan) (f32.const nan)) (i32.const 0))
(assert_return (invoke "f32.ne" (f32.const nan) (f32.const nan)) (i32.const 1))
(assert_return (invoke "f32.ne" (f32.const 1) (f32.const nan:0x200000)) (i32.const 1))
(assert_return (invoke "f32.lt" (f32.const nan) (f32.const inf)) (i32.const 0))
(assert_return (invoke "f32.gt" (f32.const nan) (f32.const -inf)) (i32.const 0))
(assert_return (invoke "f32.le" (f32.const 0) (f32.const nan)) (i32.const 0))
(assert_return (invoke "f32.ge" (f32.const -nan) (f32.const 0)) (i32.const 0))
(assert_return (invoke "f32.lt" (f32.const -inf) (f32.const 0x1p-149)) (i32.const 1))
(assert_return (invoke "f32.gt" (f32.const 0x1p-149) (f32.const 0)) (i32.const 1))
(assert_return (invoke "f32.ge" (f32.const inf) (f32.const inf)) (i32.const 1))
(assert_return (invoke "f32.gt" (f32.const 2) (f32.const 2)) (i32.const 0))
;; the comparison is on values, not bit patterns: -1 < 1 though its bits are larger
(assert_return (invoke "f32.lt" (f32.const -1) (f32.const 1)) (i32.const 1))
(assert_return (invoke "f32.lt" (f32.const -2) (f32.const -1)) (i32.const 1))

(assert_return (invoke "f64.eq" (f64.const -0) (f64.const 0)) (i32.const 1))
(assert_return (invoke "f64.eq" (f64.const nan) (f64.const nan)) (i32.const 0))
(assert_return (invoke "f64.ne" (f64.const nan) (f64.const 0)) (i32.const 1))
(assert_return (invoke "f64.ne" (f64.const 0.5) (f64.const 0.5)) (i32.const 0))
(assert_return (invoke "f64.lt" (f64.const -2) (f64.const -1)) (i32.const 1))
(assert_return (invoke "f64.lt" (f64.const nan) (f64.const 0)) (i32.const 0))
(assert_return (invoke "f64.gt" (f64.const 0) (f64.const -0)) (i32.const 0))
(assert_return (invoke "f64.gt" (f64.const 1) (f64.const -nan:0x1)) (i32.const 0))
(assert_return (invoke "f64.le" (f64.const nan) (f64.const nan)) (i32.const 0))
(assert_return (invoke "f64.le" (f64.const 0x1p-1074) (f64.const 0x1p-1073)) (i32.const 1))
(assert_return (invoke "f64.ge" (f64.const -0) (f64.const 0)) (i32.const 1))
(assert_return (invoke "f64.ge" (f64.const -inf) (f64.const nan)) (i32.const 0))
;; 2^53+1 is not representable as f64 but 2^53 and 2^53+2 are distinct
(assert_return (invoke "f64.lt" (f64.const 0x1p+53) (f64.const 0x1.0000000000001p+53)) (i32.const 1))
