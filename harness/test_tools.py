"""test_tools.py -- the report generator behind `make conformance`, run on
the fixture scripts (whose right counts are known: must_fail.wast has 4
failing commands, unsupported.wast is all skipped)."""

import subprocess
import sys

from conftest import CMREF, HARNESS, require_binary


def test_conformance_report(tmp_path):
    require_binary(CMREF, "make")
    out = tmp_path / "conformance.md"
    p = subprocess.run(
        [sys.executable, str(HARNESS / "conformance.py"), "--cmref", CMREF,
         "--core", str(HARNESS / "fixtures"), "--core",
         str(HARNESS / "demo"), "--timeout", "60", "--out", str(out)],
        capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    text = out.read_text()
    assert "6d28164" in text and "## Core WebAssembly" in text
    assert "Not run this time (give CM_TESTS=DIR)" in text
    rows = {l.split("|")[1].strip(): [c.strip() for c in l.split("|")[2:-1]]
            for l in text.splitlines() if l.startswith("| ") and ".wast" in l}
    # file -> [passed, failed, skipped, mismatches, notes]
    assert rows["fixtures/must_fail.wast"][1] == "4"
    assert rows["fixtures/unsupported.wast"][0:2] == ["0", "0"]
    assert rows["fixtures/unsupported.wast"][4].startswith(
        "all skipped: unsupported feature: simd")
    assert rows["demo/demo.wast"][1:3] == ["0", "0"]
