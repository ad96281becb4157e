'use strict';
// End-to-end tests of throwaway dashboards: autosave into Recent (survives reload), open
// and discard recent dashboards, start blank, export and import JSON, and the theme.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { useSetup, snapshot, waitFor, waitSettled, jsonLink, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const env = useSetup();

const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
const board = (title) => ({
  version: 1,
  title,
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: [{ id: 'a', title: 'Rate', datasource: 'demo', kind: 'kpi', spec: { query: RATE, unit: 'req_per_sec' } }],
});

test('dashboards are autosaved to Recent, reopen from it, and can be discarded', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('First board')));
  await waitSettled(page, 1);
  await page.goto(jsonLink(env.url, board('Second board')));
  await waitSettled(page, 1);
  await page.reload();
  await waitSettled(page, 1);
  await page.click('[data-testid="library"]');
  const titles = await page.locator('[data-testid="recent-item"] .nk-recent-title').allInnerTexts();
  assert.ok(titles.includes('First board') && titles.includes('Second board'), JSON.stringify(titles));
  assert.equal(titles.filter((t) => t === 'Second board').length, 1, 'a reload does not duplicate the entry');
  await page.locator('[data-testid="recent-item"]', { hasText: 'First board' }).locator('.nk-recent-open').click();
  await waitFor(page, 'First board open', () => document.querySelector('.nk-title').innerText === 'First board');
  await page.click('[data-testid="library"]');
  await page.locator('[data-testid="recent-item"]', { hasText: 'Second board' }).locator('[data-testid="recent-discard"]').click();
  await waitFor(page, 'Second board gone', () => ![...document.querySelectorAll('[data-testid="recent-item"]')].some((e) => e.innerText.includes('Second board')));
});

test('export a dashboard as JSON and import it back (picker); a bad file explains itself', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('Exported board')));
  await waitSettled(page, 1);
  await page.click('[data-testid="library"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const file = path.join(os.tmpdir(), `napkin-export-${process.pid}.json`);
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.title, 'Exported board');
  assert.equal(exported.panels.length, 1);

  const fresh = await env.newPage();
  await fresh.goto(env.url);
  await waitSettled(fresh, 8);
  await fresh.click('[data-testid="library"]');
  await fresh.setInputFiles('[data-testid="import-json-input"]', file);
  await waitFor(fresh, 'the imported board', () => document.querySelector('.nk-title').innerText === 'Exported board');
  await waitSettled(fresh, 1);
  assert.deepEqual((await snapshot(fresh)).panels.map((p) => p.title), ['Rate']);

  const bad = path.join(os.tmpdir(), `napkin-bad-${process.pid}.json`);
  fs.writeFileSync(bad, '<html>not a dashboard</html>');
  await fresh.click('[data-testid="library"]');
  await fresh.setInputFiles('[data-testid="import-json-input"]', bad);
  await waitFor(fresh, 'an import error', () => (document.querySelector('[data-testid="link-error"]')?.innerText || '').includes('could not be imported'));
  assert.equal(await fresh.locator('.nk-title').innerText(), 'Exported board', 'the open dashboard is kept');
});

test('a blank dashboard, and the dark theme survives a reload', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="library"]');
  await page.click('[data-testid="new-blank"]');
  await waitFor(page, 'no panels', () => document.querySelectorAll('[data-testid="panel"]').length === 0);
  await page.click('[data-testid="library"]');
  await page.selectOption('[data-testid="theme"]', 'dark');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.reload();
  await waitFor(page, 'dark after reload', () => document.documentElement.getAttribute('data-theme') === 'dark');
  assert.equal(await page.locator('.nk-title').innerText(), 'Untitled', 'the blank dashboard survives the reload');
});
