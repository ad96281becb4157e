'use strict';
// Code size of a wasm file by Rust crate, from its `name` section (use the linker's output,
// target/wasm32-unknown-unknown/release/napkin.wasm, which still has names; the dist's
// wasm-opt'd file has none). Usage: node tests/bench/wasm-sizes.cjs FILE [top]
// With a filter, it lists code by demangled path instead (the first `depth` path segments,
// default 3), only paths containing FILTER, with how many functions (monomorphised copies)
// each holds: node tests/bench/wasm-sizes.cjs FILE 20 core::slice::sort 5
const fs = require('node:fs');
const b = fs.readFileSync(process.argv[2]);
const top = Number(process.argv[3] || 15);
const filter = process.argv[4];
const depth = Number(process.argv[5] || 3);
let p = 8;
const u32 = () => { let r = 0, s = 0, x; do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
const str = () => { const n = u32(); const s = b.toString('utf8', p, p + n); p += n; return s; };
let imported = 0; const bodies = []; const names = new Map(); let dataBytes = 0;
while (p < b.length) {
  const id = b[p++], size = u32(), end = p + size;
  if (id === 2) { // imports: count functions
    for (let n = u32(); n--;) { str(); str(); const k = b[p++]; if (k === 0) { u32(); imported++; } else if (k === 1) { p++; const f = b[p++]; u32(); if (f & 1) u32(); } else if (k === 2) { const f = b[p++]; u32(); if (f & 1) u32(); } else if (k === 3) { p += 2; } else if (k === 4) { p++; u32(); } }
  } else if (id === 10) { for (let n = u32(); n--;) { const s = u32(); bodies.push(s); p += s; } }
  else if (id === 11) dataBytes += size;
  else if (id === 0) { const name = str(); if (name === 'name') while (p < end) { const sub = b[p++], len = u32(), e2 = p + len; if (sub === 1) for (let n = u32(); n--;) { const i = u32(); names.set(i, str()); } p = e2; } }
  p = end;
}
const crateOf = (n) => {
  const m = /^_ZN(\d+)/.exec(n); // legacy mangling: _ZN <len><ident> ...
  if (!m) return n.includes('::') ? n.split('::')[0] : '(other: imports glue, libc, wasm-bindgen)';
  const first = n.substr(3 + m[1].length, Number(m[1]));
  if (!first.startsWith('_$LT$')) return first;
  const inner = /^_\$LT\$(?:\$RF\$)?(?:mut\$u20\$)?([A-Za-z_][A-Za-z0-9_]*)/.exec(first);
  return inner ? inner[1] : first;
};
/** The path segments of a legacy-mangled name, without its hash, lightly demangled. */
const segments = (n) => {
  if (!n.startsWith('_ZN')) return [n];
  const out = [];
  for (let i = 3, m; i < n.length && (m = /^\d+/.exec(n.slice(i)));) {
    i += m[0].length;
    out.push(n.substr(i, Number(m[0])));
    i += Number(m[0]);
  }
  if (out.length > 1 && /^h[0-9a-f]{16}$/.test(out[out.length - 1])) out.pop();
  const words = { LT: '<', GT: '>', RF: '&', C: ',', LP: '(', RP: ')', BP: '*', u20: ' ', u7b: '{', u7d: '}', u5b: '[', u5d: ']' };
  return out.map((s) => s.replace(/\$([A-Za-z0-9]+)\$/g, (w, k) => words[k] || w).replace(/\.\./g, '::'));
};
if (filter) {
  const paths = new Map(); let matched = 0;
  bodies.forEach((s, i) => {
    const key = segments(names.get(i + imported) || '(unnamed)').slice(0, depth).join('::');
    if (!key.includes(filter)) return;
    const e = paths.get(key) || { bytes: 0, fns: 0 };
    e.bytes += s; e.fns += 1; matched += s; paths.set(key, e);
  });
  console.log(`${process.argv[2]}: ${matched} B of code in paths containing ${JSON.stringify(filter)}`);
  for (const [k, e] of [...paths].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) console.log(`${String(e.bytes).padStart(9)}  ${String(e.fns).padStart(4)} fn  ${k.slice(0, 150)}`);
  process.exit(0);
}
const by = new Map(); let total = 0;
bodies.forEach((s, i) => { const c = crateOf(names.get(i + imported) || '(unnamed)'); by.set(c, (by.get(c) || 0) + s); total += s; });
console.log(`${process.argv[2]}: code ${total} B in ${bodies.length} functions, data ${dataBytes} B`);
for (const [c, s] of [...by].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(s).padStart(9)}  ${(100 * s / total).toFixed(1).padStart(5)}%  ${c}`);
