;; core-shared-memory.wast -- the shared flag of core memory types when a
;; component wires core instances and core modules together: a shared
;; memory satisfies only a shared memory import and an unshared memory only
;; an unshared one, whichever way the types meet (a core instance given to
;; `instantiate`, a core module given for an imported core module type,
;; that type's imports and exports); and a shared memory type needs a
;; maximum wherever it is written.
;;
;; Spec: Explainer.md "Instance definitions" (core instantiation arguments
;; are type-checked against the module's imports), "Subtyping" (core module
;; types: imports contravariant, exports covariant); the memory type and
;; its matching rule come from the threads proposal, Overview.md "Shared
;; Linear Memory" (mismatched sharing is an error in both directions) and
;; "Resizing" (a shared memory specifies its maximum).  The reference
;; tests' wording for the mismatch is "mismatch in the shared flag for
;; memories"; component assertions match messages by substring.

;; ---- core instantiation: the argument instance's memory -------------------
;; same flag, same limits: fine either way
(component
  (core module $wants (import "env" "mem" (memory 1 4 shared)))
  (core module $has (memory (export "mem") 2 3 shared))
  (core instance $env (instantiate $has))
  (core instance (instantiate $wants (with "env" (instance $env)))))
(component
  (core module $wants (import "env" "mem" (memory 1 4)))
  (core module $has (memory (export "mem") 2 3))
  (core instance $env (instantiate $has))
  (core instance (instantiate $wants (with "env" (instance $env)))))
;; the import is shared, the memory given is not (limits would match)
(assert_invalid
  (component
    (core module $wants (import "env" "mem" (memory 1 4 shared)))
    (core module $has (memory (export "mem") 2 3))
    (core instance $env (instantiate $has))
    (core instance (instantiate $wants (with "env" (instance $env)))))
  "mismatch in the shared flag for memories")
;; the memory given is shared, the import is not (limits would match)
(assert_invalid
  (component
    (core module $wants (import "env" "mem" (memory 1 4)))
    (core module $has (memory (export "mem") 2 3 shared))
    (core instance $env (instantiate $has))
    (core instance (instantiate $wants (with "env" (instance $env)))))
  "mismatch in the shared flag for memories")
;; i64 memories carry the flag too
(assert_invalid
  (component
    (core module $wants (import "env" "mem" (memory i64 1 4 shared)))
    (core module $has (memory (export "mem") i64 2 3))
    (core instance $env (instantiate $has))
    (core instance (instantiate $wants (with "env" (instance $env)))))
  "mismatch in the shared flag for memories")
;; an imported core module's memory import, checked the same way
(assert_invalid
  (component
    (import "lib" (core module $lib (import "env" "mem" (memory 1 1 shared))))
    (core module $has (memory (export "mem") 1 1))
    (core instance $env (instantiate $has))
    (core instance (instantiate $lib (with "env" (instance $env)))))
  "mismatch in the shared flag for memories")

;; ---- core module types: a module given for an imported module type ------
(component
  (core module $m (import "env" "mem" (memory 1 1 shared))
                  (memory (export "out") 1 1 shared))
  (component $user
    (import "lib" (core module (import "env" "mem" (memory 1 1 shared))
                               (export "out" (memory 1 1 shared)))))
  (instance (instantiate $user (with "lib" (core module $m)))))
;; an export the type says is shared, but the module's is not
(assert_invalid
  (component
    (core module $m (memory (export "out") 1 1))
    (component $user
      (import "lib" (core module (export "out" (memory 1 1 shared)))))
    (instance (instantiate $user (with "lib" (core module $m)))))
  "mismatch in the shared flag for memories")
;; an export the module shares, but the type says unshared
(assert_invalid
  (component
    (core module $m (memory (export "out") 1 1 shared))
    (component $user
      (import "lib" (core module (export "out" (memory 1 1)))))
    (instance (instantiate $user (with "lib" (core module $m)))))
  "mismatch in the shared flag for memories")
;; an import: the type promises to supply a shared memory, the module wants
;; an unshared one
(assert_invalid
  (component
    (core module $m (import "env" "mem" (memory 1 1)))
    (component $user
      (import "lib" (core module (import "env" "mem" (memory 1 1 shared)))))
    (instance (instantiate $user (with "lib" (core module $m)))))
  "mismatch in the shared flag for memories")

;; ---- a shared memory type needs a maximum --------------------------------
(assert_invalid
  (component (core module (memory 1 shared)))
  "shared memory must have maximum")
(assert_invalid
  (component (core module (import "env" "mem" (memory 0 shared))))
  "shared memory must have maximum")
(assert_invalid
  (component (core type (module (import "env" "mem" (memory 1 shared)))))
  "shared memory must have maximum")
(component (core type (module (import "env" "mem" (memory 1 1 shared)))))
