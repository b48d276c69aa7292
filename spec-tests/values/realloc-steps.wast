;; Rules: store/string-copy-unaligned, store/to-utf8-initial-out-of-bounds,
;; store/to-utf8-worst-out-of-bounds, store/to-utf8-shrink-out-of-bounds,
;; store/utf8-to-utf16-initial-out-of-bounds,
;; store/utf8-to-utf16-shrink-unaligned, store/utf8-to-utf16-shrink-out-of-bounds,
;; store/latin1-or-utf16-initial-out-of-bounds,
;; store/latin1-or-utf16-inflate-unaligned, store/latin1-or-utf16-inflate-out-of-bounds,
;; store/latin1-or-utf16-utf16-shrink-unaligned,
;; store/latin1-or-utf16-utf16-shrink-out-of-bounds,
;; store/latin1-or-utf16-latin1-shrink-unaligned,
;; store/latin1-or-utf16-latin1-shrink-out-of-bounds,
;; store/probably-utf16-initial-unaligned, store/probably-utf16-initial-out-of-bounds,
;; store/probably-utf16-latin1-out-of-bounds,
;; lower-flat/realloc-unaligned, lower-flat/realloc-out-of-bounds.
;;
;; A realloc that returns a bad pointer at exactly its k-th call, for each
;; realloc call of each string transcoding, and for spilled parameters.
;; Spec: CanonicalABI.md "Storing" (store_string_into_range picks by the
;; source's encoding and the destination's string-encoding:
;;   utf16 -> utf16, latin1 -> latin1+utf16: store_string_copy
;;     (allocate(2, n * 2 or n); trap_if unaligned; trap_if beyond);
;;   utf16 or latin1 -> utf8: store_string_to_utf8 (worst case 3n or 2n):
;;     1. allocate(1, n); trap_if(ptr + n > len(memory))        [no alignment check]
;;     2. at the first non-ASCII char: reallocate(ptr, n, 1, worst);
;;        trap_if(ptr + worst > len(memory))
;;     3. if worst > len(encoded): reallocate(ptr, worst, 1, len(encoded));
;;        trap_if(ptr + len(encoded) > len(memory));
;;   utf8 -> utf16: store_utf8_to_utf16 (worst = 2n, n UTF-8 bytes):
;;     1. allocate(2, worst); trap_if unaligned; trap_if beyond;
;;     2. if len(encoded) < worst: reallocate(ptr, worst, 2, len(encoded));
;;        trap_if unaligned; trap_if beyond;
;;   utf8 or utf16 -> latin1+utf16: store_string_to_latin1_or_utf16:
;;     1. allocate(2, n); trap_if unaligned; trap_if(ptr + n > len(memory));
;;     2. at the first char >= 256: reallocate(ptr, n, 2, 2n) (inflate);
;;        trap_if unaligned; trap_if beyond;
;;        3. if 2n > len(encoded): reallocate(ptr, 2n, 2, len(encoded));
;;           trap_if unaligned; trap_if beyond          (utf16 shrink)
;;     else if fewer Latin-1 bytes than n: reallocate(ptr, n, 2, bytes);
;;        trap_if unaligned; trap_if beyond             (latin1 shrink)
;;   tagged UTF-16 latin1+utf16 -> latin1+utf16:
;;     store_probably_utf16_to_latin1_or_utf16:
;;     1. allocate(2, 2n); trap_if unaligned; trap_if beyond;
;;     2. if every char < 256: reallocate(ptr, 2n, 1, n);
;;        trap_if(ptr + n > len(memory))                 [no alignment check])
;; and "Lifting and Lowering Values" (lower_flat_values: more than 16 flat
;; parameters are stored at allocate(alignment(tuple), elem_size(tuple));
;; trap_if unaligned; trap_if beyond).  Memory is one page (65536 bytes).
;;
;; $B's realloc is a correct bump allocator (from 0x1000, copying on
;; growth, shrinking in place) except that its k-th call since "set"
;; returns "bad"; "calls" counts its calls since "set".  $B's take-*
;; return the tagged code units they received (UTF-16 tag 2**31).
;; $A's "run" lowers one of its strings with encoding src (0 utf8,
;; 1 utf16, 2 latin1+utf16) to $B's take with encoding dst (same
;; numbering).  $A's strings:
;;   0x100 utf8 "aé" (61 c3 a9, 3 bytes)      0x110 utf8 "€" (e2 82 ac, 3 bytes)
;;   0x120 utf16 "aé" (2 units)              0x130 utf16 "a€" (2 units)
;;   0x140 latin1 "aé" (61 e9, 2)            0x150 tagged utf16 "é" (e9 00, 0x80000001)
(component definition $T
  (component $B
    (core module $M
      (memory (export "mem") 1)
      (global $k (mut i32) (i32.const 0))
      (global $bad (mut i32) (i32.const 0))
      (global $calls (mut i32) (i32.const 0))
      (global $next (mut i32) (i32.const 0x1000))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (if (i32.eq (global.get $calls) (global.get $k)) (then (return (global.get $bad))))
        (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                     (i32.le_u (local.get $nsize) (local.get $osize)))
          (then (return (local.get $old))))
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (if (local.get $old)
          (then (memory.copy (local.get $r) (local.get $old) (local.get $osize))))
        (local.get $r))
      (func (export "set") (param i32 i32)
        (global.set $k (local.get 0)) (global.set $bad (local.get 1))
        (global.set $calls (i32.const 0)) (global.set $next (i32.const 0x1000)))
      (func (export "calls") (result i32) (global.get $calls))
      (func (export "take") (param i32 i32) (result i32) (local.get 1))
      ;; 17 u32 parameters, spilled: the last one is at offset 64
      (func (export "many") (param i32) (result i32) (i32.load offset=64 (local.get 0))))
    (core instance $m (instantiate $M))
    (func (export "set") (param "k" u32) (param "bad" u32) (canon lift (core func $m "set")))
    (func (export "calls") (result u32) (canon lift (core func $m "calls")))
    (func (export "take-utf8") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=utf8
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "take-utf16") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "take-compact") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=latin1+utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "many")
      (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32)
      (param "f" u32) (param "g" u32) (param "h" u32) (param "i" u32) (param "j" u32)
      (param "k" u32) (param "l" u32) (param "m" u32) (param "n" u32) (param "o" u32)
      (param "p" u32) (param "q" u32) (result u32)
      (canon lift (core func $m "many") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $A
    (import "take-utf8" (func $t8 (param "s" string) (result u32)))
    (import "take-utf16" (func $t16 (param "s" string) (result u32)))
    (import "take-compact" (func $tl (param "s" string) (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (data (i32.const 0x100) "a\c3\a9")
      (data (i32.const 0x110) "\e2\82\ac")
      (data (i32.const 0x120) "a\00\e9\00")
      (data (i32.const 0x130) "a\00\ac\20")
      (data (i32.const 0x140) "a\e9")
      (data (i32.const 0x150) "\e9\00"))
    (core instance $mem (instantiate $Mem))
    (core func $8to8 (canon lower (func $t8) string-encoding=utf8 (memory (core memory $mem "mem"))))
    (core func $8to16 (canon lower (func $t16) string-encoding=utf8 (memory (core memory $mem "mem"))))
    (core func $8toL (canon lower (func $tl) string-encoding=utf8 (memory (core memory $mem "mem"))))
    (core func $16to8 (canon lower (func $t8) string-encoding=utf16 (memory (core memory $mem "mem"))))
    (core func $16to16 (canon lower (func $t16) string-encoding=utf16 (memory (core memory $mem "mem"))))
    (core func $16toL (canon lower (func $tl) string-encoding=utf16 (memory (core memory $mem "mem"))))
    (core func $Lto8 (canon lower (func $t8) string-encoding=latin1+utf16 (memory (core memory $mem "mem"))))
    (core func $Lto16 (canon lower (func $t16) string-encoding=latin1+utf16 (memory (core memory $mem "mem"))))
    (core func $LtoL (canon lower (func $tl) string-encoding=latin1+utf16 (memory (core memory $mem "mem"))))
    (core module $M
      (type $take (func (param i32 i32) (result i32)))
      (import "" "8to8" (func $8to8 (type $take)))
      (import "" "8to16" (func $8to16 (type $take)))
      (import "" "8toL" (func $8toL (type $take)))
      (import "" "16to8" (func $16to8 (type $take)))
      (import "" "16to16" (func $16to16 (type $take)))
      (import "" "16toL" (func $16toL (type $take)))
      (import "" "Lto8" (func $Lto8 (type $take)))
      (import "" "Lto16" (func $Lto16 (type $take)))
      (import "" "LtoL" (func $LtoL (type $take)))
      (table 9 funcref)
      (elem (i32.const 0) func $8to8 $8to16 $8toL $16to8 $16to16 $16toL $Lto8 $Lto16 $LtoL)
      (func (export "run") (param $src i32) (param $dst i32) (param $ptr i32) (param $len i32) (result i32)
        (call_indirect (type $take) (local.get $ptr) (local.get $len)
          (i32.add (i32.mul (local.get $src) (i32.const 3)) (local.get $dst)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "8to8" (func $8to8)) (export "8to16" (func $8to16)) (export "8toL" (func $8toL))
      (export "16to8" (func $16to8)) (export "16to16" (func $16to16)) (export "16toL" (func $16toL))
      (export "Lto8" (func $Lto8)) (export "Lto16" (func $Lto16)) (export "LtoL" (func $LtoL))))))
    (func (export "run") (param "src" u32) (param "dst" u32) (param "ptr" u32) (param "len" u32) (result u32)
      (canon lift (core func $m "run"))))
  (instance $b (instantiate $B))
  (instance $a (instantiate $A
    (with "take-utf8" (func $b "take-utf8"))
    (with "take-utf16" (func $b "take-utf16"))
    (with "take-compact" (func $b "take-compact"))))
  (export "set" (func $b "set"))
  (export "calls" (func $b "calls"))
  (export "many" (func $b "many"))
  (export "run" (func $a "run")))

;; ---- every path with a correct realloc: the number of calls -------------------
(component instance $t $T)
;; utf16 "aé" -> utf8: allocate(1, 2), grow to 6 at 'é', shrink to 3
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) (u32.const 3))
(assert_return (invoke "calls") (u32.const 3))
;; latin1 "aé" -> utf8: allocate(1, 2), grow to 4, shrink to 3
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 2) (u32.const 0) (u32.const 0x140) (u32.const 2)) (u32.const 3))
(assert_return (invoke "calls") (u32.const 3))
;; utf8 "aé" -> utf16: allocate(2, 6), shrink to 4: 2 code units
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 0) (u32.const 1) (u32.const 0x100) (u32.const 3)) (u32.const 2))
(assert_return (invoke "calls") (u32.const 2))
;; utf8 "€" -> latin1+utf16: allocate(2, 3), inflate to 6, shrink to 2: tagged 1
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x110) (u32.const 3)) (u32.const 0x80000001))
(assert_return (invoke "calls") (u32.const 3))
;; utf8 "aé" -> latin1+utf16: allocate(2, 3), Latin-1 shrink to 2
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x100) (u32.const 3)) (u32.const 2))
(assert_return (invoke "calls") (u32.const 2))
;; utf16 "a€" -> latin1+utf16: allocate(2, 2), inflate to 4 = len(encoded): no shrink
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 1) (u32.const 2) (u32.const 0x130) (u32.const 2)) (u32.const 0x80000002))
(assert_return (invoke "calls") (u32.const 2))
;; tagged utf16 "é" -> latin1+utf16: allocate(2, 2), shrink to 1 byte of Latin-1
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x150) (u32.const 0x80000001)) (u32.const 1))
(assert_return (invoke "calls") (u32.const 2))
;; copies: utf16 -> utf16, latin1 -> latin1+utf16: one allocate
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 1) (u32.const 1) (u32.const 0x120) (u32.const 2)) (u32.const 2))
(assert_return (invoke "calls") (u32.const 1))
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x140) (u32.const 2)) (u32.const 2))
(assert_return (invoke "calls") (u32.const 1))
;; 17 parameters: one allocate(4, 68)
(invoke "set" (u32.const 0) (u32.const 0))
(assert_return (invoke "many" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5)
  (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11)
  (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  (u32.const 17))
(assert_return (invoke "calls") (u32.const 1))

;; ---- bad pointers at the boundary that are still allowed -----------------------
;; to utf8, the first allocation is not checked for alignment and may end
;; exactly at the end of memory: 0xfffe + 2 = 65536
(invoke "set" (u32.const 1) (u32.const 0xfffe))
(assert_return (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) (u32.const 3))
(invoke "set" (u32.const 1) (u32.const 0x2001))
(assert_return (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) (u32.const 3))
;; the Latin-1 shrink of probably-UTF-16 asks for alignment 1 and is not
;; checked for it: 0xffff + 1 = 65536
(invoke "set" (u32.const 2) (u32.const 0xffff))
(assert_return (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x150) (u32.const 0x80000001)) (u32.const 1))
;; 0xffbc + 68 = 65536
(invoke "set" (u32.const 1) (u32.const 0xffbc))
(assert_return (invoke "many" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5)
  (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11)
  (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 99))
  (u32.const 99))

;; ---- store/string-copy-unaligned -------------------------------------------
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 1) (u32.const 1) (u32.const 0x120) (u32.const 2)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x140) (u32.const 2)) "realloc return: result not aligned")

;; ---- store/to-utf8-*: utf16 "aé" and latin1 "aé" -> utf8 ----------------------
;; initial: 0xffff + 2 > 65536
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0xffff))
(assert_trap (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) "realloc return: beyond end of memory")
;; worst: 0xfffb + 6 > 65536 (utf16 source), 0xfffd + 4 > 65536 (latin1 source)
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0xfffb))
(assert_trap (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) "realloc return: beyond end of memory")
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0xfffd))
(assert_trap (invoke "run" (u32.const 2) (u32.const 0) (u32.const 0x140) (u32.const 2)) "realloc return: beyond end of memory")
;; shrink: 0xfffe + 3 > 65536
(component instance $t $T)
(invoke "set" (u32.const 3) (u32.const 0xfffe))
(assert_trap (invoke "run" (u32.const 1) (u32.const 0) (u32.const 0x120) (u32.const 2)) "realloc return: beyond end of memory")
(component instance $t $T)
(invoke "set" (u32.const 3) (u32.const 0xfffe))
(assert_trap (invoke "run" (u32.const 2) (u32.const 0) (u32.const 0x140) (u32.const 2)) "realloc return: beyond end of memory")

;; ---- store/utf8-to-utf16-*: utf8 "aé" -> utf16 ---------------------------------
;; initial: 0xfffc + 6 > 65536
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0xfffc))
(assert_trap (invoke "run" (u32.const 0) (u32.const 1) (u32.const 0x100) (u32.const 3)) "realloc return: beyond end of memory")
;; shrink
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 0) (u32.const 1) (u32.const 0x100) (u32.const 3)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0xfffe))
(assert_trap (invoke "run" (u32.const 0) (u32.const 1) (u32.const 0x100) (u32.const 3)) "realloc return: beyond end of memory")

;; ---- store/latin1-or-utf16-* --------------------------------------------------
;; initial, utf8 "aé": 0xfffe + 3 > 65536
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0xfffe))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x100) (u32.const 3)) "realloc return: beyond end of memory")
;; inflate, utf16 "a€" and utf8 "€": unaligned; 0xfffe + 4 > 65536
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 1) (u32.const 2) (u32.const 0x130) (u32.const 2)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x2003))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x110) (u32.const 3)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0xfffe))
(assert_trap (invoke "run" (u32.const 1) (u32.const 2) (u32.const 0x130) (u32.const 2)) "realloc return: beyond end of memory")
;; utf16 shrink, utf8 "€": unaligned; 0x10000 + 2 > 65536
(component instance $t $T)
(invoke "set" (u32.const 3) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x110) (u32.const 3)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 3) (u32.const 0x10000))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x110) (u32.const 3)) "realloc return: beyond end of memory")
;; latin1 shrink, utf8 "aé": unaligned (alignment 2 is asked for and
;; checked, although Latin-1 needs none); 0x10000 + 2 > 65536
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x100) (u32.const 3)) "realloc return: result not aligned")
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x10000))
(assert_trap (invoke "run" (u32.const 0) (u32.const 2) (u32.const 0x100) (u32.const 3)) "realloc return: beyond end of memory")

;; ---- store/probably-utf16-*: tagged utf16 "é" -> latin1+utf16 ------------------
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0x2001))
(assert_trap (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x150) (u32.const 0x80000001)) "realloc return: result not aligned")
;; 0x10000 + 2 > 65536
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0x10000))
(assert_trap (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x150) (u32.const 0x80000001)) "realloc return: beyond end of memory")
;; the Latin-1 shrink: 0x10000 + 1 > 65536
(component instance $t $T)
(invoke "set" (u32.const 2) (u32.const 0x10000))
(assert_trap (invoke "run" (u32.const 2) (u32.const 2) (u32.const 0x150) (u32.const 0x80000001)) "realloc return: beyond end of memory")

;; ---- lower-flat/realloc-*: 17 u32 parameters, alignment 4, 68 bytes ------------
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0x2002))
(assert_trap (invoke "many" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5)
  (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11)
  (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  "realloc return: result not aligned")
;; 0xffc0 + 68 > 65536
(component instance $t $T)
(invoke "set" (u32.const 1) (u32.const 0xffc0))
(assert_trap (invoke "many" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5)
  (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11)
  (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  "realloc return: beyond end of memory")
