"""The command adapter: any program that runs one .wast file and ends with
the usual "N passed, M failed" line (`cmref run`, `wasmtime wast` with a
wrapper that prints it), for runtimes whose CLI runs scripts.  Per-command
outcomes come from lines "FILE:LINE: KIND: MESSAGE" when the program prints
them (cmref's form); otherwise the script is one outcome, pass or fail by
the exit status."""

import re
import shlex
import subprocess

from . import Outcome, ScriptResult

TALLY = re.compile(r"(\d+) passed, (\d+) failed")


class CommandAdapter:
    name = "command"

    def __init__(self, command=None, timeout=120):
        # "wasmtime wast -W component-model-async" or "build/cmref run";
        # {} stands for the file, else it is appended.
        self.command = command
        self.timeout = timeout

    def version(self):
        return self.command or "(no command)"

    def available(self):
        if not self.command:
            return False, "no command given (RUNTIME_COMMAND / --runtime-command)"
        return True, None

    def run(self, path, trace=None):
        argv = shlex.split(self.command)
        argv = [a.replace("{}", path) for a in argv] if "{}" in self.command \
            else argv + [path]
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=self.timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return ScriptResult(path, problem="timeout after %ss" % self.timeout)
        except OSError as e:
            return ScriptResult(path, problem=str(e))
        out = p.stdout.decode("utf-8", "replace")
        fails = []
        for ln in out.splitlines():
            m = re.match(r"(.+?):(\d+): ([a-z_]+): (.*)", ln)
            if m and m.group(1) == path:
                fails.append(Outcome(int(m.group(2)), m.group(3), "fail",
                                     m.group(4)))
        tally = TALLY.findall(out)
        if tally:
            passed, failed = map(int, tally[-1])
            cmds = [Outcome(0, "command", "pass")] * passed + fails
            cmds += [Outcome(0, "command", "fail", "(no detail printed)")] * \
                max(0, failed - len(fails))
            return ScriptResult(path, cmds)
        if p.returncode in (0, 1):
            return ScriptResult(path, [Outcome(0, "script",
                                               "pass" if p.returncode == 0
                                               else "fail",
                                               out.strip()[-300:] or None)])
        return ScriptResult(path, problem="exit status %s: %s" % (
            p.returncode, out.strip()[-300:]))
