;; linking.wast -- instantiation with imports: functions, globals (mutable
;; ones shared by reference), memories and tables imported from a
;; registered module share state with it in both directions; import
;; matching ("unknown import" for a missing module or name, "incompatible
;; import type" for a wrong kind, function type, global type or mutability,
;; memory/table limits or element type -- an import may ask for a smaller
;; minimum and a larger maximum or none, but not the reverse);
;; a failed instantiation keeps the segment writes done before the trap
;; (element segments before data segments).
;; Spec: exec/modules.rst "Instantiation", "External Typing", "Import
;; Subtyping" (valid/matching.rst "Limits", "External Types");
;; exec/runtime.rst "Store".

(module $M
  (global $g (export "g") (mut i32) (i32.const 10))
  (global (export "c") i32 (i32.const 5))
  (memory (export "mem") 1 4)
  (table $tab (export "tab") 2 funcref)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (export "add-again" (func $add))
  (func (export "get-g") (result i32) (global.get $g))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "call-tab") (param i32) (result i32) (call_indirect $tab (result i32) (local.get 0)))
)
(register "M" $M)

(module $N
  (import "M" "add" (func $add (param i32 i32) (result i32)))
  (import "M" "add-again" (func $add2 (param i32 i32) (result i32)))
  (import "M" "g" (global $g (mut i32)))
  (import "M" "c" (global $c i32))
  (import "M" "mem" (memory 1))
  (import "M" "tab" (table $tab 1 funcref))
  (import "spectest" "global_i64" (global $sg i64))
  (func $seven (result i32) (i32.const 7))
  (elem (table $tab) (i32.const 1) func $seven)
  (func (export "call-add") (result i32) (call $add (i32.const 2) (call $add2 (i32.const 3) (global.get $c))))
  (func (export "bump-g") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "tab-size") (result i32) (table.size $tab))
  (func (export "spectest-g") (result i64) (global.get $sg))
)

(assert_return (invoke $N "call-add") (i32.const 10))
(assert_return (invoke $N "spectest-g") (i64.const 666))
;; the global is shared
(assert_return (invoke $N "bump-g"))
(assert_return (invoke $M "get-g") (i32.const 11))
(assert_return (get $M "g") (i32.const 11))
;; the memory is shared
(assert_return (invoke $N "store" (i32.const 9) (i32.const 0x5a)))
(assert_return (invoke $M "load" (i32.const 9)) (i32.const 0x5a))
(assert_return (invoke $N "grow" (i32.const 2)) (i32.const 1))
(assert_return (invoke $M "size") (i32.const 3))
(assert_return (invoke $N "grow" (i32.const 2)) (i32.const -1))
;; the table is shared: $N's element segment wrote into $M's table
(assert_return (invoke $M "call-tab" (i32.const 1)) (i32.const 7))
(assert_trap (invoke $M "call-tab" (i32.const 0)) "uninitialized element")
(assert_return (invoke $N "tab-size") (i32.const 2))

;; import resolution failures
(assert_unlinkable
  (module (import "M" "nope" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "no-such-module" "add" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "spectest" "nope" (global i32)))
  "unknown import")
;; wrong kind
(assert_unlinkable
  (module (import "M" "add" (memory 1)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "mem" (func)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "g" (table 1 funcref)))
  "incompatible import type")
;; function types must be equal
(assert_unlinkable
  (module (import "M" "add" (func (param i32))))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "add" (func (param i32 i32) (result i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "add" (func (param i32 i32) (result i32 i32))))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "print_i32" (func (param i64))))
  "incompatible import type")
;; global types: value type and mutability must match
(assert_unlinkable
  (module (import "M" "g" (global i32)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "c" (global (mut i32))))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "c" (global i64)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "global_f32" (global f64)))
  "incompatible import type")
;; memory limits: actual is now 3 pages, maximum 4
(module (import "M" "mem" (memory 3 4)))
(module (import "M" "mem" (memory 0)))
(module (import "M" "mem" (memory 2 5)))
(assert_unlinkable
  (module (import "M" "mem" (memory 4)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "mem" (memory 1 3)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "memory" (memory 1 1)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "memory" (memory 2)))
  "incompatible import type")
;; table limits and element type (spectest's table is 10..20 funcref)
(module (import "spectest" "table" (table 10 funcref)))
(module (import "spectest" "table" (table 5 30 funcref)))
(assert_unlinkable
  (module (import "spectest" "table" (table 11 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "table" (table 10 15 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "table" (table 10 externref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "tab" (table 3 funcref)))
  "incompatible import type")

;; a failed instantiation is not rolled back: data segments before the
;; failing one have been written into the shared memory
(assert_trap
  (module
    (import "M" "mem" (memory 1))
    (data (i32.const 100) "\2a")
    (data (i32.const 0x40000) "x"))
  "out of bounds memory access")
(assert_return (invoke $M "load" (i32.const 100)) (i32.const 42))
;; element segments are initialised before data segments, and the function
;; of the failed module stays reachable through the shared table
(assert_trap
  (module
    (import "M" "mem" (memory 1))
    (import "M" "tab" (table 2 funcref))
    (func $f (result i32) (i32.const 99))
    (elem (i32.const 0) $f)
    (elem (i32.const 2) $f)
    (data (i32.const 200) "\01"))
  "out of bounds table access")
(assert_return (invoke $M "load" (i32.const 200)) (i32.const 0))
(assert_return (invoke $M "call-tab" (i32.const 0)) (i32.const 99))

;; an unlinkable module registers nothing and changes nothing
(assert_unlinkable
  (module
    (import "M" "mem" (memory 1))
    (import "M" "nope" (func))
    (data (i32.const 300) "\01"))
  "unknown import")
(assert_return (invoke $M "load" (i32.const 300)) (i32.const 0))
