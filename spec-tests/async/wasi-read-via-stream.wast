;; WASI 0.3 read-via-stream: `func() -> tuple<stream<u8>, future<result<_, E>>>`
;; (wasi-filesystem's shape, ../shared/seeds): the producer hands the caller a
;; data stream and a terminal future, then writes the bytes and resolves the
;; future.  Three endings: success; an error after partial data; the reader
;; drops the stream early (the producer sees DROPPED and says so in the future).
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - "canon stream.{read,write}" stream_copy: a synchronous copy (no `async`
;;   option) waits for its end's event, then returns `result | (progress << 4)`
;;   (COMPLETED = 0, DROPPED = 1);
;; - SharedStreamImpl.read/write: a copy meets the other end's pending buffer
;;   and moves min(remain, remain) elements; SharedStreamImpl.drop completes
;;   the other end's pending copy as DROPPED; a copy after drop is DROPPED;
;; - "canon future.{read,write}" future_copy: the value moves once, both ends
;;   see COMPLETED (0); WritableFutureEnd.drop needs the value written;
;; - task.return lifts the tuple: the readable ends move to the caller.
;; How many elements each single copy moves depends on the `tick` choice
;; (which thread runs first); no assertion depends on it: the reader counts
;; the bytes it received and checks each is the next of 1 2 3 4.
;; Rules met: stream.read/write and future.read/write (none traps here).
(component definition $T
  (component $Producer
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $P
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
      (import "" "future.new" (func $future.new (result i64)))
      (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
      (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (data (memory 0) (i32.const 0) "\01\02\03\04")
      ;; mode 0: write 1 2 3 4, then ok; mode 1: write 1 2, then err(5).
      ;; If the reader drops the stream first: err(100 + bytes it took).
      (func (export "open") (param $mode i32)
        (local $s i64) (local $f i64) (local $tx i32) (local $ftx i32)
        (local $len i32) (local $done i32) (local $r i32) (local $dropped i32)
        (local.set $s (call $stream.new))
        (local.set $f (call $future.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $s) (i64.const 32))))
        (local.set $ftx (i32.wrap_i64 (i64.shr_u (local.get $f) (i64.const 32))))
        ;; the caller gets both readable ends now; this task goes on
        (call $task.return (i32.wrap_i64 (local.get $s)) (i32.wrap_i64 (local.get $f)))
        (local.set $len (select (i32.const 2) (i32.const 4) (local.get $mode)))
        (block $end
          (loop $more
            (br_if $end (i32.ge_u (local.get $done) (local.get $len)))
            (local.set $r (call $stream.write (local.get $tx) (local.get $done)
                                              (i32.sub (local.get $len) (local.get $done))))
            (local.set $done (i32.add (local.get $done) (i32.shr_u (local.get $r) (i32.const 4))))
            (br_if $more (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;))))
            (local.set $dropped (i32.const 1))))
        (call $stream.drop-writable (local.get $tx))
        ;; result<_, u32> at 32: case byte, payload at 36
        (i32.store8 (i32.const 32) (i32.or (local.get $dropped) (local.get $mode)))
        (i32.store (i32.const 36)
          (select (i32.add (i32.const 100) (local.get $done)) (i32.const 5) (local.get $dropped)))
        (if (i32.ne (call $future.write (local.get $ftx) (i32.const 32)) (i32.const 0 (; COMPLETED ;)))
          (then unreachable))
        (call $future.drop-writable (local.get $ftx)))
    )
    (type $S (stream u8))
    (type $F (future (result (error u32))))
    (type $T (tuple (stream u8) (future (result (error u32)))))
    (canon stream.new $S (core func $stream.new))
    (canon stream.write $S (memory (core memory $mem "mem")) (core func $stream.write))
    (canon stream.drop-writable $S (core func $stream.drop-writable))
    (canon future.new $F (core func $future.new))
    (canon future.write $F (memory (core memory $mem "mem")) (core func $future.write))
    (canon future.drop-writable $F (core func $future.drop-writable))
    (canon task.return (result $T) (core func $task.return))
    (core instance $p (instantiate $P (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "stream.new" (func $stream.new)) (export "stream.write" (func $stream.write))
      (export "stream.drop-writable" (func $stream.drop-writable))
      (export "future.new" (func $future.new)) (export "future.write" (func $future.write))
      (export "future.drop-writable" (func $future.drop-writable))
      (export "task.return" (func $task.return))))))
    (func (export "read-via-stream") async (param "mode" u32) (result $T)
      (canon lift (core func $p "open") async))
  )
  (component $Reader
    (import "read-via-stream" (func $open async (param "mode" u32)
      (result (tuple (stream u8) (future (result (error u32)))))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $R
      (import "" "mem" (memory 1))
      (import "" "open" (func $open (param i32 i32)))
      (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
      (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
      (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32 i32)))
      ;; read at most $keep bytes (until DROPPED), drop the stream, then
      ;; read the future; return (bytes received, the future's result)
      (func (export "run") (param $mode i32) (param $keep i32)
        (local $rx i32) (local $frx i32) (local $got i32) (local $r i32) (local $i i32)
        (call $open (local.get $mode) (i32.const 64))
        (local.set $rx (i32.load (i32.const 64)))
        (local.set $frx (i32.load (i32.const 68)))
        (block $end
          (loop $more
            (br_if $end (i32.ge_u (local.get $got) (local.get $keep)))
            (local.set $r (call $stream.read (local.get $rx) (local.get $got)
                                             (i32.sub (local.get $keep) (local.get $got))))
            (local.set $got (i32.add (local.get $got) (i32.shr_u (local.get $r) (i32.const 4))))
            (br_if $more (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;))))))
        ;; the bytes arrived in order: 1 2 ...
        (block $ok
          (loop $check
            (br_if $ok (i32.ge_u (local.get $i) (local.get $got)))
            (if (i32.ne (i32.load8_u (local.get $i)) (i32.add (local.get $i) (i32.const 1)))
              (then unreachable))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $check)))
        (call $stream.drop-readable (local.get $rx))
        (if (i32.ne (call $future.read (local.get $frx) (i32.const 32)) (i32.const 0 (; COMPLETED ;)))
          (then unreachable))
        (call $future.drop-readable (local.get $frx))
        (call $task.return (local.get $got) (i32.load8_u (i32.const 32)) (i32.load (i32.const 36))))
    )
    (type $S (stream u8))
    (type $F (future (result (error u32))))
    (core func $open' (canon lower (func $open) (memory (core memory $mem "mem"))))
    (canon stream.read $S (memory (core memory $mem "mem")) (core func $stream.read))
    (canon stream.drop-readable $S (core func $stream.drop-readable))
    (canon future.read $F (memory (core memory $mem "mem")) (core func $future.read))
    (canon future.drop-readable $F (core func $future.drop-readable))
    (canon task.return (result (tuple u32 (result (error u32)))) (core func $task.return))
    (core instance $r (instantiate $R (with "" (instance
      (export "mem" (memory $mem "mem")) (export "open" (func $open'))
      (export "stream.read" (func $stream.read)) (export "stream.drop-readable" (func $stream.drop-readable))
      (export "future.read" (func $future.read)) (export "future.drop-readable" (func $future.drop-readable))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (param "mode" u32) (param "keep" u32)
      (result (tuple u32 (result (error u32))))
      (canon lift (core func $r "run") async))
  )
  (instance $p (instantiate $Producer))
  (instance $r (instantiate $Reader (with "read-via-stream" (func $p "read-via-stream"))))
  (func (export "run") (alias export $r "run"))
)
;; success: all four bytes, then ok
(component instance $t $T)
(assert_return (invoke "run" (u32.const 0) (u32.const 16))
  (tuple.const (u32.const 4) (result.ok)))
;; an error after partial data: two bytes, then err(5)
(component instance $t $T)
(assert_return (invoke "run" (u32.const 1) (u32.const 16))
  (tuple.const (u32.const 2) (result.err (u32.const 5))))
;; the reader drops the stream after two of four bytes: the producer's
;; write ends DROPPED with 2 taken, and the future still resolves: err(102)
(component instance $t $T)
(assert_return (invoke "run" (u32.const 0) (u32.const 2))
  (tuple.const (u32.const 2) (result.err (u32.const 102))))
