;; validation.wast -- modules that parse but must be rejected by
;; validation: operand/result type mismatches (instructions, blocks, if
;; without else, branches, br_table arms, calls, returns, function bodies),
;; unknown indices of every index space, immutable global writes, alignment
;; larger than natural, undeclared function references, select arity and
;; untyped select on references, constant expressions, limits, duplicate
;; export names, element/table type mismatches; plus a few valid corner
;; cases (polymorphic stack after unreachable) that must be accepted.
;; Spec: valid/instructions.rst, valid/modules.rst, valid/types.rst,
;; valid/conventions.rst (contexts, index spaces).

;; ---- operand and result types
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.add (i32.const 0) (i64.const 0)))) "type mismatch")
(assert_invalid (module (func (i32.eqz (f32.const 0)) (drop))) "type mismatch")
(assert_invalid (module (func (f64.sqrt (f32.const 1)) (drop))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.add (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (i32.const 1))) "type mismatch")
(assert_invalid (module (func (result i32 i32) (i32.const 1))) "type mismatch")
(assert_invalid (module (func (drop))) "type mismatch")
(assert_invalid (module (func (param i32) (local.set 0 (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (result f32) (i32.wrap_i64 (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (result i64) (i64.extend_i32_s (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.trunc_f32_s (f64.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (select (i32.const 1) (i64.const 2) (i32.const 0)))) "type mismatch")
(assert_invalid (module (func (result i32) (select (i32.const 1) (i32.const 2) (i64.const 0)))) "type mismatch")
(assert_invalid (module (func (result i32) (ref.is_null (i32.const 0)))) "type mismatch")

;; ---- blocks, if, branches
(assert_invalid (module (func (result i32) (block (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32) (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (block (result i32)))) "type mismatch")
(assert_invalid (module (func (result i32) (loop (result i32) (nop)))) "type mismatch")
(assert_invalid
  (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)))))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1)) (else (i64.const 1)))))
  "type mismatch")
(assert_invalid (module (func (if (i64.const 1) (then (nop))))) "type mismatch")
(assert_invalid
  (module (func (param i64) (block (param i32) (drop)) (local.get 0) (drop)))
  "type mismatch")
(assert_invalid
  (module (func (block (result i32) (br 0)) (drop)))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (block (result i32) (br 0 (i64.const 1)))))
  "type mismatch")
(assert_invalid
  (module (func (block (br_if 0 (i32.const 1) (i32.const 1)))))
  "type mismatch")
;; a loop label takes the loop's parameters, not its results
(assert_invalid
  (module (func (result i32) (i64.const 0) (loop (param i64) (result i32) (drop) (i32.const 1) (br 0))))
  "type mismatch")
;; br_table arms must agree on the value type
(assert_invalid
  (module (func (result i32)
    (block $a (result i32)
      (block $b (result i64)
        (br_table $a $b (i32.const 0) (i32.const 0)))
      (drop) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (block (result i32) (br_table 0 (i32.const 1) (i64.const 0)))))
  "type mismatch")
(assert_invalid (module (func (result i32) (return (i64.const 1)))) "type mismatch")
(assert_invalid (module (func (result i32) (return))) "type mismatch")

;; ---- calls
(assert_invalid
  (module (func $f (param i32)) (func (call $f (i64.const 1))))
  "type mismatch")
(assert_invalid
  (module (func $f (param i32 i32)) (func (call $f (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (func $f (result i32) (i32.const 1)) (func (call $f)))
  "type mismatch")
(assert_invalid
  (module (type $t (func)) (table 1 funcref) (func (call_indirect (type $t) (i64.const 0))))
  "type mismatch")
;; call_indirect needs a table of function references (wabt 1.0.32 misses this one)
(assert_invalid
  (module (type $t (func)) (table 1 externref) (func (call_indirect (type $t) (i32.const 0))))
  "type mismatch")

;; ---- unknown indices
(assert_invalid (module (func (local.get 0) (drop))) "unknown local")
(assert_invalid (module (func (param i32) (local i64) (local.set 2 (i32.const 0)))) "unknown local")
(assert_invalid (module (func (global.get 0) (drop))) "unknown global")
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 1 (i32.const 0)))) "unknown global")
(assert_invalid (module (func (call 1))) "unknown function")
(assert_invalid (module (export "f" (func 0))) "unknown function")
(assert_invalid (module (func (call_indirect (i32.const 0)))) "unknown table")
(assert_invalid (module (func (drop (table.size 0)))) "unknown table")
(assert_invalid (module (table 1 funcref) (func (call_indirect (type 3) (i32.const 0)))) "unknown type")
(assert_invalid (module (func (type 0))) "unknown type")
(assert_invalid (module (func (drop (i32.load (i32.const 0))))) "unknown memory")
(assert_invalid (module (func (i32.store (i32.const 0) (i32.const 0)))) "unknown memory")
(assert_invalid (module (func (drop (memory.size)))) "unknown memory")
(assert_invalid (module (func (drop (memory.grow (i32.const 0))))) "unknown memory")
(assert_invalid (module (memory 1) (func (drop (i32.load 1 (i32.const 0))))) "unknown memory")
(assert_invalid (module (func (br 1))) "unknown label")
(assert_invalid (module (func (block (br 2)))) "unknown label")
(assert_invalid (module (func (block (br_table 0 2 (i32.const 0))))) "unknown label")
(assert_invalid (module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))) "unknown data segment")
(assert_invalid (module (func (data.drop 0))) "unknown data segment")
(assert_invalid (module (table 1 funcref) (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0)))) "unknown elem segment")
(assert_invalid (module (func (elem.drop 0))) "unknown elem segment")
(assert_invalid (module (data (i32.const 0) "")) "unknown memory")
(assert_invalid (module (elem (i32.const 0))) "unknown table")

;; ---- globals
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))) "immutable global")
(assert_invalid
  (module (import "spectest" "global_i32" (global i32)) (func (global.set 0 (i32.const 1))))
  "immutable global")
(assert_invalid (module (global i32 (i64.const 0))) "type mismatch")
(assert_invalid (module (global i32)) "type mismatch")
(assert_invalid (module (global i32 (i32.const 0) (i32.const 0))) "type mismatch")
(assert_invalid (module (global i32 (i32.clz (i32.const 1)))) "constant expression required")
(assert_invalid (module (global i32 (nop) (i32.const 1))) "constant expression required")
(assert_invalid
  (module (import "m" "g" (global (mut i32))) (global i32 (global.get 0)))
  "constant expression required")
(assert_invalid (module (memory 1) (data (i64.const 0) "")) "type mismatch")
(assert_invalid (module (memory 1) (data (i32.ctz (i32.const 0)) "")) "constant expression required")
(assert_invalid (module (global funcref (ref.null extern))) "type mismatch")

;; ---- memory instructions: alignment is at most the natural one
(assert_invalid (module (memory 1) (func (drop (i32.load align=8 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i64.load align=16 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i32.load8_u align=2 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (drop (i64.load32_s align=8 (i32.const 0))))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (i32.store16 align=4 (i32.const 0) (i32.const 0)))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (f64.store align=16 (i32.const 0) (f64.const 0)))) "alignment must not be larger than natural")
(module (memory 1) (func (drop (i64.load align=8 (i32.const 0))) (i32.store8 align=1 (i32.const 0) (i32.const 0))))
(assert_invalid (module (memory 1) (func (drop (i32.load (i64.const 0))))) "type mismatch")
(assert_invalid (module (memory 1) (func (f32.store (i32.const 0) (i32.const 0)))) "type mismatch")

;; ---- references
(assert_invalid (module (func $f) (func (drop (ref.func $f)))) "undeclared function reference")
(assert_invalid (module (func $f) (global funcref (ref.null func)) (func (drop (ref.func $f))))
  "undeclared function reference")
(module (func $f) (elem declare func $f) (func (drop (ref.func $f))))
(module (func $f) (export "f" (func $f)) (func (drop (ref.func $f))))
(module (func $f) (global funcref (ref.func $f)) (func (drop (ref.func $f))))
(assert_invalid (module (func (ref.func 5) (drop))) "unknown function")
(assert_invalid
  (module (func (param externref) (result externref) (select (local.get 0) (local.get 0) (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (func (result i32 i32) (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
  "invalid result arity")
(assert_invalid
  (module (table 1 funcref) (func (table.set 0 (i32.const 0) (ref.null extern))))
  "type mismatch")
(assert_invalid
  (module (table 1 externref) (func $f) (elem (i32.const 0) funcref (ref.func $f)))
  "type mismatch")
(assert_invalid
  (module (table 1 externref) (elem $e funcref) (func (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (table $a 1 funcref) (table $b 1 externref)
    (func (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (table 1 funcref) (func (result externref) (table.get 0 (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (table 1 funcref) (func (drop (table.grow 0 (ref.null extern) (i32.const 1)))))
  "type mismatch")

;; ---- limits and exports
(assert_invalid (module (memory 2 1)) "size minimum must not be greater than maximum")
(assert_invalid (module (table 2 1 funcref)) "size minimum must not be greater than maximum")
(assert_invalid (module (memory 65537)) "memory size must be at most")
(assert_invalid (module (memory 0 65537)) "memory size must be at most")
(module (memory 0 65536))
(assert_invalid (module (func) (export "a" (func 0)) (export "a" (func 0))) "duplicate export name")
(assert_invalid (module (memory 1) (global i32 (i32.const 0)) (export "x" (memory 0)) (export "x" (global 0))) "duplicate export name")

;; ---- valid: code after unreachable / br is checked against a polymorphic stack
(module
  (func (result i32) (unreachable) (i32.add))
  (func (result i64) (unreachable) (select) (drop) (i64.const 0))
  (func (result f32) (block (result f32) (br 0 (f32.const 0)) (i32.const 0) (drop)))
  (func (result i32) (return (i32.const 0)) (i64.const 1) (drop))
  (func (result i32) (block (result i32) (br_table 0 0 (i32.const 0) (i32.const 1))))
  (func (br 0))
)
;; ...but not arbitrarily: the known operand types still have to match
(assert_invalid (module (func (result i32) (unreachable) (i64.const 0) (i32.add))) "type mismatch")
(assert_invalid (module (func (unreachable) (i64.const 0) (i32.eqz) (drop))) "type mismatch")
