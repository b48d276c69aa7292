(module
  (memory 1)
  (table 1 funcref)
  (func $spin (export "spin") (loop (br 0)))
  (func $deep (export "deep") (result i32) (call $deep))
  (func (export "grow") (result i32) (memory.grow (i32.const 0x10000)))
  (func (export "fill") (memory.fill (i32.const 0) (i32.const 0) (i32.const 65536)))
  (func (export "tgrow") (result i32) (table.grow (ref.null func) (i32.const 1000000)))
  (func (export "div") (result i32) (i32.div_s (i32.const 1) (i32.const 0))))
