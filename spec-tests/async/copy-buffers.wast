;; Rules: buffer/too-long, buffer/unaligned, buffer/out-of-bounds,
;; copy/intra-component.
;;
;; Spec: CanonicalABI.md "Buffer, Stream and Future State"
;; (BufferGuestImpl.__init__, made by stream_copy with length n and by
;; future_copy with length 1, after the end's own checks):
;;   trap_if(length > Buffer.MAX_LENGTH)            (MAX_LENGTH = 2**28 - 1)
;;   if t and length > 0:
;;     trap_if(ptr != align_to(ptr, alignment(t)))
;;     trap_if(ptr + length * elem_size(t) > len(memory))
;; so a zero-length buffer's pointer is never checked; and "Stream State" /
;; "Future State" (SharedStreamImpl.read/write, SharedFutureImpl.read/write):
;; when the other end already has a pending buffer,
;;   trap_if(inst is self.pending_inst and not none_or_number_type(self.t))  # temporary
;; none_or_number_type: no element type, or u8..u64, s8..s64, f32, f64 --
;; not bool.  Memory is one page (65536 bytes); u32 has size and alignment 4.
;; A read or write with nothing on the other end returns BLOCKED (-1).
(component definition $T
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (type $S (stream u32))
  (type $S8 (stream u8))
  (type $F (future u32))
  (type $SB (stream bool))
  (type $FB (future bool))
  (canon stream.new $S (core func $s.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $s.read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $s.write))
  (canon stream.new $S8 (core func $s8.new))
  (canon stream.read $S8 async (memory (core memory $mem "mem")) (core func $s8.read))
  (canon future.new $F (core func $f.new))
  (canon future.read $F async (memory (core memory $mem "mem")) (core func $f.read))
  (canon future.write $F async (memory (core memory $mem "mem")) (core func $f.write))
  (canon stream.new $SB (core func $sb.new))
  (canon stream.read $SB async (memory (core memory $mem "mem")) (core func $sb.read))
  (canon stream.write $SB async (memory (core memory $mem "mem")) (core func $sb.write))
  (canon future.new $FB (core func $fb.new))
  (canon future.read $FB async (memory (core memory $mem "mem")) (core func $fb.read))
  (canon future.write $FB async (memory (core memory $mem "mem")) (core func $fb.write))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "s.new" (func $s.new (result i64)))
    (import "" "s.read" (func $s.read (param i32 i32 i32) (result i32)))
    (import "" "s.write" (func $s.write (param i32 i32 i32) (result i32)))
    (import "" "s8.new" (func $s8.new (result i64)))
    (import "" "s8.read" (func $s8.read (param i32 i32 i32) (result i32)))
    (import "" "f.new" (func $f.new (result i64)))
    (import "" "f.read" (func $f.read (param i32 i32) (result i32)))
    (import "" "f.write" (func $f.write (param i32 i32) (result i32)))
    (import "" "sb.new" (func $sb.new (result i64)))
    (import "" "sb.read" (func $sb.read (param i32 i32 i32) (result i32)))
    (import "" "sb.write" (func $sb.write (param i32 i32 i32) (result i32)))
    (import "" "fb.new" (func $fb.new (result i64)))
    (import "" "fb.read" (func $fb.read (param i32 i32) (result i32)))
    (import "" "fb.write" (func $fb.write (param i32 i32) (result i32)))
    (func $lo (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
    (func $hi (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
    ;; stream<u32>: read (or write, if $write) of n elements at ptr, on a
    ;; new stream; returns the built-in's result
    (func (export "s-copy") (param $write i32) (param $ptr i32) (param $n i32) (result i32)
      (local $e i64)
      (local.set $e (call $s.new))
      (if (result i32) (local.get $write)
        (then (call $s.write (call $hi (local.get $e)) (local.get $ptr) (local.get $n)))
        (else (call $s.read (call $lo (local.get $e)) (local.get $ptr) (local.get $n)))))
    ;; stream<u8>: a read of n bytes at ptr
    (func (export "s8-read") (param $ptr i32) (param $n i32) (result i32)
      (call $s8.read (call $lo (call $s8.new)) (local.get $ptr) (local.get $n)))
    ;; future<u32>: read (or write) at ptr
    (func (export "f-copy") (param $write i32) (param $ptr i32) (result i32)
      (local $e i64)
      (local.set $e (call $f.new))
      (if (result i32) (local.get $write)
        (then (call $f.write (call $hi (local.get $e)) (local.get $ptr)))
        (else (call $f.read (call $lo (local.get $e)) (local.get $ptr)))))
    ;; intra-component copies of bool: one end BLOCKED, then the other
    (func $blocked (param i32) (if (i32.ne (local.get 0) (i32.const -1)) (then unreachable)))
    (func (export "sb-read-then-write") (result i32)
      (local $e i64)
      (local.set $e (call $sb.new))
      (call $blocked (call $sb.read (call $lo (local.get $e)) (i32.const 0x100) (i32.const 1)))
      (call $sb.write (call $hi (local.get $e)) (i32.const 0x200) (i32.const 1)))
    (func (export "sb-write-then-read") (result i32)
      (local $e i64)
      (local.set $e (call $sb.new))
      (call $blocked (call $sb.write (call $hi (local.get $e)) (i32.const 0x200) (i32.const 1)))
      (call $sb.read (call $lo (local.get $e)) (i32.const 0x100) (i32.const 1)))
    (func (export "fb-read-then-write") (result i32)
      (local $e i64)
      (local.set $e (call $fb.new))
      (call $blocked (call $fb.read (call $lo (local.get $e)) (i32.const 0x100)))
      (call $fb.write (call $hi (local.get $e)) (i32.const 0x200)))
    (func (export "fb-write-then-read") (result i32)
      (local $e i64)
      (local.set $e (call $fb.new))
      (call $blocked (call $fb.write (call $hi (local.get $e)) (i32.const 0x200)))
      (call $fb.read (call $lo (local.get $e)) (i32.const 0x100)))
  )
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "s.new" (func $s.new)) (export "s.read" (func $s.read)) (export "s.write" (func $s.write))
    (export "s8.new" (func $s8.new)) (export "s8.read" (func $s8.read))
    (export "f.new" (func $f.new)) (export "f.read" (func $f.read)) (export "f.write" (func $f.write))
    (export "sb.new" (func $sb.new)) (export "sb.read" (func $sb.read)) (export "sb.write" (func $sb.write))
    (export "fb.new" (func $fb.new)) (export "fb.read" (func $fb.read)) (export "fb.write" (func $fb.write))))))
  (func (export "s-copy") (param "write" bool) (param "ptr" u32) (param "n" u32) (result s32)
    (canon lift (core func $m "s-copy")))
  (func (export "s8-read") (param "ptr" u32) (param "n" u32) (result s32)
    (canon lift (core func $m "s8-read")))
  (func (export "f-copy") (param "write" bool) (param "ptr" u32) (result s32)
    (canon lift (core func $m "f-copy")))
  (func (export "sb-read-then-write") (result s32) (canon lift (core func $m "sb-read-then-write")))
  (func (export "sb-write-then-read") (result s32) (canon lift (core func $m "sb-write-then-read")))
  (func (export "fb-read-then-write") (result s32) (canon lift (core func $m "fb-read-then-write")))
  (func (export "fb-write-then-read") (result s32) (canon lift (core func $m "fb-write-then-read")))
)

;; ---- buffers that pass: BLOCKED --------------------------------------------
(component instance $t $T)
;; the last 4 bytes of memory: 65532 + 1 * 4 = 65536, not beyond
(assert_return (invoke "s-copy" (bool.const false) (u32.const 65532) (u32.const 1)) (s32.const -1))
(assert_return (invoke "s-copy" (bool.const true) (u32.const 65532) (u32.const 1)) (s32.const -1))
(assert_return (invoke "f-copy" (bool.const false) (u32.const 65532)) (s32.const -1))
(assert_return (invoke "f-copy" (bool.const true) (u32.const 65532)) (s32.const -1))
;; zero length: neither alignment nor bounds is checked
(assert_return (invoke "s-copy" (bool.const false) (u32.const 2) (u32.const 0)) (s32.const -1))
(assert_return (invoke "s-copy" (bool.const true) (u32.const 0xfffffff1) (u32.const 0)) (s32.const -1))
;; u8 has alignment 1: any pointer; 65535 + 1 = 65536
(assert_return (invoke "s8-read" (u32.const 65535) (u32.const 1)) (s32.const -1))
;; the whole memory
(assert_return (invoke "s8-read" (u32.const 0) (u32.const 65536)) (s32.const -1))

;; ---- buffer/too-long: length > 2**28 - 1, checked before the pointer -------
(component instance $t $T)
(assert_trap (invoke "s8-read" (u32.const 0) (u32.const 0x10000000)) "stream read/write count too large")
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const true) (u32.const 0) (u32.const 0xffffffff)) "stream read/write count too large")
;; 2**28 - 1 is allowed by MAX_LENGTH, then the bounds check traps
;; buffer/out-of-bounds
(component instance $t $T)
(assert_trap (invoke "s8-read" (u32.const 0) (u32.const 0x0fffffff)) "out of bounds")

;; ---- buffer/unaligned ------------------------------------------------------
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const false) (u32.const 2) (u32.const 1)) "unaligned pointer")
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const true) (u32.const 1) (u32.const 3)) "unaligned pointer")
(component instance $t $T)
(assert_trap (invoke "f-copy" (bool.const false) (u32.const 6)) "unaligned pointer")
(component instance $t $T)
(assert_trap (invoke "f-copy" (bool.const true) (u32.const 0x103)) "unaligned pointer")
;; alignment is checked before bounds
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const false) (u32.const 65538) (u32.const 1)) "unaligned pointer")

;; ---- buffer/out-of-bounds --------------------------------------------------
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const false) (u32.const 65536) (u32.const 1)) "out of bounds")
(component instance $t $T)
(assert_trap (invoke "s-copy" (bool.const true) (u32.const 65532) (u32.const 2)) "out of bounds")
(component instance $t $T)
(assert_trap (invoke "s8-read" (u32.const 1) (u32.const 65536)) "out of bounds")
(component instance $t $T)
(assert_trap (invoke "f-copy" (bool.const false) (u32.const 65536)) "out of bounds")
(component instance $t $T)
(assert_trap (invoke "f-copy" (bool.const true) (u32.const 0xfffffffc)) "out of bounds")

;; ---- copy/intra-component: bool is not none_or_number_type -----------------
(component instance $t $T)
(assert_trap (invoke "sb-read-then-write") "cannot read from and write to intra-component stream")
(component instance $t $T)
(assert_trap (invoke "sb-write-then-read") "cannot read from and write to intra-component stream")
(component instance $t $T)
(assert_trap (invoke "fb-read-then-write") "cannot read from and write to intra-component future")
(component instance $t $T)
(assert_trap (invoke "fb-write-then-read") "cannot read from and write to intra-component future")
