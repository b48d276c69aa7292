;; loop_i64.wat -- bench kernel: a tight i64 loop (xorshift64 plus a
;; multiply-add per step, locals only).  run() = the final state mixed with
;; an accumulator (the value was checked against a Python transcription
;; of the same loop).
;; expect: 240113983446431826
(module
  (func (export "run") (result i64)
    (local $x i64) (local $acc i64) (local $i i64)
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (local.set $i (i64.const 24000000))
    (loop $l
      ;; xorshift64: x ^= x << 13; x ^= x >> 7; x ^= x << 17
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31))
                               (i64.rotl (local.get $x) (local.get $i))))
      (local.set $i (i64.sub (local.get $i) (i64.const 1)))
      (br_if $l (i64.ne (local.get $i) (i64.const 0))))
    (i64.xor (local.get $x) (local.get $acc))))
