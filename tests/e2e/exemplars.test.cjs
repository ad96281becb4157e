'use strict';
// End-to-end tests of exemplars (issue #4 item 4, issue #6 item 3): a chart's exemplars show
// as small buttons over the plot (`data-testid="exemplar"` with `data-trace-id`,
// `data-ts-ms`, `data-value`), and clicking one opens that trace's waterfall as the level
// below. On the demo datasource the exemplar traces are demo traces; against a
// Prometheus-shaped fixture server answering `/api/v1/query_exemplars` in the documented
// shape, the exemplar trace opens in a Tempo fixture; a fixture answering 500 for
// `query_exemplars` still paints the series, with a quiet note instead of markers.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startPromShaped } = require('./lib/prom-fixture.cjs');
const { startTraceFixtures, IDS } = require('./lib/trace-fixtures.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
/** A fixed hour (hour-aligned, so every step divides it and the demo's 30-minute incident
 * cycle starts there), so exemplar instants and incidents are known. */
const FROM_MS = 1_699_999_200_000;
const TO_MS = FROM_MS + 3_600_000;
/** The fixture's exemplars: two with a trace id (both label spellings), one without. */
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const EXEMPLARS = [
  { labels: { trace_id: IDS.tempo }, value: '0.43', timestamp: (FROM_MS + 1_080_000) / 1000 + 0.5 },
  { labels: { traceID: OTHER_TRACE }, value: '0.2', timestamp: (FROM_MS + 2_520_000) / 1000 },
  { labels: { span_id: '00f067aa0ba902b7' }, value: '0.3', timestamp: (FROM_MS + 3_000_000) / 1000 },
];

/**
 * A Prometheus-shaped fixture: `/<mode>/api/v1/...` with mode `ok` or `broken`. Both answer
 * buildinfo and `query_range` (one series, a slow sine between 0.1 and 0.3 s); `ok` answers
 * `query_exemplars` as Prometheus documents it, `broken` answers it with a 500 error envelope.
 */
function startPromFixture() {
  const asked = [];
  return startPromShaped(({ mode, route, params }, json) => {
    asked.push({ mode, route, params: Object.fromEntries(params) });
    if (route === 'api/v1/query_range') {
      const start = Number(params.get('start'));
      const end = Number(params.get('end'));
      const step = Math.max(1, Number(params.get('step')));
      const values = [];
      for (let t = Math.ceil(start / step) * step; t <= end && values.length < 11000; t += step) {
        values.push([t, String(0.2 + 0.1 * Math.sin(t / 600))]);
      }
      json(200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 'checkout' }, values }] } });
      return true;
    }
    if (route === 'api/v1/query_exemplars' && mode === 'ok') {
      json(200, {
        status: 'success',
        data: [{ seriesLabels: { __name__: 'http_request_duration_seconds_bucket', service: 'checkout', le: '0.5' }, exemplars: EXEMPLARS }],
      });
      return true;
    }
    if (route === 'api/v1/query_exemplars' && mode === 'broken') {
      json(500, { status: 'error', errorType: 'internal', error: 'exemplar storage failed' });
      return true;
    }
    return false;
  }, (origin) => ({ url: origin, asked }));
}

let env;
let prom;
let traces;
before(async () => {
  prom = await startPromFixture();
  traces = await startTraceFixtures();
  env = await setup({
    datasources: [
      { name: 'promfx', kind: 'prometheus', url: `${prom.url}/ok`, timeout_ms: 5000 },
      { name: 'promfx-broken', kind: 'prometheus', url: `${prom.url}/broken`, timeout_ms: 5000 },
      { name: 'tempo', kind: 'tempo', url: `${traces.url}/tempo`, timeout_ms: 5000 },
    ],
  });
});
after(async () => {
  if (env) await env.teardown();
  if (prom) await prom.close();
  if (traces) await traces.close();
});

/** The exemplar markers of the chart panel titled `title`, as plain data. */
async function markersOf(page, title) {
  return page.$$eval(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplar"]`, (bs) =>
    bs.map((b) => ({
      trace: b.getAttribute('data-trace-id'),
      ts: Number(b.getAttribute('data-ts-ms')),
      value: Number(b.getAttribute('data-value')),
      label: b.getAttribute('aria-label'),
      tabindex: b.getAttribute('tabindex'),
      left: parseFloat(b.style.left),
      top: parseFloat(b.style.top),
    })),
  );
}

/** Waits until the chart titled `title` shows at least `min` exemplar markers. */
async function waitMarkers(page, title, min) {
  await waitFor(
    page,
    `${min}+ exemplar markers on "${title}"`,
    ([title, min]) => document.querySelectorAll(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplar"]`).length >= min,
    [title, min],
  );
  return markersOf(page, title);
}

/** Waits for a waterfall whose summary names trace `id`; returns the summary's data. */
async function waitSummary(page, id) {
  return waitFor(
    page,
    `the waterfall of trace ${id}`,
    (id) => {
      const s = document.querySelector('[data-testid="trace-summary"]');
      return s && s.dataset.traceId === id ? { ...s.dataset } : null;
    },
    id,
  );
}

function promChart(title, datasource) {
  return {
    version: 1,
    title: `Exemplars on ${datasource}`,
    time: { kind: 'absolute', spec: { from_ms: FROM_MS, to_ms: TO_MS } },
    panels: [
      {
        id: 'latency',
        title,
        datasource,
        kind: 'timeseries',
        spec: { queries: [{ kind: 'promql', spec: { expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))' } }], unit: 'seconds' },
      },
    ],
  };
}

test('the demo dashboard shows exemplars on its latency chart; one opens its demo trace as the level below', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  const title = 'p99 latency by service';
  const markers = await waitMarkers(page, title, 20);
  const range = await page.evaluate(() => {
    const tr = document.querySelector('[data-testid="time-range"]');
    return { from: Number(tr.getAttribute('data-from')), to: Number(tr.getAttribute('data-to')) };
  });
  assert.ok(markers.length <= 500, `capped: ${markers.length}`);
  for (const m of markers) {
    assert.match(m.trace, /^[0-9a-f]{32}$/, 'a trace id in hex');
    assert.ok(m.trace.startsWith('de30'), `a demo trace id: ${m.trace}`);
    assert.ok(m.ts >= range.from - 60_000 && m.ts <= range.to + 60_000, `inside the chart's window: ${m.ts} in ${range.from}..${range.to}`);
    assert.ok(Number.isFinite(m.value) && m.value > 0, `a duration: ${m.value}`);
    assert.ok(m.label.includes(m.trace) && m.label.startsWith('Exemplar at '), m.label);
  }
  // The demo's latency series differ per service, so markers are at more than one height.
  assert.ok(new Set(markers.map((m) => Math.round(m.top))).size > 3, 'markers sit at their values');
  // One tab stop per chart; arrow keys walk the markers.
  assert.equal(markers.filter((m) => m.tabindex === '0').length, 1, 'one marker is in the tab order');
  // No other chart of the overview asks for exemplars it has none of.
  assert.equal(await page.locator('[data-testid="panel"][data-title="Requests by service"] [data-testid="exemplar"]').count(), 0);

  // A live refresh (every 10 s) keeps a focused marker's element: focus is not lost.
  const middle = markers[Math.floor(markers.length / 2)];
  const held = page.locator(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplar"][data-trace-id="${middle.trace}"][data-ts-ms="${middle.ts}"]`).first();
  await held.focus();
  await waitFor(page, 'a live refresh', (to) => Number(document.querySelector('[data-testid="time-range"]').getAttribute('data-to')) > to, range.to);
  await waitFor(page, 'the refreshed chart', ([title, left]) => {
    const b = [...document.querySelectorAll(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplar"]`)];
    return b.length > 0 && b.some((x) => parseFloat(x.style.left) !== left);
  }, [title, middle.left]);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-trace-id')), middle.trace, 'the focused marker kept its focus');

  const group = page.locator(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplars"]`);
  await group.locator('[data-testid="exemplar"][tabindex="0"]').focus();
  // A marker is its instant, trace and series (named in its label): one trace can be the
  // exemplar of several series at the same instant.
  const markerId = () => {
    const el = document.activeElement;
    return el.getAttribute('data-testid') === 'exemplar' && `${el.getAttribute('data-ts-ms')}/${el.getAttribute('data-trace-id')}/${el.getAttribute('aria-label')}`;
  };
  const first = await page.evaluate(markerId);
  await page.keyboard.press('ArrowRight');
  const second = await page.evaluate(markerId);
  assert.ok(second && second !== first, `ArrowRight moves to the next marker (${first} → ${second})`);
  const chosen = await page.evaluate(() => document.activeElement.getAttribute('data-trace-id'));
  await page.keyboard.press('Enter');

  const summary = await waitSummary(page, chosen);
  assert.ok(['POST /api/checkout', 'GET /api/items'].includes(summary.root), `a demo request: ${summary.root}`);
  assert.ok(Number(summary.spanCount) >= 5, `spans: ${summary.spanCount}`);
  const crumbs = await page.locator('[data-testid="breadcrumb"]').allInnerTexts();
  assert.equal(crumbs.length, 2, `breadcrumbs: ${JSON.stringify(crumbs)}`);
  assert.equal(crumbs[0].trim(), 'Shop overview');
  assert.ok(crumbs[1].startsWith(`Trace ${chosen.slice(0, 8)}`), crumbs[1]);

  // Back leads to the overview and its markers again.
  await page.goBack();
  await waitMarkers(page, title, 20);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('a demo exemplar during the fraud incident opens the failing checkout through fraud', T, async () => {
  // The demo's fraud incident starts 3 to 6 minutes into each 30-minute cycle and lasts 4
  // minutes, so it is going on 6 to 7 minutes in; billing's starts 12 minutes in at the
  // earliest, so the first 11 minutes of a cycle hold only the fraud incident.
  const page = await env.newPage();
  const dashboard = {
    version: 1,
    title: 'Transaction latency',
    time: { kind: 'absolute', spec: { from_ms: FROM_MS, to_ms: FROM_MS + 660_000 } },
    panels: [
      {
        id: 'tx',
        title: 'Transaction p99',
        datasource: 'demo',
        kind: 'timeseries',
        spec: {
          queries: [{ kind: 'metric', spec: { metric: 'shop_http_request_duration_seconds', matchers: [{ label: 'service', op: '=', value: 'transaction' }], fn: 'rate', agg: 'sum', quantile: 0.99 } }],
          unit: 'seconds',
        },
      },
    ],
  };
  await page.goto(jsonLink(env.url, dashboard));
  const markers = await waitMarkers(page, 'Transaction p99', 10);
  const during = markers.find((m) => m.ts >= FROM_MS + 360_000 && m.ts < FROM_MS + 420_000);
  assert.ok(during, `a marker 6 to 7 minutes in: ${markers.map((m) => m.ts - FROM_MS)}`);
  // Markers this close in time may overlap, so this one is opened from the keyboard.
  await page.locator(`[data-testid="exemplar"][data-trace-id="${during.trace}"][data-ts-ms="${during.ts}"]`).focus();
  await page.keyboard.press('Enter');
  const s = await waitSummary(page, during.trace);
  assert.equal(s.root, 'POST /api/checkout');
  assert.ok(Number(s.errorCount) > 0, `a failing trace: ${JSON.stringify(s)}`);
  assert.equal(s.serviceCount, '5', 'gateway, transaction, credit, fraud, redis: billing is never reached');
  const rows = await waitFor(page, 'the fraud and transaction rows', () => {
    const rs = [...document.querySelectorAll('[data-testid="span-row"]')].map((r) => ({ service: r.dataset.service, error: r.dataset.error }));
    return rs.some((r) => r.service === 'fraud') && rs.some((r) => r.service === 'transaction') ? rs : null;
  });
  assert.ok(rows.some((r) => r.service === 'transaction' && r.error === 'true'), 'transaction failed');
  assert.ok(rows.every((r) => r.service !== 'fraud' || r.error === 'false'), 'fraud swallowed its exception and looks fine');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('a Prometheus query_exemplars answer shows its markers; one opens its trace from the trace datasource', T, async () => {
  const page = await env.newPage();
  const title = 'Checkout p99';
  await page.goto(jsonLink(env.url, promChart(title, 'promfx')));
  const markers = await waitMarkers(page, title, 2);
  assert.equal(markers.length, 2, 'the exemplar without a trace id is left out');
  assert.deepEqual(markers.map((m) => m.trace), [IDS.tempo, OTHER_TRACE], 'trace_id and traceID labels, oldest first');
  assert.deepEqual(markers.map((m) => m.ts), [FROM_MS + 1_080_500, FROM_MS + 2_520_000]);
  assert.deepEqual(markers.map((m) => m.value), [0.43, 0.2]);
  // Time → x: 30 % and 70 % of the plot's width (64 px left and 12 px right margins).
  const width = await page.locator(`[data-testid="panel"][data-title="${title}"] .nk-chart-area`).evaluate((e) => e.clientWidth);
  const plot = width - 64 - 12;
  assert.ok(Math.abs(markers[0].left - (64 + plot * 0.3001389)) < 1.5, `x of the first: ${markers[0].left} of ${width}`);
  assert.ok(Math.abs(markers[1].left - (64 + plot * 0.7)) < 1.5, `x of the second: ${markers[1].left} of ${width}`);
  assert.ok(markers[1].top > markers[0].top, 'the smaller value sits lower');
  const note = await page.locator(`[data-testid="panel"][data-title="${title}"] [data-testid="exemplar-note"]`).innerText();
  assert.match(note, /1 exemplar without a trace id/);
  // The request was the documented one: the chart's PromQL over its range.
  const asked = prom.asked.find((a) => a.mode === 'ok' && a.route === 'api/v1/query_exemplars');
  assert.ok(asked, 'query_exemplars was asked');
  assert.match(asked.params.query, /http_request_duration_seconds_bucket/);
  assert.equal(Number(asked.params.start), FROM_MS / 1000);
  assert.equal(Number(asked.params.end), TO_MS / 1000);

  await page.locator(`[data-testid="exemplar"][data-trace-id="${IDS.tempo}"]`).click();
  const summary = await waitSummary(page, IDS.tempo);
  assert.equal(summary.spanCount, '15');
  assert.equal(summary.root, 'requester');
  assert.equal(summary.errorCount, '3');
  assert.ok(traces.requests.some((r) => r.startsWith(`/tempo/api/traces/${IDS.tempo}`)), 'the trace came from the Tempo datasource');
  assert.equal(await page.locator('[data-testid="breadcrumb"]').count(), 2);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('a 500 from query_exemplars leaves the series painted and says so quietly', T, async () => {
  const page = await env.newPage();
  const title = 'Checkout p99 (exemplars broken)';
  await page.goto(jsonLink(env.url, promChart(title, 'promfx-broken')));
  const panel = page.locator(`[data-testid="panel"][data-title="${title}"]`);
  await waitFor(page, 'the exemplar note', (t) => !!document.querySelector(`[data-testid="panel"][data-title="${t}"] [data-testid="exemplar-note"]`), title);
  assert.ok(prom.asked.some((a) => a.mode === 'broken' && a.route === 'api/v1/query_exemplars'), 'query_exemplars was asked');
  assert.equal(await panel.getAttribute('data-state'), 'ok', 'the panel is fine');
  assert.equal(await panel.locator('canvas[data-testid="chart"]').getAttribute('data-series'), '1');
  assert.equal(await panel.locator('[data-testid="panel-error"]').count(), 0, 'no panel error');
  assert.equal(await panel.locator('[data-testid="exemplar"]').count(), 0);
  assert.match(await panel.locator('[data-testid="exemplar-note"]').innerText(), /Exemplars could not be loaded/);
  const stats = await waitFor(page, 'the series painted', (t) => {
    const c = document.querySelector(`[data-testid="panel"][data-title="${t}"] canvas[data-testid="chart"]`);
    const s = c && window.__napkinCanvasStats(c);
    return s && s.chromatic > 50 ? s : null;
  }, title);
  assert.ok(stats.chromatic > 50, `coloured series pixels: ${JSON.stringify(stats)}`);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
