;; Rules: lift-async/not-readable-end, lift-async/wrong-type,
;; lift-async/stream-done, lift-async/future-done, lift-async/busy,
;; lift-async/in-waitable-set.
;;
;; Spec: CanonicalABI.md "canon lower" (the caller's arguments are lifted
;; with lift_flat_values in the caller's instance), "Lifting" (lift_stream,
;; lift_future -> lift_async_value):
;;   e = cx.inst.handles.remove(i)
;;   trap_if(not isinstance(e, ReadableEndT))   -> lift-async/not-readable-end
;;   trap_if(e.shared.t != t)                    -> lift-async/wrong-type
;;   trap_if(e.state != CopyState.IDLE)          -> DONE: lift-async/stream-done,
;;                                                  lift-async/future-done;
;;                                                  COPYING: lift-async/busy
;;   trap_if(e.in_waitable_set())                -> lift-async/in-waitable-set
;; $A passes one of its handles to $B's take-s (a stream<u32>) or take-f
;; (a future<u32>); $B drops the readable end it receives and returns its
;; index in $B's table: 1, the first handle of a fresh instance.  States
;; ("canon stream.{read,write}", "canon future.{read,write}",
;; "canon {stream,future}.cancel-read", "canon waitable.join"):
;;   a read with nothing written is BLOCKED (-1) and the end COPYING;
;;   a stream read after the writable end was dropped is DROPPED | (0 << 4)
;;     = 1 and the end DONE;
;;   a future read after a pending write is COMPLETED (0) and the end DONE;
;;   cancelling a BLOCKED read gives CANCELLED | (0 << 4) = 2, the end IDLE;
;;   waitable.join(e, 0) takes the end out of its set.
;; Trap words: the reference tests' where they have some, else cmref's
;; (canon/rules.def).
(component definition $T
  (component $B
    (type $S (stream u32))
    (type $F (future u32))
    (canon stream.drop-readable $S (core func $s.drop-r))
    (canon future.drop-readable $F (core func $f.drop-r))
    (core module $M
      (import "" "s.drop-r" (func $s.drop-r (param i32)))
      (import "" "f.drop-r" (func $f.drop-r (param i32)))
      (func (export "take-s") (param i32) (result i32) (call $s.drop-r (local.get 0)) (local.get 0))
      (func (export "take-f") (param i32) (result i32) (call $f.drop-r (local.get 0)) (local.get 0)))
    (core instance $m (instantiate $M (with "" (instance
      (export "s.drop-r" (func $s.drop-r)) (export "f.drop-r" (func $f.drop-r))))))
    (func (export "take-s") (param "s" $S) (result u32) (canon lift (core func $m "take-s")))
    (func (export "take-f") (param "f" $F) (result u32) (canon lift (core func $m "take-f"))))
  (component $A
    (type $S (stream u32))
    (type $F (future u32))
    (type $S8 (stream u8))
    (type $F8 (future u8))
    (import "take-s" (func $take-s (param "s" $S) (result u32)))
    (import "take-f" (func $take-f (param "f" $F) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $take-s (canon lower (func $take-s)))
    (core func $take-f (canon lower (func $take-f)))
    (canon stream.new $S (core func $s.new))
    (canon stream.read $S async (memory (core memory $mem "mem")) (core func $s.read))
    (canon stream.cancel-read $S async (core func $s.cancel-read))
    (canon stream.drop-writable $S (core func $s.drop-w))
    (canon future.new $F (core func $f.new))
    (canon future.read $F async (memory (core memory $mem "mem")) (core func $f.read))
    (canon future.write $F async (memory (core memory $mem "mem")) (core func $f.write))
    (canon stream.new $S8 (core func $s8.new))
    (canon future.new $F8 (core func $f8.new))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable.join (core func $join))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "take-s" (func $take-s (param i32) (result i32)))
      (import "" "take-f" (func $take-f (param i32) (result i32)))
      (import "" "s.new" (func $s.new (result i64)))
      (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
      (import "" "s.cancel-read" (func $s.cancel-read (param i32) (result i32)))
      (import "" "s.drop-w" (func $s.drop-w (param i32)))
      (import "" "f.new" (func $f.new (result i64)))
      (import "" "f.read" (func $f.read (param i32 i32) (result i32)))
      (import "" "f.write" (func $f.write (param i32 i32) (result i32)))
      (import "" "s8.new" (func $s8.new (result i64)))
      (import "" "f8.new" (func $f8.new (result i64)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (func $lo (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
      (func $hi (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
      (func $check (param i32 i32) (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
      ;; passing an idle readable end
      (func (export "stream") (result i32) (call $take-s (call $lo (call $s.new))))
      (func (export "future") (result i32) (call $take-f (call $lo (call $f.new))))
      ;; ... after a read was cancelled (IDLE again)
      (func (export "stream-cancelled") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $s.new)))
        (call $check (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)) (i32.const -1))
        (call $check (call $s.cancel-read (local.get $r)) (i32.const 2))
        (call $take-s (local.get $r)))
      ;; ... after it left its waitable set
      (func (export "future-unjoined") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $f.new)))
        (call $join (local.get $r) (call $ws.new))
        (call $join (local.get $r) (i32.const 0))
        (call $take-f (local.get $r)))
      ;; not-readable-end
      (func (export "stream-writable") (result i32) (call $take-s (call $hi (call $s.new))))
      (func (export "future-writable") (result i32) (call $take-f (call $hi (call $f.new))))
      (func (export "future-as-stream") (result i32) (call $take-s (call $lo (call $f.new))))
      (func (export "stream-as-future") (result i32) (call $take-f (call $lo (call $s.new))))
      (func (export "wset-as-stream") (result i32) (call $take-s (call $ws.new)))
      ;; wrong-type: u8 ends where u32 ends are expected
      (func (export "stream-u8") (result i32) (call $take-s (call $lo (call $s8.new))))
      (func (export "future-u8") (result i32) (call $take-f (call $lo (call $f8.new))))
      ;; stream-done
      (func (export "stream-done") (result i32)
        (local $e i64)
        (local.set $e (call $s.new))
        (call $s.drop-w (call $hi (local.get $e)))
        (call $check (call $s.read (call $lo (local.get $e)) (i32.const 0x100) (i32.const 1)) (i32.const 1))
        (call $take-s (call $lo (local.get $e))))
      ;; future-done
      (func (export "future-done") (result i32)
        (local $e i64)
        (local.set $e (call $f.new))
        (call $check (call $f.write (call $hi (local.get $e)) (i32.const 0x100)) (i32.const -1))
        (call $check (call $f.read (call $lo (local.get $e)) (i32.const 0x200)) (i32.const 0))
        (call $take-f (call $lo (local.get $e))))
      ;; busy
      (func (export "stream-busy") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $s.new)))
        (call $check (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)) (i32.const -1))
        (call $take-s (local.get $r)))
      (func (export "future-busy") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $f.new)))
        (call $check (call $f.read (local.get $r) (i32.const 0x100)) (i32.const -1))
        (call $take-f (local.get $r)))
      ;; in-waitable-set
      (func (export "stream-in-set") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $s.new)))
        (call $join (local.get $r) (call $ws.new))
        (call $take-s (local.get $r)))
      (func (export "future-in-set") (result i32)
        (local $r i32)
        (local.set $r (call $lo (call $f.new)))
        (call $join (local.get $r) (call $ws.new))
        (call $take-f (local.get $r))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "take-s" (func $take-s)) (export "take-f" (func $take-f))
      (export "s.new" (func $s.new)) (export "s.read" (func $s.read))
      (export "s.cancel-read" (func $s.cancel-read)) (export "s.drop-w" (func $s.drop-w))
      (export "f.new" (func $f.new)) (export "f.read" (func $f.read)) (export "f.write" (func $f.write))
      (export "s8.new" (func $s8.new)) (export "f8.new" (func $f8.new))
      (export "ws.new" (func $ws.new)) (export "join" (func $join))))))
    (func (export "stream") (result u32) (canon lift (core func $m "stream")))
    (func (export "future") (result u32) (canon lift (core func $m "future")))
    (func (export "stream-cancelled") (result u32) (canon lift (core func $m "stream-cancelled")))
    (func (export "future-unjoined") (result u32) (canon lift (core func $m "future-unjoined")))
    (func (export "stream-writable") (result u32) (canon lift (core func $m "stream-writable")))
    (func (export "future-writable") (result u32) (canon lift (core func $m "future-writable")))
    (func (export "future-as-stream") (result u32) (canon lift (core func $m "future-as-stream")))
    (func (export "stream-as-future") (result u32) (canon lift (core func $m "stream-as-future")))
    (func (export "wset-as-stream") (result u32) (canon lift (core func $m "wset-as-stream")))
    (func (export "stream-u8") (result u32) (canon lift (core func $m "stream-u8")))
    (func (export "future-u8") (result u32) (canon lift (core func $m "future-u8")))
    (func (export "stream-done") (result u32) (canon lift (core func $m "stream-done")))
    (func (export "future-done") (result u32) (canon lift (core func $m "future-done")))
    (func (export "stream-busy") (result u32) (canon lift (core func $m "stream-busy")))
    (func (export "future-busy") (result u32) (canon lift (core func $m "future-busy")))
    (func (export "stream-in-set") (result u32) (canon lift (core func $m "stream-in-set")))
    (func (export "future-in-set") (result u32) (canon lift (core func $m "future-in-set"))))
  (instance $b (instantiate $B))
  (instance $a (instantiate $A (with "take-s" (func $b "take-s")) (with "take-f" (func $b "take-f"))))
  (export "stream" (func $a "stream"))
  (export "future" (func $a "future"))
  (export "stream-cancelled" (func $a "stream-cancelled"))
  (export "future-unjoined" (func $a "future-unjoined"))
  (export "stream-writable" (func $a "stream-writable"))
  (export "future-writable" (func $a "future-writable"))
  (export "future-as-stream" (func $a "future-as-stream"))
  (export "stream-as-future" (func $a "stream-as-future"))
  (export "wset-as-stream" (func $a "wset-as-stream"))
  (export "stream-u8" (func $a "stream-u8"))
  (export "future-u8" (func $a "future-u8"))
  (export "stream-done" (func $a "stream-done"))
  (export "future-done" (func $a "future-done"))
  (export "stream-busy" (func $a "stream-busy"))
  (export "future-busy" (func $a "future-busy"))
  (export "stream-in-set" (func $a "stream-in-set"))
  (export "future-in-set" (func $a "future-in-set")))

;; idle readable ends pass; $B gets them as its handle 1 each time (it
;; drops each one before returning)
(component instance $t $T)
(assert_return (invoke "stream") (u32.const 1))
(assert_return (invoke "future") (u32.const 1))
(assert_return (invoke "stream-cancelled") (u32.const 1))
(assert_return (invoke "future-unjoined") (u32.const 1))

;; lift-async/not-readable-end
(component instance $t $T)
(assert_trap (invoke "stream-writable") "is not a readable stream end")
(component instance $t $T)
(assert_trap (invoke "future-writable") "is not a readable future end")
(component instance $t $T)
(assert_trap (invoke "future-as-stream") "is not a readable stream end")
(component instance $t $T)
(assert_trap (invoke "stream-as-future") "is not a readable future end")
(component instance $t $T)
(assert_trap (invoke "wset-as-stream") "is not a readable stream end")
;; lift-async/wrong-type
(component instance $t $T)
(assert_trap (invoke "stream-u8") "is a stream of another type")
(component instance $t $T)
(assert_trap (invoke "future-u8") "is a future of another type")
;; lift-async/stream-done
(component instance $t $T)
(assert_trap (invoke "stream-done") "cannot lift stream after being notified that the writable end dropped")
;; lift-async/future-done
(component instance $t $T)
(assert_trap (invoke "future-done") "cannot lift future after previous read succeeded")
;; lift-async/busy
(component instance $t $T)
(assert_trap (invoke "stream-busy") "cannot remove busy stream")
(component instance $t $T)
(assert_trap (invoke "future-busy") "cannot remove busy future")
;; lift-async/in-waitable-set
(component instance $t $T)
(assert_trap (invoke "stream-in-set") "cannot lift stream while it's in a waitable set")
(component instance $t $T)
(assert_trap (invoke "future-in-set") "cannot lift future while it's in a waitable set")
