;; start.wast -- the start function: runs once, at instantiation, after the
;; element and data segments are in place; may be an imported function; a
;; trap in it makes instantiation fail (earlier effects on shared state
;; remain); its type must be [] -> []; at most one start section.
;; Spec: exec/modules.rst "Instantiation" (last step: invoke start);
;; valid/modules.rst "Start Function"; text/modules.rst "Start Function".

(module $A
  (global $g (mut i32) (i32.const 0))
  (memory (export "mem") 1)
  (data (i32.const 0) "\05")
  (func $init (global.set $g (i32.add (global.get $g) (i32.load8_u (i32.const 0)))))
  (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "get") (result i32) (global.get $g))
  (start $init)
)
(assert_return (invoke "get") (i32.const 5))
(assert_return (invoke "get") (i32.const 5))
(register "A" $A)

;; an imported start function runs in its own instance
(module (import "A" "inc" (func $inc)) (start $inc))
(assert_return (invoke $A "get") (i32.const 6))
(module (import "A" "inc" (func $inc)) (start $inc))
(assert_return (invoke $A "get") (i32.const 7))

;; start sees the table filled by element segments
(module
  (table 1 funcref)
  (global $r (mut i32) (i32.const 0))
  (func $nine (result i32) (i32.const 9))
  (elem (i32.const 0) $nine)
  (func $s (global.set $r (call_indirect (result i32) (i32.const 0))))
  (func (export "r") (result i32) (global.get $r))
  (start $s)
)
(assert_return (invoke "r") (i32.const 9))

;; a trap in start fails instantiation, after the data segments were written
(assert_trap
  (module (func $s (unreachable)) (start $s))
  "unreachable")
(assert_trap
  (module
    (import "A" "mem" (memory 1))
    (import "A" "inc" (func $inc))
    (data (i32.const 10) "\77")
    (func $s (call $inc) (drop (i32.div_s (i32.const 1) (i32.const 0))))
    (start $s))
  "integer divide by zero")
(assert_return (invoke $A "get") (i32.const 8))
(module
  (import "A" "mem" (memory 1))
  (func (export "peek") (result i32) (i32.load8_u (i32.const 10))))
(assert_return (invoke "peek") (i32.const 0x77))

;; validation
(assert_invalid
  (module (func $s (param i32)) (start $s))
  "start function")
(assert_invalid
  (module (func $s (result i32) (i32.const 0)) (start $s))
  "start function")
(assert_invalid
  (module (start 0))
  "unknown function")
(assert_malformed
  (module quote "(func $s) (start $s) (start $s)")
  "multiple start sections")
