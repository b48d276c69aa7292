;; multi-memory.wast -- several memories in one module: loads/stores pick
;; their memory by index, each memory has its own size, bounds and growth;
;; data segments target a given memory; memory.copy between two memories;
;; memory.fill / memory.init on a non-zero memory; an imported memory next to
;; a defined one (the imported one is index 0).
;; Spec: syntax/instructions.rst "memarg" (memory index), exec/instructions.rst
;; "Memory Instructions" (memory.copy x y), valid/instructions.rst.

(module
  (memory $a 1)
  (memory $b 2 3)
  (data (memory $a) (i32.const 0) "\11\22")
  (data (memory $b) (i32.const 0) "\aa\bb")
  (data $p "\01\02\03")

  (func (export "load-a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "load-b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "load16-b") (param i32) (result i32) (i32.load16_u $b offset=1 (local.get 0)))
  (func (export "store-a") (param i32 i32) (i32.store8 $a (local.get 0) (local.get 1)))
  (func (export "store-b") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1)))
  (func (export "size-a") (result i32) (memory.size $a))
  (func (export "size-b") (result i32) (memory.size $b))
  (func (export "grow-a") (param i32) (result i32) (memory.grow $a (local.get 0)))
  (func (export "grow-b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "copy-a-to-b") (param i32 i32 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-b-to-a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill-b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init-b") (param i32 i32 i32) (memory.init $b $p (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "load-a" (i32.const 0)) (i32.const 0x11))
(assert_return (invoke "load-b" (i32.const 0)) (i32.const 0xaa))
(assert_return (invoke "load16-b" (i32.const 0)) (i32.const 0x00bb))
(assert_return (invoke "size-a") (i32.const 1))
(assert_return (invoke "size-b") (i32.const 2))
(assert_return (invoke "store-b" (i32.const 70000) (i32.const 5)))
(assert_return (invoke "load-b" (i32.const 70000)) (i32.const 5))
(assert_trap (invoke "load-a" (i32.const 70000)) "out of bounds memory access")
(assert_trap (invoke "store-a" (i32.const 65536) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "load-b" (i32.const 131071)) (i32.const 0))
(assert_trap (invoke "load-b" (i32.const 131072)) "out of bounds memory access")
(assert_return (invoke "store-a" (i32.const 1) (i32.const 0x33)))
(assert_return (invoke "load-a" (i32.const 1)) (i32.const 0x33))
(assert_return (invoke "load-b" (i32.const 1)) (i32.const 0xbb))

;; copy between memories
(assert_return (invoke "copy-a-to-b" (i32.const 100) (i32.const 0) (i32.const 2)))
(assert_return (invoke "load-b" (i32.const 100)) (i32.const 0x11))
(assert_return (invoke "load-b" (i32.const 101)) (i32.const 0x33))
(assert_return (invoke "copy-b-to-a" (i32.const 65534) (i32.const 0) (i32.const 2)))
(assert_return (invoke "load-a" (i32.const 65535)) (i32.const 0xbb))
;; the bounds of each side are those of its own memory
(assert_return (invoke "copy-a-to-b" (i32.const 131070) (i32.const 0) (i32.const 2)))
(assert_trap (invoke "copy-b-to-a" (i32.const 65535) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy-b-to-a" (i32.const 0) (i32.const 131071) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy-a-to-b" (i32.const 0) (i32.const 65535) (i32.const 2)) "out of bounds memory access")
(assert_return (invoke "copy-b-to-a" (i32.const 0) (i32.const 70000) (i32.const 1)))
(assert_return (invoke "load-a" (i32.const 0)) (i32.const 5))

;; fill / init target memory $b only
(assert_return (invoke "fill-b" (i32.const 10) (i32.const 0x7e) (i32.const 3)))
(assert_return (invoke "load-b" (i32.const 12)) (i32.const 0x7e))
(assert_return (invoke "load-a" (i32.const 12)) (i32.const 0))
(assert_return (invoke "init-b" (i32.const 131069) (i32.const 0) (i32.const 3)))
(assert_return (invoke "load-b" (i32.const 131071)) (i32.const 3))
(assert_trap (invoke "init-b" (i32.const 131070) (i32.const 0) (i32.const 3)) "out of bounds memory access")

;; growth is per memory; $b has maximum 3
(assert_return (invoke "grow-b" (i32.const 1)) (i32.const 2))
(assert_return (invoke "grow-b" (i32.const 1)) (i32.const -1))
(assert_return (invoke "size-a") (i32.const 1))
(assert_return (invoke "grow-a" (i32.const 2)) (i32.const 1))
(assert_return (invoke "size-a") (i32.const 3))
(assert_return (invoke "size-b") (i32.const 3))
(assert_return (invoke "load-a" (i32.const 196607)) (i32.const 0))

;; imported memory is index 0, the defined one index 1
(module
  (import "spectest" "memory" (memory 1 2))
  (memory $own 1)
  (func (export "store0") (param i32 i32) (i32.store8 0 (local.get 0) (local.get 1)))
  (func (export "load0") (param i32) (result i32) (i32.load8_u 0 (local.get 0)))
  (func (export "load1") (param i32) (result i32) (i32.load8_u 1 (local.get 0)))
  (func (export "size1") (result i32) (memory.size 1))
)
(assert_return (invoke "store0" (i32.const 7) (i32.const 9)))
(assert_return (invoke "load0" (i32.const 7)) (i32.const 9))
(assert_return (invoke "load1" (i32.const 7)) (i32.const 0))
(assert_return (invoke "size1") (i32.const 1))
