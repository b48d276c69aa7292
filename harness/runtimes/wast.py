"""wast.py -- read a .wast script for an adapter that cannot run it whole:
S-expressions with their source offsets and lines, the script's commands,
the component value constants as JSON, and the comments that say which
spec rule a command checks.

This is a reader for the harness, not a second implementation of the text
format: it knows the script commands and the value constants, and hands
module and component forms over as source text (or bytes) for cmref's
assembler.
"""

import re


class Atom:
    def __init__(self, text, start, end, line):
        self.text, self.start, self.end, self.line = text, start, end, line


class Str:
    def __init__(self, data, start, end, line):
        self.data, self.start, self.end, self.line = data, start, end, line


class List:
    def __init__(self, items, start, end, line):
        self.items, self.start, self.end, self.line = items, start, end, line

    def head(self):
        return (self.items[0].text if self.items and
                isinstance(self.items[0], Atom) else None)


class ParseError(Exception):
    pass


_ESC = {"n": 10, "t": 9, "r": 13, '"': 34, "'": 39, "\\": 92}


def _string(src, i, line):
    """Decodes the string literal at src[i] == '"'; returns (bytes, end)."""
    out = bytearray()
    i += 1
    while True:
        if i >= len(src):
            raise ParseError("%d: unterminated string" % line)
        c = src[i]
        if c == '"':
            return bytes(out), i + 1
        if c == "\\":
            d = src[i + 1]
            if d in _ESC:
                out.append(_ESC[d])
                i += 2
            elif d == "u":
                j = src.index("}", i)
                out += chr(int(src[i + 3:j], 16)).encode("utf-8")
                i = j + 1
            else:
                out.append(int(src[i + 1:i + 3], 16))
                i += 3
        else:
            out += c.encode("utf-8")
            i += 1


def read(src):
    """All top-level forms of src."""
    stack = [[]]
    starts = []
    i, line, n = 0, 1, len(src)
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif src.startswith(";;", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("(;", i):
            depth, i = 1, i + 2
            while depth and i < n:
                if src.startswith("(;", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith(";)", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += src[i] == "\n"
                    i += 1
        elif c == "(":
            starts.append((i, line))
            stack.append([])
            i += 1
        elif c == ")":
            if not starts:
                raise ParseError("%d: unbalanced ')'" % line)
            s, l0 = starts.pop()
            items = stack.pop()
            stack[-1].append(List(items, s, i + 1, l0))
            i += 1
        elif c == '"':
            data, j = _string(src, i, line)
            stack[-1].append(Str(data, i, j, line))
            i = j
        else:
            j = i
            while j < n and src[j] not in ' \t\r\n()";':
                j += 1
            stack[-1].append(Atom(src[i:j], i, j, line))
            i = j
    if starts:
        raise ParseError("%d: unbalanced '('" % starts[-1][1])
    return stack[0]


# ---- component value constants as JSON ------------------------------------

def _num(tok):
    t = tok.replace("_", "")
    return int(t, 0) if not t.lstrip("+-").startswith("0x") else \
        (-1 if t.startswith("-") else 1) * int(t.lstrip("+-"), 16)


def _float(tok):
    t = tok.replace("_", "").lower()
    sign = -1.0 if t.startswith("-") else 1.0
    t = t.lstrip("+-")
    if t.startswith("nan"):
        return "nan"
    if t == "inf":
        return "inf" if sign > 0 else "-inf"
    v = float.fromhex(t) if t.startswith("0x") else float(t)
    v = sign * v
    return "-0" if v == 0 and sign < 0 else v


INT_KINDS = ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64")


def value(node):
    """A component value constant -> JSON: {"t": kind, "v": ...}; option
    and result add "case" (none/some, ok/err), an absent payload is None.
    64-bit integers are written as decimal strings (JS BigInt)."""
    if not isinstance(node, List) or not node.head():
        raise ParseError("%d: not a value constant" % node.line)
    h = node.head()
    args = node.items[1:]
    kind = h[:-len(".const")] if h.endswith(".const") else None
    if kind in INT_KINDS:
        v = _num(args[0].text)
        if kind[0] == "s":
            bits = int(kind[1:])
            if v >= 1 << (bits - 1):
                v -= 1 << bits
        return {"t": kind, "v": str(v) if kind.endswith("64") else v}
    if kind in ("f32", "f64"):
        return {"t": kind, "v": _float(args[0].text)}
    if kind == "bool":
        return {"t": "bool", "v": args[0].text == "true"}
    if kind in ("char", "str"):
        return {"t": kind, "v": args[0].data.decode("utf-8")}
    if kind in ("list", "tuple"):
        return {"t": kind, "v": [value(a) for a in args]}
    if kind == "record":
        # (field "x" (u8.const 0)), or written flat: (field "x" u8.const 0)
        def field(f):
            if isinstance(f.items[2], Atom):
                return value(List(f.items[2:], f.start, f.end, f.line))
            return value(f.items[2])
        return {"t": "record",
                "v": [[f.items[1].data.decode(), field(f)] for f in args]}
    if kind == "variant":
        return {"t": "variant", "case": args[0].data.decode(),
                "v": value(args[1]) if len(args) > 1 else None}
    if kind == "enum":
        return {"t": "enum", "v": args[0].data.decode()}
    if kind == "flags":
        return {"t": "flags", "v": [a.data.decode() for a in args]}
    if h in ("option.none", "option.some"):
        return {"t": "option", "case": h[7:],
                "v": value(args[0]) if args else None}
    if h in ("result.ok", "result.err"):
        return {"t": "result", "case": h[7:],
                "v": value(args[0]) if args else None}
    if h == "either":
        # only in results: any of the values (an open choice of the spec)
        return {"t": "either", "v": [value(a) for a in args]}
    if kind in ("i32", "i64", "f32", "f64"):
        return {"t": kind, "v": args[0].text}
    raise ParseError("%d: unknown value constant %s" % (node.line, h))


# ---- commands ---------------------------------------------------------------

def form_kind(node):
    """'component', 'module' or None."""
    h = node.head() if isinstance(node, List) else None
    return h if h in ("component", "module") else None


def module_source(src, node):
    """(kind, 'text'|'binary', text or bytes, id) of a module/component
    form; `definition` dropped, quote forms turned into text."""
    items = node.items[1:]
    ident = None
    if items and isinstance(items[0], Atom) and items[0].text == "definition":
        items = items[1:]
    if items and isinstance(items[0], Atom) and items[0].text.startswith("$"):
        ident = items[0].text
        items = items[1:]
    kind = node.head()
    if items and isinstance(items[0], Atom) and items[0].text == "binary":
        return kind, "binary", b"".join(s.data for s in items[1:]), ident
    if items and isinstance(items[0], Atom) and items[0].text == "quote":
        body = b" ".join(s.data for s in items[1:]).decode("utf-8", "replace")
        return kind, "text", "(%s %s)" % (kind, body), ident
    # drop the `definition` keyword, keep the rest verbatim
    first = node.items[1] if len(node.items) > 1 else None
    if isinstance(first, Atom) and first.text == "definition":
        text = src[node.start:first.start] + src[first.end:node.end]
    else:
        text = src[node.start:node.end]
    return kind, "text", text, ident


def header_comment(src):
    """The script's leading ';;' comment lines, joined."""
    out = []
    for ln in src.splitlines():
        s = ln.strip()
        if s.startswith(";;"):
            out.append(s[2:].strip())
        elif s and out:
            break
        elif s:
            break
    return " ".join(out)


def comment_before(src, line, limit=6):
    """The ';;' comment block right above `line` (1-based), joined."""
    lines = src.splitlines()
    out = []
    k = line - 2
    while k >= 0 and len(out) < limit:
        s = lines[k].strip()
        if s.startswith(";;"):
            out.insert(0, s[2:].strip())
            k -= 1
        elif not s and not out:
            k -= 1
        else:
            break
    return " ".join(out)


def rule_for(src, line):
    """The spec rule a command checks, as its script says: the comment
    right above it, else the nearest comment above it, else the script's
    header."""
    c = comment_before(src, line)
    if c:
        return c
    lines = src.splitlines()
    for k in range(min(line, len(lines)) - 2, -1, -1):
        if lines[k].strip().startswith(";;"):
            return comment_before(src, k + 2) or header_comment(src)
    return header_comment(src) or "(the script says nothing about it)"


def short(text, n=160):
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n - 3] + "..."
