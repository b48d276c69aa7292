;; memory64.wast -- memories with the i64 address type: addresses, sizes and
;; grow deltas are i64 (grow returns i64 -1 on failure), loads/stores and
;; bulk instructions take i64 operands, offsets may exceed 2^32, the bounds
;; check uses the full 64-bit effective address (no wrap-around), data
;; segment offsets are i64 constants; a table with the i64 address type.
;; Spec: syntax/types.rst "Address Type", "Memory Types", "Table Types";
;; exec/instructions.rst "Memory Instructions", "Table Instructions";
;; valid/instructions.rst (address type of memarg / table operands).

(module
  (memory $m i64 1 3)
  (data (i64.const 65534) "\12\34")

  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load16") (param i64) (result i32) (i32.load16_u (local.get 0)))
  (func (export "load-i64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "store-i64") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load-big-off") (param i64) (result i32) (i32.load8_u offset=0x100000000 (local.get 0)))
  (func (export "load-off1") (param i64) (result i32) (i32.load8_u offset=1 (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "load16" (i64.const 65534)) (i32.const 0x3412))
(assert_trap (invoke "load16" (i64.const 65535)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 65536)) "out of bounds memory access")
;; an address whose low 32 bits are in bounds is still out of bounds
(assert_trap (invoke "load8" (i64.const 0x100000000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load-big-off" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load-off1" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load-off1" (i64.const 65534)) (i32.const 0x34))
(assert_return (invoke "store-i64" (i64.const 8) (i64.const 0x0102030405060708)))
(assert_return (invoke "load-i64" (i64.const 8)) (i64.const 0x0102030405060708))
(assert_trap (invoke "store-i64" (i64.const 65529) (i64.const 0)) "out of bounds memory access")

(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "grow" (i64.const 2)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x100000000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "load8" (i64.const 131071)) (i32.const 0))
(assert_trap (invoke "load8" (i64.const 131072)) "out of bounds memory access")

(assert_return (invoke "fill" (i64.const 131070) (i32.const 0x55) (i64.const 2)))
(assert_return (invoke "load16" (i64.const 131070)) (i32.const 0x5555))
(assert_trap (invoke "fill" (i64.const 131071) (i32.const 0) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0) (i32.const 0) (i64.const 0x100000000)) "out of bounds memory access")
(assert_return (invoke "copy" (i64.const 0) (i64.const 65534) (i64.const 2)))
(assert_return (invoke "load16" (i64.const 0)) (i32.const 0x3412))
(assert_trap (invoke "copy" (i64.const 0x100000000) (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "copy" (i64.const 131072) (i64.const 0) (i64.const 0)))

;; table with the i64 address type: indices, sizes and grow deltas are i64
(module
  (table $t i64 2 4 funcref)
  (elem (table $t) (i64.const 1) func $f)
  (func $f (result i32) (i32.const 11))
  (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "is-null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
)
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "call" (i64.const 1)) (i32.const 11))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 2)) "undefined element")
(assert_trap (invoke "call" (i64.const 0x100000001)) "undefined element")
(assert_trap (invoke "is-null" (i64.const 0x100000000)) "out of bounds table access")
(assert_return (invoke "is-null" (i64.const 0)) (i32.const 1))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 2))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 4))
