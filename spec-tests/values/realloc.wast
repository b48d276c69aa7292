;; realloc: the exact sequence of realloc calls each string transcoding
;; makes (allocate, grow to the worst case, shrink to the real size), and
;; the traps when realloc misbehaves (misaligned or out-of-bounds result,
;; a trap inside realloc, realloc trying to leave the instance).
;;
;; Spec: CanonicalABI.md "Lifting and Lowering Context" (reallocate:
;; may_leave is cleared during the call; allocate = reallocate(0, 0, ...)),
;; "Storing" (store_string_copy, store_utf16_to_utf8, store_latin1_to_utf8,
;; store_string_to_utf8, store_utf8_to_utf16,
;; store_string_to_latin1_or_utf16, store_probably_utf16_to_latin1_or_utf16,
;; store_list_into_range: the trap_ifs after each realloc).

;; $Log receives a string in one of the three encodings and returns the
;; realloc calls made while the string was lowered into it, as a flat list
;; (old ptr, old size, alignment, new size) per call. Its allocator is a
;; bump allocator restarted at 0x1000 on every call, so pointers are known.
(component definition $Seq
  (component $Log
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 0x1000))
      (global $log (mut i32) (i32.const 0x800))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (i32.store (global.get $log) (local.get $old))
        (i32.store offset=4 (global.get $log) (local.get $osize))
        (i32.store offset=8 (global.get $log) (local.get $align))
        (i32.store offset=12 (global.get $log) (local.get $nsize))
        (global.set $log (i32.add (global.get $log) (i32.const 16)))
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (if (local.get $old)
          (then (memory.copy (local.get $r) (local.get $old)
                  (select (local.get $osize) (local.get $nsize)
                          (i32.lt_u (local.get $osize) (local.get $nsize))))))
        (local.get $r))
      (func (export "log") (param i32 i32) (result i32)
        (i32.store (i32.const 0x10) (i32.const 0x800))
        (i32.store (i32.const 0x14) (i32.shr_u (i32.sub (global.get $log) (i32.const 0x800)) (i32.const 2)))
        (global.set $log (i32.const 0x800))
        (global.set $next (i32.const 0x1000))
        (i32.const 0x10))
    )
    (core instance $m (instantiate $M))
    (func (export "utf8") (param "s" string) (result (list u32))
      (canon lift (core func $m "log") string-encoding=utf8
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "utf16") (param "s" string) (result (list u32))
      (canon lift (core func $m "log") string-encoding=utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "latin1") (param "s" string) (result (list u32))
      (canon lift (core func $m "log") string-encoding=latin1+utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  )
  ;; $Send lowers one of its strings with the encoding "enc" selects:
  ;;   utf8:   0x100 "a€" (4 bytes)   0x110 "aé" (3 bytes)
  ;;   utf16:  0x200 "a€" (2 units)   0x210 "aé" (2 units)
  ;;   latin1+utf16: 0x300 Latin-1 "aé" (2), 0x320 tagged UTF-16 "aé"
  ;;                 (0x80000002), 0x330 tagged UTF-16 "a€" (0x80000002)
  (component $Send
    (import "take" (func $take (param "s" string) (result (list u32))))
    (core module $Mem
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 0x1000))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (global.get $next))
        (global.set $next (i32.add (local.get $r) (i32.const 0x100)))
        (local.get $r))
      (data (i32.const 0x100) "a\e2\82\ac")
      (data (i32.const 0x110) "a\c3\a9")
      (data (i32.const 0x200) "a\00\ac\20")
      (data (i32.const 0x210) "a\00\e9\00")
      (data (i32.const 0x300) "a\e9")
      (data (i32.const 0x320) "a\00\e9\00")
      (data (i32.const 0x330) "a\00\ac\20")
    )
    (core instance $mem (instantiate $Mem))
    (core func $t8 (canon lower (func $take) string-encoding=utf8
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core func $t16 (canon lower (func $take) string-encoding=utf16
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core func $tL (canon lower (func $take) string-encoding=latin1+utf16
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "t8" (func $t8 (param i32 i32 i32)))
      (import "" "t16" (func $t16 (param i32 i32 i32)))
      (import "" "tL" (func $tL (param i32 i32 i32)))
      (func (export "send") (param $enc i32) (param $ptr i32) (param $len i32) (result i32)
        (if (i32.eqz (local.get $enc))
          (then (call $t8 (local.get $ptr) (local.get $len) (i32.const 0x20)))
          (else (if (i32.eq (local.get $enc) (i32.const 1))
            (then (call $t16 (local.get $ptr) (local.get $len) (i32.const 0x20)))
            (else (call $tL (local.get $ptr) (local.get $len) (i32.const 0x20))))))
        (i32.const 0x20))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "t8" (func $t8)) (export "t16" (func $t16)) (export "tL" (func $tL))))))
    (func (export "send") (param "enc" u32) (param "ptr" u32) (param "len" u32) (result (list u32))
      (canon lift (core func $m "send") (memory (core memory $mem "mem"))))
  )
  (instance $log (instantiate $Log))
  (instance $to8 (instantiate $Send (with "take" (func $log "utf8"))))
  (instance $to16 (instantiate $Send (with "take" (func $log "utf16"))))
  (instance $toL (instantiate $Send (with "take" (func $log "latin1"))))
  (export "to-utf8" (func $to8 "send"))
  (export "to-utf16" (func $to16 "send"))
  (export "to-latin1-utf16" (func $toL "send"))
)
(component instance $seq $Seq)

;; utf8 -> utf8: one exact allocation (store_string_copy)
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x100) (u32.const 4))
  (list.const (u32.const 0) (u32.const 0) (u32.const 1) (u32.const 4)))
;; utf16 -> utf8 (store_utf16_to_utf8): 1 byte per code unit first (2); at
;; the first non-ASCII unit grow to 3 per unit (6), then shrink to the 4
;; bytes actually written
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x200) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 1) (u32.const 2)
              (u32.const 0x1000) (u32.const 2) (u32.const 1) (u32.const 6)
              (u32.const 0x1002) (u32.const 6) (u32.const 1) (u32.const 4)))
;; latin1 -> utf8 (store_latin1_to_utf8): worst case 2 per byte (4), shrunk to 3
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x300) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 1) (u32.const 2)
              (u32.const 0x1000) (u32.const 2) (u32.const 1) (u32.const 4)
              (u32.const 0x1002) (u32.const 4) (u32.const 1) (u32.const 3)))
;; an all-ASCII utf16 string needs no second call
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x200) (u32.const 1))
  (list.const (u32.const 0) (u32.const 0) (u32.const 1) (u32.const 1)))
;; utf8 -> utf16 (store_utf8_to_utf16): 2 bytes per utf8 byte (6), shrunk to 4
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x110) (u32.const 3))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 6)
              (u32.const 0x1000) (u32.const 6) (u32.const 2) (u32.const 4)))
;; utf16 -> utf16 and latin1 -> utf16: one exact allocation, alignment 2
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x200) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 4)))
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x300) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 4)))
;; utf8 -> latin1+utf16 (store_string_to_latin1_or_utf16): 1 byte per utf8
;; byte (4); at '€' grow to 2 per byte (8), then shrink to the 4 bytes of
;; UTF-16
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x100) (u32.const 4))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 4)
              (u32.const 0x1000) (u32.const 4) (u32.const 2) (u32.const 8)
              (u32.const 0x1004) (u32.const 8) (u32.const 2) (u32.const 4)))
;; ... and when everything fits Latin-1, shrink from 3 to the 2 bytes used
;; (alignment stays 2)
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x110) (u32.const 3))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 3)
              (u32.const 0x1000) (u32.const 3) (u32.const 2) (u32.const 2)))
;; utf16 -> latin1+utf16: the same algorithm; 2 units fit in 2 bytes, no shrink
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x210) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 2)))
;; Latin-1 -> latin1+utf16: one exact copy (2 bytes, alignment 2)
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x300) (u32.const 2))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 2)))
;; tagged UTF-16 -> latin1+utf16 (store_probably_utf16_to_latin1_or_utf16):
;; UTF-16 sized first (4); if it all fits Latin-1 it is deflated in place and
;; shrunk to 2 bytes with alignment 1 ...
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x320) (u32.const 0x80000002))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 4)
              (u32.const 0x1000) (u32.const 4) (u32.const 1) (u32.const 2)))
;; ... otherwise kept as it is
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x330) (u32.const 0x80000002))
  (list.const (u32.const 0) (u32.const 0) (u32.const 2) (u32.const 4)))

;; ---- a misbehaving realloc ---------------------------------------------------
;; realloc returns whatever "set" stored at address 0 (unless it is 0).
(component definition $Bad
  (component $Callee
    (core module $M (func (export "f")))
    (core instance $m (instantiate $M))
    (func (export "f") (canon lift (core func $m "f")))
  )
  (component $B
    (type $r (resource (rep i32)))
    (import "f" (func $f))
    (core func $f' (canon lower (func $f)))
    (core func $new (canon resource.new $r))
    (core module $M
      (import "" "f" (func $f))
      (import "" "new" (func $new (param i32) (result i32)))
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $mode i32)
        (local.set $mode (i32.load (i32.const 0)))
        ;; mode 1: trap; mode 2: call an import; mode 3: resource.new
        (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))
        (if (i32.eq (local.get $mode) (i32.const 2)) (then (call $f)))
        (if (i32.eq (local.get $mode) (i32.const 3)) (then (drop (call $new (i32.const 1)))))
        (if (result i32) (i32.gt_u (local.get $mode) (i32.const 3))
          (then (local.get $mode)) (else (i32.const 0x100))))
      (func (export "set") (param i32) (i32.store (i32.const 0) (local.get 0)))
      (func (export "take") (param i32 i32) (result i32) (local.get 1))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "f" (func $f')) (export "new" (func $new))))))
    (func (export "set") (param "v" u32) (canon lift (core func $m "set")))
    (func (export "u64s") (param "l" (list u64)) (result u32)
      (canon lift (core func $m "take") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "utf8") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=utf8
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "utf16") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "latin1") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=latin1+utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  )
  (instance $callee (instantiate $Callee))
  (instance $b (instantiate $B (with "f" (func $callee "f"))))
  (export "set" (func $b "set"))
  (export "u64s" (func $b "u64s"))
  (export "utf8" (func $b "utf8"))
  (export "utf16" (func $b "utf16"))
  (export "latin1" (func $b "latin1"))
)
(component instance $bad $Bad)
;; a correct pointer: 0x100
(assert_return (invoke "u64s" (list.const (u64.const 1) (u64.const 2))) (u32.const 2))
;; an odd pointer is fine for utf8 (alignment 1) ...
(invoke "set" (u32.const 0x101))
(assert_return (invoke "utf8" (str.const "ok")) (u32.const 2))
;; ... as is the very end of memory for an empty list
(invoke "set" (u32.const 0x10000))
(assert_return (invoke "u64s" (list.const)) (u32.const 0))
(invoke "set" (u32.const 0xfff8))
(assert_return (invoke "u64s" (list.const (u64.const 3))) (u32.const 1))
;; but not for utf16 or latin1+utf16 (alignment 2, even for Latin-1 text)
(invoke "set" (u32.const 0x101))
(assert_trap (invoke "utf16" (str.const "ok")) "realloc return: result not aligned")
(component instance $bad $Bad)
(invoke "set" (u32.const 0x101))
(assert_trap (invoke "latin1" (str.const "ok")) "realloc return: result not aligned")
(component instance $bad $Bad)
;; a list<u64> needs 8-byte alignment
(invoke "set" (u32.const 0x104))
(assert_trap (invoke "u64s" (list.const (u64.const 1))) "realloc return: result not aligned")
(component instance $bad $Bad)
;; bounds: 0xfff8 + 16 > 65536
(invoke "set" (u32.const 0xfff8))
(assert_trap (invoke "u64s" (list.const (u64.const 1) (u64.const 2))) "realloc return: beyond end of memory")
(component instance $bad $Bad)
(invoke "set" (u32.const 0x10008))
(assert_trap (invoke "u64s" (list.const)) "realloc return: beyond end of memory")
(component instance $bad $Bad)
(invoke "set" (u32.const 0xffff))
(assert_trap (invoke "utf8" (str.const "ok")) "realloc return: beyond end of memory")
(component instance $bad $Bad)
;; a trap inside realloc is a trap of the call
(invoke "set" (u32.const 1))
(assert_trap (invoke "utf8" (str.const "x")) "unreachable")
(component instance $bad $Bad)
;; realloc runs with may_leave cleared: no import calls, no resource.new
(invoke "set" (u32.const 2))
(assert_trap (invoke "u64s" (list.const (u64.const 1))) "cannot leave component instance")
(component instance $bad $Bad)
(invoke "set" (u32.const 3))
(assert_trap (invoke "u64s" (list.const (u64.const 1))) "cannot leave component instance")
