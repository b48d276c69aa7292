;; Strings: lowering into and lifting out of each string encoding, every
;; transcoding pair between two components, and the traps of lifting.
;;
;; Spec: CanonicalABI.md "Loading" (load_string_from_range: alignment 1 for
;; utf8 and 2 for utf16 and latin1+utf16, the utf16 tag bit, the
;; MAX_STRING_BYTE_LENGTH and bounds checks, decoding errors trap),
;; "Storing" (store_string_into_range and the copy/transcode functions:
;; which encoding the destination gets and its length in code units),
;; "Flat Lifting"/"Flat Lowering" (lift_flat_string, lower_flat_string),
;; Explainer.md "Canonical ABI" (string-encoding canonopt).
;;
;; $Raw exports one function per string-encoding; each reports what core
;; wasm received: (the length argument exactly as passed, the bytes it
;; covers). For latin1+utf16 the bytes are len bytes, or 2*(len^tag) bytes
;; when the tag bit 0x80000000 is set.

(component definition $Pairs
  (component $Raw
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 0x1000))
      ;; bump allocator that keeps old contents on a move
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (if (local.get $old)
          (then (memory.copy (local.get $r) (local.get $old)
                  (select (local.get $osize) (local.get $nsize)
                          (i32.lt_u (local.get $osize) (local.get $nsize))))))
        (local.get $r))
      (func $report (param $ptr i32) (param $len i32) (param $bytes i32) (result i32)
        (i32.store (i32.const 0x10) (local.get $len))
        (i32.store (i32.const 0x14) (local.get $ptr))
        (i32.store (i32.const 0x18) (local.get $bytes))
        (i32.const 0x10))
      (func (export "raw-utf8") (param $ptr i32) (param $len i32) (result i32)
        (call $report (local.get $ptr) (local.get $len) (local.get $len)))
      (func (export "raw-utf16") (param $ptr i32) (param $len i32) (result i32)
        (call $report (local.get $ptr) (local.get $len) (i32.shl (local.get $len) (i32.const 1))))
      (func (export "raw-latin1") (param $ptr i32) (param $len i32) (result i32)
        (call $report (local.get $ptr) (local.get $len)
          (select
            (i32.shl (i32.and (local.get $len) (i32.const 0x7fffffff)) (i32.const 1))
            (local.get $len)
            (i32.lt_s (local.get $len) (i32.const 0)))))
    )
    (core instance $m (instantiate $M))
    (func (export "raw-utf8") (param "s" string) (result (tuple u32 (list u8)))
      (canon lift (core func $m "raw-utf8") string-encoding=utf8
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "raw-utf16") (param "s" string) (result (tuple u32 (list u8)))
      (canon lift (core func $m "raw-utf16") string-encoding=utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "raw-latin1") (param "s" string) (result (tuple u32 (list u8)))
      (canon lift (core func $m "raw-latin1") string-encoding=latin1+utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  )

  ;; $Send holds one string per source encoding and passes it to the
  ;; imported "raw" through the canon lower of the matching encoding:
  ;;   enc 0 (utf8):   0x100 "hi" (2)  0x110 "aé" (3)  0x120 "a€" (4)  0x130 "😀" (4)
  ;;   enc 1 (utf16):  0x200 "hi" (2)  0x210 "aé" (2)  0x220 "a€" (2)  0x230 "😀" (2)
  ;;   enc 2 (latin1+utf16): 0x300 "hi" (2)  0x310 "aé" (2), and tagged
  ;;     utf16 (len 0x80000002): 0x320 "a€"  0x330 "😀"  0x340 "aé"
  (component $Send
    (import "raw" (func $raw (param "s" string) (result (tuple u32 (list u8)))))
    (core module $Mem
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 0x1000))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (local.get $r))
      (data (i32.const 0x100) "hi")
      (data (i32.const 0x110) "a\c3\a9")
      (data (i32.const 0x120) "a\e2\82\ac")
      (data (i32.const 0x130) "\f0\9f\98\80")
      (data (i32.const 0x200) "h\00i\00")
      (data (i32.const 0x210) "a\00\e9\00")
      (data (i32.const 0x220) "a\00\ac\20")
      (data (i32.const 0x230) "\3d\d8\00\de")
      (data (i32.const 0x300) "hi")
      (data (i32.const 0x310) "a\e9")
      (data (i32.const 0x320) "a\00\ac\20")
      (data (i32.const 0x330) "\3d\d8\00\de")
      (data (i32.const 0x340) "a\00\e9\00")
    )
    (core instance $mem (instantiate $Mem))
    (core func $raw8 (canon lower (func $raw) string-encoding=utf8
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core func $raw16 (canon lower (func $raw) string-encoding=utf16
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core func $rawL (canon lower (func $raw) string-encoding=latin1+utf16
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "raw8" (func $raw8 (param i32 i32 i32)))
      (import "" "raw16" (func $raw16 (param i32 i32 i32)))
      (import "" "rawL" (func $rawL (param i32 i32 i32)))
      ;; the (tuple u32 (list u8)) result is written at 0x20 and handed on
      (func (export "send") (param $enc i32) (param $ptr i32) (param $len i32) (result i32)
        (if (i32.eqz (local.get $enc))
          (then (call $raw8 (local.get $ptr) (local.get $len) (i32.const 0x20)))
          (else (if (i32.eq (local.get $enc) (i32.const 1))
            (then (call $raw16 (local.get $ptr) (local.get $len) (i32.const 0x20)))
            (else (call $rawL (local.get $ptr) (local.get $len) (i32.const 0x20))))))
        (i32.const 0x20))
    )
    (core instance $m (instantiate $M (with "" (instance
      (export "raw8" (func $raw8)) (export "raw16" (func $raw16)) (export "rawL" (func $rawL))))))
    (func (export "send") (param "enc" u32) (param "ptr" u32) (param "len" u32)
      (result (tuple u32 (list u8)))
      (canon lift (core func $m "send") (memory (core memory $mem "mem"))))
  )

  (instance $raw (instantiate $Raw))
  (instance $to8 (instantiate $Send (with "raw" (func $raw "raw-utf8"))))
  (instance $to16 (instantiate $Send (with "raw" (func $raw "raw-utf16"))))
  (instance $toL (instantiate $Send (with "raw" (func $raw "raw-latin1"))))
  (export "raw-utf8" (func $raw "raw-utf8"))
  (export "raw-utf16" (func $raw "raw-utf16"))
  (export "raw-latin1" (func $raw "raw-latin1"))
  (export "to-utf8" (func $to8 "send"))
  (export "to-utf16" (func $to16 "send"))
  (export "to-latin1-utf16" (func $toL "send"))
)
(component instance $pairs $Pairs)

;; ---- the host's strings lowered with each encoding ----------------------
(assert_return (invoke "raw-utf8" (str.const "a€"))
  (tuple.const (u32.const 4) (list.const (u8.const 0x61) (u8.const 0xe2) (u8.const 0x82) (u8.const 0xac))))
(assert_return (invoke "raw-utf16" (str.const "a€"))
  (tuple.const (u32.const 2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; latin1+utf16 keeps Latin-1 when every code point is below 256 ...
(assert_return (invoke "raw-latin1" (str.const "ÿé"))
  (tuple.const (u32.const 2) (list.const (u8.const 0xff) (u8.const 0xe9))))
;; ... and switches to tagged UTF-16 otherwise (here after one Latin-1 char,
;; which is inflated in place)
(assert_return (invoke "raw-latin1" (str.const "é€"))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0xe9) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
(assert_return (invoke "raw-utf16" (str.const "\u{10ffff}"))
  (tuple.const (u32.const 2) (list.const (u8.const 0xff) (u8.const 0xdb) (u8.const 0xff) (u8.const 0xdf))))
(assert_return (invoke "raw-utf8" (str.const "")) (tuple.const (u32.const 0) (list.const)))

;; ---- every source encoding into every destination encoding --------------
;; Expected bytes: the string in the destination encoding; for latin1+utf16
;; Latin-1 when all code points are < 256, else UTF-16 with the tag bit.
;; into utf8
;; from utf8 "hi"
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x100) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from utf8 "aé"
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x110) (u32.const 0x3))
  (tuple.const (u32.const 0x3) (list.const (u8.const 0x61) (u8.const 0xc3) (u8.const 0xa9))))
;; from utf8 "a€"
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x120) (u32.const 0x4))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0x61) (u8.const 0xe2) (u8.const 0x82) (u8.const 0xac))))
;; from utf8 "😀"
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x130) (u32.const 0x4))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0xf0) (u8.const 0x9f) (u8.const 0x98) (u8.const 0x80))))
;; from utf8 ""
(assert_return (invoke "to-utf8" (u32.const 0) (u32.const 0x100) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from utf16 "hi"
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x200) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from utf16 "aé"
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x210) (u32.const 0x2))
  (tuple.const (u32.const 0x3) (list.const (u8.const 0x61) (u8.const 0xc3) (u8.const 0xa9))))
;; from utf16 "a€"
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x220) (u32.const 0x2))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0x61) (u8.const 0xe2) (u8.const 0x82) (u8.const 0xac))))
;; from utf16 "😀"
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x230) (u32.const 0x2))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0xf0) (u8.const 0x9f) (u8.const 0x98) (u8.const 0x80))))
;; from utf16 ""
(assert_return (invoke "to-utf8" (u32.const 1) (u32.const 0x200) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from latin1 "hi"
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x300) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from latin1 "aé"
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x310) (u32.const 0x2))
  (tuple.const (u32.const 0x3) (list.const (u8.const 0x61) (u8.const 0xc3) (u8.const 0xa9))))
;; from tagged utf16 "a€"
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x320) (u32.const 0x80000002))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0x61) (u8.const 0xe2) (u8.const 0x82) (u8.const 0xac))))
;; from tagged utf16 "😀"
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x330) (u32.const 0x80000002))
  (tuple.const (u32.const 0x4) (list.const (u8.const 0xf0) (u8.const 0x9f) (u8.const 0x98) (u8.const 0x80))))
;; from tagged utf16 "aé"
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x340) (u32.const 0x80000002))
  (tuple.const (u32.const 0x3) (list.const (u8.const 0x61) (u8.const 0xc3) (u8.const 0xa9))))
;; from latin1 ""
(assert_return (invoke "to-utf8" (u32.const 2) (u32.const 0x300) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; into utf16
;; from utf8 "hi"
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x100) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x00) (u8.const 0x69) (u8.const 0x00))))
;; from utf8 "aé"
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x110) (u32.const 0x3))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xe9) (u8.const 0x00))))
;; from utf8 "a€"
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x120) (u32.const 0x4))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from utf8 "😀"
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x130) (u32.const 0x4))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from utf8 ""
(assert_return (invoke "to-utf16" (u32.const 0) (u32.const 0x100) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from utf16 "hi"
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x200) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x00) (u8.const 0x69) (u8.const 0x00))))
;; from utf16 "aé"
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x210) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xe9) (u8.const 0x00))))
;; from utf16 "a€"
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x220) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from utf16 "😀"
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x230) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from utf16 ""
(assert_return (invoke "to-utf16" (u32.const 1) (u32.const 0x200) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from latin1 "hi"
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x300) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x00) (u8.const 0x69) (u8.const 0x00))))
;; from latin1 "aé"
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x310) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xe9) (u8.const 0x00))))
;; from tagged utf16 "a€"
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x320) (u32.const 0x80000002))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from tagged utf16 "😀"
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x330) (u32.const 0x80000002))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from tagged utf16 "aé"
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x340) (u32.const 0x80000002))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xe9) (u8.const 0x00))))
;; from latin1 ""
(assert_return (invoke "to-utf16" (u32.const 2) (u32.const 0x300) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; into latin1
;; from utf8 "hi"
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x100) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from utf8 "aé"
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x110) (u32.const 0x3))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0xe9))))
;; from utf8 "a€"
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x120) (u32.const 0x4))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from utf8 "😀"
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x130) (u32.const 0x4))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from utf8 ""
(assert_return (invoke "to-latin1-utf16" (u32.const 0) (u32.const 0x100) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from utf16 "hi"
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x200) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from utf16 "aé"
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x210) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0xe9))))
;; from utf16 "a€"
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x220) (u32.const 0x2))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from utf16 "😀"
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x230) (u32.const 0x2))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from utf16 ""
(assert_return (invoke "to-latin1-utf16" (u32.const 1) (u32.const 0x200) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))
;; from latin1 "hi"
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x300) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x68) (u8.const 0x69))))
;; from latin1 "aé"
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x310) (u32.const 0x2))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0xe9))))
;; from tagged utf16 "a€"
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x320) (u32.const 0x80000002))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x61) (u8.const 0x00) (u8.const 0xac) (u8.const 0x20))))
;; from tagged utf16 "😀"
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x330) (u32.const 0x80000002))
  (tuple.const (u32.const 0x80000002) (list.const (u8.const 0x3d) (u8.const 0xd8) (u8.const 0x00) (u8.const 0xde))))
;; from tagged utf16 "aé"
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x340) (u32.const 0x80000002))
  (tuple.const (u32.const 0x2) (list.const (u8.const 0x61) (u8.const 0xe9))))
;; from latin1 ""
(assert_return (invoke "to-latin1-utf16" (u32.const 2) (u32.const 0x300) (u32.const 0x0))
  (tuple.const (u32.const 0x0) (list.const)))

;; ---- lifting a string produced by core wasm -----------------------------
;; Each function returns the string (ptr, len) given by its two arguments,
;; read with the named encoding from this memory:
(component definition $Lift
  (core module $M
    (memory (export "mem") 1)
    (func (export "give") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    (data (i32.const 0x09) "A")
    (data (i32.const 0x10) "\c0\80")          ;; overlong encoding of U+0000
    (data (i32.const 0x20) "\ed\a0\80")       ;; U+D800 encoded in UTF-8
    (data (i32.const 0x30) "\e2\82")          ;; first 2 bytes of a 3-byte sequence
    (data (i32.const 0x40) "\f4\90\80\80")    ;; would be U+110000
    (data (i32.const 0x50) "\80")             ;; continuation byte with no lead
    (data (i32.const 0x60) "\00\d8")          ;; UTF-16 high surrogate, alone at the end
    (data (i32.const 0x70) "\00\dc\41\00")    ;; UTF-16 low surrogate first
    (data (i32.const 0x80) "\00\d8\41\00")    ;; high surrogate then 'A'
    (data (i32.const 0x90) "\ff\e9")          ;; Latin-1 "ÿé"
    (data (i32.const 0xa0) "\3d\d8\00\de")    ;; UTF-16 "😀"
    (data (i32.const 0xb0) "\f0\9f\98\80")    ;; UTF-8 "😀"
    (data (i32.const 0xfffe) "\c3\a9")        ;; UTF-8 "é" in the last 2 bytes
  )
  (core instance $m (instantiate $M))
  (func (export "utf8") (param "ptr" u32) (param "len" u32) (result string)
    (canon lift (core func $m "give") string-encoding=utf8 (memory (core memory $m "mem"))))
  (func (export "utf16") (param "ptr" u32) (param "len" u32) (result string)
    (canon lift (core func $m "give") string-encoding=utf16 (memory (core memory $m "mem"))))
  (func (export "latin1") (param "ptr" u32) (param "len" u32) (result string)
    (canon lift (core func $m "give") string-encoding=latin1+utf16 (memory (core memory $m "mem"))))
)
(component instance $lift $Lift)
(assert_return (invoke "utf8" (u32.const 0xb0) (u32.const 4)) (str.const "😀"))
(assert_return (invoke "utf16" (u32.const 0xa0) (u32.const 2)) (str.const "😀"))
(assert_return (invoke "latin1" (u32.const 0xa0) (u32.const 0x80000002)) (str.const "😀"))
;; every byte is a valid Latin-1 character
(assert_return (invoke "latin1" (u32.const 0x90) (u32.const 2)) (str.const "ÿé"))
;; utf8 has alignment 1: an odd pointer is fine
(assert_return (invoke "utf8" (u32.const 0x09) (u32.const 1)) (str.const "A"))
;; a string may end exactly at the end of memory (ptr + byte_length = len)
(assert_return (invoke "utf8" (u32.const 0xfffe) (u32.const 2)) (str.const "é"))
(assert_return (invoke "utf16" (u32.const 0xfffe) (u32.const 1)) (str.const "\u{a9c3}"))
(assert_return (invoke "utf8" (u32.const 0x10000) (u32.const 0)) (str.const ""))
(assert_return (invoke "latin1" (u32.const 0x10000) (u32.const 0x80000000)) (str.const ""))

;; decoding errors trap (load_string_from_range: UnicodeError -> trap)
(assert_trap (invoke "utf8" (u32.const 0x10) (u32.const 2)) "invalid utf-8")
(component instance $lift $Lift)
(assert_trap (invoke "utf8" (u32.const 0x20) (u32.const 3)) "invalid utf-8")
(component instance $lift $Lift)
(assert_trap (invoke "utf8" (u32.const 0x30) (u32.const 2)) "incomplete utf-8 byte sequence")
(component instance $lift $Lift)
(assert_trap (invoke "utf8" (u32.const 0x40) (u32.const 4)) "invalid utf-8")
(component instance $lift $Lift)
(assert_trap (invoke "utf8" (u32.const 0x50) (u32.const 1)) "invalid utf-8")
(component instance $lift $Lift)
;; Latin-1 bytes >= 0x80 are not UTF-8
(assert_trap (invoke "utf8" (u32.const 0x90) (u32.const 2)) "invalid utf-8")
(component instance $lift $Lift)
(assert_trap (invoke "utf16" (u32.const 0x60) (u32.const 1)) "invalid utf-16")
(component instance $lift $Lift)
(assert_trap (invoke "utf16" (u32.const 0x70) (u32.const 2)) "invalid utf-16")
(component instance $lift $Lift)
(assert_trap (invoke "utf16" (u32.const 0x80) (u32.const 2)) "invalid utf-16")
(component instance $lift $Lift)
(assert_trap (invoke "latin1" (u32.const 0x80) (u32.const 0x80000002)) "invalid utf-16")
(component instance $lift $Lift)

;; alignment 2 for utf16 and for latin1+utf16, even when the string is
;; Latin-1 (untagged)
(assert_trap (invoke "utf16" (u32.const 0x09) (u32.const 1)) "unaligned pointer")
(component instance $lift $Lift)
(assert_trap (invoke "latin1" (u32.const 0x09) (u32.const 1)) "unaligned pointer")
(component instance $lift $Lift)

;; bounds: one byte past the end of memory
(assert_trap (invoke "utf8" (u32.const 0xffff) (u32.const 2)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)
;; utf16 counts code units: 2 units are 4 bytes
(assert_trap (invoke "utf16" (u32.const 0xfffe) (u32.const 2)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)
(assert_trap (invoke "latin1" (u32.const 0xfffe) (u32.const 0x80000002)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)
(assert_trap (invoke "latin1" (u32.const 0xfffe) (u32.const 3)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)
;; a zero-length string still needs ptr <= len(memory)
(assert_trap (invoke "utf8" (u32.const 0x10001) (u32.const 0)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)

;; MAX_STRING_BYTE_LENGTH = 2^28-1 is checked first, on the byte length:
;; exactly the maximum passes that check (and then fails the bounds check)
(assert_trap (invoke "utf8" (u32.const 0) (u32.const 0x0fffffff)) "string pointer/length out of bounds of memory")
(component instance $lift $Lift)
(assert_trap (invoke "utf8" (u32.const 0) (u32.const 0x10000000)) "string byte length exceeds the maximum")
(component instance $lift $Lift)
;; 2^27 UTF-16 code units are 2^28 bytes
(assert_trap (invoke "utf16" (u32.const 0) (u32.const 0x08000000)) "string byte length exceeds the maximum")
(component instance $lift $Lift)
(assert_trap (invoke "latin1" (u32.const 0) (u32.const 0x88000000)) "string byte length exceeds the maximum")
(component instance $lift $Lift)
;; untagged, the same count is Latin-1 bytes, within the maximum
(assert_trap (invoke "latin1" (u32.const 0) (u32.const 0x08000000)) "string pointer/length out of bounds of memory")
