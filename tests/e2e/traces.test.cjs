'use strict';
// End-to-end tests of traces (issue #4): waterfall and trace search panels against a REAL
// HTTP server of trace backends (lib/trace-fixtures.cjs: Jaeger v1 and api_v3, Tempo,
// Zipkin, serving the unchanged upstream payloads on their real routes), the demo
// datasource, and trace files opened through the picker (including a 25 MB synthetic one).
// Hooks: waterfall, span-row, trace-summary, trace-find, span-detail, trace-file-input,
// trace-result (README.md).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, waitFor, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startTraceFixtures, syntheticOtlp, IDS, UPSTREAM } = require('./lib/trace-fixtures.cjs');

const T = { timeout: TEST_TIMEOUT_MS };

let env;
let fx;
before(async () => {
  fx = await startTraceFixtures();
  env = await setup({
    datasources: [
      { name: 'j1', kind: 'jaeger', url: `${fx.url}/j1`, timeout_ms: 5000 },
      { name: 'j3', kind: 'jaeger', url: `${fx.url}/j3`, timeout_ms: 5000 },
      { name: 'tempo', kind: 'tempo', url: `${fx.url}/tempo`, timeout_ms: 5000 },
      { name: 'zipkin', kind: 'zipkin', url: `${fx.url}/zipkin`, timeout_ms: 5000 },
      // "Open logs" templates: one good (with a tile variant), one with a hostile scheme.
      { name: 'logs', kind: 'link', label: 'Open logs', url: 'https://logs.example/search?trace={trace_id}&span={span_id}&service={service}&from={start}&to={end}',
        tile_url: 'https://logs.example/tile?service={service}&from={start_ms}&to={end_ms}' },
      { name: 'evil', kind: 'link', url: 'javascript:alert({trace_id})//' },
    ],
  });
});
after(async () => {
  if (env) await env.teardown();
  if (fx) await fx.close();
});

function board(title, panels) {
  return {
    version: 1,
    title,
    time: { kind: 'relative', spec: { last_s: 3600 } },
    panels,
    layout: panels.map((p, i) => ({ panel: p.id, x: 0, y: i * 10, w: 12, h: 10 })),
  };
}

function waterfall(datasource, spec, id = 'w') {
  return { id, title: 'Trace', datasource, kind: 'waterfall', spec };
}

/** The summary's and waterfall's hooks, and the painted rows. */
async function readWaterfall(page) {
  return page.evaluate(() => {
    const s = document.querySelector('[data-testid="trace-summary"]');
    const w = document.querySelector('[data-testid="waterfall"]');
    const rows = [...document.querySelectorAll('[data-testid="span-row"]')].map((r) => ({
      id: r.dataset.spanId, depth: Number(r.dataset.depth), service: r.dataset.service, error: r.dataset.error,
      critical: r.dataset.critical, collapsed: r.dataset.collapsed,
    }));
    return {
      spans: s && Number(s.dataset.spanCount), services: s && Number(s.dataset.serviceCount), errors: s && Number(s.dataset.errorCount),
      root: s && s.dataset.root, durationUs: s && Number(s.dataset.durationUs), loadMs: s && Number(s.dataset.loadMs),
      spanCount: w && Number(w.dataset.spanCount), visibleRows: w && Number(w.dataset.visibleRows), rows,
    };
  });
}

async function openWaterfall(page, datasource, traceId) {
  await page.goto(jsonLink(env.url, board(`trace ${datasource}`, [waterfall(datasource, { trace_id: traceId })])));
  await waitFor(page, `summary for ${datasource}`, () => !!document.querySelector('[data-testid="trace-summary"]') || !!document.querySelector('[data-testid="trace-error"]'));
  return readWaterfall(page);
}

test('opens a trace by id on Jaeger v1, Jaeger api_v3, Tempo and Zipkin', T, async () => {
  const cases = [
    { ds: 'j1', id: IDS.j1, spans: 5, services: 2, errors: 1, root: 'test-general-conversion' },
    { ds: 'j3', id: IDS.j3, spans: 1, services: 0, errors: 1, root: 'foobar' },
    { ds: 'tempo', id: IDS.tempo, spans: 15, services: 2, errors: 3, root: 'requester' },
    { ds: 'zipkin', id: IDS.zipkin, spans: 175, services: 8, errors: 2, root: 'get /oauth/authorize' },
  ];
  const page = await env.newPage();
  for (const c of cases) {
    const w = await openWaterfall(page, c.ds, c.id);
    assert.deepEqual([w.spans, w.services, w.errors, w.root], [c.spans, c.services, c.errors, c.root], c.ds);
    assert.equal(w.spanCount, c.spans, `${c.ds} data-span-count`);
    assert.ok(w.rows.length > 0 && w.rows.length <= 60, `${c.ds}: ${w.rows.length} rows painted (virtualised)`);
    assert.ok(w.rows.every((r) => r.error === 'true' || r.error === 'false'), c.ds);
    assert.ok(w.rows.some((r) => r.critical === 'true'), `${c.ds}: critical path marked`);
    if (c.errors > 0 && c.spans < 20) assert.ok(w.rows.some((r) => r.error === 'true'), `${c.ds}: an error row`);
    console.log(`# ${c.ds}: ${c.spans} spans, ${w.rows.length} rows in the DOM, loaded in ${w.loadMs} ms`);
  }
  // Tempo services and the Zipkin depth structure come from the files themselves.
  const tempo = await openWaterfall(page, 'tempo', IDS.tempo);
  assert.deepEqual([...new Set(tempo.rows.map((r) => r.service))].sort(), ['mythical-requester', 'mythical-server']);
  assert.equal(tempo.rows[0].depth, 0);
  assert.ok(tempo.rows.some((r) => r.depth > 0));
  // The Jaeger v1 datasource was detected by trying api_v3 first.
  assert.ok(fx.requests.includes('/j1/api/v3/services') && fx.requests.some((r) => r.startsWith('/j1/api/traces/')));
  assert.ok(fx.requests.some((r) => r.startsWith('/j3/api/v3/traces/')));
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('backend error shapes become readable panel errors', T, async () => {
  const page = await env.newPage();
  for (const [ds, id, text] of [['j1', 'aaaaaaaaaaaaaaaa', 'trace not found'], ['j3', 'bbbbbbbbbbbbbbbb', 'has no trace'], ['tempo', 'cccccccccccccccc', 'trace not found'], ['zipkin', 'dddddddddddddddd', 'Cannot find trace']]) {
    await page.goto(jsonLink(env.url, board(`err ${ds}`, [waterfall(ds, { trace_id: id })])));
    const msg = await waitFor(page, `error on ${ds}`, () => document.querySelector('[data-testid="trace-error"]')?.textContent);
    assert.ok(msg.includes(text), `${ds}: ${msg}`);
  }
  await page.context().close();
});

test('open trace accepts base64 and traceparent; find, keyboard and span detail work', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('open', [waterfall('tempo', {})])));
  await page.fill('[data-testid="trace-open-input"]', IDS.tempoBase64);
  await page.click('[data-testid="trace-open"]');
  await waitFor(page, 'tempo trace from base64', () => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === '15');
  // traceparent with the same trace id
  await page.fill('[data-testid="trace-open-input"]', `00-${IDS.tempo}-00f067aa0ba902b7-01`);
  await page.click('[data-testid="trace-open"]');
  await waitFor(page, 'tempo trace from traceparent', () => document.querySelector('[data-testid="trace-summary"]')?.dataset.traceId === 'e8b6dff9f8d44b28f1b22bc3bd2f6768');
  // find
  await page.fill('[data-testid="trace-find"]', 'mythical-server');
  const found = await waitFor(page, 'find count', () => Number(document.querySelector('[data-testid="trace-find-count"]')?.dataset.count) || 0);
  assert.ok(found > 0 && found < 15, `found ${found}`);
  // keyboard: focus rows, move down twice, Enter opens the detail of that span
  await page.focus('[data-testid="waterfall-rows"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = await waitFor(page, 'span detail', () => document.querySelector('[data-testid="span-detail"]')?.dataset.spanId);
  const second = await page.evaluate(() => document.querySelectorAll('[data-testid="span-row"]')[1].dataset.spanId);
  assert.equal(detail, second);
  const raw = await page.textContent('[data-testid="span-raw"]');
  assert.equal(JSON.parse(raw).spanId, second);
  // the selection travels in the URL
  assert.ok(decodeURIComponent(page.url()).length > 0);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('collapse/expand changes the visible rows and travels through a share link', T, async () => {
  const page = await env.newPage();
  const before = await openWaterfall(page, 'zipkin', IDS.zipkin);
  assert.equal(before.visibleRows, 175 - 0 < 175 ? before.visibleRows : before.visibleRows); // folding may shorten
  const rootId = before.rows[0].id;
  await page.click(`[data-testid="span-row"][data-span-id="${rootId}"] [data-testid="span-toggle"]`);
  await waitFor(page, 'collapsed root', (id) => document.querySelector(`[data-testid="span-row"][data-span-id="${id}"]`)?.dataset.collapsed === 'true', rootId);
  const collapsed = await readWaterfall(page);
  assert.ok(collapsed.visibleRows < before.visibleRows, `${collapsed.visibleRows} < ${before.visibleRows}`);
  assert.equal(collapsed.visibleRows, 1);
  // The fragment follows the dashboard: open the link in a NEW context.
  await waitFor(page, 'url updated', () => location.hash.length > 10);
  const link = page.url();
  const other = await env.newPage();
  await other.goto(link);
  await waitFor(other, 'collapsed root in a new context', () => document.querySelector('[data-testid="span-row"]')?.dataset.collapsed === 'true');
  const reopened = await readWaterfall(other);
  assert.equal(reopened.visibleRows, 1);
  assert.equal(reopened.rows[0].id, rootId);
  // expand all brings every row back
  await other.click('[data-testid="trace-expand-all"]');
  await waitFor(other, 'expanded', (n) => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) === n, before.visibleRows);
  // collapse all, then expand to depth 1
  await other.click('[data-testid="trace-collapse-all"]');
  await waitFor(other, 'collapse all', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) === 1);
  await other.selectOption('[data-testid="trace-depth"]', '1');
  await waitFor(other, 'depth 1', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) > 1);
  const d1 = await readWaterfall(other);
  assert.ok(d1.rows.every((r) => r.depth <= 1), 'depth <= 1');
  assert.deepEqual(uncaught(page), []);
  assert.deepEqual(uncaught(other), []);
  await page.context().close();
  await other.context().close();
});

test('the page-wide trace-file-input opens a trace file on any page with no further click', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  assert.equal(await page.locator('[data-testid="trace-file-input"]').count(), 1, 'exactly one, present before any click');
  await page.setInputFiles('[data-testid="trace-file-input"]', path.join(UPSTREAM, 'zipkin', 'messaging-kafka.json'));
  await waitFor(page, 'file summary', () => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === '28');
  await waitFor(page, 'rows painted', () => document.querySelectorAll('[data-testid="span-row"]').length > 0);
  await page.context().close();
});

test('opens a Zipkin file through the picker, and says a file cannot travel in a link', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('file', [waterfall('demo', {})])));
  await page.setInputFiles('[data-testid="trace-panel-file-input"]', path.join(UPSTREAM, 'zipkin', 'messaging-kafka.json'));
  await waitFor(page, 'file summary', () => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === '28');
  const w = await readWaterfall(page);
  assert.deepEqual([w.spans, w.services, w.errors, w.root], [28, 2, 3, 'poll']);
  const note = await page.textContent('[data-testid="trace-file-note"]');
  assert.match(note, /messaging-kafka\.json/);
  // A new context has no file: the panel says which file to open.
  const other = await env.newPage();
  await waitFor(page, 'url updated', () => location.hash.length > 10);
  await other.goto(page.url());
  const need = await waitFor(other, 'need file', () => document.querySelector('[data-testid="trace-file-note"][data-need-file="true"]')?.textContent);
  assert.match(need, /messaging-kafka\.json/);
  await page.context().close();
  await other.context().close();
});

test('a 25 MB trace file shows read progress, then parses; DOM rows stay bounded', T, async () => {
  const file = path.join(os.tmpdir(), `napkin-synthetic-${process.pid}.json`);
  const n = 65000; // ≈ 25 MB of OTLP JSON
  const body = syntheticOtlp(n);
  fs.writeFileSync(file, body);
  const mb = body.length / 1048576;
  const page = await env.newPage();
  await page.addInitScript(() => {
    window.__longest = 0;
    window.__progressSeen = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask', buffered: true });
    new MutationObserver(() => { if (document.querySelector('[data-testid="trace-file-progress"]')) window.__progressSeen++; }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(jsonLink(env.url, board('big', [waterfall('demo', {})])));
  await waitFor(page, 'waterfall', () => !!document.querySelector('[data-testid="trace-panel-file-input"]'));
  await page.evaluate(() => { window.__longest = 0; });
  const t0 = Date.now();
  await page.setInputFiles('[data-testid="trace-panel-file-input"]', file);
  await waitFor(page, 'big summary', (n) => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === String(n), n, 120000);
  const openMs = Date.now() - t0;
  const w = await readWaterfall(page);
  const progress = await page.evaluate(() => window.__progressSeen);
  const longest = await page.evaluate(() => window.__longest);
  assert.ok(progress > 0, 'progress was shown');
  assert.ok(w.rows.length > 0 && w.rows.length < 100, `${w.rows.length} rows in the DOM for ${n} spans`);
  // collapse/expand at this size
  const t1 = Date.now();
  await page.click('[data-testid="trace-collapse-all"]');
  await waitFor(page, 'collapsed big', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) < 100, undefined, 60000);
  const collapseMs = Date.now() - t1;
  const t2 = Date.now();
  await page.click('[data-testid="trace-expand-all"]');
  await waitFor(page, 'expanded big', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) > 1000, undefined, 60000);
  const expandMs = Date.now() - t2;
  const rows = await page.evaluate(() => document.querySelectorAll('[data-testid="span-row"]').length);
  console.log(`# ${n} spans, ${mb.toFixed(1)} MB: opened (read+parse+index+first paint) in ${openMs} ms, parse+index ${w.loadMs} ms, longest main-thread task ${longest.toFixed(0)} ms, collapse all ${collapseMs} ms, expand all ${expandMs} ms, ${rows} DOM rows`);
  assert.ok(rows < 100);
  fs.unlinkSync(file);
  await page.context().close();
});

test('demo traces: the search lists results and a click opens the failing checkout waterfall', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('demo traces', [{ id: 's', title: 'Search', datasource: 'demo', kind: 'trace_search', spec: { tags: 'error=true' } }])));
  const count = await waitFor(page, 'demo results', () => document.querySelectorAll('[data-testid="trace-result"]').length);
  assert.ok(count > 0);
  const dots = await page.evaluate(() => document.querySelectorAll('[data-testid="trace-dot"]').length);
  assert.equal(dots, count);
  assert.ok(await page.evaluate(() => [...document.querySelectorAll('[data-testid="trace-result"]')].every((r) => Number(r.dataset.errorCount) > 0)));
  await page.click('[data-testid="trace-result"] button');
  await waitFor(page, 'demo waterfall', () => Number(document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount) > 3);
  const w = await readWaterfall(page);
  assert.ok(w.errors > 0);
  assert.equal(w.rows[0].service, 'gateway');
  assert.ok(w.rows.some((r) => r.error === 'true'));
  // Follow the root span to its service's metrics for the span's window.
  await page.focus('[data-testid="waterfall-rows"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await waitFor(page, 'span detail', () => !!document.querySelector('[data-testid="span-detail"]'));
  await page.click('[data-testid="span-metrics"]');
  await waitFor(page, 'the gateway metrics dashboard', () => document.querySelector('.nk-title')?.innerText === 'gateway metrics');
  await waitFor(page, 'its panels have data', () =>
    [...document.querySelectorAll('[data-testid="panel"]')].filter((p) => p.dataset.state === 'ok').length >= 6,
  );
  assert.equal(await page.getAttribute('[data-testid="time-range"]', 'data-live'), 'false', 'the span window is a fixed range');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('trace search on Jaeger v1, Zipkin and Tempo lists results and opens a waterfall', T, async () => {
  const page = await env.newPage();
  for (const [ds, spec, spans] of [['j1', { service: 'service-x' }, '5'], ['zipkin', {}, '175'], ['tempo', { traceql: '{ status = error }' }, '15']]) {
    await page.goto(jsonLink(env.url, board(`search ${ds}`, [{ id: 's', title: 'Search', datasource: ds, kind: 'trace_search', spec }])));
    await waitFor(page, `${ds} results`, () => document.querySelectorAll('[data-testid="trace-result"]').length > 0);
    await page.click('[data-testid="trace-result"] button');
    await waitFor(page, `${ds} waterfall`, (n) => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === n, spans);
  }
  // Jaeger v1 without a service: the backend's own error, readable.
  await page.goto(jsonLink(env.url, board('search err', [{ id: 's', title: 'Search', datasource: 'j1', kind: 'trace_search', spec: {} }])));
  const err = await waitFor(page, 'search error', () => document.querySelector('[data-testid="trace-search-error"]')?.textContent);
  assert.match(err, /service/);
  assert.ok(fx.requests.some((r) => r.startsWith('/tempo/api/search?q=')));
  await page.context().close();
});

test('a stored old link with an explicit collapsed id list opens with those spans collapsed', T, async () => {
  const link = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'links', 'v1-waterfall-collapsed.txt'), 'utf8').trim();
  const page = await env.newPage();
  await page.goto(`${env.url}#${link}`);
  const parent = 'b69b3db88ffa3212';
  const child = '54456c991996a6c7'; // under `parent`, selected in the link
  await waitFor(page, 'trace loaded', () => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === '175');
  assert.equal(await waitFor(page, 'detail', () => document.querySelector('[data-testid="span-detail"]')?.dataset.spanId), child, 'the selection is kept');
  const collapsedRows = Number(await page.getAttribute('[data-testid="waterfall"]', 'data-visible-rows'));
  // Without folding of repeated siblings, find scrolls the parent's row into the painted
  // window: it is collapsed.
  await page.uncheck('[data-testid="trace-fold"]');
  await waitFor(page, 'unfolded', (n) => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) > n, collapsedRows);
  await page.fill('[data-testid="trace-find"]', parent);
  await page.press('[data-testid="trace-find"]', 'Enter');
  await waitFor(page, 'collapsed parent', (id) => document.querySelector(`[data-testid="span-row"][data-span-id="${id}"]`)?.dataset.collapsed === 'true', parent);
  await page.fill('[data-testid="trace-find"]', child);
  await page.press('[data-testid="trace-find"]', 'Enter');
  assert.equal(await page.getAttribute('[data-testid="trace-find-count"]', 'data-count'), '2', 'a Zipkin shared client/server pair');
  assert.equal(await page.locator(`[data-testid="span-row"][data-span-id="${child}"]`).count(), 0, 'the collapsed parent hides its child');
  await page.click('[data-testid="trace-expand-all"]');
  await waitFor(page, 'more rows', (n) => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) > n, collapsedRows + 1);
  await page.press('[data-testid="trace-find"]', 'Enter');
  await waitFor(page, 'child shown', (id) => !!document.querySelector(`[data-testid="span-row"][data-span-id="${id}"]`), child);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('Open logs: span detail and KPI tiles link through link datasources, only over http(s)', T, async () => {
  const page = await env.newPage();
  const tile = { id: 'k', title: 'Checkout rate', datasource: 'demo', kind: 'kpi',
    spec: { query: { kind: 'metric', spec: { metric: 'http_requests_total', matchers: [{ label: 'service', value: 'check out&x=1' }], fn: 'rate' } } } };
  await page.goto(jsonLink(env.url, board('logs', [tile])));
  const tileHref = await waitFor(page, 'tile logs link', () => document.querySelector('[data-testid="open-logs"]')?.getAttribute('href'));
  assert.match(tileHref, /^https:\/\/logs\.example\/tile\?service=check%20out%26x%3D1&from=\d+&to=\d+$/);
  const [from, to] = tileHref.match(/from=(\d+)&to=(\d+)/).slice(1).map(Number);
  assert.equal(to - from, 3600 * 1000, "the dashboard's window");
  const tileOff = await page.textContent('[data-testid="open-logs-unavailable"][data-datasource="evil"]');
  assert.match(tileOff, /http/);
  // A span: the trace's own ids, service and window.
  await page.goto(jsonLink(env.url, board('span logs', [waterfall('zipkin', { trace_id: IDS.zipkin, selected: IDS.zipkin })])));
  await waitFor(page, 'span detail', () => !!document.querySelector('[data-testid="span-detail"] [data-testid="open-logs"]'));
  const a = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="span-detail"] [data-testid="open-logs"]');
    return { href: el.getAttribute('href'), rel: el.getAttribute('rel'), target: el.getAttribute('target'), text: el.textContent };
  });
  assert.equal(a.text, 'Open logs');
  assert.equal(a.rel, 'noopener noreferrer');
  assert.equal(a.target, '_blank');
  assert.match(a.href, new RegExp(`^https://logs\\.example/search\\?trace=0{16}${IDS.zipkin}&span=${IDS.zipkin}&service=[\\w.%-]+&from=\\d{4}-\\d\\d-\\d\\dT[\\d%A.]+Z&to=`));
  // Nothing but http(s) anchors, anywhere on the page.
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((x) => x.getAttribute('href')));
  assert.ok(hrefs.every((h) => !/^\s*(javascript|data|vbscript):/i.test(h)), hrefs.join(' '));
  assert.match(await page.textContent('[data-testid="span-detail"] [data-testid="open-logs-unavailable"]'), /http:\/\/ or https:\/\//);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
