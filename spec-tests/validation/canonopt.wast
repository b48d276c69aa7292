;; Validation of canon lift / canon lower / resource built-ins and their
;; canonopts: which options each function type requires, the core types
;; of memory, realloc and post-return, options given twice, and the core
;; function type a lift expects or a lower produces.
;;
;; Spec: CanonicalABI.md "canonopt Validation", "canon lift" and "canon
;; lower" (validation lists, flatten_functype), "canon resource.new" /
;; "canon resource.rep" (locally-defined resource only), "canon
;; resource.drop"; Explainer.md "Canonical definitions"; Binary.md
;; "Canonical Definitions".

;; ---- options that are required ------------------------------------------
;; lift(T) for a string parameter needs realloc (the caller allocates)
(assert_invalid
  (component
    (core module $M (memory (export "mem") 1) (func (export "f") (param i32 i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "s" string)
      (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  "canonical option `realloc` is required")
;; lower(T) for a list result of a lifted function needs memory
(assert_invalid
  (component
    (core module $M (func (export "f") (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result (list u16)) (canon lift (core func $m "f"))))
  "canonical option `memory` is required")
;; a string nested in a variant counts
(assert_invalid
  (component
    (core module $M (memory (export "mem") 1) (func (export "f") (param i32 i32 i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "o" (option string))
      (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  "canonical option `realloc` is required")
;; canon lower: a string result is lifted into our memory with our realloc
(assert_invalid
  (component
    (import "f" (func $f (result string)))
    (core module $M (memory (export "mem") 1))
    (core instance $m (instantiate $M))
    (core func (canon lower (func $f) (memory (core memory $m "mem")))))
  "canonical option `realloc` is required")
;; canon lower: a list parameter is read from our memory
(assert_invalid
  (component
    (import "f" (func $f (param "l" (list u8))))
    (core func (canon lower (func $f))))
  "canonical option `memory` is required")
;; 17 flat parameters on lift: the caller allocates with realloc
(assert_invalid
  (component
    (core module $M (memory (export "mem") 1) (func (export "f") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f")
      (param "a" u64) (param "b" u64) (param "c" u64) (param "d" u64) (param "e" u64) (param "f" u64)
      (param "g" u64) (param "h" u64) (param "i" u64) (param "j" u64) (param "k" u64) (param "l" u64)
      (param "m" u64) (param "n" u64) (param "o" u64) (param "p" u64) (param "q" u64)
      (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  "canonical option `realloc` is required")
;; 17 flat parameters on lower: passed in our memory
(assert_invalid
  (component
    (import "f" (func $f
      (param "a" u64) (param "b" u64) (param "c" u64) (param "d" u64) (param "e" u64) (param "f" u64)
      (param "g" u64) (param "h" u64) (param "i" u64) (param "j" u64) (param "k" u64) (param "l" u64)
      (param "m" u64) (param "n" u64) (param "o" u64) (param "p" u64) (param "q" u64)))
    (core func (canon lower (func $f))))
  "canonical option `memory` is required")
;; a record of two fields is 2 flat results: returned through memory
(assert_invalid
  (component
    (type $r' (record (field "a" u8) (field "b" u8)))
    (export $r "r" (type $r'))
    (core module $M (func (export "f") (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result $r) (canon lift (core func $m "f"))))
  "canonical option `memory` is required")
;; realloc without memory
(assert_invalid
  (component
    (core module $M
      (func (export "f") (param i32 i32))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "s" string)
      (canon lift (core func $m "f") (realloc (core func $m "realloc")))))
  "canonical option `realloc` requires `memory`")

;; ---- what is valid ------------------------------------------------------
(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
    (func (export "u") (param i32) (result i32) (local.get 0))
    (func (export "free") (param i32))
    (func (export "sixteen") (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)))
  (core instance $m (instantiate $M))
  ;; options nothing needs are allowed, string-encoding included
  (func (export "u") (param "x" u32) (result u32)
    (canon lift (core func $m "u") string-encoding=utf16
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  ;; a post-return taking the single flat result
  (func (export "p") (param "x" u32) (result u32)
    (canon lift (core func $m "u") (post-return (core func $m "free"))))
  ;; exactly 16 flat parameters need neither memory nor realloc
  (func (export "sixteen")
    (param "a" u64) (param "b" u64) (param "c" u64) (param "d" u64) (param "e" u64) (param "f" u64)
    (param "g" u64) (param "h" u64) (param "i" u64) (param "j" u64) (param "k" u64) (param "l" u64)
    (param "m" u64) (param "n" u64) (param "o" u64) (param "p" u64)
    (canon lift (core func $m "sixteen")))
)

;; ---- options given twice ------------------------------------------------
(assert_invalid
  (component
    (core module $M (func (export "f") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u32) (result u32)
      (canon lift (core func $m "f") string-encoding=utf8 string-encoding=utf8)))
  "canonical encoding option `utf8` is specified more than once")
(assert_invalid
  (component
    (core module $M (memory (export "mem") 1) (func (export "f") (param i32 i32) (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u32) (param "y" u32) (result (tuple u32 u32))
      (canon lift (core func $m "f") (memory (core memory $m "mem")) (memory (core memory $m "mem")))))
  "canonical option `memory` is specified more than once")

;; ---- core types of the options ------------------------------------------
;; realloc must be (func (param i32 i32 i32 i32) (result i32))
(assert_invalid
  (component
    (core module $M
      (memory (export "mem") 1)
      (func (export "f") (param i32 i32))
      (func (export "realloc") (param i32 i32 i32) (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "s" string)
      (canon lift (core func $m "f") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  "canonical option `realloc` uses a core function with an incorrect signature")
(assert_invalid
  (component
    (core module $M
      (memory (export "mem") 1)
      (func (export "f") (param i32 i32))
      (func (export "realloc") (param i32 i32 i32 i32) (result i64) (i64.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "s" string)
      (canon lift (core func $m "f") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  "canonical option `realloc` uses a core function with an incorrect signature")
;; post-return takes the flat results of the lifted core function
(assert_invalid
  (component
    (core module $M
      (func (export "f") (result i64) (i64.const 0))
      (func (export "free") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (result u64)
      (canon lift (core func $m "f") (post-return (core func $m "free")))))
  "canonical option `post-return` uses a core function with an incorrect signature")
;; ... and returns nothing
(assert_invalid
  (component
    (core module $M
      (func (export "f") (result i32) (i32.const 0))
      (func (export "free") (param i32) (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result u32)
      (canon lift (core func $m "f") (post-return (core func $m "free")))))
  "canonical option `post-return` uses a core function with an incorrect signature")
;; for a function without results it takes no parameters
(assert_invalid
  (component
    (core module $M
      (func (export "f"))
      (func (export "free") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f")
      (canon lift (core func $m "f") (post-return (core func $m "free")))))
  "canonical option `post-return` uses a core function with an incorrect signature")
;; post-return is only for canon lift
(assert_invalid
  (component
    (import "f" (func $f (result u32)))
    (core module $M (func (export "free") (param i32)))
    (core instance $m (instantiate $M))
    (core func (canon lower (func $f) (post-return (core func $m "free")))))
  "canonical option `post-return` cannot be specified for lowerings")

;; ---- the core function of canon lift has flatten_functype's type ----------
;; u64 flattens to i64
(assert_invalid
  (component
    (core module $M (func (export "f") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u64) (canon lift (core func $m "f"))))
  "lowered parameter types `[I64]` do not match parameter types `[I32]`")
;; a variant of f32 and u32 joins to i32: (i32 disc, i32), not f32
(assert_invalid
  (component
    (type $v' (variant (case "a" f32) (case "b" u32)))
    (export $v "v" (type $v'))
    (core module $M (func (export "f") (param i32 f32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" $v) (canon lift (core func $m "f"))))
  "lowered parameter types `[I32, I32]` do not match parameter types `[I32, F32]`")
(component
  (type $v' (variant (case "a" f32) (case "b" u32)))
  (export $v "v" (type $v'))
  (core module $M (func (export "f") (param i32 i32)))
  (core instance $m (instantiate $M))
  (func (export "f") (param "x" $v) (canon lift (core func $m "f"))))
;; 2 flat results: the lifted core function returns one pointer
(assert_invalid
  (component
    (core module $M (memory (export "mem") 1) (func (export "f") (result i32 i32) (i32.const 0) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result (tuple u32 u32)) (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  "lowered result types `[I32]` do not match result types `[I32, I32]`")
;; canon lower of the same type gives (func (param i32)): an out-pointer,
;; no result; a core import expecting (result i32) does not match it
(assert_invalid
  (component
    (import "f" (func $f (result (tuple u32 u32))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $f' (canon lower (func $f) (memory (core memory $mem "mem"))))
    (core module $M (import "" "f" (func (result i32))))
    (core instance (instantiate $M (with "" (instance (export "f" (func $f')))))))
  "type mismatch")
(component definition
  (import "f" (func $f (result (tuple u32 u32))))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core func $f' (canon lower (func $f) (memory (core memory $mem "mem"))))
  (core module $M (import "" "f" (func (param i32))))
  (core instance (instantiate $M (with "" (instance (export "f" (func $f')))))))

;; ---- resource built-ins -------------------------------------------------
;; resource.new and resource.rep only for a resource defined here
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (core func (canon resource.new $r)))
  "type index 0 is not a local resource")
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (core func (canon resource.rep $r)))
  "type index 0 is not a local resource")
;; resource.drop works on imported resources too
(component definition
  (import "r" (type $r (sub resource)))
  (core func (canon resource.drop $r)))
;; the built-ins need a resource type
(assert_invalid
  (component
    (type $t (record (field "a" u32)))
    (core func (canon resource.drop $t)))
  "type index 0 is not a resource type")
;; a destructor has type (func (param i32))
(assert_invalid
  (component
    (core module $M (func (export "dtor") (param i64)))
    (core instance $m (instantiate $M))
    (type $r (resource (rep i32) (dtor (core func $m "dtor")))))
  "wrong signature for a destructor")
(assert_invalid
  (component
    (core module $M (func (export "dtor") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M))
    (type $r (resource (rep i32) (dtor (core func $m "dtor")))))
  "wrong signature for a destructor")
