"""harness/runtimes -- run a .wast script through a runtime and get, per
command, what happened; and, where the runtime can say, the guest-visible
trace of the run (docs/trace-format.md).

Every adapter has
    name                       "cmref", "jco", "command"
    available() -> (ok, why)   why: what is missing, for a pytest skip
    run(path, trace=None) -> ScriptResult
trace is a file to write the run's trace v1 to, if the adapter can.

Adapters:
    cmref    the reference (build/cmref run --json), as the harness uses it
    jco      jco (the JS transpiler) on node >= 24, installed on demand from
             the npm registry into a cache outside the repo (jco.py)
    command  any command that runs a .wast file and prints the usual
             "N passed, M failed" line (command.py)
"""


class Outcome:
    """One command of a script, as a runtime ran it.
    status: pass | fail | error | skip (error: the runtime or the adapter
    could not run the command; skip: it does not apply to this runtime).
    cause "adapter": an error of the adapter (a form it cannot hand to the
    runtime, or an answer it cannot read), not of the runtime."""

    def __init__(self, line, kind, status, message=None, expected=None,
                 actual=None, message_mismatch=False, cause=None):
        self.line, self.kind, self.status = line, kind, status
        self.message, self.expected, self.actual = message, expected, actual
        self.message_mismatch = message_mismatch
        self.cause = cause

    @property
    def adapter_error(self):
        return self.status == "error" and self.cause == "adapter"

    def as_dict(self):
        # cls: the class check.py gave it, not part of the outcome
        return {k: v for k, v in vars(self).items()
                if v not in (None, False) and k != "cls"}


class ScriptResult:
    def __init__(self, file, commands=None, trace=None, problem=None):
        self.file = file
        self.commands = commands or []
        self.trace = trace        # path of the trace written, or None
        self.problem = problem    # the whole script could not run: why

    def count(self, status):
        return sum(1 for c in self.commands if c.status == status)

    @property
    def passed(self):
        return self.count("pass")

    @property
    def failed(self):
        return self.count("fail") + self.count("error")

    @property
    def skipped(self):
        return self.count("skip")

    @property
    def ok(self):
        """Every command that applies passed."""
        return not self.problem and self.failed == 0 and self.passed > 0


def get(name, **kw):
    """The adapter called name (cmref, jco, command)."""
    if name == "cmref":
        from .cmref import CmrefAdapter
        return CmrefAdapter(**kw)
    if name == "jco":
        from .jco import JcoAdapter
        return JcoAdapter(**kw)
    if name == "command":
        from .command import CommandAdapter
        return CommandAdapter(**kw)
    raise ValueError("unknown runtime %r (cmref, jco, command)" % name)


NAMES = ("cmref", "jco", "command")
