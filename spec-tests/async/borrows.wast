;; Borrow scopes across an async call, and handle checks when lifting
;; resources: a cancelled callee still holding a borrow, dropping an own
;; handle lent to an unresolved subtask, lifting a non-resource or a
;; resource of another type.
;;
;; Rules: task.cancel/borrows, task.return/borrows (async),
;;   resource.drop/lent, lift-own/not-resource, lift-own/wrong-type,
;;   resource/not-resource (lift_borrow, canon_resource_drop).
;;
;; Spec (definitions.py):
;;   lift_borrow (caller side of canon_lower): h = handles.get(i);
;;     trap_if(not isinstance(h, ResourceHandle)); trap_if(h.rt is not
;;     t.rt); cx.borrow_scope.add_lender(h) -- the Subtask counts
;;     h.num_lends += 1 until Subtask.deliver_resolve.
;;   lower_borrow (callee side): the callee does not implement the
;;     resource, so it gets a borrow handle and its Task's num_borrows += 1.
;;   canon_resource_drop: h = handles.remove(i); trap_if(not
;;     isinstance(h, ResourceHandle)); trap_if(h.rt is not rt);
;;     trap_if(h.num_lends != 0); a borrow: h.borrow_scope.num_borrows -= 1.
;;   Task.cancel: trap_if(self.state != CANCEL_DELIVERED);
;;     trap_if(self.num_borrows > 0).  Task.return_: trap_if(self.state ==
;;     RESOLVED); trap_if(self.num_borrows > 0).
;;   lift_own: h = handles.remove(i); trap_if(not isinstance(h,
;;     ResourceHandle)); trap_if(h.rt is not t.rt); trap_if(h.num_lends
;;     != 0); trap_if(not h.own).
;;   Task.request_cancellation: the callee waits in the callback loop's
;;     WAIT (cancellable): CANCEL_DELIVERED, and the callback gets
;;     (TASK_CANCELLED = 6, 0, 0) during the caller's subtask.cancel.
;;   canon_lower (async): not resolved: state STARTED (1) | (index << 4);
;;     Subtask.State CANCELLED_BEFORE_RETURNED = 4.
;;   Handle indices start at 1 in each instance's table.
(component definition $T
  (component $Impl
    (type $res' (resource (rep i32)))
    (type $other' (resource (rep i32)))
    (export $res "res" (type $res'))
    (export $other "other" (type $other'))
    (core func $new (canon resource.new $res'))
    (core func $new-other (canon resource.new $other'))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "new-other" (func $new-other (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "make-other") (param i32) (result i32) (call $new-other (local.get 0)))
      (func (export "rep-of") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "new-other" (func $new-other))))))
    (func (export "make") (param "rep" u32) (result (own $res)) (canon lift (core func $m "make")))
    (func (export "make-other") (param "rep" u32) (result (own $other))
      (canon lift (core func $m "make-other")))
    (func (export "consume") (param "h" (own $res)) (result u32) (canon lift (core func $m "rep-of")))
    (func (export "rep-of") (param "h" (borrow $res)) (result u32) (canon lift (core func $m "rep-of"))))

  (component $Borrower
    (import "impl" (instance $impl (export "res" (type $res (sub resource)))))
    (alias export $impl "res" (type $res))
    (core func $drop (canon resource.drop $res))
    (canon task.return (result u32) (core func $task.return))
    (canon task.cancel (core func $task.cancel))
    (canon waitable-set.new (core func $ws.new))
    (core module $M
      (import "" "drop" (func $drop (param i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "task.cancel" (func $task.cancel))
      (import "" "ws.new" (func $ws.new (result i32)))
      (global $mode (mut i32) (i32.const 0))
      (global $h (mut i32) (i32.const 0))
      ;; keeps the borrow and WAITs on an empty set until cancelled
      (func (export "hold") (param i32 i32) (result i32)
        (global.set $mode (local.get 0))
        (global.set $h (local.get 1))
        (i32.or (i32.const 2) (i32.shl (call $ws.new) (i32.const 4))))
      ;; cancelled; mode 1: task.cancel with the borrow, 2: drop it first,
      ;; 3: task.return with the borrow
      (func (export "hold-cb") (param i32 i32 i32) (result i32)
        (if (i32.ne (local.get 0) (i32.const 6)) (then unreachable))
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (call $task.cancel)))
        (if (i32.eq (global.get $mode) (i32.const 2))
          (then (call $drop (global.get $h)) (call $task.cancel)))
        (if (i32.eq (global.get $mode) (i32.const 3)) (then (call $task.return (i32.const 1))))
        (i32.const 0)))
    (core instance $m (instantiate $M (with "" (instance
      (export "drop" (func $drop)) (export "task.return" (func $task.return))
      (export "task.cancel" (func $task.cancel)) (export "ws.new" (func $ws.new))))))
    (func (export "hold") async (param "m" u32) (param "h" (borrow $res)) (result u32)
      (canon lift (core func $m "hold") async (callback (core func $m "hold-cb")))))

  (component $User
    (import "impl" (instance $impl
      (export "res" (type $res (sub resource)))
      (export "other" (type $other (sub resource)))
      (export "make" (func (param "rep" u32) (result (own $res))))
      (export "make-other" (func (param "rep" u32) (result (own $other))))
      (export "consume" (func (param "h" (own $res)) (result u32)))
      (export "rep-of" (func (param "h" (borrow $res)) (result u32)))))
    (alias export $impl "res" (type $res))
    (import "borrower" (instance $b
      (alias outer $User $res (type $r))
      (export "hold" (func async (param "m" u32) (param "h" (borrow $r)) (result u32)))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $make (canon lower (func $impl "make")))
    (core func $make-other (canon lower (func $impl "make-other")))
    (core func $consume (canon lower (func $impl "consume")))
    (core func $rep-of (canon lower (func $impl "rep-of")))
    (core func $hold (canon lower (func $b "hold") async (memory (core memory $mem "mem"))))
    (core func $drop (canon resource.drop $res))
    (canon subtask.cancel (core func $cancel))
    (canon subtask.drop (core func $subtask.drop))
    (canon waitable-set.new (core func $ws.new))
    (canon task.return (result u32) (core func $task.return))
    (core module $M
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "make-other" (func $make-other (param i32) (result i32)))
      (import "" "consume" (func $consume (param i32) (result i32)))
      (import "" "rep-of" (func $rep-of (param i32) (result i32)))
      (import "" "hold" (func $hold (param i32 i32 i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "cancel" (func $cancel (param i32) (result i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (import "" "ws.new" (func $ws.new (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      ;; lend the own handle 1 to "hold" (subtask 2: 0x21), cancel it:
      ;; 100 * the subtask's state; after the resolution is delivered the
      ;; lend is over and the own handle drops
      (func (export "cancel-borrow") (param $m i32)
        (local $a i32) (local $c i32)
        (local.set $a (call $make (i32.const 7)))
        (if (i32.ne (call $hold (local.get $m) (local.get $a) (i32.const 0)) (i32.const 0x21))
          (then unreachable))
        (local.set $c (call $cancel (i32.const 2)))
        (call $subtask.drop (i32.const 2))
        (call $drop (local.get $a))
        (call $task.return (i32.mul (local.get $c) (i32.const 100))))
      ;; the own handle is lent to the unresolved subtask
      (func (export "drop-lent")
        (local $a i32)
        (local.set $a (call $make (i32.const 7)))
        (if (i32.ne (call $hold (i32.const 2) (local.get $a) (i32.const 0)) (i32.const 0x21))
          (then unreachable))
        (call $drop (local.get $a)))
      ;; handle 1 is a waitable set, passed as own<res>, as borrow<res>,
      ;; and dropped as a res
      (func (export "own-set") (result i32) (call $consume (call $ws.new)))
      (func (export "borrow-set") (result i32) (call $rep-of (call $ws.new)))
      (func (export "drop-set") (result i32) (call $drop (call $ws.new)) (i32.const 0))
      ;; handle 1 is an own<other>, passed as own<res>
      (func (export "own-other") (result i32) (call $consume (call $make-other (i32.const 3)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "make" (func $make)) (export "make-other" (func $make-other))
      (export "consume" (func $consume)) (export "rep-of" (func $rep-of))
      (export "hold" (func $hold)) (export "drop" (func $drop))
      (export "cancel" (func $cancel)) (export "subtask.drop" (func $subtask.drop))
      (export "ws.new" (func $ws.new)) (export "task.return" (func $task.return))))))
    (func (export "cancel-borrow") async (param "m" u32) (result u32)
      (canon lift (core func $m "cancel-borrow") async))
    (func (export "drop-lent") async (canon lift (core func $m "drop-lent") async))
    (func (export "own-set") (result u32) (canon lift (core func $m "own-set")))
    (func (export "borrow-set") (result u32) (canon lift (core func $m "borrow-set")))
    (func (export "drop-set") (result u32) (canon lift (core func $m "drop-set")))
    (func (export "own-other") (result u32) (canon lift (core func $m "own-other"))))

  (instance $impl (instantiate $Impl))
  (instance $b (instantiate $Borrower (with "impl" (instance $impl))))
  (instance $u (instantiate $User (with "impl" (instance $impl)) (with "borrower" (instance $b))))
  (func (export "cancel-borrow") (alias export $u "cancel-borrow"))
  (func (export "drop-lent") (alias export $u "drop-lent"))
  (func (export "own-set") (alias export $u "own-set"))
  (func (export "borrow-set") (alias export $u "borrow-set"))
  (func (export "drop-set") (alias export $u "drop-set"))
  (func (export "own-other") (alias export $u "own-other")))

;; The callee drops its borrow, then cancels: CANCELLED_BEFORE_RETURNED.
(component instance $t $T)
(assert_return (invoke "cancel-borrow" (u32.const 2)) (u32.const 400))
;; It cancels, or returns, still holding the borrow.
(component instance $t $T)
(assert_trap (invoke "cancel-borrow" (u32.const 1)) "borrow handles still remain at the end of the call")
(component instance $t $T)
(assert_trap (invoke "cancel-borrow" (u32.const 3)) "borrow handles still remain at the end of the call")
;; The caller drops the own handle it lent to the unresolved call.
(component instance $t $T)
(assert_trap (invoke "drop-lent") "cannot remove owned resource while borrowed")
;; Not a resource handle; a resource handle of another type.
(component instance $t $T)
(assert_trap (invoke "own-set") "handle index 1 is not a resource handle")
(component instance $t $T)
(assert_trap (invoke "borrow-set") "handle index 1 used with the wrong type")
(component instance $t $T)
(assert_trap (invoke "drop-set") "handle index 1 used with the wrong type")
(component instance $t $T)
(assert_trap (invoke "own-other") "handle index 1 used with the wrong type")
