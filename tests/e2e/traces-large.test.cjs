'use strict';
// End-to-end test of a 100,000-span trace (issue #4): a generated OTLP-JSON file opened
// through the page-wide `trace-file-input`, with the number of `span-row` elements in the DOM
// checked to stay bounded while scrolling, collapsing and expanding, and "collapse all"
// checked to leave a short link (the collapse rule, not 25,000 ids).
// Hooks: trace-file-input, trace-summary, waterfall (data-visible-rows, data-dom-rows),
// waterfall-rows, span-row, trace-collapse-all, trace-expand-all, trace-depth (README.md).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setup, waitFor, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { syntheticOtlp } = require('./lib/trace-fixtures.cjs');

const N = 100000;
/** The DOM may hold the viewport's rows plus overscan, never a share of the trace. */
const MAX_DOM_ROWS = 200;
const T = { timeout: Math.max(TEST_TIMEOUT_MS, 300000) };

let env;
let file;
before(async () => {
  file = path.join(os.tmpdir(), `napkin-100k-${process.pid}.json`);
  fs.writeFileSync(file, syntheticOtlp(N, { pad: false, t0Ms: 1767225600000 }));
  env = await setup({});
});
after(async () => {
  if (env) await env.teardown();
  if (file) fs.rmSync(file, { force: true });
});

async function state(page) {
  return page.evaluate(() => {
    const w = document.querySelector('[data-testid="waterfall"]');
    const rows = [...document.querySelectorAll('[data-testid="span-row"]')];
    return {
      visible: Number(w?.dataset.visibleRows),
      dom: rows.length,
      depths: rows.map((r) => Number(r.dataset.depth)),
      tops: rows.map((r) => parseFloat(r.style.top)),
      first: rows[0]?.dataset.spanId,
    };
  });
}

async function scrollTo(page, top) {
  await page.evaluate((y) => {
    const el = document.querySelector('[data-testid="waterfall-rows"]');
    el.scrollTop = y;
    el.dispatchEvent(new Event('scroll'));
  }, top);
  // The painted rows follow: one of them is at the scroll position.
  await waitFor(page, `rows at ${top}px`, (y) => {
    const el = document.querySelector('[data-testid="waterfall-rows"]');
    const tops = [...document.querySelectorAll('[data-testid="span-row"]')].map((r) => parseFloat(r.style.top));
    return tops.some((t) => t <= el.scrollTop && t + 24 > el.scrollTop) && Math.abs(el.scrollTop - Math.min(y, el.scrollHeight - el.clientHeight)) < 2;
  }, top, 60000);
  return state(page);
}

test('a 100,000-span OTLP file opens through trace-file-input; DOM rows stay bounded', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await page.setInputFiles('[data-testid="trace-file-input"]', file);
  await waitFor(page, '100k summary', (n) => document.querySelector('[data-testid="trace-summary"]')?.dataset.spanCount === String(n), N, 240000);
  const summary = await page.evaluate(() => ({ ...document.querySelector('[data-testid="trace-summary"]').dataset }));
  assert.equal(summary.spanCount, String(N));
  assert.equal(summary.errorCount, String(N / 1000), 'one span in 1,000 fails');
  assert.equal(summary.serviceCount, '1');
  assert.equal(summary.root, 'op-0');
  await waitFor(page, 'rows painted', () => document.querySelectorAll('[data-testid="span-row"]').length > 0, undefined, 60000);
  const first = await state(page);
  assert.ok(first.visible > 1000, `${first.visible} visible rows`);
  assert.ok(first.dom > 0 && first.dom < MAX_DOM_ROWS, `${first.dom} rows in the DOM`);

  // Scrolling repaints the window, never more rows.
  const total = first.visible * 24;
  for (const y of [total / 2, total - 100, 24 * 1234, 0]) {
    const s = await scrollTo(page, y);
    assert.ok(s.dom > 0 && s.dom < MAX_DOM_ROWS, `${s.dom} rows in the DOM at ${y}px`);
  }
  await scrollTo(page, total / 3);

  // Collapse all: one row, and the link holds the rule, not the ids of every parent. The
  // panel itself is kept (only its rows change): a mark set on its element survives.
  await page.evaluate(() => { document.querySelector('[data-testid="waterfall"]').napkinKept = true; });
  await page.click('[data-testid="trace-collapse-all"]');
  await waitFor(page, 'collapsed', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) === 1, undefined, 60000);
  await waitFor(page, 'link updated', () => location.hash.length > 10);
  const hash = await page.evaluate(() => location.hash.length);
  assert.ok(hash < 2000, `the collapse-all link is ${hash} characters`);
  const collapsed = await state(page);
  assert.equal(collapsed.dom, 1);

  // Expand to depth 2 (rows of depth 0..2), then everything.
  await page.selectOption('[data-testid="trace-depth"]', '2');
  await waitFor(page, 'depth 2', () => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) > 1, undefined, 60000);
  const d2 = await state(page);
  assert.ok(d2.depths.every((d) => d <= 2), `depths ${[...new Set(d2.depths)]}`);
  assert.ok(d2.dom < MAX_DOM_ROWS);
  await page.click('[data-testid="trace-expand-all"]');
  await waitFor(page, 'expanded', (n) => Number(document.querySelector('[data-testid="waterfall"]')?.dataset.visibleRows) === n, first.visible, 60000);
  const kept = await page.evaluate(() => document.querySelector('[data-testid="waterfall"]').napkinKept === true);
  assert.ok(kept, 'collapse all, expand to depth and expand all keep the waterfall panel instead of rebuilding it');
  const expanded = await scrollTo(page, total - 100);
  assert.ok(expanded.dom > 0 && expanded.dom < MAX_DOM_ROWS, `${expanded.dom} rows in the DOM after expand all`);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
