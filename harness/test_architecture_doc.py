"""test_architecture_doc.py -- docs/architecture.md names only what exists:
every `cmref COMMAND` it names is a command of build/cmref, every
`make TARGET` a target of the GNUmakefile, and every folder and file (the
layout tree, the paths in the text, the files of the canon/ table) is in
the tree.  A map that names a file that moved, or a command that was
renamed, fails here instead of misleading a reader."""

import re

import pytest

import cmrun
from conftest import CMREF, ROOT, require_binary

DOC = ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text()

# Path-like words: something/something.ext or something/ (a folder).
PATH_WORD = re.compile(r"(?<![\w./-])((?:[\w-]+/)+[\w.{},*-]*)")
EXTS = (".c", ".h", ".def", ".py", ".md", ".mjs", ".jsonl", ".wast", ".wat")


def layout_block():
    """The code block of the "## Layout" section."""
    sec = TEXT.split("## Layout", 1)[1]
    lines = sec.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("    "))
    block = []
    for l in lines[start:]:
        if l and not l.startswith("    "):
            break
        block.append(l)
    return block


def expand(path):
    """a.{h,c} -> a.h, a.c"""
    m = re.search(r"\{([^}]*)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",")
            for p in expand(path[:m.start()] + alt + path[m.end():])]


def layout_paths():
    """The tree of the Layout block as repository paths: an entry is the
    first word of a line indented 4 (top level), 6 (inside the folder
    above at 4) or 8 (inside the folder above at 6); deeper lines continue
    a description."""
    paths, parents = [], {}
    for line in layout_block():
        word = line.strip().split(" ")[0] if line.strip() else ""
        indent = len(line) - len(line.lstrip(" "))
        if not word or indent not in (4, 6, 8):
            continue
        base = parents.get(indent - 2, "") if indent > 4 else ""
        path = base + word
        paths.append(path)
        if word.endswith("/"):
            parents[indent] = path
    return paths


def text_paths():
    """Paths named anywhere in the text (outside the Layout block), resolved
    against the root, interp/ and canon/ (the text says `component/text.h`
    for interp/component/text.h)."""
    out = set()
    for m in PATH_WORD.finditer(TEXT):
        w = m.group(1).rstrip(".,;:)")
        if "*" in w or re.search(r"[A-Z]{2,}", w):  # globs, NAME.c
            continue
        if not (w.endswith("/") or w.endswith(EXTS) or "{" in w):
            continue
        out.add(w)
    return sorted(out)


def canon_table_files():
    """The files of the table in "The Canonical ABI (canon/)"."""
    sec = TEXT.split("## The Canonical ABI (canon/)", 1)[1]
    files = set()
    for line in sec.split("\n"):
        if not line.startswith("|") or line.startswith("|---"):
            continue
        files.update(m.group(0) for m in re.finditer(
            r"(?<![\w/.])[a-z_][a-z0-9_]*\.(?:\{[hc,]+\}|(?:[ch]|def)\b)(?!/)", line))
    return sorted(files)


def commands():
    """`cmref WORD` in the text, and the command list of main.c's line."""
    cmds = set(re.findall(r"`cmref ([a-z][a-z-]*)", TEXT))
    block = "\n".join(layout_block())
    m = re.search(r"main\.c\s+the CLI: cmref ([a-z |]+(?:\n {17,}[a-z |]+)*)",
                  block)
    assert m, "the Layout block no longer lists the commands after main.c"
    cmds.update(w for w in re.split(r"[\s|]+", m.group(1)) if w)
    return sorted(cmds)


def make_targets():
    """`make TARGET` in the text and the targets listed for GNUmakefile."""
    targets = set(re.findall(r"`make ([a-z][a-z-]*)", TEXT))
    block = "\n".join(layout_block())
    m = re.search(r"GNUmakefile\s+build \(build/, build-asan/\),(.*?)\n\s{4}\S",
                  block, re.S)
    assert m, "the Layout block no longer lists the make targets"
    targets.update(w for w in re.split(r"[\s,]+", m.group(1)) if w)
    return sorted(targets)


def exists(path):
    return any((base / p).exists()
               for base in (ROOT, ROOT / "interp", ROOT / "canon")
               for p in expand(path))


def test_the_doc_is_parsed():
    # The parsers above found what the document has: a wrong parser would
    # make every test below pass on nothing.
    assert "interp/util/reader.h" in layout_paths()
    assert "canon/" in layout_paths()
    assert "instance.{h,c}" in canon_table_files()
    assert {"run", "roundtrip", "assemble", "trace"} <= set(commands())
    assert {"test", "conformance", "bench"} <= set(make_targets())


@pytest.mark.parametrize("path", layout_paths())
def test_layout_entry_exists(path):
    assert (ROOT / path).exists(), "docs/architecture.md names %s" % path


@pytest.mark.parametrize("path", text_paths())
def test_named_path_exists(path):
    assert exists(path), "docs/architecture.md names %s" % path


@pytest.mark.parametrize("name", canon_table_files())
def test_canon_table_file_exists(name):
    for f in expand(name):
        assert (ROOT / "canon" / f).exists(), "canon table names %s" % f


def test_every_canon_file_is_on_the_map():
    named = {f for n in canon_table_files() for f in expand(n)}
    on_disk = {p.name for p in (ROOT / "canon").iterdir()
               if p.suffix in (".c", ".h", ".def")}
    assert sorted(on_disk - named) == []


@pytest.mark.parametrize("cmd", commands())
def test_command_exists(cmd):
    exe = require_binary(CMREF, "make")
    # each command prints its help and exits 0; `version` and `help` take
    # no --help of their own
    args = [cmd] if cmd in ("version", "help") else [cmd, "--help"]
    r = cmrun.run([exe, *args], timeout=30)
    assert r.rc == 0, "cmref %s: exit %s\n%s" % (" ".join(args), r.rc, r.err)


@pytest.mark.parametrize("target", make_targets())
def test_make_target_exists(target):
    mk = (ROOT / "GNUmakefile").read_text()
    rules = set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", mk, re.M))
    assert target in rules, "no rule for make %s" % target
