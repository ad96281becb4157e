'use strict';
// End-to-end tests against a REAL Prometheus holding the demo simulator's recent history
// (backfilled by `./napkin test`'s "test Prometheus" phase: src/bin/backfill.rs, promtool,
// Prometheus on a free 127.0.0.1 port). First the server itself is checked directly; then
// the app's Prometheus datasource through the contract hooks (README "Test hooks").
//
// Environment: NAPKIN_PROM_URL (required), NAPKIN_PROM_FROM_MS / NAPKIN_PROM_TO_MS (the
// backfilled window; discovered from the server when missing). ./napkin test also sets
// NAPKIN_E2E_REQUIRE_PROM=1, which turns a missing NAPKIN_PROM_URL into a failure. Run
// by hand: `./napkin prom` in one shell, then export what it prints and
//   NODE_PATH=~/.cache/napkin-tools/e2e-*/node_modules node --test tests/e2e/prometheus.test.cjs

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { setup, snapshot, waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const PROM = (process.env.NAPKIN_PROM_URL || '').replace(/\/+$/, '');
const REQUIRED = process.env.NAPKIN_E2E_REQUIRE_PROM === '1';
const T = { timeout: TEST_TIMEOUT_MS };
const MIN = 60e3;
const HOUR = 3600e3;

// What src/bin/backfill.rs writes: series per metric name.
const EXPECTED_SERIES = {
  shop_http_requests_total: 78, // 13 endpoints × 6 statuses
  shop_http_request_duration_seconds_bucket: 156, // 13 × 12 buckets
  shop_http_request_duration_seconds_sum: 13,
  shop_http_request_duration_seconds_count: 13,
  shop_dependency_up: 10,
  shop_kafka_consumer_lag: 2,
  shop_hostile_info: 3,
};
const CANONICAL_LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1.0', '2.5', '5.0', '10.0', '+Inf'];
const HOSTILE_NAMES = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'back\\slash "quoted"\nnew line & <b>bold</b>',
];
/** Demo and Prometheus answers to the same structured query must agree this closely. */
const TOLERANCE = 0.1;

// ------------------------------------------------------------------------------- helpers

async function promJson(path, params = {}) {
  const url = new URL(PROM + path);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { signal: AbortSignal.timeout(20000) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

async function instant(query, timeS) {
  const { status, body } = await promJson('/api/v1/query', { query, time: timeS });
  assert.equal(status, 200, `${query}: ${JSON.stringify(body)}`);
  assert.equal(body.status, 'success');
  return body.data.result;
}

/** The backfilled window [from, to] in epoch ms: from the environment, else from the data. */
async function backfilledWindow() {
  const from = Number(process.env.NAPKIN_PROM_FROM_MS);
  const to = Number(process.env.NAPKIN_PROM_TO_MS);
  if (from > 0 && to > from) return { from, to };
  const end = Math.floor(Date.now() / 1000);
  const { body } = await promJson('/api/v1/query_range', {
    query: 'max(timestamp(shop_kafka_consumer_lag))',
    start: end - 7 * 86400,
    end,
    step: 120,
  });
  const values = (body.data && body.data.result[0] && body.data.result[0].values) || [];
  assert.ok(values.length > 0, `no shop_kafka_consumer_lag in the last 7 days at ${PROM}: was it backfilled?`);
  const ts = values.map(([, v]) => Number(v) * 1000);
  return { from: Math.min(...ts), to: Math.max(...ts) };
}

/** A port nothing listens on (bound, then closed). */
function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Prometheus number strings, including `+Inf`, `-Inf`, `NaN` (JS Number() rejects `+Inf`). */
const promNumber = (s) => ({ '+Inf': Infinity, '-Inf': -Infinity, NaN: NaN })[s] ?? Number(s);
const isNumeric = (v) => v !== null && v !== undefined && String(v).trim() !== '' && Number.isFinite(Number(v));
const layout = (snap) => snap.panels.map((p) => [p.kind, p.title]);
const near = (a, b, tol) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));

// Queries (docs/dashboard-spec.md). The structured ones run on demo and compile to PromQL.
const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
const RATE_BY_SERVICE = { kind: 'metric', spec: { ...RATE.spec, by: ['service'] } };
const ERROR_PCT = {
  kind: 'ratio',
  spec: {
    num: { ...RATE.spec, matchers: [{ label: 'status', op: '=~', value: '5..' }] },
    den: RATE.spec,
    scale: 100,
  },
};
const P99 = {
  kind: 'metric',
  spec: { metric: 'shop_http_request_duration_seconds', quantile: 0.99, fn: 'rate', agg: 'sum' },
};
const LAG = { kind: 'metric', spec: { metric: 'shop_kafka_consumer_lag', agg: 'max' } };
const promql = (expr) => ({ kind: 'promql', spec: { expr } });

function spec(title, panels, time) {
  return { version: 1, title, time, panels };
}
function kpi(id, title, datasource, query, unit = 'none', reduce = 'last') {
  return { id, title, datasource, kind: 'kpi', spec: { query, unit, reduce } };
}
function timeseries(id, title, datasource, queries, unit = 'none') {
  return { id, title, datasource, kind: 'timeseries', spec: { queries, unit } };
}

// --------------------------------------------------------------------------------- tests

function suite() {
  let env;
  let win; // backfilled window, epoch ms
  let range; // an absolute 1 h dashboard range well inside the window
  let downPort;

  before(async () => {
    win = await backfilledWindow();
    downPort = await closedPort();
    const to = Math.floor((win.to - 10 * MIN) / MIN) * MIN;
    range = { kind: 'absolute', spec: { from_ms: to - HOUR, to_ms: to } };
    assert.ok(to - HOUR > win.from + 5 * MIN, `backfilled window too short: ${JSON.stringify(win)}`);
    env = await setup({
      datasources: [
        { name: 'prom', kind: 'prometheus', url: PROM },
        { name: 'prom-proxy', kind: 'prometheus', url: '/prom' },
        { name: 'prom-down', kind: 'prometheus', url: `http://127.0.0.1:${downPort}`, timeout_ms: 5000 },
        {
          name: 'prom-health',
          kind: 'health',
          url: PROM,
          endpoints: [
            { service: 'inventory', url: '/api/v1/query?query=' + encodeURIComponent('last_over_time(shop_dependency_up{service="inventory"}[30m])'), format: 'prometheus' },
            { service: 'nothing', url: '/api/v1/query?query=' + encodeURIComponent('up{job="absent"}'), format: 'prometheus' },
          ],
        },
      ],
      proxies: { '/prom': PROM },
    });
  });
  after(async () => {
    if (env) await env.teardown();
  });

  /**
   * Page and console errors, except the refused connections to the deliberately closed
   * "prom-down" datasource, which the datasource status line probes on every page.
   */
  function realErrors(page) {
    return page.errors.filter((e) => !e.includes(`127.0.0.1:${downPort}/`));
  }

  /** Opens a dashboard and waits until every one of its `n` panels has settled. */
  async function open(dash) {
    const page = await env.newPage();
    page.dialogs = [];
    page.on('dialog', (d) => {
      page.dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    await page.goto(jsonLink(env.url, dash));
    const snap = await waitSettled(page, dash.panels.length, `all ${dash.panels.length} panels to settle`);
    return { page, snap };
  }

  /**
   * Waits until every panel is ok with numeric KPI values (returns the snapshot), or until
   * all have settled with some in error (fails at once, quoting their panel-error).
   */
  async function allOk(page, what) {
    await waitFor(page, what, () => {
      const ps = [...document.querySelectorAll('[data-testid="panel"]')];
      const numeric = (p) => {
        const k = p.querySelector('[data-testid="kpi-value"]');
        const v = k && k.getAttribute('data-value');
        return !k || (v !== null && v.trim() !== '' && Number.isFinite(Number(v)));
      };
      if (ps.length && ps.every((p) => p.getAttribute('data-state') === 'ok' && numeric(p))) return 'ok';
      const settled = ps.every((p) => ['ok', 'empty', 'error'].includes(p.getAttribute('data-state')));
      return settled && ps.some((p) => p.getAttribute('data-state') !== 'ok') ? 'not ok' : null;
    });
    const snap = await snapshot(page);
    const bad = snap.panels.filter((p) => p.state !== 'ok');
    assert.deepEqual(
      bad.map((p) => `${p.title}: ${p.state}${p.error ? ` (${p.error})` : ''}`),
      [],
      `${what}: panels not ok`,
    );
    return snap;
  }

  test('the test Prometheus answers directly with the backfilled demo history', T, async () => {
    assert.equal((await fetch(`${PROM}/-/ready`)).status, 200, '/-/ready');
    const build = await promJson('/api/v1/status/buildinfo');
    assert.equal(build.body.status, 'success');
    const at = Math.floor((win.to - 5 * MIN) / 1000);

    // Every metric with its number of series.
    const counts = Object.fromEntries(
      (await instant('count by (__name__) ({__name__=~"shop_.+"})', at)).map((r) => [r.metric.__name__, Number(r.value[1])]),
    );
    assert.deepEqual(counts, EXPECTED_SERIES, 'series per metric name');
    const series = Object.values(EXPECTED_SERIES).reduce((a, b) => a + b, 0);

    // Every sample of the window is there: one per series every 15 s, both ends included.
    const spanS = (win.to - win.from) / 1000;
    const perSeries = spanS / 15 + 1;
    const samples = {};
    for (const name of Object.keys(EXPECTED_SERIES)) {
      const r = await instant(`sum(count_over_time(${name}[${spanS + 1}s]))`, win.to / 1000);
      samples[name] = Number(r[0].value[1]);
    }
    assert.deepEqual(
      samples,
      Object.fromEntries(Object.entries(EXPECTED_SERIES).map(([k, n]) => [k, n * perSeries])),
      `samples per metric in the backfilled window (${perSeries} per series)`,
    );

    // The newest sample (5 minutes before the run started) is queryable right away.
    const newest = await instant('max(timestamp(shop_kafka_consumer_lag))', win.to / 1000 + 60);
    assert.equal(Number(newest[0].value[1]) * 1000, win.to, 'newest sample timestamp');

    // A range query over the whole window, as a panel would send it.
    const step = 60;
    const start = Math.ceil(win.from / 1000 / step) * step + step;
    const end = Math.floor(win.to / 1000 / step) * step;
    const rr = await promJson('/api/v1/query_range', { query: 'sum(rate(shop_http_requests_total[1m]))', start, end, step });
    assert.equal(rr.status, 200, JSON.stringify(rr.body));
    assert.equal(rr.body.data.resultType, 'matrix');
    assert.equal(rr.body.data.result.length, 1);
    const values = rr.body.data.result[0].values;
    assert.equal(values.length, (end - start) / step + 1, 'one point per step, no gaps');
    const rates = values.map(([, v]) => Number(v));
    assert.ok(rates.every((v) => v > 50 && v < 5000), `request rates look like the demo shop: ${rates.slice(0, 5)}`);

    // Classic histogram with canonical le values; a p99 in the buckets' range.
    const les = (await instant('count by (le) (shop_http_request_duration_seconds_bucket)', at)).map((r) => r.metric.le);
    assert.deepEqual(
      [...les].sort((a, b) => promNumber(a) - promNumber(b)),
      CANONICAL_LE,
      'canonical le values',
    );
    const p99 = await instant('histogram_quantile(0.99, sum by (le) (rate(shop_http_request_duration_seconds_bucket[1m])))', at);
    assert.ok(Number(p99[0].value[1]) > 0.005 && Number(p99[0].value[1]) <= 10, `p99 ${p99[0].value[1]}`);

    // Hostile label values come back byte for byte.
    const hostile = (await instant('shop_hostile_info', at)).map((r) => r.metric.name).sort();
    assert.deepEqual(hostile, [...HOSTILE_NAMES].sort());

    // The error envelope of a bad query, and CORS for a browser on another origin.
    const bad = await promJson('/api/v1/query', { query: 'sum(rate(' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.status, 'error');
    assert.equal(bad.body.errorType, 'bad_data');
    assert.match(bad.body.error, /parse error/);
    const cors = await fetch(`${PROM}/api/v1/query?query=1`, { headers: { Origin: 'http://example.test' } });
    assert.equal(cors.headers.get('access-control-allow-origin'), '*');

    // The same-origin proxy route of the e2e server reaches the same Prometheus.
    const via = await fetch(new URL(`prom/api/v1/query?query=count(shop_dependency_up)&time=${at}`, env.url));
    assert.equal(via.status, 200);
    assert.equal((await via.json()).data.result[0].value[1], String(EXPECTED_SERIES.shop_dependency_up));

    console.log(
      `# test Prometheus ${build.body.data.version} at ${PROM}: ${series} series, ${series * perSeries} samples ` +
        `(${perSeries} per series), ${new Date(win.from).toISOString()} .. ${new Date(win.to).toISOString()}; ` +
        `query_range: ${values.length} points, sum rate ${rates[0].toFixed(1)} .. ${rates[rates.length - 1].toFixed(1)} req/s`,
    );
  });

  test('a dashboard on the Prometheus datasource renders KPIs and charts', T, async () => {
    const dash = spec(
      'E2E Prometheus',
      [
        // Means for the two rates compared below (the last point depends on the KPI's step,
        // which sets the structured query's automatic window); the default `last` elsewhere.
        kpi('rate', 'Prom request rate', 'prom', RATE, 'req_per_sec', 'mean'),
        kpi('err', 'Prom error %', 'prom', ERROR_PCT, 'percent'),
        kpi('p99', 'Prom p99 latency', 'prom', P99, 'seconds'),
        kpi('pq', 'Prom PromQL rate', 'prom', promql('sum(rate(shop_http_requests_total[1m]))'), 'req_per_sec', 'mean'),
        timeseries('by_service', 'Prom requests by service', 'prom', [RATE_BY_SERVICE], 'req_per_sec'),
        timeseries('pq_chart', 'Prom PromQL chart', 'prom', [promql('sum(rate(shop_http_requests_total[1m]))')], 'req_per_sec'),
      ],
      range,
    );
    const { page, snap: first } = await open(dash);
    assert.deepEqual(layout(first), dash.panels.map((p) => [p.kind, p.title]));
    const snap = await allOk(page, 'every panel ok with numeric KPIs');
    assert.deepEqual(snap.time, { from: String(range.spec.from_ms), to: String(range.spec.to_ms), live: 'false' });
    const [rate, err, p99, pq, bySvc, pqChart] = snap.panels;
    for (const p of [rate, err, p99, pq]) {
      assert.ok(isNumeric(p.kpi.value), `KPI "${p.title}" data-value ${p.kpi.value}`);
      assert.equal(p.error, null, `no panel-error on "${p.title}"`);
    }
    assert.ok(Number(rate.kpi.value) > 50, `request rate ${rate.kpi.value}`);
    assert.equal(rate.kpi.unit, 'req_per_sec');
    assert.ok(Number(err.kpi.value) >= 0 && Number(err.kpi.value) <= 100, `error % ${err.kpi.value}`);
    assert.ok(Number(p99.kpi.value) > 0.005 && Number(p99.kpi.value) <= 10, `p99 ${p99.kpi.value}`);
    assert.ok(near(Number(pq.kpi.value), Number(rate.kpi.value), TOLERANCE), `PromQL ${pq.kpi.value} vs structured ${rate.kpi.value}`);
    assert.deepEqual(bySvc.charts, ['6'], 'one series per service');
    assert.deepEqual(pqChart.charts, ['1'], 'one series for a sum');
    assert.deepEqual(realErrors(page), [], 'no page errors or console errors');
    await page.context().close();
  });

  test('moving a panel re-asks Prometheus nothing; a refresh asks again', T, async () => {
    const dash = spec(
      'E2E no refetch on move',
      [kpi('rate', 'Prom request rate', 'prom', RATE, 'req_per_sec'), kpi('err', 'Prom error %', 'prom', ERROR_PCT, 'percent')],
      range,
    );
    const { page } = await open(dash);
    await allOk(page, 'both tiles ok');
    const asked = [];
    page.on('request', (r) => {
      if (r.url().startsWith(PROM + '/api/v1/query')) asked.push(r.url());
    });
    // The second tile moves right by one cell: same width, so the same queries.
    const before = await page.locator('[data-panel-id="err"]').getAttribute('data-x');
    await page.locator('[data-panel-id="err"] [data-testid="panel-move"]').focus();
    await page.keyboard.press('ArrowRight');
    await waitFor(page, 'the tile to move right', (x0) => {
      const x = document.querySelector('[data-panel-id="err"]')?.getAttribute('data-x');
      return x !== x0 ? x : null;
    }, before);
    await page.waitForTimeout(1500);
    assert.deepEqual(asked, [], 'a move changes no query, so nothing is fetched again');
    await page.locator('body').focus();
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('r');
    const deadline = Date.now() + 10000;
    while (asked.length < 2 && Date.now() < deadline) await page.waitForTimeout(100);
    assert.ok(asked.length >= 2, `r (refresh) asks both tiles again: ${asked.length} requests`);
    await page.context().close();
  });

  test(`the same structured queries on demo and on Prometheus agree within ${TOLERANCE * 100}%`, T, async () => {
    const pairs = [
      ['rate', RATE, 'req_per_sec'],
      ['error %', ERROR_PCT, 'percent'],
      ['p99', P99, 'seconds'],
      ['kafka lag', LAG, 'none'],
    ];
    // Means over the same hour: independent of which instant each side samples last.
    const panels = pairs.flatMap(([name, q, unit], i) => [
      kpi(`demo${i}`, `demo ${name}`, 'demo', q, unit, 'mean'),
      kpi(`prom${i}`, `prom ${name}`, 'prom', q, unit, 'mean'),
    ]);
    const { page } = await open(spec('E2E demo vs Prometheus', panels, range));
    const snap = await allOk(page, 'every demo and Prometheus KPI ok and numeric');
    const rows = pairs.map(([name], i) => {
      const d = Number(snap.panels[2 * i].kpi.value);
      const p = Number(snap.panels[2 * i + 1].kpi.value);
      return { name, demo: d, prom: p, diff: `${((100 * Math.abs(d - p)) / Math.max(Math.abs(d), Math.abs(p))).toFixed(2)}%` };
    });
    console.log(`# demo vs Prometheus (mean over ${new Date(range.spec.from_ms).toISOString()} + 1 h): ${JSON.stringify(rows)}`);
    for (const r of rows) assert.ok(near(r.demo, r.prom, TOLERANCE), `${r.name}: demo ${r.demo} vs prom ${r.prom} (${r.diff})`);
    for (const i of [0, 1, 2, 3]) {
      assert.equal(snap.panels[2 * i].kpi.unit, snap.panels[2 * i + 1].kpi.unit, 'same unit on both');
    }
    assert.deepEqual(realErrors(page), [], 'no page errors or console errors');
    await page.context().close();
  });

  test("a bad PromQL expression shows the server's parse error; the other panels keep their data", T, async () => {
    const dash = spec(
      'E2E bad PromQL',
      [
        kpi('good', 'Good structured KPI', 'prom', RATE, 'req_per_sec'),
        kpi('bad', 'Broken PromQL', 'prom', promql('sum(rate(')),
        timeseries('chart', 'Good PromQL chart', 'prom', [promql('sum by (service) (rate(shop_http_requests_total[1m]))')]),
      ],
      range,
    );
    const { page, snap: settled } = await open(dash);
    assert.deepEqual(
      settled.panels.map((p) => p.state),
      ['ok', 'error', 'ok'],
      `panel states; panel-errors: ${JSON.stringify(settled.panels.map((p) => p.error))}`,
    );
    await waitFor(page, 'a numeric value on the good KPI', () => {
      const k = document.querySelector('[data-testid="kpi-value"]');
      const v = k && k.getAttribute('data-value');
      return v !== null && v.trim() !== '' && Number.isFinite(Number(v));
    });
    const snap = await snapshot(page);
    const bad = snap.panels[1];
    assert.ok(bad.error, 'panel-error on the broken panel');
    assert.match(bad.error, /parse error|unclosed left parenthesis/i, `the server's message in: ${bad.error}`);
    assert.equal(snap.panels[0].error, null);
    assert.equal(snap.panels[2].error, null);
    assert.deepEqual(snap.panels[2].charts, ['6']);
    assert.notEqual(snap.overall, 'ok', 'an errored panel blocks the all-green banner');
    assert.deepEqual(uncaught(page), [], 'no uncaught errors');
    await page.context().close();
  });

  test('a datasource on a closed port shows panel-error; the others stay ok', T, async () => {
    const dash = spec(
      'E2E Prometheus down',
      [
        kpi('good', 'Reachable Prometheus', 'prom', RATE, 'req_per_sec'),
        kpi('down', 'Unreachable Prometheus', 'prom-down', RATE, 'req_per_sec'),
        timeseries('chart', 'Unreachable chart', 'prom-down', [RATE]),
      ],
      range,
    );
    const { page, snap } = await open(dash);
    assert.deepEqual(snap.panels.map((p) => p.state), ['ok', 'error', 'error'], JSON.stringify(snap.panels));
    for (const p of snap.panels.slice(1)) assert.ok(p.error && p.error.length > 0, `panel-error on "${p.title}"`);
    assert.ok(isNumeric(snap.panels[0].kpi.value), `good KPI ${JSON.stringify(snap.panels[0].kpi)}`);
    assert.ok(!snap.panels[1].kpi || !isNumeric(snap.panels[1].kpi.value), 'no value for the unreachable KPI');
    assert.deepEqual(uncaught(page), [], 'no uncaught errors');
    await page.context().close();
  });

  test('a same-origin relative datasource URL (/prom, proxied) works like the direct one', T, async () => {
    const before = env.server.requests.length;
    const q = promql('sum(rate(shop_http_requests_total[5m]))');
    const dash = spec(
      'E2E relative URL',
      [
        kpi('proxied', 'Through /prom', 'prom-proxy', q, 'req_per_sec', 'mean'),
        kpi('direct', 'Direct', 'prom', q, 'req_per_sec', 'mean'),
        kpi('proxied_structured', 'Structured through /prom', 'prom-proxy', RATE, 'req_per_sec', 'mean'),
      ],
      range,
    );
    const { page } = await open(dash);
    const snap = await allOk(page, 'all three KPIs ok and numeric');
    const [proxied, direct, structured] = snap.panels.map((p) => Number(p.kpi.value));
    assert.ok(near(proxied, direct, 1e-9), `same query, same server: ${proxied} vs ${direct}`);
    assert.ok(near(structured, direct, TOLERANCE), `structured ${structured} vs PromQL ${direct}`);
    const proxiedPaths = env.server.requests.slice(before).filter((p) => p.startsWith('/prom/api/v1/'));
    assert.ok(proxiedPaths.length > 0, `requests went through /prom: ${env.server.requests.slice(before)}`);
    assert.deepEqual(realErrors(page), [], 'no page errors or console errors');
    await page.context().close();
  });

  test('a variable with options from Prometheus re-queries its panels when changed', T, async () => {
    const byService = { kind: 'metric', spec: { ...RATE.spec, matchers: [{ label: 'service', op: '=', value: '$service' }] } };
    const dash = spec('Variables on Prometheus', [kpi('v', 'Rate of $service', 'prom', byService, 'req_per_sec', 'mean')], range);
    dash.variables = [{ name: 'service', metric: 'shop_http_requests_total', datasource: 'prom', current: ['gateway'] }];
    const { page } = await open(dash);
    await allOk(page, 'the gateway KPI');
    const sel = '[data-testid="variable"][data-name="service"]';
    assert.equal(await page.getAttribute(sel, 'data-value'), 'gateway');
    const gateway = Number((await snapshot(page)).panels[0].kpi.value);
    await waitFor(page, 'billing among the options from Prometheus', () =>
      [...document.querySelectorAll('[data-testid="variable"][data-name="service"] option')].some((o) => o.value === 'billing'),
    );
    await page.selectOption(sel, 'billing');
    await waitFor(page, 'the variable reports billing', () =>
      document.querySelector('[data-testid="variable"][data-name="service"]').getAttribute('data-value') === 'billing',
    );
    await allOk(page, 'the billing KPI');
    await waitFor(page, 'the KPI value changed with the variable', (before) => {
      const v = document.querySelector('[data-testid="kpi-value"]').getAttribute('data-value');
      return v !== '' && Number(v) !== before;
    }, gateway);
    const billing = Number((await snapshot(page)).panels[0].kpi.value);
    assert.ok(billing < gateway, `billing (${billing}) serves less than the gateway (${gateway})`);
    assert.match(page.url(), /#d=1\./, 'the selection is in the link');
  });

  test('the datasource status line says which datasources answer', T, async () => {
    const { page } = await open(spec('Status line', [kpi('a', 'Rate', 'prom', RATE, 'req_per_sec')], range));
    await waitFor(page, 'three datasource statuses', () => document.querySelectorAll('[data-testid="datasource-status"]').length >= 3);
    const status = (name) => page.getAttribute(`[data-testid="datasource-status"][data-name="${name}"]`, 'data-status');
    await waitFor(page, 'prom-down checked', () =>
      document.querySelector('[data-testid="datasource-status"][data-name="prom-down"]').getAttribute('data-status') !== 'checking',
    );
    assert.equal(await status('demo'), 'ok');
    assert.equal(await status('prom'), 'ok');
    assert.equal(await status('prom-down'), 'error');
    assert.match(await page.getAttribute('[data-testid="datasource-status"][data-name="prom"]', 'title'), /Prometheus 2\./);
  });

  test('Prometheus series as a health source: one cell per series, an empty answer is never green', T, async () => {
    const dash = spec('Health from Prometheus', [{ id: 'h', title: 'Dependencies', datasource: 'prom-health', kind: 'health_grid', spec: {} }], range);
    const page = await env.newPage();
    await page.goto(jsonLink(env.url, dash));
    await waitFor(page, 'two inventory dependency cells', () =>
      document.querySelectorAll('[data-testid="health-cell"][data-service="inventory"]').length === 2,
    );
    const cells = await page.$$eval('[data-testid="health-cell"]', (cs) => cs.map((c) => [c.dataset.service, c.dataset.check, c.dataset.state]));
    const inventory = cells.filter((c) => c[0] === 'inventory');
    assert.deepEqual(inventory.map((c) => c[1]).sort(), ['postgres', 'redis'], JSON.stringify(cells));
    assert.ok(inventory.every((c) => ['ok', 'fail'].includes(c[2])), JSON.stringify(inventory));
    const nothing = cells.filter((c) => c[0] === 'nothing');
    assert.ok(nothing.length >= 1 && nothing.every((c) => c[2] === 'unknown'), JSON.stringify(nothing));
    assert.notEqual(await page.getAttribute('[data-testid="overall-status"]', 'data-status'), 'ok');
  });

  test('hostile label values from Prometheus are shown as text, never run', T, async () => {
    const dash = spec(
      'E2E hostile labels',
      [timeseries('hostile', 'Hostile legend', 'prom', [promql('shop_hostile_info')])],
      range,
    );
    const { page } = await open(dash);
    const snap = await allOk(page, 'the hostile chart ok');
    assert.deepEqual(snap.panels[0].charts, ['3']);
    const injected = await page.evaluate(() => ({
      img: document.querySelectorAll('img[src="x"]').length,
      bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
      scripts: [...document.scripts].filter((s) => s.textContent.includes('alert(1)')).length,
    }));
    assert.deepEqual(injected, { img: 0, bold: 0, scripts: 0 }, 'no element made from a label value');
    assert.deepEqual(page.dialogs, [], 'no alert() ran');
    assert.deepEqual(uncaught(page), [], 'no uncaught errors');
    await page.context().close();
  });
}

// ---------------------------------------------------------------------------------- main

if (!PROM && REQUIRED) {
  test('a test Prometheus is running (NAPKIN_PROM_URL is set)', () => {
    assert.fail(
      'NAPKIN_PROM_URL is not set although ./napkin test requires it: the "test Prometheus" phase ' +
        'failed (see its output above and ~/.cache/napkin-tools/logs/prometheus.log)',
    );
  });
} else if (!PROM) {
  const why = 'NAPKIN_PROM_URL is not set: start a test Prometheus with `./napkin prom` and export what it prints';
  console.log(`# prometheus.test.cjs: skipped, ${why}`);
  test('Prometheus end-to-end tests', { skip: why }, () => {});
} else {
  suite();
}
