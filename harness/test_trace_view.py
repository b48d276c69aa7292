"""test_trace_view.py -- `cmref trace show|diff|html` (interp/trace/),
the readers of step traces (docs/trace-format.md, docs/cli.md).

On every golden trace in traces/: `show` prints one timeline line per
event; `diff` of a trace with itself exits 0, and with a copy mutated at
one step (a guest-visible one, then one of cmref's model steps) exits 1
and names that step; `html` is well-formed, self-contained and has one
element per event and per lifeline.  Hostile input (malformed or huge
lines, unknown events, bytes that are not UTF-8) gives a clear error or a
raw line, under the sanitizer build.  With /usr/bin/chromium, the demo's
sequence diagram is rendered by a real browser and photographed.
"""

import json
import os
import shutil
from html.parser import HTMLParser

import pytest

import cmrun
from conftest import CMREF, CMREF_ASAN, ROOT, TIMEOUT, rel, require_binary

GOLDEN = sorted((ROOT / "traces").rglob("*.jsonl"))
IDS = [rel(g) for g in GOLDEN]
VISIBLE = {"invoke", "invoke.return", "invoke.trap", "lift.call",
           "lift.return", "callback", "lower.call", "lower.return",
           "builtin", "event"}
CHROMIUM = "/usr/bin/chromium"
PICTURE = ROOT / "docs" / "img" / "async-pipeline.png"


def cmref(*args, binary=None):
    b = binary or require_binary(CMREF, "make")
    r = cmrun.run([str(b), "trace", *map(str, args)], TIMEOUT)
    assert r.crash_note() is None, "%s: %s\n%s" % (args, r.crash_note(), r.err)
    return r


def events(path):
    lines = path.read_text().splitlines()
    return [json.loads(l) for l in lines[1:]]


def write_trace(path, header, evs, raw=False):
    lines = [json.dumps(header)] + [e if raw else json.dumps(e) for e in evs]
    path.write_text("\n".join(lines) + "\n")


# ---- show ------------------------------------------------------------------

@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_show_every_golden_trace(golden):
    evs = events(golden)
    r = cmref("show", golden)
    assert r.rc == 0, r.err
    lines = r.out.splitlines()
    # a title line, the column names, then one line per event, in order
    assert len(lines) == 2 + len(evs)
    for e, line in zip(evs, lines[2:]):
        assert line.split()[0] == str(e["seq"])
    assert "malformed" not in r.out and "unknown event" not in r.out


def test_show_decodes_the_demo():
    r = cmref("show", ROOT / "traces" / "demo" / "async.jsonl")
    lines = {l.split()[0]: l for l in r.out.splitlines()[2:]}
    # seq 16: stream.new returned 8589934593 = 2 << 32 | 1 (readable end in
    # the low 32 bits: canon_stream_new's `ri | (wi << 32)`)
    assert lines["16"].endswith("stream.new() = readable 1, writable 2")
    # seq 19: 4294967295 is BLOCKED
    assert lines["19"].endswith("stream.write(2, 0, 5) = BLOCKED")
    # seq 26: 80 = CopyResult.COMPLETED (0) | 5 elements << 4
    assert lines["26"].endswith("stream.read(1, 64, 8) = COMPLETED|5")
    # seq 25: the event for it, EventCode.STREAM_READ (2)
    assert "event STREAM_READ handle 1: COMPLETED|5" in lines["25"]
    # seq 32: waitable-set.wait returned 3 = EventCode.STREAM_WRITE
    assert lines["32"].endswith("waitable-set.wait(1, 32) = STREAM_WRITE")
    # seq 38: p2 = 1 = DROPPED | 0 elements (the writer dropped its end)
    assert "STREAM_READ handle 1: DROPPED|0" in lines["38"]
    # columns: seq 26 runs in instance 3, task 1, thread 1
    assert lines["26"].split()[1:4] == ["3", "1", "1"]
    assert lines["19"].split()[1:4] == ["2", "2", "2"]


def test_show_subtask_states_and_callback_codes():
    # traces/async/subtask.jsonl: an async lower returning STARTED (1) with
    # subtask 1 (17 = 1 | 1 << 4), a callback lift returning YIELD (1)
    golden = ROOT / "traces" / "async" / "subtask.jsonl"
    r = cmref("show", golden)
    assert "lower.return subtask 1 STARTED" in r.out
    assert "lift.return task 2 YIELD" in r.out
    assert "event SUBTASK subtask 1: RETURNED" in r.out


def test_show_choices():
    # traces/async/realloc-error-context.jsonl: error-context.new's
    # randint(0,1), option 0 taken by the deterministic policy: no message
    r = cmref("show", ROOT / "traces" / "async" /
              "realloc-error-context.jsonl")
    assert "? choice error-message: option 0 of 0..1 (no message)" in r.out


def test_show_only():
    golden = ROOT / "traces" / "demo" / "async.jsonl"
    for flt, col in (("inst=2", 1), ("task=1", 2), ("thread=2", 3)):
        r = cmref("show", "--only", flt, golden)
        rows = r.out.splitlines()[2:]
        assert rows, flt
        want = flt.split("=")[1]
        assert all(l.split()[col] == want for l in rows), flt
    r = cmref("show", "--only", "bogus=1", golden)
    assert r.rc == 2 and "bad --only" in r.err


# ---- diff ------------------------------------------------------------------

def mutate(e):
    """A copy of event e with one value changed."""
    e = dict(e)
    for k in ("results", "args", "event"):
        if isinstance(e.get(k), list) and e[k]:
            e[k] = [e[k][0] + 1] + e[k][1:]
            return e
    for k in ("p2", "results", "task", "inst", "thread", "chosen", "parent"):
        if isinstance(e.get(k), int) and not isinstance(e.get(k), bool):
            e[k] += 1
            return e
    for k in ("name", "message", "state", "kind"):
        if isinstance(e.get(k), str):
            e[k] += "x"
            return e
    e["added"] = 1
    return e


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_diff_every_golden_trace(golden, tmp_path):
    r = cmref("diff", golden, golden)
    assert r.rc == 0 and r.out.startswith("same: "), r.out + r.err
    lines = golden.read_text().splitlines()
    header, evs = json.loads(lines[0]), events(golden)
    vis = [i for i, e in enumerate(evs) if e["ev"] in VISIBLE]
    model = [i for i, e in enumerate(evs) if e["ev"] not in VISIBLE]
    # a guest-visible step in the middle, then a model step
    for i, what, k in ((vis[len(vis) // 2], "guest-visible event",
                        len(vis) // 2 + 1),
                       (model[len(model) // 2], "event",
                        model[len(model) // 2] + 1)):
        mutated = list(evs)
        mutated[i] = mutate(evs[i])
        m = tmp_path / "mutated.jsonl"
        write_trace(m, header, mutated)
        r = cmref("diff", golden, m)
        assert r.rc == 1, r.out
        first = r.out.splitlines()[0]
        # line i + 2: the header is line 1
        assert first == "traces differ at %s %d (%s:%d, %s:%d):" % (
            what, k, golden, i + 2, m, i + 2), r.out
        marked = [l for l in r.out.splitlines() if l.startswith(">")]
        assert len(marked) == 2
        assert all(l.split()[1] == str(evs[i]["seq"]) for l in marked)


def test_diff_against_a_foreign_trace(tmp_path):
    """Another runtime writes only the guest-visible events, members in its
    own order and spacing, under its own header."""
    golden = ROOT / "traces" / "demo" / "async.jsonl"
    evs = [e for e in events(golden) if e["ev"] in VISIBLE]
    foreign = []
    for n, e in enumerate(evs, 1):
        e = dict(e, seq=n)
        items = sorted(e.items(), reverse=True)
        foreign.append("{ " + ", ".join('"%s": %s' % (k, json.dumps(v))
                                        for k, v in items) + " }")
    theirs = tmp_path / "theirs.jsonl"
    write_trace(theirs, {"trace": "other", "version": 1}, foreign, raw=True)
    r = cmref("diff", golden, theirs)
    assert r.rc == 0, r.out
    assert "same guest-visible events (%d)" % len(evs) in r.out
    # their 7th event changed: found at guest-visible event 7
    original = foreign[6]
    foreign[6] = json.dumps(mutate(json.loads(foreign[6])))
    write_trace(theirs, {"trace": "other", "version": 1}, foreign, raw=True)
    r = cmref("diff", golden, theirs)
    assert r.rc == 1
    assert r.out.startswith("traces differ at guest-visible event 7 ")
    # and one event short
    foreign[6] = original
    write_trace(theirs, {"trace": "other", "version": 1}, foreign[:-1],
                raw=True)
    r = cmref("diff", theirs, golden)
    assert r.rc == 1
    assert "ends after %d" % (len(evs) - 1) in r.out.splitlines()[0]


# ---- html ------------------------------------------------------------------

VOID = {"meta", "input", "br", "img", "link", "hr"}


class Checker(HTMLParser):
    """Counts events and lifelines; checks every tag is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []
        self.events, self.lifelines, self.arrows, self.copies = 0, 0, 0, 0
        self.titles, self.refs = 0, []

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "g" and "ev" in cls:
            self.events += 1
            if "copy" in cls:
                self.copies += 1
        if tag == "g" and "lifeline" in cls:
            self.lifelines += 1
        if "arrow" in cls:
            self.arrows += 1
        for k in ("src", "href", "xlink:href", "action"):
            if k in a:
                self.refs.append((tag, k, a[k]))
        if tag == "link":
            self.refs.append((tag, "link", a))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (
                tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()
        if tag == "title":
            self.titles += 1


def check_html(path):
    text = path.read_text(encoding="ascii")  # everything escaped
    c = Checker()
    c.feed(text)
    c.close()
    assert not c.errors, c.errors[:5]
    assert c.stack == [], c.stack
    assert text.startswith("<!DOCTYPE html>")
    # nothing fetched: no src/href and no URL but the SVG namespace
    assert not c.refs, c.refs
    assert text.replace('xmlns="http://www.w3.org/2000/svg"', "").count(
        "://") == 0
    return c


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_html_every_golden_trace(golden, tmp_path):
    out = tmp_path / "run.html"
    r = cmref("html", golden, "-o", out)
    assert r.rc == 0, r.err
    evs = events(golden)
    c = check_html(out)
    assert c.events == len(evs)
    # the host and each component instance
    assert c.lifelines == 1 + sum(e["ev"] == "instance" for e in evs)
    # a title per event (the hover text) plus the page's own
    assert c.titles == len(evs) + 1
    calls = sum(e["ev"] in ("invoke", "invoke.return", "invoke.trap",
                            "lift.call", "lift.return", "lower.call",
                            "lower.return") for e in evs)
    assert c.arrows >= calls


def test_html_shows_the_demo_stream_copies(tmp_path):
    # harness/demo/async.wast: each `sum` reads 5 elements the producer
    # (instance 2) wrote; the copy is an arrow from instance 2 to 3
    out = tmp_path / "run.html"
    cmref("html", ROOT / "traces" / "demo" / "async.jsonl", "-o", out)
    c = check_html(out)
    assert c.copies == 2
    assert "stream.read: 5 elements copied" in out.read_text()


# ---- hostile input ----------------------------------------------------------

def test_hostile_input(tmp_path):
    asan = require_binary(CMREF_ASAN, "make asan")
    header = '{"trace":"cmref","version":1}'
    bad = [
        '{"seq":1,"ev":"invoke","name":"run"}',
        'not json at all',
        '{"seq":2,"ev":"builtin","inst":1,"name":"stream.read"',  # cut
        '{"seq":3,"ev":"from.the.future","x":{"y":[1,[2,{}]]}}',
        '{"seq":4,"ev":"builtin","inst":99999999999999999999999,'
        '"name":"stream.read","args":[-1,1.5e300,"s"],"results":[]}',
        '{"seq":5,"ev":"event","code":77,"p1":1,"p2":18446744073709551615}',
        '{"seq":6,"ev":"invoke","name":"\\u0000\\u001b[31m<script>"}',
        '{"seq":6,"ev":"x","a":' + '[' * 100000 + ']' * 100000 + '}',
        '{"seq":7,"ev":"choice","kind":"tick","n":0,"chosen":5}',
        '{"seq":8}',
        '{"seq":9,"ev":"lift.return","task":1,"results":[' +
        ",".join(["4294967295"] * 20000) + ']}',
        '{"seq":10,"ev":"thread.block","thread":1}' * 2,
    ]
    t = tmp_path / "bad.jsonl"
    data = (header + "\n" + "\n".join(bad) + "\n").encode()
    data += b'{"seq":11,"ev":"invoke","name":"\xff\xfe"}\n'
    data += b'{"seq":12,"ev":"' + b"a" * (3 << 20) + b'"}\n'  # > 1 MiB
    t.write_bytes(data)
    r = cmref("show", t, binary=asan)
    assert r.rc == 0, r.err
    assert "malformed (line longer than 1048576 bytes)" in r.out
    assert "malformed (nested too deeply)" in r.out
    assert "(unknown event)" in r.out
    # not json, cut, nested, no "ev", two objects on a line, too long
    assert r.out.count("malformed") == 6
    assert "\x1b" not in r.out
    out = tmp_path / "bad.html"
    r = cmref("html", t, "-o", out, binary=asan)
    assert r.rc == 0, r.err
    c = check_html(out)
    assert c.events == len(bad) + 2
    assert "<script>" not in out.read_text().split("<script>", 1)[0]
    r = cmref("diff", t, t, binary=asan)
    assert r.rc == 0, r.out
    r = cmref("diff", t, ROOT / "traces" / "demo" / "async.jsonl",
              binary=asan)
    assert r.rc == 1
    # not a trace at all: exit status 2 and why
    for content in (b"", b"hello\n", b'{"seq":1,"ev":"invoke"}\n',
                    b"[" * 5000 + b"\n"):
        t.write_bytes(content)
        for args in (("show", t), ("diff", t, t), ("html", t, "-o", out)):
            r = cmref(*args, binary=asan)
            assert r.rc == 2, (content[:20], args, r.out)
            assert "not a trace" in r.err, r.err
    r = cmref("show", tmp_path / "missing.jsonl", binary=asan)
    assert r.rc == 2 and "cannot open" in r.err


def test_many_ids(tmp_path):
    # A foreign trace naming 30,000 tasks and threads (5 instances), then
    # steps of the oldest ones: every id is found again (its instance and
    # task columns), and show, html and diff read it under the sanitizer
    # build.  (Reading such a trace grew its arrays one element at a time
    # and looked ids up by scanning every entry: quadratic, minutes under
    # ASan for 40,000 lines.)
    asan = require_binary(CMREF_ASAN, "make asan")
    n = 30000
    evs = []
    for i in range(1, n + 1):
        evs.append({"seq": 2 * i - 1, "ev": "task.new", "task": i,
                    "inst": 1 + i % 5, "async_type": True, "async": True,
                    "callback": False})
        evs.append({"seq": 2 * i, "ev": "thread.new", "thread": i,
                    "task": i})
    evs.append({"seq": 2 * n + 1, "ev": "thread.resume", "thread": 1,
                "cancelled": False})
    evs.append({"seq": 2 * n + 2, "ev": "thread.resume", "thread": 2,
                "cancelled": False})
    t = tmp_path / "ids.jsonl"
    write_trace(t, {"trace": "other", "version": 1}, evs)
    r = cmref("show", t, binary=asan)
    assert r.rc == 0, r.err
    last = r.out.splitlines()[-2:]
    # thread 1 is task 1's, in instance 1 + 1 % 5 = 2; thread 2: task 2, 3
    assert last[0].split()[:4] == [str(2 * n + 1), "2", "1", "1"], last
    assert last[1].split()[:4] == [str(2 * n + 2), "3", "2", "2"], last
    out = tmp_path / "ids.html"
    r = cmref("html", t, "-o", out, binary=asan)
    assert r.rc == 0, r.err
    assert check_html(out).events == len(evs)
    r = cmref("diff", t, t, binary=asan)
    assert r.rc == 0, r.out


def test_html_caps_the_lifelines(tmp_path):
    # a trace naming 1000 instances: 255 get a lifeline, the rest are
    # drawn on the host's; every step is still there
    t = tmp_path / "many.jsonl"
    evs = [{"seq": i, "ev": "builtin", "inst": i, "name": "task.return",
            "args": [], "results": []} for i in range(1, 1001)]
    write_trace(t, {"trace": "other"}, evs)
    out = tmp_path / "many.html"
    r = cmref("html", t, "-o", out)
    assert r.rc == 0, r.err
    c = check_html(out)
    assert c.lifelines == 256 and c.events == 1000


def test_usage_errors():
    for args in ((), ("nope",), ("show",), ("diff", "a"), ("html", "x")):
        r = cmref(*args)
        assert r.rc == 2 and "usage: cmref trace" in r.err, args


# ---- a real browser ---------------------------------------------------------

@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                    reason="no %s (Debian package chromium) to render the "
                           "HTML in a real browser" % CHROMIUM)
def test_demo_in_headless_chromium(tmp_path):
    html = tmp_path / "async-pipeline.html"
    # a relative TRACE: the page's title names it as given
    r = cmrun.run([require_binary(CMREF, "make"), "trace", "html",
                   "traces/demo/async.jsonl", "-o", str(html)], TIMEOUT,
                  cwd=str(ROOT))
    assert r.rc == 0, r.err
    flags = ["--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--hide-scrollbars",
             "--user-data-dir=%s" % (tmp_path / "profile")]
    r = cmrun.run([CHROMIUM, *flags, "--dump-dom", html.as_uri()], 120)
    assert r.rc == 0, r.err[-2000:]
    c = Checker()
    c.feed(r.out)
    # the DOM after the script ran: lifelines (host + 3 instances), an
    # element per event, arrows, and the rows laid out by the script
    assert c.lifelines == 4
    assert c.events == len(events(ROOT / "traces" / "demo" / "async.jsonl"))
    # per `sum`: invoke, lift.call (task of instance 3), lower.call,
    # lift.call (producer), lower.return, the stream copy, the two
    # lift.returns, invoke.return: 9 arrows, twice
    assert c.arrows == 18 and c.copies == 2
    assert "instance 3 (in 1)" in r.out
    png = tmp_path / "shot.png"
    r = cmrun.run([CHROMIUM, *flags, "--screenshot=%s" % png,
                   "--window-size=1000,760", html.as_uri()], 120)
    assert png.exists(), r.err[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and 1000 < len(data) < 200_000
    # CMREF_UPDATE_PICTURE=1 keeps it as the docs' picture
    if os.environ.get("CMREF_UPDATE_PICTURE"):
        PICTURE.parent.mkdir(exist_ok=True)
        shutil.copy(png, PICTURE)
