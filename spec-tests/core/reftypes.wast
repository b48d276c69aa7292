;; reftypes.wast -- reference values: ref.null for func and extern,
;; ref.is_null, ref.func (own and imported functions; a reference is callable
;; through a table), host references (ref.extern N) passed in, stored in
;; locals, globals and tables, and returned unchanged; references as block
;; results and through br_if / typed select.
;; Spec: exec/instructions.rst "Reference Instructions"; syntax/types.rst
;; "Reference Types"; valid/modules.rst (ref.func needs a declared
;; reference, checked in validation.wast).

(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (table $t 2 funcref)
  (global $g (mut externref) (ref.null extern))
  (elem declare func $seven $print)

  (func $seven (result i32) (i32.const 7))

  (func (export "null-func") (result funcref) (ref.null func))
  (func (export "null-extern") (result externref) (ref.null extern))
  (func (export "is-null-extern") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "is-null-func") (param funcref) (result i32) (ref.is_null (local.get 0)))
  (func (export "id-extern") (param externref) (result externref) (local.get 0))
  (func (export "id-func") (param funcref) (result funcref) (local.get 0))
  (func (export "ref-func-not-null") (result i32) (ref.is_null (ref.func $seven)))
  (func (export "imported-ref-not-null") (result i32) (ref.is_null (ref.func $print)))
  (func (export "call-via-ref") (result i32)
    (table.set $t (i32.const 1) (ref.func $seven))
    (call_indirect $t (result i32) (i32.const 1)))
  (func (export "swap") (param externref externref) (result externref externref)
    (local.get 1) (local.get 0))
  (func (export "stash") (param externref) (global.set $g (local.get 0)))
  (func (export "unstash") (result externref) (global.get $g))
  (func (export "block-ref") (param externref i32) (result externref)
    (block (result externref)
      (br_if 0 (local.get 0) (local.get 1))
      (drop)
      (ref.null extern)))
  (func (export "pick") (param funcref funcref i32) (result i32)
    (ref.is_null (select (result funcref) (local.get 0) (local.get 1) (local.get 2))))
)

(assert_return (invoke "null-func") (ref.null func))
(assert_return (invoke "null-extern") (ref.null extern))
(assert_return (invoke "is-null-extern" (ref.null extern)) (i32.const 1))
(assert_return (invoke "is-null-extern" (ref.extern 0)) (i32.const 0))
(assert_return (invoke "is-null-extern" (ref.extern 12345)) (i32.const 0))
(assert_return (invoke "is-null-func" (ref.null func)) (i32.const 1))
(assert_return (invoke "id-extern" (ref.extern 42)) (ref.extern 42))
(assert_return (invoke "id-extern" (ref.extern 0)) (ref.extern 0))
(assert_return (invoke "id-extern" (ref.null extern)) (ref.null extern))
(assert_return (invoke "id-func" (ref.null func)) (ref.null func))
(assert_return (invoke "ref-func-not-null") (i32.const 0))
(assert_return (invoke "imported-ref-not-null") (i32.const 0))
(assert_return (invoke "call-via-ref") (i32.const 7))
(assert_return (invoke "swap" (ref.extern 1) (ref.extern 2)) (ref.extern 2) (ref.extern 1))
(assert_return (invoke "unstash") (ref.null extern))
(assert_return (invoke "stash" (ref.extern 3)))
(assert_return (invoke "unstash") (ref.extern 3))
(assert_return (invoke "block-ref" (ref.extern 5) (i32.const 1)) (ref.extern 5))
(assert_return (invoke "block-ref" (ref.extern 5) (i32.const 0)) (ref.null extern))
(assert_return (invoke "pick" (ref.null func) (ref.null func) (i32.const 1)) (i32.const 1))
