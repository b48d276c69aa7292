;; sieve.wat -- bench kernel: sieve of Eratosthenes over a 4 MiB byte array
;; in linear memory (loads, stores, memory.fill), repeated R times.
;; run() = R * 100000 + (number of primes below 2^22, which is 295947).
;; expect: 795947
(module
  (memory 64) ;; 64 pages = 4 MiB: one byte per number below 2^22
  (global $N i32 (i32.const 4194304))
  (func $sieve (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    ;; 1 = "maybe prime" for every number, then 0 and 1 are not
    (memory.fill (i32.const 0) (i32.const 1) (global.get $N))
    (i32.store16 (i32.const 0) (i32.const 0))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i))
                               (global.get $N)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $end
              (loop $inner
                (br_if $end (i32.ge_u (local.get $j) (global.get $N)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    ;; count what is left
    (local.set $i (i32.const 0))
    (block $done2
      (loop $count_loop
        (br_if $done2 (i32.ge_u (local.get $i) (global.get $N)))
        (local.set $count (i32.add (local.get $count)
                                   (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count_loop)))
    (local.get $count))
  (func (export "run") (result i64)
    (local $r i32) (local $last i32)
    (local.set $r (i32.const 5))
    (loop $again
      (local.set $last (call $sieve))
      (local.set $r (i32.sub (local.get $r) (i32.const 1)))
      (br_if $again (local.get $r)))
    (i64.add (i64.const 500000) (i64.extend_i32_u (local.get $last)))))
