;; Rules: stream/not-readable-end, stream/not-writable-end,
;; future/not-readable-end, future/not-writable-end, copy/wrong-type,
;; stream.copy/busy, future.copy/busy, stream.copy/sync-in-set,
;; future.copy/sync-in-set, stream.copy/write-after-drop,
;; stream.copy/read-after-drop, future.copy/read-after-done,
;; future.copy/write-after-done, copy.cancel/no-read, copy.cancel/no-write,
;; copy.cancel/sync-in-set, copy-end.drop/busy, future.drop-writable/not-done.
;;
;; Spec: CanonicalABI.md "canon stream.{read,write}" (stream_copy),
;; "canon future.{read,write}" (future_copy), "canon
;; {stream,future}.cancel-{read,write}" (cancel_copy), "canon
;; {stream,future}.drop-{readable,writable}" (drop), "Stream State" /
;; "Future State" (CopyEnd.drop, WritableFutureEnd.drop,
;; SharedStreamImpl/SharedFutureImpl read and write).  After the may_leave
;; check (async/may-leave-streams.wast), each built-in checks in order:
;;   e = handles.get(i) / handles.remove(i);
;;   trap_if(not isinstance(e, EndT))         -> {stream,future}/not-{readable,writable}-end
;;   trap_if(e.shared.t != t)                  -> copy/wrong-type
;;   stream_copy/future_copy:
;;     trap_if(e.state != IDLE)                -> COPYING: */busy; DONE:
;;        stream.copy/read-after-drop, stream.copy/write-after-drop,
;;        future.copy/read-after-done, future.copy/write-after-done
;;     trap_if(e.in_waitable_set() and not opts.async_)  -> */sync-in-set
;;   cancel_copy:
;;     trap_if(e.state != COPYING or e.has_sync_waiter)  -> copy.cancel/no-{read,write}
;;     trap_if(e.in_waitable_set() and not async_)        -> copy.cancel/sync-in-set
;;   drop: WritableFutureEnd.drop: trap_if(state != DONE) (future.drop-writable/not-done),
;;     then CopyEnd.drop: trap_if(self.copying())          -> copy-end.drop/busy.
;; States used (both ends in this one instance; the element type u32 is a
;; number, so the "temporary" intra-component rule does not apply):
;;   a read or write with nothing on the other end: BLOCKED (-1), COPYING;
;;   a stream write after the readable end was dropped: DROPPED | (0 << 4)
;;     = 1 at once, the writable end is DONE (stream_event);
;;   a future read after a pending write: COMPLETED (0) at once, DONE
;;     (future_event); likewise a future write after a pending read; a
;;     future write after the readable end was dropped: DROPPED (1), DONE.
;; Trap words: the spec gives none; these are the reference tests' where
;; they have some (a busy readable end is "removed", a writable one
;; "dropped"), else cmref's (canon/rules.def), asserted by a part that
;; names the condition.
;; Every scenario first checks the results leading to its last call (a
;; wrong result is `unreachable`, which no assert_trap below accepts).

(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (type $S (stream u32))
  (type $S8 (stream u8))
  (type $F (future u32))
  (type $F8 (future u8))
  (canon stream.new $S (core func $s.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $s.read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $s.write))
  (canon stream.read $S (memory (core memory $mem "mem")) (core func $s.read-sync))
  (canon stream.write $S (memory (core memory $mem "mem")) (core func $s.write-sync))
  (canon stream.cancel-read $S async (core func $s.cancel-read))
  (canon stream.cancel-write $S async (core func $s.cancel-write))
  (canon stream.cancel-read $S (core func $s.cancel-read-sync))
  (canon stream.drop-readable $S (core func $s.drop-r))
  (canon stream.drop-writable $S (core func $s.drop-w))
  (canon stream.read $S8 async (memory (core memory $mem "mem")) (core func $s8.read))
  (canon stream.write $S8 async (memory (core memory $mem "mem")) (core func $s8.write))
  (canon stream.cancel-read $S8 async (core func $s8.cancel-read))
  (canon stream.drop-readable $S8 (core func $s8.drop-r))
  (canon future.new $F (core func $f.new))
  (canon future.read $F async (memory (core memory $mem "mem")) (core func $f.read))
  (canon future.write $F async (memory (core memory $mem "mem")) (core func $f.write))
  (canon future.read $F (memory (core memory $mem "mem")) (core func $f.read-sync))
  (canon future.write $F (memory (core memory $mem "mem")) (core func $f.write-sync))
  (canon future.cancel-read $F async (core func $f.cancel-read))
  (canon future.cancel-write $F async (core func $f.cancel-write))
  (canon future.cancel-write $F (core func $f.cancel-write-sync))
  (canon future.drop-readable $F (core func $f.drop-r))
  (canon future.drop-writable $F (core func $f.drop-w))
  (canon future.read $F8 async (memory (core memory $mem "mem")) (core func $f8.read))
  (canon future.write $F8 async (memory (core memory $mem "mem")) (core func $f8.write))
  (canon future.cancel-write $F8 async (core func $f8.cancel-write))
  (canon future.drop-writable $F8 (core func $f8.drop-w))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable.join (core func $join))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "s.new" (func $s.new (result i64)))
    (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
    (import "" "s.write" (func $s.write (param i32 i32 i32) (result i32)))
    (import "" "s.read-sync" (func $s.read-sync (param i32 i32 i32) (result i32)))
    (import "" "s.write-sync" (func $s.write-sync (param i32 i32 i32) (result i32)))
    (import "" "s.cancel-read" (func $s.cancel-read (param i32) (result i32)))
    (import "" "s.cancel-write" (func $s.cancel-write (param i32) (result i32)))
    (import "" "s.cancel-read-sync" (func $s.cancel-read-sync (param i32) (result i32)))
    (import "" "s.drop-r" (func $s.drop-r (param i32)))
    (import "" "s.drop-w" (func $s.drop-w (param i32)))
    (import "" "s8.read" (func $s8.read (param i32 i32 i32) (result i32)))
    (import "" "s8.write" (func $s8.write (param i32 i32 i32) (result i32)))
    (import "" "s8.cancel-read" (func $s8.cancel-read (param i32) (result i32)))
    (import "" "s8.drop-r" (func $s8.drop-r (param i32)))
    (import "" "f.new" (func $f.new (result i64)))
    (import "" "f.read" (func $f.read (param i32 i32) (result i32)))
    (import "" "f.write" (func $f.write (param i32 i32) (result i32)))
    (import "" "f.read-sync" (func $f.read-sync (param i32 i32) (result i32)))
    (import "" "f.write-sync" (func $f.write-sync (param i32 i32) (result i32)))
    (import "" "f.cancel-read" (func $f.cancel-read (param i32) (result i32)))
    (import "" "f.cancel-write" (func $f.cancel-write (param i32) (result i32)))
    (import "" "f.cancel-write-sync" (func $f.cancel-write-sync (param i32) (result i32)))
    (import "" "f.drop-r" (func $f.drop-r (param i32)))
    (import "" "f.drop-w" (func $f.drop-w (param i32)))
    (import "" "f8.read" (func $f8.read (param i32 i32) (result i32)))
    (import "" "f8.write" (func $f8.write (param i32 i32) (result i32)))
    (import "" "f8.cancel-write" (func $f8.cancel-write (param i32) (result i32)))
    (import "" "f8.drop-w" (func $f8.drop-w (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (func $lo (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
    (func $hi (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
    (func $check (param i32 i32) (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
    (func $blocked (param i32) (call $check (local.get 0) (i32.const -1)))
    ;; stream/not-readable-end: stream.read of a writable end
    (func (export "s-read-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.read (local.get $w) (i32.const 0x100) (i32.const 1))))
    ;; stream/not-readable-end: stream.read of a future's readable end
    (func (export "s-read-future") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; stream/not-readable-end: stream.read of a waitable set
    (func (export "s-read-wset") (local $e i64) (local $r i32) (local $w i32)
      (drop (call $s.read (call $ws.new) (i32.const 0x100) (i32.const 1))))
    ;; stream/not-readable-end: stream.cancel-read of a writable end
    (func (export "s-cancel-read-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.cancel-read (local.get $w))))
    ;; stream/not-readable-end: stream.drop-readable of a writable end
    (func (export "s-drop-readable-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s.drop-r (local.get $w)))
    ;; stream/not-writable-end: stream.write of a readable end
    (func (export "s-write-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.write (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; stream/not-writable-end: stream.cancel-write of a readable end
    (func (export "s-cancel-write-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.cancel-write (local.get $r))))
    ;; stream/not-writable-end: stream.drop-writable of a readable end
    (func (export "s-drop-writable-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s.drop-w (local.get $r)))
    ;; future/not-readable-end: future.read of a writable end
    (func (export "f-read-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.read (local.get $w) (i32.const 0x100))))
    ;; future/not-readable-end: future.read of a stream's readable end
    (func (export "f-read-stream") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.read (local.get $r) (i32.const 0x100))))
    ;; future/not-readable-end: future.cancel-read of a writable end
    (func (export "f-cancel-read-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.cancel-read (local.get $w))))
    ;; future/not-readable-end: future.drop-readable of a writable end
    (func (export "f-drop-readable-writable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $f.drop-r (local.get $w)))
    ;; future/not-writable-end: future.write of a readable end
    (func (export "f-write-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.write (local.get $r) (i32.const 0x100))))
    ;; future/not-writable-end: future.write of a stream's writable end
    (func (export "f-write-stream") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.write (local.get $w) (i32.const 0x100))))
    ;; future/not-writable-end: future.cancel-write of a readable end
    (func (export "f-cancel-write-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.cancel-write (local.get $r))))
    ;; future/not-writable-end: future.drop-writable of a readable end
    (func (export "f-drop-writable-readable") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $f.drop-w (local.get $r)))
    ;; copy/wrong-type: stream.read (stream u8) of a stream<u32> end
    (func (export "s-read-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s8.read (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; copy/wrong-type: stream.write (stream u8)
    (func (export "s-write-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s8.write (local.get $w) (i32.const 0x100) (i32.const 1))))
    ;; copy/wrong-type: stream.cancel-read (stream u8); the type check comes before the state check
    (func (export "s-cancel-read-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s8.cancel-read (local.get $r))))
    ;; copy/wrong-type: stream.drop-readable (stream u8)
    (func (export "s-drop-readable-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s8.drop-r (local.get $r)))
    ;; copy/wrong-type: future.read (future u8) of a future<u32> end
    (func (export "f-read-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f8.read (local.get $r) (i32.const 0x100))))
    ;; copy/wrong-type: future.write (future u8)
    (func (export "f-write-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f8.write (local.get $w) (i32.const 0x100))))
    ;; copy/wrong-type: future.cancel-write (future u8)
    (func (export "f-cancel-write-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f8.cancel-write (local.get $w))))
    ;; copy/wrong-type: future.drop-writable (future u8); the type check comes before WritableFutureEnd.drop's
    (func (export "f-drop-writable-u8") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $f8.drop-w (local.get $w)))
    ;; stream.copy/busy: a second read while the first is BLOCKED
    (func (export "s-read-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)))
      (drop (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; stream.copy/busy: a second write while the first is BLOCKED
    (func (export "s-write-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.write (local.get $w) (i32.const 0x100) (i32.const 1)))
      (drop (call $s.write (local.get $w) (i32.const 0x100) (i32.const 1))))
    ;; future.copy/busy
    (func (export "f-read-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.read (local.get $r) (i32.const 0x100)))
      (drop (call $f.read (local.get $r) (i32.const 0x100))))
    ;; future.copy/busy
    (func (export "f-write-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.write (local.get $w) (i32.const 0x100)))
      (drop (call $f.write (local.get $w) (i32.const 0x100))))
    ;; stream.copy/sync-in-set: a synchronous stream.read of a joined end
    (func (export "s-sync-read-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $join (local.get $r) (call $ws.new))
      (drop (call $s.read-sync (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; stream.copy/sync-in-set: a synchronous stream.write of a joined end
    (func (export "s-sync-write-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $join (local.get $w) (call $ws.new))
      (drop (call $s.write-sync (local.get $w) (i32.const 0x100) (i32.const 1))))
    ;; future.copy/sync-in-set
    (func (export "f-sync-read-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $join (local.get $r) (call $ws.new))
      (drop (call $f.read-sync (local.get $r) (i32.const 0x100))))
    ;; future.copy/sync-in-set
    (func (export "f-sync-write-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $join (local.get $w) (call $ws.new))
      (drop (call $f.write-sync (local.get $w) (i32.const 0x100))))
    ;; stream.copy/write-after-drop: the write that saw DROPPED made the end DONE
    (func (export "s-write-after-drop") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s.drop-r (local.get $r))
      (call $check (call $s.write (local.get $w) (i32.const 0x100) (i32.const 1)) (i32.const 1))
      (drop (call $s.write (local.get $w) (i32.const 0x100) (i32.const 1))))
    ;; stream.copy/read-after-drop, with synchronous reads
    (func (export "s-sync-read-after-drop") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s.drop-w (local.get $w))
      (call $check (call $s.read-sync (local.get $r) (i32.const 0x100) (i32.const 1)) (i32.const 1))
      (drop (call $s.read-sync (local.get $r) (i32.const 0x100) (i32.const 1))))
    ;; future.copy/read-after-done: the read that COMPLETED made the end DONE
    (func (export "f-read-after-done") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (i32.store (i32.const 0x100) (i32.const 7))
      (call $blocked (call $f.write (local.get $w) (i32.const 0x100)))
      (call $check (call $f.read (local.get $r) (i32.const 0x200)) (i32.const 0))
      (call $check (i32.load (i32.const 0x200)) (i32.const 7))
      (drop (call $f.read (local.get $r) (i32.const 0x200))))
    ;; future.copy/write-after-done: the write that COMPLETED made the end DONE
    (func (export "f-write-after-done") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.read (local.get $r) (i32.const 0x200)))
      (call $check (call $f.write (local.get $w) (i32.const 0x100)) (i32.const 0))
      (drop (call $f.write (local.get $w) (i32.const 0x100))))
    ;; future.copy/write-after-done: the write that saw DROPPED made the end DONE
    (func (export "f-write-after-drop") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $f.drop-r (local.get $r))
      (call $check (call $f.write-sync (local.get $w) (i32.const 0x100)) (i32.const 1))
      (drop (call $f.write-sync (local.get $w) (i32.const 0x100))))
    ;; copy.cancel/no-read: stream.cancel-read of an idle end
    (func (export "s-cancel-read-idle") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.cancel-read (local.get $r))))
    ;; copy.cancel/no-read: stream.cancel-read of a DONE end (after DROPPED)
    (func (export "s-cancel-read-done") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $s.drop-w (local.get $w))
      (call $check (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)) (i32.const 1))
      (drop (call $s.cancel-read (local.get $r))))
    ;; copy.cancel/no-read: a second cancel, after the first returned CANCELLED (2)
    (func (export "s-cancel-read-cancelled") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)))
      (call $check (call $s.cancel-read (local.get $r)) (i32.const 2))
      (drop (call $s.cancel-read (local.get $r))))
    ;; copy.cancel/no-write: stream.cancel-write of an idle end
    (func (export "s-cancel-write-idle") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $s.cancel-write (local.get $w))))
    ;; copy.cancel/no-read: future.cancel-read of an idle end
    (func (export "f-cancel-read-idle") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (drop (call $f.cancel-read (local.get $r))))
    ;; copy.cancel/no-write: future.cancel-write after the write COMPLETED
    (func (export "f-cancel-write-done") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.read (local.get $r) (i32.const 0x200)))
      (call $check (call $f.write (local.get $w) (i32.const 0x100)) (i32.const 0))
      (drop (call $f.cancel-write (local.get $w))))
    ;; copy.cancel/sync-in-set: the read is BLOCKED, the end joined, a synchronous cancel
    (func (export "s-sync-cancel-read-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)))
      (call $join (local.get $r) (call $ws.new))
      (drop (call $s.cancel-read-sync (local.get $r))))
    ;; copy.cancel/sync-in-set: future.cancel-write
    (func (export "f-sync-cancel-write-in-set") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.write (local.get $w) (i32.const 0x100)))
      (call $join (local.get $w) (call $ws.new))
      (drop (call $f.cancel-write-sync (local.get $w))))
    ;; copy-end.drop/busy: dropping a readable stream end while its read is BLOCKED
    (func (export "s-drop-readable-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.read (local.get $r) (i32.const 0x100) (i32.const 1)))
      (call $s.drop-r (local.get $r)))
    ;; copy-end.drop/busy: a writable stream end
    (func (export "s-drop-writable-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $s.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $s.write (local.get $w) (i32.const 0x100) (i32.const 1)))
      (call $s.drop-w (local.get $w)))
    ;; copy-end.drop/busy: a readable future end
    (func (export "f-drop-readable-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.read (local.get $r) (i32.const 0x100)))
      (call $f.drop-r (local.get $r)))
    ;; future.drop-writable/not-done: a writable future end while its write is BLOCKED:
    ;; WritableFutureEnd.drop checks state != DONE before CopyEnd.drop's copying()
    (func (export "f-drop-writable-busy") (local $e i64) (local $r i32) (local $w i32)
      (local.set $e (call $f.new)) (local.set $r (call $lo (local.get $e))) (local.set $w (call $hi (local.get $e)))
      (call $blocked (call $f.write (local.get $w) (i32.const 0x100)))
      (call $f.drop-w (local.get $w)))
  )
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "s.new" (func $s.new)) (export "s.read" (func $s.read)) (export "s.write" (func $s.write))
    (export "s.read-sync" (func $s.read-sync)) (export "s.write-sync" (func $s.write-sync)) (export "s.cancel-read" (func $s.cancel-read))
    (export "s.cancel-write" (func $s.cancel-write)) (export "s.cancel-read-sync" (func $s.cancel-read-sync)) (export "s.drop-r" (func $s.drop-r))
    (export "s.drop-w" (func $s.drop-w)) (export "s8.read" (func $s8.read)) (export "s8.write" (func $s8.write))
    (export "s8.cancel-read" (func $s8.cancel-read)) (export "s8.drop-r" (func $s8.drop-r)) (export "f.new" (func $f.new))
    (export "f.read" (func $f.read)) (export "f.write" (func $f.write)) (export "f.read-sync" (func $f.read-sync))
    (export "f.write-sync" (func $f.write-sync)) (export "f.cancel-read" (func $f.cancel-read)) (export "f.cancel-write" (func $f.cancel-write))
    (export "f.cancel-write-sync" (func $f.cancel-write-sync)) (export "f.drop-r" (func $f.drop-r)) (export "f.drop-w" (func $f.drop-w))
    (export "f8.read" (func $f8.read)) (export "f8.write" (func $f8.write)) (export "f8.cancel-write" (func $f8.cancel-write))
    (export "f8.drop-w" (func $f8.drop-w)) (export "ws.new" (func $ws.new)) (export "join" (func $join))))))
  (func (export "s-read-writable") (canon lift (core func $m "s-read-writable")))
  (func (export "s-read-future") (canon lift (core func $m "s-read-future")))
  (func (export "s-read-wset") (canon lift (core func $m "s-read-wset")))
  (func (export "s-cancel-read-writable") (canon lift (core func $m "s-cancel-read-writable")))
  (func (export "s-drop-readable-writable") (canon lift (core func $m "s-drop-readable-writable")))
  (func (export "s-write-readable") (canon lift (core func $m "s-write-readable")))
  (func (export "s-cancel-write-readable") (canon lift (core func $m "s-cancel-write-readable")))
  (func (export "s-drop-writable-readable") (canon lift (core func $m "s-drop-writable-readable")))
  (func (export "f-read-writable") (canon lift (core func $m "f-read-writable")))
  (func (export "f-read-stream") (canon lift (core func $m "f-read-stream")))
  (func (export "f-cancel-read-writable") (canon lift (core func $m "f-cancel-read-writable")))
  (func (export "f-drop-readable-writable") (canon lift (core func $m "f-drop-readable-writable")))
  (func (export "f-write-readable") (canon lift (core func $m "f-write-readable")))
  (func (export "f-write-stream") (canon lift (core func $m "f-write-stream")))
  (func (export "f-cancel-write-readable") (canon lift (core func $m "f-cancel-write-readable")))
  (func (export "f-drop-writable-readable") (canon lift (core func $m "f-drop-writable-readable")))
  (func (export "s-read-u8") (canon lift (core func $m "s-read-u8")))
  (func (export "s-write-u8") (canon lift (core func $m "s-write-u8")))
  (func (export "s-cancel-read-u8") (canon lift (core func $m "s-cancel-read-u8")))
  (func (export "s-drop-readable-u8") (canon lift (core func $m "s-drop-readable-u8")))
  (func (export "f-read-u8") (canon lift (core func $m "f-read-u8")))
  (func (export "f-write-u8") (canon lift (core func $m "f-write-u8")))
  (func (export "f-cancel-write-u8") (canon lift (core func $m "f-cancel-write-u8")))
  (func (export "f-drop-writable-u8") (canon lift (core func $m "f-drop-writable-u8")))
  (func (export "s-read-busy") (canon lift (core func $m "s-read-busy")))
  (func (export "s-write-busy") (canon lift (core func $m "s-write-busy")))
  (func (export "f-read-busy") (canon lift (core func $m "f-read-busy")))
  (func (export "f-write-busy") (canon lift (core func $m "f-write-busy")))
  (func (export "s-sync-read-in-set") (canon lift (core func $m "s-sync-read-in-set")))
  (func (export "s-sync-write-in-set") (canon lift (core func $m "s-sync-write-in-set")))
  (func (export "f-sync-read-in-set") (canon lift (core func $m "f-sync-read-in-set")))
  (func (export "f-sync-write-in-set") (canon lift (core func $m "f-sync-write-in-set")))
  (func (export "s-write-after-drop") (canon lift (core func $m "s-write-after-drop")))
  (func (export "s-sync-read-after-drop") (canon lift (core func $m "s-sync-read-after-drop")))
  (func (export "f-read-after-done") (canon lift (core func $m "f-read-after-done")))
  (func (export "f-write-after-done") (canon lift (core func $m "f-write-after-done")))
  (func (export "f-write-after-drop") (canon lift (core func $m "f-write-after-drop")))
  (func (export "s-cancel-read-idle") (canon lift (core func $m "s-cancel-read-idle")))
  (func (export "s-cancel-read-done") (canon lift (core func $m "s-cancel-read-done")))
  (func (export "s-cancel-read-cancelled") (canon lift (core func $m "s-cancel-read-cancelled")))
  (func (export "s-cancel-write-idle") (canon lift (core func $m "s-cancel-write-idle")))
  (func (export "f-cancel-read-idle") (canon lift (core func $m "f-cancel-read-idle")))
  (func (export "f-cancel-write-done") (canon lift (core func $m "f-cancel-write-done")))
  (func (export "s-sync-cancel-read-in-set") (canon lift (core func $m "s-sync-cancel-read-in-set")))
  (func (export "f-sync-cancel-write-in-set") (canon lift (core func $m "f-sync-cancel-write-in-set")))
  (func (export "s-drop-readable-busy") (canon lift (core func $m "s-drop-readable-busy")))
  (func (export "s-drop-writable-busy") (canon lift (core func $m "s-drop-writable-busy")))
  (func (export "f-drop-readable-busy") (canon lift (core func $m "f-drop-readable-busy")))
  (func (export "f-drop-writable-busy") (canon lift (core func $m "f-drop-writable-busy")))
)

;; stream/not-readable-end
(component instance $t $T)
(assert_trap (invoke "s-read-writable") "is not a readable stream end")

;; stream/not-readable-end
(component instance $t $T)
(assert_trap (invoke "s-read-future") "is not a readable stream end")

;; stream/not-readable-end
(component instance $t $T)
(assert_trap (invoke "s-read-wset") "is not a readable stream end")

;; stream/not-readable-end
(component instance $t $T)
(assert_trap (invoke "s-cancel-read-writable") "is not a readable stream end")

;; stream/not-readable-end
(component instance $t $T)
(assert_trap (invoke "s-drop-readable-writable") "is not a readable stream end")

;; stream/not-writable-end
(component instance $t $T)
(assert_trap (invoke "s-write-readable") "is not a writable stream end")

;; stream/not-writable-end
(component instance $t $T)
(assert_trap (invoke "s-cancel-write-readable") "is not a writable stream end")

;; stream/not-writable-end
(component instance $t $T)
(assert_trap (invoke "s-drop-writable-readable") "is not a writable stream end")

;; future/not-readable-end
(component instance $t $T)
(assert_trap (invoke "f-read-writable") "is not a readable future end")

;; future/not-readable-end
(component instance $t $T)
(assert_trap (invoke "f-read-stream") "is not a readable future end")

;; future/not-readable-end
(component instance $t $T)
(assert_trap (invoke "f-cancel-read-writable") "is not a readable future end")

;; future/not-readable-end
(component instance $t $T)
(assert_trap (invoke "f-drop-readable-writable") "is not a readable future end")

;; future/not-writable-end
(component instance $t $T)
(assert_trap (invoke "f-write-readable") "is not a writable future end")

;; future/not-writable-end
(component instance $t $T)
(assert_trap (invoke "f-write-stream") "is not a writable future end")

;; future/not-writable-end
(component instance $t $T)
(assert_trap (invoke "f-cancel-write-readable") "is not a writable future end")

;; future/not-writable-end
(component instance $t $T)
(assert_trap (invoke "f-drop-writable-readable") "is not a writable future end")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "s-read-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "s-write-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "s-cancel-read-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "s-drop-readable-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "f-read-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "f-write-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "f-cancel-write-u8") "of another type")

;; copy/wrong-type
(component instance $t $T)
(assert_trap (invoke "f-drop-writable-u8") "of another type")

;; stream.copy/busy
(component instance $t $T)
(assert_trap (invoke "s-read-busy") "cannot have concurrent operations active on a future/stream")

;; stream.copy/busy
(component instance $t $T)
(assert_trap (invoke "s-write-busy") "cannot have concurrent operations active on a future/stream")

;; future.copy/busy
(component instance $t $T)
(assert_trap (invoke "f-read-busy") "cannot have concurrent operations active on a future/stream")

;; future.copy/busy
(component instance $t $T)
(assert_trap (invoke "f-write-busy") "cannot have concurrent operations active on a future/stream")

;; stream.copy/sync-in-set
(component instance $t $T)
(assert_trap (invoke "s-sync-read-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; stream.copy/sync-in-set
(component instance $t $T)
(assert_trap (invoke "s-sync-write-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; future.copy/sync-in-set
(component instance $t $T)
(assert_trap (invoke "f-sync-read-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; future.copy/sync-in-set
(component instance $t $T)
(assert_trap (invoke "f-sync-write-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; stream.copy/write-after-drop
(component instance $t $T)
(assert_trap (invoke "s-write-after-drop") "cannot write to stream after being notified that the readable end dropped")

;; stream.copy/read-after-drop, with synchronous reads
(component instance $t $T)
(assert_trap (invoke "s-sync-read-after-drop") "cannot read from stream after being notified that the writable end dropped")

;; future.copy/read-after-done
(component instance $t $T)
(assert_trap (invoke "f-read-after-done") "cannot read from future after previous read succeeded")

;; future.copy/write-after-done
(component instance $t $T)
(assert_trap (invoke "f-write-after-done") "cannot write to future after previous write succeeded or readable end dropped")

;; future.copy/write-after-done
(component instance $t $T)
(assert_trap (invoke "f-write-after-drop") "cannot write to future after previous write succeeded or readable end dropped")

;; copy.cancel/no-read
(component instance $t $T)
(assert_trap (invoke "s-cancel-read-idle") "there is no read in progress to cancel")

;; copy.cancel/no-read
(component instance $t $T)
(assert_trap (invoke "s-cancel-read-done") "there is no read in progress to cancel")

;; copy.cancel/no-read
(component instance $t $T)
(assert_trap (invoke "s-cancel-read-cancelled") "there is no read in progress to cancel")

;; copy.cancel/no-write
(component instance $t $T)
(assert_trap (invoke "s-cancel-write-idle") "there is no write in progress to cancel")

;; copy.cancel/no-read
(component instance $t $T)
(assert_trap (invoke "f-cancel-read-idle") "there is no read in progress to cancel")

;; copy.cancel/no-write
(component instance $t $T)
(assert_trap (invoke "f-cancel-write-done") "there is no write in progress to cancel")

;; copy.cancel/sync-in-set
(component instance $t $T)
(assert_trap (invoke "s-sync-cancel-read-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; copy.cancel/sync-in-set
(component instance $t $T)
(assert_trap (invoke "f-sync-cancel-write-in-set") "waitable cannot be used synchronously while added to a waitable set")

;; copy-end.drop/busy
(component instance $t $T)
(assert_trap (invoke "s-drop-readable-busy") "cannot remove busy stream")

;; copy-end.drop/busy
(component instance $t $T)
(assert_trap (invoke "s-drop-writable-busy") "cannot drop busy stream")

;; copy-end.drop/busy
(component instance $t $T)
(assert_trap (invoke "f-drop-readable-busy") "cannot remove busy future")

;; future.drop-writable/not-done
(component instance $t $T)
(assert_trap (invoke "f-drop-writable-busy") "cannot drop future write end without first writing a value")
