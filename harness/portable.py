"""portable.py -- the standard .wast script forms, and a check that a
script uses nothing else, so that another runtime's wast runner can run
it unchanged.

    python3 harness/portable.py FILE.wast...    (prints each non-standard form)

"Standard" is the script grammar of the reference tests:
  * component scripts: the forms of the Component Model's reference tests
    (component-model test/**/*.wast) as Wasmtime's wast crate reads them,
    plus `(either v+)` in results (issue 10: the core suite's form for a
    result that depends on an open choice, extended to component values);
  * core wasm scripts: the script grammar of the core spec interpreter
    (WebAssembly/spec interpreter/README.md).
test_portable.py checks this grammar against the reference tests (each
form they use must be in it) and every script of spec-tests/ against it.

Component values, as the reference tests write them:
    (bool.const true|false)  (u8.const N) ... (s64.const N)
    (f32.const X) (f64.const X)  (char.const "c")  (str.const "...")
    (list.const v*)  (tuple.const v*)        each v in parentheses
    (record.const (field "name" K.const ...)*)   the field's value flat
    (variant.const "case" v?)  (enum.const "case")  (flags.const "f"*)
    (option.none)  (option.some v)  (result.ok v?)  (result.err v?)
"""

import sys

if __package__ in (None, ""):
    import os
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runtimes import wast  # noqa: E402

# ---- commands ---------------------------------------------------------------

# (head, qualifier): qualifier is the atom after the head ("definition",
# "instance", "binary", "quote") or None
MODULE_FORMS = {
    "component": {None, "definition", "instance", "binary", "quote"},
    "module": {None, "definition", "instance", "binary", "quote"},
}
# command -> what it takes
COMMANDS = {
    "register": "register",
    "invoke": "action",
    "get": "action",
    "assert_return": "action+results",
    "assert_trap": "action|form+message",
    "assert_exhaustion": "action+message",
    "assert_exception": "action",
    "assert_malformed": "form+message",
    "assert_invalid": "form+message",
    "assert_unlinkable": "form+message",
    "assert_uninstantiable": "form+message",
}
# core-only commands (the core spec interpreter's; no component reference
# test and no component wast runner has them)
CORE_ONLY = {"get", "assert_exhaustion", "assert_exception",
             "assert_uninstantiable"}

# ---- values -----------------------------------------------------------------

INT_BITS = {"u8": 8, "s8": 8, "u16": 16, "s16": 16, "u32": 32, "s32": 32,
            "u64": 64, "s64": 64}
CORE_INT_BITS = {"i32": 32, "i64": 64}
# every head component_value admits (test_portable.py: exactly the heads
# the reference tests use, plus either)
COMPONENT_VALUE_HEADS = (
    {k + ".const" for k in INT_BITS} |
    {"f32.const", "f64.const", "bool.const", "char.const", "str.const",
     "list.const", "tuple.const", "record.const", "variant.const",
     "enum.const", "flags.const", "option.none", "option.some", "result.ok",
     "result.err", "either"})
CORE_REF_RESULTS = {"ref.extern", "ref.func", "ref.null", "ref.exn", "ref",
                    "ref.any", "ref.eq", "ref.i31", "ref.struct", "ref.array",
                    "ref.host"}


def _int(text):
    t = text.replace("_", "")
    neg = t.startswith("-")
    t = t.lstrip("+-")
    try:
        v = int(t, 16) if t[:2].lower() == "0x" else int(t, 10)
    except ValueError:
        return None
    return -v if neg else v


def _float_ok(text, nan_patterns):
    t = text.replace("_", "").lstrip("+-").lower()
    if t in ("inf", "nan") or (t.startswith("nan:0x") and _int(t[4:]) is not None):
        return True
    if t in ("nan:canonical", "nan:arithmetic"):
        return nan_patterns
    try:
        float.fromhex(t) if t.startswith("0x") else float(t)
        return True
    except ValueError:
        return False


class Problem(Exception):
    def __init__(self, line, form, why):
        Exception.__init__(self, "%d: %s: %s" % (line, form, why))
        self.line, self.form, self.why = line, form, why


def _atoms(node, n):
    args = node.items[1:]
    if len(args) != n or not all(isinstance(a, wast.Atom) for a in args):
        raise Problem(node.line, node.head(), "takes %d number%s" %
                      (n, "s" if n != 1 else ""))
    return args


def _strs(node, lo, hi=None):
    args = node.items[1:]
    if len(args) < lo or (hi is not None and len(args) > hi) or \
            not all(isinstance(a, wast.Str) for a in args):
        raise Problem(node.line, node.head(), "takes %s string%s" % (
            lo if hi == lo else "%d..%s" % (lo, hi if hi is not None else "n"),
            "" if hi == 1 else "s"))
    return args


def _value_form(node, what):
    """The head and arguments of a value form; Problem `what` unless node
    is one."""
    if not isinstance(node, wast.List) or not node.head():
        raise Problem(getattr(node, "line", 0), "value", what)
    return node.head(), node.items[1:]


def _either(node, args, noun, check):
    """`(either v+)`: at least one alternative, each passing check."""
    if not args:
        raise Problem(node.line, "either", "needs at least one %s" % noun)
    for a in args:
        check(a)


def component_value(node, result=False):
    """Raises Problem unless node is a standard component value (or, for a
    result, `(either v+)` of them)."""
    h, args = _value_form(node, "a component value is a parenthesised "
                          "(K.const ...) form")
    if h == "either" and result:
        _either(node, args, "value", component_value)
        return
    kind = h[:-len(".const")] if h.endswith(".const") else None
    if kind in INT_BITS:
        v = _int(_atoms(node, 1)[0].text)
        bits = INT_BITS[kind]
        lo = -(1 << (bits - 1)) if kind[0] == "s" else 0
        if v is None or not lo <= v < (1 << bits):
            raise Problem(node.line, h, "%r is not a %s" % (args[0].text, kind))
    elif kind in ("f32", "f64"):
        if not _float_ok(_atoms(node, 1)[0].text, nan_patterns=False):
            raise Problem(node.line, h, "%r is not a float literal (component "
                          "values have no nan:canonical/nan:arithmetic)"
                          % args[0].text)
    elif kind == "bool":
        if _atoms(node, 1)[0].text not in ("true", "false"):
            raise Problem(node.line, h, "takes true or false")
    elif kind == "char":
        s = _strs(node, 1, 1)[0].data.decode("utf-8", "replace")
        if len(s) != 1:
            raise Problem(node.line, h, "takes a string of one character")
    elif kind == "str":
        _strs(node, 1, 1)
    elif kind in ("list", "tuple"):
        for a in args:
            component_value(a)
    elif kind == "record":
        for f in args:
            if not (isinstance(f, wast.List) and f.head() == "field" and
                    len(f.items) >= 3 and isinstance(f.items[1], wast.Str)):
                raise Problem(getattr(f, "line", node.line), h,
                              'each field is (field "name" K.const ...)')
            if not isinstance(f.items[2], wast.Atom):
                raise Problem(f.line, h, 'a field\'s value is written flat, '
                              '(field "x" u8.const 1), not in parentheses')
            component_value(wast.List(f.items[2:], f.start, f.end, f.line))
    elif kind == "variant":
        if not args or not isinstance(args[0], wast.Str) or len(args) > 2:
            raise Problem(node.line, h, 'is (variant.const "case" v?)')
        if len(args) == 2:
            component_value(args[1])
    elif kind == "enum":
        _strs(node, 1, 1)
    elif kind == "flags":
        _strs(node, 0)
    elif h == "option.none":
        if args:
            raise Problem(node.line, h, "takes nothing")
    elif h == "option.some":
        if len(args) != 1:
            raise Problem(node.line, h, "takes one value")
        component_value(args[0])
    elif h in ("result.ok", "result.err"):
        if len(args) > 1:
            raise Problem(node.line, h, "takes at most one value")
        for a in args:
            component_value(a)
    else:
        raise Problem(node.line, h, "not a standard component value")


def core_value(node, result=False):
    """Raises Problem unless node is a core spec-interpreter constant (or,
    for a result, a result pattern or `(either ...)` of them)."""
    h, args = _value_form(node, "a constant is a parenthesised form")
    if h == "either" and result:
        _either(node, args, "result", lambda a: core_value(a, result=True))
    elif h in ("i32.const", "i64.const"):
        v = _int(_atoms(node, 1)[0].text)
        bits = CORE_INT_BITS[h[:3]]
        if v is None or not -(1 << (bits - 1)) <= v < (1 << bits):
            raise Problem(node.line, h, "%r is out of range" % args[0].text)
    elif h in ("f32.const", "f64.const"):
        if not _float_ok(_atoms(node, 1)[0].text, nan_patterns=result):
            raise Problem(node.line, h, "%r is not a float literal" % args[0].text)
    elif h == "v128.const":
        if len(args) < 2 or not all(isinstance(a, wast.Atom) for a in args):
            raise Problem(node.line, h, "is (v128.const SHAPE N+)")
    elif h == "ref.null":
        if len(args) > 1 or (args and not isinstance(args[0], wast.Atom)) \
                or (not args and not result):
            raise Problem(node.line, h, "is (ref.null HEAPTYPE)")
    elif h in ("ref.extern", "ref.host"):
        if len(args) > 1 or (not args and not result):
            raise Problem(node.line, h, "is (%s N)" % h)
        if args:
            _atoms(node, 1)
    elif result and h in CORE_REF_RESULTS and not args:
        pass
    else:
        raise Problem(node.line, h, "not a core script constant")


# ---- scripts ----------------------------------------------------------------

def _form(node):
    """(head, qualifier) of a module/component form, else None."""
    if not isinstance(node, wast.List) or node.head() not in MODULE_FORMS:
        return None
    q = None
    rest = node.items[1:]
    if rest and isinstance(rest[0], wast.Atom) and \
            rest[0].text in ("definition", "instance"):
        q = rest[0].text
    else:
        if rest and isinstance(rest[0], wast.Atom) and rest[0].text.startswith("$"):
            rest = rest[1:]
        if rest and isinstance(rest[0], wast.Atom) and \
                rest[0].text in ("binary", "quote"):
            q = rest[0].text
    return node.head(), q


def check_script(src):
    """The non-standard forms of a script: a list of Problem."""
    problems = []
    kinds = {}              # $name -> "component" | "module"
    current = None          # kind of the latest instance
    for node in wast.read(src):
        try:
            current = _command(node, kinds, current)
        except Problem as p:
            problems.append(p)
    return problems


def _name_of(node):
    rest = node.items[1:]
    if rest and isinstance(rest[0], wast.Atom) and \
            rest[0].text in ("definition", "instance"):
        rest = rest[1:]
    if rest and isinstance(rest[0], wast.Atom) and rest[0].text.startswith("$"):
        return rest[0].text
    return None


def _action(node, kinds, current):
    """Checks an (invoke ...) / (get ...) action; returns the kind of the
    instance it acts on."""
    h = node.head() if isinstance(node, wast.List) else None
    if h not in ("invoke", "get"):
        raise Problem(getattr(node, "line", 0), str(h), "not an action")
    args = node.items[1:]
    kind = current
    if args and isinstance(args[0], wast.Atom) and args[0].text.startswith("$"):
        kind = kinds.get(args[0].text, current)
        args = args[1:]
    if not args or not isinstance(args[0], wast.Str):
        raise Problem(node.line, h, "takes an export name")
    if h == "get" and (kind != "module" or len(args) != 1):
        raise Problem(node.line, h, "(get $I? \"name\") is for core globals")
    for a in args[1:]:
        (core_value if kind == "module" else component_value)(a)
    return kind


def _command(node, kinds, current):
    if not isinstance(node, wast.List):
        raise Problem(getattr(node, "line", 0), "?", "not a command")
    h = node.head()
    f = _form(node)
    if f:
        if f[1] not in MODULE_FORMS[f[0]]:
            raise Problem(node.line, h, "unknown form")
        name = _name_of(node)
        if name:
            kinds[name] = f[0]
        return current if f[1] == "definition" else f[0]
    if h not in COMMANDS:
        raise Problem(node.line, str(h), "not a standard script command")
    shape = COMMANDS[h]
    args = node.items[1:]
    if h == "register":
        if not args or not isinstance(args[0], wast.Str) or len(args) > 2:
            raise Problem(node.line, h, '(register "name" $I?)')
        return current
    if shape.startswith("form"):
        if not args or not _form(args[0]) or len(args) != 2 or \
                not isinstance(args[1], wast.Str):
            raise Problem(node.line, h, "takes a module or component form "
                          "and a message")
        if h in CORE_ONLY and _form(args[0])[0] == "component":
            raise Problem(node.line, h, "is a core-only command")
        return current
    if h == "assert_trap" and args and _form(args[0]):
        if len(args) != 2 or not isinstance(args[1], wast.Str):
            raise Problem(node.line, h, "takes a form and a message")
        return current
    if h in ("invoke", "get"):
        kind = _action(node, kinds, current)
    else:
        if not args:
            raise Problem(node.line, h, "takes an action")
        kind = _action(args[0], kinds, current)
    if h in CORE_ONLY and kind != "module":
        raise Problem(node.line, h, "is a core-only command")
    if shape.endswith("+message"):
        if len(args) != 2 or not isinstance(args[1], wast.Str):
            raise Problem(node.line, h, "takes an action and a message")
    elif h == "assert_return":
        for a in args[1:]:
            (core_value if kind == "module" else component_value)(a, result=True)
    elif h == "assert_exception" and len(args) != 1:
        raise Problem(node.line, h, "takes an action")
    return current


def main(argv):
    bad = 0
    for path in argv:
        with open(path, encoding="utf-8", errors="replace") as f:
            for p in check_script(f.read()):
                print("%s:%s" % (path, p))
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
