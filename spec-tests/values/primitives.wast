;; Primitive value types (bool, u8..s64, f32, f64, char) crossing the host
;; boundary in both positions (parameter lowered into core wasm, result
;; lifted out of it), at the edges of their ranges.
;;
;; Spec: CanonicalABI.md "Flattening" (flatten_type), "Flat Lifting"
;; (lift_flat_unsigned, lift_flat_signed, convert_int_to_bool,
;; canonicalize_nan32/64, convert_i32_to_char), "Flat Lowering"
;; (lower_flat_signed, maybe_scramble_nan32/64, char_to_i32),
;; "Embedding" (Store.lift: a trap leaves the instance un-enterable).

;; ---- identity in both positions: the value comes back unchanged --------
(component
  (core module $M
    (func (export "id32") (param i32) (result i32) (local.get 0))
    (func (export "id64") (param i64) (result i64) (local.get 0))
    (func (export "idf32") (param f32) (result f32) (local.get 0))
    (func (export "idf64") (param f64) (result f64) (local.get 0))
  )
  (core instance $m (instantiate $M))
  (func (export "bool") (param "x" bool) (result bool) (canon lift (core func $m "id32")))
  (func (export "u8") (param "x" u8) (result u8) (canon lift (core func $m "id32")))
  (func (export "s8") (param "x" s8) (result s8) (canon lift (core func $m "id32")))
  (func (export "u16") (param "x" u16) (result u16) (canon lift (core func $m "id32")))
  (func (export "s16") (param "x" s16) (result s16) (canon lift (core func $m "id32")))
  (func (export "u32") (param "x" u32) (result u32) (canon lift (core func $m "id32")))
  (func (export "s32") (param "x" s32) (result s32) (canon lift (core func $m "id32")))
  (func (export "u64") (param "x" u64) (result u64) (canon lift (core func $m "id64")))
  (func (export "s64") (param "x" s64) (result s64) (canon lift (core func $m "id64")))
  (func (export "f32") (param "x" f32) (result f32) (canon lift (core func $m "idf32")))
  (func (export "f64") (param "x" f64) (result f64) (canon lift (core func $m "idf64")))
  (func (export "char") (param "x" char) (result char) (canon lift (core func $m "id32")))
)
(assert_return (invoke "bool" (bool.const true)) (bool.const true))
(assert_return (invoke "bool" (bool.const false)) (bool.const false))
(assert_return (invoke "u8" (u8.const 0)) (u8.const 0))
(assert_return (invoke "u8" (u8.const 255)) (u8.const 255))
(assert_return (invoke "s8" (s8.const -128)) (s8.const -128))
(assert_return (invoke "s8" (s8.const 127)) (s8.const 127))
(assert_return (invoke "u16" (u16.const 65535)) (u16.const 65535))
(assert_return (invoke "s16" (s16.const -32768)) (s16.const -32768))
(assert_return (invoke "s16" (s16.const 32767)) (s16.const 32767))
(assert_return (invoke "u32" (u32.const 0xffffffff)) (u32.const 0xffffffff))
(assert_return (invoke "s32" (s32.const -2147483648)) (s32.const -2147483648))
(assert_return (invoke "s32" (s32.const 2147483647)) (s32.const 2147483647))
(assert_return (invoke "u64" (u64.const 0xffffffffffffffff)) (u64.const 0xffffffffffffffff))
(assert_return (invoke "s64" (s64.const -9223372036854775808)) (s64.const -9223372036854775808))
(assert_return (invoke "s64" (s64.const 9223372036854775807)) (s64.const 9223372036854775807))
(assert_return (invoke "f32" (f32.const -0x0p+0)) (f32.const -0x0p+0))
(assert_return (invoke "f32" (f32.const inf)) (f32.const inf))
(assert_return (invoke "f32" (f32.const 0x1p-149)) (f32.const 0x1p-149))
(assert_return (invoke "f32" (f32.const -0x1.fffffep+127)) (f32.const -0x1.fffffep+127))
(assert_return (invoke "f64" (f64.const -inf)) (f64.const -inf))
(assert_return (invoke "f64" (f64.const -0x0p+0)) (f64.const -0x0p+0))
(assert_return (invoke "f64" (f64.const 0x1p-1074)) (f64.const 0x1p-1074))
(assert_return (invoke "f64" (f64.const 0x1.fffffffffffffp+1023)) (f64.const 0x1.fffffffffffffp+1023))
(assert_return (invoke "char" (char.const "\00")) (char.const "\00"))
(assert_return (invoke "char" (char.const "\u{d7ff}")) (char.const "\u{d7ff}"))
(assert_return (invoke "char" (char.const "\u{e000}")) (char.const "\u{e000}"))
(assert_return (invoke "char" (char.const "\u{10ffff}")) (char.const "\u{10ffff}"))
(assert_return (invoke "char" (char.const "é")) (char.const "é"))

;; ---- what core wasm sees for a lowered parameter -----------------------
;; Each function returns the raw core value it received, lifted as an
;; unsigned integer of the same core width, so the lowering is visible.
(component
  (core module $M
    (func (export "id32") (param i32) (result i32) (local.get 0))
    (func (export "id64") (param i64) (result i64) (local.get 0))
    (func (export "f32-bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
    (func (export "f64-bits") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  )
  (core instance $m (instantiate $M))
  (func (export "bool") (param "x" bool) (result u32) (canon lift (core func $m "id32")))
  (func (export "u8") (param "x" u8) (result u32) (canon lift (core func $m "id32")))
  (func (export "s8") (param "x" s8) (result u32) (canon lift (core func $m "id32")))
  (func (export "u16") (param "x" u16) (result u32) (canon lift (core func $m "id32")))
  (func (export "s16") (param "x" s16) (result u32) (canon lift (core func $m "id32")))
  (func (export "s32") (param "x" s32) (result u32) (canon lift (core func $m "id32")))
  (func (export "s64") (param "x" s64) (result u64) (canon lift (core func $m "id64")))
  (func (export "char") (param "x" char) (result u32) (canon lift (core func $m "id32")))
  (func (export "f32") (param "x" f32) (result u32) (canon lift (core func $m "f32-bits")))
  (func (export "f64") (param "x" f64) (result u64) (canon lift (core func $m "f64-bits")))
)
;; lower_flat of bool is int(v)
(assert_return (invoke "bool" (bool.const true)) (u32.const 1))
(assert_return (invoke "bool" (bool.const false)) (u32.const 0))
;; unsigned values are passed as they are (zero-extended into the i32)
(assert_return (invoke "u8" (u8.const 0xff)) (u32.const 0xff))
(assert_return (invoke "u16" (u16.const 0xffff)) (u32.const 0xffff))
;; lower_flat_signed: negative values become their 2s complement in the
;; whole 32- or 64-bit core value (sign-extended), not only the type's width
(assert_return (invoke "s8" (s8.const -1)) (u32.const 0xffffffff))
(assert_return (invoke "s8" (s8.const -128)) (u32.const 0xffffff80))
(assert_return (invoke "s8" (s8.const 127)) (u32.const 0x7f))
(assert_return (invoke "s16" (s16.const -32768)) (u32.const 0xffff8000))
(assert_return (invoke "s32" (s32.const -2)) (u32.const 0xfffffffe))
(assert_return (invoke "s64" (s64.const -3)) (u64.const 0xfffffffffffffffd))
;; char_to_i32: the code point
(assert_return (invoke "char" (char.const "€")) (u32.const 0x20ac))
(assert_return (invoke "char" (char.const "\u{1f600}")) (u32.const 0x1f600))
;; non-NaN floats keep every bit, the sign of zero included
(assert_return (invoke "f32" (f32.const -0x0p+0)) (u32.const 0x80000000))
(assert_return (invoke "f32" (f32.const 1.5)) (u32.const 0x3fc00000))
(assert_return (invoke "f64" (f64.const -0x0p+0)) (u64.const 0x8000000000000000))
(assert_return (invoke "f64" (f64.const -inf)) (u64.const 0xfff0000000000000))

;; ---- how a core result is lifted ----------------------------------------
(component definition $Lift
  (core module $M
    (func (export "id32") (param i32) (result i32) (local.get 0))
    (func (export "id64") (param i64) (result i64) (local.get 0))
    (func (export "to-f32") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
    (func (export "to-f64") (param i64) (result f64) (f64.reinterpret_i64 (local.get 0)))
  )
  (core instance $m (instantiate $M))
  (func (export "bool") (param "x" u32) (result bool) (canon lift (core func $m "id32")))
  (func (export "u8") (param "x" u32) (result u8) (canon lift (core func $m "id32")))
  (func (export "s8") (param "x" u32) (result s8) (canon lift (core func $m "id32")))
  (func (export "u16") (param "x" u32) (result u16) (canon lift (core func $m "id32")))
  (func (export "s16") (param "x" u32) (result s16) (canon lift (core func $m "id32")))
  (func (export "s32") (param "x" u32) (result s32) (canon lift (core func $m "id32")))
  (func (export "s64") (param "x" u64) (result s64) (canon lift (core func $m "id64")))
  (func (export "char") (param "x" u32) (result char) (canon lift (core func $m "id32")))
  (func (export "f32") (param "x" u32) (result f32) (canon lift (core func $m "to-f32")))
  (func (export "f64") (param "x" u64) (result f64) (canon lift (core func $m "to-f64")))
)
(component instance $lift $Lift)
;; convert_int_to_bool: any non-zero bit pattern is true
(assert_return (invoke "bool" (u32.const 0x80000000)) (bool.const true))
(assert_return (invoke "bool" (u32.const 0x100)) (bool.const true))
(assert_return (invoke "bool" (u32.const 0)) (bool.const false))
;; lift_flat_unsigned/signed: only the low t_width bits count
(assert_return (invoke "u8" (u32.const 0x12345680)) (u8.const 0x80))
(assert_return (invoke "s8" (u32.const 0x180)) (s8.const -128))
(assert_return (invoke "s8" (u32.const 0xffffff7f)) (s8.const 127))
(assert_return (invoke "u16" (u32.const 0xabcd0001)) (u16.const 1))
(assert_return (invoke "s16" (u32.const 0x00018000)) (s16.const -32768))
(assert_return (invoke "s16" (u32.const 0xffff7fff)) (s16.const 32767))
(assert_return (invoke "s32" (u32.const 0x80000000)) (s32.const -2147483648))
(assert_return (invoke "s64" (u64.const 0x8000000000000000)) (s64.const -9223372036854775808))
;; convert_i32_to_char: the last scalar values before and after the
;; surrogate range
(assert_return (invoke "char" (u32.const 0xd7ff)) (char.const "\u{d7ff}"))
(assert_return (invoke "char" (u32.const 0xe000)) (char.const "\u{e000}"))
(assert_return (invoke "char" (u32.const 0x10ffff)) (char.const "\u{10ffff}"))
;; floats: ordinary bit patterns pass unchanged; a NaN (here a signalling
;; one with a sign bit and payload) comes out as a NaN (canonicalize_nan32)
(assert_return (invoke "f32" (u32.const 0x00000001)) (f32.const 0x1p-149))
(assert_return (invoke "f32" (u32.const 0xff800000)) (f32.const -inf))
(assert_return (invoke "f32" (u32.const 0xffa00001)) (f32.const nan))
(assert_return (invoke "f64" (u64.const 0x8000000000000000)) (f64.const -0x0p+0))
(assert_return (invoke "f64" (u64.const 0xfff4000000000001)) (f64.const nan))

;; convert_i32_to_char traps for surrogates and values >= 0x110000; a trap
;; leaves the instance un-enterable, so each trap gets a fresh instance.
(assert_trap (invoke "char" (u32.const 0xdbff)) "invalid `char` bit pattern")
(component instance $lift $Lift)
(assert_trap (invoke "char" (u32.const 0xdc00)) "invalid `char` bit pattern")
(component instance $lift $Lift)
(assert_trap (invoke "char" (u32.const 0x110000)) "invalid `char` bit pattern")
(component instance $lift $Lift)
;; the i32 is read as unsigned: 0xffffffff is not -1 but far above 0x10ffff
(assert_trap (invoke "char" (u32.const 0xffffffff)) "invalid `char` bit pattern")
;; Store.lift: the trap above left may_enter false (leave_to never ran)
(assert_trap (invoke "u8" (u32.const 1)) "cannot enter component instance")
(component instance $lift $Lift)
(assert_return (invoke "u8" (u32.const 1)) (u8.const 1))

;; ---- NaNs between two components ----------------------------------------
;; $C lifts a NaN with a payload; $D lowers it and checks, in core wasm, that
;; it is still a NaN (lowering may pick any NaN bits, maybe_scramble_nan32),
;; and that non-NaN values, -0.0 included, keep their exact bits.
(component
  (component $C
    (core module $M
      (func (export "nan32") (result f32) (f32.reinterpret_i32 (i32.const 0x7f800123)))
      (func (export "nan64") (result f64) (f64.reinterpret_i64 (i64.const 0xfff0000000000abc)))
      (func (export "negzero") (result f64) (f64.const -0x0p+0))
      (func (export "tiny") (result f32) (f32.reinterpret_i32 (i32.const 0x80000003)))
    )
    (core instance $m (instantiate $M))
    (func (export "nan32") (result f32) (canon lift (core func $m "nan32")))
    (func (export "nan64") (result f64) (canon lift (core func $m "nan64")))
    (func (export "negzero") (result f64) (canon lift (core func $m "negzero")))
    (func (export "tiny") (result f32) (canon lift (core func $m "tiny")))
  )
  (component $D
    (import "nan32" (func $nan32 (result f32)))
    (import "nan64" (func $nan64 (result f64)))
    (import "negzero" (func $negzero (result f64)))
    (import "tiny" (func $tiny (result f32)))
    (core func $nan32' (canon lower (func $nan32)))
    (core func $nan64' (canon lower (func $nan64)))
    (core func $negzero' (canon lower (func $negzero)))
    (core func $tiny' (canon lower (func $tiny)))
    (core module $M
      (import "" "nan32" (func $nan32 (result f32)))
      (import "" "nan64" (func $nan64 (result f64)))
      (import "" "negzero" (func $negzero (result f64)))
      (import "" "tiny" (func $tiny (result f32)))
      (func (export "run") (result i32)
        (local $a f32) (local $b f64)
        (local.set $a (call $nan32))
        (if (f32.eq (local.get $a) (local.get $a)) (then unreachable))
        (local.set $b (call $nan64))
        (if (f64.eq (local.get $b) (local.get $b)) (then unreachable))
        (if (i64.ne (i64.reinterpret_f64 (call $negzero)) (i64.const 0x8000000000000000))
          (then unreachable))
        (if (i32.ne (i32.reinterpret_f32 (call $tiny)) (i32.const 0x80000003))
          (then unreachable))
        (i32.const 7))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "nan32" (func $nan32'))
      (export "nan64" (func $nan64'))
      (export "negzero" (func $negzero'))
      (export "tiny" (func $tiny'))
    ))))
    (func (export "run") (result u8) (canon lift (core func $m "run")))
  )
  (instance $c (instantiate $C))
  (instance $d (instantiate $D
    (with "nan32" (func $c "nan32"))
    (with "nan64" (func $c "nan64"))
    (with "negzero" (func $c "negzero"))
    (with "tiny" (func $c "tiny"))
  ))
  (export "run" (func $d "run"))
)
(assert_return (invoke "run") (u8.const 7))
