'use strict';
// End-to-end tests of drill-down and incident sharing (issue #6) on the demo datasource:
// a KPI tile opens its planned child, a chart point drills into its bucket (or the traces
// of that window), breadcrumbs show the path, browser back walks it with each level's time
// range restored; incident notes travel in a share link and show as markers on every
// chart in a fresh browser; a snapshot exported here opens in a fresh browser with no
// backend, showing the stored frames. Dragging a range drills into exactly that window; a
// tile's target can be a dashboard chosen in the side editor.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, snapshot, waitFor, waitSettled, jsonLink, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
});

/** The breadcrumb texts, in order ([] when there is no trail). */
async function crumbs(page) {
  return page.locator('[data-testid="breadcrumb"]').allInnerTexts();
}

/** The time-range hook's values. */
async function timeRange(page) {
  return page.evaluate(() => {
    const tr = document.querySelector('[data-testid="time-range"]');
    return { from: Number(tr.getAttribute('data-from')), to: Number(tr.getAttribute('data-to')), live: tr.getAttribute('data-live') };
  });
}

/** Waits until the current breadcrumb (the last) reads `text`, or none exist when null. */
async function waitLevel(page, text, count) {
  await waitFor(
    page,
    `level "${text}" with ${count} breadcrumbs`,
    ([text, count]) => {
      const cs = [...document.querySelectorAll('[data-testid="breadcrumb"]')];
      if (text === null) return cs.length === 0;
      return cs.length === count && cs[cs.length - 1].innerText.trim() === text && cs[cs.length - 1].getAttribute('aria-current') === 'page';
    },
    [text, count],
  );
}

/** Clicks (without dragging) at a fraction of a chart panel's width; returns the chart's box. */
async function clickChart(page, title, fraction = 0.6) {
  const overlay = page.locator(`[data-testid="panel"][data-title="${title}"] .nk-chart-overlay`);
  const box = await overlay.boundingBox();
  assert.ok(box && box.width > 100, `chart "${title}" has a size: ${JSON.stringify(box)}`);
  const x = box.x + box.width * fraction;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.up();
  return box;
}

/**
 * Drags across a chart panel from one fraction of its width to another; returns the window
 * the chart showed as selected (`chart-selection`) just before the release.
 */
async function dragChart(page, title, from, to) {
  const overlay = page.locator(`[data-testid="panel"][data-title="${title}"] .nk-chart-overlay`);
  const box = await overlay.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 3 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 3 });
  const sel = page.locator(`[data-testid="panel"][data-title="${title}"] [data-testid="chart-selection"]`);
  await sel.waitFor();
  const selected = { from: Number(await sel.getAttribute('data-from-ms')), to: Number(await sel.getAttribute('data-to-ms')), text: await sel.innerText() };
  await page.mouse.up();
  return selected;
}

test('drag a range, then drill from a KPI tile and a bucket; browser history walks back, each level restored', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  assert.deepEqual(await crumbs(page), [], 'the top level has no breadcrumbs');
  const live = await timeRange(page);

  // Dragging a range drills into exactly the selected window, as a level of its own.
  const selected = await dragChart(page, 'Requests by service', 0.3, 0.7);
  assert.ok(selected.from > live.from && selected.to < live.to && selected.to - selected.from > 60000, `a window inside the hour: ${JSON.stringify({ live, selected })}`);
  // Clock times alone, or with both dates when the window crosses midnight UTC (a run
  // near midnight drags such a window: CI once did).
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const clock = (ms) => new Date(ms).toISOString().slice(11, 19);
  const crossesMidnight = day(selected.from) !== day(selected.to);
  assert.match(
    selected.text,
    crossesMidnight
      ? /^Release to drill into \d{4}-\d\d-\d\d \d\d:\d\d:\d\d–\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/
      : /^Release to drill into \d\d:\d\d:\d\d–\d\d:\d\d:\d\d UTC$/,
  );
  assert.ok(selected.text.includes(clock(selected.from)) && selected.text.includes(clock(selected.to)), `the label names the selected window: ${selected.text}`);
  const zoomTitle = `Shop overview · ${selected.text.replace('Release to drill into ', '')}`;
  await waitLevel(page, zoomTitle, 2);
  const top = await timeRange(page);
  assert.deepEqual({ from: top.from, to: top.to, live: top.live }, { from: selected.from, to: selected.to, live: 'false' }, 'the level is exactly the dragged window');
  assert.equal(await page.locator('[data-testid="chart-selection"]').count(), 0, 'the selection ends with the release');
  // A variable choice is part of the level's state too.
  const VAR = '[data-testid="variable"][data-name="service"]';
  await page.click(`${VAR} [data-value="billing"]`);
  await waitFor(page, 'service = billing', (s) => document.querySelector(s).getAttribute('data-value') === 'billing', VAR);

  // The tile's planned child, carrying the window.
  await page.click('[data-testid="panel"][data-title="Request rate"] [data-testid="kpi-tile"]');
  await waitLevel(page, 'Request rate · gateway', 3);
  const level1 = await waitSettled(page, 5, 'the drill-down panels');
  assert.deepEqual(await crumbs(page), ['Shop overview', zoomTitle, 'Request rate · gateway']);
  const titles = level1.panels.map((p) => p.title);
  assert.deepEqual(titles.slice(0, 3), ['Request rate', 'Request rate by endpoint', 'Request rate by status'], JSON.stringify(titles));
  assert.deepEqual(level1.panels.map((p) => p.kind).slice(3), ['trace_search', 'health_grid']);
  assert.ok(Number(level1.panels[1].charts[0]) > 1, `one series per endpoint: ${JSON.stringify(level1.panels[1])}`);
  assert.deepEqual(await timeRange(page), top, 'the child keeps the parent window');
  assert.equal(await page.getAttribute(VAR, 'data-value'), 'billing', 'the child keeps the parent variables');

  // A chart point's bucket.
  await clickChart(page, 'Request rate by endpoint', 0.5);
  const menu = page.locator('[data-testid="chart-menu"]');
  await menu.waitFor();
  const bucket = { from: Number(await menu.getAttribute('data-from-ms')), to: Number(await menu.getAttribute('data-to-ms')) };
  assert.ok(bucket.from >= top.from - 60000 && bucket.to <= top.to + 60000 && bucket.to - bucket.from >= 1000, JSON.stringify({ bucket, top }));
  await page.click('[data-testid="drill-bucket"]');
  await waitFor(page, 'four breadcrumbs', () => document.querySelectorAll('[data-testid="breadcrumb"]').length === 4);
  await waitSettled(page, 5);
  const level2 = await timeRange(page);
  assert.deepEqual({ from: level2.from, to: level2.to }, bucket, 'the level is exactly the bucket');
  const c = await crumbs(page);
  assert.deepEqual(c.slice(0, 3), ['Shop overview', zoomTitle, 'Request rate · gateway']);
  // Dates are shown only when the window crosses midnight UTC (a run near midnight).
  assert.match(c[3], /^Request rate · gateway · (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d–(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC$/);

  // Back twice walks the levels, each with its own window.
  await page.goBack();
  await waitLevel(page, 'Request rate · gateway', 3);
  assert.deepEqual(await timeRange(page), top, 'the tile level window restored');
  await page.goBack();
  await waitLevel(page, zoomTitle, 2);
  await waitSettled(page, 8);
  assert.deepEqual(await timeRange(page), top, 'the dragged window restored');
  assert.equal(await page.getAttribute(VAR, 'data-value'), 'billing', 'its variables restored');
  assert.ok((await snapshot(page)).panels.some((p) => p.title === 'Requests by service'));
  // Two more steps back undo the variable choice, then the drag.
  await page.goBack();
  await waitFor(page, 'service = All', (s) => document.querySelector(s).getAttribute('data-value') === '$__all', VAR);
  await page.goBack();
  await waitLevel(page, null, 0);
  await waitFor(page, 'the live hour again', () => document.querySelector('[data-testid="time-range"]').getAttribute('data-live') === 'true');
  // Forward returns to the tile's level.
  for (let i = 0; i < 3; i++) await page.goForward();
  await waitLevel(page, 'Request rate · gateway', 3);
  assert.deepEqual(page.errors.filter((e) => !e.startsWith('console.error')), []);
});

test('a crumb opens its level; "Traces in this window" searches the service over the bucket', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="panel"][data-title="Error %"] [data-testid="kpi-tile"]');
  await waitLevel(page, 'Error % breakdown', 2);
  await waitSettled(page, 6);
  const titles = (await snapshot(page)).panels.map((p) => p.title);
  assert.deepEqual(titles.slice(0, 4), ['Error %', 'Error % by service', 'Error % by endpoint', 'Error % by status'], JSON.stringify(titles));

  await clickChart(page, 'Error % by service', 0.5);
  await page.locator('[data-testid="chart-menu"]').waitFor();
  const from = Number(await page.locator('[data-testid="chart-menu"]').getAttribute('data-from-ms'));
  const to = Number(await page.locator('[data-testid="chart-menu"]').getAttribute('data-to-ms'));
  await page.click('[data-testid="traces-window"]');
  await waitFor(page, 'the traces level', () => document.querySelectorAll('[data-testid="breadcrumb"]').length === 3);
  const s = await waitSettled(page, 1);
  assert.deepEqual(s.panels.map((p) => p.kind), ['trace_search']);
  const tr = await timeRange(page);
  assert.deepEqual([tr.from, tr.to], [from, to]);

  // A shared link to this level still shows its path.
  await page.click('[data-testid="share"]');
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  const fresh = await env.newPage();
  await fresh.goto(link);
  await waitSettled(fresh, 1);
  assert.deepEqual(await crumbs(fresh), await crumbs(page));
  await fresh.context().close();

  // The first crumb is a real link to its level; clicking it opens the top level.
  const href = await page.locator('[data-testid="breadcrumb"] a').first().getAttribute('href');
  assert.match(href, /^#d=1\./);
  await page.locator('[data-testid="breadcrumb"] a').first().click();
  await waitLevel(page, null, 0);
  await waitSettled(page, 8);
});

test('share with notes; the link opens in a fresh browser with markers on every chart and time frozen', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);

  // A note at "now" from the Add note control.
  await page.click('[data-testid="add-note"]');
  const prefilled = await page.locator('[data-testid="note-time"]').inputValue();
  assert.match(prefilled, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  await page.fill('[data-testid="note-text"]', 'rolled back 4.2.1 <b>bold?</b>');
  await page.fill('[data-testid="note-author"]', 'ana');
  await page.click('[data-testid="note-save"]');
  await waitFor(page, 'the first note listed', () => document.querySelectorAll('[data-testid="note-item"]').length === 1);

  // A second note at a clicked chart point, from the point's menu.
  await clickChart(page, 'Error % by service', 0.4);
  await page.click('[data-testid="note-here"]');
  const clicked = Date.parse(await page.locator('[data-testid="note-time"]').inputValue());
  const range = await timeRange(page);
  assert.ok(clicked > range.from && clicked < range.to, `the note time is the clicked instant: ${clicked} ${JSON.stringify(range)}`);
  await page.fill('[data-testid="note-text"]', 'error rate climbing');
  await page.press('[data-testid="note-text"]', 'Enter');
  await waitFor(page, 'two notes listed', () => document.querySelectorAll('[data-testid="note-item"]').length === 2);

  // Bad input is refused in words and loses nothing.
  await page.click('[data-testid="add-note"]');
  await page.fill('[data-testid="note-time"]', 'yesterday-ish');
  await page.fill('[data-testid="note-text"]', 'kept');
  await page.click('[data-testid="note-save"]');
  await waitFor(page, 'the time error', () => (document.querySelector('[data-testid="note-error"]')?.innerText || '').includes('could not be read'));
  assert.equal(await page.locator('[data-testid="note-text"]').inputValue(), 'kept');

  await page.click('[data-testid="share"]');
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  const fragment = link.slice(link.indexOf('#'));
  console.log(`# share link of the Shop overview with two notes: ${link.length} characters (fragment ${fragment.length})`);
  assert.match(fragment, /^#d=1\./);

  const fresh = await env.newPage();
  await fresh.goto(link);
  await waitSettled(fresh, 8);
  const tr = await timeRange(fresh);
  assert.equal(tr.live, 'false', 'the shared window is frozen');
  const markers = await fresh.evaluate(() =>
    [...document.querySelectorAll('[data-testid="panel"][data-kind="timeseries"]')].map((p) =>
      [...p.querySelectorAll('[data-testid="note-marker"]')].map((m) => ({
        at: Number(m.getAttribute('data-at-ms')),
        title: m.getAttribute('title'),
        visible: m.getClientRects().length > 0,
        children: m.children.length,
      })),
    ),
  );
  assert.equal(markers.length, 4, 'four charts');
  for (const onChart of markers) {
    assert.equal(onChart.length, 2, `both notes on every chart: ${JSON.stringify(markers)}`);
    assert.ok(onChart.every((m) => m.visible && m.children === 0 && m.at >= tr.from && m.at <= tr.to));
  }
  assert.ok(markers[0].some((m) => m.title.includes('rolled back 4.2.1 <b>bold?</b> (ana)')), 'the text is shown as text');
  assert.ok(markers[0].some((m) => Math.abs(m.at - clicked) < 1000));
  assert.equal(await fresh.locator('[data-testid="note-item"]').count(), 2);
  assert.equal(await fresh.locator('.nk-notes b').count(), 0, 'no markup from note text');

  // Removing a note removes its markers.
  await fresh.locator('[data-testid="note-item"]', { hasText: 'error rate climbing' }).locator('[data-testid="note-remove"]').click();
  await waitFor(fresh, 'one marker per chart', () => document.querySelectorAll('[data-testid="note-marker"]').length === 4);
  assert.ok((await fresh.locator('[data-testid="note-marker"]').first().getAttribute('title')).includes('rolled back'));
});

test('a snapshot exported here opens in a fresh browser with no backend, from its stored frames', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
  const file = path.join(os.tmpdir(), `napkin-snapshot-${process.pid}.json`);
  await download.saveAs(file);
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(snap.format, 'napkin-snapshot');
  assert.equal(snap.schema, 1);
  assert.equal(snap.dashboard.time.kind, 'absolute', 'the snapshot is frozen at its window');
  assert.equal(snap.data.length, 8, 'every metric panel has its frames');
  // Mark the stored data so the test can tell stored frames from freshly computed ones.
  const rate = snap.data.find((d) => d.panel === 'rate');
  for (const s of rate.frames[0].series) s.values = s.values.map((v) => (v === null ? null : 4242));
  fs.writeFileSync(file, JSON.stringify(snap));

  const fresh = await env.newPage();
  // No backend at all: only the app's own files load; datasources.json is refused too.
  const requests = [];
  await fresh.context().route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (!url.startsWith(env.url) || url.includes('datasources.json')) return route.abort();
    return route.continue();
  });
  await fresh.goto(env.url + '#json=' + encodeURIComponent(JSON.stringify({ version: 1, title: 'Empty', panels: [] })));
  await waitFor(fresh, 'the app', () => !!document.querySelector('[data-testid="time-range"]'));
  await fresh.setInputFiles('#nk-trace-file', file);
  await waitFor(fresh, 'snapshot mode', () => !!document.querySelector('[data-testid="snapshot-mode"]'));
  const s = await waitSettled(fresh, 8);
  const tile = s.panels.find((p) => p.title === 'Request rate');
  assert.equal(tile.kpi.value, '4242', `the stored frames are shown: ${JSON.stringify(tile)}`);
  assert.ok(s.panels.filter((p) => p.kind === 'timeseries').every((p) => p.state === 'ok'), JSON.stringify(s.panels));
  const tr = await timeRange(fresh);
  assert.equal(tr.live, 'false');
  assert.deepEqual([tr.from, tr.to], [snap.dashboard.time.spec.from_ms, snap.dashboard.time.spec.to_ms]);
  assert.deepEqual(requests.filter((u) => !u.startsWith(env.url)), [], 'nothing was asked of any other host');
  assert.deepEqual(fresh.errors.filter((e) => !e.startsWith('console.error')), []);
});

test('axe finds no serious violations with breadcrumbs, notes, note markers and a point menu open', T, async () => {
  const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="panel"][data-title="Request rate"] [data-testid="kpi-tile"]');
  await waitLevel(page, 'Request rate · gateway', 2);
  await waitSettled(page, 5);
  await clickChart(page, 'Request rate', 0.5);
  await page.click('[data-testid="note-here"]');
  await page.fill('[data-testid="note-text"]', 'deploy 4.2.1 started');
  await page.click('[data-testid="note-save"]');
  await waitFor(page, 'a marker', () => document.querySelectorAll('[data-testid="note-marker"]').length >= 3);
  await clickChart(page, 'Request rate by endpoint', 0.7);
  await page.locator('[data-testid="chart-menu"]').waitFor();
  await page.addScriptTag({ content: AXE_SOURCE });
  const serious = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${v.id} [${v.impact}]: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
  assert.deepEqual(serious, []);
});

test('a tile whose drill target is a chosen dashboard opens it with the parent window; phone viewport', T, async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
  const target = {
    version: 1,
    title: 'Chosen target',
    time: { kind: 'relative', spec: { last_s: 300 } },
    panels: [{ id: 'c', title: 'Chosen chart', datasource: 'demo', kind: 'timeseries', spec: { queries: [RATE] } }],
  };
  const from = Date.now() - 2 * 3600000;
  const parent = {
    version: 1,
    title: 'Parent board',
    time: { kind: 'absolute', spec: { from_ms: from, to_ms: from + 1800000 } },
    panels: [
      {
        id: 'a',
        title: 'Rate',
        datasource: 'demo',
        kind: 'kpi',
        spec: { query: RATE, unit: 'req_per_sec', drill: { kind: 'dashboard', spec: 'json=' + encodeURIComponent(JSON.stringify(target)) } },
      },
    ],
  };
  await page.goto(`${env.url}#json=${encodeURIComponent(JSON.stringify(parent))}`);
  await waitSettled(page, 1);
  assert.equal(await page.getAttribute('[data-testid="kpi-tile"]', 'data-drill'), 'dashboard');
  await page.tap('[data-testid="kpi-tile"] [data-testid="kpi-value"]');
  await waitLevel(page, 'Chosen target', 2);
  const s = await waitSettled(page, 1);
  assert.deepEqual(s.panels.map((p) => p.title), ['Chosen chart']);
  const tr = await timeRange(page);
  assert.deepEqual([tr.from, tr.to], [from, from + 1800000], 'the chosen dashboard takes the parent window');
  const crumb = page.locator('[data-testid="breadcrumb"]').first();
  const box = await crumb.boundingBox();
  assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= 390, `the crumb fits the phone: ${JSON.stringify(box)}`);
  await page.goBack();
  await waitLevel(page, null, 0);
  await waitSettled(page, 1);
  assert.deepEqual((await snapshot(page)).panels.map((p) => p.title), ['Rate']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the editor points a tile at a dashboard chosen from Recent; a click opens it, also from a shared link', T, async () => {
  const page = await env.newPage();
  const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
  const target = {
    version: 1,
    title: 'Checkout deep dive',
    time: { kind: 'relative', spec: { last_s: 300 } },
    panels: [{ id: 'deep', title: 'Deep chart', datasource: 'demo', kind: 'timeseries', spec: { queries: [RATE] } }],
  };
  await page.goto(jsonLink(env.url, target));
  await waitSettled(page, 1);
  await waitFor(page, 'the target autosaved to Recent', () => (localStorage.getItem('napkin.recent.v1') || '').includes('Checkout deep dive'));
  const from = Date.now() - 3 * 3600000;
  const parent = {
    version: 1,
    title: 'Parent board',
    time: { kind: 'absolute', spec: { from_ms: from, to_ms: from + 900000 } },
    panels: [{ id: 'a', title: 'Rate', datasource: 'demo', kind: 'kpi', spec: { query: RATE, unit: 'req_per_sec' } }],
  };
  await page.goto('about:blank');
  await page.goto(jsonLink(env.url, parent));
  await waitSettled(page, 1);
  const TILE = '[data-testid="kpi-tile"]';
  assert.equal(await page.getAttribute(TILE, 'data-drill'), 'auto');

  await page.click('[data-testid="panel-edit"]');
  await page.selectOption('[data-testid="editor-drill"]', 'dashboard');
  // A pasted link that does not open is refused in words; nothing is saved.
  await page.fill('[data-testid="editor-drill-link"]', 'https://napkin.example/#d=1.not-a-dashboard');
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'the refusal', () => (document.querySelector('[data-testid="editor-problems"]')?.innerText || '').includes('drill-down link cannot be opened'));
  assert.equal(await page.getAttribute(TILE, 'data-drill'), 'auto');
  // Picked from Recent: the target's link is copied into the tile.
  const key = await page.locator('[data-testid="editor-drill-recent"] option', { hasText: 'Checkout deep dive' }).getAttribute('value');
  await page.selectOption('[data-testid="editor-drill-recent"]', key);
  assert.match(await page.inputValue('[data-testid="editor-drill-link"]'), /^(d=1\.|json=)/);
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'the tile drills into a dashboard', (s) => document.querySelector(s)?.getAttribute('data-drill') === 'dashboard', TILE);
  // The choice is an edit like any other.
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'undone', (s) => document.querySelector(s)?.getAttribute('data-drill') === 'auto', TILE);
  await page.click('[data-testid="redo"]');
  await waitFor(page, 'redone', (s) => document.querySelector(s)?.getAttribute('data-drill') === 'dashboard', TILE);

  await page.click('[data-testid="share"]');
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  await page.click(TILE);
  await waitLevel(page, 'Checkout deep dive', 2);
  assert.deepEqual((await waitSettled(page, 1)).panels.map((p) => p.title), ['Deep chart']);
  const tr = await timeRange(page);
  assert.deepEqual([tr.from, tr.to], [from, from + 900000], 'the chosen dashboard takes the parent window');
  await page.goBack();
  await waitLevel(page, null, 0);

  // The target travels in the link: a fresh browser with an empty Recent list opens it too.
  const fresh = await env.newPage();
  await fresh.goto(link);
  await waitSettled(fresh, 1);
  await fresh.click(TILE);
  await waitLevel(fresh, 'Checkout deep dive', 2);
  assert.deepEqual(fresh.errors.filter((e) => !e.startsWith('console.error')), []);
  assert.deepEqual(page.errors.filter((e) => !e.startsWith('console.error')), []);
});

test('the Incident board template shared frozen with two notes: link length measured', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="library"]');
  await page.click('[data-testid="new-template-incident-board"]');
  await waitFor(page, 'the Incident board', () => [...document.querySelectorAll('[data-testid="panel"]')].some((p) => p.getAttribute('data-kind') === 'health_grid'));
  const board = await waitSettled(page, 4);
  for (const [i, text] of ['checkout 5xx alert fired; rolling back 4.2.1', 'rollback done, error rate back under 1 %'].entries()) {
    await page.click('[data-testid="add-note"]');
    const range = await timeRange(page);
    await page.fill('[data-testid="note-time"]', new Date(range.from + (range.to - range.from) * (0.3 + 0.3 * i)).toISOString());
    await page.fill('[data-testid="note-text"]', text);
    if (i === 0) await page.fill('[data-testid="note-author"]', 'ana');
    await page.click('[data-testid="note-save"]');
    await waitFor(page, `${i + 1} notes`, (n) => document.querySelectorAll('[data-testid="note-item"]').length === n, i + 1);
  }
  await page.click('[data-testid="share"]');
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  const meter = await page.textContent('[data-testid="link-length"]');
  const fragment = link.slice(link.indexOf('#'));
  console.log(`# Incident board (${board.panels.length} panels), frozen, two notes: link ${link.length} characters, fragment ${fragment.length}; meter: "${meter}"`);
  assert.ok(link.length < 2000, `fits chat tools: ${link.length}`);
  assert.ok(meter.replace(/[^0-9]/g, ' ').split(/\s+/).includes(String(link.length)), meter);
  const fresh = await env.newPage();
  await fresh.goto(link);
  await waitSettled(fresh, 4);
  assert.equal(await fresh.locator('[data-testid="note-item"]').count(), 2);
});
