"""test_bench_scripts.py -- the scripts `make bench` generates
(harness/bench/generate.py) run correctly, at small sizes, in both builds:
every byte of a stream chain arrives (N = 0, 1, 3 relays; chunks that do and
do not divide the total), and a waitable set with idle waitables delivers
every element of its one ready stream (1 + ... + E).  Correctness only: the
figures are `make bench`'s business (docs/performance.md)."""

import sys

import pytest

import cmrun
from conftest import (ASAN_SLOWDOWN, CMREF, CMREF_ASAN, HARNESS, TIMEOUT,
                      require_binary)

sys.path.insert(0, str(HARNESS / "bench"))
import generate  # noqa: E402

SCRIPTS = [("chain-0-1000-256", lambda: generate.chain(0, 1000, 256)),
           ("chain-1-5000-4096", lambda: generate.chain(1, 5000, 4096)),
           ("chain-3-4097-1024", lambda: generate.chain(3, 4097, 1024)),
           ("waitset-1-50", lambda: generate.waitset(1, 50)),
           ("waitset-300-200", lambda: generate.waitset(300, 200))]
CASES = [(b, n, m) for n, m in SCRIPTS
         for b in ((CMREF, "make"), (CMREF_ASAN, "make asan"))]


@pytest.mark.parametrize("build,name,make", CASES,
                         ids=["%s/%s" % ("asan" if b[0] == CMREF_ASAN else
                                         "build", n) for b, n, _ in CASES])
def test_bench_script(tmp_path, build, name, make):
    binary, how = build
    require_binary(binary, how)
    path = tmp_path / (name + ".wast")
    path.write_text(make())
    timeout = TIMEOUT * (ASAN_SLOWDOWN if binary == CMREF_ASAN else 1)
    r, fr, note = cmrun.run_wast(binary, str(path), timeout)
    assert not note, "%s: %s" % (name, note)
    assert fr is not None and fr.failed == 0 and fr.skipped == 0 \
        and fr.passed == 2, "%s: %s" % (name, r.out[-2000:] + r.err[-2000:])
