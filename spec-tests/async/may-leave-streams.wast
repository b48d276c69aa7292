;; Rules: stream.new/may-leave, future.new/may-leave, stream.copy/may-leave,
;; future.copy/may-leave, copy.cancel/may-leave, copy.drop/may-leave,
;; error-context.new/may-leave, error-context.debug-message/may-leave,
;; error-context.drop/may-leave.
;;
;; Spec: CanonicalABI.md "canon lift" (sync case: after task.return_, the
;; post-return function runs with inst.may_leave = False), and the first
;; check of each built-in, before it looks at its arguments:
;;   canon_stream_new / canon_future_new: trap_if(not inst.may_leave);
;;   stream_copy (stream.read, stream.write),
;;   future_copy (future.read, future.write),
;;   cancel_copy ({stream,future}.cancel-{read,write}):
;;     trap_if(not thread.task.inst.may_leave);
;;   drop ({stream,future}.drop-{readable,writable}): trap_if(not inst.may_leave);
;;   canon_error_context_new / _debug_message / _drop: trap_if(not inst.may_leave).
;; Each trap says "cannot leave component instance".  The same calls made
;; from the export itself (mode + 100: may_leave is true there) succeed,
;; which shows the post-return's trap is the may_leave check and not the
;; arguments.
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  ;; the realloc error-context.debug-message needs (never called in a
  ;; trapping mode: the may_leave check comes first)
  (core module $R
    (import "" "mem" (memory 1))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0x800)))
  (core instance $r (instantiate $R (with "" (instance (export "mem" (memory $mem "mem"))))))
  (type $S (stream u32))
  (type $F (future u32))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $stream.read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $stream.write))
  (canon stream.cancel-read $S async (core func $stream.cancel-read))
  (canon stream.cancel-write $S async (core func $stream.cancel-write))
  (canon stream.drop-readable $S (core func $stream.drop-r))
  (canon stream.drop-writable $S (core func $stream.drop-w))
  (canon future.new $F (core func $future.new))
  (canon future.read $F async (memory (core memory $mem "mem")) (core func $future.read))
  (canon future.write $F async (memory (core memory $mem "mem")) (core func $future.write))
  (canon future.cancel-read $F async (core func $future.cancel-read))
  (canon future.cancel-write $F async (core func $future.cancel-write))
  (canon future.drop-readable $F (core func $future.drop-r))
  (canon future.drop-writable $F (core func $future.drop-w))
  (canon error-context.new (memory (core memory $mem "mem")) (core func $ec.new))
  (canon error-context.debug-message (memory (core memory $mem "mem"))
    (realloc (core func $r "realloc")) (core func $ec.msg))
  (canon error-context.drop (core func $ec.drop))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.cancel-read" (func $stream.cancel-read (param i32) (result i32)))
    (import "" "stream.cancel-write" (func $stream.cancel-write (param i32) (result i32)))
    (import "" "stream.drop-r" (func $stream.drop-r (param i32)))
    (import "" "stream.drop-w" (func $stream.drop-w (param i32)))
    (import "" "future.new" (func $future.new (result i64)))
    (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
    (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
    (import "" "future.cancel-read" (func $future.cancel-read (param i32) (result i32)))
    (import "" "future.cancel-write" (func $future.cancel-write (param i32) (result i32)))
    (import "" "future.drop-r" (func $future.drop-r (param i32)))
    (import "" "future.drop-w" (func $future.drop-w (param i32)))
    (import "" "ec.new" (func $ec.new (param i32 i32) (result i32)))
    (import "" "ec.msg" (func $ec.msg (param i32 i32)))
    (import "" "ec.drop" (func $ec.drop (param i32)))
    ;; three streams and three futures, as (readable, writable) pairs:
    ;; one idle, one with a read in progress, one with a write in progress
    (global $s.r (mut i32) (i32.const 0)) (global $s.w (mut i32) (i32.const 0))
    (global $sr.r (mut i32) (i32.const 0)) (global $sw.w (mut i32) (i32.const 0))
    (global $f.r (mut i32) (i32.const 0)) (global $f.w (mut i32) (i32.const 0))
    (global $fr.r (mut i32) (i32.const 0)) (global $fw.w (mut i32) (i32.const 0))
    (global $ec (mut i32) (i32.const 0))
    (func $lo (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
    (func $hi (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
    (func $blocked (param i32) (if (i32.ne (local.get 0) (i32.const -1)) (then unreachable)))
    (func $cancelled (param i32) (if (i32.ne (local.get 0) (i32.const 2)) (then unreachable)))
    ;; the export: make them (a read or write with nobody on the other
    ;; end is BLOCKED, -1) and, for modes 15 and 16, an error context;
    ;; then (mode >= 100) make mode - 100's call itself
    (func (export "run") (param $mode i32) (result i32)
      (local $e i64)
      (local.set $e (call $stream.new))
      (global.set $s.r (call $lo (local.get $e))) (global.set $s.w (call $hi (local.get $e)))
      (local.set $e (call $stream.new))
      (global.set $sr.r (call $lo (local.get $e)))
      (call $blocked (call $stream.read (global.get $sr.r) (i32.const 0x100) (i32.const 1)))
      (local.set $e (call $stream.new))
      (global.set $sw.w (call $hi (local.get $e)))
      (call $blocked (call $stream.write (global.get $sw.w) (i32.const 0x100) (i32.const 1)))
      (local.set $e (call $future.new))
      (global.set $f.r (call $lo (local.get $e))) (global.set $f.w (call $hi (local.get $e)))
      (local.set $e (call $future.new))
      (global.set $fr.r (call $lo (local.get $e)))
      (call $blocked (call $future.read (global.get $fr.r) (i32.const 0x100)))
      (local.set $e (call $future.new))
      (global.set $fw.w (call $hi (local.get $e)))
      (call $blocked (call $future.write (global.get $fw.w) (i32.const 0x100)))
      ;; (only where it is used: what error-context.new keeps is an open
      ;; choice, and fewer choices keep --explore exhaustive)
      (if (i32.ge_u (i32.rem_u (local.get $mode) (i32.const 100)) (i32.const 15))
        (then (global.set $ec (call $ec.new (i32.const 0) (i32.const 0)))))
      (if (i32.ge_u (local.get $mode) (i32.const 100))
        (then (call $do (i32.sub (local.get $mode) (i32.const 100)))))
      (local.get $mode))
    (func (export "post-return") (param $mode i32)
      (if (i32.lt_u (local.get $mode) (i32.const 100)) (then (call $do (local.get $mode)))))
    ;; each mode calls one built-in, with arguments that are valid here
    (func $do (param $mode i32)
      (block $done
        (block $16 (block $15 (block $14 (block $13 (block $12 (block $11 (block $10
        (block $9 (block $8 (block $7 (block $6 (block $5 (block $4
        (block $3 (block $2 (block $1 (block $0
          (br_table $0 $1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11 $12 $13 $14 $15 $16 $done
            (local.get $mode)))
          ;; 0
          (drop (call $stream.new)) (br $done))
          ;; 1
          (drop (call $future.new)) (br $done))
          ;; 2
          (call $blocked (call $stream.read (global.get $s.r) (i32.const 0x100) (i32.const 1))) (br $done))
          ;; 3
          (call $blocked (call $stream.write (global.get $s.w) (i32.const 0x100) (i32.const 1))) (br $done))
          ;; 4
          (call $blocked (call $future.read (global.get $f.r) (i32.const 0x100))) (br $done))
          ;; 5
          (call $blocked (call $future.write (global.get $f.w) (i32.const 0x100))) (br $done))
          ;; 6: cancel_copy: nothing was copied: CANCELLED (2) | (0 << 4)
          (call $cancelled (call $stream.cancel-read (global.get $sr.r))) (br $done))
          ;; 7
          (call $cancelled (call $stream.cancel-write (global.get $sw.w))) (br $done))
          ;; 8
          (call $cancelled (call $future.cancel-read (global.get $fr.r))) (br $done))
          ;; 9
          (call $cancelled (call $future.cancel-write (global.get $fw.w))) (br $done))
          ;; 10
          (call $stream.drop-r (global.get $s.r)) (br $done))
          ;; 11
          (call $stream.drop-w (global.get $s.w)) (br $done))
          ;; 12
          (call $future.drop-r (global.get $f.r)) (br $done))
          ;; 13: WritableFutureEnd.drop needs state DONE: drop the readable
          ;; end, then a write is DROPPED (1) and the writable end is DONE
          ;; (from the post-return, the first drop already traps: same rule)
          (call $future.drop-r (global.get $f.r))
          (if (i32.ne (call $future.write (global.get $f.w) (i32.const 0x100)) (i32.const 1))
            (then unreachable))
          (call $future.drop-w (global.get $f.w)) (br $done))
          ;; 14
          (drop (call $ec.new (i32.const 0) (i32.const 0))) (br $done))
          ;; 15
          (call $ec.msg (global.get $ec) (i32.const 0x200)) (br $done))
        ;; 16
        (call $ec.drop (global.get $ec))))
  )
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "stream.new" (func $stream.new)) (export "stream.read" (func $stream.read))
    (export "stream.write" (func $stream.write))
    (export "stream.cancel-read" (func $stream.cancel-read))
    (export "stream.cancel-write" (func $stream.cancel-write))
    (export "stream.drop-r" (func $stream.drop-r)) (export "stream.drop-w" (func $stream.drop-w))
    (export "future.new" (func $future.new)) (export "future.read" (func $future.read))
    (export "future.write" (func $future.write))
    (export "future.cancel-read" (func $future.cancel-read))
    (export "future.cancel-write" (func $future.cancel-write))
    (export "future.drop-r" (func $future.drop-r)) (export "future.drop-w" (func $future.drop-w))
    (export "ec.new" (func $ec.new)) (export "ec.msg" (func $ec.msg))
    (export "ec.drop" (func $ec.drop))))))
  (func (export "run") (param "mode" u32) (result u32)
    (canon lift (core func $m "run") (post-return (core func $m "post-return"))))
)

;; from the export itself every call is allowed
(component instance $t $T)
(assert_return (invoke "run" (u32.const 100)) (u32.const 100))
(assert_return (invoke "run" (u32.const 101)) (u32.const 101))
(assert_return (invoke "run" (u32.const 102)) (u32.const 102))
(assert_return (invoke "run" (u32.const 103)) (u32.const 103))
(assert_return (invoke "run" (u32.const 104)) (u32.const 104))
(assert_return (invoke "run" (u32.const 105)) (u32.const 105))
(assert_return (invoke "run" (u32.const 106)) (u32.const 106))
(assert_return (invoke "run" (u32.const 107)) (u32.const 107))
(assert_return (invoke "run" (u32.const 108)) (u32.const 108))
(assert_return (invoke "run" (u32.const 109)) (u32.const 109))
(assert_return (invoke "run" (u32.const 110)) (u32.const 110))
(assert_return (invoke "run" (u32.const 111)) (u32.const 111))
(assert_return (invoke "run" (u32.const 112)) (u32.const 112))
(assert_return (invoke "run" (u32.const 113)) (u32.const 113))
(assert_return (invoke "run" (u32.const 114)) (u32.const 114))
(assert_return (invoke "run" (u32.const 115)) (u32.const 115))
(assert_return (invoke "run" (u32.const 116)) (u32.const 116))
;; from its post-return none is (a fresh instance each: the trap is fatal)
;; stream.new/may-leave
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 0)) "cannot leave component instance")
;; future.new/may-leave
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 1)) "cannot leave component instance")
;; stream.copy/may-leave: stream.read
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 2)) "cannot leave component instance")
;; stream.copy/may-leave: stream.write
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 3)) "cannot leave component instance")
;; future.copy/may-leave: future.read
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 4)) "cannot leave component instance")
;; future.copy/may-leave: future.write
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 5)) "cannot leave component instance")
;; copy.cancel/may-leave: stream.cancel-read
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 6)) "cannot leave component instance")
;; copy.cancel/may-leave: stream.cancel-write
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 7)) "cannot leave component instance")
;; copy.cancel/may-leave: future.cancel-read
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 8)) "cannot leave component instance")
;; copy.cancel/may-leave: future.cancel-write
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 9)) "cannot leave component instance")
;; copy.drop/may-leave: stream.drop-readable
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 10)) "cannot leave component instance")
;; copy.drop/may-leave: stream.drop-writable
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 11)) "cannot leave component instance")
;; copy.drop/may-leave: future.drop-readable
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 12)) "cannot leave component instance")
;; copy.drop/may-leave: future.drop-readable (before the drop-writable)
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 13)) "cannot leave component instance")
;; error-context.new/may-leave
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 14)) "cannot leave component instance")
;; error-context.debug-message/may-leave
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 15)) "cannot leave component instance")
;; error-context.drop/may-leave
(component instance $t $T)
(assert_trap (invoke "run" (u32.const 16)) "cannot leave component instance")
