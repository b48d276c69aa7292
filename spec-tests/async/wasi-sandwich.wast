;; The WASI 0.3 "sandwich" (../shared/seeds): host -> A -> B -> C, each
;; component passing a stream on, and the one event loop (Store.tick)
;; serving all of them -- no component runs a loop to forward wake-ups.
;;
;;   C.produce: makes a stream<u8>, returns its readable end (task.return),
;;              then writes 1 2 3 and 4 5 6 (two writes) and drops its end.
;;   B.relay:   calls C.produce, makes a stream<u8> of its own and returns
;;              its readable end, then reads C's stream 4 bytes at a time
;;              and writes each byte + 10 on, until C's end is DROPPED.
;;   A.run:     calls B.relay and reads B's stream 2 bytes at a time until
;;              DROPPED; returns what it received as a list<u8>.
;;
;; Spec (CanonicalABI.md / definitions.py at 6d28164):
;; - canon_lift async (no callback): each export runs on its own thread;
;;   task.return resolves the caller's (synchronously lowered) call while
;;   the callee goes on;
;; - Store.tick: one loop picks any ready thread of any instance (`tick`
;;   choice); the chunk sizes each copy moves depend on it, the bytes A
;;   receives do not: streams keep order, and every copy loop runs to DROPPED;
;; - stream_copy (sync option): waits for the end's event, returns
;;   result | (progress << 4); SharedStreamImpl.drop completes the other
;;   end's pending copy as DROPPED, a later copy is DROPPED at once.
;; Golden trace: traces/async/wasi-sandwich.jsonl (also in `make demo`).
(component definition $Sandwich
  (component $C
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (data (memory 0) (i32.const 0) "\01\02\03\04\05\06")
      ;; write n bytes from ptr, however many copies that takes
      (func $write-all (param $tx i32) (param $ptr i32) (param $n i32)
        (local $r i32)
        (loop $more
          (local.set $r (call $stream.write (local.get $tx) (local.get $ptr) (local.get $n)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.shr_u (local.get $r) (i32.const 4))))
          (local.set $n (i32.sub (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
          (br_if $more (local.get $n))))
      (func (export "produce")
        (local $ends i64) (local $tx i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (call $write-all (local.get $tx) (i32.const 0) (i32.const 3))
        (call $write-all (local.get $tx) (i32.const 3) (i32.const 3))
        (call $stream.drop-writable (local.get $tx)))
    )
    (type $S (stream u8))
    (canon stream.new $S (core func $stream.new))
    (canon stream.write $S (memory (core memory $mem "mem")) (core func $stream.write))
    (canon stream.drop-writable $S (core func $stream.drop-writable))
    (canon task.return (result $S) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem"))
      (export "stream.new" (func $stream.new)) (export "stream.write" (func $stream.write))
      (export "stream.drop-writable" (func $stream.drop-writable))
      (export "task.return" (func $task.return))))))
    (func (export "produce") async (result $S) (canon lift (core func $m "produce") async))
  )
  (component $B
    (import "produce" (func $produce async (result (stream u8))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "produce" (func $produce (result i32)))
      (import "" "stream.new" (func $stream.new (result i64)))
      (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
      (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
      (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (func (export "relay")
        (local $in i32) (local $ends i64) (local $out i32)
        (local $r i32) (local $n i32) (local $i i32) (local $w i32) (local $done i32)
        (local.set $in (call $produce))
        (local.set $ends (call $stream.new))
        (local.set $out (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (loop $chunks
          (local.set $r (call $stream.read (local.get $in) (i32.const 0) (i32.const 4)))
          (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
          ;; the chunk, each byte + 10
          (local.set $i (i32.const 0))
          (block $b (loop $add
            (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store8 (local.get $i) (i32.add (i32.load8_u (local.get $i)) (i32.const 10)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $add)))
          ;; pass it on, however many copies that takes
          (local.set $done (i32.const 0))
          (block $b (loop $write
            (br_if $b (i32.ge_u (local.get $done) (local.get $n)))
            (local.set $w (call $stream.write (local.get $out) (local.get $done)
                                              (i32.sub (local.get $n) (local.get $done))))
            (if (i32.eq (i32.and (local.get $w) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))
              (then unreachable)) ;; A reads to the end
            (local.set $done (i32.add (local.get $done) (i32.shr_u (local.get $w) (i32.const 4))))
            (br $write)))
          (br_if $chunks (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))))
        (call $stream.drop-readable (local.get $in))
        (call $stream.drop-writable (local.get $out)))
    )
    (type $S (stream u8))
    (core func $produce' (canon lower (func $produce)))
    (canon stream.new $S (core func $stream.new))
    (canon stream.read $S (memory (core memory $mem "mem")) (core func $stream.read))
    (canon stream.write $S (memory (core memory $mem "mem")) (core func $stream.write))
    (canon stream.drop-readable $S (core func $stream.drop-readable))
    (canon stream.drop-writable $S (core func $stream.drop-writable))
    (canon task.return (result $S) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "produce" (func $produce'))
      (export "stream.new" (func $stream.new))
      (export "stream.read" (func $stream.read)) (export "stream.write" (func $stream.write))
      (export "stream.drop-readable" (func $stream.drop-readable))
      (export "stream.drop-writable" (func $stream.drop-writable))
      (export "task.return" (func $task.return))))))
    (func (export "relay") async (result $S) (canon lift (core func $m "relay") async))
  )
  (component $A
    (import "relay" (func $relay async (result (stream u8))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "relay" (func $relay (result i32)))
      (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
      (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
      (import "" "task.return" (func $task.return (param i32 i32)))
      (func (export "run")
        (local $in i32) (local $got i32) (local $r i32)
        (local.set $in (call $relay))
        (loop $chunks
          (local.set $r (call $stream.read (local.get $in) (local.get $got) (i32.const 2)))
          (local.set $got (i32.add (local.get $got) (i32.shr_u (local.get $r) (i32.const 4))))
          (br_if $chunks (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1 (; DROPPED ;)))))
        (call $stream.drop-readable (local.get $in))
        (call $task.return (i32.const 0) (local.get $got)))
    )
    (type $S (stream u8))
    (core func $relay' (canon lower (func $relay)))
    (canon stream.read $S (memory (core memory $mem "mem")) (core func $stream.read))
    (canon stream.drop-readable $S (core func $stream.drop-readable))
    (canon task.return (result (list u8)) (memory (core memory $mem "mem")) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "relay" (func $relay'))
      (export "stream.read" (func $stream.read))
      (export "stream.drop-readable" (func $stream.drop-readable))
      (export "task.return" (func $task.return))))))
    (func (export "run") async (result (list u8))
      (canon lift (core func $m "run") async (memory (core memory $mem "mem"))))
  )
  (instance $c (instantiate $C))
  (instance $b (instantiate $B (with "produce" (func $c "produce"))))
  (instance $a (instantiate $A (with "relay" (func $b "relay"))))
  (func (export "run") (alias export $a "run"))
)
(component instance $s $Sandwich)
(assert_return (invoke "run")
  (list.const (u8.const 11) (u8.const 12) (u8.const 13) (u8.const 14) (u8.const 15) (u8.const 16)))
;; a second call through the same three instances works the same way
(assert_return (invoke "run")
  (list.const (u8.const 11) (u8.const 12) (u8.const 13) (u8.const 14) (u8.const 15) (u8.const 16)))
