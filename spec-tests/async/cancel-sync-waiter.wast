;; Rules: copy.cancel/no-read, copy.cancel/no-write (their second case: a
;; copy is in progress but a thread waits for it synchronously).
;;
;; Spec: CanonicalABI.md "canon {stream,future}.cancel-{read,write}"
;; (cancel_copy: trap_if(e.state != CopyState.COPYING or e.has_sync_waiter)),
;; "canon stream.{read,write}" / "canon future.{read,write}" (a synchronous
;; copy that cannot complete at once: e.wait_for_pending_event(), which
;; sets has_sync_waiter while the thread waits, "Waitable State"), "canon
;; thread.new-indirect", "canon thread.suspend-then-resume", "canon
;; thread.resume-later", "Thread State" (a running thread keeps running
;; until it suspends or waits; resume-later only makes a thread ready).
;; The export's implicit thread (index 1) makes a stream (or future) and a
;; thread (index 2) that gets the end and switches to it.  That thread
;; makes thread 1 ready again, then reads (or writes) synchronously with
;; nothing on the other end: it waits, with has_sync_waiter set.  Thread 1
;; is then the only thread that can run; it cancels the copy: trap.
;; The control: when thread 2 reads asynchronously instead (BLOCKED, no
;; waiter), the same cancel succeeds: CANCELLED | (0 << 4) = 2.
(component definition $T
  (core module $Mem (memory (export "mem") 1) (table (export "t") 1 funcref))
  (core instance $mem (instantiate $Mem))
  (type $S (stream u32))
  (type $F (future u32))
  (core type $start (func (param i32)))
  (alias core export $mem "t" (core table $t))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (canon thread.suspend-then-resume (core func $switch))
  (canon thread.resume-later (core func $later))
  (canon stream.new $S (core func $s.new))
  (canon stream.read $S (memory (core memory $mem "mem")) (core func $s.read-sync))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $s.read))
  (canon stream.cancel-read $S async (core func $s.cancel-read))
  (canon task.return (result u32) (core func $task.return))
  (canon future.new $F (core func $f.new))
  (canon future.write $F (memory (core memory $mem "mem")) (core func $f.write-sync))
  (canon future.cancel-write $F async (core func $f.cancel-write))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "t" (table 1 funcref))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "switch" (func $switch (param i32) (result i32)))
    (import "" "later" (func $later (param i32)))
    (import "" "s.new" (func $s.new (result i64)))
    (import "" "s.read-sync" (func $s.read-sync (param i32 i32 i32) (result i32)))
    (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
    (import "" "s.cancel-read" (func $s.cancel-read (param i32) (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "f.new" (func $f.new (result i64)))
    (import "" "f.write-sync" (func $f.write-sync (param i32 i32) (result i32)))
    (import "" "f.cancel-write" (func $f.cancel-write (param i32) (result i32)))
    ;; 0 a synchronous stream read, 1 a synchronous future write,
    ;; 2 an asynchronous stream read
    (global $mode (mut i32) (i32.const 0))
    ;; thread 2: its argument is the end
    (func $copier (param $end i32)
      (call $later (i32.const 1))
      (if (i32.eq (global.get $mode) (i32.const 0))
        (then (drop (call $s.read-sync (local.get $end) (i32.const 0x100) (i32.const 1)))))
      (if (i32.eq (global.get $mode) (i32.const 1))
        (then (drop (call $f.write-sync (local.get $end) (i32.const 0x100)))))
      (if (i32.eq (global.get $mode) (i32.const 2))
        (then (if (i32.ne (call $s.read (local.get $end) (i32.const 0x100) (i32.const 1)) (i32.const -1))
                (then unreachable)))))
    (elem (i32.const 0) func $copier)
    (func (export "stream")
      (local $r i32)
      (local.set $r (i32.wrap_i64 (call $s.new)))
      (if (call $switch (call $new (i32.const 0) (local.get $r))) (then unreachable))
      (drop (call $s.cancel-read (local.get $r))))
    (func (export "future")
      (local $w i32)
      (global.set $mode (i32.const 1))
      (local.set $w (i32.wrap_i64 (i64.shr_u (call $f.new) (i64.const 32))))
      (if (call $switch (call $new (i32.const 0) (local.get $w))) (then unreachable))
      (drop (call $f.cancel-write (local.get $w))))
    (func (export "stream-async")
      (local $r i32)
      (global.set $mode (i32.const 2))
      (local.set $r (i32.wrap_i64 (call $s.new)))
      (if (call $switch (call $new (i32.const 0) (local.get $r))) (then unreachable))
      (call $task.return (call $s.cancel-read (local.get $r)))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem")) (export "t" (table $t))
    (export "new" (func $new)) (export "switch" (func $switch)) (export "later" (func $later))
    (export "s.new" (func $s.new)) (export "s.read-sync" (func $s.read-sync))
    (export "s.read" (func $s.read)) (export "s.cancel-read" (func $s.cancel-read))
    (export "task.return" (func $task.return))
    (export "f.new" (func $f.new)) (export "f.write-sync" (func $f.write-sync))
    (export "f.cancel-write" (func $f.cancel-write))))))
  (func (export "stream") async (canon lift (core func $m "stream") async))
  (func (export "future") async (canon lift (core func $m "future") async))
  (func (export "stream-async") async (result u32) (canon lift (core func $m "stream-async") async)))

(component instance $t $T)
(assert_return (invoke "stream-async") (u32.const 2))
(component instance $t $T)
(assert_trap (invoke "stream") "there is no read in progress to cancel")
(component instance $t $T)
(assert_trap (invoke "future") "there is no write in progress to cancel")
