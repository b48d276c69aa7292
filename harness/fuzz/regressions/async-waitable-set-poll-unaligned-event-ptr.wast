;; hand-made from a fuzz_async finding (FUZZ_ASYNC_WILD_RESULT_PTRS=1):
;; waitable-set.poll storing its event at an unaligned or out-of-bounds ptr
;; (the spec only asserts there: cmref traps, docs/findings.md "unpack_event")
;; run: cmref run FILE
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $ws.poll))
  (core module $M
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.poll" (func $ws.poll (param i32 i32) (result i32)))
    (func (export "unaligned") (result i32) (call $ws.poll (call $ws.new) (i32.const 1)))
    (func (export "out-of-bounds") (result i32) (call $ws.poll (call $ws.new) (i32.const 65532))))
  (core instance $m (instantiate $M (with "" (instance
    (export "ws.new" (func $ws.new)) (export "ws.poll" (func $ws.poll))))))
  (func (export "unaligned") (result u32) (canon lift (core func $m "unaligned")))
  (func (export "out-of-bounds") (result u32) (canon lift (core func $m "out-of-bounds"))))
(component instance $t $T)
(assert_trap (invoke "unaligned") "unaligned pointer")
(component instance $t $T)
(assert_trap (invoke "out-of-bounds") "pointer out of bounds")
