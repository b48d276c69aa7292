;; malformed-text.wast -- text-format errors, each in a quoted module so the
;; script itself stays well-formed: unknown operators and keywords, malformed
;; numeric literals (underscores, empty hex, signs), integer and float
;; constants out of range, bad NaN payloads, mismatching labels, imports
;; after definitions, duplicate and unknown identifiers, inline function
;; types contradicting the type index, misplaced clauses, bad alignment
;; syntax, string/comment lexical errors.  And a few unusual but well-formed
;; spellings that must be accepted.
;; Spec: text/lexical.rst, text/values.rst (integers, floats, strings,
;; names), text/instructions.rst (labels, memarg), text/modules.rst
;; (imports, type uses), text/conventions.rst (identifier contexts).

;; ---- tokens
(assert_malformed (module quote "(func (i32.foo))") "unknown operator")
(assert_malformed (module quote "(func (i32.add32))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const 1__0)))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const _1)))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const 1_)))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const 0x)))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const 0x_1)))") "unknown operator")
(assert_malformed (module quote "(func (drop (i32.const +-1)))") "unknown operator")
(assert_malformed (module quote "(func (drop (f32.const 1.0e)))") "unknown operator")
(assert_malformed (module quote "(func (drop (f32.const 0x1p)))") "unknown operator")
(assert_malformed (module quote "(func (drop (f64.const 1._5)))") "unknown operator")
(assert_malformed (module quote "(func (drop (f64.const nan:1)))") "unknown operator")
(assert_malformed (module quote "(func (drop (f32.const infinity)))") "unknown operator")

;; ---- constants out of range (a float literal is no integer constant)
(assert_malformed (module quote "(func (drop (i64.const 1e3)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i32.const 0x100000000)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i32.const 4294967296)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i32.const -0x80000001)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i32.const -2147483649)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i64.const 18446744073709551616)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i64.const -9223372036854775809)))") "constant out of range")
(assert_malformed (module quote "(func (drop (i64.const 0x1_0000_0000_0000_0000)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f32.const 0x1p128)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f32.const -1e39)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f64.const 1e309)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f64.const 0x1p1024)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f32.const nan:0x800000)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f32.const nan:0x0)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f64.const nan:0x10000000000000)))") "constant out of range")
(assert_malformed (module quote "(func (drop (f64.const -nan:0x0)))") "constant out of range")

;; ...while the extremes are fine (both signed and unsigned readings accepted)
(module
  (func (export "i32") (result i32 i32 i32) (i32.const 0xffffffff) (i32.const -0x80000000) (i32.const 4_294_967_295))
  (func (export "i64") (result i64 i64) (i64.const 0xffff_ffff_ffff_ffff) (i64.const -9223372036854775808))
  (func (export "f32") (result f32 f32 f32)
    (f32.const 0x1.fffffep127) (f32.const 1_000.5) (f32.const 0x1.fffffefffffffffffffp127))
  (func (export "f64") (result f64 f64) (f64.const 0x1.fffffffffffffp1023) (f64.const +0x1P-2))
)
(assert_return (invoke "i32") (i32.const -1) (i32.const 0x80000000) (i32.const -1))
(assert_return (invoke "i64") (i64.const -1) (i64.const 0x8000000000000000))
(assert_return (invoke "f32") (f32.const 0x1.fffffep127) (f32.const 1000.5) (f32.const 0x1.fffffep127))
(assert_return (invoke "f64") (f64.const 0x1.fffffffffffffp1023) (f64.const 0.25))

;; ---- structure
(assert_malformed (module quote "(func (drop (i32.const)))") "unexpected token")
(assert_malformed (module quote "(func (result i32) (param i32) (i32.const 0))") "unexpected token")
(assert_malformed (module quote "(func (local i32) (param i32))") "unexpected token")
(assert_malformed (module quote "(func (nop) (local i32))") "unexpected token")
(assert_malformed (module quote "(func (drop (f32.const nan:canonical)))") "unexpected token")
(assert_malformed (module quote "(memory 1) (func (drop (i32.load (i32.const 0) offset=4)))") "unexpected token")
(assert_malformed (module quote "(func (block $a end $b))") "unexpected token")
(assert_malformed (module quote "(func block $a end $b)") "mismatching label")
(assert_malformed (module quote "(func loop $a end $b)") "mismatching label")
(assert_malformed (module quote "(func i32.const 0 if $a else $b end)") "mismatching label")
(assert_malformed (module quote "(func i32.const 0 if $a else $a end $b)") "mismatching label")
(assert_malformed (module quote "(func block end $a)") "mismatching label")
(module (func block $a end $a loop $b end $b i32.const 0 if $c else $c end $c))

;; ---- imports must come before definitions of the same or any kind
(assert_malformed (module quote "(func) (import \"m\" \"f\" (func))") "import after function")
(assert_malformed (module quote "(global i64 (i64.const 0)) (import \"m\" \"f\" (func))") "import after global")
(assert_malformed (module quote "(table 1 funcref) (import \"m\" \"t\" (table 1 funcref))") "import after table")
(assert_malformed (module quote "(memory 1) (import \"m\" \"g\" (global i32))") "import after memory")
(assert_malformed (module quote "(func (import \"m\" \"a\")) (func) (func (import \"m\" \"b\"))") "import after function")

;; ---- identifiers
(assert_malformed (module quote "(func $f) (func $f)") "duplicate function")
(assert_malformed (module quote "(func (param $x i32) (local $x i32))") "duplicate local")
(assert_malformed (module quote "(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))") "duplicate global")
(assert_malformed (module quote "(memory $m 1) (memory $m 1)") "duplicate memory")
(assert_malformed (module quote "(type $t (func)) (type $t (func))") "duplicate type")
(assert_malformed (module quote "(func (call $nope))") "unknown function")
(assert_malformed (module quote "(func (local.get $x) (drop))") "unknown local")
(assert_malformed (module quote "(func (global.get $g) (drop))") "unknown global")
(assert_malformed (module quote "(func (br $l))") "unknown label")
(assert_malformed (module quote "(func (block $l) (br $l))") "unknown label")
(assert_malformed (module quote "(func (type $t))") "unknown type")
(assert_malformed (module quote "(func $)") "empty identifier")

;; ---- type uses: an inline signature must agree with the referenced type
(assert_malformed
  (module quote "(type $t (func (param i32))) (func (type $t) (param i64))")
  "inline function type does not match explicit type")
(assert_malformed
  (module quote "(type $t (func (result i32))) (func (type $t) (result i32) (result i32) (unreachable))")
  "inline function type does not match explicit type")
(module (type $t (func (param i32) (result i32))) (func (type $t) (param i32) (result i32) (local.get 0)))

;; ---- memarg
(assert_malformed (module quote "(memory 1) (func (drop (i32.load align=3 (i32.const 0))))") "alignment must be a power of two")
(assert_malformed (module quote "(memory 1) (func (drop (i32.load align=0 (i32.const 0))))") "alignment must be a power of two")
(assert_malformed (module quote "(memory 1) (func (drop (i32.load align=-4 (i32.const 0))))") "unknown operator")
(assert_malformed (module quote "(memory 1) (func (drop (i32.load offset=-1 (i32.const 0))))") "unknown operator")

;; ---- strings and comments
(assert_malformed (module quote "(func (export \"abc))") "unclosed string literal")
(assert_malformed (module quote "(func (export \"a\\qb\"))") "illegal escape")
(assert_malformed (module quote "(func) (; unclosed") "unclosed comment")
(module (; nested (; block ;) comment ;) (func (export "\u{48}\49\t") (result i32) (i32.const 1)))
(assert_return (invoke "HI\t") (i32.const 1))
