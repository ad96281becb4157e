'use strict';
// Postmortem snapshots of an Incident-board-like dashboard (issue #6 item 4): a health grid,
// a trace search and a waterfall, exported against the fixture backends
// (lib/health-fixtures.cjs, lib/trace-fixtures.cjs), open in a fresh browser with those
// servers CLOSED and show the stored cells, rows and spans, asking no backend anything.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, waitFor, jsonLink, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startHealthFixtures } = require('./lib/health-fixtures.cjs');
const { startTraceFixtures, IDS } = require('./lib/trace-fixtures.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
let env;
let hfx;
let tfx;
/** A second health server, for the exemplars-and-history snapshot (closed by that test). */
let hfx2;
let closed = false;
let closed2 = false;
before(async () => {
  hfx = await startHealthFixtures();
  tfx = await startTraceFixtures();
  hfx2 = await startHealthFixtures();
  env = await setup({
    datasources: [
      {
        name: 'hc',
        kind: 'health',
        url: hfx.url,
        timeout_ms: 3000,
        endpoints: [
          { service: 'orders', url: '/list/orders' },
          { service: 'catalog', url: '/list/catalog' },
          { service: 'payments', url: '/ietf/payments' },
        ],
      },
      { name: 'j1', kind: 'jaeger', url: `${tfx.url}/j1`, timeout_ms: 5000 },
      {
        name: 'hc2',
        kind: 'health',
        url: hfx2.url,
        timeout_ms: 3000,
        endpoints: [
          { service: 'orders', url: '/list/orders' },
          { service: 'flip', url: '/flip' },
        ],
      },
    ],
  });
});
after(async () => {
  if (env) await env.teardown();
  if (!closed) {
    if (hfx) await hfx.close();
    if (tfx) await tfx.close();
  }
  if (!closed2 && hfx2) await hfx2.close();
});

function incidentBoard() {
  const panels = [
    { id: 'hg', title: 'Services', datasource: 'hc', kind: 'health_grid', spec: { services: ['orders', 'catalog', 'payments'] } },
    { id: 'ts', title: 'Trace search', datasource: 'j1', kind: 'trace_search', spec: { service: 'service-x' } },
    { id: 'w', title: 'Trace', datasource: 'j1', kind: 'waterfall', spec: { trace_id: IDS.j1 } },
  ];
  return {
    version: 1,
    title: 'Incident board',
    time: { kind: 'relative', spec: { last_s: 3600 } },
    refresh_s: 2,
    panels,
    layout: panels.map((p, i) => ({ panel: p.id, x: 0, y: i * 10, w: 12, h: 10 })),
  };
}

/** The health cells, trace result rows and waterfall summary the page shows. Runs in the page. */
function shownInPage() {
  const cells = [...document.querySelectorAll('[data-testid="health-cell"]')].map((c) =>
    [c.getAttribute('data-service'), c.getAttribute('data-check'), c.getAttribute('data-state'), c.getAttribute('data-reason')].join('/'));
  const results = [...document.querySelectorAll('[data-testid="trace-result"]')].map((r) => r.getAttribute('data-trace-id'));
  const s = document.querySelector('[data-testid="trace-summary"]');
  const banner = document.querySelector('[data-testid="overall-status"]');
  return {
    cells: cells.sort(),
    results,
    spans: s ? Number(s.dataset.spanCount) : null,
    errors: s ? Number(s.dataset.errorCount) : null,
    root: s ? s.dataset.root : null,
    traceError: (document.querySelector('[data-testid="trace-error"]') || {}).textContent || null,
    searchError: (document.querySelector('[data-testid="trace-search-error"]') || {}).textContent || null,
    banner: banner ? banner.textContent : '',
  };
}

const ready = () => {
  const cells = [...document.querySelectorAll('[data-testid="health-cell"]')];
  return cells.length >= 5 && !cells.some((c) => c.getAttribute('data-reason') === 'no_data')
    && document.querySelectorAll('[data-testid="trace-result"]').length > 0
    && !!document.querySelector('[data-testid="trace-summary"]');
};

/**
 * Opens the snapshot `file` in a fresh page through the file input, recording every request
 * and refusing any that leaves the app's own origin; waits until snapshot mode shows.
 */
async function openSnapshotOffline(file) {
  const fresh = await env.newPage();
  const requests = [];
  await fresh.context().route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (!url.startsWith(env.url)) return route.abort();
    return route.continue();
  });
  await fresh.goto(env.url + '#json=' + encodeURIComponent(JSON.stringify({ version: 1, title: 'Empty', panels: [] })));
  await waitFor(fresh, 'the app', () => !!document.querySelector('[data-testid="time-range"]'));
  await fresh.setInputFiles('#nk-trace-file', file);
  await waitFor(fresh, 'snapshot mode', () => !!document.querySelector('[data-testid="snapshot-mode"]'));
  return { fresh, requests };
}

test('an Incident-board snapshot opens with its fixture backends closed: stored health cells, trace rows and spans, no request to any backend', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, incidentBoard()));
  await waitFor(page, 'health cells, trace results and a waterfall', ready);
  const before = await page.evaluate(shownInPage);
  assert.ok(before.cells.includes('orders/myDB/fail/timeout'), JSON.stringify(before.cells));
  assert.ok(before.spans > 0, JSON.stringify(before));

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
  const file = path.join(os.tmpdir(), `napkin-incident-snapshot-${process.pid}.json`);
  await download.saveAs(file);
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(snap.schema, 1);
  assert.deepEqual(snap.health.map((h) => h.service).sort(), ['catalog', 'orders', 'payments']);
  assert.ok(snap.health.every((h) => h.datasource === 'hc' && Number.isInteger(h.polled_at_ms)), 'each poll keeps its fetched-at time');
  const stored = Object.fromEntries(snap.traces.map((t) => [t.panel, t]));
  assert.deepEqual(stored.ts.results.map((r) => r.trace_id), before.results);
  assert.equal(stored.w.trace.data[0].spans.length, before.spans);
  await page.close();

  // The backends go away for good.
  await hfx.close();
  await tfx.close();
  closed = true;
  const hits = tfx.requests.length;

  const { fresh, requests } = await openSnapshotOffline(file);
  await waitFor(fresh, 'the stored health cells, trace rows and spans', ready);
  const after = await fresh.evaluate(shownInPage);
  assert.deepEqual(after.cells, before.cells, 'the stored health cells');
  assert.deepEqual(after.results, before.results, 'the stored search rows');
  assert.deepEqual([after.spans, after.errors, after.root], [before.spans, before.errors, before.root], 'the stored trace');
  assert.equal(after.traceError, null);
  assert.equal(after.searchError, null);
  assert.ok(!/sleep/.test(after.banner), `a snapshot never says go back to sleep: ${after.banner}`);
  // Several poll intervals later, still nothing is asked of any backend.
  await fresh.waitForTimeout(2500);
  assert.deepEqual(requests.filter((u) => !u.startsWith(env.url)), [], 'no request to any backend');
  assert.equal(tfx.requests.length, hits);
  assert.deepEqual(fresh.errors.filter((e) => !e.startsWith('console.error')), []);

  // A Napkin whose datasources.json cannot be read (another deployment, or none) still
  // shows the stored cells, rows and spans.
  const bare = await env.newPage();
  const asked = [];
  await bare.context().route('**/*', (route) => {
    const url = route.request().url();
    asked.push(url);
    if (!url.startsWith(env.url) || url.includes('datasources.json')) return route.abort();
    return route.continue();
  });
  await bare.goto(env.url + '#json=' + encodeURIComponent(JSON.stringify({ version: 1, title: 'Empty', panels: [] })));
  await waitFor(bare, 'the app', () => !!document.querySelector('[data-testid="time-range"]'));
  await bare.setInputFiles('#nk-trace-file', file);
  await waitFor(bare, 'the stored health cells, trace rows and spans without datasources.json', ready);
  const unresolved = await bare.evaluate(shownInPage);
  assert.deepEqual([unresolved.cells, unresolved.results, unresolved.spans], [before.cells, before.results, before.spans]);
  assert.deepEqual(asked.filter((u) => !u.startsWith(env.url)), [], 'no request to any backend');
});

/** A demo latency chart (whose demo exemplars link to demo traces) over a fixed past hour,
 * beside a health grid polled every second, so its history strips fill. */
function exemplarBoard() {
  const to = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const p99 = { kind: 'metric', spec: { metric: 'shop_http_request_duration_seconds', fn: 'rate', agg: 'sum', by: ['service'], quantile: 0.99 } };
  const panels = [
    { id: 'lat', title: 'p99 latency', datasource: 'demo', kind: 'timeseries', spec: { queries: [p99], unit: 'seconds' } },
    { id: 'hg2', title: 'Services', datasource: 'hc2', kind: 'health_grid', spec: { services: ['orders', 'flip'] } },
  ];
  return {
    version: 1,
    title: 'Exemplar board',
    time: { kind: 'absolute', spec: { from_ms: to - 3_600_000, to_ms: to } },
    refresh_s: 1,
    panels,
    layout: [{ panel: 'hg2', x: 0, y: 0, w: 12, h: 6 }, { panel: 'lat', x: 0, y: 6, w: 12, h: 8 }],
  };
}

/** The chart's exemplar markers and each health cell's history ticks. Runs in the page. */
function markersAndStrips() {
  const markers = [...document.querySelectorAll('[data-testid="panel"][data-title="p99 latency"] [data-testid="exemplar"]')].map((b) => ({
    trace: b.getAttribute('data-trace-id'),
    ts: Number(b.getAttribute('data-ts-ms')),
    title: b.getAttribute('title'),
    disabled: b.getAttribute('aria-disabled'),
  }));
  const strips = {};
  for (const c of document.querySelectorAll('[data-testid="health-cell"]')) {
    const strip = c.querySelector('[data-testid="health-strip"]');
    strips[`${c.getAttribute('data-service')}/${c.getAttribute('data-check')}`] = strip ? Number(strip.getAttribute('data-polls')) : 0;
  }
  const note = document.querySelector('[data-testid="panel"][data-title="p99 latency"] [data-testid="exemplar-note"]');
  return { markers, strips, note: note ? note.textContent : null };
}

test('a snapshot keeps the exemplar markers and the health history strips; opened with every server closed it shows the same and asks nothing', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, exemplarBoard()));
  await waitFor(page, 'exemplar markers and health strips of 3+ polls', () => {
    const strips = [...document.querySelectorAll('[data-testid="health-cell"] [data-testid="health-strip"]')];
    return document.querySelectorAll('[data-testid="exemplar"]').length >= 5
      && strips.length >= 3 && strips.every((s) => Number(s.getAttribute('data-polls')) >= 3);
  });
  const before = await page.evaluate(markersAndStrips);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
  const file = path.join(os.tmpdir(), `napkin-exemplar-snapshot-${process.pid}.json`);
  await download.saveAs(file);
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(snap.schema, 1);
  const stored = snap.exemplars.find((e) => e.panel === 'lat');
  assert.ok(stored, 'the chart\'s exemplars are stored');
  // The chart is a fixed past hour: its markers do not change between reading and export.
  assert.deepEqual(stored.points.map((p) => `${p[0]}/${p[2]}`).sort(), before.markers.map((m) => `${m.ts}/${m.trace}`).sort());
  const history = {};
  for (const h of snap.health) for (const c of h.history) history[`${h.service}/${c.check}`] = c.polls.length;
  for (const [cell, ticks] of Object.entries(before.strips)) {
    assert.ok(history[cell] >= ticks, `the stored history of ${cell} (${history[cell]}) holds the ${ticks} polls shown`);
  }
  await page.close();

  await hfx2.close();
  closed2 = true;
  const { fresh, requests } = await openSnapshotOffline(file);
  await waitFor(fresh, 'the stored markers and strips', (n) =>
    document.querySelectorAll('[data-testid="exemplar"]').length === n
      && document.querySelectorAll('[data-testid="health-cell"] [data-testid="health-strip"]').length > 0, before.markers.length);
  const after = await fresh.evaluate(markersAndStrips);
  assert.deepEqual(after.markers.map((m) => `${m.ts}/${m.trace}`), before.markers.map((m) => `${m.ts}/${m.trace}`), 'the same markers');
  assert.deepEqual(after.strips, Object.fromEntries(Object.keys(after.strips).map((k) => [k, Math.min(history[k], 20)])), 'each strip shows its stored history');
  assert.ok(Object.values(after.strips).every((n) => n >= 3), JSON.stringify(after.strips));
  // The traces are not in the snapshot: each marker says so, and a click opens nothing.
  assert.ok(after.markers.every((m) => m.disabled === 'true' && m.title.endsWith('The trace is not in this snapshot.')), after.markers[0].title);
  assert.match(after.note, /not in this snapshot/);
  // The markers are aria-disabled; the click goes to the element itself regardless.
  await fresh.locator('[data-testid="exemplar"]').first().click({ force: true });
  await fresh.waitForTimeout(1500);
  assert.equal(await fresh.locator('[data-testid="breadcrumb"]').count(), 0, 'no trace level opened');
  assert.deepEqual(requests.filter((u) => !u.startsWith(env.url)), [], 'no request to any backend');
  assert.deepEqual(fresh.errors.filter((e) => !e.startsWith('console.error')), []);
});

test('after "Leave snapshot" a variable offers its datasource\'s values again, not the snapshot\'s frozen ones', T, async () => {
  const SEL = '[data-testid="variable"][data-name="service"]';
  const offered = (page) => page.$$eval(`${SEL} [data-value]`, (bs) => bs.map((b) => b.getAttribute('data-value')).filter((v) => v !== '$__all'));
  const board = {
    version: 1,
    title: 'Variable board',
    time: { kind: 'relative', spec: { last_s: 3600 } },
    variables: [{ name: 'service', metric: 'shop_http_requests_total', datasource: 'demo', multi: true, include_all: true, current: ['gateway'] }],
    panels: [],
  };
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board));
  await waitFor(page, 'the demo services offered', (s) => document.querySelectorAll(`${s} [data-value]`).length > 3, SEL);
  const live = await offered(page);
  assert.ok(live.includes('gateway') && live.length >= 3, JSON.stringify(live));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
  const file = path.join(os.tmpdir(), `napkin-vars-snapshot-${process.pid}.json`);
  await download.saveAs(file);
  await page.close();

  const fresh = await env.newPage();
  await fresh.goto(env.url + '#json=' + encodeURIComponent(JSON.stringify({ version: 1, title: 'Empty', panels: [] })));
  await waitFor(fresh, 'the app', () => !!document.querySelector('[data-testid="time-range"]'));
  await fresh.setInputFiles('#nk-trace-file', file);
  await waitFor(fresh, 'snapshot mode', () => !!document.querySelector('[data-testid="snapshot-mode"]'));
  await waitFor(fresh, 'the frozen value offered', (s) => document.querySelectorAll(`${s} [data-value]`).length > 0, SEL);
  assert.deepEqual(await offered(fresh), ['gateway'], 'in the snapshot: the frozen value only');
  await fresh.click('[data-testid="snapshot-leave"]');
  await waitFor(fresh, 'snapshot mode left', () => !document.querySelector('[data-testid="snapshot-mode"]'));
  await waitFor(fresh, 'the datasource\'s values again', ([s, n]) => document.querySelectorAll(`${s} [data-value]`).length >= n, [SEL, live.length + 1]);
  assert.deepEqual((await offered(fresh)).sort(), [...live].sort(), 'the live options, not the frozen ones');
  fs.rmSync(file, { force: true });
});
