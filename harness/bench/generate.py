"""generate.py -- component scripts that `make bench` (run.py) makes at bench
time, each a function of its size, so that the cost per operation can be
taken as a difference of two sizes (start-up, parsing and set-up cancel).

chain(n, total, chunk): a producer, n relay components and a consumer in a
  line, joined by stream<u8>s: the producer writes `total` bytes in writes of
  at most `chunk` bytes, each relay reads up to `chunk` bytes from its source
  and writes them on, the consumer counts them.  Every byte crosses n + 1
  streams.
waitset(w, elements): a producer writes 1..elements to a stream<u32>, one
  element per write; the consumer reads one element per read, waiting on a
  waitable set that holds the stream and w - 1 other readable streams, each
  with a read pending that never completes.  Exactly one waitable of the set
  is ready at each wait.

Nothing here comes from the spec's tests; the scripts follow
harness/bench/components/stream.wast.
"""

# Shared by every component below: built-ins of a stream type $S, on a
# one-page memory $memory.  Event records of waitable-set.wait go to EV
# (index, then payload); stream results are result | (count << 4), with
# BLOCKED = -1, DROPPED = 1; events STREAM_READ = 2, STREAM_WRITE = 3.
EV = 65520

_BUILTINS = {
    "stream.new": ("(result i64)", "(canon stream.new $S (core func {f}))"),
    "stream.read": ("(param i32 i32 i32) (result i32)",
                    "(canon stream.read $S async (memory (core memory $memory \"mem\")) (core func {f}))"),
    "stream.write": ("(param i32 i32 i32) (result i32)",
                     "(canon stream.write $S async (memory (core memory $memory \"mem\")) (core func {f}))"),
    "stream.drop-readable": ("(param i32)", "(canon stream.drop-readable $S (core func {f}))"),
    "stream.drop-writable": ("(param i32)", "(canon stream.drop-writable $S (core func {f}))"),
    "waitable-set.new": ("(result i32)", "(canon waitable-set.new (core func {f}))"),
    "waitable-set.wait": ("(param i32 i32) (result i32)",
                          "(canon waitable-set.wait (memory (core memory $memory \"mem\")) (core func {f}))"),
    "waitable.join": ("(param i32 i32)", "(canon waitable.join (core func {f}))"),
}


def _component(name, elem, imports, body, ret, export):
    """A component $name with a stream<elem> type $S, the built-ins above,
    task.return of `ret`, an import `src` if `imports`, and one async
    export `export` running the core function `body`."""
    core_imports = ['      (import "" "mem" (memory 1))']
    canons, withs = [], ['      (export "mem" (memory $memory "mem"))']
    head = ""
    if imports:
        head = '    (import "src" (func $src async (result (stream %s))))\n' % elem
        core_imports.append('      (import "" "src" (func $src (result i32)))')
        canons.append("    (core func $src' (canon lower (func $src)))")
        withs.append('      (export "src" (func $src\'))')
    for b, (sig, canon) in _BUILTINS.items():
        core_imports.append('      (import "" "%s" (func $%s %s))' % (b, b, sig))
        canons.append("    " + canon.format(f="$" + b))
        withs.append('      (export "%s" (func $%s))' % (b, b))
    core_imports.append('      (import "" "task.return" (func $task.return (param i32)))')
    canons.append("    (canon task.return (result %s) (core func $task.return))" % ret)
    withs.append('      (export "task.return" (func $task.return))')
    return """  (component ${name}
{head}    (type $S (stream {elem}))
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core module $M
{imports}
{body}
    )
{canons}
    (core instance $m (instantiate $M (with "" (instance
{withs}))))
    (func (export "{export}") async (result {ret})
      (canon lift (core func $m "{export}") async)))
""".format(name=name, head=head, elem=elem, imports="\n".join(core_imports),
           body=body, canons="\n".join(canons), withs="\n".join(withs),
           export=export, ret=ret)


# Waits until the copy on handle $h is done (event `code`) if $r says
# BLOCKED, leaving the copy's result in $r.
def _await(r, h, code):
    return """        (if (i32.eq (local.get {r}) (i32.const -1))
          (then
            (call $waitable.join (local.get {h}) (local.get $ws))
            (if (i32.ne (call $waitable-set.wait (local.get $ws) (i32.const {ev})) (i32.const {code}))
              (then unreachable))
            (call $waitable.join (local.get {h}) (i32.const 0))
            (local.set {r} (i32.load (i32.const {ev4})))))""".format(
        r=r, h=h, code=code, ev=EV, ev4=EV + 4)


def _chain_producer(total, chunk):
    body = """      (func (export "produce")
        (local $ends i64) (local $tx i32) (local $ws i32) (local $r i32)
        (local $left i32) (local $n i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (local.set $ws (call $waitable-set.new))
        (local.set $left (i32.const {total}))
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $left)))
            (local.set $n (select (local.get $left) (i32.const {chunk})
                                  (i32.lt_u (local.get $left) (i32.const {chunk}))))
            (local.set $r (call $stream.write (local.get $tx) (i32.const 0) (local.get $n)))
{wait}
            (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 0))
              (then unreachable))
            (local.set $left (i32.sub (local.get $left) (i32.shr_u (local.get $r) (i32.const 4))))
            (br $next)))
        (call $stream.drop-writable (local.get $tx)))""".format(
        total=total, chunk=chunk, wait=_await("$r", "$tx", 3))
    return _component("Producer", "u8", False, body, "$S", "produce")


def _chain_relay(chunk):
    body = """      (func (export "produce")
        (local $rx i32) (local $ends i64) (local $tx i32) (local $ws i32)
        (local $r i32) (local $w i32) (local $n i32) (local $off i32)
        (local.set $rx (call $src))
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (local.set $ws (call $waitable-set.new))
        (loop $chunks
          (local.set $r (call $stream.read (local.get $rx) (i32.const 0) (i32.const {chunk})))
{wait_r}
          (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
          (local.set $off (i32.const 0))
          (block $sent
            (loop $send
              (br_if $sent (i32.ge_u (local.get $off) (local.get $n)))
              (local.set $w (call $stream.write (local.get $tx) (local.get $off)
                                                (i32.sub (local.get $n) (local.get $off))))
{wait_w}
              (if (i32.ne (i32.and (local.get $w) (i32.const 0xf)) (i32.const 0))
                (then unreachable))
              (local.set $off (i32.add (local.get $off) (i32.shr_u (local.get $w) (i32.const 4))))
              (br $send)))
          (br_if $chunks (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
        (call $stream.drop-readable (local.get $rx))
        (call $stream.drop-writable (local.get $tx)))""".format(
        chunk=chunk, wait_r=_await("$r", "$rx", 2), wait_w=_await("$w", "$tx", 3))
    return _component("Relay", "u8", True, body, "$S", "produce")


def _chain_consumer(chunk):
    body = """      (func (export "run")
        (local $rx i32) (local $ws i32) (local $r i32) (local $total i32)
        (local.set $rx (call $src))
        (local.set $ws (call $waitable-set.new))
        (loop $chunks
          (local.set $r (call $stream.read (local.get $rx) (i32.const 0) (i32.const {chunk})))
{wait}
          (local.set $total (i32.add (local.get $total) (i32.shr_u (local.get $r) (i32.const 4))))
          (br_if $chunks (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
        (call $stream.drop-readable (local.get $rx))
        (call $task.return (local.get $total)))""".format(
        chunk=chunk, wait=_await("$r", "$rx", 2))
    return _component("Consumer", "u8", True, body, "u32", "run")


def chain(n, total, chunk=4096):
    assert 0 < chunk <= EV and 0 <= total < 1 << 32 and n >= 0
    parts = [";; generated by harness/bench/generate.py: chain(%d, %d, %d)"
             % (n, total, chunk), "(component",
             _chain_producer(total, chunk), _chain_relay(chunk),
             _chain_consumer(chunk), "  (instance $s0 (instantiate $Producer))"]
    for i in range(1, n + 1):
        parts.append('  (instance $s%d (instantiate $Relay (with "src" (func $s%d "produce"))))'
                     % (i, i - 1))
    parts.append('  (instance $c (instantiate $Consumer (with "src" (func $s%d "produce"))))' % n)
    parts.append('  (func (export "run") (alias export $c "run")))')
    parts.append('(assert_return (invoke "run") (u32.const %d))' % total)
    return "\n".join(parts) + "\n"


def _waitset_producer(elements):
    body = """      (func (export "produce")
        (local $ends i64) (local $tx i32) (local $ws i32) (local $r i32) (local $i i32)
        (local.set $ends (call $stream.new))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        (call $task.return (i32.wrap_i64 (local.get $ends)))
        (local.set $ws (call $waitable-set.new))
        (loop $next
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (i32.store (i32.const 0) (local.get $i))
          (local.set $r (call $stream.write (local.get $tx) (i32.const 0) (i32.const 1)))
{wait}
          (br_if $next (i32.lt_u (local.get $i) (i32.const {elements}))))
        (call $stream.drop-writable (local.get $tx)))""".format(
        elements=elements, wait=_await("$r", "$tx", 3))
    return _component("Producer", "u32", False, body, "$S", "produce")


def _waitset_consumer(w):
    # The stream from the producer stays in the set; the w - 1 idle ones
    # join it first, each with a read pending (BLOCKED: no writer writes).
    body = """      (func (export "run")
        (local $rx i32) (local $ws i32) (local $r i32) (local $i i32)
        (local $idle i32) (local $total i32)
        (local.set $rx (call $src))
        (local.set $ws (call $waitable-set.new))
        (block $joined
          (loop $more
            (br_if $joined (i32.ge_u (local.get $i) (i32.const {idle})))
            (local.set $idle (i32.wrap_i64 (call $stream.new)))
            (if (i32.ne (call $stream.read (local.get $idle) (i32.const 128) (i32.const 1))
                        (i32.const -1))
              (then unreachable))
            (call $waitable.join (local.get $idle) (local.get $ws))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $more)))
        (call $waitable.join (local.get $rx) (local.get $ws))
        (loop $elements
          (local.set $r (call $stream.read (local.get $rx) (i32.const 64) (i32.const 1)))
          (if (i32.eq (local.get $r) (i32.const -1))
            (then
              ;; STREAM_READ of $rx, the one ready waitable of the set
              (if (i32.ne (call $waitable-set.wait (local.get $ws) (i32.const {ev})) (i32.const 2))
                (then unreachable))
              (if (i32.ne (i32.load (i32.const {ev})) (local.get $rx)) (then unreachable))
              (local.set $r (i32.load (i32.const {ev4})))))
          (if (i32.eq (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 1))
            (then (local.set $total (i32.add (local.get $total) (i32.load (i32.const 64))))))
          (br_if $elements (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1))))
        (call $stream.drop-readable (local.get $rx))
        (call $task.return (local.get $total)))""".format(
        idle=w - 1, ev=EV, ev4=EV + 4)
    return _component("Consumer", "u32", True, body, "u32", "run")


def waitset(w, elements):
    assert w >= 1 and elements >= 1
    total = elements * (elements + 1) // 2 % (1 << 32)  # 1 + ... + elements
    return "\n".join([
        ";; generated by harness/bench/generate.py: waitset(%d, %d)" % (w, elements),
        "(component", _waitset_producer(elements), _waitset_consumer(w),
        "  (instance $p (instantiate $Producer))",
        '  (instance $c (instantiate $Consumer (with "src" (func $p "produce"))))',
        '  (func (export "run") (alias export $c "run")))',
        '(assert_return (invoke "run") (u32.const %d))' % total]) + "\n"


if __name__ == "__main__":
    import sys
    kind, args = sys.argv[1], [int(a) for a in sys.argv[2:]]
    sys.stdout.write({"chain": chain, "waitset": waitset}[kind](*args))
