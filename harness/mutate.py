#!/usr/bin/env python3
"""mutate.py -- mutation testing of canon/: which steps can be broken unseen?

What it measures.  docs/coverage.md shows that every CANON_TRAP_IF rule
has a test that traps at it.  This tool measures the rest: the non-trap
steps (order of events, backpressure, when a task may enter, what a copy
transfers, cancellation states, the scheduler's candidate sets, ...).  It
makes *mutants* -- copies of one canon/ file with one small change each --
rebuilds cmref with the change and runs fast oracles; a mutant no oracle
notices ("survived") is a step no test checks, or an equivalent change.

Mutation kinds (--kinds, comma separated; default all):
  delete    delete one expression statement (replaced by `{}`): not a
            declaration, return, break/continue/goto, label or `(void)x;`
  negate    `if (C)` -> `if (!(C))`
  relop     `<` <-> `<=`, `>` <-> `>=`
  eqop      `==` <-> `!=`
  logop     `&&` <-> `||`
  bool      `true` <-> `false` after `=` or `return`
  offbyone  `X + 1` -> `X`, `X - 1` -> `X` (the value moves by one)
Never mutated: comments, strings, preprocessor lines, and any text inside
the arguments of CANON_TRAP_IF (already covered by docs/coverage.md),
assert / static_assert (our own invariants) and canon_trace_* calls
(trace-only code).

How a mutant is judged.  The tool copies the tree (GNUmakefile, canon/,
interp/, harness/unit/) to WORKDIR/src once, builds it into WORKDIR/build
(`make B=WORKDIR/build CFLAGS=-O2`, no -g so that object files compare),
then for each mutant: writes the mutated file, `make B=... all` (one
compile and a link), and
  no-compile   the build failed (not a mutant; -Werror counts);
  equivalent   the object file is byte-identical to the unmutated one
               (the compiler proved the change has no effect);
  killed       by the first oracle that notices, in this order:
    spec-tests   `cmref run -q spec-tests/*/*.wast` exits non-zero;
    unit:NAME    a unit test build/unit/canon_* (linked here against the
                 mutated libcmref.a; the test objects are compiled once)
                 exits non-zero;
    explore:F    `cmref run --explore 2000 --json F` for F in
                 spec-tests/async/*.wast gives a different outcome set
                 (per command: the set of outcomes, without the
                 schedule counts) than the unmutated build;
  timeout      a single oracle command ran over --timeout seconds
               (default 60; counted as killed, reported separately);
  survived     no oracle noticed.
The file and its object are restored after every mutant; the tree in the
repository is never touched.

Limits.  Line-level, lexical mutants from a small C scanner (no
preprocessor, no types): a few generated mutants do not compile.  The
oracles leave out the slow ones of `make test` (sched_gen.py, the ASan
build, golden traces, the pytest CLI tests), so "survived" means "not seen
by these oracles", and every survivor needs a reader's verdict:
equivalent, a real gap, or visible only in a non-default mode (tracing:
the golden traces in traces/ would see it).  See docs/mutation.md.

Run:  python3 harness/mutate.py [--files canon/task.c,...] [--kinds K,...]
          [--sample N] [--seed S] [--jobs 1] [--timeout 60]
          [--workdir /tmp/mut] [--out build/mutation.md] [--list]
or `make mutate [MUTATE_SAMPLE=N] [MUTATE_SEED=S]` (writes build/mutation.md).
--list prints the mutants without running them.  --jobs is accepted for
the brief's interface; only 1 is supported (one build tree).
"""

import argparse
import filecmp
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FILES = sorted(glob.glob(os.path.join(REPO, 'canon', '*.c')))
KINDS = ['delete', 'negate', 'relop', 'eqop', 'logop', 'bool', 'offbyone']
EXCLUDED_CALLS = re.compile(r'\b(CANON_TRAP_IF|assert|static_assert|'
                            r'canon_trace_\w+)\s*\(')
WARN = ['-std=c11', '-Wall', '-Wextra', '-Werror',
        '-D_POSIX_C_SOURCE=200809L', '-D_DEFAULT_SOURCE']
CFLAGS = '-O2'


# ---- the scanner --------------------------------------------------------------

def mask(text):
    """text with comments, string/char literals and preprocessor lines
    replaced by spaces (newlines kept), so that offsets stay the same."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == '#':
            # a preprocessor line, with its continuations
            while i < n and text[i] != '\n':
                if text[i] == '\\' and i + 1 < n and text[i + 1] == '\n':
                    out[i] = ' '
                    i += 2
                    continue
                out[i] = ' '
                i += 1
            continue
        if c == '\n':
            at_line_start = True
            i += 1
            continue
        if c in ' \t':
            i += 1
            continue
        at_line_start = False
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != '\n':
                    out[k] = ' '
            i = j
        elif text.startswith('//', i):
            while i < n and text[i] != '\n':
                out[i] = ' '
                i += 1
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            for k in range(i + 1, min(j, n)):
                out[k] = ' '
            i = j + 1
        else:
            i += 1
    return ''.join(out)


def match_paren(m, i):
    """offset of the ')' matching the '(' at m[i]."""
    depth = 0
    for j in range(i, len(m)):
        if m[j] == '(':
            depth += 1
        elif m[j] == ')':
            depth -= 1
            if depth == 0:
                return j
    return len(m) - 1


def excluded_spans(m):
    spans = []
    for mo in EXCLUDED_CALLS.finditer(m):
        spans.append((mo.start(), match_paren(m, mo.end() - 1) + 1))
    return spans


def statements(m):
    """(start, end) of every statement the walker sees at paren depth 0
    (end just past its ';'), the headers of if/while/for/switch excluded."""
    out = []
    i, n = 0, len(m)
    start = None          # start of the statement being read
    brace_in_stmt = 0     # braces of an initializer inside a statement
    ident = re.compile(r'[A-Za-z_]\w*')
    while i < n:
        c = m[i]
        if c.isspace():
            i += 1
            continue
        if start is None:
            mo = ident.match(m, i)
            if mo and mo.group() in ('if', 'while', 'for', 'switch'):
                j = m.find('(', mo.end())
                i = match_paren(m, j) + 1
                continue
            if mo and mo.group() in ('else', 'do'):
                i = mo.end()
                continue
            if c in '{}':
                i += 1
                continue
            start = i
        if c == '(':
            i = match_paren(m, i) + 1
            continue
        if c == '{':
            prev = m[start:i].rstrip()
            if prev.endswith(')') and not brace_in_stmt \
                    and not prev.endswith('})'):
                start = None      # a function body
            else:
                brace_in_stmt += 1
            i += 1
            continue
        if c == '}':
            if brace_in_stmt:
                brace_in_stmt -= 1
            else:
                start = None
            i += 1
            continue
        if c == ':' and not brace_in_stmt:
            head = m[start:i].strip()
            if re.fullmatch(r'(case\b[^?]*|default|[A-Za-z_]\w*)', head):
                start = None
                i += 1
                continue
        if c == ';' and not brace_in_stmt:
            out.append((start, i + 1))
            start = None
        i += 1
    return out


DECL = re.compile(r'\s*(?:(?:const|static|struct|enum|union|unsigned|signed|'
                  r'volatile|register)\s+)*[A-Za-z_]\w*(?:\s*\*+\s*|\s+)'
                  r'(?:const\s+)?\**\s*[A-Za-z_]\w*\s*(?:=|;|\[|,|\()')
NOT_EXPR = re.compile(r'\s*(return|break|continue|goto|case|default|typedef|enum|struct|union|static|extern)\b'
                      r'|\s*\(void\)\s*\w+\s*;')


def mutants_of(path, kinds):
    text = open(path).read()
    m = mask(text)
    excl = excluded_spans(m)

    def ok(a, b):
        return all(b <= s or a >= e for s, e in excl)

    def line_of(off):
        return text.count('\n', 0, off) + 1

    out = []

    def add(kind, a, b, new):
        if not ok(a, b):
            return
        out.append({'file': os.path.relpath(path, REPO), 'kind': kind,
                    'start': a, 'end': b, 'new': new,
                    'line': line_of(a)})

    if 'delete' in kinds:
        for a, b in statements(m):
            s = m[a:b]
            if NOT_EXPR.match(s) or DECL.match(s):
                continue
            add('delete', a, b, '{}')
    if 'negate' in kinds:
        for mo in re.finditer(r'\bif\s*\(', m):
            p = mo.end() - 1
            q = match_paren(m, p)
            add('negate', p, q + 1, '(!' + text[p:q + 1] + ')')
    ops = []
    if 'relop' in kinds:
        ops += [(r'(?<![<>=!-])<=(?!=)', '<'), (r'(?<![<>=!-])>=(?!=)', '>'),
                (r'(?<![<>-])<(?![<=])', '<='), (r'(?<![<>-])>(?![>=])', '>=')]
    if 'eqop' in kinds:
        ops += [(r'(?<![=<>!])==(?!=)', '!='), (r'!=', '==')]
    if 'logop' in kinds:
        ops += [(r'&&', '||'), (r'\|\|', '&&')]
    for pat, rep in ops:
        kind = {'<': 'relop', '<=': 'relop', '>': 'relop', '>=': 'relop',
                '!=': 'eqop', '==': 'eqop', '||': 'logop',
                '&&': 'logop'}[rep]
        for mo in re.finditer(pat, m):
            if mo.group() == '>' and m[mo.start() - 1] == '-':
                continue
            add(kind, mo.start(), mo.end(), rep)
    if 'bool' in kinds:
        for mo in re.finditer(r'(?:(?<![=!<>])=(?!=)|\breturn)\s*'
                              r'(true|false)\b', m):
            a, b = mo.start(1), mo.end(1)
            add('bool', a, b, 'false' if mo.group(1) == 'true' else 'true')
    if 'offbyone' in kinds:
        for mo in re.finditer(r'(?<=[\w)\]])(\s*[+-]\s*1)(?![\w.])', m):
            a, b = mo.start(1), mo.end(1)
            add('offbyone', a, b, '')
    out.sort(key=lambda x: (x['start'], x['kind']))
    for mu in out:
        mu['text'] = text
        lo = text.rfind('\n', 0, mu['start']) + 1
        hi = text.find('\n', mu['end'])
        hi = len(text) if hi < 0 else hi
        mu['before'] = text[lo:hi]
        mu['after'] = text[lo:mu['start']] + mu['new'] + text[mu['end']:hi]
    return out


# ---- running ----------------------------------------------------------------------

class Runner:
    def __init__(self, workdir, timeout, log):
        self.work = os.path.abspath(workdir)
        self.src = os.path.join(self.work, 'src')
        self.build = os.path.join(self.work, 'build')
        self.timeout = timeout
        self.log = log

    def sh(self, cmd, cwd=None, timeout=None):
        return subprocess.run(cmd, cwd=cwd or self.src, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)

    def make(self, *targets):
        return self.sh(['make', '-s', 'B=' + self.build, 'CFLAGS=' + CFLAGS]
                       + list(targets), timeout=600).returncode == 0

    def setup(self):
        for d in (self.src, self.build):
            if os.path.exists(d):
                shutil.rmtree(d)
        os.makedirs(os.path.join(self.src, 'harness'))
        for d in ('canon', 'interp'):
            shutil.copytree(os.path.join(REPO, d), os.path.join(self.src, d))
        shutil.copytree(os.path.join(REPO, 'harness', 'unit'),
                        os.path.join(self.src, 'harness', 'unit'))
        shutil.copy2(os.path.join(REPO, 'GNUmakefile'), self.src)
        self.log('building the unmutated tree in %s' % self.build)
        if not self.make('-j2', 'all', self.build + '/libcmref.a'):
            sys.exit('mutate.py: the unmutated tree does not build')
        self.cmref = os.path.join(self.build, 'cmref')
        ud = os.path.join(self.build, 'mutunit')
        os.makedirs(ud, exist_ok=True)
        self.units = []
        for f in sorted(glob.glob(os.path.join(self.src, 'harness', 'unit',
                                               'canon_*.c'))):
            name = os.path.basename(f)[:-2]
            obj = os.path.join(ud, name + '.o')
            if self.sh(['cc'] + WARN + [CFLAGS, '-I.', '-c', f, '-o', obj]
                       ).returncode:
                sys.exit('mutate.py: cannot compile ' + f)
            self.units.append((name, obj, os.path.join(ud, name)))
        self.saved = os.path.join(self.work, 'orig-objs')
        os.makedirs(self.saved, exist_ok=True)
        self.spec = sorted(glob.glob(os.path.join(REPO, 'spec-tests', '*',
                                                  '*.wast')))
        self.asyncs = sorted(glob.glob(os.path.join(REPO, 'spec-tests',
                                                    'async', '*.wast')))
        r = self.oracle_spec()
        if r:
            sys.exit('mutate.py: spec-tests fail unmutated: %s' % r)
        if not self.link_units() or self.oracle_unit():
            sys.exit('mutate.py: unit tests fail unmutated')
        self.base = {f: self.explore(f) for f in self.asyncs}

    def obj_of(self, rel):
        return os.path.join(self.build, rel[:-2] + '.o')

    def save_obj(self, rel):
        dst = os.path.join(self.saved, rel.replace('/', '+') + '.o')
        if not os.path.exists(dst):
            shutil.copy2(self.obj_of(rel), dst)
        return dst

    def link_units(self):
        if not self.make(self.build + '/libcmref.a'):
            return False
        lib = os.path.join(self.build, 'libcmref.a')
        for name, obj, exe in self.units:
            if self.sh(['cc', CFLAGS, '-o', exe, obj, lib, '-lm']).returncode:
                return False
        return True

    def oracle_spec(self):
        r = self.sh([self.cmref, 'run', '-q'] + self.spec, cwd=REPO,
                    timeout=self.timeout)
        return 'spec-tests' if r.returncode else None

    def oracle_unit(self):
        for name, obj, exe in self.units:
            r = self.sh([exe], cwd=REPO, timeout=self.timeout)
            if r.returncode:
                return 'unit:' + name
        return None

    def explore(self, f):
        r = self.sh([self.cmref, 'run', '--explore', '2000', '--json', f],
                    cwd=REPO, timeout=self.timeout)
        try:
            j = json.loads(r.stdout)
        except ValueError:
            return ('no-json', r.returncode)
        cmds = []
        for c in j.get('commands', []):
            outs = sorted(json.dumps({k: v for k, v in o.items()
                                      if k not in ('schedules', 'choices')},
                                     sort_keys=True)
                          for o in c.get('outcomes', []))
            cmds.append((c.get('line'), c.get('kind'), tuple(outs)))
        return tuple(cmds)

    def oracle_explore(self):
        for f in self.asyncs:
            if self.explore(f) != self.base[f]:
                return 'explore:' + os.path.basename(f)
        return None

    def run(self, mu):
        rel = mu['file']
        path = os.path.join(self.src, rel)
        saved = self.save_obj(rel)
        t0 = time.time()
        try:
            with open(path, 'w') as fh:
                fh.write(mu['text'][:mu['start']] + mu['new']
                         + mu['text'][mu['end']:])
            if not self.make('all'):
                return 'no-compile', None
            if filecmp.cmp(self.obj_of(rel), saved, shallow=False):
                return 'equivalent', 'same object code'
            name = 'spec-tests'
            try:
                for name, oracle in (('spec-tests', self.oracle_spec),
                                     ('unit', None),
                                     ('explore', self.oracle_explore)):
                    if oracle is None:
                        if not self.link_units():
                            return 'no-compile', 'unit link'
                        by = self.oracle_unit()
                    else:
                        by = oracle()
                    if by:
                        return 'killed', by
            except subprocess.TimeoutExpired as e:
                return 'timeout', name + ' (%s)' % os.path.basename(
                    str(e.cmd[-1]))
            return 'survived', None
        finally:
            with open(path, 'w') as fh:
                fh.write(mu['text'])
            # the source older than its (restored) object, the object
            # newer than cmref: the next build relinks, and recompiles
            # only the next mutated file
            now = time.time()
            os.utime(path, (now - 10, now - 10))
            shutil.copyfile(saved, self.obj_of(rel))
            os.utime(self.obj_of(rel), (now, now))
            mu['seconds'] = time.time() - t0

    def finish(self):
        # leave the copy built from unmutated sources
        self.make('all', self.build + '/libcmref.a')


# ---- the report ---------------------------------------------------------------------

def md_code(s):
    s = s.strip().replace('|', '\\|')
    return '`' + s.replace('`', "'") + '`' if s else ''


def report(muts, args, elapsed):
    lines = ['# Mutation report (harness/mutate.py)', '',
             'files: %s; kinds: %s; sample: %s; seed: %s; %d mutants in '
             '%.0f s (%.1f s per mutant)' % (
                 ', '.join(sorted({m['file'] for m in muts})) or '-',
                 ','.join(args.kinds), args.sample or 'all', args.seed,
                 len(muts), elapsed, elapsed / max(1, len(muts))), '',
             'score = killed (timeouts included) / (mutants - no-compile '
             '- equivalent-by-object-code)', '',
             '| file | mutants | killed | timeout | survived | no-compile '
             '| same object | score |', '|---|---|---|---|---|---|---|---|']
    files = sorted({m['file'] for m in muts})
    tot = dict(n=0, k=0, t=0, s=0, nc=0, eq=0)
    for f in files + ['total']:
        ms = muts if f == 'total' else [m for m in muts if m['file'] == f]
        c = dict(n=len(ms),
                 k=sum(m['result'] == 'killed' for m in ms),
                 t=sum(m['result'] == 'timeout' for m in ms),
                 s=sum(m['result'] == 'survived' for m in ms),
                 nc=sum(m['result'] == 'no-compile' for m in ms),
                 eq=sum(m['result'] == 'equivalent' for m in ms))
        den = c['k'] + c['t'] + c['s']
        score = '%.0f%%' % (100.0 * (c['k'] + c['t']) / den) if den else '-'
        lines.append('| %s | %d | %d | %d | %d | %d | %d | %s |' % (
            f, c['n'], c['k'], c['t'], c['s'], c['nc'], c['eq'], score))
    by = {}
    for m in muts:
        if m['result'] in ('killed', 'timeout'):
            k = (m['by'] or '').split(':')[0]
            by[k] = by.get(k, 0) + 1
    lines += ['', 'killed by: ' + ', '.join('%s %d' % kv
                                            for kv in sorted(by.items())), '']
    lines += ['## Survivors', '']
    for m in muts:
        if m['result'] == 'survived':
            lines.append('- %s:%d %s: %s -> %s' % (
                m['file'], m['line'], m['kind'], md_code(m['before']),
                md_code(m['after'])))
    lines += ['', '## Every mutant', '',
              '| file:line | kind | before | after | result |',
              '|---|---|---|---|---|']
    for m in muts:
        res = m['result'] + (' (%s)' % m['by'] if m.get('by') else '')
        lines.append('| %s:%d | %s | %s | %s | %s |' % (
            m['file'], m['line'], m['kind'], md_code(m['before']),
            md_code(m['after']), res))
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--files', default=None,
                    help='comma-separated source files (default canon/*.c)')
    ap.add_argument('--kinds', default=','.join(KINDS))
    ap.add_argument('--sample', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=60)
    ap.add_argument('--workdir', default='/tmp/mut')
    ap.add_argument('--out', default=os.path.join(REPO, 'build',
                                                  'mutation.md'))
    ap.add_argument('--json', default=None,
                    help='also write the results as JSON to this file')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()
    if args.jobs != 1:
        ap.error('only --jobs 1 is supported')
    args.kinds = [k for k in args.kinds.split(',') if k]
    for k in args.kinds:
        if k not in KINDS:
            ap.error('unknown kind %s (kinds: %s)' % (k, ', '.join(KINDS)))
    files = ([os.path.abspath(os.path.join(REPO, f))
              for f in args.files.split(',') if f]
             if args.files else DEFAULT_FILES)
    muts = []
    for f in files:
        muts += mutants_of(f, args.kinds)
    if args.sample and args.sample < len(muts):
        muts = random.Random(args.seed).sample(muts, args.sample)
        muts.sort(key=lambda m: (m['file'], m['start'], m['kind']))
    if args.list:
        for m in muts:
            print('%s:%d %s: %s -> %s' % (m['file'], m['line'], m['kind'],
                                          m['before'].strip(),
                                          m['after'].strip()))
        print('%d mutants' % len(muts))
        return

    def log(s):
        print(s, file=sys.stderr, flush=True)

    r = Runner(args.workdir, args.timeout, log)
    t0 = time.time()
    r.setup()
    log('baseline ready in %.0f s; %d mutants' % (time.time() - t0, len(muts)))
    t1 = time.time()
    try:
        for i, m in enumerate(muts):
            m['result'], m['by'] = r.run(m)
            log('[%d/%d] %s:%d %s: %s%s (%.1f s)' % (
                i + 1, len(muts), m['file'], m['line'], m['kind'],
                m['result'], ' by ' + m['by'] if m['by'] else '',
                m['seconds']))
    finally:
        r.finish()
        done = [m for m in muts if 'result' in m]
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as fh:
            fh.write(report(done, args, time.time() - t1))
        if args.json:
            with open(args.json, 'w') as fh:
                json.dump([{k: v for k, v in m.items() if k != 'text'}
                           for m in done], fh, indent=1)
        log('report: %s' % args.out)


if __name__ == '__main__':
    main()
