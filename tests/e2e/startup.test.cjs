'use strict';
// Start-up order (issue #7, B4): index.html preloads `datasources.json` and the app's own
// request takes that preload; panels mount once the datasources are known, and a file that
// is slow or never answers delays the panels only briefly. No wait here is an assertion
// about time: each one polls until the state it names, with the harness' generous timeout.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS, useSetup } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const env = useSetup();

const RATE_QUERY = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
const board = {
  version: 1,
  title: 'start-up',
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: ['a', 'b', 'c', 'd'].map((id) => ({
    id,
    title: `panel ${id}`,
    datasource: 'demo',
    kind: 'timeseries',
    spec: { queries: [RATE_QUERY], unit: 'req_per_sec' },
  })),
};

const panelCount = () => document.querySelectorAll('[data-testid="panel"]').length;

test('datasources.json is requested once: the app takes the preload of index.html', T, async () => {
  const page = await env.newPage();
  const asked = [];
  page.on('request', (r) => {
    if (r.url().includes('datasources.json')) asked.push(r.url());
  });
  await page.goto(jsonLink(env.url, board));
  await waitSettled(page, 4);
  const preload = await page.evaluate(() => !!document.querySelector('link[rel="preload"][href*="datasources.json"][as="fetch"]'));
  assert.ok(preload, 'index.html has no preload for datasources.json');
  assert.equal(asked.length, 1, `datasources.json requested ${asked.length} times: ${asked.join(', ')}`);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('panels mount while datasources.json never answers', T, async () => {
  const page = await env.newPage();
  // Never fulfilled: the request stays pending for the life of the page.
  await page.route('**/datasources.json', () => {});
  await page.goto(jsonLink(env.url, board));
  await waitFor(page, 'all 4 panel frames', (n) => document.querySelectorAll('[data-testid="panel"]').length === n, 4);
  assert.equal(await page.evaluate(panelCount), 4);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('a late datasources.json still brings every panel its data', T, async () => {
  const page = await env.newPage();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  await page.route('**/datasources.json', async (route) => {
    await gate;
    await route.continue();
  });
  await page.goto(jsonLink(env.url, board));
  await waitFor(page, 'all 4 panel frames before the file answers', (n) => document.querySelectorAll('[data-testid="panel"]').length === n, 4);
  const states = await page.evaluate(() => [...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getAttribute('data-state')));
  assert.ok(!states.includes('ok'), `panels had data before the datasources were known: ${states}`);
  release();
  await waitFor(page, 'every panel ok', () => {
    const ps = [...document.querySelectorAll('[data-testid="panel"]')];
    return ps.length === 4 && ps.every((p) => p.getAttribute('data-state') === 'ok');
  });
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
