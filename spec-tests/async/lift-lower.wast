;; canon lift: spilled parameters in memory from realloc, a synchronous
;; task that blocks with nothing else to run, task.return whose type or
;; options are not the lift's.
;;
;; Rules: lower-flat/realloc-unaligned, lower-flat/realloc-out-of-bounds,
;;   lift/sync-no-candidates, task.return/result-type,
;;   task.return/options-equal.
;;
;; Spec (definitions.py):
;;   canon_lift: flat_args = lower_flat_values(cx, MAX_FLAT_PARAMS, args,
;;     ft.param_types()).  lower_flat_values: more than MAX_FLAT_PARAMS
;;     (16) flat values and no out_param: ptr = cx.allocate(alignment,
;;     elem_size) of the tuple of parameters -- 17 u32: alignment 4, size
;;     68 -- then trap_if(ptr != align_to(ptr, 4)); trap_if(ptr + 68 >
;;     len(memory)); the callee gets [ptr].
;;   canon_lift, after thread.resume(): "if not ft.async_: while
;;     task.state != RESOLVED: candidates = { t for t in inst.threads if
;;     t.ready() and t is not inst.exclusive_thread }; trap_if(not
;;     candidates); random.choice(...).resume()".  A synchronous function
;;     that waits on an empty set leaves no ready thread: trap.  One that
;;     yields is itself ready (wait_until(lambda: True)), or returns from
;;     the yield at once: either way it goes on and returns.
;;   canon_task_return: trap_if(not task.inst.may_leave); trap_if(not
;;     task.opts.async_); trap_if(result_type != task.ft.result);
;;     trap_if(not LiftOptions.equal(opts, task.opts)), where
;;     LiftOptions.equal compares string_encoding and memory.
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (canon waitable-set.new (core func $ws.new))
  (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $ws.wait))
  (canon thread.yield (core func $yield))
  (canon task.return (result u32) (core func $return-u32))
  (canon task.return (core func $return-none))
  (canon task.return (result u32) (memory (core memory $mem "mem")) (core func $return-u32-mem))
  (canon task.return (result string) (memory (core memory $mem "mem")) (core func $return-string))
  (canon task.return (result string) string-encoding=utf16 (memory (core memory $mem "mem"))
    (core func $return-string16))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
    (import "" "yield" (func $yield (result i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "return-none" (func $return-none))
    (import "" "return-u32-mem" (func $return-u32-mem (param i32)))
    (import "" "return-string" (func $return-string (param i32 i32)))
    (import "" "return-string16" (func $return-string16 (param i32 i32)))
    ;; where realloc puts the spilled parameters
    (global $at (mut i32) (i32.const 0x100))
    (func (export "set-at") (param i32) (global.set $at (local.get 0)))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      ;; a fresh allocation of the 17 parameters: (0, 0, 4, 68)
      (if (i32.or (local.get 0) (local.get 1)) (then unreachable))
      (if (i32.ne (local.get 2) (i32.const 4)) (then unreachable))
      (if (i32.ne (local.get 3) (i32.const 68)) (then unreachable))
      (global.get $at))
    ;; the first and the 17th parameter, read from the spilled tuple
    (func (export "many") (param $p i32) (result i32)
      (i32.add (i32.mul (i32.load (local.get $p)) (i32.const 100))
               (i32.load offset=64 (local.get $p))))
    (func (export "sync-wait") (result i32)
      (drop (call $ws.wait (call $ws.new) (i32.const 0)))
      (i32.const 1))
    (func (export "sync-yield") (result i32)
      (drop (call $yield))
      (i32.const 2))
    ;; async (result u32) functions
    (func (export "ret-u32") (call $return-u32 (i32.const 3)))
    (func (export "ret-none") (call $return-none))
    (func (export "ret-u32-mem") (call $return-u32-mem (i32.const 3)))
    ;; async (result string) functions, lifted with memory, UTF-8
    (func (export "ret-string")
      (i32.store8 (i32.const 0) (i32.const 0x68))
      (call $return-string (i32.const 0) (i32.const 1)))
    (func (export "ret-string16")
      (i32.store16 (i32.const 0) (i32.const 0x68))
      (call $return-string16 (i32.const 0) (i32.const 1))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
    (export "yield" (func $yield))
    (export "return-u32" (func $return-u32)) (export "return-none" (func $return-none))
    (export "return-u32-mem" (func $return-u32-mem))
    (export "return-string" (func $return-string))
    (export "return-string16" (func $return-string16))))))
  (func (export "set-at") (param "p" u32) (canon lift (core func $m "set-at")))
  (func (export "many")
    (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32)
    (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32)
    (param "a9" u32) (param "a10" u32) (param "a11" u32) (param "a12" u32)
    (param "a13" u32) (param "a14" u32) (param "a15" u32) (param "a16" u32)
    (param "a17" u32) (result u32)
    (canon lift (core func $m "many") (memory (core memory $mem "mem"))
      (realloc (core func $m "realloc"))))
  (func (export "sync-wait") (result u32) (canon lift (core func $m "sync-wait")))
  (func (export "sync-yield") (result u32) (canon lift (core func $m "sync-yield")))
  (func (export "ret-u32") async (result u32) (canon lift (core func $m "ret-u32") async))
  (func (export "ret-none") async (result u32) (canon lift (core func $m "ret-none") async))
  (func (export "ret-u32-mem") async (result u32) (canon lift (core func $m "ret-u32-mem") async))
  (func (export "ret-string") async (result string)
    (canon lift (core func $m "ret-string") async (memory (core memory $mem "mem"))))
  (func (export "ret-string16") async (result string)
    (canon lift (core func $m "ret-string16") async (memory (core memory $mem "mem")))))

;; 17 parameters spill to memory: 1 * 100 + 17.
(component instance $t $T)
(assert_return (invoke "many"
  (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6)
  (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12)
  (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  (u32.const 117))
;; The last 68 bytes of the page still fit: 65468 + 68 = 65536.
(assert_return (invoke "set-at" (u32.const 65468)))
(assert_return (invoke "many"
  (u32.const 2) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6)
  (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12)
  (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 18))
  (u32.const 218))
;; Not 4-aligned; 4 bytes too far.
(component instance $t $T)
(assert_return (invoke "set-at" (u32.const 0x102)))
(assert_trap (invoke "many"
  (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6)
  (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12)
  (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  "realloc return: result not aligned")
(component instance $t $T)
(assert_return (invoke "set-at" (u32.const 65472)))
(assert_trap (invoke "many"
  (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5) (u32.const 6)
  (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11) (u32.const 12)
  (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  "realloc return: beyond end of memory")

;; A synchronous task that yields goes on; one that waits for nothing traps.
(component instance $t $T)
(assert_return (invoke "sync-yield") (u32.const 2))
(assert_trap (invoke "sync-wait") "deadlock detected")

;; task.return of the function's type and options.
(component instance $t $T)
(assert_return (invoke "ret-u32") (u32.const 3))
(assert_return (invoke "ret-string") (str.const "h"))
;; No result, for a function with result u32.
(component instance $t $T)
(assert_trap (invoke "ret-none") "invalid `task.return` signature and/or options for current task")
;; A memory the lift does not have.
(component instance $t $T)
(assert_trap (invoke "ret-u32-mem") "invalid `task.return` signature and/or options for current task")
;; UTF-16 where the lift is UTF-8.
(component instance $t $T)
(assert_trap (invoke "ret-string16") "invalid `task.return` signature and/or options for current task")
