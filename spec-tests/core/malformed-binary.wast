;; malformed-binary.wast -- binary-format errors: preamble (magic, version,
;; truncation), section ids, sizes and order, LEB128 integers (too long, too
;; large, truncated), counts that disagree (function vs code, data count vs
;; data), the data count section required by memory.init/data.drop,
;; malformed types/flags/kinds, illegal opcodes, too many locals, bad UTF-8
;; in names; and binaries that look odd but are well-formed (custom sections
;; anywhere, empty sections, non-minimal LEB128).
;; Spec: binary/modules.rst (preamble, sections, order, data count),
;; binary/values.rst (integers, names), binary/types.rst,
;; binary/instructions.rst; appendix "custom sections".

;; ---- preamble
(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module binary "\01asm\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "asm\00\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00ASM\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\00\00\00\01") "unknown binary version")
(assert_malformed (module binary "\00asm\00\00\00\00") "unknown binary version")
(module binary "\00asm\01\00\00\00")

;; ---- sections
(assert_malformed (module binary "\00asm\01\00\00\00" "\0e\00") "malformed section id")
(assert_malformed (module binary "\00asm\01\00\00\00" "\7f\00") "malformed section id")
;; type section of size 2 holding a 1-byte empty vector and a stray byte
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\02\00\00") "section size mismatch")
;; a section longer than the rest of the file
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\00") "length out of bounds")
;; sections out of order, or twice
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\03\01\00" "\01\01\00")
  "unexpected content after last section")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\01\00" "\01\01\00")
  "unexpected content after last section")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0b\01\00" "\0a\01\00")
  "unexpected content after last section")
;; empty sections and custom sections anywhere are fine
(module binary "\00asm\01\00\00\00"
  "\00\04\03abc"                 ;; custom "abc"
  "\01\01\00"                    ;; empty type section
  "\00\01\00"                    ;; custom with empty name
  "\03\01\00"                    ;; empty function section
  "\0a\01\00"                    ;; empty code section
  "\00\07\04cust\ff\fe"          ;; custom content is not interpreted
)
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\02\01\ff") "malformed UTF-8 encoding")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\01\05") "length out of bounds")

;; ---- LEB128
;; section count as 6 bytes: too long for a u32
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\06\80\80\80\80\80\00")
  "integer representation too long")
;; 5th byte of a u32 with bits above 2^32
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\80\80\80\80\10")
  "integer too large")
;; truncated at the end of the file
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\01\80") "unexpected end")
;; non-minimal but in-range encodings are fine: count 0 as 5 bytes
(module binary "\00asm\01\00\00\00" "\01\05\80\80\80\80\00")
;; an i32.const whose 5th byte has bits beyond the sign
(assert_malformed
  (module binary "\00asm\01\00\00\00"
    "\01\04\01\60\00\00"                                ;; type () -> ()
    "\03\02\01\00"                                      ;; func 0: type 0
    "\0a\0b\01\09\00\41\80\80\80\80\70\1a\0b")         ;; i32.const <bad>; drop; end
  "integer too large")
(module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00"
  "\03\02\01\00"
  "\0a\0b\01\09\00\41\80\80\80\80\78\1a\0b")           ;; i32.const -2^31 (5 bytes), valid

;; ---- counts
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\0a\04\01\02\00\0b")
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0c\01\02" "\0b\03\01\01\00")
  "data count and data section have inconsistent lengths")
;; an absent data section counts as an empty one (wabt 1.0.32 accepts this)
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0c\01\01")
  "data count and data section have inconsistent lengths")
(module binary "\00asm\01\00\00\00" "\0c\01\01" "\0b\03\01\01\00")
;; memory.init / data.drop need the data count section
(assert_malformed
  (module binary "\00asm\01\00\00\00"
    "\01\04\01\60\00\00"                                ;; type () -> ()
    "\03\02\01\00"                                      ;; func 0
    "\05\03\01\00\01"                                   ;; memory 1
    "\0a\0e\01\0c\00\41\00\41\00\41\00\fc\08\00\00\0b" ;; memory.init 0 0
    "\0b\03\01\01\00")                                  ;; one passive segment
  "data count section required")
(assert_malformed
  (module binary "\00asm\01\00\00\00"
    "\01\04\01\60\00\00"
    "\03\02\01\00"
    "\0a\07\01\05\00\fc\09\00\0b"                       ;; data.drop 0
    "\0b\03\01\01\00")
  "data count section required")
(module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00"
  "\03\02\01\00"
  "\0c\01\01"                                           ;; data count 1
  "\0a\07\01\05\00\fc\09\00\0b"
  "\0b\03\01\01\00")

;; ---- function bodies
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\0b\01")                            ;; body: end, then a stray nop
  "section size mismatch")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\ff\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\27\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\fc\7f\0b")                         ;; no such 0xfc sub-opcode
  "illegal opcode")
;; 2 * 2^31 locals
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\10\01\0e\02\80\80\80\80\08\7f\80\80\80\80\08\7f\0b")
  "too many locals")
;; the body runs out at the end of the file
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\04\01\02\00\01")
  "unexpected end")
;; alignment exponent flags of 2^7 or more
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0a\01\08\00\41\00\28\80\01\00\1a\0b")          ;; i32.load flags=128
  "malformed memop flags")

;; ---- types, flags and kinds
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\40\00\00")   ;; 0x40 is no type form
  "malformed definition type")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\05\03\01\10\00")      ;; limits flags 0x10
  "malformed limits flags")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\06\06\01\7f\02\41\00\0b")  ;; mutability 2
  "malformed mutability")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\04\04\01\7f\00\01")   ;; table of i32
  "malformed reference type")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\07\01\01m\01f\05\00")  ;; import kind 5
  "malformed import kind")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\07\05\01\01e\05\00")      ;; export kind 5
  "malformed export kind")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0b\02\01\03")             ;; data segment kind 3
  "malformed data segment kind")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\09\02\01\08")             ;; element segment kind 8
  "malformed elements segment kind")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\01m\02\ff\fe\03\7f\00")  ;; field name not UTF-8
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\02\c0\80\01f\03\7f\00")  ;; overlong encoding
  "malformed UTF-8 encoding")
