;; exceptions.wast -- exception handling: tags with payloads, throw,
;; try_table with catch / catch_ref / catch_all / catch_all_ref (the first
;; matching clause wins; the handler label receives the payload, plus an
;; exnref for the _ref forms), throw_ref re-throwing the same exception,
;; throw_ref of null ("null exception reference" trap), unwinding through
;; calls, handlers only active inside their try_table, traps not being
;; catchable, uncaught exceptions reaching the script (assert_exception), and
;; tags shared across modules by import (a tag's identity, not its type,
;; decides a match).
;; Spec: exec/instructions.rst "throw", "throw_ref", "try_table";
;; valid/instructions.rst "try_table", "Catch clauses"; exec/modules.rst
;; (tag instances, "alloctag"); syntax/modules.rst "Tags".

(module $exc
  (tag $e0)
  (tag $e1 (export "e1") (param i32))
  (tag $e2 (param i32 i64))
  (global $g (mut i32) (i32.const 0))

  (func $throw-e1 (export "throw-e1") (param i32) (throw $e1 (local.get 0)))

  (func (export "catch-e1") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        (call $throw-e1 (local.get 0)))
      (i32.const -1)))

  (func (export "no-throw") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e1 $h) (i32.const 5))))

  ;; 0: throw e0, 1: throw e1 10, 2: throw e2, else no throw
  (func (export "dispatch") (param i32) (result i32)
    (block $all
      (block $h1 (result i32)
        (try_table (catch $e1 $h1) (catch_all $all)
          (if (i32.eq (local.get 0) (i32.const 0)) (then (throw $e0)))
          (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 10))))
          (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $e2 (i32.const 1) (i64.const 2)))))
        (return (i32.const 100)))
      (return (i32.add (i32.const 1000))))
    (i32.const 2000))

  ;; clause order: catch_all listed first takes everything
  (func (export "catch-all-first") (result i32)
    (block $all
      (block $h1 (result i32)
        (try_table (catch_all $all) (catch $e1 $h1)
          (throw $e1 (i32.const 1)))
        (return (i32.const 100)))
      (return))
    (i32.const 3000))

  (func (export "catch-e2") (result i64)
    (local $x i64)
    (block $h (result i32 i64)
      (try_table (catch $e2 $h) (throw $e2 (i32.const 3) (i64.const 0x100000000)))
      (unreachable))
    (local.set $x)
    (i64.add (i64.extend_i32_u) (local.get $x)))

  ;; catch_ref + throw_ref: the outer handler sees the original payload
  (func (export "rethrow") (param i32) (result i32)
    (block $outer (result i32)
      (try_table (catch $e1 $outer)
        (block $h (result i32 exnref)
          (try_table (catch_ref $e1 $h)
            (throw $e1 (local.get 0)))
          (unreachable))
        (throw_ref))
      (i32.const -1)))

  (func (export "catch-all-ref") (result i32)
    (block $outer (result i32)
      (try_table (catch $e1 $outer)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $e1 (i32.const 42)))
          (unreachable))
        (throw_ref))
      (i32.const -1)))

  ;; an exnref kept in a local can be thrown more than once
  (func (export "rethrow-twice") (result i32)
    (local $x exnref) (local $sum i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e1 (i32.const 21)))
      (unreachable))
    (local.set $x)
    (block $c1 (result i32)
      (try_table (catch $e1 $c1) (throw_ref (local.get $x)))
      (unreachable))
    (local.set $sum)
    (block $c2 (result i32)
      (try_table (catch $e1 $c2) (throw_ref (local.get $x)))
      (unreachable))
    (i32.add (local.get $sum)))

  (func (export "throw-ref-null") (throw_ref (ref.null exn)))
  (func (export "uncaught") (throw $e1 (i32.const 1)))
  (func (export "wrong-tag") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e1 $h) (throw $e0))))
  ;; the handler is gone once the try_table is left
  (func (export "after-exit") (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h) (nop))
      (throw $e1 (i32.const 9))))
  ;; a branch out of the try_table body is an ordinary branch
  (func (export "br-out") (result i32)
    (block $h (result i32)
      (block $out (result i32)
        (try_table (catch $e1 $h) (br $out (i32.const 6))
        )
        (i32.const 0))))

  ;; unwinding: code after the throwing call never runs
  (func $inner (global.set $g (i32.const 1)) (throw $e0) (global.set $g (i32.const 2)))
  (func $middle (call $inner) (global.set $g (i32.const 3)))
  (func (export "across-calls") (result i32)
    (block $h
      (try_table (catch $e0 $h) (call $middle)))
    (global.get $g))

  ;; traps are not exceptions
  (func (export "trap-not-caught") (result i32)
    (block $h
      (try_table (catch_all $h) (unreachable)))
    (i32.const 0))
  (func (export "div-trap-not-caught") (result i32)
    (block $h
      (try_table (catch_all $h) (drop (i32.div_u (i32.const 1) (i32.const 0)))))
    (i32.const 0))

  ;; try_table with parameters
  (func (export "try-params") (param i32) (result i32)
    (local.get 0)
    (try_table (param i32) (result i32) (i32.add (i32.const 1))))

  ;; a nested try_table catches first; the outer one is not involved
  (func (export "nested") (result i32)
    (block $outer (result i32)
      (try_table (result i32) (catch $e1 $outer)
        (block $inner (result i32)
          (try_table (catch $e1 $inner) (throw $e1 (i32.const 1)))
          (i32.const 0))
        (i32.add (i32.const 100)))))
)

(assert_return (invoke "catch-e1" (i32.const 7)) (i32.const 7))
(assert_return (invoke "catch-e1" (i32.const -3)) (i32.const -3))
(assert_return (invoke "no-throw") (i32.const 5))
(assert_return (invoke "dispatch" (i32.const 0)) (i32.const 2000))
(assert_return (invoke "dispatch" (i32.const 1)) (i32.const 1010))
(assert_return (invoke "dispatch" (i32.const 2)) (i32.const 2000))
(assert_return (invoke "dispatch" (i32.const 3)) (i32.const 100))
(assert_return (invoke "catch-all-first") (i32.const 3000))
(assert_return (invoke "catch-e2") (i64.const 0x100000003))
(assert_return (invoke "rethrow" (i32.const 7)) (i32.const 7))
(assert_return (invoke "catch-all-ref") (i32.const 42))
(assert_return (invoke "rethrow-twice") (i32.const 42))
(assert_trap (invoke "throw-ref-null") "null exception reference")
(assert_exception (invoke "uncaught"))
(assert_exception (invoke "throw-e1" (i32.const 0)))
(assert_exception (invoke "wrong-tag"))
(assert_exception (invoke "after-exit"))
(assert_return (invoke "br-out") (i32.const 6))
(assert_return (invoke "across-calls") (i32.const 1))
(assert_trap (invoke "trap-not-caught") "unreachable")
(assert_trap (invoke "div-trap-not-caught") "integer divide by zero")
(assert_return (invoke "try-params" (i32.const 41)) (i32.const 42))
(assert_return (invoke "nested") (i32.const 101))

;; tags across modules: the imported tag is the same tag
(register "exc" $exc)
(module
  (import "exc" "e1" (tag $e1 (param i32)))
  (import "exc" "throw-e1" (func $throw (param i32)))
  (tag $mine (param i32))   ;; same type, different tag
  (func (export "catch-imported") (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h) (call $throw (i32.const 77)))
      (i32.const -1)))
  (func (export "catch-mine") (result i32)
    (block $h (result i32)
      (try_table (catch $mine $h) (call $throw (i32.const 77)))
      (i32.const -1)))
  (func (export "throw-to-exc") (param i32) (throw $e1 (local.get 0)))
)
(assert_return (invoke "catch-imported") (i32.const 77))
(assert_exception (invoke "catch-mine"))
(assert_exception (invoke "throw-to-exc" (i32.const 1)))
;; the exporting module is unaffected and still catches its own tag
(assert_return (invoke $exc "catch-e1" (i32.const 8)) (i32.const 8))

;; validation of the exception instructions
(assert_invalid
  (module (tag $e (param i32)) (func (throw $e)))
  "type mismatch")
(assert_invalid
  (module (tag $e (param i32))
    (func (block $h (try_table (catch $e $h) (nop)))))
  "type mismatch")
(assert_invalid
  (module (func (block $h (result exnref) (try_table (catch_all $h) (nop)) (unreachable)) (drop)))
  "type mismatch")
(assert_invalid
  (module (func (throw_ref (ref.null func))))
  "type mismatch")
(assert_invalid
  (module (func (throw 0)))
  "unknown tag")
(assert_invalid
  (module (tag (result i32)))
  "non-empty tag result type")
