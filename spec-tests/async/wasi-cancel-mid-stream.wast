;; WASI 0.3 cancellation in the middle of a stream<u8>: a copy that has
;; moved part of its buffer is cancelled (stream.cancel-write /
;; stream.cancel-read), and the script checks the count the cancel reports
;; and what the other end sees after.  Part 1 (component $T): both ends in
;; one instance (u8 is a number type), `async` copies, each end in its own
;; waitable set, so nothing depends on a choice and every count is exact.
;; Part 2 (component $X): a producer in one component that writes `async`,
;; yields, and cancels, resending from the progress the cancel reports,
;; and a consumer in another that reads 3 bytes at a time; how much each
;; cancel finds moved depends on the `tick` / `wait-early` choices, so only
;; the bytes the consumer gets (all 8, in order) and the producer's total
;; are asserted.
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - cancel_copy: trap_if(e.state != COPYING ...); state := CANCELLING_COPY;
;;   if the end has no pending event, e.shared.cancel(); then (if still no
;;   event: wait, or BLOCKED when async) return the event's payload.  So a
;;   copy that has already moved data (on_copy set its event) is *not*
;;   cancelled: the cancel returns COMPLETED | (progress << 4) (0 = COMPLETED)
;;   and the shared stream is untouched; one that moved nothing is
;;   cancelled: SharedStreamImpl.cancel -> reset_and_notify_pending(CANCELLED)
;;   and the cancel returns CANCELLED (2) | (0 << 4) at once, so for a
;;   guest-to-guest stream neither the sync nor the async cancel waits;
;; - SharedStreamImpl.read/write: the pending buffer stays until its event
;;   is delivered (on_copy gets reset_pending as reclaim_buffer), so a
;;   second copy from the other end keeps filling/draining it and progress
;;   adds up; delivering the event (here: by the cancel) reclaims it, after
;;   which the other end finds nothing pending and waits (BLOCKED);
;; - stream_event: COMPLETED/CANCELLED leave the end IDLE (it may copy
;;   again), DROPPED makes it DONE; a copy after the other end's drop is
;;   DROPPED (1) at once; waitable-set.poll: NONE (0, 0) when no event.
;; Log entries (part 1): each copy's and cancel's return value; for each
;; poll its code and payload (the handle is checked in the guest); then the
;; bytes received.  Rules met: stream.cancel-read/write (none traps here).
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $write (param i32 i32 i32) (result i32)))
    (import "" "stream.cancel-read" (func $cancel-read (param i32) (result i32)))
    (import "" "stream.cancel-write" (func $cancel-write (param i32) (result i32)))
    (import "" "stream.cancel-write-sync" (func $cancel-write-sync (param i32) (result i32)))
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


    ;; a write of 8 is drained 3 + 2 by two reads before its event is
    ;; delivered; cancelling it then finds the event: COMPLETED with 5, not
    ;; CANCELLED.  The reader sees nothing of the cancel; the 3 bytes not
    ;; taken are not delivered (its next read waits) until they are written
    ;; again.
    (func (export "cancel-write-partial") (result i32)
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 8)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 3)))   ;; 0x30
      (call $log (call $read (global.get $r) (i32.const 0x103) (i32.const 2)))   ;; 0x20
      (call $log (call $cancel-write (global.get $w)))                            ;; 0x50
      (call $poll (global.get $wsw) (global.get $w))                              ;; NONE
      (call $log (call $read (global.get $r) (i32.const 0x105) (i32.const 8)))   ;; BLOCKED
      (call $poll (global.get $wsr) (global.get $r))                              ;; NONE
      (call $log (call $write (global.get $w) (i32.const 5) (i32.const 3)))      ;; 0x30
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x30
      (call $bytes (i32.const 8))
      (call $close)
      (call $done))

    ;; the same from the reading side: a read of 8 filled 3 + 2 by two
    ;; writes, then cancelled: COMPLETED with 5; the writer's next write
    ;; waits, with no event, until the next read
    (func (export "cancel-read-partial") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 8)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 3)))      ;; 0x30
      (call $log (call $write (global.get $w) (i32.const 3) (i32.const 2)))      ;; 0x20
      (call $log (call $cancel-read (global.get $r)))                             ;; 0x50
      (call $poll (global.get $wsr) (global.get $r))                              ;; NONE
      (call $log (call $write (global.get $w) (i32.const 5) (i32.const 3)))      ;; BLOCKED
      (call $poll (global.get $wsw) (global.get $w))                              ;; NONE
      (call $log (call $read (global.get $r) (i32.const 0x105) (i32.const 8)))   ;; 0x30
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x30
      (call $bytes (i32.const 8))
      (call $close)
      (call $done))

    ;; a copy that moved nothing is cancelled: CANCELLED (2), at once, by
    ;; the sync cancel (the end out of its set: a sync cancel of an end in
    ;; a set traps) and by the async one; the other end sees nothing, and
    ;; the cancelled buffer is gone: the next copy from the other end waits
    (func (export "cancel-untouched") (result i32)
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))      ;; BLOCKED
      (call $join (global.get $w) (i32.const 0))
      (call $log (call $cancel-write-sync (global.get $w)))                       ;; 2
      (call $join (global.get $w) (global.get $wsw))
      (call $poll (global.get $wsr) (global.get $r))                              ;; NONE
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4)))   ;; BLOCKED
      (call $log (call $cancel-read (global.get $r)))                             ;; 2
      (call $poll (global.get $wsw) (global.get $w))                              ;; NONE
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4)))   ;; 0x40
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x40
      (call $bytes (i32.const 4))
      (call $close)
      (call $done))

    ;; cancel in the middle, then drop the cancelling end: the other end's
    ;; next copy is DROPPED at once (1), with nothing moved
    (func (export "cancel-then-drop") (result i32)
      (call $open)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 1)))   ;; 0x10
      (call $log (call $cancel-write (global.get $w)))                            ;; 0x10
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $log (call $read (global.get $r) (i32.const 0x101) (i32.const 4)))   ;; DROPPED
      (call $join (global.get $r) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 2)))      ;; 0x20
      (call $log (call $cancel-read (global.get $r)))                             ;; 0x20
      (call $join (global.get $r) (i32.const 0))
      (call $drop-r (global.get $r))
      (call $log (call $write (global.get $w) (i32.const 2) (i32.const 2)))      ;; DROPPED
      (call $join (global.get $w) (i32.const 0))
      (call $drop-w (global.get $w))
      (call $done))
  )
  (type $S (stream u8))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $write))
  (canon stream.cancel-read $S async (core func $cancel-read))
  (canon stream.cancel-write $S async (core func $cancel-write))
  (canon stream.cancel-write $S (core func $cancel-write-sync))
  (canon stream.drop-readable $S (core func $drop-r))
  (canon stream.drop-writable $S (core func $drop-w))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $ws.poll))
  (canon waitable.join (core func $join))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "stream.new" (func $stream.new))
    (export "stream.read" (func $read)) (export "stream.write" (func $write))
    (export "stream.cancel-read" (func $cancel-read)) (export "stream.cancel-write" (func $cancel-write))
    (export "stream.cancel-write-sync" (func $cancel-write-sync))
    (export "stream.drop-readable" (func $drop-r)) (export "stream.drop-writable" (func $drop-w))
    (export "ws.new" (func $ws.new)) (export "ws.poll" (func $ws.poll))
    (export "join" (func $join))))))
  (type $L (list u32))
  (func (export "cancel-write-partial") (result $L)
    (canon lift (core func $m "cancel-write-partial") (memory (core memory $mem "mem"))))
  (func (export "cancel-read-partial") (result $L)
    (canon lift (core func $m "cancel-read-partial") (memory (core memory $mem "mem"))))
  (func (export "cancel-untouched") (result $L)
    (canon lift (core func $m "cancel-untouched") (memory (core memory $mem "mem"))))
  (func (export "cancel-then-drop") (result $L)
    (canon lift (core func $m "cancel-then-drop") (memory (core memory $mem "mem"))))
)
(component instance $t $T)
;; write(8) BLOCKED; read(3) 0x30; read(2) 0x20; cancel-write: COMPLETED
;; with 5 (0x50); writer NONE; read(8) BLOCKED; reader NONE; write(3) 0x30;
;; reader: STREAM_READ 0x30; bytes 1..8
(assert_return (invoke "cancel-write-partial")
  (list.const (u32.const 0xffffffff) (u32.const 0x30) (u32.const 0x20) (u32.const 0x50)
              (u32.const 0) (u32.const 0) (u32.const 0xffffffff) (u32.const 0) (u32.const 0)
              (u32.const 0x30) (u32.const 2) (u32.const 0x30)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)
              (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8)))
;; read(8) BLOCKED; write(3) 0x30; write(2) 0x20; cancel-read: 0x50;
;; reader NONE; write(3) BLOCKED; writer NONE; read(8) 0x30; writer:
;; STREAM_WRITE 0x30; bytes 1..8
(assert_return (invoke "cancel-read-partial")
  (list.const (u32.const 0xffffffff) (u32.const 0x30) (u32.const 0x20) (u32.const 0x50)
              (u32.const 0) (u32.const 0) (u32.const 0xffffffff) (u32.const 0) (u32.const 0)
              (u32.const 0x30) (u32.const 3) (u32.const 0x30)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)
              (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8)))
;; write(4) BLOCKED; sync cancel-write: CANCELLED (2); reader NONE; read(4)
;; BLOCKED; cancel-read: 2; writer NONE; write(4) BLOCKED; read(4) 0x40;
;; writer: STREAM_WRITE 0x40; bytes 1..4
(assert_return (invoke "cancel-untouched")
  (list.const (u32.const 0xffffffff) (u32.const 2) (u32.const 0) (u32.const 0)
              (u32.const 0xffffffff) (u32.const 2) (u32.const 0) (u32.const 0)
              (u32.const 0xffffffff) (u32.const 0x40) (u32.const 3) (u32.const 0x40)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)))
;; write(4) BLOCKED; read(1) 0x10; cancel-write 0x10; (drop) read DROPPED;
;; read(4) BLOCKED; write(2) 0x20; cancel-read 0x20; (drop) write DROPPED
(assert_return (invoke "cancel-then-drop")
  (list.const (u32.const 0xffffffff) (u32.const 0x10) (u32.const 0x10) (u32.const 1)
              (u32.const 0xffffffff) (u32.const 0x20) (u32.const 0x20) (u32.const 1)))

;; Part 2: a producer P that cancels its own writes in mid-stream, and a
;; consumer C in another component.  P.produce returns the readable end
;; (task.return), then until all 8 bytes are taken: an `async` write of the
;; rest; if BLOCKED, thread.yield (so C may take some), then cancel-write.
;; The cancel never waits (guest-to-guest: see above) and is never DROPPED
;; (C reads to the end); it reports COMPLETED with the k >= 1 bytes C took
;; in the meantime, or CANCELLED with 0 -- then P writes the rest with a
;; synchronous write, which waits until C takes some, so each round moves
;; at least one byte.  P counts the cancels that found data; C reads 3 at
;; a time until DROPPED, yielding after each read (a thread only gives way
;; where it blocks or yields: without C's yield, C would drain all of P's
;; buffer before P could cancel), checks the bytes are 1..8 in order, then asks P
;; for its count (P stores it before dropping its end, so it is final when
;; C sees DROPPED).  Which cancels find data depends on the `tick` and
;; `wait-early` choices: C's reads move min(3, rest) each, so 3 reads carry
;; data (3 + 3 + 2) and at most 3 cancel windows can each catch some (the
;; default schedule: P and C alternate, 3); C may read twice or three
;; times in one window (2, 1); and none need (P's yield returns early every
;; time, the cancels find nothing and the synchronous writes carry
;; everything): 0..3.
(component definition $X
  (component $P
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "write" (func $write (param i32 i32 i32) (result i32)))
      (import "" "write-sync" (func $write-sync (param i32 i32 i32) (result i32)))
      (import "" "cancel-write" (func $cancel-write (param i32) (result i32)))
      (import "" "drop-w" (func $drop-w (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (data (memory 0) (i32.const 0) "\01\02\03\04\05\06\07\08")
      (global $found (mut i32) (i32.const 0))
      (func (export "produce")
        (local $ends i64) (local $tx i32) (local $done i32) (local $r i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (block $end (loop $more
          (br_if $end (i32.ge_u (local.get $done) (i32.const 8)))
          (local.set $r (call $write (local.get $tx) (local.get $done)
                                     (i32.sub (i32.const 8) (local.get $done))))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then
              (drop (call $yield))
              (local.set $r (call $cancel-write (local.get $tx)))
              (if (i32.eq (local.get $r) (i32.const -1)) (then unreachable))
              (if (i32.eq (local.get $r) (i32.const 2 (; CANCELLED, 0 ;)))
                (then (local.set $r (call $write-sync (local.get $tx) (local.get $done)
                                                      (i32.sub (i32.const 8) (local.get $done)))))
                (else (global.set $found (i32.add (global.get $found) (i32.const 1)))))))
          ;; COMPLETED with at least one byte (never DROPPED: C reads to the end)
          (if (i32.or (i32.and (local.get $r) (i32.const 0xf)) (i32.lt_u (local.get $r) (i32.const 0x10)))
            (then unreachable))
          (local.set $done (i32.add (local.get $done) (i32.shr_u (local.get $r) (i32.const 4))))
          (br $more)))
        (if (i32.ne (local.get $done) (i32.const 8)) (then unreachable))
        (call $drop-w (local.get $tx)))
      (func (export "found") (result i32) (global.get $found)))
    (type $S (stream u8))
    (canon stream.new $S (core func $stream.new))
    (canon stream.write $S async (memory (core memory $mem "mem")) (core func $write))
    (canon stream.write $S (memory (core memory $mem "mem")) (core func $write-sync))
    (canon stream.cancel-write $S async (core func $cancel-write))
    (canon stream.drop-writable $S (core func $drop-w))
    (canon thread.yield (core func $yield))
    (canon task.return (result $S) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "stream.new" (func $stream.new))
      (export "write" (func $write)) (export "write-sync" (func $write-sync))
      (export "cancel-write" (func $cancel-write)) (export "drop-w" (func $drop-w))
      (export "yield" (func $yield)) (export "task.return" (func $task.return))))))
    (func (export "produce") async (result $S) (canon lift (core func $m "produce") async))
    (func (export "found") (result u32) (canon lift (core func $m "found"))))
  (component $C
    (import "produce" (func $produce async (result (stream u8))))
    (import "found" (func $found (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "produce" (func $produce (result i32)))
      (import "" "found" (func $found (result i32)))
      (import "" "read" (func $read (param i32 i32 i32) (result i32)))
      (import "" "drop-r" (func $drop-r (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (func (export "run")
        (local $rx i32) (local $got i32) (local $r i32) (local $i i32)
        (local.set $rx (call $produce))
        (loop $more
          (local.set $r (call $read (local.get $rx) (local.get $got) (i32.const 3)))
          (local.set $got (i32.add (local.get $got) (i32.shr_u (local.get $r) (i32.const 4))))
          (drop (call $yield))
          (br_if $more (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))))
        (block $ok (loop $check
          (br_if $ok (i32.ge_u (local.get $i) (local.get $got)))
          (if (i32.ne (i32.load8_u (local.get $i)) (i32.add (local.get $i) (i32.const 1)))
            (then unreachable))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $check)))
        (call $drop-r (local.get $rx))
        (call $task.return (local.get $got) (call $found))))
    (type $S (stream u8))
    (core func $produce' (canon lower (func $produce)))
    (core func $found' (canon lower (func $found)))
    (canon stream.read $S (memory (core memory $mem "mem")) (core func $read))
    (canon stream.drop-readable $S (core func $drop-r))
    (canon thread.yield (core func $yield))
    (canon task.return (result (tuple u32 u32)) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "produce" (func $produce'))
      (export "found" (func $found')) (export "read" (func $read))
      (export "drop-r" (func $drop-r)) (export "yield" (func $yield))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result (tuple u32 u32)) (canon lift (core func $m "run") async)))
  (instance $p (instantiate $P))
  (instance $c (instantiate $C (with "produce" (func $p "produce")) (with "found" (func $p "found"))))
  (func (export "run") (alias export $c "run")))
(component instance $x $X)
;; all 8 bytes, in order (checked in C); cancels that found data: 0..3
(assert_return (invoke "run")
  (either (tuple.const (u32.const 8) (u32.const 0)) (tuple.const (u32.const 8) (u32.const 1))
          (tuple.const (u32.const 8) (u32.const 2)) (tuple.const (u32.const 8) (u32.const 3))))
