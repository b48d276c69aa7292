"""The cmref adapter: `cmref run --json` (harness/cmrun.py), and its trace
with --trace."""

import os
import sys

from . import Outcome, ScriptResult

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cmrun  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class CmrefAdapter:
    name = "cmref"

    def __init__(self, cmref=None, timeout=120):
        self.cmref = cmref or os.environ.get(
            "CMREF", os.path.join(ROOT, "build", "cmref"))
        self.timeout = timeout

    def version(self):
        return "cmref (this tree)"

    def available(self):
        if not os.access(self.cmref, os.X_OK):
            return False, "%s is not built (run make)" % self.cmref
        return True, None

    def run(self, path, trace=None):
        extra = ["--trace", trace] if trace else []
        r, fr, note = cmrun.run_wast(self.cmref, path, self.timeout, extra)
        if fr is None:
            return ScriptResult(path, problem=note)
        cmds = [Outcome(c["line"], c["kind"], c["status"], c.get("message"),
                        message_mismatch=c.get("message_mismatch"))
                for c in fr.commands]
        return ScriptResult(path, cmds, trace=trace if trace else None,
                            problem=note)
