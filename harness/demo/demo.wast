;; demo.wast -- a first look at cmref (run by `make demo`).
;;
;; A .wast script is a list of commands: a module to compile and
;; instantiate, then assertions about it.  `build/cmref run -v` runs every
;; command and says which passed.  This is the format of the official
;; WebAssembly test suites, which cmref runs unchanged.

(module $demo
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n)
                 (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                 (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))

  ;; A linear memory of one 64 KiB page, with "hello" at address 0.
  (memory 1)
  (data (i32.const 0) "hello")
  (func (export "byte") (param i32) (result i32)
    (i32.load8_u (local.get 0)))
)

;; Results: the values are checked exactly.
(assert_return (invoke "fac" (i64.const 0)) (i64.const 1))
(assert_return (invoke "fac" (i64.const 5)) (i64.const 120))
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "fib" (i32.const 0)) (i32.const 0))
(assert_return (invoke "fib" (i32.const 10)) (i32.const 55))
(assert_return (invoke "fib" (i32.const 20)) (i32.const 6765))
(assert_return (invoke "divmod" (i32.const 17) (i32.const 5))
               (i32.const 3) (i32.const 2))
(assert_return (invoke "byte" (i32.const 1)) (i32.const 0x65)) ;; 'e'

;; Traps: the program stops, with the message the spec's interpreter uses.
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1))
             "integer overflow")
(assert_trap (invoke "byte" (i32.const 65536)) "out of bounds memory access")

;; Modules that must be rejected: by the validator (a type error) ...
(assert_invalid
  (module (func (result i32) (i64.const 0)))
  "type mismatch")
;; ... and by the parser (not even well-formed text).
(assert_malformed
  (module quote "(func (i32.addd))")
  "unknown operator")
