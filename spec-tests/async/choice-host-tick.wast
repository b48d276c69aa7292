;; Open choice `host-tick`: not a `random` of definitions.py but the
;; embedder's: when to call Store.tick (Concurrency.md: the host's event
;; loop; a host may run the store between two calls it makes).
;; `start` returns at once (task.return) and then YIELDs; its callback,
;; when the store next runs its thread, sets a flag.  `get` reads the flag:
;; 0 if no tick ran the callback between the two commands, 1 if one did
;; (or if the YIELD did not block at all: wait-early).
(component definition $T
  (core module $M
    (import "" "task.return" (func $task.return))
    (global $flag (mut i32) (i32.const 0))
    (func (export "start") (result i32)
      (call $task.return)
      (i32.const 1 (; YIELD ;)))
    (func (export "start-cb") (param i32 i32 i32) (result i32)
      (global.set $flag (i32.const 1))
      (i32.const 0 (; EXIT ;)))
    (func (export "get") (result i32) (global.get $flag)))
  (canon task.return (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "start") async
    (canon lift (core func $m "start") async (callback (core func $m "start-cb"))))
  (func (export "get") (result u32) (canon lift (core func $m "get"))))
(component instance $t $T)
(assert_return (invoke "start"))
(assert_return (invoke "get") (either (u32.const 0) (u32.const 1)))
