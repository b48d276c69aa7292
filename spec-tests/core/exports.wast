;; exports.wast -- export names are arbitrary UTF-8 strings (empty, spaces,
;; escapes, non-ASCII) compared byte for byte; one entity may be exported
;; under several names; imported entities can be re-exported and keep their
;; identity (a re-exported global or memory is the same instance, a
;; re-exported function is the same function).
;; Spec: syntax/modules.rst "Exports"; text/values.rst "Names", "Strings";
;; exec/modules.rst "Instantiation" (export instances, external values).

(module $E
  (global $g (mut i32) (i32.const 1))
  (memory 1)
  (func $f (result i32) (i32.const 1))
  (func $g2 (result i32) (i32.const 2))
  (export "" (func $f))
  (export " " (func $g2))
  (export "a b" (func $f))
  (export "\u{3bb}" (func $g2))           ;; lambda, 2 UTF-8 bytes
  (export "\ce\bb\00" (func $f))          ;; lambda followed by NUL: a different name
  (export "F" (func $f))
  (export "f" (func $g2))                 ;; names are case-sensitive
  (export "g" (global $g))
  (export "mem" (memory 0))
  (func (export "set-g") (param i32) (global.set $g (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(assert_return (invoke "") (i32.const 1))
(assert_return (invoke " ") (i32.const 2))
(assert_return (invoke "a b") (i32.const 1))
(assert_return (invoke "\ce\bb") (i32.const 2))
(assert_return (invoke "\u{3bb}\00") (i32.const 1))
(assert_return (invoke "F") (i32.const 1))
(assert_return (invoke "f") (i32.const 2))
(register "E" $E)

;; re-export imported entities
(module $R
  (import "E" "g" (global $g (mut i32)))
  (import "E" "mem" (memory 1))
  (import "E" "f" (func $f (result i32)))
  (export "g-again" (global $g))
  (export "mem-again" (memory 0))
  (export "f-again" (func $f))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
)
(register "R" $R)
(assert_return (invoke $R "f-again") (i32.const 2))
(assert_return (invoke $E "set-g" (i32.const 55)))
(assert_return (get $R "g-again") (i32.const 55))

;; a third module sees the same global and memory through the re-exports
(module
  (import "R" "g-again" (global $g (mut i32)))
  (import "R" "mem-again" (memory 1))
  (import "R" "f-again" (func $f (result i32)))
  (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (result i32) (call $f))
)
(assert_return (invoke "bump"))
(assert_return (get $E "g") (i32.const 56))
(assert_return (invoke $R "store" (i32.const 5) (i32.const 0x66)))
(assert_return (invoke $E "load" (i32.const 5)) (i32.const 0x66))
(assert_return (invoke "peek" (i32.const 5)) (i32.const 0x66))
(assert_return (invoke "call") (i32.const 2))

;; export names are matched exactly on import as well
(assert_unlinkable (module (import "E" "A B" (func (result i32)))) "unknown import")
(assert_unlinkable (module (import "E" "\ce\bb\00\00" (func (result i32)))) "unknown import")
(assert_unlinkable (module (import "e" "f" (func (result i32)))) "unknown import")
