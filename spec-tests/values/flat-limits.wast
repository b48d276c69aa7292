;; The flat limits: at most 16 flat parameters (more go through memory, as
;; one pointer to a tuple) and at most 1 flat result (more go through
;; memory: a returned pointer for canon lift, an extra pointer parameter
;; for canon lower), with the traps on those pointers.
;;
;; Spec: CanonicalABI.md "Flattening" (MAX_FLAT_PARAMS = 16,
;; MAX_FLAT_RESULTS = 1, flatten_functype for 'lift' and 'lower'),
;; "Lifting and Lowering Values" (lift_flat_values, lower_flat_values:
;; allocate(alignment(tuple), elem_size(tuple)) or the out-param; alignment
;; and bounds checks of the pointer), "canon lift"/"canon lower" validation.

(component definition $Host
  (core module $M
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 0x1000))
    (global $log (mut i32) (i32.const 0x800))
    ;; bump allocator that logs (align, size) of each call at 0x800...
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (i32.store (global.get $log) (local.get 2))
      (i32.store offset=4 (global.get $log) (local.get 3))
      (global.set $log (i32.add (global.get $log) (i32.const 8)))
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r))
    ;; the log as a list<u32>, then cleared
    (func (export "log") (result i32)
      (i32.store (i32.const 0x10) (i32.const 0x800))
      (i32.store (i32.const 0x14) (i32.shr_u (i32.sub (global.get $log) (i32.const 0x800)) (i32.const 2)))
      (global.set $log (i32.const 0x800))
      (i32.const 0x10))
    (func (export "sixteen") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
      (i32.add (local.get 0) (i32.mul (local.get 15) (i32.const 1000))))
    ;; tuple<u8, u64, u8 x 15>: u8 at 0, u64 at 8, the u8s at 16..30
    (func (export "seventeen") (param $p i32) (result i64)
      (local $i i32) (local $s i64)
      (local.set $s (i64.add (i64.load8_u (local.get $p)) (i64.load offset=8 (local.get $p))))
      (local.set $i (i32.const 16))
      (loop $l
        (local.set $s (i64.add (local.get $s) (i64.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 31))))
      (local.get $s))
    ;; tuple<u32 x 15, string>: the string's (ptr, len) at 60 and 64
    (func (export "str") (param $p i32) (result i32)
      (i32.add (i32.load offset=64 (local.get $p))
               (i32.mul (i32.load offset=56 (local.get $p)) (i32.const 100))))
    ;; tuple<list<u8, 17>>: 17 bytes
    (func (export "fixed") (param $p i32) (result i32)
      (i32.add (i32.load8_u (local.get $p)) (i32.mul (i32.load8_u offset=16 (local.get $p)) (i32.const 100))))
    ;; (u32, u64) result, layout u32 at 0, u64 at 8; the pointer is the arg
    (func (export "pair") (param $p i32) (result i32)
      (if (i32.lt_u (local.get $p) (i32.const 0x8000))
        (then
          (i32.store (local.get $p) (i32.const 7))
          (i64.store offset=8 (local.get $p) (i64.const -1))))
      (local.get $p))
  )
  (core instance $m (instantiate $M))
  (func (export "log") (result (list u32))
    (canon lift (core func $m "log") (memory (core memory $m "mem"))))
  (func (export "sixteen") (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32) (result u32)
    (canon lift (core func $m "sixteen")))
  (func (export "seventeen") (param "p0" u8) (param "p1" u64) (param "p2" u8) (param "p3" u8) (param "p4" u8) (param "p5" u8) (param "p6" u8) (param "p7" u8) (param "p8" u8) (param "p9" u8) (param "p10" u8) (param "p11" u8) (param "p12" u8) (param "p13" u8) (param "p14" u8) (param "p15" u8) (param "p16" u8) (result u64)
    (canon lift (core func $m "seventeen") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "str") (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "s" string) (result u32)
    (canon lift (core func $m "str") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "fixed") (param "l" (list u8 17)) (result u32)
    (canon lift (core func $m "fixed") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "pair") (param "p" u32) (result (tuple u32 u64))
    (canon lift (core func $m "pair") (memory (core memory $m "mem"))))
)
(component instance $h $Host)
;; 16 flat values are still passed as 16 core parameters
(assert_return (invoke "sixteen" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16)) (u32.const 16001))
(assert_return (invoke "log") (list.const))
;; 17: the caller allocates the tuple with the callee's realloc
;; (align 8 and size 32 = align_to(31, 8)) and passes its address
(assert_return (invoke "seventeen" (u8.const 1) (u64.const 0x100000000) (u8.const 2) (u8.const 3) (u8.const 4) (u8.const 5) (u8.const 6) (u8.const 7) (u8.const 8) (u8.const 9) (u8.const 10) (u8.const 11) (u8.const 12) (u8.const 13) (u8.const 14) (u8.const 15) (u8.const 16))
  (u64.const 0x100000088))
(assert_return (invoke "log") (list.const (u32.const 8) (u32.const 32)))
;; 15 u32 and a string are 17 flat values: the tuple (align 4, size 68) is
;; allocated first, then the string's bytes (align 1, 3 bytes)
(assert_return (invoke "str" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (str.const "abc")) (u32.const 1503))
(assert_return (invoke "log") (list.const (u32.const 4) (u32.const 68) (u32.const 1) (u32.const 3)))
;; a fixed-length list of 17 u8 flattens to 17 values: through memory too
(assert_return (invoke "fixed" (list.const (u8.const 1) (u8.const 2) (u8.const 3) (u8.const 4) (u8.const 5) (u8.const 6) (u8.const 7) (u8.const 8) (u8.const 9) (u8.const 10) (u8.const 11) (u8.const 12) (u8.const 13) (u8.const 14) (u8.const 15) (u8.const 16) (u8.const 17))) (u32.const 1701))
(assert_return (invoke "log") (list.const (u32.const 1) (u32.const 17)))
;; 2 flat results: canon lift returns a pointer to the tuple
(assert_return (invoke "pair" (u32.const 0x100)) (tuple.const (u32.const 7) (u64.const 0xffffffffffffffff)))
;; the returned pointer must be aligned to the tuple (8) and in bounds
(assert_trap (invoke "pair" (u32.const 0x104)) "unaligned pointer")
(component instance $h $Host)
(assert_return (invoke "pair" (u32.const 0xfff0)) (tuple.const (u32.const 0) (u64.const 0)))
(assert_trap (invoke "pair" (u32.const 0xfff8)) "pointer out of bounds of memory")

;; ---- between components: canon lower with the same types ----------------
(component definition $Pair
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 0x1000))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "seventeen") (param $p i32) (result i64)
        (local $i i32) (local $s i64)
        (local.set $s (i64.add (i64.load8_u (local.get $p)) (i64.load offset=8 (local.get $p))))
        (local.set $i (i32.const 16))
        (loop $l
          (local.set $s (i64.add (local.get $s) (i64.load8_u (i32.add (local.get $p) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 31))))
        (local.get $s))
      (func (export "pair") (result i32)
        (i32.store (i32.const 0x20) (i32.const 0xabc))
        (i64.store (i32.const 0x28) (i64.const 0x123456789))
        (i32.const 0x20))
    )
    (core instance $m (instantiate $M))
    (func (export "seventeen") (param "p0" u8) (param "p1" u64) (param "p2" u8) (param "p3" u8) (param "p4" u8) (param "p5" u8) (param "p6" u8) (param "p7" u8) (param "p8" u8) (param "p9" u8) (param "p10" u8) (param "p11" u8) (param "p12" u8) (param "p13" u8) (param "p14" u8) (param "p15" u8) (param "p16" u8) (result u64)
      (canon lift (core func $m "seventeen") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "pair") (result (tuple u32 u64))
      (canon lift (core func $m "pair") (memory (core memory $m "mem"))))
  )
  (component $D
    (import "seventeen" (func $seventeen (param "p0" u8) (param "p1" u64) (param "p2" u8) (param "p3" u8) (param "p4" u8) (param "p5" u8) (param "p6" u8) (param "p7" u8) (param "p8" u8) (param "p9" u8) (param "p10" u8) (param "p11" u8) (param "p12" u8) (param "p13" u8) (param "p14" u8) (param "p15" u8) (param "p16" u8) (result u64)))
    (import "pair" (func $pair (result (tuple u32 u64))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    ;; canon lower: 17 flat params -> (param i32); 2 flat results -> an
    ;; extra i32 out-param and no core result. No realloc is needed.
    (core func $seventeen' (canon lower (func $seventeen) (memory (core memory $mem "mem"))))
    (core func $pair' (canon lower (func $pair) (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "seventeen" (func $seventeen (param i32) (result i64)))
      (import "" "pair" (func $pair (param i32)))
      (func (export "sum") (param $p i32) (result i64)
        (local $i i32)
        ;; tuple at $p: u8 1, u64 0x100000000, then 2..16 (not written when
        ;; $p is near the end of memory, for the bounds trap below)
        (if (i32.ge_u (local.get $p) (i32.const 0x8000))
          (then (return (call $seventeen (local.get $p)))))
        (i32.store8 (local.get $p) (i32.const 1))
        (i64.store offset=8 (local.get $p) (i64.const 0x100000000))
        (local.set $i (i32.const 2))
        (loop $l
          (i32.store8 (i32.add (local.get $p) (i32.add (local.get $i) (i32.const 14))) (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.le_u (local.get $i) (i32.const 16))))
        (call $seventeen (local.get $p)))
      (func (export "pair") (param $p i32) (result i64)
        (call $pair (local.get $p))
        (i64.add (i64.extend_i32_u (i32.load (local.get $p))) (i64.load offset=8 (local.get $p))))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "seventeen" (func $seventeen'))
      (export "pair" (func $pair'))))))
    (func (export "sum") (param "p" u32) (result u64) (canon lift (core func $m "sum")))
    (func (export "pair") (param "p" u32) (result u64) (canon lift (core func $m "pair")))
  )
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "seventeen" (func $c "seventeen")) (with "pair" (func $c "pair"))))
  (export "sum" (func $d "sum"))
  (export "pair" (func $d "pair"))
)
(component instance $p $Pair)
(assert_return (invoke "sum" (u32.const 0x100)) (u64.const 0x100000088))
(assert_return (invoke "pair" (u32.const 0x200)) (u64.const 0x123457245))
;; the caller's tuple pointer must be aligned to 8 (lift_flat_values in the
;; callee's on_start reads it with the caller's options)
(assert_trap (invoke "sum" (u32.const 0x104)) "unaligned pointer")
(component instance $p $Pair)
;; 0xfff0 + 32 > 65536
(assert_trap (invoke "sum" (u32.const 0xfff0)) "pointer out of bounds of memory")
(component instance $p $Pair)
;; the out-param must be aligned to 8 and leave room for 16 bytes
(assert_trap (invoke "pair" (u32.const 0x204)) "unaligned pointer")
(component instance $p $Pair)
(assert_return (invoke "pair" (u32.const 0xfff0)) (u64.const 0x123457245))
(assert_trap (invoke "pair" (u32.const 0xfff8)) "pointer out of bounds of memory")
