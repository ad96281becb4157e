'use strict';
// End-to-end tests of dashboard variables on the demo datasource: the Shop overview's
// $service chips filter the per-service charts, the hook reports the selection, and the
// selection travels in the link and in history.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, waitFor, waitSettled, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const env = useSetup();

const seriesOf = (title) =>
  Number(document.querySelector(`[data-testid="panel"][data-title="${title}"] [data-testid="chart"]`)?.getAttribute('data-series'));

test('choosing a $service value re-queries the charts and goes into the link; back restores All', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  const sel = '[data-testid="variable"][data-name="service"]';
  assert.equal(await page.getAttribute(sel, 'data-value'), '$__all');
  await waitFor(page, 'six services charted', seriesOf, 'Requests by service');
  assert.equal(await page.evaluate(seriesOf, 'Requests by service'), 6);
  await page.click(`${sel} [data-value="billing"]`);
  await waitFor(page, 'only billing charted', (t) => {
    const p = document.querySelector(`[data-testid="panel"][data-title="${t}"]`);
    return p.getAttribute('data-state') === 'ok' && p.querySelector('[data-testid="chart"]').getAttribute('data-series') === '1';
  }, 'Requests by service');
  assert.equal(await page.getAttribute(sel, 'data-value'), 'billing');
  assert.match(page.url(), /#d=1\./);
  const other = await env.newPage();
  await other.goto(page.url());
  await waitSettled(other, 8);
  assert.equal(await other.getAttribute(sel, 'data-value'), 'billing');
  await page.goBack();
  await waitFor(page, 'All again after back', (s) => document.querySelector(s).getAttribute('data-value') === '$__all', sel);
});

test('a variable defined from the top bar offers the label values and travels in the link', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="variable-add"]');
  await page.fill('[data-testid="variable-name"]', 'endpoint');
  await page.fill('[data-testid="variable-metric"]', 'shop_http_requests_total');
  await page.click('[data-testid="variable-create"]');
  const sel = '[data-testid="variable"][data-name="endpoint"]';
  await waitFor(page, 'endpoint options', (s) => !!document.querySelector(`${s} [data-value="/api/checkout"]`), sel);
  assert.equal(await page.getAttribute(sel, 'data-value'), '$__all');
  const other = await env.newPage();
  await other.goto(page.url());
  await waitSettled(other, 8);
  assert.ok(await other.$(sel), 'the variable is in the shared link');
  await page.click('[data-testid="variable"][data-name="endpoint"] [data-testid="variable-remove"]');
  await waitFor(page, 'the variable is gone', (s) => !document.querySelector(s), sel);
});
