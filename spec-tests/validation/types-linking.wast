;; Type definitions and linking: well-formed value types (non-empty
;; records/variants/flags, at most 32 flags, fixed-length lists longer than
;; 0, elem_size below 2^28, borrow only in parameters), types an export may
;; mention, index spaces and outer aliases, and type checking of
;; instantiation arguments (subtyping of instances, exact function types).
;;
;; Spec: Binary.md "Type Definitions" (validation notes), "Alias
;; Definitions", "Instance Definitions", "Import and Export Definitions";
;; Explainer.md "Type definitions", "Alias definitions", "Instance
;; definitions", "Subtyping"; CanonicalABI.md "Element Size".

;; ---- value types ----------------------------------------------------------
(assert_invalid (component (type (record))) "record type must have at least one field")
(assert_invalid (component (type (variant))) "variant type must have at least one case")
(assert_invalid (component (type (enum))) "enum type must have at least one variant")
(assert_invalid (component (type (flags))) "flags must have at least one entry")
(assert_invalid (component (type (tuple))) "tuple type must have at least one type")
(component
  (type (flags "a0" "a1" "a2" "a3" "a4" "a5" "a6" "a7" "a8" "a9" "a10" "a11" "a12" "a13" "a14" "a15"
               "a16" "a17" "a18" "a19" "a20" "a21" "a22" "a23" "a24" "a25" "a26" "a27" "a28" "a29" "a30" "a31")))
(assert_invalid
  (component
    (type (flags "a0" "a1" "a2" "a3" "a4" "a5" "a6" "a7" "a8" "a9" "a10" "a11" "a12" "a13" "a14" "a15"
                 "a16" "a17" "a18" "a19" "a20" "a21" "a22" "a23" "a24" "a25" "a26" "a27" "a28" "a29" "a30" "a31"
                 "a32")))
  "cannot have more than 32 flags")
(assert_invalid (component (type (list u8 0))) "fixed size lists must have more than zero elements")
;; elem_size(t) must be < 2^28: 2^28-1 bytes is the largest allowed
(component (type (list u8 268435455)))
(assert_invalid (component (type (list u8 268435456))) "exceeds maximum byte size")
;; 2^26 u32 are exactly 2^28 bytes
(assert_invalid (component (type (list u32 67108864))) "exceeds maximum byte size")
;; the size counts padding: record {u64, u8} is 16 bytes, 2^24 of them 2^28
(assert_invalid
  (component
    (type $r (record (field "a" u64) (field "b" u8)))
    (type (list $r 16777216)))
  "exceeds maximum byte size")
;; (own T) and (borrow T) need a resource type
(assert_invalid
  (component (type $t (record (field "a" u8))) (type (own $t)))
  "type index 0 is not a resource type")
(assert_invalid
  (component (type (borrow 0)))
  "type index out of bounds")
;; borrow only in parameters, not in results, even nested
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (type (func (result (option (borrow $r))))))
  "function result cannot contain a `borrow` type")
(component
  (type $r (resource (rep i32)))
  (type (func (param "x" (list (borrow $r))))))

;; ---- what an export may mention --------------------------------------------
;; a record used by an exported function must itself be exported (or
;; imported) so that the function's type can be named outside
(assert_invalid
  (component
    (type $p (record (field "x" u32)))
    (core module $M (func (export "f") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "p" $p) (canon lift (core func $m "f"))))
  "func not valid to be used as export")
(component
  (type $p' (record (field "x" u32)))
  (export $p "p" (type $p'))
  (core module $M (func (export "f") (param i32)))
  (core instance $m (instantiate $M))
  (func (export "f") (param "p" $p) (canon lift (core func $m "f"))))
;; likewise a locally defined resource
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (core module $M (func (export "f") (param i32)))
    (core instance $m (instantiate $M))
    (func (export "f") (param "r" (own $r)) (canon lift (core func $m "f"))))
  "func not valid to be used as export")
;; resource types cannot be defined inside a component or instance type
(assert_invalid
  (component (type (instance (type (resource (rep i32))))))
  "resources can only be defined within a concrete component")

;; ---- indices and outer aliases ---------------------------------------------
(assert_invalid
  (component (type (list 5)))
  "type index out of bounds")
(assert_invalid
  (component (core func (canon lower (func 0))))
  "function index out of bounds")
(assert_invalid
  (component (instance (instantiate 0)))
  "component index out of bounds")
(assert_invalid
  (component (core instance (instantiate 0)))
  "module index out of bounds")
(assert_invalid
  (component (alias export 0 "x" (func)))
  "instance index out of bounds")
;; a type defined after the use is not yet in the index space
(assert_invalid
  (component
    (type (list 1))
    (type u8))
  "type index out of bounds")
;; outer aliases: count 0 is this component, 1 the enclosing one; there is
;; nothing beyond the outermost
(component
  (type $t u32)
  (component
    (alias outer 1 0 (type $t2))
    (type (list $t2))))
(assert_invalid
  (component
    (type $t u32)
    (component (alias outer 2 0 (type))))
  "invalid outer alias count")
(assert_invalid
  (component
    (component (alias outer 1 0 (type))))
  "index out of bounds")
;; an outer alias may not refer to a resource type (it could be one of many
;; runtime instances of it)
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (component (alias outer 1 0 (type))))
  "refers to resources")
;; ... and the sort must be an outeraliassort (core module, core type,
;; type, component): other sorts are not even in the grammar
(assert_malformed
  (component quote
    "(core module $M (func (export \"f\")))"
    "(core instance $i (instantiate $M))"
    "(component (alias outer 1 0 (core instance)))")
  "unexpected token")

;; ---- instantiation arguments ---------------------------------------------
(assert_invalid
  (component
    (component $C (import "f" (func)))
    (instance (instantiate $C)))
  "missing import named `f`")
(assert_invalid
  (component
    (component $C (import "f" (func)))
    (component $D)
    (instance (instantiate $C (with "f" (component $D)))))
  "expected func, found component")
;; function types are matched exactly: parameter names ...
(assert_invalid
  (component
    (component $C (import "f" (func (param "a" u32))))
    (import "g" (func $g (param "b" u32)))
    (instance (instantiate $C (with "f" (func $g)))))
  "expected parameter named `a`, found `b`")
;; ... parameter types ...
(assert_invalid
  (component
    (component $C (import "f" (func (param "a" u32))))
    (import "g" (func $g (param "a" s32)))
    (instance (instantiate $C (with "f" (func $g)))))
  "type mismatch in function parameter `a`")
;; ... and results
(assert_invalid
  (component
    (component $C (import "f" (func (result u32))))
    (import "g" (func $g))
    (instance (instantiate $C (with "f" (func $g)))))
  "expected a result, found none")
;; an instance may have more exports than the import asks for (subtyping)
(component definition
  (component $C (import "i" (instance (export "f" (func)))))
  (import "big" (instance $big (export "f" (func)) (export "g" (func (param "x" u8)))))
  (instance (instantiate $C (with "i" (instance $big)))))
;; but not fewer
(assert_invalid
  (component
    (component $C (import "i" (instance (export "f" (func)) (export "h" (func)))))
    (import "small" (instance $small (export "f" (func))))
    (instance (instantiate $C (with "i" (instance $small)))))
  "missing expected export `h`")
;; record types are compared structurally, field names included
(assert_invalid
  (component
    (component $C
      (type $r (record (field "x" u8)))
      (import "t" (type (eq $r))))
    (type $s (record (field "y" u8)))
    (instance (instantiate $C (with "t" (type $s)))))
  "expected field name `x`, found `y`")
;; two arguments of the same name
(assert_invalid
  (component
    (component $C (import "f" (func)))
    (import "g" (func $g))
    (instance (instantiate $C (with "f" (func $g)) (with "f" (func $g)))))
  "instantiation argument `f` conflicts with previous argument `f`")
;; two imported resources are different types even with the same bounds
(assert_invalid
  (component
    (component $C
      (import "r" (type $r (sub resource)))
      (import "f" (func (param "x" (own $r)))))
    (import "r1" (type $r1 (sub resource)))
    (import "r2" (type $r2 (sub resource)))
    (import "g" (func $g (param "x" (own $r2))))
    (instance (instantiate $C (with "r" (type $r1)) (with "f" (func $g)))))
  "resource types are not the same")
