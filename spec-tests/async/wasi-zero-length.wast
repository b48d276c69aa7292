;; WASI 0.3 zero-length copies on a stream<u8> (../shared/seeds: a
;; zero-length read or write is how a guest waits for the other end to be
;; ready without moving data).  Both ends live in one component instance
;; (u8 is a number type, so SharedStreamImpl lets one instance hold both),
;; every copy is `async`, and each end is in its own waitable set, so no
;; step depends on a choice: each export returns the log of what every copy
;; returned and what each poll delivered, and the assertion lists it.
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - SharedStreamImpl.read(dst): dropped -> DROPPED; no pending buffer ->
;;   dst becomes pending (BLOCKED = 0xffffffff), zero-length or not;
;;   pending.remain() > 0 -> move min(...) if dst.remain() > 0 (notifying
;;   the writer with on_copy) and complete the read at once (COMPLETED);
;;   otherwise (pending.remain() == 0) the writer is notified COMPLETED and
;;   dst becomes pending.  (read has no zero/zero case.)
;; - SharedStreamImpl.write(src): the same, plus one case: src and the
;;   pending buffer both zero-length -> the write completes at once and the
;;   pending read is left alone (no event).
;; - the pending buffer stays until its event is delivered (on_copy takes
;;   reset_pending as reclaim_buffer), so a full but undelivered read buffer
;;   has remain() == 0 without being zero-length.
;; - SharedStreamImpl.drop: a pending buffer (zero-length too) is completed
;;   as DROPPED; a copy after the drop is DROPPED at once.
;; - stream_copy: result | (progress << 4) (COMPLETED 0, DROPPED 1);
;;   waitable-set.poll: NONE (0) with (0, 0) when no event, else
;;   (STREAM_READ 2 | STREAM_WRITE 3, the end's handle, payload).
;; Log entries: each copy's return value; for each poll, its code and
;; payload (the handle is checked in the guest); then the bytes received.
;; Rules met: stream.read/write, waitable-set.poll, stream.drop-* (no trap).
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $write (param i32 i32 i32) (result i32)))
    (import "" "stream.drop-readable" (func $drop-r (param i32)))
    (import "" "stream.drop-writable" (func $drop-w (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.poll" (func $ws.poll (param i32 i32) (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (data (memory 0) (i32.const 0) "\01\02\03\04\05\06\07\08")
    (global $n (mut i32) (i32.const 0))
    (global $r (mut i32) (i32.const 0))
    (global $w (mut i32) (i32.const 0))
    (global $wsr (mut i32) (i32.const 0))
    (global $wsw (mut i32) (i32.const 0))
    ;; the log: u32s at 0x400, its (ptr, len) at 0x3f8
    (func $log (param i32)
      (i32.store (i32.add (i32.const 0x400) (i32.shl (global.get $n) (i32.const 2))) (local.get 0))
      (global.set $n (i32.add (global.get $n) (i32.const 1))))
    (func $done (result i32)
      (i32.store (i32.const 0x3f8) (i32.const 0x400))
      (i32.store (i32.const 0x3fc) (global.get $n))
      (global.set $n (i32.const 0))
      (i32.const 0x3f8))
    ;; a new stream, each end in its own waitable set
    (func $open
      (local $ends i64)
      (local.set $ends (call $stream.new))
      (global.set $r (i32.wrap_i64 (local.get $ends)))
      (global.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (global.set $wsr (call $ws.new))
      (global.set $wsw (call $ws.new))
      (call $join (global.get $r) (global.get $wsr))
      (call $join (global.get $w) (global.get $wsw)))
    ;; poll one end's set: log the code and the payload; the index must be
    ;; the end's handle (or 0 for NONE)
    (func $poll (param $ws i32) (param $end i32)
      (local $code i32)
      (local.set $code (call $ws.poll (local.get $ws) (i32.const 0x3f0)))
      (if (i32.ne (i32.load (i32.const 0x3f0))
                  (select (local.get $end) (i32.const 0) (local.get $code)))
        (then unreachable))
      (call $log (local.get $code))
      (call $log (i32.load (i32.const 0x3f4))))
    (func $bytes (param $n i32)
      (local $i i32)
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
        (call $log (i32.load8_u (i32.add (i32.const 0x100) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
    (func $close
      (call $join (global.get $r) (i32.const 0))
      (call $join (global.get $w) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $drop-w (global.get $w)))

    ;; a zero-length write with nothing pending waits; a read then finds a
    ;; pending buffer with remain() == 0: it completes the write (progress 0)
    ;; and waits itself; a real write then fills it.
    (func (export "write0-then-read") (result i32)
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 0)))   ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4))) ;; BLOCKED
      (call $poll (global.get $wsw) (global.get $w))                          ;; 3, COMPLETED|0
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 2)))   ;; 0x20 at once
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, 0x20
      (call $bytes (i32.const 2))
      (call $close)
      (call $done))

    ;; a zero-length read waits; a zero-length write meets it: the zero/zero
    ;; case of write completes the write at once and leaves the read
    ;; pending, with no event; a real write then completes the read with
    ;; progress 0 and waits; a read takes its bytes.
    (func (export "read0-then-write0") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 0))) ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 0)))   ;; 0 at once
      (call $poll (global.get $wsr) (global.get $r))                          ;; NONE
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 3)))   ;; BLOCKED
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, 0
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 8))) ;; 0x30
      (call $poll (global.get $wsw) (global.get $w))                          ;; 3, 0x30
      (call $bytes (i32.const 3))
      (call $close)
      (call $done))

    ;; a zero-length read next to a pending write: nothing moves, the read
    ;; completes at once, the write stays pending with no event
    (func (export "read0-beside-write") (result i32)
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))   ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 0))) ;; 0
      (call $poll (global.get $wsw) (global.get $w))                          ;; NONE
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4))) ;; 0x40
      (call $poll (global.get $wsw) (global.get $w))                          ;; 3, 0x40
      (call $bytes (i32.const 4))
      (call $close)
      (call $done))

    ;; a zero-length write next to a pending read: the same, the other way
    (func (export "write0-beside-read") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4))) ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 0)))   ;; 0
      (call $poll (global.get $wsr) (global.get $r))                          ;; NONE
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 2)))   ;; 0x20
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, 0x20
      (call $bytes (i32.const 2))
      (call $close)
      (call $done))

    ;; a read of 2 filled by a write of 2 and not yet delivered: its buffer
    ;; has remain() == 0 but is not zero-length, so a zero-length write does
    ;; not take the zero/zero case: it re-notifies the read (progress
    ;; still 2) and waits; the next read finds that zero-length write,
    ;; completes it (progress 0) and waits; a write of 2 fills it.
    (func (export "write0-after-fill") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 2))) ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 2)))   ;; 0x20
      (call $log (call $write (global.get $w) (i32.const 2) (i32.const 0)))   ;; BLOCKED
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, 0x20
      (call $bytes (i32.const 2))
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4))) ;; BLOCKED
      (call $poll (global.get $wsw) (global.get $w))                          ;; 3, 0
      (call $log (call $write (global.get $w) (i32.const 2) (i32.const 2)))   ;; 0x20
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, 0x20
      (call $bytes (i32.const 2))
      (call $close)
      (call $done))

    ;; zero-length copies and drops: a pending zero-length read is completed
    ;; DROPPED when the writable end drops; a zero-length write after the
    ;; readable end dropped is DROPPED at once; a pending zero-length write
    ;; is completed DROPPED when the readable end drops.
    (func (export "zero-and-drop") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 0))) ;; BLOCKED
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $poll (global.get $wsr) (global.get $r))                          ;; 2, DROPPED
      (call $join (global.get $r) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $open)
      (call $join (global.get $r) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 0)))   ;; DROPPED
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 0)))   ;; BLOCKED
      (call $join (global.get $r) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $poll (global.get $wsw) (global.get $w))                          ;; 3, DROPPED
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $done))
  )
  (type $S (stream u8))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $write))
  (canon stream.drop-readable $S (core func $drop-r))
  (canon stream.drop-writable $S (core func $drop-w))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $ws.poll))
  (canon waitable.join (core func $join))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "stream.new" (func $stream.new))
    (export "stream.read" (func $read)) (export "stream.write" (func $write))
    (export "stream.drop-readable" (func $drop-r)) (export "stream.drop-writable" (func $drop-w))
    (export "ws.new" (func $ws.new)) (export "ws.poll" (func $ws.poll))
    (export "join" (func $join))))))
  (type $L (list u32))
  (func (export "write0-then-read") (result $L)
    (canon lift (core func $m "write0-then-read") (memory (core memory $mem "mem"))))
  (func (export "read0-then-write0") (result $L)
    (canon lift (core func $m "read0-then-write0") (memory (core memory $mem "mem"))))
  (func (export "read0-beside-write") (result $L)
    (canon lift (core func $m "read0-beside-write") (memory (core memory $mem "mem"))))
  (func (export "write0-beside-read") (result $L)
    (canon lift (core func $m "write0-beside-read") (memory (core memory $mem "mem"))))
  (func (export "write0-after-fill") (result $L)
    (canon lift (core func $m "write0-after-fill") (memory (core memory $mem "mem"))))
  (func (export "zero-and-drop") (result $L)
    (canon lift (core func $m "zero-and-drop") (memory (core memory $mem "mem"))))
)
(component instance $t $T)
;; write(0) BLOCKED; read(4) BLOCKED; writer: STREAM_WRITE, COMPLETED with
;; 0; write(2) COMPLETED|2<<4; reader: STREAM_READ, 0x20; bytes 1 2
(assert_return (invoke "write0-then-read")
  (list.const (u32.const 0xffffffff) (u32.const 0xffffffff) (u32.const 3) (u32.const 0)
              (u32.const 0x20) (u32.const 2) (u32.const 0x20) (u32.const 1) (u32.const 2)))
;; read(0) BLOCKED; write(0) 0 at once; reader: NONE; write(3) BLOCKED;
;; reader: STREAM_READ, COMPLETED with 0; read(8) 0x30; writer: 0x30; 1 2 3
(assert_return (invoke "read0-then-write0")
  (list.const (u32.const 0xffffffff) (u32.const 0) (u32.const 0) (u32.const 0)
              (u32.const 0xffffffff) (u32.const 2) (u32.const 0) (u32.const 0x30)
              (u32.const 3) (u32.const 0x30) (u32.const 1) (u32.const 2) (u32.const 3)))
;; write(4) BLOCKED; read(0) 0 at once; writer: NONE; read(4) 0x40;
;; writer: 0x40; 1 2 3 4
(assert_return (invoke "read0-beside-write")
  (list.const (u32.const 0xffffffff) (u32.const 0) (u32.const 0) (u32.const 0)
              (u32.const 0x40) (u32.const 3) (u32.const 0x40)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)))
;; read(4) BLOCKED; write(0) 0 at once; reader: NONE; write(2) 0x20;
;; reader: 0x20; 1 2
(assert_return (invoke "write0-beside-read")
  (list.const (u32.const 0xffffffff) (u32.const 0) (u32.const 0) (u32.const 0)
              (u32.const 0x20) (u32.const 2) (u32.const 0x20) (u32.const 1) (u32.const 2)))
;; read(2) BLOCKED; write(2) 0x20; write(0) BLOCKED; reader: 0x20; 1 2;
;; read(4) BLOCKED; writer: COMPLETED with 0; write(2) 0x20; reader: 0x20; 3 4
(assert_return (invoke "write0-after-fill")
  (list.const (u32.const 0xffffffff) (u32.const 0x20) (u32.const 0xffffffff)
              (u32.const 2) (u32.const 0x20) (u32.const 1) (u32.const 2)
              (u32.const 0xffffffff) (u32.const 3) (u32.const 0) (u32.const 0x20)
              (u32.const 2) (u32.const 0x20) (u32.const 3) (u32.const 4)))
;; read(0) BLOCKED; reader: STREAM_READ, DROPPED (1); write(0) after the
;; reader's drop: DROPPED; write(0) BLOCKED; writer: STREAM_WRITE, DROPPED
(assert_return (invoke "zero-and-drop")
  (list.const (u32.const 0xffffffff) (u32.const 2) (u32.const 1) (u32.const 1)
              (u32.const 0xffffffff) (u32.const 3) (u32.const 1)))
