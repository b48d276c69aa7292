;; Rule: error-context/not-error-context.
;;
;; Spec: CanonicalABI.md "canon error-context.debug-message"
;; (canon_error_context_debug_message: errctx = inst.handles.get(i);
;; trap_if(not isinstance(errctx, ErrorContext))), "canon
;; error-context.drop" (canon_error_context_drop: inst.handles.remove(i),
;; then the same check), "Lifting" (lift_error_context, when the caller's
;; argument of type error-context is lifted by "canon lower": the same
;; check).  Handles of other kinds (a stream end, a waitable set, a
;; future end) are in the same table and fail it.
;; What error-context.new keeps as the message is an open choice
;; (canon_error_context_new: the empty string under DETERMINISTIC_PROFILE or
;; random.randint(0,1), else a host-defined transformation of the string),
;; so no assertion here looks at a message.
;; Also cmref/debug-message-out-of-bounds, cmref's own rule: store_string
;; writes the (pointer, length) pair with store_int at the guest's ptr,
;; which the spec does not check at all (docs/findings.md, "Where the spec
;; asserts what a guest controls"); cmref traps when the 8 bytes are
;; beyond the memory, and only then: 65528 + 8 = 65536 is allowed.
(component definition $T
  (component $B
    (canon error-context.drop (core func $ec.drop))
    (core module $M
      (import "" "ec.drop" (func $ec.drop (param i32)))
      (func (export "take") (param i32) (result i32) (call $ec.drop (local.get 0)) (local.get 0)))
    (core instance $m (instantiate $M (with "" (instance (export "ec.drop" (func $ec.drop))))))
    (func (export "take") (param "e" error-context) (result u32) (canon lift (core func $m "take"))))
  (component $A
    (import "take" (func $take (param "e" error-context) (result u32)))
    (type $S (stream u32))
    (type $F (future u32))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $R
      (import "" "mem" (memory 1))
      ;; a fresh 0x100 bytes for each allocation (messages here are short)
      (global $next (mut i32) (i32.const 0x1000))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (global.set $next (i32.add (global.get $next) (i32.const 0x100)))
        (global.get $next)))
    (core instance $r (instantiate $R (with "" (instance (export "mem" (memory $mem "mem"))))))
    (core func $take (canon lower (func $take)))
    (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
    (canon error-context.debug-message (memory (core memory $mem "mem"))
      (realloc (core func $r "realloc")) (core func $ec.msg))
    (canon error-context.drop (core func $ec.drop))
    (canon stream.new $S (core func $s.new))
    (canon future.new $F (core func $f.new))
    (canon waitable-set.new (core func $ws.new))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "take" (func $take (param i32) (result i32)))
      (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
      (import "" "ec.msg" (func $ec.msg (param i32 i32)))
      (import "" "ec.drop" (func $ec.drop (param i32)))
      (import "" "s.new" (func $s.new (result i64)))
      (import "" "f.new" (func $f.new (result i64)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (data (i32.const 0x10) "oops")
      (func $new (result i32) (call $ec.new (i32.const 0x10) (i32.const 4)))
      ;; an error context: its message is stored, then it is dropped; its
      ;; handle (the first of the instance) is returned
      (func (export "use") (result i32)
        (local $e i32)
        (local.set $e (call $new))
        (call $ec.msg (local.get $e) (i32.const 0x20))
        (call $ec.drop (local.get $e))
        (local.get $e))
      ;; the message's pair stored at ptr
      (func (export "msg-at") (param $ptr i32) (result i32)
        (call $ec.msg (call $new) (local.get $ptr))
        (i32.const 1))
      ;; passed to $B, which drops its handle 1 and returns it
      (func (export "pass") (result i32) (call $take (call $new)))
      ;; other kinds of handle
      (func (export "msg-of-stream") (call $ec.msg (i32.wrap_i64 (call $s.new)) (i32.const 0x20)))
      (func (export "drop-wset") (call $ec.drop (call $ws.new)))
      (func (export "drop-future") (call $ec.drop (i32.wrap_i64 (call $f.new))))
      (func (export "pass-wset") (result i32) (call $take (call $ws.new)))
      ;; a dropped error context's slot is free: that is table.get's rule,
      ;; not this one (Table.get: trap_if(self.array[i] is None))
      (func (export "msg-after-drop")
        (local $e i32)
        (local.set $e (call $new))
        (call $ec.drop (local.get $e))
        (call $ec.msg (local.get $e) (i32.const 0x20))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "take" (func $take))
      (export "ec.new" (func $ec.new)) (export "ec.msg" (func $ec.msg))
      (export "ec.drop" (func $ec.drop)) (export "s.new" (func $s.new))
      (export "f.new" (func $f.new)) (export "ws.new" (func $ws.new))))))
    (func (export "use") (result u32) (canon lift (core func $m "use")))
    (func (export "pass") (result u32) (canon lift (core func $m "pass")))
    (func (export "msg-at") (param "ptr" u32) (result u32) (canon lift (core func $m "msg-at")))
    (func (export "msg-of-stream") (canon lift (core func $m "msg-of-stream")))
    (func (export "drop-wset") (canon lift (core func $m "drop-wset")))
    (func (export "drop-future") (canon lift (core func $m "drop-future")))
    (func (export "pass-wset") (result u32) (canon lift (core func $m "pass-wset")))
    (func (export "msg-after-drop") (canon lift (core func $m "msg-after-drop"))))
  (instance $b (instantiate $B))
  (instance $a (instantiate $A (with "take" (func $b "take"))))
  (export "use" (func $a "use"))
  (export "pass" (func $a "pass"))
  (export "msg-at" (func $a "msg-at"))
  (export "msg-of-stream" (func $a "msg-of-stream"))
  (export "drop-wset" (func $a "drop-wset"))
  (export "drop-future" (func $a "drop-future"))
  (export "pass-wset" (func $a "pass-wset"))
  (export "msg-after-drop" (func $a "msg-after-drop")))

(component instance $t $T)
(assert_return (invoke "use") (u32.const 1))
(assert_return (invoke "pass") (u32.const 1))

;; error-context/not-error-context: debug-message, drop, lift
(component instance $t $T)
(assert_trap (invoke "msg-of-stream") "is not an error-context")
(component instance $t $T)
(assert_trap (invoke "drop-wset") "is not an error-context")
(component instance $t $T)
(assert_trap (invoke "drop-future") "is not an error-context")
(component instance $t $T)
(assert_trap (invoke "pass-wset") "is not an error-context")
;; cmref/debug-message-out-of-bounds (cmref's choice where the spec has no check)
(component instance $t $T)
(assert_return (invoke "msg-at" (u32.const 65528)) (u32.const 1))
(assert_trap (invoke "msg-at" (u32.const 65529)) "pointer out of bounds of memory")
(component instance $t $T)
(assert_trap (invoke "msg-at" (u32.const 0xfffffffc)) "pointer out of bounds of memory")
;; table.get/free-slot
(component instance $t $T)
(assert_trap (invoke "msg-after-drop") "unknown handle index 1")
