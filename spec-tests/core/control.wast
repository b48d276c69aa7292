;; control.wast -- structured control: block/loop/if with block types given
;; as a value type or a type index (parameters and multiple results), br to
;; blocks (forward, carrying values) and to loops (backward, carrying the
;; loop parameters), br_if (taken / not taken, value passes through),
;; br_table (each target, out-of-range index -> default, index 0xffffffff),
;; return from nested blocks, unreachable ("unreachable" trap), select and
;; typed select, nop, drop, and stack-polymorphic code after br/return.
;; Spec: exec/instructions.rst "Control Instructions" and "Blocks";
;; valid/instructions.rst "Control Instructions"; syntax "Block Types".

(module
  (type $i32->i32x2 (func (param i32) (result i32 i32)))
  (type $i32i32->i32 (func (param i32 i32) (result i32)))

  (func (export "block-value") (result i32) (block (result i32) (i32.const 7)))
  (func (export "block-multi") (result i32 i64 f32)
    (block (result i32 i64 f32) (i32.const 1) (i64.const 2) (f32.const 3)))
  ;; a block consuming its parameters from the enclosing stack
  (func (export "block-params") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (block (type $i32i32->i32) (i32.sub)))
  (func (export "block-dup") (param i32) (result i32 i32)
    (local.get 0)
    (block (type $i32->i32x2) (local.set 0) (local.get 0) (local.get 0) (i32.const 1) (i32.add)))

  ;; br out of nested blocks with a value; the inner values are discarded
  (func (export "br-nested") (param i32) (result i32)
    (block $outer (result i32)
      (block $inner (result i32)
        (i32.const 100)   ;; left on the stack below the branch value
        (br_if $outer (i32.const 10) (i32.eq (local.get 0) (i32.const 0)))
        (drop)
        (br $inner (i32.const 20)))
      (i32.add (i32.const 1))))
  ;; br carrying two values
  (func (export "br-multi") (result i32 i32)
    (block (result i32 i32)
      (i32.const 9)
      (br 0 (i32.const 1) (i32.const 2))))
  ;; br_if: the value passes through when not taken
  (func (export "br_if-through") (param i32) (result i32)
    (block (result i32)
      (i32.mul (br_if 0 (i32.const 5) (local.get 0)) (i32.const 3))))

  ;; loop: a sum 1..n, branching back to the loop label
  (func (export "loop-sum") (param i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $acc (i32.add (local.get $acc) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  ;; loop with a parameter: branching to a loop passes the loop's *params*
  (func (export "loop-param") (param i32) (result i32)
    ;; computes 2^n by doubling the loop operand n times
    (i32.const 1)
    (loop $l (param i32) (result i32)
      (i32.shl (i32.const 1))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0))))
  ;; falling off the end of a loop leaves the loop, it does not repeat
  (func (export "loop-fallthrough") (result i32)
    (loop (result i32) (i32.const 3)))

  ;; if / else
  (func (export "if-else") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "if-no-else") (param i32) (result i32)
    (local $r i32)
    (local.set $r (i32.const 10))
    (if (local.get 0) (then (local.set $r (i32.const 20))))
    (local.get $r))
  (func (export "if-params") (param i32 i32 i32) (result i32)
    ;; (a, b) -> if c then a-b else a+b
    (local.get 0) (local.get 1)
    (if (type $i32i32->i32) (local.get 2)
      (then (i32.sub))
      (else (i32.add))))
  (func (export "if-multi") (param i32) (result i32 i32)
    (if (result i32 i32) (local.get 0)
      (then (i32.const 1) (i32.const 2))
      (else (i32.const 3) (i32.const 4))))
  ;; br 0 inside if targets the if itself
  (func (export "if-br") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (br 0 (i32.const 7)) (i32.const 8))
      (else (i32.const 9))))

  ;; br_table: index 0, 1, 2 -> labels; anything else (huge too) -> default
  (func (export "br_table") (param i32) (result i32)
    (block $d
      (block $c
        (block $b
          (block $a
            (br_table $a $b $c $d (local.get 0)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 103))
  ;; br_table with a value and only a default
  (func (export "br_table-default-only") (param i32) (result i32)
    (block (result i32) (br_table 0 (i32.const 55) (local.get 0))))
  ;; br_table to a loop label and a block label
  (func (export "br_table-loop") (param i32) (result i32)
    (local $n i32)
    (block $exit
      (loop $top
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        ;; index 0 when the counter reached 0 -> exit, otherwise loop
        (br_table $exit $top $top (i32.gt_s (local.get 0) (i32.const 0)))))
    (local.get $n))

  ;; return out of deep nesting, with stack garbage below
  (func (export "return-deep") (param i32) (result i32)
    (i64.const 1) (drop)
    (block
      (loop
        (if (local.get 0)
          (then (block (f32.const 0) (return (i32.const 77)))))
        (br 1)))
    (i32.const 88))
  (func (export "return-multi") (result i32 i64)
    (return (i32.const 1) (i64.const 2)))

  ;; unreachable; code after it (and after br) is validated polymorphically
  (func (export "unreachable") (result i32) (unreachable))
  (func (export "unreachable-deep") (param i32) (result i32)
    (block (result i32)
      (if (local.get 0) (then (unreachable)))
      (i32.const 1)))
  (func (export "after-br") (result i32)
    (block (result i32) (br 0 (i32.const 4)) (i32.add) (i64.extend_i32_u) (drop) (f64.neg) (drop) (i32.const 0)))

  (func (export "select") (param i32) (result i32)
    (select (i32.const 10) (i32.const 20) (local.get 0)))
  (func (export "select-f64") (param i32) (result f64)
    (select (result f64) (f64.const 1.5) (f64.const -1.5) (local.get 0)))
  (func (export "select-externref") (param externref externref i32) (result externref)
    (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nop-drop") (result i32)
    (nop) (i32.const 1) (nop) (i32.const 2) (drop) (nop))
)

(assert_return (invoke "block-value") (i32.const 7))
(assert_return (invoke "block-multi") (i32.const 1) (i64.const 2) (f32.const 3))
(assert_return (invoke "block-params" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "block-dup" (i32.const 5)) (i32.const 5) (i32.const 6))
(assert_return (invoke "br-nested" (i32.const 0)) (i32.const 10))
(assert_return (invoke "br-nested" (i32.const 1)) (i32.const 21))
(assert_return (invoke "br-multi") (i32.const 1) (i32.const 2))
(assert_return (invoke "br_if-through" (i32.const 0)) (i32.const 15))
(assert_return (invoke "br_if-through" (i32.const 1)) (i32.const 5))
(assert_return (invoke "br_if-through" (i32.const -1)) (i32.const 5))
(assert_return (invoke "loop-sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "loop-sum" (i32.const 10)) (i32.const 55))
(assert_return (invoke "loop-sum" (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "loop-param" (i32.const 1)) (i32.const 2))
(assert_return (invoke "loop-param" (i32.const 5)) (i32.const 32))
(assert_return (invoke "loop-param" (i32.const 31)) (i32.const 0x80000000))
(assert_return (invoke "loop-fallthrough") (i32.const 3))
(assert_return (invoke "if-else" (i32.const 0)) (i32.const 2))
(assert_return (invoke "if-else" (i32.const 1)) (i32.const 1))
(assert_return (invoke "if-else" (i32.const 0x80000000)) (i32.const 1))
(assert_return (invoke "if-no-else" (i32.const 0)) (i32.const 10))
(assert_return (invoke "if-no-else" (i32.const 2)) (i32.const 20))
(assert_return (invoke "if-params" (i32.const 10) (i32.const 3) (i32.const 1)) (i32.const 7))
(assert_return (invoke "if-params" (i32.const 10) (i32.const 3) (i32.const 0)) (i32.const 13))
(assert_return (invoke "if-multi" (i32.const 1)) (i32.const 1) (i32.const 2))
(assert_return (invoke "if-multi" (i32.const 0)) (i32.const 3) (i32.const 4))
(assert_return (invoke "if-br" (i32.const 1)) (i32.const 7))
(assert_return (invoke "if-br" (i32.const 0)) (i32.const 9))
(assert_return (invoke "br_table" (i32.const 0)) (i32.const 100))
(assert_return (invoke "br_table" (i32.const 1)) (i32.const 101))
(assert_return (invoke "br_table" (i32.const 2)) (i32.const 102))
(assert_return (invoke "br_table" (i32.const 3)) (i32.const 103))
(assert_return (invoke "br_table" (i32.const 4)) (i32.const 103))
(assert_return (invoke "br_table" (i32.const 0x7fffffff)) (i32.const 103))
(assert_return (invoke "br_table" (i32.const -1)) (i32.const 103))
(assert_return (invoke "br_table-default-only" (i32.const 0)) (i32.const 55))
(assert_return (invoke "br_table-default-only" (i32.const -1)) (i32.const 55))
(assert_return (invoke "br_table-loop" (i32.const 1)) (i32.const 1))
(assert_return (invoke "br_table-loop" (i32.const 6)) (i32.const 6))
(assert_return (invoke "return-deep" (i32.const 1)) (i32.const 77))
(assert_return (invoke "return-multi") (i32.const 1) (i64.const 2))
(assert_trap (invoke "unreachable") "unreachable")
(assert_trap (invoke "unreachable-deep" (i32.const 1)) "unreachable")
(assert_return (invoke "unreachable-deep" (i32.const 0)) (i32.const 1))
(assert_return (invoke "after-br") (i32.const 4))
(assert_return (invoke "select" (i32.const 1)) (i32.const 10))
(assert_return (invoke "select" (i32.const 0)) (i32.const 20))
(assert_return (invoke "select" (i32.const -5)) (i32.const 10))
(assert_return (invoke "select-f64" (i32.const 0)) (f64.const -1.5))
(assert_return (invoke "select-externref" (ref.extern 1) (ref.extern 2) (i32.const 1)) (ref.extern 1))
(assert_return (invoke "select-externref" (ref.extern 1) (ref.null extern) (i32.const 0)) (ref.null extern))
(assert_return (invoke "nop-drop") (i32.const 1))

;; a loop that never ends would hang; this one ends via br_if on a counter
;; that wraps: 2^32 iterations are too many, so count down from 3 with
;; unsigned compare to check loops re-evaluate their body each time.
(module
  (func (export "countdown") (result i32)
    (local $i i32) (local $n i32)
    (local.set $i (i32.const 3))
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $n))
)
(assert_return (invoke "countdown") (i32.const 3))
