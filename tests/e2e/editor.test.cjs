'use strict';
// End-to-end tests of composing panels: add a panel with the query builder (metric,
// filter, function, aggregation, grouping) and see its generated PromQL and its data;
// edit, duplicate and remove panels; every change travels in the link and in history.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, snapshot, waitFor, waitSettled, fillInput, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const env = useSetup();

const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
const small = {
  version: 1,
  title: 'Compose me',
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: [{ id: 'a', title: 'Total rate', datasource: 'demo', kind: 'kpi', spec: { query: RATE, unit: 'req_per_sec' } }],
};

test('a panel built with the query builder shows its PromQL and its data, and travels in the link', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, small));
  await waitSettled(page, 1);
  await page.click('[data-testid="add-panel"]');
  await page.waitForSelector('[data-testid="panel-editor"]');
  await fillInput(page, 'editor-title', 'Checkout 5xx by service');
  await fillInput(page, 'editor-metric', 'shop_http_requests_total');
  await page.click('[data-testid="editor-add-filter"]');
  const filter = page.locator('[data-testid="editor-filter"]').first();
  await filter.locator('input').first().fill('status');
  await filter.locator('input').first().dispatchEvent('change');
  await filter.locator('select').selectOption('=~');
  await filter.locator('input').nth(1).fill('5..');
  await fillInput(page, 'editor-by', 'service');
  const promql = await page.locator('[data-testid="editor-promql-preview"]').innerText();
  assert.equal(promql, 'sum by (service) (rate(shop_http_requests_total{status=~"5.."}[1m]))');
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'the editor closes', () => !document.querySelector('[data-testid="panel-editor"]'));
  await waitFor(page, 'the new chart has data', () => {
    const p = document.querySelector('[data-testid="panel"][data-title="Checkout 5xx by service"]');
    return p && p.getAttribute('data-state') === 'ok' && Number(p.querySelector('[data-testid="chart"]').getAttribute('data-series')) >= 2;
  });
  assert.match(page.url(), /#d=1\./, 'the edit was written to the link');

  const other = await env.newPage();
  await other.goto(page.url());
  await waitSettled(other, 2);
  assert.deepEqual((await snapshot(other)).panels.map((p) => p.title), ['Total rate', 'Checkout 5xx by service']);
  assert.deepEqual(uncaught(page), []);
});

test('invalid builder input is explained and nothing is saved', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, small));
  await waitSettled(page, 1);
  await page.click('[data-testid="add-panel"]');
  await fillInput(page, 'editor-title', 'Broken');
  await page.locator('[data-testid="editor-direction"]').selectOption('above');
  await fillInput(page, 'editor-warn', 'lots');
  await page.click('[data-testid="editor-apply"]');
  const problems = await page.locator('[data-testid="editor-problems"]').innerText();
  assert.match(problems, /Pick a metric/);
  assert.match(problems, /must be a number/);
  assert.equal((await snapshot(page)).panels.length, 1);
});

test('edit, duplicate and remove a panel; back undoes the removal', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, small));
  await waitSettled(page, 1);
  await page.click('[data-testid="panel-edit"]');
  await fillInput(page, 'editor-title', 'Renamed');
  await page.locator('[data-testid="editor-kind"]').selectOption('timeseries');
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'the renamed chart', () => !!document.querySelector('[data-testid="panel"][data-title="Renamed"][data-kind="timeseries"][data-state="ok"]'));
  await page.click('[data-testid="panel-duplicate"]');
  await waitFor(page, 'two panels', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
  await page.locator('[data-testid="panel-remove"]').first().click();
  await waitFor(page, 'one panel left', () => document.querySelectorAll('[data-testid="panel"]').length === 1);
  assert.deepEqual((await snapshot(page)).panels.map((p) => p.title), ['Renamed (copy)']);
  await page.goBack();
  await waitFor(page, 'back restores the removed panel', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
});
