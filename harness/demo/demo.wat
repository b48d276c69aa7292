;; demo.wat -- the module behind `make demo`, for `cmref invoke`:
;;   build/cmref invoke harness/demo/demo.wat fib 30
;; (demo.wast holds the same functions, with assertions about them.)
(module
  ;; n! for n >= 0, recursively; wraps modulo 2^64 past 20!.
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n)
                 (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  ;; Fibonacci numbers, fib(0) = 0, fib(1) = 1, the slow recursive way.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                 (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Signed division: traps on a zero divisor, as wasm says it must.
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))

  ;; Two results at once (multi-value): quotient and remainder.
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
)
