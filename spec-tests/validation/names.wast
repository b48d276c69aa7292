;; Names: the kebab-case label grammar, interface names, annotated plain
;; names ([constructor], [method], [static]), and strong uniqueness of
;; import/export names and of the labels inside types.
;;
;; Spec: Explainer.md "Import and export definitions" (the externname
;; grammar: label, first-fragment, fragment, word, acronym,
;; interfacename), "Name uniqueness" (strongly-unique: acronyms lowercased,
;; [method]l.l and [static]l.l reduced to l, other annotations stripped),
;; Binary.md "Type Definitions" and "Import and Export Definitions"
;; validation notes.

;; ---- labels that are valid ---------------------------------------------
(component
  (type $t (record
    (field "a" u8)
    (field "x-1" u8)         ;; later fragments may start with a digit
    (field "y2-3z" u8)
    (field "is-XML" u8)      ;; words and acronyms mix per fragment
    (field "HTTP2-get" u8)
    (field "q-0a-B1" u8)))
  (export "a" (type $t))
  (export "B-c" (type $t))
  (export "ns:pkg/iface" (type $t))
  (export "my-ns:my-pkg/my-iface@1.2.3-rc.1+build.5" (type $t))
)

;; ---- labels that are not ---------------------------------------------------
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "aB" (type $t)))
  "`aB` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "Ab" (type $t)))
  "`Ab` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "1a" (type $t)))
  "`1a` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "a--b" (type $t)))
  "`a--b` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "a-" (type $t)))
  "`a-` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "-a" (type $t)))
  "`-a` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "a_b" (type $t)))
  "`a_b` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "é" (type $t)))
  "`é` is not in kebab case")
(assert_invalid
  (component (type $t (record (field "a" u8))) (export "a-bC" (type $t)))
  "`a-bC` is not in kebab case")
;; the same grammar applies to the labels inside types
(assert_invalid
  (component (type (record (field "fieldOne" u8))))
  "record field name `fieldOne` is not in kebab case")
(assert_invalid
  (component (type (variant (case "a_b"))))
  "variant case name `a_b` is not in kebab case")
(assert_invalid
  (component (type (enum "ok" "Not-ok")))
  "enum tag name `Not-ok` is not in kebab case")
(assert_invalid
  (component (type (flags "r" "w-" )))
  "flag name `w-` is not in kebab case")
(assert_invalid
  (component (type (func (param "the_x" u8))))
  "function parameter name `the_x` is not in kebab case")

;; ---- interface names ---------------------------------------------------
(assert_invalid
  (component (import "ns:pkg" (func)))
  "expected `/` after package name")
(assert_invalid
  (component (import "pkg/iface" (func)))
  "`pkg/iface` is not in kebab case")
(assert_invalid
  (component (import "ns:pkg/iface@1.x" (func)))
  "unexpected character 'x'")
;; namespaces and packages are `words`: no acronyms
(assert_invalid
  (component (import "Ns:pkg/iface" (func)))
  "`Ns` is not in kebab case")

;; ---- strong uniqueness -----------------------------------------------------
;; acronyms are lowercased before comparing
(assert_invalid
  (component
    (import "get-url" (func))
    (import "get-URL" (func)))
  "import name `get-URL` conflicts with previous name `get-url`")
(assert_invalid
  (component
    (type $t (record (field "a" u8)))
    (export "x-Y" (type $t))
    (export "X-y" (type $t)))
  "export name `X-y` conflicts with previous name `x-Y`")
;; names of different sorts still share one namespace
(assert_invalid
  (component
    (import "thing" (func))
    (import "thing" (instance)))
  "import name `thing` conflicts with previous name `thing`")
;; imports and exports are separate scopes
(component definition
  (import "f" (func $f))
  (export "f" (func $f)))
;; labels inside one type
(assert_invalid
  (component (type (record (field "size" u8) (field "SIZE" u16))))
  "record field name `SIZE` conflicts with previous field name `size`")
(assert_invalid
  (component (type (variant (case "a") (case "b" u8) (case "a" u32))))
  "variant case name `a` conflicts with previous case name `a`")
(assert_invalid
  (component (type (enum "on" "off" "ON")))
  "enum tag name `ON` conflicts with previous tag name `on`")
(assert_invalid
  (component (type (flags "read" "READ")))
  "flag name `READ` conflicts with previous flag name `read`")
(assert_invalid
  (component (type (func (param "x" u8) (param "X" u8))))
  "function parameter name `X` conflicts with previous parameter name `x`")

;; ---- annotated names -------------------------------------------------------
;; [method]r.m and [static]r.s are checked against a preceding resource r
(component definition
  (import "r" (type $r (sub resource)))
  (import "[constructor]r" (func (result (own $r))))
  (import "[method]r.size" (func (param "self" (borrow $r)) (result u32)))
  (import "[static]r.make" (func (result (own $r))))
  ;; only [method]l.l collapses to l: "[method]r.size" stays distinct
  ;; from a plain "size"
  (import "size" (func)))
(assert_invalid
  (component
    (import "q" (type $q (sub resource)))
    (import "[method]r.size" (func (param "self" (borrow $q)))))
  "function does not match expected resource name `q`")
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (import "[method]r.size" (func (param "this" (borrow $r)))))
  "function should have a first argument called `self`")
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (import "[constructor]r" (func (result u32))))
  "function should return `(own $T)` or `(result (own $T))`")
;; [method]r.r canonicalizes to r: it clashes with the resource's name
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (import "[method]r.r" (func (param "self" (borrow $r)))))
  "import name `[method]r.r` conflicts with previous name `r`")
;; an annotation on something that is not a function
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (import "[static]r.t" (type (sub resource))))
  "item is not a func")
