;; locals-globals.wast -- locals: zero-initialised for every value type
;; (including null references), parameters are the first locals, local.set /
;; local.tee / local.get, each call gets fresh locals.  Globals: immutable and
;; mutable, of every numeric and reference type, initialised by constant
;; expressions (constants, ref.null, ref.func, global.get of an imported
;; global), exported and read by the script's `get`, written by functions and
;; observed through a second export.
;; Spec: exec/instructions.rst "Variable Instructions"; exec/modules.rst
;; "Instantiation" (global initialisation); valid/instructions.rst
;; "Constant Expressions"; exec/runtime.rst "Default Values".

(module $Gmod
  (import "spectest" "global_i32" (global $imp i32))
  (global $gi32 (export "gi32") i32 (i32.const -7))
  (global $gi64 (export "gi64") i64 (i64.const 0x100000000))
  (global $gf32 (export "gf32") f32 (f32.const -0.5))
  (global $gf64 (export "gf64") f64 (f64.const 0x1p-1074))
  (global $from-import (export "from-import") i32 (global.get $imp))
  (global $mut (export "mut") (mut i32) (i32.const 1))
  (global $mut64 (mut i64) (i64.const -1))
  (global $mutf (mut f64) (f64.const 0))
  (global $fref funcref (ref.func $f))
  (global $nullref (mut funcref) (ref.null func))
  (global $ext (mut externref) (ref.null extern))

  (func $f (result i32) (i32.const 42))

  (func (export "local-defaults") (result i32 i64 f32 f64)
    (local i32 i64 f32 f64)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3))
  (func (export "local-ref-defaults") (result i32 i32)
    (local funcref externref)
    (ref.is_null (local.get 0)) (ref.is_null (local.get 1)))
  (func (export "params-are-locals") (param i32 i64) (result i64)
    (local i32)
    (local.set 2 (i32.const 5))
    (local.set 0 (i32.add (local.get 0) (local.get 2)))
    (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
  (func (export "tee") (param i32) (result i32)
    (local $x i32)
    (i32.add (local.tee $x (i32.mul (local.get 0) (i32.const 3))) (local.get $x)))
  ;; a local written in one call is zero again in the next
  (func (export "fresh") (result i32)
    (local $x i32)
    (local.get $x)
    (local.set $x (i32.const 99)))
  (func (export "many-locals") (result i64)
    (local $a i64) (local $b i64) (local i64 i64 i64 i64 i64 i64)
    (local.set 7 (i64.const 8))
    (local.set $a (i64.const 1))
    (i64.add (local.get $a) (i64.add (local.get 7) (local.get $b))))

  (func (export "get-mut") (result i32) (global.get $mut))
  (func (export "set-mut") (param i32) (global.set $mut (local.get 0)))
  (func (export "inc-mut64") (result i64)
    (global.set $mut64 (i64.add (global.get $mut64) (i64.const 1)))
    (global.get $mut64))
  (func (export "set-get-f64") (param f64) (result f64)
    (global.set $mutf (local.get 0)) (global.get $mutf))
  (func (export "call-fref") (result i32)
    (call_indirect (result i32) (i32.const 0)))
  (func (export "fref-is-null") (result i32) (ref.is_null (global.get $fref)))
  (func (export "nullref-is-null") (result i32) (ref.is_null (global.get $nullref)))
  (func (export "set-nullref") (global.set $nullref (global.get $fref)))
  (func (export "set-ext") (param externref) (global.set $ext (local.get 0)))
  (func (export "get-ext") (result externref) (global.get $ext))
  (table 1 funcref)
  (elem (i32.const 0) $f)
)

(assert_return (get "gi32") (i32.const -7))
(assert_return (get "gi64") (i64.const 0x100000000))
(assert_return (get "gf32") (f32.const -0.5))
(assert_return (get "gf64") (f64.const 0x1p-1074))
(assert_return (get "from-import") (i32.const 666))
(assert_return (get "mut") (i32.const 1))

(assert_return (invoke "local-defaults") (i32.const 0) (i64.const 0) (f32.const 0) (f64.const 0))
(assert_return (invoke "local-ref-defaults") (i32.const 1) (i32.const 1))
(assert_return (invoke "params-are-locals" (i32.const 1) (i64.const 0x100000000)) (i64.const 0x100000006))
(assert_return (invoke "tee" (i32.const 4)) (i32.const 24))
(assert_return (invoke "fresh") (i32.const 0))
(assert_return (invoke "fresh") (i32.const 0))
(assert_return (invoke "many-locals") (i64.const 9))

(assert_return (invoke "get-mut") (i32.const 1))
(assert_return (invoke "set-mut" (i32.const 123)))
(assert_return (invoke "get-mut") (i32.const 123))
(assert_return (get "mut") (i32.const 123))
(assert_return (invoke "inc-mut64") (i64.const 0))
(assert_return (invoke "inc-mut64") (i64.const 1))
(assert_return (invoke "set-get-f64" (f64.const -0)) (f64.const -0))
(assert_return (invoke "set-get-f64" (f64.const nan:0x4000000000000)) (f64.const nan:0x4000000000000))
(assert_return (invoke "fref-is-null") (i32.const 0))
(assert_return (invoke "nullref-is-null") (i32.const 1))
(assert_return (invoke "set-nullref"))
(assert_return (invoke "nullref-is-null") (i32.const 0))
(assert_return (invoke "call-fref") (i32.const 42))
(assert_return (invoke "get-ext") (ref.null extern))
(assert_return (invoke "set-ext" (ref.extern 5)))
(assert_return (invoke "get-ext") (ref.extern 5))

;; an exported mutable global is shared with the importer (linking.wast has
;; more); here a second module reads the first one's updated global.
(register "G")
(module
  (import "G" "mut" (global $m (mut i32)))
  (import "G" "gi64" (global $c i64))
  (func (export "read") (result i32) (global.get $m))
  (func (export "write") (param i32) (global.set $m (local.get 0)))
  (func (export "read64") (result i64) (global.get $c))
)
(assert_return (invoke "read") (i32.const 123))
(assert_return (invoke "write" (i32.const -1)))
(assert_return (get $Gmod "mut") (i32.const -1))
(assert_return (invoke "read64") (i64.const 0x100000000))
