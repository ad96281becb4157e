'use strict';
// End-to-end tests of issue #6 item 4 ("Share freezes ... resolved variables"): a frozen
// share replaces a variable set to "All" by the explicit list of values the sharer's page
// had loaded, so whoever opens the link later sees and queries exactly those values, even
// when the datasource has gained a service since. When a variable's options did not load,
// the share keeps "All" and says so in words (`data-testid="share-warning"`).
//
// The demo Shop overview covers the selector and the charts; a Prometheus-shaped fixture
// covers the request URLs: its label values can change between the share and the opening,
// and every `query_range` it answers is recorded. A snapshot export freezes the same way.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, waitFor, waitSettled, jsonLink, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startPromShaped } = require('./lib/prom-fixture.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const SEL = '[data-testid="variable"][data-name="service"]';

/**
 * A Prometheus-shaped fixture under `/<mode>/api/v1/...`: `ok` answers the `service` label
 * values with `fx.services` (changeable between steps), `broken` answers them with a 500
 * error envelope. Both answer buildinfo, `query_exemplars` (none) and `query_range` (one flat
 * series per service the query names) and record every `query_range` query in `fx.queries`
 * (and count label-value questions in `fx.labelAsks`).
 */
function startPromFixture() {
  const fx = { services: ['billing', 'checkout', 'gateway'], queries: [], labelAsks: 0 };
  return startPromShaped(({ mode, route, params }, json) => {
    if (route === 'api/v1/label/service/values') {
      fx.labelAsks += 1;
      if (mode === 'broken') json(500, { status: 'error', errorType: 'internal', error: 'label index unavailable' });
      else json(200, { status: 'success', data: fx.services });
      return true;
    }
    if (route === 'api/v1/query_range') {
      const query = params.get('query') || '';
      fx.queries.push({ mode, query });
      const start = Number(params.get('start'));
      const end = Number(params.get('end'));
      const step = Math.max(1, Number(params.get('step')));
      const named = fx.services.filter((s) => query.includes(s));
      const result = named.map((service, i) => {
        const values = [];
        for (let t = Math.ceil(start / step) * step; t <= end && values.length < 11000; t += step) values.push([t, String(i + 1)]);
        return { metric: { service }, values };
      });
      json(200, { status: 'success', data: { resultType: 'matrix', result } });
      return true;
    }
    if (route === 'api/v1/query_exemplars') {
      json(200, { status: 'success', data: [] });
      return true;
    }
    return false;
  }, (origin) => ({ url: origin, fx }));
}

let env;
let prom;
before(async () => {
  prom = await startPromFixture();
  env = await setup({
    datasources: [
      { name: 'promfx', kind: 'prometheus', url: `${prom.url}/ok`, timeout_ms: 5000 },
      { name: 'promfx-broken', kind: 'prometheus', url: `${prom.url}/broken`, timeout_ms: 5000 },
    ],
  });
});
after(async () => {
  if (env) await env.teardown();
  if (prom) await prom.close();
});

/** A one-chart dashboard whose PromQL filters on `$service`, read from `datasource`. */
function serviceChart(datasource) {
  return {
    version: 1,
    title: `Requests on ${datasource}`,
    time: { kind: 'relative', spec: { last_s: 3600 } },
    variables: [{ name: 'service', metric: 'http_requests_total', datasource, multi: true, include_all: true }],
    panels: [
      {
        id: 'rps',
        title: 'Requests by service',
        datasource,
        kind: 'timeseries',
        spec: { queries: [{ kind: 'promql', spec: { expr: 'sum by (service) (rate(http_requests_total{service=~"$service"}[5m]))' } }], unit: 'req_per_sec' },
      },
    ],
  };
}

/** The values the `$service` selector offers (its chips, "All" left out), in order. */
async function offered(page) {
  return page.$$eval(`${SEL} [data-value]`, (bs) => bs.map((b) => b.getAttribute('data-value')).filter((v) => v !== '$__all'));
}

/** Which chips of the `$service` selector are pressed. */
async function pressed(page) {
  return page.$$eval(`${SEL} [data-value][aria-pressed="true"]`, (bs) => bs.map((b) => b.getAttribute('data-value')));
}

/** Clicks Share and waits for the link; returns it with the warnings shown. */
async function share(page) {
  await page.click('[data-testid="share"]');
  await waitFor(page, 'the share link', () => (document.querySelector('[data-testid="share-link"]')?.value || '').includes('#d=1.'));
  return {
    link: await page.inputValue('[data-testid="share-link"]'),
    warnings: await page.locator('[data-testid="share-warning"]').allInnerTexts(),
  };
}

test('Shop overview at All: the frozen link lists the resolved services, selected and charted in a fresh context', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  assert.equal(await page.getAttribute(SEL, 'data-value'), '$__all', 'the overview starts at All');
  await waitFor(page, 'the $service options', (s) => document.querySelectorAll(`${s} [data-value]`).length > 1, SEL);
  const values = await offered(page);
  assert.equal(values.length, 6, `the demo's six services: ${values}`);
  assert.deepEqual(await pressed(page), ['$__all']);

  const { link, warnings } = await share(page);
  assert.deepEqual(warnings, [], 'every variable was resolved: no warning');
  console.log(`Shop overview frozen with $service resolved to ${values.length} services: ${link.length}-character link`);

  const other = await env.newPage();
  await other.goto(link);
  await waitSettled(other, 8);
  assert.equal(await other.getAttribute(SEL, 'data-value'), values.join(','), 'the explicit list, not All');
  await waitFor(other, 'the chips of the opened link', (s) => document.querySelectorAll(`${s} [data-value]`).length > 1, SEL);
  assert.deepEqual((await pressed(other)).sort(), [...values].sort(), 'exactly the resolved values are selected, All is not');
  await waitFor(other, 'the six services charted', () => {
    const p = document.querySelector('[data-testid="panel"][data-title="Requests by service"]');
    return p?.getAttribute('data-state') === 'ok' && p.querySelector('[data-testid="chart"]')?.getAttribute('data-series') === '6';
  });
  assert.deepEqual(other.errors, []);
  assert.deepEqual(page.errors, []);
});

test('a frozen share queries exactly the services seen when shared, though a new one appears before it is opened', T, async () => {
  prom.fx.services = ['billing', 'checkout', 'gateway'];
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, serviceChart('promfx')));
  await waitSettled(page, 1);
  await waitFor(page, 'the three label values', (s) => document.querySelectorAll(`${s} [data-value]`).length === 4, SEL);
  assert.equal(await page.getAttribute(SEL, 'data-value'), '$__all');
  assert.ok(prom.fx.queries.some((q) => q.query.includes('service=~".*"')), 'live, All matches anything');

  const { link, warnings } = await share(page);
  assert.deepEqual(warnings, []);
  await page.close();

  prom.fx.services = ['billing', 'checkout', 'gateway', 'search'];
  prom.fx.queries.length = 0;
  const other = await env.newPage();
  await other.goto(link);
  await waitSettled(other, 1);
  assert.equal(await other.getAttribute(SEL, 'data-value'), 'billing,checkout,gateway');
  await waitFor(other, 'the chart of the opened link', () =>
    document.querySelector('[data-testid="panel"][data-title="Requests by service"] [data-testid="chart"]')?.getAttribute('data-series') === '3');
  const asked = prom.fx.queries.map((q) => q.query);
  assert.ok(asked.length >= 1, 'the opened link queried the datasource');
  for (const q of asked) {
    assert.ok(q.includes('service=~"billing|checkout|gateway"'), `exactly the shared services: ${q}`);
    assert.ok(!q.includes('.*') && !q.includes('search'), `neither All nor the new service: ${q}`);
  }
  // The new service is offered as an option but not selected.
  await waitFor(other, 'the new service offered', (s) => !!document.querySelector(`${s} [data-value="search"]`), SEL);
  assert.deepEqual((await pressed(other)).sort(), ['billing', 'checkout', 'gateway']);
  assert.deepEqual(other.errors, []);
});

test('options that failed to load: the share keeps All and warns in words; keep live does not warn', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, serviceChart('promfx-broken')));
  await waitSettled(page, 1);
  await waitFor(page, 'the failed options', (s) => !!document.querySelector(`${s} .nk-inline-error`), SEL);
  const { link, warnings } = await share(page);
  assert.deepEqual(warnings, ['service: options not loaded, shared as All']);

  await page.check('[data-testid="share-live"]');
  await waitFor(page, 'no warning for a live link', () => document.querySelectorAll('[data-testid="share-warning"]').length === 0);

  const other = await env.newPage();
  await other.goto(link);
  await waitSettled(other, 1);
  assert.equal(await other.getAttribute(SEL, 'data-value'), '$__all', 'the frozen link kept All, as the warning said');
});

test('a snapshot of $service at All lists the resolved services and, opened, offers them without asking any backend', T, async () => {
  prom.fx.services = ['billing', 'checkout', 'gateway'];
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, serviceChart('promfx')));
  await waitSettled(page, 1);
  await waitFor(page, 'the three label values', (s) => document.querySelectorAll(`${s} [data-value]`).length === 4, SEL);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
  const file = path.join(os.tmpdir(), `napkin-share-vars-snapshot-${process.pid}.json`);
  await download.saveAs(file);
  await page.close();
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const frozen = snap.dashboard.variables.find((v) => v.name === 'service');
  assert.deepEqual(frozen.current, ['billing', 'checkout', 'gateway'], 'the snapshot lists the resolved services');

  prom.fx.services = ['billing', 'checkout', 'gateway', 'search'];
  const fresh = await env.newPage();
  await fresh.goto(env.url + '#json=' + encodeURIComponent(JSON.stringify({ version: 1, title: 'Empty', panels: [] })));
  await waitFor(fresh, 'the app', () => !!document.querySelector('[data-testid="time-range"]'));
  const [asks, queries] = [prom.fx.labelAsks, prom.fx.queries.length];
  await fresh.setInputFiles('#nk-trace-file', file);
  await waitFor(fresh, 'snapshot mode', () => !!document.querySelector('[data-testid="snapshot-mode"]'));
  await waitFor(fresh, 'the frozen services offered', (s) => document.querySelectorAll(`${s} [data-value]`).length === 4, SEL);
  assert.equal(await fresh.getAttribute(SEL, 'data-value'), 'billing,checkout,gateway');
  assert.deepEqual((await pressed(fresh)).sort(), ['billing', 'checkout', 'gateway']);
  assert.deepEqual(await offered(fresh), ['billing', 'checkout', 'gateway'], 'the options are the frozen values');
  assert.equal(prom.fx.labelAsks, asks, 'a snapshot asks no datasource for label values');
  assert.equal(prom.fx.queries.length, queries, 'nor for data');
  fs.rmSync(file, { force: true });
});
