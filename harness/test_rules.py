"""The trap rules: canon/rules.def (the table) and docs/rules.md (the list)
name the same rule IDs, each once; docs/coverage.md is current.

docs/rules.md gives each rule its spec function, definitions.py line and
condition; the table gives its kind and message.  A rule in one and not the
other, or an ID twice, is a mistake in one of them.
"""

import os
import re
import subprocess
import tempfile

import rule_coverage as coverage
from conftest import CMREF, ROOT


def test_table_ids_unique():
    ids = coverage.table_ids(str(ROOT))
    assert len(ids) > 140
    dup = sorted({i for i in ids if ids.count(i) > 1})
    assert dup == []


def test_table_names_unique():
    with open(os.path.join(str(ROOT), "canon", "rules.def")) as f:
        names = re.findall(r"^CANON_RULE\(\s*(\w+)\s*,", f.read(), re.M)
    assert len(names) == len(coverage.table_ids(str(ROOT)))
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_docs_list_the_table():
    ids = coverage.table_ids(str(ROOT))
    doc = coverage.doc_rules(str(ROOT))
    assert sorted(set(ids) - set(doc)) == [], "in rules.def, not docs/rules.md"
    assert sorted(set(doc) - set(ids)) == [], "in docs/rules.md, not rules.def"
    assert sorted(i for i, rows in doc.items() if len(rows) > 1) == []


def test_docs_name_spec_lines():
    """Every spec rule names its function and definitions.py line(s); the
    lines hold a trap_if / trap() in the pinned definitions.py when it is
    at hand (CM_DEFS, default /work/cm/...)."""
    defs = os.environ.get(
        "CM_DEFS", "/work/cm/design/mvp/canonical-abi/definitions.py")
    src = open(defs).read().split("\n") if os.path.exists(defs) else None
    for rid, [(fn, lines, cond, _)] in coverage.doc_rules(str(ROOT)).items():
        assert fn and cond, rid
        if rid.startswith("cmref/"):
            continue
        nums = [int(n) for n in re.findall(r"\d+", lines)]
        assert nums, rid
        if src:
            for n in nums:
                assert re.search(r"trap_if\(|trap\(\)", src[n - 1]), (rid, n)


def test_coverage_md_is_current():
    """`make coverage` would write the same docs/coverage.md (one run of
    spec-tests/, well under a second)."""
    wast = sorted(os.path.relpath(os.path.join(d, f), str(ROOT))
                  for d, _, fs in os.walk(os.path.join(str(ROOT), "spec-tests"))
                  for f in fs if f.endswith(".wast"))
    with tempfile.TemporaryDirectory() as tmp:
        tsv = os.path.join(tmp, "cov.tsv")
        env = dict(os.environ, CMREF_COVERAGE=tsv)
        subprocess.run([CMREF, "run", "-q"] + wast, cwd=str(ROOT), env=env,
                       stdout=subprocess.DEVNULL, timeout=300)
        fresh = coverage.report(coverage.read_runs(tsv),
                                coverage.table_ids(str(ROOT)),
                                coverage.doc_rules(str(ROOT)))
    with open(os.path.join(str(ROOT), "docs", "coverage.md")) as f:
        assert f.read() == fresh, "docs/coverage.md is stale: make coverage"
