;; Open choice `error-message` (canon error-context.new: `random.randint(0,1)`
;; -- keep the guest's message or make it the empty string;
;; DETERMINISTIC_PROFILE keeps none).
;; The guest makes an error-context with the message "oops" and reads it
;; back with error-context.debug-message (store_string through the
;; guest's realloc): the length is 4 (kept) or 0 (dropped).
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $R
    (import "" "mem" (memory 1))
    (global $next (mut i32) (i32.const 0x100))
    ;; a bump allocator from 0x100
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $r (instantiate $R (with "" (instance (export "mem" (memory $mem "mem"))))))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
    (import "" "ec.msg" (func $ec.msg (param i32 i32)))
    (import "" "ec.drop" (func $ec.drop (param i32)))
    (data (memory 0) (i32.const 0) "oops")
    (func (export "run") (result i32)
      (local $ec i32)
      (local.set $ec (call $ec.new (i32.const 0) (i32.const 4)))
      ;; the string's (ptr, len) at 16
      (call $ec.msg (local.get $ec) (i32.const 16))
      (call $ec.drop (local.get $ec))
      (i32.load (i32.const 20))))
  (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
  (canon error-context.debug-message (memory (core memory $mem "mem"))
    (realloc (core func $r "realloc")) (core func $ec.msg))
  (canon error-context.drop (core func $ec.drop))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem")) (export "ec.new" (func $ec.new))
    (export "ec.msg" (func $ec.msg)) (export "ec.drop" (func $ec.drop))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))
(component instance $t $T)
(assert_return (invoke "run") (either (u32.const 0) (u32.const 4)))
