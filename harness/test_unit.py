"""test_unit.py -- runs the C unit tests: harness/unit/NAME.c is built by
`make unit` as build/unit/NAME and build-asan/unit/NAME (ASan+UBSan); each
must exit 0 (see harness/unit/unit.h).  canon_fiber is also built as
canon_fiber_ucontext, on the portable switch (-DCANON_FIBER_UCONTEXT)."""

import pytest

import cmrun
from conftest import HARNESS, ROOT, rel, require_binary

NAMES = sorted([p.stem for p in (HARNESS / "unit").glob("*.c")]
               + ["canon_fiber_ucontext"])
CASES = [(build, name) for name in NAMES for build in ("build", "build-asan")]


@pytest.mark.parametrize("build,name", CASES,
                         ids=["%s/unit/%s" % c for c in CASES])
def test_unit(build, name):
    exe = str(ROOT / build / "unit" / name)
    require_binary(exe, "make unit")
    r = cmrun.run([exe], timeout=120)
    note = r.crash_note()
    if note or r.rc != 0:
        pytest.fail("%s: %s\n%s\n%s" % (rel(exe), note or "exit status %s" % r.rc,
                                        r.out[-4000:], r.err[-4000:]),
                    pytrace=False)
