"""conftest.py -- shared setup of the pytest harness.

What is tested, and with which binaries:
  * every .wast under spec-tests/ (and the demo) with build/cmref and with
    the sanitizer build build-asan/cmref (test_spec_tests.py);
  * every C unit test harness/unit/NAME.c, built as build/unit/NAME and
    build-asan/unit/NAME (test_unit.py);
  * the command line contract (test_cli.py).
`make test` builds all of these first.  Environment overrides:
  CMREF, CMREF_ASAN   other binaries to test
  CMREF_TIMEOUT       seconds per .wast file (default 60; x3 under ASan)
"""

import os
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parent
ROOT = HARNESS.parent
sys.path.insert(0, str(HARNESS))

CMREF = os.environ.get("CMREF", str(ROOT / "build" / "cmref"))
CMREF_ASAN = os.environ.get("CMREF_ASAN", str(ROOT / "build-asan" / "cmref"))
TIMEOUT = float(os.environ.get("CMREF_TIMEOUT", "60"))
ASAN_SLOWDOWN = 3


def wast_files():
    """Every script the suite runs: spec-tests/**/*.wast, then the demo."""
    files = sorted((ROOT / "spec-tests").rglob("*.wast"))
    files += sorted((HARNESS / "demo").glob("*.wast"))
    return files


def rel(path):
    return os.path.relpath(str(path), str(ROOT))


def require_binary(path, how):
    if not os.access(path, os.X_OK):
        pytest.fail("%s is not built; run `%s` first" % (rel(path), how),
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def cmref():
    return require_binary(CMREF, "make")


@pytest.fixture(scope="session")
def cmref_asan():
    return require_binary(CMREF_ASAN, "make asan")


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(params=[(CMREF, "make"), (CMREF_ASAN, "make asan")],
                ids=["build", "build-asan"])
def exe(request):
    """Each test that takes `exe` runs with both builds."""
    return require_binary(*request.param)


@pytest.fixture(params=[(CMREF, "make", 1),
                        (CMREF_ASAN, "make asan", ASAN_SLOWDOWN)],
                ids=["build", "build-asan"])
def build(request):
    """(binary, how to build it, its timeout factor) for each build: for
    the per-script tests, which say themselves which build is missing."""
    return request.param


def cm(exe, *args, timeout=120):
    """Runs cmref with args; a crash (signal, sanitizer report) fails the
    test whatever the exit status."""
    import cmrun
    r = cmrun.run([exe, *args], timeout=timeout)
    note = r.crash_note()
    assert not note, "%s: %s\n%s" % (" ".join(map(str, args)), note,
                                      r.err[-3000:])
    return r


# ---- other runtimes (harness/runtimes/; docs/runtimes.md) -----------------
# `pytest harness --runtime=jco` runs every spec-tests script through that
# runtime too (test_runtimes.py::test_runtime_script) and writes the
# report build/runtimes/pytest-NAME.md; without the option
# those tests are skipped.  The jco adapter's tools are never installed by
# the tests: `make check-runtime RUNTIME=jco` installs them.

def pytest_addoption(parser):
    parser.addoption("--runtime", default=None,
                     help="also run spec-tests/ through this runtime "
                          "(cmref, jco, command)")
    parser.addoption("--runtime-command", default=None,
                     help="the command of --runtime=command, e.g. "
                          "'wasmtime wast -W component-model-async'")


@pytest.fixture(scope="session")
def runtime_name(request):
    return request.config.getoption("--runtime")


@pytest.fixture(scope="session")
def runtime_command(request):
    return request.config.getoption("--runtime-command")
