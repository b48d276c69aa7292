"""measure.py -- runs a program with a time limit and measures it: wall and
CPU seconds and peak resident memory.  Shared by stress_cli.py and
stress_canon.py (`make stress`)."""

import collections
import os
import subprocess
import tempfile
import time

TIME = "/usr/bin/time"
TIME_MARK = "@@stress-rss-kib "

Measured = collections.namedtuple(
    "Measured", "rc out err wall cpu rss_kib finished")


def run_measured(argv, timeout):
    """Runs argv for at most `timeout` seconds; returns a Measured: exit
    status, stdout, stderr, wall and CPU seconds, peak RSS in KiB, and
    whether it finished (else it was killed).  The peak RSS comes from
    /usr/bin/time when there is one: the rusage of a child forked from
    Python also counts the Python image it started as."""
    timed = os.access(TIME, os.X_OK)
    if timed:
        argv = [TIME, "-f", TIME_MARK + "%M", *argv]
    t0 = time.monotonic()
    finished = True
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, stdout=out, stderr=err)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                finished = False
                break
            time.sleep(0.01)
        wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status) if hasattr(
            os, "waitstatus_to_exitcode") else status
        p.returncode = rc
        out.seek(0)
        err.seek(0)
        o = out.read().decode(errors="replace")
        e = err.read().decode(errors="replace")
        rss = ru.ru_maxrss
        if timed and TIME_MARK in e:
            e, _, tail = e.rpartition(TIME_MARK)
            rss = int(tail.split()[0])
            lines = e.splitlines()  # "Command exited with non-zero status"
            if lines and lines[-1].startswith("Command "):
                e = "\n".join(lines[:-1])
        return Measured(rc, o, e, wall, ru.ru_utime + ru.ru_stime, rss,
                        finished)
