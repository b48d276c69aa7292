;; task.return and task.cancel in every state of a task; subtask.cancel
;; and subtask.drop in every state of a subtask.
;;
;; Rules: task.cancel/not-requested, task.cancel/sync, task.return/resolved,
;;   subtask.cancel/delivered, subtask.cancel/requested,
;;   subtask.cancel/sync-in-set, subtask/not-subtask (cancel and drop),
;;   subtask.drop/not-resolved (STARTING, STARTED -- subtask.wast -- and
;;   resolved but not delivered).
;;
;; Spec (definitions.py):
;;   Task.State: INITIAL, STARTED, PENDING_CANCEL, CANCEL_DELIVERED,
;;     RESOLVED.  No guest code runs in INITIAL (canon_lift's thread_func
;;     calls task.start() before the callee), so task.return and
;;     task.cancel are called in the other four.
;;   Task.return_: trap_if(self.state == RESOLVED) -- allowed in STARTED,
;;     PENDING_CANCEL and CANCEL_DELIVERED.
;;   Task.cancel: trap_if(self.state != CANCEL_DELIVERED).
;;   canon_task_cancel: trap_if(not task.opts.async_) (after may_leave).
;;   Task.request_cancellation (state STARTED): candidates = the task's
;;     threads with t.cancellable; none: state = PENDING_CANCEL (the
;;     callee is not resumed); else state = CANCEL_DELIVERED and a
;;     candidate is resumed with Cancelled.TRUE.
;;   canon_lift, callback loop, CallbackCode.WAIT: wset.wait_for_event_and
;;     (..., cancellable = True): a cancelled wait gives the callback
;;     (EventCode.TASK_CANCELLED = 6, 0, 0).
;;   canon_thread_suspend without `cancellable`: Thread.suspend(False),
;;     block_internal(cancellable = False): not a candidate.
;;   canon_subtask_cancel: trap_if(subtask.resolve_delivered());
;;     trap_if(subtask.cancellation_requested); trap_if(
;;     subtask.in_waitable_set() and not async_); resolved already: the
;;     pending event is delivered and its state returned; else
;;     cancellation_requested = True, on_cancel(...), and if still not
;;     resolved, async_ returns BLOCKED (0xffffffff), sync waits.
;;   Subtask.drop: trap_if(not self.resolve_delivered()).
;;   canon_subtask_cancel / canon_subtask_drop: trap_if(not
;;     isinstance(subtask, Subtask)).
;;   canon_lower (async): a call not resolved when the callee blocks gets
;;     a handle: state | (index << 4), STARTED = 1, first handle 1: 0x11.
;;   Subtask.State: STARTING = 0, RETURNED = 2, CANCELLED_BEFORE_STARTED
;;     = 3, CANCELLED_BEFORE_RETURNED = 4.
;;   Task.enter_implicit_thread: with inst.backpressure > 0 the callee's
;;     thread waits (cancellable) before it starts: the subtask stays
;;     STARTING (0x10).  Task.request_cancellation in state INITIAL:
;;     CANCEL_DELIVERED, the waiting thread resumes cancelled, Task.cancel
;;     resolves it: CANCELLED_BEFORE_STARTED, during subtask.cancel.
;; Scheduling: every wait below is on something not yet ready and every
;; blocked thread has exactly one way to become ready, so no choice is
;; involved (Thread.wait_until returns early only when ready_func() is
;; already true; only one thread is ever ready at a time).
(component definition $T
  (component $Callee
    (core module $M
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "task.cancel" (func $task.cancel))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "thread.index" (func $thread.index (result i32)))
      (import "" "suspend" (func $suspend (result i32)))
      (import "" "resume-later" (func $resume-later (param i32)))
      (import "" "bp.inc" (func $bp.inc))
      (global $mode (mut i32) (i32.const 0))
      (global $idx1 (mut i32) (i32.const 0))
      (global $idx2 (mut i32) (i32.const 0))
      ;; callback-lifted: WAIT (2) on a new, empty set; only a
      ;; cancellation can wake it
      (func (export "f") (param i32) (result i32)
        (global.set $mode (local.get 0))
        (i32.or (i32.const 2) (i32.shl (call $ws.new) (i32.const 4))))
      ;; in state CANCEL_DELIVERED; mode 1: cancel, 2: return 5,
      ;; 3: cancel twice, 4: cancel then return, 5: return then cancel
      (func (export "f-cb") (param i32 i32 i32) (result i32)
        (if (i32.ne (local.get 0) (i32.const 6)) (then unreachable))
        (if (i32.or (local.get 1) (local.get 2)) (then unreachable))
        (block $done
          (block $5 (block $4 (block $3 (block $2 (block $1
            (br_table $done $1 $2 $3 $4 $5 $done (global.get $mode)))
            (call $task.cancel) (br $done))
            (call $task.return (i32.const 5)) (br $done))
            (call $task.cancel) (call $task.cancel) (br $done))
            (call $task.cancel) (call $task.return (i32.const 5)) (br $done))
            (call $task.return (i32.const 5)) (call $task.cancel))
        (i32.const 0))
      ;; stackful: suspended, not cancellable, until "wake"; then mode 1
      ;; cancels, otherwise returns 9 and wakes "stuck2" if it waits
      (func (export "stuck") (param i32)
        (global.set $idx1 (call $thread.index))
        (drop (call $suspend))
        (if (i32.eq (local.get 0) (i32.const 1))
          (then (call $task.cancel) (return)))
        (call $task.return (i32.const 9))
        (if (global.get $idx2) (then (call $resume-later (global.get $idx2)))))
      (func (export "stuck2")
        (global.set $idx2 (call $thread.index))
        (drop (call $suspend))
        (call $task.return (i32.const 8)))
      (func (export "wake") (call $resume-later (global.get $idx1)))
      (func (export "bp-on") (call $bp.inc))
      ;; state STARTED, no cancellation requested
      (func (export "started") (call $task.cancel))
      ;; a synchronously lifted function
      (func (export "sync") (result i32) (call $task.cancel) (i32.const 0)))
    (canon task.return (result u32) (core func $task.return))
    (canon task.cancel (core func $task.cancel))
    (canon waitable-set.new (core func $ws.new))
    (canon thread.index (core func $thread.index))
    (canon thread.suspend (core func $suspend))
    (canon thread.resume-later (core func $resume-later))
    (canon backpressure.inc (core func $bp.inc))
    (core instance $m (instantiate $M (with "" (instance
      (export "bp.inc" (func $bp.inc))
      (export "task.return" (func $task.return)) (export "task.cancel" (func $task.cancel))
      (export "ws.new" (func $ws.new)) (export "thread.index" (func $thread.index))
      (export "suspend" (func $suspend)) (export "resume-later" (func $resume-later))))))
    (func (export "f") async (param "m" u32) (result u32)
      (canon lift (core func $m "f") async (callback (core func $m "f-cb"))))
    (func (export "stuck") async (param "m" u32) (result u32)
      (canon lift (core func $m "stuck") async))
    (func (export "stuck2") async (result u32) (canon lift (core func $m "stuck2") async))
    (func (export "wake") (canon lift (core func $m "wake")))
    (func (export "bp-on") (canon lift (core func $m "bp-on")))
    (func (export "started") async (result u32) (canon lift (core func $m "started") async))
    (func (export "sync") (result u32) (canon lift (core func $m "sync"))))
  (component $Caller
    (import "f" (func $f async (param "m" u32) (result u32)))
    (import "stuck" (func $stuck async (param "m" u32) (result u32)))
    (import "stuck2" (func $stuck2 async (result u32)))
    (import "wake" (func $wake))
    (import "bp-on" (func $bp-on))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $f' (canon lower (func $f) async (memory (core memory $mem "mem"))))
    (core func $stuck' (canon lower (func $stuck) async (memory (core memory $mem "mem"))))
    (core func $stuck2' (canon lower (func $stuck2) async (memory (core memory $mem "mem"))))
    (core func $wake' (canon lower (func $wake)))
    (core func $bp-on' (canon lower (func $bp-on)))
    (canon subtask.cancel (core func $cancel))
    (canon subtask.cancel async (core func $cancel-async))
    (canon subtask.drop (core func $subtask.drop))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon task.return (result u32) (core func $task.return))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32 i32) (result i32)))
      (import "" "stuck" (func $stuck (param i32 i32) (result i32)))
      (import "" "stuck2" (func $stuck2 (param i32) (result i32)))
      (import "" "wake" (func $wake))
      (import "" "bp-on" (func $bp-on))
      (import "" "cancel" (func $cancel (param i32) (result i32)))
      (import "" "cancel-async" (func $cancel-async (param i32) (result i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "task.return" (func $task.return (param i32)))
      ;; waits for subtask $i's event in a new set: SUBTASK (1), index $i,
      ;; RETURNED (2)
      (func $await-returned (param $i i32)
        (local $s i32)
        (local.set $s (call $ws.new))
        (call $join (local.get $i) (local.get $s))
        (if (i32.ne (call $ws.wait (local.get $s) (i32.const 32)) (i32.const 1)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 32)) (local.get $i)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 36)) (i32.const 2)) (then unreachable)))
      ;; the callee waits cancellably: cancel is delivered (CANCEL_DELIVERED)
      ;; and the callee resolves during subtask.cancel; 100 * its state
      ;; plus the result at 16
      (func (export "delivered") (param $m i32)
        (local $c i32)
        (if (i32.ne (call $f (local.get $m) (i32.const 16)) (i32.const 0x11)) (then unreachable))
        (local.set $c (call $cancel (i32.const 1)))
        (call $subtask.drop (i32.const 1))
        (call $task.return (i32.add (i32.mul (local.get $c) (i32.const 100))
                                    (i32.load (i32.const 16)))))
      ;; backpressure keeps the callee from starting: STARTING (0x10);
      ;; mode 1: drop it, 2: cancel it twice, 3: cancel (returns
      ;; CANCELLED_BEFORE_STARTED at once) and drop it
      (func (export "starting") (param $m i32)
        (local $c i32)
        (call $bp-on)
        (if (i32.ne (call $f (i32.const 0) (i32.const 16)) (i32.const 0x10)) (then unreachable))
        (if (i32.eq (local.get $m) (i32.const 1)) (then (call $subtask.drop (i32.const 1)) unreachable))
        (local.set $c (call $cancel-async (i32.const 1)))
        (if (i32.eq (local.get $m) (i32.const 2)) (then (drop (call $cancel (i32.const 1))) unreachable))
        (call $subtask.drop (i32.const 1))
        (call $task.return (local.get $c)))
      ;; the callee is suspended, not cancellable: PENDING_CANCEL
      (func (export "pending") (param $m i32)
        (local $s i32)
        (if (i32.ne (call $stuck (local.get $m) (i32.const 16)) (i32.const 0x11)) (then unreachable))
        ;; mode 4: a synchronous cancel of a subtask in a set
        (if (i32.eq (local.get $m) (i32.const 4))
          (then (local.set $s (call $ws.new))
                (call $join (i32.const 1) (local.get $s))
                (drop (call $cancel (i32.const 1)))
                unreachable))
        ;; not resolved: BLOCKED
        (if (i32.ne (call $cancel-async (i32.const 1)) (i32.const -1)) (then unreachable))
        ;; mode 3: a second request
        (if (i32.eq (local.get $m) (i32.const 3))
          (then (drop (call $cancel-async (i32.const 1))) unreachable))
        (call $wake)
        (call $await-returned (i32.const 1))
        (call $subtask.drop (i32.const 1))
        (call $task.return (i32.load (i32.const 16))))
      ;; subtask 1 resolves while this task waits for subtask 2 (whose
      ;; callee thread subtask 1's callee wakes): 1 is resolved, its
      ;; resolution not delivered; 2's was delivered by the wait
      (func (export "undelivered") (param $m i32)
        (local $c i32)
        (if (i32.ne (call $stuck (i32.const 0) (i32.const 16)) (i32.const 0x11)) (then unreachable))
        (if (i32.ne (call $stuck2 (i32.const 20)) (i32.const 0x21)) (then unreachable))
        (call $wake)
        (call $await-returned (i32.const 2))
        ;; the set is handle 3
        (if (i32.eq (local.get $m) (i32.const 1)) (then (call $subtask.drop (i32.const 1)) unreachable))
        (if (i32.eq (local.get $m) (i32.const 3))
          (then (drop (call $cancel (i32.const 1))) (drop (call $cancel (i32.const 1))) unreachable))
        (if (i32.eq (local.get $m) (i32.const 4)) (then (drop (call $cancel (i32.const 2))) unreachable))
        (if (i32.eq (local.get $m) (i32.const 5)) (then (drop (call $cancel (i32.const 3))) unreachable))
        (if (i32.eq (local.get $m) (i32.const 6)) (then (call $subtask.drop (i32.const 3)) unreachable))
        ;; mode 2: cancelling a resolved subtask delivers its resolution:
        ;; RETURNED (2), no cancellation
        (local.set $c (call $cancel (i32.const 1)))
        (call $subtask.drop (i32.const 1))
        (call $subtask.drop (i32.const 2))
        (call $task.return (i32.add (i32.mul (local.get $c) (i32.const 100))
          (i32.add (i32.load (i32.const 16)) (i32.mul (i32.load (i32.const 20)) (i32.const 10)))))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "f" (func $f'))
      (export "stuck" (func $stuck')) (export "stuck2" (func $stuck2'))
      (export "wake" (func $wake')) (export "bp-on" (func $bp-on'))
      (export "cancel" (func $cancel))
      (export "cancel-async" (func $cancel-async))
      (export "subtask.drop" (func $subtask.drop)) (export "ws.new" (func $ws.new))
      (export "ws.wait" (func $ws.wait)) (export "join" (func $join))
      (export "task.return" (func $task.return))))))
    (func (export "delivered") async (param "m" u32) (result u32)
      (canon lift (core func $m "delivered") async))
    (func (export "starting") async (param "m" u32) (result u32)
      (canon lift (core func $m "starting") async))
    (func (export "pending") async (param "m" u32) (result u32)
      (canon lift (core func $m "pending") async))
    (func (export "undelivered") async (param "m" u32) (result u32)
      (canon lift (core func $m "undelivered") async)))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller
    (with "f" (func $callee "f")) (with "stuck" (func $callee "stuck"))
    (with "stuck2" (func $callee "stuck2")) (with "wake" (func $callee "wake"))
    (with "bp-on" (func $callee "bp-on"))))
  (func (export "delivered") (alias export $caller "delivered"))
  (func (export "starting") (alias export $caller "starting"))
  (func (export "pending") (alias export $caller "pending"))
  (func (export "undelivered") (alias export $caller "undelivered"))
  (func (export "started") (alias export $callee "started"))
  (func (export "sync") (alias export $callee "sync")))

;; CANCEL_DELIVERED: task.cancel resolves the subtask as
;; CANCELLED_BEFORE_RETURNED (4), nothing at 16: 400; task.return resolves
;; it as RETURNED (2) with 5: 205.
(component instance $t $T)
(assert_return (invoke "delivered" (u32.const 1)) (u32.const 400))
(component instance $t $T)
(assert_return (invoke "delivered" (u32.const 2)) (u32.const 205))
;; RESOLVED: a second task.cancel, task.return after task.cancel,
;; task.cancel after task.return.
(component instance $t $T)
(assert_trap (invoke "delivered" (u32.const 3)) "`task.return` or `task.cancel` called more than once for current task")
(component instance $t $T)
(assert_trap (invoke "delivered" (u32.const 4)) "task already returned a value or was cancelled")
(component instance $t $T)
(assert_trap (invoke "delivered" (u32.const 5)) "`task.return` or `task.cancel` called more than once for current task")
;; STARTED: task.cancel without a cancellation request.
(component instance $t $T)
(assert_trap (invoke "started") "`task.cancel` called by task which has not been cancelled")
;; A synchronously lifted function.
(component instance $t $T)
(assert_trap (invoke "sync") "task.cancel called by a synchronously lifted function")
;; PENDING_CANCEL: task.return is allowed (RETURNED with 9: the event's
;; state, checked in $await-returned, and the result); task.cancel traps.
(component instance $t $T)
(assert_return (invoke "pending" (u32.const 2)) (u32.const 9))
(component instance $t $T)
(assert_trap (invoke "pending" (u32.const 1)) "`task.cancel` called by task which has not been cancelled")
;; subtask.cancel twice on a subtask that has not resolved.
(component instance $t $T)
(assert_trap (invoke "pending" (u32.const 3)) "subtask cancellation already requested")
;; A synchronous subtask.cancel of a subtask joined to a set.
(component instance $t $T)
(assert_trap (invoke "pending" (u32.const 4)) "waitable cannot be used synchronously while added to a waitable set")
;; Resolved, not delivered: subtask.cancel delivers RETURNED (2); with 9
;; and 8 at 16 and 20: 289.  subtask.drop traps before the delivery.
(component instance $t $T)
(assert_return (invoke "undelivered" (u32.const 2)) (u32.const 289))
(component instance $t $T)
(assert_trap (invoke "undelivered" (u32.const 1)) "cannot drop a subtask which has not yet resolved")
;; Delivered: by subtask.cancel itself (mode 3), by waitable-set.wait
;; (mode 4).
(component instance $t $T)
(assert_trap (invoke "undelivered" (u32.const 3)) "`subtask.cancel` called after terminal status delivered")
(component instance $t $T)
(assert_trap (invoke "undelivered" (u32.const 4)) "`subtask.cancel` called after terminal status delivered")
;; Handle 3 is the waitable set, not a subtask.
(component instance $t $T)
(assert_trap (invoke "undelivered" (u32.const 5)) "handle index 3 is not a subtask")
(component instance $t $T)
(assert_trap (invoke "undelivered" (u32.const 6)) "handle index 3 is not a subtask")
;; STARTING: subtask.drop traps; subtask.cancel resolves it at once as
;; CANCELLED_BEFORE_STARTED (3), which it delivers: a second cancel traps.
(component instance $t $T)
(assert_return (invoke "starting" (u32.const 3)) (u32.const 3))
(component instance $t $T)
(assert_trap (invoke "starting" (u32.const 1)) "cannot drop a subtask which has not yet resolved")
(component instance $t $T)
(assert_trap (invoke "starting" (u32.const 2)) "`subtask.cancel` called after terminal status delivered")
