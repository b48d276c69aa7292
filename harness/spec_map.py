#!/usr/bin/env python3
"""spec_map.py -- map each definition of the spec's definitions.py to its C
counterpart in canon/ and write docs/spec-map.md (`make spec-map
CM_SPEC=.../design/mvp/canonical-abi/definitions.py`).

The naming rule (docs/architecture.md "The Canonical ABI"):
  - a top-level spec function f is the C function f if f starts with
    canon_ (the built-ins: canon_task_return, canon_stream_read, ...),
    else canon_f (canon_load, canon_store, canon_lift_flat, ...);
  - a spec class C is the C type canon_C (canon_Task, canon_Store, ...);
  - a method C.m is the C function canon_C_m, its trailing `_` dropped
    (Task.return_ is canon_Task_return), C.__init__ is canon_C_new or
    canon_C_init;
  - a counterpart that is static to its file may drop the canon_ prefix.
A few counterparts have another C name (ALIASES) and a few definitions
have none (EXCEPTIONS); each says why.  Every other definition without
its C name is "missing".

Function length: a C counterpart's body (lines where a statement starts;
not blank lines, comments, closing braces or the wrapped rest of a long
statement) may be at most twice the spec function's body (lines where a
statement or a match case starts) plus 2 (C declares its locals and
passes traps up); a C function that serves several definitions is
measured against their bodies together.  Longer ones must be in LONG
with the reason.
"""
import argparse
import ast
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# spec name -> (C name, why it is not the rule's name)
ALIASES = {
    "WritableFutureEnd.drop": ("canon_CopyEnd_drop",
                               "CopyEnd.drop with the writable future's check"),
    "ReadableBufferGuestImpl": ("canon_BufferGuestImpl",
                                "one C type for both directions, by use"),
    "WritableBufferGuestImpl": ("canon_BufferGuestImpl",
                                "one C type for both directions, by use"),
    "ReadableBufferGuestImpl.read": ("canon_load_list_from_valid_range",
                                     "the copy loop reads the buffer's range "
                                     "in one step (stream.c transfer)"),
    "WritableBufferGuestImpl.write": ("canon_store_list_into_valid_range",
                                      "the copy loop writes the buffer's "
                                      "range in one step (stream.c transfer)"),
    "LiftOptions": ("canon_CanonicalOptions",
                    "one C struct for the three option classes"),
    "LiftLowerOptions": ("canon_CanonicalOptions",
                         "one C struct for the three option classes"),
    "Continuation": ("canon_fiber",
                     "a continuation is a fiber with its own C stack "
                     "(design.md \"Execution model\")"),
    "cont_new": ("canon_fiber_new", "see Continuation"),
    "resume": ("canon_fiber_resume", "see Continuation"),
    "block": ("canon_fiber_block", "see Continuation"),
    "Trap": ("canon_trap", "a trap is a record passed up with `false` "
             "(C has no exceptions)"),
    "trap_if": ("CANON_TRAP_IF", "a macro naming the rule (rules.h, docs/rules.md)"),
    "Store.lower": ("canon_lower",
                    "Store.lower's closure is canon_lower's: the C caller "
                    "passes the callee it would have captured"),
    "Task.State": ("canon_Task_State", "a nested class"),
    "Subtask.State": ("canon_Subtask_State", "a nested class"),
    "canonicalize_nan32": ("canon_decode_i32_as_float",
                           "one step with decode_i32_as_float"),
    "canonicalize_nan64": ("canon_decode_i64_as_float",
                           "one step with decode_i64_as_float"),
    "maybe_scramble_nan32": ("canon_encode_float_as_i32",
                             "one step with encode_float_as_i32"),
    "maybe_scramble_nan64": ("canon_encode_float_as_i64",
                             "one step with encode_float_as_i64"),
    "ComponentInstance.self_and_ancestors": (
        "is_self_or_ancestor", "asks about one instance instead of "
        "building the set"),
    "Thread.stop_waiting_internal": ("canon_Thread_stop_waiting_internal", ""),
}


# One C definition for a member of several spec classes (the stream and
# future variants of a class): member ("" for the classes themselves) ->
# (C name, why).  With see_first, the classes after the first say "see"
# the first's entry instead of repeating why.
def _one_c_name(classes, member, c_name, why, see_first=False):
    names = [c + ("." + member if member else "") for c in classes]
    return {n: (c_name, "see " + names[0] if see_first and i else why)
            for i, n in enumerate(names)}


_SHARED_IMPLS = ("SharedStreamImpl", "SharedFutureImpl")
ALIASES.update(_one_c_name(
    _SHARED_IMPLS, "", "canon_SharedBase",
    "one C type for the shared state of streams and futures (its `future` "
    "flag), the spec's SharedBase", see_first=True))
for _m, _c, _why in (
        ("__init__", "canon_SharedBase_new", "one constructor for both kinds"),
        ("cancel", "canon_SharedBase_cancel", "the same steps for both kinds"),
        ("drop", "SharedBase_drop",
         "the steps of both kinds, by the future flag"),
        ("reset_pending", "SharedBase_reset_pending",
         "the same steps for both kinds"),
        ("set_pending", "SharedBase_set_pending",
         "both kinds; a future has no on_copy"),
        ("reset_and_notify_pending", "SharedBase_reset_and_notify_pending",
         "the same steps for both kinds")):
    ALIASES.update(_one_c_name(_SHARED_IMPLS, _m, _c, _why))

_ENDS = ("ReadableStreamEnd", "WritableStreamEnd", "ReadableFutureEnd",
         "WritableFutureEnd")
ALIASES.update(_one_c_name(_ENDS, "", "canon_CopyEnd",
                           "one C type for the four ends, by its kind",
                           see_first=True))
ALIASES.update(_one_c_name(_ENDS, "copy", "canon_CopyEnd_copy",
                           "the four ends' copy, by the end's kind",
                           see_first=True))


# classes of component-level and core types that canon/ does not model:
# interp/ decodes, validates and links them
INTERP_TYPES = {"Type", "ExternType", "CoreExternType", "CoreImportDecl",
                "CoreExportDecl", "ModuleType", "CoreMemoryType", "ExternDecl",
                "ComponentType", "InstanceType"}



# spec name -> why canon/ has no counterpart
EXCEPTIONS = {
    "CoreWebAssemblyException": "the core interpreter's exceptions are "
    "interp/core's; canon/ sees a failed core call as a trap",
    "trap": "CANON_TRAP_IF(store, trap, true, rule) (rules.h)",
    "types_match_values": "type checks of core values are interp/core's "
    "(validation), not canon/'s",
    "type_matches_value": "see types_match_values",
    "new_already_acquired_lock": "Python threading; fibers need no lock",
    "current_thread": "the running thread is passed down explicitly "
    "(canon_builtin_prologue)",
    "current_task": "thread->task",
    "current_instance": "the built-ins receive their instance",
    "MemInst.__getitem__": "canon_MemInst's read/write callbacks "
    "(context.h) take byte ranges",
    "MemInst.__setitem__": "see MemInst.__getitem__",
    "MemInst.__len__": "canon_mem_len (context.h)",
    "MemInst.ptr_size": "canon_ptr_size (context.c) takes the pointer type",
    "Table.__iter__": "the tables are walked where needed (store teardown)",
    "ResourceType.__init__": "a C initializer of canon_ResourceType",
    "Buffer": "abstract; canon_BufferGuestImpl is the only buffer",
    "ReadableBuffer": "abstract, see Buffer",
    "WritableBuffer": "abstract, see Buffer",
    "ReadableStream": "abstract interface of canon_SharedBase",
    "WritableStream": "abstract interface of canon_SharedBase",
    "ReadableFuture": "abstract interface of canon_SharedBase",
    "WritableFuture": "abstract interface of canon_SharedBase",
    "Handler": "Python threading (Continuation's handler): fibers switch "
    "directly",
    "Cancelled": "Thread.resume's cancelled flag is a bool argument",
    "CoreFuncRef": "canon_core_callee (canon_call.h)",
    "CoreFuncType.__eq__": "core types are compared by interp/core",
    "FuncType.extract_types": "canon_FuncType keeps params and result apart",
    "CoreValueIter.next": "two static iterators in flat.c (plain_next, "
    "coerce_next): lift_flat_variant's coercion is an iterator of its own",
    "core_f32_reinterpret_i32": "a memcpy in canon_decode_i32_as_float",
    "core_f64_reinterpret_i64": "a memcpy in canon_decode_i64_as_float",
    "core_i32_reinterpret_f32": "a memcpy in canon_encode_float_as_i32",
    "core_i64_reinterpret_f64": "a memcpy in canon_encode_float_as_i64",
    "random_nan_bits": "the one sched choice of canon_encode_float_as_i32/64",
    "load_list": "lists are loaded by canon_load's loop over "
    "canon_load_list_from_range",
    "store_list": "see load_list: canon_store_list_into_range",
    "lift_async_value": "lift_async_value in stream.c (static) for both kinds",
    "call_and_trap_on_throw": "a failed core call returns false with its trap",
    "ComponentInstance.entering_set": "see self_and_ancestors",
    "Thread.switch_to_internal": "Thread_block_internal takes the thread "
    "to switch to (the fiber switches directly)",
    "WaitableSet.wait_for_event": "canon_WaitableSet_wait_for_event_and "
    "with no ready function",
    "convert_int_to_bool": "one expression in canon_load and canon_lift_flat",
    "store_flags": "canon_store's flags case: store_int of "
    "canon_pack_flags_into_int",
    "lift_flat_string": "canon_lift_flat's string case (flat.c, commented)",
    "lift_flat_flags": "canon_lift_flat's flags case (flat.c, commented)",
    "lower_flat_string": "canon_lower_flat's string case (flat.c, commented)",
    "lower_flat_flags": "canon_lower_flat's flags case (flat.c, commented)",
    "CallbackCode": "an enum in lift.c (CALLBACK_EXIT, ...)",
}
for _t in INTERP_TYPES:
    EXCEPTIONS[_t] = ("a component-level or core type: interp/ decodes, "
                      "validates and links it")

# a switch over kinds in C against Python's match with one-line cases
SWITCH = ("a switch over the despecialized kind: each of the spec's one-line "
          "`case T(): return ...` is a case label, the value made through "
          "*out and `return true` (a trap is the false return), and the "
          "Python's shared cases are written per kind")

# spec name -> why its C counterpart may be longer than twice its length
LONG = {
    "current_thread": "checks that a thread is running (a built-in "
    "called with no current task traps, cmref/no-current-task) and says "
    "in an assert why it is the instance's own",
    "Thread.resume": "the resume loop follows the threads a blocking "
    "thread switches to (the spec's switch_to recursion, as a loop on "
    "one C stack), traces each step and passes a trapped thread's trap "
    "up",
    "Store.invoke": "the embedder's event loop that Python leaves to its "
    "caller: tick until the call resolves, a deadlock is reported, a "
    "trapped call's state is adopted by the store until its threads end",
    "Table.__init__": "C allocates the array (index 0 reserved, as the "
    "spec's [None]) and sets Table.MAX_LENGTH, a class constant in Python",
    "none_or_number_type": "a switch over the number kinds (Python: one "
    "isinstance of a tuple of classes)",
    "load": SWITCH + "; every value made is counted against --max-memory",
    "load_int": "int.from_bytes: a read of the bytes and a little-endian "
    "loop",
    "load_string_from_range": "the three encodings decoded and checked "
    "by hand (Python's bytes.decode), counted against --max-memory",
    "load_record": "a tuple and a record are two value kinds (the spec "
    "despecializes the tuple away); fields are freed on a trap",
    "store": SWITCH,
    "flatten_type": SWITCH + "; a type's flat types are computed once and "
    "capped at CANON_FLAT_CAP",
    "lift_flat": SWITCH,
    "lift_flat_record": "a tuple and a record are two value kinds; fields "
    "are freed on a trap",
    "lower_flat": SWITCH,
    "lift_flat_values": "the spilled case builds the tuple type in a "
    "scratch arena and checks the spilled range; lifted values are freed "
    "on a trap",
    "canon_task_return": "the lifted values are allocated and freed (C has "
    "no GC); a lift's trap is passed up",
    "unpack_event": "checks the guest's pointer (alignment and bounds; the "
    "spec only asserts them: docs/findings.md \"unpack_event\") and frees "
    "the two values it stores",
}


def type_alias(name, kind):
    """Every value type class is one tagged canon_type (types.h)."""
    if kind != "class" or not name.endswith("Type") or name in INTERP_TYPES:
        return None
    if name in ("ValType", "PrimValType"):
        return ("canon_type", "the value types are one tagged struct "
                "(types.h), its kind a canon_kind")
    return ("canon_type", "kind CANON_" + name[:-4].upper()
            + " of the tagged canon_type (types.h)")


def spec_defs(path):
    """[(name, kind, line, body_lines)] in definitions.py order."""
    src = Path(path).read_text()
    lines = src.split("\n")
    out = []

    def body(node):
        """lines where a statement or a match case starts"""
        starts = set()
        for n in ast.walk(node):
            if n is node:
                continue
            if isinstance(n, ast.stmt):
                starts.add(n.lineno)
            elif isinstance(n, ast.match_case):
                starts.add(n.pattern.lineno)
        return len(starts)

    def visit_class(node, prefix):
        out.append((prefix + node.name, "class", node.lineno, 0))
        for m in node.body:
            if isinstance(m, ast.FunctionDef):
                out.append((prefix + node.name + "." + m.name, "method",
                            m.lineno, body(m)))
            elif isinstance(m, ast.ClassDef):
                visit_class(m, prefix + node.name + ".")

    for node in ast.parse(src).body:
        if isinstance(node, ast.FunctionDef):
            out.append((node.name, "def", node.lineno, body(node)))
        elif isinstance(node, ast.ClassDef):
            visit_class(node, "")
    return out


DEF_RE = re.compile(
    r"^(?!typedef|struct|enum|return|if|else|for|while|switch)"
    r"[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\s*\(([^;{}]*?)\)\s*\{", re.M | re.S)
TYPE_RE = re.compile(r"\btypedef\s+(?:struct|enum)\s+(\w+)|^struct\s+(\w+)\s*\{",
                     re.M)


def c_statements(body):
    """Lines where a C statement starts: not blank, not a comment, not a
    closing brace, not the continuation of the line before (the 80-column
    wrapping of a call or a CANON_TRAP_IF)."""
    n = 0
    in_comment = False
    prev_end = ";"
    for ln in body:
        s = ln.strip()
        if in_comment:
            in_comment = "*/" not in s
            continue
        if s.startswith("/*"):
            in_comment = "*/" not in s
            continue
        if not s or s.startswith("//") or s.startswith("#"):
            continue
        code = re.sub(r"/\*.*?\*/", "", s).strip()
        if prev_end in ";{}:" and not re.fullmatch(r"\}[;,]?|\} else \{", code):
            n += 1
        prev_end = code[-1:] if code else prev_end
    return n


def c_code(canon_dir):
    """funcs: name -> [(file, line, body_lines)]; types: name -> (file, line)"""
    funcs, types = {}, {}
    for p in sorted(Path(canon_dir).glob("*.[ch]")):
        text = p.read_text()
        lines = text.split("\n")
        rel = os.path.relpath(p, ROOT)
        for m in DEF_RE.finditer(text):
            start = text.count("\n", 0, m.start()) + 1
            brace = text.count("\n", 0, m.end()) + 1
            end = brace
            while end < len(lines) and not lines[end - 1].startswith("}"):
                end += 1
            n = c_statements(lines[brace:end - 1])
            if lines[brace - 1].rstrip().endswith("}"):  # one-line body
                n = 1
            funcs.setdefault(m.group(1), []).append((rel, start, n))
        for m in TYPE_RE.finditer(text):
            name = m.group(1) or m.group(2)
            types.setdefault(name, (rel, text.count("\n", 0, m.start()) + 1))
    return funcs, types


def rule_names(name, kind):
    """The C names the naming rule gives a spec definition."""
    if kind == "class":
        return ["canon_" + name.replace(".", "_")]
    if kind == "def":
        return [name] if name.startswith("canon_") else ["canon_" + name, name]
    cls, meth = name.rsplit(".", 1)
    cls = cls.replace(".", "_")
    if meth == "__init__":
        stems = [cls + "_new", cls + "_init"]
    else:
        stems = [cls + "_" + meth.rstrip("_")]
    return [p + s for s in stems for p in ("canon_", "")]


def build(spec, canon_dir):
    funcs, types = c_code(canon_dir)
    rows = []
    for name, kind, line, plen in spec_defs(spec):
        row = {"name": name, "kind": kind, "line": line, "plen": plen,
               "c": None, "where": "", "clen": None, "note": "", "status": ""}
        table = types if kind == "class" else funcs
        found = [n for n in rule_names(name, kind) if n in table]
        # a static helper may share the bare name of a canon_ counterpart
        if len(found) > 1 and found[0].startswith("canon_"):
            found = [n for n in found if n.startswith("canon_")]
        alias = ALIASES.get(name) or type_alias(name, kind)
        if found:
            row["status"] = "mapped"
            if len(found) > 1:
                row["status"] = "duplicate"
                row["note"] = "more than one C name: " + ", ".join(found)
            cname = found[0]
        elif alias:
            cname, why = alias
            row["status"] = "alias"
            row["note"] = why
        elif EXCEPTIONS.get(name):
            row["status"] = "exception"
            row["note"] = EXCEPTIONS[name]
            rows.append(row)
            continue
        else:
            row["status"] = "missing"
            rows.append(row)
            continue
        row["c"] = cname
        if cname in funcs:
            defs = funcs[cname]
            f, ln, clen = defs[0]
            row["where"] = f"{f}:{ln}"
            if kind != "class":
                row["clen"] = clen
        elif cname in types:
            f, ln = types[cname]
            row["where"] = f"{f}:{ln}"
        elif row["status"] == "alias":
            row["where"] = "(macro or type)"
        rows.append(row)
    # a C function serving several definitions is measured against them all
    share = {}
    for r in rows:
        if r["clen"] is not None:
            share.setdefault(r["c"], []).append(r)
    for rs in share.values():
        total = sum(r["plen"] for r in rs)
        for r in rs:
            r["plen_all"] = total
    return rows


def too_long(row):
    return (row["clen"] is not None and row["plen"]
            and row["clen"] > 2 * row.get("plen_all", row["plen"]) + 2)


def render(rows, spec_label):
    count = {}
    for r in rows:
        count[r["status"]] = count.get(r["status"], 0) + 1
    long_rows = [r for r in rows if too_long(r)]
    out = ["# Spec map: definitions.py to canon/",
           "",
           "Generated by `make spec-map CM_SPEC=.../definitions.py` "
           "(harness/spec_map.py) from " + spec_label + "; "
           "harness/test_spec_map.py checks that it is current.",
           "",
           "Naming rule (docs/architecture.md \"The Canonical ABI\"): a spec "
           "built-in keeps its name (`canon_task_return`); another top-level "
           "function f is `canon_f`; a class C is the type `canon_C`; a "
           "method C.m is `canon_C_m` (trailing `_` dropped, `__init__` is "
           "`_new` or `_init`); a static counterpart may drop `canon_`.",
           "",
           "Status: **mapped** by the rule; **alias**: another C name, "
           "with the reason; **exception**: no counterpart in canon/, with "
           "the reason; **missing**: none and no reason; **duplicate**: "
           "more than one C name.",
           "",
           "| status | count |", "|---|---|"]
    for k in ("mapped", "alias", "exception", "missing", "duplicate"):
        out.append(f"| {k} | {count.get(k, 0)} |")
    out.append(f"| total | {len(rows)} |")
    out += ["",
            "Function length (statement lines, see harness/spec_map.py): a C body longer "
            "than twice the spec body plus 2 lines (a C function that serves several "
            "definitions: twice their bodies together): "
            f"{len(long_rows)}, each named in the table below with its "
            "reason (LONG in harness/spec_map.py)." if not long_rows or all(
                r["name"] in LONG for r in long_rows) else
            "Function length (statement lines, see harness/spec_map.py): a C body longer "
            "than twice the spec body plus 2 lines (a C function that serves several "
            "definitions: twice their bodies together): "
            f"{len(long_rows)}, {sum(r['name'] not in LONG for r in long_rows)}"
            " of them without a reason.",
            ""]
    if long_rows:
        out += ["| spec | spec lines | C | C lines | why |", "|---|---|---|---|---|"]
        for r in long_rows:
            out.append(f"| `{r['name']}` | {r['plen']} | `{r['c']}` | "
                       f"{r['clen']} | {LONG.get(r['name'], '**no reason**')} |")
        out.append("")
    out += ["| spec (definitions.py line) | kind | C | where | spec / C lines | status | note |",
            "|---|---|---|---|---|---|---|"]
    for r in rows:
        lens = "" if r["kind"] == "class" else (
            f"{r['plen']} / {r['clen']}" if r["clen"] is not None else f"{r['plen']} / -")
        c = f"`{r['c']}`" if r["c"] else "-"
        out.append(f"| `{r['name']}` ({r['line']}) | {r['kind']} | {c} | "
                   f"{r['where']} | {lens} | {r['status']} | {r['note']} |")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True, help="definitions.py")
    ap.add_argument("--canon", default=str(ROOT / "canon"))
    ap.add_argument("--out", help="write the map here (default: stdout)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a definition is missing or duplicated, "
                    "or a function is too long without a reason")
    a = ap.parse_args(argv)
    rows = build(a.spec, a.canon)
    text = render(rows, "component-model@6d28164 "
                  "design/mvp/canonical-abi/definitions.py")
    if a.out:
        Path(a.out).write_text(text)
    else:
        sys.stdout.write(text)
    bad = [r for r in rows if r["status"] in ("missing", "duplicate")]
    bad += [r for r in rows if too_long(r) and r["name"] not in LONG]
    for r in bad:
        print(f"spec-map: {r['name']}: {r['status']} {r['note']}"
              + (f" ({r['clen']} C lines for {r['plen']})" if too_long(r) else ""),
              file=sys.stderr)
    return 1 if a.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
