;; stream<u32> throughput: the producer writes 1..100000 one element per
;; write, the consumer reads one element per read; every element is a
;; rendezvous with event delivery and thread switches.
;; calls: 100000
;; (derived from harness/demo/async.wast)
;;
;; $Producer.produce (async, stackful) makes a stream<u32>, hands the
;; readable end to its caller with task.return, then writes 1 2 3 4 5 and
;; waits until the write is done before dropping its end.
;; $Consumer.sum (async, stackful) calls produce, reads the stream in
;; chunks until the writer drops, and returns the total.
;;
;; Run it with a trace to see every step: tasks, threads, the copies and
;; events, and each choice the scheduler made:
;;   build/cmref run --trace /tmp/async.jsonl harness/demo/async.wast
(component
  (component $Producer
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core module $P
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $waitable.join (param i32 i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (func (export "produce")
        (local $ends i64) (local $tx i32) (local $ws i32) (local $r i32) (local $i i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (local.set $ws (call $waitable-set.new))
        (loop $next
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (i32.store (i32.const 0) (local.get $i))
          (local.set $r (call $stream.write (local.get $tx) (i32.const 0) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then
              (call $waitable.join (local.get $tx) (local.get $ws))
              (if (i32.ne (call $waitable-set.wait (local.get $ws) (i32.const 32)) (i32.const 3))
                (then unreachable))
              (call $waitable.join (local.get $tx) (i32.const 0))))
          (br_if $next (i32.lt_u (local.get $i) (i32.const 100000))))
        (call $stream.drop-writable (local.get $tx)))
    )
    (type $S (stream u32))
    (canon stream.new $S (core func $stream.new))
    (canon stream.write $S async (memory (core memory $memory "mem")) (core func $stream.write))
    (canon stream.drop-writable $S (core func $stream.drop-writable))
    (canon waitable-set.new (core func $waitable-set.new))
    (canon waitable-set.wait (memory (core memory $memory "mem")) (core func $waitable-set.wait))
    (canon waitable.join (core func $waitable.join))
    (canon task.return (result $S) (core func $task.return))
    (core instance $p (instantiate $P (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "stream.new" (func $stream.new))
      (export "stream.write" (func $stream.write))
      (export "stream.drop-writable" (func $stream.drop-writable))
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait))
      (export "waitable.join" (func $waitable.join))
      (export "task.return" (func $task.return))))))
    (func (export "produce") async (result $S)
      (canon lift (core func $p "produce") async))
  )

  (component $Consumer
    (import "produce" (func $produce async (result (stream u32))))
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core module $C
      (import "" "mem" (memory 1))
      (import "" "produce" (func $produce (result i32)))
      (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $waitable.join (param i32 i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (func (export "sum")
        (local $rx i32) (local $ws i32) (local $r i32) (local $n i32)
        (local $i i32) (local $total i32)
        (local.set $rx (call $produce))
        (local.set $ws (call $waitable-set.new))
        (loop $chunks
          ;; read up to 8 values at 64; BLOCKED: wait for STREAM_READ (2)
          (local.set $r (call $stream.read (local.get $rx) (i32.const 64) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1 (; BLOCKED ;)))
            (then
              (call $waitable.join (local.get $rx) (local.get $ws))
              (if (i32.ne (call $waitable-set.wait (local.get $ws) (i32.const 32)) (i32.const 2))
                (then unreachable))
              (call $waitable.join (local.get $rx) (i32.const 0))
              (local.set $r (i32.load (i32.const 36)))))
          ;; payload: result | (count << 4)
          (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
          (local.set $i (i32.const 0))
          (block $done
            (loop $add
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (local.set $total (i32.add (local.get $total)
                (i32.load (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2))))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $add)))
          ;; until the writer has dropped its end (DROPPED = 1)
          (br_if $chunks (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
        (call $stream.drop-readable (local.get $rx))
        (call $task.return (local.get $total)))
    )
    (type $S (stream u32))
    (core func $produce' (canon lower (func $produce)))
    (canon stream.read $S async (memory (core memory $memory "mem")) (core func $stream.read))
    (canon stream.drop-readable $S (core func $stream.drop-readable))
    (canon waitable-set.new (core func $waitable-set.new))
    (canon waitable-set.wait (memory (core memory $memory "mem")) (core func $waitable-set.wait))
    (canon waitable.join (core func $waitable.join))
    (canon task.return (result u32) (core func $task.return))
    (core instance $c (instantiate $C (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "produce" (func $produce'))
      (export "stream.read" (func $stream.read))
      (export "stream.drop-readable" (func $stream.drop-readable))
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait))
      (export "waitable.join" (func $waitable.join))
      (export "task.return" (func $task.return))))))
    (func (export "sum") async (result u32)
      (canon lift (core func $c "sum") async))
  )

  (instance $p (instantiate $Producer))
  (instance $c (instantiate $Consumer (with "produce" (func $p "produce"))))
  (func (export "sum") (alias export $c "sum"))
)

;; 1 + 2 + ... + 100000 = 5000050000, modulo 2^32 (u32 additions wrap)
(assert_return (invoke "sum") (u32.const 705082704))
