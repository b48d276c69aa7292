"""classify.py -- the class of each divergence a runtime shows against
the suite, for docs/runtimes.md (check.py).

The classes are the questions a reader has about a divergence: is it a
bug of the runtime, a feature it does not implement, a limit of our
adapter, or an outcome the spec allows too (then the script is wrong: it
must list the outcomes with `either`)?  A divergence is classified by its
command's outcome (harness/runtimes/__init__.py Outcome) with the rules
below, written by hand from the runs recorded in docs/runtimes.md: each
rule names the condition the runtime's message shows.  What no rule knows
is "unclassified": a new divergence someone has to look at.

Trap messages are not part of the spec (definitions.py only traps), so a
trap with other words for the same condition is not a conformance
divergence; the scripts' texts are Wasmtime's or cmref's words.
"""

import re

# class -> (title, what it means for the runtime or for us)
CLASSES = {
    "open-choice": ("an outcome the spec allows too",
                    "the script asserts one outcome of an open choice: ours "
                    "to fix with `either`"),
    "adapter": ("adapter limitation",
                "the adapter could not hand the command to the runtime"),
    "not-implemented": ("runtime does not implement the feature",
                        "it refuses a valid component that uses it"),
    "format-version": ("runtime reads another version of the binary format",
                       "it refuses an encoding the pinned spec has"),
    "not-run": ("not run",
                "follows a component the runtime refused (counted there)"),
    "bug-transpile": ("runtime bug: it crashes on a valid component",
                      "its transpiler traps instead of running or refusing it"),
    "bug-missing-trap": ("runtime bug: no trap where the spec traps",
                         "a trap_if of definitions.py it does not check"),
    "bug-spurious-trap": ("runtime bug: a trap where the spec has none",
                          "it traps (or throws inside its own glue) where the "
                          "spec returns"),
    "other-trap": ("a trap, but for another condition",
                   "the spec traps here too, the runtime for another reason "
                   "(its own glue, a deadlock, a check of its own): the "
                   "rule the script checks is not what stopped it"),
    "run-died": ("the runtime's process died", "no outcome for the command"),
    "bug-value": ("runtime bug: another value",
                  "it gives a value the spec does not allow: to the script, "
                  "or to the guest, whose own check then traps "
                  "(`unreachable`)"),
    "bug-accepts-invalid": ("runtime accepts an invalid component",
                            "validation it does not do"),
    "wording": ("the same trap, other words",
                "not a divergence of behaviour: messages are not normative"),
    "unclassified": ("unclassified", "nobody has looked at it yet"),
}

# (class, pattern over the runtime's message/actual text), first match wins
_JCO_REFUSALS = [
    ("not-implemented", r"requires the component model threading feature"),
    ("not-implemented", r"`context\.get` immediate must be zero|"
                        r"`context\.set` immediate must be zero"),
    ("not-implemented", r"`cm64` feature"),
    ("not-implemented", r"unsupported section found in module using "
                        r"multiple memories"),
    ("not-implemented", r"component export `[^`]*` was not a function or instance"),
    ("not-implemented", r"is a reexport of an imported function which is not "
                        r"implemented"),
    ("format-version", r"invalid leading byte \(0x1\) for zero byte"),
    ("bug-transpile", r"wasm `unreachable` instruction executed"),
]

# same spec condition, the runtime's words: (the script's text, jco's)
_JCO_WORDINGS = [
    (r"cannot leave component instance", r"not marked as may leave"),
    (r"of another type", r"table idx \[\d+\] does not match"),
    (r"no (read|write) in progress to cancel", r"is not copying, cannot cancel"),
    (r"is not a (readable|writable) (stream|future) end",
     r"invalid (stream|future) (end|type|end class)[,:]? expected"),
    (r"out of bounds|beyond end of memory",
     r"outside the bounds of the DataView|out of bounds memory access"),
    (r"unknown handle index", r"unknown handle index"),
    (r"is not a readable (stream|future) end",
     r"writable (stream|future) ends cannot be moved"),
    (r"is not an error-context|unknown handle index",
     r"missing error context|missing local idx from error context"),
    (r"cannot remove busy (stream|future)", r"pending buffer during drop"),
    (r"backpressure counter overflow", r"backpressure value .*overflow"),
    (r"unaligned pointer|not aligned", r"invalid alignment"),
    (r"invalid `char` bit pattern|not a valid char",
     r"not a valid char|Invalid code point"),
]

# the guest's own check of a built-in's result (the scripts end such a
# check with `unreachable`): the runtime gave the guest another value
_GUEST_CHECK = r"wasm `unreachable` instruction executed|^\s*(trapped: )?unreachable"

# traps that come from jco's own JS glue, not from a spec condition
_JCO_GLUE = (r"is already resolved|is not a function|is not defined|"
             r"Cannot read properties|trying to suspend without "
             r"WebAssembly\.promising")


def _match(rules, text):
    for cls, pat in rules:
        if re.search(pat, text):
            return cls
    return None


def classify(runtime, c, verdict=None):
    """The class of a failing or erroring command c (an Outcome) of a
    script whose trace verdict (check.py) is verdict."""
    msg = "%s %s" % (c.message or "", c.actual or "")
    if c.status == "error":
        if c.adapter_error or (c.message or "").startswith("adapter:"):
            return "adapter"
        if (c.message or "").startswith("not run"):
            return "not-run"
        if (c.message or "").startswith("no outcome"):
            return "run-died"
    if runtime != "jco":
        return "unclassified"
    if c.kind == "component" and "rejects it" in (c.message or ""):
        return _match(_JCO_REFUSALS, msg) or "unclassified"
    if c.kind in ("assert_invalid", "assert_malformed") and \
            "accepted" in (c.actual or ""):
        return "bug-accepts-invalid"
    allowed = bool(verdict and verdict[0])
    if c.kind == "assert_trap":
        if (c.message or "").startswith("returned"):
            return "bug-missing-trap"
        if c.message_mismatch:
            exp = c.expected or ""
            for theirs_text, ours in _JCO_WORDINGS:
                if re.search(theirs_text, exp) and re.search(ours, msg):
                    return "wording"
            if re.search(_GUEST_CHECK, c.actual or ""):
                return "open-choice" if allowed else "bug-value"
            return "other-trap"
    if c.kind == "assert_return":
        if "trapped" in msg or (c.actual or "").startswith("trap"):
            if re.search(_GUEST_CHECK, (c.actual or "")[len("trap: "):]):
                return "open-choice" if allowed else "bug-value"
            return "bug-spurious-trap"
        # a trace the spec allows with a value the script does not list
        return "open-choice" if allowed else "bug-value"
    if c.kind in ("invoke", "component") and re.search(_JCO_GLUE, msg):
        return "bug-spurious-trap"
    return "unclassified"
