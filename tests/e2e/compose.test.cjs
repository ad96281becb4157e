'use strict';
// End-to-end tests of composing throwaway dashboards (issue #6, desktop viewport): a
// 4-panel dashboard from blank through the UI only (the steps are counted and printed),
// found again in Recent after a reload; undo/redo by button and keyboard; moving a panel
// with the keyboard only and by dragging, kept by the link and the autosave; templates;
// fork; and the export/import round trip through `export-json` and `import-json-input`
// (and a file dropped on the page). Adding a panel and pinning a note are undoable too.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, snapshot, waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
});

const RATE = { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } };
const kpi = (id, title) => ({ id, title, datasource: 'demo', kind: 'kpi', spec: { query: RATE, unit: 'req_per_sec' } });
const twoTiles = (title) => ({
  version: 1,
  title,
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: [kpi('a', 'Left'), kpi('b', 'Right')],
  layout: [
    { panel: 'a', x: 0, y: 0, w: 6, h: 2 },
    { panel: 'b', x: 6, y: 0, w: 6, h: 2 },
  ],
});

/** The grid place of every panel, by panel id, from the data-* hooks. */
async function places(page) {
  return page.evaluate(() => {
    const out = {};
    for (const p of document.querySelectorAll('[data-testid="panel"]')) {
      out[p.getAttribute('data-panel-id')] = ['x', 'y', 'w', 'h'].map((k) => Number(p.getAttribute(`data-${k}`)));
    }
    return out;
  });
}

async function waitPlace(page, id, xywh, what) {
  await waitFor(
    page,
    what,
    ([id, want]) => {
      const p = document.querySelector(`[data-testid="panel"][data-panel-id="${id}"]`);
      return !!p && ['x', 'y', 'w', 'h'].every((k, i) => want[i] === null || Number(p.getAttribute(`data-${k}`)) === want[i]);
    },
    [id, xywh],
  );
}

const panelCount = (page) => page.evaluate(() => document.querySelectorAll('[data-testid="panel"]').length);

test('compose a 4-panel dashboard from blank through the UI, then find it in Recent after a reload', T, async (t) => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  // Every user action goes through these, so the count is what a person would do.
  const steps = { clicks: 0, typed: 0, picks: 0 };
  const click = async (sel) => {
    steps.clicks++;
    await page.click(sel);
  };
  const type = async (testid, value) => {
    steps.typed++;
    const loc = page.locator(`[data-testid="${testid}"]`);
    await loc.fill(value);
    await loc.dispatchEvent('change');
  };
  const pick = async (testid, value) => {
    steps.picks++;
    await page.locator(`[data-testid="${testid}"]`).selectOption(value);
  };

  await click('[data-testid="library"]');
  await click('[data-testid="new-blank"]');
  await waitFor(page, 'the blank dashboard', () => document.querySelectorAll('[data-testid="panel"]').length === 0);
  await click('[data-testid="dashboard-title"]');
  steps.typed++;
  await page.locator('[data-testid="dashboard-title-input"]').fill('Checkout incident');
  await page.keyboard.press('Enter');
  await waitFor(page, 'the renamed dashboard', () => document.querySelector('.nk-title').innerText.trim() === 'Checkout incident');

  const panels = [
    { title: 'Request rate', kind: 'kpi', metric: 'shop_http_requests_total' },
    { title: 'p99 latency', kind: 'kpi', metric: 'shop_http_request_duration_seconds', quantile: '0.99' },
    // Left untitled: named after their queries.
    { metric: 'shop_http_requests_total', by: 'service' },
    { metric: 'shop_http_request_duration_seconds', quantile: '0.99', by: 'service' },
  ];
  for (const [i, p] of panels.entries()) {
    await click('[data-testid="add-panel"]');
    await page.waitForSelector('[data-testid="panel-editor"]');
    if (p.kind) await pick('editor-kind', p.kind);
    if (p.title) await type('editor-title', p.title);
    await type('editor-metric', p.metric);
    if (p.quantile) await pick('editor-quantile', p.quantile);
    if (p.by) await type('editor-by', p.by);
    await waitFor(page, `panel ${i + 1} previewed live before Apply`, (n) => document.querySelectorAll('[data-testid="panel"]').length === n && !!document.querySelector('[data-testid="panel-editor"]'), i + 1);
    await click('[data-testid="editor-apply"]');
    await waitFor(page, `panel ${i + 1} added`, (n) => document.querySelectorAll('[data-testid="panel"]').length === n && !document.querySelector('[data-testid="panel-editor"]'), i + 1);
  }
  const total = steps.clicks + steps.typed + steps.picks;
  t.diagnostic(`compose from blank: ${total} steps (${steps.clicks} clicks, ${steps.typed} typed fields, ${steps.picks} picks from lists) for 4 panels and a title`);
  console.log(`[compose] 4-panel dashboard from blank: ${total} steps = ${steps.clicks} clicks + ${steps.typed} typed fields + ${steps.picks} list picks`);
  assert.ok(total <= 25, `composing took ${total} steps`);

  const shot = await waitSettled(page, 4);
  assert.deepEqual(shot.panels.map((p) => [p.title, p.kind, p.state]), [
    ['Request rate', 'kpi', 'ok'],
    ['p99 latency', 'kpi', 'ok'],
    ['rate of shop_http_requests_total by service', 'timeseries', 'ok'],
    ['p99 of shop_http_request_duration_seconds by service', 'timeseries', 'ok'],
  ]);
  const where = await places(page);
  assert.equal(Object.keys(where).length, 4, 'every panel exposes its place');

  await page.reload();
  await waitSettled(page, 4);
  assert.equal(await page.locator('.nk-title').innerText(), 'Checkout incident');
  await page.click('[data-testid="library"]');
  const item = page.locator('[data-testid="recent-item"][data-title="Checkout incident"]');
  assert.equal(await item.count(), 1, 'the dashboard is in Recent once');
  assert.equal(await item.getAttribute('data-panel-count'), '4');
  assert.match(await item.innerText(), /4 panels · just now/);
  assert.deepEqual(uncaught(page), []);
});

test('undo and redo every edit, by button and by keyboard', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Undo me')));
  await waitSettled(page, 2);
  assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'nothing to undo yet');
  assert.equal(await page.isDisabled('[data-testid="redo"]'), true, 'nothing to redo yet');

  await page.locator('[data-testid="panel-remove"]').first().click();
  await waitFor(page, 'one panel', () => document.querySelectorAll('[data-testid="panel"]').length === 1);
  await page.locator('[data-testid="panel-duplicate"]').first().click();
  await waitFor(page, 'a copy', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
  assert.deepEqual((await snapshot(page)).panels.map((p) => p.title), ['Right', 'Right (copy)']);

  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the copy undone', () => document.querySelectorAll('[data-testid="panel"]').length === 1);
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the removal undone', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
  assert.deepEqual((await snapshot(page)).panels.map((p) => p.title), ['Left', 'Right']);
  assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'back at the start');
  await page.click('[data-testid="redo"]');
  await waitFor(page, 'the removal redone', () => document.querySelectorAll('[data-testid="panel"]').length === 1);

  // Keyboard: Ctrl+Z and Shift+Ctrl+Z outside text fields.
  await page.keyboard.press('Control+z');
  await waitFor(page, 'Ctrl+Z undoes', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
  await page.keyboard.press('Control+Shift+z');
  await waitFor(page, 'Shift+Ctrl+Z redoes', () => document.querySelectorAll('[data-testid="panel"]').length === 1);

  // Renaming the dashboard and editing a panel are undoable too.
  await page.click('[data-testid="dashboard-title"]');
  await page.locator('[data-testid="dashboard-title-input"]').fill('Renamed board');
  await page.keyboard.press('Enter');
  await waitFor(page, 'renamed', () => document.querySelector('.nk-title').innerText.trim() === 'Renamed board');
  await page.click('[data-testid="panel-edit"]');
  await page.locator('[data-testid="editor-title"]').fill('Edited');
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'edited', () => !!document.querySelector('[data-testid="panel"][data-title="Edited"]'));
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the edit undone', () => !!document.querySelector('[data-testid="panel"][data-title="Right"]'));
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the rename undone', () => document.querySelector('.nk-title').innerText.trim() === 'Undo me');

  // Adding a panel and pinning an incident note are single undoable edits as well.
  const before = await panelCount(page);
  await page.click('[data-testid="add-panel"]');
  await page.locator('[data-testid="editor-metric"]').fill('shop_http_requests_total');
  await page.locator('[data-testid="editor-metric"]').dispatchEvent('change');
  await page.click('[data-testid="editor-apply"]');
  await waitFor(page, 'the panel added', (n) => document.querySelectorAll('[data-testid="panel"]').length === n + 1 && !document.querySelector('[data-testid="panel-editor"]'), before);
  await page.click('[data-testid="add-note"]');
  await page.fill('[data-testid="note-text"]', 'deploy started');
  await page.click('[data-testid="note-save"]');
  await waitFor(page, 'the note pinned', () => document.querySelectorAll('[data-testid="note-item"]').length === 1);
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the note undone', () => document.querySelectorAll('[data-testid="note-item"]').length === 0);
  assert.equal(await panelCount(page), before + 1, 'one step undoes only the note');
  await page.click('[data-testid="undo"]');
  await waitFor(page, 'the added panel undone', (n) => document.querySelectorAll('[data-testid="panel"]').length === n, before);
  await page.click('[data-testid="redo"]');
  await page.click('[data-testid="redo"]');
  await waitFor(page, 'both redone', (n) => document.querySelectorAll('[data-testid="panel"]').length === n + 1 && document.querySelectorAll('[data-testid="note-item"]').length === 1, before);
  assert.deepEqual(uncaught(page), []);
});

test('the side editor previews the panel live; closing it without Apply changes nothing', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Preview board')));
  await waitSettled(page, 2);
  await page.locator('[data-testid="panel-edit"]').first().click();
  await page.locator('[data-testid="editor-title"]').fill('Live title');
  await page.locator('[data-testid="editor-kind"]').selectOption('timeseries');
  await waitFor(page, 'the preview in the grid', () => {
    const p = document.querySelector('[data-testid="panel"][data-panel-id="a"]');
    return p && p.getAttribute('data-title') === 'Live title' && p.getAttribute('data-kind') === 'timeseries' && p.getAttribute('data-state') === 'ok';
  });
  assert.doesNotMatch(decodeURIComponent(page.url()), /Live title/, 'a preview is not written to the link');
  await page.click('[data-testid="editor-cancel"]');
  await waitFor(page, 'the panel as it was', () => {
    const p = document.querySelector('[data-testid="panel"][data-panel-id="a"]');
    return p && p.getAttribute('data-title') === 'Left' && p.getAttribute('data-kind') === 'kpi';
  });
  assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'a cancelled edit leaves nothing to undo');

  // A new panel previews too, and disappears when the editor is closed.
  await page.click('[data-testid="add-panel"]');
  await page.locator('[data-testid="editor-metric"]').fill('shop_http_requests_total');
  await page.locator('[data-testid="editor-metric"]').dispatchEvent('change');
  await waitFor(page, 'the new panel previewed', () => document.querySelectorAll('[data-testid="panel"]').length === 3);
  await page.click('[data-testid="editor-cancel"]');
  await waitFor(page, 'the preview gone', () => document.querySelectorAll('[data-testid="panel"]').length === 2);
  assert.deepEqual(uncaught(page), []);
});

test('keyboard only: focus a panel handle, arrows move it, Shift+arrows resize it; the link and Recent keep it', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Keyboard board')));
  await waitSettled(page, 2);
  assert.deepEqual(await places(page), { a: [0, 0, 6, 2], b: [6, 0, 6, 2] });

  // Tab from the page start until the first panel's move handle has focus: keyboard only.
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'panel-move' && document.activeElement.closest('[data-panel-id]').getAttribute('data-panel-id') === 'a');
  }
  assert.ok(reached, 'the move handle is reachable with Tab');

  await page.keyboard.press('ArrowRight');
  await waitPlace(page, 'a', [1, 0, 6, 2], 'a moved one column right');
  await waitPlace(page, 'b', [6, 2, 6, 2], 'b, now covered, went below a');
  await page.keyboard.press('Shift+ArrowDown');
  await waitPlace(page, 'a', [1, 0, 6, 3], 'a one row taller');
  await page.keyboard.press('ArrowDown');
  await waitPlace(page, 'a', [1, 2, 6, 3], 'a moved below b (they swapped)');
  await waitPlace(page, 'b', [6, 0, 6, 2], 'b rose to the top');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'panel-move', 'focus stays on the handle');
  await page.keyboard.press('Control+z');
  await waitPlace(page, 'a', [1, 0, 6, 3], 'Ctrl+Z undoes the last move');

  // The link carries the place: a fresh browser context opens it the same way.
  await waitFor(page, 'the link holds the layout', () => location.hash.startsWith('#d=1.'));
  const link = page.url();
  const other = await env.newPage();
  await other.goto(link);
  await waitSettled(other, 2);
  assert.deepEqual(await places(other), { a: [1, 0, 6, 3], b: [6, 3, 6, 2] });
  // The autosave keeps it across a reload.
  await page.reload();
  await waitSettled(page, 2);
  assert.deepEqual(await places(page), { a: [1, 0, 6, 3], b: [6, 3, 6, 2] });
  assert.deepEqual(uncaught(page), []);
});

test('drag a panel by its handle to move it, and by its corner to resize it', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Drag board')));
  await waitSettled(page, 2);
  const grid = await page.locator('.nk-grid').boundingBox();
  const column = (grid.width - 32) / 12;

  const handle = await page.locator('[data-panel-id="b"] [data-testid="panel-move"]').boundingBox();
  const [hx, hy] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(hx - i * column, hy + 2);
  await waitPlace(page, 'b', [0, 0, 6, 2], 'the preview follows the pointer');
  await page.mouse.up();
  await waitPlace(page, 'b', [0, 0, 6, 2], 'b dropped at the left');
  await waitPlace(page, 'a', [0, 2, 6, 2], 'a pushed down below b');

  const corner = await page.locator('[data-panel-id="a"] [data-testid="panel-resize"]').boundingBox();
  const [cx, cy] = [corner.x + corner.width / 2, corner.y + corner.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 4; i++) await page.mouse.move(cx + i * column, cy + i * 19);
  await page.mouse.up();
  await waitPlace(page, 'a', [0, 2, 10, 3], 'a resized by four columns and one row');
  await page.click('[data-testid="undo"]');
  await waitPlace(page, 'a', [0, 2, 6, 2], 'a drag is one undoable edit');
  assert.deepEqual(uncaught(page), []);
});

test('templates: Service RED overview for a chosen service and the Incident board', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.click('[data-testid="library"]');
  await page.locator('[data-testid="template-service"]').fill('billing');
  await page.click('[data-testid="new-template-service-red"]');
  await waitFor(page, 'the RED overview', () => document.querySelector('.nk-title').innerText.trim() === 'billing RED overview');
  await waitFor(page, 'nine panels', () => document.querySelectorAll('[data-testid="panel"]').length === 9);
  const red = await snapshot(page);
  assert.deepEqual(red.panels.filter((p) => p.kind === 'kpi').map((p) => p.title), ['Rate', 'Errors', 'p50 duration', 'p95 duration', 'p99 duration']);
  assert.ok(red.panels.some((p) => p.kind === 'trace_search'), 'the service traces are there');
  await waitFor(page, 'the tiles have data', () =>
    [...document.querySelectorAll('[data-testid="panel"][data-kind="kpi"]')].every((p) => p.getAttribute('data-state') === 'ok'),
  );

  await page.click('[data-testid="library"]');
  await page.click('[data-testid="new-template-incident-board"]');
  await waitFor(page, 'the incident board', () => document.querySelector('.nk-title').innerText.trim() === 'Incident board');
  const kinds = await page.evaluate(() => [...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getAttribute('data-kind')));
  assert.equal(kinds.filter((k) => k === 'kpi').length, 4);
  for (const kind of ['health_grid', 'timeseries', 'trace_search']) assert.ok(kinds.includes(kind), `${kind} in ${kinds}`);
  // Both are separate dashboards in Recent.
  await page.click('[data-testid="library"]');
  for (const title of ['billing RED overview', 'Incident board']) {
    assert.equal(await page.locator(`[data-testid="recent-item"][data-title="${title}"]`).count(), 1, title);
  }
  assert.deepEqual(uncaught(page), []);
});

test('fork an opened link into an editable copy; the original entry stays as it was; discard all others', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Shared board')));
  await waitSettled(page, 2);
  await page.click('[data-testid="library"]');
  await page.click('[data-testid="fork"]');
  await waitFor(page, 'the fork', () => document.querySelector('.nk-title').innerText.trim() === 'Shared board (fork)');
  await page.locator('[data-testid="panel-remove"]').first().click();
  await waitFor(page, 'the fork changed', () => document.querySelectorAll('[data-testid="panel"]').length === 1);
  await page.click('[data-testid="library"]');
  assert.equal(await page.locator('[data-testid="recent-item"][data-title="Shared board"]').getAttribute('data-panel-count'), '2');
  assert.equal(await page.locator('[data-testid="recent-item"][data-title="Shared board (fork)"]').getAttribute('data-panel-count'), '1');
  // Discard all the others: only the open dashboard stays.
  await page.click('[data-testid="discard-all"]');
  await waitFor(page, 'only the open dashboard in Recent', () => {
    const items = [...document.querySelectorAll('[data-testid="recent-item"]')];
    return items.length === 1 && items[0].getAttribute('data-title') === 'Shared board (fork)';
  });
});

test('export JSON and import it back by the picker and by drag-and-drop: panels and layout survive the round trip', T, async () => {
  const page = await env.newPage();
  await page.goto(jsonLink(env.url, twoTiles('Round trip')));
  await waitSettled(page, 2);
  await page.locator('[data-panel-id="a"] [data-testid="panel-move"]').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await waitPlace(page, 'a', [0, 0, 7, 2], 'a widened');
  const before = await places(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const file = path.join(os.tmpdir(), `napkin-compose-${process.pid}.json`);
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.title, 'Round trip');
  assert.deepEqual(exported.layout.find((l) => l.panel === 'a'), { panel: 'a', x: 0, y: 0, w: 7, h: 2 });

  const fresh = await env.newPage();
  await fresh.goto(env.url);
  await waitSettled(fresh, 8);
  await fresh.setInputFiles('[data-testid="import-json-input"]', file);
  await waitFor(fresh, 'the imported dashboard', () => document.querySelector('.nk-title').innerText.trim() === 'Round trip');
  await waitSettled(fresh, 2);
  assert.deepEqual(await places(fresh), before);
  assert.deepEqual((await snapshot(fresh)).panels.map((p) => p.title), ['Left', 'Right']);

  // The same file dropped anywhere on the page opens too.
  const dropped = await env.newPage();
  await dropped.goto(env.url);
  await waitSettled(dropped, 8);
  const text = fs.readFileSync(file, 'utf8');
  await dropped.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'round-trip.json', { type: 'application/json' }));
    const target = document.querySelector('.nk-grid') || document.body;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await waitFor(dropped, 'the dropped dashboard', () => document.querySelector('.nk-title').innerText.trim() === 'Round trip');
  await waitSettled(dropped, 2);
  assert.deepEqual(await places(dropped), before);
  assert.deepEqual(uncaught(dropped), []);
  fs.rmSync(file, { force: true });
});
