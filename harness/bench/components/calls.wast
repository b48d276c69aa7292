;; 200000 synchronous calls from one component into another (canon lower
;; -> canon lift: a task and a thread on its own fiber per call).
;; calls: 200000
(component
  (component $C
    (core module $M (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u32) (result u32) (canon lift (core func $m "f"))))
  (component $D
    (import "f" (func $f (param "x" u32) (result u32)))
    (core func $f' (canon lower (func $f)))
    (core module $M
      (import "" "f" (func $f (param i32) (result i32)))
      (func (export "run") (param i32) (result i32)
        (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (call $f (local.get $acc)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
        (local.get $acc)))
    (core instance $m (instantiate $M (with "" (instance (export "f" (func $f'))))))
    (func (export "run") (param "n" u32) (result u32) (canon lift (core func $m "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "f" (func $c "f"))))
  (func (export "run") (alias export $d "run")))
(assert_return (invoke "run" (u32.const 200000)) (u32.const 200000))
