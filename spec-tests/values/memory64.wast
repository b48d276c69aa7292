;; Canonical ABI with a 64-bit memory (CanonicalABI.md "Canonical ABI Options":
;; MemInst.ptr_type() is i64, so a string parameter flattens to (i64, i64) and
;; realloc takes and returns i64).
(component
  (core module $M (memory (export "mem") i64 1)
    (global $p (mut i64) (i64.const 256))
    (func (export "f") (param i64 i64) (result i32)
      ;; "hi" arrives at the pointer realloc gave (256), 2 bytes
      (if (i64.ne (local.get 1) (i64.const 2)) (then unreachable))
      (i32.load8_u (local.get 0)))
    (func (export "realloc") (param i64 i64 i64 i64) (result i64)
      (global.get $p)))
  (core instance $m (instantiate $M))
  (func (export "f") (param "s" string) (result u8) (canon lift (core func $m "f") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
)
(assert_return (invoke "f" (str.const "hi")) (u8.const 104))
