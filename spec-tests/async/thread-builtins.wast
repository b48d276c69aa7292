;; The thread built-ins that name another thread: that thread must be
;; suspended (resume-later, yield-then-resume); the promote forms take a
;; ready thread too.
;;
;; Rules: thread.resume-later/not-suspended,
;;   thread.yield-then-resume/not-suspended.
;;
;; Spec (definitions.py):
;;   Thread: running() = cont is None; suspended() = not running and
;;     ready_func is None; waiting() = not running and ready_func set.
;;   canon_thread_new_indirect: the new thread is suspended.
;;   canon_thread_resume_later: other = inst.threads.get(i);
;;     trap_if(not other.suspended()); other.resume_later() (it is then
;;     waiting, with ready_func lambda: True).
;;   canon_thread_yield_then_resume: trap_if(not other.suspended());
;;     Thread.yield_then_resume: this thread waits (ready at once), then
;;     switches to the other.
;;   canon_thread_suspend_then_promote: Thread.suspend_then_promote: the
;;     other is ready: stop its waiting and suspend_then_resume to it.
;;   Task.register_thread: the implicit thread of the first task of a
;;     fresh instance has index 1 (inst.threads is a Table); the next
;;     thread 2.
;; No choice: yield_then_resume / suspend_then_resume switch to the
;; named thread directly, and after it ends only one thread is ready.
(component definition $T
  (core module $Tbl (table (export "t") 1 funcref))
  (core instance $tbl (instantiate $Tbl))
  (core type $start (func (param i32)))
  (alias core export $tbl "t" (core table $t))
  (canon thread.index (core func $index))
  (core func $new (canon thread.new-indirect $start (core table $t)))
  (canon thread.resume-later (core func $resume-later))
  (canon thread.yield-then-resume (core func $yield-then-resume))
  (canon thread.suspend-then-promote (core func $suspend-then-promote))
  (canon task.return (result u32) (core func $task.return))
  (core module $M
    (import "" "t" (table 1 funcref))
    (import "" "index" (func $index (result i32)))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "resume-later" (func $resume-later (param i32)))
    (import "" "yield-then-resume" (func $yield-then-resume (param i32) (result i32)))
    (import "" "suspend-then-promote" (func $suspend-then-promote (param i32) (result i32)))
    (import "" "task.return" (func $task.return (param i32)))
    (global $ran (mut i32) (i32.const 0))
    ;; the new thread: records its index; with argument 1 it makes the
    ;; suspended implicit thread (1) ready again
    (func $worker (param $c i32)
      (global.set $ran (call $index))
      (if (local.get $c) (then (call $resume-later (i32.const 1)))))
    (elem (i32.const 0) func $worker)
    ;; yield to the suspended thread 2, which runs and ends; this thread
    ;; was ready meanwhile and goes on (not cancelled: 0)
    (func (export "yield-then-resume")
      (if (call $yield-then-resume (call $new (i32.const 0) (i32.const 0))) (then unreachable))
      (call $task.return (global.get $ran)))
    ;; thread 2 is ready (resume-later): promote it; it wakes this one
    (func (export "promote")
      (local $t i32)
      (local.set $t (call $new (i32.const 0) (i32.const 1)))
      (call $resume-later (local.get $t))
      (if (call $suspend-then-promote (local.get $t)) (then unreachable))
      (call $task.return (i32.add (i32.const 10) (global.get $ran))))
    ;; the running thread is not suspended
    (func (export "resume-later-self") (call $resume-later (call $index)))
    (func (export "yield-then-resume-self")
      (drop (call $yield-then-resume (call $index))))
    ;; a thread made ready by resume-later is waiting, not suspended
    (func (export "resume-later-twice")
      (local $t i32)
      (local.set $t (call $new (i32.const 0) (i32.const 0)))
      (call $resume-later (local.get $t))
      (call $resume-later (local.get $t)))
    (func (export "yield-then-resume-ready")
      (local $t i32)
      (local.set $t (call $new (i32.const 0) (i32.const 0)))
      (call $resume-later (local.get $t))
      (drop (call $yield-then-resume (local.get $t)))))
  (core instance $m (instantiate $M (with "" (instance
    (export "t" (table $t)) (export "index" (func $index)) (export "new" (func $new))
    (export "resume-later" (func $resume-later))
    (export "yield-then-resume" (func $yield-then-resume))
    (export "suspend-then-promote" (func $suspend-then-promote))
    (export "task.return" (func $task.return))))))
  (func (export "yield-then-resume") async (result u32)
    (canon lift (core func $m "yield-then-resume") async))
  (func (export "promote") async (result u32) (canon lift (core func $m "promote") async))
  (func (export "resume-later-self") async (canon lift (core func $m "resume-later-self") async))
  (func (export "yield-then-resume-self") async
    (canon lift (core func $m "yield-then-resume-self") async))
  (func (export "resume-later-twice") async (canon lift (core func $m "resume-later-twice") async))
  (func (export "yield-then-resume-ready") async
    (canon lift (core func $m "yield-then-resume-ready") async)))

(component instance $t $T)
(assert_return (invoke "yield-then-resume") (u32.const 2))
(component instance $t $T)
(assert_return (invoke "promote") (u32.const 12))
(component instance $t $T)
(assert_trap (invoke "resume-later-self") "thread 1 is not suspended")
(component instance $t $T)
(assert_trap (invoke "yield-then-resume-self") "thread 1 is not suspended")
(component instance $t $T)
(assert_trap (invoke "resume-later-twice") "thread 2 is not suspended")
(component instance $t $T)
(assert_trap (invoke "yield-then-resume-ready") "thread 2 is not suspended")
