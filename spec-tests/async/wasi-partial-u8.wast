;; WASI 0.3 stream<u8> with partial reads and writes at every boundary:
;; the reader's buffer smaller than, equal to and larger than the writer's,
;; with either end's copy arriving first, over several rounds, the bytes
;; arriving in order.  Part 1 (component $T): both ends in one instance (u8
;; is a number type), `async` copies, each end in its own waitable set --
;; no choice, so every count is exact.  Part 2 (component $X): a producer
;; writing chunks of 3 1 4 1 5 bytes and a consumer in another component
;; reading 2 5 1 3 4 ... at a time, both with synchronous copies; the
;; bytes received, in order, are asserted.
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - SharedStreamImpl.read/write: a copy that finds the other end's buffer
;;   pending with remain() > 0 moves n = min(its remain, the pending
;;   remain) elements, notifies the pending end (on_copy: its event
;;   COMPLETED | (progress << 4), its buffer kept until the event is
;;   delivered) and completes at once; the pending end's progress counts
;;   every element moved into/out of its buffer since it was made pending;
;;   with nothing pending a copy waits (BLOCKED = 0xffffffff); a pending
;;   buffer with remain() == 0 is completed and the new copy waits;
;; - so a copy that arrives second never waits for more than what is
;;   there: a larger reader or writer completes at once with a partial
;;   count, and the rest is a new copy's business;
;; - stream_copy (sync option): waits for its end's event and returns
;;   result | (progress << 4); a copy after the other end's drop is DROPPED.
;; Log entries (part 1): each copy's return value; for each poll, its code
;; (2 STREAM_READ, 3 STREAM_WRITE) and payload (the handle is checked in
;; the guest); then the bytes received.
;; Rules met: stream.read/write (none traps here).
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


    ;; the writer's copy first (pending), the reader's second
    (func (export "writer-first") (result i32)
      (call $open)
      ;; reader smaller (2 of 4), then equal to the rest (2 of 2): the
      ;; writer's one event counts both (0x40)
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 2)))   ;; 0x20
      (call $log (call $read (global.get $r) (i32.const 0x102) (i32.const 2)))   ;; 0x20
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x40
      ;; reader larger (4 for 2): it completes at once with 2
      (call $log (call $write (global.get $w) (i32.const 4) (i32.const 2)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x104) (i32.const 4)))   ;; 0x20
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x20
      ;; equal (2 for 2)
      (call $log (call $write (global.get $w) (i32.const 6) (i32.const 2)))      ;; BLOCKED
      (call $log (call $read (global.get $r) (i32.const 0x106) (i32.const 2)))   ;; 0x20
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x20
      (call $bytes (i32.const 8))
      (call $close)
      (call $done))

    ;; the reader's copy first (pending), the writer's second
    (func (export "reader-first") (result i32)
      (call $open)
      ;; writer smaller (2 into 4), then larger than the rest (3 into the 2
      ;; left): the second write completes at once with only 2; the
      ;; reader's event counts 4
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 2)))      ;; 0x20
      (call $log (call $write (global.get $w) (i32.const 2) (i32.const 3)))      ;; 0x20
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x40
      ;; equal (2 into 2): byte 5, the one the larger write did not move, first
      (call $log (call $read (global.get $r) (i32.const 0x104) (i32.const 2)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 4) (i32.const 2)))      ;; 0x20
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x20
      ;; writer larger (2 into 1), then the byte left (1 into 1)
      (call $log (call $read (global.get $r) (i32.const 0x106) (i32.const 1)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 6) (i32.const 2)))      ;; 0x10
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x10
      (call $log (call $read (global.get $r) (i32.const 0x107) (i32.const 1)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 7) (i32.const 1)))      ;; 0x10
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x10
      (call $bytes (i32.const 8))
      (call $close)
      (call $done))

    ;; a full read buffer whose event is not delivered yet: the next write
    ;; completes it (its event still says 4) and waits; the next read
    ;; takes from that write
    (func (export "full-then-more") (result i32)
      (call $open)
      (call $log (call $read (global.get $r) (i32.const 0x100) (i32.const 4)))   ;; BLOCKED
      (call $log (call $write (global.get $w) (i32.const 0) (i32.const 4)))      ;; 0x40
      (call $log (call $write (global.get $w) (i32.const 4) (i32.const 4)))      ;; BLOCKED
      (call $poll (global.get $wsr) (global.get $r))                              ;; 2, 0x40
      (call $log (call $read (global.get $r) (i32.const 0x104) (i32.const 8)))   ;; 0x40
      (call $poll (global.get $wsw) (global.get $w))                              ;; 3, 0x40
      (call $bytes (i32.const 8))
      (call $close)
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
  (func (export "writer-first") (result $L)
    (canon lift (core func $m "writer-first") (memory (core memory $mem "mem"))))
  (func (export "reader-first") (result $L)
    (canon lift (core func $m "reader-first") (memory (core memory $mem "mem"))))
  (func (export "full-then-more") (result $L)
    (canon lift (core func $m "full-then-more") (memory (core memory $mem "mem"))))
)
(component instance $t $T)
;; write(4) BLOCKED; read(2) 0x20; read(2) 0x20; writer 0x40;
;; write(2) BLOCKED; read(4) 0x20; writer 0x20; write(2) BLOCKED;
;; read(2) 0x20; writer 0x20; bytes 1..8
(assert_return (invoke "writer-first")
  (list.const (u32.const 0xffffffff) (u32.const 0x20) (u32.const 0x20) (u32.const 3) (u32.const 0x40)
              (u32.const 0xffffffff) (u32.const 0x20) (u32.const 3) (u32.const 0x20)
              (u32.const 0xffffffff) (u32.const 0x20) (u32.const 3) (u32.const 0x20)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)
              (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8)))
;; read(4) BLOCKED; write(2) 0x20; write(3) 0x20; reader 0x40;
;; read(2) BLOCKED; write(2) 0x20; reader 0x20; read(1) BLOCKED;
;; write(2) 0x10; reader 0x10; read(1) BLOCKED; write(1) 0x10;
;; reader 0x10; bytes 1..8
(assert_return (invoke "reader-first")
  (list.const (u32.const 0xffffffff) (u32.const 0x20) (u32.const 0x20) (u32.const 2) (u32.const 0x40)
              (u32.const 0xffffffff) (u32.const 0x20) (u32.const 2) (u32.const 0x20)
              (u32.const 0xffffffff) (u32.const 0x10) (u32.const 2) (u32.const 0x10)
              (u32.const 0xffffffff) (u32.const 0x10) (u32.const 2) (u32.const 0x10)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)
              (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8)))
;; read(4) BLOCKED; write(4) 0x40; write(4) BLOCKED; reader 0x40;
;; read(8) 0x40; writer 0x40; bytes 1..8
(assert_return (invoke "full-then-more")
  (list.const (u32.const 0xffffffff) (u32.const 0x40) (u32.const 0xffffffff) (u32.const 2) (u32.const 0x40)
              (u32.const 0x40) (u32.const 3) (u32.const 0x40)
              (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4)
              (u32.const 5) (u32.const 6) (u32.const 7) (u32.const 8)))

;; Part 2: P writes 1..14 as chunks of 3 1 4 1 5 (each chunk: synchronous
;; writes until all of it is taken), then drops its end; C, in another
;; component, reads with buffers of 2 5 1 3 4 2 5 ... (synchronous reads)
;; until DROPPED, each read appending at the end of what it has.  Each copy
;; moves min(reader's remain, writer's remain) of whichever buffer is
;; pending.  No choice arises: a synchronous copy blocks only when the
;; other end has nothing pending, so at most one of P and C is ready at a
;; time (`--explore`: one schedule); C receives the 14 bytes in order.
(component definition $X
  (component $P
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "write" (func $write (param i32 i32 i32) (result i32)))
      (import "" "drop-w" (func $drop-w (param i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (data (memory 0) (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e")
      (data (memory 0) (i32.const 0x40) "\03\01\04\01\05")
      (func $write-all (param $tx i32) (param $ptr i32) (param $n i32)
        (local $r i32)
        (loop $more
          (local.set $r (call $write (local.get $tx) (local.get $ptr) (local.get $n)))
          (if (i32.and (local.get $r) (i32.const 0xf)) (then unreachable)) ;; C reads to the end
          (local.set $ptr (i32.add (local.get $ptr) (i32.shr_u (local.get $r) (i32.const 4))))
          (local.set $n (i32.sub (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
          (br_if $more (local.get $n))))
      (func (export "produce")
        (local $ends i64) (local $tx i32) (local $i i32) (local $at i32) (local $n i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (block $end (loop $chunks
          (br_if $end (i32.ge_u (local.get $i) (i32.const 5)))
          (local.set $n (i32.load8_u (i32.add (i32.const 0x40) (local.get $i))))
          (call $write-all (local.get $tx) (local.get $at) (local.get $n))
          (local.set $at (i32.add (local.get $at) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $chunks)))
        (call $drop-w (local.get $tx))))
    (type $S (stream u8))
    (canon stream.new $S (core func $stream.new))
    (canon stream.write $S (memory (core memory $mem "mem")) (core func $write))
    (canon stream.drop-writable $S (core func $drop-w))
    (canon task.return (result $S) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "stream.new" (func $stream.new))
      (export "write" (func $write)) (export "drop-w" (func $drop-w))
      (export "task.return" (func $task.return))))))
    (func (export "produce") async (result $S) (canon lift (core func $m "produce") async)))
  (component $C
    (import "produce" (func $produce async (result (stream u8))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "produce" (func $produce (result i32)))
      (import "" "read" (func $read (param i32 i32 i32) (result i32)))
      (import "" "drop-r" (func $drop-r (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (data (memory 0) (i32.const 0x40) "\02\05\01\03\04")
      (func (export "run")
        (local $rx i32) (local $got i32) (local $r i32) (local $i i32)
        (local.set $rx (call $produce))
        (loop $more
          (local.set $r (call $read (local.get $rx) (i32.add (i32.const 0x100) (local.get $got))
                                    (i32.load8_u (i32.add (i32.const 0x40) (i32.rem_u (local.get $i) (i32.const 5))))))
          (local.set $got (i32.add (local.get $got) (i32.shr_u (local.get $r) (i32.const 4))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $more (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))))
        (call $drop-r (local.get $rx))
        (call $task.return (i32.const 0x100) (local.get $got))))
    (type $S (stream u8))
    (core func $produce' (canon lower (func $produce)))
    (canon stream.read $S (memory (core memory $mem "mem")) (core func $read))
    (canon stream.drop-readable $S (core func $drop-r))
    (canon task.return (result (list u8)) (memory (core memory $mem "mem")) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "produce" (func $produce'))
      (export "read" (func $read)) (export "drop-r" (func $drop-r))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result (list u8))
      (canon lift (core func $m "run") async (memory (core memory $mem "mem")))))
  (instance $p (instantiate $P))
  (instance $c (instantiate $C (with "produce" (func $p "produce"))))
  (func (export "run") (alias export $c "run")))
(component instance $x $X)
(assert_return (invoke "run")
  (list.const (u8.const 1) (u8.const 2) (u8.const 3) (u8.const 4) (u8.const 5) (u8.const 6) (u8.const 7)
              (u8.const 8) (u8.const 9) (u8.const 10) (u8.const 11) (u8.const 12) (u8.const 13) (u8.const 14)))
