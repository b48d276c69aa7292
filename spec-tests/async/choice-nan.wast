;; Open choice `nan` (CanonicalABI.md "Storing" / "Flat Lowering":
;; maybe_scramble_nan32: outside DETERMINISTIC_PROFILE a NaN lowered into
;; core wasm becomes random_nan_bits(32, 8) -- random sign, exponent all
;; ones, random fraction with a bit below the quiet bit set; the profile
;; gives the canonical NaN 0x7fc00000).
;; The set of NaNs allowed is too large to list, so the callee classifies
;; the bits it received: 1 the canonical NaN, 2 another NaN, 0 not a NaN.
;; A NaN may arrive as 1 or 2, never 0; a number arrives unchanged (0).
(component definition $T
  (component $Class
    (core module $M
      (func (export "class32") (param f32) (result i32)
        (local $b i32)
        (local.set $b (i32.reinterpret_f32 (local.get 0)))
        (if (i32.eq (local.get $b) (i32.const 0x7fc00000)) (then (return (i32.const 1))))
        (i32.shl (f32.ne (local.get 0) (local.get 0)) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "class32") (param "x" f32) (result u32)
      (canon lift (core func $m "class32"))))
  (component $Caller
    (import "class32" (func $c (param "x" f32) (result u32)))
    (core func $c' (canon lower (func $c)))
    (core module $M
      (import "" "class32" (func $c (param f32) (result i32)))
      ;; a signalling NaN with a payload: lifted (canonicalized), then
      ;; lowered into $Class (scrambled again)
      (func (export "pass") (result i32)
        (call $c (f32.reinterpret_i32 (i32.const 0xff800123)))))
    (core instance $m (instantiate $M (with "" (instance (export "class32" (func $c'))))))
    (func (export "pass") (result u32) (canon lift (core func $m "pass"))))
  (instance $class (instantiate $Class))
  (instance $caller (instantiate $Caller (with "class32" (func $class "class32"))))
  (func (export "class32") (alias export $class "class32"))
  (func (export "pass") (alias export $caller "pass")))
(component instance $t $T)
;; host -> component
(assert_return (invoke "class32" (f32.const nan)) (either (u32.const 1) (u32.const 2)))
;; component -> component
(assert_return (invoke "pass") (either (u32.const 1) (u32.const 2)))
;; not a NaN: no choice
(assert_return (invoke "class32" (f32.const 1.5)) (u32.const 0))
