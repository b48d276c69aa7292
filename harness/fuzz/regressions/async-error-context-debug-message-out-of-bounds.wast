;; error-context.debug-message storing its (pointer, length) pair past the
;; end of memory: the spec's store_string has no check there (docs/findings.md,
;; "Where the spec asserts what a guest controls"); cmref wrote past the
;; guest memory.  Now a trap.
;; run: cmref run FILE
(component
  (core module $Mem (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64)))
  (core instance $mem (instantiate $Mem))
  (core func $realloc (alias core export $mem "realloc"))
  (canon error-context.new (memory (core memory $mem "mem")) (core func $new))
  (canon error-context.debug-message (memory (core memory $mem "mem")) (realloc (core func $realloc)) (core func $dbg))
  (core module $M
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "dbg" (func $dbg (param i32 i32)))
    (func (export "oob") (call $dbg (call $new (i32.const 0) (i32.const 0)) (i32.const 65532)))
    (func (export "far") (call $dbg (call $new (i32.const 0) (i32.const 0)) (i32.const -8))))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new)) (export "dbg" (func $dbg))))))
  (func (export "oob") (canon lift (core func $m "oob")))
  (func (export "far") (canon lift (core func $m "far"))))
(assert_trap (invoke "oob") "pointer out of bounds")
