'use strict';
// Napkin benchmarks in headless Chromium (issue #7), run by `./napkin bench`.
//
//   node tests/bench/bench.cjs [--runs 5] [--soak 60] [--only B1,B2,...] [--out FILE] [--smoke] [--profile DIR]
//
// Environment: NAPKIN_DIST (release dist, default target/napkin-bench-dist),
// NAPKIN_CHROMIUM, NAPKIN_PROM_URL / NAPKIN_PROM_FROM_MS / NAPKIN_PROM_TO_MS (the test
// Prometheus; B4 and B7 print "n/a" without it), NODE_PATH with playwright-core and uplot.
//
// Timing is performance.now() in the page around the app's own code (bench exports in
// src/io/bench.rs call core::chart::build + io::plot::draw and core::prom::parse_query_range;
// they also leave performance.measure entries), plus CDP (tracing, Runtime.getHeapUsage,
// HeapProfiler.collectGarbage) and a longtask PerformanceObserver. Never virtual time.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');
const { startServer } = require('../e2e/lib/server.cjs');
const { CHROMIUM_ARGS } = require('../e2e/lib/harness.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = process.env.NAPKIN_DIST || path.join(ROOT, 'target', 'napkin-bench-dist');
const CHROMIUM = process.env.NAPKIN_CHROMIUM || '/usr/bin/chromium';
const PROM = process.env.NAPKIN_PROM_URL || '';
const PROM_TO = Number(process.env.NAPKIN_PROM_TO_MS || 0);
const PROM_FROM = Number(process.env.NAPKIN_PROM_FROM_MS || 0);

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}
const SMOKE = !!arg('smoke', false);
const RUNS = Number(arg('runs', SMOKE ? 1 : 5));
const SOAK_S = Number(arg('soak', SMOKE ? 0 : 60));
const ONLY = String(arg('only', 'B1,B2,B3,B4,B5,B6,B7')).split(',');
const OUT = arg('out', path.join(ROOT, 'target', 'napkin-bench.json'));
const PROFILE_DIR = arg('profile', '') === true ? '' : String(arg('profile', ''));
const B2_SIZES = SMOKE ? [10_000] : [10_000, 100_000, 1_000_000];

// ------------------------------------------------------------------------- statistics

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { n: s.length, median: q(0.5), min: s[0], max: s[s.length - 1], runs: xs };
}
const ms = (v) => (v === undefined || v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const fmtStats = (st) => `${ms(st.median)} ms (${ms(st.min)}–${ms(st.max)}, n=${st.n})`;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;

// ---------------------------------------------------------------------------- machine

function machine() {
  let model = os.cpus()[0] ? os.cpus()[0].model : '?';
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {}
  return { nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length, model, memGB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version };
}

// ------------------------------------------------------------------------------ pages

let browser;
let server;

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(120000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('crash', () => page.errors.push('page crashed'));
  return page;
}

/** Opens the app with an (almost) empty dashboard and waits for the bench exports. */
async function benchPage() {
  const page = await newPage();
  const dash = { version: 1, title: 'bench', panels: [] };
  await page.goto(`${server.url}?bench#json=${encodeURIComponent(JSON.stringify(dash))}`);
  await page.waitForFunction(() => window.wasmBindings && typeof window.wasmBindings.bench_paint === 'function');
  return page;
}

const gc = (page) => page.evaluate(() => (window.gc ? window.gc() : undefined));

// ------------------------------------------------------------------------------ B1

async function b1() {
  const page = await newPage();
  await page.goto(server.url);
  // Resources that finished before the app's first paint, plus the document. index.html
  // paints a little static markup before the wasm arrives, so the first contentful paint
  // alone would leave the app out: the cutoff is the later of that paint and the moment
  // the app has rendered its panel grid (bounded wait).
  await page.waitForSelector('main.nk-grid', { timeout: 60000 });
  const loaded = await page.evaluate(async () => {
    const fcp = await new Promise((ok) => {
      const seen = performance.getEntriesByName('first-contentful-paint')[0];
      if (seen) return ok(seen.startTime);
      new PerformanceObserver((l, o) => {
        o.disconnect();
        ok(l.getEntries()[0].startTime);
      }).observe({ type: 'paint', buffered: true });
    });
    const app = performance.now();
    const cutoff = Math.max(fcp, app);
    const res = performance
      .getEntriesByType('resource')
      .filter((r) => r.responseEnd <= cutoff)
      .map((r) => new URL(r.name).pathname);
    return { fcp, app_rendered_ms: app, files: ['/index.html', ...res] };
  });
  await page.context().close();
  const files = [];
  let raw = 0, gz = 0, br = 0;
  for (const p of loaded.files) {
    if (!/\.(wasm|js|css|html)$/.test(p)) continue;
    const f = path.join(DIST, p);
    if (!fs.existsSync(f)) continue;
    const b = fs.readFileSync(f);
    const g = zlib.gzipSync(b, { level: 9 }).length;
    const r = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    files.push({ file: p, raw: b.length, gzip: g, brotli: r });
    raw += b.length; gz += g; br += r;
  }
  return { fcp_ms: loaded.fcp, app_rendered_ms: loaded.app_rendered_ms, files, raw, gzip: gz, brotli: br, target_gzip: 300 * 1024, pass: gz <= 300 * 1024 };
}

// ------------------------------------------------------------------------------ B2

async function b2() {
  const page = await benchPage();
  await page.addStyleTag({ url: '/bench-peers/uPlot.min.css' });
  await page.addScriptTag({ url: '/bench-peers/uPlot.iife.min.js' });
  const out = {};
  for (const n of B2_SIZES) {
    // Same deterministic data for both: 1 s spacing, a slow wave plus LCG noise.
    await page.evaluate((n) => {
      const xs = new Float64Array(n), ms = new Float64Array(n), ys = new Float64Array(n);
      const t0 = 1_700_000_000;
      let seed = 42;
      for (let i = 0; i < n; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        xs[i] = t0 + i;
        ms[i] = (t0 + i) * 1000;
        ys[i] = 100 + 50 * Math.sin(i / (n / 20)) + (seed / 4294967296) * 20;
      }
      window.__b2 = { xs, ys };
      window.wasmBindings.bench_load(ms, ys, 1000);
    }, n);
    const napkin = [], uplot = [], build = [], draw = [];
    for (let r = -1; r < RUNS; r++) { // r = -1: warm-up, not recorded
      const order = r % 2 === 0 ? ['napkin', 'uplot'] : ['uplot', 'napkin'];
      for (const who of order) {
        await gc(page);
        const t = await page.evaluate(async (who) => {
          const host = document.createElement('div');
          host.style.cssText = 'position:fixed;left:0;top:0;width:800px;height:300px;background:#fff;z-index:99';
          document.body.appendChild(host);
          await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
          performance.clearMeasures();
          let dt;
          if (who === 'napkin') {
            const c = document.createElement('canvas');
            c.style.cssText = 'width:800px;height:300px;display:block';
            host.appendChild(c);
            const t0 = performance.now();
            window.wasmBindings.bench_paint(c);
            dt = performance.now() - t0;
          } else {
            const { xs, ys } = window.__b2;
            const t0 = performance.now();
            let done;
            const drawn = new Promise((ok) => (done = ok));
            const u = new uPlot(
              {
                width: 800, height: 300, pxAlign: 0,
                legend: { show: false }, cursor: { show: false },
                scales: { x: { time: true } },
                series: [{}, { stroke: '#0072B2', width: 1.5 }],
                hooks: { draw: [() => done()] },
              },
              [xs, ys],
              host,
            );
            await drawn;
            u.ctx.getImageData(400, 150, 1, 1);
            dt = performance.now() - t0;
            u.destroy();
          }
          const m = (name) => { const e = performance.getEntriesByName(name, 'measure')[0]; return e ? e.duration : null; };
          const res = { dt, build: m('napkin:build'), draw: m('napkin:draw') };
          host.remove();
          return res;
        }, who);
        if (r < 0) continue;
        if (who === 'napkin') { napkin.push(t.dt); build.push(t.build); draw.push(t.draw); } else uplot.push(t.dt);
      }
    }
    const a = stats(napkin), b = stats(uplot);
    out[n] = { napkin: a, uplot: b, napkin_build: stats(build), napkin_draw: stats(draw), ratio: a.median / b.median };
  }
  await page.context().close();
  const at1m = out[1_000_000];
  return { sizes: out, target_ratio_1m: 0.5, pass: at1m ? at1m.ratio <= 0.5 : null };
}

// ------------------------------------------------------------------------------ B3

/** A Prometheus query_range answer, formatted as Prometheus formats it. */
function promBody(series, samples) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const services = ['gateway', 'inventory', 'transaction', 'credit', 'fraud', 'billing'];
  const parts = [];
  for (let s = 0; s < series; s++) {
    const metric = { service: services[s % 6], instance: `10.0.${s}.1:9090`, job: 'shop', status: String(200 + (s % 4)) };
    const vals = new Array(samples);
    let v = 100 * rnd();
    for (let i = 0; i < samples; i++) {
      v = Math.max(0, v + (rnd() - 0.5));
      vals[i] = `[${1_700_000_000 + i * 15},"${v}"]`;
    }
    parts.push(`{"metric":${JSON.stringify(metric)},"values":[${vals.join(',')}]}`);
  }
  return `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`;
}

async function b3() {
  const series = 24, samples = SMOKE ? 1000 : 11_000;
  const body = promBody(series, samples);
  fs.mkdirSync(path.join(DIST, 'bench-peers'), { recursive: true });
  fs.writeFileSync(path.join(DIST, 'bench-peers', 'query_range.json'), body);
  const page = await benchPage();
  await page.evaluate(async () => {
    window.__b3 = new Uint8Array(await (await fetch('/bench-peers/query_range.json')).arrayBuffer());
  });
  const napkin = [], js = [];
  let counts;
  for (let r = -1; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['napkin', 'js'] : ['js', 'napkin'];
    for (const who of order) {
      await gc(page);
      const t = await page.evaluate((who) => {
        const bytes = window.__b3;
        const t0 = performance.now();
        let n = 0;
        if (who === 'napkin') {
          n = window.wasmBindings.bench_decode(bytes, 15000);
        } else {
          const j = JSON.parse(new TextDecoder().decode(bytes));
          if (j.status !== 'success' || j.data.resultType !== 'matrix') throw new Error('bad answer');
          const out = j.data.result.map((s) => {
            const len = s.values.length, times = new Float64Array(len), values = new Float64Array(len);
            for (let i = 0; i < len; i++) {
              const p = s.values[i];
              times[i] = Math.round(p[0] * 1000);
              values[i] = parseFloat(p[1]);
            }
            return { labels: s.metric, times, values };
          });
          for (const s of out) n += s.values.length;
        }
        return { dt: performance.now() - t0, n };
      }, who);
      if (r < 0) { counts = counts || {}; counts[who] = t.n; continue; }
      (who === 'napkin' ? napkin : js).push(t.dt);
    }
  }
  await page.context().close();
  const a = stats(napkin), b = stats(js);
  return {
    series, samples, bytes: Buffer.byteLength(body), gzip_bytes: zlib.gzipSync(body).length, decoded: counts,
    napkin: a, js: b, speedup: b.median / a.median, target_speedup: 3, pass: b.median / a.median >= 3,
  };
}

// ---------------------------------------------------------------------- B4 and B7

const VIEWPORT_B4 = { width: 2100, height: 1000 }; // full-width panels: step 15 s ⇒ ~2,000 points
const B4_POINTS = 2000, STEP_MS = 15000;

function b4Dashboard(refreshS) {
  const services = ['gateway', 'inventory', 'transaction', 'credit', 'fraud', 'billing'];
  const triples = [];
  for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) for (let c = b + 1; c < 6; c++) triples.push([a, b, c]);
  const panels = [], layout = [];
  for (let i = 0; i < 24; i++) {
    const t = triples[i % triples.length].map((k) => services[k]).join('|');
    const w = i < triples.length ? '1m' : '2m';
    panels.push({
      id: `p${i}`, title: `bench ${i}`, datasource: 'prom', kind: 'timeseries',
      spec: { queries: [{ kind: 'promql', spec: { expr: `sum by (service) (rate(shop_http_requests_total{service=~"${t}"}[${w}]))` } }], unit: 'req_per_sec' },
    });
    layout.push({ panel: `p${i}`, x: 0, y: i * 3, w: 12, h: 3 });
  }
  // Relative range ending now: the backfill ends 5 min ago and covers NAPKIN_PROM_HOURS.
  return { version: 1, title: 'bench B4', time: { kind: 'relative', spec: { last_s: (B4_POINTS * STEP_MS) / 1000 } }, refresh_s: refreshS, panels, layout };
}

const LONGTASKS_INIT = `
  window.__longtasks = [];
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true }); } catch (e) {}
`;

/** In the page: all 24 panels ok and every chart canvas shows a series colour in its middle column. */
function allPaintedInPage(n) {
  const ps = [...document.querySelectorAll('[data-testid="panel"]')];
  if (ps.length < n || !ps.every((p) => p.getAttribute('data-state') === 'ok')) return false;
  for (const p of ps) {
    const c = p.querySelector('canvas[data-testid="chart"]');
    if (!c || !c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(Math.floor(c.width / 2), 0, 1, c.height).data;
    let chroma = false;
    for (let i = 0; i < d.length && !chroma; i += 4) chroma = d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 48;
    if (!chroma) return false;
  }
  return performance.now();
}

async function openB4(refreshS, { trace = false } = {}) {
  const page = await newPage(VIEWPORT_B4);
  await page.context().addInitScript({ content: LONGTASKS_INIT });
  const queries = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/query_range')) queries.push(r.url()); });
  // --profile DIR: the traced run also records a CDP CPU profile (100 µs samples) into
  // DIR/b4.cpuprofile (build with wasm names kept to read wasm frames, see the README).
  const cdp = trace && PROFILE_DIR ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  if (trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink.user_timing'] });
  await page.goto(`${server.url}#json=${encodeURIComponent(JSON.stringify(b4Dashboard(refreshS)))}`);
  // rAF polling: the check reads one pixel column per canvas (cheap next to the work measured).
  const painted = await page.evaluate(
    (src) => new Promise((ok, fail) => {
      const check = new Function('n', `return (${src})(n)`);
      const until = performance.now() + 60000;
      const tick = () => {
        const t = check(24);
        if (t) return ok(t);
        if (performance.now() > until) return fail(new Error('panels not painted within 60 s'));
        requestAnimationFrame(tick);
      };
      tick();
    }),
    allPaintedInPage.toString(),
  );
  const info = await page.evaluate(() => {
    const c = document.querySelector('canvas[data-testid="chart"]');
    // The requests' timeline (resource timing; cross-origin, so start and end only).
    const res = performance.getEntriesByType('resource').map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd }));
    return { longtasks: window.__longtasks.slice(), canvas: c ? [c.width, c.height] : null, res };
  });
  const net = requestTimeline(info.res);
  const longest = info.longtasks.filter(([s]) => s <= painted).reduce((m, [, d]) => Math.max(m, d), 0);
  let traceInfo = null;
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(path.join(PROFILE_DIR, 'b4.cpuprofile'), JSON.stringify(profile));
    await cdp.detach();
  }
  if (trace) {
    const raw = (await browser.stopTracing()).toString();
    if (PROFILE_DIR) fs.writeFileSync(path.join(PROFILE_DIR, 'b4.trace.json'), raw);
    traceInfo = longestTraceTask(JSON.parse(raw), painted);
  }
  // When each task over 50 ms started and how long it ran (ms from navigation), so a long
  // task can be placed against the requests' timeline (start, first query, answers).
  const over50 = info.longtasks.filter(([s, d]) => s <= painted && d > 50).map(([s, d]) => `${Math.round(s)}+${Math.round(d)}`);
  return { page, painted, longest_longtask: longest, longtasks: info.longtasks.length, longtasks_over_50ms_at: over50, canvas: info.canvas, queries: queries.length, net, trace: traceInfo };
}

/** When the wasm arrived, when the first and last panel queries went out and ended, how
 *  many ran at once, and how many exemplar requests shared the connections (ms from navigation). */
function requestTimeline(res) {
  const wasm = res.find((r) => r.url.endsWith('.wasm'));
  const cfg = res.find((r) => r.url.includes('datasources.json'));
  const q = res.filter((r) => r.url.includes('/api/v1/query_range'));
  const ex = res.filter((r) => r.url.includes('/api/v1/query_exemplars'));
  const edges = [...q, ...ex].flatMap((r) => [[r.start, 1], [r.end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0, most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  const r0 = (v) => (v === undefined ? null : Math.round(v));
  const durations = q.map((r) => r.end - r.start).sort((a, b) => a - b);
  return {
    wasm_end_ms: r0(wasm && wasm.end), config_start_ms: r0(cfg && cfg.start), config_end_ms: r0(cfg && cfg.end),
    // 1 when the app's own fetch took index.html's preload (2 would mean it asked again).
    config_requests: res.filter((r) => r.url.includes('datasources.json')).length,
    first_query_ms: r0(Math.min(...q.map((r) => r.start))), last_query_end_ms: r0(Math.max(...q.map((r) => r.end))),
    query_ms_median: r0(durations[Math.floor(durations.length / 2)]), max_in_flight: most, exemplar_requests: ex.length,
    exemplars_before_last_query: ex.filter((r) => r.start < Math.max(...q.map((x) => x.end))).length,
    // Exemplar requests that went out while a panel query had not started yet (took a slot it could have had).
    exemplars_before_last_query_start: ex.filter((r) => r.start < Math.max(...q.map((x) => x.start))).length,
  };
}

/** Longest RunTask on the renderer main thread, and what filled it (top events inside). */
function longestTraceTask(trace, until) {
  const ev = trace.traceEvents || trace;
  // Only the app page's renderer main thread: the trace also holds other renderers
  // (headless Chromium's omnibox-popup WebUI page, "WebUI Top Renderer", ran 70–745 ms
  // tasks while the app loaded, which were counted as the app's before).
  const appNav = ev.find((e) => e.name === 'navigationStart' && e.args && e.args.data && String(e.args.data.documentLoaderURL || '').startsWith(server.url));
  const mains = new Set(ev.filter((e) => e.name === 'thread_name' && e.args && e.args.name === 'CrRendererMain' && (!appNav || (e.pid === appNav.pid && e.tid === appNav.tid))).map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e) => mains.has(`${e.pid}:${e.tid}`);
  const tasks = ev.filter((e) => e.ph === 'X' && e.name === 'RunTask' && onMain(e) && e.dur);
  if (!tasks.length) return null;
  tasks.sort((a, b) => b.dur - a.dur);
  const top = tasks[0];
  const inside = ev.filter((e) => e.ph === 'X' && onMain(e) && e !== top && e.ts >= top.ts && e.ts + (e.dur || 0) <= top.ts + top.dur && e.dur > 1000);
  const byName = {};
  for (const e of inside) {
    const k = e.name === 'FunctionCall' && e.args && e.args.data ? `FunctionCall ${e.args.data.functionName || ''}`.trim() : e.name;
    byName[k] = Math.max(byName[k] || 0, e.dur / 1000);
  }
  const ranked = Object.entries(byName).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
  // Main-thread time from navigation to "all painted", split into rendering (style,
  // layout, paint), garbage collection and the rest (script: wasm + JS + canvas calls).
  const nav = appNav || ev.find((e) => e.name === 'navigationStart' && onMain(e)) || tasks.reduce((a, b) => (a.ts < b.ts ? a : b));
  const end = nav.ts + until * 1000;
  const within = (e) => e.ts >= nav.ts && e.ts <= end && onMain(e) && e.ph === 'X' && e.dur;
  const sum = (re) => ev.filter((e) => within(e) && re.test(e.name)).reduce((a, e) => a + e.dur, 0) / 1000;
  const outer = tasks.filter(within).filter((t) => !tasks.some((o) => o !== t && o.ts <= t.ts && o.ts + o.dur >= t.ts + t.dur));
  const busy = outer.reduce((a, e) => a + e.dur, 0) / 1000;
  const rendering = sum(/^(UpdateLayoutTree|Layout|PrePaint|Paint|Layerize|UpdateLayer|ScheduleStyleRecalculation)$/);
  const gc = sum(/^(MinorGC|MajorGC|V8\.GC_SCAVENGER|BlinkGC\.AtomicPhase)$/);
  const overLong = outer.filter((t) => t.dur > 50000).sort((a, b) => a.ts - b.ts).map((t) => +((t.ts - nav.ts) / 1000).toFixed(0) + '+' + (t.dur / 1000).toFixed(0));
  return {
    longest_ms: top.dur / 1000, over_50ms: overLong.length, inside: ranked, tasks_total: tasks.length,
    main_thread_ms: { busy, rendering, gc, script_and_other: busy - rendering - gc, idle: until - busy }, long_tasks_at_ms: overLong,
  };
}

async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.wasmBindings.bench_wasm_memory());
  await cdp.detach();
  return { js_used: heap.usedSize, js_total: heap.totalSize, wasm, total: heap.usedSize + wasm };
}

async function b4() {
  const runs = [], longest = [], nets = [], over = [];
  let last;
  for (let r = -1; r < RUNS; r++) {
    const res = await openB4(0);
    await res.page.context().close();
    if (r < 0) continue;
    runs.push(res.painted);
    longest.push(res.longest_longtask);
    over.push(res.longtasks_over_50ms_at);
    nets.push(res.net);
    last = res;
  }
  const traced = await openB4(0, { trace: true });
  await traced.page.context().close();
  const st = stats(runs);
  const maxLong = Math.max(...longest);
  return {
    panels: 24, series_per_panel: 3, points_per_series: B4_POINTS, viewport: VIEWPORT_B4, canvas_px: last.canvas, queries: last.queries,
    painted: st, longest_longtask_ms: stats(longest), longtasks_over_50ms_at: over, traced_run: { painted: traced.painted, net: traced.net, ...traced.trace },
    net_runs: nets,
    target_ms: 1000, pass: st.median < 1000 && maxLong <= 50 && (!traced.trace || traced.trace.longest_ms <= 50),
  };
}

async function b7() {
  const open = await openB4(5);
  const page = open.page;
  const before = await memory(page);
  let queries0 = 0;
  page.on('request', (r) => { if (r.url().includes('/api/v1/query_range')) queries0++; });
  // No request pile-up: the queries started but neither finished nor failed, sampled; and
  // no errors: uncaught ones (newPage collects them), console errors, panels in error.
  const inFlight = new Set();
  let maxInFlight = 0;
  const consoleErrors = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/query_range')) { inFlight.add(r); maxInFlight = Math.max(maxInFlight, inFlight.size); } });
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const samples = [];
  const t0 = Date.now();
  // A build with the `alloc-stats` feature (src/io/bench/alloc_stats.rs) also reports, per
  // 5 s window (one refresh round), the live and peak live heap bytes, the phase that made
  // the peak, the largest allocations, and every growth of wasm memory with its cause.
  const readAlloc = () => page.evaluate(() => {
    const b = window.wasmBindings;
    if (!b.bench_alloc_stats) return null;
    const st = JSON.parse(b.bench_alloc_stats());
    b.bench_alloc_window();
    return st;
  });
  const loadAlloc = await readAlloc();
  const alloc = loadAlloc ? { load: loadAlloc, rounds: [] } : null;
  let allocDone = false;
  const allocLoop = (async () => {
    if (!alloc) return;
    while (!allocDone) {
      await new Promise((ok) => setTimeout(ok, 5000));
      if (allocDone) break;
      const st = await readAlloc().catch(() => null);
      if (st) alloc.rounds.push({ s: +((Date.now() - t0) / 1000).toFixed(1), live: st.live, peak: st.peak, peak_phase: st.peak_phase, wasm: st.wasm, phase_peak: st.phase_peak, largest: st.largest.slice(0, 4) });
    }
  })();
  while (Date.now() - t0 < SOAK_S * 1000) {
    await new Promise((ok) => setTimeout(ok, Math.max(1000, Math.min(15000, SOAK_S * 1000 - (Date.now() - t0)))));
    const m = await memory(page);
    samples.push({ s: Math.round((Date.now() - t0) / 1000), js_used: m.js_used, wasm: m.wasm, in_flight: inFlight.size });
  }
  allocDone = true;
  await allocLoop;
  if (alloc) {
    const end = await readAlloc();
    alloc.grows = end.grows;
    alloc.end = { live: end.live, wasm: end.wasm };
  }
  const after = samples.length ? { ...samples[samples.length - 1], total: samples[samples.length - 1].js_used + samples[samples.length - 1].wasm } : before;
  const states = await page.evaluate(() => [...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getAttribute('data-state')));
  await page.context().close();
  const growth = (after.total - before.total) / before.total;
  const errors = [...page.errors, ...consoleErrors, ...states.filter((s) => s === 'error').map(() => 'a panel in error')];
  return {
    soak_s: SOAK_S, refresh_s: 5, refresh_queries: queries0, before, after, samples, growth_pct: 100 * growth,
    alloc,
    panels_ok_after: states.filter((s) => s === 'ok').length,
    errors: errors.slice(0, 20), error_count: errors.length, max_in_flight: maxInFlight, in_flight_end: inFlight.size,
    target_mb: 60,
    pass: before.total <= 60 * 2 ** 20 && after.total <= 60 * 2 ** 20 && growth < 0.1 && errors.length === 0 && maxInFlight <= 24,
  };
}

// ------------------------------------------------------------------------------ B5
// Traces of 10k/50k/100k spans (tests/e2e/lib/trace-fixtures.cjs, OTLP-JSON) opened through
// a waterfall panel's file input in the real app. parse+index: the app's own
// performance.measure "napkin:trace:parse+index" (decode + tree + critical path); first
// paint: from the input's change event to the first animation frame with span rows, and from
// the end of indexing to that frame; scroll: 60 steps of 20 rows, each timed from setting
// scrollTop to the updated rows laid out (script + style + layout, forced synchronously),
// p95; collapse all / expand all: click to the new rows laid out; DOM rows: span-row
// elements; longest task: the longtask observer over the whole open.

const B5_SIZES = SMOKE ? [10_000] : [10_000, 50_000, 100_000];

async function b5Once(file, n) {
  const page = await newPage();
  await page.addInitScript(() => {
    window.__b5 = { longest: 0, change: 0 };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__b5.longest = Math.max(window.__b5.longest, e.duration); }).observe({ type: 'longtask', buffered: true });
    document.addEventListener('change', () => { window.__b5.change = performance.now(); }, true);
    // The first frame with span rows: a mutation observer notices them, the next animation
    // frame is when they are painted.
    new MutationObserver((_, obs) => {
      if (!window.__b5.rowsAt && document.querySelector('[data-testid="span-row"]')) {
        window.__b5.rowsAt = performance.now();
        requestAnimationFrame(() => { window.__b5.paintAt = performance.now(); });
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true });
  });
  const dash = { version: 1, title: 'bench B5', panels: [{ id: 'w', title: 'Trace', datasource: 'demo', kind: 'waterfall', spec: {} }],
    layout: [{ panel: 'w', x: 0, y: 0, w: 12, h: 24 }] };
  await page.goto(`${server.url}?bench#json=${encodeURIComponent(JSON.stringify(dash))}`);
  await page.waitForSelector('[data-testid="trace-panel-file-input"]', { state: 'attached' });
  await page.evaluate(() => { window.__b5.longest = 0; });
  await page.setInputFiles('[data-testid="trace-panel-file-input"]', file);
  await page.waitForFunction((n) => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === String(n) && window.__b5.paintAt, n, { timeout: 120000, polling: 50 });
  const open = await page.evaluate(() => {
    const m = performance.getEntriesByName('napkin:trace:parse+index').pop();
    const indexed = performance.getEntriesByName('napkin:trace:indexed').pop();
    return {
      parse_index: m ? m.duration : null,
      first_paint_from_input: window.__b5.paintAt - window.__b5.change,
      first_paint_after_index: indexed ? window.__b5.paintAt - indexed.startTime : null,
      longest_task: window.__b5.longest,
      dom_rows: document.querySelectorAll('[data-testid="span-row"]').length,
      visible_rows: Number(document.querySelector('[data-testid="waterfall"]').dataset.visibleRows),
    };
  });
  // Scroll: each step's main-thread work until the new rows are laid out.
  const scroll = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="waterfall-rows"]');
    const yieldTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const times = [];
    let maxRows = 0;
    for (let i = 1; i <= 60; i++) {
      await frame();
      const y = i * 20 * 24;
      const t0 = performance.now();
      el.scrollTop = y;
      el.dispatchEvent(new Event('scroll'));
      for (let k = 0; k < 50; k++) {
        const rows = el.querySelectorAll('[data-testid="span-row"]');
        if ([...rows].some((r) => { const t = parseFloat(r.style.top); return t <= el.scrollTop && t + 24 > el.scrollTop; })) break;
        await yieldTask();
      }
      void el.querySelector('[data-testid="span-row"]')?.getBoundingClientRect().top; // style + layout now
      times.push(performance.now() - t0);
      maxRows = Math.max(maxRows, el.querySelectorAll('[data-testid="span-row"]').length);
    }
    times.sort((a, b) => a - b);
    return { p95: times[Math.floor(0.95 * (times.length - 1))], median: times[Math.floor(times.length / 2)], max_dom_rows: maxRows };
  });
  // Collapse all, then expand all: click → rows updated and laid out.
  const toggle = (testid, done) => page.evaluate(async ([testid, done]) => {
    const yieldTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const visible = () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows);
    await new Promise((r) => requestAnimationFrame(() => r()));
    const t0 = performance.now();
    document.querySelector(`[data-testid="${testid}"]`).click();
    for (let k = 0; k < 2000 && !(done === 'one' ? visible() === 1 : visible() > 1); k++) await yieldTask();
    void document.querySelector('[data-testid="span-row"]')?.getBoundingClientRect().top;
    return { ms: performance.now() - t0, dom_rows: document.querySelectorAll('[data-testid="span-row"]').length, visible: visible() };
  }, [testid, done]);
  const collapse = await toggle('trace-collapse-all', 'one');
  const expand = await toggle('trace-expand-all', 'many');
  if (collapse.visible !== 1 || expand.visible !== open.visible_rows) throw new Error(`B5 ${n}: collapse/expand did not finish (${collapse.visible}, ${expand.visible} of ${open.visible_rows})`);
  if (page.errors.length) throw new Error(`B5 ${n}: page errors: ${page.errors.join('; ')}`);
  await page.context().close();
  return { ...open, scroll_p95: scroll.p95, scroll_median: scroll.median, scroll_dom_rows: scroll.max_dom_rows, collapse_all: collapse.ms, expand_all: expand.ms,
    dom_rows_max: Math.max(open.dom_rows, scroll.max_dom_rows, collapse.dom_rows, expand.dom_rows) };
}

async function b5() {
  const { syntheticOtlp } = require('../e2e/lib/trace-fixtures.cjs');
  const runs = Math.min(RUNS, 3);
  const sizes = {};
  for (const n of B5_SIZES) {
    const file = path.join(os.tmpdir(), `napkin-b5-${process.pid}-${n}.json`);
    fs.writeFileSync(file, syntheticOtlp(n, { pad: false, t0Ms: 1767225600000 }));
    const bytes = fs.statSync(file).size;
    try {
      await b5Once(file, n); // warm-up
      const all = [];
      for (let i = 0; i < runs; i++) all.push(await b5Once(file, n));
      const pick = (k) => stats(all.map((r) => r[k]));
      sizes[n] = { bytes, parse_index: pick('parse_index'), first_paint_from_input: pick('first_paint_from_input'), first_paint_after_index: pick('first_paint_after_index'),
        scroll_p95: pick('scroll_p95'), collapse_all: pick('collapse_all'), expand_all: pick('expand_all'), longest_task: pick('longest_task'),
        dom_rows_max: Math.max(...all.map((r) => r.dom_rows_max)), visible_rows: all[0].visible_rows };
    } finally {
      fs.rmSync(file, { force: true });
    }
    const v = sizes[n];
    console.log(`B5 ${n}: parse+index ${fmtStats(v.parse_index)}; first paint ${ms(v.first_paint_from_input.median)} ms from input, ${ms(v.first_paint_after_index.median)} ms after index; scroll p95 ${ms(v.scroll_p95.median)} ms; collapse ${ms(v.collapse_all.median)} / expand ${ms(v.expand_all.median)} ms; ${v.dom_rows_max} DOM rows; longest task ${ms(v.longest_task.median)} ms`);
  }
  const at = (n) => sizes[n] || sizes[B5_SIZES[B5_SIZES.length - 1]];
  const pass = at(50000).parse_index.median <= 250 && at(50000).first_paint_after_index.median <= 300 && at(50000).scroll_p95.median <= 16.7
    && at(50000).collapse_all.median <= 50 && at(50000).expand_all.median <= 50;
  return { sizes, runs, pass };
}

// ------------------------------------------------------------------------------ B6

const B6_ENDPOINTS = 4; // × 500 checks = 2,000 cells (core::health caps 500 checks per endpoint)

/** Health endpoints (IETF health+json, CORS *): every check passes, or after a flip every one fails. */
function startHealthServer(B6_CHECKS) {
  const http = require('node:http');
  const state = { fail: false, hits: 0 };
  const srv = http.createServer((req, res) => {
    state.hits++;
    const checks = {};
    const status = state.fail ? 'fail' : 'pass';
    const time = new Date().toISOString();
    for (let k = 0; k < B6_CHECKS; k++) checks[`dep-${String(k).padStart(3, '0')}`] = [{ status, time }];
    const body = JSON.stringify({ status, checks });
    res.writeHead(state.fail ? 503 : 200, { 'Content-Type': 'application/health+json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok({ state, url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((d) => { srv.closeAllConnections(); srv.close(d); }) })));
}

/** Main-thread tasks between two page times in a trace: each with script vs rendering split. */
function tasksBetween(trace, fromMs, toMs) {
  const ev = trace.traceEvents || trace;
  const mains = new Set(ev.filter((e) => e.name === 'thread_name' && e.args && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e) => mains.has(`${e.pid}:${e.tid}`);
  const mark = ev.find((e) => e.name === 'bench:flip' && onMain(e));
  const nav = ev.find((e) => e.name === 'navigationStart' && onMain(e));
  // Page time 0 = navigationStart's ts; fall back to the flip mark when present.
  const base = mark ? mark.ts - fromMs * 1000 : nav ? nav.ts : 0;
  const lo = base + fromMs * 1000, hi = base + toMs * 1000;
  const tasks = ev.filter((e) => e.ph === 'X' && e.name === 'RunTask' && onMain(e) && e.ts >= lo && e.ts <= hi && e.dur > 1000);
  const top = tasks.filter((t) => !tasks.some((o) => o !== t && o.ts <= t.ts && o.ts + o.dur >= t.ts + t.dur));
  return top.map((t) => {
    const inside = ev.filter((e) => e.ph === 'X' && onMain(e) && e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur);
    // Union of intervals: rendering events nest (e.g. Layout inside UpdateLayoutTree's caller).
    const sum = (re) => {
      const iv = inside.filter((e) => re.test(e.name)).map((e) => [e.ts, e.ts + e.dur]).sort((a, b) => a[0] - b[0]);
      let total = 0, end = -Infinity;
      for (const [a, b] of iv) { if (b <= end) continue; total += b - Math.max(a, end); end = b; }
      return total / 1000;
    };
    const rendering = sum(/^(UpdateLayoutTree|Layout|PrePaint|Paint|Layerize)$/);
    const gc = sum(/^(MinorGC|MajorGC)$/);
    const script = t.dur / 1000 - rendering - gc;
    // On a loaded machine a task's wall time includes time the thread was not running;
    // its thread time (tdur) does not. script_cpu scales script by the on-CPU fraction.
    const onCpu = t.tdur > 0 && t.dur > 0 ? Math.min(1, t.tdur / t.dur) : null;
    return { at_ms: +((t.ts - lo) / 1000).toFixed(1), dur: t.dur / 1000, rendering, gc, script, script_cpu: onCpu === null ? null : script * onCpu };
  }).sort((a, b) => b.dur - a.dur);
}

async function b6(B6_CHECKS) {
  const fx = await startHealthServer(B6_CHECKS);
  const endpoints = [];
  for (let i = 0; i < B6_ENDPOINTS; i++) endpoints.push({ service: `svc${i}`, url: `${fx.url}/h/${i}` });
  server.setDatasources([...(PROM ? [{ name: 'prom', kind: 'prometheus', url: PROM, min_refresh_s: 5 }] : []), { name: 'health', kind: 'health', url: '', endpoints }]);
  const dash = {
    version: 1, title: 'bench B6', refresh_s: 5,
    panels: [{ id: 'hg', title: 'grid', datasource: 'health', kind: 'health_grid', spec: { services: endpoints.map((e) => e.service) } }],
    layout: [{ panel: 'hg', x: 0, y: 0, w: 12, h: 12 }],
  };
  const page = await newPage({ width: 1600, height: 1000 });
  const runs = [];
  try {
    await page.goto(`${server.url}#json=${encodeURIComponent(JSON.stringify(dash))}`, { waitUntil: 'commit' });
    const settled = (want) => page.waitForFunction(
      ([n, want]) => {
        const cs = document.querySelectorAll('[data-testid="health-cell"]');
        return cs.length >= n && [...cs].every((c) => c.getAttribute('data-status') === want) && cs.length;
      },
      [B6_ENDPOINTS * B6_CHECKS, want], { timeout: 60000, polling: 250 });
    const first = await settled('ok').then((h) => h.jsonValue()).catch(async (e) => {
      if (page.isClosed() || page.errors.length) throw new Error(`${e.message.split('\n')[0]}; page errors: ${page.errors.join('; ')}`);
      // A saturated main thread never answers an evaluate: give up after 5 s.
      const seen = await withTimeout(5000, page.evaluate(() => [...new Set([...document.querySelectorAll('[data-testid="health-cell"]')].map((c) => c.getAttribute('data-status')))].join(',') + ` (${document.querySelectorAll('[data-testid="health-cell"]').length} cells)`), 'no answer from the page within 5 s: its main thread is saturated');
      throw new Error(`the health grid never showed all ${B6_ENDPOINTS * B6_CHECKS} cells ok within 60 s (polls answered: ${fx.state.hits}); page: ${seen}`);
    });
    // --profile DIR: the flips also record a CDP CPU profile (100 µs samples) into
    // DIR/b6-<cells>.cpuprofile (build with wasm names kept to read wasm frames).
    const cdp = PROFILE_DIR ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    for (let r = -1; r < RUNS; r++) {
      const want = fx.state.fail ? 'ok' : 'fail';
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing'] });
      // A MutationObserver records when the last cell changed; the flip is marked in the trace.
      const from = await page.evaluate(([n, want]) => {
        // The observer runs inside the update tasks it measures, so it keeps a set of cells
        // not yet showing `want` and reads only the changed cells; it recounts every cell
        // only when cells are added or removed (cells may be replaced, not updated).
        window.__b6 = new Promise((ok) => {
          const sel = '[data-testid="health-cell"]';
          const pending = new Set();
          const known = new WeakSet();
          const recount = () => { pending.clear(); for (const c of document.querySelectorAll(sel)) { known.add(c); if (c.getAttribute('data-status') !== want) pending.add(c); } };
          // A row moved in the page (removed and added again, still connected, its cells
          // already known) changes no cell: only new or removed cells call for a recount.
          const holdsCells = (nodes) => {
            for (const x of nodes) {
              if (x.nodeType !== 1) continue;
              const c = x.matches(sel) ? x : x.querySelector(sel);
              if (c && !(x.isConnected && known.has(c))) return true;
            }
            return false;
          };
          recount();
          const mo = new MutationObserver((records) => {
            let replaced = false;
            for (const r of records) {
              if (r.type === 'attributes') {
                if (r.target.getAttribute('data-status') === want) pending.delete(r.target); else if (r.target.matches(sel)) pending.add(r.target);
              } else if (!replaced && (holdsCells(r.addedNodes) || holdsCells(r.removedNodes))) replaced = true;
            }
            if (replaced) recount();
            if (pending.size === 0 && document.querySelectorAll(sel).length >= n) { mo.disconnect(); ok(performance.now()); }
          });
          mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        });
        performance.mark('bench:flip');
        return performance.now();
      }, [B6_ENDPOINTS * B6_CHECKS, want]);
      fx.state.fail = !fx.state.fail;
      const to = await withTimeout(30000, page.evaluate(() => window.__b6), null);
      if (to === null) {
        const seen = await withTimeout(5000, page.evaluate(() => JSON.stringify([...document.querySelectorAll('[data-testid="health-cell"]')].reduce((m, c) => ((m[c.getAttribute('data-status')] = (m[c.getAttribute('data-status')] || 0) + 1), m), {}))), '(page does not answer)');
        await browser.stopTracing().catch(() => {});
        throw new Error(`after flipping every check to "${want}", not every cell showed it within 30 s (polls answered: ${fx.state.hits}); cells by data-status: ${seen}`);
      }
      await page.waitForTimeout(300); // the paint after the last change
      const trace = JSON.parse((await browser.stopTracing()).toString());
      const tasks = tasksBetween(trace, from, to + 300);
      if (r < 0) continue;
      // The app updates once per endpoint answer (polls are jittered), so "every status
      // changes" is B6_ENDPOINTS updates of B6_CHECKS cells; their script times are summed.
      // The update tasks are the ones with the most script (a frame's rendering task is not one).
      const updates = [...tasks].sort((a, b) => b.script - a.script).slice(0, B6_ENDPOINTS);
      runs.push({
        script_cpu_total: updates.every((t) => t.script_cpu !== null) ? updates.reduce((a, t) => a + t.script_cpu, 0) : null,
        to_all_changed_ms: to - from,
        script_total: updates.reduce((a, t) => a + t.script, 0),
        script_max_update: Math.max(...updates.map((t) => t.script)),
        // Style, layout and paint of the change run in the frames after the update tasks, so
        // they are summed over every task from the flip to the paint after the last change.
        rendering_total: tasks.reduce((a, t) => a + t.rendering, 0),
        tasks: updates,
      });
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(PROFILE_DIR, { recursive: true });
      fs.writeFileSync(path.join(PROFILE_DIR, `b6-${first}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    }
    return {
      cells: first, endpoints: B6_ENDPOINTS, checks_per_endpoint: B6_CHECKS, polls: fx.state.hits,
      script_total: stats(runs.map((x) => x.script_total)), script_max_update: stats(runs.map((x) => x.script_max_update)),
      rendering_total: stats(runs.map((x) => x.rendering_total)), runs,
      script_cpu_total: runs.every((x) => x.script_cpu_total !== null) ? stats(runs.map((x) => x.script_cpu_total)) : null,
      target_script_ms: 8, pass: stats(runs.map((x) => x.script_total)).median <= 8,
    };
  } finally {
    await withTimeout(5000, page.context().close(), '').catch(() => {});
    await fx.close();
  }
}

// ------------------------------------------------------------------------------ main

function withTimeout(msLimit, promise, what) {
  let timer;
  return Promise.race([promise, new Promise((ok) => (timer = setTimeout(() => ok(what), msLimit)))]).finally(() => clearTimeout(timer));
}

function git(...a) {
  try { return require('node:child_process').execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return '?'; }
}

function exists(p) { return fs.existsSync(path.join(ROOT, p)); }

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no release build in ${DIST}`);
  // uPlot, served by the bench server from the bench's own dist (never loaded by B1).
  const uplotDir = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  fs.mkdirSync(path.join(DIST, 'bench-peers'), { recursive: true });
  for (const f of ['uPlot.iife.min.js', 'uPlot.min.css']) fs.copyFileSync(path.join(uplotDir, f), path.join(DIST, 'bench-peers', f));
  const uplotVersion = require('uplot/package.json').version;

  const datasources = PROM ? [{ name: 'prom', kind: 'prometheus', url: PROM, min_refresh_s: 5 }] : [];
  server = await startServer(DIST, { datasources });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'], headless: true, timeout: 60000 });
  const result = {
    date: new Date().toISOString(), chromium: browser.version(), machine: machine(), uplot: uplotVersion,
    runs: RUNS, smoke: SMOKE, commit: git('rev-parse', '--short', 'HEAD'), dirty_tree: git('status', '--porcelain', '--untracked-files=no') !== '',
    loadavg_start: os.loadavg().map((x) => +x.toFixed(2)), scenarios: {},
  };
  console.log(`Chromium ${result.chromium}; ${result.machine.nproc} × ${result.machine.model}; ${RUNS} runs per scenario (+1 warm-up)`);
  const S = result.scenarios;
  const run = async (id, fn, na) => {
    if (!ONLY.includes(id)) return;
    if (na) { S[id] = { na }; console.log(`${id}: ${na}`); return; }
    const t = Date.now();
    try {
      S[id] = await fn();
    } catch (e) {
      S[id] = { error: String(e.stack || e) };
    }
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify(result, null, 1));
    console.log(`${id}: done in ${((Date.now() - t) / 1000).toFixed(1)} s${S[id].error ? ` — ERROR ${S[id].error.split('\n')[0]}` : ''}`);
  };
  const noProm = PROM ? null : 'n/a (no test Prometheus: run through ./napkin bench)';
  await run('B1', b1);
  await run('B2', b2);
  await run('B3', b3);
  await run('B4', b4, noProm);
  await run('B5', b5, exists('src/ui/trace') ? null : 'n/a (needs #4)');
  // B7 before B6: a saturated B6 page would keep burning CPU during the soak.
  await run('B7', b7, noProm);
  const b6both = async () => {
    // 200 cells first (scaling evidence), then the target's 2,000; each bounded in time.
    const small = await withTimeout(150000, b6(50).catch((e) => ({ error: String(e.message || e) })), { error: 'no result within 150 s' });
    const full = await withTimeout(150000, b6(500).catch((e) => ({ error: String(e.message || e) })), { error: 'no result within 150 s (renderer main thread saturated)' });
    return { small, ...full, ...(full.error ? { error: undefined, failed: full.error, pass: false } : {}) };
  };
  await run('B6', b6both, exists('src/ui/health.rs') ? null : 'n/a (needs #5)');
  await browser.close();
  await server.close();
  result.loadavg_end = os.loadavg().map((x) => +x.toFixed(2));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(result, null, 1));
  console.log('\n' + table(result));
  console.log(`\nJSON: ${OUT}`);
  const errors = Object.entries(S).filter(([, v]) => v.error);
  if (errors.length) {
    for (const [k, v] of errors) console.error(`${k} failed: ${v.error}`);
    process.exit(1);
  }
}

function table(r) {
  const S = r.scenarios, rows = [];
  const verdict = (p) => (p === true ? 'met' : p === false ? '**missed**' : '–');
  const row = (id, what, value, target, pass) => rows.push(`| ${id} | ${what} | ${value} | ${target} | ${verdict(pass)} |`);
  const bad = (id) => S[id] && (S[id].na || (S[id].error && `error: ${S[id].error.split('\n')[0]}`));
  if (S.B1) bad('B1') ? row('B1', 'first-paint bytes', bad('B1'), '≤ 300 KB gzip', null)
    : row('B1', `first-paint bytes (${S.B1.files.map((f) => path.basename(f.file)).join(', ')})`, `${kb(S.B1.gzip)} gzip, ${kb(S.B1.brotli)} brotli (${kb(S.B1.raw)} raw)`, '≤ 300 KB gzip', S.B1.pass);
  if (S.B2) {
    if (bad('B2')) row('B2', 'series → painted', bad('B2'), '≤ 0.5× uPlot at 1M', null);
    else for (const [n, v] of Object.entries(S.B2.sizes)) {
      row('B2', `${Number(n).toLocaleString('en')} points → painted: Napkin (build ${ms(v.napkin_build.median)} + draw ${ms(v.napkin_draw.median)}) vs uPlot ${r.uplot}`,
        `${fmtStats(v.napkin)} vs ${fmtStats(v.uplot)} = **${v.ratio.toFixed(2)}×**`, n === '1000000' ? '≤ 0.5×' : '(info)', n === '1000000' ? S.B2.pass : null);
    }
  }
  if (S.B3) bad('B3') ? row('B3', 'decode query_range', bad('B3'), '≥ 3× faster', null)
    : row('B3', `decode ${S.B3.series}×${S.B3.samples.toLocaleString('en')} query_range (${kb(S.B3.bytes)}, ${kb(S.B3.gzip_bytes)} gzip): Napkin vs JSON.parse + Float64Arrays`,
      `${fmtStats(S.B3.napkin)} vs ${fmtStats(S.B3.js)} = **${S.B3.speedup.toFixed(2)}× faster**`, '≥ 3×', S.B3.pass);
  if (S.B4) bad('B4') ? row('B4', '24 panels × 3 × 2,000 on Prometheus', bad('B4'), '< 1 s; no task > 50 ms', null)
    : row('B4', `24 panels × 3 series × ~2,000 points, real Prometheus (${S.B4.queries} queries): navigation → all painted; longest task`,
      `${fmtStats(S.B4.painted)}; longest task ${S.B4.traced_run.longest_ms ? ms(S.B4.traced_run.longest_ms) : '?'} ms (trace), ${S.B4.traced_run.over_50ms ?? '?'} tasks > 50 ms; longtask max median ${ms(S.B4.longest_longtask_ms.median)} ms, longtasks > 50 ms per run ${(S.B4.longtasks_over_50ms_at || []).map((r) => r.length).join('/')}`,
      '< 1 s; no task > 50 ms', S.B4.pass);
  if (S.B5) {
    if (bad('B5')) row('B5', 'traces 10k/50k/100k spans', bad('B5'), '≤ 250/300/16.7/50 ms at 50k', null);
    else for (const [n, v] of Object.entries(S.B5.sizes)) {
      row('B5', `${Number(n).toLocaleString('en')}-span OTLP file (${mb(v.bytes)}): parse+index; first paint after index (from input); scroll p95; collapse/expand all; DOM rows; longest task`,
        `${fmtStats(v.parse_index)}; ${ms(v.first_paint_after_index.median)} (${ms(v.first_paint_from_input.median)}) ms; ${ms(v.scroll_p95.median)} ms; ${ms(v.collapse_all.median)}/${ms(v.expand_all.median)} ms; ${v.dom_rows_max}; ${ms(v.longest_task.median)} ms`,
        n === '50000' ? '≤ 250; ≤ 300; ≤ 16.7; ≤ 50 ms' : '(info)', n === '50000' ? S.B5.pass : null);
    }
  }
  const b6small = (x) => (!x ? '' : x.error ? `; 200 cells: ${x.error}` : `; at 200 cells: script ${fmtStats(x.script_total)}, rendering ${ms(x.rendering_total.median)} ms`);
  if (S.B6 && S.B6.failed) row('B6', 'health grid 2,000 cells (4 endpoints × 500 checks), every status flips', `${S.B6.failed}${b6small(S.B6.small)}`, 'script ≤ 8 ms', false);
  else if (S.B6) bad('B6') ? row('B6', 'health grid 2,000 cells, all change', bad('B6'), 'script ≤ 8 ms', null)
    : row('B6', `health grid ${S.B6.cells} cells (${S.B6.endpoints} endpoints × ${S.B6.checks_per_endpoint} checks), every status flips: script summed over the ${S.B6.endpoints} updates (largest update; style+layout+paint)`,
      `${fmtStats(S.B6.script_total)} (largest ${ms(S.B6.script_max_update.median)} ms; on-CPU script ${S.B6.script_cpu_total ? ms(S.B6.script_cpu_total.median) + ' ms' : '–'}; rendering ${ms(S.B6.rendering_total.median)} ms)${b6small(S.B6.small)}`, 'script ≤ 8 ms', S.B6.pass);
  if (S.B7) bad('B7') ? row('B7', 'memory after B4 and soak', bad('B7'), '≤ 60 MB; growth < 10%', null)
    : row('B7', `JS heap + wasm memory after B4, then ${S.B7.soak_s} s of 5 s refresh (${S.B7.refresh_queries} queries)`,
      `${mb(S.B7.before.js_used)} JS + ${mb(S.B7.before.wasm)} wasm = ${mb(S.B7.before.total)} → ${mb(S.B7.after.total)} (**${S.B7.growth_pct >= 0 ? '+' : ''}${S.B7.growth_pct.toFixed(1)}%**); ${S.B7.error_count} errors; at most ${S.B7.max_in_flight} queries in flight`,
      '≤ 60 MB; growth < 10%; 0 errors; ≤ 24 in flight', S.B7.pass);
  return [
    `Chromium ${r.chromium}, ${r.machine.nproc} × ${r.machine.model}, load average ${r.loadavg_start[0]} at start / ${r.loadavg_end[0]} at end, commit ${r.commit}${r.dirty_tree ? ' + uncommitted changes' : ''}; ${r.runs} runs each (median, min–max)`,
    '',
    '| # | Scenario | Measured | Target | |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

main().catch(async (e) => {
  console.error(e.stack || e);
  if (browser) await browser.close().catch(() => {});
  if (server) await server.close().catch(() => {});
  process.exit(1);
});
