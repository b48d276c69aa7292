"""harness/split_wast.py: each command of a script on a fresh instance.

The script below is written by hand; what each command does alone, with the
state it needs, and after an earlier failure, follows from it: `inc` counts
up from 0 in each instance, `boom` traps (and a trap leaves its instance
unusable, so a later call on it fails with "cannot enter component
instance").
"""

import split_wast

SCRIPT = """\
(component definition $C
  (core module $m
    (global $g (mut i32) (i32.const 0))
    (func (export "inc") (result i32)
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (global.get $g))
    (func (export "boom") unreachable))
  (core instance $i (instantiate $m))
  (func (export "inc") (result u32) (canon lift (core func $i "inc")))
  (func (export "boom") (canon lift (core func $i "boom"))))
(component instance $a $C)
(assert_return (invoke "inc") (u32.const 1))
(assert_return (invoke "inc") (u32.const 2))
(assert_return (invoke "inc") (u32.const 99))
(component instance $b $C)
(assert_return (invoke "boom"))
(assert_return (invoke "inc") (u32.const 1))
;; (a comment with a paren "(")
(assert_return (invoke $a "inc") (u32.const 4))
"""


def test_fresh_copy_keeps_lines_and_drops_earlier_commands():
    forms = split_wast.parse_forms(SCRIPT)
    kinds = [(f.line, f.kind) for f in forms]
    assert kinds == [(1, "definition"), (11, "instance"), (12, "command"),
                     (13, "command"), (14, "command"), (15, "instance"),
                     (16, "command"), (17, "command"), (19, "command")]
    k = [f.line for f in forms].index(13)
    copy = split_wast.fresh_copy(SCRIPT, forms, k).split("\n")
    assert copy[10] == "(component instance $a $C)"
    assert copy[11] == ""          # line 12 dropped, layout kept
    assert copy[12].startswith("(assert_return (invoke \"inc\") (u32.const 2")
    # a named action runs on its own instance, not the latest one
    k = [f.line for f in forms].index(19)
    copy = split_wast.fresh_copy(SCRIPT, forms, k).split("\n")
    assert copy[10] == "(component instance $a $C)" and copy[14] == ""


def test_split_file(cmref, tmp_path):
    src = tmp_path / "counter.wast"
    src.write_text(SCRIPT)
    rep = split_wast.split_file(cmref, str(src), str(tmp_path / "out"), [],
                                1, 60)
    c = {r["line"]: r for r in rep["commands"]}
    assert c[12]["fresh"] == "pass" and c[12]["state"] == []
    # needs the increment of line 12
    assert c[13]["fresh"].startswith("fail") and c[13]["state"] == [12]
    assert c[13]["final"] == "pass"
    # its own failure, with the two increments before it as in the file
    assert c[14]["final"] == c[14]["whole"] and c[14]["state"] == [12, 13]
    assert "got (u32.const 3)" in c[14]["final"]
    assert c[16]["whole"].startswith("fail") and c[16]["final"] != "pass"
    # a cascade of line 16: passes on a fresh instance
    assert "cannot enter component instance" in c[17]["whole"]
    assert c[17]["final"] == "pass" and c[17]["after"] == 16
    # on $a after three increments; fresh it needs them back
    assert c[19]["whole"] == "pass" and c[19]["final"] == "pass"
    assert c[19]["state"] == [12, 13, 14]
    # 12, 13, 17, 19 pass; 14 and 16 fail on their own
    assert rep["final"] == {"passed": 4, "failed": 2}
