;; The backpressure counter's upper bound.
;;
;; Rules: backpressure.inc/overflow (backpressure.dec/underflow is in
;;   builtins.wast).
;;
;; Spec (definitions.py): canon_backpressure_inc: assert(0 <=
;;   inst.backpressure < 2**16); inst.backpressure += 1;
;;   trap_if(inst.backpressure == 2**16).  canon_backpressure_dec: -= 1,
;;   trap_if(inst.backpressure < 0).  Backpressure only holds back the
;;   start of async-typed functions (Task.enter_implicit_thread checks it
;;   only when ft.async_), so the synchronous "inc" below always enters.
(component definition $T
  (canon backpressure.inc (core func $bp.inc))
  (canon backpressure.dec (core func $bp.dec))
  (core module $M
    (import "" "bp.inc" (func $bp.inc))
    (import "" "bp.dec" (func $bp.dec))
    ;; n increments
    (func (export "inc") (param $n i32)
      (block $done
        (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (call $bp.inc)
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
    (func (export "dec") (call $bp.dec)))
  (core instance $m (instantiate $M (with "" (instance
    (export "bp.inc" (func $bp.inc)) (export "bp.dec" (func $bp.dec))))))
  (func (export "inc") (param "n" u32) (canon lift (core func $m "inc")))
  (func (export "dec") (canon lift (core func $m "dec"))))

;; 2^16 - 1 is the largest value; one more traps.
(component instance $t $T)
(assert_return (invoke "inc" (u32.const 65535)))
(assert_trap (invoke "inc" (u32.const 1)) "backpressure counter overflow")
;; Down by one, the counter takes one increment again, then traps.
(component instance $t $T)
(assert_return (invoke "inc" (u32.const 65535)))
(assert_return (invoke "dec"))
(assert_return (invoke "inc" (u32.const 1)))
(assert_trap (invoke "inc" (u32.const 1)) "backpressure counter overflow")
