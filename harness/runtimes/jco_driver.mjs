// jco_driver.mjs -- runs one .wast script's component commands through jco
// in one node process (harness/runtimes/jco.py writes the plan).
//
//   node jco_driver.mjs PLAN.json
//
// The plan lists, in script order: `define` (a component binary to
// transpile with jco's API), `instantiate`, `invoke` / `assert_return` /
// `assert_trap` (an export of the current instance with component values
// as JSON), `assert_invalid` (jco must refuse to transpile it).  Each
// command's outcome is printed at once as one JSON line
// {"line", "status": "pass"|"fail"|"error", "message", "expected",
// "actual"}, so a script that hangs still reports what came before.
//
// Tracing (plan.trace set): every core instance jco makes goes through our
// instantiateCore.  Its module's bytes are recognised by the fingerprint
// that `cmref imports` printed for the same module; the imports that cmref
// says are canon built-ins or lowered functions, and the exports that are
// lifted callees or callbacks, are replaced by wrappers that record each
// call as a trace v1 event (docs/trace-format.md).  Wrappers of wasm
// functions and of WebAssembly.Suspending imports are small wasm modules
// (wasm -> wasm -> target, with calls out to JS only to log), so JSPI can
// still suspend through them; plain JS functions get a JS wrapper.

import { readFileSync, writeFileSync, mkdirSync, writeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Worker } from 'node:worker_threads';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// jco transpiles with its own bindgen component; a bindgen trap poisons
// that instance for the rest of the process ("cannot enter component
// instance").  So transpile runs in a worker thread (its own module
// graph), replaced after any failure.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const ready = import(workerData.api);
parentPort.on('message', async ({ path, opts }) => {
  try {
    const { transpile } = await ready;
    const { files } = await transpile(new Uint8Array(readFileSync(path)), opts);
    parentPort.postMessage({ files });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});`;
let worker = null;
function transpile(path, opts) {
  if (!worker) { worker = new Worker(WORKER, { eval: true, workerData: { api: plan.jco_api } }); worker.unref(); }
  const w = worker;
  return new Promise((resolve, reject) => {
    const done = (m) => {
      w.off('error', fail);
      if (m.error) { worker = null; w.terminate(); reject(new Error(m.error)); } else resolve({ files: m.files });
    };
    const fail = (e) => { w.off('message', done); worker = null; w.terminate(); reject(e); };
    w.once('message', done);
    w.once('error', fail);
    w.postMessage({ path, opts });
  });
}
const TIMEOUT_MS = plan.command_timeout_ms || 10000;

function out(obj) { writeSync(1, JSON.stringify(obj) + '\n'); }

// ---- values ---------------------------------------------------------------

const camel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// An adapter limitation: the command could not be given to jco (or its
// answer not read); reported as an error of the adapter, never as jco
// failing an assertion.
class AdapterError extends Error {}

// jco's JS values (jco's "Component Model types in JS"): option<T> is
// T | undefined, except option<option<..>> whose outer option is
// {tag:'some', val} | {tag:'none'}; result and variant are {tag, val};
// enum a string; flags an object of booleans; records camelCase fields.
const isOption = (v) => v && v.t === 'option';
function toJS(v) {
  switch (v.t) {
    case 'u64': case 's64': return BigInt(v.v);
    case 'f32': case 'f64':
      if (v.v === 'nan') return NaN;
      if (v.v === 'inf') return Infinity;
      if (v.v === '-inf') return -Infinity;
      if (v.v === '-0') return -0;
      return v.v;
    case 'list': case 'tuple': return v.v.map(toJS);
    case 'record': return Object.fromEntries(v.v.map(([k, x]) => [camel(k), toJS(x)]));
    case 'variant': return v.v === null ? { tag: v.case } : { tag: v.case, val: toJS(v.v) };
    case 'option':
      if (v.case === 'none') return undefined;
      return isOption(v.v) ? { tag: 'some', val: toJS(v.v) } : toJS(v.v);
    case 'result': return v.v === null ? { tag: v.case } : { tag: v.case, val: toJS(v.v) };
    case 'flags': return Object.fromEntries(v.v.map((k) => [camel(k), true]));
    case 'either': throw new AdapterError('(either ...) is a result form, not an argument');
    case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32':
    case 'bool': case 'char': case 'str': case 'enum': return v.v;
    default: throw new AdapterError(`cannot pass a ${v.t} value to jco`);
  }
}

// The script's text of a value (for messages)
function text(v) {
  switch (v.t) {
    case 'list': case 'tuple': return `(${v.t}.const${v.v.map((x) => ' ' + text(x)).join('')})`;
    case 'record': return `(record.const${v.v.map(([k, x]) => ` (field "${k}" ${text(x).slice(1, -1)})`).join('')})`;
    case 'variant': return `(variant.const "${v.case}"${v.v === null ? '' : ' ' + text(v.v)})`;
    case 'option': case 'result': return `(${v.t}.${v.case}${v.v === null ? '' : ' ' + text(v.v)})`;
    case 'either': return `(either${v.v.map((x) => ' ' + text(x)).join('')})`;
    case 'flags': return `(flags.const${v.v.map((k) => ` "${k}"`).join('')})`;
    case 'char': case 'str': case 'enum': return `(${v.t}.const ${JSON.stringify(v.v)})`;
    default: return `(${v.t}.const ${v.v})`;
  }
}

function show(x) {
  if (typeof x === 'bigint') return x.toString() + 'n';
  if (typeof x === 'number' && Object.is(x, -0)) return '-0';
  if (x === undefined) return 'undefined';
  if (ArrayBuffer.isView(x)) x = Array.from(x);
  try {
    return JSON.stringify(x, (k, y) => (typeof y === 'bigint' ? y.toString() + 'n' : y === undefined ? null : y));
  } catch { return String(x); }
}

const isObj = (a) => a !== null && typeof a === 'object';
const INT_BITS = { u8: 8, u16: 16, u32: 32, u64: 64, s8: 8, s16: 16, s32: 32, s64: 64 };

// null if actual matches expected, else why not
function mismatch(e, a) {
  const no = () => `expected ${text(e)}, got ${show(a)}`;
  switch (e.t) {
    case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32':
    case 'u64': case 's64':
      if (typeof a !== 'number' && typeof a !== 'bigint') return no();
      try { return BigInt(a) === BigInt(e.v) ? null : no(); } catch { return no(); }
    case 'f32': case 'f64': {
      const x = toJS(e);
      if (typeof a !== 'number') return no();
      if (Number.isNaN(x)) return Number.isNaN(a) ? null : no();
      const want = e.t === 'f32' ? Math.fround(x) : x;
      return Object.is(want, a) ? null : no();
    }
    case 'bool': return a === e.v ? null : no();
    case 'char': case 'str': case 'enum': return a === e.v ? null : no();
    case 'list': case 'tuple': {
      if (!isObj(a) || typeof a[Symbol.iterator] !== 'function') return no();
      const arr = Array.from(a);
      if (arr.length !== e.v.length) return `expected ${text(e)} (${e.v.length} elements), got ${arr.length}: ${show(a)}`;
      for (let i = 0; i < arr.length; i++) {
        const m = mismatch(e.v[i], arr[i]);
        if (m) return `element ${i}: ${m}`;
      }
      return null;
    }
    case 'record': {
      if (!isObj(a)) return no();
      for (const [k, x] of e.v) {
        if (!(camel(k) in a)) return `field ${k} missing: got ${show(a)}`;
        const m = mismatch(x, a[camel(k)]);
        if (m) return `field ${k}: ${m}`;
      }
      return null;
    }
    case 'variant': case 'result': {
      if (!isObj(a) || a.tag !== e.case) return no();
      return e.v === null ? null : mismatch(e.v, a.val);
    }
    case 'option': {
      // option<option<..>> comes tagged; any other option bare
      if (isObj(a) && (a.tag === 'some' || a.tag === 'none') && !(e.case === 'some' && e.v.t === 'variant')) {
        if (a.tag !== e.case) return no();
        return e.case === 'none' ? null : mismatch(e.v, a.val);
      }
      if (e.case === 'none') return a === undefined || a === null ? null : no();
      return a === undefined || a === null ? no() : mismatch(e.v, a);
    }
    case 'flags': {
      if (!isObj(a)) return no();
      const want = new Set(e.v.map(camel));
      for (const k of want) if (!a[k]) return no();
      for (const [k, x] of Object.entries(a)) if (!!x !== want.has(k)) return no();
      return null;
    }
    case 'either': {
      const whys = [];
      for (const alt of e.v) { const m = mismatch(alt, a); if (!m) return null; whys.push(m); }
      return `none of the ${e.v.length} allowed values: got ${show(a)}`;
    }
    default: throw new AdapterError(`cannot compare a ${e.t} value`);
  }
}

// The outcome of an invoke against one expected result.  jco unwraps a
// function's top-level result<T, E>: ok returns T, err throws a
// ComponentError whose payload is E.  null if it matches, else why not.
function mismatchTop(e, r, thrown) {
  if (e.t === 'either') {
    for (const alt of e.v) if (!mismatchTop(alt, r, thrown)) return null;
    return `none of the ${e.v.length} allowed outcomes: got ${thrown ? 'a throw: ' + messageOf(thrown) : show(r)}`;
  }
  if (e.t === 'result' && thrown && 'payload' in thrown) {
    if (e.case !== 'err') return `expected ${text(e)}, got err ${show(thrown.payload)}`;
    return e.v === null ? null : mismatch(e.v, thrown.payload);
  }
  if (thrown) return `expected ${text(e)}, trapped: ${messageOf(thrown)}`;
  if (e.t === 'result') {
    if (e.case === 'err') return `expected ${text(e)}, got ok ${show(r)}`;
    return e.v === null ? (r === undefined ? null : `expected ${text(e)}, got ${show(r)}`) : mismatch(e.v, r);
  }
  return mismatch(e, r);
}

function messageOf(err) {
  const parts = [];
  for (let e = err, i = 0; e && i < 5; e = e.cause, i++) {
    if (e.message) parts.push(String(e.message));
    else parts.push(String(e));
    if (e.payload !== undefined) parts.push('payload ' + show(e.payload));
  }
  return parts.join(': ') || String(err);
}

// ---- the trace --------------------------------------------------------------

let traceFd = null, seq = 0;
function ev(kind, fields) {
  if (traceFd === null) return;
  seq++;
  // 64-bit values exactly, as decimal integers
  writeSync(traceFd, JSON.stringify({ seq, ev: kind, ...fields },
    (k, y) => (typeof y === 'bigint' ? JSON.rawJSON(y.toString()) : y)) + '\n');
}

// core values as unsigned bit patterns (docs/trace-format.md)
const f32buf = new DataView(new ArrayBuffer(8));
function bits(t, x) {
  switch (t) {
    case 0x7f: return (Number(x) >>> 0);
    case 0x7e: return BigInt.asUintN(64, BigInt(x));
    case 0x7d: f32buf.setFloat32(0, Number(x), true); return f32buf.getUint32(0, true);
    case 0x7c: f32buf.setFloat64(0, Number(x), true); return f32buf.getBigUint64(0, true);
    default: return 0;
  }
}
const bitsAll = (ts, xs) => ts.map((t, i) => bits(t, xs[i]));
const resultsArray = (ts, r) => (ts.length === 0 ? [] : ts.length === 1 ? [r] : Array.from(r));

// ---- reading a core module's function types --------------------------------

function readModule(bytes) {
  let p = 8;
  const u = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const name = () => { const n = u(); const s = new TextDecoder().decode(bytes.subarray(p, p + n)); p += n; return s; };
  const types = [], funcs = [], imports = [], exports = [];
  let ok = true;
  const valtype = () => {
    const t = bytes[p++];
    if (t === 0x7f || t === 0x7e || t === 0x7d || t === 0x7c) return t;
    ok = false;
    if (t === 0x63 || t === 0x64) u();
    return t;
  };
  const limits = () => { const f = bytes[p++]; u(); if (f & 1) u(); };
  const functype = () => {
    const np = u(); const params = []; for (let i = 0; i < np; i++) params.push(valtype());
    const nr = u(); const results = []; for (let i = 0; i < nr; i++) results.push(valtype());
    return { params, results };
  };
  const subtype = () => {
    const b = bytes[p];
    if (b === 0x50 || b === 0x4f) { p++; const n = u(); for (let i = 0; i < n; i++) u(); }
    const k = bytes[p++];
    if (k === 0x60) return functype();
    ok = false; throw new Error('non-function type');
  };
  try {
    while (p < bytes.length) {
      const id = bytes[p++]; const size = u(); const end = p + size;
      if (id === 1) {
        const n = u();
        for (let i = 0; i < n; i++) {
          if (bytes[p] === 0x4e) { p++; const m = u(); for (let k = 0; k < m; k++) types.push(subtype()); }
          else types.push(subtype());
        }
      } else if (id === 2) {
        const n = u();
        for (let i = 0; i < n; i++) {
          const module = name(), nm = name(), kind = bytes[p++];
          if (kind === 0) { const ti = u(); imports.push({ module, name: nm, kind, type: types[ti] }); funcs.push(types[ti]); }
          else if (kind === 1) { valtype(); limits(); imports.push({ module, name: nm, kind }); }
          else if (kind === 2) { limits(); imports.push({ module, name: nm, kind }); }
          else if (kind === 3) { valtype(); p++; imports.push({ module, name: nm, kind }); }
          else { p++; u(); imports.push({ module, name: nm, kind }); }
        }
      } else if (id === 3) {
        const n = u(); for (let i = 0; i < n; i++) funcs.push(types[u()]);
      } else if (id === 7) {
        const n = u();
        for (let i = 0; i < n; i++) { const nm = name(); const kind = bytes[p++]; const idx = u(); exports.push({ name: nm, kind, type: kind === 0 ? funcs[idx] : null }); }
      }
      p = end;
    }
  } catch { ok = false; }
  return { imports, exports, ok };
}

function fnv1a64(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

// ---- wrappers ------------------------------------------------------------------

function leb(n) { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; }
function vec(items) { return [...leb(items.length), ...items.flat()]; }
function section(id, body) { return [id, ...leb(body.length), ...body]; }
function str(s) { const b = [...new TextEncoder().encode(s)]; return [...leb(b.length), ...b]; }
const trampolineModules = new Map();
// (import "t" "target" P->R) (import "t" "enter" P->()) (import "t" "exit" R->())
// (func (export "f") P->R  enter(args); results = target(args); exit(results); results)
function trampolineModule(params, results) {
  const key = params.join(',') + '>' + results.join(',');
  let m = trampolineModules.get(key);
  if (m) return m;
  const ft = (ps, rs) => [0x60, ...vec(ps.map((x) => [x])), ...vec(rs.map((x) => [x]))];
  const types = section(1, vec([ft(params, results), ft(params, []), ft(results, [])]));
  const imports = section(2, vec([[...str('t'), ...str('target'), 0, 0], [...str('t'), ...str('enter'), 0, 1], [...str('t'), ...str('exit'), 0, 2]]));
  const funcs = section(3, vec([[0]]));
  const exps = section(7, vec([[...str('f'), 0, 3]]));
  const np = params.length, nr = results.length;
  const body = [];
  body.push(...vec(results.map((t) => [1, t])));
  for (let i = 0; i < np; i++) body.push(0x20, ...leb(i));
  body.push(0x10, 1);
  for (let i = 0; i < np; i++) body.push(0x20, ...leb(i));
  body.push(0x10, 0);
  for (let j = nr - 1; j >= 0; j--) body.push(0x21, ...leb(np + j));
  for (let j = 0; j < nr; j++) body.push(0x20, ...leb(np + j));
  body.push(0x10, 2);
  for (let j = 0; j < nr; j++) body.push(0x20, ...leb(np + j));
  body.push(0x0b);
  const code = section(10, vec([[...leb(body.length), ...body]]));
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...exps, ...code]);
  m = new WebAssembly.Module(bytes);
  trampolineModules.set(key, m);
  return m;
}

const isWasmFunction = (f) => typeof f === 'function' && /\[native code\]/.test(Function.prototype.toString.call(f)) && !f.prototype;
const isSuspending = (f) => typeof WebAssembly.Suspending === 'function' && f instanceof WebAssembly.Suspending;

// Wraps target (type ty) so that enter(args) and exit(results) are called
// around each call; open calls are remembered for trap reports.
function wrap(target, ty, enter, exit) {
  if (!ty) return target;
  if (typeof target === 'function' && !isWasmFunction(target)) {
    const w = function (...args) {
      const call = enter(args);
      const r = target.apply(this, args);
      exit(resultsArray(ty.results, r), call);
      return r;
    };
    return Object.assign(w, target);
  }
  if (typeof target !== 'function' && !isSuspending(target)) return target;
  let call = null;
  const m = trampolineModule(ty.params, ty.results);
  const inst = new WebAssembly.Instance(m, { t: {
    target,
    enter: (...args) => { call = enter(args); },
    exit: (...rs) => { exit(rs, call); },
  } });
  const f = inst.exports.f;
  if (typeof target === 'function') Object.assign(f, target);
  return f;
}

// ---- the import map of `cmref imports` -------------------------------------

const imap = plan.imap || [];
let imapCursor = 0, groupStart = 0, groupEnd = 0;
const consumed = new Set();
function nextTopInstance() {
  let i = groupEnd > imapCursor ? groupEnd : imapCursor;
  while (i < imap.length && !(imap[i].instance !== undefined && imap[i].parent === 0)) i++;
  groupStart = i;
  let j = i + 1;
  while (j < imap.length && !(imap[j].instance !== undefined && imap[j].parent === 0)) j++;
  groupEnd = j;
  imapCursor = j;
}
function coreRecord(hash) {
  for (let i = groupStart; i < groupEnd; i++)
    if (imap[i].core !== undefined && !consumed.has(i) && imap[i].module.fnv1a64 === hash) {
      consumed.add(i);
      return imap[i];
    }
  return null;
}
function liftsOf(coreNo) {
  const roles = new Map();
  for (const r of imap) {
    if (r.lift === undefined) continue;
    if (r.lift && r.lift.core === coreNo) roles.set(r.lift.export, { role: 'lift', rec: r });
    if (r.callback && r.callback.core === coreNo) roles.set(r.callback.export, { role: 'callback', rec: r });
  }
  return roles;
}

// ---- tasks and events seen from the core boundary -------------------------

let nextTask = 0;
const liveTasks = [];     // {task, callbackKey, done}
const openCalls = [];     // builtin calls entered, not yet returned
const BLOCKED = 0xffffffff;
const COPY_CODE = { 'stream.read': 2, 'stream.write': 3, 'future.read': 4, 'future.write': 5,
  'stream.cancel-read': 2, 'stream.cancel-write': 3, 'future.cancel-read': 4, 'future.cancel-write': 5 };

function builtinEvents(name, args, results, mem) {
  // the event cmref writes when a built-in delivers one (docs/trace-format.md)
  const r = results.length ? Number(results[0]) : 0;
  if (name in COPY_CODE && r !== BLOCKED) ev('event', { code: COPY_CODE[name], p1: Number(args[0]), p2: r });
  else if (name === 'subtask.cancel' && r !== BLOCKED) ev('event', { code: 1, p1: Number(args[0]), p2: r });
  else if ((name === 'waitable-set.wait' || name === 'waitable-set.poll') && r !== 0) {
    const m = mem();
    let p1 = 0, p2 = 0;
    if (m) { const dv = new DataView(m.buffer); const ptr = Number(args[1]); p1 = dv.getUint32(ptr, true); p2 = dv.getUint32(ptr + 4, true); }
    ev('event', { code: r, p1, p2 });
  }
}

function traceImports(rec, info, imports) {
  const out = {};
  let memory = null;
  const mem = () => memory;
  for (const [mod, obj] of Object.entries(imports || {})) out[mod] = { ...obj };
  info.imports.forEach((im, k) => {
    const r = rec.imports[k];
    if (!r) return;
    if (im.kind === 2 && imports?.[im.module]) memory = imports[im.module][im.name];
    if (im.kind !== 0 || !r.builtin || !out[im.module] || !(im.name in out[im.module])) return;
    const ty = im.type;
    const target = out[im.module][im.name];
    if (r.builtin === 'lower') {
      const isAsync = !!r.async;
      out[im.module][im.name] = wrap(target, ty,
        (args) => { ev('lower.call', { inst: r.inst, async: isAsync, args: bitsAll(ty.params, args) }); return null; },
        (rs) => {
          const results = bitsAll(ty.results, rs);
          const st = Number(results[0]);
          // async: state | (index << 4); RETURNED (2) has no subtask
          if (isAsync && (st & 0xf) !== 2) ev('lower.return', { inst: r.inst, results, subtask: st >>> 4, state: st & 0xf });
          else ev('lower.return', { inst: r.inst, results });
        });
    } else {
      out[im.module][im.name] = wrap(target, ty,
        (args) => { const c = { name: r.builtin, inst: r.inst, args: bitsAll(ty.params, args) }; openCalls.push(c); return c; },
        (rs, c) => {
          const i = openCalls.indexOf(c); if (i >= 0) openCalls.splice(i, 1);
          const results = bitsAll(ty.results, rs);
          builtinEvents(r.builtin, c.args, results, mem);
          ev('builtin', { inst: r.inst, name: r.builtin, args: c.args, results });
        });
    }
  });
  return { imports: out, setMemory: (m) => { if (!memory) memory = m; } };
}

function traceExports(rec, info, exports) {
  const roles = liftsOf(rec.core);
  const out = {};
  for (const [name, x] of Object.entries(exports)) {
    const role = roles.get(name);
    const ex = info.exports.find((e) => e.name === name);
    if (!role || !ex || !ex.type) { out[name] = x; continue; }
    const ty = ex.type;
    const key = rec.core + ':' + (role.rec.callback ? role.rec.callback.export : '');
    if (role.role === 'lift') {
      out[name] = wrap(x, ty,
        (args) => { const t = { task: ++nextTask, key, done: false }; liveTasks.push(t); ev('lift.call', { task: t.task, args: bitsAll(ty.params, args) }); return t; },
        (rs, t) => {
          const results = bitsAll(ty.results, rs);
          ev('lift.return', { task: t.task, results });
          if (!role.rec.callback || (results.length && (Number(results[0]) & 0xf) === 0)) t.done = true;
        });
    } else {
      out[name] = wrap(x, ty,
        (args) => {
          const t = liveTasks.find((y) => !y.done && y.key === key) || { task: 0 };
          const e = bitsAll(ty.params, args).map(Number);
          if (e[0] >= 1 && e[0] <= 5) ev('event', { code: e[0], p1: e[1], p2: e[2] });
          ev('callback', { task: t.task, event: e });
          return t;
        },
        (rs, t) => { if (rs.length && (Number(rs[0]) & 0xf) === 0 && t) t.done = true; });
    }
  }
  return out;
}

// ---- running the plan -----------------------------------------------------------

const defs = new Map();   // id -> {mod, files} or {error}
let current = null;       // the current instance's exports
let currentError = null;

async function instantiateCore(module, imports) {
  const info = moduleInfo.get(module);
  const rec = traceFd !== null && info && info.ok ? coreRecord(info.hash) : null;
  if (!rec) return WebAssembly.instantiate(module, imports);
  const ti = traceImports(rec, info, imports);
  const inst = await WebAssembly.instantiate(module, ti.imports);
  for (const x of Object.values(inst.exports)) if (x instanceof WebAssembly.Memory) { ti.setMemory(x); break; }
  return { exports: traceExports(rec, info, inst.exports) };
}
const moduleInfo = new WeakMap();

async function define(step) {
  const dir = join(plan.workdir, step.id);
  const { files } = await transpile(step.wasm, {
    // every export may block (a sync-lifted export blocks in the spec's
    // sync loop too): all are JSPI-promising, as jco's own node
    // capabilities do it
    name: step.id, instantiation: 'async', asyncMode: 'jspi', asyncExports: ['*'], noTypescript: true, quiet: true,
  });
  mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f.split('/').pop()), data);
  const mod = await import(pathToFileURL(join(dir, step.id + '.js')).href);
  return { mod, files, dir };
}

function getCoreModuleFor(def) {
  return (name) => {
    const bytes = def.files[name] || def.files[Object.keys(def.files).find((k) => k.endsWith('/' + name))];
    const b = new Uint8Array(bytes);
    return WebAssembly.compile(b).then((m) => {
      const info = readModule(b);
      info.hash = fnv1a64(b);
      moduleInfo.set(m, info);
      return m;
    });
  };
}

// jco's glue may throw from a timer or reject a promise nobody awaits
// (a trap inside its event loop): that is the outcome of the command
// running, not the end of the script.
let uncaughtReject = null;
const onUncaught = (e) => {
  if (uncaughtReject) uncaughtReject(e);
  else writeSync(2, 'jco_driver: uncaught outside a command: ' + messageOf(e) + '\n');
};
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);

function withTimeout(p, what) {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what} did not finish within ${TIMEOUT_MS} ms (deadlock or hang)`)), TIMEOUT_MS); });
  const u = new Promise((_, rej) => { uncaughtReject = rej; });
  return Promise.race([p, t, u]).finally(() => { clearTimeout(timer); uncaughtReject = null; });
}

async function instantiate(id) {
  const d = defs.get(id);
  if (!d) throw new Error(`component ${id} was not defined`);
  if (d.error) throw new NotRun(`not run: jco rejected the component`);
  nextTopInstance();
  return withTimeout(Promise.resolve(d.mod.instantiate(getCoreModuleFor(d), {}, instantiateCore)), 'instantiation');
}

class NotRun extends Error {}
async function invoke(step) {
  if (currentError) throw new NotRun(`not run: no instance (${currentError})`);
  if (!current) throw new NotRun('not run: no instance to invoke');
  const f = current[camel(step.name)] ?? current[step.name];
  if (typeof f !== 'function') throw new AdapterError(`jco's bindings have no function for export "${step.name}" (it has: ${Object.keys(current).join(', ')})`);
  const args = step.args.map(toJS);
  ev('invoke', { name: step.name });
  try {
    const r = await withTimeout(Promise.resolve(f(...args)), `invoke "${step.name}"`);
    ev('invoke.return', { results: r === undefined ? 0 : 1 });
    return r;
  } catch (e) {
    // a built-in that trapped: cmref writes its event with the trap
    const c = openCalls.pop();
    if (c) ev('builtin', { inst: c.inst, name: c.name, args: c.args, trap: messageOf(e) });
    openCalls.length = 0;
    ev('invoke.trap', { message: messageOf(e) });
    throw e;
  }
}

function result(step, status, message, extra = {}) {
  out({ line: step.line, kind: step.kind, status, message, ...extra });
}
// the adapter could not run the command: an error of ours, not jco's
function adapterError(step, e) {
  result(step, 'error', 'adapter: ' + messageOf(e), { cause: 'adapter' });
}

// Wasmtime's rule for component scripts: the expected text anywhere in the
// message.  A trap with another message fails (it may be another trap).
function trapOutcome(step, m) {
  if (m.includes(step.message)) result(step, 'pass', null, { expected: step.message, actual: 'trap: ' + m });
  else result(step, 'fail', 'trapped with another message', { expected: 'trap: ' + step.message, actual: 'trap: ' + m, message_mismatch: true });
}

if (plan.trace) {
  traceFd = openSync(plan.trace, 'w');
  writeSync(traceFd, JSON.stringify({ trace: 'jco', version: 1, spec: plan.spec, runtime: plan.runtime }) + '\n');
}

for (const step of plan.steps) {
  try {
    switch (step.kind) {
      case 'define': {
        // a valid component jco refuses is a divergence of its own
        try { defs.set(step.id, await define(step)); if (step.report) result(step, 'pass', null); }
        catch (e) { defs.set(step.id, { error: messageOf(e) }); result(step, 'fail', 'jco rejects it: ' + messageOf(e), { expected: 'a valid component (cmref accepts it)', actual: 'rejected' }); }
        break;
      }
      case 'assert_invalid': case 'assert_malformed': {
        let accepted = false;
        try { await transpile(step.wasm, { name: 'x', instantiation: 'async', noTypescript: true }); accepted = true; }
        catch (e) { result(step, 'pass', null, { actual: 'rejected: ' + messageOf(e) }); }
        if (accepted) result(step, 'fail', `jco accepted it (expected "${step.message}")`, { expected: step.message, actual: 'accepted' });
        break;
      }
      case 'instantiate': {
        try { current = await instantiate(step.id); currentError = null; result(step, 'pass', null); }
        catch (e) {
          current = null; currentError = messageOf(e);
          result(step, e instanceof NotRun ? 'error' : 'fail', e instanceof NotRun ? currentError : 'instantiation failed: ' + currentError);
        }
        break;
      }
      case 'assert_trap_instantiate': case 'assert_unlinkable': case 'assert_uninstantiable': {
        try { await instantiate(step.id); result(step, 'fail', `instantiation succeeded (expected "${step.message}")`, { expected: step.message, actual: 'instantiated' }); }
        catch (e) {
          const m = messageOf(e);
          if (e instanceof NotRun) result(step, 'error', m);
          else trapOutcome(step, m);
        }
        break;
      }
      case 'invoke': {
        try { await invoke(step); result(step, 'pass', null); }
        catch (e) {
          if (e instanceof AdapterError) adapterError(step, e);
          else result(step, e instanceof NotRun ? 'error' : 'fail', (e instanceof NotRun ? '' : 'trapped: ') + messageOf(e), { actual: 'trap: ' + messageOf(e) });
        }
        break;
      }
      case 'assert_return': {
        let r, thrown = null;
        try { r = await invoke(step); }
        catch (e) {
          if (e instanceof NotRun) { result(step, 'error', messageOf(e)); break; }
          if (e instanceof AdapterError) { adapterError(step, e); break; }
          thrown = e;
        }
        const exp = step.expected;
        let m;
        if (exp.length === 0) m = thrown ? 'trapped: ' + messageOf(thrown) : r === undefined ? null : `expected no result, got ${show(r)}`;
        else if (exp.length === 1) m = mismatchTop(exp[0], r, thrown);
        else m = thrown ? 'trapped: ' + messageOf(thrown) : mismatch({ t: 'tuple', v: exp }, r);
        const actual = !thrown ? show(r) : 'payload' in thrown ? 'err ' + show(thrown.payload) : 'trap: ' + messageOf(thrown);
        result(step, m ? 'fail' : 'pass', m, { expected: step.expected_text, actual });
        break;
      }
      case 'assert_trap': case 'assert_exhaustion': {
        let r;
        try { r = await invoke(step); }
        catch (e) {
          if (e instanceof NotRun) result(step, 'error', messageOf(e));
          else if (e instanceof AdapterError) adapterError(step, e);
          else trapOutcome(step, messageOf(e));
          break;
        }
        result(step, 'fail', `returned ${show(r)} (expected a trap "${step.message}")`, { expected: 'trap: ' + step.message, actual: show(r) });
        break;
      }
      default:
        result(step, 'error', `adapter: cannot run ${step.kind}`, { cause: 'adapter' });
    }
  } catch (e) {
    result(step, 'error', 'adapter: driver: ' + messageOf(e), { cause: 'adapter' });
  }
}
process.exit(0);
