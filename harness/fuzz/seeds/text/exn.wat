(module
  (tag $e (param i32))
  (func (export "t") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (i32.const 7)))
      (i32.const 0)))
  (func (export "u") (throw $e (i32.const 1))))
