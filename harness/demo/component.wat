;; A small component for `cmref invoke` (see `make demo`):
;;   cmref invoke harness/demo/component.wat add 2 40
;;   cmref invoke harness/demo/component.wat upper "hello, world"
(component
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; realloc(old, old_size, align, new_size): a bump allocator
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    ;; upper(ptr, len) -> retptr to (ptr, len): ASCII letters to upper case
    (func (export "upper") (param $s i32) (param $n i32) (result i32)
      (local $d i32) (local $i i32) (local $c i32)
      (local.set $d (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get $n)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (local.get $s) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 0x61))
                       (i32.le_u (local.get $c) (i32.const 0x7a)))
            (then (local.set $c (i32.sub (local.get $c) (i32.const 0x20)))))
          (i32.store8 (i32.add (local.get $d) (local.get $i)) (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 8) (local.get $d))
      (i32.store (i32.const 12) (local.get $n))
      (i32.const 8)))
  (core instance $m (instantiate $M))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
  (func (export "upper") (param "s" string) (result string)
    (canon lift (core func $m "upper") (memory (core memory $m "mem"))
      (realloc (core func $m "realloc")))))
