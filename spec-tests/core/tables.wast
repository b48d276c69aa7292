;; tables.wast -- table instructions: table.get/set/size/grow/fill/copy/init
;; and elem.drop on funcref and externref tables, several tables in one
;; module, passive/active/declarative element segments, expression-style
;; segment items; bounds checked before anything is written ("out of bounds
;; table access"), zero-length operations at the end succeed, grow returns
;; the old size or -1 beyond the maximum.
;; Spec: exec/instructions.rst "Table Instructions"; exec/modules.rst
;; "growtable", "Instantiation" (element segments, dropping active and
;; declarative ones); syntax/modules.rst "Element Segments".

(module
  (table $t 3 10 funcref)
  (table $t2 4 funcref)
  (table $e 2 externref)
  (elem $seg func $f1 $f2 $f3)                       ;; passive
  (elem $act (table $t) (i32.const 0) func $f1)      ;; active
  (elem $exprs funcref (ref.func $f3) (ref.null func) (item ref.func $f2))  ;; passive, expressions
  (elem declare func $f4)                            ;; declarative

  (func $f1 (result i32) (i32.const 1))
  (func $f2 (result i32) (i32.const 2))
  (func $f3 (result i32) (i32.const 3))
  (func $f4 (result i32) (i32.const 4))

  (func (export "call") (param i32) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "call2") (param i32) (result i32) (call_indirect $t2 (result i32) (local.get 0)))
  (func (export "is-null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "size") (result i32) (table.size $t))
  (func (export "size2") (result i32) (table.size $t2))
  (func (export "set-f2") (param i32) (table.set $t (local.get 0) (ref.func $f2)))
  (func (export "set-f4") (param i32) (table.set $t (local.get 0) (ref.func $f4)))
  (func (export "set-null") (param i32) (table.set $t (local.get 0) (ref.null func)))
  (func (export "grow-null") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow-f4") (param i32) (result i32) (table.grow $t (ref.func $f4) (local.get 0)))
  (func (export "fill-f3") (param i32 i32) (table.fill $t (local.get 0) (ref.func $f3) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-to-t2") (param i32 i32 i32) (table.copy $t2 $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (table.init $t $seg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init-exprs") (param i32 i32 i32) (table.init $t2 $exprs (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init-act") (param i32 i32 i32) (table.init $t $act (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $seg))
  (func (export "drop-act") (elem.drop $act))

  (func (export "ext-size") (result i32) (table.size $e))
  (func (export "ext-get") (param i32) (result externref) (table.get $e (local.get 0)))
  (func (export "ext-set") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
  (func (export "ext-grow") (param externref i32) (result i32) (table.grow $e (local.get 0) (local.get 1)))
  (func (export "ext-fill") (param i32 externref i32) (table.fill $e (local.get 0) (local.get 1) (local.get 2)))
)

;; initial state: slot 0 = $f1 (active segment), 1 and 2 null
(assert_return (invoke "size") (i32.const 3))
(assert_return (invoke "call" (i32.const 0)) (i32.const 1))
(assert_return (invoke "is-null" (i32.const 0)) (i32.const 0))
(assert_return (invoke "is-null" (i32.const 1)) (i32.const 1))
(assert_return (invoke "is-null" (i32.const 2)) (i32.const 1))
(assert_trap (invoke "is-null" (i32.const 3)) "out of bounds table access")
(assert_trap (invoke "is-null" (i32.const -1)) "out of bounds table access")

;; table.set
(assert_return (invoke "set-f2" (i32.const 1)))
(assert_return (invoke "call" (i32.const 1)) (i32.const 2))
(assert_return (invoke "set-f4" (i32.const 2)))
(assert_return (invoke "call" (i32.const 2)) (i32.const 4))
(assert_trap (invoke "set-f2" (i32.const 3)) "out of bounds table access")
(assert_return (invoke "set-null" (i32.const 2)))
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element")

;; table.fill: [1, 3) -> f3; bounds checked first
(assert_return (invoke "fill-f3" (i32.const 1) (i32.const 2)))
(assert_return (invoke "call" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call" (i32.const 1)) (i32.const 3))
(assert_return (invoke "call" (i32.const 2)) (i32.const 3))
(assert_return (invoke "set-null" (i32.const 2)))
(assert_trap (invoke "fill-f3" (i32.const 2) (i32.const 2)) "out of bounds table access")
(assert_return (invoke "is-null" (i32.const 2)) (i32.const 1))
(assert_return (invoke "fill-f3" (i32.const 3) (i32.const 0)))
(assert_trap (invoke "fill-f3" (i32.const 4) (i32.const 0)) "out of bounds table access")

;; table.init from the passive segment [f1 f2 f3]
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 3)))
(assert_return (invoke "call" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call" (i32.const 1)) (i32.const 2))
(assert_return (invoke "call" (i32.const 2)) (i32.const 3))
(assert_return (invoke "init" (i32.const 0) (i32.const 2) (i32.const 1)))
(assert_return (invoke "call" (i32.const 0)) (i32.const 3))
(assert_return (invoke "init" (i32.const 3) (i32.const 3) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 4) (i32.const 0)) "out of bounds table access")
(assert_trap (invoke "init" (i32.const 4) (i32.const 0) (i32.const 0)) "out of bounds table access")
(assert_trap (invoke "init" (i32.const 1) (i32.const 0) (i32.const 3)) "out of bounds table access")
(assert_trap (invoke "init" (i32.const 0) (i32.const 1) (i32.const 3)) "out of bounds table access")
(assert_return (invoke "call" (i32.const 0)) (i32.const 3))   ;; nothing written by the traps
(assert_return (invoke "call" (i32.const 1)) (i32.const 2))

;; table.copy within $t: now [f3 f2 f3]
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 3)))   ;; [f1 f2 f3]
(assert_return (invoke "copy" (i32.const 1) (i32.const 0) (i32.const 2)))   ;; overlap, dst > src
(assert_return (invoke "call" (i32.const 0)) (i32.const 1))
(assert_return (invoke "call" (i32.const 1)) (i32.const 1))
(assert_return (invoke "call" (i32.const 2)) (i32.const 2))
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 3)))   ;; [f1 f2 f3]
(assert_return (invoke "copy" (i32.const 0) (i32.const 1) (i32.const 2)))   ;; overlap, dst < src
(assert_return (invoke "call" (i32.const 0)) (i32.const 2))
(assert_return (invoke "call" (i32.const 1)) (i32.const 3))
(assert_return (invoke "call" (i32.const 2)) (i32.const 3))
(assert_return (invoke "copy" (i32.const 3) (i32.const 0) (i32.const 0)))
(assert_return (invoke "copy" (i32.const 0) (i32.const 3) (i32.const 0)))
(assert_trap (invoke "copy" (i32.const 4) (i32.const 0) (i32.const 0)) "out of bounds table access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 4) (i32.const 0)) "out of bounds table access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 1) (i32.const 3)) "out of bounds table access")
(assert_return (invoke "call" (i32.const 0)) (i32.const 2))

;; copy between tables; init from an expression segment [f3 null f2]
(assert_return (invoke "size2") (i32.const 4))
(assert_trap (invoke "call2" (i32.const 0)) "uninitialized element")
(assert_return (invoke "copy-to-t2" (i32.const 2) (i32.const 0) (i32.const 2)))
(assert_return (invoke "call2" (i32.const 2)) (i32.const 2))
(assert_return (invoke "call2" (i32.const 3)) (i32.const 3))
(assert_trap (invoke "copy-to-t2" (i32.const 3) (i32.const 0) (i32.const 2)) "out of bounds table access")
(assert_return (invoke "init-exprs" (i32.const 0) (i32.const 0) (i32.const 3)))
(assert_return (invoke "call2" (i32.const 0)) (i32.const 3))
(assert_trap (invoke "call2" (i32.const 1)) "uninitialized element")
(assert_return (invoke "call2" (i32.const 2)) (i32.const 2))
(assert_trap (invoke "call2" (i32.const 4)) "undefined element")

;; elem.drop; active segments are dropped at instantiation
(assert_return (invoke "drop"))
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 0) (i32.const 1)) "out of bounds table access")
(assert_return (invoke "drop"))
(assert_return (invoke "init-act" (i32.const 0) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init-act" (i32.const 0) (i32.const 0) (i32.const 1)) "out of bounds table access")
(assert_return (invoke "drop-act"))

;; table.grow with maximum 10
(assert_return (invoke "grow-null" (i32.const 0)) (i32.const 3))
(assert_return (invoke "grow-null" (i32.const 2)) (i32.const 3))
(assert_return (invoke "size") (i32.const 5))
(assert_return (invoke "is-null" (i32.const 4)) (i32.const 1))
(assert_return (invoke "grow-f4" (i32.const 6)) (i32.const -1))
(assert_return (invoke "size") (i32.const 5))
(assert_return (invoke "grow-f4" (i32.const 5)) (i32.const 5))
(assert_return (invoke "call" (i32.const 5)) (i32.const 4))
(assert_return (invoke "call" (i32.const 9)) (i32.const 4))
(assert_trap (invoke "call" (i32.const 10)) "undefined element")
(assert_return (invoke "grow-null" (i32.const 1)) (i32.const -1))
(assert_return (invoke "grow-null" (i32.const -1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 10))

;; externref table
(assert_return (invoke "ext-size") (i32.const 2))
(assert_return (invoke "ext-get" (i32.const 0)) (ref.null extern))
(assert_return (invoke "ext-set" (i32.const 0) (ref.extern 7)))
(assert_return (invoke "ext-get" (i32.const 0)) (ref.extern 7))
(assert_return (invoke "ext-get" (i32.const 1)) (ref.null extern))
(assert_trap (invoke "ext-get" (i32.const 2)) "out of bounds table access")
(assert_trap (invoke "ext-set" (i32.const 2) (ref.extern 1)) "out of bounds table access")
(assert_return (invoke "ext-grow" (ref.extern 9) (i32.const 3)) (i32.const 2))
(assert_return (invoke "ext-size") (i32.const 5))
(assert_return (invoke "ext-get" (i32.const 4)) (ref.extern 9))
(assert_return (invoke "ext-fill" (i32.const 1) (ref.extern 3) (i32.const 2)))
(assert_return (invoke "ext-get" (i32.const 0)) (ref.extern 7))
(assert_return (invoke "ext-get" (i32.const 1)) (ref.extern 3))
(assert_return (invoke "ext-get" (i32.const 2)) (ref.extern 3))
(assert_return (invoke "ext-get" (i32.const 3)) (ref.extern 9))
(assert_trap (invoke "ext-fill" (i32.const 4) (ref.null extern) (i32.const 2)) "out of bounds table access")
(assert_return (invoke "ext-get" (i32.const 4)) (ref.extern 9))

;; an active segment that does not fit fails instantiation
(assert_trap
  (module (table 2 funcref) (func $f) (elem (i32.const 1) $f $f))
  "out of bounds table access")
(assert_trap
  (module (table 0 funcref) (elem (i32.const 1)))
  "out of bounds table access")
(module (table 0 funcref) (elem (i32.const 0)))
