"""test_fuzz_regressions.py -- inputs that once broke cmref (found by the
fuzzers of harness/fuzz/, minimized) and inputs that probe the limits a
runaway guest meets, run through the command line with the normal and the
sanitizer build.

Every file of harness/fuzz/regressions/ must give a clean outcome: exit
status 0 or 1, no signal, no sanitizer report, no timeout.  The name says
which fuzzer found it and how it is run:
  binary-*.wasm, text-*.wat   `cmref validate FILE`
  wast-*.wast                 `cmref run --fuel N --max-memory-pages M FILE`
  component-*.wasm            a component binary: wrapped as
                              `(component binary "...")` and run
  async-*.wast                a script fuzz_async generated (printed by
                              build-fuzz/async_dump), run with the
                              `cmref run` options of its `;; run:` line
                              (random schedule and its seed, the limits)
When the libFuzzer harnesses are built (`make fuzz`), each file is also
replayed through the harness that found it (build-fuzz/fuzz_binary, _text,
_wast, _component), which also instantiates valid core modules, calls
their exports and checks the encode/decode round trip.  fuzz_async's
inputs are bytes, not scripts: its findings are kept as the script, and
test_async_generator_* check the generator itself when it is built.

The limit tests check the outcome itself, worked out by hand from the
spec and design.md ("Errors, traps and limits").
"""

import os
import shutil
import struct

import pytest

import cmrun
from conftest import CMREF_ASAN, HARNESS, ROOT

REGRESSIONS = HARNESS / "fuzz" / "regressions"
FUZZ_DIR = ROOT / "build-fuzz"
TIMEOUT = 60
RUN_LIMITS = ("--fuel", "1000000", "--max-memory-pages", "256")


KINDS = {"binary": ".wasm", "text": ".wat", "wast": ".wast",
         "component": ".wasm", "async": ".wast"}


def kind_of(path):
    return path.name.split("-", 1)[0]


def regression_files():
    if not REGRESSIONS.is_dir():
        return []
    return sorted(p for p in REGRESSIONS.iterdir()
                  if KINDS.get(kind_of(p)) == p.suffix)


def test_regression_names():
    """Every file there follows the naming scheme (so none is ignored)."""
    if not REGRESSIONS.is_dir():
        return
    odd = [p.name for p in REGRESSIONS.iterdir()
           if p.name != "README.md" and p not in regression_files()]
    assert not odd, "misnamed regression inputs: %s" % odd


def clean(r, what):
    note = r.crash_note()
    assert not note, "%s: %s\n%s" % (what, note, r.err[-3000:])
    assert r.rc in (0, 1), "%s: exit status %s\n%s" % (what, r.rc,
                                                       r.err[-3000:])
    return r


def run_line(path):
    """The options of the `;; run: cmref run OPTIONS FILE` line that
    async_gen.c writes at the top of each script."""
    for line in path.read_text().splitlines()[:5]:
        if line.startswith(";; run: cmref run "):
            words = line.split()[4:]
            assert words and words[-1] == "FILE", line
            return words[:-1]
    raise AssertionError("%s has no ';; run:' line" % path.name)


def cli(exe, path, tmp_path):
    kind = kind_of(path)
    if kind == "async":
        return cmrun.run([exe, "run", *run_line(path), str(path)],
                         timeout=TIMEOUT)
    if kind == "component":
        script = tmp_path / (path.stem + ".wast")
        script.write_text('(component binary "%s")\n' % "".join(
            "\\%02x" % b for b in path.read_bytes()))
        path, kind = script, "wast"
    if kind == "wast":
        return cmrun.run([exe, "run", *RUN_LIMITS, str(path)],
                         timeout=TIMEOUT)
    return cmrun.run([exe, "validate", str(path)], timeout=TIMEOUT)


@pytest.mark.parametrize("path", regression_files(),
                         ids=lambda p: p.name)
def test_regression_cli(exe, path, tmp_path):
    clean(cli(exe, path, tmp_path),
          "%s on %s" % (os.path.relpath(exe, str(ROOT)), path.name))


@pytest.mark.parametrize("path", regression_files(),
                         ids=lambda p: p.name)
def test_regression_fuzz_harness(path):
    if kind_of(path) == "async":
        pytest.skip("fuzz_async takes bytes, not scripts: "
                    "test_regression_cli runs this one")
    harness = FUZZ_DIR / ("fuzz_" + kind_of(path))
    if not os.access(str(harness), os.X_OK):
        pytest.skip("%s not built (make fuzz-build)" % harness.name)
    r = cmrun.run([str(harness), "-runs=1", str(path)], timeout=TIMEOUT)
    assert r.rc == 0 and not r.timed_out, "%s %s: exit %s\n%s" % (
        harness.name, path.name, r.rc, r.err[-4000:])


# ---- the async program generator (harness/fuzz/async_gen.c) -------------------
# Its programs must be valid: cmref rejecting one is a generator bug.  They
# run under a random schedule and must end cleanly (exit 0 or 1, no
# sanitizer report) within the limits of their run line.

# `make test` builds both with the sanitizer build (no clang needed);
# `make fuzz-build` builds async_dump into build-fuzz/ too.
ASYNC_DUMP = next((p for p in (ROOT / "build-asan" / "async_dump",
                               FUZZ_DIR / "async_dump")
                   if os.access(str(p), os.X_OK)),
                  ROOT / "build-asan" / "async_dump")
ASYNC_DRIVE = ROOT / "build-asan" / "async_drive"
ASYNC_INPUTS = 12
DRIVE_SEEDS = 200


def async_inputs():
    import random
    rng = random.Random(7)
    return [bytes(rng.randrange(256) for _ in range(64 + 48 * i))
            for i in range(ASYNC_INPUTS)]


@pytest.mark.parametrize("index", range(ASYNC_INPUTS))
def test_async_generator_programs(exe, tmp_path, index):
    if not os.access(str(ASYNC_DUMP), os.X_OK):
        pytest.skip("%s not built (make fuzz-progs)" % ASYNC_DUMP)
    raw = tmp_path / "input.bin"
    raw.write_bytes(async_inputs()[index])
    r = cmrun.run([str(ASYNC_DUMP), str(raw)], timeout=TIMEOUT)
    assert r.rc == 0, r.err
    script = tmp_path / "async.wast"
    script.write_text(r.out)
    r = clean(cmrun.run([exe, "run", *run_line(script), str(script)],
                        timeout=TIMEOUT), "program %d" % index)
    # only invokes may fail (traps, deadlocks, fuel): never the component
    for line in r.err.splitlines() + r.out.splitlines():
        assert ": component:" not in line and "invalid" not in line, line


def test_async_drive_seeds():
    """fuzz_async's target on the programs of seeds 1..DRIVE_SEEDS, each
    under its random schedule, in one ASan+UBSan process (every report
    fatal, LeakSanitizer at exit): every program runs to its end."""
    if not os.access(str(ASYNC_DRIVE), os.X_OK):
        pytest.skip("%s not built (make fuzz-progs)" % ASYNC_DRIVE)
    r = cmrun.run([str(ASYNC_DRIVE), "1", str(DRIVE_SEEDS)],
                  timeout=TIMEOUT * 2)
    assert not r.crash_note(), r.err[-3000:]
    assert r.rc == 0 and "done, %d runs" % DRIVE_SEEDS in r.err, r.err[-3000:]


# ---- limits -----------------------------------------------------------------

LIMITS_WAT = """(module
  (memory 1)
  (func (export "spin") (loop (br 0)))
  (func $deep (export "deep") (result i32) (call $deep))
  (func $deep2 (export "deep2") (param i64) (result i64)
    (i64.add (call $deep2 (local.get 0)) (i64.const 1)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
"""


@pytest.fixture(scope="module")
def limits_wat(tmp_path_factory):
    p = tmp_path_factory.mktemp("limits") / "limits.wat"
    p.write_text(LIMITS_WAT)
    return str(p)


def test_fuel_stops_infinite_loop(exe, limits_wat):
    r = clean(cmrun.run([exe, "invoke", "--fuel", "100000", limits_wat,
                         "spin"], timeout=TIMEOUT), "spin")
    assert r.rc == 1
    assert "out of fuel" in r.err


@pytest.mark.parametrize("name,args", [("deep", []), ("deep2", ["1"])])
def test_deep_recursion_is_exhaustion(exe, limits_wat, name, args):
    r = clean(cmrun.run([exe, "invoke", limits_wat, name, *args],
                        timeout=TIMEOUT), name)
    assert r.rc == 1
    assert "call stack exhausted" in r.err


def test_deep_recursion_small_limit(exe, limits_wat):
    r = clean(cmrun.run([exe, "invoke", "--max-call-depth", "50", limits_wat,
                         "deep"], timeout=TIMEOUT), "deep")
    assert r.rc == 1
    assert "call stack exhausted" in r.err


@pytest.mark.parametrize("pages", ["100", "65536", "0x7fffffff",
                                   "0xffffffff"])
def test_memory_grow_beyond_limit_is_minus_one(exe, limits_wat, pages):
    # memory 1 + pages > 64 allowed pages: memory.grow gives -1, no trap.
    r = clean(cmrun.run([exe, "invoke", "--max-memory-pages", "64",
                         limits_wat, "grow", pages], timeout=TIMEOUT), pages)
    assert r.rc == 0, r.err
    assert r.out.split()[-1] == "-1"


def test_memory_grow_within_limit(exe, limits_wat):
    r = clean(cmrun.run([exe, "invoke", "--max-memory-pages", "64",
                         limits_wat, "grow", "63"], timeout=TIMEOUT), "63")
    assert r.rc == 0, r.err
    assert r.out.split()[-1] == "1"  # the old size


BULK_WAT = """(module
  (memory 256)
  (table 100000 funcref)
  (func (export "fill") (loop
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x1000000)) (br 0)))
  (func (export "copy") (loop
    (memory.copy (i32.const 0) (i32.const 1) (i32.const 0xffffff)) (br 0)))
  (func (export "tfill") (loop
    (table.fill (i32.const 0) (ref.null func) (i32.const 100000)) (br 0))))
"""


@pytest.mark.parametrize("name", ["fill", "copy", "tfill"])
def test_fuel_bounds_bulk_operations(exe, tmp_path, name):
    # Fuel is the limit on how long a guest runs.  A loop around one bulk
    # instruction over 16 MiB executes ~5 instructions per iteration, so
    # 1000000 fuel means ~200000 iterations: 3 TB of memset if a bulk
    # instruction costs one unit whatever its size.  It must stop (out of
    # fuel) in seconds.
    p = tmp_path / "bulk.wat"
    p.write_text(BULK_WAT)
    r = clean(cmrun.run([exe, "invoke", "--fuel", "1000000", str(p), name],
                        timeout=20), name)
    assert r.rc == 1
    assert "out of fuel" in r.err


def leb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


HEADER = b"\0asm" + struct.pack("<I", 1)
MEMORY = section(5, b"\x01\x00\x01")
TYPE_FUNC = section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00")


def code(body):
    return section(10, b"\x01" + leb(len(body)) + body)


# Tiny binaries that declare huge things: each must be refused from the
# bytes it has, without first allocating what it declares.
HUGE_DECLARATIONS = {
    # a 100 MB data segment of which 3 bytes are present
    "data-100MB": HEADER + MEMORY + section(
        11, b"\x01\x00\x41\x00\x0b" + leb(100_000_000) + b"abc"),
    # a section whose size runs 100 MB past the end
    "section-100MB": HEADER + b"\x0b" + leb(100_000_000) + b"\x01\x00",
    # vectors of 2^32-1 entries
    "types-4G": HEADER + section(1, leb(0xFFFFFFFF) + b"\x60\x00\x00"),
    "data-vec-4G": HEADER + MEMORY + section(11, leb(0xFFFFFFFF) + b"\x01"),
    "elem-items-4G": HEADER + TYPE_FUNC + section(4, b"\x01\x70\x00\x01")
    + section(9, b"\x01\x00\x41\x00\x0b" + leb(0xFFFFFFF0) + b"\x00")
    + code(b"\x00\x0b"),
    "br_table-4G": HEADER + TYPE_FUNC
    + code(b"\x00\x41\x00\x0e" + leb(0xFFFFFFF0) + b"\x00\x0b"),
    # 2 x (2^32-1) locals: "too many locals"
    "locals-8G": HEADER + TYPE_FUNC + code(
        b"\x02" + leb(0xFFFFFFFF) + b"\x7f" + leb(0xFFFFFFFF) + b"\x7f\x0b"),
    "custom-name-256M": HEADER + section(0, leb(0xFFFFFFF) + b"name"),
}


@pytest.mark.parametrize("name", sorted(HUGE_DECLARATIONS))
def test_huge_declaration_in_tiny_binary(exe, tmp_path, name):
    p = tmp_path / (name + ".wasm")
    p.write_bytes(HUGE_DECLARATIONS[name])
    # A cap on the address space turns "allocated what it declared" into a
    # failure we can see, rather than a slow success (not under ASan, which
    # reserves terabytes of shadow memory up front).
    argv = [exe, "validate", str(p)]
    if exe != CMREF_ASAN and shutil.which("prlimit"):
        argv = ["prlimit", "--as=%d" % (64 << 20), "--"] + argv
    r = clean(cmrun.run(argv, timeout=TIMEOUT), name)
    assert r.rc == 1
    assert "malformed" in r.err or "unsupported" in r.err, r.err


# ---- deep nesting -----------------------------------------------------------
# Nesting is limited by what the recursive parts of cmref allow, never by
# the C stack: a deep input is refused ("nesting too deep") or accepted,
# but cmref does not crash.  Inputs are made here rather than committed
# (each is ~1 MB).

DEPTH = 200_000


def deep_inputs():
    n = DEPTH
    flat = "(module (func " + "block " * n + "end " * n + "))"
    return {
        "parens.wat": "(" * n + ")" * n,
        "folded-blocks.wat": "(module (func " + "(block " * n + ")" * n + "))",
        "flat-blocks.wat": flat,
        "flat-loops.wat": flat.replace("block", "loop"),
        "flat-try_table.wat": flat.replace("block", "try_table"),
        "flat-ifs.wat": "(module (func " + "i32.const 0 if " * n
        + "end " * n + "))",
        "folded-expr.wat": "(module (func (result i32) "
        + "(i32.add (i32.const 1) " * n + "(i32.const 1)" + ")" * n + "))",
        "quote.wast": '(module quote "' + "(" * n + ")" * n + '")',
        "quote-flat-blocks.wast": '(module quote "(func ' + "block " * n
        + "end " * n + ')")',
        "component-types.wast": "(component (type " + "(list " * n + "u8"
        + ")" * n + "))",
        "components.wast": "(component " + "(component " * n + ")" * n + ")",
        "blocks.wasm": HEADER + TYPE_FUNC + code(
            b"\x00" + b"\x02\x40" * n + b"\x0b" * n + b"\x0b"),
    }


@pytest.mark.parametrize("name", sorted(deep_inputs()))
def test_deep_nesting(exe, tmp_path, name):
    data = deep_inputs()[name]
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data)
    argv = [exe, "run", str(p)] if name.endswith(".wast") else \
        [exe, "validate", str(p)]
    clean(cmrun.run(argv, timeout=TIMEOUT), name)
