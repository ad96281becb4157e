'use strict';
// Nothing lost, end to end: two tabs editing one dashboard never overwrite each other
// silently (revisions in the Recent list, the `storage` event, and a conflict message with
// keep mine / take theirs / keep both); a full storage says so instead of dropping the
// change; an edit survives a reload and a tab that dies right after it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const RECENT = 'napkin.recent.v1';
const env = useSetup();

const board = (title) => ({
  version: 1,
  title,
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: [
    {
      id: 'a',
      title: 'Rate',
      datasource: 'demo',
      kind: 'kpi',
      spec: { query: { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } }, unit: 'req_per_sec' },
    },
  ],
});

/** The stored Recent entry of `key`, read in the page. */
const stored = (page, key) =>
  page.evaluate(
    ([k, name]) => {
      const list = JSON.parse(localStorage.getItem(name) || '{"entries":[]}');
      return list.entries.find((e) => e.key === k) || null;
    },
    [key, RECENT],
  );
const fragment = (page) => page.evaluate(() => location.hash.slice(1));
const docKey = (page) => page.evaluate(() => history.state);
const rangeS = (page) =>
  page.evaluate(() => {
    const tr = document.querySelector('[data-testid="time-range"]');
    return (Number(tr.getAttribute('data-to')) - Number(tr.getAttribute('data-from'))) / 1000;
  });
/**
 * Waits until this page's own state is what the Recent list holds for its dashboard (the
 * address holds the app's own encoding after any change; a pasted link stays as pasted,
 * so before the first change only the entry's existence is checked).
 */
const saved = (page, what, exact = true) =>
  waitFor(
    page,
    what,
    ([name, exactly]) => {
      const list = JSON.parse(localStorage.getItem(name) || '{"entries":[]}');
      const e = list.entries.find((x) => x.key === history.state);
      return !!e && (!exactly || e.fragment === location.hash.slice(1));
    },
    [RECENT, exact],
  );
const conflictShown = (page, what) => waitFor(page, what, () => !!document.querySelector('[data-testid="save-conflict"]'));

test('two tabs editing one dashboard: no silent overwrite; keep mine, take theirs, keep both', T, async () => {
  const a = await env.newPage();
  await a.goto(jsonLink(env.url, board('Shared board')));
  await waitSettled(a, 1);
  await saved(a, 'tab A autosaved', false);
  const key = await docKey(a);
  assert.ok(key, 'the dashboard has an identity in the history entry');

  // Tab B (same browser profile) opens the same dashboard from Recent.
  const b = await a.context().newPage();
  await b.goto(env.url);
  await waitSettled(b, 1);
  await b.click('[data-testid="library"]');
  await b.locator(`[data-testid="recent-item"][data-key="${key}"] .nk-recent-open`).click();
  await waitFor(b, 'B has the shared dashboard', (k) => history.state === k, key);
  await saved(b, 'B agrees with the stored state');
  assert.equal(await b.locator('[data-testid="save-conflict"]').count(), 0, 'opening is not a conflict');
  assert.equal(await a.locator('[data-testid="save-conflict"]').count(), 0, 'the other tab opening it is not a conflict');

  // B edits and saves; A is told at once and writes nothing over it, even when it edits.
  await b.selectOption('[data-testid="time-preset"]', '6h');
  await saved(b, "B's edit saved");
  const bVersion = await fragment(b);
  await conflictShown(a, 'A sees the conflict');
  assert.match(await a.textContent('[data-testid="save-conflict"]'), /changed in another tab.*nothing is overwritten/);
  await a.selectOption('[data-testid="time-preset"]', '24h');
  await a.waitForTimeout(300);
  assert.equal((await stored(a, key)).fragment, bVersion, "A's edit did not overwrite B's");
  const aVersion = await fragment(a);
  assert.notEqual(aVersion, bVersion, "A's version is kept in A's link");

  // A keeps its version: saved once, on purpose; B is then told in turn and takes it.
  await a.click('[data-testid="conflict-keep-mine"]');
  await saved(a, "A's version saved after keep-mine");
  assert.equal(await a.locator('[data-testid="save-conflict"]').count(), 0);
  await conflictShown(b, 'B sees the conflict');
  await b.click('[data-testid="conflict-take-theirs"]');
  await waitFor(b, "B shows A's version", (v) => location.hash.slice(1) === v, aVersion);
  assert.equal(await rangeS(b), 24 * 3600, "B's range is A's 24 h");
  assert.equal(await b.locator('[data-testid="save-conflict"]').count(), 0);

  // Keep both: B edits, A forks its own (unsaved) edit into a new Recent entry.
  await b.selectOption('[data-testid="time-preset"]', '5m');
  await saved(b, "B's second edit saved");
  const bSecond = await fragment(b);
  await conflictShown(a, 'A sees the second conflict');
  await a.selectOption('[data-testid="time-preset"]', '7d');
  const aSecond = await fragment(a);
  await a.click('[data-testid="conflict-keep-both"]');
  await saved(a, "A's fork saved");
  const forkKey = await docKey(a);
  assert.notEqual(forkKey, key, 'the fork has an identity of its own');
  assert.equal((await stored(a, key)).fragment, bSecond, "B's version stays under the shared identity");
  assert.equal((await stored(a, forkKey)).fragment, aSecond, "A's version is kept under the fork");
  assert.deepEqual(uncaught(a), []);
  await a.context().close();
});

test('a full storage shows a message and loses nothing; saving resumes when there is room', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('Quota board')));
  await waitSettled(page, 1);
  await saved(page, 'first autosave', false);
  await page.evaluate(() => {
    window.__setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.selectOption('[data-testid="time-preset"]', '6h');
  const message = await waitFor(page, 'the storage message', () => document.querySelector('[data-testid="save-problem"]')?.textContent);
  assert.match(message, /storage for this page is full.*still in this page's link/);
  const key = await docKey(page);
  assert.notEqual((await stored(page, key)).fragment, await fragment(page), 'the failed save really was not written');
  assert.equal(await rangeS(page), 6 * 3600, 'the change is kept on screen and in the link');
  await page.evaluate(() => {
    Storage.prototype.setItem = window.__setItem;
  });
  await page.selectOption('[data-testid="time-preset"]', '24h');
  await saved(page, 'saved again');
  await waitFor(page, 'the message goes away', () => !document.querySelector('[data-testid="save-problem"]'));
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('an edit survives a reload and a tab that dies right after it', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, board('Crash board')));
  await waitSettled(page, 1);
  const key = await docKey(page);
  await page.selectOption('[data-testid="time-preset"]', '6h');
  await page.reload();
  await waitSettled(page, 1);
  assert.equal(await rangeS(page), 6 * 3600, 'the edit is there after the reload');
  assert.equal(await docKey(page), key, 'same identity');
  await saved(page, 'still autosaving after the reload');
  assert.equal(await page.locator('[data-testid="save-conflict"]').count(), 0, 'a reload is not a conflict with oneself');

  // The tab dies right after an edit (no unload handlers run); a new tab finds it in Recent.
  await page.selectOption('[data-testid="time-preset"]', '24h');
  const context = page.context();
  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await next.goto(env.url);
  await waitSettled(next, 1);
  await next.click('[data-testid="library"]');
  await next.locator(`[data-testid="recent-item"][data-key="${key}"] .nk-recent-open`).click();
  await waitFor(next, 'the crashed tab\'s dashboard', () => document.querySelectorAll('[data-testid="panel"]').length === 1);
  assert.equal(await rangeS(next), 24 * 3600, 'the last edit before the crash was saved');
  await context.close();
});
