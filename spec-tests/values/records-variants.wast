;; Records, tuples, variants, enums, options, results and flags: values in
;; both positions, the flat representation core wasm sees (including the
;; join of differently-typed case payloads), discriminant and flags sizes in
;; memory, and the traps for a discriminant out of range.
;;
;; Spec: CanonicalABI.md "Alignment" (discriminant_type, alignment_flags),
;; "Element Size", "Loading" (load_variant: trap_if(case_index >=
;; len(cases)), load_flags/unpack_flags_from_int: unknown bits ignored),
;; "Flattening" (flatten_variant, join), "Flat Lifting" (lift_flat_variant
;; and its CoerceValueIter, wrap_i64_to_i32), "Flat Lowering"
;; (lower_flat_variant: padding with 0, f32 payloads as i32 bits),
;; "Despecialization" (tuple, enum, option, result are record/variant).

;; ---- round trips through core wasm (flat params, results via memory) -----
(component
  (type $point' (record (field "x" s32) (field "y" s32)))
  (export $point "point-t" (type $point'))
  (type $shape' (record (field "name" string) (field "at" $point) (field "tags" (list u8))))
  (export $shape "shape-t" (type $shape'))
  (type $v' (variant (case "none") (case "small" u8) (case "big" u64) (case "real" f32) (case "text" string)))
  (export $v "v-t" (type $v'))
  (type $e' (enum "red" "green" "blue"))
  (export $e "e-t" (type $e'))
  (type $fl' (flags "r" "w" "x"))
  (export $fl "fl-t" (type $fl'))
  (core module $M
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 0x1000))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r))
    ;; point: 2 flat i32 -> 2 results do not fit: stored at 0x20
    (func (export "swap") (param i32 i32) (result i32)
      (i32.store (i32.const 0x20) (local.get 1))
      (i32.store (i32.const 0x24) (local.get 0))
      (i32.const 0x20))
    ;; shape: name (ptr,len), at (x,y), tags (ptr,len): 6 flat values; the
    ;; result is stored at 0x40 with the record's memory layout:
    ;; name at 0, at at 8, tags at 16, size 24
    (func (export "shape") (param i32 i32 i32 i32 i32 i32) (result i32)
      (i32.store (i32.const 0x40) (local.get 0))
      (i32.store (i32.const 0x44) (local.get 1))
      (i32.store (i32.const 0x48) (i32.add (local.get 2) (i32.const 1)))
      (i32.store (i32.const 0x4c) (i32.add (local.get 3) (i32.const 1)))
      (i32.store (i32.const 0x50) (local.get 4))
      (i32.store (i32.const 0x54) (local.get 5))
      (i32.const 0x40))
    ;; v flattens to [i32 disc, i64 (join of i32, i64, f32, i32), i32]:
    ;; u8 -> i32, u64 -> i64, f32 -> i32 -> i64, string -> (i32, i32) so the
    ;; joined payload is [i64, i32]. The result goes through memory:
    ;; discriminant u8 at 0, payload at 8 (u64 alignment), size 16
    (func (export "v") (param $d i32) (param $a i64) (param $b i32) (result i32)
      (i32.store8 (i32.const 0x60) (local.get $d))
      (block $done
        (block $text (block $real (block $big (block $small (block $none
          (br_table $none $small $big $real $text (local.get $d)))
          (br $done))
          (i32.store8 (i32.const 0x68) (i32.wrap_i64 (local.get $a))) (br $done))
          (i64.store (i32.const 0x68) (local.get $a)) (br $done))
          (i32.store (i32.const 0x68) (i32.wrap_i64 (local.get $a))) (br $done))
        (i32.store (i32.const 0x68) (i32.wrap_i64 (local.get $a)))
        (i32.store (i32.const 0x6c) (local.get $b)))
      (i32.const 0x60))
    (func (export "id32") (param i32) (result i32) (local.get 0))
    ;; option<option<u8>>: flat [i32, i32, i32]; memory: u8, u8, u8, size 3
    (func (export "oo") (param i32 i32 i32) (result i32)
      (i32.store8 (i32.const 0x80) (local.get 0))
      (i32.store8 (i32.const 0x81) (local.get 1))
      (i32.store8 (i32.const 0x82) (local.get 2))
      (i32.const 0x80))
  )
  (core instance $m (instantiate $M))
  (func (export "swap") (param "p" $point) (result $point)
    (canon lift (core func $m "swap") (memory (core memory $m "mem"))))
  (func (export "shape") (param "s" $shape) (result $shape)
    (canon lift (core func $m "shape") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "v") (param "v" $v) (result $v)
    (canon lift (core func $m "v") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "e") (param "e" $e) (result $e) (canon lift (core func $m "id32")))
  (func (export "fl") (param "f" $fl) (result $fl) (canon lift (core func $m "id32")))
  (func (export "oo") (param "o" (option (option u8))) (result (option (option u8)))
    (canon lift (core func $m "oo") (memory (core memory $m "mem"))))
  ;; result<_, _> flattens to one i32, the discriminant
  (func (export "r") (param "r" (result)) (result (result)) (canon lift (core func $m "id32")))
  (func (export "t") (param "t" (tuple u8 s8)) (result (tuple u8 s8))
    (canon lift (core func $m "swap") (memory (core memory $m "mem"))))
)
(assert_return (invoke "swap" (record.const (field "x" s32.const -1) (field "y" s32.const 2)))
  (record.const (field "x" s32.const 2) (field "y" s32.const -1)))
(assert_return (invoke "shape" (record.const (field "name" str.const "sq")
                                             (field "at" record.const (field "x" s32.const 1) (field "y" s32.const -2))
                                             (field "tags" list.const (u8.const 9))))
  (record.const (field "name" str.const "sq")
                (field "at" record.const (field "x" s32.const 2) (field "y" s32.const -1))
                (field "tags" list.const (u8.const 9))))
(assert_return (invoke "v" (variant.const "none")) (variant.const "none"))
(assert_return (invoke "v" (variant.const "small" (u8.const 255))) (variant.const "small" (u8.const 255)))
(assert_return (invoke "v" (variant.const "big" (u64.const 0xfedcba9876543210))) (variant.const "big" (u64.const 0xfedcba9876543210)))
(assert_return (invoke "v" (variant.const "real" (f32.const -1.5))) (variant.const "real" (f32.const -1.5)))
(assert_return (invoke "v" (variant.const "text" (str.const "hé"))) (variant.const "text" (str.const "hé")))
(assert_return (invoke "e" (enum.const "blue")) (enum.const "blue"))
(assert_return (invoke "fl" (flags.const "r" "x")) (flags.const "r" "x"))
(assert_return (invoke "fl" (flags.const)) (flags.const))
(assert_return (invoke "oo" (option.none)) (option.none))
(assert_return (invoke "oo" (option.some (option.none))) (option.some (option.none)))
(assert_return (invoke "oo" (option.some (option.some (u8.const 0)))) (option.some (option.some (u8.const 0))))
(assert_return (invoke "r" (result.ok)) (result.ok))
(assert_return (invoke "r" (result.err)) (result.err))
;; "swap" stores the s8 (-100 = 0xffffff9c as lowered) as an i32 at 0x20
;; and the u8 at 0x24; tuple<u8, s8> is read from bytes 0x20 and 0x21
(assert_return (invoke "t" (tuple.const (u8.const 200) (s8.const -100))) (tuple.const (u8.const 0x9c) (s8.const -1)))

;; ---- the flat values core wasm sees for a lowered variant/flags ---------
(component
  (type $fi' (variant (case "f" f32) (case "i" u32)))
  (export $fi "fi-t" (type $fi'))
  (type $fl' (variant (case "f" f32) (case "l" u64)))
  (export $fl "fl-t" (type $fl'))
  (type $di' (variant (case "d" f64) (case "i" s32) (case "n")))
  (export $di "di-t" (type $di'))
  (type $f9' (flags "a" "b" "c" "d" "e" "f" "g" "h" "i"))
  (export $f9 "f9-t" (type $f9'))
  (type $f32' (flags "b0" "b1" "b2" "b3" "b4" "b5" "b6" "b7" "b8" "b9" "b10" "b11" "b12" "b13" "b14" "b15"
                     "b16" "b17" "b18" "b19" "b20" "b21" "b22" "b23" "b24" "b25" "b26" "b27" "b28" "b29" "b30" "b31"))
  (export $f32 "f32-t" (type $f32'))
  (core module $M
    ;; disc * 2^32 + low 32 bits of the payload, to see both
    (func (export "ii") (param i32 i32) (result i64)
      (i64.or (i64.shl (i64.extend_i32_u (local.get 0)) (i64.const 32)) (i64.extend_i32_u (local.get 1))))
    (func (export "il") (param i32 i64) (result i64) (local.get 1))
    (func (export "id32") (param i32) (result i32) (local.get 0))
  )
  (core instance $m (instantiate $M))
  ;; join(f32, i32) = i32: the f32 arrives as its bit pattern
  (func (export "fi") (param "v" $fi) (result u64) (canon lift (core func $m "ii")))
  ;; join(f32, i64) = i64: the f32 bits, zero-extended
  (func (export "fl") (param "v" $fl) (result u64) (canon lift (core func $m "il")))
  ;; join(f64, i32) = i64; a case without payload passes 0
  (func (export "di") (param "v" $di) (result u64) (canon lift (core func $m "il")))
  (func (export "f9") (param "f" $f9) (result u32) (canon lift (core func $m "id32")))
  (func (export "f32") (param "f" $f32) (result u32) (canon lift (core func $m "id32")))
)
(assert_return (invoke "fi" (variant.const "f" (f32.const 1))) (u64.const 0x3f800000))
(assert_return (invoke "fi" (variant.const "i" (u32.const 0xffffffff))) (u64.const 0x1ffffffff))
(assert_return (invoke "fl" (variant.const "f" (f32.const -0x0p+0))) (u64.const 0x80000000))
(assert_return (invoke "fl" (variant.const "l" (u64.const 0xffffffffffffffff))) (u64.const 0xffffffffffffffff))
(assert_return (invoke "di" (variant.const "d" (f64.const 2))) (u64.const 0x4000000000000000))
;; an s32 in an i64 slot: lower_flat_signed gives the 32-bit 2s complement,
;; then ('i32', 'i64') keeps the value: zero-extended, not sign-extended
(assert_return (invoke "di" (variant.const "i" (s32.const -1))) (u64.const 0xffffffff))
(assert_return (invoke "di" (variant.const "n")) (u64.const 0))
(assert_return (invoke "f9" (flags.const "a" "i")) (u32.const 0x101))
(assert_return (invoke "f9" (flags.const "b" "c" "h")) (u32.const 0x86))
(assert_return (invoke "f32" (flags.const "b0" "b31")) (u32.const 0x80000001))

;; ---- lift_flat_variant between components: joined slots are coerced ----
;; $D passes raw core values through canon lower; $C (lifted with the same
;; type) sees them after lift and lower again.
(component
  (component $C
    (type $fl' (variant (case "f" f32) (case "l" u64) (case "u" u8)))
    (export $fl "fl-t" (type $fl'))
    (core module $M
      (func (export "show") (param i32 i64) (result i64) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "show") (param "v" $fl) (result u64) (canon lift (core func $m "show")))
  )
  (component $D
    (import "c" (instance $c
      (type $fl' (variant (case "f" f32) (case "l" u64) (case "u" u8)))
      (export "fl-t" (type $fl (eq $fl')))
      (export "show" (func (param "v" $fl) (result u64)))))
    (core func $show (canon lower (func $c "show")))
    (core module $M
      (import "" "show" (func $show (param i32 i64) (result i64)))
      (func (export "run") (param i32 i64) (result i64) (call $show (local.get 0) (local.get 1))))
    (core instance $m (instantiate $M (with "" (instance (export "show" (func $show))))))
    (func (export "run") (param "d" u32) (param "bits" u64) (result u64) (canon lift (core func $m "run")))
  )
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (export "run" (func $d "run"))
)
;; case f: ('i64', 'f32') wraps to 32 bits first; the high bits are dropped
(assert_return (invoke "run" (u32.const 0) (u64.const 0xdeadbeef3f800000)) (u64.const 0x3f800000))
(assert_return (invoke "run" (u32.const 1) (u64.const 0xdeadbeef3f800000)) (u64.const 0xdeadbeef3f800000))
;; case u: ('i64', 'i32') wraps, then u8 keeps the low 8 bits
(assert_return (invoke "run" (u32.const 2) (u64.const 0x1234567890abcdef)) (u64.const 0xef))

;; ---- discriminant and flags sizes in memory ------------------------------
;; 256 cases fit a u8 discriminant; 257 need a u16. 9..16 flags take 2 bytes.
(component
  (type $e256' (enum "c0" "c1" "c2" "c3" "c4" "c5" "c6" "c7" "c8" "c9" "c10" "c11" "c12" "c13" "c14" "c15" "c16" "c17" "c18" "c19" "c20" "c21" "c22" "c23" "c24" "c25" "c26" "c27" "c28" "c29" "c30" "c31" "c32" "c33" "c34" "c35" "c36" "c37" "c38" "c39" "c40" "c41" "c42" "c43" "c44" "c45" "c46" "c47" "c48" "c49" "c50" "c51" "c52" "c53" "c54" "c55" "c56" "c57" "c58" "c59" "c60" "c61" "c62" "c63" "c64" "c65" "c66" "c67" "c68" "c69" "c70" "c71" "c72" "c73" "c74" "c75" "c76" "c77" "c78" "c79" "c80" "c81" "c82" "c83" "c84" "c85" "c86" "c87" "c88" "c89" "c90" "c91" "c92" "c93" "c94" "c95" "c96" "c97" "c98" "c99" "c100" "c101" "c102" "c103" "c104" "c105" "c106" "c107" "c108" "c109" "c110" "c111" "c112" "c113" "c114" "c115" "c116" "c117" "c118" "c119" "c120" "c121" "c122" "c123" "c124" "c125" "c126" "c127" "c128" "c129" "c130" "c131" "c132" "c133" "c134" "c135" "c136" "c137" "c138" "c139" "c140" "c141" "c142" "c143" "c144" "c145" "c146" "c147" "c148" "c149" "c150" "c151" "c152" "c153" "c154" "c155" "c156" "c157" "c158" "c159" "c160" "c161" "c162" "c163" "c164" "c165" "c166" "c167" "c168" "c169" "c170" "c171" "c172" "c173" "c174" "c175" "c176" "c177" "c178" "c179" "c180" "c181" "c182" "c183" "c184" "c185" "c186" "c187" "c188" "c189" "c190" "c191" "c192" "c193" "c194" "c195" "c196" "c197" "c198" "c199" "c200" "c201" "c202" "c203" "c204" "c205" "c206" "c207" "c208" "c209" "c210" "c211" "c212" "c213" "c214" "c215" "c216" "c217" "c218" "c219" "c220" "c221" "c222" "c223" "c224" "c225" "c226" "c227" "c228" "c229" "c230" "c231" "c232" "c233" "c234" "c235" "c236" "c237" "c238" "c239" "c240" "c241" "c242" "c243" "c244" "c245" "c246" "c247" "c248" "c249" "c250" "c251" "c252" "c253" "c254" "c255"))
  (export $e256 "e256-t" (type $e256'))
  (type $e257' (enum "c0" "c1" "c2" "c3" "c4" "c5" "c6" "c7" "c8" "c9" "c10" "c11" "c12" "c13" "c14" "c15" "c16" "c17" "c18" "c19" "c20" "c21" "c22" "c23" "c24" "c25" "c26" "c27" "c28" "c29" "c30" "c31" "c32" "c33" "c34" "c35" "c36" "c37" "c38" "c39" "c40" "c41" "c42" "c43" "c44" "c45" "c46" "c47" "c48" "c49" "c50" "c51" "c52" "c53" "c54" "c55" "c56" "c57" "c58" "c59" "c60" "c61" "c62" "c63" "c64" "c65" "c66" "c67" "c68" "c69" "c70" "c71" "c72" "c73" "c74" "c75" "c76" "c77" "c78" "c79" "c80" "c81" "c82" "c83" "c84" "c85" "c86" "c87" "c88" "c89" "c90" "c91" "c92" "c93" "c94" "c95" "c96" "c97" "c98" "c99" "c100" "c101" "c102" "c103" "c104" "c105" "c106" "c107" "c108" "c109" "c110" "c111" "c112" "c113" "c114" "c115" "c116" "c117" "c118" "c119" "c120" "c121" "c122" "c123" "c124" "c125" "c126" "c127" "c128" "c129" "c130" "c131" "c132" "c133" "c134" "c135" "c136" "c137" "c138" "c139" "c140" "c141" "c142" "c143" "c144" "c145" "c146" "c147" "c148" "c149" "c150" "c151" "c152" "c153" "c154" "c155" "c156" "c157" "c158" "c159" "c160" "c161" "c162" "c163" "c164" "c165" "c166" "c167" "c168" "c169" "c170" "c171" "c172" "c173" "c174" "c175" "c176" "c177" "c178" "c179" "c180" "c181" "c182" "c183" "c184" "c185" "c186" "c187" "c188" "c189" "c190" "c191" "c192" "c193" "c194" "c195" "c196" "c197" "c198" "c199" "c200" "c201" "c202" "c203" "c204" "c205" "c206" "c207" "c208" "c209" "c210" "c211" "c212" "c213" "c214" "c215" "c216" "c217" "c218" "c219" "c220" "c221" "c222" "c223" "c224" "c225" "c226" "c227" "c228" "c229" "c230" "c231" "c232" "c233" "c234" "c235" "c236" "c237" "c238" "c239" "c240" "c241" "c242" "c243" "c244" "c245" "c246" "c247" "c248" "c249" "c250" "c251" "c252" "c253" "c254" "c255" "c256"))
  (export $e257 "e257-t" (type $e257'))
  (type $f9' (flags "a" "b" "c" "d" "e" "f" "g" "h" "i"))
  (export $f9 "f9-t" (type $f9'))
  (type $f17' (flags "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q"))
  (export $f17 "f17-t" (type $f17'))
  (core module $M
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 0x1000))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (global.get $next))
      (global.set $next (i32.add (local.get $r) (i32.const 0x100)))
      (local.get $r))
    ;; the list's byte length as seen through its element count times the
    ;; byte distance: report (len, first 4 bytes)
    (func (export "raw") (param i32 i32) (result i32)
      (i32.store (i32.const 0x10) (local.get 1))
      (i32.store (i32.const 0x14) (i32.load (local.get 0)))
      (i32.const 0x10))
  )
  (core instance $m (instantiate $M))
  (func (export "e256") (param "l" (list $e256)) (result (tuple u32 u32))
    (canon lift (core func $m "raw") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "e257") (param "l" (list $e257)) (result (tuple u32 u32))
    (canon lift (core func $m "raw") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "f9") (param "l" (list $f9)) (result (tuple u32 u32))
    (canon lift (core func $m "raw") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "f17") (param "l" (list $f17)) (result (tuple u32 u32))
    (canon lift (core func $m "raw") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
)
;; two 1-byte elements: c255 then c1
(assert_return (invoke "e256" (list.const (enum.const "c255") (enum.const "c1")))
  (tuple.const (u32.const 2) (u32.const 0x01ff)))
;; two 2-byte elements: c256 then c2
(assert_return (invoke "e257" (list.const (enum.const "c256") (enum.const "c2")))
  (tuple.const (u32.const 2) (u32.const 0x00020100)))
(assert_return (invoke "f9" (list.const (flags.const "i") (flags.const "a")))
  (tuple.const (u32.const 2) (u32.const 0x00010100)))
(assert_return (invoke "f17" (list.const (flags.const "a" "q")))
  (tuple.const (u32.const 1) (u32.const 0x00010001)))

;; ---- lifting from core: bad discriminants trap, unknown flag bits don't --
(component definition $Lift
  (type $e' (enum "a" "b" "c"))
  (export $e "e-t" (type $e'))
  (type $f3' (flags "x" "y" "z"))
  (export $f3 "f3-t" (type $f3'))
  (type $e257' (enum "c0" "c1" "c2" "c3" "c4" "c5" "c6" "c7" "c8" "c9" "c10" "c11" "c12" "c13" "c14" "c15" "c16" "c17" "c18" "c19" "c20" "c21" "c22" "c23" "c24" "c25" "c26" "c27" "c28" "c29" "c30" "c31" "c32" "c33" "c34" "c35" "c36" "c37" "c38" "c39" "c40" "c41" "c42" "c43" "c44" "c45" "c46" "c47" "c48" "c49" "c50" "c51" "c52" "c53" "c54" "c55" "c56" "c57" "c58" "c59" "c60" "c61" "c62" "c63" "c64" "c65" "c66" "c67" "c68" "c69" "c70" "c71" "c72" "c73" "c74" "c75" "c76" "c77" "c78" "c79" "c80" "c81" "c82" "c83" "c84" "c85" "c86" "c87" "c88" "c89" "c90" "c91" "c92" "c93" "c94" "c95" "c96" "c97" "c98" "c99" "c100" "c101" "c102" "c103" "c104" "c105" "c106" "c107" "c108" "c109" "c110" "c111" "c112" "c113" "c114" "c115" "c116" "c117" "c118" "c119" "c120" "c121" "c122" "c123" "c124" "c125" "c126" "c127" "c128" "c129" "c130" "c131" "c132" "c133" "c134" "c135" "c136" "c137" "c138" "c139" "c140" "c141" "c142" "c143" "c144" "c145" "c146" "c147" "c148" "c149" "c150" "c151" "c152" "c153" "c154" "c155" "c156" "c157" "c158" "c159" "c160" "c161" "c162" "c163" "c164" "c165" "c166" "c167" "c168" "c169" "c170" "c171" "c172" "c173" "c174" "c175" "c176" "c177" "c178" "c179" "c180" "c181" "c182" "c183" "c184" "c185" "c186" "c187" "c188" "c189" "c190" "c191" "c192" "c193" "c194" "c195" "c196" "c197" "c198" "c199" "c200" "c201" "c202" "c203" "c204" "c205" "c206" "c207" "c208" "c209" "c210" "c211" "c212" "c213" "c214" "c215" "c216" "c217" "c218" "c219" "c220" "c221" "c222" "c223" "c224" "c225" "c226" "c227" "c228" "c229" "c230" "c231" "c232" "c233" "c234" "c235" "c236" "c237" "c238" "c239" "c240" "c241" "c242" "c243" "c244" "c245" "c246" "c247" "c248" "c249" "c250" "c251" "c252" "c253" "c254" "c255" "c256"))
  (export $e257 "e257-t" (type $e257'))
  (core module $M
    (memory (export "mem") 1)
    (func (export "id32") (param i32) (result i32) (local.get 0))
    ;; stores the word at 0x10 and returns a pointer to it
    (func (export "at") (param i32) (result i32)
      (i32.store (i32.const 0x10) (local.get 0))
      (i32.const 0x10))
  )
  (core instance $m (instantiate $M))
  (func (export "e") (param "x" u32) (result $e) (canon lift (core func $m "id32")))
  (func (export "f3") (param "x" u32) (result $f3) (canon lift (core func $m "id32")))
  (func (export "option") (param "x" u32) (result (option u8))
    (canon lift (core func $m "at") (memory (core memory $m "mem"))))
  (func (export "result") (param "x" u32) (result (result u16 (error u8)))
    (canon lift (core func $m "at") (memory (core memory $m "mem"))))
  ;; option<e257>: discriminant u8 at 0, the u16 enum discriminant at 2
  (func (export "oe") (param "x" u32) (result (option $e257))
    (canon lift (core func $m "at") (memory (core memory $m "mem"))))
)
;; option<u8> in memory: discriminant byte 0, payload byte 1
(component instance $lift $Lift)
(assert_return (invoke "option" (u32.const 0x0501)) (option.some (u8.const 5)))
;; for none the payload bytes are not read
(assert_return (invoke "option" (u32.const 0xff00)) (option.none))
;; result<u16, u8>: discriminant byte 0, payload at 2
(assert_return (invoke "result" (u32.const 0x12340000)) (result.ok (u16.const 0x1234)))
(assert_return (invoke "result" (u32.const 0x00ab0001)) (result.err (u8.const 0xab)))
(assert_return (invoke "oe" (u32.const 0x01000001)) (option.some (enum.const "c256")))
(assert_return (invoke "e" (u32.const 2)) (enum.const "c"))
;; unpack_flags_from_int looks only at the first len(labels) bits
(assert_return (invoke "f3" (u32.const 0xfffffff8)) (flags.const))
(assert_return (invoke "f3" (u32.const 0x0000000d)) (flags.const "x" "z"))
(assert_trap (invoke "e" (u32.const 3)) "invalid variant discriminant")
(component instance $lift $Lift)
;; flat: the whole i32 is the case index, it is not cut to a u8 first
(assert_trap (invoke "e" (u32.const 0x100)) "invalid variant discriminant")
(component instance $lift $Lift)
(assert_trap (invoke "option" (u32.const 0x0002)) "invalid variant discriminant")
(component instance $lift $Lift)
(assert_trap (invoke "result" (u32.const 0x00000002)) "invalid variant discriminant")
(component instance $lift $Lift)
;; the inner u16 discriminant 0x0101 = 257 is one past the last case
(assert_trap (invoke "oe" (u32.const 0x01010001)) "invalid variant discriminant")
