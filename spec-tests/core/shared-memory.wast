;; shared-memory.wast -- the shared memories of the threads proposal (its
;; memory type only, which the Component Model's linking checks rely on):
;; the `shared` flag in text and binary form, "a shared memory must have a
;; maximum", import matching that compares the flag both ways, and memory
;; instructions on a shared memory (cmref is single-threaded, so a shared
;; memory behaves like any other, memory.grow included up to its maximum).
;; Atomic instructions are not implemented: they stay skipped as
;; "unsupported feature: threads" (not tested here).
;;
;; Spec: WebAssembly/threads proposals/threads/Overview.md, "Shared Linear
;; Memory" (import rules), "Resizing" (maximum required; grow fails past
;; the maximum), "Spec Changes" (limits ::= {min, max?, share}, flag 0x03);
;; WebAssembly/memory64 Overview.md "Binary format" (the full flags table:
;; 0x02/0x03 shared i32, 0x06/0x07 shared i64); the text grammar is
;; `addrtype? limits shared?` (the threads interpreter's `limits SHARED`).

;; ---- well-formed and valid: text --------------------------------------------
(module (memory 0 0 shared))
(module (memory 1 2 shared))
(module (memory 0 65536 shared))
(module (memory i64 1 2 shared))
(module (memory $m (export "m") 1 1 shared))
;; with multiple memories, shared and unshared side by side
(module (memory 1) (memory 1 1 shared) (memory i64 0 1 shared))

;; ---- the flag's place in the text grammar ---------------------------------
;; `shared` comes after the limits, once
(assert_malformed (module quote "(memory shared 1 2)") "unexpected token")
(assert_malformed (module quote "(memory 1 shared 2)") "unexpected token")
(assert_malformed (module quote "(memory 1 2 shared shared)") "unexpected token")
(assert_malformed (module quote "(memory shared i64 1 2)") "unexpected token")
;; only memories have the flag
(assert_malformed (module quote "(table 1 2 shared funcref)") "unexpected token")

;; ---- a shared memory needs a maximum (validation) -------------------------
(assert_invalid (module (memory 1 shared)) "shared memory must have maximum")
(assert_invalid (module (memory 0 shared)) "shared memory must have maximum")
(assert_invalid (module (memory i64 1 shared)) "shared memory must have maximum")
(assert_invalid (module (import "x" "y" (memory 1 shared)))
  "shared memory must have maximum")
;; the limits themselves are checked first, as for any memory
(assert_invalid (module (memory 2 1 shared))
  "size minimum must not be greater than maximum")
(assert_invalid (module (memory 0 65537 shared))
  "memory size must be at most 65536 pages (4GiB)")

;; ---- binary: bit 0x02 of the limits flags ---------------------------------
;; 0x03: shared, maximum present (min 1, max 2)
(module binary
  "\00asm" "\01\00\00\00"
  "\05\04\01"                  ;; memory section: 4 bytes, 1 memory
  "\03\01\02"                  ;; flags 0x03, min 1, max 2
)
;; 0x07: shared, i64 addresses, maximum present
(module binary
  "\00asm" "\01\00\00\00"
  "\05\04\01"                  ;; memory section: 4 bytes, 1 memory
  "\07\01\02"                  ;; flags 0x07, min 1, max 2 (u64)
)
;; 0x02 and 0x06 (shared, no maximum) are well-formed but invalid
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\05\03\01"                ;; memory section: 3 bytes, 1 memory
    "\02\01"                   ;; flags 0x02, min 1
  )
  "shared memory must have maximum")
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\05\03\01"                ;; memory section: 3 bytes, 1 memory
    "\06\01"                   ;; flags 0x06, min 1 (u64)
  )
  "shared memory must have maximum")
;; 0x03 says a maximum follows: without it the input ends
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\05\03\01"                ;; memory section: 3 bytes, 1 memory
    "\03\00"                   ;; flags 0x03, min 0, (max missing)
  )
  "unexpected end")
;; tables cannot be shared: the threads proposal shares memories only
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\04\05\01"                ;; table section: 5 bytes, 1 table
    "\70\03\00\01"             ;; funcref, flags 0x03, min 0, max 1
  )
  "tables cannot be shared")
;; bits above 0x07 remain malformed (in Wasm 2.0's words, which cmref keeps
;; for every bad limits flag)
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\05\04\01"                ;; memory section: 4 bytes, 1 memory
    "\0b\01\02"                ;; flags 0x0b
  )
  "integer too large")

;; ---- import matching compares the flag ------------------------------------
(module $sh (memory (export "m") 1 2 shared))
(register "sh" $sh)
(module $un (memory (export "m") 1 2))
(register "un" $un)

;; shared to shared, with limits subtyping as for any memory
(module (import "sh" "m" (memory 1 2 shared)) (func (export "f")))
(module (memory (import "sh" "m") 1 2 shared))
(module (import "sh" "m" (memory 0 3 shared)))
(module (import "sh" "m" (memory 0 2 shared)))
;; unshared to unshared still links
(module (import "un" "m" (memory 1 2)))
;; a shared memory does not match an unshared import ...
(assert_unlinkable (module (import "sh" "m" (memory 1 2)))
  "incompatible import type")
(assert_unlinkable (module (import "sh" "m" (memory 1)))
  "incompatible import type")
;; ... and an unshared memory does not match a shared import
(assert_unlinkable (module (import "un" "m" (memory 1 2 shared)))
  "incompatible import type")
(assert_unlinkable (module (import "spectest" "memory" (memory 1 2 shared)))
  "incompatible import type")
;; same flag, but the limits do not match
(assert_unlinkable (module (import "sh" "m" (memory 2 2 shared)))
  "incompatible import type")
(assert_unlinkable (module (import "sh" "m" (memory 1 1 shared)))
  "incompatible import type")
;; the binary flag 0x03 is the same type as text `shared`
(assert_unlinkable
  (module binary
    "\00asm" "\01\00\00\00"
    "\02\0a\01"                ;; import section: 10 bytes, 1 import
    "\02un\01m"                ;; module "un", name "m"
    "\02\03\01\02"             ;; memory, flags 0x03, min 1, max 2
  )
  "incompatible import type")
(module binary
  "\00asm" "\01\00\00\00"
  "\02\0a\01"                  ;; import section: 10 bytes, 1 import
  "\02sh\01m"                  ;; module "sh", name "m"
  "\02\03\01\02"               ;; memory, flags 0x03, min 1, max 2
)

;; ---- a shared memory at run time ------------------------------------------
(module $g
  (memory (export "mem") 1 3 shared)
  (data (i32.const 0) "\2a")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
(register "g" $g)
(assert_return (invoke "load8" (i32.const 0)) (i32.const 0x2a))
(assert_return (invoke "store" (i32.const 8) (i32.const 0x01020304)))
(assert_return (invoke "load" (i32.const 8)) (i32.const 0x01020304))
(assert_trap (invoke "load8" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "size") (i32.const 1))
;; grow returns the old size, up to the maximum of 3 pages, then -1
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "grow" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 2))
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 3))
(assert_return (invoke "size") (i32.const 3))
(assert_return (invoke "load8" (i32.const 196607)) (i32.const 0))
(assert_trap (invoke "load8" (i32.const 196608)) "out of bounds memory access")

;; an importer sees the same memory, at its current size of 3 pages
(module $h
  (memory (import "g" "mem") 3 3 shared)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
(assert_return (invoke $h "load" (i32.const 8)) (i32.const 0x01020304))
(assert_return (invoke $h "size") (i32.const 3))
(assert_return (invoke $h "grow" (i32.const 1)) (i32.const -1))
(assert_unlinkable (module (import "g" "mem" (memory 4 4 shared)))
  "incompatible import type")

;; i64 addresses: grow takes and returns i64
(module
  (memory i64 1 2 shared)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
