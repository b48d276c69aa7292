;; may_leave is false inside a realloc and inside a post-return: every
;; task, waitable, subtask, resource and thread built-in traps there first.
;;
;; Rules: task.cancel/may-leave, waitable-set.wait/may-leave,
;;   waitable-set.poll/may-leave, waitable-set.drop/may-leave,
;;   waitable.join/may-leave, subtask.cancel/may-leave,
;;   subtask.drop/may-leave, resource.drop/may-leave,
;;   thread.index/may-leave, thread.new-indirect/may-leave,
;;   thread.resume-later/may-leave, thread.suspend/may-leave,
;;   thread.yield/may-leave, thread.suspend-then-resume/may-leave,
;;   thread.yield-then-resume/may-leave,
;;   thread.suspend-then-promote/may-leave,
;;   thread.yield-then-promote/may-leave.
;;
;; Spec (definitions.py):
;;   LiftLowerContext.reallocate: assert(self.inst.may_leave);
;;     self.inst.may_leave = False; canon_lift(self.opts.realloc, ...) (a
;;     new task and thread of the same instance); may_leave = True after.
;;   canon_lift, synchronous case: task.return_(result), then
;;     "if opts.post_return is not None: inst.may_leave = False;
;;     call_and_trap_on_throw(opts.post_return, flat_results);
;;     inst.may_leave = True".
;;   Each built-in's first step is trap_if(not inst.may_leave) (or
;;   trap_if(not thread.task.inst.may_leave), the same instance):
;;   canon_task_cancel, canon_waitable_set_wait, canon_waitable_set_poll,
;;   canon_waitable_set_drop, canon_waitable_join, canon_subtask_cancel,
;;   canon_subtask_drop, canon_resource_drop, canon_thread_index,
;;   canon_thread_new_indirect, canon_thread_resume_later,
;;   canon_thread_suspend, canon_thread_yield,
;;   canon_thread_suspend_then_resume, canon_thread_yield_then_resume,
;;   canon_thread_suspend_then_promote, canon_thread_yield_then_promote.
;;   It comes before any handle lookup, so the arguments (0 here: never a
;;   valid handle) do not matter: the trap is the may_leave one.
;; Wording: "cannot leave component instance" (the reference tests').
(component definition $T
  (type $R (resource (rep i32)))
  (core module $Tbl (table (export "t") 1 funcref))
  (core instance $tbl (instantiate $Tbl))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core type $start (func (param i32)))
  (alias core export $tbl "t" (core table $t))
  (canon task.cancel (core func $task.cancel))
  (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
  (canon waitable-set.poll (memory (core memory $mem "mem")) (core func $ws.poll))
  (canon waitable-set.drop (core func $ws.drop))
  (canon waitable.join (core func $join))
  (canon subtask.cancel (core func $subtask.cancel))
  (canon subtask.drop (core func $subtask.drop))
  (core func $res.drop (canon resource.drop $R))
  (canon thread.index (core func $thread.index))
  (core func $thread.new (canon thread.new-indirect $start (core table $t)))
  (canon thread.resume-later (core func $resume-later))
  (canon thread.suspend (core func $suspend))
  (canon thread.yield (core func $yield))
  (canon thread.suspend-then-resume (core func $suspend-then-resume))
  (canon thread.yield-then-resume (core func $yield-then-resume))
  (canon thread.suspend-then-promote (core func $suspend-then-promote))
  (canon thread.yield-then-promote (core func $yield-then-promote))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "task.cancel" (func $task.cancel))
    (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
    (import "" "ws.poll" (func $ws.poll (param i32 i32) (result i32)))
    (import "" "ws.drop" (func $ws.drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "subtask.cancel" (func $subtask.cancel (param i32) (result i32)))
    (import "" "subtask.drop" (func $subtask.drop (param i32)))
    (import "" "res.drop" (func $res.drop (param i32)))
    (import "" "thread.index" (func $thread.index (result i32)))
    (import "" "thread.new" (func $thread.new (param i32 i32) (result i32)))
    (import "" "resume-later" (func $resume-later (param i32)))
    (import "" "suspend" (func $suspend (result i32)))
    (import "" "yield" (func $yield (result i32)))
    (import "" "suspend-then-resume" (func $suspend-then-resume (param i32) (result i32)))
    (import "" "yield-then-resume" (func $yield-then-resume (param i32) (result i32)))
    (import "" "suspend-then-promote" (func $suspend-then-promote (param i32) (result i32)))
    (import "" "yield-then-promote" (func $yield-then-promote (param i32) (result i32)))
    (global $mode (mut i32) (i32.const 0))
    (global $next (mut i32) (i32.const 0x100))
    ;; the built-in that mode k calls (0: none)
    (func $act
      (block $done
        (block $17 (block $16 (block $15 (block $14 (block $13 (block $12
        (block $11 (block $10 (block $9 (block $8 (block $7 (block $6
        (block $5 (block $4 (block $3 (block $2 (block $1
          (br_table $done $1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11 $12 $13 $14
                    $15 $16 $17 $done (global.get $mode)))
          (call $task.cancel) (br $done))
          (drop (call $ws.wait (i32.const 0) (i32.const 0))) (br $done))
          (drop (call $ws.poll (i32.const 0) (i32.const 0))) (br $done))
          (call $ws.drop (i32.const 0)) (br $done))
          (call $join (i32.const 0) (i32.const 0)) (br $done))
          (drop (call $subtask.cancel (i32.const 0))) (br $done))
          (call $subtask.drop (i32.const 0)) (br $done))
          (call $res.drop (i32.const 0)) (br $done))
          (drop (call $thread.index)) (br $done))
          (drop (call $thread.new (i32.const 0) (i32.const 0))) (br $done))
          (call $resume-later (i32.const 0)) (br $done))
          (drop (call $suspend)) (br $done))
          (drop (call $yield)) (br $done))
          (drop (call $suspend-then-resume (i32.const 0))) (br $done))
          (drop (call $yield-then-resume (i32.const 0))) (br $done))
          (drop (call $suspend-then-promote (i32.const 0))) (br $done))
          (drop (call $yield-then-promote (i32.const 0)))))
    (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (call $act)
      (local.set $r (global.get $next))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r))
    ;; the string's length, after its one realloc
    (func (export "take") (param i32 i32) (result i32) (local.get 1))
    (func (export "give") (result i32) (i32.const 7))
    (func (export "give-post") (param i32) (call $act)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "task.cancel" (func $task.cancel))
    (export "ws.wait" (func $ws.wait)) (export "ws.poll" (func $ws.poll))
    (export "ws.drop" (func $ws.drop)) (export "join" (func $join))
    (export "subtask.cancel" (func $subtask.cancel))
    (export "subtask.drop" (func $subtask.drop))
    (export "res.drop" (func $res.drop))
    (export "thread.index" (func $thread.index))
    (export "thread.new" (func $thread.new))
    (export "resume-later" (func $resume-later))
    (export "suspend" (func $suspend)) (export "yield" (func $yield))
    (export "suspend-then-resume" (func $suspend-then-resume))
    (export "yield-then-resume" (func $yield-then-resume))
    (export "suspend-then-promote" (func $suspend-then-promote))
    (export "yield-then-promote" (func $yield-then-promote))))))
  (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
  (func (export "take") (param "s" string) (result u32)
    (canon lift (core func $m "take") (memory (core memory $mem "mem"))
      (realloc (core func $m "realloc"))))
  (func (export "give") (result u32)
    (canon lift (core func $m "give") (post-return (core func $m "give-post")))))

;; Mode 0 calls no built-in: realloc allocates, post-return does nothing.
(component instance $t $T)
(assert_return (invoke "take" (str.const "abc")) (u32.const 3))
(assert_return (invoke "give") (u32.const 7))

;; Inside realloc (lowering the string argument of "take").
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 5)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 6)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 7)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 8)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 9)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 10)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 11)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 12)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 13)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 14)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 15)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 16)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 17)))
(assert_trap (invoke "take" (str.const "a")) "cannot leave component instance")

;; Inside post-return (after "give" returned 7 to the host).
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 1)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 2)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 3)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 4)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 5)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 6)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 7)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 8)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 9)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 10)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 11)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 12)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 13)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 14)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 15)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 16)))
(assert_trap (invoke "give") "cannot leave component instance")
(component instance $t $T)
(assert_return (invoke "set-mode" (u32.const 17)))
(assert_trap (invoke "give") "cannot leave component instance")
