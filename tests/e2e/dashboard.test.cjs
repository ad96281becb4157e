'use strict';
// End-to-end tests of the release build against the stable contract hooks (data-testid
// and data-* attributes, see README.md). Every wait polls the page with a generous
// timeout; no sleep is ever an assertion.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const {
  snapshot,
  waitFor,
  waitSettled,
  fillInput,
  jsonLink,
  uncaught,
  TEST_TIMEOUT_MS,
  useSetup,
} = require('./lib/harness.cjs');

const HOUR = 3600 * 1000;
const T = { timeout: TEST_TIMEOUT_MS };

const env = useSetup();

const RATE_QUERY = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };

/** A hand-written dashboard spec (see src/core/spec/model.rs). */
function spec(title, panels, time = { kind: 'relative', spec: { last_s: 3600 } }) {
  return { version: 1, title, time, panels };
}
function kpi(id, title, datasource = 'demo') {
  return { id, title, datasource, kind: 'kpi', spec: { query: RATE_QUERY, unit: 'req_per_sec' } };
}
function timeseries(id, title, datasource = 'demo') {
  return { id, title, datasource, kind: 'timeseries', spec: { queries: [RATE_QUERY], unit: 'req_per_sec' } };
}

const isNumeric = (v) => v !== null && v !== undefined && String(v).trim() !== '' && Number.isFinite(Number(v));
const layout = (snap) => snap.panels.map((p) => [p.kind, p.title]);

/** Opens the demo dashboard and waits until it has settled with 4+ numeric KPIs. */
async function openDemo() {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitFor(page, 'the demo dashboard title "Shop overview"', () =>
    document.body.innerText.includes('Shop overview'),
  );
  await waitFor(page, '4+ KPI panels in state ok with a numeric data-value', () => {
    const numeric = (v) => v !== null && v.trim() !== '' && Number.isFinite(Number(v));
    return (
      [...document.querySelectorAll('[data-testid="panel"][data-kind="kpi"]')].filter((p) => {
        const k = p.querySelector('[data-testid="kpi-value"]');
        return p.getAttribute('data-state') === 'ok' && k && numeric(k.getAttribute('data-value'));
      }).length >= 4
    );
  });
  const snap = await waitSettled(page, 4);
  return { page, snap };
}

/** Waits until some chart canvas shows real drawing; returns its pixel statistics. */
async function waitForDrawnChart(page) {
  return waitFor(page, 'a chart canvas with data-series >= 1 and several distinct colours', () => {
    for (const c of document.querySelectorAll('canvas[data-testid="chart"]')) {
      if (!(Number(c.getAttribute('data-series')) >= 1)) continue;
      const s = window.__napkinCanvasStats(c);
      if (s.distinct >= 3 && s.nonBackground >= 200 && s.chromatic >= 20) return s;
    }
    return null;
  });
}

/** Dashboard state as seen after opening `link` in a new browser context. */
async function openLink(link, minPanels) {
  const page = await env.newPage();
  await page.goto(link);
  const snap = await waitSettled(page, minPanels);
  return { page, snap };
}

/** Clicks share and waits for a share link different from `previous`. */
async function share(page, previous = null) {
  await page.click('[data-testid="share"]');
  const link = await waitFor(
    page,
    'a share link in [data-testid="share-link"]',
    (prev) => {
      const el = document.querySelector('[data-testid="share-link"]');
      const v = el && el.value;
      return v && /^https?:\/\/.+#.+/.test(v) && v !== prev ? v : null;
    },
    previous,
  );
  return link;
}

// (a)
test('demo dashboard "Shop overview" renders with no backend', T, async () => {
  const { page, snap } = await openDemo();
  const kpis = snap.panels.filter((p) => p.kind === 'kpi');
  assert.ok(kpis.length >= 4, `expected 4+ KPI panels, got ${JSON.stringify(kpis)}`);
  for (const p of snap.panels) assert.ok(p.title && p.title.trim(), `panel without data-title: ${JSON.stringify(p)}`);
  for (const p of kpis.filter((p) => p.state === 'ok')) {
    assert.ok(p.kpi, `KPI panel "${p.title}" has no kpi-value`);
    assert.ok(isNumeric(p.kpi.value), `KPI "${p.title}" data-value is not a number: ${p.kpi.value}`);
    assert.ok(['ok', 'warn', 'fail', 'unknown', 'none'].includes(p.kpi.status), `KPI "${p.title}" data-status ${p.kpi.status}`);
    assert.ok(p.kpi.unit !== null, `KPI "${p.title}" has no data-unit`);
  }
  assert.ok(snap.overall && snap.overall.trim(), `overall-status has no data-status: ${snap.overall}`);
  assert.ok(snap.time && isNumeric(snap.time.from) && isNumeric(snap.time.to), `time-range: ${JSON.stringify(snap.time)}`);
  assert.ok(Number(snap.time.from) < Number(snap.time.to), 'time-range from < to');
  assert.ok(snap.panels.some((p) => p.kind === 'timeseries'), 'the demo has a timeseries panel');

  const stats = await waitForDrawnChart(page);
  assert.ok(stats.distinct >= 3, JSON.stringify(stats));
  assert.deepEqual(page.errors, [], 'no page errors or console errors');
  await page.context().close();
});

// (b)
test('time preset 6h moves the time range and panels re-render', T, async () => {
  const { page } = await openDemo();
  await waitForDrawnChart(page);
  if ((await page.inputValue('[data-testid="time-preset"]')) === '6h') {
    await page.selectOption('[data-testid="time-preset"]', '1h');
    await waitFor(page, 'a 1h range', () => {
      const t = document.querySelector('[data-testid="time-range"]');
      return Number(t.getAttribute('data-to')) - Number(t.getAttribute('data-from')) === 3600e3;
    });
    await waitSettled(page, 4);
  }
  const before = await snapshot(page);
  const chartsBefore = await page.evaluate(() =>
    [...document.querySelectorAll('canvas[data-testid="chart"]')].map((c) => c.toDataURL()),
  );

  await page.selectOption('[data-testid="time-preset"]', '6h');
  await waitFor(
    page,
    'time-range to - from = 6h and a new data-from',
    (oldFrom) => {
      const t = document.querySelector('[data-testid="time-range"]');
      const from = t.getAttribute('data-from');
      return Number(t.getAttribute('data-to')) - Number(from) === 6 * 3600e3 && from !== oldFrom;
    },
    before.time.from,
  );
  const after = await waitSettled(page, 4);
  assert.deepEqual(layout(after), layout(before), 'same panels after a time change');
  assert.deepEqual(
    after.panels.map((p) => p.state),
    before.panels.map((p) => p.state),
    'panels return to their states (ok) after the time change',
  );
  assert.ok(after.panels.filter((p) => p.state === 'ok').length >= 4);
  // Re-rendered: a chart's pixels differ from the 1h rendering.
  await waitFor(
    page,
    'a chart redrawn for the 6h range',
    (old) =>
      [...document.querySelectorAll('canvas[data-testid="chart"]')].some((c, i) => old[i] !== undefined && c.toDataURL() !== old[i]),
    chartsBefore,
  );
  assert.equal(after.time.live, before.time.live, 'a preset keeps the live/frozen mode');
  assert.deepEqual(page.errors, [], 'no page errors or console errors');
  await page.context().close();
});

// (c)
test('share link opens the same frozen dashboard in a new browser context', T, async () => {
  const { page } = await openDemo();
  await page.selectOption('[data-testid="refresh"]', '0');
  const link = await share(page);
  const original = await waitSettled(page, 4);
  assert.ok(link.startsWith(env.url), `share link ${link} is not on ${env.url}`);

  // The link length is shown.
  const lengthText = await page.textContent('[data-testid="link-length"]');
  const numbers = (lengthText || '').replace(/(\d)[,.\u202f\u00a0 ](?=\d{3}\b)/g, '$1').match(/\d+/g) || [];
  assert.ok(numbers.map(Number).includes(link.length), `link-length "${lengthText}" does not show ${link.length}`);

  const opened = await openLink(link, original.panels.length);
  assert.deepEqual(layout(opened.snap), layout(original), 'same panel kinds and titles, same order');
  assert.equal(opened.snap.time.from, original.time.from, 'identical data-from');
  assert.equal(opened.snap.time.to, original.time.to, 'identical data-to');
  assert.equal(opened.snap.time.live, 'false', 'a shared link is frozen by default');
  assert.equal(opened.snap.linkError, null, 'no link-error for a good link');
  await waitForDrawnChart(opened.page);
  assert.deepEqual(page.errors, [], 'no errors on the sharing page');
  assert.deepEqual(opened.page.errors, [], 'no errors on the opened page');
  await opened.page.context().close();

  // "keep live": the link opens live, with the same window length ending near now.
  await page.check('[data-testid="share-live"]');
  const liveLink = await share(page, link);
  const live = await openLink(liveLink, original.panels.length);
  assert.deepEqual(layout(live.snap), layout(original), 'same panels in the live link');
  assert.equal(live.snap.time.live, 'true', 'keep live opens live');
  const span = Number(live.snap.time.to) - Number(live.snap.time.from);
  assert.equal(span, Number(original.time.to) - Number(original.time.from), 'same window length');
  assert.ok(Math.abs(Number(live.snap.time.to) - Date.now()) < 10 * 60e3, 'a live window ends near now');
  assert.deepEqual(live.page.errors, [], 'no errors on the live page');
  await live.page.context().close();
  await page.context().close();
});

test('an absolute time range survives the share link exactly', T, async () => {
  const { page } = await openDemo();
  const minute = 60e3;
  const to = Math.floor(Date.now() / minute) * minute - HOUR;
  const from = to - 3 * HOUR;
  const rfc3339 = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  await fillInput(page, 'time-from', rfc3339(from));
  await fillInput(page, 'time-to', rfc3339(to));
  await page.click('[data-testid="time-apply"]');
  await waitFor(
    page,
    `time-range ${from}..${to}, not live`,
    ([f, t]) => {
      const el = document.querySelector('[data-testid="time-range"]');
      return (
        el.getAttribute('data-from') === String(f) &&
        el.getAttribute('data-to') === String(t) &&
        el.getAttribute('data-live') === 'false'
      );
    },
    [from, to],
  );
  const original = await waitSettled(page, 4);
  const link = await share(page);
  const opened = await openLink(link, original.panels.length);
  assert.deepEqual(layout(opened.snap), layout(original));
  assert.deepEqual(opened.snap.time, { from: String(from), to: String(to), live: 'false' });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(opened.page.errors, []);
  await opened.page.context().close();
  await page.context().close();
});

// (d)
test('damaged links show link-error and keep the dashboard shell', T, async () => {
  const { page } = await openDemo();
  const link = await share(page);
  await page.context().close();

  const hash = link.indexOf('#');
  const m = /^(d=1\.|json=)(.*)$/.exec(link.slice(hash + 1));
  assert.ok(m, `share link fragment is neither #d=1. nor #json=: ${link}`);
  const payload = m[2];
  assert.ok(payload.length >= 8, `payload too short to truncate: ${payload}`);
  const truncated = link.slice(0, hash + 1) + m[1] + payload.slice(0, Math.floor(payload.length / 2));

  const damaged = [
    ['truncated share link', truncated],
    ['garbage compact link', `${env.url}#d=1.@@@`],
    ['broken JSON link', `${env.url}#json=${encodeURIComponent('{"version":1,"title":"half')}`],
  ];
  for (const [name, url] of damaged) {
    const p = await env.newPage();
    await p.goto(url);
    const text = await waitFor(p, `a non-empty link-error for the ${name}`, () => {
      const el = document.querySelector('[data-testid="link-error"]');
      const t = el && (el.textContent || '').trim();
      return t || null;
    });
    assert.ok(text.length > 0);
    // The shell is there (not a blank page), and recovered panels, if any, settle.
    await waitFor(p, `the dashboard shell after the ${name}`, () =>
      !!document.querySelector('[data-testid="time-range"]') && document.body.innerText.trim().length > 0,
    );
    const snap = await waitSettled(p, 0, `recovered panels to settle after the ${name}`);
    assert.ok(snap.bodyText.length > 0, `blank page for the ${name}`);
    assert.deepEqual(uncaught(p), [], `no uncaught errors for the ${name}`);
    await p.context().close();
  }
});

// (e)
test('#json= link with a hand-written 2-panel spec opens those panels', T, async () => {
  const dash = spec('E2E two panels', [kpi('req', 'E2E request rate'), timeseries('req_chart', 'E2E requests over time')]);
  const { page, snap } = await openLink(jsonLink(env.url, dash), 2);
  assert.deepEqual(layout(snap), [
    ['kpi', 'E2E request rate'],
    ['timeseries', 'E2E requests over time'],
  ]);
  await waitFor(page, 'both panels ok', () =>
    [...document.querySelectorAll('[data-testid="panel"]')].every((p) => p.getAttribute('data-state') === 'ok'),
  );
  const ok = await snapshot(page);
  assert.ok(isNumeric(ok.panels[0].kpi && ok.panels[0].kpi.value), `KPI value: ${JSON.stringify(ok.panels[0].kpi)}`);
  assert.equal(ok.panels[0].kpi.unit, 'req_per_sec');
  assert.ok(Number(ok.panels[1].charts[0]) >= 1, `timeseries data-series: ${ok.panels[1].charts}`);
  assert.equal(Number(ok.time.to) - Number(ok.time.from), HOUR, 'relative 1h');
  assert.equal(ok.time.live, 'true', 'a relative range is live');
  assert.equal(ok.linkError, null, 'no link-error');
  assert.ok(ok.bodyText.includes('E2E two panels') || (await page.title()).includes('E2E two panels'), 'dashboard title shown');
  await waitForDrawnChart(page);
  assert.deepEqual(page.errors, [], 'no page errors or console errors');
  await page.context().close();
});

// (f)
test('a panel on an unknown datasource shows panel-error; the others stay ok', T, async () => {
  const dash = spec('E2E unknown datasource', [
    kpi('a', 'E2E good KPI'),
    kpi('b', 'E2E missing datasource', 'no-such-datasource'),
    timeseries('c', 'E2E good chart'),
  ]);
  const { page, snap } = await openLink(jsonLink(env.url, dash), 3);
  assert.deepEqual(layout(snap), [
    ['kpi', 'E2E good KPI'],
    ['kpi', 'E2E missing datasource'],
    ['timeseries', 'E2E good chart'],
  ]);
  assert.deepEqual(snap.panels.map((p) => p.state), ['ok', 'error', 'ok']);
  assert.ok(snap.panels[1].error && snap.panels[1].error.length > 0, 'panel-error text for the unknown datasource');
  assert.equal(snap.panels[0].error, null, 'no panel-error on a good panel');
  assert.notEqual(snap.overall, 'ok', 'an errored panel blocks the all-green banner');
  assert.deepEqual(uncaught(page), [], 'no uncaught errors');
  await page.context().close();
});
