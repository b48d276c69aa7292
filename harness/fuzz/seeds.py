#!/usr/bin/env python3
"""seeds.py -- build the fuzzers' seed corpora at run time, from .wast files
the user has (our spec-tests/, the spec's test/core, ...).  Nothing produced
here is committed: third-party tests stay where they are.

    seeds.py --cmref build/cmref --out build-fuzz/seeds DIR_OR_FILE...

Writes, under --out:
  text/    every core module form found (top level and inside assertions,
           assert_malformed's included) as a .wat file; `(module quote ...)`
           as its quoted text
  binary/  `(module binary ...)` bytes as they are written (malformed ones
           too), plus every text module assembled with `cmref assemble`
  component/  `(component binary ...)` bytes and every text component
           assembled with `cmref assemble`
  wast/    each script cut into small pieces: one module or component
           form with the commands that follow it (the runner is fuzzed on
           something it can get through in milliseconds)
  text.dict  a libFuzzer dictionary: instruction names from opcodes.def
           and the text format's other keywords
plus the few hand-written seeds of harness/fuzz/seeds/.
"""

import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

MAX_CHUNK = 16 * 1024

KEYWORDS = """module func param result local global table memory elem data
start import export type mut offset item declare funcref externref exnref
i32 i64 f32 f64 v128 anyfunc ref null extern exn tag try_table catch
catch_ref catch_all catch_all_ref then else end block loop if binary quote
definition instance register invoke get assert_return assert_trap
assert_exhaustion assert_malformed assert_invalid assert_unlinkable
assert_uninstantiable assert_exception nan:canonical nan:arithmetic
ref.extern ref.func ref.null ref.host either component core canon lift
lower resource own borrow string list record variant enum option result
flags char u8 u16 u32 u64 s8 s16 s32 s64 float32 float64 bool
""".split()


# ---- a tolerant S-expression scanner ------------------------------------

def skip_ws(s, i):
    n = len(s)
    while i < n:
        c = s[i]
        if c in " \t\r\n":
            i += 1
        elif s.startswith(";;", i):
            j = s.find("\n", i)
            i = n if j < 0 else j + 1
        elif s.startswith("(;", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if s.startswith("(;", i):
                    depth, i = depth + 1, i + 2
                elif s.startswith(";)", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        else:
            break
    return i


def scan_string(s, i):
    """s[i] is '"'; returns the index after the closing quote."""
    i += 1
    while i < len(s):
        if s[i] == "\\":
            i += 2
        elif s[i] == '"':
            return i + 1
        else:
            i += 1
    return len(s)


class Node:
    def __init__(self, start):
        self.start, self.end, self.items = start, start, []

    def head(self, k=0):
        atoms = [x for x in self.items if isinstance(x, tuple)]
        return atoms[k][1] if len(atoms) > k else None


def parse(s):
    """Top-level forms as Nodes; items are Nodes or (kind, text) atoms
    with kind 'str' or 'atom'.  Unbalanced input gives what could be read."""
    top, stack, i = [], [], 0
    while True:
        i = skip_ws(s, i)
        if i >= len(s):
            break
        c = s[i]
        if c == "(":
            stack.append(Node(i))
            i += 1
        elif c == ")":
            i += 1
            if stack:
                node = stack.pop()
                node.end = i
                (stack[-1].items if stack else top).append(node)
        elif c == '"':
            j = scan_string(s, i)
            if stack:
                stack[-1].items.append(("str", s[i:j]))
            i = j
        else:
            j = i
            while j < len(s) and s[j] not in " \t\r\n()\";":
                j += 1
            if stack:
                stack[-1].items.append(("atom", s[i:j]))
            i = max(j, i + 1)
    return top


def wat_string(lit):
    """Decodes a text-format string literal (quotes included) to bytes."""
    body, out, i = lit[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1:i + 2]
        simple = {"t": b"\t", "n": b"\n", "r": b"\r", '"': b'"',
                  "'": b"'", "\\": b"\\"}
        if e in simple:
            out += simple[e]
            i += 2
        elif e == "u":
            j = body.find("}", i)
            try:
                out += chr(int(body[i + 3:j].replace("_", ""), 16)).encode()
            except ValueError:
                pass
            i = j + 1 if j > 0 else len(body)
        else:
            try:
                out.append(int(body[i + 1:i + 3], 16))
            except ValueError:
                pass
            i += 3
    return bytes(out)


def module_forms(node):
    """Every (module ...) and (component ...) Node inside node (node
    included), not descending into them."""
    if node.head() in ("module", "component"):
        return [node]
    found = []
    for x in node.items:
        if isinstance(x, Node):
            found += module_forms(x)
    return found


def module_kind(node):
    """('binary'|'quote'|'text'|None, [string literals])."""
    atoms = [x for x in node.items if isinstance(x, tuple)]
    k = 1
    while k < len(atoms) and (atoms[k][1] == "definition"
                              or atoms[k][1].startswith("$")):
        k += 1
    if k < len(atoms) and atoms[k][1] in ("binary", "quote"):
        return atoms[k][1], [a[1] for a in atoms if a[0] == "str"]
    if k < len(atoms) and atoms[k][1] == "instance":
        return None, []
    return "text", []


# ---- writing ------------------------------------------------------------

def write_unique(d, data, ext):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    name = hashlib.sha1(data).hexdigest()[:16] + ext
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    return os.path.join(d, name)


def wast_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for dirpath, _, files in sorted(os.walk(p)):
                for f in sorted(files):
                    if f.endswith(".wast"):
                        yield os.path.join(dirpath, f)
        elif p.endswith(".wast") or p.endswith(".wat"):
            yield p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cmref", default=os.path.join(ROOT, "build", "cmref"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    dirs = {k: os.path.join(a.out, k)
            for k in ("text", "binary", "component", "wast")}
    for d in dirs.values():
        # Made afresh each time: seeds of a suite no longer given go.
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    tmp = tempfile.mkdtemp(prefix="cmref-seeds-")  # component .wat files
    to_assemble = []  # (.wat file, where its binary goes)
    counts = {"files": 0, "text": 0, "binary": 0, "component": 0,
              "wast": 0}

    def keep(where, strs, ext):
        """The bytes of a module's strings as a seed in dirs[where]."""
        write_unique(dirs[where], b"".join(wat_string(x) for x in strs), ext)
        counts[where] += 1

    for path in wast_files(a.paths):
        counts["files"] += 1
        with open(path, "rb") as f:
            src = f.read().decode("utf-8", "surrogateescape")
        top = parse(src)
        for form in top:
            for m in module_forms(form):
                kind, strs = module_kind(m)
                if m.head() == "component":
                    if kind == "binary":
                        keep("component", strs, ".wasm")
                    elif kind == "text":
                        to_assemble.append((write_unique(
                            tmp, src[m.start:m.end], ".wat"), "component"))
                elif kind == "binary":
                    keep("binary", strs, ".wasm")
                elif kind == "quote":
                    keep("text", strs, ".wat")
                elif kind == "text":
                    text = src[m.start:m.end]
                    text = re.sub(r"^\(module\s+definition\b", "(module",
                                  text)
                    to_assemble.append((write_unique(dirs["text"], text,
                                                     ".wat"), "binary"))
                    counts["text"] += 1
        # The script in pieces: each module/component with what follows.
        chunk, size = [], 0
        for form in top:
            text = src[form.start:form.end]
            starts = form.head() in ("module", "component")
            if chunk and (starts or size + len(text) > MAX_CHUNK):
                write_unique(dirs["wast"], "\n".join(chunk) + "\n", ".wast")
                counts["wast"] += 1
                chunk, size = [], 0
            if len(text) <= MAX_CHUNK:
                chunk.append(text)
                size += len(text)
        if chunk:
            write_unique(dirs["wast"], "\n".join(chunk) + "\n", ".wast")
            counts["wast"] += 1

    # Our own hand-written seeds.
    own = os.path.join(HERE, "seeds")
    for kind, d in dirs.items():
        sub = os.path.join(own, kind)
        if os.path.isdir(sub):
            for f in sorted(os.listdir(sub)):
                with open(os.path.join(sub, f), "rb") as fh:
                    data = fh.read()
                write_unique(d, data, os.path.splitext(f)[1])
                if kind == "text":
                    to_assemble.append((os.path.join(sub, f), "binary"))

    # Text modules as binaries: the binary fuzzer starts from valid code.
    def assemble(job):
        wat, kind = job
        with tempfile.NamedTemporaryFile(suffix=".wasm") as t:
            try:
                p = subprocess.run([a.cmref, "assemble", wat, "-o", t.name],
                                   capture_output=True, timeout=20)
            except (OSError, subprocess.SubprocessError):
                return False
            if p.returncode != 0:
                return False
            with open(t.name, "rb") as f:
                write_unique(dirs[kind], f.read(), ".wasm")
            return kind

    if os.path.exists(a.cmref):
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for kind in ex.map(assemble, to_assemble):
                if kind:
                    counts[kind] += 1
    else:
        print(f"seeds.py: {a.cmref} not found; no assembled binaries",
              file=sys.stderr)

    # The dictionary.
    names = set(KEYWORDS)
    with open(os.path.join(ROOT, "interp", "core", "opcodes.def")) as f:
        names.update(re.findall(r'^OP\(\w+,\s*"([^"]+)"', f.read(), re.M))
    with open(os.path.join(a.out, "text.dict"), "w") as f:
        for n in sorted(names):
            f.write('"%s"\n' % n)

    shutil.rmtree(tmp, ignore_errors=True)
    print("seeds.py: %(files)d scripts -> %(text)d text, %(binary)d binary, "
          "%(component)d component, %(wast)d wast seeds" % counts)


if __name__ == "__main__":
    main()
