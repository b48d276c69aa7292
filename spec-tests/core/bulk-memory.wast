;; bulk-memory.wast -- memory.fill, memory.copy (overlapping in both
;; directions behaves like memmove), memory.init from passive segments,
;; data.drop; bounds checked before anything is written ("out of bounds
;; memory access", memory left untouched), zero-length operations at the very
;; end of memory or of a segment succeed, one past the end traps; active
;; segments count as dropped after instantiation.
;; Spec: exec/instructions.rst "memory.fill", "memory.copy", "memory.init",
;; "data.drop"; exec/modules.rst "Instantiation" (step dropping active data
;; segments).

(module
  (memory 1)
  (data $active (i32.const 0) "hello")
  (data $p "\01\02\03\04\05")
  (data $empty "")

  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init-active") (param i32 i32 i32) (memory.init $active (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init-empty") (param i32 i32 i32) (memory.init $empty (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $p))
  (func (export "drop-active") (data.drop $active))
)

;; fill: the low 8 bits of the value
(assert_return (invoke "fill" (i32.const 10) (i32.const 0xab) (i32.const 4)))
(assert_return (invoke "load8" (i32.const 9)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 10)) (i32.const 0xab))
(assert_return (invoke "load8" (i32.const 13)) (i32.const 0xab))
(assert_return (invoke "load8" (i32.const 14)) (i32.const 0))
(assert_return (invoke "fill" (i32.const 20) (i32.const 0x1ff) (i32.const 2)))
(assert_return (invoke "load8" (i32.const 21)) (i32.const 0xff))
(assert_return (invoke "fill" (i32.const 65535) (i32.const 1) (i32.const 1)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 1))
(assert_return (invoke "fill" (i32.const 65536) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 65530) (i32.const 7) (i32.const 7)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65530)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 1))
(assert_trap (invoke "fill" (i32.const 1) (i32.const 7) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 1)) (i32.const 0x65))

;; the active segment was written at instantiation
(assert_return (invoke "load8" (i32.const 0)) (i32.const 0x68))
(assert_return (invoke "load8" (i32.const 4)) (i32.const 0x6f))

;; init from the passive segment
(assert_return (invoke "init" (i32.const 100) (i32.const 0) (i32.const 5)))
(assert_return (invoke "load8" (i32.const 100)) (i32.const 1))
(assert_return (invoke "load8" (i32.const 104)) (i32.const 5))
(assert_return (invoke "init" (i32.const 300) (i32.const 3) (i32.const 2)))
(assert_return (invoke "load8" (i32.const 300)) (i32.const 4))
(assert_return (invoke "load8" (i32.const 301)) (i32.const 5))
(assert_return (invoke "load8" (i32.const 302)) (i32.const 0))
(assert_return (invoke "init" (i32.const 0) (i32.const 5) (i32.const 0)))
(assert_return (invoke "init" (i32.const 65536) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 6) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 400) (i32.const 2) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 400)) (i32.const 0))
(assert_trap (invoke "init" (i32.const 65534) (i32.const 0) (i32.const 3)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65534)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 1))

;; copy, overlapping forward: dst > src
(assert_return (invoke "copy" (i32.const 102) (i32.const 100) (i32.const 3)))
(assert_return (invoke "load8" (i32.const 100)) (i32.const 1))
(assert_return (invoke "load8" (i32.const 101)) (i32.const 2))
(assert_return (invoke "load8" (i32.const 102)) (i32.const 1))
(assert_return (invoke "load8" (i32.const 103)) (i32.const 2))
(assert_return (invoke "load8" (i32.const 104)) (i32.const 3))
;; copy, overlapping backward: dst < src
(assert_return (invoke "init" (i32.const 200) (i32.const 0) (i32.const 5)))
(assert_return (invoke "copy" (i32.const 200) (i32.const 201) (i32.const 4)))
(assert_return (invoke "load8" (i32.const 200)) (i32.const 2))
(assert_return (invoke "load8" (i32.const 202)) (i32.const 4))
(assert_return (invoke "load8" (i32.const 203)) (i32.const 5))
(assert_return (invoke "load8" (i32.const 204)) (i32.const 5))
;; copy onto itself, and zero-length copies at the ends
(assert_return (invoke "copy" (i32.const 200) (i32.const 200) (i32.const 5)))
(assert_return (invoke "load8" (i32.const 201)) (i32.const 3))
(assert_return (invoke "copy" (i32.const 65536) (i32.const 0) (i32.const 0)))
(assert_return (invoke "copy" (i32.const 0) (i32.const 65536) (i32.const 0)))
(assert_trap (invoke "copy" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65537) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65535) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 65534) (i32.const 0) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65534)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 1))
(assert_trap (invoke "copy" (i32.const 0) (i32.const 0) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 0)) (i32.const 0x68))

;; data.drop: afterwards only zero-length inits at offset 0 succeed
(assert_return (invoke "drop"))
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 0) (i32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "drop"))
;; active segments are already dropped
(assert_return (invoke "init-active" (i32.const 0) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init-active" (i32.const 0) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "drop-active"))
;; an empty passive segment
(assert_return (invoke "init-empty" (i32.const 65536) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init-empty" (i32.const 0) (i32.const 1) (i32.const 0)) "out of bounds memory access")

;; an active segment that does not fit makes instantiation fail; nothing of
;; that module becomes visible (its memory is its own, so nothing to check
;; but the failure itself)
(assert_trap
  (module (memory 1) (data (i32.const 65535) "ab"))
  "out of bounds memory access")
(assert_trap
  (module (memory 0) (data (i32.const 1) ""))
  "out of bounds memory access")
(module (memory 0) (data (i32.const 0) ""))
(module (memory 1) (data (i32.const 65536) ""))
